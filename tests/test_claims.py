import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from crmlearn import claims  # noqa: E402
from crmlearn.datasets import generate  # noqa: E402
from crmlearn.errors import CRMDataError  # noqa: E402
from crmlearn.loyalty import churn_rate_from_activity, customer_spans  # noqa: E402
from crmlearn.plots.crm import plot_claim_sweep  # noqa: E402
from crmlearn.summary import customer_summary  # noqa: E402


@pytest.fixture(scope="module")
def worlds():
    return {
        "retail": generate("retail", n_customers=1500, seed=2024),
        "subscription": generate("subscription", n_customers=800, seed=2024),
        "b2b": generate("b2b", n_customers=200, seed=2024),
    }


# --------------------------------------------------------------------------- CLAIMS


def test_claims_table():
    assert len(claims.CLAIMS) == 5
    assert "Deloitte & Touche" in claims.CLAIMS.loc["60 %", "source"]
    assert "cannot be tested with customer data" in claims.CLAIMS.loc["60 %", "what the workbook does"]
    assert "selection effects" in claims.CLAIMS.loc["60 %", "what the workbook does"]
    for f in claims.CLAIMS["function"].dropna():
        assert callable(getattr(claims, f))


# --------------------------------------------------------------------------- 5x


def test_acquisition_vs_retention_hand_computed():
    t = claims.acquisition_vs_retention_cost(
        acquisition_cost_per_contact=2.0, acquisition_rates=[0.01, 0.1, 0.4],
        retention_cost_per_contact=4.0, retention_uplift=0.1, retention_baseline=0.7,
    )
    assert t["cost_per_acquired"].tolist() == pytest.approx([200, 20, 5])
    assert t["cost_per_retained"].tolist() == pytest.approx([40, 40, 40])
    assert t["cost_per_retained_naive"].tolist() == pytest.approx([5, 5, 5])
    assert t["ratio"].tolist() == pytest.approx([5, 0.5, 0.125])
    assert t["ratio_naive"].tolist() == pytest.approx([40, 4, 1])
    assert t["verdict"].tolist() == ["within 'up to 5x'", "retention dearer", "retention dearer"]


def test_acquisition_vs_retention_bad_input():
    with pytest.raises(CRMDataError, match=r"acquisition_rates must be <= 1, got 5; a conversion rate is a share"):
        claims.acquisition_vs_retention_cost(acquisition_rates=[0.01, 5])
    with pytest.raises(CRMDataError, match="retention_uplift must be > 0, got 0; without an uplift"):
        claims.acquisition_vs_retention_cost(retention_uplift=0)
    with pytest.raises(CRMDataError, match="baseline \\+ uplift cannot exceed 1"):
        claims.acquisition_vs_retention_cost(retention_uplift=0.5, retention_baseline=0.8)


def test_acquisition_vs_retention_from_data(worlds):
    for w in worlds.values():
        t = claims.acquisition_vs_retention_from_data(w)
        assert len(t) == len(w.campaigns)
        assert t["cost_per_acquired"].iloc[0] == pytest.approx(w.customers["acquisition_cost"].mean())
        ok = t["uplift"] > 0
        assert np.allclose(t.loc[ok, "cost_per_incremental"], t.loc[ok, "cost_per_contact"] / t.loc[ok, "uplift"])
        assert (t.loc[~ok, "verdict"] == "no uplift measured").all()
    sub = worlds["subscription"]
    before = sub.campaigns.copy()
    plain = claims.acquisition_vs_retention_from_data(sub)
    with_offer = claims.acquisition_vs_retention_from_data(sub, offer_cost_per_contact=60)
    assert (with_offer["cost_per_contact"] == plain["cost_per_contact"] + 60).all()
    pd.testing.assert_frame_equal(sub.campaigns, before)
    with pytest.raises(CRMDataError, match="offer_cost_per_contact must be >= 0, got -1"):
        claims.acquisition_vs_retention_from_data(sub, offer_cost_per_contact=-1)
    with pytest.raises(CRMDataError, match="world.campaigns is missing or empty"):
        claims.acquisition_vs_retention_from_data({"customers": worlds["retail"].customers})


# --------------------------------------------------------------------------- 2 % vs 10 %


def test_retention_profit_effect_hand_computed():
    # r = 0.5, +0.5 points -> r' = 1: N'_1 = 1 + 0.5 = 1.5, N'_2 = 1.5 + 0.5 = 2
    t = claims.retention_profit_effect(retention=0.5, margin=0.2, variable_cost_share=0.0,
                                       delta_retention=0.5, cost_cut=0.1, horizon=2)
    row = t.iloc[0]
    assert row["customers_end"] == pytest.approx(2.0)
    assert row["gain_retention"] == pytest.approx(0.5 + 1.0)  # all costs fixed: extra revenue is profit
    assert row["gain_cost_cut"] == pytest.approx(0.1 * 0.8 * 2)
    assert row["profit_base"] == pytest.approx(0.4)
    assert bool(row["retention_wins"])


def test_retention_profit_effect_break_even_is_consistent():
    t = claims.retention_profit_effect(retention=[0.7, 0.9], margin=0.3, variable_cost_share=[0.3, 1.0])
    for _, row in t.iterrows():
        m = row["break_even_margin"]
        if 0 < m < 1:
            at = claims.retention_profit_effect(
                retention=row["retention"], margin=m, variable_cost_share=row["variable_cost_share"]
            ).iloc[0]
            assert at["gain_retention"] == pytest.approx(at["gain_cost_cut"])


def test_retention_profit_effect_where_claim_holds():
    # high retention and mostly fixed costs: retention wins; thin margins, variable costs: the cut wins
    assert claims.retention_profit_effect(0.95, 0.2, 0.0)["retention_wins"].iloc[0]
    assert not claims.retention_profit_effect(0.8, 0.1, 1.0)["retention_wins"].iloc[0]
    grid = claims.retention_profit_effect(retention=[0.6, 0.8, 0.95], margin=[0.1, 0.3, 0.6])
    assert len(grid) == 9
    # gains from retention grow with the base retention rate
    g = grid[grid["margin"] == 0.3]["gain_retention"].to_numpy()
    assert (np.diff(g) > 0).all()


def test_retention_profit_effect_bad_input():
    with pytest.raises(CRMDataError, match="retention \\+ delta_retention must stay <= 1"):
        claims.retention_profit_effect(retention=0.99)
    with pytest.raises(CRMDataError, match="margin must be > 0, got 0; margin = profit / revenue"):
        claims.retention_profit_effect(margin=0)
    with pytest.raises(CRMDataError, match="horizon must be a whole number of years >= 1"):
        claims.retention_profit_effect(horizon=0)


# --------------------------------------------------------------------------- 10 % churn


def test_churn_benchmark_hand_computed():
    customers = pd.DataFrame({"customer_id": [1, 2, 3, 4]})
    tx = pd.DataFrame(
        {
            "customer_id": [1, 1, 2, 3, 4],
            "date": pd.to_datetime(["2023-01-01", "2024-12-01", "2023-01-01", "2023-06-01", "2024-12-31"]),
            "amount": [10.0] * 5,
            "kind": ["purchase"] * 5,
        }
    )

    class W:
        scenario = "tiny"

    w = W()
    w.customers, w.transactions = customers, tx
    t = claims.churn_benchmark(w, inactive_days=180, include_truth=False)
    # default end: the day after the last transaction, 2025-01-01; period from 2024-01-02.
    # At start customers 1 and 3 (3 lost on 2023-11-28? no:
    # 2023-06-01 + 180 d = 2023-11-28, before the period) -> start: 1; 2 lost 2023-06-30.
    # customer 4 is new on 2024-12-31; nobody is lost within the period
    row = t.iloc[0]
    assert row["customers_at_start"] == 1
    assert row["lost"] == 0
    assert row["churn_rate"] == 0
    t = claims.churn_benchmark(w, inactive_days=[30], include_truth=False, period_end="2025-06-30")
    # period 2024-07-01..2025-06-30: 1 active from 2023 to 2024-12-31 (lost), 4 lost 2025-01-30
    assert t.iloc[0]["lost"] == 2


def test_churn_benchmark_three_scenarios(worlds):
    t = claims.churn_benchmark(worlds, inactive_days=[180, 365])
    assert set(t["scenario"]) == {"retail", "subscription", "b2b"}
    assert t.loc[t["scenario"] == "subscription", "definition"].tolist() == ["contracts"]
    retail = t[(t["scenario"] == "retail") & (t["definition"] == "inactivity")]
    # a shorter inactivity window declares more customers lost
    assert retail["churn_rate"].iloc[0] > retail["churn_rate"].iloc[1]
    assert "truth" in set(t["definition"])
    assert (t["ratio_to_claim"] == t["churn_rate"] / 0.10).all()


def test_churn_benchmark_matches_lesson_12_convention(worlds):
    """Contracts ending on the last day of the data count as lost (period ends the day after)."""
    sub = worlds["subscription"]
    spans = customer_spans(sub.contracts)
    day_after = pd.Timestamp(sub.observation_end) + pd.Timedelta(days=1)
    direct = churn_rate_from_activity(spans["start"], spans["end"], period_end=day_after)
    row = claims.churn_benchmark(sub).iloc[0]
    assert row["lost"] == direct["lost"]
    assert row["churn_rate"] == pytest.approx(direct["churn_rate"])


def test_churn_benchmark_bad_input(worlds):
    with pytest.raises(CRMDataError, match="inactive_days must be >= 1, got 0"):
        claims.churn_benchmark(worlds["retail"], inactive_days=0)
    with pytest.raises(CRMDataError, match="has no transactions table"):
        claims.churn_benchmark({"x": object()})


# --------------------------------------------------------------------------- 20/80


def test_pareto_check_hand_computed():
    values = [900, 50, 400, 30, 120, 80, 60, 40, 20, 300]
    t = claims.pareto_check(values, shapes=[1.0], n_customers=100, seed=0)
    assert t.loc[0, "source"] == "data"
    assert t.loc[0, "top_share"] == pytest.approx(0.65)
    # 900 + 400 = 1300 of 2000 by the top 2 customers; 0.8 needs 1600: 2 + 300/300 customers
    assert t.loc[0, "customers_for_80"] == pytest.approx(0.3)


def test_pareto_check_shares_fall_with_shape():
    t = claims.pareto_check(shapes=[0.2, 0.5, 1, 2, 5], seed=5)
    assert (np.diff(t["top_share"]) < 0).all()
    assert t.loc[0, "top_share"] > 0.75
    a = claims.pareto_check(shapes=[0.5], seed=5)
    b = claims.pareto_check(shapes=[0.5], seed=5)
    pd.testing.assert_frame_equal(a, b)


def test_pareto_check_on_data(worlds):
    s = customer_summary(worlds["retail"].transactions)
    before = s["revenue"].copy()
    t = claims.pareto_check(s["revenue"], shapes=[0.3], seed=1)
    pd.testing.assert_series_equal(s["revenue"], before)
    assert 0.2 <= t.loc[0, "top_share"] < 0.8


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0, 1e6, allow_nan=False), min_size=1, max_size=60).filter(lambda v: sum(v) > 0))
def test_top_share_at_least_twenty_percent(values):
    t = claims.pareto_check(values, shapes=[1.0], n_customers=10, seed=0)
    assert t.loc[0, "top_share"] >= 0.2 - 1e-9


def test_pareto_check_bad_input():
    with pytest.raises(CRMDataError, match=r"values: 1 values are missing, not numbers or negative \(row 2\)"):
        claims.pareto_check([1.0, 2.0, -3.0])
    with pytest.raises(CRMDataError, match="shapes must be > 0, got 0; gamma shapes must be positive"):
        claims.pareto_check(shapes=[0])
    with pytest.raises(CRMDataError, match="n_customers must be a whole number >= 10"):
        claims.pareto_check(n_customers=3)


# --------------------------------------------------------------------------- plot


def test_plot_claim_sweep_recognises_tables(worlds):
    tables = [
        (claims.acquisition_vs_retention_cost(), 5.0),
        (claims.retention_profit_effect(retention=[0.7, 0.9], margin=[0.1, 0.3]), 1.0),
        (claims.pareto_check([5.0, 1.0, 1.0], shapes=[0.5, 2.0], n_customers=50, seed=1), 0.8),
        (claims.churn_benchmark(worlds, inactive_days=[180, 365]), 0.10),
    ]
    for table, claimed in tables:
        ax = plot_claim_sweep(table)
        y_lines = [line.get_ydata()[0] for line in ax.get_lines() if line.get_linestyle() == "--"]
        assert claimed in y_lines
        plt.close(ax.figure)
    with pytest.raises(CRMDataError, match="cannot tell which columns to draw"):
        plot_claim_sweep(pd.DataFrame({"a": [1]}))
    with pytest.raises(CRMDataError, match="column 'nope' is not in the sweep table"):
        plot_claim_sweep(claims.acquisition_vs_retention_cost(), y="nope")
