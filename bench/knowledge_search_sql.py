"""The knowledge search SQL alone, the code before session 5 against the current one, alternating in
one connection so that the machine's load drifts alike for both (docs/benchmarks.md, issue 10).

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/kb_bench   # the corpus of bench/knowledge.py
    psql ... -c "CREATE INDEX knowledge_article_fts_gin ON knowledge_article USING gin (search_vector)"
    uv run python bench/knowledge_search_sql.py
    psql ... -c "DROP INDEX knowledge_article_fts_gin"

"old": the window count over the ranked subquery, the permission scope with the archive's joined
project-team rule (documents.permissions.project_team_q), JIT as the server has it (on by default);
the old code's whole-table GIN index must exist for a faithful comparison (commands above).
"new": `search._ranked_page`'s materialised CTE, knowledge's own IN-set scope, jit off. A query's
time includes its any-word tier when the strict one has fewer than 20 matches, as in `search()`.
"""

import math
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from bench.knowledge import QUERIES, setup_django  # noqa: E402

REPEAT = 15


def main():
    setup_django(os.environ["DATABASE_URL"])
    from django.db import connection

    from presales.accounts.models import User
    from presales.documents.permissions import project_team_q as joined
    from presales.knowledge import permissions, segment
    from presales.knowledge import search as s
    from presales.knowledge.choices import ArticleStatus
    from presales.knowledge.models import Article

    user = User.objects.get(username="kb_bench_eng0")
    in_sets = permissions.project_team_q

    def statements(q, which):
        permissions.project_team_q = joined if which == "old" else in_sets
        groups = segment.query_groups(q)
        base = Article.objects.visible_to(user).filter(status=ArticleStatus.PUBLISHED)
        out = []
        for strict in (True, False):
            qs = s.matching(base, groups, strict=strict, strict_first=not strict)
            ordering = [o.lstrip("-") for o in qs.query.order_by]
            fields = ["pk", "rank", "published_at", *(["tier"] if "tier" in ordering else [])]
            inner, params = qs.order_by().values(*fields).query.sql_with_params()
            order = ", ".join({"tier": "tier ASC", "rank": "rank DESC", "published_at": "published_at DESC",
                               "pk": "pk DESC"}[o] for o in ordering)
            if which == "old":
                sql = (f"SELECT pk, rank, COUNT(*) OVER () FROM ({inner}) matches "
                       f"ORDER BY {order} LIMIT 20")
            else:
                sql = (f"WITH matches AS MATERIALIZED ({inner}) "
                       f"SELECT pk, rank, (SELECT COUNT(*) FROM matches) "
                       f"FROM matches ORDER BY {order} LIMIT 20")
            out.append((sql, params))
        permissions.project_team_q = in_sets
        return out

    def run(cursor, pair, which):
        cursor.execute(f"SET jit = {'on' if which == 'old' else 'off'}")
        started = time.perf_counter()
        cursor.execute(*pair[0])
        rows = cursor.fetchall()
        if (rows[0][2] if rows else 0) < 20:
            cursor.execute(*pair[1])
            cursor.fetchall()
        return (time.perf_counter() - started) * 1000

    def p95(samples):
        ordered = sorted(samples)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]

    every = {"old": [], "new": []}
    print(f"load average {os.getloadavg()}")
    with connection.cursor() as cursor:
        for q in QUERIES:
            pairs = {w: statements(q, w) for w in ("old", "new")}
            for w in ("old", "new"):
                run(cursor, pairs[w], w)  # warm
            times = {"old": [], "new": []}
            for _ in range(REPEAT):
                for w in ("old", "new"):
                    times[w].append(run(cursor, pairs[w], w))
            for w in times:
                every[w] += times[w]
            print(f"{q:<14} old median {statistics.median(times['old']):6.1f} "
                  f"max {max(times['old']):6.1f} | "
                  f"new median {statistics.median(times['new']):6.1f} max {max(times['new']):6.1f}")
    for w, samples in every.items():
        print(f"{w}: median {statistics.median(samples):.1f} ms, p95 {p95(samples):.1f} ms "
              f"(n={len(samples)})")
    print(f"load average {os.getloadavg()}, this process's CPU {time.process_time():.1f} s")


if __name__ == "__main__":
    main()
