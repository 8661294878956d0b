"""The deadline clock, pure (no database, no clock of its own: every function takes `now`).

A deadline is stored as an aware instant (UTC in the database) together with the tender's time
zone (an IANA name, Asia/Shanghai by default): "17 June 09:30" in a tender from New York means
09:30 in New York, whatever the viewer's zone. The countdown is the same instant for everybody;
only the wall-clock rendering differs (the viewer's zone and the tender's are both shown).

Wall-clock input in the tender's zone around daylight-saving changes:
- a time that does not exist (skipped by the spring-forward gap, e.g. 02:30 on 2026-03-08 in
  America/New_York) is refused: the tender cannot have meant it;
- an ambiguous time (repeated in the autumn fall-back hour) is read as its *first* occurrence,
  the earlier instant, so that we never plan for a later deadline than the real one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta  # noqa: F401 (timedelta used by tasks)
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from .choices import ALERT_HOURS

UTC = ZoneInfo("UTC")


class NonexistentTime(ValueError):
    pass


def valid_zone(name: str) -> bool:
    if not name or "/" not in name and name != "UTC":
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("Asia/Shanghai")


def zone_choices() -> list[tuple[str, str]]:
    common = ["Asia/Shanghai", "Asia/Hong_Kong", "Asia/Singapore", "Asia/Tokyo", "Europe/London", "Europe/Berlin",
              "America/New_York", "America/Los_Angeles", "UTC"]
    rest = sorted(z for z in available_timezones() if "/" in z and z not in common and not z.startswith("Etc/"))
    return [(z, z) for z in [*common, *rest]]


def localize(wall: datetime, tz_name: str) -> datetime:
    """The aware instant of a wall-clock time (naive, or aware in another zone: then only its
    wall-clock digits count) in the tender's zone. Raises NonexistentTime in a DST gap."""
    tz = zone(tz_name)
    naive = wall.replace(tzinfo=None)
    first = naive.replace(tzinfo=tz, fold=0)
    second = naive.replace(tzinfo=tz, fold=1)
    # A wall time exists when it survives a round trip through UTC.
    survivors = [c for c in (first, second)
                 if c.astimezone(UTC).astimezone(tz).replace(tzinfo=None) == naive]
    if not survivors:
        raise NonexistentTime(naive.isoformat())
    return min(survivors, key=lambda c: c.astimezone(UTC)).astimezone(UTC)


def is_ambiguous(wall: datetime, tz_name: str) -> bool:
    tz = zone(tz_name)
    naive = wall.replace(tzinfo=None)
    return naive.replace(tzinfo=tz, fold=0).utcoffset() != naive.replace(tzinfo=tz, fold=1).utcoffset()


@dataclass(frozen=True)
class Countdown:
    deadline: datetime
    now: datetime

    @property
    def remaining(self) -> timedelta:
        return self.deadline - self.now

    @property
    def passed(self) -> bool:
        return self.remaining <= timedelta(0)

    @property
    def days(self) -> int:
        return max(int(self.remaining.total_seconds() // 86400), 0)

    @property
    def hours(self) -> int:
        """Whole hours left after the whole days."""
        return max(int(self.remaining.total_seconds() % 86400 // 3600), 0) if not self.passed else 0

    @property
    def minutes(self) -> int:
        return max(int(self.remaining.total_seconds() % 3600 // 60), 0) if not self.passed else 0

    @property
    def total_hours(self) -> float:
        return self.remaining.total_seconds() / 3600

    @property
    def level(self) -> str:
        """passed, critical (≤ 4 h), urgent (≤ 24 h), soon (≤ 72 h) or ok."""
        if self.passed:
            return "passed"
        hours = self.total_hours
        if hours <= 4:
            return "critical"
        if hours <= 24:
            return "urgent"
        if hours <= 72:
            return "soon"
        return "ok"

    @property
    def css(self) -> str:
        return {"passed": "secondary", "critical": "danger", "urgent": "danger", "soon": "warning"}.get(
            self.level, "success")


def countdown(deadline: datetime, now: datetime) -> Countdown:
    return Countdown(deadline=deadline, now=now)


def alert_threshold(deadline: datetime, now: datetime) -> int | None:
    """The alert due now (72, 24 or 4 hours before the deadline): the tightest threshold already
    crossed, or None before the first one and after the deadline. A job that ran late sends only
    the most urgent alert, not the missed earlier ones."""
    remaining = deadline - now
    if remaining <= timedelta(0):
        return None
    crossed = [h for h in ALERT_HOURS if remaining <= timedelta(hours=h)]
    return min(crossed) if crossed else None


def alert_key(bid_id: int, deadline: datetime, hours: int) -> str:
    """Once per bid, deadline and threshold: moving the deadline re-arms the alerts."""
    return f"bids.deadline.{bid_id}.{int(deadline.timestamp())}.{hours}h"
