"""Check a resolved profile against a tender: deviations, points and capacity guardrails.

The check returns data (`generator.tender.findings`); reports turn it into text, JSON, JUnit,
SARIF, workflow annotations and the deviation table, and the CLI maps `passed()` to an exit
code. The parts: `offers` finds what the profile promises for a path, the requirement's
`comparator` judges each offer, `scoring` counts points, `capacity` checks the guardrails.
"""

import re
import unicodedata
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
from generator.tender.comparators import Comparator
from generator.tender.findings import (
    Answer,
    CapacityFinding,
    CapacityStatus,
    CheckResult,
    Finding,
    Gate,
    undecided,
    verdict_of,
    wanted_message,
    worst,
)
from generator.tender.loading import load_tender
from generator.tender.model import Requirement, TenderFile, Verdict
from generator.tender.offers import Offer, Offers, ResolvedProfile
from generator.tender.ruleids import rule_ids
from generator.tender.scoring import points_for
from generator.tender.wording import message, term, value_message

__all__ = [
    "CapacityFinding",
    "CapacityStatus",
    "CheckResult",
    "Finding",
    "Gate",
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
    company's capacity. The project's `responses:` answer clauses by clause number: a manual
    item, or the 未响应 / 不可比 checks of a clause; a response that declares a clause better
    than the check found it is an input error."""
    where = tender_where or {}
    offers = Offers(resolved, tender)
    answers, notices = _answers(resolved, tender)
    findings: list[Finding] = []
    problems: list[Problem] = []
    ids = rule_ids(tender.requirements)
    for i, req in enumerate(tender.requirements):
        row = [replace(f, id=ids[i] + f.id) for f in _row(i, req, tender, offers, where)]
        answer = answers.get(clause_key(req.clause))
        if answer is not None:
            row, problem = _answered(row, answer)
            problems.extend(problem)
        findings.extend(row)
    if problems:
        raise InputError(problems)
    capacity = tuple(capacity_findings(offers))
    site = offers.place.label if offers.place else None
    return CheckResult(tender, resolved.profile, tuple(findings), capacity, site, notices)


def clause_key(clause: str) -> str:
    """A clause number as compared: full-width forms folded (NFKC), blanks removed, so
    "第五章 6.5" answers "第五章6.5" and "第五章　６.５"."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", clause))


def _answers(
    resolved: ResolvedProfile, tender: TenderFile
) -> tuple[dict[str, Answer], tuple[Problem, ...]]:
    """The project's responses by clause, and a warning for each naming no clause here."""
    clauses = {clause_key(r.clause) for r in tender.requirements}
    found: dict[str, Answer] = {}
    notices: list[Problem] = []
    for n, response in enumerate(resolved.profile.project.responses):
        at = f"responses[{n}]"
        where = (
            resolved.provenance.get(f"{at}.deviation")
            or resolved.provenance.get(f"{at}.clause")
            or resolved.provenance.get(at)
        )
        key = clause_key(response.clause)
        if key in clauses:
            found[key] = Answer(response, where)
        else:
            message_ = f'the tender "{tender.name}" has no clause "{response.clause}"'
            notices.append(Problem(where or Location("responses"), f"{at}.clause", message_))
    return found, tuple(notices)


def _row(
    i: int, req: Requirement, tender: TenderFile, offers: Offers, where: Mapping[str, Location]
) -> list[Finding]:
    """The findings of one clause: one per comparison (a compound clause has several), or
    one 未响应 finding for a manual item until the bidder answers it."""
    at = _tender_location(where, i)
    if req.manual:
        return [
            Finding(
                index=i + 1,
                id="",
                requirement=req,
                substantive=tender.is_substantive(req),
                verdict=Verdict.MISSING,
                offer=None,
                reason=message("manual_reason"),
                requirement_where=at,
                max_points=req.scoring.max_points if req.scoring else None,
                suggestion=message("answer_hint", clause=req.clause),
            )
        ]
    parts = req.parts()
    out = []
    for j, part in enumerate(parts):
        part_at = at
        if req.checks:
            part_at = _tender_location(where, i, f".checks[{j}]") or at
        finding = _finding(i, part, tender, offers, part_at)
        if req.checks:
            finding = replace(finding, part=j + 1, id=f".{j + 1}")
        out.append(finding)
    return out


def _answered(row: list[Finding], answer: Answer) -> tuple[list[Finding], list[Problem]]:
    """The bidder's answer sets the verdict of its clause (a manual item, the 未响应 / 不可比
    checks, the wording of any row); it may not declare the clause better than a check the
    tool decided, which is an input error at the response."""
    declared = answer.verdict
    decided = [f.verdict for f in row if not undecided(f.verdict) and not f.requirement.manual]
    if decided and _better(declared, worst(decided)):
        clause = row[0].requirement.clause
        text = (
            f"{clause}: the check finds {worst(decided).value} (from the commitments); "
            f"a response cannot declare it {declared.value}"
        )
        path = f"responses[clause={answer.response.clause}].deviation"
        return row, [Problem(answer.where or Location("responses"), path, text)]
    out = []
    for f in row:
        if f.verdict is not declared:
            reason = message("answered_reason", deviation=Message(f"verdict.{declared.value}"))
            suggestion = None if undecided(f.verdict) else f.suggestion
            f = replace(
                f, verdict=declared, reason=reason, suggestion=suggestion, computed=f.verdict
            )
        out.append(replace(f, answer=answer))
    return out, []


def _better(a: Verdict, b: Verdict) -> bool:
    return worst([a, b]) is b and a is not b


def _tender_location(where: Mapping[str, Location], index: int, part: str = "") -> Location | None:
    at = f"requirements[{index}]{part}"
    for key in (f"{at}.value", f"{at}.commitment", f"{at}.clause"):
        if key in where:
            return where[key]
    return where.get(at)


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
    info = commitment_paths()[req.path]
    rule = tender.rule_for(req)
    found, uncovered = offers.for_requirement(info, req.scope)
    judged = _missing(req, info, uncovered) if not found or uncovered else None
    points: Decimal | None = Decimal(0) if judged and req.scoring else None
    if judged is None:
        judged = _judge(req, info, rule, found)
        points, judged = _scored(req, info, rule, judged)
    return Finding(
        index=index + 1,
        id="",  # the rule id, given by `check` (a compound clause's parts add .1, .2 ...)
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
        message("reason.missing", term=term(info.path), path=info.path, places=uncovered),
        message(
            "suggestion.commit",
            term=term(info.path),
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
            scored.append((_comparator(req).score(offer.value, wanted, info, rule), offer))
        except NotComparable as error:
            blocked.append((offer, str(error)))
    compared = tuple(o for _, o in scored)
    worst = min((score for score, _ in scored), default=None)
    asked = {"wanted": wanted_message(req), "value": _asked_value(req, info)}
    # The promised field (respond, arrive, repair ...): a reason says 立即响应, not 承诺立即.
    field = info.path.rsplit(".", 1)[-1]
    if worst is not None and worst < 0:
        offer = _worst([o for s, o in scored if s < 0], info, rule)
        meet = None
        if wanted is not None:
            meet = message("suggestion.meet", term=term(info.path), path=info.path, **asked)
        # A list names what it lacks (缺少接口数据), not just that it falls short.
        lacks = None if wanted is None else info.kind.shortfall(offer.value, wanted)
        if lacks is not None:
            missing = value_message(info.kind, lacks)
            reason = message("reason.lacks", offer=offer.message, missing=missing, **asked)
            meet = message("suggestion.add", term=term(info.path), path=info.path, missing=missing)
        else:
            reason = message("reason.negative", offer=offer.message, field=field, **asked)
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
                "suggestion.restate", term=term(info.path), path=info.path, value=asked["value"]
            )
        return _Judged(Verdict.NOT_COMPARABLE, offer, reason, restate, compared)
    offer = _worst([o for _, o in scored], info, rule)
    verdict = verdict_of(worst or 0)
    reason = message(f"reason.{verdict.value}", offer=offer.message, field=field, **asked)
    return _Judged(verdict, offer, reason, compared=compared)


def _comparator(req: Requirement) -> Comparator:
    if req.comparator is None:  # parts() gives only comparisons
        raise ValueError(f"requirement {req.clause} has no comparator")
    return req.comparator


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
