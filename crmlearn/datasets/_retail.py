"""The retail scenario: Gipfelglück Outdoor GmbH (non-contractual buying).

See the module docstring of :mod:`crmlearn.datasets._generator` for the process.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import CRMDataError
from ._generator import (
    _check_params,
    _check_share,
    cents,
    count_in_window,
    day_dates,
    group_starts,
    split_amounts,
    survey_scores,
    zscore,
)
from ._messy import draw_people, private_customers, touchpoint_records

FIRM = "Gipfelglück Outdoor GmbH"
DESCRIPTION = (
    "Gipfelglück Outdoor GmbH is a fictional outdoor retailer that sells online, in 12 "
    "stores and by phone. Customers buy without a contract: after the first purchase at "
    "signup each customer buys at a personal rate (Poisson, rate lambda ~ Gamma(r, alpha) "
    "per week) while 'alive' and drops out after a repeat purchase with a personal "
    "probability p ~ Beta(a, b) (BG/NBD; or a Pareto/NBD exponential lifetime). Basket "
    "values follow the Gamma-Gamma model. Needs segments (hiker, camper, climber, family, "
    "casual) decide the product categories, channels and campaign uplift; tents come with "
    "sleeping mats, stoves with gas cartridges, and family children outgrow their hiking "
    "shoes. Some online orders are returned, customers contact the service, answer "
    "surveys and are targeted by six campaigns with random control groups."
)
STAGES = 9

DEFAULT_PURCHASE = dict(r=0.9, alpha=12.0, a=0.9, b=4.0)
DEFAULT_PARETO = dict(r=0.9, alpha=12.0, s=0.8, beta=60.0)
DEFAULT_SPEND = dict(p=6.0, q=4.0, gamma=45.0)

SEGMENTS = ("hiker", "camper", "climber", "family", "casual")
SEGMENT_SHARES = (0.28, 0.18, 0.12, 0.17, 0.25)
CHANNELS = ("online", "store", "phone")
CHANNEL_MIX = {  # preferred channel by segment
    "hiker": (0.55, 0.38, 0.07),
    "camper": (0.60, 0.32, 0.08),
    "climber": (0.50, 0.45, 0.05),
    "family": (0.55, 0.35, 0.10),
    "casual": (0.45, 0.43, 0.12),
}
DELIVERY_COST = {"online": 4.90, "store": 0.0, "phone": 5.90}
RETURN_SHARE = {"online": None, "store": 0.0, "phone": 0.03}  # None: option return_rate
ACQUISITION = (  # channel, share, typical cost in EUR
    ("search_ads", 0.30, 35.0),
    ("social", 0.20, 28.0),
    ("referral", 0.15, 12.0),
    ("store", 0.25, 8.0),
    ("partner", 0.10, 20.0),
)
VOUCHER_SHARE = 0.15
CAMPAIGN_VOUCHER_SHARE = 0.70
LINES_EXTRA_MEAN = 0.7
ASSOCIATIONS = (("Zelte", "Isomatten", 0.5), ("Kocher", "Gaskartuschen", 0.6),
                ("Kletterseile", "Karabiner", 0.5))
CHILD_SIZE_DAYS = 300
# importance of price, quality, service, sustainability by segment (mean on 1-5)
IMPORTANCE = {
    "hiker": (3.0, 4.3, 3.0, 4.0),
    "camper": (3.6, 3.8, 3.0, 3.4),
    "climber": (2.6, 4.8, 3.2, 3.3),
    "family": (4.3, 3.6, 3.7, 3.3),
    "casual": (4.2, 3.0, 3.3, 2.5),
}

# category: (products as (name, list price, cost share, replacement days or None),
#            weights for hiker, camper, climber, family, casual)
CATALOGUE = {
    "Zelte": ((("Kuppelzelt Alpenglühen 2P", 249.0, 0.55, None),
               ("Tunnelzelt Weitblick 3P", 329.0, 0.55, None),
               ("Ultraleichtzelt Federweiß 1P", 389.0, 0.52, None),
               ("Familienzelt Sommerwiese 5P", 459.0, 0.58, None)), (1, 5, 1, 3, 0.5)),
    "Schlafsäcke": ((("Daunenschlafsack Gipfelstürmer -5 °C", 219.0, 0.55, None),
                     ("Kunstfaserschlafsack Hüttenzauber 5 °C", 89.0, 0.58, None),
                     ("Hüttenschlafsack Seide", 39.95, 0.5, None)), (1.5, 4, 1, 3, 0.5)),
    "Isomatten": ((("Isomatte Komfort selbstaufblasend", 69.0, 0.5, None),
                   ("Isomatte Schaumstoff", 24.95, 0.5, None),
                   ("Luftmatratze Leicht", 119.0, 0.52, None)), (1, 3, 1, 2, 0.5)),
    "Jacken": ((("Hardshelljacke Wetterstein", 279.0, 0.55, None),
                ("Softshelljacke Höhenweg", 149.0, 0.55, None),
                ("Daunenjacke Gletscher", 199.0, 0.56, None),
                ("Fleecejacke Almwiese", 69.0, 0.5, None)), (4, 2, 3, 3, 5)),
    "Wanderschuhe": ((("Wanderschuh Bergpfad GTX", 189.0, 0.6, None),
                      ("Trekkingstiefel Hochalm", 229.0, 0.6, None),
                      ("Zustiegsschuh Felsgrat", 129.0, 0.6, None)), (5, 1.5, 1.5, 2, 3)),
    "Socken": ((("Merino-Wandersocken", 19.95, 0.45, 180),
                ("Trekkingsocken 2er-Pack", 14.95, 0.45, 180),
                ("Liner-Socken", 9.95, 0.45, 180)), (5, 2, 2, 3, 4)),
    "Rucksäcke": ((("Tagesrucksack Gipfelglück 25 l", 89.0, 0.55, None),
                   ("Trekkingrucksack Fernweh 55 l", 199.0, 0.55, None),
                   ("Kinderrucksack Murmeltier 12 l", 39.0, 0.55, None)), (3, 1.5, 2, 2, 3)),
    "Stirnlampen": ((("Stirnlampe Nachtfalke 400 lm", 39.95, 0.5, None),
                     ("Stirnlampe Nachtfalke Pro 900 lm", 59.95, 0.5, None)),
                    (1.5, 2.5, 2, 1.5, 1)),
    "Kocher": ((("Gaskocher Kompakt", 49.95, 0.55, None),
                ("Kochset Titan", 89.0, 0.55, None)), (1, 3.5, 1, 1.5, 0.3)),
    "Gaskartuschen": ((("Gaskartusche 230 g", 5.95, 0.7, 90),
                       ("Gaskartusche 450 g", 8.95, 0.7, 90)), (1, 5, 1, 2, 0.2)),
    "Kinder-Wanderschuhe": ((("Kinder-Wanderschuh Gr. 24", 69.95, 0.55, 300),
                             ("Kinder-Wanderschuh Gr. 27", 69.95, 0.55, 300),
                             ("Kinder-Wanderschuh Gr. 30", 74.95, 0.55, 300),
                             ("Kinder-Wanderschuh Gr. 33", 79.95, 0.55, 300)), (0, 0, 0, 6, 0)),
    "Kletterseile": ((("Einfachseil 9,8 mm 60 m", 169.0, 0.55, None),
                      ("Einfachseil 9,5 mm 70 m", 199.0, 0.55, None)), (0.1, 0, 3, 0.1, 0)),
    "Karabiner": ((("HMS-Karabiner", 14.95, 0.5, None),
                   ("Karabiner-Set 5 Stück", 49.95, 0.5, None),
                   ("Expressschlingen-Set", 89.0, 0.5, None)), (0.2, 0, 4, 0.2, 0)),
    "Klettergurte": ((("Klettergurt Wandkante", 69.0, 0.52, None),), (0.1, 0, 2, 0.2, 0)),
    "Kletterschuhe": ((("Kletterschuh Reibungskönig", 119.0, 0.55, 365),), (0.1, 0, 3, 0.1, 0)),
    "Trinkflaschen": ((("Edelstahl-Trinkflasche 0,75 l", 24.95, 0.45, None),
                       ("Trinkblase 2 l", 29.95, 0.45, None)), (2.5, 2, 2, 2.5, 2)),
    "Wanderstöcke": ((("Teleskop-Wanderstöcke (Paar)", 79.95, 0.55, None),), (3, 0.5, 0.5, 1, 1)),
    "Outdoor-Hosen": ((("Trekkinghose Zip-Off", 99.0, 0.5, None),
                       ("Wanderhose Stretch", 79.0, 0.5, None)), (3, 1.5, 2, 2, 3)),
    "Funktionsshirts": ((("Merino-Shirt Langarm", 59.95, 0.45, 365),
                         ("Funktionsshirt Kurzarm", 29.95, 0.45, 365)), (3, 1.5, 3, 2, 3)),
    "Kinderbekleidung": ((("Kinder-Regenjacke Pfütze", 49.95, 0.5, 300),
                          ("Kinder-Matschhose", 34.95, 0.5, 300)), (0, 0, 0, 5, 0.2)),
    "Zubehör": ((("Sonnencreme LSF 50", 12.95, 0.6, 120),
                 ("Blasenpflaster", 6.95, 0.6, 120),
                 ("Erste-Hilfe-Set Tour", 24.95, 0.55, None),
                 ("Insektenschutz-Spray", 9.95, 0.6, 120),
                 ("Wanderführer Allgäu", 14.95, 0.65, None),
                 ("Imprägnierspray", 12.95, 0.6, 180)), (2.5, 3, 1.5, 3, 2)),
    "Campingmöbel": ((("Campingstuhl Faltbar", 49.95, 0.6, None),
                      ("Campingtisch Alu", 69.95, 0.6, None)), (0.2, 3, 0, 2, 0.8)),
    "Trekkingnahrung": ((("Trekkingmahlzeit Chili sin Carne", 8.95, 0.6, 60),
                         ("Müsliriegel 12er-Pack", 14.95, 0.6, 60)), (2, 2, 1, 1, 0.3)),
}

CAMPAIGNS = (  # name, start, channel, offer, cost per contact, window, rule, share, uplift
    ("Frühjahrs-Newsletter 2023", "2023-03-20", "email", "10 % Gutschein auf Wanderschuhe",
     0.05, 30, ("all", None), 0.6,
     dict(hiker=0.06, camper=0.04, climber=0.03, family=0.05, casual=0.02)),
    ("Winter-Reaktivierung 2023", "2023-11-13", "letter", "15 EUR Gutschein ab 75 EUR",
     1.10, 60, ("inactive", 120), 1.0,
     dict(hiker=0.08, camper=0.07, climber=0.05, family=0.10, casual=0.12)),
    ("Sommer-Camping-Aktion 2024", "2024-06-03", "email", "Gratis Gaskartusche zum Kocher",
     0.05, 30, ("all", None), 0.6,
     dict(hiker=0.03, camper=0.09, climber=0.02, family=0.05, casual=0.01)),
    ("Winter-Reaktivierung 2024", "2024-11-11", "letter", "15 EUR Gutschein ab 75 EUR",
     1.10, 60, ("inactive", 120), 1.0,
     dict(hiker=0.08, camper=0.07, climber=0.05, family=0.10, casual=0.12)),
    ("Familien-Wochen 2025", "2025-04-07", "app", "20 % auf Kinderschuhe und -bekleidung",
     0.02, 21, ("bought", ("Kinder-Wanderschuhe", "Kinderbekleidung")), 1.0,
     dict(hiker=0.03, camper=0.03, climber=0.03, family=0.15, casual=0.03)),
    ("Kletter-Special 2025", "2025-09-08", "email", "Karabiner-Set gratis ab 100 EUR",
     0.05, 30, ("bought", ("Kletterseile", "Karabiner", "Klettergurte", "Kletterschuhe")), 1.0,
     dict(hiker=0.02, camper=0.02, climber=0.12, family=0.02, casual=0.02)),
)
CONTACT_CHANNELS = (("phone", 0.40, 6.50), ("email", 0.35, 3.20), ("chat", 0.20, 2.10),
                    ("store", 0.05, 0.0))


def check_options(options: dict) -> dict:
    """Validate the retail options and fill in defaults."""
    process = options.get("process", "bgnbd")
    if process not in ("bgnbd", "pareto"):
        raise CRMDataError(f"option 'process' must be 'bgnbd' or 'pareto'; got {process!r}")
    return {
        "process": process,
        "purchase_params": _check_params("purchase_params", options.get("purchase_params"),
                                         DEFAULT_PURCHASE),
        "pareto_params": _check_params("pareto_params", options.get("pareto_params"),
                                       DEFAULT_PARETO),
        "spend_params": _check_params("spend_params", options.get("spend_params"),
                                      DEFAULT_SPEND),
        "return_rate": _check_share("return_rate", options.get("return_rate"), 0.06),
        "survey_share": _check_share("survey_share", options.get("survey_share"), 0.25),
    }


def products_table():
    """Return the catalogue as column arrays."""
    rows = [(cat, *prod) for cat, (prods, _) in CATALOGUE.items() for prod in prods]
    return {
        "product_id": np.arange(1, len(rows) + 1),
        "name": np.array([r[1] for r in rows], dtype=object),
        "category": np.array([r[0] for r in rows], dtype=object),
        "list_price": np.array([r[2] for r in rows]),
        "cost_share": np.array([r[3] for r in rows]),
        "replacement_days": np.array([np.nan if r[4] is None else r[4] for r in rows]),
    }


def _repeat_times(rng, process, pp, pareto, n, window_weeks):
    """Repeat purchase times (weeks after signup) and the true dropout parameters."""
    if process == "bgnbd":
        lam = rng.gamma(pp["r"], 1.0 / pp["alpha"], n)
        p = rng.beta(pp["a"], pp["b"], n)
        k = rng.geometric(p)
        arrivals = rng.poisson(lam * window_weeks)
        m = np.minimum(k, arrivals)
        span = window_weeks
        dies = arrivals >= k
        mu = np.full(n, np.nan)
    else:
        lam = rng.gamma(pareto["r"], 1.0 / pareto["alpha"], n)
        mu = rng.gamma(pareto["s"], 1.0 / pareto["beta"], n)
        tau = rng.exponential(1.0, n) / mu
        span = np.minimum(tau, window_weeks)
        arrivals = rng.poisson(lam * span)
        m = arrivals
        dies = tau < window_weeks
        p = np.full(n, np.nan)
    # the first m of `arrivals` uniform order statistics on (0, span), via spacings:
    # U_(j) = S_j / S_(N+1) with S the partial sums of Exp(1) draws.
    cust = np.repeat(np.arange(n), m)
    e = rng.exponential(1.0, m.sum())
    total = np.cumsum(e)
    starts = group_starts(m)
    prev = np.concatenate([[0.0], total])[starts]
    partial = total - np.repeat(prev, m)
    s_all = np.bincount(cust, weights=e, minlength=n) + rng.gamma(arrivals - m + 1.0, 1.0)
    t = partial / s_all[cust] * span[cust]
    if process == "bgnbd":
        last = np.where(m > 0, starts + m - 1, 0)
        drop_week = np.where(dies & (m > 0), t[last] if len(t) else 0.0, np.nan)
    else:
        drop_week = np.where(dies, tau, np.nan)
    return cust, t, lam, p, mu, drop_week


def _draw_lines(rng, ev_cust, ev_day, segment, child_age0, cat_of_product, prices,
                cat_names, n_products):
    """Order lines: (txn index, product index), sorted by txn, with associations."""
    n_ev = len(ev_cust)
    n_lines = 1 + rng.poisson(LINES_EXTRA_MEAN, n_ev)
    line_txn = np.repeat(np.arange(n_ev), n_lines)
    seg = segment[ev_cust][line_txn]
    cats = list(cat_names)
    w = np.array([CATALOGUE[c][1] for c in cats], dtype=float)  # categories x segments
    cat = np.empty(len(line_txn), dtype=np.int64)
    for s in range(len(SEGMENTS)):
        idx = np.nonzero(seg == s)[0]
        cat[idx] = rng.choice(len(cats), size=len(idx), p=w[:, s] / w[:, s].sum())
    cat_start = np.array([np.nonzero(cat_of_product == c)[0][0] for c in range(len(cats))])
    cat_count = np.bincount(cat_of_product, minlength=len(cats))
    prod = cat_start[cat] + (rng.random(len(cat)) * cat_count[cat]).astype(np.int64)
    # children's shoes in the size that fits the child's age on the purchase day
    kid = cats.index("Kinder-Wanderschuhe")
    is_kid = cat == kid
    age = child_age0[ev_cust[line_txn[is_kid]]] + ev_day[line_txn[is_kid]]
    size = np.clip(np.floor((age - 3 * 365.25) / CHILD_SIZE_DAYS), 0, cat_count[kid] - 1)
    prod[is_kid] = cat_start[kid] + size.astype(np.int64)
    # associations: the companion product follows its trigger line in the same purchase
    extra = np.zeros(len(cat), dtype=bool)
    extra_prod = np.zeros(len(cat), dtype=np.int64)
    for a, b, prob in ASSOCIATIONS:
        ia, ib = cats.index(a), cats.index(b)
        hit = (cat == ia) & (rng.random(len(cat)) < prob)
        extra |= hit
        extra_prod[hit] = cat_start[ib] + (rng.random(hit.sum()) * cat_count[ib]).astype(np.int64)
    rep = 1 + extra
    pos = np.cumsum(rep) - rep
    new_prod = np.empty(rep.sum(), dtype=np.int64)
    new_prod[pos] = prod
    new_prod[pos[extra] + 1] = extra_prod[extra]
    return np.repeat(line_txn, rep), new_prod


def simulate(rng, n, start, end, months, opts, step):
    """Simulate the retail world; returns tables, truth and parameters as arrays."""
    (r_cust, r_purchase, r_spend, r_lines, r_camp, r_ret, r_contact, r_survey,
     r_records) = rng.spawn(9)
    period_days = int((end - start).days) + 1
    acq_days = int((start + pd.DateOffset(months=months) - start).days)
    acq_days = min(acq_days, period_days)

    # 1. customers ------------------------------------------------------------------
    people = draw_people(r_cust, n)
    t0 = r_cust.random(n) * acq_days
    t0 = np.floor(t0)
    segment = r_cust.choice(len(SEGMENTS), size=n, p=SEGMENT_SHARES)
    preferred = np.empty(n, dtype=np.int64)
    for s, name in enumerate(SEGMENTS):
        idx = np.nonzero(segment == s)[0]
        preferred[idx] = r_cust.choice(3, size=len(idx), p=CHANNEL_MIX[name])
    acq = r_cust.choice(len(ACQUISITION), size=n, p=[a[1] for a in ACQUISITION])
    acq_cost = cents(np.array([a[2] for a in ACQUISITION])[acq] * r_cust.lognormal(0, 0.2, n))
    child_age0 = r_cust.uniform(2.2 * 365.25, 5.0 * 365.25, n)
    step("customers")

    # 2. purchase process -------------------------------------------------------------
    window_weeks = (period_days - t0) / 7.0
    rep_cust, rep_weeks, lam, p, mu, drop_week = _repeat_times(
        r_purchase, opts["process"], opts["purchase_params"], opts["pareto_params"], n,
        window_weeks)
    rep_day = np.floor(t0[rep_cust] + rep_weeks * 7.0)
    drop_day = np.floor(t0 + drop_week * 7.0)  # NaN stays NaN
    alive = np.isnan(drop_week)
    step("purchases")

    # organic events: first purchase at signup plus repeat purchases
    ev_cust = np.concatenate([np.arange(n), rep_cust])
    ev_day = np.concatenate([t0, rep_day])
    order = np.lexsort((ev_day, ev_cust))
    ev_cust, ev_day = ev_cust[order], ev_day[order]

    # 3. campaigns: members, extra campaign purchases ---------------------------------
    products = products_table()
    cat_names = list(CATALOGUE)
    cat_of_product = np.array([cat_names.index(c) for c in products["category"]])
    width = period_days + 400
    key = ev_cust * width + ev_day.astype(np.int64)  # sorted
    camp_rows, member_parts, extra_parts = [], [], []
    # categories bought per organic purchase are needed for "bought" rules
    org_txn, org_prod = _draw_lines(r_lines, ev_cust, ev_day, segment, child_age0,
                                    cat_of_product, products["list_price"], cat_names,
                                    len(products["product_id"]))
    campaign_truth = []
    start_d = np.datetime64(start.date(), "D")
    for c_id, (name, date, channel, offer, cpc, window, rule, share, uplift) in enumerate(
        CAMPAIGNS, start=1
    ):
        c_day = int((np.datetime64(date, "D") - start_d).astype(int))
        if c_day + 30 > period_days - 1:
            continue
        eligible = t0 < c_day
        if rule[0] == "inactive":
            last_before = np.full(n, -1e9)
            before = ev_day < c_day
            np.maximum.at(last_before, ev_cust[before], ev_day[before])
            eligible &= (c_day - last_before) >= rule[1]
        elif rule[0] == "bought":
            cats_idx = [cat_names.index(c) for c in rule[1]]
            line_ok = np.isin(cat_of_product[org_prod], cats_idx) & (ev_day[org_txn] < c_day)
            bought = np.zeros(n, dtype=bool)
            bought[ev_cust[org_txn[line_ok]]] = True
            eligible &= bought
        cand = np.nonzero(eligible)[0]
        members = np.sort(r_camp.choice(cand, size=int(round(share * len(cand))), replace=False))
        treat = r_camp.random(len(members)) < 0.8
        alive_then = np.isnan(drop_day[members]) | (drop_day[members] >= c_day)
        up = np.array([uplift[s] for s in SEGMENTS])[segment[members]]
        extra = treat & alive_then & (r_camp.random(len(members)) < up)
        extra_day = c_day + np.floor(r_camp.random(len(members)) * window)
        extra &= extra_day <= period_days - 1
        camp_rows.append((c_id, name, date, channel, offer, cpc, window))
        member_parts.append((c_id, members, treat, c_day, window))
        extra_parts.append((members[extra], extra_day[extra], np.full(extra.sum(), c_id)))
        campaign_truth.append({"campaign_id": c_id, "name": name, "rule": list(map(str, rule)),
                               "uplift_by_segment": uplift, "treatment_share": 0.8})
    x_cust = np.concatenate([e[0] for e in extra_parts]) if extra_parts else np.zeros(0, int)
    x_day = np.concatenate([e[1] for e in extra_parts]) if extra_parts else np.zeros(0)
    x_camp = np.concatenate([e[2] for e in extra_parts]) if extra_parts else np.zeros(0, int)
    x_txn, x_prod = _draw_lines(r_lines, x_cust, x_day, segment, child_age0, cat_of_product,
                                products["list_price"], cat_names, len(products["product_id"]))
    # all purchases: organic then campaign, then sorted by (day, customer)
    p_cust = np.concatenate([ev_cust, x_cust])
    p_day = np.concatenate([ev_day, x_day])
    p_camp = np.concatenate([np.zeros(len(ev_cust), dtype=np.int64), x_camp])
    l_txn = np.concatenate([org_txn, x_txn + len(ev_cust)])  # sorted
    l_prod = np.concatenate([org_prod, x_prod])
    del org_txn, org_prod, x_txn, x_prod, key
    # responded: any purchase in the window
    all_key = np.sort(p_cust * width + p_day.astype(np.int64))
    mem = {"campaign_id": [], "customer_id": [], "group": [], "responded": []}
    for c_id, members, treat, c_day, window in member_parts:
        resp = count_in_window(all_key, members, c_day, c_day + window - 1, width) > 0
        mem["campaign_id"].append(np.full(len(members), c_id))
        mem["customer_id"].append(members + 1)
        mem["group"].append(np.where(treat, "treatment", "control").astype(object))
        mem["responded"].append(resp)
    del all_key
    step("campaigns")

    # 4. amounts, channels, discounts -----------------------------------------------------
    sp = opts["spend_params"]
    nu = r_spend.gamma(sp["q"], 1.0 / sp["gamma"], n)
    n_p = len(p_cust)
    amount = np.maximum(cents(r_spend.gamma(sp["p"], 1.0 / nu[p_cust])), 1.0)
    other = (preferred[p_cust] + r_spend.integers(1, 3, n_p)) % 3
    chan = np.where(r_spend.random(n_p) < 0.8, preferred[p_cust], other)
    voucher = r_spend.random(n_p) < np.where(p_camp > 0, CAMPAIGN_VOUCHER_SHARE, VOUCHER_SHARE)
    discount = np.where(voucher, cents(amount / 9.0), 0.0)
    delivery = np.array([DELIVERY_COST[c] for c in CHANNELS])[chan]
    step("amounts")

    # 5. order lines ------------------------------------------------------------------------
    line_amt = split_amounts(amount, l_txn, products["list_price"][l_prod])
    cost = cents(np.bincount(l_txn, weights=line_amt * products["cost_share"][l_prod],
                             minlength=n_p))
    step("order lines")

    # 6. returns ----------------------------------------------------------------------------
    ret_share = np.array([opts["return_rate"], 0.0, RETURN_SHARE["phone"]])[chan]
    is_ret = r_ret.random(n_p) < ret_share
    ri = np.nonzero(is_ret)[0]
    full = r_ret.random(len(ri)) < 0.5
    frac = np.where(full, 1.0, r_ret.uniform(0.2, 0.8, len(ri)))
    r_amount = -np.where(full, amount[ri], cents(amount[ri] * frac))
    r_cost = -cents(cost[ri] * np.where(full, 1.0, frac))
    r_day = np.minimum(p_day[ri] + r_ret.integers(3, 21, len(ri)), period_days - 1)
    n_returns = np.bincount(p_cust[ri], minlength=n)
    step("returns")

    # transactions: purchases and returns sorted by (day, kind, customer); ids from 1
    t_day = np.concatenate([p_day, r_day])
    t_cust = np.concatenate([p_cust, p_cust[ri]])
    t_kind = np.concatenate([np.zeros(n_p, np.int64), np.ones(len(ri), np.int64)])
    t_seq = np.concatenate([np.arange(n_p), ri])
    # stable sort on one integer key = lexsort by (day, kind, customer, position)
    t_key = (t_day.astype(np.int64) * 2 + t_kind) * n + t_cust
    order = np.argsort(t_key, kind="stable")
    del t_key, t_seq
    txn_id = np.empty(len(order), dtype=np.int64)
    txn_id[order] = np.arange(1, len(order) + 1)
    chan_names = np.array(CHANNELS, dtype=object)
    transactions = {
        "transaction_id": txn_id[order],
        "customer_id": t_cust[order] + 1,
        "date": day_dates(start, t_day[order]),
        "amount": np.concatenate([amount, r_amount])[order],
        "kind": np.array(["purchase", "return"], dtype=object)[t_kind[order]],
        "channel": chan_names[np.concatenate([chan, chan[ri]])[order]],
        "discount": np.concatenate([discount, np.zeros(len(ri))])[order],
        "product_cost": np.concatenate([cost, r_cost])[order],
        "delivery_cost": np.concatenate([delivery, np.zeros(len(ri))])[order],
    }
    # order lines in the order of the purchases' ids, without sorting all lines
    by_id = order[order < n_p]
    cnt = np.bincount(l_txn, minlength=n_p)
    l_start = group_starts(cnt)
    c2 = cnt[by_id]
    s2 = group_starts(c2)
    line_pos = np.repeat(l_start[by_id] - s2, c2) + np.arange(c2.sum())
    order_lines = {
        "transaction_id": np.repeat(txn_id[by_id], c2),
        "line_no": np.arange(c2.sum()) - np.repeat(s2, c2) + 1,
        "product_id": products["product_id"][l_prod[line_pos]],
        "amount": line_amt[line_pos],
    }
    del line_amt, l_prod, line_pos, l_txn, t_day, t_cust, t_kind, order

    # 7. service contacts -------------------------------------------------------------------
    active_end = np.where(np.isnan(drop_day), period_days - 1,
                          np.minimum(np.nan_to_num(drop_day) + 90, period_days - 1))
    years = np.maximum(active_end - t0, 0) / 365.25
    n_contacts = r_contact.poisson(0.35 * years + 0.8 * n_returns)
    c_cust = np.repeat(np.arange(n), n_contacts)
    c_day = np.floor(t0[c_cust] + r_contact.random(len(c_cust)) * (active_end - t0)[c_cust])
    c_ch = r_contact.choice(len(CONTACT_CHANNELS), size=len(c_cust),
                            p=[c[1] for c in CONTACT_CHANNELS])
    p_complaint = np.where(n_returns[c_cust] > 0, 0.45, 0.15)
    u = r_contact.random(len(c_cust))
    reason = np.where(u < p_complaint, "complaint",
                      np.where(u < p_complaint + 0.5 * (1 - p_complaint), "question",
                               "order_help")).astype(object)
    order = np.lexsort((c_cust, c_day))
    contacts = {
        "contact_id": np.arange(1, len(c_cust) + 1),
        "customer_id": c_cust[order] + 1,
        "date": day_dates(start, c_day[order]),
        "channel": np.array([c[0] for c in CONTACT_CHANNELS], dtype=object)[c_ch][order],
        "direction": np.full(len(c_cust), "inbound", dtype=object),
        "reason": reason[order],
        "cost": np.array([c[2] for c in CONTACT_CHANNELS])[c_ch][order],
    }
    step("contacts")

    # 8. surveys ----------------------------------------------------------------------------
    risk = np.log(p) if opts["process"] == "bgnbd" else np.log(mu)
    satisfaction = -0.75 * zscore(risk) + 0.65 * r_survey.normal(0, 1, n)
    answers = np.where(r_survey.random(n) < opts["survey_share"],
                       1 + (r_survey.random(n) < 0.35), 0)
    s_cust = np.repeat(np.arange(n), answers)
    # a random purchase of the customer: purchases sorted by customer
    by_cust = np.argsort(p_cust, kind="stable")
    n_pc = np.bincount(p_cust, minlength=n)
    pick = by_cust[group_starts(n_pc)[s_cust]
                   + (r_survey.random(len(s_cust)) * n_pc[s_cust]).astype(np.int64)]
    s_day = np.minimum(p_day[pick] + r_survey.integers(1, 8, len(s_cust)), period_days - 1)
    imp = np.array([IMPORTANCE[s] for s in SEGMENTS])[segment[s_cust]]
    scores = survey_scores(r_survey, len(s_cust), satisfaction[s_cust], imp)
    order = np.lexsort((s_cust, s_day))
    surveys = {
        "response_id": np.arange(1, len(s_cust) + 1),
        "customer_id": s_cust[order] + 1,
        "date": day_dates(start, s_day[order]),
        "touchpoint": chan_names[chan[pick]][order],
        **{k: v[order] for k, v in scores.items()},
    }
    step("surveys")

    # 9. touchpoint records -----------------------------------------------------------------
    used = np.zeros((n, 3), dtype=bool)
    used[p_cust, chan] = True
    has_phone_contact = np.zeros(n, dtype=bool)
    has_phone_contact[c_cust[c_ch == 0]] = True
    has_source = {
        "webshop": used[:, 0],
        "loyalty_card": used[:, 1] & (r_records.random(n) < 0.8),
        "call_centre": used[:, 2] | has_phone_contact,
    }
    records, links = touchpoint_records(r_records, people, has_source)
    step("touchpoint records")

    # truth ---------------------------------------------------------------------------------
    mean_spend = sp["p"] / nu
    share = r_spend.beta(2.0, 3.0, n)
    wallet = lam * 52.0 * mean_spend / share
    channel = np.array([a[0] for a in ACQUISITION], dtype=object)[acq]
    customers = private_customers(people, day_dates(start, t0), channel, acq_cost)
    truth_customers = {
        "customer_id": np.arange(1, n + 1),
        "needs_segment": np.array(SEGMENTS, dtype=object)[segment],
        "purchase_rate": lam,
        "dropout_prob": p,
        "dropout_rate": mu,
        "churn_prob": np.full(n, np.nan),
        "mean_spend": mean_spend,
        "dropout_date": day_dates(start, np.where(drop_day <= period_days - 1, drop_day,
                                                  np.nan)),
        "alive_at_end": alive,
        "wallet": wallet,
        "share_of_wallet": share,
    }
    campaigns = {
        "campaign_id": np.array([c[0] for c in camp_rows], dtype=np.int64),
        "name": np.array([c[1] for c in camp_rows], dtype=object),
        "start_date": np.array([c[2] for c in camp_rows], dtype="datetime64[D]"),
        "channel": np.array([c[3] for c in camp_rows], dtype=object),
        "offer": np.array([c[4] for c in camp_rows], dtype=object),
        "cost_per_contact": np.array([c[5] for c in camp_rows], dtype=float),
        "response_window_days": np.array([c[6] for c in camp_rows], dtype=np.int64),
    }
    campaign_members = {k: (np.concatenate(v) if v else np.zeros(0)) for k, v in mem.items()}
    params = {
        "process": opts["process"],
        "time_unit": "week",
        "purchase_params": opts["purchase_params"] if opts["process"] == "bgnbd" else None,
        "pareto_params": opts["pareto_params"] if opts["process"] == "pareto" else None,
        "spend_params": opts["spend_params"],
        "segments": dict(zip(SEGMENTS, SEGMENT_SHARES, strict=True)),
        "channel_mix": {k: list(v) for k, v in CHANNEL_MIX.items()},
        "preferred_channel_share": 0.8,
        "order_lines_extra_mean": LINES_EXTRA_MEAN,
        "associations": [list(a) for a in ASSOCIATIONS],
        "child_shoe_size_days": CHILD_SIZE_DAYS,
        "voucher_share": VOUCHER_SHARE,
        "campaign_voucher_share": CAMPAIGN_VOUCHER_SHARE,
        "voucher_rate": 0.10,
        "delivery_cost": DELIVERY_COST,
        "return_rate": {"online": opts["return_rate"], "store": 0.0,
                        "phone": RETURN_SHARE["phone"]},
        "acquisition_cost": {a[0]: a[2] for a in ACQUISITION},
        "share_of_wallet": "Beta(2, 3)",
        "survey_share": opts["survey_share"],
        "contact_cost": {c[0]: c[2] for c in CONTACT_CHANNELS},
        "campaigns": campaign_truth,
    }
    return {
        "tables": {
            "customers": customers,
            "transactions": transactions,
            "order_lines": order_lines,
            "products": products,
            "contacts": contacts,
            "campaigns": campaigns,
            "campaign_members": campaign_members,
            "surveys": surveys,
            "touchpoint_records": records,
        },
        "truth_customers": truth_customers,
        "record_links": links,
        "params": params,
    }
