"""Pages: access for every page (cast), bad input, stale edits, query counts, the panel tag."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from presales.solutions.models import SectionTemplate, Solution, SolutionSection
from tests.factories.solutions import (
    TEXT,
    approve_all_levels,
    decide,
    make_opportunity,
    make_solution,
    passed_solution,
    submit,
)
from tests.kit import assert_constant_queries, assert_refused, check_access

pytestmark = pytest.mark.django_db

VISIBLE = ["manager", "lead_a", "engineer_a", "engineer_a2", "sales_a"]
HIDDEN = ["engineer_b", "nobody"]
WRITERS = ["manager", "lead_a", "engineer_a"]  # manager, team lead, author (= presales lead)


def url(name, *args):
    return reverse(f"solutions:{name}", args=args)


@pytest.fixture
def solution(cast):
    return make_solution(
        cast, opportunity=make_opportunity(cast, stage="solution", members=[cast.engineer_a2])
    )


def test_list_and_catalogue_are_open_to_every_colleague(client, cast, solution):
    check_access(client, cast, url("list"), permitted=[*VISIBLE, *HIDDEN])


def test_list_shows_visible_solutions_and_filters(client, cast, solution):
    client.force_login(cast.engineer_b)
    assert solution.title not in client.get(url("list")).content.decode()
    client.force_login(cast.engineer_a2)
    body = client.get(url("list")).content.decode()
    assert solution.title in body
    assert solution.title not in client.get(url("list") + "?waiting=true").content.decode()
    submit(solution)
    assert solution.title in client.get(url("list") + "?waiting=true").content.decode()
    assert solution.title in client.get(url("list") + f"?reviewer={cast.lead_a.pk}").content.decode()
    assert solution.title not in client.get(url("list") + "?status=passed").content.decode()
    assert solution.title in client.get(url("list") + f"?author={cast.engineer_a.pk}&q=储能").content.decode()
    assert client.get(url("list"), HTTP_HX_REQUEST="true").status_code == 200


def test_list_query_count_is_constant(client, cast, solution):
    client.force_login(cast.manager)
    assert_constant_queries(client, url("list"), lambda: [make_solution(cast) for _ in range(3)])


def test_detail_access_and_query_count(client, cast, solution):
    check_access(client, cast, url("detail", solution.pk), permitted=VISIBLE, hidden=HIDDEN)
    client.force_login(cast.manager)
    submit(solution)

    def grow():
        decide(solution, cast.engineer_a2, "returned", "补充")
        submit(solution, summary="补充")
        approve_all_levels(cast, solution)

    assert_constant_queries(client, url("detail", solution.pk), grow, at_most=60)
    body = client.get(url("detail", solution.pk)).content.decode()
    assert "v2" in body and "补充" in body


def test_a_reviewer_outside_the_team_sees_the_solution(client, cast, solution):
    from presales.solutions import services

    services.solution_update(
        actor=cast.manager, solution=solution, expected_version=solution.version, reviewer_3=cast.engineer_b
    )
    client.force_login(cast.engineer_b)
    assert client.get(url("detail", solution.pk)).status_code == 200


def test_create_page(client, cast):
    opportunity = make_opportunity(cast, stage="solution")
    check_access(
        client,
        cast,
        url("create"),
        permitted=["manager", "lead_a", "engineer_a", "engineer_a2", "engineer_b"],
        forbidden=["sales_a", "nobody"],
    )
    client.force_login(cast.engineer_a)
    page = client.get(url("create") + f"?opportunity={opportunity.pk}")
    assert opportunity.name in page.content.decode()
    response = client.post(url("create"), {"opportunity": opportunity.pk, "title": "新方案"})
    solution = Solution.objects.get(title="新方案")
    assert response.status_code == 302 and response["Location"] == solution.get_absolute_url()
    assert solution.sections.count() == SectionTemplate.objects.filter(active=True).count()
    assert_refused(
        client,
        url("create"),
        {"opportunity": opportunity.pk, "title": " "},
        fields=["title"],
        models=[Solution],
    )


def test_edit_title_and_reviewers(client, cast, solution):
    check_access(
        client,
        cast,
        url("edit", solution.pk),
        permitted=WRITERS,
        forbidden=["engineer_a2", "sales_a"],
        hidden=HIDDEN,
    )
    client.force_login(cast.engineer_a)
    assert_refused(
        client,
        url("edit", solution.pk),
        {"title": "x", "reviewer_1": cast.engineer_a.pk, "version": solution.version},
        fields=["reviewer_1"],
        models=[Solution],
    )
    response = client.post(
        url("edit", solution.pk),
        {
            "title": "改名方案",
            "reviewer_1": cast.engineer_a2.pk,
            "reviewer_2": cast.lead_a.pk,
            "reviewer_3": cast.manager.pk,
            "version": solution.version,
        },
    )
    assert response.status_code == 302
    solution.refresh_from_db()
    assert solution.title == "改名方案"
    stale = client.post(url("edit", solution.pk), {"title": "再改", "version": solution.version - 1})
    assert stale.status_code == 200 and "version" in stale.content.decode()
    solution.refresh_from_db()
    assert solution.title == "改名方案"


def test_section_edit_saves_and_refuses_stale(client, cast, solution):
    section = solution.sections.select_related("template").get(template__code="budget")
    check_access(
        client,
        cast,
        url("section_edit", section.pk),
        permitted=WRITERS,
        forbidden=["engineer_a2", "sales_a"],
        hidden=HIDDEN,
    )
    client.force_login(cast.engineer_a)
    response = client.post(
        url("section_edit", section.pk), {"content": "# 预算\n" + TEXT, "version": section.version}
    )
    assert response.status_code == 302
    section.refresh_from_db()
    assert section.content.startswith("# 预算")
    before = section.content
    stale = client.post(
        url("section_edit", section.pk), {"content": "旧稿覆盖", "version": section.version - 1}
    )
    assert stale.status_code == 200
    section.refresh_from_db()
    assert section.content == before
    assert_refused(
        client,
        url("section_edit", section.pk),
        {"content": "长" * 100_001, "version": section.version},
        fields=["content"],
        models=[SolutionSection],
    )


def test_submit_page_shows_reasons_then_submits(client, cast):
    solution = make_solution(cast, fill=False, with_reviewers=False)
    check_access(
        client,
        cast,
        url("submit", solution.pk),
        permitted=WRITERS,
        forbidden=["engineer_a2", "sales_a"],
        hidden=HIDDEN,
    )
    client.force_login(cast.engineer_a)
    body = client.get(url("submit", solution.pk)).content.decode()
    assert 'data-testid="reasons"' in body and "技术架构设计" in body
    refused = client.post(url("submit", solution.pk), {"version": solution.version})
    assert refused.status_code == 200 and "初级评审" in refused.content.decode()
    solution = make_solution(cast)
    response = client.post(url("submit", solution.pk), {"version": solution.version})
    assert response.status_code == 302
    solution.refresh_from_db()
    assert solution.status == "in_review"


def test_decide_page(client, cast, solution):
    submit(solution)
    solution.refresh_from_db()
    check_access(
        client,
        cast,
        url("decide", solution.pk),
        permitted=["engineer_a2"],
        forbidden=["manager", "lead_a", "engineer_a", "sales_a"],
        hidden=HIDDEN,
    )
    client.force_login(cast.engineer_a2)
    assert_refused(
        client,
        url("decide", solution.pk),
        {"decision": "returned", "comments": "", "version": solution.version},
        fields=["comments"],
        models=[Solution],
    )
    response = client.post(url("decide", solution.pk), {"decision": "approved", "version": solution.version})
    assert response.status_code == 302
    solution.refresh_from_db()
    assert solution.current_level == 2


def test_department_page(client, cast, solution):
    submit(solution)
    solution = approve_all_levels(cast, solution)
    check_access(
        client,
        cast,
        url("department", solution.pk),
        permitted=["manager", "lead_a"],
        forbidden=["engineer_a", "engineer_a2", "sales_a"],
        hidden=HIDDEN,
    )
    client.force_login(cast.lead_a)
    assert_refused(
        client,
        url("department", solution.pk),
        {"department": "quality", "decision": "disagree", "version": solution.version},
        fields=["comments"],
        models=[Solution],
    )
    response = client.post(
        url("department", solution.pk),
        {
            "department": "quality",
            "decision": "agree",
            "reviewer_name": "质量部 周工",
            "version": solution.version,
        },
    )
    assert response.status_code == 302
    assert "质量部 周工" in client.get(url("detail", solution.pk)).content.decode()


def test_revise_and_make_current_pages(client, cast):
    solution = passed_solution(cast)
    check_access(
        client,
        cast,
        url("revise", solution.pk),
        permitted=WRITERS,
        forbidden=["engineer_a2", "sales_a"],
        hidden=HIDDEN,
    )
    client.force_login(cast.engineer_a)
    assert_refused(
        client,
        url("revise", solution.pk),
        {"reason": "", "version": solution.version},
        fields=["reason"],
        models=[Solution],
    )
    assert (
        client.post(
            url("revise", solution.pk), {"reason": "客户范围调整", "version": solution.version}
        ).status_code
        == 302
    )
    other = make_solution(cast, opportunity=solution.opportunity, title="备选方案")
    check_access(
        client,
        cast,
        url("make_current", other.pk),
        permitted=WRITERS,
        forbidden=["engineer_a2", "sales_a"],
        hidden=HIDDEN,
    )
    client.force_login(cast.engineer_a)
    other.refresh_from_db()
    assert client.post(url("make_current", other.pk), {"version": other.version}).status_code == 302
    other.refresh_from_db()
    assert other.is_current


def test_versions_diff_and_export(client, cast, solution):
    submit(solution)
    decide(solution, cast.engineer_a2, "returned", "补充预算")
    from tests.factories.solutions import fill_sections

    fill_sections(solution, cast.engineer_a, codes=["budget"], text=TEXT + "\n新增三年TCO测算。")
    submit(solution, summary="补充TCO")
    version = solution.versions.get(number=2)
    check_access(client, cast, url("version", version.pk), permitted=VISIBLE, hidden=HIDDEN)
    check_access(client, cast, url("diff", solution.pk), permitted=VISIBLE, hidden=HIDDEN)
    check_access(client, cast, url("export", solution.pk), permitted=VISIBLE, hidden=HIDDEN)
    client.force_login(cast.engineer_a)
    body = client.get(url("diff", solution.pk) + "?a=1&b=2").content.decode()
    assert "+新增三年TCO测算。" in body and 'data-testid="diff-budget"' in body
    export = client.get(url("export", solution.pk) + "?version=1")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats") and export.content[:2] == b"PK"
    fresh = make_solution(cast)
    assert client.get(url("export", fresh.pk)).status_code == 404
    assert "empty-state" in client.get(url("diff", fresh.pk)).content.decode()


def test_catalogue_pages(client, cast):
    template = SectionTemplate.objects.get(code="budget")
    check_access(client, cast, url("catalogue"), permitted=[*VISIBLE, *HIDDEN])
    check_access(
        client,
        cast,
        url("catalogue_create"),
        permitted=["manager"],
        forbidden=["lead_a", "engineer_a", "sales_a", "nobody"],
    )
    check_access(
        client,
        cast,
        url("catalogue_edit", template.pk),
        permitted=["manager"],
        forbidden=["lead_a", "engineer_a", "sales_a", "nobody"],
    )
    client.force_login(cast.manager)
    assert_refused(
        client,
        url("catalogue_create"),
        {"code": "budget", "title": "重复", "position": 5, "min_chars": 30},
        fields=["code"],
        models=[SectionTemplate],
    )
    assert_refused(
        client,
        url("catalogue_create"),
        {"code": "risks", "title": "风险", "position": 5, "min_chars": 0},
        fields=["min_chars"],
        models=[SectionTemplate],
    )
    response = client.post(
        url("catalogue_create"),
        {"code": "risks", "title": "风险与应对", "required": "on", "position": 75, "min_chars": 40},
    )
    assert (
        response.status_code == 302 and SectionTemplate.objects.filter(code="risks", required=True).exists()
    )
    response = client.post(
        url("catalogue_edit", template.pk),
        {
            "code": "budget",
            "title": "项目预算与报价",
            "required": "on",
            "position": 70,
            "min_chars": 30,
            "active": "on",
            "version": template.version,
        },
    )
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.title == "项目预算与报价"


def test_opportunity_panel_tag(cast, solution, django_assert_max_num_queries):
    request = RequestFactory().get("/")
    request.user = cast.engineer_a
    template = Template("{% load solutions_tags %}{% opportunity_solutions opportunity user %}")
    with django_assert_max_num_queries(4):
        html = template.render(
            Context({"opportunity": solution.opportunity, "user": cast.engineer_a, "request": request})
        )
    assert solution.title in html and reverse("solutions:create") in html
    empty = make_opportunity(cast, stage="solution")
    html = template.render(Context({"opportunity": empty, "user": cast.sales_a, "request": request}))
    assert 'data-testid="opportunity-solutions"' in html and reverse("solutions:create") not in html


def test_history_page_of_a_solution(client, cast, solution):
    path = reverse("core:history", args=["solutions.solution", solution.pk])
    check_access(client, cast, path, permitted=VISIBLE, hidden=HIDDEN)
    section = solution.sections.first()
    client.force_login(cast.engineer_a)
    assert (
        client.get(reverse("core:history", args=["solutions.solutionsection", section.pk])).status_code == 200
    )
