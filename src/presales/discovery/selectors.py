"""Reads of the requirement research: the progress of many opportunities in one query (the
progress board and the list), the gate's reasons, the differences between a confirmed snapshot and
the current requirement set, and the workspace of one opportunity."""

from __future__ import annotations

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .choices import IN_SET_STATUSES, ActivityStatus, Priority, Progress
from .models import (
    RequirementConfirmation,
    RequirementItem,
    ResearchActivity,
    ResearchPlan,
    ResearchReport,
)

# The fields of an item that make up the requirement as the customer confirms it (its source is
# bookkeeping: moving it does not change the requirement).
SNAPSHOT_FIELDS = ("number", "title", "description", "priority", "category", "status")


def _count(queryset) -> Subquery:
    return Coalesce(
        Subquery(
            queryset.order_by().values("opportunity_id").annotate(n=Count("pk")).values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


def with_progress(queryset):
    """Annotate an Opportunity queryset with the research figures and `research_progress` (a
    Progress value), all computed in SQL: filterable and constant in queries."""
    ref = OuterRef("pk")
    plan = ResearchPlan.objects.filter(opportunity_id=ref)
    latest = RequirementConfirmation.objects.filter(opportunity_id=ref).order_by("-round")
    return queryset.annotate(
        research_has_plan=Exists(plan),
        research_plan_revision=Subquery(plan.values("requirements_revision")[:1]),
        research_activities_done=_count(ResearchActivity.objects.filter(opportunity_id=ref,
                                                                        status=ActivityStatus.DONE)),
        research_activities_total=_count(ResearchActivity.objects.filter(opportunity_id=ref)
                                         .exclude(status=ActivityStatus.CANCELLED)),
        research_items=_count(RequirementItem.objects.filter(opportunity_id=ref, status__in=IN_SET_STATUSES)),
        research_confirmed_revision=Subquery(latest.values("revision")[:1]),
        research_confirmed_on=Subquery(latest.values("confirmed_on")[:1]),
        research_starts_on=Subquery(plan.values("starts_on")[:1]),
        research_ends_on=Subquery(plan.values("ends_on")[:1]),
    ).annotate(
        research_progress=Case(
            When(Q(research_items__gt=0, research_confirmed_revision=F("research_plan_revision")),
                 then=Value(Progress.CONFIRMED.value)),
            When(research_items__gt=0, then=Value(Progress.AWAITING_CONFIRMATION.value)),
            When(research_activities_done__gt=0, then=Value(Progress.RESEARCHING.value)),
            When(research_has_plan=True, then=Value(Progress.PLANNING.value)),
            default=Value(Progress.NOT_STARTED.value),
            output_field=CharField(),
        )
    )


def panel_state(opportunity_id: int, figures: tuple | None = None) -> tuple[dict, list[str]]:
    """The research panel of one opportunity's page: the figures `with_progress` computes (same
    keys, same values) and the gate's reasons (empty once confirmed), from one statement written
    once (`_figures`; the items only when a confirmation is outdated) instead of compiling the
    nine-subquery annotation for one row (≈ 6 ms of CPU per page). `figures`: what `page_figures`
    read for the page (the gate's read)."""
    plan_revision, latest, count, items, done, total = figures or _figures(opportunity_id)
    row = {
        "research_has_plan": plan_revision is not None,
        "research_plan_revision": plan_revision,
        "research_activities_done": done,
        "research_activities_total": total,
        "research_items": count,
        "research_confirmed_revision": latest.revision if latest is not None else None,
        "research_confirmed_on": latest.confirmed_on if latest is not None else None,
    }
    row["research_progress"] = progress_of(row)
    if row["research_progress"] == Progress.CONFIRMED:
        return row, []
    return row, _figures_reasons(plan_revision, latest, count, items)


_statements: dict[str, str] = {}


def _figures_statement(connection) -> str:
    """The research figures of one opportunity as one row: the plan's revision (NULL without a
    plan), the number of items in the set, held and not-cancelled activities, and the latest
    confirmation's key, revision, date and snapshot (NULLs without one). Written once per
    database from the models' table and column names: compiling the same through the ORM cost
    more than the four round trips it replaces."""
    statement = _statements.get(connection.vendor)
    if statement is None:
        q = connection.ops.quote_name

        def table(model):
            return q(model._meta.db_table)

        def col(model, name):
            return q(model._meta.get_field(name).column)

        P, It, A, C = ResearchPlan, RequirementItem, ResearchActivity, RequirementConfirmation
        in_set = ", ".join(["%s"] * len(IN_SET_STATUSES))
        activities = (f"SELECT COUNT(*) FROM {table(A)} a"
                      f" WHERE a.{col(A, 'opportunity')} = %s AND a.{col(A, 'status')}")
        statement = _statements[connection.vendor] = (
            f"SELECT (SELECT p.{col(P, 'requirements_revision')} FROM {table(P)} p"
            f" WHERE p.{col(P, 'opportunity')} = %s"
            f" ORDER BY p.{col(P, 'created_at')} DESC, p.{col(P, 'id')} DESC LIMIT 1),"
            f" (SELECT COUNT(*) FROM {table(It)} i WHERE i.{col(It, 'opportunity')} = %s"
            f" AND i.{col(It, 'status')} IN ({in_set})),"
            f" ({activities} = %s), ({activities} <> %s),"
            f" c.{col(C, 'id')}, c.{col(C, 'revision')}, c.{col(C, 'confirmed_on')}, c.{col(C, 'snapshot')}"
            f" FROM (SELECT 1 AS one) base LEFT JOIN (SELECT {col(C, 'id')}, {col(C, 'revision')},"
            f" {col(C, 'confirmed_on')}, {col(C, 'snapshot')} FROM {table(C)}"
            f" WHERE {col(C, 'opportunity')} = %s ORDER BY {col(C, 'round')} DESC LIMIT 1) c ON 1 = 1"
        )
    return statement


def _figures(opportunity_id: int):
    """(the plan's revision or None without a plan, the latest confirmation or None, the number of
    items in the set, the items or None, held activities, activities not cancelled): one
    statement; the items are read whole (with their sources) only when a confirmation of another
    revision than the plan's exists, the one case where the reasons list what changed."""
    from django.db import connections

    connection = connections[RequirementConfirmation.objects.db]
    params = [opportunity_id, opportunity_id, *(str(s) for s in IN_SET_STATUSES), opportunity_id,
              str(ActivityStatus.DONE), opportunity_id, str(ActivityStatus.CANCELLED), opportunity_id]
    with connection.cursor() as cursor:
        cursor.execute(_figures_statement(connection), params)
        plan_revision, count, done, total, c_id, c_revision, c_on, c_snapshot = cursor.fetchone()
    latest = None
    if c_id is not None:
        meta = RequirementConfirmation._meta
        read = {
            "id": c_id, "revision": c_revision, "confirmed_on": meta.get_field("confirmed_on").to_python(c_on),
            "snapshot": meta.get_field("snapshot").from_db_value(c_snapshot, None, connection),
        }
        names = [f.attname for f in meta.concrete_fields if f.attname in read]  # from_db: the model's order
        latest = RequirementConfirmation.from_db(connection.alias, names, [read[name] for name in names])
    revision = plan_revision if plan_revision is not None else 0
    if latest is not None and latest.revision != revision:  # outdated unless the set is empty
        items = current_items(opportunity_id)
        return plan_revision, latest, len(items), items, done, total
    return plan_revision, latest, count, (None if count else []), done, total


def page_figures(opportunity):
    """`_figures` of the opportunity, read once per opportunity page (`on_page`): the research
    panel, the research gate and "a research activity was held" share it."""
    from presales.opportunities.selectors import on_page

    return on_page(opportunity, "discovery", lambda: _figures(opportunity.pk))


def _figures_reasons(plan_revision, latest, count: int, items) -> list[str]:
    """`confirmation_state(...)["reasons"]` from `_figures`. Without the items (counted only)
    the set is either current or unconfirmed: no difference to list."""
    revision = plan_revision if plan_revision is not None else 0
    current = bool(count) and latest is not None and latest.revision == revision
    diff = snapshot_diff(latest.snapshot, items) if latest is not None and not current else None
    return set_reasons(count=count, latest=latest, current=current, diff=diff)


def progress_of(row: dict) -> str:
    """`research_progress` of `with_progress`, in Python, from the other figures of the row (the
    same rule as its Case: a NULL revision never equals another)."""
    confirmed, planned = row["research_confirmed_revision"], row["research_plan_revision"]
    if row["research_items"] > 0 and confirmed is not None and planned is not None and confirmed == planned:
        return Progress.CONFIRMED.value
    if row["research_items"] > 0:
        return Progress.AWAITING_CONFIRMATION.value
    if row["research_activities_done"] > 0:
        return Progress.RESEARCHING.value
    if row["research_has_plan"]:
        return Progress.PLANNING.value
    return Progress.NOT_STARTED.value


def progress_by_opportunity(opportunity_ids) -> dict[int, str]:
    """{opportunity id: Progress value} for the given ids, in one query, whatever their number.
    Ids of no opportunity are left out. No visibility filter: the caller passes the ids it shows."""
    from presales.opportunities.models import Opportunity

    ids = [int(i) for i in opportunity_ids]
    if not ids:
        return {}
    rows = with_progress(Opportunity.objects.filter(pk__in=ids).order_by()).values_list("pk", "research_progress")
    return dict(rows)


def progress_summary(queryset) -> list[dict]:
    """How many of the listed opportunities are in each progress state (one query), with the share
    of each for a stacked bar."""
    counts = dict(queryset.order_by().values_list("research_progress").annotate(n=Count("pk")))
    total = sum(counts.values()) or 1
    return [{"value": p.value, "label": p.label, "count": counts.get(p.value, 0),
             "percent": round(100 * counts.get(p.value, 0) / total, 1)} for p in Progress]


def research_list(*, user):
    """Research work across the opportunities the user may see: those with a plan, and those in
    the discovery stage (their research is due), newest first."""
    from presales.opportunities.choices import Stage
    from presales.opportunities.models import Opportunity

    queryset = Opportunity.objects.visible_to(user).select_related("customer", "presales_lead", "team")
    return (
        with_progress(queryset)
        .filter(Q(research_has_plan=True) | Q(stage=Stage.DISCOVERY))
        .order_by("-stage_changed_at", "-pk")
    )


# --- the requirement set and its confirmation -------------------------------------------------------


def item_snapshot(item: RequirementItem) -> dict:
    data = {field: getattr(item, field) for field in SNAPSHOT_FIELDS}
    data["id"] = item.pk
    source = ""
    if item.source_contact_id:
        source = item.source_contact.name
    elif item.raised_by:
        source = item.raised_by
    if item.source_activity_id:
        source = f"{source}（{item.source_activity.subject}）" if source else item.source_activity.subject
    data["source"] = source
    return data


def current_items(opportunity_id: int) -> list[RequirementItem]:
    """The requirement set now: every item that is not withdrawn, by number."""
    return list(
        RequirementItem.objects.filter(opportunity_id=opportunity_id, status__in=IN_SET_STATUSES)
        .select_related("source_activity", "source_contact")
        .order_by("number")
    )


def set_snapshot(items) -> list[dict]:
    return [item_snapshot(i) for i in items]


def _comparable(entry: dict) -> tuple:
    return tuple(entry.get(f) for f in SNAPSHOT_FIELDS)


def snapshot_diff(snapshot: list[dict], items) -> dict[str, list[str]]:
    """What changed in the set since `snapshot`: {"added": [...], "changed": [...], "removed": [...]}
    as item codes (REQ-001...)."""
    before = {entry["id"]: entry for entry in snapshot}
    now = {item.pk: item_snapshot(item) for item in items}
    code = "REQ-{:03d}".format
    added = [code(e["number"]) for pk, e in now.items() if pk not in before]
    removed = [code(e["number"]) for pk, e in before.items() if pk not in now]
    changed = [code(e["number"]) for pk, e in now.items() if pk in before and _comparable(before[pk]) != _comparable(e)]
    return {"added": sorted(added), "changed": sorted(changed), "removed": sorted(removed)}


def diff_size(diff: dict[str, list[str]]) -> int:
    return sum(len(v) for v in diff.values())


def latest_confirmation(opportunity_id: int) -> RequirementConfirmation | None:
    return (
        RequirementConfirmation.objects.filter(opportunity_id=opportunity_id)
        .select_related("contact").order_by("-round").first()
    )


def confirmation_state(opportunity_id: int, *, plan=None, items=None, latest=None, fetched=False) -> dict:
    """The state of the requirement set of one opportunity: its items, the latest confirmation,
    whether it is current, what changed since, and the gate's reasons (empty = may enter solution
    design). `fetched`: the caller read plan and latest already (None = there is none)."""
    if plan is None and not fetched:
        plan = ResearchPlan.objects.filter(opportunity_id=opportunity_id).first()
    if items is None:
        items = current_items(opportunity_id)
    if latest is None and not fetched:
        latest = latest_confirmation(opportunity_id)
    revision = plan.requirements_revision if plan is not None else 0
    current = bool(items) and latest is not None and latest.revision == revision
    diff = snapshot_diff(latest.snapshot, items) if latest is not None and not current else None
    return {"items": items, "latest": latest, "current": current, "diff": diff,
            "reasons": set_reasons(count=len(items), latest=latest, current=current, diff=diff),
            "revision": revision}


def set_reasons(*, count: int, latest, current: bool, diff) -> list[str]:
    """The gate's reasons for a requirement set of `count` items, its latest confirmation, whether
    that confirmation is current and what changed since (`confirmation_state`'s figures)."""
    reasons: list[str] = []
    if not count:
        reasons.append(_("No requirement item is recorded: record the requirements the research found "
                         "(requirement research → requirement items)."))
    elif latest is None:
        reasons.append(ngettext(
            "The requirement set (%(count)d item) is not confirmed by the customer: record the requirement "
            "confirmation (需求确认书).",
            "The requirement set (%(count)d items) is not confirmed by the customer: record the requirement "
            "confirmation (需求确认书).",
            count) % {"count": count})
    elif not current:
        n = max(diff_size(diff), 1)
        reasons.append(ngettext(
            "The requirement confirmation of %(date)s is outdated: %(count)d item was added, changed or removed "
            "since. Have the customer confirm the requirement set again.",
            "The requirement confirmation of %(date)s is outdated: %(count)d items were added, changed or removed "
            "since. Have the customer confirm the requirement set again.",
            n) % {"date": latest.confirmed_on.strftime("%Y-%m-%d"), "count": n})
    return reasons


def gate_reasons(opportunity) -> list[str]:
    """Why the opportunity may not enter solution design yet (empty: it may): the reasons of
    `confirmation_state`, from the one statement of `_figures` (once per opportunity page)."""
    return _figures_reasons(*page_figures(opportunity)[:4])


# --- the workspace ----------------------------------------------------------------------------------


def workspace_context(*, opportunity) -> dict:
    """Everything the research workspace of one opportunity shows, in a fixed number of queries."""
    from presales.customers.models import Contact
    from presales.documents.models import Document

    oid = opportunity.pk
    plan = (
        ResearchPlan.objects.filter(opportunity_id=oid)
        .prefetch_related("our_participants", "customer_contacts").first()
    )
    activities = list(
        ResearchActivity.objects.filter(opportunity_id=oid).prefetch_related(
            "our_participants", "customer_contacts",
            Prefetch("attachments", queryset=Document.objects.select_related("current_version").order_by("number")),
        ).order_by("scheduled_at", "pk")
    )
    all_items = list(
        RequirementItem.objects.filter(opportunity_id=oid).select_related("source_activity", "source_contact")
        .order_by("number")
    )
    items = [i for i in all_items if i.status in IN_SET_STATUSES]
    confirmations = list(
        RequirementConfirmation.objects.filter(opportunity_id=oid).select_related("contact", "created_by")
        .order_by("-round")
    )
    latest = confirmations[0] if confirmations else None
    state = confirmation_state(oid, plan=plan, items=items, latest=latest, fetched=True)
    report = ResearchReport.objects.filter(opportunity_id=oid).first()
    done = sum(1 for a in activities if a.status == ActivityStatus.DONE)
    counted = sum(1 for a in activities if a.status != ActivityStatus.CANCELLED)
    if state["current"]:
        progress = Progress.CONFIRMED
    elif items:
        progress = Progress.AWAITING_CONFIRMATION
    elif done:
        progress = Progress.RESEARCHING
    elif plan is not None:
        progress = Progress.PLANNING
    else:
        progress = Progress.NOT_STARTED
    by_priority = [(p.label, sum(1 for i in items if i.priority == p)) for p in Priority]
    return {
        "plan": plan,
        "activities": activities,
        "activities_done": done,
        "activities_counted": counted,
        "items": items,
        "withdrawn_items": [i for i in all_items if i.status not in IN_SET_STATUSES],
        "report": report,
        "confirmations": confirmations,
        "latest_confirmation": latest,
        "confirmation_current": state["current"],
        "confirmation_diff": state["diff"],
        "gate_reasons": state["reasons"],
        "progress": Progress(progress),
        "progress_steps": progress_steps(progress),
        "items_by_priority": [(label, n) for label, n in by_priority if n],
        "contacts": list(Contact.objects.filter(customer_id=opportunity.customer_id).order_by("name")),
    }


STEPS = [Progress.PLANNING, Progress.RESEARCHING, Progress.AWAITING_CONFIRMATION, Progress.CONFIRMED]


def progress_steps(progress: str) -> list[dict]:
    """The four steps for a step bar: each done, current or to do."""
    order = [Progress.NOT_STARTED, *STEPS]
    position = order.index(Progress(progress))
    steps = []
    for index, step in enumerate(STEPS, start=1):
        state = "done" if index < position or (step == Progress.CONFIRMED and position == 4) else (
            "current" if index == position else "todo")
        steps.append({"value": step.value, "label": step.label, "state": state})
    return steps
