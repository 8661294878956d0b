"""Delivery to group robots, tested against a local HTTP receiver (never the real services): the
payload and signature each platform documents, retries with backoff on a 5xx, every attempt logged."""

import base64
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse

from presales.notifications import tasks
from presales.notifications.models import Delivery, Notification, Subscription, TeamRobot
from presales.notifications.services import notify
from tests.kit import check_access

pytestmark = pytest.mark.django_db


class Receiver:
    """A local webhook endpoint: answers with the queued statuses (then 200) and records requests."""

    def __init__(self):
        self.requests: list[dict] = []
        self.statuses: list[int] = []
        self.body = b'{"errcode": 0, "errmsg": "ok"}'
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                receiver.requests.append({"path": self.path, "body": json.loads(self.rfile.read(length))})
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(receiver.body if status == 200 else b'{"errcode": -1}')

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/robot/send"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def robot(cast, receiver, platform, secret="", events=("sla",)):
    return TeamRobot.objects.create(team=cast.team_a, name="华东售前群", platform=platform, url=receiver.url + "?access_token=abc",
                                    secret=secret, events=list(events))


def send_overdue(cast, capture, recipients=None):
    with capture(execute=True):
        notify(recipients=recipients or [cast.engineer_a, cast.engineer_a2], kind="support.overdue",
               title="售前支持申请已逾期：ZC-2026-00001", body="已超过期望完成时间", url="/support/1/", email=False)


def test_dingtalk_signed_markdown(cast, receiver, django_capture_on_commit_callbacks):
    secret = "SEC0123456789abcdef"
    robot(cast, receiver, "dingtalk", secret)
    before = int(time.time() * 1000)
    send_overdue(cast, django_capture_on_commit_callbacks)
    (request,) = receiver.requests  # one message for the team, not one per member
    query = parse_qs(urlparse(request["path"]).query)
    assert query["access_token"] == ["abc"]
    timestamp = query["timestamp"][0]
    assert before <= int(timestamp) <= int(time.time() * 1000)
    expected = base64.b64encode(
        hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    ).decode()
    assert query["sign"] == [expected]
    assert request["body"]["msgtype"] == "markdown"
    assert "售前支持申请已逾期" in request["body"]["markdown"]["title"]
    assert "/support/1/" in request["body"]["markdown"]["text"]
    d = Delivery.objects.get(channel="robot")
    assert (d.status, d.attempts, d.response_code, d.error) == ("sent", 1, 200, "")


def test_feishu_signed_in_body(cast, receiver, django_capture_on_commit_callbacks):
    secret = "feishu-secret"
    receiver.body = b'{"code": 0, "msg": "success"}'
    robot(cast, receiver, "feishu", secret)
    send_overdue(cast, django_capture_on_commit_callbacks)
    (request,) = receiver.requests
    body = request["body"]
    expected = base64.b64encode(
        hmac.new(f"{body['timestamp']}\n{secret}".encode(), b"", hashlib.sha256).digest()
    ).decode()
    assert body["sign"] == expected and abs(int(body["timestamp"]) - time.time()) < 60
    assert body["msg_type"] == "interactive"
    assert body["card"]["header"]["title"]["content"] == "售前支持申请已逾期：ZC-2026-00001"
    assert Delivery.objects.get().status == "sent"


def test_wecom_markdown(cast, receiver, django_capture_on_commit_callbacks):
    robot(cast, receiver, "wecom")
    send_overdue(cast, django_capture_on_commit_callbacks)
    (request,) = receiver.requests
    assert request["body"]["msgtype"] == "markdown"
    assert request["body"]["markdown"]["content"].startswith("**售前支持申请已逾期：ZC-2026-00001**")
    assert "sign" not in request["path"]


def test_retry_on_500_then_success(cast, receiver, django_capture_on_commit_callbacks):
    robot(cast, receiver, "wecom")
    receiver.statuses = [500, 502]
    send_overdue(cast, django_capture_on_commit_callbacks)
    assert len(receiver.requests) == 3
    d = Delivery.objects.get()
    assert (d.status, d.attempts, d.response_code, d.error) == ("sent", 3, 200, "")
    assert [tasks.backoff(n) for n in range(3)] == [60, 120, 240]  # exponential backoff between attempts


def test_failure_logged_after_max_attempts(cast, receiver, django_capture_on_commit_callbacks):
    robot(cast, receiver, "dingtalk", "s")
    receiver.statuses = [500] * 10
    send_overdue(cast, django_capture_on_commit_callbacks)
    assert len(receiver.requests) == tasks.MAX_ATTEMPTS == 5
    d = Delivery.objects.get()
    assert (d.status, d.attempts, d.response_code) == ("failed", 5, 500)
    assert "HTTP 500" in d.error


def test_refusal_in_the_body_is_not_retried(cast, receiver, django_capture_on_commit_callbacks):
    receiver.body = b'{"errcode": 310000, "errmsg": "sign not match"}'
    robot(cast, receiver, "dingtalk", "wrong")
    send_overdue(cast, django_capture_on_commit_callbacks)
    d = Delivery.objects.get()
    assert (d.status, d.attempts, d.response_code) == ("failed", 1, 200) and "sign not match" in d.error


def test_unreachable_robot_is_logged(cast, django_capture_on_commit_callbacks):
    TeamRobot.objects.create(team=cast.team_a, name="群", platform="wecom", url="http://127.0.0.1:9/x", events=["sla"])
    send_overdue(cast, django_capture_on_commit_callbacks)
    d = Delivery.objects.get()
    assert (d.status, d.attempts, d.response_code) == ("failed", 5, None) and d.error


def test_robot_only_for_its_events_team_and_preferences(cast, receiver, django_capture_on_commit_callbacks):
    robot(cast, receiver, "wecom", events=("approval",))
    send_overdue(cast, django_capture_on_commit_callbacks)  # SLA: not this robot's event
    assert not receiver.requests
    TeamRobot.objects.update(events=["sla"], active=False)
    send_overdue(cast, django_capture_on_commit_callbacks)
    assert not receiver.requests  # switched off
    TeamRobot.objects.update(active=True)
    send_overdue(cast, django_capture_on_commit_callbacks, recipients=[cast.engineer_b])
    assert not receiver.requests  # team B's member: not team A's group
    Subscription.objects.create(user=cast.engineer_a, event="sla", channel="robot", enabled=False)
    send_overdue(cast, django_capture_on_commit_callbacks, recipients=[cast.engineer_a])
    assert not receiver.requests  # the member does not want it in the group
    send_overdue(cast, django_capture_on_commit_callbacks, recipients=[cast.engineer_a, cast.engineer_a2])
    assert len(receiver.requests) == 1
    assert Notification.objects.filter(recipient=cast.engineer_a).count() == 4  # the inbox got them all


# --- the managers' page ---------------------------------------------------------------------------------


def test_robot_pages(client, cast):
    existing = TeamRobot.objects.create(team=cast.team_b, name="华南群", platform="wecom",
                                        url="http://127.0.0.1:9/hook", events=["sla"])
    for name in ("robots", "robot_create"):
        check_access(client, cast, reverse(f"notifications:{name}"), permitted=["manager"],
                     forbidden=["engineer_a", "lead_a", "sales_a", "nobody"])
    edit = reverse("notifications:robot_edit", args=[existing.pk])
    check_access(client, cast, edit, permitted=["manager"], forbidden=["engineer_a", "nobody"])
    client.force_login(cast.manager)
    page = client.get(reverse("notifications:robots")).content.decode()
    assert "华南群" in page and "SLA" in page
    data = {"team": cast.team_a.pk, "name": "华东群", "platform": "dingtalk", "url": "https://oapi.dingtalk.com/robot/send?access_token=x",
            "secret": "", "events": ["sla", "poc"], "active": "on"}
    refused = client.post(reverse("notifications:robot_create"), data)
    assert refused.status_code == 200 and "secret" in refused.context["form"].errors
    assert TeamRobot.objects.count() == 1  # nothing written
    assert client.post(reverse("notifications:robot_create"), {**data, "secret": "SEC1"}).status_code == 302
    created = TeamRobot.objects.get(name="华东群")
    assert created.events == ["sla", "poc"] and created.secret == "SEC1"
    assert client.post(edit, {**data, "platform": "wecom", "name": "华南群2", "team": cast.team_b.pk}).status_code == 302
    existing.refresh_from_db()
    assert existing.name == "华南群2"
    delete = reverse("notifications:robot_delete", args=[existing.pk])
    check_access(client, cast, delete, method="post", permitted=[], forbidden=["engineer_a", "nobody"])
    assert TeamRobot.objects.filter(pk=existing.pk).exists()
    client.force_login(cast.manager)
    assert client.post(delete).status_code == 302
    assert not TeamRobot.objects.filter(pk=existing.pk).exists()
    assert client.post(reverse("notifications:robot_delete", args=[existing.pk])).status_code == 404
