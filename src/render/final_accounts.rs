//! The view of a 部门决算: which tables, rows and sentences the document
//! has, and the names of the quantities each one prints. It holds no
//! number: the template prints each by name (`q(n=…)`).

use std::collections::BTreeMap;

use serde::Serialize;

use super::clause;
use crate::derive::{Layout, zh_number};
use crate::ledger::Ledger;
use crate::model::{FinalAccounts, OrgRunningCostBase, Profile, Unit, YoyWording};

/// One section of 第三部分 with its computed number (一、 or （一）).
#[derive(Debug, Clone, Serialize)]
pub struct SectionView {
    pub key: String,
    pub number: String,
    pub title: String,
    /// 0 for 一、, 1 for （一）.
    pub level: u8,
    /// The chart under its paragraph, when the profile asks for one.
    pub chart: Option<super::charts::ChartView>,
    /// The profile's own sentences for this section (a Tera snippet), if
    /// any: rendered by the renderer, printed by `section_text(i=…)`.
    pub pattern: Option<String>,
}

/// One part of the document, numbered by position.
#[derive(Debug, Clone, Serialize)]
pub struct PartView {
    /// overview, tables, explanation, glossary, attachments or text.
    pub kind: crate::model::PartKind,
    /// “第一部分”.
    pub number: String,
    pub title: String,
    /// A text part's paragraphs.
    pub paragraphs: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TableView {
    /// 一、二、… in 第二部分 order (for the 目录).
    pub number: String,
    pub id: String,
    pub label: String,
    pub title: String,
    /// Its grid, laid out from the profile's form.
    pub grid: super::grid::GridView,
}

/// Everything the 部门决算 template sees. Names are stable for template
/// authors; figures are printed by name.
#[derive(Debug, Clone, Serialize)]
pub struct FinalAccountsView {
    /// Author, keywords and date of the PDF.
    pub meta: super::DocMeta,
    /// 第五部分 附件: the unit-year's other documents, numbered (“一、…”).
    pub attachments: Vec<String>,
    pub unit: UnitView,
    pub year: u16,
    pub prev_year: u16,
    /// “上年” or “2022年”.
    pub yoy: String,
    pub profile: ProfileView,
    pub draft: bool,
    /// “万元” or “元”: the unit the document prints amounts in.
    pub money_unit: String,
    pub tables: Vec<TableView>,
    /// The parts, in order.
    pub parts: Vec<PartView>,
    /// 第一部分's headings and whether it prints 人员情况.
    pub part1: Part1View,
    /// 第二部分 的标题。
    pub part2_title: String,
    pub part3: Vec<SectionView>,
    pub n: Narrative,
}

#[derive(Debug, Clone, Serialize)]
pub struct Part1View {
    pub duties_title: String,
    pub organisation_title: String,
    pub staff: bool,
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
    /// How the documents name their own unit: 本部门 for a department made
    /// by 汇总, else 本单位.
    pub self_ref: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProfileView {
    pub cover: bool,
    pub attachment_label: Option<String>,
    pub glossary: Vec<String>,
    pub list_zero_items: bool,
    pub growth_from_zero: String,
    /// Page numbers in the 目录.
    pub toc_page_numbers: bool,
}

/// A listed item of a sentence: its label and the name of its amount (its
/// share is `<q>.占比` unless `share` names it).
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub name: String,
    pub q: String,
    pub share: String,
}

/// A 三公 item of 七（一）: its label, the key of its figures and its reasons.
#[derive(Debug, Clone, Serialize)]
pub struct TpItem {
    pub name: String,
    /// `七（一）.<key>.…` and `公开07.…<col>`.
    pub key: String,
    pub col: String,
    pub vs_budget: String,
    pub vs_previous: String,
}

/// One 项 of 五（三）.
#[derive(Debug, Clone, Serialize)]
pub struct BudgetItemView {
    pub number: String,
    pub title: String,
    /// `五（三）.<code>.…`.
    pub key: String,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct GatheringView {
    /// `一般性支出.<what>`.
    pub key: String,
    pub zero: bool,
    pub name: String,
    pub content: String,
}

/// The words of 第三部分 (reasons, names, lists); its figures are printed by name.
#[derive(Debug, Clone, Serialize)]
pub struct Narrative {
    pub reasons: BTreeMap<String, String>,
    pub income_items: Vec<Item>,
    pub expense_items: Vec<Item>,
    pub fiscal_classes: Vec<Item>,
    pub fiscal_items: Vec<BudgetItemView>,
    pub personnel_items: String,
    pub public_items: String,
    pub tp_items: Vec<TpItem>,
    pub tp_total: TpItem,
    pub abroad_content: String,
    pub reception_purpose: String,
    pub car_note: String,
    pub has_previous: bool,
    pub gov_fund: bool,
    pub soe: bool,
    pub performance_paragraphs: Vec<String>,
    pub org_cost_base_label: String,
    /// What replaces the rate when the base is zero (empty: no rate, no words).
    pub org_cost_zero_wording: String,
    pub meetings: GatheringView,
    pub trainings: GatheringView,
    pub events: GatheringView,
    pub other_vehicles_note: String,
}

/// The 第三部分 outline, flattened in reading order with its numbers;
/// `{year}` in a title is the document's year (a profile serves every year
/// it is used for).
/// Charts are numbered in reading order.
fn number_sections(
    specs: &[crate::model::SectionSpec],
    depth: u8,
    year: u16,
    chart: &mut dyn FnMut(&crate::model::ChartSpec, &str) -> super::charts::ChartView,
    out: &mut Vec<SectionView>,
) {
    for (i, s) in specs.iter().enumerate() {
        out.push(SectionView {
            key: s.key.as_str().to_string(),
            number: if depth == 0 { format!("{}、", zh_number(i + 1)) } else { format!("（{}）", zh_number(i + 1)) },
            title: s.title.replace("{year}", &year.to_string()),
            level: depth,
            chart: s.chart.as_ref().map(|c| chart(c, s.key.as_str())),
            pattern: s.text.clone(),
        });
        number_sections(&s.children, depth + 1, year, chart, out);
    }
}

impl FinalAccountsView {
    /// Lists `names` under 第五部分 附件, numbered “一、…”.
    pub fn attach<'a>(&mut self, names: impl IntoIterator<Item = &'a str>) {
        self.attachments = names.into_iter().enumerate().map(|(i, n)| format!("{}、{n}", zh_number(i + 1))).collect();
    }
}

/// The parts with their numbers and titles (a profile's own, or by kind).
fn parts_view(profile: &Profile, fa: &FinalAccounts, unit: &Unit) -> Vec<PartView> {
    use crate::model::PartKind::*;
    let title_name = if profile.use_short_name { unit.short().to_string() } else { unit.name.clone() };
    profile
        .parts
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let default = match p.kind {
                Overview if profile.cover => "{unit}概况".to_string(),
                Overview => "{unit}部门概况".to_string(),
                Tables => profile.part2_title.clone(),
                Explanation => "{year}年度部门决算情况说明".to_string(),
                Glossary => "名词解释".to_string(),
                Attachments => "附件".to_string(),
                Text => String::new(),
            };
            let title = p.title.clone().unwrap_or(default);
            PartView {
                kind: p.kind,
                number: format!("第{}部分", zh_number(i + 1)),
                title: title.replace("{unit}", &title_name).replace("{year}", &fa.year.to_string()),
                paragraphs: p.key.as_ref().and_then(|k| fa.texts.get(k)).cloned().unwrap_or_default(),
            }
        })
        .collect()
}

fn is_zero(l: &Ledger, name: &str) -> bool {
    crate::derive::is_zero(l, name)
}

/// Builds the view of one unit-year's 部门决算.
pub fn final_accounts_view(
    unit: &Unit,
    fa: &FinalAccounts,
    profile: &Profile,
    layout: &Layout,
    l: &Ledger,
    draft: bool,
) -> FinalAccountsView {
    let y = fa.year;
    let yoy = match profile.yoy_wording {
        YoyWording::LastYear => "上年".to_string(),
        YoyWording::Year => format!("{}年", y - 1),
    };
    let keep = |q: &str| profile.list_zero_items || !is_zero(l, q);
    let item = |name: &str, q: String, share: String| Item { name: name.into(), q, share };
    let income_items = crate::derive::T02_COLUMNS[1..]
        .iter()
        .map(|c| item(c, format!("公开02.合计.{c}"), format!("二.{c}.占比")))
        .filter(|i| keep(&i.q))
        .collect();
    let expense_items = crate::derive::T03_COLUMNS[1..]
        .iter()
        .map(|c| item(c, format!("公开03.合计.{c}"), format!("三.{c}.占比")))
        .filter(|i| keep(&i.q))
        .collect();
    let fiscal_classes = layout
        .fiscal_classes
        .iter()
        .map(|(c, name)| item(name, format!("五（二）.{c}"), format!("五（二）.{c}.占比")))
        .collect();
    let many = layout.budget_items.len() > 1;
    let fiscal_items = layout
        .budget_items
        .iter()
        .enumerate()
        .map(|(i, it)| BudgetItemView {
            number: if many { format!("{}、", i + 1) } else { String::new() },
            title: format!("{}（类）{}（款）{}（项）", it.class_name, it.section_name, it.item_name),
            key: format!("五（三）.{}", it.code),
            reason: it.reason.as_deref().map(clause).unwrap_or_default(),
        })
        .collect();
    // 六: the non-zero detail rows of 公开06, by group.
    let names_where = |personnel: bool| -> String {
        let mut names: Vec<String> = Vec::new();
        for (gi, g) in layout.t06.iter().enumerate() {
            if (gi == 0) != personnel {
                continue;
            }
            for c in g.iter().flatten() {
                if !c.is_class && !is_zero(l, &c.quantity) && !names.contains(&c.name) {
                    names.push(c.name.clone());
                }
            }
        }
        names.join("、")
    };
    let tp = &fa.three_public;
    let tp_item = |name: &str, col: &str, r: &crate::model::ItemReasons| TpItem {
        name: name.into(),
        key: name.into(),
        col: col.into(),
        vs_budget: r.vs_budget.as_deref().map(clause).unwrap_or_default(),
        vs_previous: r.vs_previous.as_deref().map(clause).unwrap_or_default(),
    };
    let (org_base_label, org_zero) = match profile.org_running_cost_base {
        OrgRunningCostBase::InitialBudget => ("年初预算数", String::new()),
        OrgRunningCostBase::PreviousYear => ("上年决算数", profile.zero_wording.growth_from_zero.clone()),
    };
    let gathering = |key: &str, g: &crate::model::Gathering| GatheringView {
        key: format!("一般性支出.{key}"),
        zero: is_zero(l, &format!("一般性支出.{key}")) && g.count == 0,
        name: g.name.as_deref().map(clause).unwrap_or_default(),
        content: g.content.clone().unwrap_or_else(|| "无".into()),
    };
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
        reasons,
        income_items,
        expense_items,
        fiscal_classes,
        fiscal_items,
        personnel_items: names_where(true),
        public_items: names_where(false),
        tp_total: tp_item("“三公”经费", "合计", &tp.reasons.total),
        tp_items: vec![
            tp_item("因公出国（境）费", "因公出国（境）费", &tp.reasons.abroad),
            tp_item("公务接待费", "公务接待费", &tp.reasons.reception),
            tp_item("公务用车购置费及运行维护费", "公务用车购置及运行费", &tp.reasons.car),
        ],
        abroad_content: tp.abroad_content.clone().unwrap_or_default(),
        reception_purpose: tp.reception_purpose.clone().unwrap_or_default(),
        car_note: tp.car_note.clone().unwrap_or_default(),
        has_previous: layout.has_previous,
        gov_fund: !layout.t08.is_empty(),
        soe: !layout.t09.is_empty(),
        performance_paragraphs: fa.performance.paragraphs.clone(),
        org_cost_base_label: org_base_label.into(),
        org_cost_zero_wording: org_zero,
        meetings: gathering("会议费", &fa.general_spending.meetings),
        trainings: gathering("培训费", &fa.general_spending.trainings),
        events: gathering("节庆论坛", &fa.general_spending.events),
        other_vehicles_note: fa.assets.other_vehicles_note.clone().unwrap_or_else(|| "无".into()),
    };
    FinalAccountsView {
        meta: super::DocMeta::default(),
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
            budget_units: unit
                .budget_units
                .iter()
                .map(|d| clause(d))
                .filter(|d| !d.is_empty())
                .collect::<Vec<_>>()
                .join("、"),
            self_ref: if unit.consolidates.is_some() { "本部门" } else { "本单位" },
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
            toc_page_numbers: profile.toc_page_numbers,
        },
        draft,
        money_unit: profile.numbers.unit.zh().to_string(),
        tables: profile
            .tables
            .iter()
            .enumerate()
            .map(|(i, t)| TableView {
                number: format!("{}、", zh_number(i + 1)),
                id: t.id.as_str().to_string(),
                label: t.label.clone(),
                title: t.title.clone(),
                grid: match profile.table_forms.get(t.id.as_str()) {
                    Some((form, _)) => super::grid::grid_view(form, layout, l, &unit.name, &profile.numbers.table_zero),
                    None => super::grid::GridView::missing(),
                },
            })
            .collect(),
        part2_title: profile.part2_title.replace("{year}", &y.to_string()),
        parts: parts_view(profile, fa, unit),
        part1: Part1View {
            duties_title: profile.part1.duties_title.clone(),
            organisation_title: profile.part1.organisation_title.clone(),
            // Without staff data (an N-TEXT error, reported) a draft prints none.
            staff: profile.part1.staff && fa.staff.is_some(),
        },
        part3: {
            let mut v = Vec::new();
            let mut charts = 0;
            let mut chart = |c: &crate::model::ChartSpec, key: &str| {
                charts += 1;
                super::charts::chart_view(c, key, charts, l, layout, y)
            };
            number_sections(&profile.part3, 0, y, &mut chart, &mut v);
            v
        },
        n,
    }
}
