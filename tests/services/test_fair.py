"""`svrdf fair`: F-UJI's metrics judged offline on the bundle a study gives, each failing one
with what is missing and the key that fills it."""

from __future__ import annotations

import json

import yaml
from click.testing import CliRunner
from conftest import FIXTURES

from svrdf.cli import cli
from svrdf.resources import bundled_study_dir
from svrdf.services.fair import METRICS, fair_scores
from svrdf.study.builder import load_study


def failing(folder) -> dict[str, list[str]]:
    return {s.metric.identifier: [key for _, key in s.missing]
            for s in fair_scores(load_study(folder)) if not s.passed}


def test_the_bundled_study_fails_what_its_record_does_not_state():
    """Its record lists no files and states no access right and no licence; it has a DOI, core
    metadata, a thesis, creators and phases, and DataCite and DDI forms."""
    spec = yaml.safe_load((bundled_study_dir() / "study.yaml").read_text("utf-8"))
    assert "files" not in spec and "access" not in spec and not spec["license"]
    assert failing(bundled_study_dir()) == {"FsF-F3-01M": ["files"], "FsF-A1-01M": ["access"],
                                           "FsF-R1.1-01M": ["license"]}


def test_a_licence_spdx_does_not_know_fails_r1_1(tmp_path):
    import shutil

    folder = tmp_path / "study"
    shutil.copytree(FIXTURES / "studies" / "housing-voices", folder)
    path = folder / "study.yaml"
    path.write_text(path.read_text("utf-8").replace("license: CC-BY-4.0", "license: https://example.org/our-licence"),
                    "utf-8")
    assert failing(folder) == {"FsF-R1.1-01M": ["license"]}


def test_a_study_with_every_field_meets_every_metric():
    assert failing(FIXTURES / "studies" / "housing-voices") == {}


def test_a_minimal_study_is_told_each_key_to_fill():
    missing = failing(FIXTURES / "studies" / "minimal")
    assert missing["FsF-F1-02D"] == ["identifiers"]
    assert "identifiers" in missing["FsF-F2-01M"]
    assert missing["FsF-F3-01M"] == ["files"] and missing["FsF-A1-01M"] == ["access"]
    assert set(missing) <= {m.identifier for m in METRICS}


def test_the_command_gives_every_metric_as_json():
    result = CliRunner().invoke(cli, ["fair", "--format", "json"])
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document["metrics"] == len(METRICS) and document["met"] == len(METRICS) - 3
    assert [r["metric"] for r in document["results"]] == [m.identifier for m in METRICS]
