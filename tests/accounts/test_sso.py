"""Single sign-on: directory groups → roles and team; OpenID Connect against a small OIDC provider
served over real HTTP by this module (authorize, token, userinfo, JWKS; RS256-signed ID tokens);
LDAP against a real OpenLDAP slapd started for the tests (python-ldap's slapdtest)."""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
import urllib.parse
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from presales.accounts.choices import RoleCode
from presales.accounts.models import User
from presales.accounts.sso import apply_directory_groups
from tests.factories import TeamFactory, make_user

pytestmark = pytest.mark.django_db

ROLE_MAP = "presales-managers=presales_manager; presales=presales_engineer; sales=sales"
TEAM_MAP = "east-presales=华东售前组; south-presales=华南售前组"


# --- the mapping rule ------------------------------------------------------------------------------


def test_groups_give_the_mapped_roles_and_the_team_and_leave_other_roles_alone(settings):
    settings.PRESALES_SSO_ROLE_MAP, settings.PRESALES_SSO_TEAM_MAP = ROLE_MAP, TEAM_MAP
    east, south = TeamFactory(name="华东售前组"), TeamFactory(name="华南售前组")
    user = make_user(RoleCode.SALES, RoleCode.COMMITTEE, team=south, username="zhangwei")
    apply_directory_groups(user, ["Presales", "East-Presales", "vpn-users"], source="OIDC")
    user = User.objects.get(pk=user.pk)
    # sales is the directory's to give and the groups no longer give it; committee is not in the map
    assert user.role_codes == {RoleCode.PRESALES_ENGINEER, RoleCode.COMMITTEE}
    assert user.team == east
    assert user.history.first().history_change_reason == "OIDC"
    apply_directory_groups(user, ["vpn-users"], source="LDAP")  # no mapped group: team kept
    assert User.objects.get(pk=user.pk).team == east


def test_a_role_map_naming_an_unknown_role_is_a_configuration_error(settings):
    settings.PRESALES_SSO_ROLE_MAP = "admins=superuser"
    with pytest.raises(ImproperlyConfigured):
        apply_directory_groups(make_user(), ["admins"], source="OIDC")
    settings.PRESALES_SSO_ROLE_MAP = "admins"
    with pytest.raises(ImproperlyConfigured):
        apply_directory_groups(make_user(), ["admins"], source="OIDC")


# --- OpenID Connect: a provider on a real local HTTP server ---------------------------------------


class Provider:
    """A minimal OpenID provider for the authorization code flow. `people[login]` are the claims
    it vouches for; /authorize takes `login_hint` to say who signs in (no login form)."""

    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = uuid.uuid4().hex
        self.signing_key = self.key  # a test swaps in another key to forge a token
        self.people: dict[str, dict] = {}
        self.codes: dict[str, dict] = {}
        self.client_id, self.client_secret = "presales", "s3cret"
        self.requests: list[str] = []
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _json(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):  # noqa: N802
                url = urllib.parse.urlparse(self.path)
                query = dict(urllib.parse.parse_qsl(url.query))
                provider.requests.append(f"GET {url.path}")
                if url.path == "/authorize":
                    code = uuid.uuid4().hex
                    provider.codes[code] = {
                        "login": query["login_hint"],
                        "nonce": query.get("nonce"),
                        "redirect_uri": query["redirect_uri"],
                    }
                    target = f"{query['redirect_uri']}?" + urllib.parse.urlencode(
                        {"code": code, "state": query["state"]}
                    )
                    self.send_response(302)
                    self.send_header("Location", target)
                    self.end_headers()
                elif url.path == "/jwks":
                    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(provider.key.public_key()))
                    self._json(200, {"keys": [{**jwk, "kid": provider.kid, "use": "sig", "alg": "RS256"}]})
                elif url.path == "/userinfo":
                    token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                    login = token.removeprefix("access-")
                    if login not in provider.people:
                        self._json(401, {"error": "invalid_token"})
                    else:
                        self._json(200, {"sub": login, **provider.people[login]})
                else:
                    self._json(404, {"error": "not_found"})

            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("Content-Length", 0))
                form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
                provider.requests.append(f"POST {self.path}")
                grant = provider.codes.pop(form.get("code", ""), None)
                if (
                    self.path != "/token"
                    or grant is None
                    or form.get("client_id") != provider.client_id
                    or form.get("client_secret") != provider.client_secret
                    or form.get("redirect_uri") != grant["redirect_uri"]
                ):
                    self._json(400, {"error": "invalid_grant"})
                    return
                now = int(time.time())
                claims = {
                    "iss": provider.url,
                    "aud": provider.client_id,
                    "sub": grant["login"],
                    "iat": now,
                    "exp": now + 300,
                    "nonce": grant["nonce"],
                }
                id_token = jwt.encode(
                    claims, provider.signing_key, algorithm="RS256", headers={"kid": provider.kid}
                )
                self._json(
                    200,
                    {
                        "access_token": f"access-{grant['login']}",
                        "token_type": "Bearer",
                        "id_token": id_token,
                        "expires_in": 300,
                    },
                )

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def provider(settings):
    with Provider() as op:
        settings.PRESALES_OIDC_ENABLED = True
        settings.AUTHENTICATION_BACKENDS = [
            *settings.AUTHENTICATION_BACKENDS,
            "presales.accounts.sso.OIDCBackend",
        ]
        settings.OIDC_RP_CLIENT_ID, settings.OIDC_RP_CLIENT_SECRET = op.client_id, op.client_secret
        settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{op.url}/authorize"
        settings.OIDC_OP_TOKEN_ENDPOINT = f"{op.url}/token"
        settings.OIDC_OP_USER_ENDPOINT = f"{op.url}/userinfo"
        settings.OIDC_OP_JWKS_ENDPOINT = f"{op.url}/jwks"
        settings.OIDC_RP_SIGN_ALGO = "RS256"
        settings.PRESALES_SSO_ROLE_MAP, settings.PRESALES_SSO_TEAM_MAP = ROLE_MAP, TEAM_MAP
        yield op


def sign_in(client, provider, login):
    """The browser's round trip: our start page → the provider (who vouches for `login`) → our
    callback. Returns the callback's answer."""
    start = client.get(reverse("accounts:oidc_start"))
    assert start.status_code == 302 and start["Location"].startswith(provider.url + "/authorize?")
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlparse(start["Location"]).query))
    assert query["client_id"] == provider.client_id and query["response_type"] == "code" and query["nonce"]
    opener = urllib.request.build_opener(NoRedirect)
    try:
        opener.open(start["Location"] + "&" + urllib.parse.urlencode({"login_hint": login}))
    except urllib.error.HTTPError as redirect:
        back = redirect.headers["Location"]
    callback = urllib.parse.urlparse(back)
    assert callback.path == reverse("accounts:oidc_callback")
    return client.get(f"{callback.path}?{callback.query}")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_oidc_sign_in_creates_the_account_with_roles_and_team(client, provider):
    east = TeamFactory(name="华东售前组")
    provider.people["zhangwei"] = {
        "email": "zhangwei@example.com",
        "name": "张伟",
        "preferred_username": "zhangwei",
        "groups": ["presales", "east-presales"],
    }
    response = sign_in(client, provider, "zhangwei")
    assert response.status_code == 302 and response["Location"] == reverse("home")
    user = User.objects.get(username="zhangwei")
    assert (user.email, user.display_name, user.team) == ("zhangwei@example.com", "张伟", east)
    assert user.role_codes == {RoleCode.PRESALES_ENGINEER}
    assert not user.has_usable_password()
    assert client.get(reverse("insights:my_work")).status_code == 200  # signed in
    assert provider.requests.count("POST /token") == 1 and "GET /jwks" in provider.requests


def test_oidc_sign_in_maps_an_existing_account_by_login_and_updates_its_roles(client, provider):
    user = make_user(RoleCode.SALES, RoleCode.COMMITTEE, username="liuyang", email="old@example.com")
    provider.people["liuyang"] = {
        "email": "liuyang@example.com",
        "name": "刘洋",
        "preferred_username": "liuyang",
        "groups": ["presales-managers"],
    }
    response = sign_in(client, provider, "liuyang")
    assert response["Location"] == reverse("home")
    assert User.objects.count() == 1
    user = User.objects.get(pk=user.pk)
    assert user.email == "liuyang@example.com" and user.display_name == "刘洋"
    assert user.role_codes == {RoleCode.PRESALES_MANAGER, RoleCode.COMMITTEE}


def test_oidc_refuses_a_forged_token_and_an_inactive_account(client, provider):
    provider.people["mallory"] = {
        "email": "m@example.com",
        "preferred_username": "mallory",
        "groups": ["presales"],
    }
    provider.signing_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)  # not the JWKS key
    response = sign_in(client, provider, "mallory")
    assert response.status_code == 400  # SuspiciousOperation: the ID token's signature is not the provider's
    assert not User.objects.filter(username="mallory").exists() and "_auth_user_id" not in client.session
    provider.signing_key = provider.key
    make_user(RoleCode.PRESALES_ENGINEER, username="gone", is_active=False)
    provider.people["gone"] = {
        "email": "gone@example.com",
        "preferred_username": "gone",
        "groups": ["presales"],
    }
    response = sign_in(client, provider, "gone")
    assert response["Location"] == "/accounts/login/?sso=failed"
    assert "单点登录未成功" in client.get(response["Location"]).content.decode()
    assert "_auth_user_id" not in client.session


def test_oidc_is_off_by_default(client, settings):
    assert settings.PRESALES_OIDC_ENABLED is False
    assert client.get(reverse("accounts:oidc_start")).status_code == 404
    assert client.get(reverse("accounts:oidc_callback") + "?code=x&state=y").status_code == 404
    assert 'data-testid="oidc-login"' not in client.get(reverse("accounts:login")).content.decode()


def test_login_page_offers_the_company_sign_in(client, provider, settings):
    settings.PRESALES_OIDC_LOGIN_LABEL = "企业微信登录"
    body = client.get(reverse("accounts:login")).content.decode()
    assert 'data-testid="oidc-login"' in body and "企业微信登录" in body


# --- LDAP: a real OpenLDAP directory --------------------------------------------------------------

try:
    import ldap  # noqa: F401
    from slapdtest import SlapdObject

    ldap_missing = None
except ImportError:
    ldap_missing = "python-ldap is not installed (uv sync --extra ldap; needs libldap2-dev libsasl2-dev)"
if ldap_missing is None and not shutil.which(
    "slapd", path="/usr/sbin:/usr/local/sbin:" + os.environ.get("PATH", "")
):
    ldap_missing = "OpenLDAP's slapd is not installed (apt-get install slapd ldap-utils)"

BASE = "dc=example,dc=cn"


@pytest.fixture(scope="module")
def directory():
    if ldap_missing:  # CI installs both (.ci/run): there a missing directory is a failure
        if os.environ.get("CI") == "true":
            pytest.fail(ldap_missing)
        pytest.skip(ldap_missing)

    class Directory(SlapdObject):
        suffix = BASE
        openldap_schema_files = ("core.ldif", "cosine.ldif", "inetorgperson.ldif")

    server = Directory()
    server.start()
    server.ldapadd(
        f"""dn: {BASE}
objectClass: dcObject
objectClass: organization
dc: example
o: Example

dn: ou=people,{BASE}
objectClass: organizationalUnit
ou: people

dn: ou=groups,{BASE}
objectClass: organizationalUnit
ou: groups

dn: uid=zhaolei,ou=people,{BASE}
objectClass: inetOrgPerson
uid: zhaolei
cn: Zhao Lei
sn: Zhao
givenName: Lei
displayName:: 6LW156OK
mail: zhaolei@example.cn
userPassword: ldap-pass-1

dn: uid=chenjing,ou=people,{BASE}
objectClass: inetOrgPerson
uid: chenjing
cn: Chen Jing
sn: Chen
displayName:: 6ZmI6Z2Z
mail: chenjing@example.cn
userPassword: ldap-pass-2

dn: cn=presales,ou=groups,{BASE}
objectClass: groupOfNames
cn: presales
member: uid=zhaolei,ou=people,{BASE}

dn: cn=east-presales,ou=groups,{BASE}
objectClass: groupOfNames
cn: east-presales
member: uid=zhaolei,ou=people,{BASE}

dn: cn=sales,ou=groups,{BASE}
objectClass: groupOfNames
cn: sales
member: uid=chenjing,ou=people,{BASE}
"""
    )
    yield server
    server.stop()


@pytest.fixture
def ldap_settings(settings, directory):
    from presales.accounts.sso_config import ldap_settings as build

    env = {
        "PRESALES_LDAP_SERVER_URI": directory.ldap_uri,
        "PRESALES_LDAP_BIND_DN": directory.root_dn,
        "PRESALES_LDAP_BIND_PASSWORD": directory.root_pw,
        "PRESALES_LDAP_USER_SEARCH_BASE": f"ou=people,{BASE}",
        "PRESALES_LDAP_GROUP_SEARCH_BASE": f"ou=groups,{BASE}",
    }
    for name, value in build(env).items():
        setattr(settings, name, value)
    settings.PRESALES_LDAP_ENABLED = True
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "presales.accounts.sso.LDAPBackend",
    ]
    settings.PRESALES_SSO_ROLE_MAP, settings.PRESALES_SSO_TEAM_MAP = ROLE_MAP, TEAM_MAP
    return directory


def log_in(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_ldap_log_in_creates_the_account_with_roles_and_team(client, ldap_settings):
    east = TeamFactory(name="华东售前组")
    response = log_in(client, "zhaolei", "ldap-pass-1")
    assert response.status_code == 302, response.content.decode()[:500]
    user = User.objects.get(username="zhaolei")
    assert (user.display_name, user.email, user.team) == ("赵磊", "zhaolei@example.cn", east)
    assert user.role_codes == {RoleCode.PRESALES_ENGINEER}


def test_ldap_refuses_a_wrong_password_and_maps_an_existing_account(client, ldap_settings):
    response = log_in(client, "chenjing", "wrong")
    assert response.status_code == 200 and not User.objects.filter(username="chenjing").exists()
    existing = make_user(RoleCode.PRESALES_ENGINEER, RoleCode.COMMITTEE, username="chenjing")
    assert log_in(client, "chenjing", "ldap-pass-2").status_code == 302
    user = User.objects.get(pk=existing.pk)
    # her directory groups say sales, not presales: the mapped roles follow them, committee stays
    assert user.role_codes == {RoleCode.SALES, RoleCode.COMMITTEE} and user.display_name == "陈静"


def test_login_page_says_to_use_the_domain_account(client, ldap_settings):
    assert 'data-testid="ldap-note"' in client.get(reverse("accounts:login")).content.decode()
