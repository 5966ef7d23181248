"""The HTML landing page: what a person reads, and what harvesters read from its head.

Static HTML5 with no JavaScript (harvesters do not run it): the study (its titles and
descriptions in every language the record gives, each marked with its language), access and
licence, funding, its creators and contributors, how to cite it, its design, the fieldwork
phases with their interviews and focus groups, the cases and the participants' table, and links
to every other form. The head carries one ``<script type="application/ld+json">`` with the
schema.org part of the graph (the Dataset Google Dataset Search reads) and FAIR Signposting
``<link>`` elements.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Iterable
from html import escape
from typing import BinaryIO

from rdflib import Graph

from svrdf.forms.jsonld import compact_jsonld, jsonld_context
from svrdf.forms.registry import available_formats, register
from svrdf.forms.signposting import LINKSET_FILE, LINKSET_MEDIA_TYPE, landing_page_signposts
from svrdf.rdf.mapping import StudyIris, Triple, language_iri, schema_org_part
from svrdf.study.model import (
    EVENT_KINDS,
    CatalogDescription,
    Funding,
    LocalText,
    PartialDate,
    Person,
    Phase,
    QuotationCode,
    Study,
)
from svrdf.study.vocabularies import access_rights, modes_of_collection

STYLE = """
:root { color-scheme: light dark; --accent: #1f5f8b; --muted: #5b6470; --line: #d0d7de; }
@media (prefers-color-scheme: dark) {
  :root { --accent: #8cc8f5; --muted: #a9b4c0; --line: #3d444d; }
}
body { font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0;
       color: CanvasText; background: Canvas; overflow-wrap: anywhere; }
header, main, footer { max-width: 60rem; margin: 0 auto; padding: 0 1.25rem; }
header { padding-top: 2rem; border-bottom: 3px solid var(--accent); }
.kind { text-transform: uppercase; letter-spacing: .08em; font-size: .8rem; color: var(--muted); }
h1 { font-size: 1.7rem; line-height: 1.25; margin: .3rem 0 1rem; }
h2 { font-size: 1.25rem; margin-top: 2.2rem; border-bottom: 1px solid var(--line); }
a { color: var(--accent); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1.2rem; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
.note { color: var(--muted); font-size: .9rem; }
.other-title { font-size: 1.15rem; margin: -.6rem 0 1rem; color: var(--muted); }
.unrecorded { color: var(--muted); font-style: italic; }
.declined { font-weight: 600; }
blockquote.cite { margin: 0; padding: .8rem 1rem; border-left: 4px solid var(--accent);
                  background: color-mix(in srgb, var(--accent) 8%, Canvas); }
.table { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: .95rem; }
caption { text-align: left; color: var(--muted); padding-bottom: .4rem; }
th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid var(--line);
         vertical-align: top; }
thead th { border-bottom: 2px solid var(--accent); }
footer { margin-top: 3rem; padding-bottom: 2rem; color: var(--muted); font-size: .85rem; }
@media (max-width: 40rem) {
  dl.facts { grid-template-columns: 1fr; }
  dl.facts dd { margin-bottom: .5rem; }
  th, td { padding: .3rem .4rem; }
}
"""

#: The participants' table shows this many rows at most: a page of a large study stays one a
#: person can read, and the data files hold every participant.
PARTICIPANT_ROWS = 200

#: Links to the other forms: (file name in the bundle, media type, what it is), from the
#: registry, so a new form is linked without touching this.
MetadataLink = tuple[str, str, str]


def to_landing_page(study: Study, graph: Graph | Collection[Triple],
                    links: Iterable[MetadataLink]) -> bytes:
    """The page, from the study and its graph (an rdflib graph or the study's triples)."""
    iris = StudyIris(study)
    language = study.metadata_language or "en"
    links = list(links)
    embedded = _embedded_jsonld(graph, iris)
    head = [
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(study.title)}</title>",
        f'<meta name="description" content="{escape(_shorten(study.description, 300))}">',
        f'<link rel="canonical" href="{escape(study.landing_page or str(iris.dataset))}">',
    ]
    # FAIR Signposting, level 1, and the linkset of level 2 where the bundle has it.
    described_by = [(name, media) for name, media, _ in links if name != LINKSET_FILE]
    head += [f'<link rel="{rel}" href="{escape(href)}"' + (f' type="{escape(media)}"' if media else "") + ">"
             for rel, href, media in landing_page_signposts(study, described_by)]
    if len(described_by) < len(links):
        head.append(f'<link rel="linkset" href="{LINKSET_FILE}" type="{LINKSET_MEDIA_TYPE}">')
    head.append(f"<style>{STYLE}</style>")
    head.append(f'<script type="application/ld+json">\n{embedded}\n</script>')

    body = [
        "<header>",
        '<p class="kind">Dataset</p>',
        f"<h1{_lang(_main_language(study.titles), language)}>{escape(study.title)}</h1>",
        *[f'<p class="other-title"{_lang(lang, language)}>{escape(text)}</p>'
          for lang, text in study.titles[1:]],
        "</header>",
        "<main>",
        *_paragraphs(study.description, _lang(_main_language(study.descriptions), language)),
        *[part for lang, text in study.descriptions[1:]
          for part in _paragraphs(text, _lang(lang, language))],
        _facts(study, iris, language),
        _files(study),
        _design(study, language),
        _creators(study),
        _contributors(study),
        _citation(study, iris),
        _phases(study),
        _cases(study),
        _participants(study, links),
        _related(study),
        _metadata(links),
        "</main>",
        '<footer><p>This page and the files it links to were generated by svrdf from the '
        "study's description. Participants are known only by pseudonymous quotation codes.</p>"
        "</footer>",
    ]
    return _document(language, head, body)


def catalogue_page(about: CatalogDescription, studies: Iterable[tuple[Study, str]],
                   rdf_links: Iterable[tuple[str, str]]) -> bytes:
    """The HTML page of a catalogue of studies (a server's root and /catalog): its title and
    description, and for each study (with the address of its landing page) its title,
    creators, publication date and DOI; ``rdf_links`` are the catalogue's RDF forms, as
    (address, media type)."""
    language = about.language or "en"
    rdf_links = list(rdf_links)
    items = []
    for study, address in studies:
        iris = StudyIris(study)
        facts = ", ".join(escape(p.full_name) for p in study.creators)
        if study.date_published:
            facts += f" ({study.date_published.year})"
        if study.doi:
            facts += f". DOI {_link(str(iris.dataset), study.doi.value)}"
        items.append(f'<li><a href="{escape(address)}"{_lang(_main_language(study.titles), language)}>'
                     f"{escape(study.title)}</a><br>{facts}</li>")
    head = ['<meta charset="utf-8">', '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{escape(about.title)}</title>",
            *[f'<link rel="alternate" href="{escape(url)}" type="{escape(media)}">' for url, media in rdf_links],
            f"<style>{STYLE}</style>"]
    publisher = about.publisher
    body = ["<header>", '<p class="kind">Catalogue</p>', f"<h1>{escape(about.title)}</h1>", "</header>",
            "<main>", f"<p>{escape(about.description)}</p>",
            f"<p>Published by {_org(publisher.name, publisher.url)}.</p>" if publisher else "",
            f'<h2 id="studies">Studies ({len(items)})</h2>', f"<ul>{''.join(items)}</ul>",
            '<h2 id="metadata">Metadata</h2>',
            "<ul>" + "".join(f"<li>{_link(url, media)}</li>" for url, media in rdf_links) + "</ul>",
            "</main>"]
    return _document(language, head, body)


def _document(language: str, head: list[str], body: list[str]) -> bytes:
    """An HTML document of the parts, a line each (empty parts left out)."""
    page = ["<!DOCTYPE html>", f'<html lang="{escape(language)}">', "<head>", *head, "</head>",
            "<body>", *body, "</body>", "</html>"]
    return ("\n".join(part for part in page if part) + "\n").encode("utf-8")


def _embedded_jsonld(graph: Graph | Collection[Triple], iris: StudyIris) -> str:
    text = compact_jsonld(schema_org_part(graph, iris.dataset), jsonld_context()).decode("utf-8")
    # Inside a script element the HTML parser looks for "</script" and, after "<!--", for
    # "<script": either in a text would end the element early or swallow the page. "<", ">" and
    # "&" appear in JSON only inside strings, where their escapes (\\u003c, ...) mean the same.
    return (text.strip().replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("&", "\\u0026"))


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _paragraphs(text: str, lang: str = "") -> list[str]:
    return [f"<p{lang}>{escape(part.strip())}</p>" for part in text.split("\n\n") if part.strip()]


def _main_language(texts: tuple[LocalText, ...]) -> str | None:
    return texts[0][0] if texts else None


def _lang(language: str | None, page: str | None = None) -> str:
    """A ``lang`` attribute for a text in ``language``, where it is known and not the page's."""
    return f' lang="{escape(language)}"' if language and language != page else ""


def _local(text: LocalText, page: str) -> str:
    """A text, in a span that says its language where that is not the page's."""
    language, value = text
    lang = _lang(language, page)
    return f"<span{lang}>{escape(value)}</span>" if lang else escape(value)


def _link(url: str, text: str | None = None) -> str:
    return f'<a href="{escape(url)}">{escape(text or url)}</a>'


def _facts(study: Study, iris: StudyIris, language: str) -> str:
    rows: list[tuple[str, str]] = []
    doi = study.doi
    if doi:
        note = (' <span class="note">(derived from the repository\'s DOI pattern; not printed in '
                'the record)</span>' if doi.derived else "")
        rows.append(("DOI", _link(str(iris.dataset), doi.value) + note))
    for identifier in study.identifiers:
        if identifier.scheme != "DOI":
            rows.append((escape(identifier.scheme), escape(identifier.value)))
    if study.date_published:
        rows.append(("Published", f'<time datetime="{study.date_published.isoformat()}">'
                                  f"{study.date_published.isoformat()}</time>"))
    if study.version:
        rows.append(("Version", escape(study.version)))
    if study.publisher:
        rows.append(("Publisher", _org(study.publisher.name, study.publisher.url)))
    if study.catalog:
        rows.append(("Catalogue", _org(study.catalog.name, study.catalog.url)))
    if study.landing_page:
        rows.append(("Files", _link(study.landing_page, "on the repository's page")))
    period = study.temporal_period
    if period and (period.start or period.end):
        rows.append(("Fieldwork", _span([period.start] if period.start else [],
                                        [period.end] if period.end else [])))
    elif study.temporal_coverage:
        rows.append(("Fieldwork", escape(study.temporal_coverage)))
    if study.spatial_coverage:
        rows.append(("Place", ", ".join(escape(p.name) for p in study.spatial_coverage)))
    method = "; ".join(filter(None, (study.methodology, *study.techniques)))
    if method:
        rows.append(("Method", escape(method)))
    if study.keywords:
        rows.append(("Keywords", ", ".join(escape(k) for k in study.keywords)))
    if study.languages:
        # The languages of the data, each linked to its entry in the EU's Languages table
        # (which the DCAT record names too), where its name is given in every EU language.
        rows.append(("Languages of the data", ", ".join(
            _link(language_iri(tag), tag) for tag in study.languages)))
    rows += _access(study, language)
    if study.license:
        licence = study.license
        rows.append(("Licence", _link(licence.iri, licence.spdx_id) + (
            f' <span class="note">(SPDX identifier <code>{escape(licence.spdx_id)}</code>)</span>'
            if licence.spdx_id else "")))
    else:
        publisher = study.publisher.name if study.publisher else "the publisher"
        rows.append(("Licence", f'Not stated in the record <span class="note">(ask '
                                f'{escape(publisher)} about reuse)</span>'))
    if study.funding:
        rows.append(("Funding", "<br>".join(_funding(f) for f in study.funding)))
    return '<h2 id="about">About this dataset</h2>\n' + _dl(rows)


def _dl(rows: list[tuple[str, str]]) -> str:
    items = "".join(f"<dt>{name}</dt><dd>{value}</dd>" for name, value in rows)
    return f'<dl class="facts">{items}</dl>'


def _access(study: Study, language: str) -> list[tuple[str, str]]:
    access = study.access
    if access is None:
        return []
    term = access_rights()[access.rights]
    # COAR's access right, linked to its term, as DCAT-AP and OpenAIRE name it.
    value = _link(term.iri, term.label)
    if access.embargo_end:
        day = access.embargo_end.isoformat()
        value += f' until <time datetime="{day}">{day}</time>'
    rows = [("Access", value)]
    if access.conditions:
        rows.append(("Conditions of access",
                     "<br>".join(_local(text, language) for text in access.conditions)))
    return rows


def _size(size: int) -> str:
    """A size as a person reads it, and exactly: 2.4 MB (2,411,873 bytes)."""
    exact = f"{size:,} byte{'' if size == 1 else 's'}"
    for unit, factor in (("GB", 10 ** 9), ("MB", 10 ** 6), ("kB", 10 ** 3)):
        if size >= factor:
            return f"{size / factor:.1f} {unit} ({exact})"
    return exact


def _files(study: Study) -> str:
    if not study.files:
        return ""
    rows = []
    for data_file in study.files:
        rights = study.access_of(data_file)
        rows.append([_link(data_file.url, data_file.name) if data_file.url else escape(data_file.name),
                     escape(data_file.title or ""), escape(data_file.media_type or ""),
                     _size(data_file.size) if data_file.size is not None else "",
                     escape(access_rights()[rights].label) if rights else "not stated"])
    return '<h2 id="files">Files</h2>\n' + _table(
        "The files of the deposit; a name is a download link where the file is open to all.",
        ["File", "Contents", "Format", "Size", "Access"], rows)


def _funding(funding: Funding) -> str:
    funder = funding.funder
    address = funder.url or funder.ror or (
        f"https://doi.org/{funder.crossref_funder_id}" if funder.crossref_funder_id else None)
    parts = [_org(funder.name, address)]
    if funding.award_number:
        parts.append(f"award <code>{escape(funding.award_number)}</code>")
    if funding.award_title:
        title = escape(funding.award_title)
        linked = _link(funding.award_url, funding.award_title) if funding.award_url else title
        parts.append(f"<cite>{linked}</cite>")
    elif funding.award_url:
        parts.append(_link(funding.award_url))
    return ", ".join(parts)


#: The DDI-Codebook study design fields, in the order the CESSDA profile lists them.
DESIGN_FIELDS = (("Kind of data", "kind_of_data"), ("Unit of analysis", "unit_of_analysis"),
                 ("Universe", "universe"), ("Sampling procedure", "sampling_procedure"),
                 ("Time method", "time_method"))


def _design(study: Study, language: str) -> str:
    rows = []
    for name, attribute in DESIGN_FIELDS:
        value = getattr(study, attribute)
        if isinstance(value, tuple):
            value = "<br>".join(_local(text, language) for text in value)
        elif value:
            value = escape(value)
        if value:
            rows.append((name, value))
    if not rows:
        return ""
    return '<h2 id="design">Study design</h2>\n' + _dl(rows)


def _org(name: str, url: str | None) -> str:
    return _link(url, name) if url else escape(name)


def _person(person: Person) -> str:
    name = escape(person.full_name)
    if person.orcid:
        name = f'{name} {_link(person.orcid, "ORCID")}'
    if person.affiliation:
        name += f", {escape(person.affiliation.name)}"
    return name


def _creators(study: Study) -> str:
    items = "".join(f"<li>{_person(p)}</li>" for p in study.creators)
    return f'<h2 id="creators">Creators</h2>\n<ul>{items}</ul>'


def _role(role: str) -> str:
    """A DataCite contributor type as words (DataCollector: data collector), with the type
    itself as the machine-readable value."""
    words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", role).lower()
    return f'<data value="{escape(role)}">{escape(words)}</data>'


def _contributors(study: Study) -> str:
    if not study.contributors:
        return ""
    items = "".join(f"<li>{_person(p)}{f' ({_role(p.role)})' if p.role else ''}</li>"
                    for p in study.contributors)
    return f'<h2 id="contributors">Contributors</h2>\n<ul>{items}</ul>'


def citation_text(study: Study, iris: StudyIris) -> str:
    """A citation in the DataCite recommended form: Creator (Year). Title. Publisher. Identifier."""
    names = "; ".join(
        f"{p.family_names}, {p.given_names}" if p.family_names and p.given_names else p.full_name
        for p in study.creators)
    year = f" ({study.date_published.year})" if study.date_published else ""
    publisher = f" {study.publisher.name}." if study.publisher else ""
    return f"{names}{year}. {study.title} [Dataset].{publisher} {citation_link(study, iris)}"


def _citation(study: Study, iris: StudyIris) -> str:
    text = citation_text(study, iris)
    link = citation_link(study, iris)
    # The citation's address, last, as a link a reader can follow.
    cited = f"{escape(text.removesuffix(link))}{_link(link)}" if text.endswith(link) else escape(text)
    return f'<h2 id="cite">How to cite</h2>\n<blockquote class="cite"><p>{cited}</p></blockquote>'


def citation_link(study: Study, iris: StudyIris) -> str:
    """The address a citation ends with: the DOI, else the landing page, else the dataset."""
    return str(iris.dataset) if study.doi else (study.landing_page or str(iris.dataset))


#: How each kind of data collection event is named: (one, several).
EVENT_NOUNS = {"interview": ("interview", "interviews"),
               "joint-interview": ("joint interview", "joint interviews"),
               "focus-group": ("focus group", "focus groups")}


def _count(n: int, kind: str) -> str:
    one, several = EVENT_NOUNS[kind]
    return f"{n} {one if n == 1 else several}"


def _time(date: PartialDate) -> str:
    # A year, a month or a day: each a valid HTML datetime, at the precision the record gives.
    return f'<time datetime="{escape(date.text)}">{escape(date.text)}</time>'


def _span(starts: list[PartialDate], ends: list[PartialDate]) -> str:
    """From the earliest start to the latest end, each date read as the span it names (2019
    ends after 2019-06)."""
    if not starts and not ends:
        return ""
    first = min(starts, key=lambda d: d.text) if starts else None
    last = max(ends, key=lambda d: d.text + "~") if ends else None
    if first and last and first.text == last.text:
        return _time(first)
    return f"{_time(first) if first else '…'} to {_time(last) if last else '…'}"


def _events(codes: list[QuotationCode]) -> str:
    """One line per kind of event and mode of collection: how many, how and when. Nothing
    where the record gives no mode and no date for any of them (the counts say it all)."""
    if not any(code.mode or code.date for code in codes):
        return ""
    terms = modes_of_collection()
    groups: dict[tuple[str, str | None], list[QuotationCode]] = {}
    for kind in EVENT_KINDS:
        for code in codes:
            if code.event == kind:
                groups.setdefault((kind, code.mode), []).append(code)
    items = []
    for (kind, mode), group in groups.items():
        how = (_link(terms[mode].iri, terms[mode].label) if mode
               else '<span class="unrecorded">mode not recorded</span>')
        dates = [code.date for code in group if code.date]
        when = _span([d.start for d in dates if d.start], [d.end for d in dates if d.end])
        undated = len(group) - len(dates)
        if undated:
            missing = f"{undated} undated" if dates else "date not recorded"
            when += (", " if when else "") + f'<span class="unrecorded">{missing}</span>'
        items.append(f"<li>{_count(len(group), kind)}: {how}{'; ' + when if when else ''}</li>")
    return f"<ul>{''.join(items)}</ul>" if items else ""


def _phase(phase: Phase, study: Study, people: Counter) -> str:
    codes = [code for code in study.codes if code.phase == phase.id]
    kinds = Counter(code.event for code in codes)
    dates = _span([phase.start_date] if phase.start_date else [],
                  [phase.end_date] if phase.end_date else [])
    counts = ", ".join(_count(kinds[kind], kind) for kind in EVENT_KINDS if kinds[kind])
    n = people[phase.id]
    summary = "; ".join(filter(None, (counts, f"{n} {'person' if n == 1 else 'people'} took part")))
    return (f"<li><strong>{escape(phase.name)}</strong>{', ' + dates if dates else ''} ({summary})"
            f"{': ' + escape(phase.description) if phase.description else ''}{_events(codes)}</li>")


def _phases(study: Study) -> str:
    people = Counter(phase for p in study.participants for phase in p.phases)
    items = "".join(_phase(phase, study, people) for phase in study.phases)
    return f'<h2 id="phases">Fieldwork phases</h2>\n<ul>{items}</ul>'


def _table(caption: str, headers: list[str], rows: list[list[str]]) -> str:
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in headers)
    body = "".join(
        "<tr>" + f'<th scope="row">{row[0]}</th>' + "".join(f"<td>{cell}</td>" for cell in row[1:]) + "</tr>"
        for row in rows)
    # In a box of its own that scrolls sideways: a wide table does not widen a phone's page.
    return (f'<div class="table"><table>\n<caption>{escape(caption)}</caption>\n'
            f"<thead><tr>{head}</tr></thead>\n<tbody>{body}</tbody>\n</table></div>")


def _cases(study: Study) -> str:
    if not study.cases:
        return ""
    rows = [[escape(c.id), escape(c.name), escape(", ".join(c.alternate_names))] for c in study.cases]
    if "case" in study.withheld:  # who is in which case is not published, nor how many
        return '<h2 id="cases">Cases</h2>\n' + _table(
            "The cases of the case study. The study does not publish who took part in which.",
            ["Code", "Name", "Also called"], rows)
    people = Counter(case for p in study.participants for case in p.cases)
    return '<h2 id="cases">Cases</h2>\n' + _table(
        "The cases of the case study, with the number of people interviewed in each.",
        ["Code", "Name", "Also called", "People"],
        [row + [str(people[c.id])] for row, c in zip(rows, study.cases, strict=True)])


def _participants(study: Study, links: list[MetadataLink]) -> str:
    phases = {p.id: p.name for p in study.phases}
    cases = {c.id: c.name for c in study.cases}
    sectors = {s.code: s.label for s in study.sectors}
    genders = {g.code: g for g in study.genders}

    def names(codes: tuple[str, ...], labels: dict[str, str], empty: str = "unknown") -> str:
        return escape(", ".join(labels.get(code, code) for code in codes)) or empty

    def gender(codes: tuple[str, ...]) -> str:
        # Not recorded (the record gives none) and prefer not to say (the person declined)
        # differ, and look different.
        if not codes:
            return '<em class="unrecorded">not recorded</em>'
        shown = []
        for code in codes:
            concept = genders.get(code)
            label = escape(concept.label if concept else code)
            shown.append(f'<span class="declined">{label}</span>'
                         if concept and concept.prefer_not_to_say else label)
        return ", ".join(shown)

    shown = study.participants[:PARTICIPANT_ROWS]
    # The attributes the study withholds have no column: an empty one would read as unknown.
    columns = [(header, cell) for header, attribute, cell in (
        ("Codes", "", lambda p: escape(", ".join(p.codes))),
        ("Phase", "phase", lambda p: names(p.phases, phases)),
        ("Case", "case", lambda p: names(p.cases, cases, "none")),
        ("Role", "role", lambda p: escape("; ".join(p.roles)) or "unknown"),
        ("Sector", "sector", lambda p: names(p.sectors, sectors)),
        ("Gender", "gender", lambda p: gender(p.genders))) if attribute not in study.withheld]
    rows = [[cell(p) for _, cell in columns] for p in shown]
    held = study.withheld
    listed = " and ".join([", ".join(held[:-1]), held[-1]] if len(held) > 1 else held)
    withheld = f" The study does not publish their {listed}." if held else ""
    n_people, n_codes = len(study.participants), len(study.codes)
    caption = (f"{n_people:,} people under {n_codes:,} quotation codes"
               f"{f', the first {len(shown):,} of them here' if len(shown) < n_people else ''}. "
               "A person with two codes is one row; a joint interview's or a focus group's code "
               "is one row per person. 'unknown' means the record does not say; 'none' means not "
               "part of a case; a gender 'not recorded' is one the record does not give, which "
               f"is not the same as a person who preferred not to say.{withheld}")
    table = _table(caption, [header for header, _ in columns], rows)
    if len(shown) < n_people:
        data = [_link(name, name) for name, media, _ in links if media != "text/html"
                and name.startswith("study.")]
        table += (f'\n<p class="note">Every one of the {n_people:,} participants is in the '
                  f"data files{': ' + ', '.join(data) if data else ''}.</p>")
    return '<h2 id="participants">Participants</h2>\n' + table


def _related(study: Study) -> str:
    items = [f"<li>{work.type}: {_link(work.url, work.title) if work.url else escape(work.title)}"
             f"{f' ({work.year})' if work.year else ''}</li>" for work in study.related_works]
    items += [f"<li>About: {_link(law.url, law.name) if law.url else escape(law.name)}</li>"
              for law in study.legislation]
    if not items:
        return ""
    return '<h2 id="related">Related</h2>\n<ul>' + "".join(items) + "</ul>"


def _metadata(links: list[MetadataLink]) -> str:
    items = "".join(f'<li>{_link(name)} <span class="note">({escape(media)})</span>: '
                    f"{escape(what)}</li>" for name, media, what in links)
    return f'<h2 id="metadata">Metadata</h2>\n<ul>{items}</ul>'


@register("html", "index.html", "text/html", "the landing page", aliases=("landing-page",))
def write_html(study: Study, graph: Graph | Collection[Triple], out: BinaryIO) -> None:
    links = [(f.filename, f.media_type, f.title) for f in available_formats(study)
             if f.name != "html"]
    out.write(to_landing_page(study, graph, links))
