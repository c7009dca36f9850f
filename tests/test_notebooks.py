"""The notebooks: committed clean, executed with a real kernel on the sample waves."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import analyse as an
from analyse.report import NOTEBOOKS

ROOT = Path(__file__).parents[1]
NB = ROOT / "notebooks"


@pytest.mark.parametrize("stem", [s for s, _, _ in NOTEBOOKS])
def test_committed_without_outputs_and_with_parameters(stem):
    nb = json.loads((NB / f"{stem}.ipynb").read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(not c["outputs"] and c["execution_count"] is None for c in code)
    assert "parameters" in code[0]["metadata"].get("tags", [])
    params = "".join(code[0]["source"])
    for name in ("inputs", "out", "lang", "min_n"):
        assert f"\n{name} = " in "\n" + params
    # no analysis logic in a notebook: every computation is a call into the package
    source = "".join("".join(c["source"]) for c in code)
    for forbidden in ("groupby(", ".mean(", ".std(", "scipy", "numpy", "np."):
        assert forbidden not in source


def test_notebook_tables_equal_the_api(tmp_path):
    """Execute notebook 02 with papermill and compare the tables it saved with direct API calls."""
    papermill = pytest.importorskip("papermill")
    papermill.execute_notebook(str(NB / "02_condities_en_betrouwbaarheid.ipynb"), str(tmp_path / "02.ipynb"),
                               cwd=str(NB), progress_bar=False, kernel_name="python3",
                               parameters={"inputs": [str(ROOT / "data/sample")], "out": str(tmp_path),
                                           "lang": "en", "min_n": 5})
    out = tmp_path / "02_condities_en_betrouwbaarheid"
    survey = an.load(ROOT / "data/sample")
    saved = pd.read_csv(out / "gemiddelden.csv")
    direct = an.condition_means(survey, by=["wave"], min_n=5)
    assert len(saved) == len(direct) == 10
    np.testing.assert_allclose(saved["mean"], direct["mean"], rtol=0, atol=1e-12)
    np.testing.assert_allclose(saved["ci_low"], direct["ci_low"], rtol=0, atol=1e-12)
    rel = pd.read_csv(out / "betrouwbaarheid.csv")
    np.testing.assert_allclose(rel["alpha"], an.reliability(survey, by=["wave"])["alpha"], rtol=0, atol=1e-12)
    for fmt in ("png", "svg", "pdf"):
        assert (out / f"profiel.{fmt}").stat().st_size > 5_000


def test_wave_notebook_with_a_single_wave_says_so(tmp_path):
    """A first wave alone: notebook 06 runs and says there is nothing to compare (it used to fail)."""
    papermill = pytest.importorskip("papermill")
    out = papermill.execute_notebook(
        str(NB / "06_metingen_vergelijken.ipynb"), str(tmp_path / "06.ipynb"), cwd=str(NB), progress_bar=False,
        kernel_name="python3", parameters={"inputs": [str(ROOT / "data/sample/synthetisch_meting1_msforms.xlsx")],
                                           "out": str(tmp_path), "lang": "nl"})
    text = json.dumps(out["cells"])
    assert "Eén meting ingelezen" in text or "E\\u00e9n meting ingelezen" in text
    assert not (tmp_path / "06_metingen_vergelijken" / "verandering.csv").exists()
