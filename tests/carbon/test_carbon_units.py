"""The package registry: CO2e is its own dimension, errors name the kind expected."""

from __future__ import annotations

import pint
import pytest

from sobriety.units import Q_, UnitError, parse_magnitude, parse_quantity, registry


def test_intensity_times_energy_gives_co2e() -> None:
    result = Q_("55.3 gCO2e/kWh") * Q_("18.8 kWh")
    assert result.to("kgCO2e").magnitude == pytest.approx(1.03964)
    assert Q_("1 tCO2e").to("kgCO2e").magnitude == 1000


def test_co2e_and_mass_do_not_add() -> None:
    with pytest.raises(pint.DimensionalityError):
        Q_("1 kgCO2e") + Q_("1 kg")


def test_one_registry() -> None:
    assert registry() is registry()
    assert Q_("1 kgCO2e")._REGISTRY is registry()


@pytest.mark.parametrize(
    ("text", "expected", "message"),
    [
        ("45 kg", "power", "'45 kg' is a mass; expected a power, e.g. 75 W"),
        ("75 W", "emissions", "'75 W' is a power; expected a CO2e mass, e.g. 170.3 kgCO2e"),
        ("170.3", "emissions", "'170.3' has no unit; expected a CO2e mass"),
        ("12 kg", "kgCO2e", "'12 kg' is a mass; expected a CO2e mass"),
        ("5 EUR", "kg", "'5 EUR' is an amount of money; expected a mass, e.g. 1.65 kg"),
        ("3 W", "intensity", "expected a carbon intensity, e.g. 55.3 gCO2e/kWh"),
        ("two kg", "mass", "cannot read 'two kg' as a quantity"),
        ("", "power", "is empty; expected a power"),
    ],
)
def test_dimension_errors_name_the_kind_expected(text: str, expected: str, message: str) -> None:
    with pytest.raises(UnitError) as err:
        parse_quantity(text, expected)
    assert message in str(err.value)


def test_kinds_convert_to_canonical_units() -> None:
    assert parse_magnitude("8 hour/day", "hours_per_year") == pytest.approx(2922.0)
    assert parse_magnitude("13 %", "fraction") == pytest.approx(0.13)
    assert parse_magnitude("55.3 gCO2e/kWh", "intensity") == pytest.approx(0.0553)
    assert parse_magnitude("2 tCO2e", "emissions") == pytest.approx(2000)
    assert parse_magnitude("1.5 kW", "W") == pytest.approx(1500)  # in the unit asked for
