"""Input handling shared by the figures: Survey or table, wave choice, group labels, new axes."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..codebook import Codebook, load_codebook
from ..survey import Survey
from ._theme import text

GROUP_KINDS = ("leerlab", "level", "sector")  # group columns whose labels live in the codebook


def codebook_of(data, codebook: Codebook | None = None) -> Codebook:
    """The codebook of a Survey, or the one passed, or the default."""
    if codebook is not None:
        return load_codebook(codebook)
    if isinstance(data, Survey):
        return data.codebook
    return load_codebook()


def pick_wave(survey: Survey, wave="last") -> tuple[Survey, str | None]:
    """Restrict a Survey to one wave.

    ``"last"`` (the default of every single-wave figure) takes the latest wave,
    because pooling waves would count returning respondents twice; ``None``
    keeps all waves; any other value selects that wave. Returns the Survey and
    the wave shown (None when pooled).
    """
    r = survey.responses
    if wave is None:
        return survey, None
    waves = [w for w in r["wave"].cat.categories if (r["wave"] == w).any()]
    if wave == "last":
        wave = waves[-1]
    wave = str(wave)
    if wave not in waves:
        raise ValueError(f"wave {wave!r} is not in the survey; waves are {', '.join(waves)}")
    if len(waves) == 1:
        return survey, wave
    return Survey(r[r["wave"] == wave], codebook=survey.codebook, comments=survey.comments,
                  disclosure=_restrict(survey, wave=wave)), wave


def pick_rows(survey: Survey, **equal) -> Survey:
    """Restrict a Survey to rows where each given column equals the value (None = no filter)."""
    r = survey.responses
    keep = np.ones(len(r), dtype=bool)
    for col, value in equal.items():
        if value is not None:
            values = [value] if isinstance(value, str) else list(value)
            keep &= r[col].astype(str).isin(values).to_numpy()
            if not keep.any():
                raise ValueError(f"no respondents with {col} in {values}")
    return Survey(r[keep], codebook=survey.codebook, disclosure=_restrict(survey, **equal))


def _restrict(survey: Survey, **equal):
    """The disclosure plan of a Survey cut to some rows: the cut's totals are the plan's groups."""
    plan = survey.disclosure
    return None if plan is None else plan.restrict(**equal)


def group_label(cb: Codebook, kind: str, value, lang: str) -> str:
    """Display label of a group value: from the codebook when it has one (partners: the name)."""
    if kind in GROUP_KINDS:
        try:
            return cb.label(kind, str(value), lang)
        except KeyError:
            return str(value)
    if kind == "wave":
        return f"{text('wave', lang)} {value}"
    return str(value)


def observed_order(frame: pd.DataFrame, col: str) -> list:
    """Values of ``col`` in category order, observed ones only (``observed=True`` semantics)."""
    s = frame[col]
    if isinstance(s.dtype, pd.CategoricalDtype):
        present = set(s.dropna().astype(str))
        return [c for c in s.cat.categories if str(c) in present]
    return list(pd.unique(s.dropna()))


def partner_order(survey: Survey, leerlab: str) -> list[str]:
    """The partner schools of a leerlab, ordered by sector (vmbo before mbo), then name."""
    r = survey.responses[survey.responses["leerlab"].astype(str) == str(leerlab)]
    sect = r.groupby("partner", observed=True)["sector"].agg(
        lambda s: s.cat.codes.min() if len(s) else 99)
    return [str(p) for p in sorted(sect.index, key=lambda p: (sect[p], str(p)))]


def new_axes(ax, figsize):
    """Use ``ax`` or make a figure of ``figsize`` with one axes (constrained layout)."""
    if ax is not None:
        return ax
    _fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def wave_suffix(wave, lang: str) -> str:
    return "" if wave is None else f" — {text('wave', lang).lower()} {wave}"
