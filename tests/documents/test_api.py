"""Document API: the same rules as the pages (scopes, 404 out of scope, download through the access
check), multipart uploads, ETag/If-Match on changes, the error format, query counts, OpenAPI."""

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
from tests.factories.documents import category, docx_bytes, make_document, pdf_bytes, upload
from tests.kit import assert_constant_queries, assert_refused, check_access

pytestmark = pytest.mark.django_db

READERS = ["manager", "lead_a", "engineer_a", "sales_a"]
OUTSIDERS = ["engineer_b", "nobody"]
DOC_MODELS = [Document, DocumentVersion, DocumentEvent, FileBlob]


def api(name, *args):
    return reverse(f"document-{name}", args=args)


def post_json(client, path, data, **headers):
    return client.post(path, data, content_type="application/json", **headers)


def test_list_scope_and_can_read(client, cast, document):
    check_access(
        client, cast, api("list"), api=True, permitted=["manager", "engineer_a", "engineer_b", "nobody"]
    )
    client.force_login(cast.engineer_a2)
    rows = client.get(api("list")).json()["results"]
    assert [(r["number"], r["can_read"]) for r in rows] == [(document.number, False)]
    assert rows[0]["current_version"] is None and rows[0]["description"] is None  # nothing of the content
    client.force_login(cast.engineer_a)
    row = client.get(api("list"), {"q": document.number}).json()["results"][0]
    assert row["can_read"] and row["current_version"]["number"] == 1
    client.force_login(cast.engineer_b)
    assert client.get(api("list")).json()["count"] == 0


def test_list_queries_constant(client, cast, opportunity, document):
    client.force_login(cast.manager)

    def more():
        for _ in range(6):
            make_document(author=cast.engineer_a, opportunity=opportunity)

    assert_constant_queries(client, api("list"), more, api=True)


def test_detail_access(client, cast, document):
    check_access(
        client,
        cast,
        api("detail", document.pk),
        api=True,
        permitted=[*READERS, "engineer_a2"],
        hidden=OUTSIDERS,
    )
    check_access(client, cast, api("detail", 987654), api=True, permitted=[], hidden=["manager"])
    client.force_login(cast.engineer_a)
    response = client.get(api("detail", document.pk))
    assert response["ETag"] == f'"{document.version}"' and response.json()["number"] == document.number


def test_detail_queries_constant(client, cast, document):
    client.force_login(cast.engineer_a)

    def more():
        for i in range(3):
            services.document_add_version(
                actor=cast.engineer_a,
                document=document,
                file=upload(f"{i}.pdf", pdf_bytes()),
                change_summary="x",
            )
        services.document_set_access(
            actor=cast.engineer_a, document=document, access_level="team", named_readers=[cast.engineer_a2]
        )

    assert_constant_queries(client, api("detail", document.pk), more, api=True)


def test_create_multipart(client, cast, opportunity):
    check_access(
        client,
        cast,
        api("list"),
        method="post",
        api=True,
        data={"title": "x"},
        permitted=["engineer_a"],
        forbidden=["nobody"],
        ok=(400,),
    )
    client.force_login(cast.engineer_a)
    response = client.post(
        api("list"),
        {
            "title": "投标文件",
            "category": category("bid").pk,
            "opportunity": opportunity.pk,
            "file": upload("投标.pdf", pdf_bytes()),
            "access_level": "team",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"].startswith("TB") and body["status"] == "draft" and body["can_read"]
    assert response["ETag"] == '"1"'


@pytest.mark.parametrize(
    "name, content, fragment",
    [
        ("tool.exe", b"MZ" + b"\x00" * 50, "不接受"),
        ("empty.pdf", b"", "空"),
        ("report.pdf", docx_bytes(), ".pdf"),
    ],
)
def test_create_refuses_bad_files(client, cast, opportunity, name, content, fragment):
    client.force_login(cast.engineer_a)
    response = client.post(
        api("list"),
        {
            "title": "x",
            "category": category().pk,
            "opportunity": opportunity.pk,
            "file": upload(name, content),
        },
    )
    assert response.status_code == 400 and fragment in response.json()["errors"]["file"][0]
    assert not Document.objects.exists() and not FileBlob.objects.exists()


@pytest.mark.parametrize(
    "bad, field",
    [
        ({"category": 999}, "category"),
        ({"opportunity": 999999}, "opportunity"),
        ({"access_level": "secret"}, "access_level"),
    ],
)
def test_create_refuses_bad_input(client, cast, opportunity, bad, field):
    client.force_login(cast.engineer_a)
    data = {"title": "x", "category": category().pk, "opportunity": opportunity.pk, "file": upload(), **bad}
    response = client.post(api("list"), data)
    assert response.status_code == 400 and field in response.json(), response.json()
    assert not Document.objects.exists()


def test_create_refuses_a_project_out_of_scope(client, cast, opportunity):
    client.force_login(cast.engineer_b)
    response = client.post(
        api("list"),
        {"title": "x", "category": category().pk, "opportunity": opportunity.pk, "file": upload()},
    )
    assert response.status_code == 400 and "opportunity" in response.json()
    client.force_login(cast.engineer_a)
    assert_refused(
        client,
        api("list"),
        {"title": "", "category": category().pk, "opportunity": opportunity.pk},
        fields=["file"],
        models=DOC_MODELS,
        api=True,
    )


def test_update_requires_version_and_refuses_stale(client, cast, document):
    path = api("detail", document.pk)
    client.force_login(cast.engineer_a)
    assert client.patch(path, {"title": "新"}, content_type="application/json").status_code == 428
    ok = client.patch(
        path, {"title": "新"}, content_type="application/json", HTTP_IF_MATCH=f'"{document.version}"'
    )
    assert ok.status_code == 200 and ok.json()["title"] == "新"
    stale = client.patch(
        path, {"title": "旧"}, content_type="application/json", HTTP_IF_MATCH=f'"{document.version}"'
    )
    assert stale.status_code == 412
    bad = client.patch(path, {"title": "", "version": document.version + 1}, content_type="application/json")
    assert bad.status_code == 400 and "title" in bad.json()["errors"]
    check_access(
        client,
        cast,
        path,
        method="patch",
        api=True,
        data={"title": "x", "version": 99},
        permitted=[],
        hidden=["engineer_a2", *OUTSIDERS],
    )


def test_versions_upload_list_diff_download(client, cast, document):
    versions = api("versions", document.pk)
    check_access(client, cast, versions, api=True, permitted=READERS, hidden=["engineer_a2", *OUTSIDERS])
    client.force_login(cast.engineer_a)
    missing_version = client.post(versions, {"file": upload("v2.pdf", pdf_bytes("2")), "change_summary": "x"})
    assert missing_version.status_code == 428
    refused = client.post(
        versions,
        {"file": upload("v2.pdf", pdf_bytes("2")), "change_summary": "", "version": document.version},
    )
    assert refused.status_code == 400 and "change_summary" in refused.json()["errors"]
    created = client.post(
        versions,
        {
            "file": upload("v2.pdf", pdf_bytes("2")),
            "change_summary": "更新",
            "title": "方案第二版",
            "version": document.version,
        },
    )
    assert created.status_code == 201 and created.json()["number"] == 2
    listed = client.get(versions).json()["results"]
    assert [v["number"] for v in listed] == [2, 1]

    diff = client.get(api("version-diff", document.pk, 2))
    assert diff.status_code == 200
    assert {c["key"] for c in diff.json()["changes"]} >= {"title", "filename", "sha256"}
    assert client.get(api("version-diff", document.pk, 2), {"against": 7}).status_code == 404
    check_access(
        client,
        cast,
        api("version-diff", document.pk, 2),
        api=True,
        permitted=READERS,
        hidden=["engineer_a2", *OUTSIDERS],
    )

    download = api("version-download", document.pk, 1)
    check_access(client, cast, download, api=True, permitted=READERS, hidden=["engineer_a2", *OUTSIDERS])
    check_access(
        client, cast, api("version-download", document.pk, 3), api=True, permitted=[], hidden=["engineer_a"]
    )
    client.force_login(cast.sales_a)
    response = client.get(download)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF-")


def test_versions_list_queries_constant(client, cast, document):
    client.force_login(cast.engineer_a)
    assert_constant_queries(
        client,
        api("versions", document.pk),
        lambda: [
            services.document_add_version(
                actor=cast.engineer_a,
                document=document,
                file=upload(f"{i}.pdf", pdf_bytes()),
                change_summary="x",
            )
            for i in range(4)
        ],
        api=True,
    )


def test_approval_flow_through_the_api(client, cast, head, document):
    client.force_login(cast.engineer_a)
    submit = api("submit", document.pk)
    assert post_json(client, submit, {}).status_code == 428
    check_access(
        client,
        cast,
        submit,
        method="post",
        api=True,
        data={"version": document.version},
        permitted=[],
        forbidden=["lead_a", "sales_a"],
        hidden=["engineer_a2", *OUTSIDERS],
    )
    client.force_login(cast.engineer_a)
    response = post_json(client, submit, {"comment": "请审核"}, HTTP_IF_MATCH=f'"{document.version}"')
    assert response.status_code == 200 and response.json()["status"] == "department_review"
    version = response.json()["version"]

    client.force_login(cast.lead_a)
    refused = post_json(client, api("return", document.pk), {"comment": "", "version": version})
    assert refused.status_code == 400 and "comment" in refused.json()["errors"]
    returned = post_json(client, api("return", document.pk), {"comment": "请补充", "version": version})
    assert returned.status_code == 200 and returned.json()["status"] == "returned"
    version = returned.json()["version"]
    conflict = post_json(client, api("approve", document.pk), {"version": version})
    assert conflict.status_code == 409 and conflict.json()["reasons"]

    client.force_login(cast.engineer_a)
    version = post_json(client, submit, {"version": version}).json()["version"]
    client.force_login(cast.manager)
    assert post_json(client, api("approve", document.pk), {"version": version}).status_code == 403
    client.force_login(cast.lead_a)
    version = post_json(client, api("approve", document.pk), {"version": version}).json()["version"]
    client.force_login(cast.manager)
    version = post_json(client, api("approve", document.pk), {"version": version}).json()["version"]
    no_mode = post_json(client, api("approve", document.pk), {"version": version})
    assert no_mode.status_code == 400 and "final_mode" in no_mode.json()["errors"]
    published = post_json(
        client,
        api("approve", document.pk),
        {
            "version": version,
            "final_mode": "meeting",
            "participants": [cast.manager.pk, cast.engineer_b.pk, head.pk],
        },
    )
    assert published.status_code == 200 and published.json()["status"] == "published"

    events = api("events", document.pk)
    # engineer_b took part in the meeting that decided it: a reviewer keeps reading what they reviewed
    check_access(
        client, cast, events, api=True, permitted=[*READERS, "engineer_b"], hidden=["engineer_a2", "nobody"]
    )
    client.force_login(cast.engineer_a)
    actions = [e["action"] for e in client.get(events).json()["results"]]
    assert actions[0] == "approved" and "returned" in actions and actions[-1] == "created"
    assert_constant_queries(
        client,
        events,
        lambda: [
            services.document_set_access(
                actor=cast.engineer_a, document=Document.objects.get(pk=document.pk), access_level=level
            )
            for level in ("public", "team", "public")
        ],
        api=True,
    )


def test_archive_and_access_endpoints(client, cast, document):
    client.force_login(cast.engineer_a)
    access = api("access", document.pk)
    assert_refused(
        client,
        access,
        {"access_level": "secret", "version": document.version},
        fields=["access_level"],
        models=DOC_MODELS,
        api=True,
    )
    check_access(
        client,
        cast,
        access,
        method="post",
        api=True,
        data={"access_level": "team", "version": 99},
        permitted=[],
        forbidden=["sales_a"],
        hidden=["engineer_a2", *OUTSIDERS],
    )
    client.force_login(cast.engineer_a)
    response = post_json(
        client,
        access,
        {"access_level": "confidential", "named_readers": [cast.sales_a.pk], "version": document.version},
    )
    assert response.status_code == 200 and response.json()["access_level"] == "confidential"
    document.refresh_from_db()

    archive = api("archive", document.pk)
    assert_refused(
        client,
        archive,
        {"comment": "", "version": document.version},
        fields=["comment"],
        models=DOC_MODELS,
        api=True,
    )
    check_access(
        client,
        cast,
        archive,
        method="post",
        api=True,
        data={"comment": "x", "version": 99},
        permitted=[],
        forbidden=["sales_a"],
        hidden=["manager", "engineer_a2", *OUTSIDERS],
    )
    client.force_login(cast.engineer_a)
    archived = post_json(client, archive, {"comment": "项目结束", "version": document.version})
    assert archived.status_code == 200 and archived.json()["status"] == DocumentStatus.ARCHIVED


def test_confidential_download_log_endpoint(client, cast, opportunity):
    secret = make_document(
        author=cast.engineer_a,
        opportunity=opportunity,
        access_level="confidential",
        named_readers=[cast.engineer_a2],
    )
    client.force_login(cast.engineer_a2)
    client.get(api("version-download", secret.pk, 1))
    assert DownloadLog.objects.filter(user=cast.engineer_a2).count() == 1
    downloads = api("downloads", secret.pk)
    check_access(
        client,
        cast,
        downloads,
        api=True,
        permitted=["engineer_a"],
        forbidden=["engineer_a2"],
        hidden=["manager", "sales_a", *OUTSIDERS],
    )
    client.force_login(cast.engineer_a)
    rows = client.get(downloads).json()["results"]
    assert rows[0]["user"] == cast.engineer_a2.pk and rows[0]["version_number"] == 1
    assert_constant_queries(
        client,
        downloads,
        lambda: [
            services.document_download_record(
                user=cast.engineer_a2, document=secret, version=secret.current_version, inline=True
            )
            for _ in range(3)
        ],
        api=True,
    )


def test_access_requests_endpoints(client, cast, document):
    ask = api("request-access", document.pk)
    check_access(
        client, cast, ask, method="post", api=True, data={"reason": ""}, permitted=[], hidden=OUTSIDERS
    )
    client.force_login(cast.engineer_a2)
    assert_refused(client, ask, {"reason": ""}, fields=["reason"], models=[AccessRequest], api=True)
    created = post_json(client, ask, {"reason": "参考方案"})
    assert created.status_code == 201 and created.json()["status"] == "pending"
    request_id = created.json()["id"]

    listing = reverse("document-access-request-list")
    check_access(client, cast, listing, api=True, permitted=["engineer_a", "engineer_a2", "nobody"])
    client.force_login(cast.engineer_a)
    assert [r["id"] for r in client.get(listing).json()["results"]] == [request_id]
    detail = reverse("document-access-request-detail", args=[request_id])
    check_access(
        client,
        cast,
        detail,
        api=True,
        permitted=["engineer_a", "engineer_a2", "lead_a", "manager"],
        hidden=["sales_a", *OUTSIDERS],
    )

    decide = reverse("document-access-request-decide", args=[request_id])
    check_access(
        client,
        cast,
        decide,
        method="post",
        api=True,
        data={"decision": "grant", "until": "2001-01-01"},
        permitted=[],
        forbidden=["engineer_a2"],
        hidden=["sales_a", *OUTSIDERS],
    )
    client.force_login(cast.lead_a)
    assert_refused(client, decide, {"decision": "refuse"}, fields=["note"], models=[AccessRequest], api=True)
    assert_refused(
        client, decide, {"decision": "maybe"}, fields=["decision"], models=[AccessRequest], api=True
    )
    granted = post_json(
        client, decide, {"decision": "grant", "until": (timezone.localdate() + timedelta(days=2)).isoformat()}
    )
    assert granted.status_code == 200 and granted.json()["active"] is True
    again = post_json(client, decide, {"decision": "refuse", "note": "x"})
    assert again.status_code == 409
    client.force_login(cast.engineer_a2)
    assert client.get(api("version-download", document.pk, 1)).status_code == 200

    def more():
        for i in range(3):
            d = make_document(author=cast.engineer_a, opportunity=document.opportunity)
            services.access_request_create(actor=cast.engineer_a2, document=d, reason=f"参考{i}")

    client.force_login(cast.engineer_a)
    assert_constant_queries(client, listing, more, api=True)


def test_categories_endpoint(client, cast):
    listing = reverse("document-category-list")
    check_access(client, cast, listing, api=True, permitted=["engineer_a", "nobody"])
    client.force_login(cast.engineer_a)
    codes = {c["kind"]: (c["code"], c["steps"]) for c in client.get(listing).json()}
    assert codes["research"][0] == "QD" and codes["solution"][1] == [
        "department_head",
        "presales_manager",
        "final",
    ]
    assert {c for c, _ in codes.values()} == {"XM", "QD", "FJ", "YS", "TB", "QT"}
    detail = reverse("document-category-detail", args=[category().pk])
    check_access(client, cast, detail, api=True, permitted=["engineer_a", "nobody"])


def test_openapi_describes_the_document_api(client, cast):
    client.force_login(cast.engineer_a)
    schema = client.get(reverse("api-schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    paths = schema["paths"]
    for path in (
        "/api/documents/",
        "/api/documents/{id}/versions/",
        "/api/documents/{id}/versions/{number}/download/",
        "/api/documents/{id}/approve/",
        "/api/documents/{id}/return/",
        "/api/document-access-requests/{id}/decide/",
        "/api/document-categories/",
    ):
        assert path in paths, path
    assert "multipart/form-data" in paths["/api/documents/"]["post"]["requestBody"]["content"]
