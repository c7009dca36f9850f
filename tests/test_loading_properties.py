"""Property tests: random corruption never loses a row silently; exports load to their data."""

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import analyse as an

BAD_VALUES = ["0", "6", "-1", "3,5", "2.5", "ja", "??", "", "Weet ik niet", "12", "=1+1"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), n_bad=st.integers(0, 40), fmt=st.sampled_from(["csv", "xlsx"]))
def test_corruption_never_loses_a_row(tmp_path_factory, seed, n_bad, fmt):
    truth = an.sample.generate(respondents_per_group=1, waves=1, seed=seed)
    rng = np.random.default_rng(seed)
    frame = truth.canonical().astype(object)
    cols = ["leerlab", "level", "partner", *truth.codebook.item_codes]
    touched = set()
    for _ in range(n_bad):
        row = int(rng.integers(len(frame)))
        frame.iat[row, frame.columns.get_loc(cols[rng.integers(len(cols))])] = BAD_VALUES[rng.integers(len(BAD_VALUES))]
        touched.add(frame.iat[row, 0])
    path = tmp_path_factory.mktemp("p") / f"x.{fmt}"
    if fmt == "csv":
        frame.to_csv(path, index=False)
    else:
        frame.to_excel(path, index=False)
    try:
        survey = an.load(path)
    except an.SurveyError as exc:  # every row unusable: refused as a whole, naming the file
        assert str(path) in str(exc) and "no usable respondent" in str(exc)
        return
    assert len(survey.responses) + len(survey.excluded) == len(frame)
    assert survey.report().rows_read == len(frame)
    # every kept row is exactly its ground truth
    kept = truth.responses.set_index("respondent_id").loc[survey.responses["respondent_id"]].reset_index()
    clean = ~survey.responses["respondent_id"].isin(touched)
    assert clean.sum() >= len(frame) - len(touched) - 1  # untouched rows are all kept (bar an all-blank draw)
    items = truth.codebook.item_codes
    np.testing.assert_array_equal(survey.responses.loc[clean, items].to_numpy(),
                                  kept.loc[clean.to_numpy(), items].to_numpy())


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), per_group=st.integers(1, 3))
def test_msforms_and_dutch_csv_exports_load_to_their_data(tmp_path_factory, seed, per_group):
    truth = an.sample.generate(respondents_per_group=per_group, waves=2, seed=seed)
    folder = tmp_path_factory.mktemp("e")
    a = an.sample.write_msforms_xlsx(truth, folder / "meting1.xlsx", "1", problems=False, seed=seed)
    b = an.sample.write_dutch_csv(truth, folder / "meting2.csv", "2", problems=False, seed=seed)
    survey = an.load([a, b])
    pd.testing.assert_frame_equal(survey.responses, truth.responses)
    assert survey.excluded.empty
