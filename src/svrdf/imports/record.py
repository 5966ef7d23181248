"""A record's text, as a repository's landing page shows it (copied from the page, or saved as
text), read into a study: its title, who posted it when, its description, its roster.

The layout is Figshare's, which runs many university repositories: the institution, the
title, "posted on DATE, TIME authored by NAME", the item's own title, the description, and the
page's closing lines ("Usage metrics" followed by the group the item belongs to). A text laid
out otherwise gives what can be read of it: its first line as the title, its roster, and notes
of what was not read.
"""

from __future__ import annotations

import re

from svrdf.imports.draft import Draft, person

_POSTED = re.compile(r"^posted on (?P<date>\d{4}-\d{2}-\d{2})(?:,\s*[\d:]+)?(?:\s+authored by (?P<authors>.+))?$",
                     re.IGNORECASE)
#: The page's own lines, which say nothing about the study.
_PAGE_LINES = frozenset({"usage metrics", "ref. manager", "cite", "download", "share", "embed",
                         "read the peer-reviewed publication", "categories", "keywords", "licence",
                         "license", "exports", "select an option"})


def read_record_text(text: str, source: str) -> Draft:
    draft = Draft(source)
    lines = [(number, line.strip()) for number, line in enumerate(text.splitlines(), start=1)
             if line.strip()]
    draft.read_roster(text)
    used = set(draft.roster.used_lines) if draft.roster else set()
    posted = next((i for i, (_, line) in enumerate(lines) if _POSTED.match(line)), None)
    header_end = 1
    if posted is not None and posted > 0:
        title = lines[posted - 1][1]
        found = _POSTED.match(lines[posted][1])
        assert found is not None
        if posted > 1:
            draft.study["publisher"] = {"name": lines[posted - 2][1]}
        draft.study["title"] = title
        header_end = posted + 1
        if header_end < len(lines) and lines[header_end][1].startswith(title) \
                and lines[header_end][0] not in used:
            draft.study["title"] = lines[header_end][1]
            draft.note("the item's own title, under the posting line, is taken as the title "
                       "(it is the page title's longer form)", lines[header_end][0], lines[header_end][1])
            header_end += 1
        draft.study["date-published"] = found.group("date")
        authors = found.group("authors")
        if authors:
            draft.study["creators"] = [person(_undoubled(name)) for name in
                                       re.split(r",\s*|\s+and\s+", authors) if name.strip()]
    elif lines:
        draft.study["title"] = lines[0][1]
        draft.note("no 'posted on ... authored by' line: the first line is taken as the title "
                   "and no creator is known", lines[0][0], lines[0][1])
    first_roster_line = min(used) if used else None
    description, closing = [], None
    for index in range(header_end, len(lines)):
        number, line = lines[index]
        if first_roster_line is not None and number >= first_roster_line:
            break
        if line.lower() in _PAGE_LINES:
            closing = index
            break
        description.append(line)
    if description:
        draft.study["description"] = "\n\n".join(description)
    described = {number for number, _ in lines[header_end:header_end + len(description)]}
    for index, (_, line) in enumerate(lines):
        if line.lower() == "usage metrics" and index + 1 < len(lines) \
                and lines[index + 1][1].lower() not in _PAGE_LINES:
            draft.study["source-organization"] = {"name": lines[index + 1][1]}
            used.add(lines[index + 1][0])
        if closing is None and line.lower() in _PAGE_LINES:
            closing = index
    for index, (number, line) in enumerate(lines):
        if index < header_end or number in used or number in described or line.lower() in _PAGE_LINES:
            continue
        draft.note("not read: not a roster entry, a key or a phase heading", number, line)
    return draft


def _undoubled(name: str) -> str:
    """Figshare's page text gives each author's name twice, run together
    ("Cristina MititeluCristina Mititelu"): once."""
    name = name.strip()
    half = len(name) // 2
    return name[:half] if len(name) % 2 == 0 and name[:half] == name[half:] else name
