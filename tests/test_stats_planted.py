"""The statistics find the effects planted in ``analyse.sample.generate()`` (defaults)."""

import numpy as np
import pytest

import analyse as an


@pytest.fixture(scope="module")
def survey():
    return an.sample.generate()


def test_groen_largest_partner_gap_on_belangen(survey):
    ag = an.agreement(survey, by="leerlab", pool_waves=True)
    bel = ag[ag["condition"] == "belangen"].set_index("leerlab")
    gaps = bel["diff"].abs()
    assert gaps.idxmax() == "Groen"
    assert gaps["Groen"] > 1.0 and bel.loc["Groen", "welch_p_holm"] < 0.001
    # per wave as well
    per_wave = an.agreement(survey, by=["wave", "leerlab"])
    for _, grp in per_wave[per_wave["condition"] == "belangen"].groupby("wave", observed=True):
        assert grp.loc[grp["diff"].abs().idxmax(), "leerlab"] == "Groen"


def test_zorg_board_line_broken(survey):
    g = an.level_gaps(survey, by="leerlab", pool_waves=True)
    flagged = g[g["flag"] == "board_line_broken"]
    zorg = flagged[flagged["leerlab"] == "Zorg"]
    assert set(zorg["condition"].astype(str)) >= {"ambitie", "organisatie"}
    # the board is below the other levels of its school there
    assert (zorg.loc[zorg["kind"] == "vertical", "diff"] < 0).all()
    # no other leerlab's board is detached vertically on ambitie/organisatie
    other = flagged[(flagged["leerlab"] != "Zorg") & (flagged["kind"] == "vertical")
                    & flagged["condition"].isin(["ambitie", "organisatie"])]
    assert other.empty


def test_verkoop_highest_agreement_on_relatie(survey):
    r = an.rwg(survey, by=["leerlab"], pool_waves=True)
    rel = r[r["condition"] == "relatie"].set_index("leerlab")
    assert rel["rwg_j"].idxmax() == "Verkoop"
    ad = an.ad(survey, by=["leerlab"], pool_waves=True)
    assert ad[ad["condition"] == "relatie"].set_index("leerlab")["ad"].idxmin() == "Verkoop"
    m = an.condition_means(survey, by=["leerlab"], pool_waves=True)
    assert m[m["condition"] == "relatie"].set_index("leerlab")["mean"].idxmax() == "Verkoop"


def test_horeca_proces_improves(survey):
    w = an.wave_change(survey, by=["leerlab"])
    row = w[(w["leerlab"] == "Horeca") & (w["condition"] == "proces")].iloc[0]
    assert row["diff"] > 0.5 and row["p"] < 0.001 and row["np_p"] < 0.01
    assert row["ci_low"] > 0


def test_sport_relatie_improves(survey):
    w = an.wave_change(survey, by=["leerlab"])
    row = w[(w["leerlab"] == "Sport") & (w["condition"] == "relatie")].iloc[0]
    assert row["diff"] > 0 and row["p"] < 0.01
    # of all leerlab x condition changes only the planted ones are significant after Holm
    from analyse.stats._common import holm
    sig = w[holm(w["p"]) < 0.05]
    assert set(zip(sig["leerlab"].astype(str), sig["condition"].astype(str))) == {("Horeca", "proces"), ("Sport", "relatie")}


def test_weakest_condition_horeca_wave1_is_proces(survey):
    sf = an.success_factors(survey, by=["wave", "leerlab"])
    weak = sf[(sf["leerlab"] == "Horeca") & (sf["wave"] == sf["wave"].cat.categories[0]) & sf["weakest"]]
    assert set(weak["condition"].astype(str)) == {"proces"}
    assert (weak["pitfall_number"] == 5).all()
    assert np.isfinite(weak["mean"]).all()
