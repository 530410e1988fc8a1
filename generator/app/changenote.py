"""The 变更说明 (change note): one page beside a customer's letter saying what it promises
differently from the company standard — each changed commitment, standard → customer value,
which way it goes for the buyer, the capacity limit and the approval covering it — signed
like the letter.

The company standard is the project without the customer's overlays and `--set`: the
promises every customer of this bid gets (company < project). The rows are `diff_profiles`'.
"""

from collections.abc import Sequence

from generator.app.diff import Difference, cap_text
from generator.letter.document import Letter, Paragraph, Section, Signature, Table
from generator.locale import get_locale
from generator.profiles.loading import Resolved

__all__ = ["change_note"]


def change_note(
    diffs: Sequence[Difference],
    customer: Resolved,
    signature: Signature,
    language: str,
) -> Letter:
    """The change note as a Letter for the renderers (one section holding the table)."""
    say = get_locale(language)
    profile = customer.profile
    project = profile.project
    who = profile.customer or project.customer or project.tenderer or ""
    title = say.text("diff.note.title")
    columns = ("term", "old", "new", "direction", "cap")
    header = tuple(
        say.text("diff.note.standard")
        if c == "old"
        else say.text("diff.note.customer")
        if c == "new"
        else say.text(f"diff.column.{c}")
        for c in columns
    )
    rows = tuple(
        (
            d.term,
            d.old if d.old is not None else say.text("diff.absent"),
            d.new if d.new is not None else say.text("diff.removed"),
            say.text(f"diff.direction.{d.direction.value}"),
            cap_text(d, say),
        )
        for d in diffs
    )
    blocks: tuple[Table | Paragraph, ...] = (
        (Table(caption="", header=header, rows=rows, widths=(26, 30, 30, 20, 51)),)
        if rows
        else (Paragraph(say.text("diff.note.none")),)
    )
    return Letter(
        title=title,
        addressee=say.text("diff.note.addressee", customer=who),
        opening=(
            Paragraph(say.text("diff.note.intro", project=project.project_name, customer=who)),
        ),
        sections=(Section(number="", title="", level=1, blocks=blocks),),
        closing=(),
        signature=signature,
        header_text=" ".join(x for x in (project.project_name, project.tender_number) if x),
        meta_title=title,
        meta_author=profile.company.name,
        meta_subject=title,
        date=project.date,
        language=say.name,
        asset_dirs=customer.asset_dirs,
    )
