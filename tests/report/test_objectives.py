"""The objectives file and the on-track rule (a straight line from the baseline to the target)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sobriety.app import objectives as use_case
from sobriety.app.context import SettingError
from sobriety.domain.report.objectives import (
    ObjectivesError,
    assess,
    load_objectives,
)

RULE = '[rule]\non_track = "linear"\ntext = "straight line"\n'


def _file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "objectives.toml"
    path.write_text(RULE + body, encoding="utf-8")
    return path


def test_the_shipped_objectives_are_sourced_and_cover_the_plan() -> None:
    obj = load_objectives()
    indicators = {o.key for o in obj.items}
    assert {
        "reuse_rate_pct", "refurbished_purchase_share_pct", "retirement_age_years:laptop",
        "tco2e_per_agent", "stock_rate_pct", "weee_tonnes",
    } <= indicators  # fmt: skip
    assert all(o.source for o in obj.items)
    reuse = next(o for o in obj.items if o.id == "reuse_rate")
    assert "2023-266" in reuse.source and reuse.target == 50.0
    assert "straight line" in obj.rule_text


def test_on_track_is_the_straight_line_from_the_baseline_to_the_target(tmp_path) -> None:
    obj = load_objectives(
        _file(
            tmp_path,
            '[[objective]]\nid = "up"\nindicator = "reuse_rate_pct"\ndirection = "increase"\n'
            'baseline_year = 2023\ntarget_year = 2027\ntarget = 50\nsource = "s"\n'
            '[[objective]]\nid = "down"\nindicator = "tco2e_per_agent"\ndirection = "decrease"\n'
            'baseline_year = 2023\ntarget_year = 2025\ntarget_change_pct = -20\nsource = "s"\n',
        )
    )
    values = {2023: {"reuse_rate_pct": 30.0, "tco2e_per_agent": 1.0}}
    # 2025: half-way from 30 to 50 is 40; the tCO2e target is 0.8 (-20 %), due in 2025.
    values[2025] = {"reuse_rate_pct": 40.0, "tco2e_per_agent": 0.81}
    up, down = assess(obj, 2025, values)
    assert up.expected == pytest.approx(40.0) and up.on_track is True
    assert down.target == pytest.approx(0.8) and down.expected == pytest.approx(0.8)
    assert down.on_track is False  # 0.81 > 0.8
    values[2025] = {"reuse_rate_pct": 39.9, "tco2e_per_agent": 0.8}
    up, down = assess(obj, 2025, values)
    assert up.on_track is False and down.on_track is True
    # 2024 for the decrease: 1.0 -> 0.8 over two years: 0.9 expected.
    values[2024] = {"tco2e_per_agent": 0.9}
    _up, down = assess(obj, 2024, values)
    assert down.expected == pytest.approx(0.9) and down.on_track is True
    assert [p.year for p in down.trajectory] == [2023, 2024]
    # Past the target year, the target itself; no value, no verdict.
    up, _down = assess(obj, 2030, {2023: {"reuse_rate_pct": 30.0}})
    assert up.expected == 50.0 and up.on_track is None


@pytest.mark.parametrize(
    ("body", "where", "expected"),
    [
        (
            '[[objective]]\nid = "x"\nindicator = "happiness"\n',
            "objective[0].indicator", "reuse_rate_pct",
        ),
        (
            '[[objective]]\nid = "x"\nindicator = "stock_rate_pct"\ndirection = "up"\n',
            "objective[0].direction", "increase",
        ),
        (
            '[[objective]]\nid = "x"\nindicator = "stock_rate_pct"\ndirection = "decrease"\n'
            'baseline_year = 2025\ntarget_year = 2024\ntarget = 5\nsource = "s"\n',
            "objective[0].target_year", "after the baseline",
        ),
        (
            '[[objective]]\nid = "x"\nindicator = "stock_rate_pct"\ndirection = "decrease"\n'
            'baseline_year = 2024\ntarget_year = 2026\nsource = "s"\n',
            "objective[0].target", "target_change_pct",
        ),
        (
            '[[objective]]\nid = "x"\nindicator = "stock_rate_pct"\ndirection = "decrease"\n'
            'baseline_year = 2024\ntarget_year = 2026\ntarget = 5\n',
            "objective[0].source", "source",
        ),
        ("[[objective]\n", "(syntax)", "valid TOML"),
    ],
)  # fmt: skip
def test_a_bad_objectives_file_is_a_located_error(tmp_path, body, where, expected) -> None:
    path = _file(tmp_path, body)
    with pytest.raises(ObjectivesError) as err:
        load_objectives(path)
    assert str(path) in str(err.value) and where in str(err.value)
    assert expected in str(err.value)


def test_sobriety_objectives_points_at_the_users_file(report_db, tmp_path, monkeypatch) -> None:
    from .conftest import make_app

    url, eng = report_db
    path = _file(
        tmp_path,
        '[[objective]]\nid = "mine"\nindicator = "stock_rate_pct"\ndirection = "decrease"\n'
        'baseline_year = 2025\ntarget_year = 2027\ntarget = 10\nsource = "our plan"\n',
    )
    monkeypatch.setenv("SOBRIETY_OBJECTIVES", str(path))
    app = make_app(url, eng)
    items = use_case.objectives_status(app, 2026)
    assert [a.objective.id for a in items] == ["mine"]
    # Stock rate today: 1 of 4 = 25 %; the line from 2025 (no state recorded then) is unknown.
    assert items[0].value == 25.0
    path.write_text(RULE + "[[objective]]\nid = 3\n", encoding="utf-8")
    with pytest.raises(SettingError, match=r"objective\[0\]\.id"):
        use_case.objectives_status(app, 2026)


def test_objectives_status_of_the_fixture_fleet(report_app) -> None:
    items = {a.objective.id: a for a in use_case.objectives_status(report_app, 2025)}
    reuse = items["reuse_rate"]
    # 2023 (baseline): no retired device held on 1 Jan 2023 -> no rate; 2025: 50 %.
    assert reuse.value == 50.0 and reuse.baseline is None and reuse.on_track is None
    share = items["refurbished_purchases"]
    # Baseline 2024: nothing bought -> no share; 2025: 400 / 1,900.
    assert share.value == pytest.approx(400 / 1900 * 100) and share.on_track is None
    laptop = items["laptop_lifespan"]
    # 2024: L1 retired at 5.96 years (baseline); 2025: L2 at 5.50; line to 6 by 2027.
    assert laptop.baseline == pytest.approx(2175 / 365.25)
    assert laptop.expected == pytest.approx(laptop.baseline + (6 - laptop.baseline) / 3)
    assert laptop.value == pytest.approx(2009 / 365.25) and laptop.on_track is False
