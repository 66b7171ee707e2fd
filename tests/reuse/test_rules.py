"""Every channel's rules and their edge values (pure, vectorised engine)."""

from __future__ import annotations

import datetime as dt
import tomllib

import numpy as np
import pytest

from sobriety.domain.reuse.explain import explain
from sobriety.domain.reuse.policy import default_policy_path, parse_policy, resolve_policy
from sobriety.domain.reuse.rules import ReuseFleet, evaluate, residual_value

from .helpers import TODAY, codes, flag_of, fleet, state, years_ago


def policy_with(edit) -> object:
    data = tomllib.loads(default_policy_path().read_text(encoding="utf-8"))
    edit(data)
    return parse_policy(data, "edited.toml")


# -- keep / repair / upgrade -------------------------------------------------


def test_a_working_windows11_laptop_is_kept_first() -> None:
    f = flag_of({})
    assert f.recommended.channel == "keep"
    assert "specs_ok" in codes(f, "keep", "pass")
    assert f.recommended.counts_toward_target == "no"


@pytest.mark.parametrize(("gen", "expected"), [(7, "ruled_out"), (8, "recommended")])
def test_keep_needs_cpu_generation_8(gen: int, expected: str) -> None:
    f = flag_of({"cpu_generation": gen})
    assert state(f, "keep") == expected
    if expected == "ruled_out":
        assert codes(f, "keep", "out") == ["cpu_too_old"]
        assert f.recommended.channel == "redeploy"


def test_keep_needs_tpm_2() -> None:
    f = flag_of({"tpm_version": "1.2"})
    assert codes(f, "keep", "out") == ["tpm_too_old"]


@pytest.mark.parametrize(("ram", "blocked"), [(2, True), (4, False)])
def test_low_ram_is_an_upgrade_to_do_not_a_rule_out(ram: float, blocked: bool) -> None:
    f = flag_of({"ram_gb": ram})
    assert f.recommended.channel == "keep"
    assert ("upgrade_ram" in codes(f, "keep", "block")) is blocked


def test_small_storage_is_an_upgrade_to_do() -> None:
    f = flag_of({"storage_gb": 32})
    assert codes(f, "keep", "block") == ["upgrade_storage"]


def test_unknown_specs_block_keep_until_recorded() -> None:
    f = flag_of({"cpu_generation": None, "tpm_version": None})
    assert state(f, "keep") == "recommended"
    (reason,) = [r for r in f.outcome("keep").reasons if r.code == "specs_unknown"]
    assert reason.params["parts"] == ["cpu_generation", "tpm"]


@pytest.mark.parametrize(
    ("pct", "code"), [(64.9, "battery_replace"), (65.0, None), (None, "battery_unknown")]
)
def test_keep_battery_grade_c_edge(pct, code) -> None:
    f = flag_of({"battery_health_pct": pct})
    blocks = codes(f, "keep", "block")
    assert blocks == ([code] if code else [])
    assert state(f, "keep") == "recommended"


@pytest.mark.parametrize(
    ("estimate", "expected"),
    [
        (None, "repair_estimate_missing"),
        (450.0, "repair_within_ceiling"),
        (450.01, "repair_over_ceiling"),
    ],
)
def test_broken_device_repair_ceiling_is_half_the_price(estimate, expected) -> None:
    f = flag_of({"condition": "broken", "repair_estimate_eur": estimate, "purchase_price_eur": 900})
    assert expected in codes(f, "keep")
    if expected == "repair_over_ceiling":
        assert state(f, "keep") == "ruled_out"
    else:
        assert state(f, "keep") == "recommended"


def test_broken_device_goes_to_take_back_when_repair_is_too_dear() -> None:
    f = flag_of({"condition": "broken", "repair_estimate_eur": 800.0, "erasure": "purge"})
    assert f.recommended.channel == "take_back"
    for ch in ("redeploy", "transfer", "donate_association", "donate_agent", "sell"):
        assert "condition_excluded" in codes(f, ch, "out")


@pytest.mark.parametrize(
    ("acquired", "expected"),
    [(dt.date(2020, 11, 29), "recommended"), (dt.date(2020, 11, 28), "ruled_out")],
)
def test_smartphone_keep_age_limit(acquired: dt.date, expected: str) -> None:
    # Exactly 6 years is within the 6-year limit; a day more is over it.
    f = flag_of({"category": "smartphone", "acquisition_date": acquired, "cpu_generation": None})
    assert state(f, "keep") == expected


# -- redeploy ----------------------------------------------------------------


def test_redeploy_takes_older_cpus_but_not_below_generation_4() -> None:
    assert flag_of({"cpu_generation": 4}).recommended.channel == "redeploy"
    f = flag_of({"cpu_generation": 3})
    assert codes(f, "redeploy", "out") == ["cpu_too_old"]
    assert f.recommended.channel == "transfer"


def test_redeploy_refuses_broken_devices() -> None:
    f = flag_of({"condition": "broken"})
    assert "condition_excluded" in codes(f, "redeploy", "out")


# -- transfer to a public body (décret 2023-266) -------------------------------


@pytest.mark.parametrize(
    ("acquired", "expected"),
    [(dt.date(2016, 11, 29), "pass"), (dt.date(2016, 11, 28), "out")],
)
def test_transfer_age_limit_is_over_ten_years(acquired: dt.date, expected: str) -> None:
    # Décret 2023-266 art. 1: "plus de dix ans" is out; exactly 10 years is still in.
    f = flag_of({"acquisition_date": acquired, "cpu_generation": 3, "erasure": "purge"})
    reasons = {r.code: r for r in f.outcome("transfer").reasons}
    code = "age_under_limit" if expected == "pass" else "age_over_limit"
    assert code in reasons
    assert reasons[code].params["limit"] == 10
    assert "2023-266" in reasons[code].source


def test_transfer_excludes_sensitive_data() -> None:
    f = flag_of({"sensitive_data": True, "cpu_generation": 3, "erasure": "destroy"})
    assert codes(f, "transfer", "out") == ["sensitive_excluded"]
    assert "no_sensitive_data" in codes(flag_of({"cpu_generation": 3}), "transfer", "pass")


def test_unknown_age_blocks_the_age_limited_channels() -> None:
    f = flag_of({"acquisition_date": None, "cpu_generation": 3, "erasure": "purge"})
    assert "age_unknown" in codes(f, "transfer", "block")
    assert not f.in_scope


def test_transfer_is_recommended_once_erased_and_counts() -> None:
    f = flag_of({"cpu_generation": 3, "erasure": "purge", "verified": True})
    assert f.recommended.channel == "transfer"
    assert f.recommended.state == "recommended"
    assert not f.recommended.blockers
    assert f.recommended.counts_toward_target == "yes"


# -- donations (CGPPP L3212-2, 300 EUR cap) ----------------------------------


@pytest.mark.parametrize(("value", "allowed"), [(300.0, True), (300.01, False)])
def test_donation_cap_is_300_eur_inclusive(value: float, allowed: bool) -> None:
    order = ["donate_association", "donate_agent", "sell"]

    def first(data):
        data["policy"]["order"] = order + [c for c in data["policy"]["order"] if c not in order]

    policy = policy_with(first)
    f = flag_of({"declared_value_eur": value, "erasure": "purge"}, policy)
    for ch in ("donate_association", "donate_agent"):
        if allowed:
            assert "value_within_cap" in codes(f, ch, "pass")
        else:
            (r,) = [r for r in f.outcome(ch).reasons if r.effect == "out"]
            assert r.code == "value_over_cap" and r.params["sale_required"]
            assert r.params["cap"] == 300
    assert f.recommended.channel == ("donate_association" if allowed else "sell")


def test_unknown_value_blocks_donations_until_declared() -> None:
    f = flag_of({"purchase_price_eur": None, "cpu_generation": 3, "erasure": "purge"})
    assert "value_unknown" in codes(f, "donate_association", "block")


def test_donation_to_associations_needs_a_working_device_and_battery_grade_c() -> None:
    f = flag_of({"condition": "degraded", "cpu_generation": 3})
    assert "condition_excluded" in codes(f, "donate_association", "out")
    f = flag_of({"battery_health_pct": 64.9, "cpu_generation": 3})
    assert codes(f, "donate_association", "out") == ["battery_low"]
    assert state(f, "donate_agent") != "ruled_out"  # no battery rule for agents


# -- sale, take-back, recycling ---------------------------------------------------


def test_sale_accepts_degraded_devices_not_broken_ones() -> None:
    assert state(flag_of({"condition": "degraded"}), "sell") != "ruled_out"
    assert "condition_excluded" in codes(flag_of({"condition": "broken"}), "sell", "out")


def test_take_back_counts_only_with_proof() -> None:
    f = flag_of({"condition": "broken", "repair_estimate_eur": 900.0})
    assert "counts_with_proof" in codes(f, "take_back", "info")
    assert f.outcome("take_back").counts_toward_target == "with_proof"


def test_recycling_is_the_last_resort_and_never_counts() -> None:
    f = flag_of(
        {
            "category": "monitor",
            "acquisition_date": years_ago(12),
            "condition": "broken",
            "repair_estimate_eur": 800.0,
        }
    )
    assert codes(f, "recycle") == ["erasure_not_needed"]
    assert f.outcome("recycle").counts_toward_target == "no"
    assert state(f, "take_back") == "ruled_out"  # 10 years or older: out of the reuse scheme
    assert f.recommended.channel == "recycle"


@pytest.mark.parametrize(
    ("acquired", "expected"),
    [(dt.date(2016, 11, 29), "take_back"), (dt.date(2016, 11, 28), "recycle")],
)
def test_take_back_stops_over_the_ten_year_limit(acquired: dt.date, expected: str) -> None:
    f = flag_of(
        {
            "category": "monitor",
            "acquisition_date": acquired,
            "condition": "broken",
            "repair_estimate_eur": 800.0,  # over the repair ceiling: not kept
        }
    )
    assert f.recommended.channel == expected


# -- erasure checks ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("erasure", "sensitive", "code"),
    [
        ("none", False, "erasure_missing"),
        ("clear", False, "erasure_level_low"),
        ("purge", False, None),
        ("purge", True, "sensitive_destroy_storage"),
        ("destroy", True, None),
    ],
)
def test_erasure_blocks_every_channel_leaving_the_organisation(erasure, sensitive, code) -> None:
    f = flag_of(
        {"erasure": erasure, "sensitive_data": sensitive, "cpu_generation": 3, "verified": True}
    )
    for ch in ("donate_agent", "sell", "take_back", "recycle"):
        blocks = codes(f, ch, "block")
        assert blocks == ([code] if code else []), ch
    assert codes(f, "redeploy", "block") == []  # internal: no erasure needed


def test_network_gear_needs_a_factory_reset_monitors_nothing() -> None:
    sw = {"category": "switch", "cpu_generation": None, "tpm_version": None}
    assert "erasure_missing" in codes(flag_of(sw), "recycle", "block")
    assert codes(flag_of({**sw, "erasure": "clear", "verified": True}), "recycle", "block") == []
    assert codes(flag_of({"category": "monitor"}), "recycle") == ["erasure_not_needed"]


def test_policy_can_require_verified_erasures() -> None:
    def verified(data):
        data["erasure"]["require_verified"] = True

    policy = policy_with(verified)
    f = flag_of({"erasure": "purge"}, policy)
    assert "erasure_unverified" in codes(f, "sell", "block")
    f = flag_of({"erasure": "purge", "verified": True}, policy)
    assert codes(f, "sell", "block") == []


# -- generic channel keys ------------------------------------------------------------


def test_disabled_channel_is_ruled_out_for_everyone() -> None:
    def disable(data):
        data["channels"]["keep"]["enabled"] = False

    f = flag_of({}, policy_with(disable))
    assert codes(f, "keep", "out") == ["channel_disabled"]
    assert f.recommended.channel == "redeploy"


def test_channel_category_and_status_lists() -> None:
    def restrict(data):
        data["channels"]["keep"]["categories"] = ["smartphone"]
        data["channels"]["redeploy"]["statuses"] = ["in_service"]

    f = flag_of({}, policy_with(restrict))
    assert codes(f, "keep", "out") == ["category_excluded"]
    assert codes(f, "redeploy", "out") == ["status_excluded"]


def test_reordering_the_policy_changes_the_recommendation() -> None:
    def transfer_first(data):
        data["policy"]["order"] = ["transfer"] + [
            c for c in data["policy"]["order"] if c != "transfer"
        ]

    f = flag_of({"erasure": "purge"}, policy_with(transfer_first))
    assert f.recommended.channel == "transfer"
    assert [o.channel for o in f.alternatives][:2] == ["keep", "redeploy"]


def test_gone_devices_have_no_channel() -> None:
    f = flag_of({"status": "gone"})
    assert f.recommended is None
    assert all(o.state == "ruled_out" for o in f.outcomes)


# -- residual value, flagged population, scope -------------------------------------------


def test_residual_value_is_straight_line_over_the_accounting_life() -> None:
    policy = parse_policy(tomllib.loads(default_policy_path().read_text("utf-8")))
    f = fleet(
        {"acquisition_date": dt.date(2024, 5, 29), "purchase_price_eur": 1000.0},  # 2.5 years
        {"acquisition_date": dt.date(2021, 11, 29), "purchase_price_eur": 1000.0},  # 5 years
        {"acquisition_date": dt.date(2019, 1, 1), "purchase_price_eur": None},  # old, no price
        {"acquisition_date": dt.date(2025, 1, 1), "purchase_price_eur": None},  # young, no price
        {"acquisition_date": dt.date(2025, 1, 1), "declared_value_eur": 42.0},
        {
            "category": "smartphone",
            "acquisition_date": dt.date(2025, 5, 29),
            "purchase_price_eur": 600,
        },
    )
    from sobriety.domain.reuse.rules import age_years

    value = residual_value(f, policy, age_years(f, TODAY))
    assert value[0] == pytest.approx(500.0)
    assert value[1] == 0.0
    assert value[2] == 0.0
    assert np.isnan(value[3])
    assert value[4] == 42.0
    assert value[5] == pytest.approx(600 * (1 - 1.5 / 3))


def test_flagged_devices_are_retired_ageing_or_broken() -> None:
    policy = parse_policy(tomllib.loads(default_policy_path().read_text("utf-8")))
    f = fleet(
        {"status": "retired"},
        {"status": "in_service", "acquisition_date": dt.date(2021, 11, 30)},  # 4.99 years
        {"status": "in_service", "acquisition_date": dt.date(2021, 11, 29)},  # 5 years
        {"status": "in_service", "condition": "broken"},
        {"status": "in_reuse_channel"},
        {"status": "gone"},
        {"status": "in_stock", "category": "smartphone", "acquisition_date": dt.date(2024, 5, 29)},
    )
    ev = evaluate(f, policy, TODAY)
    assert ev.flagged.tolist() == [True, False, True, True, False, False, True]


def test_reuse_scope_category_age_at_retirement_and_sensitive_data() -> None:
    policy = parse_policy(tomllib.loads(default_policy_path().read_text("utf-8")))
    f = fleet(
        {},
        {"category": "printer"},
        {"sensitive_data": True},
        {"acquisition_date": dt.date(2014, 1, 1), "retirement_date": dt.date(2023, 12, 31)},
        # exactly 10 years at retirement: still in ("plus de dix ans" is out)
        {"acquisition_date": dt.date(2014, 1, 1), "retirement_date": dt.date(2024, 1, 1)},
        {"acquisition_date": dt.date(2014, 1, 1), "retirement_date": dt.date(2024, 1, 2)},
        {"acquisition_date": None},
    )
    ev = evaluate(f, policy, TODAY)
    assert ev.in_scope.tolist() == [True, False, False, True, True, False, False]


def test_reuse_scope_decides_by_size_where_known_and_states_the_default() -> None:
    # R543-172 II 6°: small IT equipment has no outer dimension over 50 cm.
    policy = resolve_policy()
    f = fleet(
        {"category": "printer", "max_dimension_cm": 45.0},
        {"category": "printer", "max_dimension_cm": 50.0},
        {"category": "printer", "max_dimension_cm": 50.1},
        {"category": "printer"},  # size unknown: the policy's default (out)
        {"category": "desktop", "max_dimension_cm": 62.0},  # a large tower: category 4
        {"category": "monitor", "max_dimension_cm": 70.0},  # screens: category 2
    )
    ev = evaluate(f, policy, TODAY)
    assert ev.in_scope.tolist() == [True, True, False, False, False, True]
    assert policy.reuse_rate.unknown_size_in_scope.for_category("printer") is False
    assert "R543-172" in policy.reuse_rate.size_source


def test_whole_fleet_evaluation_equals_device_by_device() -> None:
    rng = np.random.default_rng(7)
    n = 400
    cats = ["laptop", "desktop", "smartphone", "tablet", "monitor", "switch", "printer"]
    rows = []
    for _ in range(n):
        rows.append(
            {
                "category": str(rng.choice(cats)),
                "status": str(rng.choice(["retired", "in_service", "in_stock", "gone"])),
                "condition": str(rng.choice(["working", "degraded", "broken"])),
                "acquisition_date": TODAY - dt.timedelta(days=int(rng.integers(0, 5000))),
                "purchase_price_eur": float(rng.choice([np.nan, 150.0, 600.0, 1500.0])),
                "battery_health_pct": float(rng.choice([np.nan, 50.0, 70.0, 95.0])),
                "ram_gb": float(rng.choice([2.0, 4.0, 16.0])),
                "cpu_generation": int(rng.integers(2, 14)),
                "tpm_version": str(rng.choice(["1.2", "2.0"])),
                "sensitive_data": bool(rng.random() < 0.1),
                "repair_estimate_eur": float(rng.choice([np.nan, 100.0, 900.0])),
                "erasure": str(rng.choice(["none", "clear", "purge", "destroy"])),
            }
        )
    policy = parse_policy(tomllib.loads(default_policy_path().read_text("utf-8")))
    whole = fleet(*rows)
    ev = evaluate(whole, policy, TODAY)
    assert len(set(ev.recommended.tolist())) >= 5, "the sample exercises several channels"
    for i in range(0, n, 7):
        one: ReuseFleet = whole.take([i])
        single = evaluate(one, policy, TODAY, stock=ev.stock)
        assert (single.out[:, 0] == ev.out[:, i]).all()
        assert (single.blocked[:, 0] == ev.blocked[:, i]).all()
        assert single.recommended[0] == ev.recommended[i]
        flag = explain(ev, whole, i)
        states = [o.state for o in flag.outcomes]
        first_open = next((k for k, s in enumerate(states) if s != "ruled_out"), None)
        assert (flag.recommended is None) == (first_open is None)
        if first_open is not None:
            assert states[first_open] == "recommended"
            # Every rule-out and block bit has its sentence, and none without one.
            for o in flag.outcomes:
                assert bool(o.rule_outs) == (o.state == "ruled_out")
                if o.state in ("open", "blocked"):
                    assert bool(o.blockers) == (o.state == "blocked")


def test_calendar_age_matches_a_plain_python_reference() -> None:
    import calendar

    from sobriety.domain.reuse.rules import DAYS_PER_YEAR, calendar_years

    def reference(a: dt.date, b: dt.date) -> float:
        months = (b.year - a.year) * 12 + (b.month - a.month) - (b.day < a.day)
        y, m = divmod(a.year * 12 + a.month - 1 + months, 12)
        anniversary = dt.date(y, m + 1, min(a.day, calendar.monthrange(y, m + 1)[1]))
        return months / 12 + (b - anniversary).days / DAYS_PER_YEAR

    rng = np.random.default_rng(3)
    starts = [dt.date(1960, 1, 1) + dt.timedelta(days=int(x)) for x in rng.integers(0, 30000, 500)]
    ends = [
        s + dt.timedelta(days=int(x))
        for s, x in zip(starts, rng.integers(0, 9000, 500), strict=True)
    ]
    got = calendar_years(
        np.array(starts, dtype="datetime64[D]"), np.array(ends, dtype="datetime64[D]")
    )
    want = [reference(a, b) for a, b in zip(starts, ends, strict=True)]
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)


def test_avoided_total_equals_the_sum_over_devices() -> None:
    from sobriety.domain.carbon.avoided import avoided_emissions
    from sobriety.domain.carbon.factors import load_factor_set
    from sobriety.domain.reuse.explain import avoided_if_followed, avoided_table
    from sobriety.domain.reuse.policy import CATEGORIES
    from sobriety.settings import packaged_factors_dir

    factors = load_factor_set(packaged_factors_dir())
    policy = parse_policy(tomllib.loads(default_policy_path().read_text("utf-8")))
    f = fleet(
        {},
        {"cpu_generation": 3, "erasure": "purge"},
        {"category": "smartphone", "cpu_generation": None},
        {"category": "monitor", "acquisition_date": years_ago(12)},
        {"category": "monitor", "acquisition_date": years_ago(12)},
    )
    ev = evaluate(f, policy, TODAY)
    rows = np.arange(len(f))
    cats = [CATEGORIES[c] for c in f.category]
    chans = [str(ev.channels[r]) for r in ev.recommended]
    expected = avoided_emissions(cats, chans, factors).sum()
    assert avoided_if_followed(ev, f, rows, factors) == pytest.approx(expected)
    table = avoided_table(cats, ev.channels, factors)
    assert table[0]["keep"] > 100 and table[0]["recycle"] == 0
    assert table[3]["take_back"] == 0  # nothing claimed without proof of reuse
