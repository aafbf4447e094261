//! 绩效自评: computes what the self-evaluation documents print — 执行率,
//! 预算执行得分, 总分, 一级 weights, 年度资金总额, 基础数据表 totals,
//! 控制率, fund balances and completion rates, and the number-determined
//! paragraphs of the reports — taking 基本支出, 项目支出 and 三公 from the
//! same unit-year's 决算 data when it exists, so the documents cannot
//! disagree. Public entries: [`evaluate`], [`check`], [`report_view`].

use std::path::Path;

use serde::Serialize;

use crate::derive::{Derived, ThreePublicRow, zh_number};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{
    Amount, ComputedKey, Content, EconItem, ExecutionRateBase, FinalAccounts, Fund, FundRow, IndicatorGroup, Loc,
    NamedAmount, PerformanceFile, Report, ReportKind, Section, ThreeColumns, Unit, val,
};
use crate::money::{Money, Ratio};

/// The weight of the 预算执行 row and of each 一级 indicator (财预〔2020〕10号).
pub const EXECUTION_WEIGHT: i64 = 10;
pub const LEVEL1_WEIGHTS: &[(&str, i64)] = &[("产出指标", 50), ("效益指标", 30), ("满意度指标", 10)];

fn m(i: i64) -> Money {
    Money(rust_decimal::Decimal::from(i))
}

/// A scored table (整体 or 项目): funds, execution and indicators.
#[derive(Debug, Clone)]
pub struct Scored {
    pub initial: Money,
    pub annual: Money,
    pub executed: Money,
    /// 执行率, absent when its base is zero.
    pub rate: Option<Ratio>,
    /// Which base the rate used.
    pub base: ExecutionRateBase,
    pub execution_score: Money,
    /// The computed score (分值 × 执行率, capped at 分值).
    pub computed_execution_score: Option<Money>,
    /// Σ 分值 per 一级, in order of appearance.
    pub level1_weights: Vec<(String, Money)>,
    pub total_weight: Money,
    pub total_score: Money,
}

/// Everything computed for one unit-year's 绩效自评.
#[derive(Debug, Clone)]
pub struct Evaluation {
    pub year: u16,
    pub basic_actual: Option<Money>,
    pub project_actual: Option<Money>,
    pub three_public_budget: Option<ThreePublicRow>,
    pub three_public_actual: Option<ThreePublicRow>,
    pub three_public_previous: Option<ThreePublicRow>,
    pub overall: Option<Scored>,
    pub projects: Vec<Scored>,
    /// 机关运行/公用经费 from 公开06 (for the 基础数据表 check).
    pub public_cost: Option<Money>,
}

fn scored(
    base: ExecutionRateBase,
    initial: Money,
    annual: Money,
    executed: Money,
    entered: Option<Amount>,
    groups: &[IndicatorGroup],
) -> Scored {
    let rate = match base {
        ExecutionRateBase::Annual => Ratio::of(executed, annual),
        ExecutionRateBase::Initial if !initial.is_zero() => Ratio::of(executed, initial),
        ExecutionRateBase::Initial => Ratio::of(executed, annual),
    };
    let computed = rate.map(|r| {
        let s = Money(
            (m(EXECUTION_WEIGHT).0 * r.value())
                .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero),
        );
        if s > m(EXECUTION_WEIGHT) { m(EXECUTION_WEIGHT) } else { s }
    });
    let execution_score = entered.map(|a| a.value).or(computed).unwrap_or_default();
    let mut level1: Vec<(String, Money)> = Vec::new();
    let mut total_score = execution_score;
    for g in groups {
        let w = g.weight.map(|a| a.value).unwrap_or_else(|| g.rows.iter().map(|r| val(&r.weight)).sum());
        let s = g.score.map(|a| a.value).unwrap_or_else(|| g.rows.iter().map(|r| val(&r.score)).sum());
        total_score = total_score + s;
        match level1.iter_mut().find(|(n, _)| *n == g.level1) {
            Some(e) => e.1 = e.1 + w,
            None => level1.push((g.level1.clone(), w)),
        }
    }
    let total_weight = m(EXECUTION_WEIGHT) + level1.iter().map(|(_, w)| *w).sum::<Money>();
    Scored {
        initial,
        annual,
        executed,
        rate,
        base,
        execution_score,
        computed_execution_score: computed,
        level1_weights: level1,
        total_weight,
        total_score,
    }
}

fn fund_total(rows: &[&FundRow]) -> (Money, Money, Money) {
    (
        rows.iter().map(|r| val(&r.initial)).sum(),
        rows.iter().map(|r| val(&r.annual)).sum(),
        rows.iter().map(|r| val(&r.executed)).sum(),
    )
}

/// Computes the evaluation of one unit-year.
pub fn evaluate(_unit: &Unit, p: &PerformanceFile, fa: Option<&FinalAccounts>, d: Option<&Derived>) -> Evaluation {
    let n = &p.numbers;
    let basic_actual = d.map(|d| d.expense.total[1]).or(n.basic_actual.map(|a| a.value));
    let project_actual = d.map(|d| d.expense.total[2]).or(n.project_actual.map(|a| a.value));
    let (tpb, tpa, tpp) = match (fa, d) {
        (Some(fa), Some(d)) => (
            Some(d.three_public_budget.clone()),
            Some(d.three_public_actual.clone()),
            fa.previous.as_ref().and_then(|p| p.three_public.as_ref()).map(ThreePublicRow::from_items),
        ),
        _ => match &n.three_public {
            Some(t) => (
                Some(ThreePublicRow::from_items(&t.budget)),
                Some(ThreePublicRow::from_items(&t.actual)),
                t.previous.as_ref().map(ThreePublicRow::from_items),
            ),
            None => (None, None, None),
        },
    };
    let overall = p.overall.as_ref().map(|o| {
        scored(
            p.execution_rate_base,
            val(&o.funds.initial),
            val(&o.funds.annual),
            val(&o.funds.executed),
            o.execution_score,
            &o.indicators,
        )
    });
    let projects = p
        .projects
        .iter()
        .map(|t| {
            let (i, a, e) = fund_total(&[&t.current_fiscal, &t.carryover, &t.other]);
            scored(p.execution_rate_base, i, a, e, t.execution_score, &t.indicators)
        })
        .collect();
    Evaluation {
        year: p.year,
        basic_actual,
        project_actual,
        three_public_budget: tpb,
        three_public_actual: tpa,
        three_public_previous: tpp,
        overall,
        projects,
        public_cost: d.map(|d| d.econ.public),
    }
}

/// The 绩效自评 rules (layouts.md §3.4–3.5).
pub fn check(file: &Path, p: &PerformanceFile, e: &Evaluation) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    // Findings that carry expected/actual values; `push` takes messages only.
    let mut with_values: Vec<Diagnostic> = Vec::new();
    let mut push =
        |rule: &'static str, sev: Severity, at: Loc, msg: String| out.push(Diagnostic::new(rule, sev, file, at, msg));
    let mut tables: Vec<(String, &[IndicatorGroup], &Scored, Option<Amount>)> = Vec::new();
    if let (Some(o), Some(s)) = (&p.overall, &e.overall) {
        tables.push((o.title.clone(), &o.indicators, s, o.execution_score));
    }
    for (t, s) in p.projects.iter().zip(&e.projects) {
        tables.push((format!("项目支出绩效自评表“{}”", t.name), &t.indicators, s, t.execution_score));
    }
    for (name, groups, s, entered) in tables {
        let at = groups
            .first()
            .and_then(|g| g.rows.first())
            .and_then(|r| r.weight.or(r.score))
            .map(|a| a.at)
            .or_else(|| groups.first().and_then(|g| g.weight).map(|a| a.at))
            .unwrap_or_default();
        for (l1, w) in &s.level1_weights {
            if let Some((_, want)) = LEVEL1_WEIGHTS.iter().find(|(n, _)| l1.starts_with(n))
                && *w != m(*want)
            {
                push(
                    "P-2",
                    Severity::Error,
                    at,
                    format!("{name}：{l1} 下各二级指标分值之和为 {}，应为 {want}", w.trimmed()),
                );
            }
        }
        if s.total_weight != m(100) {
            push(
                "P-1",
                Severity::Error,
                at,
                format!("{name}：分值合计为 {}（预算执行 10 + 各指标），应为 100", s.total_weight.trimmed()),
            );
        }
        for g in groups {
            let gw = g.weight.map(|a| a.value);
            if let (Some(w), Some(sc)) = (gw, g.score)
                && sc.value > w
            {
                push(
                    "P-4",
                    Severity::Error,
                    sc.at,
                    format!("{name}：{} 得分 {} 超过分值 {}", g.level2, sc.value.trimmed(), w.trimmed()),
                );
            }
            for r in &g.rows {
                if let (Some(w), Some(sc)) = (r.weight, r.score)
                    && sc.value > w.value
                {
                    push(
                        "P-4",
                        Severity::Error,
                        sc.at,
                        format!("{name}：“{}”得分 {} 超过分值 {}", r.name, sc.value.trimmed(), w.value.trimmed()),
                    );
                }
            }
        }
        match (entered, s.computed_execution_score) {
            (Some(a), Some(c)) if a.value != c => push(
                "P-6",
                Severity::Warning,
                a.at,
                format!(
                    "{name}：预算执行得分填写为 {}，按“分值 × 执行率”计算为 {}（执行率 {}%）",
                    a.value.trimmed(),
                    c.trimmed(),
                    s.rate.map(|r| r.percent(2)).unwrap_or_default()
                ),
            ),
            _ => {}
        }
    }
    // A fund paragraph must name one of `funds:` (it would print a note).
    for r in &p.reports {
        for name in r.computed_keys().into_iter().filter_map(ComputedKey::fund) {
            if !p.funds.iter().any(|f| f.name == name) {
                let known: Vec<&str> = p.funds.iter().map(|f| f.name.as_str()).collect();
                push(
                    "P-FUND",
                    Severity::Error,
                    Loc::default(),
                    format!(
                        "计算段落 fund:{name} 找不到名为“{name}”的基金（funds: 中有：{}）",
                        if known.is_empty() { "无".to_string() } else { known.join("、") }
                    ),
                );
            }
        }
    }
    if let Some(o) = &p.overall {
        let init = val(&o.funds.initial);
        let by_income = val(&o.by_income.general_budget)
            + val(&o.by_income.gov_fund)
            + val(&o.by_income.special_account)
            + val(&o.by_income.other);
        let by_expense = val(&o.by_expense.basic) + val(&o.by_expense.project);
        let at = o.funds.initial.map(|a| a.at).unwrap_or_default();
        for (sum, nature) in [(by_income, "收入"), (by_expense, "支出")] {
            if !sum.is_zero() && sum != init {
                with_values.push(
                    Diagnostic::new(
                        "P-9",
                        Severity::Error,
                        file,
                        at,
                        format!(
                            "{}：年初预算数 {} ≠ 按{nature}性质分之和 {}",
                            o.title,
                            init.as_entered(),
                            sum.trimmed()
                        ),
                    )
                    .with_values(sum.trimmed(), init.as_entered(), (init - sum).signed()),
                );
            }
        }
    }
    if let Some(b) = &p.basic_data {
        let special: Money = b.special_funds.iter().map(|f| val(&f.actual)).sum();
        let project_rows = special
            + [&b.business_funds, &b.operation_funds, &b.other_funds].iter().map(|c| column(c, 2)).sum::<Money>();
        let at = b.special_funds.first().and_then(|f| f.actual).map(|a| a.at).unwrap_or_default();
        if let Some(pa) = e.project_actual
            && !project_rows.is_zero()
            && project_rows != pa
        {
            let d = Diagnostic::new(
                "B-8",
                Severity::Error,
                file,
                at,
                format!(
                    "基础数据表 项目支出{}年决算数 {} ≠ 部门决算 项目支出 {}（差 {}）",
                    e.year,
                    project_rows.trimmed(),
                    pa.trimmed(),
                    (project_rows - pa).abs().trimmed()
                ),
            )
            .with_values(pa.trimmed(), project_rows.trimmed(), (project_rows - pa).signed());
            with_values.push(d);
        }
        if let (Some(pc), Some(entered)) = (e.public_cost, b.public_cost.actual)
            && pc != entered.value
        {
            push(
                "B-6",
                Severity::Error,
                entered.at,
                format!(
                    "基础数据表 公用经费{}年决算数 {} ≠ 公开06表 公用经费合计 {}",
                    e.year,
                    entered.value.as_entered(),
                    pc.trimmed()
                ),
            );
        }
        // P-12: a project's table and its 专项 row agree.
        for (t, s) in p.projects.iter().zip(&e.projects) {
            if let Some(f) = b.special_funds.iter().find(|f| f.name == t.name)
                && let Some(a) = f.actual
                && a.value != s.executed
            {
                push(
                    "P-12",
                    Severity::Error,
                    a.at,
                    format!(
                        "基础数据表 “{}” 决算数 {} ≠ 项目支出绩效自评表 全年执行数 {}",
                        t.name,
                        a.value.as_entered(),
                        s.executed.trimmed()
                    ),
                );
            }
        }
    }
    // Economic breakdowns against the stated actuals.
    for (what, items, actual) in [
        ("基本支出", &p.numbers.basic_by_econ, e.basic_actual),
        ("项目支出", &p.numbers.project_by_econ, e.project_actual),
    ] {
        if items.is_empty() {
            continue;
        }
        let sum: Money = items.iter().map(|i| i.amount.value).sum();
        if let Some(a) = actual {
            let diff = (sum - a).abs();
            if !diff.is_zero() {
                // A figure printed with fewer decimals is compared at that precision.
                let scale = a.0.scale().min(2);
                let rounded = sum.0.round_dp_with_strategy(scale, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
                let sev = if rounded == a.0 || diff <= Money::parse("0.01").expect("literal") {
                    Severity::Warning
                } else {
                    Severity::Error
                };
                push(
                    "N-ECON",
                    sev,
                    items[0].amount.at,
                    format!(
                        "{what}按经济分类各项之和 {} ≠ {what}实际数 {}（差 {}）",
                        sum.trimmed(),
                        a.trimmed(),
                        diff.trimmed()
                    ),
                );
            }
        }
        for i in items {
            if i.items.is_empty() {
                continue;
            }
            let s: Money = i.items.iter().map(|x| x.amount.value).sum();
            if s > i.amount.value {
                push(
                    "N-ECON",
                    Severity::Error,
                    i.amount.at,
                    format!("{what} {} 的其中明细之和 {} 超过其金额 {}", i.name, s.trimmed(), i.amount.value.trimmed()),
                );
            }
        }
    }
    out.extend(with_values);
    out
}

// ---------------------------------------------------------------- views

/// One numbered heading or paragraph of a report, in reading order.
#[derive(Debug, Clone, Serialize)]
pub struct Block {
    /// heading, p, three_public_table.
    pub kind: &'static str,
    /// Heading depth (0 = 一、).
    pub level: usize,
    pub number: String,
    pub text: String,
    /// For a run-in heading: the paragraph that follows on the same line.
    pub rest: String,
    pub rows: Vec<Vec<String>>,
}

impl Block {
    fn p(text: String) -> Block {
        Block { kind: "p", level: 0, number: String::new(), text, rest: String::new(), rows: vec![] }
    }
}

/// A scored table, formatted.
#[derive(Debug, Clone, Serialize)]
pub struct ScoredView {
    pub title: String,
    pub name: String,
    pub supervising: String,
    pub implementing: String,
    pub funds: Vec<(String, Vec<String>)>,
    pub rate: String,
    pub execution_score: String,
    pub by_income: Vec<String>,
    pub by_expense: Vec<String>,
    pub goal: String,
    pub achieved: String,
    /// Rows: (一级 label with weight, 一级 rowspan or 0, 二级, 二级 rowspan or 0, 三级, target, actual, weight, weight rowspan, score, note).
    pub rows: Vec<IndicatorRowView>,
    pub total_weight: String,
    pub total_score: String,
    pub signature: SignatureView,
}

#[derive(Debug, Clone, Serialize)]
pub struct IndicatorRowView {
    pub level1: String,
    pub level1_span: usize,
    pub level2: String,
    pub level2_span: usize,
    pub name: String,
    pub target: String,
    pub actual: String,
    pub weight: String,
    pub score: String,
    /// Rows the 分值/得分 cells span (0: covered by the row above).
    pub weight_span: usize,
    pub note: String,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct SignatureView {
    pub filler: String,
    pub date: String,
    pub phone: String,
}

/// 基础数据表, formatted: (label, indent, three cells).
#[derive(Debug, Clone, Serialize)]
pub struct BasicDataView {
    pub unit: String,
    pub staff: Vec<String>,
    pub prev_year: u16,
    pub year: u16,
    pub rows: Vec<(String, u8, Vec<String>)>,
    pub buildings: Vec<String>,
    pub thrift: String,
    pub signature: SignatureView,
}

/// A report and its appended tables, ready for the template.
#[derive(Debug, Clone, Serialize)]
pub struct ReportView {
    pub file_name: String,
    pub unit: String,
    pub year: u16,
    pub title: Vec<String>,
    pub attachment_label: Option<String>,
    pub seal_date: Option<String>,
    pub closing_date: Option<String>,
    pub blocks: Vec<Block>,
    pub attachments: Vec<String>,
    pub basic_data: Option<BasicDataView>,
    pub overall: Option<ScoredView>,
    pub projects: Vec<ScoredView>,
    pub draft: bool,
}

fn t(m: Money) -> String {
    m.trimmed()
}
fn t0(m: Money) -> String {
    if m.is_zero() { String::new() } else { m.as_entered() }
}
fn oa(a: &Option<Amount>) -> String {
    a.map(|a| a.value.as_entered()).unwrap_or_default()
}
fn pct(part: Money, whole: Money) -> Option<String> {
    Ratio::of(part, whole).map(|r| r.percent(2))
}

/// The name a report is published under (its PDF's name without `.pdf`):
/// the report's `file_name`, with `{year}` and `{unit}` filled in, or the
/// standard name for its kind.
fn report_file_name(unit: &Unit, year: u16, r: &Report) -> String {
    match &r.file_name {
        Some(name) => name.replace("{year}", &year.to_string()).replace("{unit}", &unit.name),
        None => match r.kind {
            ReportKind::Overall => format!("{year}年度{}部门整体支出绩效自评报告", unit.name),
            ReportKind::Project => format!("{year}年度{}项目支出绩效自评报告", unit.name),
        },
    }
}

/// Builds the view of one report of a unit-year.
pub fn report_view(unit: &Unit, p: &PerformanceFile, e: &Evaluation, r: &Report, draft: bool) -> ReportView {
    let y = p.year;
    let file_name = report_file_name(unit, y, r);
    let mut blocks = Vec::new();
    for c in &r.intro {
        content(&mut blocks, c, unit, p, e);
    }
    let mut counters = [0usize; 6];
    for s in &r.sections {
        section(&mut blocks, s, 0, &mut counters, &r.level3_style, unit, p, e);
    }
    let sig = |s: &Option<crate::model::Signature>| {
        let s = s.as_ref().or(p.signature.as_ref());
        SignatureView {
            filler: s.and_then(|s| s.filler.clone()).unwrap_or_default(),
            date: s.and_then(|s| s.date.clone()).unwrap_or_default(),
            phone: s.and_then(|s| s.phone.clone()).unwrap_or_default(),
        }
    };
    let wants = |k: &str| r.tables.iter().any(|x| x == k);
    let overall = (wants("overall")).then_some(()).and(p.overall.as_ref().zip(e.overall.as_ref())).map(|(o, s)| {
        let mut v =
            scored_view(&o.title, &unit.name, "", "", s, &o.indicators, &o.goal, &o.achieved, sig(&o.signature));
        v.funds = vec![("年度资金总额".into(), vec![t(s.initial), t(s.annual), t(s.executed)])];
        v.by_income = vec![
            format!("一般公共预算：{}", oa(&o.by_income.general_budget)),
            format!("政府性基金拨款：{}", oa(&o.by_income.gov_fund)),
            format!("纳入专户管理的非税收入拨款：{}", oa(&o.by_income.special_account)),
            format!("其他资金：{}", oa(&o.by_income.other)),
        ];
        v.by_expense =
            vec![format!("基本支出：{}", oa(&o.by_expense.basic)), format!("项目支出：{}", oa(&o.by_expense.project))];
        v
    });
    let projects = if wants("projects") {
        p.projects
            .iter()
            .zip(&e.projects)
            .map(|(tb, s)| {
                let mut v = scored_view(
                    "项目支出绩效自评表",
                    &tb.name,
                    tb.supervising_department.as_deref().or(unit.supervising_department.as_deref()).unwrap_or(""),
                    tb.implementing_unit.as_deref().unwrap_or(&unit.name),
                    s,
                    &tb.indicators,
                    &tb.goal,
                    &tb.achieved,
                    sig(&tb.signature),
                );
                v.funds = vec![
                    ("年度资金总额".into(), vec![t0(s.initial), t0(s.annual), t0(s.executed)]),
                    ("其中：当年财政拨款".into(), row3(&tb.current_fiscal)),
                    ("上年结转资金".into(), row3(&tb.carryover)),
                    ("其他资金".into(), row3(&tb.other)),
                ];
                v
            })
            .collect()
    } else {
        vec![]
    };
    let basic_data = (wants("basic_data")).then_some(()).and(p.basic_data.as_ref()).map(|b| {
        let c3 = |c: &crate::model::ThreeColumns<Option<Amount>>| vec![oa(&c.previous), oa(&c.budget), oa(&c.actual)];
        let tp = |i: &crate::model::ThreePublicItems| ThreePublicRow::from_items(i);
        let (tp_prev, tp_budget) = (tp(&b.three_public.previous), tp(&b.three_public.budget));
        let tp_actual = e.three_public_actual.clone().unwrap_or_else(|| tp(&b.three_public.actual));
        let tpc = |f: fn(&ThreePublicRow) -> Money| vec![t0(f(&tp_prev)), t0(f(&tp_budget)), t0(f(&tp_actual))];
        let special =
            |k: usize| -> Money { b.special_funds.iter().map(|f| val([&f.previous, &f.budget, &f.actual][k])).sum() };
        let project_parts = [&b.business_funds, &b.operation_funds, &b.other_funds];
        let sp: Vec<String> = (0..3).map(|k| t0(special(k))).collect();
        let project_total: Vec<String> =
            (0..3).map(|k| t0(special(k) + project_parts.iter().map(|c| column(c, k)).sum::<Money>())).collect();
        let mut rows: Vec<(String, u8, Vec<String>)> = vec![
            ("三公经费".into(), 0, tpc(|r| r.total)),
            ("1、公务用车购置和维护经费".into(), 1, tpc(|r| r.car)),
            ("其中：公车购置".into(), 2, tpc(|r| r.car_purchase)),
            ("公车运行维护".into(), 3, tpc(|r| r.car_running)),
            ("2、出国经费".into(), 1, tpc(|r| r.abroad)),
            ("3、公务接待".into(), 1, tpc(|r| r.reception)),
            ("项目支出：".into(), 0, project_total),
            ("1、业务工作经费".into(), 1, c3(&b.business_funds)),
            ("2、运行维护经费".into(), 1, c3(&b.operation_funds)),
            (format!("3、{}专项资金", b.special_fund_level), 1, sp),
        ];
        for f in &b.special_funds {
            rows.push((f.name.clone(), 2, vec![oa(&f.previous), oa(&f.budget), oa(&f.actual)]));
        }
        rows.push(("4、其他事业类发展资金".into(), 1, c3(&b.other_funds)));
        rows.push(("公用经费".into(), 0, c3(&b.public_cost)));
        rows.push(("其中：办公费".into(), 1, c3(&b.office)));
        rows.push(("水费、电费、差旅费".into(), 2, c3(&b.utilities_travel)));
        rows.push(("会议费、培训费".into(), 2, c3(&b.meetings_training)));
        let mut proc = c3(&b.procurement);
        proc[0] = "——".into();
        rows.push(("政府采购金额".into(), 0, proc));
        let mut adj = c3(&b.basic_adjustment);
        adj[0] = "——".into();
        rows.push(("部门基本支出预算调整".into(), 0, adj));
        let staff = p.numbers.staff.as_ref();
        let bl = &b.buildings;
        BasicDataView {
            unit: unit.name.clone(),
            staff: match staff {
                Some(s) => vec![
                    s.quota.to_string(),
                    s.in_post.to_string(),
                    Ratio::of(m(s.in_post as i64), m(s.quota as i64))
                        .map(|r| format!("{}%", r.percent(2)))
                        .unwrap_or_default(),
                ],
                None => vec![String::new(); 3],
            },
            prev_year: y - 1,
            year: y,
            rows,
            buildings: vec![
                oa(&bl.approved_area),
                oa(&bl.actual_area),
                pct(val(&bl.actual_area), val(&bl.approved_area)).map(|p| format!("{p}%")).unwrap_or_default(),
                oa(&bl.budget_investment),
                oa(&bl.actual_investment),
                pct(val(&bl.actual_investment), val(&bl.budget_investment))
                    .map(|p| format!("{p}%"))
                    .unwrap_or_default(),
            ],
            thrift: b.thrift_measures.clone().unwrap_or_default(),
            signature: sig(&b.signature),
        }
    });
    ReportView {
        file_name,
        unit: unit.name.clone(),
        year: y,
        title: r.title.clone(),
        attachment_label: r.attachment_label.clone(),
        seal_date: r.seal_date.clone(),
        closing_date: r.closing_date.clone(),
        blocks,
        attachments: r.attachments.clone(),
        basic_data,
        overall,
        projects,
        draft,
    }
}

/// Σ of named amounts.
pub fn total(xs: &[NamedAmount]) -> Money {
    xs.iter().map(|x| x.amount.value).sum()
}

/// “甲1万元，乙2万元”.
fn named_list(xs: &[NamedAmount], unit: &str) -> String {
    xs.iter().map(|x| format!("{}{}{unit}", x.name, t(x.amount.value))).collect::<Vec<_>>().join("，")
}

/// “工资福利支出10万元（其中基本工资6万元，奖金4万元）”.
fn econ_item(i: &EconItem) -> String {
    let detail =
        if i.items.is_empty() { String::new() } else { format!("（其中{}）", named_list(&i.items, "万元")) };
    format!("{}{}万元{detail}", i.name, t(i.amount.value))
}

/// One column (0 上年决算, 1 本年预算, 2 本年决算) of a 基础数据表 row.
fn column(c: &ThreeColumns<Option<Amount>>, k: usize) -> Money {
    val([&c.previous, &c.budget, &c.actual][k])
}

fn row3(r: &FundRow) -> Vec<String> {
    vec![oa(&r.initial), oa(&r.annual), oa(&r.executed)]
}

#[allow(clippy::too_many_arguments)]
fn scored_view(
    title: &str,
    name: &str,
    supervising: &str,
    implementing: &str,
    s: &Scored,
    groups: &[IndicatorGroup],
    goal: &Option<String>,
    achieved: &Option<String>,
    signature: SignatureView,
) -> ScoredView {
    let mut rows = Vec::new();
    // 一级 blocks in order, each 二级 padded to at least two rows.
    let mut level1_order: Vec<&str> = Vec::new();
    for g in groups {
        if !level1_order.contains(&g.level1.as_str()) {
            level1_order.push(&g.level1);
        }
    }
    for l1 in level1_order {
        let gs: Vec<&IndicatorGroup> = groups.iter().filter(|g| g.level1 == l1).collect();
        let weight = s.level1_weights.iter().find(|(n, _)| n == l1).map(|(_, w)| *w).unwrap_or_default();
        let label = format!("{l1}（{}分）", weight.trimmed());
        let spans: Vec<usize> = gs.iter().map(|g| g.rows.len().max(2)).collect();
        let total: usize = spans.iter().sum();
        let mut first1 = true;
        for (g, span) in gs.iter().zip(&spans) {
            let merged = g.weight.is_some();
            for k in 0..*span {
                let r = g.rows.get(k);
                let (weight, score, wspan) = if merged {
                    if k == 0 { (oa(&g.weight), oa(&g.score), *span) } else { (String::new(), String::new(), 0) }
                } else {
                    (r.map(|r| oa(&r.weight)).unwrap_or_default(), r.map(|r| oa(&r.score)).unwrap_or_default(), 1)
                };
                rows.push(IndicatorRowView {
                    level1: label.clone(),
                    level1_span: if first1 { total } else { 0 },
                    level2: g.level2.clone(),
                    level2_span: if k == 0 { *span } else { 0 },
                    name: r.map(|r| r.name.clone()).unwrap_or_else(|| "……".into()),
                    target: r.and_then(|r| r.target.clone()).unwrap_or_default(),
                    actual: r.and_then(|r| r.actual.clone()).unwrap_or_default(),
                    weight,
                    score,
                    weight_span: wspan,
                    note: r.and_then(|r| r.note.clone()).unwrap_or_default(),
                });
                first1 = false;
            }
        }
    }
    ScoredView {
        title: title.into(),
        name: name.into(),
        supervising: supervising.into(),
        implementing: implementing.into(),
        funds: vec![],
        rate: s.rate.map(|r| format!("{}%", r.percent(2))).unwrap_or_default(),
        execution_score: s.execution_score.trimmed(),
        by_income: vec![],
        by_expense: vec![],
        goal: goal.clone().unwrap_or_default(),
        achieved: achieved.clone().unwrap_or_default(),
        rows,
        total_weight: s.total_weight.trimmed(),
        total_score: s.total_score.trimmed(),
        signature,
    }
}

#[allow(clippy::too_many_arguments)]
fn section(
    out: &mut Vec<Block>,
    s: &Section,
    depth: usize,
    counters: &mut [usize; 6],
    l3: &str,
    unit: &Unit,
    p: &PerformanceFile,
    e: &Evaluation,
) {
    let number = if s.unnumbered {
        String::new()
    } else {
        counters[depth] += 1;
        for c in counters.iter_mut().skip(depth + 1) {
            *c = 0;
        }
        let n = counters[depth];
        match depth {
            0 => format!("{}、", zh_number(n)),
            1 => format!("（{}）", zh_number(n)),
            2 => format!("{n}{}", l3.trim_start_matches('1')),
            _ => format!("（{n}）"),
        }
    };
    if !s.unnumbered {
        for c in counters.iter_mut().skip(depth + 1) {
            *c = 0;
        }
    }
    let mut rest = String::new();
    let mut content_items: &[Content] = &s.content;
    if s.run_in
        && let Some(Content::Text(first)) = s.content.first()
    {
        rest = first.clone();
        content_items = &s.content[1..];
    }
    out.push(Block { kind: "heading", level: depth, number, text: s.title.clone(), rest, rows: vec![] });
    for c in content_items {
        content(out, c, unit, p, e);
    }
    let mut child_counters = *counters;
    for c in &s.children {
        section(out, c, depth + 1, &mut child_counters, l3, unit, p, e);
    }
}

fn content(out: &mut Vec<Block>, c: &Content, unit: &Unit, p: &PerformanceFile, e: &Evaluation) {
    match c {
        Content::Text(s) => out.push(Block::p(s.clone())),
        Content::Computed { computed } => computed_block(out, computed.as_str(), unit, p, e),
    }
}

fn computed_block(out: &mut Vec<Block>, key: &str, unit: &Unit, p: &PerformanceFile, e: &Evaluation) {
    let y = p.year;
    let n = &p.numbers;
    let auth = p.finance_authority.clone().unwrap_or_else(|| "财政".into());
    let mut para = |s: String| out.push(Block::p(s));
    match key {
        "staff" => {
            if let Some(s) = &n.staff {
                let rate = Ratio::of(m(s.in_post as i64), m(s.quota as i64))
                    .map(|r| format!("，在职人员控制率{}%", r.percent(2)))
                    .unwrap_or_default();
                para(format!("{}编制数{}人，实际在职人数{}人{rate}。", unit.name, s.quota, s.in_post));
            }
        }
        "basic_expenditure" => {
            let adj =
                n.basic_adjustment.map(|a| format!("，年初预留及年中调整追加{}万元", t(a.value))).unwrap_or_default();
            para(format!(
                "{y}年{auth}批复的基本支出预算{}万元{adj}，本年实际支出{}万元。",
                t(val(&n.basic_budget)),
                t(e.basic_actual.unwrap_or_default())
            ));
        }
        "basic_by_econ" | "project_by_econ" => {
            let (items, total, what) = if key == "basic_by_econ" {
                (&n.basic_by_econ, e.basic_actual.unwrap_or_default(), "基本支出")
            } else {
                (&n.project_by_econ, e.project_actual.unwrap_or_default(), "项目支出")
            };
            let parts: Vec<String> = items
                .iter()
                .map(|i| {
                    let share = pct(i.amount.value, total).map(|p| format!("，占{what}{p}%")).unwrap_or_default();
                    format!("{}{share}", econ_item(i))
                })
                .collect();
            if !parts.is_empty() {
                para(format!("按支出经济分类科目划分：{}。", parts.join("；")));
            }
        }
        "three_public" => {
            if let (Some(b), Some(a)) = (&e.three_public_budget, &e.three_public_actual) {
                let items = |r: &ThreePublicRow| {
                    format!(
                        "因公出国（境）费{}万元，公务用车购置及运行费{}万元，公务接待费{}万元",
                        t(r.abroad),
                        t(r.car),
                        t(r.reception)
                    )
                };
                let mut s = format!(
                    "{y}年{auth}批复“三公”经费年初预算{}万元，其中：{}；实际“三公”经费支出{}万元，其中：{}。",
                    t(b.total),
                    items(b),
                    t(a.total),
                    items(a)
                );
                let saved = b.total - a.total;
                if !saved.is_negative() {
                    s += &format!("“三公”经费支出较年初预算结余{}万元", t(saved));
                } else {
                    s += &format!("“三公”经费支出超过年初预算{}万元", t(saved.abs()));
                }
                if let Some(pv) = &e.three_public_previous {
                    let d = a.total - pv.total;
                    if d.is_zero() {
                        s += &format!("，与{}年持平", y - 1);
                    } else {
                        let (w1, w2) = if d.is_negative() { ("下降", "下降") } else { ("增加", "增长") };
                        s += &format!("；较{}年支出总额{}万元{w1}{}万元", y - 1, t(pv.total), t(d.abs()));
                        if let Some(p) = pct(d.abs(), pv.total) {
                            s += &format!("，同比{w2}{p}%");
                        }
                    }
                }
                s.push('。');
                para(s);
            }
        }
        "three_public_table" => {
            if let (Some(b), Some(a)) = (&e.three_public_budget, &e.three_public_actual) {
                let pv =
                    e.three_public_previous.clone().unwrap_or_else(|| ThreePublicRow::from_items(&Default::default()));
                let row = |name: &str, f: fn(&ThreePublicRow) -> Money| {
                    let (act, bud, prev) = (f(a), f(b), f(&pv));
                    vec![
                        name.to_string(),
                        act.fixed2(),
                        bud.fixed2(),
                        (bud - act).fixed2(),
                        prev.fixed2(),
                        (act - prev).fixed2(),
                        Ratio::of(act - prev, prev).map(|r| format!("{}%", r.percent(0))).unwrap_or_else(|| "—".into()),
                    ]
                };
                out.push(Block {
                    kind: "three_public_table",
                    level: 0,
                    number: String::new(),
                    text: format!("{y}年决算支出"),
                    rest: String::new(),
                    rows: vec![
                        row("因公出国（境）费用", |r| r.abroad),
                        row("公务接待费", |r| r.reception),
                        row("公务用车购置及运行费", |r| r.car),
                        row("其中：公务车运行维护费", |r| r.car_running),
                        row("\u{3000}\u{3000}\u{3000}公务用车购置费", |r| r.car_purchase),
                        row("合计", |r| r.total),
                    ],
                });
            }
        }
        "project_expenditure" => {
            let budget = val(&n.project_budget);
            let adjv = val(&n.project_adjustment);
            let adj =
                n.project_adjustment.map(|a| format!("，结转及年中调整追加{}万元", t(a.value))).unwrap_or_default();
            let actual = e.project_actual.unwrap_or_default();
            para(format!(
                "{auth}批复{y}年项目支出预算{}万元{adj}，实际项目支出{}万元，年末项目支出结余{}万元。",
                t(budget),
                t(actual),
                t(budget + adjv - actual)
            ));
        }
        "project_list" => {
            for g in &n.project_groups {
                let sum: Money = g.projects.iter().map(|x| x.amount.value).sum();
                para(format!("{y}年{}共有{}个项目共{}万元。", g.name, g.projects.len(), t(sum)));
                for x in &g.projects {
                    let text = x.text.as_ref().map(|s| format!("，{s}")).unwrap_or_else(|| "。".into());
                    para(format!("{}：{}{}万元{text}", x.name, g.amount_label, t(x.amount.value)));
                }
            }
        }
        "special_fund_budget" | "special_fund_actual" | "special_fund_spending" => {
            let Some(f) = &n.special_fund else {
                para("（缺少 numbers.special_fund）".into());
                return;
            };
            let list = |xs: &[NamedAmount]| named_list(xs, "万元");
            let (b, a) = (total(&f.budget_sources), total(&f.actual_sources));
            let spent: Money = f.spending.iter().map(|i| i.amount.value).sum();
            match key {
                "special_fund_budget" => para(format!(
                    "{y}年{}{}预算收入为：{}，合计预算收入{}万元。",
                    f.subject,
                    f.label,
                    list(&f.budget_sources),
                    t(b)
                )),
                "special_fund_actual" => para(format!(
                    "{y}年{}{}实际收入为：{}，合计收入{}万元{}。",
                    f.subject,
                    f.label,
                    list(&f.actual_sources),
                    t(a),
                    pct(a, b).map(|p| format!("，资金到位率{p}%")).unwrap_or_default()
                )),
                _ => {
                    let items: Vec<String> = f.spending.iter().map(econ_item).collect();
                    para(format!(
                        "{y}年实际支出{}{}万元。项目资金主要用于以下方面：{}。{}",
                        f.name,
                        t(spent),
                        items.join("；"),
                        pct(spent, a).map(|p| format!("全年执行率为{p}%。")).unwrap_or_default()
                    ))
                }
            }
        }
        "funds" => {
            for f in &p.funds {
                fund_paragraphs(out, f, y);
            }
        }
        k if k.starts_with("fund:") => {
            let name = &k["fund:".len()..];
            match p.funds.iter().find(|f| f.name == name) {
                Some(f) => fund_paragraphs(out, f, y),
                None => para(format!("（找不到基金“{name}”）")),
            }
        }
        "score" => {
            if let Some(s) = &e.overall {
                let grade = n.grade.as_ref().map(|g| format!("，为“{g}”等级")).unwrap_or_default();
                para(format!("{y}年{}部门整体支出绩效自评分为{}分{grade}。", unit.name, t(s.total_score)));
            }
        }
        "project_sources" | "project_arrival" | "project_usage" => {
            let circ =
                ['①', '②', '③', '④', '⑤', '⑥', '⑦', '⑧', '⑨', '⑩', '⑪', '⑫', '⑬', '⑭', '⑮', '⑯', '⑰', '⑱', '⑲', '⑳'];
            // (项目, 年初预算, 到位, 执行)
            type Fiscal = (String, Money, Money, Money);
            let fiscal: Vec<Fiscal> = p
                .projects
                .iter()
                .zip(&e.projects)
                .map(|(tb, s)| {
                    (tb.name.clone(), s.initial, tb.received.map(|a| a.value).unwrap_or(s.annual), s.executed)
                })
                .collect();
            let sum_b: Money = fiscal.iter().map(|x| x.1).sum();
            let sum_r: Money = fiscal.iter().map(|x| x.2).sum();
            let sum_u: Money = fiscal.iter().map(|x| x.3).sum();
            let list = |f: &dyn Fn(&Fiscal) -> String| -> String {
                fiscal
                    .iter()
                    .enumerate()
                    .map(|(i, x)| format!("{}{}", circ.get(i).copied().unwrap_or('·'), f(x)))
                    .collect::<Vec<_>>()
                    .join("；")
            };
            match key {
                "project_sources" => para(format!(
                    "{y}年项目资金年初预算数共计{}万元，实际收到财政拨付项目资金{}万元，其中：{}。",
                    t(sum_b),
                    t(sum_r),
                    list(&|x| format!("{}年初预算{}万元，财政拨款收入{}万元", x.0, t(x.1), t(x.2)))
                )),
                "project_arrival" => {
                    let sum_a: Money = e.projects.iter().map(|s| s.annual).sum();
                    para(format!(
                        "{y}年项目资金年初预算数{}万元，全年预算数{}万元，截止年末实际收到财政拨付项目资金{}万元{}。",
                        t(sum_b),
                        t(sum_a),
                        t(sum_r),
                        pct(sum_r, sum_a).map(|p| format!("，资金到位率{p}%（按全年预算数计算）")).unwrap_or_default()
                    ))
                }
                _ => para(format!(
                    "{y}年项目资金支出共计{}万元，其中：{}。",
                    t(sum_u),
                    list(&|x| format!(
                        "{}全年预算{}万元，全年使用数{}万元{}",
                        x.0,
                        t(x.2),
                        t(x.3),
                        pct(x.3, x.2).map(|p| format!("，资金使用率{p}%")).unwrap_or_default()
                    ))
                )),
            }
        }
        // Keys are validated when the file is loaded (`ComputedKey`).
        other => unreachable!("computed paragraph “{other}” passed ComputedKey"),
    }
}

fn fund_paragraphs(out: &mut Vec<Block>, f: &Fund, y: u16) {
    let u = &f.unit;
    let lvl = f.level.clone().unwrap_or_default();
    let list =
        |xs: &[NamedAmount]| if xs.is_empty() { String::new() } else { format!("，其中：{}", named_list(xs, u)) };
    let (bi, ai, be, ae) =
        (total(&f.budget_income), total(&f.actual_income), total(&f.budget_expense), total(&f.actual_expense));
    let rate = |a: Money, b: Money| pct(a, b).map(|p| format!("，完成预算的{p}%")).unwrap_or_default();
    out.push(Block::p(format!(
        "{lvl}{}预算收入{}{u}{}。实际收入{}{u}{}{}。",
        f.name,
        t(bi),
        list(&f.budget_income),
        t(ai),
        list(&f.actual_income),
        rate(ai, bi)
    )));
    out.push(Block::p(format!(
        "{lvl}{}预算支出{}{u}{}。实际支出{}{u}{}{}。",
        f.name,
        t(be),
        list(&f.budget_expense),
        t(ae),
        list(&f.actual_expense),
        rate(ae, be)
    )));
    let balance = ai - ae;
    let mut s = format!("{y}年度当期收支结余{}{u}", t(balance));
    if let Some(o) = f.opening_balance {
        s += &format!("，期初结余{}{u}，期末滚存结余{}{u}", t(o.value), t(o.value + balance));
    }
    s.push('。');
    out.push(Block::p(s));
    if let Some(n) = &f.note {
        out.push(Block::p(n.clone()));
    }
}
