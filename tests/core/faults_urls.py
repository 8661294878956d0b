"""URLs for the fault tests: the site's own, plus a page whose database is unreachable."""

from django.db import connections
from django.http import HttpResponse
from django.urls import path

from presales.urls import handler500  # noqa: F401
from presales.urls import urlpatterns as site_urlpatterns


def unreachable_database(request):
    """Queries a copy of the default database's connection pointed at an address that refuses
    (what the application sees while PostgreSQL restarts)."""
    default = connections["default"]
    settings_dict = dict(default.settings_dict)
    if default.vendor == "sqlite":
        settings_dict["NAME"] = "/nonexistent-folder/presales.sqlite3"
    else:
        settings_dict.update(HOST="127.0.0.1", PORT="1")
    broken = type(default)(settings_dict, alias="unreachable")
    try:
        with broken.cursor() as cursor:
            cursor.execute("SELECT 1")
    finally:
        broken.close()
    return HttpResponse("unexpected")


urlpatterns = [
    path("api/fault/database/", unreachable_database),
    path("fault/database/", unreachable_database),
]
urlpatterns += site_urlpatterns
