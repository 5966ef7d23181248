"""A dict of keys to values, one or several, that holds a key's one value as it is and only
several in a list.

Most of a study's nodes have one value for a predicate, and a list for each would cost a list
object per key, which on a large study adds up to a good share of the SHACL engine's index.
Values are never lists themselves (they are RDF terms), so a list always means several.
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
