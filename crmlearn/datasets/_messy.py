"""People and their messy records: master data and touchpoint records.

:func:`draw_people` draws gender-consistent German names, birth years, e-mail
addresses, postcodes with their towns and (true) mobile numbers for ``n``
people at once. :func:`touchpoint_records` then writes the records that each
touchpoint system keeps of these people, with the errors real systems hold:
umlauts written out or dropped (Müller, Mueller, Muller), one typo (swapped,
dropped or doubled letter), nicknames (Thomas/Tom), a changed e-mail at a new
provider, postcode typos, missing fields and duplicate records.

Everything is vectorised over integer codes of the (small) name lists; only the
few typo'd strings are edited one by one.
"""

from __future__ import annotations

import numpy as np

from ..schema import TABLES
from ._names import (
    EMAIL_PROVIDERS,
    FEMALE_FIRST,
    MALE_FIRST,
    NICKNAMES,
    SURNAMES,
    TOWNS,
    strip_umlauts,
    transliterate,
    weights,
)

__all__ = ["draw_people", "touchpoint_records", "FIRST_NAMES", "MOBILE_PREFIXES"]

FIRST_NAMES = np.array([n for n, _ in FEMALE_FIRST] + [n for n, _ in MALE_FIRST], dtype=object)
_N_FEMALE = len(FEMALE_FIRST)
LAST_NAMES = np.array([n for n, _ in SURNAMES], dtype=object)
_POSTCODES = [(t, pc, w / len(pcs)) for t, pcs, w in TOWNS for pc in pcs]
POSTCODES = np.array([pc for _, pc, _ in _POSTCODES], dtype=object)
POSTCODE_TOWN = np.array([t for t, _, _ in _POSTCODES], dtype=object)
_POSTCODE_W = weights(_POSTCODES)
PROVIDERS = np.array([p for p, _ in EMAIL_PROVIDERS], dtype=object)
_PROVIDER_W = weights(EMAIL_PROVIDERS)
MOBILE_PREFIXES = np.array(
    ["0151", "0152", "0157", "0160", "0162", "0163", "0170", "0171", "0172", "0173",
     "0174", "0175", "0176", "0177", "0178", "0179"],
    dtype=object,
)


def _lower_ascii(names: np.ndarray) -> np.ndarray:
    return np.array([transliterate(s).lower().replace(" ", "") for s in names], dtype=object)


_FIRST_MAIL = _lower_ascii(FIRST_NAMES)
_LAST_MAIL = _lower_ascii(LAST_NAMES)


def private_customers(people: dict, signup_date, channel, cost) -> dict:
    """Columns of the customer master table for private persons drawn by :func:`draw_people`.

    ``company`` and ``industry`` stay empty (they are for business accounts);
    ``signup_date``, ``channel`` (the acquisition channel) and ``cost`` (the
    acquisition cost) are arrays of the same length as the people.
    """
    n = len(people["first_name"])
    return {
        "customer_id": np.arange(1, n + 1),
        "first_name": people["first_name"],
        "last_name": people["last_name"],
        "company": np.full(n, None, dtype=object),
        "industry": np.full(n, None, dtype=object),
        "gender": people["gender"],
        "birth_year": people["birth_year"],
        "email": people["email"],
        "postcode": people["postcode"],
        "town": people["town"],
        "signup_date": signup_date,
        "acquisition_channel": channel,
        "acquisition_cost": cost,
    }


def draw_people(rng: np.random.Generator, n: int, birth_mean=1978.0, birth_sd=14.0,
                birth_range=(1940, 2006), d_share=0.01) -> dict:
    """Draw ``n`` people: names by gender, birth year, e-mail, postcode/town, phone.

    Returns a dict of arrays: ``gender``, ``first_idx``, ``last_idx``, ``first_name``,
    ``last_name``, ``birth_year``, ``email``, ``postcode``, ``town``,
    ``phone_prefix`` (index into :data:`MOBILE_PREFIXES`) and ``phone_number``.
    """
    u = rng.random(n)
    gender = np.where(u < d_share, "d", np.where(u < d_share + (1 - d_share) / 2, "f", "m"))
    gender = gender.astype(object)
    fw = weights(FEMALE_FIRST)
    mw = weights(MALE_FIRST)
    female_pick = rng.choice(_N_FEMALE, size=n, p=fw)
    male_pick = rng.choice(len(MALE_FIRST), size=n, p=mw) + _N_FEMALE
    use_female = (gender == "f") | ((gender == "d") & (rng.random(n) < 0.5))
    first_idx = np.where(use_female, female_pick, male_pick)
    last_idx = rng.choice(len(SURNAMES), size=n, p=weights(SURNAMES))
    birth = np.clip(np.round(rng.normal(birth_mean, birth_sd, n)), *birth_range).astype(np.int64)
    pc_idx = rng.choice(len(POSTCODES), size=n, p=_POSTCODE_W)
    provider = rng.choice(len(PROVIDERS), size=n, p=_PROVIDER_W)
    f = _FIRST_MAIL[first_idx]
    lname = _LAST_MAIL[last_idx]
    yy = np.array([f"{y % 100:02d}" for y in range(100)], dtype=object)[birth % 100]
    nn = np.array([str(k) for k in range(100)], dtype=object)[rng.integers(1, 100, n)]
    initial = np.array([s[0] for s in _FIRST_MAIL], dtype=object)[first_idx]
    pattern = rng.choice(6, size=n, p=[0.34, 0.16, 0.14, 0.08, 0.16, 0.12])
    local = np.empty(n, dtype=object)
    makers = (
        lambda i: f[i] + "." + lname[i],
        lambda i: f[i] + lname[i],
        lambda i: initial[i] + "." + lname[i],
        lambda i: lname[i] + "." + f[i],
        lambda i: f[i] + "." + lname[i] + yy[i],
        lambda i: f[i] + nn[i],
    )
    for k, make in enumerate(makers):
        idx = np.nonzero(pattern == k)[0]
        local[idx] = make(idx)
    email = local + "@" + PROVIDERS[provider]
    return {
        "gender": gender,
        "first_idx": first_idx,
        "last_idx": last_idx,
        "first_name": FIRST_NAMES[first_idx],
        "last_name": LAST_NAMES[last_idx],
        "birth_year": birth,
        "email": email.astype(object),
        "local": local.astype(object),
        "provider": provider,
        "postcode": POSTCODES[pc_idx],
        "town": POSTCODE_TOWN[pc_idx],
        "phone_prefix": rng.integers(0, len(MOBILE_PREFIXES), n),
        "phone_number": rng.integers(1_000_000, 10_000_000, n),
    }


def _typo(rng: np.random.Generator, words: np.ndarray) -> np.ndarray:
    """One swapped, dropped or doubled character in each word (at a random place)."""
    kind = rng.integers(0, 3, len(words))
    pos = rng.random(len(words))
    out = []
    for w, k, p in zip(words, kind, pos, strict=True):
        if not isinstance(w, str) or len(w) < 3:
            out.append(w)
            continue
        i = 1 + int(p * (len(w) - 2))  # keep the first letter
        if k == 0:  # swap i and i+1 (or i-1, i at the end)
            j = min(i, len(w) - 2)
            w = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
        elif k == 1:
            w = w[:i] + w[i + 1 :]
        else:
            w = w[:i] + w[i] + w[i:]
        out.append(w)
    return np.array(out, dtype=object)


def _postcode_typo(rng: np.random.Generator, codes: np.ndarray) -> np.ndarray:
    pos = rng.integers(0, 4, len(codes))
    out = [c[:i] + c[i + 1] + c[i] + c[i + 2 :] if c[i] != c[i + 1] else
           c[:i] + str((int(c[i]) + 1) % 10) + c[i + 1 :]
           for c, i in zip(codes, pos, strict=True)]
    return np.array(out, dtype=object)


_LEGAL_VARIANTS = (
    (" GmbH & Co. KG", (" GmbH & Co KG", " GmbH u. Co. KG", "")),
    (" GmbH", (" Gmbh", " GmbH.", " G.m.b.H.", "")),
    (" e.K.", (" eK", "")),
    (" KG", (" Kg", "")),
    (" mbB", ("",)),
)


def messy_company(rng: np.random.Generator, names: np.ndarray) -> np.ndarray:
    """Company names as a touchpoint might store them.

    Legal forms vary ("GmbH", "Gmbh", "G.m.b.H." or missing), umlauts are written
    out ("Schröder" as "Schroeder") and some names carry a typo.
    """
    names = np.asarray(names, dtype=object)
    out = names.copy()
    m = len(names)
    legal = rng.random(m) < 0.35
    pick = rng.random(m)
    for form, variants in _LEGAL_VARIANTS:
        hit = np.nonzero(legal & np.array([form in s for s in out]))[0]
        if len(hit):
            k = (pick[hit] * len(variants)).astype(np.int64)
            out[hit] = [s.replace(form, variants[j], 1) for s, j in zip(out[hit], k, strict=True)]
            legal[hit] = False
    tr = np.nonzero(rng.random(m) < 0.3)[0]
    out[tr] = [transliterate(s) for s in out[tr]]
    ty = np.nonzero(rng.random(m) < 0.05)[0]
    out[ty] = _typo(rng, out[ty])
    return out


def _spelling_tables(names: np.ndarray):
    translit = np.array([transliterate(s) for s in names], dtype=object)
    stripped = np.array([strip_umlauts(s) for s in names], dtype=object)
    has_umlaut = translit != names
    return translit, stripped, has_umlaut


# per source: P(name written out), P(umlaut dots dropped), P(nickname), P(email present),
# P(phone present), P(birth year present), P(town missing), P(first name missing)
_SOURCE_STYLE = {
    "default": dict(translit=0.3, strip=0.08, nick=0.15, email=0.95, phone=0.5, birth=0.6,
                    town_missing=0.03, first_missing=0.0),
    "loyalty_card": dict(translit=0.3, strip=0.05, nick=0.05, email=0.55, phone=0.4, birth=0.85,
                         town_missing=0.02, first_missing=0.0),
    "call_centre": dict(translit=0.2, strip=0.15, nick=0.25, email=0.6, phone=0.95, birth=0.3,
                        town_missing=0.1, first_missing=0.03),
    "hotline": dict(translit=0.2, strip=0.15, nick=0.25, email=0.6, phone=0.95, birth=0.3,
                    town_missing=0.1, first_missing=0.03),
    "shop": dict(translit=0.25, strip=0.05, nick=0.05, email=0.8, phone=0.9, birth=0.9,
                 town_missing=0.02, first_missing=0.0),
    "field_crm": dict(translit=0.25, strip=0.1, nick=0.3, email=0.9, phone=0.8, birth=0.2,
                      town_missing=0.05, first_missing=0.02),
}


def touchpoint_records(rng: np.random.Generator, people: dict, has_source: dict,
                       duplicate_share=0.06, typo_share=0.10, email_change_share=0.15,
                       postcode_typo_share=0.03, company=None) -> tuple[dict, dict]:
    """Write the messy records that each touchpoint keeps of the people.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    people : dict
        The output of :func:`draw_people` (one entry per customer, customer i has id i+1).
    has_source : dict of str to bool array
        For each source name, which customers have a record there. Customers
        without any source get a record in the first source.
    duplicate_share : float
        Share of customers with a second record in one of their sources.
    typo_share : float
        Share of records with one typo in the first or last name.
    email_change_share : float
        Share of records whose e-mail moved to another provider.
    postcode_typo_share : float
        Share of records with two postcode digits swapped (or one changed).
    company : array of str, optional
        Company name per customer (b2b). Used only if the schema of
        ``touchpoint_records`` has a ``company`` column: the records then hold
        messy company names (see :func:`messy_company`).

    Returns
    -------
    records, links : dict, dict
        Columns of ``touchpoint_records`` and of ``truth_record_links``.

    """
    sources = list(has_source)
    n = len(people["first_idx"])
    masks = np.column_stack([np.asarray(has_source[s], bool) for s in sources])
    none = ~masks.any(axis=1)
    masks[none, 0] = True
    # one duplicate record (same customer, same source) for some customers
    dup = rng.random(n) < duplicate_share
    dup_src = np.argmax(masks * rng.random(masks.shape), axis=1)
    cust_list = [np.nonzero(masks[:, k])[0] for k in range(len(sources))]
    src_list = [np.full(len(c), k) for k, c in enumerate(cust_list)]
    dup_c = np.nonzero(dup)[0]
    cust = np.concatenate(cust_list + [dup_c])
    src = np.concatenate(src_list + [dup_src[dup_c]])
    order = rng.permutation(len(cust))
    cust, src = cust[order], src[order]
    m = len(cust)
    src_names = np.array(sources, dtype=object)[src]

    def per_source(key):
        vals = np.array([_SOURCE_STYLE.get(s, _SOURCE_STYLE["default"])[key] for s in sources])
        return vals[src]

    fidx = people["first_idx"][cust]
    lidx = people["last_idx"][cust]
    # first names: nicknames, umlaut spellings, typos
    first = FIRST_NAMES[fidx].copy()
    nick_opts = [NICKNAMES.get(s, ()) for s in FIRST_NAMES]
    has_nick = np.array([len(o) > 0 for o in nick_opts])[fidx]
    use_nick = has_nick & (rng.random(m) < per_source("nick"))
    if use_nick.any():
        k = rng.integers(0, 2, m)
        nick_a = np.array([o[0] if o else "" for o in nick_opts], dtype=object)
        nick_b = np.array([o[-1] if o else "" for o in nick_opts], dtype=object)
        first = np.where(use_nick, np.where(k == 0, nick_a[fidx], nick_b[fidx]), first)
    f_tr, f_st, f_uml = _spelling_tables(FIRST_NAMES)
    u = rng.random(m)
    pt, ps = per_source("translit"), per_source("strip")
    wr = f_uml[fidx] & ~use_nick
    first = np.where(wr & (u < pt), f_tr[fidx], np.where(wr & (u > 1 - ps), f_st[fidx], first))
    l_tr, l_st, l_uml = _spelling_tables(LAST_NAMES)
    u = rng.random(m)
    wr = l_uml[lidx]
    last = np.where(wr & (u < pt), l_tr[lidx],
                    np.where(wr & (u > 1 - ps), l_st[lidx], LAST_NAMES[lidx]))
    typo = rng.random(m) < typo_share
    which = rng.random(m) < 0.5
    t_first = np.nonzero(typo & which)[0]
    t_last = np.nonzero(typo & ~which)[0]
    first[t_first] = _typo(rng, first[t_first])
    last[t_last] = _typo(rng, last[t_last])
    first = first.astype(object)
    first[rng.random(m) < per_source("first_missing")] = None
    # e-mail: changed provider, missing, sometimes capitalised
    email = people["email"][cust].copy()
    change = rng.random(m) < email_change_share
    if change.any():
        shift = rng.integers(1, len(PROVIDERS), m)
        new_prov = PROVIDERS[(people["provider"][cust] + shift) % len(PROVIDERS)]
        email = np.where(change, people["local"][cust] + "@" + new_prov, email)
    caps = rng.random(m) < 0.04
    if caps.any():
        email[caps] = np.array([e[0].upper() + e[1:] for e in email[caps]], dtype=object)
    email = email.astype(object)
    email[rng.random(m) > per_source("email")] = None
    # phone in German formats
    pre = MOBILE_PREFIXES[people["phone_prefix"][cust]]
    num = people["phone_number"][cust].astype(str).astype(object)
    fmt = rng.integers(0, 5, m)
    intl = "+49 " + np.array([p[1:] for p in MOBILE_PREFIXES], dtype=object)[
        people["phone_prefix"][cust]]
    phone = np.empty(m, dtype=object)
    makers = (
        lambda i: pre[i] + " " + num[i],
        lambda i: intl[i] + " " + num[i],
        lambda i: pre[i] + num[i],
        lambda i: pre[i] + "/" + num[i],
        lambda i: pre[i] + "-" + num[i],
    )
    for k, make in enumerate(makers):
        idx = np.nonzero(fmt == k)[0]
        phone[idx] = make(idx)
    phone[rng.random(m) > per_source("phone")] = None
    # postcode typos, town spellings and gaps
    postcode = people["postcode"][cust].copy()
    pt_typo = np.nonzero(rng.random(m) < postcode_typo_share)[0]
    postcode[pt_typo] = _postcode_typo(rng, postcode[pt_typo])
    town = people["town"][cust].copy()
    tr = rng.random(m) < 0.08
    if tr.any():
        town[tr] = np.array([transliterate(t) for t in town[tr]], dtype=object)
    town = town.astype(object)
    town[rng.random(m) < per_source("town_missing")] = None
    birth = people["birth_year"][cust].astype(float)
    birth[rng.random(m) > per_source("birth")] = np.nan
    records = {
        "record_id": np.arange(1, m + 1),
        "source": src_names,
        "first_name": first,
        "last_name": last,
        "email": email,
        "phone": phone,
        "postcode": postcode,
        "town": town,
        "birth_year": birth,
    }
    if "company" in TABLES["touchpoint_records"]:
        records["company"] = (np.full(m, None, dtype=object) if company is None
                              else messy_company(rng, np.asarray(company, dtype=object)[cust]))
    links = {"record_id": np.arange(1, m + 1), "customer_id": cust + 1}
    return records, links
