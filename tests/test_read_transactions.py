import io

import pandas as pd
import pytest

from crmlearn import CRMDataError, customer_summary
from crmlearn.datasets import read_transactions

GERMAN = (
    "Kundennummer;Datum;Umsatz;Kanal\n"
    "1001;03.01.2024;1.234,50;Filiale\n"
    "1001;15.02.2024;19,99;Online\n"
    "1002;28.02.2024;5,00;Online\n"
)


def write(tmp_path, text, name="export.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_german_export_is_recognised(tmp_path, capsys):
    path = write(tmp_path, GERMAN, encoding="cp1252")
    df = read_transactions(path, customer_id="Kundennummer", date="Datum", amount="Umsatz",
                           channel="Kanal")
    assert list(df.columns) == ["transaction_id", "customer_id", "date", "amount", "kind", "channel"]
    assert df["amount"].tolist() == [1234.5, 19.99, 5.0]
    assert df["date"].tolist() == list(pd.to_datetime(["2024-01-03", "2024-02-15", "2024-02-28"]))
    assert df["customer_id"].tolist() == [1001, 1001, 1002]
    assert df["transaction_id"].tolist() == [1, 2, 3]
    out = capsys.readouterr().out
    assert "Read 3 rows from export.csv: 3 purchases, 0 returns, 2 customers" in out
    assert "separator ';', decimal ',', dates %d.%m.%Y" in out
    report = df.attrs["read_report"]
    assert report.customers == 2 and report.decimal == ","
    s = customer_summary(df)
    assert s.loc[1001, "revenue"] == pytest.approx(1254.49)


def test_international_default_columns(tmp_path):
    path = write(tmp_path, "customer_id,date,amount\nA7,2024-03-01,10.5\nA7,2024-03-09,4\n")
    df = read_transactions(path, verbose=False)
    assert df["customer_id"].tolist() == ["A7", "A7"]
    assert df["amount"].sum() == 14.5


def test_file_like_object_and_bom():
    buf = io.BytesIO("\ufeffcustomer_id;date;amount\n1;2024-01-01;3,5\n".encode())
    df = read_transactions(buf, verbose=False)
    assert df["amount"].item() == 3.5


def test_missing_column_names_the_columns(tmp_path):
    path = write(tmp_path, GERMAN)
    with pytest.raises(CRMDataError, match=r"has no column 'customer_id', 'date', 'amount'; its columns are 'Kundennummer', 'Datum', 'Umsatz', 'Kanal' \(separator ';'\)"):
        read_transactions(path)


def test_bad_date_reports_file_line(tmp_path):
    path = write(tmp_path, "customer_id;date;amount\n1;03.01.2024;5\n2;31.02.2024;5\n")
    with pytest.raises(CRMDataError, match=r"'date' has 1 value\(s\) that are not dates in any known format \(line 3: '31.02.2024'\)"):
        read_transactions(path)


def test_ambiguous_dates_ask_for_format(tmp_path):
    path = write(tmp_path, "customer_id,date,amount\n1,03/04/2024,5\n2,05/06/2024,5\n")
    with pytest.raises(CRMDataError, match=r"fit more than one format \(%d/%m/%Y and %m/%d/%Y\).*pass date_format="):
        read_transactions(path)
    df = read_transactions(path, date_format="%d/%m/%Y", verbose=False)
    assert df["date"].iloc[0] == pd.Timestamp("2024-04-03")


def test_negative_amounts_are_errors_unless_declared_returns(tmp_path):
    path = write(tmp_path, "customer_id;date;amount\n1;2024-01-01;20,00\n1;2024-01-05;-20,00\n")
    with pytest.raises(CRMDataError, match=r"1 value below 0 in purchase rows \(line 3: -20.0\).*returns='negative'"):
        read_transactions(path)
    df = read_transactions(path, returns="negative", verbose=False)
    assert df["kind"].tolist() == ["purchase", "return"]
    assert len(df) == 2  # kept, not dropped


def test_missing_customer_and_bad_amount_lines(tmp_path):
    path = write(tmp_path, "customer_id,date,amount\n1,2024-01-01,5\n,2024-01-02,5\n")
    with pytest.raises(CRMDataError, match=r"'customer_id' has 1 value missing \(line 3\)"):
        read_transactions(path)
    path = write(tmp_path, "customer_id,date,amount\n1,2024-01-01,fünf\n", name="b.csv")
    with pytest.raises(CRMDataError, match=r"'amount' has 1 value\(s\) that are not numbers \(line 2: 'fünf'\)"):
        read_transactions(path)


def test_duplicate_transaction_ids_and_late_dates(tmp_path):
    path = write(tmp_path, "transaction_id,customer_id,date,amount\n9,1,2024-01-01,5\n9,2,2024-01-02,5\n")
    with pytest.raises(CRMDataError, match=r"'transaction_id' must be unique.*\(lines 2, 3: 9, 9\)"):
        read_transactions(path)
    path = write(tmp_path, "customer_id,date,amount\n1,2024-01-01,5\n2,2025-01-02,5\n", name="c.csv")
    with pytest.raises(CRMDataError, match=r"1 date in column 'date' lie after the observation end 2024-12-31 \(line 3"):
        read_transactions(path, observation_end="2024-12-31")


def test_empty_and_absent_files(tmp_path):
    with pytest.raises(CRMDataError, match="is empty"):
        read_transactions(write(tmp_path, ""))
    with pytest.raises(CRMDataError, match="has a header but no rows"):
        read_transactions(write(tmp_path, "customer_id,date,amount\n", name="h.csv"))
    with pytest.raises(CRMDataError, match="no file at"):
        read_transactions(tmp_path / "nope.csv")
