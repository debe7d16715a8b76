"""Checks for exercise 09: interact (contact history, response, uplift, whom to contact).

The tasks follow lesson 09 (``notebooks/09_interact.ipynb``). Every answer is
recomputed with :mod:`crmlearn.interact` from the shipped retail classroom data
(campaigns, campaign members, contacts) or from the numbers given in the task
text; the typical mistakes are computed the same way, each with its own hint.
The multiple-choice letter of q5 is derived from the uplift table, so nothing is
stored as a plain answer.
"""

from __future__ import annotations

import math

from ._registry import Expected, retail, task

#: task q1: the customer whose contact history is read
HISTORY_CUSTOMER = 1421

#: task q2: the campaign whose treatment response rate is asked for
RATE_CAMPAIGN = 3

#: tasks q3, q4 and q6: the campaign whose uplift, interval and decision are asked for
UPLIFT_CAMPAIGN = 4

#: task q6: contribution margin (EUR) of one extra response (given in the task text)
MARGIN = 30.0

#: task q7: prior Beta(alpha, beta) and one batch of contacts (given in the task text)
PRIOR = (2, 8)
BATCH = {"responses": 9, "contacts": 60}


def _distinct(right: float, mistakes, rtol: float, atol: float):
    """Keep the numeric mistakes that the checker can tell apart from the right answer."""
    return [(float(w), h) for w, h in mistakes
            if math.isfinite(float(w))
            and not math.isclose(float(w), float(right), rel_tol=rtol, abs_tol=atol)]


def _members(campaign_id: int):
    m = retail().campaign_members
    return m[m.campaign_id == campaign_id]


def _uplift_table(confidence: float = 0.95):
    from crmlearn import interact

    return interact.uplift(retail().campaign_members, confidence=confidence).set_index("campaign_id")


@task("ex09.q1", "number", points=1,
      hint="look at the 'campaign' rows of interact.contact_history(world, customer): the group "
           "is in square brackets and the end says whether the customer responded")
def q1() -> Expected:
    """Campaigns in which HISTORY_CUSTOMER was contacted (treatment) and responded."""
    from crmlearn import interact

    h = interact.contact_history(retail(), HISTORY_CUSTOMER)
    camp = h[h.kind == "campaign"]
    treated = camp.detail.str.contains("[treatment]", regex=False)
    responded = camp.detail.str.endswith(" responded")
    right = int((treated & responded).sum())
    return Expected(right, _distinct(right, [
        (int(responded.sum()), "a response in the control group was not caused by a contact: "
                               "count only campaigns where the customer was in the treatment group"),
        (int(treated.sum()), "you counted every treatment membership; count only those with a "
                             "response"),
        (len(camp), "you counted every campaign membership; count the contacted ones with a "
                    "response"),
        (len(h), "you counted every event of the history; look only at the campaign rows"),
    ], 1e-9, 1e-9))


@task("ex09.q2", "number", points=1, atol=5e-4,
      hint="use interact.response_rates(world.campaign_members) and read the treatment row of "
           "the campaign: responders / members")
def q2() -> Expected:
    """Response rate of the treatment group of campaign RATE_CAMPAIGN."""
    from crmlearn import interact

    m = retail().campaign_members
    rates = interact.response_rates(m).set_index(["campaign_id", "group"]).response_rate
    mine = _members(RATE_CAMPAIGN)
    treated = mine[mine.group == "treatment"]
    right = float(rates.loc[(RATE_CAMPAIGN, "treatment")])
    return Expected(right, _distinct(right, [
        (rates.loc[(RATE_CAMPAIGN, "control")],
         "that is the control group (held out); the task asks for the contacted group"),
        (mine.responded.mean(),
         "you mixed treatment and control members; the task asks for the treatment group only"),
        (treated.responded.sum() / len(m),
         "you divided by the members of all campaigns; divide by this campaign's treatment group"),
        (treated.responded.sum() / len(mine),
         "you divided by all members of the campaign (control group included); divide by the "
         "treatment group's members"),
        (float(treated.responded.sum()), "that is the number of responders; the task asks for "
                                         "a rate"),
    ], 1e-6, 5e-4))


@task("ex09.q3", "number", points=2, atol=5e-4,
      hint="uplift = response rate of the treatment group - response rate of the control group "
           "(interact.uplift), as a share")
def q3() -> Expected:
    """Uplift (share) of campaign UPLIFT_CAMPAIGN."""
    r = _uplift_table().loc[UPLIFT_CAMPAIGN]
    t, c = r.rate_treatment, r.rate_control
    mine = _members(UPLIFT_CAMPAIGN)
    resp = mine.groupby("group").responded.sum()
    return Expected(float(r.uplift), _distinct(r.uplift, [
        (t, "that is the treatment group's response rate alone; the control group would "
            "partly have responded anyway, subtract its rate"),
        (t / c, "you divided the two rates; uplift is their difference"),
        ((t - c) / c, "that is the relative uplift (difference / control rate); the task asks "
                      "for the plain difference of the rates"),
        (c - t, "you subtracted the wrong way round: treatment minus control"),
        (float(resp["treatment"] - resp["control"]),
         "you subtracted responder counts; the groups have different sizes, compare rates"),
    ], 1e-6, 5e-4))


@task("ex09.q4", "number", points=1, atol=5e-4,
      hint="interact.uplift gives the 95 % interval in the columns ci_low and ci_high (as shares)")
def q4() -> Expected:
    """Lower end of the 95 % confidence interval of campaign UPLIFT_CAMPAIGN's uplift."""
    r = _uplift_table().loc[UPLIFT_CAMPAIGN]
    r90 = _uplift_table(0.90).loc[UPLIFT_CAMPAIGN]
    return Expected(float(r.ci_low), _distinct(r.ci_low, [
        (r.ci_high, "that is the upper end of the interval; the task asks for the lower end"),
        (r90.ci_low, "that is the 90 % interval; the task asks for 95 % (the default)"),
        (r.uplift - r.se, "one standard error is not enough for 95 %: the interval is "
                          "uplift - 1.96 standard errors"),
        (r.uplift, "that is the uplift itself, the middle of the interval"),
        (r.se, "that is the standard error; the interval's lower end is uplift - 1.96 of them"),
    ], 1e-6, 5e-4))


#: q5: what each letter claims about the set of campaigns whose 95 % interval lies above 0
_ABOVE_ZERO_CLAIMS = {
    "a": lambda above, ids: above == {UPLIFT_CAMPAIGN},
    "b": lambda above, ids: above == {2, UPLIFT_CAMPAIGN},
    "c": lambda above, ids: above == ids,
    "d": lambda above, ids: not above,
}

_ABOVE_ZERO_HINTS = {
    "a": "look at every row, not only the 2024 letter: is another interval entirely above 0?",
    "b": "check the column ci_low of the two winter letters again",
    "c": "a positive uplift is not enough: the whole interval (ci_low too) must lie above 0",
    "d": "an interval lies above 0 when even its lower end ci_low is positive; look again",
}


@task("ex09.q5", "choice", points=1, choices=("a", "b", "c", "d"),
      hint="a campaign's effect is clearly positive when even the lower end (ci_low) of its "
           "95 % interval is above 0")
def q5() -> Expected:
    """Which campaigns have a 95 % uplift interval entirely above 0 (derived from the data)."""
    up = _uplift_table()
    above = set(up.index[up.ci_low > 0].tolist())
    ids = set(up.index.tolist())
    true = [letter for letter, claim in _ABOVE_ZERO_CLAIMS.items() if claim(above, ids)]
    if len(true) != 1:
        raise RuntimeError(f"the statements of ex09.q5 no longer fit the data ({len(true)} true)")
    right = true[0]
    return Expected(right, [(k, h) for k, h in _ABOVE_ZERO_HINTS.items() if k != right])


@task("ex09.q6", "category", points=2, choices=("contact", "test further", "do not contact"),
      hint="use interact.targeting_value with the margin per response and the campaign's "
           "cost_per_contact from world.campaigns, and read its decision")
def q6() -> Expected:
    """Targeting decision for campaign UPLIFT_CAMPAIGN at MARGIN EUR per response."""
    from crmlearn import interact

    w = retail()
    cost = w.campaigns.set_index("campaign_id").cost_per_contact.loc[UPLIFT_CAMPAIGN]
    up = interact.uplift(_members(UPLIFT_CAMPAIGN))
    row = interact.targeting_value(up, MARGIN, cost).iloc[0]
    point = "contact" if row.incremental_profit > 0 else "do not contact"
    mistakes = [
        (point, "you looked only at the expected profit per contact; the decision also asks "
                "whether the whole interval of the profit lies on one side of 0"),
        ("contact", "'contact' needs even the lower end of the profit interval to be above 0"),
        ("do not contact", "'do not contact' needs even the upper end of the profit interval "
                           "to be below 0"),
        ("test further", "'test further' is for a profit interval that spans 0"),
    ]
    first: dict[str, str] = {}
    for wrong, hint in mistakes:
        if wrong != row.decision:
            first.setdefault(wrong, hint)
    return Expected(str(row.decision), list(first.items()))


@task("ex09.q7", "number", points=2, atol=5e-4,
      hint="after k responses in n contacts the Beta(alpha, beta) prior becomes "
           "Beta(alpha + k, beta + n - k); its mean is alpha / (alpha + beta) "
           "(interact.update_response_estimate does it)")
def q7() -> Expected:
    """Posterior mean response rate after one batch (Beta-Binomial update)."""
    from crmlearn import interact

    a, b = PRIOR
    k, n = BATCH["responses"], BATCH["contacts"]
    right = float(interact.update_response_estimate(a, b, k, n).iloc[-1]["mean"])
    return Expected(right, _distinct(right, [
        (k / n, "that is the batch's raw response rate; the update combines it with the prior"),
        (a / (a + b), "that is the prior mean, before the batch; update it with the batch"),
        ((a + k) / (a + b + n + k), "beta grows by the non-responses n - k, not by all n contacts"),
        ((a + k) / (b + n - k), "the mean is alpha / (alpha + beta), not alpha / beta"),
        ((a + n - k) / (a + b + n), "you added the non-responses to alpha; responses go to "
                                    "alpha, non-responses to beta"),
    ], 1e-6, 5e-4))


@task("ex09.q8", "text", points=1, min_words=5)
def q8() -> Expected:
    """Decide and justify: repeat the reactivation letter next winter, and for whom (recorded)."""
    return Expected(None)
