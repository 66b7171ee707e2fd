"""The what-if use case: devices kept longer, the purchases, kgCO2e and euros avoided."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sobriety.app.carbon_common import (
    EUR_DECIMALS,
    KG_DECIMALS,
    InvalidInput,
    _bounds,
    _round,
    check_choice,
)
from sobriety.i18n import _

if TYPE_CHECKING:
    import numpy as np

    from sobriety.app.context import Sobriety
    from sobriety.domain.carbon.whatif import WhatIfResult

#: Longest what-if horizon, in years.
MAX_HORIZON = 30


@dataclass(frozen=True)
class WhatIf:
    """Devices kept longer: purchases, kgCO2e and euros avoided per year."""

    result: WhatIfResult
    as_of: dt.date

    @property
    def per_year(self) -> np.ndarray:
        """(3,) kgCO2e avoided per year on average."""
        return self.result.per_year_kgco2e

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape of ``sobriety estimate what-if --format json``.

        kgCO2e to the gram, euros to the cent, purchases as integers; each
        year's ``avoided_eur`` is the sum over its categories of purchases
        avoided x unit price.
        """
        res = self.result

        def eur(x: float | None) -> float | None:
            return None if x is None else _round(x, EUR_DECIMALS)

        return {
            "extra_years": res.extra_years,
            "categories": list(res.categories),
            "site_kinds": list(res.site_kinds),
            "devices_in_scope": res.devices_in_scope,
            "observed_purchases_per_year": _round(res.observed_purchases_per_year, 1),
            "unit": "kgCO2e",
            "precision": {"kgCO2e": KG_DECIMALS, "EUR": EUR_DECIMALS},
            "unit_prices_eur": {k: eur(v) for k, v in res.unit_prices_eur.items()},
            "years": [
                {
                    "year": y.year,
                    "baseline_purchases": y.baseline_purchases,
                    "scenario_purchases": y.scenario_purchases,
                    "avoided_purchases": y.avoided_purchases,
                    "avoided": _bounds(y.avoided_kgco2e),
                    "avoided_eur": eur(y.avoided_eur),
                    "by_category": [
                        {
                            "category": c.category,
                            "baseline_purchases": c.baseline_purchases,
                            "scenario_purchases": c.scenario_purchases,
                            "avoided_purchases": c.avoided_purchases,
                            "unit_price_eur": eur(c.unit_price_eur),
                            "avoided_eur": eur(c.avoided_eur),
                            "avoided": _bounds(c.avoided_kgco2e),
                        }
                        for c in y.by_category
                    ],
                }
                for y in res.years
            ],
            "total": _bounds(res.total_kgco2e),
            "total_eur": eur(res.total_eur),
            "per_year": _bounds(self.per_year),
            "per_year_eur": eur(res.per_year_eur),
            "unpriced_devices": res.unpriced_devices,
        }

    def csv_rows(self) -> list[list[Any]]:
        """One line per year and category (``--format csv``): the EUR column is
        purchases avoided x unit price on every line; labels in the active language."""
        from sobriety.domain.labels import label

        head = [
            "year", "category", "label", "baseline_purchases", "scenario_purchases",
            "avoided_purchases", "unit_price_eur", "avoided_eur",
            "avoided_kgco2e", "avoided_low", "avoided_high",
        ]  # fmt: skip
        lines: list[list[Any]] = [head]
        for y in self.result.years:
            for c in y.by_category:
                price = c.unit_price_eur
                lines.append(
                    [
                        y.year,
                        c.category,
                        label("category", c.category),
                        c.baseline_purchases,
                        c.scenario_purchases,
                        c.avoided_purchases,
                        "" if price is None else _round(price, EUR_DECIMALS),
                        _round(c.avoided_eur, EUR_DECIMALS),
                        *(_round(float(x), KG_DECIMALS) for x in c.avoided_kgco2e),
                    ]
                )
        return lines


def what_if(
    app: Sobriety,
    *,
    extend: float,
    categories: Sequence[str] | None = None,
    site_kinds: Sequence[str] | None = None,
    horizon: int = 5,
    start: int | None = None,
    as_of: dt.date | None = None,
) -> WhatIf:
    """Keep the devices in scope ``extend`` years longer over ``horizon`` years from ``start``."""
    from sobriety.domain.carbon.whatif import lifespan_what_if
    from sobriety.domain.vocab import SiteKind
    from sobriety.storage.carbon_fleet import read_fleet

    fs = app.factors
    for c in categories or []:
        check_choice("category", c, fs.category_order)
    for k in site_kinds or []:
        check_choice("site-kind", k, [s.value for s in SiteKind])
    if extend <= 0:
        raise InvalidInput("extend", _("a number of years above 0 is expected"))
    if horizon < 1 or horizon > MAX_HORIZON:
        raise InvalidInput("horizon", _("between 1 and 30 years"))
    state = as_of or app.today()
    fleet = read_fleet(app.engine, fs)
    res = lifespan_what_if(
        fleet,
        fs,
        extra_years=extend,
        categories=list(categories) if categories else None,
        site_kinds=list(site_kinds) if site_kinds else None,
        horizon=horizon,
        start_year=start,
        as_of=state,
    )
    return WhatIf(res, state)
