"""Notification texts kept as data (a message id and its parameters) so that each reader gets them
in their own language: the inbox renders them on read, e-mails and robots per recipient.

A call site writes what it wrote before, with `Text` around it::

    title=Text(gettext_lazy("Support request overdue: %(number)s %(title)s"), number=..., title=...)

Parameters may be plain values (names, numbers, dates: shown as given), lazy translations (choice
labels: translated on read) or other `Text` objects."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext


class Text:
    """A translatable message: the message id of `template` and its `params`."""

    def __init__(self, template, /, **params: Any) -> None:
        self.template = template
        self.params = params

    def __mod__(self, params: dict) -> Text:
        """`Text(gettext_lazy("… %(x)s …")) % {"x": ...}`, as one writes with gettext."""
        return Text(self.template, **{**self.params, **params})

    def to_data(self) -> dict:
        data = message_data(self.template)
        if self.params:
            data["params"] = {key: to_data(value) for key, value in self.params.items()}
        return data

    def __str__(self) -> str:
        return render(self.to_data())


def lazy_text(msgid: str) -> Text:
    """For modules whose `_` only makes notification texts: `from ... import lazy_text as _` keeps
    `_("… %(x)s …") % {...}` (and makemessages finds the message) but yields a `Text`."""
    return Text(msgid)


def message_data(template) -> dict:
    """{"msgid": ..., "context": ...} of a lazy translation (its message id, not its current text)."""
    if isinstance(template, Promise):
        func, args = template.__reduce__()[1][:2]
        if func is pgettext and len(args) == 2:
            return {"context": str(args[0]), "msgid": str(args[1])}
        if func is gettext and len(args) == 1:
            return {"msgid": str(args[0])}
    return {"msgid": str(template)}  # a plain string (gettext_noop, or text that is not translated)


def to_data(value):
    """JSON for a text or a parameter: translatable parts stay message ids."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, Text):
        return value.to_data()
    if isinstance(value, Promise):
        return message_data(value)
    if isinstance(value, datetime):
        return (
            timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
            if timezone.is_aware(value)
            else value.strftime("%Y-%m-%d %H:%M")
        )
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def render(data) -> str:
    """The text of `data` (from `to_data`) in the active language."""
    if data is None:
        return ""
    if not isinstance(data, dict):
        return str(data)
    msgid = data.get("msgid", "")
    template = pgettext(data["context"], msgid) if data.get("context") else (gettext(msgid) if msgid else "")
    params = data.get("params")
    if not params:
        return template
    values = {key: render(value) if isinstance(value, dict) else value for key, value in params.items()}
    try:
        return template % values
    except (KeyError, ValueError, TypeError):
        try:
            return msgid % values  # a translation that lost a placeholder: the original still reads
        except (KeyError, ValueError, TypeError):
            return template
