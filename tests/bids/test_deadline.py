"""The deadline clock across time zones and daylight-saving edges, with explicit instants."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from presales.bids import deadline as clock

SH, NY = ZoneInfo("Asia/Shanghai"), ZoneInfo("America/New_York")


def test_the_same_wall_clock_is_three_different_instants_in_three_zones():
    wall = datetime(2026, 6, 17, 9, 30)
    shanghai = clock.localize(wall, "Asia/Shanghai")
    utc = clock.localize(wall, "UTC")
    new_york = clock.localize(wall, "America/New_York")
    assert shanghai == datetime(2026, 6, 17, 1, 30, tzinfo=UTC)
    assert utc == datetime(2026, 6, 17, 9, 30, tzinfo=UTC)
    assert new_york == datetime(2026, 6, 17, 13, 30, tzinfo=UTC)  # EDT, UTC-4


def test_an_aware_input_counts_by_its_digits_in_the_tender_zone():
    typed_in_shanghai = datetime(2026, 6, 17, 9, 30, tzinfo=SH)
    assert clock.localize(typed_in_shanghai, "America/New_York") == datetime(2026, 6, 17, 13, 30, tzinfo=UTC)


def test_countdown_is_the_same_instant_for_every_viewer():
    deadline = clock.localize(datetime(2026, 6, 17, 9, 30), "Asia/Shanghai")
    now_utc = datetime(2026, 6, 15, 0, 0, tzinfo=UTC)
    now_ny = now_utc.astimezone(NY)
    a, b = clock.countdown(deadline, now_utc), clock.countdown(deadline, now_ny)
    assert a.remaining == b.remaining == timedelta(days=2, hours=1, minutes=30)
    assert (a.days, a.hours, a.minutes) == (2, 1, 30)
    assert a.level == "soon"


@pytest.mark.parametrize(("hours_left", "level"), [
    (100, "ok"), (72.01, "ok"), (72, "soon"), (24.5, "soon"), (24, "urgent"), (4.01, "urgent"), (4, "critical"),
    (0.01, "critical"), (0, "passed"), (-5, "passed"),
])
def test_countdown_levels(hours_left, level):
    now = datetime(2026, 3, 1, tzinfo=UTC)
    c = clock.countdown(now + timedelta(hours=hours_left), now)
    assert c.level == level
    if level == "passed":
        assert c.passed and (c.days, c.hours, c.minutes) == (0, 0, 0)


def test_spring_forward_gap_is_refused():
    # 2026-03-08 02:30 does not exist in New York (the clocks jump from 02:00 to 03:00)
    with pytest.raises(clock.NonexistentTime):
        clock.localize(datetime(2026, 3, 8, 2, 30), "America/New_York")
    # Shanghai has no DST: the same wall time exists
    assert clock.localize(datetime(2026, 3, 8, 2, 30), "Asia/Shanghai") == datetime(2026, 3, 7, 18, 30, tzinfo=UTC)


def test_fall_back_ambiguity_takes_the_earlier_instant():
    # 2026-11-01 01:30 happens twice in New York (EDT then EST): the first, earlier one counts
    wall = datetime(2026, 11, 1, 1, 30)
    assert clock.is_ambiguous(wall, "America/New_York")
    assert clock.localize(wall, "America/New_York") == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
    assert not clock.is_ambiguous(wall, "Asia/Shanghai")


def test_countdown_across_a_dst_change_counts_real_hours():
    # from Saturday noon to Monday noon in New York across the spring change: 47 real hours
    now = clock.localize(datetime(2026, 3, 7, 12, 0), "America/New_York")
    deadline = clock.localize(datetime(2026, 3, 9, 12, 0), "America/New_York")
    c = clock.countdown(deadline, now)
    assert c.remaining == timedelta(hours=47) and (c.days, c.hours) == (1, 23)


@pytest.mark.parametrize(("hours_left", "expected"), [
    (80, None), (72, 72), (50, 72), (24, 24), (10, 24), (4, 4), (0.5, 4), (0, None), (-1, None),
])
def test_alert_threshold(hours_left, expected):
    now = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)
    assert clock.alert_threshold(now + timedelta(hours=hours_left), now) == expected


def test_alert_key_changes_with_the_deadline():
    d = datetime(2026, 6, 17, 1, 30, tzinfo=UTC)
    assert clock.alert_key(1, d, 24) != clock.alert_key(1, d + timedelta(hours=1), 24)
    assert clock.alert_key(1, d, 24) != clock.alert_key(1, d, 4)


def test_zone_names():
    assert clock.valid_zone("Asia/Shanghai") and clock.valid_zone("UTC") and clock.valid_zone("America/New_York")
    assert not clock.valid_zone("Mars/Olympus") and not clock.valid_zone("") and not clock.valid_zone("CST")
    assert ("Asia/Shanghai", "Asia/Shanghai") == clock.zone_choices()[0]


@given(
    wall=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2040, 12, 31)),
    zone=st.sampled_from(["Asia/Shanghai", "UTC", "America/New_York", "Europe/London", "Australia/Sydney"]),
)
def test_localize_round_trips_or_refuses(wall, zone):
    wall = wall.replace(microsecond=0)
    try:
        instant = clock.localize(wall, zone)
    except clock.NonexistentTime:
        return
    assert instant.tzinfo is not None
    assert instant.astimezone(ZoneInfo(zone)).replace(tzinfo=None) == wall


@given(hours=st.floats(min_value=-200, max_value=200, allow_nan=False))
def test_alert_threshold_is_the_tightest_crossed(hours):
    now = datetime(2026, 1, 1, tzinfo=UTC)
    delta = timedelta(hours=hours)  # microsecond resolution
    result = clock.alert_threshold(now + delta, now)
    hours = delta.total_seconds() / 3600
    if hours <= 0 or hours > 72:
        assert result is None
    else:
        assert result in (72, 24, 4) and hours <= result
        assert all(hours > h for h in (72, 24, 4) if h < result)
