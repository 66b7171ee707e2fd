"""Large loads into SQLite inside one transaction: a bigger page cache, indexes built once.

Inserting a million rows into a table with a dozen secondary indexes costs
one B-tree insert per index and row, most of them into pages the default
2 MiB page cache no longer holds. :class:`BulkLoad` (SQLite only; a no-op on
other back-ends) raises the connection's page cache for the load and, when
asked, drops the tables' non-unique indexes inside the caller's transaction
and creates them again, from the very ``CREATE INDEX`` text SQLite stored,
before the commit (one sort per index instead of a million inserts):

- unique indexes (they enforce constraints) and the ``keep`` ones stay in
  place; :meth:`BulkLoad.restore` creates a dropped one again at once, when a
  lookup of the load needs it;
- the drops are part of the transaction: a rollback (bad input, dry run,
  cancel, a killed process) leaves every index as it was; other connections
  see the old indexes until the commit (WAL).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, Table

#: Page cache during a load, KiB (SQLite's default is 2,000 KiB).
LOAD_CACHE_KIB = 262_144


class BulkLoad:
    """Page cache and deferred indexes of one load on ``conn`` (see the module)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.sqlite = conn.dialect.name == "sqlite"
        self.dropped: dict[str, str] = {}
        self.previous_cache: int | None = None
        if self.sqlite:
            self.previous_cache = conn.exec_driver_sql("PRAGMA cache_size").scalar_one()
            conn.exec_driver_sql(f"PRAGMA cache_size=-{LOAD_CACHE_KIB}")

    def defer_indexes(self, tables: Iterable[Table], keep: Iterable[str] = ()) -> list[str]:
        """Drop the non-unique indexes of ``tables`` but ``keep``; returns their names.

        Only inside an open SQLite transaction (else nothing is dropped): the
        drops must be undone by a rollback.
        """
        if not self.sqlite:
            return []
        raw = self.conn.connection.dbapi_connection
        if not getattr(raw, "in_transaction", False):
            return []
        kept = set(keep)
        names: list[str] = []
        for table in tables:
            rows = self.conn.exec_driver_sql(
                "SELECT name, sql FROM sqlite_master "
                "WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
                (table.name,),
            ).all()
            for name, sql in rows:
                if name in kept or sql.lstrip().upper().startswith("CREATE UNIQUE"):
                    continue
                quoted = self.conn.dialect.identifier_preparer.quote(name)
                self.conn.exec_driver_sql(f"DROP INDEX {quoted}")
                self.dropped[name] = sql
                names.append(name)
        return names

    def restore(self, name: str) -> None:
        """Create the dropped index ``name`` again now (a lookup needs it)."""
        sql = self.dropped.pop(name, None)
        if sql is not None:
            self.conn.exec_driver_sql(sql)

    def finish(self) -> None:
        """Create the dropped indexes again (call before the commit)."""
        dropped, self.dropped = self.dropped, {}
        for sql in dropped.values():
            self.conn.exec_driver_sql(sql)

    def close(self) -> None:
        """Give the connection its page cache back (after the commit or rollback)."""
        if self.sqlite and self.previous_cache is not None:
            self.conn.exec_driver_sql(f"PRAGMA cache_size={int(self.previous_cache)}")
            self.previous_cache = None
