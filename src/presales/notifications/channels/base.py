from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Outcome:
    ok: bool
    response_code: int | None = None
    error: str = ""
    retry: bool = True  # worth trying again (a 5xx, a timeout) rather than a permanent refusal


class Sender:
    """One channel: `send(delivery)` delivers the delivery's notification and reports how it went."""

    code = ""

    def send(self, delivery) -> Outcome:  # pragma: no cover - interface
        raise NotImplementedError
