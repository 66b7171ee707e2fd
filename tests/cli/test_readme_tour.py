"""The README's command tour runs as written, command by command, on the demo fleet.

Every ``sobriety ...`` line of the ``sh`` blocks between "A tour of the command
line" and "For developers" is run in order (``export VAR=value`` lines set the
environment) in a folder where ``tests/`` and ``data/`` are the project's, as
when a reader runs them from the project folder. A command must succeed,
except one whose comment says it is refused: that one must fail cleanly
(status 1, a message, no traceback).
"""

from __future__ import annotations

import datetime as dt
import os
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sobriety.cli.main import app

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
runner = CliRunner()
pytestmark = pytest.mark.time_machine(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=True)


def tour_commands() -> list[tuple[str, list[str]]]:
    """``(line as written, its words)`` for each command of the tour, in order."""
    text = README.read_text(encoding="utf-8")
    start = text.index("## A tour of the command line")
    tour = text[start : text.index("## For developers", start)]
    commands: list[tuple[str, list[str]]] = []
    for block in tour.split("```sh\n")[1:]:
        body = block.split("```", 1)[0].replace("\\\n", " ")
        for line in body.splitlines():
            if line.strip():
                commands.append((line.strip(), shlex.split(line, comments=True)))
    return commands


def test_the_tour_is_found_and_names_only_demo_tags() -> None:
    commands = tour_commands()
    assert len(commands) > 40
    words = [w for _line, args in commands for w in args]
    tags = {w.upper() for w in words if w.upper().startswith("DEMO-")}
    assert tags and all(t.startswith("DEMO-") for t in tags)
    assert not any(w.startswith(("PC-0", "CDAS-0")) for w in words)  # no tag of no fleet


def test_every_command_of_the_readme_tour_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("tests", "data"):
        (tmp_path / name).symlink_to(ROOT / name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOBRIETY_DATABASE_URL", f"sqlite:///{tmp_path / 'tour.db'}")
    monkeypatch.setenv("SOBRIETY_ACTOR", "tech-3")
    outputs: dict[str, str] = {}
    for line, args in tour_commands():
        if args[0] == "export":
            name, _sep, value = args[1].partition("=")
            monkeypatch.setenv(name, value)
            continue
        assert args[0] == "sobriety", line
        result = runner.invoke(app, args[1:], env=dict(os.environ))
        comment = line.partition("#")[2]
        expected = 1 if "refused" in comment else 0
        assert result.exit_code == expected, f"{line}\n{result.output}"
        assert "Traceback" not in result.output, line
        if expected:
            assert result.output.strip(), line  # the refusal says why
        outputs[line] = result.output
    said = "\n".join(outputs.values())
    assert "was changed by someone else since you read it" in said
    assert "by tech-3  (sobriety device edit)" in said
    assert (tmp_path / "LOT-2026-0001.pdf").is_file() and (tmp_path / "cdas07.csv").is_file()
    head = (tmp_path / "cdas07.csv").read_text(encoding="utf-8-sig").splitlines()[:2]
    assert head[0].startswith("asset_tag;serial;category;")  # a French Excel CSV
    assert ";laptop;" in head[1] and ";DEMO-CDAS-07;" in head[1]
