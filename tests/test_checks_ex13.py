"""crmlearn.checks.ex13: predictive CLV (BG/NBD, Gamma-Gamma, sBG)."""

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
from crmlearn import datasets, models
from crmlearn.checks import evaluate, ex13

pytestmark = pytest.mark.usefixtures("clean_checks")


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


def test_every_task_is_covered():
    assert_tasks_numbered("ex13", 8)


def test_right_answers_pass(right):
    assert_right_answers_pass(right)


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


@pytest.fixture(scope="module")
def wrong(d):
    return [(task_id, make(d), hint) for task_id, make, hint in WRONG]


TestWrongAnswers = wrong_answer_tests("ex13", len(WRONG),
                                      ids=[f"{t}-{i}" for i, (t, _, _) in enumerate(WRONG)])


def test_expected_answers_are_not_stored_in_plain_text(right):
    assert_numbers_not_in_source("ex13", right, [f"ex13.q{i}" for i in range(1, 7)])
    assert_letter_not_in_source("ex13", "_SBG_RIGHT", "c")


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
