"""The one-command report: tables, figures, executed notebooks and one HTML page.

``build_report`` loads the inputs, computes every analysis, and writes into
``out``::

    tables.xlsx     one formatted sheet per analysis + a sheet explaining the columns
    figures/        every figure as PNG, SVG and PDF
    notebooks/      the notebooks, executed with these parameters
    report.html     the executed notebooks in one self-contained page
    excluded.csv    every input row that was not used, and why
    kolommen.toml   the column map the load used (columns.toml in English), for the next wave's --map

The folder is assembled next to ``out`` and moved into place only when
complete, so an interrupted run never leaves a half report that looks whole.
"""

from __future__ import annotations

import html
import os
import shutil
import sys
import tempfile
import tomllib
from collections.abc import Callable
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

import pandas as pd

from . import stats
from .colmap import ColumnMap, write_map
from .errors import AnalyseError
from .stats import MIN_GROUP_SIZE
from .survey import Survey
from .writing import write_csv, write_xlsx

__all__ = ["build_report", "compute_tables", "write_tables", "NOTEBOOKS", "MAP_NAME"]

#: File name of the column map a report writes, per language.
MAP_NAME = {"nl": "kolommen.toml", "en": "columns.toml"}

#: The notebooks, in reading order (file stem, Dutch title, English title).
NOTEBOOKS = [
    ("01_inlezen_en_controleren", "Inlezen en controleren", "Loading and checking"),
    ("02_condities_en_betrouwbaarheid", "Condities en betrouwbaarheid", "Conditions and reliability"),
    ("03_partners_en_niveaus", "Partners en niveaus (het 8-tje)", "Partners and levels (het 8-tje)"),
    ("04_leerlabs_vergelijken", "Leerlabs vergelijken", "Comparing leerlabs"),
    ("05_succesfactoren", "Succesfactoren en valkuilen", "Success factors and pitfalls"),
    ("06_metingen_vergelijken", "Metingen vergelijken", "Comparing waves"),
]

# (key, Dutch sheet, English sheet, the metadata it groups by, analysis). Every analysis is split by wave.
_TABLES: list[tuple[str, str, str, set[str], Callable[[Survey, int], pd.DataFrame]]] = [
    ("means_leerlab", "gemiddelden leerlab", "means leerlab", {"leerlab"},
     lambda s, m: stats.condition_means(s, by=["wave", "leerlab"], min_n=m)),
    ("means_partner", "gemiddelden partner", "means partner", {"leerlab", "partner"},
     lambda s, m: stats.condition_means(s, by=["wave", "leerlab", "partner"], min_n=m)),
    ("means_level", "gemiddelden niveau", "means level", {"leerlab", "level"},
     lambda s, m: stats.condition_means(s, by=["wave", "leerlab", "level"], min_n=m)),
    ("means_items", "stellingen", "statements", {"leerlab"},
     lambda s, m: stats.condition_means(s, by=["wave", "leerlab"], items=True, min_n=m)),
    ("reliability", "betrouwbaarheid", "reliability", set(),
     lambda s, m: stats.reliability(s, by=["wave"], min_n=m)),
    ("item_statistics", "stellingen betrouwbaarheid", "item statistics", set(),
     lambda s, m: stats.item_statistics(s, by=["wave"], min_n=m)),
    ("agreement", "overeenstemming partners", "partner agreement", {"leerlab", "partner", "sector"},
     lambda s, m: stats.agreement(s, within=["wave", "leerlab"], min_n=m)),
    ("level_nodes", "8-tje knopen", "8-tje nodes", {"leerlab", "partner", "sector", "level"},
     lambda s, m: stats.level_nodes(s, within=["wave", "leerlab"], min_n=m)),
    ("level_gaps", "8-tje verschillen", "8-tje gaps", {"leerlab", "partner", "sector", "level"},
     lambda s, m: stats.level_gaps(s, within=["wave", "leerlab"], min_n=m)),
    ("success_factors", "succesfactoren", "success factors", {"leerlab"},
     lambda s, m: stats.success_factors(s, by=["wave", "leerlab"], min_n=m)),
    ("wave_change", "verandering metingen", "change between waves", {"leerlab"},
     lambda s, m: stats.wave_change(s, by=["leerlab"], min_n=m)),
]
#: The metadata each notebook groups by: a notebook is skipped when the data lack one.
_NOTEBOOK_NEEDS = {"03_partners_en_niveaus": {"leerlab", "partner", "sector", "level"},
                   "04_leerlabs_vergelijken": {"leerlab", "level"}, "05_succesfactoren": {"leerlab"},
                   "06_metingen_vergelijken": {"leerlab"}}


def compute_tables(survey: Survey, *, min_n: int = MIN_GROUP_SIZE) -> dict[str, pd.DataFrame]:
    """Every analysis of the report as a tidy table, keyed as in the report.

    The wave comparison is included only when the survey has more than one
    wave; an analysis that groups by a metadata column the data lack
    (:attr:`Survey.absent`: the form did not ask it) is left out. Groups
    smaller than ``min_n`` carry NaN estimates and a note.
    """
    multi_wave = survey.responses["wave"].nunique() > 1
    absent = set(survey.absent)
    return {key: fn(survey, min_n) for key, _, _, needs, fn in _TABLES
            if (key != "wave_change" or multi_wave) and not needs & absent}


def _column_notes(lang: str) -> dict[str, str]:
    text = resources.files("analyse").joinpath("data/columns.toml").read_text(encoding="utf-8")
    i = 0 if lang == "nl" else 1
    return {col: pair[i] for col, pair in tomllib.loads(text)["columns"].items()}


def write_tables(tables: dict[str, pd.DataFrame], path: str | Path, *, lang: str = "nl",
                 excluded: pd.DataFrame | None = None) -> Path:
    """Write the tables to one workbook: a sheet per analysis and a sheet explaining the columns."""
    names = {key: (nl if lang == "nl" else en) for key, nl, en, _, _ in _TABLES}
    sheets = {names[key]: frame for key, frame in tables.items()}
    if excluded is not None:
        sheets["uitgesloten rijen" if lang == "nl" else "excluded rows"] = excluded
    notes = _column_notes(lang)
    used = sorted({c for frame in sheets.values() for c in frame.columns})
    explain = pd.DataFrame({
        ("kolom" if lang == "nl" else "column"): used,
        ("betekenis" if lang == "nl" else "meaning"): [notes.get(c, "") for c in used],
        ("bladen" if lang == "nl" else "sheets"): [", ".join(n for n, f in sheets.items() if c in f.columns)
                                                  for c in used],
    })
    sheets = {("uitleg kolommen" if lang == "nl" else "columns explained"): explain, **sheets}
    return write_xlsx(Path(path), sheets)


def build_report(inputs, out: str | Path, *, lang: str = "nl", min_n: int = MIN_GROUP_SIZE, codebook=None,
                 wave=None, columns=None, metadata=None, notebooks: bool = True, progress: bool = True) -> Path:
    """Load ``inputs``, compute everything and write the report folder ``out`` atomically.

    Parameters
    ----------
    inputs : path or list of paths
        Export files or folders, as for :func:`analyse.load`.
    out : path
        The report folder; replaced as a whole when the new report is complete.
    lang : {"nl", "en"}
        Language of labels, sheet names and figures.
    min_n : int
        Minimum group size; smaller groups are suppressed in every table and figure.
    columns, metadata
        A column map and values for every row, as for :func:`analyse.load`.
        The map the load used (recognised and given) is written to the report
        folder as ``kolommen.toml`` (``columns.toml`` in English), ready for
        the next wave's ``--map``; the notebooks load with it.
    notebooks : bool
        Also execute the notebooks and render ``report.html`` (needs a Jupyter kernel).
    progress : bool
        Show a progress bar on standard error.
    """
    from tqdm import tqdm  # the text bar: tqdm.auto needs ipywidgets in notebooks

    from .loading import load

    if lang not in ("nl", "en"):
        raise ValueError(f"lang must be 'nl' or 'en', not {lang!r}")
    out = Path(out).resolve()
    inputs = [str(Path(p).resolve()) for p in ([inputs] if isinstance(inputs, (str, Path)) else inputs)]
    _check_target(out, inputs)
    steps = ["load", "tables", "figures"] + ([s for s, _, _ in NOTEBOOKS] + ["html"] if notebooks else [])
    bar = tqdm(total=len(steps), disable=not progress, unit="stap" if lang == "nl" else "step", leave=False)
    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=out.parent))
    work.chmod(0o777 & ~_umask())
    try:
        bar.set_description("inlezen" if lang == "nl" else "loading")
        survey = load(inputs, codebook=codebook, wave=wave, columns=columns, metadata=metadata)
        write_csv(survey.excluded, work / "excluded.csv")
        column_map = write_map(work / MAP_NAME[lang], survey.report().files, lang=lang,
                               dual_scale=ColumnMap.from_arguments(columns).dual_scale)
        bar.update()

        bar.set_description("tabellen" if lang == "nl" else "tables")
        tables = compute_tables(survey, min_n=min_n)
        write_tables(tables, work / "tables.xlsx", lang=lang, excluded=survey.excluded)
        bar.update()

        bar.set_description("figuren" if lang == "nl" else "figures")
        from .plot import render_all

        render_all(survey, work / "figures", lang=lang, min_n=min_n)
        bar.update()

        if notebooks:
            executed = []
            (work / "notebooks").mkdir()
            absent = set(survey.absent)
            for stem, _, _ in NOTEBOOKS:
                bar.set_description(stem)
                if not _NOTEBOOK_NEEDS.get(stem, set()) & absent:
                    executed.append(_execute(stem, work / "notebooks", inputs=inputs, lang=lang, min_n=min_n,
                                             wave=wave, columns=f"../{column_map.name}"))
                bar.update()
            bar.set_description("html")
            _write_html(executed, work / "report.html", lang=lang, absent=sorted(absent))
            bar.update()
        (work / _MARKER).write_text("written by analyse report; the whole folder is replaced by the next run\n")
        _replace_folder(work, out)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    finally:
        bar.close()
    return out


def notebook_source(stem: str) -> Path:
    """Path of a shipped notebook (``notebooks/<stem>.ipynb``)."""
    path = Path(str(resources.files("analyse").joinpath("notebooks", f"{stem}.ipynb")))
    if not path.exists():
        raise FileNotFoundError(f"notebook {stem}.ipynb is not installed with analyse ({path})")
    return path


def _execute(stem: str, folder: Path, *, inputs: list[str], lang: str, min_n: int, wave, columns: str) -> Path:
    import papermill

    target = folder / f"{stem}.ipynb"
    # The kernel writes start-up chatter to the inherited stderr; keep it in a log, out of the user's terminal.
    with _stderr_to(folder / f"{stem}.log"):
        papermill.execute_notebook(
            str(notebook_source(stem)), str(target), cwd=str(folder), progress_bar=False, log_output=False,
            kernel_name="python3",
            parameters={"inputs": inputs, "out": str(folder.parent), "lang": lang, "min_n": min_n, "wave": wave,
                        "columns": columns, "save": False})
    (folder / f"{stem}.log").unlink()
    return target


@contextmanager
def _stderr_to(path: Path):
    sys.stderr.flush()
    saved = os.dup(2)
    with path.open("w") as log:
        os.dup2(log.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:1100px;margin:2em auto;
padding:0 1em;color:#222;line-height:1.45}
nav{background:#f4f4f4;padding:.6em 1em;border-radius:6px}nav a{margin-right:1.2em}
section{border-top:2px solid #ddd;margin-top:2.5em;padding-top:1em}
table{border-collapse:collapse;font-size:.85em;margin:.6em 0;display:block;overflow-x:auto}
th,td{border:1px solid #ddd;padding:.2em .5em;text-align:right}th{background:#f4f4f4}
img{max-width:100%;height:auto}pre{white-space:pre-wrap;font-size:.85em;background:#fafafa;padding:.5em}
.jp-InputArea,.input_prompt,.output_prompt,.jp-InputPrompt,.jp-OutputPrompt{display:none}
"""


def _write_html(executed: list[Path], path: Path, *, lang: str, absent: list[str] = ()) -> Path:
    """One self-contained page: no scripts, no external resources, figures embedded.

    When the data lack metadata (``absent``), the page says which sections are left out and why.
    """
    import nbformat
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="basic", exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True, embed_images=True)
    titles = {stem: (nl if lang == "nl" else en) for stem, nl, en in NOTEBOOKS}
    nav, sections = [], []
    for nb_path in executed:
        stem = nb_path.stem
        body, _ = exporter.from_notebook_node(nbformat.read(nb_path, as_version=4))
        nav.append(f'<a href="#{stem}">{html.escape(titles[stem])}</a>')
        sections.append(f'<section id="{stem}">{body}</section>')
    title = "Reflecteren op samenwerking - rapport" if lang == "nl" else "Reflecting on collaboration - report"
    if absent:
        left_out = ", ".join(titles[s] for s, _, _ in NOTEBOOKS if _NOTEBOOK_NEEDS.get(s, set()) & set(absent))
        sections.insert(0, "<p>" + html.escape(
            f"Deze gegevens hebben geen {', '.join(absent)} (het formulier vroeg er niet naar); daarom ontbreekt: "
            f"{left_out}." if lang == "nl" else
            f"These data have no {', '.join(absent)} (the form did not ask it); left out therefore: {left_out}.")
            + "</p>")
    page = (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>'
            f"<style>{_CSS}</style></head><body><h1>{title}</h1><nav>{''.join(nav)}</nav>"
            f"{''.join(sections)}</body></html>")
    path.write_text(page, encoding="utf-8")
    return path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_MARKER = ".analyse-report"  # in every report folder: only such a folder may be replaced


def _check_target(out: Path, inputs: list[str]) -> None:
    """Refuse an output folder whose replacement would delete data: the inputs, or a folder we did not write."""
    for p in map(Path, inputs):
        if p == out or out in p.parents:
            raise AnalyseError(f"{out}: the report folder holds the input {p}; replacing it would delete the input. "
                               "Choose another --out folder")
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / _MARKER).exists())):
        raise AnalyseError(f"{out}: exists and is not a report written by analyse; it is left alone. "
                           "Choose a new or empty --out folder")


def _replace_folder(new: Path, out: Path) -> None:
    """Move the finished report into place; the old one goes only after the new one is there."""
    if out.exists():
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        out.rename(old)
        new.rename(out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        new.rename(out)
