"""方案完整性评分 — the solution completeness score.

Only the *required* sections of the catalogue count. A section is **substantive** when its text,
once Markdown markup, whitespace and placeholder lines are taken away, still has at least the
section's minimum number of characters (`SectionTemplate.min_chars`, 30 by default — two or three
sentences of Chinese; a heading or a bullet list of keywords is not enough):

- markup characters ``# * _ > ` | - = ~ [ ] ( ) !`` and all whitespace are not counted;
- a line that only says the text is still to come (待补充, 待定, 暂无, 略, TBD, TODO, N/A, …)
  is not counted.

score = ⌊100 × substantive required sections / required sections⌋, so 100 means every required
section is written and anything missing keeps the score below 100. A catalogue without a required
section scores 100. The score is computed live for the editor and frozen on every submitted version
(`SolutionVersion.completeness`), which the appraisal reads.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

DEFAULT_MIN_CHARS = 30
MARKUP = re.compile(r"[\s#*_>`|\-=~\[\]()!]+")
PLACEHOLDERS = frozenset(
    {
        "待补充",
        "待定",
        "待完善",
        "暂无",
        "略",
        "无",
        "同上",
        "见附件",
        "tbd",
        "todo",
        "n/a",
        "na",
        "none",
        "xxx",
        "...",
        "……",
    }
)


def meaningful_text(text: str | None) -> str:
    """The characters that count: no markup, no whitespace, no placeholder lines."""
    kept = []
    for line in (text or "").splitlines():
        bare = MARKUP.sub("", line)
        if not bare or bare.lower().strip("。.:：") in PLACEHOLDERS:
            continue
        kept.append(bare)
    return "".join(kept)


def is_substantive(text: str | None, min_chars: int = DEFAULT_MIN_CHARS) -> bool:
    return len(meaningful_text(text)) >= max(int(min_chars), 1)


@dataclass(frozen=True)
class SectionInput:
    code: str
    title: str
    required: bool
    min_chars: int
    content: str


@dataclass
class Completeness:
    score: int
    required: int
    filled: int
    missing: list[str] = field(default_factory=list)  # titles of the required sections not filled
    missing_codes: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.missing


def score(sections: Iterable[SectionInput]) -> Completeness:
    required = [s for s in sections if s.required]
    missing = [s for s in required if not is_substantive(s.content, s.min_chars)]
    filled = len(required) - len(missing)
    value = 100 if not required else (100 * filled) // len(required)
    return Completeness(
        score=value,
        required=len(required),
        filled=filled,
        missing=[s.title for s in missing],
        missing_codes=[s.code for s in missing],
    )
