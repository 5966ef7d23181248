"""``svrdf risk``: could a participant be recognised from what the study publishes about them?

The attributes published for each person (by default role, sector, gender and case) are
quasi-identifiers: a combination of them that fewer than ``k`` people share singles those
people out (k-anonymity). Roles are free text, so they are compared normalised (case, spacing,
punctuation and notes in parentheses aside), and a role that fewer than ``k`` people have is
reported on its own too: it may identify a person whatever else is published. Each group under
``k`` comes with its people's codes and the rows that give their values, and with what would
fix it: the attributes whose withholding (study.yaml's ``disclosure``, or ``svrdf export
--publish-attributes`` the others) would merge the group into one of ``k`` or more. The study is
seen as published: what its disclosure withholds or generalises is applied when it is loaded.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from svrdf.errors import Origin, UsageError
from svrdf.study.model import ATTRIBUTES, WITHHOLDABLE, Participant, Study, normalised_role

DEFAULT_ATTRIBUTES = WITHHOLDABLE
#: How a value the record does not give is shown: as a value of its own, since "not recorded"
#: is itself something a reader sees.
UNKNOWN = "(not recorded)"


@dataclass(frozen=True)
class RiskyGroup:
    """People who share one combination of published values, fewer than k of them."""

    values: tuple[tuple[str, str], ...]
    people: tuple[str, ...]
    codes: tuple[str, ...]
    rows: tuple[str, ...]
    #: The attributes whose leaving out would put these people in a group of k or more.
    fixes: tuple[str, ...]

    @property
    def size(self) -> int:
        return len(self.people)


@dataclass(frozen=True)
class RiskReport:
    k: int
    attributes: tuple[str, ...]
    participants: int
    groups: tuple[RiskyGroup, ...]
    #: The k the study has: how many people its smallest group holds (0 with no participants).
    achieved_k: int = 0
    #: Normalised roles fewer than k people have, with how many have each.
    rare_roles: tuple[tuple[str, int], ...] = field(default=())

    @property
    def at_risk(self) -> bool:
        return bool(self.groups)

    def to_json(self) -> dict:
        return {"k": self.k, "achieved_k": self.achieved_k, "attributes": list(self.attributes),
                "participants": self.participants, "at_risk": self.at_risk,
                "groups": [{"values": dict(g.values), "size": g.size, "people": list(g.people),
                            "codes": list(g.codes), "rows": list(g.rows), "fixes": list(g.fixes)}
                           for g in self.groups],
                "rare_roles": [{"role": role, "people": n} for role, n in self.rare_roles]}

    def to_text(self) -> str:
        lines = [f"{self.participants} participants; published attributes: {', '.join(self.attributes)}; "
                 f"the smallest group holds {self.achieved_k} (asked: {self.k})"]
        if not self.groups:
            lines.append(f"No combination of these attributes is shared by fewer than {self.k} people.")
        for group in self.groups:
            described = ", ".join(f"{a} {v!r}" for a, v in group.values)
            who = "person" if group.size == 1 else "people"
            lines.append(f"- {group.size} {who} ({', '.join(group.codes)}): {described}")
            lines.append(f"  rows: {'; '.join(group.rows)}")
            if group.fixes:
                lines += [f"  fix: withhold '{a}' (study.yaml's disclosure.withhold, or svrdf export "
                          f"--publish-attributes {','.join(b for b in self.attributes if b != a)}), "
                          "or generalise these values (disclosure.generalise)"
                          for a in group.fixes]
            else:
                lines.append("  fix: generalise these values (study.yaml's disclosure.generalise: a broader "
                             "role, merged categories); withholding one attribute is not enough")
        if self.rare_roles:
            lines.append(f"Roles fewer than {self.k} people have (a role alone can identify a person):")
            lines += [f"- {role!r}: {n}" for role, n in self.rare_roles]
        return "\n".join(lines) + "\n"


def _value(participant: Participant, attribute: str) -> str:
    values = participant.values(attribute)
    if attribute == "role":
        values = tuple(dict.fromkeys(normalised_role(v) for v in values))
    return " + ".join(sorted(values)) if values else UNKNOWN


def _rows(participant: Participant) -> list[str]:
    origins: list[Origin | None] = [participant.origin, *participant.code_origins]
    return [f"{o.file}, row {o.row}" for o in origins if o is not None and o.row is not None]


def disclosure_risk(study: Study, k: int = 3, attributes: tuple[str, ...] | None = None) -> RiskReport:
    """Every combination of ``attributes`` that fewer than ``k`` of the study's participants
    share. By default: the role, sector, gender and case, less those the study withholds (or
    the phase alone, which is always published, if it withholds them all)."""
    if attributes is None:
        attributes = tuple(a for a in DEFAULT_ATTRIBUTES if a not in study.withheld) or ("phase",)
    unknown = [a for a in attributes if a not in ATTRIBUTES]
    if unknown or not attributes:
        raise UsageError(f"--attributes: expected some of {', '.join(ATTRIBUTES)}, got {', '.join(unknown) or 'none'}")
    if k < 1:
        raise UsageError("--k must be 1 or more")
    people = study.participants
    groups_by_key: dict[tuple[str, ...], list[Participant]] = {}
    for person in people:
        groups_by_key.setdefault(tuple(_value(person, a) for a in attributes), []).append(person)

    def without(key: tuple[str, ...], left_out: int) -> tuple[str, ...]:
        return key[:left_out] + key[left_out + 1:]

    # How many people share each combination with one attribute left out: what leaving that
    # attribute out of the published forms would make of each group.
    merged: list[Counter[tuple[str, ...]]] = [Counter() for _ in attributes]
    for key, members in groups_by_key.items():
        for index in range(len(attributes)):
            merged[index][without(key, index)] += len(members)
    groups = []
    for key, members in sorted(((key, members) for key, members in groups_by_key.items() if len(members) < k),
                               key=lambda item: (len(item[1]), item[0])):
        fixes = tuple(a for i, a in enumerate(attributes) if merged[i][without(key, i)] >= k) \
            if len(attributes) > 1 else ()
        groups.append(RiskyGroup(
            values=tuple(zip(attributes, key, strict=True)), people=tuple(p.key for p in members),
            codes=tuple(c for p in members for c in p.codes),
            rows=tuple(dict.fromkeys(r for p in members for r in _rows(p))), fixes=fixes))
    roles = Counter(role for p in people for role in dict.fromkeys(normalised_role(r) for r in p.roles))
    rare = tuple(sorted(((role, n) for role, n in roles.items() if n < k), key=lambda item: (item[1], item[0])))
    return RiskReport(k, tuple(attributes), len(people), tuple(groups),
                      min((len(members) for members in groups_by_key.values()), default=0),
                      rare if "role" in attributes else ())
