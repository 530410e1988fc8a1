"""Check a resolved profile against a tender: deviations, points and capacity guardrails.

The check returns data (`generator.tender.findings`); reports turn it into text, JSON, JUnit,
SARIF, workflow annotations and the deviation table, and the CLI maps `passed()` to an exit
code. The parts: `offers` finds what the profile promises for a path, the requirement's
`comparator` judges each offer, `scoring` counts points, `capacity` checks the guardrails.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

from generator.errors import InputError, Location, Problem
from generator.locale import Message
from generator.profiles.loading import load_profile
from generator.profiles.models import commitment_paths
from generator.profiles.paths import PathInfo
from generator.profiles.quantities import NotComparable, WorkingDayRule
from generator.tender.capacity import capacity_findings
from generator.tender.findings import (
    CapacityFinding,
    CapacityStatus,
    CheckResult,
    Finding,
    verdict_of,
    wanted_message,
)
from generator.tender.loading import load_tender
from generator.tender.model import Requirement, TenderFile, Verdict
from generator.tender.offers import Offer, Offers, ResolvedProfile
from generator.tender.scoring import points_for
from generator.tender.wording import message, value_message

__all__ = [
    "CapacityFinding",
    "CapacityStatus",
    "CheckResult",
    "Finding",
    "Offer",
    "ResolvedProfile",
    "check",
    "check_files",
]


def check(
    resolved: ResolvedProfile,
    tender: TenderFile,
    *,
    tender_where: Mapping[str, Location] | None = None,
) -> CheckResult:
    """Compare every requirement of `tender` with the profile, and every promise with the
    company's capacity."""
    where = tender_where or {}
    offers = Offers(resolved, tender)
    findings = tuple(
        _finding(i, req, tender, offers, _tender_location(where, i))
        for i, req in enumerate(tender.requirements)
    )
    capacity = tuple(capacity_findings(offers))
    site = offers.place.label if offers.place else None
    return CheckResult(tender, resolved.profile, findings, capacity, site)


def _tender_location(where: Mapping[str, Location], index: int) -> Location | None:
    for key in (f"requirements[{index}].value", f"requirements[{index}].commitment"):
        if key in where:
            return where[key]
    return where.get(f"requirements[{index}]")


@dataclass(frozen=True)
class _Judged:
    """A verdict with the offer that decided it and why, before points."""

    verdict: Verdict
    offer: Offer | None
    reason: Message
    suggestion: Message | None = None
    compared: tuple[Offer, ...] = ()
    """the offers the comparator could judge (points are counted for these)."""


def _finding(
    index: int, req: Requirement, tender: TenderFile, offers: Offers, at: Location | None
) -> Finding:
    info = commitment_paths()[req.commitment]
    rule = tender.rule_for(req)
    found, uncovered = offers.for_requirement(info, req.scope)
    judged = _missing(req, info, uncovered) if not found or uncovered else None
    points: Decimal | None = Decimal(0) if judged and req.scoring else None
    if judged is None:
        judged = _judge(req, info, rule, found)
        points, judged = _scored(req, info, rule, judged)
    return Finding(
        index=index + 1,
        id=tender.requirement_id(index),
        requirement=req,
        substantive=tender.is_substantive(req),
        verdict=judged.verdict,
        offer=judged.offer,
        reason=judged.reason,
        requirement_where=at,
        points=points,
        max_points=req.scoring.max_points if req.scoring else None,
        suggestion=judged.suggestion,
    )


def _missing(req: Requirement, info: PathInfo, uncovered: list[str]) -> _Judged:
    value = _asked_value(req, info)
    return _Judged(
        Verdict.MISSING,
        None,
        message("reason.missing", term=info.label, path=info.path, places=uncovered),
        message(
            "suggestion.commit",
            term=info.label,
            path=info.path,
            value=value,
            wanted=wanted_message(req),
        ),
    )


def _asked_value(req: Requirement, info: PathInfo) -> Message | None:
    wanted = req.threshold
    return None if wanted is None else value_message(info.kind, wanted)


def _judge(
    req: Requirement, info: PathInfo, rule: WorkingDayRule | None, found: Sequence[Offer]
) -> _Judged:
    """The requirement's comparator scores every offer in scope; the worst one decides."""
    wanted = req.threshold
    scored: list[tuple[int, Offer]] = []
    blocked: list[tuple[Offer, str]] = []
    for offer in found:
        try:
            scored.append((req.comparator.score(offer.value, wanted, info, rule), offer))
        except NotComparable as error:
            blocked.append((offer, str(error)))
    compared = tuple(o for _, o in scored)
    worst = min((score for score, _ in scored), default=None)
    asked = {"wanted": wanted_message(req), "value": _asked_value(req, info)}
    if worst is not None and worst < 0:
        offer = _worst([o for s, o in scored if s < 0], info, rule)
        meet = None
        if wanted is not None:
            meet = message("suggestion.meet", term=info.label, path=info.path, **asked)
        # A list names what it lacks (缺少接口数据), not just that it falls short.
        lacks = None if wanted is None else info.kind.shortfall(offer.value, wanted)
        if lacks is not None:
            missing = value_message(info.kind, lacks)
            reason = message("reason.lacks", offer=offer.message, missing=missing, **asked)
            meet = message("suggestion.add", term=info.label, path=info.path, missing=missing)
        else:
            reason = message("reason.negative", offer=offer.message, **asked)
        return _Judged(Verdict.NEGATIVE, offer, reason, meet, compared)
    if blocked:
        offer, why = blocked[0]
        # Undecided only when the ranges straddle the threshold; the hint says what the
        # bidder can write in its own files to decide it: the promise in the tender's unit.
        working_day = "working-day rule" in why
        reason = message(
            "reason.not_comparable",
            offer=offer.message,
            why=why,
            working_day=working_day,
            **asked,
        )
        restate = None
        if wanted is not None:
            restate = message(
                "suggestion.restate", term=info.label, path=info.path, value=asked["value"]
            )
        return _Judged(Verdict.NOT_COMPARABLE, offer, reason, restate, compared)
    offer = _worst([o for _, o in scored], info, rule)
    verdict = verdict_of(worst or 0)
    reason = message(f"reason.{verdict.value}", offer=offer.message, **asked)
    return _Judged(verdict, offer, reason, compared=compared)


def _worst(found: list[Offer], info: PathInfo, rule: WorkingDayRule | None) -> Offer:
    worst = found[0]
    for offer in found[1:]:
        try:
            if info.kind.goodness(offer.value, worst.value, info.better, rule) < 0:
                worst = offer
        except NotComparable:
            continue
    return worst


def _scored(
    req: Requirement,
    info: PathInfo,
    rule: WorkingDayRule | None,
    judged: _Judged,
) -> tuple[Decimal | None, _Judged]:
    """Points of the worst offer, and a suggestion to earn more unless one is made already."""
    if req.scoring is None or judged.verdict is Verdict.NOT_COMPARABLE:
        return None, judged
    try:
        gains = [points_for(req, info, rule, o) for o in judged.compared]
    except NotComparable:
        return None, judged
    if not gains:
        return None, judged
    points, gain = min(gains, key=lambda g: g[0])
    return points, replace(judged, suggestion=judged.suggestion or gain)


def check_files(
    project: Path, tender: Path, overlays: Sequence[Path] = (), sets: Sequence[str] = ()
) -> CheckResult:
    """Load a project (with overlays and `--set` values) and a tender, reporting the problems
    of both at once, then check one against the other."""
    problems: list[Problem] = []
    try:
        resolved = load_profile(project, overlays, sets)
    except InputError as err:
        problems += err.problems
    try:
        tender_file, where = load_tender(tender)
    except InputError as err:
        problems += err.problems
    if problems:
        raise InputError(problems)
    return check(resolved, tender_file, tender_where=where)
