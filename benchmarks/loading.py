"""Loading: ``an.load`` on a generated 100,000-respondent .xlsx and .csv, side by side with pandas.

What is timed, per file (median of several runs, all in one process):

* ``an.load`` — reading, header recognition, validation, every rule of the loader;
* pandas' bare read (``read_excel(engine="openpyxl")`` / ``read_csv(sep=";")``), and the
  bare read plus "the same mapping": each answer column's labels mapped to scores
  (normalised label -> score, per distinct value) — the least a researcher would do by hand;
* fastexcel's bare read of the sheet into Arrow (``read_excel(path).load_sheet(0).to_arrow()``),
  the practical limit for any reader of the file.

The two ratios with a target (``an.load`` against fastexcel's bare read, and against a bare
``pandas.read_csv``) are measured twice: on the machine as it is, and while a helper process keeps one
core busy with pure-Python arithmetic (a second process of the user's, or another user's), so that
nothing in the loader can lean on a spare core. The compared blocks run in turns in both cases, and
the load average at the start of each case is reported beside them.
"""

from __future__ import annotations

import multiprocessing
import os
from contextlib import contextmanager

import pandas as pd

import analyse as an
from analyse.codebook import normalise

from .common import cached, median_time, median_times, sample_survey


def _files(n: int):
    survey = sample_survey(n)
    xlsx = cached(f"msforms_{n}.xlsx", lambda p: an.sample.write_msforms_xlsx(survey, p, "1"))
    csv = cached(f"dutch_{n}.csv", lambda p: an.sample.write_dutch_csv(survey, p, "1"))
    return xlsx, csv


def _map_scores(frame: pd.DataFrame, item_headers: list[str], labels: dict) -> pd.DataFrame:
    """Labels (or numeric codes) of the answer columns as scores, looked up once per distinct value."""
    out = frame.copy()
    for h in item_headers:
        col = frame[h]
        lookup = {u: labels.get(normalise(u), pd.to_numeric(u, errors="coerce")) for u in col.dropna().unique()}
        out[h] = col.map(lookup)
    return out


def _fastexcel_read(path):
    import fastexcel

    return fastexcel.read_excel(str(path)).load_sheet(0).to_arrow()


#: The ratios with a target: (file, ours, the bare read, the target).
TARGETS = [("xlsx", "an.load", "fastexcel bare read", 1.5), ("csv", "an.load", "pandas.read_csv", 2.0)]


def _spin(started) -> None:
    """Pure-Python arithmetic for ever: one busy core."""
    started.set()
    x = 0
    while True:
        x = (x * 1103515245 + 12345) % 2147483648


@contextmanager
def busy_core():
    """One core kept busy by a helper process for the duration of the block."""
    ctx = multiprocessing.get_context("fork")  # the helper needs nothing but this function
    started = ctx.Event()
    helper = ctx.Process(target=_spin, args=(started,), daemon=True)
    helper.start()
    try:
        started.wait(10)
        yield
    finally:
        helper.terminate()
        helper.join()


def _load() -> str:
    return ", ".join(f"{v:.1f}" for v in os.getloadavg())


def run(quick: bool, log=print) -> list[str]:
    n = 10_000 if quick else 100_000
    repeat = 5
    slow_repeat = 2   # pandas + openpyxl takes minutes at 100k
    xlsx, csv = _files(n)
    labels = an.load_codebook().answer_labels
    items = {p: [h for h, _ in an.load(p).report().files[0].items] for p in (xlsx, csv)}
    frames = {}  # the pandas reads, kept to time the mapping alone (the openpyxl read is not repeated for it)

    def read(kind, fn):
        frames[kind] = fn()

    blocks = [
        ("xlsx", "an.load", lambda: an.load(xlsx), repeat),
        ("xlsx", "pandas.read_excel(openpyxl)",
         lambda: read("xlsx", lambda: pd.read_excel(xlsx, engine="openpyxl", dtype=object)), slow_repeat),
        ("xlsx", "mapping (on that frame)", lambda: _map_scores(frames["xlsx"], items[xlsx], labels), repeat),
        ("csv", "an.load", lambda: an.load(csv), repeat),
        ("csv", "pandas.read_csv", lambda: read("csv", lambda: pd.read_csv(csv, sep=";", encoding="cp1252")), repeat),
        ("csv", "mapping (on that frame)", lambda: _map_scores(frames["csv"], items[csv], labels), repeat),
    ]
    if quick:
        blocks.insert(1, ("xlsx", "an.load(engine='openpyxl')", lambda: an.load(xlsx, engine="openpyxl"), 1))
    try:
        import fastexcel  # noqa: F401
        blocks.insert(1, ("xlsx", "fastexcel bare read", lambda: _fastexcel_read(xlsx), repeat))
    except ImportError:
        log("loading: fastexcel is not installed; an.load uses openpyxl")
    times = {}
    # The blocks a ratio compares run in turns (median_times), first, in a fresh process; then the slow
    # openpyxl reads on their own, and the mapping of the frame they read.
    after = {("xlsx", "mapping (on that frame)")}
    turns = {(kind, name): fn for kind, name, fn, rep in blocks if rep == repeat and (kind, name) not in after}
    loads = {"quiet": _load()}
    for (kind, name), sec in median_times(turns, repeat).items():
        times[(kind, name)] = sec
        log(f"  {kind:4s} {name:40s} {sec:8.2f} s")
    compared = {key: turns[key] for kind, ours, bare, _ in TARGETS for key in ((kind, ours), (kind, bare))
                if key in turns}
    loads["busy"] = _load()
    with busy_core():
        busy = median_times(compared, repeat)
    for (kind, name), sec in busy.items():
        log(f"  {kind:4s} {name + ' (one core busy)':40s} {sec:8.2f} s")
    for kind, name, fn, rep in blocks:
        if (kind, name) not in turns:
            times[(kind, name)] = median_time(fn, rep)
            log(f"  {kind:4s} {name:40s} {times[(kind, name)]:8.2f} s")
    times = {(kind, name): times[(kind, name)] for kind, name, _, _ in blocks}  # the table in block order
    t = lambda kind, name: times.get((kind, name))
    for kind, name in (("xlsx", "pandas.read_excel(openpyxl)"), ("csv", "pandas.read_csv")):
        times[(kind, name + " + mapping")] = t(kind, name) + t(kind, "mapping (on that frame)")
    ratios = [(f"- xlsx: pandas.read_excel(openpyxl) + mapping / an.load = "
               f"**{t('xlsx', 'pandas.read_excel(openpyxl) + mapping') / t('xlsx', 'an.load'):.0f}x** (target >= 10x)"),
              (f"- csv: an.load / (pandas.read_csv + mapping) = "
               f"{t('csv', 'an.load') / t('csv', 'pandas.read_csv + mapping'):.2f}x"),
              "", (f"The ratios with a target, with and without a busy core (the compared blocks in turns, median of "
                   f"{repeat}; load average over 1, 5 and 15 minutes as each case started: {loads['quiet']} as the "
                   f"machine was, {loads['busy']} before the helper started):"),
              "", "| file | ratio | as the machine was | one core busy | target |", "|---|---|---:|---:|---|"]
    for kind, ours, bare, target in TARGETS:
        if (kind, bare) not in busy:
            continue
        quiet_ratio, busy_ratio = t(kind, ours) / t(kind, bare), busy[(kind, ours)] / busy[(kind, bare)]
        verdict = "met" if max(quiet_ratio, busy_ratio) <= target else "MISSED"
        ratios.append(f"| {kind} | {ours} / {bare} | **{quiet_ratio:.2f}x** | **{busy_ratio:.2f}x** | "
                      f"<= {target:g}x: {verdict} |")
        log(f"  {kind}: {ours} / {bare} = {quiet_ratio:.2f}x, one core busy {busy_ratio:.2f}x (target <= {target:g}x: "
            f"{verdict})")
    lines = [f"## Loading {n:,} respondents", "",
             (f"Files from `analyse.sample.generate` written by `write_msforms_xlsx` "
              f"({xlsx.stat().st_size / 2**20:.1f} MB) and `write_dutch_csv` ({csv.stat().st_size / 2**20:.1f} MB). "
              f"Median of {repeat} runs ({slow_repeat} for the openpyxl rows). \"mapping\" = answer labels/codes "
              "to scores per column, per distinct value."), "", "| file | what | seconds |", "|---|---|---:|"]
    lines += [f"| {kind} | {name} | {sec:.2f} |" for (kind, name), sec in times.items()]
    return lines + [""] + ratios + [""]
