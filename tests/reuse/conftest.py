"""The reuse tests run on their own day: devices' ages, decision dates and lot codes follow it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine

from .fleetdb import TODAY

#: The wall clock of every reuse test: 9 a.m. UTC on TODAY, then ticking (history
#: rows keep their order). The commands and store functions that default to
#: "today" (``flag`` without ``--date``, ``add_to_lot`` without ``on``, the
#: year in a lot code) see TODAY, whatever day the suite runs.
#: The application's clock is TODAY (``Sobriety(today=...)``); the wall clock is a
#: later, fixed day, so that a decision dated TODAY is stamped at noon of TODAY.
NOW = dt.datetime.combine(TODAY + dt.timedelta(days=4), dt.time(9, 0), tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _wall_clock_on_today() -> Iterator[None]:
    with time_machine.travel(NOW, tick=True):
        yield
