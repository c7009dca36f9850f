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


@pytest.mark.parametrize("stem", sorted(set(NOTEBOOKS) | {p.stem for p in NB.glob("*.ipynb")}))
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


# ---------------------------------------------------------------- 07: open answers beside the scores
OPEN = "07_open_antwoorden"
#: Above a partner school's 15 respondents in the sample, below a leerlab's 30.
OPEN_MIN_N = 16


@pytest.fixture(scope="module")
def open_notebook(tmp_path_factory):
    """Notebook 07 executed once: the sample, in English, min_n between a partner school and a leerlab."""
    papermill = pytest.importorskip("papermill")
    tmp = tmp_path_factory.mktemp("nb07")
    nb = papermill.execute_notebook(str(NB / f"{OPEN}.ipynb"), str(tmp / f"{OPEN}.ipynb"), cwd=str(NB),
                                    progress_bar=False, kernel_name="python3",
                                    parameters={"inputs": [str(ROOT / "data/sample")], "out": str(tmp), "lang": "en",
                                                "min_n": OPEN_MIN_N})
    survey = an.protect(an.load(ROOT / "data/sample"), OPEN_MIN_N)
    return nb, tmp / OPEN, survey


def _printed(nb, assignment):
    """What the cell that starts with ``assignment`` shows: {(condition, wave, group): (count line, answers)}."""
    cell = next(c for c in nb["cells"] if c["cell_type"] == "code" and "".join(c["source"]).startswith(assignment))
    assert not [o for o in cell["outputs"] if o["output_type"] == "error"]
    shown, condition, wave, key = {}, None, None, None
    for o in cell["outputs"]:
        if "text/markdown" in o.get("data", {}):
            condition = "".join(o["data"]["text/markdown"]).removeprefix("### ")
            continue
        for line in "".join(o.get("text", "")).splitlines():
            if line.startswith("Wave "):
                wave = line.removeprefix("Wave ")
            elif line.startswith("      \u2022 "):
                shown[key][1].append(line.removeprefix("      \u2022 "))
            else:
                group, count = line.strip().split(": ", 1)
                key = (condition, wave, group)
                shown[key] = (count, [])
    return shown


def test_open_answers_notebook_shows_the_answers_and_counts_of_the_api(open_notebook):
    nb, _, survey = open_notebook
    shown = _printed(nb, "per_leerlab = ")
    cb = survey.codebook
    # one answer known to be in the sample: Horeca, wave 1, ambitie, 9 answers of 30 respondents
    count, answers = shown[("Ambition", "1", "Horeca")]
    assert count == "mean 3.48 (n = 29) \u00b7 9 answers of 30 respondents"
    assert "We hebben de ambitie samen op papier gezet." in answers and len(answers) == 9
    # every group and condition: the count, the answers and the mean equal the API's
    api = an.open_answers(survey, by=["wave", "leerlab"], min_n=OPEN_MIN_N)
    means = an.condition_means(survey, by=["wave", "leerlab"], min_n=OPEN_MIN_N).set_index(
        ["wave", "leerlab", "condition"])
    expected = {}
    for row in api.to_dict("records"):
        key = (cb.label("condition", row["condition"], "en"), str(row["wave"]), str(row["leerlab"]))
        expected.setdefault(key, (row, []))[1].extend([] if pd.isna(row["text"]) else [row["text"]])
    assert set(shown) == set(expected) and len(expected) == 2 * 5 * 5
    for key, (row, texts) in expected.items():
        count, answers = shown[key]
        n_answers = int(row["n_answers"])
        assert answers == texts and len(answers) == n_answers, key
        mean = means.loc[(row["wave"], row["leerlab"], row["condition"]), "mean"]
        assert count.startswith(f"mean {mean:.2f} ("), key
        assert count.endswith("no answers" if n_answers == 0 else
                              f"{n_answers} answer{'s' if n_answers != 1 else ''} of {row['n_respondents']} "
                              "respondents"), key


def test_open_answers_notebook_shows_no_answer_of_a_group_below_min_n(open_notebook):
    nb, _, survey = open_notebook
    shown = _printed(nb, "if \"partner\" in survey.absent")
    # ten partner schools of 15 respondents, in two waves and five conditions: none reaches min_n
    assert len(shown) == 10 * 2 * 5
    for key, (count, answers) in shown.items():
        assert answers == [] and count == f"mean \u2014 \u00b7 answers not shown (fewer than {OPEN_MIN_N} "\
                                          "respondents, or derivable)", key
    api = an.open_answers(an.load(ROOT / "data/sample"), by=["wave", "leerlab", "partner"], min_n=OPEN_MIN_N)
    assert api["text"].isna().all() and api["n_answers"].isna().all()
    # a survey protected at min_n keeps them hidden when asked at a lower one; unprotected at 5 they have answers
    assert an.open_answers(survey, by=["wave", "leerlab", "partner"], min_n=5)["text"].isna().all()
    assert an.open_answers(an.load(ROOT / "data/sample"), by=["wave", "leerlab", "partner"])["text"].notna().sum() > 100


def test_open_answers_notebook_saves_counts_and_figures_never_the_answers(open_notebook):
    nb, out, survey = open_notebook
    images = [o for c in nb["cells"] if c["cell_type"] == "code" for o in c["outputs"]
              if "image/png" in o.get("data", {})]
    assert len(images) == 2  # one figure per wave: the waves are not pooled
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["aantallen_leerlab.csv", "aantallen_partner.csv"]
        + [f"gemiddelden_meting_{w}.{fmt}" for w in (1, 2) for fmt in ("pdf", "png", "svg")])
    saved = pd.read_csv(out / "aantallen_leerlab.csv")
    api = an.open_answers(survey, by=["wave", "leerlab"], min_n=OPEN_MIN_N).drop(columns="text").drop_duplicates()
    assert len(saved) == len(api) == 50
    np.testing.assert_array_equal(saved["n_answers"], api["n_answers"])
    texts = set(an.open_answers(survey, by=None, min_n=OPEN_MIN_N)["text"].dropna())
    assert len(texts) > 10
    for path in out.glob("*.csv"):
        content = path.read_text(encoding="utf-8")
        assert not [t for t in texts if t in content], path.name
