"""The typed, frozen models of the three profile files and of the resolved profile.

Every field has a docstring that flows into the JSON Schema (and so into editor hovers and
`aftersales explain`); each names the Chinese term the letters and tenders use.
"""

import ast
import datetime as dt
import inspect
import sys
from decimal import Decimal
from enum import StrEnum
from functools import cache
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    PlainSerializer,
    StringConstraints,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic.fields import FieldInfo
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticUndefined

from generator.profiles.kinds import Better, ranked
from generator.profiles.paths import (
    Commit,
    Components,
    PathTable,
    StaffRecords,
    Tiers,
    build_table,
)
from generator.profiles.quantities import (
    Count,
    DailyWindowField,
    Duration,
    DurationField,
    FrequencyField,
    NotComparable,
    QuantityError,
    Unit,
)
from generator.profiles.typography import font_style, parse_length, parse_size, parse_spacing
from generator.resources import languages

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
"""A non-empty line of text."""
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Phone = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9+()\- ]{3,40}$|^_+$")
]


def _percent(value: Any) -> Any:
    # "95%" and "95" both mean 95 per cent; YAML hands us strings.
    return value.strip().removesuffix("%").strip() if isinstance(value, str) else value


Percent = Annotated[Decimal, BeforeValidator(_percent), Field(ge=0, le=100)]


def _lasting(value: Any) -> Any:
    # 终身 / 不限 / 无限工时 are lengths a period or an amount of work may have; DurationField
    # itself refuses them, because a time limit without a limit is no promise.
    if isinstance(value, str):
        try:
            return Duration.parse(value, unlimited=True)
        except QuantityError:
            return value  # DurationField words the error
    return value


Lasting = Annotated[DurationField, BeforeValidator(_lasting)]
"""A duration that may be unlimited (终身, 不限, 无限工时)."""


def _count(value: Any) -> Any:
    if isinstance(value, Count):
        return value
    if isinstance(value, bool):
        raise ValueError(f"{str(value).lower()} is not a count (write e.g. 3, 3人 or 不限次数)")
    if isinstance(value, int):
        return Count(value)
    if isinstance(value, str):
        return Count.parse(value)
    raise ValueError("a count is a number, e.g. 3, 3人 or 不限次数")


CountField = Annotated[
    Count,
    BeforeValidator(_count),
    PlainSerializer(str, return_type=str),
    WithJsonSchema(
        {
            "type": ["string", "integer"],
            "description": "A count, with a measure word or unlimited.",
            "examples": [3, "3人", "两次", "不限次数", "unlimited"],
        }
    ),
]
"""A whole number of people, visits, replacements ... or unlimited (不限次数)."""


def _whole(value: Any) -> Any:
    # A number of people, visits, repairs as a tender writes it: 3人, 两次, 贰名.
    if isinstance(value, str) and not value.strip().isdigit():
        count = Count.parse(value)
        if count.value is None:
            raise ValueError(f'"{value.strip()}" is unlimited; write a number here')
        return count.value
    return value


Whole = BeforeValidator(_whole)
"""Reads a count with its measure word (3人, 两次) into a plain int field."""

# The words a yes/no is written with in a profile (YAML keeps 是/否 as text).
_YES = {"true", "yes", "y", "on", "1", "是", "有", "提供", "承诺", "须"}
_NO = {"false", "no", "n", "off", "0", "否", "无", "不提供", "不承诺"}


def _yes_no(value: Any) -> Any:
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _YES:
            return True
        if word in _NO:
            return False
    return value


# Commitment fields declare what they are (see generator.profiles.paths): a tender may name
# them, and the check knows which way is better. The value kind follows from the type.
TimeLimit = Annotated[DurationField, Commit(Better.SMALLER, "time")]
"""A time limit (响应/到场/修复时间, 交货期 ...): the shorter, the better."""
Period = Annotated[Lasting, Commit(Better.LARGER, "calendar")]
"""A period promised (质保期, 备件供应年限 ...): the longer, the better."""
Often = Annotated[FrequencyField, Commit(Better.LARGER)]
"""How often (巡检频次 ...): the more often, the better."""
OnDuty = Annotated[DailyWindowField, Commit(Better.LARGER)]
"""Daily on-duty hours (值班时间): the wider the window it covers, the better."""
Promise = Annotated[bool, BeforeValidator(_yes_no), Commit(Better.NONE)]
"""A yes/no promise: made or not; a tender can only require it."""


@cache
def _attribute_docs(module: str) -> dict[str, dict[str, str]]:
    """The docstring under each annotated attribute, by class, from one parse of the module.

    pydantic's own `use_attribute_docstrings` parses source again for every class, which
    cost 0.37 s of every start of the command; reading each module once costs 10 ms.
    """
    tree = ast.parse(inspect.getsource(sys.modules[module]))
    docs: dict[str, dict[str, str]] = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            pairs = zip(node.body, node.body[1:], strict=False)
            docs[node.name] = {
                field.target.id: inspect.cleandoc(doc.value.value)
                for field, doc in pairs
                if isinstance(field, ast.AnnAssign)
                and isinstance(field.target, ast.Name)
                and isinstance(doc, ast.Expr)
                and isinstance(doc.value, ast.Constant)
                and isinstance(doc.value.value, str)
            }
    return docs


class Model(BaseModel):
    """Frozen, closed to unknown keys, documented from attribute docstrings."""

    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # Runs before pydantic collects the fields, so each docstring becomes a description.
        for name, doc in _attribute_docs(cls.__module__).get(cls.__name__, {}).items():
            current = cls.__dict__.get(name, PydanticUndefined)
            if isinstance(current, FieldInfo):
                raise TypeError(f"{cls.__name__}.{name}: use a plain default with a docstring")
            setattr(cls, name, Field(current, description=doc))
        super().__init_subclass__(**kwargs)


class ProcurementMethod(StrEnum):
    """采购方式: decides the vocabulary of the letter (招标人/投标人 or 采购人/供应商)."""

    TENDER = "招标"
    CONSULTATION = "磋商"
    NEGOTIATION = "谈判"
    INQUIRY = "询价"
    RETAIL = "零售"
    """no tender: a shop's letter to its customers (顾客)."""


class SelfReference(StrEnum):
    """自称: how the letter names the company itself, the same in every sentence."""

    OUR_COMPANY = "我公司"
    THIS_COMPANY = "本公司"
    WE = "我方"


_METHOD_ALIASES = {
    "tender": "招标",
    "bidding": "招标",
    "公开招标": "招标",
    "邀请招标": "招标",
    "consultation": "磋商",
    "竞争性磋商": "磋商",
    "negotiation": "谈判",
    "竞争性谈判": "谈判",
    "inquiry": "询价",
    "retail": "零售",
}


def _method(value: Any) -> Any:
    return _METHOD_ALIASES.get(value.strip().lower(), value) if isinstance(value, str) else value


def _known_language(name: str) -> str:
    if name not in (known := languages()):
        raise ValueError(
            f'no language "{name}" (templates/<language>/locale.yaml); have {", ".join(known)}'
        )
    return name


Method = Annotated[
    ProcurementMethod,
    BeforeValidator(_method),
    # Editors should accept what the model accepts: the Chinese names and their aliases.
    WithJsonSchema(
        {
            "type": "string",
            "enum": [*(m.value for m in ProcurementMethod), *_METHOD_ALIASES],
            "description": "采购方式: 招标, 磋商, 谈判, 询价 or 零售 (or an alias).",
        }
    ),
]


# The words a tender or a profile writes a choice with, besides its id: the Chinese the
# letters and reports print (templates/*/clauses/_words.j2), Traditional forms and the
# tenders' own phrasing. Read by each choice's `_missing_`, so pydantic and the check accept them.
_CHOICE_WORDS: dict[str, dict[str, str]] = {
    "StartEvent": {
        **dict.fromkeys(
            (
                "验收合格之日",
                "验收合格之日起",
                "自验收合格之日起",
                "验收合格",
                "验收",
                "终验合格之日",
            ),
            "acceptance",
        ),
        **dict.fromkeys(
            ("驗收合格之日", "自驗收合格之日起", "验收合格后", "通过验收之日"), "acceptance"
        ),
        **dict.fromkeys(
            ("调试", "调试成功", "安装调试", "安装调试成功之日", "自安装调试成功之日起"),
            "commissioning",
        ),
        **dict.fromkeys(("到货", "到货之日", "自到货之日起", "交货", "交货之日"), "delivery"),
        **dict.fromkeys(
            ("购买", "购买之日", "自购买之日起", "購買之日", "自購買之日起"), "purchase"
        ),
        **dict.fromkeys(("自安裝測試完成之日起", "安裝測試完成之日"), "commissioning"),
        **dict.fromkeys(("自到貨之日起", "到貨之日"), "delivery"),
        # the English the letters print (templates/en/clauses/_words.j2)
        "from the date of successful acceptance": "acceptance",
        "from the date of successful installation and commissioning": "commissioning",
        "from the date of delivery": "delivery",
        "from the date of purchase": "purchase",
    },
    "PriceBasis": {
        **dict.fromkeys(("免费", "免費", "免费提供", "不收费", "不收取任何费用", "无偿"), "free"),
        **dict.fromkeys(
            ("成本价", "成本價", "成本", "按成本价提供", "成本费用", "仅收取成本费用"), "cost"
        ),
        **dict.fromkeys(
            ("只收取成本费用", "只收取必要的成本费用", "at cost", "cost price"), "cost"
        ),
        **dict.fromkeys(("最优惠价", "最優惠價", "最优惠价格", "以最优惠价格提供"), "best"),
        **dict.fromkeys(("优惠价", "優惠價", "优惠价格", "优惠", "以优惠价格提供"), "preferential"),
        **dict.fromkeys(("市场价", "市場價", "市场价格", "market price", "market"), "market"),
        **dict.fromkeys(("free of charge",), "free"),
        "most favourable price": "best",
        "preferential price": "preferential",
    },
    "ServiceMode": {
        **dict.fromkeys(
            ("上门", "上门服务", "上门维修", "现场", "现场服务", "现场维修"), "on_site"
        ),
        **dict.fromkeys(("上門", "上門服務", "現場", "现场培训", "on site", "on-site"), "on_site"),
        **dict.fromkeys(("送修", "送修服务", "carry-in", "carry in"), "carry_in"),
        **dict.fromkeys(("寄修", "寄修服务", "mail-in", "mail in"), "mail_in"),
        **dict.fromkeys(("远程", "远程服务", "远程维修", "远程支持", "遠程", "远程诊断"), "remote"),
        **dict.fromkeys(("到場服務", "到場"), "on_site"),
        **dict.fromkeys(("遠端服務", "遠端"), "remote"),
        **dict.fromkeys(("送修服務",), "carry_in"),
        **dict.fromkeys(("寄修服務",), "mail_in"),
        **dict.fromkeys(("on-site service", "on-site repair"), "on_site"),
        **dict.fromkeys(("carry-in service", "carry-in repair"), "carry_in"),
        **dict.fromkeys(("mail-in service", "mail-in repair"), "mail_in"),
        **dict.fromkeys(("remote service", "remote repair", "remote"), "remote"),
    },
    "ServiceProvider": {
        **dict.fromkeys(
            ("制造商", "设备制造商", "生产厂家", "产品生产厂家", "厂家", "原厂"), "manufacturer"
        ),
        **dict.fromkeys(("製造商", "原廠", "廠家"), "manufacturer"),
        **dict.fromkeys(("授权代理商", "授权服务商", "代理商", "授權代理商"), "authorised_agent"),
        **dict.fromkeys(("投标人", "供应商", "投標人", "供應商", "本公司", "投標廠商"), "bidder"),
        **dict.fromkeys(("制造商授权的代理商", "製造商授權之代理商"), "authorised_agent"),
        "the manufacturer": "manufacturer",
        "an agent authorised by the manufacturer": "authorised_agent",
        "the bidder": "bidder",
    },
}


class Choice(StrEnum):
    """A choice a tender or profile may write by its id or by its words (成本价, 验收合格之日):
    the model reads both, and the JSON Schema offers both to editors."""

    @classmethod
    def _missing_(cls, value: object) -> Any:
        return _choice_word(cls, value)

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema = handler(core_schema)
        words = sorted(_CHOICE_WORDS.get(cls.__name__, {}))
        if "enum" in schema and words:
            schema["enum"] = [*schema["enum"], *words]
        return schema


def _choice_word(cls: type[StrEnum], value: object) -> Any:
    if not isinstance(value, str):
        return None
    word = " ".join(value.split()).strip("。；;.，,")
    for text in (word, word.lower(), word.lower().replace(" ", "_")):
        if text in cls._value2member_map_:
            return cls._value2member_map_[text]
        found = _CHOICE_WORDS.get(cls.__name__, {}).get(text)
        if found is not None:
            return cls(found)
    return None


@ranked
class StartEvent(Choice):
    """起算点: the event a warranty period counts from; the later, the better for the buyer
    (验收合格之日 > 调试 > 到货 > 购买)."""

    ACCEPTANCE = "acceptance"
    COMMISSIONING = "commissioning"
    DELIVERY = "delivery"
    PURCHASE = "purchase"


@ranked
class PriceBasis(Choice):
    """价格基准: how parts and services are priced, best for the buyer first
    (免费 > 成本价 > 最优惠价 > 优惠价 > 市场价)."""

    FREE = "free"
    COST = "cost"
    BEST = "best"
    PREFERENTIAL = "preferential"
    MARKET = "market"


@ranked
class ServiceMode(Choice):
    """服务方式: 上门 on site, 送修 carry-in, 寄修 mail-in, 远程 remote (in that order of
    preference for the buyer)."""

    ON_SITE = "on_site"
    CARRY_IN = "carry_in"
    MAIL_IN = "mail_in"
    REMOTE = "remote"


@ranked
class ServiceProvider(Choice):
    """售后服务提供方: the manufacturer (制造商), its authorised agent (授权代理商) or the bidder
    itself (投标人), in that order of preference for the buyer."""

    MANUFACTURER = "manufacturer"
    AUTHORISED_AGENT = "authorised_agent"
    BIDDER = "bidder"


class Severity(StrEnum):
    """故障等级: 一般 general, 较大 major, 重大 critical."""

    GENERAL = "general"
    MAJOR = "major"
    CRITICAL = "critical"


class TimeScope(StrEnum):
    """时段: working hours (工作时间), off-hours (非工作时间), peak season (高峰期), off season."""

    WORKING_HOURS = "working_hours"
    OFF_HOURS = "off_hours"
    PEAK_SEASON = "peak_season"
    OFF_SEASON = "off_season"


# ---------------------------------------------------------------- company profile


class Hotline(Model):
    """A service telephone line (服务热线)."""

    number: Phone
    """电话号码, e.g. 400-820-1234."""
    label: Name | None = None
    """What the line is for, e.g. 24小时服务电话, 售后服务电话."""
    hours: DailyWindowField | None = None
    """值班时间 of the line, e.g. 7x24 or 8:00-24:00."""


class Contact(Model):
    """A person to contact (联系人)."""

    name: Name
    """姓名."""
    role: Name | None = None
    """职务, e.g. 售后服务经理, 技术部调度员."""
    phone: Phone | None = None
    """联系电话."""
    email: Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+$")] | None = None
    """电子邮箱."""


class ServiceCentre(Model):
    """A service centre or outlet of the company (服务网点/维护中心)."""

    name: Name
    """网点名称, e.g. 银川维护中心."""
    province: Name
    """所在省/自治区/直辖市, e.g. 宁夏."""
    city: Name
    """所在城市, e.g. 银川."""
    address: Text | None = None
    """地址."""
    phone: Phone | None = None
    """电话."""
    staff: Annotated[int, Whole, Field(ge=0, le=100000)] | None = None
    """人员数量 at the centre."""
    reach: DurationField | None = None
    """服务半径: longest travel time from the centre to a site it serves, e.g. 2h."""


class StaffRole(Model):
    """A role in the after-sales team (人员配备)."""

    role: Name
    """岗位, e.g. 项目经理, 专职工程师."""
    count: Annotated[int, Whole, Field(ge=1, le=100000)]
    """人数."""
    qualification: Text | None = None
    """资质, e.g. 高级工程师, 持证电工."""


def _known_commitment(path: str) -> str:
    # commitment_paths() is defined below Commitments; it is looked up when a file is read.
    paths = commitment_paths()
    if path not in paths:
        near = paths.suggest(path)
        hint = f' (did you mean "{near}"?)' if near else ""
        raise ValueError(f'"{path}" is not a commitment path{hint}')
    return path


CommitmentPath = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z_]+(\.[a-z_]+)*$"),
    AfterValidator(_known_commitment),
]
"""A path into the commitments, e.g. response.arrive or warranty.period."""


CapacityWhere = Literal["service_centre_cities", "elsewhere", "within_reach", "beyond_reach"]
"""Where a capacity limit holds (see Capacity.where)."""


class Capacity(Model):
    """能力上限: the best promise the after-sales department can keep (a guardrail for sales).

    `commitment` is a path into the commitments (as in tender files), `limit` the best value
    the department can deliver: the fastest time or the longest period. A promise beyond it
    is refused by `validate`, `explain`, `render` and `check` unless an approval covers it.
    """

    commitment: CommitmentPath
    """承诺项路径, e.g. response.arrive, warranty.period, spare_parts.supply_period."""
    limit: Text
    """能力上限 as a quantity, e.g. 4h, 5 years."""
    where: CapacityWhere | None = None
    """适用范围: service_centre_cities (a city with a service centre), elsewhere (any other
    city), within_reach (a centre's city, or a site whose `site.travel` is within the `reach`
    of a service centre), beyond_reach (the rest); empty = everywhere."""
    cities: list[Name] = []
    """适用城市: only for a site in one of these cities (or provinces); empty = any."""
    component: Name | None = None
    """适用部件: only this named component (warranty.components); empty = the whole unit and
    every component without a limit of its own."""
    approver: Name | None = None
    """审批人: who must approve a promise beyond the limit, e.g. 总经理."""
    note: Text | None = None
    """说明."""

    @field_validator("limit")
    @classmethod
    def _limit_fits_the_commitment(cls, value: str, info: ValidationInfo) -> str:
        path = info.data.get("commitment")
        if path is not None:
            commitment_paths()[path].parse(value)  # a QuantityError says what is wrong
        return value


class Approval(Model):
    """审批记录: an approved promise beyond the department's capacity, up to `value`."""

    commitment: CommitmentPath
    """承诺项路径 the approval is for, e.g. response.arrive."""
    value: Text
    """批准的承诺值, e.g. 4h or 5 years: covers promises up to this value, not beyond."""
    approved_by: Name | None = None
    """审批人."""
    date: dt.date | None = None
    """审批日期."""
    reference: Name | None = None
    """审批单号 or reference."""

    @field_validator("value")
    @classmethod
    def _value_fits_the_commitment(cls, value: str, info: ValidationInfo) -> str:
        path = info.data.get("commitment")
        if path is not None:
            commitment_paths()[path].parse(value)  # a QuantityError says what is wrong
        return value


# ---------------------------------------------------------------- commitments


class Quality(Model):
    """质量保证与包装."""

    genuine_goods: Promise = False
    """保证正品: 所售商品均为正品, 绝无假货."""
    original_packaging: Promise = False
    """原厂原包装: goods are the maker's own, in the maker's packaging."""
    certified: Promise = False
    """符合国家质量认证和质量认证体系."""
    documents: list[Name] = []
    """随货技术资料, e.g. 安装说明书, 产品装箱目录, 中文使用说明书, 合格证, 保修凭证."""
    packaging: list[Name] = []
    """包装要求, e.g. 防潮, 防雨, 防锈, 防腐, 防震."""
    clear_labels: Promise = False
    """标识清晰无误."""
    inspected_before_shipping: Promise = False
    """出厂全性能检查: 全过程、全性能检查, 确认合格后才装箱发货."""
    quality_records: Promise = False
    """留有质量记录和检测资料: 产品的制造和检测均有质量记录和检测资料."""


class Delivery(Model):
    """交货、安装、调试."""

    on_award: Promise = False
    """接到中标通知书后即供货."""
    lead_time: TimeLimit | None = None
    """交货期, e.g. 30 days, 15个工作日."""
    rush_orders: Promise = False
    """特殊要求提前完工: 有特殊要求需提前完工的, 可特别组织生产、安装."""
    free_installation: Promise = False
    """免费安装."""
    free_commissioning: Promise = False
    """免费调试、开通、检测."""
    written_test_results: Promise = False
    """调试成功后书面提供测试结果."""
    leave_with_consent: Promise = False
    """征得用户同意后技术人员方可撤离现场."""


class ComponentWarranty(Model):
    """分部件质保: a component with its own warranty period."""

    name: Name
    """部件名称, e.g. 称体部分（钢结构）, 电气部分."""
    period: Lasting
    """质保期 of this component (终身 for a lifetime)."""
    guarantee: Name | None = None
    """保证性能, e.g. 不褪色, 不变形."""
    start: StartEvent | None = None
    """起算点 of this component, when it differs from the whole unit's."""
    free: bool = True
    """免费保修 (true) or at cost."""


class ServicePlan(Model):
    """A period of service in a given mode (上门/送修), e.g. 第一年上门服务, 后两年送修服务."""

    item: Name
    """服务对象, e.g. 硬件, 软件."""
    mode: ServiceMode
    """服务方式."""
    starts_after: DurationField | None = None
    """从第几年起: offset from the warranty start, e.g. 1 year for 后两年."""
    until: DurationField | None = None
    """截至: end of this plan counted from the warranty start, e.g. 3 years."""
    visits: Annotated[int, Whole, Field(ge=1, le=1000)] | None = None
    """上门次数, e.g. 5."""
    working_days_only: bool = False
    """仅限工作日内."""
    area: Name | None = None
    """适用区域, e.g. 市区内."""


class Warranty(Model):
    """质保期与保修范围."""

    period: Period | None = None
    """质保期 of the whole system or unit, e.g. 18 months, 1 year."""
    start: Annotated[StartEvent, Commit(Better.LARGER)] | None = None
    """起算点: acceptance 验收合格之日, commissioning 调试成功后, delivery 到货, purchase 购买."""
    components: Annotated[list[ComponentWarranty], Components("period")] = []
    """分部件质保期."""
    covers: list[Name] = []
    """保修范围: causes of damage covered, e.g. 安装工艺, 材料, 产品质量."""
    costs_borne: list[Name] = []
    """保修期内由供方承担的费用, e.g. 部件费用, 元件费用, 出差费用."""
    exclusions: list[Text] = []
    """除外情形, e.g. 天灾, 人为损害."""
    statutory_three_guarantees: Promise = False
    """按国家有关法律规定实行三包."""
    service_plans: list[ServicePlan] = []
    """保修服务方式 by period, e.g. 硬件第一年上门, 后两年送修."""
    system_maintenance: Promise = False
    """质保期内负责系统维护."""
    covered_parts: Annotated[list[Name], Commit(Better.NONE)] = []
    """保修覆盖部件: the parts replaced free within the warranty, e.g. 探测器, 球管, 所有配件;
    a tender lists the ones it wants (contains)."""
    services: Annotated[list[Name], Commit(Better.NONE)] = []
    """保修服务内容: what the warranty includes, e.g. 技术服务, 备件, 预防性保养."""
    part_replacements: Annotated[CountField, Commit(Better.LARGER)] | None = None
    """配件更换次数 within the warranty, e.g. 不限次数."""
    labour: Annotated[Lasting, Commit(Better.LARGER)] | None = None
    """技术服务工时 included, e.g. 200小时 or 无限工时."""


class ResponseTier(Model):
    """响应时限 for one scope: a region, a fault severity and/or a time of day or season, and
    the classes of equipment, fault or repair a tender defines.

    Empty scope fields mean the tier applies everywhere / always / to everything.
    """

    region: Name | None = None
    """区域 label as written in the letter, e.g. 江浙沪皖, 其它地区, 市区内."""
    areas: list[Name] = []
    """the provinces or cities the region covers, e.g. [江苏, 浙江, 上海, 安徽]; empty with a
    region label means every area not named by another tier (其它地区)."""
    severity: Severity | None = None
    """故障等级."""
    time: TimeScope | None = None
    """时段: working hours, off-hours, peak or off season."""
    equipment: list[Name] = []
    """设备类别 the tier applies to, in the tender's words, e.g. 急救类, 生命支持类; empty =
    every class."""
    faults: list[Name] = []
    """故障类别, e.g. 困人, 需更换电子板的故障; empty = every fault."""
    repairs: list[Name] = []
    """维修类别, e.g. 小修, 中修, 大修; empty = every repair."""
    respond: TimeLimit | None = None
    """响应时间: from the report to a technical answer, e.g. 30min, 立即."""
    arrive: TimeLimit | None = None
    """到场时间: from the report to an engineer on site, e.g. 8h."""
    repair: TimeLimit | None = None
    """修复时间: from the report to the fault fixed, e.g. 24h (never shorter than `arrive`)."""

    @model_validator(mode="after")
    def _repair_counts_from_the_report(self) -> "ResponseTier":
        # Every limit of a tier counts from the report, as a tender's do: a repair limit
        # shorter than the arrival can only mean "after arriving", which the check would
        # compare as from the report and pass a slower promise than the letter's reader reads.
        if self.arrive is None or self.repair is None:
            return self
        try:
            shortest_arrival = self.arrive.bounds_in_minutes()[0]
            longest_repair = self.repair.bounds_in_minutes()[1]
        except NotComparable:
            return self
        if longest_repair < shortest_arrival:
            raise ValueError(
                f"repair ({self.repair}) is shorter than arrive ({self.arrive}): both count from "
                "the report, so write the repair limit from the report (arrival plus the time "
                "on site)"
            )
        return self


class Hotline24(Model):
    """服务热线承诺."""

    hours: OnDuty
    """热线服务时间, e.g. 7x24."""
    staffed_by: Name | None = None
    """受理人员, e.g. 专职工程师."""


class Response(Model):
    """故障响应: hotline, duty hours, response, arrival and repair times."""

    hotline: Hotline24 | None = None
    """服务热线."""
    free_consulting: Promise = False
    """专职工程师随时免费提供技术咨询."""
    duty_hours: OnDuty | None = None
    """值班时间, e.g. 8:00-24:00 (早8:00至晚12:00) or 7x24."""
    duty_staff_free: Promise = False
    """提供免费值班人员."""
    tiers: Annotated[list[ResponseTier], Tiers()] = []
    """响应、到场、修复时限, by region, severity or time."""
    escalation: TimeLimit | None = None
    """升级处理时限: a fault not solved on the spot is escalated; staff are sent within this."""
    repair_modes: Annotated[list[ServiceMode], Commit(Better.NONE)] = []
    """维修方式: 上门 on site, 送修 carry-in, 寄修 mail-in, 远程 remote; a tender may demand
    one (contains 上门)."""
    freight_paid: Promise = False
    """维修产生的运杂费由本公司承担."""
    all_weather: Promise = False
    """全天候服务响应."""
    sufficient_spares: Promise = False
    """保证有充足的备品备件 for repairs."""


class Replacement(Model):
    """更换与备用设备."""

    doa_window: Period | None = None
    """质量问题包换期: 到货后多少时间内出现质量问题可更换, e.g. 7个工作日."""
    doa_replace_within: TimeLimit | None = None
    """更换时限, e.g. 3个工作日."""
    replace_after_failed_repairs: (
        Annotated[int, Whole, Field(ge=1, le=10), Commit(Better.SMALLER)] | None
    ) = None
    """维修不能正常使用的更换次数: 维修N次仍不能正常使用的, 无偿更换新设备."""
    loaner: Promise = False
    """提供代用（备用）设备."""
    loaner_after: TimeLimit | None = None
    """备用设备提供时限: 未能在此时限内修复时提供备用设备, e.g. 48h."""


class Uptime(Model):
    """开机率保证."""

    annual_min: Annotated[Percent, Commit(Better.LARGER)]
    """年开机率: 不低于此值, e.g. 95%."""
    restart_warranty: Promise = False
    """低于保证值时更换设备并重新计算质保期."""


class Staffing(Model):
    """售后服务机构及人员配备."""

    dedicated_organisation: Promise = False
    """设有专门的售后服务机构和人员."""
    project_team: Promise = False
    """为本项目组建专门的售后服务队伍和管理机构."""
    local_office: Name | None = None
    """本地服务机构所在地, e.g. 银川市."""
    local_office_travel: TimeLimit | None = None
    """本地服务机构到场时间: 本地服务机构到现场的时间, e.g. 2h."""
    team_lead: Name | None = None
    """售后服务小组组长, e.g. 项目经理."""
    members: Annotated[list[StaffRole], StaffRecords("qualified_staff", "持证服务人员")] = []
    """人员配备 for this project; with the company's staff records (staff) they are counted
    for staffing.qualified_staff by the qualification a requirement names."""
    staff_experienced: Promise = False
    """服务人员具有丰富的同类项目建设和服务经验, 并参与本项目建设."""
    staff_trained: Promise = False
    """对本地售后服务人员进行全面培训."""
    dedicated_person: Promise = False
    """设立专人售后服务制度."""


class TrainingAudience(Model):
    """A group to be trained (培训对象) with its objective."""

    name: Name
    """类别, e.g. 系统管理员, 系统操作员."""
    who: list[Name] = []
    """人员, e.g. 指挥中心技术人员, 主管领导."""
    objective: Text | None = None
    """培训目标."""


class Training(Model):
    """技术培训计划."""

    free: Promise = False
    """免费培训."""
    until_competent: Promise = False
    """直到被培训人员能完全胜任工作要求."""
    before_operation: Promise = False
    """在系统正式投入运行之前完成."""
    content: list[Name] = []
    """培训内容, e.g. 设备和系统的使用, 维护."""
    audiences: list[TrainingAudience] = []
    """培训对象及目标."""
    methods: list[Name] = []
    """培训方式, e.g. 系统理论培训, 现场实际操作培训."""
    on_site_topics: list[Name] = []
    """现场培训内容, e.g. 系统安装, 系统调试, 故障诊断, 故障排除."""
    trainers: Text | None = None
    """教员."""
    materials: list[Name] = []
    """移交的文档和介质, e.g. 用户操作手册, 系统安装指南及管理手册."""
    schedule: Text | None = None
    """培训时间安排."""
    sessions: Annotated[int, Field(ge=1, le=1000), Commit(Better.LARGER)] | None = None
    """培训次数."""
    session_length: Period | None = None
    """每次培训时长, e.g. 3 days (one session; with `sessions` the total is computed)."""
    duration: Period | None = None
    """培训总时长 (合计, all sessions together), e.g. 6 days. Computed from `sessions` ×
    `session_length` when left out; must agree with them when given."""

    @model_validator(mode="after")
    def _total_is_sessions_times_length(self) -> "Training":
        if self.sessions is None or self.session_length is None:
            return self
        if self.session_length.is_unlimited:
            raise ValueError("session_length cannot be unlimited")
        total = Duration(self.session_length.value * self.sessions, self.session_length.unit)
        if self.duration is None:
            # The total is what a tender's 培训时间 and a capacity limit compare: set it once,
            # so the letter prints the very value the check reads.
            object.__setattr__(self, "duration", total)
            self.__pydantic_fields_set__.add("duration")
            return self
        try:
            same = self.duration.compare(total) == 0
        except NotComparable:
            same = False
        if not same:
            raise ValueError(
                f"duration (the total) is {self.duration}, but {self.sessions} sessions of "
                f"{self.session_length} make {total}; give the total or the length of a session"
            )
        return self


class SpareParts(Model):
    """备品备件."""

    supply_period: Period | None = None
    """备件供应年限, e.g. 15 years."""
    price_basis: Annotated[PriceBasis, Commit(Better.LARGER)] | None = None
    """备件价格基准, e.g. best 最优惠价."""
    stock_for_operation: Period | None = None
    """备品备件保障运行期: 提供保证系统运行多长时间的必要备品备件, e.g. 2 years."""
    depot: Promise = False
    """设有备品备件库."""


class Inspections(Model):
    """定期巡检与回访."""

    frequency: Often | None = None
    """巡检频次, e.g. 每半年一次."""
    during_warranty: Promise = False
    """在质保期内定期巡视."""
    led_by: Name | None = None
    """巡检人员, e.g. 巡检工程技术人员为主, 设计人员参与."""
    collect_feedback: Promise = False
    """听取用户意见和建议."""
    site_visits: Often | None = None
    """现场走访频次, e.g. 一年2次."""
    return_visits: Promise = False
    """回访."""
    satisfaction_survey: Promise = False
    """发放满意度调查问卷."""
    periodic_checks_after_warranty: Promise = False
    """质保期后保持联系并派专人定期检查."""


class AfterWarranty(Model):
    """质保期后的服务与收费."""

    at_cost_period: Period | None = None
    """成本价保修期, e.g. 3 years."""
    fee_basis: Annotated[PriceBasis, Commit(Better.LARGER)] | None = None
    """收费基准."""
    fee_items: list[Name] = []
    """收费项目, e.g. 设备成本价, 人员差旅, 食宿."""
    free_phone_support: Promise = False
    """保修期满后电话技术支持免费."""
    renewal: Promise = False
    """质保期满后可续签维护协议."""
    lifetime_support: Promise = False
    """提供终身技术服务支持."""
    long_term_maintenance: Promise = False
    """对所提供的设备长期维护."""


class Records(Model):
    """档案与报告."""

    customer_files: Promise = False
    """建立用户档案, 记录产品使用情况."""
    maintenance_records: Promise = False
    """建立维修维护档案记录."""
    service_reports: Promise = False
    """定期向用户汇报维修、维护情况."""
    report_frequency: Often | None = None
    """服务报告频次, e.g. 每季度一次."""
    track_issues: Promise = False
    """对用户问题的处理情况进行跟踪和验证."""


class Complaints(Model):
    """投诉处理."""

    channels: list[Name] = []
    """投诉渠道, e.g. 技术部调度员, 维修部经理."""
    discipline: Promise = False
    """核实责任并惩处: 核实是我方责任的, 对相关人员进行惩处."""
    apologise: Promise = False
    """向用户赔礼道歉."""
    explain_otherwise: Promise = False
    """解释非我方责任: 不是我方责任的, 相关人员向用户解释."""
    satisfactory_reply: Promise = False
    """保证给顾客一个满意的答复."""
    reply_within: TimeLimit | None = None
    """投诉答复时限."""


class SpecialEvents(Model):
    """特殊时期和重大活动保障."""

    dedicated_staff: Promise = False
    """派专人参与系统保驾运行."""
    joint_duty: Promise = False
    """与用户共同值守."""


class Pricing(Model):
    """价格承诺."""

    best_price: Promise = False
    """同等条件下以最优惠的价格提供."""
    free_in_warranty: Promise = False
    """保修期内免费维修更换: 保修期内免费维修和更换质量原因造成的零部件损坏."""
    parts_at_cost_after_warranty: Promise = False
    """保修期外零部件只收成本费."""
    customer_damage_at_cost: Promise = False
    """需方人为因素造成的损坏按成本价计."""


class CustomerDuties(Model):
    """用户配合事项."""

    report_suggestions: Promise = False
    """及时告知建议和要求."""
    periodic_maintenance: Promise = False
    """按使用说明书和维护手册定期维护."""
    notify_faults: Promise = False
    """设备出现故障及时通知."""
    keep_records: Promise = False
    """做好设备运行日常记录."""


class Branch(Model):
    """A way out of a decision step (判断分支)."""

    label: Name
    """分支标签, e.g. 是, 否."""
    to: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_\-]+$")]
    """指向的步骤: id of the step it leads to."""


class ServiceStep(Model):
    """A step of the service process (售后服务流程的一步)."""

    id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_\-]+$")]
    """步骤标识, used by `next` and `branches`."""
    label: Name
    """步骤名称, e.g. 售后服务登记."""
    owner: Name | None = None
    """责任人/部门, e.g. 客服中心."""
    limit: DurationField | None = None
    """本步骤时限, e.g. 2h."""
    next: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_\-]+$")] | None = None
    """下一步: id of the following step; empty for the last step or a decision."""
    branches: list[Branch] = []
    """判断分支: a step with branches is a decision (drawn as a diamond)."""
    outside_total: bool = False
    """不计入全流程时限: a step after the promised total (回访, 满意度调查); it is drawn, but
    the total is promised up to the last step before it."""

    @property
    def is_decision(self) -> bool:
        return bool(self.branches)


class ServiceProcess(Model):
    """售后服务流程 (drawn as the flowchart): steps, owners, time limits and the total."""

    steps: Annotated[list[ServiceStep], Field(min_length=2, max_length=40)]
    """流程步骤, the first is the start."""
    total_limit: TimeLimit | None = None
    """全流程时限, e.g. 24h (从售后服务登记到用户签认维修维护记录)."""

    @model_validator(mode="after")
    def _graph_is_sound(self) -> "ServiceProcess":
        ids = [s.id for s in self.steps]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"step ids must be unique: {', '.join(dupes)}")
        known = set(ids)
        for s in self.steps:
            for target in [s.next, *(b.to for b in s.branches)]:
                if target is not None and target not in known:
                    raise ValueError(f'step "{s.id}" leads to unknown step "{target}"')
            if s.branches and s.next:
                raise ValueError(f'step "{s.id}" has both next and branches; use one')
            if len(s.branches) == 1:
                raise ValueError(f'decision "{s.id}" needs at least two branches')
            if s.outside_total and s is self.steps[0]:
                raise ValueError(f'the first step "{s.id}" cannot be outside the total')
            inside = [t.id for t in self.successors(s) if not t.outside_total]
            if s.outside_total and inside:
                # The total runs from the first step to the last one inside it: a step inside
                # the total after one outside it would make the promise mean nothing.
                raise ValueError(
                    f'step "{s.id}" is outside the total but leads to "{inside[0]}" inside it; '
                    "only the last steps can be outside the total"
                )
        longest = [s for s in self.longest_path() if not s.outside_total]
        if self.total_limit is not None:
            try:
                for s in self.steps:  # every step must be countable against the total
                    if s.limit is not None:
                        s.limit.compare(self.total_limit)
                total = sum_durations([s.limit for s in longest if s.limit is not None])
                over = total is not None and total.compare(self.total_limit) > 0
            except NotComparable as err:
                # e.g. steps in working days against a total in hours: say so, at this field.
                raise ValueError(
                    f"step limits cannot be checked against total_limit: {err}"
                ) from None
            if over:
                names = " → ".join(s.label for s in longest)
                raise ValueError(
                    f"the steps take up to {total} ({names}), "
                    f"over the promised total of {self.total_limit}"
                )
        return self

    @property
    def last_counted(self) -> ServiceStep:
        """The last step inside the promised total (the letter's 全流程 ends there)."""
        return [s for s in self.steps if not s.outside_total][-1]

    @property
    def outside(self) -> list[ServiceStep]:
        """The steps after the promised total (回访 ...), drawn but not counted."""
        return [s for s in self.steps if s.outside_total]

    def successors(self, step: ServiceStep) -> list[ServiceStep]:
        by_id = {s.id: s for s in self.steps}
        targets = [b.to for b in step.branches] or ([step.next] if step.next else [])
        return [by_id[t] for t in targets]

    def longest_path(self) -> list[ServiceStep]:
        """The path from the first step with the largest summed time limit.

        Raises ValueError if the steps loop back (a flowchart must not); the model validator
        turns that into a located error, so a loaded profile never loops."""
        # Time limits of different families (hours vs working days) cannot be summed; the
        # comparison in the validator reports that as an error through NotComparable.
        memo: dict[str, tuple[Decimal, list[ServiceStep]]] = {}
        visiting: set[str] = set()

        def walk(step: ServiceStep) -> tuple[Decimal, list[ServiceStep]] | None:
            if step.id in memo:
                return memo[step.id]
            if step.id in visiting:
                return None
            visiting.add(step.id)
            best: tuple[Decimal, list[ServiceStep]] = (Decimal(0), [])
            for nxt in self.successors(step):
                sub = walk(nxt)
                if sub is None:
                    return None
                if sub[0] > best[0] or not best[1]:
                    best = sub
            visiting.discard(step.id)
            own = _clock_minutes(step.limit)
            memo[step.id] = (own + best[0], [step, *best[1]])
            return memo[step.id]

        result = walk(self.steps[0])
        if result is None:
            raise ValueError("the service process loops back on itself; a flowchart must not")
        return result[1]


def _clock_minutes(d: Duration | None) -> Decimal:
    if d is None or d.unit not in (Unit.MINUTE, Unit.HOUR, Unit.DAY):
        return Decimal(0)  # the path is chosen by clock time; other units are checked above
    return d.to(Unit.MINUTE)


def sum_durations(items: list[Duration]) -> Duration | None:
    """Sum of time-of-day durations in hours (None for an empty list)."""
    if not items:
        return None
    minutes = sum((d.to(Unit.MINUTE) for d in items), Decimal(0))
    hours = minutes / 60
    if hours == hours.to_integral_value():
        return Duration(hours.quantize(Decimal(1)), Unit.HOUR)
    return Duration(minutes, Unit.MINUTE)


class Provider(Model):
    """服务主体: who serves, and the manufacturer's part in it."""

    by: Annotated[ServiceProvider, Commit(Better.LARGER)] | None = None
    """售后服务提供方: manufacturer 制造商, authorised_agent 授权代理商 or bidder 投标人."""
    manufacturer: Name | None = None
    """制造商名称."""
    manufacturer_authorised: Promise = False
    """取得制造商授权: the manufacturer authorised this bid for this project."""
    manufacturer_bound: Promise = False
    """制造商共同履行: these commitments bind the manufacturer too (厂家同样提供技术电话等)."""


class Handover(Model):
    """资料移交: documents and materials handed to the buyer."""

    documents: Annotated[list[Name], Commit(Better.NONE)] = []
    """移交资料, e.g. 维护手册, 维修密码, 接口数据, 中文译本, 全部技术资料."""
    materials: Annotated[list[Name], Commit(Better.NONE)] = []
    """移交物品, e.g. 专用工具, 随机备件, 软件介质."""


class ExtraClause(Model):
    """自定义条款: free text added to the letter as its own section."""

    title: Name
    """条款标题."""
    text: Annotated[list[Text], Field(min_length=1)]
    """条款正文, one paragraph per item."""


class Commitments(Model):
    """售后服务承诺: every promise of the letter. Every part is optional; a part the profile
    leaves out does not appear in the letter."""

    provider: Provider | None = None
    """服务主体."""
    quality: Quality | None = None
    """质量保证与包装."""
    delivery: Delivery | None = None
    """交货、安装、调试."""
    warranty: Warranty | None = None
    """质保期."""
    response: Response | None = None
    """故障响应."""
    replacement: Replacement | None = None
    """更换与备用设备."""
    uptime: Uptime | None = None
    """开机率保证."""
    staffing: Staffing | None = None
    """售后服务机构及人员配备."""
    training: Training | None = None
    """技术培训."""
    spare_parts: SpareParts | None = None
    """备品备件."""
    inspections: Inspections | None = None
    """定期巡检与回访."""
    after_warranty: AfterWarranty | None = None
    """质保期后服务."""
    records: Records | None = None
    """档案与报告."""
    complaints: Complaints | None = None
    """投诉处理."""
    special_events: SpecialEvents | None = None
    """特殊时期和重大活动."""
    pricing: Pricing | None = None
    """价格承诺."""
    customer_duties: CustomerDuties | None = None
    """用户配合事项."""
    service_process: ServiceProcess | None = None
    """售后服务流程 (flowchart)."""
    handover: Handover | None = None
    """资料移交."""
    extra_clauses: Annotated[list[ExtraClause], Field(max_length=30)] = []
    """自定义条款 (at most 30: a letter's sections are numbered 一 to 九十九)."""


# ---------------------------------------------------------------- the company's voice


def _one_or_more(value: Any) -> Any:
    # One paragraph may be written without the list around it.
    return [value] if isinstance(value, str) else value


Paragraphs = Annotated[
    list[Text],
    Field(max_length=20),
    BeforeValidator(_one_or_more),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "minLength": 1, "maxLength": 2000},
                {
                    "type": "array",
                    "items": {"type": "string", "minLength": 1, "maxLength": 2000},
                    "maxItems": 20,
                },
            ]
        }
    ),
]
"""Paragraphs of the company's own text: one text, or a list of them (at most 20)."""


class SectionVoice(Model):
    """The company's own words for one section of the letter, printed as written (plain text,
    never template code)."""

    purpose: Text | None = None
    """目的: why the company does this, as the section's first paragraph, e.g.
    通过培训使工作人员熟悉系统运行环境…, …力求提前发现系统潜在的运行隐患，防患于未然。"""
    paragraphs: Paragraphs = []
    """补充段落: the company's own paragraphs, after the section's promises: one paragraph,
    or a list of them."""


class VoiceSections(Model):
    """The company's own words by section, named as under `commitments` (a section the letter
    does not otherwise hold appears, under a plain heading (定期巡检), with these words alone)."""

    provider: SectionVoice | None = None
    """服务主体."""
    quality: SectionVoice | None = None
    """质量保证与包装."""
    delivery: SectionVoice | None = None
    """交货、安装、调试."""
    staffing: SectionVoice | None = None
    """售后服务机构及人员配备."""
    warranty: SectionVoice | None = None
    """质保期."""
    response: SectionVoice | None = None
    """故障响应."""
    replacement: SectionVoice | None = None
    """更换与备用设备."""
    uptime: SectionVoice | None = None
    """开机率保证."""
    training: SectionVoice | None = None
    """技术培训."""
    spare_parts: SectionVoice | None = None
    """备品备件."""
    inspections: SectionVoice | None = None
    """定期巡检与回访."""
    after_warranty: SectionVoice | None = None
    """质保期后服务."""
    records: SectionVoice | None = None
    """档案与报告."""
    complaints: SectionVoice | None = None
    """投诉处理."""
    special_events: SectionVoice | None = None
    """特殊时期和重大活动."""
    pricing: SectionVoice | None = None
    """价格承诺."""
    service_process: SectionVoice | None = None
    """售后服务流程."""
    handover: SectionVoice | None = None
    """资料移交."""
    customer_duties: SectionVoice | None = None
    """用户配合事项."""


class Voice(Model):
    """承诺书的表述: the company's own voice (its motto, opening pledge, closing and words for any
    section), printed as written in every language. Company defaults; a project changes any
    part of it, key by key."""

    motto: Name | None = None
    """宗旨/方针: the company's motto or service policy, quoted in the opening, e.g.
    为顾客提供最满意的产品和服务, 昼夜24小时不间断服务，365天无假日工作."""
    motto_title: Name | None = None
    """what the company calls its motto, printed after the quote: 经营宗旨, 服务方针, 服务理念,
    宗旨 …; empty: the letter's own word (经营宗旨; 宗旨 in a shop's letter)."""
    pledge: Text | None = None
    """开篇承诺: the opening pledge, after 郑重承诺： and before 具体承诺如下：, e.g.
    在确保设备的先进性、可靠性、稳定性的同时，不断改进服务质量……让顾客满意、放心。"""
    closing: Paragraphs = []
    """结束语: the company's closing words, after the hotlines and contacts and before the
    letter's closing statement (以上承诺真实有效…): one paragraph, or a list of them, e.g.
    我们将不断努力，精益求精，为顾客提供最满意的产品和服务。"""
    sections: VoiceSections = VoiceSections()
    """各部分的目的与补充段落, by section."""


# ---------------------------------------------------------------- the three files


def commitment_paths() -> PathTable:
    """Every commitment path a tender or capacity entry may name (`warranty.period` ...)."""
    return build_table(Commitments)


class Preset(StrEnum):
    """版式预设: the format a `format:` section starts from."""

    BUSINESS = "business"
    """商务投标 (the default): 宋体小四, 1.5倍行距, 黑体 headings, a header with the project
    and tender number, 第 X 页 共 Y 页."""
    GBT9704 = "gbt9704"
    """公文 (GB/T 9704-2012): 仿宋_GB2312 三号, 22 lines of 28 characters, 小标宋 二号 title,
    黑体/楷体 headings, no header, — 1 — page numbers outside (odd right, even left)."""


class PageNumbers(StrEnum):
    """页码样式."""

    PAGE_OF = "page_of"
    """第 1 页 共 3 页 (the letter language's words), centred."""
    DASH = "dash"
    """— 1 — (公文: odd pages at the right, even pages at the left)."""
    PLAIN = "plain"
    """1, centred."""
    NONE = "none"
    """no page numbers."""


def _font_name(name: str) -> str:
    if font_style(name) is None:
        raise ValueError(
            f'"{name}" is not a font aftersales can embed in the PDF: use 宋体, 仿宋_GB2312, '
            "黑体, 楷体_GB2312 or 小标宋 (or SimSun, FangSong, SimHei, KaiTi)"
        )
    return name


def _checked(parse: Any) -> Any:
    def check(text: str) -> str:
        parse(text)
        return text

    return check


FontName = Annotated[Name, AfterValidator(_font_name)]
FontSize = Annotated[Name, AfterValidator(_checked(parse_size))]
LineSpacing = Annotated[Name, AfterValidator(_checked(parse_spacing))]
Length = Annotated[Name, AfterValidator(_checked(parse_length))]


class Margins(Model):
    """页边距, each with its unit (25mm, 2.5cm, 37毫米)."""

    top: Length | None = None
    """上边距."""
    bottom: Length | None = None
    """下边距."""
    left: Length | None = None
    """左边距 (the binding side)."""
    right: Length | None = None
    """右边距."""


class Format(Model):
    """版式: fonts, sizes, spacing, margins, header and page numbers of the letter, the same in
    the DOCX and the PDF. The company's is the default; a project changes what it names."""

    preset: Preset = Preset.BUSINESS
    """版式预设: business (商务投标, the default) or gbt9704 (公文); the fields below change it."""
    body_font: FontName | None = None
    """正文字体: 宋体, 仿宋_GB2312, 黑体, 楷体_GB2312 … (the DOCX names it; the PDF embeds a
    free face of the same kind)."""
    body_size: FontSize | None = None
    """正文字号: a 字号 (小四, 三号) or points (12pt)."""
    heading_font: FontName | None = None
    """一级标题字体, e.g. 黑体."""
    heading_size: FontSize | None = None
    """一级标题字号."""
    subheading_font: FontName | None = None
    """二级及以下标题字体, e.g. 楷体_GB2312 (公文); default: the 一级标题字体."""
    title_font: FontName | None = None
    """标题 (售后服务承诺书) 字体, e.g. 小标宋; default: the 一级标题字体."""
    title_size: FontSize | None = None
    """标题字号, e.g. 二号."""
    line_spacing: LineSpacing | None = None
    """行距: a multiple (1.5, 1.5倍, 单倍) or a fixed line height (28pt, 固定值28磅)."""
    margins: Margins | None = None
    """页边距."""
    header: Name | None = None
    """页眉: text to print instead of the project name and tender number; `none` (or 无) for
    no header."""
    footer: Name | None = None
    """页脚: a line of text above the page number."""
    page_numbers: PageNumbers | None = None
    """页码样式: page_of (第 1 页 共 3 页), dash (— 1 —), plain (1) or none."""


class CompanyFile(Model):
    """公司档案 (company profile): who the company is and its default commitments."""

    kind: Literal["company"]
    """文件类型: company."""
    name: Name
    """公司全称 (legal name), as on the seal."""
    short_name: Name | None = None
    """公司简称."""
    address: Text | None = None
    """地址."""
    legal_representative: Name | None = None
    """法定代表人."""
    motto: Name | None = None
    """经营宗旨/服务理念: the older place of `voice.motto` (still read; give one of the two)."""
    hotlines: list[Hotline] = []
    """服务热线."""
    contacts: list[Contact] = []
    """联系人."""
    service_network: list[ServiceCentre] = []
    """服务网络: service centres and outlets."""
    staff: list[StaffRole] = []
    """售后服务人员及资质."""
    certifications: list[Name] = []
    """资质认证, e.g. ISO 9001."""
    self_reference: SelfReference = SelfReference.OUR_COMPANY
    """自称: 我公司 (default), 本公司 or 我方; every sentence of the letter names the company
    so (an English letter says "we")."""
    seal_image: Name | None = None
    """公章图片 (PNG/JPEG), relative to this file."""
    logo_image: Name | None = None
    """标志图片 (PNG/JPEG), relative to this file; drawn as a letterhead at the left of every
    page header."""
    capacity: list[Capacity] = []
    """能力上限: the best promises the after-sales department can keep."""
    voice: Voice = Voice()
    """承诺书的表述: motto, opening pledge, closing and the company's own words by section,
    which projects may change."""
    format: Format | None = None
    """版式 of the company's letters (a project changes what it names)."""
    docx_template: Name | None = None
    """公司Word模板 (.docx), relative to this file: its styles, page margins, header and footer
    (letterhead, logo) are used for the DOCX, checked before use."""
    commitments: Commitments = Commitments()
    """默认承诺, which projects and overlays may change."""

    @field_validator("voice")
    @classmethod
    def _one_motto(cls, voice: Voice, info: ValidationInfo) -> Voice:
        if voice.motto is not None and info.data.get("motto") is not None:
            raise ValueError("the motto is given twice: write it once, as voice.motto")
        return voice


class Site(Model):
    """项目地点."""

    province: Name
    """省/自治区/直辖市, e.g. 宁夏."""
    city: Name | None = None
    """城市, e.g. 银川."""
    address: Text | None = None
    """详细地址."""
    travel: DurationField | None = None
    """车程: travel time from the nearest service centre to the site, e.g. 2h (compared with
    the centres' `reach` by capacity limits scoped within_reach / beyond_reach)."""


class Signatory(Model):
    """签署人."""

    name: Name | None = None
    """姓名; empty leaves a line to sign on."""
    title: Name | None = None
    """身份, e.g. 法定代表人, 授权代表, 业务负责人, 承诺人; empty: the letter's own default
    (法定代表人或授权代表, from `signatory_label` in the language's clauses/_letter.j2)."""
    phone: Phone | None = None
    """联系方式."""


class Deviation(StrEnum):
    """偏离情况 a bidder declares for a requirement it answers itself."""

    POSITIVE = "positive"
    """正偏离: better than required."""
    NONE = "none"
    """无偏离: as required."""
    NEGATIVE = "negative"
    """负偏离: worse than required."""


# The words tenders and bid teams write (偏离 or 偏差), accepted as input.
_DEVIATION_ALIASES = {
    "正偏离": "positive",
    "正偏差": "positive",
    "无偏离": "none",
    "无偏差": "none",
    "無偏離": "none",
    "正偏離": "positive",
    "負偏離": "negative",
    "無偏差": "none",
    "負偏差": "negative",
    "负偏离": "negative",
    "负偏差": "negative",
}


def _deviation(value: Any) -> Any:
    if isinstance(value, str):
        text = value.strip()
        return _DEVIATION_ALIASES.get(text, text.lower())
    return value


DeviationField = Annotated[
    Deviation,
    BeforeValidator(_deviation),
    WithJsonSchema(
        {
            "type": "string",
            "enum": [*(d.value for d in Deviation), *_DEVIATION_ALIASES],
            "description": "偏离情况: 正偏离, 无偏离 or 负偏离 (positive, none, negative).",
        }
    ),
]


class BidResponse(Model):
    """投标应答 to one tender clause, written by the bidder: for an item the tool cannot
    decide (不可比), one the commitments do not answer (未响应) or a `manual` item."""

    clause: Name
    """招标文件条目号 it answers, as the tender writes it, e.g. 第五章 6.5."""
    response: Text
    """投标应答: the bidder's own answer, printed in the 偏离表 as written."""
    deviation: DeviationField
    """偏离情况: 正偏离, 无偏离 or 负偏离 (负偏离 still fails the check)."""
    note: Text | None = None
    """说明, printed in the 偏离表's note column."""


class ProjectFile(Model):
    """项目档案 (project profile): one bid, built on a company profile."""

    kind: Literal["project"]
    """文件类型: project."""
    company: Name
    """公司档案: the company profile this project builds on, relative to this file."""
    project_name: Name
    """项目名称."""
    tender_number: Name | None = None
    """招标编号."""
    tenderer: Name | None = None
    """招标人/采购人; empty writes the generic term (招标人)."""
    method: Method = ProcurementMethod.TENDER
    """采购方式: 招标, 磋商, 谈判, 询价 (decides 招标人/投标人 vs 采购人/供应商), or 零售 for a
    shop's letter to its customers."""
    language: Annotated[str, AfterValidator(_known_language)] = "zh-Hans"
    """语言: the folder under templates/ that words the letter, the check and the tables."""
    site: Site | None = None
    """项目地点, used to pick region tiers."""
    products: list[Name] = []
    """所投产品/系统."""
    date: Annotated[dt.date, Field(ge=dt.date(1980, 1, 1), le=dt.date(2099, 12, 31))] | None = None
    """落款日期 (1980–2099); empty leaves 年 月 日 blanks to fill by hand."""
    signatory: Signatory = Signatory()
    """签署人."""
    customer: Name | None = None
    """客户名称 for file names, when different from the tenderer."""
    anonymous: bool = False
    """暗标: the letter identifies nobody — no company name, short name, address, hotlines,
    contacts, seal, logo, signatory or service-centre names and phones in text, headers, file
    names or metadata; a value that would still identify the bidder is an error
    (`render --anonymous` turns it on for one run)."""
    approvals: list[Approval] = []
    """审批记录 for promises beyond the department's capacity."""
    responses: Annotated[list[BidResponse], Field(max_length=500)] = []
    """投标应答 to tender clauses the commitments cannot answer (manual items, 不可比,
    未响应), one per clause; overlays change them by clause."""
    voice: Voice = Voice()
    """本项目的表述, over the company's `voice` (key by key)."""
    format: Format | None = None
    """版式 of this bid's letter, over the company's (a tender's prescribed format)."""
    commitments: Commitments = Commitments()
    """本项目的承诺, over the company defaults."""


class OverlayFile(Model):
    """客户定制 (customer overlay): a few promises changed for one customer."""

    kind: Literal["overlay"]
    """文件类型: overlay."""
    customer: Name | None = None
    """客户名称, added to output file names."""
    approvals: list[Approval] = []
    """审批记录 for promises beyond the department's capacity."""
    responses: Annotated[list[BidResponse], Field(max_length=500)] = []
    """投标应答 by clause, over the project's (see the project's `responses`)."""
    commitments: Commitments = Commitments()
    """变更的承诺: changed promises; everything left out stays as it was."""


_M = TypeVar("_M", bound=BaseModel)


class Profile(Model):
    """The resolved profile: company, project and overlays merged, ready to compose."""

    company: CompanyFile
    """公司."""
    project: ProjectFile
    """项目 (its commitments are the merged ones)."""
    customer: Name | None = None
    """客户名称 from the last overlay that names one."""

    @property
    def commitments(self) -> Commitments:
        return self.project.commitments

    @property
    def voice(self) -> Voice:
        """The company's voice (its older `motto` read as `voice.motto`) with every field the
        project sets over it. Loading has layered them already (with removals) and leaves the
        company's own empty; a Profile built from models is layered here."""
        base = self.company.voice
        if self.company.motto and base.motto is None:
            base = base.model_copy(update={"motto": self.company.motto})
        return _over(base, self.project.voice)


def _over(base: _M, top: _M) -> _M:
    """`top`'s fields over `base`, mapping by mapping (as files layer)."""
    update: dict[str, Any] = {}
    for name in top.model_fields_set:
        below, above = getattr(base, name), getattr(top, name)
        both = isinstance(below, BaseModel) and isinstance(above, BaseModel)
        update[name] = _over(below, above) if both else above
    return base.model_copy(update=update)
