"""Reference data of the demo fleet: the sites of a Breton département and device models.

The sites follow the organisation of a French département (Ille-et-Vilaine is
the model): the head office in Rennes, 22 CDAS (social-action centres), the
territorial agencies, road operation centres, 51 public collèges and natural
areas (espaces naturels sensibles). Commune names are real; INSEE codes are
given only where checked (:data:`INSEE_CODES`), otherwise left empty. Site
names are illustrative, not a directory of the real département.

Models are real manufacturer/model names, spelt as in the Boavizta
environmental-footprint-data set where the model is listed there (so that
per-model emission factors match), plus recent models the 2023 snapshot does
not list yet. Prices are typical public-procurement prices excluding VAT.
"""

from __future__ import annotations

from typing import NamedTuple

from sobriety.domain.vocab import Category, SiteKind


class SiteSpec(NamedTuple):
    code: str
    name: str
    kind: SiteKind
    commune: str
    insee_code: str | None
    agents: int
    #: Which device-rate profile applies (see RATES).
    profile: str


RENNES = "35238"
#: Commune INSEE codes (Code officiel géographique) of the demo communes that were
#: checked, each against a public list read in December 2026: the Breton towns of
#: the "Action cœur de ville" programme (Fougères, Redon, Saint-Malo, Vitré) and the
#: communes bordering Rennes. The other communes keep no code rather than a guess.
INSEE_CODES: dict[str, str] = {
    "Rennes": RENNES,
    "Saint-Malo": "35288",
    "Fougères": "35115",
    "Vitré": "35360",
    "Redon": "35236",
    "Cesson-Sévigné": "35051",
    "Saint-Jacques-de-la-Lande": "35281",
    "Chantepie": "35055",
    "Betton": "35024",
    "Pacé": "35210",
    "Le Rheu": "35240",
}


def _sites() -> tuple[SiteSpec, ...]:
    out: list[SiteSpec] = [
        SiteSpec(
            "HQ",
            "Hôtel du Département",
            SiteKind.HEAD_OFFICE,
            "Rennes",
            RENNES,
            1800,
            "head_office",
        )
    ]
    cdas = [
        ("Rennes", "Le Blosne", 96),
        ("Rennes", "Villejean", 88),
        ("Rennes", "Maurepas", 84),
        ("Rennes", "Cleunay", 78),
        ("Rennes", "Centre", 90),
        ("Rennes", "Champs-Manceaux", 82),
        ("Saint-Malo", None, 92),
        ("Fougères", None, 86),
        ("Vitré", None, 80),
        ("Redon", None, 78),
        ("Dinard", None, 60),
        ("Cesson-Sévigné", None, 66),
        ("Bruz", None, 64),
        ("Saint-Jacques-de-la-Lande", None, 62),
        ("Montfort-sur-Meu", None, 58),
        ("Janzé", None, 54),
        ("Bain-de-Bretagne", None, 56),
        ("Combourg", None, 55),
        ("Liffré", None, 57),
        ("Saint-Aubin-d'Aubigné", None, 52),
        ("Saint-Méen-le-Grand", None, 52),
        ("Châteaugiron", None, 55),
    ]
    for i, (commune, area, agents) in enumerate(cdas, 1):
        name = f"CDAS {commune} {area}" if area else f"CDAS de {commune}"
        insee = INSEE_CODES.get(commune)
        out.append(SiteSpec(f"CDAS-{i:02d}", name, SiteKind.CDAS, commune, insee, agents, "cdas"))
    agencies = [
        ("Pays de Rennes", "Rennes", 130),
        ("Pays de Saint-Malo", "Saint-Malo", 115),
        ("Pays de Fougères", "Fougères", 105),
        ("Pays de Vitré", "Vitré", 100),
        ("Pays de Redon et des Vallons de Vilaine", "Redon", 105),
        ("Pays de Brocéliande", "Montfort-sur-Meu", 105),
    ]
    for i, (pays, commune, agents) in enumerate(agencies, 1):
        insee = INSEE_CODES.get(commune)
        out.append(
            SiteSpec(
                f"AGENCE-{i}",
                f"Agence départementale du {pays}",
                SiteKind.OTHER,
                commune,
                insee,
                agents,
                "agency",
            )
        )
    road = [
        "Cesson-Sévigné", "Bruz", "Betton", "Pacé", "Mordelles", "Châteaubourg",
        "La Guerche-de-Bretagne", "Retiers", "Argentré-du-Plessis", "Louvigné-du-Désert",
        "Saint-Aubin-du-Cormier", "Maen Roch", "Dol-de-Bretagne", "Cancale", "Pleurtuit",
        "Tinténiac", "Hédé-Bazouges", "Montauban-de-Bretagne", "Plélan-le-Grand", "Guichen",
        "Guipry-Messac", "Grand-Fougeray", "Pipriac", "Val d'Anast",
    ]  # fmt: skip
    for i, commune in enumerate(road, 1):
        out.append(
            SiteSpec(
                f"CER-{i:02d}",
                f"Centre d'exploitation routière de {commune}",
                SiteKind.OTHER,
                commune,
                INSEE_CODES.get(commune),
                30 + (i * 7) % 12,
                "road_centre",
            )
        )
    out.append(
        SiteSpec(
            "ARCHIVES",
            "Archives départementales",
            SiteKind.OTHER,
            "Rennes",
            RENNES,
            85,
            "culture",
        )
    )
    out.append(
        SiteSpec(
            "MEDIATHEQUE",
            "Médiathèque départementale",
            SiteKind.OTHER,
            "Rennes",
            RENNES,
            65,
            "culture",
        )
    )
    rennes_quarters = [
        "Le Blosne", "Bréquigny", "Villejean", "Maurepas", "Cleunay", "Les Gayeulles",
        "Thabor", "Sud-Gare", "Bourg-l'Évêque", "Jeanne d'Arc", "Beaulieu",
    ]  # fmt: skip
    college_communes = [
        "Saint-Malo", "Saint-Malo", "Saint-Malo", "Fougères", "Fougères", "Vitré", "Vitré",
        "Redon", "Dinard", "Cesson-Sévigné", "Bruz", "Saint-Jacques-de-la-Lande", "Chantepie",
        "Betton", "Pacé", "Le Rheu", "Mordelles", "Montfort-sur-Meu", "Saint-Méen-le-Grand",
        "Montauban-de-Bretagne", "Bédée", "Janzé", "Bain-de-Bretagne", "Guichen", "Pipriac",
        "Grand-Fougeray", "Guipry-Messac", "Combourg", "Dol-de-Bretagne", "Cancale",
        "Tinténiac", "Liffré", "Saint-Aubin-du-Cormier", "Châteaugiron", "Châteaubourg",
        "La Guerche-de-Bretagne", "Retiers", "Louvigné-du-Désert", "Maen Roch", "Plélan-le-Grand",
    ]  # fmt: skip
    colleges = [("Rennes", q) for q in rennes_quarters] + [(c, None) for c in college_communes]
    seen: dict[str, int] = {}
    for i, (commune, quarter) in enumerate(colleges, 1):
        seen[commune] = seen.get(commune, 0) + 1
        if quarter:
            name = f"Collège public de Rennes {quarter}"
        elif seen[commune] > 1:
            name = f"Collège public de {commune} ({seen[commune]})"
        else:
            name = f"Collège public de {commune}"
        insee = INSEE_CODES.get(commune)
        out.append(
            SiteSpec(
                f"COLLEGE-{i:02d}",
                name,
                SiteKind.COLLEGE,
                commune,
                insee,
                11 + (i * 5) % 8,
                "college",
            )
        )
    natural = [
        ("Pointe du Grouin", "Cancale", 9),
        ("Anse du Guesclin", "Saint-Coulomb", 6),
        ("Landes de Jaunouse", "Paimpont", 8),
        ("Étang de Careil", "Iffendic", 7),
        ("Marais de Sougéal", "Sougéal", 7),
        ("Landes de Cojoux", "Saint-Just", 6),
        ("Site des Corbinières", "Guipry-Messac", 8),
        ("Bois de Soeuvres", "Vern-sur-Seiche", 8),
        ("Étang de Boulet", "Feins", 7),
        ("Vallée du Canut", "Baulon", 6),
        ("Forêt de Haute-Sève", "Saint-Aubin-du-Cormier", 8),
        ("Marais de Redon", "Redon", 9),
    ]
    for i, (area, commune, agents) in enumerate(natural, 1):
        out.append(
            SiteSpec(
                f"ENS-{i:02d}",
                f"Espace naturel sensible {area}",
                SiteKind.NATURAL_AREA,
                commune,
                INSEE_CODES.get(commune),
                agents,
                "natural_area",
            )
        )
    return tuple(out)


SITES: tuple[SiteSpec, ...] = _sites()

#: Device categories of the demo, in generation order (PCs first, then phones).
CATEGORIES: tuple[Category, ...] = (
    Category.LAPTOP,
    Category.DESKTOP,
    Category.THIN_CLIENT,
    Category.WORKSTATION,
    Category.SMARTPHONE,
    Category.RUGGED_SMARTPHONE,
    Category.TABLET,
    Category.MONITOR,
    Category.SWITCH,
    Category.ROUTER,
    Category.WIFI_ACCESS_POINT,
    Category.FIREWALL,
    Category.PRINTER,
)

#: Active devices per site profile: category -> (per agent, per site).
#: Monitors are given per PC of the site instead.
RATES: dict[str, dict[Category, tuple[float, float]]] = {
    "head_office": {
        Category.LAPTOP: (0.95, 0), Category.DESKTOP: (0.02, 0),
        Category.THIN_CLIENT: (0.015, 0), Category.WORKSTATION: (0.012, 0),
        Category.SMARTPHONE: (0.45, 0), Category.TABLET: (0.05, 0),
        Category.MONITOR: (1.6, 0), Category.SWITCH: (1 / 18, 4), Category.ROUTER: (0, 3),
        Category.WIFI_ACCESS_POINT: (1 / 25, 4), Category.FIREWALL: (0, 2),
        Category.PRINTER: (1 / 22, 0),
    },
    "cdas": {
        Category.LAPTOP: (0.92, 0), Category.DESKTOP: (0.02, 0), Category.THIN_CLIENT: (0.02, 2),
        Category.SMARTPHONE: (0.65, 0), Category.TABLET: (0.04, 1), Category.MONITOR: (1.45, 0),
        Category.SWITCH: (1 / 25, 1), Category.ROUTER: (0, 1),
        Category.WIFI_ACCESS_POINT: (1 / 15, 1), Category.FIREWALL: (0, 1),
        Category.PRINTER: (1 / 10, 1),
    },
    "agency": {
        Category.LAPTOP: (0.9, 0), Category.DESKTOP: (0.04, 0), Category.WORKSTATION: (0.02, 0),
        Category.SMARTPHONE: (0.6, 0), Category.TABLET: (0.05, 0), Category.MONITOR: (1.5, 0),
        Category.SWITCH: (1 / 25, 1), Category.ROUTER: (0, 1),
        Category.WIFI_ACCESS_POINT: (1 / 20, 1), Category.FIREWALL: (0, 1),
        Category.PRINTER: (1 / 12, 1),
    },
    "road_centre": {
        Category.LAPTOP: (0.35, 1), Category.DESKTOP: (0.05, 1), Category.SMARTPHONE: (0.85, 0),
        Category.RUGGED_SMARTPHONE: (0.03, 0), Category.TABLET: (0.05, 0),
        Category.MONITOR: (1.2, 0), Category.SWITCH: (0, 1), Category.ROUTER: (0, 1),
        Category.WIFI_ACCESS_POINT: (0, 1), Category.PRINTER: (0, 1),
    },
    "culture": {
        Category.LAPTOP: (0.9, 0), Category.DESKTOP: (0.08, 0), Category.SMARTPHONE: (0.3, 0),
        Category.TABLET: (0.05, 2), Category.MONITOR: (1.4, 0), Category.SWITCH: (1 / 25, 1),
        Category.ROUTER: (0, 1), Category.WIFI_ACCESS_POINT: (1 / 20, 1),
        Category.FIREWALL: (0, 1), Category.PRINTER: (1 / 12, 1),
    },
    # Collèges: the département equips its agents and the teaching pool.
    "college": {
        Category.LAPTOP: (0.3, 30), Category.DESKTOP: (0.1, 5), Category.SMARTPHONE: (0.2, 0),
        Category.TABLET: (0, 16), Category.MONITOR: (0.8, 0), Category.SWITCH: (0, 5),
        Category.ROUTER: (0, 1), Category.WIFI_ACCESS_POINT: (0, 12), Category.FIREWALL: (0, 1),
        Category.PRINTER: (0, 3),
    },
    "natural_area": {
        Category.LAPTOP: (0.8, 0), Category.DESKTOP: (0, 1), Category.SMARTPHONE: (0.1, 0),
        Category.RUGGED_SMARTPHONE: (1.0, 0), Category.TABLET: (0.25, 0),
        Category.MONITOR: (0.8, 0), Category.SWITCH: (0, 1), Category.ROUTER: (0, 1),
        Category.WIFI_ACCESS_POINT: (0, 1), Category.PRINTER: (0, 1),
    },
}  # fmt: skip

PROFILES: tuple[str, ...] = tuple(RATES)


class CategoryTraits(NamedTuple):
    #: Lifetime in service (years): mean and standard deviation.
    life_mean: float
    life_sd: float
    #: Warranty of a new device (years).
    warranty_years: int
    #: Battery health loss per year of age (percentage points), 0 = no battery.
    battery_loss: float
    #: Share bought refurbished at the start and at the end of the period.
    refurbished_early: float
    refurbished_late: float
    #: Share leased.
    leased: float


TRAITS: dict[Category, CategoryTraits] = {
    Category.LAPTOP: CategoryTraits(5.6, 1.2, 5, 5.0, 0.005, 0.07, 0.02),
    Category.DESKTOP: CategoryTraits(6.5, 1.5, 5, 0.0, 0.005, 0.06, 0.01),
    Category.THIN_CLIENT: CategoryTraits(7.0, 1.5, 3, 0.0, 0.0, 0.02, 0.0),
    Category.WORKSTATION: CategoryTraits(6.0, 1.2, 5, 0.0, 0.0, 0.0, 0.0),
    Category.SMARTPHONE: CategoryTraits(4.2, 1.0, 2, 8.0, 0.01, 0.10, 0.0),
    Category.RUGGED_SMARTPHONE: CategoryTraits(4.5, 1.0, 3, 6.5, 0.0, 0.03, 0.0),
    Category.TABLET: CategoryTraits(4.6, 1.2, 2, 6.0, 0.005, 0.06, 0.0),
    Category.MONITOR: CategoryTraits(8.0, 2.0, 5, 0.0, 0.01, 0.08, 0.0),
    Category.SWITCH: CategoryTraits(9.0, 2.0, 10, 0.0, 0.0, 0.02, 0.0),
    Category.ROUTER: CategoryTraits(8.0, 2.0, 5, 0.0, 0.0, 0.0, 0.0),
    Category.WIFI_ACCESS_POINT: CategoryTraits(8.0, 2.0, 10, 0.0, 0.0, 0.0, 0.0),
    Category.FIREWALL: CategoryTraits(6.0, 1.5, 3, 0.0, 0.0, 0.0, 0.0),
    Category.PRINTER: CategoryTraits(6.0, 1.5, 5, 0.0, 0.0, 0.0, 0.75),
}


class Model(NamedTuple):
    manufacturer: str
    model: str
    first: int  # first and last year it was bought
    last: int
    price: float  # EUR excl. VAT, new
    weight_kg: float
    screen_in: float | None = None
    cpu: str | None = None
    cpu_gen: int | None = None
    tpm: str | None = None
    #: Fixed OS, or "android" / "ios" / "ipados" / "windows" (computed from the dates).
    os: str | None = None
    share: float = 1.0
    #: Site profiles the model is bought for (None: all).
    profiles: tuple[str, ...] | None = None


_W = "windows"
_NATURE = ("natural_area",)
_HQ = ("head_office", "agency")
_SCHOOL = ("college",)

MODELS: dict[Category, tuple[Model, ...]] = {
    Category.LAPTOP: (
        Model("Lenovo", "ThinkPad T440", 2012, 2014, 920, 1.88, 14, "Core i5-4300U", 4, "1.2", _W),
        Model("Lenovo", "ThinkPad L440", 2013, 2014, 690, 2.2, 14, "Core i5-4300M", 4, "1.2", _W),
        Model("Lenovo", "ThinkPad T450s", 2015, 2015, 990, 1.753, 14, "Core i5-5300U", 5, "1.2",
              _W),
        Model("Lenovo", "ThinkPad L450", 2015, 2015, 700, 2.115, 14, "Core i5-5200U", 5, "1.2", _W),
        Model("Lenovo", "ThinkPad T460", 2016, 2016, 900, 1.862, 14, "Core i5-6200U", 6, "2.0", _W),
        Model("Lenovo", "ThinkPad L470", 2016, 2017, 740, 1.91, 14, "Core i5-7200U", 7, "2.0", _W),
        Model("Lenovo", "ThinkPad X1 Carbon 5th Gen", 2017, 2017, 1490, 1.14, 14, "Core i7-7600U",
              7, "2.0", _W, 0.05, _HQ),
        Model("Dell", "Latitude 5480", 2017, 2017, 860, 1.86, 14, "Core i5-7300U", 7, "2.0", _W),
        Model("Dell", "Latitude 5490", 2018, 2018, 830, 1.6, 14, "Core i5-8250U", 8, "2.0", _W),
        Model("Dell", "Latitude 7490", 2018, 2018, 1090, 1.4, 14, "Core i5-8350U", 8, "2.0", _W,
              0.15),
        Model("Dell", "Latitude 5400", 2019, 2019, 840, 1.55, 14, "Core i5-8365U", 8, "2.0", _W),
        Model("Dell", "Latitude 5410", 2020, 2020, 860, 1.52, 14, "Core i5-10310U", 10, "2.0", _W),
        Model("Dell", "Latitude 7410", 2020, 2020, 1140, 1.374, 14, "Core i5-10310U", 10, "2.0",
              _W, 0.15),
        Model("Dell", "Latitude 5420", 2021, 2021, 870, 1.4, 14, "Core i5-1145G7", 11, "2.0", _W),
        Model("HP", "EliteBook 840 Aero G8 Notebook PC", 2021, 2023, 990, 1.43, 14,
              "Core i5-1145G7", 11, "2.0", _W),
        Model("HP", "EliteBook x360 1040 G8 Notebook PC", 2021, 2022, 1590, 1.625, 14,
              "Core i7-1185G7", 11, "2.0", _W, 0.05, _HQ),
        Model("Dell", "Latitude 5430", 2022, 2024, 880, 1.36, 14, "Core i5-1245U", 12, "2.0", _W),
        Model("HP", "EliteBook 840 G10", 2023, 2024, 1020, 1.36, 14, "Core i5-1345U", 13, "2.0",
              _W),
        Model("HP", "ProBook 440 G10", 2023, 2024, 720, 1.38, 14, "Core i5-1335U", 13, "2.0", _W,
              0.5),
        Model("Lenovo", "ThinkPad T14 Gen 5", 2025, 2026, 990, 1.31, 14, "Core Ultra 5 135U", 14,
              "2.0", _W),
        Model("Dell", "Latitude 5440", 2025, 2026, 900, 1.4, 14, "Core i5-1345U", 13, "2.0", _W,
              0.6),
        # Teaching pool of collèges: entry-level models.
        Model("HP", "250 G9 Notebook PC", 2022, 2024, 460, 2.2, 15.6, "Core i3-1215U", 12, "2.0",
              _W, 2.0, _SCHOOL),
        Model("Dell", "Latitude 3520", 2021, 2021, 560, 1.959, 15, "Core i3-1115G4", 11, "2.0",
              _W, 2.0, _SCHOOL),
        Model("Dell", "Latitude 3510", 2020, 2020, 540, 1.945, 15, "Core i3-10110U", 10, "2.0", _W,
              2.0, _SCHOOL),
        Model("Dell", "Latitude 3590", 2018, 2019, 520, 2.07, 15, "Core i3-7130U", 7, "2.0", _W,
              2.0, _SCHOOL),
        # Natural areas: rugged laptops.
        Model("Dell", "Latitude Rugged 5420", 2016, 2020, 2150, 2.3, 14, "Core i5-8365U", 8, "2.0",
              _W, 1.0, _NATURE),
        Model("Dell", "Latitude 5430 Rugged", 2021, 2026, 2390, 2.6, 14, "Core i5-1145G7", 11,
              "2.0", _W, 1.0, _NATURE),
    ),
    Category.DESKTOP: (
        Model("Lenovo", "ThinkCentre M73 SFF", 2012, 2015, 560, 6.6, None, "Core i5-4570", 4,
              "1.2", _W),
        Model("Lenovo", "ThinkCentre M700", 2016, 2016, 580, 7.9, None, "Core i5-6500", 6, "2.0",
              _W),
        Model("Dell", "OptiPlex 5050 Small Form Factor", 2017, 2017, 600, 6.3, None,
              "Core i5-7500", 7, "2.0", _W),
        Model("Dell", "OptiPlex 5060 Small Form Factor", 2018, 2018, 610, 5.24, None,
              "Core i5-8500", 8, "2.0", _W),
        Model("Dell", "OptiPlex 5070 Micro Form Factor", 2019, 2019, 620, 1.4, None,
              "Core i5-9500T", 9, "2.0", _W),
        Model("Dell", "OptiPlex 5080 Small Form Factor", 2020, 2020, 630, 4.6, None,
              "Core i5-10500", 10, "2.0", _W),
        Model("Dell", "OptiPlex 5090 Micro Form Factor", 2021, 2021, 640, 1.4, None,
              "Core i5-10500T", 10, "2.0", _W),
        Model("Dell", "OptiPlex 7000 Micro Form Factor", 2022, 2023, 690, 1.094, None,
              "Core i5-12500T", 12, "2.0", _W),
        Model("HP", "ProDesk 400 G9 Small Form Factor", 2024, 2026, 620, 4.3, None,
              "Core i5-13500", 13, "2.0", _W),
        Model("Dell", "OptiPlex 3060 Micro Form Factor", 2018, 2019, 470, 2.82, None,
              "Core i3-8100T", 8, "2.0", _W, 3.0, _SCHOOL),
        Model("Dell", "OptiPlex 3080 Micro Form Factor", 2020, 2021, 480, 1.4, None,
              "Core i3-10100T", 10, "2.0", _W, 3.0, _SCHOOL),
        Model("Dell", "OptiPlex 3000 Micro Form Factor", 2022, 2026, 490, 1.094, None,
              "Core i3-12100T", 12, "2.0", _W, 3.0, _SCHOOL),
    ),
    Category.THIN_CLIENT: (
        Model("Dell", "Wyse 5060 Thin Client", 2014, 2018, 330, 1.0, None, "AMD GX-424CC", None,
              "1.2", "Dell ThinOS 8"),
        Model("Dell", "Wyse 3040 Thin Client", 2017, 2020, 260, 0.24, None, "Atom x5-Z8350", None,
              None, "Dell ThinOS 8"),
        Model("Dell", "Wyse 5070 Thin Client", 2019, 2026, 360, 1.11, None, "Celeron J4105", None,
              "2.0", "Dell ThinOS 9"),
    ),
    Category.WORKSTATION: (
        Model("Dell", "Precision Tower 3620", 2014, 2017, 1750, 9.2, None, "Xeon E3-1240 v5", 6,
              "2.0", _W),
        Model("Dell", "Precision Tower 3630", 2018, 2019, 1850, 10.57, None, "Xeon E-2124G", 8,
              "2.0", _W),
        Model("Dell", "Precision 3640 Tower", 2020, 2020, 1950, 13.0, None, "Core i7-10700", 10,
              "2.0", _W),
        Model("Dell", "Precision 3650 Tower", 2021, 2021, 2050, 13.0, None, "Core i7-11700", 11,
              "2.0", _W),
        Model("Dell", "Precision 3660 Tower", 2022, 2026, 2150, 7.678, None, "Core i7-12700", 12,
              "2.0", _W),
    ),
    Category.SMARTPHONE: (
        Model("Samsung", "Galaxy A5 (2017) (SM-A520F)", 2015, 2017, 290, 0.159, 5.2, os="android"),
        Model("Apple", "iPhone 8 64GB", 2017, 2019, 620, 0.148, 4.7, os="ios", share=0.3),
        Model("Samsung", "Galaxy A40 (SM-A405FN)", 2018, 2019, 220, 0.14, 5.9, os="android"),
        Model("Samsung", "Galaxy A12 (SM-A127F)", 2020, 2022, 160, 0.205, 6.5, os="android"),
        Model("Samsung", "Galaxy S20 FE (SM-G781B)", 2020, 2021, 450, 0.19, 6.5, os="android",
              share=0.2),
        Model("Apple", "iPhone SE - Gen 2 64GB", 2020, 2021, 420, 0.148, 4.7, os="ios",
              share=0.3),
        Model("Fairphone", "Fairphone 3", 2020, 2021, 380, 0.189, 5.65, os="android", share=0.3),
        Model("Fairphone", "Fairphone 4", 2022, 2025, 480, 0.225, 6.38, os="android", share=0.7),
        Model("Apple", "iPhone SE (3rd generation) with 64GB", 2022, 2023, 460, 0.144, 4.7,
              os="ios", share=0.3),
        Model("Samsung", "Galaxy A54 5G", 2023, 2024, 330, 0.202, 6.4, os="android"),
        Model("Samsung", "Galaxy A35 5G", 2024, 2026, 300, 0.209, 6.6, os="android"),
        Model("Fairphone", "Fairphone 5", 2024, 2026, 570, 0.212, 6.46, os="android", share=0.4),
    ),
    Category.RUGGED_SMARTPHONE: (
        Model("Crosscall", "Core-X4", 2015, 2021, 360, 0.25, 5.45, os="android"),
        Model("Samsung", "Galaxy XCover Pro", 2020, 2022, 420, 0.218, 6.3, os="android"),
        Model("Crosscall", "Core-X5", 2022, 2026, 480, 0.275, 5.45, os="android"),
        Model("Samsung", "Galaxy XCover6 Pro", 2023, 2026, 520, 0.235, 6.6, os="android"),
    ),
    Category.TABLET: (
        Model("Apple", "iPad (6th generation)", 2015, 2019, 330, 0.469, 9.7, os="ipados"),
        Model("Samsung", "Galaxy Tab Active Pro (SM-T545)", 2019, 2021, 560, 0.653, 10.1,
              os="android"),
        Model("Microsoft", "Surface Go 2", 2020, 2021, 520, 0.544, 10.5, "Pentium Gold 4425Y",
              None, "2.0", "Windows 10 Pro", 0.5),
        Model("Apple", "iPad (9th generation) Wi-Fi + Cellular with 64GB", 2021, 2022, 430, 0.498,
              10.2, os="ipados"),
        Model("Apple", "iPad (10th generation) with 64GB", 2022, 2026, 480, 0.477, 10.9,
              os="ipados"),
        Model("Samsung", "Galaxy Tab Active4 Pro", 2023, 2026, 620, 0.674, 10.1, os="android",
              share=0.5),
    ),
    Category.MONITOR: (
        Model("Lenovo", "LT2423 Wide", 2012, 2014, 170, 7.5, 24),
        Model("Lenovo", "E2323 Wide", 2013, 2015, 120, 5.16, 23),
        Model("Lenovo", "T2324d", 2015, 2016, 160, 4.7, 23),
        Model("Dell", "E2216H Monitor", 2016, 2017, 110, 4.574, 21.5),
        Model("Dell", "P2417H Monitor", 2016, 2017, 190, 6.746, 24),
        Model("Dell", "P2219H Monitor", 2018, 2019, 150, 5.9726, 22),
        Model("Dell", "P2419H Monitor", 2018, 2020, 180, 6.7426, 24, share=2.0),
        Model("Dell", "E2420H Monitor", 2020, 2021, 130, 4.27, 24),
        Model("HP", "P24 G4 23.8-inch Monitor", 2020, 2022, 150, 3.56, 23.8),
        Model("Dell", "P2422H Monitor", 2021, 2023, 190, 5.15, 24, share=2.0),
        Model("Dell", "P2423D Monitor", 2022, 2025, 240, 5.07, 23.8, share=1.5),
        Model("HP", "E24 G5 FHD Monitor", 2024, 2026, 190, 5.6, 23.8),
        Model("Dell", "P2425H Monitor", 2025, 2026, 200, 5.2, 24),
    ),
    Category.SWITCH: (
        Model("Cisco", "Catalyst 2960X-48FPD-L", 2012, 2017, 2900, 5.5, os="Cisco IOS 15.2"),
        Model("HPE Aruba", "Aruba 2530 24G PoE+ (J9773A)", 2012, 2018, 1100, 3.9,
              os="ArubaOS-Switch 16", share=0.8),
        Model("HPE Aruba", "Aruba 2930F 48G PoE+ 4SFP+ (JL256A)", 2017, 2021, 3100, 5.9,
              os="ArubaOS-Switch 16"),
        Model("Cisco", "Catalyst 9200L-48P-4G", 2019, 2022, 3400, 6.7, os="Cisco IOS XE 17"),
        Model("HPE Aruba", "Aruba CX 6100 48G Class4 PoE 4SFP+ (JL675A)", 2021, 2026, 2600, 5.3,
              os="AOS-CX 10"),
        Model("HPE Aruba", "Aruba CX 6000 24G (R8N86A)", 2022, 2026, 900, 2.9, os="AOS-CX 10",
              share=0.8),
    ),
    Category.ROUTER: (
        Model("Cisco", "ISR 4321", 2014, 2019, 1900, 3.7, os="Cisco IOS XE 16"),
        Model("Cisco", "ISR 1111-8P", 2018, 2022, 1200, 2.2, os="Cisco IOS XE 17"),
        Model("Cisco", "Catalyst 8200L (C8200L-1N-4T)", 2022, 2026, 1700, 2.9,
              os="Cisco IOS XE 17"),
    ),
    Category.WIFI_ACCESS_POINT: (
        Model("Cisco", "Aironet 1832i", 2015, 2019, 420, 0.72, os="Cisco AireOS 8"),
        Model("HPE Aruba", "AP-315", 2016, 2019, 520, 0.7, os="ArubaOS 8"),
        Model("HPE Aruba", "AP-505", 2019, 2023, 480, 0.72, os="ArubaOS 8"),
        Model("HPE Aruba", "AP-535", 2020, 2023, 890, 1.6, os="ArubaOS 8", share=0.5,
              profiles=("head_office",)),
        Model("HPE Aruba", "AP-615", 2023, 2026, 560, 0.65, os="AOS 10"),
    ),
    Category.FIREWALL: (
        Model("Stormshield", "SN310", 2014, 2020, 1400, 1.9, os="Stormshield SNS 3"),
        Model("Stormshield", "SN3100", 2016, 2021, 14500, 12.5, os="Stormshield SNS 4",
              profiles=("head_office",)),
        Model("Stormshield", "SN-S-Series-220", 2021, 2026, 1650, 1.1, os="Stormshield SNS 4"),
        Model("Stormshield", "SN-M-Series-720", 2022, 2026, 6900, 5.3, os="Stormshield SNS 4",
              profiles=("head_office",)),
        Model("Fortinet", "FortiGate 60F", 2021, 2026, 900, 1.0, os="FortiOS 7.2",
              share=0.3, profiles=_SCHOOL),
    ),
    Category.PRINTER: (
        Model("HP", "Color LaserJet Enterprise MFP M577", 2013, 2018, 1900, 37.0),
        Model("Lexmark", "CX924dxe", 2017, 2021, 6900, 113.0, share=0.3, profiles=_HQ),
        Model("Lexmark", "MX331adne", 2019, 2023, 420, 14.2),
        Model("Lexmark", "MC3426adwe", 2020, 2026, 560, 22.2),
        Model("Lexmark", "B3442dw", 2020, 2026, 190, 8.2, share=0.5),
    ),
}  # fmt: skip
