"""``sobriety reuse-rate`` and ``sobriety policy``: the décret 2023-266 rate, the policy file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from sobriety.cli import context, reuse_common
from sobriety.i18n import N_, _, fmt_number, fmt_percent, ngettext

EXCLUDED = {
    "category": N_("category out of scope"),
    "size": N_("large equipment (over 50 cm, or size unknown)"),
    "sensitive": N_("sensitive data"),
    "age_unknown": N_("acquisition date unknown"),
    "too_old": N_("over 10 years old at retirement"),
}


def reuse_rate(
    ctx: typer.Context,
    year: Annotated[
        int | None, typer.Option("--year", "-y", help=_("Year (default: this year)."))
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help=_("table or json."))] = "table",
) -> None:
    from sobriety.app import reuse, reuse_output
    from sobriety.domain.reuse.text import channel_name

    if fmt not in ("table", "json"):
        raise context.fail(_("--format: {value!r} is not one of table, json").format(value=fmt))
    with reuse_common.refusals():
        result = reuse.reuse_rate(context.app(ctx), year)
    year = result.year
    if fmt == "json":
        typer.echo(json.dumps(reuse_output.rate_to_dict(result), ensure_ascii=False, indent=1))
        return
    typer.echo(_("Reuse rate {year} (décret 2023-266)").format(year=year))
    typer.echo(
        "  "
        + _("A = {a} in-scope devices sent to reuse during {year}").format(
            a=fmt_number(result.a), year=year
        )
    )
    split = (
        (_("from the 1 January stock"), result.a_from_stock),
        (_("retired during the year"), result.a_retired_in_year),
    )
    for name, n in split:
        typer.echo(f"      {name:<30} {fmt_number(n):>8}")
    if result.a_by_channel:
        typer.echo("    " + _("by channel:"))
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
            + ngettext(
                "{n} sold or taken-back device not counted yet: the taker's commitment "
                "or proof of reuse is missing (décret 2023-266 art. 2)",
                "{n} sold or taken-back devices not counted yet: the taker's commitment "
                "or proof of reuse is missing (décret 2023-266 art. 2)",
                result.pending_proof,
            ).format(n=fmt_number(result.pending_proof))
        )
    if result.undated_retired:
        typer.echo(
            "  "
            + ngettext(
                "{n} retired device has no retirement date: record it so B can count it",
                "{n} retired devices have no retirement date: record it so B can count them",
                result.undated_retired,
            ).format(n=fmt_number(result.undated_retired))
        )
    left_out = {k: v for k, v in result.excluded.items() if v}
    if left_out:
        typer.echo("  " + _("Retired devices held but outside the scope:"))
        for k, v in left_out.items():
            reason = _(EXCLUDED[k])
            typer.echo(f"      {reason:<48} {fmt_number(v):>8}")


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
    from sobriety.app import reuse

    sobriety = context.app(ctx)
    path = file or sobriety.policy_path
    try:
        policy = reuse.check_policy(sobriety, path)
    except reuse.PolicyError as exc:
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
    from sobriety.domain.labels import label
    from sobriety.domain.reuse.text import channel_name
    from sobriety.domain.texts import shown as in_language
    from sobriety.domain.texts import source_date
    from sobriety.i18n import colon, fmt_exact

    with reuse_common.refusals():
        policy = context.app(ctx).policy
    typer.echo(f"{in_language(policy.name)} ({policy.path})")
    for k, cp in enumerate(policy.ordered(), start=1):
        state = " [" + _("disabled") + "]" if not cp.enabled else ""
        name = colon(f"{channel_name(cp.channel)}{state}")
        typer.echo(f"{k}. {name} {in_language(cp.label)}")
        for key, title in _THRESHOLDS.items():
            t = getattr(cp, key)
            if t is None:
                continue
            values = {label("category", c): v for c, v in t.by_category.items()}
            if t.default is not None:
                values[_("default")] = t.default
            unlimited = _("no limit")
            shown = ", ".join(
                f"{c} {unlimited if v is None else fmt_exact(v)}" for c, v in values.items()
            )
            where = in_language(t.source or cp.source)
            when = source_date(t.date or cp.date)
            typer.echo(f"     {colon(f'{_(title)} ({key})')} {shown}  [{where}, {when}]")
        if cp.source:
            typer.echo(
                "     "
                + _("source: {source} ({date})").format(
                    source=in_language(cp.source), date=source_date(cp.date)
                )
            )


#: The thresholds a channel may set, in the order shown, with their titles.
_THRESHOLDS = {
    "max_age_years": N_("Maximum age, years"),
    "max_value_eur": N_("Maximum value, EUR"),
    "min_value_eur": N_("Minimum value, EUR"),
    "repair_cost_ceiling_pct": N_("Repair ceiling, % of the purchase price"),
    "need_stock_below": N_("Needed while the stock is under"),
}


def register(app: typer.Typer) -> None:
    app.command(
        "reuse-rate",
        help=_("The décret 2023-266 reuse rate of a year: A / B x 100 against the year's target."),
    )(reuse_rate)
    app.add_typer(policy_app, name="policy")
