"""Every write to opportunities, their stage, members, retrospective and handover. Keyword-only,
atomic, the opportunity row locked (`select_for_update`), rules checked with translated
DomainErrors, history kept by django-simple-history, each stage move an explicit StageEvent."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from presales.accounts.choices import PRESALES_ROLES, RoleCode
from presales.core.concurrency import apply_changes, check_version, save_fields
from presales.core.errors import DomainError, PermissionDenied, TransitionRefused
from presales.core.numbering import sequence_next
from presales.core.services import require_text, validate_or_raise

from . import permissions
from .choices import CLOSED_STAGES, HANDOVER_STAGES, Stage
from .models import Handover, Opportunity, Retrospective, StageEvent
from .workflow import BACK, STAGE_ORDER, opportunity_flow

OPPORTUNITY_EDITABLE_FIELDS = (
    "name",
    "source",
    "industry",
    "description",
    "estimated_amount",
    "budget",
    "procurement_method",
    "competitors",
    "expected_close_on",
    "sales_owner",
    "confidential",
)
RETROSPECTIVE_FIELDS = (
    "outcome",
    "summary",
    "went_well",
    "went_wrong",
    "decisive_factors",
    "lessons",
    "competitor_won",
    "held_on",
    "participants",
)
HANDOVER_FIELDS = (
    "delivery_owner",
    "handover_on",
    "responsibilities",
    "open_commitments",
    "documents",
    "notes",
)


def business_year(when=None) -> int:
    """The calendar year of `when` (default now) in the company's time zone (TIME_ZONE, by default
    Asia/Shanghai): an opportunity created at 2026-12-31 20:00 UTC is numbered in 2027."""
    return timezone.localtime(when or timezone.now(), ZoneInfo(settings.TIME_ZONE)).year


def next_number(*, when=None) -> str:
    """SJ-YYYY-NNNNN: the year's next number from the sequence service, never reused."""
    year = business_year(when)
    return f"SJ-{year}-{sequence_next(key=f'SJ-{year}'):05d}"


def _lock(opportunity: Opportunity) -> Opportunity:
    return Opportunity.objects.select_for_update().get(pk=opportunity.pk)


def _people_errors(*, presales_lead=None, sales_owner=None, members=(), lead_pk=None) -> dict[str, list[str]]:
    """Role rules for the people of an opportunity; `lead_pk` is the current lead when only the
    sales owner changes."""
    errors: dict[str, list[str]] = {}
    if presales_lead is not None and not presales_lead.has_role(*PRESALES_ROLES):
        errors["presales_lead"] = [_("The presales lead must hold a presales role.")]
    if sales_owner is not None and not sales_owner.has_role(RoleCode.SALES):
        errors["sales_owner"] = [_("The sales owner must hold the sales role.")]
    lead_pk = presales_lead.pk if presales_lead is not None else lead_pk
    if sales_owner is not None and lead_pk is not None and sales_owner.pk == lead_pk:
        errors["sales_owner"] = [_("The presales lead and the sales owner must be two different people.")]
    outsiders = [str(u) for u in members if not u.has_role(*PRESALES_ROLES)]
    if outsiders:
        errors["members"] = [
            _("Team members must hold a presales role: %(names)s.") % {"names": "、".join(outsiders)}
        ]
    return errors


def _check(errors: dict[str, list[str]], code: str = "invalid_people") -> None:
    if errors:
        raise DomainError(next(iter(errors.values()))[0], code=code, errors=errors)


def _check_industry(industry: str, errors: dict[str, list[str]]) -> None:
    from presales.customers.choices import Industry

    if industry and industry not in Industry.values:
        errors["industry"] = [
            _("Select a valid choice. %(value)s is not one of the available choices.") % {"value": industry}
        ]


def _set_members(opportunity: Opportunity, members) -> None:
    opportunity.members.set([u for u in members if u.pk != opportunity.presales_lead_id])


def _bump_version(opportunity: Opportunity) -> None:
    """A change outside the row's own columns (members) still moves the version (and the ETag)."""
    opportunity.version += 1
    opportunity.save(update_fields=["version", "updated_at"])


# --- opportunities -------------------------------------------------------------------------------


@transaction.atomic
def opportunity_create(
    *,
    actor,
    customer,
    name: str,
    source: str,
    sales_owner=None,
    presales_lead=None,
    team=None,
    industry: str = "",
    description: str = "",
    estimated_amount=None,
    budget=None,
    procurement_method: str = "unknown",
    competitors: str = "",
    expected_close_on=None,
    confidential: bool = False,
    members=(),
) -> Opportunity:
    """A new opportunity in the lead stage. Defaults: the customer's industry and sales owner; the
    presales lead's team, else the customer's. A lead given now starts the early-involvement clock
    at zero."""
    from presales.customers.models import Customer

    if not permissions.can_create_opportunity(actor):
        raise PermissionDenied(_("You may not create opportunities."))
    if customer is None or not Customer.objects.visible_to(actor).filter(pk=customer.pk).exists():
        raise DomainError(_("Choose a customer you can see."), code="invalid", field="customer")
    sales_owner = sales_owner or customer.sales_owner
    members = list(members)
    errors = _people_errors(presales_lead=presales_lead, sales_owner=sales_owner, members=members)
    _check_industry(industry, errors)
    _check(errors)
    now = timezone.now()
    opportunity = Opportunity(
        name=(name or "").strip(),
        customer=customer,
        source=source,
        industry=industry or customer.industry,
        description=description,
        estimated_amount=estimated_amount,
        budget=budget,
        procurement_method=procurement_method,
        competitors=competitors,
        expected_close_on=expected_close_on,
        sales_owner=sales_owner,
        presales_lead=presales_lead,
        team=team
        or (presales_lead.team if presales_lead is not None and presales_lead.team_id else customer.team),
        confidential=confidential,
        stage=Stage.LEAD,
        stage_changed_at=now,
        presales_assigned_at=now if presales_lead is not None else None,
        created_by=actor,
    )
    validate_or_raise(opportunity, exclude=["number"])
    opportunity.number = next_number(when=now)
    opportunity.save()
    if members:
        _set_members(opportunity, members)
    StageEvent.objects.create(
        opportunity=opportunity,
        from_stage="",
        to_stage=Stage.LEAD,
        actor=actor,
        reason=_("Opportunity created"),
    )
    return opportunity


@transaction.atomic
def opportunity_update(
    *, actor, opportunity: Opportunity, expected_version: int | None, members=None, **changes
) -> Opportunity:
    """Edit the descriptive fields. The stage moves only through `opportunity_move`, the presales
    lead changes only through `opportunity_assign_lead`; customer and team are fixed."""
    unknown = set(changes) - set(OPPORTUNITY_EDITABLE_FIELDS)
    if unknown:
        raise DomainError(
            _("These fields cannot be changed here: %(fields)s") % {"fields": ", ".join(sorted(unknown))},
            code="not_editable",
        )
    locked = _lock(opportunity)
    if not permissions.can_edit_opportunity(actor, locked):
        raise PermissionDenied(_("You may not edit this opportunity."))
    check_version(locked, expected_version)
    if "name" in changes:
        changes["name"] = (changes["name"] or "").strip()
    if "industry" in changes and not changes["industry"]:
        changes["industry"] = locked.industry
    if "sales_owner" in changes and changes["sales_owner"] is None:
        raise DomainError(_("This field is required."), code="required", field="sales_owner")
    members = list(members) if members is not None else None
    errors = _people_errors(
        sales_owner=changes.get("sales_owner"), members=members or (), lead_pk=locked.presales_lead_id
    )
    _check_industry(changes.get("industry", ""), errors)
    _check(errors)
    changed = apply_changes(locked, changes)
    validate_or_raise(locked)
    members_changed = members is not None and (
        {u.pk for u in members} - {locked.presales_lead_id}
        != set(locked.members.values_list("pk", flat=True))
    )
    if members_changed:
        _set_members(locked, members)
    if changed:
        save_fields(locked, changed)
    elif members_changed:
        _bump_version(locked)
    return locked


@transaction.atomic
def opportunity_assign_lead(
    *, actor, opportunity: Opportunity, presales_lead, reason: str = "", expected_version: int | None = None
) -> Opportunity:
    """Set or change the presales lead. The first assignment stops the early-involvement clock
    (`presales_assigned_at`); later changes keep it. The change and its reason are in the history."""
    locked = _lock(opportunity)
    claiming = (
        presales_lead is not None
        and presales_lead.pk == actor.pk
        and permissions.can_claim_lead(actor, locked)
    )
    if not (permissions.can_assign_lead(actor, locked) or claiming):
        raise PermissionDenied(_("Only a manager or the team lead may assign the presales lead."))
    check_version(locked, expected_version)
    if locked.is_closed:
        raise DomainError(_("The opportunity is closed; its presales lead no longer changes."), code="closed")
    if presales_lead is None:
        raise DomainError(_("This field is required."), code="required", field="presales_lead")
    errors = _people_errors(presales_lead=presales_lead)
    if presales_lead.pk == locked.sales_owner_id:
        errors["presales_lead"] = [_("The presales lead and the sales owner must be two different people.")]
    _check(errors)
    if presales_lead.pk == locked.presales_lead_id:
        raise DomainError(
            _("%(name)s already leads this opportunity.") % {"name": presales_lead},
            code="unchanged",
            field="presales_lead",
        )
    changes = {"presales_lead": presales_lead}
    if locked.presales_assigned_at is None:
        changes["presales_assigned_at"] = timezone.now()
    changed = apply_changes(locked, changes)
    locked._change_reason = (reason or "").strip()[:100] or None
    save_fields(locked, changed)
    locked.members.remove(presales_lead)
    return locked


@transaction.atomic
def opportunity_move(
    *,
    actor,
    opportunity: Opportunity,
    to_stage: str,
    reason: str = "",
    override: bool = False,
    expected_version: int | None = None,
) -> StageEvent:
    """Move the opportunity to `to_stage` along the workflow table. Unmet gates refuse the move
    with every reason (TransitionRefused); a manager may override them with a reason, and the event
    records the overridden reasons. Closed stages are final."""
    locked = _lock(opportunity)
    check_version(locked, expected_version)
    if locked.is_closed:
        raise DomainError(
            _("The opportunity is closed (%(stage)s): a closed opportunity does not move.")
            % {"stage": locked.get_stage_display()},
            code="closed",
            field="to_stage",
        )
    transition = opportunity_flow.get(locked.stage, to_stage)
    if transition is None:
        target = Stage(to_stage).label if to_stage in Stage.values else to_stage
        raise DomainError(
            _("An opportunity cannot move from “%(from)s” to “%(to)s”.")
            % {"from": locked.get_stage_display(), "to": target},
            code="unknown_move",
            field="to_stage",
        )
    if not transition.allowed(actor, locked):
        raise PermissionDenied(
            _("You may not move this opportunity to “%(stage)s”.") % {"stage": Stage(to_stage).label}
        )
    reason = (reason or "").strip()
    if transition.action == BACK:
        require_text(reason, field="reason", message=_("Say why the opportunity goes back a stage."))
    unmet = opportunity_flow.unmet_conditions(locked, transition)
    overridden = bool(unmet and override)
    if unmet and not override:
        raise TransitionRefused(
            ngettext(
                "Cannot move to “%(stage)s”: %(count)d condition is not met.",
                "Cannot move to “%(stage)s”: %(count)d conditions are not met.",
                len(unmet),
            )
            % {"stage": Stage(to_stage).label, "count": len(unmet)},
            reasons=unmet,
        )
    if overridden:
        if not permissions.can_override_gate(actor):
            raise PermissionDenied(_("Only a manager may override a stage gate."))
        require_text(
            reason, field="reason", message=_("Say why the gate is overridden: the reason is recorded.")
        )
    from_stage = locked.stage
    now = timezone.now()
    changes = {"stage": to_stage, "stage_changed_at": now}
    if to_stage in CLOSED_STAGES:
        changes["closed_at"] = now
    save_fields(locked, apply_changes(locked, changes))
    event = StageEvent.objects.create(
        opportunity=locked,
        from_stage=from_stage,
        to_stage=to_stage,
        actor=actor,
        reason=reason,
        overridden=overridden,
        overridden_reasons=[str(r) for r in unmet] if overridden else [],
    )
    return event


@transaction.atomic
def opportunity_place(*, actor, opportunity: Opportunity, to_stage: str, reason: str) -> StageEvent:
    """Put an opportunity brought in from another system (a CRM import) at the stage that system
    reports. Unlike `opportunity_move` it may jump over stages, because the work was done before
    the opportunity came into this system; the gates of the target stage are still evaluated, and
    those unmet are recorded on the event as overridden, with the reason (the source), exactly as
    a manager's override is. It never moves backwards and never moves a closed opportunity (closed
    is final); a backward change is a move with a reason, by a person, through `opportunity_move`."""
    from presales.core.workflow import Transition

    reason = require_text(reason, field="reason", message=_("Say where the stage comes from."))
    locked = _lock(opportunity)
    if not permissions.can_place_stage(actor, locked):
        raise PermissionDenied(_("Only a manager or the team lead may set the stage of an imported opportunity."))
    if to_stage not in Stage.values:
        raise DomainError(_("Unknown stage."), code="invalid", field="stage")
    if locked.is_closed:
        raise DomainError(
            _("The opportunity is closed (%(stage)s): a closed opportunity does not move.")
            % {"stage": locked.get_stage_display()},
            code="closed",
            field="stage",
        )
    if to_stage == locked.stage:
        raise DomainError(_("The opportunity is already at this stage."), code="unchanged", field="stage")
    if to_stage not in CLOSED_STAGES and STAGE_ORDER[to_stage] < STAGE_ORDER[locked.stage]:
        raise DomainError(
            _("“%(to)s” is before “%(from)s”: an opportunity goes back only by a move with a reason.")
            % {"to": Stage(to_stage).label, "from": locked.get_stage_display()},
            code="backwards",
            field="stage",
        )
    placement = Transition(locked.stage, to_stage, action="place", allowed=permissions.can_place_stage)
    unmet = opportunity_flow.unmet_conditions(locked, placement)
    from_stage = locked.stage
    now = timezone.now()
    changes = {"stage": to_stage, "stage_changed_at": now}
    if to_stage in CLOSED_STAGES:
        changes["closed_at"] = now
    locked._change_reason = reason[:100]
    save_fields(locked, apply_changes(locked, changes))
    return StageEvent.objects.create(
        opportunity=locked,
        from_stage=from_stage,
        to_stage=to_stage,
        actor=actor,
        reason=reason,
        overridden=bool(unmet),
        overridden_reasons=[str(r) for r in unmet],
    )


# --- members --------------------------------------------------------------------------------------


@transaction.atomic
def member_add(*, actor, opportunity: Opportunity, user) -> Opportunity:
    locked = _lock(opportunity)
    if not permissions.can_manage_members(actor, locked):
        raise PermissionDenied(_("You may not change this opportunity's team."))
    if user is None:
        raise DomainError(_("This field is required."), code="required", field="user")
    if not user.has_role(*PRESALES_ROLES):
        raise DomainError(
            _("Team members must hold a presales role: %(names)s.") % {"names": user},
            code="invalid_people",
            field="user",
        )
    if user.pk == locked.presales_lead_id or locked.members.filter(pk=user.pk).exists():
        raise DomainError(
            _("%(name)s is already on this opportunity's team.") % {"name": user},
            code="unchanged",
            field="user",
        )
    locked.members.add(user)
    _bump_version(locked)
    return locked


@transaction.atomic
def member_remove(*, actor, opportunity: Opportunity, user) -> Opportunity:
    locked = _lock(opportunity)
    if not permissions.can_manage_members(actor, locked):
        raise PermissionDenied(_("You may not change this opportunity's team."))
    if not locked.members.filter(pk=user.pk).exists():
        raise DomainError(
            _("%(name)s is not on this opportunity's team.") % {"name": user}, code="unchanged", field="user"
        )
    locked.members.remove(user)
    _bump_version(locked)
    return locked


# --- retrospective and handover -------------------------------------------------------------------


def _save_child(
    *, model, locked: Opportunity, actor, expected_version: int | None, data: dict, fields: tuple
):
    unknown = set(data) - set(fields)
    if unknown:
        raise DomainError(
            _("These fields cannot be changed here: %(fields)s") % {"fields": ", ".join(sorted(unknown))},
            code="not_editable",
        )
    existing = model.objects.filter(opportunity=locked).first()
    if existing is None:
        obj = model(opportunity=locked, created_by=actor, **data)
        validate_or_raise(obj, exclude=["opportunity"])
        obj.save()
        return obj
    if expected_version is None:
        raise DomainError(
            _("This opportunity already has a %(record)s: edit it instead.")
            % {"record": model._meta.verbose_name},
            code="exists",
            field="opportunity",
        )
    check_version(existing, expected_version)
    changed = apply_changes(existing, data)
    validate_or_raise(existing, exclude=["opportunity"])
    save_fields(existing, changed)
    return existing


@transaction.atomic
def retrospective_save(
    *, actor, opportunity: Opportunity, expected_version: int | None = None, **data
) -> Retrospective:
    """Write or edit the opportunity's one retrospective (复盘). Written before closing (the gate
    to won, lost and abandoned needs it) or after; once closed, its outcome is the closing stage's."""
    locked = _lock(opportunity)
    if not permissions.can_write_retrospective(actor, locked):
        raise PermissionDenied(_("You may not write this opportunity's retrospective."))
    outcome = data.get("outcome")
    if locked.is_closed and outcome is not None and outcome != locked.stage:
        raise DomainError(
            _("The opportunity was closed as “%(stage)s”: the retrospective records that outcome.")
            % {"stage": locked.get_stage_display()},
            code="outcome_mismatch",
            field="outcome",
        )
    held_on = data.get("held_on")
    if held_on is not None and held_on > timezone.localdate():
        raise DomainError(
            _("A retrospective cannot be dated in the future."), code="invalid", field="held_on"
        )
    return _save_child(
        model=Retrospective,
        locked=locked,
        actor=actor,
        expected_version=expected_version,
        data=data,
        fields=RETROSPECTIVE_FIELDS,
    )


@transaction.atomic
def handover_save(
    *, actor, opportunity: Opportunity, expected_version: int | None = None, **data
) -> Handover:
    """Write or edit the handover to delivery: while negotiating (the move to won needs it) or
    once won; never for other stages."""
    locked = _lock(opportunity)
    if not permissions.can_write_handover(actor, locked):
        raise PermissionDenied(_("You may not write this opportunity's handover."))
    if locked.stage not in HANDOVER_STAGES:
        raise DomainError(
            _("A handover to delivery is prepared in negotiation or after winning, not in “%(stage)s”.")
            % {"stage": locked.get_stage_display()},
            code="handover_not_allowed",
            field="opportunity",
        )
    return _save_child(
        model=Handover,
        locked=locked,
        actor=actor,
        expected_version=expected_version,
        data=data,
        fields=HANDOVER_FIELDS,
    )


def retrospective_archive(*, actor, opportunity: Opportunity, change_summary: str = ""):
    """File the retrospective as a DOCX in the document archive: a numbered project document the
    first time, a new version of it afterwards (identical content adds nothing)."""
    from presales.documents.artefacts import archive_artefact

    from .exports import retrospective_docx

    retrospective = Retrospective.objects.select_related("opportunity__customer").filter(
        opportunity_id=opportunity.pk
    ).first()
    if retrospective is None:
        raise DomainError(_("Write the retrospective before filing it."), code="missing")
    if not permissions.can_write_retrospective(actor, opportunity):
        raise PermissionDenied(_("You may not file this opportunity's retrospective."))
    return archive_artefact(
        actor=actor,
        source=retrospective,
        kind="retrospective",
        title=_("Retrospective %(number)s %(name)s") % {"number": opportunity.number, "name": opportunity.name},
        category_kind="project_info",
        filename=f"{opportunity.number}-retrospective.docx",
        content=retrospective_docx(retrospective),
        opportunity=opportunity,
        change_summary=change_summary,
    )
