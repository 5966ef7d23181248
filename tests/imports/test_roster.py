"""`svrdf import text`: a record's roster read into a participants table, with an import
report of every assumption, in every style records use, through the real CLI and loader."""

from __future__ import annotations

import csv
import http.server
import json
import socket
import threading
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import FIXTURES, require_shared

from svrdf.cli import cli
from svrdf.imports import read_source, write_study_folder
from svrdf.imports.folder import REPORT_FILE
from svrdf.imports.roster import parse_roster
from svrdf.resources import bundled_study_dir

ROSTERS = FIXTURES / "rosters"
#: Each roster text whose expected participants table is beside it (NAME.csv).
EXPECTED = sorted(path.stem for path in ROSTERS.glob("*.csv"))
SEED = "seed/000_9064ac67a04cfab1.txt"
BASE = "https://example.org/studies/imported/"


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_seed_gives_the_bundled_study_participants_table(tmp_path):
    """Every code, phase, case, sector, role, gender, second code, number of people and shared
    event of the hand transcription. Its notes are the transcriber's words (and one fact from
    outside the record, CVS = Council for Voluntary Service); the import's notes quote the
    record instead, and its report names each trap it resolved."""
    result = run("import", "text", str(require_shared(SEED)), str(tmp_path / "s"), "--base-iri", BASE)
    assert result.exit_code == 0, result.output
    imported = rows(tmp_path / "s" / "participants.csv")
    by_hand = rows(bundled_study_dir() / "participants.csv")
    columns = [c for c in by_hand[0] if c != "note"]
    assert [{c: r.get(c, "") for c in columns} for r in imported] == \
        [{c: r[c] for c in columns} for r in by_hand]
    assert all(r["note"] for r in imported if r["other_codes"] or r["people"] != "1")
    report = (tmp_path / "s" / REPORT_FILE).read_text(encoding="utf-8")
    for trap in ("CB1 is only mentioned, as IP13's second code",
                 "M&F is read as 2 people",
                 "IP8 and CC1 name each other"):
        assert trap in report
    # The illustrative codes of the record's keys are not participants.
    assert "CA10" not in {r["code"] for r in imported}


def test_the_seed_gives_the_bundled_study_s_fieldwork(tmp_path):
    """Phases, cases, sectors and gender codes, from the record's headings and keys."""
    result = run("import", "text", str(require_shared(SEED)), str(tmp_path / "s"), "--base-iri", BASE)
    assert result.exit_code == 0, result.output
    imported = yaml.safe_load((tmp_path / "s" / "study.yaml").read_text(encoding="utf-8"))
    by_hand = yaml.safe_load((bundled_study_dir() / "study.yaml").read_text(encoding="utf-8"))
    assert imported["title"] == by_hand["title"]
    assert str(imported["date-published"]) == str(by_hand["date-published"])
    # The record names the creator but not her affiliation, and the publisher without its address.
    assert imported["creators"] == [{k: v for k, v in c.items() if k != "affiliation"}
                                    for c in by_hand["creators"]]
    assert imported["publisher"] == {"name": by_hand["publisher"]["name"]}
    assert [(p["id"], p["code-prefixes"]) for p in imported["phases"]] == \
        [(p["id"], p["code-prefixes"]) for p in by_hand["phases"]]
    assert [(c["id"], c["name"], c.get("alternate-names")) for c in imported["cases"]] == \
        [(c["id"], c["name"], c.get("alternate-names")) for c in by_hand["cases"]]
    assert [g["code"] for g in imported["gender"]] == [g["code"] for g in by_hand["gender"]]
    assert [s["code"] for s in imported["sectors"]] == [s["code"] for s in by_hand["sectors"]]
    assert imported["description"] == by_hand["description"]
    assert imported["source-organization"] == by_hand["source-organization"]


@pytest.mark.parametrize("name", EXPECTED)
def test_each_roster_style_gives_its_participants_table(tmp_path, name):
    result = run("import", "text", str(ROSTERS / f"{name}.txt"), str(tmp_path / "s"), "--base-iri", BASE)
    assert result.exit_code == 0, result.output
    imported = {r["code"]: r for r in rows(tmp_path / "s" / "participants.csv")}
    expected = rows(ROSTERS / f"{name}.csv")
    assert list(imported) == [r["code"] for r in expected]
    for row in expected:
        got = imported[row["code"]]
        assert {c: got.get(c) or ("1" if c == "people" else "") for c in row} == row


@pytest.mark.parametrize("name", EXPECTED)
def test_every_imported_roster_validates(tmp_path, name):
    assert run("import", "text", str(ROSTERS / f"{name}.txt"), str(tmp_path / "s")).exit_code == 0
    result = run("validate", "--study", str(tmp_path / "s"))
    assert result.exit_code == 0, result.output


def test_what_the_parser_assumed_is_listed_with_its_line(tmp_path):
    roster = parse_roster((ROSTERS / "numbered-participants.txt").read_text(encoding="utf-8"))
    assert [(n.line, n.what) for n in roster.notes] == [
        (number, f"'Participant {number - 6}' is given the code P{number - 6}") for number in range(7, 11)]
    result = run("import", "text", str(ROSTERS / "numbered-participants.txt"), str(tmp_path / "s"))
    assert "line 7: 'Participant 1' is given the code P1" in result.output
    assert "line 7: 'Participant 1' is given the code P1" in (tmp_path / "s" / REPORT_FILE).read_text("utf-8")


@pytest.mark.parametrize(("name", "message"), [
    ("hostile-email", "e-mail"),
    ("hostile-names", "name"),
])
def test_a_direct_identifier_in_a_roster_is_refused_when_the_study_is_loaded(tmp_path, name, message):
    result = run("import", "text", str(ROSTERS / f"{name}.txt"), str(tmp_path / "s"))
    assert result.exit_code == 1
    assert "participants.csv" in result.output and message in result.output.lower()
    assert "Traceback" not in result.output
    result = run("export", "--study", str(tmp_path / "s"), "-o", str(tmp_path / "out.ttl"))
    assert result.exit_code == 1 and not (tmp_path / "out.ttl").exists()


def test_an_existing_folder_is_refused_without_merge_and_left_as_it_was(tmp_path):
    folder = tmp_path / "s"
    folder.mkdir()
    (folder / "study.yaml").write_text("title: mine\n", encoding="utf-8")
    result = run("import", "text", str(ROSTERS / "tab-table.txt"), str(folder))
    assert result.exit_code == 2 and "--merge" in result.output
    assert [p.name for p in folder.iterdir()] == ["study.yaml"]
    assert (folder / "study.yaml").read_text(encoding="utf-8") == "title: mine\n"


def test_merge_fills_what_the_folder_lacks_and_keeps_what_it_has(tmp_path):
    folder = tmp_path / "s"
    assert run("import", "text", str(ROSTERS / "tab-table.txt"), str(folder), "--base-iri", BASE).exit_code == 0
    study = folder / "study.yaml"
    edited = study.read_text(encoding="utf-8").replace(
        "title: Tenants and housing officers on repairs", "# my own title\ntitle: Tenants' voices")
    edited = edited.replace("description: ", "description: Edited. ", 1)
    study.write_text(edited, encoding="utf-8")
    table = folder / "participants.csv"
    kept = table.read_text(encoding="utf-8").replace("T1,1,north,Tenant", "T1,1,north,Tenant (edited)")
    table.write_text("\n".join(line for line in kept.splitlines() if not line.startswith("HO1")) + "\n",
                     encoding="utf-8")
    result = run("import", "text", str(ROSTERS / "tab-table.txt"), str(folder), "--merge")
    assert result.exit_code == 0, result.output
    text = study.read_text(encoding="utf-8")
    assert text.startswith(edited.rstrip("\n"))  # the user's text and comments, as they were
    merged = {r["code"]: r for r in rows(table)}
    assert merged["T1"]["role"] == "Tenant (edited)"
    assert "HO1" in merged
    report = (folder / REPORT_FILE).read_text(encoding="utf-8")
    assert "kept participants.csv's role of T1 ('Tenant (edited)')" in report
    assert "added HO1 to participants.csv" in report
    assert "kept study.yaml's 'title'" in report


class _RecordedApi(http.server.BaseHTTPRequestHandler):
    """A loopback stand-in for Figshare's API, answering with a recorded article."""
    body = b""

    def do_GET(self) -> None:
        found = self.path == "/v2/articles/4242"
        self.send_response(200 if found else 404)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(self.body if found else b'{"message": "not found"}')

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def recorded_api():
    article = {"id": 4242, "title": "Night shifts", "doi": "10.1234/example.4242",
               "description": "<p>Interviews with nurses.</p><p>P1 (F), Nurse</p><p>P2 (M), Porter</p>",
               "authors": [{"full_name": "Ada Lovelace", "orcid_id": ""}],
               "published_date": "2022-03-01T10:00:00Z"}
    _RecordedApi.body = json.dumps(article).encode()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _RecordedApi)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v2"
    server.shutdown()
    server.server_close()


def test_fetching_is_asked_for_and_reads_the_api_s_answer(tmp_path, recorded_api):
    result = run("import", "figshare", "--id", "4242", "--api", recorded_api, str(tmp_path / "s"),
                 "--base-iri", BASE)
    assert result.exit_code == 0, result.output
    study = yaml.safe_load((tmp_path / "s" / "study.yaml").read_text(encoding="utf-8"))
    assert study["title"] == "Night shifts"
    assert study["identifiers"][0] == {"scheme": "DOI", "value": "10.1234/example.4242"}
    assert [r["code"] for r in rows(tmp_path / "s" / "participants.csv")] == ["P1", "P2"]
    missing = run("import", "figshare", "--id", "1", "--api", recorded_api, str(tmp_path / "t"))
    assert missing.exit_code == 2 and "no such record" in missing.output
    assert not (tmp_path / "t").exists()


def test_offline_the_fetch_fails_with_what_to_do(tmp_path):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    result = run("import", "datacite", "--doi", "10.1234/x", "--api", f"http://127.0.0.1:{port}",
                 "--timeout", "5", str(tmp_path / "s"))
    assert result.exit_code == 2
    assert "cannot reach" in result.output and "import the file" in result.output
    assert not (tmp_path / "s").exists()


@pytest.mark.parametrize("args", [
    ["import", "text", "missing.txt", "s"],
    ["import", "text", "only-one-path"],
    ["import", "figshare", "--id", "not-a-number", "s"],
    ["import", "datacite", "--doi", "10.1/x", "a.json", "s"],
])
def test_usage_errors_exit_2_and_write_nothing(tmp_path, monkeypatch, args):
    monkeypatch.chdir(tmp_path)
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_a_record_without_a_roster_is_written_and_said_to_need_phases(tmp_path):
    draft = read_source("text", "A title\n\nA study described in prose only.\n", "record.txt")
    assert draft.roster is None
    (tmp_path / "record.txt").write_text("A title\n\nA study described in prose only.\n", encoding="utf-8")
    result = run("import", "text", str(tmp_path / "record.txt"), str(tmp_path / "s"))
    assert result.exit_code == 1
    assert "phases" in result.output
    assert (tmp_path / "s" / "study.yaml").exists() and not (tmp_path / "s" / "participants.csv").exists()


def test_values_the_study_format_refuses_are_left_out_item_by_item(tmp_path):
    """Two problems in one creator drop that creator once; creators before and after it stay."""
    draft = read_source("text", (ROSTERS / "tab-table.txt").read_text(encoding="utf-8"), "tab-table.txt")
    draft.study["creators"] = [{"name": "A", "orcid": "not an orcid", "unknown-key": 1},
                               {"name": "B"}, {"name": "C", "orcid": "also not"}]
    write_study_folder(draft, tmp_path / "s", BASE)
    study = yaml.safe_load((tmp_path / "s" / "study.yaml").read_text(encoding="utf-8"))
    assert study["creators"] == [{"name": "B"}]
    dropped = [n.what for n in draft.notes if n.what.startswith("not imported: creators")]
    assert [what.split(",")[0] for what in dropped] == ["not imported: creators[2]", "not imported: creators[0]"]


def test_a_table_s_mode_column_keeps_a_ddi_term_and_reads_a_word(tmp_path):
    text = ("Title\n\nposted on 2020-01-01 authored by Ann Example\n\nAbout the study.\n\n"
            "Code\tMode\nA1\tInterview.Telephone\nA2\tonline\n")
    draft = read_source("text", text, "record.txt")
    assert draft.roster is not None
    assert [(r.code, r.mode) for r in draft.roster.rows] == [("A1", "Interview.Telephone"),
                                                             ("A2", "Interview.WebBased")]
