"""Import screen pilot tests (errors, then fixed, then committed; cancel) and the
importer's cancel hook, on the database the TUI tests use."""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path

import pytest
from seeding import FLEET_SIZE
from sqlalchemy import Engine, func, select
from textual.widgets import DataTable, Input, Select, Static

from sobriety.io.importer import ImportCancelled, ImportFailed, import_file
from sobriety.io.synonyms import load_synonyms
from sobriety.storage.models import Device, DeviceEvent
from sobriety.tui.screens.import_screen import ImportScreen
from sobriety.tui.widgets.label_choices import LabelChoices

from .conftest import make_app, settle, shown

HEADER = "asset_tag,category,manufacturer,model,acquisition_date,purchase_price_eur,status\n"
BAD = HEADER + (
    "NEW-0001,laptop,Dell,Latitude 5420,2024-01-15,950,in_service\n"
    "NEW-0002,toaster,HP,EliteBook 840 G8,2024-02-30,abc,in_service\n"
    "NEW-0003,monitor,Iiyama,ProLite XU2493HS,2023-05-02,180,lost\n"
)
GOOD = HEADER + (
    "NEW-0001,laptop,Dell,Latitude 5420,2024-01-15,950,in_service\n"
    "NEW-0002,laptop,HP,EliteBook 840 G8,2024-02-28,1100,in_service\n"
    "NEW-0003,monitor,Iiyama,ProLite XU2493HS,2023-05-02,180,in_stock\n"
)


def _counts(engine: Engine) -> tuple[int, int]:
    with engine.connect() as conn:
        devices = conn.execute(select(func.count()).select_from(Device)).scalar_one()
        events = conn.execute(select(func.count()).select_from(DeviceEvent)).scalar_one()
    return devices, events


@pytest.mark.asyncio
async def test_import_shows_every_problem_then_imports_the_fixed_file(
    sqlite_fleet: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "inventory.csv"
    path.write_text(BAD, encoding="utf-8")
    before = _counts(sqlite_fleet)
    app = make_app(sqlite_fleet)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("5")
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, ImportScreen)
        await pilot.press("ctrl+o", *str(path), "enter")
        await settle(pilot, app)
        result = screen.preview_result
        assert result is not None and result.error is None
        assert (result.rows, result.profile) == (3, "generic")
        assert ("category", "category", ["laptop", "toaster", "monitor"]) in result.mapping
        await pilot.press("ctrl+d")
        await settle(pilot, app)
        assert screen.outcome == "invalid"
        problems = screen.problems()
        assert [(line, col, value) for line, col, value, _exp in problems] == [
            ("3", "category", "toaster"),
            ("3", "acquisition_date", "2024-02-30"),
            ("3", "purchase_price_eur", "abc"),
            ("4", "status", "lost"),
        ]
        assert all(expected for *_rest, expected in problems)
        await pilot.press("ctrl+s")  # committing an invalid file writes nothing either
        await settle(pilot, app)
        assert screen.outcome == "invalid" and _counts(sqlite_fleet) == before
        # the user fixes the file, validates, then imports
        path.write_text(GOOD, encoding="utf-8")
        await pilot.press("ctrl+d")
        await settle(pilot, app)
        assert screen.outcome == "valid" and screen.problems() == []
        assert (screen.report.created, screen.report.committed) == (3, False)
        assert _counts(sqlite_fleet) == before
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert screen.outcome == "imported" and screen.report.committed
    assert _counts(sqlite_fleet)[0] == FLEET_SIZE + 3


@pytest.mark.asyncio
async def test_a_long_import_can_be_cancelled_and_leaves_the_database_as_it_was(
    sqlite_fleet: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "big.csv"
    rows = [
        f"BIG-{i:06d},laptop,Dell,Latitude 5420,2022-01-15,900,in_service\n" for i in range(9000)
    ]
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    before = _counts(sqlite_fleet)
    app = make_app(sqlite_fleet, start="import")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, ImportScreen)
        screen.choose(path)
        await settle(pilot, app)
        assert screen.preview_result.rows == 9000
        screen.action_commit()  # ctrl+s
        screen.action_cancel()  # escape, before the first chunk of 2,000 rows is done
        await settle(pilot, app)
        assert screen.outcome == "cancelled"
        assert screen.report is not None and screen.report.rows == 2000
    assert _counts(sqlite_fleet) == before


def test_the_importer_stops_between_chunks_and_rolls_back(sqlite_fleet: Engine, tmp_path) -> None:
    path = tmp_path / "big.csv"
    rows = [f"BIG-{i:06d},laptop,Dell,Latitude 5420,2022-01-15,900,in_service\n" for i in range(50)]
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    before = _counts(sqlite_fleet)
    cancel = threading.Event()
    seen: list[int] = []

    def progress(n: int) -> None:
        seen.append(n)
        if n >= 20:
            cancel.set()

    with pytest.raises(ImportCancelled, match="cancelled after 20 rows") as err:
        import_file(sqlite_fleet, path, chunk_size=10, progress=progress, cancel=cancel)
    assert seen == [10, 20] and err.value.report.rows == 20
    assert _counts(sqlite_fleet) == before
    report = import_file(sqlite_fleet, path, chunk_size=10, progress=seen.append)
    assert report.created == 50 and seen[2:] == [10, 20, 30, 40, 50]


AGENT_DATA = Path(__file__).resolve().parents[1] / "data" / "glpi-inventory"


def _rows(screen: ImportScreen, table_id: str) -> list[tuple[str, ...]]:
    table = screen.query_one(table_id, DataTable)
    return [tuple(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]


def _headers(screen: ImportScreen, table_id: str) -> list[str]:
    return [str(c.label) for c in screen.query_one(table_id, DataTable).columns.values()]


@pytest.mark.asyncio
async def test_agent_inventories_preview_the_devices_to_create_or_update(
    sqlite_fleet: Engine, tmp_path: Path
) -> None:
    folder = tmp_path / "agent"
    shutil.copytree(AGENT_DATA, folder)
    bad = folder / "bad.json"
    bad.write_text('{"deviceid": "x", "content": {"versionclient": 3}}', encoding="utf-8")
    before = _counts(sqlite_fleet)
    app = make_app(sqlite_fleet, start="import")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, ImportScreen)
        # an option the Select does not offer would be refused (InvalidSelectValueError)
        screen.query_one("#import-profile", Select).value = "glpi-agent"
        await pilot.press("ctrl+o", *str(folder), "enter")
        await settle(pilot, app)
        assert _headers(screen, "#import-problems") == ["File", "Path", "Value", "Expected"]
        assert screen.problems() == [("bad.json", "content.versionclient", "3", "text")]
        bad.unlink()  # the technician removes it and checks again
        await pilot.press("ctrl+d")
        await settle(pilot, app)
        assert screen.outcome == "valid" and screen.problems() == []
        assert _headers(screen, "#import-mapping") == ["Action", "Serial", "Category", "Model"]
        rows = _rows(screen, "#import-mapping")
        assert ("create", "640HP72", "Laptop", "XPS 13 9350") in rows
        assert ("create", "CN5BFP62CP", "Switch", "2530-48G") in rows
        assert len(rows) == 8 and _counts(sqlite_fleet) == before
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert screen.outcome == "imported" and screen.report.created == 8
        assert "8 created" in shown(screen.query_one("#import-summary", Static))
        # a newer inventory of the laptop: previewed as an update
        doc = json.loads((folder / "computer_1.json").read_text(encoding="utf-8"))
        doc["content"]["batteries"][0]["real_capacity"] = 30000
        doc["content"]["accesslog"]["logdate"] = "2026-01-05 09:00:00"
        (folder / "computer_1.json").write_text(json.dumps(doc), encoding="utf-8")
        screen.choose(folder)
        await settle(pilot, app)
        assert _rows(screen, "#import-mapping") == [("update", "640HP72", "Laptop", "XPS 13 9350")]
    assert _counts(sqlite_fleet)[0] == before[0] + 8


LABELS = "Asset Tag,Category,Status\n" + "".join(
    f"L-{i},Laptops,{'Actif' if i % 2 else 'Inactif'}\n" for i in range(1, 8)
)


@pytest.mark.asyncio
async def test_unknown_labels_are_listed_once_picked_and_saved_to_the_synonyms_file(
    sqlite_fleet: Engine, tmp_path: Path, monkeypatch
) -> None:
    synonyms = tmp_path / "my-synonyms.toml"
    synonyms.write_text('# mine\n[category]\nlaptop = ["Portable pro"]\n', encoding="utf-8")
    monkeypatch.setenv("SOBRIETY_SYNONYMS", str(synonyms))
    path = tmp_path / "labels.csv"
    path.write_text(LABELS, encoding="utf-8")
    before = _counts(sqlite_fleet)
    app = make_app(sqlite_fleet, start="import")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, ImportScreen)
        screen.choose(path)
        await settle(pilot, app)
        await pilot.press("ctrl+d")
        await settle(pilot, app)
        assert screen.outcome == "invalid"
        # each label once, with its lines and row count, not once per row
        assert [(line, col, value) for line, col, value, _e in screen.problems()] == [
            ("2, 4, 6, 8", "Status", "Actif"),
            ("3, 5, 7", "Status", "Inactif"),
        ]
        assert "4 rows" in screen.problems()[0][3]
        await pilot.press("ctrl+d")  # checked again before any pick: the same list
        await settle(pilot, app)
        assert screen.outcome == "invalid" and len(screen.problems()) == 2
        choices = screen.query_one(LabelChoices)
        choices.pick(0, "in_service")
        choices.pick(1, "in_stock")
        await settle(pilot, app)
        await pilot.press("ctrl+d")  # checked again with the picks
        await settle(pilot, app)
        assert screen.outcome == "valid" and screen.report.created == 7
        summary = shown(screen.query_one("#import-summary", Static))
        assert "7 to create" in summary
        await pilot.press("f4")
        await settle(pilot, app)
        assert screen.saved_to == synonyms
        assert _counts(sqlite_fleet) == before
    text = synonyms.read_text(encoding="utf-8")
    assert text.startswith("# mine")  # the user's file keeps its comments
    assert load_synonyms(synonyms).lookup("status", "Actif") == "in_service"
    assert load_synonyms(synonyms).lookup("status", "inactif") == "in_stock"
    assert load_synonyms(synonyms).lookup("category", "Portable pro") == "laptop"
    # the next import reads the saved file: no mapping needed any more
    report = import_file(sqlite_fleet, path, synonyms=load_synonyms(synonyms), dry_run=True)
    assert report.created == 7


@pytest.mark.asyncio
async def test_escape_leaves_the_path_field_and_section_keys_work_from_it(
    sqlite_fleet: Engine,
) -> None:
    app = make_app(sqlite_fleet, start="import")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, ImportScreen)
        path_field = screen.query_one("#import-path", Input)
        assert screen.focused is path_field
        await pilot.press("2")  # empty field: the section key
        await settle(pilot, app)
        assert app.current_mode == "inventory"
        await pilot.press("5")
        await settle(pilot, app)
        screen = app.screen
        screen.query_one("#import-path", Input).focus()
        await pilot.press("escape")
        await settle(pilot, app)
        assert not isinstance(screen.focused, Input)
        await pilot.press("ctrl+o", "full_stop", "slash", "2", "0")  # after text, digits type
        await settle(pilot, app)
        assert screen.query_one("#import-path", Input).value == "./20"
        assert app.current_mode == "import"


@pytest.mark.asyncio
async def test_a_long_value_is_quoted_at_most_200_characters(
    sqlite_fleet: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "long.csv"
    path.write_text(HEADER + "LONG-1,laptop,Dell,X,2024-01-15," + "9" * 500 + ",in_service\n")
    app = make_app(sqlite_fleet, start="import")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        screen = app.screen
        screen.choose(path)
        await settle(pilot, app)
        await pilot.press("ctrl+d")
        await settle(pilot, app)
        [(_line, _col, value, _exp)] = screen.problems()
        assert len(value) == 200 and value.endswith("…")
    with pytest.raises(ImportFailed) as info:
        import_file(sqlite_fleet, path)
    line = str(info.value.report.problems[0])
    assert '"' + "9" * 199 + '…"' in line and "9" * 200 not in line


@pytest.mark.asyncio
async def test_the_summary_states_the_date_order_and_its_default(
    sqlite_fleet: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "us.csv"
    path.write_text("Asset Tag,Category,Purchase Date\nUS-1,Laptops,3/5/24\n", encoding="utf-8")
    app = make_app(sqlite_fleet, start="import")
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot, app)
        screen = app.screen
        screen.choose(path)
        await settle(pilot, app)
        await pilot.press("ctrl+d")
        await settle(pilot, app)
        assert screen.outcome == "valid"
        summary = " ".join(shown(screen.query_one("#import-summary", Static)).split())
        assert 'column "Purchase Date": month/day/year (default of the profile' in summary
        assert "Two-digit years are read as 1970 to 2069." in summary
