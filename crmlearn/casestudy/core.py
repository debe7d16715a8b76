"""The case helpers: data, the IDIC steps, customer values, the budget rule and the summary.

Part of :mod:`crmlearn.casestudy` (import from there); the scale pipeline
lives in :mod:`crmlearn.casestudy.scale`, the command line in
:mod:`crmlearn.casestudy.runner`.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import CRMDataError

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
    from .. import datasets

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
    from .. import identify

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
    from .. import models

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
    """Ongoing contribution margin III per customer over the observation period (EUR).

    Net revenue minus product, delivery and contact cost, from
    :func:`crmlearn.value.margin_inputs` without the customer table (the sunk
    acquisition cost stays out).
    """
    from .. import value

    if data.world is None:
        return margin * summary.net_revenue
    contacts = data.world.contacts if data.has("contacts") else None
    inputs = value.margin_inputs(data.transactions, contacts)
    cm = value.contribution_margins(data=inputs, **{c: c for c in inputs.columns})
    return cm.cm3.reindex(summary.index).fillna(0.0)


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
    from .. import value

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
    from .. import interact

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
    from .. import customize

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
