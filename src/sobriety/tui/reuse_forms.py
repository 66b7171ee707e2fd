"""Reuse decisions from the TUI: the accept and override forms, and the writes.

The forms are :class:`~sobriety.tui.screens.action_dialog.ActionForm` built
from a device's flag; :func:`decision` returns the write to run in a session
(``reuse_store.accept`` / ``override`` / ``record_erasure``, checked against
the reuse policy, with the version the user saw, so a device changed
meanwhile is a conflict, not a silent overwrite).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sobriety.domain.reuse.lots import ErasureInput
from sobriety.domain.reuse.text import channel_name, render_reason, state_name
from sobriety.i18n import _
from sobriety.tui import field_parsers as fp
from sobriety.tui.screens.action_dialog import ActionForm, DialogField

REASON_MAX = 500


def _reason():
    return fp.text(REASON_MAX, required=True, missing=_("say why (recorded in the history)"))


def todo_text(reasons) -> str:
    return "\n".join("  ! " + render_reason(r) for r in reasons)


def accept_form(flag) -> ActionForm:
    rec = flag.recommended
    text = _("Recommended: {channel}").format(channel=channel_name(rec.channel))
    if rec.blockers:
        text += "\n" + _("Still to do before it leaves:") + "\n" + todo_text(rec.blockers)
    return ActionForm("accept", _("Accept the recommended channel"), [], text=text)


def override_choices(flag, exclude: str | None = None) -> list[tuple[str, str]]:
    """Channels the policy does not rule out, with their state."""
    return [
        (f"{channel_name(o.channel)} ({state_name(o.state)})", str(o.channel))
        for o in flag.outcomes
        if o.state != "ruled_out" and str(o.channel) != exclude
    ]


def override_form(flag, decided: str | None = None) -> ActionForm:
    rec = flag.recommended
    text = (
        _("Recommended: {channel}").format(channel=channel_name(rec.channel))
        if rec is not None
        else _("No channel recommended.")
    )
    if decided:
        text += "\n" + _("Decided: {channel}").format(channel=channel_name(decided))
    return ActionForm(
        "override",
        _("Choose another channel"),
        [
            DialogField(
                "channel",
                _("Channel"),
                kind="choice",
                choices=override_choices(flag, str(rec.channel) if rec else None),
                parser=fp.required,
                allow_blank=False,
            ),
            DialogField("reason", _("Reason"), parser=_reason(), allow_blank=False),
        ],
        text=text,
    )


def bulk_override_form(channels: list[tuple[str, str]], n: int) -> ActionForm:
    return ActionForm(
        "override",
        _("Choose another channel for {n} devices").format(n=n),
        [
            DialogField(
                "channel",
                _("Channel"),
                kind="choice",
                choices=channels,
                parser=fp.required,
                allow_blank=False,
            ),
            DialogField("reason", _("Reason"), parser=_reason(), allow_blank=False),
        ],
    )


#: Device actions written by :func:`decision` (checked against the reuse policy).
POLICY_ACTIONS = ("accept", "override", "erasure")


def erasure_record(values: dict[str, Any]) -> ErasureInput:
    """The erasure record entered in the erasure form."""
    return ErasureInput(
        method=values["method"],
        level=values["level"],
        tool=values.get("tool"),
        operator=values.get("operator"),
        date=values["date"],
        verified=bool(values.get("verified")),
        certificate_id=values.get("certificate_id"),
    )


def decision(
    action: str,
    base: dict[str, Any],
    values: dict[str, Any],
    *,
    policy_path: Path | None,
    actor: str | None,
    on: dt.date,
) -> Callable[[Any], Any]:
    """The write of ``action`` on the device ``base`` (its version checked) under the policy.

    ``accept`` and ``override`` record a reuse decision; ``erasure`` records
    an erasure, refused (:class:`~sobriety.storage.decisions.ReuseError`
    with every reason) when the policy or the dates do not allow it.
    """
    from sobriety.domain.reuse.policy import resolve_policy
    from sobriety.storage import decisions as reuse_store
    from sobriety.storage import devices as repository

    def apply(session) -> Any:
        policy = resolve_policy(policy_path)  # an invalid file is a refusal, reported
        common = {
            "session": session,
            "policy": policy,
            "asset_tag": base["asset_tag"],
            "actor": actor,
            "on": on,
            "expected_version": base.get("version"),
        }
        if action == "erasure":
            reuse_store.record_erasure(
                session=session,
                policy=policy,
                asset_tag=base["asset_tag"],
                record=erasure_record(values),
                actor=actor,
                today=on,
                expected_version=base.get("version"),
            )
            return repository.get_device(session=session, asset_tag=base["asset_tag"])
        if action == "accept":
            device, _flag = reuse_store.accept(**common)
        else:
            device, _flag = reuse_store.override(
                channel=values["channel"], reason=values["reason"], **common
            )
        return device

    return apply
