"""Mapping labels nobody mapped yet: ``--map COLUMN:LABEL=VALUE`` for one run, and
saving a choice to the user's synonyms file.

``COLUMN`` is a header of the file (or the field it fills: ``status``),
``LABEL`` the text found in it, ``VALUE`` a vocabulary value or any label the
synonym table already maps ("En service"). A mapping that names no column of
the file, a column without vocabulary, or an unknown value is refused before
anything is read.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sobriety.domain.inventory.fields import (
    ENUM,
    FIELDS,
    VOCABULARIES,
    Synonyms,
    normalise_label,
)
from sobriety.i18n import _
from sobriety.io.profiles import ColumnError, ColumnMap


@dataclass(frozen=True)
class LabelMapping:
    """``LABEL`` of ``COLUMN`` read as ``VALUE`` (as typed; resolved against a file)."""

    column: str
    label: str
    value: str

    def __str__(self) -> str:
        return f"{self.column}:{self.label}={self.value}"


def parse_mapping(text: str, headers: Sequence[str] = ()) -> LabelMapping:
    """Read ``COLUMN:LABEL=VALUE``; a header holding ":" is recognised when ``headers`` has it."""
    head, sep, value = text.rpartition("=")
    column = label = ""
    if sep:
        known = {normalise_label(h) for h in headers}
        cuts = [i for i, c in enumerate(head) if c == ":"]
        for i in reversed(cuts):  # the longest header prefix the file has
            if normalise_label(head[:i]) in known:
                column, label = head[:i], head[i + 1 :]
                break
        else:
            if cuts:
                column, label = head[: cuts[0]], head[cuts[0] + 1 :]
    if not (column.strip() and label.strip() and value.strip()):
        raise ColumnError(
            _(
                '--map "{text}": expected COLUMN:LABEL=VALUE, e.g. --map "Statut:Actif=in_service"'
            ).format(text=text)
        )
    return LabelMapping(column.strip(), label.strip(), value.strip())


def resolve(
    mappings: Iterable[str | LabelMapping],
    columns: ColumnMap,
    headers: Sequence[str],
    synonyms: Synonyms,
) -> tuple[Synonyms, list[tuple[str, str, str]]]:
    """The synonym table extended by ``mappings``, and each as (column, label, value)."""
    applied: list[tuple[str, str, str]] = []
    extra: dict[str, dict[str, str]] = {}
    by_header = {normalise_label(h): name for name, (_i, h) in columns.fields.items()}
    for item in mappings:
        mapping = item if isinstance(item, LabelMapping) else parse_mapping(item, headers)
        key = normalise_label(mapping.column)
        name = by_header.get(key) or (key if mapping.column in columns.fields else None)
        if name is None:
            found = ", ".join(f'"{h}"' for _n, (_i, h) in sorted(columns.fields.items()))
            raise ColumnError(
                _(
                    '--map "{mapping}": no column "{column}" is imported from this file '
                    "(imported columns: {found})"
                ).format(mapping=mapping, column=mapping.column, found=found)
            )
        spec = FIELDS[name]
        header = columns.header(name)
        if spec.kind != ENUM:
            raise ColumnError(
                _('--map "{mapping}": column "{column}" has no list of values to map onto').format(
                    mapping=mapping, column=header
                )
            )
        section = spec.vocabulary or name
        value = synonyms.lookup(section, mapping.value)
        if value is None:
            allowed = ", ".join(v.value for v in VOCABULARIES[section])
            raise ColumnError(
                _(
                    '--map "{mapping}": "{value}" is not a value of column "{column}"; '
                    "expected one of {allowed}"
                ).format(mapping=mapping, value=mapping.value, column=header, allowed=allowed)
            )
        extra.setdefault(section, {})[normalise_label(mapping.label)] = value
        applied.append((header, mapping.label, value))
    if not extra:
        return synonyms, applied
    sections = {name: dict(table) for name, table in synonyms.sections.items()}
    for section, table in extra.items():
        sections.setdefault(section, {}).update(table)
    return Synonyms(sections), applied


def save_choices(path: Path, choices: Iterable[tuple[str, str, str]]) -> int:
    """Add ``(section, label, value)`` choices to the synonyms file ``path`` (created if
    missing), keeping its comments and layout; returns the labels added."""
    import tomlkit

    from sobriety.io.synonyms import SynonymFileError, read_table

    if path.exists():
        read_table(path)  # refuses a file that is not a valid synonym table
        document = tomlkit.parse(path.read_text(encoding="utf-8"))
    else:
        document = tomlkit.document()
        document.add(tomlkit.comment(_("Your synonyms: labels of your files, mapped.")))
    added = 0
    for section, label, value in choices:
        if section not in document:
            document.add(section, tomlkit.table())
        table = document[section]
        labels = table.get(value)
        if labels is None:
            labels = tomlkit.array()
            table[value] = labels
        if label not in list(labels):
            labels.append(label)
            added += 1
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(tomlkit.dumps(document), encoding="utf-8")
    except OSError as exc:
        raise SynonymFileError(
            _("{path}: cannot write the synonym file ({error})").format(path=path, error=exc)
        ) from exc
    return added
