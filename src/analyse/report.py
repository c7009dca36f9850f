"""The one-command report: tables, figures, executed notebooks and one HTML page.

``build_report`` loads the inputs, computes every analysis, and writes into
``out``::

    report.html     key findings, then a section per question: figure, curated table, how to read it
    leerlabs/       with per_leerlab: one feedback page per leerlab
    tables.xlsx     one formatted sheet per analysis + a sheet explaining the columns
    figures/        every figure as PNG, SVG and PDF
    notebooks/      the notebooks, executed with these parameters and linked from report.html
    kolommen.toml   the column map the load used (columns.toml in English), for the next wave's --map

That folder can be shared: it names input files without their folders and
holds no row of the data. What does - the excluded rows with their values,
the full load report, notebook 01 listing the excluded rows - goes to a
private sibling folder, ``<out>-intern`` unless ``private`` names another::

    excluded.csv, excluded.xlsx      every input row that was not used, and why
    inlezen.txt                      the load report (load_report.txt in English)
    01_inlezen_en_controleren.ipynb  notebook 01 with the excluded rows listed

Each folder is assembled next to its place and moved there only when
complete, so an interrupted run never leaves a half report that looks whole;
a folder is replaced only when analyse wrote it (it holds a marker file that
lists what analyse wrote). Inputs are read-only: no output may be, lie inside
or hold an input.
"""

from __future__ import annotations

import functools
import glob
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pandas as pd

from . import stats
from .colmap import ColumnMap, write_map
from .disclosure import protected_at
from .errors import AnalyseError
from .page import leerlab_page, report_page
from .printing import find_browser, print_pdfs
from .stats import MIN_GROUP_SIZE
from .survey import Survey
from .texts import check_lang, text, texts, translate_notes
from .writing import write_csv, write_xlsx

__all__ = ["NOTEBOOKS", "ReportFolder", "build_report", "check_output", "compute_tables", "private_folder",
           "read_only_paths", "write_tables"]

#: The notebooks, in reading order (file stems; their titles are in the translation table).
NOTEBOOKS = ["01_inlezen_en_controleren", "02_condities_en_betrouwbaarheid", "03_partners_en_niveaus",
             "04_leerlabs_vergelijken", "05_succesfactoren", "06_metingen_vergelijken", "07_open_antwoorden"]

# (key, the metadata it groups by, analysis); the sheet's name is ``sheet.<key>`` of the translation
# table. Every analysis is split by wave.
_TABLES: list[tuple[str, set[str], Callable[[Survey, int], pd.DataFrame]]] = [
    ("means_leerlab", {"leerlab"}, lambda s, m: stats.condition_means(s, by=["wave", "leerlab"], min_n=m)),
    ("means_partner", {"leerlab", "partner"},
     lambda s, m: stats.condition_means(s, by=["wave", "leerlab", "partner"], min_n=m)),
    ("means_level", {"leerlab", "level"},
     lambda s, m: stats.condition_means(s, by=["wave", "leerlab", "level"], min_n=m)),
    ("means_items", {"leerlab"},
     lambda s, m: stats.condition_means(s, by=["wave", "leerlab"], items=True, min_n=m)),
    ("reliability", set(), lambda s, m: stats.reliability(s, by=["wave"], min_n=m)),
    ("item_statistics", set(), lambda s, m: stats.item_statistics(s, by=["wave"], min_n=m)),
    ("agreement", {"leerlab", "partner", "sector"}, lambda s, m: stats.agreement(s, by=["wave", "leerlab"], min_n=m)),
    ("level_nodes", {"leerlab", "partner", "sector", "level"},
     lambda s, m: stats.level_nodes(s, by=["wave", "leerlab"], min_n=m)),
    ("level_gaps", {"leerlab", "partner", "sector", "level"},
     lambda s, m: stats.level_gaps(s, by=["wave", "leerlab"], min_n=m)),
    ("success_factors", {"leerlab"}, lambda s, m: stats.success_factors(s, by=["wave", "leerlab"], min_n=m)),
    ("wave_change", {"leerlab"}, lambda s, m: stats.wave_change(s, by=["leerlab"], min_n=m)),
]
#: The notebooks, longest first (as measured on the sample): the two kernels then end together.
_BY_DURATION = ["05_succesfactoren", "03_partners_en_niveaus", "01_inlezen_en_controleren", "07_open_antwoorden",
                "06_metingen_vergelijken", "04_leerlabs_vergelijken", "02_condities_en_betrouwbaarheid"]
#: The metadata each notebook groups by: a notebook is skipped when the data lack one.
_NOTEBOOK_NEEDS = {"03_partners_en_niveaus": {"leerlab", "partner", "sector", "level"},
                   "04_leerlabs_vergelijken": {"leerlab", "level"}, "05_succesfactoren": {"leerlab"},
                   "06_metingen_vergelijken": {"leerlab"}, "07_open_antwoorden": {"leerlab"}}


def compute_tables(survey: Survey, *, min_n: int = MIN_GROUP_SIZE) -> dict[str, pd.DataFrame]:
    """Every analysis of the report as a tidy table, keyed as in the report.

    The wave comparison is included only when the survey has more than one
    wave; an analysis that groups by a metadata column the data lack
    (:attr:`Survey.absent`: the form did not ask it) is left out. The tables
    are made from :func:`analyse.protect` of ``survey``: groups smaller than
    ``min_n``, and groups that would let one be worked out, carry NaN and a note.
    """
    survey = protected_at(survey, min_n)
    multi_wave = survey.responses["wave"].nunique() > 1
    absent = set(survey.absent)
    return {key: fn(survey, min_n) for key, needs, fn in _TABLES
            if (key != "wave_change" or multi_wave) and not needs & absent}


def write_tables(tables: dict[str, pd.DataFrame], path: str | Path, *, lang: str = "nl", codebook=None,
                 confidence: float = 0.95) -> Path:
    """Write the tables to one workbook: a sheet per analysis and a sheet explaining the columns.

    Notes are written in ``lang``; the explanations follow the ``codebook``'s
    scale (the built-in one by default). Only aggregates: the excluded rows,
    which carry a respondent's answers, belong in the private folder.
    """
    from .codebook import load_codebook
    from .present import number

    cb = codebook if codebook is not None else load_codebook()
    def span(points: list[float]) -> str:  # "4-5"
        return "-".join(dict.fromkeys(number(p, lang, 0) for p in (min(points), max(points)))) if points else "-"

    points = {"low": number(cb.scale_min, lang, 0), "high": number(cb.scale_max, lang, 0),
              "agree": span(cb.agree_points), "disagree": span(cb.disagree_points),
              "ad_cut": number(cb.n_options / 6, lang), "confidence": number(100 * confidence, lang, 0)}
    sheets = {text(f"sheet.{key}", lang): translate_notes(frame, lang) for key, frame in tables.items()}
    used = sorted({c for frame in sheets.values() for c in frame.columns})
    known = texts()
    explain = pd.DataFrame({
        text("sheet.explain_column", lang): used,
        text("sheet.explain_meaning", lang): [text(f"column.{c}", lang, **points) if f"column.{c}" in known else ""
                                              for c in used],
        text("sheet.explain_sheets", lang): [", ".join(n for n, f in sheets.items() if c in f.columns) for c in used],
    })
    return write_xlsx(Path(path), {text("sheet.explain", lang): explain, **sheets})


@dataclass(frozen=True)
class ReportFolder:
    """What :func:`build_report` wrote: the folder to share, the private one, the page, and the rows not used."""

    out: Path
    private: Path
    html: Path
    excluded: int
    leerlab_pages: tuple[Path, ...] = ()
    leerlab_pdfs: tuple[Path, ...] = ()  # empty when no browser could print them


def build_report(inputs, out: str | Path, *, lang: str = "nl", min_n: int = MIN_GROUP_SIZE, codebook=None,
                 wave=None, columns=None, metadata=None, notebooks: bool = True, per_leerlab: bool = False,
                 formats: Iterable[str] = ("png", "svg"), progress: bool = True,
                 private: str | Path | None = None) -> ReportFolder:
    """Load ``inputs``, compute everything and write the report folder ``out`` atomically.

    Parameters
    ----------
    inputs : path or list of paths
        Export files or folders, as for :func:`analyse.load`.
    out : path
        The report folder, to share; replaced as a whole when the new report is complete.
    lang : {"nl", "en"}
        Language of every text, table header, sheet name and figure.
    min_n : int
        Minimum group size; smaller groups are suppressed in every table, figure and page.
    codebook : path, optional
        A codebook of your own; it reaches the tables, the figures, the pages and the notebooks.
    wave, columns, metadata
        As for :func:`analyse.load`. The column map the load used (recognised
        and given) is written to the report folder as ``kolommen.toml``
        (``columns.toml`` in English), ready for the next wave's ``--map``.
    notebooks : bool
        Also execute the notebooks (in parallel, linked from ``report.html``; needs a Jupyter kernel).
    per_leerlab : bool
        Also write one feedback page per leerlab (``leerlabs/<leerlab>.html``), and
        a PDF of each when a Chromium-family browser is installed
        (:func:`analyse.printing.find_browser`).
    formats : iterable of {"png", "svg", "pdf"}
        File types of the figures; SVG is always among them (the pages embed
        it). PDF is not by default: embedding its fonts costs more than all
        other formats together.
    progress : bool
        Show a progress bar on standard error.
    private : path, optional
        The folder for row-level material (default: ``<out>-intern`` beside ``out``); never inside ``out``.

    Raises :class:`AnalyseError` for an output that is, lies inside or holds an
    input, for a folder analyse did not write, and for a folder that cannot be
    written (naming it).
    """
    from tqdm import tqdm  # the text bar: tqdm.auto needs ipywidgets in notebooks

    check_lang(lang)
    out = Path(out).resolve()
    private = private_folder(out, private)
    inputs = [str(Path(p).resolve()) for p in ([inputs] if isinstance(inputs, (str, Path)) else inputs)]
    read_only = read_only_paths(inputs, codebook, columns)
    for target, option in ((out, "--out"), (private, "--private")):
        check_output(target, read_only, option)
        _check_target(target)
    steps = ["load", "tables", "figures", "html"] + (["notebooks"] if notebooks else [])
    bar = tqdm(total=len(steps), disable=not progress, unit=text("progress.unit", lang), leave=False)
    works: list[Path] = []
    try:
        work, work_private = (_work_folder(target, works) for target in (out, private))
        bar.set_description(text("progress.load", lang))
        survey = _load_survey(inputs, codebook=codebook, wave=wave, columns=columns, metadata=metadata,
                              lang=lang)
        _write_private(survey, work_private, lang=lang)
        column_map = write_map(work / text("file.column_map", lang), survey.report().files, lang=lang,
                               dual_scale=ColumnMap.from_arguments(columns).dual_scale)
        bar.update()

        bar.set_description(text("progress.tables", lang))
        from .plot import rendering

        shared = protected_at(survey, min_n)  # what the shareable folder shows
        # The figures are drawn by two worker processes while this one computes and writes the tables.
        with rendering(shared, work / "figures", lang=lang, min_n=min_n, per_leerlab=per_leerlab,
                       formats=tuple(dict.fromkeys([*formats, "svg"])),
                       processes=min(2, os.cpu_count() or 1)) as figures:
            tables = compute_tables(shared, min_n=min_n)
            write_tables(tables, work / "tables.xlsx", lang=lang, codebook=shared.codebook)
            bar.update()
            bar.set_description(text("progress.figures", lang))
            figures()
        bar.update()

        bar.set_description(text("progress.pages", lang))
        answers = _open_answers(shared, min_n)
        stems = [stem for stem in NOTEBOOKS if not _NOTEBOOK_NEEDS.get(stem, set()) & set(survey.absent)]
        pages = _write_leerlab_pages(shared, tables, work, lang=lang, min_n=min_n, answers=answers) \
            if per_leerlab else []
        browser = find_browser() if pages else None
        pdfs = print_pdfs([path for _, path in pages], browser) if browser else []
        html_path = work / "report.html"
        html_path.write_text(report_page(
            shared, tables, work / "figures", lang=lang, min_n=min_n, answers=answers,
            notebooks=[(text(f"notebook.{s}", lang), f"notebooks/{s}.ipynb") for s in stems] if notebooks else [],
            leerlab_pages=[(name, path.relative_to(work).as_posix()) for name, path in pages]), encoding="utf-8")
        bar.update()

        if notebooks:
            bar.set_description(text("progress.notebooks", lang))
            run = {"inputs": inputs, "lang": lang, "min_n": min_n, "wave": wave, "codebook": codebook,
                   "scrub": _scrubber(read_only, works)}
            (work / "notebooks").mkdir()
            jobs = [(stem, work / "notebooks", False, f"../{column_map.name}") for stem in stems]
            jobs.append((NOTEBOOKS[0], work_private, True, str(column_map)))
            jobs.sort(key=lambda job: _BY_DURATION.index(job[0]))
            _execute_all(jobs, **run)
            bar.update()
        for folder in works:
            _write_marker(folder)
        _swap_in(work_private, private)
        _swap_in(work, out)
    except OSError as exc:
        _remove(works)
        raise AnalyseError(_cannot_write(exc, out)) from None
    except BaseException:
        _remove(works)
        raise
    finally:
        bar.close()
    return ReportFolder(out=out, private=private, html=out / "report.html", excluded=len(survey.excluded),
                        leerlab_pages=tuple(out / path.relative_to(work) for _, path in pages),
                        leerlab_pdfs=tuple(out / path.relative_to(work) for path in pdfs))


def _open_answers(survey: Survey, min_n: int) -> pd.DataFrame | None:
    """The open answers per leerlab, condition and wave, as the pages show them (None without comments)."""
    if survey.comments is None or survey.comments.empty or "leerlab" in survey.absent:
        return None
    return stats.open_answers(survey, by="leerlab", min_n=min_n)


def _write_leerlab_pages(survey: Survey, tables, work: Path, *, lang: str, min_n: int,
                         answers) -> list[tuple[str, Path]]:
    """One feedback page per leerlab in ``leerlabs/``: (display name, path)."""
    if "leerlab" in survey.absent:
        return []
    from .plot.gallery import safe_name

    folder = work / "leerlabs"
    folder.mkdir()
    names = survey.codebook.labels("leerlab", lang)
    pages = []
    for leerlab in survey.responses["leerlab"].cat.remove_unused_categories().cat.categories:
        path = folder / f"{safe_name('leerlab', leerlab)}.html"
        path.write_text(leerlab_page(survey, tables, str(leerlab), work / "figures", lang=lang, min_n=min_n,
                                     answers=answers), encoding="utf-8")
        pages.append((names.get(leerlab, str(leerlab)), path))
    return pages


def _load_survey(inputs: list[str], **options) -> Survey:
    """The one place the report obtains its data: every table, figure and private file uses this survey."""
    from .loading import load

    return load(inputs, **options)


def _write_private(survey: Survey, folder: Path, *, lang: str) -> None:
    """The row-level material: excluded rows with their values and the full load report."""
    write_csv(survey.excluded, folder / "excluded.csv")
    write_xlsx(folder / "excluded.xlsx", {text("sheet.excluded", lang): survey.excluded})
    (folder / text("file.load_report", lang)).write_text(survey.report().to_text(lang) + "\n", encoding="utf-8")


def private_folder(out: Path, private: str | Path | None = None) -> Path:
    """The private folder of the report folder ``out``: ``private`` or ``<out>-intern``; never inside ``out``."""
    out = Path(out).resolve()
    folder = Path(private).resolve() if private is not None else out.with_name(f"{out.name}-intern")
    if _in(out, _chain(folder)) or _in(folder, _chain(out)):
        raise AnalyseError(f"{folder}: the private folder may not be, lie inside or hold the report folder {out}, "
                           "which is meant to be shared; choose a --private folder beside it")
    return folder


def notebook_source(stem: str) -> Path:
    """Path of a shipped notebook (``notebooks/<stem>.ipynb``)."""
    path = Path(str(resources.files("analyse").joinpath("notebooks", f"{stem}.ipynb")))
    if not path.exists():
        raise FileNotFoundError(f"notebook {stem}.ipynb is not installed with analyse ({path})")
    return path


def _execute_all(jobs: list[tuple[str, Path, bool, str]], **run) -> None:
    """Execute the notebooks ``(stem, folder, show_rows, columns)`` in two kernels, each taking the next in turn.

    Starting a kernel and importing the package cost more than most
    notebooks, so a kernel runs several: before each, its namespace is reset
    and its counter restarts at 1, so a notebook sees its own parameters
    only and reads as if run alone. The kernels write start-up chatter to the
    inherited stderr: it goes to a log beside the first notebook, out of the
    user's terminal, and is removed when every notebook ran.
    """
    from concurrent.futures import ThreadPoolExecutor
    from queue import SimpleQueue

    queue: SimpleQueue = SimpleQueue()
    for job in jobs:
        queue.put(job)
    lanes = min(2, os.cpu_count() or 1, len(jobs))
    log = jobs[0][1] / "notebooks.log"
    with _stderr_to(log), ThreadPoolExecutor(max_workers=lanes) as pool:
        list(pool.map(lambda _: _kernel_lane(queue, **run), range(lanes)))  # list(): re-raise the first failure
    log.unlink()


def _kernel_lane(queue, **run) -> None:
    """Start a kernel and execute notebooks from ``queue`` in it until the queue is empty."""
    from queue import Empty

    from jupyter_client import KernelManager

    km = KernelManager(kernel_name="python3")
    km.start_kernel()
    kc = km.client()
    try:
        kc.start_channels()
        kc.wait_for_ready(timeout=60)
        while True:
            try:
                stem, folder, show_rows, columns = queue.get_nowait()
            except Empty:
                return
            # reset(new_session=True) empties the namespace and sets the counter to 1; store_history=False
            # keeps this cell from counting.
            kc.execute_interactive(f"import os; os.chdir({str(folder)!r}); get_ipython().reset(new_session=True)",
                                   store_history=False, timeout=60)
            _execute(stem, folder, show_rows, columns, km=km, kc=kc, **run)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def _execute(stem: str, folder: Path, show_rows: bool, columns: str, *, km, kc, inputs: list[str], lang: str,
             min_n: int, wave, codebook, scrub: Callable[[Path], None]) -> Path:
    import papermill

    target = folder / f"{stem}.ipynb"
    # Only notebook 01 lists rows; papermill warns about a parameter a notebook does not declare.
    rows = {"show_rows": show_rows} if stem == NOTEBOOKS[0] else {}
    papermill.execute_notebook(
        str(notebook_source(stem)), str(target), progress_bar=False, log_output=False, kernel_name="python3",
        engine_name=_shared_kernel_engine(), km=km, kc=kc,
        parameters={"inputs": inputs, "out": str(folder.parent), "lang": lang, "min_n": min_n, "wave": wave,
                    "codebook": None if codebook is None else str(Path(codebook).resolve()),
                    "columns": columns, "save": False, **rows})
    scrub(target)
    return target


@functools.cache
def _shared_kernel_engine() -> str:
    """The name of a papermill engine that runs a notebook in a kernel already started (``km``, ``kc``)."""
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines

    class SharedKernel(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, *, km, kc, **kwargs):
            client = PapermillNotebookClient(nb_man, km=km, kernel_name=kernel_name, log_output=False)
            client.kc = kc  # nbclient starts (and leaves running) a client of its own when it has none
            return client.execute()

    papermill_engines.register("analyse-shared-kernel", SharedKernel)
    return "analyse-shared-kernel"


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


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_MARKER = ".analyse-report"  # in every folder analyse wrote: only such a folder may be replaced
_MARKER_TEXT = "written by analyse report; the next run replaces the files listed below\n"


# ---------------------------------------------------------------- inputs are read-only
def read_only_paths(inputs: Iterable, *others) -> list[Path]:
    """Every path a run reads: the inputs, each file inside an input folder, and codebook and map files.

    Resolved, so a symlink counts as the file it leads to; ``others`` may be
    paths, ColumnMaps read from a file, or anything else (ignored).
    """
    paths = [Path(p) for p in ([inputs] if isinstance(inputs, (str, Path)) else inputs)]
    for other in others:
        source = other if isinstance(other, (str, Path)) else getattr(other, "source", "")
        if source and Path(source).exists():
            paths.append(Path(source))
    found = [p.resolve() for p in paths]
    for folder in [p for p in found if p.is_dir()]:
        found += [f.resolve() for f in folder.rglob("*") if f.is_file()]
    return found


def check_output(target: str | Path, read_only: Iterable[Path], option: str) -> None:
    """Refuse an output path that is, lies inside or holds any of ``read_only`` (see :func:`read_only_paths`)."""
    target = Path(target).resolve()
    itself, around = _chain(target, parents=False), _chain(target)
    found = []
    for inp in read_only:
        how = ("is" if _in(inp, itself) else "lies inside" if _in(inp, around)
               else "holds" if _in(target, _chain(inp)) else "")
        if how:
            found.append((("is", "lies inside", "holds").index(how), how, inp))
    if found:  # name the closest: the file itself rather than its folder
        _, how, inp = min(found, key=lambda f: f[0])
        raise AnalyseError(f"{target}: {option} {how} the input {inp}; inputs are never overwritten. "
                           "Choose another path")


def _chain(path: Path, parents: bool = True) -> tuple[set[str], set[tuple[int, int]]]:
    """Names and file identities of ``path`` and (with ``parents``) every folder above it.

    The resolved, case-folded name catches a folder not made yet; the identity
    (device and inode) catches another spelling of the same file on a
    case-insensitive file system, and hard links.
    """
    paths = [path, *path.parents] if parents else [path]
    return {_key(p) for p in paths}, {i for i in map(_identity, paths) if i}


def _in(path: Path, chain: tuple[set[str], set[tuple[int, int]]]) -> bool:
    return _key(path) in chain[0] or _identity(path) in chain[1]


def _key(path: Path) -> str:
    return os.path.normcase(str(path)).casefold()


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_dev, st.st_ino


# ---------------------------------------------------------------- folders analyse wrote
def _check_target(out: Path) -> None:
    """Refuse a folder whose replacement would delete what analyse did not write."""
    problem = _not_ours(out)
    if problem:
        raise AnalyseError(f"{out}: {problem}; it is left alone. Choose a new or empty folder")


def _not_ours(folder: Path) -> str:
    """Why ``folder`` may not be replaced ('' when it may: absent, empty, or holding only what analyse wrote)."""
    if not folder.exists() and not folder.is_symlink():
        return ""
    if folder.is_symlink() or not folder.is_dir():
        return "exists and is not a folder written by analyse"
    if not any(folder.iterdir()):
        return ""
    marker = folder / _MARKER
    if not marker.is_file():
        return "exists and is not a report written by analyse"
    listed = marker.read_text(encoding="utf-8", errors="replace").splitlines()[1:]
    if not listed:  # a marker of an older analyse, which listed nothing: the whole folder was ours
        return ""
    written = {_MARKER, *listed}
    foreign = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if not p.is_dir()
                     and str(p.relative_to(folder).as_posix()) not in written)
    if foreign:
        return f"holds files analyse did not write ({', '.join(foreign[:3])}{', ...' if len(foreign) > 3 else ''})"
    return ""


def _write_marker(folder: Path) -> None:
    written = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if not p.is_dir())
    (folder / _MARKER).write_text(_MARKER_TEXT + "".join(f"{w}\n" for w in written), encoding="utf-8")


def _work_folder(target: Path, works: list[Path]) -> Path:
    """A fresh hidden folder beside ``target`` to assemble it in; its name carries our process id."""
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale(target)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.partial-{os.getpid()}-", dir=target.parent))
    work.chmod(0o777 & ~_umask())
    works.append(work)
    return work


def _remove_stale(target: Path) -> None:
    """Remove the work folders of earlier runs for ``target`` that were killed (their process is gone)."""
    for kind in ("partial", "old"):
        for folder in target.parent.glob(f".{glob.escape(target.name)}.{kind}-*"):
            pid = folder.name.rsplit(f".{kind}-", 1)[1].split("-")[0]
            if pid.isdigit() and not _alive(int(pid)):
                shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def _remove(folders: Iterable[Path]) -> None:
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)


def _swap_in(new: Path, out: Path) -> None:
    """Move the finished folder ``new`` to ``out``; the old one goes only after the new one is there.

    ``out`` is checked again now: something may have appeared there while the
    report ran. What analyse did not write is never removed: the new report
    then stays beside it, under a plain name, and the error says where.
    """
    problem = _not_ours(out)
    old = out.with_name(f".{out.name}.old-{os.getpid()}")
    if not problem and out.exists():
        out.rename(old)
        problem = _not_ours(old)  # what we moved may have changed between the check and the rename
        if problem:
            old.rename(out)
    if not problem:
        try:
            new.rename(out)
        except OSError:  # a folder with content appeared at out after the rename: leave it
            problem = "appeared while the report was written"
            if old.exists() and not out.exists():
                old.rename(out)
    if problem:
        kept = out.with_name(f"{out.name}.nieuw-{time.strftime('%Y%m%d-%H%M%S')}")
        new.rename(kept)
        raise AnalyseError(f"{out}: {problem}; it is left alone. The new report is in {kept}")
    shutil.rmtree(old, ignore_errors=True)


# ---------------------------------------------------------------- no paths in what is shared
def _scrubber(read_only: Iterable[Path], works: list[Path]) -> Callable[[Path], None]:
    """A function that rewrites an executed notebook so that it names files without their folders.

    Papermill records the parameters (absolute input paths, the work folder)
    in the notebook and its metadata, and outputs print paths: every folder of
    an input or of the report is cut from every text of the notebook.
    """
    shipped = Path(str(resources.files("analyse").joinpath("notebooks")))
    folders = {p if p.is_dir() else p.parent for p in read_only} | set(works) | {shipped, shipped.resolve()}
    folders = {f for f in folders if f != f.parent}  # never cut the root: that would cut every separator
    cuts = sorted(({str(f) + os.sep: "" for f in folders} | {str(f): f.name for f in folders}).items(),
                  key=lambda kv: -len(kv[0]))

    def clean(value):
        if isinstance(value, str):
            for old, new in cuts:
                value = value.replace(old, new)
            return value
        if isinstance(value, list):
            return [clean(v) for v in value]
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        return value

    def scrub(path: Path) -> None:
        import json

        nb = json.loads(path.read_text(encoding="utf-8"))
        path.write_text(json.dumps(clean(nb), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")

    return scrub


def _cannot_write(exc: OSError, out: Path) -> str:
    """One plain sentence for a file-system failure, naming the path (the report folder when the error names none)."""
    reason = (exc.strerror or str(exc)).rstrip(".")
    return f"{exc.filename or out}: {reason[:1].lower()}{reason[1:]}; the report was not written"
