"""The factors screen: the emission factor set with its sources, and per-model values.

Tabs: category defaults, grid intensities, per-model factors (the Boavizta
dataset's and the users'), and the bibliography. The line under the table
gives the source of the highlighted value. ``n`` adds a user's per-model
value with its source and quality; every figure is typed with its unit.
Everything is read and written through :mod:`sobriety.app.factors`, in thread
workers that post :class:`FactorsLoaded` and :class:`ModelFactorStored`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static, TabbedContent, TabPane

from sobriety.app.factors import InvalidInput
from sobriety.domain.labels import label
from sobriety.i18n import _, colon, count_of, fmt_number, unit_label
from sobriety.settings import packaged_factors_dir
from sobriety.tui.factor_forms import QUALITIES, model_factor_form, model_record
from sobriety.tui.host import host
from sobriety.tui.messages import DataChanged, FactorsLoaded, LoadProgressed, ModelFactorStored
from sobriety.tui.screens.action_dialog import ActionDialog
from sobriety.tui.widgets.work_progress import WorkProgress

if TYPE_CHECKING:
    from sobriety.domain.carbon.factors import Factor, FactorSet


def _factor_dir_label(directory: object) -> str:
    """``shipped with sobriety`` for the packaged set, else the folder (``~`` for home)."""
    path = Path(str(directory)).resolve()
    if path == packaged_factors_dir().resolve():
        return _("shipped with sobriety")
    home = Path.home()
    return f"~/{path.relative_to(home)}" if path.is_relative_to(home) else str(path)


def _num(x: float) -> str:
    return fmt_number(x, 2 if abs(x) < 100 else 0)


#: How a factor file says that a phase's zero is counted in the manufacturing figure.
_IN_MANUFACTURING = "included in manufacturing"


def _range(f: Factor | None, unit: bool = False) -> str:
    if f is None:
        return "-"
    if f.high == 0 and f.note.strip().lower().startswith(_IN_MANUFACTURING):
        return _("Included in manufacturing")
    text = f"{_num(f.value)} ({_num(f.low)}–{_num(f.high)})"
    return f"{text} {unit_label(f.unit)}" if unit else text


class FactorsScreen(Screen[None]):
    """Every factor with its source; add a per-model value."""

    BINDINGS = [
        Binding("n", "add_model_factor", _("Add per-model value")),
        Binding("r", "refresh", _("Reload")),
    ]

    def __init__(self) -> None:
        super().__init__(id="factors")
        #: The last "stored" notice (with how its range was derived).
        self.last_stored: str | None = None
        self.factor_set: FactorSet | None = None
        self.models: list[Any] = []
        self._sources: dict[str, list[str]] = {}  # table id -> source id per row

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield WorkProgress(id="factors-progress")
        yield Static(_("Loading the factor set…"), id="factors-summary")
        with TabbedContent(id="factors-tabs"):
            with TabPane(_("Categories"), id="tab-categories"):
                yield DataTable(id="factor-categories", cursor_type="row", zebra_stripes=True)
            with TabPane(_("Grid"), id="tab-grid"):
                yield DataTable(id="factor-grid", cursor_type="row", zebra_stripes=True)
            with TabPane(_("Per model"), id="tab-models"):
                yield DataTable(id="factor-models", cursor_type="row", zebra_stripes=True)
            with TabPane(_("Sources"), id="tab-sources"):
                yield DataTable(id="factor-sources", cursor_type="row", zebra_stripes=True)
        yield Static("", id="factor-detail")
        yield Footer()

    @staticmethod
    def headers() -> dict[str, list[str]]:
        """Each table's column titles (the source second in the categories: shown whole
        whatever the width, the ranges scroll)."""
        return {
            "factor-categories": [
                _("Category"), _("Source"), _("Manufacturing kgCO2e"), _("Distribution"),
                _("End of life"), _("Years"), _("Use"),
            ],
            "factor-grid": [_("Zone"), _("Year"), _("gCO2e/kWh"), _("Low–high"), _("Source")],
            "factor-models": [
                _("Origin"), _("Manufacturer"), _("Model"), _("Manufacturing kgCO2e"),
                _("kWh/year"), _("Years"), _("Quality"), _("Source"),
            ],
            "factor-sources": [_("Id"), _("Reference")],
        }  # fmt: skip

    def on_mount(self) -> None:
        self.sub_title = _("Emission factors")
        for table_id, titles in self.headers().items():
            self.query_one(f"#{table_id}", DataTable).add_columns(*titles)
        self.action_refresh()

    def _fill(self, table_id: str, rows: list[tuple[Any, ...]], keys: list[str] | None = None):
        """Put ``rows`` in a table with each column as wide as its widest cell, from the
        first display on (DataTable would widen its columns later, on idle: a screen
        drawn before shows every column at its title's width, the sources cut)."""
        table = self.query_one(f"#{table_id}", DataTable)
        titles = self.headers()[table_id]
        table.clear(columns=True)
        for i, title in enumerate(titles):
            width = max([cell_len(title), *(cell_len(str(r[i])) for r in rows)])
            table.add_column(title, width=width)
        for n, row in enumerate(rows):
            table.add_row(*row, key=keys[n] if keys else None)

    # ---------------------------------------------------------------- loading
    def action_refresh(self) -> None:
        self.query_one(WorkProgress).begin(_("Loading the factor set…"))
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="factors-load")
    def _load(self) -> None:
        from sobriety.app import factors

        sobriety = host(self).sobriety
        try:
            self.post_message(LoadProgressed(_("Loading the factor set…"), 0, 2))
            fs = sobriety.factors
            self.post_message(LoadProgressed(_("Reading the per-model factors"), 1, 2))
            stored = factors.per_model(sobriety)
        except Exception as exc:  # shown on the screen, never a crash
            self.post_message(FactorsLoaded(error=str(exc)))
            return
        self.post_message(FactorsLoaded(fs, stored.factors, stored.counts))

    def on_load_progressed(self, message: LoadProgressed) -> None:
        self.query_one(WorkProgress).show(message)

    def on_factors_loaded(self, message: FactorsLoaded) -> None:
        self.query_one(WorkProgress).done()
        if message.error is not None:
            self.query_one("#factors-summary", Static).update(
                _("Could not load the factors: {error}").format(error=message.error.splitlines()[0])
            )
            self.notify(message.error, title=_("Factors"), severity="error")
            return
        fs, models, counts = message.factor_set, message.models, message.counts
        self.factor_set, self.models = fs, models
        self.query_one("#factors-summary", Static).update(
            _("Factor set {version} ({directory}) · {efd}, {user}").format(
                version=fs.version,
                directory=_factor_dir_label(fs.directory),
                efd=count_of(
                    "{n} per-model value from the Boavizta dataset",
                    "{n} per-model values from the Boavizta dataset",
                    counts.get("efd", 0),
                ),
                user=count_of(
                    "{n} entered by users", "{n} entered by users", counts.get("user", 0)
                ),
            )
        )
        sources: dict[str, list[str]] = {}
        sources["factor-categories"] = []
        rows: list[tuple[Any, ...]] = []
        for key, cf in fs.categories.items():
            use = cf.yearly_energy or cf.power
            rows.append((
                label("category", key),
                cf.manufacturing.source,
                _range(cf.manufacturing),
                _range(cf.distribution),
                _range(cf.end_of_life),
                _num(cf.lifespan.value),
                _range(use, unit=True),
            ))  # fmt: skip
            sources["factor-categories"].append(cf.manufacturing.source)
        self._fill("factor-categories", rows)
        rows = []
        sources["factor-grid"] = []
        for series in fs.grids.values():
            for code, zone in series.zones.items():
                for year, f in sorted(zone.intensity.items()):
                    rows.append((
                        f"{code} {zone.label} ({series.id})",
                        str(year) if year else _("all years"),
                        fmt_number(f.value * 1000, 1),
                        f"{fmt_number(f.low * 1000, 1)}–{fmt_number(f.high * 1000, 1)}",
                        f.source,
                    ))  # fmt: skip
                    sources["factor-grid"].append(f.source)
        self._fill("factor-grid", rows)
        rows = []
        for m in models:
            rows.append((
                "EFD" if m.origin == "efd" else _("user"),
                m.manufacturer,
                m.model,
                "-" if m.manufacturing_kgco2e is None else _num(m.manufacturing_kgco2e),
                "-" if m.yearly_energy_kwh is None else _num(m.yearly_energy_kwh),
                "-" if m.lifespan_years is None else _num(m.lifespan_years),
                _(QUALITIES[m.quality]) if m.quality in QUALITIES else (m.quality or "-"),
                m.source,
            ))  # fmt: skip
        self._fill("factor-models", rows, [f"model-{m.id}" for m in models])
        self._fill("factor-sources", [(sid, src.citation()) for sid, src in fs.sources.items()])
        self._sources = sources
        self._detail()

    # ----------------------------------------------------------------- detail
    @on(DataTable.RowHighlighted)
    @on(TabbedContent.TabActivated)
    def _detail(self) -> None:
        fs = self.factor_set
        detail = self.query_one("#factor-detail", Static)
        if fs is None:
            return
        tab = self.query_one(TabbedContent).active
        table_id = {
            "tab-categories": "factor-categories",
            "tab-grid": "factor-grid",
            "tab-models": "factor-models",
            "tab-sources": "factor-sources",
        }.get(tab, "")
        if not table_id:
            return
        row = self.query_one(f"#{table_id}", DataTable).cursor_row
        text = ""
        if table_id in self._sources and row < len(self._sources[table_id]):
            sid = self._sources[table_id][row]
            text = f"{colon(sid)} {fs.source(sid).citation()}"
        elif table_id == "factor-models" and row < len(self.models):
            m = self.models[row]
            text = _("{m} {mo} (key {key}): {source}").format(
                m=m.manufacturer, mo=m.model, key=m.match_key, source=m.source
            )
        elif table_id == "factor-models":
            text = _("No per-model value yet: n adds one (sobriety factors import-efd adds many).")
        detail.update(text)

    # ------------------------------------------------------------------ adding
    def action_add_model_factor(self) -> None:
        self.app.push_screen(
            ActionDialog(model_factor_form()),
            lambda values: None if values is None else self._add(values),
        )

    def _add(self, values: dict[str, Any]) -> None:
        try:
            record = model_record(values)
        except InvalidInput as exc:  # no figure at all, mostly: the form again
            self.notify(str(exc), title=_("Not saved"), severity="error")
            self.app.push_screen(
                ActionDialog(model_factor_form(values["manufacturer"], values["model"])),
                lambda again: None if again is None else self._add(again),
            )
            return
        self._store(record, bool(values.get("replace")))

    @work(thread=True, exit_on_error=False, group="factors-write")
    def _store(self, record: Any, replace: bool) -> None:
        from sobriety.app import factors

        who = (record.manufacturer, record.model)
        try:
            fid = factors.add_model_factor(host(self).sobriety, record, replace=replace)
        except factors.FactorExists:
            error = _("You already gave a value for {m} {mo}: tick 'Replace' to overwrite it.")
            self.post_message(ModelFactorStored(*who, error=error.format(m=who[0], mo=who[1])))
            return
        except Exception as exc:
            self.post_message(ModelFactorStored(*who, error=str(exc).splitlines()[0]))
            return
        note = factors.range_note(host(self).sobriety, record)
        self.post_message(ModelFactorStored(*who, factor_id=fid, note=note))

    def on_model_factor_stored(self, message: ModelFactorStored) -> None:
        if message.error is not None:
            self.notify(message.error, title=_("Not saved"), severity="error")
            return
        text = _("Per-model factor stored for {m} {mo}.").format(
            m=message.manufacturer, mo=message.model
        )
        self.last_stored = text if message.note is None else f"{text} {message.note}"
        self.notify(self.last_stored, timeout=12 if message.note else 5)
        self.post_message(DataChanged("factor"))
        self.query_one(TabbedContent).active = "tab-models"
        self.action_refresh()

    # -------------------------------------------------------------- palette
    def palette_commands(self) -> Iterator[tuple[str, str, Callable[[], Any]]]:
        yield (
            _("Add a per-model emission factor"),
            _("With its source and quality · key n"),
            self.action_add_model_factor,
        )
        yield _("Reload the factors"), _("Key r"), self.action_refresh
