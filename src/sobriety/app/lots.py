"""Use cases of outgoing lots: create, add, remove, close, proof of reuse, transfer slips.

A lot is a batch of devices for one recipient and one channel. Every write
checks the rules first (recipient kind and SIRET, each device against the
lot's channel under the application's policy, on the application's day) and
writes nothing when refused: :class:`~sobriety.app.reuse.ReuseError` lists
every problem. Closing a lot marks its devices gone and records one
``transferred`` event per device with ``{"channel", "lot", "recipient_kind"}``,
dated on the handover day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sobriety.app.reuse import (
    ConflictError,
    NotFoundError,
    ReuseError,
    leave_service,
)
from sobriety.domain.reuse.lots import LotRuleError
from sobriety.domain.vocab import Channel, EventKind, LotEventKind, LotStatus, Status
from sobriety.i18n import _, colon
from sobriety.storage.lots import LotDevice, LotView

if TYPE_CHECKING:
    from sqlmodel import Session

    from sobriety.app.context import Sobriety
    from sobriety.domain.reuse.policy import Policy
    from sobriety.storage.models import Device, Lot

__all__ = [
    "Closed",
    "ConflictError",
    "LotDevice",
    "LotRow",
    "LotView",
    "NotFoundError",
    "ReuseError",
]


@dataclass(frozen=True)
class Closed:
    """A lot handed over: its code, the handover day and how many devices left with it."""

    code: str
    on: dt.date
    devices: int


def _get(session: Session, code: str) -> Lot:
    from sobriety.storage.lots import find_lot

    lot = find_lot(session, code)
    if lot is None:
        raise NotFoundError(_("no lot with code {code!r}").format(code=code))
    return lot


def _open(session: Session, code: str, expected_version: int | None = None) -> Lot:
    lot = _fresh(session, _get(session, code), expected_version)
    if lot.status != LotStatus.OPEN:
        raise ReuseError(_("lot {code} is closed").format(code=code))
    return lot


def _fresh(session: Session, lot: Lot, expected_version: int | None) -> Lot:
    """``lot`` if it is still at the version the user read (None: the one read now);
    else :class:`~sobriety.storage.versions.StaleRecord` saying who changed it, and how."""
    from sobriety.storage import versions

    if expected_version is not None and lot.version != expected_version:
        raise versions.stale_lot(session, lot, expected_version)
    return lot


def _record(
    app: Sobriety,
    session: Session,
    lot: Lot,
    kind: LotEventKind,
    expected_version: int | None,
    values: dict[str, Any] | None = None,
    **details: Any,
) -> Lot:
    """Write a change of ``lot`` through its version check, and its history entry."""
    from sobriety.storage import versions

    return versions.change_lot(
        session,
        lot,
        expected_version=lot.version if expected_version is None else expected_version,
        kind=str(kind),
        actor=app.actor,
        values=values,
        details={k: v for k, v in details.items() if v not in (None, "", [])},
        at=app.now(),
    )


def _named_devices(
    session: Session, asset_tags: Sequence[str], problems: list[str]
) -> Iterator[Device]:
    """The devices of ``asset_tags`` (each once, in order); an unknown tag adds a problem."""
    from sobriety.storage import devices

    for tag in dict.fromkeys(asset_tags):
        try:
            yield devices.get_device(session=session, asset_tag=tag)
        except NotFoundError:
            problems.append(_("{tag}: no such device").format(tag=tag))


#: Statuses of a device that has left service: retired, or accepted for a channel.
_OUT_OF_SERVICE = (Status.RETIRED, Status.IN_REUSE_CHANNEL)


def _in_service(d: Device) -> str:
    from sobriety.domain.labels import inline

    return _(
        "{tag}: {status}: a lot takes only devices that have left service; retire it or "
        "accept a channel for it first"
    ).format(tag=d.asset_tag, status=inline("status", d.status))


# ------------------------------------------------------------------ create
def _create(
    app: Sobriety,
    session: Session,
    *,
    channel: Channel | str,
    recipient_name: str,
    recipient_kind: str,
    siret: str | None,
    code: str | None,
    notes: str | None,
    commitment_ref: str | None,
    on: dt.date,
    recipient_address: str | None = None,
    price_eur: float | None = None,
    supplier_contract_ref: str | None = None,
) -> str:
    from sobriety.domain.reuse.lots import (
        check_recipient,
        lot_code,
        normalise_siret,
        recipient_problems,
    )
    from sobriety.storage import lots as store

    policy = app.policy
    problems: list[str] = []
    if not recipient_name or not recipient_name.strip():
        problems.append(_("the recipient's name is required"))
    norm_siret = None
    try:
        check_recipient(policy, channel, recipient_kind)
    except LotRuleError as exc:
        problems.append(str(exc))
    try:
        norm_siret = normalise_siret(siret)
    except LotRuleError as exc:
        problems.append(str(exc))
    problems += recipient_problems(
        policy,
        channel,
        recipient_kind,
        recipient_name or "",
        on=on,
        price_eur=price_eur,
        supplier_contract_ref=supplier_contract_ref,
    )
    if code is not None and store.find_lot(session, code) is not None:
        problems.append(_("a lot with code {code!r} already exists").format(code=code))
    if problems:
        raise ReuseError(_("cannot create the lot:"), problems)
    if code is None:
        prefix = f"LOT-{on.year}-"
        seqs = [
            int(c[len(prefix) :])
            for c in store.codes_starting(session, prefix)
            if c[len(prefix) :].isdigit()
        ]
        code = lot_code(on.year, max(seqs, default=0) + 1)
    lot = store.add_lot(
        session,
        code=code,
        channel=str(Channel(channel)),
        recipient_name=recipient_name.strip(),
        recipient_kind=str(recipient_kind),
        recipient_siret=norm_siret,
        status=LotStatus.OPEN.value,
        notes=notes,
        commitment_ref=commitment_ref or None,
        recipient_address=(recipient_address or "").strip() or None,
        price_eur=price_eur,
        supplier_contract_ref=(supplier_contract_ref or "").strip() or None,
        created_at=app.now(),
    )
    from sobriety.storage.versions import record_lot_created

    record_lot_created(session, lot, actor=app.actor, at=app.now())
    return code


def create(
    app: Sobriety,
    *,
    channel: Channel | str,
    recipient_name: str,
    recipient_kind: str,
    siret: str | None = None,
    code: str | None = None,
    notes: str | None = None,
    commitment_ref: str | None = None,
    on: dt.date | None = None,
    session: Session | None = None,
    recipient_address: str | None = None,
    price_eur: float | None = None,
    supplier_contract_ref: str | None = None,
) -> str:
    """Open a lot for one recipient and one channel (checked against the policy).

    The code defaults to ``LOT-<year of on>-NNNN``, the next free number.
    ``price_eur`` is the sale price of the whole lot (None: free of charge); a
    take-back by the initial supplier needs ``supplier_contract_ref``, its
    contract with an approved eco-organisme or approved individual system.
    Returns the lot's code.
    """
    values = {
        "recipient_address": recipient_address,
        "price_eur": price_eur,
        "supplier_contract_ref": supplier_contract_ref,
        "channel": channel,
        "recipient_name": recipient_name,
        "recipient_kind": recipient_kind,
        "siret": siret,
        "code": code,
        "notes": notes,
        "commitment_ref": commitment_ref,
        "on": on or app.today(),
    }
    if code is None and session is None:
        from sobriety.storage import db

        # The next free number: two writers may pick the same; the one refused takes the next.
        return app.retrying(
            lambda: app.in_transaction(None, lambda s: _create(app, s, **values)),
            also=db.is_unique_violation,
        )
    return app.in_transaction(session, lambda s: _create(app, s, **values))


# ------------------------------------------------------------------ devices in and out
def _problems_for(
    session: Session, policy: Policy, devices: Sequence[Device], channel: Channel, on: dt.date
) -> list[str]:
    """Every reason (tag: reason) that forbids these devices from ``channel``."""
    if not devices:
        return []
    from sobriety.domain.reuse.explain import channel_problems
    from sobriety.domain.reuse.rules import evaluate
    from sobriety.domain.reuse.text import render_reason
    from sobriety.storage.decisions import fleet_of, open_requests, ready_stock

    fleet = fleet_of(session, devices)
    ev = evaluate(fleet, policy, on, stock=ready_stock(session), requests=open_requests(session))
    return [
        f"{colon(d.asset_tag)} {render_reason(r)}"
        for i, d in enumerate(devices)
        for r in channel_problems(ev, fleet, i, channel)
    ]


def _add(
    app: Sobriety,
    session: Session,
    code: str,
    asset_tags: Sequence[str],
    on: dt.date,
    expected_version: int | None = None,
) -> int:
    from sobriety.domain.reuse.text import channel_name
    from sobriety.storage import devices as store
    from sobriety.storage.lots import code_of_lot

    lot = _open(session, code, expected_version)
    channel = Channel(lot.channel)
    problems: list[str] = []
    chosen: list[Device] = []
    for d in _named_devices(session, asset_tags, problems):
        tag = d.asset_tag
        if d.lot_id == lot.id:
            problems.append(_("{tag}: already in this lot").format(tag=tag))
        elif d.lot_id is not None:
            other = code_of_lot(session, d.lot_id) or "?"
            problems.append(_("{tag}: already in lot {lot}").format(tag=tag, lot=other))
        elif d.status not in _OUT_OF_SERVICE:
            problems.append(_in_service(d))
        elif d.reuse_channel and d.reuse_channel != channel:
            problems.append(
                _(
                    "{tag}: decided for {decided}, not {channel}: override the decision first"
                ).format(
                    tag=tag, decided=channel_name(d.reuse_channel), channel=channel_name(channel)
                )
            )
        chosen.append(d)
    problems += _problems_for(session, app.policy, chosen, channel, on)
    if problems:
        raise ReuseError(
            _("cannot add to lot {code} ({channel}):").format(
                code=code, channel=channel_name(channel)
            ),
            problems,
        )
    for d in chosen:
        changes = {"lot_id": lot.id, "reuse_channel": str(channel)}
        reason = _("added to lot {code}").format(code=code)
        changes.update(leave_service(app, session, d, on=on, reason=reason))
        store.update_device(
            session=session,
            asset_tag=d.asset_tag,
            expected_version=d.version,
            changes=changes,
            actor=app.actor,
            event_kind=EventKind.LOT_ADDED,
            event_details={"lot": code, "channel": str(channel)},
            at=app.now(),
        )
    tags = [d.asset_tag for d in chosen]
    _record(app, session, lot, LotEventKind.DEVICES_ADDED, expected_version, devices=tags)
    return len(chosen)


def add(
    app: Sobriety,
    code: str,
    asset_tags: Sequence[str],
    *,
    on: dt.date | None = None,
    expected_version: int | None = None,
    session: Session | None = None,
) -> int:
    """Add devices to an open lot; all or nothing, every refusal listed. Returns how many.

    ``expected_version``: the lot's version the user read; refused (StaleRecord) if
    someone changed the lot since. Every lot write below takes it the same way.
    """
    day = on or app.today()
    return app.in_transaction(
        session, lambda s: _add(app, s, code, asset_tags, day, expected_version)
    )


def remove(
    app: Sobriety,
    code: str,
    asset_tags: Sequence[str],
    *,
    reason: str | None = None,
    expected_version: int | None = None,
    session: Session | None = None,
) -> int:
    """Take devices out of an open lot (they keep their decided channel). Returns how many."""
    from sobriety.storage import devices as store

    def write(s: Session) -> int:
        lot = _open(s, code, expected_version)
        problems: list[str] = []
        chosen: list[Device] = []
        for d in _named_devices(s, asset_tags, problems):
            if d.lot_id != lot.id:
                problems.append(_("{tag}: not in lot {code}").format(tag=d.asset_tag, code=code))
            chosen.append(d)
        if problems:
            raise ReuseError(_("cannot remove from lot {code}:").format(code=code), problems)
        details = {"lot": code, **({"reason": reason} if reason else {})}
        for d in chosen:
            store.update_device(
                session=s,
                asset_tag=d.asset_tag,
                expected_version=d.version,
                changes={"lot_id": None},
                actor=app.actor,
                event_kind=EventKind.LOT_REMOVED,
                event_details=details,
                at=app.now(),
            )
        tags = [d.asset_tag for d in chosen]
        _record(app, s, lot, LotEventKind.DEVICES_REMOVED, expected_version, devices=tags,
                reason=reason)  # fmt: skip
        return len(chosen)

    return app.in_transaction(session, write)


def build(
    app: Sobriety,
    asset_tags: Sequence[str],
    *,
    channel: str,
    recipient_name: str,
    recipient_kind: str,
    siret: str | None = None,
    on: dt.date | None = None,
    **extra: Any,
) -> str:
    """Create a lot and put the devices in it, all or nothing (ReuseError lists why not).

    A refusal names no lot code (none exists); its ``problems`` are ``"TAG: reason"``
    per device refused, so that :func:`eligible` can offer the others.
    """
    from sobriety.domain.reuse.text import channel_name

    day = on or app.today()

    def write(s: Session) -> str:
        code = _create(
            app, s, channel=channel, recipient_name=recipient_name,
            recipient_kind=recipient_kind, siret=siret, code=None, notes=None,
            commitment_ref=None, on=day, **extra,
        )  # fmt: skip
        try:
            _add(app, s, code, list(asset_tags), day)
        except ReuseError as exc:  # rolled back: the code is not the lot's
            raise ReuseError(
                _("cannot build a lot of {channel}:").format(channel=channel_name(channel)),
                exc.problems,
            ) from exc
        return code

    return app.in_transaction(None, write)


def default_recipient_kind(app: Sobriety, channel: str | None) -> str | None:
    """The recipient kind a lot of ``channel`` goes to first under the policy
    (a transfer lot: a public body)."""
    if not channel:
        return None
    cp = app.policy.channels.get(Channel(channel))
    return str(cp.recipient_kinds[0]) if cp is not None and cp.recipient_kinds else None


def recipient_kinds(app: Sobriety, channel: str | None) -> list[str]:
    """The recipient kinds the policy allows for a lot of ``channel``."""
    if not channel:
        return []
    cp = app.policy.channels.get(Channel(channel))
    return [str(k) for k in cp.recipient_kinds] if cp is not None else []


def eligible(asset_tags: Sequence[str], exc: ReuseError) -> list[str]:
    """The devices of ``asset_tags`` that a refused :func:`build` did not refuse."""
    refused = {p.partition(": ")[0] for p in exc.problems}
    return [t for t in asset_tags if t not in refused]


# ------------------------------------------------------------------ handover
def close(
    app: Sobriety,
    code: str,
    *,
    on: dt.date | None = None,
    deed_ref: str | None = None,
    commitment_ref: str | None = None,
    expected_version: int | None = None,
    session: Session | None = None,
) -> Closed:
    """Hand the lot over: every device re-checked, marked gone, ``transferred`` recorded.

    Take-back counts as reuse only with the taker's prior commitment: closing
    such a lot needs its reference (given now or when the lot was created).
    """
    from sobriety.domain.reuse.text import channel_name
    from sobriety.storage import devices as store
    from sobriety.storage import lots as lot_store

    day = on or app.today()

    def write(s: Session) -> Closed:
        lot = _fresh(s, _get(s, code), expected_version)
        if lot.status != LotStatus.OPEN:
            raise ReuseError(_("lot {code} is already closed").format(code=code))
        policy = app.policy
        channel = Channel(lot.channel)
        leaving = lot_store.lot_devices(s, lot)
        problems: list[str] = []
        if not leaving:
            problems.append(_("the lot holds no device"))
        problems += [_in_service(d) for d in leaving if d.status not in _OUT_OF_SERVICE]
        commitment = commitment_ref or lot.commitment_ref
        cp = policy.channels.get(channel)
        if cp is not None and cp.counts_as_reuse == "with_proof" and not commitment:
            problems.append(
                _(
                    "a {channel} counts as reuse only with the taker's prior commitment to "
                    "reuse the devices (décret 2023-266 art. 2): give its reference "
                    "(--commitment)"
                ).format(channel=channel_name(channel))
            )
        problems += _problems_for(s, policy, leaving, channel, day)
        if problems:
            raise ReuseError(_("cannot close lot {code}:").format(code=code), problems)
        details = {"channel": str(channel), "lot": code, "recipient_kind": lot.recipient_kind}
        for d in leaving:
            store.update_device(
                session=s,
                asset_tag=d.asset_tag,
                expected_version=d.version,
                changes={"status": Status.GONE.value, "assignee": None},
                actor=app.actor,
                event_kind=EventKind.TRANSFERRED,
                event_details=details,
                at=app.now(),
            )
        handover = app.now(day)  # transfers are dated on the handover day
        lot_store.date_transfers(s, code=code, device_ids=[d.id for d in leaving], at=handover)
        refs: dict[str, Any] = {"deed_ref": deed_ref} if deed_ref else {}
        if commitment:
            refs["commitment_ref"] = commitment
        values = {"status": LotStatus.CLOSED.value, "closed_at": handover, **refs}
        tags = [d.asset_tag for d in leaving]
        _record(app, s, lot, LotEventKind.CLOSED, expected_version, values, devices=tags, **refs)
        return Closed(code, day, len(leaving))

    return app.in_transaction(session, write)


def record_proof(
    app: Sobriety,
    code: str,
    reference: str,
    *,
    on: dt.date | None = None,
    expected_version: int | None = None,
    session: Session | None = None,
) -> None:
    """Record the taker's proof of reuse for a lot (needed for take-back to count)."""
    from sobriety.domain.reuse.text import channel_name

    if not reference or not reference.strip():
        raise ReuseError(_("a proof of reuse needs a reference"))
    day = on or app.today()
    policy = app.policy

    def write(s: Session) -> None:
        lot = _fresh(s, _get(s, code), expected_version)
        cp = policy.channels.get(Channel(lot.channel))
        if cp is None or cp.counts_as_reuse != "with_proof":
            raise ReuseError(
                _(
                    "lot {code} is a {channel}: it needs no proof of reuse (only a sale "
                    "or a take-back does, décret 2023-266 art. 2)"
                ).format(code=code, channel=channel_name(lot.channel))
            )
        values = {"proof_of_reuse_ref": reference.strip(), "proof_date": day}
        _record(app, s, lot, LotEventKind.PROOF, expected_version, values,
                proof_of_reuse_ref=reference.strip(), proof_date=day.isoformat())  # fmt: skip

    app.in_transaction(session, write)


def update_refs(
    app: Sobriety,
    code: str,
    *,
    deed_ref: str | None = None,
    commitment_ref: str | None = None,
    expected_version: int | None = None,
    session: Session | None = None,
) -> None:
    """Record the references of the deed and of the taker's commitment (blank: kept)."""
    refs = {
        name: value.strip()
        for name, value in (("deed_ref", deed_ref), ("commitment_ref", commitment_ref))
        if value
    }
    if not refs:
        return

    def write(s: Session) -> None:
        lot = _fresh(s, _get(s, code), expected_version)
        _record(app, s, lot, LotEventKind.REFERENCES, expected_version, refs, **refs)

    app.in_transaction(session, write)


from sobriety.app.lot_reads import LotRow, history, list_lots, show  # noqa: E402, F401
from sobriety.app.slips import slip_paths, write_slip  # noqa: E402, F401 - re-exported
