"""The import screen's panel of labels nobody mapped yet: one value to pick for each.

Each unknown label of the last check (its column, its text, its row count)
gets a list of the values of its vocabulary, shown in the current language.
The picked values map the labels on the next check or import; the screen can
save them to the user's synonyms file.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Label, Select

from sobriety.domain.labels import label as value_label
from sobriety.i18n import _, fmt_number, ngettext


class LabelChoices(VerticalScroll):
    """One row per unknown label: what it is, and a list to pick its value."""

    DEFAULT_CSS = """
    LabelChoices { height: auto; max-height: 12; display: none; }
    LabelChoices.-shown { display: block; }
    LabelChoices > Horizontal { height: 1; }
    LabelChoices .label-text { width: 1fr; }
    LabelChoices Select { width: 32; }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.unknown: list[Any] = []  # sobriety.app.imports.UnknownLabel
        #: (column, label) -> (section, value) picked so far (kept across checks)
        self.picked: dict[tuple[str, str], tuple[str, str]] = {}
        self._generation = 0  # ids of a new list never clash with rows being removed

    def compose(self) -> ComposeResult:
        yield Label(_("Labels to map"), classes="panel-title")

    def show(self, unknown: list[Any]) -> None:
        """List ``unknown`` labels (those already picked keep their value)."""
        self.unknown = list(unknown)
        for row in list(self.children):
            if type(row) is Horizontal:
                row.remove()
        self._generation += 1
        for index, item in enumerate(self.unknown):
            text = ngettext(
                '{column}: "{label}" ({rows} row)', '{column}: "{label}" ({rows} rows)', item.rows
            ).format(column=item.column, label=item.label, rows=fmt_number(item.rows))
            options = [(f"{value_label(item.section, v)} ({v})", v) for v in item.allowed]
            select: Select[str] = Select(
                options,
                prompt=_("Choose a value"),
                id=f"label-choice-{self._generation}-{index}",
                compact=True,
            )
            picked = self.picked.get((item.column, item.label))
            if picked is not None:
                select.value = picked[1]
            self.mount(Horizontal(Label(text, classes="label-text"), select))
        self.set_class(bool(self.unknown), "-shown")

    def on_select_changed(self, event: Select.Changed) -> None:
        if not (event.select.id or "").startswith("label-choice-"):
            return
        event.stop()
        _prefix, generation, index = event.select.id.rsplit("-", 2)
        if int(generation) != self._generation:
            return  # a row of a list already replaced
        item = self.unknown[int(index)]
        key = (item.column, item.label)
        if event.value is Select.BLANK:
            self.picked.pop(key, None)
        else:
            self.picked[key] = (item.section, str(event.value))

    def pick(self, index: int, value: str) -> None:
        """Pick ``value`` for the ``index``-th label (as the list would)."""
        self.query_one(f"#label-choice-{self._generation}-{index}", Select).value = value

    def mappings(self) -> list[tuple[str, str, str]]:
        """The picks as ``(column, label, value)``."""
        return [(column, label, value) for (column, label), (_s, value) in self.picked.items()]

    def for_synonyms(self) -> list[tuple[str, str, str]]:
        """The picks as ``(section, label, value)`` for the synonyms file."""
        return [(section, label, value) for (_c, label), (section, value) in self.picked.items()]
