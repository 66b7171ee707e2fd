"""Rules of a device record: field specs, cell reading and validation.

Pure functions on columns (one list per field, one entry per record), so that a
batch of 100,000 records is read and checked in a fraction of a second:

- :func:`read_columns` turns raw cells (text from a CSV, typed values from a
  spreadsheet or JSON) into typed values: numbers with French or English
  separators, quantities with units converted to the column's unit through
  :mod:`sobriety.units`, dates ``YYYY-MM-DD`` or day/month dates in the
  column's order (``date_orders``, day first by default; with or without a
  time), vocabulary values through a :class:`Synonyms` table. Each
  distinct cell value is read once per column (inventories repeat values).
- :func:`validate_columns` checks the typed columns: required fields, lengths,
  ranges, date order, each rule once per distinct value of a column.

Both return :class:`Problem` objects located by record index and field; the
file readers turn them into line and column numbers.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sobriety.domain import vocab
from sobriety.domain.inventory.values import (
    CellError,
    QuantityReader,
    parse_date,
    parse_number,
)
from sobriety.i18n import _, fmt_exact

TEXT, ENUM, FLOAT, INT, DATE, BOOL = "text", "enum", "float", "int", "date", "bool"


@dataclass(frozen=True)
class FieldSpec:
    """What one field of a device record accepts."""

    name: str
    kind: str
    max_length: int | None = None
    #: Name of the synonym section (and vocabulary) of an ``enum`` field.
    vocabulary: str | None = None
    #: Unit of the stored magnitude; cells may carry any unit of the same dimension.
    unit: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    #: Value given to a new device when the cell is empty (None: stays empty).
    default: Any = None


#: Vocabularies by synonym-section name.
VOCABULARIES: dict[str, type[StrEnum]] = {
    "category": vocab.Category,
    "status": vocab.Status,
    "condition": vocab.Condition,
    "acquisition_type": vocab.AcquisitionType,
    "storage_type": vocab.StorageType,
    "reuse_channel": vocab.Channel,
    "site_kind": vocab.SiteKind,
}

DEVICE_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("asset_tag", TEXT, max_length=64),
    FieldSpec("serial", TEXT, max_length=120),
    FieldSpec("category", ENUM, vocabulary="category"),
    FieldSpec("manufacturer", TEXT, max_length=120),
    FieldSpec("model", TEXT, max_length=200),
    FieldSpec("assignee", TEXT, max_length=64),
    FieldSpec("acquisition_date", DATE),
    FieldSpec("acquisition_type", ENUM, vocabulary="acquisition_type", default="new"),
    FieldSpec("purchase_price_eur", FLOAT, unit="EUR", minimum=0, maximum=10_000_000),
    FieldSpec("warranty_end", DATE),
    FieldSpec("status", ENUM, vocabulary="status", default="in_service"),
    FieldSpec("condition", ENUM, vocabulary="condition", default="working"),
    FieldSpec("battery_health_pct", FLOAT, unit="percent", minimum=0, maximum=100),
    FieldSpec("ram_gb", FLOAT, unit="GB", minimum=0, maximum=4096),
    FieldSpec("storage_gb", FLOAT, unit="GB", minimum=0, maximum=1_000_000),
    FieldSpec("storage_type", ENUM, vocabulary="storage_type"),
    FieldSpec("cpu_model", TEXT, max_length=120),
    FieldSpec("cpu_generation", INT, minimum=0, maximum=100),
    FieldSpec("tpm_version", TEXT, max_length=10),
    FieldSpec("screen_size_in", FLOAT, unit="inch", minimum=0, maximum=150),
    FieldSpec("os", TEXT, max_length=80),
    FieldSpec("sensitive_data", BOOL, default=False),
    FieldSpec("weight_kg", FLOAT, unit="kg", minimum=0, maximum=1000),
    FieldSpec("max_dimension_cm", FLOAT, unit="cm", minimum=0, maximum=1000),
    FieldSpec("measured_power_w", FLOAT, unit="W", minimum=0, maximum=100_000),
    FieldSpec("retirement_date", DATE),
    FieldSpec("declared_value_eur", FLOAT, unit="EUR", minimum=0, maximum=10_000_000),
    FieldSpec("reuse_channel", ENUM, vocabulary="reuse_channel"),
    FieldSpec("repair_estimate_eur", FLOAT, unit="EUR", minimum=0, maximum=10_000_000),
    FieldSpec("notes", TEXT, max_length=10_000),
    #: Where the device is within its site: a building, a room (GLPI "Lieu" under an entity).
    FieldSpec("location", TEXT, max_length=200),
    # Filled by hardware inventories (see sobriety.domain.inventory.agent_rules).
    FieldSpec("uuid", TEXT, max_length=64),
    FieldSpec("last_inventory_date", DATE),
)

#: Fields naming the device's site: ``site`` is a code or a name (a GLPI
#: location path "A > B > C" names its last part); the others come from exports.
SITE_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("site", TEXT, max_length=200),
    FieldSpec("site_code", TEXT, max_length=40),
    FieldSpec("site_name", TEXT, max_length=200),
    FieldSpec("site_kind", ENUM, vocabulary="site_kind"),
)

#: Fields read from a file to derive stored ones, never stored themselves: the
#: delivery date stands for a missing purchase date, and the warranty length (from
#: its start, else the acquisition date) gives the warranty end.
DERIVING_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("delivery_date", DATE),
    FieldSpec("warranty_start", DATE),
    FieldSpec("warranty_months", FLOAT, unit="month", minimum=0, maximum=600),
)

FIELDS: dict[str, FieldSpec] = {f.name: f for f in DEVICE_FIELDS + SITE_FIELDS + DERIVING_FIELDS}
DEVICE_FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in DEVICE_FIELDS)
DATE_RANGE = (dt.date(1970, 1, 1), dt.date(2100, 12, 31))


@dataclass(frozen=True)
class Problem:
    """One invalid cell (or record): index in the batch, field, value, what was expected."""

    row: int
    field: str
    value: Any
    expected: str


# --- synonyms ---------------------------------------------------------------

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def normalise_label(text: str) -> str:
    """Case-, accent-, space- and punctuation-insensitive key: "Borne Wi-Fi" -> "bornewifi"."""
    if text.isascii():  # the same key, without decomposing (ASCII has no accents)
        return text.lower() if text.isalnum() else _NOT_ALNUM.sub("", text.lower())
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NOT_ALNUM.sub("", ascii_only.replace("œ", "oe").replace("æ", "ae"))


@dataclass
class Synonyms:
    """Free-text labels -> vocabulary values, per section (``category``, ``status``...).

    Every vocabulary value is its own synonym ("in_service", "In service").
    ``boolean`` holds the words read as true or false.
    """

    sections: dict[str, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def build(cls, tables: Iterable[Mapping[str, Mapping[str, Sequence[str]]]]) -> Synonyms:
        """Merge tables of ``{section: {value: [labels]}}``; later tables win."""
        sections: dict[str, dict[str, str]] = {}
        for name, enum in VOCABULARIES.items():
            sections[name] = {normalise_label(v.value): v.value for v in enum}
        sections["boolean"] = {"true": "true", "false": "false"}
        for table in tables:
            for section, values in table.items():
                target = sections.setdefault(section, {})
                for value, labels in values.items():
                    for label in labels:
                        target[normalise_label(label)] = value
        return cls(sections)

    def lookup(self, section: str, text: str) -> str | None:
        return self.sections.get(section, {}).get(normalise_label(text))


def check_synonym_table(table: Mapping[str, Any]) -> list[str]:
    """Problems of a synonym table (unknown section or value, non-list labels)."""
    problems: list[str] = []
    for section, values in table.items():
        allowed = _allowed_values(section)
        if allowed is None:
            problems.append(_("unknown section [{section}]").format(section=section))
            continue
        if not isinstance(values, Mapping):
            problems.append(_("[{section}] must be a table").format(section=section))
            continue
        for value, labels in values.items():
            if value not in allowed:
                problems.append(
                    _("[{section}] {value}: not one of {allowed}").format(
                        section=section, value=value, allowed=", ".join(sorted(allowed))
                    )
                )
            if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
                problems.append(
                    _("[{section}] {value}: expected a list of strings").format(
                        section=section, value=value
                    )
                )
    return problems


def _allowed_values(section: str) -> set[str] | None:
    if section == "boolean":
        return {"true", "false"}
    enum = VOCABULARIES.get(section)
    return None if enum is None else {v.value for v in enum}


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, dt.datetime | dt.date):
        value = value.isoformat()
    s = str(value).strip()
    return s or None


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def cell_reader(
    spec: FieldSpec,
    *,
    synonyms: Synonyms,
    decimal_comma: bool = True,
    date_order: str | None = "dmy",
) -> Callable[[Any], Any]:
    """A function reading one non-blank cell for ``spec``; raises :class:`CellError`.

    ``date_order`` (``dmy``, ``mdy`` or None: unknown) is how a date field reads
    day/month dates (see :func:`~sobriety.domain.inventory.values.parse_date`).
    """
    if spec.kind == TEXT:
        return _text
    if spec.kind == ENUM:
        section = spec.vocabulary or spec.name

        def read_enum(value: Any) -> str:
            found = synonyms.lookup(section, str(value))
            if found is None:
                raise CellError(section)
            return found

        return read_enum
    if spec.kind == BOOL:

        def read_bool(value: Any) -> bool:
            if isinstance(value, bool):
                return value
            if isinstance(value, int | float) and value in (0, 1):
                return bool(value)
            found = synonyms.lookup("boolean", str(value))
            if found is None:
                raise CellError("boolean")
            return found == "true"

        return read_bool
    if spec.kind == DATE:

        def read_date(value: Any) -> dt.date:
            if isinstance(value, dt.datetime):
                return value.date()
            if isinstance(value, dt.date):
                return value
            return parse_date(str(value), date_order)

        return read_date
    quantities = QuantityReader(spec.unit, decimal_comma=decimal_comma) if spec.unit else None

    def read_number(value: Any) -> float | int:
        if isinstance(value, bool):
            raise CellError("number")
        if isinstance(value, int | float):
            number = float(value)
            if not math.isfinite(number):
                raise CellError("number")
        elif quantities is not None:
            number = quantities.read(str(value))
        else:
            number = parse_number(str(value).strip(), decimal_comma=decimal_comma)
        if spec.kind == INT:
            if not number.is_integer():
                raise CellError("integer")
            return int(number)
        return number

    return read_number


def expected_text(spec: FieldSpec, reason: str = "") -> str:
    """What a field accepts, for error messages."""
    if spec.kind == ENUM:
        values = ", ".join(v.value for v in VOCABULARIES[spec.vocabulary or spec.name])
        return _("one of {values}, or a synonym listed in the synonym table").format(values=values)
    if spec.kind == BOOL:
        return _("yes or no (oui/non, true/false, 1/0)")
    if spec.kind == DATE:
        first, last = DATE_RANGE[0].year, DATE_RANGE[1].year
        if reason == "date_order":
            return _(
                "a date whose day and month can be told apart: in this column no day is "
                "over 12 and the profile sets no order; give --date-order dmy or mdy"
            )
        if reason == "date_mdy":
            return _(
                "a date M/D/YYYY (the column's month/day order) or YYYY-MM-DD "
                "between {first} and {last}"
            ).format(first=first, last=last)
        return _("a date DD/MM/YYYY or YYYY-MM-DD between {first} and {last}").format(
            first=first, last=last
        )
    if spec.kind == TEXT:
        return _("text of at most {n} characters").format(n=spec.max_length)
    what = _("a whole number") if spec.kind == INT else _("a number")
    if spec.minimum is not None and spec.maximum is not None:
        what = _("{what} from {low} to {high}").format(
            what=what, low=fmt_exact(spec.minimum), high=fmt_exact(spec.maximum)
        )
    if spec.unit:
        what = _("{what} in {unit} (or with a unit of the same kind, e.g. {example})").format(
            what=what, unit=spec.unit, example=_EXAMPLES.get(spec.unit, "")
        )
    if reason == "unit":
        what = _("a unit of the right kind: {what}").format(what=what)
    return what


_EXAMPLES = {
    "EUR": "1 234,56 €",
    "percent": "85 %",
    "GB": "16 Go, 512 GB, 1 TB",
    "inch": '15,6", 39,6 cm',
    "kg": "1,4 kg, 1400 g",
    "W": "45 W",
    "month": "60 mois, 3 ans, 36 months",
}


@dataclass
class Columns:
    """Typed columns of a batch of records and the problems found reading them."""

    values: dict[str, list[Any]]
    size: int
    problems: list[Problem]


_UNREADABLE = object()
#: Distinct values remembered per column across batches (then forgotten).
CACHE_LIMIT = 200_000


def read_columns(
    raw: Mapping[str, Sequence[Any]],
    *,
    synonyms: Synonyms,
    decimal_comma: bool = True,
    prepare: Callable[[Any], Any] | None = None,
    caches: dict[str, tuple[dict, dict]] | None = None,
    date_orders: Mapping[str, str | None] | None = None,
) -> Columns:
    """Read raw cells (``{field: [cell per record]}``) into typed values.

    ``date_orders`` gives the day/month order of a date field (default ``dmy``).

    Blank cells become None. Each distinct cell value is read once per column,
    after ``prepare`` (e.g. undoing a spreadsheet's formula neutralisation);
    pass the same ``caches`` dict for successive batches of one file to read
    each distinct value once per file. Text columns of mostly distinct values
    (asset tags, serials) are read in one pass instead.
    """
    sizes = {len(v) for v in raw.values()}
    if len(sizes) > 1:
        raise ValueError("columns of different lengths")
    size = sizes.pop() if sizes else 0
    values: dict[str, list[Any]] = {}
    problems: list[Problem] = []
    for name, cells in raw.items():
        spec = FIELDS[name]
        results, bad = caches.setdefault(name, ({}, {})) if caches is not None else ({}, {})
        if len(results) > CACHE_LIMIT:
            results.clear()
            bad.clear()
        if spec.kind == TEXT and _mostly_distinct(cells):
            values[name] = _text_column(cells, prepare)
            continue
        try:
            out = list(map(results.__getitem__, cells))
        except KeyError:
            missing = set(cells).difference(results)
            order = date_orders.get(name, "dmy") if date_orders is not None else "dmy"
            reader = cell_reader(
                spec, synonyms=synonyms, decimal_comma=decimal_comma, date_order=order
            )
            for cell in missing:
                value = prepare(cell) if prepare is not None else cell
                if _is_blank(value):
                    results[cell] = None
                    continue
                try:
                    results[cell] = reader(value)
                except CellError as exc:
                    results[cell] = _UNREADABLE
                    bad[cell] = str(exc)
            out = list(map(results.__getitem__, cells))
        if bad and any(v is _UNREADABLE for v in out):
            for i, cell in enumerate(cells):
                if out[i] is _UNREADABLE:
                    out[i] = None
                    problems.append(Problem(i, name, cell, expected_text(spec, bad[cell])))
        values[name] = out
    problems.sort(key=lambda p: p.row)
    return Columns(values, size, problems)


def _mostly_distinct(cells: Sequence[Any], sample: int = 1000) -> bool:
    """Whether a column looks like identifiers (a quarter or more distinct values)."""
    head = cells[:sample]
    return len(set(head)) * 4 > len(head)


def _text_column(cells: Sequence[Any], prepare: Callable[[Any], Any] | None) -> list[str | None]:
    if prepare is not None:
        cells = [prepare(c) if type(c) is str and c[:1] == "'" else c for c in cells]
    return [(c.strip() or None) if type(c) is str else _text(c) for c in cells]


# --- validating typed columns -----------------------------------------------


def validate_columns(
    columns: Columns, *, bad_cells: set[tuple[int, str]] | None = None
) -> list[Problem]:
    """Check typed columns: identity, category, lengths, ranges, dates, date order.

    Column-wise: each rule is checked once per distinct value of a column, and
    rows are looked up only for the values that break it. ``bad_cells``
    (``(record, field)`` cells that already failed reading) are not reported
    again as missing the values they failed to give; an empty required cell of
    the same record is reported at once, on the first run.
    """
    vals = columns.values
    n = columns.size
    bad = bad_cells or set()
    skip_identity = {i for i, name in bad if name in ("asset_tag", "serial")}
    skip_category = {i for i, name in bad if name == "category"}
    problems: list[Problem] = []
    if "asset_tag" in vals or "serial" in vals:
        tags = vals.get("asset_tag", [None] * n)
        serials = vals.get("serial", [None] * n)
        if None in tags and None in serials:
            expected = _("an asset tag (or at least a serial number)")
            for i, (tag, serial) in enumerate(zip(tags, serials, strict=True)):
                if tag is None and serial is None and i not in skip_identity:
                    problems.append(Problem(i, "asset_tag", None, expected))
    if "category" in vals and None in vals["category"]:
        expected = expected_text(FIELDS["category"])
        for i, value in enumerate(vals["category"]):
            if value is None and i not in skip_category:
                problems.append(Problem(i, "category", None, expected))
    for name, data in vals.items():
        spec = FIELDS[name]
        if spec.kind == TEXT:
            if spec.max_length and max(map(len, filter(None, data)), default=0) > spec.max_length:
                expected = expected_text(spec)
                problems.extend(
                    Problem(i, name, v, expected)
                    for i, v in enumerate(data)
                    if v is not None and len(v) > spec.max_length
                )
            continue
        distinct = set(data)
        distinct.discard(None)
        if not distinct:
            continue
        if spec.kind in (FLOAT, INT):
            low = -math.inf if spec.minimum is None else spec.minimum
            high = math.inf if spec.maximum is None else spec.maximum
            bad = {v for v in distinct if not low <= v <= high}
        elif spec.kind == DATE:
            bad = {v for v in distinct if not DATE_RANGE[0] <= v <= DATE_RANGE[1]}
        else:
            continue
        if bad:
            expected = expected_text(spec)
            problems.extend(Problem(i, name, v, expected) for i, v in enumerate(data) if v in bad)
    retired, acquired = vals.get("retirement_date"), vals.get("acquisition_date")
    if retired is not None and acquired is not None and any(r is not None for r in retired):
        for i, (out, got) in enumerate(zip(retired, acquired, strict=True)):
            if out is not None and got is not None and out < got:
                expected = _("a date on or after the acquisition date ({date})").format(
                    date=got.isoformat()
                )
                problems.append(Problem(i, "retirement_date", out, expected))
    problems.sort(key=lambda p: p.row)
    return problems


def check_records(
    raw: Mapping[str, Sequence[Any]],
    *,
    synonyms: Synonyms,
    decimal_comma: bool = True,
    prepare: Callable[[Any], Any] | None = None,
    caches: dict[str, tuple[dict, dict]] | None = None,
    date_orders: Mapping[str, str | None] | None = None,
) -> Columns:
    """:func:`read_columns` then :func:`validate_columns`; every problem, sorted by record."""
    columns = read_columns(
        raw,
        synonyms=synonyms,
        decimal_comma=decimal_comma,
        prepare=prepare,
        caches=caches,
        date_orders=date_orders,
    )
    bad = {(p.row, p.field) for p in columns.problems}
    columns.problems = sorted(
        columns.problems + validate_columns(columns, bad_cells=bad), key=lambda p: p.row
    )
    return columns


class ValueRefused(ValueError):
    """One value refused by its field's rules; ``expected`` says what the field accepts."""

    def __init__(self, field: str, value: Any, expected: str) -> None:
        self.field = field
        self.value = value
        self.expected = expected
        super().__init__(
            _("{field}: {value!r}; expected {expected}").format(
                field=field, value=value, expected=expected
            )
        )


def read_value(name: str, cell: Any, *, synonyms: Synonyms, decimal_comma: bool = True) -> Any:
    """One cell of field ``name`` read and checked by the very rules of an import.

    The typed value (None for a blank cell, which the caller handles: an
    import gives a new device the field's default); :class:`ValueRefused`
    when the cell cannot be read or breaks the field's length or range.
    Rules spanning several fields are not applied.
    """
    if _is_blank(cell):
        return None
    columns = check_records({name: [cell]}, synonyms=synonyms, decimal_comma=decimal_comma)
    if columns.problems:
        raise ValueRefused(name, cell, columns.problems[0].expected)
    return columns.values[name][0]


def site_reference(text: str | None) -> str | None:
    """The site named by a location cell: the last part of a path "A > B > C"."""
    if text is None:
        return None
    last = text.rsplit(">", 1)[-1].strip()
    return last or None


def duplicates(
    keys: Sequence[Any], seen: dict[Any, Any], labels: Sequence[Any] | None = None
) -> list[tuple[int, Any]]:
    """Records whose key appeared before: ``(index, label of the first)``; updates ``seen``.

    ``seen`` maps each key to the label (e.g. the file line) of the record
    where it first appeared, across batches; ``labels`` default to indexes.
    """
    fresh = dict(zip(keys, labels if labels is not None else range(len(keys)), strict=True))
    fresh.pop(None, None)
    if len(fresh) == len(keys) - list(keys).count(None) and seen.keys().isdisjoint(fresh):
        seen.update(fresh)  # the usual case, checked in one pass: no key seen twice
        return []
    found: list[tuple[int, Any]] = []
    for i, key in enumerate(keys):
        if key is None:
            continue
        label = labels[i] if labels is not None else i
        first = seen.setdefault(key, label)
        if first != label:
            found.append((i, first))
    return found
