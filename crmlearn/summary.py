"""From transactions to the customer table: one row per customer.

The customer table is where every value metric and model starts. Its columns
follow the conventions of the CLV literature (Fader, Hardie & Lee 2005; the
``lifetimes`` package), so the numbers can be fed straight into BG/NBD,
Pareto/NBD and Gamma-Gamma:

====================  ================================================================
column                meaning
====================  ================================================================
``first_purchase``    date of the first purchase (the customer's "birth")
``last_purchase``     date of the latest purchase
``n_purchases``       purchase *occasions*: all purchases on one calendar day count once
``frequency``         repeat purchases, ``n_purchases - 1`` (the first one is not a repeat)
``recency``           time from the first to the last purchase (0 for one-time buyers)
``T``                 time from the first purchase to the observation end (the customer's age)
``revenue``           sum of the purchase amounts (EUR, before returns)
``returns``           sum of the returned amounts (EUR, a positive number)
``net_revenue``       ``revenue - returns``
``monetary_value``    mean amount of the *repeat* occasions (EUR; 0 for one-time buyers)
``days_since_last``   whole days from the last purchase to the observation end (RFM recency)
====================  ================================================================

``recency`` and ``T`` are measured in the chosen ``time_unit``: days (``"D"``)
or weeks (``"W"``, days / 7). Beware: "recency" in the CLV models is the age at
the last purchase, whereas RFM's recency is the time *since* the last purchase
(``days_since_last``). Returns never count as purchase occasions; they are
reported in ``returns`` and ``net_revenue``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import CRMDataError
from .schema import SUMMARY
from .validation import validate_transactions

__all__ = ["customer_summary"]

_UNITS = {"D": 1.0, "W": 7.0}
_NS_PER_DAY = 86_400 * 10**9


def customer_summary(
    transactions: pd.DataFrame,
    observation_end=None,
    time_unit: str = "D",
) -> pd.DataFrame:
    """Summarise transactions into one row per customer.

    Parameters
    ----------
    transactions : pandas.DataFrame
        Columns ``customer_id``, ``date``, ``amount`` and optionally ``kind``
        (``'purchase'`` or ``'return'``; returns carry negative amounts).
        Validated first (see :func:`crmlearn.validation.validate_transactions`);
        never modified.
    observation_end : date-like, optional
        End of the observation period; ``T`` and ``days_since_last`` are
        measured up to this day. Default: the latest date in ``transactions``.
        Transactions after it are an error, not silently ignored.
    time_unit : {"D", "W"}
        Unit of ``recency`` and ``T``: days or weeks.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``customer_id`` (sorted), with the columns listed in the
        module docstring, in that order. Customers with only returns raise an
        error (a return needs a purchase to return).

    Examples
    --------
    >>> tx = pd.DataFrame({
    ...     "customer_id": [1, 1, 1, 2],
    ...     "date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-15", "2024-01-10"]),
    ...     "amount": [20.0, 10.0, 50.0, 40.0]})
    >>> s = customer_summary(tx, observation_end="2024-01-29", time_unit="W")
    >>> s[["n_purchases", "frequency", "recency", "T", "revenue", "monetary_value"]]
                 n_purchases  frequency  recency    T  revenue  monetary_value
    customer_id
    1                      2          1      2.0  4.0     80.0            50.0
    2                      1          0      0.0  2.7     40.0             0.0

    """
    if time_unit not in _UNITS:
        raise CRMDataError(
            f"time_unit must be 'D' (days) or 'W' (weeks), got {time_unit!r}"
        )
    if not isinstance(transactions, pd.DataFrame):
        raise CRMDataError(
            f"transactions: expected a pandas DataFrame, got {type(transactions).__name__}"
        )
    if len(transactions) == 0:
        raise CRMDataError("transactions: the table is empty; there is no customer to summarise")
    tx = validate_transactions(transactions, observation_end=observation_end)
    end = tx["date"].max() if observation_end is None else pd.Timestamp(observation_end)
    end_day = end.normalize().value // _NS_PER_DAY

    codes, customers = pd.factorize(tx["customer_id"], sort=True)
    day = tx["date"].to_numpy("datetime64[ns]").astype(np.int64) // _NS_PER_DAY
    amount = tx["amount"].to_numpy(dtype=float)
    is_return = (tx["kind"].cat.codes == 1).to_numpy()
    n_cust = len(customers)

    # Purchase occasions: one per (customer, calendar day). Sorting the combined
    # key once groups occasions by customer and orders them by day; a 32-bit key
    # (whenever customers x days fit) sorts faster than a 64-bit one.
    buy = ~is_return
    first_day = int(day[buy].min()) if buy.any() else 0
    span = int(day.max()) - first_day + 1
    key = codes[buy].astype(np.int64) * span + (day[buy] - first_day)
    small = n_cust * span < 2**32
    order = np.argsort(key.astype(np.uint32) if small else key)
    sorted_key = key[order]
    starts = np.flatnonzero(np.r_[True, sorted_key[1:] != sorted_key[:-1]][: len(sorted_key)])
    occ_key = sorted_key[starts]
    occ_amount = np.add.reduceat(amount[buy][order], starts) if len(starts) else np.zeros(0)
    occ_cust = occ_key // span
    occ_day = occ_key % span + first_day

    n_purchases = np.bincount(occ_cust, minlength=n_cust)
    no_purchase = n_purchases == 0
    if no_purchase.any():
        ids = list(customers[no_purchase][:5])
        raise CRMDataError(
            f"transactions: {int(no_purchase.sum())} customer(s) have returns but no purchase "
            f"(customer_id {', '.join(map(str, ids))}); include the original purchases or "
            "remove these returns explicitly"
        )
    last_idx = np.cumsum(n_purchases) - 1
    first_idx = last_idx - n_purchases + 1
    revenue = np.bincount(occ_cust, weights=occ_amount, minlength=n_cust)
    returns = -np.bincount(codes[is_return], weights=amount[is_return], minlength=n_cust)
    frequency = n_purchases - 1
    with np.errstate(invalid="ignore", divide="ignore"):
        monetary = np.where(
            frequency > 0, (revenue - occ_amount[first_idx]) / np.maximum(frequency, 1), 0.0
        )
    first = occ_day[first_idx]
    last = occ_day[last_idx]
    unit = _UNITS[time_unit]
    out = pd.DataFrame(
        {
            "first_purchase": (first * _NS_PER_DAY).astype("datetime64[ns]"),
            "last_purchase": (last * _NS_PER_DAY).astype("datetime64[ns]"),
            "n_purchases": n_purchases.astype(np.int64),
            "frequency": frequency.astype(np.int64),
            "recency": (last - first) / unit,
            "T": (end_day - first) / unit,
            "revenue": np.round(revenue, 2),
            "returns": np.round(returns, 2) + 0.0,
            "net_revenue": np.round(revenue - returns, 2),
            "monetary_value": monetary,
            "days_since_last": (end_day - last).astype(np.int64),
        },
        index=pd.Index(np.asarray(customers), name="customer_id"),
    )
    return out[SUMMARY.names[1:]]
