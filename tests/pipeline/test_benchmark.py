"""The benchmark's --quick mode runs end to end, so the benchmark cannot rot. No timing is
asserted: that is what the benchmark's own report is for."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys

import pytest
import yaml
from conftest import REPO_ROOT


def test_quick_benchmark_runs_every_workload_and_reports_every_target(tmp_path):
    result = subprocess.run(
        [sys.executable, str(REPO_ROOT / "benchmarks" / "bench.py"), "--quick",
         "--work-dir", str(tmp_path / "work"), "--json", str(tmp_path / "bench.json")],
        capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    measured = json.loads((tmp_path / "bench.json").read_text("utf-8"))
    runs = {(m["workload"], m["size"], m["engine"]) for m in measured["measurements"]}
    assert runs == {(w, s, e) for w, engines in (("repository", ("naive", "svrdf")),
                                                 ("stress", ("naive", "svrdf")),
                                                 ("bundle", ("svrdf", "floor")))
                    for s in ("tenth", "full") for e in engines}
    assert all(m["seconds"] > 0 and m["peak_mb"] > 0 for m in measured["measurements"])
    assert set(measured["startup"]) == {"import click", "svrdf --help", "svrdf --version",
                                        "import rdflib, pyshacl", "svrdf export (bundled study)"}
    for target in ("repository: ≥ 50× faster", "stress: ≥ 50× faster", "stress: peak RSS under 600 MB",
                   "bundle: ≤ 5× the floor", "bundle: peak RSS under 300 MB",
                   "×10 the work costs ≤ ×10.5 the time", "svrdf --help ≤ 2×"):
        assert target in result.stdout
    assert "[bench]" in result.stderr and "[bench]" not in result.stdout
    # Each svrdf measurement is the median of three runs; the naive ones run once.
    for size in ("tenth", "full"):
        assert result.stderr.count(f"stress ({size}, run 3 of 3): svrdf ...") == 1
        assert f"stress ({size}): naive ..." in result.stderr
    assert "run 1 of 3): naive" not in result.stderr
    for m in measured["measurements"]:
        assert len(m["runs"]) == (1 if m["engine"] == "naive" else 3)
        assert m["seconds"] == pytest.approx(sorted(m["runs"])[len(m["runs"]) // 2], abs=0.01)


def test_engines_script_times_each_fast_path_against_its_reference_and_finds_them_equal():
    result = subprocess.run(
        [sys.executable, str(REPO_ROOT / "benchmarks" / "engines.py"), "--participants", "150"],
        capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    rows = [line for line in result.stdout.splitlines() if line.startswith("| ") and "×" in line]
    assert [row.split(" | ")[0] for row in rows] == [
        "| validation: svrdf's SHACL engine", "| validation: pyshacl with speed-ups", "| Turtle",
        "| N-Triples"]
    assert all(row.endswith("| yes |") for row in rows)


def test_a_naive_run_stopped_at_its_limit_is_a_lower_bound_and_merges_into_a_later_report(tmp_path):
    bench = [sys.executable, str(REPO_ROOT / "benchmarks" / "bench.py"), "--quick",
             "--workloads", "stress", "--work-dir", str(tmp_path / "work")]
    naive = subprocess.run(bench + ["--engines", "naive", "--naive-limit", "0.1",
                                    "--json", str(tmp_path / "naive.json")],
                           capture_output=True, text=True, timeout=600)
    assert naive.returncode == 0, naive.stderr
    stopped = json.loads((tmp_path / "naive.json").read_text("utf-8"))["measurements"]
    assert [m["complete"] for m in stopped] == [False, False]
    assert naive.stdout == ""  # one engine alone makes no comparison
    merged = subprocess.run(bench + ["--merge", str(tmp_path / "naive.json")],
                            capture_output=True, text=True, timeout=600)
    assert merged.returncode == 0, merged.stderr
    assert "stress (full): naive" not in merged.stderr  # taken from the merged file, not run
    assert "(at least: naive stopped)" in merged.stdout
    assert "| > " in merged.stdout


def test_memory_script_reports_every_step_of_an_export():
    result = subprocess.run(
        [sys.executable, str(REPO_ROOT / "benchmarks" / "memory.py"), "--participants", "150"],
        capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    rows = [line.split(" | ") for line in result.stdout.splitlines()[2:]]
    steps = [re.sub(r"[\d,]+", "N", row[0]) for row in rows]
    assert steps == ["| start-up", "| reading the study", "| building the graph of N participants",
                     "| validating N triples", "| writing study.ttl", "| writing study.jsonld",
                     "| writing study.nt"]
    peaks = [float(row[3].rstrip(" |")) for row in rows]
    assert peaks == sorted(peaks) and peaks[0] > 0  # a peak so far never falls


def test_generated_studies_have_the_general_shapes_conform_and_count_their_people(tmp_path):
    """The benchmark's inputs are studies svrdf must accept, with the format's general shapes:
    focus groups whose members were also interviewed alone (people.csv), some of them in two,
    genders given for some of a group, events with modes and dates, phases known to the month;
    and, from the same seed, the same files."""
    sys.path.insert(0, str(REPO_ROOT / "benchmarks"))
    from conftest import roster
    from generate_study import generate
    from test_properties import check_counts, check_export

    for participants, seed in ((300, 1), (40, 2)):
        directory = generate(tmp_path / f"s{seed}", participants, seed)
        people = roster(directory)
        assert len(people) == participants
        check_counts(directory, check_export(directory))
        assert any(p.listed and len(p.codes) > 1 for p in people)

    directory = generate(tmp_path / "large", 3000, 5)
    again = generate(tmp_path / "again", 3000, 5)
    for name in ("study.yaml", "participants.csv", "people.csv"):
        assert (directory / name).read_bytes() == (again / name).read_bytes()
    people = roster(directory)
    assert len(people) == 3000
    with open(directory / "participants.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    groups = {r["code"]: r for r in rows if r["event"] == "focus-group"}
    assert any(p.listed and p.codes - set(groups) and p.codes & set(groups) for p in people)
    assert any(len(p.codes & set(groups)) > 1 for p in people)
    assert any(r["gender"] and len(r["gender"].split(";")) < int(r["people"]) for r in groups.values())
    assert any("/" in r["date"] for r in rows) and any(len(r["date"]) == 7 for r in rows)
    assert {r["mode"] for r in rows} > {"", "Interview.Telephone", "FocusGroup.Online"}
    study = yaml.safe_load((directory / "study.yaml").read_text("utf-8"))
    assert {"license", "access", "funding", "languages"} <= set(study)
    assert any(len(str(phase.get("end-date", ""))) == 7 for phase in study["phases"])
