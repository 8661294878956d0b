"""The POC services: numbering, the launch confirmation's rules, criteria, resources, the state
machine (every move allowed and refused, with its reasons), running records, the post-mortem and
the gate on the opportunity. Refused writes change nothing."""

import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection, connections
from django.utils import timezone, translation

from presales.core.errors import DomainError, PermissionDenied, StaleObjectError, TransitionRefused
from presales.poc import services
from presales.poc.choices import Status
from presales.poc.models import (
    Incident,
    KickoffMeeting,
    Measurement,
    Poc,
    PocEvent,
    ReadinessReview,
    ScopeChange,
    SuccessCriterion,
)
from presales.poc.selectors import poc_readiness, poc_verdicts
from tests.factories.poc import add_criterion, complete, make_opportunity, make_poc, measure, running_poc
from tests.kit import snapshot

pytestmark = pytest.mark.django_db


def refused(fn, *models, **kwargs):
    before = snapshot(*models)
    with pytest.raises(DomainError) as info:
        fn(**kwargs)
    assert snapshot(*models) == before, "a refused write changed the database"
    return info.value


# --- numbering --------------------------------------------------------------------------------------


def test_numbers_are_poc_year_three_digits_in_sequence(cast):
    year = timezone.localtime().year
    first, second = make_poc(cast), make_poc(cast)
    assert first.number == f"POC-{year}-001" and second.number == f"POC-{year}-002"


def test_the_year_is_beijing_time():
    # 2026-12-31 17:00 UTC is 2027-01-01 01:00 in Shanghai
    assert services.business_year(datetime(2026, 12, 31, 17, 0, tzinfo=UTC)) == 2027
    assert services.business_year(datetime(2026, 12, 31, 15, 0, tzinfo=UTC)) == 2026


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are a PostgreSQL matter")
def test_parallel_writers_get_distinct_numbers():
    from presales.accounts.choices import RoleCode
    from tests.factories import TeamFactory, make_user

    team = TeamFactory()
    lead = make_user(RoleCode.PRESALES_ENGINEER, team=team)
    team.lead = lead
    team.save()

    class C:  # the parts of the cast make_opportunity needs
        engineer_a, sales_a, team_a = lead, make_user(RoleCode.SALES, team=team), team

    opportunities = [make_opportunity(C) for _ in range(6)]
    numbers, errors, lock = [], [], threading.Lock()
    barrier = threading.Barrier(6)

    def worker(opportunity):
        try:
            barrier.wait()
            got = [make_poc(C, opportunity=opportunity, actor=lead).number for _ in range(5)]
            with lock:
                numbers.extend(got)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(o,)) for o in opportunities]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    year = timezone.localtime().year
    assert sorted(numbers) == [f"POC-{year}-{n:03d}" for n in range(1, 31)]
    assert Poc.objects.count() == 30


# --- creation and the launch confirmation --------------------------------------------------------------


def test_create_takes_the_customer_of_the_opportunity_and_writes_an_event(cast):
    opportunity = make_opportunity(cast)
    poc = make_poc(cast, opportunity=opportunity)
    assert poc.customer_id == opportunity.customer_id and poc.status == Status.DRAFT
    assert poc.our_company == str(cast.team_a)
    assert PocEvent.objects.get(poc=poc).to_status == Status.DRAFT


@pytest.mark.parametrize("hypotheses", [[], ["  "], ["a", "b", "c", "d"]])
def test_zero_or_four_hypotheses_are_refused(cast, hypotheses):
    opportunity = make_opportunity(cast)
    error = refused(services.poc_create, Poc, actor=cast.engineer_a, opportunity=opportunity, title="X",
                    hypotheses=hypotheses)
    assert "hypotheses" in error.errors


def test_one_to_three_hypotheses_are_kept(cast):
    poc = make_poc(cast, hypotheses=["a", "b", "c"])
    assert poc.hypotheses == ["a", "b", "c"]
    poc = services.poc_update(actor=cast.engineer_a, poc=poc, expected_version=poc.version, hypotheses="x\n\ny")
    assert poc.hypotheses == ["x", "y"]


def test_only_people_of_the_opportunity_create_and_not_on_a_closed_one(cast):
    opportunity = make_opportunity(cast)
    for outsider in (cast.engineer_b, cast.nobody):
        refused(services.poc_create, Poc, actor=outsider, opportunity=opportunity, title="X", hypotheses=["h"])
    with pytest.raises(PermissionDenied):
        services.poc_create(actor=cast.sales_a, opportunity=opportunity, title="X", hypotheses=["h"])
    member_opportunity = make_opportunity(cast, members=[cast.engineer_a2])
    assert make_poc(cast, opportunity=member_opportunity, actor=cast.engineer_a2).pk
    closed = make_opportunity(cast, stage="lost")
    error = refused(services.poc_create, Poc, actor=cast.engineer_a, opportunity=closed, title="X", hypotheses=["h"])
    assert error.code == "opportunity_closed"


def test_end_before_start_refused(cast):
    today = timezone.localdate()
    error = refused(services.poc_create, Poc, actor=cast.engineer_a, opportunity=make_opportunity(cast), title="X",
                    hypotheses=["h"], planned_start_on=today, planned_end_on=today - timedelta(days=1))
    assert "planned_end_on" in error.errors


def test_stale_edit_refused(cast):
    poc = make_poc(cast)
    services.poc_update(actor=cast.engineer_a, poc=poc, expected_version=1, title="新名称")
    with pytest.raises(StaleObjectError):
        services.poc_update(actor=cast.lead_a, poc=poc, expected_version=1, title="另一个名称")


@pytest.mark.parametrize("method, data, field", [
    ("signed", {"our_signatory": "王", "our_signed_on": "today", "customer_signatory": "陈"}, "customer_signed_on"),
    ("signed", {"our_signed_on": "today", "customer_signatory": "陈", "customer_signed_on": "today"},
     "our_signatory"),
    ("email", {"customer_signatory": "陈", "customer_signed_on": "today"}, "email_reference"),
    ("email", {"customer_signatory": "陈", "customer_signed_on": "tomorrow", "email_reference": "Re: 确认"},
     "customer_signed_on"),
    ("fax", {}, "method"),
])
def test_confirmation_needs_both_signatures_or_the_email(cast, method, data, field):
    poc = make_poc(cast)
    days = {"today": timezone.localdate(), "tomorrow": timezone.localdate() + timedelta(days=1)}
    data = {k: days.get(v, v) for k, v in data.items()}
    error = refused(services.poc_confirm_launch, Poc, actor=cast.engineer_a, poc=poc, method=method, **data)
    assert field in error.errors


def test_email_confirmation_counts(cast):
    poc = services.poc_confirm_launch(actor=cast.engineer_a, poc=make_poc(cast), method="email",
                                      customer_signatory="陈总", customer_signed_on=timezone.localdate(),
                                      email_reference="陈总 2026-05-04 邮件：同意按确认书启动")
    assert poc.is_confirmed


def test_kickoff_at_least_30_minutes_with_both_sides(cast):
    poc = make_poc(cast)
    attendees = [{"side": "ours", "role": "technical_lead", "name": "张工"},
                 {"side": "customer", "role": "decision_maker", "name": "陈总"}]
    error = refused(services.kickoff_record, KickoffMeeting, actor=cast.engineer_a, poc=poc, held_at=timezone.now(),
                    duration_minutes=29, minutes="m", attendees=attendees)
    assert "duration_minutes" in error.errors and "30" in error.errors["duration_minutes"][0]
    error = refused(services.kickoff_record, KickoffMeeting, actor=cast.engineer_a, poc=poc, held_at=timezone.now(),
                    duration_minutes=30, minutes="m", attendees=attendees[:1])
    assert "attendees" in error.errors
    error = refused(services.kickoff_record, KickoffMeeting, actor=cast.engineer_a, poc=poc, held_at=timezone.now(),
                    duration_minutes=30, minutes="m",
                    attendees=[*attendees, {"side": "ours", "role": "decision_maker", "name": "错位"}])
    assert "attendees" in error.errors
    kickoff = services.kickoff_record(actor=cast.engineer_a, poc=poc, held_at=timezone.now(), duration_minutes=30,
                                      minutes="m", attendees=attendees)
    assert kickoff.attendees.count() == 2
    # recording it again replaces the attendees
    services.kickoff_record(actor=cast.engineer_a, poc=poc, held_at=timezone.now(), duration_minutes=45, minutes="m2",
                            attendees=[*attendees, {"side": "customer", "role": "end_user", "name": "操作员"}])
    kickoff.refresh_from_db()
    assert kickoff.duration_minutes == 45 and kickoff.attendees.count() == 3


# --- criteria ---------------------------------------------------------------------------------------------


def test_a_criterion_without_a_number_is_refused_with_why(cast):
    poc = make_poc(cast)
    error = refused(add_criterion, SuccessCriterion, poc=poc, actor=cast.engineer_a, name="系统稳定性更好",
                    pass_level=None)
    assert "pass_level" in error.errors and "系统稳定性更好" in error.errors["pass_level"][0]


@pytest.mark.parametrize("fields, field", [
    ({"form": "relative", "baseline": None}, "baseline"),
    ({"form": "ratio", "reference": None, "pass_level": Decimal(95), "excellent_level": Decimal(100),
      "direction": "higher"}, "reference"),
    ({"excellent_level": Decimal(90)}, "excellent_level"),
    ({"unit": ""}, "unit"),
    ({"direction": "sideways"}, "direction"),
])
def test_criterion_rules(cast, fields, field):
    error = refused(add_criterion, SuccessCriterion, poc=make_poc(cast), actor=cast.engineer_a, **fields)
    assert field in error.errors


@pytest.mark.parametrize("fields", [
    {"form": "absolute", "direction": "lower", "pass_level": Decimal(80), "excellent_level": Decimal(50)},
    {"form": "absolute", "direction": "higher", "pass_level": Decimal("99.5"), "excellent_level": Decimal("99.8")},
    {"form": "relative", "direction": "lower", "baseline": Decimal(5), "pass_level": Decimal(60),
     "excellent_level": Decimal(80)},
    {"form": "relative", "direction": "higher", "baseline": Decimal(100), "pass_level": Decimal(20),
     "excellent_level": Decimal(30)},
    {"form": "ratio", "direction": "higher", "reference": Decimal(180), "pass_level": Decimal(95),
     "excellent_level": Decimal(100)},
    {"form": "ratio", "direction": "lower", "reference": Decimal(10), "pass_level": Decimal(120),
     "excellent_level": Decimal(100)},
])
def test_every_form_and_direction_is_accepted(cast, fields):
    criterion = add_criterion(make_poc(cast), cast.engineer_a, **fields)
    assert criterion.pk and criterion.pass_text != "—"


def test_at_most_three_key_criteria(cast):
    poc = make_poc(cast)
    for i in range(3):
        add_criterion(poc, cast.engineer_a, name=f"指标{i}")
    error = refused(add_criterion, SuccessCriterion, poc=poc, actor=cast.engineer_a, name="指标4")
    assert "is_key" in error.errors
    secondary = add_criterion(poc, cast.engineer_a, name="次要指标", is_key=False)
    error = refused(services.criterion_update, SuccessCriterion, actor=cast.engineer_a, criterion=secondary,
                    expected_version=secondary.version, is_key=True)
    assert "is_key" in error.errors


def test_duplicate_criterion_name_refused(cast):
    poc = make_poc(cast)
    add_criterion(poc, cast.engineer_a)
    error = refused(add_criterion, SuccessCriterion, poc=poc, actor=cast.engineer_a, is_key=False)
    assert "name" in error.errors


def test_changing_the_levels_withdraws_the_agreement(cast):
    criterion = add_criterion(make_poc(cast), cast.engineer_a)
    assert criterion.agreed and criterion.agreed_on == timezone.localdate()
    criterion = services.criterion_update(actor=cast.engineer_a, criterion=criterion,
                                          expected_version=criterion.version, notes="说明")
    assert criterion.agreed
    criterion = services.criterion_update(actor=cast.engineer_a, criterion=criterion,
                                          expected_version=criterion.version, pass_level=Decimal(90))
    assert not criterion.agreed and criterion.agreed_on is None
    criterion = services.criterion_update(actor=cast.engineer_a, criterion=criterion,
                                          expected_version=criterion.version, agreed=True)
    assert criterion.agreed and criterion.agreed_on


def test_criteria_are_frozen_once_running(cast):
    poc = running_poc(cast)
    criterion = poc.criteria.first()
    error = refused(add_criterion, SuccessCriterion, poc=poc, actor=cast.engineer_a, name="新指标")
    assert error.code == "criteria_frozen"
    refused(services.criterion_update, SuccessCriterion, actor=cast.engineer_a, criterion=criterion,
            expected_version=criterion.version, pass_level=Decimal(1))
    error = refused(services.poc_update, Poc, actor=cast.engineer_a, poc=poc, expected_version=poc.version,
                    hypotheses=["换一个假设"])
    assert "hypotheses" in error.errors


def test_guide_prefills_a_criterion(cast):
    from presales.poc.models import CriterionGuide

    guide = CriterionGuide.objects.get(metric="BMS响应时间")
    data = services.criterion_initial_from_guide(guide)
    assert data["pass_level"] == Decimal(80) and data["excellent_level"] == Decimal(50) and data["unit"] == "ms"
    data["guide"] = guide
    criterion = services.criterion_create(actor=cast.engineer_a, poc=make_poc(cast), **data)
    assert criterion.guide == guide


def test_seed_guide_table_is_loaded():
    from presales.poc.models import CriterionGuide

    assert CriterionGuide.objects.count() == 10
    assert set(CriterionGuide.objects.values_list("industry", flat=True)) == {
        "energy_storage", "robotics", "new_materials", "low_altitude"}


# --- resources, risks ---------------------------------------------------------------------------------------


def test_resource_rules(cast):
    from presales.poc.models import ResourceItem

    poc = make_poc(cast)
    error = refused(services.resource_create, ResourceItem, actor=cast.engineer_a, poc=poc, side="ours",
                    kind="hour_cap", description="工时上限")
    assert "hours" in error.errors
    error = refused(services.resource_create, ResourceItem, actor=cast.engineer_a, poc=poc, side="ours",
                    kind="milestone", description="样机到场")
    assert "due_on" in error.errors
    error = refused(services.resource_create, ResourceItem, actor=cast.engineer_a, poc=poc, side="ours",
                    kind="site", description="")
    assert "description" in error.errors


# --- readiness answers and reviews -----------------------------------------------------------------------------


def test_only_asked_items_are_answered(cast):
    poc = make_poc(cast)
    error = refused(services.readiness_answer, Poc, actor=cast.engineer_a, poc=poc, item=5, done=True)
    assert error.code == "computed_item"
    refused(services.readiness_answer, Poc, actor=cast.engineer_a, poc=poc, item=17, done=True)
    services.readiness_answer(actor=cast.engineer_a, poc=poc, item=12, done=False, note="场地未腾空")
    services.readiness_answer(actor=cast.engineer_a, poc=poc, item=12, done=True, note="已腾空")
    item = poc_readiness(poc=poc).items[11]
    assert item.done and item.note == "已腾空"


def test_review_snapshot_any_time(cast):
    poc = running_poc(cast)
    review = services.readiness_review(actor=cast.lead_a, poc=poc, purpose="review", note="周检")
    assert review.score == 16 and len(review.items) == 16
    with pytest.raises(PermissionDenied):
        services.readiness_review(actor=cast.sales_a, poc=poc)


# --- the state machine ----------------------------------------------------------------------------------------


def move(poc, to, actor, reason=""):
    return services.poc_move(actor=actor, poc=Poc.objects.get(pk=poc.pk), to_status=to, reason=reason)


def refused_move(poc, to, actor, reason=""):
    before = snapshot(Poc, PocEvent)
    with pytest.raises(DomainError) as info:
        move(poc, to, actor, reason)
    assert snapshot(Poc, PocEvent) == before
    return info.value


@translation.override("en")
def test_confirm_needs_a_complete_launch_confirmation(cast):
    poc = make_poc(cast, planned_start_on=None, planned_end_on=None)
    error = refused_move(poc, "ready", cast.engineer_a)
    assert isinstance(error, TransitionRefused)
    text = " ".join(error.reasons)
    assert "criterion" in text and "dates" in text and "signed" in text
    poc = complete(poc, cast.engineer_a)
    refused_move(poc, "ready", cast.engineer_a)  # still no dates
    services.poc_update(actor=cast.engineer_a, poc=poc, expected_version=None, planned_start_on=timezone.localdate(),
                        planned_end_on=timezone.localdate())
    assert move(poc, "ready", cast.engineer_a).status == Status.READY


def test_start_refused_below_the_threshold_naming_every_missing_item(cast):
    poc = complete(make_poc(cast), cast.engineer_a, skip=[11, 12, 13, 16])
    poc = move(poc, "ready", cast.engineer_a)
    error = refused_move(poc, "running", cast.engineer_a)
    assert len(error.reasons) == 1
    reason = error.reasons[0]
    assert "12/16" in reason and "13" in reason
    for number in (11, 12, 13, 16):
        assert f"{number}. " in reason
    services.readiness_answer(actor=cast.engineer_a, poc=poc, item=11, done=True)
    poc = move(poc, "running", cast.engineer_a, "自检13分，启动")
    assert poc.status == Status.RUNNING and poc.started_at
    event = PocEvent.objects.filter(poc=poc).first()
    assert event.to_status == "running" and event.readiness_score == 13
    assert ReadinessReview.objects.get(poc=poc).purpose == "start"


def test_evaluate_needs_the_samples_and_conclude_follows_the_verdict(cast):
    poc = running_poc(cast)
    criterion = poc.criteria.get()
    error = refused_move(poc, "evaluating", cast.engineer_a)
    assert "0 of 3" in error.reasons[0] or "0" in error.reasons[0]
    measure(poc, criterion, cast.engineer_a, 70, 80)
    refused_move(poc, "evaluating", cast.engineer_a)
    measure(poc, criterion, cast.engineer_a, 75)
    poc = move(poc, "evaluating", cast.engineer_a)
    # mean 75 ms: passed, not failed
    error = refused_move(poc, "failed", cast.engineer_a)
    assert "Passed" in error.reasons[0] or "通过" in error.reasons[0]
    poc = move(poc, "passed", cast.engineer_a, "通过，启动商务谈判")
    assert poc.verdict == "passed" and poc.ended_at and poc.conclusion == "通过，启动商务谈判"


def test_failed_verdict_and_resume(cast):
    poc = running_poc(cast)
    criterion = poc.criteria.get()
    measure(poc, criterion, cast.engineer_a, 90, 95, 85)
    poc = move(poc, "evaluating", cast.engineer_a)
    refused_move(poc, "passed", cast.engineer_a)
    refused_move(poc, "running", cast.engineer_a)  # a step back needs a reason
    poc = move(poc, "running", cast.engineer_a, "补测一轮")
    measure(poc, criterion, cast.engineer_a, 100)
    poc = move(poc, "evaluating", cast.engineer_a)
    poc = move(poc, "failed", cast.engineer_a, "未达标")
    assert poc.verdict == "failed"


def test_excellent_verdict(cast):
    poc = running_poc(cast)
    measure(poc, poc.criteria.get(), cast.engineer_a, 40, 50, 45)
    poc = move(move(poc, "evaluating", cast.engineer_a), "passed", cast.engineer_a)
    assert poc.verdict == "excellent"


@pytest.mark.parametrize("source", ["draft", "ready", "running", "evaluating"])
def test_abandon_from_every_open_status_needs_a_reason(cast, source):
    poc = running_poc(cast) if source in ("running", "evaluating") else complete(make_poc(cast), cast.engineer_a)
    if source == "ready":
        poc = move(poc, "ready", cast.engineer_a)
    if source == "evaluating":
        measure(poc, poc.criteria.get(), cast.engineer_a, 70, 70, 70)
        poc = move(poc, "evaluating", cast.engineer_a)
    error = refused_move(poc, "abandoned", cast.engineer_a)
    assert error.field == "reason"
    assert move(poc, "abandoned", cast.engineer_a, "客户预算冻结").status == Status.ABANDONED


def test_reopen_ready_to_draft_needs_a_reason(cast):
    poc = move(complete(make_poc(cast), cast.engineer_a), "ready", cast.engineer_a)
    refused_move(poc, "draft", cast.engineer_a)
    assert move(poc, "draft", cast.engineer_a, "客户要求修改假设").status == Status.DRAFT


@pytest.mark.parametrize("source, target", [
    ("draft", "running"), ("draft", "passed"), ("ready", "evaluating"), ("running", "passed"),
    ("running", "draft"), ("draft", "nonsense"),
])
def test_moves_outside_the_table_are_refused(cast, source, target):
    poc = complete(make_poc(cast), cast.engineer_a)
    if source in ("ready", "running"):
        poc = move(poc, "ready", cast.engineer_a)
    if source == "running":
        poc = move(poc, "running", cast.engineer_a)
    error = refused_move(poc, target, cast.engineer_a, "x")
    assert error.code == "invalid_transition"


def test_closed_is_final(cast):
    poc = move(make_poc(cast), "abandoned", cast.engineer_a, "不做了")
    for target in ("draft", "ready", "running"):
        assert isinstance(refused_move(poc, target, cast.engineer_a, "x"), (TransitionRefused, PermissionDenied))
    refused(services.poc_update, Poc, actor=cast.engineer_a, poc=poc, expected_version=poc.version, title="新")


@pytest.mark.parametrize("who, allowed", [
    ("engineer_a", True), ("lead_a", True), ("manager", True), ("sales_a", False), ("engineer_a2", False),
    ("engineer_b", False),
])
def test_who_moves_the_status(cast, who, allowed):
    poc = complete(make_poc(cast, opportunity=make_opportunity(cast, members=[cast.engineer_a2])), cast.engineer_a)
    if allowed:
        assert move(poc, "ready", getattr(cast, who)).status == Status.READY
    else:
        assert isinstance(refused_move(poc, "ready", getattr(cast, who)), PermissionDenied)


# --- running: measurements --------------------------------------------------------------------------------------


def test_measurements_only_while_running_and_for_own_criteria(cast):
    poc = complete(make_poc(cast), cast.engineer_a)
    criterion = poc.criteria.get()
    error = refused(services.measurement_record, Measurement, actor=cast.engineer_a, poc=poc, criterion=criterion,
                    measured_at=timezone.now(), value=Decimal(1))
    assert error.code == "not_running"
    poc = running_poc(cast)
    other = complete(make_poc(cast), cast.engineer_a).criteria.get()
    error = refused(services.measurement_record, Measurement, actor=cast.engineer_a, poc=poc, criterion=other,
                    measured_at=timezone.now(), value=Decimal(1))
    assert "criterion" in error.errors
    error = refused(services.measurement_record, Measurement, actor=cast.engineer_a, poc=poc,
                    criterion=poc.criteria.get(), measured_at=timezone.now() + timedelta(days=1), value=Decimal(1))
    assert "measured_at" in error.errors
    with pytest.raises(PermissionDenied):
        services.measurement_record(actor=cast.sales_a, poc=poc, criterion=poc.criteria.get(),
                                    measured_at=timezone.now(), value=Decimal(1))


def csv_bytes(rows):
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8")


def test_import_csv_all_rows(cast):
    poc = running_poc(cast)
    now = timezone.localtime()
    content = csv_bytes([("指标", "时间", "数值", "备注"),
                         ("BMS响应时间", (now - timedelta(hours=2)).strftime("%Y-%m-%d %H:%M"), "72.5", "第一轮"),
                         ("1", (now - timedelta(hours=1)).strftime("%Y/%m/%d %H:%M"), "68", ""),
                         ("bms响应时间", (now - timedelta(minutes=5)).isoformat(), "1,070", "")])
    batch = services.measurement_import(actor=cast.engineer_a, poc=poc, content=content, file_name="m.csv")
    assert batch.rows == 3
    values = sorted(Measurement.objects.filter(poc=poc).values_list("value", flat=True))
    assert values == [Decimal(68), Decimal("72.5"), Decimal(1070)]
    assert set(Measurement.objects.values_list("source", flat=True)) == {"import"}


def test_import_reports_every_bad_row_and_imports_nothing(cast):
    poc = running_poc(cast)
    now = timezone.localtime()
    good = now.strftime("%Y-%m-%d %H:%M")
    content = csv_bytes([("criterion", "measured_at", "value"),
                         ("BMS响应时间", good, "70"),
                         ("不存在的指标", good, "70"),
                         ("BMS响应时间", "昨天", "70"),
                         ("BMS响应时间", good, "很快"),
                         ("", good, "70"),
                         ("BMS响应时间", (now + timedelta(days=2)).strftime("%Y-%m-%d %H:%M"), "70")])
    before = snapshot(Measurement)
    with pytest.raises(services.ImportRefused) as info:
        services.measurement_import(actor=cast.engineer_a, poc=poc, content=content, file_name="m.csv")
    assert snapshot(Measurement) == before
    rows = dict(info.value.rows)
    assert set(rows) == {3, 4, 5, 6, 7}
    assert "不存在的指标" in rows[3][0] and "昨天" in rows[4][0] and "很快" in rows[5][0]
    assert any("Row 3" in m or "第 3 行" in m for m in info.value.errors["file"])


@pytest.mark.parametrize("content, name, message", [
    (b"", "m.csv", "empty"), (b"a,b\n1,2\n", "m.csv", "criterion"), (b"x", "m.pdf", ".csv"),
    (b"not a zip", "m.xlsx", "XLSX"), (b"criterion,measured_at,value\n", "m.csv", "no measurement"),
])
@translation.override("en")
def test_import_refuses_bad_files(cast, content, name, message):
    poc = running_poc(cast)
    with pytest.raises(services.ImportRefused) as info:
        services.measurement_import(actor=cast.engineer_a, poc=poc, content=content, file_name=name)
    assert message in " ".join(info.value.file_errors)


def test_import_xlsx(cast):
    import io

    from openpyxl import Workbook

    poc = running_poc(cast)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["criterion", "measured_at", "value", "note"])
    naive = timezone.localtime().replace(tzinfo=None, microsecond=0) - timedelta(hours=1)
    sheet.append(["BMS响应时间", naive, 66.25, "xlsx"])
    sheet.append([1, naive.date(), 70, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    batch = services.measurement_import(actor=cast.engineer_a, poc=poc, content=buffer.getvalue(),
                                        file_name="data.xlsx")
    assert batch.rows == 2
    assert Measurement.objects.filter(poc=poc, value=Decimal("66.25")).exists()
    # a naive time in the file is Beijing time
    stored = Measurement.objects.get(poc=poc, value=Decimal("66.25")).measured_at
    assert timezone.localtime(stored).replace(tzinfo=None) == naive


# --- running: incidents, scope changes, syncs -------------------------------------------------------------------------


def test_incident_clock_overdue_and_notification(cast, django_capture_on_commit_callbacks):
    from presales.notifications.models import Notification

    poc = running_poc(cast)
    occurred = timezone.now() - timedelta(hours=5)
    with django_capture_on_commit_callbacks(execute=True):
        incident = services.incident_open(actor=cast.engineer_a, poc=poc, title="样机通讯中断", occurred_at=occurred)
    assert incident.response_due_at == occurred + timedelta(hours=4)
    assert Notification.objects.filter(kind="poc.incident", recipient=cast.engineer_a).exists()
    assert Notification.objects.filter(kind="poc.incident", recipient=cast.sales_a).exists()
    from presales.poc.selectors import incident_list

    assert incident_list(user=cast.engineer_a).get(pk=incident.pk).is_overdue
    from presales.poc.tasks import notify_overdue_incidents

    with django_capture_on_commit_callbacks(execute=True):
        assert notify_overdue_incidents() == 1
    with django_capture_on_commit_callbacks(execute=True):
        notify_overdue_incidents()  # deduplicated: told once
    assert Notification.objects.filter(kind="poc.incident_overdue").count() == 2
    assert len(mail.outbox) >= 0
    error = refused(services.incident_respond, Incident, actor=cast.engineer_a, incident=incident, response=" ",
                    expected_version=incident.version)
    assert "response" in error.errors
    incident = services.incident_respond(actor=cast.sales_a, incident=incident, response="已远程重启",
                                         expected_version=incident.version)
    assert incident.status == "responded" and not incident_list(user=cast.engineer_a).get(pk=incident.pk).is_overdue
    refused(services.incident_respond, Incident, actor=cast.engineer_a, incident=incident, response="再次",
            expected_version=incident.version)
    incident = services.incident_resolve(actor=cast.engineer_a, incident=incident, resolution="更换通讯模块",
                                         expected_version=incident.version)
    assert incident.status == "resolved" and incident.resolved_at


def test_resolving_without_response_counts_as_response(cast):
    poc = running_poc(cast)
    incident = services.incident_open(actor=cast.engineer_a, poc=poc, title="断电", occurred_at=timezone.now())
    incident = services.incident_resolve(actor=cast.engineer_a, incident=incident, resolution="恢复供电",
                                         expected_version=incident.version)
    assert incident.responded_at == incident.resolved_at


def test_incidents_not_in_draft_and_not_by_outsiders(cast):
    error = refused(services.incident_open, Incident, actor=cast.engineer_a, poc=make_poc(cast), title="x",
                    occurred_at=timezone.now())
    assert error.code == "invalid_state"
    with pytest.raises(PermissionDenied):
        services.incident_open(actor=cast.engineer_a2, poc=running_poc(cast), title="x", occurred_at=timezone.now())


def test_scope_change_accepted_only_with_both_sides(cast):
    poc = running_poc(cast)
    change = services.scope_change_propose(actor=cast.sales_a, poc=poc, title="追加低温测试",
                                           description="-20°C工况", requested_on=timezone.localdate())
    assert change.status == "proposed"
    # the customer's side needs who, when and how
    error = refused(services.scope_change_confirm, ScopeChange, actor=cast.sales_a, change=change, side="customer",
                    expected_version=change.version, customer_confirmed_by="陈总")
    assert {"customer_confirmed_on", "customer_confirmation"} <= set(error.errors)
    change = services.scope_change_confirm(actor=cast.sales_a, change=change, side="customer",
                                           expected_version=change.version, customer_confirmed_by="陈总",
                                           customer_confirmed_on=timezone.localdate(), customer_confirmation="邮件")
    assert change.status == "proposed", "one side is not enough"
    # our side: only who answers for the POC
    with pytest.raises(PermissionDenied):
        services.scope_change_confirm(actor=cast.sales_a, change=change, side="ours", expected_version=change.version)
    change = services.scope_change_confirm(actor=cast.engineer_a, change=change, side="ours",
                                           expected_version=change.version)
    assert change.status == "accepted" and change.our_confirmed_by == cast.engineer_a
    refused(services.scope_change_reject, ScopeChange, actor=cast.engineer_a, change=change, reason="x",
            expected_version=change.version)


def test_scope_change_database_refuses_acceptance_without_both(cast):
    from django.db import IntegrityError, transaction

    change = services.scope_change_propose(actor=cast.engineer_a, poc=running_poc(cast), title="追加",
                                           description="d", requested_on=timezone.localdate())
    with pytest.raises(IntegrityError), transaction.atomic():
        ScopeChange.objects.filter(pk=change.pk).update(status="accepted")


def test_scope_change_rejected(cast):
    poc = running_poc(cast)
    change = services.scope_change_propose(actor=cast.engineer_a, poc=poc, title="追加", description="d",
                                           requested_on=timezone.localdate())
    refused(services.scope_change_reject, ScopeChange, actor=cast.engineer_a, change=change, reason="",
            expected_version=change.version)
    change = services.scope_change_reject(actor=cast.engineer_a, change=change, reason="超出本次范围",
                                          expected_version=change.version)
    assert change.status == "rejected"


def test_sync_note(cast):
    from presales.poc.models import SyncNote

    poc = running_poc(cast)
    error = refused(services.sync_note_create, SyncNote, actor=cast.sales_a, poc=poc,
                    held_on=timezone.localdate() + timedelta(days=3), attendees="双方", progress="p")
    assert "held_on" in error.errors
    assert services.sync_note_create(actor=cast.sales_a, poc=poc, held_on=timezone.localdate(), attendees="双方",
                                     progress="第一周完成安装").pk


# --- post-mortem and the opportunity's gate ------------------------------------------------------------------------------


def test_post_mortem_only_after_a_loss_and_against_the_checklist(cast):
    from presales.poc.models import PostMortem

    poc = running_poc(cast)
    error = refused(services.post_mortem_record, PostMortem, actor=cast.engineer_a, poc=poc,
                    held_on=timezone.localdate(), problem_kind="execution", summary="s", lessons="l")
    assert error.code == "invalid_state"
    poc = move(poc, "abandoned", cast.engineer_a, "客户放弃")
    error = refused(services.post_mortem_record, PostMortem, actor=cast.engineer_a, poc=poc,
                    held_on=timezone.localdate(), problem_kind="preparation", summary="s", lessons="l")
    assert "weak_items" in error.errors
    refused(services.post_mortem_record, PostMortem, actor=cast.engineer_a, poc=poc, held_on=timezone.localdate(),
            problem_kind="execution", summary="s", lessons="l", weak_items=[17])
    record = services.post_mortem_record(actor=cast.engineer_a, poc=poc, held_on=timezone.localdate(),
                                         problem_kind="preparation", weak_items=[12, 8], summary="现场条件不满足",
                                         lessons="启动会逐项确认")
    assert record.weak_items == [8, 12] and record.readiness_score == 16
    assert ReadinessReview.objects.filter(poc=poc, purpose="post_mortem").exists()
    record = services.post_mortem_record(actor=cast.engineer_a, poc=poc, held_on=timezone.localdate(),
                                         problem_kind="both", weak_items=[12], summary="更正", lessons="l")
    assert PostMortem.objects.get(poc=poc).summary == "更正"


@translation.override("en")
def test_opportunity_cannot_leave_demo_poc_while_its_poc_is_unsettled(cast):
    from presales.opportunities.choices import Stage
    from presales.opportunities.workflow import opportunity_flow

    opportunity = make_opportunity(cast)
    to_bid = opportunity_flow.get(Stage.DEMO_POC, Stage.BID)
    to_negotiation = opportunity_flow.get(Stage.DEMO_POC, Stage.NEGOTIATION)
    back = opportunity_flow.get(Stage.DEMO_POC, Stage.SOLUTION)
    to_lost = opportunity_flow.get(Stage.DEMO_POC, Stage.LOST)

    def poc_reasons(transition):
        return [r for r in opportunity_flow.unmet_conditions(opportunity, transition) if "POC" in r]

    assert poc_reasons(to_bid) == []  # no POC: not affected
    poc = running_poc(cast, opportunity=opportunity)
    assert poc.number in poc_reasons(to_bid)[0] and poc.number in poc_reasons(to_negotiation)[0]
    assert poc_reasons(back) == [] and poc_reasons(to_lost) == []
    # a skip from solution cannot jump over it either
    assert poc_reasons(opportunity_flow.get(Stage.SOLUTION, Stage.BID))
    measure(poc, poc.criteria.get(), cast.engineer_a, 70, 70, 70)
    poc = move(move(poc, "evaluating", cast.engineer_a), "passed", cast.engineer_a)
    assert poc_reasons(to_bid) == []
    failed = running_poc(cast, opportunity=opportunity)
    failed = move(failed, "abandoned", cast.engineer_a, "客户叫停")
    assert "post-mortem" in poc_reasons(to_bid)[0]
    services.post_mortem_record(actor=cast.engineer_a, poc=failed, held_on=timezone.localdate(),
                                problem_kind="external", summary="s", lessons="l")
    assert poc_reasons(to_bid) == [] and poc_reasons(to_negotiation) == []


def test_verdict_table_looks_at_key_criteria_only(cast):
    poc = complete(make_poc(cast), cast.engineer_a)
    add_criterion(poc, cast.engineer_a, name="次要：能耗", is_key=False, pass_level=Decimal(1), excellent_level=None)
    poc = move(move(poc, "ready", cast.engineer_a), "running", cast.engineer_a)
    key, secondary = poc.criteria.get(is_key=True), poc.criteria.get(is_key=False)
    assert poc_verdicts(poc=poc).overall.level is None
    measure(poc, key, cast.engineer_a, 40, 40, 40)
    measure(poc, secondary, cast.engineer_a, 99)
    table = poc_verdicts(poc=poc)
    assert [r.verdict.level for r in table.rows] == ["excellent", "failed"]
    assert table.overall.level == "excellent" and table.overall.complete
