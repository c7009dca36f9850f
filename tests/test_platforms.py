"""Survey-platform export layouts, built from generated ground truth as each platform documents them.

Every writer below lays one wave of ``analyse.sample.generate`` out as the
platform's download does (header rows, bookkeeping columns, answer coding),
with planted personal data. Loading the file must give back the ground truth,
name the layout, drop the personal data, and never lose a row silently.
"""

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import analyse as an
from analyse.cli import main as cli_main
from analyse.sample import _wave_frame

CB = an.load_codebook()
META_HEADERS = ["Respondentcode", "Leerlab", "School", "Type onderwijs", "Niveau"]
SECRET_NAME, SECRET_MAIL, SECRET_IP, SECRET_LAT = "Geheime Persoon", "geheim@prive.nl", "203.0.113.77", "52.777777"


def body(truth, *, labels=True, seed=1):
    """Wave 1 as typed answers: metadata, one column per item code, comment_<condition>."""
    frame = _wave_frame(truth, "1", lang_labels=labels, seed=seed)
    if not labels:  # platforms leave an unanswered numeric cell empty
        frame[CB.item_codes] = frame[CB.item_codes].replace("n.v.t.", None)
    return frame.rename(columns=dict(zip(["Respondentcode", "Leerlab", "School", "Type onderwijs", "Niveau"],
                                         META_HEADERS)))


def personal(n):
    return {"name": [f"{SECRET_NAME} {i}" for i in range(n)], "first": ["Geheime"] * n,
            "last": [f"Persoon {i}" for i in range(n)], "mail": [f"p{i}.{SECRET_MAIL}" for i in range(n)],
            "ip": [SECRET_IP] * n, "lat": [SECRET_LAT] * n, "lon": ["4.888888"] * n}


def columns_in_order(frame):
    """(header-free) columns: metadata, then per condition its items and comment."""
    cols = list(META_HEADERS)
    for cond in CB.condition_codes:
        cols += CB.items_of(cond) + [f"comment_{cond}"]
    return frame[cols]


def save(rows, path):
    """A list of rows (the header rows included) as .csv (UTF-8, comma) or .xlsx."""
    frame = pd.DataFrame(rows).astype(object)
    frame = frame.where(frame.notna(), None)
    if path.suffix == ".csv":
        frame.to_csv(path, header=False, index=False, encoding="utf-8-sig")
    else:
        from openpyxl import Workbook

        wb = Workbook()
        for i, row in enumerate(frame.itertuples(index=False), start=1):
            for j, value in enumerate(row, start=1):
                cell = wb.active.cell(i, j, value)
                if isinstance(value, str):
                    cell.data_type = "s"  # platforms store typed text as text, "=..." included
        wb.save(path)
    return path


# ---------------------------------------------------------------- writers
def msforms_en(truth, path, seed=1):
    """Microsoft Forms, English interface: ID, Start time, Completion time, Email, Name, Last modified time."""
    b = body(truth, seed=seed)
    n, p = len(b), personal(len(b))
    start = pd.Timestamp("2026-03-02 09:00") + pd.to_timedelta(np.arange(n), unit="h")
    head = {"ID": list(range(1, n + 1)), "Start time": start, "Completion time": start + pd.Timedelta(minutes=8),
            "Email": p["mail"], "Name": p["name"], "Last modified time": [None] * n}
    table = pd.concat([pd.DataFrame(head), columns_in_order(b)], axis=1)
    headers = list(head) + META_HEADERS
    for cond in CB.condition_codes:
        headers += [CB.label("item", c) for c in CB.items_of(cond)] + ["Explain your answer"]
    return save([headers, *table.to_numpy().tolist()], path)


def google_forms(truth, path, lang="nl", seed=1):
    """Google Forms responses: Tijdstempel/Timestamp, e-mail, grid questions as 'Vraag [rij]'."""
    b = body(truth, seed=seed)
    n, p = len(b), personal(len(b))
    stamp, mail = ("Tijdstempel", "E-mailadres") if lang == "nl" else ("Timestamp", "Email Address")
    times = [f"2026/03/0{1 + i % 9} 10:{i % 60:02d}:00 AM CET" for i in range(n)]
    table = pd.concat([pd.DataFrame({stamp: times, mail: p["mail"]}), columns_in_order(b)], axis=1)
    headers = [stamp, mail, *META_HEADERS]
    for cond in CB.condition_codes:
        grid = CB.label("condition", cond)
        headers += [f"{grid} [{CB.label('item', c)}]" for c in CB.items_of(cond)] + ["Onderbouw en licht toe"]
    return save([headers, *table.to_numpy().tolist()], path)


QUALTRICS_META = [  # (row-1 id, row-2 label, ImportId)
    ("StartDate", "Start Date", '{"ImportId":"startDate","timeZone":"Europe/Amsterdam"}'),
    ("EndDate", "End Date", '{"ImportId":"endDate","timeZone":"Europe/Amsterdam"}'),
    ("Status", "Response Type", '{"ImportId":"status"}'),
    ("IPAddress", "IP Address", '{"ImportId":"ipAddress"}'),
    ("Progress", "Progress", '{"ImportId":"progress"}'),
    ("Duration (in seconds)", "Duration (in seconds)", '{"ImportId":"duration"}'),
    ("Finished", "Finished", '{"ImportId":"finished"}'),
    ("RecordedDate", "Recorded Date", '{"ImportId":"recordedDate","timeZone":"Europe/Amsterdam"}'),
    ("ResponseId", "Response ID", '{"ImportId":"_recordId"}'),
    ("RecipientLastName", "Recipient Last Name", '{"ImportId":"recipientLastName"}'),
    ("RecipientFirstName", "Recipient First Name", '{"ImportId":"recipientFirstName"}'),
    ("RecipientEmail", "Recipient Email", '{"ImportId":"recipientEmail"}'),
    ("ExternalReference", "External Data Reference", '{"ImportId":"externalDataReference"}'),
    ("LocationLatitude", "Location Latitude", '{"ImportId":"locationLatitude"}'),
    ("LocationLongitude", "Location Longitude", '{"ImportId":"locationLongitude"}'),
    ("DistributionChannel", "Distribution Channel", '{"ImportId":"distributionChannel"}'),
    ("UserLanguage", "User Language", '{"ImportId":"userLanguage"}'),
]


def qualtrics(truth, path, values="numeric", problems=False, seed=1):
    """Qualtrics: ids, question text ('Question - Statement'), ImportId rows; numeric values or choice text.

    The background fields are embedded data (text either way). With ``problems``
    a preview, a spam response and an unfinished response are appended.
    """
    numeric = values == "numeric"
    b = body(truth, labels=not numeric, seed=seed)
    n, p = len(b), personal(len(b))
    ids, text, imports, columns = [], [], [], []
    for q, cond in enumerate(CB.condition_codes, start=1):
        question = CB.conditions.set_index("code").loc[cond, "question_nl"]
        for k, code in enumerate(CB.items_of(cond), start=1):
            ids.append(f"Q{q}_{k}"), text.append(f"{question} - {CB.label('item', code)}")
            imports.append(json.dumps({"ImportId": f"QID{q}_{k}"})), columns.append(code)
        ids.append(f"Q{q}b"), text.append("Onderbouw en licht toe")
        imports.append(json.dumps({"ImportId": f"QID{q}b_TEXT"})), columns.append(f"comment_{cond}")
    for h in META_HEADERS:  # embedded data: the same name in both rows
        ids.append(h), text.append(h), imports.append(json.dumps({"ImportId": h})), columns.append(h)
    status, finished = (0, 1) if numeric else ("IP Address", "True")
    meta = pd.DataFrame({
        "StartDate": "2026-03-02 09:00:00", "EndDate": "2026-03-02 09:12:00", "Status": status,
        "IPAddress": p["ip"], "Progress": 100, "Duration (in seconds)": 720, "Finished": finished,
        "RecordedDate": "2026-03-02 09:12:01", "ResponseId": [f"R_{i:015d}" for i in range(n)],
        "RecipientLastName": p["last"], "RecipientFirstName": p["first"], "RecipientEmail": p["mail"],
        "ExternalReference": None, "LocationLatitude": p["lat"], "LocationLongitude": p["lon"],
        "DistributionChannel": "anonymous", "UserLanguage": "NL"})
    table = pd.concat([meta, b[columns]], axis=1)
    if problems:
        extra = table.iloc[[0, 1, 2]].copy()
        extra["Respondentcode"] = ["X1", "X2", "X3"]
        extra["Status"] = [1, 8, status] if numeric else ["Survey Preview", "Spam", status]
        extra["Progress"] = [100, 100, 40]
        extra["Finished"] = [finished, finished, 0 if numeric else "False"]
        table = pd.concat([table, extra], ignore_index=True)
    rows = [[m[0] for m in QUALTRICS_META] + ids, [m[1] for m in QUALTRICS_META] + text,
            [m[2] for m in QUALTRICS_META] + imports]
    return save(rows + table.to_numpy().tolist(), path)


LIME_META = [("id", "Response ID"), ("submitdate", "Date submitted"), ("lastpage", "Last page"),
             ("startlanguage", "Start language"), ("seed", "Seed"), ("startdate", "Date started"),
             ("datestamp", "Date last action"), ("ipaddr", "IP address"), ("refurl", "Referrer URL")]
LIME_BACKGROUND = ["resp", "leerlab", "school", "sector", "niveau"]


def limesurvey(truth, path, headings="text", answers="full", problems=False, seed=1):
    """LimeSurvey CSV: 'full' or 'codetext' headings; answers as codes (A1..A5) or full answer text."""
    b = body(truth, labels=True, seed=seed)
    n, p = len(b), personal(len(b))
    if answers == "codes":
        codes = {label: f"A{i}" for i, label in enumerate(CB.point_labels("nl"), start=1)}
        b[CB.item_codes] = b[CB.item_codes].replace({**codes, "Weet ik niet": None})
    heads, columns = [], []
    for code, label in zip(LIME_BACKGROUND, META_HEADERS):
        heads.append(label if headings == "text" else f"{code}. {label}"), columns.append(label)
    for g, cond in enumerate(CB.condition_codes, start=1):
        for k, item in enumerate(CB.items_of(cond), start=1):
            full = f"{CB.label('condition', cond)} [{CB.label('item', item)}]"
            heads.append(full if headings == "text" else f"G{g}Q1[SQ{k:03d}]. {full}"), columns.append(item)
        heads.append("Onderbouw en licht toe" if headings == "text" else f"G{g}Q2. Onderbouw en licht toe")
        columns.append(f"comment_{cond}")
    meta = pd.DataFrame({"id": range(1, n + 1), "submitdate": "2026-03-02 09:12:00", "lastpage": 6,
                         "startlanguage": "nl", "seed": 123456, "startdate": "2026-03-02 09:00:00",
                         "datestamp": "2026-03-02 09:12:00", "ipaddr": p["ip"],
                         "refurl": [f"https://example.org/?email={m}" for m in p["mail"]]})
    table = pd.concat([meta, b[columns]], axis=1)
    if problems:
        extra = table.iloc[[0]].copy()
        extra["Respondentcode"], extra["submitdate"], extra["lastpage"] = "X1", None, 2
        table = pd.concat([table, extra], ignore_index=True)
    meta_heads = [m[1] if headings == "text" else m[0] for m in LIME_META]
    return save([meta_heads + heads, *table.to_numpy().tolist()], path)


SURVEYMONKEY_META = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", "Email Address",
                     "First Name", "Last Name", "Custom Data 1"]


def surveymonkey(truth, path, seed=1):
    """SurveyMonkey: question in row 1 (blank over the further matrix rows), sub-item or Response in row 2."""
    b = body(truth, seed=seed)
    n, p = len(b), personal(len(b))
    top, sub = list(SURVEYMONKEY_META), [None] * len(SURVEYMONKEY_META)
    for h in META_HEADERS:
        top.append(h), sub.append("Open-Ended Response" if h in ("Respondentcode", "School") else "Response")
    for cond in CB.condition_codes:
        question = CB.conditions.set_index("code").loc[cond, "question_nl"]
        for k, item in enumerate(CB.items_of(cond)):
            top.append(question if k == 0 else None), sub.append(CB.label("item", item))
        top.append("Onderbouw en licht toe"), sub.append("Open-Ended Response")
    meta = pd.DataFrame({"Respondent ID": 11_000_000_000 + np.arange(n), "Collector ID": 431_234_567,
                         "Start Date": "03/02/2026 09:00:00 AM", "End Date": "03/02/2026 09:10:00 AM",
                         "IP Address": p["ip"], "Email Address": p["mail"], "First Name": p["first"],
                         "Last Name": p["last"], "Custom Data 1": p["name"]})
    table = pd.concat([meta, columns_in_order(b)], axis=1)
    return save([top, sub, *table.to_numpy().tolist()], path)


def spss(truth, path, seed=1):
    """SPSS .sav via pyreadstat: variable labels, value labels, 9 = 'Weet ik niet' declared user-missing."""
    pyreadstat = pytest.importorskip("pyreadstat")
    b = body(truth, labels=False, seed=seed)
    n, p = len(b), personal(len(b))
    leerlabs = {i: CB.label("leerlab", c) for i, c in enumerate(CB.leerlab_codes, start=1)}
    levels = {1: "Bestuurlijk", 2: "Management", 3: "Uitvoerend"}
    frame = pd.DataFrame({"resp": b["Respondentcode"], "email": p["mail"],
                          "leerlab": b["Leerlab"].map({v: k for k, v in leerlabs.items()}).astype(float),
                          "school": b["School"], "sector": b["Type onderwijs"],
                          "niveau": b["Niveau"].map({v: k for k, v in levels.items()}).astype(float)})
    labels = ["Respondentcode", "E-mailadres", "Leerlab", "School", "Type onderwijs", "Niveau"]
    scale = dict(zip([1.0, 2.0, 3.0, 4.0, 5.0], CB.point_labels("nl"))) | {9.0: "Weet ik niet"}
    dont_know = np.random.default_rng(seed).random(n) < 0.5
    for k, code in enumerate(CB.item_codes, start=1):
        values = pd.to_numeric(b[code]).to_numpy(dtype=float)
        values[np.isnan(values) & dont_know] = 9  # typed as "weet ik niet" (user-missing) or left empty
        frame[f"v{k}"] = values
        labels.append(CB.label("item", code))
    for cond in CB.condition_codes:
        frame[f"c_{cond}"] = b[f"comment_{cond}"].fillna("")
        labels.append(f"{CB.label('condition', cond)} - Onderbouw en licht toe")
    items = [f"v{k}" for k in range(1, len(CB.item_codes) + 1)]
    pyreadstat.write_sav(frame, str(path), column_labels=labels,
                         variable_value_labels={"leerlab": leerlabs, "niveau": levels} | {v: scale for v in items},
                         missing_ranges={v: [9] for v in items})
    return path


LAYOUTS = {  # name -> (writer, file suffix, layout the report must name)
    "msforms_en": (msforms_en, ".xlsx", "Microsoft Forms (en)"),
    "google_nl_csv": (google_forms, ".csv", "Google Forms (nl)"),
    "google_en_xlsx": (lambda t, p, seed=1: google_forms(t, p, "en", seed), ".xlsx", "Google Forms (en)"),
    "qualtrics_numeric_csv": (qualtrics, ".csv", "Qualtrics (CSV, three header rows)"),
    "qualtrics_text_xlsx": (lambda t, p, seed=1: qualtrics(t, p, "text", seed=seed), ".xlsx",
                            "Qualtrics (XLSX, three header rows)"),
    "limesurvey_text_full": (limesurvey, ".csv", "LimeSurvey (question text)"),
    "limesurvey_codetext_codes": (lambda t, p, seed=1: limesurvey(t, p, "codetext", "codes", seed=seed), ".csv",
                                  "LimeSurvey (question codes)"),
    "surveymonkey_xlsx": (surveymonkey, ".xlsx", "SurveyMonkey (XLSX, two header rows)"),
    "surveymonkey_csv": (surveymonkey, ".csv", "SurveyMonkey (CSV, two header rows)"),
    "spss": (spss, ".sav", "SPSS (.sav)"),
}


def write(layout, truth, folder, seed=1):
    writer, suffix, _ = LAYOUTS[layout]
    return writer(truth, folder / f"{layout}_meting1{suffix}", seed=seed)


def sorted_comments(frame):
    key = ["wave", "respondent_id", "condition"]
    return frame.sort_values(key).reset_index(drop=True)[["respondent_id", "wave", "condition", "text"]]


# ---------------------------------------------------------------- layouts load to their truth
@pytest.mark.parametrize("layout", LAYOUTS)
def test_layout_loads_to_ground_truth(tmp_path, layout):
    truth = an.sample.generate(respondents_per_group=1, waves=1, seed=11)
    survey = an.load(write(layout, truth, tmp_path))
    pd.testing.assert_frame_equal(survey.responses, truth.responses)
    pd.testing.assert_frame_equal(sorted_comments(survey.comments), sorted_comments(truth.comments))
    assert survey.excluded.empty
    report = survey.report().files[0]
    assert report.layout == LAYOUTS[layout][2]
    assert len(report.items) == 21
    assert not any("similarity" in n for n in report.notes)


def test_msforms_dutch_layout_still_named(tmp_path):
    truth = an.sample.generate(respondents_per_group=1, waves=1, seed=3)
    path = an.sample.write_msforms_xlsx(truth, tmp_path / "m.xlsx", "1", problems=False)
    assert an.load(path).report().files[0].layout == "Microsoft Forms (nl)"


@pytest.mark.parametrize("values, suffix", [("numeric", ".csv"), ("text", ".xlsx")])
def test_qualtrics_previews_and_unfinished(tmp_path, values, suffix):
    truth = an.sample.generate(respondents_per_group=1, waves=1, seed=4)
    path = qualtrics(truth, tmp_path / f"q{suffix}", values, problems=True)
    survey = an.load(path)
    pd.testing.assert_frame_equal(survey.responses, truth.responses)
    # 3 header rows + 30 answers: the appended rows are spreadsheet rows 34, 35, 36
    assert survey.excluded[["row", "column", "reason"]].values.tolist() == [
        [34, "Response Type", "preview"], [35, "Response Type", "preview"], [36, "Progress", "not_finished"]]
    kept = an.load(path, unfinished="keep")
    assert len(kept.responses) == 31 and "X3" in set(kept.responses["respondent_id"])
    assert kept.excluded["reason"].tolist() == ["preview", "preview"]
    assert any("unfinished response(s) kept" in n for n in kept.report().files[0].notes)
    with pytest.raises(an.SurveyError, match="unfinished= must be"):
        an.load(path, unfinished="maybe")


def test_limesurvey_empty_submitdate_is_unfinished(tmp_path):
    truth = an.sample.generate(respondents_per_group=1, waves=1, seed=5)
    survey = an.load(limesurvey(truth, tmp_path / "lime.csv", problems=True))
    assert survey.excluded[["row", "column", "reason"]].values.tolist() == [[32, "Date submitted", "not_finished"]]
    assert "unfinished='keep'" in survey.excluded["detail"].iloc[0]


def test_limesurvey_codes_only_is_refused(tmp_path):
    truth = an.sample.generate(respondents_per_group=1, waves=1, seed=5)
    path = limesurvey(truth, tmp_path / "lime.csv", headings="codetext")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.columns = [c.split(". ")[0] for c in frame.columns]  # 'question code' headings
    frame.to_csv(path, index=False)
    with pytest.raises(an.SurveyError, match=r"lime\.csv: the headers are LimeSurvey question codes only .*"
                                             r"export again with 'Question text'.* --column 'G1Q1\[SQ001\]=ambitie_1'"):
        an.load(path)
    # ... and an explicit map makes it loadable
    columns = {f"G{g}Q1[SQ{k:03d}]": item for g, cond in enumerate(CB.condition_codes, start=1)
               for k, item in enumerate(CB.items_of(cond), start=1)}
    columns |= {"resp": "respondent_id", "school": "partner", "niveau": "level"}
    assert len(an.load(path, columns=columns).responses) == 30


def test_spss_missing_pyreadstat_is_a_clear_error(tmp_path, monkeypatch):
    import builtins

    truth = an.sample.generate(respondents_per_group=1, waves=1, seed=5)
    path = spss(truth, tmp_path / "s.sav")
    real_import = builtins.__import__

    def no_pyreadstat(name, *args, **kwargs):
        if name == "pyreadstat":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pyreadstat)
    with pytest.raises(an.SurveyError, match=r"s\.sav: reading SPSS .sav files needs the optional package "
                                             r"pyreadstat; install it with: pip install 'analyse\[spss\]'"):
        an.load(path)


# ---------------------------------------------------------------- fuzzy statement matching
def test_fuzzy_header_matched_and_noted(tmp_path):
    truth = an.sample.generate(respondents_per_group=1, waves=1, seed=6)
    path = google_forms(truth, tmp_path / "g.csv")
    text = path.read_text(encoding="utf-8-sig").replace("Eventuele conflicten worden constructief besproken",
                                                         "Eventuele conflicten worden constructie besproken")
    path.write_text(text, encoding="utf-8")
    survey = an.load(path)
    pd.testing.assert_frame_equal(survey.responses, truth.responses)
    notes = [n for n in survey.report().files[0].notes if "similarity" in n]
    assert len(notes) == 1 and "relatie_3" in notes[0] and "score 0.9" in notes[0]


def test_ambiguous_fuzzy_header_not_matched(tmp_path, codebook):
    from importlib import resources

    from conftest import export_frame

    # A codebook with two near-identical statements: a header between them must not be guessed.
    text = resources.files("analyse").joinpath("data/common_eye.toml").read_text(encoding="utf-8")
    (tmp_path / "cb.toml").write_text(text.replace("We evalueren de voortgang op resultaten.",
                                                   "We evalueren onze samenwerkingen."), encoding="utf-8")
    frame = export_frame(codebook).drop(columns=[codebook.label("item", "proces_5")])
    frame = frame.rename(columns={codebook.label("item", "proces_4"): "We evalueren onze samenwerkinge"})
    frame.to_csv(tmp_path / "x.csv", index=False)
    survey = an.load(tmp_path / "x.csv", codebook=tmp_path / "cb.toml")
    notes = [n for n in survey.report().files[0].notes if "about as close to" in n]
    assert len(notes) == 1 and "proces_4" in notes[0] and "proces_5" in notes[0] and "not matched" in notes[0]
    assert survey.responses["proces_4"].isna().all() and survey.responses["proces_5"].isna().all()


# ---------------------------------------------------------------- properties
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), layout=st.sampled_from(sorted(LAYOUTS)))
def test_random_exports_load_to_their_data(tmp_path_factory, seed, layout):
    truth = an.sample.generate(respondents_per_group=1, waves=1, seed=seed)
    survey = an.load(write(layout, truth, tmp_path_factory.mktemp("l"), seed=seed))
    pd.testing.assert_frame_equal(survey.responses, truth.responses)


BAD = ["0", "6", "-1", "3,5", "ja", "", "=1+1", "Techniek", "Stagiair", "weet ik niet"]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), n_bad=st.integers(1, 30),
       layout=st.sampled_from(sorted(set(LAYOUTS) - {"spss"})))
def test_corrupted_exports_never_lose_a_row(tmp_path_factory, monkeypatch, seed, n_bad, layout):
    truth = an.sample.generate(respondents_per_group=1, waves=1, seed=seed)
    rng = np.random.default_rng(seed)
    original = body

    def corrupted(*args, **kwargs):
        frame = original(*args, **kwargs).astype(object)
        cols = ["Leerlab", "Niveau", "School", *CB.item_codes]
        for _ in range(n_bad):
            frame.iat[int(rng.integers(len(frame))), frame.columns.get_loc(cols[rng.integers(len(cols))])] = \
                BAD[rng.integers(len(BAD))]
        return frame

    monkeypatch.setattr(f"{__name__}.body", corrupted)
    path = write(layout, truth, tmp_path_factory.mktemp("c"), seed=seed)
    try:
        survey = an.load(path)
    except an.SurveyError as exc:
        assert str(path) in str(exc) and "no usable respondent" in str(exc)
        return
    assert len(survey.responses) + len(survey.excluded) == survey.report().rows_read == len(truth.responses)
    assert survey.excluded["reason"].isin(list(an.survey.REASONS)).all()


# ---------------------------------------------------------------- personal data
@pytest.mark.parametrize("layout", LAYOUTS)
def test_personal_data_never_reaches_output(tmp_path, monkeypatch, layout, capsys):
    truth = an.sample.generate(respondents_per_group=1, waves=1, seed=8)
    comments = truth.comments.copy()
    # Addresses typed into open answers are redacted; a name in free text cannot be recognised reliably.
    comments.loc[0, "text"] = f"Mail {SECRET_MAIL} of {SECRET_IP}"
    original = body

    def typed_in_wrong_field(*args, **kwargs):  # an address typed into the leerlab field: read as Horeca
        frame = original(*args, **kwargs)
        frame.loc[1, "Leerlab"] = f"Horeca {SECRET_MAIL}"
        return frame

    monkeypatch.setattr(f"{__name__}.body", typed_in_wrong_field)
    path = write(layout, an.Survey(truth.responses, comments=comments), tmp_path)
    survey = an.load(path)
    if layout == "spss":  # the .sav stores the leerlab as a value label: the typed text left it blank
        assert survey.excluded["reason"].tolist() == ["missing_leerlab"]
    else:
        assert survey.excluded.empty and survey.responses.loc[1, "leerlab"] == "Horeca"
    out = tmp_path / "out"
    out.mkdir()
    survey.to_csv(out / "s.csv")
    survey.to_excel(out / "s.xlsx")
    assert cli_main(["check", str(path), "--excluded", str(out / "excl.csv")]) == 0
    texts = [survey.responses.to_string(), survey.comments.to_string(), survey.excluded.to_string(),
             survey.report().to_text("nl"), survey.report().to_text("en"), capsys.readouterr().out,
             (out / "s.csv").read_text(encoding="utf-8"), (out / "excl.csv").read_text(encoding="utf-8"),
             pd.read_excel(out / "s.xlsx", dtype=str).to_string()]
    for text in texts:
        for secret in (SECRET_NAME, "prive.nl", SECRET_IP, SECRET_LAT, "4.888888", "Persoon 1"):
            assert secret not in text, (secret, text[:300])
    assert "[e-mail verwijderd]" in survey.comments["text"].str.cat()


def test_spreadsheet_output_has_no_formula_from_input(tmp_path):
    import openpyxl

    truth = an.sample.generate(respondents_per_group=1, waves=1, seed=9)
    comments = truth.comments.copy()
    comments.loc[0, "text"], comments.loc[1, "text"] = '=HYPERLINK("http://x","klik")', "+31 6 1234"
    path = write("qualtrics_text_xlsx", an.Survey(truth.responses, comments=comments), tmp_path)
    survey = an.load(path)
    assert {'=HYPERLINK("http://x","klik")', "+31 6 1234"} <= set(survey.comments["text"])
    ws = openpyxl.load_workbook(survey.to_excel(tmp_path / "o.xlsx")).active
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
