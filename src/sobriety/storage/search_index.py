"""An in-memory index of the devices' searchable text, kept fresh from the database.

The inventory's free-text search is a case-insensitive substring match of every
word against :data:`~sobriety.storage.device_pages.TEXT_COLUMNS`. In SQL that is
``LIKE '%word%'`` on five columns: no B-tree helps, so every search scans the
table twice (page and count). Full-text indexes (SQLite FTS5 trigram,
PostgreSQL ``pg_trgm``) would need triggers on every write, which would slow
the bulk import and demo paths several times, and ``pg_trgm`` is an extension a
user may not be allowed to create.

:class:`DeviceSearchIndex` holds instead one folded string per device (the five
columns joined), built once in a background thread (about 0.4 s per 100,000
devices). A search scans those strings in memory (``word in text``: about 10 ms
per word per 100,000 devices) and hands the matching ids to SQL as one
parameter (:func:`sobriety.storage.device_pages.where_clause`), so the count
and the sorted, filtered page read only the matching rows.

Freshness: before answering, :meth:`DeviceSearchIndex.refresh` compares
``(count, max(id), max(updated_at))`` (index lookups; ``updated_at`` is indexed
since migration 0004) with the values seen at the last load; rows changed since
(by ``updated_at``, with a margin for clocks of other writers) are re-read, and
a row count that does not add up (devices deleted) rebuilds the whole index.
Until :meth:`build` has run, :meth:`match` returns None and the caller falls
back to SQL ``LIKE``.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import Engine, func, select

from sobriety.storage.models import Device

_device = Device.__table__

#: Columns searched, in the order they are joined (same as device_query.TEXT_COLUMNS).
SEARCH_COLUMNS = ("asset_tag", "serial", "model", "manufacturer", "assignee")
#: Rows changed up to this long before the newest change seen are read again
#: (another writer's clock may lag behind ours).
CLOCK_MARGIN = dt.timedelta(minutes=5)
_SEP = "\x1f"  # never typed in a search: words cannot match across columns


def fold(text: str) -> str:
    """The case-insensitive form compared (Unicode case folding)."""
    return text.casefold()


def _row_text(values: tuple[Any, ...]) -> str:
    return fold(_SEP.join("" if v is None else str(v) for v in values))


@dataclass(frozen=True)
class SearchHits:
    """Devices matching a search: sorted ``ids`` (and the ``excluded`` others) of ``total``."""

    ids: np.ndarray
    excluded: np.ndarray
    total: int

    @property
    def count(self) -> int:
        return len(self.ids)


@dataclass(frozen=True)
class _Stamp:
    count: int
    max_id: int | None
    max_updated: Any


class DeviceSearchIndex:
    """Searchable text of every device, in memory; safe to share between threads."""

    def __init__(self, engine: Engine, *, cache_size: int = 16) -> None:
        self._engine = engine
        self._lock = threading.Lock()
        self._ids = np.zeros(0, dtype=np.int64)
        self._texts: list[str] = []
        self._stamp: _Stamp | None = None
        self._cache: OrderedDict[tuple[str, ...], SearchHits] = OrderedDict()
        self._cache_size = cache_size
        self.builds = 0  # full loads, for tests and the bench
        self.refreshes = 0  # incremental updates

    @property
    def ready(self) -> bool:
        return self._stamp is not None

    def __len__(self) -> int:
        return len(self._ids)

    # ------------------------------------------------------------ loading
    def _read_stamp(self, conn) -> _Stamp:
        # Three statements: SQLite counts from the smallest index only when the
        # count is alone, and answers each max() from its index.
        count = conn.execute(select(func.count()).select_from(_device)).scalar_one()
        max_id = conn.execute(select(func.max(_device.c.id))).scalar()
        max_updated = conn.execute(select(func.max(_device.c.updated_at))).scalar()
        return _Stamp(int(count), max_id, max_updated)

    def build(self) -> None:
        """Read every device's searchable text (run it in a worker thread)."""
        cols = [_device.c.id, *(_device.c[c] for c in SEARCH_COLUMNS)]
        with self._engine.connect() as conn:
            stamp = self._read_stamp(conn)
            rows = conn.execute(select(*cols).order_by(_device.c.id)).all()
        ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        texts = [_row_text(r[1:]) for r in rows]
        with self._lock:
            self._ids, self._texts, self._stamp = ids, texts, stamp
            self._cache.clear()
            self.builds += 1

    def refresh(self) -> None:
        """Catch up with changes made since the last load (cheap when there are none)."""
        if self._stamp is None:
            return
        with self._engine.connect() as conn:
            stamp = self._read_stamp(conn)
            with self._lock:
                old = self._stamp
            if stamp == old:
                return
            since = old.max_updated
            stmt = select(_device.c.id, *(_device.c[c] for c in SEARCH_COLUMNS))
            if since is not None and old.max_id is not None:
                stmt = stmt.where(
                    (_device.c.updated_at >= since - CLOCK_MARGIN) | (_device.c.id > old.max_id)
                )
            changed = conn.execute(stmt.order_by(_device.c.id)).all()
        with self._lock:
            ids, texts = self._ids, list(self._texts)
            new_ids: list[int] = []
            new_texts: list[str] = []
            pos = np.searchsorted(ids, [r[0] for r in changed]) if len(ids) else None
            for k, row in enumerate(changed):
                p = int(pos[k]) if pos is not None else len(ids)
                if p < len(ids) and ids[p] == row[0]:
                    texts[p] = _row_text(row[1:])
                else:
                    new_ids.append(row[0])
                    new_texts.append(_row_text(row[1:]))
            if new_ids:
                all_ids = np.concatenate([ids, np.asarray(new_ids, dtype=np.int64)])
                all_texts = texts + new_texts
                order = np.argsort(all_ids, kind="stable")
                if not np.array_equal(order, np.arange(len(order))):
                    all_texts = [all_texts[i] for i in order]
                    all_ids = all_ids[order]
                ids, texts = all_ids, all_texts
            consistent = len(ids) == stamp.count
            if consistent:
                self._ids, self._texts, self._stamp = ids, texts, stamp
                self._cache.clear()
                self.refreshes += 1
        if not consistent:  # devices were deleted: read everything again
            self.build()

    # ------------------------------------------------------------ searching
    def match(self, text: str) -> SearchHits | None:
        """Devices whose text holds every word of ``text`` (None: not built yet)."""
        if self._stamp is None:
            return None
        self.refresh()
        words = tuple(dict.fromkeys(fold(w) for w in text.split()))
        with self._lock:
            cached = self._cache.get(words)
            if cached is not None:
                self._cache.move_to_end(words)
                return cached
            ids, texts = self._ids, self._texts
        n = len(texts)
        mask = np.ones(n, dtype=bool)
        # Longest word first: it usually keeps the fewest rows to test the others on.
        for word in sorted(words, key=len, reverse=True):
            if not word:
                continue
            rows = np.flatnonzero(mask)
            if len(rows) == n:
                found = np.fromiter((word in t for t in texts), dtype=bool, count=n)
            else:
                found = np.zeros(n, dtype=bool)
                found[rows] = np.fromiter(
                    (word in texts[i] for i in rows.tolist()), dtype=bool, count=len(rows)
                )
            mask &= found
        hits = SearchHits(ids[mask], ids[~mask], n)
        with self._lock:
            if self._ids is ids:
                self._cache[words] = hits
                while len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
        return hits
