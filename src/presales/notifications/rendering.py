"""Texts of e-mails and robot messages, in the language their readers chose."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _


def language_of(user) -> str:
    """The language a person reads e-mails in (their preference; the company's default otherwise)."""
    try:
        return user.notification_preferences.language or settings.LANGUAGE_CODE
    except user.__class__.notification_preferences.RelatedObjectDoesNotExist:
        return settings.LANGUAGE_CODE


def absolute(url: str) -> str:
    return f"{settings.PRESALES_BASE_URL.rstrip('/')}{url}" if url else ""


def email_texts(notification) -> tuple[str, str]:
    with translation.override(language_of(notification.recipient)):
        title, body = notification.title_text, notification.body_text
        link = absolute(notification.url)
        text = body + (f"\n\n{link}" if link else "")
        footer = _("You receive this because of your notification settings: %(url)s") % {
            "url": absolute("/notifications/preferences/")
        }
        return title[:200], f"{text}\n\n-- \n{footer}"


def robot_texts(notification) -> tuple[str, str]:
    """A group reads the company's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return notification.title_text, notification.body_text


def digest_texts(user, notifications) -> tuple[str, str]:
    with translation.override(language_of(user)):
        subject = _("Your daily digest: %(count)s notifications") % {"count": len(notifications)}
        lines = []
        for n in notifications:
            lines.append(f"· {n.title_text}")
            if n.body_text:
                lines.append(f"  {n.body_text}")
            if n.url:
                lines.append(f"  {absolute(n.url)}")
        footer = _("You receive one digest a day; change it in your notification settings: %(url)s") % {
            "url": absolute("/notifications/preferences/")
        }
        return subject, "\n".join(lines) + f"\n\n-- \n{footer}"
