"""Editing every field of a device, with each refused value explained in place.

Saving sends only the fields the user changed, with the version read: when
someone else changed the device meanwhile, nothing is written and the
conflict dialog offers to reload the device with the user's values kept.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Checkbox, Footer, Header, Input, Select, Static

from sobriety.app import inventory
from sobriety.domain.inventory.display import show_value
from sobriety.domain.inventory.form import (
    FIELDS,
    FIELDS_BY_NAME,
    FieldError,
    FormField,
    check_device,
    parse_field,
)
from sobriety.domain.labels import choices
from sobriety.i18n import _, ngettext
from sobriety.tui.host import host
from sobriety.tui.messages import DeviceLoaded, DeviceSaved, SaveConflicted, SaveFailed
from sobriety.tui.screens.conflict import ConflictDialog
from sobriety.tui.widgets.field_row import FieldRow
from sobriety.tui.writer import write_change

if TYPE_CHECKING:
    from sobriety.app.inventory import SiteChoice


def _parser(spec: FormField) -> Callable[[Any], Any]:
    if spec.kind == "bool":
        return bool
    return lambda raw: parse_field(spec.name, raw)


def _site_parser(raw: Any) -> Any:
    return raw


def _initial(spec: FormField, value: Any) -> Any:
    """What a field starts with: a typed field shows the value as the device screen does
    (local numbers and dates, cents of a price), a choice or a checkbox the value."""
    if spec.kind in ("choice", "bool"):
        return value
    return show_value(spec.name, value, editable=True)


class DeviceEditScreen(Screen[bool]):
    """Every editable field of one device; ctrl+s saves, escape cancels."""

    BINDINGS = [
        Binding("ctrl+s", "save", _("Save")),
        Binding("escape", "cancel", _("Cancel")),
    ]

    def __init__(self, values: dict[str, Any], sites: list[SiteChoice]) -> None:
        super().__init__(classes="device-edit-screen")
        self.base = dict(values)
        self.sites = sites
        self._discard_armed = False

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Static(self._title(), id="edit-title")
        with VerticalScroll(id="edit-form"):
            for spec in FIELDS:
                kind = "choice" if spec.kind == "choice" else spec.kind
                opts: list[tuple[str, Any]] = []
                if spec.kind == "choice":
                    opts = choices(spec.name)
                yield FieldRow(
                    spec.name,
                    _(spec.label),
                    kind=kind,
                    value=_initial(spec, self.base.get(spec.name)),
                    choices=opts,
                    parser=_parser(spec),
                    allow_blank=not spec.required,
                )
                if spec.name == "model":
                    yield FieldRow(
                        "site_id",
                        _("Site"),
                        kind="choice",
                        value=self.base.get("site_id"),
                        choices=[(f"{s.code} · {s.name}", s.id) for s in self.sites],
                        parser=_site_parser,
                    )
        yield Footer()

    def _title(self) -> str:
        return _("Edit {tag} (version {version})").format(
            tag=self.base["asset_tag"], version=self.base["version"]
        )

    def on_mount(self) -> None:
        self.sub_title = _("Edit device")
        self.query_one(FieldRow).control.focus()

    def row(self, name: str) -> FieldRow:
        return self.query_one(f"#row-{name}", FieldRow)

    # ------------------------------------------------------------ validation
    @on(Input.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    def _field_changed(self, event: Input.Changed | Select.Changed | Checkbox.Changed) -> None:
        row = next((a for a in event.control.ancestors if isinstance(a, FieldRow)), None)
        if row is None:
            return
        self._discard_armed = False
        try:
            value = row.parse()
        except FieldError:
            row.set_class(True, "-changed")
            return
        row.set_class(value != self.base.get(row.field_name), "-changed")

    def pending(self) -> tuple[dict[str, Any], dict[str, str]]:
        """The changed fields and the refused ones (``{field: reason}``)."""
        values: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for row in self.query(FieldRow):
            try:
                values[row.field_name] = row.parse()
            except FieldError as exc:
                errors[row.field_name] = exc.reason
        for name, reason in check_device(
            {**self.base, **values}, today=host(self).sobriety.today()
        ).items():
            if name not in errors:
                errors[name] = reason
                self.row(name).show_error(reason)
        changes = {k: v for k, v in values.items() if v != self.base.get(k)}
        return changes, errors

    def raw_changes(self) -> dict[str, Any]:
        """What the user typed in the fields they changed (valid or not)."""
        return {
            row.field_name: row.raw for row in self.query(FieldRow) if row.has_class("-changed")
        }

    # --------------------------------------------------------------- saving
    def action_save(self) -> None:
        changes, errors = self.pending()
        if errors:
            first = next(iter(errors))
            self.row(first).control.focus()
            self.notify(
                ngettext(
                    "{n} value refused: see the reason under the field.",
                    "{n} values refused: see the reasons under the fields.",
                    len(errors),
                ).format(n=len(errors)),
                title=_("Not saved"),
                severity="error",
            )
            return
        if not changes:
            self.notify(_("Nothing changed."))
            return
        self._save(dict(self.base), changes)

    @work(thread=True, exit_on_error=False, group="device-save")
    def _save(self, base: dict[str, Any], changes: dict[str, Any]) -> None:
        write_change(
            self,
            host(self).sobriety,
            action="edit",
            base=base,
            values=changes,
            source="tui/device-edit",
        )

    def on_device_saved(self, message: DeviceSaved) -> None:
        self.notify(_("Saved {tag}.").format(tag=message.asset_tag))
        self.dismiss(True)

    def on_save_failed(self, message: SaveFailed) -> None:
        message.stop()
        self.notify(message.error, title=_("Not saved"), severity="error")

    def on_save_conflicted(self, message: SaveConflicted) -> None:
        message.stop()
        changes, _errors = self.pending()
        mine = {**self.raw_changes(), **changes}

        def done(reload: bool | None) -> None:
            if reload:
                self._reload(message.asset_tag)

        self.app.push_screen(ConflictDialog(message, mine), done)

    @work(thread=True, exclusive=True, exit_on_error=False, group="device-load")
    def _reload(self, asset_tag: str) -> None:
        detail = inventory.detail(host(self).sobriety, asset_tag)
        site = (detail.site.code, detail.site.name) if detail.site else None
        self.post_message(DeviceLoaded(asset_tag, detail.values, site))

    def on_device_loaded(self, message: DeviceLoaded) -> None:
        """Show the current values, with the user's changes re-applied on top."""
        mine = self.raw_changes()
        self.base = dict(message.values)
        for row in self.query(FieldRow):
            if row.field_name in mine:
                row.set_raw(mine[row.field_name])
            elif row.field_name in FIELDS_BY_NAME:
                row.set_raw(_initial(FIELDS_BY_NAME[row.field_name], self.base.get(row.field_name)))
            else:
                row.set_raw(self.base.get(row.field_name))
        self.query_one("#edit-title", Static).update(self._title())
        self.notify(
            _("Reloaded version {version}; your changes are kept. Review, then save.").format(
                version=self.base["version"]
            ),
            severity="warning",
        )

    def action_cancel(self) -> None:
        if self.raw_changes() and not self._discard_armed:
            self._discard_armed = True
            self.notify(
                _("You have unsaved changes: escape again to discard them."), severity="warning"
            )
            return
        self.dismiss(False)

    def palette_commands(self) -> Iterator[tuple[str, str, Callable[[], Any]]]:
        yield _("Save device"), _("Save the changed fields (ctrl+s)"), self.action_save
        yield _("Cancel editing"), _("Discard the changes (escape)"), self.action_cancel
