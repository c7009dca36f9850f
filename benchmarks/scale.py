"""Scale: load (canonical CSV) plus every statistic at 1k ... 1M respondents; time and peak memory.

Each size runs in its own subprocess (``python -m benchmarks.scale N REPEAT``),
which reports the median time of load + statistics and its own peak RSS
(VmHWM of /proc/self/status: ru_maxrss would include the parent's memory copied
at fork), so sizes do not share memory.
Growth is summarised by the slope of log(time) on log(respondents).
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time

import numpy as np

from .common import cached, sample_survey

BY = ["leerlab"]
#: Resamples of the bootstrap timed on its own: condition_means by leerlab, 5 leerlabs x 5 conditions = 25 groups.
N_BOOT = 2000


def canonical_csv(n: int):
    return cached(f"canonical_{n}.csv", lambda p: sample_survey(n).to_csv(p))


def child(n: int, repeat: int) -> dict:
    import analyse as an

    from .stats import statistics

    path = canonical_csv(n)
    load_t, stats_t, boot_t = [], [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        s = an.load(path)
        t1 = time.perf_counter()
        for fn in statistics(s, BY).values():
            fn()
        t2 = time.perf_counter()
        an.condition_means(s, by=BY, ci_method="bootstrap", n_boot=N_BOOT, seed=1)
        load_t.append(t1 - t0)
        stats_t.append(t2 - t1)
        boot_t.append(time.perf_counter() - t2)
    return {"n": len(s.responses), "load": float(np.median(load_t)), "stats": float(np.median(stats_t)),
            "bootstrap": float(np.median(boot_t)), "peak_mib": peak_mib()}


def peak_mib() -> float:
    """Peak resident memory of this process in MiB.

    Linux's VmHWM belongs to the current program image; ru_maxrss would also count
    the parent's memory, copied at fork before this child's exec.
    """
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def slope(n, t) -> float:
    """Least-squares slope of log(t) on log(n)."""
    x, y = np.log(n), np.log(t)
    return float(((x - x.mean()) * (y - y.mean())).sum() / ((x - x.mean()) ** 2).sum())


def run(quick: bool, log=print) -> list[str]:
    sizes = [1_000, 10_000, 100_000] if quick else [1_000, 10_000, 100_000, 1_000_000]
    repeat = 1 if quick else 3
    rows = []
    for n in sizes:
        canonical_csv(n)  # generated outside the measured child
        out = subprocess.run([sys.executable, "-m", "benchmarks.scale", str(n), str(repeat)],
                             capture_output=True, text=True, check=True)
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
        r = rows[-1]
        log(f"  scale {r['n']:>9,}: load {r['load']:.2f} s, statistics {r['stats']:.2f} s, peak {r['peak_mib']:.0f} MiB; "
            f"bootstrap {N_BOOT:,} {r['bootstrap']:.2f} s")
    n = np.array([r["n"] for r in rows], dtype=float)
    total = np.array([r["load"] + r["stats"] for r in rows])
    big = n >= 5 * n.min()  # from the second size up
    lines = ["## Scale: load (canonical CSV) + every statistic", "",
             f"By {' x '.join(BY)} (5 groups); every statistic of the statistics table above but wave_change (the data have one wave), once each. "
             f"Median of {repeat} run(s) per size, each size in a fresh subprocess; peak = its maximum RSS.", "",
             "| respondents | load (s) | statistics (s) | total (s) | peak RSS (MiB) | bootstrap (s) |",
             "|---:|---:|---:|---:|---:|---:|"]
    lines += [f"| {r['n']:,} | {r['load']:.2f} | {r['stats']:.2f} | {r['load'] + r['stats']:.2f} | "
              f"{r['peak_mib']:.0f} | {r['bootstrap']:.2f} |" for r in rows]
    lines += ["", f"- log-log slope of total time on respondents: **{slope(n[big], total[big]):.2f}** from 10k up "
              f"(target <= 1.1); {slope(n, total):.2f} from 1k (fixed start-up costs dominate small sizes)",
              (f"- bootstrap: `condition_means(by={BY}, ci_method=\"bootstrap\", n_boot={N_BOOT})`, 25 groups "
               f"(5 leerlabs x 5 conditions), timed apart from the statistics: **{rows[-1]['bootstrap']:.2f} s** at "
               f"{rows[-1]['n']:,} respondents" + (f" (target <= 5 s at 1M: {'met' if rows[-1]['bootstrap'] <= 5 else 'MISSED'})"
                                                   if rows[-1]["n"] >= 900_000 else ""))]
    return lines + [""]


if __name__ == "__main__":
    print(json.dumps(child(int(sys.argv[1]), int(sys.argv[2]))))
