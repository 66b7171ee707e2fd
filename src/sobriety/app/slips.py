"""Transfer slips of lots: where they are written and the write itself (PDF and CSV)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sobriety.i18n import _

if TYPE_CHECKING:
    from sobriety.app.context import Sobriety


# ------------------------------------------------------------------ slips
def _with_suffix(stem: Path, suffix: str) -> Path:
    return stem.with_name(stem.name + suffix)


def slip_paths(
    code: str,
    target: str | Path | None = None,
    *,
    pdf: str | Path | None = None,
    csv: str | Path | None = None,
) -> tuple[Path, Path]:
    """The PDF and CSV files of lot ``code``'s slip: the one rule of every caller.

    ``target`` is a folder (an existing one, or a name ending with "/" that is
    made): ``CODE.pdf`` and ``CODE.csv`` in it; or a file name: ``FILE.pdf`` and
    ``FILE.csv``; None: ``CODE.pdf`` and ``CODE.csv`` in the current folder.
    ``pdf`` or ``csv`` name that file instead.
    """
    if target is None:
        stem = Path(code)
    else:
        folder = str(target).endswith(("/", "\\"))
        path = Path(target).expanduser()
        if folder or path.is_dir():
            stem = path / code
        else:
            stem = path.with_suffix("") if path.suffix.lower() in (".pdf", ".csv") else path
    return (
        Path(pdf).expanduser() if pdf else _with_suffix(stem, ".pdf"),
        Path(csv).expanduser() if csv else _with_suffix(stem, ".csv"),
    )


def write_slip(
    app: Sobriety,
    code: str,
    *,
    target: str | Path | None = None,
    pdf: str | Path | None = None,
    csv: str | Path | None = None,
    force: bool = False,
) -> tuple[Path, Path]:
    """Write the lot's transfer slip, PDF and CSV, ready to sign; returns both paths.

    Where: :func:`slip_paths`; missing folders are made. An existing slip is
    not replaced unless ``force`` (:class:`FileExistsError`, nothing written).
    The transferor comes from the configuration (``transferor_name``,
    ``transferor_siret``, ``transferor_address``).
    """
    from sobriety.app.lots import show
    from sobriety.reports.slip import Transferor, write_slip_csv, write_slip_pdf

    view = show(app, code)
    pdf_path, csv_path = slip_paths(code, target, pdf=pdf, csv=csv)
    if not force:
        for path in (pdf_path, csv_path):
            if path.exists():
                raise FileExistsError(
                    _("{path} already exists: nothing written (--force replaces it)").format(
                        path=path
                    )
                )
    for path in (pdf_path, csv_path):
        path.parent.mkdir(parents=True, exist_ok=True)
    settings = app.settings
    who = Transferor(
        settings.transferor_name, settings.transferor_siret, settings.transferor_address
    )
    write_slip_pdf(view, pdf_path, who, force=True)
    write_slip_csv(view, csv_path, who, force=True)
    return pdf_path, csv_path
