"""Plotly figures to PNG with kaleido 1.x, which drives a headless Chrome: Debian's chromium here
(BROWSER_PATH, or chromium on the PATH; nothing is downloaded).

Starting the browser takes longer than drawing a report's charts, so `Renderer` starts it on a
thread of its own as soon as it is created; the caller gathers the figures meanwhile and then
renders every chart of the report in that one session (one tab, one figure after another: a
second tab costs more to open than it saves on a dozen figures). Kept free of heavy imports so
the command line can start the browser before it loads pandas, scipy and streamlit.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import threading

SCALE = 2  # device pixels per CSS pixel: sharp in print and on a projector


class BrowserMissing(Exception):
    """No Chromium to draw the charts with."""


def browser_path() -> str:
    path = (
        os.environ.get("BROWSER_PATH")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
        or shutil.which("google-chrome")
    )
    if not path or not os.path.exists(path):
        raise BrowserMissing("no Chromium (install Debian's chromium, or set BROWSER_PATH)")
    return path


class Renderer:
    """One headless Chromium session for the charts of a report; use as a context manager."""

    def __init__(self) -> None:
        path = browser_path()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="report-charts", daemon=True)
        self._thread.start()
        self._kaleido = asyncio.run_coroutine_threadsafe(self._open(path), self._loop)

    async def _open(self, path: str):
        from kaleido import Kaleido

        class _Session(Kaleido):
            """Kaleido reloads its tab after every figure (a fresh page per image, re-parsing plotly.js);
            for the dozen figures of one report that reload is two thirds of the drawing time and changes
            no pixel (same bytes either way, checked on the demo report), so the tab is reused as it is."""

            async def _return_kaleido_tab(self, tab) -> None:
                await self.tabs_ready.put(tab)

        # mathjax=False: no CDN request (the charts use no LaTeX); kaleido runs Chromium without its
        # sandbox by default, which it needs as root in a container.
        k = _Session(n=1, timeout=120, mathjax=False, path=path)
        await k.__aenter__()
        return k

    async def _render(self, k, charts: list) -> list[bytes]:
        return [
            await k.calc_fig(c.figure, opts={"format": "png", "width": c.width, "height": c.height, "scale": SCALE})
            for c in charts
        ]

    def render(self, charts: list) -> None:
        """Fill in `png` of every chart (dashboard.report.model.Chart) that has none yet."""
        todo = [c for c in charts if c.png is None]
        if not todo:
            return
        k = self._kaleido.result()
        images = asyncio.run_coroutine_threadsafe(self._render(k, todo), self._loop).result()
        for chart, png in zip(todo, images, strict=True):
            chart.png = png

    def close(self) -> None:
        if self._loop.is_closed():
            return
        try:
            k = self._kaleido.result()
            asyncio.run_coroutine_threadsafe(k.__aexit__(None, None, None), self._loop).result(timeout=30)
        except Exception:  # noqa: BLE001 - closing after a failed start: nothing left to close
            pass
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=30)
            self._loop.close()

    def __enter__(self) -> Renderer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
