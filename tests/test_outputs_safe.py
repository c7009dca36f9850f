"""The shareable report folder holds no row of the data and no folder of the inputs; the private one holds the rows.

One report is built from a copy of the sample with planted values: an excluded
row and an open answer carry a unique marker, and the inputs lie in a folder
with a unique name. Every byte written under --out is searched for both.
"""

import json
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from conftest import input_hashes

from analyse.cli import main

ROOT = Path(__file__).parents[1]
MARKER = "PLANTED-7f3a"
#: An open answer of a kept row: the report shows open answers per leerlab and condition (issue 14), so this one
#: may appear in the pages (report.html, its leerlab's page and PDF, notebooks) beside its condition's scores,
#: never in tables or figures.
KEPT = "OPEN-ANTWOORD-5e2b"
FOLDER = "prive-map-c41d"   # the folder above the inputs: it may never be named in the shared report
CSV = "synthetisch_meting2_export.csv"
#: Personal data typed where it does not belong: in an open answer and in the school's name.
PII = ["jan.jansen@akker-7f3a.nl", "p.smit [at] akker-7f3a.nl", "06-12345678", "+31 20 123 4567",
       "192.168.10.20", "fe80::1ff:fe23:4567:890a"]


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    base = tmp_path_factory.mktemp("planted")
    data = base / FOLDER / "exports"
    shutil.copytree(ROOT / "data" / "sample", data)
    frame = pd.read_csv(data / CSV, sep=";", encoding="cp1252", dtype=str, keep_default_na=False)
    frame.loc[0, "Leerlab"] = MARKER                                     # excluded: not a leerlab
    frame.loc[0, "Ambitie - Onderbouw en licht toe"] = f"{MARKER} excluded row's answer"
    frame.loc[1, "Ambitie - Onderbouw en licht toe"] = f"{KEPT} kept row's open answer"
    frame.loc[2, "Ambitie - Onderbouw en licht toe"] = " ".join(PII)
    school = frame.loc[3, "School"]
    frame.loc[frame["School"] == school, "School"] = f"{school} (contact {PII[0]}, {PII[2]})"
    frame.to_csv(data / CSV, sep=";", encoding="cp1252", index=False, lineterminator="\r\n")
    out, private = base / "rapport", base / "intern"
    code = main(["report", str(data), "--out", str(out), "--private", str(private), "--per-leerlab", "--quiet"])
    assert code == 0
    return data, out, private


def _texts(path: Path):
    """The text of a file, and of every member of a zip (xlsx) and the JSON strings of a notebook."""
    raw = path.read_bytes()
    yield path.name, raw.decode("utf-8", "ignore")
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as z:
            for name in z.namelist():
                yield f"{path.name}/{name}", z.read(name).decode("utf-8", "ignore")
    if path.suffix == ".ipynb":  # JSON escapes some characters: compare the decoded strings too
        yield path.name + " (JSON)", json.dumps(json.loads(raw), ensure_ascii=False)


def test_shared_folder_holds_no_row_and_no_input_folder(planted):
    data, out, _ = planted
    secrets = [MARKER, FOLDER, str(data), str(data.parent)]
    files = [p for p in out.rglob("*") if p.is_file()]
    assert len(files) > 30
    for path in files:
        for where, text in _texts(path):
            leaked = [s for s in secrets if s in text]
            assert not leaked, f"{path.relative_to(out)} ({where}) contains {leaked}"


def test_open_answers_of_kept_rows_only_in_the_report_page(planted):
    _, out, _ = planted
    html = (out / "report.html").read_text(encoding="utf-8")
    assert sum(KEPT in p.read_text(encoding="utf-8") for p in (out / "leerlabs").glob("*.html")) == 1  # its own
    assert f"{KEPT} kept row&#39;s open answer" in html or f"{KEPT} kept row's open answer" in html
    for path in (p for p in out.rglob("*") if p.is_file() and p.suffix not in {".html", ".ipynb", ".pdf"}):
        for where, text in _texts(path):
            assert KEPT not in text, f"{path.relative_to(out)} ({where}) holds an open answer"


def test_private_folder_holds_the_excluded_rows(planted):
    _, out, private = planted
    excluded = pd.read_csv(private / "excluded.csv", sep=";", encoding="utf-8-sig")
    assert MARKER in excluded["value"].tolist()
    assert len(excluded) == 6
    assert MARKER in (private / "01_inlezen_en_controleren.ipynb").read_text(encoding="utf-8")
    assert "Totaal: 305 rijen gelezen, 299 gebruikt, 6 uitgesloten" in (private / "inlezen.txt").read_text("utf-8")
    assert (out / "tables.xlsx").exists() and not (out / "excluded.csv").exists()


def test_report_names_its_inputs_by_file_name(planted):
    _, out, _ = planted
    nb = json.loads((out / "notebooks" / "01_inlezen_en_controleren.ipynb").read_text(encoding="utf-8"))
    assert nb["metadata"]["papermill"]["parameters"]["inputs"] == ["exports"]
    assert "synthetisch_meting1_msforms.xlsx" in json.dumps(nb)


def test_input_guard_sees_every_change(tmp_path):
    """The session guard of conftest.py: a changed, added or deleted input changes the hashes."""
    (tmp_path / "a.csv").write_text("1")
    before = input_hashes([tmp_path])
    (tmp_path / "a.csv").write_text("2")
    assert input_hashes([tmp_path]) != before
    (tmp_path / "a.csv").unlink()
    assert input_hashes([tmp_path]) == {}


def test_shared_folder_holds_no_planted_personal_data(planted):
    _, out, private = planted
    secrets = [*PII, "akker-7f3a", "12345678", "123 4567", "192.168", "fe80::"]
    for path in (p for p in out.rglob("*") if p.is_file()):
        for where, text in _texts(path):
            leaked = [s for s in secrets if s in text]
            assert not leaked, f"{path.relative_to(out)} ({where}) contains {leaked}"
    # The school still takes part, under its name with the address replaced, and the load report says so.
    partners = pd.read_excel(out / "tables.xlsx", sheet_name="gemiddelden partner")["partner"].astype(str)
    assert partners.str.contains("[e-mail verwijderd]", regex=False).any()
    assert "telefoonnummer" in (private / "inlezen.txt").read_text("utf-8")
