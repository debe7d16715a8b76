import matplotlib

matplotlib.use("Agg")

import itertools  # noqa: E402

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from crmlearn.errors import CRMDataError  # noqa: E402
from crmlearn.knowledge import (  # noqa: E402
    association_rules,
    baskets,
    next_purchase_timing,
    replacement_due,
)
from crmlearn.plots.knowledge import plot_rules, plot_timing  # noqa: E402

ITEMS = ["A", "B", "C", "D", "E"]
PRODUCTS = pd.DataFrame({"product_id": [1, 2, 3, 4, 5], "name": ITEMS, "category": ITEMS})


def _lines(basket_list):
    rows = [(t + 1, ITEMS.index(i) + 1) for t, b in enumerate(basket_list) for i in sorted(b)]
    return pd.DataFrame(rows, columns=["transaction_id", "product_id"])


# five baskets, counted by hand: N=5, N_A=4, N_B=4, N_C=2, N_D=1, N_AB=3, N_AC=2, N_BC=1
TOY = [{"A", "B", "C"}, {"A", "B"}, {"A", "C"}, {"B"}, {"A", "B", "D"}]


def test_baskets_matrix():
    lines = _lines(TOY)
    lines = pd.concat([lines, lines.iloc[[0]]], ignore_index=True)  # A twice in basket 1
    b = baskets(lines, PRODUCTS)
    assert b.matrix.shape == (5, 4) and b.matrix.dtype == bool
    assert list(b.items) == ["A", "B", "C", "D"]
    frame = b.to_frame()
    assert frame.loc[1].tolist() == [True, True, True, False]
    assert frame.sum().tolist() == [4, 4, 2, 1]


def test_association_rules_hand_computed():
    rules = association_rules(_lines(TOY), PRODUCTS, min_support=0.3, min_confidence=0.6)
    got = rules[["antecedent", "consequent", "n_antecedent", "n_consequent", "n_both"]]
    assert got.values.tolist() == [["C", "A", 2, 4, 2], ["A", "B", 4, 4, 3], ["B", "A", 4, 4, 3]]
    assert rules["support"].tolist() == pytest.approx([0.4, 0.6, 0.6])
    assert rules["confidence"].tolist() == pytest.approx([1.0, 0.75, 0.75])
    assert rules["lift"].tolist() == pytest.approx([1.25, 0.9375, 0.9375])
    assert rules.attrs["n_baskets"] == 5


def test_association_rules_three_items():
    rules = association_rules(_lines(TOY), PRODUCTS, min_support=0.2, min_confidence=0.0,
                              max_len=3).set_index(["antecedent", "consequent"])
    abd = rules.loc[("A + B", "D")]
    assert (abd["n_antecedent"], abd["n_both"]) == (3, 1)
    assert abd["confidence"] == pytest.approx(1 / 3)
    assert abd["lift"] == pytest.approx((1 / 3) / (1 / 5))
    assert rules.loc[("B + C", "A"), "lift"] == pytest.approx(1.25)
    assert ("A + B", "A") not in rules.index


baskets_strategy = st.lists(st.sets(st.sampled_from(ITEMS), min_size=1), min_size=1, max_size=30)


@settings(max_examples=60, deadline=None)
@given(baskets_strategy)
def test_rule_properties_against_brute_force(basket_list):
    rules = association_rules(_lines(basket_list), PRODUCTS, min_support=0.0, min_confidence=0.0)
    n = len(basket_list)
    assert (rules["support"] <= rules["confidence"] + 1e-12).all()
    assert (rules["confidence"] <= 1 + 1e-12).all()
    lift = rules.set_index(["antecedent", "consequent"])["lift"]
    for (a, c), value in lift.items():
        assert value == pytest.approx(lift[(c, a)])  # lift is symmetric
    for a, c in itertools.permutations(ITEMS, 2):
        n_ac = sum(a in b and c in b for b in basket_list)
        if n_ac:
            n_a = sum(a in b for b in basket_list)
            n_c = sum(c in b for b in basket_list)
            assert lift[(a, c)] == pytest.approx((n_ac / n_a) / (n_c / n))
        else:
            assert (a, c) not in lift.index


def test_association_rules_does_not_mutate():
    lines = _lines(TOY)
    before, products_before = lines.copy(), PRODUCTS.copy()
    association_rules(lines, PRODUCTS, max_len=3)
    pd.testing.assert_frame_equal(lines, before)
    pd.testing.assert_frame_equal(PRODUCTS, products_before)


def test_association_rules_errors():
    lines = _lines(TOY)
    with pytest.raises(CRMDataError, match="min_support must be a share between 0 and 1, got 1.5"):
        association_rules(lines, PRODUCTS, min_support=1.5)
    with pytest.raises(CRMDataError, match="max_len must be 2 or 3, got 4"):
        association_rules(lines, PRODUCTS, max_len=4)
    with pytest.raises(CRMDataError, match="level must be 'category' or 'product', got 'brand'"):
        association_rules(lines, PRODUCTS, level="brand")
    bad = pd.concat([lines, pd.DataFrame({"transaction_id": [9], "product_id": [99]})],
                    ignore_index=True)
    with pytest.raises(CRMDataError, match=r"association_rules: 1 order lines have a product_id that is not in products \(row 11\)"):
        association_rules(bad, PRODUCTS)
    with pytest.raises(CRMDataError, match="order_lines has no column 'product_id'"):
        association_rules(lines.rename(columns={"product_id": "pid"}), PRODUCTS)


# --------------------------------------------------------------------------------------
# timing and replacement
# --------------------------------------------------------------------------------------

SHOP = pd.DataFrame({
    "product_id": [1, 2, 3, 4, 5],
    "name": ["Kocher", "Kartusche", "Socken", "Kinderschuh 24", "Kinderschuh 27"],
    "category": ["Kocher", "Gaskartuschen", "Socken", "Kinderschuhe", "Kinderschuhe"],
    "replacement_days": [np.nan, 90.0, 180.0, 300.0, 300.0],
})


def _shop_tables():
    d = pd.Timestamp("2024-01-01")
    txn = pd.DataFrame([
        # customer 1: stove and cartridge together, then a cartridge 30 days later
        (1, 1, d, "purchase"), (2, 1, d + pd.Timedelta(days=30), "purchase"),
        # customer 2: a stove, never a cartridge
        (3, 2, d, "purchase"),
        # customer 3: cartridge first, stove later -> no cartridge after the stove
        (4, 3, d, "purchase"), (5, 3, d + pd.Timedelta(days=5), "purchase"),
        # customer 4: no stove; socks twice; a returned cartridge does not count
        (6, 4, d, "purchase"), (7, 4, d + pd.Timedelta(days=100), "purchase"),
        (8, 4, d + pd.Timedelta(days=110), "return"),
        # customer 5: two stoves, a cartridge 10 days after the first
        (9, 5, d, "purchase"), (10, 5, d + pd.Timedelta(days=10), "purchase"),
        (11, 5, d + pd.Timedelta(days=20), "purchase"),
        # customer 6: children's shoes 24, later 27
        (12, 6, d, "purchase"), (13, 6, d + pd.Timedelta(days=240), "purchase"),
    ], columns=["transaction_id", "customer_id", "date", "kind"])
    lines = pd.DataFrame([
        (1, 1), (1, 2), (2, 2), (3, 1), (4, 2), (5, 1), (6, 3), (7, 3), (8, 2),
        (9, 1), (10, 2), (11, 1), (12, 4), (13, 5),
    ], columns=["transaction_id", "product_id"])
    return lines, txn


def test_next_purchase_timing_hand_computed():
    lines, txn = _shop_tables()
    t = next_purchase_timing(lines, txn, SHOP, first="Kocher", then="Gaskartuschen")
    assert t.columns.tolist() == ["customer_id", "first_date", "next_date", "days"]
    assert t["customer_id"].tolist() == [1, 2, 3, 5]  # customers without a stove are not listed
    assert t["days"].tolist()[0] == 30.0  # same basket does not count
    assert np.isnan(t["days"].iloc[1]) and np.isnan(t["days"].iloc[2])  # kept, not dropped
    assert pd.isna(t["next_date"].iloc[1])
    assert t["days"].iloc[3] == 10.0
    assert t["first_date"].iloc[3] == pd.Timestamp("2024-01-01")


def test_next_purchase_timing_repeat_and_product_level():
    lines, txn = _shop_tables()
    socks = next_purchase_timing(lines, txn, SHOP, first="Socken", then="Socken")
    assert socks["days"].tolist() == [100.0]
    shoes = next_purchase_timing(lines, txn, SHOP, first="Kinderschuh 24", then=["Kinderschuh 27"],
                                 level="product")
    assert shoes["days"].tolist() == [240.0]


def test_next_purchase_timing_errors():
    lines, txn = _shop_tables()
    with pytest.raises(CRMDataError, match="then='Gas' names no known item"):
        next_purchase_timing(lines, txn, SHOP, first="Kocher", then="Gas")
    with pytest.raises(CRMDataError, match="transactions has no column 'date'"):
        next_purchase_timing(lines, txn.drop(columns="date"), SHOP, first="Kocher", then="Socken")


def test_replacement_due_category_and_product_level():
    lines, txn = _shop_tables()
    as_of = "2024-12-31"
    due = replacement_due(lines, txn, SHOP, as_of=as_of)
    assert (due["days_overdue"] >= 0).all()
    pairs = set(zip(due["customer_id"], due["item"], strict=True))
    # cartridges (90 days) are due for customers 1, 3 and 5; socks bought on day 100 are due
    assert {(1, "Gaskartuschen"), (3, "Gaskartuschen"), (5, "Gaskartuschen"), (4, "Socken")} <= pairs
    # the larger shoes bought on day 240 renew the category: not due yet
    assert (6, "Kinderschuhe") not in pairs
    row = due[(due["customer_id"] == 1)].iloc[0]
    assert row["last_purchase"] == pd.Timestamp("2024-01-31")
    assert row["due_date"] == pd.Timestamp("2024-04-30")
    assert row["days_overdue"] == (pd.Timestamp(as_of) - pd.Timestamp("2024-04-30")).days
    assert due["days_overdue"].is_monotonic_increasing
    by_product = replacement_due(lines, txn, SHOP, as_of=as_of, level="product")
    assert (6, "Kinderschuh 24") in set(zip(by_product["customer_id"], by_product["item"], strict=True))
    only = replacement_due(lines, txn, SHOP, as_of=as_of, category="Socken")
    assert only["item"].unique().tolist() == ["Socken"]
    early = replacement_due(lines, txn, SHOP, as_of="2024-02-01")
    assert early.empty


def test_replacement_due_errors():
    lines, txn = _shop_tables()
    with pytest.raises(CRMDataError, match="as_of must be a date such as '2025-12-31'"):
        replacement_due(lines, txn, SHOP, as_of="soon")
    with pytest.raises(CRMDataError, match="products has no column 'replacement_days'"):
        replacement_due(lines, txn, SHOP.drop(columns="replacement_days"), as_of="2024-12-31")


# --------------------------------------------------------------------------------------
# the retail world
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def retail():
    from crmlearn.datasets import generate

    return generate("retail", n_customers=3000, seed=2024)


def test_retail_rules_timing_and_replacement(retail):
    rules = association_rules(retail.order_lines, retail.products)
    top = set(rules.head(4)[["antecedent", "consequent"]].itertuples(index=False, name=None))
    assert ("Kocher", "Gaskartuschen") in top
    assert rules["lift"].iloc[0] > 3
    timing = next_purchase_timing(retail.order_lines, retail.transactions, retail.products,
                                  first="Kocher", then="Gaskartuschen")
    assert timing["customer_id"].is_unique
    assert timing["days"].isna().any() and (timing["days"].dropna() >= 0).all()
    due = replacement_due(retail.order_lines, retail.transactions, retail.products,
                          as_of=retail.transactions["date"].max())
    assert len(due) > 0 and (due["days_overdue"] >= 0).all()
    assert due["replacement_days"].notna().all()
    ax = plot_rules(rules)
    assert len(ax.texts) == 5
    ax = plot_timing(timing)
    assert "Median" in ax.get_legend().get_texts()[0].get_text()
    plt.close("all")


def test_plots_take_an_axes_and_reject_wrong_input():
    _, ax = plt.subplots()
    timing = pd.DataFrame({"days": [1.0, 5.0, np.nan]})
    assert plot_timing(timing, ax=ax, bins=2, color="red") is ax
    _, ax2 = plt.subplots()
    rules = association_rules(_lines(TOY), PRODUCTS, min_support=0.0, min_confidence=0.0)
    assert plot_rules(rules, ax=ax2, top=0) is ax2
    assert len(ax2.texts) == 0
    with pytest.raises(CRMDataError, match=r"rules must be the DataFrame from association_rules"):
        plot_rules(pd.DataFrame({"lift": [1.0]}))
    with pytest.raises(CRMDataError, match=r"timing must be the DataFrame from next_purchase_timing"):
        plot_timing(pd.DataFrame({"x": [1.0]}))
    plt.close("all")
