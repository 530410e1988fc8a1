"""Tender documents written for the import-tender tests (our own clause text, in the phrasing
public tenders use), built as DOCX with python-docx and as PDF with WeasyPrint."""

import html
from pathlib import Path

import docx
from docx.enum.text import WD_BREAK

# One entry per paragraph; a list is a table (rows of cells); None is a page break.
Para = str | list[list[str]] | None

NOTICE: list[Para] = [
    "医用设备采购项目招标文件",
    "项目名称：市人民医院医用设备采购项目",
    "招标编号：YY-2026-018",
    None,
    "第二章 投标人须知",
    "1.1 本项目不接受联合体投标。",
    "1.2 标注“★”的条款为实质性条款，投标人必须全部满足，不满足将导致投标无效。",
    "1.3 标注“▲”的条款为重要技术参数，负偏离的每项扣1分，不作为废标条件。",
    "1.4 投标人应对招标文件作出实质性响应，投标有效期为投标截止之日起90天。",
    None,
]

SERVICE: list[Para] = [
    "第五章 采购需求",
    "5 售后服务要求",
    "5.1 ★所投设备自验收合格之日起免费质保期不少于3年。",
    "5.2 中标人须提供7×24小时电话技术支持。",
    "5.3 ▲设备故障时，接到报修通知后1小时内响应，4小时内到达现场，24小时内排除故障。",
    "5.4 中标人应在质保期内每季度至少1次上门巡检。",
    "5.5 投标人须提供所投设备制造商针对本项目出具的售后服务承诺函。",
]

# What each document must give, item by item: clause, marker, commitments with comparator
# and value (manual: None), page.
SERVICE_ITEMS = [
    (
        "第五章 5.1",
        "★",
        {"warranty.period": ("at_least", "3年"), "warranty.start": ("equals", "验收合格之日")},
    ),
    ("第五章 5.2", None, {"response.hotline.hours": ("at_least", "7×24小时")}),
    (
        "第五章 5.3",
        "▲",
        {
            "response.respond": ("at_most", "1小时"),
            "response.arrive": ("at_most", "4小时"),
            "response.repair": ("at_most", "24小时"),
        },
    ),
    ("第五章 5.4", None, {"inspections.frequency": ("at_least", "每季度1次")}),
    ("第五章 5.5", None, None),
]

TABLES: list[Para] = [
    "第三章 商务要求",
    "表3 售后服务要求",
    [
        ["序号", "项目", "要求"],
        ["1", "质保期", "整机质保期不少于2年"],
        ["2", "响应时间", "接到故障通知后30分钟内响应"],
        ["3", "到场时间", "市区2小时内到达现场，其他地区8小时内到达现场"],
        ["4", "备品备件", "质保期满后备件供应不少于8年"],
    ],
]

TABLE_ITEMS = [
    ("第三章 1", None, {"warranty.period": ("at_least", "2年")}),
    ("第三章 2", None, {"response.respond": ("at_most", "30分钟")}),
    ("第三章 3", None, {"response.arrive": ("at_most", "2小时")}),
    ("第三章 4", None, {"spare_parts.supply_period": ("at_least", "8年")}),
]

SCORING: list[Para] = [
    "第四章 评标办法",
    "评分标准",
    [
        ["序号", "评分因素", "分值", "评分标准"],
        ["1", "质保期", "3分", "在满足招标文件要求的基础上，质保期每增加1年得1分，最高得3分。"],
        ["2", "到场时间", "3分", "承诺2小时内到场得3分，4小时内到场得2分。"],
    ],
]

TRADITIONAL: list[Para] = [
    "第三章 保固及售後服務",
    "一、得標廠商應提供保固期不少於2年，自驗收合格之日起算。",
    "二、接獲通知後4小時內到場，48小時內修復。",
]

TRADITIONAL_ITEMS = [
    (
        "第三章 一",
        None,
        {"warranty.period": ("at_least", "2年"), "warranty.start": ("equals", "验收合格之日")},
    ),
    (
        "第三章 二",
        None,
        {"response.arrive": ("at_most", "4小時"), "response.repair": ("at_most", "48小時")},
    ),
]

FILLER = [
    "投标文件应在投标截止时间前递交至招标文件规定的地点，逾期送达的投标文件将被拒收。",
    "投标人应按招标文件的要求编制投标文件，投标文件的正本和副本均须加盖投标人公章。",
    "评标委员会由招标人代表和有关技术、经济等方面的专家组成，成员人数为5人以上单数。",
    "中标人应在中标通知书发出之日起30日内，按照招标文件和中标人的投标文件与招标人订立书面合同。",
    "投标人在投标截止时间前可以修改或撤回已提交的投标文件，但应以书面形式通知招标人。",
    "招标人对已发出的招标文件进行必要澄清或修改的，将以书面形式通知所有获取招标文件的潜在投标人。",
]


TECHNICAL = [
    "显示屏尺寸不小于55英寸，分辨率不低于3840×2160。",
    "设备工作温度范围为-10℃至50℃，相对湿度不超过90%。",
    "整机噪声不超过45dB，待机功耗不高于0.5W。",
]

PARAMETERS: list[list[str]] = [
    ["序号", "参数名称", "技术要求"],
    ["1", "处理器", "不低于8核，主频不低于2.5GHz"],
    ["2", "内存", "不少于32GB"],
    ["3", "存储", "不少于2TB固态硬盘"],
]


def long_document(pages: int = 150) -> list[Para]:
    """About `pages` pages: the notice, procedural filler, the service chapter in the middle."""
    out: list[Para] = list(NOTICE)
    middle = pages // 2
    for page in range(3, pages + 1):
        if page == middle:
            out.extend(SERVICE)
            out.append(None)
            continue
        out.append(f"第{page % 9 + 1}节 投标文件的编制与递交")
        for n in range(6):
            out.append(f"{page}.{n + 1} " + FILLER[(page + n) % len(FILLER)])
        out.append(f"{page}.7 " + TECHNICAL[page % len(TECHNICAL)])
        if page % 10 == 0:
            out.append(PARAMETERS)
        out.append(None)
    return out


def write_docx(paras: list[Para], path: Path, numbered: bool = False) -> Path:
    """The paragraphs as a DOCX; with `numbered`, a clause's number is Word's own (List
    Number), not typed in the text."""
    document = docx.Document()
    for para in paras:
        if para is None:
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        elif isinstance(para, list):
            table = document.add_table(rows=len(para), cols=len(para[0]))
            for r, row in enumerate(para):
                for c, cell in enumerate(row):
                    table.cell(r, c).text = cell
        elif numbered and para[:2] == "5." and " " in para:
            document.add_paragraph(para.split(" ", 1)[1], style="List Number")
        else:
            document.add_paragraph(para)
    path = path.with_suffix(".docx")
    document.save(str(path))
    return path


def write_pdf(paras: list[Para], path: Path) -> Path:
    """The paragraphs as a PDF with a text layer, one page per page break."""
    import weasyprint

    body: list[str] = []
    for para in paras:
        if para is None:
            body.append('<div style="break-after: page"></div>')
        elif isinstance(para, list):
            rows = "".join(
                "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
                for row in para
            )
            body.append(f"<table>{rows}</table>")
        else:
            body.append(f"<p>{html.escape(para)}</p>")
    css = (
        "@page{size:A4;margin:20mm} body{font-family:'Noto Serif CJK SC';font-size:11pt}"
        "td{padding:2mm 6mm;border:1px solid #000} table{border-collapse:collapse}"
    )
    page = f"<html><head><style>{css}</style></head><body>{''.join(body)}</body></html>"
    path = path.with_suffix(".pdf")
    weasyprint.HTML(string=page).write_pdf(str(path))
    return path


_NUMBERING = """<w:abstractNum xmlns:w="{w}" w:abstractNumId="90">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>
    <w:lvlText w:val="%1、"/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:isLgl/><w:numFmt w:val="decimal"/>
    <w:lvlText w:val="%1.%2"/></w:lvl>
  <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimalEnclosedCircle"/>
    <w:lvlText w:val="%3"/></w:lvl>
</w:abstractNum>"""


def write_numbered_docx(paras: list[tuple[int, str]], path: Path) -> Path:
    """Paragraphs numbered by Word's own list (level 0: 一、, 1: 1.1, 2: ①), the numbers not
    in the text: (level, text); level -1 is a plain paragraph."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    document = docx.Document()
    numbering = document.part.numbering_part.element
    numbering.insert(0, parse_xml(_NUMBERING.format(w=w)))
    numbering.append(
        parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>')
    )
    for level, text in paras:
        p = document.add_paragraph(text)
        if level >= 0:
            num_pr = parse_xml(
                f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>'
            )
            p._p.get_or_add_pPr().insert(0, num_pr)
    path = path.with_suffix(".docx")
    document.save(str(path))
    return path
