"""Tests for crmlearn.value: hand-computed cases, properties and bad input."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from crmlearn.errors import CRMDataError
from crmlearn.value import (
    ABC_CLASSES,
    MARGIN_INPUTS,
    MARGIN_STAGES,
    RFM_SEGMENTS,
    VALUE_CATEGORIES,
    abc_classes,
    abc_table,
    contribution_margins,
    cumulative_clv,
    gini,
    lorenz_curve,
    margin_inputs,
    potential_from_wallet,
    retention_clv,
    rfm_scores,
    rfm_segments,
    simple_clv,
    top_share,
    value_categories,
)

FAST = settings(max_examples=40, deadline=None)

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
nonneg = st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False)


def value_series(elements=finite, min_size=1, max_size=60):
    return arrays("float64", st.integers(min_size, max_size), elements=elements).map(
        lambda a: pd.Series(a, index=pd.RangeIndex(100, 100 + len(a)) * 3)
    )


# ---------------------------------------------------------------- simple CLV


def test_simple_clv_source_example():
    # the source text: 1000 EUR a year, 10 years, 1000 EUR acquisition cost
    assert simple_clv(1000, 10, 1000) == 9000.0
    assert isinstance(simple_clv(1000, 10, 1000), float)


def test_simple_clv_keeps_series_index():
    rev = pd.Series([1000.0, 500.0], index=["x", "y"])
    out = simple_clv(rev, 10, 1000)
    assert list(out.index) == ["x", "y"]
    assert out.tolist() == [9000.0, 4000.0]


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"yearly_revenue": -1, "years": 10, "acquisition_cost": 0}, "yearly_revenue must be >= 0"),
        ({"yearly_revenue": 1, "years": -2, "acquisition_cost": 0}, "years must be >= 0"),
        ({"yearly_revenue": 1, "years": 2, "acquisition_cost": -5}, "acquisition_cost must be"),
        ({"yearly_revenue": np.nan, "years": 2, "acquisition_cost": 0}, "missing values"),
        ({"yearly_revenue": "a lot", "years": 2, "acquisition_cost": 0}, "expected numbers"),
    ],
)
def test_simple_clv_bad_input(kwargs, match):
    with pytest.raises(CRMDataError, match=match):
        simple_clv(**kwargs)


# ---------------------------------------------------------------- retention CLV


def test_retention_clv_closed_forms():
    m, r, d = 100.0, 0.8, 0.1
    assert retention_clv(m, r, d) == pytest.approx(m * r / (1 + d - r))
    assert retention_clv(m, r, d, timing="start") == pytest.approx(m * (1 + d) / (1 + d - r))
    # start pays one extra, certain, undiscounted margin
    assert retention_clv(m, r, d, timing="start") - retention_clv(m, r, d) == pytest.approx(m)


def test_retention_clv_finite_by_hand():
    # end: 100*0.8/1.1 + 100*0.64/1.21 + 100*0.512/1.331
    expected = 100 * 0.8 / 1.1 + 100 * 0.64 / 1.21 + 100 * 0.512 / 1.331
    assert retention_clv(100, 0.8, 0.1, years=3) == pytest.approx(expected)
    # start: 100 + 100*0.8/1.1 + 100*0.64/1.21
    expected = 100 + 100 * 0.8 / 1.1 + 100 * 0.64 / 1.21
    assert retention_clv(100, 0.8, 0.1, years=3, timing="start") == pytest.approx(expected)
    assert retention_clv(100, 0.8, 0.1, years=0) == 0.0


def test_retention_clv_no_churn_no_discount_is_simple_clv():
    assert retention_clv(1000, 1.0, 0.0, years=10, acquisition_cost=1000) == 9000.0
    assert retention_clv(1000, 1.0, 0.0, years=10, timing="start") == 10000.0


def test_retention_clv_infinite_value_raises():
    with pytest.raises(CRMDataError, match="CLV is infinite"):
        retention_clv(100, 1.0, 0.0)
    with pytest.raises(CRMDataError, match="CLV is infinite"):
        retention_clv(100, [0.5, 1.0], 0.0)


def test_retention_clv_broadcasts_and_keeps_index():
    r = pd.Series([0.5, 0.7, 0.9], index=["a", "b", "c"])
    out = retention_clv(100, r, 0.1)
    assert isinstance(out, pd.Series)
    assert list(out.index) == ["a", "b", "c"]
    grid = retention_clv(100, np.array([[0.5], [0.9]]), np.array([0.0, 0.1]))
    assert grid.shape == (2, 2)
    assert grid[0, 0] == pytest.approx(100 * 0.5 / 0.5)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"retention": 1.2}, "retention must be <= 1"),
        ({"retention": -0.1}, "retention must be >= 0"),
        ({"discount": -0.05}, "discount must be >= 0"),
        ({"years": 2.5}, "years must be whole periods"),
        ({"years": -1}, "years must be >= 0"),
        ({"timing": "middle"}, "timing must be 'start'"),
        ({"retention": np.nan}, "missing values"),
        ({"acquisition_cost": -1}, "acquisition_cost must be >= 0"),
    ],
)
def test_retention_clv_bad_input(kwargs, match):
    args = {"margin": 100, "retention": 0.8, "discount": 0.1} | kwargs
    with pytest.raises(CRMDataError, match=match):
        retention_clv(**args)


@FAST
@given(
    m=st.floats(1, 1000),
    r=st.floats(0, 0.95),
    d=st.floats(0, 0.5),
    timing=st.sampled_from(["start", "end"]),
)
def test_retention_clv_finite_converges_to_infinite(m, r, d, timing):
    endless = retention_clv(m, r, d, timing=timing)
    long = retention_clv(m, r, d, years=2000, timing=timing)
    assert long == pytest.approx(endless, rel=1e-9, abs=1e-9)
    # more years never lower the value of a positive margin
    assert retention_clv(m, r, d, years=5, timing=timing) <= long + 1e-9


@FAST
@given(m=st.floats(-500, 500), r=st.floats(0, 1), d=st.floats(0, 0.5), n=st.integers(1, 30))
def test_cumulative_clv_ends_at_retention_clv(m, r, d, n):
    for timing in ("start", "end"):
        curve = cumulative_clv(m, r, d, years=n, timing=timing)
        assert list(curve.columns) == ["year", "survival", "margin", "discounted", "cumulative"]
        assert curve["year"].tolist() == list(range(1, n + 1))
        expected = retention_clv(m, r, d, years=n, timing=timing)
        assert curve["cumulative"].iloc[-1] == pytest.approx(expected, rel=1e-9, abs=1e-6)


def test_cumulative_clv_start_timing_first_year_certain():
    curve = cumulative_clv(100, 0.8, 0.1, years=2, timing="start")
    assert curve["survival"].tolist() == [1.0, 0.8]
    assert curve["discounted"].iloc[0] == 100.0


def test_cumulative_clv_bad_input():
    with pytest.raises(CRMDataError, match="years must be a whole number >= 1"):
        cumulative_clv(100, 0.8, 0.1, years=0)
    with pytest.raises(CRMDataError, match="margin must be a single number"):
        cumulative_clv([100, 200], 0.8, 0.1, years=3)


# ---------------------------------------------------------------- contribution margins


def test_contribution_margins_by_hand():
    t = pd.DataFrame(
        {"revenue": [1000.0, 400.0], "cost": [600.0, 250.0]}, index=pd.Index([7, 9], name="id")
    )
    cm = contribution_margins(
        "revenue",
        deductions=[50, 0],
        product_cost="cost",
        service_cost=[30, 100],
        delivery_cost=20,
        marketing_cost=[10, 0],
        acquisition_cost=[0, 25],
        data=t,
    )
    assert list(cm.columns) == list(MARGIN_STAGES["column"])
    assert cm.index.equals(t.index)
    assert cm.loc[7, "net_revenue"] == 950
    assert cm.loc[7, "cm1"] == 350
    assert cm.loc[7, "cm2"] == 300
    assert cm.loc[7, "cm3"] == 290
    assert cm.loc[9].tolist() == [400, 0, 400, 250, 150, 100, 20, 30, 0, 25, 5]


def test_contribution_margins_without_table():
    cm = contribution_margins([100.0, 50.0], product_cost=[40.0, 10.0])
    assert cm["cm3"].tolist() == [60.0, 40.0]
    s = pd.Series([100.0, 50.0], index=["a", "b"])
    assert list(contribution_margins(s, product_cost=10).index) == ["a", "b"]


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"service_cost": [-5, 0]}, r"service_cost: 1 negative values \(row 0, e.g. -5\); a cost "
                                   r"is entered as a positive amount"),
        ({"revenue": [-1, 3]}, "revenue: 1 negative values"),
        ({"marketing_cost": -2}, "marketing_cost is -2; a cost is entered as a positive"),
        ({"product_cost": [1, np.nan]}, r"product_cost: 1 missing values \(row 1\)"),
        ({"product_cost": [1, 2, 3]}, "has 3 values but there are 2 customers"),
        ({"product_cost": "cost"}, "names a column, but no table"),
        ({"revenue": [], "product_cost": 0}, "no customers"),
    ],
)
def test_contribution_margins_bad_input(kwargs, match):
    args = {"revenue": [10.0, 20.0]} | kwargs
    with pytest.raises(CRMDataError, match=match):
        contribution_margins(**args)


def test_contribution_margins_unknown_column():
    with pytest.raises(CRMDataError, match="column 'costs' .* is not in data"):
        contribution_margins("revenue", product_cost="costs", data=pd.DataFrame({"revenue": [1]}))


costs_frame = st.integers(1, 30).flatmap(
    lambda n: st.tuples(*[arrays("float64", n, elements=nonneg) for _ in range(7)])
)


@FAST
@given(costs_frame)
def test_contribution_margin_stages_never_rise(cols):
    names = ["revenue", "deductions", "product_cost", "service_cost", "delivery_cost",
             "marketing_cost", "acquisition_cost"]
    t = pd.DataFrame(dict(zip(names, cols, strict=True)))
    before = t.copy()
    cm = contribution_margins(*names, data=t)
    pd.testing.assert_frame_equal(t, before)
    assert (cm["net_revenue"] <= cm["revenue"]).all()
    assert (cm["cm1"] >= cm["cm2"]).all()
    assert (cm["cm2"] >= cm["cm3"]).all()


# ---------------------------------------------------------------- margin inputs


def _margin_tables():
    """Four customers, by hand: 1 with a discount, a return, a call, a visit and mailings;
    2 with a discount but no return; 3 without contacts; 4 only a call (no purchase)."""
    tx = pd.DataFrame({
        "transaction_id": [1, 2, 3, 4, 5, 6],
        "customer_id": [1, 1, 1, 2, 2, 3],
        "date": pd.to_datetime(["2024-01-10", "2024-03-01", "2024-03-20", "2024-02-01",
                                "2024-06-30", "2024-07-01"]),
        "amount": [90.0, 200.0, -50.0, 380.0, 120.0, 40.0],
        "kind": ["purchase", "purchase", "return", "purchase", "purchase", "purchase"],
        "discount": [10.0, 0.0, 0.0, 20.0, 0.0, 0.0],
        "product_cost": [60.0, 120.0, -30.0, 250.0, 80.0, 25.0],
        "delivery_cost": [15.0, 15.0, 0.0, 18.0, 15.0, 15.0],
    })
    contacts = pd.DataFrame({
        "contact_id": [1, 2, 3, 4],
        "customer_id": [1, 1, 2, 4],
        "date": pd.to_datetime(["2024-01-15", "2024-04-10", "2024-05-01", "2024-05-02"]),
        "channel": ["visit", "phone", "email", "phone"],
        "cost": [180.0, 6.5, 3.2, 6.5],
    })
    customers = pd.DataFrame({
        "customer_id": [1, 2, 3, 4],
        "signup_date": pd.to_datetime(["2024-01-10", "2023-05-01", "2024-07-01", "2024-05-02"]),
        "acquisition_cost": [300.0, 150.0, 20.0, 0.0],
    })
    campaigns = pd.DataFrame({"campaign_id": [7, 8],
                              "start_date": pd.to_datetime(["2024-02-15", "2024-06-01"]),
                              "cost_per_contact": [2.8, 0.05]})
    members = pd.DataFrame({"campaign_id": [7, 7, 8, 8], "customer_id": [1, 3, 1, 2],
                            "group": ["treatment", "control", "treatment", "treatment"]})
    return tx, contacts, customers, campaigns, members


def test_margin_inputs_by_hand():
    tx, contacts, customers, campaigns, members = _margin_tables()
    got = margin_inputs(tx, contacts, customers, campaigns=campaigns, campaign_members=members)
    expected = pd.DataFrame(
        {   # revenue = purchases + discounts; deductions = discounts + returns
            "revenue": [300.0, 520.0, 40.0, 0.0],
            "deductions": [60.0, 20.0, 0.0, 0.0],   # customer 2: discount, no return
            "product_cost": [150.0, 330.0, 25.0, 0.0],
            "service_cost": [6.5, 3.2, 0.0, 6.5],    # customer 3: no contacts
            "delivery_cost": [30.0, 33.0, 15.0, 0.0],
            "marketing_cost": [182.85, 0.05, 0.0, 0.0],  # visit + two mailings; control: none
            "acquisition_cost": [300.0, 150.0, 20.0, 0.0],
        },
        index=pd.Index([1, 2, 3, 4], name="customer_id"),
    )
    pd.testing.assert_frame_equal(got, expected)
    assert list(got.columns) == MARGIN_INPUTS
    cm = contribution_margins(data=got, **{c: c for c in got})
    # net revenue is the sum of all amounts, purchases minus returns
    np.testing.assert_allclose(cm.net_revenue, tx.groupby("customer_id").amount.sum()
                               .reindex(got.index, fill_value=0.0))
    assert cm.loc[1, "cm3"] == pytest.approx(240 - 150 - 6.5 - 30 - 182.85 - 300)


def test_margin_inputs_optional_tables_and_channels():
    tx, contacts, *_ = _margin_tables()
    alone = margin_inputs(tx)
    assert list(alone.index) == [1, 2, 3]
    assert (alone[["service_cost", "marketing_cost", "acquisition_cost"]] == 0).all().all()
    as_service = margin_inputs(tx, contacts, marketing_channels=())
    assert as_service.loc[1, "service_cost"] == 186.5
    assert as_service.loc[1, "marketing_cost"] == 0.0
    # without a kind column every row is a purchase
    purchases = tx[tx.kind.eq("purchase")].drop(columns="kind")
    assert margin_inputs(purchases).loc[1, "deductions"] == 10.0


def test_margin_inputs_window():
    tx, contacts, customers, campaigns, members = _margin_tables()
    # start < date <= end: 2024-01-10 is out, 2024-06-30 is in, 2024-07-01 is out
    got = margin_inputs(tx, contacts, customers, campaigns=campaigns, campaign_members=members,
                        start="2024-01-10", end="2024-06-30")
    assert list(got.index) == [1, 2, 4]
    assert got.loc[1].to_dict() == {
        "revenue": 200.0, "deductions": 50.0, "product_cost": 90.0, "service_cost": 6.5,
        "delivery_cost": 15.0, "marketing_cost": 182.85, "acquisition_cost": 0.0}
    # both purchases of customer 2 count (the one on end, too); signed up before the window
    assert got.loc[2, "revenue"] == 520.0 and got.loc[2, "acquisition_cost"] == 0.0
    assert got.loc[4, "acquisition_cost"] == 0.0 and got.loc[4, "service_cost"] == 6.5
    # the mailing of 2024-06-01 and the visit of 2024-01-15 with start only
    late = margin_inputs(tx, contacts, campaigns=campaigns, campaign_members=members,
                         start=pd.Timestamp("2024-05-31"))
    assert late.loc[1, "marketing_cost"] == 0.05
    assert late.loc[3, "revenue"] == 40.0
    buyers = margin_inputs(tx, contacts, start="2024-01-10", end="2024-06-30", buyers_only=True)
    assert list(buyers.index) == [1, 2]


def test_margin_inputs_never_changes_its_input():
    tables = _margin_tables()
    before = [t.copy(deep=True) for t in tables]
    tx, contacts, customers, campaigns, members = tables
    margin_inputs(tx, contacts, customers, campaigns=campaigns, campaign_members=members,
                  start="2024-01-01", end="2024-12-31")
    for t, b in zip(tables, before, strict=True):
        pd.testing.assert_frame_equal(t, b)


def test_margin_inputs_matches_lesson_06():
    from crmlearn import customer_summary, datasets

    world = datasets.load("b2b")
    tx, contacts = world.transactions, world.contacts
    summary = customer_summary(tx, observation_end=world.observation_end)
    sums = tx.groupby("customer_id")[["discount", "product_cost", "delivery_cost"]].sum()
    is_visit = contacts.channel.eq("visit")
    mailed = world.campaign_members.query("group == 'treatment'").merge(world.campaigns)
    by_hand = pd.DataFrame({
        "revenue": summary.revenue + sums.discount,
        "deductions": sums.discount + summary.returns,
        "product_cost": sums.product_cost,
        "service_cost": contacts[~is_visit].groupby("customer_id").cost.sum(),
        "delivery_cost": sums.delivery_cost,
        "marketing_cost": contacts[is_visit].groupby("customer_id").cost.sum()
        .add(mailed.groupby("customer_id").cost_per_contact.sum(), fill_value=0),
        "acquisition_cost": world.customers.set_index("customer_id").acquisition_cost,
    }).fillna(0.0)
    got = margin_inputs(tx, contacts, world.customers, campaigns=world.campaigns,
                        campaign_members=world.campaign_members)
    pd.testing.assert_frame_equal(got, by_hand, rtol=0, atol=1e-6)


def test_margin_inputs_reads_schema_columns():
    from crmlearn.schema import table
    from crmlearn.value import _SOURCE_COLUMNS

    for name, columns in _SOURCE_COLUMNS.items():
        assert set(columns) <= set(table(name).names), name
    assert MARGIN_INPUTS == [c for c in MARGIN_STAGES["column"] if c not in
                             ("net_revenue", "cm1", "cm2", "cm3")]


def _drop(frame, column):
    return frame.drop(columns=column)


def _put(frame, column, row, value):
    out = frame.copy()
    out[column] = out[column].astype(object) if isinstance(value, str) else out[column]
    out.loc[row, column] = value
    return out


@pytest.mark.parametrize(
    "change, match",
    [
        (lambda t: {"transactions": _drop(t[0], "discount")},
         r"transactions: missing column 'discount'; margin_inputs reads"),
        (lambda t: {"transactions": _drop(t[0], "delivery_cost")}, r"missing column 'delivery_cost'"),
        (lambda t: {"contacts": _drop(t[1], "cost")}, r"contacts: missing column 'cost'"),
        (lambda t: {"customers": _drop(t[2], "acquisition_cost")},
         r"customers: missing column 'acquisition_cost'"),
        (lambda t: {"contacts": _drop(t[1], "date"), "start": "2024-01-01"},
         r"contacts: missing column 'date' \(needed for the window"),
        (lambda t: {"transactions": _put(t[0], "discount", 3, np.nan)},
         r"transactions: column 'discount' has 1 value missing \(row 3\)"),
        (lambda t: {"transactions": _put(t[0], "product_cost", 1, "a lot")},
         r"transactions: column 'product_cost' has 1 value that is not a number"),
        (lambda t: {"transactions": _put(t[0], "kind", 0, "refund")},
         r"column 'kind' must be 'purchase' or 'return'"),
        (lambda t: {"transactions": _put(t[0], "amount", 2, 50.0)},
         r"return rows must have a negative amount"),
        (lambda t: {"transactions": _put(t[0], "discount", 0, -10.0)},
         r"transactions: column 'discount' has 1 negative value \(row 0: -10.0\)"),
        (lambda t: {"contacts": _put(t[1], "cost", 1, -6.5)},
         r"contacts: column 'cost' has 1 negative value"),
        (lambda t: {"campaign_members": _put(t[4], "group", 2, "treated")},
         r"campaign_members: column 'group' must be 'treatment' or 'control'; row 2"),
        (lambda t: {"campaign_members": _put(t[4], "campaign_id", 3, 99)},
         r"1 treatment rows name a campaign_id that is not in campaigns \(campaign_id 99\)"),
        (lambda t: {"campaigns": None}, r"campaign_members given without campaigns"),
        (lambda t: {"contacts": t[1].to_dict()}, r"contacts must be the contacts table \(a DataFrame\)"),
        (lambda t: {"marketing_channels": "visit"}, r"marketing_channels must be a list"),
        (lambda t: {"buyers_only": "yes"}, r"buyers_only must be True or False"),
        (lambda t: {"start": "last year"}, r"start must be a date"),
        (lambda t: {"start": "2024-06-01", "end": "2024-01-01"}, r"the window is empty"),
        (lambda t: {"start": "2025-01-01"}, r"no customer has a transaction or a cost"),
    ],
)
def test_margin_inputs_bad_input(change, match):
    tables = _margin_tables()
    args = dict(zip(["transactions", "contacts", "customers", "campaigns", "campaign_members"],
                    tables, strict=True))
    args.update(change(tables))
    with pytest.raises(CRMDataError, match=match):
        margin_inputs(**args)


# ---------------------------------------------------------------- ABC


def test_abc_rank_default_is_20_60_20():
    values = pd.Series(np.arange(1, 101, dtype=float)[::-1], index=np.arange(100) + 1000)
    classes = abc_classes(values)
    assert list(classes.cat.categories) == ABC_CLASSES
    assert classes.cat.ordered
    assert classes.name == "abc_class"
    assert classes.index.equals(values.index)
    assert classes.value_counts().loc[ABC_CLASSES].tolist() == [20, 60, 20]
    assert (classes[values > 80] == "A").all()
    assert (classes[values <= 20] == "C").all()


def test_abc_rank_ties_never_split_and_go_to_b():
    # 10 customers, the 2nd and 3rd best tie: A can only take the single best one
    values = pd.Series([100, 50, 50, 40, 30, 20, 10, 5, 1, 1])
    classes = abc_classes(values)
    assert classes.tolist() == ["A", "B", "B", "B", "B", "B", "B", "B", "C", "C"]
    # everyone equal: nobody is better, all B
    assert (abc_classes([3.0] * 5) == "B").all()


def test_abc_rank_shares_are_parameters():
    classes = abc_classes(np.arange(10.0), a_share=0.3, c_share=0.5)
    assert classes.value_counts().loc[ABC_CLASSES].tolist() == [3, 2, 5]


def test_abc_cumulative_by_hand():
    values = [500, 300, 100, 50, 30, 20]  # total 1000
    # before-shares: 0, .5, .8, .9, .95, .98
    assert abc_classes(values, method="cumulative").tolist() == ["A", "A", "B", "B", "C", "C"]


def test_abc_cumulative_negative_and_zero_are_c():
    values = pd.Series([100.0, 0.0, -50.0, 10.0])
    classes = abc_classes(values, method="cumulative")
    assert classes.tolist() == ["A", "C", "C", "B"]


def test_abc_single_customer():
    assert abc_classes([42.0]).tolist() == ["B"]
    assert abc_classes([42.0], method="cumulative").tolist() == ["A"]


@pytest.mark.parametrize(
    "values, kwargs, match",
    [
        ([], {}, "no customers"),
        ([1.0, np.nan, 3.0], {}, r"values: 1 missing values \(row 1\)"),
        (["a", "b"], {}, "values must be numbers"),
        (5.0, {}, "got a single float"),
        (pd.DataFrame({"x": [1]}), {}, "got a DataFrame"),
        ([1, 2], {"method": "pareto"}, "method must be 'rank'"),
        ([1, 2], {"a_share": 0.7, "c_share": 0.5}, "a_share \\+ c_share must be at most 1"),
        ([1, 2], {"a_share": 1.5}, "a_share must be a share between 0 and 1"),
        ([-1, 0], {"method": "cumulative"}, "no customer has a positive value"),
        ([1, 2], {"method": "cumulative", "cuts": (0.95, 0.8)}, "cuts must satisfy"),
    ],
)
def test_abc_bad_input(values, kwargs, match):
    with pytest.raises(CRMDataError, match=match):
        abc_classes(values, **kwargs)


@FAST
@given(value_series(), st.sampled_from(["rank", "cumulative"]))
def test_abc_partitions_customers_and_respects_ties(values, method):
    if method == "cumulative" and not (values > 0).any():
        return
    before = values.copy()
    classes = abc_classes(values, method=method)
    pd.testing.assert_series_equal(values, before)
    assert classes.index.equals(values.index)
    assert classes.notna().all()
    assert set(classes) <= set(ABC_CLASSES)
    # equal values, equal class
    assert (classes.groupby(values, observed=True).nunique() == 1).all()
    # better value never gets a worse class
    order = np.argsort(-values.to_numpy(), kind="stable")
    codes = classes.cat.codes.to_numpy()[order]
    assert (np.diff(codes) >= 0).all()
    if method == "rank":
        n = len(values)
        assert (classes == "A").sum() <= math.floor(0.2 * n + 1e-9)
        assert (classes == "C").sum() <= math.floor(0.2 * n + 1e-9)
    table = abc_table(values, classes)
    assert table["customers"].sum() == len(values)
    assert table["value"].sum() == pytest.approx(values.sum(), abs=1e-3)


def test_abc_table_by_hand():
    values = pd.Series([900, 50, 400, 30, 120, 80, 60, 40, 20, 300])
    table = abc_table(values, abc_classes(values))
    assert list(table.columns) == ["customers", "customer_share", "value", "value_share"]
    assert table.loc["A", "value"] == 1300
    assert table["value_share"].sum() == pytest.approx(1.0)
    assert table["customer_share"].tolist() == [0.2, 0.6, 0.2]


def test_abc_table_rejects_misaligned_classes():
    values = pd.Series([1.0, 2.0, 3.0])
    classes = abc_classes(values)
    with pytest.raises(CRMDataError, match="different indexes"):
        abc_table(values, classes.reset_index(drop=True).set_axis([5, 6, 7]))
    with pytest.raises(CRMDataError, match="labels are not A, B or C"):
        abc_table(values, pd.Series(["A", "X", "B"]))


# ---------------------------------------------------------------- Lorenz, Gini, top share


def test_pareto_20_80():
    # 2 customers bring 80 of 100, 8 bring the remaining 20
    values = [40, 40] + [2.5] * 8
    assert top_share(values) == pytest.approx(0.8)
    assert top_share(values, share=0.5) == pytest.approx(0.8 + 3 * 0.025)


def test_top_share_interpolates():
    assert top_share([60, 30, 10], share=0.5) == pytest.approx(0.6 + 0.5 * 0.3)
    assert top_share([60, 30, 10], share=0) == 0.0
    assert top_share([60, 30, 10], share=1) == pytest.approx(1.0)


def test_lorenz_curve_shape_and_whale():
    curve = lorenz_curve(pd.Series([3.0, 1.0, 6.0], index=["a", "b", "c"]))
    assert list(curve.columns) == ["customer_share", "value_share"]
    assert curve["value_share"].tolist() == pytest.approx([0, 0.6, 0.9, 1.0])
    whale = lorenz_curve([100.0, 50.0, -30.0])
    assert whale["value_share"].max() > 1
    assert whale["value_share"].iloc[-1] == pytest.approx(1.0)
    with pytest.raises(CRMDataError, match="total value is -5"):
        lorenz_curve([-10.0, 5.0])


def test_gini_by_hand():
    assert gini([1, 1, 1, 1]) == 0.0
    assert gini([0, 0, 0, 1]) == pytest.approx(0.75)
    # 1, 2, 3: 2*(1+4+9)/(3*6) - 4/3 = 28/18 - 24/18 = 2/9
    assert gini([3, 1, 2]) == pytest.approx(2 / 9)
    with pytest.raises(CRMDataError, match="needs values >= 0"):
        gini([1, -1, 3])
    with pytest.raises(CRMDataError, match="all values are 0"):
        gini([0, 0])


@FAST
@given(value_series(nonneg))
def test_gini_matches_lorenz_area(values):
    if values.sum() <= 0:
        return
    curve = lorenz_curve(values)
    x, y = curve["customer_share"].to_numpy(), curve["value_share"].to_numpy()
    # best first: area above the diagonal, G = 2 * (area under curve - 1/2)
    area = np.sum((x[1:] - x[:-1]) * (y[1:] + y[:-1]) / 2)
    assert gini(values) == pytest.approx(2 * area - 1, abs=1e-9)
    assert 0 <= gini(values) <= (len(values) - 1) / len(values) + 1e-12
    assert np.all(np.diff(y) >= -1e-12)


# ---------------------------------------------------------------- RFM


def make_summary(n=200, seed=1):
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "days_since_last": rng.integers(0, 400, n),
            "n_purchases": rng.geometric(0.5, n),
            "revenue": rng.gamma(2.0, 50.0, n).round(2),
        },
        index=pd.Index(rng.permutation(n) + 5000, name="customer_id"),
    )


def test_rfm_scores_by_hand_and_schema():
    s = pd.DataFrame(
        {"days_since_last": [5, 40, 200, 10, 90], "n_purchases": [8, 3, 1, 1, 2],
         "revenue": [900.0, 150.0, 30.0, 60.0, 120.0]},
        index=[101, 102, 103, 104, 105],
    )
    out = rfm_scores(s)
    assert list(out.columns) == ["r", "f", "m", "rfm_sum", "rfm_code"]
    assert out.index.equals(s.index)
    assert out["r"].tolist() == [5, 3, 1, 4, 2]  # recent = high
    assert out["f"].tolist() == [5, 4, 1, 1, 3]  # the two one-time buyers tie at 1
    assert out["rfm_sum"].tolist() == [15, 11, 3, 7, 8]
    assert out.loc[101, "rfm_code"] == "555"


def test_rfm_quintiles_equal_sized_without_ties():
    s = pd.DataFrame({"days_since_last": np.arange(100), "n_purchases": np.arange(100),
                      "revenue": np.arange(100.0)})
    out = rfm_scores(s)
    for col in "rfm":
        assert out[col].value_counts().sort_index().tolist() == [20] * 5
    assert out.loc[0, "r"] == 5 and out.loc[0, "f"] == 1


def test_rfm_tie_methods():
    s = pd.DataFrame({"days_since_last": [1, 2, 3, 4, 5], "n_purchases": [1, 1, 1, 2, 3],
                      "revenue": [1.0, 2, 3, 4, 5]})
    assert rfm_scores(s)["f"].tolist() == [1, 1, 1, 4, 5]
    assert rfm_scores(s, ties="average")["f"].tolist() == [2, 2, 2, 4, 5]
    assert rfm_scores(s, ties="first")["f"].tolist() == [1, 2, 3, 4, 5]


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"bins": 1}, "bins must be a whole number from 2 to 9"),
        ({"bins": 10}, "bins must be a whole number from 2 to 9"),
        ({"ties": "dense"}, "ties must be one of"),
        ({"recency": "recency_days"}, r"columns \['recency_days'\] are not in the table"),
    ],
)
def test_rfm_scores_bad_arguments(kwargs, match):
    with pytest.raises(CRMDataError, match=match):
        rfm_scores(make_summary(10), **kwargs)


def test_rfm_scores_bad_data():
    s = make_summary(10)
    s.loc[s.index[3], "revenue"] = np.nan
    with pytest.raises(CRMDataError, match=r"column 'revenue': 1 missing values \(row 5"):
        rfm_scores(s)
    s = make_summary(10)
    s["days_since_last"] = s["days_since_last"] - 1000
    with pytest.raises(CRMDataError, match="column 'days_since_last': 10 negative values"):
        rfm_scores(s)
    with pytest.raises(CRMDataError, match="must be a customer table"):
        rfm_scores([1, 2, 3])
    with pytest.raises(CRMDataError, match="no customers"):
        rfm_scores(make_summary(10).iloc[:0])


def test_rfm_single_customer():
    out = rfm_scores(make_summary(1))
    assert out[["r", "f", "m"]].iloc[0].tolist() == [3, 3, 3]


summaries = st.integers(1, 80).flatmap(
    lambda n: st.tuples(
        arrays("int64", n, elements=st.integers(0, 500)),
        arrays("int64", n, elements=st.integers(1, 6)),
        arrays("float64", n, elements=nonneg),
    )
)


@FAST
@given(summaries, st.integers(2, 9), st.sampled_from(["min", "average", "first"]))
def test_rfm_scores_in_range(cols, bins, ties):
    s = pd.DataFrame(dict(zip(["days_since_last", "n_purchases", "revenue"], cols, strict=True)))
    before = s.copy()
    out = rfm_scores(s, bins=bins, ties=ties)
    pd.testing.assert_frame_equal(s, before)
    for col in "rfm":
        assert out[col].between(1, bins).all()
    assert (out["rfm_sum"] == out["r"] + out["f"] + out["m"]).all()
    assert (out["rfm_code"] == out["r"].astype(str) + out["f"].astype(str)
            + out["m"].astype(str)).all()
    if ties != "first":
        # equal values, equal points
        assert (out["f"].groupby(s["n_purchases"]).nunique() == 1).all()
    # more recent never scores lower
    order = np.argsort(s["days_since_last"].to_numpy(), kind="stable")
    if ties != "first":
        assert (np.diff(out["r"].to_numpy()[order]) <= 0).all()


def test_rfm_segments_cover_every_pair_once():
    for r in range(1, 6):
        for f in range(1, 6):
            hits = RFM_SEGMENTS[
                RFM_SEGMENTS["r_min"].le(r) & RFM_SEGMENTS["r_max"].ge(r)
                & RFM_SEGMENTS["f_min"].le(f) & RFM_SEGMENTS["f_max"].ge(f)
            ]
            assert len(hits) == 1, (r, f, hits["segment"].tolist())
    assert RFM_SEGMENTS["segment"].is_unique


def test_rfm_segments_named():
    scores = pd.DataFrame({"r": [5, 5, 1, 1, 2, 3, 4, 4], "f": [5, 1, 5, 1, 1, 3, 1, 4]},
                          index=list("abcdefgh"))
    seg = rfm_segments(scores)
    assert seg.name == "segment"
    assert seg.index.equals(scores.index)
    assert seg.tolist() == ["champions", "new", "can't lose", "lost", "hibernating",
                            "need attention", "promising", "loyal"]
    assert list(seg.cat.categories) == list(RFM_SEGMENTS["segment"])


def test_rfm_segments_end_to_end():
    seg = rfm_segments(rfm_scores(make_summary(500)))
    assert seg.notna().all()


def test_rfm_segments_bad_input():
    with pytest.raises(CRMDataError, match=r"pairs \[\(6, 6\)\] match no rule"):
        rfm_segments(pd.DataFrame({"r": [6], "f": [6]}))
    overlap = pd.concat([RFM_SEGMENTS, RFM_SEGMENTS.iloc[[0]].assign(segment="vip")])
    with pytest.raises(CRMDataError, match="match more than one rule"):
        rfm_segments(pd.DataFrame({"r": [5], "f": [5]}), table=overlap)
    with pytest.raises(CRMDataError, match="columns 'r' and 'f'"):
        rfm_segments(pd.DataFrame({"x": [1]}))


# ---------------------------------------------------------------- value categories


def test_value_categories_by_hand():
    actual = pd.Series([500.0, 80.0, 20.0, -40.0, 30.0], index=list("vwxyz"))
    potential = pd.Series([100.0, 900.0, 50.0, 600.0, 80.0], index=list("vwxyz"))
    out = value_categories(actual, potential, mvc_threshold=400, mgc_threshold=500)
    assert out.tolist() == ["MVC", "MGC", "Migrator", "BZC", "Migrator"]
    assert list(out.cat.categories) == VALUE_CATEGORIES
    assert out.index.equals(actual.index)


def test_value_categories_default_quantiles():
    actual = np.arange(10.0)  # 80 % quantile 7.2: customers 8, 9 are MVC
    potential = np.arange(10.0)[::-1]  # 80 % quantile 7.2: customers 0, 1 are MGC
    out = value_categories(actual, potential)
    assert out.tolist() == ["MGC", "MGC"] + ["Migrator"] * 6 + ["MVC", "MVC"]


@FAST
@given(st.integers(1, 50).flatmap(
    lambda n: st.tuples(arrays("float64", n, elements=finite), arrays("float64", n,
                                                                       elements=nonneg))))
def test_value_categories_rules(cols):
    a, p = (pd.Series(c) for c in cols)
    out = value_categories(a, p)
    assert out.notna().all()
    assert ((out == "BZC") == (a < 0)).all()


def test_value_categories_bad_input():
    with pytest.raises(CRMDataError, match="potential_value: 1 negative values"):
        value_categories([1.0, 2.0], [1.0, -2.0])
    with pytest.raises(CRMDataError, match="has 2 customers but potential_value has 3"):
        value_categories([1.0, 2.0], [1.0, 2.0, 3.0])
    with pytest.raises(CRMDataError, match="mvc_quantile must be a share above 0"):
        value_categories([1.0], [1.0], mvc_quantile=0)


def test_potential_from_wallet():
    w = pd.Series([1000.0, 500.0, 200.0], index=["a", "b", "c"])
    out = potential_from_wallet(w, pd.Series([250.0, 500.0, 260.0], index=["a", "b", "c"]))
    assert list(out.columns) == ["wallet", "spend", "share_of_wallet", "potential"]
    assert out["share_of_wallet"].tolist() == [0.25, 1.0, 1.0]
    assert out["potential"].tolist() == [750.0, 0.0, 0.0]
    with pytest.raises(CRMDataError, match=r"wallet: 1 customers have a wallet of 0 \(row 1\)"):
        potential_from_wallet([10.0, 0.0], [1.0, 0.0])
    with pytest.raises(CRMDataError, match="actual_spend: 1 negative values"):
        potential_from_wallet([10.0], [-1.0])


def test_contribution_margins_result_never_aliases_inputs():
    t = pd.DataFrame({"revenue": [10.0, 20.0], "cost": [1.0, 2.0]}, index=[5, 6])
    before = t.copy()
    cm = contribution_margins("revenue", product_cost="cost", data=t)
    cm.loc[5, "revenue"] = 999.0
    cm.iloc[0, 3] = 999.0
    pd.testing.assert_frame_equal(t, before)
    cm = contribution_margins("revenue", product_cost="cost", data=t)
    t.loc[5, "revenue"] = 777.0
    assert cm.loc[5, "revenue"] == 10.0
    raw = np.array([10.0, 20.0])
    cm = contribution_margins(raw, product_cost=[1.0, 2.0])
    cm.iloc[0, 0] = -5.0  # writable, and the caller's array stays as it was
    assert raw.tolist() == [10.0, 20.0]
