"""Every figure of the report, rendered in one call (used by ``analyse report`` and docs/make_figures.py)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from pathlib import Path

import matplotlib.pyplot as plt

from ..disclosure import protected_at
from ..stats import MIN_GROUP_SIZE
from ..survey import Survey
from . import eight, factors, likert, profiles, sheet, waves
from ._theme import save, set_theme

__all__ = ["figure_makers", "render_all", "safe_name"]

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


def figure_makers(data: Survey, *, lang: str = "nl", min_n: int = MIN_GROUP_SIZE) -> list[tuple[str, Callable]]:
    """(file name, factory) of every figure of the Survey ``data``, in reading order.

    The wave change only with several waves; a figure that groups by a metadata
    column the data lack (:attr:`Survey.absent`) is left out.

    Examples
    --------
    >>> import analyse as an
    >>> makers = dict(an.plot.figure_makers(an.sample.generate()))
    >>> list(makers)[:3]
    ['profiel_leerlabs', 'profiel_niveaus', 'heatmap_leerlabs']
    >>> makers["profiel_niveaus"]().get_title()
    'Profiel van de vijf voorwaarden — meting 2'
    """
    survey = data
    kw = {"lang": lang, "min_n": min_n}
    eight_tje = {"leerlab", "partner", "sector", "level"}
    makers = [  # (name, the metadata it groups by, factory)
        ("profiel_leerlabs", {"leerlab"}, lambda: profiles.condition_profile(survey, hue="leerlab", **kw)),
        ("profiel_niveaus", {"level"}, lambda: profiles.condition_profile(survey, hue="level", **kw)),
        ("heatmap_leerlabs", {"leerlab"}, lambda: profiles.leerlab_heatmap(survey, **kw)),
        ("heatmap_partners", {"leerlab", "partner"}, lambda: profiles.leerlab_heatmap(survey, hue="partner", **kw)),
        ("likert_stellingen", set(), lambda: likert.likert_bars(survey, **kw)),
        ("achtje_alle_leerlabs", eight_tje, lambda: eight.eight_grid(survey, **kw)),
        ("succesfactoren", {"leerlab"}, lambda: factors.success_factor_chart(survey, **kw)),
    ]
    if survey.responses["wave"].nunique() > 1:
        makers.append(("verandering_metingen", {"leerlab"}, lambda: waves.wave_dumbbells(survey, **kw)))
    for leerlab in survey.responses["leerlab"].cat.remove_unused_categories().cat.categories:
        makers.append((safe_name("partnerblad", leerlab), eight_tje,
                       lambda leerlab=leerlab: sheet.partner_sheet(survey, leerlab, **kw)))
    absent = set(survey.absent)
    return [(name, make) for name, needs, make in makers if not needs & absent]


def render_all(data: Survey, folder: str | Path, *, lang: str = "nl", min_n: int = MIN_GROUP_SIZE,
               formats: Iterable[str] = ("png", "svg", "pdf"), dpi: int = 300,
               only: Iterable[str] | None = None) -> list[Path]:
    """Draw every figure of :func:`figure_makers` and save it in ``formats``; return the paths written.

    The figures are made from :func:`analyse.protect` of the Survey ``data`` at ``min_n``.

    Examples
    --------
    >>> import tempfile
    >>> import analyse as an
    >>> paths = an.plot.render_all(an.sample.generate(), tempfile.mkdtemp(), formats=["png"],
    ...                            only=["profiel_leerlabs"])
    >>> [p.name for p in paths]
    ['profiel_leerlabs.png']
    """
    set_theme()
    survey = protected_at(data, min_n)
    only = set(only) if only is not None else None
    written: list[Path] = []
    for name, make in figure_makers(survey, lang=lang, min_n=min_n):
        if only is not None and name not in only:
            continue
        try:
            written += save(make(), Path(folder) / safe_name(name), formats=formats, dpi=dpi)
        finally:
            plt.close("all")  # a report draws many figures; keep memory flat
    return written
