"""The reuse queue's data and writes, UI-free (safe in thread workers).

Reads the flagged devices with :func:`sobriety.storage.decisions.flag_fleet`
(the engine of ``sobriety flag``) and writes through the same store functions
as ``sobriety flag accept|override`` and ``sobriety lot ...``. Refusals come
back per device: ``{asset tag: [reasons]}`` (``""`` for the lot itself).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sqlalchemy import Engine

from sobriety.domain.reuse.policy import CATEGORIES, Policy
from sobriety.domain.reuse.rules import bulk_rows
from sobriety.domain.vocab import Channel
from sobriety.storage import db
from sobriety.storage import decisions as reuse_store
from sobriety.storage import lots as lot_store
from sobriety.storage.decisions import ReuseError

Refusals = dict[str, list[str]]


@dataclass(frozen=True)
class QueueRow:
    asset_tag: str
    category: str
    what: str  # manufacturer and model
    site: str | None
    status: str
    recommended: str | None
    decided: str | None
    lot: str | None
    to_do: tuple[str, ...]
    in_scope: bool
    alternatives: tuple[str, ...]


@dataclass(frozen=True)
class LotRow:
    code: str
    channel: str
    recipient: str
    kind: str
    siret: str | None
    status: str
    devices: int


def load_queue(engine: Engine, policy: Policy, on: dt.date) -> list[QueueRow]:
    """Flagged devices (retired, ageing, broken), by recommended channel in policy order."""
    run = reuse_store.flag_fleet(engine, policy, on=on)
    rows = run.flagged_rows()
    if not len(rows):
        return []
    codes = bulk_rows(run.evaluation, rows)
    infos = {i.id: i for i in reuse_store.device_infos(engine, run.ids[rows].tolist())}
    out = []
    cats = run.fleet.category[rows]
    for j, device_id in enumerate(run.ids[rows].tolist()):
        info = infos.get(int(device_id))
        if info is None or info.status == "gone":
            continue
        out.append(
            QueueRow(
                asset_tag=info.asset_tag,
                category=CATEGORIES[int(cats[j])],
                what=" ".join(x for x in (info.manufacturer, info.model) if x),
                site=info.site,
                status=info.status,
                recommended=codes["recommended"][j],
                decided=info.reuse_channel,
                lot=info.lot,
                to_do=tuple(codes["to_do"][j]),
                in_scope=bool(codes["in_scope"][j]),
                alternatives=tuple(codes["alternatives"][j]),
            )
        )
    order = {str(c): i for i, c in enumerate(policy.order)}
    out.sort(key=lambda r: (order.get(r.recommended or "", len(order)), r.asset_tag))
    return out


def split_problems(problems: Sequence[str]) -> Refusals:
    """``["TAG: reason", "lot-level problem"]`` -> ``{"TAG": [reason], "": [...]}``."""
    out: Refusals = {}
    for p in problems:
        tag, sep, reason = p.partition(": ")
        if sep and " " not in tag:
            out.setdefault(tag, []).append(reason)
        else:
            out.setdefault("", []).append(p)
    return out


def decide_many(
    engine: Engine,
    policy: Policy,
    tags: Sequence[str],
    *,
    actor: str | None,
    on: dt.date,
    channel: str | None = None,
    reason: str | None = None,
) -> tuple[list[str], Refusals]:
    """Accept (``channel`` None) or override each device, each in its own transaction.

    Returns the devices decided and the refusals with their reasons.
    """
    done: list[str] = []
    refused: Refusals = {}
    for tag in tags:
        try:
            with db.session_scope(engine) as session:
                if channel is None:
                    reuse_store.accept(
                        session=session, policy=policy, asset_tag=tag, actor=actor, on=on
                    )
                else:
                    reuse_store.override(
                        session=session,
                        policy=policy,
                        asset_tag=tag,
                        channel=channel,
                        reason=reason or "",
                        actor=actor,
                        on=on,
                    )
        except ReuseError as exc:
            lines = str(exc).splitlines()
            refused[tag] = [lines[0], *(p.strip() for p in exc.problems)]
            continue
        except (ValueError, LookupError) as exc:
            refused[tag] = [str(exc).splitlines()[0]]
            continue
        done.append(tag)
    return done, refused


def build_lot(
    engine: Engine,
    policy: Policy,
    tags: Sequence[str],
    *,
    recipient_name: str,
    recipient_kind: str,
    siret: str | None,
    channel: str,
    actor: str | None,
    on: dt.date,
) -> str:
    """Create a lot and put the devices in it, all or nothing (ReuseError lists why not)."""
    with db.session_scope(engine) as session:
        lot = lot_store.create_lot(
            session=session,
            policy=policy,
            channel=Channel(channel),
            recipient_name=recipient_name,
            recipient_kind=recipient_kind,
            siret=siret,
            today=on,
        )
        lot_store.add_to_lot(
            session=session, policy=policy, code=lot.code, asset_tags=list(tags), actor=actor, on=on
        )
        return lot.code


def list_lots(engine: Engine) -> list[LotRow]:
    with db.session_scope(engine) as session:
        return [
            LotRow(
                lot.code,
                lot.channel,
                lot.recipient_name,
                lot.recipient_kind,
                lot.recipient_siret,
                lot.status,
                n,
            )
            for lot, n in lot_store.list_lots(session)
        ]


def close_lot(
    engine: Engine,
    policy: Policy,
    code: str,
    *,
    actor: str | None,
    on: dt.date,
    deed_ref: str | None = None,
    commitment_ref: str | None = None,
) -> int:
    """Hand the lot over (devices marked gone, transfers recorded); returns the device count."""
    with db.session_scope(engine) as session:
        lot = lot_store.close_lot(
            session=session,
            policy=policy,
            code=code,
            actor=actor,
            on=on,
            deed_ref=deed_ref,
            commitment_ref=commitment_ref,
        )
        return len(lot_store.lot_view(session, lot.code).devices)


def slip_paths(target: str | Path, code: str) -> tuple[Path, Path]:
    """The PDF and CSV files for ``target``: a folder (``CODE.pdf``; an existing one, or
    a name ending with "/") or a file name (``FILE.pdf``, ``FILE.csv``)."""
    folder = str(target).endswith(("/", "\\"))
    target = Path(target).expanduser()
    if folder or target.is_dir():
        stem = target / code
    else:
        stem = target.with_suffix("") if target.suffix.lower() in (".pdf", ".csv") else target
    return stem.with_suffix(".pdf"), stem.with_suffix(".csv")


def write_slip(engine: Engine, policy: Policy, code: str, target: str | Path) -> tuple[Path, Path]:
    """Write the lot's slip (PDF and CSV, ready to sign); returns both paths."""
    from sobriety.reports.slip import write_slip_csv, write_slip_pdf

    with db.session_scope(engine) as session:
        view = lot_store.lot_view(session, code)
    pdf, csv = slip_paths(target, code)
    pdf.parent.mkdir(parents=True, exist_ok=True)
    write_slip_pdf(view, pdf, policy)
    write_slip_csv(view, csv, policy)
    return pdf, csv


def channel_counts(rows: Sequence[QueueRow]) -> dict[str | None, int]:
    """Flagged devices per recommended channel, in the rows' order."""
    out: dict[str | None, int] = {}
    for r in rows:
        out[r.recommended] = out.get(r.recommended, 0) + 1
    return out


def most_common_channel(rows: Sequence[QueueRow]) -> str | None:
    """The channel most of these devices are decided for (else recommended)."""
    chosen = [r.decided or r.recommended for r in rows if (r.decided or r.recommended)]
    if not chosen:
        return None
    values, counts = np.unique(np.array(chosen, dtype=object).astype(str), return_counts=True)
    return str(values[int(np.argmax(counts))])
