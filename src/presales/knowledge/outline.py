"""Solution-outline drafting (SPEC §7, issue #10): from an opportunity's confirmed requirement
items, the solution-section catalogue, the matching published templates and the similar cases,
a first solution document whose sections each list the requirement items they answer and the
passages they reuse, every passage citing its source article.

Offline and deterministic (the same records give the same text, byte for byte):

1. **Requirements**: the items of the customer's latest confirmation (需求确认书, its snapshot), by
   number. Proposed and in-scope items are answered; deferred and out-of-scope ones are listed in
   the overview as "not in this phase". No confirmation, or nothing left to answer: refused.
2. **Items → sections** (`assign_requirements`): by category through `CATEGORY_SECTIONS` (the
   shipped catalogue's codes), every must-have item also in the overview (its guidance asks how
   the solution answers the key requirements); a section managers added to the catalogue gets the
   items sharing enough words with its title and guidance; an item no rule places goes to the
   section whose words it shares most (else the first required one), so none is left out.
3. **Sources**: the published templates and cases (knowledge.similar, TF-IDF over the segmented
   text of the opportunity and its confirmed items) that the drafter may read and whose text may
   be copied into the opportunity's documents (`similar.reusable_q`: company-wide articles, and
   project-team ones of the opportunity's own team) — never a confidential article, nor another
   team's, whose text would otherwise reach readers the article does not have.
4. **Passages** (`split_passages`): each source cut at its Markdown headings (paragraphs when it has
   none), at most MAX_PASSAGE_CHARS each, cut at a sentence end.
5. **Passages → sections** (`assign_passages`): each (section, passage) pair scored by the cosine of
   their idf-weighted word sets (section: title, guidance, the items it answers; passage: heading
   and text) plus HEADING_BONUS when the passage's heading is the section's title (a template made
   from a reviewed solution is written in the catalogue's sections); greedily best first, a passage
   used once, at most MAX_PASSAGES_PER_SECTION per section and one per source article in a
   section. The cases section (code `cases`) gets the summary of each similar case first.
6. **Text** (`render_section`): Markdown in the site's language; each passage is quoted and followed
   by its source line `〔来源：知识库 KB-<id>《title》…〕`; every section ends with a 待补充 line (a
   placeholder the completeness score does not count), and a section with nothing to prefill holds
   only that line, so a draft never passes for written text by itself.

The optional language model (knowledge.llm, off unless PRESALES_OUTLINE_LLM_URL is set) only adds
an introduction to each section; the items and the cited passages are the same with or without it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

MAX_PASSAGE_CHARS = 600
MIN_PASSAGE_CHARS = 12
MAX_PASSAGES_PER_SECTION = 3
MAX_TEMPLATES = 3
MAX_CASES = 3
HEADING_BONUS = 1.0
MIN_PASSAGE_SCORE = 0.12
MIN_SECTION_MATCH = 0.15

# The shipped catalogue (solutions migration 0002): which sections answer which kind of requirement.
CATEGORY_SECTIONS: dict[str, tuple[str, ...]] = {
    "functional": ("business_process", "modules"),
    "performance": ("architecture",),
    "security": ("architecture",),
    "integration": ("integration",),
    "data": ("architecture", "integration"),
    "operations": ("implementation", "training"),
    "other": ("overview",),
}
KEY_SECTION = "overview"
CASES_SECTION = "cases"
# Codes the rules above know; other catalogue entries are matched by their words.
KNOWN_CODES = frozenset({code for codes in CATEGORY_SECTIONS.values() for code in codes}
                        | {KEY_SECTION, CASES_SECTION, "budget"})
ANSWERED_STATUSES = ("proposed", "in_scope")
LATER_STATUSES = ("deferred", "out_of_scope")
PRIORITY_ORDER = {"must": 0, "should": 1, "could": 2}

Tokenize = Callable[[str], list[str]]


@dataclass(frozen=True)
class Requirement:
    number: int
    title: str
    description: str = ""
    priority: str = "should"
    category: str = "functional"
    status: str = "in_scope"

    @property
    def code(self) -> str:
        return f"REQ-{self.number:03d}"

    @classmethod
    def from_snapshot(cls, entry: dict) -> Requirement:
        return cls(
            number=int(entry["number"]), title=entry.get("title") or "",
            description=entry.get("description") or "", priority=entry.get("priority") or "should",
            category=entry.get("category") or "other", status=entry.get("status") or "proposed",
        )


@dataclass(frozen=True)
class SectionSpec:
    code: str
    title: str
    required: bool = True
    guidance: str = ""


@dataclass(frozen=True)
class Source:
    """A knowledge article reused by the draft."""

    article_id: int
    title: str
    kind: str
    url: str = ""


@dataclass(frozen=True)
class Passage:
    source: Source
    position: int  # its place in the article (0, 1, ...)
    heading: str
    text: str

    @property
    def key(self) -> tuple[int, int]:
        return (self.source.article_id, self.position)


@dataclass
class DraftSection:
    spec: SectionSpec
    requirements: list[Requirement] = field(default_factory=list)
    cases: list[Passage] = field(default_factory=list)  # the cases section: one summary per similar case
    passages: list[Passage] = field(default_factory=list)
    introduction: str = ""  # written by the language model, when one is configured
    content: str = ""

    @property
    def reused(self) -> list[Passage]:
        return [*self.cases, *self.passages]


@dataclass
class Draft:
    sections: list[DraftSection]
    later: list[Requirement] = field(default_factory=list)  # deferred / out of scope: not answered now
    preface: str = ""

    @property
    def sources(self) -> list[Source]:
        seen: dict[int, Source] = {}
        for section in self.sections:
            for passage in section.reused:
                seen.setdefault(passage.source.article_id, passage.source)
        return [seen[k] for k in sorted(seen)]

    def contents(self) -> dict[str, str]:
        return {s.spec.code: s.content for s in self.sections}


# --- passages ---------------------------------------------------------------------------------------

HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$")
SENTENCE_END = re.compile(r"[。！？；.!?;\n]")
MEANINGFUL = re.compile(r"[\s#*_>`|\-=~\[\]()!]+")


def _meaningful_len(text: str) -> int:
    return len(MEANINGFUL.sub("", text))


def _cut(text: str, limit: int = MAX_PASSAGE_CHARS) -> str:
    """`text` at most `limit` characters, cut after the last sentence end that fits (…)."""
    text = text.strip()
    if len(text) <= limit:
        return text
    head = text[:limit]
    ends = [m.end() for m in SENTENCE_END.finditer(head)]
    cut = ends[-1] if ends and ends[-1] >= limit // 2 else limit
    return head[:cut].rstrip() + "…"


def split_passages(source: Source, body: str) -> list[Passage]:
    """The article's passages: one per Markdown heading (the text under it), or one per paragraph
    when the body has no heading. Too short ones (a heading alone, a stray line) are left out."""
    blocks: list[tuple[str, list[str]]] = []
    heading, lines = "", []
    has_headings = any(HEADING.match(line) for line in (body or "").splitlines())
    for line in (body or "").replace("\r\n", "\n").splitlines():
        match = HEADING.match(line)
        if match:
            blocks.append((heading, lines))
            heading, lines = match.group(1).strip(), []
        elif not has_headings and not line.strip():
            blocks.append((heading, lines))
            lines = []
        else:
            lines.append(line.rstrip())
    blocks.append((heading, lines))
    passages = []
    for heading, lines in blocks:
        text = _cut("\n".join(lines).strip("\n"))
        if _meaningful_len(text) < MIN_PASSAGE_CHARS:
            continue
        passages.append(Passage(source=source, position=len(passages), heading=heading[:100], text=text))
    return passages


# --- scoring ----------------------------------------------------------------------------------------


def _normal(text: str) -> str:
    return re.sub(r"[\s\d.、:：()（）#*]+", "", text or "").lower()


def _cosine(a: set[str], b: set[str], idf: dict[str, float]) -> float:
    common = a & b
    if not common:
        return 0.0
    dot = sum(idf.get(t, 1.0) ** 2 for t in common)
    na = math.sqrt(sum(idf.get(t, 1.0) ** 2 for t in a))
    nb = math.sqrt(sum(idf.get(t, 1.0) ** 2 for t in b))
    return dot / (na * nb) if na and nb else 0.0


def _idf(documents: Iterable[set[str]]) -> dict[str, float]:
    documents = list(documents)
    df: dict[str, int] = {}
    for words in documents:
        for w in words:
            df[w] = df.get(w, 0) + 1
    n = len(documents) or 1
    return {w: math.log(1 + n / c) for w, c in df.items()}


def _requirement_words(r: Requirement, tokenize: Tokenize) -> set[str]:
    return set(tokenize(f"{r.title} {r.description}"))


def _section_words(spec: SectionSpec, tokenize: Tokenize) -> set[str]:
    return set(tokenize(f"{spec.title} {spec.guidance}"))


# --- requirement items → sections -------------------------------------------------------------------


def assign_requirements(specs: list[SectionSpec], requirements: Iterable[Requirement],
                        tokenize: Tokenize) -> dict[str, list[Requirement]]:
    """{section code: the answered items it responds to, by number}; every answered item lands in
    at least one section."""
    codes = [s.code for s in specs]
    out: dict[str, list[Requirement]] = {c: [] for c in codes}
    if not specs:
        return out
    section_words = {s.code: _section_words(s, tokenize) for s in specs}
    item_words = {r.number: _requirement_words(r, tokenize) for r in requirements}
    idf = _idf([*section_words.values(), *item_words.values()])
    custom = [s for s in specs if s.code not in KNOWN_CODES and s.code != CASES_SECTION]
    for r in sorted(requirements, key=lambda r: r.number):
        if r.status not in ANSWERED_STATUSES:
            continue
        targets = [c for c in CATEGORY_SECTIONS.get(r.category, ()) if c in out]
        if r.priority == "must" and KEY_SECTION in out:
            targets.append(KEY_SECTION)
        targets += [s.code for s in custom
                    if _cosine(item_words[r.number], section_words[s.code], idf) >= MIN_SECTION_MATCH]
        if not targets:
            scored = sorted(
                ((_cosine(item_words[r.number], section_words[s.code], idf), -i, s.code)
                 for i, s in enumerate(specs) if s.code != CASES_SECTION),
                reverse=True,
            )
            best = scored[0] if scored else None
            if best is not None and best[0] > 0:
                targets = [best[2]]
            else:
                required = [s.code for s in specs if s.required and s.code != CASES_SECTION]
                targets = [(required or codes)[0]]
        for code in dict.fromkeys(targets):
            out[code].append(r)
    return out


# --- passages → sections ----------------------------------------------------------------------------


def assign_passages(sections: list[DraftSection], passages: list[Passage], tokenize: Tokenize,
                    *, case_summaries: list[Passage] = ()) -> None:
    """Fill `section.cases` (the cases section: the summaries) and `section.passages`."""
    used: set[tuple[int, int]] = set()
    cases_section = next((s for s in sections if s.spec.code == CASES_SECTION), None)
    if cases_section is not None:
        for passage in case_summaries:
            cases_section.cases.append(passage)
            used.add(passage.key)
    passage_words = {p.key: set(tokenize(f"{p.heading} {p.text}")) for p in passages}
    queries = {}
    for s in sections:
        words = _section_words(s.spec, tokenize)
        for r in s.requirements:
            words |= _requirement_words(r, tokenize)
        queries[s.spec.code] = words
    idf = _idf(passage_words.values())
    pairs = []
    for index, s in enumerate(sections):
        title = _normal(s.spec.title)
        for p in passages:
            score = _cosine(queries[s.spec.code], passage_words[p.key], idf)
            if title and _normal(p.heading) == title:
                score += HEADING_BONUS
            if score >= MIN_PASSAGE_SCORE:
                pairs.append((-round(score, 9), index, p.source.article_id, p.position, p))
    pairs.sort(key=lambda x: x[:4])
    for _score, index, _article, _position, p in pairs:
        section = sections[index]
        if p.key in used or len(section.passages) >= MAX_PASSAGES_PER_SECTION:
            continue
        if any(q.source.article_id == p.source.article_id for q in section.passages):
            continue
        section.passages.append(p)
        used.add(p.key)
    for s in sections:  # in the article's order within a section, sources by id: stable to read
        s.passages.sort(key=lambda p: (p.source.article_id, p.position))


# --- text -------------------------------------------------------------------------------------------


def source_line(passage: Passage) -> str:
    """The citation that follows every reused passage."""
    if passage.heading:
        return _("〔Source: knowledge base KB-%(id)s “%(title)s” · %(heading)s〕") % {
            "id": passage.source.article_id, "title": passage.source.title, "heading": passage.heading}
    return _("〔Source: knowledge base KB-%(id)s “%(title)s”〕") % {
        "id": passage.source.article_id, "title": passage.source.title}


def quote(passage: Passage) -> str:
    """The passage as a Markdown quote, its heading first, followed by its source line."""
    lines = ([f"**{passage.heading}**", ""] if passage.heading else []) + passage.text.splitlines()
    quoted = "\n".join(f"> {line}".rstrip() for line in lines)
    return f"{quoted}\n\n{source_line(passage)}"


def requirement_line(r: Requirement) -> str:
    from presales.discovery.choices import Priority

    label = str(Priority(r.priority).label) if r.priority in Priority.values else r.priority
    text = f"- {r.code}【{label}】{r.title}"
    description = " ".join((r.description or "").split())
    if description:
        text += _(": %(description)s") % {"description": description[:300]}
    return text


def render_section(section: DraftSection, *, preface: str = "", later: list[Requirement] = ()) -> str:
    """The section's Markdown. A section with nothing to prefill (no item, no passage) holds only
    the placeholder 待补充, so that the completeness score does not count it as written."""
    if not (section.requirements or section.reused or section.introduction or preface or later):
        return _("TBD")
    parts: list[str] = []
    if preface:
        parts.append(preface)
    if section.introduction:
        parts += [section.introduction, _("(Written by the language model: check it against the sources below.)")]
    if section.requirements:
        parts.append("**" + _("Requirements this section answers") + "**")
        parts.append("\n".join(requirement_line(r) for r in section.requirements))
    else:
        parts.append(_("(This section answers no item of the requirement confirmation directly.)"))
    if later:
        from presales.discovery.choices import RequirementStatus

        parts.append("**" + _("Not in this phase") + "**")
        parts.append("\n".join(f"- {r.code} {r.title}（{RequirementStatus(r.status).label}）" for r in later))
    if section.cases:
        parts.append("**" + _("Similar cases") + "**")
        parts += [quote(p) for p in section.cases]
    if section.passages:
        parts.append("**" + _("Reusable passages") + "**")
        parts += [quote(p) for p in section.passages]
    parts.append(_("TBD"))
    return "\n\n".join(parts).strip()


def assemble(*, specs: list[SectionSpec], requirements: list[Requirement], templates: list[tuple[Source, str]],
             cases: list[tuple[Source, str]], tokenize: Tokenize, preface: str = "") -> Draft:
    """The whole draft from plain data (no database): deterministic for the same input."""
    by_section = assign_requirements(specs, requirements, tokenize)
    sections = [DraftSection(spec=s, requirements=by_section[s.code]) for s in specs]
    template_passages = [p for source, body in templates for p in split_passages(source, body)]
    case_passages = {source.article_id: split_passages(source, body) for source, body in cases}
    summaries = [ps[0] for ps in case_passages.values() if ps]
    pool = [*template_passages, *[p for ps in case_passages.values() for p in ps]]
    assign_passages(sections, pool, tokenize, case_summaries=summaries)
    later = sorted((r for r in requirements if r.status in LATER_STATUSES), key=lambda r: r.number)
    draft = Draft(sections=sections, later=later, preface=preface)
    render(draft)
    return draft


def render(draft: Draft) -> None:
    for index, section in enumerate(draft.sections):
        first = index == next((i for i, s in enumerate(draft.sections) if s.spec.code == KEY_SECTION), 0)
        section.content = render_section(section, preface=draft.preface if first else "",
                                         later=draft.later if first else [])


# --- reads: what the drafter starts from ------------------------------------------------------------


@dataclass
class Inputs:
    opportunity: object
    confirmation: object
    current: bool  # the confirmation still describes the requirement set
    requirements: list[Requirement]
    specs: list[SectionSpec]
    templates: list  # similar.SimilarCase
    cases: list


def confirmed_requirements(opportunity):
    """(the latest confirmation or None, its items, whether it is still current)."""
    from presales.discovery import selectors as discovery

    state = discovery.confirmation_state(opportunity.pk)
    latest = state["latest"]
    if latest is None:
        return None, [], False
    items = [Requirement.from_snapshot(e) for e in sorted(latest.snapshot, key=lambda e: int(e["number"]))]
    return latest, items, state["current"]


def gather(*, user, opportunity) -> Inputs:
    """Everything the draft is made of, read with the drafter's permissions. Raises DomainError
    when the opportunity has no confirmed requirement to answer."""
    from presales.core.errors import DomainError
    from presales.solutions import selectors as solutions

    from . import similar
    from .choices import ArticleKind

    confirmation, requirements, current = confirmed_requirements(opportunity)
    if confirmation is None:
        raise DomainError(
            _("This opportunity has no requirements confirmed by the customer yet: record its requirement items "
              "and the customer's confirmation (需求确认书) in the requirement research first."),
            code="no_confirmed_requirements", field="opportunity",
        )
    if not any(r.status in ANSWERED_STATUSES for r in requirements):
        raise DomainError(
            _("Every confirmed requirement item is deferred or out of scope: there is nothing for the solution to "
              "answer yet."),
            code="no_confirmed_requirements", field="opportunity",
        )
    specs = [SectionSpec(code=t.code, title=t.title, required=t.required, guidance=t.guidance)
             for t in solutions.active_templates()]
    text = "\n".join([similar.opportunity_text(opportunity),
                      *[f"{r.title} {r.description}" for r in requirements if r.status in ANSWERED_STATUSES]])
    templates = similar.similar_to_text(text, user, limit=MAX_TEMPLATES, kinds=(ArticleKind.TEMPLATE,),
                                        reusable_for=opportunity)
    cases = similar.similar_cases(opportunity, user, limit=MAX_CASES, reusable=True, text=text)
    return Inputs(opportunity=opportunity, confirmation=confirmation, current=current, requirements=requirements,
                  specs=specs, templates=templates, cases=cases)


def draft_from(inputs: Inputs) -> Draft:
    """Assemble the draft from what `gather` read, in the site's language (the document is the
    company's, whoever clicked)."""
    from django.conf import settings
    from django.utils import translation

    from . import segment
    from .models import Article

    ids = [m.article.pk for m in [*inputs.templates, *inputs.cases]]
    bodies = dict(Article.objects.filter(pk__in=ids).values_list("pk", "body"))

    def pairs(matches):
        return [(Source(article_id=m.article.pk, title=m.article.title, kind=m.article.kind,
                        url=m.article.get_absolute_url()), bodies.get(m.article.pk, "")) for m in matches]

    with translation.override(settings.LANGUAGE_CODE):
        confirmation = inputs.confirmation
        answered = sum(1 for r in inputs.requirements if r.status in ANSWERED_STATUSES)
        preface = _("Drafted from the requirement confirmation no. %(round)s of %(date)s (%(count)s items to "
                    "answer), the matching solution templates and similar cases of the knowledge base. Edit it "
                    "before submitting it for review.") % {
            "round": confirmation.round, "date": confirmation.confirmed_on.strftime("%Y-%m-%d"), "count": answered}
        return assemble(specs=inputs.specs, requirements=inputs.requirements, templates=pairs(inputs.templates),
                        cases=pairs(inputs.cases), tokenize=segment.tokenize, preface=preface)
