"""crmlearn.checks.ex14: examining the claims with data and simulation."""

from __future__ import annotations

import numpy as np
import pytest
from _checks_helpers import (
    assert_letter_not_in_source,
    assert_numbers_not_in_source,
    assert_right_answers_pass,
    assert_tasks_numbered,
    wrong_answer_tests,
)

import crmlearn
from crmlearn import claims, datasets, value
from crmlearn.checks import evaluate

pytestmark = pytest.mark.usefixtures("clean_checks")


@pytest.fixture(scope="module")
def d():
    """The lesson's computations with the task's numbers, independent of the checks."""
    world = datasets.load("retail")
    mobile = datasets.load("subscription")
    tx = world.transactions
    summary = crmlearn.customer_summary(tx, observation_end=world.observation_end)
    sweep = claims.acquisition_vs_retention_cost(
        acquisition_cost_per_contact=0.8, acquisition_rates=[0.02],
        retention_cost_per_contact=6.0, retention_uplift=0.04, retention_baseline=0.85)

    def campaign(offer):
        t = claims.acquisition_vs_retention_from_data(mobile, offer_cost_per_contact=offer)
        return t.set_index("name").loc["Halteangebot 2024 Q1"]

    churn = claims.churn_benchmark(world, inactive_days=[180, 270, 365])
    return {
        "summary": summary,
        "sweep": sweep.iloc[0],
        "q1_campaign": campaign(60),
        "bare_campaign": campaign(0),
        "variable": (tx.product_cost + tx.delivery_cost).sum() / tx.amount.sum(),
        "product_only": tx.product_cost.sum() / tx.amount.sum(),
        "purchases": tx[tx.kind == "purchase"],
        "churn": churn.set_index(["definition", "inactive_days"], drop=False),
        "pareto": claims.pareto_check(summary.revenue, shapes=[1.0], seed=3),
    }


def _ratio(**kw):
    base = {"retention": 0.8, "margin": 0.05}
    return claims.retention_profit_effect(**{**base, **kw}).ratio.iloc[0]


def _churn(d, definition, days=None):
    t = d["churn"]
    rows = t[t.definition.eq(definition)]
    if days is not None:
        rows = rows[rows.inactive_days.eq(days)]
    return rows.iloc[0]


@pytest.fixture(scope="module")
def right(d):
    return {
        "ex14.q1": d["sweep"].ratio,
        "ex14.q2": d["q1_campaign"].ratio,
        "ex14.q3": _ratio(variable_cost_share=d["variable"] / 0.95),
        "ex14.q4": _churn(d, "inactivity", 270).churn_rate,
        "ex14.q5": d["pareto"].set_index("source").loc["data", "customers_for_80"],
        "ex14.q6": "d",
        "ex14.q7": "No: counted incrementally and with the offer, retention is dearer here.",
    }


def test_every_task_is_covered():
    assert_tasks_numbered("ex14", 7)


def test_right_answers_pass(right):
    assert_right_answers_pass(right)


def test_rounded_and_equivalent_answers_pass(right, d):
    for task_id in ("ex14.q1", "ex14.q2", "ex14.q3", "ex14.q4", "ex14.q5"):
        assert evaluate(task_id, round(float(right[task_id]), 3)).status == "passed", task_id
    # by hand: (0.8 / 0.02) / (6 / 0.04)
    assert evaluate("ex14.q1", (0.8 / 0.02) / (6 / 0.04)).status == "passed"
    # the variable costs of the purchases only (returns left out) are close enough
    p = d["purchases"]
    share = (p.product_cost + p.delivery_cost).sum() / p.amount.sum()
    assert evaluate("ex14.q3", _ratio(variable_cost_share=share / 0.95)).status == "passed"
    # interpolated on the Lorenz curve instead of pareto_check
    curve = value.lorenz_curve(d["summary"].revenue)
    by_hand = np.interp(0.8, curve["value_share"], curve["customer_share"])
    assert evaluate("ex14.q5", by_hand).status == "passed"
    assert evaluate("ex14.q6", " D ").status == "passed"


WRONG = [
    ("ex14.q1", lambda d: d["sweep"].ratio_naive, "would have stayed anyway"),
    ("ex14.q1", lambda d: 1 / d["sweep"].ratio, "divided the retention cost"),
    ("ex14.q1", lambda d: (0.8 / 0.02) / (6 / 0.85), "stay anyway"),
    ("ex14.q1", lambda d: d["sweep"].cost_per_acquired, "cost per acquired customer"),
    ("ex14.q1", lambda d: d["sweep"].cost_per_retained, "cost per retained customer"),
    ("ex14.q1", lambda d: 0.8 / 6, "costs per contact"),
    ("ex14.q1", lambda d: 5.0, None),
    ("ex14.q2", lambda d: d["bare_campaign"].ratio, "left out the offer"),
    ("ex14.q2", lambda d: claims.acquisition_vs_retention_from_data(
        datasets.load("subscription"), offer_cost_per_contact=5).ratio.iloc[0], "12 x 5 EUR"),
    ("ex14.q2", lambda d: 1 / d["q1_campaign"].ratio, "upside down"),
    ("ex14.q2", lambda d: d["q1_campaign"].cost_per_acquired
     / (d["q1_campaign"].cost_per_contact / d["q1_campaign"].treatment_rate),
     "every treated customer"),
    ("ex14.q2", lambda d: d["q1_campaign"].cost_per_incremental, "cost per customer kept"),
    ("ex14.q2", lambda d: d["q1_campaign"].cost_per_acquired, "acquisition cost"),
    ("ex14.q3", lambda d: _ratio(variable_cost_share=d["variable"]), "share of the COSTS"),
    ("ex14.q3", lambda d: _ratio(margin=0.10, variable_cost_share=d["variable"] / 0.9),
     "lesson's margin"),
    ("ex14.q3", lambda d: _ratio(), "default"),
    ("ex14.q3", lambda d: _ratio(variable_cost_share=d["product_only"] / 0.95),
     "add delivery_cost"),
    ("ex14.q3", lambda d: _ratio(variable_cost_share=d["variable"] / 0.95,
                                 delta_retention=0.016), "percentage points"),
    ("ex14.q3", lambda d: 1 / _ratio(variable_cost_share=d["variable"] / 0.95), "upside down"),
    ("ex14.q3", lambda d: claims.retention_profit_effect(
        retention=0.8, margin=0.05, variable_cost_share=d["variable"] / 0.95
    ).ratio, "holding one value"),
    ("ex14.q4", lambda d: _churn(d, "truth").churn_rate, "true churn"),
    ("ex14.q4", lambda d: _churn(d, "inactivity", 365).churn_rate, "one-year rule"),
    ("ex14.q4", lambda d: _churn(d, "inactivity", 180).churn_rate, "180-day rule"),
    ("ex14.q4", lambda d: _churn(d, "inactivity", 270).lost
     / _churn(d, "inactivity", 270).customers_at_start, "at the start"),
    ("ex14.q4", lambda d: _churn(d, "inactivity", 270).ratio_to_claim, "ratio to the claimed"),
    ("ex14.q4", lambda d: 0.10, None),
    ("ex14.q5", lambda d: claims.pareto_check(d["summary"].net_revenue, shapes=[1.0])
     .customers_for_80.iloc[0], "net revenue"),
    ("ex14.q5", lambda d: 1 - d["pareto"].customers_for_80.iloc[0], "OTHER customers"),
    ("ex14.q5", lambda d: value.top_share(d["summary"].revenue, 0.2), "turns the question"),
    ("ex14.q5", lambda d: 0.2, "rule of thumb"),
    ("ex14.q5", lambda d: 0.8, "share of customers"),
    ("ex14.q5", lambda d: 100 * d["pareto"].customers_for_80.iloc[0], "percentage"),
    ("ex14.q6", lambda d: "a", "without any effect of centricity"),
    ("ex14.q6", lambda d: "b", "not a matter of chance"),
    ("ex14.q6", lambda d: "c", "cannot tell"),
    ("ex14.q6", lambda d: "x", "answer with one letter"),
    ("ex14.q7", lambda d: "agree", "at least 5 words"),
    ("ex14.q7", lambda d: 0.2, "in quotes"),
]


@pytest.fixture(scope="module")
def wrong(d):
    return [(task_id, make(d), hint) for task_id, make, hint in WRONG]


TestWrongAnswers = wrong_answer_tests("ex14", len(WRONG),
                                      ids=[f"{t}-{i}" for i, (t, _, _) in enumerate(WRONG)])


def test_expected_answers_are_not_stored_in_plain_text(right):
    assert_numbers_not_in_source("ex14", right, ("ex14.q1", "ex14.q2", "ex14.q3", "ex14.q4", "ex14.q5"))
    assert_letter_not_in_source("ex14", "_SELECTION_RIGHT", "d")
