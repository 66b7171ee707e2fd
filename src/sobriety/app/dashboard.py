"""The dashboard's figures read from the database: fleet indicators and the reuse rate.

:func:`read_dashboard` reads the fleet once (the carbon engine's arrays),
computes :func:`sobriety.domain.report.kpis.dashboard` on it, then the décret
2023-266 reuse rate of the same year from the recorded history. It reports
progress through a callback, so a thread worker can drive a progress bar.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import Engine

from sobriety.domain.carbon.factors import FactorSet
from sobriety.domain.report import kpis
from sobriety.domain.reuse.policy import Policy
from sobriety.domain.reuse.rate import ReuseRate
from sobriety.i18n import _
from sobriety.storage import reuse_events as reuse_history
from sobriety.storage.carbon_fleet import read_fleet

Progress = Callable[[str, float, float], None]


def read_dashboard(
    engine: Engine,
    factor_set: FactorSet,
    policy: Policy,
    targets: kpis.PurchaseTargets,
    *,
    on: dt.date,
    year: int | None = None,
    progress: Progress | None = None,
) -> tuple[kpis.Dashboard, ReuseRate]:
    """Every dashboard figure of ``year`` (default: the year of ``on``) and its reuse rate."""
    year = year or on.year
    total = 7.0

    def report(text: str, done: float) -> None:
        if progress is not None:
            progress(text, done, total)

    report(_("Reading the fleet"), 0)
    fleet = read_fleet(engine, factor_set)
    dash = kpis.dashboard(
        fleet,
        factor_set,
        targets,
        on=on,
        year=year,
        progress=lambda text, done, steps: report(text, 1 + done / steps * 4),
    )
    report(_("Reuse rate from the history"), 5)
    rate = reuse_history.reuse_rate(engine, policy, year)
    report(_("Done"), total)
    return dash, rate
