//! The view of a 绩效自评 report: its outline numbered by level, the
//! paragraphs the data determines (each figure taken from the ledger by
//! name through [`Figures`]), and the tables appended to it.

use serde::Serialize;

use super::scored::{FormView, TableTexts, form_view};
use super::{Figures, Printed};
use crate::derive::zh_number;
use crate::evaluate::{BASIC_COLUMNS, Evaluation};
use crate::model::{
    Content, EconItem, Fund, NamedAmount, PerformanceFile, Report, ReportKind, Section, Signature, Unit,
};

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

/// A table cell of a report's appended tables: a quantity the template
/// prints by name (`as`: cell, cell0, pct), or fixed text.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Cell {
    pub q: String,
    #[serde(rename = "as")]
    pub style: &'static str,
    pub text: String,
}

impl Cell {
    /// A table cell, blank when zero.
    fn q(name: impl Into<String>) -> Cell {
        Cell { q: name.into(), style: "cell", text: String::new() }
    }
    /// A figure shown even when zero.
    fn q0(name: impl Into<String>) -> Cell {
        Cell { q: name.into(), style: "cell0", text: String::new() }
    }
    /// A percentage (with its % sign; blank without a denominator).
    fn pct(name: impl Into<String>) -> Cell {
        Cell { q: name.into(), style: "pct", text: String::new() }
    }
    fn text(s: impl Into<String>) -> Cell {
        Cell { q: String::new(), style: "", text: s.into() }
    }
    fn blank() -> Cell {
        Cell::default()
    }
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
    pub staff: Vec<Cell>,
    pub prev_year: u16,
    pub year: u16,
    pub rows: Vec<(String, u8, Vec<Cell>)>,
    /// The table's last rows, kept on one page with the 楼堂馆所 rows, the
    /// 说明 and the signature.
    pub tail: Vec<(String, u8, Vec<Cell>)>,
    pub buildings: Vec<Cell>,
    pub thrift: String,
    pub signature: SignatureView,
}

/// A report and its appended tables, ready for the template.
#[derive(Debug, Clone, Serialize)]
pub struct ReportView {
    /// Author, keywords and date of the PDF.
    pub meta: super::DocMeta,
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
    pub overall: Option<FormView>,
    pub projects: Vec<FormView>,
    /// Only tables: no title, outline or 附件 labels (kind: tables).
    pub tables_only: bool,
    pub draft: bool,
    /// The figures the view printed, in order.
    #[serde(skip)]
    pub printed: Vec<Printed>,
}

/// The name a report is published under (its PDF's name without `.pdf`):
/// the report's `file_name`, with `{year}` and `{unit}` filled in, or the
/// standard name for its kind.
pub fn report_file_name(unit: &Unit, year: u16, r: &Report) -> String {
    match &r.file_name {
        Some(name) => name.replace("{year}", &year.to_string()).replace("{unit}", &unit.name),
        None => match r.kind {
            ReportKind::Overall => format!("{year}年度{}部门整体支出绩效自评报告", unit.name),
            ReportKind::Project => format!("{year}年度{}项目支出绩效自评报告", unit.name),
            ReportKind::Tables => format!("{year}年度{}绩效自评表", unit.name),
        },
    }
}

/// What building a report's paragraphs needs.
struct Ctx<'a> {
    unit: &'a Unit,
    p: &'a PerformanceFile,
    f: &'a Figures,
    l3: &'a str,
}

/// Builds the view of one report of a unit-year.
pub fn report_view(
    unit: &Unit,
    p: &PerformanceFile,
    e: &Evaluation,
    r: &Report,
    f: &Figures,
    draft: bool,
) -> ReportView {
    let y = p.year;
    let file_name = report_file_name(unit, y, r);
    let cx = Ctx { unit, p, f, l3: &r.level3_style };
    let mut blocks = Vec::new();
    let mut top = [0usize; 6];
    for c in &r.intro {
        content(&cx, &mut blocks, c, 0, &mut top);
    }
    let mut counters = [0usize; 6];
    for s in &r.sections {
        section(&cx, &mut blocks, s, 0, &mut counters);
    }
    let sig = |s: &Option<Signature>| {
        let s = s.as_ref().or(p.signature.as_ref());
        SignatureView {
            filler: s.and_then(|s| s.filler.clone()).unwrap_or_default(),
            date: s.and_then(|s| s.date.clone()).unwrap_or_default(),
            phone: s.and_then(|s| s.phone.clone()).unwrap_or_default(),
        }
    };
    let wants = |k: &str| r.tables.iter().any(|x| x == k);
    let basic_data = wants("basic_data")
        .then_some(())
        .and(p.basic_data.as_ref())
        .map(|b| basic_data_view(&cx, b, sig(&b.signature)));
    let tables_only = r.kind == ReportKind::Tables;
    let label = |l: &str| (!tables_only).then(|| l.to_string());
    let signature = |s: &Option<Signature>| s.clone().or_else(|| p.signature.clone()).unwrap_or_default();
    let overall = wants("overall").then_some(()).and(p.overall.as_ref().zip(e.overall.as_ref())).map(|(o, s)| {
        let texts = TableTexts {
            name: &unit.name,
            title: Some(&o.title),
            supervising: unit.supervising_department.as_deref().unwrap_or(""),
            implementing: &unit.name,
            typed: o.texts(),
            reasons: &[],
            signature: signature(&o.signature),
        };
        form_view(s, &texts, &o.indicators, y, "gk-o".into(), label("附件1-2"), None)
    });
    let projects = if wants("projects") {
        p.projects
            .iter()
            .zip(&e.projects)
            .filter(|(t, _)| t.evaluated)
            .enumerate()
            .map(|(i, (tb, s))| {
                let reasons = tb.fund_reasons();
                let texts = TableTexts {
                    name: &tb.name,
                    title: None,
                    supervising: tb
                        .supervising_department
                        .as_deref()
                        .or(unit.supervising_department.as_deref())
                        .unwrap_or(""),
                    implementing: tb.implementing_unit.as_deref().unwrap_or(&unit.name),
                    typed: tb.texts(),
                    reasons: &reasons,
                    signature: signature(&tb.signature),
                };
                let l = if i == 0 { label("附件2-1") } else { None };
                let title = texts.title.unwrap_or(&s.form.title).replace("{year}", &y.to_string());
                let bookmark = Some(format!("{title}（{}）", tb.name));
                form_view(s, &texts, &tb.indicators, y, format!("gk-p{i}"), l, bookmark)
            })
            .collect()
    } else {
        vec![]
    };
    let (printed, _) = f.finish();
    ReportView {
        meta: super::DocMeta::default(),
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
        tables_only,
        draft,
        printed,
    }
}

/// How many last rows of the 基础数据表's 经费控制情况 go with its end.
const BASIC_DATA_KEEP: usize = 3;

fn basic_data_view(cx: &Ctx, b: &crate::model::BasicData, signature: SignatureView) -> BasicDataView {
    let y = cx.p.year;
    let row = |label: &str, indent: u8, q: &str| -> (String, u8, Vec<Cell>) {
        (label.to_string(), indent, BASIC_COLUMNS.iter().map(|c| Cell::q(format!("基础数据表.{q}.{c}"))).collect())
    };
    let mut rows = vec![
        row("三公经费", 0, "三公经费"),
        row("1、公务用车购置和维护经费", 1, "公务用车购置和维护经费"),
        row("其中：公车购置", 2, "公车购置"),
        row("公车运行维护", 3, "公车运行维护"),
        row("2、出国经费", 1, "出国经费"),
        row("3、公务接待", 1, "公务接待"),
        row("项目支出：", 0, "项目支出"),
        row("1、业务工作经费", 1, "业务工作经费"),
        row("2、运行维护经费", 1, "运行维护经费"),
        row(&format!("3、{}专项资金", b.special_fund_level), 1, "专项资金"),
    ];
    for s in &b.special_funds {
        rows.push(row(&s.name, 2, &format!("专项.{}", s.name)));
    }
    rows.push(row("4、其他事业类发展资金", 1, "其他事业类发展资金"));
    rows.push(row("公用经费", 0, "公用经费"));
    rows.push(row("其中：办公费", 1, "办公费"));
    rows.push(row("水费、电费、差旅费", 2, "水费、电费、差旅费"));
    rows.push(row("会议费、培训费", 2, "会议费、培训费"));
    let mut proc = row("政府采购金额", 0, "政府采购金额");
    proc.2[0] = Cell::text("——");
    rows.push(proc);
    let mut adj = row("部门基本支出预算调整", 0, "部门基本支出预算调整");
    adj.2[0] = Cell::text("——");
    rows.push(adj);
    let staff = if cx.p.numbers.staff.is_some() {
        vec![Cell::q0("人员.编制数"), Cell::q0("人员.实际在职人数"), Cell::pct("人员.在职人员控制率")]
    } else {
        vec![Cell::blank(), Cell::blank(), Cell::blank()]
    };
    let tail = rows.split_off(rows.len() - BASIC_DATA_KEEP);
    let bl = |n: &str| Cell::q(format!("基础数据表.楼堂馆所.{n}"));
    BasicDataView {
        unit: cx.unit.name.clone(),
        staff,
        prev_year: y - 1,
        year: y,
        rows,
        tail,
        buildings: vec![
            bl("批复规模"),
            bl("实际规模"),
            Cell::pct("基础数据表.楼堂馆所.规模控制率"),
            bl("预算投资"),
            bl("实际投资"),
            Cell::pct("基础数据表.楼堂馆所.投资概算控制率"),
        ],
        thrift: b.thrift_measures.clone().unwrap_or_default(),
        signature,
    }
}

/// The number of a heading at `depth` (一、 → （一） → 1. → （1）), advancing `counters`.
fn number(counters: &mut [usize; 6], depth: usize, l3: &str) -> String {
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
}

fn heading(out: &mut Vec<Block>, depth: usize, number: String, text: String, rest: String) {
    out.push(Block { kind: "heading", level: depth, number, text, rest, rows: vec![] });
}

fn section(cx: &Ctx, out: &mut Vec<Block>, s: &Section, depth: usize, counters: &mut [usize; 6]) {
    let number = if s.unnumbered { String::new() } else { number(counters, depth, cx.l3) };
    let mut rest = String::new();
    let mut items: &[Content] = &s.content;
    if s.run_in
        && let Some(Content::Text(first)) = s.content.first()
    {
        rest = first.clone();
        items = &s.content[1..];
    }
    heading(out, depth, number, s.title.clone(), rest);
    // Headings a computed paragraph adds (a fund's, a project group's) and
    // the sub-sections share one numbering.
    let mut child = *counters;
    for c in items {
        content(cx, out, c, depth + 1, &mut child);
    }
    for c in &s.children {
        section(cx, out, c, depth + 1, &mut child);
    }
}

fn content(cx: &Ctx, out: &mut Vec<Block>, c: &Content, depth: usize, counters: &mut [usize; 6]) {
    match c {
        Content::Text(s) => out.push(Block::p(s.clone())),
        Content::Computed { computed } => computed_block(cx, out, computed.as_str(), depth, counters),
    }
}

/// “甲1万元，乙2万元”, each amount from the ledger.
fn named_list(f: &Figures, prefix: &str, xs: &[NamedAmount], unit: crate::money::Unit) -> String {
    xs.iter()
        .map(|x| format!("{}{}{}", x.name, f.text_in(&format!("{prefix}.{}", x.name), unit), unit.zh()))
        .collect::<Vec<_>>()
        .join("，")
}

/// “工资福利支出10万元（其中基本工资6万元，奖金4万元）”.
fn econ_item(f: &Figures, prefix: &str, i: &EconItem) -> String {
    let name = format!("{prefix}.{}", i.name);
    let detail = if i.items.is_empty() {
        String::new()
    } else {
        format!("（其中{}）", named_list(f, &name, &i.items, crate::money::Unit::Wanyuan))
    };
    format!("{}{}万元{detail}", i.name, f.text(&name))
}

fn pct(f: &Figures, q: &str) -> Option<String> {
    f.pct(q)
}

fn computed_block(cx: &Ctx, out: &mut Vec<Block>, key: &str, depth: usize, counters: &mut [usize; 6]) {
    let (p, f) = (cx.p, cx.f);
    let y = p.year;
    let n = &p.numbers;
    let auth = p.finance_authority.clone().unwrap_or_else(|| "财政".into());
    // P-COMPUTED refuses a paragraph without its data: print nothing then.
    if crate::evaluate::missing_data(p, f.ledger().get("公开03.合计.本年支出合计").is_some(), key).is_some() {
        return;
    }
    let mut para = |s: String| out.push(Block::p(s));
    match key {
        "staff" => {
            let (quota, in_post) = (f.text("人员.编制数"), f.text("人员.实际在职人数"));
            let rate = pct(f, "人员.在职人员控制率").map(|r| format!("，在职人员控制率{r}%")).unwrap_or_default();
            para(format!("{}编制数{quota}人，实际在职人数{in_post}人{rate}。", cx.unit.name));
        }
        "basic_expenditure" => {
            let budget = f.text("基本支出.年初预算");
            let adj = n.basic_adjustment.map(|_| format!("，年初预留及年中调整追加{}万元", f.text("基本支出.调整")));
            let actual = f.text("基本支出.实际");
            para(format!(
                "{y}年{auth}批复的基本支出预算{budget}万元{}，本年实际支出{actual}万元。",
                adj.unwrap_or_default()
            ));
        }
        "basic_by_econ" | "project_by_econ" => {
            let (items, what) = if key == "basic_by_econ" {
                (&n.basic_by_econ, "基本支出")
            } else {
                (&n.project_by_econ, "项目支出")
            };
            let prefix = format!("{what}.经济分类");
            let parts: Vec<String> = items
                .iter()
                .map(|i| {
                    let text = econ_item(f, &prefix, i);
                    let share = pct(f, &format!("{prefix}.{}.占比", i.name))
                        .map(|p| format!("，占{what}{p}%"))
                        .unwrap_or_default();
                    format!("{text}{share}")
                })
                .collect();
            if !parts.is_empty() {
                para(format!("按支出经济分类科目划分：{}。", parts.join("；")));
            }
        }
        "three_public" => {
            if f.ledger().get("三公.预算.合计").is_some() {
                let items = |h: &str| {
                    format!(
                        "因公出国（境）费{}万元，公务用车购置及运行费{}万元，公务接待费{}万元",
                        f.text(&format!("三公.{h}.因公出国（境）费")),
                        f.text(&format!("三公.{h}.公务用车购置及运行费")),
                        f.text(&format!("三公.{h}.公务接待费"))
                    )
                };
                let mut s = format!(
                    "{y}年{auth}批复“三公”经费年初预算{}万元，其中：{}；实际“三公”经费支出{}万元，其中：{}。",
                    f.text("三公.预算.合计"),
                    items("预算"),
                    f.text("三公.决算.合计"),
                    items("决算")
                );
                s += &match f.sign("三公.合计.节约数") {
                    -1 => {
                        format!("“三公”经费支出超过年初预算{}万元", f.text("三公.合计.节约数").trim_start_matches('-'))
                    }
                    _ => format!("“三公”经费支出较年初预算结余{}万元", f.text("三公.合计.节约数")),
                };
                if f.ledger().get("三公.增减额").is_some() {
                    match f.sign("三公.合计.增减数") {
                        0 => s += &format!("，与{}年持平", y - 1),
                        d => {
                            let (w1, w2) = if d < 0 { ("下降", "下降") } else { ("增加", "增长") };
                            s += &format!(
                                "；较{}年支出总额{}万元{w1}{}万元",
                                y - 1,
                                f.text("三公.上年.合计"),
                                f.text("三公.增减额")
                            );
                            if let Some(r) = pct(f, "三公.增减率") {
                                s += &format!("，同比{w2}{r}%");
                            }
                        }
                    }
                }
                s.push('。');
                para(s);
            }
        }
        "three_public_table" => {
            if f.ledger().get("三公.预算.合计").is_some() {
                let with_prev = f.ledger().get("三公.合计.增减数").is_some();
                let fixed = |q: &str| f.fixed2(q);
                let row = |name: &str, col: &str| {
                    vec![
                        name.to_string(),
                        fixed(&format!("三公.决算.{col}")),
                        fixed(&format!("三公.预算.{col}")),
                        fixed(&format!("三公.{col}.节约数")),
                        if with_prev { fixed(&format!("三公.上年.{col}")) } else { String::new() },
                        if with_prev { fixed(&format!("三公.{col}.增减数")) } else { String::new() },
                        f.pct0(&format!("三公.{col}.增减比例")).map(|r| format!("{r}%")).unwrap_or_else(|| "—".into()),
                    ]
                };
                out.push(Block {
                    kind: "three_public_table",
                    level: 0,
                    number: String::new(),
                    text: format!("{y}年决算支出"),
                    rest: String::new(),
                    rows: vec![
                        row("因公出国（境）费用", "因公出国（境）费"),
                        row("公务接待费", "公务接待费"),
                        row("公务用车购置及运行费", "公务用车购置及运行费"),
                        row("其中：公务车运行维护费", "公务用车运行费"),
                        row("\u{3000}\u{3000}\u{3000}公务用车购置费", "公务用车购置费"),
                        row("合计", "合计"),
                    ],
                });
            }
        }
        "project_expenditure" => {
            let budget = f.text("项目支出.年初预算");
            let adj = n.project_adjustment.map(|_| format!("，结转及年中调整追加{}万元", f.text("项目支出.调整")));
            let (actual, left) = (f.text("项目支出.实际"), f.text("项目支出.结余"));
            para(format!(
                "{auth}批复{y}年项目支出预算{budget}万元{}，实际项目支出{actual}万元，年末项目支出结余{left}万元。",
                adj.unwrap_or_default()
            ));
        }
        "project_list" => {
            for g in &n.project_groups {
                if let Some(t) = &g.title {
                    let num = number(counters, depth, cx.l3);
                    heading(out, depth, num, t.clone(), String::new());
                }
                let lead = g.lead_in.as_deref().map(|s| s.trim().to_string()).unwrap_or_default();
                out.push(Block::p(format!(
                    "{y}年{}共有{}个项目共{}万元。{lead}",
                    g.name,
                    f.text(&format!("项目清单.{}.个数", g.name)),
                    f.text(&format!("项目清单.{}.合计", g.name))
                )));
                for x in &g.projects {
                    let text = x.text.as_ref().map(|s| format!("，{s}")).unwrap_or_else(|| "。".into());
                    out.push(Block::p(format!(
                        "{}：{}{}万元{text}",
                        x.name,
                        g.amount_label,
                        f.text(&format!("项目清单.{}.{}", g.name, x.name))
                    )));
                }
            }
        }
        "special_fund_budget" | "special_fund_actual" | "special_fund_spending" => {
            let Some(s) = &n.special_fund else { return };
            let w = crate::money::Unit::Wanyuan;
            match key {
                "special_fund_budget" => para(format!(
                    "{y}年{}{}预算收入为：{}，合计预算收入{}万元。",
                    s.subject,
                    s.label,
                    named_list(f, "专项资金.预算收入", &s.budget_sources, w),
                    f.text("专项资金.预算收入合计")
                )),
                "special_fund_actual" => para(format!(
                    "{y}年{}{}实际收入为：{}，合计收入{}万元{}。",
                    s.subject,
                    s.label,
                    named_list(f, "专项资金.实际收入", &s.actual_sources, w),
                    f.text("专项资金.实际收入合计"),
                    pct(f, "专项资金.到位率").map(|p| format!("，资金到位率{p}%")).unwrap_or_default()
                )),
                _ => {
                    let items: Vec<String> = s.spending.iter().map(|i| econ_item(f, "专项资金.支出", i)).collect();
                    para(format!(
                        "{y}年实际支出{}{}万元。项目资金主要用于以下方面：{}。{}",
                        s.name,
                        f.text("专项资金.支出合计"),
                        items.join("；"),
                        pct(f, "专项资金.执行率").map(|p| format!("全年执行率为{p}%。")).unwrap_or_default()
                    ))
                }
            }
        }
        "funds" => {
            for fund in &p.funds {
                fund_paragraphs(cx, out, fund, depth, counters);
            }
        }
        k if k.starts_with("fund:") => {
            let name = &k["fund:".len()..];
            // P-FUND refuses a name that is not in `funds:`.
            if let Some(fund) = p.funds.iter().find(|x| x.name == name) {
                fund_paragraphs(cx, out, fund, depth, counters);
            }
        }
        "score" => {
            if let Some(o) = &p.overall
                && o.scored
            {
                let grade = n.grade.as_ref().map(|g| format!("，为“{g}”等级")).unwrap_or_default();
                para(format!(
                    "{y}年{}部门整体支出绩效自评分为{}分{grade}。",
                    cx.unit.name,
                    f.text(&format!("{}.总分", o.title))
                ));
            }
        }
        "project_sources" | "project_arrival" | "project_usage" => project_paragraph(cx, out, key),
        // Keys are validated when the file is loaded (`ComputedKey`).
        other => unreachable!("computed paragraph “{other}” passed ComputedKey"),
    }
}

/// The project report's three fund paragraphs (资金来源, 到位, 使用).
fn project_paragraph(cx: &Ctx, out: &mut Vec<Block>, key: &str) {
    const CIRCLED: [char; 20] =
        ['①', '②', '③', '④', '⑤', '⑥', '⑦', '⑧', '⑨', '⑩', '⑪', '⑫', '⑬', '⑭', '⑮', '⑯', '⑰', '⑱', '⑲', '⑳'];
    let (p, f) = (cx.p, cx.f);
    let y = p.year;
    let list = |item: &dyn Fn(&str) -> String| -> String {
        p.projects
            .iter()
            .enumerate()
            .map(|(i, t)| format!("{}{}", CIRCLED.get(i).copied().unwrap_or('·'), item(&t.name)))
            .collect::<Vec<_>>()
            .join("；")
    };
    let text = match key {
        "project_sources" => format!(
            "{y}年项目资金年初预算数共计{}万元，实际收到财政拨付项目资金{}万元，其中：{}。",
            f.text("项目报告.年初预算数合计"),
            f.text("项目报告.到位资金合计"),
            list(&|k| format!(
                "{k}年初预算{}万元，财政拨款收入{}万元",
                f.text(&format!("{k}.年初预算数")),
                f.text(&format!("{k}.到位资金"))
            ))
        ),
        "project_arrival" => format!(
            "{y}年项目资金年初预算数{}万元，全年预算数{}万元，截止年末实际收到财政拨付项目资金{}万元{}。",
            f.text("项目报告.年初预算数合计"),
            f.text("项目报告.全年预算数合计"),
            f.text("项目报告.到位资金合计"),
            pct(f, "项目报告.资金到位率").map(|p| format!("，资金到位率{p}%（按全年预算数计算）")).unwrap_or_default()
        ),
        _ => format!(
            "{y}年项目资金支出共计{}万元，其中：{}。",
            f.text("项目报告.资金支出合计"),
            list(&|k| format!(
                "{k}全年预算{}万元，全年使用数{}万元{}",
                f.text(&format!("{k}.到位资金")),
                f.text(&format!("{k}.全年执行数")),
                pct(f, &format!("{k}.资金使用率")).map(|p| format!("，资金使用率{p}%")).unwrap_or_default()
            ))
        ),
    };
    out.push(Block::p(text));
}

fn fund_paragraphs(cx: &Ctx, out: &mut Vec<Block>, fund: &Fund, depth: usize, counters: &mut [usize; 6]) {
    let (f, y) = (cx.f, cx.p.year);
    let n = &fund.name;
    let u = fund.unit;
    let uz = u.zh();
    if let Some(t) = &fund.title {
        let num = number(counters, depth, cx.l3);
        heading(out, depth, num, t.clone(), String::new());
    }
    let lvl = fund.level.clone().unwrap_or_default();
    let amount = |what: &str| f.text_in(&format!("{n}.{what}"), u);
    let list = |what: &str, xs: &[NamedAmount]| {
        if xs.is_empty() {
            String::new()
        } else {
            format!("，其中：{}", named_list(f, &format!("{n}.{what}"), xs, u))
        }
    };
    let rate = |q: &str| pct(f, &format!("{n}.{q}")).map(|p| format!("，完成预算的{p}%")).unwrap_or_default();
    out.push(Block::p(format!(
        "{lvl}{n}预算收入{}{uz}{}。实际收入{}{uz}{}{}。",
        amount("预算收入"),
        list("预算收入", &fund.budget_income),
        amount("实际收入"),
        list("实际收入", &fund.actual_income),
        rate("收入完成率")
    )));
    let note = fund.expense_note.as_deref().map(|s| format!("，{}", super::clause(s))).unwrap_or_default();
    out.push(Block::p(format!(
        "{lvl}{n}预算支出{}{uz}{}。实际支出{}{uz}{}{}{note}。",
        amount("预算支出"),
        list("预算支出", &fund.budget_expense),
        amount("实际支出"),
        list("实际支出", &fund.actual_expense),
        rate("支出完成率")
    )));
    let mut s = format!("{y}年度当期收支结余{}{uz}", amount("当期结余"));
    if f.ledger().get(&format!("{n}.期末结余")).is_some() {
        if fund.opening_balance.is_some() {
            s += &format!("，期初结余{}{uz}", amount("期初结余"));
        }
        s += &format!("，期末滚存结余{}{uz}", amount("期末结余"));
    }
    s.push('。');
    out.push(Block::p(s));
    if let Some(note) = &fund.note {
        out.push(Block::p(note.clone()));
    }
}
