"""The dashboard: the fleet, its carbon footprint and the legal targets at a glance.

Every figure comes from :func:`sobriety.app.dashboard.dashboard` (the same
use cases as ``sobriety estimate`` and ``sobriety reuse-rate``, with the same
settings: grid zone, policy, today), computed in a child process driven by a
thread worker that reports its progress; the screen and its keys work while it
runs. Written data (a decision, a lot, an import) makes the
figures stale: they are computed again when the dashboard is shown next.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

from rich.console import Group
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, Sparkline, Static

from sobriety.domain.carbon import engine as carbon
from sobriety.domain.labels import label
from sobriety.domain.report import kpis
from sobriety.domain.reuse.rate import ReuseRate
from sobriety.domain.vocab import Status
from sobriety.i18n import N_, _, colon, fmt_date, fmt_number
from sobriety.tui.charts import bars, gauge, year_axis
from sobriety.tui.host import host
from sobriety.tui.messages import DashboardLoaded, LoadProgressed
from sobriety.tui.widgets.work_progress import WorkProgress

#: Panels of the dashboard: (id, title).
PANELS = (
    ("carbon", N_("Carbon footprint")),
    ("targets", N_("Legal targets")),
    ("fleet", N_("Fleet")),
    ("lifecycle", N_("Lifespans")),
)
MODE_TITLES = {
    "amortised": N_("Amortised (Bilan Carbone)"),
    "acquisition": N_("Acquisition year (GHG Protocol)"),
}


def _t(kg: float) -> str:
    return fmt_number(kg / 1000.0, 1)


def _pct(value: float | None) -> str:
    return "-" if value is None else fmt_number(value, 1) + " %"


def fleet_text(d: kpis.Dashboard) -> Group:
    by_status = " · ".join(
        f"{label('status', s)} {fmt_number(n)}" for s, n in d.by_status().items()
    )
    cats = list(d.by_category().items())
    top = [(label("category", c), float(n)) for c, n in cats[:6]]
    rest = sum(n for _c, n in cats[6:])
    if rest:
        top.append((_("Other categories"), float(rest)))
    gone = d.by_status().get(Status.GONE.value, 0)
    return Group(
        Text(_("{n} devices recorded").format(n=fmt_number(d.devices)), style="bold"),
        Text(by_status, style="dim"),
        Text(
            _("By category, the devices still held: the {n} gone are not counted.").format(
                n=fmt_number(gone)
            ),
            style="italic",
        ),
        bars(top, width=38, label_width=17),
    )


def carbon_text(d: kpis.Dashboard) -> Group:
    parts: list[Any] = [
        Text(_("{year}, tCO2e (low–high); per agent in kgCO2e").format(year=d.year), style="dim")
    ]
    for mode in carbon.MODES:
        fp = d.footprints[mode]
        total = fp.total_kg
        line = Text()
        line.append(colon(_(MODE_TITLES[mode])) + " ", style="bold")
        line.append(f"{_t(total[0])} t")
        line.append(f" ({_t(total[1])}–{_t(total[2])})", style="dim")
        per = fp.per_agent_kg
        line.append(
            "  " + _("{kg} kg/agent").format(kg="-" if per is None else fmt_number(per[0], 0))
        )
        parts.append(line)
    return Group(*parts)


def targets_text(d: kpis.Dashboard, rate: ReuseRate) -> Group:
    reuse = Text()
    reuse.append(_("Reuse rate {year}").format(year=rate.year), style="bold")
    reuse.append(
        "  "
        + _("A/B = {a}/{b} = {rate}; target {target}").format(
            a=fmt_number(rate.a),
            b=fmt_number(rate.b),
            rate=_pct(rate.rate_pct),
            target=_pct(rate.target_pct),
        )
    )
    p = d.purchases
    buy = Text()
    buy.append(_("Refurbished purchases {year}").format(year=p.year), style="bold")
    if p.devices:
        bought = _("{share} of {spend} EUR; target {target}").format(
            share=_pct(p.share_pct), spend=fmt_number(p.spend_eur), target=_pct(p.target_pct)
        )
    else:
        bought = _("no purchase recorded yet; target {target}").format(target=_pct(p.target_pct))
    buy.append("  " + bought)
    return Group(
        reuse,
        _verdict(gauge(rate.rate_pct, rate.target_pct), rate.met),
        Text(_("décret 2023-266 (loi REEN art. 16)"), style="dim"),
        buy,
        _verdict(gauge(p.share_pct, p.target_pct), p.met),
        Text(_("loi AGEC art. 58, décret 2024-134 (share of spend excl. VAT)"), style="dim"),
    )


def _verdict(bar: Text, met: bool | None) -> Text:
    word = {True: _("met"), False: _("not met"), None: _("no figure")}[met]
    return Text.assemble(bar, " ", (word, "bold" if met else ""))


def lifecycle_text(d: kpis.Dashboard) -> Group:
    age = d.age
    per = d.per_agent
    eol = d.end_of_life
    lines = [
        Text.assemble(
            (colon(_("Average age")) + " ", "bold"),
            "-" if age.years is None else _("{y} years").format(y=fmt_number(age.years, 1)),
            ("  " + _("(devices in use, in stock or in repair)"), "dim"),
        ),
        Text.assemble(
            (colon(_("Devices per agent")) + " ", "bold"),
            "-" if per.ratio is None else fmt_number(per.ratio, 2),
            (
                "  "
                + _("{n} in service, {a} agents").format(
                    n=fmt_number(per.devices), a=fmt_number(per.agents)
                ),
                "dim",
            ),
        ),
        Text.assemble(
            (colon(_("End of life within 12 months")) + " ", "bold"),
            fmt_number(eol.due),
            ("  " + _("already past: {n}").format(n=fmt_number(eol.overdue)), "dim"),
        ),
    ]
    due = [
        (label("category", d.categories[i]), float(n))
        for i, n in sorted(enumerate(eol.due_by_category), key=lambda x: -x[1])
        if n
    ][:4]
    if due:
        lines.append(bars(due, width=38, label_width=17))
    return Group(*lines)


class DashboardScreen(Screen[None]):
    """Figures of the whole fleet, computed in the background."""

    BINDINGS = [
        Binding("r", "refresh", _("Refresh")),
    ]

    def __init__(self) -> None:
        super().__init__(id="dashboard")
        self.dashboard: kpis.Dashboard | None = None
        self.reuse_rate: ReuseRate | None = None
        self.seconds: float | None = None
        self._generation_shown = -1

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield WorkProgress(id="dashboard-progress")
        with VerticalScroll(id="dashboard-scroll"), Grid(id="dashboard-grid"):
            for panel, title in PANELS:
                with Vertical(classes="panel", id=f"panel-{panel}"):
                    yield Label(_(title), classes="panel-title")
                    yield Static(_("Computing…"), id=f"{panel}-body", classes="slot-empty")
            with Vertical(classes="panel", id="panel-acquisitions"):
                yield Label("", id="acquisitions-title", classes="panel-title")
                yield Sparkline([], id="acquisitions")
                yield Static("", id="acquisitions-years", classes="chart-axis")
        yield Static("", id="dashboard-status")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = _("Dashboard")
        self.query_one("#dashboard-status", Static).update(self._keys_hint())
        self.action_refresh()

    def on_screen_resume(self) -> None:
        if self._generation_shown != host(self).data_generation and self.dashboard:
            self.action_refresh()

    def _keys_hint(self) -> str:
        from sobriety.tui.sections import SECTIONS

        return " · ".join(f"{s.key} {_(s.title)}" for s in SECTIONS)

    # --------------------------------------------------------------- loading
    def action_refresh(self) -> None:
        self._generation_shown = host(self).data_generation
        self.query_one(WorkProgress).begin(_("Computing the figures…"))
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="dashboard")
    def _load(self) -> None:
        """Compute the figures in a child process (no GIL contention with the interface)."""
        from sobriety.i18n import language
        from sobriety.tui import dashboard_job

        sobriety = host(self).sobriety
        start = time.perf_counter()
        try:
            figures = dashboard_job.run(
                dashboard_job.child_settings(sobriety),
                sobriety.today(),
                lang=language(),
                progress=lambda text, done, total: self.post_message(
                    LoadProgressed(text, done, total)
                ),
            )
        except Exception as exc:  # shown on the screen, never a crash
            self.post_message(DashboardLoaded(error=str(exc).splitlines()[0]))
            return
        seconds = time.perf_counter() - start
        self.post_message(DashboardLoaded(figures.kpis, figures.reuse_rate, seconds))

    def on_load_progressed(self, message: LoadProgressed) -> None:
        self.query_one(WorkProgress).show(message)

    def on_dashboard_loaded(self, message: DashboardLoaded) -> None:
        self.query_one(WorkProgress).done()
        if message.error is not None:
            for panel, _title in PANELS:
                self.query_one(f"#{panel}-body", Static).update(
                    _("Could not compute this: {error}").format(error=message.error)
                )
            self.notify(message.error, title=_("Dashboard"), severity="error")
            return
        d, rate = message.dashboard, message.reuse_rate
        self.dashboard, self.reuse_rate, self.seconds = d, rate, message.seconds
        bodies = {
            "fleet": fleet_text(d),
            "carbon": carbon_text(d),
            "targets": targets_text(d, rate),
            "lifecycle": lifecycle_text(d),
        }
        for panel, body in bodies.items():
            widget = self.query_one(f"#{panel}-body", Static)
            widget.remove_class("slot-empty")
            widget.update(body)
        last = d.acquisitions_first_year + len(d.acquisitions) - 1
        self.query_one("#acquisitions-title", Label).update(
            _("Devices acquired per year, {first}–{last} (this year: {n})").format(
                first=d.acquisitions_first_year, last=last, n=fmt_number(d.acquisitions[-1])
            )
        )
        self.query_one("#acquisitions", Sparkline).data = [float(n) for n in d.acquisitions]
        self._year_axis()
        self.query_one("#dashboard-status", Static).update(
            _("As of {date} · {keys}").format(date=fmt_date(d.on), keys=self._keys_hint())
        )

    def _year_axis(self) -> None:
        """The years under the acquisitions chart, spread over its width."""
        d = self.dashboard
        if d is None or not len(d.acquisitions):
            return
        chart = self.query_one("#acquisitions", Sparkline)
        last = d.acquisitions_first_year + len(d.acquisitions) - 1
        width = chart.content_region.width or chart.size.width
        self.query_one("#acquisitions-years", Static).update(
            year_axis(d.acquisitions_first_year, last, width)
        )

    def on_resize(self) -> None:
        self.call_after_refresh(self._year_axis)

    # -------------------------------------------------------------- palette
    def palette_commands(self) -> Iterator[tuple[str, str, Callable[[], Any]]]:
        yield (
            _("Refresh the dashboard"),
            _("Compute every figure again (key r)"),
            self.action_refresh,
        )
