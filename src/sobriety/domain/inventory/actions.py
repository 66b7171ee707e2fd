"""A technician's actions on one device: what each changes and which event it records.

Each action is a plan (:data:`PLANS`, pure functions of the values of its
form): the field changes, the history event kind and its details.
:func:`sobriety.app.inventory.apply_action` writes a plan with the version the
technician read (optimistic locking). Erasures are not here: they are checked
against the reuse policy (:mod:`sobriety.app.reuse`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sobriety.domain.vocab import Condition, EventKind, Status

#: What an action writes: the field changes, the history event kind, its details.
Plan = tuple[dict[str, Any], EventKind, dict[str, Any]]


def _clean(details: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in details.items() if v not in (None, "")}


def _description(values: dict[str, Any], missing: str) -> str:
    text = values["description"].strip()
    if not text:
        raise ValueError(missing)
    return text


def assign(values: dict[str, Any]) -> Plan:
    """Give the device to ``assignee`` (a pseudonymous reference; empty = unassigned)."""
    changes = {"assignee": values.get("assignee") or None}
    return changes, EventKind.ASSIGNED, _clean({"note": values.get("note")})


def move(values: dict[str, Any]) -> Plan:
    """Move the device to the site ``site_id``."""
    return {"site_id": values.get("site_id")}, EventKind.MOVED, _clean({"note": values.get("note")})


def repair(values: dict[str, Any]) -> Plan:
    """A repair (what was done, the condition after it, what it cost)."""
    description = _description(values, "a repair needs a description")
    details = _clean({"description": description, "cost_eur": values.get("cost_eur")})
    return {"condition": str(Condition(values["condition"]))}, EventKind.REPAIRED, details


def upgrade(values: dict[str, Any]) -> Plan:
    """An upgrade (RAM, storage...): the new values of the fields given."""
    description = _description(values, "an upgrade needs a description")
    changes = {
        k: values[k] for k in ("ram_gb", "storage_gb", "storage_type") if values.get(k) is not None
    }
    return changes, EventKind.UPGRADED, {"description": description}


def retire(values: dict[str, Any]) -> Plan:
    """Take the device out of service on ``date``: status "retired, awaiting a decision"."""
    changes: dict[str, Any] = {"status": Status.RETIRED.value, "retirement_date": values["date"]}
    if values.get("condition") is not None:
        changes["condition"] = str(Condition(values["condition"]))
    reason = (values.get("reason") or "").strip()
    return changes, EventKind.RETIRED, _clean({"reason": reason})


#: The actions a technician can take on a device, besides ``"edit"``.
PLANS: dict[str, Callable[[dict[str, Any]], Plan]] = {
    "assign": assign,
    "move": move,
    "repair": repair,
    "upgrade": upgrade,
    "retire": retire,
}
ACTIONS = tuple(PLANS)
