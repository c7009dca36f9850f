"""The corpus of bad and awkward files: each loads, or is refused, as tests/corpus/expected.toml documents."""

import re
import tomllib
from pathlib import Path

import pytest

import analyse as an

CORPUS = Path(__file__).parent / "corpus"
EXPECTED = tomllib.loads((CORPUS / "expected.toml").read_text(encoding="utf-8"))


def test_every_corpus_file_is_documented():
    files = {p.name for p in CORPUS.iterdir() if p.suffix in (".csv", ".xlsx", ".sav")}
    assert files == set(EXPECTED)
    assert len(files) >= 25
    assert sum(p.stat().st_size for p in CORPUS.iterdir()) < 2 * 2**20


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file(name):
    spec = EXPECTED[name]
    path = CORPUS / name
    if "error" in spec:
        with pytest.raises(an.SurveyError) as info:
            an.load(path, **spec.get("load", {}))
        assert re.search(spec["error"], str(info.value)), str(info.value)
        assert name in str(info.value)
        return
    survey = an.load(path, **spec.get("load", {}))
    report = survey.report()
    assert len(survey.responses) == spec["kept"]
    assert len(survey.responses) + len(survey.excluded) == report.rows_read
    assert survey.excluded[["row", "column", "reason"]].values.tolist() == spec["excluded"]
    assert (survey.excluded["file"] == str(path)).all()
    assert survey.excluded["reason"].isin(list(an.survey.REASONS)).all()
    for pattern in spec.get("notes", []):
        assert any(re.search(pattern, n) for n in report.files[0].notes), (pattern, report.files[0].notes)
    if "layout" in spec:
        assert report.files[0].layout == spec["layout"]
    if "waves" in spec:
        assert survey.responses["wave"].astype(str).tolist() == spec["waves"]
    if "comments" in spec:
        assert sorted(survey.comments["text"]) == sorted(spec["comments"])


def test_corpus_readme_lists_every_file():
    readme = (CORPUS / "README.md").read_text(encoding="utf-8")
    assert all(f"`{name}`" in readme for name in EXPECTED)
