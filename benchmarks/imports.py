"""Imports: ``import analyse`` in fresh interpreters, against ``import pandas`` alone and the first statistic and figure.

Each case runs ``REPEAT`` times in a new ``python -c`` process, the cases in
turns so that the machine's load hits all alike; the time is measured inside
the process around the imports (the interpreter's own start is not counted)
and reported as the median. One ``python -X importtime`` run says where the
time of ``import analyse`` goes.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]  # data/sample is read from here

TARGET = 0.6  # seconds, median of 5 fresh processes

PANDAS = "import pandas"
CASES = {
    "import analyse": "import analyse",
    "import pandas (the floor: loading needs it)": PANDAS,
    "import analyse; an.load(data/sample)": "import analyse; analyse.load('data/sample')",
    "import analyse; first statistic (an.condition_means)": "import analyse; analyse.condition_means",
    "import analyse.plot; first figure (condition_profile)": "import analyse.plot; analyse.plot.condition_profile",
}

#: Modules ``import analyse`` must not load; checked in the same kind of fresh process.
HEAVY = ["scipy", "scipy.stats", "matplotlib", "seaborn"]


def _seconds(code: str) -> float:
    timed = f"import time; t0 = time.perf_counter(); {code}; print(time.perf_counter() - t0)"
    out = subprocess.run([sys.executable, "-c", timed], cwd=ROOT, capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def _importtime() -> dict[str, float]:
    """Cumulative import time (s) of analyse and of its heaviest dependencies, from ``-X importtime``."""
    out = subprocess.run([sys.executable, "-X", "importtime", "-c", "import analyse"], cwd=ROOT,
                         capture_output=True, text=True, check=True)
    found = {}
    for line in out.stderr.splitlines():
        m = re.match(r"import time:\s+\d+ \|\s+(\d+) \|\s*(\S+)$", line)
        if m and m.group(2) in ("analyse", "pandas", "numpy", "pyarrow", "analyse.loading"):
            found[m.group(2)] = int(m.group(1)) / 1e6
    return found


def run(quick: bool, log=print) -> list[str]:
    repeat = 3 if quick else 5
    times = {code: [] for code in CASES.values()}
    for _ in range(repeat):
        for code in CASES.values():
            times[code].append(_seconds(code))
    med = {code: float(np.median(t)) for code, t in times.items()}
    for name, code in CASES.items():
        log(f"  {name:55s} {med[code]:6.2f} s")
    loaded = f"import sys, analyse; analyse.load('data/sample'); print([m for m in {HEAVY!r} if m in sys.modules])"
    check = subprocess.run([sys.executable, "-c", loaded], cwd=ROOT, capture_output=True, text=True,
                           check=True).stdout.strip()
    where = ", ".join(f"{k} {v:.2f}" for k, v in sorted(_importtime().items(), key=lambda kv: -kv[1]))
    main = med["import analyse"]
    verdict = "met" if main <= TARGET else "MISSED"
    lines = ["## Imports", "",
             (f"Fresh `python -c` processes, {repeat} of each case in turns; seconds measured inside the process "
              "around the code shown (interpreter start not counted), median."), "",
             "| code | seconds (median) | all runs |", "|---|---:|---|"]
    lines += [f"| `{code}` | {med[code]:.2f} | {', '.join(f'{t:.2f}' for t in times[code])} |" for code in CASES.values()]
    lines += ["",
              (f"- `import analyse`: **{main:.2f} s** (target <= {TARGET} s: {verdict}); "
               f"`import pandas` alone {med[PANDAS]:.2f} s in the same turns"),
              f"- loaded by `import analyse` and `an.load('data/sample')` among {', '.join(HEAVY)}: {check}",
              f"- one `python -X importtime -c \"import analyse\"`, cumulative seconds: {where}", ""]
    return lines
