"""The appraisal's state machine and services: every move, refusal and rule."""

from datetime import date
from decimal import Decimal as D

import pytest

from presales.appraisal import services
from presales.appraisal.choices import AppealOutcome, CycleStatus, Source, Step
from presales.appraisal.models import (
    Adjustment,
    Appeal,
    Appraisal,
    AppraisalEvent,
    Cycle,
    IndicatorScore,
    SourceEntry,
)
from presales.core.errors import DomainError, PermissionDenied, StaleObjectError, TransitionRefused
from tests.factories.appraisal import (
    fill_self,
    hand_items,
    make_cycle,
    make_scheme,
    published,
    submit,
    to_committee,
)
from tests.kit import snapshot

pytestmark = pytest.mark.django_db


def test_full_journey_scores_and_publishes(cast, committee, appraisal):
    appraisal = to_committee(
        appraisal, cast, committee=committee, self_value=5, supervisor_value=3, customer=95
    )
    assert appraisal.status == Step.COMMITTEE_REVIEW
    scores = {s.name: s for s in appraisal.scores.all()}
    # rating: (10×5 + 50×3) / 60 = 3.33 of 5 → 66.60; survey 95 → full marks; complaints: none → full marks
    rating = scores["工作表现"]
    assert rating.value == D("3.33")
    assert rating.normalized == D("66.60")
    assert rating.sources["self"]["mean"] == "5.00" and rating.sources["supervisor"]["weight"] == "50.00"
    assert scores["客户满意度"].normalized == D("100.00")
    assert scores["客户投诉"].data_source == "computed"
    assert scores["客户投诉"].indicator_version >= 1
    expected = (D(40) * D("66.60") + D(20) * 100 + D(40) * (scores["客户投诉"].normalized or 0)) / 100
    assert appraisal.weighted_total == expected.quantize(D("0.01"))
    adjustment = services.adjustment_add(
        actor=committee, appraisal=appraisal, points="5", reason="重大项目贡献"
    )
    appraisal.refresh_from_db()
    assert appraisal.adjustment == D("5.00")
    assert appraisal.final_score == min(D(100), appraisal.weighted_total + 5)
    assert adjustment.reason == "重大项目贡献"
    appraisal = submit(appraisal, committee, Step.PUBLISHED)
    assert appraisal.status == Step.PUBLISHED and appraisal.published_at
    assert appraisal.grade and appraisal.bonus_coefficient is not None
    appraisal = submit(appraisal, cast.engineer_a, Step.ACKNOWLEDGED)
    assert appraisal.acknowledged_at
    steps = list(
        AppraisalEvent.objects.filter(appraisal=appraisal)
        .order_by("at", "pk")
        .values_list("to_status", flat=True)
    )
    assert steps == [
        Step.SUPERVISOR_REVIEW,
        Step.FEEDBACK,
        Step.COMMITTEE_REVIEW,
        Step.PUBLISHED,
        Step.ACKNOWLEDGED,
    ]


def test_self_assessment_needs_every_hand_entered_value(cast, appraisal):
    with pytest.raises(TransitionRefused) as exc:
        submit(appraisal, cast.engineer_a, Step.SUPERVISOR_REVIEW)
    assert len(exc.value.reasons) == len(hand_items(appraisal))
    assert Appraisal.objects.get(pk=appraisal.pk).status == Step.SELF_ASSESSMENT


def test_only_the_employee_or_the_committee_submits_the_self_assessment(cast, committee, appraisal):
    fill_self(appraisal)
    for person in (cast.engineer_a2, cast.engineer_b, cast.lead_a):
        with pytest.raises(PermissionDenied):
            submit(appraisal, person, Step.SUPERVISOR_REVIEW)
    with pytest.raises(DomainError) as exc:  # the committee moves an overdue one on with a reason
        submit(appraisal, committee, Step.SUPERVISOR_REVIEW)
    assert exc.value.field == "reason"
    assert (
        submit(appraisal, committee, Step.SUPERVISOR_REVIEW, reason="逾期").status == Step.SUPERVISOR_REVIEW
    )


def test_supervisor_review_guard_and_return(cast, appraisal):
    fill_self(appraisal)
    appraisal = submit(appraisal, cast.engineer_a, Step.SUPERVISOR_REVIEW)
    with pytest.raises(TransitionRefused):
        submit(appraisal, cast.lead_a, Step.FEEDBACK)
    with pytest.raises(PermissionDenied):
        submit(appraisal, cast.engineer_a, Step.FEEDBACK)
    with pytest.raises(DomainError):
        submit(appraisal, cast.lead_a, Step.SELF_ASSESSMENT)  # a return needs a reason
    appraisal = submit(appraisal, cast.lead_a, Step.SELF_ASSESSMENT, reason="请补充项目细节")
    assert appraisal.status == Step.SELF_ASSESSMENT


def test_entries_only_in_their_step_and_by_their_people(cast, committee, appraisal):
    item = hand_items(appraisal)[0]
    with pytest.raises(DomainError) as exc:
        services.entries_save(
            actor=cast.lead_a, appraisal=appraisal, source=Source.SUPERVISOR, values={item.indicator_id: 3}
        )
    assert exc.value.code == "wrong_step"
    with pytest.raises(PermissionDenied):
        services.entries_save(
            actor=cast.engineer_a2, appraisal=appraisal, source=Source.SELF, values={item.indicator_id: 3}
        )
    assert not SourceEntry.objects.exists()


def test_bad_values_are_refused_with_field_errors_and_change_nothing(cast, appraisal):
    rating = next(i for i in hand_items(appraisal) if i.indicator.data_source == "manual")
    before = snapshot(SourceEntry, Appraisal)
    for bad in ("abc", "-1", "6"):  # 6 is above the rating scale of 5
        with pytest.raises(DomainError) as exc:
            services.entries_save(
                actor=cast.engineer_a,
                appraisal=appraisal,
                source=Source.SELF,
                values={rating.indicator_id: bad},
            )
        assert f"value_{rating.indicator_id}" in exc.value.errors
    assert snapshot(SourceEntry, Appraisal) == before


def test_peers_enter_360_feedback_in_the_feedback_step(cast, committee, appraisal):
    fill_self(appraisal)
    appraisal = submit(appraisal, cast.engineer_a, Step.SUPERVISOR_REVIEW)
    values = {
        i.indicator_id: (3 if i.indicator.data_source == "manual" else 80) for i in hand_items(appraisal)
    }
    appraisal = services.entries_save(
        actor=cast.lead_a, appraisal=appraisal, source=Source.SUPERVISOR, values=values
    )
    appraisal = submit(appraisal, cast.lead_a, Step.FEEDBACK)
    rating = next(i for i in hand_items(appraisal) if i.indicator.data_source == "manual")
    services.entries_save(
        actor=cast.engineer_a2, appraisal=appraisal, source=Source.PEER, values={rating.indicator_id: 5}
    )
    for outsider in (cast.engineer_b, cast.engineer_a, cast.lead_a):  # other team, self, supervisor
        with pytest.raises(PermissionDenied):
            services.entries_save(
                actor=outsider, appraisal=appraisal, source=Source.PEER, values={rating.indicator_id: 5}
            )
    score = IndicatorScore.objects.get(appraisal=appraisal, indicator_id=rating.indicator_id)
    assert score.sources["peer"]["mean"] == "5.00"
    # (10×4 + 50×3 + 20×5) / 80 = 3.625
    assert score.value == D("3.63")


def test_publish_refused_while_a_hand_entered_value_is_missing(cast, committee, cycle):
    scheme = make_scheme(computed=False)
    appraisal = cycle.appraisals.get(employee=cast.engineer_a)
    Appraisal.objects.filter(pk=appraisal.pk).update(scheme=scheme)
    appraisal.refresh_from_db()
    with_zero_customer = services.cycle_update  # the customer weight is not 0: the survey has no value
    assert with_zero_customer
    appraisal = to_committee(appraisal, cast, committee=committee, customer=None)
    # the survey indicator takes the self/supervisor values when there is no survey; remove them
    SourceEntry.objects.filter(appraisal=appraisal, indicator__data_source="survey").delete()
    with pytest.raises(TransitionRefused) as exc:
        submit(appraisal, committee, Step.PUBLISHED)
    assert any("客户满意度" in r for r in exc.value.reasons)


def test_nobody_edits_a_published_result(cast, committee, appraisal):
    appraisal = published(appraisal, cast, committee=committee)
    item = hand_items(appraisal)[0]

    def picture():
        return (
            snapshot(SourceEntry, Adjustment),
            list(Appraisal.objects.filter(pk=appraisal.pk).values_list()),
            list(IndicatorScore.objects.filter(appraisal=appraisal).values_list()),
        )

    before = picture()
    for actor, source in (
        (cast.engineer_a, Source.SELF),
        (cast.lead_a, Source.SUPERVISOR),
        (committee, Source.CUSTOMER),
        (cast.manager, Source.SUPERVISOR),
    ):
        with pytest.raises(DomainError) as exc:
            services.entries_save(
                actor=actor, appraisal=appraisal, source=source, values={item.indicator_id: 1}
            )
        assert exc.value.code == "published"
    for actor in (committee, cast.manager):
        with pytest.raises(DomainError):
            services.adjustment_add(actor=actor, appraisal=appraisal, points=5, reason="x")
        with pytest.raises(TransitionRefused):
            submit(appraisal, actor, Step.SUPERVISOR_REVIEW, reason="改")
    services.cycle_compute(actor=committee, cycle=appraisal.cycle)
    assert picture() == before


def test_adjustment_rules(cast, committee, appraisal):
    appraisal = to_committee(appraisal, cast, committee=committee)
    with pytest.raises(PermissionDenied):
        services.adjustment_add(actor=cast.lead_a, appraisal=appraisal, points=5, reason="x")
    for points, reason, field in (
        ("5", "", "reason"),
        ("0", "x", "points"),
        ("x", "x", "points"),
        ("101", "x", "points"),
    ):
        with pytest.raises(DomainError) as exc:
            services.adjustment_add(actor=committee, appraisal=appraisal, points=points, reason=reason)
        assert field in exc.value.errors
    assert not Adjustment.objects.exists()


def test_appeal_rejected_then_acknowledged(cast, committee, appraisal):
    appraisal = published(appraisal, cast, committee=committee)
    with pytest.raises(DomainError):
        submit(appraisal, cast.engineer_a, Step.APPEALED)  # needs a reason
    with pytest.raises(PermissionDenied):
        submit(appraisal, cast.lead_a, Step.APPEALED, reason="x")
    appraisal = submit(appraisal, cast.engineer_a, Step.APPEALED, reason="客户满意度数据有误")
    assert Appeal.objects.get().reason == "客户满意度数据有误"
    with pytest.raises(PermissionDenied):
        services.appeal_answer(
            actor=cast.lead_a, appraisal=appraisal, outcome=AppealOutcome.REJECTED, answer="x"
        )
    with pytest.raises(DomainError) as exc:
        services.appeal_answer(actor=committee, appraisal=appraisal, outcome="maybe", answer="")
    assert set(exc.value.errors) == {"outcome", "answer"}
    services.appeal_answer(
        actor=committee, appraisal=appraisal, outcome=AppealOutcome.REJECTED, answer="数据已核实"
    )
    appraisal.refresh_from_db()
    assert appraisal.status == Step.PUBLISHED
    with pytest.raises(TransitionRefused):  # once only
        submit(appraisal, cast.engineer_a, Step.APPEALED, reason="再次申诉")
    assert submit(appraisal, cast.engineer_a, Step.ACKNOWLEDGED).status == Step.ACKNOWLEDGED


def test_appeal_upheld_reopens_the_committee_review(cast, committee, appraisal):
    appraisal = published(appraisal, cast, committee=committee)
    appraisal = submit(appraisal, cast.engineer_a, Step.APPEALED, reason="漏计一个项目")
    services.appeal_answer(actor=committee, appraisal=appraisal, outcome=AppealOutcome.UPHELD, answer="补计")
    appraisal.refresh_from_db()
    assert appraisal.status == Step.COMMITTEE_REVIEW and appraisal.published_at is None
    services.adjustment_add(actor=committee, appraisal=appraisal, points=3, reason="补计项目")
    assert submit(appraisal, committee, Step.PUBLISHED).status == Step.PUBLISHED


def test_invalid_transitions_and_stale_versions(cast, committee, appraisal):
    with pytest.raises(TransitionRefused):
        submit(appraisal, committee, Step.PUBLISHED)
    with pytest.raises(TransitionRefused):
        submit(appraisal, committee, "nowhere")
    fill_self(appraisal)
    with pytest.raises(StaleObjectError):
        services.appraisal_move(
            actor=cast.engineer_a, appraisal=appraisal, to_status=Step.SUPERVISOR_REVIEW, expected_version=1
        )


def test_cycle_setup_validation(committee, cast):
    before = snapshot(Cycle)
    with pytest.raises(DomainError) as exc:
        make_cycle(
            committee,
            quarter=5,
            weight_peer=D(10),
            end_on=date(2025, 12, 1),
            grade_bands=[{"grade": "A", "min": 60, "coefficient": 1}],
        )
    assert {"quarter", "weight_self", "end_on", "grade_bands"} <= set(exc.value.errors)
    with pytest.raises(PermissionDenied):
        make_cycle(cast.lead_a)
    with pytest.raises(DomainError) as exc:
        make_cycle(committee, self_due_on=date(2026, 4, 10), supervisor_due_on=date(2026, 4, 5))
    assert "supervisor_due_on" in exc.value.errors
    assert snapshot(Cycle) == before


def test_cycle_states(cast, committee, scheme):
    cycle = make_cycle(committee)
    with pytest.raises(TransitionRefused):
        services.cycle_open(actor=committee, cycle=cycle)  # no participants
    appraisal = services.participant_add(
        actor=committee, cycle=cycle, employee=cast.engineer_a, scheme=scheme
    )
    assert appraisal.supervisor == cast.lead_a  # the team's lead by default
    with pytest.raises(DomainError) as exc:
        services.participant_add(actor=committee, cycle=cycle, employee=cast.engineer_a, scheme=scheme)
    assert "employee" in exc.value.errors
    with pytest.raises(DomainError) as exc:
        services.participant_add(actor=committee, cycle=cycle, employee=cast.lead_a, scheme=scheme)
    assert "supervisor" in exc.value.errors
    cycle = services.cycle_update(
        actor=committee, cycle=cycle, changes={"weight_self": D(20), "weight_peer": D(10)}
    )
    cycle = services.cycle_open(actor=committee, cycle=cycle)
    assert cycle.status == CycleStatus.OPEN
    with pytest.raises(DomainError) as exc:
        services.cycle_update(
            actor=committee, cycle=cycle, changes={"weight_self": D(30), "weight_peer": D(0)}
        )
    assert exc.value.code == "cycle_running"
    services.cycle_update(actor=committee, cycle=cycle, changes={"committee_due_on": date(2026, 4, 30)})
    with pytest.raises(TransitionRefused) as exc:
        services.cycle_close(actor=committee, cycle=cycle)
    assert exc.value.reasons
    appraisal = published(appraisal, cast, committee=committee)
    cycle = services.cycle_close(actor=committee, cycle=cycle)
    assert cycle.status == CycleStatus.CLOSED
    with pytest.raises(DomainError):
        services.cycle_update(actor=committee, cycle=cycle, changes={"name": "x"})


def test_annual_cycle_takes_the_mean_of_the_published_quarters(cast, committee, scheme):
    from tests.factories.appraisal import running_cycle

    finals = []
    for quarter, supervisor_value in ((1, 5), (2, 2)):
        cycle = running_cycle(
            cast,
            committee=committee,
            scheme=scheme,
            people=[cast.engineer_a],
            quarter=quarter,
            name=f"Q{quarter}",
            start_on=date(2026, quarter * 3 - 2, 1),
            end_on=date(2026, quarter * 3, 28),
        )
        a = published(cycle.appraisals.get(), cast, committee=committee, supervisor_value=supervisor_value)
        finals.append(a.final_score)
    annual = make_cycle(
        committee,
        name="2026年度",
        kind="annual",
        quarter=None,
        start_on=date(2026, 1, 1),
        end_on=date(2026, 12, 31),
    )
    annual = services.cycle_open(actor=committee, cycle=annual)
    a = annual.appraisals.get()
    assert a.status == Step.COMMITTEE_REVIEW
    assert a.weighted_total == ((finals[0] + finals[1]) / 2).quantize(D("0.01"))
    assert submit(a, committee, Step.PUBLISHED).grade


def test_annual_cycle_needs_a_published_quarter(committee):
    annual = make_cycle(
        committee,
        name="2027年度",
        kind="annual",
        year=2027,
        quarter=None,
        start_on=date(2027, 1, 1),
        end_on=date(2027, 12, 31),
    )
    with pytest.raises(TransitionRefused):
        services.cycle_open(actor=committee, cycle=annual)


def test_recompute_later_computes_once_at_publication_and_at_the_end(cast, committee, cycle):
    """Inside services.recompute_later() the scores wait: computed together when a result is
    published and when the block ends, and the same as when computed after every step."""
    first, second = cycle.appraisals.order_by("pk")[:2]
    with services.recompute_later():
        first = to_committee(first, cast, committee=committee, self_value=5, supervisor_value=3)
        second = to_committee(second, cast, committee=committee, self_value=4, supervisor_value=4)
        assert Appraisal.objects.get(pk=first.pk).final_score is None  # not computed yet
        assert not IndicatorScore.objects.filter(appraisal__in=[first, second]).exists()
        first = submit(first, committee, Step.PUBLISHED)  # publishing needs the scores: both computed
        assert first.final_score is not None and first.grade
        assert Appraisal.objects.get(pk=second.pk).final_score is not None
        services.adjustment_add(actor=committee, appraisal=second, points="2", reason="跨部门协作表现突出")
        assert Appraisal.objects.get(pk=second.pk).adjustment == D("0.00")  # waits for the end
    second.refresh_from_db()
    assert second.adjustment == D("2.00")
    batched = {s.code: (s.value, s.normalized) for s in second.scores.all()}
    services.adjustment_add(actor=committee, appraisal=second, points="1", reason="复核")  # computed at once
    second.refresh_from_db()
    assert second.adjustment == D("3.00")
    assert {s.code: (s.value, s.normalized) for s in second.scores.all()} == batched
