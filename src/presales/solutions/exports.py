"""The solution as a DOCX (python-docx): cover data, the completeness score, every section of a
frozen version (Markdown headings and bullets kept as Word headings and bullets), and the review
record of the version's round."""

from __future__ import annotations

import re

from django.utils import timezone
from django.utils.translation import gettext as _

from presales.core.docx import to_bytes

DOCX_EAST_ASIAN_FONT = "Microsoft YaHei"
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
HEADING = re.compile(r"^(#{1,4})\s+(.*)$")
BULLET = re.compile(r"^\s*[-*+]\s+(.*)$")
NUMBERED = re.compile(r"^\s*\d+[.)、]\s+(.*)$")


def _document():
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Pt

    document = Document()
    style = document.styles["Normal"]
    style.font.size = Pt(10.5)
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), DOCX_EAST_ASIAN_FONT)
    return document


def _markdown(document, text: str) -> None:
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        if m := HEADING.match(line):
            document.add_heading(m.group(2).strip(), level=min(len(m.group(1)) + 1, 4))
        elif m := BULLET.match(line):
            document.add_paragraph(m.group(1).strip(), style="List Bullet")
        elif m := NUMBERED.match(line):
            document.add_paragraph(m.group(1).strip(), style="List Number")
        else:
            document.add_paragraph(line.strip())


def solution_docx(solution, version) -> bytes:
    """The DOCX of `version` (a SolutionVersion) of `solution`."""
    from .models import LevelDecision

    opportunity = solution.opportunity
    document = _document()
    document.add_heading(solution.title, level=0)
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    rows = [
        (_("Opportunity"), f"{opportunity.number} {opportunity.name}"),
        (_("Author"), str(solution.author)),
        (_("Version"), f"v{version.number} · {timezone.localtime(version.created_at):%Y-%m-%d %H:%M}"),
        (_("Change summary"), version.change_summary or "—"),
        (_("Completeness score"), f"{version.completeness}%"),
    ]
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = str(label), str(value)
    for number, section in enumerate(version.sections, start=1):
        document.add_heading(f"{number}. {section['title']}", level=1)
        if section.get("content", "").strip():
            _markdown(document, section["content"])
        else:
            document.add_paragraph(_("(not written)"))
    decisions = list(
        LevelDecision.objects.filter(round__version=version).select_related("reviewer").order_by("level")
    )
    if decisions:
        document.add_heading(_("Review record"), level=1)
        for d in decisions:
            document.add_paragraph(
                f"{d.get_level_display()} · {d.reviewer} · {d.get_decision_display()} · "
                f"{timezone.localtime(d.decided_at):%Y-%m-%d}" + (f" · {d.comments}" if d.comments else "")
            )
    return to_bytes(document)
