"""Recognition of metadata from question texts and answers; column maps; metadata given for every row."""

import pandas as pd
import pytest
from conftest import export_frame

import analyse as an
from analyse.cells import Vocabulary
from analyse.cli import main as cli_main
from analyse.codebook import normalise
from analyse.recognise import question_words

CB = an.load_codebook()
WORDS = {role: [normalise(w) for w in listed] for role, listed in CB.raw["questions"].items()
         if role in ("respondent_id", "wave", "leerlab", "partner", "sector", "level")}


# ---------------------------------------------------------------- question texts
@pytest.mark.parametrize("question, roles", [
    ("In welk leerlab werk je?", {"leerlab"}),
    ("Leerlab / regio", {"leerlab"}),
    ("Naam van je school", {"partner"}),
    ("Schoolnaam", {"partner"}),
    ("Voor welke organisatie vul je dit in?", {"partner"}),
    ("Ben je werkzaam in het vmbo of het mbo?", {"sector"}),
    ("Schooltype", {"sector"}),            # the longer word wins over 'school' inside it
    ("Op welk type school werk je?", {"sector"}),
    ("Wat is je rol in de samenwerking?", {"level"}),
    ("Functieniveau", {"level"}),
    ("Meetmoment", {"wave"}),
    ("Datum van de bijeenkomst", {"wave"}),
    ("Which partnership are you part of?", {"leerlab"}),
    ("What is your role in the partnership?", {"level", "leerlab"}),
    ("Wat is je persoonlijke code?", {"respondent_id"}),
    ("Wat wil je nog kwijt?", set()),
])
def test_question_words(question, roles):
    assert set(question_words(normalise(question), WORDS)) == roles


# ---------------------------------------------------------------- decorated answers
@pytest.mark.parametrize("kind, answer, codes", [
    ("level", "Professioneel (docent, instructeur)", ("professioneel",)),
    ("level", "Bestuurlijk – CvB/directie", ("bestuurlijk",)),
    ("level", "Management (teamleider)", ("management",)),
    ("level", "Management (teamleider, ook docent)", ("management",)),  # the head decides
    ("level", "Bestuurlijk/management", ("bestuurlijk", "management")),  # two: never guessed
    ("level", "Stagiair", ()),
    ("leerlab", "Leerlab Groen (Ottoland)", ("Groen",)),
    ("leerlab", "Zorg en Welzijn – Midden-Limburg", ("Zorg",)),
    ("leerlab", "Sport & Bewegen", ("Sport",)),
    ("leerlab", "Groen en Horeca", ("Groen", "Horeca")),
    ("leerlab", "Groene Vallei", ()),       # whole words only
    ("sector", "Vmbo-school", ("vmbo",)),
    ("sector", "MBO", ("mbo",)),
    ("sector", "mbo-instelling", ("mbo",)),
])
def test_answer_options_as_forms_phrase_them(kind, answer, codes):
    assert Vocabulary(CB.synonyms(kind)).codes(answer) == codes


def test_long_answer_is_not_searched():
    v = Vocabulary(CB.synonyms("level"))
    assert v.codes("docent " * 1000) == ()


# ---------------------------------------------------------------- forms with question-style metadata
def question_form(codebook, n=6):
    """An export whose metadata are questions a school wrote itself, with decorated answer options."""
    frame = export_frame(codebook, n=n).drop(columns=["Respondentcode"])
    frame = frame.rename(columns={"Leerlab": "In welk leerlab werk je?", "School": "Naam van je school",
                                  "Niveau": "Wat is je rol in de samenwerking?"})
    frame["In welk leerlab werk je?"] = "Leerlab Groen (Ottoland)"
    frame["Wat is je rol in de samenwerking?"] = (["Professioneel (docent, instructeur)", "Management (teamleider)",
                                                   "Bestuurlijk – CvB/directie"] * n)[:n]
    frame.insert(0, "Wat is je persoonlijke code?", [f"AB{i:02d}" for i in range(n)])
    frame.insert(3, "Ben je werkzaam in het vmbo of het mbo?", ["Vmbo-school", "MBO"] * (n // 2))
    return frame


def test_question_form_loads_with_evidence(tmp_path, codebook):
    path = tmp_path / "vorm_meting1.csv"
    question_form(codebook).to_csv(path, index=False)
    s = an.load(path)
    r = s.responses
    assert r["leerlab"].astype(str).unique().tolist() == ["Groen"]
    assert r["level"].astype(str).tolist() == ["professioneel", "management", "bestuurlijk"] * 2
    assert r["sector"].astype(str).tolist() == ["vmbo", "mbo"] * 3
    assert r["respondent_id"].tolist() == [f"AB{i:02d}" for i in range(6)]
    how = {x.what: (x.header, x.how) for x in s.report().files[0].recognised if x.kind == "meta"}
    assert how == {"respondent_id": ("Wat is je persoonlijke code?", "question"),
                   "leerlab": ("In welk leerlab werk je?", "question+answers"),
                   "partner": ("Naam van je school", "question+answers"),
                   "sector": ("Ben je werkzaam in het vmbo of het mbo?", "question+answers"),
                   "level": ("Wat is je rol in de samenwerking?", "question+answers")}
    text = s.report().to_text("en")
    assert "'Professioneel (docent, instructeur)' → professioneel: 2 rows" in text
    assert "question text ('leerlab'); answers: 6 of 6 answers name a leerlab" in text


def test_metadata_recognised_from_answers_alone(tmp_path, codebook):
    frame = question_form(codebook).rename(columns={"In welk leerlab werk je?": "Vraag 1",
                                                    "Wat is je rol in de samenwerking?": "Vraag 2"})
    path = tmp_path / "x.csv"
    frame.to_csv(path, index=False)
    s = an.load(path)
    how = {x.what: (x.header, x.how) for x in s.report().files[0].recognised if x.kind == "meta"}
    assert how["leerlab"] == ("Vraag 1", "answers") and how["level"] == ("Vraag 2", "answers")


def test_two_candidates_are_never_a_guess(tmp_path, codebook):
    frame = question_form(codebook)
    frame["Regio"] = "Groen"  # a second column that names the leerlab by question and answers
    path = tmp_path / "x.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(an.SurveyError) as exc:
        an.load(path)
    message = str(exc.value)
    assert "cannot tell which column holds the leerlab" in message
    assert "'In welk leerlab werk je?' (answers 'Leerlab Groen (Ottoland)')" in message
    assert "--column 'In welk leerlab werk je?=leerlab' --column 'Regio=ignore'" in message
    assert '"In welk leerlab werk je?" = "leerlab"' in message
    # ... and the fix it names works
    s = an.load(path, columns={"In welk leerlab werk je?": "leerlab", "Regio": "ignore"})
    assert s.responses["leerlab"].astype(str).unique().tolist() == ["Groen"]


def test_answer_naming_two_levels_is_excluded(tmp_path, codebook):
    frame = question_form(codebook)
    frame.loc[2, "Wat is je rol in de samenwerking?"] = "Bestuurlijk/management"
    path = tmp_path / "x.csv"
    frame.to_csv(path, index=False)
    s = an.load(path, lang="en")
    assert s.excluded[["row", "column", "value", "reason"]].values.tolist() == [
        [4, "Wat is je rol in de samenwerking?", "Bestuurlijk/management", "ambiguous_level"]]
    assert "names more than one level (bestuurlijk and management)" in s.excluded["detail"].iloc[0]


def test_open_question_naming_a_role_word_is_not_taken(tmp_path, codebook):
    frame = question_form(codebook)
    frame["Wat zou je de organisatie willen meegeven?"] = [f"Een lang antwoord nummer {i} over van alles" * 3
                                                           for i in range(6)]
    path = tmp_path / "x.csv"
    frame.to_csv(path, index=False)
    s = an.load(path)
    assert s.responses["partner"].astype(str).unique().tolist() == ["School A", "School B"]
    assert "Wat zou je de organisatie willen meegeven?" in dict(s.report().files[0].extra)  # kept as an extra column


# ---------------------------------------------------------------- what the form does not ask
def test_metadata_for_every_row(tmp_path, codebook):
    frame = question_form(codebook).drop(columns=["In welk leerlab werk je?"])
    path = tmp_path / "x.csv"
    frame.to_csv(path, index=False)
    s = an.load(path, metadata={"leerlab": "Leerlab Ottoland", "wave": "najaar"})
    assert s.responses["leerlab"].astype(str).unique().tolist() == ["Groen"]
    assert s.responses["wave"].astype(str).unique().tolist() == ["najaar"]
    assert s.report().files[0].constants == {"leerlab": "Leerlab Ottoland", "wave": "najaar"}
    with pytest.raises(an.SurveyError, match=r"metadata leerlab='Techniek' is not a leerlab of the codebook; "
                                             r"give one of Sport, Groen"):
        an.load(path, metadata={"leerlab": "Techniek"})
    with pytest.raises(an.SurveyError, match="a value for every row can be given for wave, leerlab"):
        an.load(path, metadata={"respondent_id": "x"})
    s = an.load(path, metadata={"partner": "Vmbo De Akker"})
    assert s.responses["partner"].astype(str).unique().tolist() == ["Vmbo De Akker"]
    assert any("column 'Naam van je school' looks like the partner" in n and "is given for every row" in n
               for n in s.report().files[0].notes)
    frame.rename(columns={"Naam van je school": "School"}).to_csv(path, index=False)
    with pytest.raises(an.SurveyError, match="has a column for it, 'School'; drop one of the two"):
        an.load(path, metadata={"partner": "Vmbo De Akker"})


def test_single_team_form_loads(tmp_path, codebook):
    frame = export_frame(codebook).drop(columns=["Leerlab", "School", "Niveau"])
    path = tmp_path / "team.csv"
    frame.to_csv(path, index=False)
    s = an.load(path)
    assert len(s.responses) == 4
    assert s.responses[["leerlab", "partner", "level", "sector"]].isna().all().all()
    notes = s.report().to_text("en")
    assert "no column for leerlab; needed for comparing leerlabs" in notes
    assert "no column for level; needed for gaps between levels, het 8-tje" in notes


# ---------------------------------------------------------------- waves as dates
def test_wave_dates(tmp_path, codebook):
    frame = question_form(codebook)
    frame.insert(1, "Datum van de bijeenkomst", ["12-3-2024", "2024-03-12", "12 maart 2024", "03/04/2024",
                                                 "1-10-2024", "12-13-2024"])
    path = tmp_path / "x.csv"
    frame.to_csv(path, index=False)
    s = an.load(path)
    assert s.responses["wave"].astype(str).tolist() == ["2024-03-12"] * 3 + ["2024-10-01"]
    assert list(s.responses["wave"].cat.categories) == ["2024-03-12", "2024-10-01"]
    assert s.excluded[["row", "value", "reason"]].values.tolist() == [[5, "03/04/2024", "ambiguous_date"],
                                                                       [7, "12-13-2024", "impossible_date"]]


def test_excel_dates_are_waves(tmp_path, codebook):
    from datetime import datetime

    frame = question_form(codebook)
    frame.insert(1, "Meetmoment", [datetime(2025, 1, 9, 14, 30)] * 3 + [datetime(2025, 6, 2)] * 3)
    path = tmp_path / "x.xlsx"
    frame.to_excel(path, index=False)
    s = an.load(path)
    assert s.responses["wave"].astype(str).tolist() == ["2025-01-09"] * 3 + ["2025-06-02"] * 3


# ---------------------------------------------------------------- column maps
def test_write_map_then_map_round_trips(tmp_path, codebook, capsys):
    frame = question_form(codebook)
    frame["Regio"] = "Groen"
    first = tmp_path / "meting1.csv"
    frame.to_csv(first, index=False)
    kaart = tmp_path / "kolommen.toml"
    # Not recognisable by itself: --column settles it, --write-map keeps the decision for the next wave.
    assert cli_main(["check", str(first), "--column", "Regio=ignore", "--write-map", str(kaart)]) == 0
    text = kaart.read_text(encoding="utf-8")
    assert '"Regio" = "ignore"    # map: ' in text
    assert '"In welk leerlab werk je?" = "leerlab"    # question+answers: ' in text
    assert f'"{FIRST}" = "ambitie_1"' in text
    # The next wave: same form, other answers, columns in another order.
    nxt = question_form(codebook).sample(frac=1, axis=1, random_state=3)
    nxt["Regio"] = "Groen"
    second = tmp_path / "meting2.csv"
    nxt.to_csv(second, index=False)
    again = an.load(second, columns=kaart)
    plain = an.load(second, columns={"Regio": "ignore"})
    pd.testing.assert_frame_equal(again.responses, plain.responses)
    assert {r.how for r in again.report().files[0].recognised if r.header} == {"map"}


FIRST = "We hebben expliciet met elkaar uitgesproken wat onze gezamenlijke ambitie is."


def test_map_sections_per_file_pattern(tmp_path, codebook):
    frame = question_form(codebook).drop(columns=["In welk leerlab werk je?"])
    frame.to_csv(tmp_path / "export_Groen_meting1.csv", index=False)
    frame["Wat is je persoonlijke code?"] = [f"ZO{i}" for i in range(6)]
    frame.to_csv(tmp_path / "export_Zorg_meting1.csv", index=False)
    kaart = tmp_path / "kaart.toml"
    kaart.write_text('[metadata]\nwave = "1"\n\n["*Groen*".metadata]\nleerlab = "Groen"\n\n'
                     '["*zorg*"]\nmetadata = { leerlab = "Zorg & Welzijn" }\n', encoding="utf-8")
    s = an.load([tmp_path / "export_Groen_meting1.csv", tmp_path / "export_Zorg_meting1.csv"], columns=kaart)
    assert s.responses["leerlab"].astype(str).tolist() == ["Groen"] * 6 + ["Zorg"] * 6


@pytest.mark.parametrize("text, message", [
    ("[columns]\nLeerlab = 3\n", "columns must be a table of"),
    ("[columns]\n\"Leerlab\" = \"klas\"\n", "the column map says 'Leerlab' is 'klas', which is not"),
    ("dual_scale = \"1\"\n", "dual_scale must be a scale number"),
    ("[metadata]\nklas = \"3b\"\n", "names 'klas'; a value for every row can be given for"),
    ("leerlab = \"Groen\"\n", "unknown entry 'leerlab'"),
    ("[columns\n", "the column map is not valid TOML"),
])
def test_bad_map_is_a_clear_error(tmp_path, codebook, text, message):
    path = tmp_path / "x.csv"
    export_frame(codebook).to_csv(path, index=False)
    (tmp_path / "kaart.toml").write_text(text, encoding="utf-8")
    with pytest.raises(an.SurveyError, match=message):
        an.load(path, columns=tmp_path / "kaart.toml")


def test_cli_column_and_metadata(tmp_path, codebook, capsys):
    frame = question_form(codebook).drop(columns=["In welk leerlab werk je?"])
    frame = frame.rename(columns={"Naam van je school": "Vraag 7"})
    path = tmp_path / "x.csv"
    frame.to_csv(path, index=False)
    assert cli_main(["check", str(path), "--metadata", "leerlab=Groen", "--column", "Vraag 7=partner",
                     "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "'Vraag 7' -> partner (the column map)" in out
    assert "leerlab = 'Groen' (for every row of the file)" in out
    assert cli_main(["check", str(path), "--column", "Vraag 7"]) == 1
    assert "--column 'Vraag 7': write it as HEADER=MEANING" in capsys.readouterr().err


def test_write_map_never_overwrites_an_input(tmp_path, codebook, capsys):
    path = tmp_path / "x.csv"
    export_frame(codebook).to_csv(path, index=False)
    before = path.read_bytes()
    assert cli_main(["check", str(tmp_path), "--write-map", str(path)]) == 1
    assert "--write-map is the input" in capsys.readouterr().err
    assert path.read_bytes() == before


def test_huge_answer_is_looked_at_in_part(tmp_path, codebook):
    frame = question_form(codebook)
    frame["Wat wil je de organisatie nog meegeven?"] = ["x" * 2_000_000] + ["kort"] * 5
    path = tmp_path / "x.csv"
    frame.to_csv(path, index=False)
    s = an.load(path)  # the role tests read the first 500 characters of an answer
    assert "Wat wil je de organisatie nog meegeven?" in dict(s.report().files[0].extra)  # kept as an extra column
