"""The one error type that crmlearn raises for bad data or bad arguments."""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["CRMDataError", "describe_rows"]


class CRMDataError(ValueError):
    """Raised when input data or an argument breaks a documented rule.

    It is a :class:`ValueError`, so ``except ValueError`` still catches it. The
    message always names what is wrong (table, column or parameter), the rule,
    a few offending rows or values, and what to do about it.
    """


def describe_rows(index: Iterable, limit: int = 5) -> str:
    """Format a few row labels for an error message.

    >>> describe_rows([3, 17, 42, 90, 91, 95, 99])
    'rows 3, 17, 42, 90, 91 and 2 more'
    >>> describe_rows([7])
    'row 7'
    """
    rows = list(index)
    if not rows:
        return "no rows"
    shown = ", ".join(str(r) for r in rows[:limit])
    word = "row" if len(rows) == 1 else "rows"
    more = f" and {len(rows) - limit} more" if len(rows) > limit else ""
    return f"{word} {shown}{more}"
