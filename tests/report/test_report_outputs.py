"""The PDF, the HTML page and the JSON file show the same numbers; snapshots of published
figures; a year without data writes nothing."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pypdfium2 as pdfium
import pytest
from sqlalchemy import text

from sobriety.app import report
from sobriety.i18n import set_language
from sobriety.reports.annual_view import build_view, num, signed

YEAR = 2025


def _pdf_text(path) -> str:
    pdf = pdfium.PdfDocument(str(path))
    try:
        return "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    finally:
        pdf.close()


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.scripts = 0
        self.external: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        if tag == "script":
            self.scripts += 1
        for name, value in attrs:
            if name in ("src", "href") and value and not value.startswith("data:"):
                self.external.append(value)

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _norm(s: str) -> str:
    return re.sub(r"[\s\u00a0\u202f]+", " ", s.replace("\r", " ").replace("\ufffe", "")).strip()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_pdf_html_and_json_show_the_same_numbers(report_app, tmp_path, lang) -> None:
    result = report.write_report(report_app, YEAR, tmp_path, lang=lang)
    paths = {p.suffix: p for p in result.paths}
    assert set(paths) == {".pdf", ".html", ".json"}
    fig = json.loads(paths[".json"].read_text(encoding="utf-8"))
    assert fig["lang"] == lang and fig["year"] == YEAR
    pdf = _norm(_pdf_text(paths[".pdf"]))
    parser = _Text()
    parser.feed(paths[".html"].read_text(encoding="utf-8"))
    html = _norm(" ".join(parser.parts))
    assert parser.scripts == 0 and parser.external == []  # self-contained
    set_language(lang)
    try:
        # Every key figure and objective, formatted from the JSON, is on both.
        expected = [num(k["value"], k["unit"]) for k in fig["key_figures"]]
        expected += [num(o["value"], o["unit"]) for o in fig["objectives"]["items"]]
        rr = fig["outflows"]["reuse_rate"]
        expected += [num(rr["rate_pct"], "%"), num(fig["outflows"]["weee_tonnes"], "t")]
        for mode in fig["carbon"]["modes"].values():
            expected += [num(p["value"], "tCO2e") for p in mode["by_phase"]]
        expected += [num(p["share_pct"], "%") for p in fig["purchases"]["years"]]
        # And every cell of every table of the view.
        cells = [_norm(c) for s in build_view(fig) for t in s.tables for row in t.rows for c in row]
    finally:
        set_language("en")
    for value in expected:
        assert _norm(value) in pdf, value
        assert _norm(value) in html, value
    for cell in cells:
        if cell and len(cell) < 40:
            assert cell in html, cell
            assert cell in pdf, cell
    # Hand-checked figures, as a reader sees them.
    if lang == "fr":
        assert "50,0 %" in pdf and "21,1 %" in pdf and "0,003" in pdf
    else:
        assert "50.0 %" in pdf and "21.1 %" in pdf and "Reuse rate" in pdf


def test_user_text_is_escaped_in_the_html(report_db, tmp_path) -> None:
    from .conftest import make_app

    url, eng = report_db
    with eng.begin() as conn:
        conn.execute(
            text("UPDATE device SET model = '<script>alert(1)</script>' WHERE asset_tag = 'L4'")
        )
    app = make_app(url, eng)
    result = report.write_report(app, YEAR, tmp_path, formats=["html"])
    page = result.paths[0].read_text(encoding="utf-8")
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_next_report_compares_with_the_published_snapshot(report_db, tmp_path) -> None:
    import datetime as dt

    from .conftest import make_app

    url, eng = report_db
    app = make_app(url, eng, today=dt.date(2025, 12, 31))
    first = report.write_report(app, YEAR, tmp_path / "2025", formats=["json"])
    published = {k["id"]: k["value"] for k in first.figures["key_figures"]}
    assert published["devices"] == 4
    # The inventory changes after publication: L3 is deleted, P1's price is corrected.
    with eng.begin() as conn:
        conn.execute(text("DELETE FROM device WHERE asset_tag = 'L3'"))
        conn.execute(text("UPDATE device SET purchase_price_eur = 3000 WHERE asset_tag = 'P1'"))
    nxt = make_app(url, eng, today=dt.date(2026, 6, 15))
    fig = report.report_figures(nxt, 2026)
    keys = {k["id"]: k for k in fig["key_figures"]}
    assert keys["devices"]["previous"] == 4  # what was published, not today's 3
    assert keys["devices"]["previous_origin"] == "published"
    assert keys["refurbished_purchase_share_pct"]["previous"] == pytest.approx(400 / 1900 * 100)
    # The objectives' trajectories take the published year too.
    share = next(o for o in fig["objectives"]["items"] if o["id"] == "refurbished_purchases")
    point = next(p for p in share["trajectory"] if p["year"] == YEAR)
    assert point["origin"] == "snapshot" and point["value"] == pytest.approx(400 / 1900 * 100)
    # Without the snapshot, 2025 is recomputed from today's data (P1 now 3,000 EUR, no L3).
    with eng.begin() as conn:
        conn.execute(text("DELETE FROM report_snapshot"))
    again = report.report_figures(nxt, 2026)
    keys = {k["id"]: k for k in again["key_figures"]}
    assert keys["refurbished_purchase_share_pct"]["previous"] == 0.0
    assert keys["refurbished_purchase_share_pct"]["previous_origin"] == "recomputed"


def test_snapshots_are_stored_on_postgresql_too(engine, tmp_path) -> None:
    from seeding import seed_report_fleet

    from .conftest import make_app

    seed_report_fleet(engine)
    app = make_app(str(engine.url.render_as_string(hide_password=False)), engine)
    result = report.write_report(app, YEAR, tmp_path, formats=["json"])
    from sobriety.storage.report_data import snapshots

    stored = snapshots(engine)
    assert result.snapshot_id is not None
    assert stored[YEAR]["outflows"]["reuse_rate"]["rate_pct"] == 50.0


def test_bad_options_write_nothing(report_app, tmp_path) -> None:
    with pytest.raises(report.ReportInputError, match="docx"):
        report.write_report(report_app, YEAR, tmp_path / "x", formats=["docx"])
    with pytest.raises(report.ReportInputError, match="de"):
        report.write_report(report_app, YEAR, tmp_path / "x", lang="de")
    assert not (tmp_path / "x").exists()


def test_the_data_files_sources_read_in_the_reports_language(report_app, tmp_path) -> None:
    """The sources and notes read from the data files (AGEC, reuse rate, renewal prices,
    objectives, the factor sources' titles and licences) come from their ``*_fr`` keys in
    the French PDF and HTML page."""
    fr = report.write_report(report_app, YEAR, tmp_path / "fr", lang="fr")
    en = report.write_report(report_app, YEAR, tmp_path / "en", lang="en")
    for result, present, absent in (
        (fr, ["en vigueur depuis le 1er juillet 2024", "ce qui compte comme réemploi",
              "Prix d'achat médian des 3 dernières années",
              "empreintes carbone de produits publiées par les fabricants",
              "Valeurs citées avec attribution à l'ADEME"],
         ["in force from 1 July 2024", "of 12 April 2023", "Median purchase price of the",
          "manufacturers' product carbon footprints", "Figures cited with attribution"]),
        (en, ["in force from 1 July 2024", "of 12 April 2023", "Median purchase price of the",
              "manufacturers' product carbon footprints", "Figures cited with attribution"],
         ["en vigueur depuis", "ce qui compte comme réemploi", "publiées par les fabricants"]),
    ):  # fmt: skip
        paths = {p.suffix: p for p in result.paths}
        pdf = _norm(_pdf_text(paths[".pdf"]))
        parser = _Text()
        parser.feed(paths[".html"].read_text(encoding="utf-8"))
        html = _norm(" ".join(parser.parts))
        for words in present:
            assert _norm(words) in pdf, words
            assert _norm(words) in html, words
        for words in absent:
            assert _norm(words) not in pdf and _norm(words) not in html, words
    fig = json.loads(next(p for p in fr.paths if p.suffix == ".json").read_text("utf-8"))
    assert all("(policy choice)" not in o["source"] for o in fig["objectives"]["items"])


def test_a_change_that_rounds_to_zero_has_no_sign() -> None:
    set_language("fr")
    try:
        assert signed(-0.004, "tCO2e") == "0,00"  # was "−0,00" on the key-figures page
        assert signed(-0.02, "years") == "0,0"
        assert signed(-23.48, "tCO2e") == "−23,48"
        assert signed(0.216, "t") == "+0,216"
    finally:
        set_language("en")
