"""Call recordings in: transcripts -> per-call quality metrics, keyword trackers, per-rep calls.*.

Readers for WebVTT (``<v Speaker>`` voice tags) and JSON segment transcripts
(`transcript`, `cues`), the rep-speaker mapping (`speakers`) and the word lists
(`vocab`, the defaults shipped beside this file as YAML), per-call metrics (`measure`)
and the call score (`rubric`), per-rep figures and the calls to listen to (`aggregate`),
and a folder of transcripts read into a report (`report`).

May import: `gapdiag.model`, `gapdiag.rulebook`, `gapdiag.sources`.
"""
