"""How a device's fields and history read to a person, in the active language.

One wording for the CLI (``sobriety device show``, ``sobriety history``) and the
terminal UI (the device screen, the edit form, the conflict dialog): field
labels, values with their vocabulary labels and local number and date
formats, and each history entry as "who, when, from where, field: old → new".

The edit form shows a value exactly as the detail view does (:func:`show_value`
with ``editable=True`` leaves out the placeholder for blanks), and
:func:`sobriety.domain.inventory.form.parse_field` reads that text back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sobriety.domain.inventory.form import FIELDS_BY_NAME
from sobriety.domain.labels import label
from sobriety.i18n import N_, _, clauses, fmt_number, language

#: Vocabulary of each choice field (for labels).
VOCAB_OF = {
    "category": "category",
    "status": "status",
    "condition": "condition",
    "acquisition_type": "acquisition_type",
    "storage_type": "storage_type",
    "reuse_channel": "reuse_channel",
    "channel": "reuse_channel",
    "recommended": "reuse_channel",
    "recipient_kind": "recipient_kind",
    "method": "erasure_method",
    "level": "erasure_level",
}

#: Fields holding money: shown with their cents.
MONEY = frozenset({"purchase_price_eur", "declared_value_eur", "repair_estimate_eur", "cost_eur"})

#: Labels of the fields that are not in the edit form, and of the history details.
_OTHER_LABELS = {
    "site_id": N_("Site"),
    "site": N_("Site"),
    "lot_id": N_("Lot"),
    "lot": N_("Lot"),
    "version": N_("Version"),
    "created_at": N_("Created"),
    "updated_at": N_("Updated"),
    "repair_estimate_eur": N_("Repair estimate (EUR)"),
    "uuid": N_("Hardware UUID"),
    "last_inventory_date": N_("Last inventory"),
    "note": N_("Note"),
    "reason": N_("Reason"),
    "description": N_("Description"),
    "cost_eur": N_("Cost (EUR)"),
    "channel": N_("Channel"),
    "recommended": N_("Recommended"),
    "recipient_kind": N_("Recipient"),
    "to_do": N_("To do"),
    "counts_toward_target": N_("Counts toward the reuse target"),
    "file": N_("File"),
    "line": N_("Line"),
    "source": N_("Origin"),
    "method": N_("Method"),
    "level": N_("Level"),
    "certificate_id": N_("Certificate"),
    "verified": N_("Verified"),
    # columns an import file may give beside the device fields
    "max_dimension_cm": N_("Largest dimension (cm)"),
    "location": N_("Location"),
    "site_code": N_("Site code"),
    "site_name": N_("Site name"),
    "site_kind": N_("Site kind"),
    "delivery_date": N_("Delivery date"),
    "warranty_months": N_("Warranty (months)"),
    "warranty_start": N_("Warranty start"),
}

#: Screens of the terminal UI a change can come from (``tui/<key>``).
_SCREENS = {
    "device": N_("device screen"),
    "device-edit": N_("device edit form"),
    "reuse-queue": N_("reuse queue"),
    "import": N_("import screen"),
    "factors": N_("factors screen"),
}


def field_label(name: str) -> str:
    """The translated label of a device field or history detail (``purchase_price_eur``)."""
    spec = FIELDS_BY_NAME.get(name)
    if spec is not None:
        return _(spec.label)
    text = _OTHER_LABELS.get(name)
    return _(text) if text else name


def fmt_day(value: dt.date) -> str:
    """A date as typed in a form and shown beside it: ``03/12/2026`` (day first)."""
    return value.strftime("%d/%m/%Y")


def show_value(name: str, value: Any, *, editable: bool = False) -> str:
    """A stored value as shown to a person (labels, local dates and numbers).

    ``editable``: the text an edit field starts with (blank for no value,
    a choice's key left to the Select).
    """
    if value is None or value == "" or value == []:
        return "" if editable else "-"
    if name in VOCAB_OF and isinstance(value, str):
        return label(VOCAB_OF[name], value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dt.datetime):
        local = _local(value)
        return fmt_day(local.date()) if editable else f"{fmt_day(local.date())} {local:%H:%M}"
    if isinstance(value, dt.date):
        return fmt_day(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _number(name, float(value))
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:  # a date as stored in a history entry's JSON
            return fmt_day(dt.date.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, list | tuple):
        return ", ".join(show_value(name, v) for v in value)
    return str(value)


def _local(value: dt.datetime) -> dt.datetime:
    """A stored time (UTC; naive when the database keeps no zone) in the local zone."""
    aware = value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
    return aware.astimezone()


def _number(name: str, value: float) -> str:
    if name in MONEY:
        return fmt_number(value, 2)
    digits = 0
    while digits < 6 and round(value, digits) != round(value, 6):
        digits += 1
    text = fmt_number(value, digits)
    if language() != "fr" and abs(value) >= 1000 and digits == 0:
        # "1,024" would read back as 1.024 where a comma may be a decimal mark
        text = text.replace(",", "")
    return text


def source_label(source: str | None) -> str:
    """Where a change came from, for a person: the command, or the screen of the TUI."""
    if not source:
        return "-"
    if source.startswith("tui/"):
        screen = _SCREENS.get(source[4:])
        return _("terminal UI, {screen}").format(screen=_(screen) if screen else source[4:])
    return source


@dataclass(frozen=True)
class Change:
    """One field changed by an event."""

    field: str
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryLine:
    """One history entry as read by a person."""

    date: str
    kind: str
    actor: str
    source: str
    changes: tuple[Change, ...]
    notes: tuple[tuple[str, str], ...]

    @property
    def text(self) -> str:
        """The changes and notes on one line: ``Status: In service → Retired; Reason: …``."""
        parts = [_("{label}: {old} → {new}").format(label=c.label, old=c.old, new=c.new)
                 for c in self.changes]  # fmt: skip
        parts += [_("{label}: {value}").format(label=k, value=v) for k, v in self.notes]
        return clauses(parts)


def describe_event(
    event: Mapping[str, Any], *, sites: Mapping[int, str] | None = None
) -> HistoryLine:
    """An event of :func:`sobriety.storage.history.event_row` for a person.

    ``sites`` names the site ids of a move (``{id: code}``).
    """
    details = dict(event.get("details") or {})
    raw = details.pop("changes", None) or {}
    changes = []
    for name, pair in raw.items():
        old, new = pair if isinstance(pair, list | tuple) and len(pair) == 2 else (None, pair)
        if name == "site_id" and sites is not None:
            old, new = sites.get(old, old), sites.get(new, new)
        changes.append(Change(name, field_label(name), show_value(name, old),
                              show_value(name, new)))  # fmt: skip
    notes = tuple(
        (field_label(k), show_value(k, v)) for k, v in details.items() if v not in (None, "", [])
    )
    when = event.get("date")
    return HistoryLine(
        date=show_value("date", when) if when is not None else "-",
        kind=label("event", event.get("kind")),
        actor=event.get("actor") or "-",
        source=source_label(event.get("source")),
        changes=tuple(changes),
        notes=notes,
    )


def describe_history(
    events: Iterable[Mapping[str, Any]], *, sites: Mapping[int, str] | None = None
) -> list[HistoryLine]:
    return [describe_event(e, sites=sites) for e in events]


def conflict_text(
    asset_tag: str,
    expected: int,
    current: int | None,
    events: Iterable[Mapping[str, Any]],
    *,
    sites: Mapping[int, str] | None = None,
) -> str:
    """Why a write was refused for a stale version: who changed what, and when."""
    lines = [
        _(
            "{tag} was changed by someone else since you read it (version {read}, now "
            "{now}): nothing was saved."
        ).format(tag=asset_tag, read=expected, now=current if current is not None else "-")
    ]
    for line in describe_history(events, sites=sites):
        lines.append(
            _("  {date}, {actor} ({source}): {kind}").format(
                date=line.date, actor=line.actor, source=line.source, kind=line.kind
            )
            + (f" — {line.text}" if line.text else "")
        )
    lines.append(_("Read the device again (`sobriety device show {tag}`), then retry.").format(
        tag=asset_tag))  # fmt: skip
    return "\n".join(lines)
