"""Behaviour of the typed quantities: parsing, formatting, comparison and pydantic fields."""

import calendar
import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from generator.errors import GeneratorError
from generator.locale import get_locale
from generator.profiles.quantities import (
    Count,
    DailyWindow,
    DailyWindowField,
    Duration,
    DurationField,
    Frequency,
    FrequencyField,
    NotComparable,
    QuantityError,
    Unit,
    WorkingDayRule,
    chinese_number,
    parse_bound,
)

MIN, H, DAY, WD, MONTH, YEAR = (
    Unit.MINUTE,
    Unit.HOUR,
    Unit.DAY,
    Unit.WORKING_DAY,
    Unit.MONTH,
    Unit.YEAR,
)

ZH, EN = get_locale("zh-Hans"), get_locale("en")


def d(value: str | int, unit: Unit) -> Duration:
    """Shorthand for an expected duration."""
    return Duration(Decimal(value), unit)


# --- chinese_number ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("18", "18"),
        ("１８", "18"),
        ("1.5", "1.5"),
        ("零", "0"),
        ("一", "1"),
        ("两", "2"),
        ("十", "10"),
        ("十八", "18"),
        ("二十", "20"),
        ("二十四", "24"),
        ("三十", "30"),
        ("一百", "100"),
        ("一百二十", "120"),
        ("一百零五", "105"),
    ],
)
def test_chinese_number_reads_digits_and_numerals(text: str, expected: str) -> None:
    assert chinese_number(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["", "二三", "十十", "百十百", "abc", "1e3", "-1", "三个"])
def test_chinese_number_rejects_non_numbers(text: str) -> None:
    with pytest.raises(QuantityError, match="is not a number"):
        chinese_number(text)


# --- Duration parsing -------------------------------------------------------------------------

ENGLISH_FORMS = [
    ("8h", d(8, H)),
    ("8 h", d(8, H)),
    ("8 hours", d(8, H)),
    ("1 hour", d(1, H)),
    ("8hrs", d(8, H)),
    ("8 HOURS", d(8, H)),
    ("  8 h  ", d(8, H)),
    ("30 min", d(30, MIN)),
    ("30min", d(30, MIN)),
    ("30 minutes", d(30, MIN)),
    ("0.5h", d("0.5", H)),
    ("3 days", d(3, DAY)),
    ("3 calendar days", d(3, DAY)),
    ("3 natural days", d(3, DAY)),
    ("2 weeks", d(14, DAY)),
    ("3 working days", d(3, WD)),
    ("3 business days", d(3, WD)),
    ("3 workdays", d(3, WD)),
    ("18 months", d(18, MONTH)),
    ("18 mo", d(18, MONTH)),
    ("1 year", d(1, YEAR)),
    ("3 years", d(3, YEAR)),
    ("3y", d(3, YEAR)),
    ("immediately", d(0, MIN)),
    ("0min", d(0, MIN)),
]

CHINESE_FORMS = [
    ("8小时", d(8, H)),
    ("8个小时", d(8, H)),
    ("8 小时", d(8, H)),
    ("半小时", d(30, MIN)),  # a half hour is written whole, in minutes
    ("一小时", d(1, H)),
    ("1.5小时", d("1.5", H)),
    ("一个半小时", d("1.5", H)),
    ("30分钟", d(30, MIN)),
    ("三十分钟", d(30, MIN)),
    ("3天", d(3, DAY)),
    ("3日", d(3, DAY)),
    ("3个自然日", d(3, DAY)),
    ("3个工作日", d(3, WD)),
    ("七个工作日", d(7, WD)),
    ("两周", d(14, DAY)),
    ("18个月", d(18, MONTH)),
    ("十八个月", d(18, MONTH)),
    ("二十四个月", d(24, MONTH)),
    ("一百二十个月", d(120, MONTH)),
    ("一年", d(1, YEAR)),
    ("两年", d(2, YEAR)),
    ("3年", d(3, YEAR)),
    ("半年", d(6, MONTH)),
    ("一年半", d(18, MONTH)),
    ("１８个月", d(18, MONTH)),
    ("24小时内", d(24, H)),
    ("2小时以内", d(2, H)),
    ("内24小时", d(24, H)),
    ("立即", d(0, MIN)),
]


@pytest.mark.parametrize(("text", "expected"), ENGLISH_FORMS + CHINESE_FORMS)
def test_duration_parses_to_exact_value_and_unit(text: str, expected: Duration) -> None:
    parsed = Duration.parse(text)
    assert (parsed.value, parsed.unit) == (expected.value, expected.unit)


@pytest.mark.parametrize(("text", "expected"), ENGLISH_FORMS + CHINESE_FORMS)
def test_duration_round_trips_through_str(text: str, expected: Duration) -> None:
    assert Duration.parse(str(Duration.parse(text))) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("18 mounths", '"18 mounths" is not a duration (did you mean "18 months"?)'),
        ("3 workng days", '"3 workng days" is not a duration (did you mean "3 working days"?)'),
        ("30 minuts", '"30 minuts" is not a duration (did you mean "30 minutes"?)'),
        # 3月 reads as March, so a month count needs 个.
        ("18月", '"18月" is not a duration (did you mean "18个月"?)'),
        (
            "18 parsecs",
            '"18 parsecs" is not a duration (unknown unit "parsecs"; '
            'write e.g. "18 months" or "18个月")',
        ),
        ("18", '"18" has no unit (write e.g. "18 months" or "18个月")'),
        ("十八", '"十八" has no unit (write e.g. "18 months" or "18个月")'),
        ("小时", '"小时" has no number (write e.g. "18 months" or "18个月")'),
        ("", 'a duration cannot be empty (write e.g. "18 months" or "18个月")'),
        ("   ", 'a duration cannot be empty (write e.g. "18 months" or "18个月")'),
        ("-3 days", '"-3 days" is negative; a duration must be 0 or more'),
        ("-3天", '"-3天" is negative; a duration must be 0 or more'),
        ("yes", '"yes" is not a duration (write e.g. "18 months" or "18个月")'),
        ("true", '"true" is not a duration (write e.g. "18 months" or "18个月")'),
        ("nan", '"nan" is not a duration (write e.g. "18 months" or "18个月")'),
        ("inf hours", '"inf hours" is not a duration (write e.g. "18 months" or "18个月")'),
        ("soon", '"soon" is not a duration (write e.g. "18 months" or "18个月")'),
    ],
)
def test_duration_rejects_bad_text_with_a_printable_message(text: str, message: str) -> None:
    with pytest.raises(QuantityError) as caught:
        Duration.parse(text)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (Decimal(-1), "a duration must be 0 or more, not -1"),
        (Decimal("NaN"), "a duration must be a finite number, not NaN"),
        (Decimal("Infinity"), "a duration must be a finite number, not Infinity"),
    ],
)
def test_duration_constructor_rejects_negative_and_non_finite(value: Decimal, message: str) -> None:
    with pytest.raises(QuantityError) as caught:
        Duration(value, Unit.HOUR)
    assert str(caught.value) == message


def test_duration_normalises_value_so_equal_values_print_alike() -> None:
    assert str(Duration(Decimal("18.0"), MONTH)) == "18 months"
    assert Duration(Decimal("18.0"), MONTH) == d(18, MONTH)


# --- Duration formatting ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("duration", "zh", "en", "canonical"),
    [
        (d(8, H), "8小时", "8 hours", "8 h"),
        (d(1, H), "1小时", "1 hour", "1 h"),
        (d("1.5", H), "1.5小时", "1.5 hours", "1.5 h"),
        (d(30, MIN), "30分钟", "30 minutes", "30 min"),
        (d(1, MIN), "1分钟", "1 minute", "1 min"),
        (d(3, DAY), "3天", "3 days", "3 days"),
        (d(1, DAY), "1天", "1 day", "1 day"),
        (d(3, WD), "3个工作日", "3 working days", "3 working days"),
        (d(1, WD), "1个工作日", "1 working day", "1 working day"),
        (d(18, MONTH), "18个月", "18 months", "18 months"),
        (d(1, MONTH), "1个月", "1 month", "1 month"),
        (d(3, YEAR), "3年", "3 years", "3 years"),
        (d(1, YEAR), "1年", "1 year", "1 year"),
        (d(0, MIN), "立即", "immediately", "0 min"),
        (d(0, H), "立即", "immediately", "0 h"),
        (d(0, MONTH), "0个月", "0 months", "0 months"),  # zero warranty is not "immediate"
    ],
)
def test_duration_formats(duration: Duration, zh: str, en: str, canonical: str) -> None:
    assert (ZH.value(duration), EN.value(duration), str(duration)) == (zh, en, canonical)


@pytest.mark.parametrize(
    ("duration", "immediate"),
    [(d(0, MIN), True), (d(0, WD), True), (d(1, MIN), False), (d(0, YEAR), False)],
)
def test_is_immediate(duration: Duration, immediate: bool) -> None:
    assert duration.is_immediate is immediate


# --- Duration comparison ----------------------------------------------------------------------

EIGHT_HOUR_DAY = WorkingDayRule(Decimal(8))
ELAPSED_DAY = WorkingDayRule(Decimal(24))


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("60 min", "1 h", 0),
        ("59 min", "1 h", -1),
        ("61 min", "1 h", 1),
        ("1440 min", "1 day", 0),
        ("24 h", "1 day", 0),
        ("25 h", "1 day", 1),
        ("半小时", "0.5 h", 0),
        ("2 h", "30 min", 1),
        ("3 days", "72 h", 0),
        ("12 months", "1 year", 0),
        ("36个月", "3年", 0),
        ("二十四个月", "两年", 0),
        ("18 months", "1 year", 1),
        ("一年半", "2 years", -1),
        ("3 working days", "5 working days", -1),
        ("立即", "2 h", -1),
    ],
)
def test_duration_compare_within_a_family(a: str, b: str, expected: int) -> None:
    left, right = Duration.parse(a), Duration.parse(b)
    assert left.compare(right) == expected
    assert right.compare(left) == -expected
    assert left.same_as(right) is (expected == 0)


@pytest.mark.parametrize(
    ("a", "b", "rule", "expected"),
    [
        ("3 working days", "72 h", ELAPSED_DAY, 0),
        ("3 working days", "72 h", EIGHT_HOUR_DAY, -1),
        ("3 working days", "24 h", EIGHT_HOUR_DAY, 0),
        ("1 working day", "1 day", EIGHT_HOUR_DAY, -1),
        ("1 working day", "480 min", EIGHT_HOUR_DAY, 0),
    ],
)
def test_working_days_compare_with_time_under_a_rule(
    a: str, b: str, rule: WorkingDayRule, expected: int
) -> None:
    left, right = Duration.parse(a), Duration.parse(b)
    assert left.compare(right, rule) == expected
    assert right.compare(left, rule) == -expected


@pytest.mark.parametrize(
    ("a", "b", "message"),
    [
        (
            "3 working days",
            "72 h",
            "cannot compare 3 working days with 72 h without a working-day rule",
        ),
        (
            "30 min",
            "1 working day",
            "cannot compare 30 min with 1 working day without a working-day rule",
        ),
        (
            "3 days",
            "3 working days",
            "cannot compare 3 days with 3 working days without a working-day rule",
        ),
        (
            "1 month",
            "30 days",
            "cannot compare 1 month with 30 days "
            "because months and years have no fixed length in days",
        ),
        (
            "1 year",
            "8760 h",
            "cannot compare 1 year with 8760 h "
            "because months and years have no fixed length in days",
        ),
        (
            "1 month",
            "20 working days",
            "cannot compare 1 month with 20 working days "
            "because working days do not convert to months or years",
        ),
    ],
)
def test_duration_compare_across_families_is_refused(a: str, b: str, message: str) -> None:
    with pytest.raises(NotComparable) as caught:
        Duration.parse(a).compare(Duration.parse(b))
    assert str(caught.value) == message
    assert isinstance(caught.value, GeneratorError)


def test_a_rule_does_not_bridge_working_days_and_months() -> None:
    with pytest.raises(NotComparable, match="working days do not convert to months"):
        d(20, WD).compare(d(1, MONTH), ELAPSED_DAY)


def test_rich_comparisons_follow_compare_and_refuse_across_families() -> None:
    assert d(2, H) < d(3, H)
    assert d(36, MONTH) <= d(3, YEAR)
    assert d(3, YEAR) >= d(36, MONTH)
    assert d(1, DAY) > d(23, H)
    assert not d(1, DAY) > d(24, H)
    assert sorted([d(1, DAY), d(30, MIN), d(2, H)]) == [d(30, MIN), d(2, H), d(1, DAY)]
    with pytest.raises(NotComparable):
        _ = d(1, WD) < d(8, H)


def test_equality_is_as_written_and_same_as_is_by_quantity() -> None:
    assert d(36, MONTH) != d(3, YEAR)
    assert d(36, MONTH).same_as(d(3, YEAR))
    assert hash(Duration.parse("18个月")) == hash(Duration.parse("18 months"))


@pytest.mark.parametrize(
    ("duration", "unit", "rule", "expected"),
    [
        (d(2, H), MIN, None, "120"),
        (d(90, MIN), H, None, "1.5"),
        (d(3, DAY), H, None, "72"),
        (d(18, MONTH), YEAR, None, "1.5"),
        (d(2, YEAR), MONTH, None, "24"),
        (d(3, WD), H, EIGHT_HOUR_DAY, "24"),
        (d(48, H), WD, ELAPSED_DAY, "2"),
        (d(5, WD), WD, None, "5"),
    ],
)
def test_duration_to_converts(
    duration: Duration, unit: Unit, rule: WorkingDayRule | None, expected: str
) -> None:
    assert duration.to(unit, rule) == Decimal(expected)


@pytest.mark.parametrize(
    ("duration", "unit", "message"),
    [
        (d(3, WD), H, "cannot convert 3 working days to hours without a working-day rule"),
        (
            d(30, DAY),
            MONTH,
            "cannot convert 30 days to months "
            "because months and years have no fixed length in days",
        ),
    ],
)
def test_duration_to_refuses_across_families(duration: Duration, unit: Unit, message: str) -> None:
    with pytest.raises(NotComparable) as caught:
        duration.to(unit)
    assert str(caught.value) == message


@pytest.mark.parametrize("hours", ["0", "-1", "25"])
def test_working_day_rule_is_bounded(hours: str) -> None:
    with pytest.raises(QuantityError, match="at most 24 hours"):
        WorkingDayRule(Decimal(hours))


# --- Frequency --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "times", "per"),
    [
        ("每半年一次", 1, d(6, MONTH)),
        ("一年2次", 2, d(1, YEAR)),
        ("一年两次", 2, d(1, YEAR)),
        ("每年2次", 2, d(1, YEAR)),
        ("每年两次", 2, d(1, YEAR)),
        ("每年不少于2次", 2, d(1, YEAR)),
        ("每月一次", 1, d(1, MONTH)),
        ("每季度一次", 1, d(3, MONTH)),
        ("每周一次", 1, d(7, DAY)),
        ("每两周一次", 1, d(14, DAY)),
        ("每3个月一次", 1, d(3, MONTH)),
        ("每小时一次", 1, d(1, H)),
        ("半年一次", 1, d(6, MONTH)),
        ("quarterly", 1, d(3, MONTH)),
        ("monthly", 1, d(1, MONTH)),
        ("weekly", 1, d(7, DAY)),
        ("yearly", 1, d(1, YEAR)),
        ("annually", 1, d(1, YEAR)),
        ("Annually", 1, d(1, YEAR)),
        ("2 per year", 2, d(1, YEAR)),
        ("2/year", 2, d(1, YEAR)),
        ("2 times per year", 2, d(1, YEAR)),
        ("twice a year", 2, d(1, YEAR)),
        ("once a month", 1, d(1, MONTH)),
        ("once a quarter", 1, d(3, MONTH)),
        ("once an hour", 1, d(1, H)),
        ("every 6 months", 1, d(6, MONTH)),
        ("once every 6 months", 1, d(6, MONTH)),
        ("every 2 weeks", 1, d(14, DAY)),
        ("every month", 1, d(1, MONTH)),
        ("1 per 6 months", 1, d(6, MONTH)),
    ],
)
def test_frequency_parses(text: str, times: int, per: Duration) -> None:
    parsed = Frequency.parse(text)
    assert (parsed.times, parsed.per.value, parsed.per.unit) == (times, per.value, per.unit)
    assert Frequency.parse(str(parsed)) == parsed
    assert Frequency.parse(ZH.value(parsed)).compare(parsed) == 0
    assert Frequency.parse(EN.value(parsed)).compare(parsed) == 0


@pytest.mark.parametrize(
    ("frequency", "zh", "en", "canonical"),
    [
        (Frequency(1, d(6, MONTH)), "每半年一次", "once every 6 months", "1 per 6 months"),
        (Frequency(2, d(1, YEAR)), "每年2次", "twice a year", "2 per year"),
        (Frequency(1, d(1, YEAR)), "每年一次", "once a year", "1 per year"),
        (Frequency(1, d(1, MONTH)), "每月一次", "once a month", "1 per month"),
        (Frequency(1, d(3, MONTH)), "每季度一次", "once a quarter", "1 per 3 months"),
        (Frequency(1, d(4, MONTH)), "每4个月一次", "once every 4 months", "1 per 4 months"),
        (Frequency(1, d(12, MONTH)), "每年一次", "once every 12 months", "1 per 12 months"),
        (Frequency(1, d(7, DAY)), "每周一次", "once a week", "1 per 7 days"),
        (Frequency(1, d(14, DAY)), "每2周一次", "once every 14 days", "1 per 14 days"),
        (Frequency(3, d(1, DAY)), "每天3次", "3 times a day", "3 per day"),
        (Frequency(1, d(2, YEAR)), "每2年一次", "once every 2 years", "1 per 2 years"),
    ],
)
def test_frequency_formats(frequency: Frequency, zh: str, en: str, canonical: str) -> None:
    assert (ZH.value(frequency), EN.value(frequency), str(frequency)) == (zh, en, canonical)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("每半年一次", "一年2次", 0),
        ("every 6 months", "twice a year", 0),
        ("quarterly", "每年2次", 1),
        ("yearly", "每半年一次", -1),
        ("monthly", "quarterly", 1),
        ("3 per year", "quarterly", -1),
        ("weekly", "every 2 weeks", 1),
        ("daily", "every 24 h", 0),
        ("weekly", "monthly", 1),  # 7 days beats even the shortest month
        ("every 32 days", "monthly", -1),  # 32 days is longer than the longest month
        ("every 400 days", "yearly", -1),
    ],
)
def test_frequency_compare_by_rate(a: str, b: str, expected: int) -> None:
    left, right = Frequency.parse(a), Frequency.parse(b)
    assert left.compare(right) == expected
    assert right.compare(left) == -expected


@pytest.mark.parametrize(
    ("a", "b", "message"),
    [
        (
            "monthly",
            "every 30 days",
            "cannot compare 1 per month with 1 per 30 days "
            "because a month is 28 to 31 days and a year 365 or 366",
        ),
        (
            "daily",
            "every 3 working days",
            "cannot compare 1 per day with 1 per 3 working days without a working-day rule",
        ),
        (
            "monthly",
            "every 20 working days",
            "cannot compare 1 per month with 1 per 20 working days "
            "because working days do not convert to months or years",
        ),
    ],
)
def test_frequency_compare_refuses_when_undecidable(a: str, b: str, message: str) -> None:
    with pytest.raises(NotComparable) as caught:
        Frequency.parse(a).compare(Frequency.parse(b))
    assert str(caught.value) == message


def test_frequency_compare_with_working_day_rule() -> None:
    daily = Frequency.parse("daily")
    every_working_day = Frequency.parse("once a working day")
    assert every_working_day.compare(daily, ELAPSED_DAY) == 0
    assert every_working_day.compare(daily, EIGHT_HOUR_DAY) == 1


@pytest.mark.parametrize(
    ("text", "rate"),
    [
        ("每半年一次", "2"),
        ("每年2次", "2"),
        ("monthly", "12"),
        ("quarterly", "4"),
        ("every 2 years", "0.5"),
        ("daily", "365"),  # periods in days count a year as 365 days
    ],
)
def test_frequency_rate_per_year(text: str, rate: str) -> None:
    assert Frequency.parse(text).rate_per_year() == Decimal(rate)


def test_frequency_rate_per_year_refuses_working_days() -> None:
    with pytest.raises(NotComparable):
        Frequency.parse("once a working day").rate_per_year()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "sometimes",
            '"sometimes" is not a frequency '
            '(write e.g. "twice a year", "every 6 months" or "每半年一次")',
        ),
        (
            "每年",
            '"每年" is not a frequency '
            '(write e.g. "twice a year", "every 6 months" or "每半年一次")',
        ),
        (
            "every 6 mounths",
            '"every 6 mounths" is not a frequency '
            '(write e.g. "twice a year", "every 6 months" or "每半年一次")',
        ),
        ("0 per year", '"0 per year" must happen at least once'),
        ("每年零次", '"每年零次" must happen at least once'),
        ("1 per 0 months", '"1 per 0 months" needs a period longer than 0'),
    ],
)
def test_frequency_rejects_bad_text(text: str, message: str) -> None:
    with pytest.raises(QuantityError) as caught:
        Frequency.parse(text)
    assert str(caught.value) == message


# --- DailyWindow ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "start", "end", "days"),
    [
        ("8:00-24:00", 480, 1440, "all"),
        ("8:00–24:00", 480, 1440, "all"),
        ("08:00 to 24:00", 480, 1440, "all"),
        ("8:00至24:00", 480, 1440, "all"),
        ("早8:00至晚12:00", 480, 1440, "all"),
        ("早8:00至晚8:00", 480, 1200, "all"),
        ("下午1:00-晚上9:30", 780, 1290, "all"),
        ("８：００-２０：００", 480, 1200, "all"),
        ("8点至20点", 480, 1200, "all"),
        ("7x24", 0, 1440, "all"),
        ("7×24", 0, 1440, "all"),
        ("7*24", 0, 1440, "all"),
        ("24/7", 0, 1440, "all"),
        ("7×24小时", 0, 1440, "all"),
        ("24小时", 0, 1440, "all"),
        ("全天24小时", 0, 1440, "all"),
        ("24h", 0, 1440, "all"),
        ("工作日 9:00-17:30", 540, 1050, "working"),
        ("工作日9:00至17:30", 540, 1050, "working"),
        ("working days 9:00-17:30", 540, 1050, "working"),
        ("5x8", 540, 1020, "working"),
        ("5×8", 540, 1020, "working"),
        ("每天8:00-20:00", 480, 1200, "all"),
    ],
)
def test_daily_window_parses(text: str, start: int, end: int, days: str) -> None:
    parsed = DailyWindow.parse(text)
    assert (parsed.start, parsed.end, parsed.days) == (start, end, days)
    assert DailyWindow.parse(str(parsed)) == parsed
    assert DailyWindow.parse(ZH.value(parsed)) == parsed


@pytest.mark.parametrize(
    ("window", "zh", "en", "canonical", "hours"),
    [
        (DailyWindow(480, 1440), "8:00至24:00", "8:00–24:00 every day", "8:00-24:00", "16"),
        (
            DailyWindow(0, 1440),
            "7×24小时",
            "24 hours a day, 7 days a week",
            "7x24",
            "24",
        ),
        (
            DailyWindow(510, 1050, "working"),
            "工作日8:30至17:30",
            "8:30–17:30 on working days",
            "working days 8:30-17:30",
            "9",
        ),
        (DailyWindow(480, 1200), "8:00至20:00", "8:00–20:00 every day", "8:00-20:00", "12"),
        (
            DailyWindow(540, 1050, "working"),
            "工作日9:00至17:30",
            "9:00–17:30 on working days",
            "working days 9:00-17:30",
            "8.5",
        ),
    ],
)
def test_daily_window_formats(
    window: DailyWindow, zh: str, en: str, canonical: str, hours: str
) -> None:
    assert (ZH.value(window), EN.value(window), str(window)) == (zh, en, canonical)
    assert str(window.hours()) == hours


@pytest.mark.parametrize(
    ("window", "round_the_clock"),
    [
        (DailyWindow(0, 1440), True),
        (DailyWindow(0, 1440, "working"), False),
        (DailyWindow(0, 1439), False),
    ],
)
def test_is_round_the_clock(window: DailyWindow, round_the_clock: bool) -> None:
    assert window.is_round_the_clock is round_the_clock


@pytest.mark.parametrize(
    ("outer", "inner", "covers"),
    [
        ("7x24", "8:00-24:00", True),
        ("7x24", "working days 9:00-17:30", True),
        ("8:00-24:00", "7x24", False),
        ("8:00-24:00", "8:00-24:00", True),
        ("8:00-24:00", "working days 9:00-17:30", True),
        ("working days 8:00-24:00", "9:00-17:30", False),  # misses weekends
        ("9:00-17:00", "8:30-17:00", False),
        ("9:00-17:00", "9:00-17:30", False),
        ("5x8", "working days 9:00-17:00", True),
    ],
)
def test_daily_window_covers(outer: str, inner: str, covers: bool) -> None:
    assert DailyWindow.parse(outer).covers(DailyWindow.parse(inner)) is covers


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "22:00-6:00",
            '"22:00-6:00" ends before it starts (overnight windows are not supported; '
            'write "7x24" or a window within one day)',
        ),
        ("8:00-8:00", '"8:00-8:00" ends when it starts'),
        ("8:00-25:00", '"8:00-25:00": 25:00 is not a time of day'),
        ("8:00-24:30", '"8:00-24:30": 24:30 is not a time of day'),
        ("8:61-9:00", '"8:61-9:00": 8:61 is not a time of day'),
        (
            "morning",
            '"morning" is not a daily window '
            '(write e.g. "8:00-24:00", "7x24" or "工作日9:00至17:30")',
        ),
        ("working days 7x24", '"working days 7x24" says both working days and 7x24'),
    ],
)
def test_daily_window_rejects_bad_text(text: str, message: str) -> None:
    with pytest.raises(QuantityError) as caught:
        DailyWindow.parse(text)
    assert str(caught.value) == message


@pytest.mark.parametrize(("start", "end"), [(600, 600), (1200, 360), (-1, 60), (0, 1441)])
def test_daily_window_constructor_rejects_backward_or_out_of_day(start: int, end: int) -> None:
    with pytest.raises(QuantityError, match="must run forward within one day"):
        DailyWindow(start, end)


# --- pydantic integration ---------------------------------------------------------------------


class Commitments(BaseModel):
    """A stand-in for the real models: frozen, no extra keys."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    response: DurationField
    inspection: FrequencyField
    hotline: DailyWindowField


def test_fields_parse_yaml_text_and_serialise_to_canonical_text() -> None:
    model = Commitments.model_validate(
        {"response": "半小时", "inspection": "每半年一次", "hotline": "早8:00至晚12:00"}
    )
    assert model.response == d(30, MIN)
    assert model.inspection == Frequency(1, d(6, MONTH))
    assert model.hotline == DailyWindow(480, 1440)
    dumped = model.model_dump()
    assert dumped == {
        "response": "30 min",
        "inspection": "1 per 6 months",
        "hotline": "8:00-24:00",
    }
    assert Commitments.model_validate(dumped) == model
    assert Commitments.model_validate_json(model.model_dump_json()) == model


def test_fields_accept_existing_instances_unchanged() -> None:
    duration = d(8, H)
    assert TypeAdapter(DurationField).validate_python(duration) is duration


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("18 mounths", '"18 mounths" is not a duration (did you mean "18 months"?)'),
        (18, '18 has no unit; write a unit, e.g. "18 months"'),
        (1.5, '1.5 has no unit; write a unit, e.g. "18 months"'),
        (True, 'true is not a duration (write e.g. "18 months")'),
        (None, 'a duration must be text, e.g. "18 months"'),
    ],
)
def test_duration_field_reports_quantity_errors(value: object, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        TypeAdapter(DurationField).validate_python(value)
    errors = caught.value.errors()
    assert len(errors) == 1
    assert errors[0]["msg"] == f"Value error, {message}"


def test_model_reports_every_bad_field_with_its_path() -> None:
    with pytest.raises(ValidationError) as caught:
        Commitments.model_validate({"response": "18", "inspection": "often", "hotline": 8})
    assert [(e["loc"], e["type"]) for e in caught.value.errors()] == [
        (("response",), "value_error"),
        (("inspection",), "value_error"),
        (("hotline",), "value_error"),
    ]


def test_json_schema_is_a_plain_string_with_examples() -> None:
    schema = Commitments.model_json_schema()
    for field in ("response", "inspection", "hotline"):
        entry = schema["properties"][field]
        assert entry["type"] == "string"
        assert entry["description"]
        assert entry["examples"]
    assert TypeAdapter(DurationField).json_schema()["examples"][0] == "8 h"
    # Every example in the schema must itself be valid input.
    for example in schema["properties"]["response"]["examples"]:
        Duration.parse(example)
    for example in schema["properties"]["inspection"]["examples"]:
        Frequency.parse(example)
    for example in schema["properties"]["hotline"]["examples"]:
        DailyWindow.parse(example)


# --- Chinese in: values as tenders write them -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("壹", "1"),
        ("贰", "2"),
        ("貳", "2"),  # Traditional form of the financial 2
        ("叁", "3"),
        ("參", "3"),
        ("肆", "4"),
        ("伍", "5"),
        ("陆", "6"),
        ("陸", "6"),
        ("柒", "7"),
        ("捌", "8"),
        ("玖", "9"),
        ("拾", "10"),
        ("拾贰", "12"),
        ("贰拾肆", "24"),
        ("叁拾陆", "36"),
        ("壹佰", "100"),
        ("壹佰贰拾", "120"),
        ("壹佰零伍", "105"),
        ("壹仟", "1000"),
        ("两", "2"),
        ("兩", "2"),
        ("俩", "2"),
        ("两百", "200"),
    ],
)
def test_chinese_number_reads_financial_numerals(text: str, expected: str) -> None:
    assert chinese_number(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["壹贰", "拾拾", "佰拾佰", "叁个"])
def test_chinese_number_rejects_malformed_financial_numerals(text: str) -> None:
    with pytest.raises(QuantityError, match="is not a number"):
        chinese_number(text)


TENDER_DURATIONS = [
    # Traditional script
    ("3個月", d(3, MONTH)),
    ("十八個月", d(18, MONTH)),
    ("24小時", d(24, H)),
    ("2個小時", d(2, H)),
    ("30分鐘", d(30, MIN)),
    ("2週", d(14, DAY)),
    ("2年", d(2, YEAR)),
    ("3天", d(3, DAY)),
    ("3工作天", d(3, WD)),
    ("3個工作天", d(3, WD)),
    ("3個工作日", d(3, WD)),
    ("24小時內", d(24, H)),
    # financial numerals
    ("叁年", d(3, YEAR)),
    ("贰拾肆小时", d(24, H)),
    ("叁拾陆个月", d(36, MONTH)),
    ("伍个工作日", d(5, WD)),
    ("两年", d(2, YEAR)),
    ("俩小时", d(2, H)),
    # natural and calendar units
    ("36个自然月", d(36, MONTH)),
    ("36自然月", d(36, MONTH)),
    ("30个自然日", d(30, DAY)),
    ("30日历天", d(30, DAY)),
    ("30个日历日", d(30, DAY)),
    ("1自然年", d(1, YEAR)),
    ("3个工作日", d(3, WD)),
    ("3工作日", d(3, WD)),
    ("3个工作天", d(3, WD)),
    ("半月", d("0.5", MONTH)),
    ("半个月", d("0.5", MONTH)),
    ("3 weekdays", d(3, WD)),
    # inclusive and open forms: the value; parse_bound reports the bound
    ("6年(含6年)", d(6, YEAR)),
    ("6年（含6年）", d(6, YEAR)),
    ("6年（含）", d(6, YEAR)),
    ("6年(含)以上", d(6, YEAR)),
    ("不少于2年", d(2, YEAR)),
    ("不低于2年", d(2, YEAR)),
    ("至少2年", d(2, YEAR)),
    ("2年以上", d(2, YEAR)),
    ("2年及以上", d(2, YEAR)),
    ("24小时以内", d(24, H)),
    ("24小时内", d(24, H)),
    ("24小时之内", d(24, H)),
    ("不超过24小时", d(24, H)),
    ("≤24小时", d(24, H)),
    ("≥2年", d(2, YEAR)),
    ("≥ 2年", d(2, YEAR)),
    ("at least 2 years", d(2, YEAR)),
    ("within 24 h", d(24, H)),
]


@pytest.mark.parametrize(("text", "expected"), TENDER_DURATIONS)
def test_duration_parses_tender_forms(text: str, expected: Duration) -> None:
    parsed = Duration.parse(text)
    assert (parsed.value, parsed.unit) == (expected.value, expected.unit)
    assert Duration.parse(str(parsed)) == parsed


@pytest.mark.parametrize(
    ("text", "bound", "rest"),
    [
        ("6年(含6年)", None, "6年"),
        ("6年（含）", None, "6年"),
        ("6年(含6年)以上", "at_least", "6年"),
        ("2年(含)以上", "at_least", "2年"),
        ("不少于2年", "at_least", "2年"),
        ("不低于2年", "at_least", "2年"),
        ("不得少于2年", "at_least", "2年"),
        ("至少2年", "at_least", "2年"),
        ("2年以上", "at_least", "2年"),
        ("≥2年", "at_least", "2年"),
        (">=2年", "at_least", "2年"),
        ("95%以上", "at_least", "95%"),
        ("两名(含)以上", "at_least", "两名"),
        ("不少于2名", "at_least", "2名"),
        ("每季度不少于1次", "at_least", "每季度1次"),
        ("每年至少2次", "at_least", "每年2次"),
        ("at least 2 years", "at_least", "2 years"),
        ("2 years or more", "at_least", "2 years"),
        ("24小时以内", "at_most", "24小时"),
        ("24小时内", "at_most", "24小时"),
        ("24小時內", "at_most", "24小时"),
        ("内24小时", "at_most", "24小时"),
        ("≤24小时", "at_most", "24小时"),
        ("不超过24小时", "at_most", "24小时"),
        ("最长不超过24小时", "at_most", "24小时"),
        ("within 24 h", "at_most", "24 h"),
        ("超过2年", "more_than", "2年"),
        ("少于24小时", "less_than", "24小时"),
        ("2年", None, "2年"),
        ("每月巡检一次", None, "每月巡检一次"),
        ("7×24小时", None, "7×24小时"),
    ],
)
def test_parse_bound_splits_the_bound_from_the_value(
    text: str, bound: str | None, rest: str
) -> None:
    assert parse_bound(text) == (bound, rest)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "不少于2年以内",
            '"不少于2年以内" has two bounds that disagree: '
            '"不少于" (at least) and "以内" (at most)',
        ),
        (
            "至少24小时内",
            '"至少24小时内" has two bounds that disagree: "至少" (at least) and "内" (at most)',
        ),
    ],
)
def test_parse_bound_refuses_contradicting_bounds(text: str, message: str) -> None:
    with pytest.raises(QuantityError) as caught:
        parse_bound(text)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("parse", "text"),
    [
        (Duration.parse, "超过2年"),
        (Duration.parse, "少于24小时"),
        (Duration.parse, "more than 2 years"),
        (Frequency.parse, "每年多于3次"),
        (Count.parse, "超过2名"),
    ],
)
def test_strict_bounds_are_not_read_as_their_number(
    parse: Callable[[str], object], text: str
) -> None:
    """超过2年 does not allow 2 years itself, so it is not silently read as 2 years."""
    with pytest.raises(QuantityError, match="excludes the number itself"):
        parse(text)


@pytest.mark.parametrize(
    "text", ["终身", "終身", "终生", "永久", "不限", "无限工时", "不限工时", "unlimited"]
)
def test_unlimited_durations(text: str) -> None:
    unlimited = Duration.parse(text, unlimited=True)
    assert unlimited.is_unlimited
    assert unlimited == Duration.unlimited()
    assert str(unlimited) == "unlimited"
    assert Duration.parse(str(unlimited), unlimited=True) == unlimited


def test_unlimited_is_refused_unless_the_caller_allows_it() -> None:
    with pytest.raises(QuantityError) as caught:
        Duration.parse("终身")
    assert str(caught.value) == '"终身" means unlimited, which this value cannot be'
    with pytest.raises(QuantityError, match="a duration must be a finite number"):
        Duration(Decimal("Infinity"), YEAR)


@pytest.mark.parametrize("finite", ["0 min", "8 h", "3 working days", "36 months", "1000000 years"])
def test_unlimited_is_longer_than_any_finite_duration_of_any_unit(finite: str) -> None:
    unlimited, other = Duration.unlimited(), Duration.parse(finite)
    assert not other.is_unlimited
    assert unlimited.compare(other) == 1
    assert other.compare(unlimited) == -1
    assert unlimited > other
    assert unlimited.compare_bounds(other) == 1
    assert unlimited.is_at_least(other) is True
    assert other.is_at_least(unlimited) is False
    assert unlimited.compare(Duration.unlimited()) == 0
    assert unlimited.to(Unit.MINUTE) == Decimal("Infinity")


@pytest.mark.parametrize(
    ("text", "start", "end", "days"),
    [
        ("7天×24小时", 0, 1440, "all"),
        ("7*24小时", 0, 1440, "all"),
        ("7＊24小时", 0, 1440, "all"),
        ("7x24", 0, 1440, "all"),
        ("7X24", 0, 1440, "all"),
        ("365天24小时", 0, 1440, "all"),
        ("365天×24小时", 0, 1440, "all"),
        ("365×24", 0, 1440, "all"),
        ("24小时×365天", 0, 1440, "all"),
        ("24小时应急", 0, 1440, "all"),
        ("24小時應急", 0, 1440, "all"),
        ("全天候", 0, 1440, "all"),
        ("24小时不间断", 0, 1440, "all"),
        ("24小时不间断服务", 0, 1440, "all"),
        ("7×24小时值守", 0, 1440, "all"),
        ("5天×8小时", 540, 1020, "working"),
        ("8:00-20:00值班", 480, 1200, "all"),
    ],
)
def test_daily_window_parses_tender_forms(text: str, start: int, end: int, days: str) -> None:
    parsed = DailyWindow.parse(text)
    assert (parsed.start, parsed.end, parsed.days) == (start, end, days)


@pytest.mark.parametrize("text", ["应急", "不间断", "工作日全天候", "工作日7天×24小时"])
def test_daily_window_tender_forms_keep_their_checks(text: str) -> None:
    with pytest.raises(QuantityError):
        DailyWindow.parse(text)


@pytest.mark.parametrize(
    ("text", "times", "per", "bound"),
    [
        ("每月巡检一次", 1, d(1, MONTH), None),
        ("每月一次巡检", 1, d(1, MONTH), None),
        ("每3个月巡检一次", 1, d(3, MONTH), None),
        ("每季度上门服务一次", 1, d(3, MONTH), None),
        ("每半月一次", 1, d("0.5", MONTH), None),
        ("每半个月一次", 1, d("0.5", MONTH), None),
        ("每季度不少于1次", 1, d(3, MONTH), "at_least"),
        ("每年不少于2次", 2, d(1, YEAR), "at_least"),
        ("每年至少进行2次", 2, d(1, YEAR), "at_least"),
        ("每年2次以上", 2, d(1, YEAR), "at_least"),
        ("一年两次", 2, d(1, YEAR), None),
        ("每两周一次", 1, d(14, DAY), None),
        ("每週一次", 1, d(7, DAY), None),
        ("每週巡檢一次", 1, d(7, DAY), None),
        ("每年不少於貳次", 2, d(1, YEAR), "at_least"),
        ("每隔3个月一次", 1, d(3, MONTH), None),
        ("每年巡检叁次", 3, d(1, YEAR), None),
        ("每年度一次", 1, d(1, YEAR), None),
        ("at least twice a year", 2, d(1, YEAR), "at_least"),
    ],
)
def test_frequency_parses_tender_forms(
    text: str, times: int, per: Duration, bound: str | None
) -> None:
    parsed = Frequency.parse(text)
    assert (parsed.times, parsed.per.value, parsed.per.unit) == (times, per.value, per.unit)
    assert Frequency.parse(str(parsed)) == parsed
    assert parse_bound(text)[0] == bound


@pytest.mark.parametrize(
    "text",
    [
        "每年上半年一次",  # a half in the deed: not a period this parser can be sure of
        "每年2次，每次3天",  # a second quantity after the count
        "每月巡检",  # no count
    ],
)
def test_frequency_refuses_what_it_cannot_read_whole(text: str) -> None:
    with pytest.raises(QuantityError, match="is not a frequency"):
        Frequency.parse(text)


def test_every_half_month_is_as_often_as_twice_a_month() -> None:
    assert Frequency.parse("每半月一次").compare(Frequency.parse("每月2次")) == 0
    assert Frequency.parse("每半月一次").rate_per_year() == 24


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3", Count(3)),
        ("3人", Count(3, "人")),
        ("两次", Count(2, "次")),
        ("2台", Count(2, "台")),
        ("两个人", Count(2, "人")),
        ("不少于2名", Count(2, "名")),
        ("两名(含)以上", Count(2, "名")),
        ("叁次", Count(3, "次")),
        ("贰拾台", Count(20, "台")),
        ("3 people", Count(3)),
        ("at least 2 times", Count(2)),
        ("不限次数", Count(None, "次")),
        ("无限次", Count(None, "次")),
        ("不限", Count(None)),
        ("unlimited", Count(None)),
    ],
)
def test_count_parses_numbers_with_measure_words(text: str, expected: Count) -> None:
    parsed = Count.parse(text)
    assert parsed == expected
    assert Count.parse(str(parsed)).compare(parsed) == 0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2年", 'is not a count (unknown measure word "年"'),
        ("1.5人", "must count whole units"),
        ("超过2名", "excludes the number itself"),
        ("人", "has no number"),
        ("", "a count cannot be empty"),
        ("-2", "is negative"),
        ("3 years", "is not a count"),
    ],
)
def test_count_rejects_what_is_not_a_count(text: str, message: str) -> None:
    with pytest.raises(QuantityError, match=re.escape(message)):
        Count.parse(text)


def test_count_compares_by_number_and_unlimited_is_largest() -> None:
    assert Count(2, "名").compare(Count(3, "人")) == -1
    assert Count(3).compare(Count(3, "人")) == 0
    assert Count.unlimited().compare(Count(1_000_000)) == 1
    assert Count(0).compare(Count.unlimited()) == -1
    assert Count.unlimited().compare(Count.unlimited("次")) == 0
    assert Count.unlimited().is_unlimited and not Count(3).is_unlimited
    with pytest.raises(QuantityError):
        Count(-1)


# --- "did you mean" never changes the meaning -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # Misspellings are still mended, keeping the number as written.
        ("18 mounths", '"18 mounths" is not a duration (did you mean "18 months"?)'),
        ("30 minuts", '"30 minuts" is not a duration (did you mean "30 minutes"?)'),
        ("3 busness days", '"3 busness days" is not a duration (did you mean "3 business days"?)'),
        ("18月", '"18月" is not a duration (did you mean "18个月"?)'),
        ("十八月", '"十八月" is not a duration (did you mean "十八个月"?)'),
        ("3工作", '"3工作" is not a duration (did you mean "3工作日"?)'),
        ("3日历", '"3日历" is not a duration (did you mean "3日历日"?)'),
        # A month is never "corrected" to a day, nor a working day to a calendar day.
        (
            "3个日历月",
            '"3个日历月" is not a duration (unknown unit "日历月"; '
            'write e.g. "18 months" or "18个月")',
        ),
        (
            "36个自然季",
            '"36个自然季" is not a duration (unknown unit "自然季"; '
            'write e.g. "18 months" or "18个月")',
        ),
        (
            "3 wkdays",
            '"3 wkdays" is not a duration (did you mean "3 workdays"?)',
        ),
        (
            "3 bdays",
            '"3 bdays" is not a duration (unknown unit "bdays"; '
            'write e.g. "18 months" or "18个月")',
        ),
        (
            "3 weeks days",
            '"3 weeks days" is not a duration (unknown unit "weeks days"; '
            'write e.g. "18 months" or "18个月")',
        ),
        # 自然 could be a natural day, month or year: no guess.
        (
            "3自然",
            '"3自然" is not a duration (unknown unit "自然"; write e.g. "18 months" or "18个月")',
        ),
        # 钟 could be minutes (分钟) or hours (钟头): no guess.
        (
            "半个钟",
            '"半个钟" is not a duration (unknown unit "钟"; write e.g. "18 months" or "18个月")',
        ),
        # A second quantity is not a misspelt unit: no suggestion that drops it.
        (
            "18个月3天",
            '"18个月3天" is not a duration (unknown unit "月3天"; '
            'write e.g. "18 months" or "18个月")',
        ),
        # The half stays in the suggestion.
        ("一个半钟头儿", '"一个半钟头儿" is not a duration (did you mean "一个半钟头"?)'),
    ],
)
def test_did_you_mean_keeps_the_meaning(text: str, message: str) -> None:
    with pytest.raises(QuantityError) as caught:
        Duration.parse(text)
    assert str(caught.value) == message


def test_a_natural_month_is_a_month_not_a_natural_day() -> None:
    """The reported case: 36个自然月 was answered with 36自然日."""
    assert Duration.parse("36个自然月") == d(36, MONTH)
    assert Duration.parse("36个自然月").same_as(d(3, YEAR))


@pytest.mark.parametrize(
    "text",
    [
        "3 wdays",
        "3 bdays",
        "3自然",
        "3个日历月",
        "36个自然季",
        "半个钟",
        "18个月3天",
        "3 weeks days",
    ],
)
def test_ambiguous_unit_words_get_no_guess_or_a_working_day_one(text: str) -> None:
    """For these inputs no calendar unit is a safe guess; a suggestion, if any, must parse
    and be a working-day unit (wdays)."""
    with pytest.raises(QuantityError) as caught:
        Duration.parse(text)
    message = str(caught.value)
    if "did you mean" in message:
        suggestion = message.split('did you mean "')[1].split('"')[0]
        assert Duration.parse(suggestion).unit is WD


# --- compare by bounds ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "low_days", "high_days"),
    [
        ("1 month", "28", "31"),
        ("2 months", "59", "62"),
        ("11 months", "334", "337"),
        ("12 months", "365", "366"),
        ("1 year", "365", "366"),
        ("13 months", "393", "397"),
        ("2 years", "730", "731"),
        ("4 years", "1460", "1461"),
        ("10 years", "3651", "3653"),
        ("0.5 months", "14", "31"),
        ("3 days", "3", "3"),
        ("36 h", "1.5", "1.5"),
        ("1 working day", "1", "12"),
        ("3 working days", "3", "14"),
        ("5 working days", "5", "18"),
        ("6 working days", "6", "19"),
        ("15 working days", "15", "32"),
        ("240 working days", "240", "376"),
    ],
)
def test_bounds_in_minutes(text: str, low_days: str, high_days: str) -> None:
    low, high = Duration.parse(text).bounds_in_minutes()
    assert (low / 1440, high / 1440) == (Decimal(low_days), Decimal(high_days))


def test_working_days_are_exact_under_a_rule() -> None:
    assert d(3, WD).bounds_in_minutes(EIGHT_HOUR_DAY) == (Decimal(1440), Decimal(1440))
    assert d(3, WD).bounds_in_minutes(ELAPSED_DAY) == (Decimal(4320), Decimal(4320))


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@pytest.mark.parametrize("months", [1, 2, 5, 11, 12, 13, 23, 24, 25, 36, 47, 48, 49, 120, 1200])
def test_month_bounds_hold_for_every_start_date(months: int) -> None:
    """From every first and every late day of a month (28th to 31st, where the end of a short
    month cuts the span) in 1995 to 2110, which holds the non-leap 2100, N months later is
    within the bounds, and short spans reach them exactly."""
    low, high = d(months, MONTH).bounds_in_minutes()
    spans = {
        (_add_months(start, months) - start).days
        for year in range(1995, 2110)
        for month in range(1, 13)
        for day in (1, 28, 29, 30, 31)
        if day <= calendar.monthrange(year, month)[1]
        for start in [dt.date(year, month, day)]
    }
    assert low / 1440 <= min(spans) and max(spans) <= high / 1440
    if months < 48:
        assert (low / 1440, high / 1440) == (Decimal(min(spans)), Decimal(max(spans)))


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        # decided across families
        ("1 day", "1 year", -1),
        ("400 days", "1 year", 1),
        ("367 days", "1 year", 1),
        ("364 days", "1 year", -1),
        ("32 days", "1 month", 1),
        ("27 days", "1 month", -1),
        ("8760 h", "2 years", -1),
        ("3 working days", "1 month", -1),
        ("1 year", "1 working day", 1),
        ("15 working days", "1 month", None),
        ("20 working days", "1 month", None),
        ("30 working days", "1 month", None),
        ("32 working days", "1 month", 1),
        # within reach of the calendar: undecided
        ("365 days", "1 year", None),
        ("366 days", "1 year", None),
        ("30 days", "1 month", None),
        ("3 working days", "72 h", None),
        ("3 working days", "4 days", None),
        ("1 working day", "23 h", 1),
        ("3 working days", "15 days", -1),
        # inside a family it is compare
        ("12 months", "1 year", 0),
        ("36 months", "3 years", 0),
        ("1 day", "24 h", 0),
        ("13 months", "1 year", 1),
    ],
)
def test_compare_bounds(a: str, b: str, expected: int | None) -> None:
    left, right = Duration.parse(a), Duration.parse(b)
    assert left.compare_bounds(right) == expected
    assert right.compare_bounds(left) == (None if expected is None else -expected)


def test_compare_bounds_agrees_with_compare_wherever_compare_decides() -> None:
    texts = ["30 min", "8 h", "1 day", "3 days", "3 working days", "1 month", "12 months", "1 year"]
    for a in texts:
        for b in texts:
            left, right = Duration.parse(a), Duration.parse(b)
            for rule in (None, ELAPSED_DAY):
                try:
                    exact = left.compare(right, rule)
                except NotComparable:
                    continue
                assert left.compare_bounds(right, rule) == exact


def test_compare_bounds_uses_the_working_day_rule() -> None:
    assert d(3, WD).compare_bounds(d(72, H), ELAPSED_DAY) == 0
    assert d(3, WD).compare_bounds(d(72, H), EIGHT_HOUR_DAY) == -1
    # A rule does not bridge working days and months; the bounds still do.
    assert d(3, WD).compare_bounds(d(1, MONTH), ELAPSED_DAY) == -1


@pytest.mark.parametrize(
    ("a", "b", "at_least", "at_most"),
    [
        ("366 days", "1 year", True, None),
        ("365 days", "1 year", None, True),
        ("400 days", "1 year", True, False),
        ("1 day", "1 year", False, True),
        ("31 days", "1 month", True, None),
        ("28 days", "1 month", None, True),
        ("3 working days", "72 h", True, None),
        ("3 working days", "48 h", True, False),
        ("3 working days", "14 days", None, True),
        ("12 months", "1 year", True, True),
        ("11 months", "1 year", False, True),
        ("2 h", "3 h", False, True),
    ],
)
def test_is_at_least_and_is_at_most(
    a: str, b: str, at_least: bool | None, at_most: bool | None
) -> None:
    left, right = Duration.parse(a), Duration.parse(b)
    assert left.is_at_least(right) is at_least
    assert left.is_at_most(right) is at_most


def test_compare_is_unchanged_and_still_refuses_across_families() -> None:
    with pytest.raises(NotComparable):
        d(1, DAY).compare(d(1, YEAR))
    with pytest.raises(NotComparable):
        d(3, WD).compare(d(72, H))
