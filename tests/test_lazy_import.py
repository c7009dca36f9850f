"""``import analyse`` and loading a survey import neither scipy nor matplotlib; the rest loads on first use.

Each check runs in a fresh interpreter (this test process imported everything long ago); two of them,
as starting one that imports scipy and matplotlib costs seconds.
"""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]
HEAVY = ["scipy", "scipy.stats", "matplotlib", "seaborn", "analyse.stats.scores", "analyse.plot.profiles",
         "analyse.disclosure", "importlib.metadata"]


def _run(code: str) -> dict:
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_loading_imports_no_statistics_and_no_figures_until_used():
    got = _run(f"""
import json, sys
import analyse
an = analyse
survey = an.load("data/sample")
seen = {{"rows": len(survey.responses), "pandas": "pandas" in sys.modules,
        "loaded": [m for m in {HEAVY!r} if m in sys.modules], "dir": sorted(set(an.__all__) - set(dir(an)))}}
an.condition_means
seen["statistic"] = ["scipy.stats" in sys.modules, "matplotlib" in sys.modules]
an.plot.condition_profile
seen["figure"] = ["matplotlib" in sys.modules, "seaborn" in sys.modules]
seen["version"] = an.__version__
print(json.dumps(seen))
""")
    assert got["rows"] > 0 and got["pandas"]
    assert got["loaded"] == []
    assert got["dir"] == []  # dir() lists every public name before any is imported
    assert got["statistic"] == [True, False]
    assert got["figure"] == [True, True]
    assert got["version"]


def test_names_mean_the_statistics_however_the_modules_were_imported():
    """Importing analyse.stats.waves first binds the modules agreement and krippendorff on the package
    (Python does that for every submodule); those names must still mean the protected statistics.
    Then ``from analyse import *`` and ``dir()`` give every public name."""
    got = _run("""
import json, types
from analyse.stats.waves import paired_table
import analyse as an
import analyse.stats as stats
from analyse.stats import agreement, krippendorff, open_answers, reliability
names = ["agreement", "krippendorff", "open_answers", "reliability"]
values = [agreement, krippendorff, open_answers, reliability]
seen = {
    "functions": [callable(v) and not isinstance(v, types.ModuleType) for v in values],
    "same": [getattr(an, n) is getattr(stats, n) is v for n, v in zip(names, values)],
    "protected": [hasattr(getattr(stats, n), "__wrapped__") for n in ["agreement", "condition_means",
                                                                      "condition_scores"]],
}
import analyse.plot
ns = {}
exec("from analyse import *", ns)
seen["star"] = sorted(set(an.__all__) - set(ns))
seen["dirs"] = [sorted(set(m.__all__) - set(dir(m))) for m in (an, stats, analyse.plot)]
seen["plot"] = ns["plot"].__name__
seen["unknown"] = hasattr(an, "no_such_statistic") or hasattr(stats, "no_such_statistic")
print(json.dumps(seen))
""")
    assert got["functions"] == [True] * 4
    assert got["same"] == [True] * 4
    # the statistics wear disclosure's wrapper; condition_scores (one row per respondent) never did
    assert got["protected"] == [True, True, False]
    assert got["star"] == [] and got["dirs"] == [[], [], []]
    assert got["plot"] == "analyse.plot"
    assert got["unknown"] is False
