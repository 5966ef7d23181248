"""FAIR Signposting in the bundle: the landing page's <link> elements (level 1) and linkset.json
(level 2, RFC 9264) say the same, and point at files the bundle holds."""

from __future__ import annotations

import json
from html.parser import HTMLParser

from click.testing import CliRunner
from conftest import FIXTURES

from svrdf.cli import cli

HOUSING = FIXTURES / "studies" / "housing-voices"


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: set[tuple[str, str, str | None]] = set()

    def handle_starttag(self, tag, attrs):
        if tag == "link":
            found = dict(attrs)
            self.links.add((found["rel"], found["href"], found.get("type")))


def test_the_linkset_holds_the_page_s_links_and_the_links_back(tmp_path):
    result = CliRunner().invoke(cli, ["export", "--study", str(HOUSING), "--format", "all",
                                      "--out-dir", str(tmp_path), "-q"])
    assert result.exit_code == 0, result.stderr
    page = _Links()
    page.feed((tmp_path / "index.html").read_text("utf-8"))
    contexts = {c["anchor"]: c for c in json.loads((tmp_path / "linkset.json").read_text("utf-8"))["linkset"]}
    linked = {(rel, target["href"], target.get("type")) for rel, targets in contexts["./"].items()
              if rel != "anchor" for target in targets}
    signposting = {link for link in page.links if link[0] not in ("canonical", "linkset")}
    assert linked == signposting
    assert ("linkset", "linkset.json", "application/linkset+json") in page.links
    described = {href for rel, href, _ in linked if rel == "describedby"}
    # Every metadata form; not the page itself, the linkset, or the record of the run (prov.ttl).
    assert described == {p.name for p in tmp_path.iterdir()} - {"index.html", "linkset.json", "prov.ttl"}
    for name in described:
        assert contexts[name]["describes"] == [{"href": "./", "type": "text/html"}]
    items = {href for rel, href, _ in linked if rel == "item"}
    assert items and all(contexts[item]["collection"][0]["href"] == "./" for item in items)
