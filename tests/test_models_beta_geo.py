"""BG/NBD: published CDNOW estimates, parameter recovery, bad input, properties."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmlearn.errors import CRMDataError
from crmlearn.models import BetaGeo, load_cdnow_summary


def simulate_bgnbd(n, r, alpha, a, b, seed, t_min=26.0, t_max=78.0):
    """Simulate (x, t_x, T) from the BG/NBD story, vectorised over customers."""
    rng = np.random.default_rng(seed)
    big_t = rng.uniform(t_min, t_max, n)
    lam = rng.gamma(r, 1.0 / alpha, n)
    p = rng.beta(a, b, n)
    x, tx, now = np.zeros(n), np.zeros(n), np.zeros(n)
    active = np.ones(n, dtype=bool)
    while active.any():
        idx = np.flatnonzero(active)
        nxt = now[idx] + rng.exponential(1.0 / np.maximum(lam[idx], 1e-300))
        inside = nxt <= big_t[idx]
        buy = idx[inside]
        x[buy] += 1
        tx[buy] = now[buy] = nxt[inside]
        active[idx[~inside]] = False
        active[buy[rng.random(buy.size) < p[buy]]] = False  # drop out after a purchase
    return x, tx, big_t


@pytest.fixture(scope="module")
def cdnow():
    return load_cdnow_summary()


@pytest.fixture(scope="module")
def fitted(cdnow):
    return BetaGeo().fit(cdnow["frequency"], cdnow["recency"], cdnow["T"])


def test_cdnow_data_shape(cdnow):
    assert cdnow.shape == (2357, 4)
    assert int((cdnow["frequency"] > 0).sum()) == 946
    assert cdnow.index.name == "customer_id"


def test_reproduces_published_cdnow_estimates(fitted):
    # Fader, Hardie & Lee (2005), Marketing Science, section 4.
    published = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    assert {k: round(v, 3) for k, v in fitted.params_.items()} == published
    assert round(fitted.log_likelihood_, 1) == -9582.4


def test_reproduces_published_conditional_expectation(fitted):
    # Paper's worked example: customer with x=2, t_x=30.43, T=38.86 expects
    # 1.226 purchases in the next 39 weeks.
    assert round(float(fitted.expected_purchases(39, 2, 30.43, 38.86)), 3) == 1.226


def test_log_likelihood_method_matches_fit(fitted, cdnow):
    ll = fitted.log_likelihood(cdnow["frequency"], cdnow["recency"], cdnow["T"])
    assert ll == pytest.approx(fitted.log_likelihood_, abs=1e-6)


def test_aggregation_gives_same_fit_as_duplicated_rows(cdnow):
    one = BetaGeo().fit(cdnow["frequency"], cdnow["recency"], cdnow["T"])
    twice = pd.concat([cdnow, cdnow])
    two = BetaGeo().fit(twice["frequency"], twice["recency"], twice["T"])
    for k in one.params_:
        assert two.params_[k] == pytest.approx(one.params_[k], rel=1e-4)
    assert two.log_likelihood_ == pytest.approx(2 * one.log_likelihood_, rel=1e-9)


def test_parameter_recovery_on_simulated_data():
    # 20,000 customers, T uniform on 26-78 weeks, seed 7: every parameter
    # within 10 % of the truth.
    truth = {"r": 0.25, "alpha": 4.0, "a": 0.8, "b": 2.5}
    x, tx, big_t = simulate_bgnbd(20_000, **truth, seed=7)
    model = BetaGeo().fit(x, tx, big_t)
    for k, v in truth.items():
        assert model.params_[k] == pytest.approx(v, rel=0.10), (k, model.params_)


def test_inputs_are_not_mutated(cdnow):
    before = cdnow.copy()
    arrays = [cdnow[c].to_numpy().copy() for c in ("frequency", "recency", "T")]
    model = BetaGeo().fit(*arrays)
    model.prob_alive(*arrays)
    model.expected_purchases(10, *arrays)
    pd.testing.assert_frame_equal(cdnow, before)
    np.testing.assert_array_equal(arrays[0], before["frequency"].to_numpy())


def test_series_in_series_out(fitted, cdnow):
    out = fitted.prob_alive(cdnow["frequency"], cdnow["recency"], cdnow["T"])
    assert isinstance(out, pd.Series)
    assert out.index.equals(cdnow.index)
    scalar = fitted.prob_alive(0, 0, 10)
    assert isinstance(scalar, float) and scalar == 1.0


def test_prediction_before_fit_says_call_fit():
    with pytest.raises(RuntimeError, match=r"not fitted yet: call \.fit\(\.\.\.\) first"):
        BetaGeo().prob_alive([1], [1], [2])


def test_repr(fitted):
    assert repr(BetaGeo()) == "BetaGeo(not fitted)"
    assert repr(fitted) == (
        "BetaGeo(r=0.2426, alpha=4.414, a=0.7929, b=2.426; log-likelihood=-9582.43, n=2357)"
    )


def test_no_sign_of_drop_out_raises_instead_of_returning_extreme_params():
    # Every repeat buyer bought right up to T: b runs off to infinity.
    with pytest.raises(
        CRMDataError, match=r"ran off to an extreme parameter value .* Data: 5 customers"
    ):
        BetaGeo().fit([0, 1, 2, 0, 3], [0, 5, 8, 0, 9], [10, 10, 10, 10, 10])


@pytest.mark.parametrize(
    ("x", "tx", "big_t", "pattern"),
    [
        ([1, -1], [1, 0], [2, 2], r"frequency must be >= 0, but 1 value\(s\) are negative \(row 1"),
        (
            [1, 2],
            [3, 1],
            [2, 2],
            r"recency must be <= T .* 1 customer\(s\) break this rule \(row 0\)",
        ),
        ([0, 2], [1, 1], [2, 2], r"recency must be 0 for customers with frequency 0 .*\(row 0\)"),
        ([1, np.nan], [1, 0], [2, 2], r"frequency has 1 missing or infinite value\(s\) \(row 1\)"),
        (
            [1, 2],
            [1, 1],
            [2],
            r"same customers, one value each, but frequency has 2, recency has 2, T has 1",
        ),
        ([], [], [], r"frequency is empty"),
        ([1.5], [1], [2], r"frequency counts repeat purchases and must be whole numbers"),
    ],
)
def test_bad_input_raises_clear_error(x, tx, big_t, pattern):
    with pytest.raises(CRMDataError, match=pattern):
        BetaGeo().fit(x, tx, big_t)


def test_bad_input_names_series_labels():
    x = pd.Series([1, 2, 3], index=["ann", "bob", "cem"])
    with pytest.raises(CRMDataError, match=r"row bob"):
        BetaGeo().fit(x, pd.Series([1.0, 9.0, 1.0], index=x.index), [5.0, 5.0, 5.0])


def test_unidentified_data_raises_with_facts():
    # Nobody ever repeat-purchases: the model cannot be estimated.
    with pytest.raises(
        CRMDataError,
        match=r"no customer has a repeat purchase. Data: 50 customers, largest frequency 0, 100%",
    ):
        BetaGeo().fit(np.zeros(50), np.zeros(50), np.full(50, 30.0))


PARAMS = BetaGeo.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426)


@st.composite
def rfm(draw):
    big_t = draw(st.floats(0.5, 100))
    x = draw(st.integers(0, 40))
    tx = 0.0 if x == 0 else draw(st.floats(0, 1)) * big_t
    return x, tx, big_t


@settings(max_examples=60, deadline=None)
@given(rfm(), st.floats(0.1, 50), st.floats(0.1, 50))
def test_properties_prob_alive_and_monotone_expectation(row, t1, dt):
    x, tx, big_t = row
    p = PARAMS.prob_alive(x, tx, big_t)
    assert 0.0 <= p <= 1.0
    e1 = PARAMS.expected_purchases(t1, x, tx, big_t)
    e2 = PARAMS.expected_purchases(t1 + dt, x, tx, big_t)
    assert 0.0 <= e1 <= e2 + 1e-12


@settings(max_examples=30, deadline=None)
@given(st.floats(0.0, 200), st.floats(0.01, 50))
def test_expected_purchases_new_increasing(t, dt):
    assert 0.0 <= PARAMS.expected_purchases_new(t) <= PARAMS.expected_purchases_new(t + dt)


def test_expectations_continuous_at_a_equal_one():
    near = BetaGeo.from_params(r=0.25, alpha=4, a=1 + 1e-5, b=2.5)
    exact = BetaGeo.from_params(r=0.25, alpha=4, a=1.0, b=2.5)
    assert exact.expected_purchases(20, 3, 10, 30) == pytest.approx(
        near.expected_purchases(20, 3, 10, 30), rel=1e-4
    )
    assert exact.expected_purchases_new(20) == pytest.approx(
        near.expected_purchases_new(20), rel=1e-4
    )


def test_expected_purchases_accepts_one_t_per_customer(fitted, cdnow):
    head = cdnow.head(3)
    per_customer = fitted.expected_purchases(
        [10.0, 20.0, 30.0], *(head[c] for c in ("frequency", "recency", "T"))
    )
    for i, t in enumerate([10.0, 20.0, 30.0]):
        one = fitted.expected_purchases(
            t, *(head[c].iloc[[i]] for c in ("frequency", "recency", "T"))
        )
        assert per_customer.iloc[i] == pytest.approx(one.iloc[0])


def test_load_cdnow_prefers_the_copy_shipped_inside_the_package(tmp_path, monkeypatch):
    import crmlearn
    from crmlearn.models import _published_folder

    shipped = tmp_path / "crmlearn" / "_shipped_datasets" / "published"
    shipped.mkdir(parents=True)
    (shipped / "cdnow_sample_summary.csv").write_text("customer_id,frequency\n1,0\n")
    monkeypatch.setattr(crmlearn, "__file__", str(tmp_path / "crmlearn" / "__init__.py"))
    assert _published_folder() == shipped.resolve()
    (shipped / "cdnow_sample_summary.csv").unlink()
    with pytest.raises(FileNotFoundError, match="cdnow_sample_summary.csv"):
        _published_folder()
