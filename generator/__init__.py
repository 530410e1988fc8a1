"""aftersales: after-sales service commitment letters (售后服务承诺书) from YAML profiles.

The library API, the same steps the `aftersales` command takes::

    import generator

    resolved = generator.load_profile(Path("project.yaml"))  # company < project < overlays
    letter = generator.compose(resolved.profile, asset_dirs=resolved.asset_dirs)
    Path("letter.docx").write_bytes(generator.render_docx(letter))
    Path("letter.pdf").write_bytes(generator.render_pdf(letter))

    tender, where = generator.load_tender(Path("tender.yaml"))
    result = generator.check(resolved, tender, tender_where=where)
    result.passed(), result.failures()  # the default gate; Gate.STRICT, Gate.STARS_ONLY

Every error raised on purpose is a `GeneratorError` whose `str()` is the message to print;
bad input is an `InputError` listing each problem as `file:line:col: field.path: message`.

Names are imported on first use (PEP 562), so `import generator` stays cheap: the commands
that never render (`validate`, `check`) must not pay for WeasyPrint or docxtpl.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from generator.version import __version__

# public name -> the module that defines it
_EXPORTS: dict[str, str] = {
    "load_profile": "generator.profiles.loading",
    "load_tender": "generator.tender.loading",
    "Resolved": "generator.profiles.loading",
    "compose": "generator.letter.compose",
    "Letter": "generator.letter.document",
    "render_docx": "generator.render.docxfile",
    "render_pdf": "generator.render.pdffile",
    "render_html": "generator.render.pdffile",
    "check": "generator.tender.check",
    "CheckResult": "generator.tender.check",
    "Gate": "generator.tender.check",
    "TenderFile": "generator.tender.model",
    "GeneratorError": "generator.errors",
    "InputError": "generator.errors",
}

__all__ = [
    "CheckResult",
    "Gate",
    "GeneratorError",
    "InputError",
    "Letter",
    "Resolved",
    "TenderFile",
    "__version__",
    "check",
    "compose",
    "load_profile",
    "load_tender",
    "render_docx",
    "render_html",
    "render_pdf",
]

if TYPE_CHECKING:
    from generator.errors import GeneratorError, InputError
    from generator.letter.compose import compose
    from generator.letter.document import Letter
    from generator.profiles.loading import Resolved, load_profile
    from generator.render.docxfile import render_docx
    from generator.render.pdffile import render_html, render_pdf
    from generator.tender.check import CheckResult, Gate, check
    from generator.tender.loading import load_tender
    from generator.tender.model import TenderFile


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # the next lookup does not come here
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
