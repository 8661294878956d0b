"""The SLA clocks as pure functions: no database. Boundaries are checked at the due instant and one
second either side; hypothesis checks the laws that hold everywhere else."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from presales.support.choices import DueState, RequestStatus, ResponseState
from presales.support.sla import DUE_SOON, due_clock, format_duration, response_clock, response_hours

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
DUE = T0 + timedelta(hours=8)
SEC = timedelta(seconds=1)
OPEN = [RequestStatus.NEW, RequestStatus.ASSIGNED, RequestStatus.IN_PROGRESS]


def respond_clock(status=RequestStatus.ASSIGNED, first=None, now=DUE):
    return response_clock(
        status=status, response_due_at=DUE, first_response_at=first, now=now, submitted_at=T0
    )


class TestResponseClock:
    @pytest.mark.parametrize("status", [RequestStatus.NEW, RequestStatus.ASSIGNED])
    def test_waiting_boundaries(self, status):
        before = respond_clock(status, now=DUE - SEC)
        assert before.state == ResponseState.RUNNING and before.left == SEC
        at = respond_clock(status, now=DUE)
        assert at.state == ResponseState.RUNNING and at.left == timedelta(0)
        after = respond_clock(status, now=DUE + SEC)
        assert after.state == ResponseState.OVERDUE and after.late == SEC and after.is_late

    def test_response_boundaries(self):
        assert respond_clock(first=DUE - SEC).state == ResponseState.MET
        assert respond_clock(first=DUE).state == ResponseState.MET
        late = respond_clock(first=DUE + SEC, now=DUE + timedelta(days=3))
        assert late.state == ResponseState.BREACHED and late.late == SEC

    def test_response_outcome_is_final_whatever_now_and_status(self):
        for status in RequestStatus.values:
            for now in (T0, DUE, DUE + timedelta(days=30)):
                assert (
                    respond_clock(status, first=T0 + timedelta(hours=1), now=now).state == ResponseState.MET
                )

    def test_elapsed_is_the_response_time(self):
        assert respond_clock(first=T0 + timedelta(hours=2, minutes=30)).elapsed == timedelta(
            hours=2, minutes=30
        )

    @pytest.mark.parametrize("status", [RequestStatus.CANCELLED, RequestStatus.DONE])
    def test_clock_stops_without_response_when_closed(self, status):
        clock = respond_clock(status, now=DUE + timedelta(days=1))
        assert clock.state == ResponseState.STOPPED and not clock.is_late

    def test_running_time_left(self):
        assert respond_clock(now=T0).left == timedelta(hours=8)


def due(status=RequestStatus.ASSIGNED, done=None, now=DUE):
    return due_clock(status=status, wanted_by=DUE, done_at=done, now=now)


class TestDueClock:
    @pytest.mark.parametrize("status", OPEN)
    def test_open_boundaries(self, status):
        assert due(status, now=DUE - DUE_SOON - SEC).state == DueState.ON_TIME
        exactly_a_day = due(status, now=DUE - DUE_SOON)
        assert exactly_a_day.state == DueState.ON_TIME and exactly_a_day.left == DUE_SOON
        assert due(status, now=DUE - DUE_SOON + SEC).state == DueState.DUE_SOON
        assert due(status, now=DUE - SEC).state == DueState.DUE_SOON
        at = due(status, now=DUE)
        assert at.state == DueState.DUE_SOON and at.left == timedelta(0)
        after = due(status, now=DUE + SEC)
        assert after.state == DueState.OVERDUE and after.late == SEC

    def test_done_boundaries(self):
        later = DUE + timedelta(days=10)
        assert due(RequestStatus.DONE, done=DUE - SEC, now=later).state == DueState.DONE_ON_TIME
        assert due(RequestStatus.DONE, done=DUE, now=later).state == DueState.DONE_ON_TIME
        late = due(RequestStatus.DONE, done=DUE + SEC, now=later)
        assert late.state == DueState.DONE_LATE and late.late == SEC and late.is_late

    def test_cancelled_has_no_due_state(self):
        assert due(RequestStatus.CANCELLED, now=DUE + timedelta(days=1)).state == DueState.CANCELLED


def test_response_hours():
    assert response_hours(submitted_at=T0, first_response_at=None) is None
    assert response_hours(submitted_at=T0, first_response_at=T0 + timedelta(minutes=90)) == 1.5
    assert response_hours(submitted_at=T0, first_response_at=T0) == 0


@pytest.mark.parametrize(
    "delta, text",
    [
        (timedelta(seconds=59), "0 min"),
        (timedelta(minutes=15), "15 min"),
        (timedelta(hours=3, minutes=20, seconds=59), "3 h 20 min"),
        (timedelta(days=2, hours=3, minutes=5), "2 d 3 h"),
        (timedelta(seconds=-5), "0 min"),
    ],
)
def test_format_duration(delta, text):
    from django.utils import translation

    with translation.override("en"):
        assert format_duration(delta) == text


def test_format_duration_in_chinese():
    from django.utils import translation

    with translation.override("zh-hans"):
        assert format_duration(timedelta(hours=3, minutes=20)) == "3小时20分钟"


# --- properties -------------------------------------------------------------------------------------

offsets = st.integers(min_value=-90 * 86400, max_value=90 * 86400).map(lambda s: timedelta(seconds=s))
statuses = st.sampled_from(RequestStatus.values)


@given(status=statuses, now_offset=offsets, response_offset=st.none() | offsets)
def test_response_clock_laws(status, now_offset, response_offset):
    now = DUE + now_offset
    first = None if response_offset is None else DUE + response_offset
    clock = respond_clock(status, first=first, now=now)
    if first is not None:
        assert clock.state == (ResponseState.MET if first <= DUE else ResponseState.BREACHED)
    elif status in (RequestStatus.NEW, RequestStatus.ASSIGNED):
        assert clock.state in (ResponseState.RUNNING, ResponseState.OVERDUE)
        if clock.state == ResponseState.RUNNING:
            assert clock.left >= timedelta(0) and now + clock.left == DUE
        else:
            assert clock.late > timedelta(0) and DUE + clock.late == now
    else:
        assert clock.state == ResponseState.STOPPED
    assert clock.is_late == (clock.state in (ResponseState.OVERDUE, ResponseState.BREACHED))


@given(status=statuses, now_offset=offsets, done_offset=offsets)
def test_due_clock_laws(status, now_offset, done_offset):
    now = DUE + now_offset
    clock = due(status, done=DUE + done_offset, now=now)
    if status in OPEN:
        expected = (
            DueState.OVERDUE if now > DUE else DueState.DUE_SOON if DUE - now < DUE_SOON else DueState.ON_TIME
        )
        assert clock.state == expected
        # the clock only moves forward: a later "now" is never in a better state
        order = [DueState.ON_TIME, DueState.DUE_SOON, DueState.OVERDUE]
        later = due(status, done=None, now=now + timedelta(hours=1))
        assert order.index(later.state) >= order.index(clock.state)
    elif status == RequestStatus.DONE:
        assert clock.state == (DueState.DONE_ON_TIME if done_offset <= timedelta(0) else DueState.DONE_LATE)
    else:
        assert clock.state == DueState.CANCELLED


@given(seconds=st.integers(min_value=0, max_value=400 * 86400))
def test_format_duration_truncates_to_its_smallest_unit(seconds):
    """Two units at most, rounded down: never more time than there is, never a whole unit less."""
    import re

    from django.utils import translation

    with translation.override("en"):
        text = format_duration(timedelta(seconds=seconds))
    units = {"d": 86400, "h": 3600, "min": 60}
    parts = [(int(n), unit) for n, unit in re.findall(r"(\d+) (d|h|min)\b", text)]
    assert 1 <= len(parts) <= 2
    total = sum(n * units[unit] for n, unit in parts)
    smallest = units[parts[-1][1]]
    assert total <= seconds < total + smallest
