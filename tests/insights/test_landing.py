"""The first page after login depends on the role (SPEC §8), decided in one place (insights.views.home),
and the grouped top navigation shows the current place."""

import pytest
from django.urls import reverse

from presales.accounts.choices import RoleCode
from tests.factories import make_user
from tests.factories.appraisal import make_committee

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "who, target",
    [
        ("manager", "insights:dashboard"),
        ("lead_a", "insights:dashboard"),
        ("engineer_a", "insights:my_work"),
        ("sales_a", "support:list"),
        ("nobody", "insights:my_work"),
    ],
)
def test_landing_page_by_role(client, cast, who, target):
    client.force_login(getattr(cast, who))
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse(target)


def test_committee_lands_on_the_dashboard(client, cast):
    client.force_login(make_committee())
    assert client.get(reverse("home"))["Location"] == reverse("insights:dashboard")


def test_login_goes_to_the_landing_page(client, cast):
    user = make_user(RoleCode.SALES, username="xiao_li")
    response = client.post(reverse("accounts:login"), {"username": "xiao_li", "password": "pw-123456"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("support:list")
    assert response.context["user"] == user


def test_anonymous_home_goes_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_navigation_groups_and_current_place(client, cast):
    client.force_login(cast.manager)
    response = client.get(reverse("poc:list"))
    groups = response.context["nav_groups"]
    keys = [g["key"] for g in groups]
    assert keys[:3] == ["workbench", "sales", "process"] and len(groups) >= 5
    process = next(g for g in groups if g["key"] == "process")
    assert process["active"] and [i["active"] for i in process["items"]].count(True) == 1
    assert response.context["nav_current"] == "process"
    body = response.content.decode()
    assert 'data-nav-group="process"' in body and 'aria-current="page"' in body
    # Every module of the old flat bar is still reachable.
    urls = {i["url"] for g in groups for i in g["items"]}
    for name in ["insights:my_work", "insights:dashboard", "customers:list", "opportunities:list", "discovery:list",
                 "solutions:list", "demos:list", "poc:list", "bids:list", "support:list", "documents:list",
                 "appraisal:list", "kpi:indicator_list", "talent:daily_report_list", "accounts:people"]:
        assert reverse(name) in urls, name
    # The unread badge sits outside the collapsing menu (visible on a phone).
    assert body.index('data-testid="inbox-link"') < body.index('id="mainnav"')


def test_dashboard_item_only_for_those_who_may_open_it(client, cast):
    client.force_login(cast.engineer_a)
    response = client.get(reverse("insights:my_work"))
    urls = {i["url"] for g in response.context["nav_groups"] for i in g["items"]}
    assert reverse("insights:dashboard") not in urls and reverse("insights:my_work") in urls
    workbench = response.context["nav_groups"][0]
    assert workbench["active"] and workbench["items"][0]["active"]


