"""Import of hardware inventories: the ``glpi-agent`` profile of ``sobriety import``.

``PATH`` is one inventory file, a folder of them (what ``glpi-agent --local
DIR`` writes) or a ``.zip`` of them; JSON inventories (checked against the
GLPI Agent's schema) and the legacy XML of the OCS, FusionInventory and
Android agents. Each file gives a device (a computer, phone, network device
or printer) and the monitors plugged into a computer; a device with no
category in sobriety (a virtual machine, a server, a UPS...) is skipped and
counted.

1. Every file is read, checked and turned into device records
   (:mod:`sobriety.io.agent_files`, :mod:`~sobriety.io.agent_schema`,
   :mod:`~sobriety.io.agent_extract`); their values meet the importer's field
   rules (lengths, ranges, dates).
2. A device seen in several files (a machine inventoried again under a new
   agent id) is taken from its most recent inventory; the others are listed.
3. Devices are matched by serial number, then UUID, then asset tag (the
   BIOS's, or the serial standing in as asset tag); a device whose recorded
   serial differs is another device.
4. New devices are created (the serial, else the asset tag, else the UUID
   stands in as asset tag until a CSV import brings the real one); known
   devices take the measured values (see
   :func:`sobriety.domain.inventory.agent_rules.merge_changes`). Every creation and
   every change goes into the device's history, updates bump its version.

All of it runs in one transaction. Any problem stops the import, every
problem is listed (file, JSON path, value, what was expected) and the
database is left as it was; with ``skip_invalid`` the valid files go in and
the files left out are listed with their reasons (and written to that CSV).
``dry_run`` runs everything, then rolls back. Importing the same files again
changes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import IntegrityError

from sobriety.domain.inventory import agent_rules
from sobriety.domain.inventory.fields import DEVICE_FIELD_NAMES, FIELDS, Columns, validate_columns
from sobriety.i18n import _, ngettext
from sobriety.io import store
from sobriety.io.agent_extract import AgentRecord, extract
from sobriety.io.agent_files import (
    FileProblem,
    UnreadableInput,
    looks_like_agent_input,
    open_inputs,
    parse,
    shown,
)
from sobriety.io.agent_schema import array_sections, check
from sobriety.io.importer import ImportCancelled, ImportFailed, ImportReport
from sobriety.io.profiles import AGENT_PROFILE

#: Every profile ``sobriety import`` takes: the column profiles and the agent's.
#: Files read between two progress reports (and cancel checks).
PROGRESS_EVERY = 250
REJECT_COLUMNS = ("file", "path", "value", "expected")
CREATE, UPDATE = "create", "update"


def uses_agent_profile(path: Path, profile: str) -> bool:
    """Whether ``sobriety import PATH --profile PROFILE`` reads agent inventories."""
    return profile == AGENT_PROFILE or (profile == "auto" and looks_like_agent_input(path))


@dataclass(frozen=True)
class PreviewRow:
    """A device the import creates or updates (what the import screen lists)."""

    item_type: str
    serial: str | None
    asset_tag: str
    category: str
    model: str | None
    action: str  # CREATE or UPDATE
    file: str
    changes: tuple[str, ...] = ()


@dataclass
class AgentReport(ImportReport):
    """The summary of an agent import (``rows`` counts the files read)."""

    files: int = 0
    formats: Counter[str] = field(default_factory=Counter)
    #: item type -> {"created": n, "updated": n, "unchanged": n}
    by_type: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    #: (item type, reason) -> devices skipped for want of a category
    skipped: Counter[tuple[str, str]] = field(default_factory=Counter)
    #: Files left out (invalid) under ``skip_invalid``.
    left_out: list[str] = field(default_factory=list)
    #: Older inventories of a device also found in a more recent file.
    superseded: list[str] = field(default_factory=list)
    #: Devices whose inventory is older than the one on record (left as they are).
    older: int = 0
    #: Files of a folder or zip that are no inventory by their extension.
    ignored_files: list[str] = field(default_factory=list)
    preview: list[PreviewRow] = field(default_factory=list)

    def count(self, item_type: str, outcome: str) -> None:
        self.by_type[item_type][outcome] += 1
        setattr(self, outcome, getattr(self, outcome) + 1)


def import_inventories(
    engine: Engine,
    path: Path,
    *,
    dry_run: bool = False,
    skip_invalid: Path | None = None,
    actor: str | None = None,
    progress: Callable[[int], None] | None = None,
    cancel: threading.Event | None = None,
) -> AgentReport:
    """Import the inventories of ``path``; returns the summary.

    Raises :class:`~sobriety.io.agent_files.UnreadableInput` (nothing read) or
    :class:`~sobriety.io.importer.ImportFailed` (database unchanged).
    """
    report = AgentReport(
        path=Path(path), profile=AGENT_PROFILE, dry_run=dry_run, rejects_path=skip_invalid
    )
    if skip_invalid is not None and Path(skip_invalid).resolve() == Path(path).resolve():
        raise UnreadableInput(
            _("{path}: the rejects file must be another file").format(path=skip_invalid)
        )
    with open_inputs(Path(path)) as inputs:
        report.format, report.ignored_files = inputs.kind, list(inputs.ignored)
        if not inputs.sources:
            raise ImportFailed(
                report,
                _(
                    "{path}: no inventory file (.json, .xml, .ocs) in it; nothing was imported"
                ).format(path=path),
            )
        run = _Run(report, skip_invalid is not None, actor, progress, cancel)
        run.read(inputs.sources)
    with engine.connect() as conn:
        trans = conn.begin()
        try:
            run.write(conn)
        except IntegrityError as exc:
            trans.rollback()
            raise ImportFailed(
                report,
                _("the database refused the import ({error}); nothing was imported").format(
                    error=str(exc.orig).splitlines()[0]
                ),
            ) from exc
        except store.ConcurrentChange as exc:
            trans.rollback()
            raise ImportFailed(report, str(exc)) from exc
        except BaseException:
            trans.rollback()
            raise
        if dry_run:
            trans.rollback()
        else:
            trans.commit()
            report.committed = True
    if skip_invalid is not None and not dry_run:
        _write_rejects(Path(skip_invalid), report.problems)
    return report


class _Run:
    def __init__(
        self,
        report: AgentReport,
        skip: bool,
        actor: str | None,
        progress: Callable[[int], None] | None,
        cancel: threading.Event | None,
    ) -> None:
        self.report = report
        self.skip = skip
        self.actor = actor
        self.progress = progress
        self.cancel = cancel
        self.records: list[AgentRecord] = []
        self.problems: dict[str, list[FileProblem]] = {}
        self.skipped: dict[str, list[tuple[str, str]]] = {}
        self.now = dt.datetime.now(dt.UTC)

    # -- 1. reading ------------------------------------------------------------------

    def read(self, sources: Iterable[Any]) -> None:
        arrays = array_sections()
        number = 0
        for number, source in enumerate(sources, start=1):
            self._read_one(source, arrays)
            if number % PROGRESS_EVERY == 0:
                self._tick(number)
        self.report.files = self.report.rows = number
        self._tick(number)
        self._check_values()

    def _read_one(self, source: Any, arrays: frozenset[str]) -> None:
        document, problem = parse(source, arrays)
        if problem is not None:
            self.problems[source.name] = [problem]
            return
        self.report.formats[document.format] += 1
        if document.format == "json":
            found = check(source.name, document.data)
            if found:
                self.problems[source.name] = found
                return
        extracted = extract(source.name, document)
        if extracted.problems:
            self.problems[source.name] = extracted.problems
            return
        self.records.extend(extracted.records)
        self.skipped[source.name] = extracted.skipped

    def _tick(self, files: int) -> None:
        if self.progress is not None:
            self.progress(files)
        if self.cancel is not None and self.cancel.is_set():
            raise ImportCancelled(
                self.report,
                _("import cancelled after {n} files; nothing was imported").format(n=files),
            )

    def _check_values(self) -> None:
        """The importer's field rules (lengths, ranges, dates) on every record, at once."""
        records = self.records
        names = {name for r in records for name in r.values}
        values = {name: [r.values.get(name) for r in records] for name in sorted(names)}
        values["asset_tag"] = [_stand_in(r) for r in records]
        for problem in validate_columns(Columns(values, len(records), [])):
            record = records[problem.row]
            where = record.path("serial" if problem.field == "asset_tag" else problem.field)
            self.problems.setdefault(record.file, []).append(
                FileProblem(record.file, where, shown(problem.value), problem.expected)
            )

    # -- 2-4. matching and writing ----------------------------------------------------

    def write(self, conn: Connection) -> None:
        self.conn = conn
        records = self._latest_first(r for r in self.records if r.file not in self.problems)
        matches = self._match(conn, records)
        self._settle_problems()
        if self.cancel is not None and self.cancel.is_set():
            self._tick(self.report.files)
        good = [(r, d) for r, d in matches if r.file not in self.problems]
        for name, skipped in self.skipped.items():
            if name not in self.problems:
                self.report.skipped.update(skipped)
        self._create([r for r, d in good if d is None])
        self._update([(r, d) for r, d in good if d is not None])

    def _settle_problems(self) -> None:
        if not self.problems:
            return
        ordered = sorted(self.problems)
        self.report.problems = [p for name in ordered for p in self.problems[name]]
        if not self.skip:
            raise ImportFailed(
                self.report,
                ngettext(
                    "{problems} in {files} file of {path}; nothing was imported",
                    "{problems} in {files} files of {path}; nothing was imported",
                    len(ordered),
                ).format(
                    problems=ngettext(
                        "{n} problem", "{n} problems", len(self.report.problems)
                    ).format(n=len(self.report.problems)),
                    files=len(ordered),
                    path=self.report.path,
                ),
            )
        self.report.left_out = ordered
        self.report.rejected = len(ordered)

    def _latest_first(self, records: Iterable[AgentRecord]) -> list[AgentRecord]:
        """One record per device: the most recent inventory (then the last file by name)."""
        ordered = sorted(
            records, key=lambda r: (r.seen_at or dt.datetime.min, r.file), reverse=True
        )
        seen: set[tuple[str, str]] = set()
        kept: list[AgentRecord] = []
        for record in ordered:
            keys = _identity(record)
            if keys & seen:
                self.report.superseded.append(record.file)
                continue
            seen |= keys
            kept.append(record)
        return kept

    def _match(
        self, conn: Connection, records: list[AgentRecord]
    ) -> list[tuple[AgentRecord, dict[str, Any] | None]]:
        serials = {r.serial for r in records if r.serial}
        uuids = {r.uuid for r in records if r.uuid}
        tags = {t for r in records for t in (r.asset_tag, r.serial, r.uuid) if t}
        by_serial: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for d in store.devices_where(conn, "serial", serials) if serials else ():
            by_serial[d["serial"]].append(d)
        by_uuid: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for d in store.devices_where(conn, "uuid", uuids) if uuids else ():
            by_uuid[d["uuid"]].append(d)
        by_tag = {d["asset_tag"]: d for d in store.devices_where(conn, "asset_tag", tags)}
        claimed: dict[int, str] = {}
        new_tags: dict[str, str] = {}
        out: list[tuple[AgentRecord, dict[str, Any] | None]] = []
        for record in records:
            device = self._find(record, by_serial, by_uuid, by_tag)
            if device is False:
                continue
            if device is not None:
                if device["id"] in claimed:
                    self.report.superseded.append(record.file)
                    continue
                claimed[device["id"]] = record.file
            else:
                tag = _stand_in(record)
                if tag in by_tag or tag in new_tags:
                    self._problem(
                        record,
                        "serial",
                        tag,
                        _(
                            "an asset tag of its own: the serial number (or UUID) stands in as "
                            "asset tag and it is already the asset tag of another device"
                        ),
                    )
                    continue
                new_tags[tag] = record.file
            out.append((record, device))
        return out

    def _find(self, record, by_serial, by_uuid, by_tag) -> dict[str, Any] | bool | None:
        """The known device of a record, None for a new one, False after a problem."""
        ambiguous = {
            "serial": _("a serial number of one device at most (it matches {n} devices)"),
            "uuid": _("a UUID of one device at most (it matches {n} devices)"),
        }
        for key, index in (("serial", by_serial), ("uuid", by_uuid)):
            value = getattr(record, key)
            found = index.get(value, []) if value else []
            if len(found) > 1:
                self._problem(record, key, value, ambiguous[key].format(n=len(found)))
                return False
            if found:
                return found[0]
        for tag in (record.asset_tag, record.serial, record.uuid):
            device = by_tag.get(tag) if tag else None
            if device is not None and _compatible(device, record):
                return device
        return None

    def _problem(self, record: AgentRecord, key: str, value: Any, expected: str) -> None:
        self.problems.setdefault(record.file, []).append(
            FileProblem(record.file, record.path(key), shown(value), expected)
        )

    def _create(self, records: list[AgentRecord]) -> None:
        if not records:
            return
        columns: dict[str, list[Any]] = {name: [] for name in DEVICE_FIELD_NAMES}
        for record in records:
            for name in DEVICE_FIELD_NAMES:
                if name == "asset_tag":
                    value = _stand_in(record)
                elif name == "category":
                    value = record.category
                else:
                    value = record.values.get(name)
                    if value is None:
                        value = FIELDS[name].default
                columns[name].append(value)
            self.report.count(record.item_type, "created")
            self.report.preview.append(_preview(record, record.category, _stand_in(record)))
        columns["site_id"] = [None] * len(records)
        ids = store.insert_devices(self.conn, columns)
        details = [
            json.dumps({"source": AGENT_PROFILE, "file": r.file}, ensure_ascii=False)
            for r in records
        ]
        store.insert_events(
            self.conn,
            {
                "device_id": [ids[t] for t in columns["asset_tag"]],
                "kind": ["created"] * len(records),
                "actor": [self.actor] * len(records),
                "details": details,
            },
        )

    def _update(self, pairs: list[tuple[AgentRecord, dict[str, Any]]]) -> None:
        rows: list[dict[str, Any]] = []
        events: list[tuple[int, str]] = []
        fields: set[str] = set()
        for record, device in pairs:
            changes = agent_rules.merge_changes(device, record.values)
            if not changes:
                known, taken = (
                    device["last_inventory_date"],
                    record.values.get("last_inventory_date"),
                )
                if known is not None and taken is not None and taken < known:
                    self.report.older += 1
                self.report.count(record.item_type, "unchanged")
                continue
            final = dict(device)
            final.update({name: new for name, (_old, new) in changes.items()})
            rows.append(final)
            fields.update(changes)
            details = {
                "source": AGENT_PROFILE,
                "file": record.file,
                "changes": {name: [old, new] for name, (old, new) in changes.items()},
            }
            events.append((device["id"], json.dumps(details, ensure_ascii=False, default=str)))
            self.report.count(record.item_type, "updated")
            self.report.preview.append(
                _preview(record, device["category"], device["asset_tag"], tuple(changes))
            )
        if not rows:
            return
        store.update_devices(self.conn, sorted(fields), rows, self.now)
        store.insert_events(
            self.conn,
            {
                "device_id": [e[0] for e in events],
                "kind": ["updated"] * len(events),
                "actor": [self.actor] * len(events),
                "details": [e[1] for e in events],
            },
        )


def _identity(record: AgentRecord) -> set[tuple[str, str]]:
    """The keys telling a device in one import: serial and UUID, else the asset tag."""
    keys = {(k, v) for k, v in (("serial", record.serial), ("uuid", record.uuid)) if v}
    if not keys and record.asset_tag:
        keys.add(("asset_tag", record.asset_tag))
    return keys


def _stand_in(record: AgentRecord) -> str:
    """The asset tag of a new device: its serial, else its BIOS asset tag, else its UUID."""
    return record.serial or record.asset_tag or record.uuid or ""


def _compatible(device: dict[str, Any], record: AgentRecord) -> bool:
    """Whether a device found by asset tag may be the record's (no other serial or UUID)."""
    return all(
        not mine or not theirs or mine == theirs
        for mine, theirs in ((record.serial, device["serial"]), (record.uuid, device["uuid"]))
    )


def _preview(
    record: AgentRecord, category: str, asset_tag: str, changes: tuple[str, ...] = ()
) -> PreviewRow:
    return PreviewRow(
        record.item_type,
        record.serial,
        asset_tag,
        category,
        record.values.get("model"),
        UPDATE if changes else CREATE,
        record.file,
        changes,
    )


def _write_rejects(path: Path, problems: list[Any]) -> None:
    """The files left out and why, one problem a line (an empty table when none)."""
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(REJECT_COLUMNS)
        for p in problems:
            writer.writerow([p.file, p.path, p.value, p.expected])
