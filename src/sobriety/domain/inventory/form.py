"""Device fields typed by a person (edit form, actions): labels, form order, reasons.

A thin layer over the rules of :mod:`sobriety.domain.inventory.fields`, which the
importer applies too: types, ranges, lengths, vocabularies (with their
synonyms), units and the reading of numbers, quantities and dates all live
there, so a value typed in the terminal UI is accepted or refused exactly as
the same value in an imported file, for the same reason. This module adds
what only a form needs: the label and order of each field, which fields a
device cannot leave blank, :class:`FieldError` carrying the reason shown to
the user, and :func:`check_device`, the rules across fields that depend on
today's date.
"""

from __future__ import annotations

import datetime as dt
import functools
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sobriety.domain.inventory import fields as inventory
from sobriety.domain.inventory.fields import Synonyms, ValueRefused, read_value
from sobriety.i18n import N_, _


class FieldError(ValueError):
    """A value refused, with the reason shown to the user."""

    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason
        super().__init__(f"{field}: {reason}")


#: The form's name of each kind of rule.
_FORM_KINDS = {
    inventory.TEXT: "text",
    inventory.ENUM: "choice",
    inventory.INT: "int",
    inventory.FLOAT: "float",
    inventory.DATE: "date",
    inventory.BOOL: "bool",
}


@dataclass(frozen=True)
class FormField:
    """One field of the edit form; its rules are the import's (:attr:`rule`)."""

    name: str
    label: str  # English source string, translate with _() when shown
    #: The form refuses a blank value (an import gives a new device the default).
    required: bool = False

    @property
    def rule(self) -> inventory.FieldSpec:
        return inventory.FIELDS[self.name]

    @property
    def kind(self) -> str:
        """``text``, ``choice``, ``int``, ``float``, ``date`` or ``bool``."""
        return _FORM_KINDS[self.rule.kind]


#: Every field a person may edit, in the order of the edit form.
FIELDS: tuple[FormField, ...] = (
    FormField("asset_tag", N_("Asset tag"), required=True),
    FormField("serial", N_("Serial number")),
    FormField("category", N_("Category"), required=True),
    FormField("manufacturer", N_("Manufacturer")),
    FormField("model", N_("Model")),
    FormField("assignee", N_("Assignee (pseudonym)")),
    FormField("status", N_("Status"), required=True),
    FormField("condition", N_("Condition"), required=True),
    FormField("acquisition_date", N_("Acquired on")),
    FormField("acquisition_type", N_("Acquisition type"), required=True),
    FormField("purchase_price_eur", N_("Price excl. VAT (EUR)")),
    FormField("warranty_end", N_("Warranty end")),
    FormField("battery_health_pct", N_("Battery health (%)")),
    FormField("ram_gb", N_("RAM (GB)")),
    FormField("storage_gb", N_("Storage (GB)")),
    FormField("storage_type", N_("Storage type")),
    FormField("cpu_model", N_("CPU model")),
    FormField("cpu_generation", N_("CPU generation")),
    FormField("tpm_version", N_("TPM version")),
    FormField("screen_size_in", N_("Screen size (in)")),
    FormField("os", N_("Operating system")),
    FormField("sensitive_data", N_("Sensitive data")),
    FormField("weight_kg", N_("Weight (kg)")),
    FormField("measured_power_w", N_("Measured power (W)")),
    FormField("retirement_date", N_("Retired on")),
    FormField("declared_value_eur", N_("Declared value (EUR)")),
    FormField("reuse_channel", N_("Reuse channel")),
    FormField("notes", N_("Notes")),
)
FIELDS_BY_NAME: dict[str, FormField] = {f.name: f for f in FIELDS}


@functools.cache
def shipped_synonyms() -> Synonyms:
    """The synonym table shipped with the package (what an import reads by default)."""
    path = Path(__file__).resolve().parents[2] / "data" / "synonyms.toml"
    return Synonyms.build([tomllib.loads(path.read_text(encoding="utf-8"))])


#: Characters of a refused value repeated in the reason (the field shows it whole).
SHOWN_MAX = 40


def refusal(value: Any, expected: str) -> str:
    """The reason shown for a refused value, worded as the importer words it."""
    shown = str(value)
    if len(shown) > SHOWN_MAX:
        shown = shown[: SHOWN_MAX - 1] + "…"
    return _("{value}; expected {expected}").format(value=f'"{shown}"', expected=expected)


def parse_field(name: str, text: Any, *, synonyms: Synonyms | None = None) -> Any:
    """The stored value of field ``name`` typed as ``text``; :class:`FieldError` if refused.

    The value is read and checked by :func:`sobriety.domain.inventory.fields.read_value`
    with ``synonyms`` (the shipped table by default). A blank text means the
    field's default ("unknown" for most, "no" for a yes/no field); a required
    field refuses it.
    """
    spec = FIELDS_BY_NAME.get(name)
    if spec is None:
        raise KeyError(f"unknown device field {name!r}")
    if text is None or (isinstance(text, str) and not text.strip()):
        if spec.required:
            raise FieldError(name, _("a value is required"))
        return spec.rule.default
    table = shipped_synonyms() if synonyms is None else synonyms
    try:
        return read_value(name, text, synonyms=table)
    except ValueRefused as exc:
        shown = text.strip() if isinstance(text, str) else text
        raise FieldError(name, refusal(shown, exc.expected)) from None


def check_device(values: Mapping[str, Any], *, today: dt.date) -> dict[str, str]:
    """Rules across fields; returns ``{field: reason}`` (empty when all hold)."""
    problems: dict[str, str] = {}
    acquired = values.get("acquisition_date")
    if acquired is not None and acquired > today:
        problems["acquisition_date"] = _("in the future")
    for name in ("retirement_date", "warranty_end"):
        when = values.get(name)
        if when is not None and acquired is not None and when < acquired:
            problems[name] = _("before the acquisition date")
    retired = values.get("retirement_date")
    if retired is not None and retired > today:
        problems["retirement_date"] = _("in the future")
    return problems
