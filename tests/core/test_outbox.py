"""The transactional outbox (presales.core.outbox): a task is written with the change that calls
for it, sent after the commit, kept when the broker is down and sent once by the sweep."""

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from presales.core import outbox
from presales.core.models import OutboxMessage
from presales.core.tasks import drain_outbox
from presales.notifications.choices import Channel
from presales.notifications.models import Delivery, Notification
from presales.notifications.services import notify
from tests.factories.documents import make_document
from tests.factories.opportunities import OpportunityFactory

pytestmark = pytest.mark.django_db

RECORD = "tests.core.outbox_tasks.record"


def make_due():
    """Time passes: every pending message's retry delay is over."""
    OutboxMessage.objects.filter(sent_at__isnull=True).update(available_at=timezone.now())


def test_sent_after_commit_eagerly_without_broker(runs, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = outbox.enqueue(RECORD, kwargs={"label": "a"})
        assert runs == []  # not before the commit
    assert runs == ["a"]
    message.refresh_from_db()
    assert message.sent_at is not None and message.attempts == 0


def test_rolled_back_transaction_enqueues_nothing(runs, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            outbox.enqueue(RECORD, kwargs={"label": "never"})
            raise RuntimeError("the change failed")
    assert callbacks == [] and runs == []
    assert not OutboxMessage.objects.exists()
    assert drain_outbox() == {"sent": 0, "failed": 0, "skipped": 0, "purged": 0}
    assert runs == []


def test_dedup_key_sends_once(runs, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = outbox.enqueue(RECORD, kwargs={"label": "once"}, dedup_key="report:7")
        again = outbox.enqueue(RECORD, kwargs={"label": "once"}, dedup_key="report:7")
    assert first.pk == again.pk and OutboxMessage.objects.count() == 1
    assert runs == ["once"]
    with django_capture_on_commit_callbacks(execute=True):
        outbox.enqueue(RECORD, kwargs={"label": "once"}, dedup_key="report:7")  # later: still once
    assert runs == ["once"]


def test_unknown_task_is_refused_at_enqueue():
    with pytest.raises(outbox.UnknownTask):
        outbox.enqueue("presales.nowhere.tasks.nothing", kwargs={})
    with pytest.raises(outbox.UnknownTask):
        outbox.enqueue("presales.core.outbox.logger", kwargs={})  # exists, but is not a task
    assert not OutboxMessage.objects.exists()


def test_broker_back_the_next_sweep_sends_every_message_in_order(
    broker_down, runs, django_capture_on_commit_callbacks
):
    """However many sweeps failed during the outage, the first sweep after it sends everything:
    an unreachable broker is no reason for a back-off (the sweep stops at its first failure)."""
    for label in ("1", "2", "3"):
        with django_capture_on_commit_callbacks(execute=True):
            outbox.enqueue(RECORD, kwargs={"label": label})
    for _ in range(8):  # eight sweeps during the outage: the first message tried eight more times
        assert drain_outbox()["failed"] == 1
    first = OutboxMessage.objects.order_by("pk").first()
    assert first.attempts == 9 and "OperationalError" in first.last_error
    broker_down.conf.update(task_always_eager=True)  # the broker is back
    assert drain_outbox()["sent"] == 3  # no make_due(): nothing waits for a back-off
    assert runs == ["1", "2", "3"]


def test_a_failing_task_backs_off(django_capture_on_commit_callbacks):
    """A task that fails (not the broker) is retried later and later: 2^n s after the n-th failure."""
    with django_capture_on_commit_callbacks(execute=True):
        message = outbox.enqueue("tests.core.outbox_tasks.fail", kwargs={"label": "x"})
    make_due()
    assert drain_outbox()["failed"] == 1
    message.refresh_from_db()
    assert message.attempts == 2
    assert 3 <= (message.available_at - timezone.now()).total_seconds() <= 4
    assert drain_outbox() == {"sent": 0, "failed": 0, "skipped": 0, "purged": 0}  # not due yet


def test_broker_down_keeps_the_message_and_the_sweep_sends_it_once(
    broker_down, runs, django_capture_on_commit_callbacks, caplog
):
    with django_capture_on_commit_callbacks(execute=True):
        message = outbox.enqueue(RECORD, kwargs={"label": "late"})  # no exception for the caller
    message.refresh_from_db()
    assert message.sent_at is None and message.attempts == 1 and message.last_error
    assert message.available_at <= timezone.now()  # broker down: due again at the next sweep
    assert "not sent" in caplog.text
    # The sweep while the broker is still down: one failed attempt, the message kept.
    make_due()
    assert drain_outbox()["failed"] == 1
    message.refresh_from_db()
    assert message.sent_at is None and message.attempts == 2
    # The broker is back (here: the eager default): the sweep sends it, once.
    broker_down.conf.update(task_always_eager=True)
    make_due()
    assert drain_outbox()["sent"] == 1
    assert drain_outbox()["sent"] == 0
    assert runs == ["late"]
    message.refresh_from_db()
    assert message.sent_at is not None


def test_sweep_stops_at_the_first_failure_and_keeps_order(
    broker_down, runs, django_capture_on_commit_callbacks
):
    for label in ("1", "2", "3"):
        with django_capture_on_commit_callbacks(execute=True):
            outbox.enqueue(RECORD, kwargs={"label": label})  # sent after the commit: fails
    assert OutboxMessage.objects.filter(attempts=1).count() == 3
    make_due()
    assert drain_outbox() == {"sent": 0, "failed": 1, "skipped": 0, "purged": 0}
    broker_down.conf.update(task_always_eager=True)
    make_due()
    assert drain_outbox()["sent"] == 3
    assert runs == ["1", "2", "3"]


def test_a_failing_eager_task_is_logged_not_raised(django_capture_on_commit_callbacks, caplog):
    with django_capture_on_commit_callbacks(execute=True):
        message = outbox.enqueue("tests.core.outbox_tasks.fail", kwargs={"label": "x"})
    message.refresh_from_db()
    assert message.sent_at is None and message.attempts == 1 and "task failed: x" in message.last_error
    assert "not sent" in caplog.text


def test_notification_email_survives_broker_down(broker_down, cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[cast.engineer_a], kind="support.overdue", title="请求已超时", dedup_key="o:1")
    notification = Notification.objects.get(recipient=cast.engineer_a)  # committed
    assert mail.outbox == [] and notification.emailed_at is None
    delivery = Delivery.objects.get(notification=notification, channel=Channel.EMAIL)
    message = OutboxMessage.objects.get()
    assert message.task_name == "presales.notifications.tasks.deliver"
    assert message.kwargs == {"delivery_id": delivery.pk} and message.sent_at is None
    broker_down.conf.update(task_always_eager=True)
    make_due()
    drain_outbox()
    drain_outbox()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [cast.engineer_a.email]
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_committed_api_action_answers_success_with_the_broker_down(
    broker_down, client, cast, django_capture_on_commit_callbacks
):
    """Issue #14: POST request-access answered 500 after committing, and a retry made a duplicate."""
    from presales.documents.models import AccessRequest
    from tests.factories import CustomerFactory

    customer = CustomerFactory(presales_owner=cast.engineer_a, sales_owner=cast.sales_a)
    opportunity = OpportunityFactory(customer=customer, presales_lead=cast.engineer_a)
    document = make_document(author=cast.engineer_a, opportunity=opportunity, title="储能BMS解决方案")
    client.force_login(cast.engineer_a2)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("document-request-access", args=[document.pk]),
            {"reason": "参考方案"},
            content_type="application/json",
        )
    assert response.status_code == 201, response.content
    assert AccessRequest.objects.count() == 1 and Notification.objects.exists()
    assert OutboxMessage.objects.filter(sent_at__isnull=True).count() >= 1


@pytest.fixture
def outbox_insert_fails():
    """The database refuses new outbox rows (a real failure, by a trigger) until `stop()`: what a
    process killed between writing a notification and queueing its e-mail amounts to."""
    from django.db import connection

    table = OutboxMessage._meta.db_table
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute(
                "CREATE FUNCTION test_outbox_crash() RETURNS trigger AS $$ BEGIN "
                "RAISE EXCEPTION 'crash'; END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                f"CREATE TRIGGER test_outbox_crash BEFORE INSERT ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION test_outbox_crash()"
            )
        else:
            cursor.execute(
                f"CREATE TEMP TRIGGER test_outbox_crash BEFORE INSERT ON {table} "
                "BEGIN SELECT RAISE(ABORT, 'crash'); END"
            )

    class Failure:
        on = True

        def stop(self):
            if self.on:
                with connection.cursor() as cursor:
                    if postgres:
                        cursor.execute(f"DROP TRIGGER test_outbox_crash ON {table}")
                        cursor.execute("DROP FUNCTION test_outbox_crash()")
                    else:
                        cursor.execute("DROP TRIGGER test_outbox_crash")
                self.on = False

    failure = Failure()
    yield failure
    failure.stop()


def test_notification_written_with_its_email_or_not_at_all(
    outbox_insert_fails, cast, django_capture_on_commit_callbacks
):
    """A worker killed mid-job must not leave a notification whose e-mail was never queued: its
    dedup key would stop the job's re-run from making it again, and the e-mail would be lost."""
    from django.db import DatabaseError

    def remind():
        notify(
            recipients=[cast.engineer_a, cast.lead_a],
            kind="support.overdue",
            title="请求已超时",
            dedup_key="support:1:overdue",
        )

    with pytest.raises(DatabaseError), django_capture_on_commit_callbacks(execute=True):
        remind()
    assert not Notification.objects.exists() and not Delivery.objects.exists()
    outbox_insert_fails.stop()
    with django_capture_on_commit_callbacks(execute=True):  # the job run again
        remind()
    assert Notification.objects.filter(dedup_key="support:1:overdue").count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([cast.engineer_a.email, cast.lead_a.email])
