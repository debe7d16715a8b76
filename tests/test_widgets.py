"""Tests for crmlearn.widgets: direction of effects, robustness, no growing output."""

import matplotlib

matplotlib.use("Agg")

import re  # noqa: E402

import ipywidgets as w  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import crmlearn  # noqa: E402
from crmlearn.datasets import generate  # noqa: E402
from crmlearn.errors import CRMDataError  # noqa: E402
from crmlearn.value import abc_classes, abc_table, retention_clv, value_categories  # noqa: E402
from crmlearn.widgets import (  # noqa: E402
    ABCExplorer,
    BudgetSplitWhatIf,
    ChurnWhatIf,
    CLVWhatIf,
    NPSSimulator,
    RFMExplorer,
    ValueCategoryExplorer,
    abc_explorer,
    budget_split_whatif,
    churn_whatif,
    clv_whatif,
    nps_simulator,
    rfm_explorer,
    value_category_explorer,
)
from crmlearn.widgets._base import format_eur  # noqa: E402


@pytest.fixture(scope="module")
def summary():
    world = generate("retail", n_customers=800, seed=2024)
    return crmlearn.customer_summary(world.transactions, observation_end=world.observation_end)


@pytest.fixture(scope="module")
def value_inputs(summary):
    rng = np.random.default_rng(7)
    potential = (summary["revenue"] * rng.gamma(1.2, 1.2, len(summary))).rename("potential")
    margin = (0.3 * summary["revenue"] - 40.0).rename("margin")
    return margin, potential


def _bad_text(widget):
    words = re.findall(r"[a-z]+", widget.headline_text.lower())
    return widget.error is not None or "nan" in words or "inf" in words or "infinity" in words


def _check_robust(widget):
    assert not _bad_text(widget), (widget.state, widget.headline_text, widget.error)
    assert widget.headline.value.strip()


def _check_stable(widget, steps):
    """Many updates: same box children, same Image object, no pyplot figures."""
    children = [tuple(widget.widget.children)]
    image = widget.image
    for step in steps:
        widget.set(**step)
        _check_robust(widget)
    assert tuple(widget.widget.children) == children[0]
    assert widget.image is image
    assert plt.get_fignums() == []


def _check_reset(widget, change):
    widget.set(**change)
    assert widget.state != widget.defaults
    widget.reset_button.click()
    assert widget.state == widget.defaults
    assert widget.message is None


# ---- CLV -----------------------------------------------------------------------------------


def _clv_expected(state):
    return retention_clv(state["margin"], state["retention"] / 100, state["discount"] / 100,
                         None if state["infinite"] else state["years"], state["timing"],
                         state["acquisition_cost"])


def test_clv_headline_equals_retention_clv_and_moves_with_retention():
    clv = clv_whatif(margin=200, retention=0.8, discount=0.1, acquisition_cost=300, years=10)
    assert clv.result.clv == pytest.approx(_clv_expected(clv.state))
    assert format_eur(_clv_expected(clv.state)) in clv.headline_text
    low = clv.result.clv
    image = clv.image.value
    clv.set(retention=90)
    assert clv.result.clv > low
    assert format_eur(_clv_expected(clv.state)) in clv.headline_text
    assert clv.image.value != image
    clv.set(discount=20)
    assert clv.result.clv < _clv_expected({**clv.state, "discount": 10})
    assert "1,700 EUR" in CLVWhatIf(margin=200, acquisition_cost=300, years=10).headline_text


def test_clv_endless_value_shows_message():
    clv = CLVWhatIf()
    clv.set(retention=100, discount=0, infinite=True)
    assert clv.message.startswith("With 100 % retention and 0 % discount")
    assert "finite horizon" in clv.headline_text
    assert clv.controls["years"].disabled
    _check_robust(clv)
    clv.set(infinite=False)
    assert clv.message is None
    assert clv.result.clv == pytest.approx(_clv_expected(clv.state))


def test_clv_reset_and_stability():
    clv = CLVWhatIf()
    _check_reset(clv, {"margin": 1500, "retention": 33, "infinite": True, "timing": "start"})
    steps = [{"retention": r, "years": y} for r in (0, 50, 100) for y in (1, 50)]
    steps += [{"infinite": True, "discount": 0}, {"infinite": False}]
    _check_stable(clv, steps)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(margin=st.sampled_from([0.0, 10.0, 990.0, 2000.0]),
       retention=st.sampled_from([0.0, 1.0, 50.0, 99.0, 100.0]),
       discount=st.sampled_from([0.0, 0.5, 10.0, 30.0]),
       cost=st.sampled_from([0.0, 3000.0]), years=st.sampled_from([1, 7, 50]),
       infinite=st.booleans(), timing=st.sampled_from(["end", "start"]))
def test_clv_any_position_is_safe(clv_widget, margin, retention, discount, cost, years, infinite,
                                  timing):
    clv_widget.set(margin=margin, retention=retention, discount=discount, acquisition_cost=cost,
                   years=years, infinite=infinite, timing=timing)
    _check_robust(clv_widget)
    if clv_widget.message is None:
        assert clv_widget.result.clv == pytest.approx(_clv_expected(clv_widget.state))


@pytest.fixture(scope="module")
def clv_widget():
    return CLVWhatIf()


# ---- churn ---------------------------------------------------------------------------------


def test_churn_higher_retention_more_customers_and_profit():
    cw = churn_whatif(customers=10_000, retention=0.8, change=0, margin_per_customer=100)
    base = cw.result
    assert np.allclose(base[base.scenario == "base"]["customers"].to_numpy(),
                       base[base.scenario == "changed"]["customers"].to_numpy())
    assert cw.headline_text.split()[0] == "0"
    image = cw.image.value
    cw.set(change=5)
    r = cw.result
    changed, today = r[r.scenario == "changed"], r[r.scenario == "base"]
    assert changed["customers"].iloc[-1] > today["customers"].iloc[-1]
    assert changed["cumulative_profit"].iloc[-1] > today["cumulative_profit"].iloc[-1]
    assert cw.headline_text.split()[0].startswith("+")
    assert cw.image.value != image
    cw.set(change=-5)
    assert cw.headline_text.split()[0].startswith("-")


def test_churn_retention_is_clipped_and_ranges_are_safe():
    cw = ChurnWhatIf()
    cw.set(retention=100, change=20)
    assert cw.changed_retention(cw.state) == 1.0
    cw.set(retention=0, change=-20)
    assert cw.changed_retention(cw.state) == 0.0
    steps = [{"retention": r, "change": c} for r, c in ((0, -20), (0, 20), (50, 0), (100, -20), (100, 20))]
    steps += [{"customers": 0, "new_customers_per_year": 0}, {"margin_per_customer": -200},
              {"years": 1}, {"years": 20, "discount": 30}, {"retention_cost_per_customer": 200},
              {"customers": 100_000, "new_customers_per_year": 20_000, "revenue_per_customer": 0}]
    _check_stable(cw, steps)
    _check_reset(cw, {"customers": 500, "years": 3})
    # the axes follow the data again after a flat (all zero) picture
    cw.set(customers=0, new_customers_per_year=0)
    cw.reset()
    low, high = cw.value_range("cumulative_profit")
    assert low <= 0 and high >= cw.result["cumulative_profit"].max() > 1000
    assert high < 2 * cw.result["cumulative_profit"].max()  # the scale follows the data


def test_churn_tick_labels_follow_the_data_without_a_full_redraw():
    cw = ChurnWhatIf(customers=5_000)
    labels = [t.get_text() for t in cw._ticks["customers"]]
    background = cw._bg
    cw.set(customers=100_000)
    new = [t.get_text() for t in cw._ticks["customers"]]
    assert new != labels and new[-1].endswith("k")
    assert cw._bg is background  # lines and labels only: the cached background was kept
    low, high = cw.value_range("customers")
    assert low == 0 and high >= 100_000
    line = cw._lines["customers"][0]
    assert 0 <= line.get_ydata().min() and line.get_ydata().max() <= 1
    cw.set(years=10)
    assert cw._bg is not background  # a new x axis needs a full redraw


def test_budget_split_widget():
    bs = budget_split_whatif()
    assert isinstance(bs, BudgetSplitWhatIf)
    row = bs.chosen
    assert format_eur(float(row["profit_total"])) in bs.headline_text
    image = bs.image.value
    bs.set(retention_share=0)
    assert bs.chosen["new_customers_per_year"] > row["new_customers_per_year"]
    assert bs.chosen["retention"] == 0.8
    assert bs.image.value != image
    steps = [{"retention_share": s} for s in (0, 5, 100)]
    steps += [{"budget": 0}, {"base_retention": 100, "max_retention": 0},
              {"margin_per_customer": -200, "years": 20, "discount": 30},
              {"customers": 100, "budget": 3_000_000, "half_gap_cost": 5, "acquisition_cost": 10}]
    _check_stable(bs, steps)
    _check_reset(bs, {"budget": 20_000})


# ---- NPS -----------------------------------------------------------------------------------


def test_nps_more_promoters_higher_score():
    sim = nps_simulator(promoters=50, passives=20, detractors=30)
    assert sim.result["nps"] == 20.0
    assert "NPS +20" in sim.headline_text
    image = sim.image.value
    sim.set(promoters=80)
    assert sim.result["nps"] > 20
    assert sim.image.value != image
    sim.set(detractors_to_passives=10)
    assert "Before the moves" in sim.headline_text
    sim.set(detractors=1000, promoters=0)
    assert sim.headline_text.split()[1].startswith("-")


def test_nps_no_answers_and_stability():
    sim = NPSSimulator()
    sim.set(promoters=0, passives=0, detractors=0)
    assert sim.result is None
    assert "at least one answer" in sim.message
    _check_robust(sim)
    steps = [{"promoters": p, "passives": q, "detractors": d}
             for p in (0, 1000) for q in (0, 500) for d in (0, 1000)]
    steps += [{"detractors_to_passives": 1000, "passives_to_promoters": 1000}]
    _check_stable(sim, steps)
    _check_reset(sim, {"promoters": 3})


# ---- ABC -----------------------------------------------------------------------------------


def test_abc_table_follows_the_controls(summary):
    abc = abc_explorer(summary["revenue"])
    expected = abc_table(summary["revenue"], abc_classes(summary["revenue"]))
    pd.testing.assert_frame_equal(abc.result, expected)
    share = abc.result.loc["A", "value_share"]
    image = abc.image.value
    abc.set(a_share=40)
    assert abc.result.loc["A", "value_share"] > share
    assert abc.image.value != image
    abc.set(method="cumulative")
    assert abc.controls["a_share"].disabled and not abc.controls["cut_a"].disabled
    assert abc.result.loc["A", "value_share"] >= 0.8 - 1e-9
    assert "revenue" in abc.headline_text


def test_abc_degenerate_borders_give_messages(summary):
    abc = ABCExplorer(summary["revenue"])
    abc.set(a_share=80, c_share=80)
    assert abc.result is None and "more than 100 %" in abc.message
    abc.set(method="cumulative", cut_a=99, cut_b=10)
    assert abc.result is None and "A must end before B" in abc.message
    abc.reset()
    assert abc.message is None
    steps = [{"method": "rank", "a_share": a, "c_share": c} for a, c in ((1, 1), (50, 20), (80, 20), (1, 80))]
    steps += [{"method": "cumulative", "cut_a": a, "cut_b": b} for a, b in ((10, 10), (10, 100), (99, 100))]
    _check_stable(abc, steps)
    _check_reset(abc, {"a_share": 5})


# ---- RFM -----------------------------------------------------------------------------------


def test_rfm_weights_and_bins(summary):
    rfm = rfm_explorer(summary)
    assert isinstance(rfm, RFMExplorer)
    assert "segment" in rfm.result
    assert rfm.result["rfm_weighted"].tolist() == pytest.approx(
        (rfm.result["rfm_sum"] / 3).tolist())
    image = rfm.image.value
    rfm.set(r_weight=5, f_weight=0, m_weight=0)
    assert rfm.result["rfm_weighted"].tolist() == pytest.approx(
        rfm.result["r"].astype(float).tolist())
    assert rfm.image.value != image
    rfm.set(bins=3)
    assert rfm.result["r"].max() == 3 and "segment" not in rfm.result
    rfm.set(r_weight=0)
    assert rfm.result is None and "weight above 0" in rfm.message
    _check_robust(rfm)
    steps = [{"bins": 4, "r_weight": 0, "f_weight": 0, "m_weight": 1.0}, {"r_weight": 5, "f_weight": 2.5},
             {"bins": 5, "m_weight": 0}, {"m_weight": 5}]
    _check_stable(rfm, steps)
    _check_reset(rfm, {"bins": 4})


def test_rfm_switching_classes_back_reuses_the_drawn_panels(summary):
    rfm = rfm_explorer(summary)
    canvas = rfm.figure.canvas
    rfm.set(bins=3)
    left = next(ax for ax in rfm.axes if ax.get_visible())
    assert [t.get_text() for t in left.get_xticklabels()] == ["1", "2", "3"]  # 3 classes, 3 columns
    image_3 = rfm.image.value
    rfm.set(bins=5)
    full_draws = []
    original = canvas.draw
    canvas.draw = lambda *a, **k: (full_draws.append(1), original(*a, **k))
    try:
        rfm.set(bins=3)
        rfm.set(bins=5)
    finally:
        canvas.draw = original
    assert full_draws == []  # both pictures came from the cache
    rfm.set(bins=3)
    assert rfm.image.value == image_3
    assert sum(ax.get_visible() for ax in rfm.axes) == 2


# ---- value categories ----------------------------------------------------------------------


def test_value_categories_follow_the_thresholds(value_inputs):
    margin, potential = value_inputs
    vc = value_category_explorer(margin, potential)
    assert isinstance(vc, ValueCategoryExplorer)
    pd.testing.assert_series_equal(vc.result, value_categories(margin, potential, 0.8, 0.8))
    n_mvc = (vc.result == "MVC").sum()
    image = vc.image.value
    vc.set(mvc_top=40)
    assert (vc.result == "MVC").sum() > n_mvc
    assert vc.image.value != image
    assert f"MVC {(vc.result == 'MVC').sum():,}" in vc.headline_text
    steps = [{"mvc_top": a, "mgc_top": b} for a in (1, 25, 50) for b in (1, 50)]
    _check_stable(vc, steps)
    _check_reset(vc, {"mgc_top": 3})


# ---- common behaviour ----------------------------------------------------------------------


def test_display_set_and_errors():
    clv = CLVWhatIf()
    bundle = clv._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert isinstance(clv.widget, w.VBox) and clv.image in clv.widget.children
    with pytest.raises(CRMDataError, match="unknown controls"):
        clv.set(colour="red")
    clv.set(retention=500)  # clipped like a slider
    assert clv.state["retention"] == 100
    assert all(not getattr(c, "continuous_update", False) for c in clv.controls.values())
    assert clv.controls["margin"].description == "Margin per year (EUR)"


def test_large_mode_and_presentation_mode():
    big = CLVWhatIf(large=True)
    assert big.large and "2.8em" in big.headline.value
    small = CLVWhatIf(large=False)
    assert small.figure.get_size_inches()[0] < big.figure.get_size_inches()[0]
    with matplotlib.rc_context({"font.size": 16}):
        assert CLVWhatIf().large


def test_failure_inside_a_widget_is_shown_not_raised(monkeypatch):
    sim = NPSSimulator()

    def broken(state):
        raise RuntimeError("boom")

    monkeypatch.setattr(sim, "_compute", broken)
    sim.set(promoters=1)
    assert isinstance(sim.error, RuntimeError)
    assert "could not be computed" in sim.message


def test_readiness_if_available():
    pytest.importorskip("crmlearn.crm")
    from crmlearn.crm import readiness_score
    from crmlearn.widgets import readiness_assessment

    ra = readiness_assessment()
    assert ra.result.overall == 50.0
    image = ra.image.value
    ra.set(Q1=5, Q2=5, Q3=5)
    assert ra.result.overall > 50
    assert ra.result.scores.iloc[0] == 100.0
    assert ra.image.value != image
    expected = readiness_score({q: v for q, v in ra.state.items()})
    assert ra.result.weakest == expected.weakest
    assert "Readiness 62 / 100" in ra.headline_text  # (100 + 50 + 50 + 50) / 4 = 62.5
    _check_stable(ra, [{q: v} for q, v in zip(ra.controls, [1, 5, 2, 4, 3] * 3, strict=False)])
    _check_reset(ra, {"Q4": 1})


def _pixels(png):
    import io

    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def test_cached_background_gives_the_same_picture_as_a_fresh_widget(summary, value_inputs):
    margin, potential = value_inputs
    # (build, a first move, the final move, the same final state as constructor arguments)
    cases = [
        (lambda **kw: NPSSimulator(**kw), {"promoters": 70}, {"promoters": 61}, {"promoters": 61}),
        (lambda **kw: ABCExplorer(summary["revenue"], **kw), {"a_share": 30}, {"a_share": 31},
         {"a_share": 0.31}),
        (lambda **kw: CLVWhatIf(**kw), {"retention": 85}, {"retention": 86}, {"retention": 0.86}),
    ]
    for make, first, final, arguments in cases:
        widget = make()
        widget.set(**first)
        widget.set(**final)
        fresh = make(**arguments)
        assert widget.state == fresh.state
        assert np.array_equal(_pixels(widget.image.value), _pixels(fresh.image.value))
