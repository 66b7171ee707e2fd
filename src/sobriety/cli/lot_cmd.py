"""``sobriety lot``: outgoing lots (one recipient, one channel) and their slips."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sobriety.cli import context, reuse_common
from sobriety.domain.labels import inline, label
from sobriety.domain.reuse.text import channel_name
from sobriety.domain.vocab import Channel, RecipientKind
from sobriety.i18n import _, fmt_date, fmt_number
from sobriety.reports.slip import write_slip_csv, write_slip_pdf
from sobriety.storage import db
from sobriety.storage import lots as lot_store

app = typer.Typer(
    help=_("Outgoing lots of devices and their transfer slips."), no_args_is_help=True
)

LotCode = Annotated[str, typer.Argument(help=_("Lot code."))]
Commitment = Annotated[
    str | None, typer.Option("--commitment", help=_("Reference of the taker's reuse commitment."))
]


def _lot_view(ctx: typer.Context, code: str) -> lot_store.LotView:
    with reuse_common.reading(context.get(ctx).engine) as session:
        return lot_store.lot_view(session, code)


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
) -> None:
    policy = reuse_common.policy(ctx)
    engine = context.get(ctx).engine
    with reuse_common.writing(engine) as session:
        lot = lot_store.create_lot(
            session=session,
            policy=policy,
            channel=channel,
            recipient_name=recipient,
            recipient_kind=kind,
            siret=siret,
            code=code,
            notes=notes,
            commitment_ref=commitment,
        )
        lot_code = lot.code
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
) -> None:
    policy = reuse_common.policy(ctx)
    engine = context.get(ctx).engine
    with reuse_common.writing(engine) as session:
        done = lot_store.add_to_lot(
            session=session,
            policy=policy,
            code=code,
            asset_tags=tags,
            actor=reuse_common.actor(ctx),
        )
    typer.echo(_("{n} device(s) added to lot {code}").format(n=len(done), code=code))


@app.command(help=_("Take devices out of an open lot."))
def remove(
    ctx: typer.Context,
    code: LotCode,
    tags: Annotated[list[str], typer.Argument(help=_("Asset tags to take out."))],
    reason: Annotated[str | None, typer.Option("--reason", help=_("Why (recorded)."))] = None,
) -> None:
    engine = context.get(ctx).engine
    with reuse_common.writing(engine) as session:
        done = lot_store.remove_from_lot(
            session=session,
            code=code,
            asset_tags=tags,
            actor=reuse_common.actor(ctx),
            reason=reason,
        )
    typer.echo(_("{n} device(s) removed from lot {code}").format(n=len(done), code=code))


@app.command("list", help=_("Every lot with its status and number of devices."))
def list_(ctx: typer.Context) -> None:
    engine = context.get(ctx).engine
    with db.session_scope(engine) as session:
        lots = lot_store.list_lots(session)
    if not lots:
        typer.echo(_("No lot yet."))
        return
    for lot, n in lots:
        typer.echo(
            f"{lot.code}  {label('lot_status', lot.status):<7}  {channel_name(lot.channel):<28}  "
            f"{lot.recipient_name}  ({fmt_number(n)})"
        )


@app.command(help=_("The lot, its recipient and its devices with their erasure records."))
def show(
    ctx: typer.Context,
    code: LotCode,
) -> None:
    view = _lot_view(ctx, code)
    lot = view.lot
    typer.echo(f"{lot.code}  {label('lot_status', lot.status)}  {channel_name(lot.channel)}")
    typer.echo(
        _("Recipient: {name} ({kind}){siret}").format(
            name=lot.recipient_name,
            kind=inline("recipient_kind", lot.recipient_kind),
            siret=f", SIRET {lot.recipient_siret}" if lot.recipient_siret else "",
        )
    )
    for name, value in (
        (_("Deed"), lot.deed_ref),
        (_("Reuse commitment"), lot.commitment_ref),
        (_("Proof of reuse"), lot.proof_of_reuse_ref),
    ):
        if value:
            typer.echo(f"{name}: {value}")
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
        _("{n} device(s), {kg} kg").format(
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
) -> None:
    policy = reuse_common.policy(ctx)
    day = reuse_common.parse_day(date, "--date")
    engine = context.get(ctx).engine
    with reuse_common.writing(engine) as session:
        lot = lot_store.close_lot(
            session=session,
            policy=policy,
            code=code,
            actor=reuse_common.actor(ctx),
            on=day,
            deed_ref=deed,
            commitment_ref=commitment,
        )
        n = len(lot_store.lot_view(session, lot.code).devices)
    typer.echo(
        _("Lot {code} closed on {date}: {n} device(s) transferred").format(
            code=code, date=fmt_date(day), n=n
        )
    )


@app.command(help=_("Record the taker's proof of reuse (take-back counts as reuse only with it)."))
def proof(
    ctx: typer.Context,
    code: LotCode,
    ref: Annotated[str, typer.Option("--ref", help=_("Reference of the proof of reuse."))],
    date: Annotated[str | None, typer.Option("--date", help=_("Date of the proof."))] = None,
) -> None:
    day = reuse_common.parse_day(date, "--date")
    engine = context.get(ctx).engine
    with reuse_common.writing(engine) as session:
        lot_store.record_proof(session=session, code=code, reference=ref, on=day)
    typer.echo(_("Lot {code}: proof of reuse recorded").format(code=code))


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
) -> None:
    policy = reuse_common.policy(ctx)
    view = _lot_view(ctx, code)
    pdf_path = pdf or Path(f"{code}.pdf")
    csv_file = csv_path or Path(f"{code}.csv")
    write_slip_pdf(view, pdf_path, policy)
    write_slip_csv(view, csv_file, policy)
    typer.echo(_("Slip written: {pdf}, {csv}").format(pdf=pdf_path, csv=csv_file))
