"""The dashboard's computation in a separate process, with its progress.

The figures of a 100,000-device fleet take seconds of mostly pure-Python work
(reading the history for the reuse rate, loading the factor files). In a
thread of the app that work holds the GIL and the rest of the interface (the
inventory opened meanwhile, the keys) slows down. :func:`run` therefore
computes them in a child process (``spawn``: no fork of a threaded app) that
reports its steps through a queue, and returns the picklable results.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import queue as queue_mod
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

_progress: Any = None  # the child's end of the progress queue


def _init(progress_queue: Any, lang: str) -> None:
    global _progress
    import contextlib
    import os

    from sobriety.i18n import set_language

    with contextlib.suppress(AttributeError, OSError):  # the interface comes first
        os.nice(10)

    set_language(lang)
    _progress = progress_queue


def compute(url: str, factors_dir: Path, policy_path: Path | None, on: dt.date) -> tuple[Any, Any]:
    """(Dashboard, ReuseRate) of the database at ``url`` (runs in the child)."""
    from sobriety.app.dashboard import read_dashboard
    from sobriety.domain.carbon.factors import load_factor_set
    from sobriety.domain.report import kpis
    from sobriety.domain.reuse.policy import resolve_policy
    from sobriety.i18n import _
    from sobriety.storage import db

    def report(text: str, done: float, total: float) -> None:
        if _progress is not None:
            _progress.put((text, done, total))

    report(_("Loading the factors and the policy"), 0, 7)
    engine = db.make_engine(url)
    try:
        return read_dashboard(
            engine,
            load_factor_set(factors_dir),
            resolve_policy(policy_path),
            kpis.load_purchase_targets(),
            on=on,
            progress=report,
        )
    finally:
        engine.dispose()


def _start_resource_tracker() -> None:
    """Start multiprocessing's resource tracker with the real stderr.

    It hands ``sys.stderr.fileno()`` to its process; inside a Textual app
    ``sys.stderr`` is a capture object without a usable descriptor, which makes
    the spawn fail ("bad value(s) in fds_to_keep").
    """
    from multiprocessing import resource_tracker

    saved = sys.stderr
    try:
        sys.stderr = sys.__stderr__
        resource_tracker.ensure_running()
    finally:
        sys.stderr = saved


def run(
    url: str,
    factors_dir: Path,
    policy_path: Path | None,
    on: dt.date,
    *,
    lang: str,
    progress: Callable[[str, float, float], None],
) -> tuple[Any, Any]:
    """Compute the dashboard in a child process; ``progress`` is called in this thread."""
    ctx = multiprocessing.get_context("spawn")
    _start_resource_tracker()
    steps = ctx.Queue()
    with ProcessPoolExecutor(
        max_workers=1, mp_context=ctx, initializer=_init, initargs=(steps, lang)
    ) as pool:
        future = pool.submit(compute, url, factors_dir, policy_path, on)
        while True:
            try:
                progress(*steps.get(timeout=0.05))
            except queue_mod.Empty:
                if future.done():
                    break
        while True:  # the last steps, if any
            try:
                progress(*steps.get_nowait())
            except queue_mod.Empty:
                break
        return future.result()
