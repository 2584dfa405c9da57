"""The data contract: tables, canonical fields, header aliases and allowed values.

Everything the loader accepts is described here, so ``data/README.md`` and the code can be
checked against each other. Only the fields listed for a table are ever read into the
analysis (an allow-list); every other column is dropped at load.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

__all__ = [
    "ALL_TEAMS",
    "CATEGORIES",
    "COMPLAINANT_TYPES",
    "COMPLIMENT_SOURCES",
    "OMBUDSMAN_DECISIONS",
    "OUTCOMES",
    "PROCEDURES",
    "TABLES",
    "TableSpec",
    "header_key",
]


def header_key(text: object) -> str:
    """Reduce a header or label to the form used for matching: lower case, letters and digits.

    >>> header_key(" Date  Received: ")
    'datereceived'
    """
    return re.sub(r"[^0-9a-z]", "", str(text).casefold())


@dataclass(frozen=True)
class TableSpec:
    """One table of the contract.

    ``aliases`` maps each canonical field to the headers accepted for it (matched with
    :func:`header_key`, so case, spaces and punctuation do not matter).
    ``numeric_extras`` means further numeric columns are kept as indicators (activity,
    comparators); non-numeric extras are still dropped.
    """

    name: str
    description: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    numeric_extras: bool = False

    @property
    def fields(self) -> tuple[str, ...]:
        return self.required + self.optional

    def field_for_header(self, header: object) -> str | None:
        """The canonical field a header stands for, or None when it is not in the contract."""
        return _header_lookup(self.name).get(header_key(header))


@cache
def _header_lookup(table: str) -> dict[str, str]:
    """Header key -> field, for every field name and alias of a table."""
    spec = TABLES[table]
    lookup = {}
    for name in spec.fields:
        for spelling in (name, *spec.aliases.get(name, ())):
            lookup.setdefault(header_key(spelling), name)
    return lookup


# Optional complaint fields for the annual report's statutory sections (issue 19): equalities
# monitoring of the complainant or child, how the complaint was received, and compensation paid
# (pounds). Each absent column leaves its part of the report out.
STATUTORY_FIELDS = ("received_via", "age_band", "sex", "ethnicity", "disability", "compensation")
STATUTORY_ALIASES = {
    "received_via": ("How Received", "Received Via", "Method Received", "Contact Method", "Channel"),
    "age_band": ("Age Band", "Age Group", "Age of Child", "Child Age Band"),
    "sex": ("Sex of Child", "Gender", "Sex of Complainant"),
    "ethnicity": ("Ethnic Group", "Ethnic Origin", "Ethnicity of Child"),
    "disability": ("Disabled", "Disability Status", "Has a Disability"),
    "compensation": ("Compensation Paid", "Compensation (£)", "Amount Paid", "Financial Remedy"),
}

# Headers deliberately *not* aliased: "Complainant", "Name", "From", "Details", "Summary".
# In real exports these hold people's names or free text, so they must never be mistaken
# for a contract field.
COMPLAINTS = TableSpec(
    name="complaints",
    description="One row per complaint per stage; an escalated complaint has a row at each stage.",
    required=("reference", "received_date", "team", "stage", "procedure", "category", "outcome"),
    optional=("response_date", "complainant_type", *STATUTORY_FIELDS),
    aliases={
        **STATUTORY_ALIASES,
        "reference": ("Ref", "Ref No", "Case Ref", "Case Reference", "Complaint Ref",
                      "Complaint Reference", "Complaint ID", "Complaint Number", "ID"),
        "received_date": ("Date Received", "Received", "Date of Complaint", "Complaint Date",
                          "Date Logged", "Date Opened", "Received On"),
        "team": ("Service Area", "Service", "Team Name", "Service Team", "Department"),
        "stage": ("Complaint Stage", "Stage of Complaint", "Stage No"),
        "procedure": ("Complaint Procedure", "Process", "Procedure Type", "Complaint Type"),
        "category": ("Nature of Complaint", "Complaint Category", "Category of Complaint",
                     "Subject", "Issue", "Main Issue", "Complaint About"),
        "outcome": ("Result", "Finding", "Complaint Outcome", "Decision"),
        "response_date": ("Date Responded", "Responded", "Date of Response", "Response Sent",
                          "Date Response Sent", "Response Date", "Date Closed", "Closed Date"),
        "complainant_type": ("Complainant Type", "Type of Complainant", "Complainant Category",
                             "Complainant Relationship", "Relationship to Child"),
    },
)

COMPLIMENTS = TableSpec(
    name="compliments",
    description="One row per compliment.",
    required=("received_date", "team"),
    optional=("source", "reference"),
    aliases={
        "reference": ("Ref", "Compliment Ref", "Compliment Reference", "Compliment ID", "Reference"),
        "received_date": ("Date Received", "Received", "Date", "Date of Compliment", "Date Logged"),
        "team": ("Service Area", "Service", "Team Name", "Service Team", "Department"),
        "source": ("Compliment Source", "Source Type", "Received From Type"),
    },
)

OMBUDSMAN = TableSpec(
    name="ombudsman",
    description="One row per Local Government and Social Care Ombudsman (LGSCO) enquiry.",
    required=("reference", "received_date", "decision"),
    optional=("team", "category", "remedy"),
    aliases={
        "reference": ("Ref", "LGSCO Ref", "Ombudsman Ref", "Ombudsman Reference", "Case Ref",
                      "Case Reference"),
        "received_date": ("Date Received", "Received", "Enquiry Date", "Date of Enquiry"),
        "team": ("Service Area", "Service", "Team Name"),
        "decision": ("Outcome", "LGSCO Decision", "Ombudsman Decision", "Result", "Decision Reason"),
        "category": ("Subject", "Complaint Category", "Nature of Complaint"),
        "remedy": ("Remedy Agreed", "Ombudsman Remedy", "Recommended Remedy"),
    },
)

ACTIVITY = TableSpec(
    name="activity",
    description="Monthly indicators per team (contacts, referrals, open cases, vacancies, ...).",
    required=("month", "team"),
    aliases={
        "month": ("Period", "Month Starting", "Reporting Month", "Date"),
        "team": ("Service Area", "Service", "Team Name"),
    },
    numeric_extras=True,
)

COMPARATORS = TableSpec(
    name="comparators",
    description="Other authorities' complaints and a denominator, for benchmarking.",
    required=("authority", "financial_year", "complaints"),
    optional=("upheld",),
    aliases={
        "authority": ("Local Authority", "LA", "LA Name", "Council", "Authority Name"),
        "financial_year": ("Financial Year", "Year", "FY"),
        "complaints": ("Complaints Received", "Number of Complaints"),
        "upheld": ("Complaints Upheld", "Upheld Complaints"),
    },
    numeric_extras=True,
)

ACTIONS = TableSpec(
    name="actions",
    description="What changed because of complaints (learning and actions). Owner: a role, not a name.",
    required=("reference", "action"),
    optional=("owner", "status", "theme", "due_date"),  # due_date: issue 19's "You said, we did"
    aliases={
        "due_date": ("Due Date", "Target Date", "Due By", "Deadline", "Date Due"),
        "reference": ("Ref", "Complaint Ref", "Case Ref", "Complaint Reference"),
        "action": ("Action", "Action Taken", "Learning", "Action Agreed", "Improvement"),
        "owner": ("Action Owner", "Responsible", "Lead"),
        "status": ("Action Status", "Progress"),
        "theme": ("Learning Theme", "Category", "Area"),
    },
)

EVENTS = TableSpec(
    name="events",
    description="Dated changes to the service (a new rota, a newsletter), for charts and before-and-after.",
    required=("date", "team", "description"),
    aliases={
        "date": ("Event Date", "Date of Event", "Start Date", "Began", "When"),
        "team": ("Service Area", "Service", "Team Name", "Service Team", "Department"),
        "description": ("Event", "What Changed", "Change", "Event Description"),
    },
)

# Written in an events file's team column for an event that concerns the whole service.
ALL_TEAMS = "all"

TABLES: dict[str, TableSpec] = {
    spec.name: spec for spec in (COMPLAINTS, COMPLIMENTS, OMBUDSMAN, ACTIVITY, COMPARATORS, ACTIONS, EVENTS)
}

# Allowed values: canonical value -> accepted spellings (matched with header_key).
PROCEDURES: dict[str, tuple[str, ...]] = {
    "statutory": ("statutory", "children act", "children act 1989", "statutory children's social care",
                  "csc statutory", "social care statutory", "stat"),
    "corporate": ("corporate", "corporate complaints", "corporate procedure", "corp", "council"),
}

OUTCOMES: dict[str, tuple[str, ...]] = {
    "upheld": ("upheld", "fully upheld", "justified", "founded"),
    "partially upheld": ("partially upheld", "partly upheld", "partial", "partially", "part upheld",
                         "partially justified"),
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
