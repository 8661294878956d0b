"""Reads. Every one starts from `visible_to(user)`."""

from django.db.models import Count, Max, Q, QuerySet

from .choices import ComplaintStatus, FeedbackStatus, IssueStatus
from .models import Customer


def customer_list(*, user) -> QuerySet[Customer]:
    """Customers the user may see, with their owners and the counts shown in the list. Counts are
    correlated subqueries inside one SQL statement: the query count does not grow with the rows."""
    from presales.opportunities.choices import CLOSED_STAGES

    return (
        Customer.objects.visible_to(user)
        .select_related("presales_owner", "sales_owner", "team")
        .annotate(
            open_opportunities=Count("opportunities", filter=~Q(opportunities__stage__in=CLOSED_STAGES), distinct=True),
        )
        .order_by("name")
    )


def customer_detail_context(*, customer: Customer) -> dict:
    """Everything the customer page shows: its whole presales history, each part bounded."""
    from presales.opportunities.models import Opportunity

    return {
        "contacts": list(customer.contacts.order_by("role", "name")),
        "opportunities": list(
            Opportunity.objects.filter(customer=customer).select_related("presales_lead", "sales_owner")
            .order_by("-created_at")[:20]
        ),
        "opportunity_count": Opportunity.objects.filter(customer=customer).count(),
        "communications": list(
            customer.communications.select_related("created_by", "opportunity").order_by("-occurred_at", "-pk")[:10]
        ),
        "communication_stats": customer.communications.aggregate(total=Count("pk"), last=Max("occurred_at")),
        "technical_issues": list(
            customer.technical_issues.select_related("owner").order_by("status", "due_on")[:20]
        ),
        "open_issue_count": customer.technical_issues.filter(status=IssueStatus.OPEN).count(),
        "complaints": list(customer.complaints.select_related("against").order_by("-received_on")[:10]),
        "open_complaint_count": customer.complaints.filter(status=ComplaintStatus.OPEN).count(),
        "surveys": list(customer.surveys.select_related("engineer").order_by("-surveyed_on")[:10]),
        "feedback_items": list(customer.feedback_items.select_related("owner").order_by("status", "-raised_on")[:20]),
        "open_feedback_count": customer.feedback_items.filter(
            status__in=[FeedbackStatus.OPEN, FeedbackStatus.IN_PROGRESS]
        ).count(),
        "ownership_changes": list(
            customer.ownership_changes.select_related("from_user", "to_user", "actor")[:20]
        ),
        "assistants": list(customer.assistants.all()),
    }
