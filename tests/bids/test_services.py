"""The bid rules, through the services: numbering, defaults, tender information, plan and
milestones, the deviation table (rules and import), the review checklist, the submission gate,
withdraw, receipt, result; permissions and stale edits."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from presales.bids import services
from presales.bids.choices import DEFAULT_REVIEW_ITEMS
from presales.bids.models import Bid, BidEvent, DeviationRow, Milestone, ReviewItem, Section
from presales.core.errors import DomainError, PermissionDenied, StaleObjectError, TransitionRefused
from tests.factories.bids import make_bid, submitted_bid
from tests.kit import snapshot

pytestmark = pytest.mark.django_db


def test_create_numbers_and_seeds_sections_and_checklist(cast, bid):
    assert bid.number.startswith(f"TB-{timezone.localdate().year}-") and len(bid.number) == 12
    second = make_bid(cast, opportunity=bid.opportunity)
    assert int(second.number[-4:]) == int(bid.number[-4:]) + 1
    assert bid.sections.filter(part="business").count() == 6
    assert set(bid.sections.filter(part="business").values_list("owner", flat=True)) == {cast.engineer_a2.pk}
    assert bid.sections.filter(part="technical").count() == 4
    assert set(bid.sections.filter(part="technical").values_list("owner", flat=True)) == {cast.engineer_a.pk}
    assert bid.review_items.count() == len(DEFAULT_REVIEW_ITEMS)
    assert set(bid.review_items.values_list("group", flat=True)) == {
        "accuracy", "completeness", "compliance", "format", "language"}
    assert bid.status == "preparing" and bid.time_zone == "Asia/Shanghai"


def test_number_year_is_the_company_year(cast, opportunity):
    # 2026-12-31 17:00 UTC is already 2027 in Shanghai
    now = datetime(2026, 12, 31, 17, 0, tzinfo=UTC)
    bid = make_bid(cast, opportunity=opportunity, now=now, deadline=now + timedelta(days=3))
    assert bid.number.startswith("TB-2027-")


def test_naive_deadline_is_read_in_the_tender_zone(cast, opportunity):
    now = datetime(2026, 6, 1, tzinfo=UTC)
    bid = make_bid(cast, opportunity=opportunity, now=now, deadline=datetime(2026, 6, 17, 9, 30),
                   time_zone="America/New_York")
    bid.refresh_from_db()
    assert bid.deadline == datetime(2026, 6, 17, 13, 30, tzinfo=UTC)
    assert bid.local_deadline.strftime("%H:%M") == "09:30"


def test_create_refuses_bad_input_and_changes_nothing(cast, opportunity):
    before = snapshot(Bid, Section, ReviewItem)
    now = datetime(2026, 3, 1, tzinfo=UTC)
    with pytest.raises(DomainError) as exc:
        make_bid(cast, opportunity=opportunity, now=now, issuer=" ", project_name="", time_zone="Mars/Base",
                 deadline=now - timedelta(hours=1), bond_amount=Decimal(-5))
    assert {"issuer", "project_name", "time_zone", "deadline", "bond_amount"} <= set(exc.value.errors)
    with pytest.raises(DomainError) as exc:
        make_bid(cast, opportunity=opportunity, now=now, deadline=datetime(2026, 3, 8, 2, 30),
                 time_zone="America/New_York")
    assert "does not exist" in exc.value.errors["deadline"][0]
    with pytest.raises(DomainError) as exc:
        make_bid(cast, opportunity=opportunity, bond_amount=Decimal(1000), bond_status="not_required")
    assert "bond_status" in exc.value.errors
    assert snapshot(Bid, Section, ReviewItem) == before


def test_create_permissions(cast, opportunity):
    for name in ("sales_a", "engineer_b", "nobody"):
        with pytest.raises(DomainError):
            make_bid(cast, opportunity=opportunity, actor=getattr(cast, name))
    closed = make_opportunity_closed(cast)
    with pytest.raises(DomainError) as exc:
        make_bid(cast, opportunity=closed)
    assert exc.value.code == "opportunity_closed"


def make_opportunity_closed(cast):
    from tests.factories.bids import make_opportunity

    return make_opportunity(cast, stage="lost")


def test_update_tender_information_and_stale_edit(cast, bid):
    updated = services.bid_update(actor=cast.engineer_a2, bid=bid, expected_version=bid.version,
                                  opening_place="开标室", copies=5)
    assert updated.version == bid.version + 1 and updated.opening_place == "开标室"
    with pytest.raises(StaleObjectError):
        services.bid_update(actor=cast.engineer_a, bid=bid, expected_version=bid.version, copies=3)
    assert Bid.objects.get(pk=bid.pk).copies == 5
    with pytest.raises(PermissionDenied):
        services.bid_update(actor=cast.sales_a, bid=bid, copies=1)
    with pytest.raises(DomainError):
        services.bid_update(actor=cast.engineer_a, bid=bid, status="submitted")


def test_section_owner_may_work_on_the_bid(cast, bid):
    specialist = cast.engineer_b  # not on the opportunity, named business specialist
    services.bid_update(actor=cast.engineer_a, bid=bid, business_owner=specialist)
    section = bid.sections.filter(part="business").first()
    services.section_update(actor=specialist, section=section, done=True)
    section.refresh_from_db()
    assert section.done and section.done_at is not None
    services.section_update(actor=specialist, section=section, done=False)
    section.refresh_from_db()
    assert not section.done and section.done_at is None


def test_sections_create_and_validate(cast, bid):
    section = services.section_create(actor=cast.engineer_a, bid=bid, part="technical", kind="other",
                                      title="产品说明书", owner=cast.engineer_a)
    assert section.position == 4
    with pytest.raises(DomainError) as exc:
        services.section_create(actor=cast.engineer_a, bid=bid, part="nonsense", title=" ")
    assert {"part", "title"} <= set(exc.value.errors)


def test_milestones_must_fall_before_the_deadline(cast, bid):
    ok = services.milestone_create(actor=cast.engineer_a, bid=bid, title="内部评审",
                                   due_at=bid.deadline - timedelta(days=1), owner=cast.engineer_a2)
    for due in (bid.deadline, bid.deadline + timedelta(minutes=1)):
        with pytest.raises(DomainError) as exc:
            services.milestone_create(actor=cast.engineer_a, bid=bid, title="封标", due_at=due)
        assert "due_at" in exc.value.errors
    with pytest.raises(DomainError) as exc:
        services.bid_update(actor=cast.engineer_a, bid=bid, deadline=ok.due_at - timedelta(hours=1))
    assert "内部评审" in exc.value.errors["deadline"][0]
    done = services.milestone_update(actor=cast.engineer_a, milestone=ok, expected_version=ok.version, done=True)
    assert done.done_at is not None
    with pytest.raises(StaleObjectError):
        services.milestone_update(actor=cast.engineer_a, milestone=ok, expected_version=ok.version, title="x")


def test_meetings(cast, bid):
    meeting = services.meeting_create(actor=cast.engineer_a, bid=bid, held_at=timezone.now(),
                                      participants="商务专员、架构师", minutes="分工确认")
    services.meeting_update(actor=cast.engineer_a, meeting=meeting, minutes="分工确认，周五初稿")
    with pytest.raises(DomainError) as exc:
        services.meeting_create(actor=cast.engineer_a, bid=bid, held_at=timezone.now(), participants="", minutes=" ")
    assert {"participants", "minutes"} <= set(exc.value.errors)


# --- deviation table -------------------------------------------------------------------------------


@pytest.mark.parametrize("deviation", ["positive", "negative"])
def test_deviation_needs_an_explanation(cast, bid, deviation):
    before = snapshot(DeviationRow)
    with pytest.raises(DomainError) as exc:
        services.deviation_create(actor=cast.engineer_a, bid=bid, requirement="响应时间≤100ms", response="≤80ms",
                                  deviation=deviation, explanation="  ")
    assert list(exc.value.errors) == ["explanation"]
    assert snapshot(DeviationRow) == before
    row = services.deviation_create(actor=cast.engineer_a, bid=bid, requirement="响应时间≤100ms", response="≤80ms",
                                    deviation=deviation, explanation="实测数据")
    assert row.item_no == 1
    with pytest.raises(DomainError):
        services.deviation_update(actor=cast.engineer_a, row=row, explanation="")


def test_deviation_item_numbers_unique_positive_and_ordered(cast, bid):
    services.deviation_create(actor=cast.engineer_a, bid=bid, item_no=2, requirement="a", response="b")
    services.deviation_create(actor=cast.engineer_a, bid=bid, item_no=1, requirement="c", response="d")
    third = services.deviation_create(actor=cast.engineer_a, bid=bid, requirement="e", response="f")
    assert third.item_no == 3
    assert list(bid.deviations.values_list("item_no", flat=True)) == [1, 2, 3]
    with pytest.raises(DomainError) as exc:
        services.deviation_create(actor=cast.engineer_a, bid=bid, item_no=2, requirement="g", response="h")
    assert "item_no" in exc.value.errors
    with pytest.raises(DomainError) as exc:
        services.deviation_create(actor=cast.engineer_a, bid=bid, item_no=0, requirement="g", response="h")
    assert "item_no" in exc.value.errors
    with pytest.raises(DomainError) as exc:
        services.deviation_update(actor=cast.engineer_a, row=third, item_no=1)
    assert "item_no" in exc.value.errors


def test_negative_deviation_on_mandatory_clause_is_a_disqualification_risk(cast, bid):
    risky = services.deviation_create(actor=cast.engineer_a, bid=bid, requirement="★质保5年", mandatory=True,
                                      response="质保3年", deviation="negative", explanation="原厂政策")
    fine = services.deviation_create(actor=cast.engineer_a, bid=bid, requirement="★质保5年", mandatory=True,
                                     response="质保6年", deviation="positive", explanation="延保")
    minor = services.deviation_create(actor=cast.engineer_a, bid=bid, requirement="备件库", response="苏州",
                                      deviation="negative", explanation="非本地")
    assert risky.disqualification_risk and not fine.disqualification_risk and not minor.disqualification_risk


def _xlsx(rows) -> bytes:
    wb = Workbook()
    for r in rows:
        wb.active.append(r)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


HEADER = ["序号", "招标要求", "投标响应", "偏离类型", "偏离说明"]


def test_import_xlsx_replaces_the_table(cast, bid):
    services.deviation_create(actor=cast.engineer_a, bid=bid, requirement="旧", response="旧")
    content = _xlsx([HEADER, [1, "★支持IEC 61850", "支持", "无偏离", ""], [2, "响应≤100ms", "≤80ms", "正偏离", "实测"],
                     [3, "本地备件", "苏州", "负", "非本地"]])
    assert services.deviation_import(actor=cast.engineer_a, bid=bid, file_name="表.xlsx", content=content) == 3
    rows = list(bid.deviations.order_by("item_no"))
    assert [r.deviation for r in rows] == ["none", "positive", "negative"]
    assert rows[0].mandatory and rows[0].requirement == "支持IEC 61850"
    assert BidEvent.objects.filter(bid=bid, action="deviation_import").exists()


def test_import_csv_with_gbk_and_mandatory_column(cast, bid):
    text = "序号,招标要求,实质性条款,投标响应,偏离类型,偏离说明\n1,质保5年,是,质保3年,负偏离,原厂政策\n"
    assert services.deviation_import(actor=cast.engineer_a, bid=bid, file_name="t.csv",
                                     content=text.encode("gb18030")) == 1
    assert bid.deviations.get().disqualification_risk


def test_import_reports_every_row_and_imports_nothing(cast, bid):
    services.deviation_create(actor=cast.engineer_a, bid=bid, requirement="旧", response="旧")
    before = snapshot(DeviationRow)
    content = _xlsx([HEADER, [1, "a", "b", "正偏离", ""], [1, "c", "d", "无偏离", ""], ["x", "", "f", "好", ""],
                     [0, "g", "h", "无偏离", ""]])
    with pytest.raises(services.ImportRefused) as exc:
        services.deviation_import(actor=cast.engineer_a, bid=bid, file_name="t.xlsx", content=content)
    rows = dict(exc.value.rows)
    assert set(rows) == {2, 3, 4, 5}
    assert any("explanation" in m for m in rows[2])
    assert any("twice" in m for m in rows[3])
    assert any("item number" in m for m in rows[4]) and any("deviation type" in m for m in rows[4])
    assert any("comes after" in m for m in rows[5]) or any("start at 1" in m for m in rows[5])
    assert all(line.startswith("Row ") for line in exc.value.errors["file"])
    assert snapshot(DeviationRow) == before


@pytest.mark.parametrize(("name", "content", "message"), [
    ("t.pdf", b"%PDF", "Upload a .csv or .xlsx"),
    ("t.xlsx", b"not a zip", "not a readable XLSX"),
    ("t.csv", "甲,乙\n1,2\n".encode(), "Missing columns"),
    ("t.csv", b"", "empty"),
    ("t.csv", "序号,招标要求,投标响应,偏离类型\n".encode(), "no rows"),
])
def test_import_refuses_unreadable_files(cast, bid, name, content, message):
    with pytest.raises(services.ImportRefused) as exc:
        services.deviation_import(actor=cast.engineer_a, bid=bid, file_name=name, content=content)
    assert message in " ".join(exc.value.errors["file"])


def test_export_and_archive(cast, ready):
    content, document = services.deviation_table_archive(actor=cast.engineer_a, bid=ready)
    sheet = load_workbook(BytesIO(content)).active
    assert sheet["A2"].value == "序号" and sheet["A3"].value == 1 and sheet["C3"].value == "★"
    assert document.category.kind == "bid" and document.opportunity_id == ready.opportunity_id
    again, same = services.deviation_table_archive(actor=cast.engineer_a, bid=ready)
    assert same.pk == document.pk
    summary, doc2 = services.bid_summary_archive(actor=cast.engineer_a, bid=ready)
    assert summary[:2] == b"PK" and doc2.pk != document.pk
    with pytest.raises(PermissionDenied):
        services.deviation_table_archive(actor=cast.sales_a, bid=ready)


# --- review checklist, submission ------------------------------------------------------------------------


def test_review_items_check_and_uncheck(cast, bid):
    item = bid.review_items.first()
    checked = services.review_item_update(actor=cast.engineer_a2, item=item, expected_version=item.version,
                                          checked=True)
    assert checked.checked_by == cast.engineer_a2 and checked.checked_at is not None
    unchecked = services.review_item_update(actor=cast.engineer_a, item=checked, checked=False)
    assert unchecked.checked_by is None and unchecked.checked_at is None
    extra = services.review_item_create(actor=cast.engineer_a, bid=bid, group="format", text="页码连续")
    assert extra.position > 0
    with pytest.raises(DomainError) as exc:
        services.review_item_create(actor=cast.engineer_a, bid=bid, group="bogus", text="")
    assert {"group", "text"} <= set(exc.value.errors)


def test_submission_refused_with_open_review_items_named(cast, bid):
    item = bid.review_items.order_by("group", "position").first()
    with pytest.raises(TransitionRefused) as exc:
        services.bid_submit(actor=cast.engineer_a, bid=bid, method="in_person")
    assert any(item.text in r for r in exc.value.reasons)
    assert Bid.objects.get(pk=bid.pk).status == "preparing"


def test_submission_refused_with_unexplained_deviation_rows(cast, ready):
    row = ready.deviations.get()
    DeviationRow.objects.filter(pk=row.pk).update(explanation="")  # legacy data bypassing the service
    with pytest.raises(TransitionRefused) as exc:
        services.bid_submit(actor=cast.engineer_a, bid=ready, method="in_person")
    assert any("without the explanation" in r and str(row.item_no) in r for r in exc.value.reasons)


def test_submission_refused_after_the_deadline(cast, ready):
    with pytest.raises(TransitionRefused) as exc:
        services.bid_submit(actor=cast.engineer_a, bid=ready, method="courier", now=ready.deadline)
    assert any("has passed" in r for r in exc.value.reasons)
    bid = services.bid_submit(actor=cast.engineer_a, bid=ready, method="courier",
                              now=ready.deadline - timedelta(seconds=1))
    assert bid.status == "submitted" and bid.submitted_by == cast.engineer_a and bid.submission_method == "courier"


def test_submission_permissions_method_and_stale(cast, ready):
    with pytest.raises(PermissionDenied):
        services.bid_submit(actor=cast.engineer_a2, bid=ready, method="in_person")
    with pytest.raises(DomainError) as exc:
        services.bid_submit(actor=cast.engineer_a, bid=ready, method="pigeon")
    assert "method" in exc.value.errors
    with pytest.raises(StaleObjectError):
        services.bid_submit(actor=cast.engineer_a, bid=ready, method="in_person", expected_version=ready.version - 1)
    bid = services.bid_submit(actor=cast.lead_a, bid=ready, method="electronic", expected_version=ready.version)
    with pytest.raises(TransitionRefused):
        services.bid_submit(actor=cast.lead_a, bid=bid, method="electronic")
    with pytest.raises(TransitionRefused):  # the documents are frozen
        services.deviation_create(actor=cast.engineer_a, bid=bid, requirement="a", response="b")


def test_withdraw(cast, bid):
    with pytest.raises(DomainError) as exc:
        services.bid_withdraw(actor=cast.engineer_a, bid=bid, reason=" ")
    assert "reason" in exc.value.errors
    bid = services.bid_withdraw(actor=cast.engineer_a, bid=bid, reason="资质不符")
    assert bid.status == "withdrawn"
    with pytest.raises(TransitionRefused):
        services.bid_withdraw(actor=cast.engineer_a, bid=bid, reason="again")


def test_withdraw_a_submitted_bid_only_before_the_deadline(cast):
    bid = submitted_bid(cast)
    with pytest.raises(TransitionRefused):
        services.bid_withdraw(actor=cast.engineer_a, bid=bid, reason="late", now=bid.deadline + timedelta(hours=1))
    assert services.bid_withdraw(actor=cast.engineer_a, bid=bid, reason="撤回").status == "withdrawn"


def test_receipt_with_scan_as_registered_document(cast):
    bid = submitted_bid(cast)
    scan = SimpleUploadedFile("receipt.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
                              content_type="application/pdf")
    bid = services.receipt_record(actor=cast.engineer_a, bid=bid, receipt_number="HZ001", received_by="王女士",
                                  received_at=timezone.now(), scan=scan)
    assert bid.receipt_document is not None and bid.receipt_document.category.kind == "bid"
    with pytest.raises(DomainError) as exc:
        services.receipt_record(actor=cast.engineer_a, bid=bid, receipt_number="", received_by="",
                                received_at=timezone.now() + timedelta(days=1))
    assert {"receipt_number", "received_by", "received_at"} <= set(exc.value.errors)


def test_receipt_needs_a_submitted_bid(cast, bid):
    with pytest.raises(TransitionRefused):
        services.receipt_record(actor=cast.engineer_a, bid=bid, receipt_number="1", received_by="a",
                                received_at=timezone.now())


def test_result_rules(cast):
    bid = submitted_bid(cast)
    with pytest.raises(DomainError) as exc:
        services.result_record(actor=cast.engineer_a, bid=bid, result="won", our_rank=2, bidder_count=1)
    assert {"our_rank"} <= set(exc.value.errors)
    with pytest.raises(DomainError) as exc:
        services.result_record(actor=cast.engineer_a, bid=bid, result="lost", our_rank=2, bidder_count=5)
    assert "winning_bidder" in exc.value.errors
    with pytest.raises(DomainError) as exc:
        services.result_record(actor=cast.engineer_a, bid=bid, result="lost", our_rank=6, bidder_count=5,
                               winning_bidder="X")
    assert "our_rank" in exc.value.errors
    with pytest.raises(DomainError) as exc:
        services.result_record(actor=cast.engineer_a, bid=bid, result="maybe")
    assert "result" in exc.value.errors
    with pytest.raises(PermissionDenied):
        services.result_record(actor=cast.engineer_a2, bid=bid, result="won")
    won = services.result_record(actor=cast.engineer_a, bid=bid, result="won", our_rank=1, bidder_count=4,
                                 winning_bidder="我方", winning_price=Decimal("1200000"))
    assert won.result == "won" and won.result_at is not None and not won.is_open


def test_result_on_a_preparing_bid_only_cancelled(cast, bid):
    with pytest.raises(DomainError) as exc:
        services.result_record(actor=cast.engineer_a, bid=bid, result="won")
    assert "result" in exc.value.errors
    assert services.result_record(actor=cast.engineer_a, bid=bid, result="cancelled").result == "cancelled"


def test_work_permissions(cast, bid):
    for name in ("sales_a", "engineer_b", "nobody"):
        with pytest.raises(PermissionDenied):
            services.deviation_create(actor=getattr(cast, name), bid=bid, requirement="a", response="b")
    assert services.deviation_create(actor=cast.engineer_a2, bid=bid, requirement="a", response="b")


def test_milestone_model_str(cast, bid):
    m = services.milestone_create(actor=cast.engineer_a, bid=bid, title="封标", due_at=bid.deadline - timedelta(hours=2))
    assert str(m) == "封标" and m.get_absolute_url().endswith("#plan")
    assert Milestone.objects.visible_to(cast.engineer_b).count() == 0
    assert str(bid).startswith(bid.number)
