"""crmlearn.checks.ex10: customize (four types, co-purchase rules, next-best offers)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from _checks_helpers import (
    assert_letter_not_in_source,
    assert_numbers_not_in_source,
    assert_right_answers_pass,
    assert_tasks_numbered,
    checks_source,
    wrong_answer_tests,
)

from crmlearn import customize, datasets, knowledge
from crmlearn.checks import evaluate

STOVE, GAS = "Kocher", "Gaskartuschen"

pytestmark = pytest.mark.usefixtures("clean_checks")


@pytest.fixture(scope="module")
def world():
    return datasets.load("retail")


@pytest.fixture(scope="module")
def split(world):
    """The lesson's time split, built here independently of the checks module."""
    cutoff = world.observation_end - pd.DateOffset(years=1)
    tx = world.transactions
    buys = tx[tx.kind == "purchase"]
    lines = (world.order_lines.merge(buys[["transaction_id", "customer_id", "date"]])
             .merge(world.products[["product_id", "category"]]))
    before = lines[lines.date <= cutoff]
    return {
        "cutoff": cutoff,
        "before": before,
        "all": lines,
        "owned": set(zip(before.customer_id, before.category, strict=True)),
        "later": set(zip(lines.customer_id[lines.date > cutoff],
                         lines.category[lines.date > cutoff], strict=True)),
    }


def _matrix(lines):
    """Customers x categories, 1 = bought at least once; and the co-purchase counts."""
    b = pd.crosstab(lines.customer_id, lines.category).clip(upper=1)
    return len(b), b.T @ b


def _rule(lines):
    n, c = _matrix(lines)
    conf = c.loc[STOVE, GAS] / c.loc[STOVE, STOVE]
    return {"n": n, "both": c.loc[STOVE, GAS], "n_i": c.loc[STOVE, STOVE], "n_j": c.loc[GAS, GAS], "conf": conf,
            "lift": conf / (c.loc[GAS, GAS] / n)}


@pytest.fixture(scope="module")
def offers(world, split):
    def make(n=3, at_cutoff=True):
        return customize.next_best_offers(world.order_lines, world.transactions, world.products,
                                          as_of=split["cutoff"] if at_cutoff else None, n=n)
    return {"right": make(), "end": make(at_cutoff=False), "one": make(n=1)}


def _rates(table, split):
    hit = np.array([(c, k) in split["later"] for c, k in zip(table.customer_id, table.category,
                                                               strict=True)])
    new = np.array([(c, k) not in split["owned"]
                    for c, k in zip(table.customer_id, table.category, strict=True)])
    return hit.mean(), (hit & new).mean()


@pytest.fixture(scope="module")
def popular(split, offers):
    customers = offers["right"].customer_id.unique()
    top = split["before"].drop_duplicates(["customer_id", "category"]).category.value_counts()
    top = top.index[:3]
    return pd.DataFrame({"customer_id": np.repeat(customers, 3),
                         "category": np.tile(top, len(customers))})


@pytest.fixture(scope="module")
def right(split, offers, popular):
    o = offers["right"]
    mine, base = _rates(o, split), _rates(popular, split)
    letter = {(True, True): "a", (False, True): "b", (False, False): "c",
              (True, False): "d"}[(mine[0] > base[0], mine[1] > base[1])]
    return {
        "ex10.q1": "c",
        "ex10.q2": _rule(split["before"])["conf"],
        "ex10.q3": _rule(split["before"])["lift"],
        "ex10.q4": o[o.source == "replacement"].customer_id.nunique(),
        "ex10.q5": mine[0],
        "ex10.q6": letter,
        "ex10.q7": "Test both offers against each other with a random control group first.",
    }


def test_every_task_is_covered():
    assert_tasks_numbered("ex10", 7)


def test_right_answers_pass(right):
    assert_right_answers_pass(right)


def test_rounded_and_equivalent_answers_pass(right):
    for task_id in ("ex10.q2", "ex10.q5"):
        assert evaluate(task_id, round(float(right[task_id]), 3)).status == "passed", task_id
    assert evaluate("ex10.q3", round(float(right["ex10.q3"]), 2)).status == "passed"
    assert evaluate("ex10.q4", int(right["ex10.q4"])).status == "passed"
    assert evaluate("ex10.q4", float(right["ex10.q4"])).status == "passed"
    assert evaluate("ex10.q1", " C)").status == "passed"
    assert evaluate("ex10.q6", right["ex10.q6"].upper()).status == "passed"


def test_the_data_still_tell_the_lesson_story(split, offers, popular, right):
    """Task texts and the solution note rely on these facts of the classroom data."""
    rule = _rule(split["before"])
    assert rule["lift"] > 1 and rule["conf"] > 0.5
    assert offers["right"].customer_id.nunique() == len(offers["right"]) // 3
    assert right["ex10.q6"] == "b"


def _wrong(world, split, offers, popular, right):
    rule, everything = _rule(split["before"]), _rule(split["all"])
    basket_lines = world.order_lines[world.order_lines.transaction_id.isin(
        world.transactions.transaction_id[world.transactions.date <= split["cutoff"]])]
    rules = knowledge.association_rules(basket_lines, world.products, min_support=1e-9,
                                        min_confidence=1e-9)
    basket = rules[(rules.antecedent == STOVE) & (rules.consequent == GAS)].iloc[0]
    o, end, one = offers["right"], offers["end"], offers["one"]
    rep = o[o.source == "replacement"]
    pairs = list(zip(o.customer_id, o.category, strict=True))
    hits = np.array([p in split["later"] for p in pairs])
    return [
        ("ex10.q1", "a", "only their look is personal"),
        ("ex10.q1", "b", "sets it up alone"),
        ("ex10.q1", "d", "work out the need together"),
        ("ex10.q1", "transparent", "answer with one letter"),
        ("ex10.q2", rule["both"] / rule["n_j"], "divided by the buyers of Gaskartuschen"),
        ("ex10.q2", rule["both"] / rule["n"], "support"),
        ("ex10.q2", rule["lift"], "that is the lift"),
        ("ex10.q2", rule["n_j"] / rule["n"], "whatever else they bought"),
        ("ex10.q2", everything["conf"], "used all purchases"),
        ("ex10.q2", basket.confidence, "counted baskets"),
        ("ex10.q2", int(rule["both"]), "number of customers who bought both"),
        ("ex10.q2", 100 * rule["conf"], "percentage"),
        ("ex10.q3", rule["conf"], "that is the confidence"),
        ("ex10.q3", rule["conf"] / (rule["n_i"] / rule["n"]), "not Kocher"),
        ("ex10.q3", 1 / rule["lift"], "wrong way round"),
        ("ex10.q3", everything["lift"], "used all purchases"),
        ("ex10.q3", basket.lift, "counted baskets"),
        ("ex10.q3", rule["lift"] + 0.02, "close, but not close enough"),
        ("ex10.q4", len(rep), "counted offers"),
        ("ex10.q4", end[end.source == "replacement"].customer_id.nunique(), "end of the data"),
        ("ex10.q4", one[one.source == "replacement"].customer_id.nunique(), "one offer"),
        ("ex10.q4", rep.customer_id.unique(), "you passed a ndarray"),
        ("ex10.q5", _rates(o, split)[1], "new to the customer"),
        ("ex10.q5", _rates(end, split)[0], "end of the data"),
        ("ex10.q5", _rates(one, split)[0], "one offer per customer"),
        ("ex10.q5", _rates(popular, split)[0], "bestseller baseline"),
        ("ex10.q5", pd.Series(hits).groupby(o.customer_id.to_numpy()).any().mean(),
         "at least one hit"),
        ("ex10.q5", int(hits.sum()), "number of hits"),
        ("ex10.q6", "a", "compare the plain hit rates"),
        ("ex10.q6", "c", "did not own before"),
        ("ex10.q6", "d", "rank the offers differently"),
        ("ex10.q7", "bestsellers", "at least"),
    ]


N_WRONG = 32


@pytest.fixture(scope="module")
def wrong(world, split, offers, popular, right):
    return _wrong(world, split, offers, popular, right)


TestWrongAnswers = wrong_answer_tests("ex10", N_WRONG)


def test_expected_answers_are_not_stored_in_plain_text(right):
    assert_numbers_not_in_source("ex10", right, ("ex10.q2", "ex10.q3", "ex10.q5"))
    assert f"= {right['ex10.q4']}" not in checks_source("ex10")
    assert_letter_not_in_source("ex10", "_TRANSPARENT_RIGHT", "c")
