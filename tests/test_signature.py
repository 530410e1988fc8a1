"""Signature-ready, platform-ready output: every example's files pass `aftersales preflight`,
each PDF carries the empty CompanySeal field over the seal area, pyHanko signs that field
with a certificate made here and validates the signature, and `render --seal-json` gives the
field's page and rectangle. Metadata: no made-up date, the letter's own date when it has one."""

import datetime as dt
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pypdf import PdfReader

from conftest import EXAMPLE_NAMES, example, run, tender_path
from generator.app.batch import SEAL_JSON, Job, render_many
from generator.app.platformcheck import check_file
from generator.profiles.loading import load_profile

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Path]]:
    """Every example letter (DOCX, PDF, seal JSON), and ex2's deviation table and change
    note, by example name; rendered without SOURCE_DATE_EPOCH."""
    folder = tmp_path_factory.mktemp("signed")
    jobs = [Job(example(name)) for name in EXAMPLE_NAMES]
    overlay = example("ex2").parent / "overlay-faster.yaml"
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("SOURCE_DATE_EPOCH", raising=False)
        results = render_many(jobs, folder, ("docx", "pdf", SEAL_JSON))
        results += render_many(
            [Job(example("ex2"), (overlay,), tender=tender_path("highway-monitoring"))],
            folder,
            ("docx", "pdf"),
            change_note=True,
        )
    found: dict[str, list[Path]] = {}
    for name, result in zip([*EXAMPLE_NAMES, "ex2+tender"], results, strict=True):
        found[name] = [w.path for w in result.files]
    return found


def _files(outputs: dict[str, list[Path]], ending: str) -> Iterator[Path]:
    return (p for paths in outputs.values() for p in paths if p.name.endswith(ending))


def test_every_example_output_passes_the_platform_checks(
    outputs: dict[str, list[Path]],
) -> None:
    files = [*_files(outputs, ".pdf"), *_files(outputs, ".docx")]
    assert len(files) == 2 * len(EXAMPLE_NAMES) + 6  # + letter, 偏离表, 变更说明 of ex2+tender
    assert {str(f): check_file(f) for f in files} == {str(f): [] for f in files}


def test_every_pdf_has_one_empty_seal_field_on_its_last_page(
    outputs: dict[str, list[Path]],
) -> None:
    for pdf in _files(outputs, ".pdf"):
        reader = PdfReader(pdf)
        fields = reader.get_fields() or {}
        assert list(fields) == ["CompanySeal"], pdf.name
        assert "/V" not in fields["CompanySeal"]  # empty: nobody has signed
        widgets = [
            (n, a.get_object())
            for n, page in enumerate(reader.pages, start=1)
            for a in page.get("/Annots") or []
            if a.get_object().get("/FT") == "/Sig"
        ]
        assert [n for n, _ in widgets] == [len(reader.pages)], pdf.name  # the signature page


def test_seal_json_names_the_field_page_and_rectangle(outputs: dict[str, list[Path]]) -> None:
    for seal in _files(outputs, SEAL_JSON):
        data = json.loads(seal.read_text(encoding="utf-8"))
        pdf = seal.with_name(data["pdf"])
        assert pdf.is_file() and pdf.name == seal.name.removesuffix(SEAL_JSON) + "pdf"
        reader = PdfReader(pdf)
        page = reader.pages[data["page"] - 1]
        (widget,) = [a.get_object() for a in page["/Annots"] if a.get_object().get("/FT")]
        assert data["field"] == widget["/T"] == "CompanySeal"
        assert [round(float(v), 3) for v in widget["/Rect"]] == data["rect"]
        # The 45 mm seal area of letter.css, 8 mm inside the right margin (25 mm) of A4.
        mm = data["rect_mm_from_top_left"]
        assert (mm["width"], mm["height"], mm["x"]) == (45.0, 45.0, 210 - 25 - 8 - 45)
        assert data["page_size"] == [595.28, 841.89]


def _certificate() -> tuple[asn1_x509.Certificate, asn1_keys.PrivateKeyInfo]:
    """A self-signed signing certificate, as a test CA would issue a bidder's seal."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "测试投标人电子签章"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "测试科技有限公司"),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    der_key = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return (
        asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER)),
        asn1_keys.PrivateKeyInfo.load(der_key),
    )


def test_pyhanko_signs_the_seal_field_and_validates_it(outputs: dict[str, list[Path]]) -> None:
    (pdf,) = [p for p in outputs[example("ex2").parent.name] if p.suffix == ".pdf"]
    unsigned = pdf.read_bytes()
    certificate, key = _certificate()
    signer = signers.SimpleSigner(
        signing_cert=certificate,
        signing_key=key,
        cert_registry=SimpleCertificateStore.from_certs([certificate]),  # type: ignore[no-untyped-call]
    )
    signed = signers.sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(unsigned)),
        signers.PdfSignatureMetadata(field_name="CompanySeal"),
        signer=signer,
    ).getvalue()
    assert signed.startswith(unsigned)  # an incremental update: the letter is unchanged

    (signature,) = PdfFileReader(io.BytesIO(signed)).embedded_signatures
    assert signature.field_name == "CompanySeal"
    # The field signed is ours, where we put it: pyHanko made no field of its own.
    fields = PdfReader(io.BytesIO(signed)).get_fields() or {}
    assert list(fields) == ["CompanySeal"] and "/V" in fields["CompanySeal"]
    status = validate_pdf_signature(signature, ValidationContext(trust_roots=[certificate]))
    assert status.intact and status.valid and status.trusted, status.summary()
    assert status.bottom_line

    # A signature by another certificate is intact but not trusted by this one's root.
    other, other_key = _certificate()
    forged = signers.sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(unsigned)),
        signers.PdfSignatureMetadata(field_name="CompanySeal"),
        signer=signers.SimpleSigner(
            signing_cert=other,
            signing_key=other_key,
            cert_registry=SimpleCertificateStore.from_certs([other]),  # type: ignore[no-untyped-call]
        ),
    ).getvalue()
    (signature,) = PdfFileReader(io.BytesIO(forged)).embedded_signatures
    status = validate_pdf_signature(signature, ValidationContext(trust_roots=[certificate]))
    assert status.intact and not status.bottom_line


def test_pdf_dates_come_from_the_letter_or_are_left_out(outputs: dict[str, list[Path]]) -> None:
    for name in EXAMPLE_NAMES:
        date = load_profile(example(name)).profile.project.date
        (pdf,) = [p for p in outputs[name] if p.suffix == ".pdf"]
        info = {str(k): str(v) for k, v in (PdfReader(pdf).metadata or {}).items()}
        if date is None:
            assert "/CreationDate" not in info and "/ModDate" not in info, name
        else:
            assert info["/CreationDate"].startswith(f"D:{date:%Y%m%d}000000+08"), name
        assert b"2000-01-01" not in pdf.read_bytes() and b"D:20000101" not in pdf.read_bytes()


def test_render_warns_what_a_platform_would_refuse(tmp_path: Path) -> None:
    project = example("ex5")
    code, _, err = run("render", project, "-o", tmp_path, "--max-size", "0.01")
    assert code == 0
    warnings = [line for line in err.splitlines() if line.startswith("平台检查：")]
    assert len(warnings) == 2  # the PDF and the DOCX, each over 0.01 MB
    assert all("超过平台上限0.01 MB" in line for line in warnings)
    code, _, err = run("-q", "render", project, "-o", tmp_path, "--max-size", "0.01")
    assert code == 0 and "平台检查" not in err
    code, _, err = run("render", project, "-o", tmp_path, "--format", "docx", "--seal-json")
    assert code == 2 and "--seal-json needs pdf" in err
