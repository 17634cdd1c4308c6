"""Thin command line over the library: load, check, build, demo, generate (SPEC §6).

Exit codes: 0 done (rejected rows allowed), 1 a file refused / nothing loaded / build failed,
2 wrong usage (argparse's own code, also used for bad settings or mapping files).
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from .contract import SOURCES
from .mapping import MappingError, load_mapping
from .settings import ROOT, SettingsError, data_dir, load_settings

if TYPE_CHECKING:  # imported when run: `build` does without the ingest modules
    from .ingest import LoadResult

SAMPLE_DATA = ROOT / "sample_data"
# sample_data/ is a snapshot taken at this time; the demo builds as of it so its numbers never drift
SAMPLE_AS_OF = datetime(2026, 11, 1)


def _as_of(text: str | None) -> datetime | None:
    if text is None:
        return None
    for fmt in ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            pass
    raise argparse.ArgumentTypeError(f"--as-of: not a time: {text!r} (use YYYY-MM-DD[ HH:MM[:SS]])")


def print_result(result: LoadResult, verb: str) -> None:
    for f in result.files:
        where = f"{f.file_name} [{f.source or '?'}{', ' + f.encoding if f.encoding else ''}]"
        if f.status == "skipped":
            print(f"{where}: skipped as duplicate ({f.message})")
        elif f.status == "refused":
            print(f"{where}: REFUSED — {f.message}")
        else:
            line = f"{where}: read {f.rows_read}, accepted {f.rows_accepted}"
            if f.records is not None:  # a versioned profile (SPEC §3)
                line += f" ({f.records} records, {f.rows_accepted - f.records} earlier versions)"
            line += f", rejected {f.rows_rejected}"
            if f.top_reasons:
                line += " (" + "; ".join(f"{n}× {r}" for r, n in f.top_reasons) + ")"
            if f.message:
                line += f"; {f.message}"
            print(line)
    if result.unknown_customers:
        print(f"warning: {result.unknown_customers} ticket(s) refer to unknown customers (kept)")
    if result.refused:
        print(f"{verb} refused: nothing of this load was written")
    elif verb == "load":
        print("loaded" if result.committed else "nothing new to load", f"({result.seconds:.1f} s)")


def _progress(i: int, n: int, name: str) -> None:
    print(f"[{i + 1}/{n}] reading {name} …", file=sys.stderr, flush=True)


def _notify(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _build(data: Path, settings, as_of) -> int:
    from .build import BuildError, build
    from .landing import LockBusy

    try:
        info = build(data, settings, as_of, notify=_notify)
    except (BuildError, LockBusy) as exc:
        print(f"build failed, the previous warehouse keeps serving: {exc}", file=sys.stderr)
        return 1
    print(f"built {info['path']} as of {info['as_of']} ({info['seconds']:.1f} s)")
    return 0


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DO_NOT_TRACK", "1")
    p = argparse.ArgumentParser(prog="python -m pipelines", description="After-sales service data pipelines")
    sub = p.add_subparsers(dest="command", required=True)
    for name in ("load", "check"):
        s = sub.add_parser(name, help=f"{name} source files (CSV, XLSX, Parquet)")
        s.add_argument("paths", nargs="+", metavar="PATH")
        s.add_argument("--source", choices=list(SOURCES))
        s.add_argument("--mapping", metavar="FILE")
        s.add_argument("--encoding", help="force a CSV encoding (utf-8, utf-8-sig, gbk)")
        if name == "load":
            s.add_argument("--as-of", type=_as_of)
            s.add_argument("--data")
            s.add_argument("--no-build", action="store_true", help="land the files, do not rebuild")
    s = sub.add_parser("build", help="rebuild the warehouse from the landing store")
    s.add_argument("--as-of", type=_as_of)
    s.add_argument("--data")
    s = sub.add_parser("demo", help="load sample_data/ and build the warehouse")
    s.add_argument("--data")
    s.add_argument("--as-of", type=_as_of)
    s = sub.add_parser("generate", help="write synthetic exports")
    s.add_argument("--out", required=True)
    s.add_argument("--tickets", type=int, default=3000)
    s.add_argument("--seed", type=int, default=7)
    s.add_argument("--format", choices=["demo", "csv"], default="demo")
    args = p.parse_args(argv)

    try:
        settings = load_settings()
        mapping = load_mapping(getattr(args, "mapping", None))
    except (SettingsError, MappingError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    data = data_dir(getattr(args, "data", None))

    if args.command == "generate":
        from .generate import generate

        counts = generate(Path(args.out), tickets=args.tickets, seed=args.seed, settings=settings, formats=args.format)
        print(", ".join(f"{k} {v}" for k, v in counts.items()), "→", args.out)
        return 0
    if args.command == "build":
        return _build(data, settings, args.as_of)
    from . import ingest  # not for `build`: its readers import pyarrow and numpy
    from .landing import LockBusy

    if args.command == "demo":
        try:
            result = ingest.run(
                [SAMPLE_DATA], settings, data, progress=_progress if sys.stderr.isatty() else None, notify=_notify
            )
        except LockBusy as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        print_result(result, "load")
        if result.refused:
            return 1
        return _build(data, settings, args.as_of or SAMPLE_AS_OF)
    missing = [x for x in args.paths if not Path(x).exists()]
    if missing:
        print(f"error: no such file: {', '.join(missing)}", file=sys.stderr)
        return 2
    try:
        result = ingest.run(
            args.paths,
            settings,
            data,
            source=args.source,
            mapping=mapping,
            encoding=args.encoding,
            commit=args.command == "load",
            progress=_progress if sys.stderr.isatty() else None,
            notify=_notify,
        )
    except LockBusy as exc:
        print(f"load refused: {exc}", file=sys.stderr)
        return 1
    print_result(result, args.command)
    code = result.exit_code
    if args.command == "load" and result.committed and not args.no_build:
        code = max(code, _build(data, settings, args.as_of))
    return code
