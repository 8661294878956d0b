"""Choices of the solutions module (方案设计)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Status(models.TextChoices):
    """The solution's review state (see workflow.py)."""

    DRAFT = "draft", pgettext_lazy("solution status", "Draft")  # 草稿/编写中
    IN_REVIEW = "in_review", pgettext_lazy("solution status", "In internal review")  # 内部评审中
    RETURNED = "returned", pgettext_lazy("solution status", "Returned")  # 已退回
    CROSS_DEPT = (
        "cross_dept_review",
        pgettext_lazy("solution status", "In cross-department review"),
    )  # 跨部门评审中
    PASSED = "passed", pgettext_lazy("solution status", "Review passed")  # 评审通过


EDITABLE_STATUSES = (Status.DRAFT, Status.RETURNED)
UNDER_REVIEW_STATUSES = (Status.IN_REVIEW, Status.CROSS_DEPT)


class ReviewLevel(models.IntegerChoices):
    """三级评审: each level needs a reviewer holding that presales level or higher."""

    JUNIOR = 1, _("Junior review")  # 初级评审
    INTERMEDIATE = 2, _("Intermediate review")  # 中级评审
    SENIOR = 3, _("Senior review")  # 高级评审


# The presales level (accounts.PresalesLevel) a reviewer of each review level must hold at least.
LEVEL_RANK = {"junior": 1, "intermediate": 2, "senior": 3}
LAST_LEVEL = ReviewLevel.SENIOR


class Decision(models.TextChoices):
    APPROVED = "approved", _("Approved")  # 通过
    RETURNED = "returned", _("Returned for revision")  # 退回修改


class Department(models.TextChoices):
    """跨部门评审: the departments that review every solution (seed 003 §3.3)."""

    TECHNICAL = "technical", _("Technical department")  # 技术部门: technical feasibility
    QUALITY = "quality", _("Quality department")  # 质量部门
    MARKETING = "marketing", _("Marketing department")  # 市场部门: market competitiveness
    BUSINESS = "business", _("Business department")  # 商务部门: cost-effectiveness


class DeptDecision(models.TextChoices):
    AGREE = "agree", _("Agree")  # 同意
    AGREE_WITH_CHANGES = "agree_with_changes", _("Agree with changes")  # 修改后同意
    DISAGREE = "disagree", _("Disagree")  # 不同意


AGREEING = (DeptDecision.AGREE, DeptDecision.AGREE_WITH_CHANGES)


class RoundOutcome(models.TextChoices):
    PENDING = "pending", _("Under review")
    PASSED = "passed", _("Passed")
    RETURNED = "returned", _("Returned")


class Progress(models.TextChoices):
    """An opportunity's solution progress (the progress board reads it)."""

    NONE = "none", _("No solution")
    DRAFTING = "drafting", _("Drafting")
    IN_REVIEW = "in_review", _("In review")
    RETURNED = "returned", _("Returned")
    PASSED = "passed", _("Review passed")
