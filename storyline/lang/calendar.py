"""Months and weekdays as English news writes them (full names and the usual abbreviations)."""

from __future__ import annotations

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5,
    "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
# the short forms written with a full stop ("Jan.", "Sept."), which does not end a sentence
ABBREVIATED_MONTHS = frozenset(m for m in MONTHS if len(m) <= 4) - {"may", "june", "july"}
WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}
# fixed-date days news copy names instead of a date ("the Boxing Day gales of 2029"): (month, day)
HOLIDAYS = {
    "new year's day": (1, 1), "valentine's day": (2, 14), "halloween": (10, 31), "christmas eve": (12, 24),
    "christmas day": (12, 25), "boxing day": (12, 26), "new year's eve": (12, 31),
}  # fmt: skip
