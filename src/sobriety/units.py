"""The package's one pint ``UnitRegistry``.

Quantities carry units at every boundary (factor files, inputs, outputs); inner
loops work on plain numpy arrays in the canonical units below, and results are
wrapped back into quantities at the edges.

The registry is built on first use (building it takes a few hundred ms), not at
import time.
"""

from __future__ import annotations

import functools
from typing import Any

import pint

from sobriety.settings import packaged_data_file

#: Canonical units of the arrays the engines work on.
CANONICAL = {
    "emissions": "kgCO2e",
    "energy": "kWh",
    "power": "W",
    "duration": "year",
    "mass": "kg",
    "money": "EUR",
    "intensity": "kgCO2e/kWh",
    "yearly_energy": "kWh/year",
}


@functools.cache
def registry() -> pint.UnitRegistry:
    ureg = pint.UnitRegistry(cache_folder=None, autoconvert_offset_to_baseunit=True)
    ureg.load_definitions(str(packaged_data_file("units.txt")))
    ureg.formatter.default_format = "~P"
    pint.set_application_registry(ureg)
    return ureg


def Q_(value: Any, unit: str | None = None) -> pint.Quantity:
    """Build a quantity in the package registry: ``Q_("170.3 kgCO2e")`` or ``Q_(2, "kg")``."""
    ureg = registry()
    if unit is None and isinstance(value, str):
        return ureg.Quantity(value)
    return ureg.Quantity(value, unit)


def parse_quantity(text: str, expected: str) -> pint.Quantity:
    """Parse ``text`` and check it has the dimensionality of ``expected`` (a unit).

    Raises :class:`UnitError` with what was expected when it does not parse or
    has the wrong dimension.
    """
    ureg = registry()
    try:
        q = ureg.Quantity(text)
    except (pint.errors.PintError, ValueError, TypeError, AttributeError, SyntaxError) as exc:
        raise UnitError(f"cannot read {text!r} as a quantity ({exc})") from exc
    if not isinstance(q, ureg.Quantity):  # a bare number
        raise UnitError(f"{text!r} has no unit; expected a quantity in {expected}")
    want = ureg.Unit(expected).dimensionality
    if q.dimensionality != want:
        raise UnitError(
            f"{text!r} has dimension {q.dimensionality}, expected {want} (e.g. {expected})"
        )
    return q


def magnitude(q: pint.Quantity, unit: str) -> float:
    """The magnitude of ``q`` expressed in ``unit``."""
    return float(q.to(unit).magnitude)


class UnitError(ValueError):
    """A value does not carry the unit (dimension) it must."""
