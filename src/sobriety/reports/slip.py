"""Transfer slips of outgoing lots (PDF and CSV), ready to sign.

A slip lists the lot, the recipient, the legal basis of the channel, each
device (category, make and model, serial, erasure method and certificate id,
weight), the totals and two signature boxes. Text follows the active language.
The PDF uses DejaVu Sans (shipped with matplotlib) so any recipient name prints.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sobriety.domain.formula_guard import neutralise
from sobriety.domain.labels import inline, label
from sobriety.domain.reuse.policy import Policy
from sobriety.domain.reuse.text import category_name, channel_name, erasure_method_name
from sobriety.domain.vocab import Channel, LotStatus
from sobriety.i18n import _, fmt_date, fmt_number, language
from sobriety.storage.lots import LotView


@dataclass(frozen=True)
class SlipText:
    """Every label of a slip, in the active language."""

    title: str
    lot: str
    channel: str
    basis: str
    recipient: str
    kind: str
    siret: str
    date: str
    deed: str
    commitment: str
    columns: tuple[str, ...]
    devices: str
    weight: str
    weight_missing: str
    transferor: str
    taker: str
    sign_fields: str
    draft: str
    undertaking: str | None


def _texts(view: LotView, policy: Policy | None) -> SlipText:
    lot = view.lot
    cp = policy.channels.get(Channel(lot.channel)) if policy else None
    undertaking = None
    if cp is not None and cp.counts_as_reuse != "no":
        undertaking = _(
            "The recipient undertakes to reuse these devices and to provide proof of reuse "
            "on request (décret 2023-266)."
        )
    if lot.channel == Channel.DONATE_ASSOCIATION:
        undertaking = (
            (undertaking or "")
            + " "
            + _(
                "Devices given free of charge may only be resold at the solidarity prices "
                "capped by décret 2022-1413."
            )
        )
    return SlipText(
        title=_("Transfer slip"),
        lot=_("Lot"),
        channel=_("Channel"),
        basis=_("Legal basis"),
        recipient=_("Recipient"),
        kind=_("Kind"),
        siret=_("SIRET"),
        date=_("Transfer date"),
        deed=_("Deed"),
        commitment=_("Reuse commitment"),
        columns=(
            "#",
            _("Asset tag"),
            _("Category"),
            _("Make and model"),
            _("Serial"),
            _("Erasure"),
            _("Certificate"),
            _("Weight (kg)"),
        ),
        devices=_("Devices"),
        weight=_("Total weight"),
        weight_missing=_("{n} without a recorded weight"),
        transferor=_("For the transferor"),
        taker=_("For the recipient"),
        sign_fields=_("Name, role, date and signature"),
        draft=_("DRAFT: lot still open"),
        undertaking=undertaking.strip() if undertaking else None,
    )


def _header_rows(view: LotView, t: SlipText, policy: Policy | None) -> list[tuple[str, str]]:
    lot = view.lot
    cp = policy.channels.get(Channel(lot.channel)) if policy else None
    when = (
        fmt_date(lot.closed_at.date() if isinstance(lot.closed_at, dt.datetime) else lot.closed_at)
        if lot.closed_at
        else t.draft
    )
    rows = [
        (t.lot, lot.code),
        (t.channel, channel_name(lot.channel)),
        (t.recipient, lot.recipient_name),
        (t.kind, label("recipient_kind", lot.recipient_kind)),
        (t.siret, lot.recipient_siret or "-"),
        (t.date, when),
    ]
    if cp is not None and cp.source:
        rows.insert(2, (t.basis, cp.source))
    if lot.deed_ref:
        rows.append((t.deed, lot.deed_ref))
    if lot.commitment_ref:
        rows.append((t.commitment, lot.commitment_ref))
    return rows


def _device_rows(view: LotView) -> list[tuple[str, ...]]:
    rows = []
    for i, d in enumerate(view.devices, start=1):
        erasure = "-"
        if d.erasure_method:
            level = inline("erasure_level", d.erasure_level)
            erasure = f"{erasure_method_name(d.erasure_method)} ({level})"
        rows.append(
            (
                str(i),
                d.asset_tag,
                category_name(d.category),
                " ".join(x for x in (d.manufacturer, d.model) if x) or "-",
                d.serial or "-",
                erasure,
                d.certificate_id or "-",
                fmt_number(d.weight_kg, 2) if d.weight_kg is not None else "-",
            )
        )
    return rows


def _totals(view: LotView, t: SlipText) -> list[tuple[str, str]]:
    weight = fmt_number(view.total_weight_kg, 2) + " kg"
    if view.missing_weight:
        weight += " (" + t.weight_missing.format(n=view.missing_weight) + ")"
    return [(t.devices, fmt_number(len(view.devices))), (t.weight, weight)]


class _SafeWriter:
    """A CSV writer whose text cells cannot run as spreadsheet formulas (a recipient,
    a model or a deed reference typed as ``=HYPERLINK(...)`` stays text)."""

    def __init__(self, writer: Any) -> None:
        self._writer = writer

    def writerow(self, row: Iterable[Any]) -> None:
        # "-" alone is the slip's mark of a missing value, not a formula.
        self._writer.writerow([c if c == "-" else neutralise(c) for c in row])


def write_slip_csv(view: LotView, path: Path, policy: Policy | None = None) -> Path:
    """The slip as a spreadsheet: header block, device table, totals, signature rows."""
    t = _texts(view, policy)
    with Path(path).open("w", encoding="utf-8-sig", newline="") as fh:
        # French spreadsheets expect ";" (the comma is the decimal separator).
        w = _SafeWriter(csv.writer(fh, delimiter=";" if language() == "fr" else ","))
        w.writerow([t.title])
        for k, v in _header_rows(view, t, policy):
            w.writerow([k, v])
        w.writerow([])
        w.writerow(t.columns)
        for row in _device_rows(view):
            w.writerow(row)
        w.writerow([])
        for k, v in _totals(view, t):
            w.writerow([k, v])
        if t.undertaking:
            w.writerow([])
            w.writerow([t.undertaking])
        w.writerow([])
        w.writerow([t.transferor, "", t.taker])
        w.writerow([t.sign_fields, "", t.sign_fields])
    return Path(path)


def _fonts_dir() -> Path:
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def write_slip_pdf(view: LotView, path: Path, policy: Policy | None = None) -> Path:
    """The slip as an A4 PDF with the device table and signature boxes."""
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    t = _texts(view, policy)
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
    pdf.set_title(f"{t.title} {view.lot.code}")
    pdf.set_creator("sobriety")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.alias_nb_pages()
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 16)
    pdf.cell(0, 10, f"{t.title} - {view.lot.code}", new_x="LMARGIN", new_y="NEXT")
    if view.lot.status != LotStatus.CLOSED:
        pdf.set_font("DejaVu", "B", 10)
        pdf.set_text_color(160, 0, 0)
        pdf.cell(0, 6, t.draft, new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0, 0, 0)
    pdf.ln(2)
    label_w = 45
    for k, v in _header_rows(view, t, policy):
        pdf.set_font("DejaVu", "B", 9)
        pdf.cell(label_w, 5.5, k)
        pdf.set_font("DejaVu", "", 9)
        pdf.multi_cell(0, 5.5, v, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("DejaVu", "", 8)
    widths = (8, 32, 30, 62, 38, 46, 36, 18)
    with pdf.table(
        col_widths=widths,
        text_align=("RIGHT", "LEFT", "LEFT", "LEFT", "LEFT", "LEFT", "LEFT", "RIGHT"),
        headings_style=FontFace(emphasis="BOLD", fill_color=(225, 225, 225)),
        line_height=5,
        width=sum(widths),
        repeat_headings=1,
    ) as table:
        table.row(t.columns)
        for row in _device_rows(view):
            table.row(row)
    pdf.ln(3)
    for k, v in _totals(view, t):
        pdf.set_font("DejaVu", "B", 9)
        pdf.cell(label_w, 5.5, k)
        pdf.set_font("DejaVu", "", 9)
        pdf.cell(0, 5.5, v, new_x="LMARGIN", new_y="NEXT")
    if t.undertaking:
        pdf.ln(2)
        pdf.set_font("DejaVu", "", 8.5)
        pdf.multi_cell(0, 4.5, t.undertaking, align="L", new_x="LMARGIN", new_y="NEXT")
    # Signature boxes, kept together on one page.
    box_h = 32
    if pdf.get_y() + box_h + 12 > pdf.h - pdf.b_margin:
        pdf.add_page()
    pdf.ln(4)
    y = pdf.get_y()
    box_w = (pdf.w - pdf.l_margin - pdf.r_margin - 10) / 2
    for j, who in enumerate((t.transferor, t.taker)):
        x = pdf.l_margin + j * (box_w + 10)
        pdf.rect(x, y, box_w, box_h)
        pdf.set_xy(x + 2, y + 2)
        pdf.set_font("DejaVu", "B", 9)
        pdf.cell(box_w - 4, 5, who)
        pdf.set_xy(x + 2, y + 8)
        pdf.set_font("DejaVu", "", 8)
        pdf.cell(box_w - 4, 4, t.sign_fields)
    pdf.set_y(y + box_h + 2)
    pdf.output(str(path))
    return Path(path)
