"""crmlearn.checks.ex13: predictive CLV (BG/NBD, Gamma-Gamma, sBG)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

import crmlearn
from crmlearn import checks, datasets, models
from crmlearn.checks import _registry, evaluate, ex13

ROOT = Path(__file__).resolve().parents[1]
TASKS = [f"ex13.q{i}" for i in range(1, 9)]


@pytest.fixture(scope="module")
def d():
    """The lesson's tables and models, computed here independently of the checks."""
    world = datasets.load("retail")
    tx, end = world.transactions, world.observation_end
    summary = crmlearn.customer_summary(tx, observation_end=end, time_unit="W")
    cal = models.calibration_holdout(tx, "2024-12-31", end, time_unit="W")
    cal_days = models.calibration_holdout(tx, "2024-12-31", end, time_unit="D")
    bg = models.BetaGeo().fit(cal.frequency, cal.recency, cal["T"])
    bg_all = models.BetaGeo().fit(summary.frequency, summary.recency, summary["T"])
    repeat = summary[summary.frequency > 0]
    gg = models.GammaGamma().fit(repeat.frequency, repeat.monetary_value)
    mobile = datasets.load("subscription")
    c = mobile.contracts
    cohort = c[(c.start_date.dt.year == 2023) & (c.minimum_term_months == 1)]
    months = ((cohort.end_date.dt.year - cohort.start_date.dt.year) * 12
              + cohort.end_date.dt.month - cohort.start_date.dt.month + 1).fillna(np.inf)
    survivors = [int((months > t).sum()) for t in range(25)]
    return {
        "world": world, "summary": summary, "cal": cal, "cal_days": cal_days,
        "bg": bg, "bg_all": bg_all, "gg": gg, "survivors": survivors,
        "sbg": models.ShiftedBetaGeo().fit(survivors[:13]),
        "bg_np": models.BetaGeo().fit(cal.n_purchases, cal.recency, cal["T"]),
        "bg_days": models.BetaGeo().fit(cal_days.frequency, cal_days.recency, cal_days["T"]),
    }


def _clv(d, bg=None, **changes):
    s = d["summary"]
    terms = {"margin": 0.35, "discount_rate": 0.08, "horizon": 104, **changes}
    out = models.predictive_clv(bg or d["bg_all"], d["gg"], s.frequency, s.recency, s["T"],
                                s.monetary_value, **terms)
    return out.loc[1042]


@pytest.fixture(scope="module")
def right(d):
    cal, s = d["cal"], d["summary"]
    return {
        "ex13.q1": d["bg"].params_["r"],
        "ex13.q2": d["bg"].prob_alive(cal.frequency, cal.recency, cal["T"]).loc[24],
        "ex13.q3": d["bg"].expected_purchases(cal.duration_holdout, cal.frequency, cal.recency,
                                              cal["T"]).loc[24],
        "ex13.q4": d["gg"].expected_spend(s.frequency, s.monetary_value).loc[1042],
        "ex13.q5": _clv(d),
        "ex13.q6": d["sbg"].survival(36),
        "ex13.q7": "c",
        "ex13.q8": "Past revenue misses that many big spenders have already left.",
    }


@pytest.fixture(autouse=True)
def _clean_results():
    checks.reset()
    yield
    checks.reset()


def test_every_task_is_covered():
    assert [t.id for t in _registry.exercise_tasks("ex13")] == TASKS
    kinds = [t.kind for t in _registry.exercise_tasks("ex13")]
    assert kinds.count("text") == 1 and kinds[-1] == "text"


def test_right_answers_pass(right):
    for task_id, answer in right.items():
        result = evaluate(task_id, answer)
        assert result.status == "passed", (task_id, result.message)
        assert result.points == result.max_points > 0


def test_rounded_and_equivalent_answers_pass(right, d):
    for task_id in ("ex13.q1", "ex13.q2", "ex13.q3", "ex13.q6"):
        assert evaluate(task_id, round(float(right[task_id]), 3)).status == "passed", task_id
    for task_id in ("ex13.q4", "ex13.q5"):
        assert evaluate(task_id, round(float(right[task_id]), 2)).status == "passed", task_id
    cal = d["cal"]
    # the holdout length as one number instead of the column, a numpy scalar, a 1-row .iloc
    weeks = float(cal.duration_holdout.iloc[0])
    one = d["bg"].expected_purchases(weeks, cal.frequency, cal.recency, cal["T"]).loc[24]
    assert evaluate("ex13.q3", one).status == "passed"
    assert evaluate("ex13.q1", np.float64(right["ex13.q1"])).status == "passed"
    # survival asked for a list of months gives an array: its one element is right too
    assert evaluate("ex13.q6", float(d["sbg"].survival([36])[0])).status == "passed"
    assert evaluate("ex13.q7", " C)").status == "passed"


WRONG = [
    ("ex13.q1", lambda d: d["bg_all"].params_["r"], "whole period"),
    ("ex13.q1", lambda d: d["bg_np"].params_["r"], "n_purchases"),
    ("ex13.q1", lambda d: d["bg"].params_["alpha"], "that is alpha"),
    ("ex13.q1", lambda d: d["bg"].params_["a"], "that is a,"),
    ("ex13.q1", lambda d: 1.0, None),
    ("ex13.q2", lambda d: d["bg_all"].prob_alive(d["summary"].frequency, d["summary"].recency,
                                                 d["summary"]["T"]).loc[24], "whole period"),
    ("ex13.q2", lambda d: d["bg"].prob_alive(d["cal"].n_purchases, d["cal"].recency,
                                             d["cal"]["T"]).loc[24], "n_purchases"),
    ("ex13.q2", lambda d: 1 - d["bg"].prob_alive(d["cal"].frequency, d["cal"].recency,
                                                 d["cal"]["T"]).loc[24], "has left"),
    ("ex13.q2", lambda d: 100 * d["bg"].prob_alive(d["cal"].frequency, d["cal"].recency,
                                                   d["cal"]["T"]).loc[24], "percentage"),
    ("ex13.q3", lambda d: d["bg"].expected_purchases(365, d["cal"].frequency, d["cal"].recency,
                                                     d["cal"]["T"]).loc[24], "in days"),
    ("ex13.q3", lambda d: d["bg_days"].expected_purchases(
        d["cal"].duration_holdout, d["cal_days"].frequency, d["cal_days"].recency,
        d["cal_days"]["T"]).loc[24], "model is in days"),
    ("ex13.q3", lambda d: d["bg"].expected_purchases(52, d["cal"].frequency, d["cal"].recency,
                                                     d["cal"]["T"]).loc[24], "52 weeks"),
    ("ex13.q3", lambda d: d["cal"].loc[24, "frequency_holdout"], "actually bought"),
    ("ex13.q3", lambda d: d["bg"].expected_purchases(d["cal"].duration_holdout,
                                                     d["cal"].frequency, d["cal"].recency,
                                                     d["cal"]["T"]).sum(), "all customers"),
    ("ex13.q3", lambda d: d["bg"].expected_purchases(d["cal"].duration_holdout,
                                                     d["cal"].frequency, d["cal"].recency,
                                                     d["cal"]["T"]).loc[[24]],
     "holding one value"),
    ("ex13.q4", lambda d: d["summary"].loc[1042, "monetary_value"], "her own mean spend"),
    ("ex13.q4", lambda d: d["gg"].expected_spend(d["summary"].loc[[1042], "n_purchases"],
                                                 d["summary"].loc[[1042], "monetary_value"]
                                                 ).iloc[0], "n_purchases"),
    ("ex13.q4", lambda d: d["summary"].loc[1042, "revenue"], "total revenue"),
    ("ex13.q4", lambda d: "77,14", "a number"),
    ("ex13.q5", lambda d: _clv(d, d["bg"]), "calibration period"),
    ("ex13.q5", lambda d: _clv(d, horizon=730), "in days"),
    ("ex13.q5", lambda d: _clv(d, horizon=24), "in months"),
    ("ex13.q5", lambda d: _clv(d, horizon=2), "in years"),
    ("ex13.q5", lambda d: _clv(d, margin=1.0), "left out the margin"),
    ("ex13.q5", lambda d: _clv(d, discount_rate=0.10), "lesson's discount rate"),
    ("ex13.q5", lambda d: _clv(d, horizon=156), "three years"),
    ("ex13.q5", lambda d: _clv(d, discount_rate=0.0), "did not discount"),
    ("ex13.q6", lambda d: models.ShiftedBetaGeo().fit(d["survivors"]).survival(36),
     "all 25 counts"),
    ("ex13.q6", lambda d: models.ShiftedBetaGeo().fit(d["survivors"][:12]).survival(36),
     "survivors[:13]"),
    ("ex13.q6", lambda d: (d["survivors"][12] / d["survivors"][0]) ** 3, "constant-retention"),
    ("ex13.q6", lambda d: d["sbg"].retention(36), "retention rate in month 36"),
    ("ex13.q6", lambda d: d["survivors"][0] * d["sbg"].survival(36), "number of customers"),
    ("ex13.q6", lambda d: d["sbg"].survival(24), "after 24 months"),
    ("ex13.q6", lambda d: d["survivors"][24] / d["survivors"][0], "actually active"),
    ("ex13.q7", lambda d: "a", "grows more loyal"),
    ("ex13.q7", lambda d: "b", "vouchers or discounts"),
    ("ex13.q7", lambda d: "d", "constant retention rate"),
    ("ex13.q7", lambda d: "e", "answer with one letter"),
    ("ex13.q7", lambda d: 3, "in quotes"),
    ("ex13.q8", lambda d: "CLV list", "at least 5 words"),
    ("ex13.q8", lambda d: 42, "in quotes"),
]


@pytest.mark.parametrize("task_id, make, hint", WRONG,
                         ids=[f"{t}-{i}" for i, (t, _, _) in enumerate(WRONG)])
def test_wrong_answers_fail_with_hint(task_id, make, hint, d):
    answer = make(d)
    result = evaluate(task_id, answer)
    assert result.status == "failed", (task_id, answer, result)
    assert result.points == 0
    if hint is not None:
        assert hint in result.message, (task_id, result.message)


def test_every_task_has_a_wrong_answer_case():
    assert {t for t, _, _ in WRONG} == set(TASKS)


def test_mistakes_differ_from_the_right_answer():
    for t in _registry.exercise_tasks("ex13"):
        expected = t.compute()
        assert t.hint and t.points >= 1
        for wrong, hint in expected.mistakes:
            assert hint
            if t.kind == "number":
                assert not math.isclose(float(wrong), float(expected.value),
                                        rel_tol=t.rtol, abs_tol=t.atol), (t.id, wrong)
            else:
                assert wrong != expected.value, (t.id, wrong)


def test_hashed_choice_stores_one_hash_per_letter():
    t = _registry.TASKS["ex13.q7"]
    expected = t.compute()
    letters = {letter: _registry.choice_hash(t.id, letter) for letter in t.choices}
    stored = [expected.value] + [wrong for wrong, _ in expected.mistakes]
    assert sorted(stored) == sorted(letters.values())


def test_hints_never_reveal_the_answer(right, d):
    for task_id, make, _ in WRONG:
        answer = make(d)
        message = evaluate(task_id, answer).message
        value = right[task_id]
        if isinstance(value, (int, float, np.number)):
            for shown in {f"{float(value):.2f}", f"{float(value):.3f}"}:
                if shown not in str(answer):
                    assert shown not in message, (task_id, message)


def test_expected_answers_are_not_stored_in_plain_text(right):
    source = (ROOT / "crmlearn" / "checks" / "ex13.py").read_text(encoding="utf-8")
    for task_id in ("ex13.q1", "ex13.q2", "ex13.q3", "ex13.q4", "ex13.q5", "ex13.q6"):
        number = float(right[task_id])
        for shown in {f"{number:.2f}", f"{number:.3f}"}:
            assert shown not in source, (task_id, shown)
    assert '"c"' not in source.split("_SBG_RIGHT")[1][:300]


def test_ellipsis_is_not_done():
    for task_id in TASKS:
        result = evaluate(task_id, ...)
        assert result.status == "not_done" and result.points == 0


def test_models_are_fitted_once_per_process(right):
    for task_id, answer in right.items():
        evaluate(task_id, answer)
    before = (ex13._fit_bg.cache_info(), ex13._gg.cache_info(), ex13._sbg.cache_info(),
              ex13._table.cache_info())
    for task_id, answer in right.items():
        evaluate(task_id, answer)
    after = (ex13._fit_bg.cache_info(), ex13._gg.cache_info(), ex13._sbg.cache_info(),
             ex13._table.cache_info())
    assert [b.misses for b in before] == [a.misses for a in after]
    # every model is fitted once: BG/NBD in weeks (calibration, all, n_purchases) and days
    # (calibration, all), Gamma-Gamma twice, the sBG on 12, 13 and 25 counts
    assert ex13._fit_bg.cache_info().currsize == 5
    assert ex13._table.cache_info().currsize == 4
