"""Imported at start by every Python process of `make test-shifted` only (scripts/test.sh puts
this folder on PYTHONPATH when FORGE_TEST_FAKETIME is set).

Why: libfaketime 0.9.10 (Debian 12) breaks `time.sleep` on Python 3.11 when the monotonic clock
is left real (FAKETIME_DONT_FAKE_MONOTONIC=1): Python sleeps with
clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME), libfaketime moves that deadline as if it were
wall-clock time and the call fails with EINVAL (libfaketime issue 426). Faking the monotonic
clock instead makes timed lock waits hang. So here a sleep is a timed wait on an event that is
never set: the kernel times it on the real monotonic clock, which libfaketime leaves alone.
"""

import os
import threading
import time

if os.environ.get("FAKETIME"):
    _never_set = threading.Event()

    def _sleep(seconds: float) -> None:
        if seconds < 0:
            raise ValueError("sleep length must be non-negative")
        _never_set.wait(seconds)

    time.sleep = _sleep
