//! The nine 公开表 of a 部门决算 as an .xlsx workbook beside its PDF: one
//! sheet per table (named by its label, in the profile's order), the title
//! block (title, label, 部门 and 单位：万元), the merged multi-row header,
//! 栏次 and 行次, every cell from the same ledger quantity the PDF cell
//! prints — formatted by the same [`Figures`], so the workbook shows what
//! the PDF shows — numbers as numbers with a number format of the printed
//! decimals, column widths, landscape A4 with the header rows repeated on
//! every page, and the notes. The document date is the data's (a fixed one
//! when it has none), so identical input gives identical bytes.
//!
//! Public entry: [`workbook`].

use anyhow::{Context, Result};
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet,
};

use crate::derive::CodeTable;
use crate::money::Money;
use crate::render::{FinalAccountsView, Figures};

/// One cell of a table's body.
#[derive(Clone)]
enum Cell {
    /// Nothing (a bordered blank).
    Blank,
    /// A label, left-aligned, indented by the number of levels.
    Label(String, u8),
    /// Centred text (行次, a 合计 label).
    Center(String),
    /// A figure by its ledger name; `true`: zeros are shown (`cell0`).
    Figure(String, bool),
}

/// A header cell: row and column within the header, its span and text.
struct Head {
    row: u32,
    col: u16,
    rows: u32,
    cols: u16,
    text: String,
}

/// One table laid out as a grid.
struct Grid {
    /// Column widths in Excel's character units.
    widths: Vec<f64>,
    header: Vec<Head>,
    header_rows: u32,
    /// Body rows: cells with their column span.
    body: Vec<Vec<(Cell, u16)>>,
    note: Option<String>,
    after: Option<String>,
}

fn head(row: u32, col: u16, rows: u32, cols: u16, text: &str) -> Head {
    Head { row, col, rows, cols, text: text.to_string() }
}

/// The fixed date written when the data gives none: it keeps the bytes of a
/// rebuild identical (the PDFs then carry no date at all).
const NO_DATE: (u16, u8, u8) = (1980, 1, 1);

/// The workbook of one unit-year's 公开表, as bytes. `title` is the
/// document's title (the PDF's name), `date` its date.
pub fn workbook(view: &FinalAccountsView, figures: &Figures, title: &str, date: Option<(u16, u8, u8)>) -> Result<Vec<u8>> {
    let mut wb = Workbook::new();
    let (y, m, d) = date.unwrap_or(NO_DATE);
    let created = ExcelDateTime::from_ymd(y, m, d).context("工作簿日期无效")?;
    let props = DocProperties::new()
        .set_title(title)
        .set_author(&view.unit.name)
        .set_company(&view.unit.name)
        .set_creation_datetime(&created);
    wb.set_properties(&props);
    let mut used: Vec<String> = Vec::new();
    for t in &view.tables {
        let grid = grid(view, &t.id);
        let ws = wb.add_worksheet();
        let name = sheet_name(&t.label, &t.id, &used);
        ws.set_name(&name).with_context(|| format!("工作表名称“{name}”无效"))?;
        used.push(name);
        write_sheet(ws, &grid, &t.title, &t.label, &view.unit.name, figures)
            .with_context(|| format!("无法写出 {} {}", t.label, t.title))?;
    }
    wb.save_to_buffer().context("无法生成 .xlsx 工作簿")
}

/// A sheet name from the table's label (公开01表), valid for Excel (at most
/// 31 characters, none of `[]:*?/\`) and not used yet.
fn sheet_name(label: &str, id: &str, used: &[String]) -> String {
    let clean: String = label.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(31).collect();
    let base = if clean.trim().is_empty() {
        format!("公开{}表", id.trim_start_matches('T'))
    } else {
        clean.trim().trim_matches('\'').to_string()
    };
    let mut name = base.clone();
    let mut k = 2;
    while used.iter().any(|u| u.to_lowercase() == name.to_lowercase()) {
        name = format!("{}({k})", base.chars().take(27).collect::<String>());
        k += 1;
    }
    name
}

/// The Excel number format that shows `printed` as it is printed: its
/// decimals and, when it has them, thousands separators.
fn number_format(printed: &str) -> String {
    let int = if printed.contains(',') { "#,##0" } else { "0" };
    match printed.split_once('.') {
        Some((_, frac)) if !frac.is_empty() => format!("{int}.{}", "0".repeat(frac.len())),
        _ => int.to_string(),
    }
}

fn write_sheet(ws: &mut Worksheet, g: &Grid, title: &str, label: &str, unit: &str, figures: &Figures) -> Result<()> {
    let ncols = g.widths.len() as u16;
    let last = ncols - 1;
    let song = |f: Format| f.set_font_name("宋体").set_font_size(10);
    let title_fmt = Format::new().set_font_name("黑体").set_font_size(16).set_align(FormatAlign::Center);
    let plain = song(Format::new());
    let right = song(Format::new()).set_align(FormatAlign::Right);
    let grid_fmt = |f: Format| song(f).set_border(FormatBorder::Thin).set_align(FormatAlign::VerticalCenter);
    let head_fmt = grid_fmt(Format::new()).set_align(FormatAlign::Center).set_text_wrap();
    let center = grid_fmt(Format::new()).set_align(FormatAlign::Center);
    let blank = grid_fmt(Format::new());
    let note_fmt = song(Format::new()).set_text_wrap().set_align(FormatAlign::Top);

    for (c, w) in g.widths.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    // Title block: title; label flush right; 部门 left, 单位 right.
    ws.merge_range(0, 0, 0, last, title, &title_fmt)?;
    ws.set_row_height(0, 28)?;
    ws.write_string_with_format(1, last, label, &right)?;
    let half = (ncols / 2).max(1);
    let dept = format!("部门：{unit}");
    if half > 1 {
        ws.merge_range(2, 0, 2, half - 1, &dept, &plain)?;
    } else {
        ws.write_string_with_format(2, 0, &dept, &plain)?;
    }
    if last > half {
        ws.merge_range(2, half, 2, last, "单位：万元", &right)?;
    } else {
        ws.write_string_with_format(2, last, "单位：万元", &right)?;
    }
    // Header: every cell of the header area bordered, the spans merged.
    let top = 3u32;
    for r in 0..g.header_rows {
        for c in 0..ncols {
            ws.write_blank(top + r, c, &head_fmt)?;
        }
    }
    for h in &g.header {
        let (r1, c1) = (top + h.row, h.col);
        let (r2, c2) = (r1 + h.rows - 1, c1 + h.cols - 1);
        if r1 == r2 && c1 == c2 {
            ws.write_string_with_format(r1, c1, &h.text, &head_fmt)?;
        } else {
            ws.merge_range(r1, c1, r2, c2, &h.text, &head_fmt)?;
        }
    }
    let mut row = top + g.header_rows;
    for cells in &g.body {
        let mut col = 0u16;
        for (cell, span) in cells {
            let span = (*span).max(1);
            let end = col + span - 1;
            let put = |ws: &mut Worksheet, text: Option<&str>, fmt: &Format| -> Result<()> {
                match (text, span) {
                    (Some(t), 1) => ws.write_string_with_format(row, col, t, fmt).map(|_| ()),
                    (None, 1) => ws.write_blank(row, col, fmt).map(|_| ()),
                    (t, _) => ws.merge_range(row, col, row, end, t.unwrap_or(""), fmt).map(|_| ()),
                }?;
                Ok(())
            };
            match cell {
                Cell::Blank => put(ws, None, &blank)?,
                Cell::Center(t) => put(ws, Some(t), &center)?,
                Cell::Label(t, indent) => {
                    let f = grid_fmt(Format::new()).set_align(FormatAlign::Left).set_indent(*indent);
                    put(ws, Some(t), &f)?
                }
                Cell::Figure(name, zeros) => {
                    let printed = if *zeros { figures.cell0(name) } else { figures.cell(name) };
                    let value = Money::parse(&printed).ok().and_then(|m| m.0.to_f64());
                    let f = grid_fmt(Format::new()).set_align(FormatAlign::Right);
                    match value {
                        Some(v) => {
                            let f = f.set_num_format(number_format(&printed));
                            if span > 1 {
                                ws.merge_range(row, col, row, end, "", &f)?;
                            }
                            ws.write_number_with_format(row, col, v, &f)?;
                        }
                        None if printed.is_empty() => put(ws, None, &f)?,
                        None => put(ws, Some(&printed), &f)?,
                    }
                }
            }
            col += span;
        }
        while col < ncols {
            ws.write_blank(row, col, &blank)?;
            col += 1;
        }
        row += 1;
    }
    for text in [&g.note, &g.after].into_iter().flatten() {
        ws.merge_range(row, 0, row, last, text, &note_fmt)?;
        let chars = text.chars().count() as f64;
        let width: f64 = g.widths.iter().sum::<f64>() / 2.0;
        let lines = (chars / width.max(1.0)).ceil().max(1.0);
        ws.set_row_height(row, 15.0 * lines)?;
        row += 1;
    }
    // Print: landscape A4, one page wide, header rows on every page.
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_print_center_horizontally(true);
    ws.set_margins(0.5, 0.5, 0.6, 0.6, 0.3, 0.3);
    ws.set_repeat_rows(top, top + g.header_rows - 1)?;
    ws.set_footer("&C第 &P 页，共 &N 页");
    Ok(())
}

/// A code table (公开02/03/05/08/09) body: its 合计 row, its rows (code,
/// indented name, figures) and `pad` blank rows.
fn code_body(t: &CodeTable, zeros_in_total: bool, pad: usize, ncols: usize) -> Vec<Vec<(Cell, u16)>> {
    let mut body = Vec::new();
    let mut total = vec![(Cell::Center("合计".into()), 2)];
    total.extend(t.total.iter().map(|n| (Cell::Figure(n.clone(), zeros_in_total), 1)));
    body.push(total);
    for r in &t.rows {
        let mut cells = vec![(Cell::Label(r.code.clone(), 0), 1), (Cell::Label(r.name.clone(), r.level.saturating_sub(1)), 1)];
        cells.extend(r.cells.iter().map(|n| (Cell::Figure(n.clone(), false), 1)));
        body.push(cells);
    }
    for _ in 0..pad {
        body.push((0..ncols).map(|_| (Cell::Blank, 1)).collect());
    }
    body
}

/// The 项目 / code / name / 栏次 header of a code table whose value columns
/// each span the header's rows (公开02, 03).
fn code_header_flat(titles: &[&str]) -> Vec<Head> {
    let mut h = vec![head(0, 0, 1, 2, "项    目")];
    for (i, t) in titles.iter().enumerate() {
        h.push(head(0, 2 + i as u16, 3, 1, t));
    }
    h.push(head(1, 0, 2, 1, "功能分类科目编码"));
    h.push(head(1, 1, 2, 1, "科目名称"));
    h.extend(columns_numbered(3, 0, 2, titles.len()));
    h
}

/// A 栏次 row at header row `row`: the label over `label_cols` columns from
/// `col`, then 1..=n.
fn columns_numbered(row: u32, col: u16, label_cols: u16, n: usize) -> Vec<Head> {
    let mut h = vec![head(row, col, 1, label_cols, "栏次")];
    for i in 0..n {
        h.push(head(row, col + label_cols + i as u16, 1, 1, &(i + 1).to_string()));
    }
    h
}

fn side_cells(s: &crate::render::SideView, zeros: bool) -> Vec<(Cell, u16)> {
    let mut v = vec![
        (if s.label.is_empty() { Cell::Blank } else { Cell::Label(s.label.clone(), 0) }, 1),
        (Cell::Center(s.line.to_string()), 1),
    ];
    v.extend(s.cells.iter().map(|n| (if n.is_empty() { Cell::Blank } else { Cell::Figure(n.clone(), zeros) }, 1)));
    v
}

/// The grid of table `id` (T01…T09), laid out as the PDF lays it out.
fn grid(v: &FinalAccountsView, id: &str) -> Grid {
    match id {
        "T01" => Grid {
            widths: vec![34.0, 6.0, 14.0, 34.0, 6.0, 14.0],
            header: vec![
                head(0, 0, 1, 3, "收入"),
                head(0, 3, 1, 3, "支出"),
                head(1, 0, 1, 1, "项    目"),
                head(1, 1, 1, 1, "行次"),
                head(1, 2, 1, 1, "决算数"),
                head(1, 3, 1, 1, "项    目"),
                head(1, 4, 1, 1, "行次"),
                head(1, 5, 1, 1, "决算数"),
                head(2, 0, 1, 1, "栏    次"),
                head(2, 2, 1, 1, "1"),
                head(2, 3, 1, 1, "栏    次"),
                head(2, 5, 1, 1, "2"),
            ],
            header_rows: 3,
            body: v.t01.iter().map(|(a, b)| [side_cells(a, false), side_cells(b, false)].concat()).collect(),
            note: Some("注：本表反映部门本年度的总收支和年末结转结余情况。".into()),
            after: None,
        },
        "T02" => {
            let titles = ["本年收入合计", "财政拨款收入", "上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入"];
            Grid {
                widths: [&[12.0, 30.0][..], &[12.0; 7]].concat(),
                header: code_header_flat(&titles),
                header_rows: 4,
                body: code_body(&v.t02, false, 3, 9),
                note: Some("注：本表反映部门本年度取得的各项收入情况。".into()),
                after: None,
            }
        }
        "T03" => {
            let titles = ["本年支出合计", "基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出"];
            Grid {
                widths: [&[12.0, 30.0][..], &[13.0; 6]].concat(),
                header: code_header_flat(&titles),
                header_rows: 4,
                body: code_body(&v.t03, false, 3, 8),
                note: Some("注：本表反映部门本年度各项支出情况。".into()),
                after: None,
            }
        }
        "T04" => {
            let mut header = vec![
                head(0, 0, 1, 3, "收入"),
                head(0, 3, 1, 5, "支出"),
                head(1, 0, 1, 1, "项    目"),
                head(1, 1, 1, 1, "行次"),
                head(1, 2, 1, 1, "金额"),
                head(1, 3, 1, 1, "项    目"),
                head(1, 4, 1, 1, "行次"),
                head(1, 5, 1, 1, "合计"),
                head(1, 6, 1, 1, "一般公共预算财政拨款"),
                head(1, 7, 1, 1, "政府性基金预算财政拨款"),
                head(2, 0, 1, 1, "栏    次"),
                head(2, 2, 1, 1, "1"),
                head(2, 3, 1, 1, "栏    次"),
            ];
            for i in 0..3 {
                header.push(head(2, 5 + i, 1, 1, &(i + 2).to_string()));
            }
            Grid {
                widths: vec![30.0, 6.0, 12.0, 30.0, 6.0, 12.0, 14.0, 14.0],
                header,
                header_rows: 3,
                body: v.t04.iter().map(|(a, b)| [side_cells(a, false), side_cells(b, false)].concat()).collect(),
                note: Some(
                    "注：本表反映部门本年度一般公共预算财政拨款和政府性基金预算财政拨款的总收支和年末结转结余情况。".into(),
                ),
                after: None,
            }
        }
        "T05" | "T09" => {
            let (t, first, pad, zeros, note) = if id == "T05" {
                (&v.t05, "小计", 3, false, "注：本表反映部门本年度一般公共预算财政拨款支出情况。")
            } else {
                (&v.t09, "合计", 6, true, "注：本表反映部门本年度国有资本经营预算财政拨款支出情况。")
            };
            let mut header = vec![
                head(0, 0, 1, 2, "项    目"),
                head(0, 2, 1, 3, "本年支出"),
                head(1, 0, 2, 1, "功能分类科目编码"),
                head(1, 1, 2, 1, "科目名称"),
                head(1, 2, 2, 1, first),
                head(1, 3, 2, 1, "基本支出"),
                head(1, 4, 2, 1, "项目支出"),
            ];
            header.extend(columns_numbered(3, 0, 2, 3));
            let after = (id == "T09" && t.rows.is_empty())
                .then(|| format!("{}没有国有资本经营预算财政拨款支出，故本表无数据。", v.unit.name));
            Grid {
                widths: vec![14.0, 34.0, 16.0, 16.0, 16.0],
                header,
                header_rows: 4,
                body: code_body(t, zeros, pad, 5),
                note: Some(note.into()),
                after,
            }
        }
        "T06" => {
            let mut header = Vec::new();
            for g in 0..3u16 {
                header.push(head(0, 3 * g, 1, 1, "经济分类科目编码"));
                header.push(head(0, 3 * g + 1, 1, 1, "科目名称"));
                header.push(head(0, 3 * g + 2, 1, 1, "决算数"));
            }
            let mut body: Vec<Vec<(Cell, u16)>> = v
                .t06
                .iter()
                .map(|r| {
                    r.iter()
                        .flat_map(|(code, name, q)| {
                            let label = |s: &str| if s.is_empty() { Cell::Blank } else { Cell::Label(s.to_string(), 0) };
                            [
                                (label(code), 1),
                                (label(name), 1),
                                (if q.is_empty() { Cell::Blank } else { Cell::Figure(q.clone(), false) }, 1),
                            ]
                        })
                        .collect()
                })
                .collect();
            body.push(vec![
                (Cell::Center("人员经费合计".into()), 2),
                (Cell::Figure("公开06.人员经费合计".into(), false), 1),
                (Cell::Center("公用经费合计".into()), 5),
                (Cell::Figure("公开06.公用经费合计".into(), false), 1),
            ]);
            Grid {
                widths: vec![10.0, 26.0, 11.0, 10.0, 22.0, 11.0, 10.0, 30.0, 11.0],
                header,
                header_rows: 1,
                body,
                note: Some("注：本表反映部门本年度一般公共预算财政拨款基本支出明细情况。".into()),
                after: None,
            }
        }
        "T07" => {
            let mut header = Vec::new();
            for (k, half) in ["预算数", "决算数"].iter().enumerate() {
                let c = 6 * k as u16;
                header.push(head(0, c, 1, 6, half));
                header.push(head(1, c, 2, 1, "合计"));
                header.push(head(1, c + 1, 2, 1, "因公出国（境）费"));
                header.push(head(1, c + 2, 1, 3, "公务用车购置及运行费"));
                header.push(head(1, c + 5, 2, 1, "公务接待费"));
                header.push(head(2, c + 2, 1, 1, "小计"));
                header.push(head(2, c + 3, 1, 1, "公务用车购置费"));
                header.push(head(2, c + 4, 1, 1, "公务用车运行费"));
            }
            for i in 0..12u16 {
                header.push(head(3, i, 1, 1, &(i + 1).to_string()));
            }
            let cols = crate::derive::T07_COLUMNS;
            let body = vec![
                ["预算", "决算"]
                    .iter()
                    .flat_map(|h| cols.iter().map(move |c| (Cell::Figure(format!("公开07.{h}.{c}"), true), 1)))
                    .collect(),
            ];
            Grid {
                widths: vec![11.0; 12],
                header,
                header_rows: 4,
                body,
                note: Some("注：本表反映部门本年度“三公”经费支出预决算情况。其中，预算数为“三公”经费全年预算数，反映按规定程序调整后的预算数；决算数是包括当年财政拨款和以前年度结转资金安排的实际支出。".into()),
                after: None,
            }
        }
        _ => {
            // T08
            let mut header = vec![
                head(0, 0, 1, 2, "项    目"),
                head(0, 2, 3, 1, "年初结转和结余"),
                head(0, 3, 3, 1, "本年收入"),
                head(0, 4, 1, 3, "本年支出"),
                head(0, 7, 3, 1, "年末结转和结余"),
                head(1, 0, 2, 1, "功能分类科目编码"),
                head(1, 1, 2, 1, "科目名称"),
                head(1, 4, 2, 1, "小计"),
                head(1, 5, 2, 1, "基本支出"),
                head(1, 6, 2, 1, "项目支出"),
            ];
            header.extend(columns_numbered(3, 0, 2, 6));
            let after = v
                .t08
                .rows
                .is_empty()
                .then(|| format!("{}没有政府性基金收入，也没有使用政府性基金安排的支出，故本表无数据。", v.unit.name));
            Grid {
                widths: vec![14.0, 30.0, 13.0, 13.0, 13.0, 13.0, 13.0, 13.0],
                header,
                header_rows: 4,
                body: code_body(&v.t08, true, 6, 8),
                note: Some("注：本表反映部门本年度政府性基金预算财政拨款收入、支出及结转和结余情况。".into()),
                after,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_formats_show_the_printed_decimals() {
        assert_eq!(number_format("162"), "0");
        assert_eq!(number_format("270.90"), "0.00");
        assert_eq!(number_format("0.8"), "0.0");
        assert_eq!(number_format("1,540.70"), "#,##0.00");
    }

    #[test]
    fn sheet_names_are_valid_and_distinct() {
        assert_eq!(sheet_name("公开01表", "T01", &[]), "公开01表");
        assert_eq!(sheet_name("", "T03", &[]), "公开03表");
        assert_eq!(sheet_name("表[1]:*", "T03", &[]), "表1");
        assert_eq!(sheet_name("公开01表", "T01", &["公开01表".into()]), "公开01表(2)");
    }
}
