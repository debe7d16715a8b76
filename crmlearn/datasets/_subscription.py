"""The subscription scenario: FunkNetz Mobil (contracts, monthly fees, churn).

See the module docstring of :mod:`crmlearn.datasets._generator` for the process.
The churn process runs as a loop over the (at most a few dozen) calendar months,
vectorised over customers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._generator import (
    _check_params,
    _check_share,
    cents,
    day_dates,
    month_start_day,
    survey_scores,
    zscore,
)
from ._messy import draw_people, private_customers, touchpoint_records

FIRM = "FunkNetz Mobil"
DESCRIPTION = (
    "FunkNetz Mobil is a fictional mobile-phone provider. Customers sign up over the "
    "whole period, each with one contract (plan S, M or L; monthly or with a 24-month "
    "minimum term) and pay one invoice a month. Each customer cancels in a month with a "
    "personal probability theta ~ Beta(alpha, beta) (shifted-beta-geometric), but not "
    "before the minimum term ends; a complaint raises the risk. Customers with a recent "
    "complaint were randomly offered a retention discount (or held out as control), "
    "which lowers their churn probability for 12 months. Hotline calls, cancellations "
    "and surveys (NPS falls with the churn risk) complete the picture."
)
STAGES = 5

DEFAULT_CHURN = dict(alpha=0.7, beta=3.5)
PLANS = (("S 5GB 9.99", 9.99), ("M 20GB 19.99", 19.99), ("L unlimited 34.99", 34.99))
SEGMENTS = ("data_heavy", "price_sensitive", "family", "basic")
SEGMENT_SHARES = (0.25, 0.30, 0.20, 0.25)
PLAN_MIX = {"data_heavy": (0.05, 0.35, 0.60), "price_sensitive": (0.75, 0.22, 0.03),
            "family": (0.20, 0.60, 0.20), "basic": (0.50, 0.45, 0.05)}
IMPORTANCE = {"data_heavy": (2.8, 4.5, 3.2, 2.6), "price_sensitive": (4.8, 3.0, 2.8, 2.5),
              "family": (4.0, 3.6, 4.0, 3.0), "basic": (3.8, 3.2, 3.6, 3.2)}
ADD_ONS = (("EU-Roaming-Paket", 4.99), ("Zusatz-SIM", 4.99), ("Datenpaket 5GB", 7.99),
           ("Handyversicherung", 6.99))
ACQUISITION = (("online", 0.40, 45.0), ("shop", 0.30, 60.0), ("hotline", 0.10, 35.0),
               ("comparison_portal", 0.20, 70.0))
NETWORK_COST_SHARE = 0.35
COMPLAINT_MONTHLY = 0.012  # base chance of a complaint per active month (x (1 + 4 theta))
COMPLAINT_FACTOR = 1.5
QUESTION_RATE = 0.04  # hotline questions per active month
RETENTION_DISCOUNT = 5.0
RETENTION_MONTHS = 12
CONTACT_COST = {"phone": 6.50, "email": 3.20, "chat": 2.10, "store": 0.0}


def check_options(options: dict) -> dict:
    """Validate the subscription options and fill in defaults."""
    return {
        "churn_params": _check_params("churn_params", options.get("churn_params"),
                                      DEFAULT_CHURN),
        "minimum_term_share": _check_share("minimum_term_share",
                                           options.get("minimum_term_share"), 0.6),
        "retention_effect": _check_share("retention_effect", options.get("retention_effect"),
                                         0.6, 0.0, 2.0),
        "survey_share": _check_share("survey_share", options.get("survey_share"), 0.3),
    }


def simulate(rng, n, start, end, months, opts, step):
    """Simulate the subscription world; returns tables, truth and parameters."""
    r_cust, r_churn, r_inv, r_contact, r_survey, r_records = rng.spawn(6)
    period_days = int((end - start).days) + 1
    n_months = (end.year - start.year) * 12 + end.month - start.month + 1
    m_start = month_start_day(start, np.arange(n_months + 1))  # day of each month's 1st

    # 1. customers and contracts ---------------------------------------------------------
    people = draw_people(r_cust, n, birth_mean=1981.0, birth_sd=15.0)
    w = np.linspace(1.6, 0.4, months) if months > 1 else np.ones(1)
    signup_month = r_cust.choice(months, size=n, p=w / w.sum())
    month_len = m_start[signup_month + 1] - m_start[signup_month]
    t0 = m_start[signup_month] + np.floor(r_cust.random(n) * month_len)
    t0 = np.minimum(t0, period_days - 1)
    segment = r_cust.choice(len(SEGMENTS), size=n, p=SEGMENT_SHARES)
    plan = np.empty(n, dtype=np.int64)
    for s, name in enumerate(SEGMENTS):
        idx = np.nonzero(segment == s)[0]
        plan[idx] = r_cust.choice(3, size=len(idx), p=PLAN_MIX[name])
    fee = np.array([p[1] for p in PLANS])[plan]
    term = np.where(r_cust.random(n) < opts["minimum_term_share"], 24, 1)
    acq = r_cust.choice(len(ACQUISITION), size=n, p=[a[1] for a in ACQUISITION])
    acq_cost = cents(np.array([a[2] for a in ACQUISITION])[acq] * r_cust.lognormal(0, 0.2, n))
    cp = opts["churn_params"]
    theta = r_churn.beta(cp["alpha"], cp["beta"], n)
    step("customers")

    # 2. month-by-month churn with complaints and the retention experiment ----------------
    churn_month = np.full(n, -1)  # calendar month index of cancellation, -1 = active
    complaint_month = np.full(n, -1)
    offer_month = np.full(n, -1)
    treated = np.zeros(n, dtype=bool)
    effect = opts["retention_effect"]
    camp_months = [m for m in range(n_months)
                   if (start + pd.DateOffset(months=m)).year == 2024 and m % 3 == 0]
    camp_members = []
    complaints = []  # (customer, month)
    for m in range(n_months):
        active = (signup_month <= m) & (churn_month < 0)
        if m in camp_months:  # members: complaint in the last 3 months, not yet in a test
            cand = np.nonzero(active & (complaint_month >= m - 3) & (complaint_month < m)
                              & (offer_month < 0))[0]
            treat = r_churn.random(len(cand)) < 0.5
            offer_month[cand] = m
            treated[cand] = treat
            camp_members.append((m, cand, treat))
        tenure = m - signup_month + 1
        comp = active & (r_churn.random(n) < COMPLAINT_MONTHLY * (1 + 4 * theta))
        complaints.append(np.nonzero(comp)[0])
        hazard = theta * np.where(complaint_month >= 0, COMPLAINT_FACTOR, 1.0)
        in_offer = treated & (offer_month >= 0) & (m >= offer_month) & (
            m < offer_month + RETENTION_MONTHS)
        hazard = np.minimum(np.where(in_offer, hazard * effect, hazard), 1.0)
        hazard[tenure < term] = 0.0
        churn = active & (r_churn.random(n) < hazard)
        churn_month[churn] = m
        complaint_month[comp] = m
    end_day = np.where(churn_month >= 0, m_start[np.maximum(churn_month, 0) + 1] - 1, np.nan)
    alive = churn_month < 0
    step("churn")

    # 3. invoices -----------------------------------------------------------------------
    last_month = np.where(alive, n_months - 1, churn_month)
    k = last_month - signup_month + 1
    i_cust = np.repeat(np.arange(n), k)
    i_month = signup_month[i_cust] + (np.arange(k.sum()) - np.repeat(np.cumsum(k) - k, k))
    first = i_month == signup_month[i_cust]
    i_day = np.where(first, t0[i_cust], m_start[i_month])
    extra = np.where(r_inv.random(len(i_cust)) < 0.2, cents(r_inv.gamma(2.0, 4.0, len(i_cust))),
                     0.0)
    disc = np.where(treated[i_cust] & (i_month >= offer_month[i_cust])
                    & (i_month < offer_month[i_cust] + RETENTION_MONTHS), RETENTION_DISCOUNT,
                    0.0)
    amount = cents(np.maximum(fee[i_cust] + extra - disc, 0.5))
    order = np.lexsort((i_cust, i_day))
    transactions = {
        "transaction_id": np.arange(1, len(i_cust) + 1),
        "customer_id": i_cust[order] + 1,
        "date": day_dates(start, i_day[order]),
        "amount": amount[order],
        "kind": np.full(len(i_cust), "purchase", dtype=object),
        "channel": np.full(len(i_cust), "invoice", dtype=object),
        "discount": disc[order],
        "product_cost": cents(NETWORK_COST_SHARE * amount)[order],
        "delivery_cost": np.zeros(len(i_cust)),
    }
    step("invoices")

    # 4. contacts: complaints, questions, cancellations, retention calls -------------------
    parts = []  # (customer, day, channel, direction, reason)

    def add(cust, day, channel, direction, reason):
        parts.append((cust, np.minimum(day, period_days - 1), channel,
                      np.full(len(cust), direction, dtype=object),
                      np.full(len(cust), reason, dtype=object)))

    chans = np.array(["phone", "email", "chat", "store"], dtype=object)
    for m, cust in enumerate(complaints):
        day = m_start[m] + np.floor(r_contact.random(len(cust)) * (m_start[m + 1] - m_start[m]))
        day = np.maximum(day, t0[cust])
        add(cust, day, chans[r_contact.choice(4, len(cust), p=[0.6, 0.2, 0.15, 0.05])],
            "inbound", "complaint")
    active_months = k
    n_q = r_contact.poisson(QUESTION_RATE * active_months)
    q_cust = np.repeat(np.arange(n), n_q)
    last_day = np.where(alive, period_days - 1, end_day)
    q_day = np.floor(t0[q_cust] + r_contact.random(len(q_cust)) * (last_day - t0)[q_cust])
    add(q_cust, q_day, chans[r_contact.choice(4, len(q_cust), p=[0.5, 0.25, 0.2, 0.05])],
        "inbound", "question")
    c_cust = np.nonzero(~alive)[0]
    c_day = np.maximum(end_day[c_cust] - r_contact.integers(0, 28, len(c_cust)), t0[c_cust])
    add(c_cust, c_day, chans[r_contact.choice(4, len(c_cust), p=[0.7, 0.2, 0.05, 0.05])],
        "inbound", "cancellation")
    t_cust = np.nonzero(treated)[0]
    add(t_cust, m_start[offer_month[t_cust]] + r_contact.integers(0, 10, len(t_cust)),
        np.full(len(t_cust), "phone", dtype=object), "outbound", "sales")
    k_cust = np.concatenate([p[0] for p in parts])
    k_day = np.concatenate([p[1] for p in parts]).astype(float)
    k_chan = np.concatenate([p[2] for p in parts])
    k_dir = np.concatenate([p[3] for p in parts])
    k_reason = np.concatenate([p[4] for p in parts])
    order = np.lexsort((k_cust, k_day))
    cost_map = np.vectorize(CONTACT_COST.get, otypes=[float])
    contacts = {
        "contact_id": np.arange(1, len(k_cust) + 1),
        "customer_id": k_cust[order] + 1,
        "date": day_dates(start, k_day[order]),
        "channel": k_chan[order],
        "direction": k_dir[order],
        "reason": k_reason[order],
        "cost": cost_map(k_chan[order]) if len(k_chan) else np.zeros(0),
    }
    step("contacts")

    # campaigns (retention experiment) -------------------------------------------------
    camp_rows, mem = [], {"campaign_id": [], "customer_id": [], "group": [], "responded": []}
    for c_id, (m, cand, treat) in enumerate(camp_members, start=1):
        c_day = m_start[m]
        date = pd.Timestamp(start) + pd.Timedelta(days=int(c_day))
        camp_rows.append((c_id, f"Halteangebot {date.year} Q{(date.month - 1) // 3 + 1}",
                          date, "phone", f"{RETENTION_DISCOUNT:.0f} EUR Rabatt für "
                          f"{RETENTION_MONTHS} Monate", 4.50, 180))
        stayed = np.isnan(end_day[cand]) | (end_day[cand] >= c_day + 180)
        mem["campaign_id"].append(np.full(len(cand), c_id))
        mem["customer_id"].append(cand + 1)
        mem["group"].append(np.where(treat, "treatment", "control").astype(object))
        mem["responded"].append(stayed)
    campaigns = {
        "campaign_id": np.array([c[0] for c in camp_rows], dtype=np.int64),
        "name": np.array([c[1] for c in camp_rows], dtype=object),
        "start_date": np.array([c[2].to_datetime64() for c in camp_rows],
                               dtype="datetime64[ns]"),
        "channel": np.array([c[3] for c in camp_rows], dtype=object),
        "offer": np.array([c[4] for c in camp_rows], dtype=object),
        "cost_per_contact": np.array([c[5] for c in camp_rows], dtype=float),
        "response_window_days": np.array([c[6] for c in camp_rows], dtype=np.int64),
    }
    campaign_members = {k_: (np.concatenate(v) if v else np.zeros(0)) for k_, v in mem.items()}

    # 5. surveys: after hotline contacts and annually ---------------------------------------
    satisfaction = (-0.8 * zscore(theta) + 0.6 * r_survey.normal(0, 1, n)
                    - 0.6 * (complaint_month >= 0))
    hot = (k_chan == "phone") & (k_dir == "inbound") & (r_survey.random(len(k_cust)) < 0.3)
    s_cust = [k_cust[hot]]
    s_day = [np.minimum(k_day[hot] + r_survey.integers(1, 4, hot.sum()), period_days - 1)]
    s_tp = [np.full(hot.sum(), "hotline", dtype=object)]
    for year in range(start.year, end.year + 1):
        d = int((pd.Timestamp(f"{year}-11-15") - start).days)
        if d > period_days - 1:
            continue
        ok = (t0 <= d) & (alive | (end_day >= d)) & (r_survey.random(n) < opts["survey_share"])
        c = np.nonzero(ok)[0]
        s_cust.append(c)
        s_day.append(d + r_survey.integers(0, 14, len(c)).astype(float))
        s_tp.append(np.full(len(c), "annual_survey", dtype=object))
    s_cust = np.concatenate(s_cust)
    s_day = np.minimum(np.concatenate(s_day), period_days - 1)
    s_tp = np.concatenate(s_tp)
    imp = np.array([IMPORTANCE[s] for s in SEGMENTS])[segment[s_cust]]
    scores = survey_scores(r_survey, len(s_cust), satisfaction[s_cust], imp)
    order = np.lexsort((s_cust, s_day))
    surveys = {
        "response_id": np.arange(1, len(s_cust) + 1),
        "customer_id": s_cust[order] + 1,
        "date": day_dates(start, s_day[order]),
        "touchpoint": s_tp[order],
        **{k_: v[order] for k_, v in scores.items()},
    }
    step("surveys")

    # touchpoint records -----------------------------------------------------------------
    phone_contact = np.zeros(n, dtype=bool)
    phone_contact[k_cust[k_chan == "phone"]] = True
    acq_names = np.array([a[0] for a in ACQUISITION], dtype=object)[acq]
    has_source = {
        "online_account": (acq_names != "shop") | (r_records.random(n) < 0.6),
        "shop": (acq_names == "shop") | (r_records.random(n) < 0.15),
        "hotline": phone_contact | (acq_names == "hotline"),
    }
    records, links = touchpoint_records(r_records, people, has_source)

    share = r_cust.beta(4.0, 2.0, n)
    customers = private_customers(people, day_dates(start, t0), acq_names, acq_cost)
    contracts = {
        "contract_id": np.arange(1, n + 1),
        "customer_id": np.arange(1, n + 1),
        "plan": np.array([p[0] for p in PLANS], dtype=object)[plan],
        "start_date": day_dates(start, t0),
        "end_date": day_dates(start, end_day),
        "monthly_fee": fee,
        "discount_rate": np.zeros(n),
        "minimum_term_months": term,
    }
    products = {
        "product_id": np.arange(1, len(PLANS) + len(ADD_ONS) + 1),
        "name": np.array([p[0] for p in PLANS + ADD_ONS], dtype=object),
        "category": np.array(["Tarif"] * len(PLANS) + ["Zusatzoption"] * len(ADD_ONS),
                             dtype=object),
        "list_price": np.array([p[1] for p in PLANS + ADD_ONS]),
        "cost_share": np.full(len(PLANS) + len(ADD_ONS), NETWORK_COST_SHARE),
        "replacement_days": np.full(len(PLANS) + len(ADD_ONS), np.nan),
    }
    truth_customers = {
        "customer_id": np.arange(1, n + 1),
        "needs_segment": np.array(SEGMENTS, dtype=object)[segment],
        "purchase_rate": np.zeros(n),
        "dropout_prob": np.full(n, np.nan),
        "dropout_rate": np.full(n, np.nan),
        "churn_prob": theta,
        "mean_spend": fee + 0.2 * 8.0,
        "dropout_date": day_dates(start, end_day),
        "alive_at_end": alive,
        "wallet": 12 * (fee + 1.6) / share,
        "share_of_wallet": share,
    }
    params = {
        "time_unit": "month",
        "churn_params": cp,
        "churn_process": "shifted-beta-geometric, monthly; no cancellation before the "
                         "minimum term ends",
        "minimum_term_share": opts["minimum_term_share"],
        "plans": {p[0]: p[1] for p in PLANS},
        "plan_mix": {k_: list(v) for k_, v in PLAN_MIX.items()},
        "segments": dict(zip(SEGMENTS, SEGMENT_SHARES, strict=True)),
        "complaint_monthly": COMPLAINT_MONTHLY,
        "complaint_churn_factor": COMPLAINT_FACTOR,
        "retention_effect": effect,
        "retention_discount": RETENTION_DISCOUNT,
        "retention_months": RETENTION_MONTHS,
        "retention_treatment_share": 0.5,
        "extra_usage": "with probability 0.2 per invoice Gamma(2, scale 4) EUR",
        "network_cost_share": NETWORK_COST_SHARE,
        "acquisition_cost": {a[0]: a[2] for a in ACQUISITION},
        "share_of_wallet": "Beta(4, 2)",
        "survey_share": opts["survey_share"],
        "contact_cost": CONTACT_COST,
    }
    return {
        "tables": {
            "customers": customers,
            "transactions": transactions,
            "products": products,
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
