"""Rows of the opportunity page written in Python (opportunity_tags) are the template loops they
replaced, byte for byte, in both languages and time zones."""

from datetime import UTC, datetime

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from presales.accounts.models import User
from presales.customers.choices import Channel
from presales.customers.models import CommunicationLog
from presales.opportunities.models import StageEvent

LOOP = """{% load i18n %}{% for log in communications %}
        <li class="list-group-item"><div class="d-flex"><strong class="me-auto">{{ log.subject }}</strong><span class="text-muted">{{ log.occurred_at|date:"Y-m-d H:i" }} · {{ log.get_channel_display }}</span></div>
        <div>{{ log.content|truncatechars:200 }}</div>{% if log.next_step %}<div class="text-muted">{% translate "Next step" %}: {{ log.next_step }}</div>{% endif %}</li>
      {% empty %}<li class="list-group-item empty-state">{% translate "No communication recorded for this opportunity yet." %}</li>{% endfor %}"""  # noqa: E501


def logs():
    channels = list(Channel.values)
    texts = ["现场拜访，确认了<储能>需求 & “报价”", "短", "长" * 250, "a\nb <script>x</script>", "x" * 200]
    return [
        CommunicationLog(
            subject=f"沟通 <{i}> & '引号' \"双\"",
            occurred_at=datetime(2026, 12, 1 + i, 15 + i, 59, tzinfo=UTC),
            channel=channels[i % len(channels)],
            content=text,
            next_step="" if i % 2 else f"下一步 <{i}> & 跟进",
        )
        for i, text in enumerate(texts)
    ]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("zone", ["Asia/Shanghai", "UTC"])
@pytest.mark.parametrize("rows", ["many", "one", "none"])
def test_communication_rows_are_the_loop(language, zone, rows):
    communications = {"many": logs(), "one": logs()[:1], "none": []}[rows]
    with translation.override(language), timezone.override(zone):
        loop = Template(LOOP).render(Context({"communications": communications}))
        tag = Template("{% load opportunity_tags %}{% communication_rows communications %}").render(
            Context({"communications": communications})
        )
    assert tag == loop


EVENTS = """{% load i18n opportunity_tags %}{% for e in events %}<tr>
          <td class="text-nowrap small">{{ e.at|date:"Y-m-d H:i" }}</td>
          <td class="text-nowrap">{% if e.from_stage %}{% stage_badge e.from_stage %} → {% endif %}{% stage_badge e.to_stage %}</td>
          <td class="small">{{ e.actor }}</td>
          <td class="small">{{ e.reason|default:"—" }}{% if e.overridden %}<div><span class="badge text-bg-warning">{% translate "gate overridden" %}</span>{% for r in e.overridden_reasons %}<div class="text-muted">· {{ r }}</div>{% endfor %}</div>{% endif %}</td>
        </tr>{% empty %}<tr><td colspan="4" class="text-muted">—</td></tr>{% endfor %}"""  # noqa: E501


def events():
    people = [User(username="zhang", display_name="张伟 <经理>"),
              User(username="li", first_name="Li", last_name="&Lei"), User(username="wang")]
    return [
        StageEvent(from_stage="", to_stage="lead", actor=people[0],
                   at=datetime(2026, 11, 30, 16, 5, tzinfo=UTC)),
        StageEvent(from_stage="lead", to_stage="discovery", actor=people[1], reason="客户 <确认> & 推进",
                   at=datetime(2026, 12, 1, 1, 0, tzinfo=UTC)),
        StageEvent(from_stage="solution", to_stage="negotiation", actor=people[2], reason="", overridden=True,
                   overridden_reasons=["方案未通过 <评审>", "POC “A” & B"],
                   at=datetime(2026, 12, 2, 23, 59, tzinfo=UTC)),
        StageEvent(from_stage="bid", to_stage="won", actor=people[0], reason="中标", overridden=True,
                   overridden_reasons=[], at=datetime(2026, 12, 3, 8, 0, tzinfo=UTC)),
    ]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("zone", ["Asia/Shanghai", "UTC"])
@pytest.mark.parametrize("rows", ["many", "one", "none"])
def test_stage_event_rows_are_the_loop(language, zone, rows):
    shown = {"many": events(), "one": events()[1:2], "none": []}[rows]
    with translation.override(language), timezone.override(zone):
        loop = Template(EVENTS).render(Context({"events": shown}))
        tag = Template("{% load opportunity_tags %}{% stage_event_rows events %}").render(
            Context({"events": shown})
        )
    assert tag == loop
