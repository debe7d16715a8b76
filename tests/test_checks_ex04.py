"""crmlearn.checks.ex04: identify (phonetic search, blocking, match weights, thresholds)."""

from __future__ import annotations

import math

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

from crmlearn import datasets, identify
from crmlearn.checks import evaluate

EX = "ex04"
PAIR_LEVELS = {"first_name": 0, "last_name": 2, "postcode": 1, "birth_year": 1}

pytestmark = pytest.mark.usefixtures("clean_checks")


@pytest.fixture(scope="module")
def world():
    return datasets.load("retail")


@pytest.fixture(scope="module")
def chain(world):
    """The lesson's linkage chain: normalised tables, pairs, fitted model, truth."""
    left = identify.normalize(world.touchpoint_records.set_index("record_id"))
    right = identify.normalize(world.customers.set_index("customer_id"))
    pairs = identify.candidate_pairs(left, right)
    model = identify.FellegiSunter().fit(identify.compare(left, right, pairs))
    truth = world.truth.record_links.set_index("record_id").customer_id
    return {"left": left, "right": right, "pairs": pairs, "model": model, "truth": truth}


def _lost(chain, blocks):
    pairs = identify.candidate_pairs(chain["left"], chain["right"], blocks=blocks)
    found = pairs.right == pairs.left.map(chain["truth"])
    return len(chain["left"]) - int(found.sum()), pairs, found


@pytest.fixture(scope="module")
def evaluations(world, chain):
    """Evaluations of the model at 0.9 and 0.5 and of the rule.

    The model is linked once, at 0.9; the best candidate and its score do not depend on the
    threshold, so the default 0.5 is applied to the same links by hand.
    """
    records, customers, truth = world.touchpoint_records, world.customers, world.truth.record_links
    strict = identify.link(records, customers, model=chain["model"], threshold=0.9)
    usual = strict.assign(customer_id=strict.candidate_id.where(strict.score >= 0.5))
    return {
        "model": identify.evaluate(usual, truth),
        "strict": identify.evaluate(strict, truth),
        "rule": identify.evaluate(identify.link(records, customers, method="rule"), truth),
    }


def _weight(params, levels):
    """Sum of the weights of the given (field, level) pairs, read from the parameter table."""
    table = params.set_index(["field", "level"]).weight
    return float(sum(table[(field, level)] for field, level in levels.items()))


@pytest.fixture(scope="module")
def right(world, chain, evaluations):
    """The right answers, computed here independently of the checks module."""
    code = identify.koelner_phonetik("Meier")
    n_pairs = len(identify.candidate_pairs(chain["left"], chain["right"], blocks=("postcode", "email")))
    all_pairs = len(chain["left"]) * len(chain["right"])
    strict = evaluations["strict"].set_index("source")
    f1 = {name: evaluations[name].set_index("source").f1["all"] for name in ("model", "rule")}
    return {
        "ex04.q1": int((chain["left"].phonetic_last_name == code).sum()),
        "ex04.q2": 1 - n_pairs / all_pairs,
        "ex04.q3": _lost(chain, ("postcode", "email"))[0],
        "ex04.q4": _weight(chain["model"].params_, PAIR_LEVELS),
        "ex04.q5": float(strict.loc["call_centre", "recall"]),
        "ex04.q6": "c" if round(f1["rule"], 3) == round(f1["model"], 3)
        else ("a" if f1["rule"] > f1["model"] else "b"),
        "ex04.q7": "c",
        "ex04.q8": "0.99, because a false merge would send one person's data to another.",
    }


def test_every_task_is_covered():
    assert_tasks_numbered(EX, 8)


def test_right_answers_pass(right):
    assert_right_answers_pass(right)


def test_rounded_and_equivalent_answers_pass(right, chain):
    assert evaluate("ex04.q1", np.int64(right["ex04.q1"])).status == "passed"
    assert evaluate("ex04.q2", round(right["ex04.q2"], 3)).status == "passed"
    assert evaluate("ex04.q3", float(right["ex04.q3"])).status == "passed"
    assert evaluate("ex04.q4", round(right["ex04.q4"], 2)).status == "passed"
    pair = {"first_name": [0.5], "last_name": [1.0], "email_local": [np.nan], "phone": [np.nan],
            "postcode": [1.0], "town": [np.nan], "birth_year": [1.0]}
    weight = chain["model"].match_weight(pd.DataFrame(pair)).iloc[0]
    assert evaluate("ex04.q4", weight).status == "passed"
    assert evaluate("ex04.q5", round(right["ex04.q5"], 3)).status == "passed"
    assert evaluate("ex04.q6", right["ex04.q6"].upper()).status == "passed"
    assert evaluate("ex04.q7", "(c)").status == "passed"


@pytest.fixture(scope="module")
def wrong(world, chain, evaluations, right):
    """Plausible wrong answers: (task, answer, part of the hint expected or None)."""
    records = world.touchpoint_records
    code = identify.koelner_phonetik("Meier")
    same = chain["left"].phonetic_last_name == code
    masters = identify.normalize(world.customers).phonetic_last_name == code
    lost, pairs, found = _lost(chain, ("postcode", "email"))
    all_pairs = len(chain["left"]) * len(chain["right"])
    params = chain["model"].params_
    w = right["ex04.q4"]
    no_first = _weight(params, {k: v for k, v in PAIR_LEVELS.items() if k != "first_name"})
    missing_as_no = w + _weight(params, {"email_local": 0, "phone": 0, "town": 0})
    top_first = _weight(params, {**PAIR_LEVELS, "first_name": 2})
    prior = chain["model"].prior_
    probability = 1 / (1 + 2 ** -(w + math.log2(prior / (1 - prior))))
    model, strict = (evaluations[k].set_index("source") for k in ("model", "strict"))
    other = "b" if right["ex04.q6"] == "a" else "a"
    return [
        ("ex04.q1", int((records.last_name == "Meier").sum()), "exact spelling"),
        ("ex04.q1", records.last_name[same.to_numpy()].nunique(), "different spellings"),
        ("ex04.q1", int(masters.sum()), "master table"),
        ("ex04.q1", int(code), "code itself"),
        ("ex04.q1", same.mean(), "a share"),
        ("ex04.q1", str(right["ex04.q1"]), "a number"),
        ("ex04.q2", chain["pairs"].attrs["reduction_ratio"], "three keys"),
        ("ex04.q2", 1 - right["ex04.q2"], "still compared"),
        ("ex04.q2", len(pairs), "number of candidate pairs"),
        ("ex04.q2", all_pairs - len(pairs), "pairs saved"),
        ("ex04.q2", 100 * right["ex04.q2"], "percentage"),
        ("ex04.q3", _lost(chain, identify.DEFAULT_BLOCKS)[0], "three keys"),
        ("ex04.q3", int(found.sum()), "keep their true customer"),
        ("ex04.q3", lost / len(chain["left"]), "a share"),
        ("ex04.q3", len(pairs) - int(found.sum()), "false candidate pairs"),
        ("ex04.q4", no_first, "left out the first name"),
        ("ex04.q4", missing_as_no, "missing field"),
        ("ex04.q4", probability, "match probability"),
        ("ex04.q4", w * math.log(2), "natural logarithm"),
        ("ex04.q4", w * math.log10(2), "log10"),
        ("ex04.q4", top_first, "lowest level"),
        ("ex04.q4", -w, "sign"),
        ("ex04.q5", model.loc["call_centre", "recall"], "default threshold 0.5"),
        ("ex04.q5", strict.loc["call_centre", "precision"], "precision"),
        ("ex04.q5", strict.loc["all", "recall"], "all touchpoints"),
        ("ex04.q5", strict.loc["call_centre", "f1"], "F1"),
        ("ex04.q5", 1 - right["ex04.q5"], "not recognised"),
        ("ex04.q5", strict.loc["loyalty_card", "recall"], "loyalty card"),
        ("ex04.q6", other, None),
        ("ex04.q6", "c", "third decimal"),
        ("ex04.q6", "d", "answer with one letter"),
        ("ex04.q7", "a", "coin toss"),
        ("ex04.q7", "b", "two profiles"),
        ("ex04.q7", "d", "deleting"),
        ("ex04.q7", "x", "answer with one letter"),
        ("ex04.q8", "0.99", "at least"),
        ("ex04.q8", 0.99, "in quotes"),
    ]


N_WRONG = 37
TestWrongAnswers = wrong_answer_tests(EX, N_WRONG)


def test_expected_answers_are_not_stored_in_plain_text(right):
    assert_numbers_not_in_source(EX, right, ("ex04.q1", "ex04.q2", "ex04.q3", "ex04.q4", "ex04.q5"),
                                 formats=(".2f", ".3f", ".0f"), min_digits=2)
    assert_letter_not_in_source(EX, "_TIE_RIGHT =", "c")
