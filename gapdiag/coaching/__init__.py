"""Coaching: from a diagnosis to what the manager does, week by week.

Holds the playbook (focus, goal), the 1:1 agenda, the cadence of sessions, weekly history
and trends, escalation (extend, PIP review), the scorecard and the coaching plan.

May import: `gapdiag.model`, `gapdiag.rulebook`, `gapdiag.sources`, `gapdiag.engines`.
"""
