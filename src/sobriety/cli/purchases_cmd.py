"""``sobriety purchases``: the loi AGEC art. 58 share, recycled-content purchases, the
national declaration's CSV."""

from __future__ import annotations

import json
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from sobriety.cli import context
from sobriety.i18n import _, fmt_number, fmt_percent, ngettext

app = typer.Typer(
    help=_(
        "Loi AGEC art. 58: the share of IT purchases from reuse, donations or recycled "
        "content, and the national declaration."
    ),
    no_args_is_help=True,
)

YEAR_HELP = _("Calendar year of the purchases.")


@contextmanager
def _refusals():
    from sobriety.app.purchases import PurchaseInputError
    from sobriety.domain.report.agec import PurchaseTargetsError

    try:
        yield
    except PurchaseInputError as exc:
        raise context.fail(
            _("{label}: {value}").format(label=f"--{exc.field}", value=exc.detail)
        ) from exc
    except (PurchaseTargetsError, LookupError) as exc:
        raise context.fail(str(exc)) from exc


@app.command("share", help=_("The year's share of IT and telephony purchases and its target."))
def share_cmd(
    ctx: typer.Context,
    year: Annotated[int, typer.Option("--year", "-y", help=YEAR_HELP)],
    fmt: Annotated[str, typer.Option("--format", "-f", help=_("table or json."))] = "table",
) -> None:
    from sobriety.app import purchases

    if fmt not in ("table", "json"):
        raise context.fail(_("--format: {value!r} is not one of table, json").format(value=fmt))
    with _refusals():
        result = purchases.share(context.app(ctx), year)
    if fmt == "json":
        payload = dict(vars(result))
        payload.update(share_pct=result.share_pct, met=result.met, unit="EUR excl. VAT")
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=1))
        return
    typer.echo(
        _("Purchases {year}, {scope} (loi AGEC art. 58)").format(year=year, scope=result.scope)
    )
    lines = [
        (_("Spend excl. VAT"), result.spend_eur),
        (_("from reuse (refurbished purchases)"), result.reuse_eur),
        (_("donations received, at the flat values"), result.donated_eur),
        (_("with recycled content"), result.recycled_eur),
    ]
    for label, amount in lines:
        typer.echo(f"  {label:<42} {fmt_number(amount, 2):>14} EUR")
    target = "-" if result.target_pct is None else fmt_percent(result.target_pct / 100)
    if result.share_pct is None:
        typer.echo("  " + _("Share: not defined (no spend); target {t}").format(t=target))
    else:
        verdict = _("target met") if result.met else _("target not met")
        if result.met is None:
            verdict = _("no target")
        typer.echo(
            "  "
            + _("Share: {s} (target {t}: {v})").format(
                s=fmt_percent(result.share_pct / 100), t=target, v=verdict
            )
        )
    typer.echo("  " + _("Source: {source}").format(source=result.source))
    if result.unvalued_donations:
        typer.echo(
            "  * "
            + ngettext(
                "{n} donation received has no flat value in the donation grid: counted, "
                "not valued (enter the arrêté's values in agec_donation_values.toml).",
                "{n} donations received have no flat value in the donation grid: counted, "
                "not valued (enter the arrêté's values in agec_donation_values.toml).",
                result.unvalued_donations,
            ).format(n=fmt_number(result.unvalued_donations))
        )
    if result.unpriced:
        typer.echo(
            "  * "
            + ngettext(
                "{n} purchase has no recorded price: not in the spend.",
                "{n} purchases have no recorded price: not in the spend.",
                result.unpriced,
            ).format(n=fmt_number(result.unpriced))
        )
    if result.out_of_scope:
        typer.echo(
            "  * "
            + ngettext(
                "{n} acquisition of other categories (printers, network gear...) is not in "
                "this share.",
                "{n} acquisitions of other categories (printers, network gear...) are not in "
                "this share.",
                result.out_of_scope,
            ).format(n=fmt_number(result.out_of_scope))
        )


@app.command("record-recycled", help=_("Record a purchase with recycled content."))
def record_recycled_cmd(
    ctx: typer.Context,
    year: Annotated[int, typer.Option("--year", "-y", help=YEAR_HELP)],
    amount: Annotated[float, typer.Option("--amount", help=_("Amount excl. VAT, in EUR."))],
    description: Annotated[
        str, typer.Option("--description", help=_("What was bought, and its recycled content."))
    ],
    asset_tag: Annotated[
        str | None,
        typer.Option(
            "--device",
            help=_("Asset tag of the device the amount is part of (else not inventoried)."),
        ),
    ] = None,
    product_type: Annotated[
        str | None,
        typer.Option("--product-type", help=_("The declaration's product category.")),
    ] = None,
) -> None:
    from sobriety.app import purchases

    with _refusals():
        rid = purchases.record_recycled(
            context.app(ctx),
            year=year,
            amount_eur=amount,
            description=description,
            asset_tag=asset_tag,
            product_type=product_type,
        )
    typer.echo(
        _("Recycled-content purchase {id} recorded: {amount} EUR excl. VAT in {year}.").format(
            id=rid, amount=fmt_number(amount, 2), year=year
        )
    )


@app.command(
    "declaration",
    help=_("Write the national declaration's CSV (schema.data.gouv.fr) for a year."),
)
def declaration_cmd(
    ctx: typer.Context,
    year: Annotated[int, typer.Option("--year", "-y", help=YEAR_HELP)],
    siret: Annotated[
        str | None, typer.Option("--siret", help=_("The buyer's SIRET (or the configuration)."))
    ] = None,
    name: Annotated[
        str | None,
        typer.Option("--name", help=_("The buyer's raison sociale (or the configuration).")),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help=_("CSV file to write (default: standard output).")),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help=_("Overwrite an existing file."))] = False,
) -> None:
    from sobriety.app import purchases

    with _refusals():
        result = purchases.declaration(context.app(ctx), year, siret=siret, name=name)
    text = result.csv_text()
    if output is None:
        typer.echo(text, nl=False)
        return
    if output.exists() and not force:
        raise context.fail(_("{path} exists: add --force to overwrite it").format(path=output))
    output.write_text(text, encoding="utf-8")
    typer.echo(
        ngettext(
            "Declaration {year} written to {path} ({n} row, schema {schema}).",
            "Declaration {year} written to {path} ({n} rows, schema {schema}).",
            len(result.rows),
        ).format(year=year, path=output, n=len(result.rows), schema=result.schema)
    )


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="purchases")
