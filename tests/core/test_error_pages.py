"""Error pages: styled (Bootstrap), translated, with a way back; the 500 page renders without a
request context and without the database."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views import defaults

from tests.kit import build_cast


def _styled(body: str) -> None:
    assert "bootstrap.min.css" in body and 'data-testid="error-page"' in body
    assert "返回我的工作" in body and "history.back()" in body
    assert "Forbidden" not in body and "Not Found" not in body


@pytest.mark.django_db
def test_404_is_styled_and_translated(client):
    cast = build_cast()
    client.force_login(cast.engineer_a)
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 404
    body = response.content.decode()
    _styled(body)
    assert "页面不存在" in body


@pytest.mark.django_db
def test_403_is_styled_and_translated(client):
    cast = build_cast()
    client.force_login(cast.engineer_a)
    response = client.get(reverse("appraisal:cycle_create"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 403
    body = response.content.decode()
    _styled(body)
    assert "无权" in body


@pytest.mark.django_db
def test_csrf_failure_page_offers_to_log_in_again():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {"username": "x", "password": "y"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 403
    body = response.content.decode()
    _styled(body)
    assert "表单已过期" in body and reverse("accounts:login") in body


def test_500_renders_without_request_context_or_database():
    request = RequestFactory().get("/")
    # No django_db mark: pytest-django refuses any database access here.
    with translation.override("zh-hans"):
        response = defaults.server_error(request)
    assert response.status_code == 500
    body = response.content.decode()
    _styled(body)
    assert "服务器" in body or "出错" in body
