"""Fixtures of the KPI tests; the browser ones mirror tests/browser/conftest.py (Debian's Chromium)."""

import pytest


@pytest.fixture(scope="session")
def browser_type_launch_args():
    return {
        "executable_path": "/usr/bin/chromium",
        "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 1440, "height": 1000}}


@pytest.fixture
def roles(transactional_db):
    """Transactional tests start from an emptied database: the roles (a data migration) may be gone."""
    from presales.accounts.choices import RoleCode
    from presales.accounts.models import Role

    for code in RoleCode.values:
        Role.objects.get_or_create(code=code)
