"""The demo fleet: a deterministic, realistic département IT fleet, generated with numpy.

:func:`plan_fleet` decides how many devices of each category every site gets
(exactly ``devices`` in total, or the realistic fleet of about 6,000 agents);
:func:`generate` then yields the devices, their history events and erasure
records chunk by chunk as numpy column arrays (no per-device Python objects),
ready for a bulk writer. The same seed, reference date and size always give
the same fleet.

The model behind the numbers:

- each (site, category) cell holds the devices in service today plus those
  retired since 1 January 2021 (the history kept by the inventory), in the
  proportion a steady renewal at the category's lifetime gives;
- devices in service have the age of a renewal process (lifetimes of 5-6
  years for laptops, longer for screens and network gear); retired devices
  have retirement dates spread since 2021 and lifetimes from the same law,
  with a few premature failures;
- a retired device waits in a storeroom for a decision (status ``retired``,
  about 200 days median), joins a reuse channel, then leaves (``gone``, with a
  ``transferred`` event and, if it held data, an erasure record); devices
  retired in 2020 and still held on 1 January 2021 are part of the history;
- the share of departures going to reuse rather than recycling grows from
  about 21 % (2021) to about 44 %, which puts the décret 2023-266 rate (reused
  during the year / retired devices held on 1 January) between 20 and 45 %.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from sobriety.domain.demo import catalog as cat
from sobriety.domain.demo.models import (
    CATS,
    PROFILE_INDEX,
    add_months,
    base36,
    battery,
    choose_models,
    days,
    hardware,
    model_table,
    numbered,
    objects,
    operating_system,
    pick,
    year_of,
)
from sobriety.domain.vocab import (
    PC_CATEGORIES,
    Category,
    Channel,
    EventKind,
    RecipientKind,
    Status,
)

#: Devices per generated chunk (part of the determinism contract: keep it fixed).
CHUNK_SIZE = 50_000
HISTORY_START = dt.date(2021, 1, 1)
#: Share of the devices leaving in a year that go to reuse (by year of departure).
REUSE_TARGETS = {2021: 0.21, 2022: 0.26, 2023: 0.31, 2024: 0.36, 2025: 0.41}
REUSE_TARGET_LATER = 0.44
#: Median time between retirement and the decision on a device (storeroom time).
WAIT_MEDIAN_DAYS = 200
ASSET_PREFIX = "DEMO-"
_DAY = 86_400

_CAT_INDEX = {c: i for i, c in enumerate(CATS)}
_PERSONAL_GROUPS = {
    Category.LAPTOP: 1, Category.DESKTOP: 1, Category.WORKSTATION: 1,
    Category.SMARTPHONE: 2, Category.RUGGED_SMARTPHONE: 2, Category.TABLET: 3,
}  # fmt: skip
_LIFE_MEAN = np.array([cat.TRAITS[c].life_mean for c in CATS])
_LIFE_SD = np.array([cat.TRAITS[c].life_sd for c in CATS])
_IS_PC = np.array([c in PC_CATEGORIES for c in CATS])
_HAS_DATA = np.array([c not in (Category.MONITOR,) for c in CATS])
_IS_INFRA = np.array(
    [c in (Category.SWITCH, Category.ROUTER, Category.WIFI_ACCESS_POINT, Category.FIREWALL,
           Category.PRINTER) for c in CATS]
)  # fmt: skip

STATUSES = (Status.IN_SERVICE, Status.IN_STOCK, Status.IN_REPAIR, Status.RETIRED,
            Status.IN_REUSE_CHANNEL, Status.GONE)  # fmt: skip
_S_SERVICE, _S_STOCK, _S_REPAIR, _S_RETIRED, _S_CHANNEL, _S_GONE = range(6)
CONDITIONS = ("working", "degraded", "broken")
ACQUISITIONS = ("new", "refurbished", "leased", "donated")
STORAGE_TYPES = ("hdd", "ssd", "emmc", "flash", "none")
REUSE_CHANNELS = (Channel.TRANSFER, Channel.DONATE_ASSOCIATION, Channel.DONATE_AGENT,
                  Channel.SELL, Channel.TAKE_BACK)  # fmt: skip
CHANNELS = (*REUSE_CHANNELS, Channel.RECYCLE)
RECIPIENTS = tuple(RecipientKind)
RETIRE_REASONS = ("end_of_life", "broken", "obsolete")
ERASURES = (
    # method, level, tool
    ("cryptographic_erase", "purge", "BitLocker key destruction"),
    ("secure_erase", "purge", "BIOS secure erase"),
    ("overwrite", "clear", "Blancco Drive Eraser"),
    ("overwrite", "clear", "nwipe (ShredOS)"),
    ("destruction", "destroy", "Shredder (eco-organisme)"),
    ("cryptographic_erase", "purge", "MDM remote wipe"),
    ("factory_reset", "clear", "Factory reset"),
    ("factory_reset", "clear", "Configuration erase (CLI)"),
)


@dataclass(frozen=True)
class FleetPlan:
    """How many devices each (site, category) cell holds, and how many are active."""

    seed: int
    as_of: dt.date
    sites: tuple[cat.SiteSpec, ...]
    agent_start: np.ndarray  # first agent number of each site (0-based)
    cell_site: np.ndarray
    cell_cat: np.ndarray
    cell_count: np.ndarray
    cell_active: np.ndarray
    cell_start: np.ndarray
    cell_rank0: np.ndarray  # rank of the cell's first active device in its personal group

    @property
    def total(self) -> int:
        return int(self.cell_count.sum())

    @property
    def agents(self) -> int:
        return sum(s.agents for s in self.sites)


@dataclass(frozen=True)
class FleetChunk:
    """One chunk of the fleet; ``device`` / ``site`` columns are 0-based indexes."""

    start: int
    devices: dict[str, np.ndarray]
    events: dict[str, np.ndarray]
    erasures: dict[str, np.ndarray]


def _history_years(as_of: dt.date) -> float:
    return max((as_of - HISTORY_START).days, 0) / 365.25


def _weights(sites: tuple[cat.SiteSpec, ...], as_of: dt.date) -> np.ndarray:
    """Expected devices (active + history) per site and category."""
    years = _history_years(as_of)
    hist_factor = np.array([1 + years / cat.TRAITS[c].life_mean for c in CATS])
    out = np.zeros((len(sites), len(CATS)))
    for i, site in enumerate(sites):
        rates = cat.RATES[site.profile]
        for c, (per_agent, per_site) in rates.items():
            out[i, _CAT_INDEX[c]] = per_agent * site.agents + per_site
        pcs = out[i, _IS_PC].sum()
        out[i, _CAT_INDEX[Category.MONITOR]] = rates.get(Category.MONITOR, (0, 0))[0] * pcs
    return out * hist_factor


def _base_sites() -> tuple[cat.SiteSpec, ...]:
    return cat.SITES


def default_device_count(as_of: dt.date) -> int:
    """Size of the realistic fleet (about 6,000 agents) at ``as_of``."""
    return round(_weights(_base_sites(), as_of).sum())


def _largest_remainder(weights: np.ndarray, total: int) -> np.ndarray:
    exact = weights / weights.sum() * total
    counts = np.floor(exact).astype(np.int64)
    rest = total - int(counts.sum())
    if rest:
        order = np.argsort(-(exact - counts), kind="stable")[:rest]
        counts[order] += 1
    return counts


def plan_fleet(*, as_of: dt.date, seed: int = 0, devices: int | None = None) -> FleetPlan:
    """Share ``devices`` (default: the realistic fleet) among sites and categories.

    Above the realistic size, the département's sites are repeated (codes
    suffixed ``-T2``, ``-T3``...) and agents scaled so that devices per agent
    stay realistic.
    """
    base = _base_sites()
    base_w = _weights(base, as_of)
    base_total = base_w.sum()
    n = round(base_total) if devices is None else int(devices)
    if n < 0:
        raise ValueError("the number of devices cannot be negative")
    replicas = max(1, math.ceil((n - 1) / base_total))
    scale = n / (replicas * base_total)
    sites: list[cat.SiteSpec] = []
    for r in range(replicas):
        for s in base:
            code = s.code if r == 0 else f"{s.code}-T{r + 1}"
            name = s.name if r == 0 else f"{s.name} (T{r + 1})"
            sites.append(
                s._replace(code=ASSET_PREFIX + code, name=name, agents=round(s.agents * scale))
            )
    weights = np.tile(base_w, (replicas, 1)).ravel()
    counts = _largest_remainder(weights, n) if n else np.zeros(len(weights), dtype=np.int64)
    ncat = len(CATS)
    cell_site = np.repeat(np.arange(len(sites)), ncat)
    cell_cat = np.tile(np.arange(ncat), len(sites))
    years = _history_years(as_of)
    active_share = 1 - years / (_LIFE_MEAN + years)
    cell_active = np.floor(counts * active_share[cell_cat] + 0.5).astype(np.int64)
    keep = counts > 0
    cell_site, cell_cat, counts, cell_active = (
        cell_site[keep],
        cell_cat[keep],
        counts[keep],
        cell_active[keep],
    )
    cell_start = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    group = np.array([_PERSONAL_GROUPS.get(CATS[c], 0) for c in cell_cat], dtype=np.int64)
    rank0 = np.zeros(len(counts), dtype=np.int64)
    for g in (1, 2, 3):
        m = group == g
        a, s = cell_active[m], cell_site[m]
        if not len(a):
            continue
        excl = np.cumsum(a) - a
        first = np.concatenate([[True], s[1:] != s[:-1]])
        rank0[m] = excl - np.maximum.accumulate(np.where(first, excl, 0))
    agents = np.array([s.agents for s in sites], dtype=np.int64)
    return FleetPlan(
        seed=seed,
        as_of=as_of,
        sites=tuple(sites),
        agent_start=np.concatenate([[0], np.cumsum(agents)[:-1]]).astype(np.int64),
        cell_site=cell_site,
        cell_cat=cell_cat,
        cell_count=counts,
        cell_active=cell_active,
        cell_start=cell_start,
        cell_rank0=rank0,
    )


def _transfer_details() -> np.ndarray:
    out = np.empty((len(CHANNELS), len(RECIPIENTS)), dtype=object)
    for i, ch in enumerate(CHANNELS):
        for j, rk in enumerate(RECIPIENTS):
            out[i, j] = json.dumps({"channel": ch.value, "lot": None, "recipient_kind": rk.value})
    return out


_TRANSFER_DETAILS = _transfer_details()
_REASON_DETAILS = np.array([json.dumps({"reason": r}) for r in RETIRE_REASONS], dtype=object)
_TECHS = np.array([f"TECH-{i:02d}" for i in range(1, 13)], dtype=object)
# Reuse channel mix for PCs and workstations, phones and tablets, screens, infrastructure.
_CHANNEL_MIX = {
    "pc": np.array([0.15, 0.30, 0.10, 0.35, 0.10]),
    "mobile": np.array([0.05, 0.35, 0.15, 0.35, 0.10]),
    "screen": np.array([0.20, 0.45, 0.10, 0.15, 0.10]),
    "infra": np.array([0.30, 0.10, 0.0, 0.40, 0.20]),
}
_SENSITIVE = {"cdas": 0.85, "head_office": 0.12, "agency": 0.2}


def generate(plan: FleetPlan) -> Iterator[FleetChunk]:
    """Yield the fleet in chunks of :data:`CHUNK_SIZE` devices."""
    for start in range(0, plan.total, CHUNK_SIZE):
        yield _chunk(plan, start, min(start + CHUNK_SIZE, plan.total))


def _chunk(plan: FleetPlan, start: int, stop: int) -> FleetChunk:
    rng = np.random.default_rng([plan.seed, start // CHUNK_SIZE])
    models = model_table()
    n = stop - start
    idx = np.arange(start, stop, dtype=np.int64)
    cell = np.searchsorted(plan.cell_start, idx, side="right") - 1
    local = idx - plan.cell_start[cell]
    site = plan.cell_site[cell]
    ci = plan.cell_cat[cell]
    profiles = np.array([PROFILE_INDEX[s.profile] for s in plan.sites])
    prof = profiles[site]
    active = local < plan.cell_active[cell]
    hist = ~active
    as_of = days(plan.as_of)
    hist_start = min(days(HISTORY_START), as_of - 1)

    # Ages, acquisition and retirement dates (days since 1970).
    mu, sd = _LIFE_MEAN[ci], _LIFE_SD[ci]
    life_active = np.clip(rng.normal(mu + sd * sd / mu, sd), 1.5, 13)
    # Laggards: devices kept well past the renewal cycle (spares, teaching pools...).
    life_active *= np.where(rng.random(n) < 0.12, rng.uniform(1.4, 2.0, n), 1.0)
    life_hist = np.clip(rng.normal(mu, sd), 1.5, 13)
    premature = hist & (rng.random(n) < 0.05)
    life_hist = np.where(premature, rng.uniform(0.3, 3.0, n), life_hist)
    status = np.full(n, _S_SERVICE)
    u = rng.random(n)
    status[active & (u < 0.015)] = _S_REPAIR
    stock_share = np.where(_IS_INFRA[ci], 0.03, 0.05)
    status[active & (u >= 0.015) & (u < 0.015 + stock_share)] = _S_STOCK
    age = rng.random(n) * life_active * 365.25
    fresh = (status == _S_STOCK) & (rng.random(n) < 0.7)
    age = np.where(fresh, rng.uniform(0, 120, n), age)
    # Retired devices wait (storeroom, decision, lot) before leaving; devices retired
    # in the year before the history starts are there if still held on that date.
    retire = rng.integers(hist_start - 365, as_of, n)
    wait = np.clip(rng.lognormal(math.log(WAIT_MEDIAN_DAYS), 0.8, n), 7, 1000).astype(np.int64)
    lot_delay = rng.integers(14, 120, n)
    left_before = retire + wait + lot_delay < hist_start
    retire = np.where(left_before, rng.integers(hist_start, as_of, n), retire)
    acq = np.where(active, as_of - age, retire - life_hist * 365.25).astype(np.int64)
    oldest = as_of - 14 * 365
    acq = np.minimum(np.where(acq < oldest, 2 * oldest - acq, acq), as_of)
    acq = np.where(hist, np.minimum(acq, retire - 20), acq)
    acq_year = year_of(acq)

    # Model and its attributes.
    model = choose_models(rng, ci, prof, acq_year)
    is_pc = _IS_PC[ci]
    cpu_gen = models.cpu_gen[model]

    # Acquisition type and price.
    frac = np.clip((acq_year - 2018) / 6, 0, 1)
    traits = [cat.TRAITS[c] for c in CATS]
    early = np.array([t.refurbished_early for t in traits])[ci]
    late = np.array([t.refurbished_late for t in traits])[ci]
    p_ref = early + (late - early) * frac
    p_lease = np.array([t.leased for t in traits])[ci]
    p_don = np.where(is_pc | (ci == _CAT_INDEX[Category.MONITOR]), 0.004, 0.0)
    u = rng.random(n)
    acq_type = np.select(
        [u < p_ref, u < p_ref + p_lease, u < p_ref + p_lease + p_don], [1, 2, 3], 0
    )
    price = models.price[model] * rng.lognormal(0, 0.07, n)
    price = np.round(np.where(acq_type == 1, price * 0.45, price), 2)
    price = np.where(acq_type == 2, np.nan, np.where(acq_type == 3, 0.0, price))
    wyears = np.array([t.warranty_years for t in traits])[ci]
    wmonths = np.select([acq_type == 1, acq_type == 2], [12, 60], wyears * 12)
    warranty = add_months(acq, wmonths)
    warranty_ok = acq_type != 3

    # Hardware by purchase year.
    ram, storage, stype = hardware(rng, ci, acq_year, n)

    # Retired devices: decision, channel, departure.
    decide = retire + wait
    leave = decide + lot_delay
    status = np.where(hist, _S_GONE, status)
    status = np.where(hist & (leave > as_of), _S_CHANNEL, status)
    status = np.where(hist & (decide > as_of), _S_RETIRED, status)
    u = rng.random(n)
    condition = np.where(u < 0.05 + 0.02 * (as_of - acq) / 365.25, 1, 0)
    condition = np.where(status == _S_REPAIR, np.where(u < 0.5, 2, 1), condition)
    condition = np.where(hist, np.select([u < 0.22, u < 0.55], [2, 1], 0), condition)
    condition = np.where(premature, 2, condition)
    age_out = (retire - acq) / 365.25
    eligible = hist & (condition != 2) & (age_out < 10)
    leave_year = year_of(leave)
    p_reuse = np.zeros(n)
    for year in np.unique(leave_year[hist]):
        in_year = hist & (leave_year == year)
        share = eligible[in_year].mean()
        target = REUSE_TARGETS.get(int(year), REUSE_TARGET_LATER)
        p_reuse[in_year] = min(target / share, 0.95) if share else 0.0
    reuse = eligible & (rng.random(n) < p_reuse)
    mix = np.select(
        [is_pc, _PERSONAL_GROUPS_ARR[ci] > 1, ci == _CAT_INDEX[Category.MONITOR]], [0, 1, 2], 3
    )
    mixes = np.stack([_CHANNEL_MIX[k] for k in ("pc", "mobile", "screen", "infra")])
    channel = np.where(reuse, pick(rng, n, mixes[mix]), len(CHANNELS) - 1)
    recipient = _recipients(rng, channel, n)

    # Who uses it, how it is configured.
    ref = np.where(hist, retire, as_of)
    sensitive_p = np.array([_SENSITIVE.get(p, 0.02) for p in cat.PROFILES])[prof]
    sensitive = _HAS_DATA[ci] & ~_IS_INFRA[ci] & (rng.random(n) < sensitive_p)
    health = battery(rng, ci, acq_type, (ref - acq) / 365.25, n)
    os = operating_system(rng, models, model, ref, acq, acq_year, cpu_gen, ram, storage, prof, n)
    rank = plan.cell_rank0[cell] + local
    personal = _PERSONAL_GROUPS_ARR[ci] > 0
    agents = np.array([s.agents for s in plan.sites])[site]
    assigned = (
        personal & active & ((status == _S_SERVICE) | (status == _S_REPAIR)) & (rank < agents)
    )
    assignee = objects(numbered("AG-", plan.agent_start[site] + rank + 1, 5), assigned)

    serial_no = (idx * 2_654_435_761 + 12_345 + (plan.seed % 36**6) * 97) % (36**8)
    devices = {
        "device": idx,
        "site": site,
        "asset_tag": objects(numbered(ASSET_PREFIX, idx + 1, 7)),
        "serial": models.serial_prefix[model] + objects(base36(serial_no, 8)),
        "category": np.array([c.value for c in CATS], dtype=object)[ci],
        "manufacturer": models.manufacturer[model],
        "model": models.name[model],
        "assignee": assignee,
        "acquisition_date": acq.astype("datetime64[D]"),
        "acquisition_type": np.array(ACQUISITIONS, dtype=object)[acq_type],
        "purchase_price_eur": price,
        "warranty_end": np.where(warranty_ok, warranty, np.iinfo(np.int64).min).astype(
            "datetime64[D]"
        ),
        "status": np.array([s.value for s in STATUSES], dtype=object)[status],
        "condition": np.array(CONDITIONS, dtype=object)[condition],
        "battery_health_pct": health,
        "ram_gb": ram,
        "storage_gb": storage,
        "storage_type": np.array(STORAGE_TYPES, dtype=object)[stype],
        "cpu_model": models.cpu[model],
        "cpu_generation": cpu_gen,
        "tpm_version": models.tpm[model],
        "screen_size_in": models.screen[model],
        "os": os,
        "sensitive_data": sensitive,
        "weight_kg": models.weight[model],
        "retirement_date": np.where(hist, retire, np.iinfo(np.int64).min).astype("datetime64[D]"),
        "reuse_channel": objects(
            np.array([c.value for c in CHANNELS])[channel],
            (status == _S_CHANNEL) | (status == _S_GONE),
        ),
    }
    events, erasures = _history(
        rng, idx, hist, status, retire, decide, leave, condition, channel, recipient,
        ci, stype, sensitive, is_pc, cpu_gen, models.manufacturer[model], n,
    )  # fmt: skip
    return FleetChunk(start=start, devices=devices, events=events, erasures=erasures)


_PERSONAL_GROUPS_ARR = np.array([_PERSONAL_GROUPS.get(c, 0) for c in CATS])


def _recipients(rng: np.random.Generator, channel: np.ndarray, n: int) -> np.ndarray:
    ri = {r: i for i, r in enumerate(RECIPIENTS)}
    u = rng.random(n)
    ch = np.array(CHANNELS)[channel]
    return np.select(
        [ch == Channel.TRANSFER, ch == Channel.DONATE_ASSOCIATION, ch == Channel.DONATE_AGENT,
         ch == Channel.SELL, ch == Channel.TAKE_BACK],
        [np.where(u < 0.6, ri[RecipientKind.PUBLIC_BODY], ri[RecipientKind.SCHOOL]),
         ri[RecipientKind.ASSOCIATION], ri[RecipientKind.AGENT], ri[RecipientKind.REFURBISHER],
         np.where(u < 0.5, ri[RecipientKind.ECO_ORGANISME], ri[RecipientKind.REFURBISHER])],
        ri[RecipientKind.ECO_ORGANISME],
    )  # fmt: skip


def _history(
    rng, idx, hist, status, retire, decide, leave, condition, channel, recipient,
    ci, stype, sensitive, is_pc, cpu_gen, manufacturer, n,
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:  # fmt: skip
    """The ``retired`` and ``transferred`` events and the erasure records."""
    gone = status == _S_GONE
    tech = rng.integers(0, len(_TECHS), n)
    secs = rng.integers(8 * 3600, 17 * 3600, n)
    obsolete = is_pc & ~(cpu_gen >= 8) & (year_of(retire) >= 2024)
    reason = np.select([condition == 2, obsolete], [1, 2], 0)
    r_idx, g_idx = np.flatnonzero(hist), np.flatnonzero(gone)
    events = {
        "device": np.concatenate([idx[r_idx], idx[g_idx]]),
        "kind": np.array(
            [EventKind.RETIRED.value] * len(r_idx) + [EventKind.TRANSFERRED.value] * len(g_idx),
            dtype=object,
        ),
        "date": np.concatenate(
            [retire[r_idx] * _DAY + secs[r_idx], leave[g_idx] * _DAY + secs[g_idx] // 2 + 4 * 3600]
        ).astype("datetime64[s]"),
        "actor": np.concatenate([_TECHS[tech[r_idx]], _TECHS[tech[g_idx]]]),
        "details": np.concatenate(
            [_REASON_DETAILS[reason[r_idx]], _TRANSFER_DETAILS[channel[g_idx], recipient[g_idx]]]
        ),
    }
    # Erasure: every device that left with data, half of those waiting in a channel.
    erased = _HAS_DATA[ci] & (gone | ((status == _S_CHANNEL) & (rng.random(n) < 0.5)))
    e = np.flatnonzero(erased)
    c = np.array(CATS)[ci[e]]
    u = rng.random(len(e))
    recycled = channel[e] == len(CHANNELS) - 1
    destroy = (sensitive[e] & recycled & (stype[e] <= 1)) | ((stype[e] == 0) & (u < 0.15))
    mobile = np.isin(c, [Category.SMARTPHONE, Category.RUGGED_SMARTPHONE, Category.TABLET])
    network = _IS_INFRA[ci[e]] & (c != Category.PRINTER)
    appliance = (c == Category.PRINTER) | (c == Category.THIN_CLIENT)
    kind = np.select(
        [destroy, mobile, network, appliance, stype[e] == 0],
        [4, np.where(u < 0.7, 5, 6), 7, 6, np.where(u < 0.6, 2, 3)],
        np.select([u < 0.45, u < 0.85], [0, 1], 2),
    )  # fmt: skip
    method = np.array([x[0] for x in ERASURES], dtype=object)[kind]
    level = np.array([x[1] for x in ERASURES], dtype=object)[kind]
    tool = np.array([x[2] for x in ERASURES], dtype=object)[kind]
    bios = kind == 1
    tool[bios] = manufacturer[e][bios] + " BIOS secure erase"
    span = np.maximum(leave[e] - decide[e], 1)
    date = decide[e] + (rng.random(len(e)) * span).astype(np.int64)
    verified = (kind == 4) | (rng.random(len(e)) < 0.93)
    cert = numbered("DEMO-ER-", idx[e] + 1, 7)
    erasures = {
        "device": idx[e],
        "method": method,
        "level": level,
        "tool": tool,
        "operator": _TECHS[rng.integers(0, len(_TECHS), len(e))],
        "date": date.astype("datetime64[D]"),
        "verified": verified,
        "certificate_id": objects(cert, verified),
    }
    return events, erasures
