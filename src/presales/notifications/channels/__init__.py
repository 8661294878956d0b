"""Delivery channels behind one interface: `channel_for(delivery).send(delivery) -> Outcome`.

In-app needs no delivery (the notification row is the inbox entry); e-mail and the group robots of
企业微信 / 钉钉 / 飞书 each have an adapter. An adapter never raises for a refusal by the other side:
it reports it in the outcome, and the delivery task decides whether to try again."""

from __future__ import annotations

from .base import Outcome, Sender
from .email import EmailSender
from .robots import DingTalkRobot, FeishuRobot, WeComRobot

ROBOTS: dict[str, type[Sender]] = {"wecom": WeComRobot, "dingtalk": DingTalkRobot, "feishu": FeishuRobot}


def channel_for(delivery) -> Sender:
    if delivery.channel == "email":
        return EmailSender()
    return ROBOTS[delivery.robot.platform]()


__all__ = [
    "Outcome",
    "Sender",
    "channel_for",
    "ROBOTS",
    "EmailSender",
    "WeComRobot",
    "DingTalkRobot",
    "FeishuRobot",
]
