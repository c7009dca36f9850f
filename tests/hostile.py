"""Hostile export files, built at test time: far cells, lying zips, entity bombs, odd encodings.

Each builder takes a directory and returns ``(path, expect)``: ``expect`` is
the number of respondents a correct load keeps, or None when refusing the
file is the right answer. The files start from a small valid export (the one
``tests/conftest.export_frame`` lays out) and are corrupted from there; the
big ones are made of zeros or blanks that deflate to almost nothing, so the
files stay small on disk.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from pathlib import Path

from conftest import export_frame
from test_fast_reader import _with_shared_strings

import analyse as an

N = 4  # respondents in the valid export
LONG_N = 20  # enough rows that the last lies beyond those searched for headers
SHEET = "xl/worksheets/sheet1.xml"


def valid_frame():
    return export_frame(an.load_codebook(), n=N)


def valid_xlsx(path: Path) -> Path:
    valid_frame().to_excel(path, index=False)
    return path


def valid_csv(path: Path, encoding: str = "utf-8-sig", sep: str = ";") -> Path:
    valid_frame().to_csv(path, sep=sep, index=False, encoding=encoding, lineterminator="\r\n")
    return path


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def write_zip(path: Path, parts: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return path


def edit_xlsx(path: Path, part: str, edit) -> Path:
    """A valid export whose ``part`` is ``edit(xml)``."""
    valid_xlsx(path)
    parts = members(path)
    parts[part] = edit(parts[part])
    return write_zip(path, parts)


def _before_sheetdata_end(extra: bytes):
    return lambda xml: xml.replace(b"</sheetData>", extra + b"</sheetData>")


def _add_style_free_cell(xml: bytes, cell: bytes) -> bytes:
    row = re.search(rb'r="([A-Z]+)(\d+)"', cell).group(2)
    return _before_sheetdata_end(b'<row r="' + row + b'">' + cell + b"</row>")(xml)


# ---------------------------------------------------------------- far cells
def far_value_xfd(d: Path):
    return edit_xlsx(d / "far_value_xfd.xlsx", SHEET,
                     lambda x: _add_style_free_cell(x, b'<c r="XFD1048576"><v>1</v></c>')), None


def far_value_a(d: Path):
    """Within the row limit, but a million rows of 25 columns is more than the cell limit."""
    return edit_xlsx(d / "far_value_a.xlsx", SHEET,
                     lambda x: _add_style_free_cell(x, b'<c r="A1048576" t="inlineStr"><is><t>x</t></is></c>')), None


def far_empty_a(d: Path):
    return edit_xlsx(d / "far_empty_a.xlsx", SHEET,
                     lambda x: _add_style_free_cell(x, b'<c r="A1048576" s="1"/>')), N


def far_empty_xfd(d: Path):
    return edit_xlsx(d / "far_empty_xfd.xlsx", SHEET,
                     lambda x: _add_style_free_cell(x, b'<c r="XFD1048576" s="1"></c>')), N


def dimension_lying_big(d: Path):
    return edit_xlsx(d / "dimension_big.xlsx", SHEET,
                     lambda x: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', x)), N


def dimension_lying_small(d: Path):
    return edit_xlsx(d / "dimension_small.xlsx", SHEET,
                     lambda x: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1"', x)), N


# ---------------------------------------------------------------- lying and nested zips
def _deflated_blanks(size: int, block: int = 2**20) -> bytes:
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = b" " * block
    out = [comp.compress(chunk) for _ in range(size // block)]
    out.append(comp.flush())
    return b"".join(out)


def _lying_member(name: str, head: bytes, blanks: int, declared: int) -> tuple[bytes, bytes]:
    """A local header and central-directory entry for ``head`` + ``blanks`` spaces, declaring ``declared`` bytes."""
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    data = comp.compress(head)
    chunk = b" " * 2**20
    crc = zlib.crc32(head)
    for _ in range(blanks // len(chunk)):
        data += comp.compress(chunk)
        crc = zlib.crc32(chunk, crc)
    data += comp.flush()
    raw = name.encode()
    local = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(data), declared, len(raw), 0) + raw
    return local + data, raw, crc, len(data)


def lying_sizes(d: Path):
    """The sheet declares 100 KB and inflates to 300 MB of blanks after its XML."""
    path = valid_xlsx(d / "lying_sizes.xlsx")
    parts = members(path)
    body, central, offset = b"", b"", 0
    for name, data in parts.items():
        if name == SHEET:
            entry, raw, crc, csize = _lying_member(name, data, 300 * 2**20, 100_000)
            usize = 100_000
        else:
            comp = zlib.compressobj(9, zlib.DEFLATED, -15)
            cdata = comp.compress(data) + comp.flush()
            raw, crc, csize, usize = name.encode(), zlib.crc32(data), len(cdata), len(data)
            entry = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, csize, usize, len(raw), 0) + raw + cdata
        central += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, crc, csize, usize, len(raw),
                               0, 0, 0, 0, 0, offset) + raw
        body += entry
        offset += len(entry)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(parts), len(parts), len(central), len(body), 0)
    path.write_bytes(body + central + end)
    return path, None


def honest_bomb(d: Path):
    """A sheet that truly unpacks to 1 GB (and says so)."""
    path = valid_xlsx(d / "honest_bomb.xlsx")
    parts = members(path)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            if name == SHEET:
                with zf.open(zipfile.ZipInfo(name), "w", force_zip64=True) as fh:
                    fh.write(data)
                    blanks = b" " * 2**20
                    for _ in range(1024):
                        fh.write(blanks)
            else:
                zf.writestr(name, data)
    return path, None


def nested_bomb(d: Path):
    """A zip of zeros embedded in the workbook: never unpacked, so the export loads."""
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as zf:
        for k in range(4):
            zf.writestr(f"zeros{k}.bin", b"\0" * 2**22)
    path = valid_xlsx(d / "nested_bomb.xlsx")
    parts = members(path)
    parts["xl/embeddings/bomb.zip"] = inner.getvalue()
    return write_zip(path, parts), N


def truncated_zip(d: Path):
    path = valid_xlsx(d / "truncated.xlsx")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path, None


def corrupt_member(d: Path):
    """The central directory is intact but the sheet's deflate stream is garbage."""
    path = valid_xlsx(d / "corrupt_member.xlsx")
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(SHEET)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + 10: start + 60] = b"\xff" * 50
    path.write_bytes(bytes(data))
    return path, None


# ---------------------------------------------------------------- entity XML
_LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa">'
           + b"".join(b'<!ENTITY %s "%s">' % (bytes([98 + k]), (b"&%s;" % bytes([97 + k])) * 10) for k in range(9))
           + b"]>")


def _with_doctype(xml: bytes, doctype: bytes) -> bytes:
    return doctype + (xml.split(b"?>", 1)[1] if xml.startswith(b"<?xml") else xml)


def billion_laughs_shared(d: Path):
    """The shared-strings table expands one entity to a billion characters."""
    path = _with_shared_strings(valid_xlsx(d / "plain.xlsx"), d / "laughs_shared.xlsx")
    parts = members(path)
    parts["xl/sharedStrings.xml"] = _with_doctype(parts["xl/sharedStrings.xml"], _LAUGHS).replace(
        b'<t xml:space="preserve">', b'<t xml:space="preserve">&j;', 1)
    return write_zip(path, parts), None


def billion_laughs_sheet(d: Path):
    return edit_xlsx(d / "laughs_sheet.xlsx", SHEET,
                     lambda x: _with_doctype(x, _LAUGHS).replace(b"<t>", b"<t>&j;", 1)), None


def xxe(d: Path):
    def edit(xml):
        return (_with_doctype(xml, b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]>')
                .replace(b"</sheetData>", b'<row r="99"><c r="A99" t="inlineStr"><is><t>&x;</t></is></c></row>'
                               b"</sheetData>"))
    return edit_xlsx(d / "xxe.xlsx", SHEET, edit), None


# ---------------------------------------------------------------- CSV text
def long_cell(d: Path):
    """One comment of 50 MB without a break, below the rows searched for the header."""
    path = d / "long_cell.csv"
    frame = export_frame(an.load_codebook(), n=LONG_N)
    frame.to_csv(path, sep=";", index=False, encoding="utf-8-sig", lineterminator="\r\n")
    text = path.read_bytes().decode("utf-8-sig").split("\r\n")
    text[-2] = text[-2] + ";" + "a" * (50 * 2**20)
    text[0] = text[0] + ";Opmerking"
    path.write_text("\r\n".join(text), encoding="utf-8-sig")
    return path, LONG_N


def empty_lines(d: Path):
    path = valid_csv(d / "empty_lines.csv")
    with path.open("ab") as fh:
        fh.write(b"\r\n" * 2_000_000)
    return path, N


def utf16(d: Path, order: str):
    path = d / f"utf16{order}.txt"
    text = valid_frame().to_csv(sep="\t", index=False, lineterminator="\r\n")
    bom = b"\xff\xfe" if order == "le" else b"\xfe\xff"
    path.write_bytes(bom + text.encode(f"utf-16-{order}"))
    return path, N


def utf16le(d: Path):
    return utf16(d, "le")


def utf16be(d: Path):
    return utf16(d, "be")


def mixed_encoding(d: Path):
    """UTF-8 throughout, but for one cp1252 byte in one cell."""
    frame = valid_frame()
    frame.loc[0, "School"] = "Coöperatie"
    frame.loc[1, "School"] = "Co\udcf6peratie"  # becomes the lone byte 0xF6 below
    path = d / "mixed.csv"
    path.write_bytes(frame.to_csv(sep=";", index=False, lineterminator="\r\n")
                     .encode("utf-8", "surrogateescape"))
    return path, None


def cp1252(d: Path):
    frame = valid_frame()
    frame.loc[0, "School"] = "Coöperatie"
    return valid_csv_frame(frame, d / "cp1252.csv", "cp1252"), N


def valid_csv_frame(frame, path: Path, encoding: str) -> Path:
    frame.to_csv(path, sep=";", index=False, encoding=encoding, lineterminator="\r\n")
    return path


def nul_byte(d: Path):
    path = valid_csv(d / "nul.csv")
    data = path.read_bytes().replace(b"School A", b"School\0A", 1)
    path.write_bytes(data)
    return path, N


def zero_bytes(d: Path):
    path = d / "zero.csv"
    path.write_bytes(b"")
    return path, None


def only_bom(d: Path):
    path = d / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf")
    return path, None


def csv_named_xlsx(d: Path):
    return valid_csv(d / "csv_named.xlsx"), N


def xlsx_named_csv(d: Path):
    return valid_xlsx(d / "xlsx_named.csv"), N


def fake_sav(d: Path):
    path = d / "fake.sav"
    path.write_bytes(b"$FL2" + b"\xff" * 4000)
    return path, None


def hostile_sheet_name(d: Path):
    name = '<&\'"> ../..\u202e'
    path = d / "sheet_name.xlsx"
    with __import__("pandas").ExcelWriter(path) as xl:
        valid_frame().to_excel(xl, sheet_name="x", index=False)
    parts = members(path)
    escaped = name.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(b'name="x"', b'name="' + escaped.encode() + b'"')
    return write_zip(path, parts), N


BUILDERS = [far_value_xfd, far_value_a, far_empty_a, far_empty_xfd, dimension_lying_big, dimension_lying_small,
            lying_sizes, honest_bomb, nested_bomb, truncated_zip, corrupt_member, billion_laughs_shared,
            billion_laughs_sheet, xxe, empty_lines, utf16le, utf16be, mixed_encoding, cp1252, nul_byte, zero_bytes, only_bom, csv_named_xlsx,
            xlsx_named_csv, fake_sav, hostile_sheet_name]
