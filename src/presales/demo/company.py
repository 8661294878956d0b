"""The demo company of `presales demo_data`: a Chinese B2B technology vendor (energy storage, power,
robotics, manufacturing...) with its presales department, sales, customers and 18 months of work.

Everything is drawn from one `random.Random(seed)` and one seeded Faker('zh_CN'), and placed
relative to `now`: the same seed gives the same company. Rows are written with bulk_create and
explicit timestamps; every business row gets its simple_history rows (a creation row, plus one
row per later change for opportunities, support requests and reassigned customers), every stage
move a StageEvent and every support-request step a SupportRequestEvent, consistent with the
fields they explain.
"""

from __future__ import annotations

import contextlib
import importlib
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from faker import Faker

from presales.accounts.choices import PRESALES_ROLES, CareerTrack, PresalesLevel, RoleCode
from presales.accounts.models import Role, Team, User
from presales.customers.choices import (
    Channel,
    CompanySize,
    ComplaintStatus,
    ContactRole,
    CustomerStatus,
    FeedbackSource,
    FeedbackStatus,
    IssueStatus,
    OwnerKind,
    Severity,
)
from presales.customers.models import (
    CommunicationLog,
    Complaint,
    Contact,
    Customer,
    FeedbackItem,
    OwnershipChange,
    SatisfactionSurvey,
    TechnicalIssue,
)
from presales.opportunities.choices import CLOSED_STAGES, OPEN_STAGES, ProcurementMethod, Source, Stage
from presales.opportunities.models import Handover, Opportunity, Retrospective, StageEvent
from presales.support.choices import OPEN_REQUEST_STATUSES, Priority, RequestStatus, RequestType
from presales.support.models import SupportRequest, SupportRequestEvent

from . import vocab
from .util import HistoryWriter, explicit_timestamps, number_by_year

DEMO_PASSWORD = "demo12345"
DEFAULT_SEED = 20261122
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)

# (key, name, description); the first four are presales teams, the last is sales.
TEAMS = [
    ("east", "华东售前一组", "负责华东区域（江浙沪皖鲁闽）客户的售前工作"),
    ("south", "华南售前组", "负责华南区域（粤桂琼）客户的售前工作"),
    ("solutions", "行业解决方案组", "跨区域行业解决方案：金融、政企、医疗、教育与其他区域客户"),
    ("energy", "储能与新能源组", "储能、电力、新材料与低空经济行业客户"),
    ("sales", "销售部", "客户关系、商机与合同"),
]
PRESALES_TEAMS = ("east", "south", "solutions", "energy")
GOVERNMENT_SHORT = {
    "大数据管理局": "大数据局",
    "政务服务中心": "政务中心",
    "城市运行管理中心": "城运中心",
    "应急管理局": "应急局",
}
ENERGY_INDUSTRIES = {"energy_storage", "power", "new_materials", "low_altitude"}

# The fixed people (username, display name, team key, roles, level, career track, job title, leads
# team). The three logins printed at the end are `demo`, `engineer` and `sales`.
FIXED_PEOPLE = [
    ("admin", "赵文斌", None, [RoleCode.ADMIN], "", "", "系统管理员", None),
    (
        "zhoujianguo",
        "周建国",
        "solutions",
        [RoleCode.DEPARTMENT_HEAD, RoleCode.COMMITTEE],
        PresalesLevel.SENIOR,
        CareerTrack.DIRECTOR,
        "售前部总监",
        None,
    ),
    (
        "demo",
        "王志远",
        "east",
        [RoleCode.PRESALES_MANAGER, RoleCode.COMMITTEE],
        PresalesLevel.SENIOR,
        CareerTrack.MANAGER,
        "售前经理",
        "east",
    ),
    (
        "huangjiayi",
        "黄佳怡",
        "south",
        [RoleCode.PRESALES_MANAGER],
        PresalesLevel.SENIOR,
        CareerTrack.MANAGER,
        "售前经理",
        "south",
    ),
    (
        "linhaoran",
        "林浩然",
        "solutions",
        [RoleCode.SOLUTION_ARCHITECT, RoleCode.INDUSTRY_EXPERT],
        PresalesLevel.SENIOR,
        CareerTrack.EXPERT,
        "首席解决方案架构师",
        "solutions",
    ),
    (
        "songkai",
        "宋凯",
        "energy",
        [RoleCode.PRESALES_MANAGER, RoleCode.TECHNICAL_EXPERT],
        PresalesLevel.SENIOR,
        CareerTrack.MANAGER,
        "售前经理",
        "energy",
    ),
    ("liuyang", "刘洋", "sales", [RoleCode.SALES, RoleCode.COMMITTEE], "", "", "销售总监", "sales"),
    (
        "engineer",
        "李晓峰",
        "east",
        [RoleCode.PRESALES_ENGINEER],
        PresalesLevel.INTERMEDIATE,
        "",
        "售前工程师",
        None,
    ),
    ("sales", "陈思雨", "sales", [RoleCode.SALES], "", "", "客户经理", None),
]
# Extra roles of the first generated member of each presales team, so that every role is held.
FIRST_MEMBER_ROLES = {
    "east": [RoleCode.TECHNICAL_EXPERT, RoleCode.PRESALES_ENGINEER],
    "south": [RoleCode.BUSINESS_SPECIALIST],
    "solutions": [RoleCode.INDUSTRY_EXPERT, RoleCode.PRESALES_ENGINEER],
    "energy": [RoleCode.SOLUTION_ARCHITECT, RoleCode.PRESALES_ENGINEER],
}
# The demo logins, one per role (printed by `presales demo_data`, listed on the login page in demo
# mode and in the README): (username, role).
LOGINS = [
    ("demo", RoleCode.PRESALES_MANAGER),
    ("zhoujianguo", RoleCode.DEPARTMENT_HEAD),
    ("engineer", RoleCode.PRESALES_ENGINEER),
    ("sales", RoleCode.SALES),
    ("liuyang", RoleCode.COMMITTEE),
    ("admin", RoleCode.ADMIN),
]

STAGE_DAYS = {  # days spent in a stage before the next move (min, max)
    Stage.LEAD: (3, 20),
    Stage.DISCOVERY: (7, 30),
    Stage.SOLUTION: (7, 30),
    Stage.DEMO_POC: (10, 45),
    Stage.BID: (10, 30),
    Stage.NEGOTIATION: (5, 25),
}
STAGE_WEIGHTS = {
    Stage.LEAD: 12,
    Stage.DISCOVERY: 12,
    Stage.SOLUTION: 12,
    Stage.DEMO_POC: 10,
    Stage.BID: 8,
    Stage.NEGOTIATION: 8,
    Stage.WON: 16,
    Stage.LOST: 12,
    Stage.ABANDONED: 10,
}
REQUEST_TYPE_BY_STAGE = {
    Stage.LEAD: [RequestType.TECH_QA, RequestType.RESEARCH],
    Stage.DISCOVERY: [RequestType.RESEARCH, RequestType.TECH_QA],
    Stage.SOLUTION: [RequestType.SOLUTION, RequestType.TECH_QA],
    Stage.DEMO_POC: [RequestType.DEMO, RequestType.POC],
    Stage.BID: [RequestType.BID, RequestType.TECH_QA],
    Stage.NEGOTIATION: [RequestType.TECH_QA, RequestType.BID],
}


# Later modules' demo builders, in dependency order: `build(rng, opportunities, users) -> counts`
# ("module:function" for a builder under another name).
DEMO_MODULES = (
    ("discovery", "presales.discovery.demo"),
    ("solutions", "presales.solutions.demo"),
    ("demos", "presales.demos.demo"),
    ("POC", "presales.poc.demo"),
    ("bids", "presales.bids.demo"),
    ("documents", "presales.documents.demo"),
    ("knowledge", "presales.knowledge.demo"),
    ("forecast", "presales.forecast.demo"),
    ("talent", "presales.talent.demo"),
    ("kpi", "presales.kpi.demo"),
    ("appraisal", "presales.appraisal.demo"),
    ("awards", "presales.talent.demo:build_awards"),
)


@dataclass
class Plan:
    """An opportunity and the past it went through, before anything is written."""

    opp: Opportunity
    path: list[str]  # stages entered, in order, starting with lead
    times: list[datetime]  # when each stage of `path` was entered
    assigned_at: datetime | None
    assigner: User | None
    members: list[User] = field(default_factory=list)

    @property
    def end(self) -> datetime | None:
        return self.times[-1] if self.path[-1] in CLOSED_STAGES else None

    def stage_at(self, when: datetime) -> str:
        stage = self.path[0]
        for name, at in zip(self.path, self.times, strict=True):
            if at <= when:
                stage = name
        return stage


class DemoCompany:
    def __init__(self, *, seed: int = DEFAULT_SEED, scale: int = 1, now: datetime | None = None) -> None:
        self.rng = random.Random(seed)
        self.fake = Faker("zh_CN")
        self.fake.seed_instance(seed)
        self.scale = max(1, int(scale))
        self.now = (now or timezone.now()).replace(microsecond=0)
        self.today = timezone.localdate(self.now)
        self.history = HistoryWriter()
        self.counts: dict[str, int] = {}
        # (wall-clock, CPU) seconds spent per part (`presales demo_data -v 2`)
        self.timings: dict[str, tuple[float, float]] = {}
        self.usernames: set[str] = set()
        self.display_names: set[str] = set()
        self.customer_names: set[str] = set()

    # --- time helpers --------------------------------------------------------------------------
    def between(self, start: datetime, end: datetime) -> datetime:
        if end <= start:
            return start
        return (start + (end - start) * self.rng.random()).replace(microsecond=0)

    def office(self, when: datetime, lo: datetime | None = None, hi: datetime | None = None) -> datetime:
        """An office hour on the same working day (or one of the days before), if that stays in
        [lo, hi]; else `when` itself, clamped."""
        hi = min(hi or self.now, self.now)
        local = timezone.localtime(when)
        moved = local.replace(
            hour=self.rng.randint(9, 18), minute=self.rng.randrange(0, 60, 5), second=0, microsecond=0
        )
        for back in range(4):
            candidate = moved - DAY * back
            if candidate.weekday() < 5 and (lo is None or candidate >= lo) and candidate <= hi:
                return candidate
        return min(max(when, lo or when), hi).replace(microsecond=0)

    def day(self, when: datetime) -> date:
        return timezone.localdate(when)

    def pick(self, seq):
        return seq[self.rng.randrange(len(seq))]

    def weighted(self, weights: dict):
        keys = list(weights)
        return self.rng.choices(keys, weights=[weights[k] for k in keys])[0]

    # --- build ---------------------------------------------------------------------------------
    def build(self) -> dict[str, int]:
        from presales.notifications import demo as inbox
        from presales.notifications.services import collected
        from presales.opportunities import progress

        with self.timed("company"), transaction.atomic(), explicit_timestamps():
            self.build_people()
            self.plan_customers()
            self.plan_opportunities()
            self.write_customers()
            self.write_opportunities()
            self.build_communications()
            self.build_customer_records()
            self.build_support_requests()
            self.counts["history rows"] = self.history.flush()
        # The modules built on the opportunities write through their own services (real numbers,
        # gates and events) where the rules matter, in bulk where they do not. What the services
        # announce is collected, and becomes each person's recent inbox at the end; the progress
        # status of each opportunity is derived once, when all its artefacts are written.
        with collected() as notices:
            with transaction.atomic(), progress.deferred():
                self.build_modules()
        with self.timed("inbox"), transaction.atomic():
            for name, count in inbox.build_inbox(self.rng, notices, now=self.now).items():
                self.counts[f"notifications: {name}"] = count
        from presales.opportunities import board_totals

        board_totals.rebuild()  # opportunities were bulk-inserted: count the boards' columns once
        return self.counts

    @contextlib.contextmanager
    def timed(self, label: str):
        """Add the wall-clock and CPU seconds of the block to `timings[label]`."""
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            before = self.timings.get(label, (0.0, 0.0))
            self.timings[label] = (
                before[0] + time.perf_counter() - wall,
                before[1] + time.process_time() - cpu,
            )

    def build_modules(self) -> None:
        from presales.opportunities.models import Opportunity

        opportunities = list(
            Opportunity.objects.select_related("customer", "presales_lead", "sales_owner", "team").order_by("pk")
        )
        users = list(User.objects.filter(is_active=True).order_by("pk"))
        for user in users:
            user.demo_performance = self.performance.get(user.pk)
        for label, path in DEMO_MODULES:
            module, _, function = path.partition(":")
            try:
                build = getattr(importlib.import_module(module), function or "build")
            except ModuleNotFoundError:
                continue  # the module is not installed in this deployment
            with self.timed(label):
                for name, count in build(self.rng, opportunities, users).items():
                    self.counts[f"{label}: {name}"] = count

    # --- people --------------------------------------------------------------------------------
    def new_name(self) -> tuple[str, str, str, str]:
        """(display name, username, family name, given name) not used yet."""
        for _ in range(200):
            surname, s_py = self.pick(vocab.SURNAMES)
            chars = [self.pick(vocab.GIVEN_CHARS) for _ in range(self.rng.choice((1, 2, 2)))]
            given = "".join(c for c, _ in chars)
            display = surname + given
            if display in self.display_names or (len(chars) == 2 and chars[0][0] == chars[1][0]):
                continue
            username = s_py + "".join(p for _, p in chars)
            suffix = 2
            base = username
            while username in self.usernames:
                username = f"{base}{suffix}"
                suffix += 1
            return display, username, surname, given
        raise RuntimeError("ran out of names")

    def build_people(self) -> None:
        rng = self.rng
        founded = self.now - DAY * 760
        teams = {}
        for key, name, description in TEAMS:
            team = Team(name=name, description=description)
            team._key = key
            teams[key] = team
        Team.objects.bulk_create(teams.values())
        self.teams = teams

        roles = {code: Role.objects.get_or_create(code=code)[0].pk for code in RoleCode.values}
        password = make_password(DEMO_PASSWORD)  # hashed once: every demo account has this password
        people: list[tuple[User, list[str]]] = []

        def add(username, display, team_key, role_list, level, track, title, surname=None, given=None):
            self.usernames.add(username)
            self.display_names.add(display)
            surname = surname or display[0]
            user = User(
                username=username,
                display_name=display,
                last_name=surname,
                first_name=given if given is not None else display[len(surname) :],
                email=f"{username}@example.com",
                phone=self.fake.phone_number(),
                title=title,
                team=teams[team_key] if team_key else None,
                presales_level=level,
                career_track=track,
                password=password,
                date_joined=self.office(self.between(founded, founded + DAY * 300)),
                is_staff=RoleCode.ADMIN in role_list,
                is_superuser=RoleCode.ADMIN in role_list,
            )
            user._team_key = team_key
            user._roles = list(role_list)
            user._roles_manage = bool(
                set(role_list) & {RoleCode.PRESALES_MANAGER, RoleCode.DEPARTMENT_HEAD, RoleCode.ADMIN}
            )
            people.append((user, role_list))
            return user

        fixed = {}
        for username, display, team_key, role_list, level, track, title, leads in FIXED_PEOPLE:
            fixed[username] = add(username, display, team_key, role_list, level, track, title)
            if leads:
                teams[leads].lead = fixed[username]
        levels = {PresalesLevel.JUNIOR: 3, PresalesLevel.INTERMEDIATE: 4, PresalesLevel.SENIOR: 2}
        extra_roles = [
            RoleCode.SOLUTION_ARCHITECT,
            RoleCode.TECHNICAL_EXPERT,
            RoleCode.BUSINESS_SPECIALIST,
            RoleCode.INDUSTRY_EXPERT,
        ]
        for key in PRESALES_TEAMS:
            for i in range(3 * self.scale):
                display, username, surname, given = self.new_name()
                if i == 0:
                    role_list = FIRST_MEMBER_ROLES[key]
                elif rng.random() < 0.25:
                    role_list = [RoleCode.PRESALES_ENGINEER, self.pick(extra_roles)]
                else:
                    role_list = [RoleCode.PRESALES_ENGINEER]
                level = self.weighted(levels)
                track = (
                    self.pick([CareerTrack.EXPERT, CareerTrack.MANAGER])
                    if level == PresalesLevel.SENIOR
                    else ""
                )
                title = {
                    RoleCode.BUSINESS_SPECIALIST: "商务专员",
                    RoleCode.SOLUTION_ARCHITECT: "解决方案架构师",
                    RoleCode.TECHNICAL_EXPERT: "技术专家",
                    RoleCode.INDUSTRY_EXPERT: "行业专家",
                }.get(role_list[-1] if len(role_list) > 1 else role_list[0], "售前工程师")
                if role_list == [RoleCode.PRESALES_ENGINEER] and level == PresalesLevel.SENIOR:
                    title = "高级售前工程师"
                add(username, display, key, role_list, level, track, title, surname, given)
        for _ in range(6 * self.scale):
            display, username, surname, given = self.new_name()
            add(
                username,
                display,
                "sales",
                [RoleCode.SALES],
                "",
                "",
                self.pick(["客户经理", "大客户经理", "区域销售经理"]),
                surname,
                given,
            )

        users = [u for u, _ in people]
        User.objects.bulk_create(users)
        User.roles.through.objects.bulk_create(
            [User.roles.through(user_id=u.pk, role_id=roles[code]) for u, codes in people for code in codes]
        )
        Team.objects.bulk_update(teams.values(), ["lead"])
        admin = fixed["admin"]
        for team in teams.values():
            self.history.add(team, founded, admin.pk)
        for user in users:
            self.history.add(user, user.date_joined, admin.pk)

        self.fixed = fixed
        self.users = users
        self.presales = [u for u in users if set(u._roles) & PRESALES_ROLES and u._team_key in PRESALES_TEAMS]
        self.sales = [u for u in users if RoleCode.SALES in u._roles]
        self.team_presales = {k: [u for u in self.presales if u._team_key == k] for k in PRESALES_TEAMS}
        self.experts = [u for u in self.presales if RoleCode.TECHNICAL_EXPERT in u._roles]
        self.plan_performance()
        self.counts["teams"] = len(teams)
        self.counts["users"] = len(users)

    def plan_performance(self) -> None:
        """How well each presales engineer (not the leads) works, 0 (weak) to 1 (excellent): it
        drives what their records show (customer satisfaction, complaints, issues resolved late,
        follow-up visits, daily report ratings, the supervisor's marks), so that the appraisal
        computed from those records spreads like a real team's: a few excellent and a few weak
        people, most in the middle, and every team mixed."""
        leads = {team.lead_id for team in self.teams.values()}
        by_team = {
            key: [
                u
                for u in self.team_presales[key]
                if RoleCode.PRESALES_ENGINEER in u._roles and u.pk not in leads and not u._roles_manage
            ]
            for key in PRESALES_TEAMS
        }
        for people in by_team.values():
            self.rng.shuffle(people)
        # Interleaved over the teams (the team that picks first rotates), so each team gets high,
        # middle and low levels.
        order, rank = [], 0
        while any(len(p) > rank for p in by_team.values()):
            keys = PRESALES_TEAMS[rank % len(PRESALES_TEAMS) :] + PRESALES_TEAMS[: rank % len(PRESALES_TEAMS)]
            order += [by_team[k][rank] for k in keys if len(by_team[k]) > rank]
            rank += 1
        count = len(order)
        # (grade aimed at, share of the people, level): the levels are calibrated on the seed 001
        # form the demo appraises with (presales.appraisal.demo).
        shares = [
            ("S", 0.08, 0.95),
            ("A", 0.17, 0.75),
            ("B", 0.33, 0.56),
            ("C", 0.29, 0.43),
            ("D", 0.13, 0.12),
        ]
        levels = []
        for _grade, share, level in shares:
            levels += [level] * max(1, round(share * count))
        levels = sorted(levels, reverse=True)[:count]
        while len(levels) < count:
            levels.insert(len(levels) // 2, 0.5)
        # The demo engineer's login shows an ordinary good year: a B.
        engineer = self.fixed["engineer"]
        if engineer in order and 0.56 in levels:
            here, there = order.index(engineer), levels.index(0.56)
            order[here], order[there] = order[there], order[here]
        self.performance = {
            user.pk: round(min(1.0, max(0.0, level + self.rng.uniform(-0.03, 0.03))), 3)
            for user, level in zip(order, levels, strict=True)
        }

    def perf(self, user) -> float:
        """The performance trait of `user` (0.7 for those without one: leads, managers)."""
        return self.performance.get(getattr(user, "pk", None), 0.7)

    def assigner_for(self, team_key: str) -> User:
        """Who assigns work in a team: its lead if a presales manager, else the demo manager."""
        lead = self.teams[team_key].lead
        return lead if lead is not None and RoleCode.PRESALES_MANAGER in lead._roles else self.fixed["demo"]

    # --- customers -----------------------------------------------------------------------------
    def company_name(self, industry: str, province: str, city: str, overseas: str | None) -> tuple[str, str]:
        words, suffixes, _, _ = vocab.INDUSTRIES[industry]
        for _ in range(100):
            if self.rng.random() < 0.5:
                brand = self.pick(vocab.BRANDS)
            else:
                brand = self.fake.company_prefix()
                if len(brand) != 2 or "公司" in brand:
                    brand = self.pick(vocab.BRANDS)
            word = self.pick(words)
            suffix = self.pick(suffixes)
            if word.endswith("集团") and suffix.startswith("集团"):
                suffix = suffix[2:]
            short_word = word
            for tail in ("科技", "系统", "技术", "集团", "管理"):
                if short_word.endswith(tail) and len(short_word) > len(tail):
                    short_word = short_word[: -len(tail)]
            city_prefix = city if city == province else city + "市"
            if overseas:
                name, short = f"{overseas}{brand}{word}{suffixes[0] or '有限公司'}", brand + short_word
            elif word in ("大数据管理局", "政务服务中心", "城市运行管理中心", "应急管理局"):
                name, short = f"{city_prefix}{word}", city + GOVERNMENT_SHORT[word]
            elif word in ("人民医院", "中心医院"):
                name, short = (
                    f"{city_prefix}{self.pick(['第一', '第二', '第三', ''])}{word}",
                    city + word[-4:],
                )
            elif word in ("职业技术学院", "理工大学", "实验中学"):
                name, short = f"{city}{word}", city + word[:2]
            elif word == "农商银行":
                name, short = f"{city}农村商业银行股份有限公司", city + "农商行"
            elif word == "城市商业银行":
                name, short = f"{city}银行股份有限公司", city + "银行"
            elif word in ("证券", "财产保险"):
                name, short = f"{brand}{word}股份有限公司", brand + word
            else:
                place = province if self.rng.random() < 0.6 else city
                name, short = f"{place}{brand}{word}{suffix or '有限公司'}", brand + short_word
            if name.lower() not in self.customer_names:
                self.customer_names.add(name.lower())
                return name, short
        raise RuntimeError("ran out of company names")

    def plan_customers(self) -> None:
        rng = self.rng
        regions = {
            "east": 35,
            "south": 20,
            "north": 12,
            "central": 10,
            "southwest": 10,
            "northwest": 6,
            "northeast": 4,
            "overseas": 3,
        }
        provinces_by_region: dict[str, list[str]] = {}
        for province, (region, _) in vocab.PROVINCES.items():
            provinces_by_region.setdefault(region, []).append(province)
        engineer, sales_demo, director = self.fixed["engineer"], self.fixed["sales"], self.fixed["liuyang"]
        round_robin = {k: 0 for k in PRESALES_TEAMS}
        customers = []
        n = 36 * self.scale
        industries = list(vocab.INDUSTRY_WEIGHTS)
        for i in range(n):
            if i < 4:  # the engineer's own customers: East China, non-energy industries
                industry, region = ["manufacturing", "robotics", "automotive", "finance"][i], "east"
            else:
                industry = (
                    industries[i - 4] if i - 4 < len(industries) else self.weighted(vocab.INDUSTRY_WEIGHTS)
                )
                region = self.weighted(regions)
            if region == "overseas":
                country, _ = self.pick(vocab.OVERSEAS)
                province = city = country
                overseas = country
            else:
                province = self.pick(provinces_by_region[region])
                city = self.pick(vocab.PROVINCES[province][1])
                overseas = None
            name, short = self.company_name(industry, province, city, overseas)
            if i < 4:
                team_key = "east"
            elif industry in ENERGY_INDUSTRIES:
                team_key = "energy"
            elif region in ("east", "south"):
                team_key = region
            else:
                team_key = "solutions"
            if i < 4:
                owner = engineer
            else:
                candidates = [u for u in self.team_presales[team_key] if u is not self.teams[team_key].lead]
                owner = candidates[round_robin[team_key] % len(candidates)]
                round_robin[team_key] += 1
                if rng.random() < 0.08:
                    owner = self.teams[team_key].lead  # team leads own a few key accounts themselves
            size = self.weighted(
                {
                    CompanySize.SMALL: 1,
                    CompanySize.MEDIUM: 3,
                    CompanySize.LARGE: 3,
                    CompanySize.XLARGE: 2,
                    CompanySize.HUGE: 1,
                }
            )
            if i < 3 or rng.random() < 0.15:
                sales_owner = sales_demo
            elif size in (CompanySize.XLARGE, CompanySize.HUGE) and rng.random() < 0.6:
                sales_owner = director  # the sales director keeps the key accounts
            else:
                sales_owner = self.pick(self.sales)
            created = self.office(
                self.between(self.now - DAY * 550, self.now - DAY * 250)
                if rng.random() < 0.85
                else self.between(self.now - DAY * 200, self.now - DAY * 30)
            )
            address = (
                ""
                if overseas
                else f"{province}{'' if city == province else city + '市'}{self.fake.street_address()}"
            )
            customer = Customer(
                name=name,
                short_name=short,
                industry=industry,
                region=region,
                size=size,
                profile=f"{name}，主营{vocab.INDUSTRIES[industry][0][0]}相关业务。当前关注：{self.pick(vocab.PAINS)}。"
                f"IT现状：已建{self.pick(['ERP', 'MES', 'SCADA', 'OA', '数据中台'])}，"
                f"信息化团队约{rng.randint(3, 60)}人。",
                address=address[:255],
                presales_owner=owner,
                sales_owner=sales_owner,
                team=self.teams[team_key],
                confidential=rng.random() < 0.12,
                created_by=self.pick([owner, sales_owner]),
                created_at=created,
                updated_at=created,
            )
            customer._team_key = team_key
            customer._plans = []
            customer._original_owner = None
            customers.append(customer)
        self.customers = customers

    # --- opportunities -------------------------------------------------------------------------
    def stage_targets(self, count: int) -> list[str]:
        targets = [s for s in Stage.values for _ in range(min(3, max(1, count // 30)))]
        while len(targets) < count:
            targets.append(self.weighted(STAGE_WEIGHTS))
        targets = targets[:count]
        self.rng.shuffle(targets)
        return targets

    def plan_path(self, target: str) -> list[str]:
        open_stages = list(OPEN_STAGES)
        if target in OPEN_STAGES:
            return open_stages[: open_stages.index(target) + 1]
        if target == Stage.WON:
            return [*open_stages, Stage.WON]
        if target == Stage.LOST:
            last = self.weighted({Stage.DEMO_POC: 2, Stage.BID: 4, Stage.NEGOTIATION: 4})
            return [*open_stages[: open_stages.index(last) + 1], Stage.LOST]
        last = self.pick(open_stages)
        return [*open_stages[: open_stages.index(last) + 1], Stage.ABANDONED]

    def plan_times(self, path: list[str], floor: datetime) -> list[datetime]:
        """When each stage of the path was entered: the stage durations laid out backwards from the
        last move (now minus the time in the current stage, or the closing time), squeezed if the
        customer is too young for them."""
        rng = self.rng
        durations = [DAY * rng.uniform(*STAGE_DAYS[s]) for s in path[:-1]]
        if path[-1] in CLOSED_STAGES:
            last = self.now - DAY * (rng.uniform(3, 450) if rng.random() < 0.75 else rng.uniform(3, 60))
        else:
            in_stage = DAY * rng.uniform(0.5, 30 if path[-1] != Stage.LEAD else 20)
            last = self.now - in_stage
        start = last - sum(durations, timedelta())
        if start < floor:
            if last <= floor + HOUR * 6:
                last = self.between(floor + HOUR * 6, self.now - HOUR)
            factor = (last - floor) / max(sum(durations, timedelta()), HOUR) * 0.95
            durations = [d * factor for d in durations]
            start = last - sum(durations, timedelta())
        times = [self.office(start, lo=floor)]
        at = times[0]
        for duration in durations:
            at = at + duration
            moved = self.office(at, lo=times[-1] + HOUR / 2)
            times.append(moved if moved > times[-1] else times[-1] + HOUR / 2)
        return self.monotone(times)

    def monotone(self, times: list[datetime]) -> list[datetime]:
        """Whole seconds, strictly increasing, all in the past (squeezed towards now if needed)."""
        n = len(times)
        capped = [
            min(t, self.now - timedelta(minutes=5 * (n - i))).replace(microsecond=0)
            for i, t in enumerate(times)
        ]
        for i in range(1, n):
            capped[i] = max(capped[i], capped[i - 1] + timedelta(minutes=1))
        return capped

    def plan_opportunities(self) -> None:
        rng = self.rng
        counts = [self.weighted({1: 15, 2: 25, 3: 25, 4: 20, 5: 10, 6: 5}) for _ in self.customers]
        targets = self.stage_targets(sum(counts))
        plans: list[Plan] = []
        led: dict[int, int] = defaultdict(int)
        index = 0
        for customer, count in zip(self.customers, counts, strict=True):
            industry = customer.industry
            _, _, subjects, competitors = vocab.INDUSTRIES[industry]
            team_key = customer._team_key
            for _ in range(count):
                target = targets[index]
                index += 1
                path = self.plan_path(target)
                times = self.plan_times(path, customer.created_at + DAY)
                created = times[0]
                teammates = [u for u in self.team_presales[team_key] if u is not customer.presales_owner]
                # Mostly the customer's presales owner; else the engineer of the team who leads
                # the fewest projects, so that everyone has projects of their own.
                engineers = [u for u in teammates if u.pk in self.performance]
                if rng.random() < 0.7 or not engineers:
                    lead = customer.presales_owner
                else:
                    lead = min(engineers, key=lambda u: (led[u.pk], rng.random()))
                led[lead.pk] += 1
                assigned_at = None
                if len(path) > 1 or rng.random() < 0.6:
                    limit = (times[1] - created) * 0.6 if len(path) > 1 else (self.now - created) * 0.6
                    early = HOUR * rng.uniform(0.5, 24) if rng.random() < 0.7 else HOUR * rng.uniform(24, 120)
                    assigned_at = min(created + early, created + limit).replace(microsecond=0)
                else:
                    lead = None
                sales_owner = customer.sales_owner if rng.random() < 0.9 else self.pick(self.sales)
                if sales_owner.pk == getattr(lead, "pk", None):
                    sales_owner = customer.sales_owner
                subject = self.pick(subjects)
                source = self.weighted(
                    {
                        Source.INQUIRY: 3,
                        Source.PARTNER: 2,
                        Source.NETWORK: 2,
                        Source.EVENT: 2,
                        Source.MARKET_INTEL: 1,
                        Source.OTHER: 1,
                    }
                )
                amount = Decimal(round(10 ** rng.uniform(5.5, 7.4), -4))
                public = industry in ("government", "finance", "healthcare", "education", "power")
                procurement = self.weighted(
                    {
                        ProcurementMethod.PUBLIC_TENDER: 6,
                        ProcurementMethod.INVITED_TENDER: 2,
                        ProcurementMethod.COMPETITIVE_NEGOTIATION: 1,
                        ProcurementMethod.UNKNOWN: 1,
                    }
                    if public
                    else {
                        ProcurementMethod.INVITED_TENDER: 3,
                        ProcurementMethod.COMPETITIVE_NEGOTIATION: 3,
                        ProcurementMethod.SINGLE_SOURCE: 1,
                        ProcurementMethod.DIRECT: 2,
                        ProcurementMethod.UNKNOWN: 2,
                    }
                )
                if path[-1] == Stage.LEAD and rng.random() < 0.5:
                    procurement = ProcurementMethod.UNKNOWN
                last = times[-1]
                closed = path[-1] in CLOSED_STAGES
                short = customer.short_name
                opp = Opportunity(
                    name=f"{short}{subject}{self.pick(vocab.PROJECT_SUFFIXES)}"[:200],
                    customer=customer,
                    source=source,
                    industry=industry,
                    description=f"{vocab.SOURCE_DESCRIPTIONS[source]}。客户现状：{self.pick(vocab.PAINS)}。"
                    f"希望通过{subject}解决上述问题，并为后续推广打基础。",
                    estimated_amount=amount,
                    budget=Decimal(round(float(amount) * rng.uniform(0.75, 1.25), -4))
                    if rng.random() < 0.7
                    else None,
                    procurement_method=procurement,
                    competitors="、".join(
                        rng.sample(competitors, k=min(len(competitors), rng.randint(1, 3)))
                    ),
                    expected_close_on=self.day(last)
                    if closed
                    else self.day(last + DAY * rng.randint(30, 180)),
                    sales_owner=sales_owner,
                    presales_lead=lead,
                    team=customer.team,
                    stage=path[-1],
                    stage_changed_at=last,
                    presales_assigned_at=assigned_at,
                    closed_at=last if closed else None,
                    version=len(path) + (assigned_at is not None),
                    confidential=customer.confidential or rng.random() < 0.05,
                    created_by=sales_owner if rng.random() < 0.7 or lead is None else lead,
                    created_at=created,
                    updated_at=max(last, assigned_at or last),
                )
                members = []
                if len(path) >= 3 and teammates:
                    members = rng.sample(
                        [u for u in teammates if u is not lead] or teammates,
                        k=min(len(teammates) - (lead in teammates), rng.randint(0, 2)),
                    )
                plan = Plan(
                    opp=opp,
                    path=path,
                    times=times,
                    assigned_at=assigned_at,
                    assigner=self.assigner_for(team_key) if assigned_at else None,
                    members=members,
                )
                opp._plan = plan
                customer._plans.append(plan)
                plans.append(plan)
        self.plans = plans

    def write_customers(self) -> None:
        rng = self.rng
        changes = []
        for customer in self.customers:
            states = {p.path[-1] for p in customer._plans}
            if states & (set(OPEN_STAGES) | {Stage.WON}):
                customer.status = CustomerStatus.ACTIVE
            elif customer._plans and max(p.times[-1] for p in customer._plans) < self.now - DAY * 180:
                customer.status = CustomerStatus.DORMANT
            else:
                customer.status = CustomerStatus.PROSPECT
            teammates = [
                u for u in self.team_presales[customer._team_key] if u is not customer.presales_owner
            ]
            if teammates and rng.random() < 0.15 and customer.created_at < self.now - DAY * 60:
                previous = self.pick(teammates)
                at = self.office(
                    self.between(customer.created_at + DAY * 20, self.now - DAY * 10),
                    lo=customer.created_at + DAY,
                )
                customer._original_owner = previous
                customer.updated_at = at
                customer.version = 2
                changes.append(
                    OwnershipChange(
                        customer=customer,
                        kind=OwnerKind.PRESALES,
                        from_user=previous,
                        to_user=customer.presales_owner,
                        reason=self.pick(
                            [
                                "原负责人调岗至其他项目组，按专人专接口原则移交",
                                "客户行业调整，改由行业经验更匹配的工程师对接",
                                "原负责人离职交接",
                            ]
                        ),
                        actor=self.assigner_for(customer._team_key),
                        changed_at=at,
                    )
                )
        Customer.objects.bulk_create(self.customers)
        OwnershipChange.objects.bulk_create(changes)
        through = Customer.assistants.through
        assists = []
        for customer in self.customers:
            teammates = [
                u for u in self.team_presales[customer._team_key] if u is not customer.presales_owner
            ]
            if teammates and rng.random() < 0.3:
                for user in rng.sample(teammates, k=min(len(teammates), rng.randint(1, 2))):
                    assists.append(through(customer_id=customer.pk, user_id=user.pk))
        through.objects.bulk_create(assists)
        for customer in self.customers:
            if customer._original_owner is not None:
                self.history.add(
                    customer,
                    customer.created_at,
                    customer.created_by_id,
                    presales_owner_id=customer._original_owner.pk,
                    version=1,
                    updated_at=customer.created_at,
                )
                self.history.add(
                    customer,
                    customer.updated_at,
                    self.assigner_for(customer._team_key).pk,
                    "~",
                    reason="reassign presales owner",
                )
            else:
                self.history.add(customer, customer.created_at, customer.created_by_id)
        self.counts["customers"] = len(self.customers)
        self.counts["ownership changes"] = len(changes)
        self.build_contacts()

    def build_contacts(self) -> None:
        rng = self.rng
        contacts = []
        for customer in self.customers:
            roles = [ContactRole.DECISION_MAKER, ContactRole.TECHNICAL]
            roles += [
                r
                for r, p in (
                    (ContactRole.END_USER, 0.7),
                    (ContactRole.PROCUREMENT, 0.6),
                    (ContactRole.TECHNICAL, 0.3),
                    (ContactRole.OTHER, 0.2),
                )
                if rng.random() < p
            ]
            customer._contacts = []
            for role in roles:
                at = self.office(customer.created_at + DAY * rng.uniform(0, 40), lo=customer.created_at)
                contact = Contact(
                    customer=customer,
                    name=self.fake.name(),
                    role=role,
                    title=self.pick(vocab.CONTACT_TITLES[role]),
                    department=self.pick(vocab.CONTACT_DEPARTMENTS[role]),
                    phone=self.fake.phone_number(),
                    email=self.fake.email(),
                    wechat=f"wx_{self.fake.user_name()}" if rng.random() < 0.5 else "",
                    notes=self.pick(
                        ["", "", "关注投资回报", "技术背景深厚，重视细节", "倾向国产化方案", "决策链关键人"]
                    ),
                    created_by=customer.presales_owner,
                    created_at=at,
                    updated_at=at,
                )
                contacts.append(contact)
                customer._contacts.append(contact)
        Contact.objects.bulk_create(contacts)
        self.history.add_created(contacts)
        self.counts["contacts"] = len(contacts)

    def write_opportunities(self) -> None:
        rng = self.rng
        self.plans.sort(key=lambda p: (p.opp.created_at, p.opp.name))
        opps = [p.opp for p in self.plans]
        number_by_year(opps, prefix="SJ", when="created_at", local_year=lambda dt: self.day(dt).year)
        Opportunity.objects.bulk_create(opps)
        through = Opportunity.members.through
        through.objects.bulk_create(
            [through(opportunity_id=p.opp.pk, user_id=u.pk) for p in self.plans for u in p.members]
        )
        events, retros, handovers = [], [], []
        for plan in self.plans:
            opp = plan.opp
            creator = opp.created_by_id
            # History: created as a lead without presales, then assigned, then each move.
            version = 1
            base = {
                "stage": Stage.LEAD,
                "stage_changed_at": opp.created_at,
                "presales_lead_id": None,
                "presales_assigned_at": None,
                "closed_at": None,
            }
            self.history.add(opp, opp.created_at, creator, version=version, updated_at=opp.created_at, **base)
            events.append(
                StageEvent(
                    opportunity=opp,
                    from_stage="",
                    to_stage=Stage.LEAD,
                    actor_id=creator,
                    at=opp.created_at,
                    reason="新建商机",
                )
            )
            if plan.assigned_at:
                version += 1
                base.update(presales_lead_id=opp.presales_lead_id, presales_assigned_at=plan.assigned_at)
                self.history.add(
                    opp,
                    plan.assigned_at,
                    plan.assigner.pk,
                    "~",
                    reason="assign presales lead",
                    version=version,
                    updated_at=plan.assigned_at,
                    **base,
                )
            for previous, stage, at in zip(plan.path, plan.path[1:], plan.times[1:], strict=False):
                version += 1
                actor = (
                    opp.presales_lead if stage not in CLOSED_STAGES or rng.random() < 0.6 else opp.sales_owner
                )
                reason = self.pick(vocab.STAGE_REASONS[stage])
                overridden, overridden_reasons = False, []
                if stage in vocab.OVERRIDE_CASES and rng.random() < 0.1:
                    overridden_reasons, reason = vocab.OVERRIDE_CASES[stage]
                    overridden, actor = True, self.assigner_for(opp.customer._team_key)
                events.append(
                    StageEvent(
                        opportunity=opp,
                        from_stage=previous,
                        to_stage=stage,
                        actor=actor,
                        at=at,
                        reason=reason,
                        overridden=overridden,
                        overridden_reasons=list(overridden_reasons),
                    )
                )
                base.update(
                    stage=stage, stage_changed_at=at, closed_at=at if stage in CLOSED_STAGES else None
                )
                self.history.add(
                    opp, at, actor.pk, "~", reason="stage move", version=version, updated_at=at, **base
                )
            if opp.stage in CLOSED_STAGES:
                retros.append(self.retrospective(plan))
                if opp.stage == Stage.WON:
                    handovers.append(self.handover(plan))
        StageEvent.objects.bulk_create(events)
        Retrospective.objects.bulk_create(retros)
        Handover.objects.bulk_create(handovers)
        self.history.add_created(retros)
        self.history.add_created(handovers)
        self.counts.update(
            {
                "opportunities": len(opps),
                "stage events": len(events),
                "retrospectives": len(retros),
                "handovers": len(handovers),
            }
        )

    def people_names(self, plan: Plan) -> str:
        opp = plan.opp
        ours = [u.display_name for u in (opp.presales_lead, opp.sales_owner, *plan.members) if u is not None]
        return "、".join(dict.fromkeys(ours))

    def retrospective(self, plan: Plan) -> Retrospective:
        rng, opp = self.rng, plan.opp
        texts = vocab.RETRO_TEXTS[opp.stage]
        at = max(plan.times[-2] + HOUR / 4, opp.closed_at - HOUR * rng.uniform(1, 48))
        at = min(at, opp.closed_at)
        return Retrospective(
            opportunity=opp,
            outcome=opp.stage,
            summary=self.pick(texts["summary"]),
            went_well="；".join(rng.sample(texts["went_well"], k=1 + (len(texts["went_well"]) > 1))),
            went_wrong="；".join(rng.sample(texts["went_wrong"], k=1)),
            decisive_factors="、".join(rng.sample(texts["factors"], k=min(2, len(texts["factors"])))),
            lessons="；".join(rng.sample(texts["lessons"], k=min(2, len(texts["lessons"])))),
            competitor_won=opp.competitors.split("、")[0] if opp.stage == Stage.LOST else "",
            held_on=self.day(at),
            participants=self.people_names(plan),
            created_by=opp.presales_lead or opp.sales_owner,
            created_at=at,
            updated_at=at,
        )

    def handover(self, plan: Plan) -> Handover:
        """Recorded before the move to won (the gate asks for it); the handover date itself is the
        meeting with delivery, a few days after the contract."""
        rng, opp = self.rng, plan.opp
        at = max(plan.times[-2] + HOUR / 4, opp.closed_at - HOUR * rng.uniform(0.5, 24))
        at = min(at, opp.closed_at)
        owner = self.pick([u for u in self.experts if u.pk != opp.presales_lead_id] or self.experts)
        return Handover(
            opportunity=opp,
            delivery_owner=owner,
            handover_on=min(self.day(opp.closed_at + DAY * rng.uniform(1, 10)), self.today),
            responsibilities=self.pick(vocab.HANDOVER_RESPONSIBILITIES),
            open_commitments=self.pick(
                ["POC中承诺的告警延迟≤30秒写入验收条款", "免费驻场支持一个月", "二期接口开发优惠10%", ""]
            ),
            documents="需求确认书、技术方案（终版）、POC测试报告、投标文件、合同技术附件",
            notes=self.pick(["客户要求春节前上线一期", "客户信息中心主任为交付期主要对接人", ""]),
            created_by=opp.presales_lead,
            created_at=at,
            updated_at=at,
        )

    # --- communication log ---------------------------------------------------------------------
    def build_communications(self) -> None:
        rng = self.rng
        logs = []
        channels = {
            Channel.PHONE: 4,
            Channel.EMAIL: 2,
            Channel.MEETING: 3,
            Channel.ONSITE: 3,
            Channel.IM: 2,
            Channel.VIDEO: 2,
        }

        def log(customer, plan, at, subject, content, follow_up=False, author=None):
            contacts = rng.sample(customer._contacts, k=min(len(customer._contacts), rng.randint(1, 2)))
            ours = self.people_names(plan) if plan else customer.presales_owner.display_name
            theirs = "、".join(f"{c.name}（{c.title}）" for c in contacts)
            open_now = plan is None or plan.end is None
            created = min(at + HOUR * rng.uniform(0.2, 20), self.now)
            logs.append(
                CommunicationLog(
                    customer=customer,
                    opportunity=plan.opp if plan else None,
                    occurred_at=at,
                    channel=self.weighted(channels)
                    if not follow_up
                    else self.pick([Channel.PHONE, Channel.ONSITE, Channel.VIDEO]),
                    participants=f"我方：{ours}；客户：{theirs}"[:255],
                    subject=subject,
                    content=content,
                    result=self.pick(vocab.COMM_RESULTS),
                    next_step=self.pick(vocab.COMM_NEXT_STEPS),
                    next_contact_on=self.day(at + DAY * rng.randint(3, 14))
                    if open_now and rng.random() < 0.6
                    else None,
                    is_follow_up=follow_up,
                    created_by=author or customer.presales_owner,
                    created_at=created,
                    updated_at=created,
                )
            )

        for plan in self.plans:
            opp = plan.opp
            customer = opp.customer
            end = plan.end or self.now
            span = (end - opp.created_at) / DAY
            if len(plan.path) >= 3:
                # The research on record before the move to solution design (the gate asks for one).
                at = self.office(
                    self.between(plan.times[1], plan.times[2] - HOUR),
                    lo=plan.times[1],
                    hi=plan.times[2] - HOUR / 2,
                )
                content = self.pick(vocab.COMM_CONTENT).format(product=opp.name, pain=self.pick(vocab.PAINS))
                log(
                    customer,
                    plan,
                    at,
                    self.pick(vocab.COMM_SUBJECTS[Stage.DISCOVERY]),
                    content,
                    author=opp.presales_lead,
                )
            for _ in range(max(1, min(8, int(span / 12)))):
                at = self.office(self.between(opp.created_at, end), lo=opp.created_at, hi=end)
                stage = plan.stage_at(at)
                key = "closed" if stage in CLOSED_STAGES else stage
                content = self.pick(vocab.COMM_CONTENT).format(product=opp.name, pain=self.pick(vocab.PAINS))
                author = opp.presales_lead if plan.assigned_at and at >= plan.assigned_at else opp.sales_owner
                log(customer, plan, at, self.pick(vocab.COMM_SUBJECTS[key]), content, author=author)
            if plan.assigned_at and opp.presales_lead:
                # Weekly follow-up visits while the project is open, as diligent as its lead; the
                # latest visit of an open project shows whether it has fallen behind (about one in
                # four has).
                diligence = 0.3 + 0.65 * self.perf(opp.presales_lead)
                at = end
                if plan.end is None:
                    behind = DAY * rng.uniform(9, 25) if rng.random() < 0.25 else DAY * rng.uniform(0, 6)
                    at = self.now - behind
                latest = True
                while at > plan.assigned_at + DAY:
                    if latest or rng.random() < diligence:
                        log(
                            customer,
                            plan,
                            self.office(at, lo=plan.assigned_at, hi=end),
                            self.pick(vocab.FOLLOW_UP_SUBJECTS),
                            self.pick(vocab.FOLLOW_UP_CONTENT),
                            follow_up=True,
                            author=opp.presales_lead,
                        )
                    latest = False
                    at -= DAY * rng.uniform(6.5, 7.5)
        for customer in self.customers:
            for _ in range(rng.randint(1, 3)):
                at = self.office(self.between(customer.created_at, self.now), lo=customer.created_at)
                log(
                    customer,
                    None,
                    at,
                    self.pick(vocab.COMM_SUBJECTS["customer"]),
                    self.pick(vocab.COMM_CONTENT).format(product="整体解决方案", pain=self.pick(vocab.PAINS)),
                )
        logs.sort(key=lambda c: (c.occurred_at, c.subject))
        CommunicationLog.objects.bulk_create(logs, batch_size=1000)
        self.history.add_created(logs)
        self.counts["communication logs"] = len(logs)
        self.counts["follow-up visits"] = sum(c.is_follow_up for c in logs)

    # --- issues, complaints, surveys, feedback -------------------------------------------------
    def build_customer_records(self) -> None:
        rng = self.rng
        issues, complaints, surveys, feedback = [], [], [], []
        today = self.today
        for customer in self.customers:
            if rng.random() >= 0.45:
                continue
            people = [
                customer.presales_owner,
                *[u for u in self.team_presales[customer._team_key] if u is not customer.presales_owner][:2],
            ]
            for _ in range(rng.randint(1, 3)):
                kind = self.weighted({"resolved": 55, "overdue": 22, "open": 23})
                if kind == "open":
                    raised = today - DAY * rng.randint(0, 5)
                    due = today + DAY * rng.randint(2, 14)
                elif kind == "overdue":
                    raised = today - DAY * rng.randint(10, 40)
                    due = raised + DAY * rng.randint(3, 7)
                else:
                    first = self.day(customer.created_at) + DAY
                    raised = first + DAY * rng.randint(0, max(0, (today - first).days - 25))
                    due = raised + DAY * rng.randint(3, 21)
                raised = max(raised, self.day(customer.created_at))
                due = max(due, raised)
                raised_at = self.office(
                    timezone.make_aware(datetime.combine(raised, datetime.min.time()).replace(hour=10)),
                    lo=customer.created_at,
                )
                resolved_at = None
                if kind == "resolved":
                    resolved_at = min(
                        self.office(
                            raised_at + DAY * rng.uniform(1, (due - raised).days + 5), lo=raised_at + HOUR
                        ),
                        self.now - HOUR,
                    )
                open_plans = [p for p in customer._plans if p.opp.created_at <= raised_at]
                plan = self.pick(open_plans) if open_plans and rng.random() < 0.7 else None
                owner = self.pick(people)
                issues.append(
                    TechnicalIssue(
                        customer=customer,
                        opportunity=plan.opp if plan else None,
                        title=self.pick(vocab.ISSUE_TITLES),
                        description=f"客户反馈：{self.pick(vocab.PAINS)}，需要在约定时间内给出解决方案。",
                        severity=self.weighted(
                            {Severity.LOW: 2, Severity.MEDIUM: 4, Severity.HIGH: 2, Severity.CRITICAL: 1}
                        ),
                        raised_on=raised,
                        due_on=due,
                        owner=owner,
                        status=IssueStatus.RESOLVED if resolved_at else IssueStatus.OPEN,
                        resolved_at=resolved_at,
                        resolution=self.pick(vocab.ISSUE_RESOLUTIONS) if resolved_at else "",
                        created_by=owner,
                        created_at=raised_at,
                        updated_at=resolved_at or raised_at,
                    )
                )
        with_plans = [c for c in self.customers if c._plans]
        for i in range(6 * self.scale):
            customer = self.pick(with_plans)
            handled = i % 10 < 7
            received_at = self.office(
                self.now - DAY * (rng.uniform(40, 400) if handled else rng.uniform(0, 25)),
                lo=customer.created_at,
            )
            text, handling = self.pick(vocab.COMPLAINTS)
            handled_at = (
                min(
                    self.office(received_at + DAY * rng.uniform(1, 10), lo=received_at + HOUR),
                    self.now - HOUR,
                )
                if handled
                else None
            )
            complaints.append(
                Complaint(
                    customer=customer,
                    opportunity=self.pick(customer._plans).opp if rng.random() < 0.6 else None,
                    against=customer.presales_owner if rng.random() < 0.6 else None,
                    received_on=self.day(received_at),
                    severity=self.weighted(
                        {Severity.LOW: 2, Severity.MEDIUM: 4, Severity.HIGH: 2, Severity.CRITICAL: 1}
                    ),
                    description=text,
                    status=ComplaintStatus.HANDLED if handled else ComplaintStatus.OPEN,
                    handling=handling if handled else "",
                    handled_at=handled_at,
                    created_by=customer.sales_owner,
                    created_at=received_at,
                    updated_at=handled_at or received_at,
                )
            )
        complaints += self.complaints_against_people(with_plans)
        issues += self.issues_resolved_late()
        surveys += self.periodic_surveys()
        for plan in self.plans:
            opp = plan.opp
            customer = opp.customer
            surveyed = None
            if opp.stage == Stage.WON or (opp.stage == Stage.LOST and rng.random() < 0.3):
                surveyed = self.office(
                    min(opp.closed_at + DAY * rng.uniform(3, 20), self.now - HOUR), lo=opp.closed_at
                )
            elif opp.stage == Stage.NEGOTIATION and rng.random() < 0.3:
                surveyed = self.office(self.between(opp.stage_changed_at, self.now), lo=opp.stage_changed_at)
            if surveyed and opp.presales_lead:
                surveys.append(
                    self.survey(customer, opp, opp.presales_lead, surveyed, won=opp.stage != Stage.LOST)
                )
            if len(plan.path) >= 3 and opp.presales_lead:
                start = plan.times[2]
                end = plan.end or self.now
                for _ in range(rng.randint(1, 3)):
                    raised = self.office(self.between(start, end), lo=start, hi=end)
                    stage = plan.stage_at(raised)
                    source = {
                        Stage.SOLUTION: [FeedbackSource.PRESENTATION, FeedbackSource.MEETING],
                        Stage.DEMO_POC: [FeedbackSource.DEMO, FeedbackSource.POC],
                    }.get(stage, [FeedbackSource.MEETING, FeedbackSource.OTHER])
                    if plan.end:
                        status = self.weighted({FeedbackStatus.RESOLVED: 7, FeedbackStatus.DECLINED: 3})
                    else:
                        status = self.weighted(
                            {
                                FeedbackStatus.OPEN: 3,
                                FeedbackStatus.IN_PROGRESS: 3,
                                FeedbackStatus.RESOLVED: 3,
                                FeedbackStatus.DECLINED: 1,
                            }
                        )
                    settled = status in (FeedbackStatus.RESOLVED, FeedbackStatus.DECLINED)
                    updated = (
                        min(raised + DAY * rng.uniform(1, 15), self.now - HOUR)
                        if status != FeedbackStatus.OPEN
                        else raised
                    )
                    owner = self.pick([opp.presales_lead, *plan.members])
                    feedback.append(
                        FeedbackItem(
                            customer=customer,
                            opportunity=opp,
                            source=self.pick(source),
                            raised_on=self.day(raised),
                            content=self.pick(vocab.FEEDBACK_CONTENT),
                            owner=owner,
                            due_on=self.day(raised + DAY * rng.randint(7, 21)),
                            status=status,
                            resolution=(
                                self.pick(vocab.FEEDBACK_RESOLUTIONS)
                                if status == FeedbackStatus.RESOLVED
                                else "超出本期范围，已向客户说明"
                                if settled
                                else ""
                            ),
                            created_by=opp.presales_lead,
                            created_at=raised,
                            updated_at=max(updated, raised),
                        )
                    )
        for model, rows in (
            (TechnicalIssue, issues),
            (Complaint, complaints),
            (SatisfactionSurvey, surveys),
            (FeedbackItem, feedback),
        ):
            model.objects.bulk_create(rows)
            self.history.add_created(rows)
        self.counts.update(
            {
                "technical issues": len(issues),
                "complaints": len(complaints),
                "satisfaction surveys": len(surveys),
                "feedback items": len(feedback),
            }
        )

    def survey(self, customer, opp, engineer, when: datetime, *, won: bool = True) -> SatisfactionSurvey:
        """A customer's satisfaction survey about a presales engineer: the better the engineer
        works, the higher the score (about a lost project, lower)."""
        rng = self.rng
        respondent = next(
            (c for c in customer._contacts if c.role == ContactRole.DECISION_MAKER), customer._contacts[0]
        )
        expected = 72 + 26 * self.perf(engineer) - (0 if won else 8)
        score = int(min(100, max(50, round(rng.gauss(expected, 3)))))
        return SatisfactionSurvey(
            customer=customer,
            opportunity=opp,
            engineer=engineer,
            surveyed_on=self.day(when),
            respondent=respondent.name,
            score=score,
            nps=min(10, max(0, round((score - 50) / 5 + rng.uniform(-1, 1)))) if rng.random() < 0.7 else None,
            comments=self.pick(vocab.SURVEY_COMMENTS),
            created_by=self.assigner_for(customer._team_key),
            created_at=when,
            updated_at=when,
        )

    def periodic_surveys(self) -> list[SatisfactionSurvey]:
        """The quarterly project-support surveys (项目支持满意度): in each quarter of the last year
        and a half, one or two customers rate each presales engineer, about a project the engineer
        worked on then (else about the customer relationship)."""
        rng, rows = self.rng, []
        current = date(self.today.year, (self.today.month - 1) // 3 * 3 + 1, 1)
        quarters = [(current, self.today), *self.past_quarters(5)]
        for person in self.presales:
            if person.pk not in self.performance:
                continue
            worked = [
                p
                for p in self.plans
                if p.assigned_at and (p.opp.presales_lead is person or person in p.members)
            ]
            own = [c for c in self.customers if c.presales_owner is person] or [
                c for c in self.customers if c._team_key == person._team_key
            ]
            for first, last in quarters:
                lo = self.aware(first)
                hi = min(self.aware(last) + DAY, self.now - HOUR)
                active = [
                    p for p in worked if p.assigned_at < hi - DAY and (p.end is None or p.end > lo + DAY)
                ]
                for _ in range(1 + (rng.random() < 0.4)):
                    if active:
                        plan = self.pick(active)
                        start, end = max(lo, plan.assigned_at), min(hi, plan.end or hi)
                        customer, opp = plan.opp.customer, plan.opp
                    else:
                        customer, opp = self.pick(own), None
                        start, end = max(lo, customer.created_at), hi
                    if end <= start:
                        continue
                    when = self.office(self.between(start, end), lo=start, hi=end)
                    rows.append(self.survey(customer, opp, person, when))
        return rows

    def aware(self, day: date) -> datetime:
        """Midnight (local time) at the start of `day`."""
        return timezone.make_aware(datetime.combine(day, datetime.min.time()))

    def past_quarters(self, count: int) -> list[tuple[date, date]]:
        """The last `count` complete calendar quarters, most recent first: (first day, last day)."""
        year, quarter = self.today.year, (self.today.month - 1) // 3 + 1
        result = []
        for _ in range(count):
            year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
            first = date(year, 3 * quarter - 2, 1)
            after = date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1)
            result.append((first, after - DAY))
        return result

    def complaints_against_people(self, with_plans: list[Customer]) -> list[Complaint]:
        """Complaints against presales engineers over the last 15 months, more for the weaker."""
        rng, rows = self.rng, []
        for person in self.presales:
            if person.pk not in self.performance:
                continue
            customers = [c for c in with_plans if c._team_key == person._team_key]
            expected = 8 * (1 - self.perf(person)) ** 2
            for _ in range(int(expected) + (rng.random() < expected % 1)):
                customer = self.pick(customers)
                received_at = self.office(self.now - DAY * rng.uniform(5, 450), lo=customer.created_at)
                handled = received_at < self.now - DAY * 20 or rng.random() < 0.5
                handled_at = (
                    min(
                        self.office(received_at + DAY * rng.uniform(1, 10), lo=received_at + HOUR),
                        self.now - HOUR,
                    )
                    if handled
                    else None
                )
                text, handling = self.pick(vocab.COMPLAINTS)
                plans = [p for p in customer._plans if p.opp.created_at <= received_at]
                rows.append(
                    Complaint(
                        customer=customer,
                        opportunity=self.pick(plans).opp if plans and rng.random() < 0.6 else None,
                        against=person,
                        received_on=self.day(received_at),
                        severity=self.weighted({Severity.LOW: 2, Severity.MEDIUM: 4, Severity.HIGH: 2}),
                        description=text,
                        status=ComplaintStatus.HANDLED if handled else ComplaintStatus.OPEN,
                        handling=handling if handled else "",
                        handled_at=handled_at,
                        created_by=customer.sales_owner,
                        created_at=received_at,
                        updated_at=handled_at or received_at,
                    )
                )
        return rows

    def issues_resolved_late(self) -> list[TechnicalIssue]:
        """In each of the last four quarters, technical issues an engineer let run past their due
        date and resolved only after the quarter ended, on distinct customers of the team: none or
        one for the best, several for the weakest (the seed's 项目技术解决率)."""
        rng, rows = self.rng, []
        for person in self.presales:
            if person.pk not in self.performance:
                continue
            customers = [c for c in self.customers if c._team_key == person._team_key]
            for first, last in self.past_quarters(4):
                count = round((1 - self.perf(person)) ** 2 * 6 * rng.uniform(0.7, 1.3))
                eligible = [c for c in customers if self.day(c.created_at) < first]
                for customer in rng.sample(eligible, k=min(count, len(eligible))):
                    raised = first + DAY * rng.randint(0, 60)
                    due = min(raised + DAY * rng.randint(3, 14), last)
                    raised_at = self.office(
                        timezone.make_aware(datetime.combine(raised, datetime.min.time()).replace(hour=10))
                    )
                    resolved_at = min(
                        self.office(
                            timezone.make_aware(datetime.combine(last, datetime.min.time()).replace(hour=10))
                            + DAY * rng.uniform(3, 30)
                        ),
                        self.now - HOUR,
                    )
                    plans = [p for p in customer._plans if p.opp.created_at <= raised_at]
                    rows.append(
                        TechnicalIssue(
                            customer=customer,
                            opportunity=self.pick(plans).opp if plans and rng.random() < 0.7 else None,
                            title=self.pick(vocab.ISSUE_TITLES),
                            description=f"客户反馈：{self.pick(vocab.PAINS)}，需要在约定时间内给出解决方案。",
                            severity=self.weighted(
                                {Severity.MEDIUM: 3, Severity.HIGH: 2, Severity.CRITICAL: 1}
                            ),
                            raised_on=self.day(raised_at),
                            due_on=max(due, self.day(raised_at)),
                            owner=person,
                            status=IssueStatus.RESOLVED,
                            resolved_at=resolved_at,
                            resolution=self.pick(vocab.ISSUE_RESOLUTIONS),
                            created_by=person,
                            created_at=raised_at,
                            updated_at=resolved_at,
                        )
                    )
        return rows

    # --- support requests ----------------------------------------------------------------------
    def request_times(
        self, status: str, hours: float, lo: datetime, hi: datetime, overdue: bool | None
    ) -> dict:
        """Submission and step times for a request ending in `status`, inside [lo, hi] when the
        status is final, relative to now when it is still open."""
        rng, sla = self.rng, HOUR * hours
        t: dict[str, datetime | None] = {"assigned": None, "responded": None, "done": None, "cancelled": None}
        if status == RequestStatus.NEW:
            age = sla * rng.uniform(1.3, 6) if overdue else sla * rng.uniform(0.1, 0.8)
            t["submitted"] = self.now - age
        elif status == RequestStatus.ASSIGNED:
            age = sla * rng.uniform(1.5, 5) if overdue else sla * rng.uniform(0.3, 0.9)
            t["submitted"] = self.now - age
            t["assigned"] = t["submitted"] + age * rng.uniform(0.1, 0.5)
        elif status == RequestStatus.IN_PROGRESS:
            t["submitted"] = self.now - DAY * rng.uniform(1, 10)
            t["assigned"] = t["submitted"] + sla * rng.uniform(0.05, 0.4)
            late = rng.random() < 0.25
            t["responded"] = t["assigned"] + sla * (rng.uniform(1.0, 3.0) if late else rng.uniform(0.1, 0.5))
        else:
            hi = min(hi, self.now - DAY * 2)
            t["submitted"] = self.office(self.between(lo, max(lo, hi - DAY * 3)), lo=lo)
            t["assigned"] = t["submitted"] + sla * rng.uniform(0.05, 0.4)
            if status == RequestStatus.DONE:
                late = rng.random() < 0.2
                t["responded"] = t["assigned"] + sla * (
                    rng.uniform(1.0, 3.0) if late else rng.uniform(0.1, 0.5)
                )
                t["done"] = min(t["responded"] + DAY * rng.uniform(0.5, 10), self.now - HOUR)
            else:
                if rng.random() < 0.5:
                    t["assigned"] = None
                t["cancelled"] = min(
                    (t["assigned"] or t["submitted"]) + HOUR * rng.uniform(2, 48), self.now - HOUR
                )
        keys = [k for k in ("submitted", "assigned", "responded", "done", "cancelled") if t[k] is not None]
        if t["submitted"] < lo and status in OPEN_REQUEST_STATUSES:
            shift = lo - t["submitted"]
            for k in keys:
                t[k] += shift
        for k, value in zip(keys, self.monotone([t[k] for k in keys]), strict=True):
            t[k] = value
        return t

    def give_the_demo_engineer_open_work(self, requests: list) -> None:
        """The `engineer` login lands on 我的工作: at least one request assigned to him is still
        open. The random draw usually gives him one; which draw it is depends on the clock (the
        builder works back from now), so the first assigned, open request of his team is his when
        the draw gave him none."""
        engineer = self.fixed["engineer"]
        open_assigned = [
            r for r in requests if r.status in OPEN_REQUEST_STATUSES and r.assignee is not None
        ]
        if any(r.assignee.pk == engineer.pk for r in open_assigned):
            return
        # his own opportunities first, then his team's
        mine = [r for r in open_assigned if r.opportunity.presales_lead_id == engineer.pk]
        team = [r for r in open_assigned if engineer in self.team_presales[r.opportunity.customer._team_key]]
        chosen = next(iter(mine + team), None)
        if chosen is not None:
            chosen.assignee = engineer

    def build_support_requests(self) -> None:
        rng = self.rng
        hours = settings.PRESALES_SUPPORT_RESPONSE_HOURS
        priorities = {Priority.URGENT: 1, Priority.HIGH: 2, Priority.NORMAL: 5, Priority.LOW: 2}
        open_status = {
            RequestStatus.NEW: 2,
            RequestStatus.ASSIGNED: 2,
            RequestStatus.IN_PROGRESS: 3,
            RequestStatus.DONE: 2,
            RequestStatus.CANCELLED: 1,
        }
        forced = [
            (RequestStatus.NEW, True),
            (RequestStatus.ASSIGNED, True),
            (RequestStatus.IN_PROGRESS, None),
            (RequestStatus.DONE, None),
            (RequestStatus.CANCELLED, None),
            (RequestStatus.NEW, False),
            (RequestStatus.ASSIGNED, False),
        ]
        specs = []  # (plan, status, overdue)
        for plan in self.plans:
            opp = plan.opp
            if not plan.assigned_at:
                continue
            if plan.end is None:
                if opp.stage != Stage.LEAD and rng.random() < 0.75:
                    status, overdue = (
                        forced.pop(0) if forced else (self.weighted(open_status), rng.random() < 0.4)
                    )
                    specs.append((plan, status, overdue))
                if rng.random() < 0.4:
                    specs.append((plan, RequestStatus.DONE, None))
            elif rng.random() < 0.5:
                specs.append((plan, self.weighted({RequestStatus.DONE: 5, RequestStatus.CANCELLED: 1}), None))
        requests, events = [], []
        for plan, status, overdue in specs:
            opp = plan.opp
            priority = self.weighted(priorities)
            lo = plan.assigned_at + HOUR
            hi = plan.end - DAY if plan.end else self.now
            t = self.request_times(status, hours[priority], lo, hi, overdue)
            submitted = t["submitted"]
            stage = plan.stage_at(submitted)
            rtype = self.pick(REQUEST_TYPE_BY_STAGE.get(stage, [RequestType.TECH_QA]))
            team_key = opp.customer._team_key
            assignee = None
            if t["assigned"]:
                assignee = (
                    opp.presales_lead if rng.random() < 0.7 else self.pick(self.team_presales[team_key])
                )
            final = t["done"] or t["cancelled"] or t["responded"] or t["assigned"] or submitted
            req = SupportRequest(
                title=f"{opp.customer.short_name}{self.pick(vocab.SUPPORT_TITLES[rtype])}",
                request_type=rtype,
                priority=priority,
                description=f"{opp.name}：{self.pick(vocab.PAINS)}，需要售前{RequestType(rtype).label}支持。"
                f"客户联系人已确认时间，请尽快安排。",
                customer=opp.customer,
                opportunity=opp,
                requester=opp.sales_owner,
                team=opp.team,
                assignee=assignee,
                wanted_by=submitted + DAY * rng.uniform(1, 14),
                status=status,
                submitted_at=submitted,
                response_due_at=submitted + HOUR * hours[priority],
                assigned_at=t["assigned"],
                first_response_at=t["responded"],
                done_at=t["done"],
                outcome=self.pick(vocab.SUPPORT_OUTCOMES) if status == RequestStatus.DONE else "",
                created_by=opp.sales_owner,
                created_at=submitted,
                updated_at=final,
            )
            req._times = t
            req._assigner = self.assigner_for(team_key)
            requests.append(req)
        self.give_the_demo_engineer_open_work(requests)
        requests.sort(key=lambda r: (r.submitted_at, r.title))
        number_by_year(requests, prefix="ZC", when="submitted_at", local_year=lambda dt: self.day(dt).year)
        for req in requests:
            req.version = 1 + sum(
                req._times[k] is not None for k in ("assigned", "responded", "done", "cancelled")
            )
        SupportRequest.objects.bulk_create(requests)
        for req in requests:
            t = req._times
            empty = {
                "status": RequestStatus.NEW,
                "assignee_id": None,
                "assigned_at": None,
                "first_response_at": None,
                "done_at": None,
                "outcome": "",
            }
            steps = [(t["submitted"], "submitted", "", RequestStatus.NEW, req.requester, "")]
            if t["assigned"]:
                steps.append(
                    (
                        t["assigned"],
                        "assigned",
                        RequestStatus.NEW,
                        RequestStatus.ASSIGNED,
                        req._assigner,
                        f"指派给 {req.assignee.display_name}",
                    )
                )
            if t["responded"]:
                steps.append(
                    (
                        t["responded"],
                        "responded",
                        RequestStatus.ASSIGNED,
                        RequestStatus.IN_PROGRESS,
                        req.assignee,
                        "已与销售沟通需求，开始处理",
                    )
                )
            if t["done"]:
                steps.append(
                    (
                        t["done"],
                        "done",
                        RequestStatus.IN_PROGRESS,
                        RequestStatus.DONE,
                        req.assignee,
                        req.outcome,
                    )
                )
            if t["cancelled"]:
                steps.append(
                    (
                        t["cancelled"],
                        "cancelled",
                        steps[-1][3],
                        RequestStatus.CANCELLED,
                        req.requester,
                        self.pick(vocab.CANCEL_REASONS),
                    )
                )
            state = dict(empty)
            for version, (at, action, from_status, to_status, actor, note) in enumerate(steps, start=1):
                events.append(
                    SupportRequestEvent(
                        request=req,
                        action=action,
                        from_status=from_status,
                        to_status=to_status,
                        actor=actor,
                        at=at,
                        note=note,
                        assignee=req.assignee if action == "assigned" else None,
                    )
                )
                state["status"] = to_status
                if action == "assigned":
                    state.update(assignee_id=req.assignee_id, assigned_at=at)
                elif action == "responded":
                    state["first_response_at"] = at
                elif action == "done":
                    state.update(done_at=at, outcome=req.outcome)
                self.history.add(
                    req, at, actor.pk, "+" if version == 1 else "~", version=version, updated_at=at, **state
                )
        SupportRequestEvent.objects.bulk_create(events)
        self.counts["support requests"] = len(requests)
        self.counts["support request events"] = len(events)


def build_demo_company(
    *, seed: int = DEFAULT_SEED, scale: int = 1, now: datetime | None = None
) -> dict[str, int]:
    """Build the demo company in the current database (expected empty) and return row counts."""
    return DemoCompany(seed=seed, scale=scale, now=now).build()
