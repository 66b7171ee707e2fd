"""Writing a change to a device from a worker thread, reported as messages.

:func:`write_change` runs one edit or action in its own transaction and posts
``DeviceSaved``, ``SaveConflicted`` (someone else changed the device since
``base`` was read: nothing written, and what they changed is listed) or
``SaveFailed``. It touches no widget, so it is safe in a thread worker.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from textual.message_pump import MessagePump

from sobriety.storage import db
from sobriety.storage.decisions import ReuseError
from sobriety.storage.device_actions import apply_action
from sobriety.storage.device_pages import device_detail
from sobriety.storage.devices import ConflictError, NotFoundError
from sobriety.storage.models import Device
from sobriety.tui.messages import DeviceSaved, SaveConflicted, SaveFailed

#: Columns that change on every write and say nothing to the user.
_BOOKKEEPING = frozenset({"version", "updated_at"})


def changed_since(engine: Engine, asset_tag: str, base: dict[str, Any]) -> dict[str, Any]:
    """``{field: (value read, value now)}`` for the fields someone else changed."""
    try:
        now = device_detail(engine, asset_tag).values
    except NotFoundError:
        return {}
    return {
        k: (base.get(k), v) for k, v in now.items() if k not in _BOOKKEEPING and base.get(k) != v
    }


def write_change(
    target: MessagePump,
    engine: Engine,
    *,
    action: str,
    base: dict[str, Any],
    values: dict[str, Any],
    actor: str | None,
    apply: Callable[[Any], Device] | None = None,
) -> None:
    """Run ``action`` (or ``apply(session)``, e.g. a reuse decision) and report it."""
    asset_tag = base["asset_tag"]
    try:
        with db.session_scope(engine) as session:
            if apply is not None:
                device = apply(session)
            else:
                device = apply_action(
                    session=session,
                    action=action,
                    asset_tag=asset_tag,
                    expected_version=base["version"],
                    values=values,
                    actor=actor,
                )
            version = device.version
    except ConflictError as exc:
        target.post_message(
            SaveConflicted(
                asset_tag, action, exc.expected, exc.current, changed_since(engine, asset_tag, base)
            )
        )
        return
    except IntegrityError as exc:
        reason = str(exc.orig).splitlines()[0] if exc.orig else str(exc)
        target.post_message(SaveFailed(asset_tag, action, reason))
        return
    except ReuseError as exc:  # every reason, not just the first line
        target.post_message(
            SaveFailed(asset_tag, action, "; ".join(str(exc).splitlines()), exc.problems)
        )
        return
    except (SQLAlchemyError, NotFoundError, ValueError) as exc:
        target.post_message(SaveFailed(asset_tag, action, str(exc).splitlines()[0]))
        return
    target.post_message(DeviceSaved(values.get("asset_tag", asset_tag), version, action))
