"""The inventory screen: every device, searched, filtered and sorted in SQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Header, Input, Select, Static

from sobriety.domain.labels import choices, label
from sobriety.i18n import _, fmt_number
from sobriety.storage.device_pages import SiteChoice, site_choices
from sobriety.tui.messages import CountLoaded, LoadFailed, PageLoaded
from sobriety.tui.widgets.device_table import COLUMNS, DeviceTable, column_title

if TYPE_CHECKING:
    from sobriety.tui.app import SobrietyApp

#: Filter selects: (facet of DeviceFilter, vocabulary, prompt)
FACETS = (
    ("category", "category", "Category"),
    ("site_id", None, "Site"),
    ("status", "status", "Status"),
    ("condition", "condition", "Condition"),
    ("reuse_channel", "reuse_channel", "Channel"),
)
SEARCH_DELAY = 0.25


class InventoryScreen(Screen[None]):
    """Search, filter and sort the whole fleet; Enter opens a device."""

    BINDINGS = [
        Binding("slash", "focus_search", _("Search")),
        Binding("f", "focus_filters", _("Filters")),
        Binding("x", "clear_filters", _("Clear filters")),
        Binding("r", "reload", _("Reload")),
        Binding("escape", "focus_table", _("Back to the table"), show=False),
    ]

    def __init__(self) -> None:
        super().__init__(id="inventory")
        self._search_timer: Timer | None = None
        self.sites: list[SiteChoice] = []

    @property
    def sobriety(self) -> SobrietyApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with Horizontal(id="search-bar"):
            yield Input(
                placeholder=_("Search asset tag, serial, model, maker, assignee ( / )"),
                id="search",
                compact=True,
            )
        with Horizontal(id="filter-bar"):
            for facet, vocab, prompt in FACETS:
                yield Select(
                    choices(vocab) if vocab else [],
                    prompt=_(prompt),
                    id=f"filter-{facet}",
                    compact=True,
                )
        yield DeviceTable(self.sobriety.engine, id="devices", search=self.sobriety.search_index)
        yield Static(_("Loading…"), id="inventory-status")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = _("Inventory")
        self.table.focus()
        self._load_sites()

    @property
    def table(self) -> DeviceTable:
        return self.query_one(DeviceTable)

    @work(thread=True, exit_on_error=False, group="sites")
    def _load_sites(self) -> None:
        sites = site_choices(self.sobriety.engine)
        self.app.call_from_thread(self._set_sites, sites)

    def _set_sites(self, sites: list[SiteChoice]) -> None:
        self.sites = sites
        select: Select[int] = self.query_one("#filter-site_id", Select)
        select.set_options([(f"{s.code} · {s.name}", s.id) for s in sites])

    # ------------------------------------------------------------ filtering
    def apply_filter(self, **changes: Any) -> None:
        """Change facets of the filter (``text=``, ``category=``...) and show the result."""
        query = self.table.query_spec.with_filter(**changes)
        if query != self.table.query_spec:
            self.table.set_query(query)

    def sort_by(self, key: str, descending: bool | None = None) -> None:
        self.table.set_query(self.table.query_spec.sorted_by(key, descending))

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        value = event.value
        self._search_timer = self.set_timer(SEARCH_DELAY, lambda: self.apply_filter(text=value))

    @on(Input.Submitted, "#search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        self.apply_filter(text=event.value)
        self.table.focus()

    @on(Select.Changed)
    def _facet_changed(self, event: Select.Changed) -> None:
        facet = (event.select.id or "").removeprefix("filter-")
        value = None if event.value is Select.NULL else event.value
        self.apply_filter(**{facet: value})

    def set_facet(self, facet: str, value: Any) -> None:
        """Set a filter select (the table follows through ``Select.Changed``)."""
        select: Select[Any] = self.query_one(f"#filter-{facet}", Select)
        if value is None:
            select.clear()
        else:
            select.value = value

    def action_clear_filters(self) -> None:
        self.query_one("#search", Input).value = ""
        for facet, _vocab, _prompt in FACETS:
            self.query_one(f"#filter-{facet}", Select).clear()
        self.apply_filter(
            text="", category=None, site_id=None, status=None, condition=None, reuse_channel=None
        )
        self.table.focus()

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_focus_filters(self) -> None:
        self.query_one("#filter-category", Select).focus()

    def action_focus_table(self) -> None:
        self.table.focus()

    def action_reload(self) -> None:
        self.table.reload()

    # --------------------------------------------------------------- status
    @on(CountLoaded)
    def _count_loaded(self) -> None:
        # The inventory is on screen: index the devices' text for fast searches.
        self.sobriety.build_search_index()

    @on(PageLoaded)
    @on(CountLoaded)
    @on(DeviceTable.QueryChanged)
    def _update_status(self) -> None:
        self.query_one("#inventory-status", Static).update(self.status_text())

    @on(LoadFailed)
    def _load_failed(self, event: LoadFailed) -> None:
        self.query_one("#inventory-status", Static).update(
            _("Could not read the devices: {error}").format(error=event.error)
        )
        self.notify(event.error, title=_("Database error"), severity="error")

    def status_text(self) -> str:
        table = self.table
        query = table.query_spec
        arrow = "▼" if query.descending else "▲"
        sort = _("sorted by {column} {arrow}").format(column=column_title(query.sort), arrow=arrow)
        if table.total is None:
            return _("Counting…") + " · " + sort
        if query.filter.is_empty:
            shown = _("{n} devices").format(n=fmt_number(table.total))
        else:
            shown = _("{n} of {total} devices").format(
                n=fmt_number(table.total), total=fmt_number(table.fleet_total)
            )
        return f"{shown} · {sort}"

    # -------------------------------------------------------------- palette
    def palette_commands(self) -> Iterator[tuple[str, str, Callable[[], Any]]]:
        """Commands this screen offers in the command palette."""
        yield _("Search devices"), _("Focus the search box"), self.action_focus_search
        yield _("Clear filters"), _("Show every device"), self.action_clear_filters
        yield _("Reload the inventory"), _("Read the devices again"), self.action_reload
        for col in COLUMNS:
            title = _(col.title)
            yield (
                _("Sort by {column}").format(column=title),
                _("Ascending; again to reverse"),
                lambda key=col.key: self.sort_by(key),
            )
        for facet, vocab, prompt in FACETS:
            if vocab is None:
                values = [(f"{s.code} · {s.name}", s.id) for s in self.sites]
            else:
                values = choices(vocab)
            for text, value in values:
                yield (
                    _("Filter {facet}: {value}").format(facet=_(prompt).lower(), value=text),
                    _("Show only these devices"),
                    lambda f=facet, v=value: self.set_facet(f, v),
                )

    def describe_filter(self) -> str:
        flt = self.table.query_spec.filter
        parts = [f'"{flt.text}"'] if flt.text else []
        for facet, vocab, _prompt in FACETS:
            value = getattr(flt, facet)
            if value is not None:
                if vocab:
                    parts.append(label(vocab, value))
                else:
                    parts.extend(s.code for s in self.sites if s.id == value)
        return ", ".join(parts)
