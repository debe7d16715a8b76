"""predictive_clv and calibration_holdout."""

import numpy as np
import pandas as pd
import pytest

from crmlearn.errors import CRMDataError
from crmlearn.models import (
    BetaGeo,
    GammaGamma,
    ParetoNBD,
    calibration_holdout,
    load_cdnow_summary,
    predictive_clv,
)

BG = BetaGeo.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426)
PN = ParetoNBD.from_params(r=0.553, alpha=10.578, s=0.606, beta=11.669)
GG = GammaGamma.from_params(p=6.25, q=3.74, v=15.44)


@pytest.fixture(scope="module")
def cdnow():
    return load_cdnow_summary()


def _clv(model, d, **kw):
    args = dict(margin=0.3, discount_rate=0.1, horizon=104)
    args.update(kw)
    return predictive_clv(
        model, GG, d["frequency"], d["recency"], d["T"], d["monetary_value"], **args
    )


def test_returns_series_with_input_index(cdnow):
    out = _clv(BG, cdnow)
    assert isinstance(out, pd.Series) and out.name == "clv"
    assert out.index.equals(cdnow.index)
    assert (out >= 0).all()


def test_matches_hand_computed_monthly_sum(cdnow):
    row = cdnow.iloc[[0]]  # x=2, t_x=30.43, T=38.86, spend 22.35
    x, tx, big_t, m = (row[c].to_numpy() for c in ("frequency", "recency", "T", "monetary_value"))
    step = 52 / 12
    edges = np.minimum(np.arange(1, 14) * step, 52.0)  # 52 weeks -> 12 full steps + 0 rest
    edges = np.unique(edges)
    cum = np.array([BG.expected_purchases(t, x, tx, big_t)[0] for t in edges])
    inc = np.diff(np.concatenate([[0.0], cum]))
    expected = 0.25 * GG.expected_spend(x, m)[0] * np.sum(inc / 1.08 ** (edges / 52))
    got = predictive_clv(BG, GG, x, tx, big_t, m, margin=0.25, discount_rate=0.08, horizon=52)
    assert got[0] == pytest.approx(expected, rel=1e-12)


def test_no_discount_equals_margin_times_spend_times_purchases(cdnow):
    out = _clv(PN, cdnow, discount_rate=0.0, horizon=39)
    purchases = PN.expected_purchases(39, cdnow["frequency"], cdnow["recency"], cdnow["T"])
    spend = GG.expected_spend(cdnow["frequency"], cdnow["monetary_value"])
    np.testing.assert_allclose(out, 0.3 * spend * purchases, rtol=1e-10)


def test_discounting_and_margin_behave(cdnow):
    low = _clv(BG, cdnow, discount_rate=0.05)
    high = _clv(BG, cdnow, discount_rate=0.20)
    assert (high <= low + 1e-12).all() and high.sum() < low.sum()
    assert (_clv(BG, cdnow, margin=0.0) == 0).all()
    longer = _clv(BG, cdnow, horizon=208)
    assert (longer >= _clv(BG, cdnow) - 1e-12).all()


@pytest.mark.parametrize(
    ("kw", "pattern"),
    [
        (dict(margin=30), r"margin is a share between 0 and 1 \(0.3 means 30 %\), got 30"),
        (dict(margin=-0.1), r"margin must be a finite number >= 0"),
        (dict(discount_rate=10), r"discount_rate is an annual rate between 0 and 1"),
        (dict(horizon=0), r"horizon must be a finite number > 0"),
    ],
)
def test_bad_arguments(cdnow, kw, pattern):
    with pytest.raises(CRMDataError, match=pattern):
        _clv(BG, cdnow.head(), **kw)


# ---------------------------------------------------------------- holdout ---


def _transactions():
    rows = [
        # customer 1: buys in calibration (twice on one day) and twice in holdout
        (1, "2024-01-01", 20.0, "purchase"),
        (1, "2024-01-01", 5.0, "purchase"),
        (1, "2024-01-15", 50.0, "purchase"),
        (1, "2024-02-05", 30.0, "purchase"),
        (1, "2024-02-05", 10.0, "purchase"),
        (1, "2024-02-19", 20.0, "purchase"),
        (1, "2024-02-20", -20.0, "return"),
        (1, "2024-03-30", 99.0, "purchase"),  # after holdout_end: ignored
        # customer 2: one calibration purchase, nothing later
        (2, "2024-01-10", 40.0, "purchase"),
        # customer 3: first purchase in the holdout period -> not in the table
        (3, "2024-02-01", 10.0, "purchase"),
    ]
    frame = pd.DataFrame(rows, columns=["customer_id", "date", "amount", "kind"])
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def test_calibration_holdout_counts_and_values():
    tx = _transactions()
    before = tx.copy()
    s = calibration_holdout(tx, "2024-01-28", "2024-02-25", time_unit="W")
    pd.testing.assert_frame_equal(tx, before)  # input not modified
    assert list(s.index) == [1, 2]
    assert s.loc[1, "frequency"] == 1
    assert s.loc[1, "recency"] == pytest.approx(2.0)
    assert s.loc[1, "T"] == pytest.approx(27 / 7)
    assert s.loc[1, "frequency_holdout"] == 2  # two purchase days; the return does not count
    assert s.loc[1, "monetary_value_holdout"] == pytest.approx(30.0)  # (40 + 20) / 2
    assert s.loc[2, "frequency_holdout"] == 0 and s.loc[2, "monetary_value_holdout"] == 0.0
    assert (s["duration_holdout"] == 4.0).all()


def test_calibration_holdout_in_days():
    s = calibration_holdout(_transactions(), "2024-01-28", "2024-02-25", time_unit="D")
    assert (s["duration_holdout"] == 28.0).all()
    assert s.loc[1, "recency"] == pytest.approx(14.0)


@pytest.mark.parametrize(
    ("cal", "hold", "unit", "pattern"),
    [
        (
            "2024-02-25",
            "2024-01-28",
            "W",
            r"holdout_end \(2024-01-28\) must lie after calibration_end",
        ),
        (
            "2023-01-01",
            "2024-01-28",
            "W",
            r"no purchase on or before calibration_end \(2023-01-01\)",
        ),
        ("2024-01-28", "2024-02-25", "M", r"time_unit must be 'D' \(days\) or 'W' \(weeks\)"),
    ],
)
def test_calibration_holdout_bad_arguments(cal, hold, unit, pattern):
    with pytest.raises(CRMDataError, match=pattern):
        calibration_holdout(_transactions(), cal, hold, time_unit=unit)


def test_holdout_then_fit_then_clv_end_to_end():
    # A small simulated shop: the pipeline runs and predictions are sensible.
    rng = np.random.default_rng(0)
    rows = []
    start = pd.Timestamp("2023-01-01")
    for cid in range(400):
        first = start + pd.Timedelta(days=int(rng.integers(0, 90)))
        rate = rng.gamma(0.8, 1 / 20)  # purchases per day
        life = rng.exponential(300)
        t = 0.0
        while True:
            rows.append((cid, first + pd.Timedelta(days=int(t)), float(rng.gamma(4, 10))))
            t += rng.exponential(1 / rate)
            if t > life or t > 500:
                break
    tx = pd.DataFrame(rows, columns=["customer_id", "date", "amount"])
    s = calibration_holdout(tx, "2023-09-30", "2024-03-31", time_unit="W")
    bg = BetaGeo().fit(s["frequency"], s["recency"], s["T"])
    pred = bg.expected_purchases(
        s["duration_holdout"].to_numpy(), s["frequency"], s["recency"], s["T"]
    )
    assert pred.sum() == pytest.approx(s["frequency_holdout"].sum(), rel=0.35)
    repeat = s[s["frequency"] > 0]
    gg = GammaGamma().fit(repeat["frequency"], repeat["monetary_value"])
    clv = predictive_clv(
        bg,
        gg,
        s["frequency"],
        s["recency"],
        s["T"],
        s["monetary_value"],
        margin=0.3,
        discount_rate=0.1,
        horizon=52,
    )
    assert clv.index.equals(s.index) and np.isfinite(clv).all()
