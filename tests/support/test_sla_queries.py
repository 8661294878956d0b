"""The SLA filters in SQL say exactly what the badges say: for requests placed at the boundaries
(the due instant and one second either side, 24 hours before the wanted-by time...), filtering by a
state returns exactly the requests whose clock is in that state."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from presales.support import sla
from presales.support.choices import DueState, RequestStatus, ResponseState
from presales.support.models import SupportRequest
from tests.factories.support import SupportRequestFactory, submit

pytestmark = pytest.mark.django_db

SEC = timedelta(seconds=1)
DAY = timedelta(hours=24)
# where the due instants sit relative to "now"
RESPONSE_OFFSETS = [-2 * DAY, -SEC, timedelta(0), SEC, 5 * timedelta(hours=1)]
WANTED_OFFSETS = [-2 * DAY, -SEC, timedelta(0), SEC, DAY - SEC, DAY, DAY + SEC, 3 * DAY]
# where the first response / the completion sit relative to their due instant
AROUND = [-SEC, timedelta(0), SEC]


@pytest.fixture
def grid(cast, customer):
    """Requests of every status whose clocks sit at every boundary around `now`."""
    now = timezone.now().replace(microsecond=0)
    rows = []
    i = 0
    for status in RequestStatus.values:
        for r_off in RESPONSE_OFFSETS:
            for w_off in WANTED_OFFSETS:
                i += 1
                due, wanted = now + r_off, now + w_off
                if status in (RequestStatus.NEW, RequestStatus.ASSIGNED):
                    first = None
                elif status == RequestStatus.CANCELLED:
                    first = None if i % 2 else due + AROUND[i % 3]
                else:
                    first = due + AROUND[i % 3]
                rows.append(
                    SupportRequestFactory(
                        customer=customer,
                        status=status,
                        submitted_at=now - 3 * DAY,
                        response_due_at=due,
                        wanted_by=wanted,
                        assignee=None if status == RequestStatus.NEW else cast.engineer_a,
                        first_response_at=first,
                        done_at=wanted + AROUND[i % 3] if status == RequestStatus.DONE else None,
                    )
                )
    return now, rows


def test_response_filter_matches_badge(grid):
    now, rows = grid
    for state in ResponseState.values:
        in_sql = set(SupportRequest.objects.filter(sla.response_q(state, now)).values_list("pk", flat=True))
        in_python = {r.pk for r in rows if r.response_clock(now).state == state}
        assert in_sql == in_python, state
    assert all(any(r.response_clock(now).state == s for r in rows) for s in ResponseState.values)


def test_due_filter_matches_badge(grid):
    now, rows = grid
    for state in DueState.values:
        in_sql = set(SupportRequest.objects.filter(sla.due_q(state, now)).values_list("pk", flat=True))
        in_python = {r.pk for r in rows if r.due_clock(now).state == state}
        assert in_sql == in_python, state
    assert all(any(r.due_clock(now).state == s for r in rows) for s in DueState.values)


def test_overdue_filter_is_either_clock_late(grid):
    now, rows = grid
    in_sql = set(SupportRequest.objects.filter(sla.overdue_q(now)).values_list("pk", flat=True))
    in_python = {
        r.pk
        for r in rows
        if r.response_clock(now).state == ResponseState.OVERDUE or r.due_clock(now).state == DueState.OVERDUE
    }
    assert in_sql == in_python and in_sql


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are a PostgreSQL matter")
def test_parallel_submissions_get_distinct_consecutive_numbers(cast, customer):
    numbers: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    barrier = threading.Barrier(6)

    def worker():
        try:
            barrier.wait()
            got = [submit(actor=cast.sales_a, customer=customer).number for _ in range(5)]
            with lock:
                numbers.extend(got)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    year = timezone.localtime().year
    assert sorted(numbers) == [f"ZC-{year}-{n:05d}" for n in range(1, 31)]
