"""Serve the dashboard: `python -m dashboard.serve [streamlit options]` is `streamlit run
dashboard/streamlit_app.py [options]` with the app's modules (pandas, scipy.stats, plotly, DuckDB)
imported and plotly's figure code warmed before the server takes its first visitor, so that the
first page a user opens is not also the one that pays ~2 s of imports (`make run` and the browser
tests use it). The hardening of SPEC §9 goes on the command line from the settings (options), as
.streamlit/config.toml cannot depend on the auth mode."""

from __future__ import annotations

import atexit
import gc
import logging
import sys
from pathlib import Path

APP = Path(__file__).resolve().parent / "streamlit_app.py"


def preload() -> None:
    """Import what every page needs, build one small figure (plotly loads its validators and
    JSON encoder on first use) and freeze what is loaded out of the garbage collector's way. The query caches are decorated outside a Streamlit runtime here,
    which Streamlit reports once per function; that notice is not for the console."""
    caching = logging.getLogger("streamlit.runtime.caching.cache_data_api")
    level = caching.level
    caching.setLevel(logging.ERROR)
    try:
        import plotly.graph_objects as go
        import plotly.io as pio

        from dashboard import (  # noqa: F401 — imported for their side effect of loading
            access,
            charts,
            data,
            export,
            gate,
            i18n,
            sidebar,
            stats,
            ui,
        )
        from dashboard.app_pages.complaints import (  # noqa: F401 — the parts the page script imports
            capa,
            causes,
            complaint_list,
            kpis,
            matrix,
            open_complaints,
            rate,
        )
        from dashboard.app_pages.satisfaction import (  # noqa: F401 — the parts the page script imports
            by_month,
            comments,
            drivers,
            followup,
            items,
            rates,
            response,
            tiers,
        )

        pio.to_json(go.Figure(go.Bar(x=["a"], y=[1])), validate=True)
    finally:
        caching.setLevel(level)
    # the modules' objects live as long as the server: keep them out of the garbage collector's
    # full collections, which otherwise pause a page for ~100 ms whenever they run
    gc.collect()
    gc.freeze()
    atexit.register(gc.unfreeze)  # collectable again at exit, or nanobind (DuckDB) reports leaks


def options(mode: str, argv: list[str]) -> list[str]:
    """Streamlit options for auth mode `mode` ahead of the caller's `argv`: XSRF protection always;
    with sign-in on, no error details (a traceback names files and values); in mode none, served on
    127.0.0.1 only unless `argv` names an address."""
    out = ["--server.enableXsrfProtection", "true"]
    if mode != "none":
        out += ["--client.showErrorDetails", "none"]
    elif not any(a == "--server.address" or a.startswith("--server.address=") for a in argv):
        out += ["--server.address", "127.0.0.1"]
    return out + list(argv)


def main(argv: list[str] | None = None) -> int:
    from streamlit.web import cli

    from pipelines.settings import load_settings

    mode = load_settings().auth.mode
    preload()
    sys.argv = ["streamlit", "run", str(APP), *options(mode, sys.argv[1:] if argv is None else argv)]
    return cli.main()


if __name__ == "__main__":
    sys.exit(main())
