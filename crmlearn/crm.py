"""What CRM is and what it is for, made computable on the synthetic CRM world.

This module turns the introductory ideas of CRM into small computations a
learner can run and change:

================================  ================================================
name                              question it answers
================================  ================================================
:func:`profile_card`              what does the firm know about one customer
                                  (the 360-degree view from every table)?
:func:`qci_funnel`                how many customers are won, kept and
                                  penetrated (QCI's three management activities)?
:func:`acquisition_by_channel`    new customers and cost per new customer
:data:`PAYNE_FROW_PROCESSES`      the five cross-functional CRM processes
:data:`READINESS_QUESTIONS`       a self-assessment for the four implementation
                                  elements of Payne & Frow
:func:`readiness_score`           score (0-100) per element, weakest element
:data:`CRM_MODELS`                IDIC, QCI, Payne & Frow, Buttle side by side
                                  (the source article 002 announces four models
                                  but describes three; Buttle's CRM value chain
                                  is the usual fourth)
:func:`watering_can_vs_targeted`  one budget spent evenly or by segment
:func:`crm_benefits`              one small computation per CRM benefit
:func:`ten_steps_checklist`       the steps to become customer-centric
================================  ================================================

A *world* is anything with the CRM tables as attributes, such as the object
returned by :func:`crmlearn.datasets._generator.generate` (``customers``,
``transactions``, ``order_lines``, ``products``, ``contacts``, ``campaigns``,
``campaign_members``, ``surveys``, ``contracts`` and ``observation_end``).
A table a scenario lacks may be missing or empty. Nothing here changes its
inputs; bad input raises :class:`~crmlearn.errors.CRMDataError`.

References
----------
Buttle, F. and Maklan, S. (2019). *Customer Relationship Management: Concepts
and Technologies*, 4th ed., Routledge (CRM value chain).
Payne, A. and Frow, P. (2005). A strategic framework for customer relationship
management. *Journal of Marketing* 69(4), 167-176.
Peppers, D. and Rogers, M. (2017). *Managing Customer Experience and
Relationships*, 3rd ed., Wiley (IDIC).
Woodcock, N., Stone, M. and Foss, B. (2003). *The Customer Management
Scorecard*, Kogan Page (QCI model).

"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from numbers import Number

import numpy as np
import pandas as pd

from .errors import CRMDataError, describe_rows

__all__ = [
    "ProfileCard",
    "profile_card",
    "qci_funnel",
    "acquisition_by_channel",
    "PAYNE_FROW_PROCESSES",
    "READINESS_ELEMENTS",
    "READINESS_QUESTIONS",
    "Readiness",
    "readiness_score",
    "CRM_MODELS",
    "StrategyComparison",
    "watering_can_vs_targeted",
    "benefit_retention",
    "benefit_repeat_revenue",
    "benefit_channel_cost",
    "benefit_automation",
    "crm_benefits",
    "ten_steps_checklist",
]

_DAY = pd.Timedelta(days=1)

# --------------------------------------------------------------------------------------
# access to the tables of a world
# --------------------------------------------------------------------------------------


def _table(world, name: str, required: bool = True) -> pd.DataFrame:
    """Return table ``name`` of ``world`` (an empty DataFrame if absent and optional)."""
    df = getattr(world, name, None)
    if df is None and isinstance(world, Mapping):
        df = world.get(name)
    if df is None:
        if required:
            raise CRMDataError(
                f"world has no table {name!r}; pass a World from "
                f"crmlearn.datasets (e.g. generate('retail')) or an object with the "
                f"CRM tables as attributes"
            )
        return pd.DataFrame()
    if not isinstance(df, pd.DataFrame):
        raise CRMDataError(f"world.{name}: expected a pandas DataFrame, got {type(df).__name__}")
    return df


def _need_columns(df: pd.DataFrame, table: str, columns) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise CRMDataError(
            f"world.{table}: missing column(s) {missing}; the table needs {list(columns)} "
            f"(see crmlearn.schema.table({table!r}))"
        )


def _observation_end(world) -> pd.Timestamp:
    end = getattr(world, "observation_end", None)
    if end is not None:
        return pd.Timestamp(end)
    tx = _table(world, "transactions")
    if len(tx) == 0:
        raise CRMDataError(
            "world has neither observation_end nor transactions; pass as_of explicitly"
        )
    return pd.Timestamp(tx["date"].max())


def _purchases(world) -> pd.DataFrame:
    tx = _table(world, "transactions")
    _need_columns(tx, "transactions", ["customer_id", "date", "amount"])
    if "kind" in tx.columns:
        return tx[tx["kind"] != "return"]
    return tx[tx["amount"] > 0]


def _age_group(birth_year, year: int) -> str:
    if birth_year is None or pd.isna(birth_year):
        return "unknown"
    age = year - int(birth_year)
    for upper, label in ((29, "under 30"), (44, "30-44"), (59, "45-59")):
        if age <= upper:
            return label
    return "60 and older"


def _fmt(value) -> str:
    """Format one value for a card: dates as days, money with two decimals."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "-"
    if isinstance(value, pd.Timestamp):
        return str(value.date())
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value)


# --------------------------------------------------------------------------------------
# the 360-degree profile card
# --------------------------------------------------------------------------------------


@dataclass
class ProfileCard:
    """The 360-degree view of one customer, assembled from every table.

    Attributes
    ----------
    customer_id : int
        The customer shown.
    sections : dict of str to dict
        Key facts per section (``"master data"``, ``"purchases"``,
        ``"service"``, ``"campaigns"``, ``"surveys"``, ``"contracts"``).
    purchases, categories, contacts, campaigns, surveys, contracts : DataFrame
        The customer's rows of each table (``categories``: revenue per
        product category, largest first). Empty where the firm has no data.

    """

    customer_id: int
    sections: dict
    purchases: pd.DataFrame = field(repr=False)
    categories: pd.DataFrame = field(repr=False)
    contacts: pd.DataFrame = field(repr=False)
    campaigns: pd.DataFrame = field(repr=False)
    surveys: pd.DataFrame = field(repr=False)
    contracts: pd.DataFrame = field(repr=False)

    def to_frame(self) -> pd.DataFrame:
        """All key facts as one long table with columns section, field, value."""
        rows = [
            (section, name, value)
            for section, facts in self.sections.items()
            for name, value in facts.items()
        ]
        return pd.DataFrame(rows, columns=["section", "field", "value"])

    def _title(self) -> str:
        name = self.sections["master data"]["name"]
        return f"Customer {self.customer_id}: {name}"

    def _repr_markdown_(self) -> str:
        lines = [f"### {self._title()}", ""]
        for section, facts in self.sections.items():
            lines.append(f"**{section}**  ")
            lines.append(" · ".join(f"{k}: {_fmt(v)}" for k, v in facts.items()))
            lines.append("")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        parts = [
            '<div style="border:1px solid #999;border-radius:6px;padding:8px;max-width:720px">',
            f"<h4 style='margin:0 0 6px 0'>{html.escape(self._title())}</h4>",
            "<table>",
        ]
        for section, facts in self.sections.items():
            text = "; ".join(
                f"{html.escape(str(k))}: <b>{html.escape(_fmt(v))}</b>" for k, v in facts.items()
            )
            parts.append(
                f"<tr><td style='text-align:left;vertical-align:top;padding-right:12px'>"
                f"<i>{html.escape(section)}</i></td><td style='text-align:left'>{text}</td></tr>"
            )
        parts.append("</table></div>")
        return "\n".join(parts)

    def __str__(self) -> str:
        return self._repr_markdown_()


def profile_card(world, customer_id) -> ProfileCard:
    """Assemble the 360-degree view of one customer from all tables of a world.

    The card joins what usually sits in separate systems: master data
    (``customers``), purchases and returns (``transactions``), favourite
    product categories (``order_lines`` + ``products``), service contacts
    (``contacts``), campaigns received (``campaign_members`` + ``campaigns``),
    survey answers (``surveys``) and contracts (``contracts``).

    Rules
    -----
    - *age group* from ``birth_year`` at the year of the world's observation
      end: under 30, 30-44, 45-59, 60 and older.
    - *purchases* count purchase rows (not returns); *revenue* sums their
      amounts (EUR); *returns* is the returned amount as a positive number.
    - *preferred channel* is the most frequent purchase channel (ties: first
      in alphabetical order).
    - *favourite categories*: the three categories with the largest line
      revenue.
    - *campaigns received* counts treatment memberships; control-group
      members were deliberately not contacted and are counted apart.
    - *latest NPS / CSAT*: from the most recent survey answer.

    Parameters
    ----------
    world : World
        An object with the CRM tables as attributes.
    customer_id : int
        A value of ``world.customers['customer_id']``.

    Returns
    -------
    ProfileCard
        Displays as a card in a notebook; ``.sections`` holds the key facts,
        ``.to_frame()`` gives them as a table (columns ``section``, ``field``,
        ``value``), and the customer's rows of each table are attributes.

    Examples
    --------
    >>> from crmlearn.datasets import generate
    >>> w = generate("retail", n_customers=200, seed=1)
    >>> card = profile_card(w, 1)
    >>> list(card.sections)
    ['master data', 'purchases', 'service', 'campaigns', 'surveys', 'contracts']
    >>> card.to_frame().columns.tolist()
    ['section', 'field', 'value']

    """
    customers = _table(world, "customers")
    _need_columns(customers, "customers", ["customer_id"])
    if isinstance(customer_id, bool) or not isinstance(customer_id, (Number, np.integer)):
        raise CRMDataError(
            f"customer_id must be a customer number (int), got {type(customer_id).__name__} "
            f"{customer_id!r}"
        )
    hit = customers[customers["customer_id"] == customer_id]
    if len(hit) == 0:
        ids = customers["customer_id"]
        span = f"ids run from {ids.min()} to {ids.max()}" if len(ids) else "the table is empty"
        raise CRMDataError(
            f"customer_id {customer_id!r} is not in world.customers ({span}); pick one of "
            f"world.customers['customer_id']"
        )
    row = hit.iloc[0]
    end = _observation_end(world)

    def get(col):
        return row[col] if col in row.index else None

    name = " ".join(str(v) for v in (get("first_name"), get("last_name")) if v is not None)
    master = {"name": name}
    company = get("company")
    if company is not None and not pd.isna(company) and str(company):
        master["company"] = company
        master["industry"] = get("industry")
    master.update(
        {
            "town": get("town"),
            "age group": _age_group(get("birth_year"), end.year),
            "gender": get("gender"),
            "signup": pd.Timestamp(get("signup_date")) if get("signup_date") is not None else None,
            "acquisition channel": get("acquisition_channel"),
            "acquisition cost": float(get("acquisition_cost"))
            if get("acquisition_cost") is not None else None,
        }
    )

    tx = _table(world, "transactions", required=False)
    mine = tx[tx["customer_id"] == customer_id] if len(tx) else tx
    is_ret = (mine["kind"] == "return") if "kind" in mine.columns else mine.get("amount", 0) < 0
    buys = mine[~is_ret] if len(mine) else mine
    rets = mine[is_ret] if len(mine) else mine
    lines = _table(world, "order_lines", required=False)
    products = _table(world, "products", required=False)
    if len(buys) and len(lines) and len(products):
        my_lines = lines[lines["transaction_id"].isin(buys["transaction_id"])]
        cats = (
            my_lines.merge(products[["product_id", "category"]], on="product_id", how="left")
            .groupby("category", observed=True)["amount"]
            .agg(["size", "sum"])
            .rename(columns={"size": "lines", "sum": "revenue"})
            .sort_values(["revenue", "lines"], ascending=False)
        )
    else:
        cats = pd.DataFrame({"lines": pd.Series(dtype="int64"), "revenue": pd.Series(dtype=float)})
        cats.index.name = "category"
    channel = None
    if len(buys) and "channel" in buys.columns:
        counts = buys["channel"].value_counts()
        channel = sorted(counts.index[counts == counts.max()])[0]
    purchases = {
        "purchases": len(buys),
        "revenue": float(buys["amount"].sum()) if len(buys) else 0.0,
        "last purchase": pd.Timestamp(buys["date"].max()) if len(buys) else None,
        "preferred channel": channel,
        "favourite categories": ", ".join(map(str, cats.index[:3])) if len(cats) else "-",
        "returns": len(rets),
        "returned amount": float(-rets["amount"].sum()) if len(rets) else 0.0,
    }

    contacts = _table(world, "contacts", required=False)
    my_contacts = (
        contacts[contacts["customer_id"] == customer_id].sort_values("date") if len(contacts) else contacts
    )
    service = {
        "contacts": len(my_contacts),
        "contact cost": float(my_contacts["cost"].sum()) if len(my_contacts) else 0.0,
        "last contact": pd.Timestamp(my_contacts["date"].iloc[-1]) if len(my_contacts) else None,
        "last reason": my_contacts["reason"].iloc[-1] if len(my_contacts) else None,
    }

    members = _table(world, "campaign_members", required=False)
    campaigns = _table(world, "campaigns", required=False)
    my_members = members[members["customer_id"] == customer_id] if len(members) else members
    if len(my_members) and len(campaigns):
        my_members = my_members.merge(
            campaigns[["campaign_id", "name", "start_date", "channel"]], on="campaign_id", how="left"
        ).sort_values("start_date")
    treated = my_members[my_members["group"] == "treatment"] if len(my_members) else my_members
    camp = {
        "campaigns received": len(treated),
        "responded": int(treated["responded"].sum()) if len(treated) else 0,
        "in control group": len(my_members) - len(treated),
    }

    surveys = _table(world, "surveys", required=False)
    my_surveys = (
        surveys[surveys["customer_id"] == customer_id].sort_values("date") if len(surveys) else surveys
    )
    surv = {
        "answers": len(my_surveys),
        "latest NPS (0-10)": int(my_surveys["nps"].iloc[-1]) if len(my_surveys) else None,
        "latest CSAT (1-5)": int(my_surveys["csat"].iloc[-1]) if len(my_surveys) else None,
        "latest answer": pd.Timestamp(my_surveys["date"].iloc[-1]) if len(my_surveys) else None,
    }

    contracts = _table(world, "contracts", required=False)
    my_contracts = (
        contracts[contracts["customer_id"] == customer_id].sort_values("start_date")
        if len(contracts) else contracts
    )
    if len(my_contracts):
        last = my_contracts.iloc[-1]
        running = pd.isna(last["end_date"]) or pd.Timestamp(last["end_date"]) >= end
        contr = {
            "contracts": len(my_contracts),
            "plan": last["plan"],
            "since": pd.Timestamp(last["start_date"]),
            "status": "running" if running else f"ended {pd.Timestamp(last['end_date']).date()}",
        }
    else:
        contr = {"contracts": 0}

    return ProfileCard(
        customer_id=customer_id,
        sections={
            "master data": master,
            "purchases": purchases,
            "service": service,
            "campaigns": camp,
            "surveys": surv,
            "contracts": contr,
        },
        purchases=mine.reset_index(drop=True),
        categories=cats,
        contacts=my_contacts.reset_index(drop=True),
        campaigns=my_members.reset_index(drop=True),
        surveys=my_surveys.reset_index(drop=True),
        contracts=my_contracts.reset_index(drop=True),
    )


# --------------------------------------------------------------------------------------
# QCI: acquisition, retention, penetration
# --------------------------------------------------------------------------------------


def _as_of(world, as_of) -> pd.Timestamp:
    if as_of is None:
        return _observation_end(world)
    try:
        ts = pd.Timestamp(as_of)
    except (TypeError, ValueError):
        raise CRMDataError(f"as_of must be a date like '2025-12-31', got {as_of!r}") from None
    if pd.isna(ts):
        raise CRMDataError("as_of must be a date like '2025-12-31', got a missing value")
    return ts


def acquisition_by_channel(world, freq: str = "YE") -> pd.DataFrame:
    """Count new customers and their acquisition cost per period and channel.

    Parameters
    ----------
    world : World
        Needs ``customers`` with ``signup_date``, ``acquisition_channel`` and
        ``acquisition_cost``.
    freq : str
        pandas period alias for the rows: ``"YE"`` (year, default), ``"QE"``
        (quarter) or ``"ME"`` (month).

    Returns
    -------
    DataFrame
        One row per (period, channel) with columns ``period`` (last day),
        ``channel``, ``new_customers``, ``acquisition_cost`` (EUR, total) and
        ``cost_per_new_customer`` (EUR) = acquisition_cost / new_customers.

    Examples
    --------
    >>> from crmlearn.datasets import generate
    >>> w = generate("retail", n_customers=200, seed=1)
    >>> acquisition_by_channel(w).columns.tolist()
    ['period', 'channel', 'new_customers', 'acquisition_cost', 'cost_per_new_customer']

    """
    customers = _table(world, "customers")
    _need_columns(customers, "customers", ["signup_date", "acquisition_channel", "acquisition_cost"])
    if freq not in ("YE", "QE", "ME"):
        raise CRMDataError(f"freq must be 'YE', 'QE' or 'ME', got {freq!r}")
    grouped = customers.groupby(
        [pd.Grouper(key="signup_date", freq=freq), "acquisition_channel"], observed=True
    )["acquisition_cost"].agg(["size", "sum"])
    out = grouped.reset_index()
    out.columns = ["period", "channel", "new_customers", "acquisition_cost"]
    out = out[out["new_customers"] > 0].reset_index(drop=True)
    out["cost_per_new_customer"] = out["acquisition_cost"] / out["new_customers"]
    return out


def qci_funnel(world, as_of=None, year: str = "365D", min_categories: int = 2) -> pd.DataFrame:
    """Measure the QCI model's three customer-management activities as a funnel.

    QCI (Quality Competitive Index) groups customer management into
    *acquisition*, *retention* and *penetration*. Here each becomes a count
    of customers, nested so that every step is a subset of the one before:

    1. acquisition, ``won``: customers with ``signup_date <= as_of``;
       ``cost_per_customer`` is their mean acquisition cost (EUR).
    2. retention, ``active last year``: won customers with a purchase (or a
       contract running) in the *previous year* ``(as_of - 2 year, as_of -
       year]``.
    3. retention, ``retained``: of those, customers with a purchase in the
       *review year* ``(as_of - year, as_of]`` or a contract still running on
       ``as_of``. ``rate`` = retained / active last year.
    4. penetration, ``bought >= k categories``: of the retained, customers
       whose review-year purchases span at least ``min_categories`` product
       categories (from ``order_lines`` + ``products``). Without order lines
       (subscription firm) penetration is the share of retained customers on a
       plan above the cheapest one (an up-sell).

    Parameters
    ----------
    world : World
        Needs ``customers`` and ``transactions``; ``order_lines``,
        ``products`` and ``contracts`` are used where present.
    as_of : date-like, optional
        End of the review year; default the world's observation end.
    year : str
        Length of one period, ``"365D"`` by default.
    min_categories : int
        Categories needed to count as penetrated (default 2).

    Returns
    -------
    DataFrame
        One row per step with columns ``stage`` (acquisition, retention,
        penetration), ``step`` (label), ``customers``, ``base`` (customers of
        the step before), ``rate`` = customers / base, ``share_of_won`` =
        customers / won and ``cost_per_customer`` (EUR, acquisition row only).

    Examples
    --------
    >>> from crmlearn.datasets import generate
    >>> w = generate("retail", n_customers=300, seed=1)
    >>> f = qci_funnel(w)
    >>> f["stage"].tolist()
    ['acquisition', 'retention', 'retention', 'penetration']
    >>> bool((f["customers"].diff().dropna() <= 0).all())
    True

    """
    end = _as_of(world, as_of)
    try:
        length = pd.Timedelta(year)
    except (TypeError, ValueError):
        raise CRMDataError(f"year must be a duration like '365D', got {year!r}") from None
    if length <= pd.Timedelta(0):
        raise CRMDataError(f"year must be a positive duration, got {year!r}")
    if isinstance(min_categories, bool) or not isinstance(min_categories, (int, np.integer)) \
            or min_categories < 1:
        raise CRMDataError(f"min_categories must be a whole number >= 1, got {min_categories!r}")
    customers = _table(world, "customers")
    _need_columns(customers, "customers", ["customer_id", "signup_date", "acquisition_cost"])
    buys = _purchases(world)
    start_review, start_prev = end - length, end - 2 * length

    won = customers[customers["signup_date"] <= end]
    won_ids = pd.Index(won["customer_id"].unique())
    prev_buy = buys.loc[(buys["date"] > start_prev) & (buys["date"] <= start_review), "customer_id"]
    review = buys[(buys["date"] > start_review) & (buys["date"] <= end)]
    prev_ids = set(prev_buy)
    review_ids = set(review["customer_id"])
    contracts = _table(world, "contracts", required=False)
    if len(contracts):
        ends = contracts["end_date"]
        starts = contracts["start_date"]
        prev_contract = (starts <= start_review) & (ends.isna() | (ends > start_prev))
        prev_ids |= set(contracts.loc[prev_contract, "customer_id"])
        running = (starts <= end) & (ends.isna() | (ends >= end))
        review_ids |= set(contracts.loc[running, "customer_id"])
    active_prev = won_ids[won_ids.isin(list(prev_ids))]
    retained = active_prev[active_prev.isin(list(review_ids))]

    lines = _table(world, "order_lines", required=False)
    products = _table(world, "products", required=False)
    if len(lines) and len(products):
        rl = lines[lines["transaction_id"].isin(review["transaction_id"])].merge(
            review[["transaction_id", "customer_id"]], on="transaction_id"
        ).merge(products[["product_id", "category"]], on="product_id", how="left")
        n_cat = rl.groupby("customer_id")["category"].nunique()
        deep = set(n_cat.index[n_cat >= min_categories])
        label = f"bought >= {min_categories} categories"
    elif len(contracts) and "monthly_fee" in contracts.columns:
        latest = contracts.sort_values("start_date").groupby("customer_id").tail(1)
        cheapest = contracts["monthly_fee"].min()
        deep = set(latest.loc[latest["monthly_fee"] > cheapest, "customer_id"])
        label = "on a plan above the cheapest"
    else:
        deep = set()
        label = "penetrated (no category data)"
    penetrated = retained[retained.isin(list(deep))]

    n_won = len(won_ids)
    counts = [n_won, len(active_prev), len(retained), len(penetrated)]
    bases = [n_won, n_won, len(active_prev), len(retained)]
    out = pd.DataFrame(
        {
            "stage": ["acquisition", "retention", "retention", "penetration"],
            "step": ["won", "active last year", "retained", label],
            "customers": counts,
            "base": bases,
        }
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        out["rate"] = np.where(out["base"] > 0, out["customers"] / out["base"].clip(lower=1), np.nan)
        out["share_of_won"] = out["customers"] / n_won if n_won else np.nan
    out["cost_per_customer"] = [
        float(won["acquisition_cost"].mean()) if n_won else np.nan, np.nan, np.nan, np.nan
    ]
    return out


# --------------------------------------------------------------------------------------
# Payne & Frow: processes and readiness self-assessment
# --------------------------------------------------------------------------------------

PAYNE_FROW_PROCESSES = pd.DataFrame(
    {
        "process": [
            "strategy development",
            "value creation",
            "multichannel integration",
            "information management",
            "performance assessment",
        ],
        "key question": [
            "Which customers do we serve, and with which business strategy?",
            "What value do we give customers, and what value do they give us back?",
            "Do all channels offer one consistent experience on one customer record?",
            "Is customer data collected, linked and available to everyone who needs it?",
            "Do the numbers show that CRM creates value for shareholders and customers?",
        ],
        "computed in crmlearn with": [
            "segmentation and value categories (crmlearn.value)",
            "customer lifetime value and contribution margins (crmlearn.value, crmlearn.models)",
            "contact cost per channel (crm.benefit_channel_cost), profile_card",
            "record linkage across touchpoints (crmlearn.identify), profile_card",
            "churn, NPS, CSAT, CLV dashboards (crmlearn.loyalty), qci_funnel",
        ],
    },
    index=pd.RangeIndex(1, 6, name="no"),
)
"""The five cross-functional CRM processes of Payne & Frow (2005), one row each."""

READINESS_ELEMENTS = (
    "CRM readiness assessment",
    "CRM change management",
    "CRM project management",
    "employee engagement",
)
"""The four implementation elements of Payne & Frow, in questionnaire order."""

READINESS_QUESTIONS = pd.DataFrame(
    {
        "element": [e for e in READINESS_ELEMENTS for _ in range(3)][:11],
        "statement": [
            # readiness assessment
            "We know which customer data we hold and in which systems it sits.",
            "Management has agreed what the CRM initiative should achieve, in numbers.",
            "We have compared our current processes with those CRM needs.",
            # change management
            "Staff affected by CRM were told early why the change is needed.",
            "There is a plan for how roles and routines will change.",
            "We expect resistance and have a way to deal with it.",
            # project management
            "The CRM project has a sponsor, a budget and a named project lead.",
            "Milestones and responsibilities are written down and tracked.",
            "IT, marketing, sales and service plan the project together.",
            # employee engagement
            "Employees understand how their work affects customer experience.",
            "Employees are trained to use customer data in their daily work.",
        ],
    },
    index=pd.Index([f"Q{i}" for i in range(1, 12)], name="question"),
)
"""A short self-assessment: 2-3 statements per implementation element.

Each statement is answered from 1 (does not apply at all) to 5 (fully applies).
"""

_RECOMMENDATIONS = {
    "CRM readiness assessment": (
        "Take stock before building: list the customer data you hold, agree measurable "
        "goals and compare today's processes with what CRM needs."
    ),
    "CRM change management": (
        "Plan the change with the people affected: explain why, show how their work "
        "changes and give them a channel for concerns."
    ),
    "CRM project management": (
        "Give the initiative a sponsor, a budget and a project lead, and bring IT, "
        "marketing, sales and service into one plan with milestones."
    ),
    "employee engagement": (
        "Invest in the people who meet customers: training in using customer data and "
        "visible links between their work and customer experience."
    ),
}


@dataclass(frozen=True)
class Readiness:
    """Result of :func:`readiness_score`.

    Attributes
    ----------
    scores : Series
        Score 0-100 per implementation element (index: element names).
    overall : float
        Mean of the element scores, 0-100.
    weakest : str
        The element with the lowest score (ties: first in questionnaire order).
    recommendation : str
        What to work on first.

    """

    scores: pd.Series
    overall: float
    weakest: str
    recommendation: str

    def to_frame(self) -> pd.DataFrame:
        """Scores per element plus an ``overall`` row, column ``score``."""
        s = pd.concat([self.scores, pd.Series({"overall": self.overall})])
        return s.rename("score").rename_axis("element").to_frame()

    def _repr_markdown_(self) -> str:
        rows = "\n".join(f"| {k} | {v:.0f} |" for k, v in self.scores.items())
        return (
            f"| element | score (0-100) |\n|---|---|\n{rows}\n| **overall** | "
            f"**{self.overall:.0f}** |\n\nWeakest element: **{self.weakest}**. "
            f"{self.recommendation}"
        )


def readiness_score(answers) -> Readiness:
    """Score a CRM readiness self-assessment per implementation element.

    Rule: each answer ``a`` (1-5) becomes ``(a - 1) / 4 x 100`` points, so 1
    gives 0 and 5 gives 100; an element's score is the mean over its
    statements, and the overall score is the unweighted mean of the four
    element scores. The weakest element (lowest score; ties go to the earlier
    element in :data:`READINESS_QUESTIONS`) gets a recommendation.

    Parameters
    ----------
    answers : dict or Series
        One answer per question id of :data:`READINESS_QUESTIONS` (``"Q1"``
        ... ``"Q11"``), each a whole number from 1 to 5. Never changed.

    Returns
    -------
    Readiness
        ``.scores`` (Series, 0-100 per element), ``.overall``, ``.weakest``
        and ``.recommendation``.

    Examples
    --------
    >>> answers = {q: 4 for q in READINESS_QUESTIONS.index}
    >>> answers.update({"Q4": 2, "Q5": 1, "Q6": 3})
    >>> r = readiness_score(answers)
    >>> r.scores.round(1).tolist()
    [75.0, 25.0, 75.0, 75.0]
    >>> r.weakest
    'CRM change management'

    """
    if isinstance(answers, pd.Series):
        given = answers.to_dict()
    elif isinstance(answers, Mapping):
        given = dict(answers)
    else:
        raise CRMDataError(
            f"answers must be a dict (or Series) from question id to a score 1-5, e.g. "
            f"{{'Q1': 4, 'Q2': 3, ...}}; got {type(answers).__name__}"
        )
    questions = list(READINESS_QUESTIONS.index)
    missing = [q for q in questions if q not in given]
    if missing:
        raise CRMDataError(
            f"answers: {len(missing)} question(s) not answered ({', '.join(missing)}); answer "
            f"every statement of READINESS_QUESTIONS with 1-5"
        )
    unknown = [q for q in given if q not in questions]
    if unknown:
        raise CRMDataError(
            f"answers: unknown question id(s) {unknown}; the ids are {questions[0]}..{questions[-1]}"
        )
    bad = [
        q for q in questions
        if isinstance(given[q], bool)
        or not isinstance(given[q], (Number, np.number))
        or not (1 <= given[q] <= 5)
        or given[q] != int(given[q])
    ]
    if bad:
        shown = ", ".join(f"{q}={given[q]!r}" for q in bad[:5])
        raise CRMDataError(
            f"answers must be whole numbers from 1 (does not apply) to 5 (fully applies); "
            f"out of range or not a number: {shown}"
        )
    points = pd.Series({q: (int(given[q]) - 1) / 4 * 100 for q in questions}, dtype=float)
    scores = points.groupby(READINESS_QUESTIONS["element"], sort=False).mean()
    scores = scores.reindex(list(READINESS_ELEMENTS))
    scores.index.name = "element"
    scores.name = "score"
    weakest = str(scores.idxmin())
    return Readiness(
        scores=scores,
        overall=float(scores.mean()),
        weakest=weakest,
        recommendation=_RECOMMENDATIONS[weakest],
    )


# --------------------------------------------------------------------------------------
# the CRM models side by side
# --------------------------------------------------------------------------------------

CRM_MODELS = pd.DataFrame(
    {
        "authors": [
            "Peppers & Rogers Group",
            "QCI Assessment Ltd (Woodcock, Stone & Foss)",
            "Adrian Payne & Pennie Frow",
            "Francis Buttle",
        ],
        "kind": [
            "implementation cycle",
            "customer management model",
            "strategic process framework",
            "value chain",
        ],
        "building blocks": [
            "Identify, Differentiate, Interact, Customize",
            "customer environment -> customer experience -> proposition -> acquisition, "
            "retention, penetration; people and technology underneath",
            "5 cross-functional processes (strategy development, value creation, multichannel "
            "integration, information management, performance assessment) + 4 implementation "
            "elements (readiness, change management, project management, employee engagement)",
            "5 primary stages (customer portfolio analysis, customer intimacy, network "
            "development, value proposition development, managing the customer lifecycle) + "
            "supporting conditions (leadership and culture, data and IT, people, processes)",
        ],
        "main question": [
            "How do we treat each customer according to who they are and what they are worth?",
            "How well do we win, keep and grow customers compared with competitors?",
            "Which processes must work together across functions for CRM to succeed?",
            "Which steps turn customer knowledge into profitable relationships?",
        ],
        "in crmlearn": [
            "crmlearn.identify, value_categories, campaign uplift, customisation cases",
            "qci_funnel, acquisition_by_channel",
            "PAYNE_FROW_PROCESSES, readiness_score, KPI dashboard",
            "ABC/RFM portfolio analysis, profile_card, CLV by lifecycle",
        ],
    },
    index=pd.Index(["IDIC", "QCI", "Payne & Frow", "CRM value chain"], name="model"),
)
"""IDIC, QCI, Payne & Frow and Buttle's CRM value chain, one row each.

The source article (seed 002) promises the "top 4" CRM models but describes
only three (IDIC, QCI, Payne & Frow). The fourth that the CRM literature
usually lists beside them is Buttle's CRM value chain, added here.
"""


# --------------------------------------------------------------------------------------
# watering can vs targeted
# --------------------------------------------------------------------------------------


@dataclass
class StrategyComparison:
    """Result of :func:`watering_can_vs_targeted`.

    Attributes
    ----------
    summary : DataFrame
        One row per strategy (``watering can``, ``targeted``), see the function.
    segments : DataFrame
        Per segment: customers, mean value, maximum response and the spend per
        customer under each strategy.

    """

    summary: pd.DataFrame
    segments: pd.DataFrame

    def _repr_html_(self) -> str:
        return self.summary.to_html(float_format=lambda v: f"{v:,.2f}")


def _response(spend, max_response, scale):
    return max_response * (1.0 - np.exp(-np.asarray(spend, dtype=float) / scale))


def _water_fill(potential: np.ndarray, sizes: np.ndarray, budget: float, scale: float) -> np.ndarray:
    """Optimal spend per customer for each segment under the exponential response.

    Maximises sum_k n_k a_k (1 - exp(-s_k / scale)) subject to
    sum_k n_k s_k = budget, s_k >= 0. Segments with a_k <= 0 get nothing.
    """
    spend = np.zeros(len(potential))
    order = np.argsort(-potential, kind="stable")
    active: list[int] = []
    for k in order:
        if potential[k] <= 0:
            break
        trial = active + [k]
        n = sizes[trial]
        log_c = (np.sum(n * np.log(potential[trial])) - budget / scale) / n.sum()
        if np.log(potential[k]) <= log_c:
            break
        active = trial
    if active:
        n = sizes[active]
        log_c = (np.sum(n * np.log(potential[active])) - budget / scale) / n.sum()
        spend[active] = scale * (np.log(potential[active]) - log_c)
    return np.clip(spend, 0.0, None)


def _positive(value, name: str, allow_zero: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (Number, np.number)) or not math.isfinite(value):
        raise CRMDataError(f"{name} must be a finite number, got {value!r}")
    if value < 0 or (value == 0 and not allow_zero):
        rule = ">= 0" if allow_zero else "> 0"
        raise CRMDataError(f"{name} must be {rule}, got {value!r}")
    return float(value)


def watering_can_vs_targeted(
    summary_or_values,
    budget,
    response_by_segment=None,
    segments=None,
    max_response: float = 0.2,
    scale: float = 10.0,
    margin: float = 0.3,
    n_segments: int = 5,
    value_column: str | None = None,
    seed=None,
) -> StrategyComparison:
    """Spend one marketing budget evenly ("Gießkannenprinzip") or by segment.

    Response model (the assumptions)
    --------------------------------
    Customer *i* in segment *k* who receives a spend of *s* EUR responds with
    probability ``p(s) = max_response_k x (1 - exp(-s / scale))``: the first
    euros help most (diminishing returns) and no spend lifts the response
    above ``max_response_k``. A response is one extra purchase worth the
    customer's value ``v_i`` (EUR), earning ``margin x v_i``. So

    - expected incremental revenue = sum_i v_i p(s_i);
    - expected incremental margin = margin x incremental revenue;
    - profit = incremental margin - cost, and cost = the budget.

    *Watering can*: every customer gets ``budget / n``. *Targeted*: every
    customer of segment *k* gets ``s_k``, chosen to maximise the expected
    incremental margin with the same budget (equal marginal return in all
    funded segments, ``s_k = scale x ln(a_k / c)`` with ``a_k`` = max response x
    mean value of the segment; segments below the cut-off ``c`` get nothing).
    Because the even split is one of the allowed allocations, targeted is never
    worse than the watering can *when the response model is right*. Segments
    without any response potential get nothing; if no segment has potential,
    the targeted strategy spends nothing at all.

    Realised outcomes are drawn once (each customer responds or not, a
    Bernoulli draw with ``p(s_i)``) from ``numpy.random.default_rng(seed)``.

    Parameters
    ----------
    summary_or_values : DataFrame, Series, array or list
        Value of one response per customer (EUR, >= 0). A customer table
        (e.g. from :func:`crmlearn.customer_summary`) uses ``value_column``;
        by default the mean purchase ``net_revenue / n_purchases``.
    budget : float
        Marketing budget, EUR (> 0); both strategies spend all of it.
    response_by_segment : dict or Series, optional
        Maximum response probability per segment label (0-1). Needs
        ``segments`` unless its keys are the value segments ``V1`` ... ``Vn``.
    segments : Series, array or list, optional
        Segment label per customer (same length/index as the values). Default:
        value segments ``V1`` (lowest) ... ``V{n_segments}`` (highest) by
        quantiles of the value.
    max_response : float
        Maximum response probability for every segment when
        ``response_by_segment`` is not given (default 0.2).
    scale : float
        Spend per customer (EUR) at which 63 % of the maximum response is
        reached (default 10).
    margin : float
        Contribution margin of the extra revenue, share 0-1 (default 0.3).
    n_segments : int
        Number of value segments when ``segments`` is not given.
    value_column : str, optional
        Column of a customer table to use as the value of a response.
    seed : int or None
        Seed of the random draw of realised responses.

    Returns
    -------
    StrategyComparison
        ``.summary`` indexed by ``strategy`` with columns ``cost``,
        ``customers_reached``, ``expected_responders``,
        ``expected_incremental_revenue``, ``expected_incremental_margin``,
        ``expected_profit``, ``simulated_incremental_revenue`` and
        ``simulated_profit`` (EUR, except counts); ``.segments`` per segment
        with ``customers``, ``mean_value``, ``max_response``,
        ``spend_watering_can`` and ``spend_targeted`` (EUR per customer).

    Examples
    --------
    >>> values = [20.0] * 50 + [200.0] * 50
    >>> r = watering_can_vs_targeted(values, budget=500, n_segments=2, seed=1)
    >>> r.summary["expected_profit"].round(1).tolist()
    [-240.3, -120.7]
    >>> r.segments["spend_targeted"].round(2).tolist()
    [0.0, 10.0]

    """
    if isinstance(summary_or_values, pd.DataFrame):
        df = summary_or_values
        if value_column is None:
            _need_columns(df, "summary", ["net_revenue", "n_purchases"])
            values = (df["net_revenue"] / df["n_purchases"].where(df["n_purchases"] > 0)).fillna(0.0)
            values = values.clip(lower=0.0)
        else:
            if value_column not in df.columns:
                raise CRMDataError(
                    f"value_column {value_column!r} is not a column of the customer table; "
                    f"columns: {list(df.columns)[:12]}"
                )
            values = df[value_column]
    elif isinstance(summary_or_values, (pd.Series, np.ndarray, list, tuple)):
        values = summary_or_values
        if not isinstance(values, pd.Series):
            values = pd.Series(np.array(values, dtype=object))
    else:
        raise CRMDataError(
            f"summary_or_values: expected a customer table or one value per customer, got "
            f"{type(summary_or_values).__name__}"
        )
    v = pd.to_numeric(values, errors="coerce").astype(float)
    if len(v) == 0:
        raise CRMDataError("summary_or_values: no customers (empty input)")
    bad = ~np.isfinite(v.to_numpy()) | (v.to_numpy() < 0)
    if bad.any():
        raise CRMDataError(
            f"summary_or_values: {int(bad.sum())} values are missing, not numbers or negative "
            f"({describe_rows(v.index[bad])}); the value of a response must be a number >= 0: "
            f"fill or clip them first"
        )
    budget = _positive(budget, "budget")
    scale = _positive(scale, "scale")
    margin = _positive(margin, "margin", allow_zero=True)
    if margin > 1:
        raise CRMDataError(f"margin is a share of revenue and must be in [0, 1], got {margin!r}")

    if segments is None:
        if isinstance(n_segments, bool) or not isinstance(n_segments, (int, np.integer)) \
                or n_segments < 1:
            raise CRMDataError(f"n_segments must be a whole number >= 1, got {n_segments!r}")
        ranks = v.rank(method="first").to_numpy()
        codes = np.minimum(((ranks - 1) * n_segments // len(v)).astype(int), n_segments - 1)
        labels = [f"V{k}" for k in range(1, n_segments + 1)]
        seg = pd.Series(pd.Categorical.from_codes(codes, labels), index=v.index)
    else:
        seg = segments if isinstance(segments, pd.Series) else pd.Series(list(segments))
        if len(seg) != len(v):
            raise CRMDataError(
                f"segments has {len(seg)} labels but there are {len(v)} customers; pass one "
                f"segment label per customer"
            )
        seg = pd.Series(seg.to_numpy(), index=v.index)
        if seg.isna().any():
            raise CRMDataError(
                f"segments: {int(seg.isna().sum())} customers have no segment "
                f"({describe_rows(v.index[seg.isna().to_numpy()])}); fill them first"
            )
    labels = list(seg.cat.categories) if isinstance(seg.dtype, pd.CategoricalDtype) \
        else sorted(seg.unique(), key=str)
    if response_by_segment is None:
        mr = _positive(max_response, "max_response", allow_zero=True)
        if mr > 1:
            raise CRMDataError(f"max_response is a probability and must be in [0, 1], got {mr!r}")
        resp = {k: mr for k in labels}
    else:
        resp = dict(response_by_segment)
        missing = [k for k in labels if k not in resp]
        if missing:
            raise CRMDataError(
                f"response_by_segment has no response for segment(s) {missing[:5]}; give a "
                f"maximum response (0-1) for every segment: {labels[:8]}"
            )
        for k in labels:
            r = resp[k]
            if isinstance(r, bool) or not isinstance(r, (Number, np.number)) or not 0 <= r <= 1:
                raise CRMDataError(
                    f"response_by_segment[{k!r}] must be a probability in [0, 1], got {r!r}"
                )

    seg_codes = pd.Categorical(seg, categories=labels).codes
    sizes = np.bincount(seg_codes, minlength=len(labels)).astype(float)
    value_sum = np.bincount(seg_codes, weights=v.to_numpy(), minlength=len(labels))
    mean_value = np.divide(value_sum, sizes, out=np.zeros_like(value_sum), where=sizes > 0)
    max_resp = np.array([float(resp[k]) for k in labels])
    potential = np.where(sizes > 0, max_resp * mean_value, 0.0)
    n = len(v)
    even = budget / n
    spend_targeted = _water_fill(potential, sizes, budget, scale)

    rng = np.random.default_rng(seed)
    draws = rng.random(n)
    vals = v.to_numpy()
    rows = {}
    for name, per_seg in (("watering can", np.full(len(labels), even)), ("targeted", spend_targeted)):
        s = per_seg[seg_codes]
        p = _response(s, max_resp[seg_codes], scale)
        exp_rev = float(np.sum(vals * p))
        sim_rev = float(np.sum(vals * (draws < p)))
        cost = float(np.sum(s))
        rows[name] = {
            "cost": cost,
            "customers_reached": int(np.sum(s > 0)),
            "expected_responders": float(np.sum(p)),
            "expected_incremental_revenue": exp_rev,
            "expected_incremental_margin": margin * exp_rev,
            "expected_profit": margin * exp_rev - cost,
            "simulated_incremental_revenue": sim_rev,
            "simulated_profit": margin * sim_rev - cost,
        }
    summary = pd.DataFrame.from_dict(rows, orient="index")
    summary.index.name = "strategy"
    seg_table = pd.DataFrame(
        {
            "customers": sizes.astype(int),
            "mean_value": mean_value,
            "max_response": max_resp,
            "spend_watering_can": np.where(sizes > 0, even, 0.0),
            "spend_targeted": spend_targeted,
        },
        index=pd.Index(labels, name="segment"),
    )
    return StrategyComparison(summary=summary, segments=seg_table)


# --------------------------------------------------------------------------------------
# the four benefits of CRM (seed 003)
# --------------------------------------------------------------------------------------


def _last_activity(world) -> tuple[pd.Series, pd.Timestamp]:
    """Last purchase day (or contract end) per customer and the observation end."""
    end = _observation_end(world)
    buys = _purchases(world)
    last = buys.groupby("customer_id")["date"].max()
    contracts = _table(world, "contracts", required=False)
    if len(contracts):
        c_end = contracts["end_date"].fillna(end)
        last = pd.concat([last, c_end.groupby(contracts["customer_id"]).max()]).groupby(level=0).max()
    return last, end


def benefit_retention(world, by: str = "contact", window_days: int = 365,
                      inactive_days: int = 365,
                      exclude_reasons=("cancellation",)) -> pd.DataFrame:
    """Benefit 1, easier retention: inactivity with and without a relationship signal.

    Rule: only customers who signed up at least ``window_days`` before the
    observation end are used. A customer *has the signal* if, within
    ``window_days`` after signup, they had a service contact (``by="contact"``)
    or if a loyalty-card record belongs to them (``by="loyalty_card"``; the
    link comes from ``world.truth.record_links`` as a stand-in for a properly
    linked record). A customer is *inactive* if their last purchase (or
    contract end) lies more than ``inactive_days`` before the observation end.
    Contacts whose reason is in ``exclude_reasons`` do not count: a call to
    cancel is a consequence of leaving, not a relationship that keeps anyone.

    This is an association, not a causal effect: customers who contact the
    firm or join a loyalty scheme may differ from the others in the first
    place, and a return (which prompts a contact) needs a purchase.

    Parameters
    ----------
    world : World
        Needs ``customers``, ``transactions`` and ``contacts`` (or the truth
        record links for ``by="loyalty_card"``).
    by : {"contact", "loyalty_card"}
        The relationship signal.
    window_days, inactive_days : int
        Days after signup that count for the signal; days without purchase
        that make a customer inactive.
    exclude_reasons : tuple of str
        Contact reasons that do not count as a signal (default cancellation).

    Returns
    -------
    DataFrame
        Index ``group`` (``with <signal>``, ``without <signal>``), columns
        ``customers``, ``inactive`` and ``inactive_share``.

    Examples
    --------
    >>> from crmlearn.datasets import generate
    >>> w = generate("retail", n_customers=300, seed=1)
    >>> benefit_retention(w).columns.tolist()
    ['customers', 'inactive', 'inactive_share']

    """
    if by not in ("contact", "loyalty_card"):
        raise CRMDataError(f"by must be 'contact' or 'loyalty_card', got {by!r}")
    for name, val in (("window_days", window_days), ("inactive_days", inactive_days)):
        if isinstance(val, bool) or not isinstance(val, (int, np.integer)) or val < 1:
            raise CRMDataError(f"{name} must be a whole number of days >= 1, got {val!r}")
    customers = _table(world, "customers")
    last, end = _last_activity(world)
    eligible = customers[customers["signup_date"] <= end - window_days * _DAY]
    if len(eligible) == 0:
        raise CRMDataError(
            f"no customer signed up at least {window_days} days before {end.date()}; "
            f"lower window_days"
        )
    if by == "contact":
        contacts = _table(world, "contacts")
        if "reason" in contacts.columns and exclude_reasons:
            contacts = contacts[~contacts["reason"].isin(list(exclude_reasons))]
        c = contacts.merge(eligible[["customer_id", "signup_date"]], on="customer_id")
        early = c[c["date"] <= c["signup_date"] + window_days * _DAY]
        has = eligible["customer_id"].isin(early["customer_id"])
        label = "service contact"
    else:
        truth = getattr(world, "truth", None)
        links = getattr(truth, "record_links", None)
        records = _table(world, "touchpoint_records")
        if links is None:
            raise CRMDataError(
                "by='loyalty_card' needs world.truth.record_links to know whose card a record is; "
                "link the records first (crmlearn.identify.link) or use by='contact'"
            )
        card = records.loc[records["source"] == "loyalty_card", ["record_id"]].merge(links, on="record_id")
        has = eligible["customer_id"].isin(card["customer_id"])
        label = "loyalty card"
    last_day = eligible["customer_id"].map(last)
    inactive = last_day.isna() | (last_day < end - inactive_days * _DAY)
    out = pd.DataFrame(
        {
            "customers": [int(has.sum()), int((~has).sum())],
            "inactive": [int((inactive & has).sum()), int((inactive & ~has).sum())],
        },
        index=pd.Index([f"with {label}", f"without {label}"], name="group"),
    )
    out["inactive_share"] = out["inactive"] / out["customers"].where(out["customers"] > 0)
    return out


def benefit_repeat_revenue(world) -> pd.Series:
    """Benefit 2, selling to existing customers: revenue from repeat purchases and their timing.

    Rules: a *purchase occasion* is a customer's purchases on one calendar
    day; the first occasion is the acquisition, all later ones are repeat
    purchases. ``repeat_share`` = repeat revenue / purchase revenue. The
    timing shows when "the right moment" for the next offer usually comes:
    days from the first to the second occasion, and days between any two
    consecutive occasions (median and quartiles).

    Parameters
    ----------
    world : World
        Needs ``transactions``.

    Returns
    -------
    Series
        ``revenue``, ``first_purchase_revenue``, ``repeat_revenue`` (EUR),
        ``repeat_share``, ``repeat_customers_share`` (share of customers with
        a repeat purchase), ``days_to_second_median``,
        ``days_between_p25``, ``days_between_median``, ``days_between_p75``.

    Examples
    --------
    >>> from crmlearn.datasets import generate
    >>> w = generate("retail", n_customers=300, seed=1)
    >>> r = benefit_repeat_revenue(w)
    >>> bool(0 < r["repeat_share"] < 1)
    True

    """
    buys = _purchases(world)
    if len(buys) == 0:
        raise CRMDataError("world.transactions has no purchases; nothing to analyse")
    occ = (
        buys.assign(day=buys["date"].dt.normalize())
        .groupby(["customer_id", "day"], sort=True)["amount"].sum()
        .reset_index()
    )
    rank = occ.groupby("customer_id").cumcount()
    first_rev = float(occ.loc[rank == 0, "amount"].sum())
    total = float(occ["amount"].sum())
    gaps = occ.groupby("customer_id")["day"].diff().dt.days.dropna()
    second = gaps[rank[gaps.index] == 1]
    n_customers = int((rank == 0).sum())
    q = gaps.quantile([0.25, 0.5, 0.75]) if len(gaps) else pd.Series([np.nan] * 3, [0.25, 0.5, 0.75])
    return pd.Series(
        {
            "revenue": total,
            "first_purchase_revenue": first_rev,
            "repeat_revenue": total - first_rev,
            "repeat_share": (total - first_rev) / total if total else np.nan,
            "repeat_customers_share": int((rank == 1).sum()) / n_customers,
            "days_to_second_median": float(second.median()) if len(second) else np.nan,
            "days_between_p25": float(q[0.25]),
            "days_between_median": float(q[0.5]),
            "days_between_p75": float(q[0.75]),
        }
    )


def benefit_channel_cost(contacts, shift_share: float = 0.3, from_channel: str = "phone",
                         to_channel: str = "chat") -> pd.DataFrame:
    """Benefit 3, lower communication cost: cost per contact and a channel shift.

    Rule: cost per contact = total cost / contacts per channel. The scenario
    moves ``shift_share`` of the ``from_channel`` contacts to ``to_channel``
    at that channel's cost per contact (what integrated channels make
    possible: the chat agent sees the same customer record as the hotline).
    Saving = total cost now - total cost after the shift. Assumes the moved
    contacts are as easy to solve in the new channel (no repeat contacts).

    Parameters
    ----------
    contacts : DataFrame or World
        The ``contacts`` table (columns ``channel`` and ``cost``) or a world.
    shift_share : float
        Share of ``from_channel`` contacts moved, 0-1 (default 0.3).
    from_channel, to_channel : str
        Channels to move from and to (both must occur in the table).

    Returns
    -------
    DataFrame
        Index ``channel`` plus a ``total`` row; columns ``contacts``,
        ``cost`` (EUR), ``cost_per_contact`` (EUR), ``contacts_after``,
        ``cost_after`` (EUR). The saving is ``cost - cost_after`` of the total row.

    Examples
    --------
    >>> c = pd.DataFrame({"channel": ["phone"] * 10 + ["chat"] * 10,
    ...                   "cost": [6.5] * 10 + [2.1] * 10})
    >>> t = benefit_channel_cost(c, shift_share=0.5)
    >>> float(t.loc["total", "cost"] - t.loc["total", "cost_after"])
    22.0

    """
    if not isinstance(contacts, pd.DataFrame):
        contacts = _table(contacts, "contacts")
    _need_columns(contacts, "contacts", ["channel", "cost"])
    share = _positive(shift_share, "shift_share", allow_zero=True)
    if share > 1:
        raise CRMDataError(f"shift_share is a share and must be in [0, 1], got {shift_share!r}")
    table = contacts.groupby("channel", observed=True)["cost"].agg(["size", "sum"])
    table.columns = ["contacts", "cost"]
    for name, ch in (("from_channel", from_channel), ("to_channel", to_channel)):
        if ch not in table.index:
            raise CRMDataError(
                f"{name} {ch!r} does not occur in contacts; channels: {list(table.index)}"
            )
    table["cost_per_contact"] = table["cost"] / table["contacts"]
    moved = table.loc[from_channel, "contacts"] * share
    table["contacts_after"] = table["contacts"].astype(float)
    table.loc[from_channel, "contacts_after"] -= moved
    table.loc[to_channel, "contacts_after"] += moved
    table["cost_after"] = table["contacts_after"] * table["cost_per_contact"]
    total = table[["contacts", "cost", "contacts_after", "cost_after"]].sum()
    table.loc["total"] = total
    table.loc["total", "cost_per_contact"] = total["cost"] / total["contacts"]
    table["contacts"] = table["contacts"].astype(int)
    table.index.name = "channel"
    return table


def benefit_automation(items: int, minutes_manual: float = 2.0, review_share: float = 0.1,
                       hourly_cost: float = 40.0, setup_hours: float = 0.0) -> pd.DataFrame:
    """Benefit 4, efficiency: an automatic rule versus manual review.

    Assumptions: sorting one item (a customer into a segment, a reminder to
    send) by hand takes ``minutes_manual`` minutes of staff time costing
    ``hourly_cost`` EUR an hour. An automatic rule sorts every item, and only
    the ``review_share`` it flags still goes to a person; setting the rule up
    costs ``setup_hours`` hours once. Machine time is treated as free.

    - manual hours = items x minutes_manual / 60
    - automated hours = items x review_share x minutes_manual / 60 + setup_hours
    - cost = hours x hourly_cost

    Parameters
    ----------
    items : int
        Items to handle (e.g. customers x 12 monthly classifications).
    minutes_manual : float
        Minutes per item by hand.
    review_share : float
        Share of items the rule passes to a person (0-1).
    hourly_cost : float
        Staff cost per hour, EUR.
    setup_hours : float
        One-off hours to build the rule.

    Returns
    -------
    DataFrame
        Index ``approach`` (``manual``, ``automated``, ``saving``), columns
        ``hours`` and ``cost`` (EUR).

    Examples
    --------
    >>> benefit_automation(3000 * 12)
                  hours     cost
    approach
    manual       1200.0  48000.0
    automated     120.0   4800.0
    saving       1080.0  43200.0

    """
    if isinstance(items, bool) or not isinstance(items, (int, np.integer)) or items < 0:
        raise CRMDataError(f"items must be a whole number >= 0, got {items!r}")
    minutes = _positive(minutes_manual, "minutes_manual", allow_zero=True)
    share = _positive(review_share, "review_share", allow_zero=True)
    if share > 1:
        raise CRMDataError(f"review_share is a share and must be in [0, 1], got {review_share!r}")
    rate = _positive(hourly_cost, "hourly_cost", allow_zero=True)
    setup = _positive(setup_hours, "setup_hours", allow_zero=True)
    manual = items * minutes / 60
    automated = items * share * minutes / 60 + setup
    hours = [manual, automated, manual - automated]
    return pd.DataFrame(
        {"hours": hours, "cost": [h * rate for h in hours]},
        index=pd.Index(["manual", "automated", "saving"], name="approach"),
    )


def crm_benefits(world, shift_share: float = 0.3, minutes_manual: float = 2.0,
                 review_share: float = 0.1, hourly_cost: float = 40.0) -> dict:
    """All four CRM benefits of the source text computed on one world.

    Runs :func:`benefit_retention` (by service contact),
    :func:`benefit_repeat_revenue`, :func:`benefit_channel_cost` (phone to
    chat, or to e-mail where the firm has no chat) and
    :func:`benefit_automation` for a monthly classification of every customer
    (items = customers x 12). See those functions for rules and assumptions.

    Returns
    -------
    dict
        Keys ``"retention"``, ``"repeat_revenue"``, ``"channel_cost"``,
        ``"automation"``; values are the results of the four functions.

    Examples
    --------
    >>> from crmlearn.datasets import generate
    >>> w = generate("retail", n_customers=300, seed=1)
    >>> list(crm_benefits(w))
    ['retention', 'repeat_revenue', 'channel_cost', 'automation']

    """
    contacts = _table(world, "contacts")
    channels = set(contacts["channel"]) if "channel" in contacts.columns else set()
    to = "chat" if "chat" in channels else "email"
    customers = _table(world, "customers")
    return {
        "retention": benefit_retention(world),
        "repeat_revenue": benefit_repeat_revenue(world),
        "channel_cost": benefit_channel_cost(contacts, shift_share=shift_share, to_channel=to),
        "automation": benefit_automation(
            len(customers) * 12, minutes_manual=minutes_manual, review_share=review_share,
            hourly_cost=hourly_cost,
        ),
    }


# --------------------------------------------------------------------------------------
# the ten steps to customer-centricity (seed 004)
# --------------------------------------------------------------------------------------

_STEPS = [
    ("1", "Define customer-centricity for your firm",
     "Can we say in one sentence what customer-centric means for us, backed by "
     "segments, profiles and predictions from our customer data?"),
    ("2", "Follow market trends",
     "Do we watch how the market and customer behaviour change, on a regular schedule?"),
    ("3", "Train employees in customer orientation",
     "Do our staff know our definition and how to use segments, profiles and predictions?"),
    ("4", "Ask employees for feedback on service",
     "Do we collect what staff see going well and badly (surveys, a forum, meetings)?"),
    ("5", "Make customer service first-class",
     "Does service give customers what they need, when and how they want it?"),
    ("6", "Offer an omnichannel experience",
     "Do all channels share one customer record and speak with one voice?"),
    ("6 (again)", "Use data to understand customers",
     "Do we segment customers and predict their response to campaigns?"),
    ("7", "Put the customer first in every decision",
     "Do we ask 'what is best for the customer?' before deciding?"),
    ("8", "Keep improving the customer experience",
     "Do we turn customer feedback into a plan of improvements?"),
    ("9", "Measure success",
     "Do we track satisfaction (NPS, CSAT), loyalty (churn) and customer lifetime value?"),
    ("10", "Be patient",
     "Do we plan customer-centricity as a long journey of small steps?"),
]


def ten_steps_checklist() -> pd.DataFrame:
    """List the steps to become a customer-centric firm, as a self-check.

    The source text (seed 004) announces ten steps but numbers two of them
    "6" (omnichannel experience; using data), so there are eleven rows; the
    column ``source_number`` keeps the text's numbering.

    Returns
    -------
    DataFrame
        Index ``step`` (1-11) with columns ``source_number``, ``step_name``,
        ``check`` (a question to answer about your own firm) and ``done``
        (all False, for the learner to tick).

    Examples
    --------
    >>> t = ten_steps_checklist()
    >>> len(t), t["source_number"].tolist()[5:7]
    (11, ['6', '6 (again)'])

    """
    out = pd.DataFrame(_STEPS, columns=["source_number", "step_name", "check"])
    out["done"] = False
    out.index = pd.RangeIndex(1, len(out) + 1, name="step")
    return out
