"""``sobriety lot``: outgoing lots (one recipient, one channel) and their slips."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from sobriety.cli import context, reuse_common
from sobriety.domain.vocab import Channel, RecipientKind  # the choices named in the help
from sobriety.i18n import _, colon, fmt_date, fmt_number, ngettext

app = typer.Typer(
    help=_("Outgoing lots of devices and their transfer slips."), no_args_is_help=True
)

LotCode = Annotated[str, typer.Argument(help=_("Lot code."))]
Commitment = Annotated[
    str | None, typer.Option("--commitment", help=_("Reference of the taker's reuse commitment."))
]
Format = Annotated[str, typer.Option("--format", "-f", help=_("table or json."))]
Version = Annotated[
    int | None,
    typer.Option(
        "--version",
        help=_(
            "The lot's version you read (`lot show`): refuse the change if someone changed "
            "the lot since."
        ),
        show_default=False,
    ),
]


def _check_format(fmt: str) -> None:
    if fmt not in ("table", "json"):
        raise context.fail(_("--format: {value!r} is not one of table, json").format(value=fmt))


@app.command(help=_("Open a lot for one recipient and one channel."))
def create(
    ctx: typer.Context,
    channel: Annotated[
        str,
        typer.Option(
            "--channel", "-c", help=_("One of: {values}").format(values=", ".join(Channel))
        ),
    ],
    recipient: Annotated[str, typer.Option("--recipient", "-r", help=_("Recipient's name."))],
    kind: Annotated[
        str,
        typer.Option(
            "--kind",
            "-k",
            help=_("Recipient kind: {values}").format(values=", ".join(RecipientKind)),
        ),
    ],
    siret: Annotated[
        str | None, typer.Option("--siret", help=_("Recipient's SIRET (14 digits), when known."))
    ] = None,
    code: Annotated[
        str | None, typer.Option("--code", help=_("Lot code (default LOT-YEAR-NNNN)."))
    ] = None,
    commitment: Commitment = None,
    notes: Annotated[str | None, typer.Option("--notes", help=_("Free notes."))] = None,
    address: Annotated[
        str | None, typer.Option("--address", help=_("Recipient's postal address."))
    ] = None,
    price: Annotated[
        float | None,
        typer.Option("--price", help=_("Sale price of the whole lot in EUR (default: free).")),
    ] = None,
    supplier_contract: Annotated[
        str | None,
        typer.Option(
            "--supplier-contract",
            help=_(
                "Take-back by the initial supplier: its contract with an approved "
                "eco-organisme or approved individual system."
            ),
        ),
    ] = None,
) -> None:
    from sobriety.app import lots
    from sobriety.domain.reuse.text import channel_name

    with reuse_common.refusals():
        lot_code = lots.create(
            context.app(ctx),
            channel=channel,
            recipient_name=recipient,
            recipient_kind=kind,
            siret=siret,
            code=code,
            notes=notes,
            commitment_ref=commitment,
            recipient_address=address,
            price_eur=price,
            supplier_contract_ref=supplier_contract,
        )
    typer.echo(
        _("Lot {code} opened: {channel} to {recipient}").format(
            code=lot_code, channel=channel_name(channel), recipient=recipient
        )
    )


@app.command(help=_("Add devices to an open lot (refused, with every reason, if any check fails)."))
def add(
    ctx: typer.Context,
    code: LotCode,
    tags: Annotated[list[str], typer.Argument(help=_("Asset tags to add."))],
    version: Version = None,
) -> None:
    from sobriety.app import lots

    with reuse_common.refusals():
        n = lots.add(context.app(ctx), code, tags, expected_version=version)
    typer.echo(
        ngettext(
            "{n} device added to lot {code}",
            "{n} devices added to lot {code}",
            n,
        ).format(n=fmt_number(n), code=code)
    )


@app.command(help=_("Take devices out of an open lot."))
def remove(
    ctx: typer.Context,
    code: LotCode,
    tags: Annotated[list[str], typer.Argument(help=_("Asset tags to take out."))],
    reason: Annotated[str | None, typer.Option("--reason", help=_("Why (recorded)."))] = None,
    version: Version = None,
) -> None:
    from sobriety.app import lots

    with reuse_common.refusals():
        n = lots.remove(context.app(ctx), code, tags, reason=reason, expected_version=version)
    typer.echo(
        ngettext(
            "{n} device removed from lot {code}",
            "{n} devices removed from lot {code}",
            n,
        ).format(n=fmt_number(n), code=code)
    )


@app.command("list", help=_("Every lot with its status and number of devices."))
def list_(ctx: typer.Context, fmt: Format = "table") -> None:
    from sobriety.app import lots, reuse_output
    from sobriety.domain.labels import label
    from sobriety.domain.reuse.text import channel_name

    _check_format(fmt)
    rows = lots.list_lots(context.app(ctx))
    if fmt == "json":
        payload = [reuse_output.lot_row_to_dict(r) for r in rows]
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=1))
        return
    if not rows:
        typer.echo(_("No lot yet."))
        return
    for row in rows:
        typer.echo(
            f"{row.code}  {label('lot_status', row.status):<7}  {channel_name(row.channel):<28}  "
            f"{row.recipient}  ({fmt_number(row.devices)})"
        )


@app.command(help=_("The lot, its recipient and its devices with their erasure records."))
def show(ctx: typer.Context, code: LotCode, fmt: Format = "table") -> None:
    from sobriety.app import lots, reuse_output
    from sobriety.domain.labels import inline, label
    from sobriety.domain.reuse.text import channel_name

    _check_format(fmt)
    with reuse_common.refusals():
        view = lots.show(context.app(ctx), code)
    if fmt == "json":
        typer.echo(json.dumps(reuse_output.lot_to_dict(view), ensure_ascii=False, indent=1))
        return
    lot = view.lot
    typer.echo(
        f"{lot.code}  {label('lot_status', lot.status)}  {channel_name(lot.channel)}  "
        + _("version {version}").format(version=lot.version)
    )
    typer.echo(
        _("Recipient: {name} ({kind}){siret}").format(
            name=lot.recipient_name,
            kind=inline("recipient_kind", lot.recipient_kind),
            siret=f", SIRET {lot.recipient_siret}" if lot.recipient_siret else "",
        )
    )
    price = _("free of charge") if not lot.price_eur else fmt_number(lot.price_eur, 2) + " EUR"
    for name, value in (
        (_("Recipient's address"), lot.recipient_address),
        (_("Price"), price),
        (_("Deed"), lot.deed_ref),
        (_("Reuse commitment"), lot.commitment_ref),
        (_("Supplier's contract"), lot.supplier_contract_ref),
        (_("Proof of reuse"), lot.proof_of_reuse_ref),
    ):
        if value:
            typer.echo(f"{colon(name)} {value}")
    if lot.closed_at:
        typer.echo(_("Closed on {date}").format(date=fmt_date(lot.closed_at.date())))
    for d in view.devices:
        erasure = "-"
        if d.erasure_method:
            level = inline("erasure_level", d.erasure_level)
            erasure = f"{label('erasure_method', d.erasure_method)} ({level})"
        typer.echo(
            f"  {d.asset_tag:<14} {label('category', d.category):<18} {(d.model or '-'):<28} "
            f"{(d.serial or '-'):<18} {erasure:<30} {d.certificate_id or '-'}"
        )
    typer.echo(
        ngettext("{n} device, {kg} kg", "{n} devices, {kg} kg", len(view.devices)).format(
            n=len(view.devices), kg=fmt_number(view.total_weight_kg, 2)
        )
    )


@app.command(help=_("Hand the lot over: devices re-checked, marked gone, transfer recorded."))
def close(
    ctx: typer.Context,
    code: LotCode,
    date: Annotated[
        str | None, typer.Option("--date", help=_("Handover date (default today)."))
    ] = None,
    deed: Annotated[
        str | None, typer.Option("--deed", help=_("Reference of the deed of transfer or sale."))
    ] = None,
    commitment: Commitment = None,
    version: Version = None,
) -> None:
    from sobriety.app import lots

    day = reuse_common.parse_day(ctx, date, "--date")
    with reuse_common.refusals():
        closed = lots.close(
            context.app(ctx),
            code,
            on=day,
            deed_ref=deed,
            commitment_ref=commitment,
            expected_version=version,
        )
    typer.echo(
        ngettext(
            "Lot {code} closed on {date}: {n} device transferred",
            "Lot {code} closed on {date}: {n} devices transferred",
            closed.devices,
        ).format(code=closed.code, date=fmt_date(closed.on), n=fmt_number(closed.devices))
    )


@app.command(help=_("Record the taker's proof of reuse (take-back counts as reuse only with it)."))
def proof(
    ctx: typer.Context,
    code: LotCode,
    ref: Annotated[str, typer.Option("--ref", help=_("Reference of the proof of reuse."))],
    date: Annotated[str | None, typer.Option("--date", help=_("Date of the proof."))] = None,
    version: Version = None,
) -> None:
    from sobriety.app import lots

    day = reuse_common.parse_day(ctx, date, "--date")
    with reuse_common.refusals():
        lots.record_proof(context.app(ctx), code, ref, on=day, expected_version=version)
    typer.echo(_("Lot {code}: proof of reuse recorded").format(code=code))


@app.command(help=_("Every change of the lot: what, who, when, from which command or screen."))
def history(ctx: typer.Context, code: LotCode, fmt: Format = "table") -> None:
    from sobriety.app import lots
    from sobriety.domain.inventory.display import show_value, source_label
    from sobriety.domain.labels import label
    from sobriety.i18n import clauses

    _check_format(fmt)
    with reuse_common.refusals():
        changes = lots.history(context.app(ctx), code)
    if fmt == "json":
        payload = [
            {
                "version": c.version,
                "kind": c.kind,
                "date": c.date.isoformat(),
                "actor": c.actor,
                "source": c.source,
                "details": c.details,
            }
            for c in changes
        ]
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=1))
        return
    if not changes:  # a lot created before its history was kept (migration 0011)
        typer.echo(_("{code}: no change recorded").format(code=code))
        return
    for c in changes:
        devices = c.details.get("devices") or []
        refs = [
            _("{label}: {value}").format(label=label("lot_detail", k), value=v)
            for k, v in c.details.items()
            if k not in ("devices", "channel")
        ]
        listed = [*devices[:10], *(["…"] if len(devices) > 10 else [])]
        parts = [", ".join(listed)] if listed else []
        kind = label("lot_event", c.kind)
        what = f"{kind} — {clauses([*parts, *refs])}" if parts or refs else kind
        typer.echo(
            f"v{c.version:<3} {show_value('date', c.date)}  {c.actor or '-'}  "
            f"({source_label(c.source)})  {what}"
        )


@app.command(help=_("Write the lot's transfer slip as PDF and CSV, ready to sign."))
def slip(
    ctx: typer.Context,
    code: LotCode,
    pdf: Annotated[
        Path | None, typer.Option("--pdf", help=_("PDF file (default CODE.pdf)."))
    ] = None,
    csv_path: Annotated[
        Path | None, typer.Option("--csv", help=_("CSV file (default CODE.csv)."))
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help=_("Replace a slip already written."))
    ] = False,
) -> None:
    from sobriety.app import lots

    with reuse_common.refusals():
        try:
            pdf_path, csv_file = lots.write_slip(
                context.app(ctx), code, pdf=pdf, csv=csv_path, force=force
            )
        except FileExistsError as exc:
            raise context.fail(str(exc)) from exc
    typer.echo(_("Slip written: {pdf}, {csv}").format(pdf=pdf_path, csv=csv_file))
