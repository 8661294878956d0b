"""Group robots. Each platform's documented message format and signature:

- 企业微信 (WeCom) group robot: POST JSON `{"msgtype": "markdown", "markdown": {"content": ...}}` to the
  webhook address (its `key` parameter is the credential); no signature.
- 钉钉 (DingTalk) custom robot with 加签: `timestamp` in milliseconds, string to sign
  `"{timestamp}\n{secret}"`, HMAC-SHA256 with the secret as key, Base64, URL-encoded; sent as the
  `timestamp` and `sign` query parameters. Body `{"msgtype": "markdown", "markdown": {"title", "text"}}`.
- 飞书 (Feishu / Lark) custom bot with 签名校验: `timestamp` in seconds, HMAC-SHA256 with the string
  `"{timestamp}\n{secret}"` as the key over an empty message, Base64; sent in the body as
  `timestamp` and `sign` beside `msg_type` and the card.

All three answer HTTP 200 with an error code in the JSON body when they refuse a message
(`errcode` for WeCom and DingTalk, `code` for Feishu); that counts as a failure too."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings

from ..rendering import robot_texts
from .base import Outcome, Sender

TIMEOUT = 10  # seconds


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    string_to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), string_to_sign, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def feishu_sign(secret: str, timestamp_s: int) -> str:
    key = f"{timestamp_s}\n{secret}".encode()
    digest = hmac.new(key, b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def post_json(url: str, payload: dict) -> Outcome:
    request = urllib.request.Request(
        url,
        data=json.dumps(payload, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 - admin-set https/http URL
            code, raw = response.status, response.read(65536)
    except urllib.error.HTTPError as exc:
        return Outcome(
            False,
            exc.code,
            f"HTTP {exc.code}: {exc.read(2000).decode(errors='replace')}"[:1000],
            retry=exc.code >= 500 or exc.code == 429,
        )
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        return Outcome(False, None, str(getattr(exc, "reason", exc))[:1000])
    try:
        answer = json.loads(raw or b"{}")
    except ValueError:
        answer = {}
    err = (
        answer.get("errcode", answer.get("code", answer.get("StatusCode", 0)))
        if isinstance(answer, dict)
        else 0
    )
    if err not in (0, None, "0"):
        message = answer.get("errmsg") or answer.get("msg") or answer.get("StatusMessage") or ""
        return Outcome(False, code, f"error {err}: {message}"[:1000], retry=False)
    return Outcome(True, code)


def _link(notification) -> str:
    return f"{settings.PRESALES_BASE_URL.rstrip('/')}{notification.url}" if notification.url else ""


class WeComRobot(Sender):
    code = "wecom"

    def payload(self, title: str, body: str, link: str) -> dict:
        lines = [f"**{title}**"]
        if body:
            lines.append(body)
        if link:
            lines.append(f"[{link}]({link})")
        return {"msgtype": "markdown", "markdown": {"content": "\n".join(lines)}}

    def send(self, delivery) -> Outcome:
        title, body = robot_texts(delivery.notification)
        return post_json(delivery.robot.url, self.payload(title, body, _link(delivery.notification)))


class DingTalkRobot(Sender):
    code = "dingtalk"

    def signed_url(self, url: str, secret: str, now: float | None = None) -> str:
        if not secret:
            return url
        timestamp = int((now if now is not None else time.time()) * 1000)
        query = urllib.parse.urlencode({"timestamp": timestamp, "sign": dingtalk_sign(secret, timestamp)})
        return f"{url}{'&' if '?' in url else '?'}{query}"

    def send(self, delivery) -> Outcome:
        title, body = robot_texts(delivery.notification)
        link = _link(delivery.notification)
        text = f"#### {title}\n\n{body}" + (f"\n\n[{link}]({link})" if link else "")
        payload = {"msgtype": "markdown", "markdown": {"title": title, "text": text}}
        return post_json(self.signed_url(delivery.robot.url, delivery.robot.secret), payload)


class FeishuRobot(Sender):
    code = "feishu"

    def payload(self, title: str, body: str, link: str, secret: str, now: float | None = None) -> dict:
        content = body + (f"\n[{link}]({link})" if link else "")
        payload = {
            "msg_type": "interactive",
            "card": {
                "header": {"title": {"tag": "plain_text", "content": title}},
                "elements": [{"tag": "markdown", "content": content or title}],
            },
        }
        if secret:
            timestamp = int(now if now is not None else time.time())
            payload.update(timestamp=str(timestamp), sign=feishu_sign(secret, timestamp))
        return payload

    def send(self, delivery) -> Outcome:
        title, body = robot_texts(delivery.notification)
        payload = self.payload(title, body, _link(delivery.notification), delivery.robot.secret)
        return post_json(delivery.robot.url, payload)
