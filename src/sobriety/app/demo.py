"""Use case: seed the configured database with the demo fleet."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from sobriety.storage.demo import DemoResult, NotADemoDatabaseError

if TYPE_CHECKING:
    from sobriety.app.context import Sobriety

__all__ = ["DemoResult", "NotADemoDatabaseError", "seed"]


def seed(
    app: Sobriety,
    *,
    devices: int | None = None,
    seed: int = 0,
    replace: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> DemoResult:
    """Seed the demo fleet as of the app's today (the database is created when missing).

    Raises :class:`NotADemoDatabaseError` (database unchanged) if it holds
    non-demo devices or sites and ``replace`` is false.
    """
    from sobriety.storage.demo import seed_demo

    engine = app.create_database()
    return seed_demo(
        engine, devices=devices, seed=seed, as_of=app.today(), replace=replace, progress=progress
    )
