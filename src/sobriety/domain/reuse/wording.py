"""The legal wording of transfer slips: one sourced table (``data/slip_wording.toml``).

Each entry gives, for a channel (and optionally some recipient kinds), the
legal basis and the recipient's undertaking in English and French, with its
source and the day it was reviewed. :func:`wording_for` picks the entry of a
lot; a channel or kind with no entry is an error, so that no slip is printed
without a reviewed text.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path

from sobriety.domain.vocab import Channel, RecipientKind
from sobriety.i18n import _

LANGUAGES = ("en", "fr")


@dataclass(frozen=True)
class Wording:
    channel: Channel
    #: None: every kind of recipient of the channel.
    recipient_kinds: frozenset[str] | None
    basis: dict[str, str]
    clause: dict[str, str]
    source: str
    reviewed: str

    def text(self, part: str, lang: str | None) -> str | None:
        """``basis`` or ``clause`` in ``lang`` (English when the language has none)."""
        texts = getattr(self, part)
        return texts.get(lang or "en") or texts.get("en")


class WordingError(ValueError):
    """The wording table is invalid, or has no entry for a lot."""


def wording_path() -> Path:
    return Path(__file__).resolve().parents[2] / "data" / "slip_wording.toml"


def _texts(raw: object, where: str, required: bool) -> dict[str, str]:
    if raw is None and not required:
        return {}
    if not isinstance(raw, dict) or not all(isinstance(raw.get(lang), str) for lang in LANGUAGES):
        raise WordingError(
            _("{where}: expected a text for each language ({langs})").format(
                where=where, langs=", ".join(LANGUAGES)
            )
        )
    return {lang: raw[lang] for lang in LANGUAGES}


def parse_wording(data: dict, file: str = "<wording>") -> tuple[Wording, ...]:
    entries = data.get("wording")
    if not isinstance(entries, list) or not entries:
        raise WordingError(_("{file}: no [[wording]] entry").format(file=file))
    out = []
    for i, raw in enumerate(entries):
        where = f"{file}: wording[{i}]"
        try:
            channel = Channel(raw.get("channel"))
            kinds = raw.get("recipient_kinds")
            kinds = None if kinds is None else frozenset(RecipientKind(k) for k in kinds)
        except (ValueError, TypeError) as exc:
            raise WordingError(f"{where}: {exc}") from exc
        for key in ("source", "reviewed"):
            if not isinstance(raw.get(key), str) or not raw[key].strip():
                raise WordingError(
                    _("{where}: {key} is required (article, date, where it was read)").format(
                        where=where, key=key
                    )
                )
        out.append(
            Wording(
                channel=channel,
                recipient_kinds=kinds,
                basis=_texts(raw.get("basis"), f"{where}.basis", True),
                clause=_texts(raw.get("clause"), f"{where}.clause", False),
                source=raw["source"],
                reviewed=raw["reviewed"],
            )
        )
    return tuple(out)


@functools.cache
def shipped_wording() -> tuple[Wording, ...]:
    path = wording_path()
    return parse_wording(tomllib.loads(path.read_text(encoding="utf-8")), str(path))


def wording_for(
    channel: Channel | str, kind: RecipientKind | str, table: tuple[Wording, ...] | None = None
) -> Wording:
    """The entry of a lot of ``channel`` for a ``kind`` of recipient."""
    for w in table if table is not None else shipped_wording():
        if w.channel == channel and (w.recipient_kinds is None or kind in w.recipient_kinds):
            return w
    raise WordingError(
        _("no legal wording for a {channel} lot to a {kind}: add it to {file}").format(
            channel=channel, kind=kind, file=wording_path().name
        )
    )
