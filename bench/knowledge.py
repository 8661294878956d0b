"""Knowledge-loop benchmarks (issue #10) on PostgreSQL: full-text search at 100k articles, similar
cases, outline drafting, training the win model on 20k closed opportunities, and query counts
that stay flat from 1k to 100k articles.

    createdb -h 127.0.0.1 -U postgres kb_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/kb_bench
    uv run presales migrate                      # once (several minutes on a fresh database)
    uv run python bench/knowledge.py             # 1k, then 100k articles; 20k closed opportunities
    uv run python bench/knowledge.py --articles 20000 --closed 0 --repeat 10   # quicker
    uv run python bench/knowledge.py --reuse --closed 0   # measure the kept 100k corpus again

The database's name must contain "bench": the script empties its knowledge tables. The corpus is
written with bulk inserts: articles made of sentences drawn from a fixed vocabulary (industries ×
topics × measures, segmented once each by the project's tokenizer), their `search_tokens` and
weighted `search_vector` computed exactly as `knowledge.index.index_article` does (a sample is
checked against it), the GIN index rebuilt once at the end. Requests go through Django's test
client in-process (full middleware stack, DEBUG off, no web server), as `presales bench` does; the
search user is a presales engineer (the permission filter in full) unless noted.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

SUBJECTS = [
    ("储能电站", "energy_storage"), ("电池储能舱", "energy_storage"), ("光伏电站", "energy_storage"),
    ("风电场升压站", "power"), ("变电站", "power"), ("配电网", "power"),
    ("焊装车间", "automotive"), ("涂装产线", "automotive"), ("总装线", "automotive"),
    ("工业机器人工作站", "robotics"), ("协作机器人产线", "robotics"), ("AGV物流系统", "robotics"),
    ("政务云平台", "government"), ("城市运行中心", "government"), ("银行数据中心", "finance"),
    ("证券交易系统", "finance"), ("注塑车间", "manufacturing"), ("机加工车间", "manufacturing"),
]
TOPICS = [
    "BMS高温误报", "告警分级推送", "视觉检测漏检", "边缘网关数据采集", "设备预测性维护", "能耗分析与优化",
    "等保三级合规", "双活容灾切换", "SCADA系统对接", "MES工单集成", "远程运维与诊断", "数字孪生可视化",
    "电池一致性评估", "负荷预测调度", "缺陷样本标注", "OPC UA接口适配", "机器人节拍优化", "安全帽佩戴识别",
    "工艺参数追溯", "备品备件管理", "巡检机器人导航", "电能质量治理", "交易延迟优化", "日志审计分析",
]
MEASURES = [
    "通过传感器标定和告警回差优化解决", "采用云边协同架构完成部署", "基于深度学习模型提升准确率",
    "分三期实施并按里程碑验收", "由客户运维团队参与联合调试", "在高温工况下完成七十二小时压力测试",
    "与竞品方案对比后客户选择了我方", "因预算削减项目暂缓", "通过接口适配层兼容旧系统",
    "现场勘查后调整了网络拓扑", "引入规则引擎降低人工复核量", "使用国产化服务器满足信创要求",
    "每日自动生成运行报表", "准确率提升到百分之九十九", "节省人工巡检工时约四成",
]
# Sentences every project has (no query word in them): most of an article's text.
PHASES = ["项目启动阶段", "需求调研阶段", "方案设计阶段", "概念验证期间", "投标准备阶段", "合同谈判阶段", "上线试运行期间",
          "项目验收阶段"]
ACTIONS = ["双方确认了", "我方提交了", "客户评审了", "项目经理更新了", "销售同事跟进了", "技术负责人复核了",
           "双方会议讨论了", "客户高层关注了", "采购部门询问了", "财务部门核对了"]
OBJECTS = ["实施计划", "验收标准", "培训安排", "报价清单", "接口文档", "人员分工", "里程碑节点", "风险清单", "沟通机制",
           "付款节点", "服务承诺", "变更流程"]
HEADINGS = ["背景", "客户痛点", "解决方案", "实施过程", "效果与收益", "经验教训"]
KINDS = [("success_case", 20), ("failure_case", 8), ("template", 12), ("faq", 20), ("customer_profile", 8),
         ("retrospective", 10), ("requirement_analysis", 8), ("market_intel", 14)]
QUERIES = ["高温误报率", "储能电站BMS告警", "视觉检测漏检率优化", "SCADA对接", "等保合规 双活容灾",
           "机器人节拍", "政务云平台日志审计"]
FILTERED = [("高温误报", {"kind": "success_case"}), ("告警分级推送", {"industry": "energy_storage"})]


def quantile95(samples):
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def setup_django(database_url: str):
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "presales.settings")
    os.environ.update(DEBUG="0", PRESALES_ALLOW_INSECURE_KEY="1", STATIC_MANIFEST="0", LOG_LEVEL="ERROR",
                      ALLOWED_HOSTS="testserver,127.0.0.1,localhost", AXES_ENABLED="0")
    import django

    django.setup()


# --- the corpus ---------------------------------------------------------------------------------------


class Corpus:
    """Sentences and titles segmented once; an article's tokens are the concatenation of its parts'
    tokens (the parts are separated by punctuation or spaces, where the tokenizer cuts anyway)."""

    def __init__(self, rng: random.Random):
        from django.utils import translation

        from presales.customers.choices import Industry
        from presales.knowledge import segment

        self.rng = rng
        self.seg = segment.segmented
        self.themes = [(s, t, ind) for s, ind in SUBJECTS for t in TOPICS]
        self.theme_tokens: dict[tuple[str, str, int], str] = {}
        self.fillers = [f"{p}{a}{o}。" for p in PHASES for a in ACTIONS for o in OBJECTS]
        self.filler_tokens = [self.seg(text) for text in self.fillers]
        self.sentences = self.fillers  # (for the log)
        self.heading_tokens = {h: self.seg(h) for h in HEADINGS}
        with translation.override("zh-hans"):
            self.industry_tokens = {v: self.seg(str(Industry(v).label)) for v in {i for _s, i in SUBJECTS}}
        self.title_cache: dict[str, str] = {}
        self.kinds = [k for k, _w in KINDS]
        self.kind_weights = [w for _k, w in KINDS]

    def _theme_sentence(self, subject: str, topic: str, m: int) -> tuple[str, str]:
        key = (subject, topic, m)
        text = f"{subject}{topic}{MEASURES[m]}。"
        tokens = self.theme_tokens.get(key)
        if tokens is None:
            tokens = self.theme_tokens[key] = self.seg(text)
        return text, tokens

    def article(self):
        """One article about one theme (a subject and a topic): 2–3 sentences of the theme among
        4–8 everyday project sentences, under 2–4 headings."""
        rng = self.rng
        subject, topic, industry = self.themes[rng.randrange(len(self.themes))]
        kind = rng.choices(self.kinds, self.kind_weights)[0]
        title = f"{subject}{topic}（{kind[:4]}{rng.randrange(1000):03d}）"
        sentences = [self._theme_sentence(subject, topic, rng.randrange(len(MEASURES)))
                     for _ in range(rng.randint(2, 3))]
        sentences += [(self.fillers[i], self.filler_tokens[i])
                      for i in (rng.randrange(len(self.fillers)) for _ in range(rng.randint(4, 8)))]
        rng.shuffle(sentences)
        headings = rng.sample(HEADINGS, rng.randint(2, 4))
        per = math.ceil(len(sentences) / len(headings))
        body_parts, tokens = [], []
        for i, heading in enumerate(headings):
            chunk = sentences[i * per:(i + 1) * per]
            if not chunk:
                continue
            body_parts.append(f"## {heading}\n\n" + "".join(text for text, _t in chunk))
            tokens.append(self.heading_tokens[heading])
            tokens.extend(t for _text, t in chunk)
        tokens.append(self.industry_tokens[industry])  # index_texts: body, product line (none), industry
        title_tokens = self.title_cache.get(title)
        if title_tokens is None:
            title_tokens = self.title_cache[title] = self.seg(title)
        return {"kind": kind, "title": title, "body": "\n\n".join(body_parts), "industry": industry,
                "title_tokens": title_tokens, "body_tokens": " ".join(t for t in tokens if t)}


def people():
    from presales.accounts.choices import RoleCode
    from presales.accounts.models import Role, Team, User

    roles = {c: Role.objects.get_or_create(code=c)[0] for c in RoleCode.values}
    teams = []
    for i in range(10):
        team, _ = Team.objects.get_or_create(name=f"知识基准组{i}")
        teams.append(team)
    engineers = []
    for i in range(60):
        user, made = User.objects.get_or_create(username=f"kb_bench_eng{i}",
                                                defaults={"display_name": f"基准工程师{i}", "team": teams[i % 10]})
        if made:
            user.roles.add(roles[RoleCode.PRESALES_ENGINEER])
        engineers.append(user)
    manager, made = User.objects.get_or_create(username="kb_bench_manager",
                                               defaults={"display_name": "基准经理", "team": teams[0]})
    if made:
        manager.roles.add(roles[RoleCode.PRESALES_MANAGER])
    sales, made = User.objects.get_or_create(username="kb_bench_sales",
                                             defaults={"display_name": "基准销售", "team": teams[0]})
    if made:
        sales.roles.add(roles[RoleCode.SALES])
    return teams, engineers, manager, sales


def an_opportunity(engineer, sales, team):
    """A real opportunity of the searching engineer with confirmed requirement items (for similar
    cases and drafting)."""
    from django.utils import timezone

    from presales.customers.models import Customer
    from presales.discovery import services as discovery
    from presales.opportunities.models import Opportunity

    opportunity = Opportunity.objects.filter(name="基准储能电站BMS监控平台").first()
    if opportunity is not None:
        return opportunity
    customer = Customer.objects.create(name="基准储能客户", industry="energy_storage", region="east",
                                       presales_owner=engineer, sales_owner=sales, team=team)
    opportunity = Opportunity.objects.create(
        number="SJ-KB-00001", name="基准储能电站BMS监控平台", customer=customer, source="inquiry",
        industry="energy_storage", sales_owner=sales, presales_lead=engineer, team=team, stage="solution",
        stage_changed_at=timezone.now(), description="储能电站夏季高温BMS误报警多，希望统一监控、告警分级推送并与SCADA对接。",
    )
    today = timezone.localdate()
    discovery.plan_create(actor=engineer, opportunity=opportunity, goals="摸清告警现状", content="告警、SCADA、运维",
                          methods=["interview"], starts_on=today - timedelta(days=5), ends_on=today)
    for title, category, priority in [("高温工况下BMS误报率低于1%", "performance", "must"),
                                      ("告警分级推送到值班手机", "functional", "must"),
                                      ("与现有SCADA系统对接", "integration", "should"),
                                      ("运维人员培训", "operations", "could")]:
        discovery.item_create(actor=engineer, opportunity=opportunity, title=title, category=category,
                              priority=priority, status="in_scope")
    discovery.confirmation_record(actor=engineer, opportunity=opportunity, method="signature", confirmed_on=today,
                                  signatory_name="王主任")
    return opportunity


def write_articles(corpus: Corpus, count: int, *, teams, engineers, log) -> float:
    """Bulk-insert `count` articles and their index. Returns seconds."""
    from django.db import connection, transaction
    from django.utils import timezone

    from presales.knowledge.models import Article

    rng = corpus.rng
    started = time.perf_counter()
    now = timezone.now()
    batch = 5000
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX IF EXISTS knowledge_article_fts_published")
        cursor.execute("CREATE TEMP TABLE IF NOT EXISTS kb_bench_titles (id bigint PRIMARY KEY, t text) "
                       "ON COMMIT PRESERVE ROWS")
        cursor.execute("TRUNCATE kb_bench_titles")
    written = 0
    while written < count:
        n = min(batch, count - written)
        rows, titles = [], []
        for _ in range(n):
            a = corpus.article()
            owner = engineers[rng.randrange(len(engineers))]
            status = rng.choices(["published", "draft", "retired"], [85, 10, 5])[0]
            access = rng.choices(["public", "team", "confidential"], [75, 20, 5])[0]
            when = now - timedelta(days=rng.uniform(0, 1000))
            rows.append(Article(
                kind=a["kind"], title=a["title"], body=a["body"], industry=a["industry"], owner=owner,
                team_id=owner.team_id, created_by=owner, access_level=access, status=status,
                published_at=when if status != "draft" else None, reviewer=None,
                search_tokens=f"{a['title_tokens']} {a['body_tokens']}", indexed_at=now,
            ))
            titles.append(a["title_tokens"])
        with transaction.atomic():
            made = Article.objects.bulk_create(rows)
            with connection.cursor() as cursor:
                with cursor.copy("COPY kb_bench_titles (id, t) FROM STDIN") as copy:
                    for article, t in zip(made, titles, strict=True):
                        copy.write_row((article.pk, t))
        written += n
    log(f"  inserted {count:,} articles in {time.perf_counter() - started:.1f} s; computing the index…")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE knowledge_article a SET search_vector = "
            "setweight(to_tsvector('simple', t.t), 'A') || "
            "setweight(to_tsvector('simple', substr(a.search_tokens, length(t.t) + 2)), 'B') "
            "FROM kb_bench_titles t WHERE t.id = a.id"
        )
        cursor.execute("TRUNCATE kb_bench_titles")
        cursor.execute("CREATE INDEX IF NOT EXISTS knowledge_article_fts_published ON knowledge_article "
                       "USING gin (search_vector) WHERE status = 'published'")  # migration knowledge 0005
        cursor.execute("VACUUM ANALYZE knowledge_article")
    from presales.knowledge.similar import corpus_changed

    corpus_changed()  # bulk inserts bypass the services, which say so themselves
    return time.perf_counter() - started


def check_index(sample: int, log) -> str:
    """The bulk-written index equals what the service writes, on a random sample."""
    from django.contrib.postgres.search import SearchVector
    from django.db.models import Value

    from presales.knowledge.index import index_texts
    from presales.knowledge.models import Article

    ids = list(Article.objects.order_by("?").values_list("pk", flat=True)[:sample])
    same = 0
    for article in Article.objects.filter(pk__in=ids).prefetch_related("tags"):
        title, body = index_texts(article)
        expected = (Article.objects.filter(pk=article.pk)
                    .annotate(v=SearchVector(Value(title), weight="A", config="simple")
                              + SearchVector(Value(body), weight="B", config="simple"))
                    .values_list("v", flat=True)[0])
        same += int(expected == article.search_vector and f"{title} {body}".strip() == article.search_tokens)
    log(f"  index check: {same}/{len(ids)} sampled articles identical to knowledge.index")
    return f"{same}/{len(ids)}"


# --- measuring ----------------------------------------------------------------------------------------


def timed(client, url, repeat, *, api=False):
    """Wall times of `repeat` requests, the query count and the SQL time of one, and this process's
    CPU time per request (on a loaded machine the wall time also counts the wait for a core)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    headers = {"HTTP_ACCEPT": "application/json"} if api else {}
    response = client.get(url, **headers)
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    with CaptureQueriesContext(connection) as captured:
        client.get(url, **headers)
    queries = len(captured)
    sql_ms = sum(float(q["time"]) for q in captured.captured_queries) * 1000
    samples, cpu = [], []
    for _ in range(repeat):
        started, cpu_started = time.perf_counter(), time.process_time()
        client.get(url, **headers)
        samples.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
    return samples, queries, response, cpu, sql_ms


def measure(*, engineer, manager, opportunity, repeat, log) -> dict:
    from urllib.parse import urlencode

    from django.db import transaction
    from django.test import Client
    from django.urls import reverse

    from presales.knowledge import services, similar

    out = {}
    client = Client(raise_request_exception=True)
    client.force_login(engineer)
    api = reverse("knowledge-article-search")
    page = reverse("knowledge:search")

    def group(label, urls, *, as_api, who=client):
        samples, queries, counts, cpu, sql = [], set(), [], [], []
        for url in urls:
            s, q, response, c, sql_ms = timed(who, url, repeat, api=as_api)
            samples += s
            cpu += c
            sql.append(sql_ms)
            queries.add(q)
            if as_api and "count" in response.json():
                counts.append(response.json()["count"])
        out[label] = {"median": statistics.median(samples), "p95": quantile95(samples), "queries": sorted(queries),
                      "n": len(samples), "counts": counts, "cpu": statistics.median(cpu), "sql": max(sql)}
        log(f"  {label:<34} median {out[label]['median']:6.1f} ms  p95 {out[label]['p95']:6.1f} ms  "
            f"cpu {out[label]['cpu']:5.1f} ms  sql≤{out[label]['sql']:5.1f} ms  queries {sorted(queries)}  "
            f"hits {counts}")

    group("search API (engineer)", [f"{api}?{urlencode({'q': q})}" for q in QUERIES], as_api=True)
    group("search API, filtered", [f"{api}?{urlencode({'q': q, **f})}" for q, f in FILTERED], as_api=True)
    group("search page (engineer)", [f"{page}?{urlencode({'q': q})}" for q in QUERIES[:4]], as_api=False)
    boss = Client(raise_request_exception=True)
    boss.force_login(manager)
    group("search API (manager)", [f"{api}?{urlencode({'q': q})}" for q in QUERIES], as_api=True, who=boss)
    group("global search box", [f"{reverse('knowledge:global_search')}?{urlencode({'q': q})}" for q in QUERIES[:3]],
          as_api=False)
    group("article list API", [reverse("knowledge-article-list")], as_api=True)
    group("article list page", [reverse("knowledge:list")], as_api=False)
    from presales.knowledge.choices import CASE_KINDS, ArticleStatus
    from presales.knowledge.models import Article

    started, cpu_started = time.perf_counter(), time.process_time()
    model = similar.fitted()
    model.build()  # from scratch, whatever this process saw before
    out["similar fit s"] = time.perf_counter() - started
    log(f"  similar cases: TF-IDF model of the {model.size:,} published cases built in {out['similar fit s']:.2f} s "
        f"(cpu {time.process_time() - cpu_started:.2f} s; once per process)")
    # A change of one case (an edit, committed through the service), then the next look: row by row.
    samples, cpu = [], []
    for i in range(5):
        case = Article.objects.filter(status=ArticleStatus.PUBLISHED, kind__in=CASE_KINDS).order_by("-pk")[i]
        services.article_update(actor=case.owner, article=case, expected_version=None,
                                body=f"{case.body}\n\n基准追加：{'储能电站高温误报告警' if i % 2 else '视觉检测漏检'}。")
        started, cpu_started = time.perf_counter(), time.process_time()
        model.current(force=True)
        samples.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
    out["similar update ms"] = {"median": statistics.median(samples), "max": max(samples),
                                "cpu": statistics.median(cpu), "builds": model.builds}
    log(f"  similar cases: one case edited → model updated in median {statistics.median(samples):.1f} ms "
        f"(max {max(samples):.1f}, cpu {statistics.median(cpu):.1f} ms), full builds so far {model.builds}")
    group("similar cases API", [f"{reverse('knowledge-article-similar')}?opportunity={opportunity.pk}"], as_api=True)
    group("similar cases panel", [reverse("knowledge:similar_cases", args=[opportunity.pk])], as_api=False)
    samples = []
    for _ in range(max(3, repeat // 5)):
        with transaction.atomic():
            started = time.perf_counter()
            result = services.outline_draft(actor=engineer, opportunity=opportunity)
            samples.append((time.perf_counter() - started) * 1000)
            transaction.set_rollback(True)
    out["outline draft"] = {"median": statistics.median(samples), "p95": quantile95(samples), "n": len(samples),
                            "sources": len(result.draft.sources)}
    log(f"  {'outline draft (service)':<34} median {out['outline draft']['median']:6.1f} ms  "
        f"p95 {out['outline draft']['p95']:6.1f} ms  sources cited {len(result.draft.sources)}")
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--articles", type=int, default=100_000, help="the large corpus (default 100,000)")
    parser.add_argument("--small", type=int, default=1_000, help="the small corpus measured first (default 1,000)")
    parser.add_argument("--closed", type=int, default=20_000, help="closed opportunities to train on ('0': skip)")
    parser.add_argument("--repeat", type=int, default=20, help="timed requests per URL")
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--reuse", action="store_true",
                        help="measure the large corpus already in the database again (no generation, no 1k step)")
    args = parser.parse_args()
    if not args.database_url.startswith("postgres") or "bench" not in args.database_url.rsplit("/", 1)[-1]:
        parser.error("give a PostgreSQL database whose name contains 'bench' (--database-url or DATABASE_URL)")
    setup_django(args.database_url)

    from django.core.management import call_command
    from django.db import connection

    from presales.knowledge.models import Article, Citation

    log = print
    started_all = time.perf_counter()
    call_command("migrate", verbosity=0)
    if args.reuse:
        from presales.opportunities.models import Opportunity

        teams, engineers, manager, sales = people()
        log(f"reusing {Article.objects.count():,} articles, load average {os.getloadavg()}")
        results = {"large": measure(engineer=engineers[0], manager=manager, repeat=args.repeat, log=log,
                                    opportunity=Opportunity.objects.get(name="基准储能电站BMS监控平台"))}
        if args.closed:
            from presales.forecast.bench import training_benchmark

            results["training"] = training_benchmark(closed=args.closed, log=log)
        log(f"total {time.perf_counter() - started_all:.0f} s, load average at the end {os.getloadavg()}")
        return results
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    log(f"PostgreSQL {version}, load average {os.getloadavg()}")
    Citation.objects.all().delete()
    Article.tags.through.objects.all().delete()
    Article.history.all().delete()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE knowledge_article, knowledge_articleevent CASCADE")
    rng = random.Random(args.seed)
    teams, engineers, manager, sales = people()
    engineer = engineers[0]
    opportunity = an_opportunity(engineer, sales, teams[0])
    t = time.perf_counter()
    corpus = Corpus(rng)
    log(f"vocabulary: {len(corpus.sentences):,} sentences segmented in {time.perf_counter() - t:.1f} s")

    results = {}
    seconds = write_articles(corpus, args.small, teams=teams, engineers=engineers, log=log)
    log(f"{args.small:,} articles written in {seconds:.1f} s")
    check_index(30, log)
    results["small"] = measure(engineer=engineer, manager=manager, opportunity=opportunity, repeat=args.repeat,
                               log=log)
    seconds = write_articles(corpus, args.articles - args.small, teams=teams, engineers=engineers, log=log)
    log(f"{args.articles:,} articles in all ({seconds:.1f} s for the rest)")
    results["index check"] = check_index(50, log)
    results["large"] = measure(engineer=engineer, manager=manager, opportunity=opportunity, repeat=args.repeat,
                               log=log)
    log("query counts, small → large (a search answers in 8–10 queries: 2 more when the any-word tier fills")
    log("the first page, which depends on the hits, not on the corpus size):")
    flat = True
    for label, small in results["small"].items():
        if isinstance(small, dict) and "queries" in small:
            large = results["large"][label]["queries"]
            flat &= max(large) <= max(small["queries"])
            log(f"  {label:<34} {small['queries']} → {large}")
    log(f"  no count grows: {flat}")
    if args.closed:
        from presales.forecast.bench import training_benchmark

        results["training"] = training_benchmark(closed=args.closed, log=log)
    log(f"total {time.perf_counter() - started_all:.0f} s, load average at the end {os.getloadavg()}")
    return results


if __name__ == "__main__":
    main()
