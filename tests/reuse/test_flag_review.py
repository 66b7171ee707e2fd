"""``sobriety flag``: what a technician can act on comes first; one answer on what counts."""

from __future__ import annotations

import json

from sqlalchemy import Engine
from typer.testing import CliRunner

from sobriety.app import reuse, reuse_queue
from sobriety.cli.main import app as cli

from .fleetdb import add_devices, make_app, years_ago

runner = CliRunner()


def run(engine: Engine, *args: str) -> str:
    result = runner.invoke(cli, ["--db", engine.url.render_as_string(), "--lang", "en", *args])
    assert result.exit_code == 0, result.output
    return result.output


def seed(engine: Engine) -> None:
    add_devices(
        engine,
        # in use, over the review age, still fine to keep: last
        *[
            {"asset_tag": f"AGE-{i}", "status": "in_service", "acquisition_date": years_ago(6)}
            for i in range(3)
        ],
        {"asset_tag": "RET-1", "cpu_generation": 3},
        {"asset_tag": "BRK-1", "status": "in_service", "condition": "broken"},
        {"asset_tag": "RET-2", "cpu_generation": 3},
    )


def test_flag_lists_the_devices_to_act_on_first(engine: Engine) -> None:
    seed(engine)
    out = run(engine, "flag")
    order = [line.split()[0] for line in out.splitlines() if line[:4] in ("AGE-", "RET-", "BRK-")]
    assert order == ["RET-1", "RET-2", "BRK-1", "AGE-0", "AGE-1", "AGE-2"]


def test_a_second_accept_says_it_was_already_accepted(engine: Engine) -> None:
    seed(engine)
    first = run(engine, "flag", "accept", "RET-1")
    assert "accepted" in first and "already" not in first
    second = run(engine, "flag", "accept", "RET-1")
    assert "RET-1: transfer to a public body was already accepted; nothing changed" in second
    events = run(engine, "flag", "--device", "RET-1", "--format", "json")
    assert json.loads(events)["devices"][0]["decided"] == "transfer"


def test_queue_device_screen_and_flag_device_give_one_answer(engine: Engine) -> None:
    """The reuse queue, the device screen (flag_device) and `flag --device` read the same
    ``counts_toward_target`` (domain.reuse.rules.counts_toward_target): keep never counts."""
    seed(engine)
    app = make_app(engine)
    queue = {r.asset_tag: r for r in reuse_queue.rows(app)}
    for tag, row in queue.items():
        screen = reuse.flag_device(app, tag).recommended
        cli_row = json.loads(run(engine, "flag", "--device", tag, "--format", "json"))["devices"][0]
        assert row.recommended == str(screen.channel) == cli_row["recommended"], tag
        assert (
            row.counts_toward_target
            == screen.counts_toward_target
            == cli_row["counts_toward_target"]
        ), tag
    assert queue["AGE-0"].recommended == "keep" and queue["AGE-0"].counts_toward_target == "no"
    assert queue["RET-1"].counts_toward_target == "yes"


def test_the_need_is_judged_on_the_whole_stock_whatever_is_asked(engine: Engine) -> None:
    """A Windows 11-ready retired laptop with ten ready laptops in stock: no need to keep it,
    whether the whole fleet, its site or the device alone is evaluated."""
    add_devices(
        engine,
        {"asset_tag": "RET-W11"},
        *[{"asset_tag": f"STOCK-{i}", "status": "in_stock"} for i in range(10)],
    )
    app = make_app(engine)
    queue = {r.asset_tag: r for r in reuse_queue.rows(app)}
    alone = json.loads(run(engine, "flag", "--device", "RET-W11", "--format", "json"))
    screen = reuse.flag_device(app, "RET-W11")
    assert queue["RET-W11"].recommended == "transfer"
    assert alone["devices"][0]["recommended"] == "transfer"
    assert screen.recommended.channel == "transfer"
    assert [r.code for r in screen.outcome("keep").rule_outs] == ["no_need"]


def test_a_redeployment_request_is_a_need(engine: Engine) -> None:
    """Ten ready laptops in stock: a retired laptop leaves, unless a redeployment request
    is open for laptops; closing the request ends the need."""
    add_devices(
        engine,
        {"asset_tag": "RET-W11"},
        *[{"asset_tag": f"STOCK-{i}", "status": "in_stock"} for i in range(10)],
    )
    app = make_app(engine)
    assert reuse.flag_device(app, "RET-W11").recommended.channel == "transfer"
    out = run(engine, "flag", "need", "add", "laptop", "--count", "2", "--note", "CDAS Vitré")
    assert "Request 1 recorded" in out
    assert "CDAS Vitré" in run(engine, "flag", "need", "list")
    flag = reuse.flag_device(app, "RET-W11")
    assert flag.recommended.channel == "keep"
    assert "need_requested" in [r.code for r in flag.outcome("keep").reasons]
    assert {r.asset_tag: r.recommended for r in reuse_queue.rows(app)}["RET-W11"] == "keep"
    run(engine, "flag", "need", "close", "1")
    assert reuse.flag_device(app, "RET-W11").recommended.channel == "transfer"
    assert "No open redeployment request." in run(engine, "flag", "need", "list")
