"""What the check finds: one Finding per requirement, one CapacityFinding per guardrail, and
the CheckResult holding both. Data only; reports say it, the CLI maps `passed()` to an exit."""

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from generator.errors import Location
from generator.locale import Locale, Message, get_locale
from generator.profiles.kinds import Quantity
from generator.profiles.models import Approval, Capacity, Profile, commitment_paths
from generator.tender.model import Requirement, TenderFile, Verdict
from generator.tender.offers import Offer
from generator.tender.wording import message, value_message

__all__ = [
    "CapacityFinding",
    "CapacityStatus",
    "CheckResult",
    "Finding",
    "required_message",
    "verdict_of",
    "wanted_message",
]


def wanted_message(req: Requirement) -> Message:
    """What a requirement asks, without its term: 不超过24小时, 须提供."""
    info = commitment_paths()[req.commitment]
    value = None if req.threshold is None else value_message(info.kind, req.threshold)
    return message(
        "wanted",
        comparator=Message(req.comparator.message_key),
        value=value,
        kind=info.kind.name,
        unlimited=getattr(req.threshold, "is_unlimited", False),
    )


def required_message(req: Requirement) -> Message:
    """The requirement as one phrase, e.g. 到场时间不超过24小时, 须提供免费培训."""
    info = commitment_paths()[req.commitment]
    value = None if req.threshold is None else value_message(info.kind, req.threshold)
    return message(
        "required",
        term=info.label,
        path=info.path,
        flag=not info.kind.stated,
        value=value,
        wanted=wanted_message(req),
    )


def verdict_of(score: int) -> Verdict:
    """The deviation a comparator's score means: better, as required, or worse."""
    return Verdict.POSITIVE if score > 0 else Verdict.NONE if score == 0 else Verdict.NEGATIVE


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
    reason: Message
    """why this verdict (check.reason.*), said by a report through its locale."""
    requirement_where: Location | None
    points: Decimal | None = None
    """points earned (None: not scored, or not comparable)."""
    max_points: Decimal | None = None
    suggestion: Message | None = None
    """the smallest change that would meet the minimum or gain points (check.suggestion.*)."""

    @property
    def fails(self) -> bool:
        """A substantive item with a negative deviation or no response."""
        return self.substantive and self.verdict in (Verdict.NEGATIVE, Verdict.MISSING)

    @property
    def required(self) -> Message:
        """The requirement as one phrase, e.g. 到场时间不超过24小时."""
        return required_message(self.requirement)

    @property
    def response(self) -> Message:
        """投标响应: what the profile promises, e.g. 到场时间：8小时."""
        info = commitment_paths()[self.requirement.commitment]
        offer = self.offer.message if self.offer else None
        flag = not info.kind.stated  # a yes/no promise is its own name
        return message("response", term=info.label, path=info.path, flag=flag, offer=offer)

    @property
    def reason_en(self) -> str:
        """The reason in English, the stable text machine formats carry beside the locale's."""
        return get_locale("en").say(self.reason)

    @property
    def suggestion_en(self) -> str | None:
        return None if self.suggestion is None else get_locale("en").say(self.suggestion)


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
    reason: Message
    """how the promise stands against the limit (check.capacity.*)."""

    @property
    def fails(self) -> bool:
        return self.status is CapacityStatus.EXCEEDED

    @property
    def reason_en(self) -> str:
        """The reason in English (see Finding.reason_en)."""
        return get_locale("en").say(self.reason)


@dataclass(frozen=True)
class CheckResult:
    """Everything the check found; reports and the CLI read it, nothing is printed."""

    tender: TenderFile
    profile: Profile
    findings: tuple[Finding, ...]
    capacity: tuple[CapacityFinding, ...]
    site: str | None
    """the project site the tiers were chosen for, e.g. 宁夏 银川."""

    def failures(self, strict: bool = False, locale: Locale | None = None) -> list[str]:
        """Why the check fails, one line each in `locale` (default: the project's language),
        empty when it passes."""
        say = locale or get_locale(self.profile.project.language)
        out: list[str] = []
        for f in self.findings:
            if f.fails or (strict and _strict_fails(f)):
                out.append(f"{f.requirement.clause}: {say.say(f.reason)}")
        out.extend(
            f"capacity {c.capacity.commitment}: {say.say(c.reason)}"
            for c in self.capacity
            if c.fails
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
