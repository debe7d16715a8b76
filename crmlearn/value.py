"""Customer value: lifetime value, contribution margins, ABC, Lorenz, RFM, value categories.

Every function here is a one-shot transform: it takes numbers or a customer
table, checks them, and returns a *new* float, array, Series or DataFrame whose
index is the index of the input. Inputs are never changed. Bad input raises
:class:`~crmlearn.errors.CRMDataError` with a message that names the argument,
the rule that was broken, a few offending rows and the fix.

Overview
--------
================================  ================================================
function                          question it answers
================================  ================================================
:func:`simple_clv`                revenue per year x years - acquisition cost
:func:`retention_clv`             discounted margin with a retention rate
:func:`cumulative_clv`            the same, year by year (the CLV curve)
:func:`contribution_margins`      contribution margin I, II, III per customer
:func:`margin_inputs`             their inputs per customer from the raw tables
:func:`abc_classes`               A/B/C class per customer (rank or cumulative)
:func:`abc_table`                 customers and value per class
:func:`lorenz_curve`              cumulative share of value, best customers first
:func:`gini`                      concentration of value in one number
:func:`top_share`                 share of value brought by the top customers
:func:`rfm_scores`                recency, frequency and monetary points 1..bins
:func:`rfm_segments`              named segment from the r and f points
:func:`value_categories`          MVC / MGC / Migrator / BZC
:func:`potential_from_wallet`     share of wallet and unrealized potential
================================  ================================================

References
----------
Gupta, S. and Lehmann, D. R. (2003). Customers as assets. *Journal of
Interactive Marketing* 17(1), 9-24 (retention-based CLV, margin multiple).
Peppers, D. and Rogers, M. (2017). *Managing Customer Experience and
Relationships*, 3rd ed., Wiley (MVC, MGC, BZC, Migrators).
Hughes, A. M. (1994). *Strategic Database Marketing*, Probus (RFM).

"""

from __future__ import annotations

import math
from numbers import Number

import numpy as np
import pandas as pd

from .errors import CRMDataError, describe_rows
from .validation import RowLabels, validate_table, validate_transactions

__all__ = [
    "simple_clv",
    "retention_clv",
    "cumulative_clv",
    "contribution_margins",
    "MARGIN_STAGES",
    "margin_inputs",
    "MARGIN_INPUTS",
    "abc_classes",
    "abc_table",
    "ABC_CLASSES",
    "lorenz_curve",
    "gini",
    "top_share",
    "rfm_scores",
    "rfm_segments",
    "RFM_SEGMENTS",
    "value_categories",
    "VALUE_CATEGORIES",
    "potential_from_wallet",
]

ABC_CLASSES = ["A", "B", "C"]
VALUE_CATEGORIES = ["MVC", "MGC", "Migrator", "BZC"]

# --------------------------------------------------------------------------------------
# input checks shared by the functions below
# --------------------------------------------------------------------------------------


def _values_series(
    values, name: str, *, allow_negative: bool = True, negative_fix: str | None = None
) -> pd.Series:
    """Return ``values`` as a float Series (a view where possible) after checking it.

    Accepts a Series, a 1-d array, a list or a tuple. Rejects DataFrames,
    scalars, text, empty input, missing values and infinities.
    """
    if isinstance(values, pd.DataFrame):
        raise CRMDataError(
            f"{name}: expected one value per customer (a Series, array or list), got a "
            f"DataFrame with columns {list(values.columns)[:5]}; pick one column, "
            f"e.g. table['revenue']"
        )
    if isinstance(values, (str, bytes, Number)) or np.ndim(values) == 0:
        raise CRMDataError(
            f"{name}: expected one value per customer (a Series, array or list), got a "
            f"single {type(values).__name__} {values!r}; wrap it in a list if you mean "
            f"one customer"
        )
    if isinstance(values, pd.Series):
        s = values
    else:
        arr = np.array(values)  # a copy, so no result can alias the caller's array
        if arr.ndim != 1:
            raise CRMDataError(
                f"{name}: expected a one-dimensional list of values, got shape {arr.shape}; "
                f"pass one column or flatten it"
            )
        s = pd.Series(arr, copy=False)
    if len(s) == 0:
        raise CRMDataError(f"{name}: no customers (empty input); pass at least one value")
    if not (pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype)):
        bad = s[pd.to_numeric(s, errors="coerce").isna()]
        shown = ", ".join(repr(v) for v in bad.head(3).tolist())
        raise CRMDataError(
            f"{name}: values must be numbers, got dtype {s.dtype} with non-numeric values "
            f"in {describe_rows(bad.index)} (e.g. {shown}); convert with pd.to_numeric first"
        )
    arr = s.to_numpy(dtype="float64", na_value=np.nan)
    # fast path: min and max reveal NaN (it propagates), infinities and negatives
    low, high = arr.min(), arr.max()
    if np.isfinite(low) and np.isfinite(high) and (allow_negative or low >= 0):
        if s.dtype == np.float64:
            return s  # the caller's Series itself: copy-on-write keeps both safe
        return pd.Series(arr, index=s.index, name=s.name, copy=False)
    bad = ~np.isfinite(arr)
    if bad.any():
        rows = s.index[bad]
        kind = "missing" if np.isnan(arr[bad]).all() else "missing or infinite"
        raise CRMDataError(
            f"{name}: {int(bad.sum())} {kind} values ({describe_rows(rows)}); every customer "
            f"needs a finite value: fill them (e.g. .fillna(0)) or drop those rows first"
        )
    if not allow_negative and (arr < 0).any():
        neg = arr < 0
        raise CRMDataError(
            f"{name}: {int(neg.sum())} negative values ({describe_rows(s.index[neg])}, "
            f"e.g. {arr[neg][0]:g}); "
            + (negative_fix or "this quantity cannot be negative: check the sign convention "
               "or clip at 0")
        )
    return s if s.dtype == np.float64 else pd.Series(arr, index=s.index, name=s.name, copy=False)


def _broadcast(named: dict, rules: dict):
    """Broadcast scalar/array/Series arguments to float arrays and check their ranges.

    ``rules`` maps an argument name to ``(low, high, low_inclusive)``; ``None``
    means no bound. Returns ``(arrays, index, scalar)`` where ``index`` is the
    index of the first Series argument (or None) and ``scalar`` tells whether
    every argument was a plain number.
    """
    index = None
    arrays = {}
    scalar = True
    for name, value in named.items():
        if isinstance(value, pd.DataFrame):
            raise CRMDataError(
                f"{name}: expected a number, an array or a Series, got a DataFrame; "
                f"pick one column"
            )
        if isinstance(value, pd.Series):
            if index is None:
                index = value.index
            elif not value.index.equals(index):
                raise CRMDataError(
                    f"{name}: its index differs from the other Series arguments; align them "
                    f"first (e.g. b = b.reindex(a.index))"
                )
        if np.ndim(value) > 0:
            scalar = False
        try:
            arr = np.asarray(value, dtype="float64")
        except (TypeError, ValueError):
            raise CRMDataError(
                f"{name}: expected numbers, got {type(value).__name__} {value!r:.60}; "
                f"pass a number or an array of numbers"
            ) from None
        if np.isnan(arr).any():
            raise CRMDataError(
                f"{name}: contains missing values (NaN); fill or drop them first"
            )
        low, high, low_inclusive = rules.get(name, (None, None, True))
        if low is not None:
            bad = arr < low if low_inclusive else arr <= low
            if bad.any():
                rule = f">= {low:g}" if low_inclusive else f"> {low:g}"
                raise CRMDataError(
                    f"{name} must be {rule}, got {arr[bad].ravel()[0]:g}; "
                    + _HINTS.get(name, "check the value")
                )
        if high is not None and (arr > high).any():
            raise CRMDataError(
                f"{name} must be <= {high:g}, got {arr[arr > high].ravel()[0]:g}; "
                + _HINTS.get(name, "check the value")
            )
        arrays[name] = arr
    try:
        out = np.broadcast_arrays(*arrays.values())
    except ValueError:
        shapes = {k: np.shape(v) for k, v in arrays.items()}
        raise CRMDataError(
            f"arguments have shapes that do not broadcast together: {shapes}; use equal "
            f"lengths or single numbers"
        ) from None
    return dict(zip(arrays, out, strict=True)), index, scalar


_HINTS = {
    "retention": "a retention rate is a share between 0 and 1 (write 80 % as 0.8)",
    "discount": "a discount rate is a share per period, e.g. 0.1 for 10 % a year",
    "years": "the horizon counts whole periods (0, 1, 2, ...); use years=None for no end",
    "acquisition_cost": "costs are positive amounts that the formula subtracts",
}


def _wrap(result: np.ndarray, index, scalar: bool, name: str | None = None):
    """Return a float for scalar input, a Series for Series input, else an array."""
    if scalar:
        return float(result)
    if index is not None and result.shape == (len(index),):
        return pd.Series(result, index=index, name=name)
    return result


# --------------------------------------------------------------------------------------
# Customer lifetime value
# --------------------------------------------------------------------------------------


def simple_clv(yearly_revenue, years, acquisition_cost):
    r"""Compute customer lifetime value in its simplest form, without discounting.

    .. math:: \mathrm{CLV} = \text{yearly revenue} \times \text{years}
              - \text{acquisition cost}

    It ignores margins, churn and the time value of money, which is why the
    workbook then moves on to :func:`retention_clv`.

    Parameters
    ----------
    yearly_revenue : float, array or Series
        Revenue per customer and year, in EUR (>= 0).
    years : float, array or Series
        Expected length of the relationship in years (>= 0).
    acquisition_cost : float, array or Series
        One-off cost of winning the customer, in EUR (>= 0).

    Returns
    -------
    float, ndarray or Series
        CLV in EUR; a float for numbers, a Series (same index) if any argument
        is a Series, an array otherwise (arguments broadcast like numpy).

    Examples
    --------
    A customer spends 1000 EUR a year for 10 years and cost 1000 EUR to win:

    >>> simple_clv(1000, 10, 1000)
    9000.0
    >>> simple_clv([500, 1000], 10, 1000)
    array([4000., 9000.])

    """
    a, index, scalar = _broadcast(
        {"yearly_revenue": yearly_revenue, "years": years, "acquisition_cost": acquisition_cost},
        {
            "yearly_revenue": (0.0, None, True),
            "years": (0.0, None, True),
            "acquisition_cost": (0.0, None, True),
        },
    )
    result = a["yearly_revenue"] * a["years"] - a["acquisition_cost"]
    return _wrap(result, index, scalar, "clv")


_TIMINGS = ("start", "end")


def _check_timing(timing):
    if timing not in _TIMINGS:
        raise CRMDataError(
            f"timing must be 'start' (margin paid at the start of each period, the first one "
            f"at once) or 'end' (paid at the end of each period), got {timing!r}"
        )


def retention_clv(margin, retention, discount, years=None, timing="end", acquisition_cost=0.0):
    r"""Lifetime value from a margin per period, a retention rate and a discount rate.

    The customer is won at time 0. Each period the customer stays with
    probability :math:`r` (retention) independently of the past, so the chance
    to still be a customer after :math:`t` renewals is :math:`r^t`. Money paid at
    time :math:`t` is worth :math:`(1+d)^{-t}` today. Write
    :math:`q = r / (1 + d)`.

    ``timing="start"``
        The margin of each period is paid at its start. The first margin is
        paid at :math:`t = 0`, certain and undiscounted; the margin of period
        :math:`k` (k = 1..n) is paid at :math:`t = k - 1`:

        .. math:: \mathrm{CLV}_n = \sum_{t=0}^{n-1} m\,q^t = m\,\frac{1-q^n}{1-q},
                  \qquad \mathrm{CLV}_\infty = \frac{m(1+d)}{1+d-r}

    ``timing="end"`` (default)
        The margin of period :math:`k` is paid at its end, :math:`t = k`, and
        only if the customer renewed at that point, so even the first margin
        needs survival with probability :math:`r` and is discounted once
        (Gupta and Lehmann 2003):

        .. math:: \mathrm{CLV}_n = \sum_{t=1}^{n} m\,q^t = m\,q\,\frac{1-q^n}{1-q},
                  \qquad \mathrm{CLV}_\infty = \frac{m\,r}{1+d-r}

    Both count exactly ``years`` margins, and they differ by one margin in the
    limit: start = end + m. (A third convention, first end-of-period margin
    certain, gives :math:`m/(1+d-r)`; it equals the ``"end"`` value divided by
    :math:`r`.) The acquisition cost is paid at :math:`t = 0` and subtracted
    undiscounted. When :math:`q = 1` (r = 1 and d = 0) the finite sum is
    :math:`m\,n`.

    Parameters
    ----------
    margin : float, array or Series
        Contribution margin per customer and period, in EUR (may be negative).
    retention : float, array or Series
        Share of customers who stay from one period to the next, in [0, 1].
    discount : float, array or Series
        Discount rate per period (e.g. 0.1 = 10 % a year), >= 0.
    years : int, array or None
        Number of periods (whole numbers >= 0); ``None`` for an endless horizon.
    timing : {"end", "start"}
        When the margin of a period is paid, see above.
    acquisition_cost : float, array or Series
        Cost of winning the customer, in EUR (>= 0), subtracted at t = 0.

    Returns
    -------
    float, ndarray or Series
        CLV in EUR; arguments broadcast like numpy, so a widget can pass a
        grid of retention rates.

    Raises
    ------
    CRMDataError
        For rates out of range, missing values, or an endless horizon with
        r = 1 and d = 0 (the value would be infinite).

    Examples
    --------
    100 EUR margin a year, 80 % retention, 10 % discount rate:

    >>> round(retention_clv(100, 0.8, 0.1), 2)
    266.67
    >>> round(retention_clv(100, 0.8, 0.1, timing="start"), 2)
    366.67
    >>> round(retention_clv(100, 0.8, 0.1, years=3), 2)
    164.09
    >>> retention_clv(100, [0.5, 0.9], 0.1).round(2)
    array([ 83.33, 450.  ])

    """
    _check_timing(timing)
    named = {
        "margin": margin,
        "retention": retention,
        "discount": discount,
        "acquisition_cost": acquisition_cost,
    }
    rules = {
        "retention": (0.0, 1.0, True),
        "discount": (0.0, None, True),
        "acquisition_cost": (0.0, None, True),
    }
    if years is not None:
        named["years"] = years
        rules["years"] = (0.0, None, True)
    a, index, scalar = _broadcast(named, rules)
    m, r, d = a["margin"], a["retention"], a["discount"]
    q = r / (1.0 + d)
    if years is None:
        endless = (r == 1.0) & (d == 0.0)
        if endless.any():
            raise CRMDataError(
                "retention_clv: with retention=1 and discount=0 and no horizon (years=None) "
                "the customer pays forever at full value, so the CLV is infinite; set a "
                "horizon with years=..., a discount rate above 0 or a retention below 1"
            )
        first = 1.0 if timing == "start" else q
        value = m * first / (1.0 - q)
    else:
        n = a["years"]
        if not np.isfinite(n).all():
            raise CRMDataError("years must be a finite number of periods; use years=None "
                               "for an endless horizon")
        if not np.all(n == np.round(n)):
            raise CRMDataError(
                f"years must be whole periods (0, 1, 2, ...), got {n[n != np.round(n)][0]:g}; "
                f"round it or use a shorter period (e.g. months) as the unit"
            )
        one = q == 1.0
        safe_q = np.where(one, 0.0, q)
        with np.errstate(divide="ignore", invalid="ignore"):
            geometric = np.where(one, n, (1.0 - safe_q**n) / (1.0 - safe_q))
        first = 1.0 if timing == "start" else q
        value = m * first * geometric
    return _wrap(value - a["acquisition_cost"], index, scalar, "clv")


def cumulative_clv(margin, retention, discount, years, timing="end"):
    r"""Year-by-year build-up of :func:`retention_clv` (the CLV curve).

    Year :math:`k` (k = 1..years) is the k-th period of the relationship. Its
    margin is paid at :math:`t = k` with ``timing="end"`` and at
    :math:`t = k - 1` with ``timing="start"`` (see :func:`retention_clv`).

    Parameters
    ----------
    margin : float
        Margin per period in EUR.
    retention : float
        Retention rate per period in [0, 1].
    discount : float
        Discount rate per period, >= 0.
    years : int
        Number of periods to show (>= 1).
    timing : {"end", "start"}
        When the margin is paid within the period.

    Returns
    -------
    DataFrame
        One row per year with the columns

        - ``year``: 1, 2, ..., years
        - ``survival``: chance the customer still pays that year, :math:`r^t`
        - ``margin``: expected margin, margin x survival (EUR)
        - ``discounted``: expected margin discounted to today, :math:`m r^t/(1+d)^t`
        - ``cumulative``: running total of ``discounted``; its last value equals
          ``retention_clv(margin, retention, discount, years, timing)``

    Examples
    --------
    >>> cumulative_clv(100, 0.8, 0.1, years=3).round(2)
       year  survival  margin  discounted  cumulative
    0     1      0.80    80.0       72.73       72.73
    1     2      0.64    64.0       52.89      125.62
    2     3      0.51    51.2       38.47      164.09

    """
    _check_timing(timing)
    for name, value in (("margin", margin), ("retention", retention), ("discount", discount)):
        if np.ndim(value) != 0:
            raise CRMDataError(
                f"cumulative_clv: {name} must be a single number (one curve), got "
                f"{type(value).__name__}; call it once per scenario"
            )
    if isinstance(years, bool) or not isinstance(years, (int, np.integer)) or years < 1:
        raise CRMDataError(
            f"years must be a whole number >= 1 (the length of the curve), got {years!r}"
        )
    a, _, _ = _broadcast(
        {"margin": margin, "retention": retention, "discount": discount},
        {"retention": (0.0, 1.0, True), "discount": (0.0, None, True)},
    )
    m, r, d = float(a["margin"]), float(a["retention"]), float(a["discount"])
    year = np.arange(1, int(years) + 1)
    t = year if timing == "end" else year - 1
    survival = r**t
    expected = m * survival
    discounted = expected / (1.0 + d) ** t
    return pd.DataFrame(
        {
            "year": year,
            "survival": survival,
            "margin": expected,
            "discounted": discounted,
            "cumulative": np.cumsum(discounted),
        }
    )


# --------------------------------------------------------------------------------------
# Contribution margins (Kundendeckungsbeitragsrechnung)
# --------------------------------------------------------------------------------------

#: The stages of customer contribution margin accounting, in order.
MARGIN_STAGES = pd.DataFrame(
    [
        ("revenue", "gross revenue with the customer", "+"),
        ("deductions", "discounts, rebates, returns, bonuses", "-"),
        ("net_revenue", "revenue - deductions", "="),
        ("product_cost", "cost of the goods or services sold", "-"),
        ("cm1", "contribution margin I = net_revenue - product_cost", "="),
        ("service_cost", "customer-specific service and support cost", "-"),
        ("delivery_cost", "customer-specific delivery and logistics cost", "-"),
        ("cm2", "contribution margin II = cm1 - service_cost - delivery_cost", "="),
        ("marketing_cost", "customer-specific marketing (mailings, visits, events)", "-"),
        ("acquisition_cost", "cost of winning the customer", "-"),
        ("cm3", "contribution margin III = cm2 - marketing_cost - acquisition_cost", "="),
    ],
    columns=["column", "meaning", "sign"],
)


def _negative_fix(name):
    what = "revenue" if name == "revenue" else "a cost"
    return (
        f"{what} is entered as a positive amount that the stages subtract; fix the sign "
        f"(e.g. .abs())"
    )


def contribution_margins(
    revenue="revenue",
    deductions=0.0,
    product_cost=0.0,
    service_cost=0.0,
    delivery_cost=0.0,
    marketing_cost=0.0,
    acquisition_cost=0.0,
    *,
    data=None,
):
    """Compute contribution margins I, II and III per customer (Kundendeckungsbeitragsrechnung).

    Subtracts the costs a customer causes in stages, from the closest to the
    product to the most customer-specific:

    ====================  =====================================================
    column                meaning
    ====================  =====================================================
    ``revenue``           gross revenue with the customer
    ``deductions``        discounts, rebates, returns, bonuses
    ``net_revenue``       revenue - deductions
    ``product_cost``      cost of the goods or services sold
    ``cm1``               contribution margin I = net_revenue - product_cost
    ``service_cost``      customer-specific service and support cost
    ``delivery_cost``     customer-specific delivery and logistics cost
    ``cm2``               contribution margin II = cm1 - service - delivery
    ``marketing_cost``    customer-specific marketing (mailings, visits, events)
    ``acquisition_cost``  cost of winning the customer
    ``cm3``               contribution margin III = cm2 - marketing - acquisition
    ====================  =====================================================

    The same table is available as :data:`MARGIN_STAGES`. All amounts in EUR
    per customer and period. With non-negative costs, cm1 >= cm2 >= cm3.

    Parameters
    ----------
    revenue, deductions, product_cost, service_cost, delivery_cost, marketing_cost, \
acquisition_cost : str, number, array or Series
        One amount per customer, or one number for all customers. With
        ``data`` given, a string names a column of ``data``. Revenue and all
        costs must be >= 0 (a negative cost would silently raise the margin).
    data : DataFrame, optional
        Customer table to take the named columns from; its index becomes the
        index of the result.

    Returns
    -------
    DataFrame
        A new table with the eleven columns above, in that order, one row per
        customer, indexed like ``data`` (or like ``revenue`` if it is a Series).

    Raises
    ------
    CRMDataError
        For negative or missing amounts, unknown columns or lengths that differ.

    Examples
    --------
    >>> t = pd.DataFrame({"revenue": [1000.0, 400.0], "product_cost": [600.0, 250.0],
    ...                   "service_cost": [50.0, 120.0]}, index=[11, 12])
    >>> cm = contribution_margins("revenue", deductions=[50, 0], product_cost="product_cost",
    ...                           service_cost="service_cost", marketing_cost=40, data=t)
    >>> cm[["net_revenue", "cm1", "cm2", "cm3"]]
        net_revenue    cm1    cm2    cm3
    11        950.0  350.0  300.0  260.0
    12        400.0  150.0   30.0  -10.0

    """
    args = {
        "revenue": revenue,
        "deductions": deductions,
        "product_cost": product_cost,
        "service_cost": service_cost,
        "delivery_cost": delivery_cost,
        "marketing_cost": marketing_cost,
        "acquisition_cost": acquisition_cost,
    }
    if data is not None and not isinstance(data, pd.DataFrame):
        raise CRMDataError(
            f"contribution_margins: data must be a DataFrame, got {type(data).__name__}"
        )
    if isinstance(revenue, pd.DataFrame) and data is None:
        raise CRMDataError(
            "contribution_margins: got a DataFrame as revenue; pass it as data=... and name "
            "the columns, e.g. contribution_margins('revenue', product_cost='cost', data=t)"
        )
    # resolve column names and find the index / length of the result
    index = data.index if data is not None else None
    resolved = {}
    for name, value in args.items():
        if isinstance(value, str):
            if data is None:
                raise CRMDataError(
                    f"contribution_margins: {name}={value!r} names a column, but no table "
                    f"was given; pass data=your_table"
                )
            if value not in data.columns:
                raise CRMDataError(
                    f"contribution_margins: column {value!r} (for {name}) is not in data; "
                    f"columns are {list(data.columns)}"
                )
            value = data[value]
        resolved[name] = value
    if index is None:
        for value in resolved.values():
            if isinstance(value, pd.Series):
                index = value.index
                break
    if index is None:
        lengths = {k: len(v) for k, v in resolved.items() if np.ndim(v) == 1}
        if not lengths:
            raise CRMDataError(
                "contribution_margins: all amounts are single numbers; pass at least one "
                "amount per customer (a list, array or Series) or data=table"
            )
        index = pd.RangeIndex(next(iter(lengths.values())))
    n = len(index)
    if n == 0:
        raise CRMDataError("contribution_margins: no customers (empty input)")
    columns = {}
    keep = {}
    for name, value in resolved.items():
        if isinstance(value, pd.Series):
            if not value.index.equals(index):
                raise CRMDataError(
                    f"contribution_margins: {name} has a different index from the customer "
                    f"table; align it first (e.g. {name}.reindex(table.index))"
                )
            checked = _values_series(value, name, allow_negative=False,
                                     negative_fix=_negative_fix(name))
            arr = checked.to_numpy()
            if checked is value:
                keep[name] = value  # copy-on-write tracks the shared column
        elif np.ndim(value) == 0:
            try:
                arr = np.full(n, float(value))
            except (TypeError, ValueError):
                raise CRMDataError(
                    f"contribution_margins: {name} must be a number, got {value!r}"
                ) from None
            if np.isnan(arr).any():
                raise CRMDataError(f"contribution_margins: {name} is NaN; pass a number")
        else:
            if len(value) != n:
                first = next(k for k, v in resolved.items() if np.ndim(v) == 1)
                raise CRMDataError(
                    f"contribution_margins: {name} has {len(value)} values but there are "
                    f"{n} customers (from {'data' if data is not None else first}); pass one "
                    f"value per customer"
                )
            arr = _values_series(value, name, allow_negative=False,
                                 negative_fix=_negative_fix(name)).to_numpy()
        if arr[0] < 0:  # only a single number can get here unchecked
            raise CRMDataError(
                f"contribution_margins: {name} is {arr[0]:g}; " + _negative_fix(name)
            )
        columns[name] = arr
    c = columns
    net_revenue = c["revenue"] - c["deductions"]
    cm1 = net_revenue - c["product_cost"]
    cm2 = cm1 - c["service_cost"] - c["delivery_cost"]
    cm3 = cm2 - c["marketing_cost"] - c["acquisition_cost"]
    computed = {"net_revenue": net_revenue, "cm1": cm1, "cm2": cm2, "cm3": cm3}
    order = list(MARGIN_STAGES["column"])
    # inputs that arrived as float Series are passed on as Series (pandas copies them
    # on a later write); all other arrays are new, so no copy is needed
    parts = {col: keep.get(col, computed.get(col, c.get(col))) for col in order}
    for col, part in parts.items():
        if isinstance(part, np.ndarray) and not part.flags.writeable:
            parts[col] = part.copy()  # a read-only view would make the result read-only
    return pd.DataFrame(parts, index=index, copy=False)


#: The columns of :func:`margin_inputs`: the amounts that :func:`contribution_margins` subtracts.
MARGIN_INPUTS = list(MARGIN_STAGES["column"][MARGIN_STAGES["sign"] != "="])

# The columns margin_inputs reads from each table (names as in crmlearn.schema; a test
# checks them against the schema), and the date column that puts a row into a window.
_SOURCE_COLUMNS = {
    "transactions": ("customer_id", "date", "amount", "kind", "discount", "product_cost",
                     "delivery_cost"),
    "contacts": ("customer_id", "date", "channel", "cost"),
    "customers": ("customer_id", "signup_date", "acquisition_cost"),
    "campaigns": ("campaign_id", "start_date", "cost_per_contact"),
    "campaign_members": ("campaign_id", "customer_id", "group"),
}
_SOURCE_DATES = {"transactions": "date", "contacts": "date", "customers": "signup_date",
                 "campaigns": "start_date"}
_NOT_NEGATIVE = {
    "transactions": ("discount", "delivery_cost"),
    "contacts": ("cost",),
    "customers": ("acquisition_cost",),
    "campaigns": ("cost_per_contact",),
}


def _source_table(df, name: str, argument: str, windowed: bool) -> pd.DataFrame:
    """Check one input table of margin_inputs; return a validated copy of the needed columns."""
    if not isinstance(df, pd.DataFrame):
        raise CRMDataError(
            f"margin_inputs: {argument} must be the {name} table (a DataFrame), got "
            f"{type(df).__name__}"
        )
    date = _SOURCE_DATES.get(name)
    # transactions always need their date (validate_transactions checks it); the other
    # tables only when a window picks rows by date
    skip = () if windowed or name == "transactions" else (date,)
    needed = [c for c in _SOURCE_COLUMNS[name] if c not in skip]
    optional = ("kind",) if name == "transactions" else ()
    missing = [c for c in needed if c not in df.columns and c not in optional]
    if missing:
        s = "s" if len(missing) > 1 else ""
        why = " (needed for the window start/end)" if missing == [date] and windowed else ""
        raise CRMDataError(
            f"{name}: missing column{s} {', '.join(repr(c) for c in missing)}{why}; margin_inputs "
            f"reads {', '.join(repr(c) for c in needed)} from the {name} table, which has columns "
            f"{', '.join(repr(str(c)) for c in df.columns)}. Rename yours, e.g. "
            f"df.rename(columns={{'your_name': {missing[0]!r}}})"
        )
    part = df[[c for c in needed if c in df.columns]]
    if name == "transactions":
        out = validate_transactions(part)
    else:
        out = validate_table(part, name, required=[c for c in needed if c in df.columns])
    rows = RowLabels(df)
    for column in _NOT_NEGATIVE.get(name, ()):
        negative = (out[column] < 0).to_numpy()
        if negative.any():
            raise CRMDataError(
                f"{name}: column {column!r} has {int(negative.sum())} negative value"
                f"{'s' if negative.sum() > 1 else ''} ({rows(negative, out[column])}); "
                f"{column} is a cost the margins subtract, entered as an amount >= 0"
            )
    return out


def _window_rows(dates: pd.Series, start, end) -> np.ndarray:
    """Mark the dates after ``start`` and up to and including ``end`` (a boolean array)."""
    keep = np.ones(len(dates), dtype=bool)
    if start is not None:
        keep &= (dates > start).to_numpy()
    if end is not None:
        keep &= (dates <= end).to_numpy()
    return keep


def _timestamp(value, name: str):
    if value is None:
        return None
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        stamp = None
    if stamp is None or pd.isna(stamp):
        raise CRMDataError(
            f"margin_inputs: {name} must be a date such as '2025-01-01' or a pandas "
            f"Timestamp, got {value!r}"
        )
    return stamp.tz_localize(None) if stamp.tzinfo is not None else stamp


def margin_inputs(
    transactions,
    contacts=None,
    customers=None,
    *,
    campaigns=None,
    campaign_members=None,
    start=None,
    end=None,
    marketing_channels=("visit",),
    buyers_only=False,
):
    """Add up the inputs of contribution margin accounting per customer from the raw tables.

    Builds the table that :func:`contribution_margins` takes, one row per
    customer, from the transactions (sales, discounts, returns, goods and
    delivery), the contacts (service calls, e-mails and sales visits), the
    mailings of marketing campaigns and the acquisition cost in the customer
    table. Lesson 06 builds the same table step by step.

    Per customer, over the rows in the window:

    ====================  ======================================================
    column                formula (EUR per customer)
    ====================  ======================================================
    ``revenue``           gross revenue = sum of purchase ``amount`` + sum of
                          ``discount`` (``amount`` is after discount)
    ``deductions``        sum of ``discount`` + returns, where returns = minus
                          the sum of the (negative) return ``amount``; both
                          enter as positive amounts
    ``product_cost``      sum of ``product_cost`` (return rows carry the cost of
                          the goods that came back as a negative amount)
    ``service_cost``      sum of contact ``cost`` in the channels *not* in
                          ``marketing_channels`` (calls, e-mails, chat)
    ``delivery_cost``     sum of ``delivery_cost``
    ``marketing_cost``    sum of contact ``cost`` in ``marketing_channels``
                          (sales visits) + ``cost_per_contact`` of every
                          campaign that reached the customer (treatment group)
    ``acquisition_cost``  ``acquisition_cost`` from ``customers`` (0 without it)
    ====================  ======================================================

    So the net revenue, ``revenue - deductions``, is the sum of all amounts:
    purchases minus returns. A customer without returns, discounts, contacts
    or mailings gets 0 for them, never a missing value. The amounts are
    rounded to the cent, so the table does not depend on the order in which
    rows are added up.

    Parameters
    ----------
    transactions : DataFrame
        Columns ``customer_id``, ``date``, ``amount``, ``kind`` (``'purchase'``
        or ``'return'``; optional, without it every row is a purchase),
        ``discount``, ``product_cost`` and ``delivery_cost``, as in
        :data:`crmlearn.schema.TABLES`. Checked like
        :func:`crmlearn.validation.validate_transactions`.
    contacts : DataFrame, optional
        Columns ``customer_id``, ``channel``, ``cost`` (and ``date`` when a
        window is given). Without it, service and marketing cost are 0 (apart
        from mailings).
    customers : DataFrame, optional
        Columns ``customer_id``, ``acquisition_cost`` (and ``signup_date`` when
        a window is given). Leave it out for the *ongoing* margins, in which
        the sunk acquisition cost plays no part.
    campaigns, campaign_members : DataFrame, optional
        Both or neither. ``campaign_members`` needs ``campaign_id``,
        ``customer_id`` and ``group``; only the ``'treatment'`` group was
        contacted. ``campaigns`` needs ``campaign_id`` and ``cost_per_contact``
        (and ``start_date`` when a window is given).
    start, end : date, optional
        The window: rows dated after ``start`` and up to and including
        ``end``, i.e. ``start < date <= end``; ``start=end - pd.Timedelta(days=365)``
        is the last year. A cost counts when it arises: a contact on its date,
        a mailing on its campaign's ``start_date``, the acquisition cost on the
        customer's ``signup_date``. Default: no limit.
    marketing_channels : list of str
        Contact channels that count as marketing cost (selling to the
        customer); all other channels are service cost. Default ``("visit",)``
        as in lesson 06; ``()`` makes every contact service cost.
    buyers_only : bool
        False (default): every customer with a transaction or a cost in the
        window gets a row, so no cost is left out. True: only customers with
        at least one transaction (purchase or return) in the window, the
        accounts one rates by their sales; the costs of the others (say a
        call to a customer who bought nothing in the window) are left out.

    Returns
    -------
    DataFrame
        A new table indexed by ``customer_id`` (sorted) with the float columns
        ``revenue``, ``deductions``, ``product_cost``, ``service_cost``,
        ``delivery_cost``, ``marketing_cost`` and ``acquisition_cost``
        (:data:`MARGIN_INPUTS`, the names of the arguments of
        :func:`contribution_margins`), so
        ``contribution_margins(data=inputs, **{c: c for c in inputs})``
        computes the margins. The input tables are never changed.

    Raises
    ------
    CRMDataError
        When a table lacks a column it needs or holds a bad value (a missing
        or non-numeric amount, an unknown ``kind`` or ``group``, a positive
        return, a negative cost, a campaign member of an unknown campaign), or
        for a bad argument; the message names the table, column and rows.

    See Also
    --------
    contribution_margins : the stages computed from this table.

    Examples
    --------
    Customer 1 bought twice (one order with 10 EUR discount), sent goods worth
    50 EUR back, called once and got a sales visit; customer 2 bought once:

    >>> tx = pd.DataFrame({
    ...     "customer_id": [1, 1, 1, 2],
    ...     "date": pd.to_datetime(["2024-01-10", "2024-02-01", "2024-02-20", "2024-03-05"]),
    ...     "amount": [90.0, 200.0, -50.0, 40.0],
    ...     "kind": ["purchase", "purchase", "return", "purchase"],
    ...     "discount": [10.0, 0.0, 0.0, 0.0],
    ...     "product_cost": [60.0, 120.0, -30.0, 25.0],
    ...     "delivery_cost": [15.0, 15.0, 0.0, 15.0]})
    >>> contacts = pd.DataFrame({"customer_id": [1, 1], "channel": ["visit", "phone"],
    ...                          "date": pd.to_datetime(["2024-01-15", "2024-02-10"]),
    ...                          "cost": [180.0, 6.5]})
    >>> inputs = margin_inputs(tx, contacts)
    >>> inputs.T
    customer_id           1     2
    revenue           300.0  40.0
    deductions         60.0   0.0
    product_cost      150.0  25.0
    service_cost        6.5   0.0
    delivery_cost      30.0  15.0
    marketing_cost    180.0   0.0
    acquisition_cost    0.0   0.0
    >>> contribution_margins(data=inputs, **{c: c for c in inputs}).cm3.tolist()
    [-126.5, 0.0]

    """
    channels = None
    if not isinstance(marketing_channels, (str, bytes)):
        try:
            channels = list(marketing_channels)
        except TypeError:
            channels = None
    if channels is None or not all(isinstance(c, str) for c in channels):
        raise CRMDataError(
            f"margin_inputs: marketing_channels must be a list of contact channels, e.g. "
            f"('visit',) or ['visit', 'event'], got {marketing_channels!r}"
        )
    if not isinstance(buyers_only, (bool, np.bool_)):
        raise CRMDataError(f"margin_inputs: buyers_only must be True or False, got {buyers_only!r}")
    if (campaigns is None) != (campaign_members is None):
        given, other = (("campaigns", "campaign_members") if campaign_members is None
                        else ("campaign_members", "campaigns"))
        raise CRMDataError(
            f"margin_inputs: {given} given without {other}; the mailing cost needs both tables "
            f"(who was mailed, and what a mailing cost)"
        )
    start, end = _timestamp(start, "start"), _timestamp(end, "end")
    if start is not None and end is not None and start >= end:
        raise CRMDataError(
            f"margin_inputs: the window is empty, start {start.date()} is not before end "
            f"{end.date()}; rows count when start < date <= end"
        )
    windowed = start is not None or end is not None

    tx = _source_table(transactions, "transactions", "transactions", windowed)
    tx = tx[_window_rows(tx["date"], start, end)]
    is_return = (tx["kind"].cat.codes == 1).to_numpy()
    sums = tx.groupby("customer_id")[["discount", "product_cost", "delivery_cost"]].sum()
    purchased = tx["amount"][~is_return].groupby(tx["customer_id"][~is_return]).sum()
    returned = -tx["amount"][is_return].groupby(tx["customer_id"][is_return]).sum()
    ids = [sums.index]
    service = marketing = acquisition = pd.Series(dtype=float)

    if contacts is not None:
        ct = _source_table(contacts, "contacts", "contacts", windowed)
        if windowed:
            ct = ct[_window_rows(ct["date"], start, end)]
        selling = ct["channel"].isin(channels).to_numpy()
        service = ct["cost"][~selling].groupby(ct["customer_id"][~selling]).sum()
        marketing = ct["cost"][selling].groupby(ct["customer_id"][selling]).sum()
        ids += [service.index, marketing.index]

    if campaign_members is not None:
        members = _source_table(campaign_members, "campaign_members", "campaign_members", windowed)
        known = _source_table(campaigns, "campaigns", "campaigns", windowed)
        groups = set(members["group"].unique()) - {"treatment", "control"}
        if groups:
            bad = members["group"].isin(groups).to_numpy()
            raise CRMDataError(
                f"campaign_members: column 'group' must be 'treatment' or 'control'; "
                f"{RowLabels(campaign_members)(bad, members['group'])}"
            )
        treated = members[members["group"].eq("treatment").to_numpy()]
        unknown = ~treated["campaign_id"].isin(known["campaign_id"]).to_numpy()
        if unknown.any():
            ids_shown = ", ".join(map(str, pd.unique(treated["campaign_id"][unknown])[:5]))
            raise CRMDataError(
                f"campaign_members: {int(unknown.sum())} treatment rows name a campaign_id that "
                f"is not in campaigns (campaign_id {ids_shown}); their mailing cost is unknown. "
                f"Add the campaigns or remove these members"
            )
        mailed = treated.merge(known, on="campaign_id", how="left", validate="many_to_one")
        if windowed:
            mailed = mailed[_window_rows(mailed["start_date"], start, end)]
        mailings = mailed.groupby("customer_id")["cost_per_contact"].sum()
        marketing = marketing.add(mailings, fill_value=0.0) if len(marketing) else mailings
        ids.append(mailings.index)

    if customers is not None:
        cu = _source_table(customers, "customers", "customers", windowed)
        if windowed:
            cu = cu[_window_rows(cu["signup_date"], start, end)]
        acquisition = cu.set_index("customer_id")["acquisition_cost"]
        ids.append(acquisition.index)

    index = sums.index
    if not buyers_only:
        for more in ids[1:]:
            index = index.union(more)
    if len(index) == 0:
        where = "".join([f" after {start.date()}" if start is not None else "",
                         f" up to {end.date()}" if end is not None else ""])
        raise CRMDataError(
            f"margin_inputs: no customer has a transaction or a cost{where}; widen the window or check "
            "the dates"
        )
    index = index.sort_values().rename("customer_id")

    def per_customer(values):
        return values.reindex(index, fill_value=0.0).astype(float)

    discount = per_customer(sums["discount"])
    returns = per_customer(returned)
    columns = {
        "revenue": per_customer(purchased) + discount,
        "deductions": discount + returns,
        "product_cost": per_customer(sums["product_cost"]),
        "service_cost": per_customer(service),
        "delivery_cost": per_customer(sums["delivery_cost"]),
        "marketing_cost": per_customer(marketing),
        "acquisition_cost": per_customer(acquisition),
    }
    # round to the cent; + 0.0 turns -0.0 into 0.0
    return pd.DataFrame({k: v.round(2) + 0.0 for k, v in columns.items()}, index=index)


# --------------------------------------------------------------------------------------
# ABC analysis, Lorenz curve, Gini
# --------------------------------------------------------------------------------------


def _share(value, name, *, low_open=False):
    if isinstance(value, bool) or not isinstance(value, Number) or not 0 <= value <= 1:
        raise CRMDataError(f"{name} must be a share between 0 and 1, got {value!r}")
    if low_open and value == 0:
        raise CRMDataError(f"{name} must be a share above 0, got {value!r}")
    return float(value)


def abc_classes(values, method="rank", a_share=0.2, c_share=0.2, cuts=(0.8, 0.95)):
    """Sort customers into A, B and C classes by a value such as revenue or margin.

    ``method="rank"`` (default; counts customers)
        The best ``a_share`` of customers are A, the worst ``c_share`` are C,
        the rest B. The default 20 % / 20 % is the usual textbook rule.
    ``method="cumulative"`` (counts value)
        Customers are sorted from the highest value down and the value is
        added up. A customer is A while the value of all better customers is
        below ``cuts[0]`` of the total (default 80 %), B while below
        ``cuts[1]`` (95 %), C after that. The customer who crosses a cut
        still belongs to the higher class, so the single best customer is
        always A. Shares are shares of the *positive* total: customers with a
        value <= 0 add nothing and are always C.

    With ``method="rank"`` zero and negative values are simply ranked like
    any other value (loss-making customers end up in C).

    Ties: customers with equal values always get the same class.

    - rank: a class takes a tie group only if the whole group fits within
      its share (A: the count of customers with a value >= v is at most
      ``floor(a_share * n)``; C: the count with a value <= v is at most
      ``floor(c_share * n)``). A and C therefore never exceed their shares and
      ties that straddle a border go to B.
    - cumulative: the whole tie group gets the class of its first member
      (shares are computed from the value of strictly better customers).

    Parameters
    ----------
    values : Series, array or list
        One value per customer (EUR); negative values are allowed.
    method : {"rank", "cumulative"}
        See above.
    a_share, c_share : float
        Shares of customers for A and C with ``method="rank"``;
        ``a_share + c_share <= 1``.
    cuts : tuple of two floats
        Cumulative value shares that end A and B with ``method="cumulative"``.

    Returns
    -------
    Series
        Ordered categorical with categories ``["A", "B", "C"]`` (best first),
        named ``abc_class``, indexed like ``values``.

    Examples
    --------
    >>> revenue = pd.Series([900, 50, 400, 30, 120, 80, 60, 40, 20, 300],
    ...                     index=list("abcdefghij"))
    >>> abc_classes(revenue).tolist()
    ['A', 'B', 'A', 'C', 'B', 'B', 'B', 'B', 'C', 'B']
    >>> abc_classes(revenue, method="cumulative").tolist()
    ['A', 'B', 'A', 'C', 'B', 'B', 'B', 'C', 'C', 'A']

    """
    s = _values_series(values, "values")
    v = s.to_numpy()
    n = len(v)
    codes = np.ones(n, dtype=np.int8)  # B
    if method == "rank":
        a = _share(a_share, "a_share")
        c = _share(c_share, "c_share")
        if a + c > 1 + 1e-12:
            raise CRMDataError(
                f"a_share + c_share must be at most 1, got {a} + {c} = {a + c:g}; "
                f"lower one of them"
            )
        k_a = math.floor(a * n + 1e-9)
        k_c = math.floor(c * n + 1e-9)
        # A: the whole tie group lies in the top k_a, i.e. the value is above the
        # (k_a + 1)-th largest value; C: below the (k_c + 1)-th smallest value.
        kth = sorted({k for k in (k_c, n - k_a - 1) if 0 <= k < n})
        part = np.partition(v, kth) if kth else v
        if k_a >= n:
            codes[:] = 0
        elif k_a > 0:
            codes[v > part[n - k_a - 1]] = 0
        if k_c >= n:
            codes[:] = 2
        elif k_c > 0:
            codes[v < part[k_c]] = 2
    elif method == "cumulative":
        try:
            cut_a, cut_b = (float(x) for x in cuts)
        except (TypeError, ValueError):
            raise CRMDataError(
                f"cuts must be two shares like (0.8, 0.95), got {cuts!r}"
            ) from None
        if not 0 < cut_a <= cut_b <= 1:
            raise CRMDataError(
                f"cuts must satisfy 0 < cuts[0] <= cuts[1] <= 1, got {cuts!r}; "
                f"e.g. (0.8, 0.95) for 80 % A, 15 % B, 5 % C of the value"
            )
        positive = v > 0
        total = v[positive].sum()
        if not total > 0:
            raise CRMDataError(
                "values: no customer has a positive value, so cumulative shares are "
                "undefined; use method='rank' or check the sign of the values"
            )
        # value of all strictly better customers: sort best first, add up, and give
        # every member of a tie group the running total at the group's start
        pos_vals = v[positive]
        order = np.argsort(pos_vals)[::-1]
        best_first = pos_vals[order]
        running = np.empty(len(best_first))
        running[0] = 0.0
        np.cumsum(best_first[:-1], out=running[1:])
        starts = np.empty(len(best_first), dtype=bool)
        starts[0] = True
        np.not_equal(best_first[1:], best_first[:-1], out=starts[1:])
        group_start = np.maximum.accumulate(np.where(starts, np.arange(len(starts)), 0))
        before_sorted = running[group_start] / total
        before = np.empty_like(before_sorted)
        before[order] = before_sorted
        pos_codes = np.where(before < cut_a, 0, np.where(before < cut_b, 1, 2))
        codes[positive] = pos_codes
        codes[~positive] = 2
    else:
        raise CRMDataError(
            f"method must be 'rank' (share of customers) or 'cumulative' (share of value), "
            f"got {method!r}"
        )
    cat = pd.Categorical.from_codes(codes, categories=ABC_CLASSES, ordered=True)
    return pd.Series(cat, index=s.index, name="abc_class")


def abc_table(values, classes):
    """Count customers and add up their value per ABC class.

    Parameters
    ----------
    values : Series
        The value per customer used for the classes (EUR).
    classes : Series
        The result of :func:`abc_classes` for the same customers (same index).

    Returns
    -------
    DataFrame
        Index ``A``, ``B``, ``C`` (named ``abc_class``) and the columns

        - ``customers``: number of customers in the class
        - ``customer_share``: customers / all customers
        - ``value``: sum of the values in the class (EUR)
        - ``value_share``: value / total value of all customers (with negative
          values the shares still add up to 1, but a class can exceed 1)

    Examples
    --------
    >>> revenue = pd.Series([900, 50, 400, 30, 120, 80, 60, 40, 20, 300])
    >>> abc_table(revenue, abc_classes(revenue))
               customers  customer_share   value  value_share
    abc_class
    A                  2             0.2  1300.0        0.650
    B                  6             0.6   650.0        0.325
    C                  2             0.2    50.0        0.025

    """
    s = _values_series(values, "values")
    if not isinstance(classes, pd.Series):
        raise CRMDataError(
            f"classes must be a Series from abc_classes(...), got {type(classes).__name__}"
        )
    if not classes.index.equals(s.index):
        raise CRMDataError(
            "classes and values have different indexes; compute classes from these values "
            "(abc_classes(values)) or align them first"
        )
    known = classes.isin(ABC_CLASSES).to_numpy()
    if not known.all():
        bad = classes.index[~known]
        raise CRMDataError(
            f"classes: {len(bad)} labels are not A, B or C ({describe_rows(bad)}); "
            f"use the output of abc_classes(...)"
        )
    codes = pd.Categorical(classes, categories=ABC_CLASSES, ordered=True).codes
    counts = np.bincount(codes, minlength=3)
    sums = np.bincount(codes, weights=s.to_numpy(), minlength=3)
    total = s.to_numpy().sum()
    out = pd.DataFrame(
        {
            "customers": counts,
            "customer_share": counts / len(s),
            "value": sums,
            "value_share": sums / total if total != 0 else np.full(3, np.nan),
        },
        index=pd.Index(ABC_CLASSES, name="abc_class"),
    )
    return out


def lorenz_curve(values):
    r"""Cumulative share of value against the share of customers, best customers first.

    Customers are sorted from the highest value down. Row :math:`k` says: the
    best :math:`k` of :math:`n` customers (``customer_share`` = k / n) bring
    ``value_share`` = (sum of their values) / (sum of all values). The first
    row is the origin (0, 0); the last is (1, 1). Read it as "the top 20 % of
    customers bring x % of the value" (the 20/80 rule).

    Negative values (e.g. contribution margins of loss-making customers) are
    allowed: the curve then climbs above 1 and falls back to 1 at the end,
    the "whale curve" of customer profitability. The total must be positive.

    Parameters
    ----------
    values : Series, array or list
        One value per customer (EUR).

    Returns
    -------
    DataFrame
        n + 1 rows with the columns ``customer_share`` and ``value_share``.

    Examples
    --------
    >>> lorenz_curve([10, 30, 60])
       customer_share  value_share
    0        0.000000          0.0
    1        0.333333          0.6
    2        0.666667          0.9
    3        1.000000          1.0

    """
    s = _values_series(values, "values")
    v = np.sort(s.to_numpy())[::-1]
    total = v.sum()
    if not total > 0:
        raise CRMDataError(
            f"values: the total value is {total:g}; shares of the total need a positive "
            f"total: check the sign of the values or leave out loss-making customers"
        )
    n = len(v)
    cum = np.empty(n + 1)
    cum[0] = 0.0
    np.cumsum(v, out=cum[1:])
    return pd.DataFrame(
        {"customer_share": np.arange(n + 1) / n, "value_share": cum / total}
    )


def gini(values):
    r"""Gini coefficient of the value per customer (0 = all equal, near 1 = one has all).

    With the values sorted ascending, :math:`x_{(1)} \le \dots \le x_{(n)}`:

    .. math:: G = \frac{2\sum_{i=1}^n i\,x_{(i)}}{n\sum_i x_i} - \frac{n+1}{n}

    It is twice the area between the diagonal and the Lorenz curve of the
    :math:`n` customers; its largest value is :math:`(n-1)/n`, reached when one
    customer has all the value. Values must be >= 0 with a positive total.

    Parameters
    ----------
    values : Series, array or list
        One non-negative value per customer.

    Returns
    -------
    float

    Examples
    --------
    >>> gini([5, 5, 5, 5])
    0.0
    >>> gini([0, 0, 0, 100])
    0.75

    """
    s = _values_series(values, "values")
    v = np.sort(s.to_numpy())
    if v[0] < 0:
        raise CRMDataError(
            f"values: {int((v < 0).sum())} negative values (e.g. {v[0]:g}); the Gini "
            f"coefficient needs values >= 0: clip them (values.clip(lower=0)) or use "
            f"lorenz_curve, which shows losses as a whale curve"
        )
    total = v.sum()
    if not total > 0:
        raise CRMDataError("values: all values are 0, so the Gini coefficient is undefined")
    n = len(v)
    i = np.arange(1, n + 1, dtype="float64")
    g = 2.0 * np.dot(i, v) / (n * total) - (n + 1) / n
    return float(max(g, 0.0))  # equal values can round to -2e-16


def top_share(values, share=0.2):
    """Share of the total value that the best ``share`` of customers bring.

    Read off the :func:`lorenz_curve` at ``customer_share = share``, with
    linear interpolation between customers (so the top 20 % of 7 customers
    count 1.4 customers). Use it to test the "20/80" claim on real data.

    Parameters
    ----------
    values : Series, array or list
        One value per customer (EUR), total > 0.
    share : float
        Share of customers, best first, in [0, 1] (default 0.2).

    Returns
    -------
    float
        Share of the total value, usually in [0, 1] (above 1 if some values
        are negative).

    Examples
    --------
    >>> top_share([900, 50, 400, 30, 120, 80, 60, 40, 20, 300])
    0.65

    """
    share = _share(share, "share")
    curve = lorenz_curve(values)
    return float(np.interp(share, curve["customer_share"], curve["value_share"]))


# --------------------------------------------------------------------------------------
# RFM
# --------------------------------------------------------------------------------------

_TIES = ("min", "average", "first")


def _scores(goodness: np.ndarray, bins: int, ties: str) -> np.ndarray:
    """Points 1..bins from ranks of ``goodness`` (higher is better)."""
    n = len(goodness)
    ranks = pd.Series(goodness, copy=False).rank(method=ties).to_numpy()
    points = np.floor(bins * (ranks - 0.5) / n).astype(np.int64) + 1
    return points


def rfm_scores(
    summary,
    bins=5,
    recency="days_since_last",
    frequency="n_purchases",
    monetary="revenue",
    ties="min",
):
    r"""Recency, frequency and monetary points per customer, their sum and code.

    Each dimension becomes points 1..``bins`` by its rank among all customers
    (quantile scores): with the rank :math:`k` (1 = worst) of :math:`n`
    customers,

    .. math:: \text{points} = \left\lfloor \text{bins}\cdot\frac{k - 1/2}{n}
              \right\rfloor + 1

    so with distinct values each point class holds a ``1/bins`` share of the
    customers (quintiles for bins=5). A *recent* purchase is good: a small
    ``days_since_last`` earns high r points. Frequent buyers and big spenders
    earn high f and m points.

    Ties (many customers with one purchase, or the same day of last
    purchase) follow ``ties``:

    - ``"min"`` (default): a tie group gets the points of its lowest rank, so
      identical customers always get identical points and the lowest value
      always gets 1 point; point classes can then be uneven or empty (if 60 %
      bought once, they all get f = 1 and the next class starts at f = 4).
    - ``"average"``: a tie group gets the points of its mid-rank.
    - ``"first"``: ties are broken by row order (``rank(method="first")``,
      like the common ``qcut`` recipe): equal-sized classes, but equal
      customers can get different points and a reordered table gives other
      points.

    ``rfm_sum`` = r + f + m adds the points up per customer, as in the
    classic points model; ``rfm_code`` writes them side by side ("545").

    Parameters
    ----------
    summary : DataFrame
        Customer table, e.g. from :func:`crmlearn.customer_summary`.
    bins : int
        Number of point classes, 2..9 (default 5).
    recency, frequency, monetary : str
        Column names: days since the last purchase (lower is better), number
        of purchases, revenue in EUR.
    ties : {"min", "average", "first"}
        How tied values are ranked, see above.

    Returns
    -------
    DataFrame
        A new table indexed like ``summary`` with the columns ``r``, ``f``,
        ``m`` (int, 1..bins), ``rfm_sum`` (int, 3..3*bins) and ``rfm_code``
        (str, e.g. "545").

    Examples
    --------
    >>> s = pd.DataFrame({"days_since_last": [5, 40, 200, 10, 90],
    ...                   "n_purchases": [8, 3, 1, 1, 2],
    ...                   "revenue": [900.0, 150.0, 30.0, 60.0, 120.0]},
    ...                  index=[101, 102, 103, 104, 105])
    >>> rfm_scores(s)
         r  f  m  rfm_sum rfm_code
    101  5  5  5       15      555
    102  3  4  4       11      344
    103  1  1  1        3      111
    104  4  1  2        7      412
    105  2  3  3        8      233

    """
    if not isinstance(summary, pd.DataFrame):
        raise CRMDataError(
            f"rfm_scores: summary must be a customer table (DataFrame), got "
            f"{type(summary).__name__}; build one with crmlearn.customer_summary(transactions)"
        )
    if isinstance(bins, bool) or not isinstance(bins, (int, np.integer)) or not 2 <= bins <= 9:
        raise CRMDataError(
            f"bins must be a whole number from 2 to 9 (one digit per score in rfm_code), "
            f"got {bins!r}"
        )
    if ties not in _TIES:
        raise CRMDataError(f"ties must be one of {_TIES}, got {ties!r}")
    missing = [c for c in (recency, frequency, monetary) if c not in summary.columns]
    if missing:
        raise CRMDataError(
            f"rfm_scores: columns {missing} are not in the table; it has "
            f"{list(summary.columns)}; name the right ones with recency=, frequency=, monetary="
        )
    r_vals = _values_series(summary[recency], f"column {recency!r}", allow_negative=False)
    f_vals = _values_series(summary[frequency], f"column {frequency!r}", allow_negative=False)
    m_vals = _values_series(summary[monetary], f"column {monetary!r}")
    bins = int(bins)
    r = _scores(-r_vals.to_numpy(), bins, ties)
    f = _scores(f_vals.to_numpy(), bins, ties)
    m = _scores(m_vals.to_numpy(), bins, ties)
    code_num = r * 100 + f * 10 + m
    out = pd.DataFrame({"r": r, "f": f, "m": m, "rfm_sum": r + f + m}, index=summary.index)
    out["rfm_code"] = pd.Series(code_num, index=summary.index, copy=False).astype(str)
    return out


#: Named RFM segments as rules on the r and f points (1-5). Every (r, f) pair
#: falls into exactly one row. Rows are ordered from the most to the least valuable.
RFM_SEGMENTS = pd.DataFrame(
    [
        ("champions", 5, 5, 4, 5, "bought recently and often: reward, ask for reviews"),
        ("loyal", 3, 4, 4, 5, "buy often, not quite as recently: upsell, loyalty programme"),
        ("potential loyalist", 4, 5, 2, 3, "recent, a few purchases: offer membership"),
        ("new", 5, 5, 1, 1, "first purchase just now: onboarding, build the relationship"),
        ("promising", 4, 4, 1, 1, "recent one-time buyers: create brand awareness"),
        ("need attention", 3, 3, 3, 3, "middling recency and frequency: limited-time offers"),
        ("about to sleep", 3, 3, 1, 2, "below average, fading: share useful content"),
        ("can't lose", 1, 2, 5, 5, "used to buy most often, gone quiet: win them back"),
        ("at risk", 1, 2, 3, 4, "bought often, long ago: personal reactivation"),
        ("hibernating", 2, 2, 1, 2, "long ago and rarely: cheap reactivation or let go"),
        ("lost", 1, 1, 1, 2, "longest gone, rarely bought: no spending"),
    ],
    columns=["segment", "r_min", "r_max", "f_min", "f_max", "action"],
)


def rfm_segments(scores, table=None):
    """Named segment per customer from the r and f points of :func:`rfm_scores`.

    Each row of ``table`` (default :data:`RFM_SEGMENTS`) is a rule
    ``r_min <= r <= r_max and f_min <= f <= f_max``. The default table covers
    every pair of 1..5 points exactly once:

    =====  ==============  ==============  ==============  =========  ==========
    r      f = 1           f = 2           f = 3           f = 4      f = 5
    =====  ==============  ==============  ==============  =========  ==========
    5      new             potential l.    potential l.    champions  champions
    4      promising       potential l.    potential l.    loyal      loyal
    3      about to sleep  about to sleep  need attention  loyal      loyal
    2      hibernating     hibernating     at risk         at risk    can't lose
    1      lost            lost            at risk         at risk    can't lose
    =====  ==============  ==============  ==============  =========  ==========

    ("potential l." is "potential loyalist".) The monetary points
    do not enter; they are left for ranking within a segment.

    Parameters
    ----------
    scores : DataFrame
        Result of :func:`rfm_scores` with ``bins=5`` (columns ``r`` and ``f``).
    table : DataFrame, optional
        Rules with the columns ``segment``, ``r_min``, ``r_max``, ``f_min``,
        ``f_max``; every (r, f) pair in ``scores`` must match exactly one rule.

    Returns
    -------
    Series
        Categorical named ``segment`` with the segments in table order,
        indexed like ``scores``.

    Examples
    --------
    >>> scores = pd.DataFrame({"r": [5, 5, 1, 3], "f": [5, 1, 5, 3]})
    >>> rfm_segments(scores).tolist()
    ['champions', 'new', "can't lose", 'need attention']

    """
    if table is None:
        table = RFM_SEGMENTS
    if not isinstance(scores, pd.DataFrame) or not {"r", "f"} <= set(scores.columns):
        raise CRMDataError(
            "rfm_segments: scores must be the DataFrame from rfm_scores(...) with columns "
            "'r' and 'f'"
        )
    need = ["segment", "r_min", "r_max", "f_min", "f_max"]
    if not isinstance(table, pd.DataFrame) or not set(need) <= set(table.columns):
        raise CRMDataError(f"rfm_segments: table must be a DataFrame with the columns {need}")
    r = _values_series(scores["r"], "scores['r']").to_numpy()
    f = _values_series(scores["f"], "scores['f']").to_numpy()
    if not (np.all(r == np.round(r)) and np.all(f == np.round(f))):
        raise CRMDataError("rfm_segments: r and f must be whole points from rfm_scores(...)")
    r = r.astype(np.int64)
    f = f.astype(np.int64)
    top = int(max(r.max(), f.max(), table["r_max"].max(), table["f_max"].max()))
    if r.min() < 1 or f.min() < 1:
        raise CRMDataError("rfm_segments: r and f points start at 1; got a value below 1")
    # lookup grid: grid[r, f] = row number of the matching rule (-1 none, -2 several)
    grid = np.full((top + 1, top + 1), -1, dtype=np.int64)
    for i, rule in enumerate(table[need].itertuples(index=False)):
        block = grid[rule.r_min : rule.r_max + 1, rule.f_min : rule.f_max + 1]
        block[:] = np.where(block == -1, i, -2)
    codes = grid[r, f]
    for bad, what in ((-1, "no rule"), (-2, "more than one rule")):
        hit = codes == bad
        if hit.any():
            pairs = sorted({(int(a), int(b)) for a, b in zip(r[hit], f[hit], strict=True)})[:5]
            raise CRMDataError(
                f"rfm_segments: (r, f) pairs {pairs} match {what} in the segment table "
                f"({describe_rows(scores.index[hit])}); use bins=5 with the default table "
                f"or fix the ranges so each pair matches exactly one rule"
            )
    names = list(table["segment"])
    cat = pd.Categorical.from_codes(codes, categories=names)
    return pd.Series(cat, index=scores.index, name="segment")


# --------------------------------------------------------------------------------------
# Value categories (Peppers & Rogers)
# --------------------------------------------------------------------------------------


def potential_from_wallet(wallet, actual_spend):
    r"""Share of wallet and unrealized potential value per customer.

    .. math:: \text{share\_of\_wallet} = \min(\text{spend}/\text{wallet},\ 1),
              \qquad \text{potential} = \max(\text{wallet} - \text{spend},\ 0)

    The wallet is what the customer spends on the category at all suppliers
    (EUR per year); spend is what they spend with us. Spend above the wallet
    means the wallet estimate is too low: the share is capped at 1 and the
    potential is 0.

    Parameters
    ----------
    wallet : Series, array or list
        Category spend at all suppliers, EUR per year, > 0.
    actual_spend : Series, array or list
        Spend with us, EUR per year, >= 0; same length (and index).

    Returns
    -------
    DataFrame
        Columns ``wallet``, ``spend``, ``share_of_wallet`` (0..1) and
        ``potential`` (EUR), indexed like ``wallet``.

    Examples
    --------
    >>> potential_from_wallet([1000, 500, 200], [250, 500, 260])
       wallet  spend  share_of_wallet  potential
    0  1000.0  250.0             0.25      750.0
    1   500.0  500.0             1.00        0.0
    2   200.0  260.0             1.00        0.0

    """
    w = _values_series(wallet, "wallet", allow_negative=False)
    sp = _values_series(actual_spend, "actual_spend", allow_negative=False)
    if len(w) != len(sp):
        raise CRMDataError(
            f"wallet has {len(w)} customers but actual_spend has {len(sp)}; pass one value "
            f"per customer in both"
        )
    if isinstance(wallet, pd.Series) and isinstance(actual_spend, pd.Series):
        if not w.index.equals(sp.index):
            raise CRMDataError(
                "wallet and actual_spend have different indexes; align them first "
                "(actual_spend.reindex(wallet.index))"
            )
    zero = w.to_numpy() == 0
    if zero.any():
        raise CRMDataError(
            f"wallet: {int(zero.sum())} customers have a wallet of 0 "
            f"({describe_rows(w.index[zero])}); a share of wallet needs a positive wallet: "
            f"leave them out or estimate their wallet"
        )
    wv, sv = w.to_numpy(), sp.to_numpy()
    return pd.DataFrame(
        {
            "wallet": wv,
            "spend": sv,
            "share_of_wallet": np.minimum(sv / wv, 1.0),
            "potential": np.maximum(wv - sv, 0.0),
        },
        index=w.index,
    )


def value_categories(
    actual_value,
    potential_value,
    mvc_quantile=0.8,
    mgc_quantile=0.8,
    mvc_threshold=None,
    mgc_threshold=None,
):
    """Peppers and Rogers' value categories from actual and potential value.

    Rules, applied in this order (the first that matches wins):

    1. **BZC** (below-zero customers): actual value < 0; they cost more than
       they bring.
    2. **MVC** (most valuable customers): actual value >= the MVC threshold,
       by default the ``mvc_quantile`` (80 %) quantile of the actual values,
       i.e. roughly the top 20 %.
    3. **MGC** (most growable customers): unrealized potential value >= the
       MGC threshold, by default the ``mgc_quantile`` quantile of the
       potential values.
    4. **Migrator**: everyone else: modest actual value and modest potential.

    Quantiles use numpy's linear interpolation over all customers; values
    equal to a threshold count as reaching it, so ties never split. Pass
    ``mvc_threshold`` / ``mgc_threshold`` in EUR to use fixed cut-offs instead.

    Parameters
    ----------
    actual_value : Series, array or list
        Current value per customer (e.g. contribution margin or CLV), EUR.
    potential_value : Series, array or list
        Unrealized potential per customer, EUR, >= 0 (e.g. the ``potential``
        column of :func:`potential_from_wallet`).
    mvc_quantile, mgc_quantile : float
        Quantiles in (0, 1) for the default thresholds.
    mvc_threshold, mgc_threshold : float, optional
        Fixed thresholds in EUR; they replace the quantiles.

    Returns
    -------
    Series
        Categorical named ``value_category`` with categories
        ``["MVC", "MGC", "Migrator", "BZC"]``, indexed like ``actual_value``.

    Examples
    --------
    >>> actual = pd.Series([500.0, 80.0, 20.0, -40.0, 30.0])
    >>> potential = pd.Series([100.0, 900.0, 50.0, 600.0, 80.0])
    >>> value_categories(actual, potential, mvc_threshold=400, mgc_threshold=500).tolist()
    ['MVC', 'MGC', 'Migrator', 'BZC', 'Migrator']

    """
    a = _values_series(actual_value, "actual_value")
    p = _values_series(potential_value, "potential_value", allow_negative=False)
    if len(a) != len(p):
        raise CRMDataError(
            f"actual_value has {len(a)} customers but potential_value has {len(p)}; pass one "
            f"value per customer in both"
        )
    if isinstance(actual_value, pd.Series) and isinstance(potential_value, pd.Series):
        if not a.index.equals(p.index):
            raise CRMDataError(
                "actual_value and potential_value have different indexes; align them first"
            )
    av, pv = a.to_numpy(), p.to_numpy()
    if mvc_threshold is None:
        q = _share(mvc_quantile, "mvc_quantile", low_open=True)
        mvc_threshold = float(np.quantile(av, q))
    if mgc_threshold is None:
        q = _share(mgc_quantile, "mgc_quantile", low_open=True)
        mgc_threshold = float(np.quantile(pv, q))
    codes = np.full(len(av), 2, dtype=np.int8)
    codes[pv >= mgc_threshold] = 1
    codes[av >= mvc_threshold] = 0
    codes[av < 0] = 3
    cat = pd.Categorical.from_codes(codes, categories=VALUE_CATEGORIES)
    return pd.Series(cat, index=a.index, name="value_category")
