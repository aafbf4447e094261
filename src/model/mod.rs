//! The typed data model: what users write in YAML (unit facts, per-year
//! 决算 data), the shared data files (profiles, classification catalogue,
//! font theme), and `Amount`, a money value that remembers where it was
//! written so that every diagnostic can point at it.
//!
//! These are the *raw* types, strict at the serde level (unknown keys are
//! errors). Invariants between values are checked later by `check`.

mod catalogue;
mod final_accounts;
pub mod grid;
mod performance;
mod profile;
pub mod scored_form;
mod theme;
mod unit;

pub use catalogue::{Catalogue, EconCatalogue, EconGroup, EconRow, FuncCatalogue};
pub use final_accounts::*;
pub use performance::*;
pub use profile::*;
pub use theme::{FontRole, Theme};
pub use unit::{Consolidates, Named, Unit};

use crate::money::Money;

/// “，是否想写“x”？” for the allowed word nearest to `value` (Jaro–Winkler
/// above 0.7, or one character off — a typo in a two-character Chinese name
/// such as 安微 for 安徽 scores only 0.67), or nothing: the one suggestion
/// every “unknown key / value” message gives. Dotted quantity names use
/// `ledger::suggest` instead.
pub fn did_you_mean<'a>(value: &str, allowed: impl IntoIterator<Item = &'a str>) -> String {
    allowed
        .into_iter()
        .map(|a| (strsim::jaro_winkler(value, a), a))
        .filter(|(score, a)| *score > 0.7 || (value.chars().count() >= 2 && strsim::levenshtein(value, a) == 1))
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, a)| format!("，是否想写“{a}”？"))
        .unwrap_or_default()
}

/// A position in a data file (1-based), or unknown (0, 0) for computed values.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Loc {
    pub line: u32,
    pub column: u32,
}

impl Loc {
    pub fn is_known(&self) -> bool {
        self.line > 0
    }
}

/// A money value as written by the user, with its position in the file.
/// Deserialized from the scalar's text (see `load`), never through `f64`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Amount {
    pub value: Money,
    pub at: Loc,
}

impl Amount {
    pub fn new(value: Money) -> Self {
        Amount { value, at: Loc::default() }
    }
}

/// A figure as published or typed for checking: an amount, a percentage
/// (`"24.78%"`) or blank (`null`), with its position.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stated {
    /// The scalar's text; `None` for a blank (null) value.
    pub text: Option<String>,
    pub at: Loc,
}

impl schemars::JsonSchema for Stated {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Stated".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "已公布的数字：金额（如 385.28）、百分数（如 \"24.78%\"）或 null（原文空白）",
            "anyOf": [{"type": "number"}, {"type": "string"}, {"type": "null"}]
        })
    }
}

/// A date as a data file gives it: `2024-06-30`, `2024.6.30` or `2024年6月30日`
/// (公开 or 填报日期), with its position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
    pub at: Loc,
}

impl Date {
    /// Parses the forms above; `None` for anything else (an invalid day included).
    pub fn parse(text: &str) -> Option<(u16, u8, u8)> {
        let t = text.trim().trim_end_matches('日');
        let parts: Vec<&str> = t.split(['-', '.', '年', '月', '/']).map(str::trim).collect();
        let [y, m, d] = parts.as_slice() else { return None };
        let (y, m, d): (u16, u8, u8) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
        let days = match m {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
            2 => 28,
            _ => return None,
        };
        ((2000..=2100).contains(&y) && (1..=days).contains(&d)).then_some((y, m, d))
    }
}

impl schemars::JsonSchema for Date {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Date".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "日期：2024-06-30、2024.6.30 或 2024年6月30日",
            "type": "string"
        })
    }
}

/// The value of an optional amount, blank counting as zero.
pub fn val(a: &Option<Amount>) -> Money {
    a.map(|a| a.value).unwrap_or(Money::ZERO)
}

impl schemars::JsonSchema for Amount {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Amount".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "金额，单位为文件的 unit（缺省万元），按原文的精度填写（元到分，万元、亿元可多于两位小数），例如 385.28；可写千分位逗号 1,540.70（需加引号）",
            "anyOf": [
                {"type": "number"},
                {"type": "string", "pattern": "^-?[0-9]{1,3}(,?[0-9]{3})*(\\.[0-9]{1,10})?$"}
            ]
        })
    }
}
