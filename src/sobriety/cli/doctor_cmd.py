"""``sobriety doctor``: check the configuration, database, data files and permissions."""

from __future__ import annotations

import typer

from sobriety.cli import context
from sobriety.i18n import _, colon

_MARKS = {
    "ok": ("✓", typer.colors.GREEN),
    "warning": ("!", typer.colors.YELLOW),
    "error": ("✗", typer.colors.RED),
}


def doctor(ctx: typer.Context) -> None:
    from sobriety.app import doctor as doctor_case

    diagnosis = doctor_case.diagnose(context.get(ctx).overrides)
    for check in diagnosis.checks:
        mark, colour = _MARKS[check.status.value]
        typer.secho(f"{mark} {colon(check.topic)} {check.message}", fg=colour)
        if check.fix:
            typer.echo("    " + _("fix: {fix}").format(fix=check.fix))
    if diagnosis.errors:
        raise context.fail(_("Problems to fix: {n}.").format(n=diagnosis.errors))
    if diagnosis.warnings:
        typer.echo(_("Warnings: {n}.").format(n=diagnosis.warnings))
    else:
        typer.echo(_("Everything is in order."))


def register(app: typer.Typer) -> None:
    app.command(
        "doctor",
        help=_(
            "Check the configuration, the database, the factor, policy and synonym files "
            "and the file permissions, and say what to fix."
        ),
    )(doctor)
