import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmlearn import CRMDataError
from crmlearn.errors import describe_rows
from crmlearn.validation import validate_table, validate_transactions


def test_error_is_a_value_error():
    assert issubclass(CRMDataError, ValueError)


def test_describe_rows():
    assert describe_rows([]) == "no rows"
    assert describe_rows(range(7), limit=2) == "rows 0, 1 and 5 more"


def test_validate_table_unknown_table():
    with pytest.raises(CRMDataError, match="unknown table 'kunden'; known tables: "):
        validate_table(pd.DataFrame(), "kunden")


def test_customers_missing_column_lists_what_is_there():
    df = pd.DataFrame({"customer_id": [1], "first_name": ["Jörg"]})
    with pytest.raises(CRMDataError, match=r"customers: missing columns 'last_name', .*the table has columns 'customer_id', 'first_name'"):
        validate_table(df, "customers")


def test_whole_numbers_required_for_int_columns():
    df = pd.DataFrame({"record_id": [1.5], "source": ["webshop"], "last_name": ["Weiß"]})
    with pytest.raises(CRMDataError, match=r"column 'record_id' must hold whole numbers, but 1 do not \(row 0: 1.5\)"):
        validate_table(df, "touchpoint_records", required=["record_id"])


def test_return_rows_must_be_negative():
    df = pd.DataFrame({"customer_id": [1, 1], "date": ["2024-01-01", "2024-01-02"],
                       "amount": [10.0, 3.0], "kind": ["purchase", "return"]})
    with pytest.raises(CRMDataError, match=r"return rows must have a negative amount, but 1 are positive \(row 1: 3.0\)"):
        validate_transactions(df)


def test_unknown_kind():
    df = pd.DataFrame({"customer_id": [1], "date": ["2024-01-01"], "amount": [10.0], "kind": ["storno"]})
    with pytest.raises(CRMDataError, match=r"column 'kind' must be 'purchase' or 'return'; row 0: 'storno'"):
        validate_transactions(df)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(-100, 100, allow_nan=False), min_size=1, max_size=30))
def test_validation_accepts_exactly_positive_amounts_and_never_mutates(amounts):
    df = pd.DataFrame({"customer_id": range(len(amounts)), "date": ["2024-01-01"] * len(amounts),
                       "amount": amounts})
    before = df.copy()
    if all(a > 0 for a in amounts):
        out = validate_transactions(df)
        assert len(out) == len(df)  # nothing dropped
        assert (out["kind"] == "purchase").all()
    else:
        with pytest.raises(CRMDataError, match="amount"):
            validate_transactions(df)
    pd.testing.assert_frame_equal(df, before)
