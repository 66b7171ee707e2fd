"""Site records shipped with an export (JSON ``sites`` list, XLSX "sites" sheet).

Each record creates the site of its code unless it exists; a record without
code, with an unknown kind or a bad agent count is a located problem
(``sites: code`` / ``sites: kind`` / ``sites: agents``, numbered from 1).
"""

from __future__ import annotations

from typing import Any

from sobriety.domain.inventory.fields import Synonyms
from sobriety.i18n import _
from sobriety.io import store
from sobriety.io.import_report import LocatedProblem


def clean_text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def import_sites(
    sites: store.SiteIndex, records: list[dict[str, Any]], synonyms: Synonyms
) -> list[LocatedProblem]:
    """Create the sites of ``records`` missing from ``sites``; the problems found."""
    problems: list[LocatedProblem] = []
    for number, record in enumerate(records, start=1):
        code = clean_text(record.get("code"))
        if not code or code in sites.by_code:
            if not code:
                problems.append(LocatedProblem(number, "sites: code", None, _("a site code")))
            continue
        kind_text = clean_text(record.get("kind"))
        kind = synonyms.lookup("site_kind", kind_text) if kind_text else "other"
        if kind is None:
            problems.append(
                LocatedProblem(
                    number, "sites: kind", kind_text, _("a site kind (see site_kind synonyms)")
                )
            )
            continue
        agents = record.get("agents")
        if agents in ("", None):
            agents = None
        elif isinstance(agents, str) and agents.strip().isdigit():
            agents = int(agents)
        elif not isinstance(agents, int) or isinstance(agents, bool) or agents < 0:
            problems.append(
                LocatedProblem(number, "sites: agents", agents, _("a whole number >= 0"))
            )
            continue
        extra = {
            "commune": clean_text(record.get("commune")),
            "insee_code": clean_text(record.get("insee_code")),
            "agents": agents,
        }
        country = clean_text(record.get("country"))
        if country:
            extra["country"] = country
        name = clean_text(record.get("name")) or code
        sites.create(code, name, kind, **extra)
    return problems
