"""Benchmark of the vectorised statistics (a script, not a test).

Builds 10,000 groups of 20 respondents with numpy (``--quick``: 1,000), times
every building block (median of several runs) and compares ``reliability``
with a loop calling ``pingouin.cronbach_alpha`` per group and condition. The
pingouin loop is timed on a subset of groups and extrapolated linearly to all
groups (printed as such).

    /work/venv/bin/python benchmarks/bench_stats.py [--quick]
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
import pandas as pd

import analyse as an


def build(n_groups: int, per_group: int, seed: int = 0) -> an.Survey:
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


def timeit(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="1,000 groups, fewer repeats")
    args = ap.parse_args()
    n_groups = 1_000 if args.quick else 10_000
    repeat = 3 if args.quick else 5
    subset = 50 if args.quick else 200
    t0 = time.perf_counter()
    s = build(n_groups, 20)
    print(f"built {n_groups} groups x 20 respondents ({len(s)} rows) in {time.perf_counter() - t0:.1f} s")
    by = ["partner"]
    blocks = {
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
    results = {}
    for name, fn in blocks.items():
        results[name] = timeit(fn, repeat)
        print(f"{name:34s} {results[name]:8.3f} s   ({results[name] / n_groups * 1e6:7.1f} us/group)")

    import pingouin as pg

    r = s.responses
    cb = s.codebook
    groups = r["partner"].cat.categories[:subset]
    sub = r[r["partner"].isin(groups)]

    def loop():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for _, grp in sub.groupby("partner", observed=True):
                for cond in cb.condition_codes:
                    pg.cronbach_alpha(grp[cb.items_of(cond)], nan_policy="listwise")

    t_sub = timeit(loop, 1 if not args.quick else 2)
    t_all = t_sub * n_groups / subset
    print(f"pingouin.cronbach_alpha loop: {t_sub:.2f} s for {subset} groups x 5 conditions, "
          f"extrapolated to {n_groups} groups: {t_all:.1f} s")
    for name in ("reliability (alpha only)", "reliability (alpha+omega)"):
        print(f"ratio pingouin loop / {name}: {t_all / results[name]:.0f}x")


if __name__ == "__main__":
    main()
