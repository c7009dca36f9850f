"""The translation table: complete in both languages, the only place of reader-facing text, notes translated."""

import re
import string
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import analyse as an
from analyse.report import compute_tables
from analyse.texts import text, texts, translate_notes

SRC = Path(an.__file__).parent
# Language choices that are not text: report.py, page.py, findings.py and present.py are written elsewhere.
NOT_CLEANED = {"texts.py", "report.py", "page.py", "findings.py", "present.py"}


def names(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


@pytest.mark.parametrize("key", list(texts()))
def test_every_text_has_dutch_and_english_with_the_same_names(key):
    pair = texts()[key]
    assert set(pair) == {"nl", "en"}
    assert pair["nl"].strip() and pair["en"].strip()
    assert names(pair["nl"]) == names(pair["en"])


def test_no_text_chosen_by_language_outside_the_table():
    # a quoted word on either side of a language test: `"woord" if lang == "nl" else "word"`
    chosen = re.compile(r"""["'][^"']*[A-Za-z]{2}[^"']*["']\s+if\s+(?:\w+\.)?(?:lang\s*==\s*["']nl["']|nl)\s+else"""
                        r"""|\bnl\s*=\s*(?:\w+\.)?lang\s*==""")
    found = [f"{path.relative_to(SRC)}:{i}" for path in SRC.rglob("*.py") if path.name not in NOT_CLEANED
             for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if chosen.search(line)]
    assert not found


def test_the_load_report_says_everything_from_the_table():
    # a Note holds both languages; Note.of takes them from texts.toml, Note(en, nl) would write them here
    found = [f"{path.relative_to(SRC)}:{i}" for path in SRC.rglob("*.py") if path.name != "load_report.py"
             for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "Note(" in line]
    assert not found


def test_the_statistics_write_no_note_of_their_own():
    # a note is `np.where(condition, "some words", "")`: its words must come from [note] of texts.toml
    literal = re.compile(r"""(,\s*f?["'][^"']*[A-Za-z]{2}[^"']*\s[^"']*["'])\s*,\s*["']["']\)""")
    found = [(path.name, m.group(1)) for path in [*SRC.joinpath("stats").glob("*.py"), SRC / "disclosure.py"]
             for m in literal.finditer(path.read_text(encoding="utf-8"))]
    assert not found


def test_figure_text_comes_from_the_table():
    from analyse.plot._theme import text as figure_text
    assert figure_text("mean_ci", "en") == text("figure.mean_ci", "en") == "Mean (95% CI)"
    assert figure_text("suppressed", min_n=5) == "n < 5 of af te leiden: niet getoond"


# ---------------------------------------------------------------- notes
def _notes(frames) -> set[str]:
    return {part for frame in frames if "note" in frame for note in frame["note"].dropna()
            for part in str(note).split("; ") if part}


def _battery(survey):
    """Every statistic, on groups large and small: the notes they can write."""
    yield from compute_tables(survey).values()
    yield from compute_tables(survey, min_n=1).values()
    yield an.condition_means(survey, by="leerlab", pool_waves=True)
    yield an.reliability(survey, by="leerlab", omega=True)
    yield an.item_statistics(survey, by="leerlab")
    yield an.icc(survey, between="leerlab")
    yield an.icc(survey, between="partner", by="leerlab")
    yield an.krippendorff(survey, by="leerlab")
    yield an.gap(survey, "sector", by=["leerlab", "partner"])
    yield an.agreement(survey, by="leerlab")
    yield an.open_answers(survey, by="leerlab")
    yield an.likert_counts(survey, by="leerlab")


@pytest.fixture(scope="module")
def notes():
    tiny = an.sample.generate(respondents_per_group=1, seed=3)
    flat = tiny.responses.copy()
    flat[tiny.codebook.item_codes] = 3.0
    surveys = [an.load("data/sample"), tiny, an.Survey(flat, codebook=tiny.codebook), an.protect(tiny)]
    return sorted(set().union(*(_notes(_battery(s)) for s in surveys)))


def test_the_notes_cover_the_kinds(notes):
    for expected in ("n < 5", "n_a < 5", "zero variance", "no variation", "no open answers",
                     "hidden: disclosure control (min_n 5)", "one value of sector only: nothing to compare"):
        assert expected in notes
    assert any(n.startswith("waves pooled: ") for n in notes)


def test_every_note_translates_into_dutch_and_back(notes):
    english = pd.DataFrame({"note": ["; ".join(notes), *notes]})
    dutch = translate_notes(english, "nl", strict=True)
    assert not set(dutch["note"]) & set(notes)
    pd.testing.assert_frame_equal(translate_notes(dutch, "en", strict=True), english)
    pd.testing.assert_frame_equal(translate_notes(dutch, "nl", strict=True), dutch)


@pytest.mark.parametrize("key", [k for k in texts() if k.startswith("note.")])
def test_every_note_template_is_read_back(key):
    values = {name: f"w{i}" for i, name in enumerate(sorted(names(texts()[key]["en"])))}
    english = pd.DataFrame({"note": [text(key, "en", **values)]})
    dutch = translate_notes(english, "nl", strict=True)
    assert dutch["note"].iloc[0] == text(key, "nl", **values)
    pd.testing.assert_frame_equal(translate_notes(dutch, "en", strict=True), english)


def test_a_dutch_note_literally():
    pooled = "waves pooled: 3 respondent(s) answered in more than one wave and count once per wave"
    frame = pd.DataFrame({"leerlab": ["Sport", "Zorg"], "note": [f"n < 5; {pooled}", ""]})
    dutch = translate_notes(frame, "nl")
    assert dutch["note"].tolist() == [("minder dan 5 respondenten; metingen samengenomen: 3 respondent(en) "
                                       "antwoordden in meer dan één meting en tellen per meting één keer"), ""]
    assert frame["note"].iloc[0].startswith("n < 5")  # a copy: the frame itself is left alone
    assert dutch["leerlab"].tolist() == ["Sport", "Zorg"]


def test_an_unknown_note_fails_when_strict_and_stays_otherwise():
    frame = pd.DataFrame({"note": ["n < 5; a note nobody translated", np.nan, None]})
    with pytest.raises(ValueError, match="'a note nobody translated'"):
        translate_notes(frame, "nl", strict=True)
    loose = translate_notes(frame, "nl")
    assert loose["note"].iloc[0] == "minder dan 5 respondenten; a note nobody translated"
    assert loose["note"].iloc[1:].isna().all()


def test_frames_without_notes_and_wrong_languages():
    frame = pd.DataFrame({"mean": [1.0]})
    assert translate_notes(frame, "nl").equals(frame)
    with pytest.raises(ValueError, match="lang must be"):
        translate_notes(frame, "de")


def test_load_report_and_column_map_texts_in_both_languages(tmp_path):
    from analyse.colmap import write_map
    from analyse.load_report import REASONS, Note
    survey = an.load("data/sample")
    assert survey.report().to_text("nl").splitlines()[-1] == text("load.total", "nl", read=305, kept=300, excluded=5)
    assert REASONS["empty_row"] == ("lege rij", "empty row")
    note = Note.of("load.note", note=Note("in English", "in het Nederlands"))
    assert (str(note), note.in_lang("nl")) == ("note: in English", "let op: in het Nederlands")
    write_map(tmp_path / "map.toml", survey.report().files, lang="en")
    assert (tmp_path / "map.toml").read_text(encoding="utf-8").startswith("# " + text("colmap.intro", "en"))
