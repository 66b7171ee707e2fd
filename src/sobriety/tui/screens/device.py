"""The device screen: every field, history, erasure records, and the actions."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Label, Static, TabbedContent, TabPane

from sobriety.app import inventory
from sobriety.app.inventory import NotFoundError
from sobriety.domain.inventory.display import describe_history, show_value
from sobriety.domain.inventory.form import FIELDS
from sobriety.domain.labels import label
from sobriety.i18n import N_, _
from sobriety.tui.action_forms import ACTION_TITLES, action_form
from sobriety.tui.host import host
from sobriety.tui.messages import (
    DeviceFlagLoaded,
    DeviceInsightLoaded,
    DeviceLoaded,
    DeviceSaved,
    LoadFailed,
    SaveConflicted,
    SaveFailed,
)
from sobriety.tui.reuse_forms import POLICY_ACTIONS, accept_form, override_form
from sobriety.tui.screens.action_dialog import ActionDialog
from sobriety.tui.screens.conflict import ConflictDialog
from sobriety.tui.writer import write_change

if TYPE_CHECKING:
    from sobriety.app.inventory import SiteChoice

#: Keys of the actions, in the footer's order.
ACTION_KEYS = {
    "assign": "a",
    "move": "m",
    "repair": "p",
    "upgrade": "u",
    "erasure": "w",
    "retire": "t",
}

#: Short names of the actions, for the footer.
ACTION_KEYS_HELP = {
    "assign": N_("Assign"),
    "move": N_("Move"),
    "repair": N_("Repair"),
    "upgrade": N_("Upgrade"),
    "erasure": N_("Erasure"),
    "retire": N_("Retire"),
}


class DeviceScreen(Screen[None]):
    """One device: its fields, history, erasures; edit and act on it."""

    BINDINGS = [
        Binding("escape", "back", _("Back")),
        Binding("e", "edit", _("Edit")),
        *(Binding(key, f"act('{a}')", _(ACTION_KEYS_HELP[a])) for a, key in ACTION_KEYS.items()),
        Binding("c", "accept_channel", _("Accept channel")),
        Binding("o", "override_channel", _("Override")),
        Binding("r", "reload", _("Reload"), show=False),
    ]

    def __init__(self, asset_tag: str) -> None:
        super().__init__(classes="device-screen")
        self.asset_tag = asset_tag
        self.values: dict[str, Any] | None = None
        self.site: SiteChoice | None = None
        self.sites: list[SiteChoice] = []
        self._pending: tuple[str, dict[str, Any]] | None = None  # action to re-apply
        self._written: dict[str, dict[str, Any]] = {}  # last values sent, per action
        self.flag: Any = None  # DeviceFlag: recommended channel and alternatives

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Static(self.asset_tag, id="device-title")
        with TabbedContent(id="device-tabs"):
            with TabPane(_("Details"), id="tab-details"), VerticalScroll(id="details-scroll"):
                yield Grid(id="details")
            with TabPane(_("History"), id="tab-history"):
                yield DataTable(id="history", cursor_type="row", zebra_stripes=True)
            with TabPane(_("Erasures"), id="tab-erasures"):
                yield DataTable(id="erasures", cursor_type="row")
            with TabPane(_("Carbon"), id="tab-carbon"), VerticalScroll(id="carbon-slot"):
                yield Static(_("Estimating…"), id="carbon-body", classes="slot-empty")
            with TabPane(_("Reuse"), id="tab-reuse"), VerticalScroll(id="reuse-slot"):
                yield Static(_("Evaluating the channels…"), id="reuse-body", classes="slot-empty")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = _("Device")
        history = self.query_one("#history", DataTable)
        history.add_columns(_("Date"), _("Event"), _("By"), _("From"), _("Details"))
        erasures = self.query_one("#erasures", DataTable)
        erasures.add_columns(
            _("Date"), _("Method"), _("Level"), _("Tool"), _("Operator"), _("Verified"),
            _("Certificate"),
        )  # fmt: skip
        self.load()

    # ---------------------------------------------------------------- loading
    @work(thread=True, exclusive=True, exit_on_error=False, group="device-load")
    def load(self) -> None:
        """Read the device, its history and erasures (and the sites once)."""
        app = host(self).sobriety
        try:
            detail = inventory.detail(app, self.asset_tag)
        except NotFoundError as exc:
            self.post_message(LoadFailed(0, str(exc)))
            return
        if not self.sites:
            self.sites = inventory.sites(app)
        site = (detail.site.code, detail.site.name) if detail.site else None
        self.post_message(
            DeviceLoaded(self.asset_tag, detail.values, site, detail.history, detail.erasures)
        )

    def on_load_failed(self, message: LoadFailed) -> None:
        message.stop()
        self.notify(message.error, severity="error")

    def on_device_loaded(self, message: DeviceLoaded) -> None:
        self.values = message.values
        self.site = next((s for s in self.sites if s.id == message.values.get("site_id")), None)
        v = message.values
        title = " · ".join(
            p
            for p in (
                v["asset_tag"],
                label("category", v["category"]),
                " ".join(x for x in (v.get("manufacturer"), v.get("model")) if x),
                label("status", v["status"]),
            )
            if p
        )
        self.query_one("#device-title", Static).update(title)
        self._fill_details(v, message.site)
        history = self.query_one("#history", DataTable)
        history.clear()
        sites = {s.id: s.code for s in self.sites}
        for line in reversed(describe_history(message.history, sites=sites)):  # newest first
            history.add_row(line.date, line.kind, line.actor, line.source, line.text)
        if not message.history:
            history.add_row("-", _("No change recorded yet."), "", "", "")
        erasures = self.query_one("#erasures", DataTable)
        erasures.clear()
        for e in message.erasures:
            erasures.add_row(
                show_value("date", e["date"]),
                label("erasure_method", e["method"]),
                label("erasure_level", e["level"]),
                e.get("tool") or "-",
                e.get("operator") or "-",
                _("yes") if e["verified"] else _("no"),
                e.get("certificate_id") or "-",
            )
        self._insight(message.asset_tag)
        if self._pending is not None:
            action, values = self._pending
            self._pending = None
            self._write(action, values)

    @work(thread=True, exclusive=True, exit_on_error=False, group="device-insight")
    def _insight(self, asset_tag: str) -> None:
        """Fill the Carbon and Reuse tabs (same engines as ``estimate`` and ``flag``)."""
        from sobriety.tui.device_insight import carbon_breakdown, device_flag, flag_text

        try:
            body: Any = carbon_breakdown(host(self).sobriety, asset_tag)
        except Exception as exc:  # shown in the tab, the rest of the screen works
            body = _("Could not compute this: {error}").format(error=exc)
        self.post_message(DeviceInsightLoaded(asset_tag, "carbon", body))
        flag = None
        try:
            flag = device_flag(host(self).sobriety, asset_tag)  # the app's policy and today
            decided = (self.values or {}).get("reuse_channel")
            body = flag_text(flag, decided)
        except Exception as exc:
            body = _("Could not compute this: {error}").format(error=exc)
        self.post_message(DeviceFlagLoaded(asset_tag, flag))
        self.post_message(DeviceInsightLoaded(asset_tag, "reuse", body))

    def on_device_flag_loaded(self, message: DeviceFlagLoaded) -> None:
        self.flag = message.flag

    def on_device_insight_loaded(self, message: DeviceInsightLoaded) -> None:
        body = self.query_one(f"#{message.slot}-body", Static)
        body.remove_class("slot-empty")
        body.update(message.body)

    def _fill_details(self, v: dict[str, Any], site: tuple[str, str] | None) -> None:
        grid = self.query_one("#details", Grid)
        widgets = []
        rows: list[tuple[str, str]] = []
        for spec in FIELDS:
            rows.append((_(spec.label), show_value(spec.name, v.get(spec.name))))
            if spec.name == "model":
                rows.append((_("Site"), f"{site[0]} · {site[1]}" if site else "-"))
        rows += [
            (_("Version"), str(v["version"])),
            (_("Created"), show_value("created_at", v.get("created_at"))),
            (_("Updated"), show_value("updated_at", v.get("updated_at"))),
        ]
        for name, value in rows:
            widgets.append(Label(name, classes="detail-label"))
            widgets.append(Label(value, classes="detail-value"))
        grid.remove_children()
        grid.mount_all(widgets)

    # ---------------------------------------------------------------- actions
    def action_back(self) -> None:
        self.dismiss()

    def action_reload(self) -> None:
        self.load()

    def action_edit(self) -> None:
        if self.values is None:
            return
        from sobriety.tui.screens.device_edit import DeviceEditScreen

        def done(saved: bool | None) -> None:
            if saved:
                self.load()

        self.app.push_screen(DeviceEditScreen(self.values, self.sites), done)

    def action_act(
        self, action: str, entered: dict[str, Any] | None = None, problems: list[str] | None = None
    ) -> None:
        """Ask for the values of ``action`` (again with ``entered`` and why they were refused)."""
        if self.values is None:
            return
        form = action_form(
            action,
            self.values,
            sites=self.sites,
            today=host(self).sobriety.today(),
            actor=host(self).sobriety.actor,
        )
        if entered:
            form = form.filled(entered)

        def done(values: dict[str, Any] | None) -> None:
            if values is not None:
                self._write(action, values)

        dialog = ActionDialog(form, subtitle=self.values["asset_tag"], problems=problems or ())
        self.app.push_screen(dialog, done)

    def _write(self, action: str, values: dict[str, Any]) -> None:
        assert self.values is not None
        self._written[action] = values
        self._save(action, dict(self.values), values)

    @work(thread=True, exit_on_error=False, group="device-save")
    def _save(self, action: str, base: dict[str, Any], values: dict[str, Any]) -> None:
        from sobriety.app.reuse import decision

        sobriety = host(self).sobriety
        # a reuse decision or an erasure: checked against the app's policy, on its clock
        apply = decision(sobriety, action, base, values) if action in POLICY_ACTIONS else None
        write_change(self, sobriety, action=action, base=base, values=values, apply=apply)

    # ---------------------------------------------------------- reuse channel
    def action_accept_channel(self) -> None:
        """Record the recommended channel as the decision (asks to confirm)."""
        if self.values is None or self.flag is None:
            self.notify(_("The channels are still being evaluated."))
            return
        rec = self.flag.recommended
        if rec is None:
            self.notify(
                _("No channel is possible for this device under the policy."), severity="warning"
            )
            return
        self.app.push_screen(
            ActionDialog(accept_form(self.flag), subtitle=self.values["asset_tag"]),
            lambda values: None if values is None else self._write("accept", values),
        )

    def action_override_channel(self) -> None:
        """Choose another channel than the recommended one, with a reason."""
        if self.values is None or self.flag is None:
            self.notify(_("The channels are still being evaluated."))
            return
        form = override_form(self.flag, self.values.get("reuse_channel"))
        self.app.push_screen(
            ActionDialog(form, subtitle=self.values["asset_tag"]),
            lambda values: None if values is None else self._write("override", values),
        )

    def on_device_saved(self, message: DeviceSaved) -> None:
        self.asset_tag = message.asset_tag
        self.notify(
            _("{action}: recorded in the history of {tag}.").format(
                action=_(ACTION_TITLES.get(message.action, "Edit")), tag=message.asset_tag
            )
        )
        self.load()

    def on_save_conflicted(self, message: SaveConflicted) -> None:
        message.stop()
        values = self._written.get(message.action, {})

        def done(reload: bool | None) -> None:
            if reload:
                self._pending = (message.action, values)
                self.load()

        self.app.push_screen(ConflictDialog(message, values), done)

    def on_save_failed(self, message: SaveFailed) -> None:
        message.stop()
        if message.problems and message.action in ACTION_KEYS:
            # refused by the rules (e.g. an erasure the policy does not allow):
            # the dialog comes back with what was entered and every reason
            self.action_act(message.action, self._written.get(message.action), message.problems)
            return
        self.notify(message.error, title=_("Not saved"), severity="error")

    # -------------------------------------------------------------- palette
    def palette_commands(self) -> Iterator[tuple[str, str, Callable[[], Any]]]:
        tag = self.values["asset_tag"] if self.values else self.asset_tag
        yield _("Edit device"), tag, self.action_edit
        for action, key in ACTION_KEYS.items():
            yield (
                _(ACTION_TITLES[action]),
                _("{tag} · key {key}").format(tag=tag, key=key),
                lambda a=action: self.action_act(a),
            )
        yield (
            _(ACTION_TITLES["accept"]),
            _("{tag} · key {key}").format(tag=tag, key="c"),
            self.action_accept_channel,
        )
        yield (
            _(ACTION_TITLES["override"]),
            _("{tag} · key {key}").format(tag=tag, key="o"),
            self.action_override_channel,
        )
        yield _("Back to the list"), _("Close this device"), self.action_back
