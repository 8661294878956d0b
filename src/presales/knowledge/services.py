"""Every write to the knowledge base. Atomic, row-locked, versioned, with an event row; the search
index is written in the same transaction (index.index_article)."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from presales.core.concurrency import apply_changes, check_version, save_fields
from presales.core.errors import DomainError, PermissionDenied, TransitionRefused
from presales.core.services import FieldErrors
from presales.customers.choices import Industry

from . import permissions, similar
from .choices import AccessLevel, ArticleKind, ArticleStatus, EventAction
from .index import index_article
from .models import Article, ArticleEvent, Citation, Tag

logger = logging.getLogger(__name__)

MAX_TAGS = 12
MAX_BODY = 100_000
LINK_FIELDS = ("customer", "opportunity", "poc", "solution")


def normalise_tags(raw) -> list[str]:
    """"BMS, 储能；高温" → ["bms", "储能", "高温"]: split on commas (either width), semicolons and
    spaces, trimmed, lower-cased, de-duplicated, in order."""
    if isinstance(raw, str):
        raw = re.split(r"[,，;；\s]+", raw)
    names = []
    for name in raw or ():
        name = str(name).strip().lower()
        if name and name not in names:
            names.append(name)
    return names


def _check_tags(names: list[str], errors: FieldErrors) -> None:
    if len(names) > MAX_TAGS:
        errors.add("tags", "too_many_tags", _("At most %(n)d tags.") % {"n": MAX_TAGS})
    for name in names:
        if len(name) > 40:
            errors.add("tags", "tag_too_long", _("A tag has at most 40 characters: %(tag)s") % {"tag": name[:20]})


def _set_tags(article: Article, names: list[str]) -> None:
    existing = {t.name: t for t in Tag.objects.filter(name__in=names)}
    tags = [existing.get(n) or Tag.objects.get_or_create(name=n)[0] for n in names]
    article.tags.set(tags)


def _check_links(actor, data: dict, errors: FieldErrors) -> None:
    """Linked records and attachments must be visible to the writer (no linking by guessed id)."""
    from presales.customers.models import Customer
    from presales.documents.models import Document
    from presales.opportunities.models import Opportunity
    from presales.poc.models import Poc
    from presales.solutions.models import Solution

    models = {"customer": Customer, "opportunity": Opportunity, "poc": Poc, "solution": Solution}
    for name, model in models.items():
        obj = data.get(name)
        if obj is not None and not model.objects.visible_to(actor).filter(pk=obj.pk).exists():
            errors.add(name, "not_visible", _("This record does not exist or is not visible to you."))
    attachments = list(data.get("attachments") or ())
    if attachments:
        ids = {d.pk for d in attachments}
        visible = set(Document.objects.visible_to(actor).filter(pk__in=ids).values_list("pk", flat=True))
        if ids - visible:
            errors.add("attachments", "not_visible", _("Some attachments do not exist or are not visible to you."))


def _validate(actor, data: dict, errors: FieldErrors) -> None:
    title = (data.get("title") or "").strip()
    body = (data.get("body") or "").strip()
    if not title:
        errors.add("title", "required", _("Give the article a title."))
    elif len(title) > 200:
        errors.add("title", "too_long", _("At most 200 characters."))
    if len((data.get("product_line") or "").strip()) > 100:
        errors.add("product_line", "too_long", _("At most 100 characters."))
    if (data.get("industry") or "") and data.get("industry") not in Industry.values:
        errors.add("industry", "invalid_choice", _("Choose a valid industry."))
    if not body:
        errors.add("body", "required", _("Write the article's content."))
    elif len(body) > MAX_BODY:
        errors.add("body", "too_long", _("The content is limited to %(n)d characters.") % {"n": MAX_BODY})
    if data.get("kind") not in ArticleKind.values:
        errors.add("kind", "invalid_choice", _("Choose a valid kind."))
    if data.get("access_level", AccessLevel.PUBLIC) not in AccessLevel.values:
        errors.add("access_level", "invalid_choice", _("Choose a valid access level."))
    _check_tags(normalise_tags(data.get("tags")), errors)
    _check_links(actor, data, errors)


def _event(article, actor, action, *, from_status="", to_status="", note="") -> None:
    ArticleEvent.objects.create(
        article=article, actor=actor, action=action, from_status=from_status, to_status=to_status, note=note
    )


@transaction.atomic
def article_create(
    *,
    actor,
    kind: str,
    title: str,
    body: str,
    industry: str = "",
    product_line: str = "",
    tags=(),
    access_level: str = AccessLevel.PUBLIC,
    customer=None,
    opportunity=None,
    poc=None,
    solution=None,
    attachments=(),
    named_readers=(),
    origin: str = "",
) -> Article:
    """A new draft, owned by the writer and their team."""
    if not permissions.can_create(actor):
        raise PermissionDenied(_("You may not write knowledge articles."))
    data = dict(kind=kind, title=title, body=body, tags=tags, access_level=access_level, customer=customer,
                opportunity=opportunity, poc=poc, solution=solution, attachments=attachments, industry=industry,
                product_line=product_line)
    errors = FieldErrors()
    _validate(actor, data, errors)
    errors.raise_if_any()
    article = Article(
        kind=kind, title=title.strip(), body=body.strip(), industry=industry or "", product_line=(product_line or "").strip(),
        access_level=access_level, customer=customer, opportunity=opportunity, poc=poc, solution=solution,
        owner=actor, team_id=actor.team_id, created_by=actor, origin=origin,
    )
    from presales.core.services import validate_or_raise

    validate_or_raise(article, exclude=["owner", "team", "created_by"])
    article.save()
    _set_tags(article, normalise_tags(tags))
    if attachments:
        article.attachments.set(attachments)
    if named_readers:
        article.named_readers.set(named_readers)
    _event(article, actor, EventAction.CREATED, to_status=article.status)
    index_article(article)
    return article


@transaction.atomic
def article_update(*, actor, article: Article, expected_version: int | None, **changes) -> Article:
    """Edit the content, classification, links or access of a draft or published article."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    if not permissions.can_edit(actor, article):
        raise PermissionDenied(_("You may not edit this article."))
    check_version(article, expected_version)
    current = {f: getattr(article, f)
               for f in ("kind", "title", "body", "access_level", "industry", "product_line", *LINK_FIELDS)}
    data = {**current, "tags": [t.name for t in article.tags.all()], **changes}
    errors = FieldErrors()
    _validate(actor, {**data, **{k: v for k, v in changes.items() if k in (*LINK_FIELDS, "attachments")}}, errors)
    errors.raise_if_any()
    m2m = {k: changes.pop(k) for k in ("tags", "attachments", "named_readers") if k in changes}
    for text_field in ("title", "body", "product_line"):
        if text_field in changes:
            changes[text_field] = (changes[text_field] or "").strip()
    changed = apply_changes(article, changes)
    relations_changed = False
    if "tags" in m2m:
        names = normalise_tags(m2m["tags"])
        if names != [t.name for t in article.tags.order_by("pk")]:
            _set_tags(article, names)
            relations_changed = True
    for name in ("attachments", "named_readers"):
        if name in m2m:
            getattr(article, name).set(m2m[name] or [])
            relations_changed = True
    if relations_changed and not changed:
        changed = ["updated_at"]  # only relations changed: still a new version (concurrent editors are told)
    save_fields(article, changed)
    _event(article, actor, EventAction.EDITED, from_status=article.status, to_status=article.status)
    index_article(article)
    return article


@transaction.atomic
def article_publish(*, actor, article: Article, expected_version: int | None = None, note: str = "") -> Article:
    """A reviewer (the team's lead or a manager) publishes a draft: from now on it is found and
    matched, and it counts for its owner's knowledge shares."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    if article.status != ArticleStatus.DRAFT:
        raise TransitionRefused(_("Only a draft can be published."), reasons=[_("The article is not a draft.")])
    if not permissions.can_review(actor, article):
        raise PermissionDenied(_("Only the team's lead or a manager publishes articles."))
    check_version(article, expected_version)
    article.status = ArticleStatus.PUBLISHED
    article.reviewer = actor
    article.published_at = timezone.now()
    article.retired_at = None
    article.indexed_at = article.published_at  # matched from now on (similar.py)
    save_fields(article, ["status", "reviewer", "published_at", "retired_at", "indexed_at"])
    _event(article, actor, EventAction.PUBLISHED, from_status=ArticleStatus.DRAFT, to_status=article.status, note=note)
    similar.corpus_changed()  # matched (or no longer) from now on, in this process at once
    return article


@transaction.atomic
def article_retire(*, actor, article: Article, reason: str, expected_version: int | None = None) -> Article:
    """Take an outdated article out of search and matching (it stays readable, with its history)."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    if article.status != ArticleStatus.PUBLISHED:
        raise TransitionRefused(_("Only a published article can be retired."), reasons=[_("The article is not published.")])
    if not permissions.can_retire(actor, article):
        raise PermissionDenied(_("You may not retire this article."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why the article is retired."), code="required", field="reason")
    check_version(article, expected_version)
    article.status = ArticleStatus.RETIRED
    article.retired_at = timezone.now()
    article.indexed_at = article.retired_at  # no longer matched (similar.py)
    save_fields(article, ["status", "retired_at", "indexed_at"])
    _event(article, actor, EventAction.RETIRED, from_status=ArticleStatus.PUBLISHED, to_status=article.status,
           note=reason)
    similar.corpus_changed()  # matched (or no longer) from now on, in this process at once
    return article


@transaction.atomic
def citation_add(*, actor, article: Article, opportunity=None, solution=None, note: str = "") -> Citation:
    """Record that an opportunity or a solution used the article ("where used")."""
    from presales.opportunities.models import Opportunity
    from presales.solutions.models import Solution

    if not permissions.can_create(actor) or not Article.objects.visible_to(actor).filter(pk=article.pk).exists():
        raise PermissionDenied(_("You may not cite this article."))
    if article.status != ArticleStatus.PUBLISHED:
        raise TransitionRefused(_("Only a published article can be cited."), reasons=[_("The article is not published.")])
    if (opportunity is None) == (solution is None):
        raise DomainError(_("Choose the opportunity or the solution that uses the article."), field="opportunity")
    if opportunity is not None and not Opportunity.objects.visible_to(actor).filter(pk=opportunity.pk).exists():
        raise DomainError(_("This record does not exist or is not visible to you."), field="opportunity")
    if solution is not None and not Solution.objects.visible_to(actor).filter(pk=solution.pk).exists():
        raise DomainError(_("This record does not exist or is not visible to you."), field="solution")
    existing = Citation.objects.filter(article=article, opportunity=opportunity, solution=solution).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            citation = Citation.objects.create(
                article=article, opportunity=opportunity, solution=solution, cited_by=actor, note=(note or "")[:200]
            )
    except IntegrityError:  # a concurrent click cited it first
        return Citation.objects.get(article=article, opportunity=opportunity, solution=solution)
    # No name in the event: the article's readers may not be allowed to see the citing record.
    _event(article, actor, EventAction.CITED)
    return citation


# --- the loop: records published to the knowledge base as prefilled drafts -------------------------


def _draft_from(*, actor, origin: str, **fields) -> Article:
    existing = Article.objects.filter(origin=origin).exclude(status=ArticleStatus.RETIRED).first()
    if existing is not None:
        return existing
    return article_create(actor=actor, origin=origin, **fields)


def _section(title: str, text: str) -> str:
    text = (text or "").strip()
    return f"## {title}\n\n{text}\n" if text else ""


def _access_for(opportunity) -> str:
    return AccessLevel.TEAM if opportunity.confidential else AccessLevel.PUBLIC


@transaction.atomic
def article_draft_from_retrospective(*, actor, opportunity) -> Article:
    """A closed opportunity's retrospective → a success or failure case, prefilled."""
    from presales.opportunities.choices import Outcome
    from presales.opportunities.models import Opportunity, Retrospective

    if not permissions.can_draft_from(actor):
        raise PermissionDenied(_("You may not write knowledge articles."))
    opportunity = Opportunity.objects.visible_to(actor).select_related("customer").get(pk=opportunity.pk)
    retrospective = Retrospective.objects.filter(opportunity=opportunity).first()
    if not opportunity.is_closed or retrospective is None:
        raise TransitionRefused(
            _("Only the retrospective of a closed opportunity can be published."),
            reasons=[_("The opportunity is not closed or has no retrospective yet.")],
        )
    won = retrospective.outcome == Outcome.WON
    body = "\n".join(
        filter(
            None,
            [
                _section(_("Background"), opportunity.description),
                _section(_("Outcome"), "%s%s" % (
                    retrospective.get_outcome_display(),
                    (_("; winning competitor: %(name)s") % {"name": retrospective.competitor_won})
                    if retrospective.competitor_won else "",
                )),
                _section(_("Summary"), retrospective.summary),
                _section(_("What went well"), retrospective.went_well),
                _section(_("What went wrong"), retrospective.went_wrong),
                _section(_("Decisive factors"), retrospective.decisive_factors),
                _section(_("Lessons for next time"), retrospective.lessons),
                _section(_("Competitors"), opportunity.competitors),
            ],
        )
    )
    return _draft_from(
        actor=actor,
        origin=f"retrospective:{retrospective.pk}",
        kind=ArticleKind.SUCCESS_CASE if won else ArticleKind.FAILURE_CASE,
        title=(_("%(customer)s: %(name)s (case)") % {"customer": opportunity.customer.name, "name": opportunity.name})[:200],
        body=body,
        industry=opportunity.industry or opportunity.customer.industry or "",
        access_level=_access_for(opportunity),
        customer=opportunity.customer,
        opportunity=opportunity,
        tags=[str(retrospective.get_outcome_display())],
    )


@transaction.atomic
def article_draft_from_post_mortem(*, actor, poc) -> Article:
    """A POC's post-mortem, with its verdict and the measured criteria → a retrospective summary."""
    from presales.poc import selectors as poc_selectors
    from presales.poc.choices import Level
    from presales.poc.models import Poc, PostMortem

    if not permissions.can_draft_from(actor):
        raise PermissionDenied(_("You may not write knowledge articles."))
    poc = Poc.objects.visible_to(actor).select_related("opportunity", "customer").get(pk=poc.pk)
    post_mortem = PostMortem.objects.filter(poc=poc).first()
    if post_mortem is None:
        raise TransitionRefused(
            _("This POC has no post-mortem to publish."), reasons=[_("Write the post-mortem first.")]
        )
    rows = poc_selectors.poc_verdicts(poc=poc).rows
    header = (_("Criterion"), _("Key criterion"), _("Measured"), _("Verdict"))
    table = ["| %s | %s | %s | %s |" % header, "|---|---|---|---|"]
    for row in rows:
        level = row.verdict.level
        table.append(
            "| %s | %s | %s | %s |" % (
                row.criterion.name.replace("|", "/"),
                _("yes") if row.criterion.is_key else _("no"),
                row.figure_text,
                Level(level).label if level else "—",
            )
        )
    body = "\n".join(
        filter(
            None,
            [
                _section(_("POC"), "%s %s（%s）" % (poc.number, poc.title, poc.get_status_display())),
                _section(_("Verdict"), (poc.get_verdict_display() or "—") + ("\n\n" + poc.conclusion if poc.conclusion else "")),
                _section(_("Measured criteria"), "\n".join(table) if rows else ""),
                _section(_("What happened"), post_mortem.summary),
                _section(_("Problem"), str(post_mortem.get_problem_kind_display())),
                _section(_("Lessons for the next POC"), post_mortem.lessons),
            ],
        )
    )
    opportunity = poc.opportunity
    return _draft_from(
        actor=actor,
        origin=f"postmortem:{post_mortem.pk}",
        kind=ArticleKind.RETROSPECTIVE,
        title=(_("POC post-mortem: %(title)s") % {"title": poc.title})[:200],
        body=body,
        industry=poc.industry or "",
        access_level=_access_for(opportunity) if opportunity else AccessLevel.TEAM,
        customer=poc.customer,
        opportunity=opportunity,
        poc=poc,
        tags=["POC"],
    )


@transaction.atomic
def article_draft_from_solution(*, actor, solution) -> Article:
    """A solution that passed the three-level review → a solution template, its sections prefilled."""
    from presales.solutions.choices import Status
    from presales.solutions.models import Solution, SolutionSection

    if not permissions.can_draft_from(actor):
        raise PermissionDenied(_("You may not write knowledge articles."))
    solution = Solution.objects.visible_to(actor).select_related("opportunity__customer").get(pk=solution.pk)
    if solution.status != Status.PASSED:
        raise TransitionRefused(
            _("Only a solution that passed its review can become a template."),
            reasons=[_("The solution has not passed the three-level review.")],
        )
    sections = SolutionSection.objects.filter(solution=solution).select_related("template").order_by(
        "template__position", "pk"
    )
    body = "\n".join(_section(s.template.title, s.content) for s in sections if s.content.strip())
    opportunity = solution.opportunity
    return _draft_from(
        actor=actor,
        origin=f"solution:{solution.pk}",
        kind=ArticleKind.TEMPLATE,
        title=(_("Solution template: %(title)s") % {"title": solution.title})[:200],
        body=body or solution.title,
        industry=opportunity.industry or opportunity.customer.industry or "",
        access_level=_access_for(opportunity),
        customer=opportunity.customer,
        opportunity=opportunity,
        solution=solution,
    )


# --- solution-outline drafting (outline.py) ---------------------------------------------------------


@dataclass
class OutlineResult:
    solution: object
    draft: object  # outline.Draft
    citations: list
    warnings: list[str]


def _introductions(draft, opportunity, warnings: list[str]) -> None:
    """Ask the configured language model (if any) for the sections' introductions; on failure keep
    the offline draft and say so."""
    from . import llm, outline

    model = llm.writer()
    if model is None:
        return
    sections = [
        {"code": s.spec.code, "title": s.spec.title, "guidance": s.spec.guidance,
         "requirements": [outline.requirement_line(r) for r in s.requirements],
         "sources": [f"{p.source.title} · {p.heading}" if p.heading else p.source.title for p in s.reused]}
        for s in draft.sections
    ]
    try:
        texts = model.introductions(opportunity=opportunity.name, customer=str(opportunity.customer),
                                    sections=sections)
    except llm.ModelUnavailable as exc:
        logger.warning("outline language model unavailable: %s", exc)
        warnings.append(_("The language model did not answer: the outline was drafted offline, without "
                          "introductions."))
        return
    from django.conf import settings
    from django.utils import translation

    for section in draft.sections:
        section.introduction = texts.get(section.spec.code, "")
    with translation.override(settings.LANGUAGE_CODE):
        outline.render(draft)


def outline_draft(*, actor, opportunity, title: str = "") -> OutlineResult:
    """Draft a first solution of the opportunity from its confirmed requirement items, the section
    catalogue, the matching templates and the similar cases (outline.py): an ordinary draft
    solution (the three-level review applies unchanged) whose sections list the items they answer
    and quote the reused passages, each with its source; every reused article records a citation
    by the solution ("where used"). The rules of a new solution apply (solutions.services)."""
    from presales.opportunities.models import Opportunity
    from presales.solutions import permissions as solution_permissions
    from presales.solutions import services as solution_services

    from . import outline

    if opportunity is None or not Opportunity.objects.visible_to(actor).filter(pk=opportunity.pk).exists():
        raise DomainError(_("Choose an opportunity you can see."), code="invalid", field="opportunity")
    opportunity = Opportunity.objects.select_related("customer").get(pk=opportunity.pk)
    if not solution_permissions.can_create(actor, opportunity) or not permissions.can_create(actor):
        raise PermissionDenied(
            _("Only the opportunity's presales people, the team lead or a manager write its solution.")
        )
    if opportunity.is_closed:
        raise DomainError(_("This opportunity is closed: no new solution."), code="opportunity_closed",
                          field="opportunity")
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):  # the document's language, whoever clicked
        title = (title or "").strip() or _("%(name)s solution (first draft)") % {"name": opportunity.name}
    if len(title) > 200:
        raise DomainError(_("At most 200 characters."), code="too_long", field="title")
    inputs = outline.gather(user=actor, opportunity=opportunity)
    draft = outline.draft_from(inputs)
    warnings: list[str] = []
    if not inputs.current:
        warnings.append(_("The requirement set changed after the customer's confirmation of %(date)s: the outline "
                          "follows the confirmed items; have the changes confirmed.")
                        % {"date": inputs.confirmation.confirmed_on.strftime("%Y-%m-%d")})
    _introductions(draft, opportunity, warnings)  # outside the transaction: no lock held while it waits
    with transaction.atomic():
        solution = solution_services.solution_create(
            actor=actor, opportunity=opportunity, title=title, contents=draft.contents()
        )
        citations = []
        for source in draft.sources:
            sections = "、".join(s.spec.title for s in draft.sections
                                if any(p.source.article_id == source.article_id for p in s.reused))
            article = Article.objects.get(pk=source.article_id)
            citations.append(citation_add(
                actor=actor, article=article, solution=solution,
                note=(_("Outline draft: %(sections)s") % {"sections": sections})[:200],
            ))
    return OutlineResult(solution=solution, draft=draft, citations=citations, warnings=warnings)
