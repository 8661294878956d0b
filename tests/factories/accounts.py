import factory

from presales.accounts.models import Role, Team, User
from presales.accounts.services import ensure_roles


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"售前{n}组")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"用户{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("pw-123456")
    team = factory.SubFactory(TeamFactory)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            ensure_roles()  # a transactional test before this one may have flushed them
            self.roles.set(Role.objects.filter(code__in=extracted))
            self.__dict__.pop("role_codes", None)


def make_user(*roles: str, team=None, **kwargs) -> User:
    if team is not None:
        kwargs["team"] = team
    return UserFactory(roles=list(roles), **kwargs)
