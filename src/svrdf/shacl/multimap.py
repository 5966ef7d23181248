"""A dict of keys to values, one or several, that holds a key's one value as it is and only
several in a list.

Most of a study's nodes have one value for a predicate, and a list for each would cost some
60 bytes a key: 90 MB in the SHACL engine's index and 170 MB in the Turtle writer's on a study
of 100,000 participants. Values are never lists themselves (they are RDF terms), so a list
always means several.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any


def hold(index: dict, key: Hashable, value: Any) -> None:
    """Add ``value`` to the values of ``key``."""
    held = index.get(key)
    if held is None:
        index[key] = value
    elif type(held) is list:
        held.append(value)
    else:
        index[key] = [held, value]


def held(index: dict, key: Hashable) -> Sequence[Any]:
    """The values of ``key``: none, one or several."""
    found = index.get(key)
    if found is None:
        return ()
    return found if type(found) is list else (found,)
