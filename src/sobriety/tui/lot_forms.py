"""Building a lot from the reuse queue: its form and dialog.

The recipient kind follows the lot's channel (a transfer lot goes to a public
body) when the form opens and whenever the channel changes to one that does
not take the kind chosen. A refused lot reopens the form with what was typed
and the refusals above the fields. No lot code is shown before the lot exists.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from textual import on
from textual.widgets import Select

from sobriety.domain.inventory.form import FieldError, parse_field
from sobriety.domain.labels import label
from sobriety.domain.reuse.lots import LotRuleError, normalise_siret
from sobriety.domain.reuse.text import channel_name
from sobriety.domain.vocab import Channel
from sobriety.i18n import _, ngettext
from sobriety.tui import field_parsers as fp
from sobriety.tui.screens.action_dialog import ActionDialog, ActionForm, DialogField


def _siret(text: str) -> str | None:
    try:
        return normalise_siret(text)
    except LotRuleError as exc:
        raise FieldError("", str(exc)) from exc


def _price(text: str | None) -> float | None:
    return parse_field("purchase_price_eur", text)


def lot_form(
    n: int,
    values: dict[str, Any],
    kinds_of: Callable[[str | None], Sequence[str]],
) -> ActionForm:
    """The form of a lot of ``n`` devices, filled with ``values``; ``kinds_of(channel)``
    lists the recipient kinds the policy allows, the first being the default."""
    channel = values.get("channel")
    kinds = list(kinds_of(channel))
    kind = values.get("recipient_kind")
    if kind not in kinds:
        kind = kinds[0] if kinds else None
    return ActionForm(
        "lot",
        ngettext(
            "Build a lot of {n} device",
            "Build a lot of {n} devices",
            n,
        ).format(n=n),
        [
            DialogField(
                "channel",
                _("Channel"),
                kind="choice",
                value=channel,
                choices=[(channel_name(c), str(c)) for c in Channel],
                parser=fp.required,
                allow_blank=False,
            ),
            DialogField(
                "recipient_kind",
                _("Kind"),
                kind="choice",
                value=kind,
                choices=[(label("recipient_kind", k), k) for k in kinds],
                parser=fp.required,
                allow_blank=False,
            ),
            DialogField(
                "recipient_name",
                _("Recipient"),
                value=values.get("recipient_name"),
                parser=fp.text(200, required=True),
                allow_blank=False,
            ),
            DialogField(
                "siret",
                _("SIRET"),
                value=values.get("siret"),
                parser=_siret,
                placeholder=_("14 digits"),
            ),
            DialogField(
                "recipient_address",
                _("Recipient's address"),
                value=values.get("recipient_address"),
                parser=fp.text(500),
            ),
            DialogField(
                "price_eur",
                _("Price (EUR, sale only)"),
                value=None if values.get("price_eur") is None else str(values["price_eur"]),
                parser=_price,
                placeholder=_("free of charge"),
            ),
            DialogField(
                "supplier_contract_ref",
                _("Supplier's contract"),
                value=values.get("supplier_contract_ref"),
                parser=fp.text(200),
                placeholder=_("take-back by the initial supplier"),
            ),
        ],
    )


class LotDialog(ActionDialog):
    """The lot form; the recipient kinds follow the channel chosen."""

    def __init__(
        self,
        form: ActionForm,
        kinds_of: Callable[[str | None], Sequence[str]],
        problems: Sequence[str] = (),
    ) -> None:
        super().__init__(form, problems=problems)
        self.kinds_of = kinds_of

    @on(Select.Changed, "#field-channel")
    def _channel_changed(self, event: Select.Changed) -> None:
        channel = None if event.value is Select.NULL else str(event.value)
        kinds = list(self.kinds_of(channel))
        select = self.query_one("#field-recipient_kind", Select)
        current = None if select.value is Select.NULL else select.value
        select.set_options([(label("recipient_kind", k), k) for k in kinds])
        if kinds:
            select.value = current if current in kinds else kinds[0]
