"""Regression tests for each class of cause of the former 500s (issue #14):

1. a JSON body that is not an object (`null`, a list, a number) where views read `request.data.get`;
2. a `version` that is not a whole number (an object, letters, a float, a bool) reaching `int()`;
3. a serializer treating as optional what its service requires (TypeError);
4. a serializer field passed to a service under another name (`version` vs `expected_version`).

Each is answered by 400 with a field message (or the action succeeds), and changes nothing."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from presales.appraisal.models import Appraisal
from presales.appraisal.models import Cycle as AppraisalCycle
from presales.customers.models import Customer, OwnershipChange
from tests.api.seed import seed
from tests.kit import snapshot

pytestmark = pytest.mark.django_db


def send(client, method, url, body, **headers):
    raw = body if isinstance(body, str) else json.dumps(body)
    return getattr(client, method)(url, raw, content_type="application/json", **headers)


@pytest.fixture
def company(cast, client):
    made = seed(cast)
    client.force_login(cast.manager)
    return made


def _updatable_routes():
    from presales.core.api_urls import router

    for prefix, viewset, basename in router.registry:
        if hasattr(viewset, "partial_update"):
            yield prefix, viewset, basename


def test_every_update_refuses_a_body_that_is_not_an_object(cast, client, company):
    from tests.api.seed import detail_id

    tried = 0
    for prefix, viewset, basename in _updatable_routes():
        pk = detail_id(f"/api/{prefix}/{{id}}/", cast.manager)
        if pk is None:
            continue
        url = reverse(f"{basename}-detail", args=[pk])
        for method in ("patch", "put"):
            for body in ("null", "[]", "[1, 2]", "3", '"text"'):
                response = send(client, method, url, body)
                if response.status_code == 405:  # this route has no such method
                    break
                assert response.status_code == 400, f"{method.upper()} {url} {body}: {response.status_code}"
                assert response.json()["non_field_errors"], response.json()
                tried += 1
    assert tried >= 30 * 10, tried


def test_token_and_actions_refuse_a_list_body(cast, client, company):
    assert send(client, "post", "/api/auth/token/", [{"username": "manager"}]).status_code == 400
    appraisal = Appraisal.objects.order_by("pk").first()
    for action in ("acknowledge", "publish", "appeal", "move"):
        response = send(client, "post", f"/api/appraisals/{appraisal.pk}/{action}/", ["x"])
        assert response.status_code == 400, (action, response.status_code)
        assert "non_field_errors" in response.json()


@pytest.mark.parametrize("version", [{"n": 1}, "abc", 1.5, True, [1], -1, 2**40, "1.0"])
def test_a_version_that_is_not_a_whole_number_is_a_field_error(cast, client, company, version):
    cycle = AppraisalCycle.objects.order_by("pk").first()
    customer = company["customer"]
    before = snapshot(AppraisalCycle, Customer)
    for method, url, body in [
        ("post", f"/api/appraisal-cycles/{cycle.pk}/close/", {"version": version}),
        ("post", f"/api/appraisal-cycles/{cycle.pk}/open/", {"version": version}),
        ("patch", f"/api/customers/{customer.pk}/", {"version": version, "name": "改名"}),
        ("post", f"/api/technical-issues/{company['technical_issue'].pk}/resolve/",
         {"version": version, "resolution": "已解决"}),
    ]:
        response = send(client, method, url, body)
        assert response.status_code == 400, f"{method} {url} {version!r}: {response.status_code}"
        payload = response.json()
        assert "version" in payload.get("errors", payload), payload
    response = send(client, "patch", f"/api/customers/{customer.pk}/", {"name": "改名"}, HTTP_IF_MATCH='"abc"')
    assert response.status_code == 400 and "version" in response.json()["errors"]
    assert snapshot(AppraisalCycle, Customer) == before


def test_whole_versions_still_work(cast, client, company):
    customer = company["customer"]
    for version in (customer.version, str(customer.version + 1)):
        response = send(client, "patch", f"/api/customers/{customer.pk}/", {"version": version, "profile": f"v{version}"})
        assert response.status_code == 200, response.content
    response = send(client, "patch", f"/api/customers/{customer.pk}/", {"profile": "x"},
                    HTTP_IF_MATCH=f'W/"{customer.version + 2}"')
    assert response.status_code == 200, response.content


def test_what_the_service_requires_is_required_or_defaulted(cast, client, company):
    # a training without `kind`: the model's default kind, as on the page
    response = send(client, "post", "/api/talent-trainings/",
                    {"title": "储能产品培训", "held_on": "2026-11-02", "trainer": cast.manager.pk})
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "internal"
    # a POC criterion without `pass_level`: the service's own field message
    response = send(client, "post", "/api/poc-criteria/", {"poc": company["poc"].pk, "name": "响应时间", "unit": "ms",
                                                          "direction": "lower"})
    assert response.status_code == 400, response.content
    assert "pass_level" in response.json().get("errors", response.json())


def test_reassign_takes_the_version_its_schema_documents(cast, client, company):
    customer = company["customer"]
    body = {"kind": "presales", "to_user": cast.engineer_a2.pk, "reason": "工作调整", "version": customer.version + 5}
    response = send(client, "post", f"/api/customers/{customer.pk}/reassign/", body)
    assert response.status_code == 412, response.content
    assert not OwnershipChange.objects.exists()
    body["version"] = customer.version
    response = send(client, "post", f"/api/customers/{customer.pk}/reassign/", body)
    assert response.status_code == 201, response.content
    customer.refresh_from_db()
    assert customer.presales_owner == cast.engineer_a2


def test_no_api_view_parses_json_without_the_object_check():
    """Every API view and action parses JSON with ObjectJSONParser (a view that names DRF's plain
    JSONParser in its parser_classes would let `null` or a list reach its code again)."""
    from django.urls import URLPattern, URLResolver, get_resolver
    from rest_framework.parsers import JSONParser

    from presales.core.parsers import ObjectJSONParser

    def views(patterns):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from views(p.url_patterns)
            elif isinstance(p, URLPattern):
                yield p

    checked = 0
    for pattern in views(get_resolver().url_patterns):
        cls = getattr(pattern.callback, "cls", None)
        if cls is None or not hasattr(cls, "parser_classes"):
            continue
        parser_sets = [cls.parser_classes]
        for name in (getattr(pattern.callback, "actions", None) or {}).values():
            handler = getattr(cls, name, None)
            parser_sets.append(getattr(handler, "kwargs", {}).get("parser_classes", ()))
        for parsers in parser_sets:
            for parser in parsers:
                assert not (issubclass(parser, JSONParser) and not issubclass(parser, ObjectJSONParser)), (
                    f"{pattern.pattern} ({cls.__name__}) parses JSON with {parser.__name__}"
                )
        checked += 1
    assert checked > 100, checked
