"""A synthetic study generator for benchmarks, deterministic from its seed.

The studies look like real ones: three fieldwork phases with declared code prefixes and dates
known to the day, the month or the year; cases; a phase-1 roster without sectors (unknown, not
absent); people interviewed in phase 1 who also carry a case code; joint interviews of two
people under one code; focus groups of four to eight people in phase 3, some of whose members
are listed in people.csv because they were also interviewed alone (and some of whom were in
two focus groups), with their genders given for some of the group only; each interview,
joint interview and focus group with its mode (DDI Mode of Collection) and date where the
"record" gives them; some participants whose gender or role it leaves out. The study itself
has a licence (an SPDX identifier or a licence's address), access rights (restricted or
embargoed), a funder, languages and, for some seeds, a title in two languages.
Generation is linear in the number of participants.

Run: python benchmarks/generate_study.py DIR --participants N [--seed S]
"""

from __future__ import annotations

import argparse
import csv
import random
from pathlib import Path

import yaml

ROLES = ["Commissioner", "Procurement Manager", "Senior Officer", "Executive Director",
         "Project Manager", "Strategy Officer (Charities)", "Consultant", "Director (Charity)"]
COLUMNS = ["code", "phase", "case", "sector", "role", "gender", "other_codes", "people", "event",
           "mode", "date", "note"]
PEOPLE_COLUMNS = ["person", "codes", "gender", "sector", "role"]
INTERVIEW_MODES = ["Interview.FaceToFace", "Interview.FaceToFace", "Interview.Telephone",
                   "Interview.WebBased"]
FOCUS_GROUP_MODES = ["FocusGroup.FaceToFace", "FocusGroup.Online"]
GENDERS = ["M", "F", "F", "M", "", "NB", "X"]
#: A focus group of phase 3 is started with this chance at each phase-2 interview.
FOCUS_GROUP_RATE = 0.012


def case_ids(count: int) -> list[str]:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return [f"C{letters[i // 26]}{letters[i % 26]}" for i in range(count)]


def _study(name: str, seed: int, participants: int, cases: list[str]) -> dict:
    title = f"Synthetic interview study {name} {seed} ({participants} participants)"
    study = {
        "base-iri": f"https://example.org/studies/{name}-{seed}-{participants}/",
        "title": title if seed % 2 else {"en": title, "cy": f"Astudiaeth gyfweld synthetig {name} {seed}"},
        "description": ("A synthetic qualitative interview study generated for svrdf's benchmarks, "
                        "with three fieldwork phases, several cases, joint interviews, focus "
                        "groups and people who carry two quotation codes."),
        "metadata-language": "en",
        "languages": ["en", "cy"] if seed % 3 == 0 else ["en"],
        "creators": [{"given-names": "Ada", "family-names": "Example",
                      "orcid": "https://orcid.org/0000-0002-1825-0097",
                      "affiliation": {"name": "Example University", "url": "https://example.org/"}}],
        "contributors": [{"given-names": "Rhian", "family-names": "Sample", "role": "DataCollector"}],
        "publisher": {"name": "Example University", "url": "https://example.org/"},
        "date-published": "2024-09-02",
        "identifiers": [{"scheme": "DOI", "value": f"10.5555/svrdf.{name}.{seed}.{participants}"}],
        "license": "CC-BY-4.0" if seed % 2 else "https://creativecommons.org/licenses/by/4.0/",
        "access": ({"rights": "restricted",
                    "conditions": "Available to registered users under an end user licence."}
                   if seed % 2 else {"rights": "embargoed", "embargo-end": "2026-01-01"}),
        "funding": [{"funder": {"name": "Economic and Social Research Council",
                                "ror": "https://ror.org/03n0ht308",
                                "crossref-funder-id": "10.13039/501100000269"},
                     "award-number": f"ES/X{seed:06d}/1"}],
        "keywords": ["interviews", "focus groups", "synthetic"],
        "temporal-coverage": "2023-01/2024-06",
        "kind-of-data": "Qualitative: interview and focus group transcripts",
        "unit-of-analysis": "Individual",
        "universe": "Staff of local authorities and voluntary sector organisations",
        "sampling-procedure": "Non-probability: Purposive",
        "time-method": "Cross-section",
        "phases": [
            {"id": "1", "name": "Fieldwork phase 1", "code-prefixes": ["IP"],
             "start-date": "2023-01", "end-date": "2023-05"},
            {"id": "2", "name": "Fieldwork phase 2", "code-prefixes": list(cases),
             "start-date": "2023-06-05", "end-date": "2023-12-15"},
            {"id": "3", "name": "Focus groups", "code-prefixes": list(cases),
             "start-date": "2024", "end-date": "2024-06"},
        ],
        "cases": [{"id": c, "name": f"Case {i + 1}", "code-prefixes": [c]} for i, c in enumerate(cases)],
        "sectors": [{"code": "LA", "label": "local authority"},
                    {"code": "VSO", "label": "voluntary sector organisation"}],
        "gender": [{"code": "M", "label": "male", "schema": "Male"},
                   {"code": "F", "label": "female", "schema": "Female"},
                   {"code": "NB", "label": "non-binary"},
                   {"code": "X", "label": "prefer not to say", "prefer-not-to-say": True}],
    }
    return study


def _date(rng: random.Random, phase: str) -> str:
    """When an event of the phase took place, at the precision the "record" gives, or ''."""
    if rng.random() < 0.3:
        return ""
    if phase == "1":
        month = rng.randint(1, 5)
        return f"2023-{month:02d}" if rng.random() < 0.5 else f"2023-{month:02d}-{rng.randint(1, 28):02d}"
    if phase == "2":
        month = rng.randint(6, 12)
        return f"2023-{month:02d}-{rng.randint(5 if month == 6 else 1, 15 if month == 12 else 28):02d}"
    month = rng.randint(1, 5)
    return (f"2024-{month:02d}" if rng.random() < 0.7  # some over two days or two months
            else rng.choice([f"2024-{month:02d}-10/2024-{month:02d}-11",
                             f"2024-{month:02d}/2024-{month + 1:02d}"]))


def _mode(rng: random.Random, modes: list[str]) -> str:
    return rng.choice(modes) if rng.random() < 0.8 else ""


def _group_genders(rng: random.Random, members: list[str], size: int) -> str:
    """A focus group's gender cell: its listed members' own genders (or an empty entry where
    theirs is not recorded), the others' where the record gives them, in any order; some
    groups give all, some a few (M;F;;F), some none."""
    shape = rng.random()
    if shape < 0.2:
        return ""
    entries = list(members) + [rng.choice(GENDERS) for _ in range(size - len(members))]
    rng.shuffle(entries)
    if shape < 0.5:  # the record gives only the first few
        entries = entries[:rng.randint(2, size)]
    return ";".join(entries)


def generate(directory: Path, participants: int, seed: int = 1, name: str = "synthetic") -> Path:
    """Write a study with about ``participants`` people (people, not codes) to ``directory``."""
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    cases = case_ids(max(3, participants // 2000))
    phase_one = participants * 2 // 5
    study = _study(name, seed, participants, cases)
    rows: list[dict] = []
    counters = {c: 0 for c in cases}
    focus_groups = {c: 0 for c in cases}
    # Phase-2 people who may join a focus group of their case: (row, people.csv id or None).
    pool: dict[str, list[list]] = {c: [] for c in cases}
    veterans: dict[str, list[list]] = {c: [] for c in cases}  # of them, those in a group
    listed: dict[str, dict] = {}  # people.csv, by person id
    people = 0
    while people < participants:
        gender = rng.choice(["M", "F", "F", "M", ""]) if rng.random() < 0.97 else ""
        role = rng.choice(ROLES) if rng.random() < 0.96 else ""
        case = rng.choice(cases)
        if people < phase_one:
            code = f"IP{people + 1}"
            row = {"code": code, "phase": "1", "case": "", "sector": "", "role": role,
                   "gender": gender, "other_codes": "", "people": "1", "event": "interview",
                   "mode": _mode(rng, INTERVIEW_MODES), "date": _date(rng, "1"), "note": ""}
            rows.append(row)
            if rng.random() < 0.05:  # also took part in a case, under a second code
                counters[case] += 1
                second = f"{case}{counters[case]}"
                row["other_codes"] = second
                rows.append({"code": second, "phase": "2", "case": case,
                             "sector": rng.choice(["LA", "VSO"]), "role": role, "gender": gender,
                             "other_codes": code, "people": "1", "event": "",
                             "mode": _mode(rng, INTERVIEW_MODES), "date": _date(rng, "2"),
                             "note": f"same person as {code}"})
                pool[case].append([rows[-1], None])
            people += 1
            continue
        remaining = participants - people
        first = not any(focus_groups.values()) and people >= (participants + 2 * phase_one) // 3
        if pool[case] and remaining >= 4 and (first or rng.random() < FOCUS_GROUP_RATE):
            # A focus group of the case, with one or two people interviewed alone before.
            members = [pool[case][rng.randrange(len(pool[case]))] for _ in range(rng.randint(1, 2))]
            if veterans[case] and rng.random() < 0.5:  # one who was in an earlier group too
                members[-1] = veterans[case][rng.randrange(len(veterans[case]))]
            members = [m for i, m in enumerate(members) if m not in members[:i]]
            size = rng.randint(4, min(8, remaining + len(members)))
            focus_groups[case] += 1
            code = f"{case}FG{focus_groups[case]}"
            for member in members:
                if member[1] is None:
                    member[1] = f"P{len(listed) + 1}"
                    veterans[case].append(member)
                    listed[member[1]] = {"person": member[1], "codes": [member[0]["code"]],
                                         "gender": "", "sector": "", "role": ""}
                listed[member[1]]["codes"].append(code)
            rows.append({"code": code, "phase": "3", "case": case, "sector": "",
                         "role": "Staff of the case's organisations",
                         "gender": _group_genders(rng, [m[0]["gender"] for m in members], size),
                         "other_codes": "", "people": str(size), "event": "focus-group",
                         "mode": _mode(rng, FOCUS_GROUP_MODES), "date": _date(rng, "3"),
                         "note": ""})
            people += size - len(members)
            continue
        counters[case] += 1
        joint = rng.random() < 0.02 and people + 2 <= participants
        row = {"code": f"{case}{counters[case]}", "phase": "2", "case": case,
               "sector": rng.choice(["LA", "VSO"]), "role": role,
               "gender": rng.choice(["M;F", "F;", "M"]) if joint else gender, "other_codes": "",
               "people": "2" if joint else "1", "event": "joint-interview" if joint else "",
               "mode": _mode(rng, INTERVIEW_MODES), "date": _date(rng, "2"),
               "note": "joint interview" if joint else ""}
        rows.append(row)
        if not joint:
            pool[case].append([row, None])
        people += 2 if joint else 1
    (directory / "study.yaml").write_text(yaml.safe_dump(study, sort_keys=False, allow_unicode=True),
                                          encoding="utf-8")
    with open(directory / "participants.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    people_file = directory / "people.csv"
    if listed:
        with open(people_file, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, PEOPLE_COLUMNS)
            writer.writeheader()
            for person in listed.values():
                writer.writerow({**person, "codes": ";".join(person["codes"])})
    elif people_file.exists():
        people_file.unlink()
    return directory


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--participants", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    generate(args.directory, args.participants, args.seed)


if __name__ == "__main__":
    main()
