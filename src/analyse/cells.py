"""Cell values of an export: answers to scores, text, blanks, addresses — per column, never per row.

Every rule runs on a column's distinct values (:class:`Columns`), so the work
grows with the number of different answers, not with the respondents.
"""

from __future__ import annotations

import ipaddress
import math
import re
from collections.abc import Sequence
from datetime import datetime, time

import numpy as np
import pandas as pd

from .codebook import Codebook, normalise
from .load_report import REASON_CODES
from .writing import unescape_csv_text


class Columns:
    """The data cells by column, each column factorised once.

    Every rule of the loader runs on a column's distinct values and is spread
    over its rows by index: a column of 100,000 answers holds a handful of
    labels, so the work does not grow with the respondents. A column is a 1-D
    object array (openpyxl, SPSS, pandas' CSV parser) or an Arrow array
    (fastexcel, Arrow's CSV parser), which Arrow dictionary-encodes in C++.
    """

    def __init__(self, columns: list, factors: dict | None = None):
        self.columns = columns
        self._factors = factors or {}
        self._plain = {}  # column -> which distinct values are plain text already (Arrow columns)
        self._numbers = {}  # column -> its distinct values as floats (Arrow number columns)
        self._dictionaries = {}  # column -> its distinct values as an Arrow array (Arrow columns)

    @classmethod
    def from_matrix(cls, cells: np.ndarray) -> Columns:
        return cls([cells[:, j] for j in range(cells.shape[1])] if cells.ndim == 2 else [])

    def __len__(self) -> int:
        return len(self.columns[0]) if self.columns else 0

    @property
    def width(self) -> int:
        return len(self.columns)

    def factor(self, j: int) -> tuple[np.ndarray, np.ndarray]:
        """``codes`` (-1 for None/NaN) and the distinct values of column ``j``."""
        if j not in self._factors:
            col = self.columns[j]
            if isinstance(col, np.ndarray):
                self._factors[j] = _factorise(col)
            else:
                codes, dictionary = _arrow_factorise(col)
                self._factors[j] = codes, _arrow_objects(dictionary)
                self._dictionaries[j] = dictionary
                self._plain[j] = _plain_text(dictionary)
                if _is_floating(dictionary):
                    self._numbers[j] = dictionary.to_numpy(zero_copy_only=False)
        return self._factors[j]

    def text(self, j: int) -> np.ndarray:
        """Column ``j`` as :func:`as_text` gives it (NA for blanks), computed once per distinct value."""
        # most ids and labels: nothing to strip; numbered responses: whole numbers
        return self.map(j, as_text, pd.NA, if_plain=lambda u: u, if_numbers=_numbers_as_text)

    def map(self, j: int, fn, na=None, dtype=object, if_plain=None, if_numbers=None) -> np.ndarray:
        """``fn`` of every cell of column ``j``, called once per distinct value; None/NaN cells get ``na``.

        With ``if_plain``, the distinct values an Arrow column holds as plain text
        (printable ASCII words, single-spaced) get ``if_plain(values)`` instead, in one step;
        with ``if_numbers``, those of an Arrow column of numbers get ``if_numbers(floats)``.
        """
        codes, uniques = self.factor(j)
        values = np.empty(len(uniques) + 1, dtype=dtype)
        values[-1] = na  # code -1 indexes the last slot
        if if_numbers is not None and j in self._numbers:
            values[:-1] = if_numbers(self._numbers[j])
            return values[codes]
        plain = self._plain.get(j) if if_plain is not None else None
        if plain is None:
            plain = np.zeros(len(uniques), dtype=bool)
        values[:-1][plain] = if_plain(uniques[plain]) if plain.any() else []
        values[:-1][~plain] = [fn(u) for u in uniques[~plain]]
        return values[codes]

    def blank(self, j: int) -> np.ndarray:
        """Boolean per row: the cell of column ``j`` is None, NaN or only whitespace (its text is NA)."""
        return self.map(j, is_blank, True, bool, if_plain=lambda u: False, if_numbers=np.isnan)

    def distinct(self, j: int) -> np.ndarray:
        """The distinct values of column ``j``; an Arrow column's may include values of rows cut off."""
        return self.factor(j)[1]

    def tally(self, j: int) -> tuple[np.ndarray, np.ndarray]:
        """The distinct values that occur in column ``j`` (None/NaN apart) and how many rows hold each."""
        codes, uniques = self.factor(j)
        rows = np.bincount(codes[codes >= 0], minlength=len(uniques))
        return uniques[rows > 0], rows[rows > 0]

    def values(self, rows: np.ndarray, j: int) -> np.ndarray:
        """The cells of column ``j`` at ``rows`` (None for blanks)."""
        col = self.columns[j]
        if isinstance(col, np.ndarray):
            return col[rows]
        return _arrow_objects(col.take(np.asarray(rows, dtype=np.intp)))

    def distinct_text(self, j: int, containing: Sequence[str]) -> list[str]:
        """The distinct text cells of column ``j`` that contain one of the substrings ``containing``."""
        import pyarrow as pa
        import pyarrow.compute as pc

        col = self.columns[j]
        if isinstance(col, np.ndarray):
            return [v for v in self.distinct(j) if isinstance(v, str) and any(c in v for c in containing)]
        if pa.types.is_dictionary(col.type):  # its distinct values are at hand, searched in Arrow (a column of ids has a million)
            self.factor(j)
            col = self._dictionaries[j]
        if not (pa.types.is_string(col.type) or pa.types.is_large_string(col.type)):
            return []
        hit = pc.or_(*[pc.match_substring(col, c) for c in containing]) if len(containing) > 1 \
            else pc.match_substring(col, containing[0])
        return pc.unique(col.filter(hit)).to_pylist()

    def widen(self, width: int) -> Columns:
        """At least ``width`` columns: missing ones (a header over no data) are blank."""
        extra = [np.full(len(self), None, dtype=object) for _ in range(width - self.width)]
        return self._with(self.columns + extra, self._factors) if extra else self

    def head(self, n: int) -> Columns:
        cut = [c[:n] if isinstance(c, np.ndarray) else c.slice(0, n) for c in self.columns]
        return self._with(cut, {j: (c[:n], u) for j, (c, u) in self._factors.items()})

    def _with(self, columns: list, factors: dict) -> Columns:
        """Other columns with the same distinct values: what is known of those (plain text, numbers) holds."""
        out = Columns(columns, factors)
        out._plain, out._numbers, out._dictionaries = self._plain, self._numbers, self._dictionaries
        return out

    def empty_rows(self, first: Sequence[int] = ()) -> np.ndarray:
        """Boolean per row: every cell is None, NaN or only whitespace.

        The columns in ``first`` (the answers: few distinct values, factorised
        anyway) are looked at through their distinct values, the others only on
        the rows still blank, which after a few answer columns are the empty rows
        alone.
        """
        candidates = np.arange(len(self))
        for j in dict.fromkeys([*first, *range(self.width)]):
            if not len(candidates):
                break
            if j in first:
                blank = self.map(j, is_blank, True, bool)[candidates]
            else:
                blank = np.fromiter(map(is_blank, self.values(candidates, j)), bool, len(candidates))
            candidates = candidates[blank]
        out = np.zeros(len(self), dtype=bool)
        out[candidates] = True
        return out


def _factorise(col: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    codes, uniques = pd.factorize(col, use_na_sentinel=True)
    return codes, np.asarray(uniques, dtype=object)


def _arrow_factorise(col):
    """An Arrow column's codes (-1 for null) and its distinct values as an Arrow array."""
    import pyarrow as pa

    if pa.types.is_dictionary(col.type):  # encoded by the CSV parser, chunk by chunk
        enc = col.unify_dictionaries().combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    else:
        enc = (col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col).dictionary_encode()
    indices = enc.indices.fill_null(-1) if enc.null_count else enc.indices
    return indices.to_numpy(zero_copy_only=False), enc.dictionary


def _is_floating(arr) -> bool:
    import pyarrow as pa

    return pa.types.is_floating(arr.type)


def _numbers_as_text(numbers: np.ndarray) -> np.ndarray:
    """:func:`as_text` of each float: whole numbers (most: response numbers) converted at once, the rest one by one."""
    with np.errstate(invalid="ignore"):
        whole = (np.abs(numbers) < 2**53) & (numbers == np.round(numbers))
    out = np.empty(len(numbers), dtype=object)
    out[whole] = numbers[whole].astype(np.int64).astype(str).astype(object)
    out[~whole] = [as_text(v) for v in numbers[~whole].tolist()]
    return out


def _plain_text(dictionary) -> np.ndarray:
    """Which values are printable ASCII words single-spaced: :func:`as_text` returns them unchanged."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not pa.types.is_string(dictionary.type):
        return np.zeros(len(dictionary), dtype=bool)
    plain = pc.and_(pc.string_is_ascii(dictionary), pc.match_substring_regex(dictionary, r"^[!-~]+(?: [!-~]+)*$"))
    return plain.to_numpy(zero_copy_only=False)


def _arrow_objects(arr) -> np.ndarray:
    """Arrow values as Python objects as openpyxl gives them: a date is a midnight datetime."""
    import pyarrow as pa

    values = arr.to_pylist()
    if pa.types.is_date(arr.type):
        values = [None if d is None else datetime.combine(d, time()) for d in values]
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def is_blank(v) -> bool:
    if type(v) is str:  # the common case first (called once per distinct value of columns of 100,000 codes)
        return not v.strip()
    return v is None or (isinstance(v, float) and math.isnan(v)) or (isinstance(v, str) and not v.strip())


def cell_text(v) -> str:
    """A cell as shown; a whole float without '.0', as Excel shows it (fastexcel reads every number as float)."""
    if is_blank(v):
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def scores_from_cells(cols: Columns, j: int, cb: Codebook, item: str) -> tuple[np.ndarray, np.ndarray]:
    """Scores and problem codes for column ``j``, the answers to statement ``item``.

    Labels are matched after :func:`~analyse.codebook.normalise`; numbers must
    be points of the statement's scale (a decimal comma is read as a point).
    Returns float scores as answered (NaN = no answer; not yet reversed) and the
    :data:`~analyse.survey.REASON_CODES` of problems (0 = fine).
    """
    codes, uniques = cols.factor(j)
    labels, points = cb.answer_labels_of(item), cb.points_of(item)  # once per column, not per value
    pairs = [_answer(u, labels, points) for u in uniques] + [(np.nan, None)]  # last: None/NaN cells (code -1)
    scores = np.array([p[0] for p in pairs], dtype=float)
    reasons = np.array([REASON_CODES[p[1]] if p[1] else 0 for p in pairs], dtype=np.int8)
    return scores[codes], reasons[codes]


def _answer(u, labels: dict[str, float], points: np.ndarray) -> tuple[float, str | None]:
    """Score and problem code (None = fine) of one distinct answer."""
    if is_blank(u):
        return np.nan, None
    if isinstance(u, str):
        key = normalise(u)
        if key in labels:
            return labels[key], None
        if key.startswith("="):
            return np.nan, "formula"
        try:
            number = float(key.replace(",", "."))
        except ValueError:
            return np.nan, "unknown_label"
    elif isinstance(u, (int, float, np.integer, np.floating)) and not isinstance(u, bool):
        number = float(u)
    else:
        return np.nan, "unknown_label"
    if np.isin(number, points):
        return number, None
    if points.min() < number < points.max():
        return np.nan, "fractional_score"
    return np.nan, "out_of_range"


def as_text(v):
    """A cell as stripped text, runs of whitespace as one space; NA for blanks; whole numbers without '.0'."""
    if type(v) is str:  # the common case first; str.split() splits on what re's \s matches
        return " ".join(v.split()) or pd.NA
    if is_blank(v):
        return pd.NA
    if hasattr(v, "date") and hasattr(v, "isoformat"):
        return v.date().isoformat() if hasattr(v, "hour") and not (v.hour or v.minute or v.second) else v.isoformat()
    return re.sub(r"\s+", " ", cell_text(v)).strip()


def text_cells(cols: Columns, j: int) -> pd.Series:
    """Column ``j`` as stripped text (see :func:`as_text`)."""
    return pd.Series(cols.text(j), dtype=object)  # "string" would check every cell again


class Vocabulary:
    """The spellings of one kind of code (levels, sectors, leerlabs) and how answers name them.

    An answer names a code when its normalised text is a spelling of it, or
    else when its head (the text before a parenthesis, " – " or ":" — forms
    explain options: "Professioneel (docent, instructeur)") or, failing
    that, the whole answer contains spellings of it as whole words
    ("Vmbo-school", "Leerlab Groen (Ottoland)"). An answer whose words name
    two different codes ("Bestuurlijk/management") names both: the caller
    excludes it, it is never guessed.
    """

    #: Longer answers are not looked into: an option is a few words, and the search stays bounded.
    MAX_LENGTH = 200

    def __init__(self, spellings: dict[str, str]):
        self.spellings = spellings  # normalised spelling -> code
        alternatives = "|".join(map(re.escape, sorted(spellings, key=len, reverse=True)))
        self._words = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")

    def codes(self, text: str) -> tuple[str, ...]:
        """The codes an answer names (sorted; empty when none, two or more when ambiguous)."""
        key = normalise(text)
        if key in self.spellings:
            return (self.spellings[key],)
        if len(key) > self.MAX_LENGTH:
            return ()
        head = _HEAD.split(key, 1)[0].strip()
        if head in self.spellings:
            return (self.spellings[head],)
        for part in (head, key):
            found = {self.spellings[m.group(0)] for m in self._words.finditer(part)}
            if found:
                return tuple(sorted(found))
        return ()


# Where an answer option's explanation starts: "(", " - ", " – ", ":".
_HEAD = re.compile(r"\(|\s[-–—]\s|:")


def coded(cols: Columns, j: int, vocabulary: Vocabulary) -> tuple[np.ndarray, np.ndarray, list]:
    """Column ``j`` matched to ``vocabulary``, per distinct answer.

    Returns per row the code (None: blank, unknown or ambiguous) and the
    number of codes the answer names (0 unknown, 1 fine, 2+ ambiguous; -1
    blank), and per distinct answer ``(raw text, code or '', rows)`` for the
    load report's mapping of values.
    """
    codes, uniques = cols.factor(j)
    texts = [as_text(u) for u in uniques]
    found = [() if t is pd.NA else vocabulary.codes(t) for t in texts]
    code = np.array([f[0] if len(f) == 1 else None for f in found] + [None], dtype=object)
    count = np.array([-1 if t is pd.NA else len(f) for t, f in zip(texts, found)] + [-1])
    rows = np.bincount(codes[codes >= 0], minlength=len(uniques))
    mapping = [(t, code[i] or "", int(rows[i])) for i, t in enumerate(texts) if t is not pd.NA and rows[i]]
    return code[codes], count[codes], mapping


def one_of(cols: Columns, j: int, spellings: set[str]) -> np.ndarray:
    """Boolean per row: the normalised text of the cell is one of ``spellings`` (blank: False)."""
    return cols.map(j, lambda v: (t := as_text(v)) is not pd.NA and normalise(t) in spellings, False, bool)


def unescaped(cols: Columns) -> Columns:
    """Every text cell with the escape of :func:`analyse.writing.escape_csv_text` undone (for our own CSVs).

    Only the columns with an apostrophe in some cell change; the others (the scores) are kept as read.
    """
    def undo(v):
        return unescape_csv_text(v) if isinstance(v, str) else v

    escaped = {j for j in range(cols.width) if cols.distinct_text(j, ("'",))}
    out = Columns([cols.map(j, undo, None) if j in escaped else c for j, c in enumerate(cols.columns)],
                  {j: f for j, f in cols._factors.items() if j not in escaped})
    out._plain, out._numbers, out._dictionaries = ({j: v for j, v in known.items() if j not in escaped}
                                                  for known in (cols._plain, cols._numbers, cols._dictionaries))
    return out


# --------------------------------------------------------------------------- redaction
#
# Every pattern below runs in time linear in the text, whatever the text: a match may
# start only where a run of its characters starts (a lookbehind rules out the middle of
# a run, so a run is scanned once, not once per character), every repetition is either
# bounded or possessive (``++``: it never gives back what it took, so a run is not
# backtracked over), and no quantifier is nested in another over the same
# characters. Candidates are checked further in Python only when they are short
# (IPv6: at most 45 characters; phone numbers: at most 17 digits).

_AT = r"(?:@|＠|[ \t]{0,2}[\[(][ \t]?(?i:at|apenstaartje)[ \t]?[\])][ \t]{0,2})"
_DOT = r"(?:\.|[ \t]{0,2}[\[(][ \t]?(?i:dot|punt)[ \t]?[\])][ \t]{0,2})"
#: An e-mail address: ``naam@school.nl``, ``naam [at] school.nl``, ``naam(at)school(dot)nl``,
#: ``naam＠school.nl`` and spelled out, ``naam at school dot nl``. The local part starts where its
#: run of characters starts, so ``x`` * N is scanned once.
EMAIL = re.compile(
    rf"(?<![\w.+\-])[\w.+\-]++(?:{_AT}[\w\-]++(?:{_DOT}[\w\-]++)+"
    r"|[ \t](?i:at|apenstaartje)[ \t][\w\-]++(?:[ \t](?i:dot|punt)[ \t][\w\-]++)+)")
# Where a spelled-out at sign may be ("[at]", "(at)", " at "): no e-mail address without one of these or "@".
_AT_WORD = re.compile(r"[\[( \t](?i:at|apenstaartje)[\]) \t]")
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
#: An IPv4 address: four octets 0-255, not part of a longer dotted number (``1.2.3.4.5``).
IPV4 = re.compile(rf"(?<![\w.]){_OCTET}(?:\.{_OCTET}){{3}}(?!\w|\.[0-9])")
#: Where an IPv6 address may be: up to 4 hex digits and a colon, then hex digits, colons and dots
#: (an embedded IPv4); :func:`_ipv6` decides.
_IPV6_CANDIDATE = re.compile(r"(?<![\w.])(?=[0-9A-Fa-f]{0,4}:)[0-9A-Fa-f:.]{2,45}")
#: Where a phone number may be: ``+`` and a digit, or ``0`` and a digit (possibly after ``(``),
#: then 6 to 17 more digits each after at most 3 separators, never the decimals of a number
#: (``4.0000000001``); :func:`_phones` decides.
_PHONE_CANDIDATE = re.compile(r"(?<![\w+(])(?<![0-9][.,])(?:\+[1-9]|\(?0[0-9])(?:[ ()./\-–]{0,3}[0-9]){6,17}")
_DIGITS = re.compile(r"[0-9]+")
# A Dutch date (12-03-2024, 1/3/24) not followed by another group in the same way: not a phone number.
_DATE = re.compile(r"[0-9]{1,2}([\-/.])[0-9]{1,2}\1(?:[0-9]{4}|[0-9]{2})(?![0-9]|\1[0-9])")

EMAIL_PLACEHOLDER = "[e-mail verwijderd]"
IP_PLACEHOLDER = "[ip verwijderd]"
PHONE_PLACEHOLDER = "[telefoonnummer verwijderd]"


def _ipv6(m: re.Match) -> str:
    text = m.group(0)
    core = text.rstrip(".:")  # the end of a sentence: "op fe80::1."
    if core.count(":") < 2:
        return text
    try:
        ipaddress.IPv6Address(core)
    except ValueError:
        return text
    # "be::" is an address too; one with fewer than two groups is no one's (loopback, unspecified).
    if sum(1 for g in re.split(r"[:.]", core) if g) < 2:
        return text
    return IP_PLACEHOLDER + text[len(core):]


def _phone_end(text: str, groups: list[re.Match], i: int) -> int | None:
    """End of the phone number whose first digit group is ``groups[i]``, or None when it is none."""
    first = groups[i].group(0)
    international = (i == 0 and text.startswith("+")) or (first.startswith("00") and len(first) >= 3)
    if not international and (len(first) < 2 or not first.startswith("0")):
        return None
    if not international and _DATE.match(text, groups[i].start()):
        return None
    digits = first[2:] if first.startswith("00") and international else first
    count, country, best = len(digits), digits[:2], None
    wanted = 10  # a Dutch number: 0 and nine digits
    if international:
        wanted = 11 if country == "31" or digits[:1] == "1" else None  # NL: 31 + 9; NANP: 1 + 10
    for j in range(i, len(groups)):
        if j > i:
            g = groups[j]
            if international and g.group(0) == "0" and text[g.start() - 1:g.start()] == "(" \
                    and text[g.end():g.end() + 1] == ")":
                continue  # the trunk prefix: +31 (0)20
            count += len(g.group(0))
        if wanted is not None:
            if count == wanted:
                return groups[j].end()
            if count > wanted:
                return None
        elif count > 15:
            break
        elif count >= 8:
            best = groups[j].end()
    return best


def _phones(m: re.Match) -> str:
    text = m.group(0)
    groups = list(_DIGITS.finditer(text))
    out, pos, i = [], 0, 0
    while i < len(groups):
        end = _phone_end(text, groups, i) if i == 0 or text[groups[i].start() - 1] in " (/" else None
        if end is None:
            i += 1
            continue
        start = groups[i].start()
        start -= 1 if i == 0 and text[:1] in "+(" else 0
        out += [text[pos:start], PHONE_PLACEHOLDER]
        pos = end
        while i < len(groups) and groups[i].start() < end:
            i += 1
    return "".join(out) + text[pos:] if out else text


def redact_text(text: str) -> str:
    """E-mail addresses, IP addresses (v4 and v6) and phone numbers replaced by a placeholder.

    The one redaction rule of the loader; linear in the length of ``text``. Ordinary numbers
    stay: years, scores (3,5), dates (12-03-2024), times, percentages, versions (1.2.3),
    postcodes. Names in free text are not recognised.
    """
    if "@" in text or "＠" in text or _AT_WORD.search(text):  # a quick look first: most text has no address
        text = EMAIL.sub(EMAIL_PLACEHOLDER, text)
    if ":" in text:
        text = _IPV6_CANDIDATE.sub(_ipv6, text)
    if "." in text:
        text = IPV4.sub(IP_PLACEHOLDER, text)
    return _PHONE_CANDIDATE.sub(_phones, text)


def redact(text: pd.Series) -> pd.Series:
    """:func:`redact_text` on every cell of a text column."""
    return text.map(redact_text)


def has_address(v) -> bool:
    """The cell holds an e-mail address, IP address or phone number (what :func:`redact_text` replaces)."""
    text = as_text(v)
    return text is not pd.NA and redact_text(text) != text


def comment_text(v):
    """An open answer as kept: text, addresses and phone numbers replaced; NA when blank."""
    text = as_text(v)
    if text is pd.NA:
        return text
    return redact_text(text)
