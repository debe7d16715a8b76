"""Checks for exercise 11: customer-centricity (channels, lifecycle, profiles, silos).

The tasks follow lesson 11 (``notebooks/11_customer_centricity.ipynb``). The
numeric answers are recomputed from the shipped retail classroom data with the
same steps as the lesson: purchases by channel, the lifecycle stages of
:func:`crmlearn.segment.lifecycle_stages` checked against the simulation's
truth, campaign response by recency and the web shop's (here: the store's)
siloed view. The chart question (q2) is derived from the data; only the
profile question (q4) is stored, as salted hashes
(:func:`crmlearn.checks._registry.choice_hash`). The decide-and-justify task uses
the ten-step checklist of :func:`crmlearn.crm.ten_steps_checklist`.
"""

from __future__ import annotations

import functools
import math

import pandas as pd

from ._registry import Expected, retail, retail_summary, task

#: task q3: the lifecycle stage whose truth is checked
STAGE = "lapsed"

#: task q5: the campaign, and "recent" = last purchase at most RECENT_DAYS before its start
RESPONSE_CAMPAIGN = 3
RECENT_DAYS = 90

#: task q6: the channel whose siloed view is compared with the full record, and the top share
SILO_CHANNEL = "store"
TOP_SHARE = 0.2


def _distinct(right: float, mistakes, rtol: float, atol: float):
    """Keep the numeric mistakes that the checker can tell apart from the right answer."""
    return [(float(w), h) for w, h in mistakes
            if math.isfinite(float(w))
            and not math.isclose(float(w), float(right), rel_tol=rtol, abs_tol=atol)]


def _purchases() -> pd.DataFrame:
    tx = retail().transactions
    return tx[tx.kind.eq("purchase")]


def _channels_per_customer(table: pd.DataFrame) -> pd.Series:
    return (pd.crosstab(table.customer_id, table.channel) > 0).sum(axis=1)


@functools.lru_cache(maxsize=1)
def _stages() -> pd.Series:
    from crmlearn import segment

    return segment.lifecycle_stages(retail_summary())


# --------------------------------------------------------------------------------------
# q1: one customer, many channels
# --------------------------------------------------------------------------------------


@task("ex11.q1", "number", points=2, atol=5e-4,
      hint="count each buyer's purchase channels (pd.crosstab of customer and channel, > 0), "
           "then divide the purchase revenue of the buyers with two or more by all purchase "
           "revenue")
def q1() -> Expected:
    """Share of purchase revenue from customers who bought through two or more channels."""
    p = _purchases()
    tx = retail().transactions
    n = _channels_per_customer(p)
    revenue = p.groupby("customer_id").amount.sum()
    net = tx.groupby("customer_id").amount.sum()
    multi = n.ge(2)
    right = revenue[multi].sum() / revenue.sum()
    return Expected(float(right), _distinct(right, [
        (multi.mean(), "that is the share of customers; the task asks for the share of revenue"),
        (revenue[n.eq(2)].sum() / revenue.sum(),
         "you kept only customers with exactly two channels; 'two or more' includes three"),
        (revenue[n.eq(3)].sum() / revenue.sum(),
         "you kept only customers who used all three channels; 'two or more' includes two"),
        (net[multi.reindex(net.index, fill_value=False)].sum() / net.sum(),
         "you used net revenue (returns subtracted); the task asks for purchase revenue"),
        (p.customer_id.map(multi).mean(),
         "that is the share of purchases (rows); weight each purchase by its amount"),
        (int(multi.sum()), "that is a count of customers; the task asks for a share of revenue"),
        (1 - right, "that is the revenue share of the one-channel customers"),
    ], 1e-6, 5e-4))


# --------------------------------------------------------------------------------------
# q2: reading the lifecycle chart (letter derived from the data)
# --------------------------------------------------------------------------------------

_LIFECYCLE_CLAIMS = {
    "a": lambda s: s["active"] > 0.5,
    "b": lambda s: s["lapsed"] > 0.5 and s["new"] == 0,
    "c": lambda s: s["at risk"] > s["active"],
    "d": lambda s: 0.15 <= s["new"] <= 0.35,
}

_LIFECYCLE_HINTS = {
    "a": "compare the 'active' bar with the total number of customers: is it more than half?",
    "b": "check both parts of the statement against the bars",
    "c": "compare the heights of the 'at risk' and the 'active' bars again",
    "d": "look at the bar of 'new' again (when did the classroom firm win its customers?)",
}


@task("ex11.q2", "choice", points=1, choices=("a", "b", "c", "d"),
      hint="read each bar as a number of customers and compare it with the number of all "
           "customers")
def q2() -> Expected:
    """Which statement about the lifecycle chart is right (derived from the stage shares)."""
    share = _stages().value_counts(normalize=True)
    true = [letter for letter, claim in _LIFECYCLE_CLAIMS.items() if claim(share)]
    if len(true) != 1:
        raise RuntimeError(f"the statements of ex11.q2 no longer fit the data ({len(true)} true)")
    right = true[0]
    return Expected(right, [(k, h) for k, h in _LIFECYCLE_HINTS.items() if k != right])


# --------------------------------------------------------------------------------------
# q3: does the stage tell the truth?
# --------------------------------------------------------------------------------------


@task("ex11.q3", "number", points=2, atol=5e-4,
      hint="take the customers whose stage is 'lapsed' and compute the mean of "
           "alive_at_end (from world.truth.customers) over them")
def q3() -> Expected:
    """Share of the customers in stage STAGE who were still customers at the end (truth)."""
    stages = _stages()
    alive = (retail().truth.customers.set_index("customer_id").alive_at_end
             .reindex(stages.index).astype(bool))
    mine = stages.eq(STAGE)
    right = alive[mine].mean()
    return Expected(float(right), _distinct(right, [
        (mine[alive].mean(), f"you turned the question round: that is the share of the "
                             f"surviving customers who are {STAGE}; the task asks what share "
                             f"of the {STAGE} customers survived"),
        (alive.mean(), f"that is the share of all customers still alive; keep only the "
                       f"{STAGE} ones"),
        (mine.mean(), f"that is the share of customers who are {STAGE}; the task asks how many "
                      f"of them were still customers"),
        (1 - right, f"that is the share of the {STAGE} customers who were really gone"),
        (int((alive & mine).sum()), "that is a count; divide by the number of customers in "
                                    "the stage"),
        (alive[stages.eq("at risk")].mean(), f"that is the 'at risk' stage; the task asks for "
                                             f"'{STAGE}'"),
        (alive[stages.eq("active")].mean(), f"that is the 'active' stage; the task asks for "
                                            f"'{STAGE}'"),
    ], 1e-6, 5e-4))


# --------------------------------------------------------------------------------------
# q4: the three kinds of profile data (hashed multiple choice)
# --------------------------------------------------------------------------------------

_BEHAVIOURAL_RIGHT = "f414afd34b69bbaba3fe6eda00bf654cf7c2f88019d5660d7b679b385f826d38"
_BEHAVIOURAL_WRONG = {
    "10e410495c085af7dde0f53976f4b105c2480b4ac92d3ed690b7a7274ef73d19":
        "gender, year of birth and town say who the customer is: demographic data",
    "9182344d50ddf4f78d046bcbd5fc919aa3c2383a1c8bad5382c02887544daaa6":
        "importance ratings and expectations come from survey answers about what the customer "
        "values: psychographic data",
    "4ebf6e0daa40a3cc0f07ccbb89b7d9cac35ac6e9dc1ef5fd4ac3516749c7cfaa":
        "this list mixes the three kinds; check each column on its own",
}


@task("ex11.q4", "hashed_choice", points=1, choices=("a", "b", "c", "d"),
      hint="behavioural data record what customers do (buy, return, contact, respond), not "
           "who they are or what they say they value")
def q4() -> Expected:
    """Task: which list of columns is purely behavioural (hashed multiple choice)."""
    return Expected(_BEHAVIOURAL_RIGHT, list(_BEHAVIOURAL_WRONG.items()))


# --------------------------------------------------------------------------------------
# q5: a first predictive analysis: response by recency
# --------------------------------------------------------------------------------------


def _days_before(members: pd.DataFrame, source: pd.DataFrame, before: bool = True) -> pd.Series:
    """Days from each member's last purchase (in ``source``) to the campaign start."""
    start = retail().campaigns.set_index("campaign_id").start_date.loc[RESPONSE_CAMPAIGN]
    if before:
        source = source[source.date < start]
    last = source.groupby("customer_id").date.max()
    return (start - last).dt.days.reindex(members.customer_id)


def _recent(days: pd.Series) -> pd.Series:
    return days.le(RECENT_DAYS)


def _rate(members: pd.DataFrame, days: pd.Series, keep) -> float:
    mask = keep(days).to_numpy()
    return float(members.responded.to_numpy()[mask].mean())


@task("ex11.q5", "number", points=2, atol=5e-4,
      hint="take the treatment group of the campaign, find each member's last purchase before "
           "the start date, and average `responded` over those with at most 90 days in between")
def q5() -> Expected:
    """Response rate of the treated members whose last purchase was at most RECENT_DAYS before."""
    w = retail()
    members = w.campaign_members[w.campaign_members.campaign_id == RESPONSE_CAMPAIGN]
    treated = members[members.group == "treatment"]
    p = _purchases()
    days = _days_before(treated, p)
    right = _rate(treated, days, _recent)
    return Expected(right, _distinct(right, [
        (_rate(members, _days_before(members, p), _recent),
         "you kept the control group; the task asks about the customers who received the "
         "campaign (treatment)"),
        (_rate(treated, _days_before(treated, w.transactions), _recent),
         "you counted returns as purchases when you looked for the last purchase"),
        (_rate(treated, days, lambda d: d.lt(RECENT_DAYS)),
         f"'at most {RECENT_DAYS} days' includes day {RECENT_DAYS}: use <=, not <"),
        (_rate(treated, _days_before(treated, p, before=False), _recent),
         "you used purchases after the campaign start too; the planner only knows what "
         "happened before it"),
        (_rate(treated, days, lambda d: ~d.le(RECENT_DAYS)),
         "that is the response of the customers who had NOT bought recently"),
        (float(treated.responded.mean()), "that is the response of the whole treatment group; "
                                          "keep only the recent buyers"),
        (float(treated.responded.to_numpy()[_recent(days).to_numpy()].sum()),
         "that is the number of responders; the task asks for a rate"),
    ], 1e-6, 5e-4))


# --------------------------------------------------------------------------------------
# q6: what a silo misses
# --------------------------------------------------------------------------------------


def _silo_overlap(channel: str, table: pd.DataFrame | None = None, reindex: bool = True) -> float:
    """Share of the top customers (full record) that are also in the channel's own top list."""
    p = _purchases() if table is None else table
    full = p.groupby("customer_id").amount.sum()
    view = p[p.channel.eq(channel)].groupby("customer_id").amount.sum()
    if reindex:
        view = view.reindex(full.index, fill_value=0)
    k = int(len(full) * TOP_SHARE)
    top_full = full.nlargest(k).index
    top_view = view.nlargest(int(len(view) * TOP_SHARE)).index
    return float(top_full.isin(top_view).mean())


@task("ex11.q6", "number", points=2, atol=5e-4,
      hint="rank the customers by their purchase revenue over all channels and by their revenue "
           "in the store only (0 for customers without store purchases); take the top 20 % of "
           "each and the share of the first list that is in the second")
def q6() -> Expected:
    """Share of the top 20 % customers (full record) in SILO_CHANNEL's own top 20 %."""
    p = _purchases()
    right = _silo_overlap(SILO_CHANNEL)
    full = p.groupby("customer_id").amount.sum()
    view = p[p.channel.eq(SILO_CHANNEL)].groupby("customer_id").amount.sum()
    others = [ch for ch in sorted(p.channel.unique()) if ch != SILO_CHANNEL]
    return Expected(right, _distinct(right, [
        *[(_silo_overlap(ch), f"that is the view of the {ch} channel; the task asks for the "
                              f"{SILO_CHANNEL}") for ch in others],
        (_silo_overlap(SILO_CHANNEL, retail().transactions),
         "you used net revenue (returns subtracted); the lesson ranks by purchase revenue"),
        (_silo_overlap(SILO_CHANNEL, reindex=False),
         f"you took the top 20 % of the {SILO_CHANNEL} buyers only; the top list has as many "
         "customers as the full one (20 % of all customers)"),
        (view.sum() / full.sum(), f"that is the share of revenue the {SILO_CHANNEL} sees; the "
                                  "task asks about the top customers"),
        (1 - right, "that is the share of the best customers the channel's list misses"),
    ], 1e-6, 5e-4))


@task("ex11.q7", "text", points=1, min_words=5)
def q7() -> Expected:
    """Decide and justify: which of the ten steps the firm should tackle first (recorded)."""
    return Expected(None)
