"""Popular CRM claims, examined with data and simulation instead of repeated.

CRM texts (here the source text 004 and the article 002) quote round numbers
as if they were laws. Each function below turns one claim into a computation
whose assumptions are parameters, and returns a tidy table that shows *when*
the claim holds and when it does not:

===========================================  ===========================================
function                                     claim
===========================================  ===========================================
:func:`acquisition_vs_retention_cost`        winning a customer costs up to 5x keeping one
:func:`acquisition_vs_retention_from_data`   the same, from a world's campaigns
:func:`retention_profit_effect`              +2 % retention = profit effect of a 10 % cost cut
:func:`churn_benchmark`                      firms lose about 10 % of customers a year
:func:`pareto_check`                         20 % of customers bring 80 % of revenue
:data:`CLAIMS`                               every claim, its source and what we do with it
===========================================  ===========================================

Random draws use ``numpy.random.default_rng(seed)``; the same seed gives the
same table. Inputs are never changed; bad input raises
:class:`~crmlearn.errors.CRMDataError`.

References
----------
Reichheld, F. F. and Sasser, W. E. (1990). Zero defections: quality comes to
services. *Harvard Business Review* 68(5), 105-111 (the retention-profit
argument behind the "small retention gain, large profit gain" claims).
Gupta, S., Lehmann, D. R. and Stuart, J. A. (2004). Valuing customers.
*Journal of Marketing Research* 41(1), 7-18 (a 1 % retention gain compared
with a 1 % cost cut, with firm data).

"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from .errors import CRMDataError, describe_rows
from .loyalty import churn_rate_from_activity, customer_spans
from .validation import number_in_range as _number
from .value import lorenz_curve, top_share

__all__ = [
    "CLAIMS",
    "acquisition_vs_retention_cost",
    "acquisition_vs_retention_from_data",
    "retention_profit_effect",
    "churn_benchmark",
    "pareto_check",
]

CLAIMS = pd.DataFrame(
    {
        "claim": [
            "Winning a new customer costs up to five times as much as keeping one.",
            "Raising retention by 2 % has the same profit effect as cutting costs by 10 %.",
            "Firms lose about 10 % of their customers every year.",
            "About 20 % of the customers bring 80 % of the revenue.",
            "Customer-centric firms are 60 % more profitable than others.",
        ],
        "source": [
            "source text 004 (as a general figure, no study named); article 002 says "
            "keeping is five times cheaper",
            "source text 004 (no study named)",
            "source text 004 (no study named)",
            "article 002 on strategically important customers (the Pareto rule)",
            "source text 004, citing research by Deloitte & Touche",
        ],
        "what the workbook does": [
            "acquisition_vs_retention_cost: the ratio follows from response rates and "
            "contact costs; sweep them and compare with the data of each firm",
            "retention_profit_effect: simulate a customer base over a horizon; the answer "
            "depends on the base retention rate, the margin and the share of variable costs",
            "churn_benchmark: measure yearly churn in the three firms, with the inactivity "
            "definition as a parameter for firms without contracts",
            "pareto_check: measure the top-20 % share on the data and simulate how it grows "
            "with the heterogeneity of spend",
            "not simulated: it cannot be tested with customer data of one firm; it is a "
            "cross-firm study with selection effects (profitable firms can afford to call "
            "themselves customer-centric), so discuss it instead of computing it",
        ],
        "function": [
            "acquisition_vs_retention_cost",
            "retention_profit_effect",
            "churn_benchmark",
            "pareto_check",
            None,
        ],
    },
    index=pd.Index(["5x", "2-10", "10 %", "20/80", "60 %"], name="claim_id"),
)
"""The popular claims of the source texts, their sources and how we examine them."""


# --------------------------------------------------------------------------------------
# checks
# --------------------------------------------------------------------------------------




def _numbers(values, name: str, low=None, high=None, *, low_open=False, hint="") -> np.ndarray:
    """One number or a list of numbers as a 1-d float array, each checked."""
    arr = np.atleast_1d(np.array(values, dtype=object))
    if arr.ndim != 1 or len(arr) == 0:
        raise CRMDataError(f"{name}: expected a number or a non-empty list of numbers, got {values!r}")
    return np.array([_number(v, name, low, high, low_open=low_open, hint=hint) for v in arr])


# --------------------------------------------------------------------------------------
# 1. acquisition costs five times retention
# --------------------------------------------------------------------------------------


def _verdict(ratio: np.ndarray, claimed: float) -> np.ndarray:
    return np.select(
        [ratio == 0, ratio < 1, ratio <= claimed],
        ["no uplift measured", "retention dearer", f"within 'up to {claimed:g}x'"],
        default=f"above {claimed:g}x",
    )


def acquisition_vs_retention_cost(
    acquisition_cost_per_contact: float = 1.0,
    acquisition_rates=(0.005, 0.01, 0.02, 0.03, 0.05, 0.1),
    retention_cost_per_contact: float = 5.0,
    retention_uplift: float = 0.05,
    retention_baseline: float = 0.8,
    claimed_ratio: float = 5.0,
) -> pd.DataFrame:
    """Sweep the cost of winning versus keeping a customer over response rates.

    Rules
    -----
    - cost per acquired customer = acquisition cost per contact / conversion
      rate (every prospect reached costs money, only converters count);
    - cost per retained customer, *incremental* = retention cost per contact /
      retention uplift: only the customers who stay *because* of the offer
      were retained by it (the uplift is measured against a control group);
    - cost per retained customer, *naive* = retention cost per contact /
      (baseline + uplift): counts everyone who stayed, including those who
      would have stayed anyway; this makes retention look cheap;
    - ``ratio`` = acquired / retained (incremental), ``ratio_naive`` likewise.

    The claim says the ratio is up to ``claimed_ratio``. It holds for some
    response rates and not for others; with naive counting it is easily
    exceeded.

    Parameters
    ----------
    acquisition_cost_per_contact : float
        Cost of reaching one prospect (EUR, > 0), e.g. an ad impression batch
        or a mailing.
    acquisition_rates : float or list of float
        Conversion rates of prospects to customers to sweep, each in (0, 1].
    retention_cost_per_contact : float
        Cost of one retention contact (EUR, > 0), e.g. a call with an offer.
    retention_uplift : float
        Share of contacted customers who stay only because of the contact,
        in (0, 1].
    retention_baseline : float
        Share who would stay anyway, in [0, 1 - uplift].
    claimed_ratio : float
        The claimed ratio (5).

    Returns
    -------
    DataFrame
        One row per acquisition rate with columns ``acquisition_rate``,
        ``cost_per_acquired``, ``cost_per_retained``,
        ``cost_per_retained_naive`` (EUR), ``ratio``, ``ratio_naive`` and
        ``verdict`` (``retention dearer`` below 1, ``within 'up to 5x'``,
        ``above 5x``; ``no uplift measured`` when retention bought nobody).

    Examples
    --------
    >>> t = acquisition_vs_retention_cost(acquisition_rates=[0.01, 0.05])
    >>> t[["acquisition_rate", "cost_per_acquired", "cost_per_retained", "ratio"]]
       acquisition_rate  cost_per_acquired  cost_per_retained  ratio
    0              0.01              100.0              100.0    1.0
    1              0.05               20.0              100.0    0.2

    """
    ca = _number(acquisition_cost_per_contact, "acquisition_cost_per_contact", 0, low_open=True)
    rates = _numbers(acquisition_rates, "acquisition_rates", 0, 1, low_open=True,
                     hint="; a conversion rate is a share in (0, 1]")
    cr = _number(retention_cost_per_contact, "retention_cost_per_contact", 0, low_open=True)
    up = _number(retention_uplift, "retention_uplift", 0, 1, low_open=True,
                 hint="; without an uplift the offer retains nobody")
    base = _number(retention_baseline, "retention_baseline", 0, 1 - up,
                   hint=f"; baseline + uplift cannot exceed 1 (uplift is {up:g})")
    claimed = _number(claimed_ratio, "claimed_ratio", 0, low_open=True)
    acquired = ca / rates
    retained = cr / up
    naive = cr / (base + up)
    out = pd.DataFrame(
        {
            "acquisition_rate": rates,
            "cost_per_acquired": acquired,
            "cost_per_retained": retained,
            "cost_per_retained_naive": naive,
            "ratio": acquired / retained,
            "ratio_naive": acquired / naive,
        }
    )
    out["verdict"] = _verdict(out["ratio"].to_numpy(), claimed)
    return out


def acquisition_vs_retention_from_data(world, claimed_ratio: float = 5.0,
                                       offer_cost_per_contact: float = 0.0) -> pd.DataFrame:
    """Compare the firm's acquisition cost with the cost per customer kept by its campaigns.

    Rules: cost per acquired customer = mean ``acquisition_cost`` of the
    customers. For each campaign, uplift = response rate of the treatment
    group - response rate of the randomly held-out control group, and cost
    per incremental customer = ``cost_per_contact`` / uplift (infinite when the
    uplift is not positive). For retention campaigns (subscription firm:
    responded = still a customer after 180 days) this is the cost per
    retained customer; for purchase campaigns it is the cost per extra buyer,
    a stand-in for reactivation.

    ``cost_per_contact`` covers only reaching the customer; the cost of the
    offer itself (a voucher, a discount) is not in the campaign table. Add it
    per treated customer with ``offer_cost_per_contact`` (e.g. 5 EUR off for
    12 months = 60 EUR for the subscription firm's retention offer, if every
    treated customer takes it). Small campaigns give noisy uplifts: read the
    group sizes ``treated`` and ``control`` before trusting a ratio.

    Parameters
    ----------
    world : World
        Needs ``customers``, ``campaigns`` and ``campaign_members``.
    claimed_ratio : float
        The claimed ratio (5).
    offer_cost_per_contact : float
        Cost of the offer per treated customer, EUR (>= 0), added to
        ``cost_per_contact``.

    Returns
    -------
    DataFrame
        One row per campaign with columns ``campaign_id``, ``name``,
        ``cost_per_contact``, ``treated``, ``control``, ``treatment_rate``,
        ``control_rate``, ``uplift``, ``cost_per_incremental``,
        ``cost_per_acquired`` (EUR), ``ratio`` and ``verdict``.

    Examples
    --------
    >>> from crmlearn.datasets import generate
    >>> w = generate("subscription", n_customers=500, seed=3)
    >>> acquisition_vs_retention_from_data(w).columns[-3:].tolist()
    ['cost_per_acquired', 'ratio', 'verdict']

    """
    tables = {}
    for name in ("customers", "campaigns", "campaign_members"):
        df = getattr(world, name, None)
        if df is None and isinstance(world, Mapping):
            df = world.get(name)
        if not isinstance(df, pd.DataFrame) or len(df) == 0:
            raise CRMDataError(
                f"world.{name} is missing or empty; this comparison needs customers with "
                f"acquisition costs and campaigns with a control group"
            )
        tables[name] = df
    claimed = _number(claimed_ratio, "claimed_ratio", 0, low_open=True)
    offer = _number(offer_cost_per_contact, "offer_cost_per_contact", 0)
    members = tables["campaign_members"]
    rates = (
        members.groupby(["campaign_id", "group"])["responded"].agg(["size", "mean"]).unstack("group")
    )
    out = tables["campaigns"][["campaign_id", "name", "cost_per_contact"]].copy()
    out = out.set_index("campaign_id")
    out["cost_per_contact"] = out["cost_per_contact"] + offer
    out["treated"] = rates[("size", "treatment")].reindex(out.index).fillna(0).astype(int)
    out["control"] = rates[("size", "control")].reindex(out.index).fillna(0).astype(int)
    out["treatment_rate"] = rates[("mean", "treatment")].reindex(out.index)
    out["control_rate"] = rates[("mean", "control")].reindex(out.index)
    out["uplift"] = out["treatment_rate"] - out["control_rate"]
    with np.errstate(divide="ignore"):
        out["cost_per_incremental"] = np.where(
            out["uplift"] > 0, out["cost_per_contact"] / out["uplift"].where(out["uplift"] > 0),
            np.inf,
        )
    out["cost_per_acquired"] = float(tables["customers"]["acquisition_cost"].mean())
    out["ratio"] = out["cost_per_acquired"] / out["cost_per_incremental"]
    out["verdict"] = _verdict(out["ratio"].to_numpy(), claimed)
    return out.reset_index()


# --------------------------------------------------------------------------------------
# 2. +2 % retention versus a 10 % cost cut
# --------------------------------------------------------------------------------------


def retention_profit_effect(
    retention=0.8,
    margin=0.1,
    variable_cost_share=1.0,
    delta_retention: float = 0.02,
    cost_cut: float = 0.10,
    horizon: int = 10,
    discount: float = 0.0,
) -> pd.DataFrame:
    """Compare the profit effect of +2 points of retention with a 10 % cost cut.

    Model (revenue of one customer-year = 1, so results are in units of the
    base's yearly revenue):

    - The firm starts in a steady state with ``N_0 = 1`` customers: each
      year a share ``retention`` stays and ``1 - retention`` new customers
      arrive, so the base stays at 1.
    - With better retention ``r' = retention + delta_retention`` (percentage
      points) and the same inflow, ``N'_t = r' N'_{t-1} + (1 - retention)``
      grows towards ``(1 - retention) / (1 - r')``.
    - Costs are ``1 - margin`` per year at the base; the share
      ``variable_cost_share`` grows with the number of customers, the rest is
      fixed. Profit in year t: ``N_t (1 - c_v) - c_f``.
    - The cost cut lowers *all* costs by ``cost_cut`` with the base unchanged:
      a gain of ``cost_cut x (1 - margin)`` a year.
    - Gains are summed over years 1..``horizon``, discounted with
      ``1 / (1 + discount)^t``.

    The retention gain wins when the margin is above ``break_even_margin``
    (thin margins make a cost cut powerful, high margins make extra customers
    valuable), when retention is already high, and when the horizon is long.

    Parameters
    ----------
    retention : float or list of float
        Yearly retention rate(s) of the base, in [0, 1); several values are
        swept.
    margin : float or list of float
        Profit margin (profit / revenue) before either change, in (0, 1).
    variable_cost_share : float or list of float
        Share of the costs that grows with the number of customers, in [0, 1].
    delta_retention : float
        Retention improvement in percentage points as a share (0.02).
    cost_cut : float
        Relative cut of all costs (0.10).
    horizon : int
        Years compared (>= 1).
    discount : float
        Yearly discount rate (>= 0).

    Returns
    -------
    DataFrame
        One row per combination of ``retention``, ``margin`` and
        ``variable_cost_share`` with columns ``customers_end`` (base after
        ``horizon`` years with better retention), ``profit_base``,
        ``gain_retention``, ``gain_cost_cut`` (summed, discounted),
        ``gain_retention_pct``, ``gain_cost_cut_pct`` (% of the base profit),
        ``ratio`` = gain_retention / gain_cost_cut, ``retention_wins`` and
        ``break_even_margin``.

    Examples
    --------
    A firm with a 10 % margin and 95 % retention: if all its costs grow with
    the number of customers, the cost cut wins by far; if all are fixed, the
    extra customers are almost pure profit and retention wins.

    >>> t = retention_profit_effect(retention=0.95, margin=0.1, variable_cost_share=[1.0, 0.0])
    >>> t[["variable_cost_share", "gain_retention_pct", "gain_cost_cut_pct", "retention_wins"]].round(1)
       variable_cost_share  gain_retention_pct  gain_cost_cut_pct  retention_wins
    0                  1.0                10.1               90.0           False
    1                  0.0               100.7               90.0            True

    """
    r = _numbers(retention, "retention", 0, 1, hint="; retention is a yearly share")
    m = _numbers(margin, "margin", 0, 1, low_open=True, hint="; margin = profit / revenue")
    if (m >= 1).any():
        raise CRMDataError("margin must be < 1 (a firm without costs has nothing to cut)")
    v = _numbers(variable_cost_share, "variable_cost_share", 0, 1)
    d = _number(delta_retention, "delta_retention", 0, 1)
    k = _number(cost_cut, "cost_cut", 0, 1)
    rate = _number(discount, "discount", 0)
    if isinstance(horizon, bool) or not isinstance(horizon, (int, np.integer)) or horizon < 1:
        raise CRMDataError(f"horizon must be a whole number of years >= 1, got {horizon!r}")
    too_high = r + d > 1
    if too_high.any():
        raise CRMDataError(
            f"retention + delta_retention must stay <= 1; too high for retention "
            f"{r[too_high].tolist()}: lower delta_retention or the retention values"
        )
    grid = pd.MultiIndex.from_product([r, m, v], names=["retention", "margin", "variable_cost_share"])
    out = grid.to_frame(index=False)
    rr, mm, vv = (out[c].to_numpy() for c in ("retention", "margin", "variable_cost_share"))
    years = np.arange(1, horizon + 1)
    w = (1 + rate) ** -years.astype(float)
    # N'_t - 1 = (r + d)^t - 1 + (1 - r) * sum_{j<t} (r + d)^j, computed year by year
    n_better = np.ones(len(out))
    extra = np.zeros(len(out))
    for t in range(horizon):
        n_better = (rr + d) * n_better + (1 - rr)
        extra += (n_better - 1) * w[t]
    weight_sum = w.sum()
    costs = 1 - mm
    gain_ret = extra * (1 - costs * vv)
    gain_cost = k * costs * weight_sum
    base_profit = mm * weight_sum
    out["horizon"] = horizon
    out["customers_end"] = n_better
    out["profit_base"] = base_profit
    out["gain_retention"] = gain_ret
    out["gain_cost_cut"] = gain_cost
    out["gain_retention_pct"] = 100 * gain_ret / base_profit
    out["gain_cost_cut_pct"] = 100 * gain_cost / base_profit
    with np.errstate(divide="ignore", invalid="ignore"):
        out["ratio"] = np.where(gain_cost > 0, gain_ret / np.where(gain_cost > 0, gain_cost, 1), np.inf)
        # equal gains: extra (1 - x v) = k x W  =>  x = extra / (k W + extra v), margin = 1 - x
        denom = k * weight_sum + extra * vv
        out["break_even_margin"] = np.where(denom > 0, 1 - extra / np.where(denom > 0, denom, 1), np.nan)
    out["retention_wins"] = gain_ret >= gain_cost
    return out


# --------------------------------------------------------------------------------------
# 3. firms lose about 10 % of their customers a year
# --------------------------------------------------------------------------------------


def _worlds(worlds) -> dict:
    if isinstance(worlds, Mapping):
        items = dict(worlds)
    elif isinstance(worlds, (list, tuple)):
        items = {getattr(w, "scenario", f"world {i}"): w for i, w in enumerate(worlds)}
    else:
        items = {getattr(worlds, "scenario", "world"): worlds}
    if not items:
        raise CRMDataError("worlds: nothing to compare; pass a World, a list or a dict of Worlds")
    for name, w in items.items():
        if not isinstance(getattr(w, "transactions", None), pd.DataFrame):
            raise CRMDataError(
                f"worlds[{name!r}] has no transactions table; pass Worlds from "
                f"crmlearn.datasets (e.g. generate('retail'))"
            )
    return items


def churn_benchmark(worlds, inactive_days=(180, 365), claimed: float = 0.10,
                    period_end=None, include_truth: bool = True) -> pd.DataFrame:
    """Yearly churn of each firm next to the claimed 10 %.

    Churn over the last 12 months = customers lost in the period / average of
    the customers at its start and end (the definition of source text 004;
    computed by :func:`crmlearn.loyalty.churn_rate_from_activity`).

    How "lost" is defined:

    - *contracts*: where every customer has a contract, a customer is lost
      on the contract's end date;
    - *inactivity*: without contracts nobody says goodbye, so a customer
      counts as lost ``inactive_days`` days after the last purchase (and as
      active from the first purchase). The result depends on this choice,
      so several values are swept;
    - *truth*: the simulation knows the real dropout day
      (``world.truth.customers['dropout_date']``); shown where available so
      the inactivity definition can be checked against it.

    Parameters
    ----------
    worlds : World, list of World or dict of name to World
        Firms to compare.
    inactive_days : int or list of int
        Days without purchase after which a customer counts as lost.
    claimed : float
        The claimed yearly churn (0.10).
    period_end : date-like, optional
        End of the 12-month period: customers whose last day falls before it
        are lost. Default: the day after each world's ``observation_end``
        (or after its last transaction), so a contract that ends on the
        last day of the data counts as lost, as in lesson 12.
    include_truth : bool
        Add a row with the simulation's true dropout dates where available.

    Returns
    -------
    DataFrame
        One row per firm and definition with columns ``scenario``,
        ``definition``, ``inactive_days``, ``customers_at_start``, ``lost``,
        ``average_customers``, ``churn_rate``, ``claimed`` and
        ``ratio_to_claim`` = churn_rate / claimed.

    Examples
    --------
    >>> from crmlearn.datasets import generate
    >>> w = generate("retail", n_customers=500, seed=3)
    >>> churn_benchmark(w, inactive_days=365)["definition"].tolist()
    ['inactivity', 'truth']

    """
    items = _worlds(worlds)
    days = _numbers(inactive_days, "inactive_days", 1, hint="; use whole days, e.g. 365")
    claim = _number(claimed, "claimed", 0, 1, low_open=True)
    rows = []
    for name, w in items.items():
        tx = w.transactions
        buys = tx[tx["kind"] != "return"] if "kind" in tx.columns else tx[tx["amount"] > 0]
        if period_end is not None:
            end = pd.Timestamp(period_end)
        else:
            last_day = getattr(w, "observation_end", None)
            last_day = tx["date"].max() if last_day is None else last_day
            end = pd.Timestamp(last_day).normalize() + pd.Timedelta(days=1)
        customers = getattr(w, "customers", None)
        contracts = getattr(w, "contracts", None)
        has_contracts = (
            isinstance(contracts, pd.DataFrame) and len(contracts) > 0
            and isinstance(customers, pd.DataFrame)
            and customers["customer_id"].isin(contracts["customer_id"]).all()
        )

        def add(definition, n_days, start, stop, name=name, end=end):
            r = churn_rate_from_activity(start, stop, period_end=end)
            rows.append(
                {
                    "scenario": name,
                    "definition": definition,
                    "inactive_days": n_days,
                    "customers_at_start": int(r["customers_at_start"]),
                    "lost": int(r["lost"]),
                    "average_customers": float(r["average_customers"]),
                    "churn_rate": float(r["churn_rate"]),
                }
            )

        if has_contracts:
            spans = customer_spans(contracts)
            add("contracts", np.nan, spans["start"], spans["end"])
        else:
            first = buys.groupby("customer_id")["date"].min()
            last = buys.groupby("customer_id")["date"].max()
            for n in days:
                stop = last + pd.Timedelta(days=float(n))
                stop = stop.where(stop < end)  # not yet lost by the period end
                add("inactivity", float(n), first, stop)
        truth = getattr(getattr(w, "truth", None), "customers", None)
        if include_truth and isinstance(truth, pd.DataFrame) and "dropout_date" in truth.columns \
                and truth["dropout_date"].notna().any() and not has_contracts:
            first = buys.groupby("customer_id")["date"].min()
            drop = truth.set_index("customer_id")["dropout_date"].reindex(first.index)
            add("truth", np.nan, first, drop.where(drop.isna() | (drop >= first), first))
    out = pd.DataFrame(rows)
    out["claimed"] = claim
    out["ratio_to_claim"] = out["churn_rate"] / claim
    return out


# --------------------------------------------------------------------------------------
# 4. 20 % of the customers bring 80 % of the revenue
# --------------------------------------------------------------------------------------


def pareto_check(values=None, shapes=(0.2, 0.5, 1.0, 2.0, 5.0), n_customers: int = 10_000,
                 top: float = 0.2, seed=None) -> pd.DataFrame:
    """Top-20 % share of revenue on data and in simulated customer bases.

    The 20/80 rule is not a law: the share of the best 20 % depends on how
    unequal customers are. To show this, customer values are simulated from a
    gamma distribution with shape ``k`` (coefficient of variation
    ``1 / sqrt(k)``): small shapes mean a few big spenders and many small
    ones, large shapes mean similar customers. Roughly, the top 20 % bring
    80 % only near ``k = 0.2``; for exponential-like spend (``k = 1``) the
    share is about 50 %. It can never be below 20 % (the best customers bring
    at least their head count's share).

    Shares are read from :func:`crmlearn.value.lorenz_curve` (with linear
    interpolation between customers, as in :func:`crmlearn.value.top_share`).

    Parameters
    ----------
    values : Series, array or list, optional
        Real values per customer (EUR, >= 0, total > 0), e.g. revenue. Adds a
        row with ``source = "data"``.
    shapes : list of float
        Gamma shape parameters to simulate (each > 0).
    n_customers : int
        Simulated customers per shape (>= 10).
    top : float
        Share of best customers (0.2).
    seed : int or None
        Seed of the simulation.

    Returns
    -------
    DataFrame
        One row for the data (if given) and one per shape, with columns
        ``source`` (``data`` or ``gamma``), ``shape``, ``cv`` (coefficient of
        variation of the values), ``top_share`` (share of the total value of
        the best ``top`` customers) and ``customers_for_80`` (smallest share
        of customers that brings 80 % of the value).

    Examples
    --------
    >>> t = pareto_check(shapes=[0.2, 1.0, 5.0], seed=1)
    >>> t["top_share"].round(2).tolist()
    [0.84, 0.52, 0.34]

    """
    share = _number(top, "top", 0, 1, low_open=True)
    ks = _numbers(shapes, "shapes", 0, low_open=True, hint="; gamma shapes must be positive")
    if isinstance(n_customers, bool) or not isinstance(n_customers, (int, np.integer)) \
            or n_customers < 10:
        raise CRMDataError(f"n_customers must be a whole number >= 10, got {n_customers!r}")
    rows = []

    def measure(source, shape, vals):
        curve = lorenz_curve(vals)
        arr = np.asarray(vals, dtype=float)
        rows.append(
            {
                "source": source,
                "shape": shape,
                "cv": float(arr.std() / arr.mean()),
                "top_share": top_share(vals, share),
                "customers_for_80": float(
                    np.interp(0.8, curve["value_share"], curve["customer_share"])
                ),
            }
        )

    if values is not None:
        s = values if isinstance(values, pd.Series) else pd.Series(np.array(values, dtype=object))
        arr = pd.to_numeric(s, errors="coerce").to_numpy(dtype=float)
        bad = ~np.isfinite(arr) | (arr < 0)
        if bad.any():
            raise CRMDataError(
                f"values: {int(bad.sum())} values are missing, not numbers or negative "
                f"({describe_rows(s.index[bad])}); the 20/80 check needs revenue >= 0 per "
                f"customer: drop or clip them first"
            )
        if len(arr) == 0 or arr.sum() <= 0:
            raise CRMDataError("values: the total is not positive; pass revenue per customer")
        measure("data", np.nan, arr)
    rng = np.random.default_rng(seed)
    for k in ks:
        measure("gamma", float(k), rng.gamma(k, 1.0, size=n_customers))
    return pd.DataFrame(rows)
