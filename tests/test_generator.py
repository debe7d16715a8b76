"""Tests of the synthetic CRM world generator (crmlearn.datasets._generator)."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from crmlearn.datasets._generator import generate
from crmlearn.errors import CRMDataError
from crmlearn.schema import TABLES, TRUTH_TABLES

SCENARIOS = ("retail", "subscription", "b2b")
SMALL = {"retail": 400, "subscription": 400, "b2b": 120}
FOREIGN = ("transactions", "contacts", "campaign_members", "surveys", "contracts")


@pytest.fixture(scope="module", params=SCENARIOS)
def world(request):
    return generate(request.param, n_customers=SMALL[request.param], seed=7)


def _check_kind(df, col):
    s = df[col.name]
    if col.kind == "int":
        assert pd.api.types.is_integer_dtype(s), col.name
        if not col.nullable:
            assert s.dtype == np.int64, col.name
    elif col.kind == "float":
        assert s.dtype == np.float64, col.name
    elif col.kind == "date":
        assert s.dtype == "datetime64[ns]", col.name
        ok = s.dropna()
        assert (ok == ok.dt.normalize()).all(), col.name
    elif col.kind == "bool":
        assert s.dtype == bool, col.name
    else:
        assert pd.api.types.is_string_dtype(s) or s.dtype == object, col.name
        assert s.dropna().map(type).eq(str).all(), col.name
    if not col.nullable:
        assert not s.isna().any(), col.name


def test_tables_match_schema(world):
    assert set(world.tables) == set(TABLES)
    for name, spec in TABLES.items():
        df = world.tables[name]
        assert list(df.columns) == spec.names, name
        for col in spec.columns:
            _check_kind(df, col)
        if spec.key and len(df):
            assert df[spec.key].is_unique, name
    assert list(world.truth.customers.columns) == TRUTH_TABLES["truth_customers"].names
    assert list(world.truth.record_links.columns) == TRUTH_TABLES["truth_record_links"].names
    for col in TRUTH_TABLES["truth_customers"].columns:
        _check_kind(world.truth.customers, col)


def test_scenario_tables_present(world):
    for name, spec in TABLES.items():
        if world.scenario in spec.scenarios and name not in ("order_lines",):
            assert len(world.tables[name]) > 0, name
    if world.scenario in ("retail", "b2b"):
        assert len(world.order_lines) > 0
    if world.scenario == "retail":
        assert len(world.contracts) == 0


def test_foreign_keys_and_dates(world):
    ids = set(world.customers.customer_id)
    assert world.customers.customer_id.tolist() == list(range(1, len(ids) + 1))
    for name in FOREIGN:
        df = world.tables[name]
        assert df.customer_id.isin(ids).all(), name
    assert set(world.truth.customers.customer_id) == ids
    start, end = world.observation_start, world.observation_end
    for name, spec in TABLES.items():
        df = world.tables[name]
        for col in spec.columns:
            if col.kind == "date" and len(df):
                d = df[col.name].dropna()
                assert (d >= start).all() and (d <= end).all(), (name, col.name)
    tx = world.transactions
    signup = world.customers.set_index("customer_id").signup_date
    assert (tx.date >= tx.customer_id.map(signup)).all()
    assert world.campaign_members.campaign_id.isin(world.campaigns.campaign_id).all()
    assert set(world.campaign_members.group) <= {"treatment", "control"}
    assert not world.campaign_members.duplicated(["campaign_id", "customer_id"]).any()


def test_amounts(world):
    tx = world.transactions
    purchases = tx[tx.kind == "purchase"]
    returns = tx[tx.kind == "return"]
    assert set(tx.kind) <= {"purchase", "return"}
    assert (purchases.amount > 0).all()
    assert (returns.amount < 0).all()
    assert (tx.amount.round(2) == tx.amount).all()
    assert (tx.discount >= 0).all() and (tx.delivery_cost >= 0).all()
    if len(world.order_lines):
        ol = world.order_lines
        assert ol.transaction_id.isin(purchases.transaction_id).all()
        assert ol.product_id.isin(world.products.product_id).all()
        sums = ol.groupby("transaction_id").amount.sum().round(2)
        amt = purchases.set_index("transaction_id").amount
        assert set(sums.index) == set(amt.index)
        np.testing.assert_allclose(sums.loc[amt.index], amt, atol=1e-9)
        line_no = ol.groupby("transaction_id").line_no
        assert (line_no.min() == 1).all()
        assert (line_no.max() == line_no.count()).all()
    pr = world.products
    assert pr.cost_share.between(0, 1).all() and (pr.list_price > 0).all()


def test_surveys_ranges(world):
    s = world.surveys
    assert s.nps.between(0, 10).all()
    for col in ("csat", "expectation", "experience", "importance_price", "importance_quality",
                "importance_service", "importance_sustainability"):
        assert s[col].between(1, 5).all(), col


def test_record_links_cover_records(world):
    rec = world.touchpoint_records
    links = world.truth.record_links
    assert sorted(links.record_id) == sorted(rec.record_id)
    assert links.customer_id.isin(world.customers.customer_id).all()
    per_customer = links.customer_id.value_counts()
    assert per_customer.max() <= 4
    assert set(links.customer_id) == set(world.customers.customer_id)


def test_params_json_serialisable(world):
    import json

    json.dumps(world.truth.params)
    assert world.truth.params["scenario"] == world.scenario
    assert world.firm and world.description


def _csv(world):
    out = {}
    for name, df in {**world.tables, "truth": world.truth.customers,
                     "links": world.truth.record_links}.items():
        buf = io.StringIO()
        df.to_csv(buf, index=False)
        out[name] = buf.getvalue().encode()
    return out


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_deterministic(scenario):
    a = generate(scenario, n_customers=80, seed=11)
    b = generate(scenario, n_customers=80, seed=11)
    c = generate(scenario, n_customers=80, seed=12)
    for name in a.tables:
        pd.testing.assert_frame_equal(a.tables[name], b.tables[name])
    pd.testing.assert_frame_equal(a.truth.customers, b.truth.customers)
    assert _csv(a) == _csv(b)
    assert a.truth.params == b.truth.params
    assert not a.transactions.equals(c.transactions)
    assert not a.customers.equals(c.customers)


# --- retail specifics --------------------------------------------------------------


@pytest.fixture(scope="module")
def big_retail():
    return generate("retail", n_customers=20_000, seed=3)


def test_retail_bgnbd_recovers_parameters(big_retail):
    t = big_retail.truth.customers
    pp = big_retail.truth.params["purchase_params"]
    assert t.purchase_rate.mean() == pytest.approx(pp["r"] / pp["alpha"], rel=0.05)
    assert t.dropout_prob.mean() == pytest.approx(pp["a"] / (pp["a"] + pp["b"]), rel=0.05)
    sp = big_retail.truth.params["spend_params"]
    # E[p/nu] = p*gamma/(q-1)
    assert t.mean_spend.mean() == pytest.approx(sp["p"] * sp["gamma"] / (sp["q"] - 1), rel=0.1)
    assert 0.2 < t.alive_at_end.mean() < 0.8
    assert t.dropout_date.isna().eq(t.alive_at_end).all()
    # dropout happens right after a repeat purchase: a purchase on the dropout day
    tx = big_retail.transactions
    dead = t[~t.alive_at_end].head(300)
    bought = tx[tx.kind == "purchase"].groupby(["customer_id", "date"]).size()
    assert all((c, d) in bought.index for c, d in zip(dead.customer_id, dead.dropout_date,
                                                      strict=True))
    assert (t.wallet > 0).all() and t.share_of_wallet.between(0, 1).all()


def test_retail_repeat_rate_matches_lambda(big_retail):
    # customers alive at the end buy at their rate: purchases ~ 1 + lambda * weeks
    t = big_retail.truth.customers.set_index("customer_id")
    tx = big_retail.transactions
    organic = tx[tx.kind == "purchase"].groupby("customer_id").size()
    alive = t[t.alive_at_end]
    signup = big_retail.customers.set_index("customer_id").signup_date
    weeks = (big_retail.observation_end - signup.loc[alive.index]).dt.days / 7
    expected = 1 + (alive.purchase_rate * weeks).sum()
    got = organic.reindex(alive.index, fill_value=0).sum()
    # campaign purchases come on top, so allow a few percent above
    assert expected * 0.95 < got < expected * 1.15


def test_retail_children_shoes_grow(big_retail):
    w = big_retail
    seg = w.truth.customers.set_index("customer_id").needs_segment
    kid = w.products[w.products.name.str.startswith("Kinder-Wanderschuh")]
    size = kid.set_index("product_id").name.str.extract(r"Gr\. (\d+)")[0].astype(int)
    ol = w.order_lines[w.order_lines.product_id.isin(size.index)]
    ol = ol.merge(w.transactions[["transaction_id", "customer_id", "date"]], on="transaction_id")
    assert seg.loc[ol.customer_id].eq("family").all()
    ol = ol.assign(size=ol.product_id.map(size)).sort_values(["customer_id", "date"])
    steps = ol.groupby("customer_id")["size"].diff().dropna()
    assert len(steps) > 50
    assert (steps >= 0).all()
    assert (steps > 0).mean() > 0.2


def test_retail_associations(big_retail):
    w = big_retail
    cat = w.products.set_index("product_id").category
    ol = w.order_lines.assign(category=w.order_lines.product_id.map(cat))
    has = ol.groupby("transaction_id").category.agg(set)
    tent = has[has.map(lambda s: "Zelte" in s)]
    mat = tent.map(lambda s: "Isomatten" in s).mean()
    base = has.map(lambda s: "Isomatten" in s).mean()
    assert mat > 0.45 and mat > 3 * base


def test_retail_returns_and_costs(big_retail):
    tx = big_retail.transactions
    p = tx[tx.kind == "purchase"]
    r = tx[tx.kind == "return"]
    online_rate = len(r[r.channel == "online"]) / (p.channel == "online").sum()
    assert 0.045 < online_rate < 0.075
    assert (r.product_cost < 0).all() and (r.delivery_cost == 0).all()
    assert (p.delivery_cost == p.channel.map({"online": 4.9, "store": 0.0, "phone": 5.9})).all()
    assert (p.product_cost > 0).all() and (p.product_cost < p.amount).all()
    assert 0.1 < (p.discount > 0).mean() < 0.3


def test_retail_nps_relates_to_dropout(big_retail):
    w = big_retail
    s = w.surveys.groupby("customer_id").nps.mean()
    t = w.truth.customers.set_index("customer_id").loc[s.index]
    detractor = s <= 6
    assert t.dropout_prob[detractor].mean() > 1.2 * t.dropout_prob[~detractor].mean()
    assert 0.2 < w.surveys.customer_id.nunique() / len(w.customers) < 0.3


def test_retail_campaign_uplift(big_retail):
    w = big_retail
    m = w.campaign_members
    rates = m.groupby("group").responded.mean()
    assert rates["treatment"] > rates["control"]
    assert 0.15 < (m.group == "control").mean() < 0.25
    assert len(w.campaigns) == 6
    assert len(w.truth.params["campaigns"]) == 6


def test_retail_record_messiness(big_retail):
    w = big_retail
    rec = w.touchpoint_records.merge(w.truth.record_links, on="record_id")
    cust = w.customers.set_index("customer_id")
    same_last = rec.last_name.eq(rec.customer_id.map(cust.last_name))
    assert 0.6 < same_last.mean() < 0.98
    assert rec.last_name.str.contains("ue").any() and rec.last_name.eq("Mueller").any()
    assert rec.first_name.isin(["Tom", "Kathi", "Hannes", "Alex"]).any()
    assert rec.email.isna().any() and rec.birth_year.isna().any()
    assert set(rec.source) == {"webshop", "loyalty_card", "call_centre"}
    assert rec.phone.dropna().str.startswith("+49 ").any()
    # several real customers share a common name
    names = w.customers.groupby(["first_name", "last_name"]).size()
    assert names.max() >= 3
    assert (w.customers.email.str.contains(r"[äöüß]")).sum() == 0


def test_retail_pareto_process():
    w = generate("retail", n_customers=5000, seed=5, process="pareto")
    t = w.truth.customers
    pp = w.truth.params["pareto_params"]
    assert t.dropout_prob.isna().all() and t.dropout_rate.notna().all()
    assert t.dropout_rate.mean() == pytest.approx(pp["s"] / pp["beta"], rel=0.1)
    assert 0.1 < t.alive_at_end.mean() < 0.9


def test_small_sizes_and_options():
    w = generate("retail", n_customers=1, seed=1)
    assert len(w.customers) == 1
    w = generate("retail", n_customers=30, seed=1, observation_end="2024-06-30",
                 acquisition_months=6, purchase_params=dict(r=2.0))
    assert w.transactions.date.max() <= pd.Timestamp("2024-06-30")
    assert w.customers.signup_date.max() < pd.Timestamp("2023-07-01")
    assert w.truth.params["purchase_params"]["r"] == 2.0


# --- errors ----------------------------------------------------------------------


def test_bad_scenario():
    with pytest.raises(CRMDataError, match=r"unknown scenario 'shop'; choose one of 'retail', "
                                           r"'subscription', 'b2b'"):
        generate("shop")


@pytest.mark.parametrize("n", [0, -5, 2.5, "100", True])
def test_bad_n_customers(n):
    with pytest.raises(CRMDataError, match="n_customers must be a positive whole number"):
        generate("retail", n_customers=n)


def test_unknown_option():
    with pytest.raises(CRMDataError, match=r"unknown option\(s\) 'churn_params' for scenario "
                                           r"'retail'; allowed options: observation_end"):
        generate("retail", n_customers=10, churn_params={})


def test_bad_option_values():
    with pytest.raises(CRMDataError, match=r"purchase_params\['r'\] must be a number > 0; got -1"):
        generate("retail", n_customers=10, purchase_params=dict(r=-1))
    with pytest.raises(CRMDataError, match=r"option 'purchase_params' has unknown keys 'x'"):
        generate("retail", n_customers=10, purchase_params=dict(x=1))
    with pytest.raises(CRMDataError, match=r"option 'process' must be 'bgnbd' or 'pareto'"):
        generate("retail", n_customers=10, process="markov")
    with pytest.raises(CRMDataError, match=r"option 'observation_end' must be at least six"):
        generate("retail", n_customers=10, observation_end="2023-02-01")
    with pytest.raises(CRMDataError, match=r"option 'acquisition_months' must be a whole number"):
        generate("retail", n_customers=10, acquisition_months=0)
    with pytest.raises(CRMDataError, match=r"option 'return_rate' must be a number in"):
        generate("retail", n_customers=10, return_rate=1.5)


def test_progress_bar_forced(capsys):
    generate("retail", n_customers=20, seed=1, progress=True)
    assert "generate retail" in capsys.readouterr().err


# --- subscription specifics --------------------------------------------------------


@pytest.fixture(scope="module")
def big_sub():
    return generate("subscription", n_customers=20_000, seed=3)


def test_subscription_churn_process(big_sub):
    w = big_sub
    t = w.truth.customers.set_index("customer_id")
    cp = w.truth.params["churn_params"]
    assert t.churn_prob.mean() == pytest.approx(cp["alpha"] / (cp["alpha"] + cp["beta"]),
                                                rel=0.05)
    con = w.contracts.set_index("customer_id")
    assert con.plan.isin(["S 5GB 9.99", "M 20GB 19.99", "L unlimited 34.99"]).all()
    ended = con[con.end_date.notna()]
    # contracts end on the last day of a month, never before the minimum term
    assert (ended.end_date + pd.Timedelta(days=1)).dt.day.eq(1).all()
    months = ((ended.end_date.dt.year - ended.start_date.dt.year) * 12
              + ended.end_date.dt.month - ended.start_date.dt.month + 1)
    assert (months[ended.minimum_term_months == 24] >= 24).all()
    assert t.dropout_date.equals(con.end_date.reindex(t.index).rename("dropout_date")) or (
        t.dropout_date.values == con.end_date.reindex(t.index).values).all()
    assert (t.alive_at_end == con.end_date.reindex(t.index).isna()).all()
    # one invoice per active month
    inv = w.transactions.groupby("customer_id").size()
    last = con.end_date.fillna(w.observation_end)
    n_months = ((last.dt.year - con.start_date.dt.year) * 12 + last.dt.month
                - con.start_date.dt.month + 1)
    assert (inv.reindex(con.index, fill_value=0) == n_months).all()
    assert set(w.transactions.channel) == {"invoice"}
    assert len(w.order_lines) == 0
    # churned customers called to cancel; detractors churn more
    canc = w.contacts[w.contacts.reason == "cancellation"].customer_id
    assert set(canc) == set(ended.index)
    nps = w.surveys.groupby("customer_id").nps.mean()
    assert t.churn_prob[nps.index[nps <= 6]].mean() > t.churn_prob[nps.index[nps >= 9]].mean()


def test_subscription_retention_experiment(big_sub):
    w = big_sub
    m = w.campaign_members
    assert len(w.campaigns) == 4 and (w.campaigns.response_window_days == 180).all()
    assert 0.4 < (m.group == "treatment").mean() < 0.6
    rates = m.groupby("group").responded.mean()
    assert rates["treatment"] > rates["control"]
    assert w.truth.params["retention_effect"] == 0.6
    disc = w.transactions[w.transactions.discount > 0]
    assert disc.customer_id.isin(m[m.group == "treatment"].customer_id).all()


def test_subscription_options():
    w = generate("subscription", n_customers=300, seed=2, minimum_term_share=0.0,
                 churn_params=dict(alpha=1.0, beta=1.0))
    assert (w.contracts.minimum_term_months == 1).all()
    assert w.truth.params["churn_params"] == {"alpha": 1.0, "beta": 1.0}
    with pytest.raises(CRMDataError, match=r"option 'minimum_term_share' must be a number in"):
        generate("subscription", n_customers=10, minimum_term_share=2)
    with pytest.raises(CRMDataError, match=r"churn_params\['beta'\] must be a number > 0"):
        generate("subscription", n_customers=10, churn_params=dict(beta=0))


# --- b2b specifics ---------------------------------------------------------------


@pytest.fixture(scope="module")
def b2b():
    return generate("b2b", seed=4)


def test_b2b_accounts_and_contracts(b2b):
    w = b2b
    c = w.customers
    assert c.company.notna().all() and c.industry.notna().all()
    assert c.company.str.contains("GmbH|Praxis|Stadt|Kanzlei|Hotel|e.K.|KG|mbB|Dr.").mean() > 0.3
    t = w.truth.customers.set_index("customer_id")
    con = w.contracts
    assert con.discount_rate.between(0.03, 0.15).all()
    assert (con.minimum_term_months == 12).all() and (con.monthly_fee == 0).all()
    assert t.wallet[con.customer_id].min() >= 15_000
    # discount = list value x contract rate
    tx = w.transactions[w.transactions.kind == "purchase"]
    rate = con.set_index("customer_id").discount_rate
    with_c = tx[tx.customer_id.isin(rate.index)]
    gross = with_c.amount + with_c.discount
    np.testing.assert_allclose(with_c.discount, gross * with_c.customer_id.map(rate), atol=0.02)
    assert (tx[~tx.customer_id.isin(rate.index)].discount == 0).all()
    np.testing.assert_allclose(tx.delivery_cost, (15 + 0.02 * tx.amount).round(2), atol=0.011)


def test_b2b_below_zero_customers(b2b):
    w = b2b
    tx, ct = w.transactions, w.contacts
    g = tx.groupby("customer_id")
    cm2 = g.amount.sum() - g.product_cost.sum() - g.delivery_cost.sum()
    cm3 = cm2.sub(ct.groupby("customer_id").cost.sum(), fill_value=0)
    assert 0.08 < (cm3 < 0).mean() < 0.35
    assert (ct[ct.channel == "visit"].cost == 180).all()
    assert (ct[ct.channel == "visit"].direction == "outbound").all()


def test_b2b_keyboard_follows_mouse(b2b):
    w = b2b
    name = w.products.set_index("product_id").name
    ol = w.order_lines.merge(w.transactions[["transaction_id", "customer_id", "date"]],
                             on="transaction_id")
    ol["name"] = ol.product_id.map(name)
    first_mouse = ol[ol.name == "Funkmaus"].groupby("customer_id").date.min()
    kb = ol[ol.name == "Funktastatur"].groupby("customer_id").date.min()
    both = first_mouse.index.intersection(kb.index)
    assert len(both) > 20
    assert (kb[both] >= first_mouse[both]).mean() > 0.6


@pytest.mark.parametrize("scenario", SCENARIOS)
@pytest.mark.parametrize("n", [1, 60])
def test_short_period_and_tiny_worlds(scenario, n):
    w = generate(scenario, n_customers=n, seed=5, observation_end="2023-08-31")
    assert w.observation_end == pd.Timestamp("2023-08-31")
    for name, df in w.tables.items():
        assert list(df.columns) == TABLES[name].names
        for col in TABLES[name].columns:
            if col.kind == "date" and len(df):
                assert (df[col.name].dropna() <= w.observation_end).all(), (name, col.name)
    assert len(w.customers) == n


def test_no_progress_bar_for_small_worlds(capsys):
    generate("b2b", n_customers=20, seed=1)
    assert "generate b2b" not in capsys.readouterr().err
