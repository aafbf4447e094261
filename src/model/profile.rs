//! Profiles (`data/profiles/*.yaml`): everything that differs between
//! published layouts — table order and titles, the 第三部分 outline, the
//! glossary, number formatting — as data a user can copy and edit.

use serde::Deserialize;

use crate::money::MoneyStyle;

/// One 公开表 in the order of 第二部分.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TableSpec {
    /// Canonical id: T01 … T09 (002's numbering: T07 三公, T08 政府性基金, T09 国有资本).
    pub id: TableId,
    /// 表号，如“公开01表”。
    pub label: String,
    /// 表名，如“部门收支决算总表”。
    pub title: String,
    /// 本表的表式（列、表头、行和每格的量）；缺省取 forms 所指的表式文件中同编号的表式。
    #[serde(default)]
    pub form: Option<super::grid::TableForm>,
}

/// One section of 第三部分 (or a sub-section).
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(try_from = "RawSectionSpec")]
pub struct SectionSpec {
    /// Which block of sentences this section prints (see README, “第三部分的段落”, and [`PART3_KEYS`]).
    pub key: Part3Key,
    /// 标题（不含编号；编号按位置自动生成；“{year}”代入文件的年度）。
    pub title: String,
    /// 子节（（一）（二）…）。
    pub children: Vec<SectionSpec>,
    /// 段落后的图（只有 [`CHART_KEYS`] 中的段落可以有）。
    pub chart: Option<ChartSpec>,
    /// 本节的句子（Tera 片段），替代内置的句子。
    pub text: Option<String>,
}

/// A section as written: its chart checked against its key when read.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSectionSpec {
    /// 段落（见 README“第三部分的段落”）。
    pub key: Part3Key,
    /// 标题（不含编号；编号按位置自动生成；“{year}”代入文件的年度）。
    pub title: String,
    /// 子节（（一）（二）…）。
    #[serde(default)]
    pub children: Vec<SectionSpec>,
    /// 段落后的图：overview、fiscal_overview、fiscal_expense_total 为本年与上年的柱状图；income、expense、fiscal_expense_structure 为构成图（饼图、环形图或条形图）。
    #[serde(default)]
    pub chart: Option<ChartSpec>,
    /// 本节的句子，替代内置的句子：Tera 片段，用 {{ q(n="量的名称") }} 印账中的数（见 README“自己写版式方案”），可用 m:: 宏。
    #[serde(default)]
    pub text: Option<String>,
}

impl TryFrom<RawSectionSpec> for SectionSpec {
    type Error = String;

    fn try_from(r: RawSectionSpec) -> Result<SectionSpec, String> {
        if let Some(c) = &r.chart {
            let key = r.key.as_str();
            let Some((_, _, kinds)) = CHART_KEYS.iter().find(|(k, _, _)| *k == key) else {
                let can: Vec<String> = CHART_KEYS.iter().map(|(k, what, _)| format!("{k}（{what}）")).collect();
                return Err(format!("第三部分的段落“{key}”不能有图（chart）；可以有图的段落：{}", can.join("、")));
            };
            if let Some(kind) = c.kind
                && !kinds.contains(&kind)
            {
                let names: Vec<&str> = kinds.iter().map(|k| k.name()).collect();
                return Err(format!("段落“{key}”的图不能是 {}：可用 {}", kind.name(), names.join("、")));
            }
            if c.caption.trim().is_empty() {
                return Err(format!("段落“{key}”的图缺少图题 caption，如“（图{{n}}：收入决算结构图）”"));
            }
        }
        if let Some(t) = &r.text {
            // Parsed now, so a broken snippet is an error of the profile, not of every unit.
            let mut tera = tera::Tera::default();
            let snippet = format!("{{% import \"macros.tera\" as m %}}{t}");
            let files = [("macros.tera", include_str!("../../templates/macros.tera")), ("text.tera", snippet.as_str())];
            if let Err(e) = tera.add_raw_templates(files) {
                let mut msg = e.to_string();
                let mut cur = std::error::Error::source(&e);
                while let Some(c) = cur {
                    msg += &format!("：{c}");
                    cur = c.source();
                }
                return Err(format!("第三部分“{}”的句子（text）不是有效的 Tera 片段：{msg}", r.key.as_str()));
            }
        }
        Ok(SectionSpec { key: r.key, title: r.title, children: r.children, chart: r.chart, text: r.text })
    }
}

/// A chart under a 第三部分 paragraph, drawn from the figures the paragraph prints.
#[derive(Debug, Clone, Deserialize, serde::Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChartSpec {
    /// bar（柱状图）、pie（饼图）或 ring（环形图）；缺省：本年与上年为柱状图，构成为饼图。
    #[serde(default)]
    pub kind: Option<ChartKind>,
    /// 图题，照版式方案的写法印在图下；“{n}”代入图在本文件中的序号，如“（图{n}：收入决算结构图）”。
    pub caption: String,
}

/// How a chart is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ChartKind {
    Bar,
    Pie,
    Ring,
}

impl ChartKind {
    pub fn name(self) -> &'static str {
        match self {
            ChartKind::Bar => "bar",
            ChartKind::Pie => "pie",
            ChartKind::Ring => "ring",
        }
    }
}

/// The paragraphs that can carry a chart: what it shows, and how it may be
/// drawn (the first is the default).
pub const CHART_KEYS: &[(&str, &str, &[ChartKind])] = &[
    ("overview", "收、支总计本年与上年", &[ChartKind::Bar]),
    ("fiscal_overview", "财政拨款收、支总计本年与上年", &[ChartKind::Bar]),
    ("fiscal_expense_total", "财政拨款支出本年与上年", &[ChartKind::Bar]),
    ("income", "本年收入的构成", &[ChartKind::Pie, ChartKind::Ring, ChartKind::Bar]),
    ("expense", "本年支出的构成", &[ChartKind::Pie, ChartKind::Ring, ChartKind::Bar]),
    ("fiscal_expense_structure", "财政拨款支出按类的构成", &[ChartKind::Pie, ChartKind::Ring, ChartKind::Bar]),
];

/// The blocks of sentences 第三部分 has, with what each prints; a key that
/// is not here is refused when the profile is read (it would print a
/// heading over nothing).
pub const PART3_KEYS: &[(&str, &str)] = &[
    ("overview", "一、收入支出决算总体情况：收、支总计及与上年相比"),
    ("income", "二、收入决算情况：本年收入合计及各项收入与占比"),
    ("expense", "三、支出决算情况：本年支出合计及各项支出与占比"),
    ("fiscal_overview", "四、财政拨款收入支出决算总体情况"),
    ("fiscal_expense", "五、一般公共预算财政拨款支出决算情况（只有标题，内容在其子节）"),
    ("fiscal_expense_total", "五（一）财政拨款支出总体情况：占本年支出合计、与上年相比"),
    ("fiscal_expense_structure", "五（二）结构情况：各类支出及占比"),
    ("fiscal_expense_detail", "五（三）具体情况：年初预算、决算、完成率，各项级科目及原因"),
    ("fiscal_basic", "六、财政拨款基本支出：人员经费、公用经费及占比"),
    ("three_public", "七、“三公”经费（只有标题，内容在其子节）"),
    ("three_public_total", "七（一）“三公”经费总体情况：预算、决算、完成率、与上年相比"),
    ("three_public_detail", "七（二）具体情况：各项决算与占比，团组、人次、车辆"),
    ("gov_fund", "政府性基金预算财政拨款收支"),
    ("soe", "国有资本经营预算财政拨款支出"),
    ("performance", "预算绩效情况：整体支出、项目支出、重点项目支出，及 performance.paragraphs"),
    ("performance_text", "预算绩效情况：只印 performance.paragraphs"),
    ("org_running_cost", "机关运行经费：金额及与比较基数相比"),
    ("general_spending", "一般性支出：会议费、培训费、节庆论坛"),
    ("procurement", "政府采购支出"),
    ("assets", "国有资产占用：车辆、设备"),
    ("other", "其他重要事项（只有标题，内容在其子节）"),
];

/// A 第三部分 key, refused at load (with its position) unless it is one of [`PART3_KEYS`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct Part3Key(String);

impl Part3Key {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Part3Key {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let key = String::deserialize(d)?.trim().to_string();
        if PART3_KEYS.iter().any(|(k, _)| *k == key) {
            return Ok(Part3Key(key));
        }
        let near = super::did_you_mean(&key, PART3_KEYS.iter().map(|(k, _)| *k));
        let all: Vec<&str> = PART3_KEYS.iter().map(|(k, _)| *k).collect();
        Err(serde::de::Error::custom(format!(
            "第三部分的段落“{key}”不存在{near}（可用：{}；各自印什么见 README“第三部分的段落”）",
            all.join("、")
        )))
    }
}

impl schemars::JsonSchema for Part3Key {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Part3Key".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let keys: Vec<&str> = PART3_KEYS.iter().map(|(k, _)| *k).collect();
        schemars::json_schema!({ "description": "第三部分的段落", "enum": keys })
    }
}

/// A 公开表 id, T01 … T09.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct TableId(String);

impl TableId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for TableId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let id = String::deserialize(d)?.trim().to_string();
        let ok = id.len() == 3
            && id.starts_with('T')
            && matches!(&id[1..], "01" | "02" | "03" | "04" | "05" | "06" | "07" | "08" | "09");
        if ok {
            Ok(TableId(id))
        } else {
            Err(serde::de::Error::custom(format!(
                "公开表编号“{id}”无效：应为 T01 至 T09（T01 收支总表 … T07 三公、T08 政府性基金、T09 国有资本）"
            )))
        }
    }
}

impl schemars::JsonSchema for TableId {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "TableId".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "description": "公开表编号", "enum": ["T01","T02","T03","T04","T05","T06","T07","T08","T09"] })
    }
}

/// A PDF/A conformance level (PDF/A needs a document date: `publish_date`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, schemars::JsonSchema)]
pub enum PdfArchive {
    #[serde(rename = "a-2b")]
    A2b,
    #[serde(rename = "a-2u")]
    A2u,
    #[serde(rename = "a-3b")]
    A3b,
    #[serde(rename = "a-3u")]
    A3u,
}

/// How the year-over-year comparison names last year.
#[derive(Debug, Clone, Copy, Deserialize, schemars::JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum YoyWording {
    /// “与上年相比”
    LastYear,
    /// “与2022年相比”
    Year,
}

/// What 机关运行经费 is compared with.
#[derive(Debug, Clone, Copy, Deserialize, schemars::JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum OrgRunningCostBase {
    /// 比年初预算数（002）。
    InitialBudget,
    /// 比上年决算数（001）。
    PreviousYear,
}

/// Number formatting of one document (layouts.md §3.6): every amount and
/// percentage is rounded once, when it is printed, by these rules.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NumberFormat {
    /// 正文金额：trim（去尾零）、fixed2（固定小数位）、as_entered（按录入）。
    #[serde(default)]
    pub text_money: MoneyStyle,
    /// 表格金额。
    #[serde(default = "as_entered")]
    pub table_money: MoneyStyle,
    /// 金额的小数位（四舍五入；缺省 2）。
    #[serde(default = "two")]
    pub money_decimals: u32,
    /// 文件印金额的单位：万元（缺省）或 元；数据可以用另一种单位录入，换算是精确的。
    #[serde(default)]
    pub unit: crate::money::Unit,
    /// 公开表中金额为 0 的格子怎样印（表式没有写 zero 的表）：blank（空白，缺省）、show（按数字格式印 0）或照写的文字（如 "0.00"、"—"）。
    #[serde(default)]
    pub table_zero: super::grid::Zero,
    /// 千分位逗号（≥1000 时）。
    #[serde(default)]
    pub thousands_separator: bool,
    /// 百分比小数位（四舍五入；缺省 2）。
    #[serde(default = "two")]
    pub percent_decimals: u32,
    /// 百分比的写法：fixed（固定小数位，如 94.40%、100.00%，缺省）或 trim（去尾零，如 94.4%、100%）。
    #[serde(default)]
    pub percent_style: PercentStyle,
}

/// How percentages are written.
#[derive(Debug, Clone, Copy, Default, Deserialize, schemars::JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum PercentStyle {
    /// 固定小数位：94.40%、100.00%。
    #[default]
    Fixed,
    /// 去尾零：94.4%、100%。
    Trim,
}

fn hunan() -> String {
    "湖南".into()
}

fn part2_title() -> String {
    "{year}年部门决算表".into()
}

fn as_entered() -> MoneyStyle {
    MoneyStyle::AsEntered
}
fn two() -> u32 {
    2
}

impl Default for NumberFormat {
    fn default() -> Self {
        NumberFormat {
            text_money: MoneyStyle::Trim,
            table_money: MoneyStyle::AsEntered,
            money_decimals: 2,
            unit: crate::money::Unit::Wanyuan,
            table_zero: super::grid::Zero::Blank,
            thousands_separator: false,
            percent_decimals: 2,
            percent_style: PercentStyle::Fixed,
        }
    }
}

impl NumberFormat {
    /// How the document's sentences print amounts.
    pub fn text(&self) -> crate::money::MoneyFormat {
        crate::money::MoneyFormat {
            style: self.text_money,
            decimals: self.money_decimals,
            thousands: self.thousands_separator,
            unit: self.unit,
        }
    }
    /// How the document's tables print amounts.
    pub fn table(&self) -> crate::money::MoneyFormat {
        crate::money::MoneyFormat { style: self.table_money, ..self.text() }
    }
    /// How the document prints percentages.
    pub fn percent(&self) -> crate::money::PercentFormat {
        crate::money::PercentFormat { decimals: self.percent_decimals, trim: self.percent_style == PercentStyle::Trim }
    }
}

/// Wording used where a ratio has no denominator (layouts.md §3.6).
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ZeroWording {
    /// 上年数为 0 而本年增加时替代“增长 x%”的措辞。
    #[serde(default = "new_item")]
    pub growth_from_zero: String,
}

fn new_item() -> String {
    "上年无此项支出".into()
}

impl Default for ZeroWording {
    fn default() -> Self {
        ZeroWording { growth_from_zero: new_item() }
    }
}

/// One part of the document (第一部分 …), in order.
#[derive(Debug, Clone, Deserialize, serde::Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PartSpec {
    /// overview（概况）、tables（公开表）、explanation（情况说明）、glossary（名词解释）、attachments（附件）或 text（单位自己写的文字）。
    pub kind: PartKind,
    /// 标题（“第N部分”之后的文字；“{unit}”代入单位名称，“{year}”代入年度）；缺省按 kind。
    #[serde(default)]
    pub title: Option<String>,
    /// kind: text 时，文字在 决算.yaml 的 texts 中的键。
    #[serde(default)]
    pub key: Option<String>,
}

/// What a part holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PartKind {
    Overview,
    Tables,
    Explanation,
    Glossary,
    Attachments,
    Text,
}

/// 第一部分 的标题与人员情况。
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Part1Spec {
    /// 一、的标题（缺省“部门职责”）。
    #[serde(default = "duties_title")]
    pub duties_title: String,
    /// 二、的标题（缺省“机构设置及决算单位构成”）。
    #[serde(default = "organisation_title")]
    pub organisation_title: String,
    /// 是否在二、中印人员情况（编制数、在职、派遣、退休；数据为 决算.yaml 的 staff）。
    #[serde(default)]
    pub staff: bool,
}

fn duties_title() -> String {
    "部门职责".into()
}
fn organisation_title() -> String {
    "机构设置及决算单位构成".into()
}

impl Default for Part1Spec {
    fn default() -> Self {
        Part1Spec { duties_title: duties_title(), organisation_title: organisation_title(), staff: false }
    }
}

/// The parts of a 部门决算 when a profile does not list them.
pub fn default_parts() -> Vec<PartSpec> {
    [PartKind::Overview, PartKind::Tables, PartKind::Explanation, PartKind::Glossary, PartKind::Attachments]
        .into_iter()
        .map(|kind| PartSpec { kind, title: None, key: None })
        .collect()
}

/// A layout profile for the 部门决算 of one region and year.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// 方案名称（与文件名一致）。
    pub name: String,
    /// 说明。
    #[serde(default)]
    pub description: String,
    /// 是否有封面和目录页（001 式）。
    #[serde(default)]
    pub cover: bool,
    /// 生成的 PDF 所符合的存档标准：a-2b、a-2u、a-3b 或 a-3u（缺省为普通 PDF；命令行 --pdf-standard 优先）。
    #[serde(default)]
    pub pdf_standard: Option<PdfArchive>,
    /// 是否同时在 PDF 旁生成公开表工作簿“<PDF 名>公开表.xlsx”（缺省否；命令行 build --xlsx 对所有单位生成）。
    #[serde(default)]
    pub xlsx: bool,
    /// 目录是否印页码（缺省不印，与参考文件相同）。
    #[serde(default)]
    pub toc_page_numbers: bool,
    /// 封面左上角的附件标注，如“附件1：”。
    #[serde(default)]
    pub attachment_label: Option<String>,
    /// 标题中是否使用简称（001：“市就业服务中心部门决算”）。
    #[serde(default)]
    pub use_short_name: bool,
    /// 文件的各部分，按顺序（缺省：概况、公开表、情况说明、名词解释、附件）。
    #[serde(default = "default_parts")]
    pub parts: Vec<PartSpec>,
    /// 第一部分 的标题与人员情况。
    #[serde(default)]
    pub part1: Part1Spec,
    /// 第二部分 的标题（“第二部分”之后的文字；“{year}”代入年度）。
    #[serde(default = "part2_title")]
    pub part2_title: String,
    /// 第二部分 的表，按出现顺序。
    pub tables: Vec<TableSpec>,
    /// 表式文件 profiles/forms/<名称>.yaml（缺省为内置的“湖南”）：表中没有写 form 的，取其中同编号的表式。
    #[serde(default = "hunan")]
    pub forms: String,
    /// 每张表实际使用的表式及其所在的文件，按表编号（读方案时由 form 与 forms 得出）。
    #[serde(skip)]
    #[schemars(skip)]
    pub table_forms: std::collections::BTreeMap<String, (super::grid::TableForm, std::path::PathBuf)>,
    /// 公开01表、公开04表 始终列出的支出功能分类类级科目（其余按数据列出）。
    #[serde(default)]
    pub fixed_expense_classes: Vec<String>,
    /// 第三部分 五（二）结构情况中即使为 0 也列出的类。
    #[serde(default)]
    pub structure_fixed_classes: Vec<String>,
    /// 收入、支出说明中是否列出金额为 0 的项目（002 列出，001 不列）。
    #[serde(default)]
    pub list_zero_items: bool,
    /// 与上年比较的措辞。
    pub yoy_wording: YoyWording,
    /// 机关运行经费的比较基数。
    pub org_running_cost_base: OrgRunningCostBase,
    /// 数字格式。
    #[serde(default)]
    pub numbers: NumberFormat,
    /// 分母为 0 时的措辞。
    #[serde(default)]
    pub zero_wording: ZeroWording,
    /// 第三部分 的章节。
    pub part3: Vec<SectionSpec>,
    /// 绩效自评表一级指标的分值（如 {产出指标: 60, 效益指标: 30}）；缺省按财预〔2020〕10号（50/30/10，无满意度指标时其 10 分调整到产出和效益）。
    #[serde(default)]
    pub indicator_weights: std::collections::BTreeMap<String, super::Amount>,
    /// 绩效自评表的表式文件 profiles/自评表/<名称>.yaml（缺省为内置的“湖南”；内置的还有“全国”“四川”）；各表可用 form 改用其他表式。
    #[serde(default = "hunan")]
    pub evaluation_forms: String,
    /// 可用的自评表表式（内置的和数据目录 profiles/自评表/ 中的），按名称，连同所在的文件（读方案时得出）。
    #[serde(skip)]
    #[schemars(skip)]
    pub evaluation_form_sets: std::collections::BTreeMap<String, (super::scored_form::ScoredForms, std::path::PathBuf)>,
    /// 第四部分 名词解释，每条一段（含编号）。
    pub glossary: Vec<String>,
}

impl Profile {
    /// The form a self-evaluation table prints with — the one its `form:`
    /// names, else the profile's — and the file it is written in. An
    /// unknown name falls back to the profile's (P-FORM reports it).
    pub fn evaluation_form(
        &self,
        name: Option<&str>,
        overall: bool,
    ) -> (&super::scored_form::ScoredForm, std::path::PathBuf) {
        let set = name
            .and_then(|n| self.evaluation_form_sets.get(n))
            .or_else(|| self.evaluation_form_sets.get(&self.evaluation_forms))
            .expect("the profile's own 自评表 forms are checked when it is read");
        let form = if overall { set.0.overall.as_ref().expect("filled in when read") } else { &set.0.project };
        (form, set.1.clone())
    }
}
