"""The opportunity gates, the bid progress selector, and the deadline and milestone alerts (each
fires once; explicit `now` instead of a mocked clock)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from presales.bids import selectors, services
from presales.bids.models import Bid, Milestone
from presales.bids.tasks import run_alerts, send_bid_alerts
from presales.notifications.models import Notification
from presales.opportunities import services as opportunity_services
from presales.opportunities.choices import Stage
from presales.opportunities.workflow import opportunity_flow
from tests.factories.bids import make_bid, make_opportunity, ready_bid, submitted_bid

pytestmark = pytest.mark.django_db


def bid_reasons(opportunity, source, target):
    transition = opportunity_flow.get(source, target)
    return [r for r in opportunity_flow.unmet_conditions(opportunity, transition) if "Bid " in r or "TB-" in r]


def test_negotiation_is_refused_while_a_bid_is_being_prepared(cast):
    opportunity = make_opportunity(cast, stage=Stage.BID)
    assert bid_reasons(opportunity, Stage.BID, Stage.NEGOTIATION) == []  # no bid: not affected
    bid = make_bid(cast, opportunity=opportunity)
    reasons = bid_reasons(opportunity, Stage.BID, Stage.NEGOTIATION)
    assert len(reasons) == 1 and bid.number in reasons[0]
    assert bid_reasons(opportunity, Stage.BID, Stage.LOST) == []
    # refused through the real service, nothing moves
    with pytest.raises(Exception) as exc:
        opportunity_services.opportunity_move(actor=cast.engineer_a, opportunity=opportunity, to_stage=Stage.NEGOTIATION)
    assert bid.number in " ".join(getattr(exc.value, "reasons", [str(exc.value)]))
    opportunity.refresh_from_db()
    assert opportunity.stage == Stage.BID
    services.bid_withdraw(actor=cast.engineer_a, bid=bid, reason="放弃")
    assert bid_reasons(opportunity, Stage.BID, Stage.NEGOTIATION) == []


def test_submitted_or_cancelled_bids_pass_the_negotiation_gate(cast):
    opportunity = make_opportunity(cast, stage=Stage.BID)
    submitted_bid(cast, opportunity=opportunity)
    cancelled = make_bid(cast, opportunity=opportunity)
    services.result_record(actor=cast.engineer_a, bid=cancelled, result="cancelled")
    assert bid_reasons(opportunity, Stage.BID, Stage.NEGOTIATION) == []


def test_won_requires_every_submitted_bid_to_have_its_result(cast):
    opportunity = make_opportunity(cast, stage=Stage.NEGOTIATION)
    bid = submitted_bid(cast, opportunity=opportunity)
    reasons = bid_reasons(opportunity, Stage.NEGOTIATION, Stage.WON)
    assert len(reasons) == 1 and bid.number in reasons[0]
    services.result_record(actor=cast.engineer_a, bid=bid, result="lost", winning_bidder="X", our_rank=2,
                           bidder_count=3)
    assert bid_reasons(opportunity, Stage.NEGOTIATION, Stage.WON) == []


def test_progress_by_opportunity_in_one_query(cast):
    none = make_opportunity(cast)
    preparing = make_opportunity(cast)
    make_bid(cast, opportunity=preparing)
    submitted = make_opportunity(cast)
    submitted_bid(cast, opportunity=submitted)
    won = make_opportunity(cast)
    services.result_record(actor=cast.engineer_a, bid=submitted_bid(cast, opportunity=won), result="won")
    make_bid(cast, opportunity=won)  # a won bid outranks one still being prepared
    lost = make_opportunity(cast)
    services.result_record(actor=cast.engineer_a, bid=submitted_bid(cast, opportunity=lost), result="invalid")
    withdrawn = make_opportunity(cast)
    services.bid_withdraw(actor=cast.engineer_a, bid=make_bid(cast, opportunity=withdrawn), reason="r")
    ids = [none.pk, preparing.pk, submitted.pk, won.pk, lost.pk, withdrawn.pk]
    with CaptureQueriesContext(connection) as ctx:
        progress = selectors.progress_by_opportunity(ids)
    assert len(ctx.captured_queries) == 1
    assert progress == {none.pk: "none", preparing.pk: "preparing", submitted.pk: "submitted", won.pk: "won",
                        lost.pk: "lost", withdrawn.pk: "none"}
    assert selectors.progress_by_opportunity([]) == {}


def _notifications(kind):
    return list(Notification.objects.filter(kind=kind).values_list("recipient_id", "dedup_key"))


def test_deadline_alerts_fire_once_per_threshold(cast, django_capture_on_commit_callbacks):
    bid = make_bid(cast)
    deadline = bid.deadline
    team = {cast.engineer_a.pk, cast.engineer_a2.pk, cast.sales_a.pk}
    for hours_left, expected_keys in ((100, 0), (71, 1), (70, 1), (23, 2), (3.5, 3), (3, 3), (-1, 3)):
        with django_capture_on_commit_callbacks(execute=True):
            run_alerts(now=deadline - timedelta(hours=hours_left))
        keys = {k for _r, k in _notifications("bids.deadline")}
        assert len(keys) == expected_keys, hours_left
    assert {r for r, _k in _notifications("bids.deadline")} == team
    assert len(_notifications("bids.deadline")) == 3 * len(team)  # each person once per threshold


def test_a_late_job_sends_only_the_most_urgent_alert(cast, django_capture_on_commit_callbacks):
    bid = make_bid(cast)
    with django_capture_on_commit_callbacks(execute=True):
        run_alerts(now=bid.deadline - timedelta(hours=2))
    assert {k.rsplit(".", 1)[1] for _r, k in _notifications("bids.deadline")} == {"4h"}


def test_moving_the_deadline_rearms_and_submitted_bids_are_quiet(cast, django_capture_on_commit_callbacks):
    bid = ready_bid(cast)
    with django_capture_on_commit_callbacks(execute=True):
        run_alerts(now=bid.deadline - timedelta(hours=20))
    bid = services.bid_update(actor=cast.engineer_a, bid=bid, deadline=bid.deadline + timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        run_alerts(now=bid.deadline - timedelta(hours=20))
    assert len({k for _r, k in _notifications("bids.deadline")}) == 2
    services.bid_submit(actor=cast.engineer_a, bid=bid, method="in_person")
    with django_capture_on_commit_callbacks(execute=True):
        assert run_alerts(now=bid.deadline - timedelta(hours=2))["deadline"] == 0


def test_deadline_alert_in_another_time_zone(cast, django_capture_on_commit_callbacks):
    from datetime import UTC, datetime

    now = datetime(2026, 11, 1, 0, 0, tzinfo=UTC)
    # 2026-11-02 09:00 in New York (EST, after the fall-back) = 14:00 UTC: 38 hours from `now`
    bid = make_bid(cast, now=now, deadline=datetime(2026, 11, 2, 9, 0), time_zone="America/New_York")
    assert bid.deadline == datetime(2026, 11, 2, 14, 0, tzinfo=UTC)
    with django_capture_on_commit_callbacks(execute=True):
        run_alerts(now=now)
    notes = Notification.objects.filter(kind="bids.deadline")
    assert notes.exists() and all(n.dedup_key.endswith(".72h") for n in notes)
    assert "2026-11-02 09:00 (America/New_York)" in notes.first().body


def test_overdue_milestone_alert_fires_once(cast, django_capture_on_commit_callbacks):
    bid = make_bid(cast)
    milestone = services.milestone_create(actor=cast.engineer_a, bid=bid, title="初稿",
                                          due_at=bid.deadline - timedelta(days=5), owner=cast.engineer_a2)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            run_alerts(now=milestone.due_at + timedelta(minutes=1))
    assert sorted(_notifications("bids.milestone")) == sorted(
        [(cast.engineer_a2.pk, f"bids.milestone.{milestone.pk}.{int(milestone.due_at.timestamp())}"),
         (cast.engineer_a.pk, f"bids.milestone.{milestone.pk}.{int(milestone.due_at.timestamp())}")])
    services.milestone_update(actor=cast.engineer_a, milestone=milestone, done=True)
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        assert run_alerts(now=milestone.due_at + timedelta(hours=1))["milestone"] == 0
    assert Milestone.objects.count() == 1 and Bid.objects.count() == 1


def test_the_periodic_task_runs_on_the_real_clock(cast):
    assert send_bid_alerts() == {"deadline": 0, "milestone": 0}
