"""Loyalty metrics: churn and retention rates, cohort retention, NPS and CSAT.

The definitions follow the usual success metrics of a customer-centric firm:

- churn rate = customers lost in the period / average number of customers in
  the period (the period is usually the last 12 months);
- retention rate = customers at the start who are still customers at the end /
  customers at the start;
- Net Promoter Score on the 0-10 scale (Reichheld 2003): % promoters (9-10)
  minus % detractors (0-6);
- CSAT on the 1-5 scale: share of satisfied answers (4 or 5).

Like :mod:`crmlearn.value`, every function returns new objects, never changes
its input, and raises :class:`~crmlearn.errors.CRMDataError` for bad input.

References
----------
Reichheld, F. F. (2003). The one number you need to grow. *Harvard Business
Review* 81(12), 46-54.

"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import CRMDataError, describe_rows
from .value import _broadcast, _wrap

__all__ = [
    "churn_rate",
    "retention_rate",
    "customer_spans",
    "churn_rate_from_activity",
    "cohort_retention",
    "nps",
    "nps_shares",
    "csat",
]


# --------------------------------------------------------------------------------------
# churn and retention from counts
# --------------------------------------------------------------------------------------


def churn_rate(lost, customers_at_start, customers_at_end):
    r"""Churn rate: customers lost over the average number of customers.

    .. math:: \text{churn} = \frac{\text{lost}}
              {(\text{customers at start} + \text{customers at end}) / 2}

    All three counts refer to the same period, usually the last 12 months.
    ``lost`` counts every customer who left during the period, including
    customers won and lost within it. Using the average as the base keeps the
    rate fair when the customer base grows or shrinks during the period. The
    result is a share (0.1 = 10 % a year); it can exceed 1 when many
    customers come and go within the period.

    Parameters
    ----------
    lost : int, float, array or Series
        Customers who left during the period (>= 0).
    customers_at_start, customers_at_end : int, float, array or Series
        Customers on the first and on the last day of the period (>= 0, not
        both 0).

    Returns
    -------
    float, ndarray or Series
        Churn rate as a share per period (arguments broadcast like numpy).

    Examples
    --------
    A firm starts the year with 1000 customers, ends it with 1100 and lost
    105 on the way:

    >>> churn_rate(105, 1000, 1100)
    0.1

    """
    a, index, scalar = _broadcast(
        {"lost": lost, "customers_at_start": customers_at_start,
         "customers_at_end": customers_at_end},
        {"lost": (0.0, None, True), "customers_at_start": (0.0, None, True),
         "customers_at_end": (0.0, None, True)},
    )
    average = (a["customers_at_start"] + a["customers_at_end"]) / 2.0
    if (average == 0).any():
        raise CRMDataError(
            "churn_rate: customers_at_start and customers_at_end are both 0, so there is no "
            "customer base to lose from; check the period"
        )
    return _wrap(a["lost"] / average, index, scalar, "churn_rate")


def retention_rate(retained, customers_at_start):
    r"""Retention rate: share of the customers at the start still there at the end.

    .. math:: \text{retention} = \frac{\text{customers at start who are still
              customers at the end}}{\text{customers at start}}

    New customers won during the period do not enter (neither above nor
    below the line). Note that this is *not* always ``1 - churn_rate(...)``:
    the churn rate divides by the average customer base and also counts new
    customers who left again. Both agree when the base is constant and no
    new customer leaves in the same period.

    Parameters
    ----------
    retained : int, float, array or Series
        Customers at the start who are still customers at the end (>= 0).
    customers_at_start : int, float, array or Series
        Customers on the first day of the period (> 0, >= retained).

    Returns
    -------
    float, ndarray or Series
        Retention rate, a share in [0, 1].

    Examples
    --------
    >>> retention_rate(900, 1000)
    0.9

    """
    a, index, scalar = _broadcast(
        {"retained": retained, "customers_at_start": customers_at_start},
        {"retained": (0.0, None, True), "customers_at_start": (0.0, None, False)},
    )
    if (a["retained"] > a["customers_at_start"]).any():
        raise CRMDataError(
            "retention_rate: retained is larger than customers_at_start; retained counts only "
            "customers who were there at the start (new customers do not count)"
        )
    return _wrap(a["retained"] / a["customers_at_start"], index, scalar, "retention_rate")


# --------------------------------------------------------------------------------------
# churn and retention from start and end dates
# --------------------------------------------------------------------------------------


def _dates(values, name) -> pd.Series:
    if isinstance(values, pd.DataFrame) or np.ndim(values) != 1:
        raise CRMDataError(
            f"{name}: expected one date per customer (a Series or list of dates), "
            f"got {type(values).__name__}"
        )
    s = values if isinstance(values, pd.Series) else pd.Series(values)
    try:
        out = pd.to_datetime(s)
    except (TypeError, ValueError) as err:
        raise CRMDataError(
            f"{name}: could not read the values as dates ({err}); pass datetime values "
            f"or ISO strings like '2024-03-31'"
        ) from None
    return out


def customer_spans(contracts, customer="customer_id", start="start_date", end="end_date"):
    """One activity span per customer from a table of contracts.

    A customer counts as active from the start of the first contract to the
    end of the last one; gaps between contracts are ignored. If any contract
    of a customer is still running (empty end date), the span is open
    (``end`` is NaT).

    Parameters
    ----------
    contracts : DataFrame
        One row per contract.
    customer, start, end : str
        Column names of the customer id, the first and the last day.

    Returns
    -------
    DataFrame
        Indexed by customer id, with the columns ``start`` and ``end``
        (datetime; NaT = still active).

    Examples
    --------
    >>> c = pd.DataFrame({"customer_id": [1, 1, 2],
    ...                   "start_date": pd.to_datetime(["2023-01-01", "2024-01-01", "2023-06-01"]),
    ...                   "end_date": pd.to_datetime(["2023-12-31", None, "2023-11-30"])})
    >>> customer_spans(c)
                     start        end
    customer_id
    1           2023-01-01        NaT
    2           2023-06-01 2023-11-30

    """
    if not isinstance(contracts, pd.DataFrame):
        raise CRMDataError(
            f"customer_spans: contracts must be a DataFrame, got {type(contracts).__name__}"
        )
    missing = [c for c in (customer, start, end) if c not in contracts.columns]
    if missing:
        raise CRMDataError(
            f"customer_spans: columns {missing} are not in the table; it has "
            f"{list(contracts.columns)}"
        )
    t = pd.DataFrame(
        {
            "start": _dates(contracts[start], f"column {start!r}"),
            "end": _dates(contracts[end], f"column {end!r}"),
            "customer": contracts[customer].to_numpy(),
        }
    )
    g = t.groupby("customer", sort=True)
    out = pd.DataFrame({"start": g["start"].min(), "end": g["end"].max()})
    still_open = t["end"].isna().groupby(t["customer"], sort=True).any()
    out.loc[still_open.to_numpy(), "end"] = pd.NaT
    out.index.name = customer
    return out


def _period_start(period_end: pd.Timestamp, period) -> pd.Timestamp:
    if isinstance(period, pd.DateOffset):
        return period_end - period
    try:
        return period_end - pd.Timedelta(period)
    except (TypeError, ValueError):
        raise CRMDataError(
            f"period must be a length such as '365D' or a pd.DateOffset(years=1), got "
            f"{period!r}"
        ) from None


def churn_rate_from_activity(start_dates, end_dates, period_end, period="365D"):
    """Churn and retention over one period from each customer's first and last day.

    A customer is *active* on day t when ``start <= t <= end`` (an empty end
    date means still active). The period runs from ``period_start =
    period_end - period`` to ``period_end``. Then

    - ``customers_at_start``: active on ``period_start``;
    - ``customers_at_end``: active on ``period_end``;
    - ``new``: started after ``period_start`` and not after ``period_end``;
    - ``lost``: last day on or after ``period_start`` and before
      ``period_end`` (they are gone by the end), including customers won and
      lost within the period;
    - ``retained``: active on both days;
    - ``churn_rate`` = lost / ((customers_at_start + customers_at_end) / 2)
      (see :func:`churn_rate`);
    - ``retention_rate`` = retained / customers_at_start
      (see :func:`retention_rate`).

    The counts balance: customers_at_end = customers_at_start + new - lost.
    For contracts, build the dates with :func:`customer_spans`. For purchases
    without contracts, a customer's "end" must be defined first (e.g. no
    purchase for 12 months), since the last purchase alone is not a churn date.

    Parameters
    ----------
    start_dates, end_dates : Series or list of dates
        First and last active day per customer (same length; NaT in
        ``end_dates`` = still active).
    period_end : date-like
        Last day of the period.
    period : str, Timedelta or DateOffset
        Length of the period, "365D" by default; ``pd.DateOffset(years=1)``
        for a calendar year.

    Returns
    -------
    Series
        With the entries ``period_start``, ``period_end``,
        ``customers_at_start``, ``new``, ``lost``, ``customers_at_end``,
        ``average_customers``, ``churn_rate``, ``retained``, ``retention_rate``.

    Examples
    --------
    >>> start = pd.to_datetime(["2022-01-01", "2022-05-01", "2023-03-01", "2023-04-01"])
    >>> end = pd.to_datetime([None, "2023-06-30", None, "2023-09-30"])
    >>> r = churn_rate_from_activity(start, end, period_end="2023-12-31")
    >>> r[["customers_at_start", "new", "lost", "customers_at_end", "churn_rate"]].tolist()
    [2, 2, 2, 2, 1.0]

    """
    s = _dates(start_dates, "start_dates")
    e = _dates(end_dates, "end_dates")
    if len(s) != len(e):
        raise CRMDataError(
            f"start_dates has {len(s)} customers but end_dates has {len(e)}; pass one "
            f"start and one end (or NaT) per customer"
        )
    if len(s) == 0:
        raise CRMDataError("start_dates: no customers (empty input)")
    sv = s.to_numpy()
    ev = e.to_numpy()
    rows = s.index
    no_start = pd.isna(sv)
    if no_start.any():
        raise CRMDataError(
            f"start_dates: {int(no_start.sum())} customers have no start date "
            f"({describe_rows(rows[no_start])}); every customer needs a first day"
        )
    before = ~pd.isna(ev) & (ev < sv)
    if before.any():
        raise CRMDataError(
            f"end_dates: {int(before.sum())} customers end before they start "
            f"({describe_rows(rows[before])}); check the dates (swapped columns?)"
        )
    try:
        pe = pd.Timestamp(period_end)
    except (TypeError, ValueError):
        raise CRMDataError(f"period_end must be a date, got {period_end!r}") from None
    if pd.isna(pe):
        raise CRMDataError("period_end must be a date, got a missing value")
    ps = _period_start(pe, period)
    if not ps < pe:
        raise CRMDataError(f"period must be positive, got {period!r}")
    pe64 = np.datetime64(pe.to_datetime64(), "ns")
    ps64 = np.datetime64(ps.to_datetime64(), "ns")
    sv = sv.astype("datetime64[ns]")
    ev = ev.astype("datetime64[ns]")
    open_ = np.isnat(ev)
    active_start = (sv <= ps64) & (open_ | (ev >= ps64))
    active_end = (sv <= pe64) & (open_ | (ev >= pe64))
    new = (sv > ps64) & (sv <= pe64)
    lost = ~open_ & (ev >= ps64) & (ev < pe64) & (sv <= pe64)
    n_start, n_end = int(active_start.sum()), int(active_end.sum())
    retained = int((active_start & active_end).sum())
    average = (n_start + n_end) / 2
    if average == 0:
        raise CRMDataError(
            f"no customer was active on {ps.date()} or on {pe.date()}; pick a period_end "
            f"within the data (dates run from {pd.Timestamp(sv.min()).date()})"
        )
    return pd.Series(
        {
            "period_start": ps,
            "period_end": pe,
            "customers_at_start": n_start,
            "new": int(new.sum()),
            "lost": int(lost.sum()),
            "customers_at_end": n_end,
            "average_customers": average,
            "churn_rate": int(lost.sum()) / average,
            "retained": retained,
            "retention_rate": retained / n_start if n_start else float("nan"),
        },
        dtype=object,
    )


def cohort_retention(
    table,
    customer="customer_id",
    date="date",
    end=None,
    period="M",
    observation_end=None,
):
    """Share of each acquisition cohort still active 0, 1, 2, ... periods later.

    Customers are grouped into cohorts by the period (month by default) of
    their first date. Cell (cohort c, k) is the share of cohort c's customers
    active in period c + k. Column 0 is therefore always 1.

    - Transactions (``end=None``): a customer is active in a period if they
      have a row in it. Customers can come back, so the shares need not fall.
      Pass purchases only (e.g. ``tx[tx["kind"] == "purchase"]``) if returns
      should not count as activity.
    - Contracts (``end`` names the end column): ``date`` is the start, and a
      customer is active from the start period to the end period; an empty
      end means still active. Spans per customer follow
      :func:`customer_spans`. The shares never rise.

    Cells after ``observation_end`` (default: the latest date in the table)
    are not observed yet and are NaN, not 0.

    Parameters
    ----------
    table : DataFrame
        Transactions or contracts.
    customer, date : str
        Column names of the customer id and of the purchase (or start) date.
    end : str, optional
        Column name of the contract end date; turns on contract mode.
    period : str
        Period frequency, e.g. "M" (month), "Q", "Y", "W".
    observation_end : date-like, optional
        Last observed day.

    Returns
    -------
    DataFrame
        Index ``cohort`` (a PeriodIndex), columns ``0, 1, 2, ...`` (periods
        since the first one, named ``periods_since_first``), values shares in
        [0, 1] or NaN for unobserved cells.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2, 2, 3],
    ...                    "date": pd.to_datetime(["2024-01-05", "2024-02-10", "2024-01-20",
    ...                                            "2024-03-01", "2024-02-14"])})
    >>> cohort_retention(tx)
    periods_since_first    0    1    2
    cohort
    2024-01              1.0  0.5  0.5
    2024-02              1.0  0.0  NaN

    """
    if not isinstance(table, pd.DataFrame):
        raise CRMDataError(
            f"cohort_retention: table must be a DataFrame of transactions or contracts, got "
            f"{type(table).__name__}"
        )
    cols = [customer, date] + ([end] if end is not None else [])
    missing = [c for c in cols if c not in table.columns]
    if missing:
        raise CRMDataError(
            f"cohort_retention: columns {missing} are not in the table; it has "
            f"{list(table.columns)}"
        )
    if len(table) == 0:
        raise CRMDataError("cohort_retention: the table is empty")
    dates = _dates(table[date], f"column {date!r}")
    if dates.isna().any():
        bad = table.index[dates.isna().to_numpy()]
        raise CRMDataError(
            f"cohort_retention: column {date!r} has missing dates ({describe_rows(bad)}); "
            f"drop or fill those rows first"
        )
    try:
        periods = dates.dt.to_period(period)
    except (TypeError, ValueError):
        raise CRMDataError(
            f"period must be a pandas period frequency such as 'M', 'Q', 'Y' or 'W', got "
            f"{period!r}"
        ) from None
    ords = periods.array.asi8
    if end is not None:
        ends = _dates(table[end], f"column {end!r}")
        last_day = pd.Timestamp(observation_end) if observation_end is not None else max(
            dates.max(), ends.max() if ends.notna().any() else dates.max()
        )
    else:
        last_day = pd.Timestamp(observation_end) if observation_end is not None else dates.max()
    last = pd.Period(last_day, freq=periods.dt.freq).ordinal
    cust = table[customer].to_numpy()
    if end is None:
        frame = pd.DataFrame({"customer": cust, "p": ords})
        first = frame.groupby("customer")["p"].transform("min").to_numpy()
        frame["cohort"] = first
        frame["k"] = ords - first
        active = frame.drop_duplicates(["customer", "k"])
        counts = active.groupby(["cohort", "k"]).size().unstack(fill_value=0)
        sizes = counts[0]
        shares = counts.div(sizes, axis=0)
    else:
        spans = customer_spans(
            pd.DataFrame({"c": cust, "s": dates.to_numpy(), "e": ends.to_numpy()}),
            customer="c", start="s", end="e",
        )
        first = spans["start"].dt.to_period(period).array.asi8
        end_ord = spans["end"].dt.to_period(period).array.asi8
        end_ord = np.where(spans["end"].isna().to_numpy(), last, np.minimum(end_ord, last))
        duration = end_ord - first
        if (duration < 0).any():
            bad = spans.index[duration < 0]
            raise CRMDataError(
                f"cohort_retention: {len(bad)} customers end before they start or start after "
                f"observation_end (customer ids: {describe_rows(bad)}); check the dates"
            )
        durations = pd.crosstab(first, duration)
        # customers active at k = customers whose duration is >= k
        durations = durations.reindex(columns=range(0, int(max(duration.max(), 0)) + 1),
                                      fill_value=0)
        counts = durations.iloc[:, ::-1].cumsum(axis=1).iloc[:, ::-1]
        shares = counts.div(counts[0], axis=0)
    n_cols = int(last - shares.index.min()) + 1
    shares = shares.reindex(columns=range(n_cols), fill_value=0.0).astype("float64")
    cohort_ord = shares.index.to_numpy()[:, None]
    unobserved = cohort_ord + np.arange(n_cols)[None, :] > last
    shares = shares.mask(unobserved)
    shares.index = pd.PeriodIndex.from_ordinals(shares.index, freq=periods.dt.freq)
    shares.index.name = "cohort"
    shares.columns = pd.Index(range(n_cols), name="periods_since_first")
    return shares


# --------------------------------------------------------------------------------------
# survey scores: NPS and CSAT
# --------------------------------------------------------------------------------------


def _scores(scores, name: str, low: int, high: int, scale: str) -> np.ndarray:
    """Check survey answers: whole numbers in [low, high], no gaps, not empty."""
    if isinstance(scores, pd.DataFrame):
        raise CRMDataError(
            f"{name}: expected one answer per respondent (a Series, array or list), got a "
            f"DataFrame; pick the column, e.g. surveys['{name}']"
        )
    if isinstance(scores, (str, bytes)) or np.ndim(scores) != 1:
        raise CRMDataError(
            f"{name}: expected a list of answers on the {scale} scale, got "
            f"{type(scores).__name__} {scores!r:.40}"
        )
    s = scores if isinstance(scores, pd.Series) else pd.Series(np.asarray(scores), copy=False)
    if len(s) == 0:
        raise CRMDataError(
            f"{name}: no answers (empty input); a score needs at least one answer on the "
            f"{scale} scale"
        )
    if pd.api.types.is_bool_dtype(s.dtype) or not pd.api.types.is_numeric_dtype(s.dtype):
        numeric = pd.to_numeric(s, errors="coerce")
        bad = s.index[numeric.isna().to_numpy() & s.notna().to_numpy()]
        if pd.api.types.is_bool_dtype(s.dtype) or len(bad):
            shown = ", ".join(repr(v) for v in s.loc[bad[:3]].tolist()) if len(bad) else "True"
            raise CRMDataError(
                f"{name}: answers must be whole numbers on the {scale} scale, got "
                f"non-numeric values ({describe_rows(bad) if len(bad) else 'bool dtype'}, e.g. "
                f"{shown}); convert with pd.to_numeric or map the labels to numbers"
            )
        s = numeric
    if pd.api.types.is_integer_dtype(s.dtype) and not s.hasnans:
        # fast path: whole numbers without gaps only need a range check
        v = s.to_numpy()
        if low <= v.min() and v.max() <= high:
            return v
    v = s.to_numpy(dtype="float64", na_value=np.nan)
    low_seen, high_seen = v.min(), v.max()
    if low <= low_seen and high_seen <= high and np.array_equal(v, np.floor(v)):
        return v
    missing = np.isnan(v)
    if missing.any():
        raise CRMDataError(
            f"{name}: {int(missing.sum())} missing answers ({describe_rows(s.index[missing])}); "
            f"drop them first (scores.dropna()): a missing answer is not a score"
        )
    out = (v < low) | (v > high)
    if out.any():
        shown = ", ".join(f"{x:g}" for x in pd.unique(v[out])[:5])
        raise CRMDataError(
            f"{name}: {int(out.sum())} answers outside the {scale} scale "
            f"({describe_rows(s.index[out])}: {shown}); allowed are whole numbers from "
            f"{low} to {high}: fix or drop those answers"
        )
    frac = v != np.floor(v)
    if frac.any():
        shown = ", ".join(f"{x:g}" for x in pd.unique(v[frac])[:5])
        raise CRMDataError(
            f"{name}: {int(frac.sum())} answers are not whole numbers "
            f"({describe_rows(s.index[frac])}: {shown}); allowed are whole numbers from "
            f"{low} to {high}: averages of answers are not answers"
        )
    return v


def nps_shares(scores):
    """Shares of detractors (0-6), passives (7-8) and promoters (9-10).

    Parameters
    ----------
    scores : Series, array or list
        Answers to "How likely are you to recommend us?" on the 0-10 scale
        (whole numbers, no missing values).

    Returns
    -------
    Series
        Index ``detractors``, ``passives``, ``promoters`` (in that order),
        shares that add up to 1, named ``share``.

    Examples
    --------
    >>> nps_shares([10, 9, 9, 8, 7, 6, 3, 10, 9, 5])
    detractors    0.3
    passives      0.2
    promoters     0.5
    Name: share, dtype: float64

    """
    v = _scores(scores, "scores", 0, 10, "0-10 NPS")
    n = len(v)
    detractors = np.count_nonzero(v <= 6)
    promoters = np.count_nonzero(v >= 9)
    passives = n - detractors - promoters
    return pd.Series(
        [detractors / n, passives / n, promoters / n],
        index=["detractors", "passives", "promoters"],
        name="share",
    )


def nps(scores):
    r"""Net Promoter Score in points from -100 to 100.

    .. math:: \mathrm{NPS} = 100\,(\text{share of promoters} -
              \text{share of detractors})

    Promoters answer 9 or 10, passives 7 or 8 and detractors 0 to 6 on the
    0-10 scale (Reichheld 2003). Passives count in the base but not in the
    difference, so they pull the score towards 0.

    Parameters
    ----------
    scores : Series, array or list
        Answers on the 0-10 scale (whole numbers, no missing values).

    Returns
    -------
    float
        NPS in points, between -100 (all detractors) and 100 (all promoters).

    Examples
    --------
    >>> nps([10, 9, 9, 8, 7, 6, 3, 10, 9, 5])
    20.0

    """
    shares = nps_shares(scores)
    return float(round(100.0 * (shares["promoters"] - shares["detractors"]), 10))


def csat(scores, method="top2"):
    """Compute the customer satisfaction score (CSAT) on the 1-5 scale.

    ``method="top2"`` (default)
        Share of satisfied answers: (answers 4 or 5) / all answers, a share
        in [0, 1] (multiply by 100 for percent).
    ``method="mean"``
        Mean answer, between 1 and 5.

    Parameters
    ----------
    scores : Series, array or list
        Answers on the 1-5 scale (whole numbers, no missing values).
    method : {"top2", "mean"}
        See above.

    Returns
    -------
    float

    Examples
    --------
    >>> csat([5, 4, 4, 3, 1, 5, 2, 4])
    0.625
    >>> csat([5, 4, 4, 3, 1, 5, 2, 4], method="mean")
    3.5

    """
    if method not in ("top2", "mean"):
        raise CRMDataError(
            f"method must be 'top2' (share of 4 and 5) or 'mean' (average answer), "
            f"got {method!r}"
        )
    v = _scores(scores, "scores", 1, 5, "1-5 CSAT")
    if method == "mean":
        return float(v.mean())
    return float(np.count_nonzero(v >= 4) / len(v))
