//! Rendering: the Tera environment, the view models and [`Figures`], the
//! one way a figure reaches a document — by its name in the unit-year's
//! ledger, formatted once by the profile's rules, and logged, so that every
//! figure a document prints can be traced to its quantity.
//!
//! Templates print quantities by name: `{{ q(n="一.收支总计") }}` (text
//! style), `q(n=…, as="cell")` (table style, blank when zero), `as="cell0"`
//! (table style, zeros shown), `as="pct"` (a percentage without `%`, empty
//! when the denominator is zero); `sign(n=…)` gives a change's direction and
//! `cmp(a=…, b=…)` compares two quantities. A name that is not in the ledger
//! fails the render: nothing prints silently wrong.
//!
//! Escaping is automatic: every `{{ … }}` in a `.typ.tera` template is
//! escaped for Typst *markup* by the environment's escape function; a Typst
//! string literal has the `typst_str` filter. Public entries:
//! [`Renderer::render_final_accounts`], [`Renderer::render_report`].

mod charts;
mod final_accounts;
mod grid;
mod performance;
mod scored;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use anyhow::{Result, anyhow};
use serde::Serialize;
use tera::{Tera, Value};

pub use final_accounts::{FinalAccountsView, final_accounts_view};
pub use grid::{GridCell, GridView, unknown_names};
pub use performance::{ReportView, report_view};

use crate::ledger::{Ledger, Value as Q};
use crate::model::NumberFormat;
use crate::money::{MoneyFormat, PercentFormat, Unit};
use crate::templates::TemplateSet;

/// Escapes text for Typst markup: every character with a meaning in markup
/// is backslash-escaped, newlines become line breaks.
pub fn escape_markup(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\\' | '#' | '$' | '*' | '_' | '@' | '<' | '>' | '[' | ']' | '`' | '"' | '\'' | '~' | '-' | '=' | '+'
            | '/' | '.' | ':' | '{' | '}' | '(' | ')' | ',' | ';' | '!' | '?' | '%' | '&' | '|' | '^' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\\n"),
            '\r' => {}
            '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Quotes text as a Typst string literal.
pub fn typst_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

struct TypstStr;

impl tera::Filter for TypstStr {
    fn filter(&self, value: &Value, _: &HashMap<String, Value>) -> tera::Result<Value> {
        let s = match value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        Ok(Value::String(typst_string(&s)))
    }
    fn is_safe(&self) -> bool {
        true
    }
}

/// A user's phrase placed inside a template's sentence (“主要是因为{原因}。”):
/// the sentence's own punctuation and lead-in are the template's, so the
/// phrase's trailing punctuation and a repeated lead-in are dropped —
/// otherwise “减少。” prints as “减少。。” and “主要是因为减少” as
/// “主要是因为主要是因为减少”.
pub fn clause(s: &str) -> String {
    const LEAD_INS: &[&str] = &["主要是因为", "主要原因是：", "主要原因是", "主要是由于", "原因是：", "原因是"];
    const TRAILING: &[char] = &['。', '；', ';', '，', ',', '、', '.', '！', '!', '：', ':'];
    let mut t = s.trim();
    for lead in LEAD_INS {
        if let Some(rest) = t.strip_prefix(lead) {
            t = rest.trim_start();
            break;
        }
    }
    t.trim_end_matches(|c: char| TRAILING.contains(&c) || c.is_whitespace()).to_string()
}

/// A document's metadata (title is the document's own): who publishes it,
/// its keywords, its date (from the data, so builds stay byte-identical).
#[derive(Debug, Clone, Default, Serialize)]
pub struct DocMeta {
    pub author: String,
    pub keywords: Vec<String>,
    /// (year, month, day).
    pub date: Option<(u16, u8, u8)>,
}

/// One figure as a document printed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Printed {
    /// The quantity's name in the ledger, as the document asked for it.
    pub name: String,
    /// The entry it is (another name's figure when `name` is an alias).
    pub quantity: String,
    /// The text printed.
    pub text: String,
}

/// A document's access to the ledger: formats figures by the document's
/// rules and logs each one printed.
pub struct Figures {
    ledger: Arc<Ledger>,
    text: MoneyFormat,
    table: MoneyFormat,
    pct: PercentFormat,
    log: Mutex<Vec<Printed>>,
    missing: Mutex<Vec<String>>,
}

impl Figures {
    pub fn new(ledger: Arc<Ledger>, numbers: &NumberFormat) -> Figures {
        Figures {
            ledger,
            text: numbers.text(),
            table: numbers.table(),
            pct: numbers.percent(),
            log: Mutex::new(Vec::new()),
            missing: Mutex::new(Vec::new()),
        }
    }

    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    fn log(&self, name: &str, text: String) -> String {
        if !text.is_empty() {
            let quantity = self.ledger.canonical(name).to_string();
            let p = Printed { name: name.into(), quantity, text: text.clone() };
            self.log.lock().unwrap_or_else(|e| e.into_inner()).push(p);
        }
        text
    }

    fn value(&self, name: &str) -> Option<Q> {
        match self.ledger.id(name) {
            Some(id) => Some(self.ledger.printed(id)),
            None => {
                if !name.is_empty() {
                    self.missing.lock().unwrap_or_else(|e| e.into_inner()).push(name.to_string());
                }
                None
            }
        }
    }

    fn format(&self, name: &str, f: &MoneyFormat, blank_zero: bool) -> String {
        let text = match self.value(name) {
            None => String::new(),
            Some(Q::Money(m)) if blank_zero && m.is_zero() => String::new(),
            Some(Q::Money(m)) => f.format(m),
            Some(Q::Count(c)) if blank_zero && c == 0 => String::new(),
            Some(Q::Count(c)) => c.to_string(),
            Some(Q::Ratio(r)) => r.map(|r| r.format(self.pct)).unwrap_or_default(),
        };
        self.log(name, text)
    }

    /// A figure in a sentence.
    pub fn text(&self, name: &str) -> String {
        self.format(name, &self.text, false)
    }

    /// A figure in a sentence in `unit` (a fund published in 亿元).
    pub fn text_in(&self, name: &str, unit: Unit) -> String {
        let f = MoneyFormat { unit, ..self.text };
        self.format(name, &f, false)
    }

    /// A table cell: blank when zero.
    pub fn cell(&self, name: &str) -> String {
        self.format(name, &self.table, true)
    }

    /// A table cell that shows zeros.
    pub fn cell0(&self, name: &str) -> String {
        self.format(name, &self.table, false)
    }
    /// A table cell whose zero prints as a table form says: blank, show
    /// (the number format's zero) or a text of its own (“—”).
    pub fn cell_zero(&self, name: &str, zero: &str) -> String {
        match zero {
            "" | "blank" => self.cell(name),
            "show" => self.cell0(name),
            text => {
                if !name.is_empty() && self.value(name).is_some() && self.is_zero(name) {
                    self.log(name, text.to_string())
                } else {
                    self.cell(name)
                }
            }
        }
    }

    /// An amount with exactly two decimals (the 003 三公 明细表).
    pub fn fixed2(&self, name: &str) -> String {
        let f = MoneyFormat { style: crate::money::MoneyStyle::Fixed2, decimals: 2, ..self.text };
        self.format(name, &f, false)
    }

    /// A percentage rounded to a whole number, without `%` (the 003 三公 明细表).
    pub fn pct0(&self, name: &str) -> Option<String> {
        match self.value(name) {
            Some(Q::Ratio(Some(r))) => Some(self.log(name, r.format(PercentFormat { decimals: 0, trim: true }))),
            _ => None,
        }
    }

    /// A table cell in the table format with `decimals` of its own (a
    /// 自评表 form's money_decimals); blank when zero unless `zero`.
    pub fn cell_decimals(&self, name: &str, decimals: u32, zero: bool) -> String {
        let style = if self.table.style == crate::money::MoneyStyle::Trim {
            self.table.style
        } else {
            crate::money::MoneyStyle::Fixed2
        };
        let f = MoneyFormat { decimals, style, ..self.table };
        self.format(name, &f, !zero)
    }

    /// Points (a 分值 or 得分): never converted by the money unit, trailing
    /// zeros dropped, zeros shown.
    pub fn points(&self, name: &str) -> String {
        let f =
            MoneyFormat { unit: Unit::Wanyuan, style: crate::money::MoneyStyle::Trim, decimals: 2, thousands: false };
        self.format(name, &f, false)
    }

    /// A percentage without `%` in a format of its own; `None` when its denominator is zero.
    pub fn pct_in(&self, name: &str, f: PercentFormat) -> Option<String> {
        match self.value(name) {
            Some(Q::Ratio(Some(r))) => Some(self.log(name, r.format(f))),
            _ => None,
        }
    }

    /// A percentage without `%`; `None` when its denominator is zero.
    pub fn pct(&self, name: &str) -> Option<String> {
        match self.value(name) {
            Some(Q::Ratio(Some(r))) => Some(self.log(name, r.format(self.pct))),
            _ => None,
        }
    }

    /// −1, 0 or 1: the direction of a change.
    pub fn sign(&self, name: &str) -> i8 {
        match self.value(name) {
            Some(v) => {
                let m = v.money();
                if m.is_zero() {
                    0
                } else if m.is_negative() {
                    -1
                } else {
                    1
                }
            }
            None => 0,
        }
    }

    /// Whether a figure is zero (or absent).
    pub fn is_zero(&self, name: &str) -> bool {
        self.ledger.id(name).map(|id| self.ledger.printed(id)).is_none_or(|v| match v {
            Q::Money(m) => m.is_zero(),
            Q::Count(c) => c == 0,
            Q::Ratio(r) => r.is_none_or(|r| r.value().is_zero()),
        })
    }

    /// Names asked for that the ledger does not have, kept for the end of the document.
    fn extend_missing(&self, names: Vec<String>) {
        self.missing.lock().unwrap_or_else(|e| e.into_inner()).extend(names);
    }
    /// The figures printed so far, in order, and the names asked for that
    /// the ledger does not have.
    pub fn finish(&self) -> (Vec<Printed>, Vec<String>) {
        let log = std::mem::take(&mut *self.log.lock().unwrap_or_else(|e| e.into_inner()));
        let missing = std::mem::take(&mut *self.missing.lock().unwrap_or_else(|e| e.into_inner()));
        (log, missing)
    }
}

/// `q(n=…, as=…)`: a figure by name.
struct QFn(Arc<Figures>);

impl tera::Function for QFn {
    fn call(&self, args: &HashMap<String, Value>) -> tera::Result<Value> {
        let name = args.get("n").and_then(Value::as_str).unwrap_or("");
        // d: decimals of a table's own (a 自评表 form's); trim: a percentage without trailing zeros.
        let decimals = args.get("d").and_then(Value::as_u64).map(|d| d.min(6) as u32);
        let text = match (args.get("as").and_then(Value::as_str).unwrap_or("text"), decimals) {
            ("text", _) => self.0.text(name),
            ("cell", None) => match args.get("zero").and_then(Value::as_str) {
                Some(z) => self.0.cell_zero(name, z),
                None => self.0.cell(name),
            },
            ("cell", Some(d)) => self.0.cell_decimals(name, d, false),
            ("cell0", None) => self.0.cell0(name),
            ("cell0", Some(d)) => self.0.cell_decimals(name, d, true),
            ("pts", _) => self.0.points(name),
            ("pct", None) => self.0.pct(name).unwrap_or_default(),
            ("pct", Some(d)) => {
                let trim = args.get("trim").and_then(Value::as_bool).unwrap_or(false);
                self.0.pct_in(name, PercentFormat { decimals: d, trim }).unwrap_or_default()
            }
            (other, _) => {
                return Err(tera::Error::msg(format!("q(as=\"{other}\")：应为 text、cell、cell0、pts 或 pct")));
            }
        };
        Ok(Value::String(text))
    }
}

/// `sign(n=…)`: −1, 0 or 1.
struct SignFn(Arc<Figures>);

impl tera::Function for SignFn {
    fn call(&self, args: &HashMap<String, Value>) -> tera::Result<Value> {
        let name = args.get("n").and_then(Value::as_str).unwrap_or("");
        Ok(Value::from(self.0.sign(name)))
    }
}

/// `zero(n=…)`: whether a figure is zero.
struct ZeroFn(Arc<Figures>);

impl tera::Function for ZeroFn {
    fn call(&self, args: &HashMap<String, Value>) -> tera::Result<Value> {
        let name = args.get("n").and_then(Value::as_str).unwrap_or("");
        Ok(Value::Bool(self.0.is_zero(name)))
    }
}

/// `has(n=…)`: whether a figure exists and (a ratio) has a denominator —
/// a condition, not a printed figure.
struct HasFn(Arc<Figures>);

impl tera::Function for HasFn {
    fn call(&self, args: &HashMap<String, Value>) -> tera::Result<Value> {
        let name = args.get("n").and_then(Value::as_str).unwrap_or("");
        let has = match self.0.ledger.id(name).map(|id| self.0.ledger.printed(id)) {
            None => {
                self.0.value(name);
                false
            }
            Some(Q::Ratio(r)) => r.is_some(),
            Some(_) => true,
        };
        Ok(Value::Bool(has))
    }
}

/// `cmp(a=…, b=…)`: −1, 0 or 1 as a is smaller than, equal to or larger than b.
struct CmpFn(Arc<Figures>);

impl tera::Function for CmpFn {
    fn call(&self, args: &HashMap<String, Value>) -> tera::Result<Value> {
        let get = |k: &str| args.get(k).and_then(Value::as_str).map(|n| self.0.ledger().m(n)).unwrap_or_default();
        Ok(Value::from(get("a").cmp(&get("b")) as i8))
    }
}

/// `section_text(i=…)`: the profile's sentences of 第三部分 section `i`,
/// rendered beforehand; the figures they print are logged here, in the
/// document's reading order.
struct SectionTextFn {
    snippets: Vec<Option<(String, Vec<Printed>)>>,
    figures: Arc<Figures>,
}

impl tera::Function for SectionTextFn {
    fn call(&self, args: &HashMap<String, Value>) -> tera::Result<Value> {
        let i = args.get("i").and_then(Value::as_u64).unwrap_or(u64::MAX) as usize;
        match self.snippets.get(i).and_then(Option::as_ref) {
            Some((text, printed)) => {
                self.figures.log.lock().unwrap_or_else(|e| e.into_inner()).extend(printed.iter().cloned());
                Ok(Value::String(text.clone()))
            }
            None => Ok(Value::String(String::new())),
        }
    }
    fn is_safe(&self) -> bool {
        true
    }
}

/// A rendered document: its Typst source and the figures it printed.
pub struct Rendered {
    pub source: String,
    pub printed: Vec<Printed>,
}

/// The Tera environment, built once per process from the template set.
pub struct Renderer {
    tera: Tera,
}

impl Renderer {
    pub fn new(set: &TemplateSet) -> Result<Renderer> {
        let mut tera = Tera::default();
        let files: Vec<(String, String)> = set.tera_files().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        tera.add_raw_templates(files).map_err(|e| anyhow!("模板错误：{}", chain(&e)))?;
        tera.autoescape_on(vec![".typ.tera", ".tera"]);
        tera.set_escape_fn(escape_markup);
        tera.register_filter("typst_str", TypstStr);
        Ok(Renderer { tera })
    }

    /// Renders `template` with `view`, its figures taken from `figures`.
    fn render(&self, template: &str, view: &impl Serialize, figures: Arc<Figures>) -> Result<Rendered> {
        let ctx = tera::Context::from_serialize(view).map_err(|e| anyhow!("模板数据错误：{}", chain(&e)))?;
        // The figure functions are bound to this document's ledger; a clone
        // of the parsed templates costs far less than typesetting one page.
        let mut tera = self.tera.clone();
        with_figures(&mut tera, &figures);
        self.finish(template, &tera, &ctx, figures)
    }

    /// Renders `template` of `tera` (its figure functions bound) and checks
    /// that every name it asked for is in the ledger.
    fn finish(&self, template: &str, tera: &Tera, ctx: &tera::Context, figures: Arc<Figures>) -> Result<Rendered> {
        let source = tera.render(template, ctx).map_err(|e| anyhow!("模板 {template} 渲染失败：{}", chain(&e)))?;
        let (printed, missing) = figures.finish();
        if !missing.is_empty() {
            let mut m = missing;
            m.dedup();
            return Err(anyhow!(
                "模板 {template} 引用了账中没有的量：{}（可用的量见 gongkai check --list-quantities）",
                m.join("、")
            ));
        }
        Ok(Rendered { source, printed })
    }

    /// Renders a 绩效自评 report (with its appended tables).
    pub fn render_report(&self, view: &ReportView, figures: Arc<Figures>) -> Result<Rendered> {
        let mut r = self.render("绩效自评报告.typ.tera", view, figures)?;
        // The report's figures were formatted when its view was built.
        let mut printed = view.printed.clone();
        printed.append(&mut r.printed);
        r.printed = printed;
        Ok(r)
    }

    /// Renders the 部门决算 Typst source of one unit-year: first the
    /// sentences a profile writes for a 第三部分 section (`text:`), with
    /// the same figures and macros, then the document around them.
    pub fn render_final_accounts(&self, view: &FinalAccountsView, figures: Arc<Figures>) -> Result<Rendered> {
        if view.part3.iter().all(|s| s.pattern.is_none()) {
            return self.render("部门决算.typ.tera", view, figures);
        }
        let mut tera = self.tera.clone();
        with_figures(&mut tera, &figures);
        let ctx = tera::Context::from_serialize(view).map_err(|e| anyhow!("模板数据错误：{}", chain(&e)))?;
        let mut snippets = Vec::new();
        for (i, s) in view.part3.iter().enumerate() {
            snippets.push(None);
            let Some(pattern) = &s.pattern else { continue };
            let name = format!("版式方案/第三部分/{i}.tera");
            let text = format!("{{% import \"macros.tera\" as m %}}{pattern}");
            tera.add_raw_template(&name, &text)
                .map_err(|e| anyhow!("版式方案第三部分“{}”的句子（text）有误：{}", s.key, chain(&e)))?;
            let out = tera
                .render(&name, &ctx)
                .map_err(|e| anyhow!("版式方案第三部分“{}”的句子（text）无法生成：{}", s.key, chain(&e)))?;
            // The snippet's figures join the document's log where the document prints it.
            let (printed, missing) = figures.finish();
            figures.extend_missing(missing);
            snippets[i] = Some((out.trim().to_string(), printed));
        }
        tera.register_function("section_text", SectionTextFn { snippets, figures: figures.clone() });
        self.finish("部门决算.typ.tera", &tera, &ctx, figures)
    }
}

/// Binds the figure functions of `tera` to one document's ledger.
fn with_figures(tera: &mut Tera, figures: &Arc<Figures>) {
    tera.register_function("q", QFn(figures.clone()));
    tera.register_function("sign", SignFn(figures.clone()));
    tera.register_function("zero", ZeroFn(figures.clone()));
    tera.register_function("cmp", CmpFn(figures.clone()));
    tera.register_function("has", HasFn(figures.clone()));
    let unit = figures.text.unit.zh();
    tera.register_function("u", move |_: &HashMap<String, Value>| Ok(Value::from(unit)));
}

/// Tera hides the useful part of its errors in `source()`.
fn chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        s += &format!("：{c}");
        cur = c.source();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clauses_lose_their_own_punctuation_and_repeated_lead_in() {
        assert_eq!(clause("主要是因为人员经费减少。"), "人员经费减少");
        assert_eq!(clause(" 办公经费增加；。 "), "办公经费增加");
        assert_eq!(clause("主要原因是：严格执行预算"), "严格执行预算");
        // Punctuation inside the phrase is the user's.
        assert_eq!(clause("人员减少，公用经费压减"), "人员减少，公用经费压减");
        assert_eq!(clause("。"), "");
    }

    #[test]
    fn markup_escaping_covers_every_special() {
        let s = escape_markup("# $ * _ @ < > [ ] \\ ` \" 1. - = //");
        for special in [
            "\\#", "\\$", "\\*", "\\_", "\\@", "\\<", "\\>", "\\[", "\\]", "\\\\", "\\`", "\\\"", "\\.", "\\-", "\\=",
            "\\/\\/",
        ] {
            assert!(s.contains(special), "{special} not escaped in {s}");
        }
        assert_eq!(escape_markup("蓝山县"), "蓝山县");
    }

    #[test]
    fn string_literals_are_quoted() {
        assert_eq!(typst_string("a\"b\\c\nd"), "\"a\\\"b\\\\c\\nd\"");
    }
}
