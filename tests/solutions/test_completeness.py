"""方案完整性评分: unit and property tests of the score, and the live score of a solution."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from presales.solutions.completeness import SectionInput, is_substantive, meaningful_text, score

LONG = "本方案采用三层架构，边缘采集、平台中台与应用层分离部署，关键组件双机热备。"


def section(code="a", required=True, content="", min_chars=30):
    return SectionInput(code=code, title=f"节{code}", required=required, min_chars=min_chars, content=content)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("", False),
        ("   \n\t", False),
        ("# 技术架构设计\n## 总体架构\n- 待补充", False),  # headings and a placeholder only
        ("待补充\nTBD\nTODO\nN/A\n……", False),
        ("短文本", False),
        (LONG, True),
        ("# 标题\n\n" + LONG, True),
        ("- " + "数据" * 15, True),  # exactly 30 characters of text in a bullet
        ("- " + "数据" * 14 + "据", False),  # 29
    ],
)
def test_substantive(text, expected):
    assert is_substantive(text, 30) is expected


def test_markup_and_placeholders_do_not_count():
    assert meaningful_text("# 标题\n**加粗** `代码` | 表 |\n待定\n") == "标题加粗代码表"


def test_score_counts_required_sections_only_and_names_the_missing():
    result = score(
        [
            section("a", content=LONG),
            section("b"),
            section("c", content="待补充"),
            section("d", required=False),
        ]
    )
    assert (result.score, result.required, result.filled) == (33, 3, 1)
    assert result.missing == ["节b", "节c"] and result.missing_codes == ["b", "c"] and not result.complete


def test_no_required_section_scores_100():
    assert score([section(required=False)]).score == 100
    assert score([]).score == 100


def test_min_chars_of_the_section_applies():
    assert score([section(content="十个字的短句子够了吗", min_chars=10)]).score == 100
    assert score([section(content="十个字的短句子够了吗", min_chars=11)]).score == 0


sections_strategy = st.lists(
    st.builds(
        section,
        code=st.text("abcdef", min_size=1, max_size=3),
        required=st.booleans(),
        content=st.one_of(st.just(""), st.just(LONG), st.text(max_size=60)),
        min_chars=st.integers(min_value=1, max_value=80),
    ),
    max_size=12,
)


@settings(max_examples=200, deadline=None)
@given(sections_strategy)
def test_score_properties(sections):
    result = score(sections)
    required = [s for s in sections if s.required]
    assert 0 <= result.score <= 100
    assert result.required == len(required) and result.filled + len(result.missing) == len(required)
    assert (result.score == 100) == (not result.missing)
    if required:
        assert result.score == 100 * result.filled // len(required)


@settings(max_examples=200, deadline=None)
@given(sections_strategy, st.integers(min_value=0, max_value=11))
def test_writing_a_section_never_lowers_the_score(sections, index):
    if not sections:
        return
    index %= len(sections)
    before = score(sections).score
    improved = list(sections)
    s = improved[index]
    improved[index] = SectionInput(
        code=s.code,
        title=s.title,
        required=s.required,
        min_chars=s.min_chars,
        content=s.content + "\n" + LONG * 3,
    )
    assert score(improved).score >= before


@pytest.mark.django_db
def test_live_score_follows_the_sections_and_the_catalogue(cast):
    from presales.solutions import services
    from presales.solutions.models import SectionTemplate
    from tests.factories.solutions import TEXT, fill_sections, make_solution

    solution = make_solution(cast, fill=False)
    assert solution.completeness == 0
    fill_sections(
        solution,
        cast.engineer_a,
        codes=["overview", "business_process", "architecture", "modules", "integration", "implementation"],
    )
    solution.refresh_from_db()
    assert solution.completeness == 85  # 6 of the 7 required sections
    budget = SectionTemplate.objects.get(code="budget")
    services.template_update(
        actor=cast.manager, template=budget, expected_version=budget.version, required=False
    )
    solution.refresh_from_db()
    assert solution.completeness == 100
    assert TEXT
