"""A seeded fuzz run over mutated slices of sample_data/ (SPEC §2, §3): no traceback, no hang,
accepted + rejected = read for every file read, and a refused load changes nothing. Prints its
counts ("fuzz: 240 cases, 0 tracebacks, 0 hangs, …"); bounded to about a minute."""

import random
import signal
import time
import traceback

import openpyxl

from pipelines import ingest
from pipelines.settings import ROOT, load_settings

SETTINGS = load_settings()
SAMPLE = ROOT / "sample_data"
CASES = 240
SECONDS_PER_CASE = 20  # a case over this is a hang
HOSTILE = [
    "nan",
    "-inf",
    "1e20",
    "9223372036854775807",
    "-infinity",
    "epoch",
    "24:00:00",
    "2024-11-01T08:00+99:99",
    "10000-01-01",
    "1.000,5",
    "-0.004",
    '=HYPERLINK("x")',
    "\x01=1",
    "\x00",
    "\ufeff",
    '"',
    '""x',
    "\r",
    "合计",
]


class Hang(Exception):
    pass


def _slices():
    """(name, bytes) of small CSV slices of every sample file: the header and 30 rows."""
    out = []
    for path in sorted(SAMPLE.glob("*.csv")):
        lines = path.read_bytes().splitlines(keepends=True)
        out.append((path.name, b"".join(lines[:31])))
    ws = openpyxl.load_workbook(SAMPLE / "surveys.xlsx", read_only=True).active
    rows = [[c for c in row] for row in ws.iter_rows(max_row=31, values_only=True)]
    out.append(("surveys.csv", "\n".join(",".join("" if c is None else str(c) for c in r) for r in rows).encode()))
    return out


def _mutate(rng: random.Random, data: bytes) -> bytes:
    kind = rng.randrange(9)
    if kind == 0:  # flip bytes
        b = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            b[rng.randrange(len(b))] = rng.randrange(256)
        return bytes(b)
    if kind == 1:  # truncate
        return data[: rng.randrange(len(data))]
    if kind == 2:  # mixed line ends
        return b"".join(line + rng.choice([b"\n", b"\r\n", b"\r"]) for line in data.splitlines())
    if kind == 3:  # an over-wide line
        lines = data.splitlines(keepends=True)
        at = rng.randrange(1, len(lines))
        lines[at] = lines[at].rstrip(b"\r\n") + b",x" * rng.choice([10, 1500, 20000]) + b"\n"
        return b"".join(lines)
    if kind == 4:  # an invalid byte sequence inside a row
        lines = data.splitlines(keepends=True)
        at = rng.randrange(1, len(lines))
        lines[at] = lines[at][:5] + rng.choice([b"\xff\xfe", b"\x80", b"\xc3("]) + lines[at][5:]
        return b"".join(lines)
    if kind == 5:  # the file in another encoding
        try:
            return data.decode("utf-8").encode(rng.choice(["gbk", "utf-16", "utf-8-sig"]))
        except (UnicodeError, LookupError):
            return data
    # a hostile value in a random cell
    lines = data.decode("utf-8", errors="replace").splitlines()
    at = rng.randrange(1, len(lines))
    cells = lines[at].split(",")
    cells[rng.randrange(len(cells))] = rng.choice(HOSTILE)
    lines[at] = ",".join(cells)
    return "\n".join(lines).encode("utf-8", errors="replace")


def _store(data):
    batches = data / "landing" / "batches"
    return sorted(p.name for p in batches.iterdir()) if batches.exists() else []


def test_mutated_sample_exports_never_crash_hang_or_lose_a_row(tmp_path, capsys):
    rng = random.Random(16)
    slices = _slices()
    data = tmp_path / "data"
    tracebacks, hangs, refused, files, accepted, rejected, lost = [], 0, 0, 0, 0, 0, []

    def alarm(signum, frame):
        raise Hang

    previous = signal.signal(signal.SIGALRM, alarm)
    started = time.monotonic()
    try:
        for case in range(CASES):
            name, body = rng.choice(slices)
            path = tmp_path / f"in{case}" / name
            path.parent.mkdir()
            path.write_bytes(_mutate(rng, body))
            before = _store(data)
            signal.alarm(SECONDS_PER_CASE)
            try:
                result = ingest.run([path], SETTINGS, data, commit=rng.random() < 0.5)
            except Hang:
                hangs += 1
                continue
            except Exception:  # noqa: BLE001 - counted and shown below
                tracebacks.append(f"case {case} ({name}): {traceback.format_exc()}")
                continue
            finally:
                signal.alarm(0)
            for f in result.files:
                files += 1
                if f.status in ("loaded", "checked") and f.rows_read != f.rows_accepted + f.rows_rejected:
                    lost.append(f"case {case}: {f}")
                accepted += f.rows_accepted
                rejected += f.rows_rejected
            if result.refused:
                refused += 1
                if _store(data) != before:
                    lost.append(f"case {case}: a refused load changed the landing store")
    finally:
        signal.signal(signal.SIGALRM, previous)
    with capsys.disabled():
        print(
            f"\nfuzz: {CASES} cases, {len(tracebacks)} tracebacks, {hangs} hangs, {refused} refused, "
            f"{accepted} rows accepted, {rejected} rejected, {len(lost)} broken counts "
            f"({time.monotonic() - started:.0f} s)"
        )
    assert not tracebacks, tracebacks[0]
    assert hangs == 0
    assert not lost, lost[:3]
