"""``DeviceTable``: a virtual table of devices backed by SQL queries.

Only the visible rows are rendered (Textual's line API); rows come from the
database one page at a time, in a thread worker, with the current filter and
sort (:func:`sobriety.app.inventory.page`). The number of rows comes from a
``COUNT``. A fleet of 100,000 devices therefore costs what a screenful costs;
rows not fetched yet show as a placeholder for the few milliseconds it takes.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events, work
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from sobriety.app import inventory
from sobriety.app.inventory import DeviceQuery, DeviceRow
from sobriety.domain.labels import label
from sobriety.i18n import N_, _, fmt_date, pgettext
from sobriety.tui.messages import CountLoaded, DeviceChosen, LoadFailed, PageLoaded

if TYPE_CHECKING:
    from sobriety.app.context import Sobriety


@dataclass(frozen=True)
class Column:
    key: str  # DeviceRow field and sort key
    title: str  # English source, translated when shown
    width: int
    vocab: str | None = None  # vocabulary whose label is shown

    def cell(self, row: DeviceRow) -> str:
        value = getattr(row, self.key)
        if value is None:
            return ""
        if self.vocab:
            return label(self.vocab, value)
        if self.key == "acquisition_date":
            return fmt_date(value)
        return str(value)


COLUMNS: tuple[Column, ...] = (
    Column("asset_tag", N_("Asset tag"), 12),
    Column("category", N_("Category"), 13, "category"),
    Column("manufacturer", N_("Maker"), 8),
    Column("model", N_("Model"), 16),
    Column("site", N_("Site"), 12),
    Column("assignee", N_("Assignee"), 8),
    Column("status", N_("Status"), 11, "status"),
    Column("condition", N_("Condition"), 9, "condition"),
    Column("acquisition_date", N_("Acquired"), 12),
    Column("serial", N_("Serial"), 10),
    Column("reuse_channel", N_("Channel"), 15, "reuse_channel"),
)
COLUMN_KEYS = tuple(c.key for c in COLUMNS)
_GAP = 1
#: Cells of the frozen left part: the margin and the asset tag, never scrolled away.
FROZEN = 1 + COLUMNS[0].width + _GAP


def column_title(key: str) -> str:
    for col in COLUMNS:
        if col.key == key:
            return _(col.title)
    raise KeyError(key)


class DeviceTable(ScrollView, can_focus=True):
    """Every device matching a :class:`DeviceQuery`, read page by page."""

    BINDINGS = [
        Binding("up", "cursor_up", _("Previous device"), show=False),
        Binding("down", "cursor_down", _("Next device"), show=False),
        Binding("pageup", "page_up", _("Page up"), show=False),
        Binding("pagedown", "page_down", _("Page down"), show=False),
        Binding("home", "first", _("First device"), show=False),
        Binding("end", "last", _("Last device"), show=False),
        Binding("left", "column_left", _("Previous column"), show=False),
        Binding("right", "column_right", _("Next column"), show=False),
        Binding("enter", "open", pgettext("action", "Open")),
        Binding("s", "sort", _("Sort")),
    ]

    COMPONENT_CLASSES = {
        "device-table--header",
        "device-table--header-current",
        "device-table--cursor",
        "device-table--placeholder",
    }

    DEFAULT_CSS = """
    DeviceTable {
        background: $surface;
        color: $foreground;
        height: 1fr;
        & > .device-table--header { text-style: bold; background: $panel; color: $foreground; }
        & > .device-table--header-current { text-style: bold; background: $accent-darken-1;
            color: $foreground; }
        & > .device-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        & > .device-table--placeholder { color: $text-muted; }
        &:focus > .device-table--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
    }
    """

    cursor_row: reactive[int] = reactive(0, always_update=True, repaint=False)
    cursor_column: reactive[int] = reactive(0, repaint=False)

    @dataclass
    class QueryChanged(Message):
        """The table now shows another filter or sort."""

        table: DeviceTable
        query: DeviceQuery

    def __init__(
        self,
        sobriety: Sobriety,
        query: DeviceQuery | None = None,
        *,
        page_size: int = 100,
        max_pages: int = 60,
        search: Any = None,
        name: str | None = None,
        id: str | None = None,  # noqa: A002 - Textual's own argument name
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._sobriety = sobriety
        #: In-memory text index (used once built; SQL LIKE until then).
        self.search = search
        self.query_spec = query or DeviceQuery()
        self.page_size = page_size
        self._max_pages = max_pages
        self.generation = 0
        self.total: int | None = None
        self.fleet_total: int | None = None
        self._pages: OrderedDict[int, list[DeviceRow]] = OrderedDict()
        self._pending: set[int] = set()
        self._wanted: set[int] = set()
        self._flush_scheduled = False
        self._row_width = sum(c.width for c in COLUMNS) + _GAP * len(COLUMNS) + 1
        self.last_count_seconds: float | None = None
        self.last_page_seconds: float | None = None
        self._on_ready: list[Callable[[], None]] = []
        self.cursor_column = COLUMN_KEYS.index(self.query_spec.sort)

    # ------------------------------------------------------------------ data
    def on_mount(self) -> None:
        self._start(recount=True)

    def set_query(self, query: DeviceQuery) -> None:
        """Show ``query``: rows are fetched again; the count only if the filter changed."""
        recount = query.filter != self.query_spec.filter or self.total is None
        self.query_spec = query
        self.cursor_column = COLUMN_KEYS.index(query.sort)
        self._start(recount=recount)
        self.post_message(self.QueryChanged(self, query))

    def reload(self) -> None:
        """Read everything again (after a change made elsewhere)."""
        self._start(recount=True, keep_cursor=True)

    def _start(self, *, recount: bool, keep_cursor: bool = False) -> None:
        self.generation += 1
        self._pages.clear()
        self._pending.clear()
        self._wanted.clear()
        if recount:
            self.total = None
            self.last_count_seconds = None
            self._count(self.generation, self.query_spec)
        if not keep_cursor:
            self.cursor_row = 0
            self.scroll_to(y=0, animate=False, immediate=True)
        first = self.cursor_row // self.page_size if keep_cursor else 0
        self._request({first})
        self._update_virtual_size()
        self.refresh()

    @property
    def is_ready(self) -> bool:
        """The count and the page under the cursor are loaded."""
        return self.total is not None and (
            self.total == 0 or self.cursor_row // self.page_size in self._pages
        )

    def row_at(self, index: int) -> DeviceRow | None:
        rows = self._pages.get(index // self.page_size)
        if rows is None:
            return None
        offset = index % self.page_size
        return rows[offset] if offset < len(rows) else None

    @property
    def current_row(self) -> DeviceRow | None:
        return self.row_at(self.cursor_row)

    @property
    def loaded_row_count(self) -> int:
        return sum(len(rows) for rows in self._pages.values())

    def _request(self, pages: set[int]) -> None:
        wanted = {p for p in pages if p >= 0 and p not in self._pages and p not in self._pending}
        if self.total is not None:
            wanted = {p for p in wanted if p * self.page_size < self.total}
        if not wanted:
            return
        self._pending |= wanted
        anchors = {}
        for page in wanted:
            prev = self._pages.get(page - 1)
            if prev and len(prev) == self.page_size:
                anchors[page] = prev[-1]
        self._load_pages(self.generation, self.query_spec, sorted(wanted), anchors, self.total)

    @work(thread=True, exit_on_error=False, group="device-pages")
    def _load_pages(
        self,
        generation: int,
        query: DeviceQuery,
        pages: list[int],
        anchors: dict[int, DeviceRow],
        total: int | None,
    ) -> None:
        for page in pages:
            if generation != self.generation:
                return
            start = time.perf_counter()
            try:
                rows = inventory.page(
                    self._sobriety,
                    query,
                    offset=page * self.page_size,
                    limit=self.page_size,
                    after=anchors.get(page),
                    total=total,
                    search=self.search,
                )
            except Exception as exc:  # reported in the UI, never a crash
                self.post_message(LoadFailed(generation, str(exc)))
                return
            self.post_message(PageLoaded(generation, page, rows, time.perf_counter() - start))

    @work(thread=True, exclusive=True, exit_on_error=False, group="device-count")
    def _count(self, generation: int, query: DeviceQuery) -> None:
        start = time.perf_counter()
        try:
            total = inventory.count(self._sobriety, query.filter, search=self.search)
            seconds = time.perf_counter() - start
            fleet = total if query.filter.is_empty else inventory.count(self._sobriety)
        except Exception as exc:
            self.post_message(LoadFailed(generation, str(exc)))
            return
        self.post_message(CountLoaded(generation, total, seconds, fleet))

    def on_page_loaded(self, message: PageLoaded) -> None:
        if message.generation != self.generation:
            message.stop()
            return
        self._pending.discard(message.page)
        self._pages[message.page] = message.rows
        self._pages.move_to_end(message.page)
        while len(self._pages) > self._max_pages:
            self._pages.popitem(last=False)
        self.last_page_seconds = message.seconds
        if self.total is None and len(message.rows) < self.page_size:
            # the count is not in yet, but this page tells where the list ends
            self._update_virtual_size(message.page * self.page_size + len(message.rows))
        self.refresh()

    def on_count_loaded(self, message: CountLoaded) -> None:
        if message.generation != self.generation:
            message.stop()
            return
        self.total = message.total
        self.fleet_total = message.fleet_total
        self.last_count_seconds = message.seconds
        if self.cursor_row >= self.total:
            self.cursor_row = max(0, self.total - 1)
        self._update_virtual_size()
        self.refresh()

    def on_load_failed(self, message: LoadFailed) -> None:
        if message.generation != self.generation:
            message.stop()
            return
        self._pending.clear()

    def _update_virtual_size(self, rows: int | None = None) -> None:
        if rows is None:
            rows = self.total if self.total is not None else self.loaded_row_count
        self.virtual_size = Size(self._row_width, rows + 1)

    # ------------------------------------------------------------- rendering
    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(name)

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        base = self.rich_style
        if y == 0:
            strip = self._header_strip()
        else:
            index = scroll_y + y - 1
            count = self.total if self.total is not None else self.loaded_row_count
            if index >= count:
                return Strip.blank(width, base)
            row = self.row_at(index)
            if row is None:
                self._want(index // self.page_size)
                strip = Strip(
                    [Segment(" " + "…" * 3, base + self._style("device-table--placeholder"))]
                )
            else:
                style = base
                if index == self.cursor_row:
                    style = base + self._style("device-table--cursor")
                return self._frozen(self._row_strip(row, style), scroll_x, width, style)
        return self._frozen(strip, scroll_x, width, base)

    @staticmethod
    def _frozen(strip: Strip, scroll_x: int, width: int, style: Style) -> Strip:
        """The asset tag column stays on the left; the other columns scroll behind it."""
        left = strip.crop_extend(0, FROZEN, style)
        right = strip.crop_extend(FROZEN + scroll_x, FROZEN + scroll_x + max(0, width - FROZEN),
                                  style)  # fmt: skip
        return Strip.join([left, right]).crop_extend(0, width, style)

    def _header_strip(self) -> Strip:
        header = self.rich_style + self._style("device-table--header")
        current = self.rich_style + self._style("device-table--header-current")
        segments = [Segment(" ", header)]
        for i, col in enumerate(COLUMNS):
            title = _(col.title)
            if col.key == self.query_spec.sort:
                title = f"{title} {'▼' if self.query_spec.descending else '▲'}"
            style = current if i == self.cursor_column else header
            segments.append(Segment(set_cell_size(title, col.width), style))
            segments.append(Segment(" " * _GAP, header))
        return Strip(segments).extend_cell_length(self._row_width, header)

    def _row_strip(self, row: DeviceRow, style: Style) -> Strip:
        parts = [" "]
        for col in COLUMNS:
            text = col.cell(row)
            if cell_len(text) > col.width:
                text = set_cell_size(text, col.width - 1) + "…"
            parts.append(set_cell_size(text, col.width))
            parts.append(" " * _GAP)
        return Strip([Segment("".join(parts), style)])

    def _want(self, page: int) -> None:
        self._wanted.add(page)
        if not self._flush_scheduled:
            self._flush_scheduled = True
            self.call_later(self._flush_wanted)

    def _flush_wanted(self) -> None:
        self._flush_scheduled = False
        wanted, self._wanted = self._wanted, set()
        self._request(wanted)

    # ------------------------------------------------------------ navigation
    @property
    def _data_height(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def watch_cursor_row(self, new: int) -> None:
        top = int(self.scroll_y)
        if new < top:
            self.scroll_to(y=new, animate=False, immediate=True)
        elif new >= top + self._data_height:
            self.scroll_to(y=new - self._data_height + 1, animate=False, immediate=True)
        self.refresh()

    def watch_cursor_column(self, column: int) -> None:
        if column == 0:  # the frozen asset tag: always in view
            self.refresh()
            return
        left = sum(c.width + _GAP for c in COLUMNS[1:column])
        right = left + COLUMNS[column].width
        width = self.scrollable_content_region.width - FROZEN
        if left < self.scroll_x:
            self.scroll_to(x=max(0, left - 1), animate=False, immediate=True)
        elif right > self.scroll_x + width:
            self.scroll_to(x=right - width + 1, animate=False, immediate=True)
        self.refresh()

    def _last_index(self) -> int:
        count = self.total if self.total is not None else self.loaded_row_count
        return max(0, count - 1)

    def _move_to(self, index: int) -> None:
        self.cursor_row = min(max(0, index), self._last_index())

    def action_cursor_up(self) -> None:
        self._move_to(self.cursor_row - 1)

    def action_cursor_down(self) -> None:
        self._move_to(self.cursor_row + 1)

    def action_page_up(self) -> None:
        self._move_to(self.cursor_row - self._data_height)

    def action_page_down(self) -> None:
        self._move_to(self.cursor_row + self._data_height)

    def action_first(self) -> None:
        self._move_to(0)

    def action_last(self) -> None:
        self._move_to(self._last_index())

    def action_column_left(self) -> None:
        self.cursor_column = max(0, self.cursor_column - 1)

    def action_column_right(self) -> None:
        self.cursor_column = min(len(COLUMNS) - 1, self.cursor_column + 1)

    def action_sort(self) -> None:
        """Sort by the current column; the same column again reverses the order."""
        self.set_query(self.query_spec.sorted_by(COLUMNS[self.cursor_column].key))

    def action_open(self) -> None:
        row = self.current_row
        if row is not None:
            self.post_message(DeviceChosen(row.asset_tag))

    def _on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if offset.y == 0:
            if offset.x < FROZEN:
                self.cursor_column = 0
                self.action_sort()
                return
            x = offset.x - FROZEN + int(self.scroll_x)
            for i, col in enumerate(COLUMNS[1:], start=1):
                if x < col.width + _GAP:
                    self.cursor_column = i
                    self.action_sort()
                    return
                x -= col.width + _GAP
            return
        index = int(self.scroll_y) + offset.y - 1
        if index <= self._last_index():
            if index == self.cursor_row and event.chain >= 2:
                self.action_open()
            self.cursor_row = index
