"""Run the sobriety CLI in this process and SIGKILL it at a chosen step (test harness).

Usage: ``python killer.py MODE N COUNT_FILE -- ARGS...``

- ``count``: run normally; write to COUNT_FILE the number of steps and commits, and
  the step of each commit;
- ``step``: SIGKILL this process when step N starts (N from 1);
- ``after-commit``: SIGKILL it right after the Nth database commit returned.

A step is each statement SQLAlchemy sends (``before_cursor_execute``), each
chunk the bulk writer hands to the driver (``executemany`` or ``COPY``), and
each commit: together they reach every point where a write can be cut.
SIGKILL is what the kernel does to a process out of memory or killed by an
operator: no ``finally``, no rollback, no flush.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path


def main() -> None:
    mode, n, count_file = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
    args = sys.argv[sys.argv.index("--") + 1 :]
    steps = 0
    commits = 0
    commit_steps: list[int] = []

    def step() -> None:
        nonlocal steps
        steps += 1
        if mode == "step" and steps >= n:
            os.kill(os.getpid(), signal.SIGKILL)

    from sqlalchemy import Engine, event
    from sqlalchemy.engine.default import DefaultDialect

    from sobriety.storage import bulk

    event.listen(Engine, "before_cursor_execute", lambda *a: step())
    write = bulk._Writer.write

    def bulk_write(self, cols):  # type: ignore[no-untyped-def]
        step()
        return write(self, cols)

    bulk._Writer.write = bulk_write  # type: ignore[method-assign]
    do_commit = DefaultDialect.do_commit

    def commit(self, dbapi_connection):  # type: ignore[no-untyped-def]
        nonlocal commits
        step()
        commit_steps.append(steps)
        do_commit(self, dbapi_connection)
        commits += 1
        if mode == "after-commit" and commits >= n:
            os.kill(os.getpid(), signal.SIGKILL)

    DefaultDialect.do_commit = commit  # type: ignore[method-assign]
    from sobriety.cli.entry import run

    try:
        run(args)
    finally:
        done = ",".join(map(str, commit_steps))
        count_file.write_text(f"{steps} {commits} {done}\n", encoding="utf-8")


if __name__ == "__main__":
    main()
