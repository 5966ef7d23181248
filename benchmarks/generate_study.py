"""A synthetic study generator for benchmarks, deterministic from its seed.

The studies look like real ones: fieldwork phases with declared code prefixes, cases, a
phase-1 roster without sectors (unknown, not absent), people interviewed in phase 1 who also
carry a case code, joint interviews of two people under one code, and some participants whose
gender or role the "record" leaves out. Run: python benchmarks/generate_study.py DIR --participants N
"""

from __future__ import annotations

import argparse
import csv
import random
from pathlib import Path

import yaml

ROLES = ["Commissioner", "Procurement Manager", "Senior Officer", "Executive Director",
         "Project Manager", "Strategy Officer (Charities)", "Consultant", "Director (Charity)"]
COLUMNS = ["code", "phase", "case", "sector", "role", "gender", "other_codes", "people", "note"]


def case_ids(count: int) -> list[str]:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return [f"C{letters[i // 26]}{letters[i % 26]}" for i in range(count)]


def generate(directory: Path, participants: int, seed: int = 1, name: str = "synthetic") -> Path:
    """Write a study with about ``participants`` people (people, not codes) to ``directory``."""
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    cases = case_ids(max(3, participants // 2000))
    phase_one = participants * 2 // 5
    study = {
        "base-iri": f"https://example.org/studies/{name}-{seed}-{participants}/",
        "title": f"Synthetic interview study {name} {seed} ({participants} participants)",
        "description": ("A synthetic qualitative interview study generated for svrdf's benchmarks, "
                        "with two fieldwork phases, several cases, joint interviews and people "
                        "who carry two quotation codes."),
        "creators": [{"given-names": "Ada", "family-names": "Example",
                      "orcid": "https://orcid.org/0000-0002-1825-0097",
                      "affiliation": {"name": "Example University", "url": "https://example.org/"}}],
        "publisher": {"name": "Example University", "url": "https://example.org/"},
        "date-published": "2024-05-01",
        "identifiers": [{"scheme": "DOI", "value": f"10.5555/svrdf.{name}.{seed}.{participants}"}],
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "keywords": ["interviews", "synthetic"],
        "temporal-coverage": "2023",
        "phases": [
            {"id": "1", "name": "Fieldwork phase 1", "code-prefixes": ["IP"],
             "start-date": "2023-01-09", "end-date": "2023-05-26"},
            {"id": "2", "name": "Fieldwork phase 2", "code-prefixes": cases,
             "start-date": "2023-06-05", "end-date": "2023-12-15"},
        ],
        "cases": [{"id": c, "name": f"Case {i + 1}", "code-prefixes": [c]} for i, c in enumerate(cases)],
        "sectors": [{"code": "LA", "label": "local authority"},
                    {"code": "VSO", "label": "voluntary sector organisation"}],
        "gender": [{"code": "M", "label": "male", "schema": "Male"},
                   {"code": "F", "label": "female", "schema": "Female"}],
    }
    rows: list[dict] = []
    counters = {c: 0 for c in cases}
    people = 0
    while people < participants:
        gender = rng.choice(["M", "F", "F", "M", ""]) if rng.random() < 0.97 else ""
        role = rng.choice(ROLES) if rng.random() < 0.96 else ""
        case = rng.choice(cases)
        if people < phase_one:
            code = f"IP{people + 1}"
            row = {"code": code, "phase": "1", "case": "", "sector": "", "role": role,
                   "gender": gender, "other_codes": "", "people": "1", "note": ""}
            rows.append(row)
            if rng.random() < 0.05:  # also took part in a case, under a second code
                counters[case] += 1
                second = f"{case}{counters[case]}"
                row["other_codes"] = second
                rows.append({"code": second, "phase": "2", "case": case,
                             "sector": rng.choice(["LA", "VSO"]), "role": role, "gender": gender,
                             "other_codes": code, "people": "1", "note": f"same person as {code}"})
            people += 1
            continue
        counters[case] += 1
        joint = rng.random() < 0.02 and people + 2 <= participants
        rows.append({"code": f"{case}{counters[case]}", "phase": "2", "case": case,
                     "sector": rng.choice(["LA", "VSO"]), "role": role,
                     "gender": "M;F" if joint else gender, "other_codes": "",
                     "people": "2" if joint else "1", "note": "joint interview" if joint else ""})
        people += 2 if joint else 1
    (directory / "study.yaml").write_text(yaml.safe_dump(study, sort_keys=False), encoding="utf-8")
    with open(directory / "participants.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
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
