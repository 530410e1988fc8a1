"""`make bench`: medians over repeated runs in one sitting, printed as a table.

Compares aftersales with the raw libraries it wraps (the floor) and with the path users take
without it (docxtpl, then one LibreOffice batch conversion).
"""

import io
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "profiles" / "examples" / "ex2-highway-monitoring" / "project.yaml"
BIN = Path(sys.executable).parent


def median_time(func: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def cold(args: list[str], repeat: int = 5) -> float:
    def run() -> None:
        subprocess.run(args, check=True, capture_output=True, cwd=ROOT)

    return median_time(run, repeat)


def main() -> None:
    import weasyprint
    from docxtpl import DocxTemplate

    from generator.app.batch import Job, render_many
    from generator.letter.compose import compose, letter_text
    from generator.profiles.loading import load_profile
    from generator.render.docxfile import default_template, render_docx
    from generator.render.pdffile import PdfRenderer

    rows: list[tuple[str, str, str]] = []
    resolved = load_profile(EXAMPLE)
    letter = compose(resolved.profile, asset_dirs=resolved.asset_dirs)
    renderer = PdfRenderer()
    html = renderer.html(letter)
    pdf, pages = renderer.render_counted(letter)
    renderer.render(letter)  # warm caches before timing

    one_pass = PdfRenderer(one_pass=True)  # the opt-in private route, for comparison
    one_pass.render(letter)

    ours_pdf = median_time(lambda: renderer.render(letter), 7)
    one_pass_pdf = median_time(lambda: one_pass.render(letter), 7)
    raw_pdf = median_time(lambda: weasyprint.HTML(string=html).write_pdf(), 7)
    rows.append(("PDF per letter, warm (aftersales)", f"{ours_pdf:.3f} s", ""))
    rows.append(("PDF per letter, warm (AFTERSALES_PDF_ONE_PASS=1)", f"{one_pass_pdf:.3f} s", ""))
    rows.append(("PDF per letter, warm (raw WeasyPrint, same HTML)", f"{raw_pdf:.3f} s", ""))
    rows.append(("  ratio aftersales / raw WeasyPrint", f"{ours_pdf / raw_pdf:.2f}x", "≤ 1.0x"))

    ours_docx = median_time(lambda: render_docx(letter), 9)
    lines = letter_text(letter).splitlines()

    def raw_docxtpl() -> None:
        tpl = DocxTemplate(default_template())
        tpl.init_docx()
        body = tpl.new_subdoc()
        for line in lines:
            body.add_paragraph(line)
        tpl.render(
            {
                "title": letter.title,
                "addressee": letter.addressee,
                "header_text": letter.header_text,
                "body": body,
                "seal": "",
                "signature": {
                    "company_label": "",
                    "company": "",
                    "signatory_label": "",
                    "signatory": "",
                    "date_label": "",
                    "date_text": "",
                    "phone": "",
                    "phone_label": "",
                },
            },
            autoescape=True,
        )
        tpl.save(io.BytesIO())

    raw_docx = median_time(raw_docxtpl, 9)
    rows.append(("DOCX per letter, warm (aftersales)", f"{ours_docx:.3f} s", ""))
    rows.append(("DOCX per letter, warm (raw docxtpl, same text)", f"{raw_docx:.3f} s", ""))
    rows.append(("  ratio aftersales / raw docxtpl", f"{ours_docx / raw_docx:.2f}x", ""))

    n = int(os.environ.get("BENCH_LETTERS", "100"))
    jobs = [Job(EXAMPLE, sets=(f"tender_number=BENCH-{i:03d}",)) for i in range(n)]
    with tempfile.TemporaryDirectory() as tmp:
        runs = int(os.environ.get("BENCH_RUNS", "3"))
        t1 = median_time(lambda: render_many(jobs, Path(tmp) / "j1", ("docx", "pdf"), 1), runs)
        t2 = median_time(lambda: render_many(jobs, Path(tmp) / "j2", ("docx", "pdf"), 2), runs)
        rows.append((f"{n} letters DOCX+PDF, --jobs 1 (median of {runs})", f"{t1:.1f} s", ""))
        rows.append((f"{n} letters DOCX+PDF, --jobs 2 (median of {runs})", f"{t2:.1f} s", ""))
        rows.append(("  throughput --jobs 2 / --jobs 1", f"{t1 / t2:.2f}x", "≥ 1.7x"))

        soffice = shutil.which("soffice") or shutil.which("libreoffice")
        if soffice:
            folder = Path(tmp) / "lo"
            folder.mkdir()

            def docxtpl_then_libreoffice() -> None:
                for old in folder.glob("*.pdf"):
                    old.unlink()  # so the count below proves this run converted every file
                for i in range(n):
                    (folder / f"letter-{i:03d}.docx").write_bytes(render_docx(letter))
                subprocess.run(
                    [
                        soffice,
                        f"-env:UserInstallation=file://{tmp}/lo-profile",
                        "--headless",
                        "--convert-to",
                        "pdf",
                        "--outdir",
                        str(folder),
                        *sorted(str(p) for p in folder.glob("*.docx")),
                    ],
                    check=True,
                    capture_output=True,
                )
                converted = len(list(folder.glob("*.pdf")))
                assert converted == n, f"LibreOffice converted {converted} of {n} documents"

            t_lo = median_time(docxtpl_then_libreoffice, runs)
            rows.append((f"{n} DOCX (docxtpl) + LibreOffice batch to PDF", f"{t_lo:.1f} s", ""))
            rows.append(("  speed-up of --jobs 2 over that path", f"{t_lo / t2:.2f}x", "≥ 1.3x"))

    aftersales = str(BIN / "aftersales")
    rows.append(
        (
            "cold `aftersales validate` (one project)",
            f"{cold([aftersales, 'validate', str(EXAMPLE)]):.2f} s",
            "< 0.5 s",
        )
    )
    tender = ROOT / "profiles" / "tenders" / "highway-monitoring.yaml"
    rows.append(
        (
            "cold `aftersales check` (one project, one tender)",
            f"{cold([aftersales, 'check', str(EXAMPLE), '--tender', str(tender)]):.2f} s",
            "< 0.5 s",
        )
    )
    probe_check = (
        "import sys, cli; sys.argv = ['aftersales', '-q', 'check', sys.argv[1], '--tender',"
        " sys.argv[2]]\ntry:\n    cli.main()\nexcept SystemExit:\n    pass\n"
        "print('weasyprint' in sys.modules, file=sys.stderr)"
    )
    checked = subprocess.run(
        [sys.executable, "-c", probe_check, str(EXAMPLE), str(tender)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stderr.strip()
    rows.append(("check imports WeasyPrint", checked.splitlines()[-1] if checked else "?", "False"))
    with tempfile.TemporaryDirectory() as tmp:
        t = cold([aftersales, "-q", "render", str(EXAMPLE), "-o", tmp], 3)
        rows.append(("cold `aftersales render` (one letter, DOCX+PDF)", f"{t:.2f} s", ""))
    probe = (
        "import sys, generator.profiles.loading, generator.app.validate;"
        " print('weasyprint' in sys.modules)"
    )
    imported = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True).stdout
    rows.append(("validate imports WeasyPrint", imported.strip(), "False"))
    rows.append((f"PDF size ({pages} pages)", f"{len(pdf) / 1024:.0f} KB", "< 350 KB (4 pages)"))

    rows.extend(import_rows(aftersales))
    # The sales workspace: latency after an edit, and ten users for a minute (127.0.0.1 only).
    from bench_workspace import rows as workspace_rows

    rows.extend(workspace_rows())

    from generator.terminal import format_table

    print(format_table(["measure", "value", "target"], rows))


def import_rows(aftersales: str) -> list[tuple[str, str, str]]:
    """`import-tender` of the tests' 150-page tender, as DOCX and as its PDF (cold, CLI)."""
    sys.path.insert(0, str(ROOT / "tests"))
    from intake_docs import long_document, write_docx, write_pdf

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        paras = long_document(150)
        for doc in (write_docx(paras, Path(tmp, "t.docx")), write_pdf(paras, Path(tmp, "t.pdf"))):
            out = Path(tmp, "tender.yaml")

            def once(doc: Path = doc, out: Path = out) -> None:
                out.unlink(missing_ok=True)
                subprocess.run(
                    [aftersales, "import-tender", str(doc), "-o", str(out)],
                    check=True,
                    capture_output=True,
                )

            t = median_time(once, 3)
            rows.append((f"cold `import-tender` 150-page {doc.suffix}", f"{t:.2f} s", "≤ 5 s"))
    return rows


if __name__ == "__main__":
    main()
