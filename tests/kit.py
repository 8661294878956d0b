"""The test kit every app's tests use (in the spirit of NetBox's view/API test cases and Zulip's
URL coverage check):

- `Cast`: a standard set of people — a manager, team A's lead, engineer and sales rep, an
  engineer of team B, and a colleague with no role — so every permission test speaks of the same
  people.
- `check_access(...)`: for one page or endpoint, asserts the anonymous / no-permission /
  permitted / out-of-scope answers in one call.
- `assert_constant_queries(...)`: the query count of a page does not grow with the data.
- `assert_refused(...)`: bad input is refused with a field-level message and changes nothing.
- `UrlRecorderMiddleware` + the conftest hook: the full run fails if some URL pattern was never
  requested by any test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import connection
from django.test.utils import CaptureQueriesContext

from presales.accounts.choices import RoleCode

# ------------------------------------------------------------------------------------------------
# URL coverage

EXERCISED_URL_NAMES: set[str] = set()


class UrlRecorderMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if match is not None and match.view_name:
            EXERCISED_URL_NAMES.add(match.view_name)
        return response


def all_url_names() -> set[str]:
    """Every named URL pattern of the project, namespaced (admin and static excluded)."""
    from django.urls import URLPattern, URLResolver, get_resolver

    names: set[str] = set()

    def walk(patterns, namespace: str | None):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = namespace
                if p.namespace:
                    ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
                if ns and ns.split(":")[0] == "admin":
                    continue
                walk(p.url_patterns, ns)
            elif isinstance(p, URLPattern) and p.name:
                names.add(f"{namespace}:{p.name}" if namespace else p.name)

    walk(get_resolver().url_patterns, None)
    return names


# URL names that no test has to request (framework plumbing).
URL_COVERAGE_EXEMPT = {"api-root"}

# ------------------------------------------------------------------------------------------------
# People


@dataclass
class Cast:
    team_a: object
    team_b: object
    manager: object  # presales manager: sees everything
    lead_a: object  # leads team A
    engineer_a: object  # presales engineer in team A
    engineer_a2: object  # another engineer in team A
    sales_a: object  # sales rep in team A
    engineer_b: object  # presales engineer in team B: out of scope for team A's records
    nobody: object  # an active colleague without any role, in team B

    def users(self) -> dict[str, object]:
        return {k: v for k, v in self.__dict__.items() if not k.startswith("team")}


def build_cast() -> Cast:
    from tests.factories import TeamFactory, make_user

    team_a, team_b = TeamFactory(name="华东售前组"), TeamFactory(name="华南售前组")
    lead_a = make_user(RoleCode.PRESALES_ENGINEER, team=team_a, username="lead_a", display_name="李组长")
    team_a.lead = lead_a
    team_a.save()
    return Cast(
        team_a=team_a,
        team_b=team_b,
        manager=make_user(RoleCode.PRESALES_MANAGER, team=team_a, username="manager", display_name="王经理"),
        lead_a=lead_a,
        engineer_a=make_user(RoleCode.PRESALES_ENGINEER, team=team_a, username="engineer_a", display_name="张工"),
        engineer_a2=make_user(RoleCode.PRESALES_ENGINEER, team=team_a, username="engineer_a2", display_name="赵工"),
        sales_a=make_user(RoleCode.SALES, team=team_a, username="sales_a", display_name="刘销售"),
        engineer_b=make_user(RoleCode.PRESALES_ENGINEER, team=team_b, username="engineer_b", display_name="陈工"),
        nobody=make_user(team=team_b, username="nobody", display_name="孙同事"),
    )


# ------------------------------------------------------------------------------------------------
# Access


def _request(client, method: str, url: str, data=None, api: bool = False):
    kwargs = {}
    if api:
        kwargs["content_type"] = "application/json"
        kwargs["HTTP_ACCEPT"] = "application/json"
    fn = getattr(client, method.lower())
    return fn(url, data if data is not None else ({} if method.lower() != "get" else None), **kwargs)


def check_access(
    client,
    cast: Cast,
    url: str,
    *,
    method: str = "get",
    data: dict | Callable[[], dict] | None = None,
    permitted: Iterable[str],
    forbidden: Iterable[str] = (),
    hidden: Iterable[str] = (),
    api: bool = False,
    ok: Iterable[int] = (200, 201, 302),
    reset: Callable[[], None] | None = None,
) -> None:
    """Request `url` as anonymous and as each named member of the cast and assert:
    anonymous → login redirect (pages) or 401/403 (API); `forbidden` → 403; `hidden` → 404
    (out of scope, same as not existing); `permitted` → one of `ok`. `data` may be a callable
    giving fresh data per request; `reset` runs before each request (for state-changing POSTs)."""
    def payload():
        return data() if callable(data) else data

    if reset:
        reset()
    client.logout()
    response = _request(client, method, url, payload(), api)
    if api:
        assert response.status_code in (401, 403), f"anonymous {method} {url}: {response.status_code}"
    else:
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], (
            f"anonymous {method} {url}: {response.status_code}"
        )
    expectations = [(n, {403}) for n in forbidden] + [(n, {404}) for n in hidden] + [(n, set(ok)) for n in permitted]
    for name, statuses in expectations:
        if reset:
            reset()
        client.force_login(getattr(cast, name))
        response = _request(client, method, url, payload(), api)
        assert response.status_code in statuses, (
            f"{name} {method.upper()} {url}: got {response.status_code}, expected {sorted(statuses)}\n"
            f"{getattr(response, 'content', b'')[:800]!r}"
        )
    client.logout()


# ------------------------------------------------------------------------------------------------
# Query counts


def count_queries(client, url: str, *, api: bool = False) -> int:
    """Queries of one request by a process that has not served this user yet: the roles and led
    teams a process keeps per user (accounts.authz) are read again, so that two counts compare."""
    from presales.accounts import authz

    authz.forget_all()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, HTTP_ACCEPT="application/json") if api else client.get(url)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    return len(ctx.captured_queries)


def assert_constant_queries(client, url: str, grow: Callable[[], None], *, api: bool = False, at_most: int = 40) -> int:
    """The page's query count with the current data equals the count after `grow()` added more
    rows, and stays under `at_most`. Returns the count."""
    before = count_queries(client, url, api=api)
    grow()
    after = count_queries(client, url, api=api)
    assert before == after, f"{url}: {before} queries before, {after} after adding data (N+1?)"
    assert after <= at_most, f"{url}: {after} queries (limit {at_most})"
    return after


def with_lazy_parts(client, html: str) -> str:
    """The page as the browser shows it once htmx has loaded its lazy parts: every element with
    `hx-trigger="load"` replaced by what its `hx-get` answers (an htmx request, outerHTML swap)."""
    import re
    from html import unescape

    def load(match):
        response = client.get(unescape(match.group(1)), HTTP_HX_REQUEST="true")
        assert response.status_code == 200, f"{match.group(1)}: {response.status_code}"
        return response.content.decode()

    pattern = r'<div[^>]* hx-get="([^"]+)" hx-trigger="load" hx-swap="outerHTML"[^>]*>.*?</div></div>'
    return re.sub(pattern, load, html, flags=re.S)


# ------------------------------------------------------------------------------------------------
# Bad input


def snapshot(*models) -> list:
    """A comparable picture of the given models' rows (all fields, including history tables)."""
    picture = []
    for model in models:
        picture.append(sorted(map(repr, model._default_manager.values_list())))
        history = getattr(model, "history", None)
        if history is not None:
            picture.append(history.count())
    return picture


def assert_refused(client, url: str, data: dict, *, fields: Iterable[str] = (), models=(), api: bool = False,
                   status: int | Iterable[int] | None = None, text: str | None = None):
    """POST bad input: the answer names the field(s) at fault, and none of `models` changed."""
    before = snapshot(*models)
    response = client.post(url, data, content_type="application/json") if api else client.post(url, data)
    statuses = {status} if isinstance(status, int) else set(status or ((400,) if api else (200,)))
    assert response.status_code in statuses, f"{url}: {response.status_code} {response.content[:600]!r}"
    body = response.content.decode()
    for field in fields:
        if api:
            payload = response.json()
            errors = payload.get("errors", payload)
            assert field in errors, f"no error for {field!r} in {payload}"
        else:
            assert f'data-field-error="{field}"' in body, f"no field error for {field!r} on {url}"
    if text:
        assert text in body, f"{text!r} not in the answer"
    assert snapshot(*models) == before, "refused input changed the database"
    return response
