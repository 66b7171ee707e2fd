"""Use cases of the reuse queue: the devices to review by channel, decisions in bulk.

The rows come from the same evaluation as ``sobriety flag`` (the
application's policy and day) and carry codes only; the screens label them.
Bulk decisions run one transaction per device and come back with the
refusals: ``{asset tag: [reasons]}`` (``""`` for what is not a device's).
Long work reports its progress through ``progress(text, done, total)``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sobriety.app import reuse
from sobriety.domain.vocab import Status
from sobriety.i18n import _

if TYPE_CHECKING:
    from sobriety.app.context import Sobriety

#: ``progress(text, done, total)`` (``total`` None: unknown), for a progress bar.
Progress = Callable[[str, float, "float | None"], None]
#: Refusals per device: ``{asset tag: [reasons]}`` (``""`` for what is not a device's).
Refusals = dict[str, list[str]]


@dataclass(frozen=True)
class QueueRow:
    """A device to review with its recommendation (codes: the screens label them)."""

    asset_tag: str
    category: str
    what: str  # manufacturer and model
    site: str | None
    status: str
    recommended: str | None
    #: Whether the recommended channel counts toward décret 2023-266: yes, no or with_proof
    #: (:func:`sobriety.domain.reuse.rules.counts_toward_target`, as ``sobriety flag``).
    counts_toward_target: str
    decided: str | None
    lot: str | None
    to_do: tuple[str, ...]
    in_scope: bool
    alternatives: tuple[str, ...]


def rows(
    app: Sobriety, *, on: dt.date | None = None, progress: Progress | None = None
) -> list[QueueRow]:
    """Devices to review (retired, ageing, broken) still held, by recommended channel in
    the policy's order, then by asset tag."""
    from sobriety.domain.reuse.policy import CATEGORIES
    from sobriety.domain.reuse.rules import bulk_rows

    if progress is not None:
        progress(_("Evaluating the channels of every device…"), 0, 2)
    run = reuse.flag_fleet(app, on=on)
    flagged = run.flagged_rows()
    if not len(flagged):
        return []
    if progress is not None:
        progress(_("Reading the devices to review"), 1, 2)
    codes = bulk_rows(run.evaluation, flagged)
    infos = {i.id: i for i in reuse.device_infos(app, run, flagged)}
    cats = run.fleet.category[flagged]
    out = []
    for j, device_id in enumerate(run.ids[flagged].tolist()):
        info = infos.get(int(device_id))
        if info is None or info.status == Status.GONE:
            continue
        out.append(
            QueueRow(
                asset_tag=info.asset_tag,
                category=CATEGORIES[int(cats[j])],
                what=" ".join(x for x in (info.manufacturer, info.model) if x),
                site=info.site,
                status=info.status,
                recommended=codes["recommended"][j],
                counts_toward_target=codes["counts_toward_target"][j],
                decided=info.reuse_channel,
                lot=info.lot,
                to_do=tuple(codes["to_do"][j]),
                in_scope=bool(codes["in_scope"][j]),
                alternatives=tuple(codes["alternatives"][j]),
            )
        )
    order = {str(c): i for i, c in enumerate(run.evaluation.policy.order)}
    out.sort(key=lambda r: (order.get(r.recommended or "", len(order)), r.asset_tag))
    return out


def channel_counts(rows: Sequence[QueueRow]) -> dict[str | None, int]:
    """Devices per recommended channel, in the rows' order."""
    out: dict[str | None, int] = {}
    for r in rows:
        out[r.recommended] = out.get(r.recommended, 0) + 1
    return out


def most_common_channel(rows: Sequence[QueueRow]) -> str | None:
    """The channel most of these devices are decided for (else recommended); ties: by name."""
    from collections import Counter

    counts = Counter(str(r.decided or r.recommended) for r in rows if r.decided or r.recommended)
    if not counts:
        return None
    best = max(counts.values())
    return min(c for c, n in counts.items() if n == best)


def refusal_of(exc: Exception) -> list[str]:
    """A refusal as lines: its message, then every reason."""
    lines = str(exc).splitlines()
    if isinstance(exc, reuse.ReuseError):
        return [lines[0], *(p.strip() for p in exc.problems)]
    return lines[:1]


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


def refusals(exc: Exception) -> tuple[str, Refusals]:
    """A refused lot operation as its title and the reasons per device."""
    title = str(exc).splitlines()[0]
    if isinstance(exc, reuse.ReuseError):
        return title, split_problems(exc.problems) or {"": [str(exc)]}
    return title, {"": [str(exc)]}


def decide_each(
    app: Sobriety,
    asset_tags: Sequence[str],
    *,
    channel: str | None = None,
    reason: str | None = None,
    on: dt.date | None = None,
    progress: Progress | None = None,
) -> tuple[list[str], Refusals]:
    """Accept (``channel`` None) or override each device, each in its own transaction.

    Returns the devices decided and the refusals with their reasons.
    """
    done: list[str] = []
    refused: Refusals = {}
    for k, tag in enumerate(asset_tags):
        if progress is not None:
            progress(_("Recording the decisions…"), k, len(asset_tags))
        try:
            if channel is None:
                reuse.accept(app, tag, on=on)
            else:
                reuse.override(app, tag, channel, reason or "", on=on)
        except (ValueError, LookupError, reuse.ConflictError) as exc:  # refused, unknown, changed
            refused[tag] = refusal_of(exc)
            continue
        done.append(tag)
    return done, refused
