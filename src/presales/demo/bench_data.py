"""A large data set for `presales bench`, generated fast: bulk_create in batches of 5,000, no
history rows, no services. At N opportunities it writes about N/20 customers, 5·N communication
records, N/5 support requests and 3 users per 1,000 opportunities (at least 30): 100k opportunities
give 5,000 customers, 500k communication records and 300 users.

One customer (HOT_CUSTOMER) gets 2 % of all communication records and 0.5 % of the opportunities:
the customer-detail benchmark looks at it, the worst case for a page that lists a customer's history.
The data is consistent enough for every page to render (owners, teams, stages with their lead and
timestamps, support-request clocks), not a replay of real workflows: see presales.demo.company.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from presales.accounts.choices import PresalesLevel, RoleCode
from presales.accounts.models import Role, Team, User
from presales.customers.models import CommunicationLog, Contact, Customer
from presales.opportunities.choices import CLOSED_STAGES, OPEN_STAGES, ProcurementMethod, Source, Stage
from presales.opportunities.models import Opportunity, StageEvent
from presales.opportunities.progress import CLOSED, STAGE_FALLBACK
from presales.support.choices import Priority, RequestStatus, RequestType
from presales.support.models import SupportRequest, SupportRequestEvent

from . import vocab
from .company import STAGE_WEIGHTS
from .util import explicit_timestamps, reserve_numbers

STAGE_FALLBACK_PROGRESS = {**STAGE_FALLBACK, **CLOSED}

BATCH = 5000
MANAGER_USERNAME = "bench_manager"
HOT_CUSTOMER = "基准测试重点客户集团有限公司"
DAY = timedelta(days=1)
HOUR = timedelta(hours=1)
SPAN_DAYS = 540

TEAM_NAMES = [
    "华东售前一组",
    "华南售前组",
    "行业解决方案组",
    "储能与新能源组",
    "华东售前二组",
    "华北售前组",
    "华中售前组",
    "西南售前组",
    "西北售前组",
    "东北售前组",
    "海外售前组",
    "金融政企售前组",
]
STATUS_WEIGHTS = {
    RequestStatus.NEW: 1,
    RequestStatus.ASSIGNED: 1,
    RequestStatus.IN_PROGRESS: 2,
    RequestStatus.DONE: 5,
    RequestStatus.CANCELLED: 1,
}


def volumes(size: int) -> dict[str, int]:
    return {
        "opportunities": size,
        "customers": max(30, size // 20),
        "communication logs": 5 * size,
        "support requests": max(20, size // 5),
        "users": max(30, size * 3 // 1000),
    }


class BenchData:
    def __init__(self, *, size: int, seed: int = 1, log: Callable[[str], None] = print) -> None:
        self.size = size
        self.rng = random.Random(seed)
        self.log = log
        self.now = timezone.now().replace(microsecond=0)
        self.volumes = volumes(size)
        self.counts: dict[str, int] = {}

    def step(self, name: str, func) -> None:
        started = time.perf_counter()
        count = func()
        elapsed = time.perf_counter() - started
        self.counts[name] = count
        self.log(f"  {name:<24} {count:>9,d} rows  {elapsed:6.1f} s")

    def generate(self) -> dict[str, int]:
        with explicit_timestamps():
            for name, func in (
                ("users", self.users),
                ("customers", self.customers),
                ("contacts", self.contacts),
                ("opportunities", self.opportunities),
                ("communication logs", self.logs),
                ("support requests", self.requests),
            ):
                with transaction.atomic():
                    self.step(name, func)
        from presales.opportunities import board_totals

        board_totals.rebuild()  # the opportunities were bulk-inserted: count the boards' columns once
        started = time.perf_counter()
        with connection.cursor() as cursor:
            # Fresh statistics and a visibility map, as autovacuum gives a live database (without the
            # VACUUM, PostgreSQL cannot use index-only scans for the list pages' COUNT(*)).
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        self.log(f"  {'ANALYZE':<24} {'':>9}       {time.perf_counter() - started:6.1f} s")
        order = [
            "users",
            "customers",
            "contacts",
            "opportunities",
            "stage events",
            "communication logs",
            "support requests",
            "support request events",
        ]
        return {name: self.counts[name] for name in order if name in self.counts}

    # --- people ---------------------------------------------------------------------------------
    def users(self) -> int:
        rng = self.rng
        n_users = self.volumes["users"]
        n_teams = min(len(TEAM_NAMES), max(4, n_users // 30))
        teams = Team.objects.bulk_create([Team(name=name) for name in TEAM_NAMES[:n_teams]])
        sales_team = Team.objects.create(name="销售部")
        roles = {code: Role.objects.get_or_create(code=code)[0].pk for code in RoleCode.values}
        users, user_roles = [], []
        joined = self.now - DAY * (SPAN_DAYS + 200)
        n_sales = max(5, n_users * 3 // 10)
        for i in range(n_users):
            surname, s_py = rng.choice(vocab.SURNAMES)
            given, g_py = zip(*rng.sample(vocab.GIVEN_CHARS, 2), strict=True)
            username = f"{s_py}{''.join(g_py)}{i}"
            if i == 0:  # the manager the benchmark logs in as: sees everything
                username, codes, team = MANAGER_USERNAME, [RoleCode.PRESALES_MANAGER], teams[0]
            elif i <= n_teams:  # one lead per presales team
                codes, team = [RoleCode.PRESALES_MANAGER], teams[i - 1]
            elif i <= n_teams + n_sales:
                codes, team = [RoleCode.SALES], sales_team
            else:
                codes, team = [RoleCode.PRESALES_ENGINEER], teams[i % n_teams]
            users.append(
                User(
                    username=username,
                    display_name=surname + "".join(given),
                    last_name=surname,
                    first_name="".join(given),
                    team=team,
                    password="!bench",
                    presales_level="" if RoleCode.SALES in codes else rng.choice(PresalesLevel.values),
                    date_joined=joined,
                )
            )
            user_roles.append(codes)
        User.objects.bulk_create(users, batch_size=BATCH)
        User.roles.through.objects.bulk_create(
            [
                User.roles.through(user_id=u.pk, role_id=roles[c])
                for u, codes in zip(users, user_roles, strict=True)
                for c in codes
            ],
            batch_size=BATCH,
        )
        for i, team in enumerate(teams, start=1):
            team.lead = users[i]
        sales_team.lead = users[n_teams + 1]
        Team.objects.bulk_update([*teams, sales_team], ["lead"])
        self.manager = users[0]
        self.presales_by_team = {
            t.pk: [u.pk for u, c in zip(users, user_roles, strict=True) if u.team_id == t.pk] for t in teams
        }
        self.team_ids = [t.pk for t in teams]
        self.sales_ids = [u.pk for u, c in zip(users, user_roles, strict=True) if RoleCode.SALES in c]
        return len(users)

    # --- customers ------------------------------------------------------------------------------
    def customers(self) -> int:
        rng = self.rng
        industries = list(vocab.INDUSTRIES)
        provinces = list(vocab.PROVINCES)
        names: set[str] = set()
        rows = []
        # (pk, presales owner, sales owner, team, industry, short name, created_at)
        for i in range(self.volumes["customers"]):
            industry = rng.choice(industries)
            words = vocab.INDUSTRIES[industry][0]
            brand, word, province = rng.choice(vocab.BRANDS), rng.choice(words), rng.choice(provinces)
            name = HOT_CUSTOMER if i == 0 else f"{province}{brand}{word}有限公司"
            if name in names:
                name = f"{province}{brand}{word}（{rng.choice(vocab.PROVINCES[province][1])}{i}）有限公司"
            names.add(name)
            team_id = self.team_ids[i % len(self.team_ids)]
            created = self.now - DAY * (SPAN_DAYS + rng.uniform(5, 60))
            rows.append(
                Customer(
                    name=name,
                    short_name=brand + word[:2],
                    industry=industry,
                    region=vocab.PROVINCES[province][0],
                    presales_owner_id=rng.choice(self.presales_by_team[team_id]),
                    sales_owner_id=rng.choice(self.sales_ids),
                    team_id=team_id,
                    confidential=rng.random() < 0.1,
                    status="active",
                    profile="",
                    created_by_id=self.manager.pk,
                    created_at=created,
                    updated_at=created,
                )
            )
        Customer.objects.bulk_create(rows, batch_size=BATCH)
        self.customer_rows = [
            (c.pk, c.presales_owner_id, c.sales_owner_id, c.team_id, c.industry, c.short_name) for c in rows
        ]
        self.hot_customer_pk = rows[0].pk
        return len(rows)

    def contacts(self) -> int:
        rng = self.rng
        rows = []
        for pk, owner, *_ in self.customer_rows:
            for role in ("decision_maker", "technical"):
                surname, _ = rng.choice(vocab.SURNAMES)
                given, _ = rng.choice(vocab.GIVEN_CHARS)
                rows.append(
                    Contact(
                        customer_id=pk,
                        name=surname + given,
                        role=role,
                        title=rng.choice(vocab.CONTACT_TITLES[role]),
                        created_by_id=owner,
                        created_at=self.now - DAY * SPAN_DAYS,
                        updated_at=self.now - DAY * SPAN_DAYS,
                    )
                )
        Contact.objects.bulk_create(rows, batch_size=BATCH)
        return len(rows)

    # --- opportunities --------------------------------------------------------------------------
    def opportunities(self) -> int:
        rng = self.rng
        size = self.size
        now = self.now
        span = DAY * SPAN_DAYS
        created_times = sorted(now - span * rng.random() for _ in range(size))
        # Numbers in creation order, one block of the sequence per year.
        numbers, by_year = [], {}
        for created in created_times:
            year = timezone.localtime(created).year
            by_year[year] = by_year.get(year, 0) + 1
        first = {year: reserve_numbers(key=f"SJ-{year}", count=n) for year, n in sorted(by_year.items())}
        for created in created_times:
            year = timezone.localtime(created).year
            numbers.append(f"SJ-{year}-{first[year]:05d}")
            first[year] += 1
        stages = list(STAGE_WEIGHTS)
        stage_list = rng.choices(stages, weights=list(STAGE_WEIGHTS.values()), k=size)
        n_customers = len(self.customer_rows)
        sources = Source.values
        methods = ProcurementMethod.values
        self.opps_by_customer: dict[int, list[int]] = {}
        self.open_opps: list[tuple] = []
        total_events = 0
        for start in range(0, size, BATCH):
            chunk, events = [], []
            for i in range(start, min(size, start + BATCH)):
                customer = self.customer_rows[0 if rng.random() < 0.005 else rng.randrange(n_customers)]
                c_pk, owner, sales, team_id, industry, short = customer
                created = created_times[i]
                stage = stage_list[i]
                age = now - created
                assigned = stage != Stage.LEAD or rng.random() < 0.6
                assigned_at = created + min(HOUR * rng.uniform(0.5, 72), age * 0.1) if assigned else None
                changed = created + age * rng.uniform(0.2, 0.99) if stage != Stage.LEAD else created
                closed = stage in CLOSED_STAGES
                amount = Decimal(round(10 ** rng.uniform(5.5, 7.4), -4))
                chunk.append(
                    Opportunity(
                        number=numbers[i],
                        name=f"{short}{rng.choice(vocab.INDUSTRIES[industry][2])}项目",
                        customer_id=c_pk,
                        source=rng.choice(sources),
                        industry=industry,
                        description="",
                        estimated_amount=amount,
                        budget=amount if rng.random() < 0.5 else None,
                        procurement_method=rng.choice(methods),
                        competitors="",
                        expected_close_on=timezone.localdate(changed + DAY * 60),
                        sales_owner_id=sales,
                        presales_lead_id=owner if assigned else None,
                        team_id=team_id,
                        stage=stage,
                        # no artefacts in the bench set: the progress is the stage's fallback
                        progress=STAGE_FALLBACK_PROGRESS[stage],
                        stage_changed_at=changed,
                        presales_assigned_at=assigned_at,
                        closed_at=changed if closed else None,
                        confidential=rng.random() < 0.05,
                        created_by_id=sales,
                        created_at=created,
                        updated_at=changed,
                    )
                )
            Opportunity.objects.bulk_create(chunk, batch_size=BATCH)
            for opp in chunk:
                self.opps_by_customer.setdefault(opp.customer_id, []).append(opp.pk)
                events.append(
                    StageEvent(
                        opportunity_id=opp.pk,
                        from_stage="",
                        to_stage=Stage.LEAD,
                        actor_id=opp.created_by_id,
                        at=opp.created_at,
                    )
                )
                if opp.stage != Stage.LEAD:
                    if opp.stage in CLOSED_STAGES:
                        previous = Stage.NEGOTIATION
                    else:
                        previous = OPEN_STAGES[OPEN_STAGES.index(opp.stage) - 1]
                    events.append(
                        StageEvent(
                            opportunity_id=opp.pk,
                            from_stage=previous,
                            to_stage=opp.stage,
                            actor_id=opp.presales_lead_id,
                            at=opp.stage_changed_at,
                        )
                    )
                if opp.presales_lead_id and opp.stage not in CLOSED_STAGES:
                    self.open_opps.append(
                        (
                            opp.pk,
                            opp.customer_id,
                            opp.team_id,
                            opp.sales_owner_id,
                            opp.presales_lead_id,
                            opp.created_at,
                        )
                    )
            StageEvent.objects.bulk_create(events, batch_size=BATCH)
            total_events += len(events)
        self.counts["stage events"] = total_events
        return size

    # --- communication log ----------------------------------------------------------------------
    def logs(self) -> int:
        rng = self.rng
        total = self.volumes["communication logs"]
        now = self.now
        span = DAY * SPAN_DAYS
        rows_by_pk = {row[0]: row for row in self.customer_rows}
        pks = list(rows_by_pk)
        channels = ["phone", "email", "meeting", "onsite", "im", "video"]
        subjects = [s for group in vocab.COMM_SUBJECTS.values() for s in group]
        contents = [c.format(product="整体解决方案", pain=p) for c in vocab.COMM_CONTENT for p in vocab.PAINS]
        hot = self.hot_customer_pk
        written = 0
        while written < total:
            chunk = []
            for _ in range(min(BATCH, total - written)):
                c_pk = hot if rng.random() < 0.02 else pks[rng.randrange(len(pks))]
                _, owner, *_rest = rows_by_pk[c_pk]
                opps = self.opps_by_customer.get(c_pk)
                occurred = now - span * rng.random()
                follow_up = rng.random() < 0.25
                chunk.append(
                    CommunicationLog(
                        customer_id=c_pk,
                        opportunity_id=opps[rng.randrange(len(opps))]
                        if opps and rng.random() < 0.7
                        else None,
                        occurred_at=occurred,
                        channel=channels[rng.randrange(6)],
                        participants="我方：售前负责人、客户经理；客户：技术负责人",
                        subject=rng.choice(vocab.FOLLOW_UP_SUBJECTS) if follow_up else rng.choice(subjects),
                        content=contents[rng.randrange(len(contents))],
                        result=rng.choice(vocab.COMM_RESULTS),
                        next_step=rng.choice(vocab.COMM_NEXT_STEPS),
                        is_follow_up=follow_up,
                        created_by_id=owner,
                        created_at=occurred,
                        updated_at=occurred,
                    )
                )
            CommunicationLog.objects.bulk_create(chunk, batch_size=BATCH)
            written += len(chunk)
        return written

    # --- support requests -----------------------------------------------------------------------
    def requests(self) -> int:
        rng = self.rng
        now = self.now
        hours = settings.PRESALES_SUPPORT_RESPONSE_HOURS
        total = self.volumes["support requests"]
        opps = self.open_opps
        picks = [opps[rng.randrange(len(opps))] for _ in range(total)]
        # Submitted after the opportunity was created, mostly recently; numbered in submission order.
        pairs = sorted(
            ((min(max(now - DAY * 60 * rng.random() ** 2, p[5] + HOUR), now - HOUR / 60), p) for p in picks),
            key=lambda pair: pair[0],
        )
        submitted = [at for at, _ in pairs]
        picks = [p for _, p in pairs]
        by_year: dict[int, int] = {}
        for at in submitted:
            by_year[timezone.localtime(at).year] = by_year.get(timezone.localtime(at).year, 0) + 1
        first = {year: reserve_numbers(key=f"ZC-{year}", count=n) for year, n in sorted(by_year.items())}
        statuses = rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()), k=total)
        priorities = Priority.values
        types = RequestType.values
        rows, steps = [], []
        for (opp_pk, c_pk, team_id, sales, lead, _), at, status in zip(
            picks, submitted, statuses, strict=True
        ):
            year = timezone.localtime(at).year
            number = f"ZC-{year}-{first[year]:05d}"
            first[year] += 1
            priority = rng.choice(priorities)
            sla = HOUR * hours[priority]
            room = now - at
            assigned_at = responded_at = done_at = None
            if status in (RequestStatus.ASSIGNED, RequestStatus.IN_PROGRESS, RequestStatus.DONE):
                assigned_at = at + room * rng.uniform(0.01, 0.2)
            if status in (RequestStatus.IN_PROGRESS, RequestStatus.DONE):
                responded_at = assigned_at + room * rng.uniform(0.01, 0.2)
            if status == RequestStatus.DONE:
                done_at = responded_at + room * rng.uniform(0.05, 0.5)
            last = done_at or responded_at or assigned_at or at
            rows.append(
                SupportRequest(
                    number=number,
                    title="售前支持申请",
                    request_type=rng.choice(types),
                    priority=priority,
                    description="需要售前支持",
                    customer_id=c_pk,
                    opportunity_id=opp_pk,
                    requester_id=sales,
                    team_id=team_id,
                    assignee_id=lead if assigned_at else None,
                    wanted_by=at + DAY * rng.uniform(1, 14),
                    status=status,
                    submitted_at=at,
                    response_due_at=at + sla,
                    assigned_at=assigned_at,
                    first_response_at=responded_at,
                    done_at=done_at,
                    created_by_id=sales,
                    created_at=at,
                    updated_at=last,
                )
            )
            steps.append(
                [("submitted", "", RequestStatus.NEW, sales, at)]
                + (
                    [("assigned", RequestStatus.NEW, RequestStatus.ASSIGNED, self.manager.pk, assigned_at)]
                    if assigned_at
                    else []
                )
                + (
                    [("responded", RequestStatus.ASSIGNED, RequestStatus.IN_PROGRESS, lead, responded_at)]
                    if responded_at
                    else []
                )
                + (
                    [("done", RequestStatus.IN_PROGRESS, RequestStatus.DONE, lead, done_at)]
                    if done_at
                    else []
                )
                + (
                    [("cancelled", RequestStatus.NEW, RequestStatus.CANCELLED, sales, at + room * 0.1)]
                    if status == RequestStatus.CANCELLED
                    else []
                )
            )
        SupportRequest.objects.bulk_create(rows, batch_size=BATCH)
        events = [
            SupportRequestEvent(
                request_id=req.pk,
                action=action,
                from_status=from_status,
                to_status=to_status,
                actor_id=actor,
                at=when,
                assignee_id=req.assignee_id if action == "assigned" else None,
            )
            for req, req_steps in zip(rows, steps, strict=True)
            for action, from_status, to_status, actor, when in req_steps
        ]
        SupportRequestEvent.objects.bulk_create(events, batch_size=BATCH)
        self.counts["support request events"] = len(events)
        return len(rows)


def generate(*, size: int, seed: int = 1, log: Callable[[str], None] = print) -> dict[str, int]:
    """Fill the current (freshly migrated, empty) database with the benchmark data set."""
    return BenchData(size=size, seed=seed, log=log).generate()
