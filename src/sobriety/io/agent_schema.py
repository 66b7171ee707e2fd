"""Checking a JSON inventory against the GLPI Agent's own schema.

The schema is ``inventory.schema.json`` of glpi-project/inventory_format
(shipped in ``sobriety/data/glpi_inventory`` with its MIT notice). A file
either follows it or is reported with every place at fault, in the user's
language: the JSON path (``content.batteries[0].capacity``), the value found
and what the schema expects there.

Two validators, compiled once per process:

- ``fastjsonschema`` (generated code) answers "valid" for the files that
  are: about 0.2 ms for a laptop inventory against 3 to 5 ms for
  ``jsonschema``, which makes the difference for a folder of 10,000 files;
- ``jsonschema`` (the reference implementation, Draft 7) lists the errors of
  a file the first one refuses, and has the last word: ``fastjsonschema`` is
  stricter in places (it checks formats such as ``ipv4``), so a file it
  refuses but ``jsonschema`` accepts is valid.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from typing import Any

import fastjsonschema
from jsonschema import Draft7Validator, ValidationError

from sobriety.i18n import N_, _, ngettext
from sobriety.io.agent_files import FileProblem, render_path, shown
from sobriety.settings import packaged_data_file

SCHEMA_FILE = "glpi_inventory/inventory.schema.json"
#: Errors listed per file before "... and N more".
MAX_ERRORS_PER_FILE = 20

_TYPES = {
    "integer": N_("a whole number"),
    "number": N_("a number"),
    "string": N_("text"),
    "object": N_("an object"),
    "array": N_("a list"),
    "boolean": N_("true or false"),
    "null": N_("null"),
}


_ALTERNATIVES = re.compile(r"^\^\(([\w|]+)\)\$$")


@functools.cache
def schema() -> dict[str, Any]:
    with packaged_data_file(SCHEMA_FILE).open(encoding="utf-8") as fh:
        return json.load(fh)


@functools.cache
def array_sections() -> frozenset[str]:
    """Sections of ``content`` that are lists (how an XML inventory's repeated tags are read)."""
    props = schema()["properties"]["content"]["properties"]
    return frozenset(k for k, v in props.items() if v.get("type") == "array")


@functools.cache
def _fast() -> Callable[[Any], Any]:
    # use_default=False: the validator must never write the schema's defaults into the data.
    return fastjsonschema.compile(schema(), use_default=False)


@functools.cache
def _full() -> Draft7Validator:
    return Draft7Validator(schema())


def check(name: str, doc: Any) -> list[FileProblem]:
    """Every place where ``doc`` breaks the schema (empty when it follows it)."""
    try:
        _fast()(doc)
        return []
    except fastjsonschema.JsonSchemaException:
        pass
    errors = sorted(_full().iter_errors(doc), key=lambda e: [str(p) for p in e.absolute_path])
    problems = [_problem(name, e) for e in errors[:MAX_ERRORS_PER_FILE]]
    more = len(errors) - MAX_ERRORS_PER_FILE
    if more > 0:
        problems.append(
            FileProblem(
                name,
                "-",
                ngettext(
                    "{n} more problem in this file", "{n} more problems in this file", more
                ).format(n=more),
                _("a file that follows the schema"),
            )
        )
    return problems


def _problem(name: str, error: ValidationError) -> FileProblem:
    path: list[str | int] = list(error.absolute_path)
    value = shown(error.instance)
    kind, rule, sub = error.validator, error.validator_value, error.schema
    if kind == "type":
        names = rule if isinstance(rule, list) else [rule]
        expected = _(" or ").join(_(_TYPES.get(n, n)) for n in names)
    elif kind == "required":
        missing = [p for p in rule if isinstance(error.instance, dict) and p not in error.instance]
        path.append(missing[0] if missing else rule[0])
        value = shown(None)
        expected = _("a value: the schema requires it")
    elif kind == "additionalProperties":
        known = set(sub.get("properties", {}))
        extra = sorted(k for k in error.instance if k not in known)
        path.append(extra[0] if extra else "?")
        value = shown(error.instance.get(extra[0])) if extra else value
        expected = _("none: the schema allows only {names} here").format(
            names=", ".join(sorted(known))
        )
    elif kind == "pattern" and (choices := _ALTERNATIVES.match(rule)):
        expected = _("one of {values}").format(values=", ".join(choices[1].split("|")))
    elif kind == "pattern":
        examples = [e for e in sub.get("examples", []) if isinstance(e, str)][:2]
        if examples:
            expected = _("text of the form {examples}").format(
                examples=_(" or ").join(f'"{e}"' for e in examples)
            )
        else:
            expected = _("text matching {pattern}").format(pattern=rule)
    elif kind == "enum":
        expected = _("one of {values}").format(values=", ".join(json.dumps(v) for v in rule))
    elif kind in ("minimum", "exclusiveMinimum"):
        expected = _("a number of at least {n}").format(n=rule)
    elif kind in ("maximum", "exclusiveMaximum"):
        expected = _("a number of at most {n}").format(n=rule)
    elif kind in ("anyOf", "oneOf"):
        expected = _("a value of one of the forms the schema allows")
    else:
        expected = error.message
    return FileProblem(name, render_path(path, "json"), value, expected)
