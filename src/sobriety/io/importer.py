"""Streaming, chunked import of a device inventory (CSV, XLSX, sobriety JSON).

The file is read ``chunk_size`` rows at a time; each chunk is read and
validated column-wise (:mod:`sobriety.domain.inventory.fields`), matched against the
database and written in bulk, all inside ONE transaction:

- by default the import is all-or-nothing: after the first invalid row no
  more writes happen, the rest of the file is still checked so that EVERY
  problem is reported (line, column, value, what was expected), then the
  transaction is rolled back: the database is left exactly as it was;
- with ``skip_invalid`` (a CSV path), valid rows go in and each invalid row is
  copied to that file with its line and reasons (fix it, import it again);
- with ``dry_run`` everything runs and is counted, then rolled back;
- ``progress(rows)`` is called after each chunk with the rows read so far, and
  a set ``cancel`` event (checked between chunks) stops the import: the
  transaction is rolled back and :class:`ImportCancelled` raised.

Devices are matched by asset tag; a row without asset tag is matched by
serial number, and a new device from such a row takes its serial as asset
tag (a later row giving the real tag with the same serial relabels it).
Re-importing a file changes nothing. Columns of the file are authoritative
for matched devices: an empty cell clears the field, except for fields with a
default (status, condition, acquisition type, sensitive data) which keep
their value. Every created or updated device gets a history event.

On a device an inventory agent has measured (it has a last inventory date),
the measured fields (CPU, RAM, storage, battery, TPM, OS, screen, UUID, last
inventory: :data:`sobriety.domain.inventory.agent_rules.MEASURED_FIELDS`) keep the
agent's values; the file's columns for them are not applied.

Sites are named by code or name (a GLPI location path "A > B > C" names its
last part). An unknown site is created (kind from a ``site_kind`` column, else
``other``; code = the name, cut to 40 characters with a hash when longer) and
listed in the summary.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import json
import threading
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import IntegrityError

from sobriety.domain.inventory.agent_rules import MEASURED_FIELDS
from sobriety.domain.inventory.fields import (
    DEVICE_FIELD_NAMES,
    FIELDS,
    Problem,
    Synonyms,
    check_records,
    duplicates,
    site_reference,
)
from sobriety.domain.inventory.values import same_value
from sobriety.i18n import _
from sobriety.io import store
from sobriety.io.formula_guard import neutralise, unneutralise
from sobriety.io.profiles import ColumnMap, map_columns
from sobriety.io.synonyms import load_synonyms
from sobriety.io.tables import Table, UnreadableFile, open_table

DEFAULT_CHUNK_SIZE = 10_000
SITE_COLUMNS = ("site_code", "site_name", "site", "site_kind")
REJECT_COLUMNS = ("rejected_line", "rejected_reason")
AGENT_KEPT = frozenset(MEASURED_FIELDS)


@dataclass(frozen=True)
class LocatedProblem:
    """A problem located in the file: line, column header, value, what was expected."""

    line: int
    column: str
    value: Any
    expected: str

    def __str__(self) -> str:
        shown = _("(empty)") if self.value in (None, "") else f'"{self.value}"'
        return _('line {line}, column "{column}": {value}; expected {expected}').format(
            line=self.line, column=self.column, value=shown, expected=self.expected
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
    dry_run: bool = False
    rejects_path: Path | None = None
    committed: bool = False


class ImportFailed(Exception):
    """Nothing was imported: invalid rows (listed in ``report.problems``) or a DB conflict."""

    def __init__(self, report: ImportReport, message: str | None = None) -> None:
        self.report = report
        super().__init__(
            message
            or _("{n} problem(s) in {path}; nothing was imported").format(
                n=len(report.problems), path=report.path
            )
        )


class ImportCancelled(ImportFailed):
    """The user stopped the import between two chunks; nothing was imported."""


def import_file(
    engine: Engine,
    path: Path,
    *,
    profile: str = "auto",
    synonyms: Synonyms | None = None,
    dry_run: bool = False,
    skip_invalid: Path | None = None,
    actor: str | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    progress: Callable[[int], None] | None = None,
    cancel: threading.Event | None = None,
) -> ImportReport:
    """Import ``path`` into the database; returns the summary.

    Raises :class:`~sobriety.io.tables.UnreadableFile`,
    :class:`~sobriety.io.profiles.ColumnError` (before touching the database)
    or :class:`ImportFailed` (database unchanged).
    """
    synonyms = synonyms if synonyms is not None else load_synonyms()
    if skip_invalid is not None and Path(skip_invalid).resolve() == Path(path).resolve():
        raise UnreadableFile(
            _("{path}: the rejects file must be another file").format(path=skip_invalid)
        )
    with open_table(Path(path)) as table:
        columns = map_columns(table.headers, profile)
        report = ImportReport(
            path=Path(path),
            profile=columns.profile,
            format=table.format,
            delimiter=table.delimiter,
            encoding=table.encoding,
            ignored_columns=columns.ignored,
            dry_run=dry_run,
            rejects_path=skip_invalid,
        )
        with engine.connect() as conn:
            run = _Run(conn, table, columns, synonyms, report, skip_invalid, actor, dry_run)
            run.progress, run.cancel = progress, cancel
            run.execute(chunk_size)
    return report


class _Run:
    def __init__(
        self,
        conn: Connection,
        table: Table,
        columns: ColumnMap,
        synonyms: Synonyms,
        report: ImportReport,
        rejects: Path | None,
        actor: str | None,
        dry_run: bool,
    ) -> None:
        self.conn = conn
        self.table = table
        self.map = columns
        self.synonyms = synonyms
        self.report = report
        self.skip = rejects is not None
        self.rejects_path = rejects if not dry_run else None
        self.actor = actor
        self.dry_run = dry_run
        self.now = dt.datetime.now(dt.UTC)
        self.failed = False
        self.seen: dict[str, int] = {}
        self.caches: dict[str, tuple[dict, dict]] = {}
        self.claimed: dict[int, int] = {}
        self.width = len(table.headers)
        self.site_mapped = any(c in columns.fields for c in SITE_COLUMNS)
        self.file_fields = [f for f in DEVICE_FIELD_NAMES if f in columns.fields]
        self.created_details = json.dumps(
            {"source": "import", "file": table.path.name}, ensure_ascii=False
        )
        self._writer: Any = None
        self._rejects_fh: Any = None
        self.progress: Callable[[int], None] | None = None
        self.cancel: threading.Event | None = None

    # -- driver ---------------------------------------------------------------

    def execute(self, chunk_size: int) -> None:
        trans = self.conn.begin()
        try:
            self.sites = store.SiteIndex(self.conn)
            if self.table.sites:
                self._import_sites(self.table.sites)
            for chunk in _chunks(self.table.rows, chunk_size):
                self._chunk(chunk)
                if self.progress is not None:
                    self.progress(self.report.rows)
                if self.cancel is not None and self.cancel.is_set():
                    raise ImportCancelled(
                        self.report,
                        _("import cancelled after {n} rows; nothing was imported").format(
                            n=self.report.rows
                        ),
                    )
            self.report.sites_created = list(self.sites.created)
            if self.report.rows == 0:
                raise ImportFailed(
                    self.report,
                    _("{path}: no device row under the header; nothing was imported").format(
                        path=self.table.path
                    ),
                )
            if self.failed:
                raise ImportFailed(self.report)
        except IntegrityError as exc:
            trans.rollback()
            self._close_rejects()
            raise ImportFailed(
                self.report,
                _("the database refused the import ({error}); nothing was imported").format(
                    error=str(exc.orig).splitlines()[0]
                ),
            ) from exc
        except store.ConcurrentChange as exc:
            trans.rollback()
            self._close_rejects()
            raise ImportFailed(self.report, str(exc)) from exc
        except BaseException:
            trans.rollback()
            self._close_rejects()
            raise
        self._close_rejects()
        if self.dry_run:
            trans.rollback()
        else:
            trans.commit()
            self.report.committed = True

    def _fail_or_reject(self, problems: dict[int, list[LocatedProblem]], rows, lines) -> None:
        for i in sorted(problems):
            self.report.problems.extend(problems[i])
        if not self.skip:
            self.failed = True
            return
        self.report.rejected += len(problems)
        for i in sorted(problems):
            self._reject(lines[i], rows[i], problems[i])

    # -- one chunk --------------------------------------------------------------

    def _chunk(self, chunk: list[tuple[int, list[Any]]]) -> None:
        lines = [line for line, _row in chunk]
        rows = [row for _line, row in chunk]
        n = len(rows)
        self.report.rows += n
        width = self.width
        padded = [r if len(r) >= width else [*r, *[None] * (width - len(r))] for r in rows]
        transposed = list(zip(*padded, strict=False)) if padded else []
        raw = {name: transposed[idx] for name, (idx, _header) in self.map.fields.items()}
        cols = check_records(
            raw,
            synonyms=self.synonyms,
            decimal_comma=self.table.decimal_comma,
            prepare=unneutralise if self.table.spreadsheet else None,
            caches=self.caches,
        )
        problems: dict[int, list[LocatedProblem]] = defaultdict(list)
        for p in cols.problems:
            problems[p.row].append(self._locate(p, lines, raw))
        for i, r in enumerate(rows):
            if len(r) > self.width and any(c not in (None, "") for c in r[self.width :]):
                problems[i].append(
                    LocatedProblem(
                        lines[i],
                        "-",
                        len(r),
                        _("at most {n} values (one per header)").format(n=self.width),
                    )
                )
        values = cols.values
        if "site" in values:
            values["site"] = _map_cached(site_reference, values["site"])
        tags = values.get("asset_tag") or [None] * n
        serials = values.get("serial") or [None] * n
        keys = [t if t is not None else s for t, s in zip(tags, serials, strict=True)]
        for i, first in duplicates(keys, self.seen, lines):
            name = "asset_tag" if tags[i] is not None else "serial"
            problems[i].append(
                LocatedProblem(
                    lines[i],
                    self._header(name),
                    keys[i],
                    _("a value used on one line only (already on line {line})").format(line=first),
                )
            )
        if problems:
            self._fail_or_reject(problems, rows, lines)
        # Matching only reads: it runs even after a failure, to report every problem.
        good = [i for i in range(n) if i not in problems]
        self._upsert(good, values, tags, serials, rows, lines)

    def _upsert(self, good, values, tags, serials, rows, lines) -> None:
        conn = self.conn
        # One lookup by asset tag: each row's tag (or serial when it has no tag),
        # plus the serials of tagged rows (a device tagged with its serial is
        # relabelled when its real tag arrives).
        keys = {tags[i] or serials[i] for i in good}
        keys.update(serials[i] for i in good if tags[i] is not None and serials[i])
        by_tag = {d["asset_tag"]: d for d in store.devices_where(conn, "asset_tag", keys)}
        wanted = {serials[i] for i in good if tags[i] is None}
        by_serial: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for d in store.devices_where(conn, "serial", wanted) if wanted else ():
            by_serial[d["serial"]].append(d)
        problems: dict[int, list[LocatedProblem]] = defaultdict(list)
        matches: dict[int, dict[str, Any] | None] = {}
        for i in good:
            tag, serial = tags[i], serials[i]
            device = None
            if tag is not None:
                device = by_tag.get(tag)
                if device is None and serial:
                    relabel = by_tag.get(serial)
                    if relabel is not None and relabel["serial"] == serial:
                        device = relabel
            else:
                candidates = by_serial.get(serial, [])
                if len(candidates) > 1:
                    problems[i].append(
                        LocatedProblem(
                            lines[i],
                            self._header("serial"),
                            serial,
                            _(
                                "a serial number of one device at most (it matches {n}); "
                                "give the asset tag"
                            ).format(n=len(candidates)),
                        )
                    )
                    continue
                if candidates:
                    device = candidates[0]
                elif serial in by_tag:
                    problems[i].append(
                        LocatedProblem(
                            lines[i],
                            self._header("serial"),
                            serial,
                            _(
                                "an asset tag: without one the serial number is used, and it "
                                "is already the asset tag of another device"
                            ),
                        )
                    )
                    continue
            if device is not None:
                first = self.claimed.setdefault(device["id"], lines[i])
                if first != lines[i]:
                    problems[i].append(
                        LocatedProblem(
                            lines[i],
                            self._header("asset_tag" if tag is not None else "serial"),
                            tag or serial,
                            _("a row of its own device (line {line} updates the same one)").format(
                                line=first
                            ),
                        )
                    )
                    continue
            matches[i] = device
        if problems:
            self._fail_or_reject(problems, rows, lines)
        if self.failed:
            return
        site_ids = self._site_ids(list(matches), values) if self.site_mapped else None
        self._create([i for i, d in matches.items() if d is None], values, tags, serials, site_ids)
        self._update(
            [(i, d) for i, d in matches.items() if d is not None], values, tags, site_ids, lines
        )

    def _create(self, idx, values, tags, serials, site_ids) -> None:
        m = len(idx)
        if not m:
            return
        every = m == len(tags)  # the whole chunk: no selection needed

        def pick(col: list[Any]) -> list[Any]:
            return col if every else [col[i] for i in idx]

        columns: dict[str, list[Any]] = {}
        for name in DEVICE_FIELD_NAMES:
            default = FIELDS[name].default
            if name == "asset_tag":
                picked = pick(tags)
                if None in picked:
                    picked = [t or s for t, s in zip(picked, pick(serials), strict=True)]
                columns[name] = picked
            elif name in values:
                picked = pick(values[name])
                if default is not None and None in picked:
                    picked = [default if v is None else v for v in picked]
                columns[name] = picked
            else:
                columns[name] = [default] * m
        columns["site_id"] = [None] * m if site_ids is None else pick(site_ids)
        # version, created_at and updated_at (and the event date) take the
        # table's defaults, computed once per bulk insert.
        ids = store.insert_devices(self.conn, columns)
        store.insert_events(
            self.conn,
            {
                "device_id": [ids[t] for t in columns["asset_tag"]],
                "kind": ["created"] * m,
                "actor": [self.actor] * m,
                "details": [self.created_details] * m,
            },
        )
        self.report.created += m

    def _update(self, pairs, values, tags, site_ids, lines) -> None:
        if not pairs:
            return
        fields = ["asset_tag", *(f for f in self.file_fields if f != "asset_tag")]
        if self.site_mapped:
            fields.append("site_id")
        rows: list[dict[str, Any]] = []
        events: list[tuple[int, str]] = []
        for i, device in pairs:
            changes: dict[str, list[Any]] = {}
            final = dict(device)
            inventoried = device["last_inventory_date"] is not None
            for name in fields:
                if inventoried and name in AGENT_KEPT:
                    continue  # measured by an inventory agent: its value stands
                if name == "asset_tag":
                    new = tags[i] or device["asset_tag"]
                elif name == "site_id":
                    new = site_ids[i]
                else:
                    new = values[name][i]
                    if new is None and FIELDS[name].default is not None:
                        continue
                if not same_value(device[name], new):
                    changes[name] = [device[name], new]
                    final[name] = new
            if not changes:
                self.report.unchanged += 1
                continue
            rows.append(final)
            details = {"source": "import", "file": self.table.path.name, "line": lines[i]}
            details["changes"] = changes
            events.append((device["id"], json.dumps(details, ensure_ascii=False, default=str)))
        store.update_devices(self.conn, fields, rows, self.now)
        store.insert_events(
            self.conn,
            {
                "device_id": [e[0] for e in events],
                "kind": ["updated"] * len(events),
                "actor": [self.actor] * len(events),
                "details": [e[1] for e in events],
            },
        )
        self.report.updated += len(rows)

    def _site_ids(self, idx, values) -> list[int | None]:
        """The site id of every row of the chunk (None for rows not in ``idx``)."""
        present = [(n, values[n]) for n in SITE_COLUMNS if n in values]
        names = [n for n, _col in present]
        keys = list(zip(*(col for _n, col in present), strict=True))
        resolved: dict[tuple[Any, ...], int | None] = {}
        for key in {keys[i] for i in idx}:
            given = dict(zip(names, key, strict=True))
            resolved[key] = self.sites.resolve(
                given.get("site_code"),
                given.get("site_name"),
                given.get("site"),
                given.get("site_kind"),
            )
        return list(map(resolved.get, keys))

    # -- sites shipped with an export -------------------------------------------

    def _import_sites(self, records: list[dict[str, Any]]) -> None:
        problems: list[LocatedProblem] = []
        for number, record in enumerate(records, start=1):
            code = _clean_text(record.get("code"))
            if not code or code in self.sites.by_code:
                if not code:
                    problems.append(LocatedProblem(number, "sites: code", None, _("a site code")))
                continue
            kind_text = _clean_text(record.get("kind"))
            kind = self.synonyms.lookup("site_kind", kind_text) if kind_text else "other"
            if kind is None:
                problems.append(
                    LocatedProblem(
                        number, "sites: kind", kind_text, _("a site kind (see site_kind synonyms)")
                    )
                )
                continue
            agents = record.get("agents")
            if agents in ("", None):
                agents = None
            elif isinstance(agents, str) and agents.strip().isdigit():
                agents = int(agents)
            elif not isinstance(agents, int) or isinstance(agents, bool) or agents < 0:
                problems.append(
                    LocatedProblem(number, "sites: agents", agents, _("a whole number >= 0"))
                )
                continue
            extra = {
                "commune": _clean_text(record.get("commune")),
                "insee_code": _clean_text(record.get("insee_code")),
                "agents": agents,
            }
            country = _clean_text(record.get("country"))
            if country:
                extra["country"] = country
            name = _clean_text(record.get("name")) or code
            self.sites.create(code, name, kind, **extra)
        if problems:
            self.report.problems.extend(problems)
            self.failed = True

    # -- helpers -----------------------------------------------------------------

    def _header(self, name: str) -> str:
        if name in self.map.fields:
            return self.map.header(name)
        return self.map.header("serial" if "serial" in self.map.fields else "asset_tag")

    def _locate(
        self, problem: Problem, lines: list[int], raw: dict[str, list[Any]]
    ) -> LocatedProblem:
        """Line and header of a problem, with the cell as the file wrote it."""
        cells = raw.get(problem.field)
        value = cells[problem.row] if cells is not None else problem.value
        return LocatedProblem(
            lines[problem.row], self._header(problem.field), value, problem.expected
        )

    def _reject(self, line: int, row: list[Any], problems: list[LocatedProblem]) -> None:
        if self.rejects_path is None:
            return
        if self._writer is None:
            self._rejects_fh = self.rejects_path.open("w", encoding="utf-8-sig", newline="")
            delimiter = self.table.delimiter or ","
            self._writer = csv.writer(self._rejects_fh, delimiter=delimiter)
            self._writer.writerow([*self.table.headers, *REJECT_COLUMNS])
        cells = [_reject_cell(c, self.table.spreadsheet) for c in row[: self.width]]
        cells += [""] * (self.width - len(cells))
        reasons = " | ".join(
            _('column "{column}": {value}; expected {expected}').format(
                column=p.column,
                value=_("(empty)") if p.value in (None, "") else f'"{p.value}"',
                expected=p.expected,
            )
            for p in problems
        )
        self._writer.writerow([*cells, line, reasons])

    def _close_rejects(self) -> None:
        if self.skip and self.rejects_path is not None and self._writer is None:
            # Every row went in: still leave an (empty) rejects file, so a
            # script can rely on it.
            with self.rejects_path.open("w", encoding="utf-8-sig", newline="") as fh:
                writer = csv.writer(fh, delimiter=self.table.delimiter or ",")
                writer.writerow([*self.table.headers, *REJECT_COLUMNS])
        if self._rejects_fh is not None:
            self._rejects_fh.close()
            self._rejects_fh = None


def _chunks(rows: Iterator[tuple[int, list[Any]]], size: int):
    while chunk := list(itertools.islice(rows, size)):
        yield chunk


def _map_cached(func, values: list[Any]) -> list[Any]:
    cache: dict[Any, Any] = {}
    out = []
    for v in values:
        if v not in cache:
            cache[v] = func(v)
        out.append(cache[v])
    return out


def _clean_text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _reject_cell(value: Any, spreadsheet: bool) -> Any:
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return neutralise(unneutralise(value) if spreadsheet else value)
    return value
