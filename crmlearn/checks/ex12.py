"""Checks for exercise 12: customer-centricity metrics (churn, cohorts, NPS, CSAT).

Every number is recomputed at check time with :mod:`crmlearn.loyalty` on the
shipped classroom data of the mobile provider FunkNetz Mobil (the
``subscription`` world of lesson 12), or from the numbers given in the task
text. The typical mistakes are computed the same way: the period ending on the
last day instead of the day after, dividing by the customers at the start
instead of the average base, 1 - retention taken for the churn rate, the wrong
cut-offs of the NPS groups, every survey answer instead of the annual survey,
the mean answer instead of the CSAT share, ... The reading of the cohort chart
cannot be computed, so only salted hashes of its letters are stored (see
:func:`crmlearn.checks._registry.choice_hash`).
"""

from __future__ import annotations

import functools

from ._registry import Expected, classroom_world, task

#: tasks q1 and q2: the twelve months from 1 July 2024 to 30 June 2025. The period
#: ends on the day after its last day (a contract ending on 30 June is active that day).
PERIOD_END = "2025-07-01"
LAST_DAY = "2025-06-30"

#: task q3: a monthly churn rate (given in the task text)
MONTHLY_CHURN = 0.025

#: task q4: quarterly cohort of monthly-cancellable contracts and the column asked for
COHORT = "2024Q1"
QUARTERS_LATER = 4

#: tasks q5 and q6: the survey year (annual survey in November, hotline all year)
SURVEY_YEAR = 2025


# --------------------------------------------------------------------------------------
# data, loaded once per process
# --------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _spans():
    from crmlearn import loyalty

    return loyalty.customer_spans(classroom_world("subscription").contracts)


@functools.cache
def _year_to(period_end: str):
    """Return churn and retention over the calendar year (DateOffset) ending on ``period_end``."""
    import pandas as pd

    from crmlearn import loyalty

    spans = _spans()
    return loyalty.churn_rate_from_activity(spans.start, spans.end, period_end=period_end,
                                            period=pd.DateOffset(years=1))


@functools.cache
def _cohorts(which: str):
    """Return the quarterly cohort retention of ``which`` contracts ("flexible", "all", "fixed")."""
    from crmlearn import loyalty

    world = classroom_world("subscription")
    c = world.contracts
    table = {"flexible": c[c.minimum_term_months.eq(1)], "all": c,
             "fixed": c[c.minimum_term_months.gt(1)]}[which]
    return loyalty.cohort_retention(table, date="start_date", end="end_date", period="Q",
                                    observation_end=world.observation_end)


def _answers(touchpoint: str | None, year: int | None):
    """Return the survey answers of one touchpoint (None: all) in one year (None: all years)."""
    s = classroom_world("subscription").surveys
    keep = s.touchpoint.notna()
    if touchpoint is not None:
        keep &= s.touchpoint.eq(touchpoint)
    if year is not None:
        keep &= s.date.dt.year.eq(year)
    return s[keep]


def _distinct(right: float, mistakes: list[tuple[float, str]], rel: float = 1e-6):
    """Drop the mistakes that happen to equal the right answer on these data."""
    return [(w, h) for w, h in mistakes if abs(float(w) - right) > rel * max(1.0, abs(right))]


# --------------------------------------------------------------------------------------
# tasks
# --------------------------------------------------------------------------------------


@task("ex12.q1", "number", points=2, rtol=1e-3, atol=5e-4,
      hint="build one span per customer with loyalty.customer_spans(world.contracts), then "
           "loyalty.churn_rate_from_activity(spans.start, spans.end, period_end=..., "
           "period=pd.DateOffset(years=1)) and read churn_rate")
def q1() -> Expected:
    """Churn rate (lost / average base) from 1 July 2024 to 30 June 2025."""
    r, early = _year_to(PERIOD_END), _year_to(LAST_DAY)
    right = float(r.churn_rate)
    return Expected(right, _distinct(right, [
        (early.churn_rate,
         "your period ends on 30 June, but a contract that ends on 30 June still runs that "
         "day: let the period end on the day after its last day (1 July 2025)"),
        (r.lost / r.customers_at_start,
         "you divided by the customers at the start; the text divides by the AVERAGE number "
         "of customers in the period ((start + end) / 2)"),
        (r.lost / r.customers_at_end,
         "you divided by the customers at the end; the text divides by the AVERAGE number "
         "of customers in the period ((start + end) / 2)"),
        (1 - r.retention_rate,
         "that is 1 - retention rate (the share of the starting customers who left); the churn "
         "rate counts every customer lost, newcomers included, over the average base"),
        (r.retention_rate, "that is the retention rate; the task asks for the churn rate"),
        (_year_to("2026-01-01").churn_rate,
         "that is the calendar year 2025; the task asks for July 2024 to June 2025"),
    ]))


@task("ex12.q2", "number", points=1, rtol=1e-3, atol=5e-4,
      hint="retention rate = customers at the start who are still there at the end / customers "
           "at the start (read retention_rate from the same result as in q1)")
def q2() -> Expected:
    """Retention rate over the same twelve months."""
    r, early = _year_to(PERIOD_END), _year_to(LAST_DAY)
    right = float(r.retention_rate)
    return Expected(right, _distinct(right, [
        (1 - r.churn_rate,
         "1 - churn rate is not the retention rate: the two use different bases and the churn "
         "rate also counts newcomers who left"),
        (r.retained / r.customers_at_end,
         "you divided by the customers at the end; retention divides by the customers at the "
         "start (new customers do not count)"),
        (r.retained / r.average_customers,
         "you divided by the average base; retention divides by the customers at the start"),
        (early.retention_rate,
         "your period ends on 30 June, but a contract that ends on 30 June still runs that "
         "day: let the period end on the day after its last day (1 July 2025)"),
        (r.churn_rate, "that is the churn rate; the task asks for the retention rate"),
    ]))


@task("ex12.q3", "number", points=1, rtol=1e-4, atol=5e-4,
      hint="each month 2.5 % of the customers still there leave, so 97.5 % stay; let that "
           "happen twelve times and ask what share is gone")
def q3() -> Expected:
    """Share of a fixed group lost within a year at MONTHLY_CHURN a month."""
    m = MONTHLY_CHURN
    stay = (1 - m) ** 12
    return Expected(1 - stay, [
        (12 * m, "12 x the monthly rate adds the months up as if the group never shrank; "
                 "each month's churn hits only those still there, so the losses compound"),
        (stay, "that is the share still there after a year; the task asks for the share lost"),
        (m, "that is one month; the task asks for a whole year"),
        (1 - (1 - m) ** 11, "a year has twelve months"),
    ])


@task("ex12.q4", "number", points=2, rtol=1e-3, atol=5e-4,
      hint="keep the contracts with minimum_term_months == 1, build quarterly cohorts with "
           "loyalty.cohort_retention(..., date='start_date', end='end_date', period='Q', "
           "observation_end=world.observation_end) and read the cohort's row in column 4")
def q4() -> Expected:
    """Share of the flexible 2024Q1 cohort still active four quarters after joining."""
    flexible, everyone = _cohorts("flexible"), _cohorts("all")
    k = QUARTERS_LATER
    right = float(flexible.loc[COHORT, k])
    return Expected(right, _distinct(right, [
        (everyone.loc[COHORT, k],
         "you used all contracts; the task asks only for those without a minimum term "
         "(minimum_term_months == 1)"),
        (_cohorts("fixed").loc[COHORT, k],
         "you kept the contracts WITH a minimum term; the task asks for those that can be "
         "cancelled every month"),
        (flexible.loc[COHORT, k - 1],
         "that is column 3; column 0 is the quarter of joining, so four quarters later is "
         "column 4"),
        (flexible.loc[COHORT, k + 1],
         "that is column 5; column 0 is the quarter of joining, so four quarters later is "
         "column 4"),
        (1 - right, "that is the share who had left; the task asks for the share still active"),
    ]))


@task("ex12.q5", "number", points=2, rtol=1e-4, atol=0.006,
      hint="keep the answers with touchpoint == 'annual_survey' from 2025 and use loyalty.nps "
           "on their nps column (points from -100 to 100)")
def q5() -> Expected:
    """NPS of the annual survey of SURVEY_YEAR."""
    from crmlearn import loyalty

    annual = _answers("annual_survey", SURVEY_YEAR).nps
    right = float(loyalty.nps(annual))
    shares = loyalty.nps_shares(annual)
    v = annual.to_numpy()
    return Expected(right, _distinct(right, [
        (right / 100, "the NPS is given in points from -100 to +100, not as a share: multiply "
                      "the difference of the shares by 100"),
        (100 * ((v >= 8).mean() - (v <= 6).mean()),
         "promoters answer 9 or 10; an 8 is a passive"),
        (100 * ((v >= 9).mean() - (v <= 5).mean()),
         "detractors answer 0 to 6; a 6 is a detractor too"),
        (100 * ((v >= 9).mean() - (v <= 8).mean()),
         "passives (7-8) count in the base but are neither promoters nor detractors"),
        (float(loyalty.nps(_answers(None, SURVEY_YEAR).nps)),
         "you used every survey answer of 2025, hotline calls included; the task asks for the "
         "annual survey only"),
        (float(loyalty.nps(_answers("hotline", SURVEY_YEAR).nps)),
         "that is the NPS after hotline calls; the task asks for the annual survey"),
        (float(loyalty.nps(_answers("annual_survey", SURVEY_YEAR - 1).nps)),
         "that is the survey of 2024 (the lesson's); the task asks for 2025"),
        (float(loyalty.nps(_answers("annual_survey", None).nps)),
         "you used the annual surveys of all years; the task asks for 2025 only"),
        (100 * float(shares.promoters), "that is the share of promoters only; subtract the "
                                        "share of detractors"),
        (float(annual.mean()), "that is the mean answer; the NPS is % promoters - % detractors"),
    ]))


@task("ex12.q6", "number", points=1, rtol=1e-3, atol=5e-4,
      hint="keep the answers with touchpoint == 'hotline' from 2025 and use loyalty.csat on "
           "their csat column (the share of answers 4 or 5)")
def q6() -> Expected:
    """CSAT (share of 4-5 answers) after hotline calls in SURVEY_YEAR."""
    from crmlearn import loyalty

    hotline = _answers("hotline", SURVEY_YEAR).csat
    right = float(loyalty.csat(hotline))
    return Expected(right, _distinct(right, [
        (float(loyalty.csat(hotline, method="mean")),
         "that is the mean answer on the 1-5 scale; CSAT here is the share of satisfied "
         "answers (4 or 5)"),
        (float((hotline == 5).mean()), "satisfied means 4 or 5, not only 5"),
        (float((hotline >= 3).mean()), "a 3 is neutral, not satisfied: count 4 and 5 only"),
        (float(loyalty.csat(_answers("hotline", None).csat)),
         "you used the hotline answers of all years; the task asks for 2025"),
        (float(loyalty.csat(_answers(None, SURVEY_YEAR).csat)),
         "you mixed in the annual survey; CSAT is about one interaction, the hotline call"),
    ]))


_CLIFF_RIGHT = "4e9d6e8cc169babd0a4ff0b8dc64990c998ab39ef4351e14c375d45f85b137db"
_CLIFF_WRONG = {
    "4013a7cf67c795f8cd3c45fb3e99a1f4978a1c051bc793f6800092e5b3915bf5":
        "nothing in the data says loyalty wears off; look at WHEN customers are allowed to "
        "cancel (the column minimum_term_months)",
    "2e69a05e1a37e958d19c4ad75ad0fb69a35460b646596bd4f73d6c62c06f3a2f":
        "cells that are not observed yet stay empty (NaN), they do not show as low shares",
    "2b9efa80f4ed5308030d2278602788438c0a79c5786b1e80e2785cf43e635496":
        "a price rise would hit every cohort in the same calendar quarter; the drop comes at "
        "the same TENURE (about eight quarters after joining) in every cohort",
}


@task("ex12.q7", "hashed_choice", points=1, choices=("a", "b", "c", "d"),
      hint="compare the cohorts of 2023: in which column does each one drop, and what is "
           "special about a customer's 24th month?")
def q7() -> Expected:
    """Task: why the 2023 cohorts drop again after eight quarters (hashed multiple choice)."""
    return Expected(_CLIFF_RIGHT, list(_CLIFF_WRONG.items()))


@task("ex12.q8", "text", points=1, min_words=5)
def q8() -> Expected:
    """Decide and justify: reward the plan with the best NPS? (text, recorded)."""
    return Expected(None)
