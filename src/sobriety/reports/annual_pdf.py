"""The annual report as an A4 PDF (fpdf2), with the charts as matplotlib images.

The pages hold the same view as the HTML page (:mod:`sobriety.reports.annual_view`):
a cover with the key figures, then one section per page or more, the
methodology and sources in an appendix.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from sobriety.i18n import _


def _fonts_dir() -> Path:
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def write_pdf(figures: dict[str, Any], path: Path, charts: dict[str, bytes] | None = None) -> Path:
    """The PDF; ``charts`` are the PNG charts already drawn (drawn here when None)."""
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    from sobriety.reports.annual_charts import render_all
    from sobriety.reports.annual_view import build_view

    year = figures["year"]
    title = _("Numérique responsable: annual report {year}").format(year=year)
    page_word = _("page")

    class _Report(FPDF):
        def footer(self) -> None:
            self.set_y(-10)
            self.set_font("DejaVu", "", 7)
            self.cell(0, 4, f"{title} - {page_word} {self.page_no()}/{{nb}}", align="R")

    pdf = _Report(orientation="P", unit="mm", format="A4")
    fonts = _fonts_dir()
    pdf.add_font("DejaVu", "", str(fonts / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(fonts / "DejaVuSans-Bold.ttf"))
    pdf.set_title(title)
    pdf.set_creator("sobriety")
    pdf.set_lang(figures.get("lang", "en"))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.alias_nb_pages()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    view = build_view(figures)
    if charts is None:
        charts = render_all(figures, [c for s in view for c in s.charts])
    for k, section in enumerate(view):
        pdf.add_page()
        if k == 0:
            pdf.set_font("DejaVu", "B", 20)
            pdf.multi_cell(0, 10, title, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(4)
        pdf.set_font("DejaVu", "B", 14)
        pdf.multi_cell(0, 8, section.title, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
        pdf.set_font("DejaVu", "", 9)
        for p in section.paragraphs:
            pdf.multi_cell(0, 4.6, p, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1.5)
        for name in section.charts:
            png = charts[name]
            from PIL import Image

            with Image.open(io.BytesIO(png)) as im:
                w_px, h_px = im.size
            h = width * h_px / w_px
            if pdf.get_y() + h > pdf.h - pdf.b_margin:
                pdf.add_page()
            pdf.image(io.BytesIO(png), w=width)
            pdf.ln(2)
        for t in section.tables:
            if not t.headers:
                continue
            if t.title:
                pdf.set_font("DejaVu", "B", 9)
                pdf.multi_cell(0, 5, t.title, new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("DejaVu", "", 7.5)
            n = len(t.headers)
            if t.weights:
                widths = tuple(width * w / sum(t.weights) for w in t.weights)
            else:
                first = (width * 0.34 if n <= 4 else width / n * 1.5) if n > 1 else width
                widths = (first, *([(width - first) / (n - 1)] * (n - 1)))
            left = min(t.text_columns, n)
            with pdf.table(
                col_widths=widths,
                text_align=(*(["LEFT"] * left), *(["RIGHT"] * (n - left))),
                headings_style=FontFace(emphasis="BOLD", fill_color=(225, 225, 225)),
                line_height=4,
                width=width,
                repeat_headings=1,
            ) as table:
                table.row(t.headers)
                for row in t.rows:
                    table.row([str(c) for c in row])
            pdf.ln(3)
    pdf.output(str(path))
    return Path(path)
