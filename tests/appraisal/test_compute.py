"""Computing a whole cycle: the query count does not grow with the number of participants, and a
computed score keeps its snapshot (reproducible after the indicator changes)."""

from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from presales.appraisal import bench, services
from presales.appraisal.choices import Source, Step
from presales.appraisal.compute import compute_cycle
from presales.appraisal.models import Appraisal, IndicatorScore
from tests.factories.accounts import make_user
from tests.factories.appraisal import hand_items, make_cycle, make_scheme, published

pytestmark = pytest.mark.django_db


def _cycle_with(n, committee, cast, scheme):
    cycle = make_cycle(committee, name=f"规模{n}")
    for i in range(n):
        person = make_user("presales_engineer", team=cast.team_a, username=f"p{n}_{i}")
        services.participant_add(
            actor=committee, cycle=cycle, employee=person, scheme=scheme, supervisor=cast.lead_a
        )
    cycle = services.cycle_open(actor=committee, cycle=cycle)
    for a in cycle.appraisals.select_related("employee"):  # self values, so the hand-entered items score
        services.entries_save(
            actor=a.employee,
            appraisal=a,
            source=Source.SELF,
            values={
                x.indicator_id: (3 if x.indicator.data_source == "manual" else 80) for x in hand_items(a)
            },
        )
    return cycle


def _count(cycle) -> tuple[int, int]:
    """(statements other than the score inserts, score inserts: INSERT or, on PostgreSQL, COPY) of
    computing the cycle."""
    with CaptureQueriesContext(connection) as ctx:
        compute_cycle(cycle)
    inserts = [q for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith(("INSERT", "COPY"))]
    return len(ctx.captured_queries) - len(inserts), len(inserts)


def test_compute_cycle_queries_do_not_grow_with_people(cast, committee):
    scheme = make_scheme()
    small, large = _cycle_with(2, committee, cast, scheme), _cycle_with(20, committee, cast, scheme)
    small_reads, small_inserts = _count(small)
    large_reads, large_inserts = _count(large)
    assert small_reads == large_reads  # reads, delete and update: the same statements for 2 or 20 people
    # the scores go in one statement (PostgreSQL: COPY), split only where the database caps the
    # parameters of a statement (SQLite: 999 → 60 rows × 27 columns take two)
    rows = IndicatorScore.objects.filter(appraisal__cycle=large).count()
    assert rows == 20 * 3
    columns = len([f for f in IndicatorScore._meta.concrete_fields if f.name != "id"])
    limit = connection.features.max_query_params
    expected = 1 if not limit else -(-rows // (limit // columns))
    assert small_inserts == 1 and large_inserts == expected
    n, queries = bench.compute_cycle_counted(large)
    assert n == 20 and queries == large_reads + large_inserts


def test_scores_keep_their_snapshot(cast, committee, appraisal):
    appraisal = published(appraisal, cast, committee=committee)
    score = appraisal.scores.get(name="工作表现")
    before = (score.rule_params, score.indicator_version, score.normalized, score.explanation)
    indicator = score.indicator
    indicator.rule_params = {"scale": 10}
    indicator.version += 1
    indicator.save()
    services.cycle_compute(actor=committee, cycle=appraisal.cycle)
    score.refresh_from_db()
    assert (score.rule_params, score.indicator_version, score.normalized, score.explanation) == before
    # an unpublished appraisal picks up the new version at its next computation
    other = appraisal.cycle.appraisals.exclude(pk=appraisal.pk).get()
    services.cycle_compute(actor=committee, cycle=appraisal.cycle)
    assert other.scores.get(name="工作表现").indicator_version == indicator.version
    assert other.status == Step.SELF_ASSESSMENT
    assert D(score.weight) == D("40")


def test_scores_written_by_the_fast_path_read_back_exactly(cast, committee):
    """The PostgreSQL COPY and UPDATE … FROM unnest paths (bulk_create / bulk_update elsewhere) store
    what was computed: every field of every score and total, as the ORM reads it back."""
    scheme = make_scheme()
    cycle = _cycle_with(5, committee, cast, scheme)
    appraisals = list(Appraisal.objects.filter(cycle=cycle).select_related("cycle", "scheme"))
    from presales.appraisal.compute import compute_appraisals

    compute_appraisals(appraisals)
    fields = [f.attname for f in IndicatorScore._meta.concrete_fields if not f.primary_key]
    stored = list(IndicatorScore.objects.filter(appraisal__cycle=cycle).order_by("appraisal_id", "position"))
    assert len(stored) == 5 * 3
    assert all(s.explanation and s.computed_at for s in stored)
    for score in stored:
        assert isinstance(score.rule_params, dict) and isinstance(score.sources, dict)
    by_pk = {a.pk: a for a in appraisals}
    for a in Appraisal.objects.filter(cycle=cycle):
        mine = by_pk[a.pk]
        for name in ("weighted_total", "adjustment", "final_score", "grade", "bonus_coefficient", "computed_at"):
            assert getattr(a, name) == getattr(mine, name), name
    # recomputing replaces the rows, it does not add to them
    compute_appraisals(appraisals)
    again = list(IndicatorScore.objects.filter(appraisal__cycle=cycle).order_by("appraisal_id", "position"))
    assert [[getattr(s, f) for f in fields if f != "computed_at"] for s in again] == [
        [getattr(s, f) for f in fields if f != "computed_at"] for s in stored
    ]
