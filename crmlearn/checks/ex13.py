"""Checks for exercise 13: predictive CLV (BG/NBD, Gamma-Gamma, sBG).

Every number is recomputed at check time with :mod:`crmlearn.models` on the
shipped classroom data (the retailer for the purchase and spend models, the
mobile provider for the sBG), in weeks as in lesson 13. The typical mistakes
are computed the same way: the model fitted on the whole period instead of the
calibration period, ``n_purchases`` passed as the frequency, times in days
instead of weeks, the holdout forecast summed over all customers, the sBG fitted
on every month instead of the first year, ... The question why the sBG's
retention rises with tenure cannot be computed, so only salted hashes of its
letters are stored (see :func:`crmlearn.checks._registry.choice_hash`).

Fitting is fast (well under a second per model), and every table and model is
computed once per process: the cached helpers below take their arguments
positionally and are only called through wrappers that spell out every
argument, so the same fit is never cached twice under different keys.
"""

from __future__ import annotations

import functools

from ._registry import Expected, classroom_world, retail, task

#: last day of the calibration period (the lesson's; the holdout is 2025)
CALIBRATION_END = "2024-12-31"

#: tasks q2 and q3: the customer whose P(alive) and holdout forecast are asked for
HOLDOUT_CUSTOMER = 24

#: tasks q4 and q5: the customer whose expected spend and CLV are asked for
CLV_CUSTOMER = 1042

#: task q5: margin share, yearly discount rate and horizon in weeks (two years)
CLV_TERMS = {"margin": 0.35, "discount_rate": 0.08, "horizon": 104}

#: task q6: months of the sBG calibration, months observed (lesson 13, section 9) and the
#: month whose projected survival is asked for (three years after signing)
SBG_FIT_MONTHS = 12
SBG_OBSERVED_MONTHS = 24
SBG_TARGET_MONTH = 36


# --------------------------------------------------------------------------------------
# the tables and fitted models, computed once per process
# --------------------------------------------------------------------------------------


@functools.cache
def _table(period: str, time_unit: str):
    """Return the customer table of ``period``: "all" (2023-2025) or "calibration"."""
    from crmlearn import customer_summary, models

    world = retail()
    if period == "all":
        return customer_summary(world.transactions, observation_end=world.observation_end,
                                time_unit=time_unit)
    return models.calibration_holdout(world.transactions, CALIBRATION_END,
                                      world.observation_end, time_unit=time_unit)


def _summary(time_unit: str = "W"):
    """Return the customer table of the whole period in ``time_unit``."""
    return _table("all", time_unit)


def _calibration(time_unit: str = "W"):
    """Return the calibration table (up to CALIBRATION_END) with the holdout counts."""
    return _table("calibration", time_unit)


@functools.cache
def _fit_bg(period: str, time_unit: str, count: str):
    from crmlearn import models

    table = _table(period, time_unit)
    return models.BetaGeo().fit(table[count], table.recency, table["T"])


def _bg(period: str, time_unit: str = "W", count: str = "frequency"):
    """Return the BG/NBD fitted on ``period`` ("calibration", "all"), ``count`` as frequency."""
    return _fit_bg(period, time_unit, count)


@functools.cache
def _gg(period: str):
    """Return the Gamma-Gamma fitted on the repeat buyers of ``period``."""
    from crmlearn import models

    table = _table(period, "W")
    repeat = table[table.frequency > 0]
    return models.GammaGamma().fit(repeat.frequency, repeat.monetary_value)


def _row(table, customer):
    return table.loc[[customer]]


def _lesson_margin() -> float:
    """Return the retailer's margin share (lesson 13, section 8): a typical wrong margin."""
    t = retail().transactions
    purchases = t[t.kind == "purchase"]
    return float(1 - purchases.product_cost.sum() / purchases.amount.sum())


@functools.lru_cache(maxsize=1)
def _survivors() -> tuple[int, ...]:
    """Return the survivors of the 2023 monthly-contract cohort after 0..24 months."""
    contracts = classroom_world("subscription").contracts
    cohort = contracts[(contracts.start_date.dt.year == 2023)
                       & (contracts.minimum_term_months == 1)]
    start = cohort.start_date.dt.year * 12 + cohort.start_date.dt.month
    end = cohort.end_date.dt.year * 12 + cohort.end_date.dt.month
    months_active = (end - start + 1).fillna(float("inf"))
    return tuple(int((months_active > t).sum()) for t in range(SBG_OBSERVED_MONTHS + 1))


@functools.cache
def _sbg(n_counts: int):
    """Return the sBG fitted on the first ``n_counts`` survivor counts."""
    from crmlearn import models

    return models.ShiftedBetaGeo().fit(list(_survivors()[:n_counts]))


# --------------------------------------------------------------------------------------
# tasks
# --------------------------------------------------------------------------------------


@task("ex13.q1", "number", points=2, rtol=2e-3, atol=5e-4,
      hint="fit models.BetaGeo() on the calibration table's frequency, recency and T "
           "(weeks) and read bg.params_['r']")
def q1() -> Expected:
    """Parameter r of the BG/NBD fitted on the calibration period (weeks)."""
    right = _bg("calibration").params_["r"]
    return Expected(right, [
        (_bg("all").params_["r"],
         "you fitted on the whole period (2023-2025); fit on the calibration table only, "
         "so the holdout year stays unseen"),
        (_bg("calibration", count="n_purchases").params_["r"],
         "you passed n_purchases; the model wants frequency, the number of REPEAT purchases"),
        (_bg("calibration").params_["alpha"],
         "that is alpha, the scale of the purchase rates; the task asks for the shape r"),
        (_bg("calibration").params_["a"],
         "that is a, a parameter of the dropout distribution; the task asks for r"),
    ])


@task("ex13.q2", "number", points=2, rtol=1e-3, atol=5e-4,
      hint="use the BG/NBD fitted on the calibration period: "
           "bg.prob_alive(frequency, recency, T) with the calibration table's row of the customer")
def q2() -> Expected:
    """P(alive) at the end of the calibration period of HOLDOUT_CUSTOMER."""
    c = HOLDOUT_CUSTOMER
    cal, full = _row(_calibration(), c), _row(_summary(), c)
    bg = _bg("calibration")
    right = float(bg.prob_alive(cal.frequency, cal.recency, cal["T"]).iloc[0])
    return Expected(right, [
        (float(_bg("all").prob_alive(full.frequency, full.recency, full["T"]).iloc[0]),
         "you used the whole period (model or customer row); the task asks at the end of the "
         "calibration period, with the model fitted on the calibration table"),
        (float(bg.prob_alive(full.frequency, full.recency, full["T"]).iloc[0]),
         "you used the customer's row of the whole-period table; take her calibration row"),
        (float(_bg("calibration", count="n_purchases")
               .prob_alive(cal.n_purchases, cal.recency, cal["T"]).iloc[0]),
         "you used n_purchases; the model counts REPEAT purchases (frequency)"),
        (float(bg.prob_alive(cal.n_purchases, cal.recency, cal["T"]).iloc[0]),
         "you passed n_purchases to prob_alive; the model counts REPEAT purchases (frequency)"),
        (1 - right, "that is the probability that she has left; the task asks for P(alive)"),
    ])


@task("ex13.q3", "number", points=2, rtol=1e-3, atol=5e-4,
      hint="bg.expected_purchases(t, frequency, recency, T) with the calibration model and "
           "t = the holdout length in weeks (cal.duration_holdout)")
def q3() -> Expected:
    """Task: expected purchases of HOLDOUT_CUSTOMER in the holdout period."""
    c = HOLDOUT_CUSTOMER
    table = _calibration()
    cal, full, days = _row(table, c), _row(_summary(), c), _row(_calibration("D"), c)
    weeks = float(cal.duration_holdout.iloc[0])
    bg = _bg("calibration")

    def forecast(model, t, rows, count="frequency"):
        return float(model.expected_purchases(t, rows[count], rows.recency, rows["T"]).iloc[0])

    right = forecast(bg, weeks, cal)
    all_customers = float(bg.expected_purchases(weeks, table.frequency, table.recency,
                                                table["T"]).sum())
    return Expected(right, [
        (forecast(bg, 365, cal),
         "you gave the horizon in days (365); the model's time unit is the week"),
        (forecast(_bg("calibration", "D"), weeks, days),
         "your model is in days but the horizon in weeks: use weeks for both "
         "(time_unit='W')"),
        (forecast(bg, 12, cal),
         "you gave the horizon in months; the model's time unit is the week"),
        (forecast(_bg("all"), weeks, full),
         "you used the whole period (model or customer row); the forecast must come from the "
         "calibration period only"),
        (forecast(_bg("calibration", count="n_purchases"), weeks, cal, "n_purchases"),
         "you used n_purchases; the model counts REPEAT purchases (frequency)"),
        (forecast(bg, weeks, cal, "n_purchases"),
         "you passed n_purchases to expected_purchases; use frequency"),
        (forecast(bg, 52, cal),
         "the holdout is not exactly 52 weeks: take its length from cal.duration_holdout"),
        (float(cal.frequency_holdout.iloc[0]),
         "that is what she actually bought in the holdout; the task asks for the model's "
         "forecast"),
        (all_customers, "that is the forecast for all customers; the task asks for one customer"),
    ])


@task("ex13.q4", "number", points=2, rtol=1e-4, atol=0.006,
      hint="fit models.GammaGamma() on the repeat buyers (frequency > 0) of the whole-period "
           "table in weeks and use gg.expected_spend(frequency, monetary_value)")
def q4() -> Expected:
    """Gamma-Gamma expected spend per purchase of CLV_CUSTOMER."""
    c = CLV_CUSTOMER
    row, cal = _row(_summary(), c), _row(_calibration(), c)
    gg = _gg("all")
    right = float(gg.expected_spend(row.frequency, row.monetary_value).iloc[0])
    return Expected(right, [
        (float(row.monetary_value.iloc[0]),
         "that is her own mean spend; the model's expected spend leans towards the mean of all "
         "customers (use gg.expected_spend)"),
        (float(_gg("calibration").expected_spend(cal.frequency, cal.monetary_value).iloc[0]),
         "you used the calibration period; this task uses the whole period, as in section 7"),
        (float(gg.expected_spend(row.n_purchases, row.monetary_value).iloc[0]),
         "you passed n_purchases; the spend model counts REPEAT purchases (frequency)"),
        (float(gg.expected_spend(row.frequency, row.revenue / row.n_purchases).iloc[0]),
         "you used revenue / n_purchases; the model wants monetary_value, the mean of the "
         "REPEAT purchases"),
        (float(row.revenue.iloc[0]), "that is her total revenue, not the spend per purchase"),
    ])


@task("ex13.q5", "number", points=2, rtol=1e-4, atol=0.006,
      hint="models.predictive_clv(bg, gg, frequency, recency, T, monetary_value, margin=..., "
           "discount_rate=..., horizon=...) with both models fitted on the whole period, "
           "shares between 0 and 1 and the horizon in weeks")
def q5() -> Expected:
    """Predictive CLV of CLV_CUSTOMER with the terms in CLV_TERMS."""
    from crmlearn import models

    c = CLV_CUSTOMER
    row = _row(_summary(), c)

    def clv(bg=None, rows=row, **changes):
        terms = {**CLV_TERMS, **changes}
        value = models.predictive_clv(bg or _bg("all"), _gg("all"), rows.frequency,
                                      rows.recency, rows["T"], rows.monetary_value, **terms)
        return float(value.iloc[0])

    right = clv()
    days_row = _row(_summary("D"), c)
    return Expected(right, [
        (clv(_bg("calibration")),
         "you used the BG/NBD fitted on the calibration period; for a forecast from today fit "
         "it on the whole period (all three years)"),
        (clv(horizon=2 * 365),
         "you gave the horizon in days (730); the model's time unit is the week"),
        (clv(horizon=24),
         "you gave the horizon in months (24); the model's time unit is the week"),
        (clv(horizon=2),
         "you gave the horizon in years; the model's time unit is the week"),
        (clv(_bg("all", "D"), days_row),
         "your model and customer row are in days but the horizon and time_unit_per_year are "
         "in weeks; use time_unit='W' throughout"),
        (clv(margin=1.0),
         "you left out the margin: the CLV counts margin, not revenue"),
        (clv(margin=_lesson_margin()),
         "you used the lesson's margin; the task gives its own margin"),
        (clv(discount_rate=0.10),
         "you used the lesson's discount rate; the task gives its own"),
        (clv(horizon=156),
         "you used the lesson's horizon of three years; the task asks for two"),
        (clv(discount_rate=0.0),
         "you did not discount; future margins are worth less today"),
    ])


@task("ex13.q6", "number", points=2, rtol=1e-3, atol=5e-4,
      hint="fit models.ShiftedBetaGeo() on survivors[:13] (month 0 to month 12) and read "
           "sbg.survival(36), the share of the cohort still active after 36 months")
def q6() -> Expected:
    """Task: sBG share of the 2023 monthly-contract cohort still active after 36 months."""
    counts = _survivors()
    n, target = SBG_FIT_MONTHS, SBG_TARGET_MONTH
    sbg = _sbg(n + 1)
    right = sbg.survival(target)
    return Expected(right, [
        (_sbg(len(counts)).survival(target),
         "you fitted on all 25 counts (months 0 to 24); the task fits on the first year only "
         "(survivors[:13]), as the lesson does"),
        (_sbg(n).survival(target),
         "survivors[:12] stops at month 11; the first year runs from month 0 to month 12, "
         "which is survivors[:13]"),
        ((counts[n] / counts[0]) ** (target / n),
         "that is the constant-retention rule (the first year's retention applied every "
         "year); the task asks for the sBG"),
        (sbg.retention(target),
         "that is the retention rate in month 36 (of those still there after 35 months); the "
         "task asks for the share of the whole cohort, sbg.survival"),
        (counts[0] * right,
         "that is a number of customers; the task asks for a share of the cohort (0 to 1)"),
        (sbg.survival(SBG_OBSERVED_MONTHS),
         "that is the share after 24 months; the task asks for 36 months"),
        (counts[SBG_OBSERVED_MONTHS] / counts[0],
         "that is the share actually active after 24 months; the task asks for the model's "
         "projection for 36 months"),
    ])


_SBG_RIGHT = "261a45a02b8b1eeab4af6a47f179ac1c81942f1b0688c3d7dca72af26d6eea50"
_SBG_WRONG = {
    "b3b3617dfd50df85e10c5b3d5b7498139d362fbd00d90e41910b9c1a8b414fae":
        "in the sBG every customer keeps her own churn probability for life: nobody grows "
        "more loyal, yet the cohort's retention rises",
    "95127a2b8080a13f82c08056aed571eaa63ce02d5c8ee2f7e1057545c053102f":
        "the sBG knows nothing about vouchers or discounts; its retention rises by itself. "
        "Ask who is left in the cohort after a year",
    "11ca9a5e881d2ff960f74e7693feb6fdde65e49aaebb95c39e9d81d69bdbe2cd":
        "a constant retention rate is what the naive rule assumes; the sBG's rate rises with "
        "tenure (look at the table)",
}


@task("ex13.q7", "hashed_choice", points=1, choices=("a", "b", "c", "d"),
      hint="compare the mean churn probability of the whole cohort with that of the customers "
           "still there after a year (section 9)")
def q7() -> Expected:
    """Task: why the sBG retention rises with tenure (hashed multiple choice)."""
    return Expected(_SBG_RIGHT, list(_SBG_WRONG.items()))


@task("ex13.q8", "text", points=1, min_words=5)
def q8() -> Expected:
    """Decide and justify: win-back list by past revenue or by P(alive)/CLV (recorded)."""
    return Expected(None)
