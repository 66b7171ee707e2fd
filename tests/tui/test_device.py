"""Pilot tests of the device screen: edit with validation, conflicts, actions, history."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from rich.console import Console
from sqlalchemy import Engine
from textual.widgets import DataTable, Input, Static

from sobriety.storage import db
from sobriety.storage import devices as repository
from sobriety.storage.models import Device, Erasure
from sobriety.tui.messages import DeviceSaved, SaveConflicted
from sobriety.tui.screens.action_dialog import ActionDialog
from sobriety.tui.screens.conflict import ConflictDialog
from sobriety.tui.screens.device import DeviceScreen
from sobriety.tui.screens.device_edit import DeviceEditScreen
from sobriety.tui.widgets.field_row import FieldRow

from .conftest import TODAY, make_app, settle

pytestmark = pytest.mark.asyncio


def _device(engine: Engine, tag: str) -> Device:
    with db.session_scope(engine) as session:
        return repository.get_device(session=session, asset_tag=tag)


def _history(engine: Engine, tag: str) -> list:
    with db.session_scope(engine) as session:
        device = repository.get_device(session=session, asset_tag=tag)
        return list(repository.device_history(session=session, device_id=device.id))


async def _type_into(pilot, field: str, text: str) -> None:
    pilot.app.screen.query_one(f"#field-{field}", Input).focus()
    await pilot.press("ctrl+a", "ctrl+k", *text)


async def _open_edit(pilot, app, tag: str) -> DeviceEditScreen:
    app.open_device(tag)
    await settle(pilot, app)
    await pilot.press("e")
    await settle(pilot, app)
    assert isinstance(app.screen, DeviceEditScreen)
    return app.screen


async def test_device_screen_shows_every_field_history_and_slots(sqlite_fleet: Engine) -> None:
    app = make_app(sqlite_fleet)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        app.open_device("D000000")
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, DeviceScreen)
        labels = [str(w.render()) for w in screen.query("#details Label")]
        pairs = dict(zip(labels[::2], labels[1::2], strict=True))
        assert pairs["Serial number"] == "SN0000000"
        assert pairs["Site"] == "HQ · Hôtel du Département"
        assert pairs["Acquired on"] == "04/01/2016"
        assert pairs["Price excl. VAT (EUR)"] == "200.00"  # a price keeps its cents
        assert pairs["Sensitive data"] == "yes"
        assert pairs["Version"] == "1"
        assert {"Carbon", "Reuse", "History", "Erasures"} <= {
            str(t.label) for t in screen.query("Tab")
        }
        console = Console(width=110, record=True, file=io.StringIO())
        console.print(screen.query_one("#carbon-body", Static).content)
        carbon = console.export_text()
        assert "Total" in carbon and "manufacturing" in carbon and "devices.toml" in carbon
        console.print(screen.query_one("#reuse-body", Static).content)
        assert "Recommended:" in console.export_text()


async def test_edit_refuses_a_bad_value_in_place_then_saves_a_good_one(
    sqlite_fleet: Engine,
) -> None:
    app = make_app(sqlite_fleet)
    messages: list = []
    async with app.run_test(size=(80, 24), message_hook=messages.append) as pilot:
        await settle(pilot, app)
        screen = await _open_edit(pilot, app, "D000003")
        await _type_into(pilot, "ram_gb", "lots")
        await settle(pilot, app)
        row = screen.query_one("#row-ram_gb", FieldRow)
        assert row.has_class("-invalid")
        reason = str(row.query_one(".field-error", Static).render())
        assert '"lots"; expected a number from 0 to 4,096 in GB' in reason
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert isinstance(app.screen, DeviceEditScreen)  # still editing
        assert _device(sqlite_fleet, "D000003").version == 1  # nothing written
        # a value with a unit is converted into the field's unit
        await _type_into(pilot, "ram_gb", "32768 MB")
        await _type_into(pilot, "acquisition_date", "31/12/2030")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        reason = str(screen.query_one("#row-acquisition_date .field-error", Static).render())
        assert "in the future" in reason
        await _type_into(pilot, "acquisition_date", "2021-05-17")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert isinstance(app.screen, DeviceScreen)
        device = _device(sqlite_fleet, "D000003")
        assert device.ram_gb == pytest.approx(32.768)
        assert device.acquisition_date == dt.date(2021, 5, 17)
        assert device.version == 2
        event = _history(sqlite_fleet, "D000003")[-1]
        assert event.kind == "updated" and event.actor == "tech-1"
        assert '"ram_gb": [16.0, 32.768]' in event.details
        assert any(isinstance(m, DeviceSaved) and m.action == "edit" for m in messages)


async def test_a_concurrent_change_shows_a_conflict_and_loses_nothing(
    fleet_engine: Engine,
) -> None:
    """On SQLite and PostgreSQL: another writer changes the device while it is edited."""
    app = make_app(fleet_engine)
    messages: list = []
    async with app.run_test(size=(80, 24), message_hook=messages.append) as pilot:
        await settle(pilot, app)
        screen = await _open_edit(pilot, app, "D000003")
        await _type_into(pilot, "notes", "new battery ordered")
        # meanwhile, in another terminal:
        with db.session_scope(fleet_engine) as session:
            repository.update_device(
                session=session,
                asset_tag="D000003",
                expected_version=1,
                changes={"assignee": "AG-9999", "os": "Ubuntu 24.04"},
                actor="someone-else",
                at=dt.datetime.combine(TODAY, dt.time(9, 0), tzinfo=dt.UTC),  # before the app's
            )
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert isinstance(app.screen, ConflictDialog)
        conflict = next(m for m in messages if isinstance(m, SaveConflicted))
        assert (conflict.expected_version, conflict.current_version) == (1, 2)
        assert conflict.theirs["assignee"] == (None, "AG-9999")
        assert conflict.theirs["os"] == (None, "Ubuntu 24.04")
        console = Console(width=100, record=True, file=io.StringIO())
        console.print(app.screen._table())
        table_text = console.export_text()
        assert "AG-9999" in table_text and "new battery ordered" in table_text
        device = _device(fleet_engine, "D000003")
        assert (device.version, device.notes, device.assignee) == (2, None, "AG-9999")
        # reload: their values come in, the user's pending value stays
        await pilot.press("r")
        await settle(pilot, app)
        assert app.screen is screen
        assert screen.query_one("#field-notes", Input).value == "new battery ordered"
        assert screen.query_one("#field-assignee", Input).value == "AG-9999"
        assert screen.query_one("#field-os", Input).value == "Ubuntu 24.04"
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        device = _device(fleet_engine, "D000003")
        assert (device.version, device.notes, device.assignee, device.os) == (
            3,
            "new battery ordered",
            "AG-9999",
            "Ubuntu 24.04",
        )
        kinds = [(e.kind, e.actor) for e in _history(fleet_engine, "D000003")]
        assert kinds == [("updated", "someone-else"), ("updated", "tech-1")]


async def _act(pilot, app, key: str, fill: dict[str, str], selects: dict | None = None) -> None:
    await pilot.press(key)
    await settle(pilot, app)
    dialog = app.screen
    assert isinstance(dialog, ActionDialog)
    for name, value in (selects or {}).items():
        dialog.query_one(f"#row-{name}", FieldRow).set_raw(value)
    for name, text in fill.items():
        await _type_into(pilot, name, text)
    await pilot.press("ctrl+s")
    await settle(pilot, app)


async def test_assign_move_repair_upgrade_erase_retire_are_recorded(fleet_engine: Engine) -> None:
    app = make_app(fleet_engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        app.open_device("D000010")
        await settle(pilot, app)
        screen = app.screen
        site = screen.sites[-1]
        await _act(pilot, app, "a", {"assignee": "AG-0777", "note": "new hire"})
        await _act(pilot, app, "m", {}, {"site_id": site.id})
        await _act(pilot, app, "p", {"description": "keyboard replaced", "cost_eur": "45,50"})
        await _act(pilot, app, "u", {"description": "RAM to 16 GB", "ram_gb": "16"})
        await _act(
            pilot,
            app,
            "w",
            {"tool": "Blancco 8", "certificate_id": "CERT-42"},
            {
                "method": "cryptographic_erase",
                "level": "purge",
                "verified": True,
                "encrypted_from_install": True,  # a cryptographic erase is then a purge
            },
        )
        # a refused value keeps the dialog open with the reason
        await _act(pilot, app, "t", {"reason": "", "date": "2026-03-01"})
        assert isinstance(app.screen, ActionDialog)
        error = str(app.screen.query_one("#row-reason .field-error", Static).render())
        assert "a value is required" in error
        await _type_into(pilot, "reason", "screen broken, beyond repair")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.screen is screen
        device = _device(fleet_engine, "D000010")
        assert device.assignee == "AG-0777"
        assert device.site_id == site.id
        assert device.ram_gb == 16
        assert device.status == "retired"
        assert device.retirement_date == dt.date(2026, 3, 1)
        assert device.version == 7
        kinds = [e.kind for e in _history(fleet_engine, "D000010")]
        assert kinds == ["assigned", "moved", "repaired", "upgraded", "erased", "retired"]
        with db.session_scope(fleet_engine) as session:
            (erasure,) = repository.erasures(session=session, device_id=device.id)
            assert isinstance(erasure, Erasure)
            assert (erasure.method, erasure.level, erasure.verified) == (
                "cryptographic_erase",
                "purge",
                True,
            )
            assert (erasure.tool, erasure.certificate_id, erasure.date) == (
                "Blancco 8",
                "CERT-42",
                TODAY,
            )
        history = screen.query_one("#history", DataTable)
        assert history.row_count == 6
        assert "Retired" in [str(c) for c in history.get_row_at(0)]


async def test_an_erasure_the_policy_refuses_comes_back_with_every_reason(
    sqlite_fleet: Engine,
) -> None:
    app = make_app(sqlite_fleet)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        app.open_device("D000012")
        await settle(pilot, app)
        screen = app.screen
        # a factory reset cannot reach "destroy", and no tool is named
        await _act(pilot, app, "w", {}, {"method": "factory_reset", "level": "destroy"})
        dialog = app.screen
        assert isinstance(dialog, ActionDialog)
        problems = str(dialog.query_one("#dialog-problems", Static).render())
        assert "factory reset cannot reach the destroy level (it reaches: clear)" in problems
        assert "the erasure tool is required" in problems
        # what was entered is kept, and nothing was written
        assert dialog.query_one("#row-method", FieldRow).raw == "factory_reset"
        assert dialog.query_one("#row-level", FieldRow).raw == "destroy"
        assert _device(sqlite_fleet, "D000012").version == 1
        assert [e.kind for e in _history(sqlite_fleet, "D000012")] == []
        # corrected, it is recorded
        dialog.query_one("#row-level", FieldRow).set_raw("clear")
        await _type_into(pilot, "tool", "nwipe")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.screen is screen
        device = _device(sqlite_fleet, "D000012")
        assert device.version == 2
        with db.session_scope(sqlite_fleet) as session:
            (erasure,) = repository.erasures(session=session, device_id=device.id)
            assert (erasure.method, erasure.level, erasure.tool, erasure.operator) == (
                "factory_reset",
                "clear",
                "nwipe",
                "tech-1",
            )


async def test_an_action_on_a_device_changed_meanwhile_is_reapplied_after_reload(
    sqlite_fleet: Engine,
) -> None:
    app = make_app(sqlite_fleet)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        app.open_device("D000020")
        await settle(pilot, app)
        with db.session_scope(sqlite_fleet) as session:
            repository.update_device(
                session=session,
                asset_tag="D000020",
                expected_version=1,
                changes={"notes": "checked"},
                actor="someone-else",
                at=dt.datetime.combine(TODAY, dt.time(9, 0), tzinfo=dt.UTC),  # before the app's
            )
        await _act(pilot, app, "a", {"assignee": "AG-0101"})
        assert isinstance(app.screen, ConflictDialog)
        assert _device(sqlite_fleet, "D000020").assignee != "AG-0101"
        await pilot.press("r")
        await settle(pilot, app)
        device = _device(sqlite_fleet, "D000020")
        assert (device.assignee, device.notes, device.version) == ("AG-0101", "checked", 3)


async def test_inventory_shows_the_change_after_an_action(sqlite_fleet: Engine) -> None:
    app = make_app(sqlite_fleet)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("enter")  # D000000
        await settle(pilot, app)
        await _act(pilot, app, "a", {"assignee": "AG-4242"})
        await pilot.press("escape")
        await settle(pilot, app)
        table = app.screen.table
        assert table.row_at(0).assignee == "AG-4242"
