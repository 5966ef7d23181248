"""Participants' contact details are refused wherever a text of the study could carry them,
phone numbers as each country writes them included, while dates, identifiers, codes, counts
and postcodes pass; and a person with thousands of codes costs time in proportion to them."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import FIXTURES

from svrdf.errors import StudyDataError
from svrdf.study.builder import load_study

#: Phone numbers as they are written at home and abroad: (country and style, text of a note).
PHONE_NUMBERS = [
    ("France, mobile in dots", "06.12.34.56.78"),
    ("France, international in pairs", "+33 6 12 34 56 78"),
    ("France, landline in pairs", "01 23 45 67 89"),
    ("France, E.164", "+33612345678"),
    ("Germany, international with dashes", "+49-30-1234-5678"),
    ("Germany, mobile with a slash", "0171/1234567"),
    ("Germany, with (0) and 00", "0049 (0)30 12345678"),
    ("United Kingdom, London with the area code in brackets", "(020) 7946 0958"),
    ("United Kingdom, international", "+44 20 7946 0958"),
    ("United Kingdom, mobile", "07911 123456"),
    ("Ireland, Dublin", "(01) 234 5678"),
    ("Netherlands, mobile", "06-12345678"),
    ("Netherlands, Rotterdam", "010 123 4567"),
    ("Belgium, mobile", "0450 00 12 34"),
    ("Switzerland, mobile", "078 123 45 67"),
    ("Austria, mobile", "0664 123456"),
    ("Italy, Milan", "02 1234 5678"),
    ("Italy, mobile", "312 345 6789"),
    ("Spain, mobile", "612 34 56 78"),
    ("Portugal, international", "+351 912 345 678"),
    ("Poland, mobile", "512 345 678"),
    ("Sweden, Stockholm", "08-12 34 56"),
    ("Finland, mobile", "041 2345678"),
    ("Czechia, international", "+420 601 123 456"),
    ("Greece, international", "+30 21 2345 6789"),
    ("United States, area code in brackets", "(212) 736-5000"),
    ("Australia, Sydney", "(02) 9876 5432"),
    ("Denmark, international only", "+45 32 12 34 56"),
    ("Japan, international only", "+81 3-1234-5678"),
    ("United Kingdom, after a date in a sentence", "seen 2021-03-01; call 020 7946 0958"),
    ("United Kingdom, in brackets after a word", "Team (+44 20 7946 0958)"),
    ("United Kingdom, a group of four that reads as a year", "020 7946 2011"),
    ("Germany, after tel.", "tel. 0171 1234567 after 5pm"),
]

#: Texts with digits and separators enough to look like a number, which are not one.
NOT_PHONE_NUMBERS = [
    "2019-03-12", "12.03.2019", "3/12/2019", "2019.03.12", "2019/2020-03", "2019-03/2021-06",
    "01.03.2021-05.03.2021", "1.1.2020 - 31.12.2020", "interviewed 2021-03-01 to 2021-03-05",
    "from 01/01/2019 to 31/12/2020", "2019-03-12 10:00", "2019–2021", "2019-2020, 2020-2021",
    "waves in 2018, 2019, 2020 and 2021", "1998 1999 2000 2001 2002",
    "Interviews: 2019-03-12, 2019-04-02 and 2019-05-20",
    "ISBN 978-3-16-148410-0", "978-3-16-148410-0", "ISBN-10: 0-306-40615-2", "ISSN 0317-8471",
    "doi:10.1371/journal.pone.0123456", "https://doi.org/10.21954/ou.rd.17147720",
    "10.13039/501100000269", "0000-0002-1825-0097", "https://orcid.org/0000-0002-1825-0097",
    "https://sws.geonames.org/2634895/",
    "IP1, IP2, IP3, IP4, IP5, IP6, IP7, IP8, IP9, IP10, IP11, IP12", "IP1;IP2;IP3;CB9;CC1",
    "FG1-FG12 2019-2021",
    "12 participants, 34 interviews, 56 hours", "1,234,567 words", "123,456,789 tokens",
    "interviews 1-12, 14-20 and 22", "aged 25-34, 35-44 and 45-54", "pages 123-145, 2019",
    "MK7 6AA", "SW1A 1AA", "75007 Paris", "10115 Berlin", "1012 AB Amsterdam", "00184 Roma",
    "28013 Madrid", "12:30-14:00", "09:00-17:00 Mon-Fri", "ES/P000592/1",
    "Horizon 2020 grant agreement No 101004567", "Regulation (EU) 2016/679",
    "Public Services (Social Value) Act 2012", "version 1.2.3",
]


@pytest.fixture
def study(tmp_path) -> Path:
    folder = tmp_path / "study"
    shutil.copytree(FIXTURES / "studies" / "minimal", folder)
    return folder


def with_note(study: Path, note: str) -> Path:
    """The study with ``note`` as the note of J2 (participants.csv, row 4)."""
    path = study / "participants.csv"
    escaped = note.replace('"', '""')
    path.write_text(path.read_text("utf-8").replace(",2,joint", f',2,"{escaped}"'), "utf-8")
    return study


@pytest.mark.parametrize("number", [text for _, text in PHONE_NUMBERS],
                         ids=[style for style, _ in PHONE_NUMBERS])
def test_a_phone_number_in_a_note_is_refused_where_it_is(study, number):
    with pytest.raises(StudyDataError) as refused:
        load_study(with_note(study, number))
    assert str(refused.value.origin).endswith("participants.csv, row 4, field 'note'")
    assert "holds a phone number" in refused.value.message
    assert "participants' contact details are never published" in refused.value.message


@pytest.mark.parametrize("text", NOT_PHONE_NUMBERS)
def test_a_text_with_digits_that_is_not_a_phone_number_passes(study, text):
    codes = {code.code: code for code in load_study(with_note(study, text)).codes}
    assert codes["J2"].note == text


def test_the_tables_cover_many_countries_and_many_kinds_of_digits():
    assert len({style.split(",")[0] for style, _ in PHONE_NUMBERS}) >= 20
    assert len(NOT_PHONE_NUMBERS) >= 20


def test_the_message_quotes_the_number_so_it_can_be_found_in_a_long_note(study):
    with pytest.raises(StudyDataError) as refused:
        load_study(with_note(study, "met twice; her mobile is 06.12.34.56.78, evenings only"))
    assert "'06.12.34.56.78'" in refused.value.message


@pytest.mark.parametrize("old, new, where", [
    ("    name: Case one", "    name: Case one\n    description: Site contact on 0171 1234567",
     "key 'cases[0].description'"),
    ("    name: Fieldwork", "    name: Fieldwork\n    description: Recruited via jo@example.org",
     "key 'phases[0].description'"),
    ("    label: public sector", "    label: public sector\n    definition: ring +33 6 12 34 56 78",
     "key 'sectors[0].definition'"),
    ("keywords: [interviews, testing]", "keywords: [interviews, '06.12.34.56.78']",
     "key 'keywords[1]'"),
    ("description: A small", "description: Call (020) 7946 0958. A small", "key 'description'"),
    ("keywords:", "files:\n  - name: interview-jo@example.org.docx\nkeywords:", "key 'files[0].name'"),
    ("keywords:", "files:\n  - name: a.zip\n    title: Talk with J, 07700 900123\nkeywords:",
     "key 'files[0].title'"),
])
def test_contact_details_in_a_text_of_study_yaml_about_the_fieldwork_are_refused(study, old, new,
                                                                                   where):
    path = study / "study.yaml"
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")
    with pytest.raises(StudyDataError) as refused:
        load_study(study)
    assert str(refused.value.origin).startswith(f"{study / 'study.yaml'}, line ")
    assert str(refused.value.origin).endswith(where)
    assert "participants' contact details are never published" in refused.value.message


def test_a_file_s_size_is_a_number_of_bytes_not_a_phone_number(study):
    """6138611696 bytes would be a valid number in the United States: it is not a text."""
    path = study / "study.yaml"
    path.write_text(path.read_text("utf-8").replace(
        "keywords:", "files:\n  - name: interviews.zip\n    size: 6138611696\nkeywords:", 1), "utf-8")
    assert load_study(study).files[0].size == 6138611696


def test_the_publishers_own_contact_details_may_be_published(study):
    path = study / "study.yaml"
    text = path.read_text("utf-8").replace("keywords:", (
        "access:\n  rights: restricted\n  conditions: Apply to data@example.org or on "
        "+44 20 7946 0958.\nkeywords:"), 1)
    path.write_text(text, "utf-8")
    assert load_study(study).access.rights == "restricted"


def test_phonenumbers_is_imported_only_for_a_value_that_may_be_a_number():
    # `svrdf --help` and the bundled study's export are timed against their bare imports (the
    # benchmark's start-up row); neither has a value that needs libphonenumber.
    script = ("import sys; from click.testing import CliRunner; from svrdf.cli import cli; "
              "from svrdf.study.builder import load_study; "
              "from svrdf.resources import bundled_study_dir; "
              "assert CliRunner().invoke(cli, ['--help']).exit_code == 0; "
              "load_study(bundled_study_dir()); print('phonenumbers' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "False"


# A person with N codes: people.csv lists them all in one row, each a row of participants.csv.
# Each group the person was in once asked for every gender the person's codes and groups gave,
# so the time grew with the square of N (16,000 focus groups: 11 s to build, 1.2 s now). The
# time of 4N codes against N tells the two apart whatever the machine's speed: about 4 when it
# grows in proportion, about 16 when it grows with the square.

def one_person_with_codes(folder: Path, count: int, people_per_code: int) -> Path:
    shutil.copytree(FIXTURES / "studies" / "minimal", folder)
    codes = [f"G{n}" for n in range(count)]
    (folder / "participants.csv").write_text(
        "code,phase,case,sector,role,gender,people\n"
        + "".join(f"{code},fieldwork,K1,PUB,Officer,W,{people_per_code}\n" for code in codes),
        "utf-8")
    (folder / "people.csv").write_text(f"person,codes\nP1,{';'.join(codes)}\n", "utf-8")
    return folder


def seconds_to_build(folder: Path) -> float:
    """The least processor time of three builds: what the build itself costs, without the
    first build's imports, or what other processes on the machine took from it."""
    times = []
    for _ in range(3):
        start = time.process_time()
        load_study(folder)
        times.append(time.process_time() - start)
    return min(times)


@pytest.mark.parametrize("people_per_code", [1, 2], ids=["own interviews", "focus groups"])
def test_a_person_with_four_times_the_codes_costs_about_four_times_the_time(tmp_path,
                                                                           people_per_code):
    codes = 2_000
    small = one_person_with_codes(tmp_path / "small", codes, people_per_code)
    large = one_person_with_codes(tmp_path / "large", 4 * codes, people_per_code)
    study = load_study(large)
    assert len(study.participants) == 1 + 4 * codes * (people_per_code - 1)
    person = next(p for p in study.participants if p.key == "P1")
    assert len(person.codes) == 4 * codes
    ratio = seconds_to_build(large) / seconds_to_build(small)
    # Linear is 4x, quadratic 16x; a loaded machine's caches have given 9x to linear code.
    assert ratio < 11, f"4x the codes took {ratio:.1f}x the time"
