"""The dashboard's computation in a separate process, with its progress.

The figures of a 100,000-device fleet take seconds of mostly pure-Python work
(reading the history for the reuse rate, loading the factor files). In a
thread of the app that work holds the GIL and the rest of the interface (the
inventory opened meanwhile, the keys) slows down. :func:`run` therefore
computes them in a child process (``spawn``: no fork of a threaded app) that
reports its steps through a queue, and returns the picklable results. The child
builds a :class:`~sobriety.app.context.Sobriety` from the (picklable) settings
and the parent's today, and runs :func:`sobriety.app.dashboard.dashboard`.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import queue as queue_mod
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sobriety.app.context import Sobriety
    from sobriety.app.dashboard import DashboardFigures
    from sobriety.settings import Settings

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


def compute(settings: Settings, today: dt.date) -> DashboardFigures:
    """The dashboard of ``settings`` on the day ``today`` (runs in the child).

    The child builds its own application object from the settings (the
    parent's engine and caches do not cross processes) with the parent's
    frozen day, so the figures are those the CLI gives for the same settings.
    """
    from sobriety.app.context import Sobriety
    from sobriety.app.dashboard import dashboard
    from sobriety.i18n import _

    def report(text: str, done: float, total: float) -> None:
        if _progress is not None:
            _progress.put((text, done, total))

    report(_("Loading the factors and the policy"), 0, 7)
    app = Sobriety(settings, today=lambda: today)
    try:
        return dashboard(app, progress=report)
    finally:
        app.close()


def child_settings(sobriety: Sobriety) -> Settings:
    """The settings of ``sobriety`` for a child process: the URL of the engine it opened.

    The engine may have been handed in (tests, the bench) and a URL rendered for
    display hides its password; the child needs the real one.
    """
    url = sobriety.engine.url.render_as_string(hide_password=False)
    return sobriety.settings.model_copy(update={"database_url": url})


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
    settings: Settings,
    today: dt.date,
    *,
    lang: str,
    progress: Callable[[str, float, float], None],
) -> DashboardFigures:
    """Compute the dashboard in a child process; ``progress`` is called in this thread.

    ``settings`` must name the database by a URL the child can open (with its
    password): see :func:`child_settings`.
    """
    ctx = multiprocessing.get_context("spawn")
    _start_resource_tracker()
    steps = ctx.Queue()
    with ProcessPoolExecutor(
        max_workers=1, mp_context=ctx, initializer=_init, initargs=(steps, lang)
    ) as pool:
        future = pool.submit(compute, settings, today)
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
