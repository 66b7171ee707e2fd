"""The form adding a user's per-model emission factor, and its unit-aware checks.

Each figure is typed with its unit ("250 kgCO2e", "0.25 tCO2e", "20 kWh/year",
"6 year", "1.4 kg", "20 %") and read with the package's one unit registry
(:func:`sobriety.units.parse_magnitude`): a wrong dimension ("45 kg" for an
emission) is refused in place with what was expected. The same rules as
``sobriety factors add``: a source and a quality are required, at least one
figure, no negative value, a lifespan above zero.
"""

from __future__ import annotations

from typing import Any

from sobriety.domain.carbon.model_match import ModelRecord, match_key, normalise_manufacturer
from sobriety.domain.inventory.form import FieldError
from sobriety.domain.labels import choices
from sobriety.i18n import N_, _
from sobriety.tui import field_parsers as fp
from sobriety.tui.screens.action_dialog import ActionForm, DialogField
from sobriety.units import UnitError, parse_magnitude

QUALITIES = {
    "measured": N_("Measured"),
    "manufacturer": N_("Manufacturer's sheet"),
    "estimated": N_("Estimated"),
    "literature": N_("Literature"),
}
#: (field, label, unit kind, example)
FIGURES = (
    ("manufacturing_kgco2e", N_("Manufacturing"), "emissions", "250 kgCO2e"),
    ("distribution_kgco2e", N_("Distribution"), "emissions", "10 kgCO2e"),
    ("end_of_life_kgco2e", N_("End of life"), "emissions", "5 kgCO2e"),
    ("yearly_energy_kwh", N_("Yearly energy"), "yearly_energy", "20 kWh/year"),
    ("lifespan_years", N_("Lifespan"), "duration", "6 year"),
    ("weight_kg", N_("Weight"), "mass", "1.4 kg"),
    ("uncertainty", N_("Uncertainty"), "fraction", "20 %"),
)


def _quantity(kind: str, positive: bool = False):
    def parse(text: str) -> float | None:
        text = (text or "").strip()
        if not text:
            return None
        try:
            value = parse_magnitude(text, kind)
        except UnitError as exc:
            raise FieldError("", str(exc)) from exc
        if value < 0 or (positive and value == 0):
            raise FieldError("", _("a value above 0") if positive else _("a value >= 0"))
        return value

    return parse


def _manufacturer(text: str) -> str:
    value = fp.text(120, required=True)(text)
    if not normalise_manufacturer(value):
        raise FieldError("", _("a manufacturer name"))
    return value


def model_factor_form(manufacturer: str = "", model: str = "") -> ActionForm:
    fields = [
        DialogField(
            "manufacturer", _("Manufacturer"), value=manufacturer or None,
            parser=_manufacturer, allow_blank=False, placeholder="Dell",
        ),
        DialogField(
            "model", _("Model"), value=model or None, parser=fp.text(200, required=True),
            allow_blank=False, placeholder="Latitude 5420",
        ),
    ]  # fmt: skip
    for name, title, kind, example in FIGURES:
        fields.append(
            DialogField(
                name,
                _(title),
                parser=_quantity(kind, positive=name == "lifespan_years"),
                placeholder=example,
            )
        )
    fields += [
        DialogField("category", _("Category"), kind="choice", choices=choices("category")),
        DialogField(
            "source",
            _("Source"),
            parser=fp.text(500, required=True),
            allow_blank=False,
            placeholder=_("document, publisher, date or URL"),
        ),
        DialogField(
            "quality",
            _("Quality"),
            kind="choice",
            choices=[(_(t), q) for q, t in QUALITIES.items()],
            parser=fp.required,
            allow_blank=False,
        ),
        DialogField("replace", _("Replace mine"), kind="bool", value=False),
    ]
    return ActionForm(
        "model_factor",
        _("Add a per-model factor"),
        fields,
        text=_("Type each figure with its unit; it beats the category default for this model."),
    )


class NoFigure(ValueError):
    """Every figure was left empty."""


def model_record(values: dict[str, Any]) -> ModelRecord:
    """The record to store from the form's parsed values (NoFigure if it holds no figure)."""
    figures = {name: values.get(name) for name, *_rest in FIGURES}
    if all(v is None for k, v in figures.items() if k != "uncertainty"):
        raise NoFigure(_("give at least one figure (manufacturing, yearly energy...)"))
    manufacturer, model = values["manufacturer"].strip(), values["model"].strip()
    return ModelRecord(
        manufacturer=manufacturer,
        model=model,
        match_key=match_key(manufacturer, model),
        category=values.get("category"),
        total_kgco2e=None,
        origin="user",
        source=values["source"].strip(),
        quality=values["quality"],
        **figures,
    )
