"""core.filters.LeanFilterSet against django-filter's FilterSet, for the filter sets of the pages
that carry a filter bar (opportunity list and board, support list, customer list) and the API's:
the same errors, cleaned data and querysets, and the same filter bar HTML as Django's own widget
templates render it (the old path: deep copies, a form class per request, a dict per option), in
both languages. And the cached selects of people and teams: a change shows at once."""

from pathlib import Path

import pytest
from django.db import connection, transaction
from django.template import engines
from django.template.loader import get_template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django_filters.filterset import BaseFilterSet

from presales.accounts.choices import RoleCode
from presales.accounts.models import Role, Team, User
from presales.core import filters as core_filters
from presales.core.filters import LeanFilterSet
from presales.customers.filtersets import CustomerFilterSet
from presales.opportunities.filtersets import BoardFilterSet, OpportunityFilterSet
from presales.support.filtersets import SupportRequestApiFilterSet, SupportRequestFilterSet
from tests.core.test_select_render import templates_only
from tests.factories import make_user
from tests.factories.accounts import TeamFactory

# The filter partials as they were before `core_tags.filter_cells` replaced their loop over the
# fields (tests/core/reference; the cells' markup now lives in that tag: a change to a cell is made
# in both).
REFERENCE = Path(__file__).parent / "reference"
OLD_OPPORTUNITY_BAR = (REFERENCE / "opportunity_filters.html").read_text()
OLD_LIST_BAR = (REFERENCE / "filter_form.html").read_text()
OPPORTUNITY_BAR = ("opportunities/partials/filters.html", OLD_OPPORTUNITY_BAR)
LIST_BAR = ("core/partials/filter_form.html", OLD_LIST_BAR)
FILTERSETS = {
    OpportunityFilterSet: OPPORTUNITY_BAR,
    BoardFilterSet: OPPORTUNITY_BAR,
    SupportRequestFilterSet: LIST_BAR,
    SupportRequestApiFilterSet: None,
    CustomerFilterSet: LIST_BAR,
}
QUERIES = [
    None,
    "",
    "stage=qualification&q=",
    "stage=bogus",
    "team=999999",
    "created_since=notadate",
    "stage=bogus&team=999999&created_since=notadate&presales_lead=abc",
    "q=%E5%BC%A0&industry=finance&mine=true&status=open",
    "assignee={engineer}&requester={engineer}&priority=high&overdue=true&submitted_since=2026-01-01",
    "presales_owner={engineer}&team={team}&region=east&status=active",
    "presales_lead={engineer}&sales_owner={sales}&team={team}&entered_stage=proposal"
    "&entered_since=2026-01-01&entered_until=2026-02-01&involvement=early",
    "presales_lead={sales}&sales_owner={engineer}&progress=bogus&customer=abc",
    "team=&presales_lead=&q=a%22%3Cb%3E&customer=12",
]


def classic(cls):
    """The filter set as django-filter builds it: deep copies, a form class per instance."""
    old = type(f"Classic{cls.__name__}", (cls,), {
        "__init__": BaseFilterSet.__init__, "get_form_class": BaseFilterSet.get_form_class,
    })
    old.base_filters = cls.base_filters  # the board's own (some left out)
    return old


@pytest.fixture
def people(db):
    north = TeamFactory(name="华北售前 & <North>")
    engineer = make_user(RoleCode.PRESALES_ENGINEER, team=north, username="eng", display_name="张 \"工\"")
    sales = make_user(RoleCode.SALES, team=north, username="sales", display_name="", first_name="Li",
                      last_name="Lei")
    make_user(RoleCode.PRESALES_MANAGER, username="boss", display_name="王经理")
    make_user(RoleCode.PRESALES_ENGINEER, username="gone", display_name="离职", is_active=False)
    return {"engineer": engineer.pk, "sales": sales.pk, "team": north.pk}


def query_dict(query, people):
    from django.http import QueryDict

    if query is None:
        return None
    return QueryDict(query.format(**people))


def errors_of(form):
    return {name: [str(e) for e in errs] for name, errs in form.errors.items()}


@pytest.mark.parametrize("cls", list(FILTERSETS), ids=lambda c: c.__name__)
def test_same_validation_querysets_and_filter_bar_as_django_filter(cls, people, settings, monkeypatch):
    settings.PRESALES_CHOICES_CACHE_SECONDS = 60  # the cached selects too (only outside transactions)
    from django.utils import timezone

    now = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: now)  # the SLA filters compare with the time
    assert issubclass(cls, LeanFilterSet) and cls._class_form() is not None
    old_cls = classic(cls)
    user = User.objects.get(username="boss")
    bar = FILTERSETS[cls]
    template = bar and get_template(bar[0])
    old_template = bar and engines["django"].from_string(bar[1])
    compared = 0
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for query in QUERIES:
                data = query_dict(query, people)
                request = RequestFactory().get("/x/", data or {})
                request.user = user
                new = cls(data, queryset=cls._meta.model.objects.all(), request=request)
                old = old_cls(data, queryset=cls._meta.model.objects.all(), request=request)
                assert new.is_bound == old.is_bound
                assert new.is_valid() == old.is_valid(), query
                assert errors_of(new.form) == errors_of(old.form), query
                assert list(new.form.fields) == list(old.form.fields)
                if new.is_valid():
                    assert new.form.cleaned_data == old.form.cleaned_data
                    assert str(new.qs.query) == str(old.qs.query), query
                if template:
                    # Before: django-filter's copies, Django's select/option templates, the
                    # partial's template loop. Now: lean copies, options written from the choices,
                    # the cells by filter_cells.
                    old.form.renderer = templates_only()
                    context = {"filterset": old, "request": request, "target": "#results", "by": "stage"}
                    expected = old_template.render(context)
                    context["filterset"] = new
                    assert template.render(context) == expected, (language, query)
                    assert "<option" in expected and "col-xl-2" in expected
                compared += 1
    assert compared == 2 * len(QUERIES)


def test_each_instance_has_its_own_filters_and_form_fields(people):
    a = OpportunityFilterSet({"stage": "bogus"}, request=None)
    b = OpportunityFilterSet({"stage": "lead"}, request=None)
    assert a.filters["q"] is not b.filters["q"] and a.filters["q"].parent is a and b.filters["q"].parent is b
    assert a.filters["q"].filter.f is a.filters["q"]  # a method filter resolves on its own filter set
    assert type(a.form) is type(b.form)  # one form class per filter set class
    assert a.form.fields["stage"] is not b.form.fields["stage"]
    assert a.form.fields["stage"].widget is not b.form.fields["stage"].widget
    a.form.fields["stage"].widget.attrs["data-x"] = "1"
    assert "data-x" not in b.form.fields["stage"].widget.attrs
    assert a.form.fields["team"].queryset is not b.form.fields["team"].queryset
    assert not a.is_valid() and b.is_valid()


def test_a_subclass_that_changes_its_filters_gets_its_own_form_class(people):
    class Narrow(OpportunityFilterSet):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.filters["team"].queryset = Team.objects.none()

    assert Narrow._class_form() is None
    form = Narrow({"team": str(people["team"])}).form
    assert "team" in form.errors  # the narrowed queryset is the one validated against
    assert OpportunityFilterSet({"team": str(people["team"])}).is_valid()


# --- the cached selects of people and teams --------------------------------------------------------


def options(cls, field, **data):
    form = cls(data or None).form
    return [(str(v), str(label)) for v, label in form.fields[field].widget.choices]


def rendered(cls, field):
    return str(cls(None).form[field])


@pytest.fixture
def cached(settings):
    settings.PRESALES_CHOICES_CACHE_SECONDS = 60


@pytest.mark.django_db(transaction=True)
def test_a_new_renamed_or_deactivated_user_shows_at_once(cached, django_assert_num_queries):
    engineer = make_user(RoleCode.PRESALES_ENGINEER, username="e1", display_name="甲工程师")
    assert "甲工程师" in rendered(OpportunityFilterSet, "presales_lead")
    with django_assert_num_queries(0):  # read from the cache
        assert "甲工程师" in rendered(OpportunityFilterSet, "presales_lead")

    make_user(RoleCode.PRESALES_ENGINEER, username="e2", display_name="乙工程师")  # new
    assert "乙工程师" in rendered(OpportunityFilterSet, "presales_lead")

    engineer.display_name = "甲 & <改名>"  # renamed
    engineer.save()
    html = rendered(OpportunityFilterSet, "presales_lead")
    assert "甲 &amp; &lt;改名&gt;" in html and "甲工程师" not in html

    engineer.is_active = False  # deactivated
    engineer.save(update_fields=["is_active"])
    assert "甲 &amp;" not in rendered(OpportunityFilterSet, "presales_lead")
    assert "甲 &amp;" not in rendered(CustomerFilterSet, "presales_owner")

    engineer.delete()
    User.objects.get(username="e2").delete()
    assert "工程师" not in rendered(OpportunityFilterSet, "presales_lead")


@pytest.mark.django_db(transaction=True)
def test_a_role_given_or_taken_shows_at_once(cached):
    person = make_user(username="p1", display_name="丙")
    assert "丙" not in rendered(OpportunityFilterSet, "sales_owner")
    assert "丙" in rendered(SupportRequestFilterSet, "requester")
    person.roles.add(Role.objects.get(code=RoleCode.SALES))
    assert "丙" in rendered(OpportunityFilterSet, "sales_owner")
    person.roles.clear()
    assert "丙" not in rendered(OpportunityFilterSet, "sales_owner")


@pytest.mark.django_db(transaction=True)
def test_a_new_renamed_or_deleted_team_shows_at_once(cached, django_assert_num_queries):
    team = TeamFactory(name="西南售前")
    assert "西南售前" in rendered(SupportRequestFilterSet, "team")
    with django_assert_num_queries(0):
        assert "西南售前" in rendered(CustomerFilterSet, "team")
    team.name = "西南 & 西北"
    team.save()
    assert "西南 &amp; 西北" in rendered(OpportunityFilterSet, "team")
    TeamFactory(name="东北售前")
    assert "东北售前" in rendered(BoardFilterSet, "team")
    team.delete()
    assert "西南" not in rendered(BoardFilterSet, "team")
    # a selected team (cached list) is marked as Django marks it
    other = Team.objects.get(name="东北售前")
    form = OpportunityFilterSet({"team": str(other.pk)}).form
    assert f'<option value="{other.pk}" selected>东北售前</option>' in str(form["team"])


@pytest.mark.django_db(transaction=True)
def test_the_cache_expires_and_a_bulk_update_shows_after_the_time_out(cached, monkeypatch):
    make_user(RoleCode.SALES, username="s1", display_name="丁")
    assert "丁" in rendered(OpportunityFilterSet, "sales_owner")
    User.objects.filter(username="s1").update(display_name="戊")  # no signal
    assert "丁" in rendered(OpportunityFilterSet, "sales_owner")  # until the time-out
    now = core_filters.epoch_seconds()
    monkeypatch.setattr(core_filters, "epoch_seconds", lambda: now + 61)
    html = rendered(OpportunityFilterSet, "sales_owner")
    assert "戊" in html and "丁" not in html


@pytest.mark.django_db(transaction=True)
def test_a_list_read_inside_a_transaction_is_not_kept(cached):
    with transaction.atomic():
        make_user(RoleCode.SALES, username="s2", display_name="己")
        assert "己" in rendered(OpportunityFilterSet, "sales_owner")
        transaction.set_rollback(True)
    assert "己" not in rendered(OpportunityFilterSet, "sales_owner")


@pytest.mark.django_db
def test_no_server_side_cursor_for_people_and_teams(people):
    for cls in (OpportunityFilterSet, BoardFilterSet, SupportRequestFilterSet, CustomerFilterSet):
        with CaptureQueriesContext(connection) as ctx:
            [str(bound_field) for bound_field in cls(None).form]
        sqls = [q["sql"] for q in ctx.captured_queries]
        assert sqls and not any("DECLARE" in sql or "FETCH" in sql for sql in sqls), cls


def test_without_a_shared_cache_the_lists_are_read_each_time(people, django_assert_num_queries, settings):
    settings.PRESALES_CHOICES_CACHE_SECONDS = 0
    for _ in range(2):
        with django_assert_num_queries(1):
            options(CustomerFilterSet, "presales_owner")


@pytest.mark.django_db
def test_filter_cells_write_what_the_partials_loops_wrote_for_other_filter_sets(people):
    """Every list page with the common partial: its filter set (lean or not, any widget kind),
    with errors shown, in both languages, against the old loop."""
    from presales.bids.filtersets import BidFilterSet
    from presales.demos.filtersets import DemoFilterSet
    from presales.discovery.filtersets import ResearchListFilterSet
    from presales.talent.filtersets import DailyReportFilterSet

    template = get_template(LIST_BAR[0])
    old_template = engines["django"].from_string(LIST_BAR[1])
    request = RequestFactory().get("/x/")
    request.user = User.objects.get(username="boss")
    errors_shown = 0
    for cls in (BidFilterSet, DemoFilterSet, ResearchListFilterSet, DailyReportFilterSet, CustomerFilterSet):
        invalid = {"status": "bogus", "team": "999999", "q": "<x>", "owner": "abc", "date_from": "x"}
        for data in (None, invalid):
            for language in ("zh-hans", "en"):
                with translation.override(language):
                    filterset = cls(data, request=request)
                    context = {"filterset": filterset, "request": request}
                    html = template.render(context)
                    assert html == old_template.render(context), (cls, data, language)
                    errors_shown += "invalid-feedback" in html
    assert errors_shown >= 4
