"""Import profiles: which column of a file feeds which field of a device.

- ``generic``: sobriety's own export (field names such as ``asset_tag``,
  ``purchase_price_eur``, ``site_code``) and plain English or French headers
  of a hand-made spreadsheet.
- ``glpi``: a GLPI search export, French or English headers (Nom, Entité,
  Statut, Fabricant, Numéro de série, Type, Modèle, Lieu, Numéro d'inventaire,
  Date d'achat, Date de livraison, Durée de garantie, Valeur...). Headers GLPI
  prefixes with a group ("Informations financières et administratives - Date
  d'achat") match on their last part. The site is the entity ("Entité": the
  organisation or school, last part of its path); the location ("Lieu",
  often ending in a room) is kept as the device's location within it.
- ``snipeit``: a Snipe-IT asset export (Company, Name, Asset Tag, Category,
  Manufacturer, Location, Model, Purchase Date, Purchase Cost, Warranty...).

Each profile has a default day/month order for dates such as ``4/3/21``
(:data:`DATE_ORDER_DEFAULTS`).

Headers match ignoring case, accents, spaces and punctuation. Columns naming
people (GLPI "Utilisateur", Snipe-IT "Checked Out To") are never mapped: the
assignee field holds a pseudonymous reference, not a name. Unmapped columns
are listed in the import summary.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sobriety.domain.inventory.fields import FIELDS, normalise_label
from sobriety.i18n import _

PROFILES = ("auto", "generic", "glpi", "snipeit")
#: The profile of GLPI Agent inventories (:mod:`sobriety.io.agent_import`), not a column mapping.
AGENT_PROFILE = "glpi-agent"
#: Every profile ``sobriety import`` accepts.
IMPORT_PROFILES = (*PROFILES, AGENT_PROFILE)


def _table(pairs: dict[str, Sequence[str]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for field_name, headers in pairs.items():
        assert field_name in FIELDS, field_name
        for header in headers:
            out[normalise_label(header)] = field_name
    return out


#: Headers of a hand-made spreadsheet, French and English (listed in the README).
GENERIC_ALIASES: dict[str, list[str]] = {
    "asset_tag": [
        "Asset tag",
        "Tag",
        "Inventory number",
        "Inventory no",
        "Numéro d'inventaire",
        "N° d'inventaire",
        "N° inventaire",
        "Inventaire",
    ],
    "serial": [
        "Serial number",
        "Serial",
        "Serial no",
        "S/N",
        "Numéro de série",
        "N° de série",
        "N° série",
    ],
    "category": [
        "Type",
        "Category",
        "Catégorie",
        "Device type",
        "Type d'équipement",
        "Type de matériel",
    ],
    "manufacturer": ["Manufacturer", "Fabricant", "Constructeur", "Marque", "Brand", "Make"],
    "model": ["Model", "Modèle"],
    "site": ["Site", "Location", "Lieu", "Établissement", "Etablissement"],
    "location": ["Emplacement", "Salle", "Bureau", "Room"],
    "assignee": ["Assignee", "Affectataire"],
    "acquisition_date": [
        "Acquisition date",
        "Purchase date",
        "Date d'acquisition",
        "Date d'achat",
    ],
    "delivery_date": ["Delivery date", "Date de livraison"],
    "acquisition_type": ["Acquisition type", "Type d'acquisition", "Mode d'acquisition"],
    "purchase_price_eur": [
        "Purchase price",
        "Price",
        "Cost",
        "Purchase cost",
        "Prix",
        "Prix HT",
        "Prix d'achat",
        "Prix d'achat HT",
        "Montant HT",
        "Coût",
    ],
    "warranty_end": ["Warranty end", "Warranty expires", "Fin de garantie"],
    "warranty_months": ["Warranty", "Warranty months", "Garantie", "Durée de garantie"],
    "status": ["Status", "Statut"],
    "condition": ["État", "Etat"],
    "battery_health_pct": ["Battery health", "Santé batterie", "Batterie"],
    "ram_gb": ["RAM", "Mémoire", "Memory"],
    "storage_gb": ["Storage", "Stockage", "Disque", "Capacité disque"],
    "storage_type": ["Storage type", "Type de stockage", "Type de disque"],
    "cpu_model": ["CPU", "Processeur", "Processor"],
    "cpu_generation": ["CPU generation", "Génération CPU", "Génération du processeur"],
    "tpm_version": ["TPM", "Version TPM"],
    "screen_size_in": ["Screen size", "Taille d'écran", "Diagonale"],
    "os": ["OS", "Operating system", "Système d'exploitation"],
    "sensitive_data": ["Sensitive data", "Données sensibles"],
    "weight_kg": ["Weight", "Poids"],
    "measured_power_w": ["Measured power", "Puissance mesurée"],
    "retirement_date": ["Retirement date", "Date de réforme", "Date de sortie"],
    "declared_value_eur": ["Declared value", "Valeur déclarée"],
    "reuse_channel": ["Reuse channel", "Filière de réemploi", "Filière"],
    "notes": ["Notes", "Remarques", "Commentaires", "Comments"],
}
_GENERIC = _table({name: [name, *GENERIC_ALIASES.get(name, [])] for name in FIELDS})

_GLPI = _table(
    {
        "asset_tag": ["Numéro d'inventaire", "Inventory number"],
        "serial": ["Numéro de série", "Serial number"],
        "category": ["Type", "Type d'élément", "Item type"],
        "manufacturer": ["Fabricant", "Manufacturer"],
        "model": ["Modèle", "Model"],
        "site": ["Entité", "Entity"],
        "location": ["Lieu", "Location"],
        "status": ["Statut", "Status"],
        "acquisition_date": ["Date d'achat", "Date of purchase", "Purchase date"],
        "delivery_date": ["Date de livraison", "Delivery date"],
        "warranty_start": ["Date de début de garantie", "Start date of warranty"],
        "warranty_months": ["Durée de garantie", "Warranty duration"],
        "purchase_price_eur": ["Valeur", "Value"],
        "warranty_end": [
            "Date de fin de garantie",
            "Fin de garantie",
            "Warranty expiration date",
            "Warranty end date",
        ],
        "os": ["Système d'exploitation - Nom", "Operating system - Name"],
        "cpu_model": ["Composants - Processeur", "Components - Processor", "Processeur"],
        "notes": ["Commentaires", "Comments"],
    }
)

_SNIPEIT = _table(
    {
        "asset_tag": ["Asset Tag"],
        "serial": ["Serial", "Serial Number"],
        "category": ["Category"],
        "manufacturer": ["Manufacturer"],
        "model": ["Model", "Model Name"],
        "site": ["Location", "Default Location"],
        "status": ["Status", "Status Label"],
        "acquisition_date": ["Purchase Date"],
        "purchase_price_eur": ["Purchase Cost"],
        "warranty_end": ["Warranty Expires"],
        "warranty_months": ["Warranty", "Warranty Months"],
        "notes": ["Notes", "Asset Notes"],
    }
)

TABLES = {"generic": _GENERIC, "glpi": _GLPI, "snipeit": _SNIPEIT}

#: Day/month order of the dates such as "4/3/21" a column leaves ambiguous (no part
#: over 12): Snipe-IT's import samples write US dates (1/23/23); GLPI and French
#: files write the day first. ``generic`` is day first for a French file (``;`` or
#: tab delimited, or a spreadsheet) and has no default otherwise.
DATE_ORDER_DEFAULTS = {"snipeit": "mdy", "glpi": "dmy"}


def date_order_default(profile: str, *, french: bool) -> str | None:
    """The day/month order a profile gives an ambiguous date column (None: none)."""
    return DATE_ORDER_DEFAULTS.get(profile, "dmy" if french else None)


class ColumnError(ValueError):
    """The file's columns do not fit the profile (missing or ambiguous)."""


@dataclass(frozen=True)
class ColumnMap:
    """The chosen profile and, per field, the index and header of its column."""

    profile: str
    fields: dict[str, tuple[int, str]]
    ignored: list[str]

    def header(self, field_name: str) -> str:
        return self.fields[field_name][1]


def _match(table: dict[str, str], header: str) -> str | None:
    found = table.get(normalise_label(header))
    if found is None and " - " in header:
        found = table.get(normalise_label(header.rsplit(" - ", 1)[-1]))
    return found


def _coverage(table: dict[str, str], headers: Sequence[str]) -> int:
    return len({f for h in headers if h and (f := _match(table, h))})


#: Headers only an export of that tool writes: on a tie with ``generic``, they decide.
_SIGNATURES = {
    "glpi": {normalise_label(h) for h in ("Entité", "Entity", "Numéro d'inventaire", "Lieu")},
    "snipeit": {
        normalise_label(h)
        for h in ("Asset Tag", "Purchase Cost", "Warranty Expires", "Checked Out To", "Company")
    },
}


def choose_profile(headers: Sequence[str]) -> str:
    """The profile mapping the most fields; on a tie, a tool whose own headers the file
    has, else ``generic``."""
    scores = {name: _coverage(table, headers) for name, table in TABLES.items()}
    best = max(scores.values())
    keys = {normalise_label(h) for h in headers if h}
    for name in ("glpi", "snipeit"):
        if scores[name] == best and keys & _SIGNATURES[name]:
            return name
    return max(TABLES, key=lambda name: (scores[name], name == "generic"))


def map_columns(headers: Sequence[str], profile: str = "auto") -> ColumnMap:
    """Map ``headers`` onto fields; raises :class:`ColumnError` when it cannot."""
    if profile not in PROFILES:
        raise ColumnError(
            _("unknown profile {profile!r}; expected one of {profiles}").format(
                profile=profile, profiles=", ".join(PROFILES)
            )
        )
    chosen = choose_profile(headers) if profile == "auto" else profile
    table = TABLES[chosen]
    fields: dict[str, tuple[int, str]] = {}
    ignored: list[str] = []
    problems: list[str] = []
    for index, header in enumerate(headers):
        name = _match(table, header) if header else None
        if name is None:
            if header:
                ignored.append(header)
            continue
        if name in fields:
            problems.append(
                _(
                    'columns "{first}" (column {i}) and "{second}" (column {j}) both give '
                    "the field {field}"
                ).format(
                    first=fields[name][1],
                    i=fields[name][0] + 1,
                    second=header,
                    j=index + 1,
                    field=name,
                )
            )
            continue
        fields[name] = (index, header)
    if "category" not in fields:
        problems.append(_column_missing(chosen, "category"))
    if "asset_tag" not in fields and "serial" not in fields:
        problems.append(_column_missing(chosen, "asset_tag", "serial"))
    if problems:
        found = ", ".join(f'"{h}"' for h in headers if h)
        raise ColumnError(
            "\n".join(problems)
            + "\n"
            + _("Columns found: {found}").format(found=found or _("none"))
        )
    return ColumnMap(chosen, fields, ignored)


def headers_for(profile: str, field_name: str) -> list[str]:
    """Normalised headers a profile accepts for a field (for messages)."""
    return sorted(h for h, f in TABLES[profile].items() if f == field_name)


_EXAMPLES = {
    ("generic", "category"): "category, Catégorie",
    ("generic", "asset_tag"): "asset_tag, Numéro d'inventaire",
    ("generic", "serial"): "serial, Numéro de série",
    ("glpi", "category"): "Type",
    ("glpi", "asset_tag"): "Numéro d'inventaire / Inventory number",
    ("glpi", "serial"): "Numéro de série / Serial number",
    ("snipeit", "category"): "Category",
    ("snipeit", "asset_tag"): "Asset Tag",
    ("snipeit", "serial"): "Serial",
}


def _column_missing(profile: str, *names: str) -> str:
    wanted = _(" or ").join(f"{n} ({_EXAMPLES[(profile, n)]})" for n in names)
    return _("missing required column (profile {profile}): {wanted}").format(
        profile=profile, wanted=wanted
    )
