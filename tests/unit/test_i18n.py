"""Catalogs are complete and compiled; language detection and locale formats."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from sobriety import i18n

SRC = Path(__file__).resolve().parents[2] / "src" / "sobriety"
PO = i18n.LOCALE_DIR / "fr" / "LC_MESSAGES" / "sobriety.po"
MO = PO.with_suffix(".mo")
PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def _source_messages() -> set[tuple[str, str | None]]:
    keywords = {"_": None, "N_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}
    found: set[tuple[str, str | None]] = set()
    for _file, _line, message, _comments, context in extract_from_dir(
        str(SRC), method_map=[("**.py", "python")], keywords=keywords
    ):
        found.add((message[0] if isinstance(message, tuple) else message, context))
    return found


@pytest.fixture(scope="module")
def catalog():
    with PO.open("rb") as fh:
        return read_po(fh, locale="fr")


def test_every_source_message_has_a_french_translation(catalog) -> None:
    missing = sorted(
        m
        for m, ctx in _source_messages()
        if not (entry := catalog.get(m, context=ctx)) or not entry.string or entry.fuzzy
    )
    assert not missing, f"{len(missing)} untranslated (tools/update_catalogs.sh): {missing[:10]}"


def test_translations_keep_their_placeholders(catalog) -> None:
    wrong = []
    for entry in catalog:
        if not entry.id or not entry.string:
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        want = set(PLACEHOLDER.findall(ids[0]))
        wrong += [(ids[0], s) for s in strings if set(PLACEHOLDER.findall(s)) != want]
    assert not wrong, wrong[:5]


def test_compiled_catalog_matches_the_po_file(catalog) -> None:
    with MO.open("rb") as fh:
        compiled = read_mo(fh)

    def key(m):  # a plural entry (ngettext) has a list of ids and of strings
        return (m.context, m.id if isinstance(m.id, str) else tuple(m.id))

    def text(m):
        return m.string if isinstance(m.string, str) else tuple(m.string)

    po = {key(m): text(m) for m in catalog if m.id and m.string and not m.fuzzy}
    mo = {key(m): text(m) for m in compiled if m.id}
    assert po == mo, "the .mo is stale: run tools/update_catalogs.sh"


@pytest.mark.parametrize(
    ("env", "explicit", "expected"),
    [
        ({"LANG": "fr_FR.UTF-8"}, None, "fr"),
        ({"LANG": "en_US.UTF-8"}, None, "en"),
        ({"LANG": "C.UTF-8"}, None, "en"),
        ({"LANG": "en_US.UTF-8", "SOBRIETY_LANG": "fr"}, None, "fr"),
        ({"LANG": "fr_FR.UTF-8", "SOBRIETY_LANG": "fr"}, "en", "en"),
        ({"LC_ALL": "fr_CA.UTF-8", "LANG": "en_US.UTF-8"}, None, "fr"),
    ],
)
def test_language_detection(monkeypatch, env, explicit, expected) -> None:
    for var in ("LANG", "LC_ALL", "LC_MESSAGES", "SOBRIETY_LANG"):
        monkeypatch.delenv(var, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert i18n.detect_language(explicit) == expected


def test_numbers_and_dates_follow_the_language() -> None:
    i18n.set_language("fr")
    assert i18n.fmt_number(12345.67, 1) == "12\u202f345,7"
    assert i18n.fmt_date(dt.date(2026, 11, 29)) == "29/11/2026"
    assert i18n.fmt_percent(0.352, 1) == "35,2\u00a0%"
    i18n.set_language("en")
    assert i18n.fmt_number(12345.67, 1) == "12,345.7"
    assert i18n.fmt_date(dt.date(2026, 11, 29)) == "29 Nov 2026"


def test_french_catalog_is_active_in_french() -> None:
    i18n.set_language("fr")
    assert i18n._("By category:") != "By category:"
    i18n.set_language("en")
    assert i18n._("By category:") == "By category:"


def test_one_english_word_two_french_meanings() -> None:
    from sobriety.domain.labels import label

    i18n.set_language("fr")
    try:
        assert i18n.pgettext("action", "Open") != label("lot_status", "open")
        assert i18n.pgettext("action", "Clear") != label("erasure_level", "clear")
    finally:
        i18n.set_language("en")
    assert i18n.pgettext("action", "Open") == "Open"
