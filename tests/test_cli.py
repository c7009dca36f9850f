"""The command line: exit codes, messages without tracebacks, --help everywhere."""

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analyse.cli import main


def run(*args):
    return subprocess.run([sys.executable, "-m", "analyse", *args], capture_output=True, text=True, check=False)


def test_check_sample_prints_report():
    out = run("check", "data/sample")
    assert out.returncode == 0, out.stderr
    assert "Totaal: 305 rijen gelezen, 300 gebruikt, 5 uitgesloten" in out.stdout
    assert "persoonsgegevens verwijderd (kolommen): 'E-mail', 'Naam'" in out.stdout
    assert "@" not in out.stdout


def test_check_english_and_strict(tmp_path, capsys):
    assert main(["check", "data/sample", "--lang", "en", "--strict", "--excluded", str(tmp_path / "ex.csv")]) == 1
    out = capsys.readouterr().out
    assert "Total: 305 rows read, 300 kept, 5 excluded" in out
    excluded = pd.read_csv(tmp_path / "ex.csv", sep=";", encoding="utf-8-sig")
    assert list(excluded.columns) == ["file", "row", "column", "value", "reason", "detail"]
    assert len(excluded) == 5


def test_data_error_is_one_line_exit_1(tmp_path):
    bad = tmp_path / "leeg.csv"
    bad.write_text("")
    out = run("check", str(bad))
    assert out.returncode == 1
    assert out.stderr.strip() == f"analyse: error: {bad}: the file is empty (0 bytes); export the results again"
    assert "Traceback" not in out.stderr


def test_usage_error_exit_2():
    out = run("check")
    assert out.returncode == 2 and "required: INPUT" in out.stderr
    assert run("frobnicate").returncode == 2


@pytest.mark.parametrize("args", [["--help"], ["check", "--help"]])
def test_help(args):
    out = run(*args)
    assert out.returncode == 0 and "usage: analyse" in out.stdout


def test_check_never_overwrites_an_input(tmp_path, capsys):
    src = tmp_path / "meting1.csv"
    src.write_bytes(Path("data/sample/synthetisch_meting2_export.csv").read_bytes())
    before = src.read_bytes()
    assert main(["check", str(src), "--excluded", str(src)]) == 1
    assert "inputs are never overwritten" in capsys.readouterr().err
    assert src.read_bytes() == before


@pytest.fixture
def exports(tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "export.csv").write_bytes(Path("data/sample/synthetisch_meting2_export.csv").read_bytes())
    return folder


@pytest.mark.parametrize("target, how", [
    ("exports/export.csv", "--excluded is the input"),         # a file inside the input folder (the old bug)
    ("EXPORTS/export.csv", "--excluded is the input"),         # another case: the same file on Windows and macOS
    ("exports/uitgesloten.csv", "--excluded lies inside the input"),
    ("link/export.csv", "--excluded is the input"),            # through a symlink to the folder
    ("hard.csv", "--excluded is the input"),                   # a hard link is the same file
])
def test_check_never_writes_to_or_into_an_input(exports, capsys, target, how):
    (exports.parent / "link").symlink_to(exports)
    os.link(exports / "export.csv", exports.parent / "hard.csv")
    before = (exports / "export.csv").read_bytes()
    assert main(["check", str(exports), "--excluded", str(exports.parent / target)]) == 1
    err = capsys.readouterr().err
    assert how in err and "inputs are never overwritten" in err and err.count("\n") == 1
    assert (exports / "export.csv").read_bytes() == before
    assert sorted(p.name for p in exports.iterdir()) == ["export.csv"]


def test_check_replaces_a_file_only_with_force(exports, tmp_path, capsys):
    mine = tmp_path / "mijn.csv"
    mine.write_text("mijn aantekeningen")
    assert main(["check", str(exports), "--excluded", str(mine)]) == 1
    assert "already exists; --excluded replaces a file only with --force" in capsys.readouterr().err
    assert mine.read_text() == "mijn aantekeningen"
    assert main(["check", str(exports), "--excluded", str(mine), "--force"]) == 0
    assert len(pd.read_csv(mine, sep=";", encoding="utf-8-sig")) == 3
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no partial file left


def test_write_map_never_replaces_the_map_it_reads(exports, tmp_path, capsys):
    kaart = tmp_path / "kaart.toml"
    kaart.write_text("[metadata]\nwave = \"2\"\n", encoding="utf-8")
    assert main(["check", str(exports), "--map", str(kaart), "--write-map", str(kaart), "--force"]) == 1
    assert "--write-map is the input" in capsys.readouterr().err
    assert kaart.read_text(encoding="utf-8") == "[metadata]\nwave = \"2\"\n"


def test_unwritable_output_is_one_sentence(exports, tmp_path, capsys, monkeypatch):
    """A full disk or a missing permission names the path in one line, without a traceback."""
    import errno

    import analyse.cli

    def full(target, write):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(target))

    monkeypatch.setattr(analyse.cli, "_write_atomically", full)
    assert main(["check", str(exports), "--excluded", str(tmp_path / "ex.csv")]) == 1
    err = capsys.readouterr().err
    assert err == f"analyse: error: {tmp_path / 'ex.csv'}: no space left on device\n"
