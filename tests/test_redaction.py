"""Redaction of e-mail addresses, IP addresses and phone numbers: what is replaced, what stays, and in linear time."""

import time

import pandas as pd
import pytest
from conftest import export_frame

import analyse as an
from analyse.cells import EMAIL, IPV4, has_address, redact_text

MAIL, IP, PHONE = "[e-mail verwijderd]", "[ip verwijderd]", "[telefoonnummer verwijderd]"


@pytest.mark.parametrize("text", [
    "jan@school.nl", "j.de.vries+test@sub.school-x.nl", "naam [at] school.nl", "naam(at)school.nl",
    "naam (at) school (dot) nl", "naam at school dot nl", "naam＠school.nl", "x" * 300 + "@school.nl",
])
def test_email_addresses_are_replaced(text):
    assert redact_text(f"mail {text}, graag") == f"mail {MAIL}, graag"
    assert has_address(text)


@pytest.mark.parametrize("text", [
    "10.0.0.1", "192.168.1.254", "2001:0db8:85a3:0000:0000:8a2e:0370:7334", "2001:db8::1", "fe80::1",
    "::ffff:192.0.2.1", "2001:db8:0:0:1::1",
])
def test_ip_addresses_are_replaced(text):
    assert redact_text(f"ip {text}.") == f"ip {IP}."
    assert redact_text(f"IP:{text}") == f"IP:{IP}"


@pytest.mark.parametrize("text", [
    "06-12345678", "06 1234 5678", "0612345678", "06-12 34 56 78", "+31 6 12345678", "+31(0)20-1234567",
    "+31 (0)20 123 4567", "020-1234567", "(020) 123 4567", "0031 20 123 4567", "+44 20 7946 0958",
    "+1 (555) 123-4567",
])
def test_phone_numbers_are_replaced(text):
    assert redact_text(f"bel {text} na 17 uur") == f"bel {PHONE} na 17 uur"
    assert has_address(text)


def test_a_phone_number_after_a_date_is_still_found():
    assert redact_text("op 01-03-2024 06-12345678") == f"op 01-03-2024 {PHONE}"


@pytest.mark.parametrize("text", [
    "2024", "in 2023-2024", "een 3,5", "score 7,5 op 10", "12-03-2024", "01-03-2024 10:30", "1/3/24", "10:30",
    "om 12:00:00 uur", "85%", "100 %", "versie 1.2.3", "2.10.1", "1.2.3.4.5", "1234 AB", "postcode 1234AB",
    "42", "0,5", "0.5 0.6 0.7 0.8 0.9", "+2 punten", "-1", "+31", "06-1234", "€ 1.250.000", "0-10", "ik at brood",
    "2001:2002", "Groen (Ottoland)", "les 3 t/m 5", "1e en 2e klas", "999.999.999.999", "12345",
])
def test_ordinary_numbers_and_words_stay(text):
    assert redact_text(text) == text
    assert not has_address(text)


def test_recognition_patterns_still_find_addresses():
    # The recognizer uses EMAIL and IPV4 to drop columns of addresses.
    assert EMAIL.search("a jan@school.nl b") and IPV4.search("x 10.0.0.1 y")
    assert not EMAIL.search("geen adres") and not IPV4.search("1.2.3")


ADVERSARIAL = ["a", "a.", "1.", "@", "a@", "a@b.", "a@b-", "+31 ", "0 ", "00 ", "06-", "(0", ":", "ff:", "::ffff:1.2.3.",
               "a [at] ", "a at b ", "1.1.1.1.", "0612345678 ", "x" * 500 + " "]


@pytest.mark.parametrize("unit", ADVERSARIAL)
def test_time_grows_linearly_with_the_text(unit):
    """8 times the text takes at most about 8 times as long (a quadratic rule would take 64 times)."""
    def took(n):
        text = unit * (n // len(unit))
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            redact_text(text)
            has_address(text)
            best = min(best, time.perf_counter() - start)
        return best

    small, large = took(25_000), took(200_000)
    assert large / max(small, 1e-4) < 20, (unit, small, large)


def test_addresses_in_the_partner_column_are_replaced_and_noted(tmp_path, codebook):
    frame = export_frame(codebook)
    frame["School"] = ["School A", "School B jan@school.nl", "bel 06-12345678", "School A"]
    path = tmp_path / "x.csv"
    frame.to_csv(path, sep=";", index=False)
    s = an.load(path)
    assert sorted(s.responses["partner"].astype(str)) == ["School A", "School A", f"School B {MAIL}",
                                                         f"bel {PHONE}"]
    notes = [str(n) for n in s.report().files[0].notes]
    text = s.report().to_text("nl") + s.report().to_text("en")
    assert "jan@school.nl" not in text and "12345678" not in text
    assert "2 value(s) in column 'School' contained an e-mail address, phone number or IP address" in text
    assert "2 waarde(n) in kolom 'School' bevatte(n) een e-mailadres, telefoonnummer of IP-adres" in text
    assert notes


def test_addresses_in_metadata_given_for_the_file_are_replaced(tmp_path, codebook):
    frame = export_frame(codebook).drop(columns=["School"])
    path = tmp_path / "x.csv"
    frame.to_csv(path, sep=";", index=False)
    s = an.load(path, metadata={"partner": "School C 020-1234567"})
    assert set(s.responses["partner"].astype(str)) == {f"School C {PHONE}"}


def test_addresses_in_leerlab_answers_and_excluded_values_are_replaced(tmp_path, codebook):
    frame = export_frame(codebook)
    frame.loc[0, "Leerlab"] = "Groen 06-12345678"  # read as Groen; the raw text only in the report
    frame.loc[1, "Leerlab"] = "bel +31 6 12345678"  # unknown leerlab: excluded, value redacted
    path = tmp_path / "x.csv"
    frame.to_csv(path, sep=";", index=False)
    s = an.load(path)
    assert s.excluded["value"].tolist() == [f"bel {PHONE}"]
    everything = pd.concat([s.responses.astype(str), s.excluded.astype(str)]).to_string() \
        + s.report().to_text("nl") + s.report().to_text("en")
    assert "12345678" not in everything
    assert "2 value(s) in column 'Leerlab' contained" in s.report().to_text("en")


def test_open_answer_note_names_phone_numbers(tmp_path, codebook):
    frame = export_frame(codebook)
    frame["Ambitie - Onderbouw en licht toe"] = ["bel 06-12345678", "prima", "", "ok"]
    path = tmp_path / "x.csv"
    frame.to_csv(path, sep=";", index=False)
    s = an.load(path)
    assert f"bel {PHONE}" in s.comments["text"].tolist()
    assert "1 open answer(s) contained an e-mail address, phone number or IP address" in s.report().to_text("en")
