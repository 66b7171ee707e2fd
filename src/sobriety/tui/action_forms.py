"""The forms of the actions on a device: which values each asks for, and their rules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sobriety.app.inventory import SiteChoice
from sobriety.domain.inventory.form import FieldError, parse_field
from sobriety.domain.labels import choices
from sobriety.i18n import N_, _
from sobriety.tui import field_parsers as fp
from sobriety.tui.screens.action_dialog import ActionForm, DialogField


def _date_not_future(today: dt.date):
    def parse(text: str) -> dt.date:
        value = parse_field("retirement_date", text)
        if value is None:
            raise FieldError("", _("a value is required"))
        if value > today:
            raise FieldError("", _("in the future"))
        return value

    return parse


def _field(name: str):
    return lambda text: parse_field(name, text)


ACTION_TITLES = {
    "assign": N_("Assign"),
    "move": N_("Move to another site"),
    "repair": N_("Record a repair"),
    "upgrade": N_("Record an upgrade"),
    "erasure": N_("Record a data erasure"),
    "retire": N_("Retire"),
    "accept": N_("Accept the recommended channel"),
    "override": N_("Choose another channel"),
}


def action_form(
    action: str,
    device: dict[str, Any],
    *,
    sites: Sequence[SiteChoice],
    today: dt.date,
    actor: str,
) -> ActionForm:
    """The form of ``action`` for ``device`` (current values as defaults)."""
    title = _(ACTION_TITLES[action])
    note = DialogField("note", _("Note"), parser=fp.text(500))
    if action == "assign":
        fields = [
            DialogField(
                "assignee",
                _("Assignee (pseudonym)"),
                value=device.get("assignee"),
                parser=_field("assignee"),
                placeholder=_("e.g. AG-0042; empty to unassign"),
            ),
            note,
        ]
    elif action == "move":
        fields = [
            DialogField(
                "site_id",
                _("Site"),
                kind="choice",
                value=device.get("site_id"),
                choices=[(f"{s.code} · {s.name}", s.id) for s in sites],
                parser=fp.required,
            ),
            note,
        ]
    elif action == "repair":
        fields = [
            DialogField("description", _("What was repaired"), parser=fp.text(500, required=True)),
            DialogField(
                "condition",
                _("Condition after"),
                kind="choice",
                value="working",
                choices=choices("condition"),
                allow_blank=False,
            ),
            DialogField("cost_eur", _("Cost (EUR)"), parser=_field("purchase_price_eur")),
        ]
    elif action == "upgrade":
        fields = [
            DialogField("description", _("What was upgraded"), parser=fp.text(500, required=True)),
            DialogField(
                "ram_gb", _("RAM (GB)"), value=device.get("ram_gb"), parser=_field("ram_gb")
            ),
            DialogField(
                "storage_gb",
                _("Storage (GB)"),
                value=device.get("storage_gb"),
                parser=_field("storage_gb"),
            ),
            DialogField(
                "storage_type",
                _("Storage type"),
                kind="choice",
                value=device.get("storage_type"),
                choices=choices("storage_type"),
            ),
        ]
    elif action == "erasure":
        fields = [
            DialogField(
                "method",
                _("Method"),
                kind="choice",
                choices=choices("erasure_method"),
                parser=fp.required,
            ),
            DialogField(
                "level",
                _("Level (NIST 800-88)"),
                kind="choice",
                choices=choices("erasure_level"),
                parser=fp.required,
            ),
            DialogField("tool", _("Tool"), parser=fp.text(120)),
            DialogField("operator", _("Operator"), value=actor, parser=fp.text(64)),
            DialogField("date", _("Date"), value=today.isoformat(), parser=_date_not_future(today)),
            DialogField("verified", _("Verified"), kind="bool"),
            DialogField("encrypted_from_install", _("Encrypted from installation"), kind="bool"),
            DialogField("certificate_id", _("Certificate id"), parser=fp.text(120)),
        ]
    elif action == "retire":
        fields = [
            DialogField(
                "date", _("Retired on"), value=today.isoformat(), parser=_date_not_future(today)
            ),
            DialogField("reason", _("Reason"), parser=fp.text(500, required=True)),
            DialogField(
                "condition",
                _("Condition"),
                kind="choice",
                value=device.get("condition"),
                choices=choices("condition"),
                allow_blank=False,
            ),
        ]
    else:
        raise ValueError(f"unknown action {action!r}")
    return ActionForm(action, title, fields)
