"""What a lecturer and a self-learner see: widgets that render and react in a real browser."""

from __future__ import annotations

import shutil

from .conftest import ARTIFACTS, ROOT, Server

LESSON = "notebooks/05_customer_lifetime_value.ipynb"
HEADLINE = ".crmlearn-headline"
FIGURE = "img.crmlearn-figure"


def move_first_slider_and_check(page, scope=""):
    """Press the right arrow on the first slider; the CLV headline and figure must change."""
    headline = page.locator(f"{scope} {HEADLINE}").first
    figure = page.locator(f"{scope} {FIGURE}").first
    headline.wait_for()
    figure.wait_for()
    before_text = headline.inner_text()
    before_src = figure.get_attribute("src")
    handle = page.locator(f"{scope} .crmlearn-widget .widget-slider .noUi-handle").first
    handle.focus()
    for _ in range(3):
        handle.press("ArrowRight")
    page.wait_for_function(
        "([sel, old]) => { const e = document.querySelector(sel); return e && e.innerText !== old; }",
        arg=[f"{scope} {HEADLINE}".strip(), before_text], timeout=30_000,
    )
    page.wait_for_function(
        "([sel, old]) => { const e = document.querySelector(sel); return e && e.getAttribute('src') !== old; }",
        arg=[f"{scope} {FIGURE}".strip(), before_src], timeout=30_000,
    )
    return before_text, headline.inner_text()


def assert_no_widget_errors(page):
    body = page.inner_text("body")
    assert "Error displaying widget" not in body
    assert "Traceback" not in body


def accept_kernel_dialog(page):
    """JupyterLab may ask which kernel to start; take the preselected Python 3."""
    dialog = page.locator(".jp-Dialog")
    try:
        dialog.wait_for(timeout=5_000)
    except Exception:  # no dialog: the kernel started by itself
        return
    dialog.locator("button.jp-mod-accept").click()


def test_lesson_widget_in_jupyterlab(browser_page, jupyter_env, tmp_path):
    """JupyterLab from `workbook.py lab`: open the CLV lesson, run all, move a slider.

    The server works on a copy of the notebooks, so running them in the browser
    never changes the committed files.
    """
    workspace = tmp_path / "workspace"
    shutil.copytree(ROOT / "notebooks", workspace / "notebooks")
    server = Server(["lab", f"--ServerApp.root_dir={workspace}"], jupyter_env,
                    "/api/status?token={token}", tmp_path, "lab")
    page = browser_page
    try:
        page.goto(f"{server.base}/lab/tree/{LESSON}?token={server.token}")
        page.locator(".jp-Notebook").first.wait_for()
        accept_kernel_dialog(page)
        page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").first.wait_for(
            state="attached", timeout=120_000)
        page.locator("div.lm-MenuBar-itemLabel", has_text="Run").first.click()
        page.locator("li.lm-Menu-item", has_text="Run All Cells").first.click()
        page.locator(".crmlearn-widget .widget-slider").first.wait_for(timeout=180_000)
        assert_no_widget_errors(page)
        page.locator(".crmlearn-widget").first.scroll_into_view_if_needed()
        before, after = move_first_slider_and_check(page)
        assert before != after
        page.screenshot(path=str(ARTIFACTS / "jupyterlab_clv_widget.png"))
    finally:
        server.stop()


def test_voila_app(browser_page, jupyter_env, tmp_path):
    """The what-if app from `workbook.py app`: widgets only, no code, reacting to keys."""
    server = Server(["app"], jupyter_env, "/", tmp_path, "voila")
    page = browser_page
    try:
        page.goto(server.base + "/")
        page.locator(".crmlearn-widget .widget-slider").first.wait_for(timeout=180_000)
        assert_no_widget_errors(page)
        assert page.locator(".crmlearn-widget").count() >= 2, "CLV and churn widgets"
        assert page.locator(".jp-InputArea-editor, .CodeMirror, .cm-editor").count() == 0, "code is hidden"
        before, after = move_first_slider_and_check(page)
        assert before != after
        page.screenshot(path=str(ARTIFACTS / "voila_whatif_app.png"), full_page=True)
    finally:
        server.stop()
