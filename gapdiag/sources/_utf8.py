"""Text columns read as bytes, made text once their bytes are known to be UTF-8.

pyarrow's CSV reader checks that every cell of a text column is UTF-8 as it converts it.
A column read as bytes instead is made text here: when its bytes are all ASCII (the usual
export) it is text as it stands, found by one numpy pass for its largest byte; any other
column is checked by a cast, cell by cell, as the reader would have checked it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

_ASCII_END = 0x80
"""Bytes below this are ASCII, each a character of UTF-8 by itself."""


def as_text(batch: Any) -> Any | None:
    """`batch` with its byte columns as text columns, or None when a cell is not UTF-8."""
    if not any(pa.types.is_binary(f.type) for f in batch.schema):
        return batch
    columns = []
    for column in batch.columns:
        text = _text(column) if pa.types.is_binary(column.type) else column
        if text is None:
            return None
        columns.append(text)
    fields = [f.with_type(c.type) for f, c in zip(batch.schema, columns, strict=True)]
    return pa.RecordBatch.from_arrays(columns, schema=pa.schema(fields))


def _text(column: Any) -> Any | None:
    """A byte column as text (None: a cell is not UTF-8)."""
    _, offsets, data = column.buffers()
    if data is not None and len(column):
        ends = np.frombuffer(
            offsets, dtype=np.int32, count=len(column) + 1, offset=4 * column.offset
        )
        low, high = int(ends[0]), int(ends[-1])
        cells = np.frombuffer(data, dtype=np.uint8, count=high - low, offset=low)
        if high > low and int(cells.max()) >= _ASCII_END:
            try:
                return pc.cast(column, pa.string())  # (checks every cell)
            except pa.ArrowInvalid:
                return None
    return column.view(pa.string())
