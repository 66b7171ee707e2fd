"""Outgoing lots: recipient checks (kind, SIRET) and erasure-record checks.

Pure functions; the storage layer calls them before writing anything.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from stdnum.exceptions import ValidationError
from stdnum.fr import siret as _siret

from sobriety.domain.reuse.policy import Policy
from sobriety.domain.vocab import Channel, ErasureLevel, ErasureMethod, RecipientKind
from sobriety.i18n import _


class LotRuleError(ValueError):
    """A lot or erasure input that the rules refuse (message in the active language)."""


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
            _("a {kind} cannot receive a {channel} lot (policy allows: {allowed})").format(
                kind=rk, channel=ch, allowed=", ".join(cp.recipient_kinds)
            )
        )


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


def erasure_problems(
    policy: Policy,
    record: ErasureInput,
    *,
    today: dt.date,
    acquired: dt.date | None = None,
) -> list[str]:
    """Why an erasure record is refused: every reason, none when it holds.

    Unknown method or level, a method that cannot reach the level under
    ``policy``, a date in the future or before the acquisition, no operator,
    no tool.
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
    reachable = policy.erasure.method_levels.get(record.method)
    if known and reachable is not None and record.level not in reachable:
        problems.append(
            _("method {method} cannot reach the {level} level (it reaches: {allowed})").format(
                method=record.method, level=record.level, allowed=", ".join(sorted(reachable))
            )
        )
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
