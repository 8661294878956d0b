"""The demo company (`presales demo_data`): every stage and status is shown, the data obeys the
rules the application enforces, the demo logins work, and a second run with --if-empty is a no-op.

And it looks like a real company where a newcomer looks first (issue 16): last quarter's published
appraisal grades spread like a real team's, the award winner has a top grade, each role's landing
page shows figures, each inbox holds a few dozen recent, varied items in the reader's language.
(Nothing here is timed: the builder's speed is measured by `presales demo_data -v 2`, see
docs/benchmarks.md.)"""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta
from html.parser import HTMLParser
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, pgettext

from presales.accounts.choices import PRESALES_ROLES, RoleCode
from presales.accounts.models import Role, Team, User
from presales.appraisal.choices import PUBLISHED_STEPS, CycleStatus
from presales.appraisal.models import Appraisal
from presales.core.models import Sequence
from presales.customers.choices import IssueStatus
from presales.customers.models import CommunicationLog, Contact, Customer, TechnicalIssue
from presales.notifications.models import Delivery, Notification
from presales.notifications.rendering import language_of
from presales.opportunities.choices import CLOSED_STAGES, OPEN_STAGES, Stage
from presales.opportunities.models import Handover, Opportunity, Retrospective, StageEvent
from presales.support.choices import RequestStatus
from presales.support.models import SupportRequest, SupportRequestEvent
from presales.talent.models import AwardNomination

MODELS = (
    Team,
    User,
    Customer,
    Contact,
    CommunicationLog,
    TechnicalIssue,
    Opportunity,
    StageEvent,
    Retrospective,
    Handover,
    SupportRequest,
    SupportRequestEvent,
)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo company at scale 1, built once for this module by the real command inside a
    transaction that is rolled back at the end (each test runs in a savepoint within it, as
    TestCase.setUpTestData does). Inside that transaction the commit hooks of the build do not run
    (a real run tells the appraisal steps then), which changes nothing checked here."""
    with django_db_blocker.unblock(), transaction.atomic():
        out = StringIO()
        call_command("demo_data", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_prints_the_demo_logins(demo):
    for username in ("demo", "engineer", "sales"):
        assert f"{username:<10} / demo12345" in demo


@pytest.mark.django_db
def test_every_stage_and_every_request_status_is_shown(demo):
    stages = dict(Opportunity.objects.values_list("stage").annotate(n=Count("pk")))
    assert set(stages) == set(Stage.values)
    statuses = dict(SupportRequest.objects.values_list("status").annotate(n=Count("pk")))
    assert set(statuses) == set(RequestStatus.values)
    assert Customer.objects.count() >= 30
    assert 4 <= Team.objects.count() <= 5
    assert all(team.lead_id for team in Team.objects.all())


@pytest.mark.django_db
def test_every_role_is_held_and_presales_people_have_levels(demo):
    held = set(Role.objects.filter(users__isnull=False).values_list("code", flat=True))
    assert held == set(RoleCode.values)
    for user in User.objects.prefetch_related("roles"):
        assert user.display_name and user.username.isascii()
        if user.role_codes & PRESALES_ROLES:
            assert user.presales_level, user
    manager = User.objects.get(username="demo")
    assert manager.is_manager and manager.has_role(RoleCode.PRESALES_MANAGER)
    assert User.objects.get(username="engineer").role_codes == {RoleCode.PRESALES_ENGINEER}
    assert User.objects.get(username="sales").role_codes == {RoleCode.SALES}


@pytest.mark.django_db
def test_customers_have_one_presales_owner_and_a_different_sales_owner(demo):
    for customer in Customer.objects.select_related("presales_owner", "sales_owner"):
        assert customer.presales_owner.role_codes & PRESALES_ROLES, customer
        assert RoleCode.SALES in customer.sales_owner.role_codes, customer
        assert customer.presales_owner_id != customer.sales_owner_id
        assert customer.team_id == customer.presales_owner.team_id
    assert Customer.objects.filter(confidential=True).exists()
    # Contacts of every role, and follow-up visits in the communication log.
    assert set(Contact.objects.values_list("role", flat=True)) >= {
        "decision_maker",
        "technical",
        "end_user",
        "procurement",
    }
    assert CommunicationLog.objects.filter(is_follow_up=True).exists()


@pytest.mark.django_db
def test_opportunities_went_through_their_stages(demo):
    now = timezone.now()
    for opp in Opportunity.objects.prefetch_related("stage_events"):
        events = sorted(opp.stage_events.all(), key=lambda e: (e.at, e.pk))
        # A chain of moves from nothing to the current stage, the last one at stage_changed_at.
        assert (events[0].from_stage, events[0].to_stage) == ("", Stage.LEAD)
        for before, after in zip(events, events[1:], strict=False):
            assert after.from_stage == before.to_stage and after.at > before.at
        assert events[-1].to_stage == opp.stage
        assert events[-1].at == opp.stage_changed_at <= now
        assert events[0].at == opp.created_at
        assert opp.number.startswith(f"SJ-{timezone.localdate(opp.created_at).year}-")
        if opp.stage != Stage.LEAD:
            assert opp.presales_lead_id and opp.presales_assigned_at
        if opp.presales_assigned_at:
            assert opp.created_at <= opp.presales_assigned_at <= now
        assert (opp.closed_at is not None) == (opp.stage in CLOSED_STAGES)
    # The gate to solution design asks for research on record: a communication record before the move.
    for event in StageEvent.objects.filter(to_stage=Stage.SOLUTION):
        assert CommunicationLog.objects.filter(
            opportunity_id=event.opportunity_id, occurred_at__lt=event.at
        ).exists()
    assert Opportunity.objects.filter(stage=Stage.LEAD, presales_lead__isnull=False).exists()
    assert Opportunity.objects.filter(stage=Stage.LEAD, presales_lead__isnull=True).exists()
    # The sequence continues after the numbers handed out.
    for key, value in Sequence.objects.filter(key__startswith="SJ-").values_list("key", "value"):
        assert Opportunity.objects.filter(number__startswith=f"{key}-").count() == value


@pytest.mark.django_db
def test_closed_opportunities_have_retrospectives_and_won_ones_handovers(demo):
    closed = Opportunity.objects.filter(stage__in=CLOSED_STAGES)
    assert closed.count() == Retrospective.objects.count()
    for opp in closed.select_related("retrospective"):
        assert opp.retrospective.outcome == opp.stage
        assert opp.retrospective.created_at <= opp.closed_at
    won = Opportunity.objects.filter(stage=Stage.WON)
    for opp in won.select_related("handover"):
        assert opp.handover.created_at <= opp.closed_at  # the gate to won asks for the handover
    assert set(Handover.objects.values_list("opportunity_id", flat=True)) == set(
        won.values_list("pk", flat=True)
    )
    assert not Retrospective.objects.filter(opportunity__stage__in=OPEN_STAGES).exists()


@pytest.mark.django_db
def test_support_request_clocks_match_their_status(demo):
    now = timezone.now()
    hours = settings.PRESALES_SUPPORT_RESPONSE_HOURS
    for req in SupportRequest.objects.prefetch_related("events"):
        assert req.response_due_at == req.submitted_at + timedelta(hours=hours[req.priority])
        assert req.wanted_by >= req.submitted_at
        steps = [t for t in (req.submitted_at, req.assigned_at, req.first_response_at, req.done_at) if t]
        assert steps == sorted(steps) and steps[-1] <= now
        status = req.status
        assert (req.assigned_at is not None) == (req.assignee_id is not None)
        if status == RequestStatus.NEW:
            assert req.assignee_id is None
        if status in (RequestStatus.ASSIGNED, RequestStatus.IN_PROGRESS, RequestStatus.DONE):
            assert req.assigned_at
        assert (req.first_response_at is not None) == (
            status in (RequestStatus.IN_PROGRESS, RequestStatus.DONE)
        )
        assert (req.done_at is not None) == (status == RequestStatus.DONE)
        events = sorted(req.events.all(), key=lambda e: (e.at, e.pk))
        assert events[0].action == "submitted" and events[0].at == req.submitted_at
        assert events[-1].to_status == status
    # Some first responses were late, some open requests are overdue right now.
    assert SupportRequest.objects.filter(first_response_at__gt=F("response_due_at")).exists()
    assert SupportRequest.objects.filter(
        status__in=[RequestStatus.NEW, RequestStatus.ASSIGNED], response_due_at__lt=now
    ).exists()


@pytest.mark.django_db
def test_technical_issues_respect_the_constraints(demo):
    today = timezone.localdate()
    resolved = TechnicalIssue.objects.filter(status=IssueStatus.RESOLVED)
    assert resolved.exists() and not resolved.filter(resolved_at__isnull=True).exists()
    open_ = TechnicalIssue.objects.filter(status=IssueStatus.OPEN)
    assert not open_.filter(resolved_at__isnull=False).exists()
    assert open_.filter(due_on__lt=today).exists(), "some open issues are overdue"
    assert open_.filter(due_on__gte=today).exists()


@pytest.mark.django_db
def test_history_spans_months_and_every_business_row_has_history(demo):
    assert Customer.history.count() >= Customer.objects.count()
    assert set(Customer.history.values_list("id", flat=True)) == set(
        Customer.objects.values_list("pk", flat=True)
    )
    assert Opportunity.history.count() > Opportunity.objects.count()  # creation plus every move
    assert SupportRequest.history.filter(history_type="~").exists()
    oldest = Opportunity.objects.order_by("created_at").first().created_at
    assert oldest < timezone.now() - timedelta(days=300)
    assert CommunicationLog.objects.order_by("occurred_at").first().occurred_at < timezone.now() - timedelta(
        days=365
    )


@pytest.mark.django_db
def test_demo_users_can_log_in(demo, client):
    for username in ("demo", "engineer", "sales"):
        response = client.post(reverse("accounts:login"), {"username": username, "password": "demo12345"})
        assert response.status_code == 302, username
        assert int(client.session[SESSION_KEY]) == User.objects.get(username=username).pk
        client.logout()


@pytest.mark.django_db
def test_if_empty_does_nothing_on_a_second_run(demo):
    before = counts()
    out = StringIO()
    call_command("demo_data", "--if-empty", stdout=out)
    assert counts() == before
    assert "--if-empty" in out.getvalue()
    # Without --if-empty a second run refuses instead of failing half-way.
    with pytest.raises(CommandError):
        call_command("demo_data", stdout=StringIO())
    assert counts() == before


# --- a believable company (issue 16) ---------------------------------------------------------------

GRADE_ORDER = ["S", "A", "B", "C", "D"]


def published_last_quarter():
    """The published results of the last closed quarterly cycle: what a manager ranks first."""
    cycle = (
        Appraisal.objects.filter(cycle__kind="quarterly", cycle__status=CycleStatus.CLOSED)
        .order_by("-cycle__year", "-cycle__quarter")
        .values_list("cycle_id", flat=True)
        .first()
    )
    return list(
        Appraisal.objects.filter(cycle_id=cycle, status__in=PUBLISHED_STEPS).select_related("employee")
    )


@pytest.mark.django_db
def test_last_quarters_grades_spread_like_a_real_teams(demo):
    results = published_last_quarter()
    assert len(results) >= 8
    grades = Counter(a.grade for a in results)
    assert set(grades) <= set(GRADE_ORDER) and all(a.final_score is not None for a in results)
    assert len(grades) >= 4, grades  # not everybody the same
    assert grades["S"] + grades["A"] >= 1 and grades["D"] >= 1, grades  # from S/A down to D
    assert grades["B"] + grades["C"] >= len(results) * 0.4, grades  # mostly in the middle
    assert grades["D"] <= len(results) // 3, grades
    # The team the manager looks at first (华东售前一组, the demo manager's) is mixed as well.
    east = [a for a in results if a.employee.team_id == User.objects.get(username="demo").team_id]
    assert len({a.grade for a in east}) >= 2, [(str(a.employee), a.grade) for a in east]


@pytest.mark.django_db
def test_the_award_winner_has_a_top_grade(demo):
    announced = AwardNomination.objects.filter(round__status="announced").select_related("round", "nominee")
    winners = [n for n in announced if n.is_winner]
    assert winners, "last quarter's gold presales award is announced"
    for winner in winners:
        quarter = Appraisal.objects.filter(
            cycle__year=winner.round.year,
            cycle__quarter=winner.round.quarter,
            status__in=PUBLISHED_STEPS,
        )
        grade = {a.employee_id: a.grade for a in quarter}
        assert grade.get(winner.nominee_id) in ("S", "A"), (str(winner.nominee), grade.get(winner.nominee_id))
        nominees = [grade.get(n.nominee_id, "D") for n in announced if n.round_id == winner.round_id]
        assert GRADE_ORDER.index(grade[winner.nominee_id]) == min(GRADE_ORDER.index(g) for g in nominees)


@pytest.mark.django_db
def test_every_demo_login_lands_on_a_page_with_figures(demo, client):
    from presales.demo.company import LOGINS
    from presales.insights import dashboard
    from presales.insights.forms import DEFAULT_DAYS
    from presales.insights.permissions import landing_url_name
    from presales.insights.selectors import my_work

    for username, _role in LOGINS:
        user = User.objects.get(username=username)
        client.force_login(user)
        response = client.get(reverse("home"), follow=True)
        assert response.status_code == 200, username
        landing = landing_url_name(user)
        assert response.request["PATH_INFO"] == reverse(landing), username
        if landing == "insights:dashboard":
            # the dashboard's default period, as the page shows it
            end = timezone.localdate()
            scope = dashboard.Scope(
                user=user, start=end - timedelta(days=DEFAULT_DAYS - 1), end=end, team=None
            )
            panels = dashboard.dashboard(scope)
            figures = {
                "pipeline": panels["pipeline"]["total_count"],
                "SLA": panels["sla"]["totals"]["total"],
                "POC": panels["poc"]["launched"],
                "bids": panels["bids"]["total"],
                "appraisal": panels["appraisal"]["total"],
                "involvement": panels["involvement"]["created"],
            }
            # the pipeline and the SLA always; POCs, bids due, appraisals, involvement mostly
            assert figures["pipeline"] and figures["SLA"], (username, figures)
            assert sum(bool(v) for v in figures.values()) >= 5, (username, figures)
            if user.is_manager:
                assert all(figures.values()), (username, figures)
        elif landing == "insights:my_work":
            work = my_work(user=user)
            assert work["kpis"]["assigned_open"] and work["opportunities"].rows, username
        else:  # sales: the support requests they asked for
            assert landing == "support:list"
            assert response.context["page_obj"].paginator.count > 0, username
        client.logout()


@pytest.mark.django_db
def test_inboxes_are_small_recent_and_varied(demo):
    from presales.demo.company import LOGINS

    per_user = Notification.objects.values("recipient__username").annotate(
        total=Count("pk"),
        unread=Count("pk", filter=Q(read_at__isnull=True)),
        todo=Count("pk", filter=Q(read_at__isnull=True, actionable=True)),
    )
    assert per_user, "the demo company announces something to someone"
    assert max(row["unread"] for row in per_user) <= 50
    assert max(row["total"] for row in per_user) <= 50
    assert sum(row["todo"] for row in per_user) > 0
    by_name = {row["recipient__username"]: row for row in per_user}
    for username, _role in LOGINS:
        if username in by_name:
            assert 0 < by_name[username]["unread"] <= 50
    assert len(set(Notification.objects.values_list("kind", flat=True))) >= 6  # varied kinds
    busiest = max(per_user, key=lambda row: row["total"])["recipient__username"]
    mine = Notification.objects.filter(recipient__username=busiest)
    assert len({timezone.localtime(n.created_at).date() for n in mine}) >= 4  # spread, not one moment
    assert len(set(mine.values_list("kind", flat=True))) >= 3
    # no record floods an inbox: a document's approval steps are not each a line
    assert max(Counter(mine.exclude(group_key="").values_list("group_key", flat=True)).values()) <= 2
    newest, oldest = (
        Notification.objects.order_by(f).values_list("created_at", flat=True)[0]
        for f in ("-created_at", "created_at")
    )
    assert (newest - oldest).days <= 14 and newest <= timezone.now()
    # nothing was e-mailed for the past
    assert not Delivery.objects.exists()


CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.django_db
def test_every_notification_text_in_the_recipients_language(demo):
    seen = set()
    notifications = Notification.objects.select_related("recipient__notification_preferences")
    assert notifications.exists()
    for n in notifications:
        assert n.params.get("title"), f"{n.kind}: text kept as parameters"
        language = language_of(n.recipient)
        title = n.params["title"]
        key = (title.get("context"), title["msgid"], language)
        if key not in seen:
            seen.add(key)
            with translation.override(language):
                translated = (
                    pgettext(title["context"], title["msgid"])
                    if title.get("context")
                    else gettext(title["msgid"])
                )
            if language.startswith("zh") and not CJK.search(title["msgid"]):
                assert translated != title["msgid"], f"untranslated notification text: {title['msgid']!r}"
        text, body = n.texts_in(language)
        if language.startswith("zh"):
            assert CJK.search(text), f"{n.kind}: {text!r}"
            assert not body or CJK.search(body) or not re.search(r"[A-Za-z]{4,}", body), f"{n.kind}: {body!r}"


class _Actions(HTMLParser):
    """The links and forms of a page's main part (the navigation is every page's, checked elsewhere)."""

    def __init__(self):
        super().__init__()
        self.depth, self.links, self.forms = 0, set(), set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "main":
            self.depth += 1
        if not self.depth:
            return
        if tag == "a" and (a.get("href") or "").startswith("/"):
            self.links.add(a["href"].split("#")[0])
        if (
            tag == "form"
            and (a.get("method") or "").lower() == "post"
            and (a.get("action") or "").startswith("/")
        ):
            self.forms.add(a["action"])
        if (a.get("hx-post") or "").startswith("/"):
            self.forms.add(a["hx-post"])

    def handle_endtag(self, tag):
        if tag == "main":
            self.depth -= 1


@pytest.mark.django_db
def test_no_action_is_offered_that_the_user_may_not_take(demo, client):
    """Every demo login, on a detail page of each kind it may see (opportunity, POC, solution,
    document, scorecard): every link leads to a page they may open, and every form, posted (then
    rolled back), is not refused as out of their rights (403) or scope (404)."""
    from presales.demo.company import LOGINS
    from presales.documents.models import Document
    from presales.poc.models import Poc
    from presales.solutions.models import Solution

    offered_wrongly = []
    for username, role in LOGINS:
        if role == RoleCode.ADMIN:
            continue  # may do everything
        user = User.objects.get(username=username)
        client.force_login(user)
        pages = []
        for model in (Opportunity, Poc, Solution, Document, Appraisal):
            visible = list(model.objects.visible_to(user).order_by("pk").values_list("pk", flat=True))
            if visible:
                pages.append(model.objects.get(pk=visible[len(visible) // 2]).get_absolute_url())
        for url in pages:
            response = client.get(url)
            assert response.status_code == 200, (username, url)
            actions = _Actions()
            actions.feed(response.content.decode())
            for link in sorted(actions.links):
                status = client.get(link).status_code
                if status in (403, 404):
                    offered_wrongly.append((username, url, "link", link, status))
            for action in sorted(actions.forms):
                with transaction.atomic():
                    status = client.post(action, {}).status_code
                    transaction.set_rollback(True)
                if status in (403, 404):
                    offered_wrongly.append((username, url, "form", action, status))
        client.logout()
    assert not offered_wrongly
