"""Use cases of the reuse channels: flags, decisions, erasures, the reuse queue and rate.

Each function takes the application object and plain arguments and returns
plain results. The policy is the application's (the user's file or the
shipped one, reloaded when it changes), the date and the time its clock
(``app.today()``, ``app.now()``). A refusal raises :class:`ReuseError` (in the
active language) listing every reason, and nothing is written; an unknown
device raises :class:`NotFoundError`, a device changed meanwhile
:class:`ConflictError`. Writes run in ``session`` when one is given, else in
a transaction of their own.

Lots are in :mod:`sobriety.app.lots`, the reuse queue's rows and bulk
decisions in :mod:`sobriety.app.reuse_queue`, the JSON/CSV shapes of flags,
lots and the rate in :mod:`sobriety.app.reuse_output`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sobriety.domain.reuse.lots import ErasureInput, LotRuleError, ReuseError
from sobriety.domain.reuse.policy import PolicyError
from sobriety.domain.vocab import Channel, EventKind, Status
from sobriety.i18n import _
from sobriety.storage.decisions import DeviceInfo
from sobriety.storage.devices import ConflictError, NotFoundError

if TYPE_CHECKING:
    import numpy as np
    from sqlmodel import Session

    from sobriety.app.context import Sobriety
    from sobriety.domain.carbon.factors import FactorSet
    from sobriety.domain.reuse.explain import DeviceFlag, Reason
    from sobriety.domain.reuse.policy import Policy
    from sobriety.domain.reuse.rate import ReuseRate
    from sobriety.domain.reuse.rules import Evaluation, ReuseFleet
    from sobriety.storage.models import Device

__all__ = [
    "ConflictError",
    "DeviceInfo",
    "ErasureInput",
    "LotRuleError",
    "NotFoundError",
    "PolicyError",
    "ReuseError",
]


# ------------------------------------------------------------------ flags
@dataclass
class FlagRun:
    """The evaluation of a set of devices (``ids`` aligned with the fleet rows).

    ``factors`` holds the emission factors for avoided emissions when they were
    asked for and usable; otherwise ``factor_error`` says why they are missing.
    """

    ids: np.ndarray
    fleet: ReuseFleet
    evaluation: Evaluation
    factors: FactorSet | None = None
    factor_error: str | None = None

    def __len__(self) -> int:
        return len(self.ids)

    def flagged_rows(self) -> np.ndarray:
        """Rows of the devices to review (retired, ageing or broken)."""
        import numpy as np

        return np.flatnonzero(self.evaluation.flagged)

    def review_order(self, rows: np.ndarray) -> np.ndarray:
        """``rows`` with the devices a technician can act on first: retired ones awaiting
        a decision, then those decided and awaiting a lot, then broken devices in use,
        then ageing ones to move on, and last the in-use devices recommended to keep."""
        import numpy as np

        from sobriety.domain.reuse.rules import CONDITION_CODE, STATUS_CODE
        from sobriety.domain.vocab import Condition

        rows = np.asarray(rows, dtype=np.int64)
        ev = self.evaluation
        status = self.fleet.status[rows]
        keep = [i for i, c in enumerate(ev.channels) if c == Channel.KEEP]
        kept = np.isin(ev.recommended[rows], keep)
        rank = np.full(len(rows), 3, dtype=np.int8)
        rank[kept] = 4
        rank[self.fleet.condition[rows] == CONDITION_CODE[Condition.BROKEN]] = 2
        rank[status == STATUS_CODE[Status.IN_REUSE_CHANNEL]] = 1
        rank[status == STATUS_CODE[Status.RETIRED]] = 0
        return rows[np.lexsort((rows, rank))]

    def rows(self, every: bool = False) -> np.ndarray:
        """Every row (``every``), else the flagged ones."""
        import numpy as np

        return np.arange(len(self)) if every else self.flagged_rows()

    def row_of(self, device_id: int) -> int:
        import numpy as np

        pos = int(np.searchsorted(self.ids, device_id))
        if pos >= len(self.ids) or self.ids[pos] != device_id:
            raise NotFoundError(f"device id {device_id} not in this run")
        return pos

    def avoided(self, rows: np.ndarray) -> list[dict[Channel, float] | None]:
        """kgCO2e each channel would avoid, per row (None without factors)."""
        if self.factors is None:
            return [None] * len(rows)
        from sobriety.domain.reuse.explain import avoided_table
        from sobriety.domain.reuse.policy import CATEGORIES

        cats = [CATEGORIES[int(c)] for c in self.fleet.category[rows]]
        return avoided_table(cats, self.evaluation.channels, self.factors)

    def explain(self, row: int, avoided_kgco2e: dict[Channel, float] | None = None) -> DeviceFlag:
        from sobriety.domain.reuse.explain import explain

        return explain(self.evaluation, self.fleet, row, avoided_kgco2e)

    def explained(self, rows: np.ndarray) -> list[DeviceFlag]:
        """The flags of ``rows``, with the avoided emissions when the factors are known."""
        return [self.explain(int(r), av) for r, av in zip(rows, self.avoided(rows), strict=True)]

    def summary(self) -> FlagSummary:
        ev = self.evaluation
        avoided = None
        if self.factors is not None:
            from sobriety.domain.reuse.explain import avoided_if_followed

            avoided = avoided_if_followed(ev, self.fleet, self.flagged_rows(), self.factors)
        return FlagSummary(
            on=ev.on,
            policy=ev.policy.path,
            evaluated=len(self),
            flagged=int(ev.flagged.sum()),
            by_channel=ev.counts_by_channel(),
            in_scope=int((ev.flagged & ev.in_scope).sum()),
            avoided_kgco2e=avoided,
        )


@dataclass(frozen=True)
class FlagSummary:
    """Figures of a flag run: devices evaluated, to review, per recommended channel."""

    on: dt.date
    policy: str | None
    evaluated: int
    flagged: int
    #: Flagged devices per recommended channel (None: no channel possible), policy order.
    by_channel: dict[Channel | None, int]
    #: Flagged devices in the décret 2023-266 scope.
    in_scope: int
    #: kgCO2e avoided if every recommendation is followed (None: factors not loaded).
    avoided_kgco2e: float | None


def _factors(app: Sobriety) -> tuple[FactorSet | None, str | None]:
    from sobriety.app.context import SettingError

    try:
        return app.factors, None
    except (SettingError, OSError) as exc:
        return None, str(exc).splitlines()[0]


def flag_fleet(
    app: Sobriety,
    *,
    on: dt.date | None = None,
    site: str | None = None,
    asset_tags: Sequence[str] | None = None,
    avoided: bool = False,
) -> FlagRun:
    """Evaluate every device (or a site's, or the given tags) against the policy on ``on``.

    With ``avoided``, the emission factors load while the fleet is read (SQLite
    releases the GIL), for the avoided emissions of each channel.
    """
    from concurrent.futures import ThreadPoolExecutor

    from sobriety.domain.reuse.rules import evaluate
    from sobriety.storage import decisions as store

    policy = app.policy
    with ThreadPoolExecutor(max_workers=1) as pool:
        loading = pool.submit(_factors, app) if avoided else None
        ids, fleet = store.read_fleet_for(app.engine, site=site, asset_tags=asset_tags)
        if asset_tags is not None:
            missing = set(asset_tags) - set(store.tags_of(app.engine, ids))
            if missing:
                raise NotFoundError(
                    _("no device with asset tag {tags}").format(tags=", ".join(sorted(missing)))
                )
        factors, error = loading.result() if loading is not None else (None, None)
    # the need rules compare with the whole organisation's stock, not the devices asked
    stock = None if site is None and asset_tags is None else store.ready_stock(app.engine)
    asked = store.open_requests(app.engine)
    ev = evaluate(fleet, policy, on or app.today(), stock=stock, requests=asked)
    return FlagRun(ids=ids, fleet=fleet, evaluation=ev, factors=factors, factor_error=error)


def _flag_in(session: Session, policy: Policy, device: Device, on: dt.date) -> DeviceFlag:
    from sobriety.domain.reuse.explain import explain
    from sobriety.domain.reuse.rules import evaluate
    from sobriety.storage.decisions import fleet_of, open_requests, ready_stock

    fleet = fleet_of(session, [device])
    ev = evaluate(fleet, policy, on, stock=ready_stock(session), requests=open_requests(session))
    return explain(ev, fleet, 0)


def flag_device(
    app: Sobriety, asset_tag: str, *, on: dt.date | None = None, session: Session | None = None
) -> DeviceFlag:
    """The flag of one device under the policy: every channel with its reasons."""
    from sobriety.storage import devices

    policy = app.policy

    def read(s: Session) -> DeviceFlag:
        device = devices.get_device(session=s, asset_tag=asset_tag)
        return _flag_in(s, policy, device, on or app.today())

    if session is not None:
        return read(session)
    from sqlmodel import Session as _Session

    with _Session(app.engine) as s:
        return read(s)


def device_infos(app: Sobriety, run: FlagRun, rows: np.ndarray) -> list[DeviceInfo]:
    """Display fields of the devices of ``rows`` (in that order)."""
    from sobriety.storage.decisions import device_infos as read

    return read(app.engine, run.ids[rows].tolist())


# ------------------------------------------------------------------ decisions
@dataclass(frozen=True)
class Decision:
    """A recorded decision: the channel chosen and what still blocks it."""

    asset_tag: str
    channel: str
    #: The recommended channel when the decision was taken (None: none possible).
    recommended: str | None
    #: What is still to do before the device can leave through ``channel``.
    to_do: tuple[Reason, ...]
    version: int
    #: The device was already decided for ``channel``: nothing was written.
    already: bool = False


def _held(session: Session, asset_tag: str) -> Device:
    from sobriety.storage import devices

    device = devices.get_device(session=session, asset_tag=asset_tag)
    if device.status == Status.GONE:
        raise ReuseError(_("device {tag} is already gone").format(tag=asset_tag))
    return device


def leave_service(
    app: Sobriety, session: Session, device: Device, *, on: dt.date, reason: str
) -> dict[str, Any]:
    """Changes of a device bound for a channel outside the organisation.

    A device still in use is retired on ``on`` (a ``retired`` event with
    ``reason`` is recorded, dated that day); an already retired one keeps its
    recorded retirement date (none is made up when it is unknown).
    """
    from sobriety.domain.reuse.rules import ACTIVE_STATUSES
    from sobriety.storage import devices

    changes: dict[str, Any] = {"status": Status.IN_REUSE_CHANNEL.value}
    if device.status in ACTIVE_STATUSES:
        devices.add_event(
            session=session,
            device_id=device.id,
            kind=EventKind.RETIRED,
            actor=app.actor,
            details={"reason": reason},
            date=app.now(on),
        )
        if device.retirement_date is None:
            changes["retirement_date"] = on
    return changes


def _decide(
    app: Sobriety,
    session: Session,
    policy: Policy,
    device: Device,
    *,
    channel: Channel,
    kind: EventKind,
    details: dict[str, Any],
    on: dt.date,
    expected_version: int | None,
) -> Device:
    from sobriety.storage import devices
    from sobriety.storage.lots import code_of_lot

    version = device.version if expected_version is None else expected_version
    if device.lot_id is not None:
        raise ReuseError(
            _("device {tag} is in lot {lot}: remove it from the lot first").format(
                tag=device.asset_tag, lot=code_of_lot(session, device.lot_id) or device.lot_id
            )
        )
    changes: dict[str, Any] = {"reuse_channel": str(channel)}
    if policy.channel(channel).external:
        reason = _("reuse channel chosen: {channel}").format(channel=channel)
        changes.update(leave_service(app, session, device, on=on, reason=reason))
    elif device.status in (Status.RETIRED, Status.IN_REUSE_CHANNEL):
        changes["status"] = Status.IN_STOCK.value
    return devices.update_device(
        session=session,
        asset_tag=device.asset_tag,
        expected_version=version,
        changes=changes,
        actor=app.actor,
        event_kind=kind,
        event_details=details,
        at=app.now(),
    )


def _accept(
    app: Sobriety, session: Session, asset_tag: str, on: dt.date, expected_version: int | None
) -> tuple[Device, Decision]:
    policy = app.policy
    device = _held(session, asset_tag)
    flag = _flag_in(session, policy, device, on)
    rec = flag.recommended
    if device.lot_id is None and rec is not None and device.reuse_channel == rec.channel:
        # accepted already: say so, write nothing
        decision = Decision(
            asset_tag, str(rec.channel), str(rec.channel), rec.blockers, device.version, True
        )
        return device, decision
    if device.lot_id is not None:
        from sobriety.storage.lots import code_of_lot

        raise ReuseError(
            _("device {tag} is in lot {lot}: remove it from the lot first").format(
                tag=device.asset_tag, lot=code_of_lot(session, device.lot_id) or device.lot_id
            )
        )
    rec = flag.recommended
    if rec is None:
        raise ReuseError(
            _("no channel is possible for {tag} under the policy").format(tag=asset_tag)
        )
    device = _decide(
        app, session, policy, device,
        channel=rec.channel,
        kind=EventKind.FLAG_ACCEPTED,
        details={
            "channel": str(rec.channel),
            "to_do": [r.code for r in rec.blockers],
            "counts_toward_target": rec.counts_toward_target,
        },
        on=on,
        expected_version=expected_version,
    )  # fmt: skip
    decision = Decision(asset_tag, str(rec.channel), str(rec.channel), rec.blockers, device.version)
    return device, decision


def accept(
    app: Sobriety,
    asset_tag: str,
    *,
    on: dt.date | None = None,
    expected_version: int | None = None,
    session: Session | None = None,
) -> Decision:
    """Record the recommended channel as the technician's decision (``flag_accepted``)."""
    day = on or app.today()
    _device, decision = app.in_transaction(
        session, lambda s: _accept(app, s, asset_tag, day, expected_version)
    )
    return decision


def accept_all(
    app: Sobriety, asset_tags: Sequence[str], *, on: dt.date | None = None
) -> list[Decision]:
    """Accept the recommendation of every device in one transaction: all or nothing."""
    day = on or app.today()
    return app.in_transaction(
        None, lambda s: [_accept(app, s, t, day, None)[1] for t in asset_tags]
    )


def _override(
    app: Sobriety,
    session: Session,
    asset_tag: str,
    channel: Channel | str,
    reason: str,
    on: dt.date,
    expected_version: int | None,
) -> tuple[Device, Decision]:
    from sobriety.domain.reuse.lots import parse_channel
    from sobriety.domain.reuse.text import channel_name, render_reason

    if not reason or not reason.strip():
        raise ReuseError(_("an override needs a reason"))
    try:
        chosen = parse_channel(channel)
    except LotRuleError as exc:
        raise ReuseError(str(exc)) from exc
    policy = app.policy
    device = _held(session, asset_tag)
    flag = _flag_in(session, policy, device, on)
    if chosen not in policy.channels:
        raise ReuseError(_("channel {channel} is not in the policy").format(channel=chosen))
    outcome = flag.outcome(chosen)
    if outcome.state == "ruled_out":
        raise ReuseError(
            _("{channel} is ruled out for {tag}:").format(
                channel=channel_name(chosen), tag=asset_tag
            ),
            [render_reason(r) for r in outcome.rule_outs],
        )
    recommended = str(flag.recommended.channel) if flag.recommended else None
    device = _decide(
        app, session, policy, device,
        channel=chosen,
        kind=EventKind.FLAG_OVERRIDDEN,
        details={
            "channel": str(chosen),
            "recommended": recommended,
            "reason": reason.strip(),
            "to_do": [r.code for r in outcome.blockers],
        },
        on=on,
        expected_version=expected_version,
    )  # fmt: skip
    return device, Decision(asset_tag, str(chosen), recommended, outcome.blockers, device.version)


def override(
    app: Sobriety,
    asset_tag: str,
    channel: Channel | str,
    reason: str,
    *,
    on: dt.date | None = None,
    expected_version: int | None = None,
    session: Session | None = None,
) -> Decision:
    """Choose another channel than the recommended one, with a reason (``flag_overridden``).

    The chosen channel must not be ruled out by the policy; what blocks it
    (an erasure to do...) is recorded as still to do.
    """
    day = on or app.today()
    return app.in_transaction(
        session, lambda s: _override(app, s, asset_tag, channel, reason, day, expected_version)
    )[1]


def set_repair_estimate(
    app: Sobriety,
    asset_tag: str,
    amount_eur: float | None,
    *,
    expected_version: int | None = None,
    session: Session | None = None,
) -> int:
    """Record (or clear) the estimated repair cost compared with the repair ceiling.

    Returns the device's new version.
    """
    from sobriety.storage import devices

    if amount_eur is not None and (amount_eur != amount_eur or amount_eur < 0):
        raise ReuseError(_("a repair estimate is an amount >= 0 EUR"))

    def write(s: Session) -> int:
        device = devices.get_device(session=s, asset_tag=asset_tag)
        return devices.update_device(
            session=s,
            asset_tag=asset_tag,
            expected_version=device.version if expected_version is None else expected_version,
            changes={"repair_estimate_eur": amount_eur},
            actor=app.actor,
            at=app.now(),
        ).version

    return app.in_transaction(session, write)


#: Device actions written by :func:`decision` (checked against the reuse policy).
POLICY_ACTIONS = ("accept", "override", "erasure")


def decision(
    app: Sobriety, action: str, base: dict[str, Any], values: dict[str, Any]
) -> Callable[[Session], Device]:
    """The write of ``action`` on the device read as ``base`` (its version checked), for
    :func:`sobriety.app.inventory.save` (``apply=``).

    ``accept`` and ``override`` record a reuse decision; ``erasure`` records
    an erasure. A refusal (:class:`ReuseError`, every reason listed) or an
    invalid policy file comes back from ``save`` as a ``Refused`` outcome.
    """
    if action not in POLICY_ACTIONS:
        raise ValueError(f"unknown reuse action {action!r}; expected one of {POLICY_ACTIONS}")
    tag, version = base["asset_tag"], base.get("version")

    def apply(session: Session) -> Device:
        if action == "erasure":
            return _record_erasure(app, session, tag, erasure_record(values), version)
        if action == "accept":
            return _accept(app, session, tag, app.today(), version)[0]
        return _override(
            app, session, tag, values["channel"], values["reason"], app.today(), version
        )[0]

    return apply


# ------------------------------------------------------------------ the reuse rate
def reuse_rate(app: Sobriety, year: int | None = None) -> ReuseRate:
    """The décret 2023-266 reuse rate of ``year`` (default: this year) from the history."""
    from sobriety.domain.reuse.rate import compute_reuse_rate
    from sobriety.storage.reuse_events import read_history

    return compute_reuse_rate(read_history(app.engine), app.policy, year or app.today().year)


def check_policy(app: Sobriety, path: Any = None) -> Policy:
    """The policy file ``path`` (default: the active one) read and checked (PolicyError)."""
    from sobriety.domain.reuse.policy import resolve_policy

    return resolve_policy(path or app.policy_path)


from sobriety.app.erasures import (  # noqa: E402, F401 - re-exported
    _record_erasure,
    erasure_record,
    erasures,
    record_erasure,
    verify_erasure,
)
from sobriety.app.reuse_requests import (  # noqa: E402, F401 - re-exported
    Request,
    add_request,
    close_request,
    requests,
)
