"""Real-browser tests: JupyterLab and Voila served on localhost, driven by Playwright.

Chromium comes from the system (Debian's package, installed by
``python3 workbook.py test`` when missing); Playwright's own browser download
is not used. Without a browser the tests are skipped, except under CI
(``CI=true``), where a missing browser is a failure.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
sys.path.insert(0, str(ROOT))
from workbook import find_chromium  # noqa: E402

pytestmark = pytest.mark.browser


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def chromium_path():
    path = find_chromium()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("CI: no Chromium found for the browser tests (apt-get install chromium)")
        pytest.skip("no Chromium found; install it or set CRMLEARN_CHROMIUM")
    return path


@pytest.fixture
def jupyter_env(tmp_path):
    """Throw-away Jupyter config, settings and runtime folders: no user state leaks."""
    env = dict(os.environ)
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTERLAB_SETTINGS_DIR", "JUPYTERLAB_WORKSPACES_DIR",
                 "JUPYTER_RUNTIME_DIR", "IPYTHONDIR"):
        folder = tmp_path / name.lower()
        folder.mkdir()
        env[name] = str(folder)
    # Render every cell (no virtual scrolling), so selectors find all outputs.
    tracker = Path(env["JUPYTERLAB_SETTINGS_DIR"]) / "@jupyterlab" / "notebook-extension"
    tracker.mkdir(parents=True)
    (tracker / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    # Never write the executed notebook back, and no news pop-ups over the page.
    settings = Path(env["JUPYTERLAB_SETTINGS_DIR"]) / "@jupyterlab"
    (settings / "docmanager-extension").mkdir()
    (settings / "docmanager-extension" / "plugin.jupyterlab-settings").write_text(
        json.dumps({"autosave": False}))
    (settings / "apputils-extension").mkdir()
    (settings / "apputils-extension" / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    env["JUPYTER_TOKEN"] = "crmlearn-test-" + os.urandom(8).hex()
    env["MPLBACKEND"] = "Agg"
    return env


def wait_for_http(url: str, proc: subprocess.Popen, log: Path, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"server did not answer {url} within {timeout:.0f} s:\n{log.read_text()[-3000:]}")


class Server:
    """A server process started from the project's own set-up command."""

    def __init__(self, args, env, ready_path, tmp_path, name):
        self.port = free_port()
        self.token = env["JUPYTER_TOKEN"]
        self.log = tmp_path / f"{name}.log"
        self._log_file = self.log.open("w")
        cmd = [sys.executable, str(ROOT / "workbook.py"), *args, f"--port={self.port}", "--no-browser"]
        if os.geteuid() == 0 and args[0] == "lab":
            cmd.append("--allow-root")
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=self._log_file,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        self.base = f"http://127.0.0.1:{self.port}"
        try:
            wait_for_http(self.base + ready_path.format(token=self.token), self.proc, self.log)
        except Exception:
            self.stop()
            raise

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, 15)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, 9)
        self._log_file.close()


@pytest.fixture
def browser_page(chromium_path, tmp_path, request):
    """A Chromium page that can reach only localhost; screenshot saved after the test."""
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=chromium_path, headless=True,
            viewport={"width": 1400, "height": 1000},
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )

        def only_loopback(route):
            url = route.request.url
            if url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:")):
                return route.continue_()
            return route.abort()

        context.route("**/*", only_loopback)
        page = context.pages[0] if context.pages else context.new_page()
        page.set_default_timeout(120_000)
        try:
            yield page
        finally:
            shot = ARTIFACTS / f"{request.node.name}.png"
            try:
                page.screenshot(path=str(shot), full_page=False)
            except Exception:  # the page may be gone after a crash; the test result says why
                pass
            context.close()
