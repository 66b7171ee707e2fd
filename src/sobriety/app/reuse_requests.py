"""Redeployment requests: a need for devices of a category, while open (the policy's
need rules let a retired device of that category be kept for it)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sobriety.domain.reuse.lots import ReuseError
from sobriety.i18n import _
from sobriety.storage.devices import NotFoundError

if TYPE_CHECKING:
    from sqlmodel import Session

    from sobriety.app.context import Sobriety


# ------------------------------------------------------------------ redeployment requests
@dataclass(frozen=True)
class Request:
    """An open (or closed) redeployment request: devices of a category asked for."""

    id: int
    category: str
    quantity: int
    site: str | None
    requested_on: dt.date
    note: str | None
    closed_on: dt.date | None


def add_request(
    app: Sobriety,
    category: str,
    quantity: int = 1,
    *,
    site: str | None = None,
    note: str | None = None,
    on: dt.date | None = None,
) -> int:
    """Record a need for ``quantity`` devices of ``category``: while it is open, a retired
    device of that category may be kept for it. Returns the request's id."""
    from sobriety.domain.vocab import Category
    from sobriety.storage import devices
    from sobriety.storage.decisions import add_request as store

    problems = []
    if category not in tuple(Category):
        problems.append(
            _("unknown category {value!r} (expected one of {allowed})").format(
                value=category, allowed=", ".join(Category)
            )
        )
    if quantity < 1:
        problems.append(_("a request asks for at least 1 device"))
    if problems:
        raise ReuseError(_("request not recorded:"), problems)

    def write(s: Session) -> int:
        site_id = devices.get_site(session=s, code=site).id if site else None
        return store(
            s,
            category=category,
            quantity=quantity,
            site_id=site_id,
            requested_on=on or app.today(),
            note=(note or "").strip() or None,
        )

    return app.in_transaction(None, write)


def close_request(app: Sobriety, request_id: int, *, on: dt.date | None = None) -> None:
    """Close a redeployment request (met or withdrawn)."""
    from sobriety.storage.decisions import get_request

    def write(s: Session) -> None:
        request = get_request(s, request_id)
        if request is None:
            raise NotFoundError(_("no redeployment request {id}").format(id=request_id))
        if request.closed_on is not None:
            raise ReuseError(_("request {id} is already closed").format(id=request_id))
        request.closed_on = on or app.today()
        s.add(request)

    app.in_transaction(None, write)


def requests(app: Sobriety, *, every: bool = False) -> list[Request]:
    """The redeployment requests (the open ones unless ``every``)."""
    from sobriety.storage.decisions import list_requests
    from sobriety.storage.models import Site

    def read(s: Session) -> list[Request]:
        out = []
        for r in list_requests(s, every=every):
            site = s.get(Site, r.site_id) if r.site_id else None
            out.append(
                Request(
                    r.id, r.category, r.quantity, site.code if site else None,
                    r.requested_on, r.note, r.closed_on,
                )
            )  # fmt: skip
        return out

    return app.in_transaction(None, read)
