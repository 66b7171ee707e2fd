"""Parsers of dialog fields that are not device fields: free text, a required choice.

Each turns what the user entered into the value, or raises
:class:`~sobriety.domain.inventory.form.FieldError` with the reason shown under
the field. Device fields are parsed by
:func:`sobriety.domain.inventory.form.parse_field` instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sobriety.domain.inventory.form import FieldError
from sobriety.i18n import _


def text(
    limit: int, *, required: bool = False, missing: str | None = None
) -> Callable[[str | None], str | None]:
    """Stripped text of at most ``limit`` characters; empty is None, or refused if ``required``.

    ``missing`` is the reason shown for an empty required field.
    """

    def parse(raw: str | None) -> str | None:
        value = (raw or "").strip()
        if not value:
            if required:
                raise FieldError("", missing or _("a value is required"))
            return None
        if len(value) > limit:
            raise FieldError(
                "", _("{n} characters, at most {max} allowed").format(n=len(value), max=limit)
            )
        return value

    return parse


def required(value: Any) -> Any:
    """A choice that must be made."""
    if value is None:
        raise FieldError("", _("a value is required"))
    return value
