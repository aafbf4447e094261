//! `<year>/决算.yaml`: one unit's 部门决算 data for one year
//! (layouts.md §4.3.2). Users enter 项-level (7-digit) rows only; 类 and 款
//! rows, every total and every narrative number are computed. A 3- or
//! 5-digit row, if entered (for example copied from the 决算 software), is
//! checked against the computed one, never used.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{Amount, Loc};

/// A 功能分类 or 经济分类 code as written, with its position.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Code {
    pub code: String,
    pub at: Loc,
}

impl schemars::JsonSchema for Code {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Code".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "科目编码：类 3 位、款 5 位、项 7 位（建议加引号，如 \"2080106\"）",
            "anyOf": [{"type": "string", "pattern": "^[0-9]{3}([0-9]{2}){0,2}$"}, {"type": "integer"}]
        })
    }
}

/// The whole 决算.yaml file.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FinalAccounts {
    /// 决算年度（须与所在文件夹名一致）。
    pub year: u16,
    /// 本年度使用的版式方案；缺省用 单位.yaml 中的 profile。
    #[serde(default)]
    pub profile: Option<String>,
    /// 公开（或填报）日期，如 2024-06-30：写入 PDF 的文档日期（生成 PDF/A 时必填）。
    #[serde(default)]
    pub publish_date: Option<super::Date>,
    /// 本文件金额的单位：万元、元 或 亿元（gongkai new 写明；缺省按万元）。换算是精确的。
    #[serde(default)]
    pub unit: Option<crate::money::Unit>,
    /// 公开02表 收入：按支出功能分类项级科目填列。
    #[serde(default)]
    pub income: Vec<IncomeRow>,
    /// 公开03表/公开05表 支出：按支出功能分类项级科目填列。
    #[serde(default)]
    pub expense: Vec<ExpenseRow>,
    /// 公开08表 政府性基金预算财政拨款收支（无则省略）。
    #[serde(default)]
    pub gov_fund: Vec<GovFundRow>,
    /// 公开09表 国有资本经营预算财政拨款支出（无则省略）。
    #[serde(default)]
    pub soe: Vec<SoeRow>,
    /// 公开06表 一般公共预算财政拨款基本支出：经济分类款级编码 → 决算数。
    #[serde(default)]
    pub basic_by_econ: BTreeMap<String, Amount>,
    /// 公开07表 “三公”经费及其说明所需数字。
    #[serde(default)]
    pub three_public: ThreePublic,
    /// 公开01表/公开04表 结转结余等项目。
    #[serde(default)]
    pub balances: Balances,
    /// 上年数：上一年度数据不在仓库中时填写（有上年 决算.yaml 时从中计算）。
    #[serde(default)]
    pub previous: Option<PreviousYear>,
    /// 机关运行经费年初预算数（方案按年初预算比较时使用）。
    #[serde(default)]
    pub org_running_cost_budget: Option<Amount>,
    /// 各项变动原因（第三部分中只有原因由用户填写）。
    #[serde(default)]
    pub reasons: Reasons,
    /// 一般性支出（会议费、培训费、节庆论坛等）。
    #[serde(default)]
    pub general_spending: GeneralSpending,
    /// 政府采购支出。
    #[serde(default)]
    pub procurement: Procurement,
    /// 国有资产占用情况。
    #[serde(default)]
    pub assets: Assets,
    /// 预算绩效情况。
    #[serde(default)]
    pub performance: Performance,
    /// 用户录入的合计数（可选，仅用于审核，与计算值比对）。
    #[serde(default)]
    pub declared: Declared,
    /// 人员情况（版式方案 part1.staff 为 true 时印在第一部分）。
    #[serde(default)]
    pub staff: Option<StaffCounts>,
    /// 版式方案中 kind: text 的部分的文字，按其 key；每项为若干段。
    #[serde(default)]
    pub texts: BTreeMap<String, Vec<String>>,
}

/// 人员情况（年末人数）。
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffCounts {
    /// 编制数。
    #[serde(default)]
    pub authorized: u32,
    /// 在职人数。
    #[serde(default)]
    pub active: u32,
    /// 派遣人数。
    #[serde(default)]
    pub dispatched: u32,
    /// 退休人数。
    #[serde(default)]
    pub retired: u32,
}

/// One 项 row of 公开02表 (收入决算表).
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IncomeRow {
    /// 功能分类科目编码。
    pub code: Code,
    /// 科目名称（可省略，缺省取分类目录中的名称）。
    #[serde(default)]
    pub name: Option<String>,
    /// 一般公共预算财政拨款收入。
    #[serde(default)]
    pub fiscal: Option<Amount>,
    /// 政府性基金预算财政拨款收入。
    #[serde(default)]
    pub gov_fund: Option<Amount>,
    /// 国有资本经营预算财政拨款收入（湖南的表没有此栏；中央和云南的表有）。
    #[serde(default)]
    pub soe_fiscal: Option<Amount>,
    /// 上级补助收入。
    #[serde(default)]
    pub superior: Option<Amount>,
    /// 事业收入。
    #[serde(default)]
    pub business: Option<Amount>,
    /// 经营收入。
    #[serde(default)]
    pub operating: Option<Amount>,
    /// 附属单位上缴收入。
    #[serde(default)]
    pub affiliated: Option<Amount>,
    /// 其他收入。
    #[serde(default)]
    pub other: Option<Amount>,
    /// 本年收入合计（可选；填写时与各栏之和比对）。
    #[serde(default)]
    pub total: Option<Amount>,
}

/// One 项 row of 公开03表 and 公开05表.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpenseRow {
    /// 功能分类科目编码。
    pub code: Code,
    /// 科目名称（可省略）。
    #[serde(default)]
    pub name: Option<String>,
    /// 基本支出（全部资金）。
    #[serde(default)]
    pub basic: Option<Amount>,
    /// 项目支出（全部资金）。
    #[serde(default)]
    pub project: Option<Amount>,
    /// 上缴上级支出。
    #[serde(default)]
    pub remit_superior: Option<Amount>,
    /// 经营支出。
    #[serde(default)]
    pub operating: Option<Amount>,
    /// 对附属单位补助支出。
    #[serde(default)]
    pub affiliated: Option<Amount>,
    /// 本年支出合计（可选；填写时与各栏之和比对）。
    #[serde(default)]
    pub total: Option<Amount>,
    /// 一般公共预算财政拨款基本支出（公开05表）。
    #[serde(default)]
    pub fiscal_basic: Option<Amount>,
    /// 一般公共预算财政拨款项目支出（公开05表）。
    #[serde(default)]
    pub fiscal_project: Option<Amount>,
    /// 一般公共预算财政拨款年初预算数（第三部分 五（三））。
    #[serde(default)]
    pub fiscal_initial_budget: Option<Amount>,
    /// 决算数与年初预算数差异的主要原因（五（三））。
    #[serde(default)]
    pub reason: Option<String>,
}

/// One 项 row of 公开08表.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GovFundRow {
    pub code: Code,
    #[serde(default)]
    pub name: Option<String>,
    /// 年初结转和结余。
    #[serde(default)]
    pub opening: Option<Amount>,
    /// 本年收入。
    #[serde(default)]
    pub income: Option<Amount>,
    /// 本年支出 基本支出。
    #[serde(default)]
    pub basic: Option<Amount>,
    /// 本年支出 项目支出。
    #[serde(default)]
    pub project: Option<Amount>,
}

/// One 项 row of 公开09表.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SoeRow {
    pub code: Code,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub basic: Option<Amount>,
    #[serde(default)]
    pub project: Option<Amount>,
}

/// The four 三公 items.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ThreePublicItems {
    /// 因公出国（境）费。
    #[serde(default)]
    pub abroad: Option<Amount>,
    /// 公务用车购置费。
    #[serde(default)]
    pub car_purchase: Option<Amount>,
    /// 公务用车运行（维护）费。
    #[serde(default)]
    pub car_running: Option<Amount>,
    /// 公务接待费。
    #[serde(default)]
    pub reception: Option<Amount>,
}

/// Reasons for one 三公 item (七（一）).
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemReasons {
    /// 决算数与预算数差异的主要原因。
    #[serde(default)]
    pub vs_budget: Option<String>,
    /// 与上年相比增减（或持平）的主要原因。
    #[serde(default)]
    pub vs_previous: Option<String>,
}

/// 公开07表 and the numbers of 第三部分 七.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ThreePublic {
    /// 预算数（全年预算数）。
    #[serde(default)]
    pub budget: ThreePublicItems,
    /// 决算数。
    #[serde(default)]
    pub actual: ThreePublicItems,
    /// 因公出国（境）团组数（个）。
    #[serde(default)]
    pub abroad_groups: u32,
    /// 因公出国（境）人次。
    #[serde(default)]
    pub abroad_persons: u32,
    /// 因公出国（境）开支内容（可省略）。
    #[serde(default)]
    pub abroad_content: Option<String>,
    /// 接待来访团组数（个）。
    #[serde(default)]
    pub reception_groups: u32,
    /// 接待来宾人次。
    #[serde(default)]
    pub reception_persons: u32,
    /// 公务接待主要内容，如“市、县就业局业务往来”。
    #[serde(default)]
    pub reception_purpose: Option<String>,
    /// 开支财政拨款的公务用车保有量（辆）。
    #[serde(default)]
    pub cars_in_service: u32,
    /// 公务用车运行维护费说明，如“无公务用车运行维护支出”。
    #[serde(default)]
    pub car_note: Option<String>,
    /// 各项原因。
    #[serde(default)]
    pub reasons: ThreePublicReasons,
}

/// Reasons per 三公 item and for the total.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ThreePublicReasons {
    #[serde(default)]
    pub total: ItemReasons,
    #[serde(default)]
    pub abroad: ItemReasons,
    #[serde(default)]
    pub reception: ItemReasons,
    /// 公务用车购置费及运行维护费。
    #[serde(default)]
    pub car: ItemReasons,
}

/// Carry-over and balance items of 公开01表 and 公开04表.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Balances {
    /// 用事业基金弥补收支差额。
    #[serde(default)]
    pub use_of_business_fund: Option<Amount>,
    /// 年初结转和结余。
    #[serde(default)]
    pub opening: Option<Amount>,
    /// 结余分配。
    #[serde(default)]
    pub surplus_distribution: Option<Amount>,
    /// 年末结转和结余（可选；填写时与计算值比对）。
    #[serde(default)]
    pub closing: Option<Amount>,
    /// 年初财政拨款结转和结余：一般公共预算财政拨款。
    #[serde(default)]
    pub opening_fiscal: Option<Amount>,
    /// 年初财政拨款结转和结余：政府性基金预算财政拨款。
    #[serde(default)]
    pub opening_gov_fund: Option<Amount>,
}

/// Last year's figures, for the year-over-year sentences.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PreviousYear {
    /// 上年收、支总计。
    #[serde(default)]
    pub total: Option<Amount>,
    /// 上年财政拨款收、支总计。
    #[serde(default)]
    pub fiscal_total: Option<Amount>,
    /// 上年一般公共预算财政拨款支出。
    #[serde(default)]
    pub fiscal_expense: Option<Amount>,
    /// 上年“三公”经费决算数。
    #[serde(default)]
    pub three_public: Option<ThreePublicItems>,
    /// 上年机关运行经费。
    #[serde(default)]
    pub org_running_cost: Option<Amount>,
}

/// The reasons users write; every number around them is computed.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Reasons {
    /// 一、收支总计增减原因。
    #[serde(default)]
    pub total_change: Option<String>,
    /// 四、财政拨款收支总计增减原因。
    #[serde(default)]
    pub fiscal_change: Option<String>,
    /// 五（一）财政拨款支出增减原因。
    #[serde(default)]
    pub fiscal_expense_change: Option<String>,
    /// 机关运行经费增减原因。
    #[serde(default)]
    pub org_running_cost: Option<String>,
}

/// 会议费 / 培训费.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Gathering {
    #[serde(default)]
    pub amount: Option<Amount>,
    /// 名称，如“全市就业中心主任座谈会议”（句子写作“用于召开全市就业中心主任座谈会议”）。
    #[serde(default)]
    pub name: Option<String>,
    /// 次数。
    #[serde(default)]
    pub count: u32,
    /// 人数。
    #[serde(default)]
    pub persons: u32,
    /// 内容。
    #[serde(default)]
    pub content: Option<String>,
}

/// 一般性支出.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GeneralSpending {
    #[serde(default)]
    pub meetings: Gathering,
    #[serde(default)]
    pub trainings: Gathering,
    /// 节庆、晚会、论坛、赛事活动。
    #[serde(default)]
    pub events: Gathering,
}

/// 政府采购.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Procurement {
    /// 政府采购货物支出。
    #[serde(default)]
    pub goods: Option<Amount>,
    /// 政府采购工程支出。
    #[serde(default)]
    pub works: Option<Amount>,
    /// 政府采购服务支出。
    #[serde(default)]
    pub services: Option<Amount>,
    /// 授予中小企业合同金额。
    #[serde(default)]
    pub sme: Option<Amount>,
    /// 其中授予小微企业合同金额。
    #[serde(default)]
    pub small_micro: Option<Amount>,
}

/// Vehicles by use.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Vehicles {
    #[serde(default)]
    pub leaders: u32,
    #[serde(default)]
    pub confidential: u32,
    #[serde(default)]
    pub emergency: u32,
    #[serde(default)]
    pub law_enforcement: u32,
    #[serde(default)]
    pub special: u32,
    #[serde(default)]
    pub other: u32,
}

/// 国有资产占用.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Assets {
    #[serde(default)]
    pub vehicles: Vehicles,
    /// 其他用车说明（无则“无”）。
    #[serde(default)]
    pub other_vehicles_note: Option<String>,
    /// 单位价值50万元以上通用设备（台、套）。
    #[serde(default)]
    pub general_equipment: u32,
    /// 单位价值100万元以上专用设备（台、套）。
    #[serde(default)]
    pub special_equipment: u32,
}

/// 预算绩效情况.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Performance {
    /// 本年度重点项目支出。
    #[serde(default)]
    pub key_project_spending: Option<Amount>,
    /// 自由撰写的绩效情况说明，每项一段。
    #[serde(default)]
    pub paragraphs: Vec<String>,
}

/// Totals the user typed in (optional), compared with the computed ones.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Declared {
    /// 第三部分 五（三）开头所述财政拨款年初预算总数。
    #[serde(default)]
    pub fiscal_initial_budget: Option<Amount>,
    /// 已公布（或另行填写）的数字，逐项与计算值比对：键为 `gongkai check --list-quantities` 列出的量，
    /// 值为金额、百分数（如 "24.78%"）或 null（表示原文空白）。
    #[serde(default)]
    pub stated: std::collections::BTreeMap<String, super::Stated>,
}
