"""The API token authentication (accounts.authentication, issue 15) answers as DRF's: the same
user and token, the same 401s for an unknown key, an inactive user and a malformed header."""

import pytest
from rest_framework import authentication as drf
from rest_framework import exceptions
from rest_framework.authtoken.models import Token
from rest_framework.test import APIRequestFactory

from presales.accounts.authentication import TokenAuthentication
from presales.accounts.choices import RoleCode
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(db):
    return Token.objects.create(user=make_user(RoleCode.PRESALES_ENGINEER, username="zhang"))


def authenticate(cls, header):
    request = APIRequestFactory().get("/api/pocs/", HTTP_AUTHORIZATION=header)
    try:
        return cls().authenticate(request)
    except exceptions.AuthenticationFailed as exc:
        return ("401", str(exc.detail))


def test_the_same_user_and_token_as_drf(token):
    ours, theirs = authenticate(TokenAuthentication, f"Token {token.key}"), authenticate(
        drf.TokenAuthentication, f"Token {token.key}")
    assert ours[0] == theirs[0] == token.user
    user = ours[0]
    for field in type(user)._meta.concrete_fields:
        assert getattr(user, field.attname) == getattr(theirs[0], field.attname), field.name
    assert ours[1] == theirs[1] and ours[1].user is user and ours[1].created == token.created


@pytest.mark.parametrize("header", ["Token nope", "Token", "Token a b", "Bearer x", ""])
def test_refusals_are_drf_s(token, header):
    assert authenticate(TokenAuthentication, header) == authenticate(drf.TokenAuthentication, header)


def test_an_inactive_user_is_refused(token):
    type(token.user).objects.filter(pk=token.user_id).update(is_active=False)
    header = f"Token {token.key}"
    refused = authenticate(TokenAuthentication, header)
    assert refused[0] == "401" and refused == authenticate(drf.TokenAuthentication, header)


def test_the_api_uses_it(client, token):
    assert client.get("/api/pocs/", HTTP_AUTHORIZATION=f"Token {token.key}").status_code == 200
    assert client.get("/api/pocs/", HTTP_AUTHORIZATION="Token nope").status_code == 401
