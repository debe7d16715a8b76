import matplotlib

matplotlib.use("Agg")

import time  # noqa: E402

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from crmlearn.errors import CRMDataError  # noqa: E402
from crmlearn.identify import (  # noqa: E402
    FellegiSunter,
    candidate_pairs,
    compare,
    evaluate,
    koelner_phonetik,
    koelner_phonetik_steps,
    link,
    normalize,
    reduction_ratio,
    rule_score,
    threshold_tradeoff,
)
from crmlearn.plots.identify import plot_recognition, plot_tradeoff  # noqa: E402

# --------------------------------------------------------------------------------------
# Kölner Phonetik: published examples (Postel 1969; the examples of the German
# Wikipedia article and of common implementations)
# --------------------------------------------------------------------------------------


def test_koelner_phonetik_classic_example_step_by_step():
    assert koelner_phonetik_steps("Müller-Lüdenscheidt") == (
        "60550750206880022", "6050750206802", "65752682")
    assert koelner_phonetik("Müller-Lüdenscheidt") == "65752682"


@pytest.mark.parametrize("word, code", [
    ("Breschnew", "17863"), ("Wikipedia", "3412"), ("Xavier", "4837"),
    ("Christopher", "478237"), ("Wilhelm", "3556"), ("Philip", "351"), ("Patrick", "1274"),
    ("Meier", "67"), ("Mayer", "67"), ("Maier", "67"), ("Meyer", "67"),
    ("Carsten", "47826"), ("Karsten", "47826"), ("Heinz Classen", "068586"),
    ("Franz", "3768"), ("Schokolade", "8452"), ("Raddampfer", "726137"),
])
def test_koelner_phonetik_published_examples(word, code):
    assert koelner_phonetik(word) == code


def test_koelner_phonetik_umlaut_spellings_share_a_code():
    assert {koelner_phonetik(n) for n in ("Müller", "Mueller", "Muller", "MÜLLER")} == {"657"}
    assert koelner_phonetik("Weiß") == koelner_phonetik("Weiss")


def test_koelner_phonetik_missing_and_empty():
    assert koelner_phonetik(None) == ""
    assert koelner_phonetik(np.nan) == ""
    assert koelner_phonetik("--") == ""


@given(st.text(max_size=20))
def test_koelner_phonetik_is_digits_and_case_blind(word):
    code = koelner_phonetik(word)
    assert code == "" or code.isdigit()
    assert "0" not in code[1:]
    assert koelner_phonetik(word.upper()) == koelner_phonetik(word.lower()) or any(
        len(ch.upper()) != 1 or len(ch.lower()) != 1 for ch in word)


# --------------------------------------------------------------------------------------
# normalize
# --------------------------------------------------------------------------------------


def _raw():
    return pd.DataFrame({
        "record_id": [1, 2, 3],
        "source": ["webshop", "call_centre", "loyalty_card"],
        "first_name": ["Jürgen", "Tom", None],
        "last_name": ["Weiß", "Mueller", "Muller"],
        "email": [" Juergen.Weiss@GMX.de", None, "a.muller@web.de"],
        "phone": ["+49 171 1234567", "0171/1234567", "0049 (0)171-1234567"],
        "postcode": ["10115", "80 331", None],
        "town": ["München", "Köln", None],
        "birth_year": pd.array([1970, None, 1985], dtype="Int64"),
    })


def test_normalize_fields():
    n = normalize(_raw())
    assert n["first_name"].tolist()[:2] == ["juergen", "tom"]
    assert pd.isna(n["first_name"].iloc[2])
    assert n["last_name"].tolist() == ["weiss", "mueller", "muller"]
    assert n["last_name_stripped"].tolist() == ["weiss", "mueller", "muller"]
    assert n["first_name_stripped"].iloc[0] == "jurgen"
    assert n["first_name_canonical"].iloc[1] == "thomas"
    assert n["phonetic_last_name"].tolist() == ["38", "657", "657"]
    assert n["email"].iloc[0] == "juergen.weiss@gmx.de"
    assert n["email_local"].iloc[0] == "juergen.weiss"
    assert n["phone"].tolist()[:2] == ["01711234567", "01711234567"]
    assert n["postcode"].tolist()[:2] == ["10115", "80331"]
    assert n["town"].tolist()[:2] == ["muenchen", "koeln"]
    assert np.isnan(n["birth_year"].iloc[1]) and n["birth_year"].iloc[0] == 1970.0
    assert n["record_id"].tolist() == [1, 2, 3] and "source" in n


def test_normalize_does_not_mutate_and_keeps_index():
    raw = _raw().set_index(pd.Index([10, 20, 30]))
    before = raw.copy()
    n = normalize(raw)
    pd.testing.assert_frame_equal(raw, before)
    assert n.index.tolist() == [10, 20, 30]


def test_normalize_without_optional_columns():
    n = normalize(pd.DataFrame({"last_name": ["Schmidt"]}))
    assert n["last_name"].iloc[0] == "schmidt"
    assert n[["email", "phone", "postcode", "town", "birth_year"]].isna().all().all()


CORE = ["first_name", "last_name", "email", "phone", "postcode", "town", "birth_year",
        "phonetic_last_name"]

names = st.text(alphabet="aäbcdeghklmnoöprsßtuüvwzAÄÖÜMS -'", max_size=12)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(names, names, st.text(max_size=10), st.text(max_size=8)),
                min_size=1, max_size=5))
def test_normalize_is_idempotent(rows):
    raw = pd.DataFrame(rows, columns=["first_name", "last_name", "email", "phone"])
    once = normalize(raw)
    twice = normalize(once)
    pd.testing.assert_frame_equal(once[CORE], twice[CORE])


def test_normalize_errors():
    with pytest.raises(CRMDataError, match="records has no column 'last_name'"):
        normalize(pd.DataFrame({"name": ["x"]}))
    with pytest.raises(CRMDataError, match="records must be a pandas DataFrame"):
        normalize([1, 2])


# --------------------------------------------------------------------------------------
# blocking and comparison
# --------------------------------------------------------------------------------------


def _toy():
    customers = pd.DataFrame({
        "customer_id": [1, 2, 3, 4],
        "first_name": ["Thomas", "Anna", "Jörg", "Sabine"],
        "last_name": ["Müller", "Schmidt", "Weiß", "Becker"],
        "email": ["t.mueller@web.de", "anna.s@gmx.de", "joerg.weiss@web.de", "sabine@posteo.de"],
        "postcode": ["10115", "80331", "50667", "20095"],
        "town": ["Berlin", "München", "Köln", "Hamburg"],
        "birth_year": [1970, 1985, 1990, 1962],
    })
    records = pd.DataFrame({
        "record_id": [11, 12, 13, 14, 15],
        "source": ["webshop", "call_centre", "webshop", "loyalty_card", "call_centre"],
        "first_name": ["Tom", "Anna", "Petra", "Sabine", "Joerg"],
        "last_name": ["Mueller", "Schmitt", "Weiss", "Bekcer", "Weis"],
        "email": ["t.mueller@gmx.de", None, "petra@web.de", "sabine@posteo.de", None],
        "phone": [None, "0171 2222222", None, None, "0160 1111111"],
        "postcode": ["10115", "80331", "50667", "20059", "50667"],
        "town": ["Berlin", "Muenchen", "Köln", "Hamburg", None],
        "birth_year": pd.array([1970, 1985, None, 1962, None], dtype="Int64"),
    })
    truth = pd.DataFrame({"record_id": [11, 12, 13, 14, 15], "customer_id": [1, 2, 99, 4, 3]})
    return records, customers, truth


def test_candidate_pairs_union_of_blocks_and_reduction_ratio():
    records, customers, _ = _toy()
    left, right = normalize(records), normalize(customers)
    by_postcode = candidate_pairs(left, right, blocks=("postcode",))
    both = candidate_pairs(left, right)
    assert set(map(tuple, by_postcode.to_numpy())) <= set(map(tuple, both.to_numpy()))
    # record 14 has a postcode typo but the same e-mail: found by the e-mail block
    assert (3, 3) in set(map(tuple, both.to_numpy()))
    assert (3, 3) not in set(map(tuple, by_postcode.to_numpy()))
    assert both.attrs["reduction_ratio"] == pytest.approx(1 - len(both) / 20)
    assert not both.duplicated().any()


def test_candidate_pairs_compound_key():
    records, customers, _ = _toy()
    pairs = candidate_pairs(normalize(records), normalize(customers),
                            blocks=[("postcode", "phonetic_last_name")])
    assert sorted(map(tuple, pairs.to_numpy())) == [(0, 0), (1, 1), (2, 2), (4, 2)]


def test_candidate_pairs_errors():
    records, customers, _ = _toy()
    with pytest.raises(CRMDataError, match=r"left has no column 'phonetic_last_name'; pass normalize\(left\)"):
        candidate_pairs(records, normalize(customers))
    with pytest.raises(CRMDataError, match="blocks is empty"):
        candidate_pairs(normalize(records), normalize(customers), blocks=())
    dup = normalize(records).set_axis([1, 1, 2, 3, 4])
    with pytest.raises(CRMDataError, match="index of left has duplicate labels"):
        candidate_pairs(dup, normalize(customers))


def test_reduction_ratio():
    assert reduction_ratio(5, 10, 10) == 0.95
    with pytest.raises(CRMDataError, match="n_left and n_right must be positive"):
        reduction_ratio(1, 0, 10)


def test_compare_hand_checked_values():
    records, customers, _ = _toy()
    left, right = normalize(records), normalize(customers)
    pairs = pd.DataFrame({"left": [0, 1, 4], "right": [0, 1, 2]})
    f = compare(left, right, pairs)
    assert list(f.index.names) == ["left", "right"]
    tom = f.loc[(0, 0)]
    assert tom["first_name"] == 1.0  # Tom = Thomas by the nickname table
    assert tom["last_name"] == 1.0  # Mueller = Müller
    assert tom["email"] == 0.0 and tom["email_local"] == 1.0  # changed provider
    assert np.isnan(tom["phone"])  # master records have no phone
    assert tom["postcode"] == 1.0 and tom["town"] == 1.0 and tom["birth_year"] == 1.0
    anna = f.loc[(1, 1)]
    assert 0.85 < anna["last_name"] < 1.0  # Schmitt vs Schmidt
    assert anna["town"] == 1.0  # Muenchen = München
    assert np.isnan(anna["email"]) and anna["birth_year"] == 1.0
    assert np.isnan(f.loc[(4, 2)]["birth_year"])
    assert np.isnan(f.loc[(4, 2)]["town"])


@settings(max_examples=20, deadline=None)
@given(st.lists(st.tuples(names, names), min_size=1, max_size=4),
       st.lists(st.tuples(names, names), min_size=1, max_size=4))
def test_compare_values_lie_in_unit_interval(a, b):
    left = normalize(pd.DataFrame(a, columns=["first_name", "last_name"]))
    right = normalize(pd.DataFrame(b, columns=["first_name", "last_name"]))
    pairs = pd.DataFrame([(i, j) for i in left.index for j in right.index], columns=["left", "right"])
    values = compare(left, right, pairs).to_numpy(float)
    ok = values[~np.isnan(values)]
    assert ((ok >= 0) & (ok <= 1)).all()


def test_compare_errors():
    records, customers, _ = _toy()
    left, right = normalize(records), normalize(customers)
    with pytest.raises(CRMDataError, match="pairs must be a DataFrame with columns 'left' and 'right'"):
        compare(left, right, [(0, 0)])
    with pytest.raises(CRMDataError, match=r"pairs\['right'\] has labels that are not in the index of right"):
        compare(left, right, pd.DataFrame({"left": [0], "right": [77]}))


# --------------------------------------------------------------------------------------
# decisions
# --------------------------------------------------------------------------------------


def test_rule_score_weighted_mean_of_present_fields():
    f = pd.DataFrame({"last_name": [1.0, 0.5, np.nan], "email": [np.nan, 0.0, np.nan]})
    s = rule_score(f, weights={"last_name": 2.0, "email": 3.0})
    assert s.iloc[0] == 1.0
    assert s.iloc[1] == pytest.approx(1.0 / 5.0)
    assert np.isnan(s.iloc[2])


def test_rule_score_errors():
    f = pd.DataFrame({"last_name": [1.0]})
    with pytest.raises(CRMDataError, match="weights must be numbers >= 0"):
        rule_score(f, weights={"last_name": -1.0})
    with pytest.raises(CRMDataError, match="features has no column 'email'"):
        rule_score(f, weights={"email": 1.0})
    with pytest.raises(CRMDataError, match=r"features must lie in \[0, 1\]"):
        rule_score(pd.DataFrame({"last_name": [1.5]}), weights={"last_name": 1.0})


def _simulated_features(n=20_000, seed=1):
    rng = np.random.default_rng(seed)
    match = rng.random(n) < 0.05

    def agree(p_m, p_u):
        return np.where(match, rng.random(n) < p_m, rng.random(n) < p_u).astype(float)

    f = pd.DataFrame({"postcode": agree(0.95, 0.2), "birth_year": agree(0.9, 0.05),
                      "phone": agree(0.8, 0.01), "town": agree(0.97, 0.3)})
    f.loc[rng.random(n) < 0.2, "birth_year"] = np.nan
    return f, match


def test_fellegi_sunter_recovers_m_and_u_by_em():
    f, match = _simulated_features()
    fs = FellegiSunter(levels={c: (0.5,) for c in f.columns}).fit(f)
    assert fs is not None and fs.converged_
    assert fs.prior_ == pytest.approx(0.05, abs=0.01)
    p = fs.params_.set_index(["field", "level"])
    assert p.loc[("postcode", 1), "m"] == pytest.approx(0.95, abs=0.03)
    assert p.loc[("postcode", 1), "u"] == pytest.approx(0.2, abs=0.02)
    assert p.loc[("phone", 1), "u"] == pytest.approx(0.01, abs=0.01)
    assert np.allclose(p.groupby("field")[["m", "u"]].sum(), 1.0)
    w = fs.match_weight(f)
    prob = fs.match_probability(f)
    assert prob.between(0, 1).all()
    # probability increases with the weight
    order = np.argsort(w.to_numpy())
    assert np.all(np.diff(prob.to_numpy()[order]) >= -1e-12)
    # a pair agreeing on everything is a match, one agreeing on nothing is not
    assert (prob[match] > 0.5).mean() > 0.8 and (prob[~match] < 0.5).mean() > 0.99
    assert "prior_=" in repr(fs)


def test_fellegi_sunter_missing_field_adds_zero_weight():
    f, _ = _simulated_features()
    fs = FellegiSunter(levels={c: (0.5,) for c in f.columns}).fit(f)
    one = pd.DataFrame({"postcode": [1.0], "birth_year": [np.nan], "phone": [np.nan],
                        "town": [np.nan]})
    p = fs.params_.set_index(["field", "level"])
    assert fs.match_weight(one).iloc[0] == pytest.approx(np.log2(p.loc[("postcode", 1), "m"]
                                                                 / p.loc[("postcode", 1), "u"]))


def test_fellegi_sunter_errors():
    fs = FellegiSunter()
    assert repr(fs) == "FellegiSunter(not fitted)"
    with pytest.raises(CRMDataError, match=r"not fitted yet; call \.fit\(features\) first"):
        fs.match_probability(pd.DataFrame({"postcode": [1.0]}))
    with pytest.raises(CRMDataError, match="prior must lie strictly between 0 and 1"):
        FellegiSunter(prior=1.5).fit(pd.DataFrame({"postcode": [1.0, 0.0]}))
    with pytest.raises(CRMDataError, match=r"floor must lie in \[0, 0.5\), got 0.7"):
        FellegiSunter(floor=0.7).fit(pd.DataFrame({"postcode": [1.0, 0.0]}))
    with pytest.raises(CRMDataError, match="features has no column 'first_name'"):
        FellegiSunter().fit(pd.DataFrame({"postcode": [1.0, 0.0]}))
    with pytest.raises(CRMDataError, match="EM needs many candidate pairs"):
        FellegiSunter(levels={"postcode": (0.5,)}).fit(pd.DataFrame({"postcode": [1.0]}))


# --------------------------------------------------------------------------------------
# link, evaluate, trade-off on a toy with a known answer
# --------------------------------------------------------------------------------------


def test_link_toy_rule_known_answer():
    records, customers, truth = _toy()
    before = records.copy()
    links = link(records, customers, method="rule")
    pd.testing.assert_frame_equal(records, before)
    assert links.columns.tolist() == ["record_id", "source", "customer_id", "score", "candidate_id", "ties"]
    assert links["ties"].tolist() == [0, 0, 0, 0, 0]
    assert links["record_id"].tolist() == [11, 12, 13, 14, 15]
    assert links["customer_id"].tolist()[:2] == [1, 2]
    assert pd.isna(links["customer_id"].iloc[2])  # Petra Weiss is not Jörg Weiß
    assert links["customer_id"].iloc[3] == 4 and links["customer_id"].iloc[4] == 3
    ev = evaluate(links, truth).set_index("source")
    assert ev.loc["all", "n_records"] == 5
    assert ev.loc["all", "n_assigned"] == 4 and ev.loc["all", "n_correct"] == 4
    assert ev.loc["all", "precision"] == 1.0 and ev.loc["all", "recall"] == pytest.approx(0.8)


def test_link_reports_ties_and_takes_the_lower_id():
    """Two identical master records: the record ties, the lower id wins, nothing is hidden."""
    customers = pd.DataFrame({"customer_id": [7, 3], "first_name": ["Anna", "Anna"],
                              "last_name": ["Schmidt", "Schmidt"], "email": [None, None],
                              "postcode": ["80331", "80331"], "birth_year": [1985, 1985]})
    records = pd.DataFrame({"record_id": [1, 2], "source": ["store", "store"],
                            "first_name": ["Anna", "Jörg"], "last_name": ["Schmidt", "Weiß"],
                            "email": [None, None], "postcode": ["80331", "50667"],
                            "birth_year": [1985, 1990]})
    links = link(records, customers, method="rule")
    assert links["ties"].iloc[0] == 1 and links["customer_id"].iloc[0] == 3
    assert pd.isna(links["ties"].iloc[1])  # no candidate in its block


def test_link_fellegi_sunter_runs_and_keeps_model():
    records, customers, _ = _toy()
    links = link(records, customers)
    assert isinstance(links.attrs["model"], FellegiSunter)
    assert links["score"].between(0, 1).all()
    assert links.attrs["method"] == "fellegi_sunter" and links.attrs["threshold"] == 0.5


def test_link_errors():
    records, customers, _ = _toy()
    with pytest.raises(CRMDataError, match="method must be 'fellegi_sunter' or 'rule', got 'magic'"):
        link(records, customers, method="magic")
    dup = records.assign(record_id=[11, 11, 13, 14, 15])
    with pytest.raises(CRMDataError, match="column 'record_id' of records must be unique but has duplicates"):
        link(dup, customers)
    with pytest.raises(CRMDataError, match="customers has no column 'customer_id'"):
        link(records, customers.drop(columns="customer_id"))


def test_evaluate_hand_computed():
    links = pd.DataFrame({"record_id": [1, 2, 3, 4, 5], "source": ["a", "a", "b", "b", "b"],
                          "customer_id": pd.array([10, 20, 30, None, 55], dtype="Int64")})
    truth = pd.DataFrame({"record_id": [1, 2, 3, 4, 5], "customer_id": [10, 21, 30, 40, 50]})
    ev = evaluate(links, truth).set_index("source")
    assert ev.loc["a", "precision"] == 0.5 and ev.loc["a", "recall"] == 0.5
    assert ev.loc["b", "precision"] == 0.5 and ev.loc["b", "recall"] == pytest.approx(1 / 3)
    assert ev.loc["all", "precision"] == pytest.approx(2 / 4)
    assert ev.loc["all", "recall"] == pytest.approx(2 / 5)
    assert ev.loc["all", "f1"] == pytest.approx(2 * 0.5 * 0.4 / 0.9)
    with pytest.raises(CRMDataError, match="1 records of links have no entry in truth_links"):
        evaluate(links, truth.iloc[:4])
    with pytest.raises(CRMDataError, match="links has no column 'customer_id'"):
        evaluate(links.drop(columns="customer_id"), truth)


def test_threshold_tradeoff_is_monotone():
    rng = np.random.default_rng(3)
    n = 200
    links = pd.DataFrame({"record_id": np.arange(n), "score": rng.random(n),
                          "candidate_id": np.arange(n) + (rng.random(n) < 0.2)})
    truth = pd.DataFrame({"record_id": np.arange(n), "customer_id": np.arange(n)})
    t = threshold_tradeoff(links, truth)
    assert len(t) == 51 and t["threshold"].iloc[0] == 0.0
    assert (np.diff(t["n_assigned"]) <= 0).all()
    assert (np.diff(t["recall"]) <= 1e-12).all()
    with pytest.raises(CRMDataError, match="thresholds must be finite numbers"):
        threshold_tradeoff(links, truth, thresholds=[np.nan])


# --------------------------------------------------------------------------------------
# integration: the retail classroom world
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def retail():
    from crmlearn.datasets import generate

    return generate("retail", n_customers=3000, seed=2024)


@pytest.fixture(scope="module")
def retail_links(retail):
    start = time.perf_counter()
    links = link(retail.touchpoint_records, retail.customers)
    return links, time.perf_counter() - start


def test_retail_fellegi_sunter_precision_recall(retail, retail_links):
    # measured (seed 2024, 3000 customers): precision 0.999, recall 0.990, call centre 0.977
    links, seconds = retail_links
    ev = evaluate(links, retail.truth.record_links).set_index("source")
    assert ev.loc["all", "precision"] >= 0.99
    assert ev.loc["all", "recall"] >= 0.97
    assert (ev["recall"] >= 0.95).all()
    assert links.attrs["reduction_ratio"] > 0.95
    assert seconds < 30
    params = links.attrs["model"].params_
    top = params[params["n_pairs"] > 0].groupby("field").tail(1)
    assert (top["m"] > top["u"]).all()  # agreement is more likely among matches


def test_retail_rule_precision_recall(retail):
    # measured: precision 0.999, recall 0.998
    links = link(retail.touchpoint_records, retail.customers, method="rule")
    ev = evaluate(links, retail.truth.record_links).set_index("source")
    assert ev.loc["all", "precision"] >= 0.99
    assert ev.loc["all", "recall"] >= 0.98


def test_retail_tradeoff_and_plots(retail, retail_links):
    links, _ = retail_links
    t = threshold_tradeoff(links, retail.truth.record_links)
    assert t["precision"].dropna().between(0, 1).all()
    ax = plot_tradeoff(t, threshold=0.5)
    assert len(ax.get_lines()) == 4
    ax2 = plot_recognition(evaluate(links, retail.truth.record_links))
    assert len(ax2.patches) == 3
    plt.close("all")


def test_plots_take_an_axes_and_reject_wrong_input():
    _, ax = plt.subplots()
    t = pd.DataFrame({"threshold": [0.1, 0.9], "precision": [0.8, 1.0], "recall": [0.9, 0.4],
                      "f1": [0.85, 0.57]})
    assert plot_tradeoff(t, ax=ax, linewidth=3) is ax
    assert ax.get_lines()[0].get_linewidth() == 3
    with pytest.raises(CRMDataError, match=r"tradeoff must be the DataFrame from threshold_tradeoff"):
        plot_tradeoff(pd.DataFrame({"x": [1]}))
    with pytest.raises(CRMDataError, match=r"evaluation must be the DataFrame from evaluate"):
        plot_recognition(pd.DataFrame({"x": [1]}))
    plt.close("all")
