"""``sobriety estimate`` and ``sobriety factors`` from the command line, on both back-ends."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from conftest import add_inventory, replace_in
from typer.testing import CliRunner

from sobriety.cli.main import app

D = dt.date
#: The day every command of this module runs on: the state date the tests give with
#: --as-of, so the commands that default to today (--as-of, --year) see the same day.
pytestmark = pytest.mark.time_machine(dt.datetime(2025, 6, 30, 9, 0, tzinfo=dt.UTC), tick=True)
SITES = [
    {"code": "HQ", "name": "Head office", "kind": "head_office", "country": "FR", "agents": 100},
    {"code": "C1", "name": "Collège Jules Verne", "kind": "college", "country": "FR", "agents": 20},
]
DEVICES = [
    {"asset_tag": "LAP-1", "category": "laptop", "manufacturer": "Dell", "model": "Latitude 5420",
     "acquisition_date": D(2020, 3, 1), "site": "HQ", "purchase_price_eur": 900.0},
    {"asset_tag": "LAP-2", "category": "laptop", "acquisition_date": D(2023, 1, 1),
     "acquisition_type": "refurbished", "site": "C1"},
    {"asset_tag": "PH-1", "category": "smartphone", "acquisition_date": D(2024, 2, 1),
     "site": "C1", "measured_power_w": 1.5},
    {"asset_tag": "SW-1", "category": "switch", "acquisition_date": D(2019, 5, 1), "site": "HQ"},
]  # fmt: skip


@pytest.fixture
def run(engine, db_url):
    add_inventory(engine, SITES, DEVICES)
    runner = CliRunner()

    def _run(*args: str, env: dict[str, str] | None = None):
        return runner.invoke(app, ["--db", db_url, "--lang", "en", *args], env=env)

    return _run


def test_estimate_table_by_category(run) -> None:
    result = run("estimate", "--year", "2024", "--as-of", "2025-06-30")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Carbon estimate 2024 — amortised over the lifespan (Bilan Carbone style)" in out
    assert "Laptop" in out and "Switch" in out and "Smartphone" in out
    assert "Per agent:" in out and "120 agents" in out
    assert "WEEE weight held: 0.01 t" in out  # 1.65 + 1.65 + 0.17 + 4 kg


def test_estimate_json_adds_up_and_labels_the_mode(run) -> None:
    result = run("estimate", "-y", "2024", "--mode", "acquisition", "--format", "json",
                 "--as-of", "2025-06-30")  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["mode_label"] == (
        "acquisitions of the year, cradle to gate (GHG Protocol scope 3, category 2)"
    )
    assert data["unit"] == "kgCO2e"
    total = sum(r["total"]["value"] for r in data["rows"])
    assert total == pytest.approx(data["total"]["value"], abs=0.01)
    phone = next(r for r in data["rows"] if r["key"] == "smartphone")
    # Bought in 2024: its whole manufacturing and distribution count in 2024.
    assert phone["manufacturing"]["value"] == pytest.approx(83)
    assert phone["distribution"]["value"] == pytest.approx(2.1)
    use = 1.5 * 2630 / 1000 * 0.0569 * 335 / 365.25  # measured power, 1 Feb - 31 Dec
    assert phone["use"]["value"] == pytest.approx(use, abs=0.001)


@pytest.mark.parametrize("by", ["site", "site-kind", "phase", "year"])
def test_estimate_csv_by_each_grouping(run, by: str) -> None:
    result = run("estimate", "-y", "2024", "--by", by, "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    keys = [r["key"] for r in rows]
    expected = {
        "site": {"HQ", "C1"},
        "site-kind": {"head_office", "college"},
        "phase": {"manufacturing", "distribution", "use", "end_of_life"},
    }.get(by)
    if expected:
        assert set(keys) == expected
    else:
        assert keys[-1] == "2024" and keys[0] == "2019"
    assert all(float(r["total_low"]) <= float(r["total_kgco2e"]) <= float(r["total_high"])
               for r in rows)  # fmt: skip


def test_estimate_device_explains_each_term(run) -> None:
    result = run("estimate", "--device", "LAP-2", "--year", "2024", "--as-of", "2025-06-30")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "LAP-2 — Laptop" in out and "(refurbished)" in out
    assert "category default (Laptop): 170.3 kgCO2e (136.2-281.4 kgCO2e)" in out
    assert "refurbished share (refurbished): 30 % (3-57 %)" in out
    assert (
        "ADEME, Arcep (2022) [ademe_arcep_2022]; devices.toml: categories.laptop.manufacturing"
        in out
    )
    assert "grid intensity FR 2024: 0.0569 kgCO2e/kWh (0.05121-0.06259 kgCO2e/kWh)" in out
    assert "Base Carbone V23.6" in out
    assert "formula: factor x refurbished share x 366.0 days of 2024" in out
    share = 366 / (5 * 365.25)  # 2024 is a leap year inside the 5-year amortisation
    expected = (170.3 * 0.3 + 12.3 + 2.8) * share + 18.78 * 0.0569 * 366 / 365.25
    assert f"Total 2024: {expected:.2f}" in out


def test_estimate_device_in_french_uses_french_numbers_and_words(run) -> None:
    result = run("--lang", "fr", "estimate", "--device", "LAP-2", "--year", "2024",
                 "--as-of", "2025-06-30")  # fmt: skip
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert (
        "valeur par défaut de la catégorie (PC portable)\u00a0: 170,3 kgCO2e (136,2-281,4 kgCO2e)"
        in out
    )
    assert "part reconditionnée (reconditionné)\u00a0: 30 % (3-57 %)" in out
    assert "kWh/an" in out and "kWh/year" not in out
    assert "x 366,0 jours de 2024" in out
    missing = run("estimate", "--device", "NOPE")
    assert missing.exit_code == 1 and "no device with asset tag 'NOPE'" in missing.output


def test_estimate_refuses_bad_options(run) -> None:
    for args, message in [
        (("--mode", "cash"), "--mode: 'cash' is not one of amortised, acquisition"),
        (("--by", "colour"), "--by: 'colour' is not one of category, site, site-kind"),
        (("--format", "pdf"), "--format: 'pdf' is not one of table, csv, json"),
        (("--grid", "XX"), "--grid: 'XX' is not one of FR, EU"),
    ]:
        result = run("estimate", *args)
        assert result.exit_code == 1, args
        assert message in result.output


def test_estimate_with_a_global_grid(run) -> None:
    fr = json.loads(run("estimate", "-y", "2024", "-f", "json", "--by", "phase").stdout)
    eu = json.loads(
        run("estimate", "-y", "2024", "-f", "json", "--by", "phase", "--grid", "EU").stdout
    )
    use = {r["key"]: r["use"]["value"] for r in fr["rows"]}["use"]
    use_eu = {r["key"]: r["use"]["value"] for r in eu["rows"]}["use"]
    assert use_eu == pytest.approx(use * 211.2 / 56.9, rel=1e-3)
    # EU is not in the ADEME series: the estimate says it took the Ember / OWID series.
    assert eu["grid"] == "EU" and eu["grid_series"]["id"] == "ember_owid"
    assert fr["grid_series"]["id"] == "ademe_base_carbone"
    assert fr["grid_series"]["release"] == "Base Carbone V23.6"
    assert any("the series ember_owid used" in n for n in eu["notes"])
    by_env = run("estimate", "-y", "2024", "-f", "json", env={"SOBRIETY_GRID": "EU"})
    assert json.loads(by_env.stdout)["total"] == eu["total"]


def test_what_if(run) -> None:
    result = run("estimate", "what-if", "--extend", "2", "--category", "laptop", "--horizon", "3",
                 "--from", "2026", "--as-of", "2025-06-30", "--format", "json")  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["devices_in_scope"] == 2
    first = data["years"][0]
    # LAP-1 (March 2020) is overdue: renewed in 2026 at the current pace, in 2027 if kept longer.
    assert first["baseline_purchases"] == 1 and first["scenario_purchases"] == 0
    assert first["avoided"]["value"] == pytest.approx(170.3 + 12.3 + 2.8)
    assert first["avoided_eur"] == pytest.approx(900)
    table = run(
        "estimate", "what-if", "--extend", "1", "--site-kind", "college", "--as-of", "2025-06-30"
    )
    assert table.exit_code == 0, table.output
    assert "Keep devices 1.0 years longer (all categories / collège)" in table.stdout
    bad = run("estimate", "what-if", "--extend", "1", "--category", "lapstop")
    assert bad.exit_code == 1 and "--category: 'lapstop' is not one of laptop" in bad.output
    french = run("estimate", "what-if", "--extend", "1", "--category", "PC portable")
    assert french.exit_code == 0 and "longer (laptop)" in french.stdout, french.output


def test_factors_list_show_check(run) -> None:
    listing = run("factors", "list")
    assert listing.exit_code == 0, listing.output
    assert "Laptop" in listing.stdout and "FR France: 2020: 59.1" in listing.stdout
    assert "ademe_base_carbone (in use)" in listing.stdout
    assert "Base Carbone V23.6" in listing.stdout
    data = json.loads(run("factors", "list", "--format", "json").stdout)
    keys = {f["key"]: f for f in data["factors"]}
    assert keys["laptop.manufacturing"]["text"] == "170.3 kgCO2e"
    assert keys["grid.ember_owid.FR.2023"]["source"] == "owid_energy_2026"
    assert keys["grid.ademe_base_carbone.FR.all"]["source"] == "ademe_base_carbone_v23_6"
    show = run("factors", "show", "switch")
    assert show.exit_code == 0 and "method: No open carbon footprint" in show.stdout
    assert "Published figures" not in show.stdout
    laptop = run("factors", "show", "laptop").stdout
    assert "efd_median_total: 307 kgCO2e" in laptop and "ODbL" in laptop
    assert "FR — France" in run("factors", "show", "FR").stdout
    assert "take_back" in run("factors", "show", "reuse").stdout
    check = run("factors", "check")
    assert check.exit_code == 0 and "valid (version 2026.1" in check.stdout
    unknown = run("factors", "show", "toaster")
    assert unknown.exit_code == 1 and "unknown entry 'toaster'" in unknown.output


def test_factors_folder_from_option_or_environment(run, factors_copy: Path) -> None:
    replace_in(factors_copy / "devices.toml", 'value = "30 W"', 'value = "45 kg"')
    check = run("factors", "check", str(factors_copy))
    assert check.exit_code == 1
    assert (
        'categories.switch.use.power.value = "45 kg": is a mass; expected a power' in check.output
    )
    by_option = run("--factors", str(factors_copy), "estimate")
    assert by_option.exit_code == 1 and "1 problem in the factor set" in by_option.output
    by_env = run("estimate", env={"SOBRIETY_FACTORS": str(factors_copy)})
    assert by_env.exit_code == 1 and "is a mass; expected a power, e.g. 75 W" in by_env.output


def test_import_efd_and_add_a_user_factor(run, boavizta_efd: Path) -> None:
    path = boavizta_efd / "boavizta-data-fr.csv"
    dry = run("factors", "import-efd", str(path), "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "1,226 rows (';' delimiter, ',' decimals) -> 1,219 models" in dry.stdout
    assert "Dry run: nothing written." in dry.stdout
    assert "0 from the Boavizta dataset" in run("factors", "models", "--origin", "user").stdout
    result = run("factors", "import-efd", str(path))
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "1,219 per-model factors stored" in out
    assert "Inventory models: 1 matched (1 device), 0 unmatched (0 devices)." in out
    french = run("--lang", "fr", "factors", "models", "--origin", "efd").stdout
    assert "1\u202f219 issues du jeu de données Boavizta, 0 saisie par les utilisateurs" in french
    assert "Dell Latitude 5420 (1) -> Dell Latitude 5420  [exact 1.00]" in out
    added = run("factors", "add", "--manufacturer", "Dell", "--model", "Latitude 5420",
                "--manufacturing", "0.3 tCO2e", "--source", "Dell PCF sheet 2021",
                "--quality", "manufacturer", "--uncertainty", "15 %")  # fmt: skip
    assert added.exit_code == 0, added.output
    assert "stored for Dell Latitude 5420 (key dell|latitude 5420)" in added.stdout
    explain = run("estimate", "--device", "LAP-1", "--year", "2024").stdout
    assert "per-model factor: 300.00 kgCO2e" in explain
    assert "(your value + Boavizta dataset, manufacturer data)" in explain
    bad = run("factors", "add", "--manufacturer", "Dell", "--model", "X", "--manufacturing",
              "12 kg", "--source", "s", "--quality", "measured")  # fmt: skip
    assert bad.exit_code == 1
    assert "--manufacturing: '12 kg' is a mass; expected a CO2e mass" in bad.output
    again = ("--manufacturing", "280 kgCO2e", "--source", "s", "--quality", "measured")
    twice = run("factors", "add", "--manufacturer", "Dell", "--model", "Latitude 5420", *again)
    assert twice.exit_code == 1 and "--replace" in twice.output


def test_an_empty_inventory_estimates_zero(engine, db_url) -> None:
    runner = CliRunner()  # a migrated database without devices (`engine`)
    result = runner.invoke(app, ["--db", db_url, "--lang", "en", "estimate", "--by", "site"])
    assert result.exit_code == 0, result.output
    assert "Total                               0          0.00" in result.stdout
    data = json.loads(runner.invoke(app, ["--db", db_url, "estimate", "-f", "json"]).stdout)
    assert data["rows"] == [] and data["total"] == {"value": 0.0, "low": 0.0, "high": 0.0}


def test_numbers_follow_the_language(run) -> None:
    fr = run("--lang", "fr", "estimate", "-y", "2024", "--as-of", "2025-06-30")
    assert fr.exit_code == 0, fr.output
    total = next(line for line in fr.stdout.splitlines() if line.startswith("Total"))
    assert "," in total and "." not in total  # French decimal commas


def test_match_again_after_the_inventory_grew(run, engine, boavizta_efd: Path) -> None:
    path = boavizta_efd / "boavizta-data-us.csv"
    assert run("factors", "import-efd", str(path)).exit_code == 0
    add_inventory(
        engine,
        [],
        [{"asset_tag": "TC-1", "category": "thin_client", "manufacturer": "Dell",
          "model": "Wyse 5070"}],
    )  # fmt: skip
    result = run("factors", "match")
    assert result.exit_code == 0, result.output
    assert "Dell Wyse 5070 (1) -> Dell Wyse 5070 Thin Client  [normalised 0.90]" in result.stdout
    assert "Inventory models: 2 matched (2 devices), 0 unmatched" in result.stdout


def test_acquisition_mode_counts_the_years_acquisitions_cradle_to_gate(run) -> None:
    """Issue 8: only 2024's acquisitions (the smartphone), manufacturing plus distribution;
    use and end of life apart with their GHG Protocol categories (end of life: scope 3
    category 5, not 2). Before: 4 devices counted, use in the total, category 2 throughout."""
    data = json.loads(run("estimate", "-y", "2024", "--mode", "acquisition", "-f", "json").stdout)
    assert [(r["key"], r["devices"]) for r in data["rows"] if r["devices"]] == [("smartphone", 1)]
    assert sum(r["devices"] for r in data["rows"]) == 1
    assert data["total"]["value"] == pytest.approx(83 + 2.1)
    assert data["total_phases"] == ["manufacturing", "distribution"]
    apart = data["reported_separately"]
    assert apart["use"]["value"] > 0 and apart["use"]["ghg_category"].startswith("scope 2")
    assert apart["end_of_life"]["ghg_category"] == (
        "scope 3, category 5: waste generated in operations"
    )
    table = run("estimate", "-y", "2024", "--mode", "acquisition").stdout
    assert "Cradle to gate (low-high)" in table and "Acquired" in table
    assert "Reported separately (not in the cradle-to-gate total):" in table
    assert "End of life: 0.00 (0.00-0.00) tCO2e — GHG Protocol scope 3, category 5" in table
    amortised = json.loads(run("estimate", "-y", "2024", "-f", "json").stdout)
    assert "reported_separately" not in amortised


def test_estimate_says_which_grid_series_it_used(run) -> None:
    out = run("estimate", "-y", "2024").stdout
    assert (
        "Grid intensity series: ADEME Base Carbone, Électricité, mix de consommation - moyen "
        "(France continentale) (Base Carbone V23.6)." in out
    )
    ember = run("estimate", "-y", "2024", "--grid-series", "ember_owid").stdout
    assert "Ember Yearly Electricity Data, January 2026 release" in ember
    bad = run("estimate", "--grid-series", "rte")
    assert bad.exit_code == 1
    assert "--grid-series: 'rte' is not one of ademe_base_carbone, ember_owid" in bad.output


def test_estimate_by_year_is_titled_with_its_years_and_csv_carries_labels(run) -> None:
    out = run("estimate", "-y", "2024", "--by", "year").stdout
    assert "Carbon estimate 2019-2024 — amortised" in out
    fr = run("--lang", "fr", "estimate", "-y", "2024", "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(fr.stdout)))
    labels = {r["key"]: r["label"] for r in rows}
    assert labels["laptop"] == "PC portable" and labels["smartphone"] == "Smartphone"
    assert all(r["agents"] in ("", "120") for r in rows)  # counts are integers
    data = json.loads(run("estimate", "-y", "2024", "-f", "json").stdout)
    assert data["agents"] == 120 and isinstance(data["agents"], int)
