"""Input checks shared by the models: clear errors before any maths runs.

Every check raises :class:`crmlearn.errors.CRMDataError` naming the argument,
the rule and a few offending rows, and saying what to do.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import CRMDataError, describe_rows

__all__ = ["as_float_array", "check_same_length", "check_rfm", "check_positive_number"]


def as_float_array(values, name: str, *, allow_empty: bool = False):
    """Return ``(array, index)`` for a 1-d array-like without changing the input.

    ``index`` is the pandas index when ``values`` is a Series, otherwise None.
    The array is always a new float copy, so callers may not mutate the input.
    """
    index = values.index if isinstance(values, pd.Series) else None
    if isinstance(values, pd.DataFrame):
        raise CRMDataError(
            f"{name} must be one column (a Series or 1-d array), got a DataFrame with "
            f"columns {list(values.columns)}. Pass e.g. summary['{name}']."
        )
    if np.isscalar(values):
        values = [values]
    try:
        arr = np.array(values, dtype=float, copy=True).reshape(-1)
    except (TypeError, ValueError) as exc:
        raise CRMDataError(f"{name} must contain numbers; could not convert it ({exc}).") from exc
    if arr.size == 0 and not allow_empty:
        raise CRMDataError(f"{name} is empty: the model needs at least one customer.")
    _check_finite(arr, name, index)
    return arr, index


def _labels(mask, index):
    rows = np.flatnonzero(mask)
    return describe_rows(index[rows] if index is not None else rows)


def _check_finite(arr, name, index):
    bad = ~np.isfinite(arr)
    if bad.any():
        raise CRMDataError(
            f"{name} has {int(bad.sum())} missing or infinite value(s) "
            f"({_labels(bad, index)}). Drop or fill these customers before fitting."
        )


def check_same_length(**arrays) -> int:
    """Raise unless all arrays have the same length; return that length."""
    lengths = {name: len(a) for name, a in arrays.items()}
    if len(set(lengths.values())) > 1:
        shown = ", ".join(f"{k} has {v}" for k, v in lengths.items())
        raise CRMDataError(
            f"The inputs must describe the same customers, one value each, but {shown} values."
        )
    return next(iter(lengths.values()))


def check_non_negative(arr, name, index):
    """Raise if any value is negative."""
    bad = arr < 0
    if bad.any():
        raise CRMDataError(
            f"{name} must be >= 0, but {int(bad.sum())} value(s) are negative "
            f"({_labels(bad, index)}, e.g. {arr[bad][0]:g})."
        )


def check_rfm(frequency, recency, T, *, integer_frequency: bool = True):
    """Validate frequency / recency / T and return float copies and the index.

    Rules: same length, not empty, finite, all >= 0, ``recency <= T``, and
    ``recency == 0`` for customers with ``frequency == 0``.
    """
    x, index = as_float_array(frequency, "frequency")
    tx, _ = as_float_array(recency, "recency")
    big_t, _ = as_float_array(T, "T")
    check_same_length(frequency=x, recency=tx, T=big_t)
    for arr, name in ((x, "frequency"), (tx, "recency"), (big_t, "T")):
        check_non_negative(arr, name, index)
    if integer_frequency:
        bad = x != np.round(x)
        if bad.any():
            raise CRMDataError(
                f"frequency counts repeat purchases and must be whole numbers, but "
                f"{int(bad.sum())} value(s) are not ({_labels(bad, index)})."
            )
    bad = tx > big_t * (1 + 1e-12)
    if bad.any():
        raise CRMDataError(
            f"recency must be <= T (the last purchase cannot lie after the end of the "
            f"observation period), but {int(bad.sum())} customer(s) break this rule "
            f"({_labels(bad, index)}). Check that both use the same time unit."
        )
    bad = (x == 0) & (tx > 0)
    if bad.any():
        raise CRMDataError(
            f"recency must be 0 for customers with frequency 0 (no repeat purchase), but "
            f"{int(bad.sum())} customer(s) have recency > 0 ({_labels(bad, index)})."
        )
    if not (big_t > 0).any():
        raise CRMDataError("T must be > 0 for at least one customer (observation time).")
    return x, np.minimum(tx, big_t), big_t, index


def check_positive_number(value, name: str, *, allow_zero: bool = False) -> float:
    """Return ``value`` as float, raising unless it is a finite number > 0 (or >= 0)."""
    try:
        v = float(value)
    except (TypeError, ValueError) as exc:
        raise CRMDataError(f"{name} must be a number, got {value!r}.") from exc
    ok = np.isfinite(v) and (v >= 0 if allow_zero else v > 0)
    if not ok:
        rule = ">= 0" if allow_zero else "> 0"
        raise CRMDataError(f"{name} must be a finite number {rule}, got {value!r}.")
    return v
