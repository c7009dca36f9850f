"""Disclosure control: nothing a report's tables show gives back a group below min_n, by any arithmetic."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from disclosure_attack import present_by_measure, recoverable

import analyse as an
from analyse.report import _TABLES, compute_tables


@pytest.fixture(scope="module")
def exposed():
    """Synthetic waves where differencing bites: a partner with one respondent, a node of two, a level of one."""
    s = an.sample.generate(respondents_per_group=6, waves=2, seed=7)
    r = s.responses
    sport = r["leerlab"] == "Sport"
    partner = r.loc[sport, "partner"].cat.remove_unused_categories().cat.categories[0]
    wave1 = r["wave"] == "1"
    lone = r.index[wave1 & (r["partner"] == partner)]
    pair = r.index[wave1 & (r["leerlab"] == "Groen") & (r["level"] == "bestuurlijk")]
    pair = pair[r.loc[pair, "partner"] == r.loc[pair[0], "partner"]]
    drop = lone[1:].union(pair[2:])
    r = r.drop(drop)
    r.loc[r.index[(r["wave"] == "2") & (r["leerlab"] == "Zorg")][:1], "level"] = np.nan
    return an.Survey(r.reset_index(drop=True), codebook=s.codebook)


@pytest.fixture(scope="module")
def safe(exposed):
    return an.protect(exposed, min_n=5)


def test_unprotected_tables_give_the_lone_respondent_back(exposed):
    # The attack must work where it should, or its silence below proves nothing. These are the
    # report's analyses without protection (compute_tables always protects).
    tables = {key: fn(exposed, 5) for key, *_, fn in _TABLES}
    found = recoverable(tables, exposed.responses, present_by_measure(exposed), 5)
    assert any("minus" in p for p in found)
    assert any("combination" in p for p in found)


def test_protected_tables_give_nothing_back(exposed, safe):
    tables = compute_tables(safe, min_n=5)
    assert recoverable(tables, exposed.responses, present_by_measure(exposed), 5) == []


def test_protection_hides_little_beyond_what_it_must(exposed, safe):
    leerlab = an.condition_means(safe, by=["wave", "leerlab"])
    assert leerlab["mean"].notna().all()  # every leerlab has >= 5 and is kept
    partner = an.condition_means(safe, by=["wave", "leerlab", "partner"])
    hidden = partner[partner["note"].str.contains("disclosure control")]
    assert set(hidden["leerlab"].astype(str)) == {"Sport"}  # the lone respondent's partner and its sibling
    assert set(hidden["wave"].astype(str)) == {"1"}
    assert len(hidden) and hidden[["n", "mean", "sd"]].isna().all().all()


def test_a_hidden_group_keeps_no_count_and_no_verdict(exposed, safe):
    agreement = an.agreement(safe, by=["wave", "leerlab"])
    sport = agreement[(agreement["wave"] == "1") & (agreement["leerlab"] == "Sport")
                      & agreement["note"].str.contains("disclosure control")]
    assert len(sport) and sport[["n_a", "n_b", "mean_a", "mean_b", "diff", "n"]].isna().all().all()
    assert (sport["verdict"] == "").all()


def test_pooled_waves_show_a_group_only_when_every_wave_shows_it(exposed, safe):
    pooled = an.condition_means(safe, by=["leerlab", "partner"], pool_waves=True)
    per_wave = an.condition_means(safe, by=["wave", "leerlab", "partner"])
    hidden_somewhere = set(per_wave.loc[per_wave["mean"].isna(), "partner"].astype(str))
    assert set(pooled.loc[pooled["mean"].isna(), "partner"].astype(str)) == hidden_somewhere


def test_an_undeclared_grouping_is_hidden_whole(exposed, safe):
    by_sector = an.condition_means(safe, by=["wave", "sector"])
    assert by_sector["mean"].isna().all()
    declared = an.protect(exposed, min_n=5, groupings=[(), ("sector",)])
    assert an.condition_means(declared, by=["wave", "sector"])["mean"].notna().all()


def test_change_between_waves_hides_a_small_unpaired_remainder():
    s = an.sample.generate(respondents_per_group=6, waves=2, seed=3)
    plan = an.protect(s, min_n=5).disclosure
    row = {"leerlab": "Sport", "condition": "ambitie", "wave_from": "1", "wave_to": "2", "design": "paired"}
    assert plan._row_hidden({**row, "n_from": 36, "n_to": 36, "n_paired": 33})  # 3 unpaired: subtractable
    assert not plan._row_hidden({**row, "n_from": 36, "n_to": 36, "n_paired": 20})
    assert not plan._row_hidden({**row, "n_from": 36, "n_to": 36, "n_paired": 36})


def test_same_input_same_plan(exposed, safe):
    assert an.protect(exposed, min_n=5).disclosure.hidden == safe.disclosure.hidden


def test_a_comparison_is_hidden_when_either_side_is(exposed, safe):
    gap = an.gap(safe, "sector", "vmbo", "mbo", by=["wave", "leerlab"])
    sport = gap[(gap["wave"] == "1") & (gap["leerlab"] == "Sport")]
    hidden = sport["note"].str.contains("disclosure control")
    assert hidden.sum() >= 4 and sport.loc[hidden, ["n_a", "n_b", "diff"]].isna().all().all()
    assert (sport.loc[~hidden, "n_a"] == 0).all()  # the lone respondent left one condition unanswered
    assert gap.loc[gap["leerlab"] != "Sport", "diff"].notna().all()


def test_krippendorff_measurement_level_is_not_a_group(exposed, safe):
    alpha = an.krippendorff(safe, by=["wave", "leerlab"])
    hidden = alpha["alpha"].isna() & alpha["note"].str.contains("disclosure control")
    assert not hidden.any()  # every leerlab is shown, whatever the column "level" says


def test_the_tables_of_a_report_give_nothing_back(exposed, tmp_path):
    # The workbook as a reader gets it, read back from disk: every sheet, every shown n and mean.
    from analyse.report import build_report

    export = tmp_path / "export.csv"
    exposed.to_csv(export)
    out = build_report([export], tmp_path / "rapport", notebooks=False, progress=False).out
    sheets = pd.read_excel(out / "tables.xlsx", sheet_name=None)
    truth = an.load(export)
    assert len(truth.responses) + len(truth.excluded) == len(exposed.responses)  # the row without level
    means = sheets["gemiddelden partner"]
    sport = means[(means["wave"].astype(str) == "1") & (means["leerlab"] == "Sport")]
    assert sport["note"].fillna("").str.contains("bescherming tegen herleidbaarheid").sum() >= 8
    assert recoverable(sheets, truth.responses, present_by_measure(truth), 5) == []
