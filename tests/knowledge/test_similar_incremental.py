"""The similar-case model is updated row by row, not refitted (issue #10: "computed incrementally"):
after each publication, edit, retirement, deletion or re-segmentation its scores equal those of
scikit-learn's TfidfVectorizer fitted from scratch on the same rows, while it reads only the rows
that changed. A second model (another process) catches up from the database's stamps alone."""

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from presales.knowledge import services, similar
from presales.knowledge.choices import CASE_KINDS, ArticleKind, ArticleStatus
from presales.knowledge.index import reindex_all
from presales.knowledge.models import Article

from .conftest import make_article

pytestmark = pytest.mark.django_db

QUERY = "储能电站夏季高温BMS误报警太多，希望降低误报率，告警分级推送到值班手机"
KINDS = tuple(sorted(str(k) for k in CASE_KINDS))


def reference_scores(query: str) -> dict[int, float]:
    """Cosine similarity of every published case with the query, from a fresh scikit-learn fit."""
    rows = list(Article.objects.filter(status=ArticleStatus.PUBLISHED, kind__in=KINDS)
                .order_by("pk").values_list("pk", "search_tokens"))
    vectorizer = TfidfVectorizer(tokenizer=str.split, lowercase=False, token_pattern=None, sublinear_tf=True)
    matrix = vectorizer.fit_transform([tokens for _pk, tokens in rows])
    q = vectorizer.transform([" ".join(similar.segment.tokenize(query))])
    scores = (matrix @ q.T).toarray().ravel()
    return {pk: float(s) for (pk, _t), s in zip(rows, scores, strict=True)}


def model_scores(index: similar.CaseIndex, query: str) -> dict[int, float]:
    q = index.query_vector(similar.segment.tokenize(query))
    scores = index.scores(q)
    return {int(pk): float(scores[row]) for pk, row in index.row_of.items()}


def assert_same_as_a_refit(index, query=QUERY):
    expected = reference_scores(query)
    got = model_scores(index, query)
    assert set(got) == set(expected)
    assert np.allclose([got[pk] for pk in expected], list(expected.values()), atol=1e-12)


@pytest.fixture
def cases(cast):
    return [
        make_article(cast, title="储能电站BMS高温误报治理案例", industry="energy_storage",
                     body="储能电站电池管理系统在夏季高温下误报频繁，通过传感器标定和告警回差优化解决高温误报。"),
        make_article(cast, title="汽车零部件视觉检测案例", industry="automotive",
                     body="产线视觉检测漏检率高，采用深度学习缺陷检测模型。"),
        make_article(cast, title="电力无人机巡检失败案例", kind=ArticleKind.FAILURE_CASE, industry="power",
                     body="无人机巡检缺陷识别准确率不足，客户选择了竞品。告警推送延迟。"),
        make_article(cast, title="储能BMS高温误报FAQ", kind=ArticleKind.FAQ, body="BMS高温误报如何排查。"),
    ]


def test_each_change_updates_the_model_and_matches_a_refit(cast, cases):
    index = similar.CaseIndex(KINDS).current(force=True)
    assert index.builds == 1 and index.size == 3  # the FAQ is not a case
    assert_same_as_a_refit(index)
    read = index.rows_read

    # a new case published: one row read
    newer = make_article(cast, title="储能BMS误报率优化新案例", industry="energy_storage",
                         body="储能电站BMS高温误报，误报率从5%降到0.5%，告警分级推送到值班手机。")
    index.current(force=True)
    assert (index.builds, index.size, index.rows_read - read) == (1, 4, 1)
    assert_same_as_a_refit(index)
    assert max(model_scores(index, QUERY).items(), key=lambda kv: kv[1])[0] == newer.pk

    # an edit of a published case: its old row replaced
    read = index.rows_read
    services.article_update(actor=cast.engineer_a, article=cases[1], expected_version=None,
                            body="产线视觉检测漏检率高；储能电站高温告警也接入了同一平台。")
    index.current(force=True)
    assert (index.builds, index.size, index.rows_read - read) == (1, 4, 1)
    assert_same_as_a_refit(index)

    # a retirement: the row goes, nothing read
    read = index.rows_read
    services.article_retire(actor=cast.engineer_a, article=newer, reason="过时")
    index.current(force=True)
    assert (index.builds, index.size, index.rows_read - read) == (1, 3, 0)
    assert newer.pk not in index.row_of
    assert_same_as_a_refit(index)

    # a FAQ edited or a draft written changes nothing the model holds
    read = index.rows_read
    services.article_update(actor=cast.engineer_a, article=cases[3], expected_version=None,
                            body="BMS误报排查步骤。")
    make_article(cast, publish=False, title="草稿案例", body="储能高温误报草稿")
    index.current(force=True)
    assert (index.builds, index.size, index.rows_read - read) == (1, 3, 0)
    assert_same_as_a_refit(index)


def test_a_term_no_case_has_any_more_weighs_nothing(cast, cases):
    index = similar.CaseIndex(KINDS).current(force=True)
    services.article_retire(actor=cast.engineer_a, article=cases[2], reason="过时")
    index.current(force=True)
    # only the retired case had these words
    assert index.query_vector(similar.segment.tokenize("无人机巡检")) is None
    assert similar.similar_to_text("无人机巡检", cast.engineer_a) == []


def test_another_process_catches_up_from_the_stamps(cast, cases, monkeypatch):
    """Two models, as two processes: the writes go through this process's services; the other
    model learns of them only from the database (after CHECK_SECONDS, here forced)."""
    monkeypatch.setattr(similar, "CHECK_SECONDS", 3600)  # no look falls due while the test runs
    other = similar.CaseIndex(KINDS).current(force=True)
    services.article_update(actor=cast.engineer_a, article=cases[0], expected_version=None,
                            body="储能电站BMS高温误报：标定传感器，告警分级推送到值班手机。")
    other.current()  # checked less than CHECK_SECONDS ago: not asked again yet
    assert other.rows_read == 3
    other.current(force=True)
    assert other.builds == 1 and other.rows_read == 4
    assert_same_as_a_refit(other)


def test_a_deleted_case_or_a_change_it_missed_rebuilds(cast, cases):
    index = similar.CaseIndex(KINDS).current(force=True)
    Article.objects.filter(pk=cases[2].pk).delete()  # e.g. in the admin: no stamp to see
    index.current(force=True)
    assert index.builds == 2 and cases[2].pk not in index.row_of
    assert_same_as_a_refit(index)


def test_resegmentation_is_seen(cast, cases):
    """`presales knowledge_reindex` (after a dictionary change) re-stamps every article: the model
    reads the cases again, without a rebuild."""
    # segmented by an older dictionary
    Article.objects.filter(pk=cases[0].pk).update(search_tokens="过时 的 分词")
    index = similar.CaseIndex(KINDS).current(force=True)
    assert "过时" in index.vocab
    reindex_all()
    index.current(force=True)
    assert index.builds == 1 and index.rows_read == 3 + 3  # the 3 cases read again (the FAQ is not one)
    assert index.query_vector(["过时"]) is None
    assert_same_as_a_refit(index)


def test_removed_rows_are_compacted_away(cast, cases, monkeypatch):
    monkeypatch.setattr(similar, "COMPACT_DEAD", 0.0)
    index = similar.CaseIndex(KINDS).current(force=True)
    for i in range(4):
        services.article_update(actor=cast.engineer_a, article=cases[0], expected_version=None,
                                body=f"储能电站高温误报治理，第{i + 1}版，告警回差优化。")
        index.current(force=True)
        assert_same_as_a_refit(index)
    assert index.tf.shape[0] <= 3 + 4
    assert index.builds == 1


def test_the_service_answer_uses_the_incremental_model(cast, cases):
    from tests.factories.poc import make_opportunity

    opportunity = make_opportunity(cast, name="某储能电站BMS改造")
    opportunity.description = "夏季高温BMS误报多。"
    opportunity.save()
    first = similar.similar_cases(opportunity, cast.engineer_a, limit=3)
    assert first[0].article == cases[0] and {"高温", "误报"} <= set(first[0].terms)
    builds = similar.fitted().builds
    services.article_update(actor=cast.engineer_a, article=cases[1], expected_version=None,
                            title="某储能电站BMS改造", body="夏季高温BMS误报多。")
    again = similar.similar_cases(opportunity, cast.engineer_a, limit=3)
    assert again[0].article == cases[1]
    assert similar.fitted().builds == builds
