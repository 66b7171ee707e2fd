"""The Boavizta dataset: both CSV variants, import, matching, precedence; both back-ends."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from conftest import add_inventory
from sqlalchemy import func, select

from sobriety.domain.carbon import engine as carbon
from sobriety.domain.carbon.breakdown import estimate_fleet
from sobriety.domain.carbon.factors import FactorSet
from sobriety.domain.carbon.model_match import ModelRecord, aggregate_efd, match_key
from sobriety.io.efd import EfdFormatError, read_efd
from sobriety.storage import model_factors
from sobriety.storage.carbon_fleet import read_fleet
from sobriety.storage.models import ModelFactor, ModelMatch

D = dt.date


@pytest.fixture
def efd_us(shared_data: Path) -> Path:
    return shared_data / "boavizta-efd" / "boavizta-data-us.csv"


@pytest.fixture
def efd_fr(shared_data: Path) -> Path:
    return shared_data / "boavizta-efd" / "boavizta-data-fr.csv"


def test_both_variants_give_the_same_rows(efd_us: Path, efd_fr: Path) -> None:
    us, fr = read_efd(efd_us), read_efd(efd_fr)
    assert (us.delimiter, us.decimal, fr.delimiter, fr.decimal) == (",", ".", ";", ",")
    assert len(us.rows) == len(fr.rows) == 1226
    fields = ("gwp_total", "gwp_use_ratio", "yearly_tec", "gwp_manufacturing_ratio", "weight",
              "gwp_transport_ratio", "gwp_eol_ratio", "gwp_error_ratio", "lifetime")  # fmt: skip
    for a, b in zip(us.rows, fr.rows, strict=True):
        assert [getattr(a, f) for f in fields] == [getattr(b, f) for f in fields]
        assert match_key(a.manufacturer, a.name) == match_key(b.manufacturer, b.name)
    # The dataset's one share above 100 % is left out, and said so, in both variants.
    assert [(w.line, w.column, w.value) for w in us.warnings] == [
        (344, "gwp_manufacturing_ratio", "7.76")
    ]
    assert [(w.line, w.column, w.value) for w in fr.warnings] == [
        (344, "gwp_manufacturing_ratio", "7,76")
    ]
    assert len(aggregate_efd(us.rows)) == len(aggregate_efd(fr.rows)) == 1219


def test_aggregated_factors_split_the_total_by_phase(efd_us: Path) -> None:
    records = {r.match_key: r for r in aggregate_efd(read_efd(efd_us).rows)}
    lat = records["dell|latitude 5420"]
    row = next(r for r in read_efd(efd_us).rows if r.name == "Latitude 5420")
    assert lat.category == "laptop" and lat.origin == "efd"
    assert lat.manufacturing_kgco2e == pytest.approx(row.gwp_total * row.gwp_manufacturing_ratio)
    assert lat.distribution_kgco2e == pytest.approx(row.gwp_total * row.gwp_transport_ratio)
    assert lat.yearly_energy_kwh == pytest.approx(row.yearly_tec)
    assert "ODbL" in lat.source and "Latitude 5420" in lat.source
    printer = next(r for r in records.values() if r.model == "C3224dw")
    # Printers only split use from the rest: manufacturing holds the non-use share.
    assert printer.manufacturing_kgco2e == pytest.approx(5590 * (1 - 0.9767))


def test_a_malformed_file_is_refused_with_line_and_column(tmp_path: Path, efd_us: Path) -> None:
    lines = efd_us.read_text(encoding="utf-8").splitlines()
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join([lines[0], lines[1].replace(",161,", ",16x1,"), *lines[2:5]]))
    with pytest.raises(EfdFormatError) as err:
        read_efd(bad)
    assert (
        str(err.value.problems[0]) == "line 2, column gwp_total: '16x1': a number with '.' decimals"
    )
    other = tmp_path / "other.csv"
    other.write_text("Nom;Prix\nPC;12\n", encoding="utf-8")
    with pytest.raises(EfdFormatError, match="column manufacturer"):
        read_efd(other)


SITES = [
    {"code": "HQ", "name": "Head office", "kind": "head_office", "country": "FR", "agents": 50}
]
DEVICES = [
    {"asset_tag": "L1", "category": "laptop", "manufacturer": "DELL", "model": "Latitude 5420",
     "acquisition_date": D(2022, 1, 1), "site": "HQ"},
    {"asset_tag": "L2", "category": "laptop", "manufacturer": "Dell Inc.", "model": "latitude 5420",
     "acquisition_date": D(2022, 1, 1), "site": "HQ"},
    {"asset_tag": "L3", "category": "laptop", "manufacturer": "HP", "model": "EliteBook 840 G8",
     "acquisition_date": D(2023, 3, 1), "site": "HQ"},
    {"asset_tag": "T1", "category": "thin_client", "manufacturer": "Dell", "model": "Wyse 5070",
     "acquisition_date": D(2021, 6, 1), "site": "HQ"},
    {"asset_tag": "S1", "category": "switch", "manufacturer": "Cisco", "model": "Catalyst 9200L",
     "acquisition_date": D(2020, 9, 1), "site": "HQ"},
    {"asset_tag": "X1", "category": "monitor", "acquisition_date": D(2019, 9, 1)},
]  # fmt: skip


def test_import_matches_inventory_models_with_confidence(engine, efd_fr: Path) -> None:
    add_inventory(engine, SITES, DEVICES)
    records = aggregate_efd(read_efd(efd_fr).rows)
    report = model_factors.replace_efd_factors(engine, records)
    assert report.factors == 1219
    matched = {
        (m.manufacturer, m.model): (m.method, m.confidence, m.devices) for m in report.matched
    }
    assert matched[("DELL", "Latitude 5420")] == ("exact", 1.0, 1)
    assert matched[("Dell Inc.", "latitude 5420")] == ("exact", 1.0, 1)
    assert matched[("Dell", "Wyse 5070")] == ("normalised", 0.9, 1)
    method, confidence, _n = matched[("HP", "EliteBook 840 G8")]
    assert method == "fuzzy" and 0.85 <= confidence < 0.9
    assert report.unmatched == [("Cisco", "Catalyst 9200L", 1)]
    assert report.by_method() == {"exact": (2, 2), "normalised": (1, 1), "fuzzy": (1, 1)}
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(ModelMatch)).scalar_one() == 3
    # Importing again replaces, never duplicates.
    again = model_factors.replace_efd_factors(engine, records)
    assert again.by_method() == report.by_method()
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(ModelFactor)).scalar_one() == 1219


def test_per_model_factors_reach_the_fleet_and_users_win(
    engine, efd_us: Path, factor_set: FactorSet
) -> None:
    add_inventory(engine, SITES, DEVICES)
    records = {r.match_key: r for r in aggregate_efd(read_efd(efd_us).rows)}
    model_factors.replace_efd_factors(engine, list(records.values()))
    fleet = read_fleet(engine, factor_set)
    terms = carbon.resolve(fleet, factor_set, as_of=D(2025, 6, 30))
    lat = records["dell|latitude 5420"]
    assert terms.manufacturing[0, :2] == pytest.approx([lat.manufacturing_kgco2e] * 2)
    assert terms.from_model.tolist() == [True, True, True, True, False, False]
    # The switch has no sheet: the derived category default applies.
    assert terms.manufacturing[0, 4] == pytest.approx(200)
    user = ModelRecord(
        manufacturer="Dell", model="Latitude 5420", match_key=match_key("Dell", "Latitude 5420"),
        category="laptop", total_kgco2e=None, manufacturing_kgco2e=300.0,
        distribution_kgco2e=None, end_of_life_kgco2e=None, uncertainty=0.1,
        yearly_energy_kwh=None, lifespan_years=6.0, weight_kg=None, origin="user",
        source="Our own measurement 2025", quality="measured",
    )  # fmt: skip
    model_factors.add_user_factor(engine, user)
    with pytest.raises(model_factors.ModelFactorExists):
        model_factors.add_user_factor(engine, user)
    fleet = read_fleet(engine, factor_set)
    terms = carbon.resolve(fleet, factor_set, as_of=D(2025, 6, 30))
    assert terms.manufacturing[:, 0] == pytest.approx([300, 270, 330])  # user, its uncertainty
    assert terms.distribution[0, 0] == pytest.approx(lat.distribution_kgco2e)  # EFD phase kept
    assert terms.amortisation_days[0] == pytest.approx(6 * 365.25)  # the user's lifespan
    assert "user" in fleet.model_factors.origins[int(fleet.model[0])]


def test_reading_the_fleet_matches_the_inventory(engine, factor_set: FactorSet) -> None:
    devices = [
        *DEVICES,
        {"asset_tag": "R1", "category": "smartphone", "acquisition_date": D(2023, 5, 2),
         "acquisition_type": "refurbished", "status": "retired",
         "retirement_date": D(2024, 11, 30), "weight_kg": 0.2, "measured_power_w": 2.5,
         "purchase_price_eur": 180.0, "site": "HQ"},
    ]  # fmt: skip
    add_inventory(engine, SITES, devices)
    fleet = read_fleet(engine, factor_set)
    assert len(fleet) == 7
    order = factor_set.category_order
    assert [order[c] for c in fleet.category] == [d["category"] for d in devices]
    assert carbon.ACQUISITION_TYPES[fleet.acquisition_type[6]] == "refurbished"
    assert carbon.STATUSES[fleet.status[6]] == "retired"
    assert fleet.acquired[6] == carbon.date_to_days(D(2023, 5, 2))
    assert fleet.retired[6] == carbon.date_to_days(D(2024, 11, 30))
    assert np.isnan(fleet.retired[0])
    assert fleet.site.tolist() == [0, 0, 0, 0, 0, -1, 0]
    assert (fleet.weight_kg[6], fleet.measured_power_w[6], fleet.purchase_price_eur[6]) == (
        0.2, 2.5, 180.0,
    )  # fmt: skip
    assert fleet.sites.codes == ["HQ"] and fleet.sites.agents.tolist() == [50.0]
    one = read_fleet(engine, factor_set, asset_tag="R1")
    assert len(one) == 1 and one.acquired[0] == fleet.acquired[6]
    est = estimate_fleet(fleet, factor_set, year=2024, as_of=D(2025, 6, 30))
    assert est.share[:, 0, 6].sum() > 0 and est.agents == 50
