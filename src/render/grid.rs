//! A 公开表 laid out from its form: header and body as a flat list of
//! cells in reading order (Typst's table flows them into the columns), each
//! either text or the name of a ledger quantity with how its zero prints.
//! The template prints every cell through one macro; the numbers still
//! reach the page only by name, through `q`.

use serde::Serialize;

use crate::derive::{Layout, zh_number};
use crate::ledger::Ledger;
use crate::model::grid::{
    Block, Cell, CodeStyle, CodesBlock, LineNumbers, SideItem, SidesBlock, TableForm, TotalAt, Zero,
};

/// One cell as the template prints it.
#[derive(Debug, Clone, Serialize)]
pub struct GridCell {
    /// hd (header text), lbl (left), ctr (centred), num (an amount), pad (a padding row's cell), empty.
    pub k: &'static str,
    /// The text (hd, lbl, ctr).
    pub t: String,
    /// The quantity (num; "" a blank cell).
    pub q: String,
    /// How a zero prints: blank, show, or the text itself.
    pub z: String,
    pub colspan: u16,
    pub rowspan: u16,
    /// Indent of a name, in em.
    pub indent: u8,
}

impl GridCell {
    fn text(k: &'static str, t: impl Into<String>) -> GridCell {
        GridCell { k, t: t.into(), q: String::new(), z: String::new(), colspan: 1, rowspan: 1, indent: 0 }
    }
    fn num(q: impl Into<String>, zero: &Zero) -> GridCell {
        let z = match zero {
            Zero::Blank => "blank".to_string(),
            Zero::Show => "show".to_string(),
            Zero::Text(t) => t.clone(),
        };
        GridCell { q: q.into(), z, ..GridCell::text("num", "") }
    }
    fn span(mut self, colspan: Option<u16>, rowspan: Option<u16>) -> GridCell {
        self.colspan = colspan.unwrap_or(1).max(1);
        self.rowspan = rowspan.unwrap_or(1).max(1);
        self
    }
}

/// A table's grid, ready to print.
#[derive(Debug, Clone, Serialize)]
pub struct GridView {
    /// The column widths, as Typst code (checked when the form was read).
    pub columns: String,
    pub size: Option<String>,
    pub row_inset: Option<String>,
    pub header: Vec<GridCell>,
    /// The body's rows (a form's checks make each fill the columns).
    pub body: Vec<Vec<GridCell>>,
    pub note: Option<String>,
    /// Printed under the table (its code rows are all absent).
    pub after: Option<String>,
}

impl GridView {
    /// A table whose profile was built without reading its forms (a
    /// profile made in code): it prints as an empty grid with a note.
    pub fn missing() -> GridView {
        GridView {
            columns: "1fr".into(),
            size: None,
            row_inset: None,
            header: vec![GridCell::text("hd", "本表没有表式")],
            body: Vec::new(),
            note: None,
            after: None,
        }
    }
}

/// Lays out `form` with the unit-year's rows and quantities.
/// A zero prints as the form says, else as the profile's `table_zero` says.
pub fn grid_view(form: &TableForm, layout: &Layout, l: &Ledger, unit_name: &str, table_zero: &Zero) -> GridView {
    let n = form.columns.len();
    let zero = form.zero.as_ref().unwrap_or(table_zero);
    let header = form.header.iter().flatten().map(|c| cell(c, zero)).collect();
    let mut body = Vec::new();
    let mut code_blocks = 0;
    let mut code_rows = 0;
    for block in &form.body {
        match block {
            Block::Row(cells) => body.extend(cells.iter().map(|c| cell(c, zero))),
            Block::Padding(k) => body.extend((0..*k as usize * n).map(|_| GridCell::text("pad", ""))),
            Block::Codes(c) => {
                code_blocks += 1;
                code_rows += codes(c, layout, zero, &mut body);
            }
            Block::Economic(e) => economic(layout, &e.totals, zero, &mut body),
            Block::Sides(s) => sides(s, layout, l, zero, &mut body),
        }
    }
    let after =
        form.empty_note.as_ref().filter(|_| code_blocks > 0 && code_rows == 0).map(|t| t.replace("{unit}", unit_name));
    GridView {
        columns: form.columns.iter().map(|c| c.0.as_str()).collect::<Vec<_>>().join(", "),
        body: rows(body, n),
        size: form.size.as_ref().map(|s| s.0.clone()),
        row_inset: form.row_inset.as_ref().map(|s| s.0.clone()),
        header,
        note: form.note.clone(),
        after,
    }
}

/// The body's cells in rows of `n` columns.
fn rows(cells: Vec<GridCell>, n: usize) -> Vec<Vec<GridCell>> {
    let mut out = Vec::new();
    let (mut row, mut filled) = (Vec::new(), 0);
    for c in cells {
        filled += c.colspan.max(1) as usize;
        row.push(c);
        if filled >= n {
            out.push(std::mem::take(&mut row));
            filled = 0;
        }
    }
    if !row.is_empty() {
        out.push(row);
    }
    out
}

fn cell(c: &Cell, zero: &Zero) -> GridCell {
    match c {
        Cell::Text(t) if t.is_empty() => GridCell::text("empty", ""),
        Cell::Text(t) => GridCell::text("hd", t.clone()),
        Cell::Spec(s) => {
            let g = if let Some(t) = &s.hd {
                GridCell::text("hd", t.clone())
            } else if let Some(t) = &s.label {
                GridCell::text("lbl", t.clone())
            } else if let Some(t) = &s.center {
                GridCell::text("ctr", t.clone())
            } else if let Some(q) = &s.q {
                GridCell::num(q.clone(), s.zero.as_ref().unwrap_or(zero))
            } else {
                GridCell::text("empty", "")
            };
            g.span(s.colspan, s.rowspan)
        }
    }
}

/// Rows by code; the number of code rows printed.
fn codes(c: &CodesBlock, layout: &Layout, zero: &Zero, out: &mut Vec<GridCell>) -> usize {
    let Some(t) = layout.code_table(&c.of) else { return 0 };
    let code_cols: u16 = if c.code == CodeStyle::Split { 4 } else { 2 };
    let total = |out: &mut Vec<GridCell>| {
        if let Some(label) = &c.total {
            out.push(GridCell::text("hd", label.clone()).span(Some(code_cols), None));
            let z = c.total_zero.as_ref().unwrap_or(zero);
            out.extend(c.columns.iter().map(|col| GridCell::num(format!("{}.合计.{col}", c.of), z)));
        }
    };
    if c.total_at == TotalAt::Top {
        total(out);
    }
    let mut rows = 0;
    for r in t.rows.iter().filter(|r| r.level <= c.depth) {
        rows += 1;
        match c.code {
            CodeStyle::One => out.push(GridCell::text("lbl", r.code.clone())),
            CodeStyle::Split => {
                for (a, b) in [(0, 3), (3, 5), (5, 7)] {
                    out.push(GridCell::text("ctr", r.code.get(a..b).unwrap_or("")));
                }
            }
        }
        let mut name = GridCell::text("lbl", r.name.clone());
        name.indent = r.level - 1;
        out.push(name);
        out.extend(c.columns.iter().map(|col| GridCell::num(format!("{}.{}.{col}", c.of, r.code), zero)));
    }
    if c.total_at == TotalAt::Bottom {
        total(out);
    }
    rows
}

/// The 公开06 grid: three groups of (code, name, amount) per row, then the two totals.
fn economic(layout: &Layout, totals: &(String, String), zero: &Zero, out: &mut Vec<GridCell>) {
    let rows = layout.t06.first().map(Vec::len).unwrap_or(0);
    for i in 0..rows {
        for g in &layout.t06 {
            match &g[i] {
                Some(c) => {
                    out.push(GridCell::text("lbl", c.code.clone()));
                    out.push(GridCell::text("lbl", c.name.clone()));
                    out.push(GridCell::num(c.quantity.clone(), zero));
                }
                None => {
                    out.push(GridCell::text("lbl", ""));
                    out.push(GridCell::text("lbl", ""));
                    out.push(GridCell::num("", zero));
                }
            }
        }
    }
    out.push(GridCell::text("hd", totals.0.clone()).span(Some(2), None));
    out.push(GridCell::num("公开06.人员经费合计", zero));
    out.push(GridCell::text("hd", totals.1.clone()).span(Some(5), None));
    out.push(GridCell::num("公开06.公用经费合计", zero));
}

/// One side's rows: items in order, a `classes` item expanded to one row per 类.
fn expand<'a>(items: &'a [SideItem], layout: &Layout, l: &Ledger) -> Vec<(String, Vec<String>, Option<&'a Zero>)> {
    let mut out = Vec::new();
    for it in items {
        if !it.classes {
            out.push((it.label.clone(), it.q.clone(), it.zero.as_ref()));
            continue;
        }
        for (i, (code, name)) in layout.classes.iter().enumerate() {
            // A 类 without a row in the table it draws from has no quantity: a blank cell.
            let cells =
                it.q.iter()
                    .map(|p| p.replace("{code}", code))
                    .map(|q| if l.id(&q).is_some() { q } else { String::new() })
                    .collect();
            out.push((format!("{}、{name}", zh_number(i + 1)), cells, it.zero.as_ref()));
        }
    }
    out
}

/// Two sides with their 行次.
fn sides(s: &SidesBlock, layout: &Layout, l: &Ledger, zero: &Zero, out: &mut Vec<GridCell>) {
    let (lw, rw) = s.widths();
    let left = expand(&s.left, layout, l);
    let right = expand(&s.right, layout, l);
    let body = (left.len().max(right.len()) + s.extra_rows as usize).max(s.min_rows as usize);
    let total = body + s.tail.len();
    let blank = (String::new(), Vec::new(), None);
    let side = |out: &mut Vec<GridCell>, item: &(String, Vec<String>, Option<&Zero>), line: usize, width: usize| {
        out.push(GridCell::text("lbl", item.0.clone()));
        if s.lines != LineNumbers::None {
            out.push(GridCell::text("ctr", line.to_string()));
        }
        let z = item.2.unwrap_or(zero);
        for k in 0..width {
            out.push(GridCell::num(item.1.get(k).cloned().unwrap_or_default(), z));
        }
    };
    let tail: Vec<_> = s
        .tail
        .iter()
        .map(|(a, b)| {
            ((a.label.clone(), a.q.clone(), a.zero.as_ref()), (b.label.clone(), b.q.clone(), b.zero.as_ref()))
        })
        .collect();
    for row in 0..total {
        let (a, b) = if row < body {
            (left.get(row).unwrap_or(&blank), right.get(row).unwrap_or(&blank))
        } else {
            let (a, b) = &tail[row - body];
            (a, b)
        };
        let right_line = if s.lines == LineNumbers::Continue { total + row + 1 } else { row + 1 };
        side(out, a, row + 1, lw);
        side(out, b, right_line, rw);
    }
}

/// The quantity names a form prints that this unit-year's ledger cannot
/// give, each with the nearest name: a fixed name that is not in the ledger,
/// or a `{code}` pattern that names no kind of quantity (checked against
/// this ledger and the catalogue of quantities). `check` reports
/// them, so a misspelt cell is found before anything is built.
pub fn unknown_names(form: &TableForm, l: &Ledger) -> Vec<(String, Option<String>)> {
    let mut names: Vec<&str> = Vec::new();
    let cells = form.header.iter().flatten().chain(form.body.iter().flat_map(|b| match b {
        Block::Row(cells) => cells.as_slice(),
        _ => &[],
    }));
    for c in cells {
        if let Cell::Spec(s) = c {
            names.extend(s.q.as_deref());
        }
    }
    let mut patterns: Vec<&str> = Vec::new();
    for b in &form.body {
        if let Block::Sides(s) = b {
            let items = s.left.iter().chain(&s.right).chain(s.tail.iter().flat_map(|(a, b)| [a, b]));
            for it in items {
                let qs = it.q.iter().map(String::as_str).filter(|q| !q.is_empty());
                if it.classes { patterns.extend(qs) } else { names.extend(qs) }
            }
        }
    }
    let all = || l.entries().iter().map(|e| e.name.as_str());
    let mut out = Vec::new();
    for n in names {
        if l.id(n).is_none() {
            out.push((n.to_string(), crate::ledger::suggest(n, all()).map(str::to_string)));
        }
    }
    for p in patterns {
        let (head, tail) = p.split_once("{code}").unwrap_or((p, ""));
        let matches = all().any(|e| e.len() > head.len() + tail.len() && e.starts_with(head) && e.ends_with(tail));
        // No 类 with data yet (a new unit): the pattern must still name a kind of quantity.
        let known = crate::quantities::describe(&p.replace("{code}", "201")).is_some();
        if !matches && !known {
            let near = crate::ledger::suggest(&p.replace("{code}", "合计"), all()).map(|s| s.replace("合计", "{code}"));
            out.push((p.to_string(), near));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_header_that_does_not_fill_its_columns_is_refused() {
        let form: TableForm =
            serde_saphyr::from_str("columns: [1fr, 1fr, 1fr]\nheader:\n  - [{hd: 甲, colspan: 2}, 乙, 丙]\nbody: []\n")
                .unwrap();
        let e = form.check(&crate::derive::columns_of).unwrap_err();
        assert!(e.contains("表头第 2 行只填了 1 列，应为 3 列"), "{e}");
    }

    #[test]
    fn a_code_block_names_columns_the_table_has() {
        let form: TableForm = serde_saphyr::from_str(
            "columns: [1fr, 1fr, 1fr]\nheader: [[甲, 乙, 丙]]\nbody:\n  - codes: {of: 公开05, columns: [基本指出]}\n",
        )
        .unwrap();
        let e = form.check(&crate::derive::columns_of).unwrap_err();
        assert!(e.contains("公开05 没有“基本指出”列，是否想写“基本支出”？"), "{e}");
    }
}
