"""Serve the dashboard and drive it with Debian's Chromium through Playwright (shared by the
browser test and the benchmark). Nothing is downloaded: the browser is /usr/bin/chromium."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGES = ["overview", "departments", "trends", "complaints", "satisfaction", "costs", "data"]
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-quic",
    "--no-first-run",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def served(
    data: Path,
    port: int | None = None,
    script: Path | None = None,
    env: dict[str, str] | None = None,
    args: tuple[str, ...] = (),
    log: Path | None = None,
    host: str = "127.0.0.1",
):
    """The dashboard served as `make run` serves it, on the data directory (or another Streamlit
    `script`, run as `streamlit run` runs it), with `env` added to the environment and `args` to
    the command line, the server's stdout and stderr written to `log`; yields the base URL (on
    `host`) and the server process."""
    port = port or free_port()
    env = dict(os.environ, AFTERSALES_DATA=str(data), DO_NOT_TRACK="1", **(env or {}))
    command = ["dashboard.serve"] if script is None else ["streamlit", "run", str(script)]
    out = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115 — closed below
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            *command,
            "--server.port",
            str(port),
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
            *args,
        ],
        cwd=ROOT,
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT if log else subprocess.DEVNULL,
    )
    url = f"http://{host}:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if urllib.request.urlopen(url + "/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError("the dashboard server did not start")
            time.sleep(0.3)
        yield url, proc
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        if log:
            out.close()


@contextmanager
def browser():
    from playwright.sync_api import sync_playwright

    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        raise RuntimeError("Debian's chromium is not installed (make setup installs it)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=FLAGS, headless=True)
        try:
            yield b
        finally:
            b.close()


TITLES = {
    "zh": ["总览", "部门目标", "趋势", "客诉分析", "满意度", "服务成本", "数据"],
    "en": ["Overview", "Department targets", "Trends", "Complaints", "Satisfaction", "Costs", "Data"],
}


# The page's state: whether anything is still pending (an element of the previous run not yet
# replaced is marked stale; a lazily loaded element, plotly's chart for one, shows a skeleton until
# its code has arrived; a visible plotly chart without its SVG is not drawn yet) and a fingerprint
# of what is shown (elements and drawn charts), which must stop changing.
PAGE_STATE = """() => {
    const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].filter(el => el.offsetParent !== null);
    const pending = !!document.querySelector('[data-stale="true"], [data-testid="stSkeleton"], [data-testid="stAppSkeleton"]')
        || !charts.every(el => el.querySelector('.main-svg'));
    const shown = document.querySelectorAll('[data-testid="stElementContainer"]').length + '/'
        + document.querySelectorAll('.main-svg').length;
    return [pending, shown];
}"""


def settle(page, timeout_ms: int = 60_000) -> float:
    """Wait until the page is fully rendered: for a while (Streamlit's "running" status widget can
    appear a moment after the first elements) nothing is pending (PAGE_STATE), the status widget is
    absent and what is shown has stopped changing; then the network is idle. Returns the perf_counter time at which the page reached that
    state (the waiting after it not counted)."""
    deadline = time.monotonic() + timeout_ms / 1000
    quiet, since, last = 0, time.perf_counter(), None
    while quiet < 4:
        if time.monotonic() > deadline:
            raise TimeoutError("the page kept running")
        pending, shown = page.evaluate(PAGE_STATE)
        busy = pending or shown != last or page.locator('[data-testid="stStatusWidget"]').count() > 0
        last = shown
        if busy or quiet == 0:
            since = time.perf_counter()
        quiet = 0 if busy else quiet + 1
        page.wait_for_timeout(150)
    page.wait_for_load_state("networkidle", timeout=timeout_ms)
    return since


def open_app(page, url: str, lang: str, timeout_ms: int = 60_000, query: str = "") -> float:
    """Load the app's main page (`query`: more of the URL's query string); returns the seconds
    until it is fully rendered."""
    start = time.perf_counter()
    page.goto(f"{url}/?lang={lang}" + (f"&{query}" if query else ""), wait_until="domcontentloaded", timeout=timeout_ms)
    page.get_by_role("heading", name=TITLES[lang][0], exact=True).first.wait_for(timeout=timeout_ms)
    return settle(page, timeout_ms) - start


def open_page(page, index: int, lang: str, timeout_ms: int = 60_000) -> float:
    """Go to the index-th page through the sidebar navigation, as a user does; returns the seconds
    until it is fully rendered."""
    start = time.perf_counter()
    page.locator('[data-testid="stSidebarNavLink"]').nth(index).click()
    page.wait_for_url(f"**/{PAGES[index] if index else ''}*", timeout=timeout_ms)
    page.get_by_role("heading", name=TITLES[lang][index], exact=True).first.wait_for(timeout=timeout_ms)
    return settle(page, timeout_ms) - start
