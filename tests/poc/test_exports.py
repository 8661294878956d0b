"""The filled launch confirmation and resource list: real DOCX and PDF files with the POC's data,
the PDF set in the font shipped with the app."""

import io

import pytest
from django.urls import reverse

from presales.poc import exports
from tests.factories.poc import complete, make_poc

pytestmark = pytest.mark.django_db


@pytest.fixture
def filled(cast):
    return complete(make_poc(cast, title="高温BMS验证", our_company="华储智能科技"), cast.engineer_a)


def docx_text(content: bytes) -> str:
    from docx import Document

    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def pdf_text_and_fonts(content: bytes) -> tuple[str, set[str]]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    fonts = set()
    for page in reader.pages:
        resources = page.get("/Resources") or {}
        for font in (resources.get("/Font") or {}).values():
            fonts.add(str(font.get_object().get("/BaseFont")))
    return text, fonts


def test_confirmation_docx_has_the_data(filled):
    text = docx_text(exports.confirmation_docx(filled))
    for expected in (filled.number, "高温BMS验证", filled.customer.name, "华储智能科技", "验证新BMS在高温工况下响应时间≤80ms",
                     "≤ 80 ms", "≤ 50 ms", "张工", "13800000001", "陈总", "王经理", "☑"):
        assert expected in text, expected
    assert "4" in text


def test_resources_docx_has_both_sides(filled):
    text = docx_text(exports.resources_docx(filled))
    for expected in ("张工", "赵工", "吴工", "BMS-3000", "31"):
        assert expected in text, expected


def test_pdfs_render_chinese_with_the_shipped_font(filled):
    assert exports.FONT_FILE.exists() and exports.FONT_FILE.stat().st_size > 1_000_000
    for builder, expected in ((exports.confirmation_pdf, ("高温BMS验证", filled.number, "陈总")),
                              (exports.resources_pdf, ("张工", "BMS-3000"))):
        content = builder(filled)
        assert content.startswith(b"%PDF")
        text, fonts = pdf_text_and_fonts(content)
        for item in expected:
            assert item in text.replace(" ", ""), item
        assert any("WenQuanYi" in f or "MicroHei" in f for f in fonts), fonts


def test_an_empty_poc_still_exports_with_blanks(cast):
    poc = make_poc(cast)
    assert "____" in docx_text(exports.confirmation_docx(poc))
    assert exports.resources_pdf(poc).startswith(b"%PDF")


@pytest.mark.parametrize("document, fmt, content_type", [
    ("confirmation", "docx", "wordprocessingml"), ("confirmation", "pdf", "pdf"),
    ("resources", "docx", "wordprocessingml"), ("resources", "pdf", "pdf"),
])
def test_export_pages(client, cast, filled, document, fmt, content_type):
    client.force_login(cast.sales_a)
    response = client.get(reverse("poc:export", args=[filled.pk, document, fmt]))
    assert response.status_code == 200 and content_type in response["Content-Type"]
    assert f"{filled.number}-{document}.{fmt}" in response["Content-Disposition"]
