"""What-if computations behind the live widgets.

Each function here is pure: it takes a handful of numbers (the positions of a
widget's controls), checks them and returns a new number, Series or
DataFrame. The widgets in :mod:`crmlearn.widgets` only wire controls to these
functions and to :mod:`crmlearn.value` / :mod:`crmlearn.loyalty`; whatever a
lecturer shows live can therefore also be computed, tested and quoted in a
notebook cell.

================================  ================================================
function                          question it answers
================================  ================================================
:func:`clv_scenario`              CLV, simple CLV and the CLV curve for one set
                                  of assumptions, or why there is no finite value
:func:`customer_base_projection`  customers, revenue and profit year by year for
                                  a retention rate and a stream of new customers
:func:`retention_from_spend`      retention reached with a retention budget
                                  (diminishing returns)
:func:`budget_split`              one budget shared between acquisition and
                                  retention: customers and profit at the end
:func:`budget_split_table`        the same for a range of shares (the curve)
:func:`nps_from_counts`           NPS and shares from counts of promoters,
                                  passives and detractors
:func:`weighted_rfm`              weighted sum of the r, f and m points
================================  ================================================

References
----------
Blattberg, R. C. and Deighton, J. (1996). Manage marketing by the customer
equity test. *Harvard Business Review* 74(4), 136-144 (acquisition versus
retention spending).
Reichheld, F. F. and Sasser, W. E. (1990). Zero defections: quality comes to
services. *Harvard Business Review* 68(5), 105-111.

"""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Integral

import numpy as np
import pandas as pd

from .errors import CRMDataError
from .validation import number_in_range as _number
from .value import cumulative_clv, retention_clv, simple_clv

__all__ = [
    "CLVScenario",
    "clv_scenario",
    "customer_base_projection",
    "retention_from_spend",
    "budget_split",
    "budget_split_table",
    "nps_from_counts",
    "weighted_rfm",
]




def _whole(value, name, low, high=None):
    if isinstance(value, bool) or not isinstance(value, Integral) or value < low or (
        high is not None and value > high
    ):
        upper = f" and <= {high}" if high is not None else ""
        raise CRMDataError(f"{name} must be a whole number >= {low}{upper}, got {value!r}")
    return int(value)


_RATE = "; a rate is a share between 0 and 1 (write 80 % as 0.8)"

# --------------------------------------------------------------------------------------
# CLV what-if
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CLVScenario:
    """Result of :func:`clv_scenario`.

    Attributes
    ----------
    clv : float or None
        :func:`~crmlearn.value.retention_clv` after the acquisition cost (EUR);
        None when it is infinite.
    simple : float or None
        :func:`~crmlearn.value.simple_clv` with the margin as yearly revenue
        and the same horizon (EUR); None for an endless horizon.
    limit : float or None
        Value of the endless horizon before the acquisition cost (EUR); None
        when it is infinite.
    curve : DataFrame
        :func:`~crmlearn.value.cumulative_clv` over ``curve_years`` years.
    break_even_year : int or None
        First year in which the cumulative discounted margin covers the
        acquisition cost; None if it never does within the curve.
    message : str or None
        Why there is no finite number, if there is none.

    """

    clv: float | None
    simple: float | None
    limit: float | None
    curve: pd.DataFrame
    break_even_year: int | None
    message: str | None


_ENDLESS = (
    "With 100 % retention and 0 % discount the value never stops growing: "
    "choose a finite horizon"
)


def clv_scenario(margin, retention, discount, years=None, acquisition_cost=0.0,
                 timing="end", max_curve_years=50):
    """Everything the CLV what-if shows for one set of assumptions.

    Combines :func:`~crmlearn.value.retention_clv`,
    :func:`~crmlearn.value.cumulative_clv` and
    :func:`~crmlearn.value.simple_clv`. With an endless horizon
    (``years=None``) the curve runs until it has reached 99 % of its limit
    (at most ``max_curve_years`` years). With ``retention=1``, ``discount=0``
    and no horizon the value is infinite: ``clv`` is None and ``message``
    says what to change; no exception is raised for this case.

    Parameters
    ----------
    margin : float
        Margin per customer and year, EUR.
    retention : float
        Retention rate per year, in [0, 1].
    discount : float
        Discount rate per year, >= 0.
    years : int or None
        Horizon in years (>= 1), None for no end.
    acquisition_cost : float
        Cost of winning the customer, EUR (>= 0).
    timing : {"end", "start"}
        When the margin of a year is paid, see :func:`~crmlearn.value.retention_clv`.
    max_curve_years : int
        Longest curve drawn for an endless horizon.

    Returns
    -------
    CLVScenario

    Raises
    ------
    CRMDataError
        For values out of range (the message names the argument).

    Examples
    --------
    >>> s = clv_scenario(100, 0.8, 0.1, years=3)
    >>> round(s.clv, 2), s.simple, len(s.curve)
    (164.09, 300.0, 3)
    >>> clv_scenario(100, 1.0, 0.0).message
    'With 100 % retention and 0 % discount the value never stops growing: choose a finite horizon'

    """
    margin = _number(margin, "margin")
    retention = _number(retention, "retention", 0.0, 1.0, hint=_RATE)
    discount = _number(discount, "discount", 0.0, hint="; e.g. 0.1 for 10 % a year")
    acquisition_cost = _number(acquisition_cost, "acquisition_cost", 0.0)
    max_curve_years = _whole(max_curve_years, "max_curve_years", 1)
    if years is not None:
        years = _whole(years, "years", 1)
    endless = retention == 1.0 and discount == 0.0
    message = None
    limit = None
    if years is None:
        simple = None
        if endless:
            message = _ENDLESS
            clv = None
            curve_years = min(30, max_curve_years)
        else:
            limit = retention_clv(margin, retention, discount, None, timing)
            clv = limit - acquisition_cost
            q = retention / (1.0 + discount)
            if q <= 0.0:
                curve_years = 1
            else:
                # q**n <= 1 % of the limit left over
                curve_years = math.ceil(math.log(0.01) / math.log(q)) if q < 1 else max_curve_years
            curve_years = int(min(max(curve_years, 5), max_curve_years))
    else:
        clv = retention_clv(margin, retention, discount, years, timing, acquisition_cost)
        # simple_clv takes revenue (>= 0); a loss-making margin is multiplied out directly
        simple = (simple_clv(margin, years, acquisition_cost) if margin >= 0
                  else margin * years - acquisition_cost)
        if not endless:
            limit = retention_clv(margin, retention, discount, None, timing)
        curve_years = years
    curve = cumulative_clv(margin, retention, discount, curve_years, timing)
    covered = np.flatnonzero(curve["cumulative"].to_numpy() >= acquisition_cost)
    break_even = int(curve["year"].iloc[covered[0]]) if len(covered) else None
    return CLVScenario(clv, simple, limit, curve, break_even, message)


# --------------------------------------------------------------------------------------
# customer base projection (churn / retention what-if)
# --------------------------------------------------------------------------------------


def customer_base_projection(
    customers=10_000,
    retention=0.8,
    new_customers_per_year=0.0,
    margin_per_customer=100.0,
    acquisition_cost=0.0,
    retention_cost_per_customer=0.0,
    years=5,
    discount=0.0,
    revenue_per_customer=None,
):
    r"""Project a customer base year by year: customers, revenue and profit.

    Start with :math:`N_0` = ``customers``. In year :math:`t = 1, 2, \dots`
    a share :math:`r` of the customers at the start of the year stays and
    :math:`a` = ``new_customers_per_year`` new customers join:

    .. math:: N_t = r\,N_{t-1} + a, \qquad
              N_t \to \frac{a}{1 - r} \text{ for } r < 1

    so the base settles where the yearly loss :math:`(1-r)N` equals the
    yearly gain :math:`a`. The money of year :math:`t`:

    - revenue = :math:`N_t` x ``revenue_per_customer``
    - margin = :math:`N_t` x ``margin_per_customer``
    - acquisition spend = :math:`a` x ``acquisition_cost``
    - retention spend = :math:`N_{t-1}` x ``retention_cost_per_customer``
      (spent on the customers one tries to keep)
    - profit = margin - acquisition spend - retention spend, discounted by
      :math:`(1+d)^{-t}` (paid at the end of the year).

    Customer numbers are expected values and need not be whole.

    Parameters
    ----------
    customers : float
        Customers today, >= 0.
    retention : float
        Share of customers kept from one year to the next, in [0, 1].
    new_customers_per_year : float
        Customers won each year, >= 0.
    margin_per_customer : float
        Contribution margin per customer and year, EUR (may be negative).
    acquisition_cost : float
        Cost per new customer, EUR (>= 0).
    retention_cost_per_customer : float
        Retention spending per existing customer and year, EUR (>= 0).
    years : int
        Number of years, 1..100.
    discount : float
        Discount rate per year, >= 0.
    revenue_per_customer : float, optional
        Revenue per customer and year, EUR (>= 0); defaults to the margin
        (then ``revenue`` equals ``margin``).

    Returns
    -------
    DataFrame
        One row per year with the columns ``year`` (1..years),
        ``customers_start``, ``retained``, ``lost``, ``new``, ``customers``
        (at the end of the year), ``revenue``, ``margin``,
        ``acquisition_spend``, ``retention_spend``, ``profit``,
        ``discounted_profit`` and ``cumulative_profit`` (running total of the
        discounted profit). Amounts in EUR.

    Examples
    --------
    >>> p = customer_base_projection(1000, 0.8, 100, margin_per_customer=50, years=3)
    >>> p[["year", "customers", "profit"]]
       year  customers   profit
    0     1      900.0  45000.0
    1     2      820.0  41000.0
    2     3      756.0  37800.0

    """
    n0 = _number(customers, "customers", 0.0)
    r = _number(retention, "retention", 0.0, 1.0, hint=_RATE)
    a = _number(new_customers_per_year, "new_customers_per_year", 0.0)
    m = _number(margin_per_customer, "margin_per_customer")
    ac = _number(acquisition_cost, "acquisition_cost", 0.0)
    rc = _number(retention_cost_per_customer, "retention_cost_per_customer", 0.0)
    n = _whole(years, "years", 1, 100)
    d = _number(discount, "discount", 0.0, hint="; e.g. 0.1 for 10 % a year")
    rev = m if revenue_per_customer is None else _number(
        revenue_per_customer, "revenue_per_customer", 0.0
    )
    year = np.arange(1, n + 1)
    # closed form of N_t = r N_{t-1} + a (no loop; exact for r = 1 too)
    rt = r**year
    grown = a * year if r == 1.0 else a * (1.0 - rt) / (1.0 - r)
    end = n0 * rt + grown
    start = np.concatenate(([n0], end[:-1]))
    retained = r * start
    new = np.full(n, a)
    margin = end * m
    acq = new * ac
    ret = start * rc
    profit = margin - acq - ret
    discounted = profit / (1.0 + d) ** year
    return pd.DataFrame(
        {
            "year": year,
            "customers_start": start,
            "retained": retained,
            "lost": start - retained,
            "new": new,
            "customers": end,
            "revenue": end * rev,
            "margin": margin,
            "acquisition_spend": acq,
            "retention_spend": ret,
            "profit": profit,
            "discounted_profit": discounted,
            "cumulative_profit": np.cumsum(discounted),
        }
    )


def retention_from_spend(base_retention, spend_per_customer, max_retention=0.95,
                         half_gap_cost=50.0):
    r"""Retention rate reached by spending on each existing customer (diminishing returns).

    Every ``half_gap_cost`` EUR per customer and year closes half of the
    remaining gap between today's retention and the best reachable one:

    .. math:: r(s) = r_{\max} - (r_{\max} - r_0)\,2^{-s/h}

    The first euros help most; no budget lifts retention above
    :math:`r_{\max}`. This is a teaching assumption, not an estimate; replace
    it with the result of a retention campaign test where you have one. If
    :math:`r_0 \ge r_{\max}` spending changes nothing.

    Parameters
    ----------
    base_retention : float
        Retention without extra spending, in [0, 1].
    spend_per_customer : float
        Retention spending per existing customer and year, EUR (>= 0).
    max_retention : float
        Best retention reachable, in [0, 1].
    half_gap_cost : float
        EUR per customer that close half of the gap (> 0).

    Returns
    -------
    float

    Examples
    --------
    >>> retention_from_spend(0.75, 50, max_retention=0.95, half_gap_cost=50)
    0.85
    >>> retention_from_spend(0.75, 0)
    0.75

    """
    r0 = _number(base_retention, "base_retention", 0.0, 1.0, hint=_RATE)
    s = _number(spend_per_customer, "spend_per_customer", 0.0)
    top = _number(max_retention, "max_retention", 0.0, 1.0, hint=_RATE)
    h = _number(half_gap_cost, "half_gap_cost", 0.0, low_open=True)
    if r0 >= top:
        return r0
    return float(round(top - (top - r0) * 2.0 ** (-s / h), 12))


def budget_split(
    budget,
    retention_share,
    customers=10_000,
    base_retention=0.8,
    acquisition_cost=200.0,
    margin_per_customer=100.0,
    max_retention=0.95,
    half_gap_cost=50.0,
    years=5,
    discount=0.0,
):
    """Share one yearly marketing budget between winning and keeping customers.

    The acquisition part, ``budget x (1 - retention_share)``, buys
    ``acquisition part / acquisition_cost`` new customers a year. The
    retention part is spread over today's customers; the spend per customer
    lifts retention by :func:`retention_from_spend`. Both then go into
    :func:`customer_base_projection`, with the retention spend per customer
    held constant (so the yearly retention spend follows the size of the base).

    Parameters
    ----------
    budget : float
        Marketing budget per year, EUR (>= 0).
    retention_share : float
        Share of the budget spent on retention, in [0, 1].
    customers : float
        Customers today (> 0).
    base_retention : float
        Retention without retention spending, in [0, 1].
    acquisition_cost : float
        Cost of one new customer, EUR (> 0).
    margin_per_customer : float
        Margin per customer and year, EUR.
    max_retention, half_gap_cost : float
        See :func:`retention_from_spend`.
    years : int
        Horizon of the projection.
    discount : float
        Discount rate per year, >= 0.

    Returns
    -------
    Series
        ``retention`` (reached), ``new_customers_per_year``,
        ``retention_spend_per_customer`` (EUR), ``customers_end`` (after
        ``years``), ``profit_total`` (discounted, EUR) and ``customer_change``
        (customers_end - customers).

    Examples
    --------
    >>> r = budget_split(500_000, 0.5, customers=10_000, base_retention=0.8,
    ...                  acquisition_cost=250, margin_per_customer=100, years=5)
    >>> round(float(r["retention"]), 3), float(r["new_customers_per_year"])
    (0.844, 1000.0)

    """
    b = _number(budget, "budget", 0.0)
    share = _number(retention_share, "retention_share", 0.0, 1.0,
                    hint="; a share of the budget between 0 and 1")
    n0 = _number(customers, "customers", 0.0, low_open=True,
                 hint="; the retention budget is spread over today's customers")
    ac = _number(acquisition_cost, "acquisition_cost", 0.0, low_open=True,
                 hint="; a new customer always costs something")
    spend = b * share / n0
    r = retention_from_spend(base_retention, spend, max_retention, half_gap_cost)
    new = b * (1.0 - share) / ac
    p = customer_base_projection(
        n0, r, new, margin_per_customer, ac, spend, years=years, discount=discount
    )
    end = float(p["customers"].iloc[-1])
    return pd.Series(
        {
            "retention": r,
            "new_customers_per_year": new,
            "retention_spend_per_customer": spend,
            "customers_end": end,
            "profit_total": float(p["cumulative_profit"].iloc[-1]),
            "customer_change": end - n0,
        },
        name="budget_split",
    )


def budget_split_table(
    budget,
    shares=None,
    customers=10_000,
    base_retention=0.8,
    acquisition_cost=200.0,
    margin_per_customer=100.0,
    max_retention=0.95,
    half_gap_cost=50.0,
    years=5,
    discount=0.0,
):
    """:func:`budget_split` for a range of retention shares, one row per share.

    Gives the same numbers as calling :func:`budget_split` once per share,
    computed for all shares at once (fast enough for a live widget).

    Parameters
    ----------
    budget : float
        Marketing budget per year, EUR.
    shares : sequence of float, optional
        Retention shares of the budget to compare, each in [0, 1]; default
        0, 5, ..., 100 %.
    customers, base_retention, acquisition_cost, margin_per_customer, \
max_retention, half_gap_cost, years, discount
        As in :func:`budget_split`.

    Returns
    -------
    DataFrame
        Index ``retention_share`` and the entries of :func:`budget_split` as
        columns.

    Examples
    --------
    >>> t = budget_split_table(100_000, [0.0, 0.5, 1.0], acquisition_cost=200)
    >>> t["new_customers_per_year"].tolist()
    [500.0, 250.0, 0.0]

    """
    shares = np.linspace(0.0, 1.0, 21) if shares is None else np.asarray(shares, dtype=float)
    if shares.ndim != 1 or len(shares) == 0:
        raise CRMDataError(f"shares must be a list of shares in [0, 1], got {shares!r}")
    for share in (shares.min(), shares.max()):  # checks every argument once, with clear errors
        budget_split(budget, float(share), customers, base_retention, acquisition_cost,
                     margin_per_customer, max_retention, half_gap_cost, years, discount)
    b, n0, r0, top = float(budget), float(customers), float(base_retention), float(max_retention)
    ac, m, h, d = float(acquisition_cost), float(margin_per_customer), float(half_gap_cost), \
        float(discount)
    spend = b * shares / n0
    r = r0 if r0 >= top else np.round(top - (top - r0) * 2.0 ** (-spend / h), 12)
    r = np.broadcast_to(r, shares.shape)
    new = b * (1.0 - shares) / ac
    year = np.arange(1, int(years) + 1)[None, :]
    rt = r[:, None] ** year
    one = r[:, None] == 1.0
    with np.errstate(divide="ignore", invalid="ignore"):
        grown = np.where(one, new[:, None] * year,
                         new[:, None] * (1.0 - rt) / np.where(one, 1.0, 1.0 - r[:, None]))
    end = n0 * rt + grown
    start = np.concatenate([np.full((len(shares), 1), n0), end[:, :-1]], axis=1)
    profit = end * m - new[:, None] * ac - start * spend[:, None]
    total = (profit / (1.0 + d) ** year).sum(axis=1)
    return pd.DataFrame(
        {
            "retention": r,
            "new_customers_per_year": new,
            "retention_spend_per_customer": spend,
            "customers_end": end[:, -1],
            "profit_total": total,
            "customer_change": end[:, -1] - n0,
        },
        index=pd.Index(shares, name="retention_share"),
    )


# --------------------------------------------------------------------------------------
# NPS from counts, weighted RFM
# --------------------------------------------------------------------------------------


def nps_from_counts(promoters, passives, detractors, detractors_to_passives=0,
                    passives_to_promoters=0):
    """NPS and group shares from the number of promoters, passives and detractors.

    The same numbers :func:`crmlearn.loyalty.nps` and
    :func:`~crmlearn.loyalty.nps_shares` give for the individual answers,
    for when only the counts are known (a slide, a survey report). The two
    ``*_to_*`` arguments move answers up one group first ("what if we won
    over 20 detractors?"); a move takes at most the answers there are (the
    passives moved up include those just moved in).

    Parameters
    ----------
    promoters, passives, detractors : int
        Number of answers 9-10, 7-8 and 0-6 (whole numbers >= 0, not all 0).
    detractors_to_passives, passives_to_promoters : int
        Answers to move up one group (whole numbers >= 0).

    Returns
    -------
    Series
        ``detractors``, ``passives``, ``promoters`` (shares after the moves,
        they add up to 1), ``answers`` (their total), ``nps`` (points,
        -100..100, after the moves), ``nps_before`` (points, before the
        moves) and ``moved`` (answers actually moved).

    Examples
    --------
    >>> r = nps_from_counts(promoters=5, passives=2, detractors=3)
    >>> float(r["nps"])
    20.0
    >>> float(nps_from_counts(5, 2, 3, detractors_to_passives=1)["nps"])
    30.0

    """
    counts = {
        "promoters": _whole(promoters, "promoters", 0),
        "passives": _whole(passives, "passives", 0),
        "detractors": _whole(detractors, "detractors", 0),
    }
    up_1 = _whole(detractors_to_passives, "detractors_to_passives", 0)
    up_2 = _whole(passives_to_promoters, "passives_to_promoters", 0)
    total = sum(counts.values())
    if total == 0:
        raise CRMDataError(
            "no answers yet (promoters, passives and detractors are all 0): an NPS needs at "
            "least one answer"
        )

    def score(c):
        return float(round(100.0 * (c["promoters"] - c["detractors"]) / total, 10))

    before = score(counts)
    up_1 = min(up_1, counts["detractors"])
    counts["detractors"] -= up_1
    counts["passives"] += up_1
    up_2 = min(up_2, counts["passives"])
    counts["passives"] -= up_2
    counts["promoters"] += up_2
    shares = {k: counts[k] / total for k in ("detractors", "passives", "promoters")}
    return pd.Series({**shares, "answers": float(total), "nps": score(counts),
                      "nps_before": before, "moved": float(up_1 + up_2)}, name="nps")


def weighted_rfm(scores, r_weight=1.0, f_weight=1.0, m_weight=1.0):
    r"""Weighted RFM score per customer from the points of :func:`~crmlearn.value.rfm_scores`.

    .. math:: \text{score} = \frac{w_r r + w_f f + w_m m}{w_r + w_f + w_m}

    The weighted mean stays on the scale of the points (1..bins), so scores
    with different weights can be compared. Equal weights give ``rfm_sum / 3``.

    Parameters
    ----------
    scores : DataFrame
        Result of :func:`~crmlearn.value.rfm_scores` (columns ``r``, ``f``, ``m``).
    r_weight, f_weight, m_weight : float
        Weights >= 0, not all 0.

    Returns
    -------
    Series
        Float named ``rfm_weighted``, indexed like ``scores``.

    Examples
    --------
    >>> s = pd.DataFrame({"r": [5, 1], "f": [3, 1], "m": [1, 1]})
    >>> weighted_rfm(s, 2, 1, 1).tolist()
    [3.5, 1.0]

    """
    if not isinstance(scores, pd.DataFrame) or not {"r", "f", "m"} <= set(scores.columns):
        raise CRMDataError(
            "weighted_rfm: scores must be the DataFrame from rfm_scores(...) with the "
            "columns 'r', 'f' and 'm'"
        )
    w = [_number(x, name, 0.0) for x, name in
         ((r_weight, "r_weight"), (f_weight, "f_weight"), (m_weight, "m_weight"))]
    total = sum(w)
    if total == 0:
        raise CRMDataError(
            "r_weight, f_weight and m_weight are all 0: give at least one of recency, "
            "frequency or monetary value a weight above 0"
        )
    values = (w[0] * scores["r"].to_numpy(dtype=float) + w[1] * scores["f"].to_numpy(dtype=float)
              + w[2] * scores["m"].to_numpy(dtype=float)) / total
    return pd.Series(values, index=scores.index, name="rfm_weighted")
