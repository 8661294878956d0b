"""The transition-table machinery shared by every state machine."""

import pytest

from presales.core.workflow import Transition, Workflow


def allow(user, obj):
    return True


def needs_owner(obj):
    return None if obj.get("owner") else "no owner"


def needs_two(obj):
    missing = [k for k in ("a", "b") if not obj.get(k)]
    return [f"missing {k}" for k in missing]


@pytest.fixture
def flow():
    return Workflow(name="t", transitions=[
        Transition("draft", "ready", action="prepare", allowed=allow, guards=[needs_owner]),
        Transition("ready", "running", action="start", allowed=allow),
        Transition("ready", "draft", action="back", allowed=allow, gated=False),
    ])


def test_table_lookup(flow):
    assert flow.get("draft", "ready").action == "prepare"
    assert flow.get("draft", "running") is None
    assert {t.target for t in flow.targets_from("ready")} == {"running", "draft"}


def test_guards_return_every_reason_in_order(flow):
    flow.add_guard("ready", needs_two)
    t = flow.get("draft", "ready")
    assert flow.unmet_conditions({}, t) == ["no owner", "missing a", "missing b"]
    assert flow.unmet_conditions({"owner": 1, "a": 1}, t) == ["missing b"]
    assert flow.unmet_conditions({"owner": 1, "a": 1, "b": 1}, t) == []


def test_added_guard_is_registered_once_and_skipped_for_ungated_moves(flow):
    flow.add_guard("draft", needs_owner)
    flow.add_guard("draft", needs_owner)
    assert flow.guards_for(flow.get("ready", "draft")) == []
    flow.add_guard("running", needs_owner)
    assert flow.guards_for(flow.get("ready", "running")) == [needs_owner]


def test_duplicate_transition_is_a_programming_error():
    with pytest.raises(ValueError):
        Workflow(name="x", transitions=[Transition("a", "b", "go", allow), Transition("a", "b", "again", allow)])
