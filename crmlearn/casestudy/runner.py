"""Run a case notebook with parameters: checks, papermill, HTML report and the command line.

Part of :mod:`crmlearn.casestudy` (import from there); ``python -m
crmlearn.casestudy`` calls :func:`main`.
"""

from __future__ import annotations

import argparse
import ast
import datetime as _dt
import hashlib
import json
import sys
from pathlib import Path

import numpy as np

from ..errors import CRMDataError
from .core import CASES, load_case

__all__ = [
    "notebook_path",
    "case_parameters",
    "check_parameters",
    "run_case",
    "main",
]


def notebook_path(case: str) -> Path:
    """Path of a case notebook in the checkout (``notebooks/cases/`` beside the package).

    Examples
    --------
    >>> notebook_path("retail").name
    'case_retail.ipynb'

    """
    if case not in CASES:
        raise CRMDataError(f"unknown case {case!r}; choose one of: {', '.join(CASES)}.")
    import crmlearn

    path = Path(crmlearn.__file__).resolve().parents[1] / "notebooks" / "cases" / CASES[case]
    if not path.exists():
        raise CRMDataError(f"case notebook {path.name} not found beside the package (looked in "
                           "notebooks/cases/ of the checkout); run the case studies from a git checkout.")
    return path


def _parameters_cell(case: str):
    import nbformat

    nb = nbformat.read(notebook_path(case), as_version=4)
    for cell in nb.cells:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            return cell.source
    raise CRMDataError(f"{notebook_path(case).name} has no cell tagged 'parameters'.")


def case_parameters(case: str) -> dict:
    """Parameters of a case notebook and their defaults (from its cell tagged ``parameters``).

    Examples
    --------
    >>> p = case_parameters("retail")
    >>> p["n_customers"], "budget" in p, "transactions_csv" in p
    (None, True, True)

    """
    params = {}
    for node in ast.parse(_parameters_cell(case)).body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            params[node.targets[0].id] = ast.literal_eval(node.value)
    return params


def _is_int(x) -> bool:
    return isinstance(x, int | np.integer) and not isinstance(x, bool)


def _is_number(x) -> bool:
    return (_is_int(x) or isinstance(x, float | np.floating)) and np.isfinite(x)


# name -> (test of the value, what the value must be)
_PARAM_RULES = {
    "n_customers": (lambda v: v is None or (_is_int(v) and v >= 100),
                    "None (the classroom sample) or a whole number >= 100"),
    "seed": (lambda v: v is None or (_is_int(v) and v >= 0), "None or a whole number >= 0"),
    "margin": (lambda v: _is_number(v) and 0 < v <= 1, "a share between 0 and 1, e.g. 0.3"),
    "discount_rate": (lambda v: _is_number(v) and 0 <= v < 1, "a yearly rate between 0 and 1, e.g. 0.1"),
    "retention_offer_cost": (lambda v: _is_number(v) and v > 0, "a number of EUR > 0"),
    "budget": (lambda v: _is_number(v) and v >= 0, "a number of EUR >= 0"),
    "transactions_csv": (lambda v: v is None or isinstance(v, str | Path), "None or the path of a CSV file"),
    "csv_columns": (lambda v: isinstance(v, dict) and all(isinstance(x, str) for x in (*v, *v.values())),
                    'a dict such as {"customer_id": "Kundennummer"}'),
    "csv_returns": (lambda v: v in ("error", "negative"), '"error" or "negative"'),
    "output_dir": (lambda v: v is None or isinstance(v, str | Path), "None or a folder"),
    "scale_customers": (lambda v: _is_int(v) and v >= 0, "a whole number >= 0 (0: skip the live run)"),
}


def check_parameters(case: str, params: dict) -> dict:
    """Check parameters for a case notebook before any kernel starts; return them complete.

    Unknown names, values of the wrong kind and a missing or unreadable
    ``transactions_csv`` raise :class:`CRMDataError` naming the parameter, the
    rule and the value received. A CSV file is read once here (with the
    column mapping), so a mapping error shows up at once and not in cell 5.

    Examples
    --------
    >>> check_parameters("b2b", {"margin": 0.25})["margin"]
    0.25
    >>> check_parameters("b2b", {"margin": 25})
    Traceback (most recent call last):
    ...
    crmlearn.errors.CRMDataError: parameter margin must be a share between 0 and 1, e.g. 0.3; got 25.

    """
    allowed = case_parameters(case)
    bad = sorted(set(params) - set(allowed))
    if bad:
        raise CRMDataError(f"unknown parameter(s) {', '.join(map(repr, bad))} for the {case} case; "
                           f"allowed: {', '.join(allowed)}.")
    full = {**allowed, **params}
    for name, value in params.items():
        rule = _PARAM_RULES.get(name)
        if rule is not None and not rule[0](value):
            raise CRMDataError(f"parameter {name} must be {rule[1]}; got {value!r}.")
    csv = full.get("transactions_csv")
    if csv is not None:
        if full.get("n_customers") is not None or full.get("seed") is not None:
            raise CRMDataError("transactions_csv replaces the simulated firm: leave n_customers and seed at "
                               "None when you pass a CSV file (got "
                               f"n_customers={full.get('n_customers')!r}, seed={full.get('seed')!r}).")
        path = Path(csv)
        if not path.is_file():
            raise CRMDataError(f"transactions_csv: no file {str(csv)!r} (relative paths start in the "
                               f"current folder, {Path.cwd().name}/); check the name or pass an absolute "
                               "path.")
        try:
            load_case(case, transactions_csv=path, csv_columns=full.get("csv_columns"),
                      csv_returns=full.get("csv_returns", "error"))
        except CRMDataError as err:
            raise CRMDataError(f"reading transactions_csv {path.name!r}: {err}\n(here: map columns with "
                               "csv_columns, on the command line --map customer_id=YOURS ...; treat "
                               "negative amounts as returns with csv_returns='negative', i.e. --returns "
                               "negative)") from None
    return full


#: Folders of the checkout that hold sources: run_case writes nothing into them.
_SOURCE_FOLDERS = ("notebooks", "crmlearn", "exercises", "datasets", "tests", "tools", "benchmarks")


def _relative_if_possible(path: Path, base: Path) -> str:
    try:
        return str(path.resolve().relative_to(base.resolve()))
    except ValueError:
        return str(path.resolve())


def run_case(case: str, params: dict | None = None, out_dir=None, progress: bool = True,
             timeout: int = 1800) -> Path:
    """Run a case study notebook with parameters; write the executed notebook and an HTML report.

    Parameters
    ----------
    case : {"retail", "subscription", "b2b"}
        Which case study.
    params : dict, optional
        Notebook parameters (see :func:`case_parameters`), checked first by
        :func:`check_parameters`. ``output_dir`` is set to ``out_dir``
        unless given. Relative paths (``transactions_csv``) start in the
        current working directory.
    out_dir : str or Path, optional
        Folder for the results; default ``output/cases/<case>-<time>-<hash>/``
        in the checkout (``output/`` is not under version control).
    progress : bool
        Show papermill's progress bar (one step per cell).
    timeout : int
        Seconds allowed per cell; a cell that takes longer stops the run.

    Returns
    -------
    Path
        The output folder, holding ``<case>.ipynb`` (executed),
        ``<case>.html`` (report without code) and ``summary.json``.

    """
    params = dict(params or {})
    if case not in CASES:
        raise CRMDataError(f"unknown case {case!r}; choose one of: {', '.join(CASES)}.")
    check_parameters(case, params)
    try:
        import papermill
    except ImportError as err:  # pragma: no cover - papermill is a dependency
        raise CRMDataError("running a case study needs papermill: pip install papermill") from err
    import nbformat
    from nbconvert import HTMLExporter

    src = notebook_path(case)
    if out_dir is None:
        digest = hashlib.sha256(json.dumps(params, sort_keys=True, default=str).encode()).hexdigest()[:8]
        stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        out_dir = src.parents[2] / "output" / "cases" / f"{case}-{stamp}-{digest}"
    out = Path(out_dir)
    root = src.parents[2].resolve()
    for folder in _SOURCE_FOLDERS:
        if (root / folder) == out.resolve() or (root / folder) in out.resolve().parents:
            raise CRMDataError(f"output folder {out} is inside {folder}/, among the sources; choose a folder "
                               "outside them, e.g. output/cases/my-run (the default is under output/).")
    out.mkdir(parents=True, exist_ok=True)
    cwd = Path.cwd()
    params.setdefault("output_dir", _relative_if_possible(out, cwd))
    if isinstance(params.get("transactions_csv"), Path):
        params["transactions_csv"] = str(params["transactions_csv"])
    nb_out = out / f"{case}.ipynb"
    try:
        papermill.execute_notebook(str(src), str(nb_out), parameters=params, progress_bar=progress,
                                   cwd=str(cwd), kernel_name="python3", execution_timeout=timeout,
                                   report_mode=False)
    except papermill.PapermillExecutionError as err:
        raise CRMDataError(f"the {case} case study stopped in cell {err.exec_count} with "
                           f"{err.ename}: {err.evalue}\n(see the executed notebook {nb_out})") from None
    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(nbformat.read(nb_out, as_version=4))
    (out / f"{case}.html").write_text(body, encoding="utf-8")
    return out


def _value(text: str):
    """Parse a command-line value: a Python literal if possible, else the text."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def _pairs(items, what):
    result = {}
    for item in items or []:
        if "=" not in item:
            raise CRMDataError(f"{what} expects NAME=VALUE, got {item!r}.")
        k, v = item.split("=", 1)
        result[k.strip()] = v.strip()
    return result


def main(argv=None) -> int:
    """Run the command line ``python -m crmlearn.casestudy CASE [-p NAME=VALUE ...] [--csv FILE ...]``.

    Returns the exit code (0 on success, 2 on a bad case, parameter or CSV
    file, 1 when the notebook stops with an error).
    """
    parser = argparse.ArgumentParser(
        prog="python -m crmlearn.casestudy",
        description="Run a crmlearn case study with your parameters and write the executed notebook, "
                    "an HTML report (without code) and summary.json into an output folder.",
        epilog="examples:\n"
               "  python -m crmlearn.casestudy retail -p seed=7 -p margin=0.35 --out output/cases/r7\n"
               "  python -m crmlearn.casestudy retail \\\n"
               "      --csv datasets/examples/kassenexport_gipfelglueck.csv --returns negative \\\n"
               "      --map customer_id=Kundennummer --map date=Datum --map amount=Umsatz\n"
               "  python -m crmlearn.casestudy b2b --list",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("case", help=f"one of: {', '.join(CASES)}")
    parser.add_argument("-p", "--param", action="append", metavar="NAME=VALUE",
                        help="notebook parameter, e.g. -p seed=7 -p margin=0.35 -p n_customers=800 "
                             "(values are Python literals; None for none); see --list")
    parser.add_argument("--csv", metavar="PATH", help="your transactions CSV (= -p transactions_csv=PATH)")
    parser.add_argument("--map", action="append", metavar="OURS=YOURS",
                        help="column mapping for the CSV, e.g. --map customer_id=Kundennummer")
    parser.add_argument("--returns", choices=["error", "negative"],
                        help="negative amounts in the CSV: an error (default) or returns")
    parser.add_argument("--out", metavar="DIR",
                        help="output folder (default output/cases/<case>-<time>-<hash>/ in the checkout)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument("--list", action="store_true", help="show the parameters and defaults, then stop")
    args = parser.parse_args(argv)
    try:
        if args.case not in CASES:
            raise CRMDataError(f"unknown case {args.case!r}; choose one of: {', '.join(CASES)}.")
        if args.list:
            print(_parameters_cell(args.case))
            return 0
        params = {k: _value(v) for k, v in _pairs(args.param, "-p").items()}
        if args.csv:
            params["transactions_csv"] = args.csv
        if args.map:
            params["csv_columns"] = _pairs(args.map, "--map")
        if args.returns:
            params["csv_returns"] = args.returns
        check_parameters(args.case, params)
    except CRMDataError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    try:
        out = run_case(args.case, params, out_dir=args.out, progress=not args.no_progress)
    except CRMDataError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    shown = _relative_if_possible(out, Path.cwd())
    print(f"done: {shown}/{args.case}.html (report), {args.case}.ipynb (executed notebook), summary.json")
    return 0
