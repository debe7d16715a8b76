"""Checks for exercise 05: customer value (CLV, ABC classes, the 20/80 rule).

The numeric answers are recomputed with :mod:`crmlearn.value` from the numbers
given in the task or from the shipped retail classroom data. The Lorenz-curve
question cannot be computed, so only salted hashes of its letters are stored
(see :func:`crmlearn.checks._registry.choice_hash`).
"""

from __future__ import annotations

from ._registry import Expected, retail_summary, task

#: task q1: yearly revenue, years, acquisition cost (given in the task text)
SIMPLE = {"yearly_revenue": 250.0, "years": 6, "acquisition_cost": 120.0}

#: task q2: margin per year, retention rate, discount rate (given in the task text)
RETENTION = {"margin": 80.0, "retention": 0.75, "discount": 0.08}

#: task q3: the customer whose ABC class is asked for
ABC_CUSTOMER = 83


@task("ex05.q1", "number", points=1, atol=0.006,
      hint="CLV = yearly revenue x years - acquisition cost; the cost is paid once")
def q1() -> Expected:
    """Task: the simple CLV for the numbers in SIMPLE."""
    from crmlearn import value

    r, n, c = SIMPLE["yearly_revenue"], SIMPLE["years"], SIMPLE["acquisition_cost"]
    return Expected(value.simple_clv(r, n, c), [
        (r * n, "you forgot to subtract the acquisition cost"),
        ((r - c) * n, "the acquisition cost is paid once, not every year"),
        (r * n + c, "the acquisition cost is a cost: subtract it"),
        (r - c, "the revenue comes every year: multiply by the number of years"),
    ])


@task("ex05.q2", "number", points=2, atol=0.006,
      hint="use value.retention_clv with the margin, the retention rate and the discount rate "
           "as shares (75 % is 0.75), no horizon, margins paid at the end of each year")
def q2() -> Expected:
    """Retention CLV for the numbers in RETENTION."""
    from crmlearn import value

    m, r, d = RETENTION["margin"], RETENTION["retention"], RETENTION["discount"]
    return Expected(value.retention_clv(m, r, d), [
        (value.retention_clv(m, r, d, timing="start"),
         "you assumed the margin is paid at the start of each year; the task says at the end"),
        (m / (1 + d - r), "this formula treats the first margin as certain; with payment at the "
                          "end the customer must first stay one year"),
        (m * r / (1 - r), "you forgot to discount future margins"),
        (value.retention_clv(m, d, r),
         "you swapped the retention rate and the discount rate"),
        (m * r / (1 + d), "that is only the first year; the customer can stay many years"),
    ])


@task("ex05.q3", "category", points=2, choices=("A", "B", "C"),
      hint="rank the customers by net revenue with value.abc_classes(..., method='rank') and "
           "look up the customer")
def q3() -> Expected:
    """ABC class (rank method, net revenue) of customer ABC_CUSTOMER."""
    from crmlearn import value

    s = retail_summary()
    right = str(value.abc_classes(s.net_revenue, method="rank").loc[ABC_CUSTOMER])
    mistakes = [
        (str(value.abc_classes(s.revenue, method="rank").loc[ABC_CUSTOMER]),
         "you ranked by gross revenue (returns included); the task asks for net revenue"),
        (str(value.abc_classes(s.net_revenue, method="cumulative").loc[ABC_CUSTOMER]),
         "you used the cumulative (share of revenue) method; the task asks for the rank "
         "method (20 % of customers are A)"),
        (str(value.abc_classes(s.n_purchases, method="rank").loc[ABC_CUSTOMER]),
         "you ranked by the number of purchases; the task asks for net revenue"),
    ]
    return Expected(right, [(wrong, hint) for wrong, hint in mistakes if wrong != right])


@task("ex05.q4", "number", points=2, rtol=1e-4, atol=5e-4,
      hint="use value.top_share on the customers' net revenue with share=0.2")
def q4() -> Expected:
    """Share of net revenue brought by the top 20 % of customers."""
    from crmlearn import value

    s = retail_summary()
    right = value.top_share(s.net_revenue, 0.2)
    return Expected(right, [
        (value.top_share(s.revenue, 0.2),
         "you used gross revenue (returns included); the task asks for net revenue"),
        (1 - right, "that is the share of the other 80 % of customers"),
        (value.top_share(s.n_purchases, 0.2),
         "you measured purchases, not revenue; the task asks for net revenue"),
        (0.8, "80 % is the rule of thumb, not what these data show: compute it"),
    ])


_LORENZ_RIGHT = "c27652148dcde180462b6f5c438472faa79e1239e097b15497fced10ea4d9a1e"
_LORENZ_WRONG = {
    "e637a689c238c3e5e1300d8e8779adef83d7cdc5f8b2c585c1a343e78571c8ef":
        "20/80 is a rule of thumb, not a definition: the curve shows what the data say",
    "d24686a79ec1e9ff842fc79c9456466d659a5b69b62fff8d50f988e49fcb532e":
        "on the diagonal every customer brings the same revenue: no concentration at all",
    "368930e36fbbaade176f1bf6f1831c9f503a3e196479877e116b43e2f3c400f4":
        "the x axis is the share of customers (best first), not time",
}


@task("ex05.q5", "hashed_choice", points=1, choices=("a", "b", "c", "d"),
      hint="read the axes again: share of customers (best first) against share of revenue")
def q5() -> Expected:
    """Task: read the Lorenz curve (hashed multiple choice)."""
    return Expected(_LORENZ_RIGHT, list(_LORENZ_WRONG.items()))


@task("ex05.q6", "text", points=1, min_words=5)
def q6() -> Expected:
    """Decide and justify: retention budget for A or B customers (text, recorded)."""
    return Expected(None)
