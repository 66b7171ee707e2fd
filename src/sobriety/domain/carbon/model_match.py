"""Per-model factors: name normalisation, matching inventory models to them.

Manufacturers write the same product many ways ("HP EliteBook 840 G8 Notebook
PC", "EliteBook 840 G8", "Hewlett-Packard | elitebook 840 g8"). A match key
``manufacturer|model`` is built from normalised names (lower case, no
accents, no punctuation, corporate suffixes and aliases folded, the
manufacturer's name and a trailing " - 2020" year dropped).

:class:`ModelIndex` matches an inventory (manufacturer, model) to candidate
per-model factors in three steps, each with a confidence:

1. ``exact``: same match key (confidence 1.0);
2. ``normalised``: same key once product-type words ("notebook", "monitor",
   "thin client"...) and spaces are dropped (0.9);
3. ``fuzzy``: same manufacturer, the same model numbers (every token with a
   digit), and a similarity of at least 0.85 (the confidence is the
   similarity).

It also turns the rows of the Boavizta dataset (:mod:`sobriety.io.efd`) into
one per-model factor per key (:func:`aggregate_efd`).
"""

from __future__ import annotations

import difflib
import re
import statistics
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_SUFFIXES = {
    "inc", "incorporated", "corp", "corporation", "co", "company", "ltd", "limited", "gmbh",
    "sa", "sas", "ag", "bv", "llc", "plc", "technologies", "technology", "computer",
    "computers", "group", "electronics", "international", "france",
}  # fmt: skip
_ALIASES = {
    "hewlett packard": "hp",
    "hp inc": "hp",
    "hewlett packard enterprise": "hpe",
    "asustek": "asus",
    "fujitsu siemens": "fujitsu",
    "lenovo pc": "lenovo",
    "samsung electronic": "samsung",
}
_NOISE = {
    "monitor", "notebook", "laptop", "pc", "computer", "desktop", "tablet", "smartphone",
    "mobile", "workstation", "energy", "star", "thin", "client", "display", "the", "with",
    "form", "factor",
}  # fmt: skip
#: Abbreviations spelled out before comparing.
_TOKENS = {"sff": "small", "mff": "micro", "mt": "tower", "aio": "all in one"}
#: Configuration tokens (capacities, years) left out of relaxed comparisons.
_CONFIG = re.compile(r"^(\d+(gb|tb|go|to)|(19|20)\d\d)$")
_YEAR_SUFFIX = re.compile(r"\s+-\s+(19|20)\d\d\s*$")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
FUZZY_THRESHOLD = 0.85


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def normalise_manufacturer(name: str | None) -> str:
    """``"Hewlett-Packard Inc."`` -> ``"hp"``; ``"DELL Technologies"`` -> ``"dell"``."""
    if not name:
        return ""
    words = _NON_ALNUM.sub(" ", _ascii(name)).split()
    while words and words[-1] in _SUFFIXES:
        words.pop()
    joined = " ".join(words)
    return _ALIASES.get(joined, joined)


def normalise_model(name: str | None, manufacturer: str = "") -> str:
    """``"HP EliteBook 840 G8 Notebook PC"`` -> ``"elitebook 840 g8 notebook pc"``."""
    if not name:
        return ""
    text = _YEAR_SUFFIX.sub("", _ascii(name))
    words = _NON_ALNUM.sub(" ", text).split()
    man_words = manufacturer.split()
    if man_words and words[: len(man_words)] == man_words:
        words = words[len(man_words) :]
    return " ".join(words)


def match_key(manufacturer: str | None, model: str | None) -> str:
    man = normalise_manufacturer(manufacturer)
    return f"{man}|{normalise_model(model, man)}"


def _words(model_norm: str) -> list[str]:
    words = " ".join(_TOKENS.get(w, w) for w in model_norm.split()).split()
    return [w for w in words if w not in _NOISE and not _CONFIG.match(w)]


def _relaxed(model_norm: str) -> str:
    return "".join(_words(model_norm))


def _numbers(model_norm: str) -> frozenset[str]:
    return frozenset(w for w in _words(model_norm) if any(ch.isdigit() for ch in w))


@dataclass(frozen=True)
class Match:
    index: int  # index of the candidate matched
    method: str  # exact, normalised, fuzzy
    confidence: float


class ModelIndex:
    """Candidates (per-model factors) indexed for matching inventory models."""

    def __init__(self, keys: Sequence[str]) -> None:
        self.keys = list(keys)
        self._exact = {k: i for i, k in enumerate(self.keys)}
        self._relaxed: dict[str, int] = {}
        self._by_man: dict[str, list[tuple[int, str, str, frozenset[str]]]] = defaultdict(list)
        for i, key in enumerate(self.keys):
            man, _sep, model = key.partition("|")
            relaxed = f"{man}|{_relaxed(model)}"
            self._relaxed.setdefault(relaxed, i)
            self._by_man[man].append((i, model, _relaxed(model), _numbers(model)))

    def match(self, manufacturer: str | None, model: str | None) -> Match | None:
        man = normalise_manufacturer(manufacturer)
        model_norm = normalise_model(model, man)
        if not man or not model_norm:
            return None
        key = f"{man}|{model_norm}"
        if key in self._exact:
            return Match(self._exact[key], "exact", 1.0)
        relaxed = _relaxed(model_norm)
        if relaxed and f"{man}|{relaxed}" in self._relaxed:
            return Match(self._relaxed[f"{man}|{relaxed}"], "normalised", 0.9)
        numbers = _numbers(model_norm)
        best: Match | None = None
        matcher = difflib.SequenceMatcher(autojunk=False)
        matcher.set_seq2(relaxed)
        for i, _model, cand_relaxed, cand_numbers in self._by_man.get(man, ()):
            if numbers != cand_numbers:
                continue
            matcher.set_seq1(cand_relaxed)
            if (
                matcher.real_quick_ratio() < FUZZY_THRESHOLD
                or matcher.quick_ratio() < FUZZY_THRESHOLD
            ):
                continue
            ratio = matcher.ratio()
            if ratio >= FUZZY_THRESHOLD and (best is None or ratio > best.confidence):
                best = Match(i, "fuzzy", round(ratio, 3))
        return best


# ------------------------------------------------------------- EFD aggregation

#: EFD subcategory (lower case) -> inventory category.
EFD_SUBCATEGORIES = {
    "laptop": "laptop",
    "desktop": "desktop",
    "monitor": "monitor",
    "smartphone": "smartphone",
    "tablet": "tablet",
    "thin client": "thin_client",
    "workstation": "workstation",
    "printer": "printer",
}


@dataclass(frozen=True)
class EfdRow:
    """One row of the Boavizta dataset, numbers parsed (None when empty)."""

    line: int
    manufacturer: str
    name: str
    category: str
    subcategory: str
    gwp_total: float | None
    gwp_use_ratio: float | None
    yearly_tec: float | None
    lifetime: float | None
    use_location: str
    report_date: str
    sources: str
    gwp_error_ratio: float | None
    gwp_manufacturing_ratio: float | None
    weight: float | None
    gwp_transport_ratio: float | None
    gwp_eol_ratio: float | None


@dataclass(frozen=True)
class ModelRecord:
    """A per-model factor ready to store (mirrors the ``model_factor`` table)."""

    manufacturer: str
    model: str
    match_key: str
    category: str | None
    total_kgco2e: float | None
    manufacturing_kgco2e: float | None
    distribution_kgco2e: float | None
    end_of_life_kgco2e: float | None
    uncertainty: float | None
    yearly_energy_kwh: float | None
    lifespan_years: float | None
    weight_kg: float | None
    origin: str
    source: str
    quality: str | None


def _median(values: Iterable[float | None]) -> float | None:
    vals = [v for v in values if v is not None]
    return float(statistics.median(vals)) if vals else None


def _efd_phases(row: EfdRow) -> dict[str, float | None]:
    total = row.gwp_total
    out: dict[str, float | None] = {"manufacturing": None, "distribution": None, "eol": None}
    if total is None:
        return out
    if row.gwp_transport_ratio is not None:
        out["distribution"] = total * row.gwp_transport_ratio
    if row.gwp_eol_ratio is not None:
        out["eol"] = total * row.gwp_eol_ratio
    if row.gwp_manufacturing_ratio is not None:
        out["manufacturing"] = total * row.gwp_manufacturing_ratio
    elif row.gwp_use_ratio is not None:
        # Only the non-use share is known: it holds manufacturing, transport and end of life.
        embodied = total * (1 - row.gwp_use_ratio)
        out["manufacturing"] = embodied - (out["distribution"] or 0) - (out["eol"] or 0)
    return out


def aggregate_efd(rows: Iterable[EfdRow]) -> list[ModelRecord]:
    """One per-model factor per match key: the median over the dataset's rows for it."""
    groups: dict[str, list[EfdRow]] = defaultdict(list)
    for row in rows:
        groups[match_key(row.manufacturer, row.name)].append(row)
    records = []
    for key, group in groups.items():
        phases = [_efd_phases(r) for r in group]
        first = group[0]
        errors = [r.gwp_error_ratio for r in group if r.gwp_error_ratio]
        sub = first.subcategory.strip().lower()
        dates = sorted({r.report_date for r in group if r.report_date})
        urls = sorted({r.sources for r in group if r.sources})
        source = (
            f"Boavizta environmental-footprint-data (ODbL): {first.manufacturer} {first.name}"
            f" ({len(group)} sheet{'s' if len(group) > 1 else ''}"
            f"{', ' + ', '.join(dates) if dates else ''}); {urls[0] if urls else ''}"
        )
        records.append(
            ModelRecord(
                manufacturer=first.manufacturer,
                model=first.name,
                match_key=key,
                category=EFD_SUBCATEGORIES.get(sub),
                total_kgco2e=_median(r.gwp_total for r in group),
                manufacturing_kgco2e=_median(p["manufacturing"] for p in phases),
                distribution_kgco2e=_median(p["distribution"] for p in phases),
                end_of_life_kgco2e=_median(p["eol"] for p in phases),
                uncertainty=_median(errors) if errors else None,
                yearly_energy_kwh=_median(r.yearly_tec for r in group),
                lifespan_years=None,  # the sheets' lifetime is an LCA assumption, not ours
                weight_kg=_median(r.weight for r in group),
                origin="efd",
                source=source[:2000],
                quality="manufacturer",
            )
        )
    return records
