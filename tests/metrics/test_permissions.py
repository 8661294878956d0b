"""Whose metrics a person may see (`can_view_person`), for the pages, the API and the appraisal."""

import pytest

from presales.metrics.permissions import can_view_person, viewable_people

pytestmark = pytest.mark.django_db


def test_can_view_person(cast, committee):
    a = cast.engineer_a
    assert can_view_person(a, a)  # own
    assert can_view_person(cast.lead_a, a)  # team lead of A's team
    assert can_view_person(cast.manager, a) and can_view_person(cast.manager, cast.engineer_b)  # managers
    assert can_view_person(committee, a) and can_view_person(committee, cast.engineer_b)  # committee
    assert not can_view_person(cast.engineer_a2, a)  # a colleague of the same team
    assert not can_view_person(cast.sales_a, a)
    assert not can_view_person(cast.engineer_b, a)
    assert not can_view_person(cast.nobody, a)
    assert not can_view_person(cast.lead_a, cast.engineer_b)  # leads only their own team
    assert not can_view_person(a, cast.lead_a)  # not upwards


def test_inactive_or_anonymous_viewers_see_nobody(cast):
    from django.contrib.auth.models import AnonymousUser

    assert not can_view_person(AnonymousUser(), cast.engineer_a)
    cast.manager.is_active = False
    assert not can_view_person(cast.manager, cast.engineer_a)
    assert not viewable_people(AnonymousUser()).exists()


def test_viewable_people(cast, committee):
    assert set(viewable_people(cast.engineer_a)) == {cast.engineer_a}
    team_a = {cast.manager, cast.lead_a, cast.engineer_a, cast.engineer_a2, cast.sales_a}
    assert set(viewable_people(cast.lead_a)) == team_a
    assert cast.engineer_b in set(viewable_people(committee))
