"""Write tests/reference/agreement_groups.csv: SYNTHETIC small groups for the agreement indices and ICC intervals.

Every value is drawn here from a seeded numpy generator or written by hand
below, so the file can be rebuilt byte for byte with

    .venv/bin/python tests/r/make_agreement_groups.py

Columns:

``GRP``
    Group id. Groups 1..48 are drawn: sizes 2..12, answers around a group
    level with a group spread, from nearly alike to split between the ends.
    Groups 91..99 are written by hand for the edges of a_wg (a mean at an end
    of the scale, a mean just inside or outside the range where a_wg is
    defined), one respondent alone, and two groups with nearly equal means.
``SITE``
    Stratum ``A``..``D`` for the drawn groups (so each site holds 9..15
    groups), ``E`` for the pair of nearly equal groups (ICC below 0), ``F``
    for the other hand-written groups.
``Q1``..``Q4``
    Four-item scale, integers 1..5; a few answers are missing (empty cells),
    so listwise counts differ from the group sizes.

``tests/r/agreement_null.R`` reads the file and writes the R values to
``tests/reference/r_agreement_groups.csv`` and ``r_icc_intervals.csv``;
``tests/test_agreement_chance.py`` compares the package with them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

SEED = 1999
N_DRAWN = 48
OUT = Path(__file__).parents[1] / "reference" / "agreement_groups.csv"
ITEMS = ["Q1", "Q2", "Q3", "Q4"]

# (group, site, rows of Q1..Q4)
HAND = [
    (91, "F", [[5, 5, 5, 1], [5, 5, 4, 2], [5, 5, 5, 1], [5, 4, 5, 1]]),     # Q1 at H; Q2 mean 4.75 > (3*5+1)/4
    (92, "F", [[5, 1, 3, 2], [5, 1, 3, 2], [5, 1, 3, 2], [1, 5, 3, 2]]),     # Q1/Q2 mean exactly at the bounds; Q3, Q4 no spread
    (93, "F", [[1, 1, 2, 3], [1, 2, 1, 3], [1, 1, 1, 4], [2, 1, 1, 3], [1, 1, 1, 3]]),  # means near L
    (94, "F", [[3, 4, 2, 5]]),                                                  # one respondent
    (95, "F", [[1, 5, 1, 5], [5, 1, 5, 1], [1, 5, 1, 5], [5, 1, 5, 1]]),     # split between the ends: a_wg -1
    (96, "E", [[1, 3, 5, 2], [3, 5, 2, 4], [5, 2, 4, 3], [2, 4, 3, 5], [4, 1, 1, 1]]),
    (97, "E", [[5, 1, 3, 4], [1, 3, 4, 2], [3, 4, 2, 5], [4, 2, 5, 1], [2, 5, 1, 4]]),
]


def make(seed: int = SEED) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    sizes = rng.integers(2, 13, size=N_DRAWN)
    sizes[:2] = (2, 12)
    site = np.array(list("ABCD"))[rng.permutation(np.arange(N_DRAWN) % 4)]
    level = rng.uniform(1.3, 4.7, N_DRAWN)
    spread = rng.choice([0.2, 0.5, 1.0, 2.5], N_DRAWN)
    frames = []
    for g in range(N_DRAWN):
        n = int(sizes[g])
        person = level[g] + spread[g] * rng.normal(0.0, 1.0, n)
        answers = np.clip(np.rint(person[:, None] + rng.normal(0.0, 0.6, (n, 4))), 1, 5)
        frames.append(pd.DataFrame({"GRP": g + 1, "SITE": site[g], **dict(zip(ITEMS, answers.T))}))
    d = pd.concat(frames, ignore_index=True)
    drawn = len(d)
    hand = [pd.DataFrame(rows, columns=ITEMS, dtype=float).assign(GRP=g, SITE=s) for g, s, rows in HAND]
    d = pd.concat([d, *hand], ignore_index=True)[["GRP", "SITE", *ITEMS]]
    holes = rng.choice(drawn, size=12, replace=False)
    for row, item in zip(holes, rng.integers(0, 4, size=12)):
        d.loc[row, ITEMS[item]] = np.nan
    return d


def main() -> None:
    d = make()
    d.to_csv(OUT, index=False, float_format="%.0f", lineterminator="\n")
    print(f"{OUT}: {len(d)} rows, {d['GRP'].nunique()} groups in {d['SITE'].nunique()} sites")


if __name__ == "__main__":
    main()
