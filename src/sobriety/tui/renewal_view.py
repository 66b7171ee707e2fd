"""The renewal candidates shown from the reuse queue (key n): next year's plan in a table.

:func:`show_renewal_candidates` computes :func:`sobriety.app.renewal.renewal_plan`
(the price table's budget, next year) in a thread worker of the screen and
opens a dialog listing every candidate in priority order, with its reasons,
its replacement cost and whether the budget covers it.
"""

from __future__ import annotations

from textual.screen import Screen

from sobriety.i18n import _, fmt_number
from sobriety.tui.host import host

#: Lines shown in the dialog (the CSV/XLSX of ``sobriety renewal`` holds them all).
SHOWN = 500


def show_renewal_candidates(screen: Screen) -> None:
    def work() -> None:
        from sobriety.app import renewal
        from sobriety.tui.screens.problems import ProblemsDialog

        app = screen.app
        sobriety = host(screen).sobriety
        try:
            plan = renewal.renewal_plan(sobriety)
            rows = plan.rows(sobriety, limit=SHOWN)
        except Exception as exc:  # shown, never a crash
            app.call_from_thread(
                app.notify, str(exc).splitlines()[0], title=_("Renewal"), severity="error"
            )
            return
        s = plan.summary
        text = _(
            "{year}: {n} candidates, {selected} within the budget of {budget} EUR "
            "({cost} EUR). Extending lifespans: {n2} devices, {cost2} EUR."
        ).format(
            year=s["year"],
            n=fmt_number(s["candidates"]),
            selected=fmt_number(s["plan"]["devices"]),
            budget=fmt_number(s["budget_eur"]),
            cost=fmt_number(s["plan"]["cost_eur"]),
            n2=fmt_number(s["extend_lifespans"]["devices"]),
            cost2=fmt_number(s["extend_lifespans"]["cost_eur"]),
        )
        table = [
            (
                str(r["rank"]),
                r["asset_tag"],
                r["category"],
                r["reasons"],
                fmt_number(r["cost_eur"]),
                _("yes") if r["selected"] else _("no"),
            )
            for r in rows
        ]
        columns = [_("Rank"), _("Asset tag"), _("Category"), _("Reasons"), _("Cost (EUR)"),
                   _("In the plan")]  # fmt: skip
        app.call_from_thread(
            app.push_screen,
            ProblemsDialog(_("Renewal candidates"), text, columns, table),
        )

    screen.run_worker(work, thread=True, exclusive=True, exit_on_error=False, group="renewal")
