"""``sobriety flag``: recommended reuse channels, and the technician's decision.

sobriety flag [--all | --site S | --device TAG ...] [--format table|csv|json]
sobriety flag accept TAG [TAG ...]
sobriety flag override TAG --channel C --reason "..."
sobriety flag repair-estimate TAG AMOUNT
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from sobriety.cli import context, reuse_common
from sobriety.i18n import _, fmt_date, fmt_number

if TYPE_CHECKING:
    from sobriety.app.reuse import DeviceInfo, FlagRun
    from sobriety.domain.reuse.explain import DeviceFlag

app = typer.Typer(
    help=_("Recommended reuse channel per device, with reasons; accept or override it."),
    no_args_is_help=False,
)

FORMATS = ("table", "csv", "json")


def _selection(
    all_: bool, devices: list[str] | None, site: str | None
) -> tuple[str | None, list[str] | None]:
    chosen = sum(bool(x) for x in (all_, devices, site))
    if chosen > 1:
        raise context.fail(_("choose one of --all, --site or --device"))
    return site, devices or None


def _header(run: FlagRun, scope: str) -> list[str]:
    from sobriety.domain.reuse.text import channel_name

    s = run.summary()
    lines = [
        _(
            "{n} devices evaluated ({scope}) on {date}; {f} to review (retired, ageing or broken)."
        ).format(
            n=fmt_number(s.evaluated), scope=scope, date=fmt_date(s.on), f=fmt_number(s.flagged)
        )
    ]
    if s.by_channel:
        lines.append(_("Recommended channels:"))
        width = max(len(channel_name(c) if c else "-") for c in s.by_channel)
        for c, n in s.by_channel.items():
            name = channel_name(c) if c else _("none possible")
            lines.append(f"  {name:<{width}}  {fmt_number(n):>10}")
        lines.append(
            _("{n} of them in the décret 2023-266 scope.").format(n=fmt_number(s.in_scope))
        )
        if s.avoided_kgco2e is not None:
            lines.append(
                _("Following these recommendations avoids about {t} tCO2e.").format(
                    t=fmt_number(s.avoided_kgco2e / 1000.0, 1)
                )
            )
    return lines


def _device_block(info: DeviceInfo, flag: DeviceFlag, sources: bool) -> list[str]:
    from sobriety.domain.labels import label
    from sobriety.domain.reuse.text import category_name, channel_name, describe

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
    from sobriety.domain.reuse.text import channel_name, counts_text, render_reason, state_name

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


def _write(output: Path | None, text_writer: Any) -> None:
    if output is None:
        text_writer(sys.stdout)
        return
    with output.open("w", encoding="utf-8", newline="") as fh:
        text_writer(fh)


def _to_do(reasons: Any) -> None:
    from sobriety.domain.reuse.text import render_reason

    for r in reasons:
        typer.echo("  ! " + _("to do: {what}").format(what=render_reason(r)))


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
    from sobriety.app import reuse, reuse_output

    site, tags = _selection(all_, device, site)
    day = reuse_common.parse_day(ctx, on, "--date")
    sobriety = context.app(ctx)
    # Avoided emissions: for the table, and for the explained rows of CSV/JSON.
    avoided = fmt == "table" or explain_rows or bool(tags)
    with reuse_common.refusals():
        run = reuse.flag_fleet(sobriety, on=day, site=site, asset_tags=tags, avoided=avoided)
    if run.factor_error:
        typer.secho(
            _("Avoided emissions not shown: {error}").format(error=run.factor_error),
            err=True,
            fg=typer.colors.YELLOW,
        )
    # One device asked by tag: show it whatever its status.
    rows = run.rows(every=bool(tags))
    scope = (
        _("site {site}").format(site=site)
        if site
        else (_("{n} asked").format(n=len(tags)) if tags else _("whole fleet"))
    )
    if fmt == "table":
        lines = [] if tags else _header(run, scope)
        rows = run.review_order(rows)  # what a technician can act on first
        shown = rows if (limit <= 0 or tags) else rows[:limit]
        infos = reuse.device_infos(sobriety, run, shown)
        for info, flag_obj in zip(infos, run.explained(shown), strict=True):
            lines.append("")
            lines += _device_block(info, flag_obj, sources or bool(tags))
        if not tags and len(shown) < len(rows):
            lines.append("")
            lines.append(
                _(
                    "{shown} of {total} shown: --limit 0 shows all, --format csv exports them."
                ).format(shown=fmt_number(len(shown)), total=fmt_number(len(rows)))
            )
        typer.echo("\n".join(lines))
        return
    explain = None
    if explain_rows or tags:
        explain = "flag" if fmt == "json" else "reasons"
    records = reuse_output.flag_records(sobriety, run, rows, explain=explain)
    if fmt == "json":
        payload = reuse_output.flag_report(run, records)
        _write(output, lambda fh: json.dump(payload, fh, ensure_ascii=False, indent=1))
        return
    fields, csv_rows = reuse_output.csv_rows(records)

    def write_csv(fh: Any) -> None:
        w = csv.DictWriter(fh, fieldnames=fields)
        w.writeheader()
        w.writerows(csv_rows)

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
    from sobriety.app import reuse
    from sobriety.domain.reuse.text import channel_name

    day = reuse_common.parse_day(ctx, on, "--date")
    with reuse_common.refusals():
        decisions = reuse.accept_all(context.app(ctx), tags, on=day)
    for d in decisions:
        if d.already:
            typer.echo(
                _(
                    "{tag}: {channel} was already accepted; nothing changed "
                    "(flag override chooses another channel)"
                ).format(tag=d.asset_tag, channel=channel_name(d.channel))
            )
        else:
            typer.echo(
                _("{tag}: {channel} accepted").format(
                    tag=d.asset_tag, channel=channel_name(d.channel)
                )
            )
        _to_do(d.to_do)


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
    from sobriety.app import reuse
    from sobriety.domain.reuse.text import channel_name

    channel = context.vocab_value("channel", channel, "--channel")  # "sell", "Vente"...
    day = reuse_common.parse_day(ctx, on, "--date")
    with reuse_common.refusals():
        d = reuse.override(context.app(ctx), tag, channel, reason, on=day)
    if d.recommended == d.channel:  # an override that confirms the recommendation
        said = _("{tag}: {channel} chosen (the recommended channel), reason recorded")
    elif d.recommended is None:
        said = _("{tag}: {channel} chosen (no channel was recommended)")
    else:
        said = _("{tag}: {channel} chosen instead of {recommended}")
    typer.echo(
        said.format(
            tag=d.asset_tag,
            channel=channel_name(d.channel),
            recommended=channel_name(d.recommended) if d.recommended else "-",
        )
    )
    _to_do(d.to_do)


@app.command("repair-estimate", help=_("Record the estimated cost of repairing a broken device."))
def repair_estimate(
    ctx: typer.Context,
    tag: Annotated[str, typer.Argument(help=_("Asset tag."))],
    amount: Annotated[float, typer.Argument(help=_("Estimated repair cost in EUR (excl. VAT)."))],
) -> None:
    from sobriety.app import reuse

    with reuse_common.refusals():
        reuse.set_repair_estimate(context.app(ctx), tag, amount)
    typer.echo(
        _("{tag}: repair estimate {amount} EUR").format(tag=tag, amount=fmt_number(amount, 2))
    )


need_app = typer.Typer(
    help=_(
        "Redeployment requests: while one is open, a retired device of its category may be "
        "kept for it."
    ),
    no_args_is_help=True,
)
app.add_typer(need_app, name="need")


@need_app.command("add", help=_("Record a need for devices of a category."))
def need_add(
    ctx: typer.Context,
    category: Annotated[str, typer.Argument(help=_("Category code (laptop, monitor...)."))],
    count: Annotated[int, typer.Option("--count", "-n", help=_("Devices asked."))] = 1,
    site: Annotated[str | None, typer.Option("--site", "-s", help=_("Site asking (code)."))] = None,
    note: Annotated[str | None, typer.Option("--note", help=_("Who asks and why."))] = None,
) -> None:
    from sobriety.app import reuse

    with reuse_common.refusals():
        request_id = reuse.add_request(context.app(ctx), category, count, site=site, note=note)
    typer.echo(
        _("Request {id} recorded: {n} × {category}").format(
            id=request_id, n=fmt_number(count), category=category
        )
    )


@need_app.command("list", help=_("The open redeployment requests."))
def need_list(
    ctx: typer.Context,
    every: Annotated[bool, typer.Option("--all", help=_("Closed ones too."))] = False,
) -> None:
    from sobriety.app import reuse
    from sobriety.domain.reuse.text import category_name

    rows = reuse.requests(context.app(ctx), every=every)
    if not rows:
        typer.echo(_("No open redeployment request."))
        return
    for r in rows:
        state = _("closed on {date}").format(date=fmt_date(r.closed_on)) if r.closed_on else ""
        typer.echo(
            f"{r.id:>4}  {fmt_date(r.requested_on)}  {category_name(r.category):<18} "
            f"{fmt_number(r.quantity):>4}  {r.site or '-':<10} {r.note or ''} {state}".rstrip()
        )


@need_app.command("close", help=_("Close a redeployment request (met or withdrawn)."))
def need_close(
    ctx: typer.Context,
    request_id: Annotated[int, typer.Argument(help=_("Request number."))],
) -> None:
    from sobriety.app import reuse

    with reuse_common.refusals():
        reuse.close_request(context.app(ctx), request_id)
    typer.echo(_("Request {id} closed").format(id=request_id))
