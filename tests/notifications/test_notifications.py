import pytest
from django.core import mail
from django.urls import reverse

from presales.notifications.models import Notification
from presales.notifications.services import notify
from tests.kit import assert_constant_queries, check_access

pytestmark = pytest.mark.django_db


def test_sent_after_commit_with_email_and_dedup(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[cast.engineer_a, cast.engineer_a, None], kind="support.overdue", title="请求已超时",
               body="ZC-2026-00001", url="/support/1/", dedup_key="overdue:1")
    assert Notification.objects.filter(recipient=cast.engineer_a).count() == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [cast.engineer_a.email]
    assert "/support/1/" in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[cast.engineer_a], kind="support.overdue", title="again", dedup_key="overdue:1")
    assert Notification.objects.filter(recipient=cast.engineer_a).count() == 1  # same key: sent once


def test_nothing_sent_when_the_transaction_rolls_back(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(recipients=[cast.engineer_a], kind="x", title="t")
    assert len(callbacks) == 1 and not Notification.objects.exists()  # queued, not written


def make(cast, n=1, user=None):
    for i in range(n):
        Notification.objects.create(recipient=user or cast.engineer_a, kind="k", title=f"通知{i}", url="/customers/")


def test_inbox_and_badge(client, cast):
    make(cast, 2)
    make(cast, 1, user=cast.engineer_b)
    check_access(client, cast, reverse("notifications:inbox"), permitted=["engineer_a", "nobody"])
    client.force_login(cast.engineer_a)
    body = client.get(reverse("notifications:inbox")).content.decode()
    assert body.count("通知") >= 2 and 'data-testid="unread-count">2<' in body
    client.force_login(cast.engineer_b)
    assert 'data-testid="unread-count">1<' in client.get(reverse("notifications:inbox")).content.decode()


def test_inbox_queries_constant(client, cast):
    make(cast, 2)
    client.force_login(cast.engineer_a)
    assert_constant_queries(client, reverse("notifications:inbox"), lambda: make(cast, 10))


def test_mark_read_page_only_touches_my_own(client, cast):
    make(cast, 1)
    make(cast, 1, user=cast.engineer_b)
    mine = Notification.objects.get(recipient=cast.engineer_a)
    theirs = Notification.objects.get(recipient=cast.engineer_b)
    url = reverse("notifications:mark_read")
    check_access(client, cast, url, method="post", data={"id": theirs.pk}, permitted=["engineer_a"])
    theirs.refresh_from_db()
    assert theirs.read_at is None  # engineer_a cannot mark someone else's
    client.force_login(cast.engineer_a)
    response = client.post(url, {"id": mine.pk, "next": "//evil.example.com/"})
    assert response["Location"] == reverse("notifications:inbox")  # no open redirect
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_api(client, cast):
    make(cast, 3)
    make(cast, 1, user=cast.engineer_b)
    check_access(client, cast, reverse("notification-list"), api=True, permitted=["engineer_a"])
    n = Notification.objects.filter(recipient=cast.engineer_a).first()
    check_access(client, cast, reverse("notification-detail", args=[n.pk]), api=True,
                 permitted=["engineer_a"], hidden=["engineer_b"])
    client.force_login(cast.engineer_a)
    assert client.get(reverse("notification-list"), {"unread": "true"}).json()["count"] == 3
    r = client.post(reverse("notification-mark-read"), {"ids": [n.pk]}, content_type="application/json")
    assert r.json() == {"marked": 1}
    bad = client.post(reverse("notification-mark-read"), {"ids": ["x"]}, content_type="application/json")
    assert bad.status_code == 400 and "ids" in bad.json()
    assert client.post(reverse("notification-mark-read"), {}, content_type="application/json").json() == {"marked": 2}
    assert_constant_queries(client, reverse("notification-list"), lambda: make(cast, 5), api=True)
