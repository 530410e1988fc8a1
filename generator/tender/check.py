"""Check a resolved profile against a tender: deviations, points and capacity guardrails.

The check returns data (findings); reports turn them into text, JSON, JUnit, SARIF, workflow
annotations and the deviation table, and the CLI maps `passed()` to an exit code.
"""

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

from generator.errors import InputError, Location, Problem
from generator.profiles.models import (
    Approval,
    Capacity,
    Profile,
    ResponseTier,
    Severity,
    Site,
    TimeScope,
)
from generator.profiles.quantities import (
    DailyWindow,
    Duration,
    Frequency,
    NotComparable,
    WorkingDayRule,
    format_number,
)
from generator.tender.model import (
    Comparator,
    PathInfo,
    Quantity,
    Requirement,
    Scope,
    TenderFile,
    Verdict,
    parse_quantity,
    path_info,
)

__all__ = [
    "CapacityFinding",
    "CapacityStatus",
    "CheckResult",
    "Finding",
    "Offer",
    "Resolved",
    "check",
    "describe",
    "describe_en",
]


class Resolved(Protocol):
    """What the check needs from a loaded profile (generator.profiles.loading.Resolved fits)."""

    @property
    def profile(self) -> Profile: ...

    @property
    def provenance(self) -> Mapping[str, Location]: ...


@dataclass(frozen=True)
class Offer:
    """One commitment value the profile makes, with where it was written."""

    value: Quantity
    key: str
    """dotted path into the profile, e.g. commitments.response.tiers[1].arrive."""
    where: Location | None
    context: str = ""
    """which tier or component it belongs to, e.g. 其它地区, 一般故障, 电气部分."""

    def zh(self) -> str:
        text = describe(self.value)
        return f"{text}（{self.context}）" if self.context else text

    def en(self) -> str:
        text = describe_en(self.value)
        return f"{text} ({self.context})" if self.context else text


@dataclass(frozen=True)
class Finding:
    """The verdict on one requirement."""

    index: int
    """序号, 1-based, in tender order."""
    id: str
    """stable id (the requirement's `id`, else R1, R2 ...)."""
    requirement: Requirement
    substantive: bool
    verdict: Verdict
    offer: Offer | None
    """the commitment that decided the verdict (the worst one in scope)."""
    reason: str
    """one line in Chinese."""
    reason_en: str
    requirement_where: Location | None
    points: Decimal | None = None
    """points earned (None: not scored, or not comparable)."""
    max_points: Decimal | None = None
    suggestion: str | None = None
    """the smallest change that would meet the minimum or gain points, in Chinese."""
    suggestion_en: str | None = None

    @property
    def fails(self) -> bool:
        """A substantive item with a negative deviation or no response."""
        return self.substantive and self.verdict in (Verdict.NEGATIVE, Verdict.MISSING)

    @property
    def required_zh(self) -> str:
        """The requirement as one phrase, e.g. 到场时间不超过24小时."""
        req = self.requirement
        info = path_info(req.commitment)
        if req.value is None:
            return f"须{info.label}" if info.kind == "flag" else f"须提供{info.label}"
        word = _COMPARATOR_ZH[req.comparator]
        return f"{info.label}{word}{describe(req.threshold)}"

    @property
    def response_zh(self) -> str:
        """投标响应: what the profile promises, e.g. 到场时间：8小时."""
        if self.offer is None:
            return "未承诺"
        info = path_info(self.requirement.commitment)
        if info.kind == "flag":
            return info.label
        return f"{info.label}：{self.offer.zh()}"


class CapacityStatus(StrEnum):
    """How a promise stands against the after-sales department's capacity."""

    WITHIN = "within"
    EXCEEDED = "exceeded"
    APPROVED = "approved"
    NOT_COMPARABLE = "not_comparable"


@dataclass(frozen=True)
class CapacityFinding:
    """One capacity guardrail checked against the most demanding promise it covers."""

    capacity: Capacity
    limit: Quantity
    offer: Offer
    status: CapacityStatus
    approval: Approval | None
    limit_where: Location | None
    reason: str
    reason_en: str

    @property
    def fails(self) -> bool:
        return self.status is CapacityStatus.EXCEEDED


@dataclass(frozen=True)
class CheckResult:
    """Everything the check found; reports and the CLI read it, nothing is printed."""

    tender: TenderFile
    profile: Profile
    findings: tuple[Finding, ...]
    capacity: tuple[CapacityFinding, ...]
    site: str | None
    """the project site the tiers were chosen for, e.g. 宁夏 银川."""

    def failures(self, strict: bool = False) -> list[str]:
        """Why the check fails, one line each (empty when it passes)."""
        out: list[str] = []
        for f in self.findings:
            if f.fails or (strict and _strict_fails(f)):
                out.append(f"{f.requirement.clause}: {f.reason}")
        out.extend(
            f"capacity {c.capacity.commitment}: {c.reason}" for c in self.capacity if c.fails
        )
        return out

    def passed(self, strict: bool = False) -> bool:
        """False when a substantive item is negative or missing, or a cap is exceeded without
        approval; with `strict` also for any negative or missing item and for a substantive
        item that cannot be compared."""
        return not self.failures(strict)

    @property
    def total_points(self) -> Decimal:
        return sum((f.points for f in self.findings if f.points is not None), Decimal(0))

    @property
    def max_points(self) -> Decimal:
        return sum((f.max_points for f in self.findings if f.max_points is not None), Decimal(0))

    def counts(self) -> dict[Verdict, int]:
        return {v: sum(1 for f in self.findings if f.verdict is v) for v in Verdict}


def _strict_fails(f: Finding) -> bool:
    if f.verdict in (Verdict.NEGATIVE, Verdict.MISSING):
        return True
    return f.substantive and f.verdict is Verdict.NOT_COMPARABLE


# ---------------------------------------------------------------- wording

_COMPARATOR_ZH = {
    Comparator.AT_LEAST: "不少于",
    Comparator.AT_MOST: "不超过",
    Comparator.EQUALS: "为",
    Comparator.REQUIRED: "须为",
}


def describe(value: Quantity | None) -> str:
    """A value in Chinese: 8小时, 每半年一次, 8:00至24:00, 95%, 提供."""
    if value is None:
        return "未承诺"
    if isinstance(value, Duration | Frequency | DailyWindow):
        return value.zh()
    if isinstance(value, bool):
        return "提供" if value else "不提供"
    if isinstance(value, StrEnum):
        return enum_zh(value)
    if isinstance(value, Decimal):
        return f"{format_number(value)}%"
    return f"{value}次"


def enum_zh(value: StrEnum) -> str:
    """The Chinese for an enum value, from the clause templates' word maps."""
    from generator.letter.compose import words

    maps = words()
    for name in ("START", "PRICE", "SEVERITY", "TIME", "SERVICE"):
        if value.value in maps.get(name, {}):
            return maps[name][value.value]
    return value.value


def describe_en(value: Quantity | None) -> str:
    """A value in English: 8 hours, twice a year, 95%, yes."""
    if value is None:
        return "nothing"
    if isinstance(value, Duration | Frequency | DailyWindow):
        return value.en()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, Decimal):
        return f"{format_number(value)}%"
    return f"{value} times"


# ---------------------------------------------------------------- comparing


def goodness(offer: Quantity, wanted: Quantity, info: PathInfo, rule: WorkingDayRule | None) -> int:
    """1 if `offer` is better for the customer than `wanted`, 0 if as good, -1 if worse.

    Raises NotComparable when the two cannot be compared (e.g. working days against hours).
    """
    if isinstance(offer, Duration) and isinstance(wanted, Duration):
        c = offer.compare(wanted, rule)
        return -c if info.smaller_is_better else c
    if isinstance(offer, Frequency) and isinstance(wanted, Frequency):
        return offer.compare(wanted, rule)
    if isinstance(offer, DailyWindow) and isinstance(wanted, DailyWindow):
        ahead, behind = offer.covers(wanted), wanted.covers(offer)
        return 0 if ahead and behind else 1 if ahead else -1
    if isinstance(offer, bool) or isinstance(wanted, bool):
        return 0 if offer == wanted else -1
    if isinstance(offer, StrEnum) or isinstance(wanted, StrEnum):
        return 0 if offer == wanted else -1
    if isinstance(offer, Decimal | int) and isinstance(wanted, Decimal | int):
        c = (offer > wanted) - (offer < wanted)
        return -c if info.smaller_is_better else c
    raise NotComparable(f"cannot compare {offer!r} with {wanted!r}")


# ---------------------------------------------------------------- places and tiers

_SUFFIXES = (
    "维吾尔自治区",
    "壮族自治区",
    "回族自治区",
    "特别行政区",
    "自治区",
    "自治州",
    "地区",
    "省",
    "市",
)


def normalise_place(name: str) -> str:
    """宁夏回族自治区 -> 宁夏, 银川市 -> 银川, so tiers and sites match however written."""
    s = unicodedata.normalize("NFKC", name).strip()
    for suffix in _SUFFIXES:
        if s.endswith(suffix) and len(s) > len(suffix) + 1:
            return s[: -len(suffix)]
    return s


@dataclass(frozen=True)
class _Place:
    label: str
    names: frozenset[str]


def _site_place(site: Site | None) -> _Place | None:
    if site is None:
        return None
    names = {normalise_place(site.province)}
    if site.city:
        names.add(normalise_place(site.city))
    label = f"{site.province} {site.city}" if site.city else site.province
    return _Place(label, frozenset(names))


def _places(scope: Scope, site: _Place | None) -> list[_Place]:
    if scope.areas:
        return [_Place(a, frozenset({normalise_place(a)})) for a in scope.areas]
    return [site] if site is not None else []


def _tier_areas(tier: ResponseTier) -> frozenset[str]:
    return frozenset(normalise_place(a) for a in tier.areas)


def _tiers_at(tiers: Sequence[ResponseTier], place: _Place | None) -> list[int]:
    """Indexes of the tiers that apply at `place` (every tier when the place is unknown)."""
    if place is None:
        return list(range(len(tiers)))
    named = any(_tier_areas(t) & place.names for t in tiers)
    out = []
    for i, t in enumerate(tiers):
        # A region label without areas is the catch-all (其它地区): every place no tier names.
        hit = bool(_tier_areas(t) & place.names) if t.areas else t.region is None or not named
        if hit:
            out.append(i)
    return out


def _matches(value: StrEnum | None, wanted: Severity | TimeScope | None) -> bool:
    return wanted is None or value is None or value == wanted


def _tier_context(tier: ResponseTier) -> str:
    parts = [
        tier.region or "",
        enum_zh(tier.severity) if tier.severity else "",
        enum_zh(tier.time) if tier.time else "",
    ]
    return "，".join(p for p in parts if p)


class _Source:
    """Looks up commitment values in a profile with their provenance."""

    def __init__(self, resolved: Resolved, tender: TenderFile) -> None:
        self.profile = resolved.profile
        self.provenance = resolved.provenance
        # The profile's site first (the brief's source of truth), else the tender's 项目地点.
        self.site = resolved.profile.project.site or tender.site
        self.place = _site_place(self.site)

    def where(self, key: str) -> Location | None:
        found = self.provenance.get(key)
        if found is not None:
            return found
        # A value the profile left to its default has no line; point at its nearest parent.
        while "." in key:
            key = key.rsplit(".", 1)[0]
            if key in self.provenance:
                return self.provenance[key]
        return None

    def value(self, path: str) -> Any:
        node: Any = self.profile.commitments
        for part in path.split("."):
            node = getattr(node, part, None)
            if node is None:
                return None
        return node

    def tiers(self) -> Sequence[ResponseTier]:
        response = self.profile.commitments.response
        return response.tiers if response is not None else ()

    def tier_offers(
        self, field: str, places: Sequence[_Place | None], scope: Scope | None
    ) -> tuple[list[Offer], list[str]]:
        """Offers at every place; also the places no tier covers."""
        tiers = self.tiers()
        offers: dict[int, Offer] = {}
        uncovered: list[str] = []
        for place in places:
            hits = [
                i
                for i in _tiers_at(tiers, place)
                if scope is None
                or (
                    _matches(tiers[i].severity, scope.severity)
                    and _matches(tiers[i].time, scope.time)
                )
            ]
            found = False
            for i in hits:
                value = getattr(tiers[i], field)
                if value is None:
                    continue
                found = True
                key = f"commitments.response.tiers[{i}].{field}"
                offers[i] = Offer(value, key, self.where(key), _tier_context(tiers[i]))
            if not found and place is not None:
                uncovered.append(place.label)
        return list(offers.values()), uncovered

    def warranty_offers(self, component: str | None) -> list[Offer]:
        warranty = self.profile.commitments.warranty
        if warranty is None:
            return []
        if component is not None:
            want = component.strip()
            for i, c in enumerate(warranty.components):
                if want in c.name or c.name in want:
                    key = f"commitments.warranty.components[{i}].period"
                    return [Offer(c.period, key, self.where(key), c.name)]
        if warranty.period is None:
            return []
        key = "commitments.warranty.period"
        return [Offer(warranty.period, key, self.where(key))]

    def all_warranty_offers(self) -> list[Offer]:
        out = self.warranty_offers(None)
        warranty = self.profile.commitments.warranty
        for i, c in enumerate(warranty.components if warranty else []):
            key = f"commitments.warranty.components[{i}].period"
            out.append(Offer(c.period, key, self.where(key), c.name))
        return out

    def plain_offer(self, path: str) -> list[Offer]:
        value = self.value(path)
        if value is None or value is False:
            return []
        key = f"commitments.{path}"
        return [Offer(value, key, self.where(key))]


def _is_tier_path(path: str) -> bool:
    return path in ("response.respond", "response.arrive", "response.repair")


# ---------------------------------------------------------------- the check


def check(
    resolved: Resolved, tender: TenderFile, *, tender_where: Mapping[str, Location] | None = None
) -> CheckResult:
    """Compare every requirement of `tender` with the profile, and every promise with the
    company's capacity."""
    where = tender_where or {}
    source = _Source(resolved, tender)
    findings = tuple(
        _finding(i, req, tender, source, _tender_location(where, i))
        for i, req in enumerate(tender.requirements)
    )
    capacity = tuple(_capacity(source))
    site = source.place.label if source.place else None
    return CheckResult(tender, resolved.profile, findings, capacity, site)


def _tender_location(where: Mapping[str, Location], index: int) -> Location | None:
    for key in (f"requirements[{index}].value", f"requirements[{index}].commitment"):
        if key in where:
            return where[key]
    return where.get(f"requirements[{index}]")


def _finding(
    index: int, req: Requirement, tender: TenderFile, source: _Source, at: Location | None
) -> Finding:
    info = path_info(req.commitment)
    rule = tender.rule_for(req)

    def finding(
        verdict: Verdict,
        offer: Offer | None,
        reason: str,
        reason_en: str,
        points: Decimal | None,
        suggestion: str | None,
        suggestion_en: str | None,
    ) -> Finding:
        return Finding(
            index=index + 1,
            id=tender.requirement_id(index),
            requirement=req,
            substantive=tender.is_substantive(req),
            verdict=verdict,
            offer=offer,
            reason=reason,
            reason_en=reason_en,
            requirement_where=at,
            points=points,
            max_points=req.scoring.max_points if req.scoring else None,
            suggestion=suggestion,
            suggestion_en=suggestion_en,
        )

    uncovered: list[str] = []
    if _is_tier_path(req.commitment):
        places: list[_Place | None] = list(_places(req.scope, source.place)) or [None]
        offers, uncovered = source.tier_offers(req.commitment.split(".")[1], places, req.scope)
    elif req.commitment == "warranty.period":
        offers = source.warranty_offers(req.scope.component)
    else:
        offers = source.plain_offer(req.commitment)

    if not offers or uncovered:
        where = f"（{'、'.join(uncovered)}）" if uncovered else ""
        where_en = f" for {', '.join(uncovered)}" if uncovered else ""
        return finding(
            Verdict.MISSING,
            None,
            f"未承诺{info.label}{where}",
            f"no {req.commitment} commitment{where_en}",
            Decimal(0) if req.scoring else None,
            f"须承诺{info.label}{_wanted_zh(req) if req.value else ''}",
            f"commit to {req.commitment}"
            + (f" of {describe_en(req.threshold)}" if req.value else ""),
        )

    wanted = req.threshold
    judged: list[tuple[int, Offer]] = []
    blocked: list[tuple[Offer, str]] = []
    for offer in offers:
        if wanted is None:
            judged.append((0, offer))
            continue
        try:
            judged.append((goodness(offer.value, wanted, info, rule), offer))
        except NotComparable as error:
            blocked.append((offer, str(error)))

    worst_score = min((score for score, _ in judged), default=None)
    if worst_score is not None and worst_score < 0:
        offer = _worst([o for s, o in judged if s < 0], info, rule)
        verdict = Verdict.NEGATIVE
        reason = f"承诺{offer.zh()}，未达到要求（{_wanted_zh(req)}）"
        reason_en = f"offers {offer.en()}, short of the required {describe_en(wanted)}"
    elif blocked:
        offer, message = blocked[0]
        verdict = Verdict.NOT_COMPARABLE
        hint = "，须在招标文件中给出工作日折算规则" if "working-day rule" in message else ""
        reason = f"承诺{offer.zh()}与要求（{_wanted_zh(req)}）无法比较{hint}"
        reason_en = message
    else:
        offer = _worst([o for _, o in judged], info, rule)
        if worst_score == 0:
            verdict = Verdict.NONE
            reason = f"承诺{offer.zh()}，满足要求"
            reason_en = f"offers {offer.en()}, as required"
        else:
            verdict = Verdict.POSITIVE
            reason = f"承诺{offer.zh()}，优于要求（{_wanted_zh(req)}）"
            reason_en = f"offers {offer.en()}, better than the required {describe_en(wanted)}"

    points: Decimal | None = None
    suggestion = suggestion_en = None
    if verdict is Verdict.NEGATIVE and wanted is not None:
        suggestion = f"至少承诺{describe(wanted)}方可满足要求"
        suggestion_en = f"offer {describe_en(wanted)} to meet the requirement"
    if req.scoring is not None and verdict is not Verdict.NOT_COMPARABLE:
        try:
            scored = [_score(req, info, rule, o) for _, o in judged]
        except NotComparable:
            scored = []
        if scored:
            points, gain_zh, gain_en = min(scored, key=lambda s: s[0])
            suggestion = suggestion or gain_zh
            suggestion_en = suggestion_en or gain_en
    return finding(verdict, offer, reason, reason_en, points, suggestion, suggestion_en)


def _wanted_zh(req: Requirement) -> str:
    if req.value is None:
        return "须提供"
    return f"{_COMPARATOR_ZH[req.comparator]}{describe(req.threshold)}"


def _worst(offers: list[Offer], info: PathInfo, rule: WorkingDayRule | None) -> Offer:
    worst = offers[0]
    for offer in offers[1:]:
        try:
            if goodness(offer.value, worst.value, info, rule) < 0:
                worst = offer
        except NotComparable:
            continue
    return worst


def _score(
    req: Requirement, info: PathInfo, rule: WorkingDayRule | None, offer: Offer
) -> tuple[Decimal, str | None, str | None]:
    """Points for `offer` and the smallest change that would earn more (zh, en)."""
    scoring = req.scoring
    assert scoring is not None
    if scoring.tiers:
        tiers = [(parse_quantity(info, t.value), t.points) for t in scoring.tiers]
        points = max(
            (p for v, p in tiers if goodness(offer.value, v, info, rule) >= 0), default=Decimal(0)
        )
        better = [(v, p) for v, p in tiers if p > points]
        if not better:
            return points, None, None
        # The least demanding tier that still earns more points is the smallest change.
        target_value, target_points = better[0]
        for v, p in better[1:]:
            if goodness(v, target_value, info, rule) < 0 or (
                goodness(v, target_value, info, rule) == 0 and p > target_points
            ):
                target_value, target_points = v, p
        return points, *_gain(info, target_value, target_points - points)
    step = parse_quantity(info, scoring.step or "")
    start = parse_quantity(info, scoring.base or req.value or "")
    top = scoring.max
    per = scoring.points_per_step
    assert top is not None and per is not None
    steps, make = _steps(offer.value, start, step, info, rule)
    points = min(top, max(Decimal(0), steps * per))
    if points >= top:
        return points, None, None
    need = int((points / per).to_integral_value(ROUND_FLOOR)) + 1
    target = make(need)
    if target is None:
        return points, None, None
    gained = min(top, need * per) - points
    return points, *_gain(info, target, gained)


def _steps(
    offer: Quantity, start: Quantity, step: Quantity, info: PathInfo, rule: WorkingDayRule | None
) -> tuple[int, Any]:
    """Whole steps `offer` is better than `start`, and a maker for the value k steps better."""
    sign = -1 if info.smaller_is_better else 1
    if isinstance(step, Duration) and isinstance(offer, Duration) and isinstance(start, Duration):
        unit = step.unit
        gap = (offer.to(unit, rule) - start.to(unit, rule)) * sign
        origin = start.to(unit, rule)

        def make_duration(k: int) -> Duration | None:
            value = origin + sign * k * step.value
            return Duration(value, unit) if value >= 0 else None

        return int((gap / step.value).to_integral_value(ROUND_FLOOR)), make_duration
    if isinstance(step, Decimal | int) and isinstance(offer, Decimal | int):
        assert isinstance(start, Decimal | int)
        gap_n = (Decimal(offer) - Decimal(start)) * sign

        def make_number(k: int) -> Quantity | None:
            value = Decimal(start) + sign * k * Decimal(step)
            if value < 0 or (info.kind == "percent" and value > 100):
                return None
            return int(value) if info.kind == "count" else value

        return int((gap_n / Decimal(step)).to_integral_value(ROUND_FLOOR)), make_number
    raise NotComparable(f"cannot count steps of {step!r} between {start!r} and {offer!r}")


def _gain(info: PathInfo, target: Quantity, gained: Decimal) -> tuple[str, str]:
    word = "不超过" if info.smaller_is_better else "不少于"
    word_en = "at most" if info.smaller_is_better else "at least"
    if info.kind == "window":
        word, word_en = "覆盖", "covering"
    return (
        f"{info.label}承诺{word}{describe(target)}可再得{format_number(gained)}分",
        f"offer {word_en} {describe_en(target)} for {format_number(gained)} more points",
    )


# ---------------------------------------------------------------- capacity


def _capacity(source: _Source) -> Iterable[CapacityFinding]:
    profile = source.profile
    caps = profile.company.capacity
    # The model has checked each entry's path and limit, so both read without error here.
    parsed = [
        (i, cap, info, parse_quantity(info, cap.limit))
        for i, cap in enumerate(caps)
        for info in [path_info(cap.commitment)]
    ]
    site = source.site
    centre_cities = {normalise_place(c.city) for c in profile.company.service_network}
    in_centre_city = bool(site and site.city and normalise_place(site.city) in centre_cities)
    place = source.place
    for i, cap, info, limit in parsed:
        if cap.where == "service_centre_cities" and not in_centre_city:
            continue
        if cap.where == "elsewhere" and in_centre_city:
            continue
        if _is_tier_path(cap.commitment):
            offers, _ = source.tier_offers(cap.commitment.split(".")[1], [place], None)
        elif cap.commitment == "warranty.period":
            offers = source.all_warranty_offers()
        else:
            offers = source.plain_offer(cap.commitment)
        if not offers:
            continue
        yield _capacity_finding(source, i, cap, info, limit, offers)


def _capacity_finding(
    source: _Source, index: int, cap: Capacity, info: PathInfo, limit: Quantity, offers: list[Offer]
) -> CapacityFinding:
    key = f"company.capacity[{index}]"
    limit_where = source.where(f"{key}.limit") or source.where(key)
    best: Offer | None = None
    blocked: Offer | None = None
    for offer in offers:
        try:
            if goodness(offer.value, limit, info, None) > 0 and (
                best is None or goodness(offer.value, best.value, info, None) > 0
            ):
                best = offer
        except NotComparable:
            blocked = blocked or offer
    scope = {
        "service_centre_cities": "（设服务网点的城市）",
        "elsewhere": "（无服务网点的地区）",
    }.get(cap.where or "", "")
    approval = _approval(source.profile, cap.commitment)
    if best is not None:
        if approval is not None:
            return CapacityFinding(
                cap,
                limit,
                best,
                CapacityStatus.APPROVED,
                approval,
                limit_where,
                f"承诺{best.zh()}超出能力上限{describe(limit)}{scope}，已经{approval.approved_by}"
                f"于{approval.date.isoformat()}审批（{approval.reference}）",
                f"promises {best.en()} beyond the capacity of {describe_en(limit)}, approved by "
                f"{approval.approved_by} on {approval.date.isoformat()} ({approval.reference})",
            )
        return CapacityFinding(
            cap,
            limit,
            best,
            CapacityStatus.EXCEEDED,
            None,
            limit_where,
            f"承诺{best.zh()}超出能力上限{describe(limit)}{scope}，且无审批记录",
            f"promises {best.en()} beyond the capacity of {describe_en(limit)} without approval",
        )
    if blocked is not None:
        return CapacityFinding(
            cap,
            limit,
            blocked,
            CapacityStatus.NOT_COMPARABLE,
            approval,
            limit_where,
            f"承诺{blocked.zh()}与能力上限{describe(limit)}无法比较",
            f"cannot compare {blocked.en()} with the capacity of {describe_en(limit)}",
        )
    strongest = offers[0]
    for offer in offers[1:]:
        try:
            if goodness(offer.value, strongest.value, info, None) > 0:
                strongest = offer
        except NotComparable:
            continue
    return CapacityFinding(
        cap,
        limit,
        strongest,
        CapacityStatus.WITHIN,
        approval,
        limit_where,
        f"承诺{strongest.zh()}在能力上限{describe(limit)}{scope}以内",
        f"promises {strongest.en()}, within the capacity of {describe_en(limit)}",
    )


def _approval(profile: Profile, path: str) -> Approval | None:
    found = [a for a in profile.project.approvals if a.commitment == path]
    return max(found, key=lambda a: a.date) if found else None


def check_files(
    project: Path, tender: Path, overlays: Sequence[Path] = (), sets: Sequence[str] = ()
) -> CheckResult:
    """Load a project (with overlays and `--set` values) and a tender, reporting the problems
    of both at once, then check one against the other."""
    from generator.profiles.loading import load_profile, load_tender

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
