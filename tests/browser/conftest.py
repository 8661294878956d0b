"""Playwright with Debian's Chromium (pytest-playwright's own browsers are not installed here)."""

import pytest


@pytest.fixture(scope="session")
def browser_type_launch_args():
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
    # The users of this product read Chinese: the browser asks for it like theirs do.
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 1440, "height": 1000}}


@pytest.fixture
def roles(transactional_db):
    """Transactional tests start from an emptied database: the roles (a data migration) may be gone."""
    from presales.accounts.choices import RoleCode
    from presales.accounts.models import Role

    for code in RoleCode.values:
        Role.objects.get_or_create(code=code)


@pytest.fixture(autouse=True)
def no_csp_violation_or_script_error(request):
    """Every browser journey also checks the Content-Security-Policy (no `unsafe-inline` scripts,
    issue 14): a script or style the policy refuses, or a JavaScript error, fails the test that met
    it. htmx, the charts and the forms keep working under the policy because nothing is refused."""
    if "page" not in request.fixturenames:
        yield []
        return
    page = request.getfixturevalue("page")
    problems: list[str] = []

    def on_console(message):
        text = message.text
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            problems.append(f"CSP: {text} ({page.url})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"script error: {error} ({page.url})"))
    yield problems
    if request.node.get_closest_marker("csp_violation_expected") is None:
        assert not problems, "\n".join(problems)
