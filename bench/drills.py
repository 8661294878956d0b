"""Fault drills against a private copy of the production shape, on 127.0.0.1 only, bounded in time.

    .venv/bin/python bench/drills.py redis       # cache + broker down, then back
    .venv/bin/python bench/drills.py database    # PostgreSQL connections cut during load, then back

Needs `make serve` to have run once (the `presales` database migrated with demo data, static files
collected in var/serve/, the secret key in ~/.config/presales/). The drill starts its OWN Redis
(redis-server on 127.0.0.1:6391, nothing on disk) and its OWN gunicorn (127.0.0.1:8791, 2 workers)
so the shared Redis and PostgreSQL of the machine are never stopped. The database drill puts a TCP
proxy (127.0.0.1:6543 -> 127.0.0.1:5432) between gunicorn and PostgreSQL and cuts it, which is what
the application sees while PostgreSQL restarts: every open connection dropped, new ones refused.
Outcomes are printed; docs/operations.md records them.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
APP = "http://127.0.0.1:8791"
REDIS_PORT = 6391
PROXY_PORT = 6543
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def env(database_port: int = 5432) -> dict:
    key = (
        Path(os.environ.get("XDG_CONFIG_HOME", Path.home() / ".config")) / "presales" / "secret_key"
    ).read_text()
    e = dict(os.environ)
    e.update(
        SECRET_KEY=key.strip(),
        DEBUG="0",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{database_port}/presales",
        REDIS_URL=f"redis://127.0.0.1:{REDIS_PORT}/0",
        PRESALES_DATA_DIR=str(ROOT / "var" / "serve"),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        LOG_LEVEL="WARNING",
        DB_CONN_MAX_AGE="60",
    )
    return e


def wait_port(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.3)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port}")


def start_redis():
    proc = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(REDIS_PORT),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
    )
    wait_port(REDIS_PORT)
    return proc


def start_gunicorn(database_port: int = 5432):
    proc = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "presales.wsgi",
            "--bind",
            "127.0.0.1:8791",
            "--workers",
            "2",
            "--timeout",
            "60",
        ],
        env=env(database_port),
        cwd=ROOT,
        stderr=open(ROOT / "var" / "serve" / "log" / "drill-gunicorn.log", "a"),
    )
    wait_port(8791, 120)
    return proc


def login(username: str) -> requests.Session:
    s = requests.Session()
    token = CSRF.search(s.get(f"{APP}/accounts/login/", timeout=30).text).group(1)
    r = s.post(
        f"{APP}/accounts/login/",
        data={"username": username, "password": "demo12345", "csrfmiddlewaretoken": token},
        headers={"Referer": f"{APP}/accounts/login/"},
        allow_redirects=False,
        timeout=30,
    )
    assert r.status_code == 302, r.status_code
    s.headers.update({"X-CSRFToken": s.cookies.get("csrftoken"), "Referer": APP + "/"})
    return s


def outbox_pending(extra_env: dict) -> int:
    out = subprocess.run(
        [
            str(BIN / "presales"),
            "shell",
            "-c",
            "from presales.core import outbox; print(outbox.pending_count())",
        ],
        env=extra_env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    return int(out.stdout.strip().splitlines()[-1])


def drain(extra_env: dict) -> str:
    out = subprocess.run(
        [str(BIN / "presales"), "shell", "-c", "from presales.core import outbox; print(outbox.drain())"],
        env=extra_env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    return out.stdout.strip().splitlines()[-1]


def request_access(session) -> requests.Response | None:
    docs = session.get(f"{APP}/api/documents/?page_size=200", timeout=30).json()["results"]
    for d in docs:
        if not d.get("can_read", True):
            r = session.post(
                f"{APP}/api/documents/{d['id']}/request-access/", json={"reason": "故障演练"}, timeout=60
            )
            if r.status_code != 400:
                return r
    return None


def drill_redis() -> int:
    redis_proc = start_redis()
    web = start_gunicorn()
    e = env()
    try:
        engineer = login("engineer")
        manager = login("demo")
        print("baseline: my work", engineer.get(f"{APP}/insights/my-work/", timeout=30).status_code)
        before = outbox_pending(e)
        redis_proc.terminate()
        redis_proc.wait(10)
        print("Redis stopped (cache and broker down)")
        t = time.monotonic()
        token = requests.post(
            f"{APP}/api/auth/token/", data={"username": "demo", "password": "demo12345"}, timeout=60
        )
        print(f"  POST /api/auth/token/ -> {token.status_code} in {time.monotonic() - t:.2f} s")
        for path in ("/insights/my-work/", "/opportunities/board/", "/api/opportunities/", "/customers/"):
            t = time.monotonic()
            r = manager.get(APP + path, timeout=60)
            print(f"  GET {path} -> {r.status_code} in {time.monotonic() - t:.2f} s")
        t = time.monotonic()
        r = request_access(engineer)
        if r is None:
            print("  (no restricted document left to request access to)")
        else:
            print(f"  POST request-access -> {r.status_code} in {time.monotonic() - t:.2f} s")
        pending = outbox_pending(e)
        print(f"  outbox pending: {before} before, {pending} now (kept for the sweep)")
        print("  sweep while the broker is down:", drain(e))
        redis_proc = start_redis()
        print("Redis back")
        print("  sweep:", drain(e))
        print("  sweep again:", drain(e))
        print(f"  outbox pending: {outbox_pending(e)}")
        r = requests.post(
            f"{APP}/api/auth/token/", data={"username": "demo", "password": "demo12345"}, timeout=60
        )
        print(f"  POST /api/auth/token/ -> {r.status_code}")
        return 0
    finally:
        web.terminate()
        redis_proc.terminate()
        web.wait(30)
        redis_proc.wait(10)


class Proxy:
    """TCP proxy 127.0.0.1:PROXY_PORT -> 127.0.0.1:5432 that can be cut (all connections dropped,
    new ones refused) and restored."""

    def __init__(self):
        self.up = True
        self.conns: list[socket.socket] = []
        self.server = socket.socket()
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", PROXY_PORT))
        self.server.listen(64)
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            client, _ = self.server.accept()
            if not self.up:
                client.close()
                continue
            upstream = socket.create_connection(("127.0.0.1", 5432))
            self.conns += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self.pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def pipe(a, b):
        try:
            while data := a.recv(65536):
                b.sendall(data)
        except OSError:
            pass
        finally:
            for s in (a, b):
                try:
                    s.close()
                except OSError:
                    pass

    def cut(self):
        self.up = False
        for s in self.conns:
            try:
                s.shutdown(socket.SHUT_RDWR)
                s.close()
            except OSError:
                pass
        self.conns.clear()

    def restore(self):
        self.up = True


def drill_database(seconds_down: float = 8, seconds_total: float = 30) -> int:
    proxy = Proxy()
    redis_proc = start_redis()
    web = start_gunicorn(PROXY_PORT)
    try:
        manager = login("demo")
        results: list[tuple[float, int]] = []
        start = time.monotonic()
        stop = threading.Event()

        def load():
            s = requests.Session()
            s.cookies.update(manager.cookies)
            paths = ["/api/opportunities/", "/opportunities/board/", "/customers/", "/api/customers/"]
            i = 0
            while not stop.is_set():
                path = paths[i % len(paths)]
                i += 1
                try:
                    code = s.get(APP + path, timeout=30).status_code
                except requests.RequestException:
                    code = 0
                results.append((time.monotonic() - start, code))

        threads = [threading.Thread(target=load) for _ in range(4)]
        for t in threads:
            t.start()
        time.sleep(5)
        proxy.cut()
        cut_at = time.monotonic() - start
        print(f"PostgreSQL cut at {cut_at:.1f} s")
        time.sleep(seconds_down)
        proxy.restore()
        back_at = time.monotonic() - start
        print(f"PostgreSQL back at {back_at:.1f} s")
        time.sleep(max(0, seconds_total - back_at))
        stop.set()
        for t in threads:
            t.join()
        phases = {
            "before": Counter(c for t, c in results if t < cut_at),
            "down": Counter(c for t, c in results if cut_at <= t < back_at),
            "after": Counter(c for t, c in results if t >= back_at),
        }
        for name, counts in phases.items():
            print(f"  {name:<7} {dict(counts)}")
        first_ok = next((t for t, c in results if t >= back_at and c == 200), None)
        if first_ok is not None:
            print(f"  first 200 after restore: {first_ok - back_at:.2f} s")
        last_tail = [c for t, c in results if t >= back_at + 3]
        bad = sum(1 for _, c in results if c not in (200, 503))
        print(
            f"  responses other than 200/503: {bad}; after recovery (+3 s) all 200: {set(last_tail) == {200}}"
        )
        return 1 if bad else 0
    finally:
        web.terminate()
        redis_proc.terminate()
        web.wait(30)
        redis_proc.wait(10)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("drill", choices=["redis", "database"])
    args = parser.parse_args()
    (ROOT / "var" / "serve" / "log").mkdir(parents=True, exist_ok=True)
    return drill_redis() if args.drill == "redis" else drill_database()


if __name__ == "__main__":
    sys.exit(main())
