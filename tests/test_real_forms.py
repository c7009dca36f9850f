"""Real forms ask their metadata as questions: the loader must recognise them without a map.

The files come from ``tests/forms.py``: one wave of ground truth laid out as
each platform writes it, with the leerlab, school, sector, level, wave and
respondent code asked in the school's own words ("In welk leerlab werk je?",
"Which school do you work at?") and answered with decorated options
("Leerlab Groen (Ottoland)", "Professioneel (docent, instructeur)"). Every file
must load with ``an.load(path)`` alone to exactly its truth; where the loader
cannot decide, it must say so (``--column "HEADER=ROLE"``), never guess.
"""

from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import analyse as an
import forms as F
from forms import VARIANTS, Question

SEED = 11
HOW = {"name", "question", "answers", "question+answers"}
META_ROLES = ["respondent_id", "wave", "leerlab", "partner", "sector", "level"]


def truth_of(seed=SEED):
    return an.sample.generate(respondents_per_group=1, waves=1, seed=seed)


def norm(text) -> str:
    """Whitespace (also non-breaking, line breaks, a stray trailing space) collapsed."""
    return " ".join(str(text).split())


def without_ids(frame: pd.DataFrame, questions) -> pd.DataFrame:
    return frame if F.asks(questions, "respondent_id") is not None else frame.drop(columns="respondent_id")


def assert_loads_to_truth(survey, truth, questions, *, keep=None, given=()):
    expected = F.expected_responses(truth, questions, keep=keep, given=given)
    pd.testing.assert_frame_equal(without_ids(survey.responses, questions), expected)
    if F.asks(questions, "respondent_id") is None:  # response numbers: file-specific, never a person's code
        ids = survey.responses["respondent_id"].astype(str)
        assert ids.is_unique
        assert not set(ids) & set(truth.responses["respondent_id"].astype(str))


def comment_key(frame, with_ids):
    cols = (["respondent_id"] if with_ids else []) + ["wave", "condition", "text"]
    return sorted(map(tuple, frame[cols].astype(str).to_numpy().tolist()))


def personal_texts(survey):
    report = survey.report()
    return [survey.responses.to_string(), survey.comments.to_string(), survey.excluded.to_string(),
            report.to_text("nl"), report.to_text("en")]


# ---------------------------------------------------------------- the fixtures themselves
def test_fixtures_name_exactly_one_codebook_entry():
    """Every decorated answer names its truth, and only its truth, by a codebook name or synonym as a whole word.

    Checked on the fixed variants and on every option the property test can draw;
    an answer must not name an entry of another coded role either (a leerlab
    answer naming a level would make the file ambiguous by construction).
    """
    options = []
    for v in VARIANTS.values():
        for q in v.questions:
            if q.role in F.CODED_ROLES:
                options += [(q.role, code, text) for code, texts in q.answers.items() for text in texts]
    for lang in DECORATIONS:
        for role, per_code in DECORATIONS[lang].items():
            options += [(role, code, text) for code, texts in per_code.items() for text in texts]
    for role, code, text in options:
        assert F.codes_named_in(text, role) == {code}, (role, code, text)
        for other in set(F.CODED_ROLES) - {role}:
            assert not F.codes_named_in(text, other), (role, text, other)
    # phrasings: at least six per role and language, none shared between roles
    for lang, per_role in PHRASINGS.items():
        for role in ["respondent_id", "wave", "leerlab", "partner", "sector", "level"]:
            assert len(per_role[role] + (per_role["wave_date"] if role == "wave" else [])) >= 6, (lang, role)
        flat = [norm(h).casefold() for hs in per_role.values() for h in hs]
        assert len(flat) == len(set(flat)), lang
    # each fixed variant asks in its own words
    headers = [norm(q.header).casefold() for v in VARIANTS.values() for q in v.questions]
    assert len(headers) == len(set(headers))


def read_back(variant, path: Path) -> pd.DataFrame:
    """A file read back by plain pandas with what the writer knows (header rows, headers, codebook names).

    Independent of the loader: it shows that each fixture holds its truth.
    """
    if path.suffix == ".xlsx":
        grid = pd.read_excel(path, header=None, dtype=object, sheet_name=0)
    else:
        sep = ";" if variant.writer in (F.limesurvey, F.dutch_excel_csv) else ","
        encoding = "cp1252" if variant.writer is F.dutch_excel_csv else "utf-8-sig"
        grid = pd.read_csv(path, header=None, dtype=str, sep=sep, encoding=encoding, keep_default_na=False)
    grid = grid.astype(object).where(grid.notna() & (grid != ""), None)
    heads = grid.iloc[: variant.header_rows].astype(str)
    data = grid.iloc[variant.header_rows:].reset_index(drop=True)
    scale = {k.casefold(): v for k, v in F.RAW["scale"]["labels"].items()}
    out = pd.DataFrame(index=data.index)
    for q in variant.questions:
        cols = [j for j in grid.columns if norm(F.header_of(variant, q)) in map(norm, heads[j])]
        assert len(cols) == 1, (q.header, cols)
        cells = data[cols[0]]
        if q.role in F.CODED_ROLES:
            found = [F.codes_named_in(c, q.role) for c in cells]
            assert all(len(f) == 1 for f in found), (q.role, list(cells))
            cells = [f.pop() for f in found]
        elif q.role == "wave" and q.kind == "date":
            cells = [pd.Timestamp(c).date().isoformat() if not isinstance(c, str)  # an Excel date
                     else pd.to_datetime(c, dayfirst=not c[:4].isdigit()).date().isoformat() for c in cells]
        out[q.role] = [str(c) for c in cells]
    for item in F.ITEMS:
        text = F.STATEMENT[variant.lang][item]
        cols = [j for j in grid.columns if any(text in h for h in heads[j])]
        assert len(cols) == 1, (item, cols)
        out[item] = [np.nan if c is None or str(c).casefold() in ("weet ik niet", "don't know")
                     else float(scale.get(str(c).casefold(), c)) for c in data[cols[0]]]
    return out


def test_fixture_files_hold_their_truth(tmp_path):
    """Each written file, read back by plain pandas, holds the truth (the loader is not involved)."""
    truth = truth_of()
    expected = truth.responses.astype({c: str for c in META_ROLES})
    for name, variant in VARIANTS.items():
        back = read_back(variant, variant.write(truth, tmp_path, seed=SEED))
        for role in back.columns.intersection(META_ROLES):
            want = F.WAVE_DATE_ISO if role == "wave" and F.wave_of(variant.questions) != "1" else expected[role]
            assert (back[role] == want).all(), (name, role)
        pd.testing.assert_frame_equal(back[F.ITEMS], truth.responses[F.ITEMS], check_names=False)
    # ... and so do the property test's forms: every platform, drawn phrasings, metadata among the statements
    for k, (platform, (writer, lang, suffix)) in enumerate(PLATFORMS.items()):
        _, questions, order, _ = fixed_form(platform, k)
        variant = F.Variant(platform, f"{platform}{suffix}", writer, lang, questions,
                            header_rows=3 if platform.startswith("qualtrics") else 1)
        path = writer(truth, tmp_path / variant.filename, lang=lang, questions=questions, order=order, seed=k)
        back = read_back(variant, path)
        assert (back["leerlab"] == expected["leerlab"]).all() and (back["level"] == expected["level"]).all()
        assert (back["wave"] == F.WAVE_DATE_ISO).all(), platform
        pd.testing.assert_frame_equal(back[F.ITEMS], truth.responses[F.ITEMS], check_names=False)


def fixed_form(platform, k):
    """A form as the property test draws it, drawn here by a seeded generator (for the read-back check)."""
    import random

    rnd = random.Random(k)
    lang = PLATFORMS[platform][1]
    questions = [F.choice(role, rnd.choice(PHRASINGS[lang][role]),
                          {code: rnd.choice(texts) for code, texts in DECORATIONS[lang][role].items()})
                 for role in ("leerlab", "sector", "level")]
    questions += [F.typed("partner", rnd.choice(PHRASINGS[lang]["partner"])),
                  F.typed("respondent_id", rnd.choice(PHRASINGS[lang]["respondent_id"])),
                  Question("wave", rnd.choice(PHRASINGS[lang]["wave_date"]), kind="date")]
    order = [t for t in F.default_order([]) if not t.startswith("meta:")]
    for q in questions:
        order.insert(rnd.randrange(len(order) + 1), f"meta:{q.role}")
    return platform, questions, order, "date"


# ---------------------------------------------------------------- 1. every variant loads to its truth
@pytest.mark.parametrize("name", VARIANTS)
def test_variant_loads_to_its_truth(tmp_path, name):
    variant, truth = VARIANTS[name], truth_of()
    survey = an.load(variant.write(truth, tmp_path, seed=SEED))
    assert_loads_to_truth(survey, truth, variant.questions)
    with_ids = F.asks(variant.questions, "respondent_id") is not None
    assert comment_key(survey.comments, with_ids) == comment_key(F.expected_comments(truth, variant.questions),
                                                                 with_ids)
    assert survey.excluded.empty, survey.excluded.to_string()
    assert len(survey.report().files[0].items) == 21
    for text in personal_texts(survey):
        for secret in F.SECRETS:
            assert secret not in text, (secret, text[:300])


# ---------------------------------------------------------------- 2. evidence for each metadata column
@pytest.mark.parametrize("name", VARIANTS)
def test_metadata_evidence_in_report(tmp_path, name):
    variant = VARIANTS[name]
    survey = an.load(variant.write(truth_of(), tmp_path, seed=SEED))
    report = survey.report()
    recognised = report.files[0].recognised
    texts = {lang: norm(report.to_text(lang)) for lang in ("nl", "en")}
    for q in variant.questions:
        header = norm(F.header_of(variant, q))
        entries = [e for e in recognised if e.kind == "meta" and e.what == q.role]
        assert len(entries) == 1, (q.role, [(e.header, e.what, e.how) for e in recognised if e.kind == "meta"])
        entry = entries[0]
        assert entry.how in HOW, (q.role, entry.how)
        # several header rows (Qualtrics, SurveyMonkey): the question text is the header, or part of it
        assert norm(entry.header) == header or (variant.header_rows > 1 and header in norm(entry.header)), \
            (q.role, entry.header, header)
        assert entry.evidence, (q.role, entry)
        for lang, text in texts.items():
            assert header in text, (lang, header)


# ---------------------------------------------------------------- 3. decorated answers in the value mapping
@pytest.mark.parametrize("name", VARIANTS)
def test_decorated_answers_shown_with_their_code(tmp_path, name):
    variant, truth = VARIANTS[name], truth_of()
    survey = an.load(variant.write(truth, tmp_path, seed=SEED))
    text = survey.report().to_text("en")
    table = F.answers_table(truth, variant.questions, lang=variant.lang, coding="labels", seed=SEED)
    truth_rows = truth.responses.reset_index(drop=True)
    checked = 0
    for role in F.CODED_ROLES:
        if F.asks(variant.questions, role) is None:
            continue
        for raw, code in sorted(set(zip(table[f"meta:{role}"], truth_rows[role].astype(str)))):
            if not F.is_plain_name(raw, role):  # a codebook name as such needs no mapping line
                assert f"'{raw}' → {code}" in text, (raw, code)
                checked += 1
    assert checked


def test_decorated_level_example(tmp_path):
    survey = an.load(VARIANTS["msforms_nl"].write(truth_of(), tmp_path, seed=SEED))
    text = survey.report().to_text("en")
    assert "'Professioneel (docent, instructeur)' → professioneel" in text
    assert "'Leerlab Groen (Ottoland)' → Groen" in text
    assert "'Vmbo-school' → vmbo" in text


# ---------------------------------------------------------------- 4. property: phrasings, decorations, column order
PHRASINGS = {
    "nl": {
        "leerlab": ["In welk leerlab werk je?", "Leerlab / regio", "Leerlab", "Aan welk leerlab neem je deel?",
                    "Naam van het leerlab", "Binnen welk leerlab vul je de vragenlijst in?",
                    "Van welk leerlab ben je lid?"],
        "partner": ["Naam van je school", "Voor welke organisatie vul je dit in?", "Op welke school werk je?",
                    "School", "Bij welke instelling werk je?", "Naam school / instelling",
                    "Welke school vertegenwoordig je?"],
        "sector": ["Ben je werkzaam in het vmbo of het mbo?", "Onderwijstype", "Sector", "Schooltype",
                   "Vmbo of mbo?", "Type onderwijs (vmbo/mbo)", "In welke sector werk je?"],
        "level": ["Wat is je rol in de samenwerking?", "Functieniveau", "Niveau", "Op welk niveau ben je betrokken?",
                  "Functie", "Rol", "Welk niveau past bij jouw rol?"],
        "respondent_id": ["Wat is je persoonlijke code?", "Respondentcode", "Persoonlijke code", "Deelnemerscode",
                          "Je code (zie uitnodiging)", "Code"],
        "wave": ["Meetmoment", "Meting", "Welke meting is dit?", "Ronde", "Meetronde", "Peiling"],
        "wave_date": ["Datum van de bijeenkomst", "Datum", "Datum van de meting"],
    },
    "en": {
        "leerlab": ["Which partnership are you part of?", "Leerlab", "Which leerlab are you in?",
                    "Name of your partnership", "Partnership / region", "Your leerlab", "Leerlab (partnership)"],
        "partner": ["Which school do you work at?", "School", "Name of your school", "Your school or institution",
                    "Institution", "Which school do you represent?"],
        "sector": ["Do you work in vmbo or mbo?", "School type", "Sector", "vmbo or mbo?",
                   "Type of education (vmbo/mbo)", "Which sector do you work in?"],
        "level": ["What is your role in the partnership?", "Role", "Level", "Your position",
                  "At which level are you involved?", "Function / job level", "Position in the partnership"],
        "respondent_id": ["What is your personal code?", "Participant code", "Respondent code", "Your code",
                          "Personal code (see invitation)", "Code"],
        "wave": ["Wave", "Survey wave", "Round", "Which round is this?", "Measurement wave", "Survey round"],
        "wave_date": ["Date of the session", "Date", "Date of the meeting"],
    },
}

DECORATIONS = {
    "nl": {
        "leerlab": {
            "Sport": ["Sport & Bewegen", "Leerlab Sport & Bewegen (Noord-Brabant)", "Sport en Bewegen – Tilburg",
                      "Noord-Brabant"],
            "Groen": ["Groen", "Leerlab Groen (Ottoland)", "Ottoland", "Groen – De Bossekamp"],
            "Verkoop": ["Verkoop", "Leerlab Oost (Ommen)", "Verkoop (Ommen)", "Oost – Landstede"],
            "Zorg": ["Zorg & Welzijn", "Zorg en Welzijn – Midden-Limburg", "Leerlab Midden-Limburg",
                     "Zorg & Welzijn (Gilde)"],
            "Horeca": ["Horeca", "Horeca Drenthe (Assen)", "Leerlab Assen", "Horeca – Drenthe College"],
        },
        "level": {
            "bestuurlijk": ["Bestuurlijk", "Bestuurlijk – CvB/directie", "Bestuurder", "Bestuur (college van bestuur)"],
            "management": ["Management", "Management (teamleider)", "Teamleider", "Middenmanagement",
                           "Leidinggevende"],
            "professioneel": ["Professioneel (docent, instructeur)", "Uitvoerend", "Docent",
                              "Operationeel / uitvoerend", "Projectleider"],
        },
        "sector": {"vmbo": ["vmbo", "Vmbo-school", "VMBO", "Ik werk in het vmbo"],
                   "mbo": ["mbo", "MBO", "mbo-instelling", "ROC / mbo"]},
    },
    "en": {
        "leerlab": {
            "Sport": ["Sport & Exercise", "Sport & Bewegen (Noord-Brabant)", "Leerlab Noord-Brabant"],
            "Groen": ["Green", "Green (Ottoland)", "Leerlab Groen"],
            "Verkoop": ["Retail", "Retail – Ommen", "Verkoop (Oost)"],
            "Zorg": ["Care & Welfare", "Care & Welfare (Midden-Limburg)", "Zorg & Welzijn"],
            "Horeca": ["Hospitality", "Hospitality – Assen", "Horeca (Assen)"],
        },
        "level": {
            "bestuurlijk": ["Board", "Board member (CvB)", "Board / governance"],
            "management": ["Management", "Manager", "Middle management (team leader)"],
            "professioneel": ["Professional (teacher)", "Teacher", "Operational / teacher", "Professional"],
        },
        "sector": {"vmbo": ["vmbo", "vmbo school", "pre-vocational (vmbo)"],
                   "mbo": ["mbo", "mbo college", "vocational (mbo)", "MBO (ROC)"]},
    },
}

PLATFORMS = {  # name -> (writer, language, suffix)
    "msforms_nl": (F.msforms, "nl", ".xlsx"),
    "msforms_en": (F.msforms, "en", ".xlsx"),
    "google_nl_csv": (F.google, "nl", ".csv"),
    "qualtrics_text_xlsx": (partial(F.qualtrics, values="text"), "en", ".xlsx"),
    "dutch_excel_csv": (F.dutch_excel_csv, "nl", ".csv"),
}


@st.composite
def random_forms(draw):
    platform = draw(st.sampled_from(sorted(PLATFORMS)), label="platform")
    lang = PLATFORMS[platform][1]
    words, decor = PHRASINGS[lang], DECORATIONS[lang]
    questions = []
    if draw(st.booleans(), label="asks a code"):
        questions.append(F.typed("respondent_id", draw(st.sampled_from(words["respondent_id"]))))
    for role in ("leerlab", "sector", "level"):
        options = {code: draw(st.sampled_from(texts), label=f"{role} {code}") for code, texts in decor[role].items()}
        questions.append(F.choice(role, draw(st.sampled_from(words[role]), label=role), options))
    questions.append(F.typed("partner", draw(st.sampled_from(words["partner"]), label="partner")))
    wave = draw(st.sampled_from(["file name", "number", "date"]), label="wave")
    if wave == "number":
        questions.append(F.choice("wave", draw(st.sampled_from(words["wave"]), label="wave question"), {"1": "1"}))
    elif wave == "date":
        questions.append(Question("wave", draw(st.sampled_from(words["wave_date"]), label="date question"),
                                  kind="date"))
    # metadata columns anywhere among the statements and comments
    body = [t for t in F.default_order([]) if not t.startswith("meta:")]
    metas = draw(st.permutations([f"meta:{q.role}" for q in questions]), label="metadata order")
    places = draw(st.lists(st.integers(0, len(body)), min_size=len(metas), max_size=len(metas)), label="places")
    order = list(body)
    for token, place in sorted(zip(metas, places), key=lambda tp: -tp[1]):
        order.insert(place, token)
    return platform, questions, order, wave


# No shrinking: a failing form is reported as drawn (shrinking re-loads hundreds of files).
@settings(max_examples=25, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(form=random_forms(), seed=st.integers(0, 10_000))
def test_random_forms_load_to_truth_or_name_the_column_to_add(tmp_path_factory, form, seed):
    platform, questions, order, wave = form
    writer, lang, suffix = PLATFORMS[platform]
    truth = truth_of(seed)
    name = f"{platform}_meting1{suffix}" if wave == "file name" else f"{platform}{suffix}"
    path = writer(truth, tmp_path_factory.mktemp("form") / name, lang=lang, questions=questions, order=order,
                  seed=seed)
    try:
        survey = an.load(path)
    except an.SurveyError as exc:
        assert "--column" in str(exc), str(exc)
        return
    assert_loads_to_truth(survey, truth, questions)
    assert survey.excluded.empty, survey.excluded.to_string()


# ---------------------------------------------------------------- 5. an answer naming two levels or leerlabs
def test_ambiguous_answers_are_excluded_never_guessed(tmp_path):
    # typed into the forms' "Anders, namelijk" (other) option
    variant, truth = VARIANTS["msforms_nl"], truth_of()
    r = truth.responses
    level_row = int(r.index[(r["leerlab"] == "Sport") & (r["level"] == "management")][0])
    leerlab_row = int(r.index[(r["leerlab"] == "Groen")][0])
    overrides = {(level_row, "level"): "Bestuurlijk/management", (leerlab_row, "leerlab"): "Groen / Horeca"}
    survey = an.load(variant.write(truth, tmp_path, seed=SEED, overrides=overrides))
    keep = ~r.index.isin([level_row, leerlab_row])
    assert_loads_to_truth(survey, truth, variant.questions, keep=keep)
    excluded = survey.excluded.sort_values("row").reset_index(drop=True)
    header = {q.role: norm(F.header_of(variant, q)) for q in variant.questions}
    # one header row: the answer in frame row k is spreadsheet row k + 2
    got = [(int(row), norm(col), value, reason) for row, col, value, reason
           in excluded[["row", "column", "value", "reason"]].itertuples(index=False)]
    assert got == sorted([(level_row + 2, header["level"], "Bestuurlijk/management", "ambiguous_level"),
                          (leerlab_row + 2, header["leerlab"], "Groen / Horeca", "ambiguous_leerlab")])
    assert len(survey.responses) + len(survey.excluded) == len(r)


# ---------------------------------------------------------------- 6. one form per leerlab
GROEN_FORM = [  # the leerlab's own form: no leerlab question, and (anonymous) no code either
    F.typed("partner", "Naam van je school"),
    F.choice("sector", "Ben je werkzaam in het vmbo of het mbo?", {"vmbo": "Vmbo-school", "mbo": "mbo-instelling"}),
    F.choice("level", "Wat is je rol in de samenwerking?",
             {"bestuurlijk": "Bestuurlijk – CvB/directie", "management": "Management (teamleider)",
              "professioneel": "Professioneel (docent, instructeur)"}),
]


def groen_truth():
    truth = truth_of()
    return F.subset(truth, truth.responses["leerlab"] == "Groen")


def test_form_per_leerlab_with_metadata_argument(tmp_path):
    truth = groen_truth()
    path = F.msforms(truth, tmp_path / "Reflectie team_meting1.xlsx", lang="nl", questions=GROEN_FORM, seed=SEED)
    survey = an.load(path, metadata={"leerlab": "Groen"})
    assert_loads_to_truth(survey, truth, GROEN_FORM, given=("leerlab",))
    assert survey.excluded.empty


def test_form_per_leerlab_with_map_file(tmp_path, monkeypatch):
    truth = groen_truth()
    path = F.msforms(truth, tmp_path / "Reflectie_Groen_meting1.xlsx", lang="nl", questions=GROEN_FORM, seed=SEED)
    (tmp_path / "kolommen.toml").write_text('["*Groen*".metadata]\nleerlab = "Groen"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # the map file named relative to the working folder, as on the command line
    survey = an.load(path, columns="kolommen.toml")
    assert_loads_to_truth(survey, truth, GROEN_FORM, given=("leerlab",))
    assert survey.excluded.empty


# ---------------------------------------------------------------- 7. a single team's form, no background questions
def test_single_team_form_without_background_questions(tmp_path):
    truth = truth_of()
    team = F.subset(truth, truth.responses["leerlab"] == "Horeca")
    questions = [F.typed("respondent_id", "Persoonlijke code")]
    path = F.msforms(team, tmp_path / "Reflectie teamdag_meting1.xlsx", lang="nl", questions=questions, seed=SEED)
    survey = an.load(path)
    assert_loads_to_truth(survey, team, questions)  # leerlab, partner, sector, level: NA
    for role in ("leerlab", "partner", "level"):
        assert survey.responses[role].isna().all(), role
    assert survey.excluded.empty
    for lang in ("nl", "en"):
        assert "leerlab" in survey.report().to_text(lang).lower(), lang
