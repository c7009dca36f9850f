"""The fast readers give the same Survey as the exact object readers.

* ``.xlsx``: ``an.load(..., engine="openpyxl")`` forces openpyxl; ``engine="fastexcel"``
  the Arrow reader (workbooks with formulas or merged cells, and sheets with a
  column mixing text and numbers, are read by openpyxl either way).
* CSV: Arrow's parser, or pandas' where Arrow refuses a file; the tests force
  the pandas path and compare.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

import analyse as an
from analyse import reading
from analyse.errors import SurveyError

pytest.importorskip("fastexcel")
pytest.importorskip("pyarrow")

HERE = Path(__file__).parent
SAMPLE = HERE.parent / "data" / "sample" / "synthetisch_meting1_msforms.xlsx"
SAMPLE_CSV = HERE.parent / "data" / "sample" / "synthetisch_meting2_export.csv"
CORPUS = sorted((HERE / "corpus").glob("*.xlsx"))
CORPUS_CSV = sorted((HERE / "corpus").glob("*.csv"))


def _load(path, **kw):
    try:
        return an.load(path, **kw)
    except SurveyError as exc:
        return str(exc)


def assert_same(fast, slow):
    if isinstance(slow, str) or isinstance(fast, str):
        assert fast == slow  # the same refusal, word for word
        return
    pd.testing.assert_frame_equal(fast.responses, slow.responses)
    pd.testing.assert_frame_equal(fast.excluded, slow.excluded)
    pd.testing.assert_frame_equal(fast.comments, slow.comments)
    assert fast.report().to_text() == slow.report().to_text()


def assert_same_engines(path, **kw):
    assert_same(_load(path, engine="fastexcel", **kw), _load(path, engine="openpyxl", **kw))


def test_sample_workbook():
    assert_same_engines(SAMPLE)


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_corpus_workbooks(path):
    assert_same_engines(path)


def test_generated_workbook_with_problems(tmp_path):
    survey = an.sample.generate(respondents_per_group=7, waves=1, seed=3)
    path = an.sample.write_msforms_xlsx(survey, tmp_path / "m.xlsx", "1", problems=True, seed=3)
    assert_same_engines(path)
    assert len(an.load(path, engine="fastexcel").excluded) == 2


def _shifted_workbook(path, mixed: bool):
    """Statements from C3 on, an empty column D, numeric codes, dates, a trailing header-only column."""
    import openpyxl

    cb = an.load_codebook()
    wb = openpyxl.Workbook()
    ws = wb.active
    items = cb.item_codes[:4]
    header = ["Respondentcode", None, "Leerlab", "Partner", "Niveau", "Datum"] + [cb.label("item", i) for i in items] + ["Opmerking"]
    for j, h in enumerate(header):
        ws.cell(row=3, column=3 + j, value=h)
    for r in range(6):
        row = [f"R{r}", None, "Zorg", "Zorgcollege", "Bestuurlijk", dt.datetime(2026, 3, 2 + r, 9 * (r % 2))]
        row += [1 + (r + k) % 5 for k in range(4)]
        if r == 2:
            row[6] = 4.0000000001  # not a scale point, however it is rounded for display
        if mixed and r == 4:
            row[7] = "Mee eens"   # text among numbers: this sheet goes to openpyxl
        for j, v in enumerate(row):
            ws.cell(row=4 + r, column=3 + j, value=v)
    wb.save(path)
    return path


@pytest.mark.parametrize("mixed", [False, True], ids=["typed", "mixed"])
def test_sheet_away_from_a1_with_types(tmp_path, mixed):
    path = _shifted_workbook(tmp_path / "s.xlsx", mixed)
    assert_same_engines(path)
    s = an.load(path, engine="fastexcel")
    bad = s.excluded.set_index("row")
    assert bad.loc[6, "reason"] == "fractional_score" and bad.loc[6, "value"] == "4.0000000001"
    assert len(s.responses) == 5


def test_body_beyond_the_last_row(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["Respondentcode", "Leerlab", "Niveau", "Partner", an.load_codebook().label("item", "ambitie_1")])
    wb.save(tmp_path / "h.xlsx")
    assert_same_engines(tmp_path / "h.xlsx")
    assert "no data rows" in _load(tmp_path / "h.xlsx")


def _csv_both(path, monkeypatch):
    fast = _load(path)
    with monkeypatch.context() as m:
        m.setattr(reading, "_arrow_csv", lambda *a: None)
        slow = _load(path)
    return fast, slow


@pytest.mark.parametrize("path", [SAMPLE_CSV, *CORPUS_CSV], ids=lambda p: p.name)
def test_csv_arrow_and_pandas_agree(path, monkeypatch):
    assert_same(*_csv_both(path, monkeypatch))


def test_csv_quirks_agree(tmp_path, monkeypatch):
    """Quoted delimiters, doubled quotes, a newline inside a field, CRLF, a blank line, a short row."""
    cb = an.load_codebook()
    head = ";".join(["Respondentcode", "Leerlab", "Niveau", "Partner", cb.label("item", "ambitie_1"), "Toelichting"])
    rows = ['R1;Zorg;Bestuurlijk;"A; B";4;"zegt ""ja""\nen nee"', "R2;Zorg;Bestuurlijk;AB;3; spaties ",
            "R3;Zorg;Bestuurlijk;AB;;"]
    for name, body in {"plain": rows, "blank_line": rows[:1] + [""] + rows[1:], "short_row": rows + ["R4;Zorg"]}.items():
        path = tmp_path / f"{name}.csv"
        path.write_bytes(("\r\n".join([head, *body]) + "\r\n").encode("utf-8"))
        fast, slow = _csv_both(path, monkeypatch)
        assert_same(fast, slow)
        assert fast.responses["partner"].tolist()[0] == "A; B"
    assert reading._arrow_csv((tmp_path / "plain.csv").read_bytes(), ";", 6) is not None
    assert reading._arrow_csv((tmp_path / "short_row.csv").read_bytes(), ";", 6) is None


def test_unknown_engine_is_refused():
    with pytest.raises(SurveyError, match="engine="):
        an.load(SAMPLE, engine="xlrd")


def _with_shared_strings(src: Path, dst: Path) -> Path:
    """``src`` (openpyxl writes inline strings) rewritten with a shared-strings table, as Excel and
    Microsoft Forms write workbooks; the first string item is split into two rich-text runs."""
    import re
    import zipfile
    from xml.sax.saxutils import escape

    index: dict[str, int] = {}

    def shared(m):
        text = re.sub(r"&(lt|gt|amp|quot|apos);", lambda e: {"lt": "<", "gt": ">", "amp": "&", "quot": '"',
                                                               "apos": "'"}[e.group(1)], m.group(2))
        return f'{m.group(1)} t="s"><v>{index.setdefault(text, len(index))}</v></c>'

    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename.startswith("xl/worksheets/sheet"):
                data = re.sub(r'(<c r="[A-Z]+\d+"(?: s="\d+")?) t="inlineStr"><is><t[^>]*>(.*?)</t></is></c>', shared,
                              data.decode()).encode()
            elif info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
            elif info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdS" Type="http://schemas.openxmlformats'
                                    b'.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
                                    b"</Relationships>")
            zout.writestr(info, data)
        items = [f'<si><t xml:space="preserve">{escape(s)}</t></si>' for s in index]
        first = next(iter(index))
        items[0] = f"<si><r><t>{escape(first[:2])}</t></r><r><t>{escape(first[2:])}</t></r><rPh sb='0' eb='1'><t>x</t></rPh></si>"
        zout.writestr("xl/sharedStrings.xml", '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.'
                      f'openxmlformats.org/spreadsheetml/2006/main" count="{len(items)}">{"".join(items)}</sst>')
    return dst


def test_workbook_with_shared_strings(tmp_path):
    """Real exports keep their text in a shared-strings table; the first rows are read from it directly."""
    import zipfile

    import openpyxl

    from analyse.reading import HEAD_ROWS
    from analyse.sheetxml import head_cells, sheet_parts

    path = _with_shared_strings(SAMPLE, tmp_path / "shared.xlsx")
    assert_same_engines(path)
    fast, inline = an.load(path), an.load(SAMPLE)
    pd.testing.assert_frame_equal(fast.responses, inline.responses)
    pd.testing.assert_frame_equal(fast.comments, inline.comments)
    # the first rows as openpyxl reads them, but for dates, which stay numbers (only text is looked for there)
    with zipfile.ZipFile(path) as zf:
        head = head_cells(zf, next(iter(sheet_parts(zf).values())), HEAD_ROWS)
    ws = openpyxl.load_workbook(path, read_only=True).worksheets[0]
    want = [list(r) for r in ws.iter_rows(values_only=True, max_row=HEAD_ROWS)]
    assert len(head) == len(want)
    for got, row in zip(head.tolist(), want):
        assert [g for g, w in zip(got, row) if not isinstance(w, dt.datetime)] == \
               [w for w in row if not isinstance(w, dt.datetime)]
    assert head[0, 0] == want[0][0] == "ID"  # the rich-text item, its runs joined, its phonetic guide left out
