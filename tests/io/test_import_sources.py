"""Dates, prices, encodings and labels as each source writes them (issue 13).

The Snipe-IT cases copy the shape of Snipe-IT's own import samples
(``sample_csvs/assets-sample.csv``: US dates ``1/23/23``, mock categories;
``assets-sample-BAD.csv``: an Excel-for-Mac export, Mac Roman with CR-only
line ends) with invented values: the samples themselves are AGPL-3.0 and not
shipped here.
"""

from __future__ import annotations

import datetime as dt

import pytest
from io_helpers import devices, snapshot
from typer.testing import CliRunner

from sobriety.cli.main import app
from sobriety.io.importer import ImportFailed, import_file
from sobriety.io.profiles import ColumnError
from sobriety.io.tables import open_table

SNIPE_HEADER = (
    "Company,Name,Asset Tag,Category,Supplier,Manufacturer,Location,Model,Asset Notes,"
    "Purchase Date,Purchase Cost,Checked Out To: Username,Asset EOL Date\n"
)
SNIPE_ROWS = (
    'Acme,Backhoe,ICC-1,Ornamental Railings,Kunde,Berge Inc,Main office,"Macbook Pro 13""",'
    ',1/23/23,"1,199.00",,10/27/28\n'
    "Acme,Dragline,ICC-2,Laptops,Kunde,Berge Inc,Main office,XPS 13,,3/5/24,2266.13,,10/27/28\n"
    'Acme,Trencher,ICC-3,Ornamental Railings,Kunde,Berge Inc,Annex,Latitude,,11/14/22,"2,300",,\n'
)
SNIPE = SNIPE_HEADER + SNIPE_ROWS


def test_snipeit_us_dates_and_thousands_commas(engine, write) -> None:
    path = write("assets.csv", SNIPE)
    report = import_file(engine, path, mappings=["Category:Ornamental Railings=other"])
    assert (report.profile, report.created) == ("snipeit", 3)
    got = devices(engine)
    assert got["ICC-1"]["acquisition_date"] == dt.date(2023, 1, 23)
    assert got["ICC-1"]["purchase_price_eur"] == 1199.0
    assert got["ICC-2"]["acquisition_date"] == dt.date(2024, 3, 5)  # month first, like 1/23/23
    assert got["ICC-3"]["purchase_price_eur"] == 2300.0
    assert got["ICC-1"]["category"] == "other"
    [order] = report.date_orders
    assert (order.column, order.order, order.reason, order.line) == (
        "Purchase Date",
        "mdy",
        "values",
        2,
    )
    assert report.year_window == (1970, 2069)


def test_an_ambiguous_column_follows_the_profile_default_and_the_summary_says_so(
    engine, write
) -> None:
    body = SNIPE_HEADER + "Acme,A,T-1,Laptops,,Dell,HQ,X,,3/5/24,10,,\n"
    report = import_file(engine, write("a.csv", body))
    assert devices(engine)["T-1"]["acquisition_date"] == dt.date(2024, 3, 5)
    [order] = report.date_orders
    assert (order.order, order.reason) == ("mdy", "default")
    assert "month/day/year" in str(order) and "--date-order" in str(order)


def test_the_order_is_decided_per_column(engine, write) -> None:
    path = write(
        "fr.csv",
        "asset_tag;category;acquisition_date;warranty_end\n"
        "P-1;laptop;04/03/2021;03/25/2024\n"
        "P-2;laptop;25/03/2021;04/03/2024\n",
    )
    report = import_file(engine, path)
    got = devices(engine)
    assert got["P-1"]["acquisition_date"] == dt.date(2021, 3, 4)  # 25/03 settles day first
    assert got["P-1"]["warranty_end"] == dt.date(2024, 3, 25)  # 03/25 settles month first
    assert got["P-2"]["warranty_end"] == dt.date(2024, 4, 3)
    assert [(o.column, o.order) for o in report.date_orders] == [
        ("acquisition_date", "dmy"),
        ("warranty_end", "mdy"),
    ]


def test_a_part_over_12_after_the_first_chunk_still_settles_the_column(engine, write) -> None:
    rows = [f"Q-{i};laptop;04/03/2021\n" for i in range(30)] + ["Q-99;laptop;03/25/2021\n"]
    path = write("late.csv", "asset_tag;category;acquisition_date\n" + "".join(rows))
    import_file(engine, path, chunk_size=10)
    got = devices(engine)
    assert got["Q-0"]["acquisition_date"] == dt.date(2021, 4, 3)  # month first, like line 32
    assert got["Q-99"]["acquisition_date"] == dt.date(2021, 3, 25)


def test_an_ambiguous_column_with_no_default_is_refused_with_that_reason(engine, write) -> None:
    before = snapshot(engine)
    path = write("en.csv", "asset_tag,category,acquisition_date\nE-1,laptop,04/03/2021\n")
    with pytest.raises(ImportFailed) as info:
        import_file(engine, path)
    assert snapshot(engine) == before
    [problem] = info.value.report.problems
    assert (problem.line, problem.column, problem.value) == (2, "acquisition_date", "04/03/2021")
    assert "--date-order" in problem.expected and "12" in problem.expected
    report = import_file(engine, path, date_order="dmy")  # the option settles it
    assert devices(engine)["E-1"]["acquisition_date"] == dt.date(2021, 3, 4)
    assert (report.date_orders[0].order, report.date_orders[0].reason) == ("dmy", "option")


def test_date_order_option_overrides_and_misfits_are_located(engine, write) -> None:
    with pytest.raises(ImportFailed) as info:
        import_file(engine, write("s.csv", SNIPE), date_order="dmy")
    located = {(p.line, p.value) for p in info.value.report.problems}
    assert (2, "1/23/23") in located and (4, "11/14/22") in located
    with pytest.raises(ColumnError, match="dmy or mdy"):
        import_file(engine, write("t.csv", SNIPE), date_order="ymd")


@pytest.mark.parametrize(
    ("text", "day"),
    [("1/23/69", dt.date(2069, 1, 23)), ("12/31/70", dt.date(1970, 12, 31))],
)
def test_two_digit_years_within_the_stated_window(engine, write, text, day) -> None:
    import_file(engine, write("y.csv", f"Asset Tag,Category,Purchase Date\nY-1,Laptops,{text}\n"))
    assert devices(engine)["Y-1"]["acquisition_date"] == day


def test_a_mac_roman_file_with_cr_line_ends_is_read(engine, write) -> None:
    text = (
        "Numéro d'inventaire;Catégorie;Fabricant;Notes\r"
        "MAC-1;Écran;Iiyama;Écran « 24 pouces » — bureau 3\r"
        "MAC-2;Unité centrale;Apple;Réformé ?\r"
    )
    path = write("excel-mac.csv", text.encode("mac_roman"))
    with open_table(path) as table:
        assert (table.encoding, table.delimiter) == ("mac_roman", ";")
    report = import_file(engine, path)
    assert (report.encoding, report.created) == ("mac_roman", 2)
    got = devices(engine)
    assert got["MAC-1"]["category"] == "monitor"
    assert got["MAC-1"]["notes"] == "Écran « 24 pouces » — bureau 3"
    assert got["MAC-2"]["category"] == "desktop"


def test_cli_reports_an_unknown_label_once_and_how_to_map_it(db_url, write, tmp_path) -> None:
    runner = CliRunner()
    rows = "".join(f"S-{i},Ornamental Railings,Deployed,2024-01-0{i}\n" for i in range(1, 8))
    path = write("labels.csv", "Asset Tag,Category,Status,Purchase Date\n" + rows)
    result = runner.invoke(app, ["--db", db_url, "--lang", "en", "import", str(path)])
    assert result.exit_code == 1
    err = result.stderr
    assert err.count("unknown label") == 1  # one line for its 7 rows, then how to map it
    assert 'unknown label "Ornamental Railings" on 7 rows (lines 2, 3, 4, 5, 6, …)' in err
    assert 'VALUE = ["Ornamental Railings"]' in err and "[category]" in err
    assert '--map "Category:Ornamental Railings=VALUE"' in err
    assert "1 problem in " in err and "nothing was imported" in err
    mapped = runner.invoke(
        app,
        ["--db", db_url, "--lang", "en", "import", str(path), "--map",
         "Category:Ornamental Railings=other"],
    )  # fmt: skip
    assert mapped.exit_code == 0, mapped.output
    assert "7 created" in mapped.stdout
    assert '"Ornamental Railings" read as other (--map)' in mapped.stdout


def test_a_bad_map_option_is_refused_before_anything_is_read(engine, write) -> None:
    path = write("m.csv", SNIPE)
    before = snapshot(engine)
    for option, message in [
        ("Category=other", "COLUMN:LABEL=VALUE"),
        ("Colour:Red=other", 'no column "Colour"'),
        ("Category:Ornamental Railings=spaceship", "expected one of laptop"),
        ("Model:Latitude=laptop", "no list of values"),
    ]:
        with pytest.raises(ColumnError, match=message):
            import_file(engine, path, mappings=[option])
    assert snapshot(engine) == before
