import hashlib
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest

import analyse as an

matplotlib.use("Agg")

ROOT = Path(__file__).parents[1]
#: Inputs no test may change: a test that writes into them would hide a bug that overwrites a user's data.
READ_ONLY = [ROOT / "data", ROOT / "tests" / "corpus", ROOT / "tests" / "fixtures", ROOT / "tests" / "reference"]


def input_hashes(folders=READ_ONLY) -> dict[str, str]:
    """sha256 of every file under ``folders`` (those that exist), keyed by its path relative to the repository."""
    return {str(p.relative_to(ROOT) if p.is_relative_to(ROOT) else p): hashlib.sha256(p.read_bytes()).hexdigest()
            for folder in folders if folder.is_dir() for p in sorted(folder.rglob("*")) if p.is_file()
            and "__pycache__" not in p.parts}


@pytest.fixture(scope="session", autouse=True)
def inputs_stay_unchanged():
    """Fail the run when any test changed, added or deleted a file under the read-only inputs."""
    before = input_hashes()
    yield
    after = input_hashes()
    changed = sorted(k for k in before.keys() & after.keys() if before[k] != after[k])
    deleted, added = sorted(before.keys() - after.keys()), sorted(after.keys() - before.keys())
    if changed or deleted or added:
        pytest.fail(f"the test run changed its read-only inputs: changed {changed}, deleted {deleted}, "
                    f"added {added}", pytrace=False)


@pytest.fixture(scope="session")
def codebook():
    return an.load_codebook()


@pytest.fixture(scope="session")
def small_survey():
    """Synthetic ground truth: 2 respondents per group, two waves."""
    return an.sample.generate(respondents_per_group=2, waves=2, seed=7)


def export_frame(codebook, n=4, answers=None):
    """A small export as a survey platform would lay it out: Dutch headers, answer labels."""
    rng = np.random.default_rng(0)
    labels = codebook.point_labels("nl")
    data = {
        "Respondentcode": [f"P{i}" for i in range(1, n + 1)],
        "Leerlab": ["Groen"] * n,
        "School": ["School A", "School B"] * (n // 2) + ["School A"] * (n % 2),
        "Niveau": ["Docent", "Management", "Bestuur", "Uitvoerend"][:n] + ["Management"] * max(0, n - 4),
    }
    for code in codebook.item_codes:
        data[codebook.label("item", code)] = [labels[k] for k in rng.integers(0, len(labels), n)]
    frame = pd.DataFrame(data)
    if answers:
        for (row, col), value in answers.items():
            frame.loc[row, col] = value
    return frame
