"""Use cases of the emission factors: the factor set, its check, per-model values.

Behind ``sobriety factors list|show|check|import-efd|match|add|models`` and the
TUI's factors screen. Each function takes the application object and plain
arguments and returns plain results; a bad argument is an
:class:`~sobriety.app.carbon.InvalidInput` naming it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sobriety.app.carbon import InvalidInput, check_choice
from sobriety.i18n import N_, _, clauses

if TYPE_CHECKING:
    from sobriety.app.context import Sobriety
    from sobriety.domain.carbon.factors import Factor, FactorProblem, FactorSet, GridZone
    from sobriety.domain.carbon.model_match import ModelRecord
    from sobriety.storage.model_factors import MatchReport
    from sobriety.storage.models import ModelFactor

__all__ = [
    "FIGURES",
    "QUALITIES",
    "EfdImport",
    "FactorCheck",
    "FactorEntry",
    "FactorExists",
    "FactorListing",
    "InvalidInput",
    "NoFigure",
    "PerModel",
    "add_model_factor",
    "check",
    "entry",
    "import_efd",
    "listing",
    "match",
    "model_record",
    "per_model",
    "range_note",
]

#: How sure a per-model value is, best first.
QUALITIES = ("measured", "manufacturer", "estimated", "literature")
#: The figures of a per-model value: column -> unit kind (:mod:`sobriety.units`).
FIGURES = {
    "manufacturing_kgco2e": "emissions",
    "distribution_kgco2e": "emissions",
    "end_of_life_kgco2e": "emissions",
    "total_kgco2e": "emissions",
    "yearly_energy_kwh": "yearly_energy",
    "lifespan_years": "duration",
    "weight_kg": "mass",
    "uncertainty": "fraction",
}
#: Figures that do not make a value on their own.
_NOT_ENOUGH = frozenset({"uncertainty", "total_kgco2e"})


class NoFigure(InvalidInput):
    """Every figure of a per-model value was left empty."""

    def __init__(self) -> None:
        super().__init__(None, _("give at least one figure (manufacturing, yearly energy...)"))


class FactorExists(ValueError):
    """The user already gave a value for this model (pass ``replace`` to overwrite it)."""

    def __init__(self, message: str, manufacturer: str, model: str) -> None:
        super().__init__(message)
        self.manufacturer = manufacturer
        self.model = model


# ---------------------------------------------------------------- the factor set


@dataclass(frozen=True)
class FactorListing:
    """Every factor of the set with a readable key (``laptop.manufacturing``)."""

    factor_set: FactorSet
    factors: list[tuple[str, Factor]]

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "key": key,
                "value": f.value,
                "low": f.low,
                "high": f.high,
                "unit": f.unit,
                "text": f.text,
                "source": f.source,
            }
            for key, f in self.factors
        ]

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape of ``sobriety factors list --format json``."""
        fs = self.factor_set
        return {"directory": str(fs.directory), "version": fs.version, "factors": self.rows()}


def listing(app: Sobriety) -> FactorListing:
    """The configured factor set and every factor in it."""
    from sobriety.domain.carbon.factors import all_factors

    fs = app.factors
    return FactorListing(fs, list(all_factors(fs)))


@dataclass(frozen=True)
class FactorEntry:
    """One entry of the set asked for by name.

    ``kind`` is ``"category"`` (``key`` a category), ``"grid"`` (``zones``: one
    zone or all), ``"reuse"``, ``"sources"`` or ``"source"`` (``key`` a source id).
    """

    kind: str
    key: str
    factor_set: FactorSet
    zones: list[GridZone] = field(default_factory=list)


def entry(app: Sobriety, key: str) -> FactorEntry:
    """The entry ``key``: a category, a grid zone, ``grid``, ``reuse``, ``sources``, a source."""
    fs = app.factors
    if key in fs.categories:
        return FactorEntry("category", key, fs)
    code = key.upper()
    series = fs.series_for_zone(code)
    if series is not None or key == "grid":
        if series is not None:
            fs = fs.with_grid_series(series)
        zones = [fs.grid.zones[code]] if code in fs.grid.zones else list(fs.grid.zones.values())
        return FactorEntry("grid", key, fs, zones)
    if key in ("reuse", "channels", "refurbished"):
        return FactorEntry("reuse", key, fs)
    if key == "sources":
        return FactorEntry("sources", key, fs)
    if key in fs.sources:
        return FactorEntry("source", key, fs)
    raise InvalidInput(
        None,
        _(
            "unknown entry {key!r}: expected a category ({cats}), a grid zone ({zones}), "
            "grid, reuse or sources"
        ).format(
            key=key,
            cats=", ".join(fs.categories),
            zones=", ".join(dict.fromkeys(z for g in fs.grids.values() for z in g.zones)),
        ),
    )


@dataclass(frozen=True)
class FactorCheck:
    """The check of a factor folder: every problem, or the valid set."""

    folder: Path
    problems: list[FactorProblem]
    factor_set: FactorSet | None = None

    @property
    def valid(self) -> bool:
        return not self.problems

    @property
    def factor_count(self) -> int:
        from sobriety.domain.carbon.factors import all_factors

        return 0 if self.factor_set is None else len(list(all_factors(self.factor_set)))


def check(app: Sobriety, directory: Path | None = None) -> FactorCheck:
    """Validate ``directory`` (default: the configured folder): units, ranges, sources."""
    from sobriety.domain.carbon.factor_files import read_factor_set

    folder = Path(directory) if directory is not None else app.factors_dir
    fs, problems = read_factor_set(folder)
    return FactorCheck(folder, problems, fs)


# ---------------------------------------------------------------- per-model values


@dataclass(frozen=True)
class EfdImport:
    """What an import of the Boavizta dataset read, stored (unless a dry run) and matched."""

    file: Path
    rows: int
    delimiter: str
    decimal: str
    #: Per-model factors made of the rows (one per model).
    models: int
    #: Values left out, with where and why.
    warnings: list[str]
    report: MatchReport
    dry_run: bool


def import_efd(app: Sobriety, file: Path, *, dry_run: bool = False) -> EfdImport:
    """Replace the dataset's per-model factors by ``file``'s and match the inventory.

    ``dry_run`` reads and matches without writing anything.
    """
    from sobriety.domain.carbon.model_match import aggregate_efd
    from sobriety.io.efd import EfdFormatError, read_efd
    from sobriety.storage import model_factors

    file = Path(file)
    if not file.is_file():
        raise InvalidInput(None, _("{file}: no such file").format(file=file))
    try:
        efd = read_efd(file)
    except EfdFormatError as exc:
        raise InvalidInput(None, str(exc)) from exc
    records = aggregate_efd(efd.rows)
    if dry_run:
        report = model_factors.preview_match(app.engine, records)
    else:
        report = model_factors.replace_efd_factors(app.engine, records)
    return EfdImport(
        file=file,
        rows=len(efd.rows),
        delimiter=efd.delimiter,
        decimal=efd.decimal,
        models=len(records),
        warnings=[str(w) for w in efd.warnings],
        report=report,
        dry_run=dry_run,
    )


def match(app: Sobriety) -> MatchReport:
    """Match the inventory's models again against the stored dataset factors."""
    from sobriety.storage import model_factors

    return model_factors.rematch(app.engine)


def _figure(name: str, value: float | str | None) -> float | None:
    from sobriety.units import UnitError, parse_magnitude

    if value is None:
        return None
    if isinstance(value, str):
        if not value.strip():
            return None
        try:
            return parse_magnitude(value, FIGURES[name])
        except UnitError as exc:
            raise InvalidInput(name, str(exc)) from exc
    return float(value)


def model_record(
    *,
    manufacturer: str,
    model: str,
    source: str,
    quality: str,
    category: str | None = None,
    figures: Mapping[str, float | str | None],
) -> ModelRecord:
    """A user's per-model value, checked: the same rules for the CLI and the TUI.

    ``figures`` maps columns of :data:`FIGURES` to a number in the canonical
    unit or a text with its unit (``"0.3 tCO2e"``, ``"6 year"``). A source and
    a quality are required, at least one figure, no negative value, a
    lifespan above zero.
    """
    from sobriety.domain.carbon.model_match import ModelRecord, match_key, normalise_manufacturer
    from sobriety.domain.vocab import Category

    check_choice("quality", quality, QUALITIES)
    if category is not None:
        check_choice("category", category, [c.value for c in Category])
    if not source.strip():
        raise InvalidInput("source", _("say where the figures come from"))
    unknown = set(figures) - set(FIGURES)
    if unknown:
        raise InvalidInput(sorted(unknown)[0], _("not a figure of a per-model value"))
    values = {name: _figure(name, figures.get(name)) for name in FIGURES}
    if all(v is None for k, v in values.items() if k not in _NOT_ENOUGH):
        raise NoFigure()
    for name, v in values.items():
        if v is not None and v < 0:
            raise InvalidInput(name, _("a value >= 0 is expected"))
    if values["lifespan_years"] == 0:
        raise InvalidInput("lifespan_years", _("above 0 year expected"))
    manufacturer, model = manufacturer.strip(), model.strip()
    record = ModelRecord(
        manufacturer=manufacturer,
        model=model,
        match_key=match_key(manufacturer, model),
        category=category,
        origin="user",
        source=source.strip(),
        quality=quality,
        **values,
    )
    if not normalise_manufacturer(manufacturer) or record.match_key.endswith("|"):
        raise InvalidInput(None, _("the manufacturer and the model must not be empty"))
    return record


#: Phases of a per-model value whose range the estimate derives, and the category factor.
_RANGED = {
    "manufacturing_kgco2e": ("manufacturing", N_("Manufacturing")),
    "distribution_kgco2e": ("distribution", N_("Distribution")),
    "end_of_life_kgco2e": ("end_of_life", N_("End of life")),
}


def range_note(app: Sobriety, record: ModelRecord) -> str | None:
    """How the range of a per-model value given without uncertainty is derived (None
    when an uncertainty was given: the range is then the value plus or minus it).

    The estimate scales the category default's range to the user's value (the same
    low/value and high/value ratios); with a category the ratios are stated.
    """
    from sobriety.i18n import fmt_number

    if record.uncertainty is not None:
        return None
    given = [phase for phase in _RANGED if getattr(record, phase, None) is not None]
    if not given:
        return None
    category = app.factors.categories.get(record.category) if record.category else None
    if category is None:
        return _(
            "No uncertainty given: the range of each matched device is its category "
            "default's range, scaled to this value (same ratios of low and high to the "
            "value); give an uncertainty to set it."
        )
    parts = []
    for phase in given:
        name, title = _RANGED[phase]
        factor = getattr(category, name)
        value = getattr(record, phase)
        if not factor.value:
            continue
        low, high = factor.low / factor.value, factor.high / factor.value
        parts.append(
            _("{phase} {low}-{high} kgCO2e (x{rlow} to x{rhigh})").format(
                phase=_(title),
                low=fmt_number(value * low, 1),
                high=fmt_number(value * high, 1),
                rlow=fmt_number(low, 2),
                rhigh=fmt_number(high, 2),
            )
        )
    return _(
        "No uncertainty given: the range is the {category} default's, scaled to this "
        "value: {ranges}; give an uncertainty to set it."
    ).format(category=category.label, ranges=clauses(parts))


def add_model_factor(app: Sobriety, record: ModelRecord, *, replace: bool = False) -> int:
    """Store a user's per-model value (it beats every default); returns its id.

    Raises :class:`FactorExists` when the user already gave one for the model
    and ``replace`` is false.
    """
    from sobriety.storage import model_factors

    try:
        return model_factors.add_user_factor(app.engine, record, replace=replace)
    except model_factors.ModelFactorExists as exc:
        raise FactorExists(str(exc), record.manufacturer, record.model) from exc


@dataclass(frozen=True)
class PerModel:
    """The per-model factors stored and how many there are of each origin."""

    factors: list[ModelFactor]
    #: ``{"efd": n, "user": n, "matches": n}``
    counts: dict[str, int]


def per_model(app: Sobriety, origin: str | None = None) -> PerModel:
    """The stored per-model factors (``origin``: ``efd`` or ``user``; None: both)."""
    from sobriety.storage import model_factors

    if origin is not None:
        check_choice("origin", origin, ("efd", "user"))
    return PerModel(
        model_factors.list_factors(app.engine, origin), model_factors.counts(app.engine)
    )
