"""Scale: load (canonical CSV) and every statistic at 1k ... 1M respondents; growth per statistic; peak memory.

Every size is timed in two designs: a fixed number of groups (``by=["leerlab"]``,
5 groups whatever the size) and groups of a fixed size (``by=["team"]``, a
column added after loading that deals the respondents round-robin into teams
of about ``TEAM`` respondents, so the number of groups grows with the data).
Growth is the log-log slope of a statistic's time between two sizes:
1.0 is linear; the target is at most ``TARGET_SLOPE`` on every segment.

All sizes are timed in one subprocess (``python -m benchmarks.scale time
1000,10000,... ROUNDS``), in rounds that take every size in turn, so that the
machine's changing load hits all sizes alike, and with one call of each statistic per size and
round: every timed call is the first on its data at every size alike. Peak memory is measured apart
(``python -m benchmarks.scale memory N WAVES``): one fresh process loads the
file and runs every statistic once in both designs, the 2,000-resample
bootstrap included, and reports its peak resident memory (VmHWM of
/proc/self/status; ru_maxrss would include the parent's memory copied at fork).
The national scale is 1M respondents (one wave) and 2M (two waves of 1M).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time

import numpy as np

from .common import cached, sample_survey

BY = ["leerlab"]
#: Respondents per team in the design with groups of a fixed size.
TEAM = 200
#: Resamples of the bootstrap timed on its own: condition_means by leerlab, 5 leerlabs x 5 conditions = 25 groups.
N_BOOT = 2000
TARGET_SLOPE = 1.1
#: Peak memory targets (GiB) of load + every statistic: 1M respondents, and two waves of 1M.
MEMORY_TARGETS = {(1_000_000, 1): 3.0, (1_000_000, 2): 6.0}
LOAD = "load (canonical CSV)"


def canonical_csv(n: int, waves: int = 1):
    name = f"canonical_{n}.csv" if waves == 1 else f"canonical_{n}x{waves}.csv"
    return cached(name, lambda p: sample_survey(n, waves=waves).to_csv(p))


def with_teams(s):
    """``s`` with a ``team`` column: respondents dealt round-robin into teams of about TEAM (every team mixes
    leerlabs, sectors and levels, so that every statistic has both sides to compare)."""
    n = len(s.responses)
    s.responses["team"] = (np.arange(n) % max(1, round(n / TEAM))).astype(float)
    return s


def designs(s) -> dict:
    from .stats import statistics

    two = s if s.responses["wave"].nunique() > 1 else None
    return {"leerlab": statistics(s, BY, two), "team": statistics(s, ["team"], two)}


def bootstrap(s):
    import analyse as an

    return an.condition_means(s, by=BY, ci_method="bootstrap", n_boot=N_BOOT, seed=1)


def warm_up() -> None:
    """Every statistic once on 1k respondents: lazy imports and first-call costs stay out of the timings."""
    import analyse as an

    s = with_teams(an.load(canonical_csv(1_000)))
    for fns in designs(s).values():
        for fn in fns.values():
            fn()
    bootstrap(s)


def child_time(sizes: list[int], rounds: int) -> list[dict]:
    """Every size in one process, in rounds: each round loads every size and runs every statistic once on it, in turn.

    The machine's load changes over minutes; taking all sizes in every round
    lets that change hit all sizes alike, so that the ratios (the slopes) hold
    when the times themselves drift. One call per round: a second call on the
    same data reuses the memory the first one was given and runs faster, so
    repeating calls at some sizes only would tilt the slopes. Per size: the
    median over rounds.
    """
    import analyse as an

    warm_up()
    times = {n: {} for n in sizes}

    def timed(n, key, fn):
        t0 = time.perf_counter()
        out = fn()
        times[n].setdefault(key, []).append(time.perf_counter() - t0)
        return out

    def one_size(n):
        path = canonical_csv(n)
        s = with_teams(timed(n, ("load", ""), lambda: an.load(path)))
        for design, fns in designs(s).items():
            for name, fn in fns.items():
                timed(n, (design, name), fn)
        timed(n, ("bootstrap", ""), lambda: bootstrap(s))
        times[n]["n"] = len(s.responses)

    for _ in range(rounds):
        for n in sizes:
            one_size(n)
    out = []
    for n in sizes:
        t = times[n]
        row = {"n": t.pop("n"), "leerlab": {}, "team": {}}
        for (kind, name), ts in t.items():
            if name:
                row[kind][name] = float(np.median(ts))
            else:
                row[kind] = float(np.median(ts))
        out.append(row)
    out[0]["rounds"] = rounds
    return out


def child_memory(n: int, waves: int) -> dict:
    import analyse as an

    t0 = time.perf_counter()
    s = with_teams(an.load(canonical_csv(n, waves)))
    for fns in designs(s).values():
        for fn in fns.values():
            fn()
    bootstrap(s)
    return {"n": len(s.responses), "waves": waves, "seconds": time.perf_counter() - t0, "peak_mib": peak_mib()}


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
    """Least-squares slope of log(t) on log(n) (for two points, the slope of the segment)."""
    x, y = np.log(n), np.log(t)
    return float(((x - x.mean()) * (y - y.mean())).sum() / ((x - x.mean()) ** 2).sum())


def _run_child(*args) -> dict:
    out = subprocess.run([sys.executable, "-m", "benchmarks.scale", *map(str, args)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _size(n: float) -> str:
    return f"{n / 1e6:g}M" if n >= 1e6 else f"{n / 1e3:g}k"


def run(quick: bool, log=print) -> list[str]:
    sizes = [1_000, 10_000, 100_000] if quick else [1_000, 10_000, 100_000, 1_000_000]
    memory = [(100_000, 1), (100_000, 2)] if quick else [(1_000_000, 1), (1_000_000, 2)]
    rounds = 3 if quick else 7
    load_average = [os.getloadavg()[0]]
    for n in sizes:
        canonical_csv(n)  # generated outside the measured child
    rows = _run_child("time", ",".join(map(str, sizes)), rounds)
    for r in rows:
        log(f"  scale {r['n']:>9,}: load {r['load']:.2f} s, statistics by leerlab {sum(r['leerlab'].values()):.2f} s, "
            f"by team {sum(r['team'].values()):.2f} s, bootstrap {N_BOOT:,} {r['bootstrap']:.2f} s")
    mem = []
    for n, waves in memory:
        canonical_csv(n, waves)
        mem.append(_run_child("memory", n, waves))
        log(f"  memory {mem[-1]['n']:>9,} ({waves} wave{'s' if waves > 1 else ''}): peak {mem[-1]['peak_mib']:.0f} MiB")
    load_average.append(os.getloadavg()[0])
    lines = _section(rows, mem, quick, load_average)
    start = {key: next(i for i, line in enumerate(lines) if line.startswith(key))
             for key in ("### Growth", "Seconds per statistic", "### Peak")}
    for line in lines[start["### Growth"]:start["Seconds per statistic"]] + lines[start["### Peak"]:]:
        if line:  # the slopes and memory with their verdicts, as they go to RESULTS.md
            log("  " + line)
    return lines


def _section(rows: list[dict], mem: list[dict], quick: bool, load_average=()) -> list[str]:
    n = np.array([r["n"] for r in rows], dtype=float)
    names = list(rows[0]["leerlab"])
    rounds = rows[0].get("rounds", "")
    lines = ["## Scale: load (canonical CSV) + every statistic, 1k to 1M respondents", "",
             (f"Two designs at every size: **by leerlab** (a fixed number of groups: 5) and **by team** (groups of a "
              f"fixed size: the respondents dealt round-robin into teams of about {TEAM}, so 5 teams at 1k and "
              f"{round(n[-1] / TEAM):,} at {_size(round(n[-1], -3))}). Every statistic of the statistics table "
              "above but wave_change (the data have one wave). One subprocess runs everything once on 1k "
              f"respondents (imports, first calls), then times {rounds} round(s): each round loads every size and "
              "runs every statistic once on it, in turn, so that a change in the machine's load hits all sizes alike "
              "and every call is the first on its data (as a researcher's one call after loading; a second call "
              "reuses memory and runs faster); the median over rounds."
              + (" Load average of the machine (1 min) at the start and the end: "
                 f"{' and '.join(f'{x:.1f}' for x in load_average)} on {os.cpu_count()} cores." if load_average else "")),
             "",
             (f"| respondents | load (s) | statistics by leerlab (s) | statistics by team (s) | bootstrap {N_BOOT:,} "
             "by leerlab (s) |"), "|---:|---:|---:|---:|---:|"]
    lines += [f"| {r['n']:,} | {r['load']:.2f} | {sum(r['leerlab'].values()):.2f} | {sum(r['team'].values()):.2f} | "
              f"{r['bootstrap']:.2f} |" for r in rows]
    if n[-1] >= 900_000:
        lines += ["", (f"- bootstrap, `condition_means(by={BY}, ci_method=\"bootstrap\", n_boot={N_BOOT})` (25 groups) "
                  f"at {rows[-1]['n']:,} respondents: **{rows[-1]['bootstrap']:.2f} s** (target <= 5 s: "
                  f"{'met' if rows[-1]['bootstrap'] <= 5 else 'MISSED'})")]
    segs = list(zip(range(len(n) - 1), range(1, len(n))))
    seg_names = [f"{_size(round(n[a], -3))}→{_size(round(n[b], -3))}" for a, b in segs]
    worst = []

    def cells(times, label):
        out = []
        for (a, b), seg in zip(segs, seg_names):
            s = round(slope(n[[a, b]], np.array(times)[[a, b]]), 2)  # judged as printed
            if s > TARGET_SLOPE:
                worst.append(f"{label} {seg} {s:.2f}")
            out.append(f"**{s:.2f}**" if s > TARGET_SLOPE else f"{s:.2f}")
        return out

    lines += ["", f"### Growth per statistic: log-log slope of its time per segment (target <= {TARGET_SLOPE})", "",
              "| statistic | " + " | ".join(f"by leerlab {s}" for s in seg_names) + " | "
              + " | ".join(f"by team {s}" for s in seg_names) + " |",
              "|---|" + "---:|" * (2 * len(segs))]
    blank = [""] * len(segs)
    table = [(LOAD, cells([r["load"] for r in rows], LOAD), blank),
             (f"bootstrap {N_BOOT:,} by leerlab", cells([r["bootstrap"] for r in rows], "bootstrap"), blank)]
    table += [(name, cells([r["leerlab"][name] for r in rows], f"{name} by leerlab"),
               cells([r["team"][name] for r in rows], f"{name} by team")) for name in names]
    lines += ["| " + " | ".join([name, *left, *right]) + " |" for name, left, right in table]
    lines += ["", f"- every segment <= {TARGET_SLOPE}: **{'met' if not worst else 'MISSED'}**"
              + (f" ({'; '.join(worst)})" if worst else "")]
    for design in ("leerlab", "team"):
        lines += ["", f"Seconds per statistic by {design}:", "",
                  "| statistic | " + " | ".join(f"{r['n']:,}" for r in rows) + " |", "|---|" + "---:|" * len(rows)]
        lines += [f"| {name} | " + " | ".join(f"{r[design][name]:.3f}" for r in rows) + " |" for name in names]
    lines += ["", "### Peak memory: load + every statistic in both designs, bootstrap included", "",
              "One fresh process per row; wave_change too where there are two waves.", "",
              "| respondents | waves | seconds | peak RSS (MiB) | target |", "|---:|---:|---:|---:|---|"]
    for m in mem:
        target = MEMORY_TARGETS.get((round(m["n"] / m["waves"], -4), m["waves"]))
        verdict = "" if target is None else f"<= {target:g} GiB: **{'met' if m['peak_mib'] <= target * 1024 else 'MISSED'}**"
        lines.append(f"| {m['n']:,} | {m['waves']} | {m['seconds']:.0f} | {m['peak_mib']:.0f} | {verdict} |")
    if quick:
        lines += ["", "(Quick run: the memory targets, 3 GiB at 1M and 6 GiB at 2M, are checked by the full run.)"]
    return lines + [""]


if __name__ == "__main__":
    kind, n, *args = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:])
    print(json.dumps(child_time([int(x) for x in n.split(",")], *args) if kind == "time"
                     else child_memory(int(n), *args)))
