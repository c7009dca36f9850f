"""Recognition: which column of an export holds which statement, metadata role or comment, and why.

:func:`recognise` turns a :class:`~analyse.reading.RawTable` into a
:class:`Recognition`: the header row, the data columns, and per column a
:class:`~analyse.load_report.Recognised` saying what it holds, how that was
decided and on what evidence. ``analyse check --write-map`` writes exactly
this as a column map; ``columns=`` reads it back (:mod:`analyse.colmap`).

Rules, in order (a column decided by one is not looked at by the next; a
column no rule decides is an *extra* column, kept by the loader under its
header to group by):

1. the column map (``columns=``, ``--map``, ``--column``);
2. statements by their text (exact, then by similarity, see
   :func:`analyse.headers.header_variants`), comments by their header;
   personal data and platform bookkeeping by name (the header or its alias:
   Qualtrics' export tag, an SPSS variable name);
3. metadata roles by a known header name (``[columns]`` of the platform
   vocabulary);
4. personal data by content (cells holding e-mail or IP addresses);
5. metadata roles from the question text (words of ``[questions]``) and from
   the column's distinct answers (leerlab, level and sector names, wave
   labels and dates, school names). A role is decided only when the evidence
   points at one column: strongest evidence first (question text and answers,
   then question text alone, then answers alone); two columns with equal
   evidence for one role are never a guess but a :class:`~analyse.SurveyError`
   that lists them and the ``--column`` option or map line that settles it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from .cells import EMAIL, IPV4, Columns, Vocabulary, is_blank, as_text
from .codebook import Codebook, normalise
from .colmap import FileMap, toml_string
from .dates import looks_like_dates
from .errors import SurveyError
from .headers import (HeaderRows, col_letter, comment_condition, dual_scale, header_rows, header_variants,
                      is_lime_code, strip_lime_code)
from .load_report import Note, Recognised
from .reading import RawTable

__all__ = ["recognise", "Recognition", "ROLES", "BOOKKEEPING", "MEANINGS"]

#: Metadata roles, in the order of ``Survey.responses``.
ROLES = ["respondent_id", "wave", "leerlab", "partner", "sector", "level"]
#: Platform bookkeeping that decides whether a row is a real, finished response.
BOOKKEEPING = ["status", "finished", "progress", "submitted"]
#: What a column map may say a column is, besides an item code and ``comment_<condition>``
#: (``comment``: the open question after a condition's statements, whichever condition that is).
MEANINGS = [*ROLES, "id_generic", *BOOKKEEPING, "comment", "personal", "ignore"]

_FUZZY_MIN, _FUZZY_MARGIN, _FUZZY_MIN_LENGTH = 0.88, 0.03, 15
# Evidence for a metadata role, weakest first.
_ANSWERS, _QUESTION, _BOTH = 1, 2, 3
# A role is read from a column's answers when at least this share of its answered rows fits.
_STRONG, _PLAUSIBLE = 0.9, 0.5
# At most this many different answers in a leerlab, level or sector column (spellings included), and a
# wave column: more, and the column is free text or codes, whatever its question says.
_MAX_CHOICES, _MAX_WAVES = 200, 20
_TOO_MANY = Note.of("evidence.too_many")
# Wave labels forms use: "Meting 2", "T1", "nulmeting", "2e meting", "Wave 3".
_WAVE_LABEL = re.compile(r"(?:(?:meting|meetmoment|wave|ronde|peiling|golf|time|tijdstip|t)\s*-?\s*\d{1,2}[a-z]?"
                         r"|\d{1,2}\s*(?:e|ste|de)\s+meting|nulmeting|voormeting|beginmeting|tussenmeting"
                         r"|eindmeting|nameting|baseline|follow[- ]?up)")


@dataclass
class Recognition:
    """A table's header, its data columns, and what each column holds."""

    table: RawTable
    rows: HeaderRows
    columns: dict[int, Recognised]
    body: Columns
    notes: list[str] = field(default_factory=list)

    @property
    def headers(self) -> list[str]:
        return self.rows.headers

    def of(self, kind: str) -> dict[int, str]:
        """Column index -> what, for the columns of one kind."""
        return {j: r.what for j, r in self.columns.items() if r.kind == kind}

    def role_columns(self) -> dict[str, int]:
        """Metadata or bookkeeping role -> its column."""
        return {r.what: j for j, r in self.columns.items() if r.kind == "meta"}


def recognise(table: RawTable, cb: Codebook, file_map: FileMap) -> Recognition:
    """Find the header of ``table`` (or of another sheet of its workbook) and what every column holds.

    Raises :class:`~analyse.SurveyError` when no statement is found, when two
    columns hold one statement or role, or when the evidence for a role
    points at two columns equally.
    """
    candidates = [table, *table.sheets]
    found = None
    for fuzzy in (False, True):  # an exact match anywhere beats a fuzzy one
        found = next((f for t in candidates if (f := _find_header(t, cb, file_map, fuzzy))), None)
        if found:
            break
    if found is None:
        _refuse_unmatched(table.file, candidates)
    t, rows, columns, notes = found
    body = t.body(rows.data_start).widen(len(rows.headers))
    rows.headers = rows.headers + [""] * (body.width - len(rows.headers))  # data without a header
    rows.aliases = rows.aliases + [""] * (body.width - len(rows.aliases))
    rec = Recognition(t, rows, columns, body, notes)
    _personal_by_content(rec)
    _metadata(rec, cb, file_map)
    for j, h in enumerate(rec.headers):
        if j not in rec.columns and h:
            rec.columns[j] = Recognised(h, "extra", "", "", Note.of("evidence.extra"))
    return rec


# --------------------------------------------------------------------------- header rows


def _find_header(t: RawTable, cb: Codebook, file_map: FileMap, fuzzy: bool):
    """The first of the first 10 rows whose cells name statements: ``(table, rows, columns, notes)``.

    With ``fuzzy``, a row whose headers are statements only by similarity counts too.
    """
    for r in range(min(10, len(t.head))):
        rows = header_rows(t.head, r, cb, t.names)
        if any(rec.kind == "item" for rec in _by_header(rows, cb, file_map, t.file, [] if fuzzy else None).values()):
            notes: list[str] = []  # the chosen row: headers left unmatched get a fuzzy chance
            return t, rows, _by_header(rows, cb, file_map, t.file, notes), notes
    return None


def _refuse_unmatched(file: str, candidates: list[RawTable]):
    """No statement found: say why as precisely as the headers allow."""
    first_rows = [normalise(c) for t in candidates for c in t.head[:10].ravel() if isinstance(c, str)]
    if sum(is_lime_code(c) for c in first_rows) >= 3:
        raise SurveyError("the headers are LimeSurvey question codes only (such as 'G1Q1[SQ001]'), which cannot be "
                          "matched to the statements; export again with 'Question text' or 'Question code & "
                          "question text' headings, or map them: --column 'G1Q1[SQ001]=ambitie_1' (Python: "
                          "columns={'G1Q1[SQ001]': 'ambitie_1', ...})", file=file)
    where = f" on any of its {len(candidates)} sheets" if len(candidates) > 1 else ""
    raise SurveyError(f"no column header matches a statement of the questionnaire{where} "
                      f"(looked at the first 10 rows). Check that the export has the statements as "
                      f"column headers, or map them: --column 'HEADER=ambitie_1' (Python: columns={{header: "
                      f"item code}})", file=file)


def _by_header(rows: HeaderRows, cb: Codebook, file_map: FileMap, file: str, fuzzy: list | None
               ) -> dict[int, Recognised]:
    """What the header texts (and aliases) alone say: map entries, statements, comments, names.

    With ``fuzzy`` (a list), headers not matched exactly are matched to
    statements by similarity and every such decision is appended to it.
    """
    items = cb.header_items
    names = cb.column_names
    platform = set(names.get("platform", []))
    columns: dict[int, Recognised] = {}
    last_condition = None
    scales: dict[int, int] = {}  # column -> LimeSurvey dual-scale number
    unmatched: list[int] = []
    for j, h in enumerate(rows.headers):
        if not h:
            continue
        n = normalise(h)
        alias = normalise(rows.aliases[j]) if j < len(rows.aliases) and rows.aliases[j] else ""
        meaning = file_map.meaning(n) or (file_map.meaning(alias) if alias else None)
        if meaning == "comment":  # a repeated "Onderbouw en licht toe": the condition of the statements before it
            if last_condition is None:
                raise SurveyError(f"the column map says {h!r} is a comment, but no statement comes before it; "
                                  "name its condition: comment_<condition>", file=file)
            meaning = f"comment_{last_condition}"
        if meaning is not None:
            columns[j] = _from_map(h, meaning, cb, file)
            if columns[j].kind == "item":
                last_condition = cb.item_condition[meaning]
            continue
        code = next((items[v] for v in header_variants(n, cb) if v in items), None)
        if code:
            scale = dual_scale(n)[1]
            if scale is not None:
                scales[j] = scale
            columns[j] = Recognised(h, "item", code, "name", Note.of("evidence.statement"))
            last_condition = cb.item_condition[code]
            continue
        bare = strip_lime_code(n)
        spelled = [s for s in (bare, alias) if s]
        if any(s in names["personal"] for s in spelled):
            columns[j] = Recognised(h, "personal", "", "name", Note.of("evidence.personal"))
            continue
        role = next((r for r in ["respondent_id", "id_generic", *ROLES[1:], *BOOKKEEPING]
                     for s in spelled if s in names.get(r, [])), None)
        if role:
            columns[j] = Recognised(h, "meta", role, "name",
                                    Note.of("evidence.known_name", role=role))
            continue
        if any(s in platform for s in spelled):
            columns[j] = Recognised(h, "ignore", "", "platform",
                                    Note.of("evidence.platform"))
            continue
        cond = comment_condition(bare, cb)
        if cond is not False:
            cond = cond or last_condition
            if cond:
                columns[j] = Recognised(h, "comment", cond, "name", Note.of("evidence.open_question"))
                continue
        unmatched.append(j)
    if fuzzy is not None:
        _fuzzy_items(rows.headers, unmatched, columns, cb, fuzzy)
    _one_scale(columns, scales, file_map, cb, file)
    _one_column_each(columns, rows.headers, file, rows.row + 1)
    return columns


def _from_map(header: str, meaning: str, cb: Codebook, file: str) -> Recognised:
    how, evidence = "map", Note.of("evidence.column_map")
    if meaning in cb.item_codes:
        return Recognised(header, "item", meaning, how, evidence)
    if meaning in ROLES or meaning in BOOKKEEPING or meaning == "id_generic":
        return Recognised(header, "meta", meaning, how, evidence)
    if meaning.startswith("comment_") and meaning[8:] in cb.condition_codes:
        return Recognised(header, "comment", meaning[8:], how, evidence)
    if meaning in ("personal", "ignore"):
        return Recognised(header, meaning, "", how, evidence)
    raise SurveyError(f"the column map says {header!r} is {meaning!r}, which is not an item code, a metadata role "
                      f"({', '.join(MEANINGS)}) or comment_<condition>", file=file)


def _fuzzy_items(headers: list[str], unmatched: list[int], columns: dict, cb: Codebook, notes: list) -> None:
    """Match the remaining headers to statements by similarity; note every decision.

    Only for statement-length headers; a header about as close to two items
    (within ``_FUZZY_MARGIN``) or to an item another column already holds is
    left unmatched, with a note. Answer labels are never matched fuzzily:
    "Mee eens" and "Mee oneens" are close as strings and opposite in meaning.
    """
    from difflib import SequenceMatcher

    statements = [(normalise(text), row.code) for row in cb.items.itertuples() for text in (row.nl, row.en)]
    taken = {r.what for r in columns.values() if r.kind == "item"}
    for j in unmatched:
        variants = [v for v in header_variants(normalise(headers[j]), cb) if len(v) >= _FUZZY_MIN_LENGTH]
        best: dict[str, float] = {}
        for v in dict.fromkeys(variants):
            for text, code in statements:
                m = SequenceMatcher(None, v, text, autojunk=False)
                if m.real_quick_ratio() >= _FUZZY_MIN and m.quick_ratio() >= _FUZZY_MIN:
                    best[code] = max(best.get(code, 0.0), m.ratio())
        ranked = sorted(best.items(), key=lambda kv: -kv[1])
        if not ranked or ranked[0][1] < _FUZZY_MIN:
            continue
        (code, score), runner_up = ranked[0], ranked[1] if len(ranked) > 1 else None
        h = headers[j]
        if runner_up and runner_up[1] >= score - _FUZZY_MARGIN:
            notes.append(Note.of("load_note.close_call", header=h, code=code, score=score, other=runner_up[0],
                                 other_score=runner_up[1]))
        elif code in taken:
            notes.append(Note.of("load_note.taken", header=h, code=code, score=score))
        else:
            columns[j] = Recognised(h, "item", code, "similarity",
                                    Note.of("evidence.similar", score=score))
            taken.add(code)
            notes.append(Note.of("load_note.similar", header=h, code=code, score=score))


def _one_scale(columns: dict, scales: dict[int, int], file_map: FileMap, cb: Codebook, file: str) -> None:
    """LimeSurvey dual-scale arrays: keep the scale the map (or else the codebook) names; never choose one."""
    present = sorted(set(scales.values()))
    if len(present) < 2:
        return
    chosen = file_map.dual_scale or cb.raw["scale"].get("dual_scale")
    if chosen is None:
        raise SurveyError(
            f"the statements come in a LimeSurvey dual-scale array, with columns for "
            f"{' and '.join(f'[Scale {s}]' for s in present)}; analyse reads one scale. Say which holds the "
            f"agreement answers: put the line 'dual_scale = 1' (or 2) at the top of a column map and pass it "
            f"with --map (Python: columns='kolommen.toml'), or add 'dual_scale = 1' under [scale] in your codebook",
            file=file)
    if chosen not in present:
        raise SurveyError(f"dual_scale = {chosen} is asked for, but the file has "
                          f"{', '.join(f'[Scale {s}]' for s in present)}", file=file)
    for j, s in scales.items():
        if s != chosen:
            columns[j] = Recognised(columns[j].header, "ignore", "", "map",
                                    Note.of("evidence.other_scale", scale=s, chosen=chosen))


def _one_column_each(columns: dict, headers: list[str], file: str, header_row: int) -> None:
    """One column per item and role; a person code beats a response number."""
    seen: dict[tuple, int] = {}
    for j in sorted(columns):
        r = columns[j]
        if r.kind not in ("item", "meta"):
            continue
        key = (r.kind, r.what)
        if key in seen:
            first = seen[key]
            raise SurveyError(
                f"columns {col_letter(first)} ({headers[first]!r}) and {col_letter(j)} ({headers[j]!r}) both hold "
                f"{r.what!r}; remove one, or map the other away: --column '{headers[j]}=ignore'",
                file=file, row=header_row)
        seen[key] = j
    if ("meta", "respondent_id") in seen and ("meta", "id_generic") in seen:
        j = seen[("meta", "id_generic")]
        columns[j] = Recognised(headers[j], "ignore", "", "name",
                                Note.of("evidence.response_number"))


def _personal_by_content(rec: Recognition) -> None:
    """Unrecognised columns whose cells hold e-mail or IP addresses are personal data."""
    for j in range(rec.body.width):
        if j in rec.columns or not rec.headers[j]:
            continue
        # Both patterns need an "@" or a "."; only cells with one are searched.
        if any(EMAIL.search(v) or IPV4.search(v) for v in rec.body.distinct_text(j, ("@", "."))):
            rec.columns[j] = Recognised(rec.headers[j], "personal", "", "content",
                                        Note.of("evidence.addresses"))


# --------------------------------------------------------------------------- metadata from questions and answers


@dataclass
class _Column:
    """The distinct answers of one column, for the role tests (at most ``_SAMPLE`` of them)."""

    raw: list          # distinct non-blank values as read
    texts: list[str]   # the same as text
    rows: np.ndarray   # rows per distinct value
    distinct: int      # distinct non-blank values in the whole column
    answered: int      # non-blank rows in the whole column

    def share(self, fits: list[bool]) -> float:
        """Share of the answered rows (of the values looked at) whose answer fits."""
        looked = self.rows.sum()
        return float(self.rows[np.asarray(fits, dtype=bool)].sum() / looked) if looked else 0.0

    def examples(self, k: int = 4) -> str:
        top = np.argsort(-self.rows, kind="stable")[:k]
        more = ", …" if self.distinct > k else ""
        return ", ".join(repr(self.texts[i]) for i in top) + more


# Distinct answers looked at per column: enough to judge a column of codes or free text by its kind,
# while a column of 100,000 different codes costs no more than one of a thousand.
_SAMPLE = 1000
# Characters of an answer looked at: a metadata answer is a few words; a pasted essay costs no more than that.
_LONGEST = 500


def _answers(body: Columns, j: int) -> _Column:
    uniques, rows = body.tally(j)
    blank = np.fromiter(map(is_blank, uniques), bool, len(uniques))
    uniques, rows = uniques[~blank], rows[~blank]
    texts = [as_text(u)[:_LONGEST] for u in uniques[:_SAMPLE]]
    return _Column(list(uniques[:_SAMPLE]), texts, rows[:_SAMPLE], len(uniques), int(rows.sum()))


def question_words(norm: str, words: dict[str, list[str]]) -> dict[str, list[str]]:
    """Role -> the words of ``[questions]`` found in a normalised question text.

    A word matches a whole word of the question, or the start or end of one
    (Dutch compounds: "schoolnaam", "functieniveau"); a phrase of several
    words matches whole words in a row. A match inside a longer match of
    another role does not count: "schooltype" and "type school" are the
    sector, not the school.
    """
    tokens = re.findall(r"\w+", norm[:500])
    hits = []  # (role, word, first token, last token + 1, whole)
    for role, listed in words.items():
        for w in listed:
            parts = w.split()
            k = len(parts)
            for i in range(len(tokens) - k + 1):
                if tokens[i:i + k] == parts:
                    hits.append((role, w, i, i + k, True))
                elif k == 1 and len(w) >= 3 and (tokens[i].startswith(w) or tokens[i].endswith(w)):
                    hits.append((role, w, i, i + 1, False))
    out: dict[str, list[str]] = {}
    for role, w, a, b, whole in hits:
        inside = any(r != role and aa <= a and b <= bb and (bb - aa > b - a or (ww and not whole))
                     for r, _, aa, bb, ww in hits)
        if not inside and w not in out.get(role, []):
            out.setdefault(role, []).append(w)
    return out


def _fit(role: str, col: _Column, vocab: dict[str, Vocabulary], school: re.Pattern,
         asked: bool) -> tuple[float, float, Note]:
    """How well a column's answers fit a role: (strong share, plausible share, evidence).

    The strong share decides a role from the answers alone; the plausible
    share only backs up a question text that names the role (``asked``).
    Every test looks at the distinct answers, and only where their number fits
    the role: a column of thousands of different answers is no choice question.
    """
    n, k = col.answered, col.distinct
    if role in vocab:
        if k > _MAX_CHOICES:
            return 0.0, 0.0, _TOO_MANY
        share = col.share([len(vocab[role].codes(t)) == 1 for t in col.texts])
        hits = int(round(share * n))
        return share, share, Note.of("evidence.answers_name", hits=hits, n=n, role=role)
    if role == "wave":
        if k > _MAX_WAVES:
            return 0.0, 0.0, _TOO_MANY
        dates = looks_like_dates(col.raw) and (asked or _date_only(col.raw))
        strong = 1.0 if dates else col.share([bool(_WAVE_LABEL.fullmatch(normalise(t))) for t in col.texts])
        short = col.share([len(t) <= 30 for t in col.texts])
        what = Note.of("evidence.dates") if dates else Note.of("evidence.wave_labels", examples=col.examples())
        return strong, max(strong, short), what
    if role == "partner":
        if k > max(_MAX_CHOICES, n // 2):
            return 0.0, 0.0, _TOO_MANY
        short = col.share([len(t) <= 80 and not _is_number(t) for t in col.texts])
        schools = sum(bool(school.search(normalise(t))) for t in col.texts) / max(k, 1)
        leerlabs = col.share([len(vocab["leerlab"].codes(t)) == 1 for t in col.texts])
        strong = short if schools >= 0.5 and leerlabs < _PLAUSIBLE else 0.0
        return strong, short, Note.of("evidence.school_names", examples=col.examples())
    # respondent_id: short codes, nearly all different; read from a question text only
    if not asked or k < 0.8 * n:
        return 0.0, 0.0, Note.of("evidence.codes", examples=col.examples())
    plausible = col.share([len(t) <= 40 and t.count(" ") <= 1 for t in col.texts])
    return 0.0, plausible, Note.of("evidence.codes", examples=col.examples())


def _date_only(values: list) -> bool:
    """No answer carries a time of day: a timestamp column is not a wave."""
    return not any(hasattr(v, "hour") and (v.hour or v.minute or v.second) for v in values) and not any(
        isinstance(v, str) and re.search(r"\d:\d", v) for v in values)


def _is_number(text: str) -> bool:
    return bool(re.fullmatch(r"[-+]?\d+(?:[.,]\d+)?", text))


def _metadata(rec: Recognition, cb: Codebook, file_map: FileMap) -> None:
    """Metadata roles of the columns still open, from their question text and their answers."""
    constants = file_map.metadata
    named = rec.role_columns()
    for role in constants:
        if role in named:
            h = rec.headers[named[role]]
            raise SurveyError(f"{role} is given for every row (metadata {role}={constants[role]!r}) and the file "
                              f"has a column for it, {h!r}; drop one of the two, or map the column away: "
                              f"--column '{h}=ignore'", file=rec.table.file)
    # Roles given for every row are looked for too, to say which column is not used for them.
    open_roles = [r for r in ROLES if r not in named]
    free = [j for j, h in enumerate(rec.headers) if h and j not in rec.columns]
    if not open_roles or not free:
        return
    words = {role: [normalise(w) for w in listed] for role, listed in cb.raw["questions"].items() if role in ROLES}
    vocab = {k: Vocabulary(cb.synonyms(k)) for k in ("leerlab", "level", "sector")}
    listed = cb.raw["questions"]
    school = re.compile("|".join([*(re.escape(normalise(w)) for w in listed["school_words"]),
                                  *(rf"(?<!\w){re.escape(normalise(w))}(?!\w)" for w in listed["school_abbreviations"])]))
    evidence: dict[tuple[int, str], tuple[int, Note]] = {}
    answers: dict[int, _Column] = {}
    for j in free:
        heard = question_words(normalise(rec.headers[j]), words)
        col = answers[j] = _answers(rec.body, j)
        if not col.answered:
            continue
        for role in open_roles:
            strong, plausible, said = _fit(role, col, vocab, school, role in heard)
            if role in heard and plausible >= _PLAUSIBLE:
                q = Note.of("evidence.question", words=", ".join(map(repr, heard[role])))
                if strong >= _STRONG:
                    evidence[j, role] = (_BOTH, Note.of("evidence.question_answers", question=q, answers=said))
                else:
                    evidence[j, role] = (_QUESTION, q)
            elif strong >= _STRONG and not (set(heard) - {role}):
                evidence[j, role] = (_ANSWERS, Note.of("evidence.answers", answers=said))
    decided, unclear = _assign({k: v for k, v in evidence.items() if k[1] not in constants}, open_roles)
    if unclear:
        _refuse_unclear(rec, unclear, evidence, answers)
    how = {_ANSWERS: "answers", _QUESTION: "question", _BOTH: "question+answers"}
    for role, j in decided.items():
        strength, note = evidence[j, role]
        rec.columns[j] = Recognised(rec.headers[j], "meta", role, how[strength], note)
    if "respondent_id" in decided and "id_generic" in named:
        _one_column_each(rec.columns, rec.headers, rec.table.file, rec.rows.row + 1)
    for (j, role), (_, note) in sorted(evidence.items()):
        if j in rec.columns:
            continue
        if role in constants:
            rec.notes.append(Note.of("load_note.unused_given", header=rec.headers[j], role=role, evidence=note,
                                     value=constants[role]))
        elif role in ("wave", "respondent_id"):
            rec.notes.append(Note.of("load_note.unused", header=rec.headers[j], role=role, evidence=note))


def _assign(evidence: dict[tuple[int, str], tuple[int, Note]], roles: list[str]
            ) -> tuple[dict[str, int], dict[str, list[int]]]:
    """Roles decided (role -> column) and roles left unclear (role -> tied columns).

    Strongest evidence first. Within one strength a pair is decided when the
    role has one candidate column and that column's other candidate roles all
    have another column to go to; a role with several candidates left is
    unclear. A column or role decided at one strength is out of the weaker ones.
    """
    decided: dict[str, int] = {}
    unclear: dict[str, list[int]] = {}
    for strength in (_BOTH, _QUESTION, _ANSWERS):
        pairs = {(j, r) for (j, r), (s, _) in evidence.items()
                 if s == strength and r not in decided and r not in unclear and j not in decided.values()}
        progress = True
        while pairs and progress:
            progress = False
            for role in sorted({r for _, r in pairs}, key=roles.index):
                cols = [j for j, r in pairs if r == role]
                if len(cols) != 1:
                    continue
                j = cols[0]
                others = [r for jj, r in pairs if jj == j and r != role]
                if all(any(jj != j for jj, rr in pairs if rr == r) for r in others):
                    decided[role] = j
                    pairs = {(jj, r) for jj, r in pairs if jj != j and r != role}
                    progress = True
                    break
        for role in {r for _, r in pairs}:
            unclear[role] = sorted(j for j, r in pairs if r == role)
    return decided, unclear


def _refuse_unclear(rec: Recognition, unclear: dict[str, list[int]], evidence: dict, answers: dict) -> None:
    """The evidence points at several columns for a role, or at one column for several roles: say so, and the fix."""
    lines, fixes = [], []
    contested: dict[int, list[str]] = {}  # a column that could hold several roles
    for role, cols in unclear.items():
        if len(cols) == 1:
            contested.setdefault(cols[0], []).append(role)
            continue
        lines.append(f"cannot tell which column holds the {role}:")
        lines += [f"  - column {col_letter(j)} {rec.headers[j]!r} (answers {answers[j].examples()}): "
                  f"{evidence[j, role][1]}" for j in cols]
        fixes += [(rec.headers[cols[0]], role)] + [(rec.headers[j], "ignore") for j in cols[1:]]
    for j, roles in contested.items():
        lines.append(f"cannot tell whether column {col_letter(j)} {rec.headers[j]!r} (answers {answers[j].examples()}) "
                     f"holds the {' or the '.join(roles)}:")
        lines += [f"  - {role}: {evidence[j, role][1]}" for role in roles]
        fixes.append((rec.headers[j], roles[0]))
    options = " ".join(f"--column '{h}={m}'" for h, m in fixes)
    mapped = "\n".join(f"  {toml_string(h)} = \"{m}\"" for h, m in fixes)
    raise SurveyError("\n".join(lines) + f"\nSay which, e.g. add {options} to the command, or put these lines "
                      f"under [columns] in a column map (--map kolommen.toml; Python: columns='kolommen.toml'):\n"
                      f"{mapped}", file=rec.table.file)


