"""An attacker with the shown tables and the true group membership: what can be subtracted out?

Written apart from ``analyse.disclosure`` on purpose: the attacker collects
every (group, n, mean) a table shows, turns means into sums, and tries every
union of cells with fewer than ``min_n`` respondents: is its indicator a
linear combination of the shown groups (projection on their row space, by
pseudo-inverse)? It also tries the plain differences a reader would try
first: a parent minus one or two shown sub-groups.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

CELLS = ["leerlab", "partner", "sector", "level"]


def shown_groups(tables: dict[str, pd.DataFrame]) -> list[dict]:
    """Every group a table shows with a count: wave, measure, the group's columns, n, mean (may be NaN)."""
    found = []
    for frame in tables.values():
        if "wave" not in frame or frame.empty:
            continue
        measure = next((c for c in ("item", "success_factor", "condition") if c in frame), None)
        sides = [("", "n", "mean")]
        if "n_a" in frame:
            sides = [("_a", "n_a", "mean_a"), ("_b", "n_b", "mean_b")]
        for rec in frame.to_dict("records"):
            base = {c: rec[c] for c in CELLS if c in rec and pd.notna(rec[c])}
            for suffix, n_col, mean_col in sides:
                if n_col not in rec or pd.isna(rec[n_col]):
                    continue
                group = dict(base)
                for c in ("partner", "level"):
                    if suffix and f"{c}{suffix}" in rec:
                        group[c] = rec[f"{c}{suffix}"]
                found.append({"wave": str(rec["wave"]), "measure": str(rec[measure]) if measure else None,
                              "group": group, "n": float(rec[n_col]),
                              "mean": float(rec.get(mean_col, np.nan))})
    return found


def _counts(responses: pd.DataFrame, measure_present: pd.Series, cells: pd.DataFrame, atom: np.ndarray):
    return np.bincount(atom, weights=measure_present.to_numpy(dtype=float), minlength=len(cells))


def recoverable(tables: dict[str, pd.DataFrame], responses: pd.DataFrame, present: dict[str, pd.Series],
                min_n: int) -> list[str]:
    """What an attacker recovers: descriptions of unions of cells below ``min_n`` derivable from the tables.

    ``present[measure]`` says per respondent whether the measure has a value
    (the truth the attacker is granted, as if every group size were known).
    """
    groups = shown_groups(tables)
    frame = responses.astype({c: object for c in ["wave", *CELLS]}).fillna({c: "<NA>" for c in CELLS})
    keys = frame[["wave", *CELLS]].astype(str)
    atom = keys.groupby(["wave", *CELLS], sort=True).ngroup().to_numpy()
    cells = keys.drop_duplicates().sort_values(["wave", *CELLS]).reset_index(drop=True)
    problems = []
    by_measure: dict[tuple, list[dict]] = {}
    for g in groups:  # the same group shown in several tables (or gap rows) counts once
        same = by_measure.setdefault((g["wave"], g["measure"]), {})
        same.setdefault(frozenset((k, str(v)) for k, v in g["group"].items()), g)
    by_measure = {k: list(v.values()) for k, v in by_measure.items()}
    for (wave, measure), gs in by_measure.items():
        if any(0 < g["n"] < min_n for g in gs):
            problems.append(f"wave {wave} {measure}: a shown group has n < {min_n}")
        counts = _counts(responses, present.get(measure, present[None]), cells, atom)
        in_wave = (cells["wave"] == wave).to_numpy() & (counts > 0)
        idx = np.flatnonzero(in_wave)
        rows = np.array([[all(str(cells.at[i, c]) == str(v) for c, v in g["group"].items()) for i in idx]
                         for g in gs], dtype=float).reshape(len(gs), len(idx))
        c = counts[idx]
        # Plain differences a reader tries first: a shown group minus one or two shown groups inside it.
        for p, parent in enumerate(rows):
            kids = [k for k in range(len(rows)) if k != p and rows[k].sum() < parent.sum()
                    and np.all(rows[k] <= parent)]
            for combo in itertools.chain(([k] for k in kids), itertools.combinations(kids, 2)):
                union = rows[list(combo)].sum(axis=0)
                rest = (parent - union) @ c
                if union.max() <= 1 and 0 < rest < min_n:
                    problems.append(f"wave {wave} {measure}: {gs[p]['group']} minus "
                                    f"{[gs[k]['group'] for k in combo]} leaves {rest:g} respondents")
        # Any linear combination: every union of cells below min_n, projected on the shown groups' row space.
        if len(rows) == 0:
            continue
        project = np.linalg.pinv(rows) @ rows
        small = np.flatnonzero(c < min_n)
        for size in range(1, min_n):
            combos = np.array(list(itertools.combinations(small, size)), dtype=int).reshape(-1, size)
            combos = combos[c[combos].sum(axis=1) < min_n]
            if not len(combos):
                continue
            image = project[:, combos].sum(axis=2)
            image[combos, np.arange(len(combos))[:, None]] -= 1
            for k in np.flatnonzero(np.abs(image).max(axis=0) < 1e-8):
                problems.append(f"wave {wave} {measure}: cells {cells.iloc[idx[combos[k]]].values.tolist()} "
                                "are a combination of shown groups")
    return problems


def present_by_measure(survey) -> dict:
    """Per measure (condition, item, success factor; None for a plain count) whether each respondent has a value."""
    import analyse as an

    r = survey.responses
    out = {None: pd.Series(True, index=r.index)}
    for i in survey.codebook.item_codes:
        out[i] = r[i].notna()
    ids = pd.MultiIndex.from_frame(r[["respondent_id", "wave"]].astype(str))
    for frame, col in ((an.condition_scores(survey), "condition"), (an.factor_scores(survey), "success_factor")):
        for name, part in frame.groupby(col, observed=True):
            scored = pd.MultiIndex.from_frame(part.loc[part["score"].notna(), ["respondent_id", "wave"]].astype(str))
            out[str(name)] = pd.Series(ids.isin(scored), index=r.index)
    return out
