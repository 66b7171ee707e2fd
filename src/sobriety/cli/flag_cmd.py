"""``sobriety flag``: recommended reuse channels, and the technician's decision.

sobriety flag [--all | --site S | --device TAG ...] [--format table|csv|json]
sobriety flag accept TAG [TAG ...]
sobriety flag override TAG --channel C --reason "..."
sobriety flag repair-estimate TAG AMOUNT
"""

from __future__ import annotations

import csv
import json
import math
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer

from sobriety.cli import context, reuse_common
from sobriety.domain.carbon.factors import FactorSet, FactorSetError, load_factor_set
from sobriety.domain.labels import label
from sobriety.domain.reuse.explain import DeviceFlag, avoided_if_followed, avoided_table
from sobriety.domain.reuse.policy import CATEGORIES
from sobriety.domain.reuse.rules import bulk_rows
from sobriety.domain.reuse.text import (
    category_name,
    channel_name,
    counts_text,
    describe,
    render_reason,
    state_name,
)
from sobriety.domain.vocab import Channel
from sobriety.i18n import _, fmt_date, fmt_number
from sobriety.storage import decisions as reuse_store
from sobriety.storage import devices as repository
from sobriety.storage.arrays import read_columns
from sobriety.storage.models import Device, Lot, Site

app = typer.Typer(
    help=_("Recommended reuse channel per device, with reasons; accept or override it."),
    no_args_is_help=False,
)

FORMATS = ("table", "csv", "json")


def _float(x: float | None) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else x


def flag_to_dict(flag: DeviceFlag, with_sources: bool = True) -> dict[str, Any]:
    """A JSON-ready flag: codes, parameters and the rendered sentences."""

    def reason(r) -> dict[str, Any]:
        out = {"code": r.code, "effect": r.effect, "params": dict(r.params)}
        out["text"] = render_reason(r)
        if with_sources:
            out["source"] = r.source
            out["date"] = r.date
        return out

    return {
        "category": flag.category,
        "status": flag.status,
        "age_years": _float(flag.age_years),
        "value_eur": _float(flag.value_eur),
        "in_scope": flag.in_scope,
        "flagged": flag.flagged,
        "recommended": str(flag.recommended.channel) if flag.recommended else None,
        "channels": [
            {
                "channel": str(o.channel),
                "state": o.state,
                "counts_toward_target": o.counts_toward_target,
                "avoided_kgco2e": o.avoided_kgco2e,
                "reasons": [reason(r) for r in o.reasons],
            }
            for o in flag.outcomes
        ],
    }


def _factors(ctx: typer.Context) -> FactorSet | None:
    """The emission factors for avoided emissions (None, with a warning, if unusable)."""
    try:
        return load_factor_set(context.get(ctx).settings.factors_dir)
    except (FactorSetError, OSError) as exc:
        typer.secho(
            _("Avoided emissions not shown: {error}").format(error=str(exc).splitlines()[0]),
            err=True,
            fg=typer.colors.YELLOW,
        )
        return None


def _avoided(run, rows: np.ndarray, factors: FactorSet | None) -> list[dict | None]:
    if factors is None:
        return [None] * len(rows)
    cats = [CATEGORIES[int(c)] for c in run.fleet.category[rows]]
    return avoided_table(cats, run.evaluation.channels, factors)


def _selection(
    ctx: typer.Context, all_: bool, devices: list[str] | None, site: str | None
) -> tuple[str | None, list[str] | None]:
    chosen = sum(bool(x) for x in (all_, devices, site))
    if chosen > 1:
        raise context.fail(_("choose one of --all, --site or --device"))
    return site, devices or None


def _header(run: reuse_store.FlagRun, scope: str, factors: FactorSet | None) -> list[str]:
    ev = run.evaluation
    flagged = int(ev.flagged.sum())
    lines = [
        _(
            "{n} devices evaluated ({scope}) on {date}; {f} to review (retired, ageing or broken)."
        ).format(n=fmt_number(len(run)), scope=scope, date=fmt_date(ev.on), f=fmt_number(flagged))
    ]
    counts = ev.counts_by_channel()
    if counts:
        lines.append(_("Recommended channels:"))
        width = max(len(channel_name(c) if c else "-") for c in counts)
        for c, n in counts.items():
            name = channel_name(c) if c else _("none possible")
            lines.append(f"  {name:<{width}}  {fmt_number(n):>10}")
        scope_n = int((ev.flagged & ev.in_scope).sum())
        lines.append(_("{n} of them in the décret 2023-266 scope.").format(n=fmt_number(scope_n)))
        if factors is not None:
            kg = avoided_if_followed(ev, run.fleet, run.flagged_rows(), factors)
            lines.append(
                _("Following these recommendations avoids about {t} tCO2e.").format(
                    t=fmt_number(kg / 1000.0, 1)
                )
            )
    return lines


def _device_block(info: reuse_store.DeviceInfo, flag: DeviceFlag, sources: bool) -> list[str]:
    what = " ".join(x for x in (info.manufacturer, info.model) if x) or "-"
    age = "-" if flag.age_years is None else fmt_number(flag.age_years, 1)
    value = "-" if flag.value_eur is None else fmt_number(flag.value_eur)
    head = _(
        "{tag}  {category}  {what}  site {site}  {status}  {age} years  value {value} EUR"
    ).format(
        tag=info.asset_tag,
        category=category_name(info.category),
        what=what,
        site=info.site or "-",
        status=label("status", info.status),
        age=age,
        value=value,
    )
    lines = [head]
    if flag.status == "gone":
        gone = _("Gone")
        if info.reuse_channel:
            gone += ": " + channel_name(info.reuse_channel)
        return [*lines, "  " + gone]
    if info.reuse_channel:
        decided = _("Decided: {channel}").format(channel=channel_name(info.reuse_channel))
        if info.lot:
            decided += " " + _("(lot {lot})").format(lot=info.lot)
        lines.append("  " + decided)
    if sources:
        lines += ["  " + line for line in _describe_with_sources(flag)]
    else:
        lines += ["  " + line for line in describe(flag)]
    return lines


def _describe_with_sources(flag: DeviceFlag) -> list[str]:
    lines: list[str] = []
    for o in flag.outcomes:
        head = _("{label}: {value}").format(
            label=channel_name(o.channel), value=state_name(o.state)
        )
        if o.state != "ruled_out":
            head += f" ({counts_text(o.counts_toward_target)})"
        if o.avoided_kgco2e is not None:
            head += " " + _("avoids {kg} kgCO2e").format(kg=fmt_number(o.avoided_kgco2e))
        lines.append(head)
        marks = {"pass": "+", "out": "x", "block": "!", "info": "i"}
        for r in o.reasons:
            lines.append(f"  {marks[r.effect]} {render_reason(r, with_source=True)}")
    return lines


def _bulk(engine, run: reuse_store.FlagRun, rows: np.ndarray) -> list[dict[str, Any]]:
    """Rows for CSV/JSON of many devices (codes, no per-device explanation)."""
    codes = bulk_rows(run.evaluation, rows)
    ids = run.ids[rows]
    extra = read_columns(
        engine,
        [
            "id",
            "asset_tag",
            "manufacturer",
            "model",
            "site_id",
            "status",
            "reuse_channel",
            "lot_id",
        ],
        where=Device.id.in_(ids.tolist()) if len(ids) < 50_000 else None,
    )
    pos = np.searchsorted(extra["id"].astype(np.int64), ids)
    sites = read_columns(engine, ["id", "code"], table=Site.__table__)
    site_code = dict(zip(sites["id"].tolist(), sites["code"].tolist(), strict=True))
    lots = read_columns(engine, ["id", "code"], table=Lot.__table__)
    lot_code = dict(zip(lots["id"].tolist(), lots["code"].tolist(), strict=True))
    cats = run.fleet.category[rows]
    out = []
    for j, p in enumerate(pos.tolist()):
        site_id = extra["site_id"][p]
        lot_id = extra["lot_id"][p]
        out.append(
            {
                "asset_tag": extra["asset_tag"][p],
                "category": CATEGORIES[int(cats[j])],
                "manufacturer": extra["manufacturer"][p],
                "model": extra["model"][p],
                "site": None if site_id != site_id else site_code.get(int(site_id)),
                "status": extra["status"][p],
                "age_years": _float(codes["age_years"][j]),
                "value_eur": _float(codes["value_eur"][j]),
                "in_scope": codes["in_scope"][j],
                "recommended": codes["recommended"][j],
                "counts_toward_target": codes["counts_toward_target"][j],
                "to_do": codes["to_do"][j],
                "alternatives": codes["alternatives"][j],
                "decided": extra["reuse_channel"][p],
                "lot": None if lot_id != lot_id else lot_code.get(int(lot_id)),
            }
        )
    return out


def _write(output: Path | None, text_writer) -> None:
    if output is None:
        text_writer(sys.stdout)
        return
    with output.open("w", encoding="utf-8", newline="") as fh:
        text_writer(fh)


@app.callback(invoke_without_command=True)
def flag(
    ctx: typer.Context,
    all_: Annotated[bool, typer.Option("--all", help=_("Every device (the default)."))] = False,
    device: Annotated[
        list[str] | None,
        typer.Option("--device", "-d", help=_("One device by asset tag (repeatable).")),
    ] = None,
    site: Annotated[
        str | None, typer.Option("--site", "-s", help=_("The devices of one site (code)."))
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help=_("table, csv or json."))] = "table",
    limit: Annotated[
        int, typer.Option("--limit", "-n", help=_("Devices explained in the table (0: all)."))
    ] = 20,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help=_("Write CSV/JSON here."))
    ] = None,
    sources: Annotated[
        bool, typer.Option("--sources", help=_("Show every rule with its source and date."))
    ] = False,
    explain_rows: Annotated[
        bool, typer.Option("--explain", help=_("CSV/JSON: add the plain-language reasons."))
    ] = False,
    on: Annotated[str | None, typer.Option("--date", help=_("Evaluate as of this date."))] = None,
) -> None:
    """List the devices to review with their recommended channel and why."""
    if ctx.invoked_subcommand is not None:
        return
    if fmt not in FORMATS:
        raise context.fail(
            _("--format: {value!r} is not one of {allowed}").format(
                value=fmt, allowed=", ".join(FORMATS)
            )
        )
    site, tags = _selection(ctx, all_, device, site)
    policy = reuse_common.policy(ctx)
    day = reuse_common.parse_day(on, "--date")
    engine = context.get(ctx).engine
    # Emission factors load (pure Python) while SQLite scans the fleet (GIL released).
    with ThreadPoolExecutor(max_workers=1) as pool:
        factors_future = pool.submit(_factors, ctx)
        try:
            run = reuse_store.flag_fleet(engine, policy, on=day, site=site, asset_tags=tags)
        except repository.NotFoundError as exc:
            raise context.fail(str(exc)) from exc
        factors = factors_future.result()
    ev = run.evaluation
    # One device asked by tag: show it whatever its status.
    rows = np.arange(len(run)) if tags else run.flagged_rows()
    scope = (
        _("site {site}").format(site=site)
        if site
        else (_("{n} asked").format(n=len(tags)) if tags else _("whole fleet"))
    )
    if fmt == "table":
        lines = [] if tags else _header(run, scope, factors)
        shown = rows if (limit <= 0 or tags) else rows[:limit]
        infos = reuse_store.device_infos(engine, run.ids[shown].tolist())
        avoided = _avoided(run, shown, factors)
        for info, row, av in zip(infos, shown, avoided, strict=True):
            lines.append("")
            lines += _device_block(info, run.explain(int(row), av), sources or bool(tags))
        if not tags and len(shown) < len(rows):
            lines.append("")
            lines.append(
                _(
                    "{shown} of {total} shown: --limit 0 shows all, --format csv exports them."
                ).format(shown=fmt_number(len(shown)), total=fmt_number(len(rows)))
            )
        typer.echo("\n".join(lines))
        return
    records = _bulk(engine, run, rows)
    if explain_rows or tags:
        avoided = _avoided(run, rows, factors)
        for rec, row, av in zip(records, rows, avoided, strict=True):
            flag_obj = run.explain(int(row), av)
            if fmt == "json":
                rec["flag"] = flag_to_dict(flag_obj)
            else:
                rec["reasons"] = " | ".join(describe(flag_obj))
    if fmt == "json":
        payload = {
            "date": ev.on.isoformat(),
            "policy": policy.path,
            "evaluated": len(run),
            "flagged": int(ev.flagged.sum()),
            "by_channel": {str(k): v for k, v in ev.counts_by_channel().items()},
            "devices": records,
        }
        _write(output, lambda fh: json.dump(payload, fh, ensure_ascii=False, indent=1))
        return

    def write_csv(fh) -> None:
        fields = list(records[0]) if records else ["asset_tag", "recommended"]
        w = csv.DictWriter(fh, fieldnames=fields)
        w.writeheader()
        for rec in records:
            w.writerow({k: "|".join(v) if isinstance(v, list) else v for k, v in rec.items()})

    _write(output, write_csv)


@app.command(help=_("Accept the recommended channel for each device (recorded in its history)."))
def accept(
    ctx: typer.Context,
    tags: Annotated[
        list[str], typer.Argument(help=_("Asset tags whose recommendation is accepted."))
    ],
    on: Annotated[
        str | None, typer.Option("--date", help=_("Decision date (default today)."))
    ] = None,
) -> None:
    policy = reuse_common.policy(ctx)
    day = reuse_common.parse_day(on, "--date")
    engine = context.get(ctx).engine
    with reuse_common.writing(engine) as session:
        results = [
            reuse_store.accept(
                session=session, policy=policy, asset_tag=t, actor=reuse_common.actor(ctx), on=day
            )
            for t in tags
        ]
    for device, flag_obj in results:
        rec = flag_obj.recommended
        line = _("{tag}: {channel} accepted").format(
            tag=device.asset_tag, channel=channel_name(rec.channel)
        )
        typer.echo(line)
        for r in rec.blockers:
            typer.echo("  ! " + _("to do: {what}").format(what=render_reason(r)))


@app.command(help=_("Choose another channel than the recommended one, with a reason."))
def override(
    ctx: typer.Context,
    tag: Annotated[str, typer.Argument(help=_("Asset tag."))],
    channel: Annotated[str, typer.Option("--channel", "-c", help=_("The channel chosen instead."))],
    reason: Annotated[
        str, typer.Option("--reason", "-r", help=_("Why (recorded in the history)."))
    ],
    on: Annotated[
        str | None, typer.Option("--date", help=_("Decision date (default today)."))
    ] = None,
) -> None:
    if channel not in tuple(Channel):
        raise context.fail(
            _("--channel: {value!r} is not one of {allowed}").format(
                value=channel, allowed=", ".join(Channel)
            )
        )
    policy = reuse_common.policy(ctx)
    day = reuse_common.parse_day(on, "--date")
    engine = context.get(ctx).engine
    with reuse_common.writing(engine) as session:
        device, flag_obj = reuse_store.override(
            session=session,
            policy=policy,
            asset_tag=tag,
            channel=channel,
            reason=reason,
            actor=reuse_common.actor(ctx),
            on=day,
        )
    rec = flag_obj.recommended
    typer.echo(
        _("{tag}: {channel} chosen instead of {recommended}").format(
            tag=device.asset_tag,
            channel=channel_name(channel),
            recommended=channel_name(rec.channel) if rec else "-",
        )
    )
    for r in flag_obj.outcome(Channel(channel)).blockers:
        typer.echo("  ! " + _("to do: {what}").format(what=render_reason(r)))


@app.command("repair-estimate", help=_("Record the estimated cost of repairing a broken device."))
def repair_estimate(
    ctx: typer.Context,
    tag: Annotated[str, typer.Argument(help=_("Asset tag."))],
    amount: Annotated[float, typer.Argument(help=_("Estimated repair cost in EUR (excl. VAT)."))],
) -> None:
    engine = context.get(ctx).engine
    with reuse_common.writing(engine) as session:
        reuse_store.set_repair_estimate(
            session=session, asset_tag=tag, amount_eur=amount, actor=reuse_common.actor(ctx)
        )
    typer.echo(
        _("{tag}: repair estimate {amount} EUR").format(tag=tag, amount=fmt_number(amount, 2))
    )
