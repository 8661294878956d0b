"""The progress status of an opportunity (进度状态: 待启动, 调研中, 待客户确认, 方案中, 投标中 …),
derived from its stage and the state of its artefacts, never typed by hand.

Each workflow module reports the state of its own artefacts per opportunity
(`<module>.selectors.progress_by_opportunity(ids)`, one query per module whatever the number of
opportunities); POCs are read here. The status is the most advanced piece of work that is still
going on, read in the order of the SOP from the end:

1. a closed stage is its outcome (won, lost, abandoned);
2. bids: a bid won → negotiating; a bid being prepared → bidding; a bid submitted → awaiting the
   result; only lost bids → bid lost, to be closed;
3. the negotiation stage → negotiating;
4. a POC not yet concluded → POC in progress; a demo being prepared or awaiting its summary →
   demonstrating;
5. solutions: one in review → solution in review; one drafted or returned → designing;
6. research: requirements awaiting the customer's confirmation → awaiting confirmation; a plan
   or activities → researching;
7. with nothing going on, the stage says what comes next: lead with no presales lead or no work →
   not started; discovery → researching; solution (requirements confirmed, or a solution that
   passed) → designing; demo/POC → demonstrating; bid → bidding.

The result is stored on the opportunity (`Opportunity.progress`) so that boards, filters and
counts run in SQL; `refresh()` recomputes it. Signals (connected in OpportunitiesConfig.ready)
refresh an opportunity whenever one of its artefacts (a model of those apps with an `opportunity`
foreign key) is saved or deleted and when the opportunity itself is saved (stage moves); a
change made with a bulk UPDATE sends no signal and must call `refresh()` itself; `presales refresh_progress` recomputes every opportunity (after an import or a restore).
A module that is not installed simply contributes nothing.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Iterable, Iterator
from contextvars import ContextVar

from django.apps import apps
from django.db.models.signals import post_delete, post_save

from . import board_totals
from .choices import Progress, Stage

# The modules whose artefacts drive the progress, with their progress function.
MODULES = ("discovery", "solutions", "demos", "bids")
# The apps whose models (those with an `opportunity` foreign key) trigger a refresh when saved.
WATCHED_APPS = (*MODULES, "poc")

CLOSED = {Stage.WON: Progress.WON, Stage.LOST: Progress.LOST, Stage.ABANDONED: Progress.ABANDONED}
STAGE_FALLBACK = {
    Stage.LEAD: Progress.NOT_STARTED,
    Stage.DISCOVERY: Progress.RESEARCHING,
    Stage.SOLUTION: Progress.DESIGNING,
    Stage.DEMO_POC: Progress.DEMONSTRATING,
    Stage.BID: Progress.BIDDING,
    Stage.NEGOTIATION: Progress.NEGOTIATING,
}


def module_states(opportunity_ids: list[int]) -> dict[str, dict[int, str]]:
    """{module: {opportunity id: that module's state}} for the installed modules (and "poc")."""
    states: dict[str, dict[int, str]] = {}
    for module in MODULES:
        if not apps.is_installed(f"presales.{module}"):
            continue
        try:
            selectors = importlib.import_module(f"presales.{module}.selectors")
        except ImportError:
            continue
        function = getattr(selectors, "progress_by_opportunity", None)
        if function is not None:
            states[module] = function(opportunity_ids)
    if apps.is_installed("presales.poc"):
        states["poc"] = poc_states(opportunity_ids)
    return states


def poc_states(opportunity_ids: list[int]) -> dict[int, str]:
    """"running" for an opportunity with a POC not yet concluded, in one query."""
    from presales.poc.choices import OPEN_STATUSES
    from presales.poc.models import Poc

    running = Poc.objects.filter(opportunity_id__in=opportunity_ids, status__in=OPEN_STATUSES)
    return dict.fromkeys(running.values_list("opportunity_id", flat=True).distinct(), "running")


def decide(*, stage: str, has_lead: bool, states: dict[str, str]) -> str:
    """The progress status from the stage and each module's state (pure: see the module doc)."""
    if stage in CLOSED:
        return CLOSED[stage]
    bid = states.get("bids", "none")
    if bid == "won":
        return Progress.NEGOTIATING
    if bid == "preparing":
        return Progress.BIDDING
    if bid == "submitted":
        return Progress.BID_SUBMITTED
    if bid == "lost":
        return Progress.CLOSING
    if stage == Stage.NEGOTIATION:
        return Progress.NEGOTIATING
    if states.get("poc") == "running":
        return Progress.VALIDATING
    if states.get("demos") in ("preparing", "delivered"):
        return Progress.DEMONSTRATING
    solution = states.get("solutions", "none")
    if solution == "in_review":
        return Progress.IN_REVIEW
    if solution in ("drafting", "returned"):
        return Progress.DESIGNING
    research = states.get("discovery", "not_started")
    if stage in (Stage.LEAD, Stage.DISCOVERY):
        if research == "awaiting_confirmation":
            return Progress.AWAITING_CONFIRMATION
        if research in ("planning", "researching"):
            return Progress.RESEARCHING
        if research == "confirmed" or solution == "passed":
            return Progress.DESIGNING
    if stage == Stage.LEAD and not has_lead:
        return Progress.NOT_STARTED
    return STAGE_FALLBACK[stage]


def derive(opportunity_ids: Iterable[int]) -> dict[int, str]:
    """{opportunity id: progress} computed now, in a fixed number of queries."""
    from .models import Opportunity

    ids = [int(pk) for pk in opportunity_ids]
    if not ids:
        return {}
    rows = Opportunity.objects.filter(pk__in=ids).values_list("pk", "stage", "presales_lead_id")
    states = module_states(ids)
    return {
        pk: str(
            decide(
                stage=stage,
                has_lead=lead_id is not None,
                states={module: by_id[pk] for module, by_id in states.items() if pk in by_id},
            )
        )
        for pk, stage, lead_id in rows
    }


_deferred: ContextVar[set[int] | None] = ContextVar("presales_progress_deferred", default=None)


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """Inside this block `refresh` only notes the opportunities; they are refreshed once, together,
    when the block ends (if it ends without an error). For builders that write many artefacts of
    the same opportunities in a row (the demo company): one refresh per opportunity instead of one
    per saved row. Nothing inside the block may read `Opportunity.progress`. Nested blocks refresh
    at the outermost one's end."""
    if _deferred.get() is not None:
        yield
        return
    pending: set[int] = set()
    token = _deferred.set(pending)
    try:
        yield
    finally:
        _deferred.reset(token)
    ids = sorted(pending)
    for start in range(0, len(ids), 500):
        refresh(ids[start : start + 500])


def refresh(opportunity_ids: Iterable[int]) -> int:
    """Store the derived progress of these opportunities; returns how many changed. Uses
    UPDATE (no save signals, no history row: the progress is derived, not an edit). Inside
    `deferred()`: noted for the end of the block, returns 0."""
    from .models import Opportunity

    pending = _deferred.get()
    if pending is not None:
        pending.update(int(pk) for pk in opportunity_ids)
        return 0
    derived = derive(opportunity_ids)
    if not derived:
        return 0
    rows = {
        row["pk"]: row
        for row in Opportunity.objects.filter(pk__in=list(derived)).values("pk", *board_totals.TRACKED)
    }
    changed: dict[str, list[int]] = {}
    deltas: dict = {}
    for pk, value in derived.items():
        row = rows.get(pk)
        if row is not None and row["progress"] != value:
            changed.setdefault(value, []).append(pk)
            board_totals.add(deltas, board_totals._values(row), -1)
            board_totals.add(deltas, board_totals._values({**row, "progress": value}), +1)
    for value, pks in changed.items():
        Opportunity.objects.filter(pk__in=pks).update(progress=value)
    board_totals.apply(deltas)  # the board's column totals, in the same transaction
    return sum(len(pks) for pks in changed.values())


def refresh_all(batch: int = 2000) -> int:
    from .models import Opportunity

    ids = list(Opportunity.objects.order_by("pk").values_list("pk", flat=True))
    return sum(refresh(ids[start : start + batch]) for start in range(0, len(ids), batch))


# --- signals ---------------------------------------------------------------------------------------


def _opportunity_id(instance) -> int | None:
    from .models import Opportunity

    if isinstance(instance, Opportunity):
        return instance.pk
    return getattr(instance, "opportunity_id", None)


def _on_change(sender, instance, raw=False, **kwargs) -> None:
    """Refresh at once, inside the writer's transaction: the refresh reads what the transaction
    wrote, and the last save of a service leaves the final state (a rollback undoes it too)."""
    if raw:  # loading fixtures or a backup: `refresh_progress` recomputes afterwards
        return
    pk = _opportunity_id(instance)
    if pk is not None:
        refresh([pk])


def watched_models():
    from .models import Opportunity

    models = [Opportunity]
    for label in WATCHED_APPS:
        try:
            config = apps.get_app_config(label)
        except LookupError:
            continue
        for model in config.get_models():
            if model._meta.auto_created or model.__name__.startswith("Historical"):
                continue
            try:
                field = model._meta.get_field("opportunity")
            except Exception:  # noqa: BLE001 - FieldDoesNotExist: not an opportunity's artefact
                continue
            if getattr(field, "related_model", None) is Opportunity:
                models.append(model)
    return models


def connect() -> None:
    for model in watched_models():
        post_save.connect(_on_change, sender=model, dispatch_uid=f"progress-save-{model._meta.label_lower}")
        post_delete.connect(_on_change, sender=model, dispatch_uid=f"progress-delete-{model._meta.label_lower}")
