"""crmlearn.checks.ex02: the 10 Cs of CRM (rules, timing, tiers, surveys, profit)."""

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

from crmlearn import datasets, knowledge, segment
from crmlearn.checks import evaluate

EX = "ex02"
GOLD_500 = {"Basis": 0, "Silber": 100, "Gold": 500, "Platin": 1000}
LETTERS = {"camper": "a", "casual": "b", "climber": "c", "family": "d", "hiker": "e"}

pytestmark = pytest.mark.usefixtures("clean_checks")


@pytest.fixture(scope="module")
def world():
    return datasets.load("retail")


@pytest.fixture(scope="module")
def rules(world):
    return knowledge.association_rules(world.order_lines, world.products).set_index(
        ["antecedent", "consequent"])


def _timing(world, first, then):
    return knowledge.next_purchase_timing(world.order_lines, world.transactions, world.products,
                                          first=first, then=then).days


@pytest.fixture(scope="module")
def shoes(world):
    return _timing(world, "Kinder-Wanderschuhe", "Kinder-Wanderschuhe")


def _tiers(world, year, thresholds=segment.DEFAULT_TIERS):
    spend = segment.yearly_spend(world.transactions, year=year, customers=world.customers)
    return segment.membership_tiers(spend, thresholds)


@pytest.fixture(scope="module")
def importance(world):
    needs = world.truth.customers.set_index("customer_id").needs_segment
    s = world.surveys
    return s.filter(like="importance_").groupby(s.customer_id.map(needs)).mean()


def _profit(world, acquisition=True, service=True, delivery=True, lines=None):
    tx = world.transactions if lines is None else lines
    cost = tx.product_cost + (tx.delivery_cost if delivery else 0)
    profit = (tx.amount - cost).groupby(tx.customer_id).sum()
    if service:
        profit = profit.sub(world.contacts.groupby("customer_id").cost.sum(), fill_value=0)
    if acquisition:
        profit = profit.sub(world.customers.set_index("customer_id").acquisition_cost, fill_value=0)
    return profit


@pytest.fixture(scope="module")
def right(world, rules, shoes, importance):
    """The right answers, computed here independently of the checks module."""
    rule = rules.loc[("Zelte", "Isomatten")]
    s = world.surveys
    met = s[s.experience == s.expectation]
    return {
        "ex02.q1": rule.n_both / rule.n_antecedent,
        "ex02.q2": shoes.median(),
        "ex02.q3": int((_tiers(world, 2024, GOLD_500) == "Gold").sum()),
        "ex02.q4": LETTERS[importance.importance_sustainability.idxmax()],
        "ex02.q5": (met.nps <= 6).mean(),
        "ex02.q6": int((_profit(world) < 0).sum()),
        "ex02.q7": "c",
        "ex02.q8": "New to the customer, because it counts the sales the offer created.",
    }


def test_every_task_is_covered():
    assert_tasks_numbered(EX, 8)


def test_right_answers_pass(right):
    assert_right_answers_pass(right)


def test_rounded_and_equivalent_answers_pass(right):
    assert evaluate("ex02.q1", round(right["ex02.q1"], 3)).status == "passed"
    assert evaluate("ex02.q2", round(right["ex02.q2"], 2)).status == "passed"
    assert evaluate("ex02.q3", np.int64(right["ex02.q3"])).status == "passed"
    assert evaluate("ex02.q3", float(right["ex02.q3"])).status == "passed"
    assert evaluate("ex02.q4", f" {right['ex02.q4'].upper()})").status == "passed"
    assert evaluate("ex02.q5", round(right["ex02.q5"], 3)).status == "passed"
    assert evaluate("ex02.q6", np.int64(right["ex02.q6"])).status == "passed"
    assert evaluate("ex02.q7", "C").status == "passed"


@pytest.fixture(scope="module")
def wrong(world, rules, shoes, importance, right):
    """Plausible wrong answers: (task, answer, part of the hint expected or None)."""
    rule, back = rules.loc[("Zelte", "Isomatten")], rules.loc[("Isomatten", "Zelte")]
    s = world.surveys
    gap = s.experience - s.expectation
    det = s.nps <= 6
    tiers = _tiers(world, 2024, GOLD_500)
    t = world.transactions
    gross = (t[(t.kind == "purchase") & (t.date.dt.year == 2024)].groupby("customer_id").amount.sum()
             .reindex(world.customers.customer_id, fill_value=0.0))
    quality = LETTERS[importance.importance_quality.idxmax()]
    lowest = LETTERS[importance.importance_sustainability.idxmin()]
    n_below = right["ex02.q6"]
    return [
        ("ex02.q1", back.confidence, "other way round"),
        ("ex02.q1", rule.support, "support"),
        ("ex02.q1", rule.lift, "lift"),
        ("ex02.q1", rule.n_both, "number of baskets"),
        ("ex02.q1", 100 * right["ex02.q1"], "percentage"),
        ("ex02.q2", shoes.mean(), "mean"),
        ("ex02.q2", 300.0, "replacement cycle"),
        ("ex02.q2", _timing(world, "Kocher", "Gaskartuschen").median(), "stove-to-cartridge"),
        ("ex02.q2", shoes.fillna(0).median(), "NaN"),
        ("ex02.q2", shoes.isna().mean(), "never bought"),
        ("ex02.q2", shoes.notna().sum(), "bought a second pair"),
        ("ex02.q3", int((_tiers(world, 2024) == "Gold").sum()), "default thresholds"),
        ("ex02.q3", int((tiers >= "Gold").sum()), "Gold and Platin"),
        ("ex02.q3", int((_tiers(world, 2025, GOLD_500) == "Gold").sum()), "following year"),
        ("ex02.q3", int((segment.membership_tiers(gross, GOLD_500) == "Gold").sum()), "returns"),
        ("ex02.q3", int((tiers == "Silber").sum()), "Silber"),
        ("ex02.q3", str(right["ex02.q3"]), "a number"),
        ("ex02.q4", quality, "quality"),
        ("ex02.q4", lowest, "least"),
        ("ex02.q4", "f", "answer with one letter"),
        ("ex02.q4", "hiker", "answer with one letter"),
        ("ex02.q5", (s.nps >= 9)[gap == 0].mean(), "promoters"),
        ("ex02.q5", det.mean(), "all answers"),
        ("ex02.q5", det[gap < 0].mean(), "missed"),
        ("ex02.q5", det[gap > 0].mean(), "exceeded"),
        ("ex02.q5", (s.nps < 6)[gap == 0].mean(), "6 counts too"),
        ("ex02.q5", (s.nps <= 8)[gap == 0].mean(), "passives"),
        ("ex02.q5", det[gap == 0].sum(), "number of answers"),
        ("ex02.q6", int((_profit(world, acquisition=False) < 0).sum()), "acquisition cost"),
        ("ex02.q6", int((_profit(world, service=False) < 0).sum()), "service contacts"),
        ("ex02.q6", int((_profit(world, delivery=False) < 0).sum()), "delivery cost"),
        ("ex02.q6", int((_profit(world, lines=t[t.kind == "purchase"]) < 0).sum()), "returns"),
        ("ex02.q6", n_below / len(world.customers), "share of customers"),
        ("ex02.q6", int((_profit(world, False, False) < 0).sum()), "both"),
        ("ex02.q7", "a", "card itself"),
        ("ex02.q7", "b", "not a goal"),
        ("ex02.q7", "d", "profit"),
        ("ex02.q7", "e", "answer with one letter"),
        ("ex02.q8", "new customers", "at least"),
        ("ex02.q8", None, "in quotes"),
    ]


N_WRONG = 40
TestWrongAnswers = wrong_answer_tests(EX, N_WRONG)


def test_expected_answers_are_not_stored_in_plain_text(right):
    assert_numbers_not_in_source(EX, right, ("ex02.q1", "ex02.q2", "ex02.q3", "ex02.q5", "ex02.q6"),
                                 formats=(".2f", ".3f", ".0f"), min_digits=3)
    assert_letter_not_in_source(EX, "_TIERS_RIGHT =", "c")
