"""State machines as data: an explicit table of allowed transitions, each with the permission it
needs and guard functions that return the reasons a move is refused.

    flow = Workflow(name="opportunity", transitions=[
        Transition("lead", "discovery", action="start_discovery", allowed=can_advance,
                   guards=[presales_lead_assigned]),
        ...])
    reasons = flow.refusal_reasons(obj, "discovery", user=user)

A guard is `fn(obj) -> str | list[str] | None`: nothing when satisfied, else the translated
reason(s). Other apps add guards to a target state at start-up with `flow.add_guard(to, fn)` (the
POC app adds "the POC has a verdict" to the opportunity's move out of demo/POC, for instance).
Refusal reasons are shown to the user as they are; an override (by a role allowed to) records them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

Guard = Callable[[object], "str | list[str] | None"]
Allowed = Callable[[object, object], bool]


@dataclass
class Transition:
    source: str
    target: str
    action: str
    allowed: Allowed
    guards: list[Guard] = field(default_factory=list)
    # Moves backwards or to a terminal "abandoned" state may skip the target's gates.
    gated: bool = True


class Workflow:
    def __init__(self, *, name: str, transitions: Iterable[Transition]):
        self.name = name
        self._by_key: dict[tuple[str, str], Transition] = {}
        self._target_guards: dict[str, list[Guard]] = {}
        for t in transitions:
            key = (t.source, t.target)
            if key in self._by_key:
                raise ValueError(f"duplicate transition {key} in workflow {name}")
            self._by_key[key] = t

    # --- table --------------------------------------------------------------------------------
    def get(self, source: str, target: str) -> Transition | None:
        return self._by_key.get((source, target))

    def targets_from(self, source: str) -> list[Transition]:
        return [t for (s, _), t in self._by_key.items() if s == source]

    def add_guard(self, target: str, guard: Guard) -> None:
        guards = self._target_guards.setdefault(target, [])
        if guard not in guards:
            guards.append(guard)

    def guards_for(self, transition: Transition) -> list[Guard]:
        if not transition.gated:
            return list(transition.guards)
        return [*transition.guards, *self._target_guards.get(transition.target, [])]

    # --- evaluation ---------------------------------------------------------------------------
    def unmet_conditions(self, obj, transition: Transition, memo: dict | None = None) -> list[str]:
        """The reasons the guards of `transition` refuse it for `obj` now. `memo` (a dict the caller
        keeps for one object at one moment) lets several transitions sharing a guard run it once."""
        reasons: list[str] = []
        for guard in self.guards_for(transition):
            if memo is None:
                result = guard(obj)
            elif guard in memo:
                result = memo[guard]
            else:
                result = memo[guard] = guard(obj)
            if not result:
                continue
            if isinstance(result, str):
                reasons.append(result)
            else:
                reasons.extend(str(r) for r in result)
        return reasons
