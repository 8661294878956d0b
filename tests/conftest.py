import os

import pytest
from django.db.models.signals import post_migrate
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from tests.kit import EXERCISED_URL_NAMES, URL_COVERAGE_EXEMPT, all_url_names, build_cast

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Property tests judge rules, not speed: on a shared two-core machine running two suites side by
# side, Hypothesis's timing checks (a 200 ms deadline per example, "input generation is slow")
# failed tests whose rules held.
hypothesis_settings.register_profile("presales", deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("presales")


def _reference_data_after_flush(sender, using, **kwargs):
    """A transactional test ends with a flush, which empties every table, the reference data the
    migrations wrote included (roles, document categories, the KPI library, guides, catalogues).
    Django sends post_migrate after the flush; once it has reached the last app, the migrations'
    data operations (idempotent) are replayed, so the next test on this worker finds them again."""
    from django.conf import settings
    from django.db import connections

    if "plan" in kwargs or sender.name != settings.INSTALLED_APPS[-1]:
        return  # a migrate (the test database being built), or not yet the last app
    if connections[using].in_atomic_block:
        return  # a flush inside a test's transaction (a restore drill) is rolled back with the test
    from presales.core.fresh import replay_data_operations

    replay_data_operations(using)


post_migrate.connect(_reference_data_after_flush, dispatch_uid="presales-tests-reference-data-after-flush")


@pytest.fixture
def cast(db):
    return build_cast()


@pytest.fixture(autouse=True)
def _reset_axes_and_cache():
    from django.core.cache import cache

    cache.clear()
    yield


def _whole_suite(config) -> bool:
    """URL coverage is judged only on a full run (no -k/-m, no explicit paths or only `tests`)."""
    if config.getoption("keyword") or config.getoption("markexpr"):
        return False
    args = [a for a in config.args if not a.startswith("-")]
    return all(os.path.normpath(a) in ("tests", os.path.normpath(str(config.rootpath / "tests"))) for a in args)


_URLCOV_DIR_ENV = "PRESALES_URL_COVERAGE_DIR"


def pytest_configure(config):
    """Under pytest-xdist each worker records the URLs its tests requested; the controller makes a
    folder (inherited by the workers through the environment) where each worker leaves its list."""
    if not hasattr(config, "workerinput") and getattr(config.option, "numprocesses", None):
        import tempfile

        os.environ[_URLCOV_DIR_ENV] = tempfile.mkdtemp(prefix="presales-urlcov-")


def _exercised_url_names(session) -> set[str]:
    folder = os.environ.get(_URLCOV_DIR_ENV)
    if hasattr(session.config, "workerinput"):
        if folder:  # a worker: hand its list to the controller
            name = session.config.workerinput["workerid"]
            with open(os.path.join(folder, f"{name}.txt"), "w", encoding="utf-8") as out:
                out.write("\n".join(sorted(EXERCISED_URL_NAMES)))
        return set()
    names = set(EXERCISED_URL_NAMES)
    if folder and os.path.isdir(folder):
        for entry in os.listdir(folder):
            with open(os.path.join(folder, entry), encoding="utf-8") as lines:
                names.update(line for line in lines.read().splitlines() if line)
    return names


def pytest_sessionfinish(session, exitstatus):
    exercised = _exercised_url_names(session)
    if hasattr(session.config, "workerinput"):
        return  # judged once, by the controller, over every worker's list
    if exitstatus != 0 or not _whole_suite(session.config) or os.environ.get("SKIP_URL_COVERAGE"):
        return
    import django

    if not django.apps.apps.ready:
        return
    missing = sorted(all_url_names() - exercised - URL_COVERAGE_EXEMPT)
    if missing:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        reporter.write_line("")
        reporter.write_line(f"URL coverage: {len(missing)} URL pattern(s) never requested by any test:", red=True)
        for name in missing:
            reporter.write_line(f"  - {name}", red=True)
        session.exitstatus = 1


@pytest.hookimpl(tryfirst=True)  # the markers added here must be there when `-m` deselects
def pytest_collection_modifyitems(config, items):
    """Transactional tests (browser journeys, parallel writers) end with a flush that also deletes
    the rows data migrations created (roles, document categories, the POC industry guide). Like
    Django's own runner, run them after all the others, so no ordinary test sees a flushed database;
    after each flush the reference data is replayed (_reference_data_after_flush)."""

    def group(item) -> int:
        marker = item.get_closest_marker("django_db")
        if marker and marker.kwargs.get("serialized_rollback"):
            return 1  # restores the migrated rows itself, but needs them intact beforehand
        if (marker and marker.kwargs.get("transaction")) or "live_server" in getattr(item, "fixturenames", ()):
            return 2
        return 0

    # Stable: the order within each group is kept, except that the longest test (the schemathesis
    # pass, minutes) starts first, so that under pytest-xdist the other worker runs the rest meanwhile.
    items.sort(key=lambda item: (group(item), item.get_closest_marker("schemathesis") is None))

    # Every test that drives the browser is a `browser` test, marked or not (`make test-pg` leaves
    # them to the SQLite run).
    for item in items:
        if "page" in getattr(item, "fixturenames", ()) and not item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.browser)

    # Under pytest-xdist (--dist loadgroup), the tests of a module that shares a module-scoped
    # fixture (the demo company, collected static files) run on one worker, so it is built once.
    # Transactional tests go to either worker: the flush after each restores the reference data
    # (see _reference_data_after_flush below).
    for item in items:
        defs = getattr(getattr(item, "_fixtureinfo", None), "name2fixturedefs", {})
        if group(item):
            continue
        if any(d.scope == "module" for fixturedefs in defs.values() for d in fixturedefs):
            item.add_marker(pytest.mark.xdist_group(item.module.__name__))


# The opportunity module's own gates, without the workflow modules' ones.
LATER_MODULES = ("presales.discovery.", "presales.solutions.", "presales.demos.", "presales.bids.")


def _later(guard) -> bool:
    return getattr(guard, "__module__", "").startswith(LATER_MODULES)


@pytest.fixture
def foundation_gates():
    """The opportunity module's own tests check its gates' exact reasons. The workflow modules
    (discovery, solutions, demos, bids) add gates of their own to the same table; those are tested in
    their apps, and all of them together by tests/browser/test_workflow_journey.py. `foundation_gates`
    takes the later modules' gates (and research evidence) out for one test and puts them back."""
    from presales.opportunities import workflow

    flow = workflow.opportunity_flow
    saved = {target: list(guards) for target, guards in flow._target_guards.items()}
    evidence = list(workflow.research_evidence)
    for guards in flow._target_guards.values():
        guards[:] = [g for g in guards if not _later(g)]
    workflow.research_evidence[:] = []
    assert any(saved.values()), "the opportunity workflow has no gates registered"
    try:
        yield flow
    finally:
        for target, guards in saved.items():
            flow._target_guards[target][:] = guards
        workflow.research_evidence[:] = evidence
