"""report.html and the leerlab pages as a reader sees them: readable tables, one language, the codebook's scale.

The pages are parsed with the standard library's HTML parser, not with the
templates' own idea of them: every table cell, header and heading is read
back as text.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

import analyse as an
from analyse.disclosure import protected_at
from analyse.page import report_page
from analyse.printing import find_browser
from analyse.report import build_report, compute_tables
from analyse.texts import texts

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


class Page(HTMLParser):
    """Headings, table headers, table cells, list items and all visible text of a page."""

    def __init__(self, html: str):
        super().__init__()
        self.stack: list[str] = []
        self.parts: dict[str, list[str]] = {"h1": [], "h2": [], "h3": [], "th": [], "td": [], "li": [], "text": []}
        self.current: dict[str, list[str]] = {}
        self.in_style = False
        self.images = 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.images += tag == "img"
        if tag == "style":
            self.in_style = True
        if tag in self.parts:
            self.current[tag] = []

    def handle_endtag(self, tag):
        if tag == "style":
            self.in_style = False
        if tag in self.current:
            self.parts[tag].append(" ".join("".join(self.current.pop(tag)).split()))

    def handle_data(self, data):
        if self.in_style:
            return
        for buf in self.current.values():
            buf.append(data)
        if data.strip():
            self.parts["text"].append(data.strip())

    @property
    def all_text(self) -> str:
        return "\n".join(self.parts["text"])


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The sample's report in Dutch and in English, with the leerlab pages (no notebooks: they are tested apart)."""
    root = tmp_path_factory.mktemp("pages")
    built = {"nl": build_report([SAMPLE], root / "nl", notebooks=False, per_leerlab=True, progress=False)}
    with pytest.MonkeyPatch.context() as mp:  # the PDFs are printed once, for the Dutch pages
        mp.setenv("ANALYSE_BROWSER", str(root / "no-browser"))
        built["en"] = build_report([SAMPLE], root / "en", lang="en", notebooks=False, per_leerlab=True,
                                   progress=False)
    return built


def _page(path: Path) -> Page:
    return Page(path.read_text(encoding="utf-8"))


def _sections(page: Page) -> list[str]:
    """The headings of the page's sections (the contents box has its own)."""
    nav = {texts()[f"page.{k}"][lang] for k in ("contents", "leerlab_pages", "notebooks") for lang in ("nl", "en")}
    return [h for h in page.parts["h2"] if h not in nav]


def _headers(lang: str) -> set[str]:
    return {pair[lang] for key, pair in texts().items() if key.startswith("header.")}


def test_every_text_exists_in_both_languages_with_the_same_fields():
    for key, pair in texts().items():
        assert set(pair) == {"nl", "en"}, key
        assert pair["nl"].strip() and pair["en"].strip(), key
        fields = [set(re.findall(r"\{(\w+)\}", pair[lang])) for lang in ("nl", "en")]
        assert fields[0] == fields[1], key


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_tables_are_readable(built, lang):
    cb = an.load_codebook()
    pages = [built[lang].html, *built[lang].leerlab_pages]
    allowed = _headers(lang) | set(cb.labels("condition", lang).values())
    for path in pages:
        page = _page(path)
        assert page.parts["th"], path.name
        assert set(page.parts["th"]) <= allowed, (path.name, set(page.parts["th"]) - allowed)
        for cell in page.parts["td"]:
            assert not re.search(r"\d[eE][+-]?\d", cell), (path.name, cell)   # no scientific notation
            assert "..." not in cell and not cell.endswith("…"), (path.name, cell)  # nothing cut
            assert cell.lower() not in ("nan", "none", "<na>"), (path.name, cell)
            if lang == "nl":
                assert not re.fullmatch(r"[−+]?\d+\.\d+", cell), (path.name, cell)  # a decimal comma
            else:
                assert not re.fullmatch(r"[−+]?\d+,\d+", cell), (path.name, cell)
        text = page.all_text
        assert "rows ×" not in text and "columns" not in text.split("\n")[0]  # no pandas footer
        assert "<Survey" not in text and "ci_low" not in text and "n_missing" not in text


def test_one_language_per_page(built):
    """The English page holds none of the Dutch headings, sentences and verdicts, and the other way round."""
    differing = {key: pair for key, pair in texts().items() if pair["nl"] != pair["en"]
                 and key.split(".")[0] in ("section", "read", "verdict", "kind", "flag", "page")
                 and "{" not in pair["nl"]}
    for lang, other in (("nl", "en"), ("en", "nl")):
        for path in [built[lang].html, *built[lang].leerlab_pages]:
            page = _page(path)
            headings = set(page.parts["h2"]) | set(page.parts["h3"]) | set(page.parts["td"])
            for key, pair in differing.items():
                assert pair[other] not in headings, (lang, path.name, key)
                assert pair[other] not in page.all_text or pair[other] in pair[lang], (lang, path.name, key)


def test_key_findings_come_first_and_name_the_planted_effects(built):
    page = _page(built["nl"].html)
    assert _sections(page)[0] == "Kernbevindingen"
    findings = page.parts["li"]
    # The sample plants a detached board in Zorg and a partner gap in Groen (see an.sample).
    assert any(s.startswith("In Zorg & Welzijn is de lijn") and "gebroken" in s for s in findings)
    assert any(s.startswith("In Groen verschillen de partners op Belangen") for s in findings)
    gap = next(s for s in findings if s.startswith("In Groen verschillen de partners op Belangen"))
    assert re.search(r"verschil [+−]\d,\d\d \[[−]?\d,\d\d; [−]?\d,\d\d\] \(p [<=] ", gap), gap


def test_the_weakest_success_factor_is_the_lowest_of_the_weakest_condition(built):
    survey = protected_at(an.load(SAMPLE), 5)
    sf = an.success_factors(survey, by=["wave", "leerlab"])
    sf = sf[(sf["wave"].astype(str) == "2") & sf["weakest"]]
    findings = [s for s in _page(built["nl"].html).parts["li"] if s.startswith("Zwakste succesfactor van ")]
    names = survey.codebook.labels("leerlab", "nl")
    assert len(findings) == sf["leerlab"].nunique() == 5
    for leerlab, group in sf.groupby("leerlab", observed=True):
        lowest = group.loc[group["mean"].idxmin(), "factor_nl"]
        assert any(s.startswith(f"Zwakste succesfactor van {names[leerlab]}: {lowest} (") for s in findings), \
            (leerlab, lowest, findings)


def test_each_leerlab_page_holds_its_own_answers_and_nothing_of_another(built):
    survey = an.load(SAMPLE)
    r = survey.responses
    comments = survey.comments.merge(r[["respondent_id", "wave", "leerlab", "partner"]],
                                     on=["respondent_id", "wave"])
    pages = {p.stem: p.read_text(encoding="utf-8") for p in built["nl"].leerlab_pages}
    assert len(pages) == r["leerlab"].nunique()
    # A page of one leerlab does not repeat its name in every row; an answer given by several is listed once.
    groen = Page(pages["leerlab_groen"])
    assert "Leerlab" not in groen.parts["th"] and len(groen.parts["th"]) > 10
    assert any(re.search(r" \(\d+×\)$", li) for li in groen.parts["li"])
    for leerlab in r["leerlab"].cat.remove_unused_categories().cat.categories:
        page = pages[f"leerlab_{leerlab.lower()}"]
        own = comments[comments["leerlab"] == leerlab]
        others = comments[comments["leerlab"] != leerlab]
        for text in set(own["text"]):
            assert text in page, (leerlab, text)
        for text in set(others["text"]) - set(own["text"]):
            assert text not in page, (leerlab, text)
        for partner in set(r.loc[r["leerlab"] != leerlab, "partner"].astype(str)):
            assert partner not in page, (leerlab, partner)
        for rid in set(r["respondent_id"].astype(str)):
            assert rid not in page


def _four_point(tmp_path) -> Path:
    text = (Path(an.__file__).parent / "data" / "common_eye.toml").read_text(encoding="utf-8")
    text = text.replace("points = [1, 2, 3, 4, 5]", "points = [1, 2, 3, 4]").replace("agree = [4, 5]", "agree = [3, 4]")
    text = re.sub(r"\[scale\.labels\].*?\[scale\.point_labels\]",
                  '[scale.labels]\n"Oneens" = 1\n"Enigszins oneens" = 2\n"Enigszins eens" = 3\n"Eens" = 4\n'
                  "[scale.point_labels]", text, flags=re.DOTALL)
    text = text.replace('nl = ["Helemaal mee oneens", "Mee oneens", "Neutraal", "Mee eens", "Helemaal mee eens"]',
                        'nl = ["Oneens", "Enigszins oneens", "Enigszins eens", "Eens"]')
    text = text.replace('en = ["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"]',
                        'en = ["Disagree", "Somewhat disagree", "Somewhat agree", "Agree"]')
    path = tmp_path / "vierpunts.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_text_follows_a_four_point_codebook(tmp_path):
    codebook = _four_point(tmp_path)
    sample = an.load(SAMPLE)
    frame = sample.canonical()
    items = sample.codebook.item_codes
    frame[items] = frame[items].clip(upper=4)
    frame.to_csv(tmp_path / "vier.csv", index=False)
    done = build_report([tmp_path / "vier.csv"], tmp_path / "rapport", codebook=codebook, notebooks=False,
                        progress=False)
    text = _page(done.html).all_text
    assert "schaal van 1 (Oneens) tot 4 (Eens); 2,5 is het midden" in text
    assert "Eens telt als 3, 4, oneens als 1, 2" in text
    assert "AD onder 0,67" in text  # A/6 with A = 4
    assert "tot 5 (" not in text and "AD onder 0,83" not in text
    explain = pd.read_excel(done.out / "tables.xlsx", sheet_name="uitleg kolommen")
    meaning = dict(zip(explain["kolom"], explain["betekenis"], strict=True))
    assert meaning["mean"] == "gemiddelde (schaal 1-4)" and meaning["share_agree"] == "aandeel (mee) eens (3-4)"
    assert meaning["ad_mean"].endswith("onder 0,67 voldoende)")


def test_a_leerlab_missing_from_the_last_wave_is_shown_absent(tmp_path):
    sample = an.load(SAMPLE)
    r = sample.responses
    keep = ~((r["leerlab"] == "Horeca") & (r["wave"] == "2"))
    survey = an.Survey(r[keep].reset_index(drop=True), comments=sample.comments)
    shared = protected_at(survey, 5)
    tables = compute_tables(shared)
    from analyse.page import leerlab_page

    page = Page(leerlab_page(shared, tables, "Horeca", tmp_path, lang="nl", min_n=5))
    assert "Horeca ontbreekt in meting 2." in page.all_text
    main = Page(report_page(shared, tables, tmp_path, lang="nl", min_n=5))
    assert _sections(main)[0] == "Kernbevindingen"
    assert "Horeca scoort het hoogst" not in main.all_text  # the findings read the last wave
    assert "Sport & Bewegen scoort het hoogst" in main.all_text


def test_the_leerlab_figures_come_with_the_leerlab_pages(built):
    figures = {p.name for p in (built["en"].out / "figures").iterdir()}
    assert {"partner_sheet_sport.svg", "eight_sport.svg", "partner_sheet_sport.png", "eight_zorg.png"} <= figures
    groen = Page(built["nl"].leerlab_pages[[p.stem for p in built["nl"].leerlab_pages].index("leerlab_groen")]
                 .read_text(encoding="utf-8"))
    assert groen.images == 2  # its partner sheet and its 8-tje


@pytest.mark.skipif(find_browser() is None, reason="no Chromium-family browser (.ci/run installs chromium)")
def test_each_leerlab_page_is_printed_to_a_pdf_beside_it(built):
    assert not built["en"].leerlab_pdfs  # the fixture printed the Dutch ones only
    for done in [built["nl"]]:
        assert list(done.leerlab_pdfs) == [p.with_suffix(".pdf") for p in done.leerlab_pages]
        for pdf in done.leerlab_pdfs:
            data = pdf.read_bytes()
            assert data[:5] == b"%PDF-" and len(re.findall(rb"/Type\s*/Page[^s]", data)) >= 2, pdf.name


def test_without_a_browser_the_pdfs_are_skipped_and_the_user_told_how(tmp_path, monkeypatch, capsys):
    from analyse.cli import main

    monkeypatch.setenv("ANALYSE_BROWSER", str(tmp_path / "geen-browser"))
    out = tmp_path / "rapport"
    code = main(["report", str(SAMPLE / "synthetisch_meting1_msforms.xlsx"), "--out", str(out), "--no-notebooks",
                 "--per-leerlab", "--formats", "svg", "--quiet"])
    printed = capsys.readouterr().out
    assert code == 0 and "geen PDF's gemaakt" in printed and "Afdrukken > Opslaan als PDF" in printed
    assert len(list((out / "leerlabs").glob("*.html"))) == 5 and not list((out / "leerlabs").glob("*.pdf"))
