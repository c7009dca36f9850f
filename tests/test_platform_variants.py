"""Export variants of the survey platforms (issue item 6), modelled on real exports.

The Qualtrics writers follow the two real exports in ``tests/fixtures/qualtrics/``
(ropensci/qualtRics, MIT; see ``tests/fixtures/README.md``), whose conventions
the first tests below pin down:

* ``sample.csv`` (2017, current layout): three header rows; row 1 the export tags
  (``StartDate ... UserLanguage``, ``Q1``), row 2 the labels in the *account's*
  language (German: ``Anfangsdatum, Enddatum, Antworttyp, ...``), row 3 compact JSON
  ``{"ImportId":"startDate"}`` (no ``timeZone`` in this export), then a Text iQ column
  ``Q2 - Topics``; UTF-8 without BOM, LF, fields quoted only where needed; numeric
  ``Status`` 0 and ``Finished`` 1.
* ``sample_legacy.csv`` (the same response, legacy layout): two header rows, row 1
  ``V1..V10`` then question tags and ``LocationLatitude, LocationLongitude,
  LocationAccuracy``; row 2 ``ResponseID, ResponseSet, Name, ExternalDataReference,
  EmailAddress, IPAddress, Status, StartDate, EndDate, Finished`` (Status in V7, Finished
  in V10); UTF-8 *with* BOM, LF, and a trailing comma (an empty last column) on every row.

The single-quote ImportId style (``{'ImportId': 'QID5-1'}``) is not in those files. It
belongs to the 2016-2017 export format documented in qualtRics' own test of June 2017
(commit 311a896: ``ResponseID``/``ResponseSet``/``ExternalDataReference`` tags,
``{'ImportId': 'panel-RecipientEmail'}``, ``{'ImportId': 'Location-LocationLatitude'}``)
and in cnchapman/choicetools ``R/maxdiff-data-importexport.R`` (matrix ImportIds
``QID<n>-<k>``, row 2 ``question-statement`` without spaces; modern rows use ``" - "``).

LimeSurvey dual-scale headings follow LimeSurvey's source: the full heading is
``question [subquestion][Scale 1]`` (``viewHelper::getFieldText``, field map
``'scale' => gT('Scale 1')``), scale 1 and scale 2 of a subquestion side by side.
The CSV is written as ``CsvWriter.php`` writes it: UTF-8 BOM, ``;``, every value in
double quotes (NULL empty), CRLF, and one more CRLF at the end.

Unverified (marked where used): the Dutch row-2 labels of Qualtrics, the numeric
Status codes other than 0 (1 = preview, 8 = spam), and the legacy ``ResponseSet`` text
of an English account ("Default Response Set", from the qualtRics mock).
"""

import csv
import hashlib
import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import analyse as an
from test_platforms import (CB, LIME_META, META_HEADERS, QUALTRICS_META, SECRET_IP, SECRET_LAT, SECRET_MAIL,
                            body, personal, save, sorted_comments)

FIXTURES = Path(__file__).parent / "fixtures" / "qualtrics"
REAL_MODERN = FIXTURES / "sample.csv"
REAL_LEGACY = FIXTURES / "sample_legacy.csv"
REAL_SHA256 = {  # ropensci/qualtRics tests/testthat/files/, unchanged since commit b8d9c7e (2017-07-18)
    "sample.csv": "3f55357fe3768d0f539dc8a47f39707f77344824ce40c675e941f2531ae2aaea",
    "sample_legacy.csv": "5c6d903404be0e04d2a12d3a0d960c1fded9d14317cacde402bca2b40719623b",
}
REAL_IP, REAL_LAT, REAL_LON = "130.92.34.66", "47.115097045898", "7.2315979003906"


def read_rows(path):
    """The cells of a CSV as lists of strings (BOM removed)."""
    return list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))


def write_csv(rows, path, *, bom):
    """Qualtrics' CSV: comma, LF, quoted only where needed; None as an empty field."""
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode("utf-8"))
    return path


def write(rows, path, *, bom):
    return write_csv(rows, path, bom=bom) if path.suffix == ".csv" else save(rows, path)


_MODERN_HEAD = read_rows(REAL_MODERN)[:3]
_LEGACY_HEAD = read_rows(REAL_LEGACY)[:2]

# ---------------------------------------------------------------- Qualtrics, current layout
QUALTRICS_TAGS = _MODERN_HEAD[0][:17]               # StartDate ... UserLanguage
QUALTRICS_IMPORT = [json.loads(c)["ImportId"] for c in _MODERN_HEAD[2][:17]]
QUALTRICS_ROW2 = {
    "de": _MODERN_HEAD[1][:17],                     # taken from the real export
    "en": [m[1] for m in QUALTRICS_META],
    # (unverified) plausible Dutch interface labels
    "nl": ["Begindatum", "Einddatum", "Antwoordtype", "IP-adres", "Voortgang", "Duur (in seconden)", "Voltooid",
           "Opgenomen datum", "Antwoord-ID", "Achternaam ontvanger", "Voornaam ontvanger", "E-mail ontvanger",
           "Externe gegevensreferentie", "Breedtegraad locatie", "Lengtegraad locatie", "Distributiekanaal",
           "Gebruikerstaal"],
}
DATES = {"startDate", "endDate", "recordedDate"}
PREVIEW, SPAM = 1, 8  # numeric Status codes (unverified; 0 = normal response is in the real export)


def import_id(name, style="json", **extra):
    """Row-3 cell: compact JSON as in the real export, or the 2016-2017 Python-dict style."""
    if style == "json":
        return json.dumps({"ImportId": name, **extra}, separators=(",", ":"))
    return "{" + ", ".join(f"'{k}': '{v}'" for k, v in {"ImportId": name, **extra}.items()) + "}"


def response_ids(n, seed):
    chars = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"))
    rng = np.random.default_rng(seed)
    return ["R_" + "".join(rng.choice(chars, 15)) for _ in range(n)]


def blank(v):
    return v is None or (isinstance(v, float) and np.isnan(v))


def answers(b, numeric):
    """Cells as the platform stores them: item answers as ints (numeric export), empty cells as None."""
    b = b.astype(object).copy()
    for col in b.columns:
        numbers = numeric and col in CB.item_codes
        b[col] = pd.Series([None if blank(v) else int(v) if numbers else v for v in b[col]], dtype=object,
                           index=b.index)
    return b


def questions(dash, matrix_id, text_id, first=1):
    """Question columns: (row-1 tag, row-2 text, ImportId name, body column) per condition block.

    A matrix per condition (``Q<n>_<k>``, text ``question<dash>statement``) and a text
    entry for its comment (``Q<n+1>``), numbered on from ``first``.
    """
    cols, q, text_qs = [], first, []
    for cond in CB.condition_codes:
        question = CB.conditions.set_index("code").loc[cond, "question_nl"]
        for k, item in enumerate(CB.items_of(cond), start=1):
            cols.append((f"Q{q}_{k}", f"{question}{dash}{CB.label('item', item)}", matrix_id(q, k), item))
        cols.append((f"Q{q + 1}", "Onderbouw en licht toe", text_id(q + 1), f"comment_{cond}"))
        text_qs.append(q + 1)
        q += 2
    return cols, q, text_qs


def append_problems(table, id_key, status, finished, progress=None, channel=None):
    """A preview, a spam response and an unfinished response, copied from the first three rows."""
    extra = [dict(r) for r in table[:3]]
    for row, code, rid in zip(extra, ["X1", "X2", "X3"], response_ids(3, seed=len(table))):
        row["Respondentcode"], row[id_key] = code, rid
    extra[0][status], extra[1][status] = PREVIEW, SPAM
    if channel:
        extra[0][channel] = "preview"
    extra[2][finished] = 0
    if progress:
        extra[2][progress] = 40
    for cond in CB.condition_codes[2:]:  # a partial response stopped after two conditions
        for key in CB.items_of(cond) + [f"comment_{cond}"]:
            extra[2][key] = None
    return table + extra


def qualtrics_modern(truth, path, *, lang="en", dash=" - ", meta="embedded", timezone=True, problems=True, seed=1):
    """Qualtrics, current layout, numeric values: tags / labels in ``lang`` / ImportId JSON.

    ``meta="embedded"``: the background fields are embedded data after the questions
    (the same name in rows 1 and 2, ImportId = name); ``meta="questions"``: text-entry
    questions ``Q1..Q5`` before the condition blocks. Each comment question gets a
    Text iQ ``Q<n> - Topics`` column at the end, as in the real export.
    """
    b = answers(body(truth, labels=False, seed=seed), numeric=True)
    n, p = len(b), personal(len(b))
    cols = []
    first = 1
    if meta == "questions":
        cols += [(f"Q{i}", h, f"QID{i}_TEXT", h) for i, h in enumerate(META_HEADERS, start=1)]
        first = len(META_HEADERS) + 1
    qcols, _, text_qs = questions(dash, lambda q, k: f"QID{q}_{k}",
                                  lambda q: f"QID{q}_TEXT", first)
    cols += qcols
    if meta == "embedded":
        cols += [(h, h, h, h) for h in META_HEADERS]
    for q in text_qs:
        digest = hashlib.md5(f"{path.name}{q}".encode()).hexdigest()[:24]
        cols.append((f"Q{q} - Topics", f"Q{q} - Topics", f"QID{q}_TEXT_{digest}Topics", None))

    tz = {"timeZone": "Europe/Amsterdam"} if timezone else {}
    rows = [QUALTRICS_TAGS + [c[0] for c in cols], QUALTRICS_ROW2[lang] + [c[1] for c in cols],
            [import_id(i, **(tz if i in DATES else {})) for i in QUALTRICS_IMPORT] + [import_id(c[2]) for c in cols]]
    start = pd.Timestamp("2026-03-02 09:00:00")
    table = []
    for i, rid in enumerate(response_ids(n, seed)):
        t = start + pd.Timedelta(minutes=7 * i)
        row = {"StartDate": f"{t}", "EndDate": f"{t + pd.Timedelta(minutes=12)}", "Status": 0,
               "IPAddress": p["ip"][i], "Progress": 100, "Duration (in seconds)": 720, "Finished": 1,
               "RecordedDate": f"{t + pd.Timedelta(minutes=12, seconds=1)}", "ResponseId": rid,
               "RecipientLastName": p["last"][i], "RecipientFirstName": p["first"][i],
               "RecipientEmail": p["mail"][i], "ExternalReference": None, "LocationLatitude": p["lat"][i],
               "LocationLongitude": p["lon"][i], "DistributionChannel": "email", "UserLanguage": "NL"}
        row |= {c[3]: b.loc[i, c[3]] for c in cols if c[3] is not None}
        table.append(row)
    if problems:
        table = append_problems(table, "ResponseId", "Status", "Finished", "Progress", "DistributionChannel")
    keys = QUALTRICS_TAGS + [c[3] for c in cols]
    rows += [[r.get(k) if k is not None else None for k in keys] for r in table]
    return write(rows, path, bom=False)


# ---------------------------------------------------------------- Qualtrics, 2016-2017: single-quote ImportIds
SINGLE_QUOTE_HEAD = [  # (row 1 = row 2, ImportId); order as in qualtRics' 2017 mock of this format
    ("ResponseID", "responseId"), ("ResponseSet", "responseSetId"), ("IPAddress", "ipAddress"),
    ("StartDate", "startDate"), ("EndDate", "endDate"), ("RecipientLastName", "panel-RecipientLastName"),
    ("RecipientFirstName", "panel-RecipientFirstName"), ("RecipientEmail", "panel-RecipientEmail"),
    ("ExternalDataReference", "panel-ExternalDataReference"), ("Finished", "finished"), ("Status", "status")]
SINGLE_QUOTE_TAIL = [("LocationLatitude", "Location-LocationLatitude"),
                     ("LocationLongitude", "Location-LocationLongitude"),
                     ("LocationAccuracy", "Location-LocationAccuracy")]


def qualtrics_single_quote(truth, path, *, dash="-", problems=True, seed=1):
    """The 2016-2017 three-row export: ``{'ImportId': 'QID5-1'}``, matrix text ``question-statement``.

    The background questions are text entries ``Q1..Q5``; the location columns close the row.
    """
    b = answers(body(truth, labels=False, seed=seed), numeric=True)
    n, p = len(b), personal(len(b))
    cols = [(f"Q{i}", h, f"QID{i}", h) for i, h in enumerate(META_HEADERS, start=1)]
    qcols, _, _ = questions(dash, lambda q, k: f"QID{q}-{k}", lambda q: f"QID{q}",
                            len(META_HEADERS) + 1)
    cols += qcols
    head, tail = [h[0] for h in SINGLE_QUOTE_HEAD], [t[0] for t in SINGLE_QUOTE_TAIL]
    rows = [head + [c[0] for c in cols] + tail, head + [c[1] for c in cols] + tail,
            [import_id(h[1], "python") for h in SINGLE_QUOTE_HEAD] + [import_id(c[2], "python") for c in cols]
            + [import_id(t[1], "python") for t in SINGLE_QUOTE_TAIL]]
    table = []
    for i, rid in enumerate(response_ids(n, seed)):
        row = {"ResponseID": rid, "ResponseSet": "Default Response Set", "IPAddress": p["ip"][i],
               "StartDate": "2016-04-04 10:20:41", "EndDate": "2016-04-04 10:32:13",
               "RecipientLastName": p["last"][i], "RecipientFirstName": p["first"][i],
               "RecipientEmail": p["mail"][i], "ExternalDataReference": None, "Finished": 1, "Status": 0,
               "LocationLatitude": p["lat"][i], "LocationLongitude": p["lon"][i], "LocationAccuracy": -1}
        row |= {c[3]: b.loc[i, c[3]] for c in cols}
        table.append(row)
    if problems:
        table = append_problems(table, "ResponseID", "Status", "Finished")
    keys = head + [c[3] for c in cols] + tail
    rows += [[r.get(k) for k in keys] for r in table]
    return write(rows, path, bom=True)


# ---------------------------------------------------------------- Qualtrics legacy: V1..V10
LEGACY_V = _LEGACY_HEAD[0][:10]        # V1 .. V10
LEGACY_LABELS = _LEGACY_HEAD[1][:10]   # ResponseID ... Status (V7) ... Finished (V10)
LEGACY_TAIL = _LEGACY_HEAD[0][12:15]   # LocationLatitude, LocationLongitude, LocationAccuracy


def qualtrics_legacy(truth, path, *, problems=True, seed=1):
    """Legacy export as the real sample_legacy.csv: two header rows, BOM, an empty last column.

    Status (V7) 0 = normal, 1 = preview; Finished (V10) 1/0. Background questions
    ``Q1..Q5``, matrices ``Q<n>_<k>`` with text ``question-statement``.
    """
    b = answers(body(truth, labels=False, seed=seed), numeric=True)
    n, p = len(b), personal(len(b))
    cols = [(f"Q{i}", h, None, h) for i, h in enumerate(META_HEADERS, start=1)]
    qcols, _, _ = questions("-", lambda q, k: None, lambda q: None, len(META_HEADERS) + 1)
    cols += qcols
    rows = [LEGACY_V + [c[0] for c in cols] + LEGACY_TAIL + [""],
            LEGACY_LABELS + [c[1] for c in cols] + LEGACY_TAIL + [""]]
    table = []
    for i, rid in enumerate(response_ids(n, seed)):
        row = {"ResponseID": rid, "ResponseSet": "Default Response Set", "Name": p["name"][i],
               "ExternalDataReference": None, "EmailAddress": p["mail"][i], "IPAddress": p["ip"][i], "Status": 0,
               "StartDate": "2017-07-18 08:28:09", "EndDate": "2017-07-18 08:38:48", "Finished": 1,
               "LocationLatitude": p["lat"][i], "LocationLongitude": p["lon"][i], "LocationAccuracy": -1}
        row |= {c[3]: b.loc[i, c[3]] for c in cols}
        table.append(row)
    if problems:
        table = append_problems(table, "ResponseID", "Status", "Finished")
        del table[-2]  # legacy: a preview and an unfinished response
    keys = LEGACY_LABELS + [c[3] for c in cols] + LEGACY_TAIL
    rows += [[r.get(k) for k in keys] + [None] for r in table]
    return write_csv(rows, path, bom=True)


# ---------------------------------------------------------------- checks shared by the variants
SECRETS = (SECRET_IP, "prive.nl", SECRET_MAIL, SECRET_LAT, "4.888888", "Persoon 1", "Geheime")


def assert_loads_to_truth(survey, truth):
    pd.testing.assert_frame_equal(survey.responses, truth.responses)
    pd.testing.assert_frame_equal(sorted_comments(survey.comments), sorted_comments(truth.comments))


def assert_no_personal_data(survey, secrets=SECRETS):
    texts = [survey.responses.to_string(), survey.comments.to_string(), survey.excluded.to_string(),
             survey.report().to_text("nl"), survey.report().to_text("en")]
    for text in texts:
        for secret in secrets:
            assert secret not in text, (secret, text[:300])


def excluded(survey):
    return survey.excluded[["row", "reason"]].values.tolist()


# ---------------------------------------------------------------- the real files and our conventions
def test_real_fixtures_are_unchanged_copies():
    for name, digest in REAL_SHA256.items():
        assert hashlib.sha256((FIXTURES / name).read_bytes()).hexdigest() == digest, name


def test_real_files_reproduced_by_our_csv_conventions(tmp_path):
    """Our CSV serialisation (modern: no BOM; legacy: BOM, empty last column) gives the real bytes back."""
    for path, bom in [(REAL_MODERN, False), (REAL_LEGACY, True)]:
        raw = path.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf") == bom and b"\r\n" not in raw
        assert write_csv(read_rows(path), tmp_path / path.name, bom=bom).read_bytes() == raw


def test_real_header_rows_match_the_writers():
    modern, legacy = read_rows(REAL_MODERN), read_rows(REAL_LEGACY)
    assert QUALTRICS_TAGS == [m[0] for m in QUALTRICS_META]
    assert [m[2] for m in QUALTRICS_META][2] == '{"ImportId":"status"}'
    assert QUALTRICS_IMPORT[:3] == ["startDate", "endDate", "status"] and QUALTRICS_IMPORT[8] == "_recordId"
    assert modern[2][:17] == [import_id(i) for i in QUALTRICS_IMPORT]  # compact JSON, no timeZone in 2017
    assert QUALTRICS_ROW2["de"][:7] == ["Anfangsdatum", "Enddatum", "Antworttyp", "IP-Adresse", "Aktueller Stand",
                                       "Dauer (in Sekunden)", "Beendet"]
    assert modern[0][-1] == modern[1][-1] == "Q2 - Topics"  # Text iQ column, both rows alike
    assert modern[3][2] == "0" and modern[3][6] == "1"      # numeric Status / Finished
    assert LEGACY_V == [f"V{i}" for i in range(1, 11)]
    assert LEGACY_LABELS[6] == "Status" and LEGACY_LABELS[9] == "Finished"
    assert legacy[0][-1] == legacy[1][-1] == legacy[2][-1] == ""
    assert legacy[2][6] == "0" and legacy[2][9] == "1"
    assert legacy[2][0] == modern[3][8]  # the same response, exported in both layouts


def test_writers_follow_the_real_conventions(tmp_path):
    truth = an.sample.generate(respondents_per_group=1, waves=1, seed=2)
    modern = qualtrics_modern(truth, tmp_path / "m.csv", lang="de", timezone=False).read_bytes()
    assert not modern.startswith(b"\xef\xbb\xbf") and b"\r\n" not in modern
    rows = read_rows(tmp_path / "m.csv")
    assert rows[0][:17] == _MODERN_HEAD[0][:17] and rows[1][:17] == _MODERN_HEAD[1][:17]
    assert rows[2][:17] == _MODERN_HEAD[2][:17]
    assert rows[2][17] == '{"ImportId":"QID1_1"}' and rows[0][17] == "Q1_1"
    assert rows[1][17].endswith(" - " + CB.label("item", "ambitie_1"))
    assert rows[0][-1].endswith(" - Topics") and len({len(r) for r in rows}) == 1
    legacy = qualtrics_legacy(truth, tmp_path / "l.csv").read_bytes()
    assert legacy.startswith(b"\xef\xbb\xbf") and b"\r\n" not in legacy
    rows = read_rows(tmp_path / "l.csv")
    assert rows[0][:10] == LEGACY_V and rows[1][:10] == LEGACY_LABELS and rows[0][-4:] == LEGACY_TAIL + [""]
    assert all(r[-1] == "" for r in rows) and len({len(r) for r in rows}) == 1
    single = read_rows(qualtrics_single_quote(truth, tmp_path / "s.csv"))
    assert single[2][0] == "{'ImportId': 'responseId'}"
    assert "{'ImportId': 'QID6-1'}" in single[2] and "{'ImportId': 'Location-LocationLatitude'}" in single[2]


# ---------------------------------------------------------------- the real files through the public API
# sample.csv and sample_legacy.csv hold one response to a two-question demo survey: Q1 a
# multiple-choice question exported as its number (2), Q2 free text. There is no leerlab,
# partner or level column: mapped to a statement, the files load as a single team's answers,
# the report names what the missing columns are needed for, and the IP address and location
# reach no output. Loading with values is tested on a copy with three background columns added
# in the file's own conventions.
@pytest.mark.parametrize("path, key", [(REAL_MODERN, "Q1"), (REAL_MODERN, "This is a multiple choice question."),
                                       (REAL_LEGACY, "Q1")])
def test_real_export_without_background_columns_loads_as_one_team(path, key):
    survey = an.load(path, columns={key: "ambitie_1"})
    r = survey.responses
    assert len(r) == 1 and survey.excluded.empty and r.loc[0, "ambitie_1"] == 2.0
    assert r[["leerlab", "partner", "level"]].isna().all(axis=None)
    notes = survey.report().files[0].notes
    assert any(n.startswith("no column for leerlab; needed for comparing leerlabs") for n in notes)
    assert_no_personal_data(survey, (REAL_IP, REAL_LAT, REAL_LON))


BACKGROUND = [("Leerlab", "Groen"), ("School", "Polderland mbo (fictief)"), ("Niveau", "Management")]


def check_real_copy(survey):
    r = survey.responses
    assert len(r) == 1 and survey.excluded.empty  # Status 0, Finished 1: a real response
    assert r.loc[0, "ambitie_1"] == 2.0 and r[[c for c in CB.item_codes if c != "ambitie_1"]].isna().all(axis=None)
    assert (r.loc[0, "leerlab"], r.loc[0, "partner"], r.loc[0, "level"]) == ("Groen", "Polderland mbo (fictief)",
                                                                            "management")
    assert survey.extra_columns == ["This is a free text question."]  # Q2, not mapped: kept to group by
    assert r.loc[0, "This is a free text question."] == "Hello World!"
    assert "Qualtrics" in survey.report().files[0].layout
    assert_no_personal_data(survey, (REAL_IP, REAL_LAT, REAL_LON))


def test_real_export_with_background_embedded_data_loads(tmp_path):
    rows = read_rows(REAL_MODERN)
    for name, value in BACKGROUND:  # embedded data after the last column: name in rows 1-2, ImportId = name
        for row, cell in zip(rows, [name, name, import_id(name), value]):
            row.append(cell)
    path = write_csv(rows, tmp_path / "sample_meting1.csv", bom=False)
    check_real_copy(an.load(path, columns={"Q1": "ambitie_1"}))


def test_real_legacy_export_with_background_questions_loads(tmp_path):
    rows = read_rows(REAL_LEGACY)
    at = rows[0].index("LocationLatitude")  # questions come before the location columns
    for k, (name, value) in enumerate(BACKGROUND):
        for row, cell in zip(rows, [f"Q{3 + k}", name, value]):
            row.insert(at + k, cell)
    path = write_csv(rows, tmp_path / "sample_legacy_meting1.csv", bom=True)
    check_real_copy(an.load(path, columns={"Q1": "ambitie_1"}))


# ---------------------------------------------------------------- Qualtrics variants load to their truth
@pytest.mark.parametrize("lang, meta, timezone", [("de", "embedded", False), ("nl", "questions", True),
                                                  ("en", "embedded", True)])
def test_qualtrics_row2_language_does_not_matter(tmp_path, lang, meta, timezone):
    truth = an.sample.generate(respondents_per_group=1, waves=1, seed=21)
    path = qualtrics_modern(truth, tmp_path / f"qualtrics_{lang}_meting1.csv", lang=lang, meta=meta,
                            timezone=timezone)
    survey = an.load(path)
    assert_loads_to_truth(survey, truth)
    # 3 header rows + 30 responses: the preview, the spam and the unfinished response are rows 34-36
    assert excluded(survey) == [[34, "preview"], [35, "preview"], [36, "not_finished"]]
    assert "Qualtrics" in survey.report().files[0].layout
    assert_no_personal_data(survey)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize("dash", ["-", " - "])
def test_qualtrics_single_quote_import_ids(tmp_path, suffix, dash):
    truth = an.sample.generate(respondents_per_group=1, waves=1, seed=22)
    survey = an.load(qualtrics_single_quote(truth, tmp_path / f"qualtrics_2017_meting1{suffix}", dash=dash))
    assert_loads_to_truth(survey, truth)
    assert excluded(survey) == [[34, "preview"], [35, "preview"], [36, "not_finished"]]
    assert_no_personal_data(survey)


@pytest.mark.parametrize("dash", ["-", " -", "- "])
def test_qualtrics_matrix_dash_spacing(tmp_path, dash):
    truth = an.sample.generate(respondents_per_group=1, waves=1, seed=23)
    survey = an.load(qualtrics_modern(truth, tmp_path / "qualtrics_meting1.csv", dash=dash))
    assert_loads_to_truth(survey, truth)
    assert excluded(survey) == [[34, "preview"], [35, "preview"], [36, "not_finished"]]
    assert not any("similarity" in n for n in survey.report().files[0].notes)


def test_qualtrics_legacy_v_columns(tmp_path):
    truth = an.sample.generate(respondents_per_group=1, waves=1, seed=24)
    survey = an.load(qualtrics_legacy(truth, tmp_path / "qualtrics_legacy_meting1.csv"))
    assert_loads_to_truth(survey, truth)
    # 2 header rows + 30 responses: the preview (V7 = 1) is row 33, the unfinished one (V10 = 0) row 34
    assert excluded(survey) == [[33, "preview"], [34, "not_finished"]]
    assert "Qualtrics" in survey.report().files[0].layout
    assert_no_personal_data(survey, SECRETS + ("Geheime Persoon",))


# ---------------------------------------------------------------- LimeSurvey dual-scale arrays
def write_limesurvey_csv(rows, path):
    """As LimeSurvey's CsvWriter: BOM, ';', every value double-quoted (NULL empty), CRLF, a closing CRLF."""
    def cell(v):
        return "" if v is None else '"' + str(v).replace('"', '""') + '"'
    text = "".join(";".join(cell(v) for v in row) + "\r\n" for row in rows) + "\r\n"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    return path


def limesurvey_dual_scale(truth, path, seed=1):
    """Full headings ``Ambitie [statement][Scale 1]`` / ``[Scale 2]``, full answers.

    Scale 1 holds the agreement answers, scale 2 an importance rating ("belang") whose
    answer options are labelled 1-5. Returns the path and the scale-2 values by item.
    """
    b = answers(body(truth, labels=True, seed=seed), numeric=False)
    n, p = len(b), personal(len(b))
    rng = np.random.default_rng(seed + 1000)
    belang = pd.DataFrame(rng.integers(1, 6, (n, len(CB.item_codes))).astype(float), columns=CB.item_codes)
    belang = belang.mask(rng.random(belang.shape) < 0.05)
    heads = [m[1] for m in LIME_META] + list(META_HEADERS)
    for cond in CB.condition_codes:
        for item in CB.items_of(cond):
            for scale in (1, 2):
                heads.append(f"{CB.label('condition', cond)} [{CB.label('item', item)}][Scale {scale}]")
        heads.append("Onderbouw en licht toe")
    rows = [heads]
    for i in range(n):
        row = [i + 1, "2026-03-02 09:12:00", 6, "nl", 123456 + i, "2026-03-02 09:00:00", "2026-03-02 09:12:00",
               p["ip"][i], f"https://example.org/?email={p['mail'][i]}"]
        row += [b.loc[i, h] or "" for h in META_HEADERS]
        for cond in CB.condition_codes:
            for item in CB.items_of(cond):
                two = belang.loc[i, item]
                row += [b.loc[i, item] or "", "" if np.isnan(two) else f"{two:g}"]
            row.append(b.loc[i, f"comment_{cond}"] or "")
        rows.append(row)
    return write_limesurvey_csv(rows, path), belang


def test_limesurvey_dual_scale_refused_without_a_choice(tmp_path):
    truth = an.sample.generate(respondents_per_group=1, waves=1, seed=25)
    path, _ = limesurvey_dual_scale(truth, tmp_path / "lime_meting1.csv")
    with pytest.raises(an.SurveyError) as info:
        an.load(path)
    message = str(info.value)
    assert "lime_meting1.csv" in message and "Scale 1" in message and "Scale 2" in message
    assert "dual_scale" in message  # how to choose: dual_scale = 1 or 2 in the column map


@pytest.mark.parametrize("scale", [1, 2])
def test_limesurvey_dual_scale_chosen_in_the_map_file(tmp_path, monkeypatch, scale):
    truth = an.sample.generate(respondents_per_group=1, waves=1, seed=25)
    path, belang = limesurvey_dual_scale(truth, tmp_path / "lime_meting1.csv")
    (tmp_path / "kolommen.toml").write_text(f"# which scale of the dual-scale arrays holds the answers\n"
                                            f"dual_scale = {scale}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    survey = an.load(path, columns="kolommen.toml")
    if scale == 1:
        assert_loads_to_truth(survey, truth)
    else:
        expected = truth.responses.copy()
        expected[CB.item_codes] = belang.to_numpy()
        pd.testing.assert_frame_equal(survey.responses, expected)
    assert survey.excluded.empty


# ---------------------------------------------------------------- SPSS: metadata by name or by label
def spss_variant(truth, path, by, seed=1):
    """SPSS .sav with the background as coded variables with value labels.

    ``by="name"``: variables ``leerlab``, ``niveau``, ``school`` (also ``respondentcode``,
    ``sector``, ``email``) labelled only "Q1", "Q2", ...; ``by="label"``: variables
    ``v1, v2, ...`` labelled with the question ("In welk leerlab werk je?", ...).
    """
    pyreadstat = pytest.importorskip("pyreadstat")
    b = body(truth, labels=False, seed=seed)
    p = personal(len(b))
    leerlabs = {float(i): CB.label("leerlab", c) for i, c in enumerate(CB.leerlab_codes, start=1)}
    levels = {1.0: "Bestuurlijk", 2.0: "Management", 3.0: "Uitvoerend"}
    background = [  # (by name, by label, label, values)
        ("leerlab", "v1", "In welk leerlab werk je?", b["Leerlab"].map({v: k for k, v in leerlabs.items()})),
        ("niveau", "v2", "Wat is je functieniveau?", b["Niveau"].map({v: k for k, v in levels.items()})),
        ("school", "v3", "Naam van je school", b["School"]),
        ("respondentcode", "v4", "Respondentcode", b["Respondentcode"]),
        ("sector", "v5", "Type onderwijs", b["Type onderwijs"]),
        ("email", "v6", "E-mailadres", pd.Series(p["mail"])),
    ]
    frame, labels = pd.DataFrame(), []
    for k, (name, vname, label, values) in enumerate(background, start=1):
        frame[name if by == "name" else vname] = values.to_numpy()
        labels.append(f"Q{k}" if by == "name" else label)
    coded = list(frame.columns[:2])
    scale = dict(zip([1.0, 2.0, 3.0, 4.0, 5.0], CB.point_labels("nl"))) | {9.0: "Weet ik niet"}
    items = [f"v{k}" if by == "name" else f"v{k + len(background)}" for k in range(1, len(CB.item_codes) + 1)]
    dont_know = np.random.default_rng(seed).random(len(b)) < 0.5
    for var, code in zip(items, CB.item_codes):
        values = pd.to_numeric(b[code]).to_numpy(dtype=float)
        values[np.isnan(values) & dont_know] = 9  # "Weet ik niet", declared user-missing, or left empty
        frame[var] = values
        labels.append(CB.label("item", code))
    for cond in CB.condition_codes:
        frame[f"c_{cond}"] = b[f"comment_{cond}"].fillna("")
        labels.append(f"{CB.label('condition', cond)} - Onderbouw en licht toe")
    pyreadstat.write_sav(frame, str(path), column_labels=labels,
                         variable_value_labels={coded[0]: leerlabs, coded[1]: levels} | {v: scale for v in items},
                         missing_ranges={v: [9] for v in items})
    return path


@pytest.mark.parametrize("by", ["name", "label"])
def test_spss_metadata_by_name_or_label(tmp_path, by):
    pyreadstat = pytest.importorskip("pyreadstat")
    truth = an.sample.generate(respondents_per_group=1, waves=1, seed=26)
    path = spss_variant(truth, tmp_path / f"spss_{by}_meting1.sav", by)
    meta = pyreadstat.read_sav(str(path), metadataonly=True)[1]
    leerlab = "leerlab" if by == "name" else "v1"
    assert meta.variable_value_labels[leerlab][1.0] == "Sport & Bewegen"
    assert meta.column_names_to_labels[leerlab] == ("Q1" if by == "name" else "In welk leerlab werk je?")
    survey = an.load(path)
    assert_loads_to_truth(survey, truth)
    assert survey.excluded.empty
    assert_no_personal_data(survey, ("prive.nl",))


def test_limesurvey_dual_scale_chosen_in_the_codebook(tmp_path):
    truth = an.sample.generate(respondents_per_group=1, waves=1, seed=25)
    path, _ = limesurvey_dual_scale(truth, tmp_path / "lime_meting1.csv")
    text = (Path(an.__file__).parent / "data" / "common_eye.toml").read_text(encoding="utf-8")
    (tmp_path / "cb.toml").write_text(text.replace("[scale]\n", "[scale]\ndual_scale = 1\n", 1), encoding="utf-8")
    assert_loads_to_truth(an.load(path, codebook=tmp_path / "cb.toml"), truth)
    (tmp_path / "bad.toml").write_text(text.replace("[scale]\n", "[scale]\ndual_scale = \"1\"\n", 1), encoding="utf-8")
    with pytest.raises(an.CodebookError, match=r"\[scale\] dual_scale must be a whole number, not the string '1'"):
        an.load(path, codebook=tmp_path / "bad.toml")
