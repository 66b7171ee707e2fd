"""The demo fleet generator (pure numpy, no database): sizes, shares, history, coherence."""

from __future__ import annotations

import datetime as dt
import json
import re

import numpy as np
import pytest

from sobriety.domain.demo import fleet as demo
from sobriety.domain.vocab import Category, Channel, RecipientKind, SiteKind, Status

AS_OF = dt.date(2026, 11, 29)
PCS = ["laptop", "desktop", "thin_client", "workstation"]
HELD = ["in_service", "in_stock", "in_repair"]


def _concat(chunks: list[demo.FleetChunk], part: str) -> dict[str, np.ndarray]:
    first = getattr(chunks[0], part)
    return {k: np.concatenate([getattr(c, part)[k] for c in chunks]) for k in first}


@pytest.fixture(scope="module")
def fleet() -> tuple[demo.FleetPlan, dict, dict, dict]:
    plan = demo.plan_fleet(as_of=AS_OF, seed=0)
    chunks = list(demo.generate(plan))
    return plan, _concat(chunks, "devices"), _concat(chunks, "events"), _concat(chunks, "erasures")


def _year(values: np.ndarray) -> np.ndarray:
    return values.astype("datetime64[Y]").astype(np.int64) + 1970


def test_same_seed_same_fleet_other_seed_other_fleet() -> None:
    def columns(seed: int) -> list[dict[str, np.ndarray]]:
        plan = demo.plan_fleet(as_of=AS_OF, seed=seed, devices=70_000)  # two chunks
        return [
            {**c.devices, **{f"ev_{k}": v for k, v in c.events.items()}}
            for c in demo.generate(plan)
        ]

    a, b, c = columns(11), columns(11), columns(12)
    assert len(a) == 2
    for ca, cb in zip(a, b, strict=True):
        for key in ca:
            nan = ca[key].dtype.kind in "fM"
            assert np.array_equal(ca[key], cb[key], equal_nan=nan), key
    assert not np.array_equal(a[0]["acquisition_date"], c[0]["acquisition_date"])


@pytest.mark.parametrize("n", [0, 1, 137, 5_000, 123_457])
def test_exactly_the_requested_number_of_devices(n: int) -> None:
    plan = demo.plan_fleet(as_of=AS_OF, seed=3, devices=n)
    assert plan.total == n
    if n <= 5_000:
        got = sum(len(c.devices["device"]) for c in demo.generate(plan))
        assert got == n


def test_the_realistic_departement(fleet) -> None:
    plan, _, _, _ = fleet
    assert plan.total == demo.default_device_count(AS_OF)
    assert 5_500 <= plan.agents <= 6_500
    kinds = [s.kind for s in plan.sites]
    assert kinds.count(SiteKind.HEAD_OFFICE) == 1
    assert kinds.count(SiteKind.CDAS) == 22
    assert kinds.count(SiteKind.COLLEGE) >= 51
    assert kinds.count(SiteKind.NATURAL_AREA) >= 5
    head = next(s for s in plan.sites if s.kind == SiteKind.HEAD_OFFICE)
    assert head.agents == 1_800 and head.commune == "Rennes" and head.insee_code == "35238"
    assert all(s.code.startswith("DEMO-") for s in plan.sites)
    assert len({s.code for s in plan.sites}) == len(plan.sites)
    # INSEE codes only where checked, never made up.
    from sobriety.domain.demo.catalog import INSEE_CODES

    assert {s.insee_code for s in plan.sites} <= {None, *INSEE_CODES.values()}
    assert all(s.insee_code == INSEE_CODES.get(s.commune) for s in plan.sites)


def test_large_fleets_add_sites_and_agents() -> None:
    base = demo.plan_fleet(as_of=AS_OF)
    big = demo.plan_fleet(as_of=AS_OF, devices=1_000_000)
    assert big.total == 1_000_000
    assert len(big.sites) > 20 * len(base.sites)
    per_agent = big.total / big.agents
    assert per_agent == pytest.approx(base.total / base.agents, rel=0.05)
    assert len({s.code for s in big.sites}) == len(big.sites)


def test_category_shares(fleet) -> None:
    plan, d, _, _ = fleet
    cat, held = d["category"], np.isin(d["status"], HELD)
    pcs = np.isin(cat, PCS)
    assert (cat[held & pcs] == "laptop").mean() > 0.85
    assert (cat[pcs] == "laptop").mean() > 0.85
    monitors_per_pc = (held & (cat == "monitor")).sum() / (held & pcs).sum()
    assert 1.1 <= monitors_per_pc <= 1.5
    pcs_per_agent = (held & pcs).sum() / plan.agents
    assert 0.9 <= pcs_per_agent <= 1.4
    for category in Category:
        if category != Category.OTHER:
            assert (cat == category.value).sum() > 0, category


def test_rugged_phones_belong_to_natural_areas(fleet) -> None:
    plan, d, _, _ = fleet
    kind = np.array([s.kind.value for s in plan.sites])[d["site"]]
    rugged = d["category"] == "rugged_smartphone"
    assert (kind[rugged] == "natural_area").mean() > 0.7
    nature_phones = d["category"][(kind == "natural_area") & np.isin(d["status"], HELD)]
    phones = nature_phones[np.isin(nature_phones, ["smartphone", "rugged_smartphone"])]
    assert (phones == "rugged_smartphone").mean() > 0.8
    for i, site in enumerate(plan.sites):
        if site.kind == SiteKind.NATURAL_AREA:
            assert (rugged & (d["site"] == i)).any(), site.name


def test_every_site_has_network_gear(fleet) -> None:
    plan, d, _, _ = fleet
    for category in ("switch", "router", "wifi_access_point"):
        sites = set(d["site"][d["category"] == category].tolist())
        assert sites == set(range(len(plan.sites))), category


def test_statuses_and_dates_are_coherent(fleet) -> None:
    _, d, _, _ = fleet
    status = d["status"]
    assert set(status) == {s.value for s in Status}
    acq, ret = d["acquisition_date"], d["retirement_date"]
    today = np.datetime64(AS_OF)
    assert (acq <= today).all()
    held = np.isin(status, HELD)
    assert np.isnat(ret[held]).all()
    assert not np.isnat(ret[~held]).any()
    assert (acq[~held] < ret[~held]).all() and (ret[~held] < today).all()
    # Acquisitions spread over about twelve years, retirements from 2020-21 on.
    years = _year(acq)
    assert years.max() - years.min() >= 11
    assert _year(ret[~held]).min() >= 2020
    # The fleet is renewed on a 5-6 year cycle: most held PCs are under 7 years old.
    pcs = held & np.isin(d["category"], PCS)
    age = (today - acq[pcs]).astype(np.int64) / 365.25
    assert 2.0 <= np.median(age) <= 3.5 and (age < 7).mean() > 0.8
    warranty = d["warranty_end"]
    known = ~np.isnat(warranty)
    assert (warranty[known] > acq[known]).all()


def test_retired_devices_have_their_history(fleet) -> None:
    _, d, ev, er = fleet
    status = d["status"]
    retired_ev = ev["kind"] == "retired"
    transferred_ev = ev["kind"] == "transferred"
    held = np.isin(status, HELD)
    assert set(ev["device"][retired_ev].tolist()) == set(d["device"][~held].tolist())
    gone = status == "gone"
    assert set(ev["device"][transferred_ev].tolist()) == set(d["device"][gone].tolist())
    # The retired event is dated on the retirement date.
    by_device = dict(zip(ev["device"][retired_ev].tolist(), ev["date"][retired_ev], strict=True))
    for i in np.flatnonzero(~held)[:500]:
        assert by_device[int(d["device"][i])].astype("datetime64[D]") == d["retirement_date"][i]
    channels = {c.value for c in Channel}
    recipients = {r.value for r in RecipientKind}
    reuse_channel = dict(zip(d["device"].tolist(), d["reuse_channel"].tolist(), strict=True))
    for device, details in zip(
        ev["device"][transferred_ev], ev["details"][transferred_ev], strict=True
    ):
        payload = json.loads(details)
        assert list(payload) == ["channel", "lot", "recipient_kind"]
        assert payload["channel"] in channels and payload["lot"] is None
        assert payload["recipient_kind"] in recipients
        assert reuse_channel[int(device)] == payload["channel"]
    assert all(reuse_channel[int(i)] is None for i in d["device"][held])
    # Every device with data that left has an erasure record before it left.
    with_data = gone & (d["category"] != "monitor")
    assert set(d["device"][with_data].tolist()) <= set(er["device"].tolist())
    assert set(er["method"]) <= {
        "cryptographic_erase", "overwrite", "secure_erase", "destruction", "factory_reset",
    }  # fmt: skip
    assert set(er["level"]) <= {"clear", "purge", "destroy"}
    assert all(c is None or c.startswith("DEMO-ER-") for c in er["certificate_id"])
    assert (er["certificate_id"][er["verified"]] != None).all()  # noqa: E711


def test_yearly_reuse_share_grows_between_20_and_45_percent(fleet) -> None:
    _, _, ev, _ = fleet
    transferred = ev["kind"] == "transferred"
    years = _year(ev["date"][transferred])
    channels = np.array([json.loads(x)["channel"] for x in ev["details"][transferred]])
    shares = []
    for year in range(2021, AS_OF.year + 1):
        in_year = years == year
        assert in_year.sum() > 500
        shares.append((channels[in_year] != "recycle").mean())
    assert all(0.18 <= s <= 0.47 for s in shares), shares
    assert shares[-1] > shares[0] + 0.1


def test_hardware_is_coherent_with_age(fleet) -> None:
    _, d, _, _ = fleet
    years = _year(d["acquisition_date"])
    pcs = np.isin(d["category"], ["laptop", "desktop"])
    assert (d["ram_gb"][pcs & (years <= 2015)] <= 8).all()
    old_ssd = (d["storage_type"][pcs & (years <= 2015)] == "ssd").mean()
    new_ssd = (d["storage_type"][pcs & (years >= 2021)] == "ssd").mean()
    assert old_ssd < 0.5 and new_ssd == 1.0
    os = d["os"]
    w11 = os == "Windows 11 Pro"
    assert (d["cpu_generation"][w11] >= 8).all() and (d["tpm_version"][w11] == "2.0").all()
    held_pcs = pcs & np.isin(d["status"], HELD)
    assert (os[held_pcs] == "Windows 10 Pro").any()  # a few laggards to migrate
    battery = d["battery_health_pct"]
    laptops = (d["category"] == "laptop") & np.isin(d["status"], HELD)
    age = (np.datetime64(AS_OF) - d["acquisition_date"][laptops]).astype(np.int64)
    assert np.corrcoef(age, battery[laptops])[0, 1] < -0.5
    assert np.isnan(battery[d["category"] == "monitor"]).all()
    assert ((battery[~np.isnan(battery)] >= 0) & (battery[~np.isnan(battery)] <= 100)).all()


def test_acquisition_types_prices_and_assignees(fleet) -> None:
    plan, d, _, _ = fleet
    kinds = d["acquisition_type"]
    refurbished = (kinds == "refurbished").mean()
    assert 0.01 <= refurbished <= 0.08
    assert (kinds == "leased").any() and (kinds == "donated").any()
    price = d["purchase_price_eur"]
    assert np.isnan(price[kinds == "leased"]).all() and (price[kinds == "donated"] == 0).all()
    laptops = (d["category"] == "laptop") & (kinds == "new")
    assert 600 <= np.median(price[laptops]) <= 1_200
    assignee = d["assignee"]
    assigned = assignee != None  # noqa: E711
    assert assigned.sum() > 0.5 * plan.agents
    assert all(re.fullmatch(r"AG-\d{5,}", a) for a in assignee[assigned])
    assert set(d["status"][assigned]) <= {"in_service", "in_repair"}
    laptop_users = assignee[assigned & (d["category"] == "laptop")]
    assert len(set(laptop_users)) == len(laptop_users)  # one laptop per agent
    tags = d["asset_tag"]
    assert len(set(tags)) == len(tags) and all(t.startswith("DEMO-") for t in tags[:1000])


def test_sensitive_data_is_mostly_in_social_services(fleet) -> None:
    plan, d, _, _ = fleet
    kind = np.array([s.kind.value for s in plan.sites])[d["site"]]
    pcs = np.isin(d["category"], PCS)
    assert d["sensitive_data"][pcs & (kind == "cdas")].mean() > 0.6
    assert d["sensitive_data"][pcs & (kind == "college")].mean() < 0.1
    assert not d["sensitive_data"][d["category"] == "monitor"].any()


def test_models_are_real_and_match_the_boavizta_dataset(fleet, boavizta_efd) -> None:
    import csv

    with open(boavizta_efd / "boavizta-data-us.csv", encoding="utf-8") as f:
        efd = {(r["manufacturer"], r["name"]) for r in csv.DictReader(f)}
    _, d, _, _ = fleet
    pairs = list(zip(d["manufacturer"].tolist(), d["model"].tolist(), strict=True))
    hits = np.array([p in efd for p in pairs])
    cat = d["category"]
    for category in ("laptop", "desktop", "monitor", "tablet", "smartphone"):
        assert hits[cat == category].mean() > 0.4, category
    assert hits.mean() > 0.5
