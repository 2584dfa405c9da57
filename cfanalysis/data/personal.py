"""Which dropped columns hold people (names, addresses, contact details), and the labels that
repeat them.

Every column outside the contract is dropped at load, but a name typed into the wrong cell is
not: a complainant's name in the team column would be counted, and published, as a team. The
columns whose header says they identify someone (:func:`identity_kind`) are the evidence:
:func:`labels_from_people` finds the label cells (team, category, ...) that equal one of their
values, and the loader excludes those rows, naming the row and both columns but never the value.
The personal-data guard (:mod:`cfanalysis.publish.guard`) uses the same columns.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Literal

import numpy as np
import pandas as pd

__all__ = ["LABEL_FIELDS", "IdentityKind", "identity_kind", "labels_from_people", "normalised"]

IdentityKind = Literal["name", "address", "contact"]

# Words in a header that say the column identifies a person.
NAME_WORDS = frozenset({"name", "names", "surname", "surnames", "forename", "forenames", "firstname",
                        "lastname", "fullname", "initials"})
ADDRESS_WORDS = frozenset({"address", "addresses", "street", "postcode", "postcodes", "addressline"})
CONTACT_WORDS = frozenset({"email", "emails", "phone", "telephone", "tel", "mobile", "dob", "birth", "nhs",
                           "nino"})
# A header that is just a person's role ("Complainant", "Social Worker") holds that person's name.
ROLE_WORDS = frozenset({"complainant", "child", "parent", "carer", "worker", "officer", "advocate",
                        "person", "client", "investigator"})
ROLE_QUALIFIERS = frozenset({"case", "social", "allocated", "investigating", "key", "lead", "independent",
                             "named", "young", "foster"})

# Contract fields whose values are published as written (labels), so must never be a person.
LABEL_FIELDS = ("team", "category", "complainant_type", "source", "remedy", "action", "owner", "status",
                "theme", "description", "authority")


def header_words(header: object) -> list[str]:
    """The words of a header, lower case: "DateOfBirth" and "date_of_birth" give date, of, birth."""
    text = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", str(header))
    return re.findall(r"[a-z0-9]+", text.casefold().replace("e-mail", "email"))


def identity_kind(header: object) -> IdentityKind | None:
    """What a dropped column's header says it identifies: a name, an address, contact details, or None.

    Examples
    --------
    >>> [identity_kind(h) for h in ("Complainant Name", "Address Line 1", "Email", "Social Worker", "Notes")]
    ['name', 'address', 'contact', 'name', None]
    """
    words = set(header_words(header))
    if words & NAME_WORDS:
        return "name"
    if words & ADDRESS_WORDS:
        return "address"
    if words & CONTACT_WORDS:
        return "contact"
    if words & ROLE_WORDS and words <= ROLE_WORDS | ROLE_QUALIFIERS:
        return "name"
    return None


def normalised(value: object) -> str:
    """A cell as compared with names: spaces of every kind collapsed, case ignored."""
    return " ".join(str(value).split()).casefold()


def labels_from_people(table: pd.DataFrame, people: Mapping[str, set[str]],
                       codes: Mapping[str, Iterable[str]] | None = None) -> Iterator[tuple[str, str, np.ndarray]]:
    """Label cells that equal a value of a column that identifies people.

    Parameters
    ----------
    table
        A table as read, one row per data row, with its label fields.
    people
        Header of each identity column -> its values, :func:`normalised`.
    codes
        Field -> its contract codes: a label read as one of them ("parent") is a code, never a
        name, whatever a dropped column holds.

    Yields
    ------
    tuple
        ``(field, header, mask)``: the label field, the identity column whose value it holds,
        and which rows; each row at most once.
    """
    taken = np.zeros(len(table), dtype=bool)
    for name in LABEL_FIELDS:
        if name not in table:
            continue
        known = {normalised(c) for c in (codes or {}).get(name, ())}
        labels = table[name].map(lambda v: normalised(v) if isinstance(v, str) else "")
        labels = labels.where(~labels.isin(known), "")
        for header, values in people.items():
            mask = (labels.isin(values) & labels.ne("")).to_numpy() & ~taken
            if mask.any():
                taken |= mask
                yield name, header, mask
