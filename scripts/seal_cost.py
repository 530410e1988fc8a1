"""What the empty signature field (generator.render.sealfield) costs a PDF.

1. The two steps it adds, alone, on laid-out example letters (medians of 200 runs): finding the
   seal area's box and adding the field's objects to a PDF.
2. Whole letters with and without the field, and raw WeasyPrint on the same HTML, interleaved
   (CPU-time medians of N runs; noisy on a shared machine), with the size difference.

    .venv/bin/python scripts/seal_cost.py [N]
"""

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pydyf
import weasyprint

from generator.letter.compose import compose
from generator.profiles.loading import load_profile
from generator.render.pdffile import PdfRenderer
from generator.render.sealfield import add_signature_field, find_seal_area

EXAMPLES = Path(__file__).resolve().parent.parent / "profiles" / "examples"
NAMES = ("ex2-highway-monitoring", "ex5-computer-shop", "ex6-hospital-maintenance")


def median_ms(func: Callable[[], object], runs: int, clock: Callable[[], float]) -> float:
    times = []
    for _ in range(runs):
        start = clock()
        func()
        times.append(clock() - start)
    return statistics.median(times) * 1000


def measure(name: str, runs: int) -> None:
    resolved = load_profile(EXAMPLES / name / "project.yaml")
    letter = compose(resolved.profile, asset_dirs=resolved.asset_dirs)
    with_field, without = PdfRenderer(), PdfRenderer(seal_field=False)
    html = with_field.html(letter)
    base = with_field.template_dir.as_uri() + "/"
    document = weasyprint.HTML(string=html, base_url=base).render()
    area = find_seal_area(document)
    assert area is not None

    def add_field() -> None:
        pdf = pydyf.PDF()
        for _ in range(area.page):
            pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
        add_signature_field(pdf, area)

    find = median_ms(lambda: find_seal_area(document), 200, time.perf_counter)
    add = median_ms(add_field, 200, time.perf_counter)
    print(f"{name}: find_seal_area {find:.3f} ms, add_signature_field {add:.3f} ms")

    def raw() -> None:
        weasyprint.HTML(string=html, base_url=base).write_pdf()

    whole = {
        "with field": lambda: with_field.render(letter),
        "without": lambda: without.render(letter),
        "raw WeasyPrint": raw,
    }
    for func in whole.values():
        func()  # warm
    times: dict[str, list[float]] = {k: [] for k in whole}
    for _ in range(runs):
        for label, func in whole.items():
            start = time.process_time()
            func()
            times[label].append(time.process_time() - start)
    ms = {k: statistics.median(v) * 1000 for k, v in times.items()}
    grown = len(with_field.render(letter)) - len(without.render(letter))
    print(
        f"  whole letter: with field {ms['with field']:.0f} ms, without {ms['without']:.0f} "
        f"ms, raw WeasyPrint {ms['raw WeasyPrint']:.0f} ms; {grown:+d} bytes"
    )


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 9
    for name in NAMES:
        measure(name, runs)


if __name__ == "__main__":
    main()
