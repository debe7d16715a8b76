"""Tests for crmlearn.whatif: hand-computed cases and properties."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmlearn.errors import CRMDataError
from crmlearn.loyalty import nps, nps_shares
from crmlearn.value import cumulative_clv, retention_clv, rfm_scores, simple_clv
from crmlearn.whatif import (
    budget_split,
    budget_split_table,
    clv_scenario,
    customer_base_projection,
    nps_from_counts,
    retention_from_spend,
    weighted_rfm,
)

rates = st.floats(0.0, 1.0, allow_nan=False)

# ---- clv_scenario -------------------------------------------------------------------------


def test_clv_scenario_matches_value_functions():
    s = clv_scenario(200, 0.8, 0.1, years=10, acquisition_cost=300)
    assert s.clv == pytest.approx(retention_clv(200, 0.8, 0.1, 10, acquisition_cost=300))
    assert s.simple == simple_clv(200, 10, 300) == 1700.0
    assert s.limit == pytest.approx(200 * 0.8 / (1.1 - 0.8))
    pd.testing.assert_frame_equal(s.curve, cumulative_clv(200, 0.8, 0.1, 10))
    assert s.message is None


def test_clv_scenario_break_even_by_hand():
    # 100 EUR, retention 1, no discount: cumulative 100, 200, 300 -> covers 250 in year 3
    s = clv_scenario(100, 1.0, 0.0, years=5, acquisition_cost=250)
    assert s.break_even_year == 3
    assert s.clv == 250.0
    assert clv_scenario(100, 0.5, 0.1, years=5, acquisition_cost=10_000).break_even_year is None


def test_clv_scenario_endless_value_gives_message_not_error():
    s = clv_scenario(100, 1.0, 0.0, years=None)
    assert s.clv is None and s.limit is None and s.simple is None
    assert "never stops growing" in s.message and "finite horizon" in s.message
    assert len(s.curve) > 1  # the growing curve can still be drawn


def test_clv_scenario_endless_curve_reaches_its_limit():
    s = clv_scenario(100, 0.8, 0.1, years=None)
    assert s.curve["cumulative"].iloc[-1] >= 0.99 * s.limit
    assert s.clv == pytest.approx(retention_clv(100, 0.8, 0.1))


@pytest.mark.parametrize("retention, discount", [(0.0, 0.0), (0.0, 0.3), (1.0, 0.3), (0.5, 0.0)])
def test_clv_scenario_edges_are_finite(retention, discount):
    for years in (None, 1, 50):
        s = clv_scenario(500, retention, discount, years=years, acquisition_cost=100)
        assert s.clv is not None and math.isfinite(s.clv)
        assert np.isfinite(s.curve.to_numpy()).all()


def test_clv_scenario_errors_name_the_argument():
    with pytest.raises(CRMDataError, match="retention must be <= 1"):
        clv_scenario(100, 80, 0.1)
    with pytest.raises(CRMDataError, match="years must be a whole number"):
        clv_scenario(100, 0.8, 0.1, years=0)
    with pytest.raises(CRMDataError, match="margin must be a finite number"):
        clv_scenario(float("nan"), 0.8, 0.1)


# ---- customer_base_projection --------------------------------------------------------------


def test_projection_by_hand():
    p = customer_base_projection(1000, 0.8, 100, margin_per_customer=50, acquisition_cost=20,
                                 retention_cost_per_customer=5, years=2, discount=0.1,
                                 revenue_per_customer=200)
    # year 1: 1000 -> 800 kept + 100 new = 900; year 2: 720 + 100 = 820
    assert p["customers"].tolist() == pytest.approx([900, 820])
    assert p["customers_start"].tolist() == pytest.approx([1000, 900])
    assert p["lost"].tolist() == pytest.approx([200, 180])
    assert p["revenue"].tolist() == pytest.approx([180_000, 164_000])
    # profit = 900*50 - 100*20 - 1000*5 = 38,000; year 2: 41,000 - 2,000 - 4,500 = 34,500
    assert p["profit"].tolist() == pytest.approx([38_000, 34_500])
    assert p["cumulative_profit"].iloc[-1] == pytest.approx(38_000 / 1.1 + 34_500 / 1.21)


def test_projection_full_retention_without_new_customers_keeps_the_base():
    p = customer_base_projection(10_000, 1.0, 0, years=20)
    assert (p["customers"] == 10_000).all()
    assert (p["lost"] == 0).all()


def test_projection_approaches_the_steady_state():
    p = customer_base_projection(0, 0.75, 500, years=100)
    assert p["customers"].iloc[-1] == pytest.approx(500 / 0.25)


@settings(max_examples=60, deadline=None)
@given(r1=rates, r2=rates, n0=st.floats(0, 1e6), new=st.floats(0, 1e5),
       years=st.integers(1, 30))
def test_more_retention_never_lowers_customers(r1, r2, n0, new, years):
    low, high = sorted((r1, r2))
    a = customer_base_projection(n0, low, new, years=years)["customers"].to_numpy()
    b = customer_base_projection(n0, high, new, years=years)["customers"].to_numpy()
    assert (b >= a - 1e-6 * max(1.0, a.max())).all()


@settings(max_examples=40, deadline=None)
@given(r=rates, n0=st.floats(0, 1e5), new=st.floats(0, 1e4), years=st.integers(1, 40))
def test_projection_closed_form_equals_the_recursion(r, n0, new, years):
    p = customer_base_projection(n0, r, new, years=years)
    n = n0
    for t in range(years):
        n = r * n + new
        assert p["customers"].iloc[t] == pytest.approx(n, rel=1e-9, abs=1e-6)


def test_projection_rejects_bad_input():
    with pytest.raises(CRMDataError, match="retention must be <= 1"):
        customer_base_projection(retention=1.5)
    with pytest.raises(CRMDataError, match="years must be a whole number >= 1"):
        customer_base_projection(years=0)
    with pytest.raises(CRMDataError, match="customers must be >= 0"):
        customer_base_projection(customers=-1)


# ---- retention budget ----------------------------------------------------------------------


def test_retention_from_spend_by_hand():
    assert retention_from_spend(0.75, 0) == 0.75
    assert retention_from_spend(0.75, 50, 0.95, 50) == pytest.approx(0.85)
    assert retention_from_spend(0.75, 100, 0.95, 50) == pytest.approx(0.90)
    assert retention_from_spend(0.97, 100, 0.95) == 0.97  # above the ceiling: no change


@settings(max_examples=50, deadline=None)
@given(r0=rates, s1=st.floats(0, 1e4), s2=st.floats(0, 1e4), top=rates)
def test_retention_from_spend_grows_but_stays_below_the_ceiling(r0, s1, s2, top):
    low, high = sorted((s1, s2))
    a, b = retention_from_spend(r0, low, top), retention_from_spend(r0, high, top)
    assert b >= a - 1e-12
    assert b <= max(top, r0) + 1e-12


def test_budget_split_ends():
    all_acq = budget_split(100_000, 0.0, customers=10_000, base_retention=0.8,
                           acquisition_cost=200)
    assert all_acq["retention"] == 0.8
    assert all_acq["new_customers_per_year"] == 500
    all_ret = budget_split(100_000, 1.0, customers=10_000, base_retention=0.8,
                           acquisition_cost=200)
    assert all_ret["new_customers_per_year"] == 0
    assert all_ret["retention_spend_per_customer"] == 10
    assert all_ret["retention"] > 0.8
    with pytest.raises(CRMDataError, match="acquisition_cost must be > 0"):
        budget_split(1000, 0.5, acquisition_cost=0)


# ---- NPS and RFM ---------------------------------------------------------------------------


def test_nps_from_counts_by_hand():
    r = nps_from_counts(5, 2, 3)
    assert r["nps"] == 20.0 and r["answers"] == 10
    assert r[["detractors", "passives", "promoters"]].tolist() == pytest.approx([0.3, 0.2, 0.5])
    moved = nps_from_counts(5, 2, 3, detractors_to_passives=10, passives_to_promoters=1)
    assert moved["moved"] == 4  # only 3 detractors exist
    assert moved["nps"] == 60.0 and moved["nps_before"] == 20.0


@settings(max_examples=50, deadline=None)
@given(p=st.integers(0, 300), pa=st.integers(0, 300), d=st.integers(0, 300))
def test_nps_from_counts_equals_nps_of_the_answers(p, pa, d):
    if p + pa + d == 0:
        with pytest.raises(CRMDataError, match="no answers"):
            nps_from_counts(p, pa, d)
        return
    answers = [10] * p + [7] * pa + [3] * d
    r = nps_from_counts(p, pa, d)
    assert r["nps"] == pytest.approx(nps(answers))
    expected = nps_shares(answers)
    assert r[expected.index].tolist() == pytest.approx(expected.tolist())


def test_weighted_rfm():
    s = pd.DataFrame({"days_since_last": [5, 40, 200, 10, 90], "n_purchases": [8, 3, 1, 1, 2],
                      "revenue": [900.0, 150.0, 30.0, 60.0, 120.0]})
    scores = rfm_scores(s)
    assert weighted_rfm(scores).tolist() == pytest.approx((scores["rfm_sum"] / 3).tolist())
    assert weighted_rfm(scores, 1, 0, 0).tolist() == scores["r"].astype(float).tolist()
    with pytest.raises(CRMDataError, match="all 0"):
        weighted_rfm(scores, 0, 0, 0)
    with pytest.raises(CRMDataError, match="columns 'r', 'f' and 'm'"):
        weighted_rfm(s)


def test_budget_split_table_equals_row_by_row_calls():
    kwargs = {"customers": 8000, "base_retention": 0.7, "acquisition_cost": 300,
              "margin_per_customer": 120, "half_gap_cost": 40, "years": 6, "discount": 0.05}
    table = budget_split_table(400_000, [0.0, 0.3, 0.65, 1.0], **kwargs)
    for share, row in table.iterrows():
        expected = budget_split(400_000, share, **kwargs)
        assert row.to_numpy() == pytest.approx(expected[row.index].to_numpy())
    with pytest.raises(CRMDataError, match="retention_share must be <= 1"):
        budget_split_table(1000, [0.5, 1.5])
