"""Undefined stays undefined: every public statistic on degenerate groups gives NaN with a note, or a defined value.

One survey (two waves, 12 respondents per leerlab and wave) holds a degenerate group per leerlab:

- Sport: constant, every answer 3;
- Groen: one respondent (the same one in both waves), analysed with ``min_n=1``;
- Verkoop: every answer to ``ambitie`` missing;
- Horeca: ``belangen`` items that vary but add up to a constant (items 2 and 4 mirror 1 and 3);
- Zorg: untouched.

Every statistic runs on it with ``by="leerlab"`` and ``min_n=1``: no value may be infinite or
rounding noise blown up (|x| > 1e6), every NaN needs a note in its row, and the degenerate rows
hold the values listed in ``EXPECTED``.
"""

import numpy as np
import pandas as pd
import pytest

import analyse as an
from analyse.stats._common import note

NAN = np.nan


@pytest.fixture(scope="module")
def survey():
    s = an.sample.generate(respondents_per_group=2, waves=2, seed=5)
    r = s.responses.copy()
    items = s.codebook.item_codes
    r.loc[r["leerlab"] == "Sport", items] = 3.0
    groen = r["leerlab"] == "Groen"
    r = r[~groen | (r["respondent_id"] == r.loc[groen, "respondent_id"].iloc[0])]
    r.loc[r["leerlab"] == "Verkoop", s.codebook.items_of("ambitie")] = np.nan
    b1, b2, b3, b4 = s.codebook.items_of("belangen")
    h = r["leerlab"] == "Horeca"
    x, y = r.loc[h, b1].fillna(2.0), r.loc[h, b3].fillna(4.0)
    r.loc[h, b1], r.loc[h, b2], r.loc[h, b3], r.loc[h, b4] = x, 6 - x, y, 6 - y
    out = an.Survey(r)
    assert out.responses.groupby("leerlab", observed=True).size().to_dict() == {
        "Sport": 24, "Groen": 2, "Verkoop": 24, "Zorg": 24, "Horeca": 24}
    return out


CALLS = {
    "condition_means": lambda s: an.condition_means(s, by="leerlab", min_n=1),
    "reliability": lambda s: an.reliability(s, by="leerlab", min_n=1),
    "reliability pairwise": lambda s: an.reliability(s, by="leerlab", min_n=1, missing="pairwise"),
    "item_statistics": lambda s: an.item_statistics(s, by="leerlab", min_n=1),
    "rwg": lambda s: an.rwg(s, by="leerlab", min_n=1),
    "ad": lambda s: an.ad(s, by="leerlab", min_n=1),
    "icc": lambda s: an.icc(s, between="partner", by="leerlab", min_n=1),
    "krippendorff": lambda s: an.krippendorff(s, by="leerlab", min_n=1),
    "gap": lambda s: an.gap(s, between="sector", by="leerlab", min_n=1),
    "agreement": lambda s: an.agreement(s, by="leerlab", min_n=1),
    "level_nodes": lambda s: an.level_nodes(s, by="leerlab", min_n=1),
    "level_gaps": lambda s: an.level_gaps(s, by="leerlab", min_n=1),
    "wave_change": lambda s: an.wave_change(s, by="leerlab", min_n=1),
    "success_factors": lambda s: an.success_factors(s, by="leerlab", min_n=1),
    "likert_counts": lambda s: an.likert_counts(s, by="leerlab", min_n=1),
    "mixed_gap": lambda s: an.mixed_gap(s, between="sector", min_n=1),
}

def _by_design(name: str, out: pd.DataFrame, numbers: pd.DataFrame) -> pd.DataFrame:
    """``numbers`` without the values that are NaN by design (documented), not undefined."""
    if name == "level_gaps":  # Kruskal-Wallis across the levels of a partner: vertical rows only
        return numbers.mask((out["kind"] == "horizontal").to_numpy()[:, None]
                            & numbers.columns.isin(["kw_h", "kw_p"])[None, :], 0.0)
    return numbers


@pytest.fixture(scope="module")
def results(survey):
    return {name: call(survey) for name, call in CALLS.items()}


@pytest.mark.parametrize("name", list(CALLS))
def test_no_noise_and_every_nan_has_a_note(results, name):
    out = results[name]
    numbers = _by_design(name, out, out.select_dtypes("number"))
    values = numbers.to_numpy(dtype=float)
    assert not np.isinf(values).any(), name
    assert not (np.abs(values[np.isfinite(values)]) > 1e6).any(), name
    unexplained = numbers.isna().any(axis=1).to_numpy() & (out["note"].fillna("") == "").to_numpy()
    assert not unexplained.any(), out.loc[unexplained].head(3).to_string()


# case -> (leerlab, condition or None for every condition)
CASES = {"constant": ("Sport", None), "one": ("Groen", None), "missing": ("Verkoop", "ambitie"),
         "mirror": ("Horeca", "belangen")}

#: (statistic, case, {column: value}, note that must be in every row or None). NaN: NaN, with a note.
EXPECTED = [
    ("reliability", "constant", {"alpha": NAN, "ci_low": NAN, "omega": NAN}, "zero_variance"),
    ("reliability", "one", {"alpha": NAN, "omega": NAN}, "one_respondent"),
    ("reliability", "missing", {"n": 0, "alpha": NAN}, None),
    ("reliability", "mirror", {"alpha": NAN, "ci_high": NAN, "omega": NAN}, "total_zero_variance"),
    ("reliability pairwise", "constant", {"alpha": NAN}, "zero_variance"),
    ("reliability pairwise", "mirror", {"alpha": NAN}, "total_zero_variance"),
    ("item_statistics", "constant", {"mean": 3, "sd": 0, "r_drop": NAN, "alpha_if_deleted": NAN}, "zero_variance"),
    ("item_statistics", "one", {"sd": NAN, "r_drop": NAN, "alpha_if_deleted": NAN}, "one_respondent"),
    ("item_statistics", "missing", {"n": 0, "mean": NAN}, None),
    ("condition_means", "constant", {"mean": 3, "sd": 0, "se": 0, "ci_low": 3, "ci_high": 3, "median": 3}, None),
    ("condition_means", "missing", {"n": 0, "mean": NAN}, None),
    ("rwg", "constant", {"mean_var": 0, "rwg_j": 1}, None),
    ("rwg", "missing", {"n": 0, "rwg_j": NAN}, None),
    ("ad", "constant", {"ad": 0}, None),
    ("icc", "constant", {"icc1": NAN, "icc2": NAN}, "zero_variance"),
    ("icc", "one", {"icc1": NAN}, "few_groups"),
    ("icc", "missing", {"n": 0, "icc1": NAN}, None),
    ("krippendorff", "constant", {"alpha": NAN}, "no_variation"),
    ("krippendorff", "one", {"alpha": NAN}, "no_pairable"),
    ("gap", "constant", {"diff": 0, "welch_t": NAN, "welch_p": NAN, "hedges_g": NAN}, "zero_variance_both"),
    ("gap", "missing", {"n_a": 0, "diff": NAN, "welch_p": NAN}, None),
    ("level_nodes", "constant", {"mean": 3, "sd": 0}, "zero_variance"),
    ("level_gaps", "constant", {"diff": 0, "welch_p": NAN, "hedges_g": NAN}, "zero_variance_both"),
    ("wave_change", "constant", {"diff": 0, "t": NAN, "p": NAN, "effect": NAN}, "zero_variance"),
    ("wave_change", "one", {"n_paired": 1, "t": NAN, "p": NAN, "ci_low": NAN}, "one_respondent"),
    ("success_factors", "constant", {"mean": 3, "sd": 0}, "zero_variance"),
    ("likert_counts", "constant", {"share_3": 1, "share_1": 0}, None),
]


@pytest.mark.parametrize("name, case, values, note_key", EXPECTED,
                         ids=[f"{e[0]}-{e[1]}" for e in EXPECTED])
def test_degenerate_groups_are_undefined_or_exact(results, name, case, values, note_key):
    out = results[name]
    leerlab, condition = CASES[case]
    rows = out[(out["leerlab"].astype(str) == leerlab)
               & ((out["condition"].astype(str) == condition) if condition else True)]
    assert len(rows)
    for col, want in values.items():
        got = rows[col].to_numpy(dtype=float)
        if np.isnan(want):
            assert np.isnan(got).all(), (col, got)
            assert (rows["note"].fillna("") != "").all(), col
        else:
            np.testing.assert_array_equal(got, want, err_msg=col)
    if note_key:
        assert rows["note"].str.contains(note(note_key), regex=False).all(), rows["note"].tolist()


def test_an_item_constant_at_a_value_without_exact_mean_is_constant():
    """3.2 twelve times does not average to 3.2 exactly: the rounding left over is not a variance."""
    frame = pd.DataFrame({"g": ["x"] * 12, "q1": [3.2] * 12, "q2": [4.4] * 12, "q3": [2.2] * 12})
    rel = an.reliability(frame, by="g", scales={"s": ["q1", "q2", "q3"]}, min_n=1).iloc[0]
    assert np.isnan(rel["alpha"]) and rel["note"] == note("zero_variance")
    items = an.item_statistics(frame, by="g", scales={"s": ["q1", "q2", "q3"]}, min_n=1)
    assert (items["sd"] == 0).all() and items["r_drop"].isna().all()


CONSTANT_32 = pd.DataFrame({"g": ["a"] * 12 + ["b"] * 12, "q": [3.2] * 12 + [4.4] * 12, "team": "x"})


def test_condition_means_of_a_constant_without_exact_mean():
    m = an.condition_means(CONSTANT_32, by="g", scales={"s": ["q"]}, min_n=1)
    assert (m["sd"] == 0).all() and (m["note"] == note("zero_variance")).all()


def test_gap_of_two_constant_sides_without_exact_means():
    g = an.gap(CONSTANT_32, between="g", by="team", scales={"s": ["q"]}, min_n=1).iloc[0]
    assert g["diff"] == pytest.approx(-1.2, abs=1e-12)
    assert np.isnan(g["welch_t"]) and np.isnan(g["hedges_g"]) and g["note"] == note("zero_variance_both")
