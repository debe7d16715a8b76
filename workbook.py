#!/usr/bin/env python3
"""Set up and run the crmlearn workbook with nothing but Python 3.10+.

    python3 workbook.py lab     # open the workbook in JupyterLab (localhost, with a token)
    python3 workbook.py test    # run the whole test suite
    python3 workbook.py app     # the what-if dashboard without code (Voila, localhost)
    python3 workbook.py slides notebooks/05_customer_lifetime_value.ipynb
                                # a reveal.js slide deck (HTML) in output/slides/
    python3 workbook.py case retail -p seed=7 -p margin=0.35
                                # run a case study: executed notebook + HTML report in output/cases/

Both commands use the active virtual environment or conda environment if
there is one; otherwise they create ``.venv/`` in this folder and install
crmlearn into it (again only when ``pyproject.toml`` changed). Extra arguments
are passed on: ``python3 workbook.py test -k summary`` or
``python3 workbook.py lab --port 9999``.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
FIRST_NOTEBOOK = "notebooks/00_start_here.ipynb"
APP_NOTEBOOK = "notebooks/whatif_app.ipynb"


def _say(msg: str) -> None:
    print(f"[workbook] {msg}", flush=True)


def _in_environment() -> bool:
    return sys.prefix != sys.base_prefix or bool(os.environ.get("CONDA_PREFIX"))


def python() -> Path:
    """Return the interpreter to use: the active environment's, else .venv's (created if needed)."""
    if _in_environment():
        return Path(sys.executable)
    exe = VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    if not exe.exists():
        _say(f"creating a virtual environment in {VENV.name}/ ...")
        venv.EnvBuilder(with_pip=True).create(VENV)
    return exe


def install(py: Path, extras: str) -> None:
    """pip-install crmlearn (editable) with the extras, unless already done for this pyproject."""
    stamp_dir = Path(subprocess.run([str(py), "-c", "import sys; print(sys.prefix)"],
                                    capture_output=True, text=True, check=True).stdout.strip())
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()[:16]
    stamp = stamp_dir / f".crmlearn-installed-{extras or 'base'}"
    if stamp.exists() and stamp.read_text().strip() == digest:
        return
    if not extras:  # the test extras include everything the base install has
        test_stamp = stamp_dir / ".crmlearn-installed-test"
        test_digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + b"test").hexdigest()[:16]
        if test_stamp.exists() and test_stamp.read_text().strip() == test_digest:
            return
    target = f".[{extras}]" if extras else "."
    _say(f"installing crmlearn{f'[{extras}]' if extras else ''} and its dependencies "
         "(the first run takes a few minutes) ...")
    subprocess.run([str(py), "-m", "pip", "install", "--disable-pip-version-check", "-q",
                    "-e", target], cwd=ROOT, check=True)
    stamp.write_text(digest)


def lab(args: list[str]) -> int:
    """Start JupyterLab on the workbook, bound to localhost, protected by a token."""
    py = python()
    install(py, "")
    token = os.environ.get("JUPYTER_TOKEN") or secrets.token_hex(24)
    root = [] if any(a.startswith("--ServerApp.root_dir") for a in args) else [
        f"--ServerApp.root_dir={ROOT}"]
    cmd = [str(py), "-m", "jupyterlab", *root,
           "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}",
           f"--LabApp.default_url=/lab/tree/{FIRST_NOTEBOOK}", *args]
    _say("starting JupyterLab on 127.0.0.1 (stop it with Ctrl+C) ...")
    return subprocess.call(cmd, cwd=ROOT)


def app(args: list[str]) -> int:
    """Serve the what-if dashboard with Voila: widgets only, no code, on localhost."""
    py = python()
    install(py, "")
    cmd = [str(py), "-m", "voila", str(ROOT / APP_NOTEBOOK), "--Voila.ip=127.0.0.1",
           "--VoilaExecutor.timeout=60", "--VoilaExecutor.interrupt_on_timeout=True", *args]
    _say("starting the what-if app on 127.0.0.1 (stop it with Ctrl+C) ...")
    return subprocess.call(cmd, cwd=ROOT)


def slides(args: list[str]) -> int:
    """Write reveal.js slide decks (HTML with the stored outputs) to output/slides/."""
    if not args:
        _say("name one or more lesson notebooks, e.g. notebooks/05_customer_lifetime_value.ipynb")
        return 2
    py = python()
    install(py, "")
    out = ROOT / "output" / "slides"
    cmd = [str(py), "-m", "nbconvert", "--to", "slides", f"--output-dir={out}",
           "--SlidesExporter.reveal_scroll=True", *args]
    code = subprocess.call(cmd, cwd=ROOT)
    if code == 0:
        _say(f"slides written to {out.relative_to(ROOT)}/ (open the .slides.html file in a browser)")
    return code


def case(args: list[str]) -> int:
    """Run a case study with parameters (``python -m crmlearn.casestudy``; ``--help`` lists the options)."""
    py = python()
    install(py, "")
    # runs in the caller's folder, so a relative --csv path means what the user typed
    return subprocess.call([str(py), "-m", "crmlearn.casestudy", *args])


def find_chromium() -> str | None:
    """Path of a Chromium/Chrome for the browser tests, or None."""
    env = os.environ.get("CRMLEARN_CHROMIUM")
    if env:
        return env
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def ensure_browser() -> None:
    """Install Debian's Chromium for the browser tests if missing and we may (root + apt)."""
    if find_chromium():
        return
    if os.name == "posix" and hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        _say("installing Chromium for the browser tests (apt-get) ...")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=True, env=env)
    else:
        _say("no Chromium found: the browser tests will be skipped (install chromium, or set "
             "CRMLEARN_CHROMIUM to a Chrome/Chromium binary, to run them)")


def test(args: list[str]) -> int:
    """Install the test extras and run pytest over the package, tests and notebooks."""
    py = python()
    install(py, "test")
    ensure_browser()
    cmd = [str(py), "-m", "pytest", *args]
    _say("running: pytest " + " ".join(args))
    return subprocess.call(cmd, cwd=ROOT)


def main(argv: list[str]) -> int:
    """Dispatch to a sub-command; returns the exit code."""
    commands = {"lab": lab, "test": test, "app": app, "slides": slides, "case": case}
    if not argv or argv[0] not in commands:
        print(__doc__)
        return 2
    return commands[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
