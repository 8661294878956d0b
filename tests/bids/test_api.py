"""The bid API: access for each member of the cast on every endpoint, constant query counts on
every list, bad input refused with field-level errors and nothing changed, stale writes (412)
and missing versions (428), and the flows."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook

from presales.bids import services
from presales.bids.models import Bid, DeviationRow, Milestone, ReviewItem, Section
from tests.factories.bids import make_bid, ready_bid
from tests.kit import assert_constant_queries, assert_refused, check_access

from .conftest import HIDDEN, STEERS, VISIBLE, WORKERS, others

pytestmark = pytest.mark.django_db


def api(path):
    return f"/api/{path}"


def post(client, path, data, version=None, **extra):
    headers = {"HTTP_IF_MATCH": f'"{version}"'} if version is not None else {}
    return client.post(api(path), data, content_type="application/json", HTTP_ACCEPT="application/json",
                       **headers, **extra)


def patch(client, path, data, version=None):
    headers = {"HTTP_IF_MATCH": f'"{version}"'} if version is not None else {}
    return client.patch(api(path), data, content_type="application/json", HTTP_ACCEPT="application/json", **headers)


def test_bid_list_and_detail_access(client, cast, bid):
    check_access(client, cast, api("bids/"), permitted=[*VISIBLE, *HIDDEN], api=True)
    check_access(client, cast, api(f"bids/{bid.pk}/"), permitted=VISIBLE, hidden=HIDDEN, api=True)
    check_access(client, cast, api(f"bids/{bid.pk}/submission-check/"), permitted=VISIBLE, hidden=HIDDEN, api=True)
    client.force_login(cast.engineer_b)
    assert client.get(api("bids/"), HTTP_ACCEPT="application/json").json()["count"] == 0
    client.force_login(cast.engineer_a)
    response = client.get(api(f"bids/{bid.pk}/"), HTTP_ACCEPT="application/json")
    data = response.json()
    assert response["ETag"] == f'"{bid.version}"'
    assert data["number"] == bid.number and data["time_zone"] == "Asia/Shanghai"
    assert data["countdown"]["days"] in (9, 10) and data["countdown"]["level"] == "ok"
    assert data["deadline_local"].endswith("+08:00")
    problems = client.get(api(f"bids/{bid.pk}/submission-check/"), HTTP_ACCEPT="application/json").json()
    assert len(problems["problems"]) == 1


@pytest.mark.parametrize("path", ["bids/", "bid-sections/", "bid-milestones/", "bid-meetings/", "bid-deviations/",
                                  "bid-review-items/"])
def test_list_queries_constant(client, cast, path):
    client.force_login(cast.manager)

    def grow(n=3):
        for i in range(n):
            bid = make_bid(cast)
            services.milestone_create(actor=cast.engineer_a, bid=bid, title=f"m{i}", owner=cast.engineer_a,
                                      due_at=bid.deadline - timedelta(days=1))
            services.meeting_create(actor=cast.engineer_a, bid=bid, held_at=timezone.now(), participants="p",
                                    minutes="m")
            services.deviation_create(actor=cast.engineer_a, bid=bid, requirement="r", response="s")
            services.review_item_update(actor=cast.engineer_a, item=bid.review_items.first(), checked=True)
    grow(1)
    assert_constant_queries(client, api(path), grow, api=True)


def test_child_access(client, cast, bid):
    milestone = services.milestone_create(actor=cast.engineer_a, bid=bid, title="m",
                                          due_at=bid.deadline - timedelta(days=1))
    meeting = services.meeting_create(actor=cast.engineer_a, bid=bid, held_at=timezone.now(), participants="p",
                                      minutes="m")
    row = services.deviation_create(actor=cast.engineer_a, bid=bid, requirement="r", response="s")
    for prefix, obj in (("bid-sections", bid.sections.first()), ("bid-milestones", milestone),
                        ("bid-meetings", meeting), ("bid-deviations", row),
                        ("bid-review-items", bid.review_items.first())):
        check_access(client, cast, api(f"{prefix}/{obj.pk}/"), permitted=VISIBLE, hidden=HIDDEN, api=True)
        check_access(client, cast, api(f"{prefix}/{obj.pk}/"), method="patch", api=True,
                     data=lambda o=obj: {"version": type(o).objects.get(pk=o.pk).version},
                     permitted=WORKERS, forbidden=others(WORKERS), hidden=HIDDEN)


def test_create_bid_and_refusals(client, cast, opportunity):
    client.force_login(cast.engineer_a)
    deadline = (timezone.now() + timedelta(days=5)).isoformat()
    base = {"opportunity": opportunity.pk, "issuer": "招标中心", "project_name": "API项目", "deadline": deadline,
            "time_zone": "Europe/London"}
    assert_refused(client, api("bids/"), {**base, "issuer": " "}, fields=["issuer"], models=[Bid, Section, ReviewItem],
                   api=True)
    assert_refused(client, api("bids/"), {**base, "time_zone": "Nowhere/City", "deadline": "2001-01-01T00:00:00Z"},
                   fields=["time_zone", "deadline"], models=[Bid, Section, ReviewItem], api=True)
    response = post(client, "bids/", base)
    assert response.status_code == 201, response.content
    assert response.json()["number"].startswith("TB-") and response.json()["time_zone"] == "Europe/London"
    client.force_login(cast.sales_a)
    assert post(client, "bids/", base).status_code == 403
    client.force_login(cast.engineer_b)
    assert post(client, "bids/", base).status_code == 400  # the opportunity is not visible: a field error


def test_update_needs_the_version(client, cast, bid):
    client.force_login(cast.engineer_a)
    path = f"bids/{bid.pk}/"
    assert patch(client, path, {"copies": 3}).status_code == 428
    assert patch(client, path, {"copies": 3}, version=bid.version - 1).status_code == 412
    response = patch(client, path, {"copies": 3}, version=bid.version)
    assert response.status_code == 200 and response.json()["copies"] == 3
    assert patch(client, path, {"copies": 4}, version=bid.version).status_code == 412
    assert Bid.objects.get(pk=bid.pk).copies == 3


def test_children_through_the_api(client, cast, bid):
    client.force_login(cast.engineer_a2)
    assert post(client, "bid-sections/", {"bid": bid.pk, "part": "other", "title": "附件"}).status_code == 201
    assert_refused(client, api("bid-milestones/"), {"bid": bid.pk, "title": "晚",
                                                    "due_at": (bid.deadline + timedelta(hours=1)).isoformat()},
                   fields=["due_at"], models=[Milestone], api=True)
    milestone = post(client, "bid-milestones/", {"bid": bid.pk, "title": "封标",
                                                 "due_at": (bid.deadline - timedelta(hours=6)).isoformat()}).json()
    response = patch(client, f"bid-milestones/{milestone['id']}/", {"done": True}, version=milestone["version"])
    assert response.status_code == 200 and response.json()["done_at"]
    assert post(client, "bid-meetings/", {"bid": bid.pk, "held_at": timezone.now().isoformat(), "participants": "p",
                                          "minutes": "m"}).status_code == 201
    assert_refused(client, api("bid-deviations/"), {"bid": bid.pk, "requirement": "r", "response": "s",
                                                    "deviation": "positive", "explanation": ""},
                   fields=["explanation"], models=[DeviationRow], api=True)
    row = post(client, "bid-deviations/", {"bid": bid.pk, "requirement": "★r", "mandatory": True, "response": "s",
                                           "deviation": "negative", "explanation": "e"}).json()
    assert row["item_no"] == 1 and row["disqualification_risk"] is True
    item = bid.review_items.first()
    response = patch(client, f"bid-review-items/{item.pk}/", {"checked": True}, version=item.version)
    assert response.status_code == 200 and response.json()["is_checked"]
    assert post(client, "bid-review-items/", {"bid": bid.pk, "group": "format", "text": "目录页码"}).status_code == 201
    client.force_login(cast.engineer_b)
    assert post(client, "bid-meetings/", {"bid": bid.pk, "held_at": timezone.now().isoformat(), "participants": "p",
                                          "minutes": "m"}).status_code in (400, 404)


def test_submit_gate_and_flow(client, cast, bid):
    check_access(client, cast, api(f"bids/{bid.pk}/submit/"), method="post", api=True,
                 data={"method": "in_person", "version": 999}, permitted=[], ok=(),
                 forbidden=others(STEERS), hidden=HIDDEN)
    client.force_login(cast.engineer_a)
    response = post(client, f"bids/{bid.pk}/submit/", {"method": "in_person"}, version=bid.version)
    assert response.status_code == 409 and response.json()["reasons"]
    for item in bid.review_items.all():
        services.review_item_update(actor=cast.engineer_a, item=item, checked=True)
    bid.refresh_from_db()
    assert post(client, f"bids/{bid.pk}/submit/", {"method": "bogus"}, version=bid.version).status_code == 400
    assert post(client, f"bids/{bid.pk}/submit/", {"method": "courier"}).status_code == 428
    response = post(client, f"bids/{bid.pk}/submit/", {"method": "courier", "note": "顺丰"}, version=bid.version)
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    bid.refresh_from_db()
    scan = SimpleUploadedFile("r.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    response = client.post(api(f"bids/{bid.pk}/receipt/"), {"receipt_number": "HZ9", "received_by": "王",
                                                            "received_at": timezone.now().isoformat(), "scan": scan,
                                                            "version": bid.version}, HTTP_ACCEPT="application/json")
    assert response.status_code == 200 and response.json()["receipt_document"]
    bid.refresh_from_db()
    response = post(client, f"bids/{bid.pk}/result/", {"result": "lost", "our_rank": 2, "bidder_count": 4},
                    version=bid.version)
    assert response.status_code == 400 and "winning_bidder" in response.json()["errors"]
    response = post(client, f"bids/{bid.pk}/result/", {"result": "lost", "our_rank": 2, "bidder_count": 4,
                                                       "winning_bidder": "竞争对手", "winning_price": "990000.00"},
                    version=bid.version)
    assert response.status_code == 200 and response.json()["result"] == "lost"


def test_withdraw_through_the_api(client, cast, bid):
    client.force_login(cast.engineer_a2)
    assert post(client, f"bids/{bid.pk}/withdraw/", {"reason": "x"}, version=bid.version).status_code == 403
    client.force_login(cast.lead_a)
    assert post(client, f"bids/{bid.pk}/withdraw/", {"reason": ""}, version=bid.version).status_code == 400
    response = post(client, f"bids/{bid.pk}/withdraw/", {"reason": "放弃"}, version=bid.version)
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"


def _xlsx(rows) -> bytes:
    wb = Workbook()
    for r in rows:
        wb.active.append(r)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def test_import_and_export_through_the_api(client, cast, bid):
    client.force_login(cast.engineer_a)
    path = api(f"bids/{bid.pk}/deviation-import/")
    bad = SimpleUploadedFile("t.xlsx", _xlsx([["序号", "招标要求", "投标响应", "偏离类型"], [1, "a", "b", "负偏离"]]))
    response = client.post(path, {"file": bad}, HTTP_ACCEPT="application/json")
    assert response.status_code == 400 and response.json()["errors"]["file"]
    good = SimpleUploadedFile("t.csv", "序号,招标要求,投标响应,偏离类型\n1,a,b,无偏离\n".encode())
    response = client.post(path, {"file": good}, HTTP_ACCEPT="application/json")
    assert response.status_code == 200 and response.json() == {"rows": 1}
    response = client.get(api(f"bids/{bid.pk}/export/deviation_table/"))
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert client.get(api(f"bids/{bid.pk}/export/nothing/")).status_code == 404
    client.force_login(cast.sales_a)
    assert client.get(api(f"bids/{bid.pk}/export/bid_summary/")).status_code == 403


def test_filters(client, cast):
    soon = ready_bid(cast, deadline=timezone.now() + timedelta(hours=10))
    later = make_bid(cast)
    client.force_login(cast.manager)
    data = client.get(api("bids/"), {"deadline": "72h"}, HTTP_ACCEPT="application/json").json()
    assert [b["id"] for b in data["results"]] == [soon.pk]
    data = client.get(api("bids/"), HTTP_ACCEPT="application/json").json()
    assert [b["id"] for b in data["results"]] == [soon.pk, later.pk]
    data = client.get(api("bid-deviations/"), {"bid": soon.pk}, HTTP_ACCEPT="application/json").json()
    assert data["count"] == 1
