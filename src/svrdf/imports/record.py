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
from itertools import pairwise

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
    body = lines[_read_header(lines, used, draft):]
    # The description: the paragraphs after the header, up to the roster or the page's own lines.
    roster_starts = min(used) if used else None
    described: dict[int, str] = {}
    for number, line in body:
        if (roster_starts is not None and number >= roster_starts) or line.lower() in _PAGE_LINES:
            break
        described[number] = line
    if described:
        draft.study["description"] = "\n\n".join(described.values())
    for (_, line), (next_number, next_line) in pairwise(lines):
        if line.lower() == "usage metrics" and next_line.lower() not in _PAGE_LINES:
            draft.study["source-organization"] = {"name": next_line}
            used.add(next_number)
    for number, line in body:
        if number not in used and number not in described and line.lower() not in _PAGE_LINES:
            draft.note("not read: not a roster entry, a key or a phase heading", number, line)
    return draft


def _read_header(lines: list[tuple[int, str]], used: set[int], draft: Draft) -> int:
    """The title, publisher, date and creators of the page's first lines, into ``draft``; the
    index in ``lines`` where the rest (the description) starts."""
    posted = next((i for i, (_, line) in enumerate(lines) if _POSTED.match(line)), None)
    if not posted:  # none, or no title above it
        if lines:
            draft.study["title"] = lines[0][1]
            draft.note("no title above a 'posted on ... authored by' line: the first line is "
                       "taken as the title and no creator is known", lines[0][0], lines[0][1])
        return 1
    found = _POSTED.match(lines[posted][1])
    assert found is not None
    title = lines[posted - 1][1]
    draft.study["title"] = title
    if posted > 1:
        draft.study["publisher"] = {"name": lines[posted - 2][1]}
    draft.study["date-published"] = found.group("date")
    if found.group("authors"):
        draft.study["creators"] = [person(_undoubled(name)) for name in
                                   re.split(r",\s*|\s+and\s+", found.group("authors")) if name.strip()]
    end = posted + 1
    if end < len(lines) and lines[end][1].startswith(title) and lines[end][0] not in used:
        draft.study["title"] = lines[end][1]
        draft.note("the item's own title, under the posting line, is taken as the title "
                   "(it is the page title's longer form)", lines[end][0], lines[end][1])
        end += 1
    return end


def _undoubled(name: str) -> str:
    """Figshare's page text gives each author's name twice, run together
    ("Cristina MititeluCristina Mititelu"): once."""
    name = name.strip()
    half = len(name) // 2
    return name[:half] if len(name) % 2 == 0 and name[:half] == name[half:] else name
