"""The b2b scenario: Bürobedarf Nord GmbH (office supplies for few large accounts).

See the module docstring of :mod:`crmlearn.datasets._generator` for the process.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._generator import (
    _check_params,
    _check_share,
    cents,
    count_in_window,
    day_dates,
    split_amounts,
    survey_scores,
    zscore,
)
from ._messy import LAST_NAMES, draw_people, touchpoint_records
from ._names import COMPANY_PATTERNS, INDUSTRIES, SURNAMES, weights

FIRM = "Bürobedarf Nord GmbH"
DESCRIPTION = (
    "Bürobedarf Nord GmbH is a fictional office-supply wholesaler with a few hundred "
    "business accounts of very different size (lognormal yearly potential). Accounts "
    "order at a Poisson rate that grows with their size, order amounts are gamma "
    "distributed, and a few accounts leave each year (exponential lifetime, about 5 % a "
    "year). Large accounts hold framework contracts with 3-15 % discount. Deliveries, "
    "returns, service calls and sales visits cost money, so some small accounts with "
    "many small orders end below zero at contribution margin III. A wireless mouse is "
    "often followed by a wireless keyboard in the next order."
)
STAGES = 5

DEFAULT_SIZE = dict(median=6000.0, sigma=1.2)
SEGMENTS = ("price_focused", "convenience", "service_oriented")
SEGMENT_SHARES = (0.35, 0.40, 0.25)
IMPORTANCE = {"price_focused": (4.6, 3.2, 2.8, 2.6), "convenience": (3.4, 3.5, 4.2, 2.9),
              "service_oriented": (3.0, 4.0, 4.7, 3.4)}
ACQUISITION = (("trade_fair", 0.20, 900.0), ("field_sales", 0.35, 2400.0),
               ("inbound", 0.30, 250.0), ("referral", 0.15, 400.0))
CHANNELS = ("webshop", "phone", "email", "field_sales")
CHANNEL_P = (0.5, 0.2, 0.15, 0.15)
CONTRACT_WALLET = 15_000.0
VISIT_COST = 180.0
CALL_COST = {"phone": 6.50, "email": 3.20}
DELIVERY_FIXED, DELIVERY_SHARE = 15.0, 0.02
RETURN_RATE = 0.05
SMALL_ORDER_SHARE = 0.2
MOUSE_KEYBOARD = 0.4

# category: (products as (name, list price, replacement days or None), cost share)
CATALOGUE = {
    "Papier": ((("Kopierpapier A4 80 g (500 Blatt)", 5.49, 30), ("Kopierpapier A3 (500 Blatt)",
                 11.90, 60), ("Recyclingpapier A4 (500 Blatt)", 5.99, 30),
                ("Collegeblock A4 kariert", 2.49, 60)), 0.72),
    "Toner & Tinte": ((("Toner schwarz HL-5100", 69.90, 90), ("Toner Farbe Set", 219.0, 120),
                       ("Tintenpatrone schwarz XL", 29.90, 60)), 0.70),
    "Ordnung": ((("Ordner A4 breit", 2.99, None), ("Ordner A4 schmal", 2.79, None),
                 ("Hängeregister (25 Stück)", 18.90, None), ("Trennblätter A4", 4.49, None),
                 ("Klarsichthüllen (100 Stück)", 6.99, 90)), 0.65),
    "Schreibwaren": ((("Kugelschreiber blau (10 Stück)", 7.90, 90),
                      ("Textmarker-Set", 5.49, 120), ("Bleistifte HB (12 Stück)", 3.99, 180),
                      ("Haftnotizen 76x76 (12 Blöcke)", 9.90, 60),
                      ("Tesafilm (10 Rollen)", 8.49, 120)), 0.62),
    "Computerzubehör": ((("Funkmaus", 24.90, None), ("Funktastatur", 39.90, None),
                         ("USB-Stick 64 GB", 12.90, None), ("Headset USB", 59.00, None),
                         ("Monitorständer", 44.90, None), ("Dockingstation USB-C", 149.0, None)),
                        0.68),
    "Büromöbel": ((("Bürostuhl ergonomisch", 289.0, None), ("Schreibtischlampe LED", 49.90, None),
                   ("Rollcontainer", 159.0, None), ("Schreibtisch höhenverstellbar", 549.0, None)),
                  0.60),
    "Geräte": ((("Laserdrucker s/w", 189.0, None), ("Aktenvernichter", 129.0, None),
                ("Laminiergerät A4", 59.0, None), ("Tischrechner", 19.90, None)), 0.66),
    "Küche & Hygiene": ((("Kaffee Crema 1 kg", 16.90, 30), ("Tee-Sortiment", 8.90, 45),
                         ("Milch 1 l (12 Stück)", 13.90, 14), ("Spülmittel 5 l", 9.90, 60),
                         ("Papierhandtücher (20 Packungen)", 29.90, 45),
                         ("Wasser still (12 x 1 l)", 6.90, 14)), 0.75),
    "Versand": ((("Briefumschläge DL (1000 Stück)", 24.90, 120),
                 ("Versandkartons (25 Stück)", 29.90, 90), ("Paketklebeband (6 Rollen)", 11.90,
                                                             90)), 0.70),
}
CATEGORY_WEIGHT = {"Papier": 5.0, "Toner & Tinte": 3.0, "Ordnung": 3.0, "Schreibwaren": 4.0,
                   "Computerzubehör": 1.0, "Büromöbel": 0.3, "Geräte": 0.3,
                   "Küche & Hygiene": 4.0, "Versand": 2.0}
CAMPAIGNS = (
    ("Katalogversand Frühjahr 2024", "2024-03-04", "letter", "Neuer Katalog mit 5 % Rabatt",
     2.80, 60, 0.10),
    ("Herbst-Aktion Kopierpapier 2025", "2025-09-15", "email", "Kopierpapier 10 % günstiger",
     0.05, 30, 0.06),
)


def check_options(options: dict) -> dict:
    """Validate the b2b options and fill in defaults."""
    return {
        "size_params": _check_params("size_params", options.get("size_params"), DEFAULT_SIZE),
        "yearly_churn": _check_share("yearly_churn", options.get("yearly_churn"), 0.05, 0.0,
                                     0.99),
        "survey_share": _check_share("survey_share", options.get("survey_share"), 0.5),
    }


def _products():
    rows = [(cat, *prod, cs) for cat, (prods, cs) in CATALOGUE.items() for prod in prods]
    return {
        "product_id": np.arange(1, len(rows) + 1),
        "name": np.array([r[1] for r in rows], dtype=object),
        "category": np.array([r[0] for r in rows], dtype=object),
        "list_price": np.array([r[2] for r in rows]),
        "cost_share": np.array([r[4] for r in rows]),
        "replacement_days": np.array([np.nan if r[3] is None else r[3] for r in rows]),
    }


def _company_names(rng, n, people):
    industry = rng.choice(len(INDUSTRIES), size=n)
    owner = LAST_NAMES[rng.choice(len(SURNAMES), size=n, p=weights(SURNAMES))]
    names = np.empty(n, dtype=object)
    for i, ind in enumerate(INDUSTRIES):
        idx = np.nonzero(industry == i)[0]
        pats = COMPANY_PATTERNS[ind]
        pick = rng.integers(0, len(pats), len(idx))
        for j, pat in enumerate(pats):
            sel = idx[pick == j]
            names[sel] = [pat.format(last=o, town=t)
                          for o, t in zip(owner[sel], people["town"][sel], strict=True)]
    return np.array(INDUSTRIES, dtype=object)[industry], names


def simulate(rng, n, start, end, months, opts, step):
    """Simulate the b2b world; returns tables, truth and parameters."""
    r_cust, r_orders, r_lines, r_contact, r_survey, r_records = rng.spawn(6)
    period_days = int((end - start).days) + 1
    acq_days = min(int((start + pd.DateOffset(months=months) - start).days), period_days)

    # 1. accounts ---------------------------------------------------------------------------
    people = draw_people(r_cust, n, birth_mean=1975.0, birth_sd=10.0, birth_range=(1955, 2002))
    industry, company = _company_names(r_cust, n, people)
    t0 = np.floor(r_cust.random(n) * acq_days)
    segment = r_cust.choice(len(SEGMENTS), size=n, p=SEGMENT_SHARES)
    sz = opts["size_params"]
    wallet = np.exp(r_cust.normal(np.log(sz["median"]), sz["sigma"], n))
    share = r_cust.beta(3.0, 3.0, n)
    small_orders = r_cust.random(n) < SMALL_ORDER_SHARE
    mean_order = 250.0 * (wallet / 6000.0) ** 0.5 * np.where(small_orders, 0.4, 1.0)
    lam = share * wallet / (52.0 * mean_order)  # orders per week
    churn_rate = -np.log(1 - opts["yearly_churn"]) / 52.0 if opts["yearly_churn"] > 0 else 0.0
    tau = r_cust.exponential(1.0, n) / churn_rate if churn_rate > 0 else np.full(n, np.inf)
    window = (period_days - t0) / 7.0
    dies = tau < window
    drop_day = np.where(dies, np.floor(t0 + 7 * tau), np.nan)
    acq = r_cust.choice(len(ACQUISITION), size=n, p=[a[1] for a in ACQUISITION])
    acq_cost = cents(np.array([a[2] for a in ACQUISITION])[acq] * r_cust.lognormal(0, 0.3, n))
    has_contract = wallet >= CONTRACT_WALLET
    rate = np.where(has_contract, np.clip(0.03 + 0.03 * np.log(wallet / CONTRACT_WALLET), 0.03,
                                          0.15), 0.0)
    rate = np.round(rate, 2)
    step("accounts")

    # 2. orders: first order at signup, then Poisson(lambda) until the lifetime ends ----------
    span = np.minimum(tau, window)
    k = r_orders.poisson(lam * span)
    o_cust = np.concatenate([np.arange(n), np.repeat(np.arange(n), k)])
    o_day = np.concatenate([t0, np.floor(t0[np.repeat(np.arange(n), k)]
                                         + 7 * r_orders.random(k.sum()) * np.repeat(span, k))])
    # campaign extra orders
    prods = _products()
    camp_rows, members, x_cust, x_day = [], [], [], []
    start_d = np.datetime64(start.date(), "D")
    for c_id, (name, date, ch, offer, cpc, win, uplift) in enumerate(CAMPAIGNS, start=1):
        c_day = int((np.datetime64(date, "D") - start_d).astype(int))
        if c_day + win > period_days:
            continue
        cand = np.nonzero(t0 < c_day)[0]
        treat = r_orders.random(len(cand)) < 0.8
        alive_then = np.isnan(drop_day[cand]) | (drop_day[cand] >= c_day)
        extra = treat & alive_then & (r_orders.random(len(cand)) < uplift)
        x_cust.append(cand[extra])
        x_day.append(c_day + np.floor(r_orders.random(extra.sum()) * win))
        camp_rows.append((c_id, name, date, ch, offer, cpc, win, uplift))
        members.append((c_id, cand, treat, c_day, win))
    o_cust = np.concatenate([o_cust] + x_cust).astype(np.int64)
    o_day = np.concatenate([o_day] + x_day)
    order = np.lexsort((o_cust, o_day))
    o_cust, o_day = o_cust[order], o_day[order]
    n_o = len(o_cust)
    gross = np.maximum(cents(r_orders.gamma(2.5, mean_order[o_cust] / 2.5)), 5.0)
    discount = cents(gross * rate[o_cust])
    amount = cents(gross - discount)
    chan = r_orders.choice(len(CHANNELS), size=n_o, p=CHANNEL_P)
    step("orders")

    # 3. order lines, with the mouse -> keyboard cross-selling in the next order -----------
    n_lines = 1 + r_lines.poisson(1.5, n_o)
    l_txn = np.repeat(np.arange(n_o), n_lines)
    mouse = int(np.nonzero(prods["name"] == "Funkmaus")[0][0])
    keyboard = int(np.nonzero(prods["name"] == "Funktastatur")[0][0])
    pw = np.array([CATEGORY_WEIGHT[c] for c in prods["category"]])
    pw[keyboard] *= 0.1  # keyboards mostly come after a mouse
    prod = r_lines.choice(len(pw), size=len(l_txn), p=pw / pw.sum())
    # next order of the same customer, by customer then day
    by_cust = np.lexsort((o_day, o_cust))
    nxt = np.full(n_o, -1)
    same = o_cust[by_cust[1:]] == o_cust[by_cust[:-1]]
    nxt[by_cust[:-1][same]] = by_cust[1:][same]
    hit = (prod == mouse) & (r_lines.random(len(prod)) < MOUSE_KEYBOARD) & (nxt[l_txn] >= 0)
    l_txn = np.concatenate([l_txn, nxt[l_txn[hit]]])
    prod = np.concatenate([prod, np.full(hit.sum(), keyboard)])
    srt = np.argsort(l_txn, kind="stable")
    l_txn, prod = l_txn[srt], prod[srt]
    line_amt = split_amounts(amount, l_txn, prods["list_price"][prod])
    cost = cents(np.bincount(l_txn, weights=line_amt * prods["cost_share"][prod], minlength=n_o))
    delivery = cents(DELIVERY_FIXED + DELIVERY_SHARE * amount)
    # returns
    ri = np.nonzero(r_orders.random(n_o) < RETURN_RATE)[0]
    frac = r_orders.uniform(0.1, 1.0, len(ri))
    r_amount = -cents(amount[ri] * frac)
    r_amount = np.where(r_amount == 0, -0.01, r_amount)
    r_day = np.minimum(o_day[ri] + r_orders.integers(2, 15, len(ri)), period_days - 1)
    n_returns = np.bincount(o_cust[ri], minlength=n)
    t_day = np.concatenate([o_day, r_day])
    t_cust = np.concatenate([o_cust, o_cust[ri]])
    t_kind = np.concatenate([np.zeros(n_o, np.int64), np.ones(len(ri), np.int64)])
    t_order = np.argsort((t_day.astype(np.int64) * 2 + t_kind) * n + t_cust, kind="stable")
    txn_id = np.empty(len(t_order), dtype=np.int64)
    txn_id[t_order] = np.arange(1, len(t_order) + 1)
    ch_names = np.array(CHANNELS, dtype=object)
    transactions = {
        "transaction_id": txn_id[t_order],
        "customer_id": t_cust[t_order] + 1,
        "date": day_dates(start, t_day[t_order]),
        "amount": np.concatenate([amount, r_amount])[t_order],
        "kind": np.array(["purchase", "return"], dtype=object)[t_kind[t_order]],
        "channel": ch_names[np.concatenate([chan, chan[ri]])[t_order]],
        "discount": np.concatenate([discount, np.zeros(len(ri))])[t_order],
        "product_cost": np.concatenate([cost, -cents(cost[ri] * frac)])[t_order],
        "delivery_cost": np.concatenate([delivery, np.zeros(len(ri))])[t_order],
    }
    lo = np.lexsort((np.arange(len(l_txn)), txn_id[l_txn]))
    l_id = txn_id[l_txn][lo]
    starts = np.r_[True, l_id[1:] != l_id[:-1]]
    first = np.maximum.accumulate(np.where(starts, np.arange(len(l_id)), 0))
    order_lines = {
        "transaction_id": l_id,
        "line_no": np.arange(len(l_id)) - first + 1,
        "product_id": prods["product_id"][prod][lo],
        "amount": line_amt[lo],
    }
    step("order lines")

    # 4. contacts: sales visits and service calls ----------------------------------------
    active_end = np.where(np.isnan(drop_day), period_days - 1, drop_day)
    years = np.maximum(active_end - t0, 1) / 365.25
    visit_rate = np.minimum(0.1 + 5.0 * (wallet / 50_000.0) ** 0.7, 12.0)
    visit_rate = np.where(small_orders & (segment == 2), visit_rate + 1.0, visit_rate)
    n_v = r_contact.poisson(visit_rate * years)
    n_s = r_contact.poisson(0.5 * years + 0.5 * n_returns + 1.5 * small_orders * years)
    c_cust = np.concatenate([np.repeat(np.arange(n), n_v), np.repeat(np.arange(n), n_s)])
    c_day = np.floor(t0[c_cust] + r_contact.random(len(c_cust)) * (active_end - t0)[c_cust])
    is_visit = np.arange(len(c_cust)) < n_v.sum()
    s_chan = np.where(r_contact.random(len(c_cust)) < 0.7, "phone", "email")
    c_chan = np.where(is_visit, "visit", s_chan).astype(object)
    u = r_contact.random(len(c_cust))
    reason = np.where(is_visit, "sales",
                      np.where(u < 0.25, "complaint", np.where(u < 0.65, "question",
                                                               "order_help"))).astype(object)
    cost_c = np.where(is_visit, VISIT_COST, np.where(s_chan == "phone", CALL_COST["phone"],
                                                     CALL_COST["email"]))
    order = np.lexsort((c_cust, c_day))
    contacts = {
        "contact_id": np.arange(1, len(c_cust) + 1),
        "customer_id": c_cust[order] + 1,
        "date": day_dates(start, c_day[order]),
        "channel": c_chan[order],
        "direction": np.where(is_visit, "outbound", "inbound").astype(object)[order],
        "reason": reason[order],
        "cost": cost_c[order],
    }
    step("contacts")

    # campaigns ----------------------------------------------------------------------------
    width = period_days + 400
    all_key = np.sort(o_cust * width + o_day.astype(np.int64))
    mem = {"campaign_id": [], "customer_id": [], "group": [], "responded": []}
    for c_id, cand, treat, c_day0, win in members:
        mem["campaign_id"].append(np.full(len(cand), c_id))
        mem["customer_id"].append(cand + 1)
        mem["group"].append(np.where(treat, "treatment", "control").astype(object))
        mem["responded"].append(count_in_window(all_key, cand, c_day0, c_day0 + win - 1,
                                                width) > 0)
    campaigns = {
        "campaign_id": np.array([c[0] for c in camp_rows], dtype=np.int64),
        "name": np.array([c[1] for c in camp_rows], dtype=object),
        "start_date": np.array([c[2] for c in camp_rows], dtype="datetime64[D]"),
        "channel": np.array([c[3] for c in camp_rows], dtype=object),
        "offer": np.array([c[4] for c in camp_rows], dtype=object),
        "cost_per_contact": np.array([c[5] for c in camp_rows], dtype=float),
        "response_window_days": np.array([c[6] for c in camp_rows], dtype=np.int64),
    }
    campaign_members = {k_: (np.concatenate(v) if v else np.zeros(0)) for k_, v in mem.items()}

    # 5. surveys (buyers, once a year) -----------------------------------------------------
    satisfaction = 0.5 * zscore(np.log(tau)) + 0.8 * r_survey.normal(0, 1, n)
    s_cust, s_day = [], []
    for year in range(start.year, end.year + 1):
        d = int((pd.Timestamp(f"{year}-10-01") - start).days)
        if d > period_days - 1:
            continue
        ok = (t0 <= d) & (active_end >= d) & (r_survey.random(n) < opts["survey_share"])
        c = np.nonzero(ok)[0]
        s_cust.append(c)
        s_day.append(d + r_survey.integers(0, 21, len(c)).astype(float))
    s_cust = np.concatenate(s_cust) if s_cust else np.zeros(0, dtype=np.int64)
    s_day = np.minimum(np.concatenate(s_day) if s_day else np.zeros(0), period_days - 1)
    imp = np.array([IMPORTANCE[s] for s in SEGMENTS])[segment[s_cust]]
    scores = survey_scores(r_survey, len(s_cust), satisfaction[s_cust], imp)
    order = np.lexsort((s_cust, s_day))
    surveys = {
        "response_id": np.arange(1, len(s_cust) + 1),
        "customer_id": s_cust[order] + 1,
        "date": day_dates(start, s_day[order]),
        "touchpoint": np.full(len(s_cust), "annual_account_review", dtype=object),
        **{k_: v[order] for k_, v in scores.items()},
    }
    step("surveys")

    used = np.zeros((n, len(CHANNELS)), dtype=bool)
    used[o_cust, chan] = True
    visited = np.zeros(n, dtype=bool)
    visited[c_cust[is_visit]] = True
    has_source = {"erp": np.ones(n, dtype=bool), "webshop": used[:, 0], "field_crm": visited}
    records, links = touchpoint_records(r_records, people, has_source, duplicate_share=0.1,
                                        company=company)

    customers = {
        "customer_id": np.arange(1, n + 1),
        "first_name": people["first_name"],
        "last_name": people["last_name"],
        "company": company,
        "industry": industry,
        "gender": people["gender"],
        "birth_year": people["birth_year"],
        "email": people["email"],
        "postcode": people["postcode"],
        "town": people["town"],
        "signup_date": day_dates(start, t0),
        "acquisition_channel": np.array([a[0] for a in ACQUISITION], dtype=object)[acq],
        "acquisition_cost": acq_cost,
    }
    ci = np.nonzero(has_contract)[0]
    contracts = {
        "contract_id": np.arange(1, len(ci) + 1),
        "customer_id": ci + 1,
        "plan": np.full(len(ci), "Rahmenvertrag", dtype=object),
        "start_date": day_dates(start, t0[ci]),
        "end_date": day_dates(start, drop_day[ci]),
        "monthly_fee": np.zeros(len(ci)),
        "discount_rate": rate[ci],
        "minimum_term_months": np.full(len(ci), 12),
    }
    truth_customers = {
        "customer_id": np.arange(1, n + 1),
        "needs_segment": np.array(SEGMENTS, dtype=object)[segment],
        "purchase_rate": lam,
        "dropout_prob": np.full(n, np.nan),
        "dropout_rate": np.full(n, churn_rate, dtype=float),
        "churn_prob": np.full(n, np.nan),
        "mean_spend": mean_order * (1 - rate),
        "dropout_date": day_dates(start, drop_day),
        "alive_at_end": ~dies,
        "wallet": wallet,
        "share_of_wallet": share,
    }
    params = {
        "time_unit": "week",
        "size_params": sz,
        "yearly_churn": opts["yearly_churn"],
        "mean_order": "250 * (wallet / 6000) ** 0.5 EUR, x 0.4 for small-order accounts",
        "order_amount": "Gamma(shape 2.5) with the account's mean order (list value)",
        "small_order_share": SMALL_ORDER_SHARE,
        "small_order_accounts": (np.nonzero(small_orders)[0] + 1).tolist(),
        "contract_wallet_threshold": CONTRACT_WALLET,
        "contract_discount": "0.03 + 0.03 * ln(wallet / 15000), clipped to 0.03-0.15",
        "delivery_cost": f"{DELIVERY_FIXED} EUR + {DELIVERY_SHARE:.0%} of the amount",
        "visit_cost": VISIT_COST,
        "call_cost": CALL_COST,
        "visits_per_year": "min(0.1 + 5 * (wallet / 50000) ** 0.7, 12) "
                           "(+1 for small-order service-oriented accounts)",
        "return_rate": RETURN_RATE,
        "mouse_then_keyboard": MOUSE_KEYBOARD,
        "category_weight": CATEGORY_WEIGHT,
        "segments": dict(zip(SEGMENTS, SEGMENT_SHARES, strict=True)),
        "acquisition_cost": {a[0]: a[2] for a in ACQUISITION},
        "share_of_wallet": "Beta(3, 3)",
        "survey_share": opts["survey_share"],
        "campaigns": [{"campaign_id": c[0], "name": c[1], "uplift": c[7],
                       "treatment_share": 0.8} for c in camp_rows],
    }
    return {
        "tables": {
            "customers": customers,
            "transactions": transactions,
            "order_lines": order_lines,
            "products": prods,
            "contacts": contacts,
            "campaigns": campaigns,
            "campaign_members": campaign_members,
            "surveys": surveys,
            "touchpoint_records": records,
            "contracts": contracts,
        },
        "truth_customers": truth_customers,
        "record_links": links,
        "params": params,
    }
