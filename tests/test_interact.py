"""Tests for crmlearn.interact and crmlearn.plots.interact."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from crmlearn.datasets import generate  # noqa: E402
from crmlearn.errors import CRMDataError  # noqa: E402
from crmlearn.interact import (  # noqa: E402
    HISTORY_KINDS,
    contact_history,
    response_rates,
    targeting_value,
    update_response_estimate,
    uplift,
)
from crmlearn.plots.interact import TEXT, plot_contact_timeline, plot_uplift  # noqa: E402


@pytest.fixture(scope="module")
def world():
    return generate("retail", n_customers=3000, seed=2024)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def _members(nt=200, rt=40, nc=100, rc=10, campaign=1):
    return pd.DataFrame({
        "campaign_id": campaign,
        "customer_id": np.arange(nt + nc) + 1,
        "group": ["treatment"] * nt + ["control"] * nc,
        "responded": [True] * rt + [False] * (nt - rt) + [True] * rc + [False] * (nc - rc),
    })


# --- contact history ------------------------------------------------------------------------

def test_contact_history_small():
    tables = {
        "customers": pd.DataFrame({"customer_id": [5, 6]}),
        "transactions": pd.DataFrame({
            "transaction_id": [1, 2, 3], "customer_id": [5, 5, 6],
            "date": pd.to_datetime(["2024-03-01", "2024-03-10", "2024-03-02"]),
            "amount": [80.0, -20.0, 15.0], "kind": ["purchase", "return", "purchase"],
            "channel": ["online", "online", "store"]}),
        "order_lines": pd.DataFrame({"transaction_id": [1, 1, 3], "line_no": [1, 2, 1],
                                     "product_id": [1, 2, 2], "amount": [60.0, 20.0, 15.0]}),
        "products": pd.DataFrame({"product_id": [1, 2], "name": ["Zelt", "Matte"]}),
        "contacts": pd.DataFrame({
            "contact_id": [1], "customer_id": [5], "date": pd.to_datetime(["2024-03-01"]),
            "channel": ["phone"], "direction": ["inbound"], "reason": ["question"],
            "cost": [6.5]}),
        "campaigns": pd.DataFrame({"campaign_id": [9], "name": ["Frühling"],
                                   "start_date": pd.to_datetime(["2024-02-15"])}),
        "campaign_members": pd.DataFrame({"campaign_id": [9], "customer_id": [5],
                                          "group": ["treatment"], "responded": [True]}),
        "surveys": pd.DataFrame({"response_id": [1], "customer_id": [5],
                                 "date": pd.to_datetime(["2024-03-12"]),
                                 "touchpoint": ["purchase"], "nps": [9], "csat": [5]}),
    }
    h = contact_history(tables, 5)
    assert list(h.columns) == ["date", "kind", "detail", "amount"]
    assert h["kind"].tolist() == ["campaign", "purchase", "contact", "return", "survey"]
    assert h["detail"].tolist() == [
        "Frühling [treatment] responded",
        "purchase (online): Zelt, Matte",
        "inbound phone: question",
        "return (online)",
        "after purchase: NPS 9, CSAT 5",
    ]
    assert h["amount"].tolist()[1:4] == [80.0, 6.5, -20.0]
    assert h["date"].is_monotonic_increasing
    with pytest.raises(CRMDataError, match="customer_id 7 is not in the customers table"):
        contact_history(tables, 7)
    with pytest.raises(CRMDataError, match="expected a World .* or a dict of tables"):
        contact_history([1, 2], 5)


def test_contact_history_world(world):
    cid = int(world.campaign_members["customer_id"].iloc[0])
    h = contact_history(world, cid)
    n_tx = (world.transactions["customer_id"] == cid).sum()
    n_camp = (world.campaign_members["customer_id"] == cid).sum()
    assert (h["kind"].isin(["purchase", "return"])).sum() == n_tx
    assert (h["kind"] == "campaign").sum() == n_camp
    assert set(h["kind"]) <= set(HISTORY_KINDS)
    assert h["date"].is_monotonic_increasing
    ax = plot_contact_timeline(h)
    assert ax.get_title() == TEXT["timeline_title"]


# --- response rates and uplift -------------------------------------------------------------------

def test_response_rates_by_hand_and_segments():
    m = _members()
    before = m.copy()
    r = response_rates(m)
    pd.testing.assert_frame_equal(m, before)
    assert r[["group", "members", "responders"]].values.tolist() == [
        ["control", 100, 10], ["treatment", 200, 40]]
    seg = pd.Series(np.where(m["customer_id"] % 2 == 0, "even", "odd"),
                    index=m["customer_id"], name="parity")
    r2 = response_rates(m, segments=seg)
    assert list(r2.columns) == ["campaign_id", "parity", "group", "members", "responders",
                                "response_rate"]
    assert r2["members"].sum() == 300
    # a member without a segment is kept (missing label), not dropped
    r3 = response_rates(m, segments=seg.iloc[:-1])
    assert r3["members"].sum() == 300


def test_uplift_by_hand():
    u = uplift(_members())
    row = u.iloc[0]
    assert row["n_treatment"] == 200 and row["n_control"] == 100
    assert row["uplift"] == pytest.approx(0.1)
    se = np.sqrt(0.2 * 0.8 / 200 + 0.1 * 0.9 / 100)
    assert row["se"] == pytest.approx(se)
    assert row["ci_low"] == pytest.approx(0.1 - 1.959964 * se, abs=1e-6)
    wider = uplift(_members(), confidence=0.99).iloc[0]
    assert wider["ci_low"] < row["ci_low"] and wider["ci_high"] > row["ci_high"]


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 80), st.integers(1, 80), st.data())
def test_uplift_ci_contains_estimate(nt, nc, data):
    rt = data.draw(st.integers(0, nt))
    rc = data.draw(st.integers(0, nc))
    conf = data.draw(st.floats(0.5, 0.999))
    row = uplift(_members(nt, rt, nc, rc), confidence=conf).iloc[0]
    assert row["ci_low"] <= row["uplift"] <= row["ci_high"]
    assert -1 <= row["uplift"] <= 1


def test_uplift_errors():
    with pytest.raises(CRMDataError, match=r"1 cell\(s\) have an empty treatment or control group "
                       r"\(campaign_id=2\)"):
        uplift(pd.concat([_members(), _members(nc=0, rc=0, campaign=2)]))
    with pytest.raises(CRMDataError, match="confidence must be a number between 0 and 1"):
        uplift(_members(), confidence=95)
    bad = _members()
    bad.loc[3, "group"] = "Treatment"
    with pytest.raises(CRMDataError, match="column 'group' must be 'treatment' or 'control'; row 3"):
        uplift(bad)
    with pytest.raises(CRMDataError, match="missing column 'responded'"):
        uplift(_members().drop(columns="responded"))
    with pytest.raises(CRMDataError, match="by: column\\(s\\) 'tier' are neither"):
        uplift(_members(), by="tier")


def _true_uplift(world, campaign_id):
    """Expected uplift in the response rate, from the simulation's truth."""
    spec = next(c for c in world.truth.params["campaigns"] if c["campaign_id"] == campaign_id)
    m = world.campaign_members[world.campaign_members["campaign_id"] == campaign_id]
    truth = world.truth.customers.set_index("customer_id")
    start = world.campaigns.set_index("campaign_id").loc[campaign_id, "start_date"]
    up = truth["needs_segment"].reindex(m["customer_id"]).map(spec["uplift_by_segment"])
    drop = truth["dropout_date"].reindex(m["customer_id"])
    alive = drop.isna() | (drop >= start)
    baseline = m.loc[m["group"] == "control", "responded"].mean()
    # an extra purchase only changes 'responded' for customers alive then who would
    # not have bought anyway
    return float((up.to_numpy() * alive.to_numpy()).mean() * (1 - baseline))


def test_uplift_covers_truth_on_world(world):
    u = uplift(world.campaign_members).set_index("campaign_id")
    largest = world.campaign_members["campaign_id"].value_counts().idxmax()
    truth = _true_uplift(world, largest)
    row = u.loc[largest]
    # measured: campaign 4, estimate 0.056 [0.028, 0.084], truth 0.042
    assert row["ci_low"] <= truth <= row["ci_high"]
    assert row["ci_low"] > 0  # the reactivation campaign works
    # every campaign's interval covers its truth in this world
    for cid in u.index:
        assert u.loc[cid, "ci_low"] <= _true_uplift(world, cid) <= u.loc[cid, "ci_high"]


def test_uplift_by_segment_on_world(world):
    seg = world.truth.customers.set_index("customer_id")["needs_segment"]
    m = world.campaign_members[world.campaign_members["campaign_id"] == 4]
    u = uplift(m, segments=seg)
    assert len(u) == 5 and u["n_treatment"].sum() + u["n_control"].sum() == len(m)
    ax = plot_uplift(u)
    assert len(ax.patches) == 10
    assert [t.get_text() for t in ax.get_xticklabels()] == sorted(seg.unique())


# --- targeting and learning ------------------------------------------------------------------------

def test_targeting_value_by_hand():
    u = uplift(pd.concat([_members(2000, 400, 1000, 100), _members(rt=22, campaign=2)]))
    before = u.copy()
    t = targeting_value(u, margin_per_response=40.0, cost_per_contact={1: 1.5, 2: 1.0})
    pd.testing.assert_frame_equal(u, before)
    assert t["incremental_profit"].tolist() == pytest.approx([0.1 * 40 - 1.5, 0.01 * 40 - 1.0])
    assert t["break_even_uplift"].tolist() == pytest.approx([1.5 / 40, 1.0 / 40])
    assert t["decision"].tolist() == ["contact", "test further"]
    assert targeting_value(u, 5.0, 2.0)["decision"].tolist()[1] == "do not contact"
    with pytest.raises(CRMDataError, match="cost_per_contact: no value for campaign_id 2"):
        targeting_value(u, 40.0, {1: 1.5})
    with pytest.raises(CRMDataError, match=r"uplift_table: missing column\(s\) 'ci_low'"):
        targeting_value(u.drop(columns="ci_low"), 40.0, 1.0)


def test_update_response_estimate():
    r = update_response_estimate(2, 8, responses=[3, 12], contacts=[20, 80])
    assert r["alpha"].tolist() == [2, 5, 17]
    assert r["beta"].tolist() == [8, 25, 93]
    assert r["mean"].iloc[-1] == pytest.approx(17 / 110)
    widths = (r["ci_high"] - r["ci_low"]).to_numpy()
    assert np.all(np.diff(widths) < 0)  # more evidence, narrower interval
    one = update_response_estimate(1, 1, responses=5, contacts=10)
    assert one["mean"].iloc[-1] == pytest.approx(0.5)
    with pytest.raises(CRMDataError, match="batches 2: responses must be whole numbers"):
        update_response_estimate(1, 1, responses=[1, 5], contacts=[3, 4])
    with pytest.raises(CRMDataError, match="prior_alpha must be a positive number"):
        update_response_estimate(0, 1, 1, 2)


def test_plot_errors():
    with pytest.raises(CRMDataError, match=r"uplift_table: missing column\(s\) 'se'"):
        plot_uplift(uplift(_members()).drop(columns="se"))
    with pytest.raises(CRMDataError, match="history: expected the DataFrame"):
        plot_contact_timeline(pd.DataFrame({"x": [1]}))


def test_response_rates_with_needs_segments_frame(world):
    from crmlearn.segment import needs_segments

    seg = needs_segments(world.order_lines, world.products, world.transactions, k=3, n_init=2)
    r = response_rates(world.campaign_members, segments=seg)
    assert list(r.columns[:3]) == ["campaign_id", "segment", "group"]
    assert r["members"].sum() == len(world.campaign_members)
    t = targeting_value(uplift(world.campaign_members, segments=seg), 35.0,
                        world.campaigns.set_index("campaign_id")["cost_per_contact"])
    assert set(t["decision"]) <= {"contact", "test further", "do not contact"}
    with pytest.raises(CRMDataError, match="segments: customer_id 1 appear more than once"):
        response_rates(world.campaign_members,
                       segments=pd.DataFrame({"customer_id": [1, 1], "segment": [0, 1]}))
