"""The top bar's menus come from a Python tag (core_tags.nav_menu) that keeps the HTML of each
distinct menu; it must print what the template loop it replaced printed, to the byte, for every
role, page and language, and mark the current place."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import resolve
from django.utils import translation

from presales.core.context_processors import navigation
from presales.core.templatetags.core_tags import nav_menu

pytestmark = pytest.mark.django_db

# base.html's loop before it became {% nav_menu nav_groups %}
LOOP = """{% for group in nav_groups %}
        <li class="nav-item dropdown" data-nav-group="{{ group.key }}">
          <a class="nav-link dropdown-toggle{% if group.active %} active fw-semibold{% endif %}" href="#" role="button" data-bs-toggle="dropdown" aria-expanded="false"{% if group.active %} aria-current="true"{% endif %}><i class="bi {{ group.icon }}"></i> {{ group.label }}</a>
          <ul class="dropdown-menu">
            {% for item in group.items %}
            <li><a class="dropdown-item{% if item.active %} active{% endif %}" href="{{ item.url }}"{% if item.active %} aria-current="page"{% endif %}><i class="bi {{ item.icon }}"></i> {{ item.label }}</a></li>
            {% endfor %}
          </ul>
        </li>
        {% endfor %}"""  # noqa: E501

PAGES = ["/insights/my-work/", "/customers/", "/opportunities/board/", "/support/", "/knowledge/",
         "/insights/dashboard/", "/accounts/profile/"]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_menus_are_the_template_loop_to_the_byte(cast, language):
    factory, template, compared = RequestFactory(), Template(LOOP), 0
    with translation.override(language):
        for who, user in cast.users().items():
            for path in PAGES:
                request = factory.get(path)
                request.user, request.resolver_match = user, resolve(path)
                groups = navigation(request)["nav_groups"]
                expected = template.render(Context({"nav_groups": groups}))
                for _ in range(2):  # built, then kept
                    assert nav_menu(groups) == expected, (who, path)
                compared += 1
    assert compared == len(cast.users()) * len(PAGES)


def test_the_page_shows_the_current_place_and_the_language(client, cast):
    client.force_login(cast.manager)
    html = client.get("/customers/").content.decode()
    assert html.count('aria-current="page"') == 1 and html.count('aria-current="true"') == 1
    current = html.split('aria-current="true"')[0].rsplit("data-nav-group=", 1)[1]
    assert current.startswith('"sales"')  # 客户与商机
    assert "客户与商机" in html
    client.post("/i18n/setlang/", {"language": "en", "next": "/customers/"})
    english = client.get("/customers/").content.decode()
    assert "Customers &amp; opportunities" in english and "客户与商机" not in english
    assert english.count('aria-current="page"') == 1
