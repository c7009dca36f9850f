"""Input handling shared by the figures: Survey or table, wave choice, hue and values, axes and titles."""

from __future__ import annotations

import matplotlib.patches as mpatches
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from ..codebook import Codebook, load_codebook
from ..stats._input import Data, as_data
from ..survey import Survey
from ._theme import SUPPRESSED_COLOR, number_formatter, text

GROUP_KINDS = ("leerlab", "level", "sector")  # group columns whose labels live in the codebook
TITLED = ("leerlab", "partner", "level", "sector", "wave")  # group columns with a title of their own


def codebook_of(data, codebook: Codebook | None = None) -> Codebook:
    """The codebook of a Survey, or the one passed, or the default."""
    if codebook is not None:
        return load_codebook(codebook)
    if isinstance(data, Survey):
        return data.codebook
    return load_codebook()


def survey_of(data, codebook: Codebook | None = None) -> Survey:
    """A Survey, or the Survey of a responses frame holding the questionnaire's items."""
    if isinstance(data, Survey):
        return data
    return as_data(data, codebook=codebook).survey


def column_of(data, name, codebook: Codebook | None = None) -> str | None:
    """The column ``name`` means in a Survey or a table, resolved as the statistics resolve ``by=``.

    Any capitalisation and the codebook's aliases ("niveau", "school") work;
    an unknown name raises :class:`~analyse.stats._input.UnknownColumnError`
    listing the valid ones. None stays None.
    """
    if name is None:
        return None
    if isinstance(data, Survey):
        return as_data(data).column(name)
    return Data(frame=data, scales={}, points=None, codebook=codebook_of(data, codebook)).column(name)


def value_of(survey: Survey, column: str, value):
    """The value of ``column`` meant by ``value`` ("groen" for "Groen"); unknown values list the valid ones."""
    return as_data(survey).value(column, value)


def shown_min_n(data, min_n: int) -> int:
    """The ``min_n`` a figure's hidden groups were hidden at: the larger of ``min_n`` and a protected Survey's."""
    plan = getattr(data, "disclosure", None)
    return max(int(min_n), int(plan.min_n)) if plan is not None else int(min_n)


def computed(data, statistic, hue, *, wave, min_n: int, codebook: Codebook | None = None, **filters):
    """``statistic`` of a Survey by ``hue`` (one wave, rows filtered by value), or the table passed as is.

    Returns the table, the wave shown (None when pooled or a table) and the
    resolved hue. Filter values are found as :func:`value_of` finds them.
    """
    hue = column_of(data, hue, codebook)
    if not isinstance(data, Survey):
        return data, None, hue
    survey, shown = pick_wave(data, wave)
    filters = {col: None if v is None else [value_of(survey, col, x) for x in ([v] if isinstance(v, str) else v)]
               for col, v in filters.items()}
    survey = pick_rows(survey, **filters)
    return statistic(survey, by=hue, min_n=min_n, pool_waves=True), shown, hue


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


def group_title(kind: str, lang: str) -> str:
    """Title of a grouping (legend title, axis label): the word for a metadata column, else the column's name."""
    return text(kind, lang) if kind in TITLED else str(kind)


def observed_order(frame: pd.DataFrame, col: str) -> list:
    """Values of ``col`` in category order, observed ones only (``observed=True`` semantics)."""
    s = frame[col]
    if isinstance(s.dtype, pd.CategoricalDtype):
        present = set(s.dropna().astype(str))
        return [c for c in s.cat.categories if str(c) in present]
    return list(pd.unique(s.dropna()))


def rows_of(frame: pd.DataFrame, col: str | None, value) -> pd.DataFrame:
    """The rows of one group (all rows when there is no grouping)."""
    return frame if col is None else frame[frame[col].astype(str) == str(value)]


def group_colors(palette, n: int) -> list:
    """One colour per group (the colour-blind safe palette by default)."""
    return sns.color_palette(palette or "colorblind", n)


def dodge(n: int, width: float) -> np.ndarray:
    """Offsets that spread ``n`` groups over ``width`` around each position."""
    return (np.arange(n) - (n - 1) / 2) * (width / max(n, 1))


def new_axes(ax, figsize):
    """Use ``ax`` or make a figure of ``figsize`` with one axes (constrained layout)."""
    if ax is not None:
        return ax
    _fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def value_axis(ax, cb: Codebook, lang: str, *, axis: str = "x", right: float = 0.2, zorder: float = 1) -> None:
    """The full answer scale on ``axis``: limits just past its ends, a tick per point, a dashed midpoint.

    Every figure of means uses it, so they stay comparable across groups and waves.
    ``right`` is the room past the top of the scale (e.g. for labels).
    """
    lim, ticks, line = (ax.set_xlim, ax.set_xticks, ax.axvline) if axis == "x" else \
        (ax.set_ylim, ax.set_yticks, ax.axhline)
    lim(cb.scale_min - 0.2, cb.scale_max + right)
    ticks(cb.scale_points)
    (ax.xaxis if axis == "x" else ax.yaxis).set_major_formatter(number_formatter(lang, 0))
    line(cb.midpoint, color="0.5", lw=1, ls="--", zorder=zorder)


def suppressed_patch(lang: str, min_n: int, hatch: str = "///", edgecolor: str = "white") -> mpatches.Patch:
    """Legend entry of a hidden group: "n < min_n or derivable: not shown", with the actual ``min_n``."""
    return mpatches.Patch(facecolor=SUPPRESSED_COLOR, hatch=hatch, edgecolor=edgecolor,
                          label=text("suppressed", lang, min_n=min_n))


def tidy(parts: dict[str, pd.DataFrame], column: str) -> pd.DataFrame:
    """Tables of one figure as one tidy frame: ``column`` says which part each row is from."""
    frames = [f.assign(**{column: name}) for name, f in parts.items() if len(f)]
    if not frames:
        return pd.DataFrame(columns=[column])
    out = pd.concat(frames, ignore_index=True)
    return out[[column, *[c for c in out.columns if c != column]]]


def wave_suffix(wave, lang: str) -> str:
    return "" if wave is None else f" — {text('wave', lang).lower()} {wave}"
