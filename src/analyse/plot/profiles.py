"""Condition means: the profile (points with CIs) and the group x condition heat map."""

from __future__ import annotations

import warnings

import matplotlib.patches as mpatches
import numpy as np
import pandas as pd
import seaborn as sns

from .._docstrings import doc
from ..stats import MIN_GROUP_SIZE, condition_means
from ..texts import texts
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
    shown_min_n,
    suppressed_patch,
    value_axis,
    wave_suffix,
)
from ._theme import (
    MEAN_CMAP,
    SUPPRESSED_COLOR,
    fmt_num,
    number_formatter,
    text,
    text_color,
    wrap,
)

__all__ = ["condition_profile", "draw_profile", "leerlab_heatmap"]


def _means(data, hue: str | None, *, wave, min_n: int, codebook=None, **filters) -> tuple[pd.DataFrame, str | None, str | None]:
    """condition_means of a Survey (one wave, filtered) by ``hue``, or the table passed; and the resolved hue."""
    table, shown, hue = computed(data, condition_means, hue, wave=wave, min_n=min_n, codebook=codebook, **filters)
    missing = [c for c in ["condition", "mean", "ci_low", "ci_high", "n"] if c not in table]
    if missing:
        raise ValueError(f"the table lacks column(s) {', '.join(missing)}; pass a Survey or "
                         f"the result of analyse.condition_means(survey, by={hue!r})")
    return table, shown, hue


def draw_profile(ax, table: pd.DataFrame, cb, *, hue: str | None, lang: str, palette=None,
                 horizontal: bool = False, width: float = 0.7, legend: bool = True):
    """Draw means +/- CI per condition (dodged by ``hue``) on ``ax`` from a condition_means table."""
    conds = cb.condition_codes
    groups = observed_order(table, hue) if hue else [None]
    pos = {c: i for i, c in enumerate(conds)}
    for g, off, color in zip(groups, dodge(len(groups), width), group_colors(palette, len(groups))):
        d = rows_of(table, hue, g)
        d = d[d["condition"].astype(str).isin(conds)]
        x = d["condition"].astype(str).map(pos).to_numpy(dtype=float) + off
        m = d["mean"].to_numpy(dtype=float)
        err = np.vstack([m - d["ci_low"].to_numpy(dtype=float), d["ci_high"].to_numpy(dtype=float) - m])
        label = text("all", lang) if g is None else group_label(cb, hue, g, lang)
        args = (m, x) if horizontal else (x, m)
        kw = {"xerr": err} if horizontal else {"yerr": err}
        ax.errorbar(*args, **kw, fmt="o", color=color, ecolor=color, capsize=3, markersize=6,
                    elinewidth=1.5, label=label, zorder=3)
    names = [cb.label("condition", c, lang) for c in conds]
    value_axis(ax, cb, lang, axis="x" if horizontal else "y")
    if horizontal:
        ax.set_yticks(np.arange(len(conds)), names)
        ax.set_ylim(len(conds) - 0.5, -0.5)
        ax.set_xlabel(text("mean_ci", lang))
        ax.set_ylabel("")
    else:
        ax.set_xticks(np.arange(len(conds)), names)
        ax.set_xlim(-0.5, len(conds) - 0.5)
        ax.set_ylabel(text("mean_ci", lang))
        ax.set_xlabel(text("condition", lang))
    if legend and hue:
        ax.legend(title=group_title(hue, lang), loc="upper left", bbox_to_anchor=(1.01, 1))
    return ax


@doc
def condition_profile(data, *, hue: str | None = "leerlab", wave="last", leerlab=None,
                      lang: str = "nl", min_n: int = MIN_GROUP_SIZE, palette=None, ax=None,
                      codebook=None):
    """Mean and 95% confidence interval of the five conditions, one colour per group.

    Parameters
    ----------
    data : Survey or DataFrame
        A Survey, or a table from :func:`analyse.condition_means` grouped by ``hue``.
    {hue}
        None: all respondents together.
    {wave}
    leerlab : str or list of str, optional
        Restrict to these leerlabs first (useful with ``hue="partner"``).
    {lang}
    {plot_min_n}
    palette : seaborn palette, optional
    {ax}
    {codebook}

    Returns
    -------
    Axes
        ``ax`` (or a new one), with the plotted table as ``ax.analyse_data``.

    Examples
    --------
    >>> import analyse as an, analyse.plot as ap
    >>> ax = ap.condition_profile(an.sample.generate(), hue="niveau")
    >>> sorted(ax.analyse_data["level"].unique())
    ['bestuurlijk', 'management', 'professioneel']
    """
    cb = codebook_of(data, codebook)
    table, shown, hue = _means(data, hue, wave=wave, min_n=min_n, codebook=codebook, leerlab=leerlab)
    n_groups = len(observed_order(table, hue)) if hue else 1
    ax = new_axes(ax, (7.5 + 0.15 * n_groups, 4.2))
    draw_profile(ax, table, cb, hue=hue, lang=lang, palette=palette)
    title = text("profile_title", lang) if not hue else text("profile_title_by", lang, group=_group_word(hue, lang))
    ax.set_title(title + wave_suffix(shown, lang))
    ax.analyse_data = table
    return ax


@doc
def leerlab_heatmap(data, *, hue: str | None = "leerlab", wave="last", lang: str = "nl",
                    min_n: int = MIN_GROUP_SIZE, annot: bool = True, ax=None, codebook=None):
    """Group x condition means as a heat map centred on the scale's midpoint.

    Each cell shows the mean and n. Cells of hidden groups are not left
    blank: they are grey, hatched and read "not shown", without their n; the
    legend says why ("n < min_n or derivable", with the actual ``min_n``).

    Parameters
    ----------
    data : Survey or DataFrame
        A Survey, or :func:`analyse.condition_means` grouped by ``hue``.
    {hue}
        Here: one row per group ("leerlab", "level", "partner", ...); None: one row of all respondents.
    {wave}
    {lang}
    {plot_min_n}
    annot : bool
        Write mean and n in each cell.
    {ax}
    {codebook}

    Returns
    -------
    Axes
        ``ax`` (or a new one). Suppressed cells are ``matplotlib.patches.Rectangle``
        artists with ``gid="suppressed"``; the table is ``ax.analyse_data``.

    Examples
    --------
    >>> import analyse as an, analyse.plot as ap
    >>> ax = ap.leerlab_heatmap(an.sample.generate(), hue="School")
    >>> ax.analyse_data.columns[:3].tolist()
    ['partner', 'condition', 'n']
    """
    cb = codebook_of(data, codebook)
    table, shown, hue = _means(data, hue, wave=wave, min_n=min_n, codebook=codebook)
    conds = cb.condition_codes
    order = observed_order(table, hue) if hue else [text("all", lang)]
    rows = table[hue].astype(str) if hue else pd.Series(str(order[0]), index=table.index)
    t = table.assign(_r=rows, _c=table["condition"].astype(str))
    mean = t.pivot(index="_r", columns="_c", values="mean").reindex(index=[str(o) for o in order], columns=conds)
    n = t.pivot(index="_r", columns="_c", values="n").reindex(index=[str(o) for o in order], columns=conds)
    ax = new_axes(ax, (7.5, 1.2 + 0.6 * len(order)))
    with warnings.catch_warnings():  # seaborn 0.13 calls a colormap method matplotlib 3.11 deprecates
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        sns.heatmap(mean.astype(float), ax=ax, cmap=MEAN_CMAP, center=cb.midpoint, vmin=cb.scale_min,
                    vmax=cb.scale_max, linewidths=1.5, linecolor="white", annot=False,
                    cbar_kws={"label": text("mean", lang), "format": number_formatter(lang, 0),
                              "ticks": cb.scale_points})
    norm_cmap = ax.collections[-1]
    suppressed = 0
    for i in range(mean.shape[0]):
        for j in range(mean.shape[1]):
            m, k = mean.iat[i, j], n.iat[i, j]
            k = 0 if pd.isna(k) else int(k)
            if np.isnan(m):
                suppressed += 1
                ax.add_patch(mpatches.Rectangle((j, i), 1, 1, facecolor=SUPPRESSED_COLOR, hatch="///",
                                                edgecolor="white", lw=1.5, gid="suppressed", zorder=2))
                if annot:  # no n: a hidden cell must not tell how small it is
                    ax.text(j + 0.5, i + 0.5, text("suppressed_short", lang),
                            ha="center", va="center", fontsize="small", color="0.15", zorder=3,
                            bbox={"boxstyle": "round,pad=0.2", "fc": SUPPRESSED_COLOR, "ec": "none"})
            elif annot:
                color = text_color(norm_cmap.cmap(norm_cmap.norm(m)))
                ax.text(j + 0.5, i + 0.45, fmt_num(m, lang, 2), ha="center", va="center",
                        fontsize="medium", fontweight="bold", color=color)
                ax.text(j + 0.5, i + 0.75, f"n={k}", ha="center", va="center", fontsize="x-small", color=color)
    labels = [cb.label("condition", c, lang) for c in conds]
    # a cell is about ten characters wide: longer names ("Relationship") are slanted so they cannot touch
    slant = max(map(len, labels), default=0) > 10
    ax.set_xticklabels(labels, rotation=30 if slant else 0, ha="right" if slant else "center",
                       rotation_mode="anchor")
    # long names (a school's full name) wrap, so the cells keep their width
    ax.set_yticklabels([wrap(group_label(cb, hue, o, lang), 32) for o in order] if hue else order, rotation=0)
    ax.set_xlabel(text("condition", lang))
    ax.set_ylabel(group_title(hue, lang) if hue else "")
    ax.set_title(text("heatmap_title", lang) + wave_suffix(shown, lang))
    if suppressed:
        ax.legend(handles=[suppressed_patch(lang, shown_min_n(data, min_n))],
                  loc="upper left", bbox_to_anchor=(0, -0.16), frameon=False, fontsize="small")
    ax.analyse_data = table
    return ax


def _group_word(hue: str, lang: str) -> str:
    """``hue`` as a word of the title: "leerlab", "niveau"; a column of the user's own as it is named."""
    return text(hue, lang).lower() if f"figure.{hue}" in texts() else hue
