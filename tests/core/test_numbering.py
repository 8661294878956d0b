"""The sequence service: consecutive, per key, never reused, unique under parallel writers."""

import threading

import pytest
from django.db import connection, connections

from presales.core.models import Sequence
from presales.core.numbering import sequence_next, sequence_peek


@pytest.mark.django_db
def test_consecutive_per_key():
    assert [sequence_next(key="SJ-2026") for _ in range(3)] == [1, 2, 3]
    assert sequence_next(key="SJ-2027") == 1
    assert sequence_peek(key="SJ-2026") == 3
    assert sequence_peek(key="never-used") == 0


@pytest.mark.django_db
def test_never_reused_after_the_counter_row_is_read_again():
    sequence_next(key="K")
    sequence_next(key="K")
    Sequence.objects.get(key="K")  # nothing resets it
    assert sequence_next(key="K") == 3


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are a PostgreSQL matter")
def test_parallel_writers_get_distinct_consecutive_numbers():
    results: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    barrier = threading.Barrier(8)

    def worker():
        try:
            barrier.wait()
            got = [sequence_next(key="POC-2026") for _ in range(25)]
            with lock:
                results.extend(got)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert sorted(results) == list(range(1, 201))
    assert sequence_peek(key="POC-2026") == 200
