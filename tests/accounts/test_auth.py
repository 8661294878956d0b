"""Log-in, throttling (pages and API token), log-out, password change, language switch."""

import pytest
from django.urls import reverse

from presales.accounts.choices import RoleCode
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def engineer(db):
    return make_user(RoleCode.PRESALES_ENGINEER, username="zhang")


def test_login_page_in_chinese_by_default(client):
    body = client.get(reverse("accounts:login")).content.decode()
    assert 'lang="zh-hans"' in body


def test_login_and_logout(client, engineer):
    response = client.post(reverse("accounts:login"), {"username": "zhang", "password": "pw-123456"})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    # The home view sends each role to its first page (tests/insights/test_landing.py).
    assert client.get(reverse("home"))["Location"] == reverse("insights:my_work")
    assert client.get(reverse("accounts:profile")).status_code == 200
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_wrong_password_is_refused_with_message(client, engineer):
    response = client.post(reverse("accounts:login"), {"username": "zhang", "password": "nope"})
    assert response.status_code == 200
    assert response.context["form"].errors


def test_login_is_locked_after_five_failures_even_with_the_right_password(client, engineer):
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": "zhang", "password": "guess"})
    response = client.post(reverse("accounts:login"), {"username": "zhang", "password": "pw-123456"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_api_token_and_its_lockout(client, engineer):
    url = reverse("api-token")
    ok = client.post(url, {"username": "zhang", "password": "pw-123456"})
    assert ok.status_code == 200
    token = ok.json()["token"]
    me = client.get(reverse("user-list"), HTTP_AUTHORIZATION=f"Token {token}")
    assert me.status_code == 200
    client.logout()
    for _ in range(5):
        assert client.post(url, {"username": "zhang", "password": "guess"}).status_code == 400
    locked = client.post(url, {"username": "zhang", "password": "pw-123456"})
    assert locked.status_code == 429, locked.content
    assert locked.json()["code"] == "locked_out"
    assert "token" not in locked.content.decode()


def test_api_token_endpoint_is_rate_limited(client, settings, engineer):
    url = reverse("api-token")
    statuses = [client.post(url, {"username": f"x{i}", "password": "y"}).status_code for i in range(12)]
    assert 429 in statuses  # 10/min per client


def test_password_change(client, engineer):
    client.force_login(engineer)
    url = reverse("accounts:password_change")
    assert client.get(url).status_code == 200
    bad = client.post(url, {"old_password": "wrong", "new_password1": "Xy7!long-pass", "new_password2": "Xy7!long-pass"})
    assert bad.status_code == 200 and "old_password" in bad.context["form"].errors
    good = client.post(url, {"old_password": "pw-123456", "new_password1": "Xy7!long-pass", "new_password2": "Xy7!long-pass"})
    assert good.status_code == 302
    assert client.get(reverse("accounts:password_change_done")).status_code == 200
    engineer.refresh_from_db()
    assert engineer.check_password("Xy7!long-pass")


def test_language_switch_to_english_and_back(client, engineer):
    client.force_login(engineer)
    client.post(reverse("set_language"), {"language": "en", "next": "/accounts/profile/"})
    assert 'lang="en"' in client.get(reverse("accounts:profile")).content.decode()
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/accounts/profile/"})
    assert 'lang="zh-hans"' in client.get(reverse("accounts:profile")).content.decode()


def test_home_redirects_to_my_work(client, engineer):
    client.force_login(engineer)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse("insights:my_work")


def test_production_hashers_store_argon2_and_upgrade_an_older_pbkdf2_hash_at_login(client, engineer, settings):
    """The shipped settings hash with Argon2 (tests use MD5 for speed); a password stored by
    Django's PBKDF2 hasher (an older install) still logs in and is re-hashed with Argon2."""
    import presales.settings as shipped
    from django.contrib.auth.hashers import make_password

    settings.PASSWORD_HASHERS = shipped.PASSWORD_HASHERS
    assert shipped.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    engineer.password = make_password("pw-123456", hasher="pbkdf2_sha256")
    engineer.save(update_fields=["password"])
    response = client.post(reverse("accounts:login"), {"username": "zhang", "password": "pw-123456"})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    engineer.refresh_from_db()
    assert engineer.password.startswith("argon2$argon2id$")
    assert engineer.check_password("pw-123456") and not engineer.check_password("pw-1234567")
