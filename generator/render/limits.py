"""Bounds on one document: pages and render time. A huge profile must fail early and clearly
(exit 2), not lay out hundreds of pages for minutes while memory grows with every page.

The pre-flight (generator.app.preflight) refuses a profile whose text alone would fill more
than `max_pages`, before anything is laid out; the PDF renderer stops a render that runs
longer than `max_seconds` and refuses a layout with more pages. Memory is bounded by them: a
WeasyPrint layout grows with its pages.
"""

from dataclasses import dataclass

from generator.errors import RenderError

MAX_PAGES = 200
"""Pages of one document (a letter is 3–10; a long one with many centres and tiers 30)."""
MAX_SECONDS = 120.0
"""Seconds to render one document (a letter takes well under one)."""


@dataclass(frozen=True)
class Limits:
    """The bounds of one document (the CLI's --max-pages and --max-seconds)."""

    max_pages: int = MAX_PAGES
    max_seconds: float = MAX_SECONDS


class LimitExceeded(RenderError):
    """A document beyond a bound: too many pages, or too long to render (exit 2)."""
