"""A technician's actions on one device, each recorded in its history.

Every action goes through :func:`repository.update_device`: it checks the
version the technician read (optimistic locking, :class:`ConflictError` when
someone else changed the device meanwhile), bumps it and writes one history
event carrying the action's details. Call inside a session scope; nothing is
written when an action is refused.

Erasures are not here: they are checked against the reuse policy, so they go
through :func:`sobriety.storage.reuse_store.record_erasure`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import Session

from sobriety.domain.vocab import Condition, EventKind, Status
from sobriety.storage import repository
from sobriety.storage.models import Device


def _clean(details: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in details.items() if v not in (None, "")}


def assign(
    *,
    session: Session,
    asset_tag: str,
    expected_version: int,
    assignee: str | None,
    actor: str | None,
    note: str | None = None,
) -> Device:
    """Give the device to ``assignee`` (a pseudonymous reference; None = unassigned)."""
    changes: dict[str, Any] = {"assignee": assignee or None}
    return repository.update_device(
        session=session,
        asset_tag=asset_tag,
        expected_version=expected_version,
        changes=changes,
        actor=actor,
        event_kind=EventKind.ASSIGNED,
        event_details=_clean({"note": note}),
    )


def move(
    *,
    session: Session,
    asset_tag: str,
    expected_version: int,
    site_id: int | None,
    actor: str | None,
    note: str | None = None,
) -> Device:
    """Move the device to another site."""
    return repository.update_device(
        session=session,
        asset_tag=asset_tag,
        expected_version=expected_version,
        changes={"site_id": site_id},
        actor=actor,
        event_kind=EventKind.MOVED,
        event_details=_clean({"note": note}),
    )


def record_repair(
    *,
    session: Session,
    asset_tag: str,
    expected_version: int,
    description: str,
    condition: Condition | str,
    actor: str | None,
    cost_eur: float | None = None,
) -> Device:
    """A repair (what was done, the condition after it, what it cost)."""
    if not description.strip():
        raise ValueError("a repair needs a description")
    return repository.update_device(
        session=session,
        asset_tag=asset_tag,
        expected_version=expected_version,
        changes={"condition": str(Condition(condition))},
        actor=actor,
        event_kind=EventKind.REPAIRED,
        event_details=_clean({"description": description.strip(), "cost_eur": cost_eur}),
    )


def record_upgrade(
    *,
    session: Session,
    asset_tag: str,
    expected_version: int,
    description: str,
    changes: dict[str, Any],
    actor: str | None,
) -> Device:
    """An upgrade (RAM, storage...): the new values of the changed fields."""
    if not description.strip():
        raise ValueError("an upgrade needs a description")
    return repository.update_device(
        session=session,
        asset_tag=asset_tag,
        expected_version=expected_version,
        changes={k: v for k, v in changes.items() if v is not None},
        actor=actor,
        event_kind=EventKind.UPGRADED,
        event_details={"description": description.strip()},
    )


def retire(
    *,
    session: Session,
    asset_tag: str,
    expected_version: int,
    date: dt.date,
    reason: str,
    actor: str | None,
    condition: Condition | str | None = None,
) -> Device:
    """Take the device out of service: status "retired, awaiting a decision"."""
    changes: dict[str, Any] = {"status": Status.RETIRED.value, "retirement_date": date}
    if condition is not None:
        changes["condition"] = str(Condition(condition))
    return repository.update_device(
        session=session,
        asset_tag=asset_tag,
        expected_version=expected_version,
        changes=changes,
        actor=actor,
        event_kind=EventKind.RETIRED,
        event_details=_clean({"reason": reason.strip()}),
    )


#: Actions accepted by :func:`apply_action`, besides ``"edit"``.
ACTIONS = ("assign", "move", "repair", "upgrade", "retire")


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
    common = {
        "session": session,
        "asset_tag": asset_tag,
        "expected_version": expected_version,
        "actor": actor,
    }
    if action == "edit":
        return repository.update_device(changes=values, event_kind=EventKind.UPDATED, **common)
    if action == "assign":
        return assign(assignee=values.get("assignee"), note=values.get("note"), **common)
    if action == "move":
        return move(site_id=values.get("site_id"), note=values.get("note"), **common)
    if action == "repair":
        return record_repair(
            description=values["description"],
            condition=values["condition"],
            cost_eur=values.get("cost_eur"),
            **common,
        )
    if action == "upgrade":
        changes = {k: values.get(k) for k in ("ram_gb", "storage_gb", "storage_type")}
        return record_upgrade(description=values["description"], changes=changes, **common)
    if action == "retire":
        return retire(
            date=values["date"],
            reason=values.get("reason") or "",
            condition=values.get("condition"),
            **common,
        )
    raise ValueError(f"unknown device action {action!r}; expected edit or one of {ACTIONS}")
