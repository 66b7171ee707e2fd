"""Pilot tests of the reuse queue: retire and flag, bulk decisions, a lot from refusal to slip."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlmodel import Session
from textual.widgets import DataTable, Input, Select, Static, TabbedContent

from sobriety.app import reuse
from sobriety.app.context import Sobriety
from sobriety.domain.reuse.lots import ErasureInput
from sobriety.domain.reuse.policy import resolve_policy
from sobriety.domain.reuse.text import counts_text
from sobriety.settings import load_settings
from sobriety.storage import db
from sobriety.storage import devices as repository
from sobriety.storage.models import Device, Lot
from sobriety.tui.screens.action_dialog import ActionDialog
from sobriety.tui.screens.device import DeviceScreen
from sobriety.tui.screens.problems import ProblemsDialog
from sobriety.tui.screens.reuse_queue import MARK, ReuseQueueScreen

from .conftest import TODAY, make_app, settle, shown

pytestmark = pytest.mark.asyncio


def _events(engine: Engine, tag: str) -> list[tuple[str, dict]]:
    with db.session_scope(engine) as session:
        device = repository.get_device(session=session, asset_tag=tag)
        return [
            (e.kind, json.loads(e.details or "{}"))
            for e in repository.device_history(session=session, device_id=device.id)
        ]


def _device(engine: Engine, tag: str) -> Device:
    with Session(engine) as session:
        return repository.get_device(session=session, asset_tag=tag)


def _ready_for_donation(engine: Engine, tag: str) -> None:
    """Battery graded and a purge-level erasure recorded: nothing blocks a donation."""
    sobriety = Sobriety(
        load_settings(database_url=engine.url.render_as_string(), actor="tech-2"),
        engine=engine,
        today=lambda: TODAY,
    )
    with db.session_scope(engine) as session:
        device = repository.get_device(session=session, asset_tag=tag)
        repository.update_device(
            session=session,
            asset_tag=tag,
            expected_version=device.version,
            changes={"battery_health_pct": 95.0},
            actor="tech-2",
        )
        record = ErasureInput("sanitize", "purge", "nvme-cli", "tech-2", TODAY, True, f"C-{tag}")
        reuse.record_erasure(sobriety, tag, record, session=session)


async def _queue(pilot, app) -> ReuseQueueScreen:
    await pilot.press("3")
    await settle(pilot, app)
    screen = app.screen
    assert isinstance(screen, ReuseQueueScreen)
    return screen


async def _go_to(pilot, screen: ReuseQueueScreen, tag: str) -> None:
    table = screen.query_one("#queue", DataTable)
    table.focus()
    table.move_cursor(row=[r.asset_tag for r in screen.rows].index(tag))
    await pilot.pause()


async def test_a_retired_device_is_flagged_then_accepted_in_bulk(sqlite_fleet: Engine) -> None:
    app = make_app(sqlite_fleet)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        # retire a device in service from its screen: it joins the queue
        app.open_device("D000001")
        await settle(pilot, app)
        await pilot.press("t")
        await settle(pilot, app)
        app.screen.query_one("#field-reason", Input).focus()
        await pilot.press(*"screen broken", "ctrl+s")
        await settle(pilot, app)
        assert _device(sqlite_fleet, "D000001").status == "retired"
        await pilot.press("escape")
        await settle(pilot, app)
        screen = await _queue(pilot, app)
        retired = {r.asset_tag: r for r in screen.rows}["D000001"]
        assert retired.status == "retired" and retired.recommended is not None
        # the detail line says whether the recommendation counts toward décret 2023-266,
        # the one answer of `sobriety flag` (the device's flag)
        flag = reuse.flag_device(app.sobriety, "D000001")
        assert retired.counts_toward_target == flag.recommended.counts_toward_target
        await _go_to(pilot, screen, "D000001")
        detail = shown(screen.query_one("#queue-detail", Static))
        assert counts_text(retired.counts_toward_target) in detail
        # channel groups follow the policy's order
        order = [str(c) for c in resolve_policy(None).order]
        ranks = [order.index(r.recommended) for r in screen.rows if r.recommended]
        assert ranks == sorted(ranks)
        # select two devices with space, accept both
        await _go_to(pilot, screen, "D000001")
        await pilot.press("space")
        second = next(r for r in screen.rows if r.asset_tag != "D000001" and r.lot is None)
        await _go_to(pilot, screen, second.asset_tag)
        await pilot.press("space")
        assert screen.selected == {"D000001", second.asset_tag}
        table = screen.query_one("#queue", DataTable)
        assert table.get_row(second.asset_tag)[0] == MARK == table.get_row("D000001")[0]
        await pilot.press("c")
        await settle(pilot, app)
        assert isinstance(app.screen, ActionDialog)
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.screen is screen and not screen.selected
    for tag, rec in (("D000001", retired.recommended), (second.asset_tag, second.recommended)):
        kind, details = _events(sqlite_fleet, tag)[-1]
        assert (kind, details["channel"]) == ("flag_accepted", rec)
        assert _device(sqlite_fleet, tag).reuse_channel == rec


async def test_bulk_override_records_the_reason(sqlite_fleet: Engine) -> None:
    app = make_app(sqlite_fleet)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        screen = await _queue(pilot, app)
        tags = ["D000006", "D000026"]
        for tag in tags:
            await _go_to(pilot, screen, tag)
            await pilot.press("space")
        await pilot.press("o")
        await settle(pilot, app)
        dialog = app.screen
        assert isinstance(dialog, ActionDialog)
        dialog.query_one("#field-channel", Select).value = "sell"
        dialog.query_one("#field-reason", Input).focus()
        await pilot.press(*"local refurbisher offer", "ctrl+s")
        await settle(pilot, app)
        assert app.screen is screen
    for tag in tags:
        kind, details = _events(sqlite_fleet, tag)[-1]
        assert kind == "flag_overridden"
        assert (details["channel"], details["reason"]) == ("sell", "local refurbisher offer")


async def test_a_lot_is_refused_per_device_then_built_closed_and_its_slip_written(
    sqlite_fleet: Engine, tmp_path: Path
) -> None:
    _ready_for_donation(sqlite_fleet, "D000006")
    app = make_app(sqlite_fleet)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        screen = await _queue(pilot, app)
        for tag in ("D000006", "D000016"):  # D000016 holds sensitive data, no erasure
            await _go_to(pilot, screen, tag)
            await pilot.press("space")

        async def fill_lot() -> None:
            await pilot.press("l")
            await settle(pilot, app)
            dialog = app.screen
            assert isinstance(dialog, ActionDialog)
            assert dialog.query_one("#field-channel", Select).value == "donate_association"
            dialog.query_one("#field-recipient_name", Input).focus()
            await pilot.press(*"Emmaüs Connect")
            dialog.query_one("#field-recipient_kind", Select).value = "association"
            await pilot.press("ctrl+s")
            await settle(pilot, app)

        await fill_lot()
        problems = app.screen
        assert isinstance(problems, ProblemsDialog)
        table = problems.query_one(DataTable)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert rows[0][0] == "D000016" and ["D000006"] not in [r[:1] for r in rows]
        assert any("sensitive data" in r[1] for r in rows)
        # no lot code is quoted: no lot exists; the device left out is named
        text = shown(problems.query_one("#problems-text", Static))
        assert "LOT-" not in text and "Left out: D000016" in text
        # the reason under the cursor is shown whole, wrapped
        assert shown(problems.query_one("#problems-detail", Static)).startswith("D000016: ")
        with Session(sqlite_fleet) as session:
            assert session.execute(select(Lot)).first() is None  # nothing written
        # closing the refusal reopens the form with what was typed
        await pilot.press("escape")
        await settle(pilot, app)
        form = app.screen
        assert isinstance(form, ActionDialog)
        assert form.query_one("#field-recipient_name", Input).value == "Emmaüs Connect"
        assert form.query_one("#field-recipient_kind", Select).value == "association"
        assert "Not recorded" in shown(form.query_one("#dialog-problems", Static))
        # the recipient kind follows the channel: a transfer lot goes to a public body
        form.query_one("#field-channel", Select).value = "transfer"
        await settle(pilot, app)
        assert form.query_one("#field-recipient_kind", Select).value == "public_body"
        form.query_one("#field-channel", Select).value = "donate_association"
        await settle(pilot, app)
        form.query_one("#field-recipient_kind", Select).value = "association"
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        # refused again: this time add only the eligible device
        assert isinstance(app.screen, ProblemsDialog)
        await pilot.click("#action-eligible")
        await settle(pilot, app)
        assert screen.selected == set()  # the eligible one is in the lot, the other deselected
        assert app.screen is screen
        assert screen.query_one(TabbedContent).active == "tab-lots"
        assert [(lot.status, lot.devices) for lot in screen.lots] == [("open", 1)]
        code = screen.lots[0].code
        screen.query_one("#lots", DataTable).focus()
        # the slip, written where the user says
        await pilot.press("p")
        await settle(pilot, app)
        target = app.screen.query_one("#field-target", Input)
        target.focus()
        await pilot.press("ctrl+a", "ctrl+k", *str(tmp_path / "slips") + "/")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        pdf, csv_path = tmp_path / "slips" / f"{code}.pdf", tmp_path / "slips" / f"{code}.csv"
        assert pdf.read_bytes().startswith(b"%PDF")
        text = csv_path.read_text(encoding="utf-8")
        assert "D000006" in text and "C-D000006" in text and "Emmaüs Connect" in text
        assert screen.last_slip == (pdf, csv_path)
        # close the lot: the device leaves
        await pilot.press("k")
        await settle(pilot, app)
        assert isinstance(app.screen, ActionDialog)
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert [lot.status for lot in screen.lots] == ["closed"]
        assert "D000006" not in {r.asset_tag for r in screen.rows}
    assert _device(sqlite_fleet, "D000006").status == "gone"
    transfers = [d for k, d in _events(sqlite_fleet, "D000006") if k == "transferred"]
    assert [(d["lot"], d["channel"]) for d in transfers] == [(code, "donate_association")]
    rows = list(csv.reader(csv_path.open(encoding="utf-8")))
    assert any("D000006" in r for r in rows)


async def test_enter_opens_the_device(sqlite_fleet: Engine) -> None:
    app = make_app(sqlite_fleet)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        screen = await _queue(pilot, app)
        await _go_to(pilot, screen, "D000006")
        await pilot.press("enter")
        await settle(pilot, app)
        assert isinstance(app.screen, DeviceScreen) and app.screen.asset_tag == "D000006"


async def test_a_lot_changed_by_someone_else_is_not_closed_and_the_form_comes_back(
    sqlite_fleet: Engine,
) -> None:
    from sobriety.app import lots

    _ready_for_donation(sqlite_fleet, "D000006")
    alice = Sobriety(
        load_settings(database_url=sqlite_fleet.url.render_as_string(), actor="alice"),
        engine=sqlite_fleet,
        today=lambda: TODAY,
    )
    code = lots.build(alice, ["D000006"], channel="donate_association",
                      recipient_name="Emmaüs Connect", recipient_kind="association")  # fmt: skip
    app = make_app(sqlite_fleet)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        screen = await _queue(pilot, app)
        screen.query_one(TabbedContent).active = "tab-lots"
        screen.query_one("#lots", DataTable).focus()
        await settle(pilot, app)
        assert [lot.code for lot in screen.lots] == [code]
        # another technician changes the lot after this screen read it
        other = db.make_engine(sqlite_fleet.url.render_as_string())
        try:
            bob = Sobriety(
                load_settings(database_url=sqlite_fleet.url.render_as_string(), actor="bob"),
                engine=other,
                today=lambda: TODAY,
            )
            lots.update_refs(bob, code, commitment_ref="ENG-BOB")
        finally:
            other.dispose()
        await pilot.press("k")
        await settle(pilot, app)
        form = app.screen
        assert isinstance(form, ActionDialog)
        form.query_one("#field-deed_ref", Input).focus()
        await pilot.press(*"CONV-77")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        problems = app.screen
        assert isinstance(problems, ProblemsDialog)
        text = shown(problems.query_one("#problems-text", Static))
        assert f"lot {code} was changed by someone else" in text
        detail = " ".join(
            str(c) for i in range(problems.query_one(DataTable).row_count)
            for c in problems.query_one(DataTable).get_row_at(i)
        )  # fmt: skip
        assert "bob" in detail and "References recorded" in detail
        with Session(sqlite_fleet) as session:
            lot = session.execute(select(Lot).where(Lot.code == code)).scalar_one()
            assert lot.status == "open" and lot.deed_ref is None
        # back to the close form, with what was typed; saved on the lot as it is now
        await pilot.press("escape")
        await settle(pilot, app)
        form = app.screen
        assert isinstance(form, ActionDialog)
        assert form.query_one("#field-deed_ref", Input).value == "CONV-77"
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.screen is screen
    with Session(sqlite_fleet) as session:
        lot = session.execute(select(Lot).where(Lot.code == code)).scalar_one()
        assert (lot.status, lot.deed_ref, lot.commitment_ref) == ("closed", "CONV-77", "ENG-BOB")
    assert _device(sqlite_fleet, "D000006").status == "gone"
