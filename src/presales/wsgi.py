import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "presales.settings")
application = get_wsgi_application()


def _warm_up() -> None:
    """Import now, when the server loads the application, what requests would otherwise import in
    the first request each worker serves: the URLconf (every view module), the cache backend
    (django-redis and redis-py) and the broker transport (kombu's Redis transport). Together that
    takes seconds of CPU, and on a busy machine the first requests ran into the worker timeout.
    Nothing is connected here (objects made are thrown away), and any database connection opened
    meanwhile is closed, so worker processes forked from this one (gunicorn --preload) share none."""
    from django.core.cache import caches
    from django.db import connections
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - the import is the point
    for alias in caches:
        backend = caches.create_connection(alias)
        getattr(backend, "client", None)  # django-redis builds its client class lazily
    from presales.celery import app

    if not app.conf.task_always_eager:
        app.connection_for_write().transport  # noqa: B018
    connections.close_all()


_warm_up()
