"""Seeded synthetic responses for the statistics tests (not the planted sample).

``synthetic_responses`` draws Likert answers from a latent respondent x
condition score plus item noise, so items of a condition correlate (alpha
about .7-.9), partners and levels differ a little, and a share of answers is
missing. It is deliberately independent of :mod:`analyse.sample`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analyse.codebook import load_codebook

# Fictional school names: the answers are synthetic and must not read as results of real schools.
PARTNERS = {lab: (f"{lab} mbo-school (fictief)", f"{lab} vmbo-school (fictief)") for lab in
            ("Sport", "Groen", "Verkoop", "Zorg", "Horeca")}


def synthetic_responses(per_node: int = 6, waves: int = 2, missing: float = 0.05, seed: int = 0,
                        keep_share: float = 0.6) -> pd.DataFrame:
    """Canonical responses frame: 5 leerlabs x 2 partners x 3 levels x ``per_node`` x waves.

    ``keep_share`` of the respondents of wave 1 answer again in later waves
    under the same ``respondent_id``; the others are new.
    """
    rng = np.random.default_rng(seed)
    cb = load_codebook()
    conds = cb.condition_codes
    rows = []
    ids = {}
    for w in range(1, waves + 1):
        for lab, (pa, pb) in PARTNERS.items():
            for p_i, partner in enumerate((pa, pb)):
                for l_i, level in enumerate(cb.level_codes):
                    for r in range(per_node):
                        key = (lab, partner, level, r)
                        if w == 1 or rng.random() > keep_share:
                            ids[key] = f"{lab[:2]}{p_i}{l_i}-{r}-w{w}"
                        rows.append({"respondent_id": ids[key], "wave": f"meting {w}", "leerlab": lab,
                                     "partner": partner, "sector": "vmbo" if p_i else "mbo", "level": level})
    meta = pd.DataFrame(rows)
    n = len(meta)
    lab_eff = rng.normal(0, 0.3, size=(5, len(conds)))
    lab_idx = pd.Categorical(meta["leerlab"], categories=list(PARTNERS)).codes
    part_eff = np.where(meta["sector"].to_numpy() == "vmbo", 0.2, -0.2)[:, None] * rng.normal(1, 0.5, len(conds))
    wave_eff = (pd.Categorical(meta["wave"]).codes * 0.15)[:, None]
    latent = 3.4 + lab_eff[lab_idx] + part_eff + wave_eff + rng.normal(0, 0.6, size=(n, len(conds)))
    cols = {}
    for j, cond in enumerate(conds):
        for item in cb.items_of(cond):
            x = np.clip(np.rint(latent[:, j] + rng.normal(0, 0.7, n)), 1, 5)
            x[rng.random(n) < missing] = np.nan
            cols[item] = x
    return pd.concat([meta, pd.DataFrame(cols)], axis=1)



def omega_groups(n_groups: int = 400, size: int = 20, k: int = 4, seed: int = 23) -> pd.DataFrame:
    """Answers (1-5) of ``n_groups`` small groups to ``k`` items, for the omega fit against R.

    Item loadings are drawn per group between .3 and .9, so many groups fit a
    one-factor model slowly or end in a Heywood case: the cases where the
    principal-axes iteration needs hundreds of steps.
    """
    rng = np.random.default_rng(seed)
    g = np.repeat(np.arange(n_groups), size)
    loading = rng.uniform(0.3, 0.9, (n_groups, k))[g]
    latent = rng.normal(0, 1, (len(g), 1))
    x = np.clip(np.rint(3 + 1.2 * (loading * latent + np.sqrt(1 - loading ** 2) * rng.normal(0, 1, (len(g), k)))), 1, 5)
    return pd.DataFrame({"group": g, **{f"x{j + 1}": x[:, j].astype(int) for j in range(k)}})
