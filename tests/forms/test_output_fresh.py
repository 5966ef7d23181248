"""output/ holds exactly what `svrdf export --format all --out-dir output/` writes now, but for
prov.ttl: the record of the run names the versions of the libraries it ran on, which differ
from machine to machine, so it is not kept (.gitignore) and tests/forms/test_provenance.py
checks it instead."""

from __future__ import annotations

from click.testing import CliRunner
from conftest import REPO_ROOT

from svrdf.cli import cli


def test_output_folder_is_fresh(tmp_path):
    result = CliRunner().invoke(cli, ["export", "--format", "all", "--out-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    output = REPO_ROOT / "output"
    fresh = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.name != "prov.ttl"}
    committed = {p.name: p.read_bytes() for p in output.iterdir() if p.is_file() and p.name != "prov.ttl"}
    stale = sorted(name for name in fresh.keys() | committed.keys()
                   if fresh.get(name) != committed.get(name))
    assert stale == [], ("output/ is stale; regenerate it with "
                         "`svrdf export --format all --out-dir output/`")
