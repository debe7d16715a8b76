"""Checks for exercise 00: the data and the customer table.

Every expected answer is recomputed from the shipped retail classroom data
with the crmlearn functions the exercise teaches; the typical mistakes are
computed the same way, each with the hint it deserves.
"""

from __future__ import annotations

from ._registry import Expected, retail, retail_summary, task

#: the customer the tasks q3 and q4 ask about (has returns, so the traps differ)
CUSTOMER = 1022

#: the German cash-register export of task q5, relative to the datasets folder
EXPORT = ("examples", "kassenexport_gipfelglueck.csv")


@task("ex00.q1", "number", points=1,
      hint="count the rows of the table that has one row per customer")
def q1() -> Expected:
    """Task: the number of customers in the master table."""
    world = retail()
    t = world.transactions
    return Expected(len(world.customers), [
        (len(t), "you counted transactions; the task asks for customers"),
        (int((t.kind == "purchase").sum()), "you counted purchases; the task asks for customers"),
        (len(world.touchpoint_records),
         "touchpoint records are several records per customer; use the customer master table"),
    ])


@task("ex00.q2", "number", points=1,
      hint="keep only the transactions that are purchases, then count the rows")
def q2() -> Expected:
    """Task: the number of purchases (returns excluded)."""
    t = retail().transactions
    return Expected(int((t.kind == "purchase").sum()), [
        (len(t), "you counted returns as purchases: keep only rows with kind == 'purchase'"),
        (int((t.kind == "return").sum()), "you counted the returns; the task asks for purchases"),
        (t.customer_id.nunique(), "you counted customers; the task asks for purchases"),
    ])


@task("ex00.q3", "number", points=2, atol=0.006,
      hint="net revenue is what the customer paid minus what they returned")
def q3() -> Expected:
    """Net revenue of customer CUSTOMER."""
    row = retail_summary().loc[CUSTOMER]
    t = retail().transactions
    mine = t[t.customer_id == CUSTOMER]
    return Expected(float(row["net_revenue"]), [
        (float(row["revenue"]), "you included returns in revenue: this is gross revenue, "
                                "subtract the returns"),
        (float(mine.amount.abs().sum()), "you added the returns as if they were purchases; "
                                         "returns reduce revenue"),
        (float(row["returns"]), "that is the value of the returns only"),
        (float(row["monetary_value"]), "that is the average repeat purchase (monetary_value), "
                                       "not the total"),
    ])


@task("ex00.q4", "number", points=2,
      hint="frequency in the customer table counts repeat purchases only")
def q4() -> Expected:
    """Frequency (repeat purchases) of customer CUSTOMER."""
    row = retail_summary().loc[CUSTOMER]
    t = retail().transactions
    mine = t[t.customer_id == CUSTOMER]
    return Expected(int(row["frequency"]), [
        (int(row["n_purchases"]), "that is n_purchases; frequency counts repeat purchases "
                                  "only (the first purchase is not a repeat)"),
        (len(mine), "you counted returns as purchases, and frequency counts repeat "
                    "purchases only"),
    ] + ([(len(mine) - 1, "you counted returns as purchases; keep only kind == 'purchase'")]
         if len(mine) - 1 != row["n_purchases"] else []))


@task("ex00.q5", "number", points=2, atol=0.006,
      hint="read the file with datasets.read_transactions(..., returns='negative') and add up "
           "all amounts")
def q5() -> Expected:
    """Total net revenue of the German export file."""
    from crmlearn import datasets

    path = datasets.data_dir().joinpath(*EXPORT)
    own = datasets.read_transactions(path, customer_id="Kundennummer", date="Datum",
                                     amount="Umsatz", returns="negative", verbose=False)
    amount = own.amount
    return Expected(float(amount.sum()), [
        (float(amount[amount > 0].sum()), "you left out the returns (or counted gross revenue); "
                                          "net revenue subtracts them"),
        (float(amount.abs().sum()), "you added the returns as if they were purchases"),
        (float(-amount[amount < 0].sum()), "that is the value of the returns only"),
        (float(amount.mean()), "that is the average amount per row, not the total"),
    ])


def _purchase_count_letter(n: int) -> str:
    return {1: "a", 2: "b", 3: "c"}.get(n, "d")


@task("ex00.q6", "choice", points=1, choices=("a", "b", "c", "d"),
      hint="find the tallest bar in the chart and read its position on the x axis")
def q6() -> Expected:
    """Most common number of purchases (chart)."""
    counts = retail_summary().n_purchases.value_counts()
    most = _purchase_count_letter(int(counts.idxmax()))
    hints = {
        "a": "the bar at 1 is not the tallest: many customers come back at least once",
        "b": "look again: which bar is the tallest?",
        "c": "the bar at 3 is tall but not the tallest",
        "d": "the last bar collects everyone with 15 or more purchases; it is wide, not common",
    }
    return Expected(most, [(letter, hint) for letter, hint in hints.items() if letter != most])


@task("ex00.q7", "text", points=1, min_words=5)
def q7() -> Expected:
    """Decide and justify: which table answers the question (text, recorded)."""
    return Expected(None)
