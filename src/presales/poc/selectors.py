"""Reads. Every list starts from `Poc.objects.visible_to(user)`. The readiness check and the
verdicts are computed by the pure modules from facts read here in a fixed number of queries,
for one POC or for a whole page of POCs at once (coaching view): no query per row."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet
from django.utils import timezone

from . import readiness as readiness_module
from . import verdict as verdict_module
from .choices import CLOSED_STATUSES, OPEN_STATUSES, IncidentStatus, ResourceKind, ScopeChangeStatus, Side
from .models import (
    CriterionGuide,
    Incident,
    KickoffAttendee,
    KickoffMeeting,
    Measurement,
    Poc,
    ReadinessAnswer,
    ResourceItem,
    Risk,
    ScopeChange,
    SuccessCriterion,
)

LIST_RELATED = ("opportunity", "customer", "opportunity__presales_lead", "opportunity__team")
DETAIL_MEASUREMENTS = 30  # latest measurements shown on the POC page


def readiness_threshold() -> int:
    return int(getattr(settings, "PRESALES_POC_READINESS_THRESHOLD", readiness_module.DEFAULT_THRESHOLD))


def poc_list(*, user) -> QuerySet[Poc]:
    now = timezone.now()
    return (
        Poc.objects.visible_to(user)
        .select_related(*LIST_RELATED)
        .annotate(
            open_incidents=Count("incidents", filter=~Q(incidents__status=IncidentStatus.RESOLVED), distinct=True),
            overdue_incidents=Count("incidents", filter=Q(incidents__status=IncidentStatus.OPEN,
                                                          incidents__response_due_at__lt=now), distinct=True),
        )
        .order_by("-created_at", "-pk")
    )


def coaching_list(*, user) -> QuerySet[Poc]:
    """The POCs a manager coaches: open ones first, soonest planned end first."""
    return poc_list(user=user).annotate(
        is_open=ExpressionWrapper(Q(status__in=OPEN_STATUSES), output_field=BooleanField())
    ).order_by("-is_open", "planned_end_on", "-pk")


# --- readiness -----------------------------------------------------------------------------------


def _facts_for(pocs: list[Poc]) -> dict[int, readiness_module.Facts]:
    ids = [p.pk for p in pocs]
    kickoffs = {k.poc_id: k for k in KickoffMeeting.objects.filter(poc_id__in=ids).only("pk", "poc_id",
                                                                                       "duration_minutes")}
    roles: dict[int, set] = defaultdict(set)
    for kickoff_id, side, role in KickoffAttendee.objects.filter(kickoff__poc_id__in=ids).values_list(
            "kickoff_id", "side", "role"):
        roles[kickoff_id].add((side, role))
    criteria: dict[int, list] = defaultdict(list)
    for c in SuccessCriterion.objects.filter(poc_id__in=ids).order_by("-is_key", "position", "pk"):
        criteria[c.poc_id].append(readiness_module.CriterionFacts(
            name=c.name, is_key=c.is_key, has_pass=c.pass_level is not None,
            has_excellent=c.excellent_level is not None, has_source=bool(c.data_source),
            has_frequency=bool(c.sampling_frequency.strip()), has_sample_size=bool(c.sample_size),
            agreed=c.agreed,
        ))
    resources: dict[int, set] = defaultdict(set)
    dated_prototype: set[int] = set()
    for poc_id, side, kind, due_on in ResourceItem.objects.filter(poc_id__in=ids).values_list(
            "poc_id", "side", "kind", "due_on"):
        resources[poc_id].add((side, kind))
        if kind == ResourceKind.PROTOTYPE and due_on is not None:
            dated_prototype.add(poc_id)
    risks: dict[int, list] = defaultdict(list)
    for poc_id, description, fallback in Risk.objects.filter(poc_id__in=ids).values_list(
            "poc_id", "description", "fallback_plan"):
        risks[poc_id].append((description, fallback.strip()))
    facts = {}
    for poc in pocs:
        kickoff = kickoffs.get(poc.pk)
        facts[poc.pk] = readiness_module.Facts(
            hypotheses=tuple(str(h) for h in poc.hypotheses or ()),
            kickoff_minutes=kickoff.duration_minutes if kickoff else None,
            kickoff_roles=frozenset(roles.get(kickoff.pk, ())) if kickoff else frozenset(),
            criteria=tuple(criteria.get(poc.pk, ())),
            next_step=poc.next_step, next_step_other=poc.next_step_other,
            confirmed=poc.is_confirmed,
            resources=frozenset(resources.get(poc.pk, ())),
            dated_prototype=poc.pk in dated_prototype,
            our_escalation=bool(poc.our_escalation_contact.strip() and poc.our_escalation_phone.strip()),
            customer_escalation=bool(poc.customer_escalation_contact.strip()
                                     and poc.customer_escalation_phone.strip()),
            response_hours=poc.response_hours,
            risks=len(risks.get(poc.pk, ())),
            risks_without_fallback=tuple(d for d, f in risks.get(poc.pk, ()) if not f),
        )
    return facts


def _answers_for(ids: list[int]) -> dict[int, dict[int, readiness_module.Answer]]:
    answers: dict[int, dict] = defaultdict(dict)
    for poc_id, item, done, note in ReadinessAnswer.objects.filter(poc_id__in=ids).values_list(
            "poc_id", "item", "done", "note"):
        answers[poc_id][item] = readiness_module.Answer(done=done, note=note)
    return answers


def readiness_for(pocs: list[Poc]) -> dict[int, readiness_module.Readiness]:
    if not pocs:
        return {}
    facts = _facts_for(pocs)
    answers = _answers_for([p.pk for p in pocs])
    threshold = readiness_threshold()
    return {p.pk: readiness_module.evaluate(facts[p.pk], answers.get(p.pk), threshold=threshold) for p in pocs}


def poc_readiness(*, poc: Poc) -> readiness_module.Readiness:
    return readiness_for([poc])[poc.pk]


# --- verdicts ------------------------------------------------------------------------------------


@dataclass
class CriterionRow:
    criterion: SuccessCriterion
    verdict: verdict_module.CriterionVerdict

    @property
    def figure_text(self) -> str:
        return verdict_module.figure_text(self.criterion.spec, self.verdict.figure, self.criterion.unit)


@dataclass
class VerdictTable:
    rows: list[CriterionRow] = field(default_factory=list)

    @property
    def key(self) -> list[CriterionRow]:
        return [r for r in self.rows if r.criterion.is_key]

    @property
    def overall(self) -> verdict_module.OverallVerdict:
        return verdict_module.overall_verdict([r.verdict for r in self.key])


def verdicts_for(pocs: list[Poc]) -> dict[int, VerdictTable]:
    ids = [p.pk for p in pocs]
    tables = {pk: VerdictTable() for pk in ids}
    if not ids:
        return tables
    criteria = list(SuccessCriterion.objects.filter(poc_id__in=ids).order_by("-is_key", "position", "pk"))
    samples: dict[int, list] = defaultdict(list)
    for criterion_id, measured_at, value, pk in Measurement.objects.filter(poc_id__in=ids).values_list(
            "criterion_id", "measured_at", "value", "pk"):
        samples[criterion_id].append(verdict_module.Sample(measured_at=measured_at, value=value, order=pk))
    for c in criteria:
        tables[c.poc_id].rows.append(CriterionRow(c, verdict_module.criterion_verdict(c.spec, samples.get(c.pk, ()))))
    return tables


def poc_verdicts(*, poc: Poc) -> VerdictTable:
    return verdicts_for([poc])[poc.pk]


# --- pages ---------------------------------------------------------------------------------------


def side_confirmation(resources) -> dict[str, bool]:
    """已确认 / 待补充 per side: every listed item of the side confirmed (and at least one)."""
    by_side: dict[str, list[bool]] = defaultdict(list)
    for item in resources:
        by_side[item.side].append(item.confirmed)
    return {side: bool(by_side.get(side)) and all(by_side[side]) for side in Side.values}


def overdue_expression(now=None):
    now = now or timezone.now()
    return ExpressionWrapper(Q(status=IncidentStatus.OPEN, response_due_at__lt=now), output_field=BooleanField())


def poc_detail_context(*, poc: Poc) -> dict:
    verdicts = poc_verdicts(poc=poc)
    resources = list(poc.resources.order_by("side", "kind", "pk"))
    try:
        kickoff = poc.kickoff
        attendees = list(kickoff.attendees.all())
    except KickoffMeeting.DoesNotExist:
        kickoff, attendees = None, []
    try:
        post_mortem = poc.post_mortem
    except Exception:  # noqa: BLE001 - RelatedObjectDoesNotExist
        post_mortem = None
    scope_counts = poc.scope_changes.aggregate(
        total=Count("pk"), accepted=Count("pk", filter=Q(status=ScopeChangeStatus.ACCEPTED)),
        pending=Count("pk", filter=Q(status=ScopeChangeStatus.PROPOSED)),
    )
    return {
        "readiness": poc_readiness(poc=poc),
        "verdicts": verdicts,
        "kickoff": kickoff,
        "attendees": attendees,
        "resources": resources,
        "resource_sides": side_confirmation(resources),
        "risks": list(poc.risks.select_related("owner")),
        "measurements": list(poc.measurements.select_related("criterion", "created_by")
                             .order_by("-measured_at", "-pk")[:DETAIL_MEASUREMENTS]),
        "measurement_count": poc.measurements.count(),
        "incidents": list(poc.incidents.select_related("created_by", "responded_by")
                          .annotate(is_overdue=overdue_expression()).order_by("status", "response_due_at", "pk")[:30]),
        "scope_changes": list(poc.scope_changes.select_related("our_confirmed_by", "created_by")[:30]),
        "scope_counts": scope_counts,
        "sync_notes": list(poc.sync_notes.select_related("created_by")[:20]),
        "events": list(poc.events.select_related("actor")[:30]),
        "reviews": list(poc.readiness_reviews.select_related("actor")[:10]),
        "post_mortem": post_mortem,
    }


@dataclass
class CoachingRow:
    poc: Poc
    readiness: readiness_module.Readiness
    verdict: verdict_module.OverallVerdict
    resources: dict[str, bool]
    scope_pending: int = 0

    def item(self, number: int) -> bool:
        return self.readiness.items[number - 1].done

    @property
    def kickoff_held(self) -> bool:
        return self.item(1)

    @property
    def criteria_quantified(self) -> bool:
        return self.item(3) and self.item(7)

    @property
    def resources_confirmed(self) -> bool:
        return all(self.resources.values())

    @property
    def days_to_end(self) -> int | None:
        if self.poc.planned_end_on is None or self.poc.status in CLOSED_STATUSES:
            return None
        return (self.poc.planned_end_on - timezone.localdate()).days


def coaching_rows(pocs: list[Poc]) -> list[CoachingRow]:
    """One row per POC of the page, in a fixed number of queries."""
    readiness = readiness_for(pocs)
    verdicts = verdicts_for(pocs)
    ids = [p.pk for p in pocs]
    resources: dict[int, list] = defaultdict(list)
    for item in ResourceItem.objects.filter(poc_id__in=ids).only("poc_id", "side", "confirmed"):
        resources[item.poc_id].append(item)
    pending = dict(ScopeChange.objects.filter(poc_id__in=ids, status=ScopeChangeStatus.PROPOSED)
                   .order_by().values("poc_id").annotate(n=Count("pk")).values_list("poc_id", "n"))
    return [
        CoachingRow(poc=p, readiness=readiness[p.pk], verdict=verdicts[p.pk].overall,
                    resources=side_confirmation(resources.get(p.pk, ())), scope_pending=pending.get(p.pk, 0))
        for p in pocs
    ]


def incident_response_due(*, occurred_at, response_hours: int | None):
    """The escalation clock: the first response is due `response_hours` after the incident
    occurred (24 hours when the POC has no response limit yet)."""
    return occurred_at + timedelta(hours=response_hours or 24)


def guide_list() -> QuerySet[CriterionGuide]:
    return CriterionGuide.objects.order_by("position", "pk")


def incident_list(*, user) -> QuerySet[Incident]:
    return (Incident.objects.visible_to(user).select_related("poc", "poc__customer")
            .annotate(is_overdue=overdue_expression()).order_by("status", "response_due_at", "pk"))


@dataclass
class PocStats:
    """The reporting figures of SPEC §3 over the POCs a user may see."""

    total: int
    open: int
    passed: int
    failed: int
    abandoned: int
    excellent: int
    average_days: float | None  # start to end of the closed POCs that ran
    committed_hours: Decimal  # working-hour caps of both sides (the POCs' cost in effort)
    lost_opportunities: int
    lost_after_poc: int

    @property
    def closed(self) -> int:
        return self.passed + self.failed + self.abandoned

    @property
    def success_rate(self) -> float | None:
        """Passed among the closed POCs (abandoned ones count as not passed)."""
        return round(self.passed * 100 / self.closed, 1) if self.closed else None

    @property
    def lost_after_poc_share(self) -> float | None:
        """Of the lost opportunities, the share that had a POC (the seed: 70 % of losses come after
        the POC stage)."""
        return round(self.lost_after_poc * 100 / self.lost_opportunities, 1) if self.lost_opportunities else None


def poc_stats(*, user) -> PocStats:
    """Three aggregate queries whatever the number of POCs."""
    from django.db.models import Avg, DurationField, Exists, F, OuterRef, Sum

    from presales.opportunities.choices import Stage
    from presales.opportunities.models import Opportunity

    from .choices import Level, Status

    pocs = Poc.objects.visible_to(user).order_by()
    counts = pocs.aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        passed=Count("pk", filter=Q(status=Status.PASSED)),
        failed=Count("pk", filter=Q(status=Status.FAILED)),
        abandoned=Count("pk", filter=Q(status=Status.ABANDONED)),
        excellent=Count("pk", filter=Q(verdict=Level.EXCELLENT)),
        average=Avg(ExpressionWrapper(F("ended_at") - F("started_at"), output_field=DurationField()),
                    filter=Q(status__in=CLOSED_STATUSES, started_at__isnull=False, ended_at__isnull=False)),
    )
    hours = ResourceItem.objects.filter(poc__in=pocs.values("pk"), kind=ResourceKind.HOUR_CAP).aggregate(
        h=Sum("hours"))["h"] or Decimal(0)
    lost = Opportunity.objects.visible_to(user).filter(stage=Stage.LOST).order_by().aggregate(
        total=Count("pk"),
        with_poc=Count("pk", filter=Q(Exists(Poc.objects.filter(opportunity_id=OuterRef("pk"))))),
    )
    average = counts.pop("average")
    return PocStats(**counts, average_days=round(average.total_seconds() / 86400, 1) if average else None,
                    committed_hours=hours, lost_opportunities=lost["total"], lost_after_poc=lost["with_poc"])


def page_pocs(opportunity) -> list[Poc]:
    """Every POC of the opportunity, newest first, with the columns its page prints and whether a
    post-mortem is written (`post_mortem_written`): the POC panel's rows and the POC gate's
    (`gates.unsettled_pocs`), one query for both on the opportunity's page (`on_page`). No scope: a
    POC is visible when its opportunity is, and the page read it in the user's scope."""
    from django.db.models import Exists, OuterRef

    from presales.opportunities.selectors import on_page

    from .models import PostMortem

    return on_page(opportunity, "pocs", lambda: list(
        Poc.objects.filter(opportunity_id=opportunity.pk)
        .only("number", "title", "status", "verdict")
        .annotate(post_mortem_written=Exists(PostMortem.objects.filter(poc_id=OuterRef("pk"))))
        .order_by("-created_at")
    ))
