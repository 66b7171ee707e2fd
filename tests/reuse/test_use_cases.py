"""The reuse use cases the CLI and the TUI share: queue rows, bulk decisions, lots, slips."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from sobriety.app import lots, reuse, reuse_output, reuse_queue
from sobriety.app.context import Sobriety
from sobriety.cli.main import app as cli
from sobriety.domain.reuse.lots import ErasureInput
from sobriety.domain.reuse.rules import counts_toward_target

from .fleetdb import TODAY, add_devices, add_site, make_app, years_ago


@pytest.fixture
def app(engine: Engine) -> Sobriety:
    hq = add_site(engine, "HQ")
    add_devices(
        engine,
        {"asset_tag": "KEEP-1"},
        {"asset_tag": "OLD-CPU", "cpu_generation": 3},
        {"asset_tag": "OLD-CPU-2", "cpu_generation": 3},
        {
            "asset_tag": "MON-OLD",
            "category": "monitor",
            "acquisition_date": years_ago(12),
            # broken beyond the repair ceiling: a working old monitor would be kept
            "condition": "broken",
            "repair_estimate_eur": 900.0,
        },
        {"asset_tag": "YOUNG", "status": "in_service", "acquisition_date": years_ago(1)},
        site_id=hq,
    )
    return make_app(engine)


def test_queue_rows_follow_the_policy_order_and_give_the_flags_answer(app: Sobriety) -> None:
    steps: list[tuple[str, float, float | None]] = []
    rows = reuse_queue.rows(app, progress=lambda *step: steps.append(step))
    assert [r.asset_tag for r in rows] == ["KEEP-1", "OLD-CPU", "OLD-CPU-2", "MON-OLD"]
    assert [s[1:] for s in steps] == [(0, 2), (1, 2)]
    for r in rows:
        flag = reuse.flag_device(app, r.asset_tag)
        assert r.recommended == str(flag.recommended.channel)
        assert r.counts_toward_target == flag.recommended.counts_toward_target
        assert r.counts_toward_target == counts_toward_target(app.policy, r.recommended, r.in_scope)
    by_tag = {r.asset_tag: r for r in rows}
    # keep and recycling do not count toward décret 2023-266, a transfer does
    assert by_tag["KEEP-1"].counts_toward_target == "no" and by_tag["KEEP-1"].in_scope
    assert by_tag["OLD-CPU"].counts_toward_target == "yes"
    assert by_tag["MON-OLD"].counts_toward_target == "no"
    assert reuse_queue.channel_counts(rows) == {"keep": 1, "transfer": 2, "recycle": 1}
    assert reuse_queue.most_common_channel(rows) == "transfer"


def test_decide_each_reports_progress_and_every_refusal(app: Sobriety) -> None:
    steps: list[tuple[str, float, float | None]] = []
    done, refused = reuse_queue.decide_each(
        app, ["OLD-CPU", "GHOST", "MON-OLD"], channel="sell", reason="offer",
        progress=lambda *step: steps.append(step),
    )  # fmt: skip
    assert done == ["OLD-CPU"]
    assert [s[1:] for s in steps] == [(0, 3), (1, 3), (2, 3)]
    assert refused["GHOST"] == ["no device with asset tag 'GHOST'"]
    assert refused["MON-OLD"][0] == "sale is ruled out for MON-OLD:"
    assert any("12 years old, over the 10-year limit" in r for r in refused["MON-OLD"][1:])
    done, refused = reuse_queue.decide_each(app, ["KEEP-1"])
    assert (done, refused) == (["KEEP-1"], {})


def test_a_lot_built_from_the_queue_is_all_or_nothing(app: Sobriety) -> None:
    with pytest.raises(reuse.ReuseError) as err:
        lots.build(app, ["OLD-CPU", "OLD-CPU-2"], channel="transfer",
                   recipient_name="Mairie", recipient_kind="public_body")  # fmt: skip
    title, refused = reuse_queue.refusals(err.value)
    # no lot code is quoted: the lot was never created
    assert title == "cannot build a lot of transfer to a public body:"
    assert "LOT-" not in str(err.value)
    assert set(refused) == {"OLD-CPU", "OLD-CPU-2"}
    assert lots.list_lots(app) == []  # the lot itself was not created either
    for tag in ("OLD-CPU", "OLD-CPU-2"):
        reuse.record_erasure(
            app,
            tag,
            ErasureInput(
                "cryptographic_erase",
                "purge",
                "BitLocker",
                "t",
                TODAY,
                True,
                encrypted_from_install=True,
            ),
        )
    code = lots.build(
        app, ["OLD-CPU", "OLD-CPU-2"], channel="transfer", recipient_name="Mairie",
        recipient_kind="public_body",
    )  # fmt: skip
    (row,) = lots.list_lots(app)
    assert (row.code, row.status, row.devices) == (code, "open", 2)
    assert reuse_output.lot_row_to_dict(row)["recipient"] == "Mairie"
    record = reuse_output.lot_to_dict(lots.show(app, code))
    assert [d["asset_tag"] for d in record["devices"]] == ["OLD-CPU", "OLD-CPU-2"]
    assert record["devices"][0]["erasure_date"] == TODAY.isoformat()
    json.dumps(record)  # JSON-ready
    assert lots.close(app, code).devices == 2


def test_one_rule_for_the_slip_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert lots.slip_paths("LOT-1") == (Path("LOT-1.pdf"), Path("LOT-1.csv"))
    assert lots.slip_paths("LOT-1", tmp_path) == (tmp_path / "LOT-1.pdf", tmp_path / "LOT-1.csv")
    new = f"{tmp_path / 'new'}/"
    assert lots.slip_paths("LOT-1", new)[0] == tmp_path / "new" / "LOT-1.pdf"
    assert lots.slip_paths("LOT-1", tmp_path / "out.pdf") == (
        tmp_path / "out.pdf",
        tmp_path / "out.csv",
    )
    assert lots.slip_paths("V.1", tmp_path)[1] == tmp_path / "V.1.csv"  # a dot in the code
    assert lots.slip_paths("LOT-1", pdf=tmp_path / "a.pdf")[0] == tmp_path / "a.pdf"


def test_write_slip_makes_the_folder_and_lot_json_from_the_cli(
    app: Sobriety, db_url: str, tmp_path: Path
) -> None:
    code = lots.create(app, channel="sell", recipient_name="Ateliers", recipient_kind="refurbisher")
    pdf, csv_path = lots.write_slip(app, code, target=f"{tmp_path / 'slips'}/")
    assert pdf == tmp_path / "slips" / f"{code}.pdf" and pdf.read_bytes().startswith(b"%PDF")
    # one row per device: an empty lot has the header only
    assert csv_path.read_text(encoding="utf-8-sig").splitlines()[0].startswith("Lot,Channel")
    # an existing slip is not replaced silently
    with pytest.raises(FileExistsError, match="--force"):
        lots.write_slip(app, code, target=f"{tmp_path / 'slips'}/")
    assert lots.write_slip(app, code, target=f"{tmp_path / 'slips'}/", force=True)[0] == pdf
    run = CliRunner().invoke(cli, ["--db", db_url, "lot", "show", code, "--format", "json"])
    assert run.exit_code == 0, run.output
    assert json.loads(run.output) == json.loads(
        json.dumps(reuse_output.lot_to_dict(lots.show(app, code)))
    )
    run = CliRunner().invoke(cli, ["--db", db_url, "lot", "list", "--format", "json"])
    assert [r["code"] for r in json.loads(run.output)] == [code]
