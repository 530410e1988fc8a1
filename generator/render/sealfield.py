"""The signature-ready PDF: an empty, named signature field over the seal area (盖章处).

E-bidding platforms sign and seal a bid's PDF with their own client (a CA key on a USB token);
the client finds where to put the electronic seal either by the field's name or by the page
and coordinates `render --seal-json` writes. The field is a plain AcroForm signature field
(ISO 32000-1 §12.7.4.5): a widget annotation with /FT /Sig, no value, an empty appearance, on
the page that holds the letter's `.seal-area` box.

It is added in WeasyPrint's public `write_pdf(finisher=...)` hook, while the document is still
pydyf objects: no second parse of the PDF, no incremental update, and the bytes stay
reproducible. (pyHanko's `append_signature_field` was tried first: it re-reads the PDF and
appends an update whose /ModDate is the wall clock and whose /ID half is random, which breaks
"the same input gives the same bytes", and importing pyhanko.sign adds ~0.6 s to a cold
render. tests/test_signature.py signs the field with pyHanko and validates the signature.)
"""

import json
from dataclasses import dataclass
from typing import Any

SEAL_FIELD = "CompanySeal"
"""The signature field's name (/T): ASCII, as every signing client can type it."""
SEAL_CLASS = "seal-area"
"""The HTML class of the seal area in letter.html.j2 (45 mm square, right of the signature)."""

PT_PER_PX = 0.75
"""CSS pixels (1/96 in) to PDF points (1/72 in)."""
MM_PER_PT = 25.4 / 72

PRINT_AND_LOCKED = 4 | 128
"""Annotation flags (/F): printed with the page; the field itself cannot be moved or deleted."""
SIG_FLAGS_SIGNATURES_EXIST = 1
"""AcroForm /SigFlags bit 1: the document holds signature fields (viewers show the panel)."""


@dataclass(frozen=True)
class SealArea:
    """Where the seal goes: a page (1-based) and a rectangle in PDF points from the page's
    lower left corner (x1, y1, x2, y2), with the page's own size in points."""

    page: int
    rect: tuple[float, float, float, float]
    page_size: tuple[float, float]
    field: str = SEAL_FIELD

    def as_json(self, pdf_name: str) -> bytes:
        """The seal area for a platform signing client (`render --seal-json`)."""
        x1, y1, x2, y2 = self.rect
        width, height = self.page_size

        def mm(value: float) -> float:
            return round(value * MM_PER_PT, 2)

        data = {
            "pdf": pdf_name,
            "field": self.field,
            "page": self.page,
            "units": "pt",
            "origin": "bottom-left",
            "rect": [round(v, 3) for v in self.rect],  # as the field's /Rect says it
            "page_size": [round(width, 2), round(height, 2)],
            "rect_mm_from_top_left": {
                "x": mm(x1),
                "y": mm(height - y2),
                "width": mm(x2 - x1),
                "height": mm(y2 - y1),
            },
        }
        return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode()


def no_seal_json(pdf_name: str) -> bytes:
    """`render --seal-json` for a PDF without a seal area (no signature block)."""
    data = {"pdf": pdf_name, "field": None, "page": None}
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode()


def find_seal_area(document: Any) -> SealArea | None:
    """The last `.seal-area` box of a laid-out WeasyPrint document, or None when the letter
    has none. Pages are searched from the end (the signature block closes the letter), so
    usually one page is walked. Reads each page's private `_page_box`, as
    `pdffile.overflowing` does: the public `page.anchors` give a point, not a box."""
    for number in range(len(document.pages), 0, -1):
        page = document.pages[number - 1]
        last = None
        for box in page._page_box.descendants():
            element = getattr(box, "element", None)
            if element is not None and SEAL_CLASS in (element.get("class") or "").split():
                last = box
        if last is None:
            continue
        x, y = last.border_box_x(), last.border_box_y()
        w, h = last.border_width(), last.border_height()
        page_height = page.height * PT_PER_PX
        return SealArea(
            page=number,
            rect=(
                x * PT_PER_PX,
                page_height - (y + h) * PT_PER_PX,
                (x + w) * PT_PER_PX,
                page_height - y * PT_PER_PX,
            ),
            page_size=(page.width * PT_PER_PX, page_height),
        )
    return None


def add_signature_field(pdf: Any, area: SealArea) -> None:
    """Add the empty signature field over `area` to a pydyf PDF (WeasyPrint's finisher)."""
    import pydyf

    kids = pdf.pages["Kids"]  # flat: number, 0, "R" per page
    page = pdf.objects[kids[(area.page - 1) * 3]]
    x1, y1, x2, y2 = area.rect
    # An empty appearance: some validators (and PDF/A) want every widget to have one.
    appearance = pydyf.Stream(
        extra={
            "Type": "/XObject",
            "Subtype": "/Form",
            "BBox": pydyf.Array([0, 0, round(x2 - x1, 3), round(y2 - y1, 3)]),
            "Resources": pydyf.Dictionary({}),
        }
    )
    pdf.add_object(appearance)
    field = pydyf.Dictionary(
        {
            "FT": "/Sig",
            "T": pydyf.String(area.field),
            "Type": "/Annot",
            "Subtype": "/Widget",
            "F": PRINT_AND_LOCKED,
            "Rect": pydyf.Array([round(v, 3) for v in area.rect]),
            "P": page.reference,
            "AP": pydyf.Dictionary({"N": appearance.reference}),
        }
    )
    pdf.add_object(field)
    if "Annots" not in page:
        page["Annots"] = pydyf.Array()
    page["Annots"].append(field.reference)
    form = pdf.catalog.get("AcroForm")
    if form is None:
        form = pdf.catalog["AcroForm"] = pydyf.Dictionary({"Fields": pydyf.Array()})
    form["Fields"].append(field.reference)
    form["SigFlags"] = SIG_FLAGS_SIGNATURES_EXIST
