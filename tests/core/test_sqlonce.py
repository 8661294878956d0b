"""core.sqlonce.CompiledOnce: the same answers as the ORM, compiled once; and its two users, the
session's user look-up (accounts.backends.ModelBackend) and the unread badge."""

import datetime as dt

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from presales.accounts.backends import ModelBackend, _user_by_pk
from presales.accounts.models import Team, User
from presales.core.sqlonce import CompiledOnce
from presales.notifications.models import Event, Notification
from presales.notifications.selectors import unread_actionable_count
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def columns(obj):
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}


def notify(user, *, actionable, read=False):
    return Notification.objects.create(
        recipient=user, kind="test", event=Event.INFO, actionable=actionable, title="t",
        read_at=timezone.now() if read else None)


def test_unread_badge_counts_what_the_orm_counts():
    me, other = make_user(), make_user()
    for actionable in (True, False):
        for read in (True, False):
            for _ in range(2):
                notify(me, actionable=actionable, read=read)
    notify(other, actionable=True)
    assert unread_actionable_count(me) == 2
    assert unread_actionable_count(other) == 1
    for user in (me, other):
        assert unread_actionable_count(user) == Notification.objects.visible_to(user).unread().actionable().count()
    Notification.objects.filter(recipient=me).update(read_at=timezone.now())
    assert unread_actionable_count(me) == 0


def test_unread_badge_of_nobody_is_zero_without_a_query():
    from django.contrib.auth.models import AnonymousUser

    with CaptureQueriesContext(connection) as ctx:
        assert unread_actionable_count(AnonymousUser()) == 0
        assert unread_actionable_count(None) == 0
    assert len(ctx.captured_queries) == 0


def test_user_look_up_is_the_orm_row_every_column():
    team = Team.objects.create(name="甲组")
    user = make_user("presales_engineer", team=team, last_login=dt.datetime(2026, 12, 6, 8, 30, 1, 5, tzinfo=dt.UTC))
    [found] = _user_by_pk.objects(user.pk)
    expected = User.objects.get(pk=user.pk)
    assert type(found) is User
    assert columns(found) == columns(expected)
    assert found._state.db == expected._state.db and not found._state.adding
    assert found.last_login == dt.datetime(2026, 12, 6, 8, 30, 1, 5, tzinfo=dt.UTC)
    assert _user_by_pk.objects(user.pk + 10_000) == []
    # Compiled once: a second call uses the stored statement (one query, nothing recompiled).
    assert _user_by_pk._compiled[("objects", "default")] is not None


def test_backend_get_user_answers_as_djangos():
    active, inactive = make_user(), make_user(is_active=False)
    backend = ModelBackend()
    assert backend.get_user(active.pk) == active
    assert backend.get_user(str(active.pk)) == active
    assert backend.get_user(inactive.pk) is None  # user_can_authenticate
    assert backend.get_user(active.pk + 10_000) is None
    assert backend.get_user("not a number") is None
    with CaptureQueriesContext(connection) as ctx:
        backend.get_user(active.pk)
    assert len(ctx.captured_queries) == 1


def test_a_password_log_in_records_this_backend_and_later_pages_know_the_user(client):
    user = make_user()
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": "pw-123456"})
    assert response.status_code == 302
    assert client.session[BACKEND_SESSION_KEY] == "presales.accounts.backends.ModelBackend"
    page = client.get(reverse("accounts:profile"))
    assert page.status_code == 200 and page.wsgi_request.user == user


def test_a_changed_password_still_ends_other_sessions(client):
    user = make_user()
    client.force_login(user)
    assert client.get(reverse("accounts:profile")).status_code == 200
    user.set_password("another-pw-9876")
    user.save()
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_a_deactivated_user_is_signed_out_at_the_next_request(client):
    user = make_user()
    client.force_login(user)
    User.objects.filter(pk=user.pk).update(is_active=False)  # no signal: the look-up reads the row
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302


def test_a_session_of_djangos_own_backend_path_is_no_longer_signed_in(client):
    """Sessions opened before this backend was configured end once (docs/decisions.md 53)."""
    user = make_user()
    client.force_login(user)
    session = client.session
    assert session[SESSION_KEY] == str(user.pk) and session[HASH_SESSION_KEY]
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session.save()
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_a_builder_whose_argument_is_not_a_parameter_is_compiled_every_time():
    """The stand-in must come back as a query parameter; when it does not (the builder ignores
    it, or the ORM folds it into the SQL) nothing is stored and the ORM runs each call."""
    make_user(username="someone")
    ignoring = CompiledOnce(lambda pk: User.objects.filter(username="someone"), User)
    assert [u.username for u in ignoring.objects(123)] == ["someone"]
    assert ignoring.count(123) == 1
    assert ignoring._compiled == {("objects", "default"): None, ("count", "default"): None}


def test_an_empty_queryset_counts_zero_and_lists_nothing():
    nothing = CompiledOnce(lambda pk: User.objects.filter(pk=pk).none(), User)
    assert nothing.count(1) == 0
    assert nothing.objects(1) == []


def test_a_queryset_with_more_than_the_models_columns_falls_back_to_the_orm():
    from django.db.models import Value

    user = make_user()
    annotated = CompiledOnce(lambda pk: User.objects.filter(pk=pk).annotate(extra=Value(1)), User)
    [found] = annotated.objects(user.pk)
    assert found.extra == 1 and found == user
    assert annotated._compiled[("objects", "default")] is None
