"""Chinese text uses full-width punctuation: no ASCII , : ; ? ! ( ) between two CJK characters in
any msgstr of any zh_Hans catalog. HTML tags and URLs are skipped. In a msgstr with Chinese in it a
placeholder such as %(name)s or {x} stands for Chinese text (it is a name, a step, a figure read in a
Chinese sentence: "考核 %(name)s:%(step)s" is flagged); in a msgstr without Chinese it is skipped
("%(name)s:%(value)s" is a format, not a sentence)."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "presales"
CATALOGS = sorted(SRC.glob("*/locale/zh_Hans/LC_MESSAGES/django.po"))
CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
PLACEHOLDER = re.compile(r"%\([^)]*\)[#0\- +]*\d*(?:\.\d+)?[a-zA-Z%]|%[sdf%]|\{[^}]*\}")
MARKUP = re.compile(r"<[^>]*>|https?://\S+")
CHINESE = re.compile("[\u4e00-\u9fff]")
HALF_WIDTH_BETWEEN_CJK = re.compile(rf"(?<=[{CJK}])[,:;?!()](?=[{CJK}])")


def offences(text: str) -> list[str]:
    masked = MARKUP.sub(lambda m: "\x00" * len(m.group()), text)
    stand_in = "字" if CHINESE.search(masked) else "\x00"
    masked = PLACEHOLDER.sub(lambda m: stand_in * len(m.group()), masked)
    return [masked[max(0, m.start() - 6) : m.end() + 6] for m in HALF_WIDTH_BETWEEN_CJK.finditer(masked)]


def test_the_check_flags_what_it_should():
    assert offences("发布结果后,您的得分在此之前:请填写")
    assert offences("录入:客户调查") and offences("权重(百分比)说明")
    assert not offences("发布结果后，您的得分：请填写（百分比）")
    assert not offences("时间 09:00, 单元格 (%(i)s, %(j)s)") and not offences("%(name)s:%(value)s")
    # a placeholder read inside a Chinese sentence
    assert offences("绩效考核 %(cycle)s · %(name)s:%(step)s") and offences("每次 +%(per)s,最多 %(cap)s")
    assert offences("维度权重：%(dim)s(%%)") and offences("%(a)s 对 %(b)s:您给出")
    assert not offences("绩效考核 %(cycle)s · %(name)s：%(step)s") and not offences('<a href="/x">链接</a>:')


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
