"""Layering (company < project < overlays < --set), provenance and located validation errors."""

from pathlib import Path

import pytest

from conftest import write_tree
from generator.errors import InputError, Location
from generator.profiles.loading import load_profile
from generator.profiles.quantities import Duration

COMPANY = """\
kind: company
name: 测试科技有限公司
hotlines:
  - number: 400-800-1234
    hours: 7x24
commitments:
  warranty:
    period: 1 year
    start: acceptance
    exclusions: [天灾]
  response:
    tiers:
      - arrive: 8h
        repair: 24h
"""

PROJECT = """\
kind: project
company: company.yaml
project_name: 某监控系统项目
tender_number: NX-2026-001
date: 2026-11-28
commitments:
  warranty:
    period: 18 months
"""

OVERLAY = """\
kind: overlay
customer: 银川市交通局
commitments:
  warranty:
    exclusions: [天灾, 人为损害]
  response:
    tiers:
      - arrive: 4h
"""


@pytest.fixture
def files(tmp_path: Path) -> Path:
    return write_tree(
        tmp_path, {"company.yaml": COMPANY, "project.yaml": PROJECT, "overlay.yaml": OVERLAY}
    )


def test_project_overrides_company_and_keeps_the_rest(files: Path) -> None:
    resolved = load_profile(files / "project.yaml")
    warranty = resolved.profile.commitments.warranty
    assert warranty is not None
    assert warranty.period == Duration.parse("18 months")
    assert warranty.start is not None and warranty.start.value == "acceptance"
    assert resolved.where("commitments.warranty.period") == Location(
        str(files / "project.yaml"), 8, 13
    )
    assert resolved.where("commitments.warranty.start").file.endswith("company.yaml")
    assert resolved.where("commitments.warranty.start").line == 9


def test_overlay_replaces_plain_lists_merges_tiers_and_names_the_customer(files: Path) -> None:
    resolved = load_profile(files / "project.yaml", [files / "overlay.yaml"])
    c = resolved.profile.commitments
    assert c.warranty is not None and c.warranty.exclusions == ["天灾", "人为损害"]
    assert c.response is not None
    # The overlay names the tier that applies everywhere: only its arrival time changes.
    assert [(str(t.arrive), str(t.repair)) for t in c.response.tiers] == [("4 h", "24 h")]
    assert resolved.profile.customer == "银川市交通局"
    assert resolved.where("commitments.response.tiers[0].repair").file.endswith("company.yaml")
    assert resolved.where("commitments.response.tiers[0].arrive").line == 8


def test_set_wins_over_every_file_and_is_located(files: Path) -> None:
    resolved = load_profile(
        files / "project.yaml",
        [files / "overlay.yaml"],
        ["warranty.period=3年", "commitments.response.tiers[0].arrive=2h"],
    )
    c = resolved.profile.commitments
    assert c.warranty is not None and c.warranty.period == Duration.parse("3 years")
    assert c.response is not None and c.response.tiers[0].arrive == Duration.parse("2h")
    assert resolved.where("commitments.warranty.period") == Location("--set", 1, 1)
    assert resolved.where("commitments.response.tiers[0].arrive") == Location("--set", 1, 2)


def test_set_keeps_scalars_as_strings(files: Path) -> None:
    resolved = load_profile(files / "project.yaml", sets=["tender_number=010010"])
    assert resolved.profile.project.tender_number == "010010"


@pytest.mark.parametrize(
    ("assignment", "message"),
    [
        ("warranty.period", '--set:1:1: "warranty.period" is not path=value'),
        (
            "response.tiers[5].arrive=2h",
            "--set:1:1: commitments.response.tiers[5].arrive: there is no item [5] to set",
        ),
    ],
)
def test_bad_set_is_an_input_error(files: Path, assignment: str, message: str) -> None:
    with pytest.raises(InputError) as err:
        load_profile(files / "project.yaml", sets=[assignment])
    assert str(err.value).startswith(message)


def test_bad_set_value_points_at_the_option(files: Path) -> None:
    with pytest.raises(InputError) as err:
        load_profile(files / "project.yaml", sets=["warranty.period=18 mounths"])
    assert str(err.value) == (
        '--set:1:1: commitments.warranty.period: "18 mounths" is not a duration '
        '(did you mean "18 months"?)'
    )


def test_problems_of_every_file_are_reported_together(files: Path) -> None:
    (files / "company.yaml").write_text(COMPANY.replace("period: 1 year", "period: 1 yaer"))
    (files / "project.yaml").write_text(PROJECT.replace("tender_number", "tender_numbr"))
    with pytest.raises(InputError) as err:
        load_profile(files / "project.yaml")
    lines = str(err.value).splitlines()
    assert len(lines) == 2
    assert any(":8:13: commitments.warranty.period:" in line for line in lines)
    assert any(
        line.endswith(
            ':4:1: tender_numbr: unknown key "tender_numbr" (did you mean "tender_number"?)'
        )
        for line in lines
    )


def test_project_must_name_an_existing_company(files: Path) -> None:
    (files / "project.yaml").write_text(PROJECT.replace("company.yaml", "nope.yaml"))
    with pytest.raises(InputError) as err:
        load_profile(files / "project.yaml")
    assert str(err.value).endswith(':2:10: company: company profile "nope.yaml" not found')


def test_wrong_kind_of_file_is_named(files: Path) -> None:
    with pytest.raises(InputError) as err:
        load_profile(files / "overlay.yaml")
    assert str(err.value).endswith(
        ':1:7: kind: expected "kind: project", this file has "kind: overlay"'
    )


def test_seal_image_is_resolved_beside_the_company_file(files: Path) -> None:
    (files / "company.yaml").write_text(COMPANY + "seal_image: seal.png\n")
    resolved = load_profile(files / "project.yaml")
    assert resolved.profile.company.seal_image == str(files / "seal.png")
    assert files.resolve() in resolved.asset_dirs


def test_set_on_a_list_item_merges_it_and_keeps_every_line_true(files: Path) -> None:
    resolved = load_profile(files / "project.yaml", sets=["response.tiers[0]={arrive: 2h}"])
    tier = resolved.profile.commitments.response.tiers[0]  # type: ignore[union-attr]
    assert (tier.arrive, tier.repair) == (Duration.parse("2h"), Duration.parse("24h"))
    assert resolved.where("commitments.response.tiers[0].arrive") == Location("--set", 1, 1)
    assert resolved.where("commitments.response.tiers[0].repair").line == 14


def test_overlay_approvals_add_up_and_keep_their_lines(files: Path) -> None:
    approval = (
        "  - {commitment: response.arrive, value: 4h, approved_by: 王五, date: 2026-11-01,"
        " reference: A-1}\n"
    )
    (files / "project.yaml").write_text(PROJECT + "approvals:\n" + approval, encoding="utf-8")
    (files / "overlay.yaml").write_text(
        OVERLAY + "approvals:\n" + approval.replace("A-1", "A-2"), encoding="utf-8"
    )
    resolved = load_profile(files / "project.yaml", [files / "overlay.yaml"])
    assert [a.reference for a in resolved.profile.project.approvals] == ["A-1", "A-2"]
    second = resolved.where("approvals[1].approved_by")
    assert second.file.endswith("overlay.yaml") and second.line == 10
    # A path that was never located falls back to the project file instead of looping.
    assert resolved.where("nothing[3].here").file.endswith("project.yaml")


@pytest.mark.parametrize(
    ("assignment", "message"),
    [
        ("company=other.yaml", "company: company cannot be changed with --set"),
        ("kind=overlay", "kind: kind cannot be changed with --set"),
        ("warranty.period=2y\nx: 3", "warranty.period: a --set value must be on one line"),
    ],
)
def test_set_refuses_what_it_cannot_do(files: Path, assignment: str, message: str) -> None:
    with pytest.raises(InputError) as err:
        load_profile(files / "project.yaml", sets=[assignment])
    assert str(err.value) == f"--set:1:1: {message}"


@pytest.mark.parametrize("reference", ["loop.yaml", "a\\0b.yaml", "x" * 5000 + ".yaml"])
def test_unusable_company_reference_is_located(files: Path, reference: str) -> None:
    (files / "loop.yaml").symlink_to(files / "loop.yaml")
    text = PROJECT.replace("company: company.yaml", f'company: "{reference}"')
    (files / "project.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_profile(files / "project.yaml")
    assert ":2:10: company: " in str(err.value)


def test_an_empty_set_value_is_refused_not_a_silent_removal(files: Path) -> None:
    for value in ("", "   ", "\u3000"):
        with pytest.raises(InputError) as err:
            load_profile(files / "project.yaml", sets=[f"warranty.period={value}"])
        assert str(err.value).endswith("a --set value cannot be empty")
