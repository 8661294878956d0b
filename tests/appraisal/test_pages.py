"""The appraisal pages: access for each member of the cast, forms, refusals, query counts."""

import io

import pytest
from openpyxl import load_workbook

from presales.appraisal import services
from presales.appraisal.choices import CycleStatus, Source, Step
from presales.appraisal.models import Adjustment, Appraisal, Cycle, SourceEntry
from tests.factories.accounts import make_user
from tests.factories.appraisal import (
    fill_self,
    hand_items,
    make_cycle,
    make_scheme,
    published,
    running_cycle,
    submit,
    to_committee,
)
from tests.kit import assert_constant_queries, assert_refused, check_access

pytestmark = pytest.mark.django_db

EVERYONE = ["manager", "lead_a", "engineer_a", "engineer_a2", "sales_a", "engineer_b", "nobody"]
OWN = ["manager", "lead_a", "engineer_a"]  # engineer_a's appraisal: managers, the team lead, the employee


def url(name, *args):
    from django.urls import reverse

    return reverse(f"appraisal:{name}", args=args)


def test_list_page(client, cast, committee, cycle):
    check_access(client, cast, url("list"), permitted=EVERYONE)
    client.force_login(cast.engineer_a)
    body = client.get(url("list")).content.decode()
    assert cycle.name in body and "New cycle" not in body and "新建" not in body
    client.force_login(cast.engineer_b)
    assert cycle.name not in client.get(url("list")).content.decode()
    client.force_login(committee)
    assert cycle.name in client.get(url("list")).content.decode()


def test_cycle_detail_access(client, cast, committee, cycle):
    check_access(
        client,
        cast,
        url("cycle_detail", cycle.pk),
        permitted=["manager", "lead_a", "engineer_a", "engineer_a2", "sales_a"],
        hidden=["engineer_b", "nobody"],
    )
    client.force_login(cast.engineer_a)
    body = client.get(url("cycle_detail", cycle.pk)).content.decode()
    assert str(cast.engineer_a) in body and str(cast.engineer_a2) not in body  # only own appraisal listed
    client.force_login(committee)
    assert client.get(url("cycle_detail", cycle.pk)).status_code == 200


def test_cycle_create_and_edit(client, cast, committee, scheme):
    check_access(
        client,
        cast,
        url("cycle_create"),
        permitted=["manager"],
        forbidden=["lead_a", "engineer_a", "engineer_a2", "sales_a", "engineer_b", "nobody"],
    )
    client.force_login(committee)
    data = {
        "name": "2026年第二季度",
        "kind": "quarterly",
        "year": 2026,
        "quarter": 2,
        "start_on": "2026-04-01",
        "end_on": "2026-06-30",
        "weight_self": 10,
        "weight_supervisor": 50,
        "weight_customer": 20,
        "weight_peer": 20,
        "bands_text": "S 90 1.5\nA 80 1.2\nB 70 1\nC 60 0.8\nD 0 0",
        "self_due_on": "2026-07-05",
        "supervisor_due_on": "2026-07-10",
    }
    response = client.post(url("cycle_create"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    cycle = Cycle.objects.get(name="2026年第二季度")
    assert cycle.grade_bands[0] == {"grade": "S", "min": "90", "coefficient": "1.5"}
    # bad input: weights, bands, dates — field errors, nothing changed
    assert_refused(
        client,
        url("cycle_create"),
        {**data, "weight_peer": 30, "bands_text": "A 80 1\nB 70 1", "end_on": "2026-03-01"},
        fields=["weight_self", "bands_text", "end_on"],
        models=[Cycle],
    )
    edit = url("cycle_edit", cycle.pk)
    client.force_login(committee)
    assert client.get(edit).status_code == 200
    response = client.post(edit, {**data, "name": "Q2", "version": cycle.version})
    assert response.status_code == 302
    cycle.refresh_from_db()
    assert cycle.name == "Q2"
    # stale version
    response = client.post(edit, {**data, "name": "Q2b", "version": 1})
    assert response.status_code == 200
    cycle.refresh_from_db()
    assert cycle.name == "Q2"
    services.participant_add(actor=committee, cycle=cycle, employee=cast.engineer_a, scheme=scheme)
    check_access(
        client,
        cast,
        edit,
        permitted=["manager"],
        forbidden=["lead_a", "engineer_a", "sales_a"],
        hidden=["engineer_b", "nobody"],
    )


def test_participants_and_cycle_actions(client, cast, committee, scheme):
    cycle = make_cycle(committee)
    add = url("participant_add", cycle.pk)
    client.force_login(cast.lead_a)
    assert client.get(add).status_code in (403, 404)
    client.force_login(committee)
    assert client.get(add).status_code == 200
    response = client.post(add, {"employee": cast.engineer_a.pk, "scheme": scheme.pk})
    assert response.status_code == 302
    assert_refused(
        client,
        add,
        {"employee": cast.engineer_a.pk, "scheme": scheme.pk},
        fields=["employee"],
        models=[Appraisal],
    )
    client.force_login(cast.engineer_a)
    assert client.post(url("cycle_action", cycle.pk, "open")).status_code == 403
    client.force_login(committee)
    assert client.post(url("cycle_action", cycle.pk, "open")).status_code == 302
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.OPEN
    assert client.post(url("cycle_action", cycle.pk, "compute")).status_code == 302
    response = client.post(url("cycle_action", cycle.pk, "close"), follow=True)
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.OPEN  # refused: the result is not published
    assert str(cast.engineer_a) in response.content.decode()
    assert client.post(url("cycle_action", cycle.pk, "nope")).status_code == 404


def test_appraisal_detail_access_and_hidden_scores(client, cast, committee, appraisal):
    check_access(
        client,
        cast,
        url("detail", appraisal.pk),
        permitted=OWN,
        hidden=["engineer_a2", "sales_a", "engineer_b", "nobody"],
    )
    to_committee(appraisal, cast, committee=committee)
    client.force_login(cast.engineer_a)
    body = client.get(url("detail", appraisal.pk)).content.decode()
    assert "data-final" not in body  # the employee waits for the publication
    # Before publication the employee's export and print list the indicators and weights, no scores.
    appraisal.refresh_from_db()
    response = client.get(url("export", appraisal.pk))
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    texts = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    assert any("工作表现" in t for t in texts) and any("委员会发布结果后" in t for t in texts)
    assert str(appraisal.weighted_total) not in texts and "加权总分" not in texts
    body = client.get(url("print", appraisal.pk)).content.decode()
    assert 'data-testid="plan-sheet"' in body and "data-final" not in body
    assert body.count("data-indicator=") == appraisal.scores.count() > 0
    client.force_login(cast.lead_a)
    body = client.get(url("detail", appraisal.pk)).content.decode()
    assert "data-final" in body and "工作表现" in body


def test_self_assessment_form(client, cast, committee, appraisal):
    entries = url("entries", appraisal.pk, "self")
    check_access(
        client,
        cast,
        entries,
        permitted=["engineer_a"],
        forbidden=["manager", "lead_a"],
        hidden=["engineer_a2", "sales_a", "engineer_b", "nobody"],
    )
    client.force_login(cast.engineer_a)
    rating = next(i for i in hand_items(appraisal) if i.indicator.data_source == "manual")
    survey = next(i for i in hand_items(appraisal) if i.indicator.data_source == "survey")
    assert_refused(
        client,
        entries,
        {f"value_{rating.indicator_id}": "9", "version": appraisal.version},
        fields=[f"value_{rating.indicator_id}"],
        models=[SourceEntry],
    )
    response = client.post(
        entries,
        {
            f"value_{rating.indicator_id}": "4",
            f"comment_{rating.indicator_id}": "完成",
            f"value_{survey.indicator_id}": "85",
            "summary": "总结",
            "version": appraisal.version,
        },
    )
    assert response.status_code == 302
    assert SourceEntry.objects.filter(appraisal=appraisal, source=Source.SELF).count() == 2
    appraisal.refresh_from_db()
    assert appraisal.self_summary == "总结"
    # stale form: refused, nothing saved
    response = client.post(entries, {f"value_{rating.indicator_id}": "2", "version": 1})
    assert response.status_code == 200
    assert (
        SourceEntry.objects.get(appraisal=appraisal, source=Source.SELF, indicator=rating.indicator).value
        == 4
    )


def test_move_pages(client, cast, committee, appraisal):
    move = url("move", appraisal.pk) + "?to=supervisor_review"
    check_access(
        client,
        cast,
        move,
        permitted=["engineer_a", "manager"],
        forbidden=["lead_a"],
        hidden=["engineer_a2", "sales_a", "engineer_b", "nobody"],
    )
    client.force_login(cast.engineer_a)
    response = client.post(move, {"version": appraisal.version})
    assert response.status_code == 200  # refused: values missing, the reasons are shown
    assert "工作表现" in response.content.decode()
    fill_self(appraisal)
    appraisal.refresh_from_db()
    assert client.post(move, {"version": appraisal.version}).status_code == 302
    appraisal.refresh_from_db()
    assert appraisal.status == Step.SUPERVISOR_REVIEW
    assert client.get(url("move", appraisal.pk) + "?to=published").status_code == 404


def test_supervisor_and_peer_and_customer_forms(client, cast, committee, appraisal):
    fill_self(appraisal)
    appraisal = submit(appraisal, cast.engineer_a, Step.SUPERVISOR_REVIEW)
    sup = url("entries", appraisal.pk, "supervisor")
    check_access(
        client,
        cast,
        sup,
        permitted=["manager", "lead_a"],
        forbidden=["engineer_a"],
        hidden=["engineer_a2", "engineer_b", "nobody"],
    )
    values = {
        f"value_{i.indicator_id}": "3" if i.indicator.data_source == "manual" else "70"
        for i in hand_items(appraisal)
    }
    client.force_login(cast.lead_a)
    assert client.post(sup, {**values, "summary": "稳定", "version": appraisal.version}).status_code == 302
    appraisal = submit(appraisal, cast.lead_a, Step.FEEDBACK)
    peer = url("entries", appraisal.pk, "peer")
    check_access(
        client,
        cast,
        peer,
        permitted=["engineer_a2"],
        forbidden=["manager", "lead_a", "engineer_a"],
        hidden=["engineer_b", "nobody"],
    )
    check_access(client, cast, url("peer_requests"), permitted=EVERYONE)
    client.force_login(cast.engineer_a2)
    assert str(cast.engineer_a) in client.get(url("peer_requests")).content.decode()
    rating = next(i for i in hand_items(appraisal) if i.indicator.data_source == "manual")
    assert (
        client.post(peer, {f"value_{rating.indicator_id}": "5", "version": appraisal.version}).status_code
        == 302
    )
    customer = url("entries", appraisal.pk, "customer")
    client.force_login(committee)
    survey = next(i for i in hand_items(appraisal) if i.indicator.data_source == "survey")
    appraisal.refresh_from_db()
    assert (
        client.post(
            customer, {f"value_{survey.indicator_id}": "92", "version": appraisal.version}
        ).status_code
        == 302
    )
    assert client.get(url("entries", appraisal.pk, "bogus")).status_code == 404


def test_adjust_publish_appeal_answer_pages(client, cast, committee, appraisal):
    appraisal = to_committee(appraisal, cast, committee=committee)
    adjust = url("adjust", appraisal.pk)
    check_access(
        client,
        cast,
        adjust,
        permitted=["manager"],
        forbidden=["lead_a", "engineer_a"],
        hidden=["engineer_a2", "engineer_b", "nobody"],
    )
    client.force_login(committee)
    assert_refused(
        client,
        adjust,
        {"points": "5", "reason": "", "version": appraisal.version},
        fields=["reason"],
        models=[Adjustment],
    )
    assert (
        client.post(adjust, {"points": "-2", "reason": "投诉扣分", "version": appraisal.version}).status_code
        == 302
    )
    appraisal.refresh_from_db()
    publish = url("move", appraisal.pk) + "?to=published"
    assert client.post(publish, {"version": appraisal.version}).status_code == 302
    appraisal.refresh_from_db()
    assert appraisal.status == Step.PUBLISHED
    assert client.get(adjust).status_code == 403  # nobody edits a published result
    client.force_login(cast.engineer_a)
    body = client.get(url("detail", appraisal.pk)).content.decode()
    assert "投诉扣分" in body and "data-final" in body
    appeal = url("move", appraisal.pk) + "?to=appealed"
    assert_refused(
        client, appeal, {"reason": "", "version": appraisal.version}, fields=["reason"], models=[Appraisal]
    )
    assert client.post(appeal, {"reason": "数据有误", "version": appraisal.version}).status_code == 302
    answer = url("answer", appraisal.pk)
    check_access(
        client, cast, answer, permitted=["manager"], forbidden=["lead_a", "engineer_a"], hidden=["engineer_b"]
    )
    client.force_login(committee)
    appraisal.refresh_from_db()
    assert (
        client.post(
            answer, {"outcome": "rejected", "answer": "已核实", "version": appraisal.version}
        ).status_code
        == 302
    )
    appraisal.refresh_from_db()
    assert appraisal.status == Step.PUBLISHED


def test_export_and_print(client, cast, committee, appraisal):
    appraisal = published(appraisal, cast, committee=committee)
    check_access(
        client,
        cast,
        url("export", appraisal.pk),
        permitted=OWN,
        hidden=["engineer_a2", "sales_a", "engineer_b", "nobody"],
    )
    check_access(client, cast, url("print", appraisal.pk), permitted=OWN, hidden=["engineer_b"])
    client.force_login(cast.engineer_a)
    response = client.get(url("export", appraisal.pk))
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb.active
    texts = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    assert any("绩效考核评分表" in t for t in texts)
    assert any(t.startswith("一、") for t in texts) and any(t.startswith("二、") for t in texts)
    assert "工作表现" in " ".join(texts) and str(float(appraisal.final_score)) in texts
    body = client.get(url("print", appraisal.pk)).content.decode()
    assert "@media print" in body


def test_ranking_permissions(client, cast, committee, cycle):
    a1 = published(
        cycle.appraisals.get(employee=cast.engineer_a), cast, committee=committee, supervisor_value=5
    )
    to_committee(cycle.appraisals.get(employee=cast.engineer_a2), cast, committee=committee)
    ranking = url("ranking", cycle.pk)
    check_access(
        client,
        cast,
        ranking,
        permitted=["manager", "lead_a", "engineer_a", "engineer_a2", "sales_a"],
        hidden=["engineer_b", "nobody"],
    )
    client.force_login(cast.engineer_a2)  # published results only
    body = client.get(ranking).content.decode()
    assert 'data-rank="1"' in body and 'data-rank="2"' not in body and str(a1.final_score) in body
    client.force_login(cast.lead_a)  # the lead sees the unpublished one too
    assert 'data-rank="2"' in client.get(ranking).content.decode()
    client.force_login(committee)
    assert 'data-rank="2"' in client.get(ranking + "?team=all").content.decode()
    response = client.get(url("ranking_export", cycle.pk) + "?team=all")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [r[1] for r in rows if r and isinstance(r[0], int)] == [
        str(cast.engineer_a),
        str(cast.engineer_a2),
    ]
    client.force_login(cast.engineer_a)
    assert client.get(ranking + f"?team={cast.team_b.pk}").status_code == 404
    check_access(
        client,
        cast,
        url("ranking_export", cycle.pk),
        permitted=["manager", "lead_a", "engineer_a"],
        hidden=["engineer_b", "nobody"],
    )


def test_trend_page(client, cast, committee, appraisal):
    published(appraisal, cast, committee=committee)
    check_access(
        client,
        cast,
        url("trend", cast.engineer_a.pk),
        permitted=OWN,
        hidden=["engineer_a2", "engineer_b", "nobody"],
    )
    client.force_login(cast.engineer_a)
    assert appraisal.cycle.name in client.get(url("trend", cast.engineer_a.pk)).content.decode()


def test_pages_query_counts_do_not_grow(client, cast, committee):
    scheme = make_scheme()
    cycle = running_cycle(cast, committee=committee, scheme=scheme, people=[cast.engineer_a])
    a = published(cycle.appraisals.get(), cast, committee=committee)
    client.force_login(committee)
    n = [0]

    def grow():
        for _ in range(3):
            n[0] += 1
            person = make_user("presales_engineer", team=cast.team_a, username=f"extra{n[0]}")
            extra = services.participant_add(
                actor=committee, cycle=cycle, employee=person, scheme=scheme, supervisor=cast.lead_a
            )
            published(extra, cast, committee=committee)

    for page in (
        url("list"),
        url("cycle_detail", cycle.pk),
        url("ranking", cycle.pk) + "?team=all",
        url("detail", a.pk),
    ):
        assert_constant_queries(client, page, grow)
