"""The pure modules, without a database: the approval chain, file sniffing, metadata diffs."""

from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from presales.accounts.choices import RoleCode
from presales.documents import approval, filetypes, metadata
from presales.documents.choices import CategoryKind, ReviewStep
from presales.documents.choices import DocumentStatus as S
from presales.documents.samples import minimal_docx, minimal_pdf, tiny_png


def cat(dept=True, manager=True, final=True):
    return SimpleNamespace(
        needs_department_head=dept, needs_presales_manager=manager, needs_final_review=final
    )


def test_full_chain():
    c = cat()
    assert approval.steps_for(c) == ["department_head", "presales_manager", "final"]
    assert approval.status_after_submit(c) == S.DEPARTMENT_REVIEW
    assert approval.status_after_approval(c, S.DEPARTMENT_REVIEW) == S.MANAGER_REVIEW
    assert approval.status_after_approval(c, S.MANAGER_REVIEW) == S.FINAL_REVIEW
    assert approval.status_after_approval(c, S.FINAL_REVIEW) == S.PUBLISHED


@given(st.booleans(), st.booleans(), st.booleans())
def test_any_configuration_walks_its_steps_in_order_then_publishes(dept, manager, final):
    c = cat(dept, manager, final)
    status = approval.status_after_submit(c)
    seen = []
    while status != S.PUBLISHED:
        seen.append(approval.STATUS_STEP[status])
        status = approval.status_after_approval(c, status)
    assert seen == approval.steps_for(c)
    assert seen == [s for s in approval.STEP_ORDER if s in seen]


def test_reconfigured_category_continues_after_the_current_step():
    # the document waits at the department step, then the category drops that step
    assert approval.status_after_approval(cat(dept=False), S.DEPARTMENT_REVIEW) == S.MANAGER_REVIEW
    assert approval.status_after_approval(cat(False, False, False), S.MANAGER_REVIEW) == S.PUBLISHED


@pytest.mark.parametrize(
    "step, roles, led, mode, expected",
    [
        (ReviewStep.DEPARTMENT_HEAD, {RoleCode.DEPARTMENT_HEAD}, set(), None, True),
        (
            ReviewStep.DEPARTMENT_HEAD,
            {RoleCode.PRESALES_ENGINEER},
            {7},
            None,
            True,
        ),  # leads the document's team
        (ReviewStep.DEPARTMENT_HEAD, {RoleCode.PRESALES_ENGINEER}, {8}, None, False),  # leads another team
        (ReviewStep.DEPARTMENT_HEAD, {RoleCode.PRESALES_MANAGER}, set(), None, False),
        (ReviewStep.PRESALES_MANAGER, {RoleCode.PRESALES_MANAGER}, set(), None, True),
        (ReviewStep.PRESALES_MANAGER, {RoleCode.DEPARTMENT_HEAD}, set(), None, False),
        (ReviewStep.FINAL, {RoleCode.DEPARTMENT_HEAD}, set(), "leader", True),
        (ReviewStep.FINAL, {RoleCode.PRESALES_MANAGER}, set(), "leader", False),
        (ReviewStep.FINAL, {RoleCode.PRESALES_MANAGER}, set(), "meeting", True),
        (ReviewStep.FINAL, {RoleCode.PRESALES_ENGINEER}, {7}, "meeting", False),
        (ReviewStep.FINAL, {RoleCode.ADMIN}, set(), None, False),
        ("unknown", {RoleCode.ADMIN}, set(), None, False),
    ],
)
def test_who_decides(step, roles, led, mode, expected):
    assert approval.may_decide(step, roles=roles, led_team_ids=led, team_id=7, mode=mode) is expected


def test_meeting_rules():
    assert approval.meeting_problems([1, 2]) == []
    assert approval.meeting_problems([1]) == ["too_few_participants", "single_department"]
    assert approval.meeting_problems([1, 1, 1]) == ["single_department"]
    assert approval.meeting_problems([None, 3]) == ["single_department"]


@pytest.mark.parametrize(
    "data, extension, kind",
    [
        (minimal_pdf(["x"]), "", "pdf"),
        (tiny_png(), "", "png"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 20, "", "jpg"),
        (b"GIF89a" + b"\x00" * 10, "", "gif"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "", "webp"),
        (minimal_docx("t", ["p"]), "", "docx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 10, "xls", "xls"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 10, "", "doc"),
        (b"PK\x05\x06" + b"\x00" * 18, "", "zip"),
        ("中文，逗号".encode(), "", "txt"),
        ("中文".encode("gb18030"), "", "txt"),
        (b"\x00\x01binary", "", None),
        (b"", "", None),
    ],
)
def test_sniff(data, extension, kind):
    assert filetypes.sniff(data, extension=extension) == kind


def test_ooxml_kinds_from_their_parts():
    import io
    import zipfile

    def package(part):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as z:
            z.writestr("[Content_Types].xml", "<Types/>")
            z.writestr(part, "<x/>")
        return out.getvalue()

    assert filetypes.sniff(package("xl/workbook.xml")) == "xlsx"
    assert filetypes.sniff(package("ppt/presentation.xml")) == "pptx"
    assert filetypes.sniff(package("other/thing.xml")) == "zip"
    assert filetypes.sniff(b"PK\x03\x04 broken") == "zip"


@pytest.mark.parametrize(
    "name, size, detected, expected",
    [
        ("a.pdf", 10, "pdf", []),
        ("A.PDF", 10, "pdf", []),
        ("a.jpeg", 10, "jpg", []),
        ("a.pdf", 0, None, ["empty"]),
        ("a.pdf", 101, "pdf", ["too_big"]),
        ("a.exe", 10, None, ["type_not_allowed"]),
        ("a.svg", 10, "txt", ["type_not_allowed"]),  # not a type this module can check
        ("a.log", 10, "txt", ["type_not_allowed"]),  # a checkable type, but not on the list
        ("a.pdf", 10, "docx", ["extension_mismatch"]),
        ("a.pdf", 500, "docx", ["too_big", "extension_mismatch"]),
        ("noext", 10, "pdf", ["type_not_allowed"]),
        ("dir\\a.pdf", 10, "pdf", []),
    ],
)
def test_check_upload(name, size, detected, expected):
    allowed = ["pdf", "png", "jpg", "jpeg", "docx", "txt"]
    assert (
        filetypes.check_upload(filename=name, size=size, detected=detected, allowed=allowed, max_bytes=100)
        == expected
    )


def test_previewable_types_and_content_types():
    assert filetypes.is_previewable("pdf") and filetypes.is_previewable("png")
    assert not filetypes.is_previewable("docx") and not filetypes.is_previewable("nope")
    assert filetypes.content_type_of("nope") == "application/octet-stream"


def test_metadata_diff_and_rows():
    old = {
        "title": "A",
        "category": "solution",
        "access_level": "team",
        "named_readers": [],
        "size": 1,
        "legacy": 1,
    }
    new = {
        "title": "B",
        "category": "bid",
        "access_level": "team",
        "named_readers": ["张工", "赵工"],
        "size": 1,
    }
    changes = {c["key"]: (c["old"], c["new"]) for c in metadata.diff(old, new)}
    assert set(changes) == {"title", "category", "named_readers", "legacy"}
    assert changes["named_readers"] == ("—", "张工、赵工")
    assert changes["legacy"] == ("1", "—")
    assert changes["category"][1] == str(CategoryKind.BID.label)
    assert [r["key"] for r in metadata.rows(new)] == [
        "title",
        "category",
        "access_level",
        "named_readers",
        "size",
    ]
    assert metadata.diff(new, dict(new)) == []
