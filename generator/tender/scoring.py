"""Scoring (评分): the points an offer earns on a scored requirement, and the smallest change
that would earn more."""

from decimal import ROUND_FLOOR, Decimal

from generator.locale import Message
from generator.profiles.kinds import Better, Quantity
from generator.profiles.paths import PathInfo
from generator.profiles.quantities import WorkingDayRule
from generator.tender.model import Requirement
from generator.tender.offers import Offer
from generator.tender.wording import message, term, value_message

__all__ = ["Gain", "points_for"]

Gain = tuple[Decimal, Message | None]
"""Points earned, and the change that would earn more, if any."""


def points_for(req: Requirement, info: PathInfo, rule: WorkingDayRule | None, offer: Offer) -> Gain:
    """Points for `offer` and the smallest change that would earn more.

    Raises NotComparable when the offer cannot be compared with the scoring values."""
    scoring = req.scoring
    assert scoring is not None

    def goodness(a: Quantity, b: Quantity) -> int:
        return info.kind.goodness(a, b, info.better, rule)

    if scoring.tiers:
        tiers = [(info.parse(t.value), t.points) for t in scoring.tiers]
        points = max((p for v, p in tiers if goodness(offer.value, v) >= 0), default=Decimal(0))
        better = [(v, p) for v, p in tiers if p > points]
        if not better:
            return points, None
        # The least demanding tier that still earns more points is the smallest change.
        target_value, target_points = better[0]
        for v, p in better[1:]:
            if goodness(v, target_value) < 0 or (
                goodness(v, target_value) == 0 and p > target_points
            ):
                target_value, target_points = v, p
        return points, _gain(info, target_value, target_points - points)
    step = info.parse(scoring.step or "")
    start = info.parse(scoring.base or req.value or "")
    top = scoring.max
    per = scoring.points_per_step
    assert top is not None and per is not None
    sign = -1 if info.better is Better.SMALLER else 1
    steps, make = info.kind.steps(offer.value, start, step, sign, rule)
    points = min(top, max(Decimal(0), steps * per))
    if points >= top:
        return points, None
    need = int((points / per).to_integral_value(ROUND_FLOOR)) + 1
    target = make(need)
    if target is None:
        return points, None
    gained = min(top, need * per) - points
    return points, _gain(info, target, gained)


def _gain(info: PathInfo, target: Quantity, gained: Decimal) -> Message:
    way = Message(f"check.way.{info.kind.way or info.better.value}")
    value = value_message(info.kind, target)
    return message(
        "suggestion.gain", term=term(info.path), path=info.path, way=way, value=value, points=gained
    )
