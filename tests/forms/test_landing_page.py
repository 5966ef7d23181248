"""The landing page: valid, accessible HTML5 with no JavaScript, FAIR Signposting links, and
metadata that a real browser reads from the live DOM."""

from __future__ import annotations

import itertools
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import REPO_ROOT
from rdflib import Graph
from rdflib.compare import isomorphic

from svrdf.forms import FORMATS
from svrdf.rdf.mapping import StudyIris, build_graph, schema_org_part

ARTIFACTS = REPO_ROOT / "test-artifacts"


@pytest.fixture(scope="module")
def page(bundled_study) -> bytes:
    return FORMATS["html"].serialize(bundled_study, build_graph(bundled_study))


class _Outline(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def outline(page: bytes) -> list[tuple[str, dict]]:
    parser = _Outline()
    parser.feed(page.decode("utf-8"))
    return parser.tags


def test_page_is_well_formed_html5(page):
    import html5lib

    html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(page)
    assert page.startswith(b"<!DOCTYPE html>")


def test_page_is_accessible_and_needs_no_javascript(page):
    tags = outline(page)
    assert tags[0] == ("html", {"lang": "en"})
    headings = [int(tag[1]) for tag, _ in tags if re.fullmatch(r"h[1-6]", tag)]
    assert headings[0] == 1 and headings.count(1) == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(headings))  # no skipped levels
    scripts = [attrs for tag, attrs in tags if tag == "script"]
    assert scripts == [{"type": "application/ld+json"}]
    assert all(attrs.get("scope") in ("col", "row") for tag, attrs in tags if tag == "th")
    assert sum(1 for tag, _ in tags if tag == "caption") == sum(1 for tag, _ in tags if tag == "table")


def test_signposting_links(page, bundled_study):
    links = [(a.get("rel"), a.get("href"), a.get("type")) for tag, a in outline(page) if tag == "link"]
    assert ("cite-as", "https://doi.org/10.21954/ou.rd.17147720", None) in links
    described = {(href, kind) for rel, href, kind in links if rel == "describedby"}
    assert described == {(f.filename, f.media_type) for f in FORMATS.values() if f.name not in ("html", "linkset")}
    assert ("linkset", "linkset.json", "application/linkset+json") in links
    types = {href for rel, href, _ in links if rel == "type"}
    assert types == {"https://schema.org/Dataset", "https://schema.org/AboutPage"}
    # The record gives no ORCID iD and no licence, so there is no author or license link.
    assert not [rel for rel, _, _ in links if rel in ("author", "license")]


def test_author_and_license_links_appear_when_known(minimal_study):
    from svrdf.study.builder import load_study

    study = load_study(minimal_study)
    links = {(a.get("rel"), a.get("href")) for tag, a in
             outline(FORMATS["html"].serialize(study, build_graph(study))) if tag == "link"}
    assert ("author", "https://orcid.org/0000-0002-1825-0097") in links
    assert ("license", "http://spdx.org/licenses/CC-BY-4.0") in links


def test_page_shows_every_code_once_and_the_cases(page, bundled_study):
    row_headers = re.findall(r'<th scope="row">(.*?)</th>', page.decode("utf-8"))
    shown = [code for cell in row_headers for code in cell.split(", ")]
    expected = [c.code for c in bundled_study.codes] + [c.id for c in bundled_study.cases]
    # CB6 names two people, so it heads two rows.
    assert sorted(shown) == sorted(expected + ["CB6"])


# A real browser --------------------------------------------------------------------------

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                  "--no-first-run", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--enable-logging=stderr", "--v=0"]


@pytest.fixture(scope="module")
def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        message = "needs Chromium on PATH (Debian package 'chromium'; .ci/run installs it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def run_chromium(chromium: str, page: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    profile = tmp_path / f"profile-{len(list(tmp_path.iterdir()))}"
    return subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args,
                           page.as_uri()], capture_output=True, text=True, timeout=120)


def console_messages(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


def test_real_browser_loads_the_page_cleanly_and_reads_its_metadata(chromium, page, bundled_study,
                                                                     bundled_graph, tmp_path):
    target = tmp_path / "index.html"
    target.write_bytes(page)
    result = run_chromium(chromium, target, tmp_path, "--dump-dom")
    assert result.returncode == 0, result.stderr[-2000:]
    assert console_messages(result.stderr) == []
    [script] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', result.stdout, re.S)
    live = Graph().parse(data=script, format="json-ld")  # JSON reads "<\/" as "</"
    expected = schema_org_part(bundled_graph, StudyIris(bundled_study).dataset)
    assert isomorphic(live, expected)
    ARTIFACTS.mkdir(exist_ok=True)
    shot = run_chromium(chromium, target, tmp_path, "--window-size=1200,2400",
                        f"--screenshot={ARTIFACTS / 'landing-page.png'}")
    assert shot.returncode == 0 and (ARTIFACTS / "landing-page.png").stat().st_size > 10_000


def test_the_browser_check_catches_a_page_with_errors(chromium, tmp_path):
    broken = tmp_path / "broken.html"
    broken.write_text('<!DOCTYPE html><html lang="en"><head><title>x</title>'
                      "<script>undefinedFunction();</script></head><body></body></html>")
    result = run_chromium(chromium, broken, tmp_path, "--dump-dom")
    assert any("undefinedFunction" in line for line in console_messages(result.stderr))


@pytest.mark.parametrize("hostile", ["Apply by e-mail <!--<script> then wait",
                                     "</script><h1>injected</h1>", "a & b > c"])
def test_any_text_in_the_embedded_json_ld_leaves_the_page_whole(tmp_path, minimal_study, hostile,
                                                                chromium):
    """Markup in a text (here the conditions of access) stays text: the HTML parser, and
    Chromium, find the page's own headings after the script, and the JSON-LD still reads back
    to the same text."""
    import json

    import html5lib

    from svrdf.study.builder import load_study

    folder = tmp_path / "study"
    shutil.copytree(minimal_study, folder)
    with open(folder / "study.yaml", "a", encoding="utf-8") as handle:
        handle.write(f"access:\n  rights: restricted\n  conditions: {json.dumps(hostile)}\n")
    study = load_study(folder)
    body = FORMATS["html"].serialize(study, build_graph(study))
    document = html5lib.parse(body, namespaceHTMLElements=False)
    assert [h.text for h in document.iter("h1")] == [study.title]
    assert len(document.findall(".//h2")) >= 3
    [script] = [s for s in document.iter("script") if s.get("type") == "application/ld+json"]
    document = json.loads(script.text)
    conditions = [node["conditionsOfAccess"] for node in document.get("@graph", [document])
                  if "conditionsOfAccess" in node]
    assert "<" not in script.text and conditions == [hostile]
    page = tmp_path / "index.html"
    page.write_bytes(body)
    rendered = html5lib.parse(run_chromium(chromium, page, tmp_path, "--dump-dom").stdout,
                              namespaceHTMLElements=False)
    assert [h.text for h in rendered.iter("h1")] == [study.title]
    assert len(rendered.findall(".//h2")) >= 3


def test_a_large_studys_page_shows_the_first_rows_and_points_to_the_data(tmp_path):
    """The page of a study of thousands stays readable: the first rows of the participants'
    table, the count of all, and links to the data files that hold every one."""
    import sys

    sys.path.insert(0, str(REPO_ROOT / "benchmarks"))
    from generate_study import generate

    from svrdf.forms.landing_page import PARTICIPANT_ROWS
    from svrdf.rdf.mapping import distinct_triples, located_triples
    from svrdf.study.builder import load_study

    study = load_study(generate(tmp_path / "large", PARTICIPANT_ROWS * 3, seed=5))
    triples = distinct_triples(located_triples(study))
    text = FORMATS["html"].serialize(study, triples).decode("utf-8")
    table = text[text.index('<h2 id="participants">'):]
    table = table[:table.index("</table>")]
    assert table.count("<tr>") == PARTICIPANT_ROWS + 1  # the header row and the first rows
    assert f"{PARTICIPANT_ROWS * 3:,} people" in table
    assert f"the first {PARTICIPANT_ROWS:,} of them here" in table
    assert '<a href="study.ttl">study.ttl</a>' in text
    # The embedded JSON-LD is the schema.org part, read from the triples as from a graph.
    embedded = re.search(r'<script type="application/ld\+json">\n(.*?)\n</script>', text, re.S)
    expected = schema_org_part(triples, StudyIris(study).dataset)
    read = Graph().parse(data=embedded.group(1), format="json-ld")
    assert len(read) > 10 and isomorphic(read, expected)
    assert isomorphic(expected, schema_org_part(build_graph(study), StudyIris(study).dataset))


#: A page that shows the landing page in a frame of a phone's or a laptop's width and writes what
#: the browser laid out into its own DOM, where --dump-dom reads it: the page's width and how
#: wide its content is, whether title, DOI link and citation are within the width, and each
#: text colour with the background it is drawn on.
LAYOUT_PROBE = """<!DOCTYPE html><html><body style="margin:0">
<iframe id="page" src="index.html" style="width:{width}px;height:900px;border:0"></iframe>
<script>
document.getElementById("page").addEventListener("load", () => {
  const w = document.getElementById("page").contentWindow, d = w.document;
  const style = (e) => w.getComputedStyle(e);
  const shown = (e) => { if (!e) return false; const r = e.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && r.left >= 0 && r.right <= w.innerWidth + 0.5; };
  const backdrop = (e) => { for (; e; e = e.parentElement) { const c = style(e).backgroundColor;
    if (!/rgba\\(.*, 0\\)$|transparent/.test(c)) return c; } return "rgb(255, 255, 255)"; };
  const texts = [...d.querySelectorAll("a, p, li, td, th, dt, dd, caption, h1, h2, blockquote")];
  document.body.setAttribute("data-probe", JSON.stringify({
    width: w.innerWidth, content: d.documentElement.scrollWidth,
    dark: w.matchMedia("(prefers-color-scheme: dark)").matches,
    title: shown(d.querySelector("h1")), citation: shown(d.querySelector("blockquote.cite")),
    doi: shown(d.querySelector('blockquote.cite a[href^="https://doi.org/"]')),
    colours: [...new Set(texts.map(e => style(e).color + "|" + backdrop(e)))]}));
});
</script></body></html>"""


def luminance(css: str) -> float:
    """WCAG 2's relative luminance of a computed colour: rgb(r, g, b) or color(srgb r g b)."""
    numbers = [float(n) for n in re.findall(r"[\d.]+", css)[:3]]
    channels = [n / 255 for n in numbers] if css.startswith("rgb") else numbers
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground: str, background: str) -> float:
    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_page_reads_well_on_a_phone_and_a_laptop_in_light_and_dark(chromium, tmp_path, width, scheme):
    """The second example study's page (files, focus groups, two languages, a DOI): nothing
    wider than the screen, title, citation and its DOI link in view, every text at least 4.5:1
    against its background (WCAG AA). A screenshot of each is kept in test-artifacts/."""
    import json

    from svrdf.pipeline import export_study

    export = export_study(REPO_ROOT / "tests" / "fixtures" / "studies" / "housing-voices")
    (tmp_path / "index.html").write_bytes(export.serialize(FORMATS["html"]))
    probe = tmp_path / "probe.html"
    probe.write_text(LAYOUT_PROBE.replace("{width}", str(width)), encoding="utf-8")
    mode = ["--force-dark-mode"] if scheme == "dark" else []
    result = run_chromium(chromium, probe, tmp_path, "--allow-file-access-from-files",
                          "--window-size=1400,1000", *mode, "--dump-dom")
    [found] = re.findall(r'data-probe="([^"]*)"', result.stdout)
    layout = json.loads(found.replace("&quot;", '"').replace("&amp;", "&"))
    assert layout["width"] == width and layout["dark"] == (scheme == "dark")
    assert layout["content"] <= width, f"the page is {layout['content']} px wide on a {width} px screen"
    assert layout["title"] and layout["citation"] and layout["doi"]
    low = {pair: round(contrast(*pair.split("|")), 2) for pair in layout["colours"]
           if contrast(*pair.split("|")) < 4.5}
    assert low == {}, f"text below 4.5:1 (colour|background: ratio): {low}"
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / f"landing-page-{width}-{scheme}.png"
    run_chromium(chromium, probe, tmp_path, "--allow-file-access-from-files", "--window-size=1400,1000",
                 *mode, f"--screenshot={shot}")
    assert shot.stat().st_size > 10_000
