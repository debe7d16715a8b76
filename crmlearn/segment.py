"""Customer segmentation: loyalty tiers, lifecycle stages and needs-based segments.

Segmentation is the third of the 10 Cs of CRM: customers are split into groups
that are treated differently. This module offers three ways, each driven by data:

==============================  ==================================================
function                        splits customers by
==============================  ==================================================
:func:`yearly_spend`            (input) net spend in one year, in EUR
:func:`membership_tiers`        yearly spend: Basis, Silber, Gold, Platin
:func:`lifecycle_stages`        timing of purchases: new, active, at risk, lapsed
:func:`needs_segments`          what customers buy: k-means on category shares
:func:`segment_profiles`        (output) mean category shares per needs segment
:func:`adjusted_rand_index`     (check) agreement of two segmentations
==============================  ==================================================

Value-based differentiation (ABC, RFM, value categories) lives in
:mod:`crmlearn.value`; this module segments by spend level, timing and needs.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from .errors import CRMDataError, describe_rows
from .validation import validate_table, validate_transactions

__all__ = [
    "DEFAULT_TIERS",
    "LIFECYCLE_STAGES",
    "yearly_spend",
    "membership_tiers",
    "lifecycle_stages",
    "category_shares",
    "needs_segments",
    "segment_profiles",
    "adjusted_rand_index",
]

#: Loyalty tiers by net yearly spend: tier name -> lowest spend (EUR a year) of
#: the tier, in increasing order. A customer belongs to the highest tier whose
#: bound they reach: Basis < 100 EUR <= Silber < 300 EUR <= Gold < 1000 EUR <= Platin.
DEFAULT_TIERS = {"Basis": 0.0, "Silber": 100.0, "Gold": 300.0, "Platin": 1000.0}

#: The lifecycle stages of :func:`lifecycle_stages`, in their order.
LIFECYCLE_STAGES = ("new", "active", "at risk", "lapsed")

_NS_PER_DAY = 86_400 * 10**9


# --- yearly spend and tiers ------------------------------------------------------------

def _customer_ids(customers, name: str = "customers") -> pd.Index:
    if isinstance(customers, pd.DataFrame):
        if "customer_id" not in customers.columns:
            raise CRMDataError(
                f"{name}: a DataFrame needs a column 'customer_id'; it has columns "
                f"{', '.join(map(repr, map(str, customers.columns)))}"
            )
        ids = customers["customer_id"]
    elif isinstance(customers, pd.Series):
        ids = customers
    else:
        ids = pd.Series(list(customers))
    if ids.isna().any():
        raise CRMDataError(f"{name}: {describe_rows(ids.index[ids.isna()])} have no customer_id")
    ids = pd.Index(ids.drop_duplicates(), name="customer_id")
    return ids.sort_values()


def yearly_spend(transactions: pd.DataFrame, year: int | None = None, *, as_of=None,
                 customers=None) -> pd.Series:
    """Net spend of each customer in one year (EUR).

    The window is either the calendar year ``year`` (1 January to 31 December)
    or, with ``as_of``, the 365 days ending on that date:
    ``as_of - 364 days <= date <= as_of``. With neither, the window is the 365
    days ending on the latest date in ``transactions``.

    ``net spend = sum of purchase amounts - sum of returned amounts`` in the
    window (returns carry negative amounts, so this is the plain sum). A return
    in January of a December purchase makes the net spend negative; that is
    reported, not hidden.

    Parameters
    ----------
    transactions : pandas.DataFrame
        Columns ``customer_id``, ``date``, ``amount`` (and optionally ``kind``);
        validated, never modified.
    year : int, optional
        Calendar year, e.g. ``2024``.
    as_of : date-like, optional
        Last day of a rolling 365-day window. Give ``year`` or ``as_of``, not both.
    customers : DataFrame with ``customer_id``, or iterable of ids, optional
        The customers to report. Customers without a purchase in the window get
        0 EUR, so nobody drops out silently. Default: every customer that has any
        transaction in ``transactions`` (also outside the window).

    Returns
    -------
    pandas.Series
        Named ``yearly_spend``, indexed by ``customer_id`` (sorted), EUR.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2, 2],
    ...                    "date": pd.to_datetime(["2023-05-01", "2024-03-01",
    ...                                            "2024-06-01", "2024-06-20"]),
    ...                    "amount": [50.0, 120.0, 80.0, -30.0],
    ...                    "kind": ["purchase", "purchase", "purchase", "return"]})
    >>> yearly_spend(tx, 2024, customers=[1, 2, 3])
    customer_id
    1    120.0
    2     50.0
    3      0.0
    Name: yearly_spend, dtype: float64

    """
    if year is not None and as_of is not None:
        raise CRMDataError(
            f"yearly_spend: give either year (a calendar year) or as_of (end of a rolling "
            f"365-day window), not both; got year={year!r}, as_of={as_of!r}"
        )
    if not isinstance(transactions, pd.DataFrame):
        raise CRMDataError(
            f"transactions: expected a pandas DataFrame, got {type(transactions).__name__}"
        )
    tx = validate_transactions(transactions)
    if year is not None:
        if isinstance(year, bool) or not isinstance(year, (int, np.integer)):
            raise CRMDataError(f"yearly_spend: year must be a whole number like 2024; got {year!r}")
        start, end = pd.Timestamp(int(year), 1, 1), pd.Timestamp(int(year), 12, 31)
    else:
        if as_of is None:
            if len(tx) == 0:
                raise CRMDataError(
                    "transactions: the table is empty; pass year or as_of to define the window"
                )
            end = tx["date"].max().normalize()
        else:
            try:
                end = pd.Timestamp(as_of).normalize()
            except (TypeError, ValueError):
                raise CRMDataError(
                    f"yearly_spend: as_of must be a date like '2025-06-30'; got {as_of!r}"
                ) from None
        start = end - pd.Timedelta(days=364)
    day = tx["date"].dt.normalize()
    inside = (day >= start) & (day <= end)
    spend = tx.loc[inside].groupby("customer_id")["amount"].sum()
    ids = (_customer_ids(tx["customer_id"]) if customers is None
           else _customer_ids(customers))
    out = spend.reindex(ids, fill_value=0.0).astype(float)
    out.index.name = "customer_id"
    out.name = "yearly_spend"
    return out


def _check_tiers(thresholds) -> tuple[list[str], np.ndarray]:
    if not isinstance(thresholds, Mapping) or len(thresholds) < 2:
        raise CRMDataError(
            "thresholds must be a mapping of at least two tiers, tier name -> lowest "
            f"yearly spend in EUR, e.g. {DEFAULT_TIERS}; got {thresholds!r}"
        )
    names = [str(k) for k in thresholds]
    try:
        bounds = np.array([float(v) for v in thresholds.values()])
    except (TypeError, ValueError):
        raise CRMDataError(
            f"thresholds: every lower bound must be a number (EUR); got {dict(thresholds)!r}"
        ) from None
    if not np.all(np.isfinite(bounds)) or np.any(np.diff(bounds) <= 0):
        raise CRMDataError(
            "thresholds: the lower bounds must be finite and strictly increasing from the "
            f"lowest tier to the highest; got {dict(thresholds)!r}"
        )
    return names, bounds


def membership_tiers(yearly_spend, thresholds: Mapping = DEFAULT_TIERS) -> pd.Series:
    """Loyalty tier of each customer from their yearly spend.

    Rule: a customer gets the highest tier whose lower bound their spend
    reaches, ``tier = max{t : spend >= bound_t}``. With :data:`DEFAULT_TIERS`:
    Basis below 100 EUR, Silber from 100 EUR, Gold from 300 EUR, Platin from
    1000 EUR a year. Spend below the lowest bound (e.g. negative net spend after
    returns) falls into the lowest tier. Tiers are monotone: more spend never
    means a lower tier.

    Parameters
    ----------
    yearly_spend : pandas.Series or array-like
        Yearly spend in EUR, e.g. from :func:`yearly_spend`; no missing values.
    thresholds : mapping, default :data:`DEFAULT_TIERS`
        Ordered mapping ``tier name -> lower bound in EUR``, bounds strictly
        increasing (the first bound only names the start of the scale).

    Returns
    -------
    pandas.Series
        Ordered Categorical named ``tier`` with the tier names as categories
        (lowest first), same index as the input.

    Examples
    --------
    >>> membership_tiers(pd.Series([0.0, 99.99, 100.0, 450.0, 2500.0]))
    0     Basis
    1     Basis
    2    Silber
    3      Gold
    4    Platin
    Name: tier, dtype: category
    Categories (4, str): ['Basis' < 'Silber' < 'Gold' < 'Platin']

    """
    names, bounds = _check_tiers(thresholds)
    spend = yearly_spend if isinstance(yearly_spend, pd.Series) else pd.Series(yearly_spend)
    try:
        values = spend.to_numpy(dtype=float)
    except (TypeError, ValueError):
        raise CRMDataError(
            "yearly_spend: every value must be a number (EUR a year); compute it with "
            "crmlearn.segment.yearly_spend"
        ) from None
    bad = np.isnan(values)
    if bad.any():
        raise CRMDataError(
            f"yearly_spend: {int(bad.sum())} missing value(s) ({describe_rows(spend.index[bad])}); "
            "a customer without purchases has a spend of 0, use fillna(0) if that is meant"
        )
    codes = np.searchsorted(bounds[1:], values, side="right")
    cat = pd.Categorical.from_codes(codes, categories=names, ordered=True)
    return pd.Series(cat, index=spend.index, name="tier")


# --- lifecycle stages ----------------------------------------------------------------

def lifecycle_stages(summary: pd.DataFrame, new_days: float = 90, lapsed_days: float = 365,
                     tolerance: float = 1.5) -> pd.Series:
    """Lifecycle stage of each customer from the timing of their purchases.

    The customer-centricity model sees a customer's life as a cycle:
    consideration, purchase, use, maintenance, and then the cycle starts again.
    Purchase data show where a customer stands in it:

    ``new``
        first purchase at most ``new_days`` days before the observation end:
        the customer has just come from consideration to purchase and now uses
        the product; onboarding matters most.
    ``active``
        bought again recently: ``days_since_last <= tolerance x gap``, where
        ``gap`` is the customer's typical time between purchases (see below).
        The customer is in the use phase and the cycle runs by itself.
    ``at risk``
        overdue: no purchase for more than ``tolerance x gap`` days, but for at
        most ``lapsed_days``. This is the maintenance moment: a reminder, a
        service contact or an offer may restart the cycle.
    ``lapsed``
        no purchase for more than ``lapsed_days`` days: the cycle has stopped;
        the customer is back in consideration, often at a competitor (win-back).

    The rules are applied in the order lapsed, new, active, at risk.
    ``gap`` is the mean time between the customer's purchase days,
    ``(last_purchase - first_purchase) / frequency`` in days, for repeat buyers;
    for one-time buyers (no gap of their own) it is the median gap of all repeat
    buyers, the firm's typical purchase cycle.

    Parameters
    ----------
    summary : pandas.DataFrame
        The customer table of :func:`crmlearn.customer_summary`: columns
        ``first_purchase``, ``last_purchase``, ``frequency``, ``days_since_last``.
    new_days : float, default 90
        Days after the first purchase during which a customer counts as new.
    lapsed_days : float, default 365
        Days without a purchase after which a customer counts as lapsed.
    tolerance : float, default 1.5
        How many typical gaps may pass before a customer is overdue.

    Returns
    -------
    pandas.Series
        Ordered Categorical named ``stage`` with categories
        :data:`LIFECYCLE_STAGES`, same index as ``summary``.

    Examples
    --------
    >>> s = pd.DataFrame({
    ...     "first_purchase": pd.to_datetime(["2025-11-01", "2024-01-01", "2024-01-01",
    ...                                       "2023-01-01"]),
    ...     "last_purchase": pd.to_datetime(["2025-11-01", "2025-12-01", "2025-01-01",
    ...                                      "2024-06-01"]),
    ...     "frequency": [0, 10, 4, 3],
    ...     "days_since_last": [60, 30, 364, 578]}, index=[1, 2, 3, 4])
    >>> lifecycle_stages(s).tolist()
    ['new', 'active', 'at risk', 'lapsed']

    """
    if not isinstance(summary, pd.DataFrame):
        raise CRMDataError(
            f"summary: expected the DataFrame of crmlearn.customer_summary, got "
            f"{type(summary).__name__}"
        )
    need = ["first_purchase", "last_purchase", "frequency", "days_since_last"]
    missing = [c for c in need if c not in summary.columns]
    if missing:
        raise CRMDataError(
            f"summary: missing column(s) {', '.join(map(repr, missing))}; pass the table "
            "returned by crmlearn.customer_summary(transactions)"
        )
    for name, value in (("new_days", new_days), ("lapsed_days", lapsed_days),
                        ("tolerance", tolerance)):
        if isinstance(value, bool) or not isinstance(value, (int, float, np.number)) or not value > 0:
            raise CRMDataError(f"{name} must be a positive number; got {value!r}")
    if new_days >= lapsed_days:
        raise CRMDataError(
            f"new_days ({new_days}) must be smaller than lapsed_days ({lapsed_days})"
        )
    first = pd.to_datetime(summary["first_purchase"])
    last = pd.to_datetime(summary["last_purchase"])
    since = summary["days_since_last"].to_numpy(dtype=float)
    freq = summary["frequency"].to_numpy(dtype=float)
    span = (last - first).dt.days.to_numpy(dtype=float)
    age = span + since
    with np.errstate(invalid="ignore", divide="ignore"):
        own_gap = np.where(freq > 0, span / np.maximum(freq, 1), np.nan)
    repeat = freq > 0
    typical = float(np.median(own_gap[repeat])) if repeat.any() else float(lapsed_days)
    gap = np.where(repeat, own_gap, typical)
    stage = np.where(since <= tolerance * gap, 1, 2)
    stage = np.where(age <= new_days, 0, stage)
    stage = np.where(since > lapsed_days, 3, stage)
    cat = pd.Categorical.from_codes(stage, categories=list(LIFECYCLE_STAGES), ordered=True)
    return pd.Series(cat, index=summary.index, name="stage")


# --- needs-based segments -----------------------------------------------------------

def category_shares(order_lines: pd.DataFrame, products: pd.DataFrame,
                    transactions: pd.DataFrame, weight: str = "lines") -> pd.DataFrame:
    """Share of each product category in each customer's purchases.

    ``share[c, k] = weight of customer c's order lines in category k / total weight
    of customer c's order lines``, so every row sums to 1. With ``weight="lines"``
    each order line counts once (what was bought, whatever the price); with
    ``weight="amount"`` lines count by their revenue in EUR.

    Parameters
    ----------
    order_lines, products, transactions : pandas.DataFrame
        Tables with the schema's columns; lines are linked to customers through
        ``transaction_id`` and to categories through ``product_id``. Never modified.
    weight : {"lines", "amount"}
        What a line contributes.

    Returns
    -------
    pandas.DataFrame
        Index ``customer_id`` (customers with at least one order line), one
        column per category (alphabetical), values 0-1.

    Examples
    --------
    >>> lines = pd.DataFrame({"transaction_id": [1, 1, 2], "line_no": [1, 2, 1],
    ...                       "product_id": [10, 20, 20], "amount": [30.0, 10.0, 10.0]})
    >>> prods = pd.DataFrame({"product_id": [10, 20], "category": ["Zelte", "Socken"]})
    >>> tx = pd.DataFrame({"transaction_id": [1, 2], "customer_id": [7, 8],
    ...                    "date": pd.to_datetime(["2024-01-01", "2024-01-02"]),
    ...                    "amount": [40.0, 10.0]})
    >>> category_shares(lines, prods, tx)
    category     Socken  Zelte
    customer_id
    7               0.5    0.5
    8               1.0    0.0

    """
    joined = _lines_with_customers(order_lines, products, transactions)
    if weight not in ("lines", "amount"):
        raise CRMDataError(f"weight must be 'lines' or 'amount'; got {weight!r}")
    w = np.ones(len(joined)) if weight == "lines" else joined["amount"].to_numpy(dtype=float)
    table = (pd.DataFrame({"customer_id": joined["customer_id"].to_numpy(),
                           "category": joined["category"].astype(str).to_numpy(), "w": w})
             .pivot_table(index="customer_id", columns="category", values="w", aggfunc="sum",
                          fill_value=0.0))
    table = table.sort_index(axis=1)
    total = table.sum(axis=1)
    bad = total <= 0
    if bad.any():
        raise CRMDataError(
            f"order_lines: customers {describe_rows(table.index[bad]).replace('rows ', '')} "
            "have no positive line amount; use weight='lines' or remove these lines"
        )
    out = table.div(total, axis=0).astype(float)
    out.columns = pd.Index([str(c) for c in out.columns], name="category")
    out.index.name = "customer_id"
    return out


def _lines_with_customers(order_lines, products, transactions) -> pd.DataFrame:
    lines = validate_table(order_lines, "order_lines",
                           required=["transaction_id", "product_id", "amount"])
    prods = validate_table(products, "products", required=["product_id", "category"])
    tx = validate_table(transactions, "transactions",
                        required=["transaction_id", "customer_id", "date"])
    joined = lines.merge(tx[["transaction_id", "customer_id", "date"]], on="transaction_id",
                         how="left", validate="many_to_one")
    orphan = joined["customer_id"].isna().to_numpy()
    if orphan.any():
        raise CRMDataError(
            f"order_lines: {int(orphan.sum())} line(s) ({describe_rows(lines.index[orphan])}) "
            "have a transaction_id that is not in transactions; pass the transactions the "
            "lines belong to"
        )
    joined = joined.merge(prods[["product_id", "category"]], on="product_id", how="left",
                          validate="many_to_one")
    unknown = joined["category"].isna().to_numpy()
    if unknown.any():
        raise CRMDataError(
            f"order_lines: {int(unknown.sum())} line(s) ({describe_rows(lines.index[unknown])}) "
            "have a product_id that is not in products; pass the full product catalogue"
        )
    joined["customer_id"] = joined["customer_id"].astype(np.int64)
    return joined


def _kmeans(x: np.ndarray, k: int, rng: np.random.Generator, n_iter: int = 100):
    """Lloyd's k-means from a k-means++ start; returns labels and inertia."""
    n = len(x)
    centres = np.empty((k, x.shape[1]))
    centres[0] = x[rng.integers(n)]
    d2 = ((x - centres[0]) ** 2).sum(axis=1)
    for j in range(1, k):
        total = d2.sum()
        idx = rng.choice(n, p=d2 / total) if total > 0 else rng.integers(n)
        centres[j] = x[idx]
        d2 = np.minimum(d2, ((x - centres[j]) ** 2).sum(axis=1))
    labels = np.full(n, -1)
    for _ in range(n_iter):
        dist = ((x[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
        new = dist.argmin(axis=1)
        if np.array_equal(new, labels):
            break
        labels = new
        for j in range(k):
            members = labels == j
            if members.any():
                centres[j] = x[members].mean(axis=0)
    inertia = float(((x - centres[labels]) ** 2).sum())
    return labels, inertia


def needs_segments(order_lines: pd.DataFrame, products: pd.DataFrame,
                   transactions: pd.DataFrame, k: int = 5, seed: int = 0, *,
                   weight: str = "lines", n_init: int = 10) -> pd.DataFrame:
    """Needs-based segments: k-means clustering of the customers' category shares.

    Customers with the same needs buy the same kinds of products, whatever they
    spend. Each customer becomes a vector of category shares (see
    :func:`category_shares`); k-means groups similar vectors by minimising the
    within-segment sum of squares ``sum_c ||x_c - centre(segment_c)||^2``
    (Lloyd's algorithm from a k-means++ start, Arthur & Vassilvitskii 2007).
    Distances are chi-square distances as in correspondence analysis
    (Greenacre 2007): each category's share is divided by the square root of
    its mean share over all customers, ``x_ck = share_ck / sqrt(mean_c share_ck)``,
    so small but telling categories (carabiners, children's shoes) are not
    swamped by categories everybody buys (socks, jackets). The best of ``n_init`` starts (lowest sum of
    squares) wins. Segments are numbered by size, 0 = largest; the same seed
    always gives the same segments. Name them from :func:`segment_profiles`.

    Parameters
    ----------
    order_lines, products, transactions : pandas.DataFrame
        Tables with the schema's columns (``transactions`` links lines to
        customers). Never modified.
    k : int, default 5
        Number of segments, 2 or more and at most the number of customers.
    seed : int, default 0
        Seed of the ``numpy.random.Generator`` for the k-means++ starts.
    weight : {"lines", "amount"}
        Passed to :func:`category_shares`.
    n_init : int, default 10
        Number of k-means starts.

    Returns
    -------
    pandas.DataFrame
        Columns ``customer_id`` and ``segment`` (int, 0 to k-1), one row per
        customer with at least one order line, sorted by ``customer_id``.

    Examples
    --------
    >>> lines = pd.DataFrame({"transaction_id": [1, 2, 3, 4], "line_no": [1, 1, 1, 1],
    ...                       "product_id": [10, 10, 20, 20], "amount": [9.0] * 4})
    >>> prods = pd.DataFrame({"product_id": [10, 20], "category": ["Zelte", "Seile"]})
    >>> tx = pd.DataFrame({"transaction_id": [1, 2, 3, 4], "customer_id": [1, 2, 3, 4],
    ...                    "date": pd.to_datetime(["2024-01-01"] * 4), "amount": [9.0] * 4})
    >>> needs_segments(lines, prods, tx, k=2)["segment"].tolist()
    [0, 0, 1, 1]

    """
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 2:
        raise CRMDataError(f"k must be a whole number of segments, at least 2; got {k!r}")
    if isinstance(n_init, bool) or not isinstance(n_init, (int, np.integer)) or n_init < 1:
        raise CRMDataError(f"n_init must be a positive whole number; got {n_init!r}")
    shares = category_shares(order_lines, products, transactions, weight=weight)
    if len(shares) < k:
        raise CRMDataError(
            f"k={k} segments need at least {k} customers with order lines; there are "
            f"{len(shares)}. Choose a smaller k"
        )
    values = shares.to_numpy(dtype=float)
    x = values / np.sqrt(values.mean(axis=0))
    rng = np.random.default_rng(seed)
    best_labels, best_inertia = None, np.inf
    for _ in range(n_init):
        labels, inertia = _kmeans(x, int(k), rng)
        if inertia < best_inertia - 1e-12:
            best_labels, best_inertia = labels, inertia
    # number segments by size (largest first), ties by their first customer
    sizes = np.bincount(best_labels, minlength=k)
    first_pos = np.array([np.flatnonzero(best_labels == j)[0] if sizes[j] else len(x)
                          for j in range(k)])
    order = np.lexsort((first_pos, -sizes))
    relabel = np.empty(k, dtype=np.int64)
    relabel[order] = np.arange(k)
    return pd.DataFrame({"customer_id": shares.index.to_numpy(),
                         "segment": relabel[best_labels]})


def segment_profiles(shares: pd.DataFrame, segments) -> pd.DataFrame:
    """Mean category shares per segment, to see what each segment buys and name it.

    ``profile[s, k] = mean over the customers c in segment s of share[c, k]``.
    Each row sums to 1 (apart from rounding).

    Parameters
    ----------
    shares : pandas.DataFrame
        The result of :func:`category_shares` (index ``customer_id``).
    segments : pandas.DataFrame or pandas.Series
        The result of :func:`needs_segments` (columns ``customer_id``,
        ``segment``) or a Series of segment labels indexed by ``customer_id``.
        Every customer in ``shares`` needs a segment.

    Returns
    -------
    pandas.DataFrame
        Index ``segment``; one column per category (mean share, 0-1) and a last
        column ``customers`` (number of customers in the segment).

    Examples
    --------
    >>> shares = pd.DataFrame({"Socken": [0.5, 1.0, 0.0], "Zelte": [0.5, 0.0, 1.0]},
    ...                       index=pd.Index([7, 8, 9], name="customer_id"))
    >>> segment_profiles(shares, pd.Series([0, 0, 1], index=[7, 8, 9]))
             Socken  Zelte  customers
    segment
    0          0.75   0.25          2
    1          0.00   1.00          1

    """
    if not isinstance(shares, pd.DataFrame):
        raise CRMDataError(
            f"shares: expected the DataFrame of category_shares, got {type(shares).__name__}"
        )
    if isinstance(segments, pd.DataFrame):
        if not {"customer_id", "segment"} <= set(segments.columns):
            raise CRMDataError(
                "segments: a DataFrame needs columns 'customer_id' and 'segment' (the result "
                "of needs_segments)"
            )
        labels = segments.set_index("customer_id")["segment"]
    elif isinstance(segments, pd.Series):
        labels = segments
    else:
        raise CRMDataError(
            f"segments: expected a DataFrame or Series, got {type(segments).__name__}"
        )
    aligned = labels.reindex(shares.index)
    missing = aligned.isna().to_numpy()
    if missing.any():
        raise CRMDataError(
            f"segments: {int(missing.sum())} customer(s) of shares have no segment (customer_id "
            f"{', '.join(map(str, shares.index[missing][:5]))}); compute shares and segments "
            "from the same tables"
        )
    profile = shares.groupby(aligned.rename("segment").to_numpy()).mean()
    profile.index.name = "segment"
    profile.columns.name = None
    profile["customers"] = aligned.value_counts().reindex(profile.index).to_numpy()
    return profile


# --- comparing segmentations -----------------------------------------------------------

def adjusted_rand_index(a, b) -> float:
    """Agreement of two segmentations of the same customers, corrected for chance.

    From the contingency table ``n_ij`` (customers in segment i of ``a`` and
    segment j of ``b``) with row sums ``a_i``, column sums ``b_j`` and ``n``
    customers (Hubert & Arabie 1985)::

        index    = sum_ij C(n_ij, 2)
        expected = sum_i C(a_i, 2) * sum_j C(b_j, 2) / C(n, 2)
        maximum  = (sum_i C(a_i, 2) + sum_j C(b_j, 2)) / 2
        ARI      = (index - expected) / (maximum - expected)

    where ``C(m, 2) = m (m - 1) / 2`` counts pairs. ARI is 1 for identical
    segmentations (whatever the labels are called), about 0 for random ones and
    can be slightly negative. It is symmetric in ``a`` and ``b``. If both
    segmentations put everybody into one segment (or each customer into their
    own), the maximum equals the expected value and the ARI is defined as 1.

    Parameters
    ----------
    a, b : array-like
        Segment labels of the same customers, in the same order; any hashable
        labels (numbers, names), no missing values.

    Returns
    -------
    float

    Examples
    --------
    >>> adjusted_rand_index([0, 0, 1, 1], ["x", "x", "y", "y"])
    1.0
    >>> round(adjusted_rand_index([0, 0, 1, 2], [0, 0, 1, 1]), 4)
    0.5714

    """
    sa = pd.Series(np.asarray(a, dtype=object) if not isinstance(a, pd.Series) else a.to_numpy())
    sb = pd.Series(np.asarray(b, dtype=object) if not isinstance(b, pd.Series) else b.to_numpy())
    if len(sa) != len(sb):
        raise CRMDataError(
            f"adjusted_rand_index: a has {len(sa)} labels but b has {len(sb)}; both must label "
            "the same customers in the same order (align them, e.g. with merge on customer_id)"
        )
    for name, s in (("a", sa), ("b", sb)):
        if s.isna().any():
            raise CRMDataError(
                f"adjusted_rand_index: {name} has missing labels at positions "
                f"{describe_rows(np.flatnonzero(s.isna())).replace('rows ', '').replace('row ', '')}"
                "; every customer needs a segment in both labellings"
            )
    n = len(sa)
    if n < 2:
        raise CRMDataError(f"adjusted_rand_index: needs at least 2 customers; got {n}")
    ca, _ = pd.factorize(sa)
    cb, _ = pd.factorize(sb)
    ka, kb = ca.max() + 1, cb.max() + 1
    table = np.bincount(ca * kb + cb, minlength=ka * kb).reshape(ka, kb).astype(float)

    def pairs(m):
        return m * (m - 1) / 2.0

    index = pairs(table).sum()
    sum_a = pairs(table.sum(axis=1)).sum()
    sum_b = pairs(table.sum(axis=0)).sum()
    expected = sum_a * sum_b / pairs(float(n))
    maximum = (sum_a + sum_b) / 2.0
    if maximum == expected:
        return 1.0
    return float((index - expected) / (maximum - expected))
