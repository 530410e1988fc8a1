"""Behaviour of the typed quantities: parsing, formatting, comparison and pydantic fields."""

from decimal import Decimal

import pytest
from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from generator.errors import GeneratorError
from generator.profiles.quantities import (
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
)

MIN, H, DAY, WD, MONTH, YEAR = (
    Unit.MINUTE,
    Unit.HOUR,
    Unit.DAY,
    Unit.WORKING_DAY,
    Unit.MONTH,
    Unit.YEAR,
)


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
    assert (duration.zh(), duration.en(), str(duration)) == (zh, en, canonical)


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
            "cannot compare 3 working days with 72 hours without a working-day rule",
        ),
        (
            "30 min",
            "1 working day",
            "cannot compare 30 minutes with 1 working day without a working-day rule",
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
            "cannot compare 1 year with 8760 hours "
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
    assert Frequency.parse(parsed.zh()).compare(parsed) == 0
    assert Frequency.parse(parsed.en()).compare(parsed) == 0


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
    assert (frequency.zh(), frequency.en(), str(frequency)) == (zh, en, canonical)


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
            "cannot compare once a month with once every 30 days "
            "because a month is 28 to 31 days and a year 365 or 366",
        ),
        (
            "daily",
            "every 3 working days",
            "cannot compare once a day with once every 3 working days without a working-day rule",
        ),
        (
            "monthly",
            "every 20 working days",
            "cannot compare once a month with once every 20 working days "
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
    assert DailyWindow.parse(parsed.zh()) == parsed


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
    assert (window.zh(), window.en(), str(window)) == (zh, en, canonical)
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
