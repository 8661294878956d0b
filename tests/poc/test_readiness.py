"""The 16-item self-check: every item satisfied and not, from plain facts (pure) and from a real
record (through the selectors); the threshold and the refusal that names the missing items."""

from dataclasses import replace

import pytest
from django.utils import translation

from presales.poc import readiness
from presales.poc.readiness import Answer, CriterionFacts, Facts

GOOD_CRITERION = CriterionFacts(name="响应时间", is_key=True, has_pass=True, has_excellent=True, has_source=True,
                                has_frequency=True, has_sample_size=True, agreed=True)
ALL_RESOURCES = frozenset({("ours", "technical_lead"), ("ours", "backup"), ("customer", "technical_contact"),
                           ("customer", "technical_lead")})
ALL_GOOD = Facts(
    hypotheses=("验证A",), kickoff_minutes=60,
    kickoff_roles=frozenset({("ours", "sales_lead"), ("ours", "technical_lead"), ("ours", "project_manager"),
                             ("customer", "decision_maker"), ("customer", "technical_contact")}),
    criteria=(GOOD_CRITERION,), next_step="negotiation", confirmed=True, resources=ALL_RESOURCES,
    dated_prototype=True, our_escalation=True, customer_escalation=True, response_hours=4, risks=1,
)
ALL_ANSWERS = {n: Answer(True, "ok") for n in readiness.ASKED_NUMBERS}

# item -> facts that make it false (starting from ALL_GOOD)
BREAKERS = {
    1: [dict(kickoff_minutes=None), dict(kickoff_minutes=29),
        dict(kickoff_roles=ALL_GOOD.kickoff_roles - {("ours", "project_manager")}),
        dict(kickoff_roles=ALL_GOOD.kickoff_roles - {("customer", "decision_maker")})],
    2: [dict(hypotheses=()), dict(hypotheses=("a", "b", "c", "d")), dict(hypotheses=("  ",))],
    3: [dict(criteria=()), dict(criteria=(replace(GOOD_CRITERION, has_pass=False),))],
    4: [dict(next_step=""), dict(next_step="other", next_step_other=" ")],
    5: [dict(confirmed=False)],
    6: [dict(criteria=(replace(GOOD_CRITERION, is_key=False),)),
        dict(criteria=tuple(replace(GOOD_CRITERION, name=f"c{i}") for i in range(4)))],
    7: [dict(criteria=(replace(GOOD_CRITERION, has_excellent=False),)), dict(criteria=())],
    8: [dict(criteria=(replace(GOOD_CRITERION, has_source=False),)),
        dict(criteria=(replace(GOOD_CRITERION, has_frequency=False),)),
        dict(criteria=(replace(GOOD_CRITERION, has_sample_size=False),)), dict(criteria=())],
    9: [dict(criteria=(replace(GOOD_CRITERION, agreed=False),)), dict(criteria=())],
    10: [dict(resources=ALL_RESOURCES - {("ours", "backup")}),
         dict(resources=frozenset({("ours", "technical_lead"), ("ours", "backup")})),
         dict(resources=frozenset({("customer", "technical_lead"), ("customer", "backup")}))],
    14: [dict(our_escalation=False), dict(customer_escalation=False), dict(response_hours=None)],
    15: [dict(risks=0)],
    16: [dict(risks=0), dict(risks_without_fallback=("断电",))],
}


def done(result, number):
    return result.items[number - 1].done


def test_sixteen_items_in_four_groups_thirteen_computed():
    assert [i.number for i in readiness.ITEMS] == list(range(1, 17))
    assert readiness.ASKED_NUMBERS == (11, 12, 13)
    groups = [(str(g), [i.number for i in items]) for g, items in readiness.evaluate(ALL_GOOD, ALL_ANSWERS).groups()]
    assert [n for _, n in groups] == [[1, 2, 3, 4, 5], [6, 7, 8, 9], [10, 11, 12, 13, 14], [15, 16]]


def test_everything_in_place_scores_16():
    result = readiness.evaluate(ALL_GOOD, ALL_ANSWERS)
    assert result.score == 16 and result.can_start and result.refusal() == "" and not result.missing


@pytest.mark.parametrize("number, changes", [(n, c) for n, cs in BREAKERS.items() for c in cs],
                         ids=lambda v: str(v) if isinstance(v, int) else ",".join(v))
def test_each_computed_item_false(number, changes):
    result = readiness.evaluate(replace(ALL_GOOD, **changes), ALL_ANSWERS)
    assert not done(result, number)
    assert result.items[number - 1].reasons, "a false computed item says why"
    assert result.items[number - 1].computed


@pytest.mark.parametrize("number", readiness.ASKED_NUMBERS)
def test_each_asked_item_true_only_when_answered_yes(number):
    assert done(readiness.evaluate(ALL_GOOD, ALL_ANSWERS), number)
    assert not done(readiness.evaluate(ALL_GOOD, {**ALL_ANSWERS, number: Answer(False, "样机未到")}), number)
    unanswered = {k: v for k, v in ALL_ANSWERS.items() if k != number}
    result = readiness.evaluate(ALL_GOOD, unanswered)
    assert not done(result, number) and not result.items[number - 1].answered
    assert result.items[number - 1].evidence, "an asked item shows what the record holds"


@translation.override("en")
def test_asked_items_show_their_evidence():
    result = readiness.evaluate(replace(ALL_GOOD, resources=frozenset({("customer", "site")}), dated_prototype=False))
    assert "no" in result.items[10].evidence[0]
    assert "yes" in result.items[11].evidence[0]


def test_answers_to_computed_items_are_ignored():
    result = readiness.evaluate(replace(ALL_GOOD, confirmed=False), {**ALL_ANSWERS, 5: Answer(True)})
    assert not done(result, 5)


def test_threshold_and_refusal_names_the_missing_items():
    facts = replace(ALL_GOOD, confirmed=False, risks=0)  # 5, 15, 16 missing
    result = readiness.evaluate(facts, {11: Answer(True)}, threshold=13)  # 12, 13 unanswered too
    assert result.score == 11 and not result.can_start
    text = result.refusal()
    assert "11/16" in text and "13" in text
    for number in (5, 12, 13, 15, 16):
        assert f"{number}. " in text
    assert str(readiness.ITEMS_BY_NUMBER[15].label) in text
    assert readiness.evaluate(facts, ALL_ANSWERS, threshold=13).score == 13
    assert readiness.evaluate(facts, ALL_ANSWERS, threshold=13).can_start
    assert not readiness.evaluate(facts, ALL_ANSWERS, threshold=14).can_start


def test_snapshot_json():
    data = readiness.evaluate(ALL_GOOD, {}).as_json()
    assert len(data) == 16 and data[10]["computed"] is False and data[10]["done"] is False


# --- through the record ------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("number", range(1, 17))
def test_each_item_false_through_the_record(cast, number):
    from presales.poc.selectors import poc_readiness
    from tests.factories.poc import complete, make_poc

    poc = complete(make_poc(cast), cast.engineer_a, skip=[number])
    result = poc_readiness(poc=poc)
    assert not done(result, number)
    # without any criterion items 6–9 cannot hold either; without a key criterion neither can 7; without
    # any risk there is no fallback plan (16)
    also_missing = {3: {6, 7, 8, 9}, 6: {7}, 15: {16}}.get(number, set())
    assert {i.number for i in result.missing} == {number, *also_missing}


@pytest.mark.django_db
def test_all_items_true_through_the_record(cast):
    from presales.poc.selectors import poc_readiness
    from tests.factories.poc import complete, make_poc

    result = poc_readiness(poc=complete(make_poc(cast), cast.engineer_a))
    assert result.score == 16, [i.title for i in result.missing]


@pytest.mark.django_db
def test_threshold_is_configurable(cast, settings):
    from presales.poc.selectors import poc_readiness
    from tests.factories.poc import complete, make_poc

    poc = complete(make_poc(cast), cast.engineer_a, skip=[15, 16])
    assert poc_readiness(poc=poc).can_start
    settings.PRESALES_POC_READINESS_THRESHOLD = 15
    assert not poc_readiness(poc=poc).can_start
