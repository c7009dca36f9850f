"""Statistics: every statistic for many groups of 20 respondents, against a loop calling pingouin per group.

Groups are built with numpy (10,000 groups of 20; ``--quick``: 1,000). The
pingouin loop (``cronbach_alpha`` per group and condition) is timed on a
subset of groups and scaled linearly to all groups (said so in the output).
"""

from __future__ import annotations

import time
import warnings

import numpy as np
import pandas as pd

import analyse as an

from .common import median_time


def build(n_groups: int, per_group: int, seed: int = 0) -> an.Survey:
    """``n_groups`` partner groups of ``per_group`` respondents with a latent score per group and condition."""
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


def statistics(s: an.Survey, by: list[str]) -> dict:
    """Every statistic of the package on ``s``, per ``by`` group (name -> call)."""
    return {
        "condition_scores": lambda: an.condition_scores(s),
        "condition_means": lambda: an.condition_means(s, by=by),
        "condition_means (bootstrap 200)": lambda: an.condition_means(s, by=by, ci="bootstrap", n_boot=200, seed=1),
        "reliability (alpha+omega)": lambda: an.reliability(s, by=by),
        "reliability (alpha only)": lambda: an.reliability(s, by=by, omega=False),
        "item_statistics": lambda: an.item_statistics(s, by=by),
        "rwg": lambda: an.rwg(s, by=by),
        "ad (mean)": lambda: an.ad(s, by=by),
        "ad (median)": lambda: an.ad(s, by=by, center="median"),
        "icc (level within group)": lambda: an.icc(s, groups=["level"], by=by),
        "krippendorff (ordinal)": lambda: an.krippendorff(s, by=by),
        "gap (vmbo vs mbo)": lambda: an.gap(s, between="sector", a="vmbo", b="mbo", by=by),
    }


def pingouin_loop_time(s: an.Survey, subset: int, repeat: int) -> float:
    """Seconds for ``pingouin.cronbach_alpha`` per group and condition on the first ``subset`` groups."""
    import pingouin as pg

    r, cb = s.responses, s.codebook
    sub = r[r["partner"].isin(r["partner"].cat.categories[:subset])]

    def loop():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for _, grp in sub.groupby("partner", observed=True):
                for cond in cb.condition_codes:
                    pg.cronbach_alpha(grp[cb.items_of(cond)], nan_policy="listwise")

    return median_time(loop, repeat)


def run(quick: bool, log=print) -> list[str]:
    """Time every statistic and the pingouin loop; return the RESULTS.md section."""
    n_groups = 1_000 if quick else 10_000
    repeat = 3 if quick else 5
    subset = 50 if quick else 200
    t0 = time.perf_counter()
    s = build(n_groups, 20)
    log(f"stats: built {n_groups} groups x 20 respondents ({len(s)} rows) in {time.perf_counter() - t0:.1f} s")
    times = {}
    for name, fn in statistics(s, ["partner"]).items():
        times[name] = median_time(fn, repeat)
        log(f"  {name:34s} {times[name]:8.3f} s")
    t_sub = pingouin_loop_time(s, subset, 2 if quick else 3)
    t_all = t_sub * n_groups / subset
    log(f"  pingouin loop {t_sub:.2f} s for {subset} groups -> {t_all:.1f} s for {n_groups}")
    lines = [f"## Statistics: {n_groups:,} groups of 20 respondents (by partner)", "",
             f"Median of {repeat} runs. The pingouin baseline (`pingouin.cronbach_alpha` per group and condition, "
             f"the way one would loop by hand) is timed on {subset} groups (median of "
             f"{2 if quick else 3}) and scaled linearly: {t_sub:.2f} s -> **{t_all:.1f} s** for {n_groups:,} groups.",
             "", "| statistic | seconds | µs per group | pingouin loop / this |", "|---|---:|---:|---:|"]
    for name, t in times.items():
        ratio = f"{t_all / t:.0f}x" if name.startswith("reliability") else ""
        lines.append(f"| {name} | {t:.3f} | {t / n_groups * 1e6:.0f} | {ratio} |")
    lines.append(f"| **all of the above** | {sum(times.values()):.3f} | "
                 f"{sum(times.values()) / n_groups * 1e6:.0f} | |")
    return lines + [""]
