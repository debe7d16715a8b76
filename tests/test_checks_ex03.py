"""crmlearn.checks.ex03: CRM models (QCI funnel, readiness self-assessment, a KPI, models)."""

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

from crmlearn import crm, datasets
from crmlearn.checks import evaluate

EX = "ex03"
ANSWERS = {"Q1": 5, "Q2": 4, "Q3": 4, "Q4": 3, "Q5": 2, "Q6": 3,
           "Q7": 2, "Q8": 1, "Q9": 2, "Q10": 4, "Q11": 5}
LESSON = {"Q1": 4, "Q2": 3, "Q3": 2, "Q4": 2, "Q5": 1, "Q6": 2,
          "Q7": 4, "Q8": 4, "Q9": 3, "Q10": 3, "Q11": 2}
ELEMENTS = [("Q1", "Q2", "Q3"), ("Q4", "Q5", "Q6"), ("Q7", "Q8", "Q9"), ("Q10", "Q11")]

pytestmark = pytest.mark.usefixtures("clean_checks")


@pytest.fixture(scope="module")
def world():
    return datasets.load("retail")


def _funnel(world, **kwargs):
    """The funnel indexed by the retention and penetration step names."""
    f = crm.qci_funnel(world, **kwargs)
    return f.set_index(f.step.where(f.stage != "penetration", "penetrated"))


def _element_scores(answers):
    """Element scores 0-100, computed by hand from the questionnaire's rule."""
    return [float(np.mean([(answers[q] - 1) / 4 * 100 for q in group])) for group in ELEMENTS]


def _overall(answers):
    return float(np.mean(_element_scores(answers)))


def _nps(scores):
    """NPS in points, computed by hand: % promoters - % detractors."""
    return 100 * ((scores >= 9).mean() - (scores <= 6).mean())


@pytest.fixture(scope="module")
def phone(world):
    s = world.surveys
    recent = s[s.date > world.observation_end - pd.Timedelta(days=365)]
    return recent, recent[recent.touchpoint == "phone"].nps


@pytest.fixture(scope="module")
def right(world, phone):
    """The right answers, computed here independently of the checks module."""
    return {
        "ex03.q1": int(_funnel(world, as_of="2024-12-31").loc["retained", "customers"]),
        "ex03.q2": float(_funnel(world, min_categories=3).loc["penetrated", "rate"]),
        "ex03.q3": _overall(ANSWERS),
        "ex03.q4": "b",
        "ex03.q5": _nps(phone[1]),
        "ex03.q6": "d",
        "ex03.q7": "Not yet: change management comes first, then the software.",
    }


def test_every_task_is_covered():
    assert_tasks_numbered(EX, 7)


def test_right_answers_pass(right):
    assert_right_answers_pass(right)


def test_the_readiness_answer_follows_from_raising_each_statement(right):
    gains = {q: _overall({**ANSWERS, q: ANSWERS[q] + 1}) - right["ex03.q3"]
             for q in ("Q8", "Q10", "Q5")}
    assert max(gains, key=gains.get) == "Q10"
    assert gains["Q10"] > gains["Q8"] == pytest.approx(gains["Q5"])


def test_rounded_and_equivalent_answers_pass(right):
    assert evaluate("ex03.q1", np.int64(right["ex03.q1"])).status == "passed"
    assert evaluate("ex03.q1", float(right["ex03.q1"])).status == "passed"
    assert evaluate("ex03.q2", round(right["ex03.q2"], 3)).status == "passed"
    assert evaluate("ex03.q3", round(right["ex03.q3"], 2)).status == "passed"
    assert evaluate("ex03.q4", "B").status == "passed"
    assert evaluate("ex03.q5", round(right["ex03.q5"], 2)).status == "passed"
    assert evaluate("ex03.q6", " d) ").status == "passed"


@pytest.fixture(scope="module")
def wrong(world, phone, right):
    """Plausible wrong answers: (task, answer, part of the hint expected or None)."""
    recent, nps = phone
    f2024 = _funnel(world, as_of="2024-12-31")
    f2025 = _funnel(world)
    strict = _funnel(world, min_categories=3)
    points = [(a - 1) / 4 * 100 for a in ANSWERS.values()]
    raw = float(np.mean(list(ANSWERS.values())))
    return [
        ("ex03.q1", f2025.loc["retained", "customers"], "lesson's review year"),
        ("ex03.q1", f2024.loc["active last year", "customers"], "active in the year before"),
        ("ex03.q1", f2024.loc["penetrated", "customers"], "penetration step"),
        ("ex03.q1", f2024.loc["retained", "rate"], "retention rate"),
        ("ex03.q1", f2024.loc["won", "customers"], "all customers won"),
        ("ex03.q1", f2024.loc[["retained"], "customers"], "holding one value"),
        ("ex03.q2", f2025.loc["penetrated", "rate"], "two categories"),
        ("ex03.q2", strict.loc["penetrated", "share_of_won"], "share of all customers won"),
        ("ex03.q2", strict.loc["penetrated", "customers"], "number of customers"),
        ("ex03.q2", strict.loc["retained", "rate"], "retention rate"),
        ("ex03.q2", _funnel(world, as_of="2024-12-31", min_categories=3).loc["penetrated", "rate"],
         "review year 2024"),
        ("ex03.q2", 100 * right["ex03.q2"], "percentage"),
        ("ex03.q3", float(np.mean(points)), "eleven statements"),
        ("ex03.q3", raw / 5 * 100, "(a - 1) / 4"),
        ("ex03.q3", raw, "1-5 scale"),
        ("ex03.q3", min(_element_scores(ANSWERS)), "weakest element"),
        ("ex03.q3", _overall(LESSON), "lesson's example"),
        ("ex03.q3", right["ex03.q3"] + 0.4, "close, but not close enough"),
        ("ex03.q4", "a", "lowest answer"),
        ("ex03.q4", "c", "how many statements"),
        ("ex03.q4", "d", "same number of statements"),
        ("ex03.q4", "Q10", "answer with one letter"),
        ("ex03.q5", _nps(world.surveys[world.surveys.touchpoint == "phone"].nps), "all three years"),
        ("ex03.q5", _nps(recent.nps), "all touchpoints"),
        ("ex03.q5", right["ex03.q5"] / 100, "points from -100 to 100"),
        ("ex03.q5", (nps >= 9).mean(), "share of promoters"),
        ("ex03.q5", float((nps >= 9).sum() - (nps <= 6).sum()), "numbers of people"),
        ("ex03.q5", 100 * ((nps >= 7).mean() - (nps <= 6).mean()), "passives"),
        ("ex03.q5", -right["ex03.q5"], "sign"),
        ("ex03.q6", "a", "penetration"),
        ("ex03.q6", "b", "network development"),
        ("ex03.q6", "c", "Differentiate"),
        ("ex03.q6", "e", "answer with one letter"),
        ("ex03.q7", "buy it now", "at least"),
        ("ex03.q7", ["buy", "it", "now", "or", "not", "yet"], "you passed a list"),
    ]


N_WRONG = 35
TestWrongAnswers = wrong_answer_tests(EX, N_WRONG)


def test_expected_answers_are_not_stored_in_plain_text(right):
    assert_numbers_not_in_source(EX, right, ("ex03.q1", "ex03.q2", "ex03.q3", "ex03.q5"),
                                 formats=(".2f", ".3f", ".0f"), min_digits=3)
    assert_letter_not_in_source(EX, "_MODEL_RIGHT =", "d")
