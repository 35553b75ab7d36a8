"""Call recordings in: transcripts -> per-call quality metrics, keyword trackers, per-rep calls.*.

Readers for WebVTT (``<v Speaker>`` voice tags) and JSON segment transcripts
(`transcript`), the rep-speaker mapping and the word lists (`vocab`, with the default
lists shipped beside this file as YAML), per-call metrics (`measure`) and per-rep
aggregation with the calls to listen to (`report`).

May import: `gapdiag.model`, `gapdiag.rulebook`, `gapdiag.sources`.
"""
