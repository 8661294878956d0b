"""Document numbers: code + YYYYMM (company time zone) + sequence per code and month; after 999 the
sequence continues with four digits; never reused; unique under parallel writers (PostgreSQL)."""

import threading
from datetime import UTC, datetime
from unittest import mock

import pytest
from django.db import connection, connections

from presales.core.models import Sequence
from presales.documents import services
from presales.documents.models import Document, DocumentCategory
from tests.factories.documents import make_document

pytestmark = pytest.mark.django_db


def at(*args):
    return datetime(*args, tzinfo=UTC)


def test_format_code_month_and_three_digits():
    assert services.next_number(code="QD", at=at(2023, 5, 10, 3)) == "QD202305001"
    assert services.next_number(code="QD", at=at(2023, 5, 11, 3)) == "QD202305002"


def test_sequences_are_per_code():
    assert services.next_number(code="QD", at=at(2023, 5, 10)) == "QD202305001"
    assert services.next_number(code="FJ", at=at(2023, 5, 10)) == "FJ202305001"
    assert services.next_number(code="QD", at=at(2023, 5, 10)) == "QD202305002"


def test_month_rollover_starts_again_at_001():
    assert services.next_number(code="FJ", at=at(2023, 5, 31, 12)) == "FJ202305001"
    assert services.next_number(code="FJ", at=at(2023, 6, 1, 12)) == "FJ202306001"
    assert services.next_number(code="FJ", at=at(2024, 1, 1, 12)) == "FJ202401001"


def test_month_is_taken_in_the_company_time_zone(settings):
    # 2023-05-31 17:30 UTC is already 1 June 01:30 in Shanghai
    settings.TIME_ZONE = "Asia/Shanghai"
    assert services.next_number(code="TB", at=at(2023, 5, 31, 17, 30)) == "TB202306001"
    assert services.next_number(code="TB", at=at(2023, 5, 31, 15, 59)) == "TB202305001"


def test_after_999_the_sequence_goes_on_with_four_digits():
    Sequence.objects.create(key="DOC-QD202305", value=998)
    assert services.next_number(code="QD", at=at(2023, 5, 2)) == "QD202305999"
    assert services.next_number(code="QD", at=at(2023, 5, 2)) == "QD2023051000"
    assert services.next_number(code="QD", at=at(2023, 5, 2)) == "QD2023051001"


def test_created_document_gets_its_number_from_the_category_code(cast, opportunity):
    with mock.patch("django.utils.timezone.now", return_value=at(2023, 5, 10, 2)):
        document = make_document(author=cast.engineer_a, opportunity=opportunity, kind="research")
    assert document.number == "QD202305001"


def test_configured_code_is_used(cast, opportunity):
    DocumentCategory.objects.filter(kind="research").update(code="XQ")
    document = make_document(author=cast.engineer_a, opportunity=opportunity, kind="research")
    assert document.number.startswith("XQ") and len(document.number) == 11


def test_numbers_are_never_reused_after_deletion(cast, opportunity):
    first = make_document(author=cast.engineer_a, opportunity=opportunity)
    second = make_document(author=cast.engineer_a, opportunity=opportunity)
    Document.objects.filter(pk=second.pk).delete()
    third = make_document(author=cast.engineer_a, opportunity=opportunity)
    assert int(first.number[-3:]) + 2 == int(third.number[-3:])
    assert third.number != second.number


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are a PostgreSQL matter")
def test_parallel_writers_get_distinct_consecutive_numbers():
    results: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    barrier = threading.Barrier(6)

    def worker():
        try:
            barrier.wait()
            got = [services.next_number(code="FJ", at=at(2023, 5, 10)) for _ in range(20)]
            with lock:
                results.extend(got)
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
    assert sorted(results) == [f"FJ202305{n:03d}" for n in range(1, 121)]


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are a PostgreSQL matter")
def test_parallel_uploads_through_the_api_get_unique_numbers(settings, tmp_path):
    """Concurrent requests (one client per thread) creating documents: every number distinct."""
    from django.test import Client

    from tests.kit import build_cast

    settings.MEDIA_ROOT = tmp_path / "media"
    cast = build_cast()
    from tests.factories import CustomerFactory
    from tests.factories.documents import pdf_bytes, upload
    from tests.factories.opportunities import OpportunityFactory

    customer = CustomerFactory(presales_owner=cast.engineer_a, sales_owner=cast.sales_a)
    opportunity = OpportunityFactory(customer=customer, presales_lead=cast.engineer_a)
    category = DocumentCategory.objects.get(kind="solution").pk
    statuses: list[int] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(5)

    def worker(i):
        try:
            client = Client()
            client.force_login(cast.engineer_a)
            barrier.wait()
            for j in range(4):
                response = client.post(
                    "/api/documents/",
                    {
                        "title": f"并发{i}-{j}",
                        "category": category,
                        "opportunity": opportunity.pk,
                        "file": upload(f"f{i}{j}.pdf", pdf_bytes(f"{i}-{j}")),
                    },
                )
                statuses.append(response.status_code)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert statuses == [201] * 20
    numbers = list(Document.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) == 20
    assert sorted(int(n[-3:]) for n in numbers) == list(range(1, 21))
