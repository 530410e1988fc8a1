"""The shipped profiles: every file validates, each example carries its seed letter's promises."""

import re
import typing
from collections.abc import Iterator
from decimal import Decimal
from enum import StrEnum
from pathlib import Path

import pytest
from pydantic import BaseModel

from conftest import EXAMPLES, PROFILES
from generator.locale import get_locale
from generator.profiles.loading import load_any, load_profile
from generator.profiles.models import (
    CompanyFile,
    OverlayFile,
    PriceBasis,
    Profile,
    ProjectFile,
    ServiceMode,
    StartEvent,
)
from generator.profiles.quantities import DailyWindow, Duration, Frequency, Unit
from generator.tender.loading import FILE_MODELS
from generator.tender.model import TenderFile
from seed_promises import SEED_LETTERS, SEED_PROMISES

STARTER = PROFILES / "starter"
PROFILE_FILES = sorted(PROFILES.rglob("*.yaml"))
OUR_FILES = sorted([*EXAMPLES.rglob("*.yaml"), *STARTER.glob("*.yaml")])

# How the letters name enum values; the profile text uses these so a phrase such as
# "安装调试" (the warranty's start) can be found in the profile as well as in the letter.
_ENUM_ZH: dict[StrEnum, str] = {
    StartEvent.ACCEPTANCE: "验收合格",
    StartEvent.COMMISSIONING: "安装调试",
    StartEvent.DELIVERY: "到货",
    StartEvent.PURCHASE: "购买",
    ServiceMode.ON_SITE: "上门",
    ServiceMode.CARRY_IN: "送修",
    ServiceMode.MAIL_IN: "寄修",
    ServiceMode.REMOTE: "远程",
    PriceBasis.FREE: "免费",
    PriceBasis.COST: "成本价",
    PriceBasis.PREFERENTIAL: "优惠价",
    PriceBasis.BEST: "最优惠价",
}
# Counts that only mean something with their measure word.
_COUNT_ZH = {"replace_after_failed_repairs": "维修{}次", "visits": "{}次"}


def _values(model: BaseModel) -> Iterator[str]:
    """Every promise a model makes, as text: each set value, and what a flag or count means.

    A `true` flag or a count says nothing without its meaning, which is the field's docstring
    (the Chinese term): `lifetime_support` reads as "终身技术服务支持". The docstrings' examples
    ("e.g. 防潮, 防雨") are cut off, so they cannot stand in for a value the profile lacks.
    """
    for name, field in type(model).model_fields.items():
        value = getattr(model, name)
        if value is None or value is False or value == [] or value == field.default:
            continue
        if isinstance(value, int | BaseModel):  # bool is an int
            yield (field.description or "").split("e.g.")[0]
        yield from _render(name, value)


def _render(name: str, value: object) -> Iterator[str]:
    if isinstance(value, BaseModel):
        yield from _values(value)
    elif isinstance(value, list):
        for item in value:
            yield from _render(name, item)
    elif isinstance(value, Duration | Frequency | DailyWindow):
        yield get_locale().value(value)
    elif isinstance(value, StrEnum):
        yield _ENUM_ZH.get(value, str(value))
    elif isinstance(value, bool):
        pass  # the description said it
    elif isinstance(value, int) and name in _COUNT_ZH:
        yield _COUNT_ZH[name].format(value)
    elif isinstance(value, str | int | Decimal):
        yield str(value)


def profile_text(profile: Profile) -> str:
    """The resolved profile's promises and names as one string to search."""
    return "\n".join([*_values(profile.company), *_values(profile.project)])


def _example(folder: str, *overlays: str) -> Profile:
    base = EXAMPLES / folder
    return load_profile(base / "project.yaml", [base / o for o in overlays]).profile


# ---------------------------------------------------------------- every file validates


def test_profiles_folder_holds_the_examples_and_the_starter() -> None:
    names = {p.relative_to(PROFILES).as_posix() for p in PROFILE_FILES}
    for folder in SEED_LETTERS:
        assert {f"examples/{folder}/company.yaml", f"examples/{folder}/project.yaml"} <= names
    assert {"starter/company.yaml", "starter/project.yaml", "starter/overlay.yaml"} <= names
    assert "examples/ex2-highway-monitoring/overlay-faster.yaml" in names


@pytest.mark.parametrize("path", PROFILE_FILES, ids=lambda p: p.relative_to(PROFILES).as_posix())
def test_every_profile_file_validates(path: Path) -> None:
    kind, model = load_any(path, FILE_MODELS)
    expected = {
        "company": CompanyFile,
        "project": Profile,
        "overlay": OverlayFile,
        "tender": TenderFile,
    }[kind]
    assert isinstance(model, expected)


@pytest.mark.parametrize("path", OUR_FILES, ids=lambda p: p.relative_to(PROFILES).as_posix())
def test_first_line_points_the_editor_at_the_schema_of_its_kind(path: Path) -> None:
    first, *rest = path.read_text(encoding="utf-8").splitlines()
    match = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
    assert match, first
    kind = re.search(r"^kind: (\w+)", "\n".join(rest), re.MULTILINE)
    assert kind
    target = (path.parent / match[1]).resolve()
    assert target == (PROFILES / "schemas" / f"{kind[1]}.schema.json").resolve()


# ---------------------------------------------------------------- the seed letters' promises


@pytest.mark.parametrize("folder", sorted(SEED_PROMISES))
def test_example_profile_carries_every_promise_of_its_seed_letter(folder: str) -> None:
    text = profile_text(_example(folder))
    missing = [phrase for phrase in SEED_PROMISES[folder] if phrase not in text]
    assert not missing, f"{SEED_LETTERS[folder]} promises missing from the profile: {missing}"


def test_the_profile_text_misses_what_a_profile_does_not_say() -> None:
    # The check above could pass vacuously if profile_text said everything; it does not.
    text = profile_text(_example("ex5-computer-shop"))
    assert "江浙沪皖" not in text
    assert "备品备件库" not in text
    assert "三包" in text


def test_ex1_region_tiers_and_component_warranties() -> None:
    c = _example("ex1-weighing").commitments
    assert c.response and c.warranty and c.spare_parts and c.inspections
    near, far = c.response.tiers
    assert (near.region, near.areas) == ("江浙沪皖", ["江苏", "浙江", "上海", "安徽"])
    assert (far.region, far.areas) == ("其它地区", [])
    assert [(t.arrive, t.repair) for t in (near, far)] == [
        (Duration(Decimal(24), Unit.HOUR), Duration(Decimal(48), Unit.HOUR)),
        (Duration(Decimal(48), Unit.HOUR), Duration(Decimal(72), Unit.HOUR)),
    ]
    assert c.warranty.period == Duration(Decimal(18), Unit.MONTH)
    assert c.warranty.start is StartEvent.COMMISSIONING
    assert [(w.name, get_locale().value(w.period)) for w in c.warranty.components] == [
        ("称体部分（钢结构）", "3年"),
        ("电气部分", "18个月"),
    ]
    assert c.spare_parts.supply_period == Duration(Decimal(15), Unit.YEAR)
    assert c.inspections.frequency == Frequency(1, Duration(Decimal(6), Unit.MONTH))
    assert c.customer_duties is not None
    assert all(c.customer_duties.model_dump().values())


def test_ex2_flowchart_runs_from_registration_to_signature_within_24_hours() -> None:
    process = _example("ex2-highway-monitoring").commitments.service_process
    assert process is not None and process.total_limit is not None
    assert process.total_limit.same_as(Duration(Decimal(24), Unit.HOUR))
    longest = process.longest_path()
    assert longest is not None
    assert longest[0].label == "售后服务登记"
    assert longest[-1].label == "用户签认维修维护记录"
    minutes = sum(s.limit.to(Unit.MINUTE) for s in longest if s.limit is not None)
    assert minutes == 24 * 60


def test_ex2_faster_overlay_changes_two_promises_and_keeps_the_rest() -> None:
    base = _example("ex2-highway-monitoring")
    faster = _example("ex2-highway-monitoring", "overlay-faster.yaml")
    b, f = base.commitments, faster.commitments
    assert b.response and f.response and b.warranty and f.warranty
    assert (b.response.tiers[0].arrive, f.response.tiers[0].arrive) == (
        Duration(Decimal(8), Unit.HOUR),
        Duration(Decimal(4), Unit.HOUR),
    )
    assert (b.warranty.period, f.warranty.period) == (
        Duration(Decimal(1), Unit.YEAR),
        Duration(Decimal(2), Unit.YEAR),
    )
    assert f.response.tiers[0].respond == b.response.tiers[0].respond
    assert f.response.tiers[0].repair == b.response.tiers[0].repair
    assert f.warranty.model_copy(update={"period": b.warranty.period}) == b.warranty
    assert f.model_copy(update={"response": b.response, "warranty": b.warranty}) == b
    assert faster.customer == "宁夏高速公路管理中心"


def test_ex2_faster_overlay_stays_within_the_company_capacity() -> None:
    faster = _example("ex2-highway-monitoring", "overlay-faster.yaml")
    assert faster.project.site is not None
    centre_cities = {s.city for s in faster.company.service_network}
    assert faster.project.site.city in centre_cities
    limits = {(c.commitment, c.where): Duration.parse(c.limit) for c in faster.company.capacity}
    f = faster.commitments
    assert f.response and f.warranty and f.warranty.period
    arrive = f.response.tiers[0].arrive
    assert arrive is not None
    assert arrive >= limits[("response.arrive", "service_centre_cities")]  # not faster
    assert f.warranty.period <= limits[("warranty.period", None)]  # not longer


# ---------------------------------------------------------------- the composed letters


@pytest.mark.parametrize("folder", sorted(SEED_PROMISES))
def test_composed_example_letter_carries_every_promise_of_its_seed_letter(folder: str) -> None:
    from generator.letter.compose import compose, letter_text

    resolved = load_profile(EXAMPLES / folder / "project.yaml")
    text = letter_text(compose(resolved.profile, asset_dirs=resolved.asset_dirs))
    missing = [phrase for phrase in SEED_PROMISES[folder] if phrase not in text]
    assert not missing, f"{SEED_LETTERS[folder]} promises missing from the letter: {missing}"


# ---------------------------------------------------------------- the starter


def _uncommented(text: str) -> str:
    """The starter with its commented-out examples switched on."""
    out = []
    for line in text.splitlines():
        m = re.match(r"^(\s*)# (\s*(?:- |[a-z_]+:).*)$", line)
        out.append(m[1] + m[2] if m and not line.startswith("# yaml-language") else line)
    return "\n".join(out) + "\n"


def test_starter_examples_left_commented_out_are_valid_too(tmp_path: Path) -> None:
    for name in ("company", "project", "overlay"):
        source = (STARTER / f"{name}.yaml").read_text(encoding="utf-8")
        switched_on = _uncommented(source)
        assert switched_on.count("\n") == source.count("\n")
        assert switched_on != source
        (tmp_path / f"{name}.yaml").write_text(switched_on, encoding="utf-8")
    resolved = load_profile(tmp_path / "project.yaml", [tmp_path / "overlay.yaml"])
    c = resolved.profile.commitments
    # Parts that the starter only shows commented out are now there.
    assert c.replacement and c.uptime and c.complaints and c.pricing and c.customer_duties
    assert c.extra_clauses and resolved.profile.project.approvals


def _field_names(model: type[BaseModel], seen: set[type[BaseModel]]) -> Iterator[str]:
    if model in seen:
        return
    seen.add(model)
    for name, field in model.model_fields.items():
        yield name
        for arg in _types(field.annotation):
            if isinstance(arg, type) and issubclass(arg, BaseModel):
                yield from _field_names(arg, seen)


def _types(annotation: object) -> Iterator[object]:
    yield annotation
    for arg in typing.get_args(annotation):
        yield from _types(arg)


def test_starter_shows_every_key_of_every_file_kind() -> None:
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(STARTER.glob("*.yaml")))
    seen: set[type[BaseModel]] = set()
    keys = {
        name
        for model in (CompanyFile, ProjectFile, OverlayFile)
        for name in _field_names(model, seen)
    }
    missing = sorted(k for k in keys if not re.search(rf"(^|[\s#-]){k}:", text, re.MULTILINE))
    assert not missing, f"keys the starter profile does not show: {missing}"
