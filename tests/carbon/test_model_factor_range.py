"""A per-model value entered without an uncertainty says how its range is derived
(issue 8): the estimate scales the category default's range to the value."""

from __future__ import annotations

from typer.testing import CliRunner

from sobriety.cli.main import app
from sobriety.domain.carbon.factors import load_factor_set
from sobriety.i18n import fmt_number, set_language
from sobriety.paths import packaged_factors_dir


def _add(db_url: str, *extra: str):
    return CliRunner().invoke(
        app,
        ["--db", db_url, "--lang", "en", "factors", "add", "--manufacturer", "Dell",
         "--model", "Latitude 5420", "--manufacturing", "300 kgCO2e", "--source", "PCF sheet",
         "--quality", "manufacturer", *extra],
    )  # fmt: skip


def test_without_uncertainty_the_derived_range_is_stated(engine, db_url) -> None:
    result = _add(db_url, "--category", "laptop")
    assert result.exit_code == 0, result.output
    set_language("en")
    laptop = load_factor_set(packaged_factors_dir()).categories["laptop"].manufacturing
    low, high = laptop.low / laptop.value, laptop.high / laptop.value
    out = result.stdout
    assert "No uncertainty given: the range is the" in out and "default's" in out
    assert f"Manufacturing {fmt_number(300 * low, 1)}-{fmt_number(300 * high, 1)} kgCO2e" in out
    assert f"(x{fmt_number(low, 2)} to x{fmt_number(high, 2)})" in out


def test_without_category_the_rule_is_stated(engine, db_url) -> None:
    result = _add(db_url)
    assert result.exit_code == 0, result.output
    assert "its category default's range, scaled to this value" in result.stdout


def test_with_an_uncertainty_no_note(engine, db_url) -> None:
    result = _add(db_url, "--uncertainty", "15 %")
    assert result.exit_code == 0, result.output
    assert "No uncertainty given" not in result.stdout
