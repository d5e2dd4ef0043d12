"""What happens in one generated recording: who vocalises when, and the truth.

A recording is a run of *episodes* separated by at least 3 s with no voice of
the parent or the baby:

* ``chain``: alternating turns, opened by the child or the adult (2-8 turns;
  each answer starts within the scenario's latency range of the previous
  turn's end, or overlaps it when the scenario has overlapping speech);
* ``lone_child`` / ``lone_adult``: one to three bids by the same person that
  nobody answers (the parent's are sometimes hummed);
* ``adults``: the parent talking with a second adult (not to the baby);
* ``sibling``: the parent talking with the baby's big sister or brother;
* ``cry``: a crying stretch, with the parent soothing over and between it.

:func:`write_script` draws the episodes, renders every voice (the sounds
decide the turn lengths), and returns the placed sounds with the ground truth
(turns, serve->return pairs, chains, reaches). The pair definition is in
sample_clips/README.md ("Conversation corpus").
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np

from sample_clips import conv_child
from sample_clips.conv_phrases import SIBLING, TALK, TO_SIBLING
from sample_clips.voices import (
    MIX_RATE,
    Speaker,
    Wave,
    pick,
    prefetch,
    trim,
    utterance,
)

MS: Final = MIX_RATE // 1000  # samples per millisecond
MIN_QUIET_S: Final = 3.0  # episodes are at least this far apart
PAIR_LATENCY_S: Final = (0.2, 1.8)  # an answer after a gap
OVERLAP_S: Final = (-0.7, -0.15)  # an answer that starts before the previous turn ends
EPISODES: Final = ("chain_child", "chain_adult", "lone_child", "lone_adult", "adults", "sibling",
                   "cry")
HUM_CHANCE: Final = {"chain": 0.06, "lone": 0.3}  # the parent hums instead of speaking


@dataclass(frozen=True)
class Scenario:
    """The conditions of one recording. Ranges are (low, high), drawn per recording
    or per turn; levels are dB relative to the parent's speech."""

    name: str
    about: str
    parent: str = "mother"  # "mother" (some IDS), "ids_mother" (full IDS), "father"
    duration_s: tuple[float, float] = (75.0, 120.0)
    child_db: tuple[float, float] = (-6.0, -1.0)
    latency_s: tuple[float, float] = (0.3, 1.5)
    overlap: float = 0.0  # chance that an answer overlaps the turn before it
    gap_s: tuple[float, float] = (3.2, 7.0)
    weights: dict[str, float] = field(
        default_factory=lambda: {"chain_child": 4, "chain_adult": 3, "lone_child": 1.5,
                                 "lone_adult": 1.5}
    )
    must: tuple[str, ...] = ()  # episodes every recording of this scenario has
    coo_share: float = 0.35  # share of the child's non-cry sounds that are cooing
    language: str = "en"  # what the family speaks: "en" or "fr" (conv_phrases.TALK)
    tv_db: float | None = None
    tv_language: str = "en"
    noise: tuple[str, float] | None = None  # (colour, SNR dB against the parent's speech)
    swell_db: float = 0.0  # the noise drifts within +- this many dB
    appliances: int = 0  # machines that switch on for 5-15 s (the noise's level, up to +6 dB)
    rt60_s: tuple[float, float] | None = None
    clatter_per_min: float = 0.0
    reach_chance: float = 0.4  # the parent leans in as they answer
    size: tuple[int, int] = (320, 180)
    fps: int = 25
    child_right: bool = False
    handheld: bool = False


@dataclass(frozen=True)
class Sound:
    """One vocal turn placed on the timeline (``start`` in samples at MIX_RATE)."""

    actor: str  # "child", "adult", "other"
    kind: str  # "initiative", "response", "solo", "cry"
    start: int
    wave: Wave
    chain: int | None = None

    @property
    def end(self) -> int:
        return self.start + len(self.wave)


@dataclass
class Cast:
    """Who speaks and how, for one recording."""

    parent: Speaker
    other: Speaker  # a second adult
    sibling: Speaker  # a young child's voice (espeak shifted up by 25-35 %)
    parent_f0: float  # about where the parent's voice sits (Hz), for humming
    child_f0: float
    child_db: float
    language: str = "en"

    def prefetch(self, scenario: Scenario) -> None:
        """Synthesise, on threads, every phrase this scenario's voices may say."""
        to_baby, soothing, between = TALK[self.language]
        episodes = set(scenario.weights) | set(scenario.must)
        prefetch(self.parent, to_baby + (soothing if "cry" in episodes else ())
                 + (between if "adults" in episodes else ())
                 + (TO_SIBLING if "sibling" in episodes else ()))
        if "adults" in episodes:
            prefetch(self.other, between)
        if "sibling" in episodes:
            prefetch(self.sibling, SIBLING)


@dataclass
class Script:
    """The placed sounds and the ground truth of one recording."""

    sounds: list[Sound]
    duration_ms: int
    truth: dict[str, Any]


def choose_cast(scenario: Scenario, rng: np.random.Generator) -> Cast:
    """The parent's and second adult's voices and the child's pitch and level."""
    lang = scenario.language
    accents = ("en", "en", "en-us", "en-us") if lang == "en" else (lang,) * 4
    female = tuple(f"{a}+{v}" for a, v in zip(accents, ("f2", "f3", "f4", "f5"), strict=True))
    male = tuple(f"{a}+{v}" for a, v in zip(accents, ("m3", "m1", "m7", "m2"), strict=True))
    if scenario.parent == "father":
        parent = Speaker(pick(rng, male), int(rng.integers(150, 176)), int(rng.integers(30, 50)),
                         "high", round(float(rng.uniform(0.3, 0.6)), 2))
        parent_f0 = 55 + 1.1 * parent.pitch
    elif scenario.parent == "ids_mother":
        parent = Speaker(pick(rng, female), int(rng.integers(125, 151)), int(rng.integers(75, 91)),
                         "x-high", round(float(rng.uniform(0.8, 1.0)), 2))
        parent_f0 = 100 + 2 * parent.pitch
    else:
        parent = Speaker(pick(rng, female), int(rng.integers(150, 176)), int(rng.integers(55, 71)),
                         "high", round(float(rng.uniform(0.3, 0.5)), 2))
        parent_f0 = 100 + 2 * parent.pitch
    pool = [v for v in (female if rng.random() < 0.5 else male) if v != parent.voice]
    other = Speaker(pick(rng, pool), int(rng.integers(160, 186)), int(rng.integers(35, 66)),
                    "medium", 0.0)
    sibling = Speaker(pick(rng, female), int(rng.integers(170, 200)), int(rng.integers(80, 99)),
                      "high", 0.3, round(float(rng.uniform(1.25, 1.35)), 2))
    return Cast(parent, other, sibling, parent_f0 * (1 + 0.12 * parent.ids),
                float(rng.uniform(290, 420)), float(rng.uniform(*scenario.child_db)), lang)


class _Builder:
    def __init__(self, scenario: Scenario, cast: Cast, rng: np.random.Generator) -> None:
        self.scenario, self.cast, self.rng = scenario, cast, rng
        self.to_baby, self.soothing, self.between = TALK[cast.language]
        self.chains = 0

    def child_sound(self) -> Wave:
        rng = self.rng
        f0 = float(np.clip(self.cast.child_f0 * rng.uniform(0.88, 1.18), 250, 560))
        kind = rng.random()
        if kind < self.scenario.coo_share:
            wave = conv_child.coo(rng, f0, float(rng.uniform(0.45, 1.8)))
        elif kind < self.scenario.coo_share + 0.08:
            wave = conv_child.laugh(rng, f0)
        else:
            wave = conv_child.babble(rng, f0, int(rng.integers(1, 6)))
        level = self.cast.child_db + float(rng.uniform(-3, 3))
        return trim(wave) * 10 ** (level / 20)

    def adult_sound(self, phrases: tuple[str, ...], speaker: Speaker | None = None,
                    level_db: float = 0.0, hum: float = 0.0) -> Wave:
        if self.rng.random() < hum:
            wave = trim(conv_child.hum(self.rng, self.cast.parent_f0))
        else:
            wave = utterance(speaker or self.cast.parent, pick(self.rng, phrases), self.rng)
        return wave * 10 ** ((level_db + float(self.rng.uniform(-2, 2))) / 20)

    def answer_start(self, prev: Sound, latency: tuple[float, float], overlap: float) -> int:
        """Where an answer to ``prev`` starts: after a gap, or (only over a turn of
        at least 0.8 s, and never in its first 60 %) overlapping its end."""
        rng = self.rng
        if len(prev.wave) >= 0.8 * MIX_RATE and rng.random() < overlap:
            into = max(float(rng.uniform(*OVERLAP_S)), -0.4 * len(prev.wave) / MIX_RATE)
            return prev.end + int(into * MIX_RATE)
        return prev.end + int(float(rng.uniform(*latency)) * MIX_RATE)

    def episode(self, kind: str) -> list[Sound]:
        """One episode's sounds, starting at sample 0."""
        rng = self.rng
        if kind.startswith("chain"):
            self.chains += 1
            turns = 2 + min(int(rng.geometric(0.42)) - 1, 6)
            actor = "child" if kind == "chain_child" else "adult"
            sounds: list[Sound] = []
            for i in range(turns):
                wave = (self.child_sound() if actor == "child"
                        else self.adult_sound(self.to_baby, hum=HUM_CHANCE["chain"]))
                start = 0
                if sounds:
                    start = self.answer_start(sounds[-1], self.scenario.latency_s,
                                              self.scenario.overlap)
                sounds.append(Sound(actor, "response" if i else "initiative", start, wave,
                                    self.chains))
                actor = "adult" if actor == "child" else "child"
            return sounds
        if kind in ("lone_child", "lone_adult"):
            actor = kind.removeprefix("lone_")
            sounds = []
            at = 0
            for _ in range(int(rng.integers(1, 4)) if rng.random() < 0.5 else 1):
                wave = (self.child_sound() if actor == "child"
                        else self.adult_sound(self.to_baby, hum=HUM_CHANCE["lone"]))
                sounds.append(Sound(actor, "initiative", at, wave))
                at = sounds[-1].end + int(float(rng.uniform(0.3, 1.1)) * MIX_RATE)
            return sounds
        if kind in ("adults", "sibling"):
            sounds = []
            actor = "adult" if rng.random() < 0.5 else "other"
            for _ in range(int(rng.integers(2, 7))):
                if actor == "adult":
                    said = self.between if kind == "adults" else TO_SIBLING
                    wave = self.adult_sound(said, self.cast.parent)
                elif kind == "adults":
                    wave = self.adult_sound(self.between, self.cast.other, -1.5)
                else:
                    wave = self.adult_sound(SIBLING, self.cast.sibling, -3.0)
                start = self.answer_start(sounds[-1], (0.2, 1.0), 0.15) if sounds else 0
                sounds.append(Sound(actor, "solo", start, wave))
                actor = "other" if actor == "adult" else "adult"
            return sounds
        if kind == "cry":
            crying = conv_child.cry(rng, float(rng.uniform(6, 14)))
            crying = trim(crying) * 10 ** ((self.cast.child_db + 6) / 20)
            sounds = [Sound("child", "cry", 0, crying)]
            at = int(float(rng.uniform(0.8, 2.0)) * MIX_RATE)
            while at < len(crying) - MIX_RATE:
                sounds.append(Sound("adult", "solo", at, self.adult_sound(self.soothing)))
                at = sounds[-1].end + int(float(rng.uniform(0.4, 2.0)) * MIX_RATE)
            return sounds
        raise ValueError(f"unknown episode {kind!r}")


def _plan(scenario: Scenario, rng: np.random.Generator) -> list[str]:
    kinds = [k for k in EPISODES if scenario.weights.get(k, 0) > 0]
    weights = np.array([scenario.weights[k] for k in kinds], dtype=float)
    drawn = [kinds[int(i)] for i in rng.choice(len(kinds), 40, p=weights / weights.sum())]
    for index, kind in enumerate(scenario.must):
        drawn.insert(1 + 2 * index + int(rng.integers(0, 2)), kind)
    return drawn


def write_script(scenario: Scenario, rng: np.random.Generator, cast: Cast) -> Script:
    """Place episodes until the recording's length is used; compute the truth."""
    duration = int(float(rng.uniform(*scenario.duration_s)) * 1000) * MS
    builder = _Builder(scenario, cast, rng)
    sounds: list[Sound] = []
    cursor = int(float(rng.uniform(0.4, 2.5)) * MIX_RATE)
    misses = 0
    for kind in _plan(scenario, rng):
        episode = builder.episode(kind)
        length = max(s.end for s in episode)
        if cursor + length > duration - MIX_RATE // 2:
            misses += 1  # too long for what is left: try a shorter one, three times
            if misses == 3:
                break
            continue
        start = cursor // MS * MS  # on a whole millisecond
        sounds += [Sound(s.actor, s.kind, start + s.start // MS * MS, s.wave, s.chain)
                   for s in episode]
        cursor = start + length + int(float(rng.uniform(*scenario.gap_s)) * MIX_RATE)
    sounds.sort(key=lambda s: (s.start, s.actor))
    truth = truth_of(sounds, duration // MS)
    truth["reaches"] = reaches(scenario, sounds, duration // MS, rng)
    return Script(sounds, duration // MS, truth)


def _ms(sample: int) -> int:
    return round(sample / MS)


def truth_of(sounds: list[Sound], duration_ms: int) -> dict[str, Any]:
    """Turns, serve->return pairs and chains of placed sounds (see the README)."""
    number = {c: i for i, c in enumerate(sorted({s.chain for s in sounds if s.chain is not None}))}
    turns = [
        {"actor": s.actor, "kind": s.kind, "start_ms": _ms(s.start), "end_ms": _ms(s.end)}
        | ({"chain": number[s.chain]} if s.chain is not None else {})
        for s in sounds
    ]
    pairs: list[dict[str, Any]] = []
    chains: list[dict[str, Any]] = []
    for chain_id in number:
        members = [s for s in sounds if s.chain == chain_id]
        for serve, answer in itertools.pairwise(members):
            pairs.append({
                "serve_actor": serve.actor,
                "serve_ms": _ms(serve.start),
                "return_actor": answer.actor,
                "return_ms": _ms(answer.start),
                "latency_ms": _ms(answer.start) - _ms(serve.end),
            })
        chains.append({
            "start_ms": _ms(members[0].start),
            "end_ms": max(_ms(s.end) for s in members),
            "initiator": members[0].actor,
            "turns": len(members),
        })
    return {"duration_ms": duration_ms, "turns": turns, "pairs": pairs, "chains": chains}


def reaches(scenario: Scenario, sounds: list[Sound], duration_ms: int,
            rng: np.random.Generator) -> list[dict[str, Any]]:
    """When the parent leans towards the child (at some answers) or moves away
    (unrelated movements, about one a minute)."""
    events: list[dict[str, Any]] = []
    for s in sounds:
        if s.actor == "adult" and s.kind == "response" and rng.random() < scenario.reach_chance:
            start = _ms(s.start) + int(rng.integers(-300, 400))
            events.append({"actor": "adult", "toward": "child", "start_ms": max(0, start),
                           "end_ms": start + int(rng.integers(800, 1600))})
    for _ in range(int(rng.poisson(duration_ms / 60_000 * 1.2))):
        start = int(rng.integers(0, max(1, duration_ms - 2000)))
        events.append({"actor": "adult", "toward": "away", "start_ms": start,
                       "end_ms": start + int(rng.integers(700, 1500))})
    events = [e for e in events if e["end_ms"] <= duration_ms]
    events.sort(key=lambda e: e["start_ms"])
    kept: list[dict[str, Any]] = []
    for event in events:  # one movement at a time
        if not kept or event["start_ms"] >= kept[-1]["end_ms"] + 200:
            kept.append(event)
    return kept

