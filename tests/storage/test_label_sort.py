"""Sorting the device list by a vocabulary column follows the labels shown in the active
language (accents ignored), blanks last; keyset and offset pages agree (issue 8)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from sobriety.domain.inventory.queries import DeviceQuery
from sobriety.domain.labels import label
from sobriety.i18n import set_language, sort_key
from sobriety.storage.device_pages import count_devices, fetch_page


def _pages(engine: Engine, query: DeviceQuery) -> tuple[list, list]:
    total = count_devices(engine, query.filter)
    by_keyset, by_offset, after = [], [], None
    for page in range(0, total, 70):
        rows = fetch_page(engine, query, limit=70, after=after)
        by_keyset += rows
        after = rows[-1]
        by_offset += fetch_page(engine, query, offset=page, limit=70, total=total)
    return by_keyset, by_offset


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("key", ["category", "status", "reuse_channel"])
def test_vocabulary_sorts_follow_the_labels_shown_blanks_last(
    fleet_engine: Engine, lang: str, key: str
) -> None:
    set_language(lang)
    vocab = "reuse_channel" if key == "reuse_channel" else key
    by_keyset, by_offset = _pages(fleet_engine, DeviceQuery(sort=key))
    assert [r.id for r in by_keyset] == [r.id for r in by_offset]
    shown = [label(vocab, getattr(r, key)) for r in by_keyset]
    assert shown == sorted(shown, key=sort_key)
    if key == "reuse_channel":
        assert shown[-1] == "" and shown[0] != ""  # the undecided devices come last
    descending, _ = _pages(fleet_engine, DeviceQuery(sort=key, descending=True))
    assert [r.id for r in descending] == [r.id for r in by_keyset][::-1]


def test_french_category_order_is_by_french_label(fleet_engine: Engine) -> None:
    set_language("fr")
    rows, _ = _pages(fleet_engine, DeviceQuery(sort="category"))
    firsts = list(dict.fromkeys(label("category", r.category) for r in rows))
    assert firsts.index("Borne Wi-Fi") < firsts.index("Écran") < firsts.index("PC portable")
    set_language("en")
    rows, _ = _pages(fleet_engine, DeviceQuery(sort="category"))
    firsts = list(dict.fromkeys(label("category", r.category) for r in rows))
    assert firsts.index("Laptop") < firsts.index("Monitor") < firsts.index("Wi-Fi access point")
