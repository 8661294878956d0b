import pytest


@pytest.fixture
def broker_down(settings):
    """The real Celery app, not eager, pointed at a broker that refuses connections (nothing
    listens on 127.0.0.1:1): every send fails as it does when Redis is down."""
    from presales.celery import app

    # The outbox opens its own connection from the current configuration at each send; the app is
    # not closed (closing deregisters it, and tasks imported later would not be registered on it).
    saved = {k: app.conf[k] for k in ("task_always_eager", "broker_url")}
    app.conf.update(task_always_eager=False, broker_url="redis://127.0.0.1:1/0")
    yield app
    app.conf.update(saved)


@pytest.fixture
def runs():
    from tests.core.outbox_tasks import RUNS

    RUNS.clear()
    yield RUNS
    RUNS.clear()
