"""Checks for exercise 07: ABC decisions, RFM points and RFM segments.

Exercise 05 already asks for one ABC class, the top-20 % share and the Lorenz
curve; this exercise goes further: the cumulative ABC recipe, what changes when
the firm ranks by contribution margin instead of revenue, the RFM points and
named segments of single customers, the playbook's win-back segment and what
the simulation's truth says about it.

Every expected answer is recomputed from the shipped retail classroom data with
:mod:`crmlearn.value`; the typical mistakes (the rank recipe instead of the
cumulative one, the ``recency`` column instead of ``days_since_last``, ties
broken by row order, the ``rfm_code`` instead of the sum, ...) are computed the
same way, each with its hint.
"""

from __future__ import annotations

import functools

import pandas as pd

from ._registry import Expected, retail, retail_summary, task

#: task q3: the customer whose RFM sum is asked for
RFM_CUSTOMER = 1812

#: task q4: the customer whose named RFM segment is asked for
SEGMENT_CUSTOMER = 1676

#: task q5: the segments with r <= 2 and the letter of each in the task text
WIN_BACK_LETTERS = {"hibernating": "a", "at risk": "b", "can't lose": "c", "lost": "d"}

#: task q6: the two segments the playbook wants to win back
WIN_BACK = ("at risk", "can't lose")


def _segment_names() -> tuple[str, ...]:
    from crmlearn import value

    return tuple(value.RFM_SEGMENTS["segment"])


@functools.lru_cache(maxsize=1)
def _margin() -> pd.Series:
    """Contribution margin per customer as in lesson 07: net revenue - cost of goods."""
    s = retail_summary()
    product_cost = retail().transactions.groupby("customer_id").product_cost.sum()
    return (s.net_revenue - product_cost).rename("margin")


@functools.cache
def _scores(variant: str = "right") -> pd.DataFrame:
    """RFM points with the defaults of lesson 07, or with one typical mistake."""
    from crmlearn import value

    s = retail_summary()
    if variant == "right":
        return value.rfm_scores(s)
    if variant == "recency_column":  # the customer's age at the last purchase
        return value.rfm_scores(s, recency="recency")
    if variant == "ties_first":  # the qcut recipe: ties broken by row order
        return value.rfm_scores(s, ties="first")
    if variant == "net_revenue":
        return value.rfm_scores(s, monetary="net_revenue")
    if variant == "reversed_recency":  # many days since the last purchase earn many points
        turned = s.assign(days_since_last=s.days_since_last.max() - s.days_since_last)
        return value.rfm_scores(turned)
    raise ValueError(variant)


def _segments(variant: str = "right") -> pd.Series:
    from crmlearn import value

    return value.rfm_segments(_scores(variant))


def _drop_equal(right, mistakes) -> Expected:
    """Keep only the mistakes whose answer differs from the right one."""
    return Expected(right, [(w, h) for w, h in mistakes if w != right])


@task("ex07.q1", "number", points=2,
      hint="use value.abc_classes(revenue, method='cumulative', cuts=(0.8, 0.95)) and count "
           "the customers in class A")
def q1() -> Expected:
    """Task: the number of A customers by the cumulative recipe (80 % / 95 % of revenue)."""
    from crmlearn import value

    s = retail_summary()
    cum = value.abc_classes(s.revenue, method="cumulative", cuts=(0.8, 0.95))
    n_a = int((cum == "A").sum())
    return _drop_equal(n_a, [
        (int((value.abc_classes(s.revenue) == "A").sum()),
         "you used the rank recipe (best 20 % of the customers are A); this task counts value: "
         "customers are A until 80 % of the revenue is reached"),
        (int((value.abc_classes(s.net_revenue, method="cumulative") == "A").sum()),
         "you ranked by net revenue; the task uses the gross revenue (the variable revenue)"),
        (int((value.abc_classes(_margin(), method="cumulative") == "A").sum()),
         "you ranked by contribution margin; the task uses the revenue"),
        (int((cum == "B").sum()), "you counted the B customers; the task asks for class A"),
        (int((cum == "C").sum()), "you counted the C customers; the task asks for class A"),
        (int((cum != "C").sum()), "you counted A and B together; the task asks for class A only"),
        (n_a / len(cum), "you gave the share of the customers; the task asks for their number"),
    ])


@task("ex07.q2", "number", points=2,
      hint="classify once by revenue and once by margin (rank recipe, the default), then count "
           "the customers who are A by revenue but not A by margin")
def q2() -> Expected:
    """Task: the A customers by revenue who are not A by contribution margin."""
    from crmlearn import value

    s = retail_summary()
    by_revenue = value.abc_classes(s.revenue)
    by_margin = value.abc_classes(_margin())
    right = int(((by_revenue == "A") & (by_margin != "A")).sum())
    by_net = value.abc_classes(s.net_revenue)
    cum_revenue = value.abc_classes(s.revenue, method="cumulative")
    cum_margin = value.abc_classes(_margin(), method="cumulative")
    changed = by_revenue != by_margin
    return _drop_equal(right, [
        (int(changed.sum()), "you counted every customer whose class changes; the task asks only "
                             "for today's A customers who drop out of A"),
        (float(changed.mean()), "you gave the share of customers whose class changes; the task "
                                "asks for a number of customers"),
        (right / int((by_revenue == "A").sum()),
         "you gave a share of the A customers; the task asks for their number"),
        (int(((by_revenue == "A") != (by_margin == "A")).sum()),
         "you counted the moves in both directions (out of A and into A); the task asks only "
         "for those who lose class A"),
        (int(((by_net == "A") & (by_margin != "A")).sum()),
         "you ranked by net revenue; the task starts from the classes by revenue (gross)"),
        (int(((cum_revenue == "A") & (cum_margin != "A")).sum()),
         "you used the cumulative recipe; this task uses the rank recipe (best 20 % are A)"),
        (int(((by_revenue == "B") & (by_margin == "C")).sum()),
         "those are the customers who fall from B to C; the task asks about class A"),
    ])


@task("ex07.q3", "number", points=2,
      hint="compute value.rfm_scores(summary) with its defaults and look up the customer's "
           "rfm_sum (r + f + m)")
def q3() -> Expected:
    """RFM sum (default scores) of customer RFM_CUSTOMER."""
    right = _scores().loc[RFM_CUSTOMER]
    mistakes = [
        (int(_scores("recency_column").loc[RFM_CUSTOMER, "rfm_sum"]),
         "you scored the column recency (the customer's age at the last purchase, large is "
         "good); RFM's recency is days_since_last (small is good), the default of rfm_scores"),
        (int(_scores("reversed_recency").loc[RFM_CUSTOMER, "rfm_sum"]),
         "your recency points run the wrong way: a recent purchase (few days since the last "
         "one) earns the most points"),
        (int(_scores("ties_first").loc[RFM_CUSTOMER, "rfm_sum"]),
         "you broke ties by row order (like the qcut recipe or ties='first'); with the default "
         "ties='min' equal customers get equal points"),
        (int(_scores("net_revenue").loc[RFM_CUSTOMER, "rfm_sum"]),
         "you scored net revenue; the monetary points of the lesson use revenue (the default)"),
        (int(right.rfm_code), "that is the rfm_code (the three points written side by side); "
                              "add the points up"),
        (int(right.r + right.f), "you left out the monetary points: the sum is r + f + m"),
    ]
    return _drop_equal(int(right.rfm_sum), mistakes)


@task("ex07.q4", "category", points=2, choices=_segment_names(),
      hint="name the segments with value.rfm_segments(scores), where scores are the default "
           "value.rfm_scores(summary), and look up the customer")
def q4() -> Expected:
    """Named RFM segment of customer SEGMENT_CUSTOMER."""
    from crmlearn import value

    right = str(_segments().loc[SEGMENT_CUSTOMER])
    scores = _scores()
    by_money = str(value.rfm_segments(scores.assign(f=scores.m)).loc[SEGMENT_CUSTOMER])
    mistakes = [
        (str(_segments("recency_column").loc[SEGMENT_CUSTOMER]),
         "you scored the column recency (the customer's age at the last purchase); RFM's "
         "recency is days_since_last, the default of rfm_scores"),
        (str(_segments("ties_first").loc[SEGMENT_CUSTOMER]),
         "you broke ties by row order (ties='first' or the qcut recipe); with the default "
         "ties='min' equal customers get equal points"),
        (str(_segments("reversed_recency").loc[SEGMENT_CUSTOMER]),
         "your recency points run the wrong way: a recent purchase earns the most points"),
        (by_money, "the segments are named from the r and f points; you used the monetary "
                   "points in place of f"),
    ]
    return _drop_equal(right, mistakes)


@task("ex07.q5", "choice", points=1, choices=tuple(sorted(WIN_BACK_LETTERS.values())),
      hint="among the four segments with r <= 2, compare the mean revenue per customer")
def q5() -> Expected:
    """Task: the segment with r <= 2 whose customers brought the highest mean revenue."""
    s = retail_summary()
    segment = _segments()
    grouped = s.revenue.groupby(segment, observed=True)
    candidates = list(WIN_BACK_LETTERS)
    mean = grouped.mean().reindex(candidates)
    total = grouped.sum().reindex(candidates)
    size = grouped.size().reindex(candidates)
    right = WIN_BACK_LETTERS[str(mean.idxmax())]
    mistakes = [
        (WIN_BACK_LETTERS[str(size.idxmax())],
         "that is the segment with the most customers; the task asks for the highest mean "
         "revenue per customer"),
        (WIN_BACK_LETTERS[str(total.idxmax())],
         "that segment brought the largest total revenue because it is large; the task asks "
         "for the mean per customer"),
        (WIN_BACK_LETTERS[str(mean.idxmin())],
         "that segment has the lowest mean revenue of the four"),
    ]
    return _drop_equal(right, mistakes)


@task("ex07.q6", "number", points=2, rtol=1e-3, atol=5e-4,
      hint="take the customers of both segments together and compute the mean of "
           "alive_at_end from world.truth.customers")
def q6() -> Expected:
    """Share of the 'at risk' and 'can't lose' customers alive at the end (truth)."""
    s = retail_summary()
    segment = _segments()
    truth = retail().truth.customers.set_index("customer_id").reindex(s.index)
    alive = truth.alive_at_end.astype(float)
    chosen = segment.isin(WIN_BACK)
    right = float(alive[chosen].mean())
    per_segment = alive.groupby(segment, observed=True).mean()
    mistakes = [
        (float(per_segment[list(WIN_BACK)].mean()),
         "you averaged the two segments' shares; the segments differ in size, so put their "
         "customers together first"),
        (float(per_segment[WIN_BACK[0]]), "that is the 'at risk' segment alone; take both"),
        (float(per_segment[WIN_BACK[1]]), "that is the \"can't lose\" segment alone; take both"),
        (1 - right, "that is the share of customers who are gone; the task asks for the share "
                    "still alive"),
        (float(alive[chosen].sum()), "that is a number of customers; the task asks for a share"),
        (float(alive.mean()), "that is the share alive among all customers; take only the two "
                              "segments"),
        (float(per_segment["champions"]), "that is the champions' share; the task asks about "
                                          "the win-back segments"),
    ]
    return Expected(right, [(w, h) for w, h in mistakes if abs(w - right) > 1e-3])


@task("ex07.q7", "text", points=1, min_words=5)
def q7() -> Expected:
    """Decide and justify: where to send the win-back vouchers (text, recorded)."""
    return Expected(None)
