"""Each kind of bad inventory file is named with the place at fault; nothing is imported.

A folder is all-or-nothing like a CSV file; ``skip_invalid`` imports the valid
files and lists (and writes) those left out.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from agent_helpers import AGENT_DATA, real
from io_helpers import devices, snapshot

from sobriety.i18n import set_language
from sobriety.io.agent_files import UnreadableInput
from sobriety.io.agent_import import import_inventories
from sobriety.io.importer import ImportFailed


def _computer(change) -> str:
    doc = real("computer_1.json")
    change(doc)
    return json.dumps(doc)


def _drop_versionclient(doc: dict) -> None:
    del doc["content"]["versionclient"]


def _no_identifier(doc: dict) -> None:
    doc["content"]["bios"]["ssn"] = "To Be Filled By O.E.M."
    doc["content"]["hardware"]["uuid"] = "00000000-0000-0000-0000-000000000000"


ELITEBOOK = (AGENT_DATA / "2.xml").read_text(encoding="utf-8")
LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    "<REQUEST><CONTENT><HARDWARE><NAME>&lol2;</NAME></HARDWARE></CONTENT></REQUEST>"
)

#: file name -> (content, path at fault, value shown, words of what was expected)
BAD_FILES = {
    "broken.json": ('{"deviceid": "pc-1", "content": {', "-", "not valid JSON", "JSON"),
    "empty.json": ("", "-", "an empty file", "GLPI Agent inventory"),
    "words.json": ("hello", "-", "neither JSON nor XML", "GLPI Agent inventory"),
    "list.json": ("[1, 2]", "-", "a JSON list", '"deviceid" and "content"'),
    "export.json": (
        '{"format": "sobriety-inventory", "version": 1, "devices": []}',
        "-",
        '"format", "version", "devices"',
        '"deviceid" and "content"',
    ),
    "type.json": (
        _computer(lambda d: d["content"]["batteries"][0].update(capacity="57570 mWh")),
        "content.batteries[0].capacity",
        '"57570 mWh"',
        "a whole number",
    ),
    "required.json": (
        _computer(_drop_versionclient),
        "content.versionclient",
        "(missing)",
        "the schema requires it",
    ),
    "itemtype.json": (
        _computer(lambda d: d.update(itemtype="Laptop")),
        "itemtype",
        '"Laptop"',
        "one of Unmanaged, Computer, Phone, NetworkEquipment, Printer",
    ),
    "extra.json": (
        _computer(lambda d: d.update(owner="Marie Dupont")),
        "owner",
        '"Marie Dupont"',
        "the schema allows only",
    ),
    "date.json": (
        _computer(lambda d: d["content"]["accesslog"].update(logdate="12/06/2020 14:19")),
        "content.accesslog.logdate",
        '"12/06/2020 14:19"',
        'text of the form "2018-10-11 04:55:07"',
    ),
    "calendar.json": (  # follows the schema's pattern, but is no date
        _computer(lambda d: d["content"]["accesslog"].update(logdate="2020-13-45 10:00:00")),
        "content.accesslog.logdate",
        '"2020-13-45 10:00:00"',
        "a date and time",
    ),
    "range.json": (  # 98 TB of memory modules
        _computer(lambda d: d["content"]["memories"][0].update(capacity=99_999_999)),
        "content.memories",
        "97660.2",
        "from 0 to 4,096",
    ),
    "noid.json": (
        _computer(_no_identifier),
        "content.bios.ssn",
        '"To Be Filled By O.E.M."',
        "a serial number, a UUID or an asset tag",
    ),
    "broken.xml": ("<REQUEST><CONTENT><BIOS>", "-", "not valid XML", "<REQUEST>"),
    "root.xml": ("<INVENTORY><CONTENT/></INVENTORY>", "-", "<INVENTORY>", "<REQUEST>"),
    "query.xml": (
        "<REQUEST><QUERY>PROLOG</QUERY><DEVICEID>x</DEVICEID></REQUEST>",
        "QUERY",
        '"PROLOG"',
        "INVENTORY",
    ),
    "nocontent.xml": ("<REQUEST><QUERY>INVENTORY</QUERY></REQUEST>", "CONTENT", "(missing)", ""),
    "entity.xml": (LAUGHS, "-", "XML with entities", "without entity declarations"),
    "number.xml": (
        ELITEBOOK.replace("<CAPACITY>2048</CAPACITY>", "<CAPACITY>2 Go</CAPACITY>", 1),
        "CONTENT.MEMORIES[0].CAPACITY",
        '"2 Go"',
        "a whole number",
    ),
}


def _folder(tmp_path: Path, bad: dict[str, str]) -> Path:
    folder = tmp_path / "inventories"
    shutil.copytree(AGENT_DATA, folder)
    for name, content in bad.items():
        (folder / name).write_text(content, encoding="utf-8")
    return folder


@pytest.mark.parametrize("name", list(BAD_FILES))
def test_each_bad_file_is_named_and_nothing_is_imported(engine, tmp_path, name) -> None:
    import_inventories(engine, AGENT_DATA / "printer_1.json")
    before = snapshot(engine)
    content, path, value, expected = BAD_FILES[name]
    with pytest.raises(ImportFailed) as failure:
        import_inventories(engine, _folder(tmp_path, {name: content}))
    assert snapshot(engine) == before  # the six valid files did not go in either
    problems = failure.value.report.problems
    assert {p.file for p in problems} == {name}
    first = problems[0]
    assert (first.path, value in first.value, expected in first.expected) == (path, True, True), (
        str(first)
    )
    assert "nothing was imported" in str(failure.value)


def test_every_problem_of_every_file_is_listed(engine, tmp_path) -> None:
    bad = {name: BAD_FILES[name][0] for name in ("type.json", "broken.xml", "noid.json")}
    with pytest.raises(ImportFailed) as failure:
        import_inventories(engine, _folder(tmp_path, bad))
    assert [p.file for p in failure.value.report.problems] == sorted(bad)
    assert "3 problems in 3 files" in str(failure.value)
    assert devices(engine) == {}


def test_skip_invalid_imports_the_valid_files_and_lists_the_others(engine, tmp_path) -> None:
    bad = {name: BAD_FILES[name][0] for name in ("type.json", "entity.xml")}
    rejects = tmp_path / "rejets.csv"
    report = import_inventories(engine, _folder(tmp_path, bad), skip_invalid=rejects)
    assert (report.files, report.created, report.left_out) == (9, 8, ["entity.xml", "type.json"])
    assert report.rejected == 2 and len(devices(engine)) == 8
    with rejects.open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["file"], r["path"]) for r in rows] == [
        ("entity.xml", "-"),
        ("type.json", "content.batteries[0].capacity"),
    ]
    assert rows[1]["expected"] == "a whole number"


def test_a_dry_run_with_skip_invalid_writes_no_rejects_file(engine, tmp_path) -> None:
    rejects = tmp_path / "rejets.csv"
    folder = _folder(tmp_path, {"list.json": "[]"})
    report = import_inventories(engine, folder, dry_run=True, skip_invalid=rejects)
    assert (report.left_out, report.created) == (["list.json"], 8)
    assert not rejects.exists() and devices(engine) == {}


def test_problems_in_the_users_language(engine, tmp_path) -> None:
    set_language("fr")
    with pytest.raises(ImportFailed) as failure:
        import_inventories(engine, _folder(tmp_path, {"type.json": BAD_FILES["type.json"][0]}))
    problem = str(failure.value.report.problems[0])
    assert problem == (
        'type.json, content.batteries[0].capacity\u00a0: "57570 mWh"\u00a0; '
        "attendu\u00a0: un nombre entier"
    )
    assert "rien n'a été importé" in str(failure.value)


def test_an_empty_folder_or_a_missing_path(engine, tmp_path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "README.txt").write_text("nothing here")
    with pytest.raises(ImportFailed, match="no inventory file"):
        import_inventories(engine, tmp_path / "empty")
    with pytest.raises(UnreadableInput, match="cannot open"):
        import_inventories(engine, tmp_path / "missing.json")
    broken_zip = tmp_path / "broken.zip"
    broken_zip.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(UnreadableInput, match="zip"):
        import_inventories(engine, broken_zip)


def test_the_reference_validator_has_the_last_word(engine, tmp_path) -> None:
    # fastjsonschema (the fast path) checks the "ipv4" format, jsonschema does not:
    # the schema itself accepts the file, so it is imported.
    doc = real("printer_1.json")
    doc["content"]["network_device"]["ips"] = ["10.59.29.999"]
    path = tmp_path / "printer.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert import_inventories(engine, path).created == 1


def test_an_empty_memory_slot_of_a_legacy_xml_is_no_number(engine, tmp_path) -> None:
    path = tmp_path / "2.xml"
    path.write_text(ELITEBOOK.replace("<CAPACITY>2048</CAPACITY>", "<CAPACITY>No</CAPACITY>", 1))
    import_inventories(engine, path)
    assert devices(engine)["CZC0479792"]["ram_gb"] == 2.0  # the other module
