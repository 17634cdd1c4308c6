"""Downloads neutralise formula-like text and keep numbers as numbers (SPEC §9)."""

import csv
import io

import openpyxl
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.export import to_csv, to_xlsx


def frame():
    return pd.DataFrame(
        {
            "comment": ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "\tx", "\rx", "\0x", "fine 好"],
            "rate": [0.5, 0.25, 1.0, 0.0, 0.1, 0.2, 0.3, 0.4],
            "n": [1, 2, 3, 4, 5, 6, 7, -8],
        }
    )


def test_csv_prefixes_dangerous_text_with_an_apostrophe():
    text = to_csv(frame()).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert [r[0] for r in rows[1:]] == [
        '\'=HYPERLINK("http://x")',
        "'+1",
        "'-2",
        "'@SUM(A1)",
        "'\tx",
        "'\rx",
        "'\0x",
        "fine 好",
    ]
    assert rows[8] == ["fine 好", "0.4", "-8"]  # numbers, negative ones included, are untouched


def test_xlsx_keeps_numbers_numeric_and_text_inert():
    wb = openpyxl.load_workbook(io.BytesIO(to_xlsx(frame(), "评论")))
    ws = wb["评论"]
    col_a = [ws.cell(row=r, column=1).value for r in range(2, 10)]
    # XLSX cannot hold NUL (dropped after the apostrophe went in); an XML reader without lxml
    # normalises the stored CR to LF
    assert col_a[:5] == ['\'=HYPERLINK("http://x")', "'+1", "'-2", "'@SUM(A1)", "'\tx"]
    assert col_a[5] in ("'\rx", "'\nx") and col_a[6] == "'x"
    assert col_a[7] == "fine 好"
    assert ws.cell(row=2, column=2).value == 0.5 and ws.cell(row=9, column=3).value == -8
    assert ws.cell(row=2, column=1).data_type == "s"
    assert ws.freeze_panes == "A2"


def test_a_control_character_before_a_formula_is_neutralised_in_xlsx():
    ws = openpyxl.load_workbook(io.BytesIO(to_xlsx(pd.DataFrame({"t": ['\x01=HYPERLINK("http://x","y")', "\x7f=1"]}))))
    cells = [c for row in ws.active.iter_rows(min_row=2) for c in row]
    assert [(c.data_type, c.value) for c in cells] == [("s", '\'=HYPERLINK("http://x","y")'), ("s", "'\x7f=1")]


DANGER = tuple("=+-@") + tuple(map(chr, range(0x20))) + ("\x7f",)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(max_size=12), min_size=1, max_size=6), st.text(max_size=8))
def test_no_written_cell_is_ever_a_formula(texts, header):
    """Whatever the text, no XLSX cell is a formula and no CSV cell starts with a character a
    spreadsheet reads as one (SPEC §9); numbers stay numbers."""
    df = pd.DataFrame({header or "h": texts, "n": [-1.5] * len(texts)})
    ws = openpyxl.load_workbook(io.BytesIO(to_xlsx(df))).active
    for row in ws.iter_rows():
        for cell in row:
            assert cell.data_type != "f"
            assert not (isinstance(cell.value, str) and cell.value.startswith(DANGER)), cell.value
    assert [c.value for c in ws["B"][1:]] == [-1.5] * len(texts)
    rows = list(csv.reader(io.StringIO(to_csv(df).decode("utf-8-sig"), newline="")))
    for row in rows:
        assert not row[0].startswith(DANGER)
    assert [r[0] for r in rows[1:]] == ["'" + t if t.startswith(DANGER) else t for t in texts]
    assert [r[1] for r in rows[1:]] == ["-1.5"] * len(texts)
