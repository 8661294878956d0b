"""Bid pages: access for each member of the cast, constant query counts, bad input refused with a
field-level message and nothing changed, stale edits refused, and the flows through the forms."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from presales.bids import services
from presales.bids.models import Bid, DeviationRow, Meeting, Milestone, ReviewItem, Section
from tests.factories.bids import make_bid, make_opportunity, submitted_bid
from tests.kit import assert_constant_queries, assert_refused, check_access

from .conftest import HIDDEN, STEERS, VISIBLE, WORKERS, others

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"bids:{name}", args=args)


def test_list_access_scope_filters_and_order(client, cast, bid):
    later = make_bid(cast, opportunity=bid.opportunity, deadline=timezone.now() + timedelta(days=30),
                     project_name="远期项目")
    sooner = make_bid(cast, opportunity=bid.opportunity, deadline=timezone.now() + timedelta(hours=30),
                      project_name="临近项目")
    secret = make_bid(cast, opportunity=make_opportunity(cast, lead=cast.engineer_a2, confidential=True),
                      actor=cast.engineer_a2)
    check_access(client, cast, url("list"), permitted=[*VISIBLE, *HIDDEN])
    client.force_login(cast.engineer_a)
    body = client.get(url("list")).content.decode()
    assert secret.number not in body
    assert body.index(sooner.number) < body.index(bid.number) < body.index(later.number)  # nearest first
    assert 'data-testid="countdown"' in body
    client.force_login(cast.engineer_b)
    assert bid.number not in client.get(url("list")).content.decode()
    client.force_login(cast.manager)
    body = client.get(url("list"), {"deadline": "72h", "status": "preparing", "result": "none"},
                      HTTP_HX_REQUEST="true").content.decode()
    assert sooner.number in body and bid.number not in body and "<html" not in body
    assert secret.number in client.get(url("list"), {"q": secret.number}).content.decode()
    for params in ({"deadline": "passed"}, {"result": "won"}, {"deadline": "7d"}, {"deadline": "upcoming"}):
        assert client.get(url("list"), params).status_code == 200


def test_list_queries_constant(client, cast, bid):
    client.force_login(cast.manager)

    def grow():
        for i in range(4):
            other = make_bid(cast, project_name=f"项目{i}")
            services.deviation_create(actor=cast.engineer_a, bid=other, requirement="★a", mandatory=True,
                                      response="b", deviation="negative", explanation="c")
    assert_constant_queries(client, url("list"), grow)


def test_create_access_and_flow(client, cast, opportunity):
    check_access(client, cast, url("create"), permitted=["manager", "engineer_a", "engineer_b"],
                 forbidden=["sales_a", "nobody"])
    client.force_login(cast.engineer_a)
    page = client.get(url("create"), {"opportunity": opportunity.pk}).content.decode()
    assert opportunity.name in page
    deadline = timezone.localtime() + timedelta(days=7)
    response = client.post(url("create"), {
        "opportunity": opportunity.pk, "issuer": "招标中心", "project_name": "BMS采购", "tender_number": "ZB-1",
        "deadline": deadline.strftime("%Y-%m-%dT%H:%M"), "time_zone": "America/New_York", "bond_status": "pending",
        "bond_amount": "50000", "business_owner": cast.engineer_a2.pk, "technical_owner": cast.engineer_a.pk})
    assert response.status_code == 302, response.content.decode()[:2000]
    bid = Bid.objects.get(tender_number="ZB-1")
    assert bid.local_deadline.strftime("%Y-%m-%d %H:%M") == deadline.strftime("%Y-%m-%d %H:%M")
    assert bid.time_zone == "America/New_York"


def test_create_bad_input(client, cast, opportunity):
    client.force_login(cast.engineer_a)
    assert_refused(client, url("create"), {
        "opportunity": opportunity.pk, "issuer": "招标中心", "project_name": "x", "time_zone": "Asia/Shanghai",
        "deadline": "2001-01-01T10:00", "bond_status": "not_required", "bond_amount": "-1"},
        fields=["deadline", "bond_amount"], models=[Bid, Section, ReviewItem])
    assert_refused(client, url("create"), {
        "opportunity": opportunity.pk, "issuer": "", "project_name": "x", "time_zone": "America/New_York",
        "deadline": "2030-03-10T02:30", "bond_status": "not_required"}, fields=["issuer"], models=[Bid])
    assert_refused(client, url("create"), {
        "opportunity": opportunity.pk, "issuer": "i", "project_name": "x", "time_zone": "America/New_York",
        "deadline": "2030-03-10T02:30", "bond_status": "not_required"}, fields=["deadline"], models=[Bid])


@pytest.mark.parametrize(("name", "permitted"), [
    ("detail", VISIBLE), ("edit", WORKERS), ("section_create", WORKERS), ("milestone_create", WORKERS),
    ("meeting_create", WORKERS), ("deviation_create", WORKERS), ("deviation_import", WORKERS),
    ("review_create", WORKERS), ("submit", STEERS), ("withdraw", STEERS), ("receipt", STEERS), ("result", STEERS),
])
def test_bid_page_access(client, cast, bid, name, permitted):
    check_access(client, cast, url(name, bid.pk), permitted=permitted, forbidden=others(permitted), hidden=HIDDEN)


def test_record_page_access(client, cast, bid):
    milestone = services.milestone_create(actor=cast.engineer_a, bid=bid, title="初稿",
                                          due_at=bid.deadline - timedelta(days=2))
    meeting = services.meeting_create(actor=cast.engineer_a, bid=bid, held_at=timezone.now(), participants="p",
                                      minutes="m")
    row = services.deviation_create(actor=cast.engineer_a, bid=bid, requirement="r", response="s")
    for name, obj in (("section_edit", bid.sections.first()), ("milestone_edit", milestone),
                      ("meeting_edit", meeting), ("deviation_edit", row), ("review_edit", bid.review_items.first())):
        check_access(client, cast, url(name, obj.pk), permitted=WORKERS, forbidden=others(WORKERS), hidden=HIDDEN)


def test_unknown_bid_is_404(client, cast):
    check_access(client, cast, url("detail", 999999), permitted=[], hidden=["manager"])


def test_detail_shows_tabs_countdown_and_both_zones(client, cast, opportunity):
    bid = make_bid(cast, opportunity=opportunity, time_zone="America/New_York")
    services.deviation_create(actor=cast.engineer_a, bid=bid, requirement="★质保5年", mandatory=True,
                              response="3年", deviation="negative", explanation="原厂")
    client.force_login(cast.engineer_a)
    body = client.get(url("detail", bid.pk)).content.decode()
    for anchor in ("#tender", "#plan", "#business", "#technical", "#review", "#submission", "#result"):
        assert f'data-bs-target="{anchor}"' in body
    assert "America/New_York" in body and "Asia/Shanghai" in body
    assert 'data-testid="disqualification-risk"' in body and 'data-testid="submission-problems"' in body
    assert reverse("core:history", args=["bids.bid", bid.pk]) in body


def test_detail_queries_constant(client, cast, bid):
    client.force_login(cast.engineer_a)

    def grow():
        for i in range(3):
            services.section_create(actor=cast.engineer_a, bid=bid, part="other", title=f"附件{i}",
                                    owner=cast.engineer_a2)
            services.milestone_create(actor=cast.engineer_a, bid=bid, title=f"节点{i}", owner=cast.engineer_a,
                                      due_at=bid.deadline - timedelta(days=i + 1))
            services.meeting_create(actor=cast.engineer_a, bid=bid, held_at=timezone.now(), participants="p",
                                    minutes="m")
            services.deviation_create(actor=cast.engineer_a, bid=bid, requirement=f"r{i}", response="s")
            item = services.review_item_create(actor=cast.engineer_a, bid=bid, group="format", text=f"检查{i}")
            services.review_item_update(actor=cast.engineer_a2, item=item, checked=True)
    assert_constant_queries(client, url("detail", bid.pk), grow, at_most=60)


def test_edit_tender_and_stale_edit(client, cast, bid):
    client.force_login(cast.engineer_a)
    page = client.get(url("edit", bid.pk)).content.decode()
    assert bid.local_deadline.strftime("%Y-%m-%dT%H:%M") in page
    form = {"issuer": "新招标人", "project_name": bid.project_name, "time_zone": bid.time_zone,
            "deadline": bid.local_deadline.strftime("%Y-%m-%dT%H:%M"), "bond_status": "not_required",
            "version": bid.version}
    assert client.post(url("edit", bid.pk), form).status_code == 302
    assert Bid.objects.get(pk=bid.pk).issuer == "新招标人"
    assert_refused(client, url("edit", bid.pk), {**form, "issuer": "再改"}, models=[Bid], text="version")


def test_children_forms_flow_and_bad_input(client, cast, bid):
    client.force_login(cast.engineer_a)
    assert client.post(url("section_create", bid.pk), {"part": "other", "kind": "other", "title": "产品说明书",
                                                       "owner": cast.engineer_a2.pk}).status_code == 302
    assert client.get(url("section_create", bid.pk), {"part": "technical"}).status_code == 200
    due = timezone.localtime(bid.deadline + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    assert_refused(client, url("milestone_create", bid.pk), {"title": "封标", "due_at": due}, fields=["due_at"],
                   models=[Milestone])
    ok_due = timezone.localtime(bid.deadline - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    assert client.post(url("milestone_create", bid.pk), {"title": "封标", "due_at": ok_due}).status_code == 302
    milestone = Milestone.objects.get()
    assert client.post(url("milestone_edit", milestone.pk), {"title": "封标", "due_at": ok_due, "done": "on",
                                                              "version": milestone.version}).status_code == 302
    assert Milestone.objects.get().done_at is not None
    assert_refused(client, url("meeting_create", bid.pk), {"held_at": "2026-01-01T10:00", "participants": "",
                                                           "minutes": ""}, fields=["participants", "minutes"],
                   models=[Meeting])
    assert client.post(url("meeting_create", bid.pk), {"held_at": "2026-01-01T10:00", "participants": "全体",
                                                       "minutes": "分工"}).status_code == 302
    meeting = Meeting.objects.get()
    assert client.post(url("meeting_edit", meeting.pk), {"held_at": "2026-01-01T10:00", "participants": "全体",
                                                         "minutes": "改", "version": meeting.version}).status_code == 302
    assert_refused(client, url("deviation_create", bid.pk), {"requirement": "r", "response": "s",
                                                             "deviation": "negative", "explanation": ""},
                   fields=["explanation"], models=[DeviationRow])
    assert client.post(url("deviation_create", bid.pk), {"requirement": "r", "response": "s",
                                                         "deviation": "none"}).status_code == 302
    row = DeviationRow.objects.get()
    assert_refused(client, url("deviation_edit", row.pk), {"item_no": 1, "requirement": "r", "response": "s",
                                                           "deviation": "positive", "explanation": "",
                                                           "version": row.version},
                   fields=["explanation"], models=[DeviationRow])
    assert client.post(url("review_create", bid.pk), {"group": "language", "text": "术语统一"}).status_code == 302
    item = ReviewItem.objects.get(text="术语统一")
    assert client.post(url("review_edit", item.pk), {"group": "language", "text": "术语一致",
                                                     "version": item.version}).status_code == 302
    section = bid.sections.first()
    assert client.post(url("section_edit", section.pk), {"part": section.part, "kind": section.kind,
                                                         "title": "公司简介（含组织架构）", "done": "on",
                                                         "version": section.version}).status_code == 302


def test_toggles_and_stale_toggle(client, cast, bid):
    item = bid.review_items.first()
    section = bid.sections.first()
    check_access(client, cast, url("review_toggle", item.pk), method="post",
                 data=lambda: {"value": "1"}, permitted=WORKERS, forbidden=others(WORKERS), hidden=HIDDEN)
    client.force_login(cast.engineer_a2)
    item.refresh_from_db()
    assert item.checked_by is not None
    response = client.post(url("review_toggle", item.pk), {"value": "0", "version": item.version - 1})
    assert response.status_code == 412
    assert client.get(url("review_toggle", item.pk)).status_code == 405
    assert client.post(url("section_toggle", section.pk), {"value": "1", "version": section.version}).status_code == 302
    assert Section.objects.get(pk=section.pk).done
    client.force_login(cast.sales_a)
    assert client.post(url("section_toggle", section.pk), {"value": "0"}).status_code == 403


def _xlsx(rows) -> bytes:
    wb = Workbook()
    for r in rows:
        wb.active.append(r)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def test_deviation_import_page(client, cast, bid):
    client.force_login(cast.engineer_a)
    bad = SimpleUploadedFile("t.xlsx", _xlsx([["序号", "招标要求", "投标响应", "偏离类型", "偏离说明"],
                                              [1, "a", "b", "负偏离", ""]]))
    assert_refused(client, url("deviation_import", bid.pk), {"file": bad}, fields=["file"], models=[DeviationRow])
    good = SimpleUploadedFile("t.xlsx", _xlsx([["序号", "招标要求", "投标响应", "偏离类型", "偏离说明"],
                                               [1, "a", "b", "负偏离", "说明"], [2, "c", "d", "无偏离", ""]]))
    assert client.post(url("deviation_import", bid.pk), {"file": good}).status_code == 302
    assert bid.deviations.count() == 2


def test_exports_archive_documents(client, cast, bid):
    from presales.documents.artefacts import artefact_documents

    check_access(client, cast, url("export", bid.pk, "deviation_table"), permitted=WORKERS,
                 forbidden=others(WORKERS), hidden=HIDDEN)
    client.force_login(cast.engineer_a)
    response = client.get(url("export", bid.pk, "bid_summary"))
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert client.get(url("export", bid.pk, "nonsense")).status_code == 404
    kinds = {d.source_key.rsplit(":", 1)[1] for d in artefact_documents(bid)}
    assert kinds == {"deviation_table", "bid_summary"}


def test_submission_flow_through_the_pages(client, cast, bid):
    client.force_login(cast.engineer_a)
    page = client.get(url("submit", bid.pk)).content.decode()
    assert 'data-testid="submission-problems"' in page
    assert_refused(client, url("submit", bid.pk), {"method": "in_person", "version": bid.version}, models=[Bid])
    for item in bid.review_items.all():
        services.review_item_update(actor=cast.engineer_a, item=item, checked=True)
    bid.refresh_from_db()
    assert_refused(client, url("submit", bid.pk), {"method": "in_person", "version": bid.version - 1}, models=[Bid],
                   text="version")
    assert client.post(url("submit", bid.pk), {"method": "in_person", "version": bid.version}).status_code == 302
    bid.refresh_from_db()
    assert bid.status == "submitted"
    scan = SimpleUploadedFile("r.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    response = client.post(url("receipt", bid.pk), {
        "receipt_number": "HZ1", "received_by": "王女士", "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "scan": scan, "version": bid.version})
    assert response.status_code == 302
    bid.refresh_from_db()
    assert bid.receipt_document is not None
    assert_refused(client, url("result", bid.pk), {"result": "lost", "version": bid.version},
                   fields=["winning_bidder"], models=[Bid])
    assert client.post(url("result", bid.pk), {"result": "won", "our_rank": 1, "bidder_count": 5,
                                               "version": bid.version}).status_code == 302
    assert Bid.objects.get(pk=bid.pk).result == "won"
    assert "won" not in client.get(url("detail", bid.pk)).content.decode()[:0]


def test_withdraw_page(client, cast, bid):
    client.force_login(cast.lead_a)
    assert_refused(client, url("withdraw", bid.pk), {"reason": "", "version": bid.version}, fields=["reason"],
                   models=[Bid])
    assert client.post(url("withdraw", bid.pk), {"reason": "放弃", "version": bid.version}).status_code == 302
    assert Bid.objects.get(pk=bid.pk).status == "withdrawn"


def test_opportunity_panel(rf, cast, opportunity):
    from django.template import Context, Template

    bid = make_bid(cast, opportunity=opportunity)
    submitted_bid(cast, opportunity=opportunity)
    template = Template("{% load bids_tags %}{% opportunity_bids opportunity user %}")
    html = template.render(Context({"opportunity": opportunity, "user": cast.engineer_a}))
    assert bid.number in html and "bids/new/?opportunity=" in html
    html = template.render(Context({"opportunity": opportunity, "user": cast.sales_a}))
    assert bid.number in html and "bids/new/" not in html
    assert bid.number not in template.render(Context({"opportunity": opportunity, "user": cast.engineer_b}))
    empty = make_opportunity(cast)
    assert 'data-testid="opportunity-bids"' in template.render(Context({"opportunity": empty, "user": cast.manager}))
