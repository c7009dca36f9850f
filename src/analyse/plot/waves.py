"""Change between waves: a dumbbell per group and condition, significant changes marked."""

from __future__ import annotations

import matplotlib.lines as mlines
import matplotlib.pyplot as plt
import numpy as np

from ..stats import MIN_GROUP_SIZE, condition_means
from ..stats import wave_change as wave_change_table
from ..survey import Survey
from ._data import group_label, observed_order
from ._theme import fmt_num, number_formatter, text

__all__ = ["wave_change"]

SIG_COLOR = "#01665e"
WAVE_SHADES = ["0.65", "0.1"]   # earlier wave light, later wave dark: readable in greyscale


def wave_change(data: Survey, *, by: str = "leerlab", conditions=None, lang: str = "nl",
                min_n: int = MIN_GROUP_SIZE, alpha: float = 0.05):
    """Dumbbells from wave to wave per group (rows) and condition (panels), with 95% CIs.

    Each wave's mean and CI come from :func:`analyse.condition_means` (all
    respondents of that wave); the test of each change comes from
    :func:`analyse.wave_change` (paired where respondents return), with Holm's
    correction over all changes in the figure. Significant changes are drawn
    as a thick coloured line with their size; others as a thin grey line.

    Parameters
    ----------
    data : Survey
        At least two waves.
    by : str
        Rows ("leerlab", "level", ...).
    conditions : list of str, optional
    lang : {"nl", "en"}
    min_n : int
    alpha : float
        Level of the Holm-adjusted test.

    Returns
    -------
    Figure
        With ``fig.analyse_data`` the change table of :func:`analyse.wave_change` (``p_holm``: Holm
        across the conditions of each group) plus ``significant``;
        significant dumbbells are lines with ``gid="change|<group>|<condition>|sig"``.

    Examples
    --------
    >>> import analyse as an, analyse.plot as ap
    >>> fig = ap.wave_change(an.sample.generate(waves=2))  # doctest: +SKIP
    """
    cb = data.codebook
    conditions = cb.condition_codes if conditions is None else list(conditions)
    change = wave_change_table(data, by=[by], min_n=min_n)
    change = change[change["condition"].astype(str).isin(conditions)].copy()
    change["significant"] = change["p_holm"] < alpha
    means = condition_means(data, by=["wave", by], min_n=min_n)
    waves = observed_order(means, "wave")
    groups = observed_order(means, by)
    fig, axes = plt.subplots(1, len(conditions), figsize=(2.5 * len(conditions) + 2.2, 0.62 * len(groups) + 1.9),
                             sharey=True, squeeze=False, layout="constrained")
    off = np.linspace(-0.12, 0.12, len(waves)) if len(waves) > 1 else np.zeros(1)
    shades = WAVE_SHADES if len(waves) == 2 else [str(v) for v in np.linspace(0.7, 0.1, len(waves))]
    for ax, cond in zip(axes[0], conditions):
        m = means[means["condition"].astype(str) == cond]
        c = change[change["condition"].astype(str) == cond]
        for gi, g in enumerate(groups):
            mg = m[m[by].astype(str) == str(g)]
            mg = mg.set_index(mg["wave"].astype(str)).reindex([str(w) for w in waves])
            xs = mg["mean"].to_numpy(float)
            ys = gi + off
            for wi in range(len(waves) - 1):
                row = c[(c[by].astype(str) == str(g)) & (c["wave_from"] == str(waves[wi]))]
                sig = bool(len(row)) and bool(row["significant"].iloc[0])
                ax.plot(xs[wi:wi + 2], ys[wi:wi + 2], color=SIG_COLOR if sig else "0.6", lw=3.2 if sig else 1.3,
                        zorder=2, gid=f"change|{g}|{cond}|{'sig' if sig else 'ns'}")
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
        ax.set_xlim(cb.scale_min - 0.2, cb.scale_max + 0.2)   # the full scale, as in every mean plot
        ax.set_xticks(cb.scale_points)
        ax.xaxis.set_major_formatter(number_formatter(lang, 0))
        ax.axvline(cb.midpoint, color="0.5", lw=1, ls="--", zorder=1)
        ax.grid(axis="y", visible=False)
    axes[0, 0].set_yticks(range(len(groups)), [group_label(cb, by, g, lang) for g in groups])
    axes[0, 0].set_ylim(len(groups) - 0.5, -0.5)
    axes[0, len(conditions) // 2].set_xlabel(text("mean_ci", lang))   # supxlabel would collide with the legend
    handles = [mlines.Line2D([], [], marker="o", color=s, markerfacecolor=s if i else "white", ls="",
                             label=f"{text('wave', lang)} {w}") for i, (w, s) in enumerate(zip(waves, shades))]
    handles += [mlines.Line2D([], [], color=SIG_COLOR, lw=3.2, label=text("significant", lang)),
                mlines.Line2D([], [], color="0.6", lw=1.3, label=text("not_significant", lang))]
    fig.legend(handles=handles, loc="outside lower center", ncol=len(handles), fontsize="small")
    fig.suptitle(text("waves_title", lang), fontweight="bold")
    fig.analyse_data = change
    return fig
