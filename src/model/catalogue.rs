//! The classification catalogue shipped as data (`data/catalogue/`):
//! 支出功能分类 names per year and the 经济分类 rows of 公开06表.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

/// 支出功能分类科目 (类 3 digits, 款 5, 项 7) for one year.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FuncCatalogue {
    /// 适用年度。
    pub year: u16,
    /// 来源说明。
    #[serde(default)]
    pub source: String,
    /// 编码 → 名称。
    pub codes: BTreeMap<String, String>,
    /// 未经官方文本核对的编码（official.md 标 ○/?）。
    #[serde(default)]
    pub uncertain: BTreeSet<String>,
    /// Where it was read from (for messages): a data file or the built-in copy.
    #[serde(skip)]
    pub origin: String,
}

/// One row of 公开06表: a 3-digit 类 or 5-digit 款 economic code.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EconRow {
    pub code: String,
    pub name: String,
}

/// One column group of 公开06表.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EconGroup {
    /// 人员经费 or 公用经费.
    pub kind: String,
    pub rows: Vec<EconRow>,
}

/// 部门预算支出经济分类 rows of 公开06表 for one year, in printed order.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EconCatalogue {
    pub year: u16,
    #[serde(default)]
    pub source: String,
    pub groups: Vec<EconGroup>,
    /// Where it was read from (for messages).
    #[serde(skip)]
    pub origin: String,
}

/// Both catalogues for one year.
#[derive(Debug, Clone)]
pub struct Catalogue {
    pub func: FuncCatalogue,
    pub econ: EconCatalogue,
}

impl Catalogue {
    pub fn func_name(&self, code: &str) -> Option<&str> {
        self.func.codes.get(code).map(String::as_str)
    }
    pub fn econ_name(&self, code: &str) -> Option<&str> {
        self.econ.groups.iter().flat_map(|g| &g.rows).find(|r| r.code == code).map(|r| r.name.as_str())
    }
}
