"""factory_boy factories, one module per app (each owned by that app's tests)."""

from .accounts import TeamFactory, UserFactory, make_user  # noqa: F401
from .customers import CustomerFactory  # noqa: F401
