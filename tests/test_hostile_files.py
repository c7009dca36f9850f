"""Hostile files: each one loads correctly or is refused with an error naming it, in bounded memory and time.

Every file of :mod:`hostile` is loaded by ``analyse.load`` in a child process
limited to 2 GiB of address space and 60 s: an abort (a Rust panic, a killed
process), a timeout, a MemoryError or any exception other than SurveyError /
CodebookError fails the test. Two children run at a time.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import hostile
import pytest

import analyse as an
from analyse.errors import SurveyError
from analyse.reading import Limits, read_table

MEMORY = 2 * 2**30
TIMEOUT = 60
# Imports analyse once (seconds), then forks one child per file: the child alone gets the limits.
SERVER = r"""
import json, os, resource, signal, sys, time, traceback
import analyse as an

for line in sys.stdin:
    path = line.rstrip("\n")
    r, w = os.pipe()
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
        signal.alarm(TIMEOUT)  # SIGALRM's default action ends the child
        try:
            out = {"kept": len(an.load(path).responses)}
        except (an.SurveyError, an.CodebookError) as exc:
            out = {"error": type(exc).__name__, "message": str(exc)}
        except BaseException:
            out = {"failed": traceback.format_exc()[-3000:]}
        os.write(w, json.dumps(out).encode())
        os._exit(0)
    os.close(w)
    with os.fdopen(r, "rb") as fh:
        data = fh.read()
    _, status = os.waitpid(pid, 0)
    print(json.dumps({"path": path, "status": status, "out": data.decode(),
                      "seconds": round(time.monotonic() - start, 1)}), flush=True)
""".replace("MEMORY", str(MEMORY)).replace("TIMEOUT", str(TIMEOUT))


def load_in_children(paths: list[Path]) -> dict[Path, dict]:
    """Each file loaded in a child of its own; the outcome, or what went wrong, by path."""
    done = subprocess.run([sys.executable, "-c", SERVER], input="".join(f"{p}\n" for p in paths),
                          capture_output=True, text=True, timeout=TIMEOUT * len(paths) + 60, check=True,
                          cwd=Path(__file__).parent)
    outcomes = {}
    for line in done.stdout.splitlines():
        answer = json.loads(line)
        status, out = answer["status"], answer["out"]
        if os.WIFSIGNALED(status):
            sig = os.WTERMSIG(status)
            why = f"no answer within {TIMEOUT} s" if sig == signal.SIGALRM else f"killed by signal {sig}"
            outcomes[Path(answer["path"])] = {"failed": why}
        else:
            outcomes[Path(answer["path"])] = json.loads(out) if out else {"failed": f"exit status {status}"}
        outcomes[Path(answer["path"])]["seconds"] = answer["seconds"]
    return outcomes


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    """Every hostile file built and loaded, two children at a time."""
    d = tmp_path_factory.mktemp("hostile")
    built = {b.__name__: b(d) for b in hostile.BUILDERS}
    paths = [p for p, _ in built.values()]
    with ThreadPoolExecutor(2) as pool:  # two servers, each loading every other file
        halves = pool.map(load_in_children, [paths[0::2], paths[1::2]])
    results = {k: v for half in halves for k, v in half.items()}
    return {name: (path, expect, results[path]) for name, (path, expect) in built.items()}


def test_the_corpus_is_big_enough():
    assert len(hostile.BUILDERS) >= 15


@pytest.mark.parametrize("name", [b.__name__ for b in hostile.BUILDERS])
def test_hostile_file(name, outcomes):
    path, expect, outcome = outcomes[name]
    assert "failed" not in outcome, outcome["failed"]
    if expect is None:
        assert "error" in outcome, f"loaded {outcome} but should have been refused"
        assert path.name in outcome["message"], outcome["message"]
    else:
        assert outcome.get("kept") == expect, outcome


# ---------------------------------------------------------------- the guards one by one, in this process


def test_a_50_mb_cell_is_read_whole(tmp_path):
    path, n = hostile.long_cell(tmp_path)
    table = read_table(path)
    body = table.body(1)
    assert len(body) == n
    assert len(body.distinct(body.width - 1)[-1]) == 50 * 2**20
    survey = an.load(path)  # the whole way: header search, recognition and redaction stay linear
    assert len(survey.responses) == n and survey.comments["text"].str.len().max() == 50 * 2**20
    with pytest.raises(SurveyError, match=r"long_cell\.csv: line 21 is longer than the limit of 1 MB"):
        an.load(path, limits=Limits(line_bytes=2**20))


def test_limits_are_configurable(tmp_path):
    path, _ = hostile.long_cell(tmp_path)
    with pytest.raises(SurveyError, match=r"long_cell\.csv: line 21 is longer than the limit of 1 MB"):
        read_table(path, limits=Limits(line_bytes=2**20))
    with pytest.raises(SurveyError, match=r"more than the limit of 1 MB for a text file"):
        read_table(path, limits=Limits(csv_bytes=2**20))
    xlsx = hostile.valid_xlsx(tmp_path / "x.xlsx")
    with pytest.raises(SurveyError, match=r"x\.xlsx: sheet 'Sheet1' has values as far as row 5 and column Y .*"
                                          r"limit of 4 rows"):
        read_table(xlsx, limits=Limits(rows=4))
    assert len(read_table(xlsx, limits=Limits(rows=5, columns=25, cells=125)).head) == 5


def test_far_value_names_the_cell(tmp_path):
    path, _ = hostile.far_value_xfd(tmp_path)
    with pytest.raises(SurveyError, match=r"far_value_xfd\.xlsx: sheet 'Sheet1' .* \(up to cell XFD1048576\)"):
        read_table(path)


def test_stray_empty_cell_is_not_read(tmp_path):
    path, _ = hostile.far_empty_a(tmp_path)
    for engine in ("fastexcel", "openpyxl"):
        table = read_table(path, engine=engine)
        body = table.body(1)
        assert (len(body), body.width) == (hostile.N, 25)
        assert body.text(0).tolist() == [f"P{i}" for i in range(1, hostile.N + 1)]


def test_utf16_and_mixed_encodings(tmp_path):
    path, _ = hostile.utf16le(tmp_path)
    assert "encoding utf-16" in str(read_table(path).notes[0])
    path, _ = hostile.mixed_encoding(tmp_path)
    with pytest.raises(SurveyError, match=r"mixed\.csv: the file is UTF-8 text but for the bytes b'\\xf6' on "
                                          r"line 3 \(byte [0-9,]+ of the file, 11 of the line\).*save it again as UTF-8"):
        read_table(path)
    path, _ = hostile.cp1252(tmp_path)
    assert "Coöperatie" in read_table(path).head[1].tolist()


def test_reader_panic_is_a_survey_error(tmp_path, monkeypatch):
    import fastexcel

    class PanicException(BaseException):  # the name pyo3 gives a Rust panic
        pass

    def panic(*args, **kwargs):
        raise PanicException("capacity overflow")

    monkeypatch.setattr(fastexcel, "read_excel", panic)
    path = hostile.valid_xlsx(tmp_path / "p.xlsx")
    with pytest.raises(SurveyError, match=r"p\.xlsx: the spreadsheet reader failed on this file \(capacity overflow"):
        read_table(path, engine="fastexcel").body(1)


def test_scan_is_exact_whatever_the_blocks(tmp_path, monkeypatch):
    """Tags cut by a block's end are scanned whole with the next block; the slow exact scan is not needed."""
    import zipfile

    from analyse import sheetxml

    path, _ = hostile.far_empty_xfd(tmp_path)
    with zipfile.ZipFile(path) as zf:
        whole = sheetxml.scan_archive(zf, 2**30)
        monkeypatch.setattr(sheetxml, "_exact_extent", None)  # would raise if called
        for chunk in (7, 64, 1000):
            monkeypatch.setattr(sheetxml, "_CHUNK", chunk)
            assert sheetxml.scan_archive(zf, 2**30) == whole
    assert whole.extents[hostile.SHEET] == sheetxml.Extent(rows=hostile.N + 1, columns=25)
