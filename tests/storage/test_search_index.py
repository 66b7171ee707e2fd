"""The in-memory search index gives the SQL search's answers, stays fresh, and the
sortable columns are read through an index (migration 0004), on both back-ends."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text

from sobriety.storage import db
from sobriety.storage import devices as repository
from sobriety.storage.device_pages import (
    SORT_COLUMNS,
    DeviceFilter,
    DeviceQuery,
    count_devices,
    fetch_page,
    position_of,
    segment_statements,
)
from sobriety.storage.models import Device
from sobriety.storage.search_index import DeviceSearchIndex

TEXTS = [
    "lat",  # a model word, about a third of the fleet
    "IPAD ag-00",  # two words in two columns, any case
    "SN0007919",  # one serial
    "d0",  # every asset tag: the index binds the (empty) list of the others
    "e",  # more than half: the index binds the devices that do not match
    "zzz",  # nothing
    "%",  # LIKE wildcards typed by the user are literal
    "_",
]


@pytest.mark.parametrize("sort", ["asset_tag", "model", "site"])
def test_the_index_answers_like_the_sql_search(fleet_engine: Engine, sort: str) -> None:
    index = DeviceSearchIndex(fleet_engine)
    assert index.match("lat") is None  # not built yet: callers fall back to SQL
    index.build()
    assert len(index) == 300
    for words in TEXTS:
        for facets in ({}, {"category": "laptop"}, {"status": "in_service"}):
            flt = DeviceFilter(text=words, **facets)
            query = DeviceQuery(flt, sort=sort, descending=words == "e")
            want_rows = fetch_page(fleet_engine, query, limit=400)
            want = count_devices(fleet_engine, flt)
            assert count_devices(fleet_engine, flt, search=index) == want == len(want_rows)
            assert fetch_page(fleet_engine, query, limit=400, search=index) == want_rows
            if want > 10:  # the last page read from the end, and a keyset page
                tail = fetch_page(fleet_engine, query, offset=want - 5, total=want, search=index)
                assert tail == want_rows[-5:]
                after = fetch_page(fleet_engine, query, after=want_rows[4], limit=3, search=index)
                assert after == want_rows[5:8]
                target = want_rows[7]
                assert position_of(fleet_engine, query, target.id, search=index) == 7
    assert index.match("zzz").count == 0
    assert index.match("d0").count == 300


def test_the_index_follows_edits_new_and_deleted_devices(fleet_engine: Engine) -> None:
    index = DeviceSearchIndex(fleet_engine)
    index.build()
    assert index.match("Frédéric").count == 0
    with db.session_scope(fleet_engine) as session:
        repository.update_device(
            session=session,
            asset_tag="D000004",
            expected_version=1,
            changes={"model": "ÉliteBook de Frédéric"},
            actor="someone-else",
        )
        session.add(Device(asset_tag="NEW-1", category="laptop", model="Latitude Frédéric"))
    hits = index.match("frÉdÉric")  # Unicode case folding, not ASCII only
    assert index.builds == 1 and index.refreshes == 1
    tags = [
        r.asset_tag
        for r in fetch_page(fleet_engine, DeviceQuery(DeviceFilter(text="frédéric")), search=index)
    ]
    assert hits.count == 2 and tags == ["D000004", "NEW-1"]
    assert index.match("frÉdÉric") is hits  # unchanged database: cached answer, no reload
    with fleet_engine.begin() as conn:
        conn.execute(text("DELETE FROM device WHERE asset_tag = 'NEW-1'"))
    assert index.match("frédéric").count == 1
    assert index.builds == 2  # a deletion rebuilds the index
    assert count_devices(fleet_engine, DeviceFilter(text="frédéric"), search=index) == 1


def _plans(engine: Engine, sort: str, descending: bool) -> list[str]:
    """The plan of every index scan a first page of the sort may run (one per segment)."""
    plans = []
    query = DeviceQuery(sort=sort, descending=descending)
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SET enable_sort = off"))
            conn.execute(text("SET enable_seqscan = off"))
        for stmt in segment_statements(engine, query, limit=100):
            compiled = stmt.compile(engine)
            if engine.dialect.name == "sqlite":
                rows = conn.exec_driver_sql(
                    f"EXPLAIN QUERY PLAN {compiled}", tuple(compiled.params.values())
                )
                plans.append("\n".join(str(r[-1]) for r in rows))
            else:
                rows = conn.exec_driver_sql(f"EXPLAIN {compiled}", compiled.params)
                plans.append("\n".join(r[0] for r in rows))
    return plans


@pytest.mark.parametrize("descending", [False, True])
def test_every_sortable_device_column_is_read_in_index_order(
    fleet_engine: Engine, descending: bool
) -> None:
    for sort in SORT_COLUMNS:
        plans = _plans(fleet_engine, sort, descending)
        assert plans, sort
        for plan in plans:
            if fleet_engine.dialect.name == "sqlite":
                assert "TEMP B-TREE" not in plan, (sort, plan)
            else:
                # no full sort; an incremental sort of ties on the unique asset tag is fine
                full_sorts = [
                    ln for ln in plan.splitlines() if "Sort  (" in ln and "Incremental" not in ln
                ]
                assert not full_sorts and "Index" in plan, (sort, plan)
