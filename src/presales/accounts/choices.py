from django.db import models
from django.utils.translation import gettext_lazy as _


class RoleCode(models.TextChoices):
    ADMIN = "admin", _("Administrator")  # runs the system: users, reference data
    DEPARTMENT_HEAD = "department_head", _("Department head")  # heads the presales department
    PRESALES_MANAGER = "presales_manager", _("Presales manager")  # plans and steers presales work
    INDUSTRY_EXPERT = "industry_expert", _("Industry expert")  # industry insight for solutions
    TECHNICAL_EXPERT = "technical_expert", _("Technical expert")  # product and feasibility
    SOLUTION_ARCHITECT = "solution_architect", _("Solution architect")  # designs the solution
    BUSINESS_SPECIALIST = "business_specialist", _("Business specialist")  # pricing, bids, contracts
    PRESALES_ENGINEER = "presales_engineer", _("Presales engineer")  # does the presales work
    SALES = "sales", _("Sales")  # owns the customer relationship, asks presales for support
    COMMITTEE = "committee", _("Appraisal committee member")  # final review of appraisals


# Roles whose holders see and steer every team's work.
MANAGER_ROLES = frozenset({RoleCode.ADMIN, RoleCode.DEPARTMENT_HEAD, RoleCode.PRESALES_MANAGER})
# Roles that do presales work (may own a customer's presales interface, lead an opportunity).
PRESALES_ROLES = frozenset(
    {
        RoleCode.PRESALES_MANAGER,
        RoleCode.INDUSTRY_EXPERT,
        RoleCode.TECHNICAL_EXPERT,
        RoleCode.SOLUTION_ARCHITECT,
        RoleCode.BUSINESS_SPECIALIST,
        RoleCode.PRESALES_ENGINEER,
    }
)


class PresalesLevel(models.TextChoices):
    JUNIOR = "junior", _("Junior")  # 初级
    INTERMEDIATE = "intermediate", _("Intermediate")  # 中级
    SENIOR = "senior", _("Senior")  # 高级


class CareerTrack(models.TextChoices):
    EXPERT = "expert", _("Presales expert")  # 售前专家
    MANAGER = "manager", _("Presales manager track")  # 售前经理
    DIRECTOR = "director", _("Presales director")  # 售前总监
