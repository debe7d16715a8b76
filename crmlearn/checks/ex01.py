"""Checks for exercise 01: what CRM is and why it pays.

The tasks follow lesson 01 (``notebooks/01_what_crm_is.ipynb``): the
360-degree profile card, the 20/80 claim measured (top-20 % share, Gini
coefficient), two of the four benefits in numbers (cheaper integrated channels,
automation) and the watering can against targeted marketing. Every expected
answer is recomputed from the shipped retail classroom data (or from the
assumptions given in the task text) with :mod:`crmlearn.crm` and
:mod:`crmlearn.value`; the typical mistakes are computed the same way, each
with its own hint.
"""

from __future__ import annotations

import math

from ._registry import Expected, retail, retail_summary, task

#: task q1: a customer with two survey answers whose NPS changed (first, mean and latest differ)
CARD_CUSTOMER = 193

#: task q5: share of the phone contacts moved to chat (given in the task text)
SHIFT_SHARE = 0.5

#: task q6: the automation assumptions (given in the task text); items = customers x 12
AUTOMATION = {"minutes_manual": 3.0, "review_share": 0.2, "hourly_cost": 40.0,
              "setup_hours": 80.0}

#: task q7: maximum response per value segment (given in the task text, as in the lesson's "Try it")
RESPONSE_BY_SEGMENT = {"V1": 0.3, "V2": 0.3, "V3": 0.3, "V4": 0.2, "V5": 0.05}

#: task q7: the lesson's campaign settings: 2 EUR per customer, scale 5 EUR, seed 1
CAMPAIGN = {"budget_per_customer": 2.0, "scale": 5.0, "seed": 1}


def _net_revenue():
    """Net revenue per customer, negative values clipped to 0 (as in the lesson)."""
    return retail_summary().net_revenue.clip(lower=0)


def _distinct(right: float, mistakes, rtol: float, atol: float):
    """Keep the numeric mistakes that the checker can tell apart from the right answer."""
    return [(float(w), h) for w, h in mistakes
            if math.isfinite(float(w))
            and not math.isclose(float(w), float(right), rel_tol=rtol, abs_tol=atol)]


@task("ex01.q1", "number", points=1,
      hint="build the profile card with crm.profile_card(world, customer) and read the "
           "latest NPS in its surveys section")
def q1() -> Expected:
    """Latest NPS (0-10) of customer CARD_CUSTOMER, from the profile card."""
    from crmlearn import crm

    card = crm.profile_card(retail(), CARD_CUSTOMER)
    right = card.sections["surveys"]["latest NPS (0-10)"]
    answers = card.surveys.sort_values("date")
    return Expected(float(right), _distinct(right, [
        (answers.nps.iloc[0], "that is the customer's first NPS answer; the task asks for the "
                              "latest one"),
        (answers.nps.mean(), "you averaged the answers; the card shows the latest one"),
        (answers.csat.iloc[-1], "that is the CSAT score (1-5); the task asks for the NPS (0-10)"),
        (len(answers), "that is the number of survey answers, not a score"),
    ], 1e-6, 1e-9))


@task("ex01.q2", "number", points=2, rtol=1e-4, atol=5e-4,
      hint="use value.top_share on the customers' net revenue (clipped at 0) with share=0.2")
def q2() -> Expected:
    """Share of net revenue brought by the best 20 % of customers."""
    from crmlearn import value

    s = retail_summary()
    right = value.top_share(_net_revenue(), 0.2)
    return Expected(right, _distinct(right, [
        (value.top_share(s.revenue, 0.2),
         "you used gross revenue (returns included); the task asks for net revenue"),
        (1 - right, "that is the share of the other 80 % of customers"),
        (value.top_share(s.n_purchases, 0.2),
         "you measured purchases, not revenue; the task asks for net revenue"),
        (0.8, "80 % is the rule of thumb, not what these data show: compute it"),
        (0.2, "0.2 is the share of customers; the task asks for their share of revenue"),
        (value.gini(_net_revenue()), "that is the Gini coefficient; the task asks for the "
                                     "top-20 % share"),
    ], 1e-4, 5e-4))


@task("ex01.q3", "number", points=2, rtol=1e-4, atol=5e-4,
      hint="use value.gini on the customers' net revenue (clipped at 0)")
def q3() -> Expected:
    """Gini coefficient of net revenue per customer."""
    from crmlearn import value

    s = retail_summary()
    right = value.gini(_net_revenue())
    return Expected(right, _distinct(right, [
        (value.gini(s.revenue), "you used gross revenue (returns included); the task asks for "
                                "net revenue"),
        (value.gini(s.n_purchases), "you measured purchases, not revenue"),
        (value.top_share(_net_revenue(), 0.2),
         "that is the top-20 % share; the Gini coefficient is a different number "
         "(twice the area between diagonal and curve)"),
        (1 - right, "the Gini coefficient is 0 for equal customers and close to 1 for "
                    "extreme concentration; you computed its complement"),
    ], 1e-4, 5e-4))


_Q4_HINTS = {
    "a": "compute the top-20 % share: do these data really reach 80 %?",
    "b": "compare the top-20 % share with 80 % and with an even spread (20 %)",
    "c": "an even spread would give the best 20 % about 20 % of revenue; compare with what "
         "you computed",
    "d": "a Gini coefficient close to 1 would mean one customer brings almost everything; "
         "look at the value you computed",
}


def _concentration_letter(top20: float, gini: float) -> str:
    if gini >= 0.9:
        return "d"
    if top20 >= 0.8:
        return "a"
    if top20 >= 0.35:
        return "b"
    return "c"


@task("ex01.q4", "choice", points=1, choices=("a", "b", "c", "d"),
      hint="compare your top-20 % share with 80 % and with 20 % (an even spread)")
def q4() -> Expected:
    """Interpretation: do the data support the 20/80 rule? (letter derived from the data)."""
    from crmlearn import value

    revenue = _net_revenue()
    right = _concentration_letter(value.top_share(revenue, 0.2), value.gini(revenue))
    return Expected(right, [(letter, hint) for letter, hint in _Q4_HINTS.items()
                            if letter != right])


@task("ex01.q5", "number", points=2, atol=0.006,
      hint="use crm.benefit_channel_cost(world.contacts, shift_share=...) and subtract the total "
           "cost after the shift from the total cost now")
def q5() -> Expected:
    """Task: the saving (EUR) when SHIFT_SHARE of the phone contacts move to chat."""
    from crmlearn import crm

    contacts = retail().contacts
    table = crm.benefit_channel_cost(contacts, shift_share=SHIFT_SHARE)
    default = crm.benefit_channel_cost(contacts)

    def saving(t):
        return float(t.loc["total", "cost"] - t.loc["total", "cost_after"])

    phone = float(table.loc["phone", "cost"] - table.loc["phone", "cost_after"])
    chat = float(table.loc["chat", "cost_after"] - table.loc["chat", "cost"])
    right = saving(table)
    return Expected(right, _distinct(right, [
        (saving(default), "that is the lesson's 30 % shift; the task moves a different share "
                          "(pass shift_share)"),
        (phone, "you counted only the phone cost saved; the moved contacts still cost something "
                "in chat"),
        (float(table.loc["total", "cost_after"]), "that is the total cost after the shift, not "
                                                  "the saving"),
        (chat, "that is the extra chat cost; the saving is total cost now minus total cost after"),
    ], 1e-6, 0.006))


@task("ex01.q6", "number", points=2, atol=0.006,
      hint="use crm.benefit_automation with items = customers x 12 and the task's minutes, "
           "review share, hourly cost and set-up hours; read the cost of the saving row")
def q6() -> Expected:
    """Staff cost (EUR) saved by automatic classification in its first year."""
    from crmlearn import crm

    a = AUTOMATION
    monthly = len(retail().customers) * 12
    table = crm.benefit_automation(monthly, **a)
    right = float(table.loc["saving", "cost"])
    no_setup = crm.benefit_automation(monthly, **{**a, "setup_hours": 0.0})
    once = crm.benefit_automation(len(retail().customers), **a)
    lesson = crm.benefit_automation(monthly)
    manual = float(table.loc["manual", "hours"])
    return Expected(right, _distinct(right, [
        (float(no_setup.loc["saving", "cost"]),
         "you left out the one-off set-up hours; in the first year they reduce the saving"),
        (float(table.loc["saving", "hours"]), "that is the saving in staff hours; the task asks "
                                              "for EUR (hours x hourly cost)"),
        (float(once.loc["saving", "cost"]),
         "every customer is classified once a month: that is 12 classifications a year each"),
        ((manual - a["setup_hours"]) * a["hourly_cost"],
         "the rule still leaves the review share for a person; that time is not saved"),
        (float(lesson.loc["saving", "cost"]),
         "those are the lesson's assumptions; the task uses different minutes, review share "
         "and set-up hours"),
        (float(table.loc["manual", "cost"]),
         "that is the cost of doing everything by hand; the saving is manual minus automated"),
        ((manual - float(table.loc["automated", "hours"]) + 2 * a["setup_hours"])
         * a["hourly_cost"],
         "the set-up is a cost of automation: it makes the saving smaller, not larger"),
    ], 1e-6, 0.006))


def _campaign(**response):
    """Return the segments of the lesson's campaign comparison with the given response assumption."""
    from crmlearn import crm

    world = retail()
    s = retail_summary()
    purchases = world.transactions[world.transactions.kind == "purchase"]
    margin = round(1 - purchases.product_cost.sum() / purchases.amount.sum(), 2)
    return crm.watering_can_vs_targeted(
        s, budget=CAMPAIGN["budget_per_customer"] * len(s), scale=CAMPAIGN["scale"],
        margin=margin, seed=CAMPAIGN["seed"], **response).segments


@task("ex01.q7", "category", points=2, choices=("V1", "V2", "V3", "V4", "V5"),
      hint="run crm.watering_can_vs_targeted with response_by_segment=... and look at the "
           "spend_targeted column of .segments")
def q7() -> Expected:
    """Task: the segment left unfunded by the targeted campaign under RESPONSE_BY_SEGMENT."""
    seg = _campaign(response_by_segment=RESPONSE_BY_SEGMENT)
    lesson = _campaign(max_response=0.3)
    unfunded = seg.index[seg.spend_targeted <= 0]
    if len(unfunded) != 1:  # the task text promises exactly one such segment
        raise ValueError(f"expected one unfunded segment, found {list(unfunded)}")
    right = str(unfunded[0])
    mistakes = [(str(label), "with the same response everywhere (the lesson's run) the "
                             "lowest segments get nothing; rerun with the task's "
                             "response_by_segment")
                for label in lesson.index[lesson.spend_targeted <= 0]]
    mistakes.append((str(seg.spend_targeted.idxmax()),
                     "that segment gets the most money per customer; the task asks for the "
                     "one that gets nothing"))
    mistakes.append((str(seg.mean_value.idxmin()),
                     "the segment with the lowest value still gets a little money here; look "
                     "at spend_targeted instead of guessing from the value"))
    # a letter that fits several mistakes gets all their hints (joined by the checker)
    return Expected(right, [(wrong, hint) for wrong, hint in mistakes if wrong != right])


@task("ex01.q8", "text", points=1, min_words=5)
def q8() -> Expected:
    """Decide and justify: watering can or targeted for the next campaign (text, recorded)."""
    return Expected(None)
