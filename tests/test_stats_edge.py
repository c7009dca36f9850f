"""Hand-worked examples and awkward groups: small n, zero variance, all-missing items."""

import warnings

import numpy as np
import pandas as pd
import pytest

import analyse as an
from analyse.stats._common import MIN_GROUP_SIZE

CB = an.load_codebook()


def frame(answers: dict[str, list], leerlab="Sport", partners=("P1", "P2"), level="professioneel", wave="1"):
    """Canonical frame: the given item columns, every other item NaN."""
    n = len(next(iter(answers.values())))
    df = pd.DataFrame({
        "respondent_id": [f"r{i}" for i in range(n)], "wave": wave, "leerlab": leerlab,
        "partner": [partners[i % len(partners)] for i in range(n)], "sector": "vmbo", "level": level,
    })
    for item in CB.item_codes:
        df[item] = answers.get(item, [np.nan] * n)
    return df


def test_rwg_ad_hand_example():
    """Hand-computed from the formulas (no published worked example could be checked offline).

    Five raters on the four 'ambitie' items (5-point scale, A = 5):
    items 1 and 3 = 4,4,5,5,4 (mean 4.4, s^2 = (3*.16 + 2*.36)/4 = 0.30),
    items 2 and 4 = 3,4,4,5,4 (mean 4.0, s^2 = 2/4 = 0.50); mean s^2 = 0.40,
    sigma_EU^2 = (25-1)/12 = 2, ratio 0.2, rwg(4) = 4*.8/(4*.8+.2) = 16/17.
    AD_M = (2.4/5 + 2/5)/2 = 0.44; AD_Md (both medians 4) = (2/5 + 2/5)/2 = 0.40.
    """
    a, b = [4, 4, 5, 5, 4], [3, 4, 4, 5, 4]
    s = an.Survey(frame({"ambitie_1": a, "ambitie_2": b, "ambitie_3": a, "ambitie_4": b}))
    r = an.rwg(s, conditions=["ambitie"]).iloc[0]
    assert r["n"] == 5 and r["k"] == 4
    assert r["mean_var"] == pytest.approx(0.4, abs=1e-12)
    assert r["rwg_j"] == pytest.approx(16 / 17, abs=1e-12)
    assert an.ad(s, conditions=["ambitie"]).iloc[0]["ad"] == pytest.approx(0.44, abs=1e-12)
    assert an.ad(s, conditions=["ambitie"], center="median").iloc[0]["ad"] == pytest.approx(0.40, abs=1e-12)


def test_rwg_truncated_to_zero_and_one():
    # more spread than the uniform null (half 1s, half 5s): s^2 = 4.27 > 2 -> 0 (LeBreton & Senter 2008)
    x = [1, 5, 1, 5, 1, 5]
    s = an.Survey(frame({i: x for i in CB.items_of("relatie")}))
    assert an.rwg(s, conditions=["relatie"]).iloc[0]["rwg_j"] == 0.0
    # zero variance: perfect agreement
    s = an.Survey(frame({i: [4] * 6 for i in CB.items_of("relatie")}))
    r = an.rwg(s, conditions=["relatie"]).iloc[0]
    assert r["rwg_j"] == 1.0
    assert an.ad(s, conditions=["relatie"]).iloc[0]["ad"] == 0.0


def test_small_group_gets_nan_and_note():
    x = [4, 3, 5]
    s = an.Survey(frame({i: x for i in CB.items_of("proces")}))
    for out, col in [(an.condition_means(s), "mean"), (an.reliability(s), "alpha"), (an.rwg(s), "rwg_j"),
                     (an.ad(s), "ad"), (an.krippendorff(s), "alpha")]:
        row = out[out["condition"] == "proces"].iloc[0]
        assert row["n"] == 3 and np.isnan(row[col]) and row["note"] == f"n < {MIN_GROUP_SIZE}"
    # with min_n lowered, the same group is estimated
    assert an.condition_means(s, min_n=2).query("condition == 'proces'")["mean"].iloc[0] == pytest.approx(4.0)


def test_one_respondent_and_two_person_group():
    s = an.Survey(frame({i: [4] for i in CB.items_of("proces")}))
    m = an.condition_means(s, min_n=1).query("condition == 'proces'").iloc[0]
    assert m["mean"] == 4.0 and np.isnan(m["sd"]) and np.isnan(m["ci_low"])
    assert np.isnan(an.rwg(s, min_n=1).query("condition == 'proces'")["rwg_j"].iloc[0])
    two = an.Survey(frame({i: [4, 2] for i in CB.items_of("proces")}))
    m = an.condition_means(two, min_n=2).query("condition == 'proces'").iloc[0]
    assert m["sd"] == pytest.approx(np.sqrt(2)) and m["mean"] == 3.0
    # rwg: every item variance 2 = sigma_EU^2 -> 0; AD = 1
    assert an.rwg(two, min_n=2).query("condition == 'proces'")["rwg_j"].iloc[0] == 0.0
    assert an.ad(two, min_n=2).query("condition == 'proces'")["ad"].iloc[0] == 1.0
    g = an.gap(two, "partner", "P1", "P2", min_n=1).query("condition == 'proces'").iloc[0]
    assert g["diff"] == 2.0 and np.isnan(g["welch_t"])  # one per side: no variance, no t


def test_zero_variance_and_all_missing_item():
    s = an.Survey(frame({i: [3] * 6 for i in CB.items_of("ambitie")}))
    rel = an.reliability(s).query("condition == 'ambitie'").iloc[0]
    assert np.isnan(rel["alpha"]) and "zero variance" in rel["note"]
    k = an.krippendorff(s).query("condition == 'ambitie'").iloc[0]
    assert np.isnan(k["alpha"]) and k["note"] == "no variation"
    m = an.condition_means(s).query("condition == 'ambitie'").iloc[0]
    assert m["sd"] == 0 and m["ci_low"] == m["ci_high"] == 3 and m["note"] == "zero variance"
    # an item nobody answered: listwise leaves no complete case; pairwise says which item
    ans = {i: [1, 2, 3, 4, 5, 4] for i in CB.items_of("belangen")}
    ans["belangen_4"] = [np.nan] * 6
    s = an.Survey(frame(ans))
    lw = an.reliability(s, missing="listwise").query("condition == 'belangen'").iloc[0]
    assert lw["n"] == 0 and np.isnan(lw["alpha"])
    pw = an.reliability(s, missing="pairwise").query("condition == 'belangen'").iloc[0]
    assert np.isnan(pw["alpha"]) and pw["note"] == "item without answers"
    # scale scores still exist (3 of 4 items answered)
    assert an.condition_means(s).query("condition == 'belangen'")["n"].iloc[0] == 6


def test_no_warnings_on_awkward_data():
    ans = {i: [3, 3, np.nan, 3, 3, 3, 3] for i in CB.item_codes}
    s = an.Survey(frame(ans))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        an.condition_means(s, by=["partner"])
        an.reliability(s, by=["partner"])
        an.item_statistics(s, by=["partner"])
        an.rwg(s, by=["partner"]); an.ad(s, by=["partner"], center="median")
        an.icc(s, between="partner")
        an.krippendorff(s, by=["partner"], metric="interval")
        an.agreement(s)
        an.level_gaps(s)
        an.success_factors(s)


def test_icc_single_group_is_nan():
    s = an.Survey(frame({i: [1, 2, 3, 4, 5, 4] for i in CB.items_of("proces")}, partners=("P1",)))
    row = an.icc(s, between="partner").query("condition == 'proces'").iloc[0]
    assert row["n_groups"] == 1 and np.isnan(row["icc1"]) and row["note"] == "fewer than 2 groups"


def test_icc_hand_example():
    """Two partners, three scores each: P1 = 1,2,3 (mean 2), P2 = 3,4,5 (mean 4); grand mean 3.

    SSB = 3*1 + 3*1 = 6, MSB = 6/1 = 6; SSW = 2 + 2 = 4, MSW = 4/4 = 1; k = 3.
    ICC(1) = (6-1)/(6+2*1) = 5/8; ICC(2) = 5/6.
    """
    x = [1, 3, 2, 4, 3, 5]  # alternating partners P1, P2
    s = an.Survey(frame({i: x for i in CB.items_of("proces")}))
    row = an.icc(s, between="partner").query("condition == 'proces'").iloc[0]
    assert row["icc1"] == pytest.approx(5 / 8) and row["icc2"] == pytest.approx(5 / 6)


def test_verdict_and_level_flags():
    rng = np.random.default_rng(0)
    n = 60
    df = frame({i: list(rng.choice([4, 5], n)) for i in CB.item_codes}, leerlab="Zorg", partners=("A", "B"))
    df["level"] = np.repeat(CB.level_codes, n // 3)
    df.loc[df.level == "bestuurlijk", CB.items_of("ambitie")] = 1.0  # board detached on ambitie
    s = an.Survey(df)
    ag = an.agreement(s)
    assert ag.query("condition == 'relatie'")["verdict"].iloc[0] == "agreement"
    g = an.level_gaps(s)
    amb = g[(g.condition == "ambitie")]
    assert (amb.loc[(amb.kind == "vertical") & (amb.level_a == "bestuurlijk"), "flag"] == "board_line_broken").all()
    assert (g.loc[g.condition != "ambitie", "flag"] == "").all()


def test_verdict_reads_rwg_and_ad_against_published_cutoffs():
    """rwg(j) >= .70 (LeBreton & Senter 2008) and AD_M < A/6 (Burke & Dunlap 2002; multilevel's ad.m.Rd)."""
    from analyse.stats.agreement import ad_cutoff

    assert ad_cutoff(5) == pytest.approx(5 / 6) and ad_cutoff(4) == pytest.approx(4 / 6)
    out = an.agreement(an.sample.generate(), by="leerlab")
    ok_r, ok_a = out["rwg_j"] >= 0.70, out["ad_mean"] < 5 / 6
    expected = np.where(ok_r & ok_a, "agreement", np.where(~ok_r & ~ok_a, "no agreement", "mixed"))
    assert (out["verdict"] == expected).all()
    # the band between the stricter (A-1)/6 and A/6 is read as agreement on AD
    band = out[(out["ad_mean"] > 4 / 6) & (out["ad_mean"] < 5 / 6) & ok_r]
    assert len(band) > 0 and (band["verdict"] == "agreement").all()


def test_partner_a_is_the_vmbo_school():
    """Sides of het 8-tje and of the agreement table: vmbo (A) left, mbo (B) right, whatever the names."""
    s = an.sample.generate(respondents_per_group=2, waves=1, seed=3)
    vmbo = s.responses[s.responses["sector"] == "vmbo"].groupby("leerlab", observed=True)["partner"].first()
    out = an.agreement(s, by="leerlab", min_n=2)
    for leerlab, school in vmbo.astype(str).items():
        assert set(out.loc[out["leerlab"] == leerlab, "a"]) == {school}
    nodes = an.level_nodes(s, by="leerlab", min_n=2)
    assert set(nodes.loc[nodes["side"] == "A", "partner"].astype(str)) == set(vmbo.astype(str))


def test_icc2_with_equal_group_means_is_nan_whatever_the_row_order():
    """Equal partner means: MSB = 0 exactly, not rounding noise, so ICC(2) is NaN with a note (found by hypothesis)."""
    s = an.sample.generate(respondents_per_group=2, waves=1, seed=1)
    r = s.responses.copy()
    items = s.codebook.items_of("ambitie")
    r[items] = 3.0
    # both partners of every leerlab: scale scores 2.5, 3.5 and 3 by level, so equal means and some spread
    r.loc[r["level"] == "bestuurlijk", items] = [[2.0, 3.0, 2.0, 3.0]]
    r.loc[r["level"] == "management", items] = [[4.0, 3.0, 4.0, 3.0]]
    for frame in (r, r.iloc[::-1]):
        out = an.icc(an.Survey(frame), between="partner", by="leerlab", min_n=2)
        row = out[out["condition"] == "ambitie"]
        assert (row["msb"] == 0).all() and row["icc2"].isna().all()
        assert row["note"].str.contains("ICC(2) undefined", regex=False).all()


def test_kruskal_across_levels_leaves_out_a_respondent_without_level():
    from scipy.stats import kruskal

    from analyse.stats.levels import kruskal_levels

    s = an.sample.generate(respondents_per_group=6, waves=1, seed=5)
    r = s.responses.copy()
    r.loc[r.index[0], "level"] = np.nan
    scores = an.condition_scores(an.Survey(r, codebook=s.codebook))
    got = kruskal_levels(scores, ["leerlab", "partner", "condition"])
    first = scores.iloc[0]
    mine = scores[(scores["partner"] == first["partner"]) & (scores["condition"] == "ambitie")
                  & scores["level"].notna() & scores["score"].notna()]
    want = kruskal(*[g["score"] for _, g in mine.groupby("level", observed=True)])
    row = got[(got["partner"] == first["partner"]) & (got["condition"] == "ambitie")]
    assert row["kw_h"].item() == pytest.approx(want.statistic, rel=1e-12)
    assert row["kw_p"].item() == pytest.approx(want.pvalue, rel=1e-12)
