"""The data contract: tables, canonical fields, header spellings and allowed values.

Everything the loader accepts is described here, so ``data/README.md`` and the code can be
checked against each other. Only the fields listed for a table are ever read into the
analysis (an allow-list); every other column is dropped at load.

Each field is declared once, as a :class:`Field`: its name, its kind (how a cell is read),
whether a row needs it to be counted, the headers accepted for it and, for coded fields, the
codes and their spellings. A new column is one ``Field(...)`` in its table; a new value code is
one entry in its vocabulary below.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

__all__ = [
    "ALL_TEAMS",
    "CATEGORIES",
    "COMPLAINANT_TYPES",
    "COMPLIMENT_SOURCES",
    "FIELD_KINDS",
    "Field",
    "NOT_RECORDED_CODES",
    "OMBUDSMAN_DECISIONS",
    "OUTCOMES",
    "PROCEDURES",
    "STAGES",
    "STATUTORY_FIELDS",
    "TABLES",
    "THEMES",
    "TableSpec",
    "header_key",
]


def header_key(text: object) -> str:
    """Reduce a header or label to the form used for matching: lower case, letters and digits.

    >>> header_key(" Date  Received: ")
    'datereceived'
    """
    return re.sub(r"[^0-9a-z]", "", str(text).casefold())


Kind = Literal["text", "name", "date", "stage", "month", "financial_year", "number", "code"]
# How a cell of each kind is read (the parsers are in cells.py):
FIELD_KINDS: dict[str, str] = {
    "text": "any text, tidied (spaces collapsed)",
    "name": "a name (team, authority): text, matched across rows ignoring case and punctuation",
    "date": "a date (UK dd/mm/yyyy, ISO, Excel serial or date cell, '3 April 2019')",
    "stage": "a complaint stage 1, 2 or 3",
    "month": "a month ('Apr-19', '2019-04', or any date in it)",
    "financial_year": "a financial year such as 2019-20",
    "number": "a non-negative number",
    "code": "one of the field's codes (spellings listed in the contract)",
}

# The codes that stand for "nothing recorded" (a blank cell reads as one of these).
NOT_RECORDED_CODES = ("not recorded", "not yet decided")


@dataclass(frozen=True)
class Field:
    """One field of a table, declared once.

    Parameters
    ----------
    name
        The canonical field name (the column name in the loaded frame).
    kind
        How a cell is read: see :data:`FIELD_KINDS`.
    required
        True when the column must be present and a blank or unreadable value excludes the row
        (the row cannot be counted without it). False: an optional column; a bad value is a
        warning and is left blank.
    headers
        Headers accepted for the field besides its name (matched with :func:`header_key`).
    codes
        For ``kind="code"``: code -> accepted spellings (matched with :func:`header_key`). The
        code whose spellings include ``""`` is what a blank cell means.
    strict
        For ``kind="code"``: a value outside the codes excludes the row (else it is counted as
        written, with a warning).
    what
        The field in words, for messages (default: the name with spaces).
    absent
        The value an absent optional column takes in the loaded frame (None: the column is left
        out; dates and numbers are always added, as missing).
    preferred
        Headers a council's ``mapping.yml`` gives for the field: tried first, and when a file has
        both one of these and a built-in spelling, the built-in one is dropped unread.
    """

    name: str
    kind: Kind = "text"
    required: bool = False
    headers: tuple[str, ...] = ()
    codes: Mapping[str, tuple[str, ...]] | None = None
    strict: bool = False
    what: str = ""
    absent: str | None = None
    preferred: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return self.what or self.name.replace("_", " ")

    @property
    def blank_code(self) -> str | None:
        """The code a blank cell stands for (``"not recorded"``), or None when blank is a problem."""
        return next((code for code, spellings in (self.codes or {}).items() if "" in spellings), None)


@dataclass(frozen=True)
class TableSpec:
    """One table of the contract: its fields (:class:`Field`), in the order they are read.

    ``key`` names the fields that identify a row (a later row with the same key is excluded);
    ``numeric_extras`` means further numeric columns are kept as indicators (activity,
    comparators); non-numeric extras are still dropped. ``counted`` means the table's rows are
    counted into published figures, so losing many of them makes the data unusable until the user
    confirms (lists such as events and actions name each excluded row instead).
    """

    name: str
    description: str
    columns: tuple[Field, ...]
    key: tuple[str, ...] = ()
    numeric_extras: bool = False
    counted: bool = True

    @property
    def fields(self) -> tuple[str, ...]:
        """Every field name: required first, then optional (the order they are read)."""
        return self.required + self.optional

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.columns if f.required)

    @property
    def optional(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.columns if not f.required)

    @property
    def aliases(self) -> dict[str, tuple[str, ...]]:
        """Field -> the headers accepted for it besides its name."""
        return {f.name: f.headers for f in self.columns if f.headers}

    def field(self, name: str) -> Field:
        """The :class:`Field` called ``name`` (KeyError when the table has none)."""
        for spec in self.columns:
            if spec.name == name:
                return spec
        raise KeyError(f"the {self.name} table has no field '{name}'")

    def field_for_header(self, header: object) -> str | None:
        """The canonical field a header stands for, or None when it is not in the contract."""
        return self._header_lookup.get(header_key(header))

    def prefers(self, name: str, header: object) -> bool:
        """Whether ``header`` is one the mapping gives for the field ``name``."""
        return header_key(header) in {header_key(h) for h in self.field(name).preferred}

    @cached_property
    def _header_lookup(self) -> dict[str, str]:
        """Header key -> field: every field's name first, then the headers accepted for it."""
        lookup: dict[str, str] = {}
        for column in self.columns:
            for spelling in column.preferred:
                lookup[header_key(spelling)] = column.name
        for column in self.columns:
            lookup.setdefault(header_key(column.name), column.name)
        for column in self.columns:
            for spelling in column.headers:
                lookup.setdefault(header_key(spelling), column.name)
        return lookup


# Optional complaint fields for the annual report's statutory sections (issue 19).
STATUTORY_FIELDS = ("received_via", "age_band", "sex", "ethnicity", "disability", "compensation",
                    "investigation_cost")

# --------------------------------------------------------------------------------------------
# Allowed values: code -> accepted spellings (matched with header_key).
PROCEDURES: dict[str, tuple[str, ...]] = {
    "statutory": ("statutory", "children act", "children act 1989", "statutory children's social care",
                  "csc statutory", "social care statutory", "stat"),
    "corporate": ("corporate", "corporate complaints", "corporate procedure", "corp", "council"),
}

OUTCOMES: dict[str, tuple[str, ...]] = {
    "upheld": ("upheld", "fully upheld", "justified", "founded"),
    "partially upheld": ("partially upheld", "partly upheld", "partial", "partially", "part upheld",
                         "partially justified", "upheld in part", "partly justified"),
    "not upheld": ("not upheld", "unfounded", "not justified", "rejected"),
    "withdrawn or resolved": ("withdrawn", "resolved", "withdrawn or resolved", "withdrawn/resolved",
                              "resolved informally", "withdrawn by complainant"),
    "not recorded": ("", "pending", "open", "ongoing", "not recorded", "tbc", "n/a"),
}

CATEGORIES: dict[str, tuple[str, ...]] = {
    "attitude or behaviour of staff": ("attitude or behaviour of staff", "staff attitude",
                                       "attitude of staff", "behaviour of staff", "staff behaviour",
                                       "attitude/behaviour of staff", "staff conduct", "attitude"),
    "communication": ("communication", "poor communication", "lack of communication"),
    "quality of service": ("quality of service", "service quality", "standard of service",
                           "poor service"),
    "delay or failure to act": ("delay or failure to act", "delay", "failure to act",
                                "delay/failure to act", "failure to provide a service"),
    "disagreement with a decision or assessment": (
        "disagreement with a decision or assessment", "disagree with decision",
        "disagreement with decision", "disagreement with assessment", "decision",
        "assessment"),
    "inaccurate information or recording": ("inaccurate information or recording",
                                            "inaccurate information", "recording", "inaccurate records"),
    "policy or procedure": ("policy or procedure", "policy", "procedure", "policy/procedure"),
    "contact arrangements": ("contact arrangements", "contact", "family time"),
    "financial support": ("financial support", "finance", "payments", "allowances"),
    "complaint handling": ("complaint handling", "handling of complaint", "complaints handling"),
}

COMPLAINANT_TYPES: dict[str, tuple[str, ...]] = {
    "child or young person": ("child or young person", "child", "young person", "cyp", "child/young person"),
    "advocate for a child": ("advocate for a child", "advocate", "advocate on behalf of child",
                             "advocate for child or young person"),
    "parent": ("parent", "parents", "parent or carer", "person with parental responsibility",
               "mother", "father", "parent/carer"),
    "foster carer": ("foster carer", "foster carers", "carer"),
    "care leaver": ("care leaver", "care leavers"),
    "special guardian": ("special guardian", "special guardians", "sgo carer"),
    "other relative": ("other relative", "relative", "grandparent", "family member"),
    "other": ("other", "professional", "other with sufficient interest"),
    "not recorded": ("", "not recorded", "unknown", "n/a"),
}

COMPLIMENT_SOURCES: dict[str, tuple[str, ...]] = {
    "child or young person": ("child or young person", "child", "young person", "cyp"),
    "parent or family": ("parent or family", "parent", "family", "carer", "parent/carer"),
    "partner agency": ("partner agency", "partner", "professional", "agency", "school", "health"),
    "colleague": ("colleague", "internal", "staff"),
    "other": ("other",),
    "not recorded": ("", "not recorded", "unknown"),
}

# LGSCO decision reasons, as published in the Ombudsman's annual review letters.
OMBUDSMAN_DECISIONS: dict[str, tuple[str, ...]] = {
    "upheld": ("upheld", "upheld maladministration and injustice", "upheld maladministration",
               "upheld - maladministration and injustice", "upheld no further action"),
    "not upheld": ("not upheld", "not upheld - no maladministration", "no maladministration"),
    "closed after initial enquiries": ("closed after initial enquiries", "closed without investigation",
                                       "closed after initial enquiries - no further action",
                                       "initial enquiries", "not investigated"),
    "referred back for local resolution": ("referred back for local resolution", "premature",
                                           "premature referral", "referred back"),
    "incomplete or invalid": ("incomplete or invalid", "incomplete/invalid", "invalid", "incomplete"),
    "advice given": ("advice given", "advice"),
    "not pursued": ("not pursued", "complainant did not pursue", "withdrawn", "not pursued by complainant"),
    "not yet decided": ("", "pending", "open", "under investigation", "not yet decided"),
}


# Decisions for which the council was asked to respond to enquiries (a detailed investigation).
OMBUDSMAN_INVESTIGATED = ("upheld", "not upheld")

# Stages: code -> spellings (besides the general rule in cells.parse_stage).
STAGES: dict[str, tuple[str, ...]] = {
    "1": ("stage 1", "local resolution"),
    "2": ("stage 2", "investigation", "formal investigation"),
    "3": ("stage 3", "review panel", "panel"),
}

# Themes the reports rely on: a name -> (table, field, code). A figure built on a theme says
# "not recorded" when no value of the data was read as that code (see LoadReport.unmapped_themes).
THEMES: dict[str, tuple[str, str, str]] = {
    "staff attitude": ("complaints", "category", "attitude or behaviour of staff"),
}


# --------------------------------------------------------------------------------------------
# The tables. Headers deliberately *not* accepted for any field: "Complainant", "Name", "From",
# "Details", "Summary". In real exports these hold people's names or free text, so they must
# never be mistaken for a contract field.

_TEAM_HEADERS = ("Service Area", "Service", "Team Name", "Service Team", "Department", "Team Responsible",
                 "Responsible Team")

COMPLAINTS = TableSpec(
    name="complaints",
    description="One row per complaint per stage; an escalated complaint has a row at each stage.",
    key=("reference", "stage"),
    columns=(
        Field("reference", "text", required=True, headers=(
            "Ref", "Ref No", "Case Ref", "Case Reference", "Complaint Ref", "Complaint Reference", "Complaint ID",
            "Complaint Number", "ID", "Complaint No")),
        Field("received_date", "date", required=True, what="date received", headers=(
            "Date Received", "Received", "Date of Complaint", "Complaint Date", "Date Logged", "Date Opened",
            "Received On", "Date Complaint Received")),
        Field("team", "name", required=True, headers=_TEAM_HEADERS),
        Field("stage", "stage", required=True, codes=STAGES, headers=(
            "Complaint Stage", "Stage of Complaint", "Stage No")),
        Field("procedure", "code", required=True, codes=PROCEDURES, strict=True, headers=(
            "Complaint Procedure", "Process", "Procedure Type", "Complaint Type")),
        Field("category", "code", required=True, codes=CATEGORIES, headers=(
            "Nature of Complaint", "Complaint Category", "Category of Complaint", "Subject", "Issue",
            "Main Issue", "Complaint About")),
        Field("outcome", "code", required=True, codes=OUTCOMES, headers=(
            "Result", "Finding", "Complaint Outcome", "Decision")),
        Field("response_date", "date", what="response date", headers=(
            "Date Responded", "Responded", "Date of Response", "Response Sent", "Date Response Sent",
            "Response Date", "Date Closed", "Closed Date")),
        Field("complainant_type", "code", codes=COMPLAINANT_TYPES, absent="not recorded", headers=(
            "Complainant Type", "Type of Complainant", "Complainant Category", "Complainant Relationship",
            "Relationship to Child")),
        # The annual report's statutory sections (issue 19, STATUTORY_FIELDS): equalities monitoring of
        # the complainant or child, how the complaint was received, and compensation paid (pounds).
        # Each absent column leaves its part of the report out.
        Field("received_via", "text", what="how received", headers=(
            "How Received", "Received Via", "Method Received", "Contact Method", "Channel")),
        Field("age_band", "text", what="age band", headers=("Age Band", "Age Group", "Age of Child", "Child Age Band")),
        Field("sex", "text", headers=("Sex of Child", "Gender", "Sex of Complainant")),
        Field("ethnicity", "text", headers=("Ethnic Group", "Ethnic Origin", "Ethnicity of Child")),
        Field("disability", "text", headers=("Disabled", "Disability Status", "Has a Disability")),
        Field("compensation", "number", what="compensation paid", headers=(
            "Compensation Paid", "Compensation (£)", "Amount Paid", "Financial Remedy")),
        # What a Stage 2 investigation (independent investigating officer and independent person) or a
        # Stage 3 review panel (its independent members) cost the council, in pounds, on that stage's row.
        Field("investigation_cost", "number", what="investigation cost", headers=(
            "Investigation Cost", "Investigation Cost (£)", "Cost of Investigation",
            "Independent Investigation Cost", "Independent Person Cost", "Review Panel Cost", "Stage Cost")),
    ),
)

COMPLIMENTS = TableSpec(
    name="compliments",
    description="One row per compliment.",
    key=("reference",),
    columns=(
        Field("received_date", "date", required=True, what="date received", headers=(
            "Date Received", "Received", "Date", "Date of Compliment", "Date Logged")),
        Field("team", "name", required=True, headers=_TEAM_HEADERS),
        Field("source", "code", codes=COMPLIMENT_SOURCES, what="compliment source", absent="not recorded",
              headers=("Compliment Source", "Source Type", "Received From Type")),
        Field("reference", "text", headers=(
            "Ref", "Compliment Ref", "Compliment Reference", "Compliment ID", "Reference")),
    ),
)

OMBUDSMAN = TableSpec(
    name="ombudsman",
    description="One row per Local Government and Social Care Ombudsman (LGSCO) enquiry.",
    key=("reference",),
    columns=(
        Field("reference", "text", required=True, headers=(
            "Ref", "LGSCO Ref", "Ombudsman Ref", "Ombudsman Reference", "Case Ref", "Case Reference",
            "LGSCO Reference", "LGSCO Case Ref", "LGSCO Case Reference")),
        Field("received_date", "date", required=True, what="date received", headers=(
            "Date Received", "Received", "Enquiry Date", "Date of Enquiry", "Date Enquiry Received",
            "Enquiry Received")),
        Field("decision", "code", required=True, codes=OMBUDSMAN_DECISIONS, what="Ombudsman decision", headers=(
            "Outcome", "LGSCO Decision", "Ombudsman Decision", "Result", "Decision Reason", "Decision",
            "LGSCO Outcome")),
        Field("team", "name", absent="Not recorded", headers=_TEAM_HEADERS),
        Field("category", "code", codes=CATEGORIES, headers=("Subject", "Complaint Category", "Nature of Complaint")),
        Field("remedy", "text", headers=("Remedy Agreed", "Ombudsman Remedy", "Recommended Remedy")),
    ),
)

ACTIVITY = TableSpec(
    name="activity",
    description="Monthly indicators per team (contacts, referrals, open cases, vacancies, ...).",
    key=("month", "team"),
    numeric_extras=True,
    columns=(
        Field("month", "month", required=True, headers=("Period", "Month Starting", "Reporting Month", "Date")),
        Field("team", "name", required=True, headers=("Service Area", "Service", "Team Name", "Team Responsible")),
    ),
)

COMPARATORS = TableSpec(
    name="comparators",
    description="Other authorities' complaints and a denominator, for benchmarking.",
    key=("authority", "financial_year"),
    numeric_extras=True,
    columns=(
        Field("authority", "name", required=True, headers=(
            "Local Authority", "LA", "LA Name", "Council", "Authority Name")),
        Field("financial_year", "financial_year", required=True, what="financial year", headers=(
            "Financial Year", "Year", "FY")),
        Field("complaints", "number", required=True, headers=("Complaints Received", "Number of Complaints")),
        Field("upheld", "number", headers=("Complaints Upheld", "Upheld Complaints")),
    ),
)

ACTIONS = TableSpec(
    name="actions",
    description="What changed because of complaints (learning and actions). Owner: a role, not a name.",
    key=("reference", "action"),
    counted=False,
    columns=(
        Field("reference", "text", required=True, headers=("Ref", "Complaint Ref", "Case Ref", "Complaint Reference")),
        Field("action", "text", required=True, headers=(
            "Action", "Action Taken", "Learning", "Action Agreed", "Improvement")),
        Field("owner", "text", headers=("Action Owner", "Responsible", "Lead")),
        Field("status", "text", headers=("Action Status", "Progress")),
        Field("theme", "text", headers=("Learning Theme", "Category", "Area")),
        Field("due_date", "date", what="due date", headers=(  # issue 19's "You said, we did"
            "Due Date", "Target Date", "Due By", "Deadline", "Date Due")),
    ),
)

EVENTS = TableSpec(
    name="events",
    description="Dated changes to the service (a new rota, a newsletter), for charts and before-and-after.",
    key=("date", "team", "description"),
    counted=False,
    columns=(
        Field("date", "date", required=True, headers=("Event Date", "Date of Event", "Start Date", "Began", "When")),
        Field("team", "name", required=True, headers=_TEAM_HEADERS),
        Field("description", "text", required=True, headers=(
            "Event", "What Changed", "Change", "Event Description")),
    ),
)

# Written in an events file's team column for an event that concerns the whole service.
ALL_TEAMS = "all"

TABLES: dict[str, TableSpec] = {
    spec.name: spec for spec in (COMPLAINTS, COMPLIMENTS, OMBUDSMAN, ACTIVITY, COMPARATORS, ACTIONS, EVENTS)
}
