"""Knowledge API: scoped list and detail, create/update with ETag/If-Match, publish / retire / cite
actions, refusals with field errors."""

import pytest
from django.urls import reverse

from presales.knowledge.models import Article, Citation
from tests.kit import assert_refused, check_access

pytestmark = pytest.mark.django_db
EVERYONE = ["manager", "lead_a", "engineer_a", "engineer_a2", "sales_a", "engineer_b", "nobody"]


def post(client, url, data=None, **headers):
    return client.post(url, data or {}, content_type="application/json", **headers)


def test_list_and_detail_scope(client, cast, article, draft, secret):
    url = reverse("knowledge-article-list")
    check_access(client, cast, url, permitted=EVERYONE, api=True)
    client.force_login(cast.engineer_b)
    ids = {row["id"] for row in client.get(url, HTTP_ACCEPT="application/json").json()["results"]}
    assert ids == {article.pk}
    check_access(client, cast, reverse("knowledge-article-detail", args=[secret.pk]), permitted=["engineer_a", "lead_a"],
                 hidden=["manager", "engineer_a2", "engineer_b", "nobody"], api=True)
    client.force_login(cast.engineer_a)
    response = client.get(reverse("knowledge-article-detail", args=[article.pk]), HTTP_ACCEPT="application/json")
    assert response["ETag"] == f'"{article.version}"' and "<h2>背景</h2>" in response.json()["body_html"]


def test_create_update_with_versions(client, cast):
    url = reverse("knowledge-article-list")
    check_access(client, cast, url, method="post", data={"kind": "faq", "title": "t", "body": "b"},
                 permitted=["engineer_a"], forbidden=["nobody"], api=True)
    client.force_login(cast.engineer_a)
    response = post(client, url, {"kind": "faq", "title": "储能FAQ", "body": "内容", "tags": ["BMS", "储能"],
                                  "industry": "energy_storage", "access_level": "team"})
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    detail = reverse("knowledge-article-detail", args=[pk])
    assert client.patch(detail, {"title": "x"}, content_type="application/json").status_code == 428
    assert client.patch(detail, {"title": "x"}, content_type="application/json", HTTP_IF_MATCH='"9"').status_code == 412
    response = client.patch(detail, {"title": "储能FAQ（新）", "tags": ["faq"]}, content_type="application/json",
                            HTTP_IF_MATCH='"1"')
    assert response.status_code == 200 and response.json()["tags"] == ["faq"] and response["ETag"] == '"2"'
    check_access(client, cast, detail, method="patch", data={"title": "y", "version": 99},
                 permitted=[], forbidden=["engineer_a2", "sales_a"], hidden=["engineer_b", "nobody"], api=True)


@pytest.mark.parametrize(
    "bad, field",
    [
        ({"kind": "blog"}, "kind"),
        ({"title": ""}, "title"),
        ({"body": ""}, "body"),
        ({"body": "x" * 100_001}, "body"),
        ({"access_level": "secret"}, "access_level"),
        ({"industry": "mining"}, "industry"),
        ({"tags": [f"t{i}" for i in range(13)]}, "tags"),
        ({"opportunity": 999999}, "opportunity"),
    ],
)
def test_create_refuses_malformed_articles(client, cast, bad, field):
    client.force_login(cast.engineer_a)
    good = {"kind": "faq", "title": "t", "body": "b"}
    assert_refused(client, reverse("knowledge-article-list"), {**good, **bad}, fields=[field], models=[Article],
                   api=True)


def test_publish_retire_cite_actions(client, cast, draft):
    from tests.factories.poc import make_opportunity

    publish = reverse("knowledge-article-publish", args=[draft.pk])
    client.force_login(cast.engineer_a)
    assert post(client, publish, {"version": draft.version}).status_code == 403
    check_access(client, cast, publish, method="post", data={"version": 99}, permitted=[],
                 forbidden=["engineer_a"], hidden=["engineer_b", "nobody"], api=True)
    client.force_login(cast.lead_a)
    assert post(client, publish, {}).status_code == 428
    response = post(client, publish, {"version": draft.version, "note": "ok"})
    assert response.status_code == 200 and response.json()["status"] == "published"
    assert post(client, publish, {"version": response.json()["version"]}).status_code == 409
    cite = reverse("knowledge-article-cite", args=[draft.pk])
    opportunity = make_opportunity(cast)
    check_access(client, cast, cite, method="post", data={"opportunity": opportunity.pk},
                 permitted=["engineer_a", "manager"], forbidden=["nobody"], api=True, ok=(201,))
    client.force_login(cast.engineer_b)
    assert_refused(client, cite, {"opportunity": opportunity.pk}, fields=["opportunity"], models=[Citation], api=True)
    assert_refused(client, cite, {}, fields=["opportunity"], models=[Citation], api=True)
    retire = reverse("knowledge-article-retire", args=[draft.pk])
    draft.refresh_from_db()
    client.force_login(cast.engineer_a)
    assert_refused(client, retire, {"version": draft.version}, fields=["reason"], models=[Article], api=True)
    check_access(client, cast, retire, method="post", data={"version": draft.version, "reason": "过时"},
                 permitted=["engineer_a"], forbidden=["engineer_a2", "engineer_b", "nobody"], api=True)
