"""Reading inventory agent files: one file, a folder of them, or a ``.zip``.

- A **JSON** inventory is the GLPI Agent's native format (what ``glpi-agent
  --local DIR`` writes): an object with ``deviceid``, ``itemtype`` and
  ``content``.
- A **legacy XML** inventory is the ``<REQUEST><CONTENT>`` document of the OCS
  Inventory, FusionInventory and GLPI Android agents (``.xml``, or ``.ocs`` as
  ``fusioninventory-agent --local`` names them). It is parsed with defusedxml
  (no entity expansion, no external references) and turned into the JSON
  shape: lower-case keys, sections listed where the schema has a list, text
  values (numbers and dates are read by :mod:`sobriety.io.agent_extract`).

A folder is read recursively in name order; files that are neither JSON nor
XML inventories by their extension are listed as ignored. Any problem is a
:class:`FileProblem` naming the file, the path at fault (``content.batteries
[0].capacity``, or ``-`` for the whole file), the value and what was expected.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from sobriety.i18n import _

INVENTORY_SUFFIXES = (".json", ".xml", ".ocs")
#: An inventory larger than this is refused unread (the largest real ones are < 2 MiB).
MAX_FILE_BYTES = 64 * 1024 * 1024
#: A JSON file larger than this is no single inventory (auto-detection does not parse it).
SNIFF_MAX_BYTES = 8 * 1024 * 1024
WHOLE_FILE = "-"
SHOWN_MAX = 60


@dataclass(frozen=True)
class FileProblem:
    """What is wrong in one inventory file, and where."""

    file: str
    path: str
    value: str
    expected: str

    # The import screen's problem table reads ``line`` and ``column``.
    @property
    def line(self) -> str:
        return self.file

    @property
    def column(self) -> str:
        return self.path

    def __str__(self) -> str:
        if self.path == WHOLE_FILE:
            return _("{file}: {value}; expected {expected}").format(
                file=self.file, value=self.value, expected=self.expected
            )
        return _("{file}, {path}: {value}; expected {expected}").format(
            file=self.file, path=self.path, value=self.value, expected=self.expected
        )


def shown(value: Any) -> str:
    """A value as a problem shows it: quoted text cut to 60 characters, JSON words."""
    if value is None:
        return _("(missing)")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return _("an object")
    if isinstance(value, list):
        return _("a list")
    if isinstance(value, str):
        text = value if len(value) <= SHOWN_MAX else value[: SHOWN_MAX - 1] + "…"
        return f'"{text}"'
    return str(value)


@dataclass(frozen=True)
class Source:
    """One inventory file: the name shown (relative to the folder or zip) and its bytes."""

    name: str
    size: int
    read: Callable[[], bytes]


@dataclass
class Inputs:
    """What a path holds: its inventory files and the other files left aside."""

    path: Path
    kind: str  # "file", "folder" or "zip"
    sources: list[Source] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)


class UnreadableInput(ValueError):
    """The path cannot be read at all (missing, not a zip, no inventory in it)."""


def looks_like_agent_input(path: Path) -> bool:
    """Whether ``--profile auto`` should read ``path`` as agent inventories.

    A folder, a zip that is not a workbook, an ``.xml``/``.ocs`` file, or a
    JSON file holding one object with ``content`` or ``deviceid`` (and no
    ``devices`` list, which sobriety's own export has).
    """
    path = Path(path)
    if path.is_dir():
        return True
    suffix = path.suffix.lower()
    if suffix in (".xml", ".ocs"):
        return True
    if suffix == ".zip":
        return True
    if suffix == ".json":
        try:
            if path.stat().st_size > SNIFF_MAX_BYTES:
                return False
            doc = json.loads(path.read_bytes().decode("utf-8-sig"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            return False
        return (
            isinstance(doc, dict)
            and "devices" not in doc
            and ("content" in doc or "deviceid" in doc)
        )
    return False


@contextmanager
def open_inputs(path: Path) -> Iterator[Inputs]:
    """The inventory files of ``path`` (a file, a folder or a zip), kept open meanwhile."""
    path = Path(path)
    if path.is_dir():
        inputs = Inputs(path, "folder")
        for item in sorted(p for p in path.rglob("*") if p.is_file()):
            name = item.relative_to(path).as_posix()
            if any(part.startswith(".") for part in item.relative_to(path).parts):
                continue
            if item.suffix.lower() in INVENTORY_SUFFIXES:
                inputs.sources.append(Source(name, item.stat().st_size, item.read_bytes))
            else:
                inputs.ignored.append(name)
        yield inputs
        return
    try:
        with path.open("rb") as fh:
            head = fh.read(4)
    except OSError as exc:
        raise UnreadableInput(
            _("{path}: cannot open the file ({error})").format(path=path, error=exc.strerror)
        ) from exc
    if head.startswith(b"PK\x03\x04"):
        try:
            archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise UnreadableInput(
                _("{path}: cannot read the zip ({error})").format(path=path, error=exc)
            ) from exc
        with archive:
            inputs = Inputs(path, "zip")
            for info in sorted(archive.infolist(), key=lambda i: i.filename):
                name = info.filename
                if info.is_dir() or any(p.startswith((".", "__MACOSX")) for p in name.split("/")):
                    continue
                if Path(name).suffix.lower() in INVENTORY_SUFFIXES:
                    inputs.sources.append(
                        Source(name, info.file_size, lambda n=name: archive.read(n))
                    )
                else:
                    inputs.ignored.append(name)
            yield inputs
        return
    yield Inputs(path, "file", [Source(path.name, path.stat().st_size, path.read_bytes)])


# --- parsing ----------------------------------------------------------------------


@dataclass
class Document:
    """An inventory in the JSON shape, with the format it was read from."""

    data: dict[str, Any]
    format: str  # "json" or "xml"


def parse(
    source: Source, array_sections: frozenset[str]
) -> tuple[Document | None, FileProblem | None]:
    """Read one file as a JSON or XML inventory; a problem when it is neither."""
    if source.size > MAX_FILE_BYTES:
        return None, FileProblem(
            source.name,
            WHOLE_FILE,
            _("{n} MiB").format(n=source.size >> 20),
            _("an inventory file of at most {n} MiB").format(n=MAX_FILE_BYTES >> 20),
        )
    try:
        data = source.read()
    except OSError as exc:
        return None, FileProblem(
            source.name,
            WHOLE_FILE,
            _("unreadable ({error})").format(error=exc.strerror),
            _("a readable file"),
        )
    start = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if start == b"<":
        return _parse_xml(source.name, data, array_sections)
    if start in (b"{", b"["):
        return _parse_json(source.name, data)
    return None, FileProblem(
        source.name,
        WHOLE_FILE,
        _("neither JSON nor XML") if data.strip() else _("an empty file"),
        _("a GLPI Agent inventory (JSON) or an agent's XML inventory"),
    )


def _not_inventory(name: str, found: str) -> FileProblem:
    return FileProblem(
        name,
        WHOLE_FILE,
        found,
        _('a GLPI Agent inventory: an object with "deviceid" and "content" (its schema)'),
    )


def _parse_json(name: str, data: bytes) -> tuple[Document | None, FileProblem | None]:
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return None, FileProblem(
            name,
            WHOLE_FILE,
            _("not valid JSON ({error})").format(error=exc),
            _("a GLPI Agent inventory (JSON)"),
        )
    if not isinstance(doc, dict):
        return None, _not_inventory(name, _("a JSON list") if isinstance(doc, list) else shown(doc))
    if "content" not in doc and "deviceid" not in doc:
        keys = ", ".join(f'"{k}"' for k in list(doc)[:6]) or _("none")
        return None, _not_inventory(name, _("a JSON object with the keys {keys}").format(keys=keys))
    return Document(doc, "json"), None


def _parse_xml(
    name: str, data: bytes, array_sections: frozenset[str]
) -> tuple[Document | None, FileProblem | None]:
    expected = _("an agent's XML inventory: <REQUEST> with <QUERY>INVENTORY and <CONTENT>")
    try:
        root = fromstring(data)
    except ParseError as exc:
        return None, FileProblem(
            name, WHOLE_FILE, _("not valid XML ({error})").format(error=exc), expected
        )
    except DefusedXmlException as exc:
        return None, FileProblem(
            name,
            WHOLE_FILE,
            _("XML with entities or external references ({error})").format(error=exc),
            _("an XML inventory without entity declarations"),
        )
    if root.tag != "REQUEST":
        return None, FileProblem(name, WHOLE_FILE, f"<{root.tag}>", expected)
    query = (root.findtext("QUERY") or "").strip()
    if query and query.upper() != "INVENTORY":
        return None, FileProblem(name, "QUERY", shown(query), expected)
    content = root.find("CONTENT")
    if content is None:
        return None, FileProblem(name, "CONTENT", shown(None), expected)
    out: dict[str, Any] = {}
    for key in ("DEVICEID", "ITEMTYPE"):
        text = (root.findtext(key) or "").strip()
        if text:
            out[key.lower()] = text
    sections: dict[str, Any] = {}
    for child in content:
        key = child.tag.lower()
        value = _xml_value(child)
        if key in array_sections:
            sections.setdefault(key, []).append(value)
        else:
            sections.setdefault(key, value)
    out["content"] = sections
    return Document(out, "xml"), None


def _xml_value(element: Element) -> Any:
    if len(element):
        value: dict[str, Any] = {}
        for child in element:
            key = child.tag.lower()
            item = _xml_value(child)
            if key in value:
                previous = value[key]
                value[key] = [*previous, item] if isinstance(previous, list) else [previous, item]
            else:
                value[key] = item
        return value
    text = (element.text or "").strip()
    return text or None


def render_path(parts: list[str | int], fmt: str) -> str:
    """``content.batteries[0].capacity`` (JSON) or ``CONTENT.BATTERIES[0].CAPACITY`` (XML)."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            name = part.upper() if fmt == "xml" else part
            out += f".{name}" if out else name
    return out or WHOLE_FILE


# --- dates ----------------------------------------------------------------------

_DATETIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}):(\d{2}))?")
_DEVICEID_TIME = re.compile(r"-(\d{4})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-(\d{2})$")


def read_datetime(text: Any) -> dt.datetime | None:
    """``YYYY-MM-DD[ HH:MM:SS]`` (the agents' form), or None when it is no real date."""
    if not isinstance(text, str):
        return None
    m = _DATETIME.match(text.strip())
    if not m:
        return None
    try:
        return dt.datetime(*(int(g) for g in m.groups() if g is not None))
    except ValueError:
        return None


def deviceid_time(deviceid: Any) -> dt.datetime | None:
    """The time an agent id ends with (``name-2020-12-31-11-28-51``)."""
    if not isinstance(deviceid, str):
        return None
    m = _DEVICEID_TIME.search(deviceid.strip())
    if not m:
        return None
    try:
        return dt.datetime(*(int(g) for g in m.groups()))
    except ValueError:
        return None
