"""Fault drills against a private copy of the production shape, on 127.0.0.1 only, bounded in time.

    .venv/bin/python bench/drills.py redis      # cache + broker down, then back (the outbox)
    .venv/bin/python bench/drills.py database   # PostgreSQL connections killed, then cut, during load
    .venv/bin/python bench/drills.py worker     # a Celery worker killed mid-task (child, then all)
    .venv/bin/python bench/drills.py disk       # an upload onto a full disk
    .venv/bin/python bench/drills.py backup     # a backup taken during load, restored elsewhere
    .venv/bin/python bench/drills.py all

Needs `make serve` to have run once (the `presales` database migrated with demo data, static files
collected in var/serve/, the secret key in ~/.config/presales/) and to be STOPPED: its beat and
worker would otherwise take the drills' work (the outbox rows are in the same database). Each
drill starts its OWN Redis (redis-server on 127.0.0.1:6391, nothing on disk), its OWN gunicorn
(127.0.0.1:8791, 2 workers) and, where needed, its OWN Celery worker, so the machine's shared
Redis and PostgreSQL are never stopped. Checks are made in this process through the ORM, on the
same database. Each drill prints its outcome and exits non-zero when a check fails; the outcomes
are recorded in docs/operations.md.

- database: a TCP proxy (127.0.0.1:6543 -> 127.0.0.1:5432) sits between gunicorn and PostgreSQL.
  Phase 1 kills the application's server processes with pg_terminate_backend (what a crash of a
  backend or an administrator's kill looks like); phase 2 cuts the proxy (every open connection
  dropped, new ones refused) for 8 s and restores it, which is what the application sees while
  PostgreSQL restarts. The machine's PostgreSQL itself is shared and is not restarted.
- worker: 100 overdue support requests are made (and removed afterwards); the SLA reminder job is
  sent to the broker; the worker's pool process, then the whole worker (SIGKILL), is killed while
  the job is sending its reminders; a new worker runs it again (acks_late; after a kill of the
  whole worker, when the visibility timeout has passed). Every reminder exists once, and every
  e-mail was sent once.
- disk: the drill's gunicorn stores files on a 1 MB tmpfs (needs root to mount it); a 3 MB upload
  must answer 507 with a message on `file`, leave no file and no row.
- backup: while 4 clients write (support requests, document uploads) and read, `presales backup`
  runs; the backup is restored into a new database (migrated first) and a new media folder, and
  the restored row counts and file hashes are compared with the backup's manifest; the new
  database and folder are removed afterwards.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections import Counter
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
DATA = ROOT / "var" / "serve"
LOG = DATA / "log"
APP = "http://127.0.0.1:8791"
REDIS_PORT = 6391
PROXY_PORT = 6543
APP_NAME = "presales-drill"  # application_name of the drill's connections (pg_stat_activity)
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
FAILED: list[str] = []


def check(ok: bool, what: str) -> bool:
    print(f"  [{'ok' if ok else 'FAILED'}] {what}")
    if not ok:
        FAILED.append(what)
    return ok


# --- the private production shape ----------------------------------------------------------------


def env(database_port: int = 5432, database: str = "presales", **extra) -> dict:
    key = (
        Path(os.environ.get("XDG_CONFIG_HOME", Path.home() / ".config")) / "presales" / "secret_key"
    ).read_text()
    e = dict(os.environ)
    e.update(
        SECRET_KEY=key.strip(),
        DEBUG="0",
        STATIC_MANIFEST="1",
        DJANGO_SETTINGS_MODULE="presales.settings",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{database_port}/{database}",
        PGAPPNAME=APP_NAME,
        REDIS_URL=f"redis://127.0.0.1:{REDIS_PORT}/0",
        PRESALES_DATA_DIR=str(DATA),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        LOG_LEVEL="WARNING",
        DB_CONN_MAX_AGE="60",
    )
    e.update({k: str(v) for k, v in extra.items()})
    return e


_django_ready = False


def django_setup() -> None:
    """Django in this process, on the same database, Redis and data folder as the drill's servers."""
    global _django_ready
    if _django_ready:
        return
    os.environ.update(env(PGAPPNAME=APP_NAME + "-checks"))
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    _django_ready = True


def wait_port(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.3)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port}")


def wait_for(condition, seconds: float, step: float = 0.5):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    return condition()


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


def start_gunicorn(database_port: int = 5432, **extra):
    proc = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "presales.wsgi",
            "--preload",
            "--bind",
            "127.0.0.1:8791",
            "--workers",
            "2",
            "--timeout",
            "60",
        ],
        env=env(database_port, **extra),
        cwd=ROOT,
        stderr=open(LOG / "drill-gunicorn.log", "a"),
    )
    wait_port(8791, 300)
    wait_for(lambda: _answers(f"{APP}/accounts/login/"), 120)
    return proc


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=60).status_code == 200
    except requests.RequestException:
        return False


def start_worker(name: str, **extra):
    """A Celery worker (prefork, one pool process) in a process group of its own."""
    return subprocess.Popen(
        [
            str(BIN / "celery"),
            "-A",
            "presales",
            "worker",
            "--loglevel",
            "INFO",
            "--concurrency",
            "1",
            "-n",
            f"{name}@%h",
            "--without-mingle",
            "--without-gossip",
        ],
        env=env(**extra),
        cwd=ROOT,
        stdout=open(LOG / f"drill-{name}.log", "a"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(*procs, sig=signal.SIGTERM) -> None:
    for proc in procs:
        if proc is not None and proc.poll() is None:
            proc.send_signal(sig)
    for proc in procs:
        if proc is None:
            continue
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


def pool_children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
    return [int(p) for p in out.stdout.split()]


def login(username: str) -> requests.Session:
    s = requests.Session()
    token = CSRF.search(s.get(f"{APP}/accounts/login/", timeout=60).text).group(1)
    r = s.post(
        f"{APP}/accounts/login/",
        data={"username": username, "password": "demo12345", "csrfmiddlewaretoken": token},
        headers={"Referer": f"{APP}/accounts/login/"},
        allow_redirects=False,
        timeout=60,
    )
    assert r.status_code == 302, r.status_code
    s.headers.update({"X-CSRFToken": s.cookies.get("csrftoken"), "Referer": APP + "/"})
    return s


def mail_files(folder: Path) -> list[tuple[str, str]]:
    """The e-mails the file backend wrote into `folder` (one file per connection, messages
    separated by a line of dashes): (recipient, subject) of each, headers decoded."""
    from email import message_from_string
    from email.header import decode_header, make_header

    mails = []
    for f in sorted(folder.glob("*.log")) if folder.exists() else []:
        for text in f.read_text(errors="replace").split("-" * 79):
            message = message_from_string(text.strip())
            if message["To"] and message["Subject"]:
                subject = str(make_header(decode_header(message["Subject"])))
                mails.append((str(message["To"]).strip(), subject.strip()))
    return mails


def document_target(username: str):
    """An opportunity the user may add documents to (from the permissions, without writing)."""
    django_setup()
    from django.contrib.auth import get_user_model

    from presales.documents import permissions
    from presales.opportunities.models import Opportunity

    user = get_user_model().objects.get(username=username)
    for o in Opportunity.objects.visible_to(user).order_by("pk")[:200]:
        if permissions.can_add_documents(user, opportunity=o):
            return o.pk
    return None


# --- Redis down: cache and broker (the outbox) ---------------------------------------------------


def request_access(session) -> requests.Response | None:
    docs = session.get(f"{APP}/api/documents/?page_size=200", timeout=60).json()["results"]
    for d in docs:
        if not d.get("can_read", True):
            r = session.post(
                f"{APP}/api/documents/{d['id']}/request-access/", json={"reason": "故障演练"}, timeout=60
            )
            if r.status_code != 400:
                return r
    return None


def drill_redis() -> None:
    django_setup()
    from presales.core import outbox
    from presales.core.models import OutboxMessage
    from presales.notifications.models import Delivery

    print("== Redis (cache and broker) down, then back")
    mail = Path(tempfile.mkdtemp(prefix="drill-mail-"))
    redis_proc = start_redis()
    web = start_gunicorn()
    worker = start_worker(
        "drill-redis", EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend", EMAIL_FILE_PATH=mail
    )
    try:
        engineer = login("engineer")
        manager = login("demo")
        check(
            engineer.get(f"{APP}/insights/my-work/", timeout=60).status_code == 200, "baseline: my work 200"
        )
        print(f"  before: outbox sweep of what earlier runs left {outbox.drain()}")
        time.sleep(5)
        for f in mail.glob("*"):
            f.unlink()
        last = OutboxMessage.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        stop(redis_proc)
        print("Redis stopped (cache and broker down)")
        t = time.monotonic()
        token = requests.post(
            f"{APP}/api/auth/token/", data={"username": "demo", "password": "demo12345"}, timeout=60
        )
        check(
            token.status_code == 200,
            f"POST /api/auth/token/ -> {token.status_code} in {time.monotonic() - t:.2f} s",
        )
        for path in ("/insights/my-work/", "/opportunities/board/", "/api/opportunities/", "/customers/"):
            t = time.monotonic()
            r = manager.get(APP + path, timeout=60)
            check(r.status_code == 200, f"GET {path} -> {r.status_code} in {time.monotonic() - t:.2f} s")
        t = time.monotonic()
        r = request_access(engineer)
        if not check(r is not None, "a restricted document to request access to"):
            return
        check(
            r.status_code == 201,
            f"POST request-access (committed) -> {r.status_code} in {time.monotonic() - t:.2f} s",
        )
        new = OutboxMessage.objects.filter(pk__gt=last)
        pending = list(new.filter(sent_at__isnull=True).values_list("pk", flat=True))
        check(
            len(pending) == new.count() and pending, f"its tasks kept in the outbox: {len(pending)} pending"
        )
        # The send right after the commit failed; the row waits for its back-off (2 s) before the
        # sweep tries it again.
        from django.utils import timezone

        wait_for(lambda: not new.filter(sent_at__isnull=True, available_at__gt=timezone.now()).exists(), 30)
        counts = outbox.drain()
        check(counts["sent"] == 0 and counts["failed"] == 1, f"sweep while the broker is down: {counts}")
        redis_proc = start_redis()
        print("Redis back")
        counts = outbox.drain()
        check(counts["sent"] >= len(pending) and counts["failed"] == 0, f"sweep: {counts}")
        counts = outbox.drain()
        check(counts["sent"] == 0, f"sweep again: {counts}")
        check(
            not OutboxMessage.objects.filter(pk__in=pending, sent_at__isnull=True).exists(),
            "every message of the outage sent",
        )
        deliveries = Delivery.objects.filter(pk__in=[m.kwargs.get("delivery_id") for m in new])

        def delivered():
            return all(d.status == "sent" for d in deliveries.all()) and deliveries.exists()

        check(
            bool(wait_for(delivered, 120)),
            f"the worker ran the tasks: {deliveries.count()} e-mail deliveries sent",
        )
        attempts = sorted(set(deliveries.values_list("attempts", flat=True)))
        check(attempts == [1], f"each delivery attempted once (attempts {attempts})")
        time.sleep(3)
        mails = mail_files(mail)
        check(
            len(mails) == deliveries.count() and len(set(mails)) == len(mails),
            f"e-mails written: {len(mails)} ({len(set(mails))} different) "
            f"for {deliveries.count()} deliveries",
        )
        t = time.monotonic()
        token = requests.post(
            f"{APP}/api/auth/token/", data={"username": "demo", "password": "demo12345"}, timeout=60
        )
        check(
            token.status_code == 200,
            f"POST /api/auth/token/ after -> {token.status_code} in {time.monotonic() - t:.2f} s",
        )
    finally:
        stop(web, worker, redis_proc)
        shutil.rmtree(mail, ignore_errors=True)


# --- PostgreSQL connections killed, then cut, during load ------------------------------------------


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
            # shutdown() first: a close() alone does not end the other direction's recv() (its
            # thread still holds the socket), so the peer would never see the connection end.
            for s in (a, b):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
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


def terminate_app_connections() -> int:
    out = subprocess.run(
        [
            "psql",
            "-X",
            "-qtA",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-d",
            "postgres",
            "-c",
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            f"WHERE application_name = '{APP_NAME}'",
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )
    return int(out.stdout.strip() or 0)


def drill_database(seconds_down: float = 8) -> None:
    print(
        "== PostgreSQL: the application's connections killed (pg_terminate_backend), then cut for "
        f"{seconds_down:.0f} s (proxy), during load"
    )
    proxy = Proxy()
    redis_proc = start_redis()
    web = start_gunicorn(PROXY_PORT)
    try:
        manager = login("demo")
        results: list[tuple[float, int]] = []
        start = time.monotonic()
        stop_load = threading.Event()

        def load():
            s = requests.Session()
            s.cookies.update(manager.cookies)
            paths = ["/api/opportunities/", "/opportunities/board/", "/customers/", "/api/customers/"]
            i = 0
            while not stop_load.is_set():
                path = paths[i % len(paths)]
                i += 1
                sent = time.monotonic() - start
                try:
                    code = s.get(APP + path, timeout=60).status_code
                except requests.RequestException as exc:
                    code = 0
                    print(
                        f"  no answer: GET {path} sent at {sent:.1f} s, failed at "
                        f"{time.monotonic() - start:.1f} s: {exc!r}"[:400]
                    )
                results.append((time.monotonic() - start, code))

        threads = [threading.Thread(target=load) for _ in range(4)]
        for t in threads:
            t.start()
        time.sleep(8)
        kill_at = time.monotonic() - start
        killed = 0
        for _ in range(3):  # the connections the workers kept (CONN_MAX_AGE), killed three times
            killed += terminate_app_connections()
            time.sleep(2)
        killed_until = time.monotonic() - start
        print(
            f"phase 1: {killed} server processes terminated between {kill_at:.1f} s and {killed_until:.1f} s"
        )
        time.sleep(8)
        proxy.cut()
        cut_at = time.monotonic() - start
        print(f"phase 2: PostgreSQL cut at {cut_at:.1f} s")
        time.sleep(seconds_down)
        proxy.restore()
        back_at = time.monotonic() - start
        print(f"         PostgreSQL back at {back_at:.1f} s")
        time.sleep(15)
        stop_load.set()
        for t in threads:
            t.join()
        phases = {
            "before": Counter(c for t, c in results if t < kill_at),
            "killed": Counter(c for t, c in results if kill_at <= t < killed_until),
            "between": Counter(c for t, c in results if killed_until <= t < cut_at),
            "down": Counter(c for t, c in results if cut_at <= t < back_at),
            "after": Counter(c for t, c in results if t >= back_at),
        }
        for name, counts in phases.items():
            print(f"  {name:<8} {dict(sorted(counts.items()))}")
        first_ok = next((t for t, c in results if t >= back_at and c == 200), None)
        if first_ok is not None:
            print(f"  first 200 after restore: {first_ok - back_at:.2f} s")
        bad = Counter(c for _, c in results if c not in (200, 503))
        check(killed > 0, "the application's connections were found and terminated")
        check(not bad, f"every answer 200 or 503 (others: {dict(bad)})")
        check(phases["down"].get(503, 0) > 0, "503 while PostgreSQL is unreachable")
        tail = {c for t, c in results if t >= back_at + 3}
        check(tail == {200}, f"all 200 from 3 s after PostgreSQL is back, without a restart ({tail})")
        check(set(phases["between"]) == {200}, "all 200 between the kills and the cut")
    finally:
        stop(web, redis_proc)


# --- a Celery worker killed mid-task ---------------------------------------------------------------


def drill_worker(requests_made: int = 100, visibility: int = 15) -> None:
    django_setup()
    from django.db.models import Count
    from django.utils import timezone

    from presales.accounts.models import Team
    from presales.core import outbox
    from presales.customers.models import Customer
    from presales.notifications.models import Delivery, Notification
    from presales.support.models import SupportRequest
    from presales.support.tasks import remind_overdue_support_requests

    print(f"== A Celery worker killed mid-task: the SLA reminders of {requests_made} overdue requests")
    mail = Path(tempfile.mkdtemp(prefix="drill-mail-"))
    worker_env = dict(
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=mail,
        CELERY_VISIBILITY_TIMEOUT=visibility,
    )
    redis_proc = start_redis()
    stamp = time.strftime("%H%M%S")
    team = Team.objects.exclude(lead=None).select_related("lead").order_by("pk").first()
    requester = team.members.exclude(pk=team.lead_id).filter(is_active=True).order_by("pk").first()
    customer = Customer.objects.order_by("pk").first()
    now = timezone.now()
    made = SupportRequest.objects.bulk_create(
        SupportRequest(
            number=f"DRILL{stamp}{i:04d}",
            title=f"故障演练 {i}",
            request_type="tech_qa",
            priority="normal",
            description="worker drill",
            customer=customer,
            requester=requester,
            team=team,
            status="new",
            submitted_at=now - timezone.timedelta(days=3),
            response_due_at=now - timezone.timedelta(days=2),
            wanted_by=now - timezone.timedelta(days=1),
        )
        for i in range(requests_made)
    )
    ids = [r.pk for r in made]
    keys = [f"support:{pk}:{what}" for pk in ids for what in ("response_overdue", "overdue")]
    ours = Notification.objects.filter(dedup_key__in=keys)
    # Each request: "first response overdue" to the lead, "overdue" to the requester and the lead.
    expected = 3 * requests_made
    worker = start_worker("drill-worker", **worker_env)
    workers = [worker]
    emails = Delivery.objects.filter(notification__in=ours, channel="email")

    def kill_when_running(what: str, kill) -> None:
        remind_overdue_support_requests.apply_async()  # what beat does every 15 minutes
        running = wait_for(lambda: 0 < ours.count() < expected and ours.count(), 180, 0.05)
        kill()
        time.sleep(1)
        n = ours.count()
        print(f"  {what} killed with {running} of {expected} reminders made ({n} a second later)")
        check(bool(running) and n < expected, "killed mid-task")

    def outcome(case: str) -> None:
        started = time.monotonic()
        done = wait_for(lambda: ours.count() == expected, 300)
        check(
            bool(done),
            f"{case}: the job ran again to the end: {ours.count()} of {expected} reminders "
            f"({time.monotonic() - started:.0f} s after the kill)",
        )
        twice = ours.values("recipient", "dedup_key").annotate(n=Count("pk")).filter(n__gt=1).count()
        check(twice == 0, f"{case}: no reminder twice (one per person and dedup key)")
        # What celery beat does every minute (the drill runs no beat): sweep the outbox. It sends
        # what a killed process committed but had not handed to the broker yet.
        swept = Counter()

        def delivered():
            if emails.filter(status="pending").exists():
                swept.update(outbox.drain())
                return False
            return True

        wait_for(delivered, 300, step=5)
        print(f"  {case}: outbox sweeps meanwhile: {dict(swept)}")
        time.sleep(3)
        per_notification = emails.values("notification").annotate(n=Count("pk")).filter(n__gt=1).count()
        statuses = dict(Counter(emails.values_list("status", flat=True)))
        check(
            per_notification == 0 and not emails.exclude(status__in=["sent", "digest"]).exists(),
            f"{case}: one e-mail delivery per reminder, each sent or kept for the digest {statuses}",
        )
        mails = [m for m in mail_files(mail) if "DRILL" in m[1] or "故障演练" in m[1]]
        sent = emails.filter(status="sent").count()
        check(
            len(mails) == sent and len(set(mails)) == len(mails),
            f"{case}: e-mails written {len(mails)} ({len(set(mails))} different) for {sent} sent",
        )

    try:
        # 1. The pool process running the task (the worker itself lives): WorkerLostError, the task
        #    rejected and requeued at once (task_reject_on_worker_lost), run by a new pool process.
        wait_for(lambda: pool_children(worker.pid), 120)
        kill_when_running(
            "the pool process", lambda: [os.kill(p, signal.SIGKILL) for p in pool_children(worker.pid)]
        )
        outcome("pool process killed")
        ours.delete()  # the second case starts from nothing again
        for f in mail.glob("*"):
            f.unlink()
        # 2. The whole worker (SIGKILL to its process group: a host lost, the OOM killer): the message
        #    stays unacknowledged in Redis; a new worker gets it once the visibility timeout passed.
        kill_when_running("the whole worker", lambda: os.killpg(worker.pid, signal.SIGKILL))
        worker.wait(10)
        time.sleep(visibility + 1)
        worker = start_worker("drill-worker-2", **worker_env)
        workers.append(worker)
        outcome(f"whole worker killed, new worker after the visibility timeout ({visibility} s)")
        before = ours.count()
        remind_overdue_support_requests()  # once more, here: nothing new
        check(ours.count() == before, "the job run once more adds nothing")
    finally:
        for w in workers:
            if w.poll() is None:
                os.killpg(w.pid, signal.SIGTERM)
        stop(*workers, redis_proc)
        Notification.objects.filter(dedup_key__in=keys).delete()
        SupportRequest.objects.filter(pk__in=ids).delete()
        shutil.rmtree(mail, ignore_errors=True)


# --- an upload onto a full disk --------------------------------------------------------------------


def drill_disk() -> None:
    django_setup()
    from presales.documents.models import Document, DocumentVersion, FileBlob

    print("== An upload onto a full disk (media on a 1 MB tmpfs)")
    media = Path(tempfile.mkdtemp(prefix="drill-media-"))
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(media)], capture_output=True, text=True
    )
    if not check(mounted.returncode == 0, f"tmpfs mounted on {media} {mounted.stderr.strip()}"):
        return
    redis_proc = start_redis()
    web = start_gunicorn(MEDIA_ROOT=media)
    try:
        engineer = login("engineer")
        category = engineer.get(f"{APP}/api/document-categories/", timeout=60).json()[0]["id"]
        opportunity = document_target("engineer")
        if not check(opportunity is not None, "an opportunity the engineer may add documents to"):
            return
        counts = (Document.objects.count(), DocumentVersion.objects.count(), FileBlob.objects.count())
        body = secrets.token_hex(1_500_000).encode()  # 3 MB of text, new content
        answer = engineer.post(
            f"{APP}/api/documents/",
            data={"title": "故障演练：磁盘已满", "category": category, "opportunity": opportunity},
            files={"file": ("drill.txt", io.BytesIO(body), "text/plain")},
            timeout=120,
        )
        print(f"  POST /api/documents/ (3 MB) -> {answer.status_code} {answer.text[:300]}")
        check(answer.status_code == 507, "507 Insufficient Storage")
        check("file" in answer.text and "空间" in answer.text, "a message on the `file` field (in Chinese)")
        left = [p for p in media.rglob("*") if p.is_file()]
        check(not left, f"no file left in the storage ({len(left)})")
        after = (Document.objects.count(), DocumentVersion.objects.count(), FileBlob.objects.count())
        check(after == counts, f"no row: documents, versions, blobs {counts} -> {after}")
        r = engineer.get(f"{APP}/opportunities/board/", timeout=60)
        check(r.status_code == 200, "the site keeps working")
    finally:
        stop(web, redis_proc)
        subprocess.run(["umount", str(media)])
        shutil.rmtree(media, ignore_errors=True)


# --- a backup taken during load, restored --------------------------------------------------------


def drill_backup() -> None:
    django_setup()
    print("== A backup taken during load, restored into a new database and media folder")
    target_db = "presales_drill_restore"
    media = Path(tempfile.mkdtemp(prefix="drill-restore-media-"))
    backup = Path(tempfile.mkdtemp(prefix="drill-backup-")) / "presales.zip"
    redis_proc = start_redis()
    web = start_gunicorn()
    psql = ["psql", "-X", "-q", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-c"]
    try:
        manager = login("demo")
        engineer = login("engineer")
        category = engineer.get(f"{APP}/api/document-categories/", timeout=60).json()[0]["id"]
        customers = [
            c["id"] for c in manager.get(f"{APP}/api/customers/?page_size=20", timeout=60).json()["results"]
        ]
        opportunity = document_target("engineer")
        codes: Counter = Counter()
        stop_load = threading.Event()

        def writer(session, n):
            i = 0
            while not stop_load.is_set():
                i += 1
                try:
                    if n % 2:
                        r = session.post(
                            f"{APP}/api/documents/",
                            data={
                                "title": f"备份演练 {n}-{i}",
                                "category": category,
                                "opportunity": opportunity,
                            },
                            files={
                                "file": (
                                    f"backup-{n}-{i}.txt",
                                    io.BytesIO(secrets.token_hex(20_000).encode()),
                                    "text/plain",
                                )
                            },
                            timeout=60,
                        )
                        codes["upload", r.status_code] += 1
                    else:
                        r = session.post(
                            f"{APP}/api/support-requests/",
                            json={
                                "title": f"备份演练 {n}-{i}",
                                "request_type": "tech_qa",
                                "priority": "normal",
                                "description": "backup drill",
                                "customer": customers[i % len(customers)],
                                "wanted_by": "2030-01-01T00:00:00+08:00",
                            },
                            timeout=60,
                        )
                        codes["support", r.status_code] += 1
                    codes["board", session.get(f"{APP}/opportunities/board/", timeout=60).status_code] += 1
                except requests.RequestException as exc:
                    codes["error", type(exc).__name__] += 1

        threads = [
            threading.Thread(target=writer, args=(engineer if n % 2 else manager, n)) for n in range(4)
        ]
        for t in threads:
            t.start()
        time.sleep(5)
        t0 = time.monotonic()
        made = subprocess.run(
            [str(BIN / "presales"), "backup", str(backup)],
            env=env(),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=1800,
        )
        took = time.monotonic() - t0
        time.sleep(3)
        stop_load.set()
        for t in threads:
            t.join()
        print(f"  load during the backup: {dict(codes)}")
        check(
            made.returncode == 0,
            f"presales backup during load ({took:.0f} s): {(made.stdout + made.stderr).strip()[-300:]}",
        )
        check(codes["upload", 201] > 0 and codes["support", 201] > 0, "writes committed while it ran")
        check(not [k for k in codes if k[0] == "error" or k[1] >= 500], "no error or 5xx in the load")
        if made.returncode != 0:
            return
        with zipfile.ZipFile(backup) as z:
            manifest = json.loads(z.read("manifest.json"))
        subprocess.run(psql + [f'DROP DATABASE IF EXISTS "{target_db}" WITH (FORCE)'], check=True)
        subprocess.run(psql + [f'CREATE DATABASE "{target_db}"'], check=True)
        restore_env = env(database=target_db, MEDIA_ROOT=media)
        t0 = time.monotonic()
        migrate = subprocess.run(
            [str(BIN / "presales"), "migrate", "--noinput", "-v", "0"],
            env=restore_env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=3600,
        )
        check(
            migrate.returncode == 0,
            f"new database migrated ({time.monotonic() - t0:.0f} s) {migrate.stderr[-300:]}",
        )
        t0 = time.monotonic()
        restored = subprocess.run(
            [str(BIN / "presales"), "restore", str(backup)],
            env=restore_env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=3600,
        )
        check(
            restored.returncode == 0,
            f"presales restore ({time.monotonic() - t0:.0f} s): "
            f"{(restored.stdout + restored.stderr).strip()[-300:]}",
        )
        # Independent of the restore's own verification: counts read back from the new database,
        # hashes of the files in the new media folder.
        script = (
            "import json; from presales.documents.backup import row_counts; print(json.dumps(row_counts()))"
        )
        out = subprocess.run(
            [str(BIN / "presales"), "shell", "-c", script],
            env=restore_env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
        )
        counts = json.loads(out.stdout.strip().splitlines()[-1])
        differ = {k: (v, counts.get(k)) for k, v in manifest["counts"].items() if counts.get(k) != v}
        check(
            not differ,
            f"row counts identical: {sum(manifest['counts'].values())} rows in "
            f"{len(manifest['counts'])} tables {list(differ.items())[:3]}",
        )
        bad = []
        for entry in manifest["files"]:
            path = media / entry["name"]
            digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None
            if digest != entry["sha256"]:
                bad.append(entry["name"])
        check(not bad, f"file hashes identical: {len(manifest['files'])} files ({len(bad)} differ)")
        from presales.documents.models import FileBlob

        blobs = set(FileBlob.objects.values_list("name", flat=True))
        in_backup = {f["name"] for f in manifest["files"]}
        check(
            manifest["counts"]["documents.fileblob"] <= len(blobs),
            "the snapshot is one moment of the live data",
        )
        names = json.loads(
            subprocess.run(
                [
                    str(BIN / "presales"),
                    "shell",
                    "-c",
                    "import json; from presales.documents.models import FileBlob; "
                    "print(json.dumps(list(FileBlob.objects.values_list('name', flat=True))))",
                ],
                env=restore_env,
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=600,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        check(set(names) <= in_backup, f"every restored document file is in the backup ({len(names)} blobs)")
    finally:
        stop(web, redis_proc)
        subprocess.run(psql + [f'DROP DATABASE IF EXISTS "{target_db}" WITH (FORCE)'])
        shutil.rmtree(media, ignore_errors=True)
        shutil.rmtree(backup.parent, ignore_errors=True)


DRILLS = {
    "redis": drill_redis,
    "database": drill_database,
    "worker": drill_worker,
    "disk": drill_disk,
    "backup": drill_backup,
}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("drill", choices=[*DRILLS, "all"])
    args = parser.parse_args()
    LOG.mkdir(parents=True, exist_ok=True)
    busy = socket.socket()
    if busy.connect_ex(("127.0.0.1", 8000)) == 0:
        print(
            "note: something listens on 127.0.0.1:8000 — stop `make serve` first (its worker and beat "
            "would take the drills' tasks)",
            file=sys.stderr,
        )
    busy.close()
    for name in DRILLS if args.drill == "all" else [args.drill]:
        started = time.monotonic()
        DRILLS[name]()
        print(f"   ({name}: {time.monotonic() - started:.0f} s)\n")
    print("FAILED:\n  " + "\n  ".join(FAILED) if FAILED else "all checks passed")
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
