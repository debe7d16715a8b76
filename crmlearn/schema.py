"""The one place that defines every table's columns, types, units and meaning.

Generators, loaders, validation, the data dictionary in ``datasets/`` and the
customer summary all read their column names from here, so a column is spelled
once. Column *kinds* are deliberately coarse (``int``, ``float``, ``str``,
``date``, ``bool``) so that the same table validates whether it came from the
generator, from a CSV file or from a learner's own code, under pandas 2 or 3.

Tables
------
customers
    The firm's master record of each customer (what the CRM system knows).
transactions
    One row per purchase (or return) with its amount in EUR.
order_lines
    The products in each purchase; line amounts add up to the purchase amount.
products
    The catalogue with list prices, cost shares and replacement cycles.
contacts
    Service and sales contacts (calls, e-mails, visits) with their cost.
campaigns, campaign_members
    Marketing campaigns and who was targeted (treatment) or held out (control).
surveys
    Survey answers: NPS (0-10), CSAT (1-5), expectation and experience (1-5).
touchpoint_records
    Raw customer records as each touchpoint system stores them, with typos,
    umlaut spellings and changed e-mails; the true owner is only in the truth.
contracts
    Subscription or framework contracts with start and end dates.
summary
    The customer table that :func:`crmlearn.customer_summary` returns.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Column", "Table", "TABLES", "TRUTH_TABLES", "SUMMARY", "table", "KINDS"]

KINDS = ("int", "float", "str", "date", "bool")


@dataclass(frozen=True)
class Column:
    """One column: its name, coarse kind, unit and meaning."""

    name: str
    kind: str
    unit: str
    meaning: str
    required: bool = True
    nullable: bool = False

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"column {self.name!r}: kind must be one of {KINDS}, got {self.kind!r}")


@dataclass(frozen=True)
class Table:
    """A table: its name, key column, columns and a one-line description."""

    name: str
    description: str
    columns: tuple[Column, ...]
    key: str | None = None
    scenarios: tuple[str, ...] = ("retail", "subscription", "b2b")
    _by_name: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self):
        object.__setattr__(self, "_by_name", {c.name: c for c in self.columns})

    @property
    def names(self) -> list[str]:
        """Column names in their documented order."""
        return [c.name for c in self.columns]

    @property
    def required(self) -> list[str]:
        """Names of the columns a table must have."""
        return [c.name for c in self.columns if c.required]

    def __getitem__(self, name: str) -> Column:
        return self._by_name[name]

    def __contains__(self, name: str) -> bool:
        return name in self._by_name


def _c(name, kind, unit, meaning, required=True, nullable=False):
    return Column(name, kind, unit, meaning, required, nullable)


CUSTOMERS = Table(
    "customers",
    "The firm's master record of each customer, one row per customer.",
    (
        _c("customer_id", "int", "-", "Customer number, unique (Kundennummer)."),
        _c("first_name", "str", "-", "First name of the customer or the B2B contact person."),
        _c("last_name", "str", "-", "Last name of the customer or the B2B contact person."),
        _c("company", "str", "-", "Company name (B2B only, empty otherwise).", nullable=True),
        _c("industry", "str", "-", "Industry of the company (B2B only).", nullable=True),
        _c("gender", "str", "-", "'f', 'm' or 'd' (divers) as the customer stated it."),
        _c("birth_year", "int", "year", "Year of birth of the customer or contact person."),
        _c("email", "str", "-", "E-mail address in the master record."),
        _c("postcode", "str", "-", "German postcode (PLZ), five digits, kept as text."),
        _c("town", "str", "-", "Town (Ort), with umlauts as written in German."),
        _c("signup_date", "date", "day", "Date of the first purchase or contract (acquisition)."),
        _c("acquisition_channel", "str", "-", "Channel through which the customer was won."),
        _c("acquisition_cost", "float", "EUR", "Cost of winning this customer."),
    ),
    key="customer_id",
)

TRANSACTIONS = Table(
    "transactions",
    "One row per purchase or return. Returns have kind 'return' and a negative amount.",
    (
        _c("transaction_id", "int", "-", "Transaction number, unique."),
        _c("customer_id", "int", "-", "Customer who bought (links to customers)."),
        _c("date", "date", "day", "Date of the purchase or return."),
        _c("amount", "float", "EUR", "Revenue after discounts; negative for returns."),
        _c("kind", "str", "-", "'purchase' or 'return'."),
        _c("channel", "str", "-", "Sales channel, e.g. online, store, phone, field_sales."),
        _c("discount", "float", "EUR", "Discount granted on this purchase (a deduction)."),
        _c("product_cost", "float", "EUR", "Cost of the goods sold in this purchase."),
        _c("delivery_cost", "float", "EUR", "The firm's cost to deliver this purchase."),
    ),
    key="transaction_id",
)

ORDER_LINES = Table(
    "order_lines",
    "Products in each purchase; line amounts add up to the purchase amount.",
    (
        _c("transaction_id", "int", "-", "Purchase the line belongs to (links to transactions)."),
        _c("line_no", "int", "-", "Position of the line within the purchase, from 1."),
        _c("product_id", "int", "-", "Product bought (links to products)."),
        _c("amount", "float", "EUR", "Revenue of this line after discounts."),
    ),
    scenarios=("retail", "b2b"),
)

PRODUCTS = Table(
    "products",
    "The product catalogue.",
    (
        _c("product_id", "int", "-", "Product number, unique."),
        _c("name", "str", "-", "Product name (German)."),
        _c("category", "str", "-", "Product category."),
        _c("list_price", "float", "EUR", "Typical price of one unit."),
        _c("cost_share", "float", "share", "Product cost as a share of revenue (0-1)."),
        _c(
            "replacement_days",
            "float",
            "days",
            "Typical time until the product is bought again or outgrown; empty if none.",
            nullable=True,
        ),
    ),
    key="product_id",
)

CONTACTS = Table(
    "contacts",
    "Service and sales contacts between the firm and its customers.",
    (
        _c("contact_id", "int", "-", "Contact number, unique."),
        _c("customer_id", "int", "-", "Customer contacted (links to customers)."),
        _c("date", "date", "day", "Date of the contact."),
        _c("channel", "str", "-", "phone, email, chat, store or visit."),
        _c("direction", "str", "-", "'inbound' (customer called) or 'outbound' (firm called)."),
        _c("reason", "str", "-", "complaint, question, order_help, sales or cancellation."),
        _c("cost", "float", "EUR", "The firm's cost of handling this contact."),
    ),
    key="contact_id",
)

CAMPAIGNS = Table(
    "campaigns",
    "Marketing campaigns.",
    (
        _c("campaign_id", "int", "-", "Campaign number, unique."),
        _c("name", "str", "-", "Campaign name."),
        _c("start_date", "date", "day", "Date the campaign was sent."),
        _c("channel", "str", "-", "email, letter, phone or app."),
        _c("offer", "str", "-", "What was offered."),
        _c("cost_per_contact", "float", "EUR", "Cost of reaching one customer."),
        _c("response_window_days", "int", "days", "A purchase within this many days counts."),
    ),
    key="campaign_id",
)

CAMPAIGN_MEMBERS = Table(
    "campaign_members",
    "Who was picked for a campaign: treated (contacted) or held out as control.",
    (
        _c("campaign_id", "int", "-", "Campaign (links to campaigns)."),
        _c("customer_id", "int", "-", "Customer picked (links to customers)."),
        _c("group", "str", "-", "'treatment' (contacted) or 'control' (held out at random)."),
        _c("responded", "bool", "-", "Bought (retail, b2b) or stayed (subscription) in the window."),
    ),
)

SURVEYS = Table(
    "surveys",
    "Answers to the satisfaction survey after an interaction.",
    (
        _c("response_id", "int", "-", "Answer number, unique."),
        _c("customer_id", "int", "-", "Customer who answered (links to customers)."),
        _c("date", "date", "day", "Date of the answer."),
        _c("touchpoint", "str", "-", "Interaction the survey asked about."),
        _c("nps", "int", "points 0-10", "How likely to recommend us (0 = not at all, 10 = sure)."),
        _c("csat", "int", "points 1-5", "Satisfaction with this interaction (1-5)."),
        _c("expectation", "int", "points 1-5", "What the customer expected (1 = little, 5 = much)."),
        _c("experience", "int", "points 1-5", "What the customer experienced (1 = poor, 5 = great)."),
        _c("importance_price", "int", "points 1-5", "How much price matters to the customer."),
        _c("importance_quality", "int", "points 1-5", "How much product quality matters."),
        _c("importance_service", "int", "points 1-5", "How much service matters."),
        _c("importance_sustainability", "int", "points 1-5", "How much sustainability matters."),
    ),
    key="response_id",
)

TOUCHPOINT_RECORDS = Table(
    "touchpoint_records",
    "Customer records as each touchpoint stores them, typos and all.",
    (
        _c("record_id", "int", "-", "Record number, unique across touchpoints."),
        _c("source", "str", "-", "System the record comes from (e.g. webshop, loyalty_card)."),
        _c("first_name", "str", "-", "First name as typed at the touchpoint.", nullable=True),
        _c("last_name", "str", "-", "Last name as typed at the touchpoint."),
        _c("company", "str", "-", "Company name as typed at the touchpoint (B2B only).",
           required=False, nullable=True),
        _c("email", "str", "-", "E-mail as given at the touchpoint.", nullable=True),
        _c("phone", "str", "-", "Phone number as given at the touchpoint.", nullable=True),
        _c("postcode", "str", "-", "Postcode as given.", nullable=True),
        _c("town", "str", "-", "Town as given.", nullable=True),
        _c("birth_year", "int", "year", "Year of birth as given.", nullable=True),
    ),
    key="record_id",
)

CONTRACTS = Table(
    "contracts",
    "Subscription or framework contracts.",
    (
        _c("contract_id", "int", "-", "Contract number, unique."),
        _c("customer_id", "int", "-", "Customer (links to customers)."),
        _c("plan", "str", "-", "Tariff or contract type."),
        _c("start_date", "date", "day", "First day of the contract."),
        _c("end_date", "date", "day", "Last day; empty while the contract runs.", nullable=True),
        _c("monthly_fee", "float", "EUR/month", "Fee per month (subscription) or 0 (b2b)."),
        _c("discount_rate", "float", "share", "Agreed discount on list prices (0-1)."),
        _c("minimum_term_months", "int", "months", "Minimum term in months."),
    ),
    key="contract_id",
    scenarios=("subscription", "b2b"),
)

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        CUSTOMERS,
        TRANSACTIONS,
        ORDER_LINES,
        PRODUCTS,
        CONTACTS,
        CAMPAIGNS,
        CAMPAIGN_MEMBERS,
        SURVEYS,
        TOUCHPOINT_RECORDS,
        CONTRACTS,
    )
}

# --- ground truth: only the simulation knows these -------------------------------

TRUTH_CUSTOMERS = Table(
    "truth_customers",
    "What the simulation knows about each customer and the firm cannot see.",
    (
        _c("customer_id", "int", "-", "Customer number."),
        _c("needs_segment", "str", "-", "True needs segment the customer's buying follows."),
        _c("purchase_rate", "float", "1/week", "Purchase rate while alive (lambda); 0 for contracts."),
        _c("dropout_prob", "float", "share", "BG/NBD: chance to drop out after a repeat purchase.",
           nullable=True),
        _c("dropout_rate", "float", "1/week", "Pareto/NBD: rate of the exponential lifetime.",
           nullable=True),
        _c("churn_prob", "float", "share/month", "Subscription: monthly chance to cancel.",
           nullable=True),
        _c("mean_spend", "float", "EUR", "Expected amount of one purchase (Gamma-Gamma p/nu)."),
        _c("dropout_date", "date", "day", "Date the customer became inactive; empty if alive.",
           nullable=True),
        _c("alive_at_end", "bool", "-", "Still active at the end of the observation period."),
        _c("wallet", "float", "EUR/year", "Yearly spend on this category at all suppliers."),
        _c("share_of_wallet", "float", "share", "Expected share of the wallet spent with the firm."),
    ),
    key="customer_id",
)

TRUTH_RECORD_LINKS = Table(
    "truth_record_links",
    "The true customer behind each touchpoint record.",
    (
        _c("record_id", "int", "-", "Record number (links to touchpoint_records)."),
        _c("customer_id", "int", "-", "The customer who really left this record."),
    ),
    key="record_id",
)

TRUTH_TABLES: dict[str, Table] = {t.name: t for t in (TRUTH_CUSTOMERS, TRUTH_RECORD_LINKS)}

# --- the customer table returned by customer_summary -----------------------------

SUMMARY = Table(
    "summary",
    "One row per customer, as returned by crmlearn.customer_summary.",
    (
        _c("customer_id", "int", "-", "Customer number (the index of the table)."),
        _c("first_purchase", "date", "day", "Date of the first purchase."),
        _c("last_purchase", "date", "day", "Date of the last purchase."),
        _c("n_purchases", "int", "count", "Number of purchase occasions (days with a purchase)."),
        _c("frequency", "int", "count", "Repeat purchases: n_purchases - 1."),
        _c("recency", "float", "time unit", "Time from first to last purchase (0 if one purchase)."),
        _c("T", "float", "time unit", "Time from first purchase to the observation end."),
        _c("revenue", "float", "EUR", "Sum of purchase amounts (gross of returns)."),
        _c("returns", "float", "EUR", "Sum of returned amounts (positive number)."),
        _c("net_revenue", "float", "EUR", "revenue - returns."),
        _c("monetary_value", "float", "EUR", "Mean amount of the repeat purchases (0 if none)."),
        _c("days_since_last", "int", "days", "Days from the last purchase to the observation end."),
    ),
    key="customer_id",
)


def table(name: str) -> Table:
    """Return the schema of a table by name, with a helpful error if unknown.

    >>> table("transactions").required[:3]
    ['transaction_id', 'customer_id', 'date']
    """
    all_tables = {**TABLES, **TRUTH_TABLES, "summary": SUMMARY}
    try:
        return all_tables[name]
    except KeyError:
        from .errors import CRMDataError

        raise CRMDataError(
            f"unknown table {name!r}; known tables: {', '.join(sorted(all_tables))}"
        ) from None
