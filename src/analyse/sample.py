"""Synthetic sample data with planted, documented effects (SYNTHETIC: no real people).

``generate`` draws answers for five leerlabs x two partner schools (one vmbo,
one mbo; fictional names) x three levels, in one or more waves, from a simple
latent model: every respondent has a person effect, every answer is
``round(mu + person + noise)`` clipped to the scale. Some respondents take part
in consecutive waves under the same id. The planted effects, drawn from the
practice lessons of seed 004, are:

* **Groen** - the partners disagree on *belangen* (fear of cannibalising
  mbo 2): the vmbo school rates it high, the mbo school low.
* **Zorg** - the *bestuurlijk* level is detached on *ambitie* and
  *organisatie* (pitfall 4, "Bestuurlijke aansluiting verliezen").
* **Verkoop** - high and unanimous on *relatie* (a shared building).
* **Horeca** - low on *proces* in wave 1, better in wave 2.
* **Sport** - improves on *relatie* from wave 1 to wave 2.

``write_msforms_xlsx`` and ``write_dutch_csv`` lay a wave out as a Dutch
Microsoft Forms download and as a Dutch Excel semicolon CSV, with made-up
names and e-mail addresses (for the privacy checks) and, on request, a few
planted problem rows that the loader must exclude.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .codebook import Codebook, load_codebook
from .survey import META, Survey

__all__ = ["generate", "write_msforms_xlsx", "write_dutch_csv", "write_sample_folder", "SCHOOLS", "PLANTED"]

#: Fictional partner schools per leerlab: (vmbo, mbo).
SCHOOLS = {
    "Sport": ("Kempenhof vmbo (fictief)", "ROC Beweegwijs (fictief)"),
    "Groen": ("Groene Vallei vmbo (fictief)", "Polderland mbo (fictief)"),
    "Verkoop": ("Vechtdal vmbo (fictief)", "Sallandse Vakschool (fictief)"),
    "Zorg": ("Maasdal vmbo (fictief)", "Zorgacademie Roerdal (fictief)"),
    "Horeca": ("Brinkcollege vmbo (fictief)", "Drentse Horecaschool (fictief)"),
}

#: The planted effects as (leerlab, partner sector or None, level or None, condition, wave or None, shift).
PLANTED = [
    ("Groen", "vmbo", None, "belangen", None, +0.6),
    ("Groen", "mbo", None, "belangen", None, -1.3),
    ("Zorg", None, "bestuurlijk", "ambitie", None, -1.6),
    ("Zorg", None, "bestuurlijk", "organisatie", None, -1.6),
    ("Verkoop", None, None, "relatie", None, +1.0),
    ("Horeca", None, None, "proces", "1", -1.3),
    ("Horeca", None, None, "proces", "2", +0.3),
    ("Sport", None, None, "relatie", "1", -0.5),
    ("Sport", None, None, "relatie", "2", +0.5),
]
_BASE_MEAN = 3.5
_PERSON_SD = 0.45
_NOISE_SD = 0.65
_UNANIMOUS = ("Verkoop", "relatie", 0.25)   # leerlab, condition, sd factor: unanimous answers
_RETURN_SHARE = 0.6
_MISSING_SHARE = 0.03
_COMMENT_SHARE = 0.15

_COMMENTS = {
    "ambitie": ["We hebben de ambitie samen op papier gezet.", "De ambitie leeft vooral bij het projectteam.",
                "Nog niet iedereen kent de gezamenlijke ambitie."],
    "belangen": ["Over belangen praten we eigenlijk niet.", "Er is zorg over leerlingenaantallen in mbo 2.",
                 "Wat we halen en brengen is in balans."],
    "relatie": ["We zien elkaar ook buiten de overleggen.", "Het vertrouwen groeit.",
                "We ontmoeten elkaar alleen in formele overleggen."],
    "organisatie": ["Afspraken staan in het projectplan.", "Het mandaat ligt nog bij het bestuur.",
                    "De organisatie is licht gehouden."],
    "proces": ["We weten niet goed in welke fase we zitten.", "We evalueren elk halfjaar.",
               "We zijn gewoon begonnen met de eerste stappen."],
}


def generate(respondents_per_group: int = 5, waves: int = 2, seed: int = 20261122,
             codebook: Codebook | str | Path | None = None) -> Survey:
    """Draw a synthetic Survey with the planted effects (module docstring).

    Parameters
    ----------
    respondents_per_group : int
        Respondents per leerlab x partner x level group and wave (30 groups;
        the default 5 gives 150 respondents a wave).
    waves : int
        Number of waves ("1", "2", ...). A share of each wave's respondents
        answers again in the next wave under the same id.
    seed : int
        Seed of the random generator: the same arguments give the same data.

    Examples
    --------
    >>> import analyse as an
    >>> s = an.sample.generate(respondents_per_group=2, waves=1, seed=1)
    >>> len(s.responses)
    60
    """
    cb = load_codebook(codebook)
    rng = np.random.default_rng(seed)
    items = cb.item_codes
    conds = np.array([cb.item_condition[i] for i in items])
    levels = cb.level_codes
    leerlabs = [l for l in cb.leerlab_codes if l in SCHOOLS]

    # One row per respondent slot: leerlab x sector x level x replicate, the same each wave.
    grid = pd.MultiIndex.from_product([leerlabs, ["vmbo", "mbo"], levels, range(respondents_per_group)],
                                      names=["leerlab", "sector", "level", "slot"]).to_frame(index=False)
    n = len(grid)
    grid["partner"] = [SCHOOLS[l][0 if s == "vmbo" else 1] for l, s in zip(grid["leerlab"], grid["sector"])]
    ids = np.array([f"R{i:05d}" for i in range(1, n + 1)], dtype=object)
    person = rng.normal(0, _PERSON_SD, n)
    next_id = n + 1
    frames, comment_frames = [], []
    lo, hi = cb.scale_min, cb.scale_max
    for w in range(1, waves + 1):
        wave = str(w)
        if w > 1:  # who answers again: the same slot keeps its id and person effect
            new = rng.random(n) >= _RETURN_SHARE
            ids = ids.copy()
            ids[new] = [f"R{i:05d}" for i in range(next_id, next_id + new.sum())]
            next_id += int(new.sum())
            person = np.where(new, rng.normal(0, _PERSON_SD, n), person)
        mu = np.full((n, len(items)), _BASE_MEAN)
        for leerlab, sector, level, cond, pw, shift in PLANTED:
            if pw is not None and pw != wave:
                continue
            rows = (grid["leerlab"] == leerlab).to_numpy()
            if sector:
                rows &= (grid["sector"] == sector).to_numpy()
            if level:
                rows &= (grid["level"] == level).to_numpy()
            mu[np.ix_(rows, conds == cond)] += shift
        sd = np.full((n, len(items)), _NOISE_SD)
        p_sd = np.repeat(person[:, None], len(items), axis=1)
        calm = (grid["leerlab"] == _UNANIMOUS[0]).to_numpy()[:, None] & (conds == _UNANIMOUS[1])[None, :]
        sd[calm] *= _UNANIMOUS[2]
        p_sd = np.where(calm, p_sd * _UNANIMOUS[2], p_sd)
        scores = np.clip(np.rint(mu + p_sd + rng.normal(0, 1, (n, len(items))) * sd), lo, hi)
        scores[rng.random(scores.shape) < _MISSING_SHARE] = np.nan
        frame = pd.DataFrame(scores, columns=items)
        frame.insert(0, "respondent_id", ids)
        frame.insert(1, "wave", wave)
        for col in ("leerlab", "partner", "sector", "level"):
            frame[col] = grid[col].to_numpy()
        frames.append(frame[META + items])
        for cond, phrases in _COMMENTS.items():
            has = rng.random(n) < _COMMENT_SHARE
            comment_frames.append(pd.DataFrame({"respondent_id": ids[has], "wave": wave, "condition": cond,
                                                "text": np.asarray(phrases, dtype=object)[
                                                    rng.integers(0, len(phrases), has.sum())]}))
    comments = pd.concat(comment_frames, ignore_index=True)
    comments["condition"] = pd.Categorical(comments["condition"], categories=cb.condition_codes, ordered=True)
    comments = comments.sort_values(["wave", "respondent_id", "condition"]).reset_index(drop=True)
    comments["condition"] = comments["condition"].astype(str)
    return Survey(pd.concat(frames, ignore_index=True), codebook=cb, comments=comments)


# --------------------------------------------------------------------------- export layouts
_LEERLAB_AS_TYPED = {"Sport": "Sport & Bewegen", "Groen": "Groen", "Verkoop": "Verkoop",
                     "Zorg": "Zorg & Welzijn", "Horeca": "Horeca"}
_LEVEL_AS_TYPED = {"bestuurlijk": "Bestuurlijk", "management": "Management", "professioneel": "Uitvoerend"}
# A real form asks its background as questions, with explained answer options.
_MSFORMS_QUESTIONS = {"Respondentcode": "Wat is je persoonlijke code?", "Leerlab": "In welk leerlab werk je?",
                      "School": "Naam van je school", "Type onderwijs": "Werk je in het vmbo of in het mbo?",
                      "Niveau": "Wat is je rol in de samenwerking?"}
_MSFORMS_OPTIONS = {"Niveau": {"Bestuurlijk": "Bestuurlijk (CvB, directie)", "Management": "Management (teamleider)",
                               "Uitvoerend": "Professioneel (docent, instructeur)"},
                    "Type onderwijs": {"vmbo": "Vmbo-school", "mbo": "Mbo-instelling"}}


def _wave_frame(survey: Survey, wave: str, lang_labels: bool, seed: int) -> pd.DataFrame:
    """One wave as a platform would show it: Dutch questions, answers as labels or codes."""
    cb = survey.codebook
    r = survey.responses[survey.responses["wave"] == wave].reset_index(drop=True)
    rng = np.random.default_rng(seed)
    out = pd.DataFrame({
        "Respondentcode": r["respondent_id"].astype(str),
        "Leerlab": r["leerlab"].astype(str).map(_LEERLAB_AS_TYPED),
        "School": r["partner"].astype(str),
        "Type onderwijs": r["sector"].astype(str),
        "Niveau": r["level"].astype(str).map(_LEVEL_AS_TYPED),
    })
    labels = dict(zip(cb.scale_points, cb.point_labels("nl")))
    comments = survey.comments[survey.comments["wave"] == wave].set_index(["respondent_id", "condition"])["text"]
    for cond in cb.condition_codes:
        for code in cb.items_of(cond):
            values = r[code]
            blank_kind = rng.random(len(r)) < 0.5  # "no answer" typed as "Weet ik niet" or left blank
            if lang_labels:
                cells = values.map(labels).astype(object)
            else:
                cells = values.map(lambda v: f"{v:g}", na_action="ignore").astype(object)
            no_answer = "Weet ik niet" if lang_labels else "n.v.t."
            cells[values.isna().to_numpy() & blank_kind] = no_answer
            cells[values.isna().to_numpy() & ~blank_kind] = None
            out[code] = cells.to_numpy()
        key = list(zip(r["respondent_id"].astype(str), [cond] * len(r)))
        out[f"comment_{cond}"] = comments.reindex(key).to_numpy()
    return out


def write_msforms_xlsx(survey: Survey, path: str | Path, wave: str = "1", *, problems: bool = True,
                       seed: int = 1) -> Path:
    """Write one wave laid out like a Dutch Microsoft Forms download (.xlsx).

    Columns: ID, Begintijd, Tijd van voltooien, E-mail, Naam, the background
    questions as a school words them ("In welk leerlab werk je?", "Wat is je
    rol in de samenwerking?" with options such as "Professioneel (docent,
    instructeur)"), then per condition its statements (answer labels as
    cells) and an "Onderbouw en licht toe" column. With ``problems=True`` two
    rows the loader must exclude are added: an unknown leerlab and an empty
    test response.
    """
    from openpyxl import Workbook

    cb = survey.codebook
    body = _wave_frame(survey, wave, lang_labels=True, seed=seed)
    n = len(body)
    start = pd.Timestamp("2026-03-02 09:00") + pd.to_timedelta(np.arange(n) * 37, unit="min")
    head = pd.DataFrame({
        "ID": np.arange(1, n + 1),
        "Begintijd": start,
        "Tijd van voltooien": start + pd.Timedelta(minutes=9),
        "E-mail": [f"deelnemer{i}@voorbeeld.nl" for i in range(1, n + 1)],
        "Naam": [f"Fictieve Deelnemer {i}" for i in range(1, n + 1)],
    })
    frame = pd.concat([head, body], axis=1)
    headers = list(head.columns) + list(_MSFORMS_QUESTIONS.values())
    for cond in cb.condition_codes:
        headers += [cb.label("item", code) for code in cb.items_of(cond)] + ["Onderbouw en licht toe"]
    if problems:
        extra = frame.iloc[[0, 0]].copy()
        extra["ID"] = [n + 1, n + 2]
        extra["Respondentcode"] = ["R90001", "R90002"]
        extra["Leerlab"] = ["Techniek", "Groen"]          # no such leerlab in the codebook
        extra.iloc[1, 10:] = None                          # a test response with nothing answered
        extra.iloc[1, extra.columns.get_loc("School")] = "Polderland mbo (fictief)"
        extra.iloc[1, extra.columns.get_loc("Niveau")] = "Management"
        frame = pd.concat([frame, extra], ignore_index=True)
    for column, options in _MSFORMS_OPTIONS.items():
        frame[column] = frame[column].map(lambda v: options.get(v, v))
    wb = Workbook()
    ws = wb.active
    ws.title = "Form1"
    ws.append(headers)
    for row in frame.astype(object).where(frame.notna(), None).itertuples(index=False):
        ws.append([v.to_pydatetime() if isinstance(v, pd.Timestamp) else v for v in row])
    path = Path(path)
    wb.save(path)
    return path


def write_dutch_csv(survey: Survey, path: str | Path, wave: str = "2", *, problems: bool = True,
                    seed: int = 2) -> Path:
    """Write one wave as a Dutch Excel CSV: semicolons, cp1252, CRLF, numeric answer codes.

    Statements carry a number prefix ("1. ..."), comments are headed
    "<Conditie> - Onderbouw en licht toe", and a "Meting" column names the
    wave. With ``problems=True`` it adds a score of 6, a score of 3,5 and the
    same person submitting twice.
    """
    cb = survey.codebook
    body = _wave_frame(survey, wave, lang_labels=False, seed=seed)
    body.insert(1, "Meting", wave)
    if problems:
        extra = body.iloc[[0, 1, 2]].copy()
        extra["Respondentcode"] = ["R90003", "R90004", body["Respondentcode"].iloc[2]]
        extra.iloc[0, extra.columns.get_loc("ambitie_2")] = "6"
        extra.iloc[1, extra.columns.get_loc("proces_1")] = "3,5"
        body = pd.concat([body, extra], ignore_index=True)
    headers = ["Respondentcode", "Meting", "Leerlab", "School", "Type onderwijs", "Niveau"]
    number = 0
    for cond in cb.condition_codes:
        for code in cb.items_of(cond):
            number += 1
            headers.append(f"{number}. {cb.label('item', code)}")
        headers.append(f"{cb.label('condition', cond)} - Onderbouw en licht toe")
    body.columns = headers
    path = Path(path)
    with path.open("w", encoding="cp1252", newline="") as fh:
        body.to_csv(fh, sep=";", index=False, lineterminator="\r\n")
    return path


def write_sample_folder(folder: str | Path, seed: int = 20261122) -> dict[str, Path]:
    """(Re)build ``data/sample``: two waves as exports plus the ground truth.

    Returns the paths written. The ground truth (canonical layout, both waves)
    goes to ``<folder>/waarheid/`` so that loading the folder does not read it.
    """
    folder = Path(folder)
    (folder / "waarheid").mkdir(parents=True, exist_ok=True)
    survey = generate(seed=seed)
    return {
        "wave1": write_msforms_xlsx(survey, folder / "synthetisch_meting1_msforms.xlsx", "1"),
        "wave2": write_dutch_csv(survey, folder / "synthetisch_meting2_export.csv", "2"),
        "truth": survey.to_csv(folder / "waarheid" / "synthetisch_grondwaarheid.csv"),
    }
