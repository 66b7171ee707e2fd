"""Reuse decisions from the TUI: the accept and override forms.

The forms are :class:`~sobriety.tui.screens.action_dialog.ActionForm` built
from a device's flag. The write they lead to is
:func:`sobriety.app.reuse.decision` (checked against the application's
policy, with the version the user saw, so a device changed meanwhile is a
conflict, not a silent overwrite).
"""

from __future__ import annotations

from sobriety.app.reuse import POLICY_ACTIONS
from sobriety.domain.reuse.text import channel_name, render_reason, state_name
from sobriety.i18n import _
from sobriety.tui import field_parsers as fp
from sobriety.tui.screens.action_dialog import ActionForm, DialogField

__all__ = [
    "POLICY_ACTIONS",
    "accept_form",
    "bulk_override_form",
    "override_choices",
    "override_form",
    "todo_text",
]

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
