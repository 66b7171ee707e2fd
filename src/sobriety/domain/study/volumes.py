"""Outgoing volumes by category x channel x year x site kind (devices, tonnes, kgCO2e)."""

from __future__ import annotations

import numpy as np

from sobriety.domain.study.anonymise import value_codes

KEYS = ("year", "category", "channel", "site_kind")


def volumes(
    year: np.ndarray,
    category: np.ndarray,
    channel: np.ndarray,
    site_kind: np.ndarray,
    weight_kg: np.ndarray,
    kgco2e: np.ndarray,
) -> list[dict[str, object]]:
    """One row per combination present, sorted by year, category, channel, site kind."""
    if not len(year):
        return []
    parts = [value_codes(np.asarray(year).astype(str).astype(object))]
    parts += [value_codes(a) for a in (category, channel, site_kind)]
    key = np.zeros(len(year), dtype=np.int64)
    for _uniq, inv in parts:
        key = key * (int(inv.max()) + 1) + inv
        _, key = np.unique(key, return_inverse=True)
    groups, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    devices = np.bincount(inverse, minlength=len(groups))
    mass = np.bincount(inverse, weights=np.nan_to_num(weight_kg), minlength=len(groups))
    carbon = np.bincount(inverse, weights=np.nan_to_num(kgco2e), minlength=len(groups))
    rows = []
    for g, row in enumerate(first):
        rows.append(
            {
                "year": int(parts[0][0][parts[0][1][row]]),
                "category": parts[1][0][parts[1][1][row]],
                "channel": parts[2][0][parts[2][1][row]],
                "site_kind": parts[3][0][parts[3][1][row]],
                "devices": int(devices[g]),
                "tonnes": float(mass[g] / 1000.0),
                "kgco2e": float(carbon[g]),
            }
        )
    rows.sort(key=lambda r: tuple(str(r[k]) for k in KEYS))
    return rows
