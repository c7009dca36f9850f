"""Every figure of the report, rendered in one call (used by ``analyse report`` and docs/make_figures.py)."""

from __future__ import annotations

import multiprocessing
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import matplotlib.pyplot as plt

from ..disclosure import protected_at
from ..stats import MIN_GROUP_SIZE
from ..survey import Survey
from ..texts import text
from . import eight, factors, likert, profiles, sheet, waves
from ._theme import save, set_theme

__all__ = ["figure_makers", "figure_name", "render_all", "rendering", "safe_name"]

_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


def safe_name(*parts: str, max_length: int = 80) -> str:
    """One file name (without suffix) from ``parts``, safe on every file system.

    Codes come from a researcher's codebook, so a name may hold anything: it is
    reduced to lower-case ASCII letters, digits, '-' and '_', can never name a
    folder ('/', '..') or be hidden, and is never a device name Windows reserves.

    >>> safe_name("partnerblad", "Zorg & Welzijn")
    'partnerblad_zorg_welzijn'
    >>> safe_name("partnerblad", "x/../../elders")
    'partnerblad_x_elders'
    """
    text = unicodedata.normalize("NFKD", "_".join(parts)).encode("ascii", "ignore").decode()
    name = re.sub(r"[^a-z0-9-]+", "_", text.lower()).strip("_-")[:max_length].strip("_-") or "figuur"
    return f"{name}_" if name in _RESERVED else name


def figure_name(key: str, lang: str = "nl", leerlab: str | None = None) -> str:
    """The file name (without suffix) of the figure ``key`` in ``lang``, for one leerlab where given.

    >>> import analyse as an
    >>> an.plot.figure_name("partner_sheet", "en", "Zorg & Welzijn")
    'partner_sheet_zorg_welzijn'
    """
    name = text(f"file.{key}", lang)
    return safe_name(name, leerlab) if leerlab is not None else name


def figure_makers(data: Survey, *, lang: str = "nl", min_n: int = MIN_GROUP_SIZE,
                  per_leerlab: bool = False) -> list[tuple[str, Callable]]:
    """(file name, factory) of every figure of the Survey ``data``, in reading order.

    The wave change only with several waves; a figure that groups by a metadata
    column the data lack (:attr:`Survey.absent`) is left out. ``per_leerlab``
    adds each leerlab's own figures for its feedback page: its partner sheet
    (``partnerblad_<leerlab>``) and its 8-tje (``achtje_<leerlab>``).
    File names follow ``lang`` (:func:`figure_name`).

    Examples
    --------
    >>> import analyse as an
    >>> makers = dict(an.plot.figure_makers(an.sample.generate()))
    >>> list(makers)[:3]
    ['profiel_leerlabs', 'profiel_niveaus', 'heatmap_leerlabs']
    >>> makers["profiel_niveaus"]().get_title()
    'Profiel van de vijf condities per niveau — meting 2'
    """
    return [(name, make) for _, name, make in _catalogue(data, lang, min_n, per_leerlab)]


def _catalogue(survey: Survey, lang: str, min_n: int, per_leerlab: bool) -> list[tuple[str, str, Callable]]:
    """(key, file name, factory) of every figure, as :func:`figure_makers` describes them."""
    kw = {"lang": lang, "min_n": min_n}
    eight_tje = {"leerlab", "partner", "sector", "level"}
    makers = [  # (key, the metadata it groups by, factory, leerlab)
        ("profile_leerlabs", {"leerlab"}, lambda: profiles.condition_profile(survey, hue="leerlab", **kw), None),
        ("profile_levels", {"level"}, lambda: profiles.condition_profile(survey, hue="level", **kw), None),
        ("heatmap_leerlabs", {"leerlab"}, lambda: profiles.leerlab_heatmap(survey, **kw), None),
        ("heatmap_partners", {"leerlab", "partner"}, lambda: profiles.leerlab_heatmap(survey, hue="partner", **kw),
         None),
        ("likert", set(), lambda: likert.likert_bars(survey, **kw), None),
        ("eight_all", eight_tje, lambda: eight.eight_grid(survey, **kw), None),
        ("success_factors", {"leerlab"}, lambda: factors.success_factor_chart(survey, **kw), None),
    ]
    if survey.responses["wave"].nunique() > 1:
        makers.append(("wave_change", {"leerlab"}, lambda: waves.wave_dumbbells(survey, **kw), None))
    for leerlab in survey.responses["leerlab"].cat.remove_unused_categories().cat.categories if per_leerlab else ():
        makers.append(("partner_sheet", eight_tje, lambda leerlab=leerlab: sheet.partner_sheet(survey, leerlab, **kw),
                       leerlab))
        makers.append(("eight", eight_tje,
                       lambda leerlab=leerlab: eight.eight_grid(survey, leerlabs=[leerlab], **kw), leerlab))
    absent = set(survey.absent)
    return [(key, figure_name(key, lang, leerlab), make) for key, needs, make, leerlab in makers
            if not needs & absent]


#: Order of drawing in a pool: the slowest figures first, the quick ones last to fill the gaps.
_DRAW_ORDER = {"eight_all": 0, "eight": 0, "likert": 0, "profile_leerlabs": 2, "profile_levels": 2,
               "heatmap_leerlabs": 2, "heatmap_partners": 2}


def render_all(data: Survey, folder: str | Path, *, lang: str = "nl", min_n: int = MIN_GROUP_SIZE,
               formats: Iterable[str] = ("png", "svg", "pdf"), dpi: int = 300,
               only: Iterable[str] | None = None, per_leerlab: bool = False, processes: int = 1) -> list[Path]:
    """Draw every figure of :func:`figure_makers` and save it in ``formats``; return the paths written.

    The figures are made from :func:`analyse.protect` of the Survey ``data`` at
    ``min_n``; ``processes`` > 1 draws them in that many worker processes.

    Examples
    --------
    >>> import tempfile
    >>> import analyse as an
    >>> paths = an.plot.render_all(an.sample.generate(), tempfile.mkdtemp(), formats=["png"],
    ...                            only=["profiel_leerlabs"])
    >>> [p.name for p in paths]
    ['profiel_leerlabs.png']
    """
    with rendering(data, folder, lang=lang, min_n=min_n, formats=formats, dpi=dpi, only=only,
                   per_leerlab=per_leerlab, processes=processes) as figures:
        return figures()


@contextmanager
def rendering(data: Survey, folder: str | Path, *, processes: int = 2,
              **options) -> Iterator[Callable[[], list[Path]]]:
    """Draw the figures of :func:`render_all` in worker processes while the ``with`` body runs.

    Yields a function that waits for the figures and returns the paths written
    (a figure that failed raises there); the block's end waits too. With one
    process the figures are drawn by that function, in this process. Start
    threads of your own only inside the block: the workers are forked on entry.

    Examples
    --------
    >>> import tempfile
    >>> import analyse as an
    >>> with an.plot.rendering(an.sample.generate(), tempfile.mkdtemp(), formats=["svg"],
    ...                        only=["profiel_niveaus", "heatmap_leerlabs"]) as figures:
    ...     written = figures()  # after computing tables here meanwhile
    >>> [p.name for p in written]
    ['profiel_niveaus.svg', 'heatmap_leerlabs.svg']
    """
    survey = protected_at(data, options.setdefault("min_n", MIN_GROUP_SIZE))
    only = options.pop("only", None)
    only = set(only) if only is not None else None
    catalogue = [(key, name) for key, name, _ in _makers(survey, options) if only is None or name in only]
    names = [name for _, name in catalogue]
    written: list[Path] = []
    if processes <= 1 or len(names) <= 1:
        def draw_here() -> list[Path]:
            if not written:
                written.extend(p for name in names for p in _draw(survey, name, Path(folder), options))
            return written

        yield draw_here
        draw_here()
        return
    # Workers are forked (where the system can) before the body runs, so no other thread exists yet;
    # the survey travels once per worker, and the heaviest figures go first.
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
    pool = ProcessPoolExecutor(min(processes, len(names)), mp_context=context, initializer=_adopt,
                               initargs=(survey,))
    try:
        order = [name for _, name in sorted(catalogue, key=lambda entry: _DRAW_ORDER.get(entry[0], 1))]
        futures = {name: pool.submit(_draw, None, name, Path(folder), options) for name in order}

        def wait() -> list[Path]:
            return [p for name in names for p in futures[name].result()]

        yield wait
        wait()
    finally:
        # On an error or Ctrl-C the figures not begun are dropped, and the ones being drawn are waited for:
        # no worker may write into a folder the caller is about to remove.
        pool.shutdown(wait=True, cancel_futures=True)


_adopted: Survey | None = None  # the survey of a worker process, set once by its initializer


def _adopt(survey: Survey) -> None:
    global _adopted
    _adopted = survey


def _makers(survey: Survey, options: dict) -> list[tuple[str, str, Callable]]:
    return _catalogue(survey, options.get("lang", "nl"), options["min_n"], options.get("per_leerlab", False))


def _draw(survey: Survey | None, name: str, folder: Path, options: dict) -> list[Path]:
    """Draw and save the figure ``name``: in a worker process, of the survey it adopted."""
    survey = survey if survey is not None else _adopted
    set_theme()
    make = {name: make for _, name, make in _makers(survey, options)}[name]
    try:
        return save(make(), folder / safe_name(name), formats=options.get("formats", ("png", "svg", "pdf")),
                    dpi=options.get("dpi", 300))
    finally:
        plt.close("all")  # a report draws many figures; keep memory flat
