"""The REST API: same rules as the pages, ETag/If-Match, review actions, query counts."""

import pytest

from presales.solutions.models import SectionTemplate, Solution, SolutionSection
from tests.factories.solutions import (
    TEXT,
    approve_all_levels,
    decide,
    make_opportunity,
    make_solution,
    passed_solution,
    reviewers,
    submit,
)
from tests.kit import assert_constant_queries, assert_refused, check_access

pytestmark = pytest.mark.django_db
JSON = "application/json"
VISIBLE = ["manager", "lead_a", "engineer_a", "engineer_a2", "sales_a"]
HIDDEN = ["engineer_b", "nobody"]


def api(path=""):
    return f"/api/{path}"


def post(client, path, data, version=None):
    headers = {"HTTP_IF_MATCH": f'"{version}"'} if version is not None else {}
    return client.post(api(path), data, content_type=JSON, **headers)


@pytest.fixture
def solution(cast):
    return make_solution(cast)


def test_list_detail_access_and_etag(client, cast, solution):
    check_access(client, cast, api("solutions/"), permitted=[*VISIBLE, *HIDDEN], api=True)
    check_access(client, cast, api(f"solutions/{solution.pk}/"), permitted=VISIBLE, hidden=HIDDEN, api=True)
    client.force_login(cast.engineer_b)
    assert client.get(api("solutions/")).json()["count"] == 0
    client.force_login(cast.engineer_a)
    response = client.get(api(f"solutions/{solution.pk}/"))
    assert response["ETag"] == f'"{solution.version}"' and response.json()["completeness"] == 100


def test_list_query_count(client, cast, solution):
    client.force_login(cast.manager)
    assert_constant_queries(
        client, api("solutions/"), lambda: [make_solution(cast) for _ in range(3)], api=True
    )
    submit(solution)
    assert_constant_queries(client, api("solution-rounds/"), lambda: submit(make_solution(cast)), api=True)
    assert_constant_queries(client, api("solution-sections/"), lambda: make_solution(cast), api=True)
    assert_constant_queries(client, api("solution-versions/"), lambda: submit(make_solution(cast)), api=True)


def test_create_update_and_bad_input(client, cast):
    opportunity = make_opportunity(cast, stage="solution")
    people = reviewers(cast)
    client.force_login(cast.engineer_a)
    response = client.post(
        api("solutions/"),
        {"opportunity": opportunity.pk, "title": "API方案", "reviewer_1": people["reviewer_1"].pk},
        content_type=JSON,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["author"] == cast.engineer_a.pk and body["is_current"] and body["status"] == "draft"
    assert_refused(
        client,
        api("solutions/"),
        {"opportunity": opportunity.pk, "title": "", "reviewer_3": cast.engineer_a2.pk},
        fields=["title"],
        models=[Solution],
        api=True,
    )
    assert_refused(
        client,
        api("solutions/"),
        {"opportunity": opportunity.pk, "title": "x", "reviewer_3": cast.engineer_a2.pk},
        fields=["reviewer_3"],
        models=[Solution],
        api=True,
    )
    pk = body["id"]
    assert client.patch(api(f"solutions/{pk}/"), {"title": "新"}, content_type=JSON).status_code == 428
    ok = client.patch(api(f"solutions/{pk}/"), {"title": "新标题"}, content_type=JSON, HTTP_IF_MATCH='"1"')
    assert ok.status_code == 200 and ok["ETag"] == '"2"'
    stale = client.patch(api(f"solutions/{pk}/"), {"title": "旧"}, content_type=JSON, HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412 and Solution.objects.get(pk=pk).title == "新标题"
    client.force_login(cast.sales_a)
    assert (
        client.patch(
            api(f"solutions/{pk}/"), {"title": "销售改"}, content_type=JSON, HTTP_IF_MATCH='"2"'
        ).status_code
        == 403
    )


def test_sections_endpoint_and_stale_section(client, cast, solution):
    client.force_login(cast.engineer_a)
    sections = client.get(api(f"solutions/{solution.pk}/sections/")).json()
    assert sections[0]["code"] == "overview" and sections[0]["required"]
    section = SolutionSection.objects.get(pk=sections[0]["id"])
    url = api(f"solution-sections/{section.pk}/")
    assert client.get(url)["ETag"] == f'"{section.version}"'
    ok = client.patch(
        url, {"content": TEXT + "补充"}, content_type=JSON, HTTP_IF_MATCH=f'"{section.version}"'
    )
    assert ok.status_code == 200 and ok.json()["content"].endswith("补充")
    stale = client.patch(url, {"content": "覆盖"}, content_type=JSON, HTTP_IF_MATCH=f'"{section.version}"')
    assert stale.status_code == 412
    completeness = client.get(api(f"solutions/{solution.pk}/completeness/")).json()
    assert completeness["score"] == 100 and completeness["missing"] == []
    client.force_login(cast.engineer_b)
    assert client.get(url).status_code == 404


def test_review_actions_through_the_api(client, cast, solution):
    client.force_login(cast.engineer_a)
    response = post(client, f"solutions/{solution.pk}/submit/", {}, solution.version)
    assert response.status_code == 200 and response.json()["status"] == "in_review"
    version = response.json()["version"]
    client.force_login(cast.lead_a)  # not the level-1 reviewer
    assert post(client, f"solutions/{solution.pk}/approve/", {}, version).status_code == 403
    client.force_login(cast.engineer_a2)
    assert post(client, f"solutions/{solution.pk}/return/", {"comments": ""}, version).json()["errors"] == {
        "comments": ["请说明需要修改什么：退回方案必须填写意见。"]
    }
    assert post(client, f"solutions/{solution.pk}/approve/", {}).status_code == 428
    response = post(client, f"solutions/{solution.pk}/approve/", {"comments": "同意"}, version)
    assert response.status_code == 200 and response.json()["current_level"] == 2
    assert post(client, f"solutions/{solution.pk}/approve/", {}, version).status_code in (403, 412)
    client.force_login(cast.lead_a)
    response = post(
        client, f"solutions/{solution.pk}/return/", {"comments": "补充部署模型"}, response.json()["version"]
    )
    assert response.json()["status"] == "returned" and response.json()["first_pass"] is False
    client.force_login(cast.engineer_a)
    refused = post(client, f"solutions/{solution.pk}/resubmit/", {}, response.json()["version"])
    assert refused.status_code == 400 and "change_summary" in refused.json()["errors"]
    response = post(
        client,
        f"solutions/{solution.pk}/resubmit/",
        {"change_summary": "补充部署模型"},
        response.json()["version"],
    )
    assert response.status_code == 200 and response.json()["rounds_count"] == 2
    rounds = client.get(api(f"solutions/{solution.pk}/rounds/")).json()
    assert [r["outcome"] for r in rounds] == ["pending", "returned"] and rounds[1]["returned_level"] == 2
    listed = client.get(api(f"solution-rounds/?solution={solution.pk}")).json()
    assert listed["count"] == 2
    first = listed["results"][0]
    assert client.get(api(f"solution-rounds/{first['id']}/")).json() == first
    client.force_login(cast.engineer_b)
    assert client.get(api(f"solution-rounds/{first['id']}/")).status_code == 404
    client.force_login(cast.engineer_a)
    solution = approve_all_levels(cast, solution)
    client.force_login(cast.manager)
    version = solution.version
    for department in ("technical", "quality", "marketing", "business"):
        response = post(
            client,
            f"solutions/{solution.pk}/departments/",
            {"department": department, "decision": "agree"},
            version,
        )
        assert response.status_code == 200, response.content
        version = response.json()["version"]
    assert response.json()["status"] == "passed"
    bad = post(
        client, f"solutions/{solution.pk}/departments/", {"department": "legal", "decision": "agree"}, version
    )
    assert bad.status_code == 400 and "department" in bad.json()
    client.force_login(cast.engineer_a)
    refused = post(client, f"solutions/{solution.pk}/revise/", {"reason": ""}, version)
    assert refused.status_code == 400
    response = post(client, f"solutions/{solution.pk}/revise/", {"reason": "范围调整"}, version)
    assert response.json()["status"] == "draft"


def test_submit_refused_lists_reasons(client, cast):
    solution = make_solution(cast, fill=False, with_reviewers=False)
    client.force_login(cast.engineer_a)
    response = post(client, f"solutions/{solution.pk}/submit/", {}, solution.version)
    assert response.status_code == 409 and len(response.json()["reasons"]) == 4


def test_versions_diff_export_progress_first_pass(client, cast, solution):
    submit(solution)
    decide(solution, cast.engineer_a2, "returned", "补充")
    submit(solution, summary="补充")
    client.force_login(cast.sales_a)
    versions = client.get(api(f"solution-versions/?solution={solution.pk}")).json()["results"]
    assert [v["number"] for v in versions] == [2, 1]
    assert client.get(api(f"solution-versions/{versions[0]['id']}/")).status_code == 200
    diff = client.get(api(f"solutions/{solution.pk}/diff/?a=1&b=2")).json()
    assert {row["code"] for row in diff} >= {"overview", "budget"}
    assert client.get(api(f"solutions/{solution.pk}/diff/?a=1&b=9")).status_code == 400
    export = client.get(api(f"solutions/{solution.pk}/export/?version=2"))
    assert export.status_code == 200 and export.content[:2] == b"PK"
    assert client.get(api(f"solutions/{make_solution(cast).pk}/export/")).status_code == 404
    other = passed_solution(cast)
    progress = client.get(
        api(f"solutions/progress/?ids={solution.opportunity_id},{other.opportunity_id},x")
    ).json()
    assert progress == sorted(
        [
            {"opportunity": solution.opportunity_id, "progress": "in_review"},
            {"opportunity": other.opportunity_id, "progress": "passed"},
        ],
        key=lambda r: r["opportunity"],
    )
    rows = client.get(api("solutions/first-pass/")).json()
    assert rows == [
        {"author_id": cast.engineer_a.pk, "author": "张工", "reviewed": 2, "first_pass": 1, "rate": 0.5}
    ]
    assert client.get(api("solutions/first-pass/?start=2999-01-01T00:00:00Z")).json() == []
    assert client.get(api("solutions/first-pass/?start=nonsense")).status_code == 400
    client.force_login(cast.engineer_b)
    assert client.get(api("solutions/first-pass/")).json() == []


def test_catalogue_api(client, cast):
    template = SectionTemplate.objects.get(code="overview")
    check_access(client, cast, api("solution-catalogue/"), permitted=[*VISIBLE, *HIDDEN], api=True)
    client.force_login(cast.engineer_a)
    assert (
        client.post(api("solution-catalogue/"), {"code": "x", "title": "x"}, content_type=JSON).status_code
        == 403
    )
    client.force_login(cast.manager)
    response = client.post(
        api("solution-catalogue/"),
        {"code": "risks", "title": "风险", "required": False, "position": 75},
        content_type=JSON,
    )
    assert response.status_code == 201
    assert_refused(
        client,
        api("solution-catalogue/"),
        {"code": "overview", "title": "重复"},
        fields=["code"],
        models=[SectionTemplate],
        api=True,
    )
    ok = client.patch(
        api(f"solution-catalogue/{template.pk}/"),
        {"guidance": "新指引"},
        content_type=JSON,
        HTTP_IF_MATCH=f'"{template.version}"',
    )
    assert ok.status_code == 200 and ok.json()["guidance"] == "新指引"


def test_make_current(client, cast):
    """Of an opportunity's solutions one is current; make-current moves the mark (and needs the
    version, as every write)."""
    opportunity = make_opportunity(cast, stage="solution")
    first = make_solution(cast, opportunity=opportunity, title="方案一")
    second = make_solution(cast, opportunity=opportunity, title="方案二")
    first.refresh_from_db()
    second.refresh_from_db()
    current_before = {s.pk for s in Solution.objects.filter(opportunity=opportunity, is_current=True)}
    assert len(current_before) == 1
    target = second if first.pk in current_before else first
    other = first if target is second else second
    client.force_login(cast.engineer_b)  # another team: the solution does not exist for them
    assert post(client, f"solutions/{target.pk}/make-current/", {}, target.version).status_code == 404
    client.force_login(cast.engineer_a)
    assert post(client, f"solutions/{target.pk}/make-current/", {}).status_code == 428
    response = post(client, f"solutions/{target.pk}/make-current/", {}, target.version)
    assert response.status_code == 200, response.content
    assert response.json()["is_current"] is True
    assert set(Solution.objects.filter(opportunity=opportunity, is_current=True).values_list("pk", flat=True)) == {
        target.pk
    }
    other.refresh_from_db()
    assert other.is_current is False
