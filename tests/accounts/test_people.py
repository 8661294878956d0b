import pytest
from django.urls import reverse

from tests.kit import assert_constant_queries, check_access

pytestmark = pytest.mark.django_db


def test_people_directory(client, cast):
    url = reverse("accounts:people")
    check_access(client, cast, url, permitted=["manager", "engineer_b", "nobody"])
    client.force_login(cast.engineer_b)
    body = client.get(url, {"team": cast.team_a.pk}).content.decode()
    assert "<td>张工</td>" in body and "<td>陈工</td>" not in body


def test_people_directory_queries_constant(client, cast):
    from presales.accounts.choices import RoleCode
    from tests.factories import make_user

    client.force_login(cast.manager)
    assert_constant_queries(client, reverse("accounts:people"),
                            lambda: [make_user(RoleCode.SALES, RoleCode.PRESALES_ENGINEER) for _ in range(10)])


def test_profile(client, cast):
    check_access(client, cast, reverse("accounts:profile"), permitted=["nobody", "manager"])


def test_users_and_teams_api(client, cast):
    check_access(client, cast, reverse("user-list"), api=True, permitted=["nobody", "manager"])
    check_access(client, cast, reverse("user-detail", args=[cast.engineer_a.pk]), api=True, permitted=["nobody"])
    check_access(client, cast, reverse("team-list"), api=True, permitted=["engineer_a"])
    check_access(client, cast, reverse("team-detail", args=[cast.team_a.pk]), api=True, permitted=["engineer_a"])
    client.force_login(cast.manager)
    data = client.get(reverse("user-list"), {"role": "sales"}).json()
    assert [u["username"] for u in data["results"]] == ["sales_a"]
    assert client.post(reverse("user-list"), {}, content_type="application/json").status_code == 405


def test_user_api_queries_constant(client, cast):
    from presales.accounts.choices import RoleCode
    from tests.factories import make_user

    client.force_login(cast.manager)
    assert_constant_queries(client, reverse("user-list"), lambda: [make_user(RoleCode.SALES) for _ in range(10)], api=True)
