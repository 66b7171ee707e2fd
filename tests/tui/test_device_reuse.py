"""Pilot tests: accept or override a device's recommended channel from the device screen."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Engine, select
from sqlmodel import Session
from textual.widgets import Input, Select, Static

from sobriety.domain.reuse.policy import resolve_policy
from sobriety.storage import db
from sobriety.storage import devices as repository
from sobriety.storage.decisions import flag_device
from sobriety.storage.models import Device
from sobriety.tui.screens.action_dialog import ActionDialog
from sobriety.tui.screens.device import DeviceScreen
from sobriety.tui.widgets.field_row import FieldRow

from .conftest import TODAY, make_app, settle, shown

pytestmark = pytest.mark.asyncio


def _retired_with_recommendation(engine: Engine, *, blocked: bool | None = None) -> tuple:
    """A retired device of the test fleet with a recommended channel, and its flag."""
    policy = resolve_policy(None)
    with Session(engine) as session:
        tags = (
            session.execute(
                select(Device.asset_tag)
                .where(Device.status == "retired")
                .order_by(Device.asset_tag)
            )
            .scalars()
            .all()
        )
        for tag in tags:
            flag = flag_device(session, policy, tag, TODAY)
            if flag.recommended is not None and (
                blocked is None or bool(flag.recommended.blockers) == blocked
            ):
                return tag, flag
    raise AssertionError("no retired device with a recommendation in the test fleet")


def _events(engine: Engine, tag: str) -> list:
    with db.session_scope(engine) as session:
        device = repository.get_device(session=session, asset_tag=tag)
        return [
            (e.kind, e.actor, json.loads(e.details or "{}"))
            for e in repository.device_history(session=session, device_id=device.id)
        ]


async def test_accept_records_the_recommended_channel_in_the_history(
    sqlite_fleet: Engine,
) -> None:
    tag, flag = _retired_with_recommendation(sqlite_fleet)
    app = make_app(sqlite_fleet)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        app.open_device(tag)
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, DeviceScreen) and screen.flag is not None
        await pilot.press("c")
        await settle(pilot, app)
        dialog = app.screen
        assert isinstance(dialog, ActionDialog)
        text = shown(dialog.query_one("#dialog-text", Static))
        assert "Recommended:" in text
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.screen is screen
        reuse_tab = shown(screen.query_one("#reuse-body", Static))
        assert "Decided:" in reuse_tab
    kind, actor, details = _events(sqlite_fleet, tag)[-1]
    assert (kind, actor, details["channel"]) == (
        "flag_accepted",
        "tech-1",
        str(flag.recommended.channel),
    )
    with Session(sqlite_fleet) as session:
        device = repository.get_device(session=session, asset_tag=tag)
        assert device.reuse_channel == str(flag.recommended.channel)


async def test_override_needs_a_reason_then_records_the_choice(sqlite_fleet: Engine) -> None:
    tag, flag = _retired_with_recommendation(sqlite_fleet)
    other = next(
        o for o in flag.outcomes if o.state != "ruled_out" and o.channel != flag.recommended.channel
    )
    app = make_app(sqlite_fleet)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        app.open_device(tag)
        await settle(pilot, app)
        await pilot.press("o")
        await settle(pilot, app)
        dialog = app.screen
        assert isinstance(dialog, ActionDialog)
        offered = [v for _label, v in dialog.query_one("#row-channel", FieldRow)._choices]
        ruled_out = [str(o.channel) for o in flag.outcomes if o.state == "ruled_out"]
        assert str(other.channel) in offered and not set(ruled_out) & set(offered)
        dialog.query_one("#field-channel", Select).value = str(other.channel)
        await pilot.press("ctrl+s")  # no reason: refused in place
        await settle(pilot, app)
        assert app.screen is dialog
        error = shown(dialog.query_one("#row-reason .field-error", Static))
        assert "say why" in str(error)
        dialog.query_one("#field-reason", Input).focus()
        await pilot.press(*"school asked for it")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert isinstance(app.screen, DeviceScreen)
    kind, actor, details = _events(sqlite_fleet, tag)[-1]
    assert kind == "flag_overridden" and actor == "tech-1"
    assert details["channel"] == str(other.channel)
    assert details["reason"] == "school asked for it"
    assert details["recommended"] == str(flag.recommended.channel)
