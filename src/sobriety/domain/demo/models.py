"""Device models and per-device attributes of the demo fleet (vectorised numpy helpers).

Used by :mod:`sobriety.domain.demo.fleet`: the model table chosen by category, site
profile and purchase year, and the hardware, battery and operating-system
columns, all coherent with the purchase date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from sobriety.domain.demo import catalog as cat
from sobriety.domain.vocab import Category

CATS = cat.CATEGORIES
PROFILE_INDEX = {p: i for i, p in enumerate(cat.PROFILES)}
YEAR_MIN, YEAR_MAX = 2008, 2032
_SLOTS = 40
_EPOCH = dt.date(1970, 1, 1)
_BATTERY = np.array([cat.TRAITS[c].battery_loss for c in CATS])
SERIAL_PREFIX = {
    "Dell": "", "HP": "5CG", "Lenovo": "PF", "Apple": "F", "Samsung": "R5C", "Fairphone": "FP",
    "Crosscall": "CX", "Microsoft": "0", "Cisco": "FOC", "HPE Aruba": "CN", "Stormshield": "SN",
    "Fortinet": "FGT", "Lexmark": "7",
}  # fmt: skip


# --- model tables -----------------------------------------------------------


@dataclass(frozen=True)
class ModelTable:
    table: np.ndarray  # (category, profile, year, slot) -> flat model index
    manufacturer: np.ndarray
    name: np.ndarray
    price: np.ndarray
    weight: np.ndarray
    screen: np.ndarray
    cpu: np.ndarray
    cpu_gen: np.ndarray
    tpm: np.ndarray
    os_kind: np.ndarray  # 0 none, 1 fixed, 2 windows, 3 android, 4 ios, 5 ipados
    os_fixed: np.ndarray
    serial_prefix: np.ndarray


_OS_KINDS = {None: 0, "windows": 2, "android": 3, "ios": 4, "ipados": 5}


@lru_cache(maxsize=1)
def model_table() -> ModelTable:
    flat: list[cat.Model] = []
    nyears = YEAR_MAX - YEAR_MIN + 1
    table = np.zeros((len(CATS), len(cat.PROFILES), nyears, _SLOTS), dtype=np.int64)
    for ci, c in enumerate(CATS):
        models = cat.MODELS[c]
        offset = len(flat)
        flat.extend(models)
        for pi, prof in enumerate(cat.PROFILES):
            usable = [i for i, m in enumerate(models) if m.profiles is None or prof in m.profiles]
            for yi in range(nyears):
                year = YEAR_MIN + yi
                dist = [max(models[i].first - year, year - models[i].last, 0) for i in usable]
                best = min(dist)
                cands = [i for i, d in zip(usable, dist, strict=True) if d == best]
                shares = np.array([models[i].share for i in cands])
                edges = np.cumsum(shares) / shares.sum()
                pick = np.searchsorted(edges, (np.arange(_SLOTS) + 0.5) / _SLOTS)
                table[ci, pi, yi] = offset + np.array(cands)[pick]

    def col(values: list, dtype: object = object) -> np.ndarray:
        arr = np.empty(len(values), dtype=dtype)
        arr[:] = values
        return arr

    def num(values: list) -> np.ndarray:
        return np.array([np.nan if v is None else v for v in values], dtype=np.float64)

    return ModelTable(
        table=table,
        manufacturer=col([m.manufacturer for m in flat]),
        name=col([m.model for m in flat]),
        price=num([m.price for m in flat]),
        weight=num([m.weight_kg for m in flat]),
        screen=num([m.screen_in for m in flat]),
        cpu=col([m.cpu for m in flat]),
        cpu_gen=num([m.cpu_gen for m in flat]),
        tpm=col([m.tpm for m in flat]),
        os_kind=np.array([_OS_KINDS.get(m.os, 1) for m in flat]),
        os_fixed=col([m.os if _OS_KINDS.get(m.os, 1) == 1 else None for m in flat]),
        serial_prefix=col([SERIAL_PREFIX.get(m.manufacturer, "S") for m in flat]),
    )


def choose_models(
    rng: np.random.Generator, ci: np.ndarray, prof: np.ndarray, year: np.ndarray
) -> np.ndarray:
    """One model per device: those sold in its purchase year for its site profile."""
    year_i = np.clip(year - YEAR_MIN, 0, YEAR_MAX - YEAR_MIN)
    return model_table().table[ci, prof, year_i, rng.integers(0, _SLOTS, len(ci))]


# --- vectorised helpers -----------------------------------------------------

_B36 = np.array([ord(c) for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"], dtype=np.uint32)


def base36(values: np.ndarray, width: int) -> np.ndarray:
    digits = (values[:, None] // 36 ** np.arange(width - 1, -1, -1, dtype=np.int64)) % 36
    return np.ascontiguousarray(_B36[digits]).view(f"<U{width}").ravel()


def numbered(prefix: str, values: np.ndarray, width: int) -> np.ndarray:
    if values.size == 0:
        return np.array([], dtype=np.str_)
    digits = np.strings.zfill(values.astype(np.int64).astype(np.str_), width)
    return np.strings.add(prefix, digits)


def objects(strings: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
    out = strings.astype(object)
    if mask is not None:
        out[~mask] = None
    return out


def year_of(days: np.ndarray) -> np.ndarray:
    return days.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970


def add_months(days: np.ndarray, months: np.ndarray) -> np.ndarray:
    d = days.astype("datetime64[D]")
    m = d.astype("datetime64[M]")
    offset = d - m.astype("datetime64[D]")
    return ((m + months.astype("timedelta64[M]")).astype("datetime64[D]") + offset).astype(np.int64)


def pick(rng: np.random.Generator, n: int, probs: np.ndarray) -> np.ndarray:
    """Draw one index per row from per-row probability rows (n, k) or one row (k,)."""
    edges = np.cumsum(np.broadcast_to(probs, (n, probs.shape[-1])), axis=1)
    u = rng.random(n)[:, None] * edges[:, -1:]
    return np.minimum((u >= edges).sum(axis=1), probs.shape[-1] - 1)


def days(d: dt.date) -> int:
    return (d - _EPOCH).days


def hardware(
    rng: np.random.Generator, ci: np.ndarray, year: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """RAM (GB), storage (GB) and storage type index, coherent with the purchase year."""
    u, v = rng.random(n), rng.random(n)
    pc_ram = np.select(
        [year <= 2015, year <= 2017, year <= 2019, year <= 2021],
        [np.where(u < 0.6, 4, 8), np.where(u < 0.3, 4, 8), np.where(u < 0.85, 8, 16),
         np.where(u < 0.6, 8, 16)],
        np.where(u < 0.85, 16, 32),
    ).astype(np.float64)  # fmt: skip
    pc_sto = np.select(
        [year <= 2015, year <= 2017, year <= 2020],
        [np.select([v < 0.75, v < 0.9], [500, 128], 256), np.where(v < 0.35, 500, 256),
         np.where(v < 0.8, 256, 512)],
        np.where(v < 0.55, 256, 512),
    ).astype(np.float64)  # fmt: skip
    pc_type = np.where(pc_sto == 500, 0, 1)
    mob_ram = np.select([year <= 2017, year <= 2020, year <= 2022], [2, 3, 4], 6).astype(float)
    mob_sto = np.select([year <= 2017, year <= 2020], [32, 64], 128).astype(np.float64)
    c = np.array(CATS)[ci]
    is_pc = np.isin(c, [Category.LAPTOP, Category.DESKTOP])
    ws = c == Category.WORKSTATION
    thin = c == Category.THIN_CLIENT
    mobile = np.isin(c, [Category.SMARTPHONE, Category.RUGGED_SMARTPHONE, Category.TABLET])
    ram = np.select([is_pc, ws, thin, mobile], [pc_ram, pc_ram * 2, 4.0, mob_ram], np.nan)
    storage = np.select(
        [is_pc, ws, thin, mobile], [pc_sto, np.maximum(pc_sto, 256) * 2, 16.0, mob_sto], np.nan
    )
    monitor = c == Category.MONITOR
    stype = np.select(
        [is_pc, ws, thin, monitor, c == Category.PRINTER],
        [pc_type, 1, 2, 4, np.where(v < 0.3, 0, 3)],
        3,
    )
    return ram, storage, stype


def battery(
    rng: np.random.Generator, ci: np.ndarray, acq_type: np.ndarray, age: np.ndarray, n: int
) -> np.ndarray:
    loss = _BATTERY[ci]
    start = np.where(acq_type == 1, 90.0, 100.0)
    health = np.clip(start - loss * age + rng.normal(0, 3, n), 35, 100)
    return np.where(loss > 0, np.round(health, 1), np.nan)


def operating_system(
    rng, models, model, ref, acq, year, cpu_gen, ram, storage, prof, n
) -> np.ndarray:
    kind = models.os_kind[model]
    ref_year = year_of(ref)
    eligible = (cpu_gen >= 8) & (models.tpm[model] == "2.0") & (ram >= 4) & (storage >= 64)
    upgrade = rng.integers(days(dt.date(2022, 6, 1)), days(dt.date(2025, 10, 14)), n)
    w11 = eligible & ((acq >= days(dt.date(2023, 1, 1))) | (ref >= upgrade))
    linux = (
        ~eligible & (prof == PROFILE_INDEX["college"]) & (ref_year >= 2024) & (rng.random(n) < 0.4)
    )
    windows = np.where(w11, "Windows 11 Pro", np.where(linux, "Ubuntu 22.04 LTS", "Windows 10 Pro"))
    # Versions capped at the latest released when this was written (Android 16, iOS 26).
    android = np.minimum(np.minimum(year - 2009 + 3, ref_year - 2009), 16)
    apple = np.minimum(np.minimum(year - 2006 + 5, ref_year - 2006), 19)
    apple = np.where(apple > 18, apple + 7, apple)  # iOS 18 (2024) was followed by iOS 26
    out = models.os_fixed[model].copy()
    out[kind == 2] = windows[kind == 2]
    out[kind == 3] = np.strings.add("Android ", android[kind == 3].astype(np.str_))
    out[kind == 4] = np.strings.add("iOS ", apple[kind == 4].astype(np.str_))
    ipad = np.where(apple >= 13, "iPadOS ", "iOS ")
    out[kind == 5] = np.strings.add(ipad[kind == 5], apple[kind == 5].astype(np.str_))
    return out
