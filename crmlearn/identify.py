r"""Identify: recognise the same customer in the records of every touchpoint.

The first step of the IDIC model (Peppers & Rogers) is to *identify* each
customer: link a record from the webshop, the loyalty card or the call centre to
the customer it belongs to, whatever the spelling. Real records are messy:
umlauts are written out or lost (Müller, Mueller, Muller), names carry a typo or
a nickname (Thomas, Tom), e-mail addresses change and fields are missing.

Record linkage runs in five small steps, one function each:

1. :func:`normalize` makes fields comparable (lower case, umlauts folded,
   phone digits only, a phonetic key of the last name by
   :func:`koelner_phonetik`);
2. :func:`candidate_pairs` (*blocking*) keeps only pairs that agree on at
   least one block key, so that not every record meets every customer;
3. :func:`compare` measures agreement per field as a number in [0, 1];
4. a decision: the transparent :func:`rule_score` (a weighted mean) or the
   probabilistic :class:`FellegiSunter` model whose m- and u-probabilities are
   learnt by EM (Expectation-Maximisation) without any labelled pair;
5. :func:`link` keeps the best customer of each record above a threshold, and
   :func:`evaluate` / :func:`threshold_tradeoff` compare the result with the
   truth that only the synthetic world knows.

Every function returns new objects and never changes its input; bad input
raises :class:`~crmlearn.errors.CRMDataError`.

References
----------
Fellegi, I. P. & Sunter, A. B. (1969). A theory for record linkage. *Journal of
the American Statistical Association* 64(328), 1183-1210.

Postel, H. J. (1969). Die Kölner Phonetik. *IBM-Nachrichten* 19, 925-931.

Christen, P. (2012). *Data Matching*. Springer (blocking, reduction ratio).

Peppers, D. & Rogers, M. (2004). *Managing Customer Relationships*. Wiley (IDIC).

"""

from __future__ import annotations

import unicodedata

import numpy as np
import pandas as pd
from rapidfuzz.distance import JaroWinkler

from .errors import CRMDataError, describe_rows

__all__ = [
    "NICKNAMES",
    "RULE_WEIGHTS",
    "FS_LEVELS",
    "DEFAULT_BLOCKS",
    "koelner_phonetik",
    "koelner_phonetik_steps",
    "normalize",
    "candidate_pairs",
    "reduction_ratio",
    "compare",
    "rule_score",
    "FellegiSunter",
    "link",
    "evaluate",
    "threshold_tradeoff",
]

#: Common German short forms of first names (folded to lower case), mapped to
#: the full name. :func:`compare` scores a first name by the better of the name
#: as written and the name with nicknames resolved.
NICKNAMES = {
    "alex": "alexander", "andi": "andreas", "basti": "sebastian", "bene": "benedikt",
    "caro": "carolin", "chris": "christian", "chrissi": "christiane", "dani": "daniela",
    "domi": "dominik", "elli": "elisabeth", "flo": "florian", "franzi": "franziska",
    "fritz": "friedrich", "gabi": "gabriele", "hannes": "johannes", "jo": "johannes",
    "jule": "julia", "kalle": "karl", "katha": "katharina", "kathi": "katharina",
    "lisa": "elisabeth", "manu": "manuela", "matze": "matthias", "max": "maximilian",
    "micha": "michael", "michi": "michael", "moni": "monika", "niki": "niklas",
    "olli": "oliver", "phil": "philipp", "sandy": "sandra", "steffi": "stefanie",
    "susi": "susanne", "tina": "christina", "tobi": "tobias", "tom": "thomas",
    "tommy": "thomas", "uli": "ulrich", "ulla": "ursula", "uschi": "ursula",
    "wolle": "wolfgang",
}

#: Weights of :func:`rule_score`: how much agreement on each field counts.
#: A shared phone number or e-mail name almost proves identity; a shared
#: town says little (many customers live in the same town).
RULE_WEIGHTS = {
    "first_name": 1.0,
    "last_name": 2.0,
    "email": 1.0,
    "email_local": 2.5,
    "phone": 3.0,
    "postcode": 1.0,
    "town": 0.5,
    "birth_year": 1.5,
}

#: Agreement levels of :class:`FellegiSunter`: the cut points that turn a
#: similarity into a level (level = number of cut points reached).
#: Similarities get three levels (differ, similar, same); equalities two.
FS_LEVELS = {
    "first_name": (0.80, 0.95),
    "last_name": (0.85, 0.97),
    "email_local": (0.85, 1.0),
    "phone": (0.5,),
    "postcode": (0.5,),
    "town": (0.5,),
    "birth_year": (0.5,),
}

#: Default block keys of :func:`candidate_pairs`: a pair is compared if it
#: shares the postcode, OR the phonetic code of the last name, OR the e-mail.
DEFAULT_BLOCKS = ("postcode", "phonetic_last_name", "email")

_FIELDS = ("first_name", "last_name", "email", "phone", "postcode", "town", "birth_year")
_PASS_THROUGH = ("record_id", "customer_id", "source")
_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "é": "e", "è": "e",
                       "ë": "e", "á": "a", "à": "a", "ç": "c", "ñ": "n"})
_STRIP = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss", "é": "e", "è": "e",
                        "ë": "e", "á": "a", "à": "a", "ç": "c", "ñ": "n"})


# --------------------------------------------------------------------------------------
# Kölner Phonetik
# --------------------------------------------------------------------------------------


def _letters(word: str) -> str:
    """Lower-case letters only; accents other than umlauts and ß are dropped."""
    out = []
    for ch in str(word).lower():
        if ch in "äöüß":
            out.append(ch)
        else:
            base = unicodedata.normalize("NFKD", ch)[0]
            if "a" <= base <= "z":
                out.append(base)
    return "".join(out)


def _kp_code(ch: str, prev: str, nxt: str, first: bool) -> str:
    """Code of one letter given its neighbours (the table of Postel 1969)."""
    if ch in "aeijouyäöü":
        return "0"
    if ch == "h":
        return ""
    if ch == "b":
        return "1"
    if ch == "p":
        return "3" if nxt == "h" else "1"
    if ch in "dt":
        return "8" if nxt and nxt in "csz" else "2"
    if ch in "fvw":
        return "3"
    if ch in "gkq":
        return "4"
    if ch == "c":
        if first:
            return "4" if nxt and nxt in "ahkloqrux" else "8"
        if prev in ("s", "z", "ß"):
            return "8"
        return "4" if nxt and nxt in "ahkoqux" else "8"
    if ch == "x":
        return "8" if prev and prev in "ckq" else "48"
    if ch == "l":
        return "5"
    if ch in "mn":
        return "6"
    if ch == "r":
        return "7"
    return "8"  # s, z, ß


def koelner_phonetik_steps(name: str) -> tuple[str, str, str]:
    """Return the three steps of the Kölner Phonetik, to look inside.

    Returns the letter-by-letter code, the code with repeated digits
    collapsed, and the final code with every ``0`` removed except a leading
    one. See :func:`koelner_phonetik` for the rules.

    Examples
    --------
    >>> koelner_phonetik_steps("Müller-Lüdenscheidt")
    ('60550750206880022', '6050750206802', '65752682')

    """
    word = _letters(name)
    raw = "".join(
        _kp_code(ch, word[i - 1] if i else "", word[i + 1] if i + 1 < len(word) else "", i == 0)
        for i, ch in enumerate(word)
    )
    collapsed = "".join(d for i, d in enumerate(raw) if i == 0 or d != raw[i - 1])
    final = collapsed[:1] + collapsed[1:].replace("0", "")
    return raw, collapsed, final


def koelner_phonetik(name: str) -> str:
    """Phonetic code of a German name by the Kölner Phonetik (Postel 1969).

    Names that sound alike get the same string of digits, whatever the
    spelling: Meier, Mayer and Maier all become ``67``; Müller, Mueller and
    Muller become ``657``. It is the German cousin of Soundex and makes a good
    block key for :func:`candidate_pairs`.

    The rules, applied to the lower-cased letters (other characters are
    ignored):

    ==================  ==================================================  ====
    letter              context                                             code
    ==================  ==================================================  ====
    a e i j o u y ä ö ü                                                     0
    h                                                                       (none)
    b; p                p not before h                                      1
    d t                 not before c s z                                    2
    f v w; p            p before h                                          3
    g k q; c            c at the start before a h k l o q r u x;
                        c before a h k o q u x, not after s z               4
    x                   not after c k q                                     48
    l                                                                       5
    m n                                                                     6
    r                                                                       7
    s z ß; c; d t; x    c after s z, or in no 4-context; d t before c s z;
                        x after c k q                                       8
    ==================  ==================================================  ====

    Then repeated neighbouring digits are collapsed to one, and every ``0``
    is removed except at the start (see :func:`koelner_phonetik_steps`).

    Parameters
    ----------
    name : str
        A name or word. Missing values (None, NaN) give ``""``.

    Returns
    -------
    str
        The phonetic code, a string of digits (``""`` for a name without letters).

    Examples
    --------
    >>> koelner_phonetik("Müller-Lüdenscheidt")
    '65752682'
    >>> [koelner_phonetik(n) for n in ("Müller", "Mueller", "Muller", "Meyer")]
    ['657', '657', '657', '67']

    """
    if name is None or (isinstance(name, float) and np.isnan(name)) or name is pd.NA:
        return ""
    return koelner_phonetik_steps(str(name))[2]


# --------------------------------------------------------------------------------------
# normalize
# --------------------------------------------------------------------------------------


def _clean_text(s: pd.Series, table) -> pd.Series:
    """Lower case, umlauts translated by ``table``, only letters, '-' and single spaces."""
    s = s.astype("object").where(s.notna(), None)
    s = pd.Series(s, dtype="str")
    out = s.str.lower().str.translate(table)
    out = out.str.replace(r"[^a-z\- ]", " ", regex=True)
    out = out.str.replace(r"\s+", " ", regex=True).str.strip()
    return out.where(out.str.len() > 0)


def _column(records: pd.DataFrame, name: str) -> pd.Series:
    if name in records.columns:
        return records[name]
    return pd.Series(None, index=records.index, dtype="object")


def normalize(records: pd.DataFrame) -> pd.DataFrame:
    """Make customer records comparable, field by field.

    Works on touchpoint records and on the master ``customers`` table alike.
    Only ``last_name`` is required; other missing columns count as empty.

    ======================  ==========================================================
    output column           content
    ======================  ==========================================================
    record_id, customer_id  copied unchanged when present (also ``source``)
    first_name, last_name   lower case, umlauts written out (ä→ae, ö→oe, ü→ue, ß→ss),
                            letters, '-' and single spaces only
    first_name_stripped,    the same with the umlaut dots dropped (ä→a), so that a
    last_name_stripped      careless "Muller" still equals "Müller"
    first_name_canonical    ``first_name`` with nicknames resolved (tom → thomas),
                            see :data:`NICKNAMES`
    phonetic_last_name      :func:`koelner_phonetik` of the normalised last name
    email                   trimmed, lower case; ``email_local`` is the part before @
    phone                   digits only, +49 / 0049 written as 0
    postcode                digits only
    town                    like the names (umlauts written out)
    birth_year              float year (NaN when missing)
    ======================  ==========================================================

    Missing values stay missing (NaN). Normalising twice changes nothing in
    the comparison fields (first_name, last_name, email, phone, postcode,
    town, birth_year, phonetic_last_name).

    Parameters
    ----------
    records : DataFrame
        Records with at least a ``last_name`` column; the index is kept.

    Returns
    -------
    DataFrame
        A new table with the columns above and the same index.

    Examples
    --------
    >>> raw = pd.DataFrame({"first_name": ["Tom", "Thomas"],
    ...                     "last_name": ["Mueller", "Müller"],
    ...                     "phone": ["+49 171 1234567", "0171/1234567"]})
    >>> n = normalize(raw)
    >>> n[["first_name_canonical", "last_name", "phonetic_last_name", "phone"]]
      first_name_canonical last_name phonetic_last_name         phone
    0               thomas   mueller                657  01711234567
    1               thomas   mueller                657  01711234567
    >>> n["last_name_stripped"].tolist()
    ['mueller', 'muller']

    """
    if not isinstance(records, pd.DataFrame):
        raise CRMDataError(
            f"normalize: records must be a pandas DataFrame, got {type(records).__name__}"
        )
    if "last_name" not in records.columns:
        raise CRMDataError(
            "normalize: records has no column 'last_name'; every record needs a last name "
            f"to be linked (columns found: {', '.join(map(str, records.columns))})"
        )
    out = pd.DataFrame(index=records.index)
    for col in _PASS_THROUGH:
        if col in records.columns:
            out[col] = records[col]
    for col in ("first_name", "last_name"):
        out[col] = _clean_text(_column(records, col), _FOLD)
        out[col + "_stripped"] = _clean_text(_column(records, col), _STRIP)
    first = out["first_name"]
    out["first_name_canonical"] = first.map(lambda v: NICKNAMES.get(v, v), na_action="ignore")
    # the phonetic code of each distinct (folded) name, computed once
    names = out["last_name"]
    codes = {v: koelner_phonetik(v) for v in pd.unique(names.dropna())}
    phonetic = pd.Series(names.map(codes), index=records.index, dtype="str")
    out["phonetic_last_name"] = phonetic.where(phonetic.str.len() > 0)
    email = pd.Series(_column(records, "email").astype("object"), dtype="str")
    email = email.str.strip().str.lower()
    out["email"] = email.where(email.str.contains("@", regex=False))
    out["email_local"] = out["email"].str.replace(r"@.*$", "", regex=True)
    phone = pd.Series(_column(records, "phone").astype("object"), dtype="str")
    phone = phone.str.strip().str.replace(r"^(\+|00)49", "0", regex=True)
    phone = phone.str.replace(r"\D", "", regex=True)
    out["phone"] = phone.where(phone.str.len() > 0)
    postcode = pd.Series(_column(records, "postcode").astype("object"), dtype="str")
    postcode = postcode.str.replace(r"\D", "", regex=True)
    out["postcode"] = postcode.where(postcode.str.len() > 0)
    out["town"] = _clean_text(_column(records, "town"), _FOLD)
    out["birth_year"] = pd.to_numeric(_column(records, "birth_year"), errors="coerce").astype(float)
    return out


# --------------------------------------------------------------------------------------
# blocking
# --------------------------------------------------------------------------------------


def _require_normalized(df, name: str, func: str, columns) -> None:
    if not isinstance(df, pd.DataFrame):
        raise CRMDataError(f"{func}: {name} must be a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise CRMDataError(
            f"{func}: {name} has no column {missing[0]!r}; pass normalize({name}) "
            f"instead of the raw table"
        )
    if not df.index.is_unique:
        dup = df.index[df.index.duplicated()]
        raise CRMDataError(
            f"{func}: the index of {name} has duplicate labels ({describe_rows(dup)}); "
            f"give each record its own label, e.g. {name}.reset_index(drop=True)"
        )


def _block_list(blocks) -> list[tuple[str, ...]]:
    if isinstance(blocks, str):
        blocks = (blocks,)
    out = [tuple([b]) if isinstance(b, str) else tuple(b) for b in blocks]
    if not out:
        raise CRMDataError(
            "candidate_pairs: blocks is empty; give at least one block key, "
            f"e.g. blocks={DEFAULT_BLOCKS!r}"
        )
    return out


def candidate_pairs(left: pd.DataFrame, right: pd.DataFrame, blocks=DEFAULT_BLOCKS) -> pd.DataFrame:
    r"""Blocking: the pairs worth comparing, those that share a block key.

    Comparing every record with every customer costs ``len(left) * len(right)``
    comparisons. Blocking keeps a pair only if it agrees *exactly* on at least
    one block key (the union of the blocks). A block key can be one column or
    a tuple of columns that must all agree, e.g. ``("postcode",
    "phonetic_last_name")`` for large customer bases. A true pair that agrees
    on no block key is lost for good, so blocks on different fields back each
    other up (a typo in the postcode is caught by the phonetic last name).

    The *reduction ratio* (:func:`reduction_ratio`) tells how much work
    blocking saved:

    .. math:: RR = 1 - \frac{\text{candidate pairs}}{|\text{left}| \cdot |\text{right}|}

    Parameters
    ----------
    left, right : DataFrame
        Normalised records (the output of :func:`normalize`), each with a
        unique index.
    blocks : sequence of str or tuple of str
        Block keys (columns of the normalised tables). Missing values never agree.

    Returns
    -------
    DataFrame
        Columns ``left`` and ``right``: index labels of the pair in ``left``
        and ``right``, each pair once, sorted. ``attrs["reduction_ratio"]``
        holds the reduction ratio.

    Examples
    --------
    >>> a = normalize(pd.DataFrame({"last_name": ["Müller", "Schmidt"],
    ...                             "postcode": ["10115", "80331"]}))
    >>> b = normalize(pd.DataFrame({"last_name": ["Mueller", "Meier", "Schmitt"],
    ...                             "postcode": ["20095", "10115", "50667"]}))
    >>> pairs = candidate_pairs(a, b, blocks=("postcode", "phonetic_last_name"))
    >>> pairs
       left  right
    0     0      0
    1     0      1
    2     1      2
    >>> round(pairs.attrs["reduction_ratio"], 2)
    0.5

    """
    keys = _block_list(blocks)
    cols = sorted({c for k in keys for c in k})
    _require_normalized(left, "left", "candidate_pairs", cols)
    _require_normalized(right, "right", "candidate_pairs", cols)
    lpos = np.arange(len(left))
    rpos = np.arange(len(right))
    found = []
    for key in keys:
        lk = left[list(key)].assign(_pos=lpos).dropna(subset=list(key))
        rk = right[list(key)].assign(_pos=rpos).dropna(subset=list(key))
        m = lk.merge(rk, on=list(key), suffixes=("_l", "_r"))
        found.append(m["_pos_l"].to_numpy(np.int64) * len(right) + m["_pos_r"].to_numpy(np.int64))
    code = np.unique(np.concatenate(found)) if found else np.empty(0, np.int64)
    out = pd.DataFrame({"left": left.index.to_numpy()[code // max(len(right), 1)],
                        "right": right.index.to_numpy()[code % max(len(right), 1)]})
    out.attrs["reduction_ratio"] = reduction_ratio(len(out), len(left), len(right))
    return out


def reduction_ratio(n_pairs: int, n_left: int, n_right: int) -> float:
    r"""Share of all possible pairs that blocking saved from being compared.

    .. math:: RR = 1 - \frac{n_{\text{pairs}}}{n_{\text{left}} \cdot n_{\text{right}}}

    Examples
    --------
    >>> reduction_ratio(60_000, 5_000, 3_000)
    0.996

    """
    total = int(n_left) * int(n_right)
    if total <= 0:
        raise CRMDataError(
            f"reduction_ratio: n_left and n_right must be positive, got {n_left} and {n_right}"
        )
    return 1.0 - float(n_pairs) / total


# --------------------------------------------------------------------------------------
# comparison
# --------------------------------------------------------------------------------------


def _codes(df: pd.DataFrame, name: str, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes of column ``name`` at rows ``idx`` (-1 where missing) and the distinct values."""
    codes, uniques = pd.factorize(df[name].to_numpy(dtype=object, na_value=None))
    return codes[idx], np.asarray(uniques, dtype=object)


def _pair_similarity(left, right, li, ri, name: str) -> np.ndarray:
    """Jaro-Winkler similarity of column ``name`` for the pairs (li, ri); NaN if missing.

    Each distinct pair of strings is scored once: there are far fewer
    distinct pairs of names than candidate pairs.
    """
    a, ua = _codes(left, name, li)
    b, ub = _codes(right, name, ri)
    out = np.full(len(li), np.nan)
    ok = (a >= 0) & (b >= 0)
    if not ok.any():
        return out
    key = a[ok].astype(np.int64) * max(len(ub), 1) + b[ok]
    uniq, inverse = np.unique(key, return_inverse=True)
    sim = np.array([JaroWinkler.normalized_similarity(ua[k // len(ub)], ub[k % len(ub)])
                    for k in uniq.tolist()], dtype=float)
    out[ok] = sim[inverse]
    return out


def _pair_equal(left, right, li, ri, name: str) -> np.ndarray:
    """1.0 where column ``name`` agrees exactly for the pairs (li, ri), 0.0 where not, NaN if missing."""
    values = pd.concat([left[name], right[name]], ignore_index=True).to_numpy(dtype=object,
                                                                              na_value=None)
    codes, _ = pd.factorize(values)
    a, b = codes[: len(left)][li], codes[len(left):][ri]
    return np.where((a < 0) | (b < 0), np.nan, (a == b) * 1.0)


def compare(left: pd.DataFrame, right: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    """Agreement of each candidate pair, field by field, as numbers in [0, 1].

    ============  ==================================================================
    feature       value
    ============  ==================================================================
    first_name    Jaro-Winkler similarity, the best of: as written (umlauts written
                  out), umlauts stripped, nicknames resolved (Tom = Thomas)
    last_name     Jaro-Winkler similarity, the better of umlauts written out or
                  stripped (Mueller = Müller = Muller)
    email         1 if the full e-mail addresses are equal, else 0
    email_local   Jaro-Winkler similarity of the part before the @ (survives a
                  change of provider: anna.berg@web.de → anna.berg@gmx.de)
    phone         1 if the phone numbers (digits) are equal, else 0
    postcode      1 if equal, else 0
    town          1 if equal, else 0
    birth_year    1 if equal, else 0
    ============  ==================================================================

    A value is NaN when the field is missing on either side: a missing field
    is no evidence for or against a match. The Jaro-Winkler similarity
    (``rapidfuzz.distance.JaroWinkler``) counts matching characters and
    transpositions and rewards a common prefix; 1 means equal strings.

    Parameters
    ----------
    left, right : DataFrame
        Normalised records (:func:`normalize`).
    pairs : DataFrame
        Columns ``left`` and ``right`` with index labels, as returned by
        :func:`candidate_pairs`.

    Returns
    -------
    DataFrame
        One row per pair with the features above, indexed by a MultiIndex
        ``(left, right)`` of the pair's labels.

    Examples
    --------
    >>> a = normalize(pd.DataFrame({"first_name": ["Tom"], "last_name": ["Muller"],
    ...                             "email": ["tom.m@web.de"]}))
    >>> b = normalize(pd.DataFrame({"first_name": ["Thomas"], "last_name": ["Müller"],
    ...                             "email": ["tom.m@gmx.de"], "postcode": ["10115"]}))
    >>> f = compare(a, b, pd.DataFrame({"left": [0], "right": [0]}))
    >>> f.iloc[0].to_dict()
    {'first_name': 1.0, 'last_name': 1.0, 'email': 0.0, 'email_local': 1.0, 'phone': nan,
     'postcode': nan, 'town': nan, 'birth_year': nan}

    """
    need = ["first_name", "first_name_stripped", "first_name_canonical", "last_name",
            "last_name_stripped", "email", "email_local", "phone", "postcode", "town", "birth_year"]
    _require_normalized(left, "left", "compare", need)
    _require_normalized(right, "right", "compare", need)
    if not isinstance(pairs, pd.DataFrame) or not {"left", "right"} <= set(pairs.columns):
        raise CRMDataError(
            "compare: pairs must be a DataFrame with columns 'left' and 'right'; "
            "use candidate_pairs(left, right)"
        )
    for side, df in (("left", left), ("right", right)):
        bad = ~pairs[side].isin(df.index)
        if bad.any():
            raise CRMDataError(
                f"compare: pairs[{side!r}] has labels that are not in the index of {side} "
                f"({describe_rows(pairs.index[bad])}); build pairs from the same tables"
            )
    li = left.index.get_indexer(pairs["left"])
    ri = right.index.get_indexer(pairs["right"])

    def best_similarity(*names):
        sims = np.vstack([_pair_similarity(left, right, li, ri, n) for n in names])
        missing = np.isnan(sims).all(axis=0)
        return np.where(missing, np.nan, np.where(np.isnan(sims), -1.0, sims).max(axis=0))

    feats = {
        "first_name": best_similarity("first_name", "first_name_stripped", "first_name_canonical"),
        "last_name": best_similarity("last_name", "last_name_stripped"),
        "email": _pair_equal(left, right, li, ri, "email"),
        "email_local": _pair_similarity(left, right, li, ri, "email_local"),
        "phone": _pair_equal(left, right, li, ri, "phone"),
        "postcode": _pair_equal(left, right, li, ri, "postcode"),
        "town": _pair_equal(left, right, li, ri, "town"),
    }
    by_l = left["birth_year"].to_numpy(float)[li]
    by_r = right["birth_year"].to_numpy(float)[ri]
    feats["birth_year"] = np.where(np.isnan(by_l) | np.isnan(by_r), np.nan, (by_l == by_r) * 1.0)
    index = pd.MultiIndex.from_arrays([pairs["left"].to_numpy(), pairs["right"].to_numpy()],
                                      names=["left", "right"])
    return pd.DataFrame(feats, index=index)


# --------------------------------------------------------------------------------------
# decision 1: a weighted rule
# --------------------------------------------------------------------------------------


def _check_features(features, func: str, fields) -> None:
    if not isinstance(features, pd.DataFrame):
        raise CRMDataError(
            f"{func}: features must be the DataFrame returned by compare(), "
            f"got {type(features).__name__}"
        )
    missing = [f for f in fields if f not in features.columns]
    if missing:
        raise CRMDataError(
            f"{func}: features has no column {missing[0]!r}; use the output of compare() "
            f"or leave {missing[0]!r} out of the weights/levels"
        )
    values = features[list(fields)].to_numpy(float)
    bad = ~np.isnan(values) & ((values < 0) | (values > 1))
    if bad.any():
        rows = features.index[bad.any(axis=1)]
        raise CRMDataError(
            f"{func}: features must lie in [0, 1] (NaN for missing); "
            f"{int(bad.any(axis=1).sum())} pairs do not ({describe_rows(range(len(rows)))} by position)"
        )


def rule_score(features: pd.DataFrame, weights: dict | None = None) -> pd.Series:
    r"""Score pairs transparently: the weighted mean of the field agreements.

    .. math:: \text{score} = \frac{\sum_k w_k x_k}{\sum_k w_k}

    where the sums run over the fields :math:`k` that are present in the
    pair (a missing field is left out, it neither helps nor hurts) and
    :math:`x_k \in [0, 1]` is the agreement from :func:`compare`. The default
    weights are :data:`RULE_WEIGHTS`: an equal phone number (3) counts most,
    then the local part of the e-mail before the @ (2.5; it survives a change
    of provider), the last name (2), the birth year (1.5), the full e-mail,
    first name and postcode (1 each) and the town (0.5). The
    score lies in [0, 1]; a pair with no field present scores NaN.

    Parameters
    ----------
    features : DataFrame
        Output of :func:`compare`.
    weights : dict of str to float, optional
        Weight of each feature (>= 0, not all 0). Features not named are ignored.

    Returns
    -------
    Series
        The score of each pair, with the index of ``features``.

    Examples
    --------
    >>> f = pd.DataFrame({"last_name": [1.0, 1.0], "email": [1.0, np.nan]})
    >>> rule_score(f, weights={"last_name": 1.0, "email": 3.0}).tolist()
    [1.0, 1.0]
    >>> rule_score(pd.DataFrame({"last_name": [0.5], "email": [0.0]}),
    ...            weights={"last_name": 1.0, "email": 3.0}).tolist()
    [0.125]

    """
    weights = dict(RULE_WEIGHTS if weights is None else weights)
    w = pd.Series(weights, dtype=float)
    if w.isna().any() or (w < 0).any() or not (w > 0).any():
        raise CRMDataError(
            f"rule_score: weights must be numbers >= 0 with at least one > 0, got {weights!r}"
        )
    _check_features(features, "rule_score", list(w.index))
    x = features[list(w.index)].to_numpy(float)
    present = ~np.isnan(x)
    num = (np.where(present, x, 0.0) * w.to_numpy()).sum(axis=1)
    den = (present * w.to_numpy()).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        score = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
    return pd.Series(score, index=features.index, name="score")


# --------------------------------------------------------------------------------------
# decision 2: Fellegi-Sunter with EM
# --------------------------------------------------------------------------------------


def _floor_shares(counts: np.ndarray, floor: float) -> np.ndarray:
    """Turn level counts into shares, each at least ``floor`` (shares still sum to 1)."""
    shares = (counts + 1e-12) / (counts.sum() + 1e-12 * len(counts))
    low = shares < floor
    if low.any() and not low.all():
        shares = np.where(low, floor, shares * (1 - floor * low.sum()) / shares[~low].sum())
    return shares


class FellegiSunter:
    r"""The probabilistic record linkage model of Fellegi and Sunter (1969).

    Each field :math:`k` of a pair falls into an agreement level :math:`l`
    (e.g. names: differ / similar / same). The model has, per field and level,

    - :math:`m_{kl} = P(\text{level } l \mid \text{match})`: how often a true
      match shows this level (high for "same", but below 1 because of typos);
    - :math:`u_{kl} = P(\text{level } l \mid \text{non-match})`: how often two
      different people show it by chance (high for common names and towns);

    and a prior :math:`\lambda`, the share of candidate pairs that are matches.
    Assuming the fields independent given the match status, the evidence of
    one pair is the sum of the field weights

    .. math:: W = \sum_k \log_2 \frac{m_{k l_k}}{u_{k l_k}}

    (missing fields add 0) and the match probability is

    .. math:: P(\text{match}) = \frac{1}{1 + 2^{-(W + \log_2 \frac{\lambda}{1-\lambda})}}.

    No labelled pairs are needed: :meth:`fit` estimates :math:`m`,
    :math:`u` and :math:`\lambda` by EM (Expectation-Maximisation). The E-step
    computes each pair's match probability from the current parameters; the
    M-step re-estimates :math:`m` (:math:`u`) as the level shares among pairs
    weighted by that probability (by one minus it), and :math:`\lambda` as its
    mean. Since the pairs are described by few distinct level patterns, EM runs
    on the pattern counts and takes milliseconds.

    Parameters
    ----------
    levels : dict of str to tuple of float, optional
        Cut points per feature (default :data:`FS_LEVELS`). A value gets the
        level "number of cut points it reaches": with ``(0.8, 0.95)`` the
        similarity 0.9 has level 1.
    prior : float, optional
        Start value of :math:`\lambda` (0 < prior < 1). Default 0.05.
    floor : float
        Smallest value of any :math:`m` or :math:`u` (default 0.001). No field
        is perfectly reliable: without a floor, EM can push an :math:`m` to 0,
        and a single disagreement (a postcode typo) would then veto a pair that
        agrees on everything else. The floor caps each field weight at about
        :math:`\pm\log_2(1/\text{floor})` (10 bits).
    max_iter : int
        Largest number of EM iterations (default 200).
    tol : float
        Stop when no parameter moves by more than this (default 1e-6).

    Notes
    -----
    EM finds *some* two groups of pairs that explain the agreement patterns;
    it hopes these are matches and non-matches. That works when the candidate
    pairs are a broad mix, as with the default blocks. Fields that depend on
    each other (postcode and town) and narrow compound block keys can make
    EM settle on another grouping (e.g. "pairs from the same block"). Always
    read ``params_``: for a sensible fit, :math:`m > u` on the top level of
    every field, and ``prior_`` is near (records) / (candidate pairs).

    Attributes
    ----------
    params_ : DataFrame
        One row per field and level: ``field``, ``level``, ``label``, ``m``,
        ``u``, ``weight`` (:math:`\log_2 m/u`) and ``n_pairs``.
    prior_ : float
        Estimated share of matches among the candidate pairs, :math:`\lambda`.
    n_iter_ : int
        EM iterations used; ``converged_`` says whether ``tol`` was reached.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> is_match = rng.random(2000) < 0.1
    >>> agree = lambda p_match, p_other: np.where(is_match, rng.random(2000) < p_match,
    ...                                           rng.random(2000) < p_other) * 1.0
    >>> f = pd.DataFrame({"postcode": agree(0.95, 0.1), "birth_year": agree(0.9, 0.05),
    ...                   "town": agree(0.95, 0.2)})
    >>> fs = FellegiSunter(levels={"postcode": (0.5,), "birth_year": (0.5,), "town": (0.5,)})
    >>> round(fs.fit(f).prior_, 2)
    0.1
    >>> fs.match_probability(pd.DataFrame({"postcode": [1.0, 0.0], "birth_year": [1.0, 0.0],
    ...                                    "town": [1.0, 0.0]})).round(3).tolist()
    [0.987, 0.0]

    """

    def __init__(self, levels: dict | None = None, prior: float = 0.05, floor: float = 1e-3,
                 max_iter: int = 200, tol: float = 1e-6):
        self.levels = levels
        self.prior = prior
        self.floor = floor
        self.max_iter = max_iter
        self.tol = tol

    def __repr__(self) -> str:
        state = f"prior_={self.prior_:.4f}, n_iter_={self.n_iter_}" if self._fitted() else "not fitted"
        return f"FellegiSunter({state})"

    def _fitted(self) -> bool:
        return hasattr(self, "params_")

    def _levels(self) -> dict:
        levels = FS_LEVELS if self.levels is None else self.levels
        if not isinstance(levels, dict) or not levels:
            raise CRMDataError(
                f"FellegiSunter: levels must be a non-empty dict of feature -> cut points, got {levels!r}"
            )
        return {k: tuple(float(c) for c in np.atleast_1d(v)) for k, v in levels.items()}

    def _level_matrix(self, features: pd.DataFrame, levels: dict) -> np.ndarray:
        """Level of each pair (rows) and field (columns); -1 where missing."""
        out = np.empty((len(features), len(levels)), dtype=np.int64)
        for j, (field, cuts) in enumerate(levels.items()):
            x = features[field].to_numpy(float)
            lev = np.searchsorted(np.asarray(cuts), x, side="right")
            out[:, j] = np.where(np.isnan(x), -1, lev)
        return out

    def fit(self, features: pd.DataFrame) -> FellegiSunter:
        """Estimate m, u and the prior by EM on the candidate pairs; return self.

        Parameters
        ----------
        features : DataFrame
            Output of :func:`compare` for the candidate pairs.

        """
        levels = self._levels()
        if not 0 < float(self.prior) < 1:
            raise CRMDataError(f"FellegiSunter: prior must lie strictly between 0 and 1, got {self.prior!r}")
        if not 0 <= float(self.floor) < 0.5:
            raise CRMDataError(f"FellegiSunter: floor must lie in [0, 0.5), got {self.floor!r}")
        if int(self.max_iter) < 1:
            raise CRMDataError(f"FellegiSunter: max_iter must be at least 1, got {self.max_iter!r}")
        _check_features(features, "FellegiSunter.fit", list(levels))
        if len(features) < 2:
            raise CRMDataError(
                f"FellegiSunter.fit: features has {len(features)} pairs; EM needs many candidate "
                "pairs (matches and non-matches), e.g. all pairs from candidate_pairs()"
            )
        lev = self._level_matrix(features, levels)
        n_lev = [len(c) + 1 for c in levels.values()]
        # one integer per level pattern (levels -1..k-1 as digits of base k+1)
        base = np.cumprod([1] + [k + 1 for k in n_lev[:-1]])
        _, first, counts = np.unique((lev + 1) @ base, return_index=True, return_counts=True)
        patterns, counts = lev[first], counts.astype(float)
        # start: matches agree on the top level 90 % of the time; non-matches
        # look like all pairs (most candidate pairs are non-matches)
        m, u = [], []
        for j, k in enumerate(n_lev):
            m.append(np.r_[np.full(k - 1, 0.1 / (k - 1)), 0.9])
            shares = np.bincount(lev[lev[:, j] >= 0, j], minlength=k) + 1.0
            u.append(shares / shares.sum())
        lam = float(self.prior)
        converged = False
        n_iter = 0
        for n_iter in range(1, int(self.max_iter) + 1):  # noqa: B007 (n_iter is reported)
            # E-step: log2 likelihood ratio of each pattern
            w = np.zeros(len(patterns))
            for j in range(len(n_lev)):
                obs = patterns[:, j] >= 0
                w[obs] += np.log2(m[j][patterns[obs, j]] / u[j][patterns[obs, j]])
            g = 1.0 / (1.0 + np.exp2(-(w + np.log2(lam / (1 - lam)))))
            # M-step: weighted level shares
            gm, gu = g * counts, (1 - g) * counts
            new_m, new_u = [], []
            for j, k in enumerate(n_lev):
                obs = patterns[:, j] >= 0
                lm = np.bincount(patterns[obs, j], weights=gm[obs], minlength=k)
                lu = np.bincount(patterns[obs, j], weights=gu[obs], minlength=k)
                new_m.append(_floor_shares(lm, self.floor))
                new_u.append(_floor_shares(lu, self.floor))
            new_lam = float(np.clip(gm.sum() / counts.sum(), 1e-9, 1 - 1e-9))
            change = max(abs(new_lam - lam),
                         *(np.abs(a - b).max() for a, b in zip(new_m + new_u, m + u, strict=True)))
            m, u, lam = new_m, new_u, new_lam
            if change < self.tol:
                converged = True
                break
        rows = []
        for j, (field, cuts) in enumerate(levels.items()):
            n_obs = np.bincount(lev[lev[:, j] >= 0, j], minlength=n_lev[j])
            for level in range(n_lev[j]):
                lo = cuts[level - 1] if level > 0 else None
                hi = cuts[level] if level < len(cuts) else None
                label = (f"< {hi:g}" if lo is None else f">= {lo:g}" if hi is None
                         else f"{lo:g} to < {hi:g}")
                rows.append({"field": field, "level": level, "label": label, "m": m[j][level],
                             "u": u[j][level], "weight": np.log2(m[j][level] / u[j][level]),
                             "n_pairs": int(n_obs[level])})
        self.levels_ = levels
        self.params_ = pd.DataFrame(rows)
        self.prior_ = lam
        self.n_iter_ = n_iter
        self.converged_ = converged
        self._m, self._u = m, u
        return self

    def _check_fitted(self, what: str) -> None:
        if not self._fitted():
            raise CRMDataError(
                f"FellegiSunter.{what}: the model is not fitted yet; call .fit(features) first "
                "with the features of the candidate pairs"
            )

    def match_weight(self, features: pd.DataFrame) -> pd.Series:
        r"""Total match weight :math:`W = \sum_k \log_2(m_k/u_k)` of each pair (bits).

        Positive weights speak for a match, negative ones against it; every
        additional bit doubles the odds.
        """
        self._check_fitted("match_weight")
        _check_features(features, "FellegiSunter.match_weight", list(self.levels_))
        lev = self._level_matrix(features, self.levels_)
        w = np.zeros(len(features))
        for j in range(lev.shape[1]):
            obs = lev[:, j] >= 0
            w[obs] += np.log2(self._m[j][lev[obs, j]] / self._u[j][lev[obs, j]])
        return pd.Series(w, index=features.index, name="match_weight")

    def match_probability(self, features: pd.DataFrame) -> pd.Series:
        r"""Posterior match probability :math:`1 / (1 + 2^{-(W + \log_2(\lambda/(1-\lambda)))})`."""
        self._check_fitted("match_probability")
        w = self.match_weight(features).to_numpy()
        p = 1.0 / (1.0 + np.exp2(-(w + np.log2(self.prior_ / (1 - self.prior_)))))
        return pd.Series(p, index=features.index, name="match_probability")


# --------------------------------------------------------------------------------------
# link, evaluate
# --------------------------------------------------------------------------------------

_DEFAULT_THRESHOLD = {"fellegi_sunter": 0.5, "rule": 0.75}


def _unique_ids(df: pd.DataFrame, name: str, column: str) -> None:
    if column not in df.columns:
        raise CRMDataError(
            f"link: {name} has no column {column!r}; it is needed to name the linked records"
        )
    if df[column].isna().any():
        raise CRMDataError(
            f"link: column {column!r} of {name} has missing values "
            f"({describe_rows(df.index[df[column].isna()])}); every record needs an id"
        )
    dup = df[column].duplicated(keep=False)
    if dup.any():
        raise CRMDataError(
            f"link: column {column!r} of {name} must be unique but has duplicates "
            f"({describe_rows(df.index[dup])}); drop or renumber the duplicate records"
        )


def link(records: pd.DataFrame, customers: pd.DataFrame, threshold: float | None = None,
         method: str = "fellegi_sunter", blocks=DEFAULT_BLOCKS, weights: dict | None = None,
         model: FellegiSunter | None = None) -> pd.DataFrame:
    """Link each touchpoint record to its best master customer, or to none.

    Runs the whole chain: :func:`normalize` both tables, :func:`candidate_pairs`,
    :func:`compare`, score each pair, then keep for every record the customer
    with the highest score. The record is assigned to that customer if the
    score reaches ``threshold``; otherwise it stays unassigned (a new or
    unknown customer, to be checked by hand).

    Parameters
    ----------
    records : DataFrame
        Touchpoint records with ``record_id`` (unique), ``last_name`` and the
        other fields of ``touchpoint_records``; ``source`` is optional.
    customers : DataFrame
        Master records with ``customer_id`` (unique) and the same fields.
    threshold : float, optional
        Smallest score that counts as a match; default 0.5 for
        ``"fellegi_sunter"`` (a match probability) and 0.75 for ``"rule"``.
    method : {"fellegi_sunter", "rule"}
        Score by :class:`FellegiSunter` (fitted by EM on the candidate pairs
        unless a fitted ``model`` is given) or by :func:`rule_score`.
    blocks : sequence
        Block keys for :func:`candidate_pairs`.
    weights : dict, optional
        Weights for :func:`rule_score` (method ``"rule"`` only).
    model : FellegiSunter, optional
        A (fitted or unfitted) model to use; unfitted models are fitted here.

    Returns
    -------
    DataFrame
        One row per record, in the order of ``records``: ``record_id``,
        ``source``, ``customer_id`` (assigned customer, ``<NA>`` if none),
        ``score`` (score of the best candidate, NaN without candidates) and
        ``candidate_id`` (best candidate whatever its score, for
        :func:`threshold_tradeoff`) and ``ties``: how many other candidates
        share that best score (0 = a clear winner; ``<NA>`` without
        candidates). A tie is broken by the lower ``customer_id``, which is
        a guess: records with ``ties > 0`` deserve a human look before they
        are merged. ``attrs`` holds ``n_pairs``,
        ``reduction_ratio``, ``threshold``, ``method`` and, for Fellegi-Sunter,
        the fitted ``model``.

    Examples
    --------
    >>> customers = pd.DataFrame({"customer_id": [1, 2, 3],
    ...     "first_name": ["Thomas", "Anna", "Jörg"], "last_name": ["Müller", "Schmidt", "Weiß"],
    ...     "email": ["t.mueller@web.de", "anna.s@gmx.de", "joerg.weiss@web.de"],
    ...     "postcode": ["10115", "80331", "50667"], "birth_year": [1970, 1985, 1990]})
    >>> records = pd.DataFrame({"record_id": [11, 12, 13], "source": ["webshop"] * 3,
    ...     "first_name": ["Tom", "Anna", "Petra"], "last_name": ["Mueller", "Schmitt", "Weiss"],
    ...     "email": ["t.mueller@gmx.de", None, "petra@web.de"],
    ...     "postcode": ["10115", "80331", "50667"], "birth_year": [1970, 1985, None]})
    >>> link(records, customers, method="rule")[["record_id", "customer_id"]]
       record_id  customer_id
    0         11            1
    1         12            2
    2         13         <NA>

    """
    if method not in _DEFAULT_THRESHOLD:
        raise CRMDataError(
            f"link: method must be 'fellegi_sunter' or 'rule', got {method!r}"
        )
    for name, df in (("records", records), ("customers", customers)):
        if not isinstance(df, pd.DataFrame):
            raise CRMDataError(f"link: {name} must be a pandas DataFrame, got {type(df).__name__}")
    _unique_ids(records, "records", "record_id")
    _unique_ids(customers, "customers", "customer_id")
    if threshold is None:
        threshold = _DEFAULT_THRESHOLD[method]
    if not np.isfinite(threshold):
        raise CRMDataError(f"link: threshold must be a finite number, got {threshold!r}")
    left = normalize(records).set_axis(pd.Index(records["record_id"].to_numpy()), axis=0)
    right = normalize(customers).set_axis(pd.Index(customers["customer_id"].to_numpy()), axis=0)
    pairs = candidate_pairs(left, right, blocks=blocks)
    features = compare(left, right, pairs)
    attrs = {"n_pairs": len(pairs), "reduction_ratio": pairs.attrs["reduction_ratio"],
             "threshold": float(threshold), "method": method}
    if method == "rule":
        score = rule_score(features, weights=weights)
    else:
        model = FellegiSunter() if model is None else model
        if not model._fitted():
            model.fit(features)
        score = model.match_probability(features)
        attrs["model"] = model
    scored = (pd.DataFrame({"record_id": pairs["left"].to_numpy(), "candidate_id": pairs["right"].to_numpy(),
                            "score": score.to_numpy()})
              .dropna(subset=["score"]))
    top = scored.groupby("record_id")["score"].transform("max")
    ties = (scored["score"] >= top - 1e-12).groupby(scored["record_id"]).sum() - 1
    best = (scored.sort_values(["record_id", "score", "candidate_id"], ascending=[True, False, True],
                               kind="mergesort")
            .drop_duplicates("record_id"))
    best["ties"] = best["record_id"].map(ties).astype("Int64")
    out = pd.DataFrame({"record_id": records["record_id"].to_numpy()})
    out["source"] = records["source"].to_numpy() if "source" in records.columns else "all"
    out = out.merge(best, on="record_id", how="left")
    out["candidate_id"] = out["candidate_id"].astype("Int64")
    out["customer_id"] = out["candidate_id"].where(out["score"] >= threshold).astype("Int64")
    out = out[["record_id", "source", "customer_id", "score", "candidate_id", "ties"]]
    out.attrs.update(attrs)
    return out


def _truth_series(truth_links) -> pd.Series:
    if isinstance(truth_links, pd.Series):
        return truth_links
    if not isinstance(truth_links, pd.DataFrame) or not {"record_id", "customer_id"} <= set(
            truth_links.columns):
        raise CRMDataError(
            "truth_links must be a DataFrame with columns 'record_id' and 'customer_id' "
            "(e.g. world.truth.record_links)"
        )
    return truth_links.set_index("record_id")["customer_id"]


def _check_links(links, func: str, cols) -> None:
    if not isinstance(links, pd.DataFrame):
        raise CRMDataError(f"{func}: links must be the DataFrame returned by link(), "
                           f"got {type(links).__name__}")
    missing = [c for c in cols if c not in links.columns]
    if missing:
        raise CRMDataError(
            f"{func}: links has no column {missing[0]!r}; pass the DataFrame returned by link()"
        )


def _true_ids(links: pd.DataFrame, truth_links, func: str) -> np.ndarray:
    truth = _truth_series(truth_links)
    true_id = links["record_id"].map(truth)
    unknown = true_id.isna()
    if unknown.any():
        raise CRMDataError(
            f"{func}: {int(unknown.sum())} records of links have no entry in truth_links "
            f"({describe_rows(links['record_id'][unknown])}); pass the truth of the same world"
        )
    return true_id.to_numpy()


def _scores(assigned: np.ndarray, correct: np.ndarray) -> tuple[float, float, float]:
    n_assigned, n_correct, n = int(assigned.sum()), int(correct.sum()), len(assigned)
    precision = n_correct / n_assigned if n_assigned else np.nan
    recall = n_correct / n if n else np.nan
    f1 = (2 * precision * recall / (precision + recall)
          if n_assigned and (precision + recall) > 0 else np.nan)
    return precision, recall, f1


def evaluate(links: pd.DataFrame, truth_links) -> pd.DataFrame:
    r"""Precision, recall and the recognition rate per touchpoint.

    .. math::

        \text{precision} &= \frac{\text{records assigned to their true customer}}
                                 {\text{records assigned to any customer}} \\
        \text{recall}    &= \frac{\text{records assigned to their true customer}}
                                 {\text{all records}} \\
        F_1 &= \frac{2 \cdot \text{precision} \cdot \text{recall}}{\text{precision} + \text{recall}}

    Recall within one touchpoint (``source``) is its *recognition rate*: the
    share of its records in which the firm recognised the customer. Precision
    is NaN when no record was assigned.

    Parameters
    ----------
    links : DataFrame
        Output of :func:`link` (``record_id``, ``source``, ``customer_id``).
    truth_links : DataFrame or Series
        True owner of each record: columns ``record_id``, ``customer_id``
        (``world.truth.record_links``) or a Series indexed by record id.

    Returns
    -------
    DataFrame
        One row per source, sorted, and a last row ``"all"``; columns
        ``source``, ``n_records``, ``n_assigned``, ``n_correct``,
        ``precision``, ``recall`` (= recognition rate) and ``f1``.

    Examples
    --------
    >>> links = pd.DataFrame({"record_id": [1, 2, 3, 4], "source": ["web", "web", "shop", "shop"],
    ...                       "customer_id": pd.array([10, 20, 30, None], dtype="Int64")})
    >>> truth = pd.DataFrame({"record_id": [1, 2, 3, 4], "customer_id": [10, 21, 30, 40]})
    >>> evaluate(links, truth)
      source  n_records  n_assigned  n_correct  precision  recall        f1
    0   shop          2           1          1   1.000000    0.50  0.666667
    1    web          2           2          1   0.500000    0.50  0.500000
    2    all          4           3          2   0.666667    0.50  0.571429

    """
    _check_links(links, "evaluate", ["record_id", "customer_id"])
    true_id = _true_ids(links, truth_links, "evaluate")
    pred = links["customer_id"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    assigned = ~np.isnan(pred)
    correct = assigned & (pred == true_id.astype(float))
    source = (links["source"].astype(str).to_numpy() if "source" in links.columns
              else np.full(len(links), "all"))
    rows = []
    groups = [(s, source == s) for s in sorted(set(source)) if s != "all"] + [("all", slice(None))]
    for name, mask in groups:
        p, r, f = _scores(assigned[mask], correct[mask])
        rows.append({"source": name, "n_records": int(np.asarray(assigned[mask]).size),
                     "n_assigned": int(assigned[mask].sum()), "n_correct": int(correct[mask].sum()),
                     "precision": p, "recall": r, "f1": f})
    return pd.DataFrame(rows)


def threshold_tradeoff(links: pd.DataFrame, truth_links, thresholds=None) -> pd.DataFrame:
    """Precision, recall and F1 for a range of thresholds (the trade-off curve).

    A low threshold assigns more records (recall up) but also more wrong ones
    (precision down); a high threshold the opposite. The best candidate of
    each record and its score come from :func:`link` (columns
    ``candidate_id`` and ``score``), so changing the threshold needs no new
    linkage: a record counts as assigned at threshold :math:`t` if its score
    is at least :math:`t`.

    Parameters
    ----------
    links : DataFrame
        Output of :func:`link`.
    truth_links : DataFrame or Series
        As in :func:`evaluate`.
    thresholds : array-like, optional
        Thresholds to try; default 51 values from the smallest to the largest
        score (0 to 1 for probabilities).

    Returns
    -------
    DataFrame
        Columns ``threshold``, ``n_assigned``, ``precision``, ``recall``, ``f1``.

    Examples
    --------
    >>> links = pd.DataFrame({"record_id": [1, 2, 3], "score": [0.9, 0.6, 0.3],
    ...                       "candidate_id": [10, 20, 31]})
    >>> truth = pd.DataFrame({"record_id": [1, 2, 3], "customer_id": [10, 20, 30]})
    >>> threshold_tradeoff(links, truth, thresholds=[0.2, 0.5, 0.8])
       threshold  n_assigned  precision    recall        f1
    0        0.2           3   0.666667  0.666667  0.666667
    1        0.5           2   1.000000  0.666667  0.800000
    2        0.8           1   1.000000  0.333333  0.500000

    """
    _check_links(links, "threshold_tradeoff", ["record_id", "score", "candidate_id"])
    true_id = _true_ids(links, truth_links, "threshold_tradeoff").astype(float)
    score = links["score"].to_numpy(dtype=float, na_value=np.nan)
    cand = pd.Series(links["candidate_id"]).astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    if thresholds is None:
        finite = score[np.isfinite(score)]
        lo, hi = (0.0, 1.0) if finite.size == 0 or (finite.min() >= 0 and finite.max() <= 1) \
            else (finite.min(), finite.max())
        thresholds = np.linspace(lo, hi, 51)
    thresholds = np.atleast_1d(np.asarray(thresholds, dtype=float))
    if thresholds.size == 0 or not np.isfinite(thresholds).all():
        raise CRMDataError(
            f"threshold_tradeoff: thresholds must be finite numbers, got {thresholds.tolist()!r}"
        )
    good = cand == true_id
    rows = []
    for t in thresholds:
        assigned = np.nan_to_num(score, nan=-np.inf) >= t
        p, r, f = _scores(assigned, assigned & good)
        rows.append({"threshold": float(t), "n_assigned": int(assigned.sum()), "precision": p,
                     "recall": r, "f1": f})
    return pd.DataFrame(rows)
