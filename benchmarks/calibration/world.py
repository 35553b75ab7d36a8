"""The causal model: reps whose true cause and standing are known, and what a CRM would show.

Every number here is documented, with the seed it comes from, in benchmarks/calibration.md.
The model is written from the seeds alone; it never reads the rule pack. One generation
goes: teams -> each rep's true standing and pace -> true cause (and its kind) -> latent
traits -> true rates -> counted observations (so a rate from few events is noisy) ->
missing fields, missing groups and proxies.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

CAUSES = ("will", "skill", "knowledge", "system", "none")
STANDINGS = ("ahead", "on_track", "behind")
STANDING_MIX = {"ahead": 0.2, "on_track": 0.3, "behind": 0.5}
"""How often each standing is intended when a rep's pace is drawn."""
LANDING = (("behind", 0.9), ("borderline", 0.97), ("on_track", 1.1), ("ahead", np.inf))
"""The true standing from where the rep is expected to land (a share of quota): under 90%
behind, 90-97% a close call that counts neither way, 97-110% on track, above ahead."""
CAUSE_MIX = {
    "behind": {"will": 0.22, "skill": 0.22, "knowledge": 0.2, "system": 0.26, "none": 0.1},
    "on_track": {"will": 0.09, "skill": 0.09, "knowledge": 0.08, "system": 0.09, "none": 0.65},
    "ahead": {"will": 0.09, "skill": 0.09, "knowledge": 0.08, "system": 0.09, "none": 0.65},
}
PACE = {"ahead": (1.1, 1.5), "on_track": (0.95, 1.08), "behind": (0.35, 0.85)}
"""The true pace (share of quota the rep will close by period end) per standing."""
SYSTEM_KINDS = {
    "starved": 0.3,
    "small": 0.2,
    "poor_leads": 0.25,
    "broken_stages": 0.1,
    "low_coaching": 0.15,
}
KNOWLEDGE_KINDS = {"product": 0.55, "competitor": 0.45}
SECOND_KIND = 0.3
"""Chance that a system or knowledge rep has a second kind of the same cause."""
COMP_PLAN = 0.3
"""Chance that a knowledge rep also does not understand the comp plan (seed 000)."""
PIPELINE_MATH = 0.25
"""Chance that a skill rep also cannot do the pipeline math (seed 000's skill gap)."""


@dataclass(frozen=True, slots=True)
class Segment:
    """A sales motion: quota, deal size, base win rate and sales cycle."""

    quota: float
    deal_size: float
    win_rate: float
    cycle_days: float
    leads_per_day: float
    accounts: float


SEGMENTS = {
    "smb": Segment(150_000, 6_000, 0.28, 35, 10, 400),
    "mid": Segment(300_000, 25_000, 0.24, 70, 6, 150),
    "ent": Segment(720_000, 120_000, 0.22, 120, 3, 50),
}
SEGMENT_MIX = {"smb": 0.45, "mid": 0.35, "ent": 0.2}
QUARTERS = (
    (dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
    (dt.date(2026, 4, 1), dt.date(2026, 6, 30)),
    (dt.date(2026, 7, 1), dt.date(2026, 9, 30)),
    (dt.date(2026, 10, 1), dt.date(2026, 12, 31)),
)
PLAN_CALLS, PLAN_EMAILS = 40.0, 60.0
CALL_TO_MEETING = 0.025
"""40 calls a day and 5 meetings a week (seed 001): one meeting per 40 calls."""


def _pick(rng: np.random.Generator, mix: dict[str, float], size: int) -> np.ndarray:
    names = list(mix)
    return np.array(names)[rng.choice(len(names), size=size, p=list(mix.values()))]


class World:
    """The latent population: every array has one entry per rep (true values, no noise)."""

    def __init__(self, size: int, rng: np.random.Generator) -> None:
        self.n, self.rng = size, rng
        self._teams()
        self._truth()
        self._traits()

    # -- who the reps are -------------------------------------------------------------
    def _teams(self) -> None:
        rng, n = self.rng, self.n
        sizes = rng.integers(8, 15, size=n)  # more than enough teams
        team = np.repeat(np.arange(n), sizes)[:n]
        self.team = team
        teams = int(team.max()) + 1
        seg = _pick(rng, SEGMENT_MIX, teams)
        self.segment = seg[team]
        quarter = rng.integers(0, len(QUARTERS), size=teams)[team]
        self.start = np.array([QUARTERS[q][0] for q in quarter], dtype="datetime64[D]")
        self.end = np.array([QUARTERS[q][1] for q in quarter], dtype="datetime64[D]")
        self.team_leads = rng.lognormal(0, 0.2, teams)[team]
        spec = [SEGMENTS[s] for s in self.segment]
        self.quota = np.round(np.array([s.quota for s in spec]) * rng.lognormal(0, 0.1, n), -3)
        self.deal = np.array([s.deal_size for s in spec]) * rng.lognormal(0, 0.15, n)
        self.base_win = np.array([s.win_rate for s in spec])
        self.base_cycle = np.array([s.cycle_days for s in spec])
        self.base_leads = np.array([s.leads_per_day for s in spec]) * self.team_leads
        self.base_accounts = np.array([s.accounts for s in spec])

    def _truth(self) -> None:
        rng, n = self.rng, self.n
        self.intended = _pick(rng, STANDING_MIX, n)
        self.cause = np.empty(n, dtype=object)
        self.pace = np.empty(n)
        for standing in STANDINGS:
            at = self.intended == standing
            self.cause[at] = _pick(rng, CAUSE_MIX[standing], int(at.sum()))
            low, high = PACE[standing]
            self.pace[at] = rng.uniform(low, high, int(at.sum()))
        self.kinds: list[tuple[str, ...]] = [self._kinds(str(c)) for c in self.cause]
        self.tenure = rng.gamma(3, 8, n) + 1
        knows = self.cause == "knowledge"
        self.tenure[knows] = rng.gamma(2, 4, int(knows.sum())) + 1  # newer reps know less
        # Share of the period's working days the figures run to; 15% of periods are over.
        wd_total = np.busday_count(self.start, self.end + np.timedelta64(1, "D"))
        share = np.where(rng.random(n) < 0.15, 1.0, rng.uniform(0.1, 1.0, n))
        self.days = np.maximum(1, np.round(share * wd_total)).astype(int)
        self.elapsed = self.days / wd_total
        self.as_of = np.busday_offset(self.start, self.days - 1, roll="forward")
        # Deals won so far come in lumps (few large deals make closed-won noisy). Where the
        # rep lands is what is won so far plus the true pace over the rest of the period.
        self.won = rng.poisson(self.quota * self.pace * self.elapsed / self.deal)
        lumps = rng.gamma(np.maximum(self.won, 1) * 4.0, self.deal / 4.0)
        self.closed_won = np.where(self.won > 0, lumps, 0.0)
        self.landing = self.closed_won / self.quota + self.pace * (1 - self.elapsed)
        edges = np.array([edge for _, edge in LANDING])
        names = np.array([name for name, _ in LANDING])
        self.standing = names[np.searchsorted(edges, self.landing, side="right")]

    def _kinds(self, cause: str) -> tuple[str, ...]:
        if cause == "skill":
            math = self.rng.random() < PIPELINE_MATH
            return ("live_calls", "pipeline_math") if math else ("live_calls",)
        mix = {"system": SYSTEM_KINDS, "knowledge": KNOWLEDGE_KINDS}.get(cause)
        if mix is None:
            return ()
        names, weights = list(mix), np.array(list(mix.values()))
        count = 2 if self.rng.random() < SECOND_KIND else 1
        chosen = self.rng.choice(len(names), size=count, replace=False, p=weights)
        kinds = tuple(sorted(names[i] for i in chosen))
        if cause == "knowledge" and self.rng.random() < COMP_PLAN:
            kinds = (*kinds, "comp_plan")
        return kinds

    def has(self, kind: str) -> np.ndarray:
        """Which reps have this kind of system or knowledge gap."""
        return np.array([kind in k for k in self.kinds])

    # -- latent traits and true rates ------------------------------------------------
    def _traits(self) -> None:
        rng, n, cause = self.rng, self.n, self.cause

        def latent(sd: float, who: np.ndarray, low: float, high: float) -> np.ndarray:
            values = rng.lognormal(0, sd, n)
            values[who] = rng.uniform(low, high, int(who.sum()))
            return values

        will, skill = cause == "will", cause == "skill"
        knows = self.has("product") | self.has("competitor")
        self.effort = latent(0.1, will, 0.3, 0.7) * np.where(will, 1.0, 1.02)
        self.craft = latent(0.1, skill, 0.4, 0.65)
        self.know = latent(0.08, knows, 0.55, 0.78)
        self.leads = latent(0.12, self.has("starved"), 0.35, 0.62)
        self.size = latent(0.12, self.has("small"), 0.42, 0.66)
        poor = self.has("poor_leads")
        self.quality = np.clip(rng.normal(3.8, 0.3, n), 3.0, 5)
        self.quality[poor] = rng.uniform(1.4, 2.5, int(poor.sum()))
        self.routing_ok = ~(poor & (rng.random(n) < 0.6))
        self.stages_ok = ~self.has("broken_stages")
        low_coaching = self.has("low_coaching")
        self.coaching = 2.2 + rng.gamma(2, 0.5, n)
        self.coaching[low_coaching] = rng.uniform(0.25, 1.5, int(low_coaching.sum()))
        self._rates(low_coaching)
        self._craft()
        self._ownership()
        self._knowledge()

    def _rates(self, low_coaching: np.ndarray) -> None:
        rng, n = self.rng, self.n
        quality = np.clip(self.quality / 3.8, 0.35, 1.2)
        routed = np.where(self.routing_ok, 1.0, 0.7)
        coached = np.where(low_coaching, 0.88, 1.0)
        # Only a patch well under normal limits how much there is to work (seed 001: a
        # starved territory or broken routing shows as low volume, like a will gap).
        reach = np.minimum(1, (0.3 + 0.7 * self.leads) / 0.86)
        reach *= np.minimum(1, (0.4 + 0.6 * self.size) / 0.88)
        self.calls = PLAN_CALLS * self.effort * reach * routed
        self.emails = PLAN_EMAILS * self.effort * rng.lognormal(0, 0.15, n) * np.sqrt(reach)
        self.conversion = (
            CALL_TO_MEETING
            * self.craft
            * np.sqrt(self.know)
            * quality**0.8
            * np.where(self.routing_ok, 1.0, 0.85)
            * coached
        )
        noise = rng.lognormal(0, 0.08, (4, n))
        self.m2o = np.clip(0.36 * self.craft**0.9 * self.know * quality**0.5 * noise[0], 0.02, 0.9)
        self.win = np.clip(
            self.base_win * self.craft**0.7 * self.know**1.2 * quality**0.5 * coached * noise[1],
            0.02,
            0.9,
        )
        stalled = np.where(self.stages_ok, 1.0, 0.55)
        self.stage = np.clip(0.45 * self.craft**0.6 * self.know**0.6 * stalled * noise[2], 0.02, 1)
        self.minutes = 4.6 * rng.lognormal(0, 0.12, n)
        skill = self.cause == "skill"
        self.minutes[skill] = rng.uniform(1.8, 3.1, int(skill.sum()))
        self.minutes[self.cause == "knowledge"] *= 0.9
        slow = np.where(self.cause == "will", 1.35, 1.0) * np.where(self.stages_ok, 1.0, 1.85)
        slow *= np.where(np.isin(self.cause, ["skill", "knowledge"]), 1.15, 1.0)
        self.age = 42 * rng.lognormal(0, 0.15, n) * slow
        self.cycle = self.base_cycle * rng.lognormal(0, 0.15, n) * slow**0.6 * noise[3]

    def _craft(self) -> None:
        """Call craft on recorded calls: a skill rep's calls are shallow and one-sided."""
        craft, know = self.craft, self.know
        self.questions = 12.5 * craft**1.3 * know**0.2
        self.open_share = np.clip(0.62 * craft**1.1, 0.05, 0.95)
        self.talk = np.clip(0.43 + 0.25 * (1 - craft), 0.2, 0.85)
        self.monologue = 80 / craft**1.2
        self.objections = np.clip(3.7 * craft**0.8 * know**0.8, 1, 5)
        self.rubric = np.clip(3.7 * craft**0.9 * know**0.3, 1, 5)

    def _ownership(self) -> None:
        """Owning the number: a will rep forecasts poorly, deflects, and commits weakly."""
        rng, n = self.rng, self.n
        will = self.cause == "will"
        w = int(will.sum())
        self.forecast = np.clip(rng.normal(0.86, 0.05, n), 0.5, 1)
        self.forecast[will] = rng.uniform(0.45, 0.72, w)
        self.forecast[~self.stages_ok] *= 0.9
        math = self.has("pipeline_math")  # cannot read their own pipeline, though willing
        self.forecast[math] = rng.uniform(0.55, 0.75, int(math.sum()))
        states = np.where(will | math, 0.3, np.where(self.has("comp_plan"), 0.5, 0.88))
        self.states_gap = rng.random(n) < states
        self.plans = np.clip(rng.normal(0.95, 0.04, n), 0.7, 1)
        self.plans[will] = rng.uniform(0.3, 0.75, w)
        self.self_sourced = np.clip(rng.normal(0.4, 0.08, n), 0.1, 0.8)
        self.self_sourced[will] = rng.uniform(0.08, 0.25, w)
        self.deflections = rng.gamma(2, 0.2, n)
        self.deflections[will] = rng.uniform(1.5, 3.5, w)
        system = self.cause == "system"  # a starved rep names the real problem
        self.deflections[system] = rng.uniform(0.8, 1.8, int(system.sum()))
        self.commitment = np.clip(rng.normal(9.1, 0.5, n), 7.5, 10)
        self.commitment[will] = rng.uniform(5, 8.5, w)

    def _knowledge(self) -> None:
        """Product, competitor and comp-plan knowledge; reps in ramp certify less often."""
        rng, n = self.rng, self.n
        product, competitor = self.has("product"), self.has("competitor")
        self.quiz = np.clip(rng.normal(0.88, 0.05, n), 0.7, 1)
        self.quiz[product] = rng.uniform(0.45, 0.72, int(product.sum()))
        certified = np.where(product, 0.25, np.where(self.tenure < 3, 0.5, 0.93))
        self.certified = rng.random(n) < certified
        self.positioning = np.clip(rng.normal(3.7, 0.45, n), 2.6, 5)
        self.positioning[competitor] = rng.uniform(1.2, 2.4, int(competitor.sum()))
        self.comp_plan = rng.random(n) < np.where(self.has("comp_plan"), 0.15, 0.95)
