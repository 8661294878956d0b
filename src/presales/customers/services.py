"""Every write to customers and their records. Keyword-only, atomic, rows locked, rules checked
with translated DomainErrors, history kept by django-simple-history."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from presales.accounts.choices import PRESALES_ROLES, RoleCode
from presales.core.concurrency import apply_changes, check_version, save_changes, save_fields
from presales.core.errors import DomainError, PermissionDenied
from presales.core.services import require_text, validate_or_raise

from . import permissions
from .choices import OwnerKind
from .models import Contact, Customer, OwnershipChange

CUSTOMER_EDITABLE_FIELDS = (
    "name", "short_name", "industry", "region", "size", "status", "profile", "website", "address", "confidential",
)


def _check_owner_roles(*, presales_owner, sales_owner) -> None:
    errors: dict[str, list[str]] = {}
    if presales_owner is not None and not presales_owner.has_role(*PRESALES_ROLES):
        errors["presales_owner"] = [_("The presales owner must hold a presales role.")]
    if sales_owner is not None and not sales_owner.has_role(RoleCode.SALES):
        errors["sales_owner"] = [_("The sales owner must hold the sales role.")]
    if presales_owner is not None and presales_owner == sales_owner:
        errors["sales_owner"] = [_("The presales owner and the sales owner must be two different people.")]
    if errors:
        field, messages = next(iter(errors.items()))
        raise DomainError(messages[0], code="invalid_owner", errors=errors)


@transaction.atomic
def customer_create(*, actor, name: str, industry: str, region: str, presales_owner, sales_owner,
                    team=None, short_name: str = "", size: str = "", status: str = "prospect",
                    profile: str = "", website: str = "", address: str = "", confidential: bool = False,
                    assistants=()) -> Customer:
    if not permissions.can_create_customer(actor):
        raise PermissionDenied(_("You may not create customers."))
    _check_owner_roles(presales_owner=presales_owner, sales_owner=sales_owner)
    team = team or presales_owner.team
    if team is None:
        raise DomainError(
            _("The presales owner belongs to no team; choose the presales team."), code="no_team", field="team"
        )
    customer = Customer(
        name=(name or "").strip(), short_name=short_name, industry=industry, region=region, size=size,
        status=status, profile=profile, website=website, address=address, confidential=confidential,
        presales_owner=presales_owner, sales_owner=sales_owner, team=team, created_by=actor,
    )
    validate_or_raise(customer)
    customer.save()
    if assistants:
        customer.assistants.set([u for u in assistants if u.pk not in (presales_owner.pk, sales_owner.pk)])
    OwnershipChange.objects.bulk_create([
        OwnershipChange(customer=customer, kind=OwnerKind.PRESALES, from_user=None, to_user=presales_owner,
                        reason=_("Customer created"), actor=actor),
        OwnershipChange(customer=customer, kind=OwnerKind.SALES, from_user=None, to_user=sales_owner,
                        reason=_("Customer created"), actor=actor),
    ])
    return customer


@transaction.atomic
def customer_update(*, actor, customer: Customer, expected_version: int | None, assistants=None,
                    **changes) -> Customer:
    """Edit the descriptive fields. Owners change only through `customer_reassign`."""
    unknown = set(changes) - set(CUSTOMER_EDITABLE_FIELDS)
    if unknown:
        raise DomainError(_("These fields cannot be changed here: %(fields)s") % {"fields": ", ".join(sorted(unknown))},
                          code="not_editable")
    locked = Customer.objects.select_for_update().get(pk=customer.pk)
    if not permissions.can_edit_customer(actor, locked):
        raise PermissionDenied(_("You may not edit this customer."))
    check_version(locked, expected_version)
    if "name" in changes:
        changes["name"] = (changes["name"] or "").strip()
    changed = apply_changes(locked, changes)
    validate_or_raise(locked)
    save_fields(locked, changed)
    if assistants is not None:
        locked.assistants.set([u for u in assistants if u.pk not in (locked.presales_owner_id, locked.sales_owner_id)])
    return locked


@transaction.atomic
def customer_reassign(*, actor, customer: Customer, kind: str, to_user, reason: str,
                      expected_version: int | None = None) -> OwnershipChange:
    """Hand the customer's presales (or sales) interface to another person; the reason is kept."""
    reason = require_text(reason, field="reason", message=_("Say why the owner changes."))
    locked = Customer.objects.select_for_update().get(pk=customer.pk)
    if not permissions.can_reassign_customer(actor, locked):
        raise PermissionDenied(_("Only a manager or the team lead may reassign a customer."))
    check_version(locked, expected_version)
    if kind == OwnerKind.PRESALES:
        field, current = "presales_owner", locked.presales_owner
        _check_owner_roles(presales_owner=to_user, sales_owner=locked.sales_owner)
    elif kind == OwnerKind.SALES:
        field, current = "sales_owner", locked.sales_owner
        _check_owner_roles(presales_owner=locked.presales_owner, sales_owner=to_user)
    else:
        raise DomainError(_("Unknown owner kind."), code="invalid", field="kind")
    if current == to_user:
        raise DomainError(_("%(name)s already owns this customer.") % {"name": to_user}, code="unchanged", field="to_user")
    save_changes(locked, {field: to_user})
    locked.assistants.remove(to_user)
    return OwnershipChange.objects.create(
        customer=locked, kind=kind, from_user=current, to_user=to_user, reason=reason, actor=actor
    )


def _check_contribute(actor, customer) -> None:
    if not permissions.can_contribute(actor, customer):
        raise PermissionDenied(_("You may not add records to this customer."))


@transaction.atomic
def contact_create(*, actor, customer: Customer, name: str, role: str, title: str = "", department: str = "",
                   phone: str = "", email: str = "", wechat: str = "", notes: str = "") -> Contact:
    _check_contribute(actor, customer)
    contact = Contact(customer=customer, name=(name or "").strip(), role=role, title=title, department=department,
                      phone=phone, email=email, wechat=wechat, notes=notes, created_by=actor)
    validate_or_raise(contact)
    if not (phone or email or wechat):
        raise DomainError(_("Give at least one way to reach the contact: phone, e-mail or WeChat."),
                          code="no_channel", field="phone")
    contact.save()
    return contact


@transaction.atomic
def contact_update(*, actor, contact: Contact, expected_version: int | None, **changes) -> Contact:
    locked = Contact.objects.select_for_update().select_related("customer").get(pk=contact.pk)
    _check_contribute(actor, locked.customer)
    check_version(locked, expected_version)
    changed = apply_changes(locked, changes)
    validate_or_raise(locked)
    if not (locked.phone or locked.email or locked.wechat):
        raise DomainError(_("Give at least one way to reach the contact: phone, e-mail or WeChat."),
                          code="no_channel", field="phone")
    save_fields(locked, changed)
    return locked
