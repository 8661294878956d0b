"""base.html's {% per_language %} parts (core_tags.PerLanguageNode) are rendered once per language
and reused: every page must be what the same template without those tags prints, to the byte, for
every kind of person, in both languages, with a message, an unread badge and the staff menu."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.test import override_settings
from django.utils import timezone, translation

from presales.core.templatetags.core_tags import PerLanguageNode
from presales.notifications.models import Notification

pytestmark = pytest.mark.django_db

BASE = Path(settings.PACKAGE_DIR) / "core" / "templates" / "base.html"
PAGES = ["/accounts/profile/", "/notifications/", "/opportunities/", "/opportunities/board/", "/support/",
         "/customers/", "/insights/my-work/", "/knowledge/", "/no-such-page/"]
CSRF = re.compile(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+')


def plain_base(tmp_path) -> Path:
    """base.html without the per_language tags: the template before them (the language select's
    extra get_current_language sets the variable the page already set, to the same value)."""
    text = BASE.read_text(encoding="utf-8")
    assert text.count("{% per_language %}") >= 10
    text = text.replace("{% per_language %}{% get_current_language as LANGUAGE_CODE %}", "")
    text = text.replace("{% per_language %}", "").replace("{% endper_language %}", "")
    (tmp_path / "base.html").write_text(text, encoding="utf-8")
    return tmp_path


def pages(client, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    out = {}
    for path in PAGES:
        response = client.get(path)
        assert response.status_code in (200, 404), path
        out[path] = CSRF.sub(r"\1…", response.content.decode())
    return out


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_pages_are_the_template_without_the_tags(cast, client, tmp_path, language):
    cast.manager.is_staff = True
    cast.manager.save()
    Notification.objects.create(recipient=cast.engineer_a, kind="test", actionable=True, title="需要处理")
    templates = [{**settings.TEMPLATES[0], "DIRS": [str(plain_base(tmp_path))]}]
    compared = 0
    for who in ("manager", "engineer_a", "sales_a", "nobody"):
        user = getattr(cast, who)
        client.force_login(user)
        ours_first = pages(client, language)
        ours_again = pages(client, language)  # now from the kept parts
        with override_settings(TEMPLATES=templates):
            plain = pages(client, language)
        for path in PAGES:
            assert ours_first[path] == plain[path], (who, path)
            assert ours_again[path] == plain[path], (who, path)
            compared += 1
        client.logout()
    assert compared == 4 * len(PAGES)


def test_the_badge_the_staff_menu_and_the_language_are_per_request(cast, client):
    """The kept parts never carry one request's data into another: the unread count, the person's
    name, the administration link and the selected language follow each request."""
    cast.manager.is_staff = True
    cast.manager.save()
    Notification.objects.create(recipient=cast.engineer_a, kind="test", actionable=True, title="需要处理")
    client.force_login(cast.manager)
    page = client.get("/accounts/profile/").content.decode()
    assert "/admin/" in page and "王经理" in page and 'data-testid="unread-count"' not in page
    client.force_login(cast.engineer_a)
    page = client.get("/accounts/profile/").content.decode()
    assert "/admin/" not in page and "张工" in page and 'data-testid="unread-count">1<' in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/accounts/profile/").content.decode()
    assert '<option value="en" selected>' in page and '<html lang="en">' in page and "Log out" in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    page = client.get("/accounts/profile/").content.decode()
    assert '<option value="zh-hans" selected>' in page and "退出登录" in page
    Notification.objects.update(read_at=timezone.now())
    assert 'data-testid="unread-count"' not in client.get("/accounts/profile/").content.decode()


def test_a_variable_inside_prints_nothing():
    """The content is rendered without the page's variables: a mistake cannot leak them."""
    template = Template("{% load core_tags %}[{% per_language %}{{ secret }}{% translate 'Log out' %}"
                        "{% endper_language %}]")
    with translation.override("en"):
        assert template.render(Context({"secret": "a"})) == "[Log out]"
        assert template.render(Context({"secret": "b"})) == "[Log out]"
    with translation.override("zh-hans"):
        assert template.render(Context({"secret": "c"})) == "[退出登录]"
    [node] = [n for n in template.nodelist if isinstance(n, PerLanguageNode)]
    assert len(node.rendered) == 2
