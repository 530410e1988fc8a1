"""Check a resolved profile against a tender: deviations, points and capacity guardrails.

The check returns data (`generator.tender.findings`); reports turn it into text, JSON, JUnit,
SARIF, workflow annotations and the deviation table, and the CLI maps `passed()` to an exit
code. The parts: `offers` finds what the profile promises for a path, the requirement's
`comparator` judges each offer, `scoring` counts points, `capacity` checks the guardrails.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from generator.errors import InputError, Location, Problem
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
)
from generator.tender.loading import load_tender
from generator.tender.model import Requirement, TenderFile, Verdict
from generator.tender.offers import Offer, Offers, ResolvedProfile
from generator.tender.scoring import points_for
from generator.tender.wording import describe, describe_en, wanted_zh

__all__ = [
    "CapacityFinding",
    "CapacityStatus",
    "CheckResult",
    "Finding",
    "Offer",
    "ResolvedProfile",
    "check",
    "check_files",
    "describe",
    "describe_en",
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
    reason: str
    reason_en: str
    suggestion: str | None = None
    suggestion_en: str | None = None
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
        reason_en=judged.reason_en,
        requirement_where=at,
        points=points,
        max_points=req.scoring.max_points if req.scoring else None,
        suggestion=judged.suggestion,
        suggestion_en=judged.suggestion_en,
    )


def _missing(req: Requirement, info: PathInfo, uncovered: list[str]) -> _Judged:
    where = f"（{'、'.join(uncovered)}）" if uncovered else ""
    where_en = f" for {', '.join(uncovered)}" if uncovered else ""
    return _Judged(
        Verdict.MISSING,
        None,
        f"未承诺{info.label}{where}",
        f"no {req.commitment} commitment{where_en}",
        f"须承诺{info.label}{wanted_zh(req) if req.value else ''}",
        f"commit to {req.commitment}" + (f" of {describe_en(req.threshold)}" if req.value else ""),
    )


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
    if worst is not None and worst < 0:
        offer = _worst([o for s, o in scored if s < 0], info, rule)
        return _Judged(
            Verdict.NEGATIVE,
            offer,
            f"承诺{offer.zh()}，未达到要求（{wanted_zh(req)}）",
            f"offers {offer.en()}, short of the required {describe_en(wanted)}",
            f"至少承诺{describe(wanted)}方可满足要求" if wanted is not None else None,
            f"offer {describe_en(wanted)} to meet the requirement" if wanted is not None else None,
            compared,
        )
    if blocked:
        offer, message = blocked[0]
        hint = "，须在招标文件中给出工作日折算规则" if "working-day rule" in message else ""
        return _Judged(
            Verdict.NOT_COMPARABLE,
            offer,
            f"承诺{offer.zh()}与要求（{wanted_zh(req)}）无法比较{hint}",
            message,
            compared=compared,
        )
    offer = _worst([o for _, o in scored], info, rule)
    verdict = verdict_of(worst or 0)
    if verdict is Verdict.NONE:
        reason = f"承诺{offer.zh()}，满足要求"
        return _Judged(
            verdict, offer, reason, f"offers {offer.en()}, as required", None, None, compared
        )
    return _Judged(
        verdict,
        offer,
        f"承诺{offer.zh()}，优于要求（{wanted_zh(req)}）",
        f"offers {offer.en()}, better than the required {describe_en(wanted)}",
        compared=compared,
    )


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
    points, zh, en = min(gains, key=lambda g: g[0])
    return points, _Judged(
        judged.verdict,
        judged.offer,
        judged.reason,
        judged.reason_en,
        judged.suggestion or zh,
        judged.suggestion_en or en,
        judged.compared,
    )


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
