"""Small terminal charts as Rich text: horizontal bars and target gauges.

UI-free helpers (no widget): they return :class:`rich.text.Text`, readable in
black and white (the bar length carries the value, the number is printed).
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len, set_cell_size
from rich.text import Text

from sobriety.i18n import fmt_number

FULL, EMPTY = "█", "░"
_EIGHTHS = " ▏▎▍▌▋▊▉"


def _bar(fraction: float, width: int) -> str:
    fraction = min(max(fraction, 0.0), 1.0)
    eighths = round(fraction * width * 8)
    full, rest = divmod(eighths, 8)
    bar = FULL * full + (_EIGHTHS[rest] if rest else "")
    return bar + " " * (width - cell_len(bar))


def bars(
    items: Sequence[tuple[str, float]],
    *,
    width: int = 36,
    label_width: int = 16,
    digits: int = 0,
    style: str = "bold",
) -> Text:
    """One line per item: label, a bar proportional to the largest value, the value."""
    out = Text()
    top = max((v for _label, v in items), default=0) or 1
    numbers = [fmt_number(v, digits) for _label, v in items]
    num_width = max((cell_len(n) for n in numbers), default=1)
    bar_width = max(4, width - label_width - num_width - 2)
    for i, ((label, value), number) in enumerate(zip(items, numbers, strict=True)):
        if i:
            out.append("\n")
        text = label if cell_len(label) <= label_width else label[: label_width - 1] + "…"
        out.append(set_cell_size(text, label_width) + " ")
        out.append(_bar(value / top, bar_width), style=style)
        out.append(" " + number.rjust(num_width))
    return out


def gauge(value_pct: float | None, target_pct: float | None, *, width: int = 30) -> Text:
    """A 0-100 % bar of ``value_pct`` with the target marked ``│``; green when met."""
    out = Text()
    value = 0.0 if value_pct is None else value_pct
    cells = [EMPTY] * width
    filled = round(min(value, 100.0) / 100.0 * width)
    for i in range(filled):
        cells[i] = FULL
    mark = None
    if target_pct is not None:
        mark = min(width - 1, round(target_pct / 100.0 * width))
    met = value_pct is not None and target_pct is not None and value_pct >= target_pct
    style = "green" if met else ("red" if target_pct is not None else "")
    for i, cell in enumerate(cells):
        if i == mark:
            out.append("│", style="bold")
        else:
            out.append(cell, style=style if cell == FULL else "dim")
    return out


def year_axis(first: int, last: int, width: int) -> str:
    """Year labels under a chart of one column group per year, ``first`` to ``last``.

    Each year is written under the middle of its share of ``width``; years are
    skipped evenly when their labels would touch (the first and the last kept).
    """
    years = list(range(first, last + 1))
    if not years or width < 4:
        return ""
    cells = [" "] * width
    span = width / len(years)
    step = max(1, -(-5 * len(years) // width))  # ceil: 4 digits and a space per label
    shown = years[::step]
    if shown[-1] != years[-1]:
        shown = [*shown[:-1], years[-1]] if len(shown) > 1 else [years[-1]]
    taken = -1
    for year in shown:
        i = years.index(year)
        start = min(width - 4, max(0, round((i + 0.5) * span) - 2))
        if start <= taken:
            continue
        cells[start : start + 4] = str(year)
        taken = start + 4
    return "".join(cells).rstrip()
