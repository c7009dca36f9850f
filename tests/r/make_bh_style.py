"""Write tests/reference/bh_style.csv: SYNTHETIC answers shaped like multilevel's bh1996 / lq2002.

Not the real bh1996 or lq2002 data: every value is drawn here from a seeded
numpy generator, so the file can be rebuilt byte for byte with

    .venv/bin/python tests/r/make_bh_style.py

Columns (no missing values except in COHES):

``GRP``
    Group id 1..40, group sizes 8..60.
``SITE``
    Stratum ``A``, ``B`` or ``C``; every group lies in one site.
``COHES``
    Single-item scale, integers 1..5, with a group effect (ICC(1) clearly
    positive); a few answers are missing (empty cells).
``L1``..``L4``
    Four-item scale, integers 1..5, correlated within person through a person
    score. Groups differ in how far their members spread: a few answer nearly
    alike (rwg(j) near 1), a few spread about as widely as the uniform null
    (rwg(j) 0 after truncation), the rest lie between. Every item varies within
    every group, so alpha and omega are defined.

``tests/r/reference_values.R`` reads the file and writes the R values to
``tests/reference/r_bh_style.csv``; ``tests/test_plain_frames.py`` compares
the package with them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

SEED = 1996
N_GROUPS = 40
OUT = Path(__file__).parents[1] / "reference" / "bh_style.csv"


def _likert(v: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(v), 1, 5).astype(int)


def make(seed: int = SEED) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    sizes = rng.integers(8, 61, size=N_GROUPS)
    sizes[:2] = (8, 60)  # the ends of the range are both present
    site = np.array(["A", "B", "C"])[rng.permutation(np.arange(N_GROUPS) % 3)]
    # spread of the person scores on L1..L4: 4 groups nearly alike, 4 near the uniform null, the rest between
    spread = np.concatenate([np.full(4, 0.25), np.full(4, 1.8), rng.uniform(0.45, 1.2, N_GROUPS - 8)])
    spread = spread[rng.permutation(N_GROUPS)]
    cohes_mean = 3.0 + rng.normal(0.0, 0.7, N_GROUPS)
    lead_mean = 3.2 + rng.normal(0.0, 0.4, N_GROUPS)
    frames = []
    for g in range(N_GROUPS):
        n = int(sizes[g])
        cohes = _likert(cohes_mean[g] + rng.normal(0.0, 0.9, n))
        while True:  # redraw until every item varies within the group
            person = lead_mean[g] + spread[g] * rng.normal(0.0, 1.0, n)
            lead = _likert(person[:, None] + rng.normal(0.0, 0.55, (n, 4)))
            if (lead.std(axis=0) > 0).all():
                break
        frames.append(pd.DataFrame({"GRP": g + 1, "SITE": site[g], "COHES": cohes.astype(float),
                                    **{f"L{j + 1}": lead[:, j] for j in range(4)}}))
    d = pd.concat(frames, ignore_index=True)
    d.loc[rng.choice(len(d), size=15, replace=False), "COHES"] = np.nan
    return d


def main() -> None:
    d = make()
    d.to_csv(OUT, index=False, float_format="%.0f", lineterminator="\n")
    print(f"{OUT}: {len(d)} rows, {d['GRP'].nunique()} groups in {d['SITE'].nunique()} sites")


if __name__ == "__main__":
    main()
