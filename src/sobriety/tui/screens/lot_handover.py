"""The reuse queue's lot handover: close a lot, write its transfer slip.

A mixin of :class:`~sobriety.tui.screens.reuse_queue.ReuseQueueScreen`. Closing
passes the lot's version as the screen read it: if someone changed the lot
since (another technician added a device, or closed it), the close is refused
with who changed what and when, nothing is written, and the close form opens
again with what was typed, ready to retry on the lot as it is now.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual import work

from sobriety.app import lots, reuse_queue
from sobriety.domain.inventory.form import FieldError
from sobriety.i18n import _, ngettext
from sobriety.tui import field_parsers as fp
from sobriety.tui.host import host
from sobriety.tui.messages import DataChanged, LotClosed, LotRefused, SlipWritten
from sobriety.tui.screens.action_dialog import ActionDialog, ActionForm, DialogField


def _slip_target(text: str) -> str:
    """Kept as typed: a trailing "/" names a folder that may not exist yet."""
    text = (text or "").strip()
    if not text:
        raise FieldError("", _("a folder or a file name is required"))
    return text


class LotHandover:
    """Close the lot under the cursor of the Lots tab, write its slip."""

    # The screen provides: current_lot(), _on_lots_tab(), action_refresh(),
    # _update_lot_detail() and last_slip.

    def action_close_lot(self) -> None:
        lot = self.current_lot() if self._on_lots_tab() else None
        if lot is None:
            self.notify(_("Choose a lot in the Lots tab."))
            return
        if lot.status != "open":
            self.notify(_("Lot {code} is already closed.").format(code=lot.code))
            return
        self.open_close_form(lot.code, lot.devices, lot.version)

    def open_close_form(
        self, code: str, devices: int, version: int, values: dict[str, Any] | None = None
    ) -> None:
        form = ActionForm(
            "close",
            _("Close lot {code}").format(code=code),
            [
                DialogField("deed_ref", _("Deed reference"), parser=fp.text(120)),
                DialogField("commitment_ref", _("Commitment reference"), parser=fp.text(120)),
            ],
            text=ngettext(
                "Its {n} device leaves the organisation today; a transfer is recorded.",
                "Its {n} devices leave the organisation today; a transfer is recorded.",
                devices,
            ).format(n=devices),
        )
        if values:
            form = form.filled(values)
        self.app.push_screen(
            ActionDialog(form),
            lambda v: None if v is None else self._close_lot(code, devices, version, v),
        )

    @work(thread=True, exit_on_error=False, group="queue-write")
    def _close_lot(self, code: str, devices: int, version: int, values: dict[str, Any]) -> None:
        try:
            closed = lots.close(host(self).sobriety, code, expected_version=version, **values)
        except (ValueError, LookupError, lots.ConflictError) as exc:  # refused: nothing written
            title, refused = reuse_queue.refusals(exc)
            now = getattr(exc, "current", None) or version
            self.post_message(LotRefused(title, refused, values=values, close=(code, devices, now)))
            return
        self.post_message(LotClosed(closed.code, closed.devices))

    def on_lot_closed(self, message: LotClosed) -> None:
        message.stop()
        self.notify(
            ngettext(
                "Lot {code} closed: {n} device transferred.",
                "Lot {code} closed: {n} devices transferred.",
                message.devices,
            ).format(code=message.code, n=message.devices)
        )
        self.post_message(DataChanged("lot"))
        self.action_refresh()

    def action_write_slip(self) -> None:
        lot = self.current_lot() if self._on_lots_tab() else None
        if lot is None:
            self.notify(_("Choose a lot in the Lots tab."))
            return
        form = ActionForm(
            "slip",
            _("Transfer slip of lot {code}").format(code=lot.code),
            [
                DialogField(
                    "target",
                    _("Folder or file"),
                    value=str(Path.cwd()),
                    parser=_slip_target,
                    allow_blank=False,
                ),
                DialogField("force", _("Replace a slip already written there"), kind="bool"),
            ],
            text=_(
                "Writes {code}.pdf and {code}.csv in a folder, or FILE.pdf and FILE.csv."
            ).format(code=lot.code),
        )
        self.app.push_screen(
            ActionDialog(form), lambda v: None if v is None else self._write_slip(lot.code, v)
        )

    @work(thread=True, exit_on_error=False, group="queue-write")
    def _write_slip(self, code: str, values: dict[str, Any]) -> None:
        try:
            pdf, csv = lots.write_slip(
                host(self).sobriety,
                code,
                target=values["target"],
                force=bool(values.get("force")),
            )
        except (OSError, LookupError) as exc:
            self.post_message(SlipWritten(code, error=str(exc)))
            return
        self.post_message(SlipWritten(code, pdf, csv))

    def on_slip_written(self, message: SlipWritten) -> None:
        message.stop()
        if message.error is not None:
            self.notify(message.error, title=_("Slip not written"), severity="error")
            return
        self.last_slip = (message.pdf, message.csv)
        self.notify(_("Slip written: {pdf}, {csv}").format(pdf=message.pdf, csv=message.csv))
        self._update_lot_detail()
