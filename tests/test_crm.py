import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from crmlearn import crm  # noqa: E402
from crmlearn.datasets import generate  # noqa: E402
from crmlearn.errors import CRMDataError  # noqa: E402
from crmlearn.plots.crm import (  # noqa: E402
    plot_qci_funnel,
    plot_readiness,
    plot_strategy_comparison,
)
from crmlearn.summary import customer_summary  # noqa: E402


@pytest.fixture(scope="module")
def retail():
    return generate("retail", n_customers=3000, seed=2024)


@pytest.fixture(scope="module")
def subscription():
    return generate("subscription", n_customers=600, seed=7)


@pytest.fixture(scope="module")
def b2b():
    return generate("b2b", n_customers=150, seed=7)


def _frozen(*dfs):
    return [df.copy(deep=True) for df in dfs]


# --------------------------------------------------------------------------- profile card


def test_profile_card_matches_tables(retail):
    # a customer with purchases, contacts and a survey answer
    cid = int(retail.surveys["customer_id"].iloc[0])
    before = _frozen(retail.transactions, retail.customers, retail.contacts)
    card = crm.profile_card(retail, cid)
    for a, b in zip(before, (retail.transactions, retail.customers, retail.contacts), strict=True):
        pd.testing.assert_frame_equal(a, b)

    cust = retail.customers.set_index("customer_id").loc[cid]
    master = card.sections["master data"]
    assert master["name"] == f"{cust['first_name']} {cust['last_name']}"
    assert master["town"] == cust["town"]
    assert master["acquisition channel"] == cust["acquisition_channel"]

    tx = retail.transactions[retail.transactions["customer_id"] == cid]
    buys = tx[tx["kind"] == "purchase"]
    p = card.sections["purchases"]
    assert p["purchases"] == len(buys)
    assert p["revenue"] == pytest.approx(buys["amount"].sum())
    assert p["last purchase"] == buys["date"].max()
    assert p["returned amount"] == pytest.approx(-tx.loc[tx["kind"] == "return", "amount"].sum())

    c = retail.contacts[retail.contacts["customer_id"] == cid]
    assert card.sections["service"]["contacts"] == len(c)
    assert card.sections["service"]["contact cost"] == pytest.approx(c["cost"].sum())

    s = retail.surveys[retail.surveys["customer_id"] == cid].sort_values("date")
    assert card.sections["surveys"]["latest NPS (0-10)"] == s["nps"].iloc[-1]

    m = retail.campaign_members[retail.campaign_members["customer_id"] == cid]
    assert card.sections["campaigns"]["campaigns received"] == (m["group"] == "treatment").sum()

    # favourite categories: the largest line revenue first
    lines = retail.order_lines[retail.order_lines["transaction_id"].isin(buys["transaction_id"])]
    cats = lines.merge(retail.products, on="product_id").groupby("category")["amount"].sum()
    assert card.categories.index[0] == cats.idxmax()
    assert card.categories["revenue"].sum() == pytest.approx(lines["amount"].sum())


def test_profile_card_displays(retail):
    card = crm.profile_card(retail, 5)
    md = card._repr_markdown_()
    assert md.startswith("### Customer 5:")
    assert "<table>" in card._repr_html_()
    frame = card.to_frame()
    assert list(frame.columns) == ["section", "field", "value"]
    assert set(frame["section"]) == set(card.sections)
    assert card.sections["contracts"] == {"contracts": 0}


def test_profile_card_other_scenarios(subscription, b2b):
    card = crm.profile_card(subscription, 1)
    assert card.sections["contracts"]["contracts"] == 1
    assert card.sections["purchases"]["favourite categories"] == "-"
    card = crm.profile_card(b2b, 1)
    assert "company" in card.sections["master data"]


def test_profile_card_unknown_customer(retail):
    with pytest.raises(CRMDataError, match=r"customer_id 999999 is not in world.customers \(ids run from 1 to 3000\)"):
        crm.profile_card(retail, 999999)
    with pytest.raises(CRMDataError, match="customer_id must be a customer number"):
        crm.profile_card(retail, "17")


def test_profile_card_missing_table():
    class Empty:
        pass

    with pytest.raises(CRMDataError, match="world has no table 'customers'"):
        crm.profile_card(Empty(), 1)


# --------------------------------------------------------------------------- QCI


def _tiny_world():
    customers = pd.DataFrame(
        {
            "customer_id": [1, 2, 3, 4],
            "signup_date": pd.to_datetime(["2023-01-10", "2023-02-01", "2023-03-01", "2024-06-01"]),
            "acquisition_channel": ["store", "store", "online", "online"],
            "acquisition_cost": [10.0, 20.0, 30.0, 40.0],
        }
    )
    transactions = pd.DataFrame(
        {
            "transaction_id": [1, 2, 3, 4, 5, 6, 7],
            "customer_id": [1, 1, 2, 2, 3, 4, 4],
            "date": pd.to_datetime(
                ["2024-03-01", "2025-03-01", "2024-04-01", "2025-05-01", "2024-05-01", "2024-06-01",
                 "2025-07-01"]
            ),
            "amount": [10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0],
            "kind": ["purchase"] * 7,
        }
    )
    order_lines = pd.DataFrame(
        {"transaction_id": [2, 2, 4, 7], "product_id": [1, 2, 1, 1], "amount": [10.0, 10.0, 40.0, 70.0]}
    )
    products = pd.DataFrame({"product_id": [1, 2], "category": ["A", "B"]})

    class W:
        pass

    w = W()
    w.customers, w.transactions, w.order_lines, w.products = customers, transactions, order_lines, products
    w.observation_end = pd.Timestamp("2025-12-31")
    return w


def test_qci_funnel_hand_computed():
    f = crm.qci_funnel(_tiny_world())
    # won 4; active in 2024: 1, 2, 3, 4; retained in 2025: 1, 2, 4; two categories: 1
    assert f["customers"].tolist() == [4, 4, 3, 1]
    assert f["rate"].tolist() == pytest.approx([1.0, 1.0, 0.75, 1 / 3])
    assert f.loc[0, "cost_per_customer"] == pytest.approx(25.0)
    assert f["step"].iloc[-1] == "bought >= 2 categories"


def test_qci_funnel_all_scenarios_nested(retail, subscription, b2b):
    for w in (retail, subscription, b2b):
        f = crm.qci_funnel(w)
        assert (np.diff(f["customers"]) <= 0).all()
        assert f["rate"].between(0, 1).all()
    assert crm.qci_funnel(subscription)["step"].iloc[-1] == "on a plan above the cheapest"


def test_qci_funnel_bad_input(retail):
    with pytest.raises(CRMDataError, match="as_of must be a date"):
        crm.qci_funnel(retail, as_of="yesterday-ish")
    with pytest.raises(CRMDataError, match="min_categories must be a whole number >= 1"):
        crm.qci_funnel(retail, min_categories=0)


def test_acquisition_by_channel(retail):
    t = crm.acquisition_by_channel(retail)
    assert t["new_customers"].sum() == len(retail.customers)
    assert t["acquisition_cost"].sum() == pytest.approx(retail.customers["acquisition_cost"].sum())
    with pytest.raises(CRMDataError, match="freq must be 'YE', 'QE' or 'ME'"):
        crm.acquisition_by_channel(retail, freq="W")


# --------------------------------------------------------------------------- readiness

QUESTIONS = list(crm.READINESS_QUESTIONS.index)


def test_readiness_questionnaire_shape():
    counts = crm.READINESS_QUESTIONS["element"].value_counts()
    assert set(counts.index) == set(crm.READINESS_ELEMENTS)
    assert counts.between(2, 3).all()
    assert len(crm.PAYNE_FROW_PROCESSES) == 5


def test_readiness_hand_computed():
    answers = dict.fromkeys(QUESTIONS, 5)
    answers.update({"Q10": 1, "Q11": 2})  # employee engagement: (0 + 25) / 2
    r = crm.readiness_score(answers)
    assert r.scores["employee engagement"] == pytest.approx(12.5)
    assert r.overall == pytest.approx((100 * 3 + 12.5) / 4)
    assert r.weakest == "employee engagement"
    assert "training" in r.recommendation
    assert r.to_frame().loc["overall", "score"] == pytest.approx(r.overall)
    assert "Weakest element" in r._repr_markdown_()


def test_readiness_ties_go_to_first_element():
    r = crm.readiness_score(pd.Series(3, index=QUESTIONS))
    assert r.weakest == "CRM readiness assessment"
    assert (r.scores == 50).all()


def test_readiness_does_not_mutate():
    answers = dict.fromkeys(QUESTIONS, 4)
    copy = dict(answers)
    crm.readiness_score(answers)
    assert answers == copy


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 5), min_size=11, max_size=11), st.integers(0, 10))
def test_readiness_range_and_monotone(values, bump):
    answers = dict(zip(QUESTIONS, values, strict=True))
    r = crm.readiness_score(answers)
    assert r.scores.between(0, 100).all() and 0 <= r.overall <= 100
    higher = dict(answers)
    higher[QUESTIONS[bump]] = min(5, higher[QUESTIONS[bump]] + 1)
    r2 = crm.readiness_score(higher)
    assert (r2.scores >= r.scores).all() and r2.overall >= r.overall


def test_readiness_bad_answers():
    full = dict.fromkeys(QUESTIONS, 3)
    with pytest.raises(CRMDataError, match=r"2 question\(s\) not answered \(Q10, Q11\)"):
        crm.readiness_score({q: 3 for q in QUESTIONS[:9]})
    with pytest.raises(CRMDataError, match="out of range or not a number: Q3=6"):
        crm.readiness_score({**full, "Q3": 6})
    with pytest.raises(CRMDataError, match="Q1=2.5"):
        crm.readiness_score({**full, "Q1": 2.5})
    with pytest.raises(CRMDataError, match=r"unknown question id\(s\) \['Q99'\]"):
        crm.readiness_score({**full, "Q99": 3})
    with pytest.raises(CRMDataError, match="answers must be a dict"):
        crm.readiness_score([3] * 11)


# --------------------------------------------------------------------------- models, steps


def test_crm_models_table():
    assert list(crm.CRM_MODELS.index) == ["IDIC", "QCI", "Payne & Frow", "CRM value chain"]
    assert "customer portfolio analysis" in crm.CRM_MODELS.loc["CRM value chain", "building blocks"]
    assert "announces four" in crm.__doc__


def test_ten_steps_checklist():
    t = crm.ten_steps_checklist()
    assert len(t) == 11
    assert t["source_number"].tolist()[-1] == "10"
    assert not t["done"].any()
    t.loc[1, "done"] = True  # a fresh table each call
    assert not crm.ten_steps_checklist()["done"].any()


# --------------------------------------------------------------------------- watering can


def test_watering_can_hand_computed():
    r = crm.watering_can_vs_targeted([20.0] * 50 + [200.0] * 50, budget=500, n_segments=2)
    wc, tg = r.summary.loc["watering can"], r.summary.loc["targeted"]
    p_even = 0.2 * (1 - np.exp(-0.5))
    assert wc["expected_incremental_revenue"] == pytest.approx(p_even * 11000)
    assert tg["expected_incremental_revenue"] == pytest.approx(0.2 * (1 - np.exp(-1.0)) * 10000)
    assert wc["cost"] == pytest.approx(500) and tg["cost"] == pytest.approx(500)
    assert tg["customers_reached"] == 50
    assert r.segments["spend_targeted"].tolist() == pytest.approx([0.0, 10.0])


def test_watering_can_equal_segments_equal_result():
    r = crm.watering_can_vs_targeted([50.0] * 40, budget=400, n_segments=4, seed=3)
    assert r.summary.loc["targeted", "expected_profit"] == pytest.approx(
        r.summary.loc["watering can", "expected_profit"]
    )


def test_watering_can_is_deterministic_and_pure(retail):
    s = customer_summary(retail.transactions)
    before = s.copy(deep=True)
    a = crm.watering_can_vs_targeted(s, budget=5000, seed=1)
    b = crm.watering_can_vs_targeted(s, budget=5000, seed=1)
    pd.testing.assert_frame_equal(a.summary, b.summary)
    pd.testing.assert_frame_equal(s, before)
    assert a.summary["cost"].tolist() == pytest.approx([5000, 5000])
    assert a.summary.loc["targeted", "expected_profit"] >= a.summary.loc["watering can", "expected_profit"]


def test_watering_can_custom_segments():
    values = pd.Series([100.0, 100.0, 100.0, 100.0], index=[10, 11, 12, 13])
    r = crm.watering_can_vs_targeted(
        values, budget=40, segments=["a", "a", "b", "b"], response_by_segment={"a": 0.5, "b": 0.0}
    )
    assert r.segments.loc["b", "spend_targeted"] == 0
    assert r.segments.loc["a", "spend_targeted"] == pytest.approx(20)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(0, 1000, allow_nan=False), min_size=2, max_size=40),
    st.floats(1, 5000),
    st.floats(0.01, 1),
    st.floats(1, 100),
    st.integers(1, 6),
)
def test_targeted_never_worse_with_known_model(values, budget, max_response, scale, k):
    r = crm.watering_can_vs_targeted(values, budget=budget, max_response=max_response, scale=scale,
                                     n_segments=k)
    s = r.summary
    if sum(values) > 0:
        assert s.loc["targeted", "cost"] == pytest.approx(budget)
    else:  # nobody can respond: targeting spends nothing
        assert s.loc["targeted", "cost"] == 0
    assert s.loc["targeted", "expected_profit"] >= s.loc["watering can", "expected_profit"] - 1e-6 * (
        1 + abs(s.loc["watering can", "expected_profit"])
    )


def test_watering_can_bad_input():
    with pytest.raises(CRMDataError, match=r"1 values are missing, not numbers or negative \(row 1\)"):
        crm.watering_can_vs_targeted([10.0, -5.0], budget=10)
    with pytest.raises(CRMDataError, match="budget must be > 0, got 0"):
        crm.watering_can_vs_targeted([10.0], budget=0)
    with pytest.raises(CRMDataError, match=r"response_by_segment has no response for segment\(s\) \['b'\]"):
        crm.watering_can_vs_targeted([1.0, 2.0], budget=5, segments=["a", "b"], response_by_segment={"a": 0.1})
    with pytest.raises(CRMDataError, match="segments has 1 labels but there are 2 customers"):
        crm.watering_can_vs_targeted([1.0, 2.0], budget=5, segments=["a"])
    with pytest.raises(CRMDataError, match="margin is a share of revenue"):
        crm.watering_can_vs_targeted([1.0, 2.0], budget=5, margin=30)
    with pytest.raises(CRMDataError, match="value_column 'clv' is not a column"):
        crm.watering_can_vs_targeted(pd.DataFrame({"x": [1.0]}), budget=5, value_column="clv")


# --------------------------------------------------------------------------- benefits


def test_benefit_channel_cost_hand_computed():
    contacts = pd.DataFrame({"channel": ["phone"] * 10 + ["email"] * 5, "cost": [6.5] * 10 + [3.2] * 5})
    t = crm.benefit_channel_cost(contacts, shift_share=0.4, to_channel="email")
    assert t.loc["phone", "contacts_after"] == pytest.approx(6)
    assert t.loc["email", "contacts_after"] == pytest.approx(9)
    saving = t.loc["total", "cost"] - t.loc["total", "cost_after"]
    assert saving == pytest.approx(4 * (6.5 - 3.2))
    with pytest.raises(CRMDataError, match=r"to_channel 'chat' does not occur in contacts; channels: \['email', 'phone'\]"):
        crm.benefit_channel_cost(contacts)
    with pytest.raises(CRMDataError, match="shift_share is a share"):
        crm.benefit_channel_cost(contacts, shift_share=1.5, to_channel="email")


def test_benefit_automation_hand_computed():
    t = crm.benefit_automation(600, minutes_manual=1.0, review_share=0.5, hourly_cost=30.0, setup_hours=2)
    assert t["hours"].tolist() == pytest.approx([10.0, 7.0, 3.0])
    assert t.loc["saving", "cost"] == pytest.approx(90.0)
    with pytest.raises(CRMDataError, match="items must be a whole number >= 0"):
        crm.benefit_automation(-1)


def test_benefit_repeat_revenue_hand_computed():
    w = _tiny_world()
    r = crm.benefit_repeat_revenue(w)
    # first purchases: 10 + 30 + 50 + 60 = 150 of 280
    assert r["repeat_revenue"] == pytest.approx(130.0)
    assert r["repeat_share"] == pytest.approx(130 / 280)
    assert r["repeat_customers_share"] == pytest.approx(0.75)
    assert r["days_to_second_median"] == pytest.approx(395.0)  # gaps 365, 395, 395


def test_benefit_retention_on_worlds(retail, subscription):
    t = crm.benefit_retention(retail)
    assert t["customers"].sum() == len(retail.customers)
    assert t["inactive_share"].between(0, 1).all()
    t = crm.benefit_retention(retail, by="loyalty_card")
    assert t.index[0] == "with loyalty card"
    # a cancellation call is not a relationship: with it counted, contact would look harmful
    t_all = crm.benefit_retention(subscription, exclude_reasons=())
    t_ex = crm.benefit_retention(subscription)
    assert t_ex.iloc[0]["inactive_share"] < t_all.iloc[0]["inactive_share"]
    with pytest.raises(CRMDataError, match="by must be 'contact' or 'loyalty_card'"):
        crm.benefit_retention(retail, by="app")


def test_crm_benefits_all_scenarios(retail, subscription, b2b):
    for w in (retail, subscription, b2b):
        b = crm.crm_benefits(w)
        assert list(b) == ["retention", "repeat_revenue", "channel_cost", "automation"]
        assert b["channel_cost"].loc["total", "cost_after"] <= b["channel_cost"].loc["total", "cost"]


# --------------------------------------------------------------------------- plots


def test_plots_return_axes(retail):
    funnel = crm.qci_funnel(retail)
    ax = plot_qci_funnel(funnel)
    assert len(ax.patches) == 4
    plt.close(ax.figure)
    r = crm.readiness_score(dict.fromkeys(QUESTIONS, 4) | {"Q4": 1})
    fig, ax0 = plt.subplots()
    ax = plot_readiness(r, ax=ax0)
    assert ax is ax0
    colours = {p.get_facecolor() for p in ax.patches}
    assert len(colours) == 2  # the weakest element stands out
    plt.close(fig)
    res = crm.watering_can_vs_targeted([20.0] * 50 + [200.0] * 50, budget=500, n_segments=2)
    ax = plot_strategy_comparison(res)
    assert len(ax.patches) == 6
    plt.close(ax.figure)


def test_plots_bad_input():
    with pytest.raises(CRMDataError, match="plot_qci_funnel: pass the DataFrame"):
        plot_qci_funnel(pd.DataFrame({"a": [1]}))
    with pytest.raises(CRMDataError, match="plot_readiness: pass the result"):
        plot_readiness([1, 2])
    with pytest.raises(CRMDataError, match="plot_strategy_comparison: pass the result"):
        plot_strategy_comparison(pd.DataFrame({"a": [1]}))
    plt.close("all")
