"""Agreement against chance, more index families, ICC intervals: against R, against exact enumeration, by hand.

Reference values come from ``tests/r/agreement_null.R`` (R 4.2, psych 2.2.9,
multilevel 2.7); the CSVs are committed so the tests need no R:

* ``r_agreement_groups.csv`` and ``r_agreement_families.csv``: rwg(j) against
  the skewed nulls, r*wg(j) and a_wg(j) on ``agreement_groups.csv`` (synthetic
  small groups, ``tests/r/make_agreement_groups.py``) and on ``fixture.csv``;
* ``r_icc_intervals.csv``: ICC(1), ICC(2), F and their intervals from
  ``psych::statsBy`` at 95% and 90%;
* ``r_agreement_null.csv``: ``multilevel::rwg.j.sim`` and ``ad.m.sim`` (A = 5,
  J = 4 and 5, n = 3..20, 10,000 replications, seeds 1..5). Re-running those
  takes about an hour of R loops, so the R re-run test covers the exact files
  only; the simulated critical values are compared with ours within
  Monte-Carlo error, and ours with the exact null distribution.
"""

import shutil
import subprocess
from functools import cache
from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.special import gammaln

import analyse as an
from analyse.stats import chance as ch
from analyse.stats._common import note

ROOT = Path(__file__).parents[1]
REF = Path(__file__).parent / "reference"
TOL = 1e-9
ITEMS = ["Q1", "Q2", "Q3", "Q4"]
UNIFORM = (0.2,) * 5
Z = 4.0  # Monte-Carlo tolerance in standard errors; the comparisons are deterministic (seeded)


@pytest.fixture(scope="module")
def groups():
    return pd.read_csv(REF / "agreement_groups.csv")


@pytest.fixture(scope="module")
def fixture_survey():
    return an.Survey(pd.read_csv(REF / "fixture.csv"))


def _close(ours, ref, tol=TOL):
    ours, ref = np.asarray(ours, dtype=float), np.asarray(ref, dtype=float)
    assert (np.isnan(ours) == np.isnan(ref)).all(), (ours, ref)
    np.testing.assert_allclose(ours[~np.isnan(ref)], ref[~np.isnan(ref)], atol=tol, rtol=0)


# ---------------------------------------------------------------------- exact null distribution
def _compositions(n: int, A: int) -> np.ndarray:
    """Every way n answers fall into A options (stars and bars)."""
    bars = np.array(list(combinations(range(n + A - 1), A - 1)))
    edges = np.hstack([np.full((len(bars), 1), -1), bars, np.full((len(bars), 1), n + A - 1)])
    return np.diff(edges, axis=1) - 1


def exact_null(n: int, J: int, shares) -> tuple[np.ndarray, np.ndarray]:
    """Exact distribution of n*sum of squares and of n*sum |x - mean|, summed over J independent items.

    Index i of each array is the probability that the integer statistic equals i.
    Enumerates the answer counts of one item with their multinomial probability,
    then convolves J times: no simulation, an independent route to the null.
    """
    p = np.asarray(shares, dtype=float)
    c = _compositions(n, len(p))
    with np.errstate(divide="ignore"):
        logp = np.where(c > 0, c * np.log(np.where(p > 0, p, 1.0)), 0.0).sum(axis=1)
    w = np.exp(gammaln(n + 1) - gammaln(c + 1).sum(axis=1) + logp)
    w[((c > 0) & (p == 0)).any(axis=1)] = 0.0
    v = np.arange(1, len(p) + 1)
    s1 = c @ v
    t, u = n * (c @ v ** 2) - s1 ** 2, (c * np.abs(n * v - s1[:, None])).sum(axis=1)
    T, U = np.array([1.0]), np.array([1.0])
    for _ in range(J):
        T, U = np.convolve(T, np.bincount(t, weights=w)), np.convolve(U, np.bincount(u, weights=w))
    return T, U


@cache
def exact_values(n, J, shares, s2e):
    """(rwg(j) value, probability) and (AD_M value, probability) of the exact null."""
    T, U = exact_null(n, J, shares)
    ratio = np.minimum(np.arange(len(T)) / (J * n * (n - 1)) / s2e, 1.0)
    rwg = J * (1 - ratio) / (J * (1 - ratio) + ratio)
    return (rwg, T), (np.arange(len(U)) / (J * n * n), U)


def at_least(dist, x):
    v, p = dist
    return p[v >= x - TOL].sum()


def at_most(dist, x):
    v, p = dist
    return p[v <= x + TOL].sum()


CELLS = [(n, J) for J in (4, 5) for n in range(3, 21)]


@pytest.fixture(scope="module")
def ours():
    """Our null samples for the R cells, with agreement()'s seed: one simulation, cached."""
    out = {}
    for J in (4, 5):
        sizes = np.arange(3, 21)
        rwg, ad = ch._null(sizes, J, 5, "uniform", 10_000, 2003)
        for i, n in enumerate(sizes):
            out[(int(n), J)] = (rwg[i], ad[i])
    return out


def _below(sample, c):
    """The largest sample value below c (NaN when none)."""
    lower = sample[sample < c - TOL]
    return lower.max() if len(lower) else np.nan


def _above(sample, c):
    upper = sample[sample > c + TOL]
    return upper.min() if len(upper) else np.nan


def test_critical_values_against_the_exact_null(ours):
    """Our rwg_j_q95 and ad_q05 are the exact critical values within Monte-Carlo error, for all 36 cells.

    Our critical value c is reached by at most 5% of our replications, the
    value just under it by more: so the exact tail at c is at most .05 and at
    the value under it at least .05, each within Z standard errors of a share
    of 10,000 replications.
    """
    se = np.sqrt(0.05 * 0.95 / 10_000)
    q = an.agreement_null(list(range(3, 21)), n_items=4, n_options=5, seed=2003)
    assert q["n"].tolist() == list(range(3, 21)) and (q["reps"] == 10_000).all()
    for n, J in CELLS:
        rwg, ad = ours[(n, J)]
        exact_rwg, exact_ad = exact_values(n, J, UNIFORM, 2.0)
        c = ch._upper_critical(rwg[None], 0.05)[0]
        assert (rwg >= c - TOL).mean() <= 0.05 < (rwg >= _below(rwg, c) - TOL).mean()
        assert at_least(exact_rwg, c) <= 0.05 + Z * se and at_least(exact_rwg, _below(rwg, c)) >= 0.05 - Z * se
        a = ch._lower_critical(ad[None], 0.05)[0]
        assert (ad <= a + TOL).mean() <= 0.05 < (ad <= _above(ad, a) + TOL).mean()
        assert at_most(exact_ad, a) <= 0.05 + Z * se and at_most(exact_ad, _above(ad, a)) >= 0.05 - Z * se
        if J == 4:
            row = q[q["n"] == n].iloc[0]
            assert row["rwg_j_q95"] == c and row["ad_q05"] == a


def test_the_issue_s_small_group_values():
    """Random answering, 5 options, 4 statements: 5% of groups of 3 reach rwg(j) .87, of 4 .79, of 5 about .74."""
    exact = {n: exact_values(n, 4, UNIFORM, 2.0)[0] for n in (3, 4, 5)}
    crit = {}
    for n, dist in exact.items():
        values = np.unique(dist[0][dist[1] > 0])
        crit[n] = min(x for x in values if at_least(dist, x) <= 0.05)
    assert round(crit[3], 2) == 0.87 and round(crit[4], 2) == 0.79 and round(crit[5], 2) == 0.74
    q = an.agreement_null([3, 4, 5], n_items=4, n_options=5, seed=2003)
    np.testing.assert_allclose(q["rwg_j_q95"], [crit[3], crit[4], crit[5]], atol=0.015)


@pytest.mark.skipif(not (REF / "r_agreement_null.csv").exists(), reason="R's simulation not yet written")
def test_critical_values_against_multilevel_simulation(ours):
    """multilevel::rwg.j.sim / ad.m.sim, five seeds: their critical points have the same tail shares in ours.

    For each R critical value and the simulated value next to it, R wrote the
    share of its 10,000 replications at or beyond it; ours must give the same
    share within Z standard errors of the difference of two such shares.
    The exact null must lie within Monte-Carlo error of R's shares too.
    """
    r = pd.read_csv(REF / "r_agreement_null.csv")
    assert len(r) == 5 * len(CELLS) and set(r["seed"]) == {1, 2, 3, 4, 5} and (r["reps"] == 10_000).all()
    for _, row in r.iterrows():
        n, J = int(row["n"]), int(row["n_items"])
        rwg, ad = ours[(n, J)]
        exact_rwg, exact_ad = exact_values(n, J, UNIFORM, 2.0)
        checks = [((rwg >= row["rwg_j_q95"] - TOL).mean(), row["rwg_p_at"], at_least(exact_rwg, row["rwg_j_q95"])),
                  ((rwg >= row["rwg_j_below"] - TOL).mean(), row["rwg_p_below"],
                   at_least(exact_rwg, row["rwg_j_below"])),
                  ((ad <= row["ad_q05"] + TOL).mean(), row["ad_p_at"], at_most(exact_ad, row["ad_q05"])),
                  ((ad <= row["ad_above"] + TOL).mean(), row["ad_p_above"], at_most(exact_ad, row["ad_above"]))]
        for mine, theirs, exact in checks:
            p = (mine + theirs) / 2
            assert abs(mine - theirs) <= Z * np.sqrt(p * (1 - p) * 2 / 10_000) + 1e-12, (n, J, row["seed"])
            assert abs(theirs - exact) <= Z * np.sqrt(exact * (1 - exact) / 10_000) + 1e-12, (n, J, row["seed"])
        # R's own rule: the value under its critical value is reached by more than 5%. At the critical value
        # itself the share may pass .05 a little: rwg.j and ad.m compute one value in several roundings, and
        # table() can keep them apart, so R may stop at one copy of a tied value (the shares here merge ties)
        assert row["rwg_p_below"] > 0.05 and row["ad_p_above"] > 0.05
        assert row["rwg_p_at"] <= 0.05 + Z * np.sqrt(0.05 * 0.95 / 10_000)
        assert row["ad_p_at"] <= 0.05 + Z * np.sqrt(0.05 * 0.95 / 10_000)
    # the five seeds scatter around ours: the median R critical value is ours or a neighbour in R's lattice
    med = r.groupby(["n_items", "n"])[["rwg_j_q95", "ad_q05"]].median()
    q = pd.concat([an.agreement_null(list(range(3, 21)), n_items=J, n_options=5, seed=2003) for J in (4, 5)])
    q = q.set_index(["n_items", "n"]).loc[med.index]
    assert (np.abs(q["rwg_j_q95"] - med["rwg_j_q95"]) < 0.03).all()
    assert (np.abs(q["ad_q05"] - med["ad_q05"]) < 0.03).all()


def test_p_chance_against_the_exact_null():
    """p = (1 + #reaching)/(R + 1) for observed values on the lattice, skewed null included."""
    rng = np.random.default_rng(5)
    for null, shares, s2e in (("uniform", UNIFORM, 2.0), ("slight", (0.05, 0.15, 0.2, 0.35, 0.25), 1.34)):
        for n, J in ((4, 4), (7, 5), (15, 4)):
            exact_rwg, exact_ad = exact_values(n, J, shares, s2e)
            live = exact_rwg[1] > 1e-5
            r_obs = rng.choice(exact_rwg[0][live], 6)
            a_obs = rng.choice(exact_ad[0][exact_ad[1] > 1e-5], 6)
            got = ch.chance(r_obs, a_obs, np.full(6, n), J, 5, null=null)
            for mine, exact in ((got["p_rwg"], [at_least(exact_rwg, x) for x in r_obs]),
                                (got["p_ad"], [at_most(exact_ad, x) for x in a_obs])):
                exact = np.clip(exact, 0, 1)  # a sum of probabilities can pass 1 in the last bit
                assert (np.abs(mine - exact) <= Z * np.sqrt(exact * (1 - exact) / 10_000) + 2e-4).all(), (n, J, null)


def test_a_size_s_null_does_not_depend_on_the_other_sizes_asked_for():
    one = an.agreement_null([5, 9], n_items=3, n_options=4, seed=7, reps=500)
    other = an.agreement_null([9, 20, 5], n_items=3, n_options=4, seed=7, reps=500)
    cols = ["rwg_j_q90", "rwg_j_q95", "rwg_j_q99", "ad_q10", "ad_q05", "ad_q01"]
    pd.testing.assert_frame_equal(one.set_index("n").loc[[5, 9], cols], other.set_index("n").loc[[5, 9], cols])
    assert one["note"].tolist() == ["", ""]
    tiny = an.agreement_null([1, 2], n_items=2, n_options=5, seed=1, reps=200)
    assert np.isnan(tiny.loc[0, "rwg_j_q95"]) and tiny.loc[0, "note"] == "n < 2" and tiny.loc[1, "rwg_j_q95"] > 0
    # no seed: fresh randomness, not cached
    a, b = (ch._null([6], 4, 5, "uniform", 300, None)[0] for _ in range(2))
    assert not np.array_equal(a, b)


@pytest.mark.parametrize("kwargs, message", [
    ({"n": [0, 3]}, "n must be a group size"), ({"n": 3.5}, "n must be a group size"),
    ({"null": "heavy"}, "null must be one of"), ({"null": "slight", "n_options": 7}, "5-point scales only"),
    ({"null": "moderate", "n_options": 4}, "tabled for 5 to 11"), ({"reps": 10}, "reps must be at least 100"),
])
def test_agreement_null_refuses_what_it_cannot_simulate(kwargs, message):
    args = {"n": 5, "n_items": 4, "n_options": 5, "reps": 200, **kwargs}
    with pytest.raises(an.AnalyseError, match=message):
        an.agreement_null(args.pop("n"), args.pop("n_items"), args.pop("n_options"), **args)


# ---------------------------------------------------------------------- index families against R
def test_skewed_rwg_lindell_and_awg_against_multilevel_on_small_groups(groups):
    ref = pd.read_csv(REF / "r_agreement_groups.csv").set_index("GRP")
    scale = {"q": ITEMS}
    for null, col in (("uniform", ""), ("slight", "_slight"), ("moderate", "_moderate")):
        r = an.rwg(groups, by="GRP", scales=scale, n_options=5, null=null, min_n=1).set_index("GRP").loc[ref.index]
        assert (r["n"] == ref["n"]).all() and (r["null"] == null).all()
        _close(r["rwg_j"], ref[f"rwg_j{col}"])
        _close(r["rwg_j_lindell"], ref[f"lindell{col}"])
    w = an.awg(groups, by="GRP", scales=scale, n_options=5, min_n=1).set_index("GRP").loc[ref.index]
    _close(w["awg"], ref["awg"])
    one = an.awg(groups, by="GRP", scales={"q1": ["Q1"]}, n_options=5, min_n=1).set_index("GRP")
    _close(one.loc[ref.index, "awg"], ref["awg_q1"])
    # the hand-written edges: Q1 at the top (1); three items undefined (mean too near an end)
    assert w.loc[91, "awg"] == 1 and w.loc[91, "k_used"] == 1
    assert w.loc[91, "note"] == "a_wg leaves out 3 of 4 items: their mean lies too near an end of the scale"
    assert w.loc[92, "k_used"] == 4 and w.loc[92, "awg"] == pytest.approx(0.0, abs=TOL)  # means on the bounds: -1, -1, 1, 1
    assert w.loc[95, "awg"] == pytest.approx(-1.0, abs=TOL)  # split between the ends
    assert np.isnan(w.loc[94, "awg"]) and w.loc[94, "note"] == note("one_respondent")  # one respondent
    assert np.isnan(w.loc[45, "awg"]) and w.loc[45, "k_used"] == 0  # two answers: defined only at mean 3


def test_index_families_against_multilevel_on_the_fixture(fixture_survey):
    ref = pd.read_csv(REF / "r_agreement_families.csv")
    on = ["leerlab", "condition"]

    def merged(frame):
        frame = frame.assign(leerlab=frame["leerlab"].astype(str), condition=frame["condition"].astype(str))
        m = ref.merge(frame, on=on, suffixes=("_r", ""))
        assert len(m) == len(ref) == 25
        return m

    for null, col in (("slight", "_slight"), ("moderate", "_moderate")):
        m = merged(an.rwg(fixture_survey, by="leerlab", null=null, pool_waves=True))
        _close(m["rwg_j"], m[f"rwg_j{col}"])
        _close(m["rwg_j_lindell"], m[f"lindell{col}"])
    m = merged(an.rwg(fixture_survey, by="leerlab", pool_waves=True))
    _close(m["rwg_j_lindell"], m["lindell"])
    m = merged(an.awg(fixture_survey, by="leerlab", pool_waves=True))
    assert (m["n"] == m["n_r"]).all()
    _close(m["awg"], m["awg_r"])


def test_lindell_by_hand():
    """Two respondents, items (1, 3) and (2, 2): item variances 2 and 0, mean 1; r*wg(j) = 1 - 1/2 and 1 - 1/1.34."""
    df = pd.DataFrame({"g": ["x", "x"], "a": [1, 3], "b": [2, 2]})
    r = an.rwg(df, by="g", scales={"s": ["a", "b"]}, n_options=5, min_n=2).iloc[0]
    assert r["rwg_j_lindell"] == pytest.approx(0.5, abs=1e-12)
    assert r["rwg_j"] == pytest.approx(2 * 0.5 / (2 * 0.5 + 0.5), abs=1e-12)
    s = an.rwg(df, by="g", scales={"s": ["a", "b"]}, n_options=5, min_n=2, null="slight").iloc[0]
    assert s["rwg_j_lindell"] == pytest.approx(1 - 1 / 1.34, abs=1e-12)


# ---------------------------------------------------------------------- ICC intervals
@pytest.mark.parametrize("confidence", [0.95, 0.90])
def test_icc_intervals_against_psych_statsby(groups, fixture_survey, confidence):
    ref = pd.read_csv(REF / "r_icc_intervals.csv")
    ref = ref[np.isclose(ref["confidence"], confidence)]
    cols = ["f", "icc1", "icc1_ci_low", "icc1_ci_high", "icc2", "icc2_ci_low", "icc2_ci_high"]
    g = an.icc(groups, between="GRP", by="SITE", scales={"Q": ITEMS}, min_n=1, confidence=confidence)
    mine = g.set_index("SITE").loc[ref.loc[ref["source"] == "groups", "stratum"]]
    theirs = ref[ref["source"] == "groups"]
    for c in cols:
        _close(mine[c], theirs[c], 1e-9 * np.maximum(1, np.abs(theirs[c].to_numpy())).max())
    f = an.icc(fixture_survey, between="partner", by="leerlab", pool_waves=True, confidence=confidence)
    f = f.assign(leerlab=f["leerlab"].astype(str), condition=f["condition"].astype(str))
    m = ref[ref["source"] == "fixture"].merge(f, left_on=["stratum", "condition"], right_on=["leerlab", "condition"],
                                             suffixes=("_r", ""))
    assert len(m) == 25
    for c in cols:
        _close(m[c], m[f"{c}_r"])
    # p of the F test: scipy's F distribution
    from scipy import stats as st
    _close(f["p"], st.f.sf(f["f"], f["n_groups"] - 1, f["n"] - f["n_groups"]))


def test_negative_icc_is_noted_and_agreement_does_not_show_it_as_a_reliability(groups):
    """Site E: two groups whose means differ less than chance gives (F = 0.017): ICC(2) = 1 - 1/F = -57.5."""
    ic = an.icc(groups, between="GRP", by="SITE", scales={"Q": ITEMS}, min_n=1).set_index("SITE")
    e = ic.loc["E"]
    assert e["icc2"] == pytest.approx(-57.5, abs=1e-9) and e["n_groups"] == 2
    assert e["note"] == ("2 groups only: the ICC rests on 1 between-group df, its interval is wide; "
                         "ICC below 0 (F < 1): the group means differ less than by chance, read as no group effect")
    assert ic.loc["A", "note"] == "" and ic.loc["A", "icc1"] > 0
    pair = groups[groups["SITE"] == "E"]
    ag = an.agreement(pair, between="GRP", scales={"Q": ITEMS}, n_options=5, min_n=1).iloc[0]
    assert np.isnan(ag["icc2"]) and np.isnan(ag["icc2_ci_low"]) and np.isnan(ag["icc2_ci_high"])
    assert ag["icc1"] == pytest.approx(e["icc1"], abs=1e-12) and ag["icc1"] < 0
    assert "ICC below 0 (F < 1)" in ag["note"] and "2 groups only" in ag["note"]
    # Dutch too, from the translation table
    from analyse.texts import translate_notes
    nl = translate_notes(pd.DataFrame({"note": [e["note"]]}), "nl", strict=True)["note"].iloc[0]
    assert nl.startswith("maar 2 groepen") and "lees als geen groepseffect" in nl


# ---------------------------------------------------------------------- the composite
AGREEMENT_COLUMNS = ["leerlab", "condition", "a", "b", "n_a", "n_b", "mean_a", "mean_b", "diff", "ci_low", "ci_high",
                     "hedges_g", "welch_t", "welch_df", "welch_p", "welch_p_holm", "mwu_u", "mwu_p", "mwu_p_holm", "n",
                     "rwg_j", "rwg_j_lindell", "rwg_j_q95", "rwg_j_cutoff", "ad_mean", "ad_median", "ad_q05",
                     "ad_cutoff", "p_chance", "awg", "icc1", "icc1_ci_low", "icc1_ci_high", "icc2", "icc2_ci_low",
                     "icc2_ci_high", "kripp_ordinal", "kripp_interval", "verdict", "note"]


def test_agreement_columns_on_the_sample():
    ag = an.agreement(an.sample.generate(respondents_per_group=2, waves=1, seed=4), by="leerlab", min_n=2)
    assert ag.columns.tolist() == AGREEMENT_COLUMNS
    assert ag["rwg_j_q95"].notna().all() and ag["p_chance"].between(0, 1).all()


def test_agreement_reads_chance_beside_the_rules_of_thumb():
    """300 teams of two pairs (n = 4) answering alike to loosely: the verdict follows the documented rule
    row by row, and chance level occurs where .70 and A/6 pass but random answering reaches as much."""
    rng = np.random.default_rng(12)
    team = np.repeat(np.arange(300), 4)
    level = rng.integers(2, 5, 300)[team]
    spread = rng.choice([0.3, 0.6, 0.9], 300)[team]
    answers = np.clip(np.rint(level[:, None] + spread[:, None] * rng.normal(size=(1200, 4))), 1, 5)
    df = pd.DataFrame(answers, columns=ITEMS).assign(team=team.astype(str), pair=np.tile(["p", "p", "q", "q"], 300))
    ag = an.agreement(df, by="team", between="pair", scales={"s": ITEMS}, n_options=5, min_n=2)
    rw = an.rwg(df, by="team", scales={"s": ITEMS}, n_options=5, min_n=2).set_index(["team", "condition"])
    key = pd.MultiIndex.from_frame(ag[["team", "condition"]])
    crit = ch.chance(ag["rwg_j"], ag["ad_mean"], ag["n"], rw.loc[key, "k"].to_numpy(), 5)
    _close(ag["rwg_j_q95"], crit["rwg_j_crit"], 0)
    _close(ag["p_chance"], np.fmax(crit["p_rwg"], crit["p_ad"]), 0)
    _close(ag["rwg_j_lindell"], rw.loc[key, "rwg_j_lindell"])
    assert (ag["rwg_j_cutoff"] == 0.70).all() and np.allclose(ag["ad_cutoff"], 5 / 6)
    ok_r, ok_a = ag["rwg_j"] >= 0.70, ag["ad_mean"] < 5 / 6
    beyond = (ag["rwg_j"] >= ag["rwg_j_q95"] - TOL) & (ag["ad_mean"] <= ag["ad_q05"] + TOL)
    expected = np.where(ag["rwg_j"].isna() | ag["ad_mean"].isna(), "insufficient data",
                        np.where(ok_r & ok_a, np.where(beyond, "agreement", "chance level"),
                                 np.where(~ok_r & ~ok_a, "no agreement", "mixed")))
    assert (ag["verdict"] == expected).all()
    counts = ag["verdict"].value_counts()
    assert counts["agreement"] >= 10 and counts["chance level"] >= 10, counts
    # p_chance <= .05 goes with reaching both critical values, up to the +1 of the Monte-Carlo p-value
    assert ((ag["p_chance"] <= 0.05) <= beyond).all()
    assert (ag["n"] == 4).all() and (ag["rwg_j_q95"] == ag["rwg_j_q95"].iloc[0]).all()


def test_agreement_chance_verdict_by_hand():
    """Four respondents, four items, rwg(j) = .749 and AD_M = .719: both rules of thumb pass, chance does not.

    Exactly, random answering reaches rwg(j) >= .786 in 5% of groups of four (test above): .75 is chance level.
    """
    rows = [[1, 3, 2, 2], [2, 3, 2, 4], [4, 4, 2, 3], [1, 2, 3, 1]]
    df = pd.DataFrame(rows, columns=ITEMS).assign(side=["p", "p", "q", "q"])
    ag = an.agreement(df, between="side", scales={"s": ITEMS}, n_options=5, min_n=2).iloc[0]
    exact_rwg, _ = exact_values(4, 4, UNIFORM, 2.0)
    assert ag["rwg_j"] == pytest.approx(0.7488584474885845, abs=1e-12) and ag["ad_mean"] == pytest.approx(0.71875)
    assert ag["rwg_j"] < ag["rwg_j_q95"] and at_least(exact_rwg, ag["rwg_j"]) > 0.05
    assert ag["verdict"] == "chance level"
    p_exact = at_least(exact_rwg, ag["rwg_j"])
    assert ag["p_chance"] >= p_exact - Z * np.sqrt(p_exact * (1 - p_exact) / 10_000)


@pytest.mark.skipif(shutil.which("Rscript") is None, reason="R is not installed (CI installs r-cran-psych, r-cran-multilevel)")
def test_committed_exact_reference_values_are_what_r_computes(tmp_path):
    """Re-run the exact part of tests/r/agreement_null.R (seconds) and compare with the committed CSVs."""
    run = subprocess.run(["Rscript", "tests/r/agreement_null.R", str(tmp_path), "exact"], check=False, cwd=ROOT,
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    for name in ("r_agreement_groups.csv", "r_agreement_families.csv", "r_icc_intervals.csv"):
        fresh, committed = pd.read_csv(tmp_path / name), pd.read_csv(REF / name)
        pd.testing.assert_frame_equal(fresh, committed, check_exact=False, rtol=1e-12, atol=1e-12)


def test_agreement_groups_csv_is_what_the_generator_writes(groups):
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_agreement_groups", ROOT / "tests" / "r" / "make_agreement_groups.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    pd.testing.assert_frame_equal(gen.make(), groups, check_dtype=False)
