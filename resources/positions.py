"""Visitors' positions, rounded before anything else sees them: 3 decimals (about 100 m).

The rule lives here, in the lowest layer, because the listings' pages (the language switcher)
and the search (its form and result links) both echo positions; neither stores nor logs one.
"""

import math

POSITION_LIMITS = {"lat": 90, "lon": 180}


def round_coordinate(value):
    return round(value, 3)


def without_exact_position(params):
    """A copy of the QueryDict `params` fit to echo in links: `lat` / `lon` rounded as above,
    or dropped when unreadable."""
    params = params.copy()
    for name, limit in POSITION_LIMITS.items():
        if name in params:
            try:
                value = float(params[name])
            except ValueError:
                value = math.nan
            if math.isfinite(value) and -limit <= value <= limit:
                params[name] = str(round_coordinate(value))
            else:
                del params[name]
    return params
