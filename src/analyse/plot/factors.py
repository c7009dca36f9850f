"""Success factors: each group's score per factor, one panel per condition, pitfalls named."""

from __future__ import annotations

import matplotlib.lines as mlines
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from ..stats import MIN_GROUP_SIZE, success_factors
from ..survey import Survey
from ._data import group_label, observed_order, pick_wave, wave_suffix
from ._theme import number_formatter, text, wrap

__all__ = ["success_factor_chart", "success_factor_panel"]

WEAK_COLOR = "#b2182b"


def success_factor_panel(table: pd.DataFrame, condition: str, *, by: str = "leerlab", codebook, lang: str = "nl",
                         palette=None, wrap_width: int = 42, ax=None):
    """One condition's success factors: each group's mean (95% CI) per factor.

    Groups for which this condition is their weakest (``weakest`` in
    :func:`analyse.success_factors`) are drawn as larger diamonds with a dark
    edge; the factor with the lowest mean over the groups is marked
    "zwakste"; the condition's pitfall is named under the title.

    Parameters
    ----------
    table : DataFrame
        The result of :func:`analyse.success_factors` grouped by ``by``.
    condition : str
    by : str
    codebook : Codebook
    lang : {"nl", "en"}
    palette : seaborn palette, optional
    wrap_width : int
        Characters per line of the factor text.
    ax : Axes, optional

    Returns
    -------
    Axes

    Examples
    --------
    >>> import analyse as an, analyse.plot as ap
    >>> s = an.sample.generate()                                               # doctest: +SKIP
    >>> ap.success_factor_panel(an.success_factors(s), "belangen", codebook=s.codebook)  # doctest: +SKIP
    """
    cb = codebook
    if ax is None:
        _fig, ax = plt.subplots(figsize=(9, 3), layout="constrained")
    t = table[table["condition"].astype(str) == condition]
    factors = cb.success_factors.loc[cb.success_factors["condition"] == condition, "code"].tolist()
    groups = observed_order(table, by)
    colors = sns.color_palette(palette or "colorblind", len(groups))
    step = 0.7 / max(len(groups), 1)
    weak_groups = []
    for k, (g, color) in enumerate(zip(groups, colors)):
        d = t[t[by].astype(str) == str(g)].set_index("success_factor").reindex(factors)
        y = np.arange(len(factors)) + (k - (len(groups) - 1) / 2) * step
        weak = bool(d["weakest"].fillna(False).astype(bool).any())
        if weak:
            weak_groups.append(group_label(cb, by, g, lang))
        m = d["mean"].to_numpy(float)
        ax.hlines(y, d["ci_low"].to_numpy(float), d["ci_high"].to_numpy(float), color=color, lw=1.3, zorder=2)
        ax.scatter(m, y, color=color, s=70 if weak else 32, marker="D" if weak else "o",
                   edgecolor="0.1" if weak else color, linewidth=1.4 if weak else 0.5, zorder=3,
                   label=group_label(cb, by, g, lang), gid=f"factor|{g}|{'weakest' if weak else ''}")
    means = t.groupby(t["success_factor"].astype(str))["mean"].mean().reindex(factors)
    labels = [wrap(cb.label("success_factor", f, lang), wrap_width) for f in factors]
    ax.set_yticks(np.arange(len(factors)), labels, fontsize="small")
    if means.notna().any():
        weakest = int(np.nanargmin(means.to_numpy(float)))
        ax.get_yticklabels()[weakest].set_fontweight("bold")
        ax.axhspan(weakest - 0.45, weakest + 0.45, color=WEAK_COLOR, alpha=0.07, zorder=0, gid="weakest_factor")
        ax.annotate(f"◀ {text('weakest', lang)}", (1.0, weakest), xycoords=("axes fraction", "data"),
                    xytext=(4, 0), textcoords="offset points", va="center", fontsize="small", color=WEAK_COLOR,
                    fontweight="bold")
    ax.set_ylim(len(factors) - 0.5, -0.5)
    ax.set_xlim(cb.scale_min - 0.2, cb.scale_max + 0.2)
    ax.set_xticks(cb.scale_points)
    ax.xaxis.set_major_formatter(number_formatter(lang, 0))
    ax.axvline(cb.midpoint, color="0.5", lw=1, ls="--", zorder=1)
    ax.grid(axis="y", visible=False)
    pit = cb.pitfalls.loc[cb.pitfalls["condition"] == condition].iloc[0]
    title = f"{cb.label('condition', condition, lang)}"
    sub = f"{text('pitfall', lang)} {pit['number']}: {pit[lang]}"
    if weak_groups:
        sub += f"  —  {text('weakest', lang)} {text('condition', lang).lower()}: {', '.join(weak_groups)}"
    sub = wrap(sub, 78)
    # pad leaves room for the pitfall lines under the title
    ax.set_title(title, loc="left", pad=6 + 12 * (sub.count("\n") + 1))
    ax.text(0, 1.015, sub, transform=ax.transAxes, fontsize="small", va="bottom", ha="left",
            color=WEAK_COLOR if weak_groups else "0.3", fontstyle="italic",
            in_layout=False)  # a long line must not squeeze the axes; the title pad makes its room
    ax.analyse_data = t
    return ax


def success_factor_chart(data, *, by: str = "leerlab", wave="last", conditions=None, lang: str = "nl",
                         min_n: int = MIN_GROUP_SIZE, palette=None, codebook=None):
    """Success factors per condition: one panel each, every group's score per factor.

    Factor scores come from :func:`analyse.success_factors`; each panel names
    the condition's pitfall, marks the weakest factor, and shows as large
    diamonds the groups for which this condition scores lowest.

    Parameters
    ----------
    data : Survey or DataFrame
        A Survey or the table of :func:`analyse.success_factors` (by ``by``).
    by : str
        Grouping ("leerlab", "level", "partner").
    wave : "last", None or a wave
    conditions : list of str, optional
    lang : {"nl", "en"}
    min_n : int
    palette : seaborn palette, optional
    codebook : Codebook, optional

    Returns
    -------
    Figure
        With the table as ``fig.analyse_data``.

    Examples
    --------
    >>> import analyse as an, analyse.plot as ap
    >>> fig = ap.success_factor_chart(an.sample.generate())  # doctest: +SKIP
    """
    if isinstance(data, Survey):
        cb = data.codebook
        survey, shown = pick_wave(data, wave)
        table = success_factors(survey, by=[by], min_n=min_n)
    else:
        from ._data import codebook_of
        cb, table, shown = codebook_of(data, codebook), data, None
    conditions = cb.condition_codes if conditions is None else list(conditions)
    fig, axes = plt.subplots(len(conditions), 1, figsize=(10, 2.35 * len(conditions) + 1.2), sharex=True,
                             layout="constrained", squeeze=False)
    for ax, cond in zip(axes[:, 0], conditions):
        success_factor_panel(table, cond, by=by, codebook=cb, lang=lang, palette=palette, ax=ax)
    axes[-1, 0].set_xlabel(text("score", lang))
    handles, labels = axes[0, 0].get_legend_handles_labels()
    handles = [mlines.Line2D([], [], marker="o", ls="", color=h.get_facecolor()[0]) for h in handles]
    handles.append(mlines.Line2D([], [], marker="D", ls="", color="white", markeredgecolor="0.1", markersize=8))
    labels.append(text("weakest_condition", lang))
    fig.legend(handles, labels, loc="outside lower center", ncol=min(len(labels), 4), fontsize="small",
               title=text(by, lang) if by in ("leerlab", "level", "partner") else by)
    fig.suptitle(text("factors_title", lang) + wave_suffix(shown, lang), fontweight="bold")
    fig.analyse_data = table
    return fig
