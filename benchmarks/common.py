"""Shared pieces: median timing, cached generated data, the machine and library versions."""

from __future__ import annotations

import os
import platform
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import numpy as np

CACHE = Path(__file__).resolve().parent / ".cache"   # gitignored: generated inputs are big
LIBRARIES = ["analyse", "numpy", "pandas", "scipy", "openpyxl", "fastexcel", "pyarrow", "pingouin"]


def median_time(fn, repeat: int) -> float:
    """Median wall time of ``repeat`` calls of ``fn`` (seconds)."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


def median_times(fns: dict, repeat: int) -> dict:
    """Median wall time of each of ``fns`` (name -> callable), run in turns so that drift hits all alike."""
    times = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t0)
    return {name: float(np.median(ts)) for name, ts in times.items()}


def sample_survey(respondents: int, waves: int = 1):
    """A generated Survey of about ``respondents`` a wave (the generator makes 30 groups)."""
    import analyse as an

    return an.sample.generate(respondents_per_group=max(1, round(respondents / 30)), waves=waves)


def cached(name: str, make) -> Path:
    """``CACHE/name``, written by ``make(path)`` the first time."""
    path = CACHE / name
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name("tmp-" + path.name)
        make(tmp)
        tmp.replace(path)   # an interrupted run leaves no half-written input behind
    return path


def machine() -> list[str]:
    cpu = platform.processor() or platform.machine()
    try:
        cpu = next(l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    try:
        mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
        mem_text = f"{mem:.0f} GiB"
    except (ValueError, OSError, AttributeError):
        mem_text = "unknown"
    blas = {k: v for k, v in os.environ.items() if k.startswith("OPENBLAS_")}
    lines = [f"CPU: {cpu}, {os.cpu_count()} cores; memory {mem_text}",
             f"Python {platform.python_version()} on {platform.platform()}",
             "Libraries: " + ", ".join(f"{n} {_version(n)}" for n in LIBRARIES)]
    if blas:
        lines.append("Environment: " + ", ".join(f"{k}={v}" for k, v in sorted(blas.items())))
    return lines


def _version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"
