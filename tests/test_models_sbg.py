"""Shifted-beta-geometric: published retention examples, DEL/DERL, recovery."""

import numpy as np
import pytest

from crmlearn.errors import CRMDataError
from crmlearn.models import ShiftedBetaGeo

# Fader & Hardie (2007), "How to Project Customer Retention", Table 1:
# customers still active at the start of years 0..7 (the calibration data).
REGULAR = [1000, 631, 468, 382, 326, 289, 262, 241]
HIGH_END = [1000, 869, 743, 653, 593, 551, 517, 491]


@pytest.mark.parametrize(
    ("survivors", "alpha", "beta", "ll"),
    [(REGULAR, 0.704, 1.182, -1680.3), (HIGH_END, 0.668, 3.806, -1611.2)],
)
def test_reproduces_published_estimates(survivors, alpha, beta, ll):
    model = ShiftedBetaGeo().fit(survivors)
    assert round(model.params_["alpha"], 3) == alpha
    assert round(model.params_["beta"], 3) == beta
    assert round(model.log_likelihood_, 1) == ll


def test_projection_close_to_published_holdout_counts():
    # Observed years 8-12 (not used in the fit): 223, 207, 194, 183, 173.
    model = ShiftedBetaGeo().fit(REGULAR)
    projected = 1000 * model.survival(np.arange(8, 13))
    assert np.all(np.abs(projected - [223, 207, 194, 183, 173]) < 5)


def test_survival_retention_churn_are_consistent():
    m = ShiftedBetaGeo.from_params(alpha=0.704, beta=1.182)
    t = np.arange(1, 30)
    assert m.survival(0) == 1.0
    np.testing.assert_allclose(m.survival(t) / m.survival(t - 1), m.retention(t), rtol=1e-12)
    np.testing.assert_allclose(
        m.survival(t - 1) - m.survival(t), m.churn_probability(t), rtol=1e-10
    )
    assert np.all(np.diff(m.retention(t)) > 0)  # retention rises with tenure


def test_del_and_derl_match_brute_force_sums():
    m = ShiftedBetaGeo.from_params(alpha=0.668, beta=3.806)
    d = 0.10
    k = np.arange(0, 4000)
    assert m.discounted_expected_lifetime(d) == pytest.approx(
        np.sum(m.survival(k) / (1 + d) ** k), rel=1e-9
    )
    for n in (1, 2, 5):
        brute = np.sum(m.survival(n + k) / m.survival(n - 1) / (1 + d) ** k)
        assert m.discounted_expected_residual_lifetime(d, periods_alive=n) == pytest.approx(
            brute, rel=1e-9
        )
    # residual lifetime grows with tenure (the survivors are the loyal ones)
    assert m.discounted_expected_residual_lifetime(d, 5) > m.discounted_expected_residual_lifetime(
        d, 1
    )


def test_recovery_from_a_large_simulated_cohort():
    rng = np.random.default_rng(5)
    theta = rng.beta(0.7, 1.2, 200_000)
    lifetime = rng.geometric(theta)  # period in which each customer cancels
    survivors = [(lifetime > t).sum() for t in range(8)]
    model = ShiftedBetaGeo().fit(survivors)
    assert model.params_["alpha"] == pytest.approx(0.7, rel=0.10)
    assert model.params_["beta"] == pytest.approx(1.2, rel=0.10)


@pytest.mark.parametrize(
    ("survivors", "pattern"),
    [
        ([1000], r"at least two counts"),
        ([1000, 600, 700], r"must not increase .* rises at t = 2"),
        ([1000, 600.5], r"whole, non-negative counts"),
        ([0, 0], r"cohort size\) must be > 0"),
        ([1000, np.nan], r"survivors has 1 missing"),
    ],
)
def test_bad_survivors(survivors, pattern):
    with pytest.raises(CRMDataError, match=pattern):
        ShiftedBetaGeo().fit(survivors)


def test_bad_arguments_and_unfitted():
    m = ShiftedBetaGeo.from_params(alpha=1, beta=2)
    with pytest.raises(CRMDataError, match=r"discount must be a finite number > 0"):
        m.discounted_expected_lifetime(0)
    with pytest.raises(CRMDataError, match=r"periods_alive must be a whole number >= 1"):
        m.discounted_expected_residual_lifetime(0.1, periods_alive=0)
    with pytest.raises(CRMDataError, match=r"t must be a period number >= 1"):
        m.retention(0)
    with pytest.raises(RuntimeError, match=r"call \.fit\(\.\.\.\) first"):
        ShiftedBetaGeo().survival(1)
