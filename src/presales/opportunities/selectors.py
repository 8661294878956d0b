"""Reads. Every one starts from `Opportunity.objects.visible_to(user)`; every list is bounded in
SQL and its query count does not depend on the number of rows."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, F, Prefetch, QuerySet, Sum, Value, Window

from presales.accounts.models import User
from presales.core.humanize import natural_duration
from presales.core.permissions import sees_everything

from . import board_totals, permissions
from .choices import CLOSED_STAGES, HANDOVER_STAGES, OPEN_PROGRESS, OPEN_STAGES, Progress, Stage
from .models import Opportunity, StageEvent
from .workflow import STAGE_ORDER, available_moves

BOARD_CARDS_PER_STAGE = 20
DETAIL_COMMUNICATIONS = 20
# What the opportunity page prints of a communication record and of a stage event.
COMMUNICATION_FIELDS = ("occurred_at", "channel", "subject", "content", "next_step")
# (an event's `opportunity` stays: the related manager reads it to attach the page's opportunity)

LIST_RELATED = ("customer", "presales_lead", "sales_owner", "team")


def opportunity_list(*, user) -> QuerySet[Opportunity]:
    """Opportunities the user may see, with the people and customer shown in lists."""
    return Opportunity.objects.visible_to(user).select_related(*LIST_RELATED).order_by("-created_at", "-pk")


@dataclass
class BoardColumn:
    """A column's header: its key, label, how many opportunities and their summed amount. Its cards
    load lazily (`board_cards`, one request per column): `more` is how many of `count` the column
    does not show."""

    stage: str
    label: str
    count: int = 0
    amount: Decimal = Decimal("0")
    per_stage: int = BOARD_CARDS_PER_STAGE

    @property
    def more(self) -> int:
        return max(self.count - self.per_stage, 0)


def board_keys(by: str) -> tuple[str, tuple[str, ...]]:
    """("progress", the open progress statuses) or ("stage", the open stages): a board's columns."""
    if by == "progress":
        return "progress", tuple(OPEN_PROGRESS)
    return "stage", tuple(OPEN_STAGES)


def board(
    *,
    queryset: QuerySet[Opportunity],
    per_stage: int = BOARD_CARDS_PER_STAGE,
    by: str = "stage",
    use_totals: bool = False,
) -> list[BoardColumn]:
    """One column per open stage: how many opportunities and their summed estimated amount (one
    aggregate grouped by stage); the cards are `board_cards`, one column at a time.
    `queryset` is already scoped (and filtered) for the user. `by="progress"` makes the columns
    the open progress statuses instead.
    `use_totals`: `queryset` is every opportunity (a manager's unfiltered board), so the counts and
    amounts come from the kept totals (BoardTotal) instead of the aggregate."""
    by, keys = board_keys(by)
    choices = Progress if by == "progress" else Stage
    columns = {
        key: BoardColumn(stage=key, label=str(choices(key).label), per_stage=per_stage) for key in keys
    }
    if use_totals:
        # Every opportunity, unfiltered (the caller decides): the kept column totals, one small
        # query instead of a GROUP BY over the whole table (board_totals).
        for key, (count, amount) in board_totals.column_totals(by).items():
            if key in columns:
                columns[key].count, columns[key].amount = count, amount
    else:
        totals = (
            queryset.filter(**{f"{by}__in": keys})
            .order_by()
            .values(by)
            .annotate(n=Count("pk"), amount=Sum("estimated_amount"))
        )
        for row in totals:
            column = columns[row[by]]
            column.count, column.amount = row["n"], row["amount"] or Decimal("0")
    return list(columns.values())


CARD_FIELDS = (
    "number", "name", "stage", "progress", "estimated_amount", "expected_close_on", "customer__name",
    *(f"{person}__{name}" for person in ("presales_lead", "sales_owner") for name in User.LABEL_FIELDS),
)


def board_cards(
    *, queryset: QuerySet[Opportunity], by: str, key: str, per_stage: int = BOARD_CARDS_PER_STAGE
) -> list[Opportunity]:
    """The first `per_stage` cards of one column by expected close date (soonest first, undated
    last): one `ORDER BY ... LIMIT` query served by the (stage | progress, expected_close_on)
    index. (A single window query for every column was tried first: it joins and sorts every open
    opportunity, 330 ms at 100k.) `queryset` is already scoped (and filtered) for the user."""
    by, _keys = board_keys(by)
    return list(
        queryset.filter(**{by: key})
        # What a card prints, nothing more: fewer joins to plan (the team is not on a card) and
        # fewer columns to read.
        .select_related(None)
        .select_related("customer", "presales_lead", "sales_owner")
        .only(*CARD_FIELDS)
        .order_by(F("expected_close_on").asc(nulls_last=True), "pk")[:per_stage]
    )


def stage_progress(opportunity: Opportunity) -> list[dict]:
    """The SOP steps for a progress bar: each open stage done / current / ahead, then the outcome."""
    current = STAGE_ORDER[opportunity.stage]
    steps = []
    for stage in OPEN_STAGES:
        index = STAGE_ORDER[stage]
        if opportunity.is_closed:
            state = "done"
        else:
            state = "done" if index < current else "current" if index == current else "ahead"
        steps.append({"stage": stage, "label": Stage(stage).label, "state": state})
    if opportunity.is_closed:
        steps.append(
            {"stage": opportunity.stage, "label": opportunity.get_stage_display(), "state": "closed"}
        )
    else:
        steps.append({"stage": Stage.WON, "label": Stage.WON.label, "state": "ahead"})
    return steps


def early_involvement_text(opportunity: Opportunity) -> str | None:
    """ "2 days, 3 hours": how long after creation presales joined (None while unassigned)."""
    if opportunity.presales_assigned_at is None:
        return None
    return natural_duration(
        opportunity.created_at, max(opportunity.presales_assigned_at, opportunity.created_at), depth=2
    )


def opportunity_detail_queryset(*, user) -> QuerySet[Opportunity]:
    return (
        in_scope_of(Opportunity.objects.all(), user)
        .select_related(
            *LIST_RELATED,
            "created_by",
            "retrospective",
            "retrospective__created_by",
            "handover",
            "handover__delivery_owner",
            "handover__created_by",
        )
        .prefetch_related("members")
    )


# The people the opportunity page names, read as their names (`User.__str__` uses no other column).
PAGE_PEOPLE = ("presales_lead", "sales_owner", "created_by", "handover__delivery_owner")


def opportunity_page_queryset(*, user) -> QuerySet[Opportunity]:
    """The opportunity page's read: `opportunity_detail_queryset` without the columns the page
    does not print: its people (lead, sales owner, creator, delivery owner, members), customer and
    team as their names, and not who wrote the retrospective or the handover (not shown). The
    opportunity's own row is whole (the gates, the permissions and the move form read it). Every
    column of every joined model costs ORM work per request."""
    people = [f"{person}__{name}" for person in PAGE_PEOPLE for name in User.LABEL_FIELDS]
    return (
        in_scope_of(Opportunity.objects.all(), user)
        .select_related(*LIST_RELATED, "created_by", "retrospective", "handover", "handover__delivery_owner")
        .only(
            *(f.name for f in Opportunity._meta.concrete_fields),
            "customer__name", "team__name", *_whole("retrospective"), *_whole("handover"),
            *people,
        )
        .prefetch_related(Prefetch("members", queryset=User.objects.only(*User.LABEL_FIELDS)))
    )


def in_scope_of(queryset: QuerySet[Opportunity], user) -> QuerySet[Opportunity]:
    """`visible_to(user)`, each opportunity read marked with the user's key (`read_in_scope`)."""
    return queryset.visible_to(user).annotate(read_in_scope_of=Value(user.pk))


def on_page(opportunity: Opportunity, key: str, read):
    """`read()`, asked once per opportunity page: the page's gates (the moves it offers) and its
    panels read the same few rows of the opportunity's POCs, demos, bids, solutions and research;
    the page marks the opportunity it shows (`page_memo`, a dict) and each reader of those rows
    goes through here, so that the second reader takes the first one's rows. Anywhere else (a
    move, an API call, another page) nothing is marked and every call reads afresh."""
    memo = getattr(opportunity, "page_memo", None)
    if memo is None:
        return read()
    if key not in memo:
        memo[key] = read()
    return memo[key]


def is_page(opportunity: Opportunity) -> bool:
    """The opportunity is the one an opportunity page shows (its reads go through `on_page`)."""
    return getattr(opportunity, "page_memo", None) is not None


def page_rows(opportunity: Opportunity, key: str):
    """What `on_page(opportunity, key, ...)` read on this page, or None (not read, not a page)."""
    memo = getattr(opportunity, "page_memo", None)
    return None if memo is None else memo.get(key)


def panel_rows(opportunity: Opportunity, user, page_read, model, *, only, order_by) -> list:
    """The rows of another app's panel on an opportunity's page (POCs, bids, solutions): on the
    page, which read the opportunity in the user's scope, the rows the page read once
    (`page_read(opportunity)`, shared with that app's gates); for any other reader, the panel's own
    query of `model` in the user's scope, of the columns it prints."""
    if read_in_scope(opportunity, user):
        return page_read(opportunity)
    return list(model.objects.visible_to(user).filter(opportunity_id=opportunity.pk)
                .only(*only).order_by(*order_by))


def read_in_scope(opportunity: Opportunity, user) -> bool:
    """True when `opportunity` was read through `in_scope_of(..., user)` (the opportunity page's
    querysets): the records whose scope is their opportunity's (`visible_through`: POCs, demos,
    bids; and solutions, whose scope is wider) are then all visible to `user`, and the page's
    panels need not build and run that scope again, one subquery each."""
    return (
        user is not None
        and user.is_authenticated
        and getattr(opportunity, "read_in_scope_of", None) == user.pk
    )


def opportunity_detail_context(*, opportunity: Opportunity, user) -> dict:
    """Everything the opportunity page shows, each part bounded."""
    from presales.customers import permissions as customer_permissions
    from presales.customers.models import CommunicationLog, Customer

    # the newest communications and their total in one query (a window count, taken before the LIMIT)
    # (the columns the page prints: not the author, not the other texts)
    communications = list(
        CommunicationLog.objects.filter(opportunity=opportunity)
        .only(*COMMUNICATION_FIELDS)
        .annotate(listed_total=Window(Count("pk")))
        .order_by("-occurred_at", "-pk")[:DETAIL_COMMUNICATIONS]
    )
    # the gates below and the panels the template renders share their reads (`on_page`); the
    # research gate's "a communication exists" is known from the rows just read
    opportunity.page_memo = {"has_communications": bool(communications)}
    # A manager's scope of customers is every customer (`sees_everything`): nothing to ask.
    customer_visible = (
        sees_everything(user) or Customer.objects.visible_to(user).filter(pk=opportunity.customer_id).exists()
    )
    return {
        "events": page_events(opportunity),
        "communications": communications,
        "communication_count": communications[0].listed_total if communications else 0,
        "retrospective": getattr(opportunity, "retrospective", None)
        if _has(opportunity, "retrospective")
        else None,
        "handover": getattr(opportunity, "handover", None) if _has(opportunity, "handover") else None,
        "members": list(opportunity.members.all()),
        "moves": available_moves(opportunity, user),
        "progress": stage_progress(opportunity),
        "early_involvement": early_involvement_text(opportunity),
        "involved_from_start": (
            opportunity.early_involvement is not None and opportunity.early_involvement.total_seconds() < 60
        ),
        "waiting_for_presales": (
            natural_duration(opportunity.created_at, depth=2)
            if opportunity.presales_assigned_at is None and not opportunity.is_closed
            else None
        ),
        # the opportunity's people see it; its customer only if they may (another sales rep's account)
        "customer_visible": customer_visible,
        "can_record_communication": customer_visible
        and not opportunity.is_closed
        and customer_permissions.can_contribute(user, opportunity.customer),
        "can_edit": permissions.can_edit_opportunity(user, opportunity),
        "can_assign": permissions.can_assign_lead(user, opportunity)
        or permissions.can_claim_lead(user, opportunity),
        "can_move": permissions.can_move_stage(user, opportunity),
        "can_override": permissions.can_override_gate(user),
        "can_manage_members": permissions.can_manage_members(user, opportunity),
        "can_write_retrospective": permissions.can_write_retrospective(user, opportunity),
        "can_write_handover": (
            permissions.can_write_handover(user, opportunity) and opportunity.stage in HANDOVER_STAGES
        ),
        "closed_stages": CLOSED_STAGES,
    }


EVENT_ROW = ("at", "from_stage", "to_stage", "reason", "overridden", "overridden_reasons")


def page_events(opportunity: Opportunity) -> list[SimpleNamespace]:
    """The newest 50 stage events as the page's history prints them (`stage_event_rows`): plain
    rows with the columns of EVENT_ROW and `actor`, the actor's name (`User.label_of`), instead
    of events with their actors as model instances; time stamps through psycopg's C loader on
    PostgreSQL (`fetch_tuples`)."""
    from presales.core.lean import fetch_tuples

    people = [f"actor__{name}" for name in User.LABEL_FIELDS]
    rows = fetch_tuples(
        StageEvent.objects.filter(opportunity_id=opportunity.pk)
        .order_by("-at", "-pk").values_list(*EVENT_ROW, *people)[:50]
    )
    width = len(EVENT_ROW)
    return [
        SimpleNamespace(**dict(zip(EVENT_ROW, row[:width], strict=True)), actor=User.label_of(*row[width:]))
        for row in rows
    ]


def _whole(relation: str) -> list[str]:
    """`only()` names for every column of the model behind the opportunity's `relation`."""
    model = Opportunity._meta.get_field(relation).related_model
    return [f"{relation}__{f.name}" for f in model._meta.concrete_fields]


def _has(opportunity: Opportunity, name: str) -> bool:
    try:
        getattr(opportunity, name)
    except ObjectDoesNotExist:
        return False
    return True
