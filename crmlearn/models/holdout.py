"""Calibration / holdout split: fit on the past, check on the future."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import CRMDataError
from ..summary import customer_summary
from ..validation import validate_transactions

__all__ = ["calibration_holdout"]

_DAYS_PER_UNIT = {"D": 1.0, "W": 7.0}


def calibration_holdout(transactions, calibration_end, holdout_end, time_unit: str = "W"):
    """Summarise a calibration period and count what happened in the holdout period.

    The calibration summary is :func:`crmlearn.customer_summary` of the
    transactions up to ``calibration_end`` (inclusive), for customers whose
    first purchase lies in the calibration period. For these customers the
    holdout period ``(calibration_end, holdout_end]`` adds:

    - ``frequency_holdout``: purchase occasions (days with a purchase) in the
      holdout period; every one of them is a repeat purchase;
    - ``monetary_value_holdout``: mean amount of those occasions (0 if none);
    - ``duration_holdout``: length of the holdout period in ``time_unit``.

    Returns (``kind == 'return'``) never count as purchases. Customers whose
    first purchase falls in the holdout period are not in the result, and
    transactions after ``holdout_end`` are ignored. Dates are compared as
    calendar days.

    Parameters
    ----------
    transactions : pandas.DataFrame
        Columns ``customer_id``, ``date``, ``amount`` and optionally ``kind``
        (``'purchase'`` / ``'return'``). Not modified.
    calibration_end, holdout_end : date-like
        Last day of the calibration and of the holdout period.
    time_unit : {"W", "D"}
        Unit of ``recency``, ``T`` and ``duration_holdout``.

    Returns
    -------
    pandas.DataFrame
        The calibration summary (indexed by ``customer_id``) plus the three
        holdout columns.

    Examples
    --------
    >>> tx = pd.DataFrame({
    ...     "customer_id": [1, 1, 1, 2, 3],
    ...     "date": pd.to_datetime(["2024-01-01", "2024-01-15", "2024-02-05",
    ...                             "2024-01-10", "2024-02-01"]),
    ...     "amount": [20.0, 50.0, 30.0, 40.0, 10.0]})
    >>> s = calibration_holdout(tx, "2024-01-28", "2024-02-25", time_unit="W")
    >>> s["frequency"].tolist(), s["frequency_holdout"].tolist()
    ([1, 0], [1, 0])
    >>> s["monetary_value_holdout"].tolist()
    [30.0, 0.0]
    >>> float(s["duration_holdout"].iloc[0])
    4.0

    """
    if time_unit not in _DAYS_PER_UNIT:
        raise CRMDataError(f"time_unit must be 'D' (days) or 'W' (weeks), got {time_unit!r}.")
    try:
        cal_end = pd.Timestamp(calibration_end).normalize()
        hold_end = pd.Timestamp(holdout_end).normalize()
    except (TypeError, ValueError) as exc:
        raise CRMDataError(f"calibration_end and holdout_end must be dates ({exc}).") from exc
    if not hold_end > cal_end:
        raise CRMDataError(
            f"holdout_end ({hold_end.date()}) must lie after calibration_end "
            f"({cal_end.date()}): the holdout period is the time after calibration."
        )
    if not isinstance(transactions, pd.DataFrame) or len(transactions) == 0:
        raise CRMDataError("transactions must be a non-empty DataFrame.")
    tx = validate_transactions(transactions)
    day = tx["date"].dt.normalize()
    in_calibration = (day <= cal_end).to_numpy()
    if not (in_calibration & (tx["kind"] == "purchase").to_numpy()).any():
        raise CRMDataError(
            f"transactions has no purchase on or before calibration_end ({cal_end.date()}); "
            f"the first date is {day.min().date()}. Choose a later calibration_end."
        )
    summary = customer_summary(tx.loc[in_calibration], observation_end=cal_end, time_unit=time_unit)

    later = (
        (~in_calibration)
        & (day <= hold_end).to_numpy()
        & (tx["kind"] == "purchase").to_numpy()
        & tx["customer_id"].isin(summary.index).to_numpy()
    )
    hold = pd.DataFrame(
        {
            "customer_id": tx["customer_id"].to_numpy()[later],
            "day": day.to_numpy()[later],
            "amount": tx["amount"].to_numpy(dtype=float)[later],
        }
    )
    occasions = hold.groupby(["customer_id", "day"], sort=False)["amount"].sum()
    per_customer = occasions.groupby(level="customer_id").agg(["size", "mean"])
    out = summary.copy()
    counts = per_customer["size"].reindex(out.index, fill_value=0)
    means = per_customer["mean"].reindex(out.index, fill_value=0.0)
    out["frequency_holdout"] = counts.to_numpy(dtype=np.int64)
    out["monetary_value_holdout"] = means.to_numpy(dtype=float)
    out["duration_holdout"] = (hold_end - cal_end).days / _DAYS_PER_UNIT[time_unit]
    return out
