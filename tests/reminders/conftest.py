import datetime

import pytest
import time_machine

# The date the planning tests were written against: their meetings, action items and
# milestones fall in 2027, ahead of it. Pinned (ticking) so they pass on any date.
WRITTEN_ON = datetime.datetime(2026, 11, 30, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def pinned_clock():
    with time_machine.travel(WRITTEN_ON, tick=True):
        yield
