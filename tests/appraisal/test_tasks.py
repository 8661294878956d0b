"""Notifications: who hears of each step, deadline reminders once per appraisal, step, deadline and day."""

from datetime import date, timedelta

import pytest

from presales.appraisal import services, tasks
from presales.appraisal.choices import Step
from presales.notifications.models import Notification
from tests.factories.appraisal import fill_self, submit

pytestmark = pytest.mark.django_db


def test_step_notifications_reach_the_people_who_act(
    cast, committee, appraisal, django_capture_on_commit_callbacks
):
    Notification.objects.all().delete()
    fill_self(appraisal)
    with django_capture_on_commit_callbacks(execute=True):
        submit(appraisal, cast.engineer_a, Step.SUPERVISOR_REVIEW)
    assert set(Notification.objects.filter(kind="appraisal.step").values_list("recipient", flat=True)) == {
        cast.lead_a.pk
    }
    with django_capture_on_commit_callbacks(execute=True):
        tasks.notify_step(appraisal.pk)  # the same step again: deduplicated
    assert Notification.objects.filter(kind="appraisal.step").count() == 1
    appraisal.refresh_from_db()
    assert tasks.actors(appraisal) == [cast.lead_a]


def test_remind_deadlines_once_per_day(cast, committee, cycle, django_capture_on_commit_callbacks):
    today = date(2026, 4, 3)
    services.cycle_update(actor=committee, cycle=cycle, changes={"self_due_on": today + timedelta(days=1)})

    def remind(day):
        with django_capture_on_commit_callbacks(execute=True):
            return tasks.remind_deadlines(today=day)

    assert remind(today) == 2
    assert remind(today) == 2
    reminders = Notification.objects.filter(kind="appraisal.reminder")
    assert set(reminders.values_list("recipient", flat=True)) == {cast.engineer_a.pk, cast.engineer_a2.pk}
    assert reminders.count() == 2  # the second run added nothing
    assert remind(today - timedelta(days=10)) == 0  # not due yet
    remind(today + timedelta(days=3))  # overdue: reminded again, as overdue
    assert reminders.count() == 4
