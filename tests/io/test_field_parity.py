"""A value typed in the edit form and the same value in an imported file meet the same rules.

One table of good and bad values goes through both paths: ``parse_field``
(what the terminal UI calls) and a real import of a CSV file (one row per
value, invalid rows set aside with their reasons). Each value must be accepted
by both, with the same stored result, or refused by both, for the same reason.
"""

from __future__ import annotations

import csv

import pytest
from io_helpers import devices

from sobriety.domain.inventory.form import FieldError, parse_field
from sobriety.io.importer import import_file

#: (field, text typed or found in a file, stored value or None when refused)
CASES: list[tuple[str, str, object]] = [
    ("asset_tag", "A" * 65, None),
    ("serial", " SN-77 ", "SN-77"),
    ("serial", "S" * 121, None),
    ("category", "Portable", "laptop"),
    ("category", "spaceship", None),
    ("manufacturer", "Dell Inc.", "Dell Inc."),
    ("status", "En service", "in_service"),
    ("status", "lost", None),
    ("condition", "degraded", "degraded"),
    ("acquisition_type", "refurbished", "refurbished"),
    ("acquisition_date", "04/03/2021", "2021-03-04"),
    ("acquisition_date", "2021-03-04 10:30", "2021-03-04"),
    ("acquisition_date", "2021-02-30", None),
    ("acquisition_date", "1969-12-31", None),
    ("purchase_price_eur", "1 234,56 €", 1234.56),
    ("purchase_price_eur", "899 € HT", 899.0),
    ("purchase_price_eur", "-5", None),
    ("purchase_price_eur", "20 000 000", None),
    ("purchase_price_eur", "12 kg", None),
    ("battery_health_pct", "85 %", 85.0),
    ("battery_health_pct", "101", None),
    ("ram_gb", "16 Go", 16.0),
    ("ram_gb", "32768 MB", 32.768),
    ("ram_gb", "lots", None),
    ("ram_gb", "5000", None),
    ("ram_gb", "nan", None),
    ("ram_gb", "1,4 kg", None),
    ("storage_gb", "1 TB", 1000.0),
    ("storage_type", "ssd", "ssd"),
    ("storage_type", "tape", None),
    ("cpu_generation", "12", 12),
    ("cpu_generation", "8.5", None),
    ("cpu_generation", "101", None),
    ("tpm_version", "2.0", "2.0"),
    ("tpm_version", "12345678901", None),
    ("screen_size_in", '15,6"', 15.6),
    ("screen_size_in", "200", None),
    ("os", "Windows 11", "Windows 11"),
    ("sensitive_data", "Oui", True),
    ("sensitive_data", "non", False),
    ("sensitive_data", "peut-être", None),
    ("weight_kg", "1400 g", 1.4),
    ("weight_kg", "2 m", None),
    ("measured_power_w", "45 W", 45.0),
    ("measured_power_w", "200000", None),
    ("retirement_date", "2024-06-30", "2024-06-30"),
    ("reuse_channel", "donate_association", "donate_association"),
    ("reuse_channel", "bin", None),
    ("notes", "x" * 10_001, None),
    ("ram_gb", "", None),
    ("sensitive_data", "", False),
]


def _form(field: str, text: str) -> tuple[object, str | None]:
    try:
        return parse_field(field, text), None
    except FieldError as exc:
        return None, exc.reason


def test_form_and_import_accept_and_refuse_the_same_values(engine, tmp_path) -> None:
    fields = sorted({f for f, _t, _v in CASES} - {"asset_tag", "category"})
    header = ["asset_tag", "category", *fields]
    path = tmp_path / "parity.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, delimiter=";")
        out.writerow(header)
        for i, (field, text, _v) in enumerate(CASES):
            row = {"asset_tag": f"P-{i:03d}", "category": "laptop", field: text}
            out.writerow([row.get(name, "") for name in header])
    rejects = tmp_path / "rejects.csv"
    report = import_file(engine, path, skip_invalid=rejects)
    refused_by_import = {}
    with rejects.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh, delimiter=";"):
            refused_by_import[int(row["rejected_line"])] = row["rejected_reason"]
    stored = devices(engine)
    assert report.rejected == sum(1 for _f, text, want in CASES if want is None and text)

    for i, (field, text, want) in enumerate(CASES):
        value, reason = _form(field, text)
        line = i + 2
        if want is None and text:  # refused by both, for the same reason
            assert reason is not None, (field, text, value)
            assert line in refused_by_import, (field, text)
            expected = reason.split("; expected ", 1)[1]
            assert f"expected {expected}" in refused_by_import[line], (field, text)
            continue
        assert reason is None, (field, text, reason)
        assert line not in refused_by_import, (field, text, refused_by_import.get(line))
        got = stored[f"P-{i:03d}"][field]
        if isinstance(want, float):
            assert value == pytest.approx(want) and got == pytest.approx(want), (field, text)
        elif want is not None and field.endswith("_date"):
            assert str(value) == want and str(got) == want, (field, text)
        else:
            assert value == want and got == want, (field, text, value, got)


def test_a_refused_value_reads_like_the_import_reason() -> None:
    with pytest.raises(FieldError) as err:
        parse_field("ram_gb", "lots")
    assert err.value.field == "ram_gb"
    assert err.value.reason.startswith('"lots"; expected a number from 0 to 4,096 in GB')


def test_required_form_fields_refuse_a_blank_value() -> None:
    for name in ("asset_tag", "category", "status", "condition", "acquisition_type"):
        with pytest.raises(FieldError, match="a value is required"):
            parse_field(name, "  ")
