"""``--help`` shows no Typer internals, completion stays hidden, ``--lang`` is checked, and
the usage words speak the chosen language (issue 8)."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys

import pytest

from sobriety import i18n

INTERNALS = re.compile(r"<bool>|<str>|<int>|<float>|<path>|<list\[[^]]*\]>|\{[a-z_]+\}")


def _sobriety(*args: str, code: int = 0, **env: str) -> str:
    """``python -m sobriety ARGS`` in a fresh process (as the console script runs)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SOBRIETY_LANG", "LC_"))}
    clean.update({"LANG": "C.UTF-8", "COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb", **env})
    done = subprocess.run(
        [sys.executable, "-m", "sobriety", *args],
        capture_output=True,
        text=True,
        env=clean,
        timeout=120,
    )
    assert done.returncode == code, done.stdout + done.stderr
    return done.stdout + done.stderr


def _commands() -> list[list[str]]:
    """Every command and sub-command path of the CLI."""
    import typer.main

    from sobriety.cli.main import app

    root = typer.main.get_command(app)
    paths: list[list[str]] = [[]]

    def walk(group, prefix: list[str]) -> None:
        for name, cmd in getattr(group, "commands", {}).items():
            paths.append([*prefix, name])
            walk(cmd, [*prefix, name])

    walk(root, [])
    return paths


def test_no_help_screen_shows_typer_internals() -> None:
    for path in _commands():
        text = _sobriety(*path, "--help")
        found = INTERNALS.findall(text)
        assert not found, f"sobriety {' '.join(path)} --help shows {found}"
        assert "--install-completion" not in text and "--show-completion" not in text


def test_completion_is_hidden_but_works() -> None:
    """Typed in bash (the shell is detected from the parent processes, so the command runs
    under a bash that is not replaced by it: a run started outside any shell still sees one)."""
    done = subprocess.run(
        ["bash", "-c", f"{shlex.quote(sys.executable)} -m sobriety --show-completion; true"],
        capture_output=True,
        text=True,
        env={**os.environ, "SHELL": "/bin/bash", "LANG": "C.UTF-8"},
        timeout=120,
    )
    assert "complete -o" in done.stdout and "_SOBRIETY_COMPLETE" in done.stdout, done.stderr


def test_an_unsupported_language_is_refused_with_the_supported_list() -> None:
    out = _sobriety("--lang", "de", "summary", code=2)
    assert "--lang: 'de' is not a supported language; choose one of fr, en" in out


def _french(text: str) -> str:
    i18n.set_language("fr")
    try:
        return i18n._(text)
    finally:
        i18n.set_language("en")


@pytest.mark.parametrize("text", ["Usage:", "Show this message and exit.", "TEXT"])
def test_click_words_have_a_french_translation(text: str) -> None:
    assert _french(text) != text


def test_help_and_usage_errors_speak_french() -> None:
    text = _sobriety("--lang", "fr", "export", "--help")
    for english in ("Usage:", "Show this message and exit.", " TEXT ", " PATH "):
        assert english not in text
    assert _french("Usage:") in text and _french("Show this message and exit.") in text
    error = _sobriety("--lang", "fr", "export", code=2)
    assert "Missing argument" not in error and "FILE" in error
    error = _sobriety("--lang", "fr", "export", "x.csv", "--nope", code=2)
    assert "No such option" not in error
