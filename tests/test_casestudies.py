"""End-to-end tests of the case studies (notebooks/cases/) and crmlearn.casestudy.

The notebook runs are the expensive part (a kernel each, 10-20 s of CPU): they
start once per module, two at a time, through the documented command
(``python -m crmlearn.casestudy``), and every test reads their results. The
headline numbers in each run's ``summary.json`` are recomputed here from the
data with the library's building blocks (customer_summary, the models, value,
identify, interact), not by rerunning the notebook's own cells.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest

import crmlearn
from crmlearn import casestudy, datasets, identify, interact, models, value
from crmlearn.errors import CRMDataError

ROOT = Path(__file__).resolve().parents[1]
GERMAN_CSV = ROOT / "datasets" / "examples" / "kassenexport_gipfelglueck.csv"
GERMAN_MAP = {"customer_id": "Kundennummer", "date": "Datum", "amount": "Umsatz"}
CSV_ARGS = ["--csv", str(GERMAN_CSV.relative_to(ROOT)), "--map", "customer_id=Kundennummer",
            "--map", "date=Datum", "--map", "amount=Umsatz", "--returns", "negative"]

# name -> (case, command-line arguments)
RUNS = {
    "retail_default": ("retail", []),
    "retail_params": ("retail", ["-p", "seed=7", "-p", "n_customers=800", "-p", "margin=0.35",
                                 "-p", "budget=12345.67", "-p", "scale_customers=3000"]),
    "retail_csv": ("retail", [*CSV_ARGS, "-p", "scale_customers=0"]),
    "subscription_default": ("subscription", []),
    "subscription_params": ("subscription", ["-p", "seed=3", "-p", "n_customers=600", "-p", "discount_rate=0.08"]),
    "subscription_csv": ("subscription", [*CSV_ARGS, "-p", "budget=5000"]),
    "b2b_default": ("b2b", []),
    "b2b_params": ("b2b", ["-p", "seed=5", "-p", "n_customers=150", "-p", "retention_offer_cost=80"]),
}
WITH_PROGRESS = "b2b_params"  # one run shows its progress bar


def _run(name, case, args, out):
    quiet = [] if name == WITH_PROGRESS else ["--no-progress"]
    cmd = [sys.executable, "-m", "crmlearn.casestudy", case, *args, "--out", str(out / name), *quiet]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
    return name, proc


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Run every case configuration once (two at a time); name -> (output folder, process)."""
    out = tmp_path_factory.mktemp("cases")
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda item: _run(item[0], *item[1], out), RUNS.items()))
    folders = {}
    for name, proc in results:
        assert proc.returncode == 0, f"case run {name} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}"
        folders[name] = (out / name, proc)
    return folders


def _params(name):
    case, args = RUNS[name]
    params = casestudy.case_parameters(case)
    for flag, val in zip(args[::2], args[1::2], strict=True):
        if flag == "-p":
            key, text = val.split("=", 1)
            params[key] = casestudy._value(text)
    return case, params


def _data(name):
    case, p = _params(name)
    if name.endswith("_csv"):
        return casestudy.load_case(case, transactions_csv=GERMAN_CSV, csv_columns=GERMAN_MAP,
                                   csv_returns="negative")
    return casestudy.load_case(case, p["n_customers"], p["seed"])


def _summary(runs, name):
    return json.loads((runs[name][0] / "summary.json").read_text(encoding="utf-8"))


def _notebook_text(runs, name):
    case = RUNS[name][0]
    nb = nbformat.read(runs[name][0] / f"{case}.ipynb", as_version=4)
    return "\n".join(str(o.get("data", {}).get("text/markdown", "")) + str(o.get("data", {}).get("text/plain", ""))
                     for c in nb.cells if c.cell_type == "code" for o in c.outputs)


def _direct(name):
    """Headline numbers computed straight from the data with the library's building blocks."""
    case, p = _params(name)
    data = _data(name)
    s = crmlearn.customer_summary(data.transactions, observation_end=data.observation_end, time_unit="W")
    if case == "subscription" and data.has("contracts"):
        sbg = models.ShiftedBetaGeo().fit(casestudy.contract_survivors(data))
        clv = casestudy.contract_clv(data, sbg, s.index, margin=p["margin"], discount_rate=p["discount_rate"])
    else:
        bg = models.BetaGeo().fit(s.frequency, s.recency, s["T"])
        rep = s[s.frequency > 0]
        gg = models.GammaGamma().fit(rep.frequency, rep.monetary_value)
        clv = models.predictive_clv(bg, gg, s.frequency, s.recency, s["T"], s.monetary_value,
                                    margin=p["margin"], discount_rate=p["discount_rate"], horizon=156)
    wallet = data.world.truth.customers.set_index("customer_id").wallet if data.world else None
    values = casestudy.customer_values(data, s, clv, margin=p["margin"], wallet=wallet)
    # the budget rule, written out: B * w_k V_k / sum_j w_j V_j
    cat, c = values.value_category.astype(str), values.clv.clip(lower=0)
    stake = {"MVC": c[cat == "MVC"].sum(), "MGC": p["margin"] * values.potential[cat == "MGC"].sum(),
             "Migrator": c[cat == "Migrator"].sum(), "BZC": 0.0}
    weighted = {k: casestudy.BUDGET_WEIGHTS[k] * v for k, v in stake.items()}
    spend = min(p["budget"], sum(weighted.values()))  # never more than the weighted value at stake
    budget = {k: spend * v / sum(weighted.values()) for k, v in weighted.items()}
    result = {"summary": s, "data": data, "clv": clv, "values": values, "budget": budget, "params": p,
              "rfm": value.rfm_segments(value.rfm_scores(s)).value_counts(),
              "abc": value.abc_classes(values.actual_value).value_counts()}
    if data.has("touchpoint_records"):
        ev = identify.evaluate(identify.link(data.world.touchpoint_records, data.world.customers),
                               data.world.truth.record_links)
        result["quality"] = ev.set_index("source").loc["all"]
    if data.has("campaign_members"):
        result["uplift"] = interact.uplift(data.world.campaign_members).set_index("campaign_id").uplift
    return result


@pytest.mark.slow
@pytest.mark.notebook
@pytest.mark.parametrize("name", list(RUNS))
def test_headline_numbers_match_the_library(runs, name):
    h = _summary(runs, name)
    d = _direct(name)
    s, p = d["summary"], d["params"]
    assert h["case"] == RUNS[name][0]
    assert h["customers"] == len(s)
    assert h["transactions"] == len(d["data"].transactions)
    assert h["revenue"] == pytest.approx(s.revenue.sum(), abs=0.01)
    assert h["returns"] == pytest.approx(s.returns.sum(), abs=0.01)
    assert h["net_revenue"] == pytest.approx(s.net_revenue.sum(), abs=0.01)
    assert h["total_predicted_clv"] == pytest.approx(d["clv"].sum(), abs=1e-4)  # summary.json keeps 4 decimals
    assert h["total_predicted_clv"] > 0
    assert h["actual_value"] == pytest.approx(d["values"].actual_value.sum(), abs=0.01)
    assert h["rfm_segments"] == {k: int(v) for k, v in d["rfm"].items()}
    assert h["abc_classes"] == {k: int(v) for k, v in d["abc"].items()}
    assert h["value_categories"] == {k: int(v) for k, v in d["values"].value_category.value_counts().items()}
    for key in ("value_categories", "rfm_segments", "abc_classes"):
        assert sum(h[key].values()) == h["customers"], key
    assert h["budget_total"] == pytest.approx(p["budget"], abs=0.005)
    assert sum(h["budget"].values()) == pytest.approx(h["budget_allocated"], abs=0.005)
    assert h["budget_allocated"] + h["budget_unallocated"] == pytest.approx(p["budget"], abs=0.005)
    assert h["budget_allocated"] == pytest.approx(sum(d["budget"].values()), abs=0.01)
    for k, money in d["budget"].items():
        assert h["budget"][k] == pytest.approx(money, abs=0.02), k  # cents, plus the rounding rest
    offers = min(int(h["budget"]["MVC"] // p["retention_offer_cost"]), h["value_categories"]["MVC"])
    assert h["retention_offers_funded"] == offers
    assert h["params"]["margin"] == p["margin"] and h["params"]["budget"] == p["budget"]
    if "quality" in d:
        assert h["precision"] == pytest.approx(d["quality"].precision, abs=1e-4)
        assert h["recall"] == pytest.approx(d["quality"].recall, abs=1e-4)
    else:
        assert h["precision"] is None and h["recall"] is None
    if "uplift" in d:
        got = {c["campaign_id"]: c["uplift"] for c in h["campaigns"]}
        assert got == pytest.approx({int(k): round(float(v), 3) for k, v in d["uplift"].items()}, abs=1e-9)
    else:
        assert h["campaigns"] is None


@pytest.mark.slow
@pytest.mark.notebook
def test_csv_runs_skip_what_the_data_lack(runs):
    for name in ("retail_csv", "subscription_csv"):
        case = RUNS[name][0]
        h = _summary(runs, name)
        assert h["source"] == "CSV file kassenexport_gipfelglueck.csv"
        assert h["skipped"] == ["Identify", "Interact", "Customize"]
        html = (runs[name][0] / f"{case}.html").read_text(encoding="utf-8")
        for step in ("Identify skipped:", "Interact skipped:", "Customize skipped:"):
            assert step in html, (name, step)
        assert "no touchpoint records" in html
        assert "Not covered by the data: Identify, Interact, Customize." in _notebook_text(runs, name)
    # the mobile provider's contract model needs a contracts table: said, then the purchase models
    assert "Contract model skipped:" in _notebook_text(runs, "subscription_csv")


@pytest.mark.slow
@pytest.mark.notebook
def test_a_skipped_step_is_not_followed_by_a_reading_of_its_result(runs):
    # the prose that interprets a result is printed by code, and only when the step ran
    for name in RUNS:
        text = _notebook_text(runs, name)
        ran = not name.endswith("_csv")
        assert ("Compare\nthe recall per source" in text) == ran, name
        assert ("Read the `decision` column" in text) == ran, name
    for case in casestudy.CASES:
        nb = nbformat.read(casestudy.notebook_path(case), as_version=4)
        prose = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
        assert "recall per source" not in prose and "`decision` column" not in prose, case


@pytest.mark.slow
@pytest.mark.notebook
def test_simulated_runs_skip_nothing_but_customize_for_the_mobile_provider(runs):
    for name in RUNS:
        if not name.endswith("_csv"):
            expected = ["Customize"] if name.startswith("subscription") else []
            assert _summary(runs, name)["skipped"] == expected, name
    assert "ShiftedBetaGeo(alpha=" in _notebook_text(runs, "subscription_default")


@pytest.mark.slow
@pytest.mark.notebook
def test_scale_section_reports_measured_times(runs):
    recorded = casestudy.recorded_pipeline()
    text = _notebook_text(runs, "retail_default")
    assert str(casestudy.pipeline_report(recorded, title="A million customers (recorded benchmark)")) in text
    assert "**This run:** 50,000 customers" in text and ": the same table." in text
    assert "**This run:** 3,000 customers" in _notebook_text(runs, "retail_params")
    assert "Live run skipped" in _notebook_text(runs, "retail_csv")


@pytest.mark.slow
@pytest.mark.notebook
@pytest.mark.parametrize("name", list(RUNS))
def test_report_has_no_code_and_no_absolute_paths(runs, name):
    case = RUNS[name][0]
    folder = runs[name][0]
    html = (folder / f"{case}.html").read_text(encoding="utf-8")
    assert "Management summary" in html
    assert "casestudy.load_case(" not in html and "import crmlearn" not in html
    assert 'class="jp-InputPrompt' not in html and 'class="highlight' not in html
    nb = nbformat.read(folder / f"{case}.ipynb", as_version=4)
    outputs = json.dumps([c.get("outputs", []) for c in nb.cells])
    for path in (str(folder), str(ROOT), str(Path.home())):
        assert path not in outputs and path not in html
    assert not any(o.get("output_type") == "error" for c in nb.cells for o in c.get("outputs", []))


@pytest.mark.slow
@pytest.mark.notebook
def test_command_shows_progress_and_says_where_the_results_are(runs):
    folder, proc = runs[WITH_PROGRESS]
    assert "Executing" in proc.stderr and "cell/s" in proc.stderr
    assert "done: " in proc.stdout and "b2b.html (report)" in proc.stdout
    assert {p.name for p in folder.iterdir()} == {"b2b.ipynb", "b2b.html", "summary.json"}


# --------------------------------------------------------------------------- fast checks


def test_committed_notebooks_are_unexecuted_and_parameterized():
    bold = re.compile(r"\*\*([^*\n]+?)\*\*")
    for case in casestudy.CASES:
        nb = nbformat.read(casestudy.notebook_path(case), as_version=4)
        assert all(not c.get("outputs") and c.get("execution_count") is None
                   for c in nb.cells if c.cell_type == "code"), case
        params = casestudy.case_parameters(case)
        for key in ("n_customers", "seed", "margin", "discount_rate", "retention_offer_cost", "budget",
                    "transactions_csv", "csv_columns", "csv_returns", "output_dir"):
            assert key in params, (case, key)
        assert casestudy.check_parameters(case, {}) == params  # the defaults pass the checks
        # numbers in the prose come from code: the Markdown cells quote none in bold
        prose = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
        assert not [b for b in bold.findall(prose) if re.search(r"\d", b)], case
        assert nb.cells[-1].source == "crmlearn.versions()"
    assert casestudy.case_parameters("retail")["scale_customers"] == 50_000


def test_case_notebooks_are_not_collected_by_nbval():
    conftest = (ROOT / "notebooks" / "cases" / "conftest.py").read_text()
    assert 'collect_ignore_glob = ["*.ipynb"]' in conftest


@pytest.mark.parametrize("params, message", [
    ({"sed": 7}, r"unknown parameter\(s\) 'sed' for the retail case; allowed: n_customers, seed, margin"),
    ({"margin": 30}, r"parameter margin must be a share between 0 and 1, e\.g\. 0\.3; got 30\."),
    ({"margin": "high"}, r"parameter margin must be .*; got 'high'"),
    ({"n_customers": 5}, r"parameter n_customers must be None \(the classroom sample\) or a whole number >= 100"),
    ({"budget": -1}, r"parameter budget must be a number of EUR >= 0; got -1"),
    ({"csv_returns": "ignore"}, r"parameter csv_returns must be \"error\" or \"negative\"; got 'ignore'"),
    ({"transactions_csv": "no/such/file.csv"}, r"transactions_csv: no file 'no/such/file.csv'"),
    ({"transactions_csv": str(GERMAN_CSV), "seed": 3}, r"transactions_csv replaces the simulated firm"),
    ({"transactions_csv": str(GERMAN_CSV)}, r"Kundennummer"),  # without the mapping the reader names the columns
    ({"transactions_csv": str(GERMAN_CSV), "csv_columns": GERMAN_MAP}, r"negative"),  # returns need a decision
])
def test_bad_parameters_are_refused_before_a_kernel_starts(tmp_path, params, message):
    with pytest.raises(CRMDataError, match=message):
        casestudy.run_case("retail", params, out_dir=tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_unknown_case(tmp_path):
    with pytest.raises(CRMDataError, match="unknown case 'hotel'; choose one of: retail, subscription, b2b"):
        casestudy.run_case("hotel", {}, out_dir=tmp_path)


def test_output_folder_must_be_outside_the_notebooks(tmp_path):
    with pytest.raises(CRMDataError, match="inside notebooks/, among the sources"):
        casestudy.run_case("b2b", {}, out_dir=ROOT / "notebooks" / "cases" / "out")
    assert not (ROOT / "notebooks" / "cases" / "out").exists()


def test_cli_errors_and_listing(capsys):
    assert casestudy.main(["retail", "-p", "sed=7"]) == 2
    assert "allowed: n_customers, seed" in capsys.readouterr().err
    assert casestudy.main(["hotel"]) == 2
    assert "choose one of" in capsys.readouterr().err
    assert casestudy.main(["retail", "-p", "seed"]) == 2
    assert "NAME=VALUE" in capsys.readouterr().err
    assert casestudy.main(["retail", "-p", "margin=abc"]) == 2
    assert "parameter margin must be" in capsys.readouterr().err
    assert casestudy.main(["retail", "--csv", "missing.csv"]) == 2
    assert "no file 'missing.csv'" in capsys.readouterr().err
    assert casestudy.main(["retail", "--csv", str(GERMAN_CSV), "--map", "customer_id=Kunde",
                           "--returns", "negative"]) == 2
    assert "Kunde" in capsys.readouterr().err
    assert casestudy.main(["b2b", "--list"]) == 0
    assert "budget = 15000" in capsys.readouterr().out


def test_bad_csv_mapping_key():
    with pytest.raises(CRMDataError, match="csv_columns has unknown key"):
        casestudy.load_case("retail", transactions_csv=GERMAN_CSV, csv_columns={"kunde": "Kundennummer"})


def test_steps_without_their_tables_return_skipped_notes():
    data = casestudy.load_case("subscription", transactions_csv=GERMAN_CSV, csv_columns=GERMAN_MAP,
                               csv_returns="negative")
    assert data.world is None and not data.has("contracts")
    for note in (casestudy.link_quality(data), casestudy.contract_survivors(data),
                 casestudy.campaign_experiment(data, margin=0.3), casestudy.offers_for(data, [1])):
        assert isinstance(note, casestudy.Skipped) and not note
        assert note._repr_markdown_().startswith("> **") and "skipped:**" in note._repr_markdown_()


def test_budget_rule_adds_up_and_skips_bzc():
    values = pd.DataFrame({"value_category": ["MVC", "MVC", "MGC", "Migrator", "BZC"],
                           "clv": [500.0, 300.0, 50.0, 80.0, -10.0],
                           "potential": [0.0, 10.0, 2000.0, 100.0, 500.0]})
    at_stake = 800 + 0.2 * 0.3 * 2000 + 0.25 * 80  # weighted value at stake, EUR
    for budget in (0, 1, 999.99, 1e6):
        plan = casestudy.allocate_budget(values, budget, margin=0.3, retention_offer_cost=25)
        assert plan.budget.sum() == pytest.approx(min(budget, at_stake), abs=1e-6)
        assert plan.budget.sum() + plan.attrs["unallocated"] == pytest.approx(budget, abs=1e-6)
        assert plan.loc["BZC", "budget"] == 0
    assert (plan.budget == (plan.value_at_stake * plan.weight).round(2)).all()  # capped everywhere
    assert list(plan.index) == ["MVC", "MGC", "Migrator", "BZC"]
    assert plan.loc["MVC", "offers_funded"] == 2  # capped at the number of MVCs
    with pytest.raises(CRMDataError, match="budget must be a number >= 0"):
        casestudy.allocate_budget(values, -5, margin=0.3, retention_offer_cost=25)
    with pytest.raises(CRMDataError, match="retention_offer_cost must be > 0"):
        casestudy.allocate_budget(values, 5, margin=0.3, retention_offer_cost=0)


# --------------------------------------------------------------------------- scale


def test_duckdb_customer_table_equals_customer_summary(tmp_path):
    world = datasets.load("retail")  # has returns
    tx = world.transactions
    half = tx.customer_id <= tx.customer_id.median()
    files = [casestudy.write_parquet(tx[half], tmp_path / "a.parquet"),
             casestudy.write_parquet(tx[~half], tmp_path / "b.parquet")]
    for unit in ("W", "D"):
        fast = casestudy.summary_from_parquet(files, world.observation_end, unit, memory_limit="200MB")
        slow = crmlearn.customer_summary(tx, observation_end=world.observation_end, time_unit=unit)
        assert list(fast.columns) == list(slow.columns) and fast.index.equals(slow.index)
        assert (fast.dtypes == slow.dtypes).all()
        pd.testing.assert_frame_equal(fast, slow, check_exact=False, rtol=1e-12, atol=1e-9)
    assert not list(Path.cwd().glob(".tmp*")), "DuckDB must not spill into the working folder"


def test_duckdb_customer_table_errors(tmp_path):
    tx = pd.DataFrame({"customer_id": [1, 2], "date": pd.to_datetime(["2024-01-02", "2024-01-03"]),
                       "amount": [10.0, -5.0], "kind": pd.Categorical(["purchase", "return"])})
    path = casestudy.write_parquet(tx, tmp_path / "tx.parquet")
    with pytest.raises(CRMDataError, match=r"1 customer\(s\) have returns but no purchase \(customer_id 2\)"):
        casestudy.summary_from_parquet(path, "2024-02-01")
    with pytest.raises(CRMDataError, match="Parquet file\\(s\\) not found"):
        casestudy.summary_from_parquet(tmp_path / "nope.parquet", "2024-02-01")
    with pytest.raises(CRMDataError, match="time_unit must be 'D'"):
        casestudy.summary_from_parquet(path, "2024-02-01", time_unit="M")


def test_time_pipeline_on_a_small_firm():
    t = casestudy.time_pipeline(700, seed=3, chunk_size=300)
    a = t.attrs
    assert t.step.tolist() == ["simulate the firm", "write Parquet files", "customer table from Parquet",
                               "read Parquet into pandas", "customer table in memory", "RFM scores and segments",
                               "ABC classes", "BG/NBD fit", "Gamma-Gamma fit", "predicted CLV (3 years)"]
    assert a["customers"] == 700 and a["max_difference"] < 1e-6
    assert t.rows[t.step == "write Parquet files"].item() == a["transactions"]
    # the customer ids of the chunks do not collide: every simulated customer is in the table
    assert t.rows[t.step == "RFM scores and segments"].item() == 700
    pipeline = t.seconds[~t.step.isin(["simulate the firm", "read Parquet into pandas",
                                       "customer table in memory"])].sum()
    assert a["pipeline_seconds"] == pytest.approx(pipeline, abs=0.05)
    report = casestudy.pipeline_report(t)
    assert "700 customers" in report and ": the same table." in report
    with pytest.raises(CRMDataError, match="n_customers must be a whole number >= 1"):
        casestudy.time_pipeline(0)


def test_recorded_million_customer_benchmark():
    rec = casestudy.recorded_pipeline()
    assert not isinstance(rec, casestudy.Skipped), "run: python benchmarks/bench_pipeline.py --save"
    a = rec.attrs
    assert a["customers"] == 1_000_000 and a["transactions"] > 5_000_000
    assert a["max_difference"] < 1e-6  # DuckDB and pandas agreed at a million customers too
    assert rec.step.tolist() == casestudy.time_pipeline(200, seed=1).step.tolist()
    assert np.isclose(a["pipeline_seconds"], rec.seconds[~rec.step.isin(
        ["simulate the firm", "read Parquet into pandas", "customer table in memory"])].sum(), atol=0.05)
    assert {"cpus", "python", "arch"} <= set(a["machine"])
    missing = casestudy.recorded_pipeline(ROOT / "benchmarks" / "results" / "nope.json")
    assert isinstance(missing, casestudy.Skipped)
    assert "Recorded benchmark skipped" in casestudy.pipeline_report(missing)


def test_workbook_case_command_runs_the_module_in_the_callers_folder(monkeypatch):
    import importlib.util

    spec = importlib.util.spec_from_file_location("workbook", ROOT / "workbook.py")
    workbook = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(workbook)
    calls = []
    monkeypatch.setattr(workbook, "install", lambda py, extras: None)
    monkeypatch.setattr(workbook.subprocess, "call", lambda cmd, **kw: calls.append((cmd, kw)) or 0)
    assert workbook.main(["case", "retail", "-p", "seed=7"]) == 0
    cmd, kw = calls[0]
    assert cmd[1:] == ["-m", "crmlearn.casestudy", "retail", "-p", "seed=7"] and "cwd" not in kw
