import random

import pytest
from django.core import mail
from django.urls import reverse
from django.utils.translation import gettext_lazy

from presales.notifications.models import Delivery, Notification, Preferences, Subscription
from presales.notifications.services import notification_mark_read, notify, notify_mentions
from presales.notifications.tasks import send_digests
from presales.notifications.text import Text
from tests.kit import assert_constant_queries, check_access

pytestmark = pytest.mark.django_db


def test_sent_after_commit_with_email_and_dedup(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[cast.engineer_a, cast.engineer_a, None], kind="support.overdue", title="请求已超时",
               body="ZC-2026-00001", url="/support/1/", dedup_key="overdue:1")
    assert Notification.objects.filter(recipient=cast.engineer_a).count() == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [cast.engineer_a.email]
    assert "/support/1/" in mail.outbox[0].body
    delivery = Delivery.objects.get()
    assert (delivery.channel, delivery.status, delivery.attempts) == ("email", "sent", 1)
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[cast.engineer_a], kind="support.overdue", title="again", dedup_key="overdue:1")
    assert Notification.objects.filter(recipient=cast.engineer_a).count() == 1  # same key: sent once


def test_nothing_sent_when_the_transaction_rolls_back(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(recipients=[cast.engineer_a], kind="x", title="t")
    assert len(callbacks) == 1 and not Notification.objects.exists()  # queued, not written


def test_collected_notices_are_kept_not_sent(cast, django_capture_on_commit_callbacks):
    """Inside collected() (the demo company's builder) notify writes and sends nothing: it keeps
    the notice, its text as data, for the caller to write the inboxes itself."""
    from presales.notifications import demo
    from presales.notifications.services import collected

    with django_capture_on_commit_callbacks(execute=True) as callbacks, collected() as notices:
        notify(recipients=[cast.engineer_a, cast.lead_a, cast.engineer_a], kind="support.overdue",
               title=overdue_title(), url="/support/7/", dedup_key="overdue:7")
        notify(recipients=[cast.nobody], kind="talent.promotion",
               title=gettext_lazy("Your promotion was recorded"))
    assert not callbacks and not Notification.objects.exists() and not mail.outbox
    assert [n.kind for n in notices] == ["support.overdue", "talent.promotion"]
    assert notices[0].recipient_ids == (cast.engineer_a.pk, cast.lead_a.pk)
    assert notices[0].params["title"]["msgid"] == "Support request overdue: %(number)s %(title)s"
    # written as inboxes: one row per recipient, in-app only, nothing e-mailed
    counts = demo.build_inbox(random.Random(1), notices)
    assert counts == {"announced": 3, "in inboxes": 3}
    assert set(Notification.objects.values_list("recipient_id", "kind", "group_key")) == {
        (cast.engineer_a.pk, "support.overdue", "url:/support/7/"),
        (cast.lead_a.pk, "support.overdue", "url:/support/7/"),
        (cast.nobody.pk, "talent.promotion", ""),
    }
    assert Notification.objects.filter(read_at__isnull=True).count() == 3  # each the newest of its inbox
    assert not Delivery.objects.exists() and not mail.outbox
    # outside the block, sent as usual
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[cast.engineer_a], kind="support.overdue", title="请求已超时", dedup_key="overdue:8")
    assert Notification.objects.filter(dedup_key="overdue:8").exists() and len(mail.outbox) == 1


def overdue_title(number="ZC-2026-00007"):
    return Text(gettext_lazy("Support request overdue: %(number)s %(title)s")) % {"number": number, "title": "机房巡检"}


def test_texts_in_each_recipients_language(client, cast, django_capture_on_commit_callbacks):
    """The same event reaches a Chinese and an English reader, each in their language: the inbox
    renders on read in the reader's language, e-mails in the recipient's preferred language."""
    Preferences.objects.create(user=cast.engineer_b, language="en")
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[cast.engineer_a, cast.engineer_b], kind="support.overdue", title=overdue_title(),
               body=gettext_lazy("New mentoring pair"), url="/support/7/")
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects[cast.engineer_a.email] == "售前支持申请已逾期：ZC-2026-00007 机房巡检"
    assert subjects[cast.engineer_b.email] == "Support request overdue: ZC-2026-00007 机房巡检"
    zh = next(m for m in mail.outbox if m.to == [cast.engineer_a.email])
    assert "新建导师结对" in zh.body
    client.force_login(cast.engineer_b)
    english = client.get(reverse("notifications:inbox"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Support request overdue: ZC-2026-00007" in english and "New mentoring pair" in english
    chinese = client.get(reverse("notifications:inbox"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "售前支持申请已逾期：ZC-2026-00007" in chinese and "新建导师结对" in chinese
    stored = Notification.objects.get(recipient=cast.engineer_b)
    assert stored.params["title"]["msgid"] == "Support request overdue: %(number)s %(title)s"
    assert stored.title == "售前支持申请已逾期：ZC-2026-00007 机房巡检"  # frozen fallback in the default language


def test_old_rows_without_parameters_show_their_frozen_text(client, cast):
    Notification.objects.create(recipient=cast.engineer_a, kind="talent.mentoring", title="新建导师结对", body="旧")
    client.force_login(cast.engineer_a)
    assert "新建导师结对" in client.get(reverse("notifications:inbox"), HTTP_ACCEPT_LANGUAGE="en").content.decode()


def make(cast, n=1, user=None, *, kind="k", actionable=False, event="info", group="", read=False):
    from django.utils import timezone

    for i in range(n):
        Notification.objects.create(recipient=user or cast.engineer_a, kind=kind, title=f"通知{i}", url="/customers/",
                                    actionable=actionable, event=event, group_key=group,
                                    read_at=timezone.now() if read else None)


def test_inbox_and_badge_counts_unread_actionable_only(client, cast):
    make(cast, 2, kind="documents.review", actionable=True, event="approval")
    make(cast, 3)  # news: not counted
    make(cast, 1, kind="documents.review", actionable=True, event="approval", read=True)  # read: not counted
    make(cast, 1, user=cast.engineer_b, kind="documents.review", actionable=True, event="approval")
    check_access(client, cast, reverse("notifications:inbox"), permitted=["engineer_a", "nobody"])
    client.force_login(cast.engineer_a)
    body = client.get(reverse("notifications:inbox")).content.decode()
    assert body.count('data-testid="inbox-row"') == 6 and 'data-testid="unread-count">2<' in body
    assert body.count(">去处理<") == 3 and body.count(">查看<") == 3  # the action label by kind
    client.force_login(cast.engineer_b)
    assert 'data-testid="unread-count">1<' in client.get(reverse("notifications:inbox")).content.decode()


def test_inbox_groups_by_record_and_filters(client, cast, django_capture_on_commit_callbacks):
    doc = cast.team_a  # any record with a primary key stands for the document
    with django_capture_on_commit_callbacks(execute=True):
        for step in ("一级", "二级", "三级"):
            notify(recipients=[cast.engineer_a], kind="documents.review", title=f"待审批：方案 {step}", target=doc,
                   url="/documents/1/")
        notify(recipients=[cast.engineer_a], kind="support.overdue", title="请求已逾期", url="/support/3/")
        notify(recipients=[cast.engineer_a], kind="talent.promotion", title="晋升已记录", url="/talent/")
    client.force_login(cast.engineer_a)
    url = reverse("notifications:inbox")
    body = client.get(url).content.decode()
    assert body.count('data-testid="inbox-row"') == 3  # one line per record
    assert "待审批：方案 三级" in body and "待审批：方案 一级" not in body  # the latest of the record
    assert 'data-testid="group-count">3<' in body
    sla = client.get(url, {"event": "sla"}).content.decode()
    assert sla.count('data-testid="inbox-row"') == 1 and "请求已逾期" in sla
    Notification.objects.filter(kind="talent.promotion").update(read_at="2026-01-01T00:00:00Z")
    unread = client.get(url, {"unread": "on"}).content.decode()
    assert unread.count('data-testid="inbox-row"') == 2 and "晋升已记录" not in unread
    empty = client.get(url, {"event": "mention"}).content.decode()
    assert "Reset them" in empty or "重置" in empty
    bad = client.get(url, {"event": "nonsense"})
    assert bad.status_code == 200 and bad.content.decode().count('data-testid="inbox-row"') == 3  # ignored


def test_open_marks_the_record_read_and_redirects(client, cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            notify(recipients=[cast.engineer_a, cast.engineer_b], kind="documents.review", title="待审批",
                   target=cast.team_a, url="/documents/9/")
        notify(recipients=[cast.engineer_a], kind="support.overdue", title="另一件事", url="/support/3/")
    mine = Notification.objects.filter(recipient=cast.engineer_a, kind="documents.review").first()
    url = reverse("notifications:open", args=[mine.pk])
    check_access(client, cast, url, permitted=["engineer_a"], hidden=["engineer_b", "manager"])
    response = client.get(url)  # anonymous after check_access: to the login page
    client.force_login(cast.engineer_a)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == "/documents/9/"
    assert not Notification.objects.filter(recipient=cast.engineer_a, kind="documents.review", read_at=None).exists()
    assert Notification.objects.filter(recipient=cast.engineer_a, kind="support.overdue", read_at=None).exists()
    assert Notification.objects.filter(recipient=cast.engineer_b, read_at=None).count() == 2  # theirs untouched
    evil = Notification.objects.create(recipient=cast.engineer_a, kind="k", title="t", url="//evil.example.com/")
    assert client.get(reverse("notifications:open", args=[evil.pk]))["Location"] == reverse("notifications:inbox")


def test_inbox_queries_constant(client, cast):
    make(cast, 2, group="g:1")
    client.force_login(cast.engineer_a)
    assert_constant_queries(client, reverse("notifications:inbox"), lambda: [make(cast, 3, group=f"g:{i}") for i in range(5)])
    assert_constant_queries(client, reverse("notifications:inbox") + "?unread=on&event=info", lambda: make(cast, 10))


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


def test_mark_all_read(client, cast):
    make(cast, 3, actionable=True)
    make(cast, 1, user=cast.engineer_b, actionable=True)
    client.force_login(cast.engineer_a)
    client.post(reverse("notifications:mark_read"))
    assert not Notification.objects.filter(recipient=cast.engineer_a, read_at=None).exists()
    assert Notification.objects.filter(recipient=cast.engineer_b, read_at=None).count() == 1
    assert notification_mark_read(user=cast.engineer_a) == 0


def test_api(client, cast):
    make(cast, 3)
    make(cast, 1, user=cast.engineer_b)
    check_access(client, cast, reverse("notification-list"), api=True, permitted=["engineer_a"])
    n = Notification.objects.filter(recipient=cast.engineer_a).first()
    check_access(client, cast, reverse("notification-detail", args=[n.pk]), api=True,
                 permitted=["engineer_a"], hidden=["engineer_b"])
    client.force_login(cast.engineer_a)
    assert client.get(reverse("notification-list"), {"unread": "true"}).json()["count"] == 3
    assert client.get(reverse("notification-list"), {"event": "sla"}).json()["count"] == 0
    unknown = client.get(reverse("notification-list"), {"event": "weather"})
    assert unknown.status_code == 400 and "event" in unknown.json()
    r = client.post(reverse("notification-mark-read"), {"ids": [n.pk]}, content_type="application/json")
    assert r.json() == {"marked": 1}
    bad = client.post(reverse("notification-mark-read"), {"ids": ["x"]}, content_type="application/json")
    assert bad.status_code == 400 and "ids" in bad.json()
    assert client.post(reverse("notification-mark-read"), {}, content_type="application/json").json() == {"marked": 2}
    assert_constant_queries(client, reverse("notification-list"), lambda: make(cast, 5), api=True)


def test_api_renders_in_the_request_language(client, cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[cast.engineer_a], kind="support.overdue", title=overdue_title(), email=False)
    client.force_login(cast.engineer_a)
    en = client.get(reverse("notification-list"), HTTP_ACCEPT_LANGUAGE="en").json()["results"][0]
    assert en["title"].startswith("Support request overdue") and en["actionable"] is True and en["event"] == "sla"
    zh = client.get(reverse("notification-list"), HTTP_ACCEPT_LANGUAGE="zh-hans").json()["results"][0]
    assert zh["title"].startswith("售前支持申请已逾期")


# --- preferences -----------------------------------------------------------------------------------


def test_preferences_honoured(cast, django_capture_on_commit_callbacks):
    Subscription.objects.create(user=cast.engineer_a, event="sla", channel="email", enabled=False)
    Subscription.objects.create(user=cast.engineer_b, event="sla", channel="in_app", enabled=False)
    for channel in ("in_app", "email", "robot"):
        Subscription.objects.create(user=cast.engineer_a2, event="sla", channel=channel, enabled=False)
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[cast.engineer_a, cast.engineer_b, cast.engineer_a2], kind="support.overdue",
               title=overdue_title(), url="/support/7/")
        notify(recipients=[cast.engineer_a], kind="documents.review", title="待审批", url="/documents/1/")
    assert [m.to for m in mail.outbox] == [[cast.engineer_b.email], [cast.engineer_a.email]]  # e-mail off for SLA
    assert not Delivery.objects.filter(notification__recipient=cast.engineer_a, notification__kind="support.overdue")
    b = Notification.objects.get(recipient=cast.engineer_b)
    assert b.read_at is not None  # in-app off: kept for the e-mail, but not in the badge
    assert not Notification.objects.filter(recipient=cast.engineer_a2).exists()  # everything off: nothing


def test_daily_digest(cast, django_capture_on_commit_callbacks):
    Preferences.objects.create(user=cast.engineer_a, email_digest=True, language="en")
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[cast.engineer_a], kind="support.overdue", title=overdue_title("ZC-1"), url="/support/1/")
        notify(recipients=[cast.engineer_a], kind="support.overdue", title=overdue_title("ZC-2"), url="/support/2/")
        notify(recipients=[cast.engineer_b], kind="support.overdue", title=overdue_title("ZC-3"), url="/support/3/")
    assert [m.to for m in mail.outbox] == [[cast.engineer_b.email]]  # the digest reader waits
    assert Delivery.objects.filter(status="digest").count() == 2
    mail.outbox.clear()
    assert send_digests() == 1
    (digest,) = mail.outbox
    assert digest.to == [cast.engineer_a.email] and digest.subject == "Your daily digest: 2 notifications"
    assert "Support request overdue: ZC-1" in digest.body and "ZC-2" in digest.body and "/support/2/" in digest.body
    assert not Delivery.objects.filter(status="digest").exists()
    assert send_digests() == 0  # nothing sent twice


def test_preferences_page(client, cast):
    url = reverse("notifications:preferences")
    check_access(client, cast, url, permitted=["engineer_a", "nobody", "sales_a"])
    client.force_login(cast.engineer_a)
    page = client.get(url).content.decode()
    assert "每日摘要" in page and 'name="sla__email"' in page and "checked" in page
    data = {"language": "en", "email_digest": "on"}
    data.update({f"{e}__{c}": "on" for e in ("approval", "sla", "poc") for c in ("in_app", "email")})
    assert client.post(url, data).status_code == 302
    prefs = Preferences.objects.get(user=cast.engineer_a)
    assert (prefs.language, prefs.email_digest) == ("en", True)
    assert Subscription.objects.get(user=cast.engineer_a, event="bid", channel="email").enabled is False
    assert Subscription.objects.get(user=cast.engineer_a, event="sla", channel="email").enabled is True
    assert not Subscription.objects.filter(user=cast.engineer_b).exists()  # only my own
    before = list(Subscription.objects.values_list("pk", "enabled"))
    bad = client.post(url, {**data, "language": "fr"})
    assert bad.status_code == 200 and "language" in bad.context["form"].errors
    assert list(Subscription.objects.values_list("pk", "enabled")) == before
    assert Preferences.objects.get(user=cast.engineer_a).language == "en"


# --- mentions ---------------------------------------------------------------------------------------


def test_mentions_notify_the_people_named(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        count = notify_mentions(text="请 @张工 和 @engineer_b 看一下，@王经理 知悉；@不存在", author=cast.manager,
                                target=cast.team_a, where="方案评审", url="/solutions/1/")
    assert count == 2  # the author mentioning himself is not told
    got = Notification.objects.filter(kind="comments.mention")
    assert {n.recipient for n in got} == {cast.engineer_a, cast.engineer_b}
    n = got.first()
    assert n.actionable and n.event == "mention" and n.title == "王经理在“方案评审”中提到了你"


def test_data_migration_classifies_existing_rows(cast):
    """Rows from before kinds had events keep their frozen text and get their event, flag and group."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("presales.notifications.migrations.0003_classify_existing")
    old = Notification.objects.create(recipient=cast.engineer_a, kind="documents.review", title="[WD-1] 等待您审批",
                                      url="/documents/1/")
    news = Notification.objects.create(recipient=cast.engineer_a, kind="talent.promotion", title="晋升已记录")
    migration.classify(apps, None)
    old.refresh_from_db()
    news.refresh_from_db()
    assert (old.event, old.actionable, old.group_key, old.title_text) == ("approval", True, "url:/documents/1/", "[WD-1] 等待您审批")
    assert (news.event, news.actionable, news.group_key) == ("info", False, "")
