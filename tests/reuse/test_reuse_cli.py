"""The reuse commands end to end: flag, accept/override, erasure, lots and slips, rate."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from typer.testing import CliRunner

from sobriety.cli.main import app
from sobriety.domain.reuse.policy import default_policy_path
from sobriety.storage import db

from .fleetdb import add_devices, add_site, years_ago

runner = CliRunner()


def run(url: str, *args: str, ok: bool = True, lang: str = "en"):
    result = runner.invoke(app, ["--db", url, "--lang", lang, *args])
    if ok:
        assert result.exit_code == 0, result.output
    else:
        assert result.exit_code != 0, result.output
    return result


@pytest.fixture
def seeded(db_url: str) -> str:
    engine = db.make_engine(db_url)
    db.upgrade(engine)
    hq = add_site(engine, "HQ")
    add_devices(
        engine,
        {"asset_tag": "PC-001", "cpu_generation": 3, "serial": "5CG1234XYZ", "weight_kg": 1.6},
        {"asset_tag": "PC-002", "cpu_generation": 4, "serial": "5CG9876ABC", "weight_kg": 1.4},
        {"asset_tag": "PC-003", "cpu_generation": 3, "declared_value_eur": 520.0},
        {"asset_tag": "PC-004", "status": "in_service", "acquisition_date": years_ago(1)},
        site_id=hq,
    )
    engine.dispose()
    return db_url


def pdf_page_image(path: Path):
    doc = pdfium.PdfDocument(str(path))
    try:
        return doc[0].render(scale=1).to_pil().convert("L")
    finally:
        doc.close()


def pdf_text(path: Path) -> str:
    doc = pdfium.PdfDocument(str(path))
    try:
        return "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    finally:
        doc.close()


def test_flag_table_explains_the_recommendation(seeded: str) -> None:
    out = run(seeded, "flag").output
    assert "4 devices evaluated (whole fleet)" in out
    assert "3 to review" in out
    assert "PC-004" not in out  # one year old, in service: nothing to review
    assert "Recommended: transfer to a public body" in out
    assert "to do: erasure not recorded (purge level needed)" in out
    assert "value 520 EUR above 300 EUR: sale required" in out
    assert "Following these recommendations avoids about" in out
    assert "avoids about" in out.split("PC-001")[1]


def test_flag_one_device_shows_every_rule_with_its_source(seeded: str) -> None:
    out = run(seeded, "flag", "--device", "PC-004").output
    assert "keep / repair / upgrade: recommended" in out
    assert "[Microsoft, Windows 11 minimum system requirements" in out
    assert "Décret 2023-266 art. 1" in out


def test_flag_json_and_csv_exports(seeded: str, tmp_path: Path) -> None:
    out = run(seeded, "flag", "--device", "PC-003", "--format", "json").output
    payload = json.loads(out)
    (dev,) = payload["devices"]
    assert dev["asset_tag"] == "PC-003" and dev["recommended"] == "transfer"
    donate = next(c for c in dev["flag"]["channels"] if c["channel"] == "donate_agent")
    assert donate["state"] == "ruled_out"
    (reason,) = [r for r in donate["reasons"] if r["effect"] == "out"]
    assert reason["code"] == "value_over_cap" and reason["params"]["cap"] == 300
    assert "2022-791" in reason["source"] or "300 EUR" in reason["source"]
    # Avoided emissions per channel come from the carbon engine's factors.
    avoided = {c["channel"]: c["avoided_kgco2e"] for c in dev["flag"]["channels"]}
    assert avoided["transfer"] > 50 and avoided["recycle"] == 0
    assert avoided["transfer"] == avoided["sell"]
    target = tmp_path / "flags.csv"
    run(seeded, "flag", "--site", "HQ", "--format", "csv", "--output", str(target))
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    assert [r["asset_tag"] for r in rows] == ["PC-001", "PC-002", "PC-003"]
    assert rows[0]["recommended"] == "transfer"
    assert rows[0]["to_do"] == "erasure_missing"
    assert rows[0]["counts_toward_target"] == "yes"
    assert "donate_association" in rows[0]["alternatives"].split("|")


def test_selection_options_are_exclusive_and_checked(seeded: str) -> None:
    assert "choose one of" in run(seeded, "flag", "--all", "--site", "HQ", ok=False).output
    assert "no site" in run(seeded, "flag", "--site", "NOPE", ok=False).output
    assert "no device" in run(seeded, "flag", "--device", "NOPE", ok=False).output


def test_from_flag_to_signed_slip(seeded: str, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SOBRIETY_TRANSFEROR_NAME", "Conseil départemental d'Ille-et-Vilaine")
    monkeypatch.setenv("SOBRIETY_TRANSFEROR_SIRET", "22350001800013")
    monkeypatch.setenv("SOBRIETY_TRANSFEROR_ADDRESS", "1 avenue de la Préfecture, 35000 Rennes")
    run(seeded, "flag", "accept", "PC-001")
    bad = run(
        seeded,
        "flag",
        "override",
        "PC-002",
        "--channel",
        "donate_association",
        "--reason",
        " ",
        ok=False,
    )
    assert "needs a reason" in bad.output
    same = run(seeded, "flag", "override", "PC-002", "--channel", "redeploy", "--reason", "asked")
    assert "internal redeployment chosen (the recommended channel)" in same.output
    out = run(
        seeded,
        "flag",
        "override",
        "PC-002",
        "--channel",
        "transfer",
        "--reason",
        "the collège asked for it",
    ).output
    assert "transfer to a public body chosen instead of internal redeployment" in out
    bad = run(
        seeded,
        "erasure",
        "record",
        "PC-001",
        "--method",
        "factory_reset",
        "--level",
        "purge",
        "--tool",
        "x",
        "--operator",
        "t1",
        ok=False,
    )
    assert "cannot reach the purge level" in bad.output
    run(
        seeded,
        "lot",
        "create",
        "--channel",
        "transfer",
        "--recipient",
        "Collège Anne de Bretagne",
        "--kind",
        "school",
        "--siret",
        "732 829 320 00074",
    )
    refused = run(seeded, "lot", "add", "LOT-", "PC-001", ok=False)
    assert "no lot" in refused.output
    lot = run(seeded, "lot", "list").output.split()[0]
    refused = run(seeded, "lot", "add", lot, "PC-001", "PC-002", ok=False)
    assert "PC-001: erasure not recorded" in refused.output
    assert "PC-002: erasure not recorded" in refused.output
    for tag, cert in (("PC-001", "BL-0001"), ("PC-002", "BL-0002")):
        run(
            seeded,
            "erasure",
            "record",
            tag,
            "--method",
            "cryptographic_erase",
            "--level",
            "purge",
            "--tool",
            "BitLocker",
            "--operator",
            "tech-3",
            "--date",
            "2026-11-02",
            "--verified",
            "--encrypted-from-install",
            "--certificate",
            cert,
        )
    run(seeded, "lot", "add", lot, "PC-001", "PC-002")
    shown = run(seeded, "lot", "show", lot).output
    assert "BL-0002" in shown and "3.00 kg" in shown
    run(seeded, "lot", "close", lot, "--date", "2026-11-27", "--deed", "CONV-2026-031")
    pdf, csv_path = tmp_path / "slip.pdf", tmp_path / "slip.csv"
    run(seeded, "lot", "slip", lot, "--pdf", str(pdf), "--csv", str(csv_path))
    text = pdf_text(pdf)
    for expected in (
        lot,
        "Collège Anne de Bretagne",
        "73282932000074",
        "5CG1234XYZ",
        "BL-0001",
        "Cryptographic erase (purge)",
        "3.00 kg",
        "For the transferor",
        "For the recipient",
        "CONV-2026-031",
        "27 Nov 2026",
        "Décret 2023-266",
    ):
        assert expected in text, expected
    assert "DRAFT" not in text
    page = pdf_page_image(pdf)
    assert page.width > page.height  # A4 landscape
    dark = sum(page.histogram()[:128])
    assert dark > 2000  # the page actually draws its table, boxes and text
    # the erasure proof of each device: method and level, verified, date, operator
    for expected in ("Verified", "Erased on", "Operator", "tech-3", "2 Nov 2026", "free of charge"):
        assert expected in text, expected
    # the transferor comes from the configuration; the legal basis, from the wording table
    assert "Conseil départemental d'Ille-et-Vilaine" in text and "22350001800013" in text
    assert "to be confirmed by your legal service" in text
    rows = list(csv.reader(csv_path.open(encoding="utf-8-sig")))
    assert rows[0][:3] == ["Lot", "Channel", "Transfer date"]
    assert "Asset tag" in rows[0] and "Verified" in rows[0] and "Operator" in rows[0]
    assert len(rows) == 3  # the header, then one row per device
    by = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    assert [r["Asset tag"] for r in by] == ["PC-001", "PC-002"]
    assert by[0]["Lot"] == lot and by[0]["Serial"] == "5CG1234XYZ"
    assert by[0]["Certificate"] == "BL-0001" and by[0]["Verified"] == "yes"
    assert by[0]["Operator"] == "tech-3" and by[0]["Transferor"].startswith("Conseil")
    # a second slip to the same files is refused unless --force
    again = run(seeded, "lot", "slip", lot, "--pdf", str(pdf), "--csv", str(csv_path), ok=False)
    assert "--force" in again.output
    run(seeded, "lot", "slip", lot, "--pdf", str(pdf), "--csv", str(csv_path), "--force")
    rate = json.loads(run(seeded, "reuse-rate", "--year", "2026", "--format", "json").output)
    assert rate["a"] == 2 and rate["a_by_channel"] == {"transfer": 2}
    assert rate["target_pct"] == 50


def test_slip_follows_the_language_and_marks_open_lots(seeded: str, tmp_path: Path) -> None:
    run(
        seeded,
        "lot",
        "create",
        "--channel",
        "sell",
        "--recipient",
        "Ateliers du Bocage",
        "--kind",
        "refurbisher",
        "--code",
        "VENTE-1",
    )
    run(
        seeded,
        "erasure",
        "record",
        "PC-003",
        "--method",
        "sanitize",
        "--level",
        "purge",
        "--tool",
        "hdparm",
        "--operator",
        "t2",
        "--date",
        "2026-11-03",
        "--verified",
    )
    run(seeded, "lot", "add", "VENTE-1", "PC-003")
    pdf, csv_path = tmp_path / "v.pdf", tmp_path / "v.csv"
    run(seeded, "lot", "slip", "VENTE-1", "--pdf", str(pdf), "--csv", str(csv_path), lang="fr")
    text = pdf_text(pdf)
    assert "Bordereau de cession - VENTE-1" in text  # French catalog
    assert "PROJET" in text and "DRAFT" not in text  # open lot: marked as a draft
    assert "Pour le bénéficiaire" in text
    first = csv_path.read_text(encoding="utf-8-sig").splitlines()[1]
    assert first.count(";") >= 10  # French spreadsheets: semicolon-separated
    assert first.startswith("VENTE-1;")
    # a sale: the buyer's prior commitment and proof (décret 2023-266 art. 2), in French
    assert "s'est engagé préalablement" in text


def test_user_policy_file_changes_the_recommendation(
    seeded: str, tmp_path: Path, monkeypatch
) -> None:
    text = default_policy_path().read_text(encoding="utf-8")
    mine = tmp_path / "policy.toml"
    mine.write_text(
        text.replace(
            '    "keep",\n    "redeploy",\n    "transfer",',
            '    "transfer",\n    "keep",\n    "redeploy",',
        ),
        encoding="utf-8",
    )
    monkeypatch.setenv("SOBRIETY_POLICY", str(mine))
    out = run(seeded, "flag", "--device", "PC-004", "--format", "json").output
    assert json.loads(out)["devices"][0]["recommended"] == "transfer"
    assert "valid (8 channels: transfer, keep" in run(seeded, "policy", "check").output
    mine.write_text(text.replace("value = 300,", "value = -300,", 1), encoding="utf-8")
    bad = run(seeded, "flag", ok=False)
    assert "Invalid reuse policy" in bad.output
    assert "channels.donate_association.max_value_eur.value = -300" in bad.output
    bad = run(seeded, "policy", "check", str(mine), ok=False)
    assert str(mine) in bad.output and "expected a number >= 0" in bad.output


def test_policy_show_lists_channels_with_sources(seeded: str) -> None:
    out = run(seeded, "policy", "show").output
    assert out.index("keep / repair") < out.index("recycling (WEEE)")
    assert "Maximum value, EUR (max_value_eur): default 300" in out and "2022-791" in out
    assert "Monitor no limit" in out and "sobriety default policy" in out


def test_lot_and_erasure_commands_refuse_a_stale_version_and_keep_a_history(seeded: str) -> None:
    url = seeded
    run(url, "erasure", "record", "PC-001", "--method", "sanitize", "--level", "purge",
        "--tool", "nvme-cli", "--operator", "tech-1")  # fmt: skip
    listed = run(url, "erasure", "list", "PC-001").output
    erasure_id = listed.split()[0].lstrip("#")
    assert "v1" in listed and "not verified" in listed
    run(url, "erasure", "verify", "PC-001", "--by", "chief", "--certificate", "C-1")
    stale = run(url, "erasure", "verify", "PC-001", "--by", "other", "--id", erasure_id,
                "--version", "1", ok=False)  # fmt: skip
    assert "was changed by someone else" in stale.output
    assert "verified by chief" in run(url, "erasure", "list", "PC-001").output
    run(url, "lot", "create", "--channel", "transfer", "--recipient", "Collège", "--kind",
        "school")  # fmt: skip
    code = run(url, "lot", "list").output.split()[0]
    assert "version 1" in run(url, "lot", "show", code).output
    run(url, "lot", "add", code, "PC-001", "--version", "1")
    refused = run(url, "lot", "close", code, "--version", "1", ok=False).output
    assert "was changed by someone else" in refused and "Devices added (PC-001)" in refused
    assert "Open" in run(url, "lot", "show", code).output
    run(url, "lot", "close", code, "--deed", "D-1", "--version", "2")
    history = run(url, "lot", "history", code).output.splitlines()
    assert [line.split()[0] for line in history] == ["v1", "v2", "v3"]
    assert "sobriety lot add" in history[1] and "PC-001" in history[1]
    assert "Lot closed (handed over) — PC-001; Deed: D-1" in history[2]


def test_french_output_cites_rule_sources_in_french_and_counts_with_plurals(seeded: str) -> None:
    url = seeded
    flag = run(url, "flag", "--device", "PC-001", "--sources", lang="fr").output
    assert "Guide de bonnes pratiques MiNumEco" in flag and "MiNumEco good-practice" not in flag
    assert "Choix de la politique" in flag and "Policy choice" not in flag
    assert "la configuration Windows 11" in flag and "Windows 11 eligible" not in flag
    english = run(url, "flag", "--device", "PC-001", "--sources").output
    assert "MiNumEco good-practice guide" in english and "Guide de bonnes" not in english
    policy = run(url, "policy", "show", lang="fr").output
    assert "Réaffectation interne" in policy and "Internal redeployment" not in policy
    assert policy.startswith("politique par défaut de sobriety")
    assert "Valeur maximale, EUR (max_value_eur)\u00a0: par défaut 300" in policy
    assert "Écran sans limite" in policy and "no limit" not in policy
    run(url, "erasure", "record", "PC-001", "--method", "sanitize", "--level", "purge",
        "--tool", "nvme-cli", "--operator", "tech-1", "--verified")  # fmt: skip
    run(url, "erasure", "record", "PC-002", "--method", "sanitize", "--level", "purge",
        "--tool", "nvme-cli", "--operator", "tech-1", "--verified")  # fmt: skip
    run(url, "lot", "create", "--channel", "transfer", "--recipient", "Collège", "--kind",
        "school")  # fmt: skip
    code = run(url, "lot", "list").output.split()[0]
    one = run(url, "lot", "add", code, "PC-001", lang="fr").output
    assert f"1 équipement ajouté au lot {code}" in one
    two = run(url, "lot", "remove", code, "PC-001", lang="fr").output
    assert f"1 équipement retiré du lot {code}" in two
    both = run(url, "lot", "add", code, "PC-001", "PC-002", lang="fr").output
    assert f"2 équipements ajoutés au lot {code}" in both
    assert "2 devices removed" in run(url, "lot", "remove", code, "PC-001", "PC-002").output
