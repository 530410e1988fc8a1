"""Offers: the commitment values a profile makes for a path, with where each was written.

How a path's offers are found is its `Lookup` (declared on the fields, see
`generator.profiles.paths`): the one value, one per response tier at the place, severity
and time asked about, or the named component's value (else the whole unit's).
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from generator.errors import Location
from generator.locale import Message
from generator.profiles.kinds import Quantity, ValueKind
from generator.profiles.models import Profile, ResponseTier, Severity, TimeScope
from generator.profiles.paths import Lookup, PathInfo
from generator.tender.model import Scope, TenderFile
from generator.tender.places import Place, requirement_places, site_place, tiers_at
from generator.tender.wording import message, value_message

__all__ = ["Offer", "Offers", "ResolvedProfile"]


class ResolvedProfile(Protocol):
    """What the check needs from a loaded profile (generator.profiles.loading.Resolved fits)."""

    @property
    def profile(self) -> Profile: ...

    @property
    def provenance(self) -> Mapping[str, Location]: ...


@dataclass(frozen=True)
class Offer:
    """One commitment value the profile makes, with where it was written."""

    value: Quantity
    kind: ValueKind
    key: str
    """dotted path into the profile, e.g. commitments.response.tiers[1].arrive."""
    where: Location | None
    context: Message | None = None
    """which tier or component it belongs to, e.g. 其它地区，一般故障 or 电气部分."""

    @property
    def message(self) -> Message:
        """The value with its context, e.g. 8小时（其它地区）."""
        return Message(
            "check.offer",
            {"value": value_message(self.kind, self.value), "context": self.context},
        )


@dataclass(frozen=True)
class Asked:
    """Where and for what an offer is looked up: the places, and the scope (None = any)."""

    places: Sequence[Place | None]
    scope: Scope | None
    component: str | None
    every_component: bool = False
    """also each component's value besides the whole unit's (capacity guardrails)."""


def _matches(value: Severity | TimeScope | None, wanted: Severity | TimeScope | None) -> bool:
    return wanted is None or value is None or value == wanted


def _tier_context(tier: ResponseTier) -> Message | None:
    parts = [p for p in (tier.region, tier.severity, tier.time) if p]
    return message("context.tier", parts=parts) if parts else None


class Offers:
    """Looks up commitment values in a profile with their provenance."""

    def __init__(self, resolved: ResolvedProfile, tender: TenderFile | None = None) -> None:
        self.profile = resolved.profile
        self.provenance = resolved.provenance
        # The profile's site first (the brief's source of truth), else the tender's 项目地点;
        # without a tender (the capacity guardrails of validate/explain/render) the profile's.
        self.site = resolved.profile.project.site or (tender.site if tender else None)
        self.place = site_place(self.site)
        self._lookups: dict[Lookup, Callable[[PathInfo, Asked], tuple[list[Offer], list[str]]]] = {
            Lookup.PLAIN: self._plain,
            Lookup.TIERS: self._tiers,
            Lookup.COMPONENTS: self._components,
        }

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

    def for_requirement(self, info: PathInfo, scope: Scope) -> tuple[list[Offer], list[str]]:
        """The offers in the requirement's scope, and the places no tier covers."""
        places: list[Place | None] = list(requirement_places(scope, self.place)) or [None]
        return self._lookups[info.lookup](info, Asked(places, scope, scope.component))

    def for_capacity(self, info: PathInfo) -> list[Offer]:
        """Every offer at the project site, whatever the scope (every component too)."""
        return self._lookups[info.lookup](
            info, Asked([self.place], None, None, every_component=True)
        )[0]

    def _value(self, path: str) -> Any:
        node: Any = self.profile.commitments
        for part in path.split("."):
            node = getattr(node, part, None)
            if node is None:
                return None
        return node

    def _plain(self, info: PathInfo, asked: Asked) -> tuple[list[Offer], list[str]]:
        value = self._value(info.path)
        if value is None or value is False:
            return [], []
        key = f"commitments.{info.path}"
        return [Offer(value, info.kind, key, self.where(key))], []

    def _tiers(self, info: PathInfo, asked: Asked) -> tuple[list[Offer], list[str]]:
        parent, field = info.path.rsplit(".", 1)
        assert info.via is not None
        tiers: Sequence[ResponseTier] = getattr(self._value(parent), info.via, None) or ()
        scope = asked.scope
        offers: dict[int, Offer] = {}
        uncovered: list[str] = []
        for place in asked.places:
            hits = [
                i
                for i in tiers_at(tiers, place)
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
                key = f"commitments.{parent}.{info.via}[{i}].{field}"
                context = _tier_context(tiers[i])
                offers[i] = Offer(value, info.kind, key, self.where(key), context)
            if not found and place is not None:
                uncovered.append(place.label)
        return list(offers.values()), uncovered

    def _components(self, info: PathInfo, asked: Asked) -> tuple[list[Offer], list[str]]:
        parent, field = info.path.rsplit(".", 1)
        assert info.via is not None
        parts = getattr(self._value(parent), info.via, None) or []

        def part(i: int) -> Offer:
            key = f"commitments.{parent}.{info.via}[{i}].{field}"
            name = message("context.component", name=parts[i].name)
            return Offer(getattr(parts[i], field), info.kind, key, self.where(key), name)

        if asked.component is not None:
            want = asked.component.strip()
            for i, c in enumerate(parts):
                if want in c.name or c.name in want:
                    return [part(i)], []
        whole, _ = self._plain(info, asked)
        if asked.every_component:
            return whole + [part(i) for i in range(len(parts))], []
        return whole, []
