"""python -m dashboard.report: the management reports from the command line (SPEC §6).

    python -m dashboard.report quarterly --quarter 2026Q3 --format pdf|pptx --out FILE [--lang zh|en]
                                         [--data DIR] [--filter DIM=VALUE[,VALUE]]...
    python -m dashboard.report monthly --month 2026-10 --out FILE.xlsx [--lang zh|en] [--data DIR]
                                       [--filter DIM=VALUE[,VALUE]]...

Exit 0 when the file was written, 2 on wrong usage (unknown quarter or month, bad filter, no
warehouse), 1 when the report could not be made for another reason.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

# dashboard.data's KPI_DIMENSIONS (not imported: --help answers without loading Streamlit); the owner
# department selects the KPIs that department owns, as the sidebar's filter does
DIMENSIONS = ("owner_department", "region", "service_center", "product_line", "customer_tier", "channel")


def _quiet_streamlit() -> None:
    """dashboard.data's queries are st.cache_data functions; outside a Streamlit server each one logs
    'No runtime found' when defined. That is expected here, so streamlit logs errors only."""
    import streamlit.logger

    streamlit.logger.set_log_level(logging.ERROR)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m dashboard.report", description="Management reports (SPEC §6).")
    sub = p.add_subparsers(dest="command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--out", required=True, help="the file to write")
    common.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of the report (default zh)")
    common.add_argument("--data", help="data directory (default: $AFTERSALES_DATA, else data/)")
    common.add_argument(
        "--filter",
        action="append",
        default=[],
        metavar="DIM=VALUE[,VALUE]",
        help=f"restrict to dimension values, repeatable; DIM one of {', '.join(DIMENSIONS)}",
    )
    q = sub.add_parser("quarterly", parents=[common], help="quarterly report (PDF or PPTX)")
    q.add_argument("--quarter", required=True, help="e.g. 2026Q3")
    q.add_argument("--format", choices=("pdf", "pptx"), help="default: from the --out suffix")
    m = sub.add_parser("monthly", parents=[common], help="monthly after-sales statistics (XLSX)")
    m.add_argument("--month", required=True, help="e.g. 2026-10")
    return p


def _filters(specs: list[str]):
    """--filter region=华北 --filter channel=phone,wechat as dashboard.data.Filters dimensions. The
    command line reads the whole warehouse, unmasked: whoever runs it holds the data directory."""
    from dashboard.data import EVERYTHING, Filters
    from dashboard.i18n import t
    from dashboard.report import ReportError

    dims: dict[str, list[str]] = {}
    for spec in specs:
        dim, _, values = spec.partition("=")
        dim = dim.strip()
        chosen = [v.strip() for v in values.split(",") if v.strip()]
        if dim not in DIMENSIONS or not chosen:
            raise ReportError(t("rpt_err_filter", dims=", ".join(DIMENSIONS), value=spec))
        dims.setdefault(dim, []).extend(chosen)
    return Filters(dims=tuple((d, tuple(dict.fromkeys(v))) for d, v in dims.items()), scope=EVERYTHING)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    out = Path(args.out)
    fmt = None
    renderer = None
    if args.command == "quarterly":
        fmt = args.format or out.suffix.lower().lstrip(".")
        if fmt not in ("pdf", "pptx"):
            print(
                f"python -m dashboard.report: error: --format pdf|pptx (or an --out ending in .pdf / .pptx): "
                f"{args.out}",
                file=sys.stderr,
            )
            return 2
        from dashboard.report.png import BrowserMissing, Renderer

        try:  # start Chromium now: it comes up while the rest is imported and the figures are gathered
            renderer = Renderer()
        except BrowserMissing:
            renderer = None  # quarterly_report reports it, in the chosen language
    _quiet_streamlit()
    from dashboard.data import WarehouseMismatch
    from dashboard.i18n import t, using
    from dashboard.report import ReportError, monthly_report, quarterly_report
    from pipelines.build import warehouse_path
    from pipelines.settings import data_dir

    try:
        with using(args.lang):
            filters = _filters(args.filter)
        if args.command == "quarterly":
            body = quarterly_report(args.quarter, fmt, args.lang, filters, args.data, renderer=renderer)
        else:
            body = monthly_report(args.month, args.lang, filters, args.data)
    except ReportError as e:
        print(f"python -m dashboard.report: error: {e}", file=sys.stderr)
        return 2
    except WarehouseMismatch as e:  # a column an older version's build did not make
        with using(args.lang):
            message = t("rpt_err_mismatch", path=warehouse_path(data_dir(args.data)), reason=str(e))
        print(f"python -m dashboard.report: error: {message}", file=sys.stderr)
        return 2
    finally:
        if renderer is not None:
            renderer.close()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    tmp.write_bytes(body)
    os.replace(tmp, out)  # a reader never sees half a file
    print(f"{out} ({len(body):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
