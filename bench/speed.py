"""Speed benchmarks of issue 15, against gunicorn started here with the production settings
(DEBUG off, PostgreSQL from DATABASE_URL, static files unhashed), on 127.0.0.1.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/presales_bench_1000
    .venv/bin/python bench/speed.py poc                 # POC list (100/page) / detail / criteria, 1 worker
    .venv/bin/python bench/speed.py poc --peer http://127.0.0.1:8100 --peer-auth "Bearer <jwt>" \
        --peer-pid <pid> --peer-paths '{"list": "/pocs/?limit=100", ...}'   # interleaved with the peer
    .venv/bin/python bench/speed.py mix --clients 20    # 4 workers: req/s, p95, CPU ms per request
    .venv/bin/python bench/speed.py login               # log-in form -> landing page, 1 worker
    .venv/bin/python bench/speed.py profile /api/pocs/1/   # pyinstrument of one request, in-process
    .venv/bin/python bench/speed.py pgcpu               # PostgreSQL's and Python's CPU per request, in-process

The data set: `presales bench --sizes 1000 --generate-only --keep --scorecards 0` then
`bench/poc_data.py` (1,000 POCs x 3 criteria, users bench_manager / bench_engineer).
Only Python's standard library and psutil: one keep-alive HTTP connection per client thread.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import psutil

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench12345"


def quantile(values, q):
    values = sorted(values)
    if not values:
        return float("nan")
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


# --- the server ------------------------------------------------------------------------------------
class Gunicorn:
    def __init__(self, workers: int, port: int):
        self.workers, self.port = workers, port
        self.proc = None

    def __enter__(self):
        env = dict(os.environ, DEBUG="0", PRESALES_ALLOW_INSECURE_KEY="1", STATIC_MANIFEST="0",
                   ALLOWED_HOSTS="127.0.0.1,localhost", LOG_LEVEL="ERROR", AXES_ENABLED="0")
        # As `make serve` (scripts/serve.sh): Redis for the cache and sessions, the app preloaded.
        # BENCH_REDIS_URL="" measures without Redis (locmem cache, database sessions).
        redis = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5")
        if redis:
            env["REDIS_URL"] = redis
        else:
            env.pop("REDIS_URL", None)
        # BENCH_GUNICORN_ARGS: more gunicorn options, e.g. "-k gthread --threads 2" (a comparison).
        cmd = [str(ROOT / ".venv/bin/gunicorn"), "presales.wsgi:application", "--preload", "-w", str(self.workers),
               "-b", f"127.0.0.1:{self.port}", "--log-level", "warning", "--timeout", "120",
               *os.environ.get("BENCH_GUNICORN_ARGS", "").split()]
        self.proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     stdin=subprocess.DEVNULL)
        return self._wait()

    def _wait(self):
        deadline = time.time() + 240
        while time.time() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/accounts/login/")
                conn.getresponse().read()
                if len(self.worker_pids()) >= self.workers:
                    return self
            except OSError:
                pass
            time.sleep(0.3)
        raise SystemExit("gunicorn did not start")

    def worker_pids(self):
        return [c.pid for c in psutil.Process(self.proc.pid).children()]

    def cpu_seconds(self) -> float:
        total = 0.0
        for pid in self.worker_pids():
            t = psutil.Process(pid).cpu_times()
            total += t.user + t.system
        return total

    def __exit__(self, *exc):
        workers = self.worker_pids()
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            for pid in [*workers, self.proc.pid]:
                try:
                    os.kill(pid, 9)
                except ProcessLookupError:
                    pass
            self.proc.wait(timeout=10)


# --- a client ----------------------------------------------------------------------------------------
class Client:
    """One keep-alive connection; session log-in through the form, or a token."""

    def __init__(self, base: str, token: str | None = None, authorization: str | None = None):
        parts = urlsplit(base)
        self.host, self.port = parts.hostname, parts.port or 80
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        self.cookies: dict[str, str] = {}
        # Our API takes "Token <key>"; another server may want e.g. "Bearer <jwt>" (--peer-auth).
        self.authorization = authorization or (f"Token {token}" if token else None)

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.authorization:
            headers["Authorization"] = self.authorization
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
                if attempt:
                    raise
        for value in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.headers, data

    def login(self, username: str) -> float:
        """Form log-in, then the landing page it redirects to; returns the seconds it took."""
        started = time.perf_counter()
        status, _, page = self.request("GET", "/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        body = urlencode({"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token})
        status, headers, _ = self.request("POST", "/accounts/login/", body=body, headers={
            "Content-Type": "application/x-www-form-urlencoded", "Referer": f"http://{self.host}:{self.port}/"})
        if status != 302:
            raise SystemExit(f"log-in refused ({status})")
        location = headers["Location"]
        for _ in range(3):  # "/" sends each role to its own landing page
            status, headers, _ = self.request("GET", location)
            if status not in (301, 302):
                break
            location = headers["Location"]
        if status != 200:
            raise SystemExit(f"landing page {location} answered {status}")
        return time.perf_counter() - started


def django_setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "presales.settings")
    os.environ.setdefault("PRESALES_ALLOW_INSECURE_KEY", "1")
    import django

    django.setup()


def token_of(username):
    from rest_framework.authtoken.models import Token

    return Token.objects.get(user__username=username).key


# --- poc -----------------------------------------------------------------------------------------------
def process_cpu(pid: int) -> float:
    """CPU seconds of a server process and its children (the workers)."""
    proc = psutil.Process(pid)
    total = 0.0
    for p in [proc, *proc.children(recursive=True)]:
        t = p.cpu_times()
        total += t.user + t.system
    return total


def cmd_poc(args):
    django_setup()
    from presales.poc.models import Poc

    ids = list(Poc.objects.order_by("pk").values_list("pk", flat=True))
    poc_id = ids[len(ids) // 2]
    ours = {
        "list": "/api/pocs/?page_size=100",
        "detail": f"/api/pocs/{poc_id}/",
        "criteria": f"/api/poc-criteria/?poc={poc_id}",
    }
    # name -> (base URL, Authorization header, paths, pid of the server for its CPU or None)
    servers = {"ours": (f"http://127.0.0.1:{args.port}", f"Token {token_of(args.user)}", ours, None)}
    if args.peer:
        peer_paths = json.loads(args.peer_paths) if args.peer_paths else {
            "list": "/api/v1/pocs/?limit=100", "detail": f"/api/v1/pocs/{poc_id}",
            "criteria": f"/api/v1/pocs/{poc_id}/criteria"}
        servers["peer"] = (args.peer, args.peer_auth or None, peer_paths, args.peer_pid or None)
    kinds = list(dict.fromkeys([*ours, *(k for _, _, paths, _ in servers.values() for k in paths)]))
    print(f"start {time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime())} UTC, load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    with Gunicorn(1, args.port) as gunicorn:
        cpu_of = {"ours": gunicorn.cpu_seconds}
        for name, (_, _, _, pid) in servers.items():
            if pid:
                cpu_of[name] = lambda pid=pid: process_cpu(pid)
        clients = {name: Client(base, authorization=auth) for name, (base, auth, _, _) in servers.items()}
        times = {(n, k): [] for n in servers for k in kinds}
        cpu = {(n, k): 0.0 for n in servers for k in kinds}
        sizes = {}
        for _round in range(args.rounds):
            for name, (_, _, paths, _) in servers.items():
                client = clients[name]
                for kind, path in paths.items():
                    for i in range(args.warmup + args.repeat):
                        if i == args.warmup and name in cpu_of:
                            cpu_started = cpu_of[name]()
                        started = time.perf_counter()
                        status, _, data = client.request("GET", path, headers={"Accept": "application/json"})
                        elapsed = time.perf_counter() - started
                        if status != 200:
                            raise SystemExit(f"{name} {path}: {status} {data[:200]!r}")
                        if i >= args.warmup:
                            times[(name, kind)].append(elapsed * 1000)
                        sizes[(name, kind)] = len(data)
                    if name in cpu_of:
                        cpu[(name, kind)] += cpu_of[name]() - cpu_started
    print(f"end {time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime())} UTC, load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}; {args.rounds} rounds x {args.repeat} requests "
          f"per endpoint and server, interleaved")
    columns = " | ".join(f"{n} median ms | {n} p95 ms | {n} CPU ms | {n} bytes" for n in servers)
    print(f"| endpoint | {columns} |")
    print("|---|" + "---:|" * (4 * len(servers)))
    for kind in kinds:
        cells = []
        for n in servers:
            t = times[(n, kind)]
            if not t:
                cells += ["", "", "", ""]
                continue
            cpu_ms = f"{cpu[(n, kind)] * 1000 / len(t):.1f}" if n in cpu_of else ""
            cells += [f"{statistics.median(t):.1f}", f"{quantile(t, .95):.1f}", cpu_ms,
                      f"{sizes[(n, kind)]:,}"]
        print(f"| {kind} | {' | '.join(cells)} |")


# --- mix -------------------------------------------------------------------------------------------------
BOARD_CARDS = [f"/opportunities/board/cards/{key}/" for key in
               ("lead", "discovery", "solution", "demo_poc", "bid", "negotiation")]


def mix_paths(board_cards=False):
    """The mix of issue 15. With `board_cards`, the board's six column fragments follow the board
    page, as a browser asks for them since the columns load lazily (13 paths instead of 7)."""
    django_setup()
    from presales.customers.models import Customer
    from presales.opportunities.models import Opportunity

    opp = Opportunity.objects.order_by("pk").values_list("pk", flat=True)
    opps = list(opp[:200])
    return [
        "/opportunities/board/",
        *(BOARD_CARDS if board_cards else []),
        "/opportunities/?stage=qualification&q=",
        "/opportunities/{opp}/",
        "/customers/",
        "/api/pocs/",
        "/support/",
        "/insights/my-work/",
    ], opps, Customer.objects.count()


def run_load(base, user, clients, duration, paths, opps, server=None):
    """`clients` threads log in first (password hashing is not the mix), then request the mix for
    `duration` seconds from a common start; returns (latencies ms, errors, wall seconds, worker CPU
    seconds of that window)."""
    results, errors = [], []
    lock = threading.Lock()
    window = {}

    def start():
        window["cpu"] = server.cpu_seconds() if server else 0.0
        window["started"] = time.perf_counter()
        window["stop"] = time.time() + duration

    ready = threading.Barrier(clients, action=start)

    def worker(n):
        client = Client(base)
        try:
            client.login(user)
        finally:
            ready.wait()
        stop = window["stop"]
        i = n
        local, local_err = [], []
        while time.time() < stop:
            path = paths[i % len(paths)].format(opp=opps[i % len(opps)])
            i += 1
            started = time.perf_counter()
            try:
                status, _, _ = client.request("GET", path)
            except Exception as exc:  # noqa: BLE001 - counted as an error
                local_err.append(repr(exc))
                continue
            local.append((time.perf_counter() - started) * 1000)
            if status != 200:
                local_err.append(f"{status} {path}")
        with lock:
            results.extend(local)
            errors.extend(local_err)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - window["started"]
    cpu = server.cpu_seconds() - window["cpu"] if server else 0.0
    return results, errors, wall, cpu


def cmd_mix(args):
    paths, opps, _ = mix_paths(args.board_cards)
    base = f"http://127.0.0.1:{args.port}"
    with Gunicorn(args.workers, args.port) as server:
        run_load(base, args.user, 2, 3, paths, opps)  # warm-up of every worker
        rows = []
        for clients in args.clients:
            times, errors, wall, cpu = run_load(base, args.user, clients, args.duration, paths, opps, server)
            n = len(times) + 0
            print(f"  {clients} clients: {len(times)} requests, {len(errors)} errors", flush=True)
            rows.append((clients, n / wall, statistics.median(times), quantile(times, .95),
                         cpu * 1000 / max(n, 1), len(errors)))
            if errors:
                print("errors:", errors[:5], file=sys.stderr)
    print("| clients | requests/s | median ms | p95 ms | worker CPU ms / request | errors |")
    print("|---:|---:|---:|---:|---:|---:|")
    for clients, rps, med, p95, cpu, err in rows:
        print(f"| {clients} | {rps:.1f} | {med:.0f} | {p95:.0f} | {cpu:.1f} | {err} |")
    print("load average at the end:", " ".join(f"{x:.2f}" for x in os.getloadavg()))


# --- login -------------------------------------------------------------------------------------------------
def cmd_login(args):
    base = f"http://127.0.0.1:{args.port}"
    with Gunicorn(1, args.port):
        Client(base).login(args.user)
        times = [Client(base).login(args.user) * 1000 for _ in range(args.repeat)]
    print(f"login to landing ({args.user}, {args.repeat} runs): median {statistics.median(times):.0f} ms, "
          f"p95 {quantile(times, .95):.0f} ms")


# --- profile -------------------------------------------------------------------------------------------------
def cmd_profile(args):
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("STATIC_MANIFEST", "0")  # as under gunicorn here: no collectstatic needed
    django_setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client as DjangoClient
    from pyinstrument import Profiler

    from presales.accounts.models import User

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = DjangoClient()
    headers = {"HTTP_ACCEPT": "application/json"}
    if args.path.startswith("/api/"):
        headers["HTTP_AUTHORIZATION"] = f"Token {token_of(args.user)}"
    else:
        client.force_login(User.objects.get(username=args.user))
    for _ in range(3):
        client.get(args.path, **headers)
    profiler = Profiler(interval=0.0002)
    # Queries timed by an execute wrapper: every request resets connection.queries_log
    # (request_started -> reset_queries), so CaptureQueriesContext would count nothing across requests.
    sql_times = []

    def timed(execute, sql_text, params, many, context):
        t0 = time.perf_counter()
        try:
            return execute(sql_text, params, many, context)
        finally:
            sql_times.append(time.perf_counter() - t0)

    with connection.execute_wrapper(timed):
        profiler.start()
        started, cpu_started = time.perf_counter(), time.process_time()
        for _ in range(args.repeat):
            response = client.get(args.path, **headers)
        total, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        profiler.stop()
    # CPU per request without the profiler's sampling overhead: the same requests again, unprofiled
    # (the SQL share of these: the profiler inflates the Python side several-fold).
    sql = sum(sql_times)
    sql_times.clear()
    cpu_started, walls = time.process_time(), []
    with connection.execute_wrapper(timed):
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            client.get(args.path, **headers)
            walls.append((time.perf_counter() - t0) * 1000)
    bare_cpu = time.process_time() - cpu_started
    bare_sql, bare_wall = sum(sql_times) * 1000 / args.repeat, sum(walls) / args.repeat
    print(profiler.output_text(unicode=True, color=False, show_all=False))
    print(f"{args.path}: {response.status_code}, {total * 1000 / args.repeat:.1f} ms per request in-process, "
          f"{len(sql_times) / args.repeat:.0f} queries, SQL {sql * 1000 / args.repeat:.1f} ms "
          f"({sql / total:.0%}), Python {(total - sql) * 1000 / args.repeat:.1f} ms; "
          f"CPU {cpu * 1000 / args.repeat:.1f} ms profiled; unprofiled: CPU {bare_cpu * 1000 / args.repeat:.1f} ms, "
          f"median {statistics.median(walls):.1f} ms, mean {bare_wall:.1f} ms of which SQL {bare_sql:.1f} ms "
          f"({bare_sql / bare_wall:.0%}); {len(response.content):,} bytes; "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def cmd_pgcpu(args):
    """In-process, the mix's paths one after the other: per request the CPU of PostgreSQL's backend
    process serving this connection (from /proc, the server on this machine) and of this Python
    process. PostgreSQL's share is part of what two cores can serve (decision 55)."""
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("STATIC_MANIFEST", "0")
    paths, opps, _customers = mix_paths()
    from django.conf import settings
    from django.db import connection
    from django.test import Client as DjangoClient

    from presales.accounts.models import User

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = DjangoClient()
    client.force_login(User.objects.get(username=args.user))
    token = token_of(args.user)

    def get(path, i):
        path = path.replace("{opp}", str(opps[i % len(opps)]))
        if path.startswith("/api/"):
            return client.get(path, HTTP_ACCEPT="application/json", HTTP_AUTHORIZATION=f"Token {token}")
        return client.get(path)

    for i in range(20):  # warm: caches, and prepared statements (5 runs of a statement)
        for path in paths:
            assert get(path, i).status_code == 200, path
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = psutil.Process(cursor.fetchone()[0])

    def pg_cpu():
        t = backend.cpu_times()
        return t.user + t.system

    rows = []
    for path in paths:
        pg0, py0 = pg_cpu(), time.process_time()
        for i in range(args.repeat):
            get(path, i)
        rows.append((path, (pg_cpu() - pg0) / args.repeat * 1000, (time.process_time() - py0) / args.repeat * 1000))
    print(f"{time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime())} UTC, {args.repeat} requests per path, "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("| path | PostgreSQL CPU ms | Python CPU ms |\n|---|---:|---:|")
    for path, pg, py in rows:
        print(f"| {path} | {pg:.2f} | {py:.2f} |")
    print(f"| mix average | {statistics.mean(r[1] for r in rows):.2f} | {statistics.mean(r[2] for r in rows):.2f} |")


def cmd_time(args):
    """Unprofiled, in-process: per path CPU ms per request (this process), median and p95 wall ms,
    queries per request and bytes; the paths interleaved round after round so that a change of the
    machine's load hits them alike. `--htmx` sends HX-Request (the fragments a page loads lazily);
    /api/ paths are asked for JSON with the user's token (pages with the session)."""
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("STATIC_MANIFEST", "0")
    django_setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client as DjangoClient

    from presales.accounts.models import User

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = DjangoClient()
    client.force_login(User.objects.get(username=args.user))
    headers = {"HTTP_HX_REQUEST": "true"} if args.htmx else {}
    # An /api/ path is asked as the benchmark's clients ask it: JSON, with the user's token.
    api_headers = {"HTTP_ACCEPT": "application/json", "HTTP_AUTHORIZATION": f"Token {token_of(args.user)}"}
    headers_of = {path: {**headers, **api_headers} if path.startswith("/api/") else headers
                  for path in args.paths}
    stats = {path: {"cpu": 0.0, "walls": [], "queries": 0, "bytes": 0} for path in args.paths}
    counter = [0]

    def counted(execute, sql_text, params, many, context):
        counter[0] += 1
        return execute(sql_text, params, many, context)

    for path in args.paths:
        for _ in range(3):
            assert client.get(path, **headers_of[path]).status_code == 200, path
    with connection.execute_wrapper(counted):
        for _ in range(args.repeat):
            for path in args.paths:
                counter[0] = 0
                c0, t0 = time.process_time(), time.perf_counter()
                response = client.get(path, **headers_of[path])
                wall, cpu = time.perf_counter() - t0, time.process_time() - c0
                entry = stats[path]
                entry["cpu"] += cpu
                entry["walls"].append(wall * 1000)
                entry["queries"], entry["bytes"] = counter[0], len(response.content)
    for path, entry in stats.items():
        walls = entry["walls"]
        cpu = entry["cpu"] * 1000 / args.repeat
        print(f"{path}: CPU {cpu:.1f} ms, median {statistics.median(walls):.1f} ms, "
              f"p95 {quantile(walls, 0.95):.1f} ms, {entry['queries']} queries, {entry['bytes']:,} bytes")
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def main():
    parser = argparse.ArgumentParser(description="Issue 15 speed benchmarks (see the module docstring).")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--user", default="bench_manager")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("poc")
    p.add_argument("--rounds", type=int, default=4)
    p.add_argument("--repeat", type=int, default=25)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--peer", default="")
    p.add_argument("--peer-paths", default="", help='JSON {"list": ..., "detail": ..., "criteria": ...}; '
                   'other names add rows')
    p.add_argument("--peer-auth", default="", help='the peer\'s Authorization header, e.g. "Bearer <jwt>"')
    p.add_argument("--peer-pid", type=int, default=0,
                   help="the peer server's pid: its (workers') CPU per request")
    m = sub.add_parser("mix")
    m.add_argument("--clients", type=lambda v: [int(x) for x in v.split(",")], default=[20])
    m.add_argument("--workers", type=int, default=4)
    m.add_argument("--duration", type=float, default=20)
    m.add_argument("--board-cards", action="store_true",
                   help="the board's six column fragments follow the board page in the mix")
    lo = sub.add_parser("login")
    lo.add_argument("--repeat", type=int, default=20)
    pr = sub.add_parser("profile")
    pr.add_argument("path")
    pr.add_argument("--repeat", type=int, default=20)
    ti = sub.add_parser("time")
    ti.add_argument("paths", nargs="+")
    ti.add_argument("--repeat", type=int, default=30)
    ti.add_argument("--htmx", action="store_true")
    pg = sub.add_parser("pgcpu")
    pg.add_argument("--repeat", type=int, default=60)
    args = parser.parse_args()
    commands = {"time": cmd_time, "poc": cmd_poc, "mix": cmd_mix, "login": cmd_login, "profile": cmd_profile,
                "pgcpu": cmd_pgcpu}
    commands[args.command](args)


if __name__ == "__main__":
    main()
