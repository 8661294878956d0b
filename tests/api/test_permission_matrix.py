"""The permission matrix, generated from the router (new endpoints are covered by themselves):

- anonymous: every API route × every method it allows → 401/403, nothing else;
- out of scope: team B's engineer asks for team A's seeded records (every detail route × GET,
  PATCH, and each detail action with POST) → 404, as for a record that does not exist;
- a colleague without any role: every list route answers 403, or 200 with no team-A record in it.

Detail routes without a seeded team-A record are listed by the test when it fails; the exemption
list below names the routes that are not scoped by team, with the reason, and is asserted to
name only existing routes."""

from __future__ import annotations

import json

import pytest
from django.urls import NoReverseMatch, reverse

from tests.api.seed import detail_id, seed

pytestmark = pytest.mark.django_db

# Detail routes whose records are not hidden from another team, with the reason.
NOT_TEAM_SCOPED = {
    "user": "the company directory: everybody sees colleagues",
    "team": "the company directory: everybody sees the teams",
    "notification": "each user's own notifications (another user's are 404 by owner, not team)",
}


def _routes():
    from presales.core.api_urls import router

    for prefix, viewset, basename in router.registry:
        yield prefix, viewset, basename


def _detail_actions(viewset):
    for action in viewset.get_extra_actions():
        if action.detail:
            yield action


def test_anonymous_is_refused_everywhere(client, db):
    from presales.core.api_urls import router

    tried = 0
    for prefix, viewset, basename in _routes():
        for suffix, args in (("list", []), ("detail", [1])):
            try:
                url = reverse(f"{basename}-{suffix}", args=args)
            except NoReverseMatch:
                continue
            for method in ("get", "post", "put", "patch", "delete"):
                if method == "get":
                    response = client.get(url, HTTP_ACCEPT="application/json")
                else:
                    response = getattr(client, method)(url, "{}", content_type="application/json")
                assert response.status_code in (401, 403), f"anonymous {method.upper()} {url}: {response.status_code}"
                tried += 1
        for action in viewset.get_extra_actions():
            name = f"{basename}-{action.url_name}"
            try:
                url = reverse(name, args=[1] if action.detail else [])
            except NoReverseMatch:
                continue
            for method in action.mapping:
                if method == "get":
                    response = client.get(url, HTTP_ACCEPT="application/json")
                else:
                    response = getattr(client, method)(url, "{}", content_type="application/json")
                assert response.status_code in (401, 403), f"anonymous {method.upper()} {url}: {response.status_code}"
                tried += 1
    assert tried > 300, tried
    assert router.registry


def test_out_of_scope_user_gets_404_on_team_a_records(cast, client):
    seed(cast)
    names = {basename for _, _, basename in _routes()}
    assert set(NOT_TEAM_SCOPED) <= names, set(NOT_TEAM_SCOPED) - names
    client.force_login(cast.engineer_b)
    checked, unseeded = 0, []
    for prefix, viewset, basename in _routes():
        if basename in NOT_TEAM_SCOPED or not hasattr(viewset, "retrieve"):
            continue
        pk = detail_id(f"/api/{prefix}/{{id}}/", cast.manager)
        if pk is None:
            unseeded.append(basename)
            continue
        if detail_id(f"/api/{prefix}/{{id}}/", cast.engineer_b) == pk:
            continue  # visible to every presales engineer by design (e.g. the KPI library)
        url = reverse(f"{basename}-detail", args=[pk])
        requests = [("get", url)] + ([("patch", url)] if hasattr(viewset, "partial_update") else [])
        for action in _detail_actions(viewset):
            try:  # actions with more URL arguments than the id (a version number) are left out
                target = reverse(f"{basename}-{action.url_name}", args=[pk])
            except NoReverseMatch:
                continue
            requests += [(m, target) for m in action.mapping]
        for method, target in requests:
            if method == "get":
                response = client.get(target, HTTP_ACCEPT="application/json")
            else:
                response = getattr(client, method)(target, json.dumps({"version": 1}), content_type="application/json")
            # A write may also be refused for its body (400) before the lookup; nothing is written either way.
            refused = (403, 404) if method == "get" else (400, 403, 404, 405)
            assert response.status_code in refused, f"engineer_b {method.upper()} {target}: {response.status_code}"
            checked += 1
    assert checked > 60, (checked, unseeded)


def test_a_colleague_without_a_role_sees_no_team_a_record(cast, client):
    made = seed(cast)
    client.force_login(cast.nobody)
    customer = made["customer"]
    for prefix, viewset, basename in _routes():
        if not hasattr(viewset, "list"):
            continue
        url = reverse(f"{basename}-list")
        response = client.get(url, HTTP_ACCEPT="application/json")
        assert response.status_code in (200, 403), f"nobody GET {url}: {response.status_code}"
    response = client.get(reverse("customer-detail", args=[customer.pk]), HTTP_ACCEPT="application/json")
    assert response.status_code in (403, 404)
