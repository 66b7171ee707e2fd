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

Sites are named by code or name (a GLPI path "A > B > C" names its last
part; GLPI's entity names the site, its "Lieu" is kept as the device's
location, see :mod:`sobriety.io.import_derive`). An unknown site is created
(kind from a ``site_kind`` column, else ``other``; code = the name, cut to 40
characters with a hash when longer) and listed in the summary.

A vocabulary label no synonym maps is reported once with its row count and
first lines (:class:`~sobriety.io.import_report.UnknownLabel`); ``mappings``
(``COLUMN:LABEL=VALUE``) map labels for one run. The day/month order of each
date column is decided from its values (:mod:`sobriety.io.import_dates`).

The report, problem and error types live in :mod:`sobriety.io.import_report`.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import IntegrityError

from sobriety.domain.inventory.fields import (
    DEVICE_FIELD_NAMES,
    ENUM,
    FIELDS,
    VOCABULARIES,
    Problem,
    Synonyms,
    check_records,
    duplicates,
    normalise_label,
)
from sobriety.domain.inventory.values import TWO_DIGIT_YEARS
from sobriety.i18n import _
from sobriety.io import import_dates, label_map, store
from sobriety.io.formula_guard import unneutralise
from sobriety.io.import_derive import (
    IDENTIFIER_FIELDS,
    derive_dates,
    drop_placeholders,
    split_location,
)
from sobriety.io.import_rejects import REJECT_COLUMNS, RejectsWriter
from sobriety.io.import_report import (
    ImportCancelled,
    ImportFailed,
    ImportReport,
    LocatedProblem,
    UnknownLabel,
)
from sobriety.io.import_sites import import_sites
from sobriety.io.import_write import SITE_COLUMNS, DeviceWrites
from sobriety.io.profiles import ColumnError, ColumnMap, date_order_default, map_columns
from sobriety.io.synonyms import load_synonyms
from sobriety.io.tables import Table, UnreadableFile, open_table
from sobriety.storage.gc_pause import gc_paused
from sobriety.storage.sqlite_load import BulkLoad

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "REJECT_COLUMNS",
    "ImportCancelled",
    "ImportFailed",
    "ImportReport",
    "LocatedProblem",
    "UnknownLabel",
    "import_file",
]

DEFAULT_CHUNK_SIZE = 10_000
#: New devices after which a SQLite import builds the secondary indexes once at
#: the end (:mod:`sobriety.storage.sqlite_load`), when they are also a quarter
#: or more of the devices already there.
DEFER_INDEXES_ROWS = DEFAULT_CHUNK_SIZE
#: The index the import's lookups of rows without asset tag need (restored
#: at once when such a row comes during a deferred load).
SERIAL_INDEX = "ix_device_serial"


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
    mappings: Iterable[str | label_map.LabelMapping] = (),
    date_order: str | None = None,
    site_level: int | None = None,
    synonyms_path: Path | None = None,
) -> ImportReport:
    """Import ``path`` into the database; returns the summary.

    ``mappings`` map labels for this run (``COLUMN:LABEL=VALUE``);
    ``date_order`` (``dmy`` / ``mdy``) overrides the day/month order of every
    date column; ``site_level`` N takes the site from level N of the location
    path instead of the site column; ``synonyms_path`` is named in the hints.

    Raises :class:`~sobriety.io.tables.UnreadableFile`,
    :class:`~sobriety.io.profiles.ColumnError` (before touching the database)
    or :class:`ImportFailed` (database unchanged).
    """
    synonyms = synonyms if synonyms is not None else load_synonyms()
    if skip_invalid is not None and Path(skip_invalid).resolve() == Path(path).resolve():
        raise UnreadableFile(
            _("{path}: the rejects file must be another file").format(path=skip_invalid)
        )
    if date_order is not None and date_order not in ("dmy", "mdy"):
        raise ColumnError(_("--date-order {order}: expected dmy or mdy").format(order=date_order))
    with open_table(Path(path)) as table:
        columns = map_columns(table.headers, profile)
        if site_level is not None and (site_level < 1 or "location" not in columns.fields):
            raise ColumnError(
                _(
                    '--site-level {n}: needs a location column (GLPI "Lieu") and a level '
                    "of 1 or more"
                ).format(n=site_level)
            )
        synonyms, mapped = label_map.resolve(mappings, columns, table.headers, synonyms)
        report = ImportReport(
            path=Path(path),
            profile=columns.profile,
            format=table.format,
            delimiter=table.delimiter,
            encoding=table.encoding,
            ignored_columns=columns.ignored,
            mapped=mapped,
            synonyms_path=synonyms_path,
            dry_run=dry_run,
            rejects_path=skip_invalid,
        )
        rows, orders = _date_orders(table, columns, chunk_size, date_order, report)
        with engine.connect() as conn:
            run = _Run(conn, table, columns, synonyms, report, skip_invalid, actor, dry_run)
            run.progress, run.cancel = progress, cancel
            run.date_orders, run.site_level = orders, site_level
            run.execute(rows, chunk_size)
    return report


def _date_orders(
    table: Table,
    columns: ColumnMap,
    chunk_size: int,
    override: str | None,
    report: ImportReport,
) -> tuple[Iterator[tuple[int, list[Any]]], dict[str, str | None]]:
    """The rows to import and each date column's day/month order (stated in ``report``)."""
    dates = import_dates.date_columns(columns)
    if not dates:
        return table.rows, {}
    evidence = {n: import_dates.Evidence(header) for n, (_i, header) in dates.items()}
    indexes = {n: index for n, (index, _h) in dates.items()}
    first = list(itertools.islice(table.rows, chunk_size))
    import_dates.gather(evidence, indexes, first)
    unsettled = any(ev.slash and not ev.settled for ev in evidence.values())
    if override is None and len(first) == chunk_size and unsettled:
        with open_table(table.path) as again:  # a decisive date may come later
            import_dates.gather(evidence, indexes, again.rows)
    default = date_order_default(columns.profile, french=table.decimal_comma)
    orders, report.date_orders = import_dates.decide(evidence, default, override)
    if report.date_orders:
        report.year_window = TWO_DIGIT_YEARS
    return itertools.chain(first, table.rows), orders


class _Run(DeviceWrites):
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
        self.rejects = RejectsWriter(
            rejects if not dry_run else None, table.headers, table.delimiter, table.spreadsheet
        )
        self.actor = actor
        self.dry_run = dry_run
        self.now = dt.datetime.now(dt.UTC)
        self.failed = False
        self.seen: dict[str, int] = {}
        self.caches: dict[str, tuple[dict, dict]] = {}
        self.claimed: dict[int, int] = {}
        self.labels: dict[tuple[str, str], UnknownLabel] = {}
        self.width = len(table.headers)
        self.date_orders: dict[str, str | None] = {}
        self.site_level: int | None = None
        fields = columns.fields
        self.site_mapped = any(c in fields for c in SITE_COLUMNS) or "location" in fields
        derived = set(fields)
        if "delivery_date" in fields:
            derived.add("acquisition_date")
        if "warranty_months" in fields:
            derived.add("warranty_end")
        self.file_fields = [f for f in DEVICE_FIELD_NAMES if f in derived]
        self.created_details = json.dumps(
            {"source": "import", "file": table.path.name}, ensure_ascii=False
        )
        self.progress: Callable[[int], None] | None = None
        self.cancel: threading.Event | None = None

    # -- driver ---------------------------------------------------------------

    def execute(self, rows: Iterator[tuple[int, list[Any]]], chunk_size: int) -> None:
        trans = self.conn.begin()
        self.load = BulkLoad(self.conn)
        try:
            self._execute(trans, rows, chunk_size)
        finally:
            self.load.close()

    def _execute(self, trans, rows: Iterator[tuple[int, list[Any]]], chunk_size: int) -> None:
        self.deferred = False
        try:
            self.existing = store.device_count(self.conn)
            self.sites = store.SiteIndex(self.conn)
            if self.table.sites:
                problems = import_sites(self.sites, self.table.sites, self.synonyms)
                if problems:
                    self.report.problems.extend(problems)
                    self.failed = True
            self._site_source()
            with gc_paused():  # no cycles to collect; full collections walked every live cell
                for chunk in _chunks(rows, chunk_size):
                    self._chunk(chunk)
                    if self.progress is not None:
                        self.progress(self.report.rows)
                    if self.cancel is not None and self.cancel.is_set():
                        raise ImportCancelled(
                            self._finish(),
                            _("import cancelled after {n} rows; nothing was imported").format(
                                n=self.report.rows
                            ),
                        )
            self._finish()
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
            if not self.dry_run:
                self.load.finish()
        except IntegrityError as exc:
            trans.rollback()
            self.rejects.close(keep_empty=False)
            raise ImportFailed(
                self.report,
                _("the database refused the import ({error}); nothing was imported").format(
                    error=str(exc.orig).splitlines()[0]
                ),
            ) from exc
        except store.ConcurrentChange as exc:
            trans.rollback()
            self.rejects.close(keep_empty=False)
            raise ImportFailed(self.report, str(exc)) from exc
        except BaseException:
            trans.rollback()
            self.rejects.close(keep_empty=False)
            raise
        # Every row went in: still leave an (empty) rejects file, so a script can rely on it.
        self.rejects.close(keep_empty=self.skip)
        if self.dry_run:
            trans.rollback()
        else:
            trans.commit()
            self.report.committed = True

    def _created(self) -> None:
        """After each bulk insert: past a large size, build the indexes once at the end."""
        if self.deferred or self.report.created < max(DEFER_INDEXES_ROWS, self.existing // 4):
            return
        self.deferred = True
        self.load.defer_indexes([store.DEVICE, store.EVENT])

    def _serial_lookup(self) -> None:
        self.load.restore(SERIAL_INDEX)

    def _finish(self) -> ImportReport:
        self.report.unknown_labels = sorted(self.labels.values(), key=lambda u: u.lines[0])
        return self.report

    def _site_source(self) -> None:
        fields = self.map.fields
        if self.site_level is not None:
            header = self.map.header("location")
            self.report.site_from = _("{column}, level {n}").format(
                column=header, n=self.site_level
            )
        elif "site" in fields:
            self.report.site_from = self.map.header("site")
        elif "location" in fields:
            self.report.site_from = self.map.header("location")

    def _fail_or_reject(self, problems: dict[int, list[LocatedProblem]], rows, lines) -> None:
        for i in sorted(problems):
            # an unknown label is listed once (self.labels), not on each of its rows
            self.report.problems.extend(p for p in problems[i] if not isinstance(p, _LabelProblem))
        if not self.skip:
            self.failed = True
            return
        self.report.rejected += len(problems)
        for i in sorted(problems):
            self.rejects.reject(lines[i], rows[i], problems[i])

    # -- one chunk --------------------------------------------------------------

    def _chunk(self, chunk: list[tuple[int, list[Any]]]) -> None:
        lines = [line for line, _row in chunk]
        rows = [row for _line, row in chunk]
        n = len(rows)
        self.report.rows += n
        width = self.width
        padded = (
            rows
            if not n or min(map(len, rows)) >= width
            else [r if len(r) >= width else [*r, *[None] * (width - len(r))] for r in rows]
        )
        transposed = list(zip(*padded, strict=False)) if padded else []
        raw = {name: transposed[idx] for name, (idx, _header) in self.map.fields.items()}
        for name in IDENTIFIER_FIELDS:
            if name in raw:
                raw[name], count = drop_placeholders(raw[name])
                if count:
                    header = self.map.header(name)
                    self.report.placeholders[header] = (
                        self.report.placeholders.get(header, 0) + count
                    )
        cols = check_records(
            raw,
            synonyms=self.synonyms,
            decimal_comma=self.table.decimal_comma,
            prepare=unneutralise if self.table.spreadsheet else None,
            caches=self.caches,
            date_orders=self.date_orders,
        )
        problems: dict[int, list[LocatedProblem]] = defaultdict(list)
        for p in cols.problems:
            problems[p.row].append(self._locate(p, lines, raw))
        long = n and max(map(len, rows)) > width
        for i, r in enumerate(rows if long else ()):
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
        derive_dates(values, n)
        self._sites_and_locations(values)
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

    def _sites_and_locations(self, values: dict[str, list[Any]]) -> None:
        """The site reference and the location of each row (see :mod:`import_derive`)."""
        location = values.get("location")
        if self.site_level is not None and location is not None:
            pairs = _map_cached(lambda t: split_location(t, self.site_level), location)
            values["site"] = [site for site, _rest in pairs]
            values["location"] = [rest for _site, rest in pairs]
        elif "site" in values:
            values["site"] = _map_cached(lambda t: split_location(t, None)[0], values["site"])
        elif location is not None:  # no site column: the location path names the site
            values["site"] = _map_cached(lambda t: split_location(t, None)[0], location)

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
        line, header = lines[problem.row], self._header(problem.field)
        spec = FIELDS[problem.field]
        if spec.kind != ENUM or value in (None, "") or problem.field not in self.map.fields:
            return LocatedProblem(line, header, value, problem.expected)
        section = spec.vocabulary or spec.name
        label = str(value).strip()
        key = (problem.field, normalise_label(label))
        unknown = self.labels.get(key)
        if unknown is None:
            allowed = tuple(v.value for v in VOCABULARIES[section])
            unknown = self.labels[key] = UnknownLabel(
                problem.field, section, header, label, allowed
            )
        unknown.add(line)
        return _LabelProblem(line, header, value, problem.expected)


def _chunks(rows: Iterator[tuple[int, list[Any]]], size: int):
    while chunk := list(itertools.islice(rows, size)):
        yield chunk


def _map_cached(func, values: list[Any]) -> list[Any]:
    """``func`` of each value, called once per distinct value."""
    cache = {v: func(v) for v in set(values)}
    return list(map(cache.__getitem__, values))


class _LabelProblem(LocatedProblem):
    """A row's unknown label: in its rejected row, listed once in the report."""
