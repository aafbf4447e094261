//! 自评表 forms (`profiles/自评表/*.yaml`): the grid of a 项目支出绩效自评表
//! and of an 整体支出绩效自评表 as data — title lines, columns, blocks of
//! rows (labelled fields, the fund rows with their columns, the indicator
//! columns, the total row), the 一级 weights and the signature line. A
//! province whose form names its fund rows 财政资金/单位资金, prints
//! 指标性质 and 度量单位 in columns of their own or signs with 项目负责人
//! writes a form, not Rust. The ledger computes the figures; the form only
//! says where each one goes.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::Amount;
use super::grid::TrackSize;

/// A forms file: the form of each kind of table.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScoredForms {
    /// 项目支出绩效自评表 的表式。
    pub project: ScoredForm,
    /// 整体支出绩效自评表 的表式（缺省用内置“湖南”的）。
    #[serde(default)]
    pub overall: Option<ScoredForm>,
}

/// One self-evaluation table's form.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScoredForm {
    /// 表名，如“项目支出绩效自评表”；“{year}”代入年度。表没有写 title 时用它。
    pub title: String,
    /// 表名下居中的各行，如 ["（{year}年度）"]。
    #[serde(default)]
    pub subtitle: Vec<String>,
    /// 表上方的报表编号行的开头，如“报表编号：”（其后印表的 number）；不写则不印。
    #[serde(default)]
    pub number_label: Option<String>,
    /// 表上方右侧的单位行，如“金额单位：万元”。
    #[serde(default)]
    pub unit_line: Option<String>,
    /// 列宽，Typst 写法：如 ["4.8em", "1fr", "3em"]。
    pub columns: Vec<TrackSize>,
    /// 表内字号（缺省 9pt）。
    #[serde(default)]
    pub size: Option<TrackSize>,
    /// 表内金额的小数位（缺省按版式方案）。
    #[serde(default)]
    pub money_decimals: Option<u32>,
    /// 表内执行率的小数位（缺省按版式方案）。
    #[serde(default)]
    pub percent_decimals: Option<u32>,
    /// 表内执行率的写法：fixed（100.00%）或 trim（100%）（缺省按版式方案）。
    #[serde(default)]
    pub percent_style: Option<super::PercentStyle>,
    /// 一级指标的分值，如 {产出指标: 50, 效益指标: 30, 满意度指标: 10}；表中写了 weights 的以表为准；
    /// 都没有写时按版式方案的 indicator_weights，再缺省按财预〔2020〕10号（无满意度指标时其 10 分调整到产出和效益）。
    #[serde(default)]
    pub weights: BTreeMap<String, Amount>,
    /// 预算执行率的分值（缺省 10）。
    #[serde(default)]
    pub execution_weight: Option<Amount>,
    /// 表体：依次印出的行块。
    pub body: Vec<FormBlock>,
    /// 表下的签名行，如 [{label: 填表人, field: filler}, {label: 联系电话, field: phone}]。
    #[serde(default)]
    pub signature: Vec<SignatureItem>,
}

/// One labelled blank of the signature line.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SignatureItem {
    /// 印出的称谓，如“填表人”“项目负责人”。
    pub label: String,
    /// 取数据中 signature 的哪一项。
    pub field: SignatureField,
}

/// Which entry of a table's `signature:` fills a blank.
#[derive(Debug, Clone, Copy, Deserialize, schemars::JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum SignatureField {
    /// 填表人。
    Filler,
    /// 填报日期。
    Date,
    /// 联系电话。
    Phone,
    /// 项目负责人。
    ProjectLead,
    /// 财务负责人。
    FinanceLead,
}

/// A block of a form's body.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FormBlock {
    /// 逐格写出的行：表头式文字、左对齐文字、表中的文字项或金额。
    Rows(Vec<Vec<FormCell>>),
    /// 资金部分：左侧标签、各列的表头和每一种资金一行。
    Funds(FundsBlock),
    /// 绩效指标部分：表头（跨页时在新页重印）和每个三级指标一行。
    Indicators(IndicatorsBlock),
    /// 总分行。
    Total(TotalBlock),
}

/// One cell of a `rows` block.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FormCell {
    /// 表头式文字（居中）；换行处断行。
    #[serde(default)]
    pub hd: Option<String>,
    /// 左对齐的文字；与 q 同写时印在金额之前（“其中：基本支出：12.5”）。
    #[serde(default)]
    pub label: Option<String>,
    /// 表中的一项文字（项目名称、主管部门、年度目标……）。
    #[serde(default)]
    pub field: Option<TextField>,
    /// 本表的一个量，写本表的量名之后的部分，如“按收入性质.一般公共预算”（见 gongkai check --list-quantities）。
    #[serde(default)]
    pub q: Option<String>,
    /// 横跨的列数。
    #[serde(default)]
    pub colspan: Option<u16>,
    /// 纵跨的行数（只在本块之内）。
    #[serde(default)]
    pub rowspan: Option<u16>,
}

/// The texts of a table a form can print.
#[derive(Debug, Clone, Copy, Deserialize, schemars::JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum TextField {
    /// 项目名称（整体表：单位名称）。
    Name,
    /// 主管部门。
    Supervising,
    /// 实施单位。
    Implementing,
    /// 年度总体目标 / 项目年度目标。
    Goal,
    /// 实际完成情况 / 年度目标完成情况。
    Achieved,
    /// 项目实施内容及过程概述。
    Content,
    /// 评价结论。
    Conclusion,
    /// 存在问题。
    Problems,
    /// 改进措施。
    Measures,
}

/// The fund rows of a form.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FundsBlock {
    /// 左侧纵跨整块的标签，如“项目资金\n（万元）”。
    pub label: String,
    /// 标签占的列数（缺省 1）。
    #[serde(default)]
    pub label_span: Option<u16>,
    /// 资金名称占的列数。
    pub name_span: u16,
    /// 资金名称一列的表头（缺省空白）。
    #[serde(default)]
    pub name_header: Option<String>,
    /// 金额等各列。
    pub columns: Vec<FundColumn>,
    /// 每一种资金一行，按顺序。
    pub rows: Vec<FundRowSpec>,
    /// 资金行之后、仍在左侧标签之内的行（如整体表的“按收入性质分”），格子写法同 rows 块。
    #[serde(default)]
    pub after: Vec<Vec<FormCell>>,
}

/// One column of the fund rows.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FundColumn {
    /// 印什么。
    pub c: FundValue,
    /// 表头文字。
    pub hd: String,
    /// 横跨的列数（缺省 1）。
    #[serde(default)]
    pub colspan: Option<u16>,
    /// 总额以外的行在本列印的文字（如 "—"、"/"、"" 空白）；不写时：执行率逐行计算，原因逐行印出，分值、得分印“—”。
    #[serde(default)]
    pub na: Option<String>,
}

/// What a fund column prints.
#[derive(Debug, Clone, Copy, Deserialize, schemars::JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum FundValue {
    /// 年初预算数。
    Initial,
    /// 全年预算数（调整后预算数）。
    Annual,
    /// 全年执行数（预算执行数）。
    Executed,
    /// 分值（权重）：预算执行率的分值。
    Weight,
    /// 执行率。
    Rate,
    /// 得分。
    Score,
    /// 原因：总额行印表的 execution_note，其他行印该资金的 reason。
    Reason,
}

/// One fund row.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FundRowSpec {
    /// 哪一种资金：total（总额，各行之和）、current_fiscal、carryover、special_account、other。
    pub source: FundSource,
    /// 印出的名称，如“其中：当年财政拨款”“单位资金”。
    pub label: String,
}

/// A kind of fund of a table (`total` is their sum).
#[derive(Debug, Clone, Copy, Deserialize, schemars::JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum FundSource {
    /// 年度资金总额（各行之和；整体表为 funds）。
    Total,
    /// 当年（本年）财政拨款 / 财政资金：数据的 current_fiscal。
    CurrentFiscal,
    /// 上年结转资金：数据的 carryover。
    Carryover,
    /// 财政专户管理资金：数据的 special_account。
    SpecialAccount,
    /// 其他资金 / 单位资金：数据的 other。
    Other,
}

impl FundSource {
    /// The row's name in the ledger (`<表>.<名>.全年执行数`).
    pub fn ledger_name(self) -> &'static str {
        match self {
            FundSource::Total => "年度资金总额",
            FundSource::CurrentFiscal => "当年财政拨款",
            FundSource::Carryover => "上年结转资金",
            FundSource::SpecialAccount => "财政专户管理资金",
            FundSource::Other => "其他资金",
        }
    }
}

/// The indicator rows of a form.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IndicatorsBlock {
    /// 左侧纵跨全部指标行的标签，如“绩\n效\n指\n标”（不写则没有这一列）。
    #[serde(default)]
    pub label: Option<String>,
    /// 各列（跨页时表头在新页重印）。
    pub columns: Vec<IndicatorColumn>,
    /// 一级指标后印其分值：“产出指标（50分）”。
    #[serde(default)]
    pub level1_weight: bool,
    /// 每个二级指标至少占的行数（不足时补空行，缺省 1）。
    #[serde(default)]
    pub min_rows: Option<u16>,
}

/// One indicator column.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IndicatorColumn {
    pub c: IndicatorValue,
    /// 表头文字。
    pub hd: String,
    /// 横跨的列数（缺省 1）。
    #[serde(default)]
    pub colspan: Option<u16>,
}

/// What an indicator column prints.
#[derive(Debug, Clone, Copy, Deserialize, schemars::JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum IndicatorValue {
    /// 一级指标。
    Level1,
    /// 二级指标。
    Level2,
    /// 三级指标。
    Name,
    /// 年度指标值，指标性质、指标值和度量单位连写（“≥50个”）；数据只写了 target 时照印。
    Target,
    /// 指标性质（=、≥、≤、>、<、定性）。
    Nature,
    /// 指标值（不带性质和单位）。
    Value,
    /// 度量单位。
    Unit,
    /// 实际完成值（带度量单位）。
    Actual,
    /// 完成值（不带度量单位）。
    ActualValue,
    /// 分值（权重）。
    Weight,
    /// 得分。
    Score,
    /// 偏差原因分析及改进措施。
    Note,
}

/// The total row.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TotalBlock {
    /// 标签，如“总分”“合计”。
    pub label: String,
    /// 标签横跨的列数。
    pub colspan: u16,
    /// 标签之后的各格：weight（分值合计）、score（总分）或 blank。
    pub columns: Vec<TotalColumn>,
}

/// One cell of the total row after its label.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TotalColumn {
    pub c: TotalValue,
    #[serde(default)]
    pub colspan: Option<u16>,
}

/// What a total-row cell prints.
#[derive(Debug, Clone, Copy, Deserialize, schemars::JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum TotalValue {
    /// 分值合计。
    Weight,
    /// 总分。
    Score,
    /// 空白。
    Blank,
}

fn span(s: Option<u16>) -> usize {
    s.unwrap_or(1).max(1) as usize
}

impl FormCell {
    pub fn colspan(&self) -> usize {
        span(self.colspan)
    }
    pub fn rowspan(&self) -> usize {
        span(self.rowspan)
    }
}

impl FundsBlock {
    pub fn label_span(&self) -> usize {
        span(self.label_span)
    }
}

impl FundColumn {
    pub fn colspan(&self) -> usize {
        span(self.colspan)
    }
}

impl IndicatorColumn {
    pub fn colspan(&self) -> usize {
        span(self.colspan)
    }
}

impl TotalColumn {
    pub fn colspan(&self) -> usize {
        span(self.colspan)
    }
}

impl ScoredForm {
    /// Checks that every row of every block fills the grid exactly (a
    /// misfit row would shift every later cell) and that the form has one
    /// indicator block.
    pub fn check(&self) -> Result<(), String> {
        let n = self.columns.len();
        if n == 0 {
            return Err("columns 为空：至少要有一列".into());
        }
        let indicators = self.body.iter().filter(|b| matches!(b, FormBlock::Indicators(_))).count();
        if indicators != 1 {
            return Err(format!("表体要有且只有一个 indicators 块（现有 {indicators} 个）"));
        }
        for (b, block) in self.body.iter().enumerate() {
            let at = |what: String| format!("body 第 {} 块（{what}）", b + 1);
            let width = |what: &str, w: usize| {
                if w == n { Ok(()) } else { Err(at(format!("{what}共 {w} 列，应为 {n} 列"))) }
            };
            match block {
                FormBlock::Rows(rows) => {
                    fill_rows(rows, n).map_err(|e| at(format!("rows：{e}")))?;
                    check_cells(rows).map_err(|e| at(format!("rows：{e}")))?;
                }
                FormBlock::Funds(f) => {
                    let cols: usize = f.columns.iter().map(FundColumn::colspan).sum();
                    width("funds 的标签、名称和各列", f.label_span() + f.name_span.max(1) as usize + cols)?;
                    if !f.rows.iter().any(|r| r.source == FundSource::Total) {
                        return Err(at("funds 要有一行 source: total（年度资金总额）".into()));
                    }
                    if !f.after.is_empty() {
                        fill_rows(&f.after, n - f.label_span())
                            .map_err(|e| at(format!("funds.after（标签之后的 {} 列）：{e}", n - f.label_span())))?;
                        check_cells(&f.after).map_err(|e| at(format!("funds.after：{e}")))?;
                    }
                }
                FormBlock::Indicators(i) => {
                    let cols: usize = i.columns.iter().map(IndicatorColumn::colspan).sum();
                    width("indicators 的标签和各列", usize::from(i.label.is_some()) + cols)?;
                    let first: Vec<IndicatorValue> = i.columns.iter().take(2).map(|c| c.c).collect();
                    if first != [IndicatorValue::Level1, IndicatorValue::Level2] {
                        return Err(at(
                            "indicators 的前两列（标签之后）应为 level1（一级指标）、level2（二级指标）".into()
                        ));
                    }
                    if i.columns.iter().take(2).any(|c| c.colspan() > 1) {
                        return Err(at("indicators 的一级、二级指标列只占一列（不写 colspan）".into()));
                    }
                    for needed in [IndicatorValue::Level1, IndicatorValue::Level2, IndicatorValue::Name] {
                        if !i.columns.iter().any(|c| c.c == needed) {
                            return Err(at(format!("indicators 缺少 {needed:?} 列（一级、二级、三级指标都要印）")));
                        }
                    }
                }
                FormBlock::Total(t) => {
                    let cols: usize = t.columns.iter().map(TotalColumn::colspan).sum();
                    width("total 的标签和各格", t.colspan.max(1) as usize + cols)?;
                }
            }
        }
        Ok(())
    }
}

/// Each row, with the columns cells from rows above still take, fills `n`
/// columns exactly, and no cell reaches below the block.
fn fill_rows(rows: &[Vec<FormCell>], n: usize) -> Result<(), String> {
    let mut taken = vec![0usize; n];
    for (k, row) in rows.iter().enumerate() {
        let busy = taken.iter().filter(|t| **t > 0).count();
        let own: usize = row.iter().map(FormCell::colspan).sum();
        if own + busy != n {
            let first = row.first().map(describe).unwrap_or_default();
            let above =
                if busy > 0 { format!("（另有 {busy} 列被上面纵跨的格子占着）") } else { String::new() };
            return Err(format!("第 {} 行（{first}……）的格子共 {own} 列{above}，应为 {} 列", k + 1, n - busy));
        }
        let mut x = 0;
        for c in row {
            while taken[x] > 0 {
                x += 1;
            }
            if c.rowspan() > rows.len() - k {
                return Err(format!("第 {} 行的“{}”纵跨 {} 行，超出了本块", k + 1, describe(c), c.rowspan()));
            }
            taken[x..x + c.colspan()].iter_mut().for_each(|t| *t = c.rowspan());
            x += c.colspan();
        }
        taken.iter_mut().for_each(|t| *t = t.saturating_sub(1));
    }
    Ok(())
}

/// A cell as a user would recognise it in its form file.
fn describe(c: &FormCell) -> String {
    c.hd.clone()
        .or(c.label.clone())
        .or(c.q.clone())
        .or(c.field.map(|f| format!("field: {f:?}").to_lowercase()))
        .unwrap_or_default()
        .replace('\n', "")
}

/// A cell says one thing: header text, a field, or a label with or without an amount.
fn check_cells(rows: &[Vec<FormCell>]) -> Result<(), String> {
    for c in rows.iter().flatten() {
        let kinds = [c.hd.is_some(), c.field.is_some(), c.q.is_some() || c.label.is_some()];
        if kinds.iter().filter(|k| **k).count() > 1 {
            return Err("一个格子只能写 hd、field、label/q 中的一种".into());
        }
    }
    Ok(())
}
