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
from generator.profiles.kinds import Quantity, ValueKind, class_label
from generator.profiles.models import Profile, ResponseTier, Severity, TimeScope
from generator.profiles.paths import Lookup, PathInfo
from generator.profiles.quantities import Count
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


def _label(text: str) -> str:
    return class_label(text)


def _in_classes(tier: ResponseTier, scope: Scope) -> bool:
    """Whether a tier applies to the classes a requirement names: for each dimension it
    names, the tier carries one of its labels or none of that dimension; and a tier whose
    labels are all excluded (除困人外) does not apply."""
    for name, wanted in scope.classes.items():
        labels = {_label(t) for t in getattr(tier, name)}
        if wanted and labels and not labels & {_label(w) for w in wanted}:
            return False
    if scope.excluding:
        excluded = {_label(x) for x in scope.excluding}
        labels = {_label(t) for name in scope.classes for t in getattr(tier, name)}
        if labels and labels <= excluded:
            return False
    return True


def _most_specific(
    tiers: Sequence[ResponseTier], hits: list[int], scope: Scope | None
) -> list[int]:
    """A tier labelled with a class the requirement names answers for that class instead of
    the tiers that name no class of that kind (困人 15分钟 over the general 2小时)."""
    if scope is None:
        return hits
    for name, wanted in scope.classes.items():
        labels = {_label(w) for w in wanted}
        named = [i for i in hits if {_label(t) for t in getattr(tiers[i], name)} & labels]
        if named:
            hits = [i for i in hits if i in named or getattr(tiers[i], name)]
    return hits


def _tier_context(tier: ResponseTier) -> Message | None:
    classes = [*tier.equipment, *tier.faults, *tier.repairs]
    parts = [p for p in (tier.region, tier.severity, tier.time, *classes) if p]
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
            Lookup.STAFF: self._staff,
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
        if value is None or value is False or value == []:
            return [], []
        key = f"commitments.{info.path}"
        return [Offer(info.typed(value), info.kind, key, self.where(key))], []

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
                    and _in_classes(tiers[i], scope)
                )
            ]
            hits = _most_specific(tiers, hits, scope)
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
        """Every component the requirement names must meet it: each is looked up on its own
        (all the profile's components that match it), and one the profile does not list is
        the whole unit's period, said as such, so the worst of them decides whatever the
        order of either list."""
        parent, field = info.path.rsplit(".", 1)
        assert info.via is not None
        parts = getattr(self._value(parent), info.via, None) or []

        def part(i: int) -> Offer:
            key = f"commitments.{parent}.{info.via}[{i}].{field}"
            name = message("context.component", name=parts[i].name)
            return Offer(getattr(parts[i], field), info.kind, key, self.where(key), name)

        whole, _ = self._plain(info, asked)
        if asked.every_component:
            return whole + [part(i) for i in range(len(parts))], []
        named = asked.scope.components if asked.scope is not None else []
        if not named:
            return whole, []
        out: dict[str, Offer] = {}
        for want in named:
            hits = [i for i, c in enumerate(parts) if want in c.name or c.name in want]
            for i in hits:
                out[f"part{i}"] = part(i)
            if not hits:
                for offer in whole:
                    context = message("context.whole_unit", name=want)
                    out[f"whole:{want}"] = Offer(
                        offer.value, offer.kind, offer.key, offer.where, context
                    )
        return list(out.values()), []

    def _staff(self, info: PathInfo, asked: Asked) -> tuple[list[Offer], list[str]]:
        """The number of people holding the scope's qualification: in the company's staff
        records (company.staff) and in this project's team (staffing.members), whichever
        counts more (a project team is usually drawn from the records)."""
        want = asked.scope.qualification if asked.scope is not None else None
        parent = info.path.rsplit(".", 1)[0]
        assert info.via is not None
        sources = [
            ("company.staff", self.profile.company.staff),
            (f"commitments.{parent}.{info.via}", getattr(self._value(parent), info.via, None)),
        ]
        offers: list[Offer] = []
        for key, roles in sources:
            hits = [
                i
                for i, r in enumerate(roles or [])
                if want is None or _holds(want, r.qualification) or _names(want, r.role)
            ]
            if not hits:
                continue
            total = info.typed(sum((roles or [])[i].count for i in hits))
            first = f"{key}[{hits[0]}]"
            names = [(roles or [])[i].qualification or (roles or [])[i].role for i in hits]
            context = message("context.staff", names=names)
            offers.append(Offer(total, info.kind, first, self.where(first), context))
        if not offers:
            return [], []
        best = max(offers, key=lambda o: o.value.value or 0 if isinstance(o.value, Count) else 0)
        return [best], []


def _names(wanted: str, role: str) -> bool:
    # A role names a qualification only when it says all of it (原厂认证工程师), never the
    # other way round: every 工程师 is not an 原厂认证工程师.
    return "".join(wanted.split()) in "".join(role.split())


def _holds(wanted: str, held: str | None) -> bool:
    if not held:
        return False
    a, b = "".join(wanted.split()), "".join(held.split())
    return a in b or b in a
