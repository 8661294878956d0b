"""The periodic SLA reminder: who is told, once per breach."""

from datetime import timedelta

import pytest
from django.utils import timezone

from presales.notifications.models import Notification
from presales.support.choices import RequestStatus
from presales.support.tasks import remind_overdue_support_requests
from tests.factories.support import SupportRequestFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run the job as Celery would: outside the test's transaction, notifications written."""

    def go():
        with django_capture_on_commit_callbacks(execute=True):
            return remind_overdue_support_requests()

    return go


def kinds(user):
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def test_unanswered_request_past_its_response_time_alerts_the_team_lead(cast, customer, run):
    past = timezone.now() - timedelta(hours=10)
    SupportRequestFactory(customer=customer, submitted_at=past, response_due_at=past + timedelta(hours=2))
    assert run() == 1
    assert kinds(cast.lead_a) == ["support.response_overdue"]
    assert kinds(cast.sales_a) == []  # the work itself is not late yet


def test_late_work_alerts_assignee_requester_and_lead_once(cast, customer, run):
    past = timezone.now() - timedelta(days=6)
    SupportRequestFactory(
        customer=customer, status=RequestStatus.IN_PROGRESS, assignee=cast.engineer_a, submitted_at=past,
        response_due_at=past + timedelta(hours=8), assigned_at=past, first_response_at=past + timedelta(hours=1),
        wanted_by=timezone.now() - timedelta(hours=1),
    )
    run()
    run()  # runs every 15 minutes: no repeat
    for user in (cast.engineer_a, cast.sales_a, cast.lead_a):
        assert kinds(user) == ["support.overdue"]


def test_requests_on_time_or_done_are_left_alone(cast, customer, run):
    SupportRequestFactory(customer=customer)  # fresh
    past = timezone.now() - timedelta(days=9)
    SupportRequestFactory(
        customer=customer, status=RequestStatus.DONE, assignee=cast.engineer_a, submitted_at=past,
        response_due_at=past + timedelta(hours=8), first_response_at=past + timedelta(hours=1),
        assigned_at=past, done_at=past + timedelta(days=1), wanted_by=past + timedelta(days=2),
    )
    assert run() == 0
    assert not Notification.objects.exists()
