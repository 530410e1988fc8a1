"""暗标 mode: a letter that identifies nobody.

A tender that evaluates the technical bid blind (暗标) rejects a bid whose pages name the
bidder. In this mode the fields that say who the bidder is are left out of every document
(`IDENTIFYING`: the company's name, short name, address, legal representative, hotlines,
contacts, seal and logo, the signatory's name and phone, the service centres' names,
addresses and phones), the letter signs with its date only, and the documents' metadata
carry no author. What the mode cannot leave out is what the bidder wrote in free text: every
value a reader would still see is searched for those identifying values (the company name in
a motto, a hotline in a training note) and for anything shaped like a phone number, an e-mail
address or a web address; each is a located input error (exit 2), because the letter is only
safe to submit when the profile no longer says it.
"""

import dataclasses
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from generator.errors import Problem
from generator.profiles.loading import Resolved
from generator.profiles.models import ProcurementMethod, Profile
from generator.profiles.placeholders import HIDDEN, texts

if TYPE_CHECKING:  # validate's cold start reads this module: no catalogs or letter model
    from generator.app.diff import Difference
    from generator.letter.document import Letter
    from generator.locale import Locale

__all__ = [
    "Identifier",
    "anonymous_changes",
    "anonymous_letter",
    "anonymous_profile",
    "identifiers",
    "problems",
]


@dataclass(frozen=True)
class Identifier:
    """A value of the profile that says who the bidder is."""

    path: str
    """where the profile states it (`company.hotlines[0].number`)."""
    kind: str
    """what it is: name, short_name, address, person, phone, email (`anonymous.kind.*`)."""
    text: str


# The fields 暗标 mode leaves out of the documents, by path in the resolved profile's data
# (company fields under `company.`, project fields bare); `[]` stands for any item.
IDENTIFYING: dict[str, str] = {
    "company.name": "name",
    "company.short_name": "short_name",
    "company.address": "address",
    "company.legal_representative": "person",
    "company.hotlines[].number": "phone",
    "company.contacts[].name": "person",
    "company.contacts[].phone": "phone",
    "company.contacts[].email": "email",
    "company.service_network[].name": "name",
    "company.service_network[].address": "address",
    "company.service_network[].phone": "phone",
    "signatory.name": "person",
    "signatory.phone": "phone",
}

# Removed whole (nothing of them reaches a document in this mode).
_LEFT_OUT = ("company.hotlines", "company.contacts", "company.seal_image", "company.logo_image")

# Keys no reader sees in any document (placeholders.HIDDEN: kinds, references, flowchart ids,
# typed values, capacity and approvals), but for what a 暗标 must still search: the seal's and
# logo's file names (they reach file names) and notes (the 偏离表 prints a response's note).
_UNSEEN = (HIDDEN - {"seal_image", "logo_image", "note"}) | {"anonymous"}

# blanks, hyphens and dashes (also full-width), brackets (also full-width) and dots
_SEPARATORS = r"[\s\-\uff0d\u2014\u2013()\uff08\uff09.]"
# Shapes of contact details whoever's they are: a bidder must not be reachable from a 暗标.
PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("email", re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")),
    (
        "website",
        re.compile(
            r"(?:https?://|www\.)\S+|(?<![\w.@])(?:[a-z0-9\-]+\.)+"
            r"(?:com|cn|net|org|gov|edu|info|biz|top|xyz|co|io)(?![a-z0-9])",
            re.IGNORECASE,
        ),
    ),
    (
        "phone",
        re.compile(
            r"(?<![\d])(?:"
            r"(?:\+?86[\s\-]?)?1[3-9]\d[\s\-]?\d{4}[\s\-]?\d{4}"  # mobile
            rf"|0\d{{2,3}}{_SEPARATORS}?\d{{7,8}}"  # landline with its area code
            rf"|[48]00{_SEPARATORS}?\d{{3}}{_SEPARATORS}?\d{{4}}"  # 400 / 800 service numbers
            r")(?![\d])"
        ),
    ),
)


def _fold(text: str) -> str:
    """How two spellings of one name compare: width, case and blanks are how it was typed."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).casefold()


def _digits(text: str) -> str:
    return re.sub(r"\D", "", unicodedata.normalize("NFKC", text))


def _generic(path: str) -> str:
    return re.sub(r"\[\d+\]", "[]", path)


def _walk(value: Any, path: str) -> Iterator[tuple[str, str]]:
    return texts(value, path, _UNSEEN)


def _data(profile: Profile) -> Iterator[tuple[str, str]]:
    """Every text of the resolved profile, by path (project bare, company under `company.`)."""
    yield from _walk(profile.project.model_dump(mode="json"), "")
    yield from _walk(profile.company.model_dump(mode="json", exclude={"commitments"}), "company")
    if profile.customer:
        yield "customer", profile.customer


def identifiers(profile: Profile) -> list[Identifier]:
    """The values of `profile` that say who the bidder is, in the fields the mode leaves out."""
    found = [
        Identifier(path, IDENTIFYING[_generic(path)], text.strip())
        for path, text in _data(profile)
        # A blank to fill by hand (`________`) names nobody.
        if _generic(path) in IDENTIFYING and any(char.isalnum() for char in text)
    ]
    # A value stated twice (the contact's phone is the hotline) is one identifier.
    seen: set[tuple[str, str]] = set()
    unique = []
    for ident in found:
        if (ident.kind, _fold(ident.text)) not in seen:
            seen.add((ident.kind, _fold(ident.text)))
            unique.append(ident)
    return unique


def _left_out(path: str) -> bool:
    generic = _generic(path)
    return generic in IDENTIFYING or any(
        generic == p or generic.startswith(p + "[") or generic.startswith(p + ".")
        for p in _LEFT_OUT
    )


def _contains(text: str, ident: Identifier) -> bool:
    if ident.kind == "phone":
        # Compared by digits: 0573-82291608, 0573 8229 1608 and 057382291608 are one number;
        # the local part alone (82291608) identifies the bidder too.
        wanted = _digits(ident.text)
        local = wanted[-8:] if len(wanted) >= 10 else wanted
        runs = (_digits(r) for r in re.findall(rf"\d(?:{_SEPARATORS}*\d)*", text))
        return len(local) >= 5 and any(local in run for run in runs)
    return bool(_fold(ident.text)) and _fold(ident.text) in _fold(text)


def problems(resolved: Resolved, say: "Locale") -> list[Problem]:
    """Every value that would still identify the bidder in a 暗标 letter, located: an
    identifying value (or a phone number, e-mail or web address) inside text the letter,
    its headers or its file names would carry. A shop's letter to its customers (零售)
    cannot be anonymous: it exists to say who sells."""
    profile = resolved.profile
    found: list[Problem] = []
    if profile.project.method is ProcurementMethod.RETAIL:
        found.append(Problem(resolved.where("method"), "method", say.text("anonymous.retail")))
    if profile.company.docx_template is not None:  # its header and footer are a letterhead
        path = "company.docx_template"
        found.append(
            Problem(resolved.where(path), resolved.keyed(path), say.text("anonymous.template"))
        )
    known = identifiers(profile)
    for path, text in _data(profile):
        if _left_out(path):
            continue
        where, keyed = resolved.where(path), resolved.keyed(path)
        hits = [i for i in known if _contains(text, i)]
        for ident in hits:
            what = say.text(f"anonymous.kind.{ident.kind}")
            message = say.text("anonymous.reveals", what=what, value=ident.text, source=ident.path)
            found.append(Problem(where, keyed, message))
        if path == "tender_number":  # the tender's own reference, not the bidder's
            continue
        for kind, pattern in PATTERNS:
            for match in pattern.finditer(text):
                if any(_contains(match[0], i) for i in hits):
                    continue  # already said: that value is the bidder's own
                what = say.text(f"anonymous.kind.{kind}")
                found.append(
                    Problem(where, keyed, say.text("anonymous.looks", what=what, value=match[0]))
                )
    return found


def anonymous_profile(profile: Profile, say: "Locale") -> Profile:
    """The profile as a 暗标 letter may say it: the identifying fields left out, the company
    named only as the letter's self-reference, service centres by their city."""
    company = profile.company
    centres = [
        c.model_copy(update={"name": c.city, "address": None, "phone": None})
        for c in company.service_network
    ]
    # The company is named by its own 自称 (SELF in `_words.j2`), as the rest of the letter
    # names it; a language whose word is not a name (English "we") has its own.
    we = say.words().get("SELF", {}).get(company.self_reference.value, "")
    anonymous_company = company.model_copy(
        update={
            "name": we if we and not we.isascii() else say.text("anonymous.self"),
            "short_name": None,
            "address": None,
            "legal_representative": None,
            "hotlines": [],
            "contacts": [],
            "service_network": centres,
            "seal_image": None,
            "logo_image": None,
        }
    )
    signatory = profile.project.signatory.model_copy(update={"name": None, "phone": None})
    project = profile.project.model_copy(update={"signatory": signatory})
    return profile.model_copy(update={"company": anonymous_company, "project": project})


def anonymous_letter(letter: "Letter") -> "Letter":
    """A composed letter signed by nobody: no company or signatory line to seal or sign, no
    phone, seal, logo or author in the metadata; only the date is left under the closing."""
    signature = dataclasses.replace(
        letter.signature,
        company_label="",
        company="",
        signatory_label="",
        signatory=None,
        phone=None,
        seal_image=None,
    )
    return dataclasses.replace(letter, signature=signature, meta_author="", logo_image=None)


def anonymous_changes(changes: "tuple[Difference, ...]") -> "tuple[Difference, ...]":
    """The 变更说明's rows without the name of whoever approved a promise beyond a limit (a
    person of the bidder's); the approved value, date and reference stay."""
    return tuple(
        dataclasses.replace(d, approval=d.approval.model_copy(update={"approved_by": None}))
        if d.approval is not None and d.approval.approved_by
        else d
        for d in changes
    )
