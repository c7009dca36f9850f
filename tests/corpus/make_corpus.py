"""Write the corpus of bad and awkward input files (deterministic; run from anywhere).

    python tests/corpus/make_corpus.py

Each file is a small export of the Common Eye questionnaire with one kind of
trouble; ``expected.toml`` says what loading it must do and ``README.md``
explains each case. Every file is rebuilt from the code below, so the corpus
stays reviewable: change it here, never by hand.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd
from openpyxl import Workbook

import analyse as an

HERE = Path(__file__).parent
CB = an.load_codebook()
ITEMS = [CB.label("item", c) for c in CB.item_codes]
LABELS = CB.point_labels("nl")
FIRST, SECOND = ITEMS[0], ITEMS[1]


def base(n: int = 4) -> pd.DataFrame:
    """n clean respondents; answers cycle through the scale so every row differs."""
    data = {"Respondentcode": [f"P{i}" for i in range(1, n + 1)], "Leerlab": ["Groen"] * n,
            "School": [("School A", "School B")[i % 2] for i in range(n)],
            "Niveau": [("Docent", "Management", "Bestuur")[i % 3] for i in range(n)]}
    for k, item in enumerate(ITEMS):
        data[item] = [LABELS[(i + k) % 5] for i in range(n)]
    data["Onderbouw en licht toe"] = [""] * n
    return pd.DataFrame(data)


def csv(frame: pd.DataFrame, name: str, sep=";", encoding="utf-8-sig") -> None:
    frame.to_csv(HERE / name, sep=sep, index=False, encoding=encoding, lineterminator="\r\n")


def xlsx(rows: list[list], name: str, *, sheet="Form1", text_cells=True) -> Workbook:
    """Rows to a workbook; strings are stored as text unless ``text_cells`` is False (then '=...' is a formula)."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for i, row in enumerate(rows, start=1):
        for j, value in enumerate(row, start=1):
            cell = ws.cell(i, j, None if pd.isna(value) else value)
            if text_cells and isinstance(value, str):
                cell.data_type = "s"
    wb.save(HERE / name)
    return wb


def rows_of(frame: pd.DataFrame) -> list[list]:
    return [list(frame.columns), *frame.astype(object).where(frame.notna(), None).to_numpy().tolist()]


def with_answers(changes: dict[tuple[int, str], object], n: int = 4) -> pd.DataFrame:
    frame = base(n).astype(object)
    for (row, col), value in changes.items():
        frame.loc[row, col] = value
    return frame


def patch_xlsx(name: str, old: bytes, new: bytes) -> None:
    """Rewrite one sheet's XML (openpyxl cannot store a formula's cached value)."""
    path = HERE / name
    buf = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                assert old in data, old
                data = data.replace(old, new)
            dst.writestr(info, data)
    path.write_bytes(buf.getvalue())


def main() -> None:
    # --- unusable files
    (HERE / "empty.csv").write_bytes(b"")
    (HERE / "only_whitespace.csv").write_bytes(b" \r\n\t\r\n")
    csv(base().iloc[:0], "header_only.csv")
    (HERE / "corrupt.xlsx").write_bytes(b"PK\x03\x04" + b"this is not a zip archive" * 4)
    (HERE / "old_excel.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64))
    (HERE / "not_spss.sav").write_bytes(b"Respondentcode;Leerlab\r\nP1;Groen\r\n")
    pd.DataFrame({"vraag 1": ["a", "b"], "vraag 2": ["c", "d"]}).to_csv(HERE / "no_statements.csv", index=False)
    csv(base().drop(columns="Niveau"), "no_level_column.csv")
    dup = base()
    dup.insert(5, "ambitie_1", dup[FIRST])
    csv(dup, "duplicate_statement_columns.csv")
    csv(with_answers({(i, "Leerlab"): "Techniek" for i in range(4)}), "all_rows_unusable.csv")
    codes = base()
    codes.columns = ["resp", "leerlab", "school", "niveau"] + [f"G1Q1[SQ{k:03d}]" for k in range(1, 22)] + ["G1Q2"]
    codes.to_csv(HERE / "limesurvey_codes_only.csv", index=False)

    # --- files read with a note
    csv(base(), "csv_named.xlsx")
    wb = Workbook()  # the cover sheet first
    wb.active.title = "Voorblad"
    wb.active.append(["Resultaten meting 1"])
    data = wb.create_sheet("Antwoorden")
    for row in rows_of(base()):
        data.append(row)
    wb.save(HERE / "data_on_second_sheet.xlsx")
    csv(base(), "dutch_cp1252_crlf.csv", encoding="cp1252")
    numeric = base().astype(object)
    numeric[FIRST] = ["1", "5,0", "3", " 4 "]
    csv(numeric, "decimal_comma_scores.csv")

    # --- rows excluded, each with its reason
    csv(with_answers({(0, FIRST): "0", (1, FIRST): "6", (2, FIRST): "-1", (3, FIRST): "3,5"}, n=5),
        "scores_out_of_scale.csv")
    xlsx(rows_of(with_answers({(0, SECOND): 3.5, (1, SECOND): 0, (2, SECOND): 4.0})), "numeric_cells.xlsx")
    csv(with_answers({(0, FIRST): "  MEE   eens ", (1, FIRST): "helemaal\u00a0mee eens.", (2, FIRST): "Mee Eens!",
                      (3, FIRST): "mee eenss", (3, "Leerlab"): " GROEN "}), "odd_case_and_whitespace.csv")
    csv(with_answers({(0, "Leerlab"): "Techniek", (1, "Niveau"): "Stagiair", (2, "Niveau"): ""}),
        "unknown_leerlab_and_level.csv")
    csv(with_answers({(3, "Respondentcode"): "P1"}), "duplicate_respondent_ids.csv")
    twice = base(5)
    twice.insert(1, "Meting", ["1", "1", "2", "1", "1"])
    twice.loc[2, "Respondentcode"], twice.loc[4, "Respondentcode"] = "P1", "P2"
    csv(twice, "same_person_twice_in_a_wave.csv")
    csv(with_answers({(1, "Onderbouw en licht toe"): '=HYPERLINK("http://example.org","klik")',
                      (2, "Onderbouw en licht toe"): "+31 6 12345678", (3, "Onderbouw en licht toe"): "-- prima",
                      (0, "Onderbouw en licht toe"): "@iedereen: goed bezig"}), "formula_injection_comments.csv")
    xlsx(rows_of(with_answers({(1, "Onderbouw en licht toe"): "=1+1"})), "formula_text_in_xlsx.xlsx")
    xlsx(rows_of(with_answers({(1, FIRST): "=2+2", (2, "Leerlab"): '=UPPER("groen")'})),
         "formula_without_cached_value.xlsx", text_cells=False)
    xlsx(rows_of(with_answers({(1, FIRST): "=2+2"})), "formula_with_cached_value.xlsx", text_cells=False)
    patch_xlsx("formula_with_cached_value.xlsx", b"<f>2+2</f><v />", b"<f>2+2</f><v>4</v>")
    dates = base().astype(object)
    dates.insert(1, "Meting", [pd.Timestamp("2025-10-01"), pd.Timestamp("2025-10-01"),
                               pd.Timestamp("2026-03-02"), pd.Timestamp("2026-03-02")])
    xlsx(rows_of(dates), "waves_as_dates.xlsx")
    csv(with_answers({(1, "Leerlab"): "piet@school.nl"}), "address_in_leerlab_field.csv")
    empty_rows = base(5).astype(object)
    empty_rows.loc[2, :] = ""
    empty_rows.loc[4, ITEMS] = "Weet ik niet"
    csv(empty_rows, "empty_and_answerless_rows.csv")

    # merged cells: a group header over each condition, and the leerlab merged down the rows
    frame = base(4)
    groups = [""] * 4
    for cond in CB.condition_codes:
        groups += [CB.label("condition", cond)] + [""] * (len(CB.items_of(cond)) - 1)
    groups += [""]
    wb = xlsx([groups, *rows_of(frame)], "merged_cells.xlsx")
    ws = wb.active
    col = 5
    for cond in CB.condition_codes:
        width = len(CB.items_of(cond))
        ws.merge_cells(start_row=1, start_column=col, end_row=1, end_column=col + width - 1)
        col += width
    ws.merge_cells("B3:B6")  # Leerlab typed once for four rows
    wb.save(HERE / "merged_cells.xlsx")

    # Qualtrics with a preview, a test and an unfinished response (numeric values)
    meta_ids = ["StartDate", "EndDate", "Status", "IPAddress", "Progress", "Duration (in seconds)", "Finished",
                "ResponseId", "RecipientEmail", "LocationLatitude", "LocationLongitude"]
    meta_text = ["Start Date", "End Date", "Response Type", "IP Address", "Progress", "Duration (in seconds)",
                 "Finished", "Response ID", "Recipient Email", "Location Latitude", "Location Longitude"]
    frame = base(5)
    q_ids = [f"Q1_{k}" for k in range(1, 22)]
    rows = [meta_ids + ["Respondentcode", "Leerlab", "School", "Niveau"] + q_ids + ["Q2_TEXT"],
            meta_text + ["Respondentcode", "Leerlab", "School", "Niveau"]
            + [f"Reflectie - {s}" for s in ITEMS] + ["Onderbouw en licht toe"],
            [f'{{"ImportId":"{m}"}}' for m in meta_ids + ["Respondentcode", "Leerlab", "School", "Niveau"]]
            + [f'{{"ImportId":"QID1_{k}"}}' for k in range(1, 22)] + ['{"ImportId":"QID2_TEXT"}']]
    status = [(0, 100, 1), (1, 100, 1), (2, 100, 1), (0, 55, 0), (0, 100, 1)]
    for i, (st, progress, finished) in enumerate(status):
        answers = [str(1 + (i + k) % 5) for k in range(21)]
        rows.append(["2026-03-02 09:00:00", "2026-03-02 09:09:00", st, "192.0.2.1", progress, 540, finished,
                     f"R_{i:04d}", f"r{i}@example.org", "52.1", "5.1"] + frame.iloc[i, :4].tolist() + answers + [""])
    pd.DataFrame(rows).to_csv(HERE / "qualtrics_preview_and_unfinished.csv", header=False, index=False)

    # A LimeSurvey export with an unfinished response (empty submitdate)
    lime = base(3)
    lime.columns = [*lime.columns[:4], *[f"Ambitie [{s}]" for s in ITEMS], "Onderbouw en licht toe"]
    lime.insert(0, "Response ID", [1, 2, 3])
    lime.insert(1, "Date submitted", ["2026-03-02 10:00:00", "", "2026-03-02 10:05:00"])
    lime.insert(2, "Last page", [3, 1, 3])
    lime.insert(3, "IP address", ["198.51.100.1"] * 3)
    lime.to_csv(HERE / "limesurvey_unfinished.csv", index=False)

    # a statement typed with a mistake (fuzzy match) and one that is about as close to two statements
    fuzzy = base()
    fuzzy = fuzzy.rename(columns={ITEMS[10]: ITEMS[10].replace("constructief", "constructie"),
                                  ITEMS[19]: "We evalueren onze samenwerking de voortgang",
                                  ITEMS[20]: "We evalueren de voortgang op resultaten van de samenwerking"})
    csv(fuzzy, "fuzzy_headers.csv")

    # a workbook that unpacks to far more than it weighs (refused at a low limit; tested, not a real bomb)
    wb = Workbook()
    for row in rows_of(base()):
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    with zipfile.ZipFile(buf, "a", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/media/padding.bin", bytes(8 * 2**20))
    (HERE / "zip_bomb.xlsx").write_bytes(buf.getvalue())


if __name__ == "__main__":
    main()
    print("\n".join(sorted(p.name for p in HERE.iterdir() if p.suffix in (".csv", ".xlsx", ".sav"))))
