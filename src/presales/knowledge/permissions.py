"""Who may read, find and change a knowledge article. The access levels and the project-team rule
are the document archive's (documents.choices.AccessLevel, documents.permissions.project_team_q):

- always: its owner, its reviewer and its named readers;
- confidential: nobody else except the lead of the owner's team (not even managers: "named people
  only"), so a confidential article never appears, nor counts, for anybody outside;
- project team: also the project team of its opportunity (or of its customer when it has no
  opportunity), the owner's team (people holding a role), the team's lead and managers;
- company-wide: also everybody once published (or retired); a draft stays with the team.

Reading and finding are the same here: lists, search, counts, the API and exports all start from
`Article.objects.visible_to(user)`, one SQL filter. Out of scope answers 404.

The filter reads the article's own columns only: the project-team rule is written as
`opportunity_id IN (the user's opportunities)` / `customer_id IN (the user's customers)`, two
small sets PostgreSQL computes once per query (hashed subplans), instead of joining every
matching article to its opportunity and customer (the archive's `project_team_q`, same meaning):
ranking a few thousand search matches then carries no joined rows (docs/benchmarks.md, issue 10).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from presales.core.permissions import is_manager

from .choices import AccessLevel, ArticleStatus

NO_ROWS = Q(pk__in=[])


def project_team_q(user) -> Q:
    """On the project team of the article's opportunity (its presales lead, its sales owner, a
    member), or, for an article without an opportunity, of its customer (presales owner, sales
    owner, an assistant): documents.permissions.project_team_q, as IN-sets instead of joins."""
    from presales.customers.models import Customer
    from presales.opportunities.models import Opportunity

    # One set per role, each found through its own index (an OR inside one subquery would scan
    # every opportunity): lead, sales owner, member; presales owner, sales owner, assistant.
    opportunities = Opportunity._base_manager
    customers = Customer._base_manager
    on_opportunity = (
        Q(opportunity_id__in=opportunities.filter(presales_lead_id=user.pk).values("pk"))
        | Q(opportunity_id__in=opportunities.filter(sales_owner_id=user.pk).values("pk"))
        | Q(opportunity_id__in=Opportunity.members.through.objects.filter(user_id=user.pk)
            .values("opportunity_id"))
    )
    on_customer = (
        Q(customer_id__in=customers.filter(presales_owner_id=user.pk).values("pk"))
        | Q(customer_id__in=customers.filter(sales_owner_id=user.pk).values("pk"))
        | Q(customer_id__in=Customer.assistants.through.objects.filter(user_id=user.pk).values("customer_id"))
    )
    return on_opportunity | (Q(opportunity_id__isnull=True) & on_customer)


def readable_q(user) -> Q:
    from .models import Article

    reader = Article.named_readers.through.objects.filter(article_id=OuterRef("pk"), user_id=user.pk)
    personal = Q(owner_id=user.pk) | Q(reviewer_id=user.pk) | Q(Exists(reader))
    led = Q(team_id__in=sorted(user.led_team_ids)) if user.led_team_ids else NO_ROWS
    if is_manager(user):
        wide = ~Q(pk=None)
    else:
        own_team = Q(team_id=user.team_id) if user.team_id and user.role_codes else NO_ROWS
        wide = (
            project_team_q(user)
            | own_team
            | led
            | Q(access_level=AccessLevel.PUBLIC, status__in=[ArticleStatus.PUBLISHED, ArticleStatus.RETIRED])
        )
    confidential = Q(access_level=AccessLevel.CONFIDENTIAL)
    return personal | (~confidential & wide) | (confidential & led)


def _responsible(user, article) -> bool:
    """Owner, the team's lead, and managers (for a non-confidential article)."""
    return (
        user.pk == article.owner_id
        or (article.team_id is not None and article.team_id in user.led_team_ids)
        or (is_manager(user) and article.access_level != AccessLevel.CONFIDENTIAL)
    )


def can_create(user) -> bool:
    """Anyone holding a role writes knowledge (a colleague without a role only reads)."""
    return bool(user and user.is_authenticated and (is_manager(user) or user.role_codes))


def can_edit(user, article) -> bool:
    return article.status != ArticleStatus.RETIRED and _responsible(user, article)


def can_review(user, article) -> bool:
    """Publish a draft: the lead of the owner's team or a manager (for a confidential article, the
    team's lead only)."""
    if article.status != ArticleStatus.DRAFT:
        return False
    if article.team_id is not None and article.team_id in user.led_team_ids:
        return True
    return is_manager(user) and article.access_level != AccessLevel.CONFIDENTIAL


def can_retire(user, article) -> bool:
    return article.status == ArticleStatus.PUBLISHED and _responsible(user, article)


def can_cite(user, article) -> bool:
    """Cite a published article from an opportunity or a solution the user works on."""
    return article.status == ArticleStatus.PUBLISHED and can_create(user)


def can_draft_from(user) -> bool:
    """Publish a record (retrospective, POC post-mortem, solution) to the knowledge base as a draft."""
    return can_create(user)
