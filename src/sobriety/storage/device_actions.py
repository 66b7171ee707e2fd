"""A technician's actions on one device, each recorded in its history.

Each action is described by what it changes and which event it records
(:data:`PLANS`, pure functions of the values of its form); :func:`apply_action`
writes it through :func:`repository.update_device`, which checks the version
the technician read (optimistic locking, :class:`ConflictError` when someone
else changed the device meanwhile), bumps it and writes one history event
carrying the action's details. Call inside a session scope; nothing is written
when an action is refused.

Erasures are not here: they are checked against the reuse policy, so they go
through :func:`sobriety.storage.decisions.record_erasure`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlmodel import Session

from sobriety.domain.vocab import Condition, EventKind, Status
from sobriety.storage import devices as repository
from sobriety.storage.models import Device

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


#: The actions accepted by :func:`apply_action`, besides ``"edit"``.
PLANS: dict[str, Callable[[dict[str, Any]], Plan]] = {
    "assign": assign,
    "move": move,
    "repair": repair,
    "upgrade": upgrade,
    "retire": retire,
}
ACTIONS = tuple(PLANS)


def apply_action(
    *,
    session: Session,
    action: str,
    asset_tag: str,
    expected_version: int,
    values: dict[str, Any],
    actor: str | None,
) -> Device:
    """Run one action by name with the values of its form; returns the device after it.

    ``"edit"`` applies ``values`` as field changes (history kind "updated").
    """
    if action == "edit":
        changes, kind, details = values, EventKind.UPDATED, None
    elif action in PLANS:
        changes, kind, details = PLANS[action](values)
    else:
        raise ValueError(f"unknown device action {action!r}; expected edit or one of {ACTIONS}")
    return repository.update_device(
        session=session,
        asset_tag=asset_tag,
        expected_version=expected_version,
        changes=changes,
        actor=actor,
        event_kind=kind,
        event_details=details,
    )
