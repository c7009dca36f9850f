"""One word, one meaning: the statistics' names, lookups and strata, on a Survey and on any DataFrame."""

import inspect
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import analyse as an
from analyse.errors import AnalyseError

META = ["respondent_id", "wave", "leerlab", "partner", "sector", "level"]


@pytest.fixture(scope="module")
def survey():
    return an.sample.generate(respondents_per_group=3, waves=2, seed=11)


def _calls(by):
    """Every public statistic, called with ``by`` (and a compared factor that is not ``by``)."""
    other = "level" if by != "level" else "partner"
    return {
        "condition_means": lambda s: an.condition_means(s, by=by, min_n=2),
        "condition_means items": lambda s: an.condition_means(s, by=by, items=True, min_n=2),
        "reliability": lambda s: an.reliability(s, by=by, min_n=2, omega=False),
        "item_statistics": lambda s: an.item_statistics(s, by=by, min_n=2),
        "rwg": lambda s: an.rwg(s, by=by, min_n=2),
        "ad": lambda s: an.ad(s, by=by, min_n=2),
        "icc": lambda s: an.icc(s, between=other, by=by, min_n=2),
        "krippendorff": lambda s: an.krippendorff(s, by=by, min_n=2),
        "gap": lambda s: an.gap(s, between=other, by=by, min_n=2),
        "agreement": lambda s: an.agreement(s, by=by, between=other, min_n=2),
        "level_nodes": lambda s: an.level_nodes(s, by=by, min_n=2),
        "level_gaps": lambda s: an.level_gaps(s, by=by, min_n=2),
        "success_factors": lambda s: an.success_factors(s, by=by, min_n=2),
        **({} if by == "wave" else {"wave_change": lambda s: an.wave_change(s, by=by, min_n=2)}),
    }


@pytest.mark.parametrize("by", META)
def test_every_statistic_keeps_the_values_of_its_strata(survey, by):
    r = survey.responses
    present = {str(v) for v in r[by].dropna().unique()}
    for name, call in _calls(by).items():
        out = call(survey)
        assert by in out.columns, (name, by)
        got = {str(v) for v in out[by].dropna().unique()}
        assert got == present, (name, by, sorted(got ^ present)[:5])
        if by != "wave" and name != "wave_change":  # two waves: never pooled in silence
            assert "wave" in out.columns and set(out["wave"].astype(str)) == {"1", "2"}, name


def test_every_column_a_statistic_writes_is_reserved(survey):
    """A stratum may not take a result's name (it would be overwritten): every result column is in RESULT_COLUMNS."""
    from analyse.stats._input import RESULT_COLUMNS

    calls = {**_calls("leerlab"), "awg": lambda s: an.awg(s, by="leerlab", min_n=2),
             "mixed_gap": lambda s: an.mixed_gap(s, min_n=2)}
    for name, call in calls.items():
        written = set(call(survey).columns) - set(META)
        assert written <= RESULT_COLUMNS, (name, sorted(written - RESULT_COLUMNS))


def test_a_column_named_like_a_result_is_refused():
    df = pd.DataFrame({"mean": [1, 1, 2, 2], "q1": [1, 2, 3, 4], "q2": [2, 2, 3, 5]})
    with pytest.raises(AnalyseError, match="rename"):
        an.condition_means(df, by="mean", scales={"s": ["q1", "q2"]})


def test_krippendorff_metric_is_not_the_level_column(survey):
    k = an.krippendorff(survey, by="level", metric="interval", min_n=2)
    assert set(k["level"].astype(str)) == {"bestuurlijk", "management", "professioneel"}
    assert set(k["metric"]) == {"interval"}


# ---------------------------------------------------------------- lookups
@pytest.mark.parametrize("alias, column", [("niveau", "level"), ("Meting", "wave"), ("school", "partner"),
                                           ("LEERLAB", "leerlab"), ("onderwijstype", "sector")])
def test_aliases_and_capitalisation_name_the_same_column(survey, alias, column):
    pd.testing.assert_frame_equal(an.condition_means(survey, by=alias, pool_waves=True),
                                  an.condition_means(survey, by=column, pool_waves=True))


def test_an_unknown_column_lists_the_valid_ones(survey):
    with pytest.raises(AnalyseError, match=r"no column 'cohort'.*'leerlab'.*'level'") as e:
        an.condition_means(survey, by="cohort")
    assert "ambitie_1" not in str(e.value)  # items are no strata


def test_values_are_found_as_a_researcher_writes_them(survey):
    upper = an.gap(survey, between="sector", a="VMBO", b="MBO", by="leerlab")
    exact = an.gap(survey, between="sector", a="vmbo", b="mbo", by="leerlab")
    pd.testing.assert_frame_equal(upper, exact)
    assert len(upper) == 2 * 5 * 5 and set(upper["a"]) == {"vmbo"}
    with pytest.raises(AnalyseError, match=r"no value 'havo'.*'vmbo'.*'mbo'"):
        an.gap(survey, between="sector", a="havo", b="mbo")


def test_more_than_two_values_compare_every_pair_with_holm(survey):
    g = an.gap(survey, between="level", by="leerlab", pool_waves=True)
    pairs = g.groupby(["leerlab", "condition"], observed=True)[["a", "b"]].apply(
        lambda x: sorted(map(tuple, x.to_numpy())))
    assert (pairs.map(len) == 3).all()
    assert set(pairs.iloc[0]) == {("bestuurlijk", "management"), ("bestuurlijk", "professioneel"),
                                  ("management", "professioneel")}
    one = g[(g["leerlab"] == "Zorg") & (g["condition"] == "ambitie")]
    p = one["welch_p"].to_numpy()
    order = np.argsort(p)
    expected = np.maximum.accumulate(np.minimum(1, (3 - np.arange(3)) * p[order]))
    np.testing.assert_allclose(one["welch_p_holm"].to_numpy()[order], expected, atol=1e-12)


def test_agreement_of_three_levels_compares_every_pair(survey):
    ag = an.agreement(survey, by="leerlab", between="level", pool_waves=True, min_n=2)
    assert (ag.groupby(["leerlab", "condition"], observed=True).size() == 3).all()


def test_pairwise_comparisons_are_bounded():
    """Every pair of 13 teams would be 78 passes over the data: refused with what to do instead."""
    rng = np.random.default_rng(8)
    df = pd.DataFrame({"team": np.repeat([f"t{i:02d}" for i in range(13)], 6),
                       **{f"q{i}": rng.integers(1, 6, 78).astype(float) for i in range(1, 4)}})
    scales = {"cohesion": ["q1", "q2", "q3"]}
    refused = r"between='team' has 13 values.*78 comparisons.*a= and b="
    with pytest.raises(AnalyseError, match=refused):
        an.gap(df, between="team", scales=scales)
    with pytest.raises(AnalyseError, match=refused):
        an.agreement(df, between="team", scales=scales, n_options=5)
    picked = an.gap(df, "team", a="T03", b="t07", scales=scales)
    assert picked[["a", "b"]].values.tolist() == [["t03", "t07"]]
    twelve = an.gap(df[df["team"] != "t12"], "team", scales=scales)
    assert len(twelve) == 66
    with pytest.raises(AnalyseError, match="give both a= and b="):
        an.gap(df, "team", a="t01", scales=scales)


# ---------------------------------------------------------------- waves
def test_waves_are_kept_apart_unless_pooled_and_the_pooled_result_says_so(survey):
    per_wave = an.condition_means(survey, by="leerlab")
    assert list(per_wave.columns[:3]) == ["wave", "leerlab", "condition"]
    pooled = an.condition_means(survey, by="leerlab", pool_waves=True)
    assert "wave" not in pooled.columns
    returning = survey.responses.groupby("respondent_id", observed=True)["wave"].nunique()
    assert (returning > 1).sum() > 0
    assert pooled["note"].str.contains(f"waves pooled: {(returning > 1).sum()} respondent").all()
    assert not per_wave["note"].str.contains("pooled").any()
    one_wave = an.Survey(survey.responses[survey.responses["wave"] == "1"])
    assert "wave" not in an.condition_means(one_wave, by="leerlab").columns


# ---------------------------------------------------------------- any DataFrame
def test_a_plain_frame_with_scales_and_its_own_strata():
    rng = np.random.default_rng(4)
    df = pd.DataFrame({"cohort": np.repeat(["2024", "2025"], 30), "team": np.tile(np.repeat(list("abc"), 10), 2),
                       **{f"q{i}": rng.integers(1, 6, 60).astype(float) for i in range(1, 4)}})
    scales = {"cohesion": ["q1", "q2", "q3"], "q1 alone": ["q1"]}
    m = an.condition_means(df, by="cohort", scales=scales)
    assert list(m["cohort"]) == ["2024", "2024", "2025", "2025"]
    assert list(m["condition"].astype(str)) == ["cohesion", "q1 alone"] * 2
    x = df.loc[df["cohort"] == "2025", ["q1", "q2", "q3"]].mean(axis=1)
    assert m.loc[2, "mean"] == pytest.approx(x.mean(), abs=1e-12)
    assert m["share_agree"].isna().all()  # no codebook: no agree points to count
    with pytest.raises(AnalyseError, match="n_options"):
        an.rwg(df, by="team", scales=scales)
    r = an.rwg(df, by="team", scales=scales, n_options=5)
    q = df.loc[df["team"] == "a", "q1"]
    single = r[(r["team"] == "a") & (r["condition"] == "q1 alone")].iloc[0]
    assert single["rwg_j"] == pytest.approx(max(0.0, 1 - q.var() / 2), abs=1e-12)
    k = an.krippendorff(df, scales=scales, metric="nominal")  # values observed: the domain
    assert k["n"].tolist() == [60, 60]
    with pytest.raises(AnalyseError, match=r"column 'q1', row 0: 7 is not one of the answer options 1, 2, 3, 4, 5"):
        an.krippendorff(df.assign(q1=df["q1"].where(df.index != 0, 7.0)), scales=scales, n_options=5)
    with pytest.raises(AnalyseError, match=r"column 'q9'"):
        an.reliability(df, scales={"x": ["q1", "q9"]})
    with pytest.raises(AnalyseError, match=r"row 1: value 'vijf' is not a number"):
        an.reliability(df.assign(q2=df["q2"].astype(object).where(df.index != 1, "vijf")), scales=scales)


# ---------------------------------------------------------------- what a review found
def test_agreement_on_ad_is_strictly_below_the_cutoff():
    """The docstring said AD_M <= A/6 while the code read AD_M < A/6: at the cut-off there is no agreement on AD."""
    s = an.sample.generate(respondents_per_group=3, waves=1, seed=2)
    ag = an.agreement(s, by="leerlab", min_n=2)
    at = ag.iloc[[0]]
    again = an.agreement(s, by="leerlab", min_n=2, ad_max=float(at["ad_mean"].iloc[0]), rwg_min=-1)
    assert again.iloc[0]["verdict"] == "mixed"
    assert "AD_M < ``ad_max``" in an.agreement.__doc__


def test_condition_means_on_a_codebook_without_agree_points(tmp_path):
    """A codebook may name no agree/disagree points: shares are NaN, nothing crashes."""
    from importlib import resources

    text = resources.files("analyse").joinpath("data/common_eye.toml").read_text(encoding="utf-8")
    text = re.sub(r"^(agree|disagree) = .*$", "", text, flags=re.MULTILINE)
    own = tmp_path / "codebook.toml"
    own.write_text(text, encoding="utf-8")
    cb = an.load_codebook(own)
    s = an.Survey(an.sample.generate(respondents_per_group=2, waves=1).responses, codebook=cb)
    m = an.condition_means(s, by="leerlab")
    assert m["share_agree"].isna().all() and m["mean"].notna().all()


# ---------------------------------------------------------------- names and docstrings
def _vocabulary() -> set[str]:
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## API vocabulary", 1)[1].split("\n## ", 1)[0]
    names = set()
    for row in re.findall(r"^\| (`[^|]+`) \|", section, flags=re.MULTILINE):
        names |= set(re.findall(r"`(\w+)`", row))
    return names


def _public():
    import analyse.plot as ap

    found = {f"an.{n}": getattr(an, n) for n in an.stats.__all__ if inspect.isfunction(getattr(an, n))}
    found |= {f"an.plot.{n}": getattr(ap, n) for n in ap.__all__ if inspect.isfunction(getattr(ap, n))}
    return found


def _documented(fn) -> list[str]:
    doc = fn.__doc__ or ""
    if "Parameters\n    ----------\n" not in doc:
        return []
    block = doc.split("Parameters\n    ----------\n", 1)[1]
    block = re.split(r"\n    [A-Z]\w*\n    -{3,}", block, maxsplit=1)[0]
    names = []
    for line in block.splitlines():
        if re.match(r"^    [A-Za-z_*]", line) and not line.startswith("     "):
            head = line.strip().split(" : ")[0]
            if re.fullmatch(r"\w+(, \w+)*", head):
                names += head.split(", ")
    return names


BANNED = {"within", "groups", "rows", "ci", "level", "alpha"}


def test_no_public_name_means_something_else():
    for name, fn in _public().items():
        params = set(inspect_params(fn))
        assert not params & BANNED, (name, params & BANNED)


def test_every_shared_parameter_is_in_the_vocabulary():
    vocabulary = _vocabulary()
    assert {"by", "between", "confidence", "metric", "hue", "ax", "data", "min_n", "pool_waves"} <= vocabulary
    seen: dict[str, list[str]] = {}
    for name, fn in _public().items():
        for p in inspect_params(fn):
            seen.setdefault(p, []).append(name)
    shared = {p: users for p, users in seen.items() if len(users) > 1}
    assert not set(shared) - vocabulary, {p: shared[p] for p in set(shared) - vocabulary}


def test_every_docstring_documents_exactly_its_parameters():
    for name, fn in _public().items():
        documented = _documented(fn)
        if not documented:
            continue
        assert sorted(documented) == sorted(inspect_params(fn)), name


def test_every_public_function_has_a_runnable_example():
    import doctest

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    finder = doctest.DocTestFinder(recurse=False)
    for name, fn in {**_public(), "an.plot": an.plot}.items():
        assert "+SKIP" not in (fn.__doc__ or ""), name
        tests = finder.find(fn, name, globs={})
        assert tests and tests[0].examples, f"{name} has no example"
        for t in tests:
            runner.run(t)
        plt.close("all")
    assert runner.summarize(verbose=False).failed == 0


def inspect_params(fn) -> list[str]:
    return [p.name for p in inspect.signature(fn).parameters.values()
            if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)]
