"""What the check finds: one Finding per requirement, one CapacityFinding per guardrail, and
the CheckResult holding both. Data only; reports say it, the CLI maps `passed()` to an exit."""

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from generator.errors import Location, Problem
from generator.locale import Locale, Message, get_locale
from generator.profiles.kinds import Quantity
from generator.profiles.models import (
    Approval,
    BidResponse,
    Capacity,
    Deviation,
    Profile,
    commitment_paths,
)
from generator.tender.model import Requirement, TenderFile, Verdict
from generator.tender.offers import Offer
from generator.tender.wording import message, term, value_message

__all__ = [
    "Answer",
    "CapacityFinding",
    "CapacityStatus",
    "CheckResult",
    "Finding",
    "Gate",
    "required_message",
    "verdict_of",
    "wanted_message",
]


class Gate(StrEnum):
    """Which findings fail the check (and stop `render --tender`). Capacity limits exceeded
    without approval fail under every gate."""

    STARS_ONLY = "stars-only"
    """a substantive item (see the tender's `markers`) 负偏离 or 未响应; nothing else."""
    DEFAULT = "default"
    """any item 负偏离 or 未响应, or a substantive item 不可比."""
    STRICT = "strict"
    """any item 负偏离, 未响应 or 不可比."""

    def fails(self, verdict: Verdict, substantive: bool) -> bool:
        """Whether a finding with this verdict fails the check under this gate."""
        if verdict in (Verdict.NEGATIVE, Verdict.MISSING):
            return substantive or self is not Gate.STARS_ONLY
        if verdict is Verdict.NOT_COMPARABLE:
            return self is Gate.STRICT or (substantive and self is Gate.DEFAULT)
        return False


DECLARED = {
    Deviation.POSITIVE: Verdict.POSITIVE,
    Deviation.NONE: Verdict.NONE,
    Deviation.NEGATIVE: Verdict.NEGATIVE,
}
"""The verdict a bidder's declared deviation stands for."""

_RANK = {
    Verdict.NEGATIVE: 0,
    Verdict.MISSING: 1,
    Verdict.NOT_COMPARABLE: 2,
    Verdict.NONE: 3,
    Verdict.POSITIVE: 4,
}


def worst(verdicts: "list[Verdict] | tuple[Verdict, ...]") -> Verdict:
    """The verdict of a row of several checks: the worst one (负偏离 < 未响应 < 不可比 <
    无偏离 < 正偏离)."""
    return min(verdicts, key=_RANK.__getitem__)


def undecided(verdict: Verdict) -> bool:
    """未响应 or 不可比: only the bidder can answer it."""
    return verdict in (Verdict.MISSING, Verdict.NOT_COMPARABLE)


@dataclass(frozen=True)
class Answer:
    """The bidder's own response to a clause (the project's `responses:`), where written."""

    response: BidResponse
    where: Location | None

    @property
    def verdict(self) -> Verdict:
        return DECLARED[self.response.deviation]


def wanted_message(req: Requirement) -> Message:
    """What a requirement asks, without its term: 不超过24小时, 须提供."""
    info = commitment_paths()[req.path]
    value = None if req.threshold is None else value_message(info.kind, req.threshold)
    comparator = req.comparator.message_key if req.comparator else "check.comparator.required"
    return message(
        "wanted",
        comparator=Message(comparator),
        value=value,
        kind=info.kind.name,
        unlimited=getattr(req.threshold, "is_unlimited", False),
    )


def required_message(req: Requirement) -> Message:
    """The requirement as one phrase, e.g. 到场时间不超过24小时, 须提供免费培训."""
    if req.commitment is None:  # a manual item: its own words
        return message("manual.required", text=req.text)
    info = commitment_paths()[req.commitment]
    value = None if req.threshold is None else value_message(info.kind, req.threshold)
    return message(
        "required",
        term=term(info.path),
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
    """序号 of the requirement (the 偏离表 row), 1-based, in tender order."""
    id: str
    """stable id (the requirement's `id`, else R1, R2 ...; a compound clause's checks R3.1 …)."""
    requirement: Requirement
    """the comparison judged (a compound clause's check, as a requirement of its own)."""
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
    part: int | None = None
    """which check of a compound clause (1-based); None for a clause with one comparison."""
    answer: Answer | None = None
    """the bidder's response to this clause (`responses:`), when the project gives one."""
    computed: Verdict | None = None
    """the verdict the check found when the bidder's answer changed it (未响应 for a manual
    item); None when no answer changed it."""

    def fails(self, gate: "Gate" = Gate.DEFAULT) -> bool:
        """Whether this finding fails the check under `gate`."""
        return gate.fails(self.verdict, self.substantive)

    @property
    def unanswered(self) -> bool:
        """未响应 or 不可比 with no response from the bidder: blocks the 偏离表."""
        return undecided(self.verdict) and self.answer is None

    @property
    def required(self) -> Message:
        """The requirement as one phrase, e.g. 到场时间不超过24小时."""
        return required_message(self.requirement)

    @property
    def response(self) -> Message:
        """投标响应: the bidder's answer if it gave one, else what the profile promises, e.g.
        到场时间：8小时."""
        if self.answer is not None:
            return message("answered", text=self.answer.response.response)
        if self.requirement.commitment is None:
            return message("manual.unanswered")
        info = commitment_paths()[self.requirement.commitment]
        offer = self.offer.message if self.offer else None
        flag = not info.kind.stated  # a yes/no promise is its own name
        return message("response", term=term(info.path), path=info.path, flag=flag, offer=offer)

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

    def fails(self, gate: "Gate" = Gate.DEFAULT) -> bool:
        """A promise beyond the limit without approval fails under every gate."""
        del gate
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

    notices: tuple[Problem, ...] = ()
    """warnings about the input (a response naming no clause of the tender)."""

    def failures(self, gate: Gate = Gate.DEFAULT, locale: Locale | None = None) -> list[str]:
        """Why the check fails under `gate`, one line each in `locale` (default: the project's
        language), empty when it passes."""
        say = locale or get_locale(self.profile.project.language)
        out: list[str] = []
        for f in self.findings:
            if f.fails(gate):
                out.append(f"{f.requirement.clause}: {say.say(f.reason)}")
        out.extend(
            f"capacity {c.capacity.commitment}: {say.say(c.reason)}"
            for c in self.capacity
            if c.fails(gate)
        )
        return out

    def passed(self, gate: Gate = Gate.DEFAULT) -> bool:
        """True unless a finding fails under `gate` (see Gate) or a capacity limit is
        exceeded without approval."""
        return not self.failures(gate)

    def unanswered(self) -> list[Finding]:
        """Findings the 偏离表 cannot state for the bidder: 未响应 or 不可比, not answered."""
        return [f for f in self.findings if f.unanswered]

    @property
    def total_points(self) -> Decimal:
        return sum((f.points for f in self.findings if f.points is not None), Decimal(0))

    @property
    def max_points(self) -> Decimal:
        return sum((f.max_points for f in self.findings if f.max_points is not None), Decimal(0))

    def counts(self) -> dict[Verdict, int]:
        return {v: sum(1 for f in self.findings if f.verdict is v) for v in Verdict}
