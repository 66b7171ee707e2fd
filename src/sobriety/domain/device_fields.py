"""Validation of device fields typed by a person (edit form, actions).

One rule per field: :func:`parse_field` turns the text a user typed into the
stored value or raises :class:`FieldError` with the reason, and
:func:`check_device` adds the rules that span several fields. The terminal UI
shows the reason next to the field; the importer can apply the same rules.

Numbers accept a French decimal comma and spaces as thousands separators;
a quantity field also accepts a value with a unit (``16384 MB`` for a RAM in
GB, ``1,4 kg``), converted into the field's unit. Dates are ``YYYY-MM-DD`` or
``DD/MM/YYYY``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sobriety.domain import vocab
from sobriety.i18n import N_, _


class FieldError(ValueError):
    """A value refused, with the reason shown to the user."""

    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason
        super().__init__(f"{field}: {reason}")


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str  # English source string, translate with _() when shown
    kind: str  # text | choice | int | float | date | bool
    required: bool = False
    max_length: int | None = None
    choices: type[StrEnum] | None = None
    minimum: float | None = None
    maximum: float | None = None
    unit: str | None = None  # pint unit of a quantity field


def _spec(name: str, label: str, kind: str, **kw: Any) -> FieldSpec:
    return FieldSpec(name, label, kind, **kw)


#: Every field a person may edit, in the order of the edit form.
FIELDS: tuple[FieldSpec, ...] = (
    _spec("asset_tag", N_("Asset tag"), "text", required=True, max_length=64),
    _spec("serial", N_("Serial number"), "text", max_length=120),
    _spec("category", N_("Category"), "choice", required=True, choices=vocab.Category),
    _spec("manufacturer", N_("Manufacturer"), "text", max_length=120),
    _spec("model", N_("Model"), "text", max_length=200),
    _spec("assignee", N_("Assignee (pseudonym)"), "text", max_length=64),
    _spec("status", N_("Status"), "choice", required=True, choices=vocab.Status),
    _spec("condition", N_("Condition"), "choice", required=True, choices=vocab.Condition),
    _spec("acquisition_date", N_("Acquired on"), "date"),
    _spec(
        "acquisition_type",
        N_("Acquisition type"),
        "choice",
        required=True,
        choices=vocab.AcquisitionType,
    ),
    _spec("purchase_price_eur", N_("Price excl. VAT (EUR)"), "float", minimum=0, unit="EUR"),
    _spec("warranty_end", N_("Warranty end"), "date"),
    _spec("battery_health_pct", N_("Battery health (%)"), "float", minimum=0, maximum=100),
    _spec("ram_gb", N_("RAM (GB)"), "float", minimum=0, maximum=4096, unit="GB"),
    _spec("storage_gb", N_("Storage (GB)"), "float", minimum=0, unit="GB"),
    _spec("storage_type", N_("Storage type"), "choice", choices=vocab.StorageType),
    _spec("cpu_model", N_("CPU model"), "text", max_length=120),
    _spec("cpu_generation", N_("CPU generation"), "int", minimum=0, maximum=100),
    _spec("tpm_version", N_("TPM version"), "text", max_length=10),
    _spec("screen_size_in", N_("Screen size (in)"), "float", minimum=0, maximum=150, unit="inch"),
    _spec("os", N_("Operating system"), "text", max_length=80),
    _spec("sensitive_data", N_("Sensitive data"), "bool"),
    _spec("weight_kg", N_("Weight (kg)"), "float", minimum=0, maximum=1000, unit="kg"),
    _spec("measured_power_w", N_("Measured power (W)"), "float", minimum=0, unit="W"),
    _spec("retirement_date", N_("Retired on"), "date"),
    _spec("declared_value_eur", N_("Declared value (EUR)"), "float", minimum=0, unit="EUR"),
    _spec("reuse_channel", N_("Reuse channel"), "choice", choices=vocab.Channel),
    _spec("notes", N_("Notes"), "text"),
)
FIELDS_BY_NAME: dict[str, FieldSpec] = {f.name: f for f in FIELDS}


def _number(spec: FieldSpec, text: str) -> float:
    compact = text.replace("\u202f", "").replace("\u00a0", "").replace(" ", "")
    try:
        return float(compact.replace(",", "."))
    except ValueError:
        pass
    if spec.unit is not None:
        from sobriety.units import UnitError, magnitude, parse_quantity

        try:
            return magnitude(parse_quantity(text.replace(",", "."), spec.unit), spec.unit)
        except UnitError:
            pass
        raise FieldError(
            spec.name,
            _("{value!r} is not a number (or a quantity in {unit})").format(
                value=text, unit=spec.unit
            ),
        )
    raise FieldError(spec.name, _("{value!r} is not a number").format(value=text))


def _date(spec: FieldSpec, text: str) -> dt.date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise FieldError(
        spec.name,
        _("{value!r} is not a date; expected YYYY-MM-DD or DD/MM/YYYY").format(value=text),
    )


def parse_field(name: str, text: str | None) -> Any:
    """The stored value of field ``name`` typed as ``text``; :class:`FieldError` if refused.

    An empty text means "unknown" (``None``) for an optional field.
    """
    spec = FIELDS_BY_NAME.get(name)
    if spec is None:
        raise KeyError(f"unknown device field {name!r}")
    raw = (text or "").strip()
    if spec.kind == "bool":
        if raw.lower() in ("", "0", "false", "no", "non", "n"):
            return False
        if raw.lower() in ("1", "true", "yes", "oui", "y", "o"):
            return True
        raise FieldError(name, _("{value!r} is not yes or no").format(value=raw))
    if not raw:
        if spec.required:
            raise FieldError(name, _("a value is required"))
        return None
    if spec.kind == "text":
        if spec.max_length is not None and len(raw) > spec.max_length:
            raise FieldError(
                name,
                _("{n} characters, at most {max} allowed").format(n=len(raw), max=spec.max_length),
            )
        return raw
    if spec.kind == "choice":
        assert spec.choices is not None
        allowed = [c.value for c in spec.choices]
        if raw not in allowed:
            raise FieldError(
                name,
                _("{value!r} is not one of: {allowed}").format(
                    value=raw, allowed=", ".join(allowed)
                ),
            )
        return raw
    if spec.kind == "date":
        return _date(spec, raw)
    value = _number(spec, raw)
    if spec.kind == "int":
        if value != int(value):
            raise FieldError(name, _("{value!r} is not a whole number").format(value=raw))
        value = int(value)
    if spec.minimum is not None and value < spec.minimum:
        raise FieldError(name, _("must be at least {min}").format(min=spec.minimum))
    if spec.maximum is not None and value > spec.maximum:
        raise FieldError(name, _("must be at most {max}").format(max=spec.maximum))
    return value


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
