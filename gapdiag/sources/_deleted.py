"""Rows deleted in the CRM (Salesforce's IsDeleted, Pipedrive's status 'deleted'): left
out of a block, each one listed.

Data Loader's "Export All" and warehouse syncs (Fivetran, Stitch) keep the recycle bin's
records with the flag true; Salesforce's staging models drop them, and so does ingest, so
a deleted test deal or a deleted call is never counted as the rep's.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from gapdiag.sources._columnar import Export
from gapdiag.sources._parse import flags
from gapdiag.sources.crm import FLAG_FORMS, flag_forms_text


def undeleted(
    export: Export, rows: Any, cells: dict[str, Any], forms: tuple[str, ...], what: str
) -> tuple[Any, dict[str, Any]]:
    """The block's rows and cells without the `what`s (deal, activity) deleted in the CRM,
    each of those listed once and counted as skipped; a cell in none of the flag `forms`
    is listed and its row kept (deleted or not, the export does not say)."""
    deleted, bad, odd = flags(cells["deleted_flag"], [FLAG_FORMS[form] for form in forms])
    shown = ", ".join(repr(value) if value else "empty" for value in odd[:5])
    known = flag_forms_text(forms)
    why = f"holds {shown}, in none of the flag forms ({known}); kept"
    export.recorder(rows, cells)("deleted_flag", bad, why)
    why = f"is true: the {what} was deleted in the CRM; left out"
    return left_out(export, rows, cells, deleted, "deleted_flag", why)


def left_out(
    export: Export, rows: Any, cells: dict[str, Any], mask: Any, role: str, reason: str
) -> tuple[Any, dict[str, Any]]:
    """The block's rows and cells without the masked ones, each of those listed once under
    `role` with `reason` and counted as skipped."""
    if not mask.any():
        return rows, cells
    export.recorder(rows, cells)(role, mask, reason)
    export.bad.skipped[export.name] += int(mask.sum())
    kept = pa.array(~mask)
    return rows[~mask], {column: pc.filter(cell, kept) for column, cell in cells.items()}
