"""A periodic job really runs through the broker and a worker (not eagerly): celery beat's own
scheduler sends the outbox sweep entry of CELERY_BEAT_SCHEDULE to Redis, a real Celery worker
(in a thread, solo pool) consumes it, the sweep sends the pending task to Redis, and the worker
runs that too."""

import os
import time
import uuid

import pytest
from celery import Celery
from django.utils import timezone

from presales.core.models import OutboxMessage

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def redis_url():
    import redis

    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.RedisError:
        pytest.skip(f"Redis not reachable at {url}")
    return url


@pytest.fixture
def live_app(redis_url):
    """A Celery app configured from the Django settings like `celery -A presales`, with a Redis
    broker and a queue of its own (so a running `make serve` worker never takes our messages)."""
    import redis

    from presales.celery import app as site_app

    queue = f"presales-test-{uuid.uuid4().hex[:10]}"
    app = Celery("presales", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(
        broker_url=redis_url,
        task_always_eager=False,
        task_default_queue=queue,
        result_backend=None,
        worker_hijack_root_logger=False,
    )
    app.set_current()
    app.set_default()
    try:
        yield app
    finally:
        redis.Redis.from_url(redis_url).delete(queue)
        app.close()
        site_app.set_current()
        site_app.set_default()


def wait_for(condition, seconds=60.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_beat_entry_goes_through_redis_and_a_worker(live_app, runs):
    from celery.beat import Scheduler
    from celery.contrib.testing.worker import start_worker

    import presales.core.tasks  # noqa: F401  (registers the sweep on this app)
    import tests.core.outbox_tasks  # noqa: F401

    # A task whose first send failed (broker down): pending in the outbox.
    message = OutboxMessage.objects.create(
        task_name="tests.core.outbox_tasks.record", kwargs={"label": "swept"}, available_at=timezone.now()
    )
    scheduler = Scheduler(app=live_app, lazy=False)
    entry = scheduler.schedule["core-outbox-sweep"]
    assert entry.task == "presales.core.tasks.drain_outbox"
    worker = start_worker(
        live_app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=30
    )
    with worker:
        scheduler.apply_async(entry)  # what beat does when the entry is due: a message to Redis
        assert wait_for(lambda: runs == ["swept"]), "the worker did not run the swept task"
    message.refresh_from_db()
    assert message.sent_at is not None and message.attempts == 0
    assert not live_app.conf.task_always_eager
    from django.db import connections

    connections.close_all()
