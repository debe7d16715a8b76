"""crmlearn.checks.ex12: churn, cohorts, NPS and CSAT of the mobile provider."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from _checks_helpers import (
    assert_letter_not_in_source,
    assert_numbers_not_in_source,
    assert_right_answers_pass,
    assert_tasks_numbered,
    wrong_answer_tests,
)

from crmlearn import datasets, loyalty
from crmlearn.checks import evaluate

YEAR = pd.DateOffset(years=1)

pytestmark = pytest.mark.usefixtures("clean_checks")


@pytest.fixture(scope="module")
def d():
    """The lesson's building blocks, computed here independently of the checks."""
    world = datasets.load("subscription")
    c, s = world.contracts, world.surveys
    spans = loyalty.customer_spans(c)

    def year_to(end):
        return loyalty.churn_rate_from_activity(spans.start, spans.end, period_end=end,
                                                period=YEAR)

    def cohorts(table):
        return loyalty.cohort_retention(table, date="start_date", end="end_date", period="Q",
                                        observation_end=world.observation_end)

    return {
        "world": world,
        "period": year_to("2025-07-01"),
        "early": year_to("2025-06-30"),
        "flexible": cohorts(c[c.minimum_term_months.eq(1)]),
        "everyone": cohorts(c),
        "annual": s[s.touchpoint.eq("annual_survey") & s.date.dt.year.eq(2025)],
        "hotline": s[s.touchpoint.eq("hotline") & s.date.dt.year.eq(2025)],
        "surveys": s,
    }


@pytest.fixture(scope="module")
def right(d):
    return {
        "ex12.q1": d["period"].churn_rate,
        "ex12.q2": d["period"].retention_rate,
        "ex12.q3": 1 - 0.975 ** 12,
        "ex12.q4": d["flexible"].loc["2024Q1", 4],
        "ex12.q5": loyalty.nps(d["annual"].nps),
        "ex12.q6": loyalty.csat(d["hotline"].csat),
        "ex12.q7": "b",
        "ex12.q8": "No bonus: about a hundred answers and the ranking changes every year.",
    }


def test_every_task_is_covered():
    assert_tasks_numbered("ex12", 8)


def test_right_answers_pass(right):
    assert_right_answers_pass(right)


def test_rounded_and_equivalent_answers_pass(right, d):
    for task_id in ("ex12.q1", "ex12.q2", "ex12.q3", "ex12.q4", "ex12.q6"):
        assert evaluate(task_id, round(float(right[task_id]), 3)).status == "passed", task_id
    assert evaluate("ex12.q5", round(right["ex12.q5"], 2)).status == "passed"
    # counted by hand instead of with the crmlearn functions
    p = d["period"]
    assert evaluate("ex12.q1", p.lost / ((p.customers_at_start + p.customers_at_end) / 2)
                    ).status == "passed"
    assert evaluate("ex12.q1", loyalty.churn_rate(p.lost, p.customers_at_start,
                                                  p.customers_at_end)).status == "passed"
    v = d["annual"].nps
    assert evaluate("ex12.q5", 100 * ((v >= 9).mean() - (v <= 6).mean())).status == "passed"
    h = d["hotline"].csat
    assert evaluate("ex12.q6", h.isin([4, 5]).mean()).status == "passed"
    assert evaluate("ex12.q4", np.float64(right["ex12.q4"])).status == "passed"
    assert evaluate("ex12.q7", "B)").status == "passed"


def _nps_of(d, touchpoint=None, year=None):
    s = d["surveys"]
    keep = pd.Series(True, index=s.index)
    if touchpoint:
        keep &= s.touchpoint.eq(touchpoint)
    if year:
        keep &= s.date.dt.year.eq(year)
    return loyalty.nps(s[keep].nps)


WRONG = [
    ("ex12.q1", lambda d: d["early"].churn_rate, "day after"),
    ("ex12.q1", lambda d: d["period"].lost / d["period"].customers_at_start, "at the start"),
    ("ex12.q1", lambda d: d["period"].lost / d["period"].customers_at_end, "at the end"),
    ("ex12.q1", lambda d: 1 - d["period"].retention_rate, "1 - retention rate"),
    ("ex12.q1", lambda d: d["period"].retention_rate, "that is the retention rate"),
    ("ex12.q1", lambda d: 100 * d["period"].churn_rate, "percentage"),
    ("ex12.q1", lambda d: d["period"].lost, None),
    ("ex12.q2", lambda d: 1 - d["period"].churn_rate, "1 - churn rate"),
    ("ex12.q2", lambda d: d["period"].retained / d["period"].customers_at_end, "at the end"),
    ("ex12.q2", lambda d: d["period"].retained / d["period"].average_customers, "average base"),
    ("ex12.q2", lambda d: d["early"].retention_rate, "day after"),
    ("ex12.q2", lambda d: d["period"].churn_rate, "that is the churn rate"),
    ("ex12.q3", lambda d: 12 * 0.025, "compound"),
    ("ex12.q3", lambda d: 0.975 ** 12, "still there"),
    ("ex12.q3", lambda d: 0.025, "one month"),
    ("ex12.q3", lambda d: 1 - 0.975 ** 11, "twelve months"),
    ("ex12.q3", lambda d: 100 * (1 - 0.975 ** 12), "percentage"),
    ("ex12.q4", lambda d: d["everyone"].loc["2024Q1", 4], "all contracts"),
    ("ex12.q4", lambda d: 1.0, "WITH a minimum term"),
    ("ex12.q4", lambda d: d["flexible"].loc["2024Q1", 3], "column 3"),
    ("ex12.q4", lambda d: d["flexible"].loc["2024Q1", 5], "column 5"),
    ("ex12.q4", lambda d: 1 - d["flexible"].loc["2024Q1", 4], "had left"),
    ("ex12.q4", lambda d: d["flexible"].loc[["2024Q1"], 4], "holding one value"),
    ("ex12.q5", lambda d: loyalty.nps(d["annual"].nps) / 100, "not as a share"),
    ("ex12.q5", lambda d: 100 * ((d["annual"].nps >= 8).mean() - (d["annual"].nps <= 6).mean()),
     "an 8 is a passive"),
    ("ex12.q5", lambda d: 100 * ((d["annual"].nps >= 9).mean() - (d["annual"].nps <= 5).mean()),
     "a 6 is a detractor"),
    ("ex12.q5", lambda d: _nps_of(d, year=2025), "hotline calls included"),
    ("ex12.q5", lambda d: _nps_of(d, "hotline", 2025), "after hotline calls"),
    ("ex12.q5", lambda d: _nps_of(d, "annual_survey", 2024), "survey of 2024"),
    ("ex12.q5", lambda d: _nps_of(d, "annual_survey"), "all years"),
    ("ex12.q5", lambda d: d["annual"].nps.mean(), "mean answer"),
    ("ex12.q5", lambda d: -loyalty.nps(d["annual"].nps), "sign"),
    ("ex12.q6", lambda d: d["hotline"].csat.mean(), "mean answer"),
    ("ex12.q6", lambda d: (d["hotline"].csat == 5).mean(), "not only 5"),
    ("ex12.q6", lambda d: (d["hotline"].csat >= 3).mean(), "a 3 is neutral"),
    ("ex12.q6", lambda d: loyalty.csat(d["surveys"][d["surveys"].touchpoint.eq("hotline")].csat),
     "all years"),
    ("ex12.q6", lambda d: loyalty.csat(d["surveys"][d["surveys"].date.dt.year.eq(2025)].csat),
     "annual survey"),
    ("ex12.q6", lambda d: "0,49", "a number"),
    ("ex12.q7", lambda d: "a", "loyalty wears off"),
    ("ex12.q7", lambda d: "c", "not observed yet"),
    ("ex12.q7", lambda d: "d", "same TENURE"),
    ("ex12.q7", lambda d: "f", "answer with one letter"),
    ("ex12.q8", lambda d: "No bonus.", "at least 5 words"),
    ("ex12.q8", lambda d: None, "in quotes"),
]


@pytest.fixture(scope="module")
def wrong(d):
    return [(task_id, make(d), hint) for task_id, make, hint in WRONG]


TestWrongAnswers = wrong_answer_tests("ex12", len(WRONG),
                                      ids=[f"{t}-{i}" for i, (t, _, _) in enumerate(WRONG)])


def test_expected_answers_are_not_stored_in_plain_text(right):
    assert_numbers_not_in_source("ex12", right, [f"ex12.q{i}" for i in range(1, 7)])
    assert_letter_not_in_source("ex12", "_CLIFF_RIGHT", "b")
