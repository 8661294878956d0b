"""No write is silently ignored (issue #16 item 6), over every create and update route of the
router: an unknown field → 400 naming it; a read-only field sent with another value → 400 (the
customer's owners point to the reassign action); a GET then a PUT of the same body is not refused
for its read-only fields."""

from __future__ import annotations

import json

import pytest
from django.urls import NoReverseMatch, reverse

from presales.customers.models import Customer
from tests.api.seed import detail_id, seed
from tests.kit import snapshot

pytestmark = pytest.mark.django_db

FIELD_MESSAGES = ("Unknown field", "Read-only", "Changed only by", "未知字段", "只读", "只能通过")


def send(client, method, url, body):
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def _routes():
    from presales.core.api_urls import router

    for prefix, viewset, basename in router.registry:
        yield prefix, viewset, basename


def _url(name, *args):
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


@pytest.fixture
def company(cast, client):
    made = seed(cast)
    client.force_login(cast.manager)
    return made


# Write routes outside the scoped viewsets (which check the fields), with the reason.
NOT_RECORD_WRITES = {
    "kpi-ahp": "a calculator: POST computes AHP weights from a matrix and stores nothing",
    "kpi-rule-try": "a calculator: POST tries a scoring rule on sample values and stores nothing",
}


def test_unknown_fields_are_refused_on_every_create_and_update(cast, client, company):
    from presales.core.api import ScopedViewSet

    creates = updates = 0
    others = set()
    for prefix, viewset, basename in _routes():
        if not issubclass(viewset, ScopedViewSet):
            if hasattr(viewset, "create") or hasattr(viewset, "partial_update"):
                others.add(basename)
            continue
        if hasattr(viewset, "create"):
            url = _url(f"{basename}-list")
            response = send(client, "post", url, {"no_such_field": 1})
            if response.status_code != 405:
                assert response.status_code == 400, f"POST {url}: {response.status_code}"
                assert "no_such_field" in response.json(), f"POST {url}: {response.json()}"
                creates += 1
        pk = detail_id(f"/api/{prefix}/{{id}}/", cast.manager)
        if hasattr(viewset, "partial_update") and pk is not None:
            url = _url(f"{basename}-detail", pk)
            version = getattr(viewset.model._default_manager.get(pk=pk), "version", None)
            response = send(client, "patch", url, {"no_such_field": 1, "version": version})
            if response.status_code not in (403, 405):
                assert response.status_code == 400, f"PATCH {url}: {response.status_code}"
                assert "no_such_field" in response.json(), f"PATCH {url}: {response.json()}"
                updates += 1
    assert creates >= 40 and updates >= 20, (creates, updates)
    assert others == set(NOT_RECORD_WRITES), others


def test_get_then_put_the_same_body_is_not_refused_for_read_only_fields(cast, client, company):
    tried = 0
    for prefix, viewset, basename in _routes():
        pk = detail_id(f"/api/{prefix}/{{id}}/", cast.manager)
        if not hasattr(viewset, "update") or pk is None:
            continue
        url = _url(f"{basename}-detail", pk)
        shown = client.get(url, HTTP_ACCEPT="application/json")
        if shown.status_code != 200:
            continue
        response = send(client, "put", url, shown.json())
        if response.status_code in (403, 405):
            continue
        text = response.content.decode()
        assert not any(m in text for m in FIELD_MESSAGES), f"PUT {url}: {text[:600]}"
        assert response.status_code in (200, 400, 409, 428), f"PUT {url}: {response.status_code} {text[:300]}"
        tried += 1
    assert tried >= 15, tried


def test_an_action_only_field_points_to_its_action(cast, client, company):
    customer = company["customer"]
    url = reverse("customer-detail", args=[customer.pk])
    before = snapshot(Customer)
    response = send(client, "patch", url, {"presales_owner": cast.engineer_a2.pk, "version": customer.version})
    assert response.status_code == 400, response.content
    assert "reassign" in response.json()["presales_owner"][0]
    response = send(client, "patch", url, {"version": 99, "version_x": 1, "status": customer.status})
    assert response.status_code == 400 and "version_x" in response.json()
    assert snapshot(Customer) == before
    # the same owner sent back is no change: accepted
    response = send(client, "patch", url, {"presales_owner": cast.engineer_a.pk, "profile": "新简介",
                                           "version": customer.version})
    assert response.status_code == 200, response.content
