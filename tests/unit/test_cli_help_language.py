"""The ``sobriety`` console script speaks the chosen language, ``--help`` screens included."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from sobriety import i18n
from sobriety.cli.entry import language_option

ROOT_HELP = "Inventory, lifecycle carbon and reuse channels for a public IT fleet."
ESTIMATE_HELP = "Carbon estimates of the fleet (tCO2e) from the sourced emission factors."
YEAR_HELP = "Reporting year (default: last year)."


def _help(*args: str, **env: str) -> str:
    """``python -m sobriety ARGS`` in a fresh process; box drawing and wrapping flattened."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SOBRIETY_LANG", "LC_"))}
    clean.update({"LANG": "C.UTF-8", "COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb", **env})
    done = subprocess.run(
        [sys.executable, "-m", "sobriety", *args],
        capture_output=True,
        text=True,
        env=clean,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return re.sub(r"[\s│╭╮╰╯─]+", " ", done.stdout)


def _french(text: str) -> str:
    """``text`` in French, its spaces (no-break ones included) flattened as by :func:`_help`."""
    i18n.set_language("fr")
    try:
        return re.sub(r"\s+", " ", i18n._(text))
    finally:
        i18n.set_language("en")


def test_help_is_english_by_default() -> None:
    root = _help("--help")
    assert ROOT_HELP in root and "Usage: sobriety" in root and "Options" in root
    estimate = _help("estimate", "--help")
    assert ESTIMATE_HELP in estimate and YEAR_HELP in estimate


@pytest.mark.parametrize("text", [ROOT_HELP, ESTIMATE_HELP, YEAR_HELP, "Commands"])
def test_the_catalog_translates_the_help_texts(text: str) -> None:
    assert _french(text) != text, f"no French translation for {text!r}"


def test_lang_fr_gives_french_help() -> None:
    root = _help("--lang", "fr", "--help")
    assert _french(ROOT_HELP) in root and ROOT_HELP not in root
    assert _french("Commands") in root
    estimate = _help("--lang", "fr", "estimate", "--help")
    assert _french(ESTIMATE_HELP) in estimate and _french(YEAR_HELP) in estimate
    assert ESTIMATE_HELP not in estimate


def test_french_locale_or_sobriety_lang_gives_french_help() -> None:
    french = _help("--lang", "fr", "--help")
    assert french != _help("--help")
    assert _help("--help", LANG="fr_FR.UTF-8") == french
    assert _help("--help", SOBRIETY_LANG="fr") == french
    assert ROOT_HELP in _help("--lang", "en", "--help", SOBRIETY_LANG="fr")


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--lang", "fr", "--help"], "fr"),
        (["--db", "sqlite:///x.db", "--lang=en", "summary"], "en"),
        (["--factors", "f", "--version"], None),
        (["estimate", "--lang", "fr"], None),  # not a root option there
        (["--", "--lang", "fr"], None),
    ],
)
def test_language_option_is_read_among_the_root_options(argv, expected) -> None:
    assert language_option(argv) == expected
