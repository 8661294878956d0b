import os

import pytest

from tests.kit import EXERCISED_URL_NAMES, URL_COVERAGE_EXEMPT, all_url_names, build_cast

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


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


def pytest_sessionfinish(session, exitstatus):
    if exitstatus != 0 or not _whole_suite(session.config) or os.environ.get("SKIP_URL_COVERAGE"):
        return
    import django

    if not django.apps.apps.ready:
        return
    missing = sorted(all_url_names() - EXERCISED_URL_NAMES - URL_COVERAGE_EXEMPT)
    if missing:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        reporter.write_line("")
        reporter.write_line(f"URL coverage: {len(missing)} URL pattern(s) never requested by any test:", red=True)
        for name in missing:
            reporter.write_line(f"  - {name}", red=True)
        session.exitstatus = 1


def pytest_collection_modifyitems(config, items):
    """Transactional tests (browser journeys, parallel writers) end with a flush that also deletes
    the rows data migrations created (roles, document categories, the POC industry guide). Like
    Django's own runner, run them after all the others, so no ordinary test sees a flushed database;
    the transactional tests re-create the seeded rows they need (see tests/browser/conftest.py)."""

    def group(item) -> int:
        marker = item.get_closest_marker("django_db")
        if marker and marker.kwargs.get("serialized_rollback"):
            return 1  # restores the migrated rows itself, but needs them intact beforehand
        if (marker and marker.kwargs.get("transaction")) or "live_server" in getattr(item, "fixturenames", ()):
            return 2
        return 0

    items.sort(key=group)  # stable: the order within each group is kept
