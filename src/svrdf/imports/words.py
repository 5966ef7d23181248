"""The words records use for what a roster says, in one table each: the roster parser reads
its vocabulary from here."""

from __future__ import annotations

#: A gender word (lower case) and the code and label svrdf gives it.
GENDER_WORDS: dict[str, tuple[str, str]] = {
    "m": ("M", "male"), "male": ("M", "male"), "man": ("M", "male"), "men": ("M", "male"),
    "f": ("F", "female"), "female": ("F", "female"), "woman": ("F", "female"),
    "women": ("F", "female"),
    "nb": ("NB", "non-binary"), "non-binary": ("NB", "non-binary"), "nonbinary": ("NB", "non-binary"),
}

#: Words that name a case, a site or a setting when followed by its name ("Site B", "Case 2").
CASE_WORDS = ("case", "site", "ward", "school", "setting", "organisation", "organization")

#: What introduces a numbered focus group.
FOCUS_GROUP_WORDS = ("focus group", "focus-group", "group discussion")

#: How a record says an interview or a focus group was held, and the DDI Mode of Collection
#: term it is for each.
MODE_WORDS: dict[str, tuple[str, str]] = {
    "face-to-face": ("Interview.FaceToFace", "FocusGroup.FaceToFace"),
    "face to face": ("Interview.FaceToFace", "FocusGroup.FaceToFace"),
    "in person": ("Interview.FaceToFace", "FocusGroup.FaceToFace"),
    "telephone": ("Interview.Telephone", "FocusGroup.Telephone"),
    "by telephone": ("Interview.Telephone", "FocusGroup.Telephone"),
    "phone": ("Interview.Telephone", "FocusGroup.Telephone"),
    "online": ("Interview.WebBased", "FocusGroup.Online"),
    "video": ("Interview.WebBased", "FocusGroup.Online"),
}

#: Ordinal words of section headings ("the second phase").
ORDINALS: dict[str, int] = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
}

MONTHS: dict[str, int] = {name: number for number, names in enumerate((
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
    ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
    ("october", "oct"), ("november", "nov"), ("december", "dec")), start=1) for name in names}

#: A table header's words (lower case) and the participants.csv column each names.
TABLE_COLUMNS: dict[str, str] = {
    "code": "code", "participant": "code", "participant code": "code", "id": "code",
    "pseudonym": "code", "interviewee": "code",
    "gender": "gender", "sex": "gender",
    "role": "role", "job title": "role", "position": "role", "occupation": "role",
    "sector": "sector", "case": "case", "site": "case", "phase": "phase",
    "people": "people", "n": "people", "date": "date", "mode": "mode",
    "other codes": "other_codes", "note": "note", "notes": "note", "comment": "note",
    **{word: column for column, words in (
        ("name", ("name", "full name", "participant name", "surname", "first name")),
        ("email", ("email", "e-mail", "email address")), ("phone", ("phone", "telephone")))
       for word in words},
}
#: Columns of direct identifiers: an import keeps them, so that loading the study refuses them.
IDENTIFYING_COLUMNS = frozenset({"name", "email", "phone"})
