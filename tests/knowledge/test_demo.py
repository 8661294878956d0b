"""The demo builder: articles of every kind, from closed opportunities' retrospectives through the
one-click service, published, drafts, one retired, citations."""

import random

import pytest
from django.utils import timezone

from presales.knowledge import demo
from presales.knowledge.choices import ArticleKind, ArticleStatus
from presales.knowledge.models import Article, Citation
from presales.knowledge.search import search
from presales.opportunities.choices import Outcome, Stage
from tests.factories.opportunities import RetrospectiveFactory
from tests.factories.poc import make_opportunity

pytestmark = pytest.mark.django_db


def test_build_makes_articles_of_every_kind(cast):
    opportunities = []
    for i in range(8):
        o = make_opportunity(cast, stage=Stage.WON if i % 2 else Stage.LOST, name=f"储能项目{i}")
        o.closed_at = timezone.now()
        o.save()
        RetrospectiveFactory(opportunity=o, outcome=Outcome.WON if i % 2 else Outcome.LOST)
        opportunities.append(o)
    opportunities += [make_opportunity(cast, name="在跟进的储能项目")]
    counts = demo.build(random.Random(3), opportunities, list(cast.users().values()))
    assert counts["cases"] == 8 and counts["published"] > 10
    kinds = set(Article.objects.values_list("kind", flat=True))
    assert kinds >= set(ArticleKind.values) - {ArticleKind.TEMPLATE, ArticleKind.RETROSPECTIVE}
    statuses = set(Article.objects.values_list("status", flat=True))
    assert statuses == {ArticleStatus.DRAFT, ArticleStatus.PUBLISHED, ArticleStatus.RETIRED}
    assert Citation.objects.count() == counts["citations"] > 0
    assert search(cast.engineer_b, "高温误报率").count >= 1
