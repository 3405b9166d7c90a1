"""Québec statutory holidays (Act respecting labour standards, s. 60).

The `holidays` package knows them (`Canada(subdiv="QC")`) but by default moves 1 January and
25 December off weekends, which Québec law does not do: we ask for `observed=False` and add the
two shifts the law does make: 24 June falls to 25 June, and 1 July to 2 July, when on a Sunday.
Of "Good Friday or Easter Monday" the package keeps Good Friday, the usual choice.
"""

import datetime
from functools import lru_cache

import holidays
from django.utils import translation
from django.utils.translation import gettext


@lru_cache(maxsize=64)
def quebec_holidays(year, language="fr"):
    """{date: name} of the statutory holidays of `year`, named in French or English."""
    days = dict(
        holidays.Canada(
            subdiv="QC", observed=False, years=year, language="en_CA" if language == "en" else "fr"
        )
    )
    for month, day in ((6, 24), (7, 1)):
        date = datetime.date(year, month, day)
        if date.weekday() == 6:
            with translation.override(language):
                moved = gettext("%(name)s (reportée)") % {"name": days[date]}
            days[date + datetime.timedelta(days=1)] = moved
    return days


def is_statutory_holiday(date):
    return date in quebec_holidays(date.year)


def holiday_name(date):
    """The holiday's name in the active language ("en" or else French)."""
    language = "en" if (translation.get_language() or "fr").startswith("en") else "fr"
    return quebec_holidays(date.year, language).get(date, "")
