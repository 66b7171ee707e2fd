"""Use cases of data-erasure records: record one (checked), list them, verify one.

An erasure record is written with its device's ``erased`` history event, through
the device's version check. Verifying a record later (the result checked, often
by a second person) changes the record itself: it goes through the record's own
version (:func:`sobriety.storage.versions.change_erasure`), so two technicians
verifying or correcting the same record at once cannot both succeed; the device's
history gets an ``erasure_verified`` event. An erasure that was not verified opens
no outgoing channel when the policy asks for verified erasures.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sobriety.domain.reuse.lots import ErasureInput, ReuseError
from sobriety.domain.vocab import EventKind
from sobriety.i18n import _, fmt_date

if TYPE_CHECKING:
    from sqlmodel import Session

    from sobriety.app.context import Sobriety
    from sobriety.storage.models import Device


def _held(session: Session, asset_tag: str) -> Device:
    from sobriety.app.reuse import _held as held

    return held(session, asset_tag)


def _record_erasure(
    app: Sobriety,
    session: Session,
    asset_tag: str,
    record: ErasureInput,
    expected_version: int | None,
) -> Device:
    from sobriety.domain.reuse.lots import erasure_problems
    from sobriety.storage import devices
    from sobriety.storage.decisions import add_erasure

    device = _held(session, asset_tag)
    problems = erasure_problems(
        app.policy,
        record,
        today=app.today(),
        acquired=device.acquisition_date,
        category=device.category,
        storage_type=device.storage_type,
    )
    if problems:
        raise ReuseError(_("erasure of {tag} not recorded:").format(tag=asset_tag), problems)
    details = {
        "method": record.method,
        "level": record.level,
        "tool": record.tool,
        "operator": record.operator,
        "date": record.date.isoformat(),
        "verified": record.verified,
        "certificate_id": record.certificate_id,
        "encrypted_from_install": record.encrypted_from_install or None,
    }
    device = devices.update_device(
        session=session,
        asset_tag=asset_tag,
        expected_version=device.version if expected_version is None else expected_version,
        changes={},
        actor=app.actor,
        event_kind=EventKind.ERASED,
        event_details={k: v for k, v in details.items() if v is not None},
        at=app.now(),
    )
    add_erasure(session, device.id, record)
    return device


def record_erasure(
    app: Sobriety,
    asset_tag: str,
    record: ErasureInput,
    *,
    expected_version: int | None = None,
    session: Session | None = None,
) -> int:
    """Store an erasure record and its ``erased`` history event, after checking it.

    A refused record raises :class:`ReuseError` listing every reason in
    ``problems`` (:func:`sobriety.domain.reuse.lots.erasure_problems`: method
    and level under the policy, dates against today and the acquisition,
    operator and tool). Returns the device's new version.
    """
    return app.in_transaction(
        session, lambda s: _record_erasure(app, s, asset_tag, record, expected_version)
    ).version


def erasures(app: Sobriety, asset_tag: str) -> list[ErasureInput]:
    """The erasure records of a device, oldest first."""
    from sobriety.storage import devices
    from sobriety.storage.decisions import erasure_records

    def read(s: Session) -> list[ErasureInput]:
        return erasure_records(s, devices.get_device(session=s, asset_tag=asset_tag).id)

    return app.in_transaction(None, read)


def erasure_record(values: dict[str, Any]) -> ErasureInput:
    """The erasure record entered in an erasure form (``method``, ``level``, ``date``...)."""
    return ErasureInput(
        method=values["method"],
        level=values["level"],
        tool=values.get("tool"),
        operator=values.get("operator"),
        date=values["date"],
        verified=bool(values.get("verified")),
        certificate_id=values.get("certificate_id"),
        encrypted_from_install=bool(values.get("encrypted_from_install")),
    )


def verify_erasure(
    app: Sobriety,
    asset_tag: str,
    *,
    verified_by: str,
    erasure_id: int | None = None,
    expected_version: int | None = None,
    certificate_id: str | None = None,
    on: dt.date | None = None,
    session: Session | None = None,
) -> ErasureInput:
    """Mark an erasure record of the device verified (by ``verified_by``, on ``on``).

    ``erasure_id`` picks the record (default: the device's latest one not yet
    verified); ``expected_version`` is the record's version the user read: a
    record changed since is refused with who changed it, and when (StaleRecord).
    Returns the record as stored.
    """
    from sobriety.storage import devices, versions
    from sobriety.storage.decisions import erasure_records

    who = (verified_by or "").strip()
    if not who:
        raise ReuseError(_("a verification needs the name of who verified it (--by)"))
    day = on or app.today()

    def write(s: Session) -> ErasureInput:
        device = devices.get_device(session=s, asset_tag=asset_tag)
        records = erasure_records(s, device.id)
        if erasure_id is not None:
            chosen = [r for r in records if r.id == erasure_id]
            if not chosen:
                raise ReuseError(
                    _("{tag} has no erasure record #{id}").format(
                        tag=device.asset_tag, id=erasure_id
                    )
                )
            record = chosen[0]
        else:
            pending = [r for r in records if not r.verified]
            if not records:
                raise ReuseError(_("{tag}: no erasure recorded").format(tag=device.asset_tag))
            if not pending:
                last = records[-1]
                raise ReuseError(
                    _("the erasure of {tag} of {date} is already verified ({by}, {on})").format(
                        tag=device.asset_tag,
                        date=fmt_date(last.date),
                        by=last.verified_by or "-",
                        on=fmt_date(last.verified_on),
                    )
                )
            record = pending[-1]
        if day < record.date:
            raise ReuseError(
                _("the verification ({day}) cannot come before the erasure ({date})").format(
                    day=fmt_date(day), date=fmt_date(record.date)
                )
            )
        expected = record.version if expected_version is None else expected_version
        if record.verified and expected == record.version:
            raise ReuseError(
                _("the erasure of {tag} of {date} is already verified ({by}, {on})").format(
                    tag=device.asset_tag,
                    date=fmt_date(record.date),
                    by=record.verified_by or "-",
                    on=fmt_date(record.verified_on),
                )
            )
        values: dict[str, Any] = {"verified": True, "verified_by": who, "verified_on": day}
        if certificate_id:
            values["certificate_id"] = certificate_id.strip()
        key = f"{device.asset_tag} ({fmt_date(record.date)})"
        assert record.id is not None
        versions.change_erasure(
            s, record.id, expected_version=expected, actor=app.actor, values=values, key=key,
            at=app.now(),
        )  # fmt: skip
        devices.update_device(
            session=s,
            asset_tag=device.asset_tag,
            expected_version=device.version,
            changes={},
            actor=app.actor,
            event_kind=EventKind.ERASURE_VERIFIED,
            event_details={
                "erasure_date": record.date.isoformat(),
                "verified_by": who,
                "verified_on": day.isoformat(),
                **({"certificate_id": values["certificate_id"]} if certificate_id else {}),
            },
            at=app.now(),
        )
        (stored,) = [r for r in erasure_records(s, device.id) if r.id == record.id]
        return stored

    return app.in_transaction(session, write)
