"""The sales workspace in a real browser: Debian's Chromium driven by Playwright (the system
browser through `executable_path`; nothing is downloaded). Skipped only when no Chromium is
installed (`make setup` installs it)."""

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from documents import squash
from workspace_server import EX2, Server, copy_profiles, running

from conftest import run

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="no Chromium installed (scripts/setup-system.sh)"),
]
OVERLAY = "examples/ex2-highway-monitoring/customer-甲公司.yaml"
ARRIVE = 'input[name="f:response.tiers[0].arrive"]'
PERIOD = 'input[name="f:warranty.period"]'
REPAIR = 'input[name="f:response.tiers[0].repair"]'
SHOTS = os.environ.get("AFTERSALES_SCREENSHOTS")
"""A folder to copy the screenshots to (`make images` puts one in docs/images)."""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    with running(copy_profiles(tmp_path / "profiles")) as s:
        yield s


def _shot(page: Any, tmp_path: Path, name: str) -> Path:
    path = tmp_path / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    assert path.stat().st_size > 10_000  # a page was drawn, not a blank
    if SHOTS:
        shutil.copy(path, Path(SHOTS) / f"workspace-{name}.png")
    return path


def test_a_customer_version_end_to_end(browser: Any, server: Server, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1500, "height": 950}, accept_downloads=True)
    page.set_default_timeout(15_000)
    page.goto(server.url + "/")
    project = page.locator(f'section[data-project="{EX2}"]')
    expect(project).to_contain_text("宁夏高速公路监控系统")
    project.locator('input[name="customer"]').fill("甲公司")
    project.locator('button[type="submit"]').click()
    page.wait_for_url(re.compile(r"/edit\?"))
    expect(page.locator('[data-cap-for="response.tiers[0].arrive"]')).to_have_text("上限4小时以内")

    # Arrival 4 h and warranty 2 years: within the caps, and the tender's verdicts follow.
    page.fill(ARRIVE, "4小时")
    page.fill(PERIOD, "2年")
    expect(page.locator("#diff")).to_contain_text("质保期：1年 → 2年（更优）")
    expect(page.locator("#diff")).to_contain_text("8小时 → 4小时")
    expect(page.locator('[data-cap-for="warranty.period"]')).to_have_text("上限5年以内")
    expect(page.locator('[data-verdict-for="response.tiers[0].arrive"]')).to_have_text(
        "第五章 6.2(2) 正偏离 3/5分"
    )
    expect(page.locator("#check-result")).to_have_text("通过（无负偏离、无未响应）")
    expect(page.locator("#points")).to_have_text("得分 4 / 8")
    preview = page.frame_locator("#preview").locator("body")
    expect(preview).to_contain_text("4小时")
    expect(preview).to_contain_text("宁夏高速公路监控系统")
    _shot(page, tmp_path, "edit")

    page.click("#save")
    expect(page.locator("#status")).to_have_text(f"已保存到 {OVERLAY}")
    saved = (server.root / OVERLAY).read_text(encoding="utf-8")
    assert "period: 2年" in saved and "- arrive: 4小时" in saved and "customer: 甲公司" in saved
    code, out, _ = run("diff", server.root / EX2, "--overlay", server.root / OVERLAY)
    assert code == 0
    assert re.search(r"质保期\s+warranty.period\s+1年\s+2年\s+更优\s+上限5年以内", out)
    assert re.search(r"到场时间\s+\S+arrive\s+8小时\s+4小时\s+更优\s+上限4小时以内", out)

    # The PDF, downloaded as a user would, says the new promises.
    with page.expect_download() as info:
        page.click("text=承诺书 PDF")
    pdf = tmp_path / "letter.pdf"
    info.value.save_as(pdf)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    letter = squash(text)
    assert "8小时" not in letter and re.search("接到.{0,20}4小时", letter), letter
    assert re.search("质量保证期为2年", letter) and "一年" not in letter

    # Beyond the cap: shown at the field and in the summary; the download is refused.
    page.fill(PERIOD, "6年")
    cap = page.locator('[data-cap-for="warranty.period"]')
    expect(cap).to_have_text("超出上限5年，未经审批；须经总经理审批")
    expect(cap).to_have_class(re.compile("exceeded"))
    expect(page.locator("#refusals")).to_contain_text("承诺6年超出能力上限5年")
    _shot(page, tmp_path, "beyond-cap")
    page.click("#save")  # kept as a draft, said so; nothing is made from it until approved
    expect(page.locator("#status")).to_contain_text(f"已保存为草稿：{OVERLAY}")
    expect(page.locator("#status")).to_contain_text("审批前不能下载")
    href = page.get_attribute("text=承诺书 PDF", "href")
    page.goto(server.url + str(href))
    expect(page.locator(".message")).to_contain_text("无法下载")
    expect(page.locator(".message")).to_contain_text("须经总经理审批")
    page.close()


def test_a_concurrent_save_shows_the_conflict(browser: Any, server: Server, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    address = server.url + "/edit?" + f"project={EX2}&overlay={OVERLAY}&customer=甲公司"
    first, second = browser.new_page(), browser.new_page()
    for page in (first, second):
        page.set_default_timeout(15_000)
        page.goto(address)
        expect(page.locator("#diff")).to_be_visible()
    first.fill(ARRIVE, "6小时")
    first.click("#save")
    expect(first.locator("#status")).to_have_text(f"已保存到 {OVERLAY}")
    second.fill(REPAIR, "12小时")
    second.click("#save")
    expect(second.locator("#status")).to_contain_text("保存被拒绝")
    expect(second.locator("#status")).to_contain_text("在您打开之后已被修改")
    _shot(second, tmp_path, "conflict")
    saved = (server.root / OVERLAY).read_text(encoding="utf-8")
    assert "arrive: 6小时" in saved and "12小时" not in saved
    # A value the files refuse is marked at its field, and nothing is saved.
    first.fill(REPAIR, "18 mounths")
    error = first.locator('[data-error-for="response.tiers[0].repair"]')
    expect(error).to_have_text("“18 mounths”无法识别，是否应为“18 months”？")
    first.click("#save")
    expect(error).to_have_text("“18 mounths”无法识别，是否应为“18 months”？")
    assert (server.root / OVERLAY).read_text(encoding="utf-8") == saved
    first.close()
    second.close()


def test_tiers_and_components_are_rows_to_add_and_remove(
    browser: Any, server: Server, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1500, "height": 950})
    page.set_default_timeout(15_000)
    page.goto(server.url + "/edit?" + f"project={EX2}&overlay={OVERLAY}&customer=甲公司")
    expect(page.locator("#diff")).to_be_visible()
    # A new tier for the city with a service centre, and a component with its own warranty.
    page.click('button.add-row[data-list="response.tiers"]')
    tier = page.locator('tr.new-row[data-row="response.tiers[+1]"]')
    tier.locator('input[name="f:response.tiers[+1].region"]').fill("银川市区")
    tier.locator('input[name="f:response.tiers[+1].areas"]').fill("银川")
    tier.locator('input[name="f:response.tiers[+1].arrive"]').fill("2小时")
    cap = page.locator('[data-cap-for="response.tiers[+1].arrive"]')
    expect(cap).to_have_text("超出上限4小时，未经审批；须经售后服务部经理审批")
    tier.locator('input[name="f:response.tiers[+1].arrive"]').fill("4小时")
    expect(cap).to_have_text("上限4小时以内")
    page.click('button.add-row[data-list="warranty.components"]')
    part = page.locator('tr.new-row[data-row="warranty.components[+2]"]')
    part.locator('input[name="f:warranty.components[+2].name"]').fill("摄像机")
    part.locator('input[name="f:warranty.components[+2].period"]').fill("3 yeers")
    error = page.locator('[data-error-for="warranty.components[+2].period"]')
    expect(error).to_have_text("“3 yeers”无法识别，是否应为“3 years”？")
    part.locator('input[name="f:warranty.components[+2].period"]').fill("3年")
    expect(error).to_have_text("")
    expect(page.locator("#diff")).to_contain_text("银川市区")
    expect(page.locator("#diff")).to_contain_text("摄像机")
    page.click('button.add-row[data-list="response.tiers"]')  # one row too many: dropped
    page.click('tr[data-row="response.tiers[+3]"] button.drop-row')
    expect(page.locator('tr[data-row="response.tiers[+3]"]')).to_have_count(0)
    _shot(page, tmp_path, "rows")
    page.click("#save")  # the page opens again from the saved file
    expect(page.locator("#status")).to_have_text(f"已保存到 {OVERLAY}")
    page.wait_for_function("!location.search.includes('saved=')")  # a reload says it no more
    expect(page.locator('tr.item[data-row="response.tiers[1]"]')).to_contain_text("银川市区")
    expect(page.locator('input[name="f:warranty.components[0].period"]')).to_have_value("3年")
    saved = (server.root / OVERLAY).read_text(encoding="utf-8")
    assert "- region: 银川市区" in saved and "- name: 摄像机" in saved
    # Removed again by their checkboxes: the file holds the customer alone.
    page.check('input[name="x:response.tiers[1]"]')
    expect(page.locator('tr[data-field="response.tiers[1].arrive"]')).to_have_class(
        re.compile("removed")
    )
    page.check('input[name="x:warranty.components[0]"]')
    expect(page.locator("#diff")).not_to_contain_text("银川市区")
    page.click("#save")
    expect(page.locator('tr.item[data-row="response.tiers[1]"]')).to_have_count(0)
    assert (server.root / OVERLAY).read_text(
        encoding="utf-8"
    ) == "kind: overlay\ncustomer: 甲公司\n"
    page.close()
