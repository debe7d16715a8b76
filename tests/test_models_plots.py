"""Plots of the models: each returns its Axes, uses the text table, changes no globals."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from crmlearn.errors import CRMDataError  # noqa: E402
from crmlearn.models import BetaGeo, ParetoNBD, ShiftedBetaGeo, load_cdnow_summary  # noqa: E402
from crmlearn.plots.models import (  # noqa: E402
    TEXT,
    plot_calibration_holdout,
    plot_frequency_recency_matrix,
    plot_prob_alive_matrix,
    plot_survival,
)


@pytest.fixture(autouse=True)
def _close_figures():
    rc_before = dict(matplotlib.rcParams)
    yield
    plt.close("all")
    assert dict(matplotlib.rcParams) == rc_before  # no global style change


@pytest.fixture(scope="module")
def bg():
    d = load_cdnow_summary()
    return BetaGeo().fit(d["frequency"], d["recency"], d["T"])


def _holdout_table():
    d = load_cdnow_summary().copy()
    rng = np.random.default_rng(0)
    d["frequency_holdout"] = rng.poisson(0.5 + 0.3 * d["frequency"].clip(upper=7))
    d["duration_holdout"] = 39.0
    return d


def test_calibration_holdout_plot(bg):
    ax = plot_calibration_holdout(_holdout_table(), bg, color="black")
    assert ax.get_title() == TEXT["holdout_title"]
    assert ax.get_xlabel() == TEXT["holdout_x"]
    assert [t.get_text() for t in ax.get_xticklabels()][-1] == "7+"
    actual, model = ax.get_lines()
    assert len(actual.get_xdata()) == 8 and model.get_color() == "black"


def test_calibration_holdout_plot_needs_holdout_columns(bg):
    with pytest.raises(CRMDataError, match=r"lacks column\(s\) \['frequency_holdout'"):
        plot_calibration_holdout(load_cdnow_summary(), bg)


@pytest.mark.parametrize("model_cls", [BetaGeo, ParetoNBD])
def test_matrices_use_given_axes(model_cls):
    d = load_cdnow_summary()
    model = model_cls().fit(d["frequency"], d["recency"], d["T"])
    fig, (ax1, ax2) = plt.subplots(1, 2)
    assert plot_prob_alive_matrix(model, ax=ax1) is ax1
    assert plot_frequency_recency_matrix(model, t=10, max_frequency=10, ax=ax2, cmap="magma") is ax2
    assert ax1.get_title() == TEXT["alive_title"]
    assert ax2.get_title() == TEXT["fr_title"].format(t=10)
    grid = ax1.get_images()[0].get_array()
    assert grid.shape[0] == d["frequency"].max() + 1
    assert np.nanmin(grid) >= 0 and np.nanmax(grid) <= 1


def test_matrix_of_unfitted_or_paper_model():
    with pytest.raises(CRMDataError, match=r"not fitted yet: call model.fit"):
        plot_prob_alive_matrix(BetaGeo())
    paper = BetaGeo.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426)
    with pytest.raises(CRMDataError, match=r"Pass max_frequency and max_recency"):
        plot_prob_alive_matrix(paper)
    assert plot_prob_alive_matrix(paper, max_frequency=5, max_recency=30) is not None


def test_survival_plot():
    survivors = [1000, 631, 468, 382, 326, 289, 262, 241]
    model = ShiftedBetaGeo().fit(survivors)
    ax = plot_survival(model, survivors=survivors, linestyle=":")
    curve, points = ax.get_lines()
    assert len(curve.get_xdata()) == 15  # 0..14, twice the observed periods
    np.testing.assert_allclose(points.get_ydata(), np.array(survivors) / 1000)
    assert ax.get_ylabel() == TEXT["survival_y"]
    assert plot_survival(model).get_lines()[0].get_xdata()[-1] == 12


def test_plots_accept_series_inputs_without_changing_them(bg):
    table = _holdout_table()
    before = table.copy()
    plot_calibration_holdout(table, bg)
    pd.testing.assert_frame_equal(table, before)
