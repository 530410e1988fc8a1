"""Capacity guardrails (能力上限): each promise against the best the after-sales department
can keep, and the approval that allows going beyond it."""

from collections.abc import Iterable
from typing import Any

from generator.locale import Message
from generator.profiles.kinds import Quantity
from generator.profiles.models import Approval, Capacity, Profile, commitment_paths
from generator.profiles.paths import PathInfo
from generator.profiles.quantities import NotComparable
from generator.tender.findings import CapacityFinding, CapacityStatus
from generator.tender.offers import Offer, Offers
from generator.tender.places import normalise_place
from generator.tender.wording import message, value_message

__all__ = ["capacity_findings"]


def capacity_findings(offers: Offers) -> Iterable[CapacityFinding]:
    """One finding per capacity entry that applies at the site and has a promise to check."""
    profile = offers.profile
    site = offers.site
    centre_cities = {normalise_place(c.city) for c in profile.company.service_network}
    in_centre_city = bool(site and site.city and normalise_place(site.city) in centre_cities)
    for i, cap in enumerate(profile.company.capacity):
        if cap.where == "service_centre_cities" and not in_centre_city:
            continue
        if cap.where == "elsewhere" and in_centre_city:
            continue
        # The model has checked each entry's path and limit, so both read without error here.
        info = commitment_paths()[cap.commitment]
        found = offers.for_capacity(info)
        if found:
            yield _capacity_finding(offers, i, cap, info, info.parse(cap.limit), found)


def _better(info: PathInfo, a: Quantity, b: Quantity) -> bool:
    return info.kind.goodness(a, b, info.better, None) > 0


def _capacity_finding(
    offers: Offers, index: int, cap: Capacity, info: PathInfo, limit: Quantity, found: list[Offer]
) -> CapacityFinding:
    key = f"company.capacity[{index}]"
    limit_where = offers.where(f"{key}.limit") or offers.where(key)
    best: Offer | None = None
    blocked: Offer | None = None
    for offer in found:
        try:
            if _better(info, offer.value, limit) and (
                best is None or _better(info, offer.value, best.value)
            ):
                best = offer
        except NotComparable:
            blocked = blocked or offer
    where = Message(f"check.capacity.where.{cap.where}") if cap.where else ""
    approval = _approval(offers.profile, cap.commitment)
    said_limit = value_message(info.kind, limit)

    def finding(
        offer: Offer, status: CapacityStatus, approval: Approval | None, **args: Any
    ) -> CapacityFinding:
        reason = message(
            f"capacity.{status.value}", offer=offer.message, limit=said_limit, where=where, **args
        )
        return CapacityFinding(cap, limit, offer, status, approval, limit_where, reason)

    if best is not None and approval is not None:
        return finding(
            best,
            CapacityStatus.APPROVED,
            approval,
            by=approval.approved_by,
            date=approval.date.isoformat(),
            reference=approval.reference,
        )
    if best is not None:
        return finding(best, CapacityStatus.EXCEEDED, None)
    if blocked is not None:
        return finding(blocked, CapacityStatus.NOT_COMPARABLE, approval)
    strongest = found[0]
    for offer in found[1:]:
        try:
            if _better(info, offer.value, strongest.value):
                strongest = offer
        except NotComparable:
            continue
    return finding(strongest, CapacityStatus.WITHIN, approval)


def _approval(profile: Profile, path: str) -> Approval | None:
    found = [a for a in profile.project.approvals if a.commitment == path]
    return max(found, key=lambda a: a.date) if found else None
