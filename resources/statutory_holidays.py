"""Québec statutory holidays (Act respecting labour standards, s. 60).

The `holidays` package knows them (`Canada(subdiv="QC")`) but by default moves 1 January and
25 December off weekends, which Québec law does not do: we ask for `observed=False` and add the
two shifts the law does make: 24 June falls to 25 June, and 1 July to 2 July, when on a Sunday.
Of "Good Friday or Easter Monday" the package keeps Good Friday, the usual choice.
"""

import datetime
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def quebec_holidays(year):
    """{date: French name} of the statutory holidays of `year`."""
    days = dict(holidays.Canada(subdiv="QC", observed=False, years=year, language="fr"))
    for month, day, name in ((6, 24, "Fête nationale du Québec"), (7, 1, "Fête du Canada")):
        date = datetime.date(year, month, day)
        if date.weekday() == 6:
            days[date + datetime.timedelta(days=1)] = f"{name} (reportée)"
    return days


def is_statutory_holiday(date):
    return date in quebec_holidays(date.year)
