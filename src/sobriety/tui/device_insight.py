"""The carbon breakdown and the reuse recommendation of one device, as text for the TUI.

UI-free (safe in a thread worker): it calls the same engines as ``sobriety
estimate --device`` and ``sobriety flag``, and returns Rich renderables.
"""

from __future__ import annotations

import datetime as dt

from rich.console import Group
from rich.table import Table
from rich.text import Text
from sqlalchemy import Engine
from sqlmodel import Session

from sobriety.i18n import _, fmt_number
from sobriety.settings import Settings


def carbon_breakdown(engine: Engine, settings: Settings, asset_tag: str, today: dt.date) -> Group:
    """This year's and the lifetime kgCO2e by phase, each input with its source."""
    from sobriety.domain.carbon.breakdown import PHASE_LABELS
    from sobriety.domain.carbon.explain import explain_device
    from sobriety.domain.carbon.factors import load_factor_set
    from sobriety.storage.carbon_fleet import read_fleet

    fs = load_factor_set(settings.factors_dir)
    fleet = read_fleet(engine, fs, asset_tag=asset_tag)
    exp = explain_device(fleet, fs, year=today.year, mode="amortised", as_of=today)
    table = Table(expand=True, box=None, header_style="bold", pad_edge=False)
    table.add_column(_("Phase"))
    table.add_column(_("{year} (kgCO2e)").format(year=exp.year), justify="right")
    table.add_column(_("Lifetime (kgCO2e)"), justify="right")
    table.add_column(_("Low–high (lifetime)"), justify="right")
    for term in exp.terms:
        table.add_row(
            _(PHASE_LABELS[term.phase]),
            fmt_number(term.year[0], 1),
            fmt_number(term.lifetime[0], 1),
            f"{fmt_number(term.lifetime[1], 0)}–{fmt_number(term.lifetime[2], 0)}",
        )
    year, life = exp.year_total, exp.lifetime_total
    table.add_row(
        Text(_("Total"), style="bold"),
        Text(fmt_number(year[0], 1), style="bold"),
        Text(fmt_number(life[0], 1), style="bold"),
        f"{fmt_number(life[1], 0)}–{fmt_number(life[2], 0)}",
    )
    parts: list = [
        Text(
            _("Amortised over the lifespan; grid zone {zone}; WEEE weight {w} kg.").format(
                zone=exp.zone, w=fmt_number(exp.weight_kg, 2)
            ),
            style="dim",
        ),
        table,
        Text(""),
        Text(_("Factors and sources"), style="bold"),
    ]
    for term in exp.terms:
        parts.append(
            Text(
                _("{label}: {value}").format(label=_(PHASE_LABELS[term.phase]), value=term.formula),
                style="italic",
            )
        )
        for inp in term.inputs:
            parts.append(Text(f"  {inp.label} = {inp.value}  [{inp.source}]"))
    parts.extend(Text(note, style="dim") for note in exp.notes)
    return Group(*parts)


def device_flag(engine: Engine, settings: Settings, asset_tag: str, today: dt.date):
    """The device's :class:`~sobriety.domain.reuse.explain.DeviceFlag` under the policy."""
    from sobriety.domain.reuse.policy import resolve_policy
    from sobriety.storage.decisions import flag_device

    policy = resolve_policy(settings.policy)
    with Session(engine) as session:
        return flag_device(session, policy, asset_tag, today)


def reuse_recommendation(
    engine: Engine, settings: Settings, asset_tag: str, today: dt.date
) -> Group:
    """The recommended channel with its reasons, then every other channel's state."""
    return flag_text(device_flag(engine, settings, asset_tag, today))


def flag_text(flag, decided: str | None = None) -> Group:
    """A flag as text: the decision taken, the recommendation and every other channel."""
    from sobriety.domain.reuse.text import channel_name, render_reason, state_name

    parts: list = []
    if decided:
        parts.append(
            Text(
                _("Decided: {channel} (recorded in the history)").format(
                    channel=channel_name(decided)
                ),
                style="bold reverse",
            )
        )
        parts.append(Text(""))
    if flag.recommended is None:
        parts.append(Text(_("No channel recommended: the device stays in service."), style="bold"))
    else:
        parts.append(
            Text(
                _("Recommended: {channel}").format(channel=channel_name(flag.recommended.channel)),
                style="bold",
            )
        )
        parts.extend(
            Text(f"  • {render_reason(r, with_source=True)}") for r in flag.recommended.reasons
        )
    parts.append(Text(""))
    for outcome in flag.outcomes:
        if flag.recommended is not None and outcome.channel == flag.recommended.channel:
            continue
        parts.append(
            Text(f"{channel_name(outcome.channel)} — {state_name(outcome.state)}", style="bold")
        )
        for r in (*outcome.rule_outs, *outcome.blockers):
            parts.append(Text(f"  • {render_reason(r, with_source=True)}"))
    return Group(*parts)
