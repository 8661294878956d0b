"""Celery application. Deployments run `celery -A presales worker -B`; the embedded default runs
tasks eagerly in-process (CELERY_TASK_ALWAYS_EAGER when no broker is configured)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "presales.settings")

app = Celery("presales")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
