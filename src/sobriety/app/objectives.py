"""Use cases of the plan's objectives: the objectives file and where each stands.

The file is the user's (``SOBRIETY_OBJECTIVES``) or the shipped one
(``data/objectives.toml``); an invalid file is a :class:`SettingError`
naming the file, the place and what was expected. :func:`objectives_status`
gives each objective's value in a year, its trajectory since the baseline
year and whether it is on track (the rule written in the file).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sobriety.app.context import SettingError

if TYPE_CHECKING:
    from pathlib import Path

    from sobriety.app.context import Sobriety
    from sobriety.domain.report.objectives import Assessment, Objectives

__all__ = ["SettingError", "load", "objectives_path", "objectives_status"]


def objectives_path(app: Sobriety) -> Path:
    from sobriety.domain.report.objectives import default_objectives_path

    return app.settings.objectives or default_objectives_path()


def load(app: Sobriety, path: Path | None = None) -> Objectives:
    """The objectives file (``path``, else the active one), checked; SettingError if invalid."""
    from sobriety.domain.report.objectives import ObjectivesError, load_objectives

    try:
        return load_objectives(
            path or objectives_path(app), categories=set(app.factors.category_order)
        )
    except ObjectivesError as exc:
        raise SettingError(str(exc)) from exc


def objectives_status(app: Sobriety, year: int | None = None) -> list[Assessment]:
    """Each objective in ``year`` (default: this year) with its trajectory since its
    baseline year; past years published in a report snapshot keep their published values.

    Raises :class:`sobriety.app.report.NoDataError` for a year without data.
    """
    from sobriety.app.report import NoDataError, read_inputs
    from sobriety.domain.report.annual import assess_objectives, has_data
    from sobriety.storage.report_data import snapshots

    objectives = load(app)
    year = year or app.today().year
    inputs = read_inputs(app)
    if not has_data(inputs, year):
        raise NoDataError(year)
    return assess_objectives(inputs, year, objectives, snapshots(app.engine))
