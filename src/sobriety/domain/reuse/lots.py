"""Outgoing lots: recipient checks (kind, SIRET) and erasure-record checks.

Pure functions; the use cases of :mod:`sobriety.app.reuse` and
:mod:`sobriety.app.lots` call them before writing anything, and refuse with
:class:`ReuseError` (every reason listed).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from stdnum.exceptions import ValidationError
from stdnum.fr import siret as _siret

from sobriety.domain.labels import inline
from sobriety.domain.reuse.policy import Policy
from sobriety.domain.vocab import Channel, ErasureLevel, ErasureMethod, RecipientKind
from sobriety.i18n import _


class LotRuleError(ValueError):
    """A lot or erasure input that the rules refuse (message in the active language)."""


class ReuseError(ValueError):
    """A refused reuse operation (decision, erasure, lot); ``problems`` lists every reason.

    The message is in the active language; nothing was written.
    """

    def __init__(self, message: str, problems: Sequence[str] = ()) -> None:
        self.problems = list(problems)
        full = message if not problems else message + "\n" + "\n".join(f"  - {p}" for p in problems)
        super().__init__(full)


def normalise_siret(value: str | None) -> str | None:
    """The 14 digits of a SIRET, checked with its Luhn checksum (None when not given).

    Uses python-stdnum, which also knows La Poste's establishments (SIREN
    356 000 000), numbered outside the Luhn rule.
    """
    if value is None or not value.strip():
        return None
    compact = _siret.compact(value)
    try:
        return _siret.validate(compact)
    except ValidationError as exc:
        raise LotRuleError(
            _(
                "SIRET {value!r} is invalid: {why} (expected 14 digits with a valid checksum)"
            ).format(value=value, why=str(exc).rstrip("."))
        ) from exc


def parse_channel(value: Channel | str) -> Channel:
    """The reuse channel named ``value``; :class:`LotRuleError` when there is none."""
    try:
        return Channel(value)
    except ValueError as exc:
        raise LotRuleError(
            _("unknown channel {value!r} (expected one of {allowed})").format(
                value=value, allowed=", ".join(Channel)
            )
        ) from exc


def check_recipient(policy: Policy, channel: Channel | str, kind: RecipientKind | str) -> None:
    """The lot's channel must leave the organisation and accept this kind of recipient."""
    ch = parse_channel(channel)
    try:
        rk = RecipientKind(kind)
    except ValueError as exc:
        raise LotRuleError(
            _("unknown recipient kind {value!r} (expected one of {allowed})").format(
                value=kind, allowed=", ".join(RecipientKind)
            )
        ) from exc
    if ch not in policy.channels:
        raise LotRuleError(_("channel {channel} is not in the policy").format(channel=ch))
    cp = policy.channels[ch]
    if not cp.enabled:
        raise LotRuleError(_("channel {channel} is disabled by the policy").format(channel=ch))
    if not cp.external:
        raise LotRuleError(
            _("channel {channel} keeps devices in the organisation: no lot needed").format(
                channel=ch
            )
        )
    if rk not in cp.recipient_kinds:
        raise LotRuleError(
            _("a {kind} cannot receive a lot of {channel} (policy allows: {allowed})").format(
                kind=inline("recipient_kind", rk),
                channel=inline("reuse_channel", ch),
                allowed=", ".join(inline("recipient_kind", k) for k in cp.recipient_kinds),
            )
        )


def recipient_problems(
    policy: Policy,
    channel: Channel | str,
    kind: RecipientKind | str,
    name: str,
    *,
    on: dt.date,
    price_eur: float | None = None,
    supplier_contract_ref: str | None = None,
) -> list[str]:
    """What the law asks of this recipient beyond its kind (décret 2023-266 art. 2).

    A take-back goes to an eco-organisme approved for professional IT (the
    policy's ``[eco_organismes]``, with the end of their approval), or to the
    initial supplier under a contract with one (or an approved individual
    system); a price belongs to a sale only.
    """
    problems: list[str] = []
    try:
        ch, rk = Channel(channel), RecipientKind(kind)
    except ValueError:
        return problems  # check_recipient names it
    eco = policy.eco_organismes
    if ch == Channel.TAKE_BACK and rk == RecipientKind.ECO_ORGANISME and eco is not None:
        allowed = ", ".join(eco.names)
        if name.strip() and not eco.approved(name):
            problems.append(
                _(
                    "{name} is not an eco-organisme approved for professional IT "
                    "equipment (approved: {allowed})"
                ).format(name=name.strip(), allowed=allowed)
            )
        if eco.valid_until and on.isoformat() > eco.valid_until:
            problems.append(
                _(
                    "the approvals of {allowed} ended on {date}: update [eco_organismes] "
                    "in the policy file"
                ).format(allowed=allowed, date=eco.valid_until)
            )
    if (
        ch == Channel.TAKE_BACK
        and rk == RecipientKind.SUPPLIER
        and not (supplier_contract_ref or "").strip()
    ):
        problems.append(
            _(
                "the initial supplier counts only under a contract with an approved "
                "eco-organisme or an approved individual system (décret 2023-266 art. 2): "
                "give its reference"
            )
        )
    if price_eur is not None:
        if price_eur != price_eur or price_eur < 0:
            problems.append(_("a price is an amount >= 0 EUR"))
        elif ch != Channel.SELL and price_eur > 0:
            problems.append(
                _("only a sale has a price: a {channel} lot is free of charge").format(
                    channel=inline("reuse_channel", ch)
                )
            )
    return problems


def lot_code(year: int, sequence: int) -> str:
    return f"LOT-{year}-{sequence:04d}"


@dataclass(frozen=True)
class ErasureInput:
    method: str
    level: str
    tool: str | None
    operator: str | None
    date: dt.date
    verified: bool = False
    certificate_id: str | None = None
    #: The storage was encrypted from installation (recorded: it makes a
    #: cryptographic erase a purge).
    encrypted_from_install: bool = False
    #: A stored record: its id and version (optimistic locking), who verified it and when.
    id: int | None = field(default=None, compare=False)
    version: int = field(default=1, compare=False)
    verified_by: str | None = field(default=None, compare=False)
    verified_on: dt.date | None = field(default=None, compare=False)


def _storage_name(storage_type: str | None) -> str:
    return inline("storage_type", storage_type) if storage_type else _("not recorded")


def method_problems(
    policy: Policy,
    record: ErasureInput,
    *,
    category: str | None = None,
    storage_type: str | None = None,
) -> list[str]:
    """Why ``record``'s method cannot reach its level on this device, with the reason
    (NIST SP 800-88 Rev. 2, IEEE 2883, ANSSI 2023 as the policy's [erasure.methods])."""
    rule = policy.erasure.methods.get(record.method)
    if rule is None:
        return []
    method = inline("erasure_method", record.method)
    level = inline("erasure_level", record.level)
    problems: list[str] = []
    restricted = rule.storage_types is not None and storage_type != "none"
    if restricted and storage_type not in rule.storage_types:
        allowed = ", ".join(inline("storage_type", t) for t in sorted(rule.storage_types))
        if storage_type is None:
            why = _(
                "{method} is valid on {allowed} storage only and this device's storage "
                "type is not recorded: record it first"
            )
        else:
            why = _("{method} is not valid on {storage} storage (valid on {allowed} only)")
        text = why.format(method=method, storage=_storage_name(storage_type), allowed=allowed)
        if record.method == "overwrite":
            text += ": " + _(
                "on flash storage, wear levelling and spare blocks keep cells that a "
                "software overwrite never reaches; use the drive's sanitize command or "
                "a cryptographic erase"
            )
        problems.append(text)
    reachable = set(rule.levels)
    encrypted = record.encrypted_from_install
    if category is not None and category in rule.purge_when_encrypted and encrypted:
        reachable.add("purge")
    if record.level in reachable:
        if rule.purge_needs_encryption and record.level == "purge" and not encrypted:
            problems.append(
                _(
                    "a cryptographic erase is a purge only when the storage was encrypted "
                    "from installation (ANSSI 2023): record that it was, or use the drive's "
                    "sanitize command"
                )
            )
        return problems
    text = _("{method} cannot reach the {level} level (it reaches: {allowed})").format(
        method=method, level=level, allowed=", ".join(sorted(reachable))
    )
    if record.level == "purge" and rule.purge_when_encrypted and not encrypted:
        text += "; " + _(
            "a factory reset of a phone or tablet encrypted from installation is a "
            "cryptographic erase, a purge: record that it was encrypted"
        )
    problems.append(text)
    return problems


def erasure_problems(
    policy: Policy,
    record: ErasureInput,
    *,
    today: dt.date,
    acquired: dt.date | None = None,
    category: str | None = None,
    storage_type: str | None = None,
) -> list[str]:
    """Why an erasure record is refused: every reason, none when it holds.

    Unknown method or level, a method that cannot reach the level on this
    device's storage under ``policy`` (:func:`method_problems`, which says
    why), a date in the future or before the acquisition, no operator, no tool.
    """
    problems: list[str] = []
    known = True
    if record.method not in tuple(ErasureMethod):
        known = False
        problems.append(
            _("unknown erasure method {value!r} (expected one of {allowed})").format(
                value=record.method, allowed=", ".join(ErasureMethod)
            )
        )
    if record.level not in tuple(ErasureLevel):
        known = False
        problems.append(
            _("unknown erasure level {value!r} (expected one of {allowed})").format(
                value=record.level, allowed=", ".join(ErasureLevel)
            )
        )
    if known:
        problems += method_problems(policy, record, category=category, storage_type=storage_type)
    if record.date > today:
        problems.append(
            _("erasure date {date} is in the future").format(date=record.date.isoformat())
        )
    if acquired is not None and record.date < acquired:
        problems.append(
            _("erasure date {date} is before the acquisition date {acquired}").format(
                date=record.date.isoformat(), acquired=acquired.isoformat()
            )
        )
    if not (record.operator or "").strip():
        problems.append(_("the operator who erased the device is required"))
    if not (record.tool or "").strip():
        problems.append(_("the erasure tool is required"))
    return problems
