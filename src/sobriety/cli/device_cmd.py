"""``sobriety device``: one device from the command line, as on the TUI's device screen.

::

    sobriety device show TAG
    sobriety device history TAG            (also: sobriety history TAG)
    sobriety device edit TAG status=retired "purchase_price_eur=1 234,56"
    sobriety device assign TAG AG-0042 | --unassign
    sobriety device move TAG SITE
    sobriety device retire TAG --reason "screen broken"
    sobriety device repair TAG --description "new keyboard"
    sobriety device upgrade TAG --description "RAM 16 GB" --ram "16 Go"

Every write goes through the use cases the TUI calls
(:func:`sobriety.app.inventory.save`): the same rules, the same history entry
(naming the command), the same optimistic locking. ``--version N`` makes the
write refused when the device is no longer at the version N read earlier
(``device show`` prints it), with who changed what, and when.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any

import typer

from sobriety.cli import context
from sobriety.i18n import _, colon

if TYPE_CHECKING:
    from sobriety.app.context import Sobriety
    from sobriety.app.inventory import DeviceDetail, Outcome

app = typer.Typer(
    help=_("One device: show it, its history; edit, assign, move, retire it (as in the TUI)."),
    no_args_is_help=True,
)

Tag = Annotated[str, typer.Argument(metavar="TAG", help=_("Asset tag (case is ignored)."))]
Version = Annotated[
    int | None,
    typer.Option(
        "--version",
        min=1,
        help=_(
            "The version you read (`device show`): refuse the change if someone changed "
            "the device since."
        ),
    ),
]
Note = Annotated[str | None, typer.Option("--note", help=_("A note for the history."))]


def _detail(sobriety: Sobriety, tag: str) -> DeviceDetail:
    from sobriety.app import inventory

    try:
        return inventory.detail(sobriety, tag)
    except inventory.NotFoundError as exc:
        raise context.fail(str(exc)) from exc


# ------------------------------------------------------------------ reading
@app.command(help=_("Every field of a device, with its site and version."))
def show(
    ctx: typer.Context,
    tag: Tag,
    fmt: Annotated[str, typer.Option("--format", "-f", help=_("table or json."))] = "table",
) -> None:
    from sobriety.domain.inventory.display import field_label, show_value
    from sobriety.domain.inventory.form import FIELDS

    found = _detail(context.app(ctx), tag)
    v = found.values
    site = found.site
    if fmt == "json":
        out = {k: (x.isoformat() if hasattr(x, "isoformat") else x) for k, x in v.items()}
        out["site_code"] = site.code if site else None
        typer.echo(json.dumps(out, ensure_ascii=False, indent=1))
        return
    if fmt != "table":
        raise context.fail(_("--format: {value!r} is not table or json").format(value=fmt))
    rows: list[tuple[str, str]] = []
    for spec in FIELDS:
        rows.append((_(spec.label), show_value(spec.name, v.get(spec.name))))
        if spec.name == "model":
            rows.append((_("Site"), f"{site.code} · {site.name}" if site else "-"))
    rows += [
        (field_label("repair_estimate_eur"), show_value("repair_estimate_eur",
                                                        v.get("repair_estimate_eur"))),
        (field_label("version"), str(v["version"])),
        (field_label("created_at"), show_value("created_at", v.get("created_at"))),
        (field_label("updated_at"), show_value("updated_at", v.get("updated_at"))),
    ]  # fmt: skip
    width = max(len(name) for name, _value in rows)
    for name, value in rows:
        typer.echo(f"{name:<{width}}  {value}")


def history(ctx: typer.Context, tag: Tag) -> None:
    """The audit trail of a device: every change with who made it, when, and from where."""
    from sobriety.app import inventory
    from sobriety.domain.inventory.display import describe_history
    from sobriety.i18n import fmt_number, ngettext

    try:
        trail = inventory.history(context.app(ctx), tag)
    except inventory.NotFoundError as exc:
        raise context.fail(str(exc)) from exc
    if not trail.events:
        typer.echo(_("{tag}: no history yet (no change recorded).").format(tag=trail.asset_tag))
        return
    n = len(trail.events)
    typer.echo(
        ngettext("{tag}: {n} entry, oldest first", "{tag}: {n} entries, oldest first", n).format(
            tag=trail.asset_tag, n=fmt_number(n)
        )
    )
    for line in describe_history(trail.events, sites=trail.sites):
        typer.echo(
            _("{date}  {kind}  by {actor}  ({source})").format(
                date=line.date, kind=line.kind, actor=line.actor, source=line.source
            )
        )
        for change in line.changes:
            typer.echo(
                "    "
                + _("{label}: {old} → {new}").format(
                    label=change.label, old=change.old, new=change.new
                )
            )
        for key, value in line.notes:
            typer.echo(f"    {colon(key)} {value}")


app.command("history", help=_("The history of a device: who changed what, when, from where."))(
    history
)


# ------------------------------------------------------------------ writing
def _report(outcome: Outcome, what: str, sites: dict[int, str] | None = None) -> None:
    """Print a write's outcome; a conflict or a refusal exits with status 1."""
    from sobriety.app import inventory
    from sobriety.domain.inventory.display import conflict_text

    if isinstance(outcome, inventory.Saved):
        typer.echo(
            _("{tag}: {action}, recorded in the history (version {version}).").format(
                tag=outcome.asset_tag, action=what, version=outcome.version
            )
        )
        return
    if isinstance(outcome, inventory.Conflicted):
        raise context.fail(
            conflict_text(
                outcome.asset_tag, outcome.expected, outcome.current, outcome.events, sites=sites
            ),
            code=1,
        )
    reasons = outcome.problems or (outcome.reason,)
    head = _("{tag}: not saved:").format(tag=outcome.asset_tag)
    raise context.fail("\n".join([head, *(f"  - {r}" for r in reasons)]))


def _write(
    ctx: typer.Context, tag: str, action: str, values: dict[str, Any], version: int | None,
    what: str,
) -> None:  # fmt: skip
    from sobriety.app import inventory

    sobriety = context.app(ctx)
    base = dict(_detail(sobriety, tag).values)
    if version is not None:
        base["version"] = version
    outcome = inventory.save(sobriety, action=action, base=base, values=values)
    sites = {s.id: s.code for s in inventory.sites(sobriety)} if not isinstance(
        outcome, inventory.Saved) else None  # fmt: skip
    _report(outcome, what, sites)


def _field(name: str, text: str | None, option: str) -> Any:
    """``text`` read as the device field ``name`` (the edit form's rules)."""
    from sobriety.app.inventory import read_field
    from sobriety.domain.inventory.form import FieldError

    try:
        return read_field(name, text)
    except FieldError as exc:
        raise context.fail(f"{colon(option)} {exc.reason}") from exc


def _required_text(text: str | None, option: str, limit: int = 500) -> str:
    value = (text or "").strip()
    if not value:
        raise context.fail(_("{option}: a value is required").format(option=option))
    if len(value) > limit:
        raise context.fail(
            _("{option}: {n} characters, at most {max} allowed").format(
                option=option, n=len(value), max=limit
            )
        )
    return value


def _field_name(text: str) -> str:
    """A device field named by its key (``purchase_price_eur``) or its label, either language."""
    from sobriety.domain.inventory.fields import normalise_label
    from sobriety.domain.inventory.form import FIELDS
    from sobriety.i18n import SUPPORTED, gettext_in

    key = normalise_label(text)
    for spec in FIELDS:
        names = {spec.name, spec.label, *(gettext_in(lang, spec.label) for lang in SUPPORTED)}
        if key in {normalise_label(n) for n in names}:
            return spec.name
    if key in ("site", "sitecode", "codesite"):
        return "site"
    import difflib

    close = difflib.get_close_matches(text, [s.name for s in FIELDS], n=3, cutoff=0.5)
    message = _("{value!r} is not a device field").format(value=text)
    if close:
        message += _("; did you mean {choices}?").format(choices=_(" or ").join(close))
    raise context.fail(message)


@app.command(
    help=_(
        "Change fields of a device: FIELD=VALUE pairs, read as in the edit form "
        '(labels and numbers in either language, units: "16 Go").\n\n'
        'Fields are named by key (purchase_price_eur) or label ("Prix HT (EUR)"); '
        "site=CODE moves the device."
    )
)
def edit(
    ctx: typer.Context,
    tag: Tag,
    pairs: Annotated[list[str], typer.Argument(metavar="FIELD=VALUE...", help=_("The changes."))],
    version: Version = None,
) -> None:
    from sobriety.app import inventory

    sobriety = context.app(ctx)
    typed: dict[str, Any] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            raise context.fail(_("{pair!r}: expected FIELD=VALUE").format(pair=pair))
        field = _field_name(name)
        if field == "site":
            try:
                typed["site_id"] = inventory.site_by_code(sobriety, value).id
            except inventory.NotFoundError as exc:
                raise context.fail(str(exc)) from exc
        else:
            typed[field] = value
    base = dict(_detail(sobriety, tag).values)
    changes, errors = inventory.parse_edits(sobriety, base, typed)
    if errors:
        from sobriety.domain.inventory.display import field_label

        raise context.fail(
            "\n".join(
                [_("{tag}: not saved:").format(tag=base["asset_tag"])]
                + [f"  - {colon(field_label(k))} {reason}" for k, reason in errors.items()]
            )
        )
    if not changes:
        typer.echo(_("{tag}: nothing changed.").format(tag=base["asset_tag"]))
        return
    if version is not None:
        base["version"] = version
    outcome = inventory.save(sobriety, action="edit", base=base, values=changes)
    _report(outcome, _("edited"), {s.id: s.code for s in inventory.sites(sobriety)})


@app.command(help=_("Give a device to an agent (a pseudonymous reference, e.g. AG-0042)."))
def assign(
    ctx: typer.Context,
    tag: Tag,
    assignee: Annotated[
        str | None, typer.Argument(metavar="ASSIGNEE", help=_("The agent's reference."))
    ] = None,
    unassign: Annotated[
        bool, typer.Option("--unassign", help=_("Take the device back from its agent."))
    ] = False,
    note: Note = None,
    version: Version = None,
) -> None:
    if (assignee is None) == (not unassign):
        raise context.fail(_("give an ASSIGNEE or --unassign"))
    value = None if unassign else _field("assignee", assignee, "ASSIGNEE")
    values = {"assignee": value, "note": (note or "").strip() or None}
    _write(ctx, tag, "assign", values, version, _("unassigned") if unassign else _("assigned"))


@app.command(help=_("Move a device to another site (by code, case ignored)."))
def move(
    ctx: typer.Context,
    tag: Tag,
    site: Annotated[str, typer.Argument(metavar="SITE", help=_("The site's code."))],
    note: Note = None,
    version: Version = None,
) -> None:
    from sobriety.app import inventory

    try:
        found = inventory.site_by_code(context.app(ctx), site)
    except inventory.NotFoundError as exc:
        raise context.fail(str(exc)) from exc
    values = {"site_id": found.id, "note": (note or "").strip() or None}
    _write(ctx, tag, "move", values, version, _("moved to {site}").format(site=found.code))


def _date_not_future(ctx: typer.Context, text: str | None, option: str) -> Any:
    today = context.app(ctx).today()
    if not text:
        return today
    day = _field("retirement_date", text, option)
    if day > today:
        raise context.fail(_("{option}: in the future").format(option=option))
    return day


@app.command(help=_("Take a device out of service: retired, awaiting a reuse decision."))
def retire(
    ctx: typer.Context,
    tag: Tag,
    reason: Annotated[str, typer.Option("--reason", help=_("Why it leaves service."))],
    date: Annotated[
        str | None, typer.Option("--date", help=_("Retired on (default: today)."))
    ] = None,
    condition: Annotated[
        str | None,
        typer.Option("--condition", help=_("Its condition: working, degraded or broken.")),
    ] = None,
    version: Version = None,
) -> None:
    values = {
        "date": _date_not_future(ctx, date, "--date"),
        "reason": _required_text(reason, "--reason"),
        "condition": None if condition is None else _field("condition", condition, "--condition"),
    }
    _write(ctx, tag, "retire", values, version, _("retired"))


@app.command(help=_("Record a repair: what was done, the condition after it, its cost."))
def repair(
    ctx: typer.Context,
    tag: Tag,
    description: Annotated[str, typer.Option("--description", help=_("What was repaired."))],
    condition: Annotated[
        str, typer.Option("--condition", help=_("Condition after the repair."))
    ] = "working",
    cost: Annotated[str | None, typer.Option("--cost", help=_("Cost (EUR)."))] = None,
    version: Version = None,
) -> None:
    values = {
        "description": _required_text(description, "--description"),
        "condition": _field("condition", condition, "--condition"),
        "cost_eur": _field("purchase_price_eur", cost, "--cost"),
    }
    _write(ctx, tag, "repair", values, version, _("repaired"))


@app.command(help=_("Record an upgrade (RAM, storage): its description and the new values."))
def upgrade(
    ctx: typer.Context,
    tag: Tag,
    description: Annotated[str, typer.Option("--description", help=_("What was upgraded."))],
    ram: Annotated[str | None, typer.Option("--ram", help=_("RAM after (GB)."))] = None,
    storage: Annotated[str | None, typer.Option("--storage", help=_("Storage after (GB)."))] = None,
    storage_type: Annotated[
        str | None, typer.Option("--storage-type", help=_("Storage type after (SSD, HDD...)."))
    ] = None,
    version: Version = None,
) -> None:
    values = {
        "description": _required_text(description, "--description"),
        "ram_gb": _field("ram_gb", ram, "--ram"),
        "storage_gb": _field("storage_gb", storage, "--storage"),
        "storage_type": _field("storage_type", storage_type, "--storage-type"),
    }
    _write(ctx, tag, "upgrade", values, version, _("upgraded"))


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="device")
    root.command("history", help=_("The history of a device: who changed what, when, from where."))(
        history
    )
