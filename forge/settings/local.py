"""Developer settings: `make run` and manage.py use these. DEBUG on unless the environment says otherwise."""

from forge.settings.base import *  # noqa: F403
from forge.settings.base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
