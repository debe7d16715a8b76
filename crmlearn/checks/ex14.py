"""Checks for exercise 14: examining CRM's favourite claims with data and simulation.

The claims: acquisition costs five times retention, +2 % retention = a 10 % cost cut,
firms lose 10 % a year, 20 % of customers bring 80 % of revenue, customer-centric firms
earn 60 % more.

Every number is recomputed at check time with :mod:`crmlearn.claims` from the
numbers given in the task text or from the shipped classroom data (the
retailer Gipfelglück and the mobile provider FunkNetz Mobil), as in lesson 14.
The typical mistakes are computed the same way: kept customers counted naively
instead of incrementally, the ratio turned upside down, the offer left out of
the retention cost, the variable costs given as a share of revenue instead of
costs, "+2 %" read as two per cent of the rate, the true churn instead of the
measured one, ... The question about the selection-effect simulation cannot be
computed, so only salted hashes of its letters are stored (see
:func:`crmlearn.checks._registry.choice_hash`).
"""

from __future__ import annotations

import functools

from ._registry import Expected, classroom_world, retail, retail_summary, task

#: task q1: the acquisition and retention numbers given in the task text
SWEEP = {"acquisition_cost_per_contact": 0.8, "acquisition_rate": 0.02,
         "retention_cost_per_contact": 6.0, "retention_uplift": 0.04,
         "retention_baseline": 0.85}

#: task q2: the mobile provider's campaign and the cost of its offer per treated customer
#: (5 EUR off for 12 months)
CAMPAIGN_ID = 1
OFFER_COST = 60.0

#: task q3: the retailer's yearly retention rate and the margin of the task
RETENTION = 0.8
MARGIN = 0.05

#: task q4: days without a purchase after which a retail customer counts as lost
INACTIVE_DAYS = 270


# --------------------------------------------------------------------------------------
# data, loaded once per process
# --------------------------------------------------------------------------------------


@functools.cache
def _campaign(offer: float):
    """Return the row of CAMPAIGN_ID in acquisition_vs_retention_from_data with ``offer``."""
    from crmlearn import claims

    table = claims.acquisition_vs_retention_from_data(classroom_world("subscription"),
                                                      offer_cost_per_contact=offer)
    return table.set_index("campaign_id").loc[CAMPAIGN_ID]


def _variable_share(columns: tuple[str, ...]) -> float:
    """Costs in ``columns`` as a share of the retailer's revenue (all transactions)."""
    tx = retail().transactions
    return float(sum(tx[c].sum() for c in columns) / tx.amount.sum())


def _profit_ratio(**changes) -> float:
    from crmlearn import claims

    kw = {"retention": RETENTION, "margin": MARGIN,
          "variable_cost_share": _variable_share(("product_cost", "delivery_cost")) / (1 - MARGIN)}
    kw.update(changes)
    return float(claims.retention_profit_effect(**kw).ratio.iloc[0])


@functools.lru_cache(maxsize=1)
def _churn():
    """claims.churn_benchmark of the retailer for the lesson's and the task's thresholds."""
    from crmlearn import claims

    return claims.churn_benchmark(retail(), inactive_days=[180, INACTIVE_DAYS, 365])


def _churn_row(definition: str, days: float | None = None):
    t = _churn()
    rows = t[t.definition.eq(definition)]
    if days is not None:
        rows = rows[rows.inactive_days.eq(days)]
    return rows.iloc[0]


def _customers_for_80(column: str) -> float:
    from crmlearn import claims

    t = claims.pareto_check(retail_summary()[column], shapes=(1.0,), n_customers=10, seed=0)
    return float(t.set_index("source").loc["data", "customers_for_80"])


# --------------------------------------------------------------------------------------
# tasks
# --------------------------------------------------------------------------------------


@task("ex14.q1", "number", points=2, rtol=1e-3, atol=5e-4,
      hint="use claims.acquisition_vs_retention_cost with the numbers of the task (shares, "
           "not per cent) and read the column ratio: cost per acquired / cost per retained")
def q1() -> Expected:
    """Acquisition / retention cost ratio, kept customers counted incrementally."""
    from crmlearn import claims

    s = SWEEP
    row = claims.acquisition_vs_retention_cost(
        acquisition_cost_per_contact=s["acquisition_cost_per_contact"],
        acquisition_rates=[s["acquisition_rate"]],
        retention_cost_per_contact=s["retention_cost_per_contact"],
        retention_uplift=s["retention_uplift"],
        retention_baseline=s["retention_baseline"],
    ).iloc[0]
    right = float(row.ratio)
    baseline_only = row.cost_per_acquired / (s["retention_cost_per_contact"]
                                             / s["retention_baseline"])
    return Expected(right, [
        (row.ratio_naive,
         "you counted every customer who stayed, also those who would have stayed anyway; "
         "the retention call keeps only the uplift"),
        (1 / right, "you divided the retention cost by the acquisition cost; the claim puts "
                    "acquisition on top (cost per acquired / cost per retained)"),
        (1 / row.ratio_naive,
         "upside down, and with naive counting: cost per acquired / cost per retained, with "
         "only the uplift as retained"),
        (baseline_only,
         "you divided by the customers who stay anyway; only the uplift stays BECAUSE of "
         "the call"),
        (row.cost_per_acquired, "that is the cost per acquired customer; the task asks for the "
                                "ratio of the two costs"),
        (row.cost_per_retained, "that is the cost per retained customer; the task asks for "
                                "the ratio of the two costs"),
        (s["acquisition_cost_per_contact"] / s["retention_cost_per_contact"],
         "you compared the costs per contact; compare the costs per customer won or kept"),
    ])


@task("ex14.q2", "number", points=2, rtol=1e-3, atol=5e-4,
      hint="claims.acquisition_vs_retention_from_data(mobile, offer_cost_per_contact=60) and "
           "read the ratio of the campaign 'Halteangebot 2024 Q1'")
def q2() -> Expected:
    """Ratio of campaign CAMPAIGN_ID with the offer cost included."""
    row, bare = _campaign(OFFER_COST), _campaign(0.0)
    right = float(row.ratio)
    naive = row.cost_per_acquired / (row.cost_per_contact / row.treatment_rate)
    return Expected(right, [
        (bare.ratio,
         "you left out the offer: 5 EUR off for 12 months costs 60 EUR per treated customer "
         "(offer_cost_per_contact=60)"),
        (_campaign(5.0).ratio,
         "the discount runs for 12 months: 12 x 5 EUR = 60 EUR per treated customer"),
        (1 / right, "upside down: the claim's ratio is cost per acquired / cost per retained"),
        (naive,
         "you counted every treated customer who stayed; only the uplift over the control "
         "group stayed because of the call"),
        (row.cost_per_incremental,
         "that is the cost per customer kept; the task asks for the ratio to the acquisition "
         "cost"),
        (row.cost_per_acquired, "that is the acquisition cost; the task asks for the ratio"),
    ])


@task("ex14.q3", "number", points=2, rtol=3e-3, atol=5e-4,
      hint="variable = (product_cost + delivery_cost) / amount over all transactions, then "
           "claims.retention_profit_effect(retention=0.8, margin=0.05, "
           "variable_cost_share=variable / (1 - 0.05)) and read ratio")
def q3() -> Expected:
    """Retention gain / cost-cut gain for the retailer at MARGIN."""
    right = _profit_ratio()
    both = _variable_share(("product_cost", "delivery_cost"))
    return Expected(right, [
        (_profit_ratio(variable_cost_share=both),
         "variable_cost_share is a share of the COSTS, and the costs are (1 - margin) of "
         "revenue: divide the revenue share by (1 - margin)"),
        (_profit_ratio(margin=0.10, variable_cost_share=both / 0.9),
         "you used the lesson's margin of 10 %; the task asks for 5 %"),
        (_profit_ratio(variable_cost_share=1.0),
         "you left variable_cost_share at its default (all costs variable); compute the "
         "retailer's share from product and delivery cost"),
        (_profit_ratio(variable_cost_share=_variable_share(("product_cost",)) / (1 - MARGIN)),
         "deliveries grow with the customers too: add delivery_cost to product_cost"),
        (_profit_ratio(delta_retention=RETENTION * 0.02),
         "+2 % is read here as two percentage points (80 % -> 82 %), the default "
         "delta_retention=0.02, not 2 % of the rate"),
        (1 / right, "upside down: ratio = gain from retention / gain from the cost cut"),
    ])


@task("ex14.q4", "number", points=1, rtol=1e-3, atol=5e-4,
      hint="claims.churn_benchmark(world, inactive_days=[270]) and read churn_rate in the "
           "row with definition 'inactivity'")
def q4() -> Expected:
    """Task: the retailer's yearly churn when 270 days without a purchase count as lost."""
    row = _churn_row("inactivity", INACTIVE_DAYS)
    right = float(row.churn_rate)
    return Expected(right, [
        (_churn_row("truth").churn_rate,
         "that is the true churn the simulation knows; the task asks what a firm would "
         "measure with the 270-day rule"),
        (_churn_row("inactivity", 365).churn_rate, "that is the lesson's one-year rule; the "
                                                   "task asks for 270 days"),
        (_churn_row("inactivity", 180).churn_rate, "that is the 180-day rule; the task asks "
                                                   "for 270 days"),
        (row.lost / row.customers_at_start,
         "you divided by the customers at the start; the text divides by the average number "
         "of customers in the period"),
        (row.ratio_to_claim, "that is the ratio to the claimed 10 %; the task asks for the "
                             "churn rate itself"),
    ])


@task("ex14.q5", "number", points=1, rtol=1e-3, atol=5e-4,
      hint="claims.pareto_check(summary.revenue) and read customers_for_80 in the row with "
           "source 'data' (or interpolate on value.lorenz_curve)")
def q5() -> Expected:
    """Share of the retailer's customers (best first) who bring 80 % of the revenue."""
    from crmlearn import value

    right = _customers_for_80("revenue")
    s = retail_summary()
    return Expected(right, [
        (_customers_for_80("net_revenue"),
         "you used net revenue; the task (like the lesson's claim 4) uses revenue"),
        (1 - right, "that is the share of the OTHER customers; the task asks how many of the "
                    "best customers it takes"),
        (value.top_share(s.revenue, 0.2),
         "that is the revenue share of the best 20 %; the task turns the question round: "
         "which share of customers brings 80 % of the revenue?"),
        (0.2, "20 % is the rule of thumb, not what these data show: measure it"),
        (0.8, "0.8 is the revenue share; the task asks for the share of customers"),
    ])


_SELECTION_RIGHT = "6b76af455dbc7b7937f630d2ca49078969a9545e647004f33d6184c800fdaa98"
_SELECTION_WRONG = {
    "0c1082808894aefdd8a47f6b7febf1a750bdd64b18c861eeef93fc5f46746385":
        "in the simulation profit was drawn without any effect of centricity: the gap cannot "
        "confirm an effect that was not built in",
    "357484b3e1ffbb16f6857c4e62294b19cb87b1808decc4adeed7f59fd8d4fdf7":
        "more firms would not close the gap: it is built into how firms select themselves, "
        "not a matter of chance",
    "aae29e8d83bd9c5091ad766a12ce015418a551200174f79c95061899de744975":
        "the simulation shows that the comparison cannot tell; it does not prove that "
        "centricity has no effect in real firms",
}


@task("ex14.q6", "hashed_choice", points=1, choices=("a", "b", "c", "d"),
      hint="ask what was built into the invented firms: does profit depend on centricity, or "
           "does centricity depend on profit?")
def q6() -> Expected:
    """Task: what the selection simulation shows (hashed multiple choice)."""
    return Expected(_SELECTION_RIGHT, list(_SELECTION_WRONG.items()))


@task("ex14.q7", "text", points=1, min_words=5)
def q7() -> Expected:
    """Decide and justify: move budget from acquisition to retention? (text, recorded)."""
    return Expected(None)
