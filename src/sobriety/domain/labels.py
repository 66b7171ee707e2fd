"""Labels shown for the stored vocabulary values (translated when shown).

Shared by the terminal UI, the CLI and the reports: one wording per value.
"""

from __future__ import annotations

from sobriety.i18n import N_, _

_LABELS: dict[str, dict[str, str]] = {
    "category": {
        "laptop": N_("Laptop"),
        "desktop": N_("Desktop"),
        "thin_client": N_("Thin client"),
        "workstation": N_("Workstation"),
        "smartphone": N_("Smartphone"),
        "rugged_smartphone": N_("Rugged smartphone"),
        "tablet": N_("Tablet"),
        "monitor": N_("Monitor"),
        "switch": N_("Switch"),
        "router": N_("Router"),
        "wifi_access_point": N_("Wi-Fi access point"),
        "firewall": N_("Firewall"),
        "printer": N_("Printer"),
        "other": N_("Other"),
    },
    "status": {
        "in_stock": N_("In stock"),
        "in_service": N_("In service"),
        "in_repair": N_("In repair"),
        "retired": N_("Retired"),
        "in_reuse_channel": N_("In a reuse channel"),
        "gone": N_("Gone"),
    },
    "site_kind": {
        "head_office": N_("Head office"),
        "cdas": N_("Social action centre (CDAS)"),
        "college": N_("Collège"),
        "natural_area": N_("Natural area"),
        "other": N_("Other"),
    },
    "condition": {"working": N_("Working"), "degraded": N_("Degraded"), "broken": N_("Broken")},
    "acquisition_type": {
        "new": N_("New"),
        "refurbished": N_("Refurbished"),
        "donated": N_("Donated to us"),
        "leased": N_("Leased"),
    },
    "storage_type": {
        "hdd": "HDD",
        "ssd": "SSD",
        "emmc": "eMMC",
        "flash": N_("Flash"),
        "none": N_("None"),
    },
    "reuse_channel": {
        "keep": N_("Keep / repair"),
        "redeploy": N_("Redeploy"),
        "transfer": N_("Transfer"),
        "donate_association": N_("Donate (assoc.)"),
        "donate_agent": N_("Donate (agent)"),
        "sell": N_("Sell"),
        "take_back": N_("Take-back"),
        "recycle": N_("Recycle"),
    },
    "erasure_method": {
        "cryptographic_erase": N_("Cryptographic erase"),
        "overwrite": N_("Overwrite"),
        "secure_erase": N_("Secure erase"),
        "sanitize": N_("Sanitize command"),
        "destruction": N_("Destruction"),
        "factory_reset": N_("Factory reset"),
    },
    "erasure_level": {"clear": N_("Clear"), "purge": N_("Purge"), "destroy": N_("Destroy")},
    "recipient_kind": {
        "association": N_("Association"),
        "solidarity_association": N_("Public-utility or general-interest association"),
        "esus": N_("ESUS reuse organisation"),
        "school": N_("School"),
        "agent": N_("Agent"),
        "public_body": N_("Public body"),
        "refurbisher": N_("Refurbisher"),
        "eco_organisme": N_("Eco-organisme"),
        "supplier": N_("Initial supplier"),
    },
    "lot_status": {"open": N_("Open"), "closed": N_("Closed")},
    "factor_quality": {
        "measured": N_("Measured"),
        "manufacturer": N_("Manufacturer data"),
        "estimated": N_("Estimated"),
        "literature": N_("Literature"),
    },
    "factor_origin": {
        "efd": N_("Boavizta dataset"),
        "user": N_("your value"),
    },
    "match_method": {
        "exact": N_("Exact"),
        "normalised": N_("Normalised"),
        "fuzzy": N_("Fuzzy"),
    },
    "event": {
        "created": N_("Created"),
        "updated": N_("Edited"),
        "assigned": N_("Assigned"),
        "moved": N_("Moved"),
        "repaired": N_("Repaired"),
        "upgraded": N_("Upgraded"),
        "erased": N_("Erased"),
        "retired": N_("Retired"),
        "flag_accepted": N_("Channel accepted"),
        "flag_overridden": N_("Channel overridden"),
        "lot_added": N_("Added to a lot"),
        "lot_removed": N_("Removed from a lot"),
        "transferred": N_("Transferred"),
        "erasure_verified": N_("Erasure verified"),
    },
    "lot_event": {
        "created": N_("Lot created"),
        "devices_added": N_("Devices added"),
        "devices_removed": N_("Devices removed"),
        "closed": N_("Lot closed (handed over)"),
        "proof": N_("Proof of reuse recorded"),
        "references": N_("References recorded"),
    },
    "lot_detail": {
        "recipient": N_("Recipient"),
        "deed_ref": N_("Deed"),
        "commitment_ref": N_("Commitment"),
        "proof_of_reuse_ref": N_("Proof of reuse"),
        "proof_date": N_("Proof date"),
        "reason": N_("Reason"),
    },
}
_LABELS["channel"] = _LABELS["reuse_channel"]


def label(kind: str, value: str | None) -> str:
    """The translated label of ``value`` in vocabulary ``kind`` (the value itself if unknown)."""
    if value is None:
        return ""
    text = _LABELS.get(kind, {}).get(value)
    return _(text) if text else value


def inline(kind: str, value: str | None) -> str:
    """The label for use inside a sentence: ``purge level``, ``in service``.

    The first letter is lowered unless the first word is an acronym or a name
    (``HDD``, ``Wi-Fi access point``).
    """
    text = label(kind, value)
    word = text.split(" ", 1)[0]
    if len(word) > 1 and word[1:].islower():
        return text[0].lower() + text[1:]
    return text


def choices(kind: str) -> list[tuple[str, str]]:
    """``(label, value)`` pairs of a vocabulary, for a Select."""
    return [(_(text), value) for value, text in _LABELS[kind].items()]


#: Synonym sections of the vocabularies that have one (the importer's table).
_SYNONYM_SECTION = {"channel": "reuse_channel"}


def value_of(kind: str, text: str) -> str | None:
    """The stored value that ``text`` names in vocabulary ``kind``, or None.

    Accepts the value itself (``sell``), its label in English or French
    (``Sell``, ``Vente``, ``PC portable``), ignoring case, accents, spaces
    and punctuation, and the synonyms an import accepts (``Portable``).
    """
    from sobriety.domain.inventory.fields import VOCABULARIES, normalise_label
    from sobriety.i18n import SUPPORTED, gettext_in

    key = normalise_label(text)
    if not key:
        return None
    for value, english in _LABELS.get(kind, {}).items():
        names = {value, english, *(gettext_in(lang, english) for lang in SUPPORTED)}
        if key in {normalise_label(n) for n in names}:
            return value
    section = _SYNONYM_SECTION.get(kind, kind)
    if section in VOCABULARIES:
        from sobriety.domain.inventory.form import shipped_synonyms

        return shipped_synonyms().lookup(section, text)
    return None


def closest_labels(kind: str, text: str, n: int = 3) -> list[str]:
    """Up to ``n`` labels of vocabulary ``kind`` (active language) that look like ``text``."""
    import difflib

    from sobriety.i18n import SUPPORTED, gettext_in

    by_name: dict[str, str] = {}
    for value, english in _LABELS.get(kind, {}).items():
        for name in (value, english, *(gettext_in(lang, english) for lang in SUPPORTED)):
            by_name.setdefault(name.casefold(), _(english))
    close = difflib.get_close_matches(text.strip().casefold(), list(by_name), n=n * 3, cutoff=0.5)
    return list(dict.fromkeys(by_name[c] for c in close))[:n]
