"""Transfer slips of outgoing lots (PDF and CSV), ready to sign.

A slip names the transferor (name, SIRET, address from the configuration),
the lot, the recipient (kind, SIRET, address), the price or that the transfer
is free, the legal basis and the recipient's undertaking (one sourced table:
:mod:`sobriety.domain.reuse.wording`), and each device with its erasure proof
(method and level, verification, date, operator, certificate) and weight,
then two signature boxes. The CSV has one row per device. Text follows the
active language. The PDF uses DejaVu Sans (shipped with matplotlib) so any
recipient name prints.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sobriety.domain.formula_guard import neutralise
from sobriety.domain.labels import inline, label
from sobriety.domain.reuse.text import category_name, channel_name, erasure_method_name
from sobriety.domain.reuse.wording import wording_for
from sobriety.domain.vocab import LotStatus
from sobriety.i18n import _, fmt_date, fmt_number, language
from sobriety.storage.lots import LotView


@dataclass(frozen=True)
class Transferor:
    """The organisation handing the devices over (from the configuration)."""

    name: str | None = None
    siret: str | None = None
    address: str | None = None


@dataclass(frozen=True)
class SlipText:
    """Every label of a slip, in the active language."""

    title: str
    draft: str
    columns: tuple[str, ...]
    #: Alignment of each column (numbers right, text left), headings included.
    align: tuple[str, ...]
    transferor: str
    taker: str
    sign_fields: str
    clause: str | None
    basis: str
    source: str
    header: list[tuple[str, str]] = field(default_factory=list)
    totals: list[tuple[str, str]] = field(default_factory=list)


def _day(value: dt.datetime | dt.date | None) -> dt.date | None:
    return value.date() if isinstance(value, dt.datetime) else value


def _eur(value: float) -> str:
    return fmt_number(value, 2) + " EUR"


def _texts(view: LotView, who: Transferor) -> SlipText:
    lot = view.lot
    wording = wording_for(lot.channel, lot.recipient_kind)
    lang = language()
    missing = _("not configured (transferor_name, transferor_siret, transferor_address)")
    when = fmt_date(_day(lot.closed_at)) if lot.closed_at else _("DRAFT: lot still open")
    price = _("free of charge") if not lot.price_eur else _eur(lot.price_eur)
    header = [
        (_("Transferor"), who.name or missing),
        (_("Transferor's SIRET"), who.siret or "-"),
        (_("Transferor's address"), who.address or "-"),
        (_("Lot"), lot.code),
        (_("Channel"), channel_name(lot.channel)),
        (_("Legal basis"), wording.text("basis", lang) or "-"),
        (_("Recipient"), lot.recipient_name),
        (_("Kind"), label("recipient_kind", lot.recipient_kind)),
        (_("SIRET"), lot.recipient_siret or "-"),
        (_("Recipient's address"), lot.recipient_address or "-"),
        (_("Price"), price),
        (_("Transfer date"), when),
    ]
    for name, value in (
        (_("Deed"), lot.deed_ref),
        (_("Reuse commitment"), lot.commitment_ref),
        (_("Supplier's contract"), lot.supplier_contract_ref),
        (_("Proof of reuse"), lot.proof_of_reuse_ref),
    ):
        if value:
            header.append((name, value))
    weight = fmt_number(view.total_weight_kg, 2) + " kg"
    if view.missing_weight:
        weight += " (" + _("{n} without a recorded weight").format(n=view.missing_weight) + ")"
    return SlipText(
        title=_("Transfer slip"),
        draft=_("DRAFT: lot still open"),
        columns=(
            "#",
            _("Asset tag"),
            _("Category"),
            _("Make and model"),
            _("Serial"),
            _("Erasure"),
            _("Verified"),
            _("Erased on"),
            _("Operator"),
            _("Certificate"),
            _("Weight (kg)"),
        ),
        align=("RIGHT", *["LEFT"] * 9, "RIGHT"),
        transferor=_("For the transferor"),
        taker=_("For the recipient"),
        sign_fields=_("Name, role, date and signature"),
        clause=wording.text("clause", lang),
        basis=wording.text("basis", lang) or "",
        source=wording.source,
        header=header,
        totals=[(_("Devices"), fmt_number(len(view.devices))), (_("Total weight"), weight)],
    )


def _device_rows(view: LotView) -> list[tuple[str, ...]]:
    rows = []
    for i, d in enumerate(view.devices, start=1):
        erasure = "-"
        verified = "-"
        if d.erasure_method:
            level = inline("erasure_level", d.erasure_level)
            erasure = f"{erasure_method_name(d.erasure_method)} ({level})"
            if d.encrypted_from_install:
                erasure += ", " + _("encrypted from installation")
            verified = _("yes") if d.erasure_verified else _("no")
        rows.append(
            (
                str(i),
                d.asset_tag,
                category_name(d.category),
                " ".join(x for x in (d.manufacturer, d.model) if x) or "-",
                d.serial or "-",
                erasure,
                verified,
                fmt_date(d.erasure_date) if d.erasure_date else "-",
                d.erasure_operator or "-",
                d.certificate_id or "-",
                fmt_number(d.weight_kg, 2) if d.weight_kg is not None else "-",
            )
        )
    return rows


def _refuse_overwrite(path: Path, force: bool) -> None:
    if path.exists() and not force:
        raise FileExistsError(
            _("{path} already exists: nothing written (--force replaces it)").format(path=path)
        )


class _SafeWriter:
    """A CSV writer whose text cells cannot run as spreadsheet formulas (a recipient,
    a model or a deed reference typed as ``=HYPERLINK(...)`` stays text)."""

    def __init__(self, writer: Any) -> None:
        self._writer = writer

    def writerow(self, row: Iterable[Any]) -> None:
        # "-" alone is the slip's mark of a missing value, not a formula.
        self._writer.writerow([c if c == "-" else neutralise(c) for c in row])


def write_slip_csv(
    view: LotView, path: Path, who: Transferor | None = None, *, force: bool = True
) -> Path:
    """The slip as a spreadsheet: one row per device, the lot's fields on each row."""
    path = Path(path)
    _refuse_overwrite(path, force)
    who = who or Transferor()
    t = _texts(view, who)
    lot = view.lot
    lot_columns = (
        (_("Lot"), lot.code),
        (_("Channel"), channel_name(lot.channel)),
        (_("Transfer date"), fmt_date(_day(lot.closed_at)) if lot.closed_at else t.draft),
        (_("Transferor"), who.name or ""),
        (_("Transferor's SIRET"), who.siret or ""),
        (_("Recipient"), lot.recipient_name),
        (_("SIRET"), lot.recipient_siret or ""),
        (_("Price"), dict(t.header)[_("Price")]),
    )
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        # French spreadsheets expect ";" (the comma is the decimal separator).
        w = _SafeWriter(csv.writer(fh, delimiter=";" if language() == "fr" else ","))
        w.writerow([name for name, _v in lot_columns] + list(t.columns[1:]))
        values = [v for _n, v in lot_columns]
        for row in _device_rows(view):
            w.writerow(values + list(row[1:]))
    return path


def _fonts_dir() -> Path:
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def write_slip_pdf(
    view: LotView, path: Path, who: Transferor | None = None, *, force: bool = True
) -> Path:
    """The slip as an A4 PDF with the device table and signature boxes."""
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    path = Path(path)
    _refuse_overwrite(path, force)
    t = _texts(view, who or Transferor())
    code = view.lot.code
    page_word = _("page")

    class _Slip(FPDF):
        def footer(self) -> None:
            self.set_y(-10)
            self.set_font("DejaVu", "", 7)
            self.cell(0, 4, f"{t.title} {code} - {page_word} {self.page_no()}/{{nb}}", align="R")

    pdf = _Slip(orientation="L", unit="mm", format="A4")
    fonts = _fonts_dir()
    pdf.add_font("DejaVu", "", str(fonts / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(fonts / "DejaVuSans-Bold.ttf"))
    pdf.set_title(f"{t.title} {code}")
    pdf.set_creator("sobriety")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.alias_nb_pages()
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 16)
    pdf.cell(0, 10, f"{t.title} - {code}", new_x="LMARGIN", new_y="NEXT")
    if view.lot.status != LotStatus.CLOSED:
        pdf.set_font("DejaVu", "B", 10)
        pdf.set_text_color(160, 0, 0)
        pdf.cell(0, 6, t.draft, new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0, 0, 0)
    pdf.ln(2)
    label_w = 48
    for k, v in t.header:
        pdf.set_font("DejaVu", "B", 8.5)
        pdf.cell(label_w, 5, k)
        pdf.set_font("DejaVu", "", 8.5)
        pdf.multi_cell(0, 5, v, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("DejaVu", "", 7.5)
    widths = (7, 26, 22, 34, 26, 44, 14, 20, 18, 36, 17)
    with pdf.table(
        col_widths=widths,
        text_align=t.align,
        headings_style=FontFace(emphasis="BOLD", fill_color=(225, 225, 225)),
        line_height=4.5,
        width=sum(widths),
        align="LEFT",  # flush with the header block above
        repeat_headings=1,
    ) as table:
        table.row(t.columns)
        for row in _device_rows(view):
            table.row(row)
    pdf.ln(3)
    for k, v in t.totals:
        pdf.set_font("DejaVu", "B", 8.5)
        pdf.cell(label_w, 5, k)
        pdf.set_font("DejaVu", "", 8.5)
        pdf.cell(0, 5, v, new_x="LMARGIN", new_y="NEXT")
    if t.clause:
        pdf.ln(2)
        pdf.set_font("DejaVu", "", 8.5)
        pdf.multi_cell(0, 4.5, t.clause, align="L", new_x="LMARGIN", new_y="NEXT")
    # Signature boxes, kept together on one page.
    box_h = 32
    if pdf.get_y() + box_h + 12 > pdf.h - pdf.b_margin:
        pdf.add_page()
    pdf.ln(4)
    y = pdf.get_y()
    box_w = (pdf.w - pdf.l_margin - pdf.r_margin - 10) / 2
    for j, who_signs in enumerate((t.transferor, t.taker)):
        x = pdf.l_margin + j * (box_w + 10)
        pdf.rect(x, y, box_w, box_h)
        pdf.set_xy(x + 2, y + 2)
        pdf.set_font("DejaVu", "B", 9)
        pdf.cell(box_w - 4, 5, who_signs)
        pdf.set_xy(x + 2, y + 8)
        pdf.set_font("DejaVu", "", 8)
        pdf.cell(box_w - 4, 4, t.sign_fields)
    pdf.set_y(y + box_h + 2)
    pdf.set_font("DejaVu", "", 6.5)
    pdf.multi_cell(0, 3.5, _("Legal wording: {source}").format(source=t.source), new_x="LMARGIN")
    pdf.output(str(path))
    return path
