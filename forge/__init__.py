"""FORGE secretariat project package: settings, URL map, Celery app."""

from forge.celery import app as celery_app

__all__ = ["celery_app"]
