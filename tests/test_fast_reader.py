"""The fast .xlsx reader (python-calamine) and openpyxl give the same Survey.

``an.load(..., engine="openpyxl")`` forces the fallback; ``engine="calamine"``
the fast reader (workbooks with formulas or merged cells are read by openpyxl
either way, as calamine cannot tell a formula without a saved value).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import analyse as an
from analyse.errors import SurveyError

pytest.importorskip("python_calamine")

HERE = Path(__file__).parent
SAMPLE = HERE.parent / "data" / "sample" / "synthetisch_meting1_msforms.xlsx"
CORPUS = sorted((HERE / "corpus").glob("*.xlsx"))


def _load(path, engine, **kw):
    try:
        return an.load(path, engine=engine, **kw)
    except SurveyError as exc:
        return str(exc)


def assert_same(path, **kw):
    fast, slow = _load(path, "calamine", **kw), _load(path, "openpyxl", **kw)
    if isinstance(slow, str) or isinstance(fast, str):
        assert fast == slow  # the same refusal, word for word
        return
    pd.testing.assert_frame_equal(fast.responses, slow.responses)
    pd.testing.assert_frame_equal(fast.excluded, slow.excluded)
    pd.testing.assert_frame_equal(fast.comments, slow.comments)


def test_sample_workbook():
    assert_same(SAMPLE)


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_corpus_workbooks(path):
    assert_same(path)


def test_generated_workbook_with_problems(tmp_path):
    survey = an.sample.generate(respondents_per_group=7, waves=1, seed=3)
    path = an.sample.write_msforms_xlsx(survey, tmp_path / "m.xlsx", "1", problems=True, seed=3)
    assert_same(path)
    assert len(an.load(path, engine="calamine").excluded) == 2


def test_unknown_engine_is_refused():
    with pytest.raises(SurveyError, match="engine="):
        an.load(SAMPLE, engine="xlrd")
