"""MotCua project package: settings, root URLs, the Celery app and health checks."""

from portal.celery import app as celery_app

__all__ = ("celery_app",)
