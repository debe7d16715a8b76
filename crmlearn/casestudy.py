"""Helpers for the end-to-end case studies in ``notebooks/cases/``.

Each case study walks one firm through the IDIC cycle (Peppers & Rogers):
identify, differentiate, interact, customize, and ends in a budget per value
category and a one-page management summary. The notebooks keep their cells
short by calling the plain functions here:

- :func:`load_case` gets the data: the classroom sample, a simulated firm, or
  the learner's own transactions CSV (then only the transactions exist);
- :func:`link_quality`, :func:`campaign_experiment`, :func:`offers_for` run the
  identify / interact / customize steps, or return a :class:`Skipped` note that
  renders as Markdown when the data lack the tables they need;
- :func:`customer_values` builds the value table (RFM, ABC, actual value,
  potential, value category, predicted CLV);
- :func:`allocate_budget` states and applies the budget rule;
- :func:`headline_numbers`, :func:`write_summary` and :func:`management_summary`
  produce the machine-readable summary and the one-page summary;
- :func:`write_parquet`, :func:`summary_from_parquet` and :func:`time_pipeline`
  run the RFM/CLV pipeline at scale (Parquet files, DuckDB, then the models)
  and time it; :func:`recorded_pipeline` and :func:`pipeline_report` read and
  describe the million-customer run of ``benchmarks/bench_pipeline.py``;
- :func:`check_parameters`, :func:`run_case` and :func:`main` check the
  parameters, run a case notebook with papermill and write the executed
  notebook, an HTML report without code and ``summary.json``.

Run ``python -m crmlearn.casestudy --help`` (or ``python3 workbook.py case
--help``) for the command line.
"""

from __future__ import annotations

import argparse
import ast
import datetime as _dt
import hashlib
import json
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import CRMDataError

__all__ = [
    "CASES",
    "BUDGET_WEIGHTS",
    "Skipped",
    "CaseData",
    "load_case",
    "link_quality",
    "purchase_clv",
    "contract_survivors",
    "contract_clv",
    "customer_values",
    "campaign_experiment",
    "offers_for",
    "allocate_budget",
    "headline_numbers",
    "write_summary",
    "management_summary",
    "write_parquet",
    "summary_from_parquet",
    "time_pipeline",
    "pipeline_record",
    "recorded_pipeline",
    "pipeline_report",
    "notebook_path",
    "case_parameters",
    "check_parameters",
    "run_case",
    "main",
]

#: The case studies: scenario name -> notebook file name.
CASES = {
    "retail": "case_retail.ipynb",
    "subscription": "case_subscription.ipynb",
    "b2b": "case_b2b.ipynb",
}

#: Budget rule: the weight of one EUR of value at stake in each value category.
BUDGET_WEIGHTS = {"MVC": 1.0, "MGC": 0.2, "Migrator": 0.25, "BZC": 0.0}

_ACTIONS = {
    "MVC": "retain: retention offers, service, recognition",
    "MGC": "develop: cross- and up-selling towards the wallet",
    "Migrator": "maintain at low cost; move towards MGC/MVC",
    "BZC": "no budget: cut cost to serve, or charge fees",
}


class Skipped:
    """A note that a step was skipped, shown as Markdown in a notebook.

    It is falsy, so ``if result:`` reads naturally.

    Examples
    --------
    >>> note = Skipped("Identify", "your data have no touchpoint records")
    >>> bool(note)
    False
    >>> print(note._repr_markdown_())
    > **Identify skipped:** your data have no touchpoint records.

    """

    def __init__(self, step: str, reason: str):
        self.step = step
        self.reason = reason

    def __bool__(self) -> bool:
        return False

    def _repr_markdown_(self) -> str:
        return f"> **{self.step} skipped:** {self.reason}."

    def __repr__(self) -> str:
        return f"Skipped({self.step!r}: {self.reason})"


@dataclass
class CaseData:
    """The data of one case study run.

    Attributes
    ----------
    case : str
        ``"retail"``, ``"subscription"`` or ``"b2b"``.
    transactions : DataFrame
        The transactions (schema columns ``customer_id``, ``date``, ``amount``, ``kind``...).
    observation_end : Timestamp
        End of the observation period.
    world : World or None
        The simulated firm with all its tables and truth; None for a user CSV.
    source : str
        ``"classroom sample"``, ``"simulated (n=..., seed=...)"`` or ``"CSV file <name>"``.

    """

    case: str
    transactions: pd.DataFrame
    observation_end: pd.Timestamp
    world: object = None
    source: str = ""
    notes: list = field(default_factory=list)

    def has(self, table: str) -> bool:
        """Return True if the data include a non-empty table of that name (or ``"truth"``)."""
        if self.world is None:
            return False
        if table == "truth":
            return getattr(self.world, "truth", None) is not None
        t = self.world.tables.get(table)
        return t is not None and len(t) > 0

    def _repr_markdown_(self) -> str:
        n = self.transactions.customer_id.nunique()
        first, last = self.transactions.date.min(), self.transactions.date.max()
        tables = "all CRM tables" if self.world is not None else "transactions only"
        return (f"**{self.case}** case, data: {self.source} ({tables}); {len(self.transactions):,} "
                f"transactions of {n:,} customers, {first:%d.%m.%Y} to {last:%d.%m.%Y}.")


def load_case(case, n_customers=None, seed=None, transactions_csv=None, csv_columns=None,
              csv_returns="error") -> CaseData:
    """Load the data of a case study: a simulated firm or the learner's transactions CSV.

    Parameters
    ----------
    case : {"retail", "subscription", "b2b"}
        The firm.
    n_customers, seed : int, optional
        As in :func:`crmlearn.datasets.open_world`: both None gives the classroom sample.
    transactions_csv : str or Path, optional
        A transactions CSV of your own (German exports are detected). Then only
        the transactions exist and the steps needing other tables are skipped.
    csv_columns : dict, optional
        Column mapping for :func:`crmlearn.datasets.read_transactions`, e.g.
        ``{"customer_id": "Kundennummer", "date": "Datum", "amount": "Umsatz"}``.
    csv_returns : {"error", "negative"}
        What a negative amount in the CSV means.

    Returns
    -------
    CaseData

    Examples
    --------
    >>> data = load_case("b2b")
    >>> data.source, data.has("touchpoint_records"), data.has("truth")
    ('classroom sample', True, True)

    """
    from . import datasets

    if case not in CASES:
        raise CRMDataError(f"unknown case {case!r}; choose one of {', '.join(CASES)}.")
    if transactions_csv is not None:
        mapping = dict(csv_columns or {})
        allowed = {"customer_id", "date", "amount", "transaction_id", "product_id", "channel", "kind"}
        bad = sorted(set(mapping) - allowed)
        if bad:
            raise CRMDataError(f"csv_columns has unknown key(s) {bad}; allowed keys are "
                               f"{sorted(allowed)} (our name -> the column name in your file).")
        tx = datasets.read_transactions(transactions_csv, returns=csv_returns, verbose=False, **mapping)
        end = tx.date.max().normalize()
        return CaseData(case, tx, end, None, f"CSV file {Path(transactions_csv).name}")
    world = datasets.open_world(case, n_customers=n_customers, seed=seed)
    source = ("classroom sample" if n_customers is None and seed is None
              else f"simulated firm (n_customers={len(world.customers)}, seed={seed})")
    return CaseData(case, world.transactions, pd.Timestamp(world.observation_end), world, source)


def link_quality(data: CaseData):
    """Link the touchpoint records to the customers and measure precision and recall.

    Returns the table of :func:`crmlearn.identify.evaluate` (one row per
    source and ``"all"``), or a :class:`Skipped` note without touchpoint
    records or truth.
    """
    from . import identify

    if not (data.has("touchpoint_records") and data.has("truth")):
        return Skipped("Identify", "your data have no touchpoint records (and no true owners to check "
                       "them against), so there is nothing to link; the steps below use the "
                       "customer ids of the transactions as they are")
    links = identify.link(data.world.touchpoint_records, data.world.customers)
    return identify.evaluate(links, data.world.truth.record_links)


def purchase_clv(summary: pd.DataFrame, *, margin: float, discount_rate: float, years: float = 3):
    """Predicted CLV with BG/NBD and Gamma-Gamma from a weekly customer table.

    Fits :class:`~crmlearn.models.BetaGeo` on all customers and
    :class:`~crmlearn.models.GammaGamma` on the repeat buyers, then returns
    :func:`~crmlearn.models.predictive_clv` over ``years`` (EUR per customer,
    a Series named ``clv`` indexed like ``summary``). The fitted models are
    in ``clv.attrs["models"]`` as a ``(bg, gg)`` tuple.
    """
    from . import models

    bg = models.BetaGeo().fit(summary.frequency, summary.recency, summary["T"])
    rep = summary[summary.frequency > 0]
    gg = models.GammaGamma().fit(rep.frequency, rep.monetary_value)
    clv = models.predictive_clv(bg, gg, summary.frequency, summary.recency, summary["T"],
                                summary.monetary_value, margin=margin, discount_rate=discount_rate,
                                horizon=52 * years)
    clv.attrs["models"] = (bg, gg)
    return clv


def _month(d) -> pd.Series:
    return d.dt.year * 12 + d.dt.month


def contract_survivors(data: CaseData, year: int | None = None, months: int = 24):
    """Survivors of a cohort of monthly contracts: active after 0, 1, ..., ``months`` months.

    The cohort is every contract without minimum term (``minimum_term_months
    == 1``) that started in ``year`` (default: the first year of the data).
    Contracts with a minimum term cannot be cancelled early, which the sBG
    model does not describe, so they are left out. Returns a list of counts,
    or a :class:`Skipped` note without contracts.

    Examples
    --------
    >>> s = contract_survivors(load_case("subscription"))
    >>> len(s), s[0] >= s[-1]
    (25, True)

    """
    if not data.has("contracts"):
        return Skipped("Contract model", "your data have no contracts table (start and end date per "
                       "contract), so churn cannot be observed; the CLV below uses the purchase models")
    c = data.world.contracts
    year = int(c.start_date.dt.year.min()) if year is None else year
    cohort = c[(c.start_date.dt.year == year) & (c.minimum_term_months == 1)]
    observed = _month(pd.Series([data.observation_end])).iloc[0] - (year * 12 + 12)
    if len(cohort) == 0 or observed < months:
        raise CRMDataError(f"contract cohort {year}: {len(cohort)} monthly contracts observed for {observed} "
                           f"months; need some contracts and at least {months} months. Pass another year.")
    active = (_month(cohort.end_date) - _month(cohort.start_date) + 1).fillna(np.inf)
    return [int((active > t).sum()) for t in range(months + 1)]


def contract_clv(data: CaseData, sbg, index, *, margin: float, discount_rate: float) -> pd.Series:
    r"""Compute each running contract's expected discounted margin (sBG residual lifetime).

    For a customer active at the observation end, in her ``n``-th month:

    .. math:: \text{CLV} = m \cdot \bar a \cdot DERL(d_m \mid n), \qquad
              d_m = (1 + d)^{1/12} - 1

    with ``m`` the margin share, :math:`\bar a` her mean invoice of the last
    three months (EUR), ``d`` the yearly ``discount_rate`` and DERL the
    discounted expected residual lifetime in months of the fitted sBG model
    (Fader & Hardie 2010). Cancelled customers get 0. Simplification: the
    months left in a minimum term are certain but counted like the others.

    Returns
    -------
    Series
        CLV in EUR, named ``clv``, indexed by ``index`` (customer ids).

    """
    c = data.world.contracts
    end = data.observation_end
    running = c[c.end_date.isna() | (c.end_date > end)].drop_duplicates("customer_id", keep="last")
    n = (_month(pd.Series(end, index=running.index)) - _month(running.start_date) + 1).clip(lower=1)
    d_month = (1 + discount_rate) ** (1 / 12) - 1
    derl = {k: sbg.discounted_expected_residual_lifetime(d_month, int(k)) for k in n.unique()}
    tx = data.transactions
    recent = tx[(tx.kind != "return") & (tx.date > end - pd.DateOffset(months=3))]
    invoice = recent.groupby("customer_id").amount.mean()
    value = pd.Series(n.map(derl).to_numpy(), index=running.customer_id.to_numpy())
    value = margin * value * invoice.reindex(value.index).fillna(0.0)
    return value.reindex(pd.Index(index)).fillna(0.0).rename("clv")


def _actual_margin(data: CaseData, summary: pd.DataFrame, margin: float) -> pd.Series:
    """Contribution margin per customer over the observation period (EUR)."""
    if data.world is None:
        return margin * summary.net_revenue
    tx = data.transactions
    by = tx.groupby("customer_id")
    cm = by.amount.sum() - by.product_cost.sum() - by.delivery_cost.sum()
    if data.has("contacts"):
        cm = cm.sub(data.world.contacts.groupby("customer_id").cost.sum(), fill_value=0.0)
    return cm.reindex(summary.index).fillna(0.0)


def customer_values(data: CaseData, summary: pd.DataFrame, clv: pd.Series, *, margin: float,
                    wallet=None, wallet_quantile: float = 0.75) -> pd.DataFrame:
    """One row per customer with every value metric of the case study.

    Parameters
    ----------
    data : CaseData
        From :func:`load_case`.
    summary : DataFrame
        :func:`crmlearn.customer_summary` of ``data.transactions`` (time unit weeks).
    clv : Series
        Predicted CLV per customer (EUR), indexed like ``summary``.
    margin : float
        Margin share of revenue (used for the actual value when the data have
        no cost columns, i.e. a user CSV).
    wallet : Series, optional
        Yearly category spend per customer at all suppliers (EUR). Without it
        the wallet is estimated crudely as the ``wallet_quantile`` quantile of
        the customers' yearly spend ("what a good customer spends").
    wallet_quantile : float
        See ``wallet``.

    Returns
    -------
    DataFrame
        Indexed like ``summary``: ``revenue``, ``net_revenue``, ``yearly_spend``,
        ``r``, ``f``, ``m``, ``rfm_code``, ``segment`` (RFM), ``abc_class`` (by
        actual value), ``actual_value`` (contribution margin, EUR),
        ``potential`` (unrealized wallet per year, EUR), ``value_category``
        (MVC/MGC/Migrator/BZC) and ``clv`` (EUR).

    Examples
    --------
    >>> import crmlearn
    >>> data = load_case("b2b")
    >>> s = crmlearn.customer_summary(data.transactions, data.observation_end, time_unit="W")
    >>> v = customer_values(data, s, clv=s.revenue * 0.1, margin=0.3)
    >>> len(v) == len(s), sorted(v.value_category.cat.categories)
    (True, ['BZC', 'MGC', 'MVC', 'Migrator'])

    """
    from . import value

    years = np.maximum(summary["T"] / 52.0, 0.25)
    yearly = summary.net_revenue.clip(lower=0) / years
    scores = value.rfm_scores(summary)
    actual = _actual_margin(data, summary, margin)
    if wallet is None:
        wallet = pd.Series(max(float(yearly.quantile(wallet_quantile)), 1.0), index=summary.index)
    wallet = pd.Series(wallet).reindex(summary.index)
    wallet = wallet.fillna(wallet.median()).clip(lower=1.0)
    pot = value.potential_from_wallet(wallet, yearly)
    out = pd.DataFrame({
        "revenue": summary.revenue, "net_revenue": summary.net_revenue, "yearly_spend": yearly,
        "r": scores.r, "f": scores.f, "m": scores.m, "rfm_code": scores.rfm_code,
        "segment": value.rfm_segments(scores),
        "abc_class": value.abc_classes(actual),
        "actual_value": actual, "potential": pot.potential,
        "value_category": value.value_categories(actual, pot.potential),
        "clv": pd.Series(clv, index=summary.index).astype(float),
    }, index=summary.index)
    return out


def campaign_experiment(data: CaseData, *, margin: float, value_per_response: float | None = None):
    """Uplift and targeting value of every campaign with a control group.

    The margin of one extra response is ``value_per_response`` (EUR) or, by
    default, ``margin`` times the mean purchase amount. For a retention
    campaign, where a response means the customer stayed, pass the CLV of a
    retained customer instead. Returns the table of
    :func:`crmlearn.interact.targeting_value` (main columns, rounded), or a
    :class:`Skipped` note without campaign data.
    """
    from . import interact

    if not data.has("campaign_members"):
        return Skipped("Interact", "your data have no campaign with a control group, so the effect of "
                       "a contact cannot be measured; run one (random control group!) and come back")
    w = data.world
    purchases = data.transactions[data.transactions.kind != "return"]
    if value_per_response is None:
        value_per_response = margin * float(purchases.amount.mean())
    per_response = round(float(value_per_response), 2)
    up = interact.uplift(w.campaign_members)
    cost = w.campaigns.set_index("campaign_id").cost_per_contact.to_dict()
    tv = interact.targeting_value(up, per_response, cost)
    names = w.campaigns.set_index("campaign_id").name
    tv.insert(1, "name", tv.campaign_id.map(names))
    cols = ["campaign_id", "name", "n_treatment", "n_control", "uplift", "ci_low", "ci_high",
            "incremental_profit", "profit_ci_low", "profit_ci_high", "decision"]
    tv = tv[cols].round(3)
    tv.attrs["margin_per_response"] = per_response
    return tv


def offers_for(data: CaseData, customer_ids, n: int = 3):
    """Next-best offers for some customers, or a :class:`Skipped` note without order lines/products."""
    from . import customize

    if not (data.has("order_lines") and data.has("products")):
        return Skipped("Customize", "your data have no order lines or product table, so there is no "
                       "purchase history by product to base offers on")
    w = data.world
    return customize.next_best_offers(w.order_lines, data.transactions, w.products,
                                      customer_ids=list(customer_ids), n=n, as_of=data.observation_end)


def allocate_budget(values: pd.DataFrame, budget: float, *, margin: float, retention_offer_cost: float,
                    weights=None) -> pd.DataFrame:
    r"""Split a marketing budget over the value categories: the budget rule.

    The rule: every category gets a share of the budget proportional to its
    weighted *value at stake* (EUR):

    - MVC: the predicted CLV of the most valuable customers (what retention
      protects), weight 1;
    - MGC: the margin on their unrealized potential for one year
      (``margin * potential``), weight 0.2: development can realistically win
      perhaps a fifth of what they spend elsewhere;
    - Migrator: their predicted CLV, weight 0.25 (keep at low cost);
    - BZC: nothing (weight 0): below-zero customers get no budget; fix their
      cost to serve or charge fees instead.

    .. math:: \text{budget}_k = \min\Big(B,\ \sum_j w_j V_j\Big)\,\frac{w_k V_k}{\sum_j w_j V_j}

    The cap: no category gets more than its weighted value at stake
    :math:`w_k V_k`, since spending more would cost more than it can bring
    back. Shares are proportional, so either no category reaches its cap or
    all do at once; in the second case the rest of the budget stays
    unallocated (``plan.attrs["unallocated"]``, EUR).

    Amounts are rounded to cents; the rounding rest goes to the largest share,
    so the column ``budget`` adds up to the allocated amount exactly.

    Parameters
    ----------
    values : DataFrame
        From :func:`customer_values` (``value_category``, ``clv``, ``potential``).
    budget : float
        Total budget, EUR (>= 0).
    margin : float
        Margin share used to turn potential revenue into margin.
    retention_offer_cost : float
        Cost of one retention offer (EUR, > 0): how many MVCs the retention budget reaches.
    weights : dict, optional
        Weights per category; default :data:`BUDGET_WEIGHTS`.

    Returns
    -------
    DataFrame
        Indexed by category (MVC, MGC, Migrator, BZC): ``customers``,
        ``value_at_stake`` (EUR), ``weight``, ``budget`` (EUR),
        ``budget_per_customer`` (EUR), ``offers_funded`` (retention offers
        for MVCs, else 0) and ``action``.

    Examples
    --------
    >>> v = pd.DataFrame({"value_category": ["MVC", "MGC", "Migrator", "BZC"],
    ...                   "clv": [800.0, 100.0, 200.0, -5.0], "potential": [0.0, 1000.0, 50.0, 0.0]})
    >>> plan = allocate_budget(v, 500, margin=0.3, retention_offer_cost=20)
    >>> plan.budget.tolist()
    [439.56, 32.97, 27.47, 0.0]
    >>> float(plan.budget.sum()), int(plan.loc["MVC", "offers_funded"]), plan.attrs["unallocated"]
    (500.0, 1, 0.0)

    (439.56 EUR would pay 21 offers of 20 EUR, but there is only one MVC.) A
    larger budget than the weighted value at stake (800 + 0.2 * 300 + 0.25 *
    200 = 910 EUR) is not spent:

    >>> plan = allocate_budget(v, 1000, margin=0.3, retention_offer_cost=20)
    >>> plan.budget.tolist(), plan.attrs["unallocated"]
    ([800.0, 60.0, 50.0, 0.0], 90.0)

    """
    if not np.isfinite(budget) or budget < 0:
        raise CRMDataError(f"budget must be a number >= 0 (EUR), got {budget!r}.")
    if not retention_offer_cost > 0:
        raise CRMDataError(f"retention_offer_cost must be > 0 (EUR per offer), got {retention_offer_cost!r}.")
    w = dict(BUDGET_WEIGHTS if weights is None else weights)
    cats = list(BUDGET_WEIGHTS)
    cat = values["value_category"].astype(str)
    clv = values["clv"].clip(lower=0)
    stake = pd.Series({
        "MVC": clv[cat == "MVC"].sum(),
        "MGC": margin * values["potential"][cat == "MGC"].sum(),
        "Migrator": clv[cat == "Migrator"].sum(),
        "BZC": 0.0,
    })
    weight = pd.Series({k: float(w.get(k, 0.0)) for k in cats})
    weighted = stake * weight
    total = weighted.sum()
    share = weighted / total if total > 0 else pd.Series(0.0, index=cats)
    spend = round(min(float(budget), float(total)), 2)
    money = (spend * share).round(2)
    if total > 0:
        money[share.idxmax()] += round(spend - money.sum(), 2)
    money = money.round(2)
    customers = cat.value_counts().reindex(cats, fill_value=0)
    plan = pd.DataFrame({"customers": customers, "value_at_stake": stake.round(2), "weight": weight,
                         "budget": money})
    plan["budget_per_customer"] = (plan.budget / plan.customers.where(plan.customers > 0)).fillna(0).round(2)
    offers = int(min(plan.loc["MVC", "budget"] // retention_offer_cost, plan.loc["MVC", "customers"]))
    plan["offers_funded"] = [offers if k == "MVC" else 0 for k in cats]
    plan["action"] = [_ACTIONS[k] for k in cats]
    plan.index.name = "value_category"
    plan.attrs["unallocated"] = round(float(budget) - float(money.sum()), 2)
    return plan


def _num(x):
    """Plain Python number for JSON (None for NaN)."""
    if x is None:
        return None
    x = float(x)
    return None if not np.isfinite(x) else round(x, 4)


def headline_numbers(data: CaseData, summary: pd.DataFrame, values: pd.DataFrame, plan: pd.DataFrame, *,
                     quality=None, experiment=None, offers=None, params=None, extra=None) -> dict:
    """Collect the headline numbers of a case study in a JSON-ready dict.

    Keys: ``case``, ``source``, ``params``, ``customers``, ``transactions``,
    ``revenue``, ``returns``, ``net_revenue`` (EUR, from ``summary``),
    ``value_categories``, ``rfm_segments``, ``abc_classes`` (counts),
    ``actual_value`` and ``total_predicted_clv`` (EUR), ``budget`` (EUR per
    category), ``budget_total`` (the budget given), ``budget_allocated`` and
    ``budget_unallocated`` (EUR; see :func:`allocate_budget`), ``retention_offers_funded``,
    ``precision``/``recall`` (None when not available), ``campaigns`` (per
    campaign: uplift and decision, or None) and ``skipped`` (steps skipped:
    ``quality``, ``experiment`` or ``offers`` given as :class:`Skipped`).
    ``extra`` is merged in last (e.g. scenario-specific numbers).

    Examples
    --------
    >>> import crmlearn
    >>> data = load_case("b2b")
    >>> s = crmlearn.customer_summary(data.transactions, data.observation_end, time_unit="W")
    >>> v = customer_values(data, s, clv=s.revenue * 0.1, margin=0.3)
    >>> plan = allocate_budget(v, 5000, margin=0.3, retention_offer_cost=50)
    >>> h = headline_numbers(data, s, v, plan)
    >>> h["customers"], h["budget_total"], sum(h["value_categories"].values())
    (400, 5000.0, 400)

    """
    skipped = [x.step for x in (quality, experiment, offers) if isinstance(x, Skipped)]
    h = {
        "case": data.case, "source": data.source, "params": dict(params or {}),
        "customers": int(len(summary)), "transactions": int(len(data.transactions)),
        "revenue": _num(summary.revenue.sum()), "returns": _num(summary.returns.sum()),
        "net_revenue": _num(summary.net_revenue.sum()),
        "value_categories": {str(k): int(v)
                             for k, v in values.value_category.value_counts(sort=False).items()},
        "rfm_segments": {str(k): int(v) for k, v in values.segment.value_counts(sort=False).items()},
        "abc_classes": {str(k): int(v) for k, v in values.abc_class.value_counts(sort=False).items()},
        "actual_value": _num(values.actual_value.sum()),
        "total_predicted_clv": _num(values.clv.sum()),
        "budget": {str(k): _num(v) for k, v in plan.budget.items()},
        "budget_total": _num(plan.budget.sum() + plan.attrs.get("unallocated", 0.0)),
        "budget_allocated": _num(plan.budget.sum()),
        "budget_unallocated": _num(plan.attrs.get("unallocated", 0.0)),
        "retention_offers_funded": int(plan.loc["MVC", "offers_funded"]),
        "precision": None, "recall": None, "campaigns": None, "skipped": skipped,
    }
    if isinstance(quality, pd.DataFrame):
        row = quality.set_index("source").loc["all"]
        h["precision"], h["recall"] = _num(row.precision), _num(row.recall)
    if isinstance(experiment, pd.DataFrame):
        h["campaigns"] = [{"campaign_id": int(r.campaign_id), "name": str(r.name), "uplift": _num(r.uplift),
                           "incremental_profit": _num(r.incremental_profit), "decision": str(r.decision)}
                          for r in experiment.itertuples()]
    h.update(extra or {})
    return h


def write_summary(headline: dict, output_dir=None) -> Path:
    """Write ``headline`` as ``summary.json`` into ``output_dir`` (a new temp folder if None).

    Returns the path of the file; the notebooks print only its name, never
    the full path.

    Examples
    --------
    >>> p = write_summary({"customers": 3})
    >>> p.name, json.loads(p.read_text())["customers"]
    ('summary.json', 3)

    """
    folder = Path(output_dir) if output_dir is not None else Path(tempfile.mkdtemp(prefix="crmlearn-case-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "summary.json"
    path.write_text(json.dumps(headline, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    return path


class _Markdown(str):
    """A string that Jupyter shows as Markdown."""

    def _repr_markdown_(self) -> str:
        return str(self)


def management_summary(headline: dict) -> str:
    """One-page management summary (Markdown) from :func:`headline_numbers`.

    Examples
    --------
    >>> h = {"case": "retail", "source": "x", "customers": 10, "revenue": 1000.0, "net_revenue": 900.0,
    ...      "total_predicted_clv": 500.0, "actual_value": 300.0, "precision": None, "recall": None,
    ...      "value_categories": {"MVC": 2, "MGC": 2, "Migrator": 6, "BZC": 0},
    ...      "budget": {"MVC": 60.0, "MGC": 40.0, "Migrator": 0.0, "BZC": 0.0}, "budget_total": 100.0,
    ...      "retention_offers_funded": 2, "campaigns": None, "skipped": []}
    >>> print(management_summary(h).splitlines()[0])
    ## Management summary: retail

    """
    eur = "{:,.0f} EUR".format
    lines = [f"## Management summary: {headline['case']}", "",
             f"*Data: {headline['source']}.*", "",
             "| headline | value |", "|---|---:|",
             f"| customers | {headline['customers']:,} |",
             f"| revenue (net of returns) | {eur(headline['net_revenue'])} |",
             f"| contribution margin so far | {eur(headline['actual_value'])} |",
             f"| predicted CLV of the customer base | {eur(headline['total_predicted_clv'])} |"]
    if headline.get("precision") is not None:
        lines.append(f"| identity linking: precision / recall | {headline['precision']:.1%} / "
                     f"{headline['recall']:.1%} |")
    for c in headline.get("campaigns") or []:
        lines.append(f"| campaign {c['name']}: uplift, decision | {c['uplift']:+.1%}, {c['decision']} |")
    lines += ["", f"**Decision: budget of {eur(headline['budget_total'])} per value category**", "",
              "| category | customers | budget | action |", "|---|---:|---:|---|"]
    rest = headline.get("budget_unallocated") or 0.0
    for k, money in headline["budget"].items():
        lines.append(f"| {k} | {headline['value_categories'].get(k, 0):,} | {eur(money)} | {_ACTIONS[k]} |")
    if rest > 0:
        lines.append(f"| not allocated | | {eur(rest)} | the value at stake does not justify it |")
    lines += ["", f"The retention budget pays for **{headline['retention_offers_funded']:,}** retention "
              "offers to MVCs. Rule: budget in proportion to the value at stake (CLV of MVCs, margin "
              "on the potential of MGCs at weight 0.2, Migrators' CLV at weight 0.25, nothing for BZCs), "
              "and never more than that weighted value."]
    if rest > 0:
        lines += ["", f"**{eur(rest)} of the budget stay unspent:** the whole customer base does not "
                  "have enough value at stake to earn them back. Lower the budget or find more customers."]
    if headline.get("skipped"):
        lines += ["", f"Not covered by the data: {', '.join(headline['skipped'])}."]
    return _Markdown("\n".join(lines))


# --------------------------------------------------------------------------- scale

#: Where ``benchmarks/bench_pipeline.py --save`` records the million-customer run.
RECORDED_PIPELINE = Path("benchmarks") / "results" / "pipeline_1000000.json"

# Steps of time_pipeline that are not part of the pipeline: the simulation stands
# in for a firm's exports, the pandas steps only check the DuckDB result.
_NOT_PIPELINE = ("simulate the firm", "read Parquet into pandas", "customer table in memory")

# The customer table of crmlearn.customer_summary as one SQL query. DuckDB reads
# the Parquet files in parallel and spills to disk above its memory limit, so
# the transactions never have to sit in memory at once. The last steps (days to
# weeks, the repeat-purchase mean) happen in pandas on one row per customer.
_SUMMARY_SQL = """
WITH tx AS (
    SELECT customer_id, CAST(date AS DATE) AS day, amount, kind = 'return' AS is_return
    FROM read_parquet(?)
),
occasions AS (  -- purchase occasions: all purchases of one customer on one day count once
    SELECT customer_id, day, SUM(amount) AS amount
    FROM tx WHERE NOT is_return GROUP BY customer_id, day
),
buyers AS (
    SELECT customer_id, MIN(day) AS first_day, MAX(day) AS last_day, COUNT(*) AS n_purchases,
           SUM(amount) AS revenue, arg_min(amount, day) AS first_amount
    FROM occasions GROUP BY customer_id
),
returned AS (
    SELECT customer_id, -SUM(amount) AS returns FROM tx WHERE is_return GROUP BY customer_id
)
SELECT COALESCE(b.customer_id, r.customer_id) AS customer_id, b.first_day, b.last_day,
       b.n_purchases, b.revenue, b.first_amount, COALESCE(r.returns, 0.0) AS returns
FROM buyers b FULL OUTER JOIN returned r ON b.customer_id = r.customer_id
ORDER BY customer_id
"""


def _duckdb(memory_limit: str, temp_dir):
    """Open a DuckDB connection that spills into ``temp_dir`` above ``memory_limit`` (not into the cwd)."""
    try:
        import duckdb
    except ImportError as err:  # pragma: no cover - duckdb is a dependency
        raise CRMDataError("the large-scale pipeline needs DuckDB: pip install duckdb") from err
    return duckdb.connect(config={"memory_limit": memory_limit, "temp_directory": str(temp_dir)})


def write_parquet(transactions: pd.DataFrame, path, *, con=None) -> Path:
    """Write the transactions' ``customer_id``, ``date``, ``amount`` and ``kind`` to a Parquet file.

    Parquet stores each column compressed and with its type, so a file is a
    fraction of the size of a CSV export and reads back without parsing text.
    Written with DuckDB (no pyarrow needed). Returns the path.

    Examples
    --------
    >>> import crmlearn, tempfile
    >>> tx = crmlearn.datasets.load("b2b").transactions
    >>> p = write_parquet(tx, Path(tempfile.mkdtemp()) / "tx.parquet")
    >>> p.suffix, p.stat().st_size < 1_000_000
    ('.parquet', True)

    """
    path = Path(path)
    own = con is None
    con = _duckdb("1GB", path.parent) if own else con
    frame = transactions[["customer_id", "date", "amount", "kind"]].assign(kind=lambda d: d.kind.astype(str))
    try:
        con.register("_frame", frame)
        con.execute(f"COPY _frame TO '{path.as_posix()}' (FORMAT parquet, COMPRESSION zstd)")
        con.unregister("_frame")
    finally:
        if own:
            con.close()
    return path


def summary_from_parquet(files, observation_end, time_unit: str = "W", *, memory_limit: str = "1GB",
                         con=None) -> pd.DataFrame:
    """Compute the customer table of :func:`crmlearn.customer_summary` with DuckDB from Parquet files.

    Same definitions and columns as ``customer_summary`` (purchase occasions
    per calendar day, ``frequency = n_purchases - 1``, ``recency`` and ``T``
    in ``time_unit``, ``monetary_value`` the mean of the repeat occasions), but
    the transactions are read from ``files`` by DuckDB, which aggregates them
    within ``memory_limit`` and spills to a temporary folder beyond it.
    Unlike ``customer_summary`` it does not validate the rows: use it on files
    written by :func:`write_parquet` from validated tables.

    Parameters
    ----------
    files : str, Path or list of them
        Parquet file(s) with ``customer_id``, ``date``, ``amount``, ``kind``.
    observation_end : date-like
        End of the observation period.
    time_unit : {"D", "W"}
        Unit of ``recency`` and ``T``.
    memory_limit : str
        DuckDB's memory limit, e.g. ``"500MB"``.
    con : duckdb connection, optional
        Use this connection (and its settings) instead of opening one.

    Returns
    -------
    DataFrame
        Indexed by ``customer_id`` (sorted), the columns of ``customer_summary``.

    Examples
    --------
    >>> import crmlearn, tempfile
    >>> w = crmlearn.datasets.load("b2b")
    >>> p = write_parquet(w.transactions, Path(tempfile.mkdtemp()) / "tx.parquet")
    >>> fast = summary_from_parquet(p, w.observation_end)
    >>> slow = crmlearn.customer_summary(w.transactions, w.observation_end, time_unit="W")
    >>> bool((fast.index == slow.index).all()), bool(np.allclose(fast.monetary_value, slow.monetary_value))
    (True, True)

    """
    from .schema import SUMMARY

    unit = {"D": 1.0, "W": 7.0}.get(time_unit)
    if unit is None:
        raise CRMDataError(f"time_unit must be 'D' (days) or 'W' (weeks), got {time_unit!r}")
    paths = [str(Path(f)) for f in (files if isinstance(files, list | tuple) else [files])]
    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        raise CRMDataError(f"Parquet file(s) not found: {', '.join(missing[:3])}")
    own = con is None
    con = _duckdb(memory_limit, Path(tempfile.mkdtemp(prefix="crmlearn-duckdb-"))) if own else con
    try:
        raw = con.execute(_SUMMARY_SQL, [paths]).df()
    finally:
        if own:
            con.close()
    if raw.n_purchases.isna().any():
        ids = raw.customer_id[raw.n_purchases.isna()].head(5).tolist()
        raise CRMDataError(f"transactions: {int(raw.n_purchases.isna().sum())} customer(s) have returns "
                           f"but no purchase (customer_id {', '.join(map(str, ids))}); include the "
                           "original purchases")
    end = pd.Timestamp(observation_end).normalize()
    first = pd.to_datetime(raw.first_day).astype("datetime64[ns]")
    last = pd.to_datetime(raw.last_day).astype("datetime64[ns]")
    n = raw.n_purchases.astype(np.int64).to_numpy()
    revenue = raw.revenue.to_numpy(float)
    returns = raw.returns.to_numpy(float)
    freq = n - 1
    monetary = np.where(freq > 0, (revenue - raw.first_amount.to_numpy(float)) / np.maximum(freq, 1), 0.0)
    out = pd.DataFrame({
        "first_purchase": first.to_numpy(), "last_purchase": last.to_numpy(),
        "n_purchases": n, "frequency": freq,
        "recency": (last - first).dt.days.to_numpy() / unit,
        "T": (end - first).dt.days.to_numpy() / unit,
        "revenue": np.round(revenue, 2), "returns": np.round(returns, 2) + 0.0,
        "net_revenue": np.round(revenue - returns, 2), "monetary_value": monetary,
        "days_since_last": (end - last).dt.days.to_numpy().astype(np.int64),
    }, index=pd.Index(raw.customer_id.to_numpy(), name="customer_id"))
    return out[SUMMARY.names[1:]]


def time_pipeline(n_customers: int, seed: int = 2024, *, chunk_size: int = 250_000, margin: float = 0.3,
                  discount_rate: float = 0.1, memory_limit: str = "1GB", compare_pandas: bool = True,
                  progress: bool = False) -> pd.DataFrame:
    """Run and time the RFM/CLV pipeline on a large simulated retailer.

    The retailer is simulated in chunks of ``chunk_size`` customers (seeds
    ``seed``, ``seed + 1``, ...; the same process and parameters, customer ids
    made unique), and each chunk's transactions go to their own Parquet file,
    as a firm's daily or per-shop exports would. Then:

    1. the customer table is computed by DuckDB straight from the Parquet
       files (:func:`summary_from_parquet`, at most ``memory_limit`` of RAM);
    2. with ``compare_pandas``, the same table is computed the in-memory way
       (read every file into one pandas DataFrame, :func:`crmlearn.customer_summary`)
       and checked against the DuckDB result;
    3. RFM scores and segments, ABC classes, BG/NBD and Gamma-Gamma fits and
       the predicted CLV over three years (156 weeks) run on the customer table.

    Files live in a temporary folder that is deleted afterwards. Timings
    depend on the machine and its load.

    Returns
    -------
    DataFrame
        One row per step: ``step``, ``tool``, ``seconds``, ``rows`` (customers
        or transactions handled). ``attrs`` holds ``customers``,
        ``transactions``, ``parquet_mb`` (size of the files), ``csv_ratio``
        (size of the first file as CSV text / as Parquet), ``pandas_mb``
        (the transactions as a pandas DataFrame, or None), ``memory_limit``,
        ``summary_mb`` (the customer table in memory), ``max_difference``
        (largest difference between the DuckDB and pandas customer tables, or
        None), ``pipeline_seconds`` (writing Parquet, the DuckDB customer
        table, RFM, ABC, fits and CLV: without the simulation and the pandas
        check) and ``total_clv`` (EUR).

    Examples
    --------
    >>> t = time_pipeline(300, seed=1)
    >>> t.step.tolist()[:3]
    ['simulate the firm', 'write Parquet files', 'customer table from Parquet']
    >>> t.attrs["customers"], t.attrs["max_difference"] < 1e-6
    (300, True)

    """
    import crmlearn

    from . import datasets, models, value

    if isinstance(n_customers, bool) or not isinstance(n_customers, int | np.integer) or n_customers < 1:
        raise CRMDataError(f"n_customers must be a whole number >= 1, got {n_customers!r}")
    rows = []

    def timed(step, tool, n, fn):
        t0 = time.perf_counter()
        result = fn()
        rows.append({"step": step, "tool": tool, "seconds": time.perf_counter() - t0, "rows": int(n)})
        return result

    sizes = [min(chunk_size, n_customers - k) for k in range(0, n_customers, chunk_size)]
    with tempfile.TemporaryDirectory(prefix="crmlearn-pipeline-") as tmp:
        folder = Path(tmp)
        con = _duckdb(memory_limit, folder / "spill")
        files, offset, n_tx, t_sim, t_write = [], 0, 0, 0.0, 0.0
        chunks = enumerate(sizes)
        if progress:
            from tqdm.auto import tqdm

            chunks = tqdm(chunks, total=len(sizes), desc="simulate + write Parquet", unit="chunk")
        for i, size in chunks:
            t0 = time.perf_counter()
            world = datasets.generate("retail", n_customers=size, seed=seed + i, progress=False)
            tx = world.transactions[["customer_id", "date", "amount", "kind"]].copy()
            tx["customer_id"] += offset
            end = world.observation_end
            t1 = time.perf_counter()
            files.append(write_parquet(tx, folder / f"transactions-{i:03d}.parquet", con=con))
            t_sim, t_write = t_sim + t1 - t0, t_write + time.perf_counter() - t1
            if i == 0:  # how much larger the same rows are as CSV text (not timed)
                csv = folder / "first-chunk.csv"
                con.register("_csv", tx.assign(kind=tx.kind.astype(str)))
                con.execute(f"COPY _csv TO '{csv.as_posix()}' (HEADER)")
                con.unregister("_csv")
                csv_ratio = csv.stat().st_size / files[0].stat().st_size
                csv.unlink()
            offset, n_tx = offset + size, n_tx + len(tx)
            del world, tx
        rows.append({"step": "simulate the firm", "tool": "crmlearn.datasets", "seconds": t_sim,
                     "rows": n_customers})
        rows.append({"step": "write Parquet files", "tool": "DuckDB", "seconds": t_write, "rows": n_tx})
        s = timed("customer table from Parquet", "DuckDB", n_tx,
                  lambda: summary_from_parquet(files, end, "W", con=con))
        con.close()
        parquet_mb = sum(f.stat().st_size for f in files) / 1e6
        pandas_mb = difference = None
        if compare_pandas:
            import duckdb

            def read_all():
                paths = [str(f) for f in files]
                frame = duckdb.connect().execute("SELECT * FROM read_parquet(?)", [paths]).df()
                return frame.assign(kind=frame.kind.astype("category"))

            all_tx = timed("read Parquet into pandas", "DuckDB -> pandas", n_tx, read_all)
            pandas_mb = float(all_tx.memory_usage(deep=True).sum()) / 1e6
            s2 = timed("customer table in memory", "pandas (customer_summary)", n_tx,
                       lambda: crmlearn.customer_summary(all_tx, end, time_unit="W"))
            del all_tx
            num = [c for c in s.columns if c not in ("first_purchase", "last_purchase")]
            same = (s.index.equals(s2.index) and s.first_purchase.equals(s2.first_purchase)
                    and s.last_purchase.equals(s2.last_purchase))
            difference = float((s[num] - s2[num]).abs().max().max()) if same else float("inf")
    scores = timed("RFM scores and segments", "pandas", len(s),
                   lambda: value.rfm_segments(value.rfm_scores(s)))
    del scores
    timed("ABC classes", "pandas", len(s), lambda: value.abc_classes(s.net_revenue))
    bg = timed("BG/NBD fit", "numpy/scipy", len(s),
               lambda: models.BetaGeo().fit(s.frequency, s.recency, s["T"]))
    rep = s[s.frequency > 0]
    gg = timed("Gamma-Gamma fit", "numpy/scipy", len(rep),
               lambda: models.GammaGamma().fit(rep.frequency, rep.monetary_value))
    clv = timed("predicted CLV (3 years)", "numpy/scipy", len(s), lambda: models.predictive_clv(
        bg, gg, s.frequency, s.recency, s["T"], s.monetary_value, margin=margin, discount_rate=discount_rate,
        horizon=156))
    table = pd.DataFrame(rows)
    table["seconds"] = table.seconds.round(2)
    table.attrs.update({
        "customers": int(n_customers), "transactions": int(n_tx), "parquet_mb": round(parquet_mb, 1),
        "pandas_mb": None if pandas_mb is None else round(pandas_mb, 1), "memory_limit": memory_limit,
        "csv_ratio": round(float(csv_ratio), 1),
        "summary_mb": round(float(s.memory_usage(deep=True).sum()) / 1e6, 1),
        "max_difference": difference,
        "pipeline_seconds": round(float(table.seconds[~table.step.isin(_NOT_PIPELINE)].sum()), 2),
        "total_clv": float(clv.sum()),
    })
    return table


def pipeline_record(table: pd.DataFrame, **extra) -> dict:
    """Turn the result of :func:`time_pipeline` into a JSON-ready dict (``steps``, the attrs, ``extra``)."""
    return {"steps": table.to_dict(orient="records"), **table.attrs, **extra}


def recorded_pipeline(path=None):
    """Read the recorded million-customer run of ``benchmarks/bench_pipeline.py --save``.

    Returns the table of :func:`time_pipeline` (attrs included, plus
    ``machine`` and ``peak_memory_mb`` of the benchmark process), or a
    :class:`Skipped` note if the record is missing (e.g. outside a checkout).
    """
    if path is None:
        import crmlearn

        path = Path(crmlearn.__file__).resolve().parents[1] / RECORDED_PIPELINE
    path = Path(path)
    if not path.exists():
        return Skipped("Recorded benchmark", "no recorded million-customer run found; run "
                       "`python benchmarks/bench_pipeline.py --save` in the checkout to record one")
    record = json.loads(path.read_text(encoding="utf-8"))
    table = pd.DataFrame(record.pop("steps"))
    table.attrs.update(record)
    return table


def _mb(x: float) -> str:
    return f"{x:,.1f} MB" if x < 10 else f"{x:,.0f} MB"


def _seconds(x: float) -> str:
    return f"{x:,.1f} s" if x < 120 else f"{x / 60:,.1f} min"


def pipeline_report(table, title: str = "This run") -> str:
    """Say in a few Markdown sentences what :func:`time_pipeline` measured.

    Examples
    --------
    >>> t = pd.DataFrame({"step": ["simulate the firm", "customer table from Parquet"],
    ...                   "tool": ["crmlearn.datasets", "DuckDB"], "seconds": [3.0, 0.5],
    ...                   "rows": [1000, 6000]})
    >>> t.attrs.update(customers=1000, transactions=6000, parquet_mb=0.1, pandas_mb=None,
    ...                memory_limit="1GB", max_difference=None, pipeline_seconds=0.5, total_clv=12345.6)
    >>> print(pipeline_report(t).splitlines()[0])
    **This run:** 1,000 customers with 6,000 transactions. Simulating the firm took 3.0 s; the pipeline ...

    """
    if table is None:
        return _Markdown("> **Live run skipped:** set `scale_customers` to a number of customers to run it.")
    if isinstance(table, Skipped):
        return _Markdown(table._repr_markdown_())
    a = table.attrs
    step = table.set_index("step").seconds
    lines = [f"**{title}:** {a['customers']:,} customers with {a['transactions']:,} transactions. "
             f"Simulating the firm took {_seconds(step['simulate the firm'])}; the pipeline itself "
             f"(Parquet files, customer table, RFM, ABC, BG/NBD, Gamma-Gamma, CLV) took "
             f"**{_seconds(a['pipeline_seconds'])}**.",
             "",
             f"- DuckDB built the customer table from {_mb(a['parquet_mb'])} of Parquet files in "
             f"{_seconds(step['customer table from Parquet'])}, within a memory limit of "
             f"{a['memory_limit']}."]
    if a.get("csv_ratio"):
        lines.append(f"- The same transactions as CSV text take {a['csv_ratio']:.1f} times the space of "
                     "Parquet (measured on the first file).")
    if a.get("pandas_mb") is not None:
        agree = "the same table" if (a.get("max_difference") or 0) < 1e-6 else "a DIFFERENT table"
        lines.append(f"- pandas needed {_mb(a['pandas_mb'])} of memory just to hold the transactions, "
                     f"{_seconds(step['read Parquet into pandas'])} to read them and "
                     f"{_seconds(step['customer table in memory'])} for `customer_summary`: {agree}.")
    if a.get("summary_mb") is not None:
        lines.append(f"- The customer table (one row per customer) takes {_mb(a['summary_mb'])}.")
    fits = step.get("BG/NBD fit", 0) + step.get("Gamma-Gamma fit", 0) + step.get("predicted CLV (3 years)", 0)
    lines.append(f"- The models (BG/NBD, Gamma-Gamma, CLV) took {_seconds(fits)} on one row per customer; "
                 f"predicted CLV of all customers: {a['total_clv']:,.0f} EUR.")
    if a.get("machine"):
        m = a["machine"]
        load = (f" (load average {m['load_average']} when it started: other work shared the machine)"
                if m.get("load_average", 0) >= 1 else "")
        lines.append(f"- Machine: {m.get('cpus')} CPU cores{load}, {m.get('system')} {m.get('arch')}, "
                     f"Python {m.get('python')}; peak memory of the benchmark process "
                     f"{_mb(a.get('peak_memory_mb', 0))}.")
    return _Markdown("\n".join(lines))


# --------------------------------------------------------------------------- runner


def notebook_path(case: str) -> Path:
    """Path of a case notebook in the checkout (``notebooks/cases/`` beside the package).

    Examples
    --------
    >>> notebook_path("retail").name
    'case_retail.ipynb'

    """
    if case not in CASES:
        raise CRMDataError(f"unknown case {case!r}; choose one of: {', '.join(CASES)}.")
    import crmlearn

    path = Path(crmlearn.__file__).resolve().parents[1] / "notebooks" / "cases" / CASES[case]
    if not path.exists():
        raise CRMDataError(f"case notebook {path.name} not found beside the package (looked in "
                           "notebooks/cases/ of the checkout); run the case studies from a git checkout.")
    return path


def _parameters_cell(case: str):
    import nbformat

    nb = nbformat.read(notebook_path(case), as_version=4)
    for cell in nb.cells:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            return cell.source
    raise CRMDataError(f"{notebook_path(case).name} has no cell tagged 'parameters'.")


def case_parameters(case: str) -> dict:
    """Parameters of a case notebook and their defaults (from its cell tagged ``parameters``).

    Examples
    --------
    >>> p = case_parameters("retail")
    >>> p["n_customers"], "budget" in p, "transactions_csv" in p
    (None, True, True)

    """
    params = {}
    for node in ast.parse(_parameters_cell(case)).body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            params[node.targets[0].id] = ast.literal_eval(node.value)
    return params


def _is_int(x) -> bool:
    return isinstance(x, int | np.integer) and not isinstance(x, bool)


def _is_number(x) -> bool:
    return (_is_int(x) or isinstance(x, float | np.floating)) and np.isfinite(x)


# name -> (test of the value, what the value must be)
_PARAM_RULES = {
    "n_customers": (lambda v: v is None or (_is_int(v) and v >= 100),
                    "None (the classroom sample) or a whole number >= 100"),
    "seed": (lambda v: v is None or (_is_int(v) and v >= 0), "None or a whole number >= 0"),
    "margin": (lambda v: _is_number(v) and 0 < v <= 1, "a share between 0 and 1, e.g. 0.3"),
    "discount_rate": (lambda v: _is_number(v) and 0 <= v < 1, "a yearly rate between 0 and 1, e.g. 0.1"),
    "retention_offer_cost": (lambda v: _is_number(v) and v > 0, "a number of EUR > 0"),
    "budget": (lambda v: _is_number(v) and v >= 0, "a number of EUR >= 0"),
    "transactions_csv": (lambda v: v is None or isinstance(v, str | Path), "None or the path of a CSV file"),
    "csv_columns": (lambda v: isinstance(v, dict) and all(isinstance(x, str) for x in (*v, *v.values())),
                    'a dict such as {"customer_id": "Kundennummer"}'),
    "csv_returns": (lambda v: v in ("error", "negative"), '"error" or "negative"'),
    "output_dir": (lambda v: v is None or isinstance(v, str | Path), "None or a folder"),
    "scale_customers": (lambda v: _is_int(v) and v >= 0, "a whole number >= 0 (0: skip the live run)"),
}


def check_parameters(case: str, params: dict) -> dict:
    """Check parameters for a case notebook before any kernel starts; return them complete.

    Unknown names, values of the wrong kind and a missing or unreadable
    ``transactions_csv`` raise :class:`CRMDataError` naming the parameter, the
    rule and the value received. A CSV file is read once here (with the
    column mapping), so a mapping error shows up at once and not in cell 5.

    Examples
    --------
    >>> check_parameters("b2b", {"margin": 0.25})["margin"]
    0.25
    >>> check_parameters("b2b", {"margin": 25})
    Traceback (most recent call last):
    ...
    crmlearn.errors.CRMDataError: parameter margin must be a share between 0 and 1, e.g. 0.3; got 25.

    """
    allowed = case_parameters(case)
    bad = sorted(set(params) - set(allowed))
    if bad:
        raise CRMDataError(f"unknown parameter(s) {', '.join(map(repr, bad))} for the {case} case; "
                           f"allowed: {', '.join(allowed)}.")
    full = {**allowed, **params}
    for name, value in params.items():
        rule = _PARAM_RULES.get(name)
        if rule is not None and not rule[0](value):
            raise CRMDataError(f"parameter {name} must be {rule[1]}; got {value!r}.")
    csv = full.get("transactions_csv")
    if csv is not None:
        if full.get("n_customers") is not None or full.get("seed") is not None:
            raise CRMDataError("transactions_csv replaces the simulated firm: leave n_customers and seed at "
                               "None when you pass a CSV file (got "
                               f"n_customers={full.get('n_customers')!r}, seed={full.get('seed')!r}).")
        path = Path(csv)
        if not path.is_file():
            raise CRMDataError(f"transactions_csv: no file {str(csv)!r} (relative paths start in the "
                               f"current folder, {Path.cwd().name}/); check the name or pass an absolute "
                               "path.")
        try:
            load_case(case, transactions_csv=path, csv_columns=full.get("csv_columns"),
                      csv_returns=full.get("csv_returns", "error"))
        except CRMDataError as err:
            raise CRMDataError(f"reading transactions_csv {path.name!r}: {err}\n(here: map columns with "
                               "csv_columns, on the command line --map customer_id=YOURS ...; treat "
                               "negative amounts as returns with csv_returns='negative', i.e. --returns "
                               "negative)") from None
    return full


#: Folders of the checkout that hold sources: run_case writes nothing into them.
_SOURCE_FOLDERS = ("notebooks", "crmlearn", "exercises", "datasets", "tests", "tools", "benchmarks")


def _relative_if_possible(path: Path, base: Path) -> str:
    try:
        return str(path.resolve().relative_to(base.resolve()))
    except ValueError:
        return str(path.resolve())


def run_case(case: str, params: dict | None = None, out_dir=None, progress: bool = True,
             timeout: int = 1800) -> Path:
    """Run a case study notebook with parameters; write the executed notebook and an HTML report.

    Parameters
    ----------
    case : {"retail", "subscription", "b2b"}
        Which case study.
    params : dict, optional
        Notebook parameters (see :func:`case_parameters`), checked first by
        :func:`check_parameters`. ``output_dir`` is set to ``out_dir``
        unless given. Relative paths (``transactions_csv``) start in the
        current working directory.
    out_dir : str or Path, optional
        Folder for the results; default ``output/cases/<case>-<time>-<hash>/``
        in the checkout (``output/`` is not under version control).
    progress : bool
        Show papermill's progress bar (one step per cell).
    timeout : int
        Seconds allowed per cell; a cell that takes longer stops the run.

    Returns
    -------
    Path
        The output folder, holding ``<case>.ipynb`` (executed),
        ``<case>.html`` (report without code) and ``summary.json``.

    """
    params = dict(params or {})
    if case not in CASES:
        raise CRMDataError(f"unknown case {case!r}; choose one of: {', '.join(CASES)}.")
    check_parameters(case, params)
    try:
        import papermill
    except ImportError as err:  # pragma: no cover - papermill is a dependency
        raise CRMDataError("running a case study needs papermill: pip install papermill") from err
    import nbformat
    from nbconvert import HTMLExporter

    src = notebook_path(case)
    if out_dir is None:
        digest = hashlib.sha256(json.dumps(params, sort_keys=True, default=str).encode()).hexdigest()[:8]
        stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        out_dir = src.parents[2] / "output" / "cases" / f"{case}-{stamp}-{digest}"
    out = Path(out_dir)
    root = src.parents[2].resolve()
    for folder in _SOURCE_FOLDERS:
        if (root / folder) == out.resolve() or (root / folder) in out.resolve().parents:
            raise CRMDataError(f"output folder {out} is inside {folder}/, among the sources; choose a folder "
                               "outside them, e.g. output/cases/my-run (the default is under output/).")
    out.mkdir(parents=True, exist_ok=True)
    cwd = Path.cwd()
    params.setdefault("output_dir", _relative_if_possible(out, cwd))
    if isinstance(params.get("transactions_csv"), Path):
        params["transactions_csv"] = str(params["transactions_csv"])
    nb_out = out / f"{case}.ipynb"
    try:
        papermill.execute_notebook(str(src), str(nb_out), parameters=params, progress_bar=progress,
                                   cwd=str(cwd), kernel_name="python3", execution_timeout=timeout,
                                   report_mode=False)
    except papermill.PapermillExecutionError as err:
        raise CRMDataError(f"the {case} case study stopped in cell {err.exec_count} with "
                           f"{err.ename}: {err.evalue}\n(see the executed notebook {nb_out})") from None
    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(nbformat.read(nb_out, as_version=4))
    (out / f"{case}.html").write_text(body, encoding="utf-8")
    return out


def _value(text: str):
    """Parse a command-line value: a Python literal if possible, else the text."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def _pairs(items, what):
    result = {}
    for item in items or []:
        if "=" not in item:
            raise CRMDataError(f"{what} expects NAME=VALUE, got {item!r}.")
        k, v = item.split("=", 1)
        result[k.strip()] = v.strip()
    return result


def main(argv=None) -> int:
    """Run the command line ``python -m crmlearn.casestudy CASE [-p NAME=VALUE ...] [--csv FILE ...]``.

    Returns the exit code (0 on success, 2 on a bad case, parameter or CSV
    file, 1 when the notebook stops with an error).
    """
    parser = argparse.ArgumentParser(
        prog="python -m crmlearn.casestudy",
        description="Run a crmlearn case study with your parameters and write the executed notebook, "
                    "an HTML report (without code) and summary.json into an output folder.",
        epilog="examples:\n"
               "  python -m crmlearn.casestudy retail -p seed=7 -p margin=0.35 --out output/cases/r7\n"
               "  python -m crmlearn.casestudy retail \\\n"
               "      --csv datasets/examples/kassenexport_gipfelglueck.csv --returns negative \\\n"
               "      --map customer_id=Kundennummer --map date=Datum --map amount=Umsatz\n"
               "  python -m crmlearn.casestudy b2b --list",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("case", help=f"one of: {', '.join(CASES)}")
    parser.add_argument("-p", "--param", action="append", metavar="NAME=VALUE",
                        help="notebook parameter, e.g. -p seed=7 -p margin=0.35 -p n_customers=800 "
                             "(values are Python literals; None for none); see --list")
    parser.add_argument("--csv", metavar="PATH", help="your transactions CSV (= -p transactions_csv=PATH)")
    parser.add_argument("--map", action="append", metavar="OURS=YOURS",
                        help="column mapping for the CSV, e.g. --map customer_id=Kundennummer")
    parser.add_argument("--returns", choices=["error", "negative"],
                        help="negative amounts in the CSV: an error (default) or returns")
    parser.add_argument("--out", metavar="DIR",
                        help="output folder (default output/cases/<case>-<time>-<hash>/ in the checkout)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument("--list", action="store_true", help="show the parameters and defaults, then stop")
    args = parser.parse_args(argv)
    try:
        if args.case not in CASES:
            raise CRMDataError(f"unknown case {args.case!r}; choose one of: {', '.join(CASES)}.")
        if args.list:
            print(_parameters_cell(args.case))
            return 0
        params = {k: _value(v) for k, v in _pairs(args.param, "-p").items()}
        if args.csv:
            params["transactions_csv"] = args.csv
        if args.map:
            params["csv_columns"] = _pairs(args.map, "--map")
        if args.returns:
            params["csv_returns"] = args.returns
        check_parameters(args.case, params)
    except CRMDataError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    try:
        out = run_case(args.case, params, out_dir=args.out, progress=not args.no_progress)
    except CRMDataError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    shown = _relative_if_possible(out, Path.cwd())
    print(f"done: {shown}/{args.case}.html (report), {args.case}.ipynb (executed notebook), summary.json")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
