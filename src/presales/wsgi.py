import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "presales.settings")
application = get_wsgi_application()


def _warm_up() -> None:
    """Import the URLconf (every view module) now, when the server loads the application, instead
    of in the first request each worker serves: that import takes seconds of CPU, and on a busy
    machine the first requests ran into the worker timeout. Closes any connection opened meanwhile,
    so that worker processes forked from this one (gunicorn --preload) never share one."""
    from django.db import connections
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - the import is the point
    connections.close_all()


_warm_up()
