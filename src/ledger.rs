//! The ledger: every figure that any document of a unit-year prints is a
//! named quantity, computed once, here, from the exact values typed in the
//! data files — like a spreadsheet whose cells have names. Templates print
//! quantities by name, `stated:` figures and typed totals are compared with
//! them as they are defined, cross-document 审核 compares two names, and
//! `gongkai explain` walks a quantity's formula down to the data file lines.
//!
//! Each entry remembers its formula (so the value is always what the
//! formula gives) and its *slack*: how far the value may lie from the exact
//! figure because the amounts it was computed from were rounded when they
//! were typed (half a unit of each one's last decimal, added up). A figure
//! the unit typed for a computed quantity that differs by no more than the
//! slack is a 尾差: it is printed as the unit typed it, with a note, and
//! nothing is computed from it — every other figure still comes from the
//! typed items, so no identity breaks because of it. A bigger difference is
//! an error. No 尾差 is allowed where there is no rounding to explain it: a
//! figure that is one typed amount (or one amount under another name), a
//! figure another data file already gives, or two typed figures of the same
//! quantity.
//!
//! Public entry: [`Ledger`] (built by `derive` and `evaluate`, read by
//! `check`, `render` and `explain`).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use rust_decimal::{Decimal, RoundingStrategy};

use crate::diagnostic::{Diagnostic, Related, Severity};
use crate::model::{Amount, Loc, Stated};
use crate::money::{Money, Ratio, Unit};

/// An entry's index in its ledger.
pub type Id = usize;

/// Where an input was typed: a file of the ledger and a position in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Source {
    pub file: u16,
    pub at: Loc,
}

/// A quantity's value: an amount (in 万元), a ratio (absent when its
/// denominator is zero) or a count (人数, 辆, 次).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Value {
    Money(Money),
    Ratio(Option<Ratio>),
    Count(u64),
}

impl Value {
    /// The amount (a count as an amount; a ratio is not one).
    pub fn money(self) -> Money {
        match self {
            Value::Money(m) => m,
            Value::Count(c) => Money::from_int(c as i64),
            Value::Ratio(_) => Money::ZERO,
        }
    }
}

/// How a quantity is obtained.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Formula {
    /// Typed in a data file.
    Input(Source),
    /// Not typed anywhere: zero.
    Blank,
    /// A sum of entries, each added or (`true`) subtracted.
    Linear(Vec<(Id, bool)>),
    /// The absolute value of an entry (a change without its direction).
    Abs(Id),
    /// One entry divided by another.
    Ratio(Id, Id),
    /// The same figure under another name.
    Ref(Id),
    /// A figure of another unit-year (last year's data file).
    Imported { from: String },
    /// A rule that is not a sum or a ratio, in words, from these entries.
    Rule { text: String, of: Vec<Id> },
}

/// A figure the unit typed for a computed quantity, within its slack: it is
/// what prints (the entry's value, what other figures are computed from,
/// stays what the formula gives).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Typed {
    pub value: Money,
    pub at: Source,
    /// What the formula gives.
    pub computed: Money,
    /// Half a unit of the typed figure's last decimal, in 万元.
    pub half: Decimal,
}

/// One named quantity.
#[derive(Clone, Debug)]
pub struct Entry {
    pub name: String,
    pub value: Value,
    pub formula: Formula,
    /// Half-units of rounding accumulated from the typed amounts it is computed from.
    pub slack: Decimal,
    /// The unit the figure is typed and printed in (亿元 for a fund published in 亿元).
    pub unit: Unit,
    pub typed: Option<Typed>,
}

/// Every figure of one unit-year, by name, with the files they came from.
#[derive(Debug, Default)]
pub struct Ledger {
    entries: Vec<Entry>,
    index: HashMap<String, Id>,
    files: Vec<PathBuf>,
    /// Statements (`stated:` figures) waiting for the quantity they name, per file.
    stated: Vec<(u16, BTreeMap<String, Stated>)>,
    findings: Vec<Diagnostic>,
}

/// The rule of a typed figure that differs from its quantity within the slack.
pub const ROUNDING_RULE: &str = "S-ROUNDING";

impl Ledger {
    pub fn new() -> Ledger {
        Ledger::default()
    }

    /// Registers a data file; its index is used in [`Source`]s.
    pub fn file(&mut self, path: &Path) -> u16 {
        if let Some(i) = self.files.iter().position(|p| p == path) {
            return i as u16;
        }
        self.files.push(path.to_path_buf());
        (self.files.len() - 1) as u16
    }

    pub fn file_path(&self, file: u16) -> &Path {
        &self.files[file as usize]
    }

    /// Figures a document printed (`stated:`), compared with the quantity of
    /// the same name when it is defined; call before defining quantities.
    pub fn expect_stated(&mut self, file: u16, stated: &BTreeMap<String, Stated>) {
        if !stated.is_empty() {
            self.stated.push((file, stated.clone()));
        }
    }

    // ------------------------------------------------------------ reading

    pub fn id(&self, name: &str) -> Option<Id> {
        self.index.get(name).copied()
    }

    pub fn get(&self, name: &str) -> Option<&Entry> {
        self.id(name).map(|i| &self.entries[i])
    }

    pub fn entry(&self, id: Id) -> &Entry {
        &self.entries[id]
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The name of the entry `name` is the figure of, following aliases.
    pub fn canonical<'a>(&'a self, name: &'a str) -> &'a str {
        let Some(id) = self.id(name) else { return name };
        &self.entries[self.canonical_id(id)].name
    }

    /// The entry `id` is the figure of, following aliases.
    pub fn canonical_id(&self, mut id: Id) -> Id {
        while let Formula::Ref(a) = self.entries[id].formula {
            id = a;
        }
        id
    }

    /// The figure as documents print it: a typed 尾差 figure (of the entry
    /// or of the entry it is another name for), else the value.
    pub fn printed(&self, id: Id) -> Value {
        match self.entries[self.canonical_id(id)].typed {
            Some(t) => Value::Money(t.value),
            None => self.entries[id].value,
        }
    }

    /// The typed 尾差 figure `id` prints, if any.
    pub fn typed_of(&self, id: Id) -> Option<Typed> {
        self.entries[self.canonical_id(id)].typed
    }

    /// The amount of `id`.
    pub fn money(&self, id: Id) -> Money {
        self.entries[id].value.money()
    }

    /// The amount named `name`, zero if there is none.
    pub fn m(&self, name: &str) -> Money {
        self.get(name).map(|e| e.value.money()).unwrap_or_default()
    }

    /// The ratio named `name` (`None` if absent or its denominator is zero).
    pub fn ratio(&self, name: &str) -> Option<Ratio> {
        match self.get(name).map(|e| e.value) {
            Some(Value::Ratio(r)) => r,
            _ => None,
        }
    }

    /// The findings made while the ledger was built (typed figures,
    /// statements), and statements that name no quantity.
    pub fn take_findings(&mut self) -> Vec<Diagnostic> {
        let mut out = std::mem::take(&mut self.findings);
        for (file, stated) in std::mem::take(&mut self.stated) {
            for (key, s) in stated {
                let near = suggest(&key, self.entries.iter().map(|e| e.name.as_str()))
                    .map(|k| format!("，是否想写“{k}”？"))
                    .unwrap_or_else(|| "（可比对的量见 gongkai check --list-quantities）".into());
                out.push(Diagnostic::new(
                    "S-KEY",
                    Severity::Error,
                    self.file_path(file),
                    s.at,
                    format!("stated 中的“{key}”不是可比对的量{near}"),
                ));
            }
        }
        out
    }

    // ------------------------------------------------------------ defining

    fn define(&mut self, name: impl Into<String>, value: Value, formula: Formula, slack: Decimal, unit: Unit) -> Id {
        let mut name = name.into();
        // Names built from user text (a project named twice) must stay apart;
        // the duplicate itself is reported by the checks.
        if self.index.contains_key(&name) {
            let base = name.clone();
            let mut k = 2;
            while self.index.contains_key(&name) {
                name = format!("{base}#{k}");
                k += 1;
            }
        }
        let id = self.entries.len();
        self.index.insert(name.clone(), id);
        self.entries.push(Entry { name, value, formula, slack, unit, typed: None });
        self.apply_statements(id);
        id
    }

    /// An amount typed in a data file, in `unit`; blank is zero.
    pub fn input(&mut self, name: impl Into<String>, a: Option<Amount>, file: u16, unit: Unit) -> Id {
        match a {
            Some(a) => {
                let slack = unit.to_wanyuan(Money(a.value.rounding())).0;
                let value = unit.to_wanyuan(a.value);
                self.define(name, Value::Money(value), Formula::Input(Source { file, at: a.at }), slack, unit)
            }
            None => self.define(name, Value::Money(Money::ZERO), Formula::Blank, Decimal::ZERO, unit),
        }
    }

    /// A count typed in a data file (`at` unknown: zero position).
    pub fn count(&mut self, name: impl Into<String>, n: u64, file: u16, at: Loc) -> Id {
        let formula = if at.is_known() || n > 0 { Formula::Input(Source { file, at }) } else { Formula::Blank };
        self.define(name, Value::Count(n), formula, Decimal::ZERO, Unit::Wanyuan)
    }

    /// `Σ parts`.
    pub fn sum(&mut self, name: impl Into<String>, parts: &[Id]) -> Id {
        self.linear(name, parts.iter().map(|&p| (p, false)).collect())
    }

    /// `a − b`.
    pub fn diff(&mut self, name: impl Into<String>, a: Id, b: Id) -> Id {
        self.linear(name, vec![(a, false), (b, true)])
    }

    /// `Σ ± terms`.
    pub fn linear(&mut self, name: impl Into<String>, terms: Vec<(Id, bool)>) -> Id {
        let counts = !terms.is_empty() && terms.iter().all(|(t, _)| matches!(self.entries[*t].value, Value::Count(_)));
        let value = if counts {
            Value::Count(
                terms.iter().map(|(t, _)| self.entries[*t].value.money().0).sum::<Decimal>().try_into().unwrap_or(0),
            )
        } else {
            let mut total = Money::ZERO;
            for (t, neg) in &terms {
                let v = self.money(*t);
                total = if *neg { total - v } else { total + v };
            }
            Value::Money(total)
        };
        let slack = terms.iter().map(|(t, _)| self.entries[*t].slack).sum();
        let unit = terms.first().map(|(t, _)| self.entries[*t].unit).unwrap_or_default();
        self.define(name, value, Formula::Linear(terms), slack, unit)
    }

    /// `|a|`.
    pub fn abs(&mut self, name: impl Into<String>, a: Id) -> Id {
        let (v, slack, unit) = (self.money(a).abs(), self.entries[a].slack, self.entries[a].unit);
        self.define(name, Value::Money(v), Formula::Abs(a), slack, unit)
    }

    /// `a ÷ b`, absent when `b` is zero.
    pub fn ratio_of(&mut self, name: impl Into<String>, a: Id, b: Id) -> Id {
        let r = Ratio::of(self.money(a), self.money(b));
        self.define(name, Value::Ratio(r), Formula::Ratio(a, b), Decimal::ZERO, Unit::Wanyuan)
    }

    /// The figure `a` under another name.
    pub fn alias(&mut self, name: impl Into<String>, a: Id) -> Id {
        let e = &self.entries[a];
        let (v, slack, unit) = (e.value, e.slack, e.unit);
        self.define(name, v, Formula::Ref(a), slack, unit)
    }

    /// A figure of another unit-year's ledger.
    pub fn imported(&mut self, name: impl Into<String>, value: Value, slack: Decimal, from: String) -> Id {
        self.define(name, value, Formula::Imported { from }, slack, Unit::Wanyuan)
    }

    /// A figure computed by a rule that is not a sum or a ratio.
    pub fn rule(&mut self, name: impl Into<String>, value: Value, text: impl Into<String>, of: Vec<Id>) -> Id {
        let slack = of.iter().map(|&i| self.entries[i].slack).sum();
        self.define(name, value, Formula::Rule { text: text.into(), of }, slack, Unit::Wanyuan)
    }

    /// Sets the unit `id` is typed and printed in.
    pub fn set_unit(&mut self, id: Id, unit: Unit) {
        self.entries[id].unit = unit;
    }

    // ------------------------------------------------------------ typed figures

    /// A figure the unit typed (in `unit`) for the computed quantity `id`:
    /// equal — nothing to say; within the slack (尾差) — it is what prints,
    /// with a note; beyond — an error under `rule`, and the computed value stands.
    pub fn typed(&mut self, id: Id, a: Amount, file: u16, unit: Unit, rule: &'static str, what: &str) {
        let value = unit.to_wanyuan(a.value);
        let shown = (unit == self.entries[id].unit).then(|| a.value.as_entered());
        self.resolve_typed(id, (value, shown, Source { file, at: a.at }), rule, what);
    }

    /// `typed` (in 万元), written as `shown` at `at`, against the formula of
    /// `id` (of the entry `id` is another name for: the figure has one value).
    fn resolve_typed(&mut self, id: Id, typed: (Money, Option<String>, Source), rule: &'static str, what: &str) {
        let (typed, shown, at) = typed;
        let (name, asked) = (self.entries[id].name.clone(), id);
        let id = self.canonical_id(id);
        let (computed, unit, slack) = (self.money(id), self.entries[id].unit, self.entries[id].slack);
        let earlier = self.entries[id].typed;
        let against = earlier.map_or(computed, |t| t.value);
        if typed == against {
            return;
        }
        let show = |m: Money| unit.from_wanyuan(m).trimmed();
        let shown = shown.unwrap_or_else(|| show(typed));
        let diff = typed - computed;
        let formula = self.formula_words(asked);
        let related = self.related(id, &format!("{name} = {formula}"));
        let file = self.file_path(at.file).to_path_buf();
        let (count, files) = self.rounded_inputs(id);
        let same = self.same_amount_as(id);
        let elsewhere = !files.is_empty() && !files.contains(&at.file);
        let within = diff.0.abs() <= slack && count >= 2 && same == id && !elsewhere && earlier.is_none();
        let values = (show(against), shown.clone(), unit.from_wanyuan(typed - against).signed());
        let finding = if within {
            self.entries[id].typed = Some(Typed {
                value: typed,
                at,
                computed,
                half: Money(unit.from_wanyuan(typed).0).rounding() * unit_factor(unit),
            });
            Diagnostic::new(
                ROUNDING_RULE,
                Severity::Info,
                file,
                at.at,
                format!(
                    "{what}填写为 {shown}，计算为 {}（{formula}），差 {} 在所用各数的舍入误差 ±{} 以内（尾差）：此处按填写的数字印出，其他数仍按各项计算",
                    show(computed),
                    unit.from_wanyuan(diff.abs()).trimmed(),
                    Money(slack / unit_factor(unit)).trimmed()
                ),
            )
        } else {
            let why = if let Some(t) = earlier {
                format!("；此量已在 {} 填写为 {}，同一个量只能有一个数", self.where_(t.at), show(t.value))
            } else if elsewhere {
                let there = files.iter().map(|&f| self.file_path(f).display().to_string()).collect::<Vec<_>>();
                format!(
                    "；此量由 {} 计算，并按此印出：同一个量只能有一个数，请改为 {} 或删去此处",
                    there.join("、"),
                    show(computed)
                )
            } else if same != id && diff.0.abs() <= slack {
                format!(
                    "；它就是 {} {}（其余各项为 0），没有舍入误差可言（不是尾差）",
                    self.entries[same].name,
                    show(self.money(same))
                )
            } else if diff.0.abs() <= slack {
                "；它只由一个填写的数得出，没有舍入误差可言（不是尾差）".to_string()
            } else {
                String::new()
            };
            let rule = if elsewhere && earlier.is_none() { "X-TYPED" } else { rule };
            Diagnostic::new(
                rule,
                Severity::Error,
                file,
                at.at,
                format!(
                    "{what}填写为 {shown}，计算应为 {}（{formula}），差 {}{why}",
                    show(against),
                    show((typed - against).abs())
                ),
            )
        };
        self.findings.push(finding.with_values(values.0, values.1, values.2).with_related(related));
    }

    /// The entry whose amount `id` is by its formula: itself, or — through
    /// other names, absolute values and sums whose other terms are zero —
    /// the one figure it repeats.
    fn same_amount_as(&self, mut id: Id) -> Id {
        for _ in 0..100 {
            id = match &self.entries[id].formula {
                Formula::Ref(a) | Formula::Abs(a) => *a,
                Formula::Linear(terms) => {
                    let mut nonzero = terms.iter().filter(|(t, _)| !self.money(*t).is_zero());
                    match (nonzero.next(), nonzero.next()) {
                        (Some((t, false)), None) => *t,
                        _ => return id,
                    }
                }
                _ => return id,
            };
        }
        id
    }

    /// How many typed amounts (other than zeros) `id` is computed from, and
    /// the data files they are in: one amount has no rounding to explain a
    /// 尾差, and a figure another file gives is printed from that file.
    fn rounded_inputs(&self, id: Id) -> (usize, Vec<u16>) {
        let (mut count, mut files) = (0, Vec::new());
        let mut stack = vec![id];
        let mut budget = 5000;
        while let Some(i) = stack.pop() {
            budget -= 1;
            if budget == 0 {
                return (usize::MAX, files);
            }
            match &self.entries[i].formula {
                Formula::Input(s) => {
                    if !self.entries[i].value.money().is_zero() {
                        count += 1;
                    }
                    if !files.contains(&s.file) {
                        files.push(s.file);
                    }
                }
                Formula::Blank => {}
                Formula::Imported { .. } => count += 1,
                Formula::Linear(terms) => stack.extend(terms.iter().map(|(t, _)| *t)),
                Formula::Abs(a) | Formula::Ref(a) => stack.push(*a),
                Formula::Ratio(a, b) => stack.extend([*a, *b]),
                Formula::Rule { of, .. } => {
                    count += 2;
                    stack.extend(of.iter());
                }
            }
        }
        (count, files)
    }

    /// Two quantities that must be the same figure: equal — nothing; within
    /// their slacks (尾差) — a note; beyond — `severity` under `rule`. The
    /// finding is placed at `a`'s first source and names `b`'s.
    pub fn check_same(&mut self, a: Id, b: Id, rule: &'static str, severity: Severity, what: &str) {
        let (va, vb) = (self.printed(a).money(), self.printed(b).money());
        if va == vb {
            return;
        }
        let ((ca, sa), (cb, sb)) = (self.spread(a), self.spread(b));
        let slack = sa + sb;
        let diff = va - vb;
        // Two figures each rounded once from the same amount are equal; one
        // rounded once lies within half a unit of the exact amount.
        let within = match (ca <= 1, cb <= 1) {
            (true, true) => false,
            (true, false) | (false, true) => diff.0.abs() < slack,
            (false, false) => diff.0.abs() <= slack,
        };
        let unit = self.entries[a].unit;
        let show = |m: Money| unit.from_wanyuan(m).trimmed();
        let (na, nb) = (self.entries[a].name.clone(), self.entries[b].name.clone());
        let (file, at, mut related) = self.place(a, &format!("{na} {}", show(va)));
        related.extend(self.related(b, &format!("{nb} {}", show(vb))));
        let (rule, severity, how) = if within {
            (ROUNDING_RULE, Severity::Info, format!("，在各数的舍入误差 ±{} 以内（尾差）", show(Money(slack))))
        } else {
            (rule, severity, String::new())
        };
        self.findings.push(
            Diagnostic::new(
                rule,
                severity,
                file,
                at,
                format!("{what}：{na} {} ≠ {nb} {}（差 {}）{how}", show(va), show(vb), show(diff.abs())),
            )
            .with_values(show(vb), show(va), unit.from_wanyuan(diff).signed())
            .with_related(related),
        );
    }

    /// How many rounded amounts the printed figure of `id` comes from, and
    /// how far it may lie from the exact amount.
    fn spread(&self, id: Id) -> (usize, Decimal) {
        match self.typed_of(id) {
            Some(t) => (1, t.half),
            None => (self.rounded_inputs(id).0, self.entries[id].slack),
        }
    }

    /// A finding located at the first place `id` was typed (or the first
    /// file of the ledger), with the other places it comes from.
    pub fn place(&self, id: Id, label: &str) -> (PathBuf, Loc, Vec<Related>) {
        let sources = self.sources(id);
        match sources.first() {
            Some(s) => (
                self.file_path(s.file).to_path_buf(),
                s.at,
                sources[1..].iter().take(4).map(|s| self.related_at(*s, label)).collect(),
            ),
            None => (self.files.first().cloned().unwrap_or_default(), Loc::default(), Vec::new()),
        }
    }

    /// A diagnostic's related places for the data lines `id` comes from.
    pub fn related(&self, id: Id, label: &str) -> Vec<Related> {
        self.sources(id).into_iter().take(5).map(|s| self.related_at(s, label)).collect()
    }

    fn related_at(&self, s: Source, label: &str) -> Related {
        Related {
            file: self.file_path(s.file).to_path_buf(),
            line: s.at.line,
            column: s.at.column,
            label: label.into(),
        }
    }

    /// The typed inputs `id` is computed from, in formula order (a typed
    /// figure first).
    pub fn sources(&self, id: Id) -> Vec<Source> {
        let mut out = Vec::new();
        let mut stack = vec![id];
        let mut seen = 0;
        while let Some(i) = stack.pop() {
            seen += 1;
            if seen > 2000 {
                break;
            }
            let e = &self.entries[i];
            if let Some(t) = e.typed {
                out.push(t.at);
                continue;
            }
            match &e.formula {
                Formula::Input(s) => out.push(*s),
                Formula::Blank | Formula::Imported { .. } => {}
                Formula::Linear(terms) => stack.extend(terms.iter().rev().map(|(t, _)| *t)),
                Formula::Abs(a) | Formula::Ref(a) => stack.push(*a),
                Formula::Ratio(a, b) => stack.extend([*b, *a]),
                Formula::Rule { of, .. } => stack.extend(of.iter().rev()),
            }
        }
        out.dedup();
        out
    }

    /// The formula of `id` in a few words, with its operands' values:
    /// “公开03.2080106.基本支出 270.91”, “11 项之和”.
    pub fn formula_words(&self, id: Id) -> String {
        let e = &self.entries[id];
        let v = |i: Id| {
            let x = &self.entries[i];
            match x.value {
                Value::Ratio(_) => x.name.clone(),
                v => format!("{} {}", x.name, x.unit.from_wanyuan(v.money()).trimmed()),
            }
        };
        match &e.formula {
            Formula::Linear(terms) if terms.len() <= 3 && !terms.is_empty() => terms
                .iter()
                .enumerate()
                .map(|(k, (t, neg))| {
                    format!(
                        "{}{}",
                        if *neg {
                            " − "
                        } else if k > 0 {
                            " + "
                        } else {
                            ""
                        },
                        v(*t)
                    )
                })
                .collect(),
            Formula::Linear(terms) if terms.iter().all(|(_, neg)| !neg) => format!("{} 项之和", terms.len()),
            Formula::Linear(terms) => format!("{} 项相加减", terms.len()),
            Formula::Ref(a) | Formula::Abs(a) => v(*a),
            Formula::Ratio(a, b) => format!("{} ÷ {}", v(*a), v(*b)),
            Formula::Rule { text, .. } => text.clone(),
            Formula::Imported { from } => format!("取自 {from}"),
            Formula::Input(_) | Formula::Blank => "填写的数".into(),
        }
    }

    /// A finding of a check that reads the ledger, kept with the others.
    pub fn push(&mut self, d: Diagnostic) {
        self.findings.push(d);
    }

    // ------------------------------------------------------------ statements

    fn apply_statements(&mut self, id: Id) {
        let name = self.entries[id].name.clone();
        let mut found = Vec::new();
        for (file, map) in &mut self.stated {
            if let Some(s) = map.remove(&name) {
                found.push((*file, s));
            }
        }
        for (file, s) in found {
            self.compare_statement(id, file, &s);
        }
    }

    fn compare_statement(&mut self, id: Id, file: u16, s: &Stated) {
        let e = &self.entries[id];
        let (key, unit, value) = (e.name.clone(), e.unit, e.value);
        let path = self.file_path(file).to_path_buf();
        let text = s.text.as_deref().map(str::trim).unwrap_or("");
        let error = |msg: String| Diagnostic::new("S-STATED", Severity::Error, &path, s.at, msg);
        match value {
            Value::Money(m) => {
                if text.is_empty() {
                    if !m.is_zero() {
                        let shown = unit.from_wanyuan(m).trimmed();
                        self.findings
                            .push(error(format!("{key}：原文空白，计算应为 {shown}")).with_expected(shown, "空白"));
                    }
                    return;
                }
                let (number, written) = strip_unit(text, unit);
                match Money::parse(number) {
                    Ok(v) => self.resolve_typed(
                        id,
                        (
                            written.to_wanyuan(v),
                            Some(if written == unit {
                                number.to_string()
                            } else {
                                format!(
                                    "{text}（即 {} {}）",
                                    unit.from_wanyuan(written.to_wanyuan(v)).trimmed(),
                                    unit.zh()
                                )
                            }),
                            Source { file, at: s.at },
                        ),
                        "S-STATED",
                        &format!("{key}："),
                    ),
                    Err(err) => self.findings.push(error(format!("{key}：“{text}”不是金额（{err}）"))),
                }
            }
            Value::Count(c) => {
                if text.is_empty() && c == 0 {
                    return;
                }
                if text.parse::<u64>().ok() != Some(c) {
                    let shown = if text.is_empty() { "空白" } else { text };
                    self.findings.push(error(format!("{key}：填写为 {shown}，计算应为 {c}")).with_expected(c, shown));
                }
            }
            Value::Ratio(r) => {
                if let Some(d) = compare_percent(&key, text, r) {
                    self.findings.push(Diagnostic { file: path, line: s.at.line, column: s.at.column, ..d });
                }
            }
        }
    }

    // ------------------------------------------------------------ explain

    /// How `name` is obtained, down to the data file lines: its value, its
    /// formula with each operand's value, recursively (at most `depth`
    /// levels, 80 lines).
    pub fn explain(&self, id: Id, depth: usize) -> String {
        let mut out = String::new();
        let mut lines = 0;
        self.explain_into(id, 0, depth, &mut out, &mut lines);
        out
    }

    /// The value as the explanation shows it: exact, in the entry's unit.
    pub fn show(&self, id: Id) -> String {
        let e = &self.entries[id];
        match e.value {
            Value::Money(m) => format!("{} {}", e.unit.from_wanyuan(m).trimmed(), e.unit.zh()),
            Value::Count(c) => c.to_string(),
            Value::Ratio(Some(r)) => format!(
                "{}%",
                r.percent_value().round_dp_with_strategy(6, RoundingStrategy::MidpointAwayFromZero).normalize()
            ),
            Value::Ratio(None) => "（分母为 0，不印百分比）".into(),
        }
    }

    fn explain_into(&self, id: Id, level: usize, depth: usize, out: &mut String, lines: &mut usize) {
        *lines += 1;
        if *lines > 80 {
            if *lines == 81 {
                out.push_str(&format!("{}……\n", "  ".repeat(level)));
            }
            return;
        }
        let e = &self.entries[id];
        let pad = "  ".repeat(level);
        let names = |ids: &[Id]| ids.iter().map(|&i| self.entries[i].name.clone()).collect::<Vec<_>>();
        let (how, kids): (String, Vec<Id>) = match &e.formula {
            Formula::Input(s) => (format!("填写于 {}", self.where_(*s)), vec![]),
            Formula::Blank => ("未填写（按 0）".into(), vec![]),
            Formula::Linear(terms) => {
                let mut s = String::new();
                for (k, (t, neg)) in terms.iter().enumerate() {
                    if k > 0 || *neg {
                        s.push_str(if *neg { " − " } else { " + " });
                    }
                    s.push_str(&self.entries[*t].name);
                }
                (
                    if s.is_empty() { "（无项，按 0）".into() } else { format!("= {s}") },
                    terms.iter().map(|t| t.0).collect(),
                )
            }
            Formula::Abs(a) => (format!("= |{}|", self.entries[*a].name), vec![*a]),
            Formula::Ratio(a, b) => (format!("= {} ÷ {}", self.entries[*a].name, self.entries[*b].name), vec![*a, *b]),
            Formula::Ref(a) => (format!("= {}", self.entries[*a].name), vec![*a]),
            Formula::Imported { from } => (format!("取自 {from}"), vec![]),
            Formula::Rule { text, of } => (format!("= {text}（{}）", names(of).join("，")), of.clone()),
        };
        out.push_str(&format!("{pad}{} = {}  {how}\n", e.name, self.show(id)));
        if let Some(t) = e.typed {
            out.push_str(&format!(
                "{pad}  （按填写的 {} 印出，见 {}；按公式为 {}，尾差）\n",
                e.unit.from_wanyuan(t.value).trimmed(),
                self.where_(t.at),
                e.unit.from_wanyuan(t.computed).trimmed()
            ));
        }
        if level + 1 < depth {
            // Operands that are zero and typed nowhere say nothing.
            let (shown, blank): (Vec<Id>, Vec<Id>) = kids
                .into_iter()
                .partition(|&k| !(self.entries[k].value.money().is_zero() && self.sources(k).is_empty()));
            for k in shown {
                self.explain_into(k, level + 1, depth, out, lines);
            }
            if !blank.is_empty() {
                out.push_str(&format!("{pad}  （另有 {} 项为 0 且未填写，略）\n", blank.len()));
            }
        } else if !kids.is_empty() {
            out.push_str(&format!("{pad}  （以下未展开：gongkai explain 加 --depth {} 可再展开一层）\n", depth + 1));
        }
    }

    fn where_(&self, s: Source) -> String {
        let p = self.file_path(s.file).display();
        if s.at.is_known() { format!("{p}:{}:{}", s.at.line, s.at.column) } else { p.to_string() }
    }
}

fn unit_factor(unit: Unit) -> Decimal {
    unit.to_wanyuan(Money(Decimal::ONE)).0
}

/// `"3万元"` → (`"3"`, 万元): a unit written after a stated amount.
fn strip_unit(text: &str, default: Unit) -> (&str, Unit) {
    for (suffix, unit) in [("万元", Unit::Wanyuan), ("亿元", Unit::Yiyuan), ("元", Unit::Yuan)] {
        if let Some(n) = text.strip_suffix(suffix) {
            return (n.trim(), unit);
        }
    }
    (text, default)
}

/// A stated percentage against the computed ratio, at the precision it was
/// printed with: the last digit off by one is a rounding warning (or, when
/// the printed figure is the computed one cut off rather than rounded, a
/// warning that says so); more is an error.
fn compare_percent(key: &str, text: &str, r: Option<Ratio>) -> Option<Diagnostic> {
    let here = |sev, msg: String| Diagnostic::new("S-STATED", sev, PathBuf::new(), Loc::default(), msg);
    let num = text.strip_suffix('%').unwrap_or(text).trim();
    if num.is_empty() {
        return match r {
            Some(r) if !r.value().is_zero() => {
                let shown = format!("{}%", r.percent(2));
                Some(here(Severity::Error, format!("{key}：原文空白，计算应为 {shown}")).with_expected(shown, "空白"))
            }
            _ => None,
        };
    }
    let Ok(v) = num.parse::<Decimal>() else {
        return Some(here(Severity::Error, format!("{key}：“{text}”不是百分数")));
    };
    let Some(r) = r else {
        return Some(here(
            Severity::Error,
            format!("{key}：填写为 {text}，但其分母为 0，这个百分比没有意义（应改用文字说明）"),
        ));
    };
    let dp = v.scale();
    let exact = r.percent_value();
    let rounded = exact.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero);
    if rounded == v {
        return None;
    }
    let truncated = exact.round_dp_with_strategy(dp, RoundingStrategy::ToZero);
    let unit = Decimal::new(1, dp);
    let (sev, how) = if truncated == v {
        (Severity::Warning, "：原文的数字是截断（舍去）而不是四舍五入得到的".to_string())
    } else if (rounded - v).abs() <= unit {
        (Severity::Warning, "（末位差 1，舍入不同）".to_string())
    } else {
        (Severity::Error, String::new())
    };
    Some(here(sev, format!("{key}：填写为 {v}%，计算应为 {rounded}%{how}")).with_values(
        format!("{rounded}%"),
        format!("{v}%"),
        format!("{}%", Money(v - rounded).signed()),
    ))
}

/// The name closest in meaning to `key`, or none: a suggestion must share
/// the last part of the name (what is measured) or differ only by a slip
/// (very similar, or one character off: 执行律 for 执行率).
pub fn suggest<'a>(key: &str, names: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let last = key.rsplit('.').next().unwrap_or(key);
    names
        .filter_map(|n| {
            let n_last = n.rsplit('.').next().unwrap_or(n);
            let whole = strsim::jaro_winkler(key, n);
            let score = if n_last == last {
                1.0 + whole
            } else if whole > 0.93 || strsim::levenshtein(key, n) == 1 {
                whole
            } else {
                return None;
            };
            Some((score, n))
        })
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, n)| n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(s: &str, line: u32) -> Option<Amount> {
        Some(Amount { value: Money::parse(s).unwrap(), at: Loc { line, column: 1 } })
    }

    #[test]
    fn a_typed_total_within_the_rounding_of_its_parts_prints_as_typed() {
        let mut l = Ledger::new();
        let f = l.file(Path::new("x.yaml"));
        let parts: Vec<Id> = ["1134.72", "157.29", "224.54"]
            .iter()
            .enumerate()
            .map(|(i, v)| l.input(format!("p{i}"), a(v, 1), f, Unit::Wanyuan))
            .collect();
        let total = l.sum("基本支出.实际", &parts);
        assert_eq!(l.money(total), Money::parse("1516.55").unwrap());
        let up = l.sum("上一级", &[total]);
        l.typed(total, a("1516.54", 9).unwrap(), f, Unit::Wanyuan, "N-ECON", "");
        assert_eq!(l.printed(total), Value::Money(Money::parse("1516.54").unwrap()));
        // What prints is the typed figure; what is computed from it is not.
        assert_eq!(l.money(total), Money::parse("1516.55").unwrap());
        assert_eq!(l.money(up), Money::parse("1516.55").unwrap());
        let alias = l.alias("另一名", total);
        assert_eq!(l.printed(alias), l.printed(total), "a figure under two names prints once");
        let d = l.take_findings();
        assert_eq!((d.len(), d[0].rule, d[0].severity), (1, ROUNDING_RULE, Severity::Info), "{d:?}");
        // 0.02 is beyond ±0.015: an error, and the computed value stands.
        let mut l = Ledger::new();
        let f = l.file(Path::new("x.yaml"));
        let parts: Vec<Id> = ["1134.72", "157.29", "224.54"]
            .iter()
            .enumerate()
            .map(|(i, v)| l.input(format!("p{i}"), a(v, 1), f, Unit::Wanyuan))
            .collect();
        let total = l.sum("t", &parts);
        l.typed(total, a("1516.53", 9).unwrap(), f, Unit::Wanyuan, "N-ECON", "");
        assert_eq!(l.money(total), Money::parse("1516.55").unwrap());
        assert_eq!(l.take_findings()[0].severity, Severity::Error);
    }

    #[test]
    fn no_rounding_no_room_for_a_cent() {
        // Two typed figures of one amount, each rounded once: equal or wrong.
        let mut l = Ledger::new();
        let f = l.file(Path::new("绩效自评.yaml"));
        let x = l.input("年初预算数", a("897.32", 3), f, Unit::Wanyuan);
        let y = l.input("一般公共预算", a("897.33", 4), f, Unit::Wanyuan);
        let zero = l.input("其他", a("0", 5), f, Unit::Wanyuan);
        let by = l.sum("按收入性质分之和", &[y, zero]);
        l.check_same(x, by, "P-9", Severity::Error, "");
        assert_eq!(l.take_findings()[0].rule, "P-9");
        // A figure another file computes is printed from that file: typed
        // here, it must be the same figure.
        let mut l = Ledger::new();
        let fa = l.file(Path::new("决算.yaml"));
        let perf = l.file(Path::new("绩效自评.yaml"));
        let parts: Vec<Id> =
            ["486.89", "57.6", "193.59"].iter().map(|v| l.input(v.to_string(), a(v, 1), fa, Unit::Wanyuan)).collect();
        let basic = l.sum("公开03.合计.基本支出", &parts);
        let here = l.alias("基本支出.实际", basic);
        l.typed(here, a("738.09", 9).unwrap(), perf, Unit::Wanyuan, "X-TYPED", "");
        let d = l.take_findings();
        assert_eq!((d[0].rule, d[0].severity), ("X-TYPED", Severity::Error), "{d:?}");
        assert!(d[0].message.contains("决算.yaml"), "{}", d[0].message);
        assert_eq!(l.printed(basic), Value::Money(Money::parse("738.08").unwrap()));
    }

    #[test]
    fn a_single_part_leaves_no_room_for_a_cent() {
        let mut l = Ledger::new();
        let f = l.file(Path::new("决算.yaml"));
        let p = l.input("公开03.2080106.基本支出", a("270.91", 3), f, Unit::Wanyuan);
        let parent = l.sum("公开03.20801.基本支出", &[p]);
        l.typed(parent, a("270.90", 7).unwrap(), f, Unit::Wanyuan, "T03-3", "");
        let d = l.take_findings();
        assert_eq!((d[0].rule, d[0].severity), ("T03-3", Severity::Error));
        assert_eq!(d[0].related[0].line, 3, "names the line the computed figure comes from");
    }

    #[test]
    fn statements_are_compared_when_their_quantity_is_defined() {
        let mut l = Ledger::new();
        let f = l.file(Path::new("x.yaml"));
        let mut stated = BTreeMap::new();
        stated.insert("占比".to_string(), Stated { text: Some("24.78%".into()), at: Loc { line: 4, column: 3 } });
        stated.insert("截断".to_string(), Stated { text: Some("18.3%".into()), at: Loc { line: 5, column: 3 } });
        stated.insert("二.本年收入合计".to_string(), Stated { text: Some("1".into()), at: Loc { line: 6, column: 3 } });
        l.expect_stated(f, &stated);
        let x = l.input("公用", a("40.16", 1), f, Unit::Wanyuan);
        let y = l.input("基本", a("162", 2), f, Unit::Wanyuan);
        l.ratio_of("占比", x, y);
        let p = l.input("p", a("0.26", 1), f, Unit::Wanyuan);
        let q = l.input("q", a("1.42", 1), f, Unit::Wanyuan);
        l.ratio_of("截断", p, q); // 18.3098…% printed 18.3: rounded, not cut
        l.input("五（一）.占本年支出合计", a("1", 1), f, Unit::Wanyuan);
        let d = l.take_findings();
        assert!(d.iter().any(|d| d.message.contains("24.78%") && d.severity == Severity::Warning), "{d:#?}");
        assert!(!d.iter().any(|d| d.message.contains("截断：")), "{d:#?}");
        let key = d.iter().find(|d| d.rule == "S-KEY").unwrap();
        assert!(!key.message.contains("五（一）"), "no suggestion far in meaning: {}", key.message);
    }

    #[test]
    fn truncated_percentages_are_named() {
        let r = Ratio::of(Money::parse("0.77").unwrap(), Money::parse("10").unwrap()); // 7.7%
        let d = compare_percent("k", "7%", r).unwrap();
        assert!(d.message.contains("截断"), "{}", d.message);
    }
}
