"""Interrupted and concurrent writes: SIGTERM leaves the old output and no temporary file, and
bundles written into one folder at once never mix."""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO_ROOT

sys.path.insert(0, str(REPO_ROOT / "benchmarks"))
from generate_study import generate

SVRDF = [sys.executable, "-m", "svrdf.cli"]


@pytest.fixture(scope="module")
def large_study(tmp_path_factory) -> Path:
    """A study that takes a few seconds to write, so a signal can arrive in the middle."""
    return generate(tmp_path_factory.mktemp("large") / "study", participants=6000)


def wait_for(condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_sigterm_while_writing_keeps_the_old_file_and_leaves_no_temporary_file(large_study,
                                                                              tmp_path):
    target = tmp_path / "out.jsonld"
    target.write_bytes(b"previous")
    process = subprocess.Popen([*SVRDF, "export", "--study", str(large_study), "--no-validate",
                                "-q", "-o", str(target)], stderr=subprocess.PIPE, text=True)
    wait_for(lambda: any(p.suffix == ".tmp" for p in tmp_path.iterdir()))
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 128 + signal.SIGTERM, stderr
    assert "stopped by SIGTERM" in stderr and "Traceback" not in stderr
    assert target.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonld"]


def test_bundles_into_one_folder_take_turns(minimal_study, bundled_dir, tmp_path):
    """A run waits while another holds the folder, then writes its whole bundle: the folder
    never holds some files of one run and some of another."""
    out = tmp_path / "out"
    out.mkdir()
    first = subprocess.run([*SVRDF, "export", "--study", str(bundled_dir), "-q", "--format",
                            "all", "--out-dir", str(out)], capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    holder = os.open(out, os.O_RDONLY)
    fcntl.flock(holder, fcntl.LOCK_EX)  # as a run writing its bundle holds it
    try:
        second = subprocess.Popen([*SVRDF, "export", "--study", str(minimal_study),
                                   "--format", "all", "--out-dir", str(out)],
                                  stderr=subprocess.PIPE, text=True)
        time.sleep(3)  # long enough for the second run to have written, had it not waited
        assert second.poll() is None
        assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    finally:
        os.close(holder)
    _, stderr = second.communicate(timeout=60)
    assert second.returncode == 0, stderr
    after = {p.name: p.read_bytes() for p in out.iterdir()}
    # Every form is the second run's; the one the minimal study cannot have (DataCite, with
    # no DOI) is gone rather than left from the first run.
    assert set(after) == set(before) - {"datacite.xml"}
    # The linkset and the data list name no IRI: the second run's names no DataCite file and
    # lists the minimal study's codes.
    plain = ("linkset.json", "datalist.csv", "datalist.csv-metadata.json")
    assert all(b"example.org/studies/minimal" in data for name, data in after.items() if name not in plain)
    assert b"datacite.xml" not in after["linkset.json"]
    assert after["datalist.csv"].splitlines()[1].startswith(b"A1,interview,")  # the minimal study's
    assert "skipped datacite.xml (and removed any earlier one)" in stderr
