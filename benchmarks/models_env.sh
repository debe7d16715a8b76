#!/usr/bin/env bash
# Benchmark crmlearn.models against the `lifetimes` library in a separate venv.
#
# The competitor never enters the project environment: this script builds its
# own venv (default ${TMPDIR:-/tmp}/crmlearn-bench-models), installs crmlearn
# from this checkout plus lifetimes 0.11.3, and runs benchmarks/bench_models.py.
#
# lifetimes 0.11.3 (2020) runs on numpy 1.26 / pandas 2.1 / scipy 1.11 but not
# on numpy 2 / pandas 3, so this venv pins those versions (they also satisfy
# crmlearn's minimum versions). crmlearn is installed without its notebook
# dependencies (jupyterlab, widgets, plotting), which the models do not use.
#
# Usage: bash benchmarks/models_env.sh [arguments for bench_models.py]
#   e.g. bash benchmarks/models_env.sh --runs 7 --big-runs 3
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
checkout="$(dirname "$here")"
venv="${CRMLEARN_BENCH_VENV:-${TMPDIR:-/tmp}/crmlearn-bench-models}"
python="${PYTHON:-python3}"

if [ ! -x "$venv/bin/python" ]; then
    echo "Creating benchmark venv in $venv"
    "$python" -m venv "$venv"
fi
pip=("$venv/bin/python" -m pip install --quiet --disable-pip-version-check)
"${pip[@]}" "numpy==1.26.4" "pandas==2.1.4" "scipy==1.11.4" "autograd>=1.5" "dill>=0.3"
"${pip[@]}" --no-deps "lifetimes==0.11.3"
# A regular (non-editable) install: the wheel carries datasets/ inside the package.
"${pip[@]}" --no-deps --force-reinstall "$checkout"

cd "${TMPDIR:-/tmp}"  # run outside the checkout so the installed crmlearn is used
# Two cores, as in the project's speed target.
export OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2 MKL_NUM_THREADS=2
pin=()
if command -v taskset >/dev/null && [ "$(nproc)" -gt 2 ]; then pin=(taskset -c 0,1); fi
exec "${pin[@]}" "$venv/bin/python" "$checkout/benchmarks/bench_models.py" "$@"
