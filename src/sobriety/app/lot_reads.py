"""Reads of outgoing lots: the listing, one lot with its devices, a lot's history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sobriety.storage.lots import LotView

if TYPE_CHECKING:
    from sqlmodel import Session

    from sobriety.app.context import Sobriety


@dataclass(frozen=True)
class LotRow:
    """A lot in a listing (codes: the screens label them)."""

    code: str
    channel: str
    recipient: str
    kind: str
    siret: str | None
    status: str
    devices: int
    #: The lot's version when read: a write based on it is refused if the lot changed since.
    version: int = 1


@dataclass(frozen=True)
class LotChange:
    """One entry of a lot's history: what, who, when, from where, the version after it."""

    kind: str
    date: dt.datetime
    actor: str | None
    source: str | None
    details: dict[str, Any]
    version: int


def show(app: Sobriety, code: str) -> LotView:
    """The lot, its devices (a closed lot: those that left with it) and their best erasure."""
    from sobriety.storage.lots import lot_view

    return app.in_transaction(None, lambda s: lot_view(s, _lot(s, code)))


def list_lots(app: Sobriety) -> list[LotRow]:
    """Every lot with its number of devices (open lots: current; closed: transferred)."""
    from sobriety.storage import lots as store

    def read(s: Session) -> list[LotRow]:
        return [
            LotRow(
                lot.code,
                lot.channel,
                lot.recipient_name,
                lot.recipient_kind,
                lot.recipient_siret,
                lot.status,
                n,
                lot.version,
            )
            for lot, n in store.list_lots(s)
        ]

    return app.in_transaction(None, read)


def history(app: Sobriety, code: str) -> list[LotChange]:
    """Every change of the lot, oldest first (the tool cannot edit them)."""
    from sobriety.storage.versions import lot_events

    def read(s: Session) -> list[LotChange]:
        lot = _lot(s, code)
        return [
            LotChange(e["kind"], e["date"], e["actor"], e["source"], e["details"], e["version"])
            for e in lot_events(s, lot.id)
        ]

    return app.in_transaction(None, read)


def _lot(session: Session, code: str) -> Any:
    from sobriety.app.lots import _get

    return _get(session, code)
