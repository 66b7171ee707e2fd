"""Use cases of the annual numérique-responsable report.

:func:`report_figures` reads the fleet, the reuse history and the stored
snapshots once and computes every figure of a year's report
(:func:`sobriety.domain.report.annual.annual_figures`) in the report's
language. :func:`write_report` renders them as an A4 PDF, a self-contained
HTML page and a JSON file (the same figures in each), then stores a snapshot
of them, so that next year's report compares with what was published even
after the inventory changed. A year without data raises :class:`NoDataError`
and writes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sobriety.i18n import _

if TYPE_CHECKING:
    from sobriety.app.context import Sobriety
    from sobriety.domain.report.annual import ReportInputs
    from sobriety.storage.device_frame import DeviceFrame

#: ``progress(text, done, total)``
Progress = Callable[[str, float, float], None]
FORMATS = ("pdf", "html", "json")
LANGUAGES = ("fr", "en")


class NoDataError(LookupError):
    """The inventory holds nothing about the year asked for."""

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            _("no data for {year}: no device acquired by then, retired or transferred that "
              "year; nothing was written").format(year=year)
        )  # fmt: skip


class ReportInputError(ValueError):
    """A report option is not usable (format, language, folder)."""


@dataclass
class ReportResult:
    year: int
    figures: dict[str, Any]
    paths: list[Path] = field(default_factory=list)
    snapshot_id: int | None = None


def read_inputs(
    app: Sobriety, grid: str | None = None, frame: DeviceFrame | None = None
) -> ReportInputs:
    """The fleet, the history and the extra columns, read once from the database.

    ``frame``: the device columns shared by the sections
    (:func:`sobriety.storage.device_frame.read_frame`), read here when not given.
    """
    from sobriety.app.carbon import grid_zone
    from sobriety.domain.report.annual import ReportInputs
    from sobriety.storage.carbon_fleet import read_fleet
    from sobriety.storage.device_frame import read_frame
    from sobriety.storage.report_data import read_extra
    from sobriety.storage.reuse_events import read_history

    fs = app.factors
    engine = app.engine
    frame = frame if frame is not None else read_frame(engine)
    return ReportInputs(
        fleet=read_fleet(engine, fs),
        factor_set=fs,
        targets=app.purchase_targets,
        history=read_history(engine, frame),
        policy=app.policy,
        extra=read_extra(engine, frame),
        on=app.today(),
        grid_zone=grid_zone(app, grid),
    )


def check_options(formats: Sequence[str], lang: str | None) -> tuple[list[str], str | None]:
    wanted = [f.strip().lower() for f in formats if f.strip()]
    for f in wanted:
        if f not in FORMATS:
            raise ReportInputError(
                _("unknown format {value!r}; expected {choices}").format(
                    value=f, choices=", ".join(FORMATS)
                )
            )
    if lang is not None and lang not in LANGUAGES:
        raise ReportInputError(
            _("unknown language {value!r}; expected {choices}").format(
                value=lang, choices=", ".join(LANGUAGES)
            )
        )
    return wanted or list(FORMATS), lang


class _Language:
    """Run in the report's language, then go back to the interface's."""

    def __init__(self, lang: str | None) -> None:
        self.lang = lang
        self.before: str | None = None

    def __enter__(self) -> str:
        from sobriety.i18n import language, set_language

        self.before = language()
        return set_language(self.lang) if self.lang else self.before

    def __exit__(self, *exc: object) -> None:
        from sobriety.i18n import set_language

        set_language(self.before)


def report_figures(
    app: Sobriety,
    year: int,
    *,
    lang: str | None = None,
    grid: str | None = None,
    budget_eur: float | None = None,
    inputs: ReportInputs | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Every figure of ``year``'s report, in ``lang`` (default: the interface's)."""
    from sobriety.app.objectives import load
    from sobriety.domain.report.annual import annual_figures, has_data
    from sobriety.storage.device_frame import read_frame
    from sobriety.storage.report_data import snapshots

    with _Language(lang) as active:
        objectives = load(app)
        # The device table read once, shared by the sections (the renewal's too).
        frame = read_frame(app.engine) if inputs is None else None
        inputs = inputs or read_inputs(app, grid, frame)
        if not has_data(inputs, year):
            raise NoDataError(year)
        renewal = _renewal_section(app, inputs, year, budget_eur, frame)
        figures = annual_figures(
            inputs,
            year,
            objectives,
            snapshots=snapshots(app.engine),
            renewal=renewal,
            progress=progress,
        )
        figures["lang"] = active
        return figures


def _renewal_section(
    app: Sobriety,
    inputs: ReportInputs,
    year: int,
    budget_eur: float | None,
    frame: DeviceFrame | None = None,
) -> dict[str, Any] | None:
    from sobriety.app import renewal

    return renewal.report_section(app, inputs, year + 1, budget_eur, frame)


def write_report(
    app: Sobriety,
    year: int,
    output: Path,
    *,
    formats: Sequence[str] = FORMATS,
    lang: str | None = None,
    grid: str | None = None,
    budget_eur: float | None = None,
    progress: Progress | None = None,
) -> ReportResult:
    """Write ``year``'s report into the folder ``output`` and store its snapshot."""
    from sobriety.storage.report_data import save_snapshot

    wanted, lang = check_options(formats, lang)
    output = Path(output)
    if output.exists() and not output.is_dir():
        raise ReportInputError(_("{path} is not a folder").format(path=output))
    total = 11.0 + len(wanted)

    def step(text: str, done: float) -> None:
        if progress is not None:
            progress(text, done, total)

    step(_("Reading the fleet"), 0)
    figures = report_figures(
        app, year, lang=lang, grid=grid, budget_eur=budget_eur,
        progress=lambda text, done, steps: step(text, 1 + done / steps * 8),
    )  # fmt: skip
    output.mkdir(parents=True, exist_ok=True)
    result = ReportResult(year, figures)
    with _Language(figures["lang"]):
        stem = _("sobriety-report-{year}-{lang}").format(year=year, lang=figures["lang"])
        charts = None
        if "pdf" in wanted or "html" in wanted:
            from sobriety.reports.annual_charts import render_all
            from sobriety.reports.annual_view import build_view

            step(_("Drawing the charts"), 9)
            charts = render_all(figures, [c for s in build_view(figures) for c in s.charts])
        for k, fmt in enumerate(wanted):
            step(_("Writing the {format} file").format(format=fmt.upper()), 10 + k)
            path = output / f"{stem}.{fmt}"
            if fmt == "json":
                from sobriety.reports.annual_json import write_json

                write_json(figures, path)
            elif fmt == "html":
                from sobriety.reports.annual_html import write_html

                write_html(figures, path, charts)
            else:
                from sobriety.reports.annual_pdf import write_pdf

                write_pdf(figures, path, charts)
            result.paths.append(path)
    step(_("Storing the snapshot"), total - 1)
    result.snapshot_id = save_snapshot(
        app.engine, year, figures, actor=app.actor, lang=figures["lang"], at=app.now()
    )
    step(_("Done"), total)
    return result


def figures_json(figures: dict[str, Any]) -> str:
    return json.dumps(figures, ensure_ascii=False, indent=2, allow_nan=False)
