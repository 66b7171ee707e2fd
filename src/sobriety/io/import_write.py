"""The write side of a file import: matching rows to devices, bulk inserts and
updates with their history events, site ids (a mixin of the importer's run).

Devices are matched by asset tag; a row without asset tag is matched by
serial number, and a new device from such a row takes its serial as asset
tag (a later row giving the real tag with the same serial relabels it). A
device an inventory agent measured keeps the agent's measured fields.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from typing import Any

from sqlalchemy import Connection

from sobriety.domain.inventory.agent_rules import MEASURED_FIELDS
from sobriety.domain.inventory.fields import DEVICE_FIELD_NAMES, FIELDS
from sobriety.domain.inventory.values import same_value
from sobriety.i18n import _
from sobriety.io import store
from sobriety.io.import_report import ImportReport, LocatedProblem
from sobriety.io.tables import Table

SITE_COLUMNS = ("site_code", "site_name", "site", "site_kind")
AGENT_KEPT = frozenset(MEASURED_FIELDS)


class DeviceWrites:
    """Matching and writing; the run provides the connection, report and state below."""

    conn: Connection
    table: Table
    report: ImportReport
    actor: str | None
    now: dt.datetime
    failed: bool
    claimed: dict[int, int]
    site_mapped: bool
    file_fields: list[str]
    created_details: str
    sites: store.SiteIndex

    def _header(self, name: str) -> str:
        raise NotImplementedError

    def _created(self) -> None:
        """Called after each bulk insert of new devices."""

    def _serial_lookup(self) -> None:
        """Called before devices are looked up by serial number."""

    def _fail_or_reject(self, problems, rows, lines) -> None:
        raise NotImplementedError

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
        if wanted:
            self._serial_lookup()
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
        self._created()

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
        wanted = set(keys) if len(idx) == len(keys) else {keys[i] for i in idx}
        for key in wanted:
            given = dict(zip(names, key, strict=True))
            resolved[key] = self.sites.resolve(
                given.get("site_code"),
                given.get("site_name"),
                given.get("site"),
                given.get("site_kind"),
            )
        return list(map(resolved.get, keys))
