"""Interface language and locale-aware formatting.

French for a French locale, English otherwise; ``--lang`` or ``SOBRIETY_LANG``
override. Messages come from gettext catalogs in ``sobriety/locale``; numbers
and dates are formatted with Babel for the chosen locale.

Usage: ``from sobriety.i18n import _`` then ``_("Devices")``. The active
language is process-wide and set once by the CLI or the TUI through
:func:`set_language`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gettext
import locale as _locale
import os
import re
from collections.abc import Iterable
from pathlib import Path

from babel import Locale
from babel.dates import format_date as _babel_format_date
from babel.numbers import format_decimal, format_percent

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "sobriety"
SUPPORTED = ("fr", "en")

_translations: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def detect_language(explicit: str | None = None) -> str:
    """``explicit`` > ``SOBRIETY_LANG`` > the POSIX locale; ``fr`` or ``en``."""
    candidates = [explicit, os.environ.get("SOBRIETY_LANG")]
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        candidates.append(os.environ.get(var))
    if not any(candidates[2:]):
        with contextlib.suppress(ValueError):
            candidates.append(_locale.getlocale()[0])
    for cand in candidates:
        if not cand:
            continue
        code = cand.split(".")[0].split("_")[0].split("-")[0].lower()
        if code in ("c", "posix"):
            return "en"
        return "fr" if code == "fr" else "en"
    return "en"


def set_language(lang: str | None = None) -> str:
    """Activate the catalog for ``lang`` (or the detected language); returns it."""
    global _translations, _language
    _language = detect_language(lang)
    _translations = gettext.translation(
        DOMAIN, localedir=LOCALE_DIR, languages=[_language], fallback=True
    )
    return _language


def language() -> str:
    return _language


def gettext_in(lang: str, message: str) -> str:
    """``message`` translated into ``lang`` whatever the active language (to read input
    typed in either language)."""
    return _catalog(lang).gettext(message)


@functools.cache
def _catalog(lang: str) -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[lang], fallback=True)


def _(message: str) -> str:
    """Translate ``message`` into the active language."""
    return _translations.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translations.ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """Translate ``message`` in ``context`` (one English word, two meanings)."""
    return _translations.pgettext(context, message)


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it now."""
    return message


def babel_locale() -> str:
    return "fr_FR" if _language == "fr" else "en_GB"


def fmt_number(value: float | int | None, digits: int = 0) -> str:
    """``12 345,6`` in French, ``12,345.6`` in English; ``-`` for None."""
    if value is None:
        return "-"
    fmt = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return format_decimal(value, format=fmt, locale=babel_locale())


def fmt_exact(value: float) -> str:
    """A number with the decimals it has, in the locale's notation: ``10 000 000``, ``0,5``."""
    decimals = repr(float(value)).partition(".")[2].rstrip("0")
    return fmt_number(value, len(decimals))


def fmt_percent(ratio: float | None, digits: int = 0) -> str:
    if ratio is None:
        return "-"
    pattern = Locale.parse(babel_locale()).percent_formats[None].pattern
    if digits > 0:
        pattern = re.sub(r"0(?![0.])", "0." + "0" * digits, pattern, count=1)
    return format_percent(ratio, format=pattern, locale=babel_locale())


def fmt_date(value: dt.date | None) -> str:
    """``29/11/2026`` in French, ``29 Nov 2026`` in English; ``-`` for None."""
    if value is None:
        return "-"
    return _babel_format_date(
        value, format="short" if _language == "fr" else "medium", locale=babel_locale()
    )


# ---------------------------------------------------------------- typography
#: French typography: a no-break space before the high punctuation, inside « ».
NBSP = "\u00a0"


def quote(text: str) -> str:
    """``« text »`` in French (no-break spaces inside), ``“text”`` in English."""
    return f"«{NBSP}{text}{NBSP}»" if _language == "fr" else f"“{text}”"


def colon(label: str) -> str:
    """``label :`` in French (a no-break space before the colon), ``label:`` in English."""
    return f"{label}{NBSP}:" if _language == "fr" else f"{label}:"


def clauses(parts: Iterable[str]) -> str:
    """Clauses joined by a semicolon: ``a ; b`` in French (no-break space), ``a; b`` in English."""
    return (f"{NBSP}; " if _language == "fr" else "; ").join(parts)


def fmt_count(n: int | None) -> str:
    """A count with the locale's thousands separator: ``12 345``, ``12,345``."""
    return fmt_number(n)


def count_of(singular: str, plural: str, n: int) -> str:
    """``"{n} device"`` / ``"{n} devices"`` through ngettext, the count formatted:
    ``count_of("{n} device", "{n} devices", 1234)`` gives ``1 234 équipements``."""
    return ngettext(singular, plural, n).format(n=fmt_count(n))


def unit_label(unit: str) -> str:
    """A unit with its words translated, symbols kept: ``kWh/an`` for ``kWh/year``."""
    words = {"year": pgettext("unit", "year"), "hour": pgettext("unit", "hour")}
    return "/".join(words.get(part, part) for part in unit.split("/"))


def sort_key(text: str | None) -> tuple[bool, str, str]:
    """Order of labels as shown in the active language: case and accents ignored
    (``é`` with ``e``), blanks last."""
    import unicodedata

    shown = (text or "").strip()
    if not shown or shown == "-":
        return (True, "", "")
    decomposed = unicodedata.normalize("NFKD", shown.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return (False, bare, shown)
