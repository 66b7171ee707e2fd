"""Ages in calendar years, exact on anniversaries, over numpy date arrays."""

from __future__ import annotations

import numpy as np

DAYS_PER_YEAR = 365.25


def _civil(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month, day of days since 1970-01-01 (H. Hinnant's civil_from_days)."""
    z = days + 719468
    era = np.floor_divide(z, 146097)
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = np.where(mp < 10, mp + 3, mp - 9)
    y = yoe + era * 400 + (m <= 2)
    return y, m, d


def _days_from_civil(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> np.ndarray:
    y = y - (m <= 2)
    era = np.floor_divide(y, 400)
    yoe = y - era * 400
    mp = np.where(m > 2, m - 3, m + 9)
    doy = (153 * mp + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def calendar_years(start: np.ndarray, end: np.ndarray | np.datetime64) -> np.ndarray:
    """Age in years between dates, exact on anniversaries (``nan`` where unknown).

    Whole months between the dates count as twelfths of a year, so a device
    bought on 29 November 2016 is exactly 10 years old on 29 November 2026 and
    2.5 years old 30 months after purchase; the days since the last monthly
    anniversary add their share of a 365.25-day year. Integer arithmetic only
    (no calendar conversions through numpy's datetime units).
    """
    start = np.asarray(start, dtype="datetime64[D]")
    end = np.broadcast_to(np.asarray(end, dtype="datetime64[D]"), start.shape)
    unknown = np.isnat(start) | np.isnat(end)
    s_days = np.where(unknown, 0, start.view(np.int64))
    e_days = np.where(unknown, 0, end.view(np.int64))
    sy, sm, sd = _civil(s_days)
    ey, em, ed = _civil(e_days)
    months = (ey * 12 + em) - (sy * 12 + sm) - (ed < sd)
    total = sy * 12 + (sm - 1) + months
    ay, am = total // 12, total % 12 + 1
    next_y, next_m = np.where(am == 12, ay + 1, ay), np.where(am == 12, 1, am + 1)
    month_len = _days_from_civil(next_y, next_m, np.ones_like(sd)) - _days_from_civil(
        ay, am, np.ones_like(sd)
    )
    anniversary = _days_from_civil(ay, am, np.minimum(sd, month_len))
    out = months / 12.0 + (e_days - anniversary) / DAYS_PER_YEAR
    out[unknown] = np.nan
    return out
