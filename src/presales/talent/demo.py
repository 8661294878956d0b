"""Demo talent records for the demo company: `build(rng, opportunities, users)` writes, through the
real services, daily reports over the last two quarters for the presales engineers (most rated
by their team lead: perfunctory, normal, constructive; the latest ones unrated), certifications
(external and internal, one expiring soon, one expired), trainings given to sales with exam scores
on both sides of the pass line, mentoring pairs (active, completed, ended early), onboarding camps
(one in progress, one completed), promotions, and two gold presales award rounds (last quarter's
announced, this quarter's open for nominations). Deterministic for a given `rng`."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from presales.accounts.choices import PRESALES_ROLES, CareerTrack, PresalesLevel, RoleCode
from presales.core.permissions import is_manager

from . import services
from .choices import AwardRoundStatus, CertificationKind, MentoringStatus, ReportRating, TrainingKind

WORK = [
    "与客户信息中心讨论数据中台技术架构，整理需求确认书初稿",
    "完成{opp}方案第三章部署架构图，提交内部评审",
    "为销售准备{opp}的产品演示环境，并彩排演示脚本",
    "答复{opp}招标文件技术条款澄清 12 条",
    "参加POC周例会，跟踪性能测试数据，更新风险清单",
    "拜访客户技术对接人，了解现网环境与接口规范",
    "整理行业客户需求分析表，补充竞品情报",
]
PROBLEMS = [
    "",
    "",
    "客户测试环境网络权限尚未开通",
    "研发对接口定制排期有疑问，需经理协调",
    "竞品报价压力较大",
]
PLANS = [
    "继续完善方案并准备评审材料",
    "与研发确认定制开发工作量",
    "输出演示总结并同步销售",
    "准备投标技术标书目录",
]
COMMENTS = {
    ReportRating.PERFUNCTORY: "内容过于简略，没有写清进展和问题，请补充具体事项。",
    ReportRating.NORMAL: "",
    ReportRating.CONSTRUCTIVE: "问题分析到位，提出的改进建议很有价值。",
}
CERTS = [
    (
        "AWS Certified Solutions Architect – Associate",
        "Amazon Web Services",
        CertificationKind.EXTERNAL,
        1095,
    ),
    ("Microsoft Certified: Azure Solutions Architect Expert", "Microsoft", CertificationKind.EXTERNAL, 730),
    ("Cisco CCNP Enterprise", "Cisco", CertificationKind.EXTERNAL, 1095),
    ("华为 HCIP-Datacom", "华为", CertificationKind.EXTERNAL, 1095),
    ("内部认证：储能解决方案专项考试", "售前部", CertificationKind.INTERNAL, 365),
    ("内部认证：数据中台产品能力认证", "售前部", CertificationKind.INTERNAL, None),
]
SALES_TRAININGS = [
    "储能行业整体解决方案讲解（销售赋能）",
    "数据中台价值主张与客户常见问题（销售赋能）",
    "政务云行业方案与竞品对比（销售赋能）",
    "低空经济行业机会与方案要点（销售赋能）",
]


def _presales(users):
    return [u for u in users if u.role_codes & PRESALES_ROLES and not is_manager(u)]


def _lead_of(person, managers):
    team = person.team
    if team is not None and team.lead_id and team.lead_id != person.pk:
        return team.lead
    return (
        managers[0]
        if managers and managers[0].pk != person.pk
        else (managers[1] if len(managers) > 1 else None)
    )


def build(rng, opportunities, users) -> dict[str, int]:
    users = [u for u in users if u.is_active]
    managers = [u for u in users if u.has_role(RoleCode.PRESALES_MANAGER)] or [
        u for u in users if is_manager(u)
    ]
    engineers = _presales(users)
    sales = [u for u in users if u.role_codes == frozenset({RoleCode.SALES})]
    if not managers or len(engineers) < 4:
        return {}
    for u in users:
        if u.team_id:
            u.team  # noqa: B018 - load the team (and its lead id) once
    manager = managers[0]
    counts = {
        "daily reports": 0,
        "certifications": 0,
        "trainings": 0,
        "mentoring pairs": 0,
        "onboarding camps": 0,
        "promotions": 0,
    }
    today = timezone.localdate()
    opps_by_lead: dict[int, list] = {}
    for o in opportunities:
        if o.presales_lead_id:
            opps_by_lead.setdefault(o.presales_lead_id, []).append(o)

    # --- daily reports: the last two quarters, working days, every presales engineer -------------
    counts["daily reports"] = _daily_reports(rng, engineers, managers, opps_by_lead, today)

    # --- certifications ---------------------------------------------------------------------------
    for index, person in enumerate(engineers[:10]):
        actor = _lead_of(person, managers) or manager
        for k in range(1 + index % 2):
            name, issuer, kind, valid_days = CERTS[(index + k * 3) % len(CERTS)]
            obtained = today - timedelta(days=rng.randint(60, 700))
            expires = obtained + timedelta(days=valid_days) if valid_days else None
            if index == 0 and k == 0:  # one expiring soon
                obtained, expires = today - timedelta(days=700), today + timedelta(days=25)
            if index == 1 and k == 0:  # one expired
                obtained, expires = today - timedelta(days=800), today - timedelta(days=20)
            services.certification_create(
                actor=actor,
                person=person,
                name=name,
                issuer=issuer,
                kind=kind,
                obtained_on=obtained,
                expires_on=expires,
                credential_id=f"C{rng.randint(100000, 999999)}",
            )
            counts["certifications"] += 1

    # --- trainings: given to sales with exams, received, internal ---------------------------------
    for index, trainer in enumerate(engineers[:6]):
        for k in range(2):
            title = SALES_TRAININGS[(index + k) % len(SALES_TRAININGS)]
            held = today - timedelta(days=rng.randint(5, 170))
            attendees = rng.sample(sales, min(len(sales), rng.randint(3, 6))) if sales else []
            training = services.training_create(
                actor=trainer,
                title=title,
                kind=TrainingKind.SALES_ENABLEMENT,
                trainer=trainer,
                held_on=held,
                hours=rng.choice([1, 2, 3]),
                description="面向销售的行业整体方案培训，重在行业理解而非产品细节。",
                attendees=attendees,
            )
            scores = {
                a.pk: rng.choice([58, 66, 72, 79, 81, 85, 88, 92, 96]) for a in training.attendances.all()
            }
            if k == 0 or index % 2:
                services.training_record_scores(actor=trainer, training=training, scores=scores)
            counts["trainings"] += 1
    external = services.training_create(
        actor=manager,
        title="云架构厂商认证备考营",
        kind=TrainingKind.RECEIVED,
        external_trainer="厂商讲师",
        held_on=today - timedelta(days=40),
        hours=16,
        attendees=engineers[:5],
    )
    services.training_record_scores(
        actor=manager,
        training=external,
        scores={a.pk: rng.randint(70, 98) for a in external.attendances.all()},
    )
    services.training_create(
        actor=manager,
        title="售前方案写作规范分享",
        kind=TrainingKind.INTERNAL,
        trainer=manager,
        has_exam=False,
        held_on=today - timedelta(days=12),
        hours=2,
        attendees=[e for e in engineers[:8] if e.pk != manager.pk],
    )
    counts["trainings"] += 2

    # --- promotions (before the onboarding, so levels keep moving up) ----------------------------
    promotable = [
        e for e in engineers if e.presales_level in (PresalesLevel.JUNIOR, PresalesLevel.INTERMEDIATE)
    ]
    for person in promotable[:3]:
        to_level = (
            PresalesLevel.INTERMEDIATE
            if person.presales_level == PresalesLevel.JUNIOR
            else PresalesLevel.SENIOR
        )
        to_track = CareerTrack.EXPERT if to_level == PresalesLevel.SENIOR else person.career_track or ""
        services.promotion_record(
            actor=manager,
            person=person,
            to_level=to_level,
            to_track=to_track,
            effective_on=today - timedelta(days=rng.randint(10, 150)),
            reason="季度考核优秀，独立承担多个重点项目的方案设计与POC交付。",
        )
        counts["promotions"] += 1

    # --- mentoring: active, completed, ended early ------------------------------------------------
    seniors = [e for e in engineers if e.presales_level == PresalesLevel.SENIOR] or engineers[:2]
    juniors = [e for e in engineers if e not in seniors]
    for index, mentee in enumerate(juniors[:5]):
        mentor = seniors[index % len(seniors)]
        if mentor.pk == mentee.pk:
            continue
        actor = _lead_of(mentee, managers) or manager
        if not services.permissions.can_pair(actor, mentee):
            actor = manager
        started = today - timedelta(days=rng.randint(60, 200))
        pair = services.mentoring_create(
            actor=actor,
            mentor=mentor,
            mentee=mentee,
            started_on=started,
            goals="三个月内独立完成一个项目的需求调研与方案编写；掌握POC启动流程。",
        )
        for n in range(rng.randint(1, 4)):
            services.mentoring_note_add(
                actor=mentor,
                pair=pair,
                written_on=started + timedelta(days=14 * (n + 1)),
                text="辅导方案结构与客户汇报技巧，复盘上周客户交流中的问题。",
            )
        if index % 3 == 1:
            services.mentoring_close(
                actor=actor,
                pair=pair,
                status=MentoringStatus.COMPLETED,
                ended_on=today - timedelta(days=5),
                note="目标达成，已能独立支撑中小型项目。",
            )
        elif index % 3 == 2:
            services.mentoring_close(
                actor=actor,
                pair=pair,
                status=MentoringStatus.ENDED,
                ended_on=today - timedelta(days=3),
                note="导师调岗，另行安排导师。",
            )
        counts["mentoring pairs"] += 1

    # --- onboarding camps: one in progress, one completed -----------------------------------------
    newcomers = [e for e in reversed(engineers) if e.presales_level == PresalesLevel.JUNIOR][:2] or engineers[
        -2:
    ]
    for index, person in enumerate(newcomers):
        actor = _lead_of(person, managers) or manager
        if not services.permissions.oversees(actor, person):
            actor = manager
        started = today - timedelta(days=30 if index == 0 else 90)
        programme = services.onboarding_create(
            actor=actor,
            new_hire=person,
            started_on=started,
            buddy=seniors[0] if seniors[0].pk != person.pk else None,
        )
        tasks = list(programme.tasks.order_by("due_on"))
        done = len(tasks) if index == 1 else len([t for t in tasks if t.due_on < today]) - 1
        for task in tasks[: max(done, 0)]:
            services.onboarding_task_set_done(actor=person, task=task, done=True)
        if index == 1:
            services.onboarding_complete(actor=actor, programme=programme)
        counts["onboarding camps"] += 1

    return counts


def _performance(person, rng) -> float:
    """The demo company's performance trait of the person (presales.demo.company), else a draw."""
    value = getattr(person, "demo_performance", None)
    return value if value is not None else rng.choice([0.85, 0.6, 0.4])


def _daily_reports(rng, engineers, managers, opps_by_lead, today) -> int:
    """Half a year of daily reports, written in bulk (the past needs no rule checked: one report
    per person and working day, rated by the team lead after a day or two). How often a person
    writes and how the lead rates the reports follow the person's performance. The ratings of the
    last week go through the service, so the authors are told as they would be; the last few
    days' reports wait for their rating."""
    from presales.demo.util import HistoryWriter, explicit_timestamps

    from .models import DailyReport

    now = timezone.now()
    reports, links, history, rate_now = [], [], HistoryWriter(), []
    for person in engineers:
        lead = _lead_of(person, managers)
        perf = _performance(person, rng)
        diligence = 0.7 + 0.28 * perf
        p_bad, p_good = max(0.02, 0.6 * (1 - perf) ** 1.5), 0.05 + 0.7 * perf**2
        mine = opps_by_lead.get(person.pk, [])
        for back in range(183, -1, -1):
            day = today - timedelta(days=back)
            if not services.is_working_day(day) or rng.random() > diligence:
                continue
            opp = rng.choice(mine) if mine else None
            written = min(
                timezone.make_aware(datetime.combine(day, time(17, rng.randrange(60)))),
                now - timedelta(minutes=rng.randrange(5, 60)),
            )
            report = DailyReport(
                author=person,
                report_date=day,
                work_done=rng.choice(WORK).format(opp=opp.name if opp else "重点客户"),
                problems=rng.choice(PROBLEMS),
                plan_tomorrow=rng.choice(PLANS),
                created_at=written,
                updated_at=written,
            )
            reports.append(report)
            if opp is not None and rng.random() < 0.6:
                links.append((report, opp))
            if back <= 3 or lead is None or rng.random() < 0.1:
                continue  # the latest reports (and a few older ones) wait for their rating
            roll = rng.random()
            rating = (
                ReportRating.PERFUNCTORY
                if roll < p_bad
                else ReportRating.CONSTRUCTIVE
                if roll > 1 - p_good
                else ReportRating.NORMAL
            )
            if back <= 7:
                rate_now.append((report, lead, rating))
                continue
            report._rated = (lead, rating, min(written + timedelta(hours=rng.uniform(14, 40)), now))
    for report in reports:
        rated = getattr(report, "_rated", None)
        if rated:
            lead, rating, at = rated
            report.rating, report.rating_comment, report.rated_by, report.rated_at = (
                rating,
                COMMENTS[rating],
                lead,
                at,
            )
            report.version, report.updated_at = 2, at
    with explicit_timestamps(("talent",)):
        DailyReport.objects.bulk_create(reports, batch_size=1000)
    through = DailyReport.opportunities.through
    through.objects.bulk_create(
        [through(dailyreport_id=r.pk, opportunity_id=o.pk) for r, o in links], batch_size=1000
    )
    for report in reports:
        if report.rating is None:
            history.add(report, report.created_at, report.author_id)
            continue
        history.add(
            report,
            report.created_at,
            report.author_id,
            version=1,
            updated_at=report.created_at,
            rating=None,
            rating_comment="",
            rated_by_id=None,
            rated_at=None,
        )
        history.add(report, report.rated_at, report.rated_by_id, "~")
    history.flush()
    for report, lead, rating in rate_now:
        services.daily_report_rate(actor=lead, report=report, rating=rating, comment=COMMENTS[rating])
    return len(reports)


def build_awards(rng, opportunities, users) -> dict[str, int]:
    """The gold presales award (金牌售前): last quarter's round announced, this quarter's open for
    nominations. Runs after the appraisals: last quarter's nominees are the best of its published
    appraisal ranking, and the committee's scores follow that ranking, so the winner is a person
    with a top grade."""
    from presales.appraisal.choices import PUBLISHED_STEPS
    from presales.appraisal.models import Appraisal

    users = [u for u in users if u.is_active]
    managers = [u for u in users if u.has_role(RoleCode.PRESALES_MANAGER)] or [
        u for u in users if is_manager(u)
    ]
    engineers = _presales(users)
    committee = [u for u in users if u.has_role(RoleCode.COMMITTEE)]
    if not managers or len(engineers) < 4:
        return {}
    for u in users:
        if u.team_id:
            u.team  # noqa: B018 - load the team (and its lead id) once
    manager = managers[0]
    today = timezone.localdate()
    counts = {"award rounds": 0, "award nominations": 0}
    opps_by_lead: dict[int, list] = {}
    for o in opportunities:
        if o.presales_lead_id:
            opps_by_lead.setdefault(o.presales_lead_id, []).append(o)
    quarter = (today.month - 1) // 3 + 1
    last_year, last_quarter = (today.year, quarter - 1) if quarter > 1 else (today.year - 1, 4)
    by_pk = {u.pk: u for u in engineers}
    ranked = [
        by_pk[pk]
        for pk in Appraisal.objects.filter(
            cycle__kind="quarterly",
            cycle__year=last_year,
            cycle__quarter=last_quarter,
            status__in=PUBLISHED_STEPS,
            final_score__isnull=False,
        )
        .order_by("-final_score", "pk")
        .values_list("employee_id", flat=True)
        if pk in by_pk
    ]
    nominees = (ranked or sorted(engineers, key=lambda u: -_performance(u, rng)))[:4]
    past = services.award_round_create(
        actor=manager, year=last_year, quarter=last_quarter, prize="奖金 10000 元 + 荣誉证书"
    )
    counts["award rounds"] += 1
    for person in nominees:
        opp = (opps_by_lead.get(person.pk) or [None])[0]
        services.nomination_create(
            actor=_lead_of(person, managers) or manager,
            award_round=past,
            nominee=person,
            opportunity=opp,
            title=f"{opp.name if opp else '重点客户'}：售前支撑成功案例",
            case_description="从需求调研到POC验证全程主导，方案一次性通过客户评审，并沉淀为可复用的行业模板。",
        )
        counts["award nominations"] += 1
    services.award_round_move(actor=manager, award_round=past, to_status=AwardRoundStatus.SCORING)
    scorers = committee or managers
    rank_of = {person.pk: index for index, person in enumerate(nominees)}
    for nomination in past.nominations.all():
        base = 9 - rank_of.get(nomination.nominee_id, len(nominees))  # the best ranked scores highest
        for member in scorers:
            if member.pk == nomination.nominee_id:
                continue
            services.nomination_score(
                actor=member,
                nomination=nomination,
                comment="案例完整，可复制性强。" if base >= 8 else "案例有一定参考价值，量化成果可再充实。",
                **{
                    f: max(1, min(10, base + (rng.choice((0, 1)) if base == 9 else rng.choice((-1, 0)))))
                    for f in ("customer_value", "innovation", "reuse", "influence")
                },
            )
    if not past.nominations.filter(scores__isnull=True).exists():
        services.award_round_move(actor=manager, award_round=past, to_status=AwardRoundStatus.ANNOUNCED)
    # else: no committee member could score (no committee in this deployment): it stays in scoring
    current = services.award_round_create(
        actor=manager, year=today.year, quarter=quarter, prize="奖金 10000 元 + 荣誉证书"
    )
    counts["award rounds"] += 1
    person = engineers[4 % len(engineers)]
    services.nomination_create(
        actor=person,
        award_round=current,
        nominee=person,
        title="储能客户POC提前两周完成验证",
        case_description="通过标准化POC启动确认书和资源保障清单，客户认可度高，项目进入商务谈判。",
    )
    counts["award nominations"] += 1
    return counts
