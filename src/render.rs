//! Rendering: the Tera environment and the view model that turns a
//! unit-year's data and derived numbers into Typst source.
//!
//! Escaping is automatic: every `{{ … }}` in a `.typ.tera` template is
//! escaped for Typst *markup* by the environment's escape function, so a
//! template author cannot forget it. The one other context, a Typst string
//! literal, has the `typst_str` filter, which quotes and escapes and is
//! marked safe. Public entry: [`Renderer::render_final_accounts`].

use std::collections::{BTreeMap, HashMap};

use anyhow::{Result, anyhow};
use serde::Serialize;
use tera::{Tera, Value};

use crate::derive::{Derived, PreviousFigures, zh_number};
use crate::model::{Catalogue, FinalAccounts, OrgRunningCostBase, Profile, Unit, YoyWording, val};
use crate::money::{Money, Ratio};
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

    /// Renders a 绩效自评 report (with its appended tables).
    pub fn render_report(&self, view: &crate::evaluate::ReportView) -> Result<String> {
        let ctx = tera::Context::from_serialize(view).map_err(|e| anyhow!("模板数据错误：{}", chain(&e)))?;
        self.tera
            .render("绩效自评报告.typ.tera", &ctx)
            .map_err(|e| anyhow!("模板 绩效自评报告.typ.tera 渲染失败：{}", chain(&e)))
    }

    /// Renders the 部门决算 Typst source of one unit-year.
    pub fn render_final_accounts(&self, view: &FinalAccountsView) -> Result<String> {
        let ctx = tera::Context::from_serialize(view).map_err(|e| anyhow!("模板数据错误：{}", chain(&e)))?;
        self.tera
            .render("部门决算.typ.tera", &ctx)
            .map_err(|e| anyhow!("模板 部门决算.typ.tera 渲染失败：{}", chain(&e)))
    }
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

/// A year-over-year or budget comparison, ready for a sentence.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    /// 持平.
    pub flat: bool,
    /// 增加 (true) or 减少 (false).
    pub up: bool,
    /// |Δ|.
    pub amount: String,
    /// |Δ| / base, absent when the base is zero.
    pub pct: Option<String>,
}

/// An amount and its share of a total (share absent when the total is zero).
#[derive(Debug, Clone, Serialize)]
pub struct Share {
    pub name: String,
    pub amount: String,
    pub pct: Option<String>,
}

/// A row of a hierarchical 公开 table, formatted.
#[derive(Debug, Clone, Serialize)]
pub struct RowView {
    pub code: String,
    pub name: String,
    pub level: u8,
    pub cells: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SideView {
    pub label: String,
    pub line: u32,
    pub cells: Vec<String>,
}

/// One section of 第三部分 with its computed number (一、 or （一）).
#[derive(Debug, Clone, Serialize)]
pub struct SectionView {
    pub key: String,
    pub number: String,
    pub title: String,
    /// 0 for 一、, 1 for （一）.
    pub level: u8,
}

#[derive(Debug, Clone, Serialize)]
pub struct TableView {
    /// 一、二、… in 第二部分 order (for the 目录).
    pub number: String,
    pub id: String,
    pub label: String,
    pub title: String,
}

/// Everything the 部门决算 template sees. Names are stable for template
/// authors; every number is already formatted per the profile.
#[derive(Debug, Clone, Serialize)]
pub struct FinalAccountsView {
    /// 第五部分 附件: the unit-year's other documents, numbered (“一、…”).
    pub attachments: Vec<String>,
    pub unit: UnitView,
    pub year: u16,
    pub prev_year: u16,
    /// “上年” or “2022年”.
    pub yoy: String,
    pub profile: ProfileView,
    pub draft: bool,
    pub tables: Vec<TableView>,
    pub t01: Vec<(SideView, SideView)>,
    pub t02: TableRows,
    pub t03: TableRows,
    pub t04: Vec<(SideView, SideView)>,
    pub t05: TableRows,
    pub t06: EconView,
    pub t07: ThreePublicView,
    pub t08: TableRows,
    pub t09: TableRows,
    pub part3: Vec<SectionView>,
    pub n: Narrative,
}

#[derive(Debug, Clone, Serialize)]
pub struct UnitView {
    pub name: String,
    pub title_name: String,
    pub subject: String,
    pub duties_intro: String,
    pub duties: Vec<(String, String)>,
    pub internal_departments: String,
    pub budget_units: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProfileView {
    pub cover: bool,
    pub attachment_label: Option<String>,
    pub glossary: Vec<String>,
    pub list_zero_items: bool,
    pub growth_from_zero: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TableRows {
    pub total: Vec<String>,
    pub rows: Vec<RowView>,
    pub empty: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct EconView {
    /// Physical rows: three (code, name, value) triples each.
    pub rows: Vec<Vec<(String, String, String)>>,
    pub personnel: String,
    pub public: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ThreePublicView {
    pub budget: Vec<String>,
    pub actual: Vec<String>,
}

/// Sentences of 第三部分: each field is what one block needs.
#[derive(Debug, Clone, Serialize)]
pub struct Narrative {
    pub total: String,
    pub total_change: Change,
    pub reasons: BTreeMap<String, String>,
    pub income_total: String,
    pub income_items: Vec<Share>,
    pub expense_total: String,
    pub expense_items: Vec<Share>,
    pub fiscal_total: String,
    pub fiscal_total_change: Change,
    pub fiscal_expense: String,
    pub fiscal_expense_share: Option<String>,
    pub fiscal_expense_change: Change,
    pub fiscal_classes: Vec<Share>,
    pub fiscal_budget: String,
    pub fiscal_budget_pct: Option<String>,
    pub fiscal_items: Vec<BudgetItemView>,
    pub fiscal_basic: String,
    pub personnel: Share,
    pub personnel_items: String,
    pub public: Share,
    pub public_items: String,
    pub tp: ThreePublicNarrative,
    pub gov_fund: Option<FundNarrative>,
    pub soe: Option<FundNarrative>,
    pub project_total: String,
    pub key_project: String,
    pub performance_paragraphs: Vec<String>,
    pub org_cost: String,
    pub org_cost_base_label: String,
    /// What replaces the rate when the base is zero (empty: no rate, no words).
    pub org_cost_zero_wording: String,
    pub org_cost_change: Change,
    pub meetings: GatheringView,
    pub trainings: GatheringView,
    pub events: GatheringView,
    pub procurement: ProcurementView,
    pub assets: AssetsView,
}

#[derive(Debug, Clone, Serialize)]
pub struct BudgetItemView {
    pub number: String,
    pub title: String,
    pub budget: String,
    pub actual: String,
    pub pct: Option<String>,
    /// 大于 / 小于 / 等于.
    pub cmp: String,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TpItem {
    pub name: String,
    pub budget: String,
    pub actual: String,
    pub pct: Option<String>,
    pub cmp: String,
    pub change: Option<Change>,
    pub vs_budget: String,
    pub vs_previous: String,
    pub share: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ThreePublicNarrative {
    pub total: TpItem,
    pub items: Vec<TpItem>,
    pub abroad: String,
    pub abroad_groups: u32,
    pub abroad_persons: u32,
    pub abroad_content: String,
    pub reception: String,
    pub reception_groups: u32,
    pub reception_persons: u32,
    pub reception_purpose: String,
    pub car: String,
    pub car_purchase: String,
    pub car_running: String,
    pub car_note: String,
    pub cars: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct FundNarrative {
    pub income: String,
    pub expense: String,
    pub closing: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct GatheringView {
    pub zero: bool,
    pub amount: String,
    pub count: u32,
    pub persons: u32,
    pub content: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProcurementView {
    pub total: String,
    pub goods: String,
    pub works: String,
    pub services: String,
    pub sme: String,
    pub sme_pct: Option<String>,
    pub small_micro: String,
    pub small_micro_pct: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AssetsView {
    pub total: u32,
    pub leaders: u32,
    pub confidential: u32,
    pub emergency: u32,
    pub law_enforcement: u32,
    pub special: u32,
    pub other: u32,
    pub other_note: String,
    pub general_equipment: u32,
    pub special_equipment: u32,
}

/// Number formatting for one document.
struct Fmt<'a> {
    p: &'a Profile,
}

impl Fmt<'_> {
    fn text(&self, m: Money) -> String {
        m.format(self.p.numbers.text_money, self.p.numbers.thousands_separator)
    }
    /// Table cell: blank when zero.
    fn cell(&self, m: Money) -> String {
        if m.is_zero() {
            String::new()
        } else {
            m.format(self.p.numbers.table_money, self.p.numbers.thousands_separator)
        }
    }
    /// Table cell that shows zeros (公开07, empty 公开08/09).
    fn cell0(&self, m: Money) -> String {
        if m.is_zero() { "0".into() } else { m.format(self.p.numbers.table_money, self.p.numbers.thousands_separator) }
    }
    fn pct(&self, part: Money, whole: Money) -> Option<String> {
        Ratio::of(part, whole).map(|r| r.percent(self.p.numbers.percent_decimals))
    }
    fn share(&self, name: &str, part: Money, whole: Money) -> Share {
        Share { name: name.into(), amount: self.text(part), pct: self.pct(part, whole) }
    }
    fn change(&self, now: Money, before: Money) -> Change {
        let d = now - before;
        Change { flat: d.is_zero(), up: !d.is_negative(), amount: self.text(d.abs()), pct: self.pct(d.abs(), before) }
    }
}

fn cmp_word(actual: Money, budget: Money) -> String {
    match actual.cmp(&budget) {
        std::cmp::Ordering::Greater => "大于",
        std::cmp::Ordering::Less => "小于",
        std::cmp::Ordering::Equal => "等于",
    }
    .into()
}

fn rows<const N: usize>(f: &Fmt, t: &crate::derive::FuncTable<N>, zeros: bool) -> TableRows {
    let fmt = |m: Money| if zeros { f.cell0(m) } else { f.cell(m) };
    TableRows {
        total: t.total.iter().map(|m| fmt(*m)).collect(),
        rows: t
            .rows
            .iter()
            .map(|r| RowView {
                code: r.code.clone(),
                name: r.name.clone(),
                level: r.level,
                cells: r.values.iter().map(|m| f.cell(*m)).collect(),
            })
            .collect(),
        empty: t.is_empty(),
    }
}

fn sides(f: &Fmt, t: &crate::derive::SummaryTable) -> Vec<(SideView, SideView)> {
    let side = |c: &crate::derive::SideCell| SideView {
        label: c.label.clone(),
        line: c.line,
        cells: c.values.iter().map(|m| f.cell(*m)).collect(),
    };
    t.rows.iter().map(|(l, r)| (side(l), side(r))).collect()
}

/// The 第三部分 outline, flattened in reading order with its numbers;
/// `{year}` in a title is the document's year (a profile serves every year
/// it is used for).
fn number_sections(specs: &[crate::model::SectionSpec], depth: u8, year: u16, out: &mut Vec<SectionView>) {
    for (i, s) in specs.iter().enumerate() {
        out.push(SectionView {
            key: s.key.clone(),
            number: if depth == 0 { format!("{}、", zh_number(i + 1)) } else { format!("（{}）", zh_number(i + 1)) },
            title: s.title.replace("{year}", &year.to_string()),
            level: depth,
        });
        number_sections(&s.children, depth + 1, year, out);
    }
}

impl FinalAccountsView {
    /// Lists `names` under 第五部分 附件, numbered “一、…”.
    pub fn attach<'a>(&mut self, names: impl IntoIterator<Item = &'a str>) {
        self.attachments = names.into_iter().enumerate().map(|(i, n)| format!("{}、{n}", zh_number(i + 1))).collect();
    }
}

/// Builds the view of one unit-year's 部门决算.
pub fn final_accounts_view(
    unit: &Unit,
    fa: &FinalAccounts,
    profile: &Profile,
    d: &Derived,
    prev: &PreviousFigures,
    cat: &Catalogue,
    draft: bool,
) -> FinalAccountsView {
    let f = Fmt { p: profile };
    let y = fa.year;
    let yoy = match profile.yoy_wording {
        YoyWording::LastYear => "上年".to_string(),
        YoyWording::Year => format!("{}年", y - 1),
    };
    let zero = Money::ZERO;

    // 二、收入: the six sources of 公开02.
    let income_names = ["财政拨款收入", "上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入"];
    let income_items = income_names
        .iter()
        .enumerate()
        .map(|(i, n)| f.share(n, d.income.total[i + 1], d.income_total))
        .filter(|s| profile.list_zero_items || s.amount != "0")
        .collect();
    let expense_names = ["基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出"];
    let expense_items = expense_names
        .iter()
        .enumerate()
        .map(|(i, n)| f.share(n, d.expense.total[i + 1], d.expense_total))
        .filter(|s| profile.list_zero_items || s.amount != "0")
        .collect();

    // 五（二）: fixed classes with zeros, then the classes with data.
    let fiscal_total = d.fiscal.total[0];
    let mut class_codes: Vec<String> = profile.structure_fixed_classes.clone();
    for c in d.fiscal.classes() {
        if !class_codes.contains(&c.code) {
            class_codes.push(c.code.clone());
        }
    }
    class_codes.sort();
    let fiscal_classes = class_codes
        .iter()
        .map(|c| {
            let amount = d.fiscal.row(c).map(|r| r.values[0]).unwrap_or(zero);
            let name =
                d.fiscal.row(c).map(|r| r.name.clone()).unwrap_or_else(|| cat.func_name(c).unwrap_or(c).to_string());
            f.share(&name, amount, fiscal_total)
        })
        .collect();

    // 五（三）
    let fiscal_budget: Money = d.budget_items.iter().map(|i| i.initial_budget).sum();
    let many = d.budget_items.len() > 1;
    let fiscal_items = d
        .budget_items
        .iter()
        .enumerate()
        .map(|(i, it)| BudgetItemView {
            number: if many { format!("{}、", i + 1) } else { String::new() },
            title: format!("{}（类）{}（款）{}（项）", it.class_name, it.section_name, it.item_name),
            budget: f.text(it.initial_budget),
            actual: f.text(it.actual),
            pct: f.pct(it.actual, it.initial_budget),
            cmp: cmp_word(it.actual, it.initial_budget),
            reason: it.reason.as_deref().map(clause).unwrap_or_default(),
        })
        .collect();

    // 六: the non-zero detail rows of 公开06.
    let fiscal_basic = d.fiscal.total[1];
    let names_where = |kind: &str| -> String {
        let mut names: Vec<String> = Vec::new();
        for (gi, g) in d.econ.groups.iter().enumerate() {
            let is_personnel = gi == 0;
            if (kind == "人员经费") != is_personnel {
                continue;
            }
            for c in g.iter().flatten() {
                if !c.is_class && !c.value.is_zero() && !names.contains(&c.name) {
                    names.push(c.name.clone());
                }
            }
        }
        names.join("、")
    };

    // 七: 三公.
    let tp = &fa.three_public;
    let (b, a) = (&d.three_public_budget, &d.three_public_actual);
    let prev_tp = prev.three_public.as_ref();
    let item = |name: &str, bud: Money, act: Money, before: Option<Money>, r: &crate::model::ItemReasons| TpItem {
        name: name.into(),
        budget: f.text(bud),
        actual: f.text(act),
        pct: f.pct(act, bud),
        cmp: cmp_word(act, bud),
        change: before.map(|p| f.change(act, p)),
        vs_budget: r.vs_budget.as_deref().map(clause).unwrap_or_default(),
        vs_previous: r.vs_previous.as_deref().map(clause).unwrap_or_default(),
        share: f.pct(act, a.total),
    };
    let tp_view = ThreePublicNarrative {
        total: item("“三公”经费", b.total, a.total, prev_tp.map(|p| p.total), &tp.reasons.total),
        items: vec![
            item("因公出国（境）费", b.abroad, a.abroad, prev_tp.map(|p| p.abroad), &tp.reasons.abroad),
            item("公务接待费", b.reception, a.reception, prev_tp.map(|p| p.reception), &tp.reasons.reception),
            item("公务用车购置费及运行维护费", b.car, a.car, prev_tp.map(|p| p.car), &tp.reasons.car),
        ],
        abroad: f.text(a.abroad),
        abroad_groups: tp.abroad_groups,
        abroad_persons: tp.abroad_persons,
        abroad_content: tp.abroad_content.clone().unwrap_or_default(),
        reception: f.text(a.reception),
        reception_groups: tp.reception_groups,
        reception_persons: tp.reception_persons,
        reception_purpose: tp.reception_purpose.clone().unwrap_or_default(),
        car: f.text(a.car),
        car_purchase: f.text(a.car_purchase),
        car_running: f.text(a.car_running),
        car_note: tp.car_note.clone().unwrap_or_default(),
        cars: tp.cars_in_service,
    };

    let fund = |t: &crate::derive::FuncTable<6>| {
        (!t.is_empty()).then(|| FundNarrative {
            income: f.text(t.total[1]),
            expense: f.text(t.total[2]),
            closing: f.text(t.total[5]),
        })
    };
    let soe = (!d.soe.is_empty()).then(|| FundNarrative {
        income: String::new(),
        expense: f.text(d.soe.total[0]),
        closing: String::new(),
    });

    // Growth from a zero base: "上年无此项支出" only when the base is last
    // year; a zero 年初预算 just drops the rate.
    let org_base = crate::derive::org_running_cost_base(profile, fa, prev).unwrap_or_default();
    let (org_base_label, org_zero) = match profile.org_running_cost_base {
        OrgRunningCostBase::InitialBudget => ("年初预算数", String::new()),
        OrgRunningCostBase::PreviousYear => ("上年决算数", profile.zero_wording.growth_from_zero.clone()),
    };

    let gathering = |g: &crate::model::Gathering| GatheringView {
        zero: val(&g.amount).is_zero() && g.count == 0,
        amount: f.text(val(&g.amount)),
        count: g.count,
        persons: g.persons,
        content: g.content.clone().unwrap_or_else(|| "无".into()),
    };
    let pr = &fa.procurement;
    let pr_total = val(&pr.goods) + val(&pr.works) + val(&pr.services);
    let v = &fa.assets.vehicles;

    let mut reasons = BTreeMap::new();
    for (k, r) in [
        ("total_change", &fa.reasons.total_change),
        ("fiscal_change", &fa.reasons.fiscal_change),
        ("fiscal_expense_change", &fa.reasons.fiscal_expense_change),
        ("org_running_cost", &fa.reasons.org_running_cost),
    ] {
        if let Some(r) = r.as_deref().map(clause).filter(|r| !r.is_empty()) {
            reasons.insert(k.to_string(), r);
        }
    }

    let n = Narrative {
        total: f.text(d.grand_total),
        total_change: f.change(d.grand_total, prev.total.unwrap_or_default()),
        reasons,
        income_total: f.text(d.income_total),
        income_items,
        expense_total: f.text(d.expense_total),
        expense_items,
        fiscal_total: f.text(d.fiscal_grand_total),
        fiscal_total_change: f.change(d.fiscal_grand_total, prev.fiscal_total.unwrap_or_default()),
        fiscal_expense: f.text(fiscal_total),
        fiscal_expense_share: f.pct(fiscal_total, d.expense_total),
        fiscal_expense_change: f.change(fiscal_total, prev.fiscal_expense.unwrap_or_default()),
        fiscal_classes,
        fiscal_budget: f.text(fiscal_budget),
        fiscal_budget_pct: f.pct(fiscal_total, fiscal_budget),
        fiscal_items,
        fiscal_basic: f.text(fiscal_basic),
        personnel: f.share("人员经费", d.econ.personnel, fiscal_basic),
        personnel_items: names_where("人员经费"),
        public: f.share("公用经费", d.econ.public, fiscal_basic),
        public_items: names_where("公用经费"),
        tp: tp_view,
        gov_fund: fund(&d.gov_fund),
        soe,
        project_total: f.text(d.expense.total[2]),
        key_project: f.text(val(&fa.performance.key_project_spending)),
        performance_paragraphs: fa.performance.paragraphs.clone(),
        org_cost: f.text(d.org_running_cost),
        org_cost_base_label: org_base_label.into(),
        org_cost_zero_wording: org_zero,
        org_cost_change: f.change(d.org_running_cost, org_base),
        meetings: gathering(&fa.general_spending.meetings),
        trainings: gathering(&fa.general_spending.trainings),
        events: gathering(&fa.general_spending.events),
        procurement: ProcurementView {
            total: f.text(pr_total),
            goods: f.text(val(&pr.goods)),
            works: f.text(val(&pr.works)),
            services: f.text(val(&pr.services)),
            sme: f.text(val(&pr.sme)),
            sme_pct: f.pct(val(&pr.sme), pr_total),
            small_micro: f.text(val(&pr.small_micro)),
            small_micro_pct: f.pct(val(&pr.small_micro), pr_total),
        },
        assets: AssetsView {
            total: v.leaders + v.confidential + v.emergency + v.law_enforcement + v.special + v.other,
            leaders: v.leaders,
            confidential: v.confidential,
            emergency: v.emergency,
            law_enforcement: v.law_enforcement,
            special: v.special,
            other: v.other,
            other_note: fa.assets.other_vehicles_note.clone().unwrap_or_else(|| "无".into()),
            general_equipment: fa.assets.general_equipment,
            special_equipment: fa.assets.special_equipment,
        },
    };

    let econ_rows = (0..d.econ.groups.first().map(Vec::len).unwrap_or(0))
        .map(|i| {
            d.econ
                .groups
                .iter()
                .map(|g| match &g[i] {
                    Some(c) => (c.code.clone(), c.name.clone(), f.cell(c.value)),
                    None => (String::new(), String::new(), String::new()),
                })
                .collect()
        })
        .collect();

    FinalAccountsView {
        attachments: Vec::new(),
        unit: UnitView {
            name: unit.name.clone(),
            title_name: if profile.use_short_name { unit.short().to_string() } else { unit.name.clone() },
            subject: unit.subject().to_string(),
            duties_intro: unit.duties_intro.clone(),
            duties: unit
                .duties
                .iter()
                .enumerate()
                .map(|(i, d)| (format!("（{}）", zh_number(i + 1)), d.clone()))
                .collect(),
            internal_departments: unit
                .internal_departments
                .iter()
                .map(|d| clause(d))
                .filter(|d| !d.is_empty())
                .collect::<Vec<_>>()
                .join("、"),
            budget_units: unit.budget_units.join("、"),
        },
        year: y,
        prev_year: y - 1,
        yoy,
        profile: ProfileView {
            cover: profile.cover,
            attachment_label: profile.attachment_label.clone(),
            glossary: profile.glossary.clone(),
            list_zero_items: profile.list_zero_items,
            growth_from_zero: profile.zero_wording.growth_from_zero.clone(),
        },
        draft,
        tables: profile
            .tables
            .iter()
            .enumerate()
            .map(|(i, t)| TableView {
                number: format!("{}、", zh_number(i + 1)),
                id: t.id.clone(),
                label: t.label.clone(),
                title: t.title.clone(),
            })
            .collect(),
        t01: sides(&f, &d.t01),
        t02: rows(&f, &d.income, false),
        t03: rows(&f, &d.expense, false),
        t04: sides(&f, &d.t04),
        t05: rows(&f, &d.fiscal, false),
        t06: EconView { rows: econ_rows, personnel: f.cell(d.econ.personnel), public: f.cell(d.econ.public) },
        t07: ThreePublicView {
            budget: b.cells().iter().map(|m| f.cell0(*m)).collect(),
            actual: a.cells().iter().map(|m| f.cell0(*m)).collect(),
        },
        t08: rows(&f, &d.gov_fund, true),
        t09: rows(&f, &d.soe, true),
        part3: {
            let mut v = Vec::new();
            number_sections(&profile.part3, 0, y, &mut v);
            v
        },
        n,
    }
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
