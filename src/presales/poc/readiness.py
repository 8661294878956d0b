"""The readiness self-check (POC启动准备自检清单): the seed's 16 items in four groups, as pure
functions over plain facts read from the record (no database, no settings).

Thirteen items are decided from the record, never asked: whoever fills in the launch
confirmation, the criteria, the resource list and the risks has answered them. Three are facts
outside the record and are answered by a person (yes/no with an optional note), with the
relevant rows of the resource list shown beside the question as evidence:

  computed: 1 kickoff held (≥ 30 min, both sides' key roles), 2 1–3 hypotheses, 3 quantified
            criteria, 4 next step after a pass, 5 launch confirmation signed or e-mailed,
            6 1–3 key criteria, 7 pass and excellent levels, 8 data source, frequency and
            sample size, 9 criteria agreed by the customer, 10 people of both sides with our
            backup, 14 escalation path with a response limit, 15 risks identified, 16 a
            fallback plan for every risk;
  asked:    11 prototype arrival and spare parts confirmed, 12 the customer's site, utilities
            and network ready, 13 data access and security requirements clear.

Score = items satisfied, out of 16. A POC starts only with score ≥ threshold (13 by default,
settings.PRESALES_POC_READINESS_THRESHOLD); a refusal names every missing item.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .choices import (
    CUSTOMER_KICKOFF_ROLES,
    MIN_KICKOFF_MINUTES,
    OUR_KICKOFF_ROLES,
    AttendeeRole,
    ResourceKind,
    Side,
)
from .choices import PEOPLE_KINDS as _PEOPLE_KINDS

TOTAL = 16
DEFAULT_THRESHOLD = 13


@dataclass(frozen=True)
class CriterionFacts:
    name: str
    is_key: bool
    has_pass: bool
    has_excellent: bool
    has_source: bool
    has_frequency: bool
    has_sample_size: bool
    agreed: bool


@dataclass(frozen=True)
class Facts:
    """What the record says, read once by the selector."""

    hypotheses: tuple[str, ...] = ()
    kickoff_minutes: int | None = None  # None: no kickoff recorded
    kickoff_roles: frozenset[tuple[str, str]] = frozenset()  # (side, role) present
    criteria: tuple[CriterionFacts, ...] = ()
    next_step: str = ""
    next_step_other: str = ""
    confirmed: bool = False  # launch confirmation signed by both sides or confirmed by e-mail
    resources: frozenset[tuple[str, str]] = frozenset()  # (side, kind) rows present
    dated_prototype: bool = False  # a prototype row with its arrival date
    our_escalation: bool = False  # contact and phone
    customer_escalation: bool = False
    response_hours: int | None = None
    risks: int = 0
    risks_without_fallback: tuple[str, ...] = ()


@dataclass(frozen=True)
class Answer:
    done: bool
    note: str = ""


@dataclass(frozen=True)
class Item:
    number: int
    group: str
    label: str
    computed: bool
    # computed items: fn(facts) -> [] when satisfied, else the reasons; asked items: evidence lines
    check: Callable[[Facts], list[str]] = field(repr=False, compare=False)


@dataclass(frozen=True)
class ItemResult:
    number: int
    group: str
    label: str
    computed: bool
    done: bool
    reasons: tuple[str, ...] = ()  # why a computed item is not satisfied
    evidence: tuple[str, ...] = ()  # what the record shows for an asked item
    note: str = ""
    answered: bool = False

    @property
    def title(self) -> str:
        return f"{self.number}. {self.label}"


@dataclass(frozen=True)
class Readiness:
    items: tuple[ItemResult, ...]
    threshold: int

    @property
    def score(self) -> int:
        return sum(1 for i in self.items if i.done)

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def missing(self) -> list[ItemResult]:
        return [i for i in self.items if not i.done]

    @property
    def can_start(self) -> bool:
        return self.score >= self.threshold

    def groups(self) -> list[tuple[str, list[ItemResult]]]:
        out: list[tuple[str, list[ItemResult]]] = []
        for item in self.items:
            if not out or out[-1][0] != item.group:
                out.append((item.group, []))
            out[-1][1].append(item)
        return out

    def refusal(self) -> str:
        """"Readiness 12/16, at least 13 needed. Missing: 3. ..., 7. ..." (empty when ready)."""
        if self.can_start:
            return ""
        return _("Readiness %(score)s/%(total)s, at least %(threshold)s needed. Missing: %(items)s") % {
            "score": self.score, "total": self.total, "threshold": self.threshold,
            "items": "; ".join(i.title for i in self.missing),
        }

    def as_json(self) -> list[dict]:
        """A snapshot for the review records (labels kept as shown at the time)."""
        return [
            {"number": i.number, "label": str(i.label), "computed": i.computed, "done": i.done,
             "reasons": [str(r) for r in i.reasons], "note": i.note}
            for i in self.items
        ]


GOAL = gettext_lazy("Goal alignment")  # 目标对齐
CRITERIA = gettext_lazy("Quantified success criteria")  # 成功标准量化
RESOURCES = gettext_lazy("Resources")  # 资源配置
RISK = gettext_lazy("Risk response")  # 风险应对

def _role_labels(roles) -> str:
    return "、".join(str(AttendeeRole(r).label) for r in roles)


# --- the computed items -------------------------------------------------------------------------


def _kickoff(f: Facts) -> list[str]:
    if f.kickoff_minutes is None:
        return [_("No kickoff meeting is recorded.")]
    reasons = []
    if f.kickoff_minutes < MIN_KICKOFF_MINUTES:
        reasons.append(_("The kickoff lasted %(minutes)s minutes; at least %(min)s are needed.")
                       % {"minutes": f.kickoff_minutes, "min": MIN_KICKOFF_MINUTES})
    ours = [r for r in OUR_KICKOFF_ROLES if (Side.OURS, r) not in f.kickoff_roles]
    theirs = [r for r in CUSTOMER_KICKOFF_ROLES if (Side.CUSTOMER, r) not in f.kickoff_roles]
    if ours:
        reasons.append(_("Missing at the kickoff on our side: %(roles)s.") % {"roles": _role_labels(ours)})
    if theirs:
        reasons.append(_("Missing at the kickoff on the customer side: %(roles)s.") % {"roles": _role_labels(theirs)})
    return reasons


def _hypotheses(f: Facts) -> list[str]:
    n = len([h for h in f.hypotheses if h.strip()])
    if 1 <= n <= 3:
        return []
    return [_("%(count)s hypotheses are written; 1 to 3 are needed.") % {"count": n}]


def _quantified(f: Facts) -> list[str]:
    if not f.criteria:
        return [_("No success criterion is defined.")]
    vague = [c.name for c in f.criteria if not c.has_pass]
    if vague:
        return [_("Without a pass level: %(names)s.") % {"names": "、".join(vague)}]
    return []


def _next_step(f: Facts) -> list[str]:
    if not f.next_step:
        return [_("The next step after a pass is not chosen.")]
    if f.next_step == "other" and not f.next_step_other.strip():
        return [_("The next step is “other” but not described.")]
    return []


def _confirmed(f: Facts) -> list[str]:
    return [] if f.confirmed else [_("Neither signed by both sides nor confirmed by e-mail.")]


def _key_focus(f: Facts) -> list[str]:
    n = sum(1 for c in f.criteria if c.is_key)
    if 1 <= n <= 3:
        return []
    return [_("%(count)s key criteria; choose 1 to 3.") % {"count": n}]


def _two_levels(f: Facts) -> list[str]:
    key = [c for c in f.criteria if c.is_key]
    if not key:
        return [_("No key criterion yet.")]
    missing = [c.name for c in key if not (c.has_pass and c.has_excellent)]
    if missing:
        return [_("Without both a pass and an excellent level: %(names)s.") % {"names": "、".join(missing)}]
    return []


def _collection(f: Facts) -> list[str]:
    if not f.criteria:
        return [_("No success criterion yet.")]
    missing = [c.name for c in f.criteria if not (c.has_source and c.has_frequency and c.has_sample_size)]
    if missing:
        return [_("Data source, sampling frequency or sample size missing: %(names)s.") % {"names": "、".join(missing)}]
    return []


def _agreed(f: Facts) -> list[str]:
    if not f.criteria:
        return [_("No success criterion yet.")]
    missing = [c.name for c in f.criteria if not c.agreed]
    if missing:
        return [_("Not yet agreed by the customer: %(names)s.") % {"names": "、".join(missing)}]
    return []


def _people(f: Facts) -> list[str]:
    reasons = []
    for side in (Side.OURS, Side.CUSTOMER):
        if not any((side, k) in f.resources for k in _PEOPLE_KINDS):
            reasons.append(_("No people listed for %(side)s.") % {"side": Side(side).label})
    if (Side.OURS, ResourceKind.BACKUP) not in f.resources:
        reasons.append(_("No backup person on our side (who steps in when the expert is ill?)."))
    return reasons


def _escalation(f: Facts) -> list[str]:
    reasons = []
    if not f.our_escalation:
        reasons.append(_("Our escalation contact or phone is missing."))
    if not f.customer_escalation:
        reasons.append(_("The customer's escalation contact or phone is missing."))
    if not f.response_hours:
        reasons.append(_("The response limit in hours is missing."))
    return reasons


def _risks(f: Facts) -> list[str]:
    return [] if f.risks else [_("No risk is listed.")]


def _fallback(f: Facts) -> list[str]:
    if not f.risks:
        return [_("No risk is listed, so no fallback plan either.")]
    if f.risks_without_fallback:
        return [_("Risks without a fallback plan: %(risks)s.") % {"risks": "、".join(f.risks_without_fallback)}]
    return []


# --- the evidence shown beside the asked items ----------------------------------------------------


def _has(f: Facts, side: str, kind: str) -> str:
    return _("yes") if (side, kind) in f.resources else _("no")


def _equipment_evidence(f: Facts) -> list[str]:
    return [
        _("Prototype with arrival date listed: %(v)s") % {"v": _("yes") if f.dated_prototype else _("no")},
        _("Spare parts listed: %(v)s") % {"v": _has(f, Side.OURS, ResourceKind.SPARE_PARTS)},
    ]


def _site_evidence(f: Facts) -> list[str]:
    return [
        _("Customer test site listed: %(v)s") % {"v": _has(f, Side.CUSTOMER, ResourceKind.SITE)},
        _("Customer utilities and network listed: %(v)s") % {"v": _has(f, Side.CUSTOMER, ResourceKind.UTILITIES)},
    ]


def _data_evidence(f: Facts) -> list[str]:
    access = any((s, k) in f.resources for s in Side.values for k in (ResourceKind.DATA_ACCESS, ResourceKind.DATA_NEEDED))
    security = any((s, ResourceKind.SECURITY) in f.resources for s in Side.values)
    return [
        _("Data needed or access rights listed: %(v)s") % {"v": _("yes") if access else _("no")},
        _("Security requirements listed: %(v)s") % {"v": _("yes") if security else _("no")},
    ]


ITEMS: tuple[Item, ...] = (
    Item(1, GOAL, gettext_lazy("A formal (or formal remote) POC kickoff meeting was held"), True, _kickoff),
    Item(2, GOAL, gettext_lazy("The POC's goal is written as 1–3 verifiable hypotheses"), True, _hypotheses),
    Item(3, GOAL, gettext_lazy("Quantified, measurable success criteria are defined"), True, _quantified),
    Item(4, GOAL, gettext_lazy("The next step after a pass is agreed with the customer"), True, _next_step),
    Item(5, GOAL, gettext_lazy("The launch confirmation is signed (or confirmed by e-mail) by both sides"), True,
         _confirmed),
    Item(6, CRITERIA, gettext_lazy("The POC focuses on 1–3 key criteria (not 10)"), True, _key_focus),
    Item(7, CRITERIA, gettext_lazy("A pass level and an excellent level are set"), True, _two_levels),
    Item(8, CRITERIA, gettext_lazy("Data collection method, frequency and sample size are set"), True, _collection),
    Item(9, CRITERIA, gettext_lazy("The customer agreed to the quantified criteria in writing"), True, _agreed),
    Item(10, RESOURCES, gettext_lazy("The people both sides commit are listed, with backups"), True, _people),
    Item(11, RESOURCES, gettext_lazy("Prototype/equipment arrival and the spare-parts list are confirmed"), False,
         _equipment_evidence),
    Item(12, RESOURCES, gettext_lazy("The customer's site, utilities and network are confirmed ready"), False,
         _site_evidence),
    Item(13, RESOURCES, gettext_lazy("Data access rights and information-security requirements are clear"), False,
         _data_evidence),
    Item(14, RESOURCES, gettext_lazy("An escalation path (people and response limit) is set"), True, _escalation),
    Item(15, RISK, gettext_lazy("The risks that could make the POC fail are identified"), True, _risks),
    Item(16, RISK, gettext_lazy("A fallback plan is ready in case the POC fails"), True, _fallback),
)
ITEMS_BY_NUMBER = {item.number: item for item in ITEMS}
ASKED_NUMBERS = tuple(item.number for item in ITEMS if not item.computed)
COMPUTED_NUMBERS = tuple(item.number for item in ITEMS if item.computed)


def evaluate(facts: Facts, answers: Mapping[int, Answer] | None = None, *,
             threshold: int = DEFAULT_THRESHOLD) -> Readiness:
    answers = answers or {}
    results = []
    for item in ITEMS:
        lines = tuple(str(line) for line in item.check(facts))
        if item.computed:
            results.append(ItemResult(item.number, str(item.group), str(item.label), True, not lines, reasons=lines))
        else:
            answer = answers.get(item.number)
            results.append(ItemResult(
                item.number, str(item.group), str(item.label), False, bool(answer and answer.done),
                evidence=lines, note=answer.note if answer else "", answered=answer is not None,
            ))
    return Readiness(tuple(results), threshold)
