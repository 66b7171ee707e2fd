"""The reuse queue: flagged devices grouped by recommended channel, decisions and lots.

Devices to review (retired, ageing, broken) come from the same engine as
``sobriety flag``, listed by recommended channel in the policy's order. Space
selects rows; the selection (or the row under the cursor) is accepted,
overridden with a reason, or put in a new lot for one recipient. A refused
device is listed with every blocking check. The Lots tab closes a lot and
writes its transfer slip (PDF and CSV) where the user says.

The work runs in thread workers through :mod:`sobriety.app.reuse_queue` and
:mod:`sobriety.app.lots` (the application's policy and clock); the workers
report with messages (:mod:`sobriety.tui.messages`), handled here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static, TabbedContent, TabPane
from textual.worker import get_current_worker

from sobriety.app import lots, reuse_queue
from sobriety.app.lots import LotRow
from sobriety.app.reuse_queue import QueueRow
from sobriety.domain.labels import label
from sobriety.domain.reuse.text import channel_name, counts_text
from sobriety.domain.vocab import RecipientKind
from sobriety.i18n import N_, _, fmt_number, ngettext, pgettext
from sobriety.tui.host import host
from sobriety.tui.lot_forms import LotDialog, lot_form
from sobriety.tui.messages import (
    DataChanged,
    DecisionsRecorded,
    LoadProgressed,
    LotBuilt,
    LotRefused,
    ReuseQueueLoaded,
)
from sobriety.tui.reuse_forms import bulk_override_form
from sobriety.tui.screens.action_dialog import ActionDialog, ActionForm
from sobriety.tui.screens.lot_handover import LotHandover
from sobriety.tui.screens.problems import ProblemsDialog, refusal_rows
from sobriety.tui.widgets.work_progress import WorkProgress

TODO_LABELS = {
    "erasure_missing": N_("erasure to record"),
    "erasure_level": N_("stronger erasure"),
    "declare_value": N_("value to declare"),
}
MARK = "✓"


class ReuseQueueScreen(LotHandover, Screen[None]):
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
        Binding("n", "renewal_candidates", _("Renewal"), show=False),
    ]

    def __init__(self) -> None:
        super().__init__(id="reuse-queue")
        self.rows: list[QueueRow] = []
        self.selected: set[str] = set()
        self.lots: list[LotRow] = []
        self.last_slip: tuple[Path, Path] | None = None
        self._generation_shown = -1
        #: What the lot form held when the lot was refused (kept until one is built).
        self._lot_values: dict[str, Any] = {}

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
        if self._generation_shown != host(self).data_generation:
            self.action_refresh()

    @property
    def table(self) -> DataTable:
        return self.query_one("#queue", DataTable)

    @property
    def lots_table(self) -> DataTable:
        return self.query_one("#lots", DataTable)

    # ---------------------------------------------------------------- loading
    def action_refresh(self) -> None:
        self._generation_shown = host(self).data_generation
        self.query_one(WorkProgress).begin(_("Evaluating the channels of every device…"))
        self._load()

    def _progress(self, text: str, done: float, total: float | None) -> None:
        """Progress of the work of a worker, as messages (thread-safe)."""
        self.post_message(LoadProgressed(text, done, total))

    @work(thread=True, exclusive=True, exit_on_error=False, group="queue-load")
    def _load(self) -> None:
        app = host(self).sobriety
        try:
            rows = reuse_queue.rows(app, progress=self._progress)
            found = lots.list_lots(app)
        except Exception as exc:  # shown in the summary line, the screen stays usable
            self.post_message(ReuseQueueLoaded(error=str(exc).splitlines()[0]))
            return
        if not get_current_worker().is_cancelled:  # a newer refresh replaced this one
            self.post_message(ReuseQueueLoaded(rows, found))

    def on_load_progressed(self, message: LoadProgressed) -> None:
        self.query_one(WorkProgress).show(message)

    def on_reuse_queue_loaded(self, message: ReuseQueueLoaded) -> None:
        message.stop()
        self.query_one(WorkProgress).done()
        if message.error is not None:
            self.query_one("#queue-summary", Static).update(
                _("Could not evaluate the devices: {error}").format(error=message.error)
            )
            self.notify(message.error, title=_("Reuse queue"), severity="error")
            return
        rows = message.rows
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
        self.lots = message.lots
        lots_table = self.lots_table
        lots_table.clear()
        for lot in self.lots:
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

    def _cells(self, r: QueueRow) -> tuple[str, ...]:
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
        counts = reuse_queue.channel_counts(self.rows)
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
            n = len(self.selected)
            text += "  " + ngettext("[{n} selected]", "[{n} selected]", n).format(n=fmt_number(n))
        self.query_one("#queue-summary", Static).update(text)

    # -------------------------------------------------------------- selection
    def current(self) -> QueueRow | None:
        if not self.rows or self.table.cursor_row >= len(self.rows):
            return None
        return self.rows[self.table.cursor_row]

    def targets(self) -> list[QueueRow]:
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
            + counts_text(row.counts_toward_target),
            _("Also possible: {channels}").format(
                channels=", ".join(channel_name(c) for c in row.alternatives) or "-"
            ),
            _("Enter opens the device with every reason and its source."),
        ]
        detail.update("\n".join(lines))

    @on(DataTable.RowSelected, "#queue")
    def _open(self, event: DataTable.RowSelected) -> None:
        host(self).open_device(str(event.row_key.value))

    @on(DataTable.RowHighlighted, "#lots")
    def _update_lot_detail(self) -> None:
        lot = self.current_lot()
        text = ""
        if lot is not None:
            text = ngettext(
                "{code}: {n} device for {recipient}, {channel}.",
                "{code}: {n} devices for {recipient}, {channel}.",
                lot.devices,
            ).format(
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

    def current_lot(self) -> LotRow | None:
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
            text=ngettext(
                "{n} device: it gets its recommended channel.",
                "{n} devices: each gets its own recommended channel.",
                len(rows),
            ).format(n=len(rows)),
        )
        self.app.push_screen(
            ActionDialog(form),
            lambda v: None if v is None else self._start_decide([r.asset_tag for r in rows]),
        )

    def action_override(self) -> None:
        rows = self.targets()
        if not rows:
            return
        try:
            order = host(self).sobriety.policy.order
        except ValueError as exc:  # an invalid policy file: said, nothing else happens
            self.notify(str(exc), title=_("Reuse queue"), severity="error")
            return
        channels = [(channel_name(c), str(c)) for c in order]
        self.app.push_screen(
            ActionDialog(bulk_override_form(channels, len(rows))),
            lambda v: (
                None
                if v is None
                else self._start_decide([r.asset_tag for r in rows], v["channel"], v["reason"])
            ),
        )

    def _start_decide(
        self, tags: list[str], channel: str | None = None, reason: str | None = None
    ) -> None:
        self.query_one(WorkProgress).begin(_("Recording the decisions…"), len(tags))
        self._decide(tags, channel, reason)

    @work(thread=True, exit_on_error=False, group="queue-write")
    def _decide(self, tags: list[str], channel: str | None, reason: str | None) -> None:
        done, refused = reuse_queue.decide_each(
            host(self).sobriety, tags, channel=channel, reason=reason, progress=self._progress
        )
        self.post_message(DecisionsRecorded(done, refused))

    def on_decisions_recorded(self, message: DecisionsRecorded) -> None:
        message.stop()
        done, refused = message.done, message.refused
        self.query_one(WorkProgress).done()
        self.selected -= set(done)
        if done:
            self.notify(
                ngettext(
                    "{n} decision recorded in the device's history.",
                    "{n} decisions recorded in the devices' history.",
                    len(done),
                ).format(n=len(done))
            )
            self.post_message(DataChanged("decision"))
        if refused:
            self.app.push_screen(
                ProblemsDialog(
                    _("Refused"),
                    ngettext(
                        "{n} device not decided; nothing was written for it.",
                        "{n} devices not decided; nothing was written for them.",
                        len(refused),
                    ).format(n=len(refused)),
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
        tags = [r.asset_tag for r in rows]
        values = dict(self._lot_values)
        if not values.get("channel"):
            values["channel"] = reuse_queue.most_common_channel(rows)
        self._open_lot_form(tags, values)

    def _open_lot_form(
        self, tags: list[str], values: dict[str, Any], problems: list[str] | None = None
    ) -> None:
        app = host(self).sobriety

        def kinds_of(channel: str | None) -> list[str]:
            try:
                return lots.recipient_kinds(app, channel)
            except ValueError:  # an invalid policy file: every kind, the rules will say
                return [str(k) for k in RecipientKind]

        form = lot_form(len(tags), values, kinds_of)
        self.app.push_screen(
            LotDialog(form, kinds_of, problems=problems or ()),
            lambda v: None if v is None else self._start_build_lot(tags, v),
        )

    def _start_build_lot(self, tags: list[str], values: dict[str, Any]) -> None:
        self._lot_values = dict(values)  # kept until a lot is built
        self.query_one(WorkProgress).begin(_("Checking every device against the lot…"))
        self._build_lot(tags, values)

    @work(thread=True, exit_on_error=False, group="queue-write")
    def _build_lot(self, tags: list[str], values: dict[str, Any]) -> None:
        try:
            code = lots.build(host(self).sobriety, tags, **values)
        except (ValueError, LookupError, lots.ConflictError) as exc:  # refused: nothing written
            title, refused = reuse_queue.refusals(exc)
            ok = lots.eligible(tags, exc) if isinstance(exc, lots.ReuseError) else []
            self.post_message(LotRefused(title, refused, tags, values, ok))
            return
        self.post_message(LotBuilt(code, tags))

    def on_lot_refused(self, message: LotRefused) -> None:
        message.stop()
        self.query_one(WorkProgress).done()
        tags, values = message.asset_tags, message.values
        left_out = [t for t in message.refused if t]
        actions: list[tuple[str, str]] = []
        text = message.title + " " + _("Nothing was written.")
        eligible = message.eligible or []
        if tags and eligible and left_out and not message.refused.get(""):
            actions.append(
                ("eligible", _("Add only the eligible devices ({n})").format(n=len(eligible)))
            )
            text += "\n" + _("Left out: {tags}").format(tags=", ".join(left_out))

        def then(choice: str | None) -> None:
            if message.close is not None and values is not None:  # back to the close form
                self.open_close_form(*message.close, values=values)
                return
            if tags is None or values is None:
                return
            if choice == "eligible":
                self.selected -= set(left_out)
                self._mark(set(left_out))
                self._start_build_lot(eligible, values)
            else:  # back to the form, with what was typed and why it was refused
                self._open_lot_form(tags, values, [message.title, *message.refused.get("", [])])

        self.app.push_screen(
            ProblemsDialog(
                _("Lot refused"),
                text,
                [_("Device"), _("Blocking check")],
                refusal_rows(message.refused),
                actions=actions,
            ),
            then,
        )

    def on_lot_built(self, message: LotBuilt) -> None:
        message.stop()
        self.query_one(WorkProgress).done()
        self._lot_values = {}
        self.selected -= set(message.asset_tags)
        self.notify(
            ngettext(
                "Lot {code} created with {n} device.",
                "Lot {code} created with {n} devices.",
                len(message.asset_tags),
            ).format(code=message.code, n=len(message.asset_tags))
        )
        self.post_message(DataChanged("lot"))
        self.action_refresh()
        self.query_one(TabbedContent).active = "tab-lots"

    def _on_lots_tab(self) -> bool:
        return self.query_one(TabbedContent).active == "tab-lots"

    # -------------------------------------------------------------- palette
    def action_renewal_candidates(self) -> None:
        from sobriety.tui.renewal_view import show_renewal_candidates

        show_renewal_candidates(self)

    def palette_commands(self) -> Iterator[tuple[str, str, Callable[[], Any]]]:
        yield (
            _("Show the renewal candidates"),
            _("Next year's plan · key n"),
            (self.action_renewal_candidates),
        )
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
