"""Capacity guardrails (能力上限): each promise against the best the after-sales department
can keep, and the approval that allows going beyond it.

One function decides for every command: `check` calls `capacity_findings` with the tender's
offers; `validate`, `explain` and `render` call `capacity_review` (the profile's own site) and
refuse with `capacity_problems`. An approval covers promises up to the value it approves,
not beyond; a limit may be scoped to cities, to service-centre cities or to one component.
"""

import re
from collections.abc import Iterable, Sequence
from typing import Any

from generator.errors import Location, Problem
from generator.locale import Locale, Message, get_locale
from generator.profiles.kinds import Quantity
from generator.profiles.models import Approval, Capacity, Profile, Site, commitment_paths
from generator.profiles.paths import PathInfo
from generator.profiles.quantities import NotComparable
from generator.tender.findings import CapacityFinding, CapacityStatus
from generator.tender.offers import Offer, Offers, ResolvedProfile
from generator.tender.places import normalise_place
from generator.tender.wording import message, value_message

__all__ = ["capacity_findings", "capacity_problems", "capacity_review"]


def capacity_review(resolved: ResolvedProfile) -> tuple[CapacityFinding, ...]:
    """The capacity findings of a profile on its own (no tender): its site picks the limits."""
    return tuple(capacity_findings(Offers(resolved)))


def capacity_problems(
    findings: Iterable[CapacityFinding], locale: Locale | str = "zh-Hans"
) -> list[Problem]:
    """A located problem for every promise beyond a limit that no approval covers: the
    promise, the limit and who must approve, at the line of the promise."""
    say = get_locale(locale) if isinstance(locale, str) else locale
    return [
        Problem(c.offer.where or c.limit_where or Location("?"), c.offer.key, say.say(c.reason))
        for c in findings
        if c.fails()
    ]


def capacity_findings(offers: Offers) -> Iterable[CapacityFinding]:
    """One finding per capacity entry that applies at the site and has a promise to check."""
    profile = offers.profile
    caps = profile.company.capacity
    for i, cap in enumerate(caps):
        if not _applies(cap, offers.site, profile):
            continue
        # The model has checked each entry's path and limit, so both read without error here.
        info = commitment_paths()[cap.commitment]
        found = [
            o
            for o in offers.for_capacity(info)
            if _limits(cap, _component(profile, o.key), caps, offers.site, profile)
        ]
        if found:
            yield _capacity_finding(offers, i, cap, info, info.parse(cap.limit), found)


def _applies(cap: Capacity, site: Site | None, profile: Profile) -> bool:
    """Whether the limit holds at the site. Without a site a promise holds everywhere, so a
    limit scoped to cities applies; `where` keeps its reading (no site: not a centre city)."""
    centre_cities = {normalise_place(c.city) for c in profile.company.service_network}
    in_centre_city = bool(site and site.city and normalise_place(site.city) in centre_cities)
    if cap.where == "service_centre_cities" and not in_centre_city:
        return False
    if cap.where == "elsewhere" and in_centre_city:
        return False
    if cap.where in ("within_reach", "beyond_reach"):
        within = in_centre_city or _within_reach(site, profile)
        return within == (cap.where == "within_reach")
    if cap.cities and site is not None:
        wanted = {normalise_place(c) for c in cap.cities}
        here = {normalise_place(p) for p in (site.city, site.province) if p}
        return bool(wanted & here)
    return True


def _within_reach(site: Site | None, profile: Profile) -> bool:
    """A site whose travel time from the nearest centre is within some centre's reach."""
    if site is None or site.travel is None:
        return False  # unknown: the limits for sites beyond reach hold
    for centre in profile.company.service_network:
        try:
            if centre.reach is not None and site.travel.compare(centre.reach) <= 0:
                return True
        except NotComparable:
            continue
    return False


_ITEM = re.compile(r"^commitments\.(?P<list>[a-z_.]+)\[(?P<n>\d+)\]\.")


def _component(profile: Profile, key: str) -> str | None:
    """The name of the component an offer belongs to (warranty.components[1] → 曳引机)."""
    match = _ITEM.match(key)
    if match is None or not match["list"].endswith("components"):
        return None
    node: Any = profile.commitments
    for part in match["list"].split("."):
        node = getattr(node, part, None)
    items: Sequence[Any] = node or ()
    n = int(match["n"])
    return str(items[n].name) if n < len(items) else None


def _limits(
    cap: Capacity, component: str | None, caps: Sequence[Capacity], site: Site | None, p: Profile
) -> bool:
    """Whether `cap` limits the offer of `component` (None: the whole unit). A limit for a
    named component holds for that component only; one without a component holds for the
    whole unit and for every component that has no applicable limit of its own."""
    if cap.component is not None:
        return component is not None and _same(cap.component, component)
    if component is None:
        return True
    return not any(
        other.commitment == cap.commitment
        and other.component is not None
        and _same(other.component, component)
        and _applies(other, site, p)
        for other in caps
    )


def _same(a: str, b: str) -> bool:
    return a.strip() == b.strip()


def _better(info: PathInfo, a: Quantity, b: Quantity) -> bool:
    return info.kind.goodness(a, b, info.better, None) > 0


def _covering(info: PathInfo, offer: Offer, approvals: list[Approval]) -> Approval | None:
    """The approval whose value reaches the offer (the offer is not better than it)."""
    for a in approvals:
        try:
            if not _better(info, offer.value, info.parse(a.value)):
                return a
        except NotComparable:
            continue
    return None


def _capacity_finding(
    offers: Offers, index: int, cap: Capacity, info: PathInfo, limit: Quantity, found: list[Offer]
) -> CapacityFinding:
    key = f"company.capacity[{index}]"
    limit_where = offers.where(f"{key}.limit") or offers.where(key)
    approvals = [a for a in offers.profile.project.approvals if a.commitment == cap.commitment]
    beyond: list[Offer] = []
    blocked: Offer | None = None
    for offer in found:
        try:
            if _better(info, offer.value, limit):
                beyond.append(offer)
        except NotComparable:
            blocked = blocked or offer
    scope = Message(
        "check.capacity.scope",
        {
            "where": Message(f"check.capacity.where.{cap.where}") if cap.where else "",
            "component": cap.component or "",
            "cities": list(cap.cities),
        },
    )
    said_limit = value_message(info.kind, limit)

    def finding(offer: Offer, status: CapacityStatus, approval: Approval | None) -> CapacityFinding:
        a = approval
        reason = message(
            f"capacity.{status.value}",
            offer=offer.message,
            limit=said_limit,
            where=scope,
            approver=cap.approver or "",
            approved=value_message(info.kind, info.parse(a.value)) if a else "",
            by=(a.approved_by or "") if a else "",
            date=a.date.isoformat() if a and a.date else "",
            reference=(a.reference or "") if a else "",
        )
        return CapacityFinding(cap, limit, offer, status, approval, limit_where, reason)

    uncovered = [o for o in beyond if _covering(info, o, approvals) is None]
    if uncovered:
        worst = _strongest(info, uncovered)
        # Name the approval that falls short, if any: "approved up to 4 h, not 2 h".
        return finding(worst, CapacityStatus.EXCEEDED, approvals[-1] if approvals else None)
    if beyond:
        best = _strongest(info, beyond)
        return finding(best, CapacityStatus.APPROVED, _covering(info, best, approvals))
    if blocked is not None:
        return finding(blocked, CapacityStatus.NOT_COMPARABLE, None)
    return finding(_strongest(info, found), CapacityStatus.WITHIN, None)


def _strongest(info: PathInfo, found: list[Offer]) -> Offer:
    strongest = found[0]
    for offer in found[1:]:
        try:
            if _better(info, offer.value, strongest.value):
                strongest = offer
        except NotComparable:
            continue
    return strongest
