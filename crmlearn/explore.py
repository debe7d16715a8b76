"""First looks at a firm's data: revenue over time and who buys how often."""

from __future__ import annotations

import pandas as pd

from .errors import CRMDataError
from .validation import validate_transactions

__all__ = ["monthly_revenue", "world_overview"]


def monthly_revenue(transactions: pd.DataFrame, by: str | None = "channel") -> pd.DataFrame:
    """Net revenue per calendar month, optionally split by a column.

    Parameters
    ----------
    transactions : pandas.DataFrame
        Columns ``customer_id``, ``date``, ``amount`` (returns negative) and
        the ``by`` column; never modified.
    by : str or None
        Column to split by (e.g. ``"channel"``); None for one total.

    Returns
    -------
    pandas.DataFrame
        Index: the first day of each month (``month``); one column per value
        of ``by`` (or ``revenue``), in EUR, months without sales filled with 0.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": [1, 2, 1], "amount": [10.0, 5.0, 7.5],
    ...                    "date": pd.to_datetime(["2024-01-03", "2024-01-20", "2024-03-01"]),
    ...                    "channel": ["online", "store", "online"]})
    >>> monthly_revenue(tx)
    channel     online  store
    month
    2024-01-01    10.0    5.0
    2024-02-01     0.0    0.0
    2024-03-01     7.5    0.0

    """
    tx = validate_transactions(transactions)
    if by is not None and by not in tx.columns:
        raise CRMDataError(
            f"monthly_revenue: by={by!r} is not a column of transactions; "
            f"choose one of {', '.join(map(repr, tx.columns))} or None"
        )
    month = tx["date"].dt.to_period("M").dt.to_timestamp().rename("month")
    if by is None:
        table = tx.groupby(month)["amount"].sum().to_frame("revenue")
    else:
        table = tx.pivot_table(index=month, columns=by, values="amount", aggfunc="sum",
                               fill_value=0.0, observed=True)
    full = pd.date_range(table.index.min(), table.index.max(), freq="MS", name="month")
    return table.reindex(full, fill_value=0.0).round(2)


def world_overview(worlds: dict) -> pd.DataFrame:
    """One row per firm: customers, purchases, revenue and period.

    Parameters
    ----------
    worlds : dict of str -> World
        For example ``{s: load(s) for s in SCENARIOS}``.

    Returns
    -------
    pandas.DataFrame
        Index ``scenario``; columns ``firm``, ``customers``, ``purchases``,
        ``revenue_eur`` (net of returns), ``revenue_per_customer_eur``,
        ``first_day``, ``last_day``.

    """
    rows = []
    for name, world in worlds.items():
        tx = world.transactions
        purchases = int((tx["kind"] == "purchase").sum())
        revenue = float(tx["amount"].sum())
        n = len(world.customers)
        rows.append({
            "scenario": name,
            "firm": world.firm,
            "customers": n,
            "purchases": purchases,
            "revenue_eur": round(revenue),
            "revenue_per_customer_eur": round(revenue / n) if n else 0,
            "first_day": world.observation_start.date(),
            "last_day": world.observation_end.date(),
        })
    return pd.DataFrame(rows).set_index("scenario")
