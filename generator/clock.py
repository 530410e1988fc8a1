"""The one instant a rendered file or report records, so the same input gives the same bytes."""

import datetime as dt
import os

from generator.errors import RenderError

__all__ = ["CHINA_TIME", "FALLBACK_INSTANT", "fixed_instant"]

CHINA_TIME = dt.timezone(dt.timedelta(hours=8))
FALLBACK_INSTANT = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
"""File dates when neither the letter nor SOURCE_DATE_EPOCH gives one."""


def fixed_instant(date: dt.date | None) -> dt.datetime:
    """The one instant a rendered file records, so the same input gives the same bytes: the
    letter date (midnight, China time), else SOURCE_DATE_EPOCH, else 2000-01-01."""
    if date is not None:
        return dt.datetime(date.year, date.month, date.day, tzinfo=CHINA_TIME)
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    try:
        moment = dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch else FALLBACK_INSTANT
    except (ValueError, OverflowError, OSError) as exc:
        raise RenderError(f"SOURCE_DATE_EPOCH={epoch!r} is not a Unix timestamp") from exc
    if not 1980 <= moment.year <= 2099:  # what a zip file (DOCX) can record
        raise RenderError(f"SOURCE_DATE_EPOCH={epoch!r} is outside 1980–2099")
    return moment
