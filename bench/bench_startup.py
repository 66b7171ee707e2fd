"""Benchmark: start-up of whole ``sobriety`` processes, as a user meets them.

Measured in the same run, each the median of several runs:

- ``sobriety --version`` and ``sobriety --help``: target under 0.25 s;
- ``sobriety summary`` on a 100,000-device demo database: target under 0.6 s;
- the TUI's first screen in a real terminal (tmux, 120x40) on that database,
  from launching the process to the dashboard's title painted: target under 1.5 s.

Floors, measured in the same run: ``python -c pass`` (the interpreter alone),
a ``python`` process that counts the devices with plain ``sqlite3``, and a
minimal Textual app painting one line in the same tmux pane. The ratios say
what sobriety adds to each.

Usage: ``python bench/bench_startup.py [--devices 100000] [--runs 5]``
(``--sobriety PATH`` times another installation's console script, e.g. an
older checkout's, on the same database).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

AS_OF = dt.date(2026, 11, 29)
HERE = Path(sys.executable).parent


def _seed(path: Path, devices: int, sobriety: str) -> None:
    env = {**os.environ, "SOBRIETY_DATABASE_URL": f"sqlite:///{path}"}
    subprocess.run(
        [sobriety, "demo", "--devices", str(devices), "--seed", "1"],
        env=env,
        check=True,
        capture_output=True,
    )


def _time(cmd: list[str], env: dict[str, str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


TMUX = ["tmux", "-L", f"bench-startup-{os.getpid()}"]


def _tmux_first_paint(cmd: str, marker: str, env: dict[str, str], runs: int) -> float:
    """Median seconds from launching ``cmd`` in a 120x40 tmux pane to ``marker`` on screen."""
    times = []
    for i in range(runs):
        session = f"bench-startup-{os.getpid()}-{i}"
        subprocess.run(
            [*TMUX, "new-session", "-d", "-s", session, "-x", "120", "-y", "40", "bash", "--norc"],
            env=env,
            check=True,
        )
        try:
            time.sleep(0.3)  # the shell is ready
            start = time.perf_counter()
            subprocess.run([*TMUX, "send-keys", "-t", session, cmd, "Enter"], check=True)
            while True:
                screen = subprocess.run(
                    [*TMUX, "capture-pane", "-p", "-t", session],
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout
                if marker in screen:
                    times.append(time.perf_counter() - start)
                    break
                if time.perf_counter() - start > 60:
                    raise RuntimeError(f"{marker!r} never showed:\n{screen}")
                time.sleep(0.01)
        finally:
            subprocess.run([*TMUX, "kill-session", "-t", session], check=False)
    return statistics.median(times)


MINIMAL_APP = (
    "from textual.app import App\nfrom textual.widgets import Static\n"
    "class A(App):\n    def compose(self):\n        yield Static('floor-ready')\nA().run()\n"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sobriety", default=str(HERE / "sobriety"))
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        sys.exit("tmux is needed (apt-get install tmux)")
    sobriety = args.sobriety
    python = str(Path(sobriety).parent / "python")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        env = {
            **os.environ,
            "SOBRIETY_DATABASE_URL": f"sqlite:///{path}",
            "SOBRIETY_CONFIG": str(Path(tmp) / "none.toml"),
            "SOBRIETY_LANG": "en",
            "TERM": "xterm-256color",
        }
        t0 = time.perf_counter()
        _seed(path, args.devices, sobriety)
        print(f"seeded {args.devices:,} devices in {time.perf_counter() - t0:.1f} s")
        floor_py = _time([python, "-c", "pass"], env, args.runs)
        count = (
            f"import sqlite3; sqlite3.connect({str(path)!r})"
            ".execute('select count(*) from device').fetchone()"
        )
        floor_count = _time([python, "-c", count], env, args.runs)
        version = _time([sobriety, "--version"], env, args.runs)
        helptime = _time([sobriety, "--help"], env, args.runs)
        summary = _time([sobriety, "summary"], env, args.runs)
        # a session kept open meanwhile: the tmux server outlives each measured one
        subprocess.run([*TMUX, "new-session", "-d", "-s", "keeper"], env=env, check=True)
        app_file = Path(tmp) / "minimal_app.py"
        app_file.write_text(MINIMAL_APP)
        floor_tui = _tmux_first_paint(f"{python} {app_file}", "floor-ready", env, args.runs)
        try:
            tui = _tmux_first_paint(f"{sobriety} tui", "Dashboard", env, args.runs)
        finally:
            subprocess.run([*TMUX, "kill-server"], check=False)
    load = os.getloadavg()[0]
    print(f"load average {load:.2f}; medians of {args.runs} runs")
    print(f"floor python -c pass        {floor_py * 1000:7.0f} ms")
    print(f"floor sqlite3 count         {floor_count * 1000:7.0f} ms")
    print(f"floor Textual first paint   {floor_tui * 1000:7.0f} ms")
    rows = [
        ("sobriety --version", version, floor_py, 0.25),
        ("sobriety --help", helptime, floor_py, 0.25),
        ("sobriety summary", summary, floor_count, 0.6),
        ("TUI first screen (tmux)", tui, floor_tui, 1.5),
    ]
    for name, value, floor, target in rows:
        verdict = "ok" if value < target else "MISSED"
        print(
            f"{name:<27} {value * 1000:7.0f} ms  {value / floor:5.2f}x floor  "
            f"(target < {target:.2f} s: {verdict})"
        )


if __name__ == "__main__":
    main()
