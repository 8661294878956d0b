"""The long tables of the manager dashboard, rendered in one pass.

A win-rate table has a row per presales lead who closed something in the period: a few hundred
at 100k opportunities, about 60 µs each through the template engine (13 ms of the page's CPU),
and as much through `format_html`; the workload table has 50 engineers with four linked figures
each. `win_rows` and `workload_rows` write the same markup as the template loops they replace,
escaped as `{{ value }}` escapes (`html.escape` of the text unless it is already safe) and with
numbers formatted as `{{ value }}` formats them (`localize`; see `Numbers`)."""

from __future__ import annotations

from html import escape

from django import template
from django.conf import settings
from django.utils.formats import get_format, localize
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()

ROW = (
    '<tr><td>{}</td>\n    <td class="text-end">{}</td>\n    <td class="text-end">{}</td>\n'
    '    <td class="text-end">{}</td></tr>\n  '
)

WORKLOAD_ROW = (
    '<tr><td>{}</td><td class="small">{}</td>\n'
    '        <td class="text-end"><a href="{}">{}</a></td>\n'
    '        <td class="text-end"><a href="{}">{}</a></td>\n'
    '        <td class="text-end"><a href="{}">{}</a></td>\n'
    '        <td class="text-end"><a href="{}">{}</a></td></tr>'
)


def _text(value) -> str:
    """What `{{ value }}` writes for a string: escaped unless marked safe."""
    return value.__html__() if hasattr(value, "__html__") else escape(str(value))


class Numbers:
    """`{{ value }}` of numbers (`localize`, then escaped), for one rendering, with the active
    language's formats read once. Without digit grouping (the thousand separator off),
    `numberformat.format` returns an int untouched and writes a float as `str(value)` with the
    language's decimal separator for its point (unless it prints with an exponent): done here
    directly. Anything else goes through `localize` once per distinct value."""

    def __init__(self):
        lang = get_language()
        self.cache: dict = {}
        self.plain = (
            not settings.USE_THOUSAND_SEPARATOR or get_format("NUMBER_GROUPING", lang, use_l10n=True) == 0
        )
        self.point = _text(get_format("DECIMAL_SEPARATOR", lang, use_l10n=True))

    def __call__(self, value) -> str:
        kind = type(value)
        if self.plain:
            if kind is int:
                return str(value)
            if kind is float:
                text = str(value)
                if "e" not in text.lower():
                    return text.replace(".", self.point)
        key = (type(value), value)  # 1 and 1.0 print differently
        text = self.cache.get(key)
        if text is None:
            text = self.cache[key] = _text(localize(value))
        return text


@register.simple_tag
def win_rows(rows) -> str:
    """The <tr> rows of insights/partials/win_table.html (won and lost linked when the row has
    their lists' URLs; the rate with a per cent sign, or — when nothing was decided)."""
    number = Numbers()

    def figure(value, url: str) -> str:
        return f'<a href="{_text(url)}">{number(value)}</a>' if url else number(value)

    out = []
    for r in rows:
        rate = "—" if r["rate"] is None else f"{number(r['rate'])}%"
        out.append(
            ROW.format(
                _text(r["label"]),
                figure(r["won"], r["urls"]["won"]),
                figure(r["lost"], r["urls"]["lost"]),
                rate,
            )
        )
    return mark_safe("".join(out))  # noqa: S308 - every value in it is escaped above


@register.simple_tag
def workload_rows(rows) -> str:
    """The <tr> rows of the dashboard's workload table: engineer, team, and the four figures,
    each linked to its list."""
    number = Numbers()
    out = []
    for r in rows:
        urls = r["urls"]
        out.append(
            WORKLOAD_ROW.format(
                _text(r["engineer"]),
                _text(r["team"]),
                _text(urls["open_requests"]), number(r["open_requests"]),
                _text(urls["open_opportunities"]), number(r["open_opportunities"]),
                _text(urls["open_pocs"]), number(r["open_pocs"]),
                _text(urls["bids_due"]), number(r["bids_due"]),
            )
        )
    return mark_safe("".join(out))  # noqa: S308 - every value in it is escaped above
