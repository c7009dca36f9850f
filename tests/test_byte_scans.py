"""The byte scans that guard the readers agree with slow, obvious readings of the same bytes.

* :func:`analyse.sheetxml.scan_archive` reads a plain sheet by array operations
  over its bytes, any other by regular expressions: both give what ElementTree
  finds walking every cell (how far the values reach, formulas, merges, a DTD,
  the columns holding only text), whatever the blocks the sheet is cut into.
* The UTF-8 test of a CSV file's bytes agrees with the regular expression it
  replaced, and the end of a CSV's content, found block by block from the
  back, is where stripping the whole text finds it.
* Columns the scan found holding only text are read by fastexcel as text
  without its type pass, and give the same cells as with it; a column of
  numbers gets its text and blanks at once, as cell by cell.
"""

from __future__ import annotations

import random
import re
import zipfile
from xml.etree import ElementTree

import numpy as np
import pandas as pd
import pytest

from analyse import sheetxml
from analyse.reading import _content_end, _holds_utf8, _without_trailing_blank_lines, read_table

SHEET = "xl/worksheets/sheet1.xml"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
CHUNKS = (7, 61, 1000, 2**20)  # blocks cutting every tag somewhere, and the real size


def _workbook(path, sheet_xml: bytes):
    """A minimal workbook around one sheet."""
    parts = {
        "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                               b'content-types"/>',
        "xl/workbook.xml": f'<workbook xmlns="{MAIN}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
                           'relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'
                           .encode(),
        "xl/_rels/workbook.xml.rels": b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                                      b'relationships"><Relationship Id="rId1" Target="worksheets/sheet1.xml" Type="'
                                      b'http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
                                      b"</Relationships>",
        SHEET: sheet_xml,
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return path


def _column(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def reference(xml: bytes) -> dict:
    """Walk every element: how far the cells with a value reach, which columns up to there hold nothing but text
    (or nothing), formulas, merges."""
    rows = columns = merged_rows = merged_columns = 0
    other, formulas = set(), False
    for el in ElementTree.fromstring(xml).iter():
        name = el.tag.rsplit("}", 1)[-1]
        if name == "f":
            formulas = True
        if name == "mergeCell":
            last = re.fullmatch(r"[A-Z]+\d+:([A-Z]+)(\d+)", el.get("ref"))
            merged_rows, merged_columns = max(merged_rows, int(last[2])), max(merged_columns, _column(last[1]))
        children = [c.tag.rsplit("}", 1)[-1] for c in el]
        if name != "c" or not children or children[0] not in ("v", "f", "is"):
            continue
        letters, row = re.fullmatch(r"([A-Z]+)(\d+)", el.get("r")).groups()
        rows, columns = max(rows, int(row)), max(columns, _column(letters))
        if children[0] != "is" and el.get("t") != "s":
            other.add(_column(letters) - 1)
    return {"extent": sheetxml.Extent(rows, columns, merged_rows, merged_columns), "text": set(range(columns)) - other,
            "formulas": formulas, "merges": merged_rows > 0}


def _cell(rng: random.Random, ref: str, excel_order: bool) -> str:
    kind = rng.choice(["inline", "shared", "number", "plain number", "bool", "empty", "empty pair", "formula"])
    style = f' s="{rng.randint(1, 40)}"' if rng.random() < 0.5 else ""
    if kind == "inline":
        return f'<c r="{ref}"{style} t="inlineStr"><is><t>{rng.choice(["Mee eens", "x &amp; y", "é", ""])}</t></is></c>'
    if kind == "shared":
        attributes = f'{style} t="s"' if excel_order else f' t="s"{style}'
        return f'<c r="{ref}"{attributes}><v>{rng.randint(0, 9)}</v></c>'
    if kind == "number":
        return f'<c r="{ref}"{style} t="n"><v>{rng.uniform(-1e6, 1e6)}</v></c>'
    if kind == "plain number":
        return f'<c r="{ref}"{style}><v>{rng.randint(0, 99)}</v></c>'
    if kind == "bool":
        return f'<c r="{ref}"{style} t="b"><v>1</v></c>'
    if kind == "empty":
        return f'<c r="{ref}" s="1"/>'
    if kind == "empty pair":
        return f'<c r="{ref}" s="1"></c>'
    return f'<c r="{ref}"><f>1+1</f><v>2</v></c>'


def _letters(n: int) -> str:
    return sheetxml.column_name(n)


def plain_sheet(rng: random.Random, excel_order: bool = True, formulas: bool = True) -> bytes:
    """Cells of every kind, rows and cells in any order (a hostile file need not keep Excel's), far cells too."""
    rows = {}
    for _ in range(rng.randint(0, 60)):
        row = rng.choice([rng.randint(1, 30), rng.randint(1, 30), rng.randint(1, 1_048_576)])
        column = rng.choice([rng.randint(1, 40), rng.randint(1, 16_384)])
        cell = _cell(rng, f"{_letters(column)}{row}", excel_order)
        if not formulas and "<f>" in cell:
            continue
        rows.setdefault(row, []).append(cell)
    order = list(rows)
    rng.shuffle(order)
    data = "".join(f'<row r="{r}">{"".join(rows[r])}</row>' for r in order)
    merges = ""
    if rng.random() < 0.3:
        merges = f'<mergeCells count="1"><mergeCell ref="B2:{_letters(rng.randint(2, 50))}{rng.randint(2, 90)}"/>' \
                 "</mergeCells>"
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN}" xmlns:r="http://'
            'schemas.openxmlformats.org/officeDocument/2006/relationships"><dimension ref="A1"/><cols><col min="1" '
            f'max="2" width="9"/></cols><sheetData>{data}</sheetData>{merges}</worksheet>').encode()


def scan(path, monkeypatch, chunk):
    monkeypatch.setattr(sheetxml, "_CHUNK", chunk)
    with zipfile.ZipFile(path) as zf:
        return sheetxml.scan_archive(zf, 2**30)


def assert_scans(path, xml, monkeypatch, typed: bool) -> list:
    want = reference(xml)
    scans = [scan(path, monkeypatch, chunk) for chunk in CHUNKS]
    for got in scans:
        extent = got.extents[SHEET]
        assert extent == want["extent"]
        assert (got.formulas, got.merges, got.doctype) == (want["formulas"], want["merges"], None)
        assert extent.typed is typed
        if typed:
            assert extent.text_only() == want["text"]
    return scans


@pytest.mark.parametrize("seed", range(40))
def test_plain_sheets(seed, tmp_path, monkeypatch):
    """Sheets as Excel writes them: the array scan alone, exact in any blocks."""
    rng = random.Random(seed)
    xml = plain_sheet(rng)
    assert_scans(_workbook(tmp_path / "p.xlsx", xml), xml, monkeypatch, typed=True)


def test_the_array_scan_reads_the_plain_blocks(tmp_path, monkeypatch):
    """No block of a plain sheet falls back on the regular expressions."""
    xml = plain_sheet(random.Random(7))
    monkeypatch.setattr(sheetxml, "_scan_tags", None)  # would raise if called
    assert_scans(_workbook(tmp_path / "p.xlsx", xml), xml, monkeypatch, typed=True)


def test_other_attribute_order_is_never_called_text(tmp_path, monkeypatch):
    """A shared string whose t= is not the tag's last attribute is not taken for text: fastexcel's type pass decides."""
    for seed in range(10):
        xml = plain_sheet(random.Random(seed), excel_order=False)
        want = reference(xml)
        for got in (scan(_workbook(tmp_path / "o.xlsx", xml), monkeypatch, chunk) for chunk in CHUNKS):
            assert got.extents[SHEET] == want["extent"]
            assert got.extents[SHEET].text_only() <= want["text"]


def _prefixed(xml: bytes) -> bytes:
    return (xml.replace(b"<worksheet xmlns=", b"<x:worksheet xmlns:x=").replace(b"</worksheet>", b"</x:worksheet>")
            .replace(b"<c ", b"<x:c ").replace(b"</c>", b"</x:c>").replace(b"<v>", b"<x:v>")
            .replace(b"</v>", b"</x:v>").replace(b"<is>", b"<x:is>").replace(b"</is>", b"</x:is>")
            .replace(b"<t>", b"<x:t>").replace(b"</t>", b"</x:t>").replace(b"<row ", b"<x:row ")
            .replace(b"</row>", b"</x:row>").replace(b"<f>", b"<x:f>").replace(b"</f>", b"</x:f>")
            .replace(b"<sheetData>", b"<x:sheetData>").replace(b"</sheetData>", b"</x:sheetData>")
            .replace(b"<mergeCell", b"<x:mergeCell").replace(b"</mergeCells>", b"</x:mergeCells>"))


@pytest.mark.parametrize("variant", ["prefixed", "s before r", "pretty-printed", "one prefixed far cell",
                                     "a far cell behind a quoted >"])
def test_other_sheets_fall_back_exactly(variant, tmp_path, monkeypatch):
    """Any other way of writing a sheet goes to the regular expressions (or the exact parse), with the same answer."""
    for seed in range(8):
        xml = plain_sheet(random.Random(seed), formulas=False)
        if variant == "prefixed":
            xml = _prefixed(xml)
        elif variant == "s before r":
            xml = re.sub(rb'<c r="([A-Z]+\d+)" s="(\d+)"', rb'<c s="\2" r="\1"', xml)
            if b'<c s="' not in xml:
                xml = xml.replace(b"<sheetData>", b'<sheetData><row r="1"><c s="1" r="A1"><v>1</v></c></row>', 1)
        elif variant == "pretty-printed":
            xml = xml.replace(b"><", b">\n  <")
        elif variant == "a far cell behind a quoted >":  # legal XML: the reference is not where a regex stops
            xml = xml.replace(b"</sheetData>", b'<row r="1048576"><c x="a>b" r="XFD1048576"><v>1</v></c></row>'
                                               b"</sheetData>")
        else:  # a namespace prefix used for one cell only: a reader would still put it at XFD1048576
            xml = xml.replace(b"<worksheet ", b'<worksheet xmlns:x="' + MAIN.encode() + b'" ').replace(
                b"</sheetData>", b'<row r="1048576"><x:c r="XFD1048576"><x:v>1</x:v></x:c></row></sheetData>')
        assert_scans(_workbook(tmp_path / "v.xlsx", xml), xml, monkeypatch, typed=False)


def test_doctype_and_comments(tmp_path, monkeypatch):
    xml = plain_sheet(random.Random(3), formulas=False)
    commented = xml.replace(b"<sheetData>", b"<!-- a comment --><sheetData><!--x-->")
    for chunk in CHUNKS:
        assert scan(_workbook(tmp_path / "c.xlsx", commented), monkeypatch, chunk).doctype is None
    declared = xml.replace(b"?>\n", b'?>\n<!DOCTYPE worksheet [<!ENTITY a "b">]>')
    for chunk in CHUNKS:
        assert scan(_workbook(tmp_path / "d.xlsx", declared), monkeypatch, chunk).doctype == SHEET


def test_long_text_is_not_scanned_again_and_again(tmp_path, monkeypatch):
    """A text cell of many blocks is not carried from block to block: each block is scanned about once."""
    long = b'<row r="2"><c r="B2" t="inlineStr"><is><t>' + b"a" * (3 * 2**20) + b"</t></is></c></row>"
    xml = plain_sheet(random.Random(4), formulas=False).replace(b"</sheetData>", long + b"</sheetData>")
    path, want = _workbook(tmp_path / "l.xlsx", xml), reference(xml)
    original = sheetxml._scan_sheet
    for chunk in (1000, 2**20):
        seen = []
        monkeypatch.setattr(sheetxml, "_scan_sheet", lambda buf, *a, seen=seen: (seen.append(len(buf)),
                                                                                  original(buf, *a)))
        got = scan(path, monkeypatch, chunk)
        assert got.extents[SHEET] == want["extent"] and got.extents[SHEET].text_only() == want["text"]
        assert max(seen) <= chunk + 200
        assert sum(seen) <= 1.1 * len(xml) + 200 * len(seen)


def test_utf8_sequences_as_the_regex_finds_them():
    pattern = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
    rng = random.Random(1)
    alphabet = bytes([0x41, 0x7F, 0x80, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF])
    found = 0
    for _ in range(3000):
        data = bytes(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        want = bool(pattern.search(data))
        found += want
        assert all(_holds_utf8(data, block) == want for block in (1, 2, 3, 5, 2**24)), data
    assert 200 < found < 2800  # both answers were asked for
    assert _holds_utf8("Coöperatie".encode()) and not _holds_utf8("Coöperatie".encode("cp1252"))


def test_trailing_blank_lines_as_stripping_finds_them():
    def stripped(text):  # the whole text stripped: what the scan from the back replaced
        end = len(text.rstrip("\r\n;,\t "))
        cut = text.find("\n", end)
        return text if cut < 0 else text[:cut].rstrip("\r")

    rng = random.Random(2)
    kept = 0
    for _ in range(5000):
        text = "".join(rng.choice("ab;,\t \r\n") for _ in range(rng.randint(0, 30)))
        want = stripped(text)
        for block in (1, 2, 3, 7, 65536):
            got = _without_trailing_blank_lines(text, block)
            # The one line break that ends the last record is left in place (the text is not copied for it): the
            # same rows.
            assert got == want or (got is text and text[len(want):] in ("\n", "\r\n")), (text, block)
            assert got == text[:_content_end(text.encode(), block)]  # the same end found in bytes
            kept += got != want
    assert kept > 500  # that case was met


@pytest.mark.parametrize("text", [
    "Naam;Vraag 1;Toelichting\r\nAnna;Eens;Coöperatie werkt\r\nBram;Oneens;\r\n",
    "Naam,Vraag 1,Toelichting\nAnna,Eens,\"twee\nregels, één veld\"\nBram,,x\n\n;;\n\n",
    "Naam\tVraag 1\nAnna\tEens\nBram\tOneens;;\r\n\r\n",
    "Naam;Vraag 1;Toelichting\nAnna;Eens\nBram;Oneens;x\n",  # a short row: Arrow refuses, pandas reads
    "Naam;Vraag 1;;\nAnna;Eens;;\r\n",
])
def test_utf8_bytes_read_as_the_decoded_text(tmp_path, text):
    """A UTF-8 file goes to Arrow as its bytes; the cells are those of the same text read from UTF-16 or cp1252,
    which are decoded first."""
    def cells(path):
        columns = read_table(path).body(0)
        return [[None if v is pd.NA else v for v in columns.text(j)] for j in range(columns.width)]

    got = {}
    for encoding in ("utf-8", "utf-8-sig", "utf-16", "cp1252"):
        (path := tmp_path / f"{encoding}.csv").write_bytes(text.encode(encoding))
        got[encoding] = cells(path)
    assert got["utf-8"] == got["utf-8-sig"] == got["utf-16"] == got["cp1252"]
    assert len(got["utf-8"][0]) == text.rstrip("\r\n;,\t ").count("\n") + 1 - text.count("\"") // 2


def test_text_columns_read_as_text_give_the_same_cells(tmp_path):
    """Declaring the text-only columns to fastexcel skips its type pass and changes no cell."""
    pytest.importorskip("fastexcel")
    import analyse as an
    from analyse import reading

    survey = an.sample.generate(respondents_per_group=3, waves=1, seed=2)
    path = an.sample.write_msforms_xlsx(survey, tmp_path / "m.xlsx", "1")
    table = read_table(path)
    assert table.body.text and len(table.body.text) > 20  # the answers, names, open answers
    declared = table.body(1)
    inferred = reading._FastBody(path, table.sheet, table.body.bound)(1)
    assert declared.width == inferred.width and len(declared) == len(inferred)
    for j in range(declared.width):
        assert declared.columns[j].equals(inferred.columns[j]), j
    assert not (table.body.text & {j for j in range(inferred.width)
                                   if not str(inferred.columns[j].type).startswith(("string", "null"))})
    assert np.all([str(declared.columns[j].type) == "string" for j in table.body.text])


def test_number_columns_as_text_and_blank_at_once():
    """An Arrow column of numbers (fastexcel's) gets the text and blanks that :func:`as_text` gives cell by cell."""
    pa = pytest.importorskip("pyarrow")
    import pandas as pd

    from analyse.cells import Columns, as_text, is_blank

    values = [1.0, 2.0, None, 1.0, -0.0, 0.5, 1e20, 2.0**53 + 2, -7.0, float("nan"), 3.25, None, 123456789.0]
    columns = Columns([pa.array(values, pa.float64())])
    want_text = [as_text(v) for v in values]
    got_text = columns.text(0)
    assert [pd.isna(g) if pd.isna(w) else g == w for g, w in zip(got_text, want_text)] == [True] * len(values)
    assert [type(g) for g in got_text if not pd.isna(g)] == [str] * sum(not pd.isna(w) for w in want_text)
    assert columns.blank(0).tolist() == [is_blank(v) for v in values]
    assert got_text[0] == "1" and got_text[6] == "100000000000000000000" and got_text[5] == "0.5"
