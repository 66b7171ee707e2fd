"""Concurrent writers on one PostgreSQL database, through the application layer.

Eight writers share one inventory for a bounded time, each with its own
application object (its own engine and connections, as eight technicians
would have):

- ``edit-N`` (4): read a device among a small overlapping set, change its
  notes, save with the version read (optimistic locking);
- ``import``: import a small CSV that updates overlapping devices and adds one;
- ``flag``: accept the recommendation of a few overlapping devices;
- ``lot-N`` (2): open a recycling lot, add devices to it (overlapping with the
  editors), close it.

Every outcome is recorded: an accepted write with what it wrote, a refusal
(a conflict, a rule) with what the user was told, and anything else (a
deadlock, a driver error, an unexpected exception) as an error. :func:`verify`
then checks that every accepted write is in the database and no refused one is.

Used by ``tests/reliability/test_load.py`` (small) and ``bench/bench_load.py``
(large).
"""

from __future__ import annotations

import datetime as dt
import json
import random
import threading
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TODAY = dt.date(2026, 3, 2)
POOL_TAG = "POOL-{:05d}"


@dataclass
class Outcomes:
    accepted: list[tuple[str, str, Any]] = field(default_factory=list)  # (worker, kind, what)
    refused: list[tuple[str, str, str]] = field(default_factory=list)  # (worker, kind, message)
    errors: list[tuple[str, str, str]] = field(default_factory=list)  # (worker, kind, trace)
    refused_edits: list[tuple[str, str]] = field(default_factory=list)  # (tag, note)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, bucket: str, item: tuple) -> None:
        with self.lock:
            getattr(self, bucket).append(item)

    def counts(self) -> dict[str, Counter]:
        return {
            "accepted": Counter(k for _w, k, _x in self.accepted),
            "refused": Counter(k for _w, k, _x in self.refused),
            "errors": Counter(k for _w, k, _x in self.errors),
        }


def _app(url: str, actor: str):  # type: ignore[no-untyped-def]
    from sobriety.app.context import Sobriety
    from sobriety.settings import load_settings

    return Sobriety(load_settings(database_url=url, actor=actor), today=lambda: TODAY)


def seed(url: str, *, devices: int, pool: int) -> dict[str, list[str]]:
    """The demo fleet plus ``pool`` retired devices with a destruction record (lot-ready)."""
    from sqlalchemy import MetaData, select

    from sobriety.app import demo
    from sobriety.storage import db

    app = _app(url, "seed")
    demo.seed(app, devices=devices, seed=7)
    engine = app.engine
    meta = MetaData()
    meta.reflect(engine, only=["device", "erasure"])
    device, erasure = meta.tables["device"], meta.tables["erasure"]
    now = dt.datetime.now(dt.UTC)
    with engine.begin() as conn:
        rows = [
            {
                "asset_tag": POOL_TAG.format(i),
                "category": "laptop",
                "status": "retired",
                "condition": "broken",
                "acquisition_type": "new",
                "sensitive_data": False,
                "acquisition_date": dt.date(2015, 1, 1),
                "version": 1,
                "created_at": now,
                "updated_at": now,
                "manufacturer": "Dell",
                "model": "Latitude E7450",
            }
            for i in range(pool)
        ]
        conn.execute(device.insert(), rows)
        ids = (
            conn.execute(select(device.c.id).where(device.c.asset_tag.like("POOL-%")))
            .scalars()
            .all()
        )
        conn.execute(
            erasure.insert(),
            [
                {
                    "device_id": i,
                    "method": "destruction",
                    "level": "destroy",
                    "tool": "shredder",
                    "operator": "tech",
                    "date": dt.date(2026, 2, 1),
                    "verified": True,
                    "certificate_id": f"D-{i}",
                }
                for i in ids
            ],
        )
        tags = (
            conn.execute(
                select(device.c.asset_tag)
                .where(device.c.status == "in_service")
                .order_by(device.c.id)
                .limit(40)
            )
            .scalars()
            .all()
        )
    app.close()
    del db
    return {"hot": list(tags), "pool": [POOL_TAG.format(i) for i in range(pool)]}


# ------------------------------------------------------------------ the writers
def _editor(url: str, name: str, tags: list[str], stop: threading.Event, out: Outcomes) -> None:
    from sobriety.app import inventory

    app = _app(url, name)
    rng = random.Random(name)
    n = 0
    try:
        while not stop.is_set():
            tag = rng.choice(tags)
            n += 1
            note = f"{name} #{n}"
            try:
                base = dict(inventory.detail(app, tag).values)
                time.sleep(rng.random() * 0.01)  # the technician types
                outcome = inventory.save(app, action="edit", base=base, values={"notes": note})
            except Exception:
                out.add("errors", (name, "edit", traceback.format_exc()))
                continue
            if isinstance(outcome, inventory.Saved):
                out.add("accepted", (name, "edit", (tag, note)))
            else:
                message = getattr(outcome, "reason", None) or f"conflict on {tag}"
                out.add("refused", (name, "edit", message))
                out.add("refused_edits", (tag, note))
    finally:
        app.close()


def _importer(
    url: str, name: str, tags: list[str], stop: threading.Event, out: Outcomes, folder: Path
) -> None:
    from sobriety.app import imports

    app = _app(url, name)
    rng = random.Random(name)
    n = 0
    try:
        while not stop.is_set():
            n += 1
            chosen = rng.sample(tags, 5)
            new = f"LOAD-{name}-{n:05d}"
            path = folder / f"{name}-{n}.csv"
            lines = ["asset_tag,category,serial"]
            lines += [f"{t},laptop,IMP-{n}-{t}" for t in chosen]
            lines.append(f"{new},monitor,IMP-{n}")
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
            try:
                imports.import_devices(app, path)
            except imports.ImportFailed as exc:
                out.add("refused", (name, "import", str(exc).splitlines()[0]))
            except Exception:
                out.add("errors", (name, "import", traceback.format_exc()))
            else:
                out.add("accepted", (name, "import", (new, [(t, f"IMP-{n}-{t}") for t in chosen])))
            path.unlink(missing_ok=True)
    finally:
        app.close()


def _flagger(url: str, name: str, tags: list[str], stop: threading.Event, out: Outcomes) -> None:
    from sobriety.app import reuse

    app = _app(url, name)
    rng = random.Random(name)
    try:
        while not stop.is_set():
            chosen = rng.sample(tags, 3)
            try:
                decisions = reuse.accept_all(app, chosen)
            except (ValueError, LookupError, RuntimeError) as exc:
                if type(exc).__module__.startswith(("sqlalchemy", "psycopg")):
                    out.add("errors", (name, "flag", traceback.format_exc()))
                else:
                    out.add("refused", (name, "flag", str(exc).splitlines()[0]))
            except Exception:
                out.add("errors", (name, "flag", traceback.format_exc()))
            else:
                out.add("accepted", (name, "flag", [d.asset_tag for d in decisions]))
            time.sleep(0.005)
    finally:
        app.close()


def _lot_closer(
    url: str, name: str, pool: list[str], hot: list[str], stop: threading.Event, out: Outcomes
) -> None:
    from sobriety.app import lots

    app = _app(url, name)
    rng = random.Random(name)
    n = 0
    try:
        while not stop.is_set() and pool:
            n += 1
            take = [pool.pop() for _ in range(min(4, len(pool)))]
            if rng.random() < 0.3:  # sometimes a device someone else is working on
                take.append(rng.choice(hot))
            try:
                code = lots.create(
                    app,
                    channel="recycle",
                    recipient_name=f"Ecologic {name}",
                    recipient_kind="eco_organisme",
                )
                lots.add(app, code, take)
                closed = lots.close(app, code)
            except (ValueError, LookupError, RuntimeError) as exc:
                if type(exc).__module__.startswith(("sqlalchemy", "psycopg")):
                    out.add("errors", (name, "lot", traceback.format_exc()))
                else:
                    out.add("refused", (name, "lot", str(exc).splitlines()[0]))
            except Exception:
                out.add("errors", (name, "lot", traceback.format_exc()))
            else:
                out.add("accepted", (name, "lot", (closed.code, take)))
    finally:
        app.close()


def run(url: str, *, seconds: float, tags: dict[str, list[str]], folder: Path) -> Outcomes:
    """Eight writers for ``seconds`` on ``url``; every outcome recorded."""
    out = Outcomes()
    stop = threading.Event()
    hot, pool = tags["hot"], list(tags["pool"])
    half = len(pool) // 2
    threads = [
        threading.Thread(target=_editor, args=(url, f"edit-{i}", hot[:12], stop, out))
        for i in range(4)
    ]
    threads += [
        threading.Thread(target=_importer, args=(url, "import", hot[:12], stop, out, folder)),
        threading.Thread(target=_flagger, args=(url, "flag", hot[:12], stop, out)),
        threading.Thread(target=_lot_closer, args=(url, "lot-1", pool[:half], hot[:12], stop, out)),
        threading.Thread(target=_lot_closer, args=(url, "lot-2", pool[half:], hot[:12], stop, out)),
    ]
    for t in threads:
        t.start()
    time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join(timeout=120)
    return out


# ------------------------------------------------------------------ verification
def verify(url: str, out: Outcomes) -> list[str]:
    """What is wrong: accepted writes missing, refused ones written (empty: all is well)."""
    from sqlalchemy import MetaData, select

    from sobriety.storage import db

    engine = db.make_engine(url, create_folder=False)
    meta = MetaData()
    meta.reflect(engine, only=["device", "device_event", "lot"])
    device, event, lot = (meta.tables[n] for n in ("device", "device_event", "lot"))
    problems: list[str] = []
    with engine.connect() as conn:
        changed: set[tuple[str, str, Any]] = set()  # (tag, field, new value) in the history
        for tag, details in conn.execute(
            select(device.c.asset_tag, event.c.details).join(
                device, device.c.id == event.c.device_id
            )
        ):
            try:
                payload = json.loads(details or "{}")
            except ValueError:
                continue
            changes = payload.get("changes", {}) if isinstance(payload, dict) else {}
            for name, pair in changes.items() if isinstance(changes, dict) else ():
                if isinstance(pair, list) and len(pair) == 2:
                    changed.add((tag, name, pair[1]))
        serials = dict(conn.execute(select(device.c.asset_tag, device.c.serial)).all())
        lot_status = dict(conn.execute(select(lot.c.code, lot.c.status)).all())
        statuses = dict(conn.execute(select(device.c.asset_tag, device.c.status)).all())
        channels = dict(conn.execute(select(device.c.asset_tag, device.c.reuse_channel)).all())
    engine.dispose()
    for worker, kind, what in out.accepted:
        if kind == "edit" and (what[0], "notes", what[1]) not in changed:
            problems.append(f"{worker}: accepted edit {what} missing from the history")
        elif kind == "import":
            new, updated = what
            if new not in serials:
                problems.append(f"{worker}: imported device {new} missing")
            for tag, serial in updated:  # a later import may change it again: the history
                if (tag, "serial", serial) not in changed:
                    problems.append(f"{worker}: imported serial {serial} of {tag} missing")
        elif kind == "lot":
            code, take = what
            if lot_status.get(code) != "closed":
                problems.append(f"{worker}: closed lot {code} is {lot_status.get(code)}")
            for tag in take:
                if statuses.get(tag) != "gone":
                    problems.append(f"{worker}: {tag} of closed lot {code} is {statuses.get(tag)}")
        elif kind == "flag":
            for tag in what:
                if channels.get(tag) is None and statuses.get(tag) != "gone":
                    problems.append(f"{worker}: accepted decision for {tag} missing")
    for tag, note in out.refused_edits:
        if (tag, "notes", note) in changed:
            problems.append(f"refused edit {note} of {tag} was written")
    return problems
