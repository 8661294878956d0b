"""Periodic jobs of support requests."""

from celery import shared_task
from django.utils import timezone

from presales.notifications.services import notify
from presales.notifications.text import lazy_text as _

from . import sla
from .choices import RequestStatus
from .models import SupportRequest


@shared_task
def remind_overdue_support_requests() -> int:
    """Tell people about requests whose first response or whose work is late. Each breach is
    announced once per person (dedup key), however often the job runs. Returns the number of
    requests found late."""
    now = timezone.now()
    late = (
        SupportRequest.objects.filter(sla.overdue_q(now))
        .select_related("assignee", "requester", "team__lead")
        .order_by("pk")
    )
    count = 0
    for request in late.iterator(chunk_size=500):
        count += 1
        lead = request.team.lead if request.team_id else None
        if (
            request.first_response_at is None
            and request.response_due_at < now
            and request.status
            in (
                RequestStatus.NEW,
                RequestStatus.ASSIGNED,
            )
        ):
            notify(
                recipients=[request.assignee or lead, lead],
                kind="support.response_overdue",
                title=_("First response overdue: %(number)s %(title)s")
                % {"number": request.number, "title": request.title},
                body=_("Nobody has responded yet; the response was due at %(due)s.")
                % {"due": timezone.localtime(request.response_due_at).strftime("%Y-%m-%d %H:%M")},
                target=request,
                dedup_key=f"support:{request.pk}:response_overdue",
            )
        if request.wanted_by < now:
            notify(
                recipients=[request.assignee, request.requester, lead],
                kind="support.overdue",
                title=_("Support request overdue: %(number)s %(title)s")
                % {"number": request.number, "title": request.title},
                body=_("It was wanted by %(due)s and is not done.")
                % {"due": timezone.localtime(request.wanted_by).strftime("%Y-%m-%d %H:%M")},
                target=request,
                dedup_key=f"support:{request.pk}:overdue",
            )
    return count
