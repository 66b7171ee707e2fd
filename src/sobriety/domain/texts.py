"""Texts read from data files (sources, notes, labels), in the report's language.

A data file holds each user-facing text in English under its key and may give
its translation under ``<key>_<lang>`` (``source_fr``, ``note_fr``...). The
loaders keep both in a :class:`Text` (a ``str`` holding the English), and the
figures show :func:`shown` of it: the translation of the current language when
the file gives one, else the English.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sobriety.i18n import fmt_date, language

LANGUAGES = ("fr",)


class Text(str):
    """A data file's text: the English (the string itself) and its translations."""

    translations: dict[str, str]

    def __new__(cls, english: str, translations: Mapping[str, str] | None = None) -> Text:
        obj = super().__new__(cls, english)
        obj.translations = {k: v for k, v in (translations or {}).items() if v}
        return obj


def text_of(table: Mapping[str, Any], key: str, default: str = "") -> Text:
    """``table[key]`` with its ``<key>_<lang>`` translations (stripped; missing: ``default``)."""
    english = str(table.get(key, default) or "").strip()
    return Text(
        english,
        {lang: str(table[f"{key}_{lang}"]).strip() for lang in LANGUAGES
         if isinstance(table.get(f"{key}_{lang}"), str)},
    )  # fmt: skip


def shown(text: str | None) -> str:
    """``text`` in the current language (its translation when the data file gives one)."""
    if text is None:
        return ""
    translations = getattr(text, "translations", None) or {}
    return str(translations.get(language(), text))


def source_date(text: str | None) -> str:
    """A source's date as the locale writes it (``03/12/2026``); a year or a month as given."""
    if not text:
        return "-"
    try:
        return fmt_date(dt.date.fromisoformat(str(text)))
    except ValueError:
        return str(text)
