"""Read the Boavizta environmental-footprint-data CSV (both published variants).

The dataset comes as ``boavizta-data-us.csv`` (``,`` delimiter, ``.``
decimals) and ``boavizta-data-fr.csv`` (``;`` delimiter, ``,`` decimals, CRLF
line ends). :func:`read_efd` detects the variant from the header line and
returns one :class:`~sobriety.domain.carbon.model_match.EfdRow` per product; any
unreadable number is reported with its line, column, value and what was
expected, and nothing is returned (all or nothing).

Licence of the data: ODbL 1.0 + DbCL, attribution "Boavizta
environmental-footprint-data (ODbL)".
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from sobriety.domain.carbon.model_match import EfdRow
from sobriety.i18n import ngettext

REQUIRED = ("manufacturer", "name", "subcategory", "gwp_total")
NUMERIC = (
    "gwp_total",
    "gwp_use_ratio",
    "yearly_tec",
    "lifetime",
    "gwp_error_ratio",
    "gwp_manufacturing_ratio",
    "weight",
    "gwp_transport_ratio",
    "gwp_eol_ratio",
)
#: Shares of the total footprint (the error ratio may exceed 1: it is an uncertainty).
SHARES = frozenset(n for n in NUMERIC if n.endswith("_ratio") and n != "gwp_error_ratio")


@dataclass(frozen=True)
class EfdProblem:
    line: int
    column: str
    value: str
    expected: str

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}: {self.value!r}: {self.expected}"


class EfdFormatError(ValueError):
    def __init__(self, path: Path, problems: list[EfdProblem]) -> None:
        self.path = path
        self.problems = problems
        shown = "\n".join(f"  {p}" for p in problems[:50])
        more = len(problems) - 50
        tail = ""
        if more > 0:
            tail = "\n" + ngettext(
                "  ... and {n} more problem", "  ... and {n} more problems", more
            ).format(n=more)
        n = len(problems)
        head = ngettext("{path}: {n} problem:", "{path}: {n} problems:", n).format(path=path, n=n)
        super().__init__(f"{head}\n{shown}{tail}")


@dataclass(frozen=True)
class EfdFile:
    path: Path
    delimiter: str
    decimal: str
    rows: list[EfdRow]
    #: Values left out (with their line and column) and why.
    warnings: list[EfdProblem]


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def read_efd(path: Path | str) -> EfdFile:
    """Read either variant of the dataset; raise :class:`EfdFormatError` on bad input."""
    path = Path(path)
    text = _decode(path.read_bytes())
    header = text.split("\n", 1)[0]
    delimiter = ";" if header.count(";") > header.count(",") else ","
    decimal = "," if delimiter == ";" else "."
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    columns = [c.strip() for c in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise EfdFormatError(
            path,
            [
                EfdProblem(
                    1,
                    c,
                    "",
                    "a column of the Boavizta dataset (header: manufacturer, name, "
                    "category, subcategory, gwp_total, ...)",
                )
                for c in missing
            ],
        )
    problems: list[EfdProblem] = []
    warnings: list[EfdProblem] = []
    rows: list[EfdRow] = []
    for record in reader:
        line = reader.line_num
        # Fields beyond the header (DictReader files them as a list under None) are ignored.
        rec = {k.strip(): (v or "").strip() for k, v in record.items() if k is not None}
        values: dict[str, float | None] = dict.fromkeys(NUMERIC)
        for col in NUMERIC:
            raw = rec.get(col, "")
            if raw == "":
                continue
            try:
                number = float(raw.replace(",", ".") if decimal == "," else raw)
            except ValueError:
                problems.append(EfdProblem(line, col, raw, f"a number with '{decimal}' decimals"))
                continue
            if number < 0:
                problems.append(EfdProblem(line, col, raw, "a number >= 0"))
                continue
            if col in SHARES and number > 1:
                # A share of the total above 100 % is an error of the dataset: the value is
                # left out (the category default applies) and the import report says so.
                warnings.append(
                    EfdProblem(line, col, raw, "a share of the total (0 to 1): ignored")
                )
                continue
            values[col] = number
        for col in ("manufacturer", "name"):
            if not rec.get(col):
                problems.append(EfdProblem(line, col, "", "a non-empty text"))
        if values.get("gwp_total") is None and rec.get("gwp_total", "") == "":
            problems.append(EfdProblem(line, "gwp_total", "", "the total footprint (kgCO2e)"))
        rows.append(
            EfdRow(
                line=line,
                manufacturer=rec.get("manufacturer", ""),
                name=rec.get("name", ""),
                category=rec.get("category", ""),
                subcategory=rec.get("subcategory", ""),
                use_location=rec.get("use_location", ""),
                report_date=rec.get("report_date", ""),
                sources=rec.get("sources", ""),
                **values,  # type: ignore[arg-type]
            )
        )
    if problems:
        raise EfdFormatError(path, problems)
    return EfdFile(path, delimiter, decimal, rows, warnings)
