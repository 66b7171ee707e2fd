"""Pages and counts of the device list in SQL, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text

from sobriety.domain.labels import label
from sobriety.i18n import set_language, sort_key
from sobriety.storage.device_order import VOCAB_SORTS
from sobriety.storage.device_pages import (
    DeviceFilter,
    DeviceQuery,
    count_devices,
    fetch_page,
    position_of,
)


def _all_rows(engine: Engine) -> list[dict]:
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT d.id, d.asset_tag, d.model, d.manufacturer, d.assignee, d.serial,"
                " d.category, d.status, d.condition, d.reuse_channel, d.acquisition_date,"
                " s.code AS site FROM device d LEFT JOIN site s ON s.id = d.site_id"
            )
        ).mappings()
        return [dict(r) for r in rows]


def _expected_order(rows: list[dict], key: str, descending: bool) -> list[int]:
    """Filled values by the label shown (a site's code), ties by id; descending reverses
    them; blanks (empty, then NULL) after every value in both directions."""

    def shown(value):
        if key in VOCAB_SORTS:
            return (sort_key(label(VOCAB_SORTS[key], value)), value)
        if key == "site":
            return (sort_key(value), value)
        return (value,)

    filled = sorted(
        (r for r in rows if r[key] not in (None, "")), key=lambda r: (*shown(r[key]), r["id"])
    )
    blanks = [sorted(r["id"] for r in rows if r[key] == b) for b in ("", None)]
    ids = [r["id"] for r in filled]
    if descending:
        ids.reverse()
        blanks = [group[::-1] for group in blanks]
    return ids + blanks[0] + blanks[1]


KEYS = [
    "asset_tag",
    "model",
    "manufacturer",
    "assignee",
    "serial",
    "site",
    "acquisition_date",
    "category",
    "status",
    "condition",
    "reuse_channel",
]


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("descending", [False, True])
def test_keyset_and_offset_pages_follow_one_total_order(
    fleet_engine: Engine, key: str, descending: bool, lang: str
) -> None:
    set_language(lang)
    if key == "model":  # an empty text and a NULL sort with the blanks
        with fleet_engine.begin() as conn:
            conn.execute(text("UPDATE device SET model = '' WHERE id IN (3, 40)"))
            conn.execute(text("UPDATE device SET model = NULL WHERE id IN (7, 41)"))
    query = DeviceQuery(sort=key, descending=descending)
    rows = _all_rows(fleet_engine)
    expected = _expected_order(rows, key, descending)
    if key in ("model", "serial", "assignee", "site"):  # blanks there
        last = next(r for r in rows if r["id"] == expected[-1])
        assert last[key] in (None, "")
    total = count_devices(fleet_engine, query.filter)
    assert total == len(expected) == 300
    by_keyset, by_offset, from_end = [], [], []
    after = None
    for page in range(0, total, 70):
        rows = fetch_page(fleet_engine, query, limit=70, after=after)
        by_keyset += rows
        after = rows[-1]
        by_offset += fetch_page(fleet_engine, query, offset=page, limit=70)
        from_end += fetch_page(fleet_engine, query, offset=page, limit=70, total=total)
    assert [r.id for r in by_keyset] == expected
    assert [r.id for r in by_offset] == expected
    assert [r.id for r in from_end] == expected


def test_free_text_search_matches_every_word_in_any_column_ignoring_case(
    fleet_engine: Engine,
) -> None:
    rows = _all_rows(fleet_engine)
    got = fetch_page(fleet_engine, DeviceQuery(DeviceFilter(text="IPAD ag-00")), limit=500)
    want = {
        r["id"]
        for r in rows
        if r["model"] == "iPad 9" and r["assignee"] and r["assignee"].startswith("AG-00")
    }
    assert want and {r.id for r in got} == want
    assert count_devices(fleet_engine, DeviceFilter(text="IPAD ag-00")) == len(want)
    # serial numbers are searched too; LIKE wildcards typed by the user are literal
    assert [
        r.asset_tag for r in fetch_page(fleet_engine, DeviceQuery(DeviceFilter(text="SN0007919")))
    ] == ["D000001"]
    assert count_devices(fleet_engine, DeviceFilter(text="%")) == 0
    assert count_devices(fleet_engine, DeviceFilter(text="_")) == 0


def test_facet_filters_combine(fleet_engine: Engine) -> None:
    flt = DeviceFilter(category="laptop", status="in_service", condition="working")
    with fleet_engine.connect() as conn:
        want = conn.execute(
            text(
                "SELECT count(*) FROM device WHERE category='laptop' AND status='in_service'"
                " AND condition='working'"
            )
        ).scalar_one()
    assert want > 0
    assert count_devices(fleet_engine, flt) == want
    rows = fetch_page(fleet_engine, DeviceQuery(flt), limit=1000)
    assert len(rows) == want
    assert {(r.category, r.status, r.condition) for r in rows} == {
        ("laptop", "in_service", "working")
    }
    recycle = fetch_page(fleet_engine, DeviceQuery(DeviceFilter(reuse_channel="recycle")))
    assert recycle and {r.reuse_channel for r in recycle} == {"recycle"}


def test_position_of_a_device_in_the_current_order(fleet_engine: Engine) -> None:
    query = DeviceQuery(sort="assignee", descending=True)
    rows = fetch_page(fleet_engine, query, limit=300)
    for index in (0, 1, 150, 299):
        assert position_of(fleet_engine, query, rows[index].id) == index
    laptops = DeviceQuery(DeviceFilter(category="laptop"))
    tablet = next(r for r in rows if r.category == "tablet")
    assert position_of(fleet_engine, laptops, tablet.id) is None


def test_an_unknown_sort_key_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot sort devices by 'colour'"):
        DeviceQuery(sort="colour")
