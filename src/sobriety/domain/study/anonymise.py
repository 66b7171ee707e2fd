"""k-anonymity of the outgoing devices, by generalisation then suppression.

The quasi-identifiers of an outgoing device row are the values an outsider
could know or guess about a device and link back to a person or a site:
category, manufacturer, model, age band, condition, channel, site kind and
commune. A combination of them shared by fewer than ``k`` rows is generalised
step by step, only on the rows that need it (counts recomputed after each
step, so a row joins the groups that already are large enough):

1. the model is dropped (model -> manufacturer);
2. the commune INSEE code becomes its département (``35238`` -> ``35``;
   overseas ``97x``, Corsica ``2A``/``2B``);
3. the manufacturer is dropped;
4. the département is dropped;
5. the two-year age band widens to four years (0-4, 4-8, 8+);
6. the site kind is dropped;
7. rows still in a group under ``k`` are left out of the export.

The numeric columns (weight, carbon) of each row are then replaced by their
mean over the row's final group (:func:`group_means`), so that a per-model
weight cannot betray a model that was generalised away; sums are kept.

Every exported combination is then shared by at least ``k`` rows (each step
only merges groups, so a group that reached ``k`` never shrinks), and the
counts of each step travel with the package. Rows with no identifying value
(serial, asset tag, assignee, notes, site name) never reach this module.

Reference: L. Sweeney, "k-anonymity: a model for protecting privacy",
International Journal of Uncertainty, Fuzziness and Knowledge-Based Systems
10(5), 2002; CNIL, "L'anonymisation de données personnelles" (guidance, 2020,
generalisation and k-anonymity).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

#: Quasi-identifier columns, in the order they are combined.
QUASI_IDENTIFIERS: tuple[str, ...] = (
    "category",
    "manufacturer",
    "model",
    "age_band",
    "condition",
    "channel",
    "site_kind",
    "commune",
)
DEFAULT_K = 5
#: Age bands (years at departure): [0, 2), [2, 4) ... [10, inf).
AGE_BAND_EDGES: tuple[float, ...] = (2.0, 4.0, 6.0, 8.0, 10.0)
AGE_BANDS: tuple[str, ...] = ("0-2", "2-4", "4-6", "6-8", "8-10", "10+")
UNKNOWN = ""


def age_bands(age_years: np.ndarray) -> np.ndarray:
    """The age band of each age (``""`` where the age is unknown)."""
    age = np.asarray(age_years, dtype=np.float64)
    idx = np.searchsorted(np.asarray(AGE_BAND_EDGES), age, side="right")
    out = np.asarray(AGE_BANDS, dtype=object)[np.minimum(idx, len(AGE_BANDS) - 1)]
    out[np.isnan(age)] = UNKNOWN
    return out


def departement(insee: np.ndarray) -> np.ndarray:
    """The département code of each commune INSEE code (``""`` stays ``""``).

    INSEE, Code officiel géographique: the first two characters, three for the
    overseas départements (971-976); Corsica is 2A/2B.
    """
    codes = np.asarray(insee, dtype=object)
    out = np.empty(len(codes), dtype=object)
    for i, c in enumerate(codes):  # few distinct values: see generalise()
        s = "" if c is None else str(c)
        out[i] = s[:3] if s.startswith("97") else s[:2]
    return out


def value_codes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(distinct values, code of each row)."""
    arr = np.asarray(values, dtype=object)
    arr = np.where(arr == None, UNKNOWN, arr)  # noqa: E711 - elementwise
    uniq, inv = np.unique(arr.astype(str), return_inverse=True)
    return uniq.astype(object), inv.astype(np.int64)


def group_keys(codes: Sequence[np.ndarray]) -> np.ndarray:
    """For each row, the number (0, 1, ...) of its combination of codes."""
    n = len(codes[0]) if codes else 0
    key = np.zeros(n, dtype=np.int64)
    if n == 0:
        return key
    for c in codes:
        width = int(c.max()) + 1
        key = key * width + c
        # Compress after each column so the mixed-radix key never overflows.
        _, key = np.unique(key, return_inverse=True)
    return key.astype(np.int64)


def group_sizes(codes: Sequence[np.ndarray]) -> np.ndarray:
    """For each row, how many rows share its combination of codes."""
    key = group_keys(codes)
    return np.bincount(key)[key] if len(key) else key


def group_means(group: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Each row's value replaced by the mean over its group (``nan`` ignored).

    Applied to the numeric columns (weight, carbon) so that they tell nothing
    the quasi-identifiers do not: a per-model weight would otherwise betray a
    model that was generalised away. Sums over a group are kept.
    """
    if not len(group):
        return np.asarray(values, dtype=np.float64)
    v = np.asarray(values, dtype=np.float64)
    known = ~np.isnan(v)
    sums = np.bincount(group, weights=np.where(known, v, 0.0))
    counts = np.bincount(group, weights=known.astype(np.float64))
    means = np.divide(sums, counts, out=np.full(len(sums), np.nan), where=counts > 0)
    return means[group]


#: Generalisation steps, in order: (name in the package's counts, column, how).
STEPS: tuple[tuple[str, str, str], ...] = (
    ("model_generalised", "model", "blank"),
    ("commune_generalised", "commune", "departement"),
    ("manufacturer_generalised", "manufacturer", "blank"),
    ("departement_removed", "commune", "blank"),
    ("age_band_widened", "age_band", "widen"),
    ("site_kind_removed", "site_kind", "blank"),
)
#: Wide age bands (step ``age_band_widened``).
WIDE_AGE_BANDS = {"0-2": "0-4", "2-4": "0-4", "4-6": "4-8", "6-8": "4-8", "8-10": "8+", "10+": "8+"}


@dataclass(frozen=True)
class Anonymised:
    """The rows kept (indexes into the input) and their generalised values."""

    kept: np.ndarray
    columns: dict[str, np.ndarray]
    #: Number of the combination of quasi-identifiers of each kept row.
    group: np.ndarray
    k: int
    rows_in: int
    #: Rows that went through each step of :data:`STEPS` (a row counts at every
    #: step it went through), and rows left out.
    steps: dict[str, int]
    suppressed: int

    def summary(self) -> dict[str, int]:
        return {
            "k": self.k,
            "rows_in": self.rows_in,
            "rows_out": len(self.kept),
            **self.steps,
            "suppressed": self.suppressed,
        }


def _transform(uniq: np.ndarray, how: str) -> np.ndarray:
    if how == "blank":
        return np.full(len(uniq), UNKNOWN, dtype=object)
    if how == "departement":
        return departement(uniq)
    return np.array([WIDE_AGE_BANDS.get(str(v), str(v)) for v in uniq], dtype=object)


def generalise(columns: Mapping[str, np.ndarray], k: int = DEFAULT_K) -> Anonymised:
    """Make the quasi-identifier ``columns`` k-anonymous (see the module docstring).

    ``columns`` holds one object array per name of :data:`QUASI_IDENTIFIERS`
    (``commune``: INSEE codes). Returns the kept row indexes and the columns of
    the kept rows, generalised.
    """
    if k < 1:
        raise ValueError(f"k must be at least 1, not {k}")
    n = len(columns[QUASI_IDENTIFIERS[0]])
    table: dict[str, tuple[np.ndarray, np.ndarray]] = {
        name: value_codes(columns[name]) for name in QUASI_IDENTIFIERS
    }

    def sizes() -> np.ndarray:
        return group_sizes([table[name][1] for name in QUASI_IDENTIFIERS])

    steps: dict[str, int] = {}
    for step, name, how in STEPS:
        rare = np.flatnonzero(sizes() < k)
        steps[step] = len(rare)
        if not len(rare):
            continue
        uniq, inv = table[name]
        merged = np.concatenate([uniq, _transform(uniq, how)])
        new_inv = inv.copy()
        new_inv[rare] = inv[rare] + len(uniq)
        table[name] = _recode(merged, new_inv)

    keep = sizes() >= k
    kept = np.flatnonzero(keep)
    out = {name: table[name][0][table[name][1][kept]] for name in QUASI_IDENTIFIERS}
    group = group_keys([table[name][1][kept] for name in QUASI_IDENTIFIERS])
    return Anonymised(
        kept=kept,
        columns=out,
        group=group,
        k=k,
        rows_in=n,
        steps=steps,
        suppressed=int(n - len(kept)),
    )


def _recode(values: np.ndarray, inv: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes over ``values[inv]`` with equal values sharing one code."""
    uniq, back = np.unique(values.astype(str), return_inverse=True)
    return uniq.astype(object), back[inv].astype(np.int64)


def smallest_group(columns: Mapping[str, np.ndarray]) -> int:
    """The size of the rarest combination of quasi-identifiers (0 for no rows)."""
    if not len(columns[QUASI_IDENTIFIERS[0]]):
        return 0
    return int(group_sizes([value_codes(columns[name])[1] for name in QUASI_IDENTIFIERS]).min())
