"""Tests for crmlearn.loyalty: churn, retention, cohorts, NPS and CSAT."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmlearn.errors import CRMDataError
from crmlearn.loyalty import (
    churn_rate,
    churn_rate_from_activity,
    cohort_retention,
    csat,
    customer_spans,
    nps,
    nps_shares,
    retention_rate,
)

FAST = settings(max_examples=40, deadline=None)


# ---------------------------------------------------------------- churn from counts


def test_churn_rate_uses_average_base():
    # lost 105 of an average of (1000 + 1100) / 2 = 1050
    assert churn_rate(105, 1000, 1100) == pytest.approx(0.1)
    assert isinstance(churn_rate(105, 1000, 1100), float)
    # constant base: 10 % lost is 10 % churn (the "firms lose about 10 % a year" claim)
    assert churn_rate(100, 1000, 1000) == pytest.approx(0.1)


def test_churn_rate_vectorised():
    out = churn_rate(pd.Series([10, 20], index=["2023", "2024"]), 100, [100, 60])
    assert list(out.index) == ["2023", "2024"]
    assert out.tolist() == pytest.approx([0.1, 0.25])


@pytest.mark.parametrize(
    "args, match",
    [
        ((-1, 10, 10), "lost must be >= 0"),
        ((1, -10, 10), "customers_at_start must be >= 0"),
        ((1, 0, 0), "both 0"),
        ((np.nan, 10, 10), "missing values"),
    ],
)
def test_churn_rate_bad_input(args, match):
    with pytest.raises(CRMDataError, match=match):
        churn_rate(*args)


def test_retention_rate():
    assert retention_rate(900, 1000) == pytest.approx(0.9)
    with pytest.raises(CRMDataError, match="retained is larger than customers_at_start"):
        retention_rate(1100, 1000)
    with pytest.raises(CRMDataError, match="customers_at_start must be > 0"):
        retention_rate(0, 0)


# ---------------------------------------------------------------- churn from dates


def test_churn_rate_from_activity_by_hand():
    start = pd.Series(pd.to_datetime(
        ["2021-06-01", "2022-03-01", "2022-12-31", "2023-02-01", "2023-05-01", "2023-12-31"]))
    end = pd.Series(pd.to_datetime(
        [None, "2023-01-15", "2023-12-31", None, "2023-08-01", None]))
    r = churn_rate_from_activity(start, end, period_end="2023-12-31")
    assert r["period_start"] == pd.Timestamp("2022-12-31")
    # active on 2022-12-31: customers 0, 1, 2 (customer 2 started that day)
    assert r["customers_at_start"] == 3
    # new: 3, 4, 5; lost within the period: 1 and 4 (2 ends on the last day: still active)
    assert r["new"] == 3
    assert r["lost"] == 2
    assert r["customers_at_end"] == 4
    assert r["customers_at_end"] == r["customers_at_start"] + r["new"] - r["lost"]
    assert r["churn_rate"] == pytest.approx(2 / 3.5)
    assert r["retained"] == 2
    assert r["retention_rate"] == pytest.approx(2 / 3)
    assert r["churn_rate"] == pytest.approx(churn_rate(2, 3, 4))


def test_churn_rate_from_activity_calendar_year_offset():
    start = pd.to_datetime(["2020-01-01", "2020-01-01"])
    end = pd.to_datetime([None, "2024-06-30"])
    r = churn_rate_from_activity(start, end, "2024-12-31", period=pd.DateOffset(years=1))
    assert r["period_start"] == pd.Timestamp("2023-12-31")
    assert r["lost"] == 1


dates = st.dates(min_value=pd.Timestamp("2020-01-01").date(),
                 max_value=pd.Timestamp("2024-12-31").date())


@FAST
@given(st.lists(st.tuples(dates, st.one_of(st.none(), st.integers(0, 1500))), min_size=1,
                max_size=40))
def test_churn_from_activity_balances(rows):
    start = pd.Series(pd.to_datetime([s for s, _ in rows]))
    end = pd.Series([pd.NaT if d is None else pd.Timestamp(s) + pd.Timedelta(days=d)
                     for s, d in rows], dtype="datetime64[ns]")
    before = (start.copy(), end.copy())
    try:
        r = churn_rate_from_activity(start, end, "2023-06-30")
    except CRMDataError as err:
        assert "no customer was active" in str(err)
        return
    pd.testing.assert_series_equal(start, before[0])
    pd.testing.assert_series_equal(end, before[1])
    assert r["customers_at_end"] == r["customers_at_start"] + r["new"] - r["lost"]
    assert 0 <= r["retained"] <= r["customers_at_start"]


def test_churn_from_activity_bad_input():
    with pytest.raises(CRMDataError, match=r"end_dates: 1 customers end before they start \(row 1"):
        churn_rate_from_activity(pd.to_datetime(["2023-01-01", "2023-05-01"]),
                                 pd.to_datetime([None, "2023-02-01"]), "2023-12-31")
    with pytest.raises(CRMDataError, match="no start date"):
        churn_rate_from_activity(pd.to_datetime([None]), pd.to_datetime([None]), "2023-12-31")
    with pytest.raises(CRMDataError, match="has 2 customers but end_dates has 1"):
        churn_rate_from_activity(pd.to_datetime(["2023-01-01"] * 2), pd.to_datetime([None]),
                                 "2023-12-31")
    with pytest.raises(CRMDataError, match="period must be a length"):
        churn_rate_from_activity(pd.to_datetime(["2023-01-01"]), pd.to_datetime([None]),
                                 "2023-12-31", period="a year")
    with pytest.raises(CRMDataError, match="no customer was active"):
        churn_rate_from_activity(pd.to_datetime(["2023-01-01"]), pd.to_datetime([None]),
                                 "2020-12-31")
    with pytest.raises(CRMDataError, match="could not read the values as dates"):
        churn_rate_from_activity(["soon"], [None], "2020-12-31")


def test_customer_spans():
    c = pd.DataFrame({
        "customer_id": [1, 1, 2, 3, 3],
        "start_date": pd.to_datetime(["2023-01-01", "2024-01-01", "2023-06-01", "2022-01-01",
                                      "2022-05-01"]),
        "end_date": pd.to_datetime(["2023-12-31", None, "2023-11-30", "2022-12-31",
                                    "2023-03-31"]),
    })
    before = c.copy()
    spans = customer_spans(c)
    pd.testing.assert_frame_equal(c, before)
    assert spans.index.tolist() == [1, 2, 3]
    assert pd.isna(spans.loc[1, "end"])
    assert spans.loc[3, "start"] == pd.Timestamp("2022-01-01")
    assert spans.loc[3, "end"] == pd.Timestamp("2023-03-31")
    with pytest.raises(CRMDataError, match=r"columns \['start'\] are not in the table"):
        customer_spans(c, start="start")


# ---------------------------------------------------------------- cohort retention


def test_cohort_retention_transactions():
    tx = pd.DataFrame({
        "customer_id": [1, 1, 1, 2, 3, 3, 4],
        "date": pd.to_datetime(["2024-01-05", "2024-01-20", "2024-03-01", "2024-01-10",
                                "2024-02-01", "2024-03-15", "2024-03-20"]),
    })
    before = tx.copy()
    table = cohort_retention(tx)
    pd.testing.assert_frame_equal(tx, before)
    assert [str(p) for p in table.index] == ["2024-01", "2024-02", "2024-03"]
    assert table.columns.tolist() == [0, 1, 2]
    assert table.loc[pd.Period("2024-01", "M")].tolist() == [1.0, 0.0, 0.5]
    assert table.loc[pd.Period("2024-02", "M")].tolist()[:2] == [1.0, 1.0]
    assert np.isnan(table.loc[pd.Period("2024-02", "M"), 2])
    assert table[0].eq(1.0).all()


def test_cohort_retention_contracts_never_rise():
    c = pd.DataFrame({
        "customer_id": [1, 2, 3, 4],
        "start_date": pd.to_datetime(["2024-01-01", "2024-01-15", "2024-02-01", "2024-02-10"]),
        "end_date": pd.to_datetime(["2024-02-20", None, "2024-02-28", None]),
    })
    table = cohort_retention(c, date="start_date", end="end_date",
                             observation_end="2024-04-30")
    jan = table.loc[pd.Period("2024-01", "M")].tolist()
    assert jan == [1.0, 1.0, 0.5, 0.5]
    feb = table.loc[pd.Period("2024-02", "M")].tolist()
    assert feb[:3] == [1.0, 0.5, 0.5] and np.isnan(feb[3])


def test_cohort_retention_bad_input():
    with pytest.raises(CRMDataError, match=r"columns \['date'\] are not in the table"):
        cohort_retention(pd.DataFrame({"customer_id": [1], "day": ["2024-01-01"]}))
    with pytest.raises(CRMDataError, match="the table is empty"):
        cohort_retention(pd.DataFrame({"customer_id": [], "date": []}))
    with pytest.raises(CRMDataError, match=r"missing dates \(row 1\)"):
        cohort_retention(pd.DataFrame({"customer_id": [1, 2],
                                       "date": pd.to_datetime(["2024-01-01", None])}))


# ---------------------------------------------------------------- NPS and CSAT


def test_nps_by_hand():
    scores = [10, 9, 9, 8, 7, 6, 3, 10, 9, 5]  # 5 promoters, 2 passives, 3 detractors
    assert nps(scores) == pytest.approx(20.0)
    shares = nps_shares(scores)
    assert shares.index.tolist() == ["detractors", "passives", "promoters"]
    assert shares.tolist() == pytest.approx([0.3, 0.2, 0.5])
    assert nps([10] * 4) == 100.0
    assert nps([0, 6]) == -100.0
    assert nps([7, 8]) == 0.0
    assert nps(pd.Series([9.0, 6.0])) == 0.0  # whole numbers stored as floats are fine
    assert nps([9]) == 100.0  # a single answer


@pytest.mark.parametrize(
    "scores, match",
    [
        ([], "no answers"),
        ([9, np.nan, 4], r"1 missing answers \(row 1\)"),
        ([9, 11, -1], r"2 answers outside the 0-10 NPS scale \(rows 1, 2: 11, -1\); allowed are "
                      r"whole numbers from 0 to 10"),
        ([9, 8.5], r"1 answers are not whole numbers \(row 1: 8.5\)"),
        (["9", "ten"], r"non-numeric values \(row 1, e.g. 'ten'\)"),
        (9, "expected a list of answers"),
        ("9", "expected a list of answers"),
        (pd.DataFrame({"nps": [1]}), "got a DataFrame"),
        ([True, False], "must be whole numbers"),
    ],
)
def test_nps_bad_input(scores, match):
    with pytest.raises(CRMDataError, match=match):
        nps(scores)


def test_nps_accepts_numeric_strings():
    assert nps(["9", "10", "3"]) == pytest.approx(100 / 3)


@FAST
@given(st.lists(st.integers(0, 10), min_size=1, max_size=200))
def test_nps_range_and_identity(scores):
    s = pd.Series(scores)
    before = s.copy()
    value = nps(s)
    pd.testing.assert_series_equal(s, before)
    assert -100 <= value <= 100
    shares = nps_shares(s)
    assert shares.sum() == pytest.approx(1.0)
    assert value == pytest.approx(100 * (shares["promoters"] - shares["detractors"]))


def test_csat():
    scores = [5, 4, 4, 3, 1, 5, 2, 4]
    assert csat(scores) == pytest.approx(5 / 8)
    assert csat(scores, method="mean") == pytest.approx(3.5)
    with pytest.raises(CRMDataError, match=r"outside the 1-5 CSAT scale \(row 1: 0\)"):
        csat([5, 0])
    with pytest.raises(CRMDataError, match="method must be 'top2'"):
        csat([5], method="median")
    with pytest.raises(CRMDataError, match="no answers"):
        csat(pd.Series([], dtype=float))
    with pytest.raises(CRMDataError, match="missing answers"):
        csat([5, None])


@FAST
@given(st.lists(st.integers(1, 5), min_size=1, max_size=200))
def test_csat_ranges(scores):
    assert 0 <= csat(scores) <= 1
    assert 1 <= csat(scores, method="mean") <= 5
