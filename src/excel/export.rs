//! The nine 公开表 of a 部门决算 as an .xlsx workbook beside its PDF: one
//! sheet per table (named by its label, in the profile's order), the title
//! block (title, label, 部门 and 单位), the merged multi-row header — the
//! same grid the PDF prints, from the profile's table form —
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
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet};

use crate::model::grid::place_header;
use crate::money::Money;
use crate::render::{Figures, FinalAccountsView, GridView};

/// One cell of a table's body.
#[derive(Clone)]
enum Cell {
    /// Nothing (a bordered blank).
    Blank,
    /// A label, left-aligned, indented by the number of levels.
    Label(String, u8),
    /// Centred text (行次, a 合计 label).
    Center(String),
    /// A figure by its ledger name, with how its zero prints (blank, show or a text).
    Figure(String, String),
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
pub fn workbook(
    view: &FinalAccountsView,
    figures: &Figures,
    title: &str,
    date: Option<(u16, u8, u8)>,
) -> Result<Vec<u8>> {
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
        let grid = grid(&t.grid);
        let ws = wb.add_worksheet();
        let name = sheet_name(&t.label, &t.id, &used);
        ws.set_name(&name).with_context(|| format!("工作表名称“{name}”无效"))?;
        used.push(name);
        write_sheet(ws, &grid, (&t.title, &t.label), (&view.unit.name, &view.money_unit), figures)
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

/// One sheet: `(title, label)` of the table, `(unit, money unit)` of the document.
fn write_sheet(
    ws: &mut Worksheet,
    g: &Grid,
    (title, label): (&str, &str),
    (unit, money): (&str, &str),
    figures: &Figures,
) -> Result<()> {
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
    let money = format!("单位：{money}");
    if last > half {
        ws.merge_range(2, half, 2, last, &money, &right)?;
    } else {
        ws.write_string_with_format(2, last, &money, &right)?;
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
                Cell::Figure(name, zero) => {
                    let printed = figures.cell_zero(name, zero);
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

/// An Excel width (character units) for a Typst column width: what the
/// PDF gives a column, at a 10-point font (`fr` columns share what is left,
/// about a label's width each).
fn width_of(track: &str) -> f64 {
    let num = |suffix: &str| track.strip_suffix(suffix).and_then(|n| n.parse::<f64>().ok());
    if let Some(fr) = num("fr") {
        32.0 * fr
    } else if let Some(em) = num("em") {
        (em * 1.85).max(5.0)
    } else if let Some(pt) = num("pt") {
        (pt / 5.4).max(5.0)
    } else if let Some(mm) = num("mm") {
        (mm / 1.9).max(5.0)
    } else {
        12.0
    }
}

/// Header text for a cell: line breaks dropped (Excel wraps), wide spaces as the PDF spaces them.
fn head_text(t: &str) -> String {
    t.replace('\n', "").replace('　', "  ")
}

/// The table's grid as the PDF lays it out, from the same [`GridView`]:
/// header cells placed as Typst places them (each in the next free slot,
/// rows spanned from above skipped), body cells in rows of the table's width.
fn grid(g: &GridView) -> Grid {
    let widths: Vec<f64> = g.columns.split(',').map(|c| width_of(c.trim())).collect();
    let n = widths.len();
    let spans = g.header.iter().map(|c| (c.colspan as usize, c.rowspan as usize));
    // The form was checked when read; a grid that does not place is printed without its header.
    let (at, used) = place_header(spans, n).unwrap_or_default();
    let header = g
        .header
        .iter()
        .zip(at)
        .filter(|(c, _)| c.k != "empty")
        .map(|(c, (r, k))| head(r as u32, k as u16, c.rowspan.max(1) as u32, c.colspan.max(1), &head_text(&c.t)))
        .collect();
    let header_rows = used as u32;
    let body = g
        .body
        .iter()
        .map(|r| {
            r.iter()
                .map(|c| {
                    let cell = match c.k {
                        "num" if c.q.is_empty() => Cell::Blank,
                        "num" => Cell::Figure(c.q.clone(), c.z.clone()),
                        "lbl" if c.t.is_empty() => Cell::Blank,
                        "lbl" => Cell::Label(c.t.clone(), c.indent),
                        "hd" | "ctr" => Cell::Center(head_text(&c.t)),
                        _ => Cell::Blank,
                    };
                    (cell, c.colspan.max(1))
                })
                .collect()
        })
        .collect();
    Grid { widths, header, header_rows, body, note: g.note.clone(), after: g.after.clone() }
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
