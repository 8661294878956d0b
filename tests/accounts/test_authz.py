"""Roles and led teams are kept per process and user (accounts.authz): every change of roles or of
a team's lead must be seen by the next request, in this process and in the others (the stamp in
the user's row). A "fresh" user below is the object a new request loads."""

import pytest

from presales.accounts import authz
from presales.accounts.choices import RoleCode
from presales.accounts.models import Role, Team, User
from presales.core.permissions import is_manager
from presales.opportunities.models import Opportunity
from tests.factories.accounts import TeamFactory, make_user

pytestmark = pytest.mark.django_db


def fresh(user) -> User:
    return User.objects.get(pk=user.pk)


def role(code) -> Role:
    return Role.objects.get(code=code)


def test_roles_are_read_once_per_process(django_assert_num_queries):
    user = make_user(RoleCode.PRESALES_ENGINEER)
    assert fresh(user).role_codes == {RoleCode.PRESALES_ENGINEER}
    again = fresh(user)
    with django_assert_num_queries(0):
        assert again.role_codes == {RoleCode.PRESALES_ENGINEER}
        assert again.led_team_ids == frozenset()


@pytest.mark.parametrize("how", ["add", "set"])
def test_a_role_given_is_seen_by_the_next_request(how):
    user = make_user(RoleCode.PRESALES_ENGINEER)
    assert not is_manager(fresh(user))  # cached now
    other = fresh(user)  # an object of another request, changed through its own relation
    if how == "add":
        other.roles.add(role(RoleCode.PRESALES_MANAGER))
    else:
        other.roles.set([role(RoleCode.PRESALES_MANAGER)])
    assert is_manager(fresh(user))
    if how == "set":
        assert fresh(user).role_codes == {RoleCode.PRESALES_MANAGER}


@pytest.mark.parametrize("how", ["remove", "clear", "set"])
def test_a_role_taken_away_is_seen_by_the_next_request(how):
    user = make_user(RoleCode.PRESALES_MANAGER)
    bystander = make_user(RoleCode.PRESALES_ENGINEER)
    assert is_manager(fresh(user))
    assert fresh(bystander).role_codes == {RoleCode.PRESALES_ENGINEER}
    manager_role = role(RoleCode.PRESALES_MANAGER)
    if how == "remove":
        fresh(user).roles.remove(manager_role)
    elif how == "clear":
        fresh(user).roles.clear()
    else:
        fresh(user).roles.set([role(RoleCode.SALES)])
    assert not is_manager(fresh(user))
    assert Opportunity.objects.visible_to(fresh(user)).query.where  # filtered again, not all()
    assert fresh(bystander).role_codes == {RoleCode.PRESALES_ENGINEER}


def test_the_changed_object_itself_is_current():
    user = make_user(RoleCode.PRESALES_ENGINEER)
    assert not user.is_manager
    user.roles.add(role(RoleCode.PRESALES_MANAGER))
    assert user.is_manager


def test_a_team_lead_gained_lost_and_moved():
    team = TeamFactory()
    first, second = make_user(RoleCode.PRESALES_ENGINEER), make_user(RoleCode.PRESALES_ENGINEER)
    assert fresh(first).led_team_ids == frozenset()
    assert fresh(second).led_team_ids == frozenset()
    team.lead = first
    team.save()
    assert fresh(first).led_team_ids == {team.pk}
    team = Team.objects.get(pk=team.pk)  # another request moves the lead
    team.lead = second
    team.save()
    assert fresh(first).led_team_ids == frozenset()
    assert fresh(second).led_team_ids == {team.pk}
    team.lead = None
    team.save()
    assert fresh(second).led_team_ids == frozenset()


def test_a_new_team_with_its_lead_and_a_deleted_team():
    lead = make_user(RoleCode.PRESALES_ENGINEER)
    assert fresh(lead).led_team_ids == frozenset()
    team = Team.objects.create(name="新建团队", lead=lead)
    assert fresh(lead).led_team_ids == {team.pk}
    team.delete()
    assert fresh(lead).led_team_ids == frozenset()


def test_another_process_sees_the_change_through_the_stamp():
    """Signals reach only this process: another one still holds its entry. The stamp re-drawn in
    the row makes that entry stale for every process."""
    user = make_user(RoleCode.PRESALES_MANAGER)
    loaded = fresh(user)
    assert loaded.is_manager
    old_entry = authz._entries[user.pk]
    fresh(user).roles.clear()
    authz._entries[user.pk] = old_entry  # what another process still has
    assert fresh(user).role_codes == frozenset()


def test_saving_an_object_read_before_the_change_keeps_the_new_stamp():
    user = make_user(RoleCode.PRESALES_MANAGER)
    before = fresh(user)
    assert before.is_manager
    old_entry = authz._entries[user.pk]
    fresh(user).roles.clear()
    before.title = "首席顾问"
    before.save()  # a full save of the object read before the change
    authz._entries[user.pk] = old_entry  # another process's entry, with the old stamp
    after = fresh(user)
    assert after.title == "首席顾问"
    assert after.role_codes == frozenset()


def test_superuser_flag_needs_no_invalidation():
    user = make_user()
    assert not is_manager(fresh(user))
    User.objects.filter(pk=user.pk).update(is_superuser=True)
    assert RoleCode.ADMIN in fresh(user).role_codes


@pytest.mark.django_db
def test_a_users_name_from_display_name_alone_reads_no_other_column(django_assert_num_queries):
    user = make_user(RoleCode.PRESALES_ENGINEER, username="wang_name", display_name="王工")
    loaded = User.objects.only("pk", "display_name", "username").get(pk=user.pk)
    with django_assert_num_queries(0):
        assert str(loaded) == "王工"
