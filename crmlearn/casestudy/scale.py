"""The RFM/CLV pipeline at scale: Parquet files, DuckDB, then the models, timed.

Part of :mod:`crmlearn.casestudy` (import from there). ``benchmarks/bench_pipeline.py``
records the million-customer run that :func:`recorded_pipeline` reads back.
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import CRMDataError
from .core import Skipped, _Markdown

__all__ = [
    "write_parquet",
    "summary_from_parquet",
    "time_pipeline",
    "pipeline_record",
    "recorded_pipeline",
    "pipeline_report",
]

#: Where ``benchmarks/bench_pipeline.py --save`` records the million-customer run.
RECORDED_PIPELINE = Path("benchmarks") / "results" / "pipeline_1000000.json"

# Steps of time_pipeline that are not part of the pipeline: the simulation stands
# in for a firm's exports, the pandas steps only check the DuckDB result.
_NOT_PIPELINE = ("simulate the firm", "read Parquet into pandas", "customer table in memory")

# The customer table of crmlearn.customer_summary as one SQL query. DuckDB reads
# the Parquet files in parallel and spills to disk above its memory limit, so
# the transactions never have to sit in memory at once. The last steps (days to
# weeks, the repeat-purchase mean) happen in pandas on one row per customer.
_SUMMARY_SQL = """
WITH tx AS (
    SELECT customer_id, CAST(date AS DATE) AS day, amount, kind = 'return' AS is_return
    FROM read_parquet(?)
),
occasions AS (  -- purchase occasions: all purchases of one customer on one day count once
    SELECT customer_id, day, SUM(amount) AS amount
    FROM tx WHERE NOT is_return GROUP BY customer_id, day
),
buyers AS (
    SELECT customer_id, MIN(day) AS first_day, MAX(day) AS last_day, COUNT(*) AS n_purchases,
           SUM(amount) AS revenue, arg_min(amount, day) AS first_amount
    FROM occasions GROUP BY customer_id
),
returned AS (
    SELECT customer_id, -SUM(amount) AS returns FROM tx WHERE is_return GROUP BY customer_id
)
SELECT COALESCE(b.customer_id, r.customer_id) AS customer_id, b.first_day, b.last_day,
       b.n_purchases, b.revenue, b.first_amount, COALESCE(r.returns, 0.0) AS returns
FROM buyers b FULL OUTER JOIN returned r ON b.customer_id = r.customer_id
ORDER BY customer_id
"""


def _duckdb(memory_limit: str, temp_dir):
    """Open a DuckDB connection that spills into ``temp_dir`` above ``memory_limit`` (not into the cwd)."""
    try:
        import duckdb
    except ImportError as err:  # pragma: no cover - duckdb is a dependency
        raise CRMDataError("the large-scale pipeline needs DuckDB: pip install duckdb") from err
    return duckdb.connect(config={"memory_limit": memory_limit, "temp_directory": str(temp_dir)})


def write_parquet(transactions: pd.DataFrame, path, *, con=None) -> Path:
    """Write the transactions' ``customer_id``, ``date``, ``amount`` and ``kind`` to a Parquet file.

    Parquet stores each column compressed and with its type, so a file is a
    fraction of the size of a CSV export and reads back without parsing text.
    Written with DuckDB (no pyarrow needed). Returns the path.

    Examples
    --------
    >>> import crmlearn, tempfile
    >>> tx = crmlearn.datasets.load("b2b").transactions
    >>> p = write_parquet(tx, Path(tempfile.mkdtemp()) / "tx.parquet")
    >>> p.suffix, p.stat().st_size < 1_000_000
    ('.parquet', True)

    """
    path = Path(path)
    own = con is None
    con = _duckdb("1GB", path.parent) if own else con
    frame = transactions[["customer_id", "date", "amount", "kind"]].assign(kind=lambda d: d.kind.astype(str))
    try:
        con.register("_frame", frame)
        con.execute(f"COPY _frame TO '{path.as_posix()}' (FORMAT parquet, COMPRESSION zstd)")
        con.unregister("_frame")
    finally:
        if own:
            con.close()
    return path


def summary_from_parquet(files, observation_end, time_unit: str = "W", *, memory_limit: str = "1GB",
                         con=None) -> pd.DataFrame:
    """Compute the customer table of :func:`crmlearn.customer_summary` with DuckDB from Parquet files.

    Same definitions and columns as ``customer_summary`` (purchase occasions
    per calendar day, ``frequency = n_purchases - 1``, ``recency`` and ``T``
    in ``time_unit``, ``monetary_value`` the mean of the repeat occasions), but
    the transactions are read from ``files`` by DuckDB, which aggregates them
    within ``memory_limit`` and spills to a temporary folder beyond it.
    Unlike ``customer_summary`` it does not validate the rows: use it on files
    written by :func:`write_parquet` from validated tables.

    Parameters
    ----------
    files : str, Path or list of them
        Parquet file(s) with ``customer_id``, ``date``, ``amount``, ``kind``.
    observation_end : date-like
        End of the observation period.
    time_unit : {"D", "W"}
        Unit of ``recency`` and ``T``.
    memory_limit : str
        DuckDB's memory limit, e.g. ``"500MB"``.
    con : duckdb connection, optional
        Use this connection (and its settings) instead of opening one.

    Returns
    -------
    DataFrame
        Indexed by ``customer_id`` (sorted), the columns of ``customer_summary``.

    Examples
    --------
    >>> import crmlearn, tempfile
    >>> w = crmlearn.datasets.load("b2b")
    >>> p = write_parquet(w.transactions, Path(tempfile.mkdtemp()) / "tx.parquet")
    >>> fast = summary_from_parquet(p, w.observation_end)
    >>> slow = crmlearn.customer_summary(w.transactions, w.observation_end, time_unit="W")
    >>> bool((fast.index == slow.index).all()), bool(np.allclose(fast.monetary_value, slow.monetary_value))
    (True, True)

    """
    from ..schema import SUMMARY

    unit = {"D": 1.0, "W": 7.0}.get(time_unit)
    if unit is None:
        raise CRMDataError(f"time_unit must be 'D' (days) or 'W' (weeks), got {time_unit!r}")
    paths = [str(Path(f)) for f in (files if isinstance(files, list | tuple) else [files])]
    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        raise CRMDataError(f"Parquet file(s) not found: {', '.join(missing[:3])}")
    own = con is None
    con = _duckdb(memory_limit, Path(tempfile.mkdtemp(prefix="crmlearn-duckdb-"))) if own else con
    try:
        raw = con.execute(_SUMMARY_SQL, [paths]).df()
    finally:
        if own:
            con.close()
    if raw.n_purchases.isna().any():
        ids = raw.customer_id[raw.n_purchases.isna()].head(5).tolist()
        raise CRMDataError(f"transactions: {int(raw.n_purchases.isna().sum())} customer(s) have returns "
                           f"but no purchase (customer_id {', '.join(map(str, ids))}); include the "
                           "original purchases")
    end = pd.Timestamp(observation_end).normalize()
    first = pd.to_datetime(raw.first_day).astype("datetime64[ns]")
    last = pd.to_datetime(raw.last_day).astype("datetime64[ns]")
    n = raw.n_purchases.astype(np.int64).to_numpy()
    revenue = raw.revenue.to_numpy(float)
    returns = raw.returns.to_numpy(float)
    freq = n - 1
    monetary = np.where(freq > 0, (revenue - raw.first_amount.to_numpy(float)) / np.maximum(freq, 1), 0.0)
    out = pd.DataFrame({
        "first_purchase": first.to_numpy(), "last_purchase": last.to_numpy(),
        "n_purchases": n, "frequency": freq,
        "recency": (last - first).dt.days.to_numpy() / unit,
        "T": (end - first).dt.days.to_numpy() / unit,
        "revenue": np.round(revenue, 2), "returns": np.round(returns, 2) + 0.0,
        "net_revenue": np.round(revenue - returns, 2), "monetary_value": monetary,
        "days_since_last": (end - last).dt.days.to_numpy().astype(np.int64),
    }, index=pd.Index(raw.customer_id.to_numpy(), name="customer_id"))
    return out[SUMMARY.names[1:]]


def time_pipeline(n_customers: int, seed: int = 2024, *, chunk_size: int = 250_000, margin: float = 0.3,
                  discount_rate: float = 0.1, memory_limit: str = "1GB", compare_pandas: bool = True,
                  progress: bool = False) -> pd.DataFrame:
    """Run and time the RFM/CLV pipeline on a large simulated retailer.

    The retailer is simulated in chunks of ``chunk_size`` customers (seeds
    ``seed``, ``seed + 1``, ...; the same process and parameters, customer ids
    made unique), and each chunk's transactions go to their own Parquet file,
    as a firm's daily or per-shop exports would. Then:

    1. the customer table is computed by DuckDB straight from the Parquet
       files (:func:`summary_from_parquet`, at most ``memory_limit`` of RAM);
    2. with ``compare_pandas``, the same table is computed the in-memory way
       (read every file into one pandas DataFrame, :func:`crmlearn.customer_summary`)
       and checked against the DuckDB result;
    3. RFM scores and segments, ABC classes, BG/NBD and Gamma-Gamma fits and
       the predicted CLV over three years (156 weeks) run on the customer table.

    Files live in a temporary folder that is deleted afterwards. Timings
    depend on the machine and its load.

    Returns
    -------
    DataFrame
        One row per step: ``step``, ``tool``, ``seconds``, ``rows`` (customers
        or transactions handled). ``attrs`` holds ``customers``,
        ``transactions``, ``parquet_mb`` (size of the files), ``csv_ratio``
        (size of the first file as CSV text / as Parquet), ``pandas_mb``
        (the transactions as a pandas DataFrame, or None), ``memory_limit``,
        ``summary_mb`` (the customer table in memory), ``max_difference``
        (largest difference between the DuckDB and pandas customer tables, or
        None), ``pipeline_seconds`` (writing Parquet, the DuckDB customer
        table, RFM, ABC, fits and CLV: without the simulation and the pandas
        check) and ``total_clv`` (EUR).

    Examples
    --------
    >>> t = time_pipeline(300, seed=1)
    >>> t.step.tolist()[:3]
    ['simulate the firm', 'write Parquet files', 'customer table from Parquet']
    >>> t.attrs["customers"], t.attrs["max_difference"] < 1e-6
    (300, True)

    """
    import crmlearn

    from .. import datasets, models, value

    if isinstance(n_customers, bool) or not isinstance(n_customers, int | np.integer) or n_customers < 1:
        raise CRMDataError(f"n_customers must be a whole number >= 1, got {n_customers!r}")
    rows = []

    def timed(step, tool, n, fn):
        t0 = time.perf_counter()
        result = fn()
        rows.append({"step": step, "tool": tool, "seconds": time.perf_counter() - t0, "rows": int(n)})
        return result

    sizes = [min(chunk_size, n_customers - k) for k in range(0, n_customers, chunk_size)]
    with tempfile.TemporaryDirectory(prefix="crmlearn-pipeline-") as tmp:
        folder = Path(tmp)
        con = _duckdb(memory_limit, folder / "spill")
        files, offset, n_tx, t_sim, t_write = [], 0, 0, 0.0, 0.0
        chunks = enumerate(sizes)
        if progress:
            from tqdm.auto import tqdm

            chunks = tqdm(chunks, total=len(sizes), desc="simulate + write Parquet", unit="chunk")
        for i, size in chunks:
            t0 = time.perf_counter()
            world = datasets.generate("retail", n_customers=size, seed=seed + i, progress=False)
            tx = world.transactions[["customer_id", "date", "amount", "kind"]].copy()
            tx["customer_id"] += offset
            end = world.observation_end
            t1 = time.perf_counter()
            files.append(write_parquet(tx, folder / f"transactions-{i:03d}.parquet", con=con))
            t_sim, t_write = t_sim + t1 - t0, t_write + time.perf_counter() - t1
            if i == 0:  # how much larger the same rows are as CSV text (not timed)
                csv = folder / "first-chunk.csv"
                con.register("_csv", tx.assign(kind=tx.kind.astype(str)))
                con.execute(f"COPY _csv TO '{csv.as_posix()}' (HEADER)")
                con.unregister("_csv")
                csv_ratio = csv.stat().st_size / files[0].stat().st_size
                csv.unlink()
            offset, n_tx = offset + size, n_tx + len(tx)
            del world, tx
        rows.append({"step": "simulate the firm", "tool": "crmlearn.datasets", "seconds": t_sim,
                     "rows": n_customers})
        rows.append({"step": "write Parquet files", "tool": "DuckDB", "seconds": t_write, "rows": n_tx})
        s = timed("customer table from Parquet", "DuckDB", n_tx,
                  lambda: summary_from_parquet(files, end, "W", con=con))
        con.close()
        parquet_mb = sum(f.stat().st_size for f in files) / 1e6
        pandas_mb = difference = None
        if compare_pandas:
            import duckdb

            def read_all():
                paths = [str(f) for f in files]
                frame = duckdb.connect().execute("SELECT * FROM read_parquet(?)", [paths]).df()
                return frame.assign(kind=frame.kind.astype("category"))

            all_tx = timed("read Parquet into pandas", "DuckDB -> pandas", n_tx, read_all)
            pandas_mb = float(all_tx.memory_usage(deep=True).sum()) / 1e6
            s2 = timed("customer table in memory", "pandas (customer_summary)", n_tx,
                       lambda: crmlearn.customer_summary(all_tx, end, time_unit="W"))
            del all_tx
            num = [c for c in s.columns if c not in ("first_purchase", "last_purchase")]
            same = (s.index.equals(s2.index) and s.first_purchase.equals(s2.first_purchase)
                    and s.last_purchase.equals(s2.last_purchase))
            difference = float((s[num] - s2[num]).abs().max().max()) if same else float("inf")
    scores = timed("RFM scores and segments", "pandas", len(s),
                   lambda: value.rfm_segments(value.rfm_scores(s)))
    del scores
    timed("ABC classes", "pandas", len(s), lambda: value.abc_classes(s.net_revenue))
    bg = timed("BG/NBD fit", "numpy/scipy", len(s),
               lambda: models.BetaGeo().fit(s.frequency, s.recency, s["T"]))
    rep = s[s.frequency > 0]
    gg = timed("Gamma-Gamma fit", "numpy/scipy", len(rep),
               lambda: models.GammaGamma().fit(rep.frequency, rep.monetary_value))
    clv = timed("predicted CLV (3 years)", "numpy/scipy", len(s), lambda: models.predictive_clv(
        bg, gg, s.frequency, s.recency, s["T"], s.monetary_value, margin=margin, discount_rate=discount_rate,
        horizon=156))
    table = pd.DataFrame(rows)
    table["seconds"] = table.seconds.round(2)
    table.attrs.update({
        "customers": int(n_customers), "transactions": int(n_tx), "parquet_mb": round(parquet_mb, 1),
        "pandas_mb": None if pandas_mb is None else round(pandas_mb, 1), "memory_limit": memory_limit,
        "csv_ratio": round(float(csv_ratio), 1),
        "summary_mb": round(float(s.memory_usage(deep=True).sum()) / 1e6, 1),
        "max_difference": difference,
        "pipeline_seconds": round(float(table.seconds[~table.step.isin(_NOT_PIPELINE)].sum()), 2),
        "total_clv": float(clv.sum()),
    })
    return table


def pipeline_record(table: pd.DataFrame, **extra) -> dict:
    """Turn the result of :func:`time_pipeline` into a JSON-ready dict (``steps``, the attrs, ``extra``)."""
    return {"steps": table.to_dict(orient="records"), **table.attrs, **extra}


def recorded_pipeline(path=None):
    """Read the recorded million-customer run of ``benchmarks/bench_pipeline.py --save``.

    Returns the table of :func:`time_pipeline` (attrs included, plus
    ``machine`` and ``peak_memory_mb`` of the benchmark process), or a
    :class:`Skipped` note if the record is missing (e.g. outside a checkout).
    """
    if path is None:
        import crmlearn

        path = Path(crmlearn.__file__).resolve().parents[1] / RECORDED_PIPELINE
    path = Path(path)
    if not path.exists():
        return Skipped("Recorded benchmark", "no recorded million-customer run found; run "
                       "`python benchmarks/bench_pipeline.py --save` in the checkout to record one")
    record = json.loads(path.read_text(encoding="utf-8"))
    table = pd.DataFrame(record.pop("steps"))
    table.attrs.update(record)
    return table


def _mb(x: float) -> str:
    return f"{x:,.1f} MB" if x < 10 else f"{x:,.0f} MB"


def _seconds(x: float) -> str:
    return f"{x:,.1f} s" if x < 120 else f"{x / 60:,.1f} min"


def pipeline_report(table, title: str = "This run") -> str:
    """Say in a few Markdown sentences what :func:`time_pipeline` measured.

    Examples
    --------
    >>> t = pd.DataFrame({"step": ["simulate the firm", "customer table from Parquet"],
    ...                   "tool": ["crmlearn.datasets", "DuckDB"], "seconds": [3.0, 0.5],
    ...                   "rows": [1000, 6000]})
    >>> t.attrs.update(customers=1000, transactions=6000, parquet_mb=0.1, pandas_mb=None,
    ...                memory_limit="1GB", max_difference=None, pipeline_seconds=0.5, total_clv=12345.6)
    >>> print(pipeline_report(t).splitlines()[0])
    **This run:** 1,000 customers with 6,000 transactions. Simulating the firm took 3.0 s; the pipeline ...

    """
    if table is None:
        return _Markdown("> **Live run skipped:** set `scale_customers` to a number of customers to run it.")
    if isinstance(table, Skipped):
        return _Markdown(table._repr_markdown_())
    a = table.attrs
    step = table.set_index("step").seconds
    lines = [f"**{title}:** {a['customers']:,} customers with {a['transactions']:,} transactions. "
             f"Simulating the firm took {_seconds(step['simulate the firm'])}; the pipeline itself "
             f"(Parquet files, customer table, RFM, ABC, BG/NBD, Gamma-Gamma, CLV) took "
             f"**{_seconds(a['pipeline_seconds'])}**.",
             "",
             f"- DuckDB built the customer table from {_mb(a['parquet_mb'])} of Parquet files in "
             f"{_seconds(step['customer table from Parquet'])}, within a memory limit of "
             f"{a['memory_limit']}."]
    if a.get("csv_ratio"):
        lines.append(f"- The same transactions as CSV text take {a['csv_ratio']:.1f} times the space of "
                     "Parquet (measured on the first file).")
    if a.get("pandas_mb") is not None:
        agree = "the same table" if (a.get("max_difference") or 0) < 1e-6 else "a DIFFERENT table"
        lines.append(f"- pandas needed {_mb(a['pandas_mb'])} of memory just to hold the transactions, "
                     f"{_seconds(step['read Parquet into pandas'])} to read them and "
                     f"{_seconds(step['customer table in memory'])} for `customer_summary`: {agree}.")
    if a.get("summary_mb") is not None:
        lines.append(f"- The customer table (one row per customer) takes {_mb(a['summary_mb'])}.")
    fits = step.get("BG/NBD fit", 0) + step.get("Gamma-Gamma fit", 0) + step.get("predicted CLV (3 years)", 0)
    lines.append(f"- The models (BG/NBD, Gamma-Gamma, CLV) took {_seconds(fits)} on one row per customer; "
                 f"predicted CLV of all customers: {a['total_clv']:,.0f} EUR.")
    if a.get("machine"):
        m = a["machine"]
        load = (f" (load average {m['load_average']} when it started: other work shared the machine)"
                if m.get("load_average", 0) >= 1 else "")
        lines.append(f"- Machine: {m.get('cpus')} CPU cores{load}, {m.get('system')} {m.get('arch')}, "
                     f"Python {m.get('python')}; peak memory of the benchmark process "
                     f"{_mb(a.get('peak_memory_mb', 0))}.")
    return _Markdown("\n".join(lines))
