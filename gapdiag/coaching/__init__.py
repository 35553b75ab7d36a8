"""Coaching: from a diagnosis to what the manager does, week by week.

Holds the playbook (focus, goal), one skill at a time, the system side (fixes from the
firing rules, numbers a fault distorts), the 1:1 agenda and accountability, the cadence of
sessions and its calendar (working days, time zone, .ics), the weekly history (the period
to date), trends, the coaching log, escalation (extend, PIP review), the scorecard and the
coaching plan.

May import: `gapdiag.model`, `gapdiag.rulebook`, `gapdiag.sources`, `gapdiag.engines`.
"""
