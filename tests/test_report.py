"""`analyse report`: the folder it writes, atomically; the HTML page in a real browser; no personal data."""

import errno
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

import analyse as an
from analyse.report import NOTEBOOKS, build_report, compute_tables

ROOT = Path(__file__).parents[1]
SAMPLE = ROOT / "data" / "sample"
LEERLABS = ["Sport", "Groen", "Verkoop", "Zorg", "Horeca"]
CONDITIONS_NL = ["Ambitie", "Belangen", "Relatie", "Organisatie", "Proces"]


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("r") / "rapport"
    before = os.getcwd()
    build_report([SAMPLE], out, lang="nl", progress=False)
    # The notebooks run two at a time: none may move this process's working folder (relative paths would break).
    assert os.getcwd() == before
    return out


def test_report_folder_contents(report):
    assert sorted(p.name for p in report.iterdir()) == [".analyse-report", "figures", "kolommen.toml", "notebooks",
                                                        "report.html", "tables.xlsx"]
    private = report.with_name("rapport-intern")
    assert sorted(p.name for p in private.iterdir()) == [".analyse-report", "01_inlezen_en_controleren.ipynb",
                                                         "excluded.csv", "excluded.xlsx", "inlezen.txt"]
    assert openpyxl.load_workbook(private / "excluded.xlsx").sheetnames == ["uitgesloten rijen"]
    # The map the load used, ready for the next wave: loading with it gives the same survey.
    again = an.load(SAMPLE, columns=report / "kolommen.toml")
    first = an.load(SAMPLE)
    pd.testing.assert_frame_equal(again.responses, first.responses)
    pd.testing.assert_frame_equal(again.comments, first.comments)
    assert sorted(p.stem for p in (report / "notebooks").glob("*.ipynb")) == NOTEBOOKS
    figures = list((report / "figures").iterdir())
    stems = {p.stem for p in figures}
    assert {"profiel_leerlabs", "heatmap_leerlabs", "likert_stellingen", "achtje_alle_leerlabs", "succesfactoren",
            "verandering_metingen"} <= stems
    assert not any(s.startswith(("partnerblad", "achtje_")) and s != "achtje_alle_leerlabs" for s in stems)  # --per-leerlab
    for stem in stems:
        for fmt in ("png", "svg"):  # PDF on request: an.plot.save's example writes one
            assert (report / "figures" / f"{stem}.{fmt}").stat().st_size > 5_000
    excluded = pd.read_csv(private / "excluded.csv", sep=";", encoding="utf-8-sig")
    assert sorted(excluded["reason"]) == ["duplicate_id", "fractional_score", "no_answers", "out_of_range",
                                          "unknown_leerlab"]
    assert not list(report.parent.glob(".rapport*.partial-*"))
    assert "Techniek" in (private / "01_inlezen_en_controleren.ipynb").read_text(encoding="utf-8")
    assert "Techniek" not in (report / "notebooks" / "01_inlezen_en_controleren.ipynb").read_text(encoding="utf-8")


def test_tables_workbook(report):
    survey = an.load(SAMPLE)
    tables = compute_tables(survey)
    wb = openpyxl.load_workbook(report / "tables.xlsx")
    assert wb.sheetnames[0] == "uitleg kolommen"
    assert "verandering metingen" in wb.sheetnames and "uitgesloten rijen" not in wb.sheetnames
    assert len(wb.sheetnames) == len(tables) + 1
    explain = pd.read_excel(report / "tables.xlsx", sheet_name="uitleg kolommen")
    assert explain["betekenis"].notna().all(), explain[explain["betekenis"].isna()]
    meaning = dict(zip(explain["kolom"], explain["betekenis"], strict=True))
    assert meaning["mean"] == "gemiddelde (schaal 1-5)" and meaning["share_agree"] == "aandeel (mee) eens (4-5)"
    assert meaning["ad_mean"].endswith("onder 0,83 voldoende)")
    # The notes speak the report's language: no English note is left in a Dutch workbook.
    notes = pd.concat([pd.read_excel(report / "tables.xlsx", sheet_name=s)["note"] for s in wb.sheetnames[1:]
                       if "note" in pd.read_excel(report / "tables.xlsx", sheet_name=s, nrows=0).columns])
    notes = notes.dropna().astype(str)
    assert notes.str.contains("minder dan 5 respondenten").any()
    assert not notes.str.contains(r"\b(?:fewer|respondents|not shown|group)\b").any(), notes.unique()[:5]
    means = pd.read_excel(report / "tables.xlsx", sheet_name="gemiddelden leerlab")
    np.testing.assert_allclose(means["mean"], tables["means_leerlab"]["mean"], rtol=0, atol=1e-12)
    assert means["leerlab"].astype(str).tolist() == tables["means_leerlab"]["leerlab"].astype(str).tolist()
    for ws in wb.worksheets:  # text can never become a live formula
        assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


def test_executed_notebooks_show_results(report):
    for stem in NOTEBOOKS:
        nb = json.loads((report / "notebooks" / f"{stem}.ipynb").read_text(encoding="utf-8"))
        outputs = [o for c in nb["cells"] if c["cell_type"] == "code" for o in c["outputs"]]
        assert not [o for o in outputs if o["output_type"] == "error"], stem
        images = [o for o in outputs if "image/png" in o.get("data", {})]
        assert images, f"{stem} shows no figure"
        # A kernel runs several notebooks in turn: each must read as if run alone, counting from 1.
        counts = [c["execution_count"] for c in nb["cells"] if c["cell_type"] == "code"]
        assert counts == list(range(1, len(counts) + 1)), stem
    nb03 = (report / "notebooks" / "03_partners_en_niveaus.ipynb").read_text(encoding="utf-8")
    assert "board_line_broken" in nb03  # Zorg's planted detached board is flagged in the table shown


def test_a_notebook_sees_nothing_of_the_one_before_it(tmp_path, monkeypatch):
    """Two notebooks in one kernel: the second finds no name the first defined, and runs in its own folder."""
    from queue import SimpleQueue

    from analyse.report import _kernel_lane

    first, second = tmp_path / "a", tmp_path / "b"
    for folder in (first, second):
        folder.mkdir()
    queue = SimpleQueue()
    queue.put((NOTEBOOKS[1], first, False, "../kolommen.toml"))
    queue.put((NOTEBOOKS[5], second, False, "../kolommen.toml"))
    seen = []

    def execute(stem, folder, show_rows, columns, *, km, kc, **run):
        kc.execute_interactive("import os; print(sorted(k for k in globals() if not k.startswith('_')), os.getcwd())",
                               output_hook=lambda msg: seen.append(msg["content"].get("text", "")), timeout=60)
        kc.execute_interactive("left_behind = 1", timeout=60)

    monkeypatch.setattr("analyse.report._execute", execute)
    _kernel_lane(queue, inputs=[], lang="nl", min_n=5, wave=None, codebook=None, scrub=None)
    printed = [line for line in seen if line.strip()]
    assert len(printed) == 2
    assert "left_behind" not in printed[1]
    assert printed[0].strip().endswith(str(first)) and printed[1].strip().endswith(str(second))


def test_html_is_self_contained(report):
    page = (report / "report.html").read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert "<script" not in page
    for name in LEERLABS + CONDITIONS_NL:
        assert name in page
    # Every figure of the folder that belongs to a section (the partner sheets are on the leerlab pages).
    assert page.count("<img") == 8 and page.count('src="data:image/svg+xml;base64,') == page.count("<img")


@pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's chromium is not installed (.ci/run installs it)")
def test_html_renders_in_headless_chromium(report, tmp_path):
    """Open the page in a real browser: every image decodes, no console error, no request leaves the file."""
    probe = """<script>
    window.__errors = [];
    window.addEventListener("error", e => __errors.push(String(e.message || (e.target && e.target.src))), true);
    const _ce = console.error; console.error = (...a) => { __errors.push(a.join(" ")); _ce(...a); };
    window.addEventListener("load", () => {
      const imgs = [...document.images];
      const external = performance.getEntriesByType("resource").map(r => r.name).filter(n => !n.startsWith("data:"));
      document.body.setAttribute("data-check", JSON.stringify({
        images: imgs.length, broken: imgs.filter(i => !(i.complete && i.naturalWidth > 0)).length,
        errors: __errors, external: external, text: document.body.innerText}));
    });
    </script>"""
    page = (report / "report.html").read_text(encoding="utf-8").replace("<head>", "<head>" + probe, 1)
    probe_file = tmp_path / "probe.html"
    probe_file.write_text(page, encoding="utf-8")
    run = subprocess.run(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=20000", "--dump-dom",
         probe_file.as_uri()], capture_output=True, text=True, timeout=180, check=False)
    match = re.search(r'data-check="([^"]*)"', run.stdout)
    assert match, run.stderr[-2000:]
    import html

    check = json.loads(html.unescape(match.group(1)))
    assert check["images"] == 8 and check["broken"] == 0
    assert check["errors"] == [] and check["external"] == []
    for name in LEERLABS + CONDITIONS_NL:
        assert name in check["text"]


def test_no_personal_data_in_any_output(report):
    """The Microsoft Forms sample carries names and e-mail addresses; none may reach the report."""
    raw = pd.read_excel(SAMPLE / "synthetisch_meting1_msforms.xlsx")
    secrets = set(raw["Naam"]) | set(raw["E-mail"]) | {"@voorbeeld.nl", "Fictieve Deelnemer"}
    for path in report.rglob("*"):
        if not path.is_file():
            continue
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as z:
                text = "".join(z.read(n).decode("utf-8", "ignore") for n in z.namelist())
        else:
            text = path.read_bytes().decode("utf-8", "ignore")
        leaked = [s for s in ("@voorbeeld.nl", "Fictieve Deelnemer") if s in text]
        assert not leaked, f"{path.name} contains {leaked}"
    assert len(secrets) > 2


def test_interrupted_run_leaves_the_old_report(tmp_path, monkeypatch):
    out = tmp_path / "rapport"
    out.mkdir()
    (out / ".analyse-report").write_text("")
    (out / "report.html").write_text("old report")
    import analyse.plot

    def boom(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(analyse.plot, "rendering", boom)
    with pytest.raises(KeyboardInterrupt):
        build_report([SAMPLE], out, progress=False, notebooks=False)
    assert (out / "report.html").read_text() == "old report"
    assert [p.name for p in tmp_path.iterdir()] == ["rapport"]  # no half report beside it


def test_english_tables_and_figures_without_notebooks(tmp_path):
    out = build_report([SAMPLE / "synthetisch_meting1_msforms.xlsx"], tmp_path / "en", lang="en", notebooks=False,
                       progress=False, min_n=16).out
    assert sorted(p.name for p in out.iterdir()) == [".analyse-report", "columns.toml", "figures", "report.html",
                                                     "tables.xlsx"]
    # File names follow the language too; SVG is always written (the page embeds it), PDF only on request.
    assert {p.name for p in (out / "figures").iterdir()} >= {"likert_statements.svg", "likert_statements.png",
                                                            "eight_all_leerlabs.svg", "eight_all_leerlabs.png"}
    assert not any(p.suffix == ".pdf" for p in (out / "figures").iterdir())
    assert sorted(p.name for p in (tmp_path / "en-intern").iterdir()) == [".analyse-report", "excluded.csv",
                                                                          "excluded.xlsx", "load_report.txt"]
    sheets = openpyxl.load_workbook(out / "tables.xlsx").sheetnames
    assert sheets[0] == "columns explained" and "means leerlab" in sheets
    assert "change between waves" not in sheets  # one wave: no comparison
    means = pd.read_excel(out / "tables.xlsx", sheet_name="means partner")
    # At most 15 respondents per partner school < min_n=16: hidden, and so is their size.
    assert means[["n", "mean"]].isna().all().all() and means["note"].str.contains("16").all()
    assert pd.read_excel(out / "tables.xlsx", sheet_name="means leerlab")["mean"].notna().all()


def test_cli_report_exit_codes(tmp_path):
    run = subprocess.run([sys.executable, "-m", "analyse", "report", str(tmp_path / "nope.csv"), "--out",
                          str(tmp_path / "o")], capture_output=True, text=True, check=False)
    assert run.returncode == 1 and "file not found" in run.stderr and "Traceback" not in run.stderr
    run = subprocess.run([sys.executable, "-m", "analyse", "report", str(SAMPLE), "--out", str(tmp_path / "o"),
                          "--min-n", "0"], capture_output=True, text=True, check=False)
    assert run.returncode == 2 and "must be at least 1" in run.stderr
    assert not (tmp_path / "o").exists()


def test_report_never_replaces_inputs_or_foreign_folders(tmp_path):
    """--out pointing at the data, or at a folder analyse did not write, is refused before anything happens."""
    data = tmp_path / "exports"
    data.mkdir()
    shutil.copy(SAMPLE / "synthetisch_meting2_export.csv", data)
    with pytest.raises(an.AnalyseError, match="--out is the input .* inputs are never overwritten"):
        build_report([data], data, progress=False, notebooks=False)
    with pytest.raises(an.AnalyseError, match="holds the input"):
        build_report([data / "synthetisch_meting2_export.csv"], data, progress=False, notebooks=False)
    mine = tmp_path / "mijn_map"
    mine.mkdir()
    (mine / "notities.txt").write_text("belangrijk")
    with pytest.raises(an.AnalyseError, match="not a report written by analyse"):
        build_report([data], mine, progress=False, notebooks=False)
    assert (mine / "notities.txt").read_text() == "belangrijk"
    assert sorted(p.name for p in data.iterdir()) == ["synthetisch_meting2_export.csv"]
    empty = tmp_path / "leeg"
    empty.mkdir()
    assert (build_report([data], empty, progress=False, notebooks=False).out / "tables.xlsx").exists()


def test_single_team_form_gives_a_report_of_what_it_can(tmp_path):
    """A team's own form asks no leerlab, school or level: the report holds what needs none of them."""
    from conftest import export_frame

    frame = export_frame(an.load_codebook(), n=12).drop(columns=["Leerlab", "School", "Niveau"])
    frame.to_csv(tmp_path / "team.csv", index=False)
    survey = an.load(tmp_path / "team.csv")
    assert survey.absent == ["leerlab", "partner", "sector", "level"]
    with pytest.raises(an.MissingColumnError, match=r"these data have no leerlab: no row has a value .* "
                                                    r"--metadata leerlab=\.\.\."):
        an.condition_means(survey, by=["leerlab"])
    assert len(an.condition_means(survey, by=["wave"])) == 5
    out = build_report([tmp_path / "team.csv"], tmp_path / "rapport", notebooks=False, progress=False).out
    assert openpyxl.load_workbook(out / "tables.xlsx").sheetnames == [
        "uitleg kolommen", "betrouwbaarheid", "stellingen betrouwbaarheid"]
    assert {p.stem for p in (out / "figures").iterdir()} == {"likert_stellingen"}


# ---------------------------------------------------------------- outputs never touch inputs or foreign folders
@pytest.fixture
def team(tmp_path):
    """A small export in a folder of its own: quick to load."""
    from conftest import export_frame

    folder = tmp_path / "Exports"
    folder.mkdir()
    export_frame(an.load_codebook(), n=12).to_csv(folder / "team.csv", index=False)
    return folder


@pytest.mark.parametrize("out, private, message", [
    ("Exports/rapport", None, "--out lies inside the input"),
    ("exports/rapport", None, "--out lies inside the input"),     # the same folder on a case-insensitive disk
    ("link/rapport", None, "--out lies inside the input"),        # through a symlink
    (".", None, "--out holds the input"),
    ("rapport", "Exports/intern", "--private lies inside the input"),
    ("rapport", "rapport/intern", "the private folder may not be, lie inside or hold the report folder"),
])
def test_outputs_around_an_input_are_refused(team, tmp_path, out, private, message):
    (tmp_path / "link").symlink_to(team)
    with pytest.raises(an.AnalyseError, match=re.escape(message)):
        build_report([team], tmp_path / out, private=private and tmp_path / private, progress=False,
                     notebooks=False)
    assert sorted(p.name for p in team.iterdir()) == ["team.csv"]
    assert not (tmp_path / "rapport").exists()


def test_old_report_with_files_of_the_user_is_kept(team, tmp_path):
    from analyse.report import _write_marker

    out = tmp_path / "rapport"
    out.mkdir()
    (out / "tables.xlsx").write_text("old")
    _write_marker(out)
    (out / "mijn_notities.txt").write_text("belangrijk")
    with pytest.raises(an.AnalyseError, match=r"holds files analyse did not write \(mijn_notities.txt\)"):
        build_report([team], out, progress=False, notebooks=False)
    assert (out / "mijn_notities.txt").read_text() == "belangrijk"


def test_folder_that_appears_during_the_run_is_kept(tmp_path):
    """The target is checked again at the swap: what appeared there meanwhile stays, the new report beside it."""
    from analyse.report import _swap_in

    new = tmp_path / ".rapport.partial-1-x"
    new.mkdir()
    (new / "tables.xlsx").write_text("new")
    out = tmp_path / "rapport"
    out.mkdir()
    (out / "van_iemand_anders.txt").write_text("blijft")
    with pytest.raises(an.AnalyseError, match=r"rapport: exists and is not a report written by analyse; it is left "
                                              r"alone. The new report is in .*rapport\.nieuw-\d{8}-\d{6}"):
        _swap_in(new, out)
    assert (out / "van_iemand_anders.txt").read_text() == "blijft"
    [kept] = tmp_path.glob("rapport.nieuw-*")
    assert (kept / "tables.xlsx").read_text() == "new" and not new.exists()


def test_work_folders_of_killed_runs_are_removed(tmp_path):
    from analyse.report import _remove_stale

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True).stdout.strip()
    for name in (f".rapport.partial-{dead}-abc", f".rapport.old-{dead}", f".rapport.partial-{os.getpid()}-def",
                 f".ander.partial-{dead}-ghi"):
        (tmp_path / name).mkdir()
    _remove_stale(tmp_path / "rapport")
    assert sorted(p.name for p in tmp_path.iterdir()) == [f".ander.partial-{dead}-ghi",
                                                          f".rapport.partial-{os.getpid()}-def"]


@pytest.mark.parametrize("where, error, message", [
    ("write_tables", (errno.ENOSPC, "No space left on device"), "rapport: no space left on device"),
    ("mkdtemp", (errno.EACCES, "Permission denied"), "alleen-lezen: permission denied"),
])
def test_file_system_failure_is_one_sentence(team, tmp_path, monkeypatch, capsys, where, error, message):
    import analyse.report
    from analyse.cli import main

    def fail(*args, **kwargs):
        raise OSError(*error, str(tmp_path / "alleen-lezen") if where == "mkdtemp" else None)

    monkeypatch.setattr(analyse.report if where == "write_tables" else analyse.report.tempfile, where, fail)
    assert main(["report", str(team), "--out", str(tmp_path / "rapport"), "--no-notebooks", "--quiet"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("analyse: error: ") and message in err and err.count("\n") == 1, err
    assert "the report was not written" in err and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Exports"]


def test_sigterm_is_handled_like_ctrl_c(tmp_path):
    """A stopped run exits 143 with one line and leaves no work folder behind."""
    proc = subprocess.Popen([sys.executable, "-m", "analyse", "report", str(SAMPLE), "--out", str(tmp_path / "r"),
                             "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not list(tmp_path.glob(".r.partial-*")) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 143, err
    assert err.strip() == "analyse: stopped (SIGTERM); nothing was replaced"
    assert list(tmp_path.iterdir()) == []
