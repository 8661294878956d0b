"""The article scope reads the article's own columns: the project-team rule as IN-sets of the
user's opportunities and customers (no join to them), which must select exactly what the archive's
join form (documents.permissions.project_team_q) selects, for every kind of link and every user."""

import pytest
from django.db.models import Q

from presales.accounts.choices import RoleCode
from presales.documents.permissions import project_team_q as joined_project_team_q
from presales.knowledge.choices import AccessLevel
from presales.knowledge.models import Article
from presales.knowledge.permissions import project_team_q
from tests.factories import CustomerFactory, make_user
from tests.factories.poc import make_opportunity

from .conftest import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def linked(cast):
    """Team articles of team B (written by its manager, who may link any record), so team A reads
    them only through a project team, linked to opportunities and customers in each way the rule
    knows."""
    writer = make_user(RoleCode.PRESALES_MANAGER, team=cast.team_b, username="manager_b")
    sales_b = make_user(RoleCode.SALES, team=cast.team_b, username="sales_b")
    led = make_opportunity(cast, name="A组主导的商机", lead=cast.engineer_a2, sales=cast.sales_a)
    member_of = make_opportunity(cast, name="成员参与的商机", lead=cast.engineer_b, sales=sales_b,
                                 team=cast.team_b, members=[cast.engineer_a])
    customer = CustomerFactory(presales_owner=cast.engineer_a2, sales_owner=cast.sales_a)
    customer.assistants.set([cast.lead_a])
    elsewhere = CustomerFactory(presales_owner=cast.engineer_b, sales_owner=sales_b)
    links = {
        "led": {"opportunity": led},
        "member": {"opportunity": member_of},
        "customer": {"customer": customer},
        "customer_but_opportunity": {"customer": customer, "opportunity": member_of},
        "elsewhere": {"customer": elsewhere},
        "none": {},
    }
    return {name: make_article(cast, actor=writer, title=f"团队文章{name}", access_level=AccessLevel.TEAM,
                               **link)
            for name, link in links.items()}


def test_the_in_sets_select_what_the_joins_select(cast, linked):
    ids = [a.pk for a in linked.values()]
    for name, user in cast.users().items():
        mine = set(Article.objects.filter(project_team_q(user), pk__in=ids).values_list("pk", flat=True))
        joined = set(Article.objects.filter(joined_project_team_q(user), pk__in=ids).values_list("pk", flat=True))
        assert mine == joined, name
    assert set(Article.objects.filter(project_team_q(cast.engineer_a)).values_list("title", flat=True)) == {
        "团队文章member", "团队文章customer_but_opportunity"}
    assert set(Article.objects.filter(project_team_q(cast.lead_a)).values_list("title", flat=True)) == {
        "团队文章customer"}


def test_the_scope_joins_no_other_table(cast, linked):
    sql = str(Article.objects.visible_to(cast.engineer_a).filter(~Q(pk=None)).query)
    assert "JOIN" not in sql.upper()
    visible = set(Article.objects.visible_to(cast.engineer_a).values_list("title", flat=True))
    assert {"团队文章member", "团队文章customer_but_opportunity"} <= visible
    assert not {"团队文章led", "团队文章customer", "团队文章elsewhere", "团队文章none"} & visible
