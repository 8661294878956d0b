"""Demo solutions for the demo company: `build(rng, opportunities, users)` writes solutions through
the real services in every state — draft, in review at each of the three levels, in the
cross-department review, returned (by a level and by a department), passed at first submission,
and passed after a return at level 2 then a resubmission — so every page shows something.

Open opportunities already past the solution stage (demo/POC, bid, negotiation) get a solution
whose review passed (their gate into those stages needs one); the solution-stage ones get the other
states. Returns {"solutions": n, "versions": m, "department reviews": k}.
"""

from __future__ import annotations

from presales.opportunities.choices import Stage

from . import services
from .choices import Decision, Department, DeptDecision
from .models import SectionTemplate, SolutionSection, SolutionVersion

PARAGRAPHS = {
    "overview": "{name}：客户希望在现有系统基础上完成升级改造，提升运营效率并降低运维成本。本方案围绕需求确认书中的关键需求，"  # noqa: E501
    "给出总体建设目标、建设思路和分阶段实施路径，确保投资回报可量化、可验证。",
    "business_process": "梳理客户现有业务流程中的人工环节与信息断点，设计端到端的目标流程：数据自动采集、异常自动告警、"  # noqa: E501
    "工单闭环处理。预计关键流程处理时长缩短30%以上，人工干预次数减少一半。",
    "architecture": "总体采用“边缘采集 + 平台中台 + 应用层”三层架构，支持本地化部署与混合云部署两种模型；"
    "平台层提供统一数据模型与开放接口，关键组件双机热备，满足等保二级安全要求。",
    "modules": "功能模块包括：设备接入与监控、数据分析与报表、告警与工单、权限与审计。每个模块与需求条目一一对应，"  # noqa: E501
    "需求覆盖率100%，其中12项为客户重点关注需求。",
    "integration": "通过标准REST接口与客户ERP、MES系统集成，主数据以ERP为准，生产数据由MES同步；"
    "接口开发与联调由我方负责，客户提供测试环境与接口文档。",
    "implementation": "项目分为需求细化、系统部署、联调测试、试运行、验收五个阶段，总周期约16周；"
    "双方各指定项目经理，每周例会通报进度与风险，按里程碑验收。",
    "budget": "项目预算包含软件许可、硬件设备、实施服务与首年运维服务四部分，按三年总拥有成本口径测算；"
    "建议付款节点为合同签订、上线、验收三次支付。",
    "training": "为管理员与最终用户分别提供现场培训与线上课程，上线后提供7×24小时热线与4小时响应。",
    "cases": "同行业已有三家客户成功上线类似系统，客户评价良好，可安排参观交流。",
}
PASSED_STAGES = (Stage.DEMO_POC, Stage.BID, Stage.NEGOTIATION)  # open ones: a closed one takes no solution
LATER_LIMIT = 8  # the later-stage opportunities given a passed solution (each review takes a while)
# States for the solution-stage opportunities, in order (repeated).
PLAN = [
    "draft",
    "level1",
    "returned_level2_then_passed",
    "level2",
    "level3",
    "cross_dept",
    "returned_level1",
    "returned_departments",
    "draft_incomplete",
]


def _reviewers(users, author, team_id):
    """One eligible reviewer per level, of the author's team when possible, never the author."""
    rank = {"junior": 1, "intermediate": 2, "senior": 3}
    chosen = {}
    for level in (1, 2, 3):
        eligible = [
            u
            for u in users
            if rank.get(u.presales_level or "", 0) >= level and u.pk != author.pk and u not in chosen.values()
        ]
        exact = [u for u in eligible if rank.get(u.presales_level) == level]
        same_team = [u for u in (exact or eligible) if u.team_id == team_id]
        pool = same_team or exact or eligible
        if not pool:
            return None
        chosen[f"reviewer_{level}"] = pool[0]
    return chosen


def _write(solution, actor, *, skip=()):
    """The author writes every section (but `skip`): written in one bulk update with a history row
    each, then the completeness the service keeps is computed once. Writing a draft's text checks
    nothing but its length, which these texts respect; what the review checks (completeness,
    levels, departments) goes through the services."""
    from django.utils import timezone

    from presales.demo.util import HistoryWriter

    now = timezone.now()
    history = HistoryWriter()
    written = []
    for section in solution.sections.select_related("template"):
        if section.template.code in skip:
            continue
        text = PARAGRAPHS.get(
            section.template.code, "本节内容依据客户需求编写，说明目标、做法、边界与预期收益，供评审参考。"
        )
        section.content = f"## {section.template.title}\n\n{text.format(name=solution.opportunity.name)}"
        section.updated_by = actor
        section.version += 1
        section.updated_at = now
        written.append(section)
        history.add(section, now, actor.pk, "~")
    SolutionSection.objects.bulk_update(written, ["content", "updated_by", "version", "updated_at"])
    history.flush()
    services._refresh_completeness(solution)


def _decide(solution, reviewer, decision=Decision.APPROVED, comments=""):
    solution.refresh_from_db()
    return services.review_decide(
        actor=reviewer,
        solution=solution,
        decision=decision,
        comments=comments,
        expected_version=solution.version,
    )


def _levels(solution, reviewers, upto=3):
    for level in range(1, upto + 1):
        solution = _decide(solution, reviewers[f"reviewer_{level}"], comments="结构清晰，同意提交下一级")
    return solution


def _departments(solution, recorder, rng, *, count=4, disagree=None, counts):
    for department in list(Department)[:count]:
        solution.refresh_from_db()
        if department == disagree:
            decision, comments = DeptDecision.DISAGREE, "报价低于成本线，商务条款需重新测算"
        else:
            decision = rng.choice([DeptDecision.AGREE, DeptDecision.AGREE, DeptDecision.AGREE_WITH_CHANGES])
            comments = "" if decision == DeptDecision.AGREE else "建议补充同行业案例数据"
        solution = services.department_record(
            actor=recorder,
            solution=solution,
            department=department,
            decision=decision,
            comments=comments,
            reviewer_name=f"{department.label}评审人",
            expected_version=solution.version,
        )
        counts["department reviews"] += 1
    return solution


def _submit(solution, actor, summary=""):
    solution.refresh_from_db()
    return services.solution_submit(
        actor=actor, solution=solution, change_summary=summary, expected_version=solution.version
    )


def build(rng, opportunities, users) -> dict[str, int]:
    counts = {"solutions": 0, "versions": 0, "department reviews": 0}
    if not SectionTemplate.objects.filter(active=True).exists():
        return counts
    managers = [u for u in users if u.is_manager]
    usable = [o for o in opportunities if o.presales_lead_id and o.presales_lead.is_presales]
    solution_stage = [o for o in usable if o.stage == Stage.SOLUTION]
    later = [o for o in usable if o.stage in PASSED_STAGES][:LATER_LIMIT]
    plan = [(o, PLAN[i % len(PLAN)]) for i, o in enumerate(solution_stage)]
    # the later opportunities: passed at first submission, and every fourth after a return at level 2
    plan += [(o, "returned_level2_then_passed" if i % 4 == 3 else "passed") for i, o in enumerate(later)]
    for opportunity, state in plan:
        author = opportunity.presales_lead
        reviewers = _reviewers(users, author, opportunity.team_id)
        recorder = opportunity.team.lead if opportunity.team_id and opportunity.team.lead_id else None
        recorder = (
            recorder if recorder is not None and recorder.is_active else (managers[0] if managers else None)
        )
        if reviewers is None or recorder is None:
            continue
        solution = services.solution_create(
            actor=author, opportunity=opportunity, title=f"{opportunity.name}解决方案", **reviewers
        )
        counts["solutions"] += 1
        if state == "draft_incomplete":
            _write(solution, author, skip=("integration", "budget", "implementation"))
            continue
        _write(solution, author)
        if state == "draft":
            continue
        solution = _submit(solution, author)
        if state == "level1":
            continue
        if state in ("level2", "level3"):
            _levels(solution, reviewers, upto=1 if state == "level2" else 2)
            continue
        if state == "returned_level1":
            _decide(
                solution, reviewers["reviewer_1"], Decision.RETURNED, "缺少与客户ERP的集成边界说明，请补充"
            )
            continue
        if state == "returned_level2_then_passed":
            _levels(solution, reviewers, upto=1)
            _decide(
                solution, reviewers["reviewer_2"], Decision.RETURNED, "技术架构未说明部署模型与高可用设计"
            )
            section = solution.sections.get(template__code="architecture")
            services.section_save(
                actor=author,
                section=section,
                content=section.content
                + "\n\n- 部署模型：本地机房双节点 + 异地备份\n- 高可用：关键服务双活，RPO≤5分钟",
                expected_version=section.version,
            )
            solution = _submit(solution, author, "补充部署模型与高可用设计")
            _levels(solution, reviewers)
            _departments(solution, recorder, rng, counts=counts)
            continue
        solution = _levels(solution, reviewers)
        if state == "cross_dept":
            _departments(solution, recorder, rng, count=2, counts=counts)
            continue
        if state == "returned_departments":
            _departments(solution, recorder, rng, disagree=Department.BUSINESS, counts=counts)
            continue
        _departments(solution, recorder, rng, counts=counts)  # passed
    counts["versions"] = SolutionVersion.objects.count()
    return counts
