"""The input edge: reading the files a sales team already has into metrics.

Holds readers for rep files (JSON, YAML, CSV rows) and CRM exports: column mappings and
presets (``crm``), periods and the grid of periods (``periods``), and ``ingest``, which
turns opportunity and activity exports, quota sheets and teams files into one row of
metrics per rep and period (``opportunities``, ``activities``, ``quotas``, ``territory``;
the columnar reader and tallies are the private modules). The export readers need
pyarrow and numpy (the ``frames`` extra); only ``ingest.read_exports`` loads them.
``calls/`` reads call transcripts (WebVTT, JSON segments) into call metrics.

May import: `gapdiag.model`, `gapdiag.rulebook`.
"""
