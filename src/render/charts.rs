//! The charts of 第三部分: which figures a paragraph's chart draws — the
//! same named quantities its sentences print — and the proportions the
//! Typst helpers (`lib/gongkai.typ`: `bar-chart`, `pie-chart`) draw them
//! at. Labels and alt text are printed by the template through `q()`, so a
//! chart and its sentence cannot disagree. Amounts that are zero (or
//! negative, which a share cannot show) are left out and named.
//!
//! Public entry: [`chart_view`].

use serde::Serialize;

use crate::derive::{Layout, T02_COLUMNS, T03_COLUMNS};
use crate::ledger::{Ledger, Value};
use crate::model::{CHART_KEYS, ChartKind, ChartSpec};
use crate::money::Money;

/// A chart as the template draws it.
#[derive(Debug, Clone, Serialize)]
pub struct ChartView {
    /// `bar`, `pie` or `ring`.
    pub kind: &'static str,
    /// The caption as the profile words it, `{n}` replaced by its number.
    pub caption: String,
    /// What it shows, for the alt text (“收入决算结构”).
    pub subject: String,
    pub items: Vec<ChartItem>,
    /// The items left out, joined (“上级补助收入、事业收入”); empty when none.
    pub omitted: String,
}

/// One bar or slice.
#[derive(Debug, Clone, Serialize)]
pub struct ChartItem {
    pub name: String,
    /// The amount's quantity.
    pub q: String,
    /// The share's quantity (slices), printed beside the amount.
    pub share: Option<String>,
    /// Its proportion for drawing only (a slice's part of the whole, a
    /// bar's part of the tallest), to four places: never printed.
    pub frac: String,
}

/// The chart of paragraph `key` (number `n` in the document).
pub fn chart_view(spec: &ChartSpec, key: &str, n: usize, l: &Ledger, layout: &Layout, year: u16) -> ChartView {
    let (_, subject, kinds) = CHART_KEYS.iter().find(|(k, _, _)| *k == key).expect("checked when the profile is read");
    let kind = spec.kind.unwrap_or(kinds[0]);
    let candidates: Vec<(String, String, Option<String>)> = match key {
        "overview" => change(year, "上年.收支总计", "一.收支总计"),
        "fiscal_overview" => change(year, "上年.财政拨款收支总计", "四.财政拨款收支总计"),
        "fiscal_expense_total" => change(year, "上年.财政拨款支出", "公开05.合计.小计"),
        "income" => T02_COLUMNS[1..]
            .iter()
            .map(|c| (c.to_string(), format!("公开02.合计.{c}"), Some(format!("二.{c}.占比"))))
            .collect(),
        "expense" => T03_COLUMNS[1..]
            .iter()
            .map(|c| (c.to_string(), format!("公开03.合计.{c}"), Some(format!("三.{c}.占比"))))
            .collect(),
        _ => layout
            .fiscal_classes
            .iter()
            .map(|(c, name)| (name.clone(), format!("五（二）.{c}"), Some(format!("五（二）.{c}.占比"))))
            .collect(),
    };
    let amount = |q: &str| match l.get(q).map(|e| e.value) {
        Some(Value::Money(m)) => m,
        _ => Money::ZERO,
    };
    let (drawn, left): (Vec<_>, Vec<_>) = candidates.into_iter().partition(|(_, q, _)| amount(q) > Money::ZERO);
    // A slice is its part of what is drawn; a bar, its part of the tallest.
    let whole = if kind == ChartKind::Bar {
        drawn.iter().map(|(_, q, _)| amount(q)).max().unwrap_or(Money::ZERO)
    } else {
        drawn.iter().map(|(_, q, _)| amount(q)).fold(Money::ZERO, |a, b| a + b)
    };
    let items = drawn
        .into_iter()
        .map(|(name, q, share)| {
            let frac =
                crate::money::Ratio::of(amount(&q), whole).map(|r| r.fraction(4).to_string()).unwrap_or_default();
            ChartItem { name, q, share, frac }
        })
        .collect();
    ChartView {
        kind: kind.name(),
        caption: spec.caption.replace("{n}", &n.to_string()),
        subject: subject.to_string(),
        items,
        omitted: left.into_iter().map(|(name, _, _)| name).collect::<Vec<_>>().join("、"),
    }
}

/// Last year's and this year's figure, as two bars.
fn change(year: u16, last: &str, this: &str) -> Vec<(String, String, Option<String>)> {
    vec![(format!("{}年", year - 1), last.to_string(), None), (format!("{year}年"), this.to_string(), None)]
}
