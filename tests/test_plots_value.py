"""Tests for crmlearn.plots.value: each plot returns the Axes it drew on."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from crmlearn.errors import CRMDataError  # noqa: E402
from crmlearn.loyalty import cohort_retention, nps_shares  # noqa: E402
from crmlearn.plots.value import (  # noqa: E402
    TEXT,
    plot_abc,
    plot_clv_curve,
    plot_cohort_retention,
    plot_lorenz,
    plot_margin_waterfall,
    plot_nps,
    plot_rfm_heatmap,
    plot_value_categories,
)
from crmlearn.value import (  # noqa: E402
    abc_classes,
    abc_table,
    contribution_margins,
    cumulative_clv,
    lorenz_curve,
    rfm_scores,
    value_categories,
)

RNG = np.random.default_rng(7)
REVENUE = pd.Series(RNG.gamma(0.8, 300.0, 300).round(2), name="revenue")


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def summary():
    return pd.DataFrame(
        {
            "days_since_last": RNG.integers(0, 365, 300),
            "n_purchases": RNG.geometric(0.4, 300),
            "revenue": REVENUE,
        }
    )


def check(ax, given, title, xlabel=None, ylabel=None):
    assert ax is given
    assert ax.get_title() == title
    if xlabel is not None:
        assert ax.get_xlabel() == xlabel
    if ylabel is not None:
        assert ax.get_ylabel() == ylabel


def test_plot_clv_curve():
    _, given = plt.subplots()
    ax = plot_clv_curve(cumulative_clv(100, 0.8, 0.1, 10), ax=given, color="black")
    check(ax, given, TEXT["clv_title"], TEXT["clv_x"], TEXT["clv_y"])
    assert ax.get_lines()[0].get_color() == "black"  # kwargs reach the line


def test_plot_lorenz_with_classes():
    _, given = plt.subplots()
    classes = abc_classes(REVENUE)
    ax = plot_lorenz(lorenz_curve(REVENUE), classes=classes, ax=given)
    check(ax, given, TEXT["lorenz_title"], TEXT["lorenz_x"], TEXT["lorenz_y"])
    assert len(ax.patches) == 3  # A, B, C bands
    ax2 = plot_lorenz(lorenz_curve(REVENUE), classes=abc_table(REVENUE, classes), top=None)
    assert ax2 is not given
    assert len(ax2.patches) == 3


def test_plot_lorenz_rejects_other_tables():
    with pytest.raises(CRMDataError, match="lorenz must be the DataFrame from lorenz_curve"):
        plot_lorenz(pd.DataFrame({"x": [1]}))


def test_plot_abc():
    _, given = plt.subplots()
    ax = plot_abc(abc_table(REVENUE, abc_classes(REVENUE)), ax=given)
    check(ax, given, TEXT["abc_title"], TEXT["abc_x"], TEXT["abc_y"])
    assert len(ax.patches) == 6


def test_plot_rfm_heatmap_count_and_value():
    scores = rfm_scores(summary())
    _, given = plt.subplots()
    ax = plot_rfm_heatmap(scores, ax=given)
    check(ax, given, TEXT["rfm_title_count"], TEXT["rfm_x"], TEXT["rfm_y"])
    # recency 5 at the top
    assert ax.get_yticklabels()[0].get_text() == "5"
    ax = plot_rfm_heatmap(scores, value=REVENUE, cmap="Reds")
    assert ax.get_title() == TEXT["rfm_title_value"].format(value="revenue")
    with pytest.raises(CRMDataError, match="same index as scores"):
        plot_rfm_heatmap(scores, value=REVENUE.iloc[:10])
    # three classes give a 3 x 3 grid (empty cells included), not a 5 x 5 one
    three = rfm_scores(summary(), bins=3)
    ax = plot_rfm_heatmap(three, bins=3)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["1", "2", "3"]
    assert len(ax.get_yticklabels()) == 3
    with pytest.raises(CRMDataError, match="bins=2 is smaller than the largest point"):
        plot_rfm_heatmap(three, bins=2)


def test_plot_margin_waterfall_row_and_table():
    cm = contribution_margins(REVENUE, deductions=10, product_cost=REVENUE * 0.5,
                              service_cost=20, marketing_cost=5)
    _, given = plt.subplots()
    ax = plot_margin_waterfall(cm.iloc[0], ax=given)
    check(ax, given, TEXT["waterfall_title"], ylabel=TEXT["waterfall_y"])
    assert [t.get_text() for t in ax.get_xticklabels()][-1] == TEXT["cm3"]
    ax = plot_margin_waterfall(cm)
    assert len(ax.patches) == 11
    with pytest.raises(CRMDataError, match="margins must be a row or the table"):
        plot_margin_waterfall(pd.Series([1.0]))


def test_plot_value_categories():
    potential = pd.Series(RNG.gamma(1.0, 400.0, 300))
    actual = REVENUE - 100
    cats = value_categories(actual, potential)
    _, given = plt.subplots()
    ax = plot_value_categories(actual, potential, cats, ax=given)
    check(ax, given, TEXT["categories_title"], TEXT["categories_x"], TEXT["categories_y"])
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert TEXT["MVC"] in labels and TEXT["BZC"] in labels


def test_plot_nps():
    shares = nps_shares([10, 9, 9, 8, 7, 6, 3, 10, 9, 5])
    _, given = plt.subplots()
    ax = plot_nps(shares, ax=given)
    check(ax, given, TEXT["nps_title"].format(score=20), TEXT["nps_x"])
    assert ax.get_title().endswith("+20")
    assert len(ax.patches) == 3


def test_plot_cohort_retention():
    tx = pd.DataFrame({"customer_id": [1, 1, 2, 2, 3],
                       "date": pd.to_datetime(["2024-01-05", "2024-02-10", "2024-01-20",
                                               "2024-03-01", "2024-02-14"])})
    _, given = plt.subplots()
    ax = plot_cohort_retention(cohort_retention(tx), ax=given)
    check(ax, given, TEXT["cohort_title"], TEXT["cohort_x"], TEXT["cohort_y"])
    assert [t.get_text() for t in ax.get_yticklabels()] == ["2024-01", "2024-02"]


def test_plots_change_no_global_setting():
    before = dict(matplotlib.rcParams)
    plot_nps(nps_shares([9, 5]))
    plot_abc(abc_table(REVENUE, abc_classes(REVENUE)))
    assert dict(matplotlib.rcParams) == before
