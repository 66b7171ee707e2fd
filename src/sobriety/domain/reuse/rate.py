"""Décret 2023-266 reuse rate, computed from the recorded history.

Résultat = A / B x 100 (décret 2023-266 art. 3):

- A = in-scope devices sent to reuse during year N (transfer to a public body,
  donation; sale and take-back only with the taker's prior commitment and proof
  of reuse, art. 2), split into those held on 1 January (in B) and those retired
  during the year (not in B: so A can exceed B);
- B = in-scope retired devices held ("en stock") on 1 January N.

In scope (art. 1): categories 2 and 6 of R543-172 (small equipment: no outer
dimension over 50 cm where recorded, the policy's default where not), not over
10 years old at the retirement date ("plus de dix ans" is out: exactly 10 is
in), no data under specific security obligations. The thresholds come from
the policy file.

The history is given as flat arrays of *state events* (retired, left the
organisation, back in service) so the state of every device on 1 January is
found with one sort, not a loop over devices.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from sobriety.domain.reuse.policy import CATEGORIES, Policy
from sobriety.domain.reuse.rules import calendar_years, small_equipment
from sobriety.domain.vocab import Channel

#: State-event kinds.
RETIRE, LEAVE, RETURN = 1, 2, 3


@dataclass(frozen=True)
class History:
    """Devices (rows) and their state events, as aligned arrays.

    ``category`` holds category codes (index in ``CATEGORIES``),
    ``acquisition_date`` ``datetime64[D]`` (NaT unknown), ``sensitive`` bools.
    Events: ``event_row`` (device row), ``event_date`` (``datetime64[D]``),
    ``event_kind`` (RETIRE / LEAVE / RETURN). Transfers: ``transfer_row``,
    ``transfer_date``, ``transfer_channel`` (channel values) and
    ``transfer_proven`` (take-back with commitment and proof of reuse).
    """

    category: np.ndarray
    acquisition_date: np.ndarray
    sensitive: np.ndarray
    event_row: np.ndarray
    event_date: np.ndarray
    event_kind: np.ndarray
    transfer_row: np.ndarray
    transfer_date: np.ndarray
    transfer_channel: np.ndarray
    transfer_proven: np.ndarray
    #: Devices retired now whose retirement date is unknown (left out of B).
    undated_retired: int = 0
    #: Largest outer dimension in cm per device (nan: not recorded; empty: none read).
    max_dimension_cm: np.ndarray = field(default_factory=lambda: np.array([], np.float64))


@dataclass(frozen=True)
class ReuseRate:
    year: int
    #: Numerator: in-scope devices sent to reuse during the year.
    a: int
    #: Denominator: in-scope retired devices held on 1 January.
    b: int
    #: A / B x 100, None when B is 0.
    rate_pct: float | None
    target_pct: float | None
    #: A by channel.
    a_by_channel: dict[str, int] = field(default_factory=dict)
    #: Sale and take-back transfers of the year still missing a commitment or proof.
    pending_proof: int = 0
    #: Part of A held on 1 January (also counted in B).
    a_from_stock: int = 0
    #: Part of A retired during the year (not in B).
    a_retired_in_year: int = 0
    #: Retired devices held on 1 January left out of B, by reason.
    excluded: dict[str, int] = field(default_factory=dict)
    source: str | None = None
    #: Devices retired now with no retirement date: B may miss them.
    undated_retired: int = 0

    @property
    def met(self) -> bool | None:
        if self.rate_pct is None or self.target_pct is None:
            return None
        return self.rate_pct >= self.target_pct


def _last_event_before(h: History, when: np.datetime64, n: int) -> np.ndarray:
    """Kind of each device's last state event strictly before ``when`` (0: none)."""
    sel = h.event_date < when
    rows, dates, kinds = h.event_row[sel], h.event_date[sel], h.event_kind[sel]
    state = np.zeros(n, dtype=np.int8)
    if len(rows) == 0:
        return state
    order = np.lexsort((kinds, dates, rows))  # by row, then date (leave after retire same day)
    rows, kinds = rows[order], kinds[order]
    last = np.r_[rows[1:] != rows[:-1], True]
    state[rows[last]] = kinds[last]
    return state


def _retirement_date(h: History, n: int, before: np.datetime64) -> np.ndarray:
    """Date of the latest RETIRE event before ``before`` for each device (NaT: none)."""
    sel = (h.event_kind == RETIRE) & (h.event_date < before)
    out = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    rows, dates = h.event_row[sel], h.event_date[sel]
    if len(rows):
        order = np.lexsort((dates, rows))
        rows, dates = rows[order], dates[order]
        last = np.r_[rows[1:] != rows[:-1], True]
        out[rows[last]] = dates[last]
    return out


def compute_reuse_rate(h: History, policy: Policy, year: int) -> ReuseRate:
    rr = policy.reuse_rate
    n = len(h.category)
    jan1 = np.datetime64(dt.date(year, 1, 1), "D")
    next_jan1 = np.datetime64(dt.date(year + 1, 1, 1), "D")
    in_cat = np.array([c in rr.categories for c in CATEGORIES], dtype=bool)[h.category]
    dims = h.max_dimension_cm if len(h.max_dimension_cm) == n else np.full(n, np.nan)
    small = small_equipment(rr, h.category, dims)
    sensitive = h.sensitive if rr.exclude_sensitive else np.zeros(n, dtype=bool)

    def age_ok(at: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        unknown = np.isnat(h.acquisition_date) | np.isnat(at)
        age = calendar_years(h.acquisition_date, at)
        return ~unknown & (age <= rr.max_age_years), unknown

    # B: retired and still held on 1 January.
    held = _last_event_before(h, jan1, n) == RETIRE
    b_ok, b_unknown = age_ok(_retirement_date(h, n, jan1))
    excluded = {
        "category": int((held & ~in_cat).sum()),
        "size": int((held & in_cat & ~small).sum()),
        "sensitive": int((held & in_cat & small & sensitive).sum()),
        "age_unknown": int((held & in_cat & small & ~sensitive & b_unknown).sum()),
        "too_old": int((held & in_cat & small & ~sensitive & ~b_unknown & ~b_ok).sum()),
    }
    in_cat = in_cat & small
    b_mask = held & in_cat & ~sensitive & b_ok

    # A: transfers of the year through a channel that counts as reuse.
    in_year = (h.transfer_date >= jan1) & (h.transfer_date < next_jan1)
    counting = {c for c, cp in policy.channels.items() if cp.counts_as_reuse == "yes"}
    proof_channels = {c for c, cp in policy.channels.items() if cp.counts_as_reuse == "with_proof"}
    chan = h.transfer_channel
    counts = np.isin(chan, [str(c) for c in counting])
    with_proof = np.isin(chan, [str(c) for c in proof_channels])
    rows = h.transfer_row
    # Age at retirement: the last retirement before the transfer, else the transfer date.
    retired_at = _retirement_date(h, n, next_jan1)[rows]
    ref = np.where(np.isnat(retired_at), h.transfer_date, retired_at)
    ok_age, _unknown = age_ok_rows(h, rows, ref, rr.max_age_years)
    scope = in_cat[rows] & ~sensitive[rows] & ok_age
    a_sel = in_year & scope & (counts | (with_proof & h.transfer_proven))
    pending = in_year & scope & with_proof & ~h.transfer_proven
    a_rows, first = np.unique(rows[a_sel], return_index=True)
    by_channel: dict[str, int] = {}
    for c in chan[a_sel][first]:
        by_channel[str(c)] = by_channel.get(str(c), 0) + 1
    a = len(a_rows)
    b = int(b_mask.sum())
    from_stock = int(b_mask[a_rows].sum()) if a else 0
    return ReuseRate(
        year=year,
        a=a,
        b=b,
        rate_pct=(a / b * 100.0) if b else None,
        target_pct=rr.target_for(year),
        a_by_channel={str(c): by_channel[str(c)] for c in Channel if str(c) in by_channel},
        pending_proof=len(np.unique(rows[pending])),
        a_from_stock=from_stock,
        a_retired_in_year=a - from_stock,
        excluded=excluded,
        source=rr.source,
        undated_retired=h.undated_retired,
    )


def age_ok_rows(
    h: History, rows: np.ndarray, at: np.ndarray, max_age: float
) -> tuple[np.ndarray, np.ndarray]:
    acq = h.acquisition_date[rows]
    unknown = np.isnat(acq) | np.isnat(at)
    return ~unknown & (calendar_years(acq, at) <= max_age), unknown
