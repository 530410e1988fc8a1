"""The tender file (招标文件要求): minimums, markers, scoring and the deviation table's wording.

A requirement names the commitment it constrains by a dotted path into the commitments
(`warranty.period`, `response.arrive`, ...). The path decides the type its value is parsed as
(a Duration, Frequency, DailyWindow, percentage, count, yes/no or choice) and which direction is
better, so a tender and a profile always compare like with like.
"""

from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    BeforeValidator,
    Field,
    ValidationError,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from generator.profiles.kinds import Quantity, list_items
from generator.profiles.models import (
    Format,
    Method,
    Model,
    Name,
    ProcurementMethod,
    Severity,
    Site,
    Text,
    TimeScope,
    commitment_paths,
)
from generator.profiles.paths import Lookup, PathInfo
from generator.profiles.quantities import NotComparable, QuantityError, WorkingDayRule
from generator.tender.comparators import Comparator, comparator_json_schema

__all__ = [
    "Check",
    "Column",
    "DeviationTableSpec",
    "Marker",
    "Requirement",
    "Scope",
    "ScoreTier",
    "Scoring",
    "TableColumn",
    "TenderFile",
    "Verdict",
    "VerdictWords",
]


class Verdict(StrEnum):
    """偏离情况 of one requirement."""

    POSITIVE = "positive"
    """正偏离: better than required."""
    NONE = "none"
    """无偏离: exactly as required."""
    NEGATIVE = "negative"
    """负偏离: worse than required."""
    MISSING = "missing"
    """未响应: the profile makes no such commitment."""
    NOT_COMPARABLE = "not_comparable"
    """不可比: e.g. working days against hours without a working-day rule."""


def _as_text(value: Any) -> Any:
    # YAML hands us strings, but inline dicts in tests and tools may hold numbers.
    if isinstance(value, bool):
        return str(value).lower()
    return str(value) if isinstance(value, int | float | Decimal) else value


QuantityText = Annotated[str, BeforeValidator(_as_text), Field(min_length=1, max_length=200)]
"""A value as written, parsed against the commitment's type: 3 years, 24小时, 每季度一次, 95%."""
PathName = Annotated[str, Field(pattern=r"^[a-z_]+(\.[a-z_]+)*$", max_length=100)]
"""A commitment path as a tender names it; checked against the path table by TenderFile."""


class Marker(Model):
    """标记的含义 as the tender defines it (★ 实质性条款, ▲ 重要条款, # 评分项 ...)."""

    meaning: Text | None = None
    """含义, e.g. 实质性要求，不满足将导致投标无效 (★ without one: substantive)."""
    substantive: bool = False
    """实质性: a negative deviation or missing response on this marker fails the check."""


_DEFAULT_MARKERS = {"★": Marker(substantive=True)}


Problems = list[tuple[tuple[str | int, ...], Any, str]]
"""Input errors found in a requirement: (location under it, the value, the message)."""


class Scope(Model):
    """适用范围 of a requirement. Empty fields mean: at the project site, for every fault,
    at any time, for the whole system."""

    region: Name | None = None
    """区域 label as the tender writes it, e.g. 项目所在地, 银川市区内."""
    areas: list[Name] = []
    """地点: provinces or cities the requirement applies at; each is checked and the worst
    commitment counts. Empty = the project site (project.site)."""
    severity: Severity | None = None
    """故障等级; empty = every severity."""
    time: TimeScope | None = None
    """时段 (工作时间/非工作时间/高峰期/淡季); empty = at any time."""
    component: Name | None = None
    """部件 for warranty periods, e.g. 主要部件, 电气部分, or several (线材、管材): every
    named one is matched against warranty.components and must meet the requirement (the
    worst decides); a component the profile does not list falls back to the whole-unit
    period, and the finding says so."""
    equipment: list[Name] = []
    """设备类别 in the tender's words, e.g. 急救类, 生命支持类: only response tiers labelled
    with one of them (or with no equipment class) apply."""
    faults: list[Name] = []
    """故障类别, e.g. 困人, 需更换电子板等电器元件的故障 (matched like equipment)."""
    repairs: list[Name] = []
    """维修类别, e.g. 小修, 中修, 大修 (matched like equipment)."""
    excluding: list[Name] = []
    """除外: classes the requirement does not cover (除困人外的其他故障 -> [困人], 空调除外):
    tiers labelled only with these are left out."""
    qualification: Name | None = None
    """资质 the staff counted for staffing.qualified_staff must hold, e.g. 原厂认证工程师;
    matched against the qualification (or role) of the staff records."""

    @property
    def classes(self) -> dict[str, list[str]]:
        """The class labels asked for, by dimension (equipment, faults, repairs)."""
        return {"equipment": self.equipment, "faults": self.faults, "repairs": self.repairs}

    @property
    def components(self) -> list[str]:
        """Each component named (线材、管材 names two)."""
        if self.component is None:
            return []
        return list_items(self.component)


def scope_problems(scope: Scope, info: PathInfo) -> Problems:
    """Scope fields that do not apply to the path's lookup (an input error, never ignored)."""
    out: Problems = []
    if scope.component is not None and info.lookup is not Lookup.COMPONENTS:
        out.append((("scope", "component"), scope.component, "component applies to warranty"))
    if scope.qualification is not None and info.lookup is not Lookup.STAFF:
        out.append(
            (
                ("scope", "qualification"),
                scope.qualification,
                "qualification applies to staffing.qualified_staff",
            )
        )
    for name in ("equipment", "faults", "repairs", "excluding"):
        labels = getattr(scope, name)
        if labels and info.lookup is not Lookup.TIERS:
            out.append(
                (
                    ("scope", name),
                    labels,
                    "class labels apply to response.respond, response.arrive and "
                    "response.repair (the tiers carry the same labels)",
                )
            )
    return out


class ScoreTier(Model):
    """评分档: a commitment at least as good as `value` earns `points`."""

    value: QuantityText
    """档位值, e.g. 2h, 5 years."""
    points: Annotated[Decimal, Field(ge=0, le=1000)]
    """分值."""


class Scoring(Model):
    """评分办法: either tiers (2小时到场10分, 4小时6分) or steps (每增加一年质保加1分, 最高3分)."""

    tiers: list[ScoreTier] = []
    """分档评分."""
    step: QuantityText | None = None
    """每增加 (or 每缩短) this much earns `points_per_step`, e.g. 1 year."""
    points_per_step: Annotated[Decimal, Field(gt=0, le=1000)] | None = None
    """每档加分."""
    base: QuantityText | None = None
    """起算值: steps count from this value; empty = the requirement's value."""
    max: Annotated[Decimal, Field(gt=0, le=1000)] | None = None
    """最高分 for steps (required with steps)."""

    @model_validator(mode="after")
    def _one_form(self) -> "Scoring":
        stepped = self.step is not None or self.points_per_step is not None
        if self.tiers and stepped:
            raise ValueError("use either tiers or step/points_per_step, not both")
        if not self.tiers and not stepped:
            raise ValueError("give tiers, or step with points_per_step and max")
        if stepped and (self.step is None or self.points_per_step is None or self.max is None):
            raise ValueError("steps need step, points_per_step and max")
        return self

    @property
    def max_points(self) -> Decimal:
        """满分 of this item."""
        if self.tiers:
            return max(t.points for t in self.tiers)
        assert self.max is not None
        return self.max


class Check(Model):
    """一项比较 inside a compound requirement (one clause, several obligations)."""

    commitment: PathName
    """承诺项路径 it constrains, e.g. response.arrive."""
    comparator: Annotated[Comparator, WithJsonSchema(comparator_json_schema())]
    """比较方式: at_least, at_most, equals or required (不少于/不超过/为/须)."""
    value: QuantityText | None = None
    """要求值 with its unit; empty for `required`."""
    scope: Scope = Scope()
    """适用范围."""
    scoring: Scoring | None = None
    """评分 of this obligation."""
    working_day_hours: Annotated[Decimal, Field(gt=0, le=24)] | None = None
    """工作日折算 for this obligation (overrides the requirement's and the tender's)."""


class Requirement(Model):
    """招标要求: one clause of the tender. Three forms: one comparison (`commitment`,
    `comparator`, `value`), several (`checks`, a compound clause: one row of the 偏离表), or
    `manual: true` (no commitment path; the bidder answers it in `responses:`)."""

    clause: Name
    """招标文件条目号, e.g. 第五章 3.2(1)."""
    text: Text
    """招标要求原文, the tender's own words."""
    commitment: PathName | None = None
    """承诺项路径 it constrains, e.g. warranty.period, response.arrive."""
    comparator: Annotated[Comparator, WithJsonSchema(comparator_json_schema())] | None = None
    """比较方式: at_least, at_most, equals, required or contains (不少于/不超过/为/须/包含)."""
    value: QuantityText | None = None
    """要求值 with its unit, e.g. 3 years, 24小时, 每季度一次, 95%, 不少于2年, 优惠价, 不限次数,
    维护手册、接口数据; empty for `required`. A bound word must agree with the comparator."""
    scope: Scope = Scope()
    """适用范围."""
    marker: Name | None = None
    """标记, one of the tender's `markers` (★ ...); empty = an ordinary item."""
    scoring: Scoring | None = None
    """评分."""
    working_day_hours: Annotated[Decimal, Field(gt=0, le=24)] | None = None
    """工作日折算: hours per working day for this item (overrides the tender's)."""
    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.\-]+$", max_length=64)] | None = None
    """条目标识: a stable id for CI reports (SARIF rule id); empty = from the clause number and
    the commitment, e.g. 5.6.2.2-response.arrive for 第五章 6.2(2)."""
    checks: Annotated[list[Check], Field(max_length=20)] = []
    """复合要求: the comparisons of a clause that holds several obligations (到场 and 修复;
    期限 and 起算点). Each is checked; the 偏离表 shows the clause once, worst verdict."""
    manual: bool = False
    """人工应答: no commitment path says this; the bidder answers it in the project's
    `responses:` (未响应 until then)."""
    source: Name | None = None
    """来源文件: the tender document the item was read from (`import-tender` fills it in)."""
    page: Annotated[int, Field(ge=1)] | None = None
    """页码 of the source where the words stand (cited by `check` and the 偏离表)."""
    paragraph: Annotated[int, Field(ge=1)] | None = None
    """段落号: the paragraph or table row of the source, counted from 1."""
    quote: Text | None = None
    """原文摘录: the source's exact words the item was drafted from."""
    confidence: Annotated[Decimal, Field(ge=0, le=1)] | None = None
    """置信度 of the drafted reading (0–1): how sure `import-tender` was; confirm it."""

    @property
    def threshold(self) -> Quantity | None:
        """The parsed value (None for `required` without a value, or no comparison)."""
        if self.value is None or self.commitment is None:
            return None
        return commitment_paths()[self.commitment].parse(self.value)

    @property
    def path(self) -> str:
        """The commitment path of a single comparison (never called for the other forms)."""
        if self.commitment is None:
            raise ValueError(f"requirement {self.clause} compares no commitment")
        return self.commitment

    def parts(self) -> list["Requirement"]:
        """The comparisons this clause makes, each as a single-comparison requirement sharing
        its clause, words and marker: itself, one per check, or none (manual)."""
        if self.manual:
            return []
        if not self.checks:
            return [self]
        return [
            self.model_copy(
                update={
                    "commitment": c.commitment,
                    "comparator": c.comparator,
                    "value": c.value,
                    "scope": c.scope,
                    "scoring": c.scoring,
                    "working_day_hours": c.working_day_hours or self.working_day_hours,
                    "checks": [],
                }
            )
            for c in self.checks
        ]


class Column(StrEnum):
    """A column of the deviation table."""

    INDEX = "index"
    CLAUSE = "clause"
    REQUIREMENT = "requirement"
    RESPONSE = "response"
    DEVIATION = "deviation"
    NOTE = "note"
    MARKER = "marker"
    POINTS = "points"


class TableColumn(Model):
    """偏离表的一列 with its heading."""

    key: Column
    """列内容: index, clause, requirement, response, deviation, note, marker or points."""
    label: Name | None = None
    """表头, e.g. 招标文件条目号, 投标文件应答; empty = the language's heading for `key`."""


_DEFAULT_COLUMNS = [
    TableColumn(key=key)
    for key in (
        Column.INDEX,
        Column.CLAUSE,
        Column.REQUIREMENT,
        Column.RESPONSE,
        Column.DEVIATION,
        Column.NOTE,
    )
]


class VerdictWords(Model):
    """偏离情况的措辞 (some tenders write 偏差 instead of 偏离)."""

    positive: Name | None = None
    """正偏离: better than required."""
    none: Name | None = None
    """无偏离: as required."""
    negative: Name | None = None
    """负偏离: worse than required."""
    missing: Name | None = None
    """未响应: no such commitment."""
    not_comparable: Name | None = None
    """不可比: cannot be compared."""

    def word(self, verdict: Verdict) -> str | None:
        """The tender's own word for `verdict`, or None: then the language's word is used."""
        word = getattr(self, verdict.value)
        return None if word is None else str(word)


class DeviationTableSpec(Model):
    """偏离表格式 as the tender's 投标文件格式 chapter asks for it."""

    title: Name | None = None
    """表名; empty = the language's (售后服务偏离表)."""
    columns: Annotated[list[TableColumn], Field(min_length=1, max_length=10)] = _DEFAULT_COLUMNS
    """列及表头, in order."""
    rows: Literal["all", "deviations"] = "all"
    """all: every requirement; deviations: only items that are not 无偏离."""
    verdict_words: VerdictWords = VerdictWords()
    """偏离情况的措辞."""
    statement: Text | None = None
    """结尾声明; empty = 除本表所列偏离外，完全响应招标文件要求。 (磋商文件 etc. by the method)."""
    omit_statement: bool = False
    """不加结尾声明 when the tender's format has none."""


class TenderFile(Model):
    """招标文件 (tender): the after-sales minimums a bid must meet, and how offers are scored."""

    kind: Literal["tender"]
    """文件类型: tender."""
    name: Name
    """项目名称."""
    number: Name | None = None
    """招标编号."""
    tenderer: Name | None = None
    """招标人/采购人."""
    method: Method = ProcurementMethod.TENDER
    """采购方式: 招标, 磋商, 谈判 or 询价."""
    site: Site | None = None
    """项目地点 as the tender states it; used when the project profile names no site."""
    markers: dict[Annotated[str, Field(min_length=1, max_length=8)], Marker] = _DEFAULT_MARKERS
    """标记说明: what each marker means in this tender, e.g. ★ 实质性条款, ▲ 重要条款."""
    working_day_hours: Annotated[Decimal, Field(gt=0, le=24)] | None = None
    """工作日折算: a working day counts as this many hours when compared with hours
    (e.g. 8 or 24); empty = working days and hours are not comparable."""
    requirements: Annotated[list[Requirement], Field(min_length=1, max_length=500)]
    """招标要求."""
    deviation_table: DeviationTableSpec = DeviationTableSpec()
    """偏离表格式."""
    format: Format | None = None
    """投标文件格式 the tender prescribes (e.g. 仿宋_GB2312 三号, 页边距): with `render --tender`
    its fields win over the company's and the project's `format:`."""

    @model_validator(mode="after")
    def _requirements_are_sound(self) -> "TenderFile":
        errors: list[InitErrorDetails] = []

        def fail(loc: tuple[str | int, ...], value: Any, message: str) -> None:
            errors.append(
                InitErrorDetails(
                    type=PydanticCustomError("value_error", message),
                    loc=loc,
                    input=value,
                )
            )

        paths = commitment_paths()
        ids: dict[str, int] = {}
        for i, req in enumerate(self.requirements):
            at: tuple[str | int, ...] = ("requirements", i)
            if req.marker is not None and req.marker not in self.markers:
                known = ", ".join(self.markers) or "none"
                fail(
                    (*at, "marker"),
                    req.marker,
                    f'unknown marker "{req.marker}" (declared: {known})',
                )
            key = req.id or ""
            if key and key in ids:
                fail((*at, "id"), key, f'id "{key}" is also used by requirements[{ids[key]}]')
            ids.setdefault(key, i)
            for loc, value, message in _form_problems(req):
                fail((*at, *loc), value, message)
            singles: list[tuple[tuple[str | int, ...], Check | Requirement]] = (
                [((*at, "checks", j), c) for j, c in enumerate(req.checks)]
                if req.checks
                else [(at, req)]
                if req.commitment is not None and req.comparator is not None
                else []
            )
            for where, single in singles:
                info = paths.get(single.commitment or "")
                if info is None:
                    close = paths.suggest(single.commitment or "")
                    hint = f'; did you mean "{close}"?' if close else ""
                    fail(
                        (*where, "commitment"), single.commitment, f"unknown commitment path{hint}"
                    )
                    continue
                hours = single.working_day_hours or req.working_day_hours or self.working_day_hours
                rule = WorkingDayRule(hours) if hours is not None else None
                for loc, value, message in _requirement_problems(single, info, rule):
                    fail((*where, *loc), value, message)
        if errors:
            raise ValidationError.from_exception_data(type(self).__name__, errors)
        return self

    @property
    def substantive_markers(self) -> frozenset[str]:
        return frozenset(k for k, m in self.markers.items() if m.substantive)

    def is_substantive(self, req: Requirement) -> bool:
        return req.marker is not None and req.marker in self.substantive_markers

    def rule_for(self, req: Requirement) -> WorkingDayRule | None:
        """The working-day rule for this requirement (its own, else the tender's)."""
        hours = req.working_day_hours or self.working_day_hours
        return WorkingDayRule(hours) if hours is not None else None


_COMPARISON = ("commitment", "comparator", "value", "scoring")


def _form_problems(req: Requirement) -> Problems:
    """A requirement is one comparison, several (`checks`) or `manual`: exactly one form."""
    given = [f for f in _COMPARISON if getattr(req, f) is not None]
    if req.manual or req.checks:
        form = "manual" if req.manual else "checks"
        if req.manual and req.checks:
            return [(("checks",), None, "a manual item has no checks")]
        allowed = ("scoring",) if req.manual else ()
        return [
            ((f,), getattr(req, f), f"a requirement with {form} gives no {f} of its own")
            for f in (*given, *(["scope"] if req.scope != Scope() else []))
            if f not in allowed
        ]
    if req.commitment is None:
        return [(("commitment",), None, "give commitment and comparator, checks, or manual: true")]
    if req.comparator is None:
        return [(("comparator",), None, "give a comparator (at_least, at_most, equals, required)")]
    return []


def _requirement_problems(
    req: "Requirement | Check", info: PathInfo, rule: WorkingDayRule | None
) -> Problems:
    """Every mismatch between a comparison and its commitment's type, with its location."""
    out: Problems = []
    comparator = req.comparator
    assert comparator is not None  # _form_problems has made sure
    wrong = comparator.problem(info)
    if wrong is not None:
        out.append((("comparator",), comparator.name, wrong))
    if req.value is None and comparator.needs_value:
        out.append((("value",), None, f"{comparator} needs a value"))
    wanted: Quantity | None = None
    if req.value is not None:
        try:
            wanted = info.parse(req.value)
        except QuantityError as error:
            out.append((("value",), req.value, str(error)))
    out.extend(scope_problems(req.scope, info))
    if req.value is not None:
        disagrees = comparator.bound_problem(req.value, info)
        if disagrees is not None:
            out.append((("value",), req.value, disagrees))
    if req.scoring is not None:
        out.extend(_scoring_problems(req.scoring, info, wanted, rule))
    return out


def _comparable(
    a: Quantity, b: Quantity | None, info: PathInfo, rule: WorkingDayRule | None
) -> str | None:
    """Why a scoring value cannot be compared with the requirement's value, or None."""
    if b is None:
        return None
    try:
        info.kind.goodness(a, b, info.better, rule)
    except NotComparable as error:
        return str(error)
    return None


def _scoring_problems(
    scoring: Scoring, info: PathInfo, wanted: Quantity | None, rule: WorkingDayRule | None
) -> Problems:
    out: Problems = []
    if not info.kind.scorable:
        return [(("scoring",), None, f"{info.path} cannot be scored by value")]
    for j, tier in enumerate(scoring.tiers):
        try:
            why = _comparable(info.parse(tier.value), wanted, info, rule)
        except QuantityError as error:
            why = str(error)
        if why is not None:
            out.append((("scoring", "tiers", j, "value"), tier.value, why))
    if scoring.step is not None:
        if not info.kind.steppable:
            out.append(
                (("scoring", "step"), scoring.step, f"{info.path} cannot be scored by steps")
            )
        else:
            for name in ("step", "base"):
                text = getattr(scoring, name)
                if text is None:
                    continue
                try:
                    value = info.parse(text)
                    why = _comparable(value, wanted, info, rule)
                    if name == "step" and not info.kind.positive(value):
                        why = "a scoring step must be more than 0"
                except QuantityError as error:
                    why = str(error)
                if why is not None:
                    out.append((("scoring", name), text, why))
    return out
