"""What a Chinese user notices: no "---------" in selects (全部 in filters, 请选择 in forms), a switch
for 只看我的, natural durations ("2 周 1 天"), amounts in 万元 in lists and boards, the demo logins on
the login page in demo mode."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django import forms
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from presales.accounts.models import Team
from presales.core.humanize import natural_duration, wan
from presales.customers.filtersets import CustomerFilterSet
from presales.opportunities.filtersets import OpportunityFilterSet
from tests.kit import build_cast


def test_natural_duration_in_chinese_and_english():
    with translation.override("zh-hans"):
        assert natural_duration(timedelta(days=15)) == "2 周 1 天"
        assert natural_duration(timedelta(hours=3, minutes=20)) == "3 小时 20 分钟"
        assert natural_duration(timedelta(days=400)) == "1 年 1 个月"
        assert natural_duration(timedelta(days=365, hours=5)) == "1 年"  # adjacent units only
        assert natural_duration(timedelta(seconds=30)) == "0 分钟"
        start = timezone.now() - timedelta(days=15, minutes=1)
        assert natural_duration(start) == "2 周 1 天"
    with translation.override("en"):
        assert natural_duration(timedelta(days=15)) == "2 weeks, 1 day"


def test_amounts_in_wan_and_exact_when_configured():
    with translation.override("zh-hans"):
        assert wan(Decimal("60340000.00")) == "6,034 万元"
        assert wan(Decimal("125000")) == "12.5 万元"
        assert wan(None) == "—"
        with override_settings(PRESALES_LIST_AMOUNT_UNIT="yuan"):
            assert wan(Decimal("60340000")) == "¥60,340,000.00"
    with translation.override("en"):
        assert wan(Decimal("60340000")) == "¥60.34 M"


@pytest.mark.django_db
def test_no_dashes_in_filter_and_form_selects():
    Team.objects.create(name="华东售前一组")
    with translation.override("zh-hans"):
        form = CustomerFilterSet(data={}).form
        html = form.as_div()
        assert "---------" not in html and ">全部<" in html

        class TeamForm(forms.Form):
            team = forms.ModelChoiceField(queryset=Team.objects.all())
            kind = forms.ChoiceField(choices=[("", "---------"), ("a", "A")])

        html = TeamForm().as_div()
        assert "---------" not in html and html.count(">请选择<") == 2


@pytest.mark.django_db
def test_only_mine_is_a_switch(client):
    cast = build_cast()
    client.force_login(cast.sales_a)
    body = client.get(reverse("opportunities:list")).content.decode()
    assert 'role="switch"' in body and 'name="mine"' in body
    assert "---------" not in body
    # checked: the filter applies; the switch stays on
    body = client.get(reverse("opportunities:list") + "?mine=true").content.decode()
    assert 'name="mine" value="true"' in body and "checked" in body
    form = OpportunityFilterSet(data={"mine": "true"}, request=None).form
    assert form.is_valid() and form.cleaned_data["mine"] is True
    form = OpportunityFilterSet(data={}, request=None).form
    assert form.is_valid() and not form.cleaned_data["mine"]


@pytest.mark.django_db
def test_login_page_lists_demo_logins_in_demo_mode(client):
    from presales.accounts.models import User

    User.objects.create_user(username="demo", password="x", display_name="王志远")
    User.objects.create_user(username="engineer", password="x", display_name="李晓峰")
    with override_settings(PRESALES_DEMO=True):
        body = client.get(reverse("accounts:login")).content.decode()
    assert 'data-testid="demo-logins"' in body and "王志远" in body and "李晓峰" in body
    assert "售前经理" in body and "demo12345" in body
    body = client.get(reverse("accounts:login")).content.decode()
    assert 'data-testid="demo-logins"' not in body
