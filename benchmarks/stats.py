"""Statistics: every statistic for many groups of 20 respondents, against a loop of a reference per group.

Groups are built with numpy (10,000 groups of 20; ``--quick``: 1,000). Each
statistic is set against the loop one would write by hand: the pingouin
function per group and condition where pingouin has one (``cronbach_alpha``,
``anova`` for the ICC, ``ttest`` and ``mwu`` for the gap), scipy or the
krippendorff package where it does not, and a few lines of numpy where no
library has the statistic (rwg, AD, omega by iterated principal axes). The
loops are timed on a subset of groups and scaled linearly to all groups (said
so in the output); the "all groups" times are medians of several runs.
"""

from __future__ import annotations

import time
import warnings

import numpy as np
import pandas as pd

import analyse as an
from analyse.stats.chance import chance

from .common import median_time


def build(n_groups: int, per_group: int, seed: int = 0, waves: int = 1) -> an.Survey:
    """``n_groups`` partner groups of ``per_group`` respondents with a latent score per group and condition.

    With ``waves`` > 1 the same respondents answer again (new answers around the same latent score).
    """
    if waves > 1:
        frames = [build(n_groups, per_group, seed + w).responses.assign(wave=str(w + 1)) for w in range(waves)]
        return an.Survey(pd.concat(frames, ignore_index=True))
    cb = an.load_codebook()
    rng = np.random.default_rng(seed)
    n = n_groups * per_group
    g = np.repeat(np.arange(n_groups), per_group)
    latent = rng.normal(3.3, 0.5, (n_groups, 5))[g] + rng.normal(0, 0.6, (n, 5))
    cond_idx = {c: j for j, c in enumerate(cb.condition_codes)}
    cols = {}
    for item in cb.item_codes:
        x = np.clip(np.rint(latent[:, cond_idx[cb.item_condition[item]]] + rng.normal(0, 0.7, n)), 1, 5)
        x[rng.random(n) < 0.03] = np.nan
        cols[item] = x
    meta = pd.DataFrame({
        "respondent_id": np.char.add("r", np.arange(n).astype(str)), "wave": "1", "leerlab": "Sport",
        "partner": np.char.add("g", g.astype(str)), "sector": np.where(np.arange(n) % 2, "vmbo", "mbo"),
        "level": np.array(cb.level_codes)[np.arange(n) % 3],
    })
    return an.Survey(pd.concat([meta, pd.DataFrame(cols)], axis=1))


def statistics(s: an.Survey, by: list[str], s2: an.Survey | None = None) -> dict:
    """Every statistic of the package on ``s``, per ``by`` group (name -> call); ``s2``: two waves of ``s``."""
    return {
        "condition_scores": lambda: an.condition_scores(s),
        "condition_means": lambda: an.condition_means(s, by=by),
        "condition_means (bootstrap 200)": lambda: an.condition_means(s, by=by, ci_method="bootstrap", n_boot=200, seed=1),
        "reliability (alpha+omega)": lambda: an.reliability(s, by=by),
        "reliability (alpha only)": lambda: an.reliability(s, by=by, omega=False),
        "item_statistics": lambda: an.item_statistics(s, by=by),
        "rwg (rwg(j) and r*wg(j))": lambda: an.rwg(s, by=by),
        "awg": lambda: an.awg(s, by=by),
        "agreement against chance (10,000 reps)": lambda: _against_chance(s, by),
        "ad (mean)": lambda: an.ad(s, by=by),
        "ad (median)": lambda: an.ad(s, by=by, center="median"),
        "icc (level within group)": lambda: an.icc(s, between="level", by=by),
        "krippendorff (ordinal)": lambda: an.krippendorff(s, by=by),
        "gap (vmbo vs mbo)": lambda: an.gap(s, between="sector", a="vmbo", b="mbo", by=by),
        "mixed_gap (vmbo vs mbo, levels as clusters)": lambda: an.mixed_gap(s, between="sector", a="vmbo", b="mbo",
                                                                             by=by, cluster="level", min_n=2),
        **({"wave_change (paired, 2 waves)": lambda: an.wave_change(s2, by=by)} if s2 is not None else {}),
    }


def _against_chance(s: an.Survey, by: list[str]) -> dict:
    """rwg(j), AD_M and their critical values and p-values against random answering, every group.

    Unseeded, so every run simulates the null again (once per group size and scale length), as a first call does.
    """
    r, a = an.rwg(s, by=by), an.ad(s, by=by)
    return chance(r["rwg_j"], a["ad"], r["n"], r["k"], 5, seed=None)


def _chance_plain(x: np.ndarray, rng: np.random.Generator, reps: int = 10_000) -> tuple[float, float]:
    """One group's p-values of rwg(j) and AD_M against 10,000 random groups of its size (rwg.j.sim's loop, in numpy)."""
    n, J = x.shape
    sim = rng.integers(1, 6, size=(reps, n, J))
    s2 = sim.var(axis=1, ddof=1).mean(axis=1)
    ratio = np.minimum(s2 / 2, 1)
    null_rwg = J * (1 - ratio) / (J * (1 - ratio) + ratio)
    null_ad = np.abs(sim - sim.mean(axis=1, keepdims=True)).mean(axis=(1, 2))
    obs = min(x.var(axis=0, ddof=1).mean() / 2, 1)
    obs_rwg = J * (1 - obs) / (J * (1 - obs) + obs)
    obs_ad = np.abs(x - x.mean(axis=0)).mean()
    return (1 + (null_rwg >= obs_rwg).sum()) / (reps + 1), (1 + (null_ad <= obs_ad).sum()) / (reps + 1)


def _awg_plain(x: np.ndarray, low: float = 1.0, high: float = 5.0) -> float:
    """a_wg(j) of one group, item by item as multilevel::awg."""
    k = len(x)
    out = []
    for col in x.T:
        m, v = col.mean(), col.var(ddof=1)
        a = 1 - 2 * v / (((high + low) * m - m ** 2 - high * low) * k / (k - 1))
        if m < (low * (k - 1) + high) / k or m > (high * (k - 1) + low) / k:
            a = np.nan
        if m in (low, high):
            a = 1.0
        out.append(a)
    return float(np.nanmean(out)) if not np.isnan(out).all() else np.nan


def _omega_plain(x: np.ndarray, max_iter: int = 1000, tol: float = 1e-13) -> float:
    """Omega of one group by iterated principal axes, one eigendecomposition per step (psych's loop)."""
    r = np.corrcoef(x, rowvar=False)
    h = 1 - 1 / np.diag(np.linalg.pinv(r))
    for _ in range(max_iter):
        np.fill_diagonal(r, h)
        w, v = np.linalg.eigh(r)
        lam = v[:, -1] * np.sqrt(max(w[-1], 0))
        if abs((lam ** 2).sum() - h.sum()) <= tol or (lam ** 2 > 1).any():
            break
        h = lam ** 2
    s = abs(lam.sum())
    return s ** 2 / (s ** 2 + (1 - lam ** 2).sum())


def references(cb) -> dict:
    """Per statistic: (what is looped, a function of one group's rows and the condition's items)."""
    import krippendorff
    import pingouin as pg
    from scipy import stats as st

    def scores(g, items):
        return g[items].mean(axis=1).dropna()

    rng = np.random.default_rng(0)

    def rwg(x):
        s2 = x.var(ddof=1).mean()
        return len(x.columns) * (1 - s2 / 2) / (len(x.columns) * (1 - s2 / 2) + s2 / 2), 1 - s2 / 2

    def icc1(g, items):
        a = pg.anova(data=g.assign(score=g[items].mean(axis=1)).dropna(subset=["score"]), dv="score",
                     between="level", detailed=True)
        msb, msw = a["MS"]
        k = len(g) / g["level"].nunique()
        return (msb - msw) / (msb + (k - 1) * msw)

    def gap(g, items):
        s = g.assign(score=g[items].mean(axis=1))
        a, b = s.loc[s["sector"] == "vmbo", "score"].dropna(), s.loc[s["sector"] == "mbo", "score"].dropna()
        return pg.ttest(a, b, correction=True), pg.mwu(a, b)

    def mixed(g, items):
        import statsmodels.formula.api as smf

        s = g.assign(score=g[items].mean(axis=1)).dropna(subset=["score"])
        with warnings.catch_warnings():  # boundary fits warn; the estimate is what is timed
            warnings.simplefilter("ignore")
            return smf.mixedlm("score ~ C(sector, Treatment('mbo'))", s, groups=s["level"]).fit(reml=True)

    def paired(g, items):
        s = g.assign(score=g[items].mean(axis=1)).pivot(index="respondent_id", columns="wave", values="score").dropna()
        return pg.ttest(s["2"], s["1"], paired=True), pg.wilcoxon(s["2"], s["1"])

    def item_stats(g, items):
        x = g[items].dropna()
        return [(pg.cronbach_alpha(x.drop(columns=i)), x[i].corr(x.drop(columns=i).sum(axis=1))) for i in items]

    return {
        "condition_means": ("scipy.stats.ttest_1samp(...).confidence_interval()",
                            lambda g, items: st.ttest_1samp(scores(g, items), 3).confidence_interval()),
        "condition_means (bootstrap 200)": ("scipy.stats.bootstrap(percentile, 200)",
                                            lambda g, items: st.bootstrap((scores(g, items),), np.mean, n_resamples=200,
                                                                          method="percentile", random_state=1)),
        "reliability (alpha+omega)": ("pingouin.cronbach_alpha + principal axes in numpy",
                                      lambda g, items: (pg.cronbach_alpha(g[items], nan_policy="listwise"),
                                                        _omega_plain(g[items].dropna().to_numpy()))),
        "reliability (alpha only)": ("pingouin.cronbach_alpha",
                                     lambda g, items: pg.cronbach_alpha(g[items], nan_policy="listwise")),
        "item_statistics": ("pingouin.cronbach_alpha per item left out + pandas corr", item_stats),
        "rwg (rwg(j) and r*wg(j))": ("pandas (multilevel's rwg.j and rwg.j.lindell formulas)",
                                     lambda g, items: rwg(g[items].dropna())),
        "awg": ("numpy, item by item (multilevel's awg)", lambda g, items: _awg_plain(g[items].dropna().to_numpy())),
        "agreement against chance (10,000 reps)": (
            "numpy: 10,000 random groups of the group's size per group (rwg.j.sim and ad.m.sim's loop)",
            lambda g, items: _chance_plain(g[items].dropna().to_numpy(), rng)),
        "ad (mean)": ("pandas", lambda g, items: (g[items].dropna() - g[items].dropna().mean()).abs().mean().mean()),
        "ad (median)": ("pandas",
                        lambda g, items: (g[items].dropna() - g[items].dropna().median()).abs().mean().mean()),
        "icc (level within group)": ("pingouin.anova", icc1),
        "krippendorff (ordinal)": ("krippendorff.alpha",
                                   lambda g, items: krippendorff.alpha(reliability_data=g[items].to_numpy(),
                                                                       level_of_measurement="ordinal",
                                                                       value_domain=[1, 2, 3, 4, 5])),
        "gap (vmbo vs mbo)": ("pingouin.ttest(correction=True) + pingouin.mwu", gap),
        "mixed_gap (vmbo vs mbo, levels as clusters)": ("statsmodels mixedlm(REML), random intercept per level",
                                                        mixed),
        "wave_change (paired, 2 waves)": ("pingouin.ttest(paired=True) + pingouin.wilcoxon", paired),
    }


def loop_time(s: an.Survey, fn, subset: int, repeat: int) -> float:
    """Seconds for ``fn(group, items)`` per group and condition on the first ``subset`` groups."""
    r, cb = s.responses, s.codebook
    sub = r[r["partner"].isin(r["partner"].cat.categories[:subset])]
    groups = [grp for _, grp in sub.groupby("partner", observed=True)]
    conds = [cb.items_of(c) for c in cb.condition_codes]

    def loop():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for grp in groups:
                for items in conds:
                    fn(grp, items)

    return median_time(loop, repeat)


def run(quick: bool, log=print) -> list[str]:
    """Time every statistic and its reference loop; return the RESULTS.md section."""
    n_groups = 1_000 if quick else 10_000
    repeat = 3 if quick else 5
    subset = 20 if quick else 100
    t0 = time.perf_counter()
    s = build(n_groups, 20)
    s2 = build(n_groups, 20, waves=2)
    log(f"stats: built {n_groups} groups x 20 respondents ({len(s)} rows; two waves: {len(s2)}) "
        f"in {time.perf_counter() - t0:.1f} s")
    refs = references(s.codebook)
    rows = []
    for name, fn in statistics(s, ["partner"], s2).items():
        ours = median_time(fn, repeat)
        what, ref = refs.get(name, ("", None))
        on = s2 if name.startswith("wave_change") else s
        loop = loop_time(on, ref, subset, 1 if quick else 2) * n_groups / subset if ref else None
        rows.append((name, ours, what, loop))
        log(f"  {name:34s} {ours:8.3f} s" + (f"   reference loop {loop:9.1f} s -> {loop / ours:6.0f}x" if loop else ""))
    lines = [f"## Statistics: {n_groups:,} groups of 20 respondents (by partner)", "",
             (f"Ours: median of {repeat} runs on all groups, all five conditions. Reference: the loop one would "
             f"write by hand, per group and condition, timed on {subset} groups (median of {1 if quick else 2}) "
             f"and scaled linearly to {n_groups:,}."), "",
             "| statistic | seconds | µs per group | reference looped per group | its seconds | reference / ours |",
             "|---|---:|---:|---|---:|---:|"]
    for name, ours, what, loop in rows:
        ref_cells = f"{what} | {loop:.1f} | **{loop / ours:.0f}x**" if loop else " | | "
        lines.append(f"| {name} | {ours:.3f} | {ours / n_groups * 1e6:.0f} | {ref_cells} |")
    total = sum(r[1] for r in rows)
    lines.append(f"| **all of the above** | {total:.3f} | {total / n_groups * 1e6:.0f} | | | |")
    return lines + [""]
