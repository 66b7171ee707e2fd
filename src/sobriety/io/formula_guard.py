"""Formula neutralisation of spreadsheet cells: see :mod:`sobriety.domain.formula_guard`
(it lives in the domain so that every writer of a spreadsheet file, reports included,
shares one rule)."""

from sobriety.domain.formula_guard import TRIGGERS, neutralise, unneutralise

__all__ = ["TRIGGERS", "neutralise", "unneutralise"]
