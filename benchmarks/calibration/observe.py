"""What a CRM, a dialer and a call recorder would show of the latent world: counted, noisy.

Every rate is a count over a count drawn from the rep's true rate, so a rate from two deals
is as noisy as two deals make it. Values a source cannot define (a win rate with no closed
deal) are NaN. Proxies are kept beside the measured values under ``proxy:<path>``.
"""

from __future__ import annotations

import numpy as np

from .world import World

Columns = dict[str, np.ndarray]

CALL_NOISE = {
    "calls.discovery_questions_per_call": 4.0,
    "calls.open_question_ratio": 0.15,
    "calls.talk_ratio": 0.08,
    "calls.longest_monologue_seconds": 50.0,
    "calls.objection_handling_score": 0.9,
    "calls.rubric_score": 0.8,
}
"""Spread of each call metric over single calls; the mean of n calls spreads 1/sqrt(n)."""
CONNECT_RATE = 0.35
"""Share of dialled calls that connect and get a duration."""


def _per(top: np.ndarray, bottom: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(bottom > 0, top / np.maximum(bottom, 1e-12), np.nan)


def _mean_of(rng: np.random.Generator, truth: np.ndarray, n: np.ndarray, cv: float) -> np.ndarray:
    """The mean of n observations with this coefficient of variation; NaN with none."""
    spread = cv / np.sqrt(np.maximum(n, 1))
    values = truth * np.maximum(0.05, 1 + rng.normal(0, 1, len(truth)) * spread)
    return np.where(n > 0, values, np.nan)


def _vs_team(values: np.ndarray, team: np.ndarray) -> np.ndarray:
    """Each value as a ratio to its team's average (1.0 = average)."""
    sums = np.bincount(team, weights=values)
    sizes = np.bincount(team)
    means = sums / np.maximum(sizes, 1)
    return _per(values, means[team])


def observe(w: World) -> Columns:
    """Every metric (and the count behind each rate) as one array over the reps."""
    rng = w.rng
    out: Columns = {}
    out.update(_activity(w, rng))
    out.update(_pipeline(w, rng))
    out.update(_calls(w, rng))
    out.update(_ownership(w, rng))
    out.update(_territory(w, rng, out))
    out.update(_knowledge(w, rng))
    return out


def _activity(w: World, rng: np.random.Generator) -> Columns:
    days = w.days.astype(float)
    calls = rng.poisson(w.calls * days)
    emails = rng.poisson(w.emails * days)
    meetings = rng.binomial(calls, w.conversion)
    timed = rng.binomial(calls, CONNECT_RATE)
    opps = rng.binomial(meetings, w.m2o)
    return {
        "activity.working_days": days,
        "activity.calls_per_day": calls / days,
        "activity.emails_per_day": emails / days,
        "activity.meetings_per_week": meetings / (days / 5),
        "activity.meetings_held": meetings.astype(float),
        "activity.timed_calls": timed.astype(float),
        "activity.avg_call_minutes": _mean_of(rng, w.minutes, timed, 0.7),
        "activity.meeting_to_opportunity_rate": _per(opps, meetings),
        "_opened": opps.astype(float),
    }


def _pipeline(w: World, rng: np.random.Generator) -> Columns:
    n, won = w.n, w.won
    expected = w.quota * w.pace * w.elapsed / w.deal
    lost = rng.poisson(expected * (1 - w.win) / w.win)
    # The win rate counts the period to date (60%) or the trailing four quarters (40%).
    yearly = rng.random(n) < 0.4
    year = 4 * w.quota * w.pace / w.deal
    rate_won = np.where(yearly, rng.poisson(year), won)
    rate_closed = rate_won + np.where(yearly, rng.poisson(year * (1 - w.win) / w.win), lost)
    remaining = w.quota * w.pace * (1 - w.elapsed)
    share = np.clip(0.15 + 0.6 * w.elapsed + rng.normal(0, 0.08, n), 0.02, 0.95)
    pipeline = remaining / w.win * rng.lognormal(0, 0.2, n)
    open_deals = rng.poisson(pipeline / w.deal)
    in_play = open_deals + won + lost
    return {
        "pipeline.quota": w.quota,
        "pipeline.closed_won": np.round(w.closed_won, -2),
        "pipeline.commit": np.round(remaining * share, -2),
        "pipeline.open_pipeline": np.round(pipeline, -2),
        "pipeline.closed_deals": rate_closed.astype(float),
        "pipeline.win_rate": _per(rate_won, rate_closed),
        "pipeline.won_deals": rate_won.astype(float),
        "pipeline.sales_cycle_days": _mean_of(rng, w.cycle, rate_won, 0.5),
        "pipeline.open_deals": open_deals.astype(float),
        "pipeline.avg_deal_age_days": _mean_of(rng, w.age, open_deals, 0.6),
        "pipeline.deals_in_play": in_play.astype(float),
        "pipeline.stage_conversion_rate": _per(rng.binomial(in_play, w.stage), in_play),
        "_deals": (won + lost + open_deals).astype(float),
    }


def _calls(w: World, rng: np.random.Generator) -> Columns:
    # A spot check of 2 calls, a sample of about 8, or about 30 recorded calls.
    measured = rng.poisson(rng.choice([2.0, 8.0, 30.0], size=w.n, p=[0.25, 0.45, 0.3]))
    truth = {
        "calls.discovery_questions_per_call": w.questions,
        "calls.open_question_ratio": w.open_share,
        "calls.talk_ratio": w.talk,
        "calls.longest_monologue_seconds": w.monologue,
        "calls.objection_handling_score": w.objections,
        "calls.rubric_score": w.rubric,
    }
    low = {"calls.objection_handling_score": 1.0, "calls.rubric_score": 1.0}
    high = {"calls.open_question_ratio": 1.0, "calls.talk_ratio": 1.0}
    out: Columns = {"calls.calls_measured": measured.astype(float)}
    for path, values in truth.items():
        noisy = values + rng.normal(0, 1, w.n) * CALL_NOISE[path] / np.sqrt(np.maximum(measured, 1))
        noisy = np.clip(noisy, low.get(path, 0.0), high.get(path, 5.0 if "score" in path else None))
        out[path] = np.where(measured > 0, noisy, np.nan)
    return out


def _ownership(w: World, rng: np.random.Generator) -> Columns:
    n = w.n
    sessions = np.maximum(1, np.round(w.days / 5))  # weekly 1:1s so far
    plans = rng.binomial(sessions.astype(int), w.plans)
    return {
        "ownership.forecast_accuracy": np.clip(w.forecast + rng.normal(0, 0.04, n), 0, 1),
        "ownership.states_gap_unprompted": w.states_gap,
        "ownership.plan_submission_rate": _per(plans, sessions),
        "ownership.self_sourced_pipeline_share": np.clip(
            w.self_sourced + rng.normal(0, 0.04, n), 0, 1
        ),
        "ownership.deflections_per_one_on_one": rng.poisson(w.deflections * sessions) / sessions,
        "ownership.commitment_score": np.clip(
            np.round(w.commitment + rng.normal(0, 0.4, n)), 1, 10
        ),
    }


def _territory(w: World, rng: np.random.Generator, seen: Columns) -> Columns:
    n = w.n
    leads = rng.poisson(w.base_leads * w.leads * w.days) / w.days
    accounts = rng.poisson(w.base_accounts * w.size).astype(float)
    return {
        "territory.lead_volume_vs_team": _vs_team(leads, w.team),
        "territory.territory_size_vs_team": _vs_team(accounts, w.team),
        # Proxies: deals the rep opened (their own conversion is in it) for lead flow, and
        # accounts with a deal for territory size.
        "proxy:territory.lead_volume_vs_team": _vs_team(seen["_opened"] / w.days, w.team),
        "proxy:territory.territory_size_vs_team": _vs_team(seen["_deals"], w.team),
        "territory.lead_quality_score": np.clip(w.quality + rng.normal(0, 0.25, n), 1, 5),
        "territory.lead_routing_ok": w.routing_ok,
        "territory.manager_coaching_hours_per_week": w.coaching * rng.lognormal(0, 0.1, n),
        "territory.stage_definitions_ok": w.stages_ok,
    }


def _knowledge(w: World, rng: np.random.Generator) -> Columns:
    n = w.n
    return {
        "knowledge.product_quiz_score": np.clip(w.quiz + rng.normal(0, 0.04, n), 0, 1),
        "knowledge.certified": w.certified,
        "knowledge.competitor_positioning_score": np.clip(
            w.positioning + rng.normal(0, 0.3, n), 1, 5
        ),
        "knowledge.comp_plan_understood": w.comp_plan,
    }
