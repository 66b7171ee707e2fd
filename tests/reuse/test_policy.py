"""The policy file: the shipped one is complete and sourced; bad files give located errors."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from sobriety.domain.reuse.policy import (
    PolicyError,
    default_policy_path,
    load_policy,
    parse_policy,
    resolve_policy,
)
from sobriety.domain.vocab import Channel

SHIPPED = default_policy_path().read_text(encoding="utf-8")


def test_shipped_policy_lists_every_channel_with_its_source_and_date() -> None:
    policy = resolve_policy()
    assert list(policy.order) == list(Channel)
    for cp in policy.ordered():
        assert cp.source and cp.date, cp.channel
        for name in ("max_age_years", "max_value_eur", "repair_cost_ceiling_pct"):
            t = getattr(cp, name)
            if t is not None:
                assert (t.source or cp.source) and (t.date or cp.date)
    assert policy.channel("donate_association").max_value_eur.default == 300
    assert "2022-791" in policy.channel("donate_association").max_value_eur.source
    assert policy.channel("transfer").max_age_years.default == 10
    assert policy.reuse_rate.targets_pct == {2023: 25, 2024: 35, 2025: 50}
    assert policy.reuse_rate.target_for(2031) == 50
    assert policy.reuse_rate.target_for(2022) is None
    assert policy.battery_grade(90) == "A" and policy.battery_grade(64.9) == "D"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "my_policy.toml"
    path.write_text(text, encoding="utf-8")
    return path


def edited(tmp_path: Path, old: str, new: str) -> Path:
    assert old in SHIPPED, old
    return write(tmp_path, SHIPPED.replace(old, new, 1))


@pytest.mark.parametrize(
    ("old", "new", "key", "expected"),
    [
        (
            'max_value_eur = { value = 300, source = "CGPPP D3212-3',
            'max_value_eur = { value = -5, source = "CGPPP D3212-3',
            "channels.donate_association.max_value_eur.value",
            "a number >= 0",
        ),
        (
            'max_value_eur = { value = 300, source = "CGPPP D3212-3',
            'max_value_eur = { value = "300 EUR", source = "CGPPP D3212-3',
            "channels.donate_association.max_value_eur.value",
            "a number >= 0",
        ),
        (
            "requires_erasure = true\n\n[channels.donate_agent]",
            "requires_erasure = true\nmax_age_year = 4\n\n[channels.donate_agent]",
            "channels.donate_association.max_age_year",
            "one of the keys",
        ),
        (
            '    "recycle",\n]',
            '    "recycle",\n    "landfill",\n]',
            "policy.order[8]",
            "one of keep",
        ),
        (
            '    "take_back",\n    "recycle",\n]',
            '    "recycle",\n]',
            "channels.take_back",
            "a channel listed in policy.order",
        ),
        (
            '    "take_back",\n    "recycle",\n]',
            '    "take_back",\n    "recycle",\n    "sell",\n]',
            "policy.order",
            "each channel once",
        ),
        (
            'min_battery_grade = "C"\nbattery_action = "replace"\nrepair',
            'min_battery_grade = "E"\nbattery_action = "replace"\nrepair',
            "channels.keep.min_battery_grade",
            "a battery grade",
        ),
        (
            'specs = "light"',
            'specs = "windows12"',
            "channels.redeploy.specs",
            "the name of a [specs.*] table",
        ),
        (
            'recipient_kinds = ["agent"]',
            "recipient_kinds = []",
            "channels.donate_agent.recipient_kinds",
            "at least one recipient kind",
        ),
        (
            "{ A = 90, B = 75, C = 65 }",
            "{ A = 90, B = 60, C = 65 }",
            "battery.grades",
            "decreasing bounds",
        ),
        (
            "targets_pct = { 2023 = 25, 2024 = 35, 2025 = 50 }",
            "targets_pct = { 2023 = 25, 2024 = 135, 2025 = 50 }",
            "reuse_rate.targets_pct.2024",
            "between 0 and 100",
        ),
        (
            "smartphone = 3, rugged_smartphone = 3, tablet = 3, printer = 5",
            "smartphone = 3, rugged_smartphone = 3, tablet = 3, fax = 5",
            "value.accounting_life_years.value.fax",
            "a key among laptop",
        ),
        (
            'date = "2022-05-09" }',
            'date = "9 May 2022" }',
            "channels.donate_association.max_value_eur.date",
            "a date YYYY",
        ),
        (
            'switch = "clear", router',
            'switch = "wipe", router',
            "erasure.min_level.switch",
            "one of none, clear, purge, destroy",
        ),
        (
            "[erasure.methods.destruction]",
            '[erasure.methods.shredding]\nlevels = ["destroy"]\n[erasure.methods.destruction]',
            "erasure.methods.shredding",
            "an erasure method",
        ),
        (
            'counts_as_reuse = "with_proof"\nrecipient_kinds = ["eco_organisme"',
            'counts_as_reuse = "maybe"\nrecipient_kinds = ["eco_organisme"',
            "channels.take_back.counts_as_reuse",
            "one of yes, no, with_proof",
        ),
        (
            'levels = ["clear"]\nstorage_types = ["hdd"]',
            'levels = ["clear"]\nstorage_types = ["tape"]',
            "erasure.methods.overwrite.storage_types[0]",
            "one of hdd",
        ),
        (
            'approved = ["ecosystem", "Ecologic"]',
            "approved = []",
            "eco_organismes.approved",
            "a list of names",
        ),
    ],
)
def test_invalid_policy_names_file_key_value_and_expectation(
    tmp_path: Path, old: str, new: str, key: str, expected: str
) -> None:
    path = edited(tmp_path, old, new)
    with pytest.raises(PolicyError) as err:
        load_policy(path)
    assert err.value.key == key
    assert expected in err.value.expected
    message = str(err.value)
    assert message.startswith(str(path) + ": " + key + " = ")
    assert "expected" in message


def test_toml_syntax_error_gives_the_line(tmp_path: Path) -> None:
    path = edited(tmp_path, 'name = "sobriety default policy"', 'name = "unterminated')
    with pytest.raises(PolicyError) as err:
        load_policy(path)
    assert err.value.key == "(syntax)"
    assert re.search(r"line \d+", str(err.value))


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="a readable file"):
        load_policy(tmp_path / "nope.toml")


def test_a_user_can_change_thresholds_and_order_without_code(tmp_path: Path) -> None:
    path = edited(tmp_path, "value = 300, source", "value = 150, source")
    data = tomllib.loads(path.read_text("utf-8"))
    data["policy"]["order"].reverse()
    policy = parse_policy(data, str(path))
    assert policy.order[0] == Channel.RECYCLE
    assert policy.channel("donate_association").max_value_eur.default == 150
