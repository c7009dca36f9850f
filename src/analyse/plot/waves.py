"""Change between waves: a dumbbell per group and condition, significant changes marked."""

from __future__ import annotations

import matplotlib.lines as mlines
import matplotlib.pyplot as plt
import numpy as np

from .._docstrings import doc
from ..errors import AnalyseError
from ..stats import MIN_GROUP_SIZE, condition_means, wave_change
from ._data import (
    column_of,
    group_label,
    observed_order,
    rows_of,
    survey_of,
    value_axis,
)
from ._theme import fmt_num, text

__all__ = ["wave_dumbbells"]

SIG_COLOR = "#01665e"
WAVE_SHADES = ["0.65", "0.1"]   # earlier wave light, later wave dark: readable in greyscale


@doc
def wave_dumbbells(data, *, hue: str | None = "leerlab", conditions=None, lang: str = "nl",
                   min_n: int = MIN_GROUP_SIZE, sig_level: float = 0.05):
    """Dumbbells from wave to wave per group (rows) and condition (panels), with 95% CIs.

    Each wave's mean and CI come from :func:`analyse.condition_means` (all
    respondents of that wave); the test of each change comes from
    :func:`analyse.wave_change` (paired where respondents return), whose
    ``p_holm`` is Holm-adjusted across the conditions of each group and pair
    of waves. The figure marks a change significant when that ``p_holm`` is
    below ``sig_level`` and makes no further correction. Significant changes
    are drawn as a thick coloured line with their size; others as a thin grey line.

    Parameters
    ----------
    data : Survey or DataFrame
        At least two waves: a Survey, or a responses frame with the questionnaire's items.
    {hue}
        Here: one row per group (not ``"wave"``, which the figure compares).
    conditions : list of str, optional
        The conditions shown, one panel each (default all).
    {lang}
    {plot_min_n}
    sig_level : float
        A change is significant when its ``p_holm`` is below this (default 0.05).

    Returns
    -------
    Figure
        With ``fig.analyse_data`` the change table of :func:`analyse.wave_change`
        plus ``significant``; significant dumbbells are lines with
        ``gid="change|<group>|<condition>|sig"``.

    Examples
    --------
    >>> import analyse as an, analyse.plot as ap
    >>> fig = ap.wave_dumbbells(an.sample.generate(waves=2), hue="Niveau", conditions=["proces"])
    >>> fig.analyse_data[["level", "wave_from", "wave_to"]].drop_duplicates().shape
    (3, 3)
    """
    survey = survey_of(data)
    cb = survey.codebook
    hue = column_of(survey, hue)
    if hue == "wave":
        raise AnalyseError("wave_dumbbells compares the waves; choose another hue (e.g. 'leerlab')")
    conditions = cb.condition_codes if conditions is None else list(conditions)
    change = wave_change(survey, by=hue, min_n=min_n)
    change = change[change["condition"].astype(str).isin(conditions)].copy()
    change["significant"] = change["p_holm"] < sig_level
    means = condition_means(survey, by=["wave", *([hue] if hue else [])], min_n=min_n)
    waves = observed_order(means, "wave")
    groups = observed_order(means, hue) if hue else [None]
    fig, axes = plt.subplots(1, len(conditions), figsize=(2.5 * len(conditions) + 2.2, 0.62 * len(groups) + 1.9),
                             sharey=True, squeeze=False, layout="constrained")
    off = np.linspace(-0.12, 0.12, len(waves)) if len(waves) > 1 else np.zeros(1)
    shades = WAVE_SHADES if len(waves) == 2 else [str(v) for v in np.linspace(0.7, 0.1, len(waves))]
    for ax, cond in zip(axes[0], conditions):
        m = means[means["condition"].astype(str) == cond]
        c = change[change["condition"].astype(str) == cond]
        for gi, g in enumerate(groups):
            mg = rows_of(m, hue, g)
            mg = mg.set_index(mg["wave"].astype(str)).reindex([str(w) for w in waves])
            xs = mg["mean"].to_numpy(float)
            ys = gi + off
            name = "" if g is None else g
            for wi in range(len(waves) - 1):
                cg = rows_of(c, hue, g)
                row = cg[cg["wave_from"] == str(waves[wi])]
                sig = bool(len(row)) and bool(row["significant"].iloc[0])
                ax.plot(xs[wi:wi + 2], ys[wi:wi + 2], color=SIG_COLOR if sig else "0.6", lw=3.2 if sig else 1.3,
                        zorder=2, gid=f"change|{name}|{cond}|{'sig' if sig else 'ns'}")
                if sig:
                    ax.annotate(f"{'+' if row['diff'].iloc[0] > 0 else '−'}{fmt_num(abs(row['diff'].iloc[0]), lang, 1)}*",
                                (np.nanmax(xs[wi:wi + 2]), ys[wi:wi + 2].mean()), xytext=(6, 0),
                                textcoords="offset points", va="center", fontsize="x-small",
                                color=SIG_COLOR, fontweight="bold")
            for wi, shade in enumerate(shades):
                ax.errorbar(xs[wi], ys[wi], xerr=[[xs[wi] - mg["ci_low"].iloc[wi]], [mg["ci_high"].iloc[wi] - xs[wi]]],
                            fmt="o", color=shade, ecolor=shade, elinewidth=1, capsize=2, markersize=5,
                            markerfacecolor=shade if wi else "white", zorder=3)
        ax.set_title(cb.label("condition", cond, lang))
        value_axis(ax, cb, lang)
        ax.grid(axis="y", visible=False)
    axes[0, 0].set_yticks(range(len(groups)), [text("all", lang) if g is None else group_label(cb, hue, g, lang)
                                               for g in groups])
    axes[0, 0].set_ylim(len(groups) - 0.5, -0.5)
    axes[0, len(conditions) // 2].set_xlabel(text("mean_ci", lang))   # supxlabel would collide with the legend
    handles = [mlines.Line2D([], [], marker="o", color=s, markerfacecolor=s if i else "white", ls="",
                             label=f"{text('wave', lang)} {w}") for i, (w, s) in enumerate(zip(waves, shades))]
    handles += [mlines.Line2D([], [], color=SIG_COLOR, lw=3.2,
                              label=text("significant", lang, sig_level=_plain_number(sig_level, lang))),
                mlines.Line2D([], [], color="0.6", lw=1.3, label=text("not_significant", lang))]
    fig.legend(handles=handles, loc="outside lower center", ncol=len(handles), fontsize="small")
    fig.suptitle(text("waves_title", lang), fontweight="bold")
    fig.analyse_data = change
    return fig


def _plain_number(x: float, lang: str) -> str:
    """``x`` as written (0.05, 0.001), with a decimal comma in Dutch."""
    s = f"{x:g}"
    return s.replace(".", ",") if lang == "nl" else s
