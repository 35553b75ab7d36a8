"""Did-you-mean for a column the mapping names and the export lacks (issue 25 item 5).

Offered only when a column of the export is of the role's kind (a rep column for the
owner: never 'HasOpportunityLineItem' for 'Opportunity Owner') and close to the name
wanted; otherwise nothing, and the message lists the export's columns.
"""

from __future__ import annotations

import difflib
import re

# The words a column of each role has in its name (a camelCase or spaced name split into
# words): a hint for the owner is a rep column, never 'HasOpportunityLineItem'.
_ROLE_WORDS = {
    "owner": {"owner", "rep", "user", "assigned", "agent", "salesperson", "seller", "employee"},
    "rep": {"owner", "rep", "user", "assigned", "agent", "salesperson", "seller", "employee"},
    "stage": {"stage", "status", "phase"},
    "amount": {"amount", "value", "revenue", "price", "total", "acv", "arr", "mrr"},
    "created": {"created", "create", "date", "opened", "open", "engage", "start"},
    "closed": {"close", "closed", "date", "end", "won", "lost"},
    "timestamp": {"date", "time", "timestamp", "due", "created", "activity", "start"},
    "type": {"type", "subtype", "kind", "activity", "channel"},
    "account": {"account", "company", "customer", "client", "organization", "org"},
    "won_flag": {"won", "win", "is"},
    "closed_flag": {"closed", "close", "is"},
    "team": {"team", "group", "squad", "pod", "manager", "region"},
    "manager": {"manager", "lead", "boss", "supervisor"},
    "region": {"region", "territory", "office", "area"},
    "duration": {"duration", "minutes", "seconds", "length", "time"},
    "outcome": {"outcome", "result", "status", "disposition"},
    "quota": {"quota", "target", "goal"},
    "period": {"period", "quarter", "month", "year", "date"},
}
SIMILAR = 0.6
"""The similarity (difflib's ratio, case ignored) a column needs to be offered instead."""
_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")


def words(column: str) -> set[str]:
    """A column name's words, lower case: 'HasOpportunityLineItem' -> has, opportunity..."""
    return {word.lower() for word in _WORD.findall(column)}


def column_hint(role: str, column: str, header: tuple[str, ...]) -> str:
    """' (did you mean 'x'?)' for a column of the role's kind close enough to `column`.

    Close enough: `SIMILAR` or more alike, or all of its words are words of `column`
    ('Owner' for 'Opportunity Owner'). Nothing when no column fits: the message lists
    the columns.
    """
    kind = _ROLE_WORDS.get(role.split(".")[0])
    wanted = words(column)
    best, score = "", 0.0
    for candidate in header:
        have = words(candidate)
        if kind is not None and not have & kind:
            continue
        alike = difflib.SequenceMatcher(None, column.casefold(), candidate.casefold()).ratio()
        if alike < SIMILAR and not (have and have <= wanted):
            continue
        if alike > score:
            best, score = candidate, alike
    return f" (did you mean {best!r}?)" if best else ""
