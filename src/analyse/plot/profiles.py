"""Condition means: the profile (points with CIs) and the group x condition heat map."""

from __future__ import annotations

import warnings

import matplotlib.patches as mpatches
import numpy as np
import pandas as pd
import seaborn as sns

from ..stats import MIN_GROUP_SIZE, condition_means
from ..survey import Survey
from ._data import codebook_of, group_label, new_axes, observed_order, pick_rows, pick_wave, wave_suffix
from ._theme import MEAN_CMAP, SUPPRESSED_COLOR, fmt_num, number_formatter, text, text_color


__all__ = ["condition_profile", "leerlab_heatmap", "draw_profile"]


def _means(data, by: list[str], *, wave, min_n: int, **filters) -> tuple[pd.DataFrame, str | None]:
    """condition_means of a Survey (one wave, filtered), or the table passed as is."""
    if isinstance(data, Survey):
        survey, shown = pick_wave(data, wave)
        survey = pick_rows(survey, **filters)
        return condition_means(survey, by=by or None, min_n=min_n), shown
    missing = [c for c in [*by, "condition", "mean", "ci_low", "ci_high", "n"] if c not in data]
    if missing:
        raise ValueError(f"the table lacks column(s) {', '.join(missing)}; pass a Survey or "
                         f"the result of analyse.condition_means(survey, by={by})")
    return data, None


def draw_profile(ax, table: pd.DataFrame, cb, *, hue: str | None, lang: str, palette=None,
                 horizontal: bool = False, dodge: float = 0.7, legend: bool = True):
    """Draw means +/- CI per condition (dodged by ``hue``) on ``ax`` from a condition_means table."""
    conds = cb.condition_codes
    groups = observed_order(table, hue) if hue else [None]
    colors = sns.color_palette(palette or "colorblind", len(groups))
    step = dodge / max(len(groups), 1)
    offsets = (np.arange(len(groups)) - (len(groups) - 1) / 2) * step
    pos = {c: i for i, c in enumerate(conds)}
    lo, hi = cb.scale_min, cb.scale_max
    for g, off, color in zip(groups, offsets, colors):
        d = table if g is None else table[table[hue].astype(str) == str(g)]
        d = d[d["condition"].astype(str).isin(conds)]
        x = d["condition"].astype(str).map(pos).to_numpy(dtype=float) + off
        m = d["mean"].to_numpy(dtype=float)
        err = np.vstack([m - d["ci_low"].to_numpy(dtype=float), d["ci_high"].to_numpy(dtype=float) - m])
        label = text("all", lang) if g is None else group_label(cb, hue, g, lang)
        args = (m, x) if horizontal else (x, m)
        kw = {"xerr": err} if horizontal else {"yerr": err}
        ax.errorbar(*args, **kw, fmt="o", color=color, ecolor=color, capsize=3, markersize=6,
                    elinewidth=1.5, label=label, zorder=3)
    ticks = np.arange(len(conds))
    names = [cb.label("condition", c, lang) for c in conds]
    value_axis = ax.xaxis if horizontal else ax.yaxis
    setlim, setticks, setlabels = ((ax.set_xlim, ax.set_yticks, ax.set_yticklabels) if horizontal
                                   else (ax.set_ylim, ax.set_xticks, ax.set_xticklabels))
    setlim(lo - 0.2, hi + 0.2)   # the full scale: figures stay comparable across groups and waves
    value_axis.set_major_formatter(number_formatter(lang, 0))
    (ax.set_xticks if horizontal else ax.set_yticks)(cb.scale_points)
    setticks(ticks)
    setlabels(names)
    if horizontal:
        ax.set_ylim(len(conds) - 0.5, -0.5)
        ax.axvline(cb.midpoint, color="0.5", lw=1, ls="--", zorder=1)
        ax.set_xlabel(text("mean_ci", lang))
        ax.set_ylabel("")
    else:
        ax.set_xlim(-0.5, len(conds) - 0.5)
        ax.axhline(cb.midpoint, color="0.5", lw=1, ls="--", zorder=1)
        ax.set_ylabel(text("mean_ci", lang))
        ax.set_xlabel(text("condition", lang))
    if legend and hue:
        ax.legend(title=text(hue, lang) if hue in ("leerlab", "partner", "level", "sector", "wave") else hue,
                  loc="upper left", bbox_to_anchor=(1.01, 1))
    return ax


def condition_profile(data, *, hue: str | None = "leerlab", wave="last", leerlab=None,
                      lang: str = "nl", min_n: int = MIN_GROUP_SIZE, palette=None, ax=None,
                      codebook=None):
    """Mean and 95% confidence interval of the five conditions, one colour per group.

    Parameters
    ----------
    data : Survey or DataFrame
        A Survey, or a table from :func:`analyse.condition_means` grouped by ``hue``.
    hue : {"leerlab", "partner", "level", "sector"} or None
        Grouping drawn side by side. None: all respondents together.
    wave : "last", None or a wave
        Which wave to show (Survey input); None pools all waves.
    leerlab : str or list of str, optional
        Restrict to these leerlabs first (useful with ``hue="partner"``).
    lang : {"nl", "en"}
        Language of every label.
    min_n : int
        Groups with fewer respondents are not drawn (the statistics suppress them).
    palette : seaborn palette, optional
    ax : Axes, optional
    codebook : Codebook, optional
        For table input; a Survey brings its own.

    Returns
    -------
    Axes
        With the plotted table as ``ax.analyse_data``.

    Examples
    --------
    >>> import analyse as an, analyse.plot as ap
    >>> ax = ap.condition_profile(an.sample.generate(), hue="level")  # doctest: +SKIP
    """
    cb = codebook_of(data, codebook)
    table, shown = _means(data, [hue] if hue else [], wave=wave, min_n=min_n, leerlab=leerlab)
    n_groups = len(observed_order(table, hue)) if hue else 1
    ax = new_axes(ax, (7.5 + 0.15 * n_groups, 4.2))
    draw_profile(ax, table, cb, hue=hue, lang=lang, palette=palette)
    ax.set_title(text("profile_title", lang) + wave_suffix(shown, lang))
    ax.analyse_data = table
    return ax


def leerlab_heatmap(data, *, rows: str = "leerlab", wave="last", lang: str = "nl",
                    min_n: int = MIN_GROUP_SIZE, annot: bool = True, ax=None, codebook=None):
    """Group x condition means as a heat map centred on the scale's midpoint.

    Each cell shows the mean and n. Cells of groups below ``min_n`` are not
    left blank: they are grey, hatched and labelled "n < 5" with their n.

    Parameters
    ----------
    data : Survey or DataFrame
        A Survey, or :func:`analyse.condition_means` grouped by ``rows``.
    rows : str
        The grouping on the rows ("leerlab", "level", "partner", ...).
    wave : "last", None or a wave
    lang : {"nl", "en"}
    min_n : int
    annot : bool
        Write mean and n in each cell.
    ax : Axes, optional
    codebook : Codebook, optional

    Returns
    -------
    Axes
        Suppressed cells are ``matplotlib.patches.Rectangle`` artists with
        ``gid="suppressed"``; the table is ``ax.analyse_data``.

    Examples
    --------
    >>> import analyse as an, analyse.plot as ap
    >>> ax = ap.leerlab_heatmap(an.sample.generate())  # doctest: +SKIP
    """
    cb = codebook_of(data, codebook)
    table, shown = _means(data, [rows], wave=wave, min_n=min_n)
    conds = cb.condition_codes
    order = observed_order(table, rows)
    t = table.assign(_r=table[rows].astype(str), _c=table["condition"].astype(str))
    mean = t.pivot(index="_r", columns="_c", values="mean").reindex(index=[str(o) for o in order], columns=conds)
    n = t.pivot(index="_r", columns="_c", values="n").reindex(index=[str(o) for o in order], columns=conds)
    ax = new_axes(ax, (7.5, 1.2 + 0.6 * len(order)))
    with warnings.catch_warnings():  # seaborn 0.13 calls a colormap method matplotlib 3.11 deprecates
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        sns.heatmap(mean.astype(float), ax=ax, cmap=MEAN_CMAP, center=cb.midpoint, vmin=cb.scale_min,
                    vmax=cb.scale_max, linewidths=1.5, linecolor="white", annot=False,
                    cbar_kws={"label": text("mean", lang), "format": number_formatter(lang, 0),
                              "ticks": cb.scale_points})
    norm_cmap = ax.collections[0]
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
    ax.set_xticklabels([cb.label("condition", c, lang) for c in conds], rotation=0)
    ax.set_yticklabels([group_label(cb, rows, o, lang) for o in order], rotation=0)
    ax.set_xlabel(text("condition", lang))
    ax.set_ylabel(text(rows, lang) if rows in ("leerlab", "level", "partner", "sector", "wave") else rows)
    ax.set_title(text("heatmap_title", lang) + wave_suffix(shown, lang))
    if suppressed:
        ax.legend(handles=[mpatches.Patch(facecolor=SUPPRESSED_COLOR, hatch="///", edgecolor="white",
                                          label=text("suppressed", lang, min_n=min_n))],
                  loc="upper left", bbox_to_anchor=(0, -0.16), frameon=False, fontsize="small")
    ax.analyse_data = table
    return ax
