import pytest


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="session")
def browser_type_launch_args():
    """Debian's Chromium, as tests/browser uses it (pytest-playwright's own browsers are not installed)."""
    return {
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 1440, "height": 1000}}


@pytest.fixture
def seeded(transactional_db):
    """Transactional tests start from an emptied database: re-create the roles and the catalogue."""
    import importlib

    from django.apps import apps

    from presales.accounts.choices import RoleCode
    from presales.accounts.models import Role

    for code in RoleCode.values:
        Role.objects.get_or_create(code=code)
    importlib.import_module("presales.solutions.migrations.0002_section_catalogue").seed(apps, None)
