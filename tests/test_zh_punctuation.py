"""Chinese text uses full-width punctuation: no ASCII , : ; ? ! ( ) between two CJK characters in
any msgstr of any zh_Hans catalog (placeholders such as %(name)s, {x} and HTML tags are skipped)."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "presales"
CATALOGS = sorted(SRC.glob("*/locale/zh_Hans/LC_MESSAGES/django.po"))
CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
PROTECTED = re.compile(r"%\([^)]*\)[#0\- +]*\d*(?:\.\d+)?[a-zA-Z%]|%[sdf%]|\{[^}]*\}|<[^>]*>|https?://\S+")
HALF_WIDTH_BETWEEN_CJK = re.compile(rf"(?<=[{CJK}])[,:;?!()](?=[{CJK}])")


def offences(text: str) -> list[str]:
    masked = PROTECTED.sub(lambda m: "\x00" * len(m.group()), text)
    return [masked[max(0, m.start() - 6) : m.end() + 6] for m in HALF_WIDTH_BETWEEN_CJK.finditer(masked)]


def test_the_check_flags_what_it_should():
    assert offences("发布结果后,您的得分在此之前:请填写")
    assert offences("录入:客户调查") and offences("权重(百分比)说明")
    assert not offences("发布结果后，您的得分：请填写（百分比）")
    assert not offences("时间 09:00, 单元格 (%(i)s, %(j)s)") and not offences("%(name)s:%(value)s")


def test_catalogs_are_found():
    assert len(CATALOGS) >= 15


@pytest.mark.parametrize("catalog", CATALOGS, ids=lambda p: p.parts[-5])
def test_zh_catalog_uses_full_width_punctuation(catalog):
    bad = []
    for entry in polib.pofile(str(catalog)):
        if entry.obsolete:
            continue
        for text in [entry.msgstr, *entry.msgstr_plural.values()]:
            for snippet in offences(text):
                bad.append(f"{entry.msgid[:50]!r}: …{snippet}…")
    assert not bad, "\n".join(bad)
