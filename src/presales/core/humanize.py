"""Numbers and durations as a Chinese reader expects them.

- `natural_duration(start, end=None, depth=2)`: "2 周 1 天" (zh) / "2 weeks, 1 day" (en), the two
  largest units, instead of Django's timesince ("2 周，1 日").
- `wan(amount)`: list and board amounts in 万元 ("6,034 万元"; "¥60.34 M" in English), as
  PRESALES_LIST_AMOUNT_UNIT says ("wan", the default, or "yuan" for exact amounts). Detail pages and
  exports keep the exact amount.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language, ngettext, pgettext

# (seconds, singular, plural) from the largest unit down.
UNITS = (
    (365 * 24 * 3600, "year"),
    (30 * 24 * 3600, "month"),
    (7 * 24 * 3600, "week"),
    (24 * 3600, "day"),
    (3600, "hour"),
    (60, "minute"),
)


def _unit(name: str, n: int) -> str:
    if name == "year":
        return ngettext("%(n)d year", "%(n)d years", n) % {"n": n}
    if name == "month":
        return ngettext("%(n)d month", "%(n)d months", n) % {"n": n}
    if name == "week":
        return ngettext("%(n)d week", "%(n)d weeks", n) % {"n": n}
    if name == "day":
        return ngettext("%(n)d day", "%(n)d days", n) % {"n": n}
    if name == "hour":
        return ngettext("%(n)d hour", "%(n)d hours", n) % {"n": n}
    return ngettext("%(n)d minute", "%(n)d minutes", n) % {"n": n}


def natural_duration(start, end=None, depth: int = 2) -> str:
    """The time from `start` to `end` (now), or a timedelta / number of seconds, in at most `depth`
    adjacent units: "2 周 1 天", "3 小时", "0 分钟"."""
    if isinstance(start, timedelta):
        seconds = int(start.total_seconds())
    elif isinstance(start, (int, float, Decimal)):
        seconds = int(start)
    else:
        if isinstance(start, date) and not isinstance(start, datetime):
            start = datetime(start.year, start.month, start.day, tzinfo=timezone.get_current_timezone())
        end = end or timezone.now()
        if isinstance(end, date) and not isinstance(end, datetime):
            end = datetime(end.year, end.month, end.day, tzinfo=timezone.get_current_timezone())
        seconds = int((end - start).total_seconds())
    seconds = max(0, seconds)
    parts: list[str] = []
    for i, (size, name) in enumerate(UNITS):
        count, rest = divmod(seconds, size)
        if count:
            parts.append(_unit(name, count))
            # only adjacent units: "1 年 2 个月", never "1 年 3 天"
            if len(parts) < depth and i + 1 < len(UNITS):
                nxt_size, nxt_name = UNITS[i + 1]
                nxt = rest // nxt_size
                if nxt:
                    parts.append(_unit(nxt_name, nxt))
            break
    if not parts:
        return _unit("minute", 0)
    if len(parts) == 1:
        return parts[0]
    return pgettext("a duration in two units", "%(larger)s, %(smaller)s") % {
        "larger": parts[0],
        "smaller": parts[1],
    }


def _decimal(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return None


def _trim(text: str) -> str:
    return text.rstrip("0").rstrip(".") if "." in text else text


def wan(value) -> str:
    """An amount in 万元 for lists and boards ("—" when empty); exact when the setting says "yuan"."""
    amount = _decimal(value)
    if amount is None:
        return "—" if value in (None, "") else str(value)
    if getattr(settings, "PRESALES_LIST_AMOUNT_UNIT", "wan") != "wan":
        return f"¥{amount:,.2f}"
    if (get_language() or "").lower().startswith("zh"):
        return f"{_trim(f'{amount / 10000:,.2f}')} 万元"
    return f"¥{_trim(f'{amount / 1000000:,.2f}')} M"
