"""Notifications of the appraisal module, through presales.notifications (in-app + e-mail).

- `notify_step(pk)`: when an appraisal enters a step, the people who act in it hear of it once
  (deduplicated per appraisal, step and entry into it).
- `remind_deadlines` (celery beat, daily): for each running cycle, every appraisal whose current
  step is due within `REMIND_DAYS` days or overdue reminds the people who act in it, once per
  appraisal, step, deadline and day.
"""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.utils import timezone
from django.utils.translation import gettext_lazy

from presales.notifications.text import Text

REMIND_DAYS = 2


def actors(appraisal) -> list:
    """Who acts in the appraisal's current step."""
    from presales.accounts.choices import RoleCode
    from presales.accounts.models import User

    from .choices import Step

    status = appraisal.status
    if status in (Step.SELF_ASSESSMENT, Step.PUBLISHED):
        return [appraisal.employee]
    if status == Step.SUPERVISOR_REVIEW:
        return [appraisal.supervisor]
    if status == Step.FEEDBACK:
        peers = (
            list(
                User.objects.filter(team_id=appraisal.team_id, is_active=True)
                .exclude(pk__in=[appraisal.employee_id, appraisal.supervisor_id or 0])
                .filter(roles__code=RoleCode.PRESALES_ENGINEER)
                .distinct()
            )
            if appraisal.team_id
            else []
        )
        return [appraisal.supervisor, *peers]
    if status in (Step.COMMITTEE_REVIEW, Step.APPEALED):
        return list(User.objects.filter(roles__code=RoleCode.COMMITTEE, is_active=True).distinct())
    return []


def _texts(appraisal, due=None):
    from .choices import Step

    title = Text(gettext_lazy("Appraisal %(cycle)s · %(name)s: %(step)s")) % {
        "cycle": appraisal.cycle.name,
        "name": appraisal.employee,
        "step": Step(appraisal.status).label,
    }
    body = (Text(gettext_lazy("Due by %(due)s.")) % {"due": due.isoformat()}) if due else ""
    return title, body


def notify_step(appraisal_pk: int) -> None:
    from presales.notifications.services import notify

    from .models import Appraisal

    appraisal = (
        Appraisal.objects.select_related("cycle", "employee", "supervisor").filter(pk=appraisal_pk).first()
    )
    if appraisal is None:
        return
    title, body = _texts(appraisal, appraisal.cycle.due_on(appraisal.status))
    notify(
        recipients=actors(appraisal),
        kind="appraisal.step",
        title=title,
        body=body,
        target=appraisal,
        dedup_key=f"appraisal.step.{appraisal.pk}.{appraisal.status}.{appraisal.version}",
    )


@shared_task
def remind_deadlines(today=None) -> int:
    from presales.notifications.services import notify

    from .choices import CycleStatus, Step
    from .models import Appraisal

    today = today or timezone.localdate()
    horizon = today + timedelta(days=REMIND_DAYS)
    count = 0
    steps = (Step.SELF_ASSESSMENT, Step.SUPERVISOR_REVIEW, Step.FEEDBACK, Step.COMMITTEE_REVIEW)
    for appraisal in (
        Appraisal.objects.filter(cycle__status=CycleStatus.OPEN, status__in=steps)
        .select_related("cycle", "employee", "supervisor")
        .order_by("pk")[:5000]
    ):
        due = appraisal.cycle.due_on(appraisal.status)
        if due is None or due > horizon:
            continue
        title, body = _texts(appraisal, due)
        if due < today:
            body = Text(gettext_lazy("Overdue since %(due)s.")) % {"due": due.isoformat()}
        notify(
            recipients=actors(appraisal),
            kind="appraisal.reminder",
            title=title,
            body=body,
            target=appraisal,
            dedup_key=f"appraisal.reminder.{appraisal.pk}.{appraisal.status}.{due.isoformat()}.{today.isoformat()}",
        )
        count += 1
    return count
