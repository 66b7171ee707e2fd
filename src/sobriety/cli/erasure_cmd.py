"""``sobriety erasure``: data-erasure records (ANSSI 2023, NIST SP 800-88)."""

from __future__ import annotations

from typing import Annotated

import typer

from sobriety.cli import context, reuse_common
from sobriety.domain.labels import inline, label
from sobriety.domain.reuse.lots import ErasureInput
from sobriety.domain.vocab import ErasureLevel, ErasureMethod
from sobriety.i18n import _, fmt_date
from sobriety.storage import decisions as reuse_store
from sobriety.storage import devices as repository

app = typer.Typer(help=_("Data-erasure records of devices."), no_args_is_help=True)


@app.command(
    help=_("Record an erasure; it is checked (method vs level, dates) before anything is written.")
)
def record(
    ctx: typer.Context,
    tag: Annotated[str, typer.Argument(help=_("Asset tag of the erased device."))],
    method: Annotated[
        str,
        typer.Option(
            "--method", "-m", help=_("One of: {values}").format(values=", ".join(ErasureMethod))
        ),
    ],
    level: Annotated[
        str,
        typer.Option(
            "--level",
            "-l",
            help=_("NIST SP 800-88 level: {values}").format(values=", ".join(ErasureLevel)),
        ),
    ],
    tool: Annotated[str, typer.Option("--tool", "-t", help=_("Tool or procedure used."))],
    operator: Annotated[str, typer.Option("--operator", help=_("Who erased it (pseudonymous)."))],
    date: Annotated[
        str | None, typer.Option("--date", help=_("Erasure date (default today)."))
    ] = None,
    verified: Annotated[
        bool, typer.Option("--verified", help=_("The result was verified."))
    ] = False,
    certificate: Annotated[
        str | None, typer.Option("--certificate", "-c", help=_("Erasure certificate id."))
    ] = None,
) -> None:
    policy = reuse_common.policy(ctx)
    day = reuse_common.parse_day(date, "--date")
    entry = ErasureInput(
        method=method,
        level=level,
        tool=tool,
        operator=operator,
        date=day,
        verified=verified,
        certificate_id=certificate,
    )
    engine = context.get(ctx).engine
    with reuse_common.writing(engine) as session:
        reuse_store.record_erasure(
            session=session,
            policy=policy,
            asset_tag=tag,
            record=entry,
            actor=reuse_common.actor(ctx),
        )
    typer.echo(
        _("{tag}: erasure recorded ({method}, {level}, {date}{verified})").format(
            tag=tag,
            method=inline("erasure_method", method),
            level=inline("erasure_level", level),
            date=fmt_date(day),
            verified=", " + _("verified") if verified else "",
        )
    )


@app.command("list", help=_("The erasure records of a device."))
def list_(
    ctx: typer.Context,
    tag: Annotated[str, typer.Argument(help=_("Asset tag."))],
) -> None:
    with reuse_common.reading(context.get(ctx).engine) as session:
        device = repository.get_device(session=session, asset_tag=tag)
        rows = repository.erasures(session=session, device_id=device.id)
    if not rows:
        typer.echo(_("{tag}: no erasure recorded").format(tag=tag))
        return
    for e in rows:
        typer.echo(
            "  ".join(
                [
                    fmt_date(e.date),
                    label("erasure_method", e.method),
                    label("erasure_level", e.level),
                    e.tool or "-",
                    e.operator or "-",
                    _("verified") if e.verified else _("not verified"),
                    e.certificate_id or "-",
                ]
            )
        )
