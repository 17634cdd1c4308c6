"""Serve the dashboard: `python -m dashboard.serve [streamlit options]` is `streamlit run
dashboard/streamlit_app.py [options]` with the app's modules (pandas, scipy.stats, plotly, DuckDB)
imported and plotly's figure code warmed before the server takes its first visitor, so that the
first page a user opens is not also the one that pays ~2 s of imports (`make run` and the browser
tests use it)."""

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


def main(argv: list[str] | None = None) -> int:
    from streamlit.web import cli

    preload()
    sys.argv = ["streamlit", "run", str(APP), *(sys.argv[1:] if argv is None else argv)]
    return cli.main()


if __name__ == "__main__":
    sys.exit(main())
