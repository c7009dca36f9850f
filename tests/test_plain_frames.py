"""ICC, rwg(j), AD, alpha and omega of a plain tidy DataFrame against R.

The data, ``tests/reference/bh_style.csv``, is SYNTHETIC: shaped like
multilevel's bh1996 / lq2002 (group ``GRP`` nested in ``SITE``, a one-item
scale ``COHES`` with a few NaN, a four-item scale ``L1..L4``) but drawn by
``tests/r/make_bh_style.py`` (seed 1996). ``tests/r/reference_values.R``
writes the R values to ``tests/reference/r_bh_style.csv`` (tidy: statistic,
scale, GRP, SITE, value; R 4.2, psych 2.2.9, multilevel 2.7):

* ``multilevel::ICC1/ICC2`` of ``aov(COHES ~ as.factor(GRP))``, whole frame and per SITE
  (aov drops the NA rows), with n, n_groups, MSB and MSW from the ANOVA table;
* ``multilevel::rwg(COHES, GRP, ranvar = 2)`` and ``rwg.j(L1..L4, GRP, ranvar = 2)``;
* ``multilevel::ad.m(L1..L4, GRP, type = "mean" / "median")``;
* ``psych::alpha`` raw_alpha of L1..L4 per GRP and for the whole frame, and
  omega from ``psych::fa(fm = "pa", min.err = 1e-13)`` loadings as in
  ``tests/test_stats_r.py`` (with the largest communality and whether psych converged).

The tests call the statistics on the DataFrame with ``scales=`` and
``between=`` / ``by=``. ``test_r_values_agree_with_the_textbook_formulas``
recomputes the R values in numpy, so the reference file does not rest on R alone.
"""

import importlib.util
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import analyse as an

ROOT = Path(__file__).parents[1]
REF = ROOT / "tests" / "reference"
TOL = 1e-9
OMEGA_TOL = 1e-9  # as tests/test_stats_r.py: both sides iterate principal axes to a change below 1e-13
LEAD = ["L1", "L2", "L3", "L4"]
COHES = {"cohes": ["COHES"]}
SCALES = {"cohes": ["COHES"], "lead": LEAD}


@pytest.fixture(scope="module")
def frame():
    return pd.read_csv(REF / "bh_style.csv")


@pytest.fixture(scope="module")
def ref():
    return pd.read_csv(REF / "r_bh_style.csv")


def r_values(ref: pd.DataFrame, scale: str, level: str | None) -> pd.DataFrame:
    """The R values of one scale, one row per GRP, per SITE or (level None) for the whole frame.

    Columns: the key (GRP as int, SITE as str; none for the whole frame) and one
    column ``<statistic>_r`` per statistic.
    """
    r = ref[ref["scale"] == scale]
    if level == "GRP":
        r = r[r["GRP"].notna() & r["SITE"].isna()].assign(GRP=lambda d: d["GRP"].astype("int64"))
    elif level == "SITE":
        r = r[r["SITE"].notna() & r["GRP"].isna()]
    else:
        r = r[r["SITE"].isna() & r["GRP"].isna()]
    keys = [level] if level else []
    assert not r.duplicated(keys + ["statistic"]).any()
    if not keys:
        return pd.DataFrame({f"{s}_r": [v] for s, v in zip(r["statistic"], r["value"])})
    wide = r.pivot(index=level, columns="statistic", values="value").add_suffix("_r")
    wide.columns.name = None
    return wide.reset_index()


def merged(ours: pd.DataFrame, ref: pd.DataFrame, scale: str, level: str | None) -> pd.DataFrame:
    """Our rows of ``scale`` next to R's, asserting that every R row and every one of ours found its partner."""
    want = r_values(ref, scale, level)
    assert "condition" in ours.columns
    ours = ours[ours["condition"].astype(str) == scale]
    if level is None:
        assert len(ours) == 1, ours
        return pd.concat([want.reset_index(drop=True), ours.reset_index(drop=True)], axis=1)
    assert level in ours.columns
    key = ours[level].astype("int64") if level == "GRP" else ours[level].astype(str)
    m = want.merge(ours.assign(**{level: key}), on=level, how="inner", validate="one_to_one")
    assert len(m) == len(want) == len(ours), (len(m), len(want), len(ours))
    return m


def close(ours, theirs, tol=TOL):
    np.testing.assert_allclose(np.asarray(ours, float), np.asarray(theirs, float), atol=tol, rtol=0)


# ---------------------------------------------------------------------- the reference values themselves
def test_bh_style_csv_is_what_the_generator_writes(frame):
    spec = importlib.util.spec_from_file_location("make_bh_style", ROOT / "tests" / "r" / "make_bh_style.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    pd.testing.assert_frame_equal(gen.make(), frame, check_dtype=False)


def test_the_synthetic_frame_has_what_the_tests_need(frame, ref):
    sizes = frame.groupby("GRP").size()
    assert len(sizes) == 40 and sizes.min() >= 8 and sizes.max() <= 60
    assert (frame.groupby("GRP")["SITE"].nunique() == 1).all() and frame["SITE"].nunique() == 3
    assert frame["COHES"].isna().sum() > 0 and frame[LEAD].notna().all().all()
    assert frame[["COHES"] + LEAD].stack().isin([1, 2, 3, 4, 5]).all()
    icc = r_values(ref, "cohes", "SITE")
    assert (icc["icc1_r"] > 0.2).all()
    lead = r_values(ref, "lead", "GRP")
    assert (lead["rwg_j_r"] == 0).sum() >= 2 and (lead["rwg_j_r"] > 0.9).sum() >= 5  # agreement varies
    assert (lead["omega_max_h_r"] > 1).sum() >= 3  # Heywood cases
    assert (lead["omega_converged_r"].astype(bool) & (lead["omega_max_h_r"] <= 1)).sum() >= 30


def _anova(d: pd.DataFrame) -> dict:
    d = d.dropna(subset=["COHES"])
    g = d.groupby("GRP")["COHES"]
    n, J = len(d), g.ngroups
    ssb = (g.size() * (g.mean() - d["COHES"].mean()) ** 2).sum()
    ssw = ((d["COHES"] - g.transform("mean")) ** 2).sum()
    msb, msw = ssb / (J - 1), ssw / (n - J)
    k = n / J
    return {"n_r": n, "n_groups_r": J, "msb_r": msb, "msw_r": msw,
            "icc1_r": (msb - msw) / (msb + (k - 1) * msw), "icc2_r": (msb - msw) / msb}


def test_r_values_agree_with_the_textbook_formulas(frame, ref):
    # ICC(1), ICC(2) (Bliese 2000), k = N / J, whole frame and per site
    whole = r_values(ref, "cohes", None)
    for name, val in _anova(frame).items():
        close(val, whole[name])
    sites = r_values(ref, "cohes", "SITE").set_index("SITE")
    assert list(sites.index) == ["A", "B", "C"]
    for site, d in frame.groupby("SITE"):
        for name, val in _anova(d).items():
            close(val, sites.loc[site, name])

    # rwg of COHES: 1 - var / 2, var truncated at 2; NaN answers left out
    cohes = r_values(ref, "cohes", "GRP").set_index("GRP")
    g = frame.dropna(subset=["COHES"]).groupby("GRP")["COHES"]
    assert g.size().index.equals(cohes.index)
    close(g.size(), cohes["n_r"], 0)
    close(1 - np.minimum(g.var(ddof=1), 2) / 2, cohes["rwg_r"])

    # rwg(j), AD_M around mean and median, alpha of L1..L4 per group
    lead = r_values(ref, "lead", "GRP").set_index("GRP")
    gl = frame.groupby("GRP")[LEAD]
    assert gl.size().index.equals(lead.index) and len(lead) == 40
    close(gl.size(), lead["n_r"], 0)
    s2 = np.minimum(gl.var(ddof=1).mean(axis=1), 2) / 2
    close(4 * (1 - s2) / (4 * (1 - s2) + s2), lead["rwg_j_r"])
    for center in ("mean", "median"):
        dev = (frame[LEAD] - gl.transform(center)).abs().groupby(frame["GRP"]).mean()
        close(dev.mean(axis=1), lead[f"ad_{center}_r"])

    def alpha(x):
        return 4 / 3 * (1 - x.var(ddof=1).sum() / x.sum(axis=1).var(ddof=1))

    close(gl.apply(alpha), lead["alpha_r"])
    close(alpha(frame[LEAD]), r_values(ref, "lead", None)["alpha_r"])


@pytest.mark.skipif(shutil.which("Rscript") is None, reason="R is not installed (CI installs r-cran-psych, r-cran-multilevel)")
def test_committed_bh_style_values_are_what_r_computes(tmp_path):
    """Re-run tests/r/reference_values.R; r_bh_style.csv must not drift from what R computes."""
    run = subprocess.run(["Rscript", "tests/r/reference_values.R", str(tmp_path)], check=False, cwd=ROOT,
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    fresh, committed = pd.read_csv(tmp_path / "r_bh_style.csv"), pd.read_csv(REF / "r_bh_style.csv")
    pd.testing.assert_frame_equal(fresh, committed, check_exact=False, rtol=1e-12, atol=1e-12)


# ---------------------------------------------------------------------- the package on a plain frame
def test_icc_of_a_plain_frame(frame, ref):
    ours = an.icc(frame, scales=COHES, between="GRP")
    m = merged(ours, ref, "cohes", None)
    assert m.loc[0, "n"] == m.loc[0, "n_r"] and m.loc[0, "n_groups"] == m.loc[0, "n_groups_r"]
    close(m["k"], m["n_r"] / m["n_groups_r"])
    for col in ("msb", "msw", "icc1", "icc2"):
        close(m[col], m[f"{col}_r"])


def test_icc_of_a_plain_frame_per_site(frame, ref):
    m = merged(an.icc(frame, scales=COHES, between="GRP", by="SITE"), ref, "cohes", "SITE")
    assert (m["n"] == m["n_r"]).all() and (m["n_groups"] == m["n_groups_r"]).all()
    for col in ("msb", "msw", "icc1", "icc2"):
        close(m[col], m[f"{col}_r"])


def test_rwg_of_one_item_and_rwg_j_of_four_against_multilevel(frame, ref):
    ours = an.rwg(frame, scales=SCALES, by="GRP", n_options=5)
    assert len(ours) == 2 * frame["GRP"].nunique()  # one row per GRP x condition
    one = merged(ours, ref, "cohes", "GRP")  # multilevel::rwg, ranvar = 2
    assert (one["n"] == one["n_r"]).all() and (one["k"] == 1).all()
    close(one["rwg_j"], one["rwg_r"])
    four = merged(ours, ref, "lead", "GRP")  # multilevel::rwg.j, ranvar = 2
    assert (four["n"] == four["n_r"]).all() and (four["k"] == 4).all()
    close(four["rwg_j"], four["rwg_j_r"])


def test_rwg_of_one_item_alone(frame, ref):
    m = merged(an.rwg(frame, scales=COHES, by="GRP", n_options=5), ref, "cohes", "GRP")
    close(m["rwg_j"], m["rwg_r"])


@pytest.mark.parametrize("center", ["mean", "median"])
def test_ad_against_multilevel(frame, ref, center):
    kw = {} if center == "mean" else {"center": "median"}
    m = merged(an.ad(frame, scales={"lead": LEAD}, by="GRP", **kw), ref, "lead", "GRP")
    assert (m["n"] == m["n_r"]).all()
    close(m["ad"], m[f"ad_{center}_r"])


def test_alpha_omega_per_group_against_psych(frame, ref):
    m = merged(an.reliability(frame, scales={"lead": LEAD}, by="GRP"), ref, "lead", "GRP")
    assert (m["n"] == m["n_r"]).all()
    close(m["alpha"], m["alpha_r"])
    fine = m["omega_converged_r"].astype(bool) & (m["omega_max_h_r"] <= 1)
    close(m.loc[fine, "omega"], m.loc[fine, "omega_r"], OMEGA_TOL)
    heywood = m["omega_max_h_r"] > 1
    assert heywood.any() and m.loc[heywood, "omega"].isna().all()


def test_alpha_omega_of_the_whole_frame_against_psych(frame, ref):
    m = merged(an.reliability(frame, scales={"lead": LEAD}), ref, "lead", None)
    assert m.loc[0, "n"] == m.loc[0, "n_r"] == len(frame)
    assert m.loc[0, "omega_converged_r"] == 1 and m.loc[0, "omega_max_h_r"] <= 1
    close(m["alpha"], m["alpha_r"])
    close(m["omega"], m["omega_r"], OMEGA_TOL)
