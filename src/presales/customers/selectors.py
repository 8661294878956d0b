"""Reads. Every one starts from `visible_to(user)`."""

from django.db.models import (
    Avg,
    BooleanField,
    Count,
    ExpressionWrapper,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from .choices import ComplaintStatus, FeedbackStatus, IssueStatus
from .models import CommunicationLog, Complaint, Customer, FeedbackItem, SatisfactionSurvey, TechnicalIssue

# The customer page shows this many communication records; older ones load page by page.
DETAIL_COMMUNICATIONS = 10


def customer_list(*, user) -> QuerySet[Customer]:
    """Customers the user may see, with their owners and the counts shown in the list. Counts are
    correlated subqueries inside one SQL statement: the query count does not grow with the rows."""
    from presales.opportunities.choices import CLOSED_STAGES
    from presales.opportunities.models import Opportunity

    # A correlated subquery rather than JOIN + GROUP BY: PostgreSQL evaluates it only for the rows
    # of the page (after ORDER BY ... LIMIT), instead of aggregating every customer's opportunities.
    open_count = (
        Opportunity.objects.filter(customer=OuterRef("pk")).exclude(stage__in=CLOSED_STAGES)
        .order_by().values("customer").annotate(n=Count("pk")).values("n")
    )
    return (
        Customer.objects.visible_to(user)
        .select_related("presales_owner", "sales_owner", "team")
        .annotate(open_opportunities=Coalesce(Subquery(open_count, output_field=IntegerField()), 0))
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
        "communications": list(customer_communications(customer=customer)[:DETAIL_COMMUNICATIONS]),
        "communication_stats": customer.communications.aggregate(total=Count("pk"), last=Max("occurred_at")),
        "technical_issues": list(
            customer.technical_issues.select_related("owner", "opportunity")
            .annotate(is_overdue=overdue_expression()).order_by("status", "due_on", "pk")[:20]
        ),
        "open_issue_count": customer.technical_issues.filter(status=IssueStatus.OPEN).count(),
        "complaints": list(
            customer.complaints.select_related("against", "opportunity").order_by("-received_on", "-pk")[:10]
        ),
        "open_complaint_count": customer.complaints.filter(status=ComplaintStatus.OPEN).count(),
        "surveys": list(customer.surveys.select_related("engineer", "opportunity").order_by("-surveyed_on", "-pk")[:10]),
        "survey_summary": survey_summary(customer.surveys.all()),
        "feedback_items": list(
            customer.feedback_items.select_related("owner", "opportunity").order_by("status", "-raised_on", "-pk")[:20]
        ),
        "open_feedback_count": customer.feedback_items.filter(
            status__in=[FeedbackStatus.OPEN, FeedbackStatus.IN_PROGRESS]
        ).count(),
        "ownership_changes": list(
            customer.ownership_changes.select_related("from_user", "to_user", "actor")[:20]
        ),
        "assistants": list(customer.assistants.all()),
    }


# --- the customer's records ----------------------------------------------------------------------


def overdue_expression():
    """`is_overdue` computed by the database: open and due before today (local date)."""
    return ExpressionWrapper(
        Q(status=IssueStatus.OPEN, due_on__lt=timezone.localdate()), output_field=BooleanField()
    )


def customer_communications(*, customer: Customer) -> QuerySet[CommunicationLog]:
    """One customer's communication log, newest first (the customer page and its "more" pages)."""
    return (
        CommunicationLog.objects.filter(customer=customer)
        .select_related("created_by", "opportunity")
        .order_by("-occurred_at", "-pk")
    )


def communication_list(*, user) -> QuerySet[CommunicationLog]:
    return (
        CommunicationLog.objects.visible_to(user)
        .select_related("customer", "opportunity", "created_by")
        .order_by("-occurred_at", "-pk")
    )


def technical_issue_list(*, user) -> QuerySet[TechnicalIssue]:
    return (
        TechnicalIssue.objects.visible_to(user)
        .select_related("customer", "opportunity", "owner")
        .annotate(is_overdue=overdue_expression())
        .order_by("status", "due_on", "pk")
    )


def complaint_list(*, user) -> QuerySet[Complaint]:
    return (
        Complaint.objects.visible_to(user)
        .select_related("customer", "opportunity", "against")
        .order_by("-received_on", "-pk")
    )


def survey_list(*, user) -> QuerySet[SatisfactionSurvey]:
    return (
        SatisfactionSurvey.objects.visible_to(user)
        .select_related("customer", "opportunity", "engineer")
        .order_by("-surveyed_on", "-pk")
    )


def feedback_list(*, user) -> QuerySet[FeedbackItem]:
    return (
        FeedbackItem.objects.visible_to(user)
        .select_related("customer", "opportunity", "owner")
        .order_by("status", "-raised_on", "-pk")
    )


def survey_summary(queryset: QuerySet[SatisfactionSurvey]) -> dict:
    """Count, average score and NPS of some surveys, in one SQL aggregate. NPS = % promoters
    (9–10) − % detractors (0–6) among the surveys that have the recommendation answer."""
    summary = queryset.order_by().aggregate(
        count=Count("pk"),
        average_score=Avg("score"),
        average_nps=Avg("nps"),
        nps_answers=Count("nps"),
        promoters=Count("pk", filter=Q(nps__gte=9)),
        detractors=Count("pk", filter=Q(nps__lte=6)),
    )
    answers = summary["nps_answers"]
    summary["nps"] = (
        round((summary["promoters"] - summary["detractors"]) * 100 / answers) if answers else None
    )
    if summary["average_score"] is not None:
        summary["average_score"] = round(float(summary["average_score"]), 1)
    if summary["average_nps"] is not None:
        summary["average_nps"] = round(float(summary["average_nps"]), 1)
    return summary
