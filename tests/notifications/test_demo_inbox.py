"""The demo company's inboxes: a few dozen recent, varied items per person, at most 50 unread,
timestamps spread over recent days, and every text readable in the recipient's language."""

import re
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Q
from django.test import TestCase
from django.utils import translation
from django.utils.translation import gettext, pgettext

from presales.notifications.models import Notification
from presales.notifications.rendering import language_of

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Built once for this module by the real command inside a transaction rolled back at the end;
    the notifications, written after commit in a real run, are run here at the end of the build."""
    with django_db_blocker.unblock(), transaction.atomic():
        with TestCase.captureOnCommitCallbacks(execute=True):
            call_command("demo_data", stdout=StringIO())
        yield
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_inboxes_are_small_recent_and_varied(demo):
    per_user = Notification.objects.values("recipient").annotate(
        total=Count("pk"), unread=Count("pk", filter=Q(read_at__isnull=True)),
        todo=Count("pk", filter=Q(read_at__isnull=True, actionable=True)),
    )
    assert per_user, "the demo company announces something to someone"
    assert max(row["unread"] for row in per_user) <= 50
    assert max(row["total"] for row in per_user) <= 50
    assert sum(row["unread"] for row in per_user) > 0 and sum(row["todo"] for row in per_user) > 0
    assert len(set(Notification.objects.values_list("kind", flat=True))) >= 6  # varied kinds
    busiest = max(per_user, key=lambda row: row["total"])["recipient"]
    days = {n.created_at.date() for n in Notification.objects.filter(recipient_id=busiest)}
    assert len(days) >= 4  # spread over recent days, not one timestamp
    newest, oldest = (Notification.objects.order_by(f).values_list("created_at", flat=True)[0]
                      for f in ("-created_at", "created_at"))
    assert (newest - oldest).days <= 14
    kinds = Counter(Notification.objects.filter(recipient_id=busiest).values_list("kind", flat=True))
    assert len(kinds) >= 2 or sum(kinds.values()) <= 2


@pytest.mark.django_db
def test_every_text_in_the_recipients_language(demo):
    seen = set()
    for n in Notification.objects.select_related("recipient__notification_preferences"):
        assert n.params.get("title"), f"{n.kind}: text kept as parameters"
        language = language_of(n.recipient)
        title = n.params["title"]
        key = (title.get("context"), title["msgid"], language)
        if key not in seen:
            seen.add(key)
            with translation.override(language):
                translated = pgettext(title["context"], title["msgid"]) if title.get("context") else gettext(title["msgid"])
            if language.startswith("zh") and not CJK.search(title["msgid"]):
                assert translated != title["msgid"], f"untranslated notification text: {title['msgid']!r}"
        text, _ = n.texts_in(language)
        if language.startswith("zh"):
            assert CJK.search(text), f"{n.kind}: {text!r}"
