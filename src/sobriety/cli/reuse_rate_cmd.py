"""``sobriety reuse-rate`` and ``sobriety policy``: the décret 2023-266 rate, the policy file."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer

from sobriety.cli import context, reuse_common
from sobriety.domain.reuse.policy import PolicyError, default_policy_path, resolve_policy
from sobriety.domain.reuse.text import channel_name
from sobriety.i18n import N_, _, fmt_number, fmt_percent
from sobriety.storage import reuse_events as reuse_history

EXCLUDED = {
    "category": N_("category out of scope"),
    "sensitive": N_("sensitive data"),
    "age_unknown": N_("acquisition date unknown"),
    "too_old": N_("10 years or older at retirement"),
}


def reuse_rate(
    ctx: typer.Context,
    year: Annotated[
        int | None, typer.Option("--year", "-y", help=_("Year (default: this year)."))
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help=_("table or json."))] = "table",
) -> None:
    policy = reuse_common.policy(ctx)
    year = year or dt.date.today().year
    result = reuse_history.reuse_rate(context.get(ctx).engine, policy, year)
    if fmt == "json":
        typer.echo(
            json.dumps(
                {
                    "year": result.year,
                    "a": result.a,
                    "b": result.b,
                    "rate_pct": result.rate_pct,
                    "target_pct": result.target_pct,
                    "met": result.met,
                    "a_by_channel": result.a_by_channel,
                    "pending_proof": result.pending_proof,
                    "excluded_from_b": result.excluded,
                    "undated_retired": result.undated_retired,
                    "source": result.source,
                },
                ensure_ascii=False,
                indent=1,
            )
        )
        return
    if fmt != "table":
        raise context.fail(_("--format: {value!r} is not one of table, json").format(value=fmt))
    typer.echo(_("Reuse rate {year} (décret 2023-266)").format(year=year))
    typer.echo(
        "  "
        + _("A = {a} in-scope devices sent to reuse during {year}").format(
            a=fmt_number(result.a), year=year
        )
    )
    for ch, n in result.a_by_channel.items():
        typer.echo(f"      {channel_name(ch):<30} {fmt_number(n):>8}")
    typer.echo(
        "  "
        + _("B = {b} in-scope retired devices held on 1 January {year}").format(
            b=fmt_number(result.b), year=year
        )
    )
    target = "-" if result.target_pct is None else fmt_percent(result.target_pct / 100)
    if result.rate_pct is None:
        typer.echo("  " + _("Rate: not defined (B = 0); target {target}").format(target=target))
    else:
        verdict = _("target met") if result.met else _("target not met")
        if result.met is None:
            verdict = _("no target for this year")
        typer.echo(
            "  "
            + _("Rate: {rate} (target {target}): {verdict}").format(
                rate=fmt_percent(result.rate_pct / 100, 1), target=target, verdict=verdict
            )
        )
    if result.pending_proof:
        typer.echo(
            "  "
            + _(
                "{n} take-back device(s) not counted yet: commitment or proof of reuse missing"
            ).format(n=fmt_number(result.pending_proof))
        )
    if result.undated_retired:
        typer.echo(
            "  "
            + _(
                "{n} retired device(s) have no retirement date: record it so B can count them"
            ).format(n=fmt_number(result.undated_retired))
        )
    left_out = {k: v for k, v in result.excluded.items() if v}
    if left_out:
        typer.echo("  " + _("Retired devices held but outside the scope:"))
        for k, v in left_out.items():
            reason = _(EXCLUDED[k])
            typer.echo(f"      {reason:<34} {fmt_number(v):>8}")


policy_app = typer.Typer(
    help=_("The reuse policy: channels, thresholds and sources."), no_args_is_help=True
)


@policy_app.command(
    help=_("Validate a policy file; an error names the key, the value and what is expected.")
)
def check(
    ctx: typer.Context,
    file: Annotated[
        Path | None, typer.Argument(help=_("Policy file (default: the active policy)."))
    ] = None,
) -> None:
    path = file or context.get(ctx).settings.policy or default_policy_path()
    try:
        policy = resolve_policy(path)
    except PolicyError as exc:
        raise context.fail(str(exc)) from exc
    typer.echo(
        _("{path}: valid ({n} channels: {order})").format(
            path=path, n=len(policy.order), order=", ".join(policy.order)
        )
    )


@policy_app.command(
    help=_("The active policy: channels in order with their thresholds and sources.")
)
def show(ctx: typer.Context) -> None:
    policy = reuse_common.policy(ctx)
    typer.echo(f"{policy.name} ({policy.path})")
    for k, cp in enumerate(policy.ordered(), start=1):
        state = "" if cp.enabled else " [" + _("disabled") + "]"
        text = _(cp.label)
        typer.echo(f"{k}. {channel_name(cp.channel)}{state}: {text}")
        for name in ("max_age_years", "max_value_eur", "min_value_eur", "repair_cost_ceiling_pct"):
            t = getattr(cp, name)
            if t is None:
                continue
            values = dict(t.by_category)
            if t.default is not None:
                values["default"] = t.default
            shown = ", ".join(f"{c}={v:g}" for c, v in values.items())
            typer.echo(f"     {name}: {shown}  [{t.source or cp.source}, {t.date or cp.date}]")
        if cp.source:
            typer.echo(
                "     "
                + _("source: {source} ({date})").format(source=cp.source, date=cp.date or "-")
            )


def register(app: typer.Typer) -> None:
    app.command(
        "reuse-rate",
        help=_("The décret 2023-266 reuse rate of a year: A / B x 100 against the year's target."),
    )(reuse_rate)
    app.add_typer(policy_app, name="policy")
