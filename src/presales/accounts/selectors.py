from django.db.models import Prefetch, QuerySet

from .models import Role, User


def people_directory() -> QuerySet[User]:
    return (
        User.objects.filter(is_active=True)
        .select_related("team")
        .prefetch_related(Prefetch("roles", queryset=Role.objects.order_by("code")))
        .order_by("team__name", "display_name", "username")
    )


def users_with_role(*codes: str) -> QuerySet[User]:
    return (
        User.objects.filter(is_active=True, roles__code__in=codes)
        .distinct()
        .order_by("display_name", "username")
    )
