//! A self-evaluation table (项目支出 or 整体支出绩效自评表) laid out from
//! its form: every row's cells in reading order, the indicator header that
//! repeats on continuation pages, the columns whose merged cells are cut at
//! page breaks and labelled again (the 绩效指标 side label and the 一级
//! labels), and how many last rows keep together with the total and the
//! signature. Amounts, rates and points reach the page only by name,
//! through `q`, like every other figure.
//!
//! Public entry: [`form_view`].

use serde::Serialize;

use crate::evaluate::ScoredTable;
use crate::model::IndicatorGroup;
use crate::model::scored_form::{
    FormBlock, FormCell, FundSource, FundValue, FundsBlock, IndicatorValue, IndicatorsBlock, SignatureField, TextField,
    TotalBlock, TotalValue,
};
use crate::model::{Indicator, Signature};

/// At most this many last indicator rows keep together with the total row
/// and the signature.
const KEEP_ROWS: usize = 3;
/// A 二级 block with a merged 分值/得分 of at most this many rows stays on one page.
const KEEP_MERGED: usize = 8;

/// One cell as the template prints it.
#[derive(Debug, Clone, Serialize)]
pub struct FormCellView {
    /// hd (header), lbl (left), ctr (centred), num (an amount, right), sig (the signature line).
    pub k: &'static str,
    /// Its text; with a quantity, the text before it.
    pub t: String,
    /// A quantity ("" none).
    pub q: String,
    /// Text after the quantity (“分）” of “产出指标（50分）”).
    pub a: String,
    /// How the quantity prints: money, money0 (zero shown), pct (with %), pts.
    pub f: &'static str,
    pub colspan: usize,
    pub rowspan: usize,
    /// A merged cell whose rows stay on one page (a 二级 block).
    pub keep: bool,
    /// Its bottom line is not drawn: it joins the cell below (the header's
    /// slot above the 绩效指标 side label).
    pub open: bool,
    /// The signature line's (label, text) items (kind sig).
    pub items: Vec<(String, String)>,
}

impl FormCellView {
    fn text(k: &'static str, t: impl Into<String>) -> Self {
        FormCellView {
            k,
            t: t.into(),
            q: String::new(),
            a: String::new(),
            f: "",
            colspan: 1,
            rowspan: 1,
            keep: false,
            open: false,
            items: Vec::new(),
        }
    }
    fn q(k: &'static str, q: impl Into<String>, f: &'static str) -> Self {
        FormCellView { q: q.into(), f, ..FormCellView::text(k, "") }
    }
    fn span(mut self, colspan: usize, rowspan: usize) -> Self {
        self.colspan = colspan.max(1);
        self.rowspan = rowspan.max(1);
        self
    }
}

/// A row of the table.
#[derive(Debug, Clone, Serialize)]
pub struct FormRowView {
    pub cells: Vec<FormCellView>,
    /// The indicator header: repeated on every page the table continues to.
    pub header: bool,
    /// No lines at all (the signature row).
    pub bare: bool,
}

/// One merged cell of a column that is cut at page breaks.
#[derive(Debug, Clone, Serialize)]
pub struct SpanView {
    /// Row index (into `rows`) it starts at, and rows it spans.
    pub start: usize,
    pub len: usize,
    pub body: FormCellView,
    /// The label on one line (“绩效指标”), for a piece of the cell too short
    /// for the label as written.
    pub flat: FormCellView,
    /// Joins the header slot above it.
    pub open: bool,
}

impl SpanView {
    fn new(start: usize, len: usize, body: FormCellView, open: bool) -> SpanView {
        let flat = FormCellView { t: body.t.replace('\n', ""), a: body.a.replace('\n', ""), ..body.clone() };
        SpanView { start, len, body, flat, open }
    }
}

/// A self-evaluation table, ready for the template.
#[derive(Debug, Clone, Serialize)]
pub struct FormView {
    /// Prefix of the row markers, unique in the document.
    pub id: String,
    /// 附件 label above the title (“附件2-1”), if any.
    pub label: Option<String>,
    /// The bookmark (a project table's carries the project's name).
    pub bookmark: Option<String>,
    pub title: String,
    pub subtitle: Vec<String>,
    /// 报表编号 line.
    pub number: Option<String>,
    pub unit_line: Option<String>,
    /// Column widths as Typst code.
    pub columns: String,
    pub size: String,
    /// Money decimals, percent decimals and style of the form's own (None: the profile's).
    pub money_decimals: Option<u32>,
    pub percent_decimals: Option<u32>,
    pub percent_trim: bool,
    pub rows: Vec<FormRowView>,
    /// Per column that is cut at page breaks, its merged cells.
    pub spans: Vec<Vec<SpanView>>,
    /// The last rows kept on one page (last indicator block, total, signature).
    pub keep: usize,
}

/// What a table says besides its figures, as its form may print it.
pub struct TableTexts<'a> {
    /// 项目名称, or the unit's name for an 整体 table.
    pub name: &'a str,
    pub title: Option<&'a str>,
    pub supervising: &'a str,
    pub implementing: &'a str,
    /// The table's own texts.
    pub typed: crate::model::TableTexts<'a>,
    /// Each fund's 原因.
    pub reasons: &'a [(FundSource, Option<&'a str>)],
    pub signature: Signature,
}

/// Lays out table `s` (its ledger names) with its texts and indicators by its form.
pub fn form_view(
    s: &ScoredTable,
    texts: &TableTexts,
    groups: &[IndicatorGroup],
    year: u16,
    id: String,
    label: Option<String>,
    bookmark: Option<String>,
) -> FormView {
    let form = &s.form;
    let year_in = |t: &str| t.replace("{year}", &year.to_string());
    let mut b = Builder { s, texts, rows: Vec::new(), spans: Vec::new(), keep_from: None };
    for block in &form.body {
        match block {
            FormBlock::Rows(rows) => rows.iter().for_each(|r| b.push(r.iter().map(|c| b.cell(c)).collect())),
            FormBlock::Funds(f) => b.funds(f),
            FormBlock::Indicators(i) => b.indicators(i, groups),
            FormBlock::Total(t) => b.total(t),
        }
    }
    if !form.signature.is_empty() {
        let items =
            form.signature.iter().map(|i| (i.label.clone(), signature_value(&texts.signature, i.field))).collect();
        b.rows.push(FormRowView { cells: vec![signature_cell(items, form.columns.len())], header: false, bare: true });
    }
    let keep = b.keep_from.map_or(0, |k| b.rows.len() - k);
    FormView {
        id,
        label,
        bookmark,
        title: year_in(texts.title.unwrap_or(&form.title)),
        subtitle: form.subtitle.iter().map(|l| year_in(l)).collect(),
        number: form.number_label.as_ref().map(|l| format!("{l}{}", texts.typed.number.unwrap_or(""))),
        unit_line: form.unit_line.clone(),
        columns: form.columns.iter().map(|c| c.0.as_str()).collect::<Vec<_>>().join(", "),
        size: form.size.as_ref().map_or("9pt".into(), |s| s.0.clone()),
        money_decimals: form.money_decimals,
        percent_decimals: form.percent_decimals.or(form.percent_style.map(|_| 2)),
        percent_trim: form.percent_style == Some(crate::model::PercentStyle::Trim),
        rows: b.rows,
        spans: b.spans,
        keep,
    }
}

/// The signature line, as one cell across the table.
fn signature_cell(items: Vec<(String, String)>, columns: usize) -> FormCellView {
    FormCellView { items, ..FormCellView::text("sig", "").span(columns, 1) }
}

fn signature_value(s: &Signature, f: SignatureField) -> String {
    match f {
        SignatureField::Filler => s.filler.clone(),
        SignatureField::Date => s.date.clone(),
        SignatureField::Phone => s.phone.clone(),
        SignatureField::ProjectLead => s.project_lead.clone(),
        SignatureField::FinanceLead => s.finance_lead.clone(),
    }
    .unwrap_or_default()
}

/// Rows as they are laid out.
struct Builder<'a> {
    s: &'a ScoredTable,
    texts: &'a TableTexts<'a>,
    rows: Vec<FormRowView>,
    spans: Vec<Vec<SpanView>>,
    /// The row the kept-together end of the table starts at.
    keep_from: Option<usize>,
}

impl Builder<'_> {
    fn push(&mut self, cells: Vec<FormCellView>) {
        self.rows.push(FormRowView { cells, header: false, bare: false });
    }

    /// A name of this table's in the ledger.
    fn name(&self, rel: &str) -> String {
        format!("{}.{rel}", self.s.key)
    }

    fn cell(&self, c: &FormCell) -> FormCellView {
        let v = if let Some(h) = &c.hd {
            FormCellView::text("hd", h)
        } else if let Some(f) = c.field {
            let t = self.field(f).to_string();
            let long = !matches!(f, TextField::Name | TextField::Supervising | TextField::Implementing);
            FormCellView::text(if long { "lbl" } else { "ctr" }, t)
        } else if let Some(q) = &c.q {
            FormCellView { t: c.label.clone().unwrap_or_default(), ..FormCellView::q("lbl", self.name(q), "money") }
        } else {
            FormCellView::text("lbl", c.label.clone().unwrap_or_default())
        };
        v.span(c.colspan(), c.rowspan())
    }

    fn field(&self, f: TextField) -> &str {
        let t = self.texts;
        match f {
            TextField::Name => t.name,
            TextField::Supervising => t.supervising,
            TextField::Implementing => t.implementing,
            other => t.typed.get(other).unwrap_or(""),
        }
    }

    /// The fund rows: the side label over the column headers, each fund's
    /// row and the rows after them.
    fn funds(&mut self, f: &FundsBlock) {
        let height = 1 + f.rows.len() + f.after.len();
        let mut head = vec![FormCellView::text("hd", &f.label).span(f.label_span(), height)];
        head.push(FormCellView::text("hd", f.name_header.clone().unwrap_or_default()).span(f.name_span as usize, 1));
        head.extend(f.columns.iter().map(|c| FormCellView::text("hd", &c.hd).span(c.colspan(), 1)));
        self.push(head);
        for r in &f.rows {
            let total = r.source == FundSource::Total;
            let prefix = if total { self.s.key.clone() } else { self.name(r.source.ledger_name()) };
            let mut cells = vec![FormCellView::text("lbl", &r.label).span(f.name_span as usize, 1)];
            for c in &f.columns {
                let na = (!total).then_some(c.na.as_deref()).flatten();
                let v = match (c.c, na) {
                    (_, Some(text)) => FormCellView::text("ctr", text),
                    (FundValue::Initial, _) => FormCellView::q("num", format!("{prefix}.年初预算数"), "money"),
                    (FundValue::Annual, _) => FormCellView::q("num", format!("{prefix}.全年预算数"), "money"),
                    (FundValue::Executed, _) => FormCellView::q("num", format!("{prefix}.全年执行数"), "money"),
                    (FundValue::Rate, _) => FormCellView::q("ctr", format!("{prefix}.执行率"), "pct"),
                    (FundValue::Weight, _) if total => FormCellView::q("ctr", self.name("预算执行分值"), "pts"),
                    (FundValue::Score, _) if total && self.s.scored => {
                        FormCellView::q("ctr", self.name("预算执行得分"), "pts")
                    }
                    (FundValue::Weight | FundValue::Score, _) if total => FormCellView::text("ctr", ""),
                    (FundValue::Weight | FundValue::Score, _) => FormCellView::text("ctr", "—"),
                    (FundValue::Reason, _) => FormCellView::text("lbl", self.reason(r.source)),
                };
                cells.push(v.span(c.colspan(), 1));
            }
            self.push(cells);
        }
        for r in &f.after {
            let cells = r.iter().map(|c| self.cell(c)).collect();
            self.push(cells);
        }
    }

    fn reason(&self, source: FundSource) -> String {
        let r = if source == FundSource::Total {
            self.texts.typed.execution_note
        } else {
            self.texts.reasons.iter().find(|(s, _)| *s == source).and_then(|(_, r)| *r)
        };
        r.unwrap_or("").to_string()
    }

    /// The indicator header and rows. The side label and the 一级 labels
    /// are merged cells cut at page breaks (`spans`); a 二级 block stays on
    /// one page; the last 二级 block keeps with what follows.
    fn indicators(&mut self, i: &IndicatorsBlock, groups: &[IndicatorGroup]) {
        let mut header = Vec::new();
        if i.label.is_some() {
            header.push(FormCellView { open: true, ..FormCellView::text("hd", "") });
        }
        header.extend(i.columns.iter().map(|c| FormCellView::text("hd", &c.hd).span(c.colspan(), 1)));
        self.rows.push(FormRowView { cells: header, header: true, bare: false });
        let first = self.rows.len();
        let min = i.min_rows.unwrap_or(1).max(1) as usize;
        let (mut level1_spans, mut level2_spans) = (Vec::new(), Vec::new());
        let s = self.s;
        for l1 in &s.level1 {
            let block: Vec<(&IndicatorGroup, &crate::evaluate::GroupNames)> =
                groups.iter().zip(&s.groups).filter(|(g, _)| &g.level1 == l1).collect();
            let start = self.rows.len() - first;
            for (g, names) in &block {
                let height = g.rows.len().max(min);
                // The end that keeps with the total: the last block, at most KEEP_ROWS of it
                // (a block taller than a page must be able to break).
                self.keep_from = Some(self.rows.len() + height.saturating_sub(KEEP_ROWS));
                let label = FormCellView::text("ctr", &g.level2);
                level2_spans.push(SpanView::new(self.rows.len(), height, label, false));
                for k in 0..height {
                    let cells = self.indicator_row(i, g, names, k, height);
                    self.push(cells);
                }
            }
            let label = if i.level1_weight {
                let weight = FormCellView::q("ctr", format!("{}.{l1}.分值", s.key), "pts");
                FormCellView { t: format!("{l1}（"), a: "分）".into(), ..weight }
            } else {
                FormCellView::text("ctr", l1)
            };
            level1_spans.push(SpanView::new(first + start, self.rows.len() - first - start, label, false));
        }
        if let Some(l) = &i.label {
            let len = self.rows.len() - first;
            self.spans.push(vec![SpanView::new(first, len, FormCellView::text("hd", l), true)]);
        }
        self.spans.push(level1_spans);
        self.spans.push(level2_spans);
    }

    /// Row `k` of a 二级 block of `height` rows (padded with “……” rows).
    fn indicator_row(
        &self,
        i: &IndicatorsBlock,
        g: &IndicatorGroup,
        names: &crate::evaluate::GroupNames,
        k: usize,
        height: usize,
    ) -> Vec<FormCellView> {
        let r = g.rows.get(k);
        let mut cells = Vec::new();
        for c in &i.columns {
            let v = match c.c {
                IndicatorValue::Level1 | IndicatorValue::Level2 => continue,
                IndicatorValue::Name => FormCellView::text("lbl", r.map_or("……", |r| r.name.as_str())),
                IndicatorValue::Weight | IndicatorValue::Score if names.merged => {
                    if k > 0 {
                        continue;
                    }
                    let (q, show) = if c.c == IndicatorValue::Weight {
                        (&names.weight, true)
                    } else {
                        (&names.score, self.s.scored && g.score.is_some())
                    };
                    let cell = if show { FormCellView::q("ctr", q, "pts") } else { FormCellView::text("ctr", "") };
                    // A merged 分值/得分 keeps its block on one page (its figure prints once), unless
                    // the block could be taller than a page.
                    FormCellView { keep: height <= KEEP_MERGED, ..cell.span(1, height) }
                }
                IndicatorValue::Weight => match (r, names.rows.get(k)) {
                    (Some(r), Some((w, _, _))) if r.weight.is_some() => FormCellView::q("ctr", w, "pts"),
                    _ => FormCellView::text("ctr", ""),
                },
                IndicatorValue::Score => match names.rows.get(k) {
                    Some((_, s, true)) if self.s.scored => FormCellView::q("ctr", s, "pts"),
                    _ => FormCellView::text("ctr", ""),
                },
                other => FormCellView::text(
                    if other == IndicatorValue::Note { "lbl" } else { "ctr" },
                    r.map(|r| indicator_text(r, other)).unwrap_or_default(),
                ),
            };
            let down = v.rowspan;
            cells.push(v.span(c.colspan(), down));
        }
        cells
    }

    fn total(&mut self, t: &TotalBlock) {
        let mut cells = vec![FormCellView::text("hd", &t.label).span(t.colspan as usize, 1)];
        for c in &t.columns {
            let v = match c.c {
                TotalValue::Weight => FormCellView::q("ctr", self.name("分值合计"), "pts"),
                TotalValue::Score if self.s.scored => FormCellView::q("ctr", self.name("总分"), "pts"),
                TotalValue::Score | TotalValue::Blank => FormCellView::text("ctr", ""),
            };
            cells.push(v.span(c.colspan(), 1));
        }
        self.push(cells);
    }
}

/// An indicator's text for a column: 指标值 with its 性质 and 单位 joined
/// (“≥50个”), or apart; a 完成值 with its 单位 or without.
fn indicator_text(r: &Indicator, c: IndicatorValue) -> String {
    let value = r.value.as_ref().map(|v| v.name.as_str()).unwrap_or("");
    let unit = r.unit.as_deref().unwrap_or("");
    let actual = r.actual.as_deref().unwrap_or("");
    let numeric = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit() || c == '.' || c == ',' || c == '-');
    match c {
        IndicatorValue::Target => match (&r.target, r.nature) {
            (Some(t), _) => t.clone(),
            (None, Some(n)) if n != crate::model::Nature::Qualitative && n != crate::model::Nature::Equal => {
                format!("{}{value}{unit}", n.symbol())
            }
            (None, _) => format!("{value}{}", if numeric(value) { unit } else { "" }),
        },
        IndicatorValue::Nature => r.nature.map(|n| n.symbol().to_string()).unwrap_or_default(),
        IndicatorValue::Value => value.to_string(),
        IndicatorValue::Unit => unit.to_string(),
        IndicatorValue::Actual => format!("{actual}{}", if numeric(actual) { unit } else { "" }),
        IndicatorValue::ActualValue => actual.to_string(),
        IndicatorValue::Note => r.note.clone().unwrap_or_default(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Checks a laid-out form fills its grid row by row (the form was checked
    /// when read; this guards the layout code: a misplaced cell would shift
    /// every later one).
    fn fills(v: &FormView, n: usize) -> Result<(), String> {
        let mut covered = vec![0usize; n];
        let mut span_rows: Vec<Vec<(usize, usize)>> = vec![Vec::new(); v.rows.len()];
        for column in &v.spans {
            for s in column {
                span_rows[s.start].push((s.len, 1));
            }
        }
        for (y, row) in v.rows.iter().enumerate() {
            let mut x = 0;
            let cells = span_rows[y].iter().copied().chain(row.cells.iter().map(|c| (c.rowspan, c.colspan)));
            for (down, across) in cells {
                while x < n && covered[x] > 0 {
                    x += 1;
                }
                if x + across > n {
                    return Err(format!("row {y} overflows"));
                }
                for c in covered.iter_mut().skip(x).take(across) {
                    *c = down;
                }
                x += across;
            }
            if covered.contains(&0) {
                return Err(format!("row {y} is not filled: {covered:?}"));
            }
            covered.iter_mut().for_each(|c| *c -= 1);
        }
        Ok(())
    }

    /// Every table of the samples that use the three built-in forms — 湖南
    /// (怀化: merged 二级 scores, padded blocks, the 整体 table's extra
    /// rows), 全国 (an unscored table) and 四川 — fills its grid.
    #[test]
    fn every_sample_table_fills_its_grid() {
        let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
        let shared = crate::resources::Shared::default();
        let mut tables = 0;
        for unit in ["怀化市就业服务中心", "示例中央部门（虚构）", "示例县人社局（虚构，四川式）"]
        {
            let uy = crate::load::UnitYear::find(&data.join(unit), 2023);
            let a = crate::unit_year::assess(&uy, &shared).unwrap_or_else(|e| panic!("{unit}: {e:?}"));
            let (p, e) = (a.data.performance.as_ref().unwrap(), a.evaluation.as_ref().unwrap());
            let sig = Signature::default();
            fn texts<'a>(name: &'a str, sig: &Signature) -> TableTexts<'a> {
                TableTexts {
                    name,
                    title: None,
                    supervising: "",
                    implementing: "",
                    typed: Default::default(),
                    reasons: &[],
                    signature: sig.clone(),
                }
            }
            let overall = p.overall.as_ref().zip(e.overall.as_ref()).map(|(o, s)| (s, &o.indicators));
            let projects =
                p.projects.iter().zip(&e.projects).filter(|(t, _)| t.evaluated).map(|(t, s)| (s, &t.indicators));
            for (s, groups) in overall.into_iter().chain(projects) {
                let v = form_view(s, &texts(&s.key, &sig), groups, 2023, "t".into(), None, None);
                fills(&v, s.form.columns.len()).unwrap_or_else(|e| panic!("{unit} {}: {e}", s.key));
                assert!(v.keep >= 2, "{unit} {}: the end keeps together", s.key);
                tables += 1;
            }
        }
        assert_eq!(tables, 1 + 11 + 2 + 2);
    }
}
