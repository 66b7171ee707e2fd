"""The reuse queue: flagged devices grouped by recommended channel, decisions and lots.

Devices to review (retired, ageing, broken) come from the same engine as
``sobriety flag``, listed by recommended channel in the policy's order. Space
selects rows; the selection (or the row under the cursor) is accepted,
overridden with a reason, or put in a new lot for one recipient. A refused
device is listed with every blocking check. The Lots tab closes a lot and
writes its transfer slip (PDF and CSV) where the user says.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static, TabbedContent, TabPane

from sobriety.domain.inventory.form import FieldError
from sobriety.domain.labels import choices, label
from sobriety.domain.reuse.lots import LotRuleError, normalise_siret
from sobriety.domain.reuse.text import channel_name
from sobriety.domain.vocab import Channel
from sobriety.i18n import N_, _, fmt_number, pgettext
from sobriety.tui import field_parsers as fp
from sobriety.tui import reuse_queue_data as q
from sobriety.tui.messages import DataChanged, LoadProgressed
from sobriety.tui.reuse_forms import bulk_override_form
from sobriety.tui.screens.action_dialog import ActionDialog, ActionForm, DialogField
from sobriety.tui.screens.problems import ProblemsDialog, refusal_rows
from sobriety.tui.widgets.work_progress import WorkProgress

if TYPE_CHECKING:
    from sobriety.tui.app import SobrietyApp

TODO_LABELS = {
    "erasure_missing": N_("erasure to record"),
    "erasure_level": N_("stronger erasure"),
    "declare_value": N_("value to declare"),
}
MARK = "✓"


def _siret(text: str) -> str | None:
    try:
        return normalise_siret(text)
    except LotRuleError as exc:
        raise FieldError("", str(exc)) from exc


def _slip_target(text: str) -> str:
    """Kept as typed: a trailing "/" names a folder that may not exist yet."""
    text = (text or "").strip()
    if not text:
        raise FieldError("", _("a folder or a file name is required"))
    return text


class ReuseQueueScreen(Screen[None]):
    """Flagged devices by channel; decide in bulk, build and close lots."""

    BINDINGS = [
        Binding("space", "toggle", _("Select")),
        Binding("a", "select_group", _("Select channel")),
        Binding("x", "clear_selection", pgettext("action", "Clear"), show=False),
        Binding("g", "next_group", _("Next channel"), show=False),
        Binding("c", "accept", _("Accept")),
        Binding("o", "override", _("Override")),
        Binding("l", "build_lot", _("Build lot")),
        Binding("k", "close_lot", _("Close lot")),
        Binding("p", "write_slip", _("Slip")),
        Binding("r", "refresh", _("Refresh")),
    ]

    def __init__(self) -> None:
        super().__init__(id="reuse-queue")
        self.rows: list[q.QueueRow] = []
        self.selected: set[str] = set()
        self.lots: list[q.LotRow] = []
        self.last_slip: tuple[Path, Path] | None = None
        self._generation_shown = -1

    @property
    def sobriety(self) -> SobrietyApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield WorkProgress(id="queue-progress")
        yield Static(_("Evaluating the fleet…"), id="queue-summary")
        with TabbedContent(id="queue-tabs"):
            with TabPane(_("Flagged devices"), id="tab-queue"):
                yield DataTable(id="queue", cursor_type="row", zebra_stripes=True)
                yield Static("", id="queue-detail")
            with TabPane(_("Lots"), id="tab-lots"):
                yield DataTable(id="lots", cursor_type="row", zebra_stripes=True)
                yield Static("", id="lot-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = _("Reuse queue")
        self.table.add_columns(
            " ", _("Channel"), _("Asset tag"), _("Category"), _("Model"), _("Site"),
            _("Status"), _("Decided"), _("Lot"), _("To do"),
        )  # fmt: skip
        self.lots_table.add_columns(
            _("Lot"), _("Channel"), _("Recipient"), _("Kind"), _("SIRET"), _("Status"),
            _("Devices"),
        )  # fmt: skip
        self.action_refresh()

    def on_screen_resume(self) -> None:
        if self._generation_shown != self.sobriety.data_generation:
            self.action_refresh()

    @property
    def table(self) -> DataTable:
        return self.query_one("#queue", DataTable)

    @property
    def lots_table(self) -> DataTable:
        return self.query_one("#lots", DataTable)

    # ---------------------------------------------------------------- loading
    def action_refresh(self) -> None:
        self._generation_shown = self.sobriety.data_generation
        self.query_one(WorkProgress).begin(_("Evaluating the channels of every device…"))
        self._load()

    def _policy(self):
        from sobriety.domain.reuse.policy import resolve_policy

        return resolve_policy(self.sobriety.settings.policy)

    @work(thread=True, exclusive=True, exit_on_error=False, group="queue-load")
    def _load(self) -> None:
        app = self.sobriety
        try:
            self.post_message(LoadProgressed(_("Evaluating the channels of every device…"), 0, 2))
            rows = q.load_queue(app.engine, self._policy(), app.today())
            self.post_message(LoadProgressed(_("Reading the lots"), 1, 2))
            lots = q.list_lots(app.engine)
        except Exception as exc:
            self.app.call_from_thread(self._failed, str(exc).splitlines()[0])
            return
        self.app.call_from_thread(self._show, rows, lots)

    def on_load_progressed(self, message: LoadProgressed) -> None:
        self.query_one(WorkProgress).show(message)

    def _failed(self, error: str) -> None:
        self.query_one(WorkProgress).done()
        self.query_one("#queue-summary", Static).update(
            _("Could not evaluate the devices: {error}").format(error=error)
        )
        self.notify(error, title=_("Reuse queue"), severity="error")

    def _show(self, rows: list[q.QueueRow], lots: list[q.LotRow]) -> None:
        self.query_one(WorkProgress).done()
        tags = {r.asset_tag for r in rows}
        self.selected &= tags
        cursor = self.table.cursor_row
        self.rows = rows
        table = self.table
        table.clear()
        for r in rows:
            table.add_row(*self._cells(r), key=r.asset_tag)
        if rows:
            table.move_cursor(row=min(cursor, len(rows) - 1))
        self.lots = lots
        lots_table = self.lots_table
        lots_table.clear()
        for lot in lots:
            lots_table.add_row(
                lot.code,
                label("reuse_channel", lot.channel),
                lot.recipient,
                label("recipient_kind", lot.kind),
                lot.siret or "-",
                label("lot_status", lot.status),
                fmt_number(lot.devices),
                key=lot.code,
            )
        self._update_summary()
        self._update_detail()

    def _cells(self, r: q.QueueRow) -> tuple[str, ...]:
        return (
            MARK if r.asset_tag in self.selected else " ",
            label("reuse_channel", r.recommended) if r.recommended else _("none possible"),
            r.asset_tag,
            label("category", r.category),
            r.what or "-",
            r.site or "-",
            label("status", r.status),
            label("reuse_channel", r.decided) if r.decided else "-",
            r.lot or "-",
            ", ".join(_(TODO_LABELS.get(t, t)) for t in r.to_do) or "-",
        )

    def _update_summary(self) -> None:
        counts = q.channel_counts(self.rows)
        groups = " · ".join(
            f"{label('reuse_channel', c) if c else _('none possible')} {fmt_number(n)}"
            for c, n in counts.items()
        )
        text = _("{n} devices to review: {groups}").format(
            n=fmt_number(len(self.rows)), groups=groups
        )
        if not self.rows:
            text = _("No device to review.")
        if self.selected:
            text += "  " + _("[{n} selected]").format(n=fmt_number(len(self.selected)))
        self.query_one("#queue-summary", Static).update(text)

    # -------------------------------------------------------------- selection
    def current(self) -> q.QueueRow | None:
        if not self.rows or self.table.cursor_row >= len(self.rows):
            return None
        return self.rows[self.table.cursor_row]

    def targets(self) -> list[q.QueueRow]:
        """The selected rows, or the row under the cursor when nothing is selected."""
        if self.selected:
            return [r for r in self.rows if r.asset_tag in self.selected]
        row = self.current()
        return [row] if row is not None else []

    def _mark(self, tags: set[str]) -> None:
        for r in self.rows:
            if r.asset_tag in tags:
                self.table.update_cell(
                    r.asset_tag, self.table.ordered_columns[0].key,
                    MARK if r.asset_tag in self.selected else " ",
                )  # fmt: skip
        self._update_summary()

    def action_toggle(self) -> None:
        row = self.current()
        if row is None:
            return
        self.selected ^= {row.asset_tag}
        self._mark({row.asset_tag})
        if self.table.cursor_row < len(self.rows) - 1:
            self.table.move_cursor(row=self.table.cursor_row + 1)

    def action_select_group(self) -> None:
        """Select every device recommended for the channel under the cursor."""
        row = self.current()
        if row is None:
            return
        group = {r.asset_tag for r in self.rows if r.recommended == row.recommended}
        self.selected |= group
        self._mark(group)

    def action_clear_selection(self) -> None:
        changed, self.selected = set(self.selected), set()
        self._mark(changed)

    def action_next_group(self) -> None:
        row = self.current()
        if row is None:
            return
        for i in range(self.table.cursor_row + 1, len(self.rows)):
            if self.rows[i].recommended != row.recommended:
                self.table.move_cursor(row=i)
                return
        self.table.move_cursor(row=0)

    @on(DataTable.RowHighlighted, "#queue")
    def _update_detail(self) -> None:
        row = self.current()
        detail = self.query_one("#queue-detail", Static)
        if row is None:
            detail.update("")
            return
        lines = [
            f"{row.asset_tag} · {label('category', row.category)} · {row.what or '-'}",
            _("Recommended: {channel}").format(
                channel=channel_name(row.recommended) if row.recommended else "-"
            )
            + "  ·  "
            + _("counts toward the décret 2023-266 rate: {yes}").format(
                yes=_("yes") if row.in_scope else _("no")
            ),
            _("Also possible: {channels}").format(
                channels=", ".join(channel_name(c) for c in row.alternatives) or "-"
            ),
            _("Enter opens the device with every reason and its source."),
        ]
        detail.update("\n".join(lines))

    @on(DataTable.RowSelected, "#queue")
    def _open(self, event: DataTable.RowSelected) -> None:
        self.sobriety.open_device(str(event.row_key.value))

    @on(DataTable.RowHighlighted, "#lots")
    def _update_lot_detail(self) -> None:
        lot = self.current_lot()
        text = ""
        if lot is not None:
            text = _("{code}: {n} device(s) for {recipient}, {channel}.").format(
                code=lot.code,
                n=fmt_number(lot.devices),
                recipient=lot.recipient,
                channel=channel_name(lot.channel),
            )
            text += "\n" + _("k closes the lot (devices leave); p writes its slip (PDF + CSV).")
            if self.last_slip:
                text += "\n" + _("Last slip: {pdf}, {csv}").format(
                    pdf=self.last_slip[0], csv=self.last_slip[1]
                )
        self.query_one("#lot-detail", Static).update(text)

    def current_lot(self) -> q.LotRow | None:
        table = self.lots_table
        if not self.lots or table.cursor_row >= len(self.lots):
            return None
        return self.lots[table.cursor_row]

    # -------------------------------------------------------------- decisions
    def action_accept(self) -> None:
        rows = self.targets()
        if not rows:
            return
        form = ActionForm(
            "accept",
            _("Accept the recommended channel"),
            [],
            text=_("{n} device(s): each gets its own recommended channel.").format(n=len(rows)),
        )
        self.app.push_screen(
            ActionDialog(form),
            lambda v: None if v is None else self._decide([r.asset_tag for r in rows], None, None),
        )

    def action_override(self) -> None:
        rows = self.targets()
        if not rows:
            return
        channels = [(channel_name(c), str(c)) for c in self._policy().order]
        self.app.push_screen(
            ActionDialog(bulk_override_form(channels, len(rows))),
            lambda v: (
                None
                if v is None
                else self._decide([r.asset_tag for r in rows], v["channel"], v["reason"])
            ),
        )

    @work(thread=True, exit_on_error=False, group="queue-write")
    def _decide(self, tags: list[str], channel: str | None, reason: str | None) -> None:
        app = self.sobriety
        self.app.call_from_thread(self.query_one(WorkProgress).begin, _("Recording the decisions…"))
        done, refused = q.decide_many(
            app.engine, self._policy(), tags, actor=app.actor, on=app.today(),
            channel=channel, reason=reason,
        )  # fmt: skip
        self.app.call_from_thread(self._decided, done, refused)

    def _decided(self, done: list[str], refused: q.Refusals) -> None:
        self.query_one(WorkProgress).done()
        self.selected -= set(done)
        if done:
            self.notify(_("{n} decision(s) recorded in the devices' history.").format(n=len(done)))
            self.post_message(DataChanged("decision"))
        if refused:
            self.app.push_screen(
                ProblemsDialog(
                    _("Refused"),
                    _("{n} device(s) not decided; nothing was written for them.").format(
                        n=len(refused)
                    ),
                    [_("Device"), _("Reason")],
                    refusal_rows(refused),
                )
            )
        self.action_refresh()

    # ------------------------------------------------------------------- lots
    def action_build_lot(self) -> None:
        rows = self.targets()
        if not rows:
            self.notify(_("Select devices first (space)."))
            return
        channel = q.most_common_channel(rows)
        form = ActionForm(
            "lot",
            _("Build a lot of {n} device(s)").format(n=len(rows)),
            [
                DialogField(
                    "recipient_name",
                    _("Recipient"),
                    parser=fp.text(200, required=True),
                    allow_blank=False,
                ),
                DialogField(
                    "recipient_kind",
                    _("Kind"),
                    kind="choice",
                    choices=choices("recipient_kind"),
                    parser=fp.required,
                    allow_blank=False,
                ),
                DialogField("siret", _("SIRET"), parser=_siret, placeholder=_("14 digits")),
                DialogField(
                    "channel",
                    _("Channel"),
                    kind="choice",
                    value=channel,
                    choices=[(channel_name(c), str(c)) for c in Channel],
                    parser=fp.required,
                    allow_blank=False,
                ),
            ],
        )
        tags = [r.asset_tag for r in rows]
        self.app.push_screen(
            ActionDialog(form), lambda v: None if v is None else self._build_lot(tags, v)
        )

    @work(thread=True, exit_on_error=False, group="queue-write")
    def _build_lot(self, tags: list[str], values: dict[str, Any]) -> None:
        app = self.sobriety
        self.app.call_from_thread(
            self.query_one(WorkProgress).begin, _("Checking every device against the lot…")
        )
        try:
            code = q.build_lot(
                app.engine, self._policy(), tags, actor=app.actor, on=app.today(), **values
            )
        except q.ReuseError as exc:
            refused = q.split_problems(exc.problems) or {"": [str(exc)]}
            self.app.call_from_thread(self._lot_refused, str(exc).splitlines()[0], refused)
            return
        except (ValueError, LookupError) as exc:
            self.app.call_from_thread(self._lot_refused, str(exc), {"": [str(exc)]})
            return
        self.app.call_from_thread(self._lot_built, code, tags)

    def _lot_refused(self, title: str, refused: q.Refusals) -> None:
        self.query_one(WorkProgress).done()
        self.app.push_screen(
            ProblemsDialog(
                _("Lot refused"),
                title + " " + _("Nothing was written."),
                [_("Device"), _("Blocking check")],
                refusal_rows(refused),
            )
        )

    def _lot_built(self, code: str, tags: list[str]) -> None:
        self.selected -= set(tags)
        self.notify(_("Lot {code} created with {n} device(s).").format(code=code, n=len(tags)))
        self.post_message(DataChanged("lot"))
        self.action_refresh()
        self.query_one(TabbedContent).active = "tab-lots"

    def action_close_lot(self) -> None:
        lot = self.current_lot() if self._on_lots_tab() else None
        if lot is None:
            self.notify(_("Choose a lot in the Lots tab."))
            return
        if lot.status != "open":
            self.notify(_("Lot {code} is already closed.").format(code=lot.code))
            return
        form = ActionForm(
            "close",
            _("Close lot {code}").format(code=lot.code),
            [
                DialogField("deed_ref", _("Deed reference"), parser=fp.text(120)),
                DialogField("commitment_ref", _("Commitment reference"), parser=fp.text(120)),
            ],
            text=_(
                "Its {n} device(s) leave the organisation today; a transfer is recorded."
            ).format(n=lot.devices),
        )
        self.app.push_screen(
            ActionDialog(form), lambda v: None if v is None else self._close_lot(lot.code, v)
        )

    @work(thread=True, exit_on_error=False, group="queue-write")
    def _close_lot(self, code: str, values: dict[str, Any]) -> None:
        app = self.sobriety
        try:
            n = q.close_lot(
                app.engine, self._policy(), code, actor=app.actor, on=app.today(), **values
            )
        except q.ReuseError as exc:
            refused = q.split_problems(exc.problems) or {"": [str(exc)]}
            self.app.call_from_thread(self._lot_refused, str(exc).splitlines()[0], refused)
            return
        self.app.call_from_thread(self._lot_closed, code, n)

    def _lot_closed(self, code: str, n: int) -> None:
        self.notify(_("Lot {code} closed: {n} device(s) transferred.").format(code=code, n=n))
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
                )
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
        app = self.sobriety
        try:
            paths = q.write_slip(app.engine, self._policy(), code, values["target"])
        except OSError as exc:
            self.app.call_from_thread(
                self.notify, str(exc), title=_("Slip not written"), severity="error"
            )
            return
        self.app.call_from_thread(self._slip_written, paths)

    def _slip_written(self, paths: tuple[Path, Path]) -> None:
        self.last_slip = paths
        self.notify(_("Slip written: {pdf}, {csv}").format(pdf=paths[0], csv=paths[1]))
        self._update_lot_detail()

    def _on_lots_tab(self) -> bool:
        return self.query_one(TabbedContent).active == "tab-lots"

    # -------------------------------------------------------------- palette
    def palette_commands(self) -> Iterator[tuple[str, str, Callable[[], Any]]]:
        yield (
            _("Accept the recommended channels"),
            _("Selection or cursor row · key c"),
            self.action_accept,
        )
        yield _("Override the channel"), _("Selection or cursor row · key o"), self.action_override
        yield _("Build a lot from the selection"), _("Key l"), self.action_build_lot
        yield _("Close the lot"), _("Lots tab · key k"), self.action_close_lot
        yield _("Write the lot's transfer slip"), _("PDF and CSV · key p"), self.action_write_slip
        yield _("Select the channel's devices"), _("Key a"), self.action_select_group
        yield _("Clear the selection"), _("Key x"), self.action_clear_selection
        yield _("Refresh the reuse queue"), _("Key r"), self.action_refresh
