"""`presales knowledge_bench --articles 100000`: fill the configured database with synthetic
published articles (bulk, segmented once per distinct text, indexed like the services do) and
measure full-text search and similar cases as a non-manager engineer (so the permission scope is
part of every query). Prints p50/p95 in milliseconds and the query counts. Run it on a throw-away
database: it adds rows and does not remove them (`--cleanup` deletes the articles it made)."""

from __future__ import annotations

import random
import statistics
import time

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from presales.knowledge import segment, similar
from presales.knowledge.choices import AccessLevel, ArticleKind, ArticleStatus
from presales.knowledge.index import FTS_TABLE
from presales.knowledge.models import Article
from presales.knowledge.search import search

TOPICS = ["储能电站", "BMS", "高温误报", "视觉检测", "缺陷检测", "无人机巡检", "电力巡检", "数据中台", "私有化部署",
          "边缘计算", "预测性维护", "机器人调度", "热失控预警", "SOC估算", "配电自动化", "等保三级", "信创适配",
          "工业互联网", "数字孪生", "充放电策略"]
WORDS = ["客户", "需求", "方案", "交付", "验收", "成本", "周期", "风险", "接口", "性能", "告警", "精度", "稳定",
         "集成", "培训", "运维", "预算", "竞品", "价格", "评审"]
QUERIES = ["高温误报率", "储能电站BMS", "视觉检测漏检", "无人机巡检缺陷识别", "私有化部署信创", "预测性维护方案",
           "数据中台报价", "热失控预警算法"]
BATCH = 2000
MARK = "bench:knowledge"


def p(samples, q):
    samples = sorted(samples)
    return samples[min(len(samples) - 1, int(round(q * (len(samples) - 1))))]


class Command(BaseCommand):
    help = "Generate synthetic knowledge articles and measure search / similar-case latency."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=10_000)
        parser.add_argument("--repeat", type=int, default=30)
        parser.add_argument("--texts", type=int, default=400, help="distinct synthetic texts (segmented once each)")
        parser.add_argument("--cleanup", action="store_true")

    def handle(self, *args, **opts):
        from presales.accounts.choices import RoleCode
        from presales.accounts.models import Team, User

        if opts["cleanup"]:
            ids = list(Article.objects.filter(origin=MARK).values_list("pk", flat=True))
            if connection.vendor == "sqlite" and ids:
                with connection.cursor() as c:
                    c.executemany(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [[i] for i in ids])
            Article.objects.filter(origin=MARK).delete()
            self.stdout.write(f"deleted {len(ids)} articles")
            return
        rng = random.Random(11)
        team_a, _ = Team.objects.get_or_create(name="基准知识A组")
        team_b, _ = Team.objects.get_or_create(name="基准知识B组")
        owner, _ = User.objects.get_or_create(username="bench_knowledge_owner", defaults={"team": team_a})
        reader, _ = User.objects.get_or_create(username="bench_knowledge_reader", defaults={"team": team_b})
        from presales.accounts.models import Role
        from presales.accounts.services import ensure_roles

        ensure_roles()
        for u in (owner, reader):
            u.roles.set(Role.objects.filter(code=RoleCode.PRESALES_ENGINEER))
        reader = User.objects.get(pk=reader.pk)
        have = Article.objects.filter(origin=MARK).count()
        todo = max(0, opts["articles"] - have)
        t0 = time.perf_counter()
        texts = []
        for _ in range(opts["texts"]):
            topics = rng.sample(TOPICS, 3)
            title = f"{topics[0]}{rng.choice(WORDS)}案例"
            body = "。".join(f"{rng.choice(topics)}{rng.choice(WORDS)}{rng.choice(WORDS)}" for _ in range(25))
            texts.append((title, body, segment.segmented(title), segment.segmented(body)))
        now = timezone.now()
        levels = [AccessLevel.PUBLIC] * 7 + [AccessLevel.TEAM] * 2 + [AccessLevel.CONFIDENTIAL]
        kinds = [ArticleKind.SUCCESS_CASE, ArticleKind.FAILURE_CASE, ArticleKind.FAQ, ArticleKind.TEMPLATE]
        made = 0
        while made < todo:
            n = min(BATCH, todo - made)
            rows, picks = [], []
            for _ in range(n):
                k = rng.randrange(len(texts))
                title, body, st, sb = texts[k]
                picks.append(k)
                rows.append(Article(kind=rng.choice(kinds), title=title, body=body, owner=owner, team=team_a,
                                    access_level=rng.choice(levels), status=ArticleStatus.PUBLISHED,
                                    published_at=now, origin=MARK, search_tokens=f"{st} {sb}",
                                    industry="energy_storage"))
            with transaction.atomic():
                created = Article.objects.bulk_create(rows)
                if connection.vendor == "postgresql":
                    with connection.cursor() as c:
                        c.execute(
                            "UPDATE knowledge_article a SET search_vector = "
                            "setweight(to_tsvector('simple', v.t), 'A') || setweight(to_tsvector('simple', v.b), 'B') "
                            "FROM unnest(%s::int[], %s::text[], %s::text[]) AS v(id, t, b) WHERE a.id = v.id",
                            [[a.pk for a in created], [texts[k][2] for k in picks], [texts[k][3] for k in picks]],
                        )
                else:
                    with connection.cursor() as c:
                        c.executemany(f"INSERT INTO {FTS_TABLE} (rowid, title, body) VALUES (%s, %s, %s)",
                                      [[a.pk, texts[k][2], texts[k][3]] for a, k in zip(created, picks)])
            made += n
        if connection.vendor == "postgresql":
            with connection.cursor() as c:
                c.execute("ANALYZE knowledge_article")
        total = Article.objects.count()
        self.stdout.write(f"{connection.vendor}: {total} articles ({made} added in {time.perf_counter() - t0:.1f} s)")
        timings, queries = [], set()
        search(reader, QUERIES[0])  # warm the tokenizer
        for i in range(opts["repeat"]):
            q = QUERIES[i % len(QUERIES)]
            with CaptureQueriesContext(connection) as ctx:
                t = time.perf_counter()
                result = search(reader, q)
                timings.append((time.perf_counter() - t) * 1000)
            queries.add(len(ctx.captured_queries))
        self.stdout.write(f"search: p50 {statistics.median(timings):.1f} ms, p95 {p(timings, 0.95):.1f} ms, "
                          f"queries {sorted(queries)}, last count {result.count}")
        from presales.opportunities.models import Opportunity

        opportunity = Opportunity.objects.first()
        if opportunity is not None:
            similar.fitted()
            st = []
            for _ in range(opts["repeat"]):
                t = time.perf_counter()
                similar.similar_cases(opportunity, reader, limit=5)
                st.append((time.perf_counter() - t) * 1000)
            self.stdout.write(f"similar cases: p50 {statistics.median(st):.1f} ms, p95 {p(st, 0.95):.1f} ms "
                              "(matrix cached; first fit not included)")
