"""Writing a change to a device from a worker thread, reported as messages.

:func:`write_change` runs one edit or action through
:func:`sobriety.app.inventory.save` (one transaction, optimistic locking) and
posts ``DeviceSaved``, ``SaveConflicted`` (someone else changed the device since
``base`` was read: nothing written, and what they changed is listed) or
``SaveFailed``. It touches no widget, so it is safe in a thread worker.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.message_pump import MessagePump

from sobriety.app import inventory
from sobriety.app.context import Sobriety
from sobriety.tui.messages import DeviceSaved, SaveConflicted, SaveFailed


def write_change(
    target: MessagePump,
    sobriety: Sobriety,
    *,
    action: str,
    base: dict[str, Any],
    values: dict[str, Any],
    apply: Callable[[Any], Any] | None = None,
    source: str = "tui/device",
) -> None:
    """Run ``action`` (or ``apply(session)``, e.g. a reuse decision) and report it.

    ``source`` is the screen named in the history entry (``tui/device``).
    """
    with sobriety.acting_from(source):
        outcome = inventory.save(sobriety, action=action, base=base, values=values, apply=apply)
    if isinstance(outcome, inventory.Conflicted):
        target.post_message(
            SaveConflicted(
                outcome.asset_tag,
                action,
                outcome.expected,
                outcome.current,
                outcome.changed,
                list(outcome.events),
            )
        )
    elif isinstance(outcome, inventory.Refused):
        target.post_message(
            SaveFailed(outcome.asset_tag, action, outcome.reason, list(outcome.problems))
        )
    else:
        target.post_message(DeviceSaved(outcome.asset_tag, outcome.version, action))
