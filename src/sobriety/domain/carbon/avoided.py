"""Avoided emissions of reuse: what sending a device to a channel saves.

A device that goes on to a second life (kept, redeployed, transferred,
donated, sold) avoids part of the manufacturing of the new device it
replaces::

    avoided = manufacturing of a new device of its category
              x (1 - refurbished share of its category)
              x substitution rate of the channel

The refurbished share (``reuse.toml`` ``[refurbished]``, ADEME 2022) stands
for the impact of the refurbishing, repair or upgrade work; the substitution
rate (``[channels]``) for the share of second lives that really replace a
purchase. Take-back counts only with proof of reuse and recycling avoids no
manufacturing. Each factor carries its source.

Call :func:`avoided_emissions` with arrays of category and channel values
(e.g. from the reuse engine's flags) to get kgCO2e per device, and
:func:`channel_factors` / :func:`explain_avoided` for the factors and sources
to show next to the figures.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sobriety.domain.carbon.engine import BOUNDS, category_arrays
from sobriety.domain.carbon.factors import Factor, FactorSet, Source
from sobriety.domain.vocab import Channel

CHANNELS = [c.value for c in Channel]


@dataclass(frozen=True)
class ChannelAvoidance:
    """A channel's substitution factor with its source, for display."""

    channel: str
    label: str
    substitution: Factor
    source: Source


@dataclass(frozen=True)
class AvoidedTerm:
    """One device's avoided emissions, term by term (kgCO2e; value, low, high)."""

    category: str
    channel: str
    manufacturing: Factor
    refurbished_share: Factor
    substitution: Factor
    result: tuple[float, float, float]
    formula: str


def channel_factors(factors: FactorSet) -> dict[str, ChannelAvoidance]:
    """Substitution factor, label and source of every reuse channel."""
    return {
        ch: ChannelAvoidance(ch, cf.label, cf.substitution, factors.source(cf.substitution.source))
        for ch, cf in factors.channels.items()
    }


def _codes(values, table: list[str], what: str) -> np.ndarray:
    lut = {v: i for i, v in enumerate(table)}
    arr = np.asarray(values, dtype=object)
    out = np.empty(arr.shape, dtype=np.int64)
    for i, v in enumerate(arr.ravel()):
        key = getattr(v, "value", v)
        if key not in lut:
            raise ValueError(f"unknown {what} {v!r}; expected one of {', '.join(table)}")
        out.flat[i] = lut[key]
    return out


def avoided_emissions_bounds(
    categories, channels, factors: FactorSet, *, manufacturing_kgco2e=None
) -> np.ndarray:
    """(3, N) kgCO2e avoided per device: value, low, high.

    ``categories`` and ``channels`` are sequences (or arrays) of
    :class:`~sobriety.domain.vocab.Category` / :class:`Channel` values;
    ``manufacturing_kgco2e`` optionally gives a new device's manufacturing
    per device (e.g. a per-model factor), nan falling back to the category.
    """
    cat = _codes(categories, factors.category_order, "category")
    ch = _codes(channels, CHANNELS, "channel")
    arrays = category_arrays(factors)
    manuf = arrays.manufacturing[:, cat]
    if manufacturing_kgco2e is not None:
        override = np.asarray(manufacturing_kgco2e, dtype=np.float64)
        ratio_low = np.divide(manuf[1], manuf[0], out=np.ones(len(cat)), where=manuf[0] > 0)
        ratio_high = np.divide(manuf[2], manuf[0], out=np.ones(len(cat)), where=manuf[0] > 0)
        given = np.stack([override, override * ratio_low, override * ratio_high])
        manuf = np.where(np.isnan(override), manuf, given)
    kept = 1.0 - arrays.refurbished[:, cat]
    # Low avoided = low manufacturing x (1 - high refurbished share) x low substitution.
    kept = kept[[0, 2, 1]]
    subst = np.array(
        [[factors.channels[c].substitution.bound(b) for c in CHANNELS] for b in BOUNDS]
    )[:, ch]
    return manuf * kept * subst


def avoided_emissions(categories, channels, factors: FactorSet, **kwargs) -> np.ndarray:
    """kgCO2e avoided per device (central value); see :func:`avoided_emissions_bounds`."""
    return avoided_emissions_bounds(categories, channels, factors, **kwargs)[0]


def explain_avoided(category: str, channel: str, factors: FactorSet) -> AvoidedTerm:
    """The avoided emissions of one device with each factor, for display."""
    manufacturing = factors.categories[category].manufacturing
    share = factors.refurbished_share(category)
    subst = factors.channels[channel].substitution
    bounds = avoided_emissions_bounds([category], [channel], factors)[:, 0]
    return AvoidedTerm(
        category=category,
        channel=channel,
        manufacturing=manufacturing,
        refurbished_share=share,
        substitution=subst,
        result=(float(bounds[0]), float(bounds[1]), float(bounds[2])),
        formula="manufacturing x (1 - refurbished share) x substitution",
    )
