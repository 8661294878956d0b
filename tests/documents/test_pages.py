"""Document pages: access for each member of the cast (404 out of scope, guessed ids and download
URLs included), query counts that do not grow with the data, bad input refused with field errors
and nothing changed, and the flows through the forms."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from presales.documents import services
from presales.documents.choices import DocumentStatus
from presales.documents.models import (
    AccessRequest,
    Document,
    DocumentEvent,
    DocumentVersion,
    DownloadLog,
    FileBlob,
)
from tests.factories.documents import category, docx_bytes, make_document, pdf_bytes, png_bytes, upload
from tests.kit import assert_constant_queries, assert_refused, check_access

pytestmark = pytest.mark.django_db

READERS = ["manager", "lead_a", "engineer_a", "sales_a"]
OUTSIDERS = ["engineer_b", "nobody"]
DOC_MODELS = [Document, DocumentVersion, DocumentEvent, FileBlob]


def url(name, *args):
    return reverse(f"documents:{name}", args=args)


def grow(cast, opportunity, n=6):
    def more():
        for i in range(n):
            d = make_document(
                author=cast.engineer_a, opportunity=opportunity, kind=["solution", "bid"][i % 2]
            )
            services.document_add_version(
                actor=cast.engineer_a, document=d, file=upload("v2.pdf", pdf_bytes()), change_summary="v2"
            )
            services.access_request_create(actor=cast.engineer_a2, document=d, reason="参考")

    return more


# --- list ------------------------------------------------------------------------------------------


def test_list_access_scope_and_no_access_marker(client, cast, document):
    check_access(
        client, cast, url("list"), permitted=["manager", "engineer_a", "engineer_a2", "engineer_b", "nobody"]
    )
    client.force_login(cast.engineer_a)
    assert document.number in client.get(url("list")).content.decode()
    client.force_login(cast.engineer_a2)  # finds it, may not read it
    body = client.get(url("list")).content.decode()
    assert document.number in body and "bi-lock" in body
    client.force_login(cast.engineer_b)
    assert document.number not in client.get(url("list")).content.decode()


def test_list_filters_and_htmx_partial(client, cast, opportunity, document):
    research = make_document(
        author=cast.engineer_a, opportunity=opportunity, kind="research", title="调研报告"
    )
    client.force_login(cast.manager)
    body = client.get(url("list"), {"category": category("research").pk}).content.decode()
    assert research.number in body and document.number not in body
    for params in (
        {"q": research.number},
        {"q": "调研"},
        {"opportunity": opportunity.number},
        {"opportunity": str(opportunity.pk)},
        {"customer": opportunity.customer_id},
        {"author": cast.engineer_a.pk},
        {"status": "draft"},
        {"access_level": "team"},
        {"date_from": timezone.localdate().isoformat(), "date_to": timezone.localdate().isoformat()},
    ):
        assert research.number in client.get(url("list"), params).content.decode(), params
    assert research.number not in client.get(url("list"), {"status": "published"}).content.decode()
    assert (
        research.number
        not in client.get(
            url("list"), {"date_to": (timezone.localdate() - timedelta(days=1)).isoformat()}
        ).content.decode()
    )
    partial = client.get(url("list"), {"q": "调研"}, HTTP_HX_REQUEST="true").content.decode()
    assert research.number in partial and "<html" not in partial


def test_list_queries_constant(client, cast, opportunity, document):
    client.force_login(cast.manager)
    assert_constant_queries(client, url("list"), grow(cast, opportunity))
    client.force_login(cast.engineer_a2)
    assert_constant_queries(client, url("list"), grow(cast, opportunity, 3))


# --- create ----------------------------------------------------------------------------------------


def test_create_access(client, cast, opportunity):
    check_access(
        client,
        cast,
        url("create") + f"?opportunity={opportunity.pk}",
        permitted=["manager", "engineer_a", "sales_a", "engineer_b"],
        forbidden=["nobody"],
    )


def test_create_through_the_page(client, cast, opportunity):
    client.force_login(cast.engineer_a)
    assert opportunity.number in client.get(url("create"), {"opportunity": opportunity.pk}).content.decode()
    response = client.post(
        url("create"),
        {
            "title": "储能BMS解决方案",
            "category": category().pk,
            "opportunity": opportunity.number,
            "access_level": "team",
            "file": upload("方案.pdf", pdf_bytes()),
            "description": "总体架构",
        },
    )
    document = Document.objects.get()
    assert response.status_code == 302 and response["Location"] == document.get_absolute_url()
    assert document.number.startswith("FJ") and document.opportunity == opportunity
    assert document.number in client.get(document.get_absolute_url()).content.decode()


def test_create_for_a_customer_only(client, cast, customer):
    client.force_login(cast.engineer_a)
    client.get(url("create"), {"customer": customer.pk})
    response = client.post(
        url("create"),
        {
            "title": "沟通纪要",
            "category": category("other").pk,
            "customer": customer.pk,
            "access_level": "team",
            "file": upload("纪要.docx", docx_bytes()),
        },
    )
    assert response.status_code == 302
    assert Document.objects.get().customer == customer


@pytest.mark.parametrize(
    "file, field",
    [
        (lambda: upload("tool.exe", b"MZ" + b"\x00" * 100), "file"),
        (lambda: upload("empty.pdf", b""), "file"),
        (lambda: upload("report.pdf", docx_bytes()), "file"),
        (lambda: upload("chart.png", pdf_bytes()), "file"),
    ],
)
def test_create_refuses_bad_files(client, cast, opportunity, file, field):
    client.force_login(cast.engineer_a)
    data = {
        "title": "方案",
        "category": category().pk,
        "opportunity": opportunity.number,
        "access_level": "team",
        "file": file(),
    }
    assert_refused(client, url("create"), data, fields=[field], models=DOC_MODELS)


def test_create_refuses_too_big_with_a_translated_message(client, cast, opportunity, settings):
    settings.PRESALES_DOCUMENT_MAX_UPLOAD_MB = 1
    client.force_login(cast.engineer_a)
    data = {
        "title": "方案",
        "category": category().pk,
        "opportunity": opportunity.number,
        "access_level": "team",
        "file": upload("big.txt", b"a" * (1024 * 1024 + 10)),
    }
    response = assert_refused(client, url("create"), data, fields=["file"], models=DOC_MODELS)
    assert "文件太大" in response.content.decode()


@pytest.mark.parametrize(
    "bad, field",
    [
        ({"title": ""}, "title"),
        ({"category": "999"}, "category"),
        ({"opportunity": "SJ-NOPE"}, "opportunity"),
        ({"opportunity": ""}, "opportunity"),
        ({"access_level": "secret"}, "access_level"),
        ({"valid_until": "2001-01-01"}, "valid_until"),
    ],
)
def test_create_refuses_bad_input(client, cast, opportunity, bad, field):
    client.force_login(cast.engineer_a)
    data = {
        "title": "方案",
        "category": category().pk,
        "opportunity": opportunity.number,
        "access_level": "team",
        "file": upload(),
        **bad,
    }
    assert_refused(client, url("create"), data, fields=[field], models=DOC_MODELS)


def test_create_refuses_a_project_of_another_team(client, cast, opportunity):
    client.force_login(cast.engineer_b)  # cannot see team A's project: same answer as a wrong number
    data = {
        "title": "方案",
        "category": category().pk,
        "opportunity": opportunity.number,
        "access_level": "team",
        "file": upload(),
    }
    assert_refused(client, url("create"), data, fields=["opportunity"], models=DOC_MODELS)
    client.force_login(cast.engineer_a2)  # sees it, but is not on the project's team
    assert_refused(client, url("create"), data, fields=["opportunity"], models=DOC_MODELS)


# --- detail, versions, files -----------------------------------------------------------------------


def test_detail_access_including_guessed_ids(client, cast, document):
    check_access(
        client, cast, document.get_absolute_url(), permitted=[*READERS, "engineer_a2"], hidden=OUTSIDERS
    )
    check_access(client, cast, url("detail", 999999), permitted=[], hidden=["manager", "engineer_a"])
    client.force_login(cast.engineer_a2)  # findable, not readable: a stub and a way to ask
    body = client.get(document.get_absolute_url()).content.decode()
    assert 'data-testid="restricted"' in body and url("request_access", document.pk) in body
    assert url("download", document.pk, 1) not in body


def test_detail_shows_versions_history_and_actions(client, cast, document):
    client.force_login(cast.engineer_a)
    body = client.get(document.get_absolute_url()).content.decode()
    for part in (
        document.number,
        url("submit", document.pk),
        url("version_create", document.pk),
        url("download", document.pk, 1),
        url("preview", document.pk, 1),
        'data-event="created"',
        reverse("core:history", args=["documents.document", document.pk]),
    ):
        assert part in body, part


def test_detail_queries_constant(client, cast, opportunity, document):
    client.force_login(cast.engineer_a)

    def more():
        for i in range(5):
            services.document_add_version(
                actor=cast.engineer_a,
                document=document,
                file=upload(f"v{i}.pdf", pdf_bytes()),
                change_summary=f"第{i}次修改",
            )
        services.access_request_create(actor=cast.engineer_a2, document=document, reason="参考")

    assert_constant_queries(client, document.get_absolute_url(), more)


def test_confidential_detail_shows_the_download_log(client, cast, opportunity):
    secret = make_document(
        author=cast.engineer_a,
        opportunity=opportunity,
        access_level="confidential",
        named_readers=[cast.engineer_a2],
    )
    check_access(
        client,
        cast,
        secret.get_absolute_url(),
        permitted=["engineer_a", "engineer_a2"],
        hidden=["manager", "lead_a", "sales_a", *OUTSIDERS],
    )
    client.force_login(cast.engineer_a2)
    client.get(url("download", secret.pk, 1))
    client.force_login(cast.engineer_a)
    assert "赵工" in client.get(secret.get_absolute_url()).content.decode()

    def more():
        for _ in range(4):
            client.get(url("preview", secret.pk, 1))

    assert_constant_queries(client, secret.get_absolute_url(), more)


def test_history_page_follows_the_read_scope(client, cast, document):
    history = reverse("core:history", args=["documents.document", document.pk])
    check_access(client, cast, history, permitted=READERS, hidden=["engineer_a2", *OUTSIDERS])
    category_history = reverse("core:history", args=["documents.documentcategory", category().pk])
    check_access(client, cast, category_history, permitted=["engineer_a", "nobody"])


def test_version_page_access_and_diff(client, cast, document):
    services.document_add_version(
        actor=cast.engineer_a,
        document=document,
        file=upload("方案v2.pdf", pdf_bytes("2")),
        change_summary="补充接入方案",
        title="储能BMS解决方案 v2",
    )
    check_access(
        client, cast, url("version", document.pk, 2), permitted=READERS, hidden=["engineer_a2", *OUTSIDERS]
    )
    check_access(client, cast, url("version", document.pk, 9), permitted=[], hidden=["engineer_a"])
    client.force_login(cast.engineer_a)
    body = client.get(url("version", document.pk, 2)).content.decode()
    assert 'data-testid="diff"' in body and "储能BMS解决方案 v2" in body and "补充接入方案" in body
    assert "方案v2.pdf" in client.get(url("version", document.pk, 1), {"against": 2}).content.decode()
    first = client.get(url("version", document.pk, 1)).content.decode()
    assert 'data-testid="diff"' not in first
    assert_constant_queries(
        client,
        url("version", document.pk, 2),
        lambda: [
            services.document_add_version(
                actor=cast.engineer_a,
                document=document,
                file=upload(f"n{i}.pdf", pdf_bytes()),
                change_summary="x",
            )
            for i in range(3)
        ],
    )


def test_download_and_preview_only_through_access_checks(client, cast, document):
    download, preview = url("download", document.pk, 1), url("preview", document.pk, 1)
    check_access(client, cast, download, permitted=READERS, hidden=["engineer_a2", *OUTSIDERS])
    check_access(client, cast, preview, permitted=READERS, hidden=["engineer_a2", *OUTSIDERS])
    check_access(client, cast, url("download", document.pk, 5), permitted=[], hidden=["engineer_a"])
    check_access(client, cast, url("download", 99999, 1), permitted=[], hidden=["manager"])
    client.force_login(cast.sales_a)
    response = client.get(download)
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    response = client.get(preview)
    assert (
        response["Content-Disposition"].startswith("inline") and response["Content-Type"] == "application/pdf"
    )
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert not DownloadLog.objects.exists()  # only confidential documents' downloads are logged
    # the stored file has no public address: the media URL of its blob is not served
    blob = document.current_version.blob
    assert client.get(f"/media/{blob.name}").status_code == 404


def test_preview_only_for_pdf_and_images(client, cast, opportunity):
    word = make_document(
        author=cast.engineer_a, opportunity=opportunity, filename="a.docx", content=docx_bytes()
    )
    image = make_document(
        author=cast.engineer_a, opportunity=opportunity, filename="a.png", content=png_bytes()
    )
    client.force_login(cast.engineer_a)
    assert client.get(url("preview", word.pk, 1)).status_code == 404
    assert client.get(url("download", word.pk, 1)).status_code == 200
    preview = client.get(url("preview", image.pk, 1))
    assert preview["Content-Type"] == "image/png"
    page = client.get(image.get_absolute_url())
    assert "<img" in page.content.decode()
    # The preview is the one response our own pages may frame (the PDF iframe): same origin only.
    assert preview["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in preview["Content-Security-Policy"]
    assert page["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"]


def test_confidential_downloads_are_logged(client, cast, opportunity):
    secret = make_document(author=cast.engineer_a, opportunity=opportunity, access_level="confidential")
    client.force_login(cast.engineer_a)
    client.get(url("download", secret.pk, 1))
    client.get(url("preview", secret.pk, 1))
    logs = list(
        DownloadLog.objects.order_by("at", "pk").values_list("user__username", "version__number", "inline")
    )
    assert logs == [("engineer_a", 1, False), ("engineer_a", 1, True)]
    client.force_login(cast.manager)
    assert client.get(url("download", secret.pk, 1)).status_code == 404
    assert DownloadLog.objects.count() == 2


# --- edit, new version -----------------------------------------------------------------------------


def test_edit_access_and_save(client, cast, document):
    check_access(
        client, cast, url("edit", document.pk), permitted=READERS, hidden=["engineer_a2", *OUTSIDERS]
    )
    client.force_login(cast.lead_a)
    response = client.post(url("edit", document.pk), {"title": "新标题", "version": document.version})
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.title == "新标题"
    assert_refused(
        client,
        url("edit", document.pk),
        {"title": "", "version": document.version},
        fields=["title"],
        models=DOC_MODELS,
    )
    assert_refused(client, url("edit", document.pk), {"title": "x", "version": 1}, models=DOC_MODELS)  # stale
    assert_refused(
        client,
        url("edit", document.pk),
        {"title": "x", "valid_until": "1999-01-01", "version": document.version},
        fields=["valid_until"],
        models=DOC_MODELS,
    )


def test_version_upload_access_and_flow(client, cast, document):
    check_access(
        client,
        cast,
        url("version_create", document.pk),
        permitted=READERS,
        hidden=["engineer_a2", *OUTSIDERS],
    )
    client.force_login(cast.engineer_a)
    base = {"title": document.title, "version": document.version}
    assert_refused(
        client,
        url("version_create", document.pk),
        {**base, "file": upload("v2.pdf", pdf_bytes("x")), "change_summary": ""},
        fields=["change_summary"],
        models=DOC_MODELS,
    )
    assert_refused(
        client,
        url("version_create", document.pk),
        {**base, "file": upload("v2.pdf", docx_bytes()), "change_summary": "x"},
        fields=["file"],
        models=DOC_MODELS,
    )
    response = client.post(
        url("version_create", document.pk),
        {**base, "file": upload("v2.pdf", pdf_bytes("y")), "change_summary": "补充"},
    )
    assert response.status_code == 302
    assert document.versions.count() == 2


def test_actions_are_forbidden_once_archived(client, cast, document):
    services.document_archive(actor=cast.engineer_a, document=document, comment="过时")
    client.force_login(cast.engineer_a)
    for name in ("edit", "version_create", "submit", "archive", "access"):
        assert client.get(url(name, document.pk)).status_code == 403, name
    assert client.get(document.get_absolute_url()).status_code == 200


# --- the approval flow through the pages -----------------------------------------------------------


def test_submit_access(client, cast, document):
    check_access(
        client,
        cast,
        url("submit", document.pk),
        permitted=["engineer_a"],
        forbidden=["manager", "lead_a", "sales_a"],
        hidden=["engineer_a2", *OUTSIDERS],
    )


def test_flow_through_the_pages_with_a_return(client, cast, head, document):
    client.force_login(cast.engineer_a)
    assert_refused(
        client, url("submit", document.pk), {"comment": "", "version": 99}, models=DOC_MODELS
    )  # stale
    assert (
        client.post(
            url("submit", document.pk), {"comment": "请审核", "version": document.version}
        ).status_code
        == 302
    )
    document.refresh_from_db()
    assert document.status == DocumentStatus.DEPARTMENT_REVIEW

    check_access(
        client,
        cast,
        url("review", document.pk),
        permitted=["lead_a"],
        forbidden=["engineer_a", "sales_a", "manager"],
        hidden=["engineer_a2", *OUTSIDERS],
    )
    client.force_login(cast.lead_a)
    assert_refused(
        client,
        url("review", document.pk),
        {"decision": "return", "comment": "", "version": document.version},
        fields=["comment"],
        models=DOC_MODELS,
    )
    assert_refused(
        client,
        url("review", document.pk),
        {"decision": "maybe", "version": document.version},
        fields=["decision"],
        models=DOC_MODELS,
    )
    client.post(
        url("review", document.pk),
        {"decision": "return", "comment": "补充接口说明", "version": document.version},
    )
    document.refresh_from_db()
    assert document.status == DocumentStatus.RETURNED

    client.force_login(cast.engineer_a)
    body = client.get(document.get_absolute_url()).content.decode()
    assert "补充接口说明" in body
    client.post(
        url("version_create", document.pk),
        {
            "title": document.title,
            "version": document.version,
            "file": upload("v2.pdf", pdf_bytes("v2")),
            "change_summary": "已补充",
        },
    )
    document.refresh_from_db()
    client.post(url("submit", document.pk), {"version": document.version})
    client.force_login(cast.lead_a)
    client.post(url("review", document.pk), {"decision": "approve", "version": document.version + 1})
    document.refresh_from_db()
    client.force_login(cast.manager)
    client.post(url("review", document.pk), {"decision": "approve", "version": document.version})
    document.refresh_from_db()
    assert document.status == DocumentStatus.FINAL_REVIEW

    client.force_login(head)
    review_form = client.get(url("review", document.pk)).content.decode()
    assert 'name="final_mode"' in review_form and 'name="participants"' in review_form
    assert_refused(
        client,
        url("review", document.pk),
        {"decision": "approve", "version": document.version},
        fields=["final_mode"],
        models=DOC_MODELS,
    )
    assert_refused(
        client,
        url("review", document.pk),
        {
            "decision": "approve",
            "final_mode": "meeting",
            "participants": [cast.lead_a.pk],
            "version": document.version,
        },
        fields=["participants"],
        models=DOC_MODELS,
    )
    response = client.post(
        url("review", document.pk),
        {"decision": "approve", "final_mode": "leader", "comment": "同意", "version": document.version},
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.status == DocumentStatus.PUBLISHED


# --- archive, access -------------------------------------------------------------------------------


def test_archive_page(client, cast, document):
    check_access(
        client,
        cast,
        url("archive", document.pk),
        permitted=["engineer_a", "lead_a", "manager"],
        forbidden=["sales_a"],
        hidden=["engineer_a2", *OUTSIDERS],
    )
    client.force_login(cast.lead_a)
    assert_refused(
        client,
        url("archive", document.pk),
        {"comment": "", "version": document.version},
        fields=["comment"],
        models=DOC_MODELS,
    )
    assert (
        client.post(
            url("archive", document.pk), {"comment": "项目结束", "version": document.version}
        ).status_code
        == 302
    )
    document.refresh_from_db()
    assert document.status == DocumentStatus.ARCHIVED


def test_access_page(client, cast, document):
    check_access(
        client,
        cast,
        url("access", document.pk),
        permitted=["engineer_a", "lead_a", "manager"],
        forbidden=["sales_a"],
        hidden=["engineer_a2", *OUTSIDERS],
    )
    client.force_login(cast.engineer_a)
    assert_refused(
        client,
        url("access", document.pk),
        {"access_level": "secret", "version": document.version},
        fields=["access_level"],
        models=DOC_MODELS,
    )
    response = client.post(
        url("access", document.pk),
        {"access_level": "confidential", "named_readers": [cast.engineer_a2.pk], "version": document.version},
    )
    assert response.status_code == 302
    assert Document.objects.visible_to(cast.engineer_a2).filter(pk=document.pk).exists()
    assert not Document.objects.visible_to(cast.manager).filter(pk=document.pk).exists()


# --- access requests -------------------------------------------------------------------------------


def test_request_access_page(client, cast, document):
    check_access(
        client,
        cast,
        url("request_access", document.pk),
        permitted=["engineer_a2"],
        forbidden=READERS,
        hidden=OUTSIDERS,
    )
    client.force_login(cast.engineer_a2)
    assert_refused(
        client, url("request_access", document.pk), {"reason": ""}, fields=["reason"], models=[AccessRequest]
    )
    assert client.post(url("request_access", document.pk), {"reason": "参考方案"}).status_code == 302
    assert (
        "pending" in client.get(document.get_absolute_url()).content.decode()
        or AccessRequest.objects.filter(status="pending").exists()
    )
    assert_refused(
        client,
        url("request_access", document.pk),
        {"reason": "again"},
        fields=["reason"],
        models=[AccessRequest],
    )


def test_access_request_list_and_decision(client, cast, document):
    request = services.access_request_create(actor=cast.engineer_a2, document=document, reason="参考方案")
    check_access(
        client, cast, url("access_requests"), permitted=["manager", "engineer_a", "engineer_a2", "nobody"]
    )
    client.force_login(cast.engineer_a)
    body = client.get(url("access_requests")).content.decode()
    assert "参考方案" in body and url("decide_access", request.pk) in body
    client.force_login(cast.engineer_b)
    assert "参考方案" not in client.get(url("access_requests")).content.decode()

    decide = url("decide_access", request.pk)
    check_access(
        client,
        cast,
        decide,
        permitted=["engineer_a", "lead_a", "manager"],
        forbidden=["engineer_a2"],
        hidden=["sales_a", *OUTSIDERS],
    )
    client.force_login(cast.lead_a)
    assert_refused(
        client, decide, {"decision": "refuse", "note": ""}, fields=["note"], models=[AccessRequest]
    )
    assert_refused(
        client, decide, {"decision": "grant", "until": "2001-01-01"}, fields=["until"], models=[AccessRequest]
    )
    assert_refused(client, decide, {"decision": "perhaps"}, fields=["decision"], models=[AccessRequest])
    until = (timezone.localdate() + timedelta(days=7)).isoformat()
    assert client.post(decide, {"decision": "grant", "until": until}).status_code == 302
    request.refresh_from_db()
    assert request.status == "granted"
    client.force_login(cast.engineer_a2)
    assert client.get(url("download", document.pk, 1)).status_code == 200
    assert client.get(url("access_requests"), {"status": "granted"}).status_code == 200


def test_access_request_list_queries_constant(client, cast, opportunity, document):
    services.access_request_create(actor=cast.engineer_a2, document=document, reason="参考")
    client.force_login(cast.manager)
    assert_constant_queries(client, url("access_requests"), grow(cast, opportunity, 4))


def test_navigation_has_documents(client, cast):
    client.force_login(cast.engineer_a)
    assert url("list") in client.get(url("access_requests")).content.decode()


def test_a_company_wide_document_links_its_project_only_for_who_may_open_it(client, cast, opportunity):
    """A published company-wide document of team A's project is read by team B's engineer: the
    project and customer are named, not linked (their pages would answer 404)."""
    from presales.documents.choices import DocumentStatus

    document = make_document(author=cast.engineer_a, opportunity=opportunity, access_level="public")
    Document.objects.filter(pk=document.pk).update(status=DocumentStatus.PUBLISHED, published_at=timezone.now())
    opportunity_url = reverse("opportunities:detail", args=[opportunity.pk])
    customer_url = opportunity.customer.get_absolute_url()

    client.force_login(cast.engineer_b)
    page = client.get(document.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert opportunity.customer.name in html and opportunity_url not in html and customer_url not in html
    assert client.get(opportunity_url).status_code == 404

    client.force_login(cast.engineer_a)
    html = client.get(document.get_absolute_url()).content.decode()
    assert opportunity_url in html and customer_url in html
