"""Checks for exercise 03: CRM models (IDIC, QCI, Payne & Frow, Buttle).

The tasks follow lesson 03 (``notebooks/03_crm_models.ipynb``): the QCI funnel
for another review year and a stricter penetration rule, a readiness
self-assessment of Payne & Frow's implementation elements, and the NPS of one
touchpoint as a KPI of performance assessment. Every number is recomputed with
:mod:`crmlearn.crm` and :mod:`crmlearn.loyalty` on the shipped retail
classroom data or from the answers given in the task text. Which model fits a
described problem cannot be computed, so only salted hashes of its letters are
stored (see :func:`crmlearn.checks._registry.choice_hash`).
"""

from __future__ import annotations

import functools
import math

from ._registry import Expected, retail, task

#: task q1: end of the review year (given in the task text)
REVIEW_END = "2024-12-31"

#: task q2: categories a retained customer must buy from to count as penetrated
MIN_CATEGORIES = 3

#: tasks q3 and q4: a firm's answers to the readiness questionnaire (given in the task text)
ANSWERS = {"Q1": 5, "Q2": 4, "Q3": 4, "Q4": 3, "Q5": 2, "Q6": 3,
           "Q7": 2, "Q8": 1, "Q9": 2, "Q10": 4, "Q11": 5}

#: task q4: the answer letters of the statements raised by one point (in the task text's order)
RAISED = {"a": "Q8", "b": "Q10", "c": "Q5"}

#: the lesson's worked readiness example (a trap for q3)
LESSON_ANSWERS = {"Q1": 4, "Q2": 3, "Q3": 2, "Q4": 2, "Q5": 1, "Q6": 2,
                  "Q7": 4, "Q8": 4, "Q9": 3, "Q10": 3, "Q11": 2}

#: task q5: the touchpoint whose NPS over the last 365 days is asked for
NPS_TOUCHPOINT = "phone"


def _distinct(right: float, mistakes, rtol: float, atol: float):
    """Keep the numeric mistakes that the checker can tell apart from the right answer."""
    return [(float(w), h) for w, h in mistakes
            if math.isfinite(float(w))
            and not math.isclose(float(w), float(right), rel_tol=rtol, abs_tol=atol)]


@functools.cache
def _funnel(as_of: str | None, min_categories: int):
    """Return the QCI funnel, indexed by step position (0 won ... 3 penetrated)."""
    from crmlearn import crm

    return crm.qci_funnel(retail(), as_of=as_of, min_categories=min_categories)


@task("ex03.q1", "number", points=2,
      hint="run crm.qci_funnel(world, as_of=...) with the end of the review year and read the "
           "customers of the 'retained' step")
def q1() -> Expected:
    """Task: the number of retained customers in the review year ending REVIEW_END."""
    f = _funnel(REVIEW_END, 2)
    lesson = _funnel(None, 2)
    right = int(f.customers.iloc[2])
    return Expected(right, _distinct(right, [
        (lesson.customers.iloc[2], "that is the lesson's review year (2025); pass "
                                   "as_of='2024-12-31'"),
        (f.customers.iloc[1], "those are the customers active in the year before; retained are "
                              "the ones of them who bought again in the review year"),
        (f.customers.iloc[3], "that is the penetration step; the task asks for the retained "
                              "customers"),
        (f.rate.iloc[2], "that is the retention rate; the task asks for the number of customers"),
        (f.customers.iloc[0], "those are all customers won; the task asks for the retained ones"),
    ], 1e-6, 1e-9))


@task("ex03.q2", "number", points=2, rtol=1e-4, atol=5e-4,
      hint="run crm.qci_funnel(world, min_categories=3) and read the rate of the last step")
def q2() -> Expected:
    """Penetration rate (share of the retained) with MIN_CATEGORIES categories."""
    f = _funnel(None, MIN_CATEGORIES)
    usual = _funnel(None, 2)
    right = float(f.rate.iloc[3])
    return Expected(right, _distinct(right, [
        (usual.rate.iloc[3], "that is the default rule (two categories); the task asks for "
                             "three"),
        (f.share_of_won.iloc[3], "that is the share of all customers won; penetration is a "
                                 "share of the retained customers (the rate column)"),
        (f.customers.iloc[3], "that is a number of customers; the task asks for a share"),
        (f.rate.iloc[2], "that is the retention rate; the task asks for the penetration step"),
        (_funnel(REVIEW_END, MIN_CATEGORIES).rate.iloc[3],
         "that is the review year 2024 from the task before; use the lesson's default year"),
    ], 1e-4, 5e-4))


def _points(answers) -> dict:
    return {q: (a - 1) / 4 * 100 for q, a in answers.items()}


@task("ex03.q3", "number", points=2, atol=0.006,
      hint="pass the answers to crm.readiness_score and read .overall: the mean of the four "
           "element scores")
def q3() -> Expected:
    """Overall readiness score (0-100) of the answers in ANSWERS."""
    from crmlearn import crm

    result = crm.readiness_score(ANSWERS)
    right = float(result.overall)
    raw = sum(ANSWERS.values()) / len(ANSWERS)
    return Expected(right, _distinct(right, [
        (sum(_points(ANSWERS).values()) / len(ANSWERS),
         "you averaged all eleven statements; the overall score is the mean of the four element "
         "scores, and the elements have different numbers of statements"),
        (raw / 5 * 100, "a 1 means 0 points, not 20: each answer a gives (a - 1) / 4 x 100"),
        (raw, "that is the mean answer on the 1-5 scale; the score runs from 0 to 100"),
        (float(result.scores.min()), "that is the score of the weakest element, not the overall "
                                     "score"),
        (float(crm.readiness_score(LESSON_ANSWERS).overall),
         "that is the lesson's example; use the answers of the task"),
    ], 1e-6, 0.006))


def _gain(question: str) -> float:
    from crmlearn import crm

    base = crm.readiness_score(ANSWERS).overall
    return float(crm.readiness_score({**ANSWERS, question: ANSWERS[question] + 1}).overall - base)


@task("ex03.q4", "choice", points=1, choices=("a", "b", "c", "d"),
      hint="raise each of the three answers by one in a copy of the answers and compare the "
           "overall scores")
def q4() -> Expected:
    """Which statement raised by one point lifts the overall score most (letter from the data)."""
    gains = {letter: _gain(q) for letter, q in RAISED.items()}
    best = max(gains.values())
    winners = [letter for letter, g in gains.items() if math.isclose(g, best, abs_tol=1e-9)]
    right = winners[0] if len(winners) == 1 else "d"
    hints = {
        "a": "the lowest answer is tempting, but what a statement weighs depends on how many "
             "statements its element has",
        "b": "compare the gains: how many statements does each element have?",
        "c": "what a statement weighs depends on how many statements its element has",
        "d": "the elements do not all have the same number of statements, so the gains differ",
    }
    return Expected(right, [(letter, hint) for letter, hint in hints.items() if letter != right])


@task("ex03.q5", "number", points=2, rtol=1e-4, atol=0.006,
      hint="keep the survey answers of the last 365 days and of the touchpoint, then use "
           "loyalty.nps on their nps column (points from -100 to 100)")
def q5() -> Expected:
    """NPS (points) of the NPS_TOUCHPOINT answers in the last 365 days of the data."""
    import pandas as pd

    from crmlearn import loyalty

    world = retail()
    s = world.surveys
    start = world.observation_end - pd.Timedelta(days=365)
    recent = s[s.date > start]
    mine = recent[recent.touchpoint == NPS_TOUCHPOINT]
    right = loyalty.nps(mine.nps)
    shares = loyalty.nps_shares(mine.nps)
    return Expected(right, _distinct(right, [
        (loyalty.nps(s[s.touchpoint == NPS_TOUCHPOINT].nps),
         "you used the answers of all three years; the task asks for the last 365 days"),
        (loyalty.nps(recent.nps), "that is the NPS of all touchpoints; keep only the phone "
                                  "answers"),
        (right / 100, "the NPS is given in points from -100 to 100, not as a share"),
        (shares["promoters"], "that is the share of promoters; subtract the share of "
                              "detractors (and give points)"),
        (100 * shares["promoters"], "that is the share of promoters; subtract the share of "
                                    "detractors"),
        (float((mine.nps >= 9).sum() - (mine.nps <= 6).sum()),
         "you subtracted numbers of people; the NPS subtracts shares (in percent points)"),
        (100 * float((mine.nps >= 7).mean() - (mine.nps <= 6).mean()),
         "passives (7-8) are not promoters: promoters answer 9 or 10"),
    ], 1e-4, 0.006))


_MODEL_RIGHT = "b553f5bfb9bac4696d51736092f34098020932ecd7b53bd14a91348584a3bb76"
_MODEL_WRONG = {
    "f8840a64316ced175de51cbca43f190ab4bcec975da0afe9aacae5e7af869ca3":
        "penetration is about how much customers buy across the range, not about whether the "
        "channels share one customer record",
    "ea8feb91ce6d065bda70e56dce6bae1af85e557b4edb24d993705a34a86b87b7":
        "network development brings in suppliers and partners outside the firm; this problem "
        "sits between the firm's own channels",
    "1c1c9e38cb400ce0f2e79ca9911819e0a9189486aac3f96bf09219aa793968f1":
        "Differentiate ranks customers by value and needs; here the channels do not even share "
        "what they know",
}


@task("ex03.q6", "hashed_choice", points=1, choices=("a", "b", "c", "d"),
      hint="which of the models names a process about channels and one shared customer record?")
def q6() -> Expected:
    """Which model and part names the described channel problem (hashed multiple choice)."""
    return Expected(_MODEL_RIGHT, list(_MODEL_WRONG.items()))


@task("ex03.q7", "text", points=1, min_words=5)
def q7() -> Expected:
    """Decide and justify: buy CRM software now, or first fix what the models show (recorded)."""
    return Expected(None)
