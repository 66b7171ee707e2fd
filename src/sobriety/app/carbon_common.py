"""What every carbon use case shares: the checks of its choices and the rounding of its output.

:class:`InvalidInput` names the parameter at fault; :func:`grid_choice` picks the
grid series and zone of an estimate (see :mod:`sobriety.app.carbon`); the
``_bounds``/``_round``/``_count`` helpers give the JSON and CSV figures their
precision (kgCO2e to the gram, euros to the cent).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sobriety.i18n import _

if TYPE_CHECKING:
    from sobriety.app.context import Sobriety
    from sobriety.domain.carbon.factors import FactorSet, Grid


class InvalidInput(ValueError):
    """An argument of a use case is not acceptable; ``field`` names it (None: the whole).

    ``field`` is the parameter as the user knows it (``mode``, ``site-kind``,
    ``manufacturing_kgco2e``...); ``detail`` says what was expected.
    """

    def __init__(self, field: str | None, detail: str) -> None:
        self.field = field
        self.detail = detail
        super().__init__(
            _("{label}: {value}").format(label=field, value=detail) if field else detail
        )


def check_choice(name: str, value: str, choices: Sequence[str]) -> None:
    """Raise :class:`InvalidInput` unless ``value`` is one of ``choices``."""
    if value not in choices:
        raise InvalidInput(
            name,
            _("{value!r} is not one of {choices}").format(value=value, choices=", ".join(choices)),
        )


def grid_zone(app: Sobriety, grid: str | None) -> str | None:
    """The zone of every site's use phase: ``grid``, else the setting (None: each site's)."""
    fs = app.factors
    zones = list(dict.fromkeys(z for g in fs.grids.values() for z in g.zones))
    if grid is not None and grid.upper() not in zones:
        raise InvalidInput(
            "grid",
            _("{value!r} is not one of {choices}").format(value=grid, choices=", ".join(zones)),
        )
    return app.grid_zone(grid)


@dataclass(frozen=True)
class GridChoice:
    """The grid series and zone an estimate uses, and why (notes in the active language)."""

    factor_set: FactorSet
    #: The one zone of every site (None: each site's country).
    zone: str | None
    notes: tuple[str, ...] = ()

    @property
    def series(self) -> Grid:
        return self.factor_set.grid

    def as_dict(self) -> dict[str, Any]:
        grid = self.series
        source = self.factor_set.sources.get(grid.source)
        return {
            "id": grid.id,
            "label": grid.label,
            "release": grid.release,
            "source": grid.source,
            "citation": source.citation() if source else "",
        }


def grid_choice(app: Sobriety, grid: str | None = None, series: str | None = None) -> GridChoice:
    """The factor set with its grid series, and the zone of every site.

    The series is ``series``, else the ``SOBRIETY_GRID_SERIES`` setting, else the
    file's default (ADEME Base Carbone for France). A zone (``grid`` or
    ``SOBRIETY_GRID``) that the series lacks, with no series asked for, takes
    the first series that has it, and a note says so: one estimate, one series.
    """
    fs = app.factors
    wanted = series or app.settings.grid_series
    if wanted is not None:
        check_choice("grid-series", wanted, list(fs.grids))
        fs = fs.with_grid_series(wanted)
    zone = grid_zone(app, grid)
    notes: list[str] = []
    if zone is not None and zone not in fs.grid.zones:
        other = fs.series_for_zone(zone)
        if wanted is not None or other is None:
            raise InvalidInput(
                "grid",
                _("{value!r} is not one of {choices}").format(
                    value=zone, choices=", ".join(fs.grid.zones)
                ),
            )
        notes.append(
            _("Grid zone {zone} is not in the series {default}: the series {other} used.").format(
                zone=zone, default=fs.grid.id, other=other
            )
        )
        fs = fs.with_grid_series(other)
    return GridChoice(fs, zone, tuple(notes))


#: Decimals of the kgCO2e figures in JSON and CSV (1 gram).
KG_DECIMALS = 3
#: Decimals of the euro amounts in JSON and CSV (cents).
EUR_DECIMALS = 2


def _bounds(values: Any, digits: int = KG_DECIMALS) -> dict[str, float]:
    """``{"value": .., "low": .., "high": ..}`` of a (3,) array or tuple, rounded."""
    return {
        k: _round(float(v), digits) for k, v in zip(("value", "low", "high"), values, strict=True)
    }


def _round(x: float, digits: int) -> float:
    """``x`` rounded to ``digits`` decimals, without a negative zero."""
    return round(x, digits) + 0.0


def _count(x: float | None) -> int | float | None:
    """A count as an integer when it is whole (agents are counted, not measured)."""
    if x is None:
        return None
    return int(x) if float(x).is_integer() else round(float(x), 1)
