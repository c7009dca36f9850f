"""The codebook: content of the default, validation of custom ones."""

import json
import re
import tomllib
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
    rows = dict(re.findall(r"^\| (\w+_\d) \| (.+?) \|$", domain.read_text(encoding="utf-8"), flags=re.MULTILINE))
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
                   "[scale.point_labels]", t, flags=re.DOTALL)
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


# ---------------------------------------------------------------- platform knowledge extends every codebook
# The [columns] table as common_eye.toml held it before it moved to platforms.toml: the built-in
# lists start with exactly these (later additions come after them).
OLD_COLUMNS = {
    "respondent_id": ["respondent_id", "respondentcode", "respondent code", "deelnemerscode", "deelnemer code",
                      "persoonlijke code", "code", "respondentnummer", "participant code", "participant id"],
    "id_generic": ["id", "response id", "responseid", "respondent id", "id van reactie", "antwoord id", "_recordid"],
    "wave": ["wave", "meting", "meetmoment", "ronde", "peiling", "golf"],
    "leerlab": ["leerlab", "lab", "leerlab / regio", "partnership"],
    "partner": ["partner", "school", "schoolnaam", "naam school", "instelling", "organisatie school", "partner school"],
    "sector": ["sector", "onderwijstype", "type onderwijs", "schooltype", "schoolsoort", "school type"],
    "level": ["level", "niveau", "niveau in de samenwerking", "rol", "role"],
    "personal": ["naam", "name", "voornaam", "achternaam", "volledige naam", "first name", "last name", "full name",
                 "e-mail", "email", "e-mailadres", "emailadres", "email address", "e-mail address",
                 "ip", "ip address", "ipaddress", "ip-adres", "ip adres",
                 "recipientemail", "recipientfirstname", "recipientlastname", "telefoon", "telefoonnummer", "phone",
                 "recipient email", "recipient first name", "recipient last name",
                 "locationlatitude", "locationlongitude", "location latitude", "location longitude",
                 "ipaddr", "refurl", "referrer url", "token", "email address", "custom data 1", "custom data"],
    "status": ["status", "response type"],
    "finished": ["finished", "voltooid"],
    "progress": ["progress", "voortgang"],
    "submitted": ["submitdate", "date submitted", "datum verstuurd"],
    "preview_status": ["Survey Preview", "Survey Test", "Spam", "Preview Spam", "Test", "1", "2", "8"],
    "not_finished": ["0", "False", "Onwaar", "Nee", "No"],
    "subheader": ["Response", "Open-Ended Response", "Antwoord", "Open antwoord", "Reactie"],
}
BUILTIN_COLUMNS = tomllib.loads(
    DEFAULT.with_name("platforms.toml").read_text(encoding="utf-8"))["columns"]
OLD_NO_ANSWER = ["Weet ik niet", "Weet niet", "n.v.t.", "nvt", "Niet van toepassing", "Don't know",
                 "Not applicable", "N/A", "-"]


def _with_columns(text, columns):
    """Append a [columns] table to a codebook's text (after the last [[phases]] entry)."""
    lines = "".join(f"{key} = {json.dumps(names)}\n" for key, names in columns.items())
    return f"{text}\n\n[columns]\n{lines}"


def test_builtin_codebook_unchanged(codebook):
    assert "columns" not in tomllib.loads(DEFAULT.read_text(encoding="utf-8"))
    assert codebook.raw["columns"] == BUILTIN_COLUMNS
    assert all(BUILTIN_COLUMNS[key][:len(names)] == names for key, names in OLD_COLUMNS.items())
    assert codebook.raw["scale"]["no_answer"]["labels"] == OLD_NO_ANSWER
    assert codebook.column_names["personal"][:3] == ["naam", "name", "voornaam"]


def test_user_codebook_without_columns_keeps_platform_knowledge(tmp_path):
    cb = an.load_codebook(_custom(tmp_path, lambda t: t))
    assert "columns" not in tomllib.loads((tmp_path / "mine.toml").read_text(encoding="utf-8"))
    assert cb.column_names["personal"] == [normalise(n) for n in BUILTIN_COLUMNS["personal"]]
    assert "e-mail" in cb.column_names["personal"]
    assert cb.raw["columns"]["preview_status"] == OLD_COLUMNS["preview_status"]
    assert cb.raw["columns"] == BUILTIN_COLUMNS


def test_user_columns_extend_the_builtin_ones(tmp_path):
    extra = {"personal": ["Afdelingscode", "E-MAIL", "afdelingscode"], "preview_status": ["Proef"],
             "afdeling": ["Afdeling", "Sectie"]}
    cb = an.load_codebook(_custom(tmp_path, lambda t: _with_columns(t, extra)))
    assert cb.raw["columns"]["personal"] == BUILTIN_COLUMNS["personal"] + ["Afdelingscode"]
    assert cb.raw["columns"]["preview_status"] == OLD_COLUMNS["preview_status"] + ["Proef"]
    assert cb.raw["columns"]["afdeling"] == ["Afdeling", "Sectie"]      # a key of the user's own is kept
    assert cb.raw["columns"]["wave"] == BUILTIN_COLUMNS["wave"]
    assert cb.column_names["personal"][-1] == "afdelingscode" and "ip address" in cb.column_names["personal"]


def test_user_questions_extend_the_builtin_ones(tmp_path, codebook):
    """[questions] (words naming a metadata role in a question) is platform knowledge too."""
    builtin = codebook.raw["questions"]
    assert {"level", "partner", "school_words", "school_abbreviations"} <= set(builtin)
    plain = an.load_codebook(_custom(tmp_path, lambda t: t))
    assert plain.raw["questions"] == builtin
    cb = an.load_codebook(_custom(tmp_path, lambda t: f"{t}\n\n[questions]\nlevel = [\"Taak\", \"FUNCTIE\"]\n"))
    assert cb.raw["questions"]["level"] == builtin["level"] + ["Taak"]
    assert cb.raw["questions"]["school_words"] == builtin["school_words"]


def test_copy_of_the_old_codebook_gives_the_builtin_columns(tmp_path):
    """A codebook copied before the move still carries [columns]: nothing is doubled."""
    cb = an.load_codebook(_custom(tmp_path, lambda t: _with_columns(t, OLD_COLUMNS)))
    assert cb.raw["columns"] == BUILTIN_COLUMNS


def test_user_no_answer_labels_extend_the_builtin_ones(tmp_path):
    def edit(t):
        t = t.replace('labels = ["Weet ik niet", "Weet niet", "n.v.t.", "nvt", "Niet van toepassing", "Don\'t know", '
                      '"Not applicable", "N/A", "-"]', 'labels = ["Geen mening", "weet ik niet"]')
        return t.replace('"A5" = 5', '"A5" = 5\n"N/A" = 3')   # the researcher scores N/A as neutral
    cb = an.load_codebook(_custom(tmp_path, edit))
    assert cb.raw["scale"]["no_answer"]["labels"] == ["Geen mening", "weet ik niet"] + [
        v for v in OLD_NO_ANSWER if v not in ("Weet ik niet", "N/A")]
    assert np.isnan(cb.answer_labels["geen mening"]) and np.isnan(cb.answer_labels["n.v.t"])
    assert cb.answer_labels["n/a"] == 3.0


def test_user_codebook_without_columns_drops_personal_data_and_previews(tmp_path, codebook):
    path = _custom(tmp_path, lambda t: _with_columns(t, {"personal": ["Personeelsnummer"]}))
    frame = export_frame(codebook)
    frame.insert(1, "E-mail", [f"p{i}@school.nl" for i in range(4)])
    frame.insert(2, "Personeelsnummer", ["P-1980"] * 4)
    frame.insert(3, "Status", ["IP Address", "Survey Preview", "IP Address", "IP Address"])
    frame.to_csv(tmp_path / "x.csv", sep=";", index=False)
    survey = an.load(tmp_path / "x.csv", codebook=path)
    assert survey.report().files[0].personal == ["E-mail", "Personeelsnummer"]
    assert survey.excluded["reason"].tolist() == ["preview"]
    assert len(survey.responses) == 3


# ---------------------------------------------------------------- type validation
def _sub(old, new):
    def edit(t):
        assert t.count(old) >= 1, old
        return t.replace(old, new, 1)
    return edit


LEVELS = re.compile(r"\[\[levels\]\].*?(?=\[\[sectors\]\])", re.DOTALL)


@pytest.mark.parametrize("edit, message", [
    (_sub('synonyms = ["manager", "managers", "leidinggevende", "teamleider", "teamleiders", "middenmanagement", '
          '"middle management"]', 'synonyms = "teamleider"'),
     "[[levels]] entry 2 (management): synonyms must be a list of strings, not the string 'teamleider'"),
    (_sub("points = [1, 2, 3, 4, 5]", 'points = "1-5"'),
     "[scale] points must be a list of numbers, not the string '1-5'"),
    (_sub("points = [1, 2, 3, 4, 5]", "points = [1, 2, 3, 4, true]"),
     "[scale] points value 5 must be a number, not the boolean true"),
    (_sub("agree = [4, 5]", "agree = 4"), "[scale] agree must be a list of numbers, not the integer 4"),
    (_sub("disagree = [1, 2]", 'disagree = ["1", "2"]'),
     "[scale] disagree value 1 must be a number, not the string '1'"),
    (_sub('"Mee eens" = 4', '"Mee eens" = "4"'), "[scale.labels] 'Mee eens' must be a number, not the string '4'"),
    (_sub('"Mee eens" = 4', '"Mee eens" = true'), "[scale.labels] 'Mee eens' must be a number, not the boolean true"),
    (_sub('nl = ["Helemaal mee oneens", "Mee oneens", "Neutraal", "Mee eens", "Helemaal mee eens"]',
          'nl = "Helemaal mee oneens"'),
     "[scale.point_labels] nl must be a list of strings, not the string 'Helemaal mee oneens'"),
    (lambda t: re.sub(r'labels = \["Weet ik niet".*\]', 'labels = "Weet ik niet"', t),
     "[scale.no_answer] labels must be a list of strings, not the string 'Weet ik niet'"),
    (_sub('code = "ambitie"', 'code = ""'),
     "[[conditions]] entry 1: code must be a non-empty string, not an empty string"),
    (_sub('aspects_nl = ["inhoud", "commitment", "gezamenlijkheid"]', 'aspects_nl = "inhoud"'),
     "[[conditions]] entry 1 (ambitie): aspects_nl must be a list of strings, not the string 'inhoud'"),
    (_sub('question_en = "How shared is the partners\' ambition?"', "question_en = 7"),
     "[[conditions]] entry 1 (ambitie): question_en must be a string, not the integer 7"),
    (_sub('code = "ambitie_2"', "code = 2"), "[[items]] entry 2: code must be a non-empty string, not the integer 2"),
    (_sub('en = "We evaluate our collaboration."', "en = [\"We evaluate\"]"),
     "[[items]] entry 20 (proces_4): en must be a non-empty string, not the list ['We evaluate']"),
    (_sub('synonyms = ["m.b.o.", "roc"]', 'synonyms = ["m.b.o.", 3]'),
     "[[sectors]] entry 2 (mbo): synonyms value 2 must be a non-empty string, not the integer 3"),
    (_sub('synonyms = ["Ottoland", "Leerlab Ottoland"]', 'synonyms = "Ottoland"'),
     "[[leerlabs]] entry 2 (Groen): synonyms must be a list of strings, not the string 'Ottoland'"),
    (_sub('items = ["ambitie_2"]', 'items = "ambitie_2"'),
     "[[success_factors]] entry 2 (ambitie_b): items must be a list of strings, not the string 'ambitie_2'"),
    (_sub('number = 1\nnl = "Spraakverwarring"', 'number = "1"\nnl = "Spraakverwarring"'),
     "[[pitfalls]] entry 1: number must be a whole number, not the string '1'"),
    (_sub('number = 2\nnl = "Belangen', 'number = 2.5\nnl = "Belangen'),
     "[[pitfalls]] entry 2: number must be a whole number, not the number 2.5"),
    (_sub('number = 5\nnl = "Uitvoeren"', 'number = true\nnl = "Uitvoeren"'),
     "[[phases]] entry 5: number must be a whole number, not the boolean true"),
    (lambda t: re.sub(r"headers = \[.*\]", 'headers = "Onderbouw en licht toe"', t),
     "[comments] headers must be a list of strings, not the string 'Onderbouw en licht toe'"),
    (lambda t: _with_columns(t, {"personal": "Geboortedatum"}),
     "[columns] personal must be a list of strings, not the string 'Geboortedatum'"),
    (lambda t: _with_columns(t, {"afdeling": ["Afdeling", 7]}),
     "[columns] afdeling value 2 must be a non-empty string, not the integer 7"),
    (lambda t: 'columns = ["naam"]\n' + t,
     "[columns] must be a table of key = [words], not the list ['naam']"),
    (lambda t: f"{t}\n\n[questions]\nlevel = \"functie\"\n",
     "[questions] level must be a list of strings, not the string 'functie'"),
    (lambda t: 'levels = ["bestuurlijk"]\n' + LEVELS.sub("", t),
     "[[levels]] entry 1 must be a table with code, nl, en, not the string 'bestuurlijk'"),
    (lambda t: 'sectors = "vmbo"\n' + re.sub(r"\[\[sectors\]\].*?(?=# -+ leerlabs)", "", t, flags=re.DOTALL),
     "the codebook needs a non-empty [[sectors]] list, not the string 'vmbo'"),
])
def test_wrong_types_are_refused_with_their_key(tmp_path, edit, message):
    path = _custom(tmp_path, edit)
    with pytest.raises(CodebookError, match=re.escape(f"{path}: {message}")):
        an.load_codebook(path)


@pytest.mark.parametrize("code, problem", [
    ("x/../../elders/bestand", "holds a slash or backslash"),
    ("a\\\\b", "holds a slash or backslash"),
    ("..", "holds '..'"),
    (".verborgen", "starts with a dot"),
    ("CON", "is a name Windows reserves"),
    ("lpt1.txt", "is a name Windows reserves"),
    ("g" * 65, "is longer than 64 characters"),
    ("Gr\\u0000oen", "cannot be printed"),
])
def test_codes_that_cannot_be_file_names_are_refused(tmp_path, code, problem):
    """Codes name figures: one that could reach outside the report folder is refused, naming it."""
    path = _custom(tmp_path, lambda t: t.replace('code = "Groen"', f'code = "{code}"', 1))
    with pytest.raises(CodebookError, match=r"\[\[leerlabs\]\] entry 2: code .* " + re.escape(problem)):
        an.load_codebook(path)


def test_codebook_that_is_not_utf8_is_a_clear_error(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_bytes(DEFAULT.read_text(encoding="utf-8").encode("cp1252", "replace") + b"\n# caf\xe9\n")
    with pytest.raises(CodebookError, match=re.escape(f"{path}: the codebook is not UTF-8 text")):
        an.load_codebook(path)


def test_figure_names_stay_in_their_folder():
    from analyse.plot.gallery import safe_name

    for code in ("x/../../elders/bestand", "..", ".a", "CON", "a\\b", "é" * 200):
        name = safe_name("partnerblad", code)
        assert "/" not in name and "\\" not in name and not name.startswith(".") and len(name) <= 80
    assert safe_name("CON") == "con_"
