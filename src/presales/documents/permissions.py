"""Who may read, find and change a document.

Read (open the page, see the versions, preview, download) — `Document.objects.visible_to(user)`:
- always: its author, its named readers, the people who reviewed it (approvers, meeting
  participants), and the people who may decide its pending review step;
- a confidential document: nobody else (not even managers: "named people only");
- a project-team document: also the project team (the opportunity's presales lead, sales owner and
  members; for a customer-only document the customer's presales owner, sales owner and assisting
  engineers), the lead of its team, managers, and anybody holding an unexpired access grant;
- a company-wide document: also everybody, once it has been published (a draft or a revision under
  review stays with the project team and the reviewers).

Find (lists, search) — `findable_to(user)`: what they may read, plus the non-confidential documents
of the projects and customers they can see; those show their number and title, and a button to ask
for access. Anything else answers 404, the same as a document that does not exist.

The action checks below read at most the opportunity's members (cached on the document).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from presales.core.permissions import is_manager

from . import approval
from .choices import (
    EDITABLE_STATUSES,
    REVIEW_STATUSES,
    AccessLevel,
    AccessRequestStatus,
    DocumentStatus,
    EventAction,
    ReviewStep,
)

NO_ROWS = Q(pk__in=[])


# --- SQL scopes ------------------------------------------------------------------------------------


def project_team_q(user) -> Q:
    from presales.customers.models import Customer
    from presales.opportunities.models import Opportunity

    member = Opportunity.members.through.objects.filter(
        opportunity_id=OuterRef("opportunity_id"), user_id=user.pk
    )
    assistant = Customer.assistants.through.objects.filter(
        customer_id=OuterRef("customer_id"), user_id=user.pk
    )
    on_opportunity = (
        Q(opportunity__presales_lead_id=user.pk) | Q(opportunity__sales_owner_id=user.pk) | Q(Exists(member))
    )
    on_customer = Q(opportunity__isnull=True) & (
        Q(customer__presales_owner_id=user.pk) | Q(customer__sales_owner_id=user.pk) | Q(Exists(assistant))
    )
    return on_opportunity | on_customer


def pending_review_q(user) -> Q:
    """Documents waiting at a review step this user may decide (by role, or as the team's lead)."""
    from presales.accounts.choices import RoleCode

    q = NO_ROWS
    statuses = []
    if user.has_role(RoleCode.DEPARTMENT_HEAD):
        statuses += [DocumentStatus.DEPARTMENT_REVIEW, DocumentStatus.FINAL_REVIEW]
    if user.has_role(RoleCode.PRESALES_MANAGER):
        statuses += [DocumentStatus.MANAGER_REVIEW, DocumentStatus.FINAL_REVIEW]
    if statuses:
        q |= Q(status__in=sorted(set(statuses)))
    if user.led_team_ids:
        q |= Q(status=DocumentStatus.DEPARTMENT_REVIEW, team_id__in=sorted(user.led_team_ids))
    return q


def readable_q(user) -> Q:
    from .models import AccessRequest, Document, DocumentEvent

    reader = Document.named_readers.through.objects.filter(document_id=OuterRef("pk"), user_id=user.pk)
    reviewed = DocumentEvent.objects.filter(
        document_id=OuterRef("pk"), actor_id=user.pk, action__in=[EventAction.APPROVED, EventAction.RETURNED]
    )
    in_meeting = DocumentEvent.participants.through.objects.filter(
        documentevent__document_id=OuterRef("pk"), user_id=user.pk
    )
    personal = (
        Q(author_id=user.pk)
        | Q(Exists(reader))
        | Q(Exists(reviewed))
        | Q(Exists(in_meeting))
        | pending_review_q(user)
    )
    if is_manager(user):
        wide = ~Q(pk=None)
    else:
        granted = AccessRequest.objects.filter(
            document_id=OuterRef("pk"),
            requester_id=user.pk,
            status=AccessRequestStatus.GRANTED,
            expires_at__gt=timezone.now(),
        )
        wide = (
            project_team_q(user)
            | (Q(team_id__in=sorted(user.led_team_ids)) if user.led_team_ids else NO_ROWS)
            | Q(Exists(granted))
            | Q(
                access_level=AccessLevel.PUBLIC,
                status__in=[DocumentStatus.PUBLISHED, DocumentStatus.ARCHIVED],
                published_at__isnull=False,
            )
        )
    return personal | (~Q(access_level=AccessLevel.CONFIDENTIAL) & wide)


def findable_q(user) -> Q:
    from presales.customers.models import Customer
    from presales.opportunities.models import Opportunity

    around = Q(opportunity_id__in=Opportunity.objects.visible_to(user).values("pk")) | Q(
        opportunity__isnull=True, customer_id__in=Customer.objects.visible_to(user).values("pk")
    )
    return readable_q(user) | (~Q(access_level=AccessLevel.CONFIDENTIAL) & around)


def decidable_requests_q(user) -> Q:
    """Access requests the user may decide: on documents they are responsible for."""
    q = (
        Q(document__author_id=user.pk)
        | Q(document__opportunity__presales_lead_id=user.pk)
        | Q(document__opportunity__isnull=True, document__customer__presales_owner_id=user.pk)
    )
    if user.led_team_ids:
        q |= Q(document__team_id__in=sorted(user.led_team_ids))
    if is_manager(user):
        q |= ~Q(document__access_level=AccessLevel.CONFIDENTIAL)
    return q & ~Q(requester_id=user.pk)


# --- one document ----------------------------------------------------------------------------------


def project_team_ids(document) -> frozenset[int]:
    """The project team of the document (one query for the members, cached on the instance)."""
    cached = getattr(document, "_project_team_ids", None)
    if cached is not None:
        return cached
    if document.opportunity_id:
        opportunity = document.opportunity
        ids = {opportunity.presales_lead_id, opportunity.sales_owner_id}
        ids |= set(opportunity.members.values_list("pk", flat=True))
    else:
        customer = document.customer
        ids = {customer.presales_owner_id, customer.sales_owner_id}
        ids |= set(customer.assistants.values_list("pk", flat=True))
    document._project_team_ids = frozenset(i for i in ids if i is not None)
    return document._project_team_ids


def responsible_lead_id(document) -> int | None:
    """The project's presales lead (or the customer's presales owner for a customer-only document)."""
    if document.opportunity_id:
        return document.opportunity.presales_lead_id
    return document.customer.presales_owner_id


def _works_on(user, document) -> bool:
    return (
        user.pk == document.author_id
        or user.pk in project_team_ids(document)
        or document.team_id in user.led_team_ids
        or (is_manager(user) and document.access_level != AccessLevel.CONFIDENTIAL)
    )


def is_responsible(user, document) -> bool:
    """The people who answer for the document: its author, the project's presales lead, the team
    lead, and managers (for non-confidential documents). They decide access and archive by hand."""
    return (
        user.pk == document.author_id
        or user.pk == responsible_lead_id(document)
        or document.team_id in user.led_team_ids
        or (is_manager(user) and document.access_level != AccessLevel.CONFIDENTIAL)
    )


def can_add_documents(user, *, opportunity=None, customer=None) -> bool:
    """Add a document to a project (its team, the team lead, managers) or to a customer (its
    owners and assistants, the team lead, managers)."""
    if user is None or not user.is_authenticated:
        return False
    if is_manager(user):
        return True
    if opportunity is not None:
        if opportunity.team_id in user.led_team_ids:
            return True
        if user.pk in (opportunity.presales_lead_id, opportunity.sales_owner_id):
            return True
        return opportunity.members.filter(pk=user.pk).exists()
    if customer is not None:
        if customer.team_id in user.led_team_ids or user.pk in (
            customer.presales_owner_id,
            customer.sales_owner_id,
        ):
            return True
        return customer.assistants.filter(pk=user.pk).exists()
    return False


def can_create(user) -> bool:
    """May the user create documents at all (shows the "new document" button)."""
    return is_manager(user) or user.is_presales or bool(user.role_codes)


def can_edit(user, document) -> bool:
    """Change the details (title, description, validity) of a draft or returned document."""
    return document.status in EDITABLE_STATUSES and _works_on(user, document)


def can_add_version(user, document) -> bool:
    """Upload a new version: while being written, and after publication (a revision, which goes
    back through approval). Not while under review, not once archived."""
    return document.status in (*EDITABLE_STATUSES, DocumentStatus.PUBLISHED) and _works_on(user, document)


def can_submit(user, document) -> bool:
    return document.status in EDITABLE_STATUSES and user.pk == document.author_id


def can_review(user, document, mode: str | None = None) -> bool:
    if document.status not in REVIEW_STATUSES or user.pk == document.author_id:
        return False
    step = approval.STATUS_STEP[document.status]
    return approval.may_decide(
        step,
        roles=user.role_codes,
        led_team_ids=user.led_team_ids,
        team_id=document.team_id,
        mode=mode if step == ReviewStep.FINAL else None,
    )


def can_archive(user, document) -> bool:
    return document.status != DocumentStatus.ARCHIVED and is_responsible(user, document)


def can_manage_access(user, document) -> bool:
    return document.status != DocumentStatus.ARCHIVED and is_responsible(user, document)


def can_decide_request(user, access_request) -> bool:
    return (
        access_request.status == AccessRequestStatus.PENDING
        and access_request.requester_id != user.pk
        and is_responsible(user, access_request.document)
    )


def can_see_downloads(user, document) -> bool:
    return is_responsible(user, document)
