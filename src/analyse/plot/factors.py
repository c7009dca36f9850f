"""Success factors: each group's score per factor, one panel per condition, pitfalls named."""

from __future__ import annotations

import matplotlib.lines as mlines
import matplotlib.pyplot as plt
import numpy as np

from .._docstrings import doc
from ..stats import MIN_GROUP_SIZE, success_factors
from ._data import (
    codebook_of,
    computed,
    dodge,
    group_colors,
    group_label,
    group_title,
    new_axes,
    observed_order,
    rows_of,
    value_axis,
    wave_suffix,
)
from ._theme import fmt_num, text, wrap

__all__ = ["success_factor_chart", "success_factor_panel"]

WEAK_COLOR = "#b2182b"


def _factors(data, hue: str | None, *, wave, min_n: int, codebook=None):
    """success_factors of a Survey (one wave) by ``hue``, or the table passed; its codebook, wave and hue."""
    table, shown, hue = computed(data, success_factors, hue, wave=wave, min_n=min_n, codebook=codebook)
    return table, codebook_of(data, codebook), shown, hue


@doc
def success_factor_panel(data, condition: str, *, hue: str | None = "leerlab", wave="last", lang: str = "nl",
                         min_n: int = MIN_GROUP_SIZE, palette=None, wrap_width: int = 42, ax=None, codebook=None):
    """One condition's success factors: each group's mean (95% CI) per factor.

    Groups for which this condition is their weakest (``weakest`` in
    :func:`analyse.success_factors`) are drawn as larger diamonds with a dark
    edge; the factor with the lowest mean over the groups is marked
    "zwakste"; the condition's pitfall is named under the title.

    Parameters
    ----------
    data : Survey or DataFrame
        A Survey, or the table of :func:`analyse.success_factors` grouped by ``hue``.
    condition : str
        Code of the condition shown.
    {hue}
    {wave}
    {lang}
    {plot_min_n}
    palette : seaborn palette, optional
    wrap_width : int
        Characters per line of the factor text.
    {ax}
    {codebook}

    Returns
    -------
    Axes
        ``ax`` (or a new one), with the condition's rows of the table as ``ax.analyse_data``.

    Examples
    --------
    >>> import analyse as an, analyse.plot as ap
    >>> ax = ap.success_factor_panel(an.sample.generate(), "belangen", hue="Niveau")
    >>> sorted(ax.analyse_data["level"].unique())
    ['bestuurlijk', 'management', 'professioneel']
    """
    table, cb, _shown, hue = _factors(data, hue, wave=wave, min_n=min_n, codebook=codebook)
    if condition not in cb.condition_codes:
        raise ValueError(f"there is no condition {condition!r}; the conditions are {', '.join(cb.condition_codes)}")
    ax = new_axes(ax, (9, 3))
    t = table[table["condition"].astype(str) == condition]
    factors = cb.success_factors.loc[cb.success_factors["condition"] == condition, "code"].tolist()
    groups = observed_order(table, hue) if hue else [None]
    weak_groups = []
    for off, g, color in zip(dodge(len(groups), 0.7), groups, group_colors(palette, len(groups))):
        d = rows_of(t, hue, g).set_index("success_factor").reindex(factors)
        y = np.arange(len(factors)) + off
        label = text("all", lang) if g is None else group_label(cb, hue, g, lang)
        weak = bool(d["weakest"].astype("boolean").fillna(False).astype(bool).any())
        if weak:
            weak_groups.append(label)
        m = d["mean"].to_numpy(float)
        ax.hlines(y, d["ci_low"].to_numpy(float), d["ci_high"].to_numpy(float), color=color, lw=1.3, zorder=2)
        ax.scatter(m, y, color=color, s=70 if weak else 32, marker="D" if weak else "o",
                   edgecolor="0.1" if weak else color, linewidth=1.4 if weak else 0.5, zorder=3,
                   label=label, gid=f"factor|{'' if g is None else g}|{'weakest' if weak else ''}")
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
    value_axis(ax, cb, lang)
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


@doc
def success_factor_chart(data, *, hue: str | None = "leerlab", wave="last", conditions=None, lang: str = "nl",
                         min_n: int = MIN_GROUP_SIZE, palette=None, codebook=None):
    """Success factors per condition: one panel each, every group's score per factor.

    Factor scores come from :func:`analyse.success_factors`; each panel
    (:func:`success_factor_panel`) names the condition's pitfall, marks the
    weakest factor, and shows as large diamonds the groups for which this
    condition scores lowest.

    Parameters
    ----------
    data : Survey or DataFrame
        A Survey or the table of :func:`analyse.success_factors` (by ``hue``).
    {hue}
    {wave}
    conditions : list of str, optional
        The conditions shown, one panel each (default all).
    {lang}
    {plot_min_n}
    palette : seaborn palette, optional
    {codebook}

    Returns
    -------
    Figure
        With the table as ``fig.analyse_data``.

    Examples
    --------
    >>> import analyse as an, analyse.plot as ap
    >>> fig = ap.success_factor_chart(an.sample.generate(), hue="sector", conditions=["ambitie"])
    >>> sorted(fig.analyse_data["sector"].unique())
    ['mbo', 'vmbo']
    """
    table, cb, shown, hue = _factors(data, hue, wave=wave, min_n=min_n, codebook=codebook)
    conditions = cb.condition_codes if conditions is None else list(conditions)
    fig, axes = plt.subplots(len(conditions), 1, figsize=(10, 2.35 * len(conditions) + 1.2), sharex=True,
                             layout="constrained", squeeze=False)
    for ax, cond in zip(axes[:, 0], conditions):
        success_factor_panel(table, cond, hue=hue, lang=lang, palette=palette, ax=ax, codebook=cb)
    points = cb.point_labels(lang)
    axes[-1, 0].set_xlabel(text("score", lang, low=fmt_num(cb.scale_min, lang, 0), low_label=points[0],
                                high=fmt_num(cb.scale_max, lang, 0), high_label=points[-1]))
    handles, labels = axes[0, 0].get_legend_handles_labels()
    handles = [mlines.Line2D([], [], marker="o", ls="", color=h.get_facecolor()[0]) for h in handles]
    handles.append(mlines.Line2D([], [], marker="D", ls="", color="white", markeredgecolor="0.1", markersize=8))
    labels.append(text("weakest_condition", lang))
    fig.legend(handles, labels, loc="outside lower center", ncol=min(len(labels), 4), fontsize="small",
               title=group_title(hue, lang) if hue else None)
    fig.suptitle(text("factors_title", lang) + wave_suffix(shown, lang), fontweight="bold")
    fig.analyse_data = table
    return fig
