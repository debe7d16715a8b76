"""Tests for crmlearn.segment and crmlearn.plots.segment."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from crmlearn import customer_summary  # noqa: E402
from crmlearn.datasets import generate  # noqa: E402
from crmlearn.errors import CRMDataError  # noqa: E402
from crmlearn.plots.segment import (  # noqa: E402
    TEXT,
    plot_lifecycle,
    plot_segment_profiles,
    plot_tiers,
)
from crmlearn.segment import (  # noqa: E402
    DEFAULT_TIERS,
    LIFECYCLE_STAGES,
    adjusted_rand_index,
    category_shares,
    lifecycle_stages,
    membership_tiers,
    needs_segments,
    segment_profiles,
    yearly_spend,
)


@pytest.fixture(scope="module")
def world():
    return generate("retail", n_customers=3000, seed=2024)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def _tx():
    return pd.DataFrame({
        "transaction_id": [1, 2, 3, 4, 5, 6],
        "customer_id": [1, 1, 2, 2, 3, 1],
        "date": pd.to_datetime(["2023-12-31", "2024-01-01", "2024-06-01", "2024-06-20",
                                "2025-01-01", "2024-12-31"]),
        "amount": [500.0, 60.0, 80.0, -30.0, 999.0, 40.0],
        "kind": ["purchase", "purchase", "purchase", "return", "purchase", "purchase"],
    })


# --- yearly spend -------------------------------------------------------------------------

def test_yearly_spend_calendar_year_by_hand():
    tx = _tx()
    before = tx.copy()
    s = yearly_spend(tx, 2024)
    pd.testing.assert_frame_equal(tx, before)  # input untouched
    assert s.name == "yearly_spend"
    assert s.index.name == "customer_id"
    # customer 1: 60 + 40 (the 2023 purchase is outside); 2: 80 - 30; 3: nothing in 2024
    assert s.to_dict() == {1: 100.0, 2: 50.0, 3: 0.0}


def test_yearly_spend_keeps_customers_without_purchase():
    s = yearly_spend(_tx(), 2024, customers=pd.DataFrame({"customer_id": [4, 1, 2, 3]}))
    assert s.to_dict() == {1: 100.0, 2: 50.0, 3: 0.0, 4: 0.0}


def test_yearly_spend_rolling_window():
    # as_of 2024-12-31: window 2024-01-02 .. 2024-12-31 (365 days)
    s = yearly_spend(_tx(), as_of="2024-12-31")
    assert s.to_dict() == {1: 40.0, 2: 50.0, 3: 0.0}
    # default window ends on the latest date (2025-01-01)
    assert yearly_spend(_tx()).to_dict() == {1: 40.0, 2: 50.0, 3: 999.0}


def test_yearly_spend_errors():
    with pytest.raises(CRMDataError, match="either year .* or as_of"):
        yearly_spend(_tx(), 2024, as_of="2024-12-31")
    with pytest.raises(CRMDataError, match="year must be a whole number"):
        yearly_spend(_tx(), "2024")
    with pytest.raises(CRMDataError, match="missing column 'amount'"):
        yearly_spend(_tx().drop(columns="amount"), 2024)
    with pytest.raises(CRMDataError, match="as_of must be a date"):
        yearly_spend(_tx(), as_of="soon")


# --- tiers -----------------------------------------------------------------------------------

def test_tiers_boundaries_by_hand():
    t = membership_tiers(pd.Series([-20.0, 0.0, 99.99, 100.0, 299.99, 300.0, 999.0, 1000.0]))
    assert t.tolist() == ["Basis", "Basis", "Basis", "Silber", "Silber", "Gold", "Gold", "Platin"]
    assert t.cat.ordered
    assert list(t.cat.categories) == list(DEFAULT_TIERS)


def test_tiers_custom_thresholds_and_index_kept():
    spend = pd.Series([10.0, 60.0], index=pd.Index([7, 9], name="customer_id"))
    t = membership_tiers(spend, {"Bronze": 0, "Silver": 50})
    assert t.to_dict() == {7: "Bronze", 9: "Silver"}


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-1e4, 1e5, allow_nan=False), min_size=2, max_size=50))
def test_tiers_monotone_in_spend(values):
    spend = np.sort(np.array(values))
    codes = membership_tiers(spend).cat.codes.to_numpy()
    assert np.all(np.diff(codes) >= 0)


def test_tiers_errors():
    with pytest.raises(CRMDataError, match="strictly increasing"):
        membership_tiers([1.0], {"A": 0, "B": 500, "C": 100})
    with pytest.raises(CRMDataError, match="at least two tiers"):
        membership_tiers([1.0], {"A": 0})
    with pytest.raises(CRMDataError, match=r"1 missing value\(s\) \(row 1\); .*fillna\(0\)"):
        membership_tiers(pd.Series([1.0, np.nan]))


# --- lifecycle ------------------------------------------------------------------------------

def test_lifecycle_rules_by_hand():
    # observation end 2025-12-31 for all
    first = pd.to_datetime(["2025-11-01", "2024-01-01", "2024-01-01", "2023-01-01",
                            "2024-01-01", "2024-06-01"])
    last = pd.to_datetime(["2025-11-01", "2025-12-01", "2025-01-01", "2024-06-01",
                           "2025-10-01", "2025-09-01"])
    s = pd.DataFrame({
        "first_purchase": first, "last_purchase": last,
        "frequency": [0, 10, 4, 3, 1, 0],
        "days_since_last": (pd.Timestamp("2025-12-31") - last).days,
    }, index=pd.Index([1, 2, 3, 4, 5, 6], name="customer_id"))
    stages = lifecycle_stages(s)
    # 1: 60 days old -> new; 2: gap 70 d, 30 d since -> active;
    # 3: gap 91.5 d, 364 d since -> at risk; 4: 578 d since -> lapsed;
    # 5: gap 639 d, 91 d since -> active;
    # 6: one-time buyer, typical gap = median(70, 91.5, 172, 639) = 131.75 d; 121 d since -> active
    assert stages.tolist() == ["new", "active", "at risk", "lapsed", "active", "active"]
    assert list(stages.cat.categories) == list(LIFECYCLE_STAGES)
    assert lifecycle_stages(s, tolerance=0.5).tolist()[5] == "at risk"  # 121 > 0.5 * 131.75


def test_lifecycle_on_world(world):
    s = customer_summary(world.transactions)
    stages = lifecycle_stages(s)
    assert len(stages) == len(s)
    counts = stages.value_counts()
    assert counts["lapsed"] > 0 and counts["active"] > 0 and counts["at risk"] > 0
    # lapsed exactly the customers silent for more than a year
    assert (stages == "lapsed").sum() == (s["days_since_last"] > 365).sum()


def test_lifecycle_errors():
    with pytest.raises(CRMDataError, match=r"missing column\(s\) 'days_since_last'"):
        lifecycle_stages(pd.DataFrame({"first_purchase": [], "last_purchase": [], "frequency": []}))
    s = customer_summary(_tx().query("kind == 'purchase'"))
    with pytest.raises(CRMDataError, match="new_days .* must be smaller than lapsed_days"):
        lifecycle_stages(s, new_days=400)
    with pytest.raises(CRMDataError, match="tolerance must be a positive number"):
        lifecycle_stages(s, tolerance=0)


# --- needs segments and ARI --------------------------------------------------------------------

def test_ari_known_values():
    assert adjusted_rand_index([0, 0, 1, 1], [0, 0, 1, 1]) == 1.0
    assert adjusted_rand_index([0, 0, 1, 1], [1, 1, 0, 0]) == 1.0
    # contingency (2, 1, 1 | 2, 2): index 1, expected 1 * 2 / 6, max 1.5 -> 4/7
    assert adjusted_rand_index([0, 0, 1, 2], [0, 0, 1, 1]) == pytest.approx(4 / 7)
    assert adjusted_rand_index([0, 0, 0, 0], [0, 1, 2, 3]) == pytest.approx(0.0)
    # a published example (scikit-learn docs): [0, 0, 1, 1] vs [0, 0, 1, 2] -> 0.5714...
    assert adjusted_rand_index([0, 0, 1, 1], [0, 0, 1, 2]) == pytest.approx(0.5714285714)
    # a perfectly crossed design scores below 0: pairs together in a never together in b
    assert adjusted_rand_index([0, 0, 1, 1], [0, 1, 0, 1]) == pytest.approx(-0.5)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 3)), min_size=2, max_size=60))
def test_ari_properties(pairs):
    a = [p[0] for p in pairs]
    b = [p[1] for p in pairs]
    assert adjusted_rand_index(a, a) == 1.0
    assert adjusted_rand_index(a, b) == pytest.approx(adjusted_rand_index(b, a))
    assert adjusted_rand_index(a, b) <= 1.0 + 1e-12
    renamed = [f"seg{x}" for x in a]
    assert adjusted_rand_index(renamed, b) == pytest.approx(adjusted_rand_index(a, b))


def test_ari_errors():
    with pytest.raises(CRMDataError, match="a has 3 labels but b has 2"):
        adjusted_rand_index([1, 2, 3], [1, 2])
    with pytest.raises(CRMDataError, match="b has missing labels at positions 1"):
        adjusted_rand_index([1, 2, 3], [1, None, 2])


def _small_tables():
    lines = pd.DataFrame({"transaction_id": [1, 1, 2, 3, 4, 5, 6],
                          "line_no": [1, 2, 1, 1, 1, 1, 1],
                          "product_id": [10, 20, 20, 10, 30, 30, 30],
                          "amount": [30.0, 10.0, 10.0, 25.0, 5.0, 6.0, 7.0]})
    prods = pd.DataFrame({"product_id": [10, 20, 30], "name": ["Zelt", "Socke", "Seil"],
                          "category": ["Zelte", "Socken", "Seile"]})
    tx = pd.DataFrame({"transaction_id": [1, 2, 3, 4, 5, 6], "customer_id": [1, 1, 2, 3, 4, 4],
                       "date": pd.to_datetime(["2024-01-01"] * 6),
                       "amount": [40.0, 10.0, 25.0, 5.0, 6.0, 7.0]})
    return lines, prods, tx


def test_category_shares_by_hand():
    lines, prods, tx = _small_tables()
    sh = category_shares(lines, prods, tx)
    assert list(sh.columns) == ["Seile", "Socken", "Zelte"]
    assert sh.loc[1].tolist() == pytest.approx([0.0, 2 / 3, 1 / 3])
    assert sh.loc[4].tolist() == [1.0, 0.0, 0.0]
    by_amount = category_shares(lines, prods, tx, weight="amount")
    assert by_amount.loc[1].tolist() == pytest.approx([0.0, 0.4, 0.6])
    np.testing.assert_allclose(sh.sum(axis=1), 1.0)


def test_category_shares_errors():
    lines, prods, tx = _small_tables()
    with pytest.raises(CRMDataError, match="product_id that is not in products"):
        category_shares(lines, prods[prods.product_id != 30], tx)
    with pytest.raises(CRMDataError, match="transaction_id that is not in transactions"):
        category_shares(lines, prods, tx[tx.transaction_id != 6])
    with pytest.raises(CRMDataError, match="weight must be 'lines' or 'amount'"):
        category_shares(lines, prods, tx, weight="count")


def test_needs_segments_small_and_deterministic():
    lines, prods, tx = _small_tables()
    before = lines.copy()
    seg = needs_segments(lines, prods, tx, k=2, seed=3)
    pd.testing.assert_frame_equal(lines, before)
    assert list(seg.columns) == ["customer_id", "segment"]
    # the rope buyers (3, 4) form one segment, the tent/sock buyers (1, 2) the other
    assert seg.set_index("customer_id")["segment"].to_dict() in (
        {1: 0, 2: 0, 3: 1, 4: 1}, {1: 1, 2: 1, 3: 0, 4: 0})
    pd.testing.assert_frame_equal(seg, needs_segments(lines, prods, tx, k=2, seed=3))
    with pytest.raises(CRMDataError, match="k=5 segments need at least 5 customers"):
        needs_segments(lines, prods, tx, k=5)
    with pytest.raises(CRMDataError, match="k must be a whole number of segments, at least 2"):
        needs_segments(lines, prods, tx, k=1)


def test_needs_segments_recover_truth(world):
    seg = needs_segments(world.order_lines, world.products, world.transactions, k=5, seed=0)
    truth = world.truth.customers.set_index("customer_id")["needs_segment"]
    ari = adjusted_rand_index(seg["segment"], truth.reindex(seg["customer_id"]).to_numpy())
    # measured 0.34 (seeds 0-2: 0.32-0.34); hikers and casual buyers overlap in what they buy
    assert ari > 0.25
    # sizes are numbered largest first and every segment is used
    sizes = seg["segment"].value_counts().sort_index().to_numpy()
    assert len(sizes) == 5 and np.all(np.diff(sizes) <= 0)
    # the climber segment is found almost cleanly: one segment is >= 80 % climbers
    shares = pd.crosstab(seg["segment"], truth.reindex(seg["customer_id"]).to_numpy(),
                         normalize="index")
    assert shares["climber"].max() > 0.8


def test_segment_profiles(world):
    lines, prods, tx = _small_tables()
    sh = category_shares(lines, prods, tx)
    seg = pd.DataFrame({"customer_id": [1, 2, 3, 4], "segment": [0, 0, 1, 1]})
    prof = segment_profiles(sh, seg)
    assert prof.loc[0, "Zelte"] == pytest.approx((1 / 3 + 1) / 2)
    assert prof["customers"].tolist() == [2, 2]
    with pytest.raises(CRMDataError, match=r"1 customer\(s\) of shares have no segment \(customer_id 4\)"):
        segment_profiles(sh, seg.iloc[:3])


# --- plots -----------------------------------------------------------------------------------

def test_plots(world):
    spend = yearly_spend(world.transactions, 2024, customers=world.customers)
    counts = membership_tiers(spend).value_counts(sort=False)
    ax = plot_tiers(counts)
    assert ax.get_title() == TEXT["tiers_title"]
    assert len(ax.patches) == 4
    fig, ax2 = plt.subplots()
    assert plot_lifecycle(lifecycle_stages(customer_summary(world.transactions))
                          .value_counts(sort=False), ax=ax2) is ax2
    assert [t.get_text() for t in ax2.get_xticklabels()] == list(LIFECYCLE_STAGES)
    sh = category_shares(world.order_lines, world.products, world.transactions)
    seg = needs_segments(world.order_lines, world.products, world.transactions, k=3, n_init=2)
    ax3 = plot_segment_profiles(segment_profiles(sh, seg), cmap="Greens")
    assert ax3.get_title() == TEXT["profiles_title"]
    assert len(ax3.get_xticklabels()) == sh.shape[1]


def test_plot_errors():
    with pytest.raises(CRMDataError, match="tier_counts: expected a Series"):
        plot_tiers([1, 2, 3])
    with pytest.raises(CRMDataError, match="counts must be non-negative"):
        plot_lifecycle(pd.Series({"new": -1}))
    with pytest.raises(CRMDataError, match="profiles: expected the non-empty DataFrame"):
        plot_segment_profiles(pd.DataFrame())
