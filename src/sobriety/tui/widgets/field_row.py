"""``FieldRow``: a labelled input with its validation message shown in place."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Select, Static

from sobriety.domain.inventory.form import FieldError
from sobriety.i18n import pgettext

Parser = Callable[[str], Any]


class FieldRow(Vertical):
    """One field: label, control (Input, Select or Checkbox) and the reason it is refused."""

    DEFAULT_CSS = """
    FieldRow { height: auto; margin: 0 0 0 0; }
    FieldRow > Horizontal { height: auto; }
    FieldRow .field-label { width: 24; padding: 0 1 0 0; color: $text-muted;
        text-wrap: nowrap; text-overflow: ellipsis; }
    FieldRow .field-control { width: 1fr; }
    FieldRow Input.field-control { background: $boost; }
    FieldRow .field-error { color: $error; padding: 0 0 0 24; height: auto; display: none; }
    FieldRow.-invalid .field-error { display: block; }
    FieldRow.-invalid .field-label { color: $error; }
    FieldRow.-changed .field-label { text-style: bold; color: $accent; }
    """

    def __init__(
        self,
        name: str,
        label: str,
        *,
        kind: str = "text",
        value: Any = None,
        choices: Sequence[tuple[str, Any]] = (),
        parser: Parser | None = None,
        allow_blank: bool = True,
        placeholder: str = "",
    ) -> None:
        super().__init__(id=f"row-{name}", classes="field-row")
        self.field_name = name
        self.label_text = label
        self.kind = kind
        self.initial = value
        self._choices = list(choices)
        self._parser = parser
        self._allow_blank = allow_blank
        self._placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Label(self.label_text, classes="field-label")
            yield self._control()
        yield Static("", classes="field-error")

    def _control(self) -> Widget:
        cid = f"field-{self.field_name}"
        if self.kind == "choice":
            return Select(
                self._choices,
                prompt=pgettext("placeholder", "Select"),
                value=self.initial if self.initial is not None else Select.NULL,
                allow_blank=self._allow_blank,
                id=cid,
                classes="field-control",
                compact=True,
            )
        if self.kind == "bool":
            return Checkbox(value=bool(self.initial), id=cid, classes="field-control", compact=True)
        return Input(
            value=self.as_text(self.initial),
            placeholder=self._placeholder,
            id=cid,
            classes="field-control",
            compact=True,
        )

    def on_mount(self) -> None:
        control = self.control
        if isinstance(control, Input) and self.app.is_headless:
            control.cursor_blink = False  # a steady cursor: reproducible screenshots

    @staticmethod
    def as_text(value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)

    @property
    def control(self) -> Widget:
        return self.query_one(f"#field-{self.field_name}")

    @property
    def raw(self) -> Any:
        """What the user entered: text, a choice (None when blank) or a bool."""
        control = self.control
        if isinstance(control, Select):
            return None if control.value is Select.NULL else control.value
        if isinstance(control, Checkbox):
            return control.value
        assert isinstance(control, Input)
        return control.value

    def set_raw(self, value: Any) -> None:
        control = self.control
        if isinstance(control, Select):
            if value is None:
                control.clear()
            else:
                control.value = value
        elif isinstance(control, Checkbox):
            control.value = bool(value)
        else:
            assert isinstance(control, Input)
            control.value = self.as_text(value)

    def parse(self) -> Any:
        """The value, or :class:`FieldError` (also shown under the field)."""
        raw = self.raw
        try:
            value = self._parser(raw) if self._parser is not None else raw
        except FieldError as exc:
            self.show_error(exc.reason)
            raise
        except ValueError as exc:
            self.show_error(str(exc))
            raise FieldError(self.field_name, str(exc)) from exc
        self.show_error(None)
        return value

    def show_error(self, reason: str | None) -> None:
        self.set_class(reason is not None, "-invalid")
        self.query_one(".field-error", Static).update(f"⚠ {reason}" if reason else "")
