"""The codebook: content of the default, validation of custom ones."""

import re
from pathlib import Path

import numpy as np
import pytest
from conftest import export_frame

import analyse as an
from analyse.codebook import normalise
from analyse.errors import CodebookError

DEFAULT = Path(an.__file__).parent / "data" / "common_eye.toml"


def test_default_codebook_content(codebook):
    assert codebook.condition_codes == ["ambitie", "belangen", "relatie", "organisatie", "proces"]
    assert [len(codebook.items_of(c)) for c in codebook.condition_codes] == [4, 4, 4, 4, 5]
    assert codebook.label("item", "belangen_3") == "Wat we halen en brengen is voor elke partner voldoende in balans."
    assert codebook.label("condition", "relatie", "en") == "Relationship"
    assert codebook.n_options == 5 and codebook.midpoint == 3.0
    assert codebook.answer_labels["helemaal mee eens"] == 5.0
    assert np.isnan(codebook.answer_labels["weet ik niet"]) and np.isnan(codebook.answer_labels["n.v.t"])
    assert codebook.synonyms("level")["uitvoerend"] == "professioneel"
    assert codebook.synonyms("leerlab")["zorg en welzijn"] == "Zorg"


def test_every_item_speaks_to_exactly_one_success_factor(codebook):
    mapped = [i for items in codebook.success_factors["items"] for i in items]
    assert sorted(mapped) == sorted(codebook.item_codes)
    assert codebook.success_factors.groupby("condition").size().tolist() == [3] * 5
    assert codebook.pitfalls["number"].tolist() == [1, 2, 3, 4, 5]


def test_statements_match_domain_document(codebook):
    """The Dutch statements are verbatim those of shared/DOMAIN.md (itself from seed 003)."""
    domain = Path(__file__).parents[1].parent / "shared" / "DOMAIN.md"
    if not domain.exists():
        pytest.skip("shared/DOMAIN.md is not beside the repository")
    rows = dict(re.findall(r"^\| (\w+_\d) \| (.+?) \|$", domain.read_text(encoding="utf-8"), flags=re.M))
    assert rows == dict(zip(codebook.items["code"], codebook.items["nl"]))


@pytest.mark.parametrize("text, expected", [
    ("  Mee   EENS. ", "mee eens"),
    ("creëert", "creeert"),
    ("Zorg & Welzijn", "zorg en welzijn"),
    ("elkaar’s", "elkaar's"),
    ("Weet ik niet?", "weet ik niet"),
])
def test_normalise(text, expected):
    assert normalise(text) == expected


def _custom(tmp_path, edit):
    text = edit(DEFAULT.read_text(encoding="utf-8"))
    path = tmp_path / "mine.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("edit, message", [
    (lambda t: t.replace('condition = "proces"\nnl = "We evalueren onze', 'condition = "procesx"\nnl = "We evalueren onze'),
     "item 'proces_4' names condition 'procesx'"),
    (lambda t: t.replace('code = "ambitie_2"', 'code = "ambitie_1"'), "item codes must be unique; repeated: ambitie_1"),
    (lambda t: t.replace('"Mee eens" = 4', '"Mee eens" = 7'), "maps 'Mee eens' to 7, which is not a scale point"),
    (lambda t: t.replace('items = ["proces_3"]', 'items = ["proces_9"]'), "names unknown item(s) proces_9"),
    (lambda t: t.replace('items = ["proces_3"]', 'items = ["ambitie_3"]'), "lists item(s) ambitie_3 of another condition"),
    (lambda t: t.replace("points = [1, 2, 3, 4, 5]", "points = [5, 4, 3, 2, 1]"), "ascending distinct numbers"),
    (lambda t: t + "\n[[[broken", "not valid TOML"),
])
def test_invalid_codebooks_are_refused(tmp_path, edit, message):
    path = _custom(tmp_path, edit)
    with pytest.raises(CodebookError, match=re.escape(message)):
        an.load_codebook(path)
    assert str(path) in str(pytest.raises(CodebookError, an.load_codebook, path).value)


def test_missing_codebook_file(tmp_path):
    with pytest.raises(CodebookError, match="cannot read the codebook"):
        an.load_codebook(tmp_path / "nope.toml")


def test_four_point_scale_codebook(tmp_path):
    """A researcher's 4-point scale: no neutral; 4 is the top, 5 is out of range."""
    def four(t):
        t = t.replace("points = [1, 2, 3, 4, 5]", "points = [1, 2, 3, 4]")
        t = t.replace("agree = [4, 5]", "agree = [3, 4]")
        t = re.sub(r"\[scale\.labels\].*?\[scale\.point_labels\]",
                   '[scale.labels]\n"Oneens" = 1\n"Enigszins oneens" = 2\n"Enigszins eens" = 3\n"Eens" = 4\n'
                   "[scale.point_labels]", t, flags=re.S)
        t = t.replace('nl = ["Helemaal mee oneens", "Mee oneens", "Neutraal", "Mee eens", "Helemaal mee eens"]',
                      'nl = ["Oneens", "Enigszins oneens", "Enigszins eens", "Eens"]')
        t = t.replace('en = ["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"]',
                      'en = ["Disagree", "Somewhat disagree", "Somewhat agree", "Agree"]')
        return t
    cb = an.load_codebook(_custom(tmp_path, four))
    assert cb.n_options == 4 and cb.midpoint == 2.5
    frame = export_frame(cb)
    first = cb.label("item", "ambitie_1")
    frame[first] = ["Enigszins eens", "eens", "4", "5"]
    path = tmp_path / "vier.csv"
    frame.to_csv(path, sep=";", index=False)
    survey = an.load(path, codebook=tmp_path / "mine.toml")
    assert survey.responses["ambitie_1"].tolist() == [3.0, 4.0, 4.0]
    assert survey.excluded[["row", "reason"]].values.tolist() == [[5, "out_of_range"]]
