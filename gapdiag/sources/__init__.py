"""The input edge: reading the files a sales team already has into metrics.

Holds readers for rep files (JSON, YAML, CSV rows) and CRM exports (column mappings,
presets, per-rep aggregation); `calls/` reads call transcripts into call metrics.

May import: `gapdiag.model`, `gapdiag.rulebook`.
"""
