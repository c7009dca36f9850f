"""Key findings: the sentences that open the report, generated from the statistics tables.

Each rule reads one table of :func:`analyse.report.compute_tables` (already
protected: a suppressed group has NaN and yields no sentence) and says what a
researcher would underline: per leerlab its strongest and weakest condition,
partner gaps and changes between waves that pass Holm's correction (with the
difference and its interval), broken lines of het 8-tje, conditions whose
reliability is too low to read as one score, and the pitfall to discuss.
"""

from __future__ import annotations

import pandas as pd

from .codebook import Codebook
from .present import interval, number, p_phrase
from .texts import text

__all__ = ["ALPHA_MIN", "SIGNIFICANCE", "findings", "last_wave"]

#: Level of the (Holm-adjusted) tests a finding reports.
SIGNIFICANCE = 0.05
#: Cronbach's alpha below which a condition is read with care (Nunnally 1978).
ALPHA_MIN = 0.70


def last_wave(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of the last wave of ``frame`` (all rows when it has no wave column)."""
    if "wave" not in frame or frame.empty:
        return frame
    waves = frame["wave"].astype(str)
    last = max(waves.unique(), key=_wave_key)
    return frame[waves == last]


def _wave_key(w: str):
    return (0, float(w), w) if w.replace(".", "", 1).isdigit() else (1, 0.0, w)


def findings(tables: dict[str, pd.DataFrame], codebook: Codebook, lang: str) -> list[tuple[str, list[str]]]:
    """(heading, sentences) per kind of finding, in reading order; kinds without data are left out."""
    cond = codebook.labels("condition", lang)
    leerlabs = codebook.labels("leerlab", lang)
    tables = {key: _named(frame, leerlabs) for key, frame in tables.items()}
    out = []
    if "means_leerlab" in tables:
        out.append((text("section.conditions", lang), _profiles(last_wave(tables["means_leerlab"]), cond, lang)))
    if "reliability" in tables:
        low = _low_alpha(tables["reliability"], cond, lang)
        if low:
            out.append((text("section.reliability", lang), low))
    if "agreement" in tables:
        out.append((text("section.partners", lang), _partner_gaps(last_wave(tables["agreement"]), cond, lang)))
    if "level_gaps" in tables:
        out.append((text("section.levels", lang), _broken(last_wave(tables["level_gaps"]), cond, codebook, lang)))
    if "success_factors" in tables:
        out.append((text("section.factors", lang), _weakest(last_wave(tables["success_factors"]), cond, lang)))
    if "wave_change" in tables:
        out.append((text("section.waves", lang), _changes(tables["wave_change"], cond, lang)))
    return [(heading, sentences) for heading, sentences in out if sentences]


def _named(frame: pd.DataFrame, leerlabs: dict) -> pd.DataFrame:
    """Leerlab codes as the page's names (a leerlab of the user's own keeps its name)."""
    if "leerlab" not in frame:
        return frame
    return frame.assign(leerlab=[leerlabs.get(v, v) for v in frame["leerlab"].astype(object)])


def _profiles(means: pd.DataFrame, cond: dict, lang: str) -> list[str]:
    sentences = []
    for leerlab, rows in means.dropna(subset=["mean"]).groupby("leerlab", observed=True, sort=False):
        if rows["condition"].nunique() < 2:
            continue
        best, worst = rows.loc[rows["mean"].idxmax()], rows.loc[rows["mean"].idxmin()]
        sentences.append(text("finding.profile", lang, leerlab=leerlab, best=cond.get(best["condition"]),
                              best_mean=number(best["mean"], lang), worst=cond.get(worst["condition"]),
                              worst_mean=number(worst["mean"], lang)))
    return sentences


def _low_alpha(rel: pd.DataFrame, cond: dict, lang: str) -> list[str]:
    low = rel[rel["alpha"] < ALPHA_MIN]
    return [text("finding.low_alpha", lang, condition=cond.get(r.condition, r.condition), wave=r.wave,
                 alpha=number(r.alpha, lang)) for r in low.itertuples()]


def _partner_gaps(ag: pd.DataFrame, cond: dict, lang: str) -> list[str]:
    sig = ag[ag["welch_p_holm"] < SIGNIFICANCE].sort_values("welch_p_holm", kind="mergesort")
    if sig.empty:
        return [text("finding.no_partner_gap", lang)] if ag["welch_p_holm"].notna().any() else []
    return [text("finding.partner_gap", lang, leerlab=r.leerlab, condition=cond.get(r.condition, r.condition),
                 a=r.a, b=r.b, mean_a=number(r.mean_a, lang), mean_b=number(r.mean_b, lang),
                 diff=number(r.diff, lang, signed=True), ci=interval(r.ci_low, r.ci_high, lang),
                 p=p_phrase(r.welch_p_holm, lang)) for r in sig.itertuples()]


def _broken(gaps: pd.DataFrame, cond: dict, codebook: Codebook, lang: str) -> list[str]:
    broken = gaps[gaps["flag"].astype(str) != ""]
    if broken.empty:
        return [text("finding.no_broken", lang)] if gaps["diff"].notna().any() else []
    levels = codebook.labels("level", lang)
    return [text("finding.broken", lang, leerlab=r.leerlab, condition=cond.get(r.condition, r.condition),
                 line=_line(r, levels, lang), diff=number(r.diff, lang, signed=True))
            for r in broken.itertuples()]


def _line(r, levels: dict, lang: str) -> str:
    """Which line of het 8-tje a gap is: between two schools at one level, or between two levels of one school."""
    if r.kind == "horizontal":
        return f"{levels.get(r.level_a, r.level_a)}: {r.partner_a} – {r.partner_b}"
    return f"{r.partner_a}: {levels.get(r.level_a, r.level_a)} – {levels.get(r.level_b, r.level_b)}"


def _weakest(factors: pd.DataFrame, cond: dict, lang: str) -> list[str]:
    weak = factors[factors["weakest"].fillna(False).astype(bool)]
    # Per leerlab the lowest-scoring factor of its lowest-scoring condition: the one pitfall to discuss first.
    weak = weak[weak["mean"].notna()]
    firsts = weak.loc[weak.groupby("leerlab", observed=True, sort=False)["mean"].idxmin()]
    return [text("finding.weakest", lang, leerlab=r.leerlab, factor=getattr(r, f"factor_{lang}"),
                 condition=cond.get(r.condition, r.condition), pitfall=getattr(r, f"pitfall_{lang}"))
            for r in firsts.itertuples()]


def _changes(change: pd.DataFrame, cond: dict, lang: str) -> list[str]:
    sig = change[change["p_holm"] < SIGNIFICANCE].sort_values("p_holm", kind="mergesort")
    if sig.empty:
        return [text("finding.no_change", lang)] if change["p_holm"].notna().any() else []
    return [text("finding.change", lang, leerlab=r.leerlab, condition=cond.get(r.condition, r.condition),
                 mean_from=number(r.mean_from, lang), mean_to=number(r.mean_to, lang),
                 diff=number(r.diff, lang, signed=True), ci=interval(r.ci_low, r.ci_high, lang),
                 p=p_phrase(r.p_holm, lang)) for r in sig.itertuples()]
