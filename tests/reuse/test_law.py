"""The legal rules of issue 13: erasure methods per storage, what counts toward the
décret 2023-266 rate, the slip's legal wording, eco-organismes, age and size limits."""

from __future__ import annotations

import datetime as dt

import pytest

from sobriety.domain.reuse.lots import ErasureInput, erasure_problems, recipient_problems
from sobriety.domain.reuse.policy import default_policy_path, resolve_policy
from sobriety.domain.reuse.wording import shipped_wording, wording_for
from sobriety.domain.vocab import Channel

from .helpers import TODAY, codes, flag_of, state, years_ago

POLICY = resolve_policy()


def problems(method: str, level: str, *, storage: str | None, category: str = "laptop", **kw):
    record = ErasureInput(method, level, "tool", "tech", TODAY, True, None, **kw)
    return erasure_problems(POLICY, record, today=TODAY, category=category, storage_type=storage)


# -- erasure methods (NIST SP 800-88 Rev. 2, IEEE 2883, ANSSI 2023) --------------------


def test_software_overwrite_is_a_clear_on_hdd_only() -> None:
    assert problems("overwrite", "clear", storage="hdd") == []
    (why,) = problems("overwrite", "clear", storage="ssd")
    assert "not valid on SSD storage" in why and "sanitize command" in why
    assert "wear levelling" in why
    (why,) = problems("overwrite", "purge", storage="hdd")
    assert "cannot reach the purge level" in why
    (why,) = problems("overwrite", "clear", storage=None)
    assert "storage type is not recorded" in why


def test_purge_on_flash_takes_the_sanitize_command_or_a_cryptographic_erase() -> None:
    for storage in ("ssd", "emmc", "flash", "hdd"):
        assert problems("sanitize", "purge", storage=storage) == [], storage
    (why,) = problems("cryptographic_erase", "purge", storage="ssd")
    assert "encrypted from installation" in why and "ANSSI 2023" in why
    encrypted = problems("cryptographic_erase", "purge", storage="ssd", encrypted_from_install=True)
    assert encrypted == []
    # ATA Security Erase: vendor-dependent on flash, recorded as a clear only
    assert "cannot reach the purge level" in problems("secure_erase", "purge", storage="ssd")[0]


def test_a_factory_reset_of_an_encrypted_phone_is_a_cryptographic_erase() -> None:
    phone = {"storage": "flash", "category": "smartphone"}
    assert problems("factory_reset", "purge", **phone, encrypted_from_install=True) == []
    (why,) = problems("factory_reset", "purge", **phone)
    assert "record that it was encrypted" in why
    # a laptop's factory reset stays a clear, encrypted or not
    assert problems("factory_reset", "purge", storage="ssd", encrypted_from_install=True)


def test_recycling_a_device_with_no_storage_needs_no_erasure() -> None:
    f = flag_of({"category": "desktop", "storage_type": "none", "condition": "broken",
                 "repair_estimate_eur": 900.0})  # fmt: skip
    assert codes(f, "recycle") == ["no_storage"]
    assert state(f, "recycle") != "ruled_out" and not codes(f, "recycle", "block")
    f = flag_of({"category": "desktop", "storage_type": "ssd", "condition": "broken",
                 "repair_estimate_eur": 900.0})  # fmt: skip
    assert "erasure_missing" in codes(f, "recycle", "block")


def test_an_unverified_erasure_opens_no_outgoing_channel() -> None:
    f = flag_of({"cpu_generation": 3, "erasure": "purge", "verified": False})
    for ch in ("transfer", "donate_association", "sell", "take_back", "recycle"):
        assert "erasure_unverified" in codes(f, ch, "block"), ch
    assert POLICY.erasure.require_verified


# -- what counts toward décret 2023-266 --------------------------------------------------


def test_sales_and_take_backs_count_only_with_commitment_and_proof() -> None:
    assert POLICY.channel("sell").counts_as_reuse == "with_proof"
    assert POLICY.channel("take_back").counts_as_reuse == "with_proof"
    assert "2023-266 art. 2" in POLICY.channel("sell").source


@pytest.mark.parametrize(
    ("acquired", "in_scope"),
    [(dt.date(2016, 11, 29), True), (dt.date(2016, 11, 28), False)],
)
def test_exactly_ten_years_is_still_in_scope(acquired: dt.date, in_scope: bool) -> None:
    assert flag_of({"acquisition_date": acquired}).in_scope is in_scope


def test_the_ten_year_rule_of_donations_and_sales_is_reen_article_16_law() -> None:
    for ch in ("donate_association", "donate_agent", "sell"):
        source = POLICY.channel(ch).max_age_years.source
        assert "art. 16" in source and "orienté vers le recyclage" in source, ch
        assert "Practice" not in source


# -- sources fixed ---------------------------------------------------------------------


def test_policy_sources_name_the_right_texts() -> None:
    text = default_policy_path().read_text(encoding="utf-8")
    assert "Srelec" not in text.replace('"Srelec" is not', "")
    assert "Soren, Srelec" not in text
    assert POLICY.eco_organismes.names == ("ecosystem", "Ecologic")
    assert POLICY.eco_organismes.valid_until == "2027-12-31"
    battery = POLICY.channel("donate_association").min_battery_grade.source
    assert battery.startswith("Policy choice") and "not battery grades" in battery
    staff = POLICY.channel("donate_agent").max_value_eur
    assert "D3212-4" in staff.source and "5°" in staff.source
    assert "to be confirmed by your legal service" in POLICY.channel("transfer").source
    assert "L3211-18" not in POLICY.channel("transfer").source


def test_only_approved_eco_organismes_and_contracted_suppliers_take_back() -> None:
    def check(kind: str, name: str, **kw) -> list[str]:
        return recipient_problems(POLICY, "take_back", kind, name, on=TODAY, **kw)

    assert check("eco_organisme", "ecosystem") == []
    assert check("eco_organisme", "Ecologic SAS") == []
    for name in ("Soren", "Srelec"):
        (why,) = check("eco_organisme", name)
        assert "not an eco-organisme approved for professional IT" in why
    (why,) = check("supplier", "Dell")
    assert "approved individual system" in why
    assert check("supplier", "Dell", supplier_contract_ref="DELL-ECO-2026") == []
    # after the approvals end, the policy must be updated
    late = recipient_problems(POLICY, "take_back", "eco_organisme", "ecosystem",
                              on=dt.date(2028, 1, 1))  # fmt: skip
    assert late and "2027-12-31" in late[0]


# -- the slip's legal wording: one sourced table ----------------------------------------


def test_every_channel_and_recipient_kind_has_a_sourced_wording() -> None:
    for cp in POLICY.ordered():
        for kind in cp.recipient_kinds:
            w = wording_for(cp.channel, kind)
            assert w.source and w.reviewed, (cp.channel, kind)
            assert w.text("basis", "fr") and w.text("basis", "en")
    assert all(w.source for w in shipped_wording())


def test_only_rup_and_general_interest_associations_may_resell() -> None:
    rup = wording_for(Channel.DONATE_ASSOCIATION, "solidarity_association")
    assert "2022-1413" in rup.text("clause", "en") and "precarity" in rup.text("clause", "en")
    for kind in ("esus", "association"):
        clause = wording_for(Channel.DONATE_ASSOCIATION, kind).text("clause", "en")
        assert "not to sell them" in clause, kind
        assert "2022-1413" not in clause or kind == "esus"
    assert "ESUS" in wording_for(Channel.DONATE_ASSOCIATION, "esus").text("clause", "en")
    assert "à confirmer par votre service juridique" in wording_for("transfer", "public_body").text(
        "basis", "fr"
    )


# -- policy defaults that serve sobriety --------------------------------------------------


@pytest.mark.parametrize(("in_stock", "kept"), [(9, True), (10, False)])
def test_a_retired_device_is_kept_only_when_a_need_exists(in_stock: int, kept: bool) -> None:
    from sobriety.domain.reuse.explain import explain
    from sobriety.domain.reuse.rules import evaluate

    from .helpers import fleet

    f = fleet({}, *[{"status": "in_stock"} for _ in range(in_stock)])
    flag = explain(evaluate(f, POLICY, TODAY), f, 0)
    assert (flag.recommended.channel == "keep") is kept
    if not kept:
        assert codes(flag, "keep", "out") == ["no_need"]
        assert codes(flag, "redeploy", "out") == ["no_need"]
        assert flag.recommended.channel == "transfer"  # leaves, and counts toward the rate
    # the reason, and its source, are in the policy file
    assert "Policy choice" in POLICY.channel("keep").need_stock_below.source


def test_a_working_monitor_in_service_is_not_recycled_for_its_age() -> None:
    f = flag_of({"category": "monitor", "status": "in_service", "acquisition_date": years_ago(11),
                 "cpu_generation": None, "tpm_version": None})  # fmt: skip
    assert f.flagged  # over its review age: shown for review...
    assert f.recommended.channel == "keep"  # ...but kept while it works
    assert "age_over_limit" not in codes(f, "keep")
