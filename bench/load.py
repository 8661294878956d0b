"""Load run against `make serve` on 127.0.0.1 (locust, driven from Python, headless, bounded).

    make serve &                                   # in another terminal (demo data loaded)
    .venv/bin/python bench/load.py --users 20 --seconds 60
    .venv/bin/python bench/load.py --users 50 --seconds 60 --host http://127.0.0.1:8000

Each simulated user logs in through the login form with one of the demo roles (manager `demo`,
`engineer`, `sales`; password demo12345) and replays a mix: the board, filtered lists, detail
pages, API lists, and writes — a stage move (an allowed move of the user's own opportunity, then
back), a support request created, assigned and answered (as the manager), a POC measurement
entered. Any status other than the expected one, or an exception, is an error. Prints a table and
writes bench/results/load-<users>.json. Targets only 127.0.0.1 / localhost.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import gevent
from locust import HttpUser, between, task
from locust.env import Environment

PASSWORD = "demo12345"
ROLES = ["demo", "engineer", "sales"]  # manager, presales engineer, sales
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

# Filled by discover() before the run: ids that exist in the demo data.
TARGETS: dict[str, list] = {}


def login(session, base: str, username: str) -> str:
    page = session.get(f"{base}/accounts/login/")
    token = CSRF.search(page.text).group(1)
    response = session.post(
        f"{base}/accounts/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/accounts/login/"},
        allow_redirects=False,
    )
    if response.status_code != 302:
        raise RuntimeError(f"login of {username} failed: {response.status_code}")
    return session.cookies.get("csrftoken")


def discover(base: str) -> None:
    """Ids to use (as the manager), found before the clock starts."""
    import requests

    s = requests.Session()
    csrf = login(s, base, "demo")
    headers = {"X-CSRFToken": csrf, "Referer": base + "/"}
    opportunities = s.get(f"{base}/api/opportunities/?page_size=200").json()["results"]
    TARGETS["opportunities"] = [o["id"] for o in opportunities]
    TARGETS["customers"] = [c["id"] for c in s.get(f"{base}/api/customers/?page_size=100").json()["results"]]
    TARGETS["support"] = [
        r["id"] for r in s.get(f"{base}/api/support-requests/?page_size=100").json()["results"]
    ]
    # Opportunities with an allowed, non-closing move (and the move back), one per simulated user.
    movable = []
    for o in opportunities[:120]:
        moves = s.get(f"{base}/api/opportunities/{o['id']}/moves/").json()
        forward = [m for m in moves if m["allowed"] and m["kind"] in ("forward", "back")]
        if forward:
            movable.append((o["id"], o["stage"], forward[0]["to_stage"]))
    TARGETS["movable"] = movable
    # Criteria that accept a measurement now (running POCs).
    criteria = s.get(f"{base}/api/poc-criteria/?page_size=100").json()["results"]
    measurable = []
    for c in criteria:
        r = s.post(
            f"{base}/api/poc-measurements/",
            json={
                "poc": c["poc"],
                "criterion": c["id"],
                "measured_at": now(),
                "value": "1",
                "note": "load probe",
            },
            headers=headers,
        )
        if r.status_code == 201:
            measurable.append((c["poc"], c["id"]))
        if len(measurable) >= 10:
            break
    TARGETS["measurable"] = measurable
    users = s.get(f"{base}/api/users/?username=demo").json()["results"]
    TARGETS["manager_id"] = next((u["id"] for u in users if u.get("username") == "demo"), None)
    print(
        f"discovered: {len(TARGETS['opportunities'])} opportunities, {len(movable)} movable, "
        f"{len(measurable)} measurable criteria, manager id {TARGETS['manager_id']}"
    )


def server_processes(port: int) -> list:
    """The processes serving `port`: gunicorn's master (found from a process holding the
    listening socket, going up while the parent runs the same command) and all its workers."""
    import psutil

    try:
        sockets = psutil.net_connections("tcp")
        listeners = {c.pid for c in sockets if c.status == "LISTEN" and c.laddr.port == port and c.pid}
    except psutil.AccessDenied:
        return []
    masters = set()
    for pid in listeners:
        proc = psutil.Process(pid)
        while (parent := proc.parent()) is not None and parent.cmdline() == proc.cmdline():
            proc = parent
        masters.add(proc)
    return [p for master in masters for p in (master, *master.children(recursive=True))]


def cpu_seconds(procs) -> float:
    total = 0.0
    for proc in procs:
        try:
            t = proc.cpu_times()
            total += t.user + t.system
        except Exception:  # noqa: BLE001 - a worker that was replaced meanwhile
            pass
    return total


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


class Person(HttpUser):
    wait_time = between(1, 3)
    counter = 0

    def on_start(self):
        Person.counter += 1
        self.number = Person.counter
        self.role = ROLES[self.number % len(ROLES)]
        self.csrf = login(self.client, "", self.role)
        self.headers = {"X-CSRFToken": self.csrf, "Referer": self.host + "/"}
        movable = TARGETS.get("movable") or []
        self.own_move = (
            movable[self.number % len(movable)] if movable and self.number <= len(movable) else None
        )

    def get(self, path, name=None):
        with self.client.get(path, name=name or path, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code}")

    @task(4)
    def board(self):
        self.get("/opportunities/board/")

    @task(4)
    def filtered_lists(self):
        self.get("/opportunities/?stage=solution", name="/opportunities/?stage=")
        self.get("/customers/?q=科技", name="/customers/?q=")
        self.get("/support/?status=new", name="/support/?status=")

    @task(4)
    def details(self):
        if self.role == "demo":  # the manager sees every record
            self.get(
                f"/opportunities/{random.choice(TARGETS['opportunities'])}/", name="/opportunities/<id>/"
            )
            self.get(f"/customers/{random.choice(TARGETS['customers'])}/", name="/customers/<id>/")
            if TARGETS["support"]:
                self.get(f"/support/{random.choice(TARGETS['support'])}/", name="/support/<id>/")
        else:
            self.get("/insights/my-work/")

    @task(4)
    def api_lists(self):
        self.get("/api/opportunities/?page_size=50", name="/api/opportunities/")
        self.get("/api/customers/?page_size=50", name="/api/customers/")
        self.get("/api/support-requests/?page_size=50", name="/api/support-requests/")

    @task(1)
    def stage_move(self):
        if self.role != "demo" or not self.own_move:
            return
        pk, home, target = self.own_move
        current = self.client.get(f"/api/opportunities/{pk}/", name="/api/opportunities/<id>/").json()
        to = target if current["stage"] == home else home
        with self.client.post(
            f"/api/opportunities/{pk}/move/",
            json={"to_stage": to, "version": current["version"], "reason": "load test", "override": True},
            headers=self.headers,
            name="/api/opportunities/<id>/move/",
            catch_response=True,
        ) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code} {r.text[:200]}")

    @task(1)
    def support_request(self):
        if self.role != "demo" or not TARGETS.get("manager_id"):
            return
        with self.client.post(
            "/api/support-requests/",
            json={
                "title": "负载测试：技术交流支持",
                "request_type": "tech_qa",
                "priority": "normal",
                "description": "load test",
                "customer": random.choice(TARGETS["customers"]),
                "wanted_by": (dt.date.today() + dt.timedelta(days=3)).isoformat(),
            },
            headers=self.headers,
            name="/api/support-requests/ (create)",
            catch_response=True,
        ) as created:
            if created.status_code != 201:
                created.failure(f"{created.status_code} {created.text[:200]}")
                return
            pk = created.json()["id"]
            version = created.json()["version"]
        # Each step carries the version the user saw (the API answers 428 without one).
        for action, body in (
            ("assign", {"assignee": TARGETS["manager_id"]}),
            ("respond", {"note": "已安排"}),
        ):
            with self.client.post(
                f"/api/support-requests/{pk}/{action}/",
                json={**body, "version": version},
                headers=self.headers,
                name=f"/api/support-requests/<id>/{action}/",
                catch_response=True,
            ) as r:
                if r.status_code != 200:
                    r.failure(f"{r.status_code} {r.text[:200]}")
                    return
                version = r.json()["version"]

    @task(1)
    def measurement(self):
        if self.role != "demo" or not TARGETS.get("measurable"):
            return
        poc, criterion = random.choice(TARGETS["measurable"])
        with self.client.post(
            "/api/poc-measurements/",
            json={"poc": poc, "criterion": criterion, "measured_at": now(), "value": "1", "note": "load"},
            headers=self.headers,
            name="/api/poc-measurements/ (create)",
            catch_response=True,
        ) as r:
            if r.status_code != 201:
                r.failure(f"{r.status_code} {r.text[:200]}")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--host", default="http://127.0.0.1:8000")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--spawn-rate", type=float, default=5)
    parser.add_argument("--seconds", type=int, default=60)
    args = parser.parse_args()
    if urlparse(args.host).hostname not in ("127.0.0.1", "localhost", "::1"):
        parser.error("the load run targets this machine only (127.0.0.1 / localhost)")
    discover(args.host)
    Person.host = args.host
    env = Environment(user_classes=[Person])
    runner = env.create_local_runner()
    server = server_processes(urlparse(args.host).port or 80)
    server_cpu = cpu_seconds(server)
    load_before = os.getloadavg()
    runner.start(args.users, spawn_rate=args.spawn_rate)
    started = time.monotonic()
    gevent.spawn_later(args.seconds, runner.quit)
    runner.greenlet.join()
    elapsed = time.monotonic() - started
    server_cpu = cpu_seconds(server) - server_cpu
    load_after = os.getloadavg()
    stats = env.stats
    rows = []
    for entry in sorted(stats.entries.values(), key=lambda e: e.name):
        rows.append(
            {
                "name": f"{entry.method} {entry.name}",
                "requests": entry.num_requests,
                "failures": entry.num_failures,
                "median_ms": entry.get_response_time_percentile(0.5),
                "p95_ms": entry.get_response_time_percentile(0.95),
                "max_ms": round(entry.max_response_time or 0),
            }
        )
    total = stats.total
    summary = {
        "users": args.users,
        "seconds": round(elapsed),
        "requests": total.num_requests,
        "failures": total.num_failures,
        "rps": round(total.num_requests / elapsed, 1),
        "median_ms": total.get_response_time_percentile(0.5),
        "p95_ms": total.get_response_time_percentile(0.95),
        # CPU of the gunicorn processes (master and workers) per request: less sensitive than the
        # times to what else runs on the machine (the load averages say how busy it was).
        "server_cpu_ms_per_request": round(1000 * server_cpu / max(total.num_requests, 1), 1)
        if server
        else None,
        "load_average_before_after": [round(load_before[0], 2), round(load_after[0], 2)],
        "rows": rows,
        "errors": [f"{e.method} {e.name}: {e.error} ×{e.occurrences}" for e in stats.errors.values()],
    }
    print(f"{'request':<52} {'n':>6} {'fail':>5} {'p50':>6} {'p95':>6} {'max':>6}")
    for r in rows:
        print(
            f"{r['name'][:52]:<52} {r['requests']:>6} {r['failures']:>5} {r['median_ms']:>6} "
            f"{r['p95_ms']:>6} {r['max_ms']:>6}"
        )
    print(
        f"TOTAL {args.users} users, {summary['seconds']} s: {summary['requests']} requests, "
        f"{summary['failures']} failures, {summary['rps']} req/s, p50 {summary['median_ms']} ms, "
        f"p95 {summary['p95_ms']} ms"
    )
    print(
        f"  gunicorn CPU per request: {summary['server_cpu_ms_per_request']} ms; "
        f"load average (1 min) {summary['load_average_before_after'][0]} before, "
        f"{summary['load_average_before_after'][1]} after"
    )
    for line in summary["errors"]:
        print("  error:", line)
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    (out / f"load-{args.users}.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1))
    return 1 if total.num_failures else 0


if __name__ == "__main__":
    sys.exit(main())
