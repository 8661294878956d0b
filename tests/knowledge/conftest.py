import pytest

from presales.knowledge import services
from presales.knowledge.choices import AccessLevel, ArticleKind


def make_article(cast, *, actor=None, publish=True, kind=ArticleKind.SUCCESS_CASE, title="储能BMS项目案例",
                 body="某储能电站BMS升级项目。", access_level=AccessLevel.PUBLIC, **kw):
    actor = actor or cast.engineer_a
    article = services.article_create(actor=actor, kind=kind, title=title, body=body, access_level=access_level, **kw)
    if publish:
        reviewer = cast.lead_a if access_level == AccessLevel.CONFIDENTIAL or actor.pk == cast.manager.pk else cast.manager
        if actor.team_id == cast.team_b.pk:
            reviewer = cast.manager
        article = services.article_publish(actor=reviewer, article=article)
    return article


@pytest.fixture
def article(cast):
    return make_article(cast, title="储能电站BMS高温误报排查案例",
                        body="## 背景\n\n夏季储能舱内温度高，BMS频繁出现高温误报。\n\n## 做法\n\n调整传感器与告警回差。",
                        industry="energy_storage", tags=["BMS", "高温"])


@pytest.fixture
def draft(cast):
    return make_article(cast, publish=False, title="储能项目FAQ草稿", kind=ArticleKind.FAQ, body="草稿内容")


@pytest.fixture
def secret(cast):
    """A confidential article of team A (engineer_a's), readable by engineer_a and lead_a only."""
    return make_article(cast, title="高温误报机密情报", body="竞品的高温误报问题内部情报。",
                        access_level=AccessLevel.CONFIDENTIAL, kind=ArticleKind.MARKET_INTEL)
