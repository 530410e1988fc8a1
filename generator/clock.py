"""The one instant a rendered file or report records, so the same input gives the same bytes."""

import datetime as dt
import os

from generator.errors import RenderError

__all__ = ["CHINA_TIME", "ZIP_EPOCH", "known_instant"]

CHINA_TIME = dt.timezone(dt.timedelta(hours=8))
ZIP_EPOCH = dt.datetime(1980, 1, 1, tzinfo=dt.UTC)
"""The earliest time a zip entry can hold: the DOCX's entries when no date is known, the
value reproducible-build tools use to mean "no date"."""


def known_instant(date: dt.date | None) -> dt.datetime | None:
    """The instant a document records as its creation: the letter date (midnight, China time),
    else SOURCE_DATE_EPOCH, else None (the metadata then has no date rather than a made-up
    one)."""
    if date is not None:
        return dt.datetime(date.year, date.month, date.day, tzinfo=CHINA_TIME)
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return None
    try:
        moment = dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    except (ValueError, OverflowError, OSError) as exc:
        raise RenderError(f"SOURCE_DATE_EPOCH={epoch!r} is not a Unix timestamp") from exc
    if not 1980 <= moment.year <= 2099:  # what a zip file (DOCX) can record
        raise RenderError(f"SOURCE_DATE_EPOCH={epoch!r} is outside 1980–2099")
    return moment
