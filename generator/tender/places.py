"""Places: a project site and a requirement's areas against the areas of response tiers.

The suffixes below are input grammar (how provinces and cities are written), not output.
"""

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from generator.profiles.models import ResponseTier, Site
from generator.tender.model import Scope

__all__ = ["Place", "normalise_place", "requirement_places", "site_place", "tiers_at"]

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
class Place:
    """A place a requirement applies at: its label as written and the names it matches."""

    label: str
    names: frozenset[str]


def site_place(site: Site | None) -> Place | None:
    """The project site as a place (province and city both match)."""
    if site is None:
        return None
    names = {normalise_place(site.province)}
    if site.city:
        names.add(normalise_place(site.city))
    label = f"{site.province} {site.city}" if site.city else site.province
    return Place(label, frozenset(names))


def requirement_places(scope: Scope, site: Place | None) -> list[Place]:
    """The places a requirement applies at: its areas, else the project site."""
    if scope.areas:
        return [Place(a, frozenset({normalise_place(a)})) for a in scope.areas]
    return [site] if site is not None else []


def _tier_areas(tier: ResponseTier) -> frozenset[str]:
    return frozenset(normalise_place(a) for a in tier.areas)


def tiers_at(tiers: Sequence[ResponseTier], place: Place | None) -> list[int]:
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
