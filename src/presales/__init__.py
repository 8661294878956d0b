"""Presales management system (售前管理系统)."""

from .celery import app as celery_app

__all__ = ["celery_app"]
