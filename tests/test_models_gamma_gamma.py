"""Gamma-Gamma spend model: published CDNOW estimates, recovery, bad input."""

import numpy as np
import pandas as pd
import pytest

from crmlearn.errors import CRMDataError
from crmlearn.models import GammaGamma, load_cdnow_summary


@pytest.fixture(scope="module")
def repeat():
    d = load_cdnow_summary()
    return d[d["frequency"] > 0]


def test_reproduces_published_cdnow_estimates(repeat):
    # Fader & Hardie (2013) note: p=6.25, q=3.74, gamma=15.44 on the 946
    # CDNOW repeat buyers. Our maximum: p=6.249, q=3.745, v=15.448; we allow
    # one unit in the last printed digit (the note's estimates come from a
    # spreadsheet solver; the likelihood is flat along p*v/(q-1)).
    model = GammaGamma().fit(repeat["frequency"], repeat["monetary_value"])
    assert model.n_customers_ == 946
    for k, v in {"p": 6.25, "q": 3.74, "v": 15.44}.items():
        assert abs(model.params_[k] - v) <= 0.011, (k, model.params_)
    # Log-likelihood including every constant (density of the mean spend);
    # regression value, see the report: -4055.9.
    assert round(model.log_likelihood_, 1) == -4055.9
    # Population mean spend p*v/(q-1) is well determined: about 35.2 USD.
    p, q, v = (model.params_[k] for k in ("p", "q", "v"))
    assert p * v / (q - 1) == pytest.approx(35.15, abs=0.05)


def test_parameter_recovery_on_simulated_data():
    # 20,000 customers with 1 + Poisson(3) repeat purchases, seed 3; within 10 %.
    p, q, v = 6.0, 4.0, 15.0
    rng = np.random.default_rng(3)
    x = 1 + rng.poisson(3.0, 20_000)
    nu = rng.gamma(q, 1.0 / v, x.size)  # rate of the spend distribution per customer
    mean_spend = rng.gamma(p * x, 1.0 / (nu * x))  # mean of x Gamma(p, nu) values
    model = GammaGamma().fit(x, mean_spend)
    for k, truth in {"p": p, "q": q, "v": v}.items():
        assert model.params_[k] == pytest.approx(truth, rel=0.10), (k, model.params_)


def test_frequency_zero_rows_are_rejected_with_a_count(repeat):
    d = load_cdnow_summary()
    with pytest.raises(
        CRMDataError,
        match=r"repeat customers only, but 1411 of 2357 rows have frequency 0 .*"
        r"summary\[summary\.frequency > 0\]",
    ):
        GammaGamma().fit(d["frequency"], d["monetary_value"])


@pytest.mark.parametrize(
    ("x", "m", "pattern"),
    [
        ([1, 2], [10.0, 0.0], r"monetary_value must be > 0 .* 1 row\(s\) are <= 0 \(row 1\)"),
        ([1, 2], [10.0, -5.0], r"monetary_value must be >= 0"),
        ([1, 2], [10.0], r"frequency has 2, monetary_value has 1"),
        ([1, None], [10.0, 3.0], r"frequency has 1 missing"),
    ],
)
def test_bad_input(x, m, pattern):
    with pytest.raises(CRMDataError, match=pattern):
        GammaGamma().fit(x, m)


def test_expected_spend_shrinks_towards_population_mean():
    gg = GammaGamma.from_params(p=6.25, q=3.74, v=15.44)
    population = 6.25 * 15.44 / 2.74
    out = gg.expected_spend(
        pd.Series([0, 1, 5, 50], index=list("abcd")), [0.0, 100.0, 100.0, 100.0]
    )
    assert list(out.index) == list("abcd")
    assert out["a"] == pytest.approx(population)
    assert population < out["b"] < out["c"] < out["d"] < 100.0


def test_expected_spend_needs_q_above_one():
    with pytest.raises(CRMDataError, match=r"needs q > 1"):
        GammaGamma.from_params(p=1, q=0.9, v=1).expected_spend([1], [10.0])
