"""The study's Table Schemas (French titles and descriptions: data, not interface text).

They live in ``sobriety/data/study_schema.json`` following the conventions of
schema.data.gouv.fr (Table Schema with ``title``, ``description``,
``example`` and ``constraints`` per field, Licence Ouverte 2.0). Bump
``study_schema`` there whenever a resource or a field changes: a reader
refuses packages of a newer version than its own.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

#: Resources of a study package, in writing order.
RESOURCES = ("appareils_sortants", "volumes", "prevision", "organisations")
PROFILE = "tabular-data-package"
#: Property of datapackage.json holding sobriety's own metadata.
META = "sobriety"


def schema_path() -> Path:
    return Path(__file__).resolve().parents[2] / "data" / "study_schema.json"


@cache
def study_schema() -> dict[str, Any]:
    return json.loads(schema_path().read_text(encoding="utf-8"))


def version() -> int:
    """The study schema version this sobriety writes and reads (up to)."""
    return int(study_schema()["study_schema"])


def table_schema(resource: str) -> dict[str, Any]:
    """The Table Schema of ``resource`` (fields, missing values)."""
    spec = study_schema()["resources"][resource]
    return {"fields": spec["fields"], "missingValues": [""]}


def field_names(resource: str) -> list[str]:
    return [f["name"] for f in study_schema()["resources"][resource]["fields"]]


def signature(schema: dict[str, Any]) -> list[tuple[str, str]]:
    """What two packages must agree on to be merged: field names and types, in order."""
    return [(str(f.get("name")), str(f.get("type", "string"))) for f in schema.get("fields", [])]
