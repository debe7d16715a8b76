import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmlearn import CRMDataError, customer_summary
from crmlearn.schema import SUMMARY


def tx(rows):
    return pd.DataFrame(rows, columns=["customer_id", "date", "amount", "kind"]).assign(
        date=lambda d: pd.to_datetime(d["date"])
    )


def test_hand_computed_case():
    t = tx([
        (1, "2024-01-01", 20.0, "purchase"),
        (1, "2024-01-01", 10.0, "purchase"),   # same day: one occasion of 30
        (1, "2024-01-15", 50.0, "purchase"),
        (1, "2024-01-20", -50.0, "return"),
        (2, "2024-01-10", 40.0, "purchase"),
    ])
    s = customer_summary(t, observation_end="2024-01-29")
    assert list(s.columns) == SUMMARY.names[1:]
    assert s.loc[1, "n_purchases"] == 2
    assert s.loc[1, "frequency"] == 1
    assert s.loc[1, "recency"] == 14
    assert s.loc[1, "T"] == 28
    assert s.loc[1, "revenue"] == 80
    assert s.loc[1, "returns"] == 50
    assert s.loc[1, "net_revenue"] == 30
    assert s.loc[1, "monetary_value"] == 50
    assert s.loc[1, "days_since_last"] == 14
    assert s.loc[2, "frequency"] == 0 and s.loc[2, "monetary_value"] == 0
    weeks = customer_summary(t, observation_end="2024-01-29", time_unit="W")
    assert weeks.loc[1, "recency"] == 2 and weeks.loc[1, "T"] == 4


def test_default_observation_end_is_last_date():
    t = tx([(1, "2024-01-01", 5.0, "purchase"), (2, "2024-03-01", 5.0, "purchase")])
    s = customer_summary(t)
    assert s.loc[2, "T"] == 0
    assert s.loc[1, "T"] == 60


def test_text_customer_ids_and_string_dates_work():
    t = pd.DataFrame({"customer_id": ["K-2", "K-1"], "date": ["2024-02-01", "2024-01-01"],
                      "amount": [3.0, 4.0]})
    s = customer_summary(t)
    assert list(s.index) == ["K-1", "K-2"]


def test_input_not_modified():
    t = tx([(1, "2024-01-01", 20.0, "purchase"), (1, "2024-02-01", 5.0, "purchase")])
    before = t.copy()
    customer_summary(t)
    pd.testing.assert_frame_equal(t, before)


@pytest.mark.parametrize(
    "frame, pattern",
    [
        (pd.DataFrame({"customer_id": [1], "amount": [1.0]}), r"missing column 'date'"),
        (pd.DataFrame({"customer_id": [1, None], "date": ["2024-01-01"] * 2, "amount": [1.0, 2.0]}),
         r"column 'customer_id' has 1 value missing \(row 1\)"),
        (pd.DataFrame({"customer_id": [1, 2], "date": ["2024-01-01", "gestern"], "amount": [1.0, 2.0]}),
         r"column 'date' has 1 value that is not a date \(row 1: 'gestern'\)"),
        (pd.DataFrame({"customer_id": [1, 2], "date": ["2024-01-01"] * 2, "amount": [1.0, -2.0]}),
         r"'amount' has 1 value below 0 in purchase rows \(row 1: -2.0\); add a column 'kind'"),
        (pd.DataFrame({"customer_id": [1, 2], "date": ["2024-01-01"] * 2, "amount": [0.0, 2.0]}),
         r"'amount' has 1 value equal to 0 \(row 0\)"),
        (pd.DataFrame({"customer_id": [1, 2], "date": ["2024-01-01"] * 2, "amount": ["x", 2.0]}),
         r"'amount' has 1 value that is not a number \(row 0: 'x'\)"),
        (pd.DataFrame({"transaction_id": [7, 7], "customer_id": [1, 2], "date": ["2024-01-01"] * 2,
                       "amount": [1.0, 2.0]}),
         r"'transaction_id' must be unique, but 1 value occurs more than once \(rows 0, 1: 7, 7\)"),
        (pd.DataFrame({"customer_id": [1], "date": ["2024-01-01"], "amount": [-2.0], "kind": ["return"]}),
         r"1 customer\(s\) have returns but no purchase \(customer_id 1\)"),
        (pd.DataFrame(columns=["customer_id", "date", "amount"]), r"the table is empty"),
    ],
)
def test_bad_input_names_the_problem(frame, pattern):
    with pytest.raises(CRMDataError, match=pattern):
        customer_summary(frame)


def test_dates_after_observation_end_rejected():
    t = tx([(1, "2024-01-01", 20.0, "purchase"), (1, "2024-03-01", 5.0, "purchase")])
    with pytest.raises(CRMDataError, match=r"1 date in column 'date' lie after the observation end 2024-02-01 \(row 1"):
        customer_summary(t, observation_end="2024-02-01")


def test_bad_time_unit_and_type():
    t = tx([(1, "2024-01-01", 20.0, "purchase")])
    with pytest.raises(CRMDataError, match="time_unit must be 'D'"):
        customer_summary(t, time_unit="M")
    with pytest.raises(CRMDataError, match="expected a pandas DataFrame, got list"):
        customer_summary([1, 2])


def naive_summary(t, end):
    """The same numbers, spelled out with a plain pandas groupby."""
    buys = t[t.kind == "purchase"]
    occ = buys.groupby(["customer_id", buys.date.dt.normalize()])["amount"].sum().reset_index()
    g = occ.groupby("customer_id")
    first, last = g.date.min(), g.date.max()
    n = g.size()
    revenue = g.amount.sum()
    first_amount = occ.sort_values("date").groupby("customer_id").amount.first()
    ret = -t[t.kind == "return"].groupby("customer_id").amount.sum()
    freq = n - 1
    return pd.DataFrame({
        "n_purchases": n, "frequency": freq,
        "recency": (last - first).dt.days.astype(float),
        "T": (end - first).dt.days.astype(float),
        "revenue": revenue,
        "returns": ret.reindex(n.index, fill_value=0.0),
        "monetary_value": ((revenue - first_amount) / freq.where(freq > 0)).fillna(0.0),
        "days_since_last": (end - last).dt.days,
    })


transactions_strategy = st.lists(
    st.tuples(
        st.integers(1, 6),                      # customer
        st.integers(0, 60),                     # day offset
        st.floats(0.01, 500, allow_nan=False),  # amount
        st.booleans(),                          # is a return of that amount (after a purchase)
    ),
    min_size=1, max_size=40,
)


@settings(max_examples=60, deadline=None)
@given(transactions_strategy)
def test_summary_matches_naive_groupby_and_invariants(rows):
    start = pd.Timestamp("2024-01-01")
    records = []
    for cust, day, amount, is_return in rows:
        records.append((cust, start + pd.Timedelta(days=day), round(amount, 2), "purchase"))
        if is_return:
            records.append((cust, start + pd.Timedelta(days=day + 1), -round(amount, 2), "return"))
    t = pd.DataFrame(records, columns=["customer_id", "date", "amount", "kind"])
    end = start + pd.Timedelta(days=70)
    s = customer_summary(t, observation_end=end)
    expected = naive_summary(t, end)
    for col in expected.columns:
        np.testing.assert_allclose(s[col].to_numpy(float), expected[col].to_numpy(float), atol=1e-6, err_msg=col)
    assert (s.frequency == s.n_purchases - 1).all()
    assert (s.recency <= s["T"]).all() and (s.recency >= 0).all()
    assert s.revenue.sum() == pytest.approx(t.amount[t.amount > 0].sum(), abs=0.05)
    assert len(s) == t.customer_id.nunique()  # nobody dropped
