"""The package's one pint ``UnitRegistry``.

Quantities carry units at every boundary (factor files, inputs, outputs); inner
loops work on plain numpy arrays in the canonical units below, and results are
wrapped back into quantities at the edges.

The registry is built on first use (building it takes a few hundred ms), not at
import time; pint itself is imported then too (about 0.1 s a process that reads
the factor set from its cache does not pay).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sobriety.settings import packaged_data_file

if TYPE_CHECKING:
    import pint

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
    "hours_per_year": "hour/year",
    "fraction": "dimensionless",
}


@dataclass(frozen=True)
class Kind:
    """A kind of quantity: its canonical unit, a name for messages, an example."""

    name: str
    unit: str
    description: str
    example: str


#: The kinds of quantity the package reads, for checks and error messages.
KINDS: dict[str, Kind] = {
    "emissions": Kind("emissions", "kgCO2e", "a CO2e mass", "170.3 kgCO2e"),
    "power": Kind("power", "W", "a power", "75 W"),
    "energy": Kind("energy", "kWh", "an energy", "18.8 kWh"),
    "yearly_energy": Kind("yearly_energy", "kWh/year", "an energy per year", "18.8 kWh/year"),
    "intensity": Kind("intensity", "kgCO2e/kWh", "a carbon intensity", "55.3 gCO2e/kWh"),
    "duration": Kind("duration", "year", "a duration", "5 year"),
    "mass": Kind("mass", "kg", "a mass", "1.65 kg"),
    "money": Kind("money", "EUR", "an amount of money", "300 EUR"),
    "hours_per_year": Kind(
        "hours_per_year", "hour/year", "a time of use per year", "1607 hour/year"
    ),
    "fraction": Kind("fraction", "dimensionless", "a fraction", "13 %"),
    "length": Kind("length", "inch", "a length", "24 inch"),
}


@functools.cache
def registry() -> pint.UnitRegistry:
    import pint  # imported with the registry: a process that needs no unit skips it

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


def kind_of(expected: str) -> Kind:
    """The :class:`Kind` named ``expected``, or the kind of the unit ``expected``.

    ``kind_of("power")`` and ``kind_of("kW")`` both describe a power.
    """
    if expected in KINDS:
        return KINDS[expected]
    ureg = registry()
    dim = ureg.Quantity(1, expected).dimensionality
    for kind in KINDS.values():
        if ureg.Quantity(1, kind.unit).dimensionality == dim:
            return Kind(kind.name, expected, kind.description, _example(kind, expected))
    return Kind(expected, expected, f"a quantity in {expected}", f"1 {expected}")


def _example(kind: Kind, unit: str) -> str:
    if unit == kind.unit:
        return kind.example
    number = kind.example.split(" ", 1)[0]
    return f"{number} {unit}"


def describe(q: pint.Quantity) -> str:
    """What ``q`` is, in words: ``"a mass"``, ``"a power"``, ``"a number without unit"``."""
    if q.dimensionless and q.unitless:
        return "a number without unit"
    ureg = registry()
    for kind in KINDS.values():
        if kind.name == "yearly_energy":
            continue  # same dimension as a power; say "a power"
        if ureg.Quantity(1, kind.unit).dimensionality == q.dimensionality:
            return kind.description
    return f"a quantity of dimension {q.dimensionality}"


def parse_quantity(text: str, expected: str) -> pint.Quantity:
    """Parse ``text`` and check it is a quantity of the kind ``expected``.

    ``expected`` is a kind name of :data:`KINDS` (``"power"``) or a unit
    (``"W"``). Raises :class:`UnitError` naming the kind expected, with an
    example, when ``text`` does not parse, has no unit, or has the wrong
    dimension: ``'45 kg' is a mass; expected a power, e.g. 75 W``.
    """
    from pint import errors

    ureg = registry()
    kind = kind_of(expected)
    want = ureg.Quantity(1, kind.unit).dimensionality
    hint = f"expected {kind.description}, e.g. {kind.example}"
    if not isinstance(text, str) or not text.strip():
        raise UnitError(f"{text!r} is empty; {hint}")
    try:
        q = ureg.Quantity(text)
    except (errors.PintError, ValueError, TypeError, AttributeError, SyntaxError) as exc:
        raise UnitError(f"cannot read {text!r} as a quantity ({exc}); {hint}") from exc
    if not isinstance(q, ureg.Quantity):  # a bare number in older pint versions
        q = ureg.Quantity(q)
    if q.unitless and not want == ureg.Quantity(1).dimensionality:
        raise UnitError(f"{text!r} has no unit; {hint}")
    if q.dimensionality != want:
        raise UnitError(f"{text!r} is {describe(q)}; {hint}")
    return q


def magnitude(q: pint.Quantity, unit: str) -> float:
    """The magnitude of ``q`` expressed in ``unit``."""
    return float(q.to(unit).magnitude)


def parse_magnitude(text: str, expected: str) -> float:
    """Parse ``text`` as :func:`parse_quantity` does, return it in the kind's canonical unit."""
    kind = kind_of(expected)
    return magnitude(parse_quantity(text, expected), kind.unit)


def format_quantity(value: float, unit: str, digits: int = 1) -> str:
    """``"170.3 kgCO2e"``: a magnitude with its unit, for messages and factor files."""
    return f"{value:.{digits}f} {unit}"


class UnitError(ValueError):
    """A value does not carry the unit (dimension) it must."""
