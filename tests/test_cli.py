"""The command line: exit codes, messages without tracebacks, --help everywhere."""

import subprocess
import sys

import pandas as pd
import pytest

from analyse.cli import main


def run(*args):
    return subprocess.run([sys.executable, "-m", "analyse", *args], capture_output=True, text=True)


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
    excluded = pd.read_csv(tmp_path / "ex.csv")
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
    src.write_bytes(open("data/sample/synthetisch_meting2_export.csv", "rb").read())
    before = src.read_bytes()
    assert main(["check", str(src), "--excluded", str(src)]) == 1
    assert "inputs are never overwritten" in capsys.readouterr().err
    assert src.read_bytes() == before
