"""Write the fixtures of tests/r/mixed_models.R: condition scores of the sample, and a hand-built unbalanced case.

Rebuild both byte for byte with

    .venv/bin/python tests/r/make_mixed_scores.py

``tests/reference/mixed_sample.csv``
    The package's condition scores of ``data/sample`` (both waves), one row
    per respondent and condition: ``wave, leerlab, partner, sector,
    condition, score`` (empty where the respondent answered too few
    statements). R fits its models on exactly these scores.
``tests/reference/mixed_unbalanced.csv``
    SYNTHETIC, hand-built: 11 schools (four leerlabs with two partners, one
    with three; six vmbo, five mbo) of 2 to 14 respondents, split unevenly
    over two waves (one school answered in wave 1 only), one score ``x``
    per respondent on a 1..5 scale with one decimal, with a school effect.
    Column ``y`` holds scores whose school means are so alike that the
    school variance is estimated at its boundary, 0 (a singular fit).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

REF = Path(__file__).parents[1] / "reference"
ROOT = Path(__file__).parents[2]
SEED = 4242

#: (leerlab, partner, sector, respondents in wave 1, in wave 2): chosen by hand, unbalanced on purpose.
SCHOOLS = [
    ("L1", "P1a", "vmbo", 3, 2), ("L1", "P1b", "mbo", 9, 5),
    ("L2", "P2a", "vmbo", 2, 0), ("L2", "P2b", "mbo", 6, 8),
    ("L3", "P3a", "vmbo", 7, 7), ("L3", "P3b", "mbo", 1, 3),
    ("L4", "P4a", "vmbo", 5, 1), ("L4", "P4b", "mbo", 4, 6),
    ("L5", "P5a", "vmbo", 2, 4), ("L5", "P5b", "vmbo", 3, 3), ("L5", "P5c", "mbo", 6, 6),
]


def sample_scores() -> pd.DataFrame:
    import analyse as an
    from analyse.stats._input import as_data

    d = as_data(an.load(ROOT / "data" / "sample"))
    long = d.long_scores(["wave", "leerlab", "partner", "sector"])
    return long[["wave", "leerlab", "partner", "sector", "condition", "score"]]


def unbalanced(seed: int = SEED) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for leerlab, partner, sector, n1, n2 in SCHOOLS:
        effect = rng.normal(0.0, 0.45)
        for wave, n in ((1, n1), (2, n2)):
            x = 3.1 + effect + (0.3 if sector == "vmbo" else 0.0) + (0.25 if wave == 2 else 0.0) \
                + rng.normal(0.0, 0.7, n)
            y = 3.0 + rng.normal(0.0, 0.8, n)
            rows.append(pd.DataFrame({"leerlab": leerlab, "partner": partner, "sector": sector, "wave": wave,
                                      "x": np.clip(np.round(x, 1), 1, 5), "y": np.clip(np.round(y, 1), 1, 5)}))
    return pd.concat(rows, ignore_index=True)


def main() -> None:
    s = sample_scores()
    s.to_csv(REF / "mixed_sample.csv", index=False, lineterminator="\n", float_format="%.17g")
    u = unbalanced()
    u.to_csv(REF / "mixed_unbalanced.csv", index=False, lineterminator="\n")
    print(f"mixed_sample.csv: {len(s)} rows; mixed_unbalanced.csv: {len(u)} rows")


if __name__ == "__main__":
    main()
