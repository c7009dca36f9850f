"""Survey exports whose metadata are asked as questions, laid out as the platforms write them.

``tests/test_platforms.py`` puts the metadata in columns literally named
"Leerlab", "School", "Niveau". Real forms do not: a school asks "In welk
leerlab werk je?" or "Which school do you work at?", with answer options such
as "Leerlab Groen (Ottoland)" or "Professioneel (docent, instructeur)". The
writers below lay one wave of ``analyse.sample.generate`` out as each platform
documents its download (``shared/PLATFORMS.md``): header rows, bookkeeping
and personal columns, answer coding, file encoding. The metadata questions,
their phrasing and their answer options are data (:class:`Question`), so that
the property test can draw new ones.

Built from the platform documentation only, not from the loader's code.
Made-up personal data (names, e-mail and IP addresses, locations) are planted
in the platforms' own columns; none may reach any output.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

import analyse as an
from analyse.sample import _wave_frame

# The platforms' own columns, as test_platforms lays them out (one list per platform).
from test_platforms import LIME_META as LIME_BOOKKEEPING  # noqa: E402
from test_platforms import QUALTRICS_META as QUALTRICS_BOOKKEEPING  # noqa: E402
from test_platforms import SURVEYMONKEY_META as SURVEYMONKEY_BOOKKEEPING  # noqa: E402

# The codebook as data (read-only): names and synonyms of leerlabs, levels and sectors.
RAW = tomllib.loads(resources.files("analyse").joinpath("data/common_eye.toml").read_text(encoding="utf-8"))
CONDITIONS = [c["code"] for c in RAW["conditions"]]
ITEMS = [i["code"] for i in RAW["items"]]
ITEMS_OF = {c: [i["code"] for i in RAW["items"] if i["condition"] == c] for c in CONDITIONS}
STATEMENT = {lang: {i["code"]: i[lang] for i in RAW["items"]} for lang in ("nl", "en")}
CONDITION_QUESTION = {lang: {c["code"]: c[f"question_{lang}"] for c in RAW["conditions"]} for lang in ("nl", "en")}
CONDITION_NAME = {lang: {c["code"]: c[lang] for c in RAW["conditions"]} for lang in ("nl", "en")}
POINT_LABELS = RAW["scale"]["point_labels"]
NL_TO_EN = dict(zip(POINT_LABELS["nl"], POINT_LABELS["en"])) | {"Weet ik niet": "Don't know"}
COMMENT_HEADER = {"nl": "Onderbouw en licht toe", "en": "Explain your answer"}

ROLES = ["respondent_id", "wave", "leerlab", "partner", "sector", "level"]
CODED_ROLES = {"leerlab": "leerlabs", "level": "levels", "sector": "sectors"}  # role -> codebook table

#: The wave asked as a date: every respondent filled the form in at the same meeting.
WAVE_DATE = dt.date(2026, 3, 12)
WAVE_DATE_ISO = WAVE_DATE.isoformat()  # the wave the loader must give

# Made-up personal data. Nothing of it may appear in any output.
SECRETS = ["Verborgen", "thuisadres.example", "198.51.100.", "52.123456", "4.654321"]


def personal(n: int) -> dict[str, list]:
    return {"first": ["Marjolein"] * n, "last": [f"Verborgen {i}" for i in range(1, n + 1)],
            "name": [f"Marjolein Verborgen {i}" for i in range(1, n + 1)],
            "mail": [f"m.verborgen{i}@thuisadres.example" for i in range(1, n + 1)],
            "ip": [f"198.51.100.{i}" for i in range(1, n + 1)], "lat": ["52.123456"] * n, "lon": ["4.654321"] * n}


# ---------------------------------------------------------------- the codebook's names
def codebook_names(role: str) -> dict[str, list[str]]:
    """Code -> every name the codebook gives it (code, nl, en, synonyms)."""
    out = {}
    for entry in RAW[CODED_ROLES[role]]:
        out[entry["code"]] = [entry["code"], entry["nl"], entry["en"], *entry.get("synonyms", [])]
    return out


def codes_named_in(text: str, role: str) -> set[str]:
    """The codes of ``role`` whose code, name or synonym occurs in ``text`` as a whole word (any case)."""
    found = set()
    for code, names in codebook_names(role).items():
        for name in names:
            if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, flags=re.IGNORECASE):
                found.add(code)
    return found


def is_plain_name(text: str, role: str) -> bool:
    """Whether ``text`` is exactly a codebook code, name or synonym (any case and spacing): not decorated."""
    key = " ".join(text.split()).casefold()
    return any(key == " ".join(n.split()).casefold() for names in codebook_names(role).values() for n in names)


# ---------------------------------------------------------------- questions
@dataclass(frozen=True)
class Question:
    """A metadata question as a form asks it.

    ``answers`` maps a code (a leerlab, level or sector code; ``"1"`` for a
    wave number) to its answer texts: one text for a choice question, several
    for typed text (each row then types one of them). ``partner`` and
    ``respondent_id`` are answered with the truth itself (a school's name, a
    code); ``kind="date"`` answers the wave with :data:`WAVE_DATE`.
    ``kind`` is one of ``choice``, ``text`` (typed), ``date``, ``embedded``
    (Qualtrics embedded data: the same name in its header rows). ``code`` is
    the platform's question code (LimeSurvey heading, Qualtrics export tag).
    """

    role: str
    header: str
    answers: dict[str, list[str]] | None = None
    kind: str = "choice"
    code: str = ""


def choice(role: str, header: str, options: dict[str, str], code: str = "") -> Question:
    return Question(role, header, {k: [v] for k, v in options.items()}, "choice", code)


def typed(role: str, header: str, options: dict[str, list[str]] | None = None, code: str = "") -> Question:
    return Question(role, header, options, "text", code)


def asks(questions: list[Question], role: str) -> Question | None:
    return next((q for q in questions if q.role == role), None)


def wave_of(questions: list[Question]) -> str:
    """The wave a file with these questions must load to (the file names carry ``meting1``)."""
    q = asks(questions, "wave")
    return WAVE_DATE_ISO if q is not None and q.kind == "date" else "1"


# ---------------------------------------------------------------- one wave as typed answers
def answers_table(truth: an.Survey, questions: list[Question], *, lang: str, coding: str, seed: int,
                  overrides: dict | None = None) -> pd.DataFrame:
    """Wave 1 as a platform holds it: ``meta:<role>`` columns, item codes, ``comment_<condition>``.

    ``coding``: ``labels`` (answer labels in ``lang``, "Weet ik niet"/"Don't know"
    or blank for no answer), ``numeric`` (1..5, blank for no answer) or ``lime``
    (LimeSurvey answer codes A1..A5, blank for no answer). ``overrides`` maps
    (row, role) to a raw answer typed instead.
    """
    frame = _wave_frame(truth, "1", lang_labels=coding != "numeric", seed=seed)
    r = truth.responses[truth.responses["wave"] == "1"].reset_index(drop=True)
    rng = np.random.default_rng(seed + 1)
    out = pd.DataFrame(index=frame.index)
    for q in questions:
        if q.role == "respondent_id":
            cells = r["respondent_id"].astype(str).tolist()
        elif q.role == "partner":
            cells = r["partner"].astype(str).tolist()
        elif q.role == "wave":
            cells = [WAVE_DATE] * len(r) if q.kind == "date" else \
                [q.answers["1"][int(rng.integers(len(q.answers["1"])))] for _ in range(len(r))]
        else:
            cells = [q.answers[v][int(rng.integers(len(q.answers[v])))] for v in r[q.role].astype(str)]
        out[f"meta:{q.role}"] = pd.Series(cells, index=frame.index, dtype=object)
    for (row, role), value in (overrides or {}).items():
        out.loc[row, f"meta:{role}"] = value
    items = frame[ITEMS].astype(object)
    if coding == "numeric":
        items = items.replace("n.v.t.", None)
    elif coding == "lime":
        codes = {label: f"A{k}" for k, label in enumerate(POINT_LABELS["nl"], start=1)}
        items = items.replace({**codes, "Weet ik niet": None})
    elif lang == "en":
        items = items.replace(NL_TO_EN)
    out[ITEMS] = items
    for cond in CONDITIONS:
        out[f"comment_{cond}"] = frame[f"comment_{cond}"].astype(object)
    return out.astype(object).where(out.notna(), None)


def default_order(questions: list[Question]) -> list[str]:
    """Columns as most forms ask them: the background questions first, then per condition its statements."""
    order = [f"meta:{q.role}" for q in questions]
    for cond in CONDITIONS:
        order += ITEMS_OF[cond] + [f"comment_{cond}"]
    return order


def condition_of(token: str) -> str | None:
    if token.startswith("comment_"):
        return token.removeprefix("comment_")
    return token.split("_")[0] if token in ITEMS else None


# ---------------------------------------------------------------- file writers
def save_xlsx(rows: list[list], path: Path, *, sheet: str = "Sheet1", date_format: str = "m/d/yy h:mm:ss",
              extra_sheets: dict[str, list[list]] | None = None) -> Path:
    """Rows (header rows included) as one sheet; text typed as text, dates as real Excel dates."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for i, row in enumerate(rows, start=1):
        for j, value in enumerate(row, start=1):
            if value is None:
                continue
            if isinstance(value, (np.integer, np.floating)):
                value = value.item()
            cell = ws.cell(i, j, value)
            if isinstance(value, str):
                cell.data_type = "s"  # a platform stores typed text as text, "=..." included
            elif isinstance(value, dt.datetime):
                cell.number_format = date_format
            elif isinstance(value, dt.date):  # a date question's answer
                cell.number_format = "m/d/yyyy"
    for name, extra in (extra_sheets or {}).items():
        other = wb.create_sheet(name)
        for row in extra:
            other.append(row)
    wb.save(path)
    return Path(path)


def save_csv(rows: list[list], path: Path, *, sep: str = ",", encoding: str = "utf-8", newline: str = "\r\n",
             quote_all: bool = False, trailing_newline: bool = False) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep, lineterminator=newline,
                        quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    if trailing_newline:
        buffer.write(newline)
    Path(path).write_bytes(buffer.getvalue().encode(encoding))
    return Path(path)


def _nl_date(value):
    """A date as Dutch Excel / Google Sheets (nl) write it: d-m-yyyy, no leading zeros."""
    return f"{value.day}-{value.month}-{value.year}" if isinstance(value, dt.date) else value


def _prepare(truth, questions, order, overrides, lang, coding, seed):
    table = answers_table(truth, questions, lang=lang, coding=coding, seed=seed, overrides=overrides)
    order = order or default_order(questions)
    assert sorted(order) == sorted(default_order(questions)), "order must hold every column once"
    return table, order


def msforms(truth, path, *, lang="nl", questions, order=None, overrides=None, seed=1, sheet="Sheet1"):
    """Microsoft Forms download (.xlsx): ID, start/completion time, e-mail, name, last modified, then questions.

    Likert statements one column each (header: the statement), each condition
    closed by an open question; choice questions export the choice text; dates
    are real Excel dates.
    """
    table, order = _prepare(truth, questions, order, overrides, lang, "labels", seed)
    n, p = len(table), personal(len(table))
    start = [dt.datetime(2026, 3, 12, 9, 0) + dt.timedelta(minutes=7 * i) for i in range(n)]
    bookkeeping = (["ID", "Begintijd", "Tijd van voltooien", "E-mail", "Naam", "Tijd van laatste wijziging"]
                   if lang == "nl" else ["ID", "Start time", "Completion time", "Email", "Name", "Last modified time"])
    head = [list(range(1, n + 1)), start, [s + dt.timedelta(minutes=11) for s in start], p["mail"], p["name"],
            [None] * n]
    headers = bookkeeping + [_header_msforms(t, questions, lang) for t in order]
    rows = [headers]
    for i in range(n):
        rows.append([col[i] for col in head] + [table.at[i, t] for t in order])
    return save_xlsx(rows, path, sheet=sheet)


def _header_msforms(token, questions, lang):
    if token.startswith("meta:"):
        return asks(questions, token[5:]).header
    if token.startswith("comment_"):
        return COMMENT_HEADER[lang]
    return STATEMENT[lang][token]


def dutch_excel_csv(truth, path, *, questions, order=None, overrides=None, seed=1, lang="nl"):
    """A Dutch Microsoft Forms download re-saved by Dutch Excel as "CSV (gescheiden door lijstscheidingsteken)".

    ``;``-separated, cp1252 without BOM, CRLF; Excel writes dates as
    ``d-m-yyyy h:mm`` and quotes only cells that need it.
    """
    table, order = _prepare(truth, questions, order, overrides, "nl", "labels", seed)
    n, p = len(table), personal(len(table))
    start = [dt.datetime(2026, 3, 12, 9, 0) + dt.timedelta(minutes=7 * i) for i in range(n)]
    excel = lambda d: f"{d.day}-{d.month}-{d.year} {d.hour}:{d.minute:02d}"  # noqa: E731
    head = [list(range(1, n + 1)), [excel(s) for s in start],
            [excel(s + dt.timedelta(minutes=11)) for s in start], p["mail"], p["name"], [None] * n]
    headers = ["ID", "Begintijd", "Tijd van voltooien", "E-mail", "Naam", "Tijd van laatste wijziging"]
    headers += [_header_msforms(t, questions, "nl") for t in order]
    rows = [headers] + [[col[i] for col in head] + [_nl_date(table.at[i, t]) for t in order] for i in range(n)]
    return save_csv(rows, path, sep=";", encoding="cp1252", newline="\r\n")


def google(truth, path, *, lang="nl", questions, order=None, overrides=None, seed=1):
    """Google Forms responses: Tijdstempel/Timestamp, e-mail address, then one column per question.

    Grid questions become ``<grid title> [<row>]``. ``.csv``: the CSV download
    (UTF-8 without BOM, comma, dates in the sheet's locale, nl ``12-3-2026
    10:15:32``). ``.xlsx``: the Google Sheets download, response sheet ``Form
    Responses 1`` (or ``Formulierreacties 1``) with real dates, plus a sheet the
    researcher added with a formula.
    """
    path = Path(path)
    table, order = _prepare(truth, questions, order, overrides, lang, "labels", seed)
    n, p = len(table), personal(len(table))
    stamp, mail = ("Tijdstempel", "E-mailadres") if lang == "nl" else ("Timestamp", "Email Address")
    times = [dt.datetime(2026, 3, 12, 10, 15, 32) + dt.timedelta(minutes=3 * i) for i in range(n)]
    headers = [stamp, mail]
    for t in order:
        if t.startswith("meta:"):
            headers.append(asks(questions, t[5:]).header)
        elif t.startswith("comment_"):
            headers.append(COMMENT_HEADER[lang])
        else:
            headers.append(f"{CONDITION_QUESTION[lang][condition_of(t)]} [{STATEMENT[lang][t]}]")
    if path.suffix == ".csv":
        fmt = (lambda d: f"{d.day}-{d.month}-{d.year} {d.hour}:{d.minute:02d}:{d.second:02d}") if lang == "nl" \
            else (lambda d: f"{d.month}/{d.day}/{d.year} {d.hour}:{d.minute:02d}:{d.second:02d}")
        date = _nl_date if lang == "nl" else (lambda v: f"{v.month}/{v.day}/{v.year}"
                                              if isinstance(v, dt.date) else v)
        rows = [headers] + [[fmt(times[i]), p["mail"][i]] + [date(table.at[i, t]) for t in order] for i in range(n)]
        return save_csv(rows, path, sep=",", encoding="utf-8", newline="\r\n")
    rows = [headers] + [[times[i], p["mail"][i]] + [table.at[i, t] for t in order] for i in range(n)]
    sheet = "Formulierreacties 1" if lang == "nl" else "Form Responses 1"
    summary = [["Aantal reacties" if lang == "nl" else "Responses", f"=COUNTA('{sheet}'!A2:A1000)"]]
    return save_xlsx(rows, path, sheet=sheet, date_format="d/m/yyyy h:mm:ss",
                     extra_sheets={"Analyse" if lang == "nl" else "Summary": summary})


def qualtrics(truth, path, *, values="numeric", lang="nl", questions, order=None, overrides=None, seed=1):
    """Qualtrics export: row 1 export tags, row 2 question text (matrix: ``Question - Statement``), row 3 ImportIds.

    ``values="numeric"`` exports choices as numbers without labels (so a
    multiple-choice leerlab would arrive as 3): metadata there are text-entry
    questions (``QIDn_TEXT``) or embedded data (the field name in rows 1 and 2).
    ``values="text"`` exports choice text. ``.csv`` (UTF-8, minimal quoting, as
    the qualtRics sample) or ``.xlsx``.
    """
    path = Path(path)
    numeric = values == "numeric"
    table, order = _prepare(truth, questions, order, overrides, lang, "numeric" if numeric else "labels", seed)
    n, p = len(table), personal(len(table))
    matrix = {cond: 1 + 2 * k for k, cond in enumerate(CONDITIONS)}  # Q1, Q3, ...: matrices; Q2, Q4, ...: comments
    meta_q = {q.role: 11 + k for k, q in enumerate(questions)}
    ids, texts, imports = [], [], []
    for t in order:
        if t.startswith("meta:"):
            q = asks(questions, t[5:])
            if q.kind == "embedded":
                ids.append(q.header), texts.append(q.header), imports.append(json.dumps({"ImportId": q.header}))
                continue
            tag = q.code or f"Q{meta_q[q.role]}"
            text_entry = numeric or q.kind in ("text", "date")
            ids.append(tag), texts.append(q.header)
            imports.append(json.dumps({"ImportId": f"QID{meta_q[q.role]}" + ("_TEXT" if text_entry else "")}))
            assert not (numeric and q.kind == "choice"), "a numeric export has no text for a choice"
        elif t.startswith("comment_"):
            k = matrix[condition_of(t)] + 1
            ids.append(f"Q{k}"), texts.append(COMMENT_HEADER[lang])
            imports.append(json.dumps({"ImportId": f"QID{k}_TEXT"}))
        else:
            k, j = matrix[condition_of(t)], ITEMS_OF[condition_of(t)].index(t) + 1
            ids.append(f"Q{k}_{j}"), texts.append(f"{CONDITION_QUESTION[lang][condition_of(t)]} - {STATEMENT[lang][t]}")
            imports.append(json.dumps({"ImportId": f"QID{k}_{j}"}))
    status, finished = (0, 1) if numeric else ("IP Address", "True")
    start = [dt.datetime(2026, 3, 12, 9, 0) + dt.timedelta(minutes=5 * i) for i in range(n)]
    fmt = "%Y-%m-%d %H:%M:%S"
    head = {
        "StartDate": [s.strftime(fmt) for s in start],
        "EndDate": [(s + dt.timedelta(minutes=12)).strftime(fmt) for s in start], "Status": [status] * n,
        "IPAddress": p["ip"], "Progress": [100] * n, "Duration (in seconds)": [720 + i for i in range(n)],
        "Finished": [finished] * n, "RecordedDate": [(s + dt.timedelta(minutes=12, seconds=1)).strftime(fmt)
                                                     for s in start],
        "ResponseId": [f"R_{'3kQ9xYz' if numeric else '1aBcDeF'}{i:08d}" for i in range(n)],
        "RecipientLastName": p["last"], "RecipientFirstName": p["first"], "RecipientEmail": p["mail"],
        "ExternalReference": [None] * n, "LocationLatitude": p["lat"], "LocationLongitude": p["lon"],
        "DistributionChannel": ["email"] * n, "UserLanguage": [lang.upper()] * n}
    date = lambda v: f"{v.year}/{v.month:02d}/{v.day:02d}" if isinstance(v, dt.date) else v  # noqa: E731
    rows = [[b[0] for b in QUALTRICS_BOOKKEEPING] + ids, [b[1] for b in QUALTRICS_BOOKKEEPING] + texts,
            [b[2] for b in QUALTRICS_BOOKKEEPING] + imports]
    for i in range(n):
        rows.append([head[b[0]][i] for b in QUALTRICS_BOOKKEEPING] + [date(table.at[i, t]) for t in order])
    if path.suffix == ".csv":
        return save_csv(rows, path, sep=",", encoding="utf-8", newline="\n")
    return save_xlsx(rows, path, sheet="Sheet0")


def limesurvey(truth, path, *, headings="full", answers="full", lang="nl", questions, order=None, overrides=None,
               seed=1):
    """LimeSurvey CSV export: UTF-8 with BOM, ``;``, every field quoted, CRLF and an extra CRLF at the end.

    ``headings="full"``: ``<question> [<subquestion>]``; ``"codetext"``: question
    code and text (``G1Q1[SQ001]. <question> [<subquestion>]``). ``answers="codes"``
    exports answer codes: the statements as A1..A5 (the designer's default codes),
    a list question as the codes its designer set (``vmbo``/``mbo``), typed text
    as typed.
    """
    table, order = _prepare(truth, questions, order, overrides, lang, "lime" if answers == "codes" else "labels",
                            seed)
    n, p = len(table), personal(len(table))
    heads = []
    for t in order:
        if t.startswith("meta:"):
            q = asks(questions, t[5:])
            heads.append(q.header if headings == "full" else f"{q.code}. {q.header}")
        elif t.startswith("comment_"):
            g = CONDITIONS.index(condition_of(t)) + 1
            heads.append(COMMENT_HEADER[lang] if headings == "full" else f"G{g}Q2. {COMMENT_HEADER[lang]}")
        else:
            cond = condition_of(t)
            g, k = CONDITIONS.index(cond) + 1, ITEMS_OF[cond].index(t) + 1
            full = f"{CONDITION_NAME[lang][cond]} [{STATEMENT[lang][t]}]"
            heads.append(full if headings == "full" else f"G{g}Q1[SQ{k:03d}]. {full}")
    start = [dt.datetime(2026, 3, 12, 9, 0) + dt.timedelta(minutes=4 * i) for i in range(n)]
    fmt = "%Y-%m-%d %H:%M:%S"
    head = {"id": [str(i) for i in range(1, n + 1)],
            "submitdate": [(s + dt.timedelta(minutes=10)).strftime(fmt) for s in start], "lastpage": ["6"] * n,
            "startlanguage": [lang] * n, "seed": [str(1_000_000 + 7919 * i) for i in range(n)],
            "startdate": [s.strftime(fmt) for s in start],
            "datestamp": [(s + dt.timedelta(minutes=10)).strftime(fmt) for s in start], "ipaddr": p["ip"],
            "refurl": [f"https://intranet.example/nieuws?mail={m}" for m in p["mail"]]}
    bookkeeping = [b[1] if headings == "full" else b[0] for b in LIME_BOOKKEEPING]
    date = lambda v: f"{v.isoformat()} 00:00:00" if isinstance(v, dt.date) else v  # noqa: E731
    rows = [bookkeeping + heads]
    rows += [[head[b[0]][i] for b in LIME_BOOKKEEPING] + [date(table.at[i, t]) for t in order] for i in range(n)]
    return save_csv(rows, path, sep=";", encoding="utf-8-sig", newline="\r\n", quote_all=True,
                    trailing_newline=True)


def surveymonkey(truth, path, *, lang="nl", questions, order=None, overrides=None, seed=1):
    """SurveyMonkey "All individual responses" (.xlsx), two header rows.

    Row 1: bookkeeping, then question texts; a matrix has its text only above
    its first column. Row 2: ``Response`` under a single-choice question,
    ``Open-Ended Response`` under a text box, the statement under each matrix column.
    """
    table, order = _prepare(truth, questions, order, overrides, lang, "labels", seed)
    n, p = len(table), personal(len(table))
    top, sub = list(SURVEYMONKEY_BOOKKEEPING), [None] * len(SURVEYMONKEY_BOOKKEEPING)
    previous = None
    for t in order:
        if t.startswith("meta:"):
            q = asks(questions, t[5:])
            top.append(q.header), sub.append("Response" if q.kind == "choice" else "Open-Ended Response")
        elif t.startswith("comment_"):
            top.append(COMMENT_HEADER[lang]), sub.append("Open-Ended Response")
        else:
            cond = condition_of(t)
            first = previous not in ITEMS or condition_of(previous) != cond
            top.append(CONDITION_QUESTION[lang][cond] if first else None), sub.append(STATEMENT[lang][t])
        previous = t
    start = [dt.datetime(2026, 3, 12, 9, 0) + dt.timedelta(minutes=6 * i) for i in range(n)]
    us = lambda d: d.strftime("%m/%d/%Y %I:%M:%S %p")  # noqa: E731
    head = [[114_000_000_000 + 17 * i for i in range(n)], [431_234_567] * n, [us(s) for s in start],
            [us(s + dt.timedelta(minutes=9)) for s in start], p["ip"], p["mail"], p["first"], p["last"], p["name"]]
    date = lambda v: f"{v.month:02d}/{v.day:02d}/{v.year}" if isinstance(v, dt.date) else v  # noqa: E731
    rows = [top, sub] + [[col[i] for col in head] + [date(table.at[i, t]) for t in order] for i in range(n)]
    return save_xlsx(rows, path, sheet="Sheet")


# ---------------------------------------------------------------- the variants
LEERLAB_NL_CHOICE = {"Sport": "Sport & Bewegen", "Groen": "Leerlab Groen (Ottoland)",
                     "Verkoop": "Leerlab Oost (Verkoop)", "Zorg": "Zorg en Welzijn – Midden-Limburg",
                     "Horeca": "Horeca Drenthe (Assen)"}


@dataclass(frozen=True)
class Variant:
    name: str
    filename: str            # "_meting1" in the name where the wave comes from the file name
    writer: object
    lang: str
    questions: list[Question] = field(default_factory=list)
    header_rows: int = 1     # rows above the first answer
    options: dict = field(default_factory=dict)

    def write(self, truth, folder: Path, *, seed: int = 1, questions=None, order=None, overrides=None,
              filename=None) -> Path:
        return self.writer(truth, Path(folder) / (filename or self.filename), lang=self.lang,
                           questions=questions or self.questions, order=order, overrides=overrides, seed=seed,
                           **self.options)


VARIANTS = {v.name: v for v in [
    Variant("msforms_nl", "Reflecteren op samenwerking(1-30).xlsx", msforms, "nl", [
        # no respondent-code question: the ID column numbers the responses only
        choice("leerlab", "In welk leerlab werk je?", LEERLAB_NL_CHOICE),
        typed("partner", "Naam van je school "),  # the author's stray trailing space
        choice("sector", "Ben je werkzaam in het vmbo of het mbo?", {"vmbo": "Vmbo-school", "mbo": "mbo-instelling"}),
        choice("level", "Wat is je rol in de samenwerking?",
               {"bestuurlijk": "Bestuurlijk – CvB/directie", "management": "Management (teamleider)",
                "professioneel": "Professioneel (docent, instructeur)"}),
        Question("wave", "Datum van de bijeenkomst", kind="date"),
    ], options={"sheet": "Form1"}),
    Variant("msforms_en", "Reflecting on collaboration_meting1.xlsx", msforms, "en", [
        typed("respondent_id", "What is your personal code?"),
        choice("leerlab", "Which partnership are you part of?",
               {"Sport": "Sport & Exercise (Noord-Brabant)", "Groen": "Green (Ottoland)", "Verkoop": "Retail – Ommen",
                "Zorg": "Care & Welfare (Midden-Limburg)", "Horeca": "Hospitality – Assen"}),
        typed("partner", "Which school do you work at?"),
        choice("sector", "Do you work in vmbo or mbo?", {"vmbo": "vmbo school", "mbo": "MBO college"}),
        choice("level", "What is your role in the partnership?",
               {"bestuurlijk": "Board member (CvB)", "management": "Management (team leader)",
                "professioneel": "Teacher / professional"}),
    ]),
    Variant("google_nl_csv", "Reflectie samenwerking (Reacties).csv", google, "nl", [
        typed("respondent_id", "Wat is je persoonlijke code?"),
        choice("leerlab", "Leerlab / regio",
               {"Sport": "Noord-Brabant (Sport & Bewegen)", "Groen": "Ottoland – Groen", "Verkoop": "Ommen (Verkoop)",
                "Zorg": "Midden-Limburg: Zorg & Welzijn", "Horeca": "Assen – Horeca"}),
        typed("partner", "Naam school / instelling"),
        choice("sector", "Onderwijstype", {"vmbo": "VMBO", "mbo": "MBO"}),
        choice("level", "Wat is je functie?",
               {"bestuurlijk": "Bestuurder", "management": "Teamleider / manager",
                "professioneel": "Docent / uitvoerend"}),
        Question("wave", "Datum van de meting", kind="date"),
    ]),
    Variant("google_en_xlsx", "Reflecting on collaboration (Responses).xlsx", google, "en", [
        typed("respondent_id", "Your code (from the invitation)"),
        choice("leerlab", "Name of your leerlab",
               {"Sport": "Sport & Bewegen", "Groen": "Leerlab Groen (Ottoland)", "Verkoop": "Leerlab Oost – Verkoop",
                "Zorg": "Zorg & Welzijn (Midden-Limburg)", "Horeca": "Horeca (Assen)"}),
        typed("partner", "Your school or institution"),
        choice("sector", "School type (vmbo/mbo)", {"vmbo": "vmbo", "mbo": "mbo (ROC)"}),
        choice("level", "Level in the partnership",
               {"bestuurlijk": "Board", "management": "Management", "professioneel": "Professional (teacher)"}),
        choice("wave", "Survey wave", {"1": "1"}),
    ]),
    Variant("qualtrics_numeric_csv", "Reflecteren op samenwerking_meting1.csv", qualtrics, "nl", [
        typed("respondent_id", "Persoonlijke code (zie uitnodiging)"),
        # embedded data set by the leerlab's own link: text in both export modes
        Question("leerlab", "Leerlab_regio", {"Sport": ["Sport & Bewegen (Noord-Brabant)"],
                                               "Groen": ["Groen (Ottoland)"], "Verkoop": ["Verkoop (Oost, Ommen)"],
                                               "Zorg": ["Zorg en Welzijn – Midden-Limburg"],
                                               "Horeca": ["Horeca (Assen)"]}, kind="embedded"),
        typed("partner", "Op welke school werk je?"),
        typed("sector", "Schooltype (vmbo of mbo)", {"vmbo": ["vmbo", "Vmbo", "VMBO"], "mbo": ["mbo", "MBO", "Mbo"]}),
        typed("level", "Wat is je functie binnen het leerlab?",
              {"bestuurlijk": ["bestuurder", "Bestuurder (CvB)", "lid college van bestuur"],
               "management": ["teamleider", "Teamleider techniek", "manager onderwijs"],
               "professioneel": ["docent", "Docent PIE", "projectleider"]}),
    ], header_rows=3, options={"values": "numeric"}),
    Variant("qualtrics_text_xlsx", "Reflecting on collaboration_meting1.xlsx", qualtrics, "en", [
        # no code question: ResponseId numbers the responses only
        choice("leerlab", "Leerlab (partnership)",
               {"Sport": "Sport & Bewegen (Noord-Brabant)", "Groen": "Groen – Ottoland", "Verkoop": "Verkoop (Ommen)",
                "Zorg": "Zorg & Welzijn", "Horeca": "Horeca – Assen"}),
        typed("partner", "Name of your school"),
        choice("sector", "Which sector do you work in?", {"vmbo": "pre-vocational (vmbo)", "mbo": "vocational (mbo)"}),
        choice("level", "At which level are you involved?",
               {"bestuurlijk": "Board level", "management": "Management level",
                "professioneel": "Professional level (teacher, instructor)"}),
    ], header_rows=3, options={"values": "text"}),
    Variant("limesurvey_full_csv", "results-survey415263.csv", limesurvey, "nl", [
        typed("respondent_id", "Deelnemerscode", code="DCODE"),
        choice("leerlab", "Aan welk leerlab neem je deel?",
               {"Sport": "Leerlab Sport & Bewegen", "Groen": "Leerlab Groen (Ottoland)",
                "Verkoop": "Leerlab Verkoop (Ommen)", "Zorg": "Leerlab Zorg en Welzijn",
                "Horeca": "Leerlab Horeca (Assen)"}, code="LL"),
        typed("partner", "Naam van je instelling", code="INST"),
        choice("sector", "Sector (vmbo/mbo)", {"vmbo": "Vmbo (basis/kader/gemengd)", "mbo": "Mbo (ROC/AOC)"},
               code="SECT"),
        choice("level", "Op welk niveau ben je betrokken?",
               {"bestuurlijk": "Bestuurlijk niveau", "management": "Management",
                "professioneel": "Professioneel / uitvoerend"}, code="NIV"),
        choice("wave", "Meetmoment", {"1": "1"}, code="MM"),
    ], options={"headings": "full", "answers": "full"}),
    Variant("limesurvey_codes_csv", "results-survey415263_meting1.csv", limesurvey, "nl", [
        typed("respondent_id", "Code van de uitnodiging", code="CODE"),
        typed("leerlab", "Leerlab (naam of regio)",
              {"Sport": ["Sport & Bewegen", "sport en bewegen", "Noord-Brabant"],
               "Groen": ["Groen", "groen ottoland"], "Verkoop": ["Verkoop", "Oost / Ommen"],
               "Zorg": ["Zorg & Welzijn", "Midden-Limburg"], "Horeca": ["Horeca", "Horeca Assen"]}, code="LL"),
        typed("partner", "Bij welke school ben je in dienst?", code="SCHOOL"),
        # a list question whose designer set the answer codes "vmbo" and "mbo"
        choice("sector", "Schooltype", {"vmbo": "vmbo", "mbo": "mbo"}, code="TYPE"),
        typed("level", "Functie in het project",
              {"bestuurlijk": ["Bestuurder", "bestuurder"], "management": ["teamleider", "Teamleider"],
               "professioneel": ["Docent", "docent", "projectleider"]}, code="FUNC"),
    ], options={"headings": "codetext", "answers": "codes"}),
    Variant("surveymonkey_xlsx", "Data_All_260312.xlsx", surveymonkey, "nl", [
        typed("respondent_id", "Persoonlijke code"),
        choice("leerlab", "Van welk leerlab ben je lid?",
               {"Sport": "Sport en Bewegen", "Groen": "Groen (Ottoland)", "Verkoop": "Verkoop – Leerlab Oost",
                "Zorg": "Zorg en Welzijn – Midden-Limburg", "Horeca": "Horeca (Leerlab Assen)"}),
        typed("partner", "School waar je werkt"),
        choice("sector", "In welke sector werk je: vmbo of mbo?",
               {"vmbo": "vmbo (voortgezet onderwijs)", "mbo": "mbo (beroepsonderwijs)"}),
        choice("level", "Welk niveau past bij jouw rol?",
               {"bestuurlijk": "Bestuurlijk (bestuurder)", "management": "Management / leidinggevende",
                "professioneel": "Professioneel – docent of projectleider"}),
        choice("wave", "Welke meting is dit?", {"1": "1"}),
    ], header_rows=2),
    Variant("dutch_excel_csv", "Reflectie leerlabs meting1.csv", dutch_excel_csv, "nl", [
        typed("respondent_id", "Vul je respondentcode in"),
        choice("leerlab", "Binnen welk leerlab vul je de vragenlijst in?",
               {"Sport": "Sport & Bewegen", "Groen": "Groen", "Verkoop": "Verkoop (Oost)", "Zorg": "Zorg & Welzijn",
                "Horeca": "Horeca"}),
        typed("partner", "Voor welke organisatie vul je dit in?"),
        choice("sector", "Vmbo of mbo?", {"vmbo": "vmbo", "mbo": "mbo"}),
        choice("level", "Functieniveau",
               {"bestuurlijk": "Bestuurlijk", "management": "Management", "professioneel": "Uitvoerend (docent)"}),
    ]),
]}


def header_of(variant: Variant, question: Question) -> str:
    """The header text a question's column carries (LimeSurvey code headings: ``CODE. text``)."""
    if variant.options.get("headings") == "codetext":
        return f"{question.code}. {question.header}"
    return question.header


# ---------------------------------------------------------------- what a file must load to
def expected_responses(truth: an.Survey, questions: list[Question], *, keep=None, given=()) -> pd.DataFrame:
    """The truth as a file with these questions must load: the wave as asked, unasked roles NA.

    ``keep``: a boolean mask of the truth's rows that must load. ``given``: roles
    not asked in the file but supplied to the loader (``metadata=``, a map file).
    Without a respondent-code question the ids are file-specific numbers:
    ``respondent_id`` is then left out (compare without it).
    """
    frame = truth.responses[truth.responses["wave"] == "1"].copy()
    for col in ROLES:
        frame[col] = frame[col].astype(object)
    if keep is not None:
        frame = frame[np.asarray(keep, dtype=bool)]
    frame["wave"] = wave_of(questions)
    for role in ("leerlab", "partner", "sector", "level"):
        if asks(questions, role) is None and role not in given:
            frame[role] = None
    if asks(questions, "respondent_id") is None:
        frame["respondent_id"] = [f"x{i}" for i in range(len(frame))]  # placeholder, dropped below
    out = an.Survey(frame.reset_index(drop=True), codebook=truth.codebook).responses
    return out if asks(questions, "respondent_id") is not None else out.drop(columns="respondent_id")


def expected_comments(truth: an.Survey, questions: list[Question]) -> pd.DataFrame:
    c = truth.comments[truth.comments["wave"] == "1"].copy()
    c["wave"] = wave_of(questions)
    return c


def raw_answers(table: pd.DataFrame, role: str) -> set[str]:
    return {v for v in table.get(f"meta:{role}", pd.Series(dtype=object)).dropna() if isinstance(v, str)}


def subset(truth: an.Survey, mask) -> an.Survey:
    """The truth restricted to some respondents (their comments with them), e.g. one leerlab's form."""
    rows = truth.responses[np.asarray(mask, dtype=bool)].reset_index(drop=True)
    comments = truth.comments[truth.comments["respondent_id"].isin(set(rows["respondent_id"]))]
    return an.Survey(rows, codebook=truth.codebook, comments=comments.reset_index(drop=True))
