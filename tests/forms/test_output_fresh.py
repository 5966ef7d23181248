"""output/ holds exactly what `svrdf export --format all --out-dir output/` writes now."""

from __future__ import annotations

from click.testing import CliRunner
from conftest import REPO_ROOT

from svrdf.cli import cli


def test_output_folder_is_fresh(tmp_path):
    result = CliRunner().invoke(cli, ["export", "--format", "all", "--out-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    output = REPO_ROOT / "output"
    fresh = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    committed = {p.name: p.read_bytes() for p in output.iterdir() if p.is_file()}
    stale = sorted(name for name in fresh.keys() | committed.keys()
                   if fresh.get(name) != committed.get(name))
    assert stale == [], ("output/ is stale; regenerate it with "
                         "`svrdf export --format all --out-dir output/`")
