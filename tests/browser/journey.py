"""Steps shared by the browser journeys."""

import re

from playwright.sync_api import expect

PASSWORD = "pw-123456"  # the factories' password (tests.factories.make_user)


def login(page, base, username, password=PASSWORD):
    """Log in through the login page as a user would (any earlier session dropped first)."""
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.locator("form:has(input[name=password]) button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
