"""English formats for a European reader: day before month, a 24-hour clock, weeks from Monday.

Django's `en` formats are American ("12/07/2026 5 p.m."), which a European reads as 12 July.
"""

# The long forms mirror Swedish ("7 december 2026"); the short ones are what lists and tables use.
DATE_FORMAT = "j F Y"  # 7 December 2026
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y H:i"  # 7 December 2026 17:00
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "j M Y"  # 7 Dec 2026
SHORT_DATETIME_FORMAT = "j M Y H:i"  # 7 Dec 2026 17:00
FIRST_DAY_OF_WEEK = 1  # Monday

# ISO first: it is what date inputs send. No American month-first forms.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d %b %Y", "%d %B %Y", "%d/%m/%Y"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    "%d %b %Y %H:%M",
    "%d/%m/%Y %H:%M",
]
TIME_INPUT_FORMATS = ["%H:%M:%S", "%H:%M:%S.%f", "%H:%M"]

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
