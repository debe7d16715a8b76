"""Checks for exercise 04: identify, linking touchpoint records to customers.

The tasks follow lesson 04 (``notebooks/04_identify.ipynb``) on the retail
classroom data: the Kölner Phonetik as a search key, blocking with other block
keys (reduction ratio, records lost), the match weight of the Fellegi-Sunter
model, the recognition rate of one touchpoint at a stricter threshold and the
rule against the model. Every number is recomputed with
:mod:`crmlearn.identify` and the world's truth; the normalised tables, the
candidate pairs, the fitted model and the links are computed once per process.
What to do with a tie cannot be computed, so only salted hashes of its letters
are stored (see :func:`crmlearn.checks._registry.choice_hash`).
"""

from __future__ import annotations

import functools
import math

from ._registry import Expected, retail, task

#: task q1: the name whose Kölner Phonetik code is searched for
SOUNDS_LIKE = "Meier"

#: tasks q2 and q3: the block keys of the task (the phonetic key is dropped)
BLOCKS = ("postcode", "email")

#: task q4: the pair to score; present fields and their agreement (e-mail, phone, town missing)
PAIR = {"first_name": 0.5, "last_name": 1.0, "email_local": math.nan, "phone": math.nan,
        "postcode": 1.0, "town": math.nan, "birth_year": 1.0}

#: task q5: the touchpoint and the stricter threshold
SOURCE = "call_centre"
THRESHOLD = 0.9


def _distinct(right: float, mistakes, rtol: float, atol: float):
    """Keep the numeric mistakes that the checker can tell apart from the right answer."""
    return [(float(w), h) for w, h in mistakes
            if math.isfinite(float(w))
            and not math.isclose(float(w), float(right), rel_tol=rtol, abs_tol=atol)]


# --------------------------------------------------------------------------------------
# the lesson's chain, computed once per process
# --------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _normalized():
    """Normalised records (indexed by record id) and customers (by customer id)."""
    from crmlearn import identify

    world = retail()
    left = identify.normalize(world.touchpoint_records.set_index("record_id"))
    right = identify.normalize(world.customers.set_index("customer_id"))
    return left, right


@functools.cache
def _pairs(blocks: tuple[str, ...]):
    from crmlearn import identify

    left, right = _normalized()
    return identify.candidate_pairs(left, right, blocks=blocks)


@functools.lru_cache(maxsize=1)
def _model():
    """Return the Fellegi-Sunter model fitted on the lesson's candidate pairs (default blocks)."""
    from crmlearn import identify

    left, right = _normalized()
    features = identify.compare(left, right, _pairs(identify.DEFAULT_BLOCKS))
    return identify.FellegiSunter().fit(features)


@functools.cache
def _links(method: str):
    from crmlearn import identify

    world = retail()
    if method == "rule":
        return identify.link(world.touchpoint_records, world.customers, method="rule")
    return identify.link(world.touchpoint_records, world.customers, model=_model())


def _truth():
    return retail().truth.record_links.set_index("record_id").customer_id


def _lost(blocks: tuple[str, ...]) -> int:
    """Count the records whose true customer is not among their candidates."""
    pairs = _pairs(blocks)
    found = pairs.right.eq(pairs.left.map(_truth()))
    return int(len(_normalized()[0]) - found.sum())


# --------------------------------------------------------------------------------------
# tasks
# --------------------------------------------------------------------------------------


@task("ex04.q1", "number", points=2,
      hint="normalise the records with identify.normalize and count the rows whose "
           "phonetic_last_name equals identify.koelner_phonetik('Meier')")
def q1() -> Expected:
    """Task: the records whose last name has the Kölner Phonetik code of SOUNDS_LIKE."""
    from crmlearn import identify

    world = retail()
    records = world.touchpoint_records
    code = identify.koelner_phonetik(SOUNDS_LIKE)
    same = _normalized()[0].phonetic_last_name.eq(code)
    right = int(same.sum())
    masters = identify.normalize(world.customers).phonetic_last_name.eq(code)
    return Expected(right, _distinct(right, [
        (int((records.last_name == SOUNDS_LIKE).sum()),
         "you counted the exact spelling only; the phonetic code also finds Meyer, Maier, "
         "Mayer and typos"),
        (int(records.last_name[same.to_numpy()].nunique()),
         "that is the number of different spellings; the task asks for the records"),
        (int(masters.sum()), "you searched the master table; the task asks for the touchpoint "
                             "records"),
        (float(code), "that is the code itself; count the records that share it"),
        (float(same.mean()), "that is a share; the task asks for the number of records"),
    ], 1e-6, 1e-9))


@task("ex04.q2", "number", points=2, rtol=1e-4, atol=5e-4,
      hint="run identify.candidate_pairs(left, right, blocks=('postcode', 'email')) and read "
           "pairs.attrs['reduction_ratio'], or compute 1 - pairs / (records x customers)")
def q2() -> Expected:
    """Reduction ratio of blocking on BLOCKS."""
    from crmlearn import identify

    left, right_ = _normalized()
    pairs = _pairs(BLOCKS)
    right = float(pairs.attrs["reduction_ratio"])
    return Expected(right, _distinct(right, [
        (_pairs(identify.DEFAULT_BLOCKS).attrs["reduction_ratio"],
         "that is the lesson's blocking with three keys; drop the phonetic last name"),
        (1 - right, "that is the share of pairs that are still compared; the reduction ratio "
                    "is the share saved"),
        (float(len(pairs)), "that is the number of candidate pairs; the task asks for the "
                            "reduction ratio"),
        (float(len(left) * len(right_) - len(pairs)),
         "that is the number of pairs saved; divide by all pairs (records x customers)"),
    ], 1e-4, 5e-4))


@task("ex04.q3", "number", points=2,
      hint="a record is lost if no candidate pair of it holds its true customer: map "
           "pairs.left to the truth, compare with pairs.right and count the records never found")
def q3() -> Expected:
    """Task: the records that lose their true customer when blocking on BLOCKS."""
    from crmlearn import identify

    right = _lost(BLOCKS)
    pairs = _pairs(BLOCKS)
    found = pairs.right.eq(pairs.left.map(_truth()))
    n = len(_normalized()[0])
    return Expected(right, _distinct(right, [
        (_lost(identify.DEFAULT_BLOCKS), "that is the lesson's blocking with three keys; drop "
                                         "the phonetic last name"),
        (float(found.sum()), "that is the number of records that keep their true customer; the "
                             "task asks for the ones lost"),
        (right / n, "that is a share; the task asks for the number of records"),
        (float(len(pairs) - found.sum()), "that is the number of false candidate pairs; the task "
                                          "asks for records without their true customer"),
    ], 1e-6, 1e-9))


def _pair_frame(values: dict):
    import pandas as pd

    return pd.DataFrame({k: [v] for k, v in values.items()})


@task("ex04.q4", "number", points=2, rtol=1e-4, atol=0.006,
      hint="look up the weight of each present field at its level in model.params_ and add "
           "them (a missing field adds 0), or use model.match_weight on a one-row table")
def q4() -> Expected:
    """Match weight (bits) of the pair PAIR under the lesson's fitted model."""
    model = _model()
    right = float(model.match_weight(_pair_frame(PAIR)).iloc[0])
    params = model.params_
    top = params.groupby("field").weight.last()      # weight of the highest level
    bottom = params.groupby("field").weight.first()  # weight of the lowest level
    present = [f for f, v in PAIR.items() if not math.isnan(v)]
    missing = [f for f, v in PAIR.items() if math.isnan(v)]
    as_disagree = right + sum(float(bottom[f]) for f in missing)
    mistakes = [
        (float(model.match_weight(_pair_frame({**PAIR, "first_name": math.nan})).iloc[0]),
         "you left out the first name; a first name that differs is strong evidence against "
         "a match"),
        (as_disagree, "a missing field is no evidence either way: it adds 0 bits, it does not "
                      "count as a disagreement"),
        (float(model.match_probability(_pair_frame(PAIR)).iloc[0]),
         "that is the match probability; the task asks for the match weight in bits"),
        (right * math.log(2), "you used the natural logarithm; match weights are log2(m/u), in "
                              "bits"),
        (right * math.log10(2), "you used log10; match weights are log2(m/u), in bits"),
        (sum(float(top[f]) for f in present),
         "the first names differ (similarity 0.5): use the weight of the lowest level, not of "
         "the highest"),
    ]
    return Expected(right, _distinct(right, mistakes, 1e-4, 0.006))


def _recall(links, source: str, threshold: float) -> float:
    truth = _truth()
    mine = links[links.source == source]
    linked = mine.candidate_id.where(mine.score >= threshold)
    return float((linked == mine.record_id.map(truth)).fillna(False).mean())


@task("ex04.q5", "number", points=2, rtol=1e-4, atol=5e-4,
      hint="link again with threshold=0.9 (identify.link(..., model=model, threshold=0.9)), "
           "evaluate against the truth and read the recall of the call centre")
def q5() -> Expected:
    """Recognition rate (recall) of SOURCE at THRESHOLD."""
    from crmlearn import identify

    links = _links("fellegi_sunter")
    truth = retail().truth.record_links
    right = _recall(links, SOURCE, THRESHOLD)
    strict = links.assign(customer_id=links.candidate_id.where(links.score >= THRESHOLD))
    table = identify.evaluate(strict, truth).set_index("source")
    usual = identify.evaluate(links, truth).set_index("source")
    others = [(float(table.loc[s, "recall"]),
               f"that is the recognition rate of the {s.replace('_', ' ')}; the task asks for "
               f"the call centre") for s in table.index if s not in (SOURCE, "all")]
    return Expected(right, _distinct(right, [
        (float(usual.loc[SOURCE, "recall"]), "that is the recall at the default threshold 0.5; "
                                             "link again with threshold=0.9"),
        (float(table.loc[SOURCE, "precision"]), "that is the precision; the recognition rate is "
                                                "the recall of the touchpoint"),
        (float(table.loc["all", "recall"]), "that is the recall of all touchpoints together; "
                                            "read the call centre's row"),
        (float(table.loc[SOURCE, "f1"]), "that is F1; the recognition rate is the recall"),
        (1 - right, "that is the share of call-centre records not recognised"),
    ] + others, 1e-4, 5e-4))


@task("ex04.q6", "choice", points=1, choices=("a", "b", "c"),
      hint="link with method='rule', evaluate both results against the truth and compare the "
           "F1 of the row 'all' to three decimals")
def q6() -> Expected:
    """Which decision rule has the higher overall F1 (letter derived from the data)."""
    from crmlearn import identify

    truth = retail().truth.record_links
    rule = identify.evaluate(_links("rule"), truth).set_index("source").loc["all", "f1"]
    model = identify.evaluate(_links("fellegi_sunter"), truth).set_index("source").loc["all", "f1"]
    if round(float(rule), 3) == round(float(model), 3):
        right = "c"
    else:
        right = "a" if rule > model else "b"
    hints = {
        "a": "compare the F1 of the row 'all' of both evaluations again",
        "b": "learning the weights without labels is not automatically better: compare the F1 "
             "of the row 'all'",
        "c": "look at the third decimal of the two F1 values",
    }
    return Expected(right, [(letter, hint) for letter, hint in hints.items() if letter != right])


_TIE_RIGHT = "179f65bfe8df7ce5af32fa8fcecb1a74ea8710bac98cde6961129375fa385c89"
_TIE_WRONG = {
    "9041f522adf1ac20c0e12a2dd052088ad10aa9575f23c45227d1c135fed30b01":
        "with two equally likely customers that is a coin toss: half the time one person's "
        "record lands in another person's profile (a false merge)",
    "1d8213c48e19132cf915cf2bc2cc9f99ec2166b2fd61125194719b6a4d7e603c":
        "linking one record to two customers mixes two profiles: each would see the other's "
        "data",
    "f2c2939537b468186a135ade85a72b8c0d2ca75a5f2c5ac1c906f2522b4916e6":
        "the record is a real contact of a real customer; deleting it throws that away",
}


@task("ex04.q7", "hashed_choice", points=1, choices=("a", "b", "c", "d"),
      hint="think of what each kind of error costs: a false merge against a missed link")
def q7() -> Expected:
    """Task: what to do with a record that has two equally likely customers (hashed)."""
    return Expected(_TIE_RIGHT, list(_TIE_WRONG.items()))


@task("ex04.q8", "text", points=1, min_words=5)
def q8() -> Expected:
    """Decide and justify: the threshold for a purpose where a false merge is costly (recorded)."""
    return Expected(None)
