"""The schema migrates from every earlier revision to the latest, data kept, on both back-ends.

For each revision, a database is built at that revision, filled with rows in
every table it has (found by reflection: a table or column added later is
covered without this file changing, see ``tests/reliability/rows.py``), then
migrated to the latest revision; every value written must read back the same.
"""

from __future__ import annotations

import pytest
from reliability.rows import fixed_rows, read_rows, reflected, write_rows
from sqlalchemy import Engine, inspect

from sobriety.storage import db

EARLIER = db.revisions()[:-1]


def test_the_revisions_form_one_line_ending_at_the_head() -> None:
    revisions = db.revisions()
    assert revisions[0] == "0001" and revisions[-1] == db.head_revision()
    assert len(revisions) == len(set(revisions)) >= 5


@pytest.mark.parametrize("revision", EARLIER)
def test_a_database_at_each_earlier_revision_migrates_to_the_latest_with_its_data(
    db_url: str, revision: str
) -> None:
    engine: Engine = db.make_engine(db_url)
    try:
        db.upgrade(engine, revision)
        assert db.current_revision(engine) == revision
        rows = fixed_rows(reflected(engine))
        write_rows(engine, rows)
        written = read_rows(engine)
        columns = {name: list(table_rows[0]) for name, table_rows in written.items() if table_rows}
        db.upgrade(engine)
        assert db.current_revision(engine) == db.head_revision()
        assert read_rows(engine, columns) == written
        # the columns added since are there, empty or at their server default
        after = read_rows(engine)
        schema = inspect(engine)
        for name, table_rows in after.items():
            added = set(table_rows[0]) - set(columns.get(name, [])) if table_rows else set()
            defaulted = {
                c["name"] for c in schema.get_columns(name) if c.get("default") is not None
            }
            for row in table_rows:
                empty = added - defaulted - {"id"}
                assert all(row[c] is None for c in empty), (name, added)
                assert all(row[c] is not None for c in added & defaulted), (name, added)
    finally:
        engine.dispose()


def test_the_latest_schema_is_what_the_models_declare(db_url: str) -> None:
    """Autogenerate finds nothing to change: models and migrations agree."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    from sobriety.storage import models  # noqa: F401 - registers the tables

    engine = db.make_engine(db_url)
    try:
        db.upgrade(engine)
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": False})
            diffs = compare_metadata(context, SQLModel.metadata)
    finally:
        engine.dispose()
    # Indexes written by hand for the sort order (0004: ``col NULLS FIRST, id`` on
    # PostgreSQL) are not declared on the models: they are not differences.
    meaningful = [d for d in diffs if d[0] not in ("add_index", "remove_index")]
    assert meaningful == []
