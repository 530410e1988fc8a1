"""The sales workspace over HTTP (a real uvicorn server on 127.0.0.1): customer versions,
the live summary, save with conflict detection, downloads, and every safety refusal with
nothing written."""

import json
import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from workspace_server import EX2, TENDER, Server, copy_profiles, running

from conftest import run
from generator.web.workspace import Workspace

# Each test runs a real uvicorn server: slow by the suite's definition (make test-fast).
pytestmark = pytest.mark.slow

OVERLAY = "examples/ex2-highway-monitoring/customer-甲公司.yaml"
ARRIVE = "f:response.tiers[0].arrive"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    with running(copy_profiles(tmp_path / "profiles")) as s:
        yield s


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_projects_are_listed_with_company_tender_and_versions(server: Server) -> None:
    page = server.get("/").text
    assert "宁夏高速公路监控系统" in page and "华通智能交通科技有限公司" in page
    assert TENDER in page and "宁夏高速公路管理中心" in page  # the bundled customer version
    assert server.get("/").headers["content-security-policy"].startswith("default-src 'none'")


def test_a_customer_version_from_form_to_file_and_diff(server: Server) -> None:
    reply = server.post(
        "/new",
        {"csrf": server.settings.csrf, "project": EX2, "customer": "甲公司", "tender": TENDER},
    )
    assert reply.status == 303 and "customer-%E7%94%B2" in reply.headers["location"]
    form = server.form(EX2, OVERLAY)
    assert form[ARRIVE] == "8小时" and form["f:warranty.period"] == "1年"
    form[ARRIVE], form["f:warranty.period"] = "4小时", "2年"
    found = server.post("/api/evaluate", form).json()
    assert found["ok"] is True and found["errors"] == {}
    caps = found["caps"]
    assert caps["response.tiers[0].arrive"] == ["within", "上限4小时以内"]
    assert caps["warranty.period"] == ["within", "上限5年以内"]
    verdicts = found["verdicts"]
    assert verdicts["response.tiers[0].arrive"] == [["positive", "第五章 6.2(2) 正偏离 3/5分"]]
    summary = str(found["summary"])
    assert "通过" in summary and "得分 4 / 8" in summary
    assert "质保期：1年 → 2年（更优）" in summary
    saved = server.post("/save", form)
    assert saved.status == 200 and saved.json()["ok"] is True
    text = (server.root / OVERLAY).read_text(encoding="utf-8")
    assert text == (
        "kind: overlay\ncustomer: 甲公司\ncommitments:\n  warranty:\n    period: 2年\n"
        "  response:\n    tiers:\n      - arrive: 4小时\n"
    )
    code, out, _ = run(
        "diff", server.root / EX2, "--overlay", server.root / OVERLAY, "--format", "json"
    )
    changes = {c["path"]: (c["old"], c["new"], c["cap"]) for c in json.loads(out)["changes"]}
    assert code == 0 and changes == {
        "warranty.period": ("1年", "2年", "within"),
        "response.tiers[region=,severity=,time=].arrive": ("8小时", "4小时", "within"),
    }
    # Opened again, the form shows the saved values; setting one back to the company standard
    # takes it out of the file.
    form = server.form(EX2, OVERLAY)
    assert form[ARRIVE] == "4小时"
    form["f:warranty.period"] = "1年"
    assert server.post("/save", form).status == 200
    assert "warranty" not in (server.root / OVERLAY).read_text(encoding="utf-8")


def test_a_value_beyond_the_cap_is_shown_and_downloads_refused(server: Server) -> None:
    form = server.form(EX2, OVERLAY)
    form["f:warranty.period"] = "6年"
    found = server.post("/api/evaluate", form).json()
    assert found["ok"] is False
    assert found["caps"]["warranty.period"] == ["exceeded", "超出上限5年，未经审批；须经总经理审批"]
    assert "承诺6年超出能力上限5年，且无审批记录；须经总经理审批" in str(found["summary"])


def test_an_approval_recorded_in_the_form_covers_up_to_its_value(server: Server) -> None:
    form = server.form(EX2, OVERLAY)
    form["f:warranty.period"] = "6年"
    form["a:warranty.period:value"] = "5年"
    form["a:warranty.period:approved_by"] = "王总"
    found = server.post("/api/evaluate", form).json()
    assert found["ok"] is False and found["caps"]["warranty.period"][0] == "exceeded"
    form["a:warranty.period:value"] = "6年"
    form["a:warranty.period:reference"] = "SP-7"
    found = server.post("/api/evaluate", form).json()
    assert found["ok"] is True
    assert found["caps"]["warranty.period"] == [
        "approved", "超出上限5年，已审批：批准至6年，王总，SP-7"
    ]  # fmt: skip
    assert server.post("/save", form).status == 200
    text = (server.root / OVERLAY).read_text(encoding="utf-8")
    assert "approvals:\n  - commitment: warranty.period\n    value: 6年\n" in text
    assert "approved_by: 王总" in text and "reference: SP-7" in text
    form = server.form(EX2, OVERLAY)  # opened again: the approval is in the form
    assert (form["a:warranty.period:value"], form["a:warranty.period:reference"]) == ("6年", "SP-7")
    assert server.post("/api/evaluate", form).json()["caps"]["warranty.period"][0] == "approved"
    form["a:warranty.period:value"] = "!!str 6年"
    errors = server.post("/api/evaluate", form).json()["errors"]
    assert "YAML" in errors["approvals"][0]


def test_bad_values_are_reported_at_the_field_and_nothing_is_written(server: Server) -> None:
    before = _files(server.root)
    form = server.form(EX2, OVERLAY)
    form["f:response.tiers[0].repair"] = "18 mounths"
    form[ARRIVE] = "!!python/object:os.system"
    form["f:warranty.period"] = "&a 2年"
    form["f:response.tiers[+1].region"] = "*alias"  # a new row goes the same way
    form["f:warranty.components[+1].name"] = "!!binary 5pGE"
    form["x:response.tiers[9]"] = "1"  # no such item to remove
    found = server.post("/api/evaluate", form).json()
    errors = found["errors"]
    assert "YAML" in errors["response.tiers[0].arrive"][0]
    assert "YAML" in errors["warranty.period"][0]
    assert "YAML" in errors["response.tiers[+1].region"][0]
    assert "YAML" in errors["warranty.components[+1].name"][0]
    assert errors[""] == ["未知字段 response.tiers[9]"]
    saved = server.post("/save", form)
    assert saved.status == 422 and _files(server.root) == before
    form = server.form(EX2, OVERLAY)
    form["f:response.tiers[0].repair"] = "18 mounths"
    errors = server.post("/api/evaluate", form).json()["errors"]
    assert errors == {"response.tiers[0].repair": ["“18 mounths”无法识别，是否应为“18 months”？"]}
    assert server.post("/save", form).status == 422 and _files(server.root) == before


def test_a_concurrent_save_is_refused_with_a_clear_message(server: Server) -> None:
    first, second = server.form(EX2, OVERLAY), server.form(EX2, OVERLAY)
    first[ARRIVE], second[ARRIVE] = "4小时", "6小时"
    assert server.post("/save", first).json()["ok"] is True
    reply = server.post("/save", second)
    assert reply.status == 409
    assert "在您打开之后已被修改" in str(reply.json()["message"])
    assert "arrive: 4小时" in (server.root / OVERLAY).read_text(encoding="utf-8")
    # A file edited by hand after the page was opened is not overwritten either.
    third = server.form(EX2, OVERLAY)
    (server.root / OVERLAY).write_text("kind: overlay\ncustomer: 手工\n", encoding="utf-8")
    assert server.post("/save", third).status == 409
    assert (server.root / OVERLAY).read_text(encoding="utf-8") == "kind: overlay\ncustomer: 手工\n"


# ------------------------------------------------------------------------------ safety


def test_paths_outside_the_folder_are_refused(server: Server, tmp_path: Path) -> None:
    before = _files(server.root)
    form = server.form(EX2, OVERLAY)
    for overlay in ("../outside.yaml", "/tmp/outside.yaml", "examples/../../outside.yaml"):
        form["overlay"] = overlay
        assert server.post("/save", form).status == 404
        assert server.get(f"/edit?project={EX2}&overlay={overlay}").status == 404
    form = server.form(EX2, OVERLAY)
    form["project"] = "../../etc/passwd"
    assert server.post("/save", form).status == 404
    assert _files(server.root) == before and not (tmp_path / "outside.yaml").exists()


def test_a_symbolic_link_out_of_the_folder_is_refused(server: Server, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    os.symlink(outside, server.root / "examples" / "link")
    target = tmp_path / "elsewhere" / "x.yaml"
    form = server.form(EX2, OVERLAY)
    form["overlay"] = "examples/link/x.yaml"
    assert server.post("/save", form).status == 404 and not target.exists()
    os.symlink(target, server.root / "examples" / "ex2-highway-monitoring" / "link.yaml")
    form["overlay"] = "examples/ex2-highway-monitoring/link.yaml"
    assert server.post("/save", form).status == 404 and not target.exists()
    assert all(not p.path.startswith("examples/link/") for p in Workspace(server.root).projects())


def test_posts_need_the_csrf_token(server: Server) -> None:
    before = _files(server.root)
    form = server.form(EX2, OVERLAY)
    form[ARRIVE] = "4小时"
    del form["csrf"]
    assert server.post("/save", form).status == 403
    form["csrf"] = "0" * 64
    assert server.post("/save", form).status == 403
    form["csrf"] = server.settings.csrf
    foreign = {"Origin": "http://evil.example"}
    assert server.post("/save", form, headers=foreign).status == 403
    assert _files(server.root) == before
    assert server.post("/save", form).status == 200  # the same request with the token


def test_a_foreign_host_header_is_refused(server: Server) -> None:
    before = _files(server.root)
    assert server.get("/", headers={"Host": "evil.example"}).status == 400
    form = server.form(EX2, OVERLAY)
    assert server.post("/save", form, headers={"Host": "rebind.evil.example:8765"}).status == 400
    assert _files(server.root) == before
    assert server.get("/", headers={"Host": f"localhost:{server.port}"}).status == 200


def test_an_oversized_request_is_refused(server: Server) -> None:
    before = _files(server.root)
    form = server.form(EX2, OVERLAY)
    form["customer"] = "甲" * 200_000
    assert server.post("/save", form).status == 413
    assert _files(server.root) == before


def test_a_wrong_access_token_is_refused(tmp_path: Path) -> None:
    with running(copy_profiles(tmp_path / "p"), token="s3cret-token") as s:
        before = _files(s.root)
        assert s.get("/").status == 403
        assert s.get("/?token=wrong").status == 403
        assert s.get("/", headers={"Cookie": "aftersales_token=wrong"}).status == 403
        form = {"csrf": s.settings.csrf, "project": EX2, "customer": "x"}
        assert s.post("/new", form).status == 403
        ok = s.get("/?token=s3cret-token")
        assert ok.status == 303 and "HttpOnly" in ok.headers["set-cookie"]
        assert s.get("/", headers={"Cookie": "aftersales_token=s3cret-token"}).status == 200
        assert _files(s.root) == before


def test_an_internal_error_shows_an_id_not_a_traceback(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: Workspace) -> None:
        raise RuntimeError("secret detail")

    monkeypatch.setattr(Workspace, "projects", broken)
    reply = server.get("/")
    assert reply.status == 500 and "内部错误（编号" in reply.text
    assert "secret detail" not in reply.text and "Traceback" not in reply.text


@pytest.mark.slow
def test_downloads_follow_the_saved_file_and_refuse_beyond_the_cap(server: Server) -> None:
    form = server.form(EX2, OVERLAY)
    query = "?" + urlencode({"project": EX2, "overlay": OVERLAY, "tender": TENDER})
    assert server.get(f"/download/letter.pdf{query}").status == 409  # nothing saved yet
    form[ARRIVE] = "4小时"
    assert server.post("/save", form).status == 200
    for kind, magic in [
        ("letter.pdf", b"%PDF"),
        ("letter.docx", b"PK"),
        ("change.pdf", b"%PDF"),
        ("deviation.pdf", b"%PDF"),
        ("check.xlsx", b"PK"),
    ]:
        reply = server.get(f"/download/{kind}{query}")
        assert reply.status == 200 and reply.body.startswith(magic), kind
        assert "attachment" in reply.headers["content-disposition"]
    form = server.form(EX2, OVERLAY)
    form["f:warranty.period"] = "6年"
    draft = server.post("/save", form).json()  # a draft may wait for its approval
    assert draft["ok"] is True and draft["draft"] is True
    assert str(draft["message"]).startswith(f"已保存为草稿：{OVERLAY}。")
    assert "period: 6年" in (server.root / OVERLAY).read_text(encoding="utf-8")
    for kind in ("letter.pdf", "check.xlsx"):
        refused = server.get(f"/download/{kind}{query}")
        assert refused.status == 422 and "须经总经理审批" in refused.text
    # Within the caps but short of the tender: the render gate refuses the 偏离表.
    form = server.form(EX2, OVERLAY)
    form["f:warranty.period"], form[ARRIVE] = "1年", "20小时"
    assert server.post("/save", form).status == 200
    refused = server.get(f"/download/deviation.pdf{query}")
    assert refused.status == 422 and "无法下载" in refused.text and "6.2(2)" in refused.text
    assert server.get(f"/download/letter.pdf{query}").status == 200  # the letter has no gate


def test_a_hand_made_tag_in_the_file_is_refused_not_a_crash(server: Server) -> None:
    form = server.form(EX2, OVERLAY)
    (server.root / OVERLAY).write_text("kind: overlay\ncustomer: !!str 甲\n", encoding="utf-8")
    form["base_hash"] = "x"
    reply = server.post("/api/evaluate", form)
    assert reply.status == 422 and "tag" in reply.text.lower()


def test_serve_binds_loopback_and_needs_a_token_elsewhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import generator.web.app

    started: list[generator.web.app.Settings] = []
    monkeypatch.setattr(generator.web.app, "serve", started.append)
    code, _, err = run("serve", tmp_path)
    assert code == 0 and started[-1].host == "127.0.0.1" and started[-1].token is None
    assert "open http://127.0.0.1:8765/\n" in err  # no token on loopback
    code, _, err = run("serve", tmp_path, "--host", "0.0.0.0", "--port", "9000")
    token = started[-1].token
    assert code == 0 and token and len(token) >= 24
    assert f"http://0.0.0.0:9000/?token={token}" in err
    code, _, _ = run("serve", tmp_path, "--host", "0.0.0.0", "--token", "mine")
    assert started[-1].token == "mine"


def test_tiers_and_components_are_added_and_removed_as_rows(server: Server) -> None:
    page = server.get("/edit?" + urlencode({"project": EX2, "overlay": OVERLAY})).text
    assert 'name="x:response.tiers[0]"' in page and 'id="row-response.tiers"' in page
    assert 'name="f:warranty.components[+__N__].name"' in page
    form = server.form(EX2, OVERLAY)
    new_tier = {
        "f:response.tiers[+1].region": "银川市区",
        "f:response.tiers[+1].areas": "银川、石嘴山",
        "f:response.tiers[+1].severity": "",
        "f:response.tiers[+1].time": "",
        "f:response.tiers[+1].respond": "",
        "f:response.tiers[+1].arrive": "4小时",
        "f:response.tiers[+1].repair": "12小时",
        "f:warranty.components[+1].name": "摄像机",
        "f:warranty.components[+1].period": "3 yeers",
    }
    form.update(new_tier)
    errors = server.post("/api/evaluate", form).json()["errors"]
    assert errors == {"warranty.components[+1].period": ["“3 yeers”无法识别，是否应为“3 years”？"]}
    form["f:warranty.components[+1].period"] = "3年"
    found = server.post("/api/evaluate", form).json()
    assert found["ok"] is True
    assert found["caps"]["response.tiers[+1].arrive"] == ["within", "上限4小时以内"]
    assert found["caps"]["warranty.components[+1].period"] == ["within", "上限5年以内"]
    summary = str(found["summary"])  # each new commitment once, under its item's name
    assert (
        '<li>到场时间 <span class="context">银川市区</span>：（无） → 4小时（更优）</li>' in summary
    )
    assert '<li>质保期 <span class="context">摄像机</span>：（无） → 3年（更优）</li>' in summary
    assert "部件名称" not in summary and "区域" not in summary
    # A second new row with the name of an item there is refused at its name.
    taken = dict(
        form, **{"f:response.tiers[+2].region": "银川市区", "f:response.tiers[+2].arrive": "6小时"}
    )
    errors = server.post("/api/evaluate", taken).json()["errors"]
    assert errors == {"response.tiers[+2].region": ["已有同名的档位或部件"]}
    saved = server.post("/save", form).json()
    assert saved["ok"] is True and saved["reload"] is True
    text = (server.root / OVERLAY).read_text(encoding="utf-8")
    assert text == (
        "kind: overlay\ncustomer: 甲公司\ncommitments:\n  response:\n    tiers:\n"
        "      - region: 银川市区\n        areas:\n          - 银川\n          - 石嘴山\n"
        "        arrive: 4小时\n        repair: 12小时\n"
        "  warranty:\n    components:\n      - name: 摄像机\n        period: 3年\n"
    )
    code, out, _ = run("diff", server.root / EX2, "--overlay", server.root / OVERLAY)
    assert code == 0 and "region=银川市区" in out and "name=摄像机" in out
    # Opened again, the new items are rows like the others; removing them empties the file,
    # and removing the standard's tier writes `remove: true` beside its name.
    form = server.form(EX2, OVERLAY)
    assert form["f:response.tiers[1].arrive"] == "4小时"
    assert form["f:warranty.components[0].period"] == "3年"
    form["x:response.tiers[1]"] = form["x:warranty.components[0]"] = "1"
    form["f:response.tiers[1].arrive"] = "1小时"  # a field of a removed item is ignored
    assert server.post("/save", form).json()["reload"] is True
    assert (server.root / OVERLAY).read_text(
        encoding="utf-8"
    ) == "kind: overlay\ncustomer: 甲公司\n"
    form = server.form(EX2, OVERLAY)
    form["x:response.tiers[0]"] = "1"
    found = server.post("/api/evaluate", form).json()
    assert "第五章 6.2(2)" not in str(found["verdicts"]) and "未通过" in found["summary"]
    assert server.post("/save", form).status == 200
    text = (server.root / OVERLAY).read_text(encoding="utf-8")
    assert text.endswith("commitments:\n  response:\n    tiers:\n      - remove: true\n")
    page = server.get("/edit?" + urlencode({"project": EX2, "overlay": OVERLAY, "saved": 1})).text
    assert "本客户版本已删除：响应、到场、修复时限 不分区域" in page
    assert "已保存到 " + OVERLAY in page
    # Added again under its name (all fields empty: the tier for everywhere), it comes back.
    form = server.form(EX2, OVERLAY)
    assert "f:response.tiers[0].arrive" not in form
    form["f:response.tiers[+1].arrive"] = "6小时"
    found = server.post("/api/evaluate", form).json()
    assert found["caps"]["response.tiers[+1].arrive"] == ["within", "上限4小时以内"]
    assert found["verdicts"]["response.tiers[+1].arrive"][0][0] == "positive"
    assert server.post("/save", form).json()["reload"] is True
    text = (server.root / OVERLAY).read_text(encoding="utf-8")
    assert text.endswith("commitments:\n  response:\n    tiers:\n      - arrive: 6小时\n")
    form = server.form(EX2, OVERLAY)
    assert form["f:response.tiers[0].arrive"] == "6小时"
