"""What an import tells its user: located problems, unknown labels, the summary.

- :class:`LocatedProblem`: one cell (or row) refused, with its line, column,
  value (quoted at most :data:`MAX_SHOWN` characters) and what was expected;
- :class:`UnknownLabel`: a label of a vocabulary column (status, category...)
  that no synonym maps, reported ONCE with its row count and first lines, and
  exactly how to map it (a line of a synonyms file, or ``--map`` for one run);
- :class:`DateOrder`: how the slash dates of a column were read (day or month
  first) and why;
- :class:`ImportReport`, :class:`ImportFailed`, :class:`ImportCancelled`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sobriety.domain.labels import label
from sobriety.i18n import _, fmt_number, ngettext

#: Characters of a value quoted in an error line (the rest is cut, with "…").
MAX_SHOWN = 200
#: Lines listed for an unknown label (the row count gives the rest).
FIRST_LINES = 5


def shown_value(value: Any) -> str:
    """A cell as quoted in a message: ``(empty)``, or ``"text"`` cut to :data:`MAX_SHOWN`."""
    if value in (None, ""):
        return _("(empty)")
    text = str(value)
    if len(text) > MAX_SHOWN:
        text = text[: MAX_SHOWN - 1] + "…"
    return f'"{text}"'


@dataclass(frozen=True)
class LocatedProblem:
    """A problem located in the file: line, column header, value, what was expected."""

    line: int
    column: str
    value: Any
    expected: str

    def __str__(self) -> str:
        return _('line {line}, column "{column}": {value}; expected {expected}').format(
            line=self.line,
            column=self.column,
            value=shown_value(self.value),
            expected=self.expected,
        )


@dataclass
class UnknownLabel:
    """A vocabulary label of the file that no synonym maps: one entry however many rows."""

    #: The device field (``status``), its synonym section, the file's column header.
    field: str
    section: str
    column: str
    #: The label as first written in the file.
    label: str
    #: The vocabulary values it may be mapped to.
    allowed: tuple[str, ...] = ()
    rows: int = 0
    lines: list[int] = field(default_factory=list)

    def add(self, line: int) -> None:
        self.rows += 1
        if len(self.lines) < FIRST_LINES:
            self.lines.append(line)

    @property
    def map_option(self) -> str:
        """The ``--map`` option mapping it for one run (VALUE to choose)."""
        return f'--map "{self.column}:{self.label}=VALUE"'

    @property
    def synonym_line(self) -> str:
        """The line to add under ``[section]`` of a synonyms file (VALUE to choose)."""
        return f"VALUE = [{_toml_string(self.label)}]"

    def __str__(self) -> str:
        lines = ", ".join(str(n) for n in self.lines)
        if self.rows > len(self.lines):
            lines += ", …"
        return ngettext(
            'column "{column}": unknown label {label} on {rows} row (line {lines}); '
            "expected one of {allowed}, or a synonym",
            'column "{column}": unknown label {label} on {rows} rows (lines {lines}); '
            "expected one of {allowed}, or a synonym",
            self.rows,
        ).format(
            column=self.column,
            label=shown_value(self.label),
            rows=fmt_number(self.rows),
            lines=lines,
            allowed=", ".join(map(self._value_and_label, self.allowed)),
        )

    def _value_and_label(self, value: str) -> str:
        """``laptop (PC portable)``: the value to write, with its label when it differs."""
        shown = label(self.section, value)
        plain = value.replace("_", " ").casefold()
        return value if shown.casefold() in ("", plain) else f"{value} ({shown})"

    def how_to_map(self, synonyms_path: Path | None = None) -> list[str]:
        """Exactly how to map it: the synonyms file line, and the one-run option."""
        where = (
            _("in your synonyms file {path}").format(path=synonyms_path)
            if synonyms_path is not None
            else _("in a synonyms file of yours (--synonyms FILE, or SOBRIETY_SYNONYMS)")
        )
        return [
            _(
                "to map it, add under [{section}] {where}: {line} (VALUE: one of the values above)"
            ).format(section=self.section, where=where, line=self.synonym_line),
            _("(or add {label} to the list of that value), or for this run only: {option}").format(
                label=_toml_string(self.label), option=self.map_option
            ),
        ]


def _toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass(frozen=True)
class DateOrder:
    """How the slash dates of one column were read (``dmy`` or ``mdy``) and why."""

    column: str
    #: ``dmy``, ``mdy``, or None: ambiguous with no default, its dates refused.
    order: str | None
    #: ``values`` (a part over 12 settled it), ``default`` (profile), ``option`` (--date-order).
    reason: str
    #: The value that settled it, and its line (for ``values``).
    value: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        names = {"dmy": _("day/month/year"), "mdy": _("month/day/year")}
        if self.order is None:
            return _(
                'column "{column}": day/month order unknown (no part over 12, '
                "no default for this profile); give --date-order dmy or mdy"
            ).format(column=self.column)
        if self.reason == "values":
            why = _('from line {line}: "{value}"').format(line=self.line, value=self.value)
        elif self.reason == "option":
            why = _("--date-order {order}").format(order=self.order)
        else:
            why = _("default of the profile; --date-order dmy|mdy overrides it")
        return _('column "{column}": {order} ({why})').format(
            column=self.column, order=names[self.order], why=why
        )


@dataclass
class ImportReport:
    path: Path
    profile: str = ""
    format: str = ""
    delimiter: str | None = None
    encoding: str | None = None
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    sites_created: list[tuple[str, str, str]] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    problems: list[LocatedProblem] = field(default_factory=list)
    #: Unknown vocabulary labels, each once (their rows are not in ``problems``).
    unknown_labels: list[UnknownLabel] = field(default_factory=list)
    #: How each date column's slash dates were read.
    date_orders: list[DateOrder] = field(default_factory=list)
    #: Two-digit years are read within this window (first and last year).
    year_window: tuple[int, int] | None = None
    #: Firmware placeholders read as empty, per column ("Chassis Asset Tag"...).
    placeholders: dict[str, int] = field(default_factory=dict)
    #: Where the site came from (a column header) and which column kept the location.
    site_from: str | None = None
    #: Labels mapped for this run (``--map``): (column, label, value).
    mapped: list[tuple[str, str, str]] = field(default_factory=list)
    #: The user's synonyms file, named in the hints.
    synonyms_path: Path | None = None
    dry_run: bool = False
    rejects_path: Path | None = None
    committed: bool = False

    @property
    def problem_count(self) -> int:
        """Problems listed: each located problem, and each unknown label once."""
        return len(self.problems) + len(self.unknown_labels)


class ImportFailed(Exception):
    """Nothing was imported: invalid rows (listed in ``report.problems``) or a DB conflict."""

    def __init__(self, report: ImportReport, message: str | None = None) -> None:
        self.report = report
        super().__init__(
            message
            or ngettext(
                "{n} problem in {path}; nothing was imported",
                "{n} problems in {path}; nothing was imported",
                report.problem_count,
            ).format(n=fmt_number(report.problem_count), path=report.path)
        )


class ImportCancelled(ImportFailed):
    """The user stopped the import between two chunks; nothing was imported."""
