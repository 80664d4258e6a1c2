"""Factories for every app's tests; each app's factories live in their own module here."""

from tests.factories.markets import *  # noqa: F403
from tests.factories.meetings import *  # noqa: F403
from tests.factories.members import *  # noqa: F403
from tests.factories.projects import *  # noqa: F403
