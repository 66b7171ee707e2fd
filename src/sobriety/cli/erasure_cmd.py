"""``sobriety erasure``: data-erasure records (ANSSI 2023, NIST SP 800-88)."""

from __future__ import annotations

from typing import Annotated

import typer

from sobriety.cli import context, reuse_common
from sobriety.domain.vocab import ErasureLevel, ErasureMethod  # the choices named in the help
from sobriety.i18n import _, fmt_date

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
    encrypted: Annotated[
        bool,
        typer.Option(
            "--encrypted-from-install",
            help=_(
                "The storage was encrypted from installation (a cryptographic erase, or a "
                "factory reset of a phone, is then a purge)."
            ),
        ),
    ] = False,
) -> None:
    from sobriety.app import reuse
    from sobriety.domain.labels import inline

    day = reuse_common.parse_day(ctx, date, "--date")
    entry = reuse.ErasureInput(
        method=method,
        level=level,
        tool=tool,
        operator=operator,
        date=day,
        verified=verified,
        certificate_id=certificate,
        encrypted_from_install=encrypted,
    )
    with reuse_common.refusals():
        reuse.record_erasure(context.app(ctx), tag, entry)
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
    from sobriety.app import reuse
    from sobriety.domain.labels import label

    with reuse_common.refusals():
        rows = reuse.erasures(context.app(ctx), tag)
    if not rows:
        typer.echo(_("{tag}: no erasure recorded").format(tag=tag))
        return
    for e in rows:
        verified = (
            _("verified by {who} on {day}").format(who=e.verified_by, day=fmt_date(e.verified_on))
            if e.verified and e.verified_by
            else _("verified")
            if e.verified
            else _("not verified")
        )
        typer.echo(
            "  ".join(
                [
                    f"#{e.id} v{e.version}",
                    fmt_date(e.date),
                    label("erasure_method", e.method),
                    label("erasure_level", e.level),
                    e.tool or "-",
                    e.operator or "-",
                    verified,
                    e.certificate_id or "-",
                    *([_("encrypted from installation")] if e.encrypted_from_install else []),
                ]
            )
        )


@app.command(
    help=_(
        "Record that an erasure's result was verified (by whom, when): an unverified "
        "erasure opens no outgoing channel when the policy asks for verified ones."
    )
)
def verify(
    ctx: typer.Context,
    tag: Annotated[str, typer.Argument(help=_("Asset tag of the erased device."))],
    by: Annotated[str, typer.Option("--by", help=_("Who verified it (pseudonymous)."))],
    record: Annotated[
        int | None,
        typer.Option(
            "--id",
            help=_("The record's number (`erasure list`; default: the latest not verified)."),
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        int | None,
        typer.Option(
            "--version",
            help=_(
                "The record's version you read (`erasure list`): refuse if someone changed "
                "it since."
            ),
            show_default=False,
        ),
    ] = None,
    certificate: Annotated[
        str | None, typer.Option("--certificate", "-c", help=_("Erasure certificate id."))
    ] = None,
    date: Annotated[
        str | None, typer.Option("--date", help=_("Verification date (default today)."))
    ] = None,
) -> None:
    from sobriety.app import reuse

    day = reuse_common.parse_day(ctx, date, "--date")
    with reuse_common.refusals():
        stored = reuse.verify_erasure(
            context.app(ctx),
            tag,
            verified_by=by,
            erasure_id=record,
            expected_version=version,
            certificate_id=certificate,
            on=day,
        )
    typer.echo(
        _("{tag}: erasure of {date} verified by {who} on {day} (version {version})").format(
            tag=tag,
            date=fmt_date(stored.date),
            who=stored.verified_by,
            day=fmt_date(stored.verified_on),
            version=stored.version,
        )
    )
