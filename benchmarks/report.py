"""The end-to-end report on the sample waves, without and with the notebooks (median of five runs each).

Targets (issue: the report in seconds): without notebooks <= 10 s, with notebooks <= 30 s, on the
2-core machine of CI; the runs take turns so drift hits both alike.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from .common import median_times

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"without notebooks": 10.0, "with notebooks": 30.0}


def run(quick: bool, log=print) -> list[str]:
    repeat = 1 if quick else 5
    with tempfile.TemporaryDirectory() as tmp:
        base = [sys.executable, "-m", "analyse", "report", str(ROOT / "data" / "sample"), "--quiet"]
        commands = {"without notebooks": [*base, "--out", str(Path(tmp) / "a"), "--no-notebooks"],
                    "with notebooks": [*base, "--out", str(Path(tmp) / "b")]}
        secs = median_times({name: lambda cmd=cmd: subprocess.run(cmd, check=True, capture_output=True)
                             for name, cmd in commands.items()}, repeat)
    lines = ["## End-to-end report on data/sample", "",
             f"`analyse report data/sample --out DIR --quiet [--no-notebooks]`, median of {repeat} run(s):", ""]
    for name, sec in secs.items():
        met = "met" if sec <= TARGETS[name] else "MISSED"
        log(f"  report {name}: {sec:.1f} s (target <= {TARGETS[name]:.0f} s: {met})")
        lines.append(f"- {name}: **{sec:.1f} s** (target <= {TARGETS[name]:.0f} s: {met})")
    return [*lines, ""]
