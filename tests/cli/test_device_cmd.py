"""``sobriety device ...`` and ``sobriety history``: the TUI's device actions on the command
line, with the same rules, history and optimistic locking (issues 8 and 11)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from typer.testing import CliRunner

from sobriety.app import inventory
from sobriety.app.context import Sobriety
from sobriety.cli.main import app
from sobriety.settings import load_settings

runner = CliRunner()
pytestmark = pytest.mark.time_machine(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=True)
#: An in-service laptop of the demo fleet (seed 3, 600 devices) with no history yet.
TAG = "DEMO-0000008"


@pytest.fixture
def demo_db(db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("SOBRIETY_ACTOR", "tech-07")
    seeded = runner.invoke(app, ["--db", db_url, "demo", "--devices", "600", "--seed", "3"])
    assert seeded.exit_code == 0, seeded.output
    return db_url


def test_the_device_of_these_tests_is_in_service_with_no_history(demo_db: str) -> None:
    shown = _shown(demo_db)
    assert shown["status"] == "in_service" and shown["version"] == 1


def _run(db: str, *args: str, lang: str = "en", code: int = 0) -> str:
    result = runner.invoke(app, ["--db", db, "--lang", lang, *args])
    assert result.exit_code == code, result.output
    return result.output


def _shown(db: str, tag: str = TAG) -> dict:
    return json.loads(_run(db, "device", "show", tag, "--format", "json"))


def test_tags_match_ignoring_case_and_spaces_and_unknown_ones_get_a_suggestion(
    demo_db: str,
) -> None:
    assert f"Asset tag              {TAG}" in _run(demo_db, "device", "show", f"  {TAG.lower()} ")
    out = _run(demo_db, "device", "show", "DEMO-000042", code=1)
    assert "no device with asset tag 'DEMO-000042'; did you mean DEMO-0000042" in out
    out = _run(demo_db, "device", "move", TAG, "demo-cdas-7", code=1)
    assert "no site with code 'demo-cdas-7'; did you mean DEMO-CDAS-07" in out


def test_an_empty_history_says_so(demo_db: str) -> None:
    assert "no history yet" in _run(demo_db, "history", TAG)
    assert "aucun historique" in _run(demo_db, "history", TAG, lang="fr")


def test_edit_reads_french_labels_and_numbers_and_is_recorded_with_who_and_where(
    demo_db: str,
) -> None:
    before = _shown(demo_db)
    out = _run(
        demo_db, "device", "edit", TAG.lower(), "Prix HT (EUR)=1 234,56",
        "category=PC portable", "condition=dégradé",
    )  # fmt: skip
    assert f"{TAG}: edited, recorded in the history (version {before['version'] + 1})" in out
    after = _shown(demo_db)
    assert after["purchase_price_eur"] == 1234.56 and after["category"] == "laptop"
    assert after["condition"] == "degraded"
    history = _run(demo_db, "device", "history", TAG)
    assert "by tech-07  (sobriety device edit)" in history
    old = f"{before['purchase_price_eur']:,.2f}"
    assert f"Price excl. VAT (EUR): {old} → 1,234.56" in history  # the cents kept
    assert "Condition: Working → Degraded" in history
    french = _run(demo_db, "history", TAG, lang="fr")
    assert "État\u00a0: Bon état → Dégradé" in french
    assert "Price excl." not in french


def test_edit_refuses_what_the_edit_form_refuses_and_writes_nothing(demo_db: str) -> None:
    before = _shown(demo_db)
    out = _run(demo_db, "device", "edit", TAG, "ram_gb=-4", "acquisition_date=2099-01-01", code=1)
    assert "not saved" in out and "RAM (GB)" in out and "Acquired on: in the future" in out
    out = _run(demo_db, "device", "edit", TAG, "history=nothing", code=1)
    assert "'history' is not a device field" in out  # the history is not editable
    assert _shown(demo_db) == before


def test_assign_move_retire_follow_the_tui_rules(demo_db: str) -> None:
    _run(demo_db, "device", "assign", TAG, "AG-0042", "--note", "new arrival")
    assert _shown(demo_db)["assignee"] == "AG-0042"
    _run(demo_db, "device", "move", TAG, "demo-cdas-07")
    assert _shown(demo_db)["site_code"] == "DEMO-CDAS-07"
    out = _run(demo_db, "device", "retire", TAG, "--reason", " ", code=1)
    assert "--reason: a value is required" in out
    out = _run(demo_db, "device", "retire", TAG, "--reason", "x", "--date", "2027-01-01", code=1)
    assert "--date: in the future" in out
    _run(demo_db, "device", "retire", TAG, "--reason", "screen broken", "--condition", "cassé")
    shown = _shown(demo_db)
    assert shown["status"] == "retired" and shown["condition"] == "broken"
    assert shown["retirement_date"] == "2026-03-02"
    history = _run(demo_db, "history", TAG)
    for line in (
        "Assigned  by tech-07  (sobriety device assign)",
        "Moved  by tech-07  (sobriety device move)",
        "Site: ",
        "→ DEMO-CDAS-07",
        "Reason: screen broken",
    ):
        assert line in history


def test_a_stale_version_is_refused_with_who_changed_what_and_when(
    demo_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _shown(demo_db)
    read = before["version"]
    monkeypatch.setenv("SOBRIETY_ACTOR", "tech-99")
    _run(demo_db, "device", "assign", TAG, "AG-0001")
    monkeypatch.setenv("SOBRIETY_ACTOR", "tech-07")
    out = _run(demo_db, "device", "move", TAG, "DEMO-CDAS-07", "--version", str(read), code=1)
    assert f"{TAG} was changed by someone else since you read it (version {read}" in out
    assert "tech-99 (sobriety device assign): Assigned" in out and "→ AG-0001" in out
    assert "02/03/2026" in out
    assert _shown(demo_db)["site_code"] == before["site_code"] != "DEMO-CDAS-07"


def _session(url: str, actor: str) -> Sobriety:
    return Sobriety(load_settings(database_url=url, actor=actor))


def test_two_sessions_on_one_database_never_overwrite_each_other(demo_db: str) -> None:
    """Two technicians (two app objects, two connections) on the same SQLite file or the
    same PostgreSQL database edit one device from the same version read."""
    alice, bob = _session(demo_db, "alice"), _session(demo_db, "bob")
    try:
        base_a = dict(inventory.detail(alice, TAG).values)
        base_b = dict(inventory.detail(bob, TAG).values)
        first = inventory.save(alice, action="edit", base=base_a, values={"os": "Debian 12"})
        assert isinstance(first, inventory.Saved)
        second = inventory.save(bob, action="edit", base=base_b, values={"os": "Windows 11"})
        assert isinstance(second, inventory.Conflicted)
        assert second.changed == {"os": (base_a["os"], "Debian 12")}
        [event] = second.events
        assert event["actor"] == "alice" and event["details"]["changes"]["os"][1] == "Debian 12"
        assert event["date"] is not None and event["device_version"] == base_a["version"] + 1
        assert inventory.detail(bob, TAG).values["os"] == "Debian 12"  # nothing overwritten
        # Bob re-reads, then his change goes in on top of Alice's
        again = dict(inventory.detail(bob, TAG).values)
        third = inventory.save(bob, action="edit", base=again, values={"os": "Windows 11"})
        assert isinstance(third, inventory.Saved)
        trail = inventory.history(bob, TAG.lower()).events
        assert [(e["actor"], e["details"]["changes"]["os"][1]) for e in trail[-2:]] == [
            ("alice", "Debian 12"),
            ("bob", "Windows 11"),
        ]
    finally:
        alice.close()
        bob.close()


def test_the_actor_is_never_made_up(monkeypatch: pytest.MonkeyPatch) -> None:
    import getpass

    monkeypatch.delenv("SOBRIETY_ACTOR", raising=False)
    assert load_settings(actor="tech-3").actor_name == "tech-3"
    assert load_settings().actor_name == getpass.getuser()
    for var in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        monkeypatch.delenv(var, raising=False)
    assert load_settings().actor_name not in ("", "sobriety")


def test_an_import_is_recorded_with_its_command(demo_db: str, tmp_path) -> None:
    out = tmp_path / "one.csv"
    _run(demo_db, "export", str(out), "--site", "DEMO-HQ", "--category", "laptop")
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    header, row = lines[0].split(","), lines[1].split(",")
    tag = row[header.index("asset_tag")]
    row[header.index("os")] = "Debian 12"
    out.write_text("\n".join([lines[0], ",".join(row)]) + "\n", encoding="utf-8")
    _run(demo_db, "import", str(out))
    history = _run(demo_db, "history", tag)
    assert "by tech-07  (sobriety import)" in history and "Operating system:" in history
    assert "File: one.csv" in history
