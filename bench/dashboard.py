"""Dashboard benchmark on the 1M-ticket warehouse (issue 4 targets: every page's queries p95 ≤ 150 ms,
first render ≤ 2 s, a session's memory ≤ 150 MB).

- Query time: each page is run through AppTest 20 times after one warm-up; before every run the
  query cache is cleared, and the wall time the page's script spends in the query runners of
  dashboard.data.connection (run, run_bundle, run_parallel: DuckDB and the shaping of its results)
  is summed. The warehouse file is warm in the OS cache, the Streamlit cache is not.
- Render time: a fresh server and a fresh Chromium; the app's entry page (Overview) is opened,
  then every other page from the sidebar (cold query cache each), and each is timed until the
  script has finished, nothing is still loading and every visible chart is drawn. The entry page's
  time includes loading Streamlit's frontend and plotly.js into the browser, so it is reported
  apart from the pages opened from the sidebar.
- Floor of the first load: a fresh server and browser showing bench/baseline/hello_plotly.py (a
  title and one three-point plotly chart), timed the same way: what Streamlit's frontend and
  plotly.js cost on this machine before the app does anything.
- Session memory: RSS growth of the server over a session that visits every page with queries of
  its own, after a first session; the first session's growth (which also fills the process-wide
  caches: DuckDB's blocks, the shared query cache) is printed beside it.
"""

from __future__ import annotations

import logging
import os
import statistics
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["overview", "departments", "trends", "complaints", "satisfaction", "costs", "data_admin"]
RUNS = 20


def _rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def query_times(data: Path) -> dict[str, list[float]]:
    os.environ["AFTERSALES_DATA"] = str(data)
    # the app runs outside a Streamlit server here: its cache and script-context warnings
    # ("No runtime found", "missing ScriptRunContext") would be printed into the benchmark's table
    # (disabled rather than given a level: Streamlit sets every logger's level when it loads its config)
    for name in ("streamlit.runtime.caching.cache_data_api", "streamlit.runtime.scriptrunner_utils.script_run_context"):
        logging.getLogger(name).disabled = True
    from dashboard.serve import preload

    preload()  # as the server does before its first visitor (and before dashboard.data's caches are made)

    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from dashboard.data import connection
    from tests.dashboard.pages import SCRIPTS

    spent = [0.0]
    originals = {name: getattr(connection, name) for name in ("run", "run_bundle", "run_parallel")}

    def timed(fn):
        def wrapper(*args, **kwargs):
            # only the script thread's calls count: the pool threads of run_parallel run inside a
            # timed call, and their overlapping times must not be added up
            if threading.current_thread().name.startswith(connection.POOL_THREADS):
                return fn(*args, **kwargs)
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[0] += time.perf_counter() - start

        return wrapper

    for name, fn in originals.items():
        setattr(connection, name, timed(fn))
    out = {}
    try:
        for page in PAGES:
            at = AppTest.from_file(str(ROOT / "dashboard" / "streamlit_app.py"), default_timeout=300).run()
            samples = []
            for i in range(RUNS + 1):
                st.cache_data.clear()
                spent[0] = 0.0
                at.switch_page(SCRIPTS[page]).run()
                if at.exception:
                    raise RuntimeError(f"{page}: {at.exception}")
                if i:  # the first run warms the file cache
                    samples.append(spent[0] * 1000)
            out[page] = samples
    finally:
        for name, fn in originals.items():
            setattr(connection, name, fn)
    return out


def render_times(data: Path) -> tuple[dict[str, float], float, float]:
    """A fresh server (python -m dashboard.serve, as `make run`) and a fresh browser: the app's
    entry page (Overview) is opened, then every other page through the sidebar, each with a cold
    query cache. Returns the seconds to each fully rendered page (every chart drawn), the server's
    RSS growth over that first session (process-wide caches and DuckDB's block cache included), and
    the growth over a second session (English, another period and region: queries of its own) that
    visits every page after it."""
    from tests.e2e.browser import PAGES as URLS
    from tests.e2e.browser import browser, open_app, open_page, served

    times = {}
    with served(data) as (url, proc), browser() as b:
        base = _rss_mib(proc.pid)
        page = b.new_page(viewport={"width": 1440, "height": 1000})
        times[URLS[0]] = open_app(page, url, "zh")
        for i in range(1, len(URLS)):
            times[URLS[i]] = open_page(page, i, "zh")
        page.close()
        first = _rss_mib(proc.pid) - base
        page = b.new_page(viewport={"width": 1440, "height": 1000})
        open_app(page, url, "en", query="period=month&from=2026-01&to=2026-06&region=%E5%8D%8E%E5%8D%97")
        for i in range(1, len(URLS)):
            open_page(page, i, "en")
        page.close()
        second = _rss_mib(proc.pid) - base - first
    return times, first, second


def floor_render() -> float:
    """The same first load (fresh server, fresh browser, until fully rendered) of the least page
    Streamlit and plotly.js can show: a title and one small chart (bench/baseline/hello_plotly.py)."""
    from tests.e2e.browser import browser, served, settle

    with served(ROOT, script=ROOT / "bench" / "baseline" / "hello_plotly.py") as (url, _), browser() as b:
        page = b.new_page(viewport={"width": 1440, "height": 1000})
        start = time.perf_counter()
        page.goto(url, wait_until="domcontentloaded")
        page.get_by_role("heading", name="Hello", exact=True).first.wait_for(timeout=60_000)
        seconds = settle(page) - start
        page.close()
    return seconds


def run(data: Path) -> None:
    q = query_times(data)
    r, first, second = render_times(data)
    floor = floor_render()
    print("\n| page | queries p50 ms | queries p95 ms | first render s |")
    print("| --- | ---: | ---: | ---: |")
    worst_q, worst_r = 0.0, 0.0
    for page, url in zip(PAGES, list(r), strict=True):
        p50 = statistics.median(q[page])
        p95 = statistics.quantiles(q[page], n=20)[18]
        worst_q = max(worst_q, p95)
        if url != "overview":
            worst_r = max(worst_r, r[url])
        print(f"| {url} | {p50:.0f} | {p95:.0f} | {r[url]:.2f} |")
    entry = r["overview"]
    print(f"\nslowest page queries p95 = {worst_q:.0f} ms (target ≤ 150): {'met' if worst_q <= 150 else 'MISSED'}")
    print(
        f"slowest first render of a page opened from the sidebar = {worst_r:.2f} s (target ≤ 2): "
        f"{'met' if worst_r <= 2 else 'MISSED'}"
    )
    print(
        f"first load of the app in a fresh browser (overview; loads Streamlit's frontend and plotly.js) "
        f"= {entry:.2f} s (target ≤ 2): {'met' if entry <= 2 else 'MISSED'}"
    )
    print(
        f"  floor: the same first load of a Streamlit page with only a title and one small plotly chart = {floor:.2f} s"
    )
    print(f"server memory growth, first session (process-wide caches included) = {first:.0f} MiB")
    print(
        f"session memory, a further session with its own queries = {second:.0f} MiB (target ≤ 150): "
        f"{'met' if second <= 150 else 'MISSED'}"
    )
