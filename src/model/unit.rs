//! `单位.yaml`: a unit's stable facts, shared by all its years.

use serde::Deserialize;

/// Stable facts about a 预算单位 (layouts.md §4.2). One file per unit folder.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Unit {
    /// 单位全称，如“蓝山县就业服务中心”。Used in titles, 部门： lines and sentences.
    pub name: String,
    /// 简称，用于 001 式标题“市就业服务中心部门决算”；缺省为全称。
    #[serde(default)]
    pub short_name: Option<String>,
    /// 区划，如“蓝山县”。
    #[serde(default)]
    pub region: Option<String>,
    /// 主管部门，如“蓝山县人力资源和社会保障局”。
    #[serde(default)]
    pub supervising_department: Option<String>,
    /// 单位性质，如“参照公务员法管理的事业单位”。
    #[serde(default)]
    pub unit_type: Option<String>,
    /// 默认版式方案（profiles/ 下的文件名，不含 .yaml），各年度可在决算.yaml 中改用其他方案。
    pub profile: String,
    /// 第一部分 一、部门职责 的引言句，以“：”结尾。
    #[serde(default)]
    pub duties_intro: String,
    /// 部门职责，每项一段，按（一）（二）…编号。
    #[serde(default)]
    pub duties: Vec<String>,
    /// 机构设置句的主语，如“蓝山县就业服务中心单位”；缺省为单位全称。
    #[serde(default)]
    pub institution_subject: Option<String>,
    /// 内设机构，以“、”连接。
    #[serde(default)]
    pub internal_departments: Vec<String>,
    /// 决算单位构成，如 ["蓝山县就业服务中心单位本级"]。
    #[serde(default)]
    pub budget_units: Vec<String>,
    /// 汇总：本单位是部门，其部门决算由这些决算单位（同一数据文件夹下的单位文件夹）的数据相加而成，
    /// 内部往来（上级补助收入 ↔ 对附属单位补助支出，附属单位上缴收入 ↔ 上缴上级支出）抵销。
    #[serde(default)]
    pub consolidates: Option<Consolidates>,
}

/// A department's 决算单位: its 本级 and its subordinate units, each a unit
/// folder of its own in the same data root.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Consolidates {
    /// 本级：部门本级的单位文件夹名。下属单位的上级补助收入、上缴上级支出与它的对附属单位补助支出、附属单位上缴收入相抵。
    pub main: Named,
    /// 下属单位的单位文件夹名，按第一部分“决算单位构成”的顺序。
    #[serde(default)]
    pub members: Vec<Named>,
}

impl Consolidates {
    /// 本级 first, then the subordinate units.
    pub fn all(&self) -> impl Iterator<Item = &Named> {
        std::iter::once(&self.main).chain(&self.members)
    }
}

/// A name as written in a data file, with its position.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Named {
    pub name: String,
    pub at: super::Loc,
}

impl schemars::JsonSchema for Named {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Named".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"description": "单位文件夹名", "type": "string"})
    }
}

impl Unit {
    pub fn short(&self) -> &str {
        self.short_name.as_deref().unwrap_or(&self.name)
    }
    pub fn subject(&self) -> &str {
        self.institution_subject.as_deref().unwrap_or(&self.name)
    }
}
