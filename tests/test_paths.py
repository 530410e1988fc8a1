"""The path table, value kinds and comparators: declared once, found by lookup, and the
verdict decided by the requirement's comparator."""

import pickle
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import pytest
from pydantic import BaseModel, ValidationError

from generator.locale import Message, get_locale
from generator.profiles.kinds import KINDS, Better, Quantity, ValueKind
from generator.profiles.models import Profile, commitment_paths
from generator.profiles.paths import Commit, Lookup, PathInfo, build_table
from generator.profiles.quantities import QuantityError, WorkingDayRule
from generator.profiles.yamlreader import load_document
from generator.tender.check import check
from generator.tender.comparators import COMPARATORS, Comparator, register, unregister
from generator.tender.model import TenderFile, Verdict

ROOT = Path(__file__).resolve().parent.parent


class _Resolved:
    def __init__(self, commitments: dict[str, Any]) -> None:
        company = {"kind": "company", "name": "测试科技有限公司"}
        project = {
            "kind": "project",
            "company": "company.yaml",
            "project_name": "测试项目",
            "commitments": commitments,
        }
        self.profile = Profile.model_validate({"company": company, "project": project})
        self.provenance: dict[str, Any] = {}


def _tender(
    comparator: str, commitment: str = "warranty.period", value: str = "3 years"
) -> TenderFile:
    requirement = {
        "clause": "1",
        "text": "要求",
        "commitment": commitment,
        "comparator": comparator,
        "value": value,
    }
    return TenderFile.model_validate(
        {"kind": "tender", "name": "测试", "requirements": [requirement]}
    )


def test_every_path_has_a_kind_a_direction_and_a_chinese_term() -> None:
    paths = commitment_paths()
    assert len(paths) >= 80
    for name, info in paths.items():
        assert info.path == name
        assert KINDS[info.kind.name] is info.kind
        assert info.better in Better
        assert info.label and all("\u3400" <= c <= "\u9fff" or c in "（）、/" for c in info.label)
        # Only ordered kinds have a better direction; yes/no and choices have none.
        assert (info.better is Better.NONE) == (not info.kind.ordered), name


def test_directions_and_lookups_come_from_the_fields() -> None:
    paths = commitment_paths()
    assert paths["response.arrive"].better is Better.SMALLER
    assert paths["response.arrive"].lookup is Lookup.TIERS
    assert paths["response.arrive"].label == "到场时间"
    assert paths["warranty.period"].better is Better.LARGER
    assert paths["warranty.period"].lookup is Lookup.COMPONENTS
    assert paths["replacement.replace_after_failed_repairs"].better is Better.SMALLER
    assert paths["training.free"].kind.name == "flag"
    assert paths["after_warranty.fee_basis"].kind.name == "ranked"
    assert paths["handover.documents"].kind.name == "list"
    assert paths["staffing.qualified_staff"].lookup is Lookup.STAFF
    assert paths["delivery.lead_time"].unit == "time"
    assert paths["spare_parts.supply_period"].unit == "calendar"


@pytest.mark.slow
def test_profile_models_import_no_tender_module() -> None:
    code = (
        "import generator.profiles.models, sys; "
        "print([m for m in sys.modules if m.startswith('generator.tender')])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip() == "[]"


class _Exactly(Comparator):
    """恰为: only the very value asked for will do (a throw-away comparator for this test)."""

    name = "exactly"
    aliases = ("恰为",)

    @property
    def message_key(self) -> str:
        # A real comparator adds check.comparator.exactly to every messages/check.yaml.
        return "check.comparator.equals"

    def score(
        self, offer: Quantity, wanted: Quantity | None, info: PathInfo, rule: WorkingDayRule | None
    ) -> int:
        if wanted is None:
            return 0
        return 0 if info.kind.goodness(offer, wanted, info.better, rule) == 0 else -1


@pytest.fixture
def exactly() -> Iterator[Comparator]:
    yield register(_Exactly())
    unregister("exactly")


def test_a_registered_comparator_is_accepted_by_its_name_and_alias(exactly: Comparator) -> None:
    for word in ("exactly", "恰为"):
        assert _tender(word).requirements[0].comparator is exactly
    unregister("exactly")
    with pytest.raises(ValidationError, match="not a comparator"):
        _tender("恰为")


def test_the_verdict_is_the_comparators(exactly: Comparator) -> None:
    # 5 years against 3: better is a positive deviation for equals (documented on Equals),
    # but not what a comparator that wants exactly 3 years accepts.
    resolved = _Resolved({"warranty": {"period": "5 years"}})
    assert check(resolved, _tender("equals")).findings[0].verdict is Verdict.POSITIVE
    assert check(resolved, _tender("at_least")).findings[0].verdict is Verdict.POSITIVE
    assert check(resolved, _tender("exactly")).findings[0].verdict is Verdict.NEGATIVE
    same = _Resolved({"warranty": {"period": "36 months"}})
    assert check(same, _tender("exactly")).findings[0].verdict is Verdict.NONE


def test_equals_on_a_choice_wants_that_choice() -> None:
    t = _tender("equals", "spare_parts.price_basis", "free")
    offered = _Resolved({"spare_parts": {"price_basis": "cost"}})
    assert check(offered, t).findings[0].verdict is Verdict.NEGATIVE


@pytest.mark.parametrize(
    ("comparator", "commitment", "value", "message"),
    [
        (
            "at_most",
            "response.duty_hours",
            "8:00-17:00",
            "an on-duty window must cover; use at_least",
        ),
        (
            "at_least",
            "response.arrive",
            "8h",
            "shorter/fewer is better for response.arrive; use at_most",
        ),
        (
            "at_most",
            "uptime.annual_min",
            "95%",
            "longer/more is better for uptime.annual_min; use at_least",
        ),
        ("equals", "training.free", "true", "training.free is yes/no; use required"),
        ("at_least", "handover.documents", "维护手册", "is a list; use contains"),
        ("contains", "warranty.period", "1 year", "is a duration, not a list; use at_least"),
    ],
)
def test_validation_asks_the_comparator_and_the_kind(
    comparator: str, commitment: str, value: str, message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        _tender(comparator, commitment, value)
    assert set(COMPARATORS) >= {"at_least", "at_most", "equals", "required"}


class _Grade:
    """A made-up value type for a kind that does not exist yet."""

    def __init__(self, n: int) -> None:
        self.n = n


class _GradeKind(ValueKind):
    name = "grade"

    def holds(self, core: Any) -> bool:
        return core is _Grade

    def parse(self, core: Any, text: str) -> Quantity:
        if not text.startswith("G"):
            raise QuantityError(f'"{text}" is not a grade')
        return Decimal(text[1:])


def test_a_registered_kind_is_picked_up_by_the_table(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(KINDS, "grade", _GradeKind())

    class Service(BaseModel, arbitrary_types_allowed=True):
        grade: Annotated[_Grade, Commit(Better.LARGER)] | None = None
        """服务等级."""
        note: str | None = None

    table = build_table(Service)
    assert list(table) == ["grade"]
    info = table["grade"]
    assert info.kind.name == "grade" and info.parse("G3") == Decimal(3)
    with pytest.raises(QuantityError):
        info.parse("3")


def test_a_marked_field_of_no_kind_is_a_programming_error() -> None:
    class Broken(BaseModel):
        thing: Annotated[list[int], Commit(Better.LARGER)] = []

    with pytest.raises(TypeError, match="no value kind"):
        build_table(Broken)


@pytest.mark.parametrize("lang", ["zh-Hans", "en"])
def test_every_kind_and_comparator_has_its_words(lang: str) -> None:
    catalog = load_document(ROOT / "templates" / lang / "messages" / "check.yaml").data["check"]
    assert set(catalog["value"]) == set(KINDS)
    assert set(catalog["comparator"]) == set(COMPARATORS)
    assert set(catalog["way"]) >= {b.value for b in Better if b is not Better.NONE}


def test_check_messages_have_the_same_keys_in_every_language() -> None:
    def keys(node: Any, prefix: str = "") -> set[str]:
        if not isinstance(node, dict):
            return {prefix}
        return {k for key, sub in node.items() for k in keys(sub, f"{prefix}.{key}")}

    zh, en = (
        keys(load_document(ROOT / "templates" / lang / "messages" / "check.yaml").data)
        for lang in ("zh-Hans", "en")
    )
    assert zh == en


def test_findings_carry_messages_that_any_language_says() -> None:
    resolved = _Resolved({"warranty": {"period": "18 months"}})
    f = check(resolved, _tender("at_least")).findings[0]
    assert isinstance(f.reason, Message) and f.reason.key == "check.reason.negative"
    assert f.suggestion is not None and f.suggestion.key == "check.suggestion.meet"
    assert get_locale().say(f.reason) == "承诺18个月，未达到要求（不少于3年）"
    assert f.reason_en == "offers 18 months, short of the required 3 years"


def test_findings_survive_pickling_for_worker_processes() -> None:
    resolved = _Resolved({"warranty": {"period": "18 months"}})
    f = check(resolved, _tender("at_least")).findings[0]
    back = pickle.loads(pickle.dumps(f))
    assert back.reason == f.reason and back.reason.key == f.reason.key
    assert back.requirement.comparator is f.requirement.comparator


# ---------------------------------------------------------------- kinds and comparators of issue 9


def test_new_kinds_and_comparators_are_one_table_entry_each() -> None:
    assert {"ranked", "list"} <= set(KINDS)
    assert "contains" in COMPARATORS
    from generator.tender.comparators import comparator_named

    assert comparator_named("包含") is COMPARATORS["contains"]
    assert comparator_named("包括") is COMPARATORS["contains"]
    for lang in ("zh-Hans", "zh-Hant", "en"):
        say = get_locale(lang)
        assert say.has("check.value.ranked") and say.has("check.value.list")
        assert say.has("check.comparator.contains") and say.has("quantity.unlimited")


def test_a_choice_declares_its_order_once_and_is_compared_by_it() -> None:
    from generator.profiles.kinds import rank_of
    from generator.profiles.models import PriceBasis, ServiceMode, ServiceProvider

    assert [m.value for m in rank_of(PriceBasis) or ()] == [
        "free",
        "cost",
        "best",
        "preferential",
        "market",
    ]
    assert (rank_of(ServiceMode) or ())[:2] == (ServiceMode.ON_SITE, ServiceMode.CARRY_IN)
    assert (rank_of(ServiceProvider) or ())[0] is ServiceProvider.MANUFACTURER
    info = commitment_paths()["after_warranty.fee_basis"]
    assert info.kind.goodness(PriceBasis.COST, PriceBasis.PREFERENTIAL, info.better, None) == 1
    assert info.kind.goodness(PriceBasis.MARKET, PriceBasis.PREFERENTIAL, info.better, None) == -1


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant", "en"])
def test_every_choice_word_a_language_prints_is_read_back(lang: str) -> None:
    from generator.profiles.models import PriceBasis, ServiceMode, ServiceProvider, StartEvent

    say = get_locale(lang)
    for choice in (PriceBasis, StartEvent, ServiceMode, ServiceProvider):
        for member in choice:
            assert choice(say.enum(member)) is member, (lang, member)


@pytest.mark.parametrize(
    ("field", "text", "value"),
    [
        ("fee_basis", "成本价", "cost"),
        ("fee_basis", "免費", "free"),
        ("fee_basis", "仅收取成本费用", "cost"),
        ("fee_basis", "优惠价", "preferential"),
        ("fee_basis", "市场价", "market"),
        ("renewal", "是", True),
        ("renewal", "否", False),
    ],
)
def test_a_profile_reads_choice_and_yes_no_words_in_chinese(
    field: str, text: str, value: object
) -> None:
    got = _Resolved({"after_warranty": {field: text}}).profile.commitments.after_warranty
    assert getattr(got, field) == value


def test_unknown_choice_words_are_still_errors_that_list_the_choices() -> None:
    with pytest.raises(ValidationError, match="free"):
        _Resolved({"after_warranty": {"fee_basis": "看情况"}})
    with pytest.raises(QuantityError, match="is not one of"):
        commitment_paths()["after_warranty.fee_basis"].parse("看情况")


@pytest.mark.parametrize(
    ("text", "items"),
    [
        (
            "维护手册(含维修密码及接口数据)及中文译本",
            ["维护手册(含维修密码及接口数据)", "中文译本"],
        ),
        ("技术服务、备件、预防性保养", ["技术服务", "备件", "预防性保养"]),
        ("探测器，球管以及高压发生器", ["探测器", "球管", "高压发生器"]),
    ],
)
def test_a_list_is_read_as_the_tender_writes_it(text: str, items: list[str]) -> None:
    assert commitment_paths()["handover.documents"].parse(text) == tuple(items)


def test_a_list_of_choices_reads_each_item_as_a_choice() -> None:
    from generator.profiles.models import ServiceMode

    info = commitment_paths()["response.repair_modes"]
    assert info.parse("上门维修、远程") == (ServiceMode.ON_SITE, ServiceMode.REMOTE)


def test_bounds_are_checked_against_the_comparator_only_for_ordered_kinds() -> None:
    docs = commitment_paths()["handover.documents"]
    # 室内 ends in 内 (within) but a list item carries no bound.
    assert COMPARATORS["contains"].bound_problem("室内", docs) is None
    period = commitment_paths()["warranty.period"]
    assert COMPARATORS["at_least"].bound_problem("2年以上", period) is None
    assert "use at_least" in (COMPARATORS["at_most"].bound_problem("2年以上", period) or "")


def test_percentages_read_their_bound_words() -> None:
    info = commitment_paths()["uptime.annual_min"]
    assert info.parse("95%以上") == Decimal(95) == info.parse("不低于95%")
    with pytest.raises(QuantityError, match="excludes"):
        info.parse("超过95%")


def test_the_staff_path_is_built_from_its_marker() -> None:
    info = commitment_paths()["staffing.qualified_staff"]
    assert (info.kind.name, info.better, info.lookup, info.via) == (
        "count",
        Better.LARGER,
        Lookup.STAFF,
        "members",
    )
    assert info.label == "持证服务人员" and info.unit == "名"


def test_a_list_item_matches_however_wide_its_brackets_were_typed() -> None:
    """A tender writes 维护手册（含操作规程）, a profile 维护手册(含操作规程): one document, so a ★
    item is met, not a 负偏离 for a keyboard's bracket width."""
    kind = KINDS["list"]
    offer = ("维护手册(含操作规程)", "维修密码")
    wanted = ("维护手册（含操作规程）", "ＵＳＢ接口数据")
    assert kind.goodness(offer, wanted[:1], Better.LARGER, None) >= 0
    assert kind.goodness((*offer, "usb接口数据"), wanted, Better.LARGER, None) >= 0
    assert kind.goodness(offer, wanted, Better.LARGER, None) == -1  # the data is still missing
