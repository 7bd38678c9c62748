"""Build the workbook and Word layouts of fixtures/provinces/ (their .yaml files say what each holds).

Each builder writes one file the way the bureau's office software would: merged header cells,
cells merged down over sub-items, codes kept as numbers with a 0000000000 format.
"""

from pathlib import Path

R27 = ("医疗保障行政部门实施监督检查，可以采取下列措施：（一）进入现场检查；（二）询问有关人员；"
       "（三）要求被检查对象提供与检查事项相关的文件资料，并作出解释和说明；")
R38 = ("定点医药机构有下列情形之一的，由医疗保障行政部门责令改正，并可以约谈有关负责人；造成医疗保障基金损失的，"
       "责令退回，处造成损失金额1倍以上2倍以下的罚款；")
R40 = "定点医药机构通过下列方式骗取医疗保障基金支出的，由医疗保障行政部门责令退回，处骗取金额2倍以上5倍以下的罚款；"
A87 = ("社会保险经办机构以及医疗机构、药品经营单位等社会保险服务机构以欺诈、伪造证明材料或者其他手段骗取社会保险基金支出的，"
       "由社会保险行政部门责令退回骗取的社会保险金，处骗取金额二倍以上五倍以下的罚款。")


def build_zhejiang(path: Path) -> Path:
    """浙江 style: 权力基本码, 权力事项 over 主项名称 | 子项名称, 依据 over 设定依据 | 实施依据."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "行政处罚"
    ws.append(["某市医疗保障局行政权力事项目录（2023年版）"])
    ws.merge_cells("A1:H1")
    ws.append(["序号", "权力基本码", "权力事项", None, "权力类型", "依据", None, "行使层级"])
    ws.append([None, None, "主项名称", "子项名称", None, "设定依据", "实施依据", None])
    for col in "ABEH":
        ws.merge_cells(f"{col}2:{col}3")
    ws.merge_cells("C2:D2")
    ws.merge_cells("F2:G2")
    main = "对定点医药机构违反医疗保障基金使用规定的行政处罚"
    ws.append([1, 247008001, main, "对定点医药机构分解住院、挂床住院的处罚", "行政处罚",
               f"《医疗保障基金使用监督管理条例》第三十八条 {R38}", "《浙江省医疗保障条例》第五十二条", "市级、县级"])
    ws.append([None, 247008004, None, "对定点医药机构串换药品、医用耗材、诊疗项目和服务设施的处罚", None,
               None, None, "市级、县级"])
    for col in "ACEFG":
        ws.merge_cells(f"{col}4:{col}5")
    ws.append([2, 247009000, "对定点医药机构骗取医疗保障基金支出的行政处罚", None, "行政处罚",
               f"《医疗保障基金使用监督管理条例》第四十条 {R40}", None, "市级、县级"])
    for row in ws.iter_rows(min_row=4, min_col=2, max_col=2):
        for cell in row:
            cell.number_format = "0000000000"
    wb.save(path)
    return path


def build_guangdong(path: Path) -> Path:
    """广东 style Word table: 权责事项 spans 主项 | 子项 (gridSpan), 序号 and 事项类别 merged down (vMerge),
    〃 for a repeated department."""
    import docx

    document = docx.Document()
    document.add_paragraph("某市医疗保障局权责清单")
    document.add_paragraph("一、行政处罚")
    table = document.add_table(rows=6, cols=6)
    head = ["序号", "权责事项", "", "事项类别", "实施依据", "责任处（科）室"]
    sub = ["", "主项", "子项", "", "", ""]
    for i, text in enumerate(head):
        table.cell(0, i).text = text
    for i, text in enumerate(sub):
        if text:
            table.cell(1, i).text = text
    table.cell(0, 1).merge(table.cell(0, 2))
    for col in (0, 3, 4, 5):
        table.cell(0, col).merge(table.cell(1, col))
    main = "对定点医药机构违反医疗保障基金使用规定的处罚"
    data = [
        ["1", main, "对分解住院、挂床住院的处罚", "行政处罚", f"《医疗保障基金使用监督管理条例》第三十八条第一款第一项 {R38}",
         "基金监管科"],
        ["", "", "对重复收费、超标准收费、分解项目收费的处罚", "", "《医疗保障基金使用监督管理条例》第三十八条第一款第三项", "〃"],
        ["2", "对骗取社会保险基金支出的处罚", "", "行政处罚", f"《中华人民共和国社会保险法》第八十七条 {A87}", "〃"],
        ["3", "对医疗保障基金使用情况的监督检查", "", "行政检查", f"《医疗保障基金使用监督管理条例》第二十七条 {R27}", "基金监管科"],
    ]
    for r, values in enumerate(data, start=2):
        for c, text in enumerate(values):
            if text:
                table.cell(r, c).text = text
    for col in (0, 1, 3):  # the main item's cells span its two sub-items
        table.cell(2, col).merge(table.cell(3, col))
    document.add_paragraph("注：本清单自公布之日起施行。")
    document.save(str(path))
    return path


def build_shandong(path: Path) -> Path:
    """山东 style: 权力编号 holds the 10-digit code (only what the column holds says so), 职权分类,
    行使级别, a title row merged across."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "权力清单"
    ws.append(["某县医疗保障局权力清单"])
    ws.merge_cells("A1:G1")
    ws.append(["序号", "权力编号", "权力名称", "职权分类", "实施依据", "行使级别", "承办机构"])
    rows = [
        [1, "0247009000", "对定点医药机构骗取医疗保障基金支出的处罚", "行政处罚",
         f"《医疗保障基金使用监督管理条例》第四十条 {R40}", "县级", "基金监管股"],
        [2, "0247010000", "对个人骗取医疗保障基金支出的处罚", "行政处罚", "《医疗保障基金使用监督管理条例》第四十一条",
         "县级", "基金监管股"],
        [3, "0647004000", "对医疗保障基金使用情况的监督检查", "行政检查", f"《医疗保障基金使用监督管理条例》第二十七条 {R27}",
         "县级", "基金监管股"],
    ]
    for values in rows:
        ws.append(values)
    wb.save(path)
    return path


BUILDERS = {"zhejiang": build_zhejiang, "guangdong": build_guangdong, "shandong": build_shandong}
