import matplotlib
import numpy as np
import pandas as pd
import pytest

import analyse as an

matplotlib.use("Agg")


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
