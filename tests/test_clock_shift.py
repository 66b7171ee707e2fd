"""The suite's clock: real by default, N days ahead with SOBRIETY_TEST_CLOCK_SHIFT_DAYS=N.

CI runs the suite twice, the second time a year ahead: this checks that the
second run really is a year ahead (in the worker that runs it), and that no
test leaves a time travel running for the tests after it.
"""

from __future__ import annotations

import datetime as dt
import os

import time_machine


def test_the_clock_is_the_real_one_shifted_by_the_requested_days() -> None:
    days = int(os.environ.get("SOBRIETY_TEST_CLOCK_SHIFT_DAYS") or 0)
    hatch = time_machine.escape_hatch
    assert hatch.is_travelling() == (days != 0)
    if days:
        shift = dt.datetime.now(dt.UTC) - hatch.datetime.datetime.now(dt.UTC)
        assert abs(shift - dt.timedelta(days=days)) < dt.timedelta(minutes=10), shift
        assert dt.date.today() != hatch.datetime.date.today()
