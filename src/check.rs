//! 审核: the rule catalogue and the checks that run before anything is
//! printed. Each rule has a stable ID, a one-line Chinese description and a
//! severity; errors block a unit's documents, warnings never do.
//!
//! Public entry: [`check_final_accounts`]. Sums inside tables are compared
//! exactly (layouts.md §3); values users also typed (a 合计, a 类/款 row, a
//! stated budget total) are compared with the computed ones.

use std::path::Path;

use crate::derive::Layout;
use crate::diagnostic::{Diagnostic, Severity};
use crate::ledger::Ledger;
use crate::model::{Amount, Catalogue, Code, ExpenseRow, FinalAccounts, IncomeRow, Loc, val};
use crate::money::Money;

/// One rule of the catalogue.
pub struct Rule {
    pub id: &'static str,
    pub severity: Severity,
    pub description: &'static str,
}

use Severity::{Error, Info, Warning};

/// Every rule, in the order `gongkai check --list-rules` prints them.
pub const RULES: &[Rule] = &[
    Rule { id: "L-IO", severity: Error, description: "文件无法读取（权限、不存在等）" },
    Rule { id: "L-YAML", severity: Error, description: "YAML 语法错误" },
    Rule { id: "L-TYPE", severity: Error, description: "值的类型不对（如应为列表却写了数字）" },
    Rule { id: "L-UNKNOWN-KEY", severity: Error, description: "未知的键（给出最接近的正确写法）" },
    Rule { id: "L-MISSING-KEY", severity: Error, description: "缺少必填的键" },
    Rule { id: "L-DUPLICATE-KEY", severity: Error, description: "同一映射中键重复" },
    Rule {
        id: "L-VALUE",
        severity: Error,
        description: "金额或科目编码写法无效（超过两位小数、科学计数法、编码位数不对等）",
    },
    Rule { id: "L-ENCODING", severity: Error, description: "文件不是 UTF-8 编码（如 GBK）" },
    Rule { id: "L-EMPTY", severity: Error, description: "文件为空" },
    Rule { id: "L-TOO-LARGE", severity: Error, description: "文件超过大小上限" },
    Rule { id: "L-LIMIT", severity: Error, description: "YAML 嵌套过深或别名过多" },
    Rule { id: "L-YEAR", severity: Error, description: "year 与所在年度文件夹不一致" },
    Rule { id: "L-NO-DATA", severity: Error, description: "所给路径下没有任何单位年度数据" },
    Rule { id: "L-NO-YEAR", severity: Error, description: "单位文件夹中没有任何年度数据" },
    Rule { id: "L-PROFILE", severity: Error, description: "找不到或无法读取版式方案 / 分类目录" },
    Rule {
        id: "L-PARTS",
        severity: Error,
        description: "版式方案的 parts 有误（text 部分缺 key 或 title、同一种部分写了两次、没有 tables 却列了公开表）",
    },
    Rule {
        id: "N-TEXT",
        severity: Error,
        description: "版式方案要的文字或人员情况（texts.<key>、staff）未填写，或 texts 中有版式方案不印的键",
    },
    Rule {
        id: "L-FORM",
        severity: Error,
        description: "公开表的表式有误（表头或行没有正好填满各列、表或列不存在）或找不到表式文件",
    },
    Rule {
        id: "C-CODE-UNKNOWN",
        severity: Error,
        description: "功能分类编码不在本年度分类目录中，也没有写 name:（否则表中没有科目名称）",
    },
    Rule { id: "C-CODE-DUPLICATE", severity: Error, description: "同一科目编码在一张表中出现多次" },
    Rule {
        id: "C-ECON-CODE", severity: Error, description: "公开06表 经济分类编码不在固定行列表中，或填了类级编码"
    },
    Rule {
        id: "C-CATALOGUE-YEAR", severity: Warning, description: "没有本年度的分类目录，使用了其他年度的"
    },
    Rule { id: "C-NEGATIVE", severity: Error, description: "表内金额不应为负数" },
    Rule { id: "T02-1", severity: Error, description: "公开02表 每行：本年收入合计 = 各项收入之和" },
    Rule {
        id: "T02-3", severity: Error, description: "公开02表 类 = Σ款，款 = Σ项（录入的类、款行与计算值比对）"
    },
    Rule {
        id: "T03-1",
        severity: Error,
        description: "公开03表 每行：本年支出合计 = 基本支出 + 项目支出 + 上缴上级 + 经营 + 对附属单位补助",
    },
    Rule {
        id: "T03-3", severity: Error, description: "公开03表 类 = Σ款，款 = Σ项（录入的类、款行与计算值比对）"
    },
    Rule {
        id: "T01-6",
        severity: Error,
        description: "公开01表 年末结转和结余 = 总计 − 本年支出合计 − 结余分配，且不为负",
    },
    Rule {
        id: "T04-5",
        severity: Error,
        description: "公开04表 年末财政拨款结转和结余不为负（财政拨款支出不超过可用财政拨款）",
    },
    Rule {
        id: "X-8", severity: Error, description: "公开05表 基本支出合计 = 公开06表 人员经费合计 + 公用经费合计"
    },
    Rule {
        id: "X-9",
        severity: Error,
        description: "每个科目：财政拨款基本/项目支出（公开05）不超过全部资金基本/项目支出（公开03）",
    },
    Rule {
        id: "X-10",
        severity: Warning,
        description: "公开07表 三公决算数不小于公开06表对应经济科目（30212/30217/30231/31013）",
    },
    Rule {
        id: "N-9", severity: Error, description: "第三部分 五（三）所述年初预算总数 = 各项年初预算之和"
    },
    Rule {
        id: "N-PREV", severity: Error, description: "同比所需的上年数缺失（无上年数据文件，也未填 previous）"
    },
    Rule { id: "N-REASON", severity: Warning, description: "句子需要的原因说明未填写" },
    Rule {
        id: "N-MISSING",
        severity: Error,
        description: "句子需要的数未填写（如机关运行经费的年初预算数），不按 0 印出",
    },
    Rule {
        id: "N-PREV-STATED",
        severity: Warning,
        description: "previous: 中填写的上年数与仓库中上年数据文件计算的不同（以数据文件为准）",
    },
    Rule {
        id: "N-TODO", severity: Error, description: "还有“【待填写：…】”占位文字（gongkai new 生成的模板）"
    },
    Rule {
        id: "N-ECON",
        severity: Error,
        description: "绩效报告中按经济分类各项之和 = 对应的实际数（只差尾数 0.01 时为警告）",
    },
    Rule {
        id: "P-FUND", severity: Error, description: "计算段落 fund:<名称> 指向的基金在 funds: 中不存在"
    },
    Rule {
        id: "P-1", severity: Error, description: "绩效自评表：分值合计（预算执行 10 + 各指标）= 100"
    },
    Rule {
        id: "P-2", severity: Error, description: "绩效自评表：各一级指标下二级指标分值之和 = 规定权重"
    },
    Rule { id: "P-4", severity: Error, description: "绩效自评表：得分不超过分值" },
    Rule {
        id: "P-6", severity: Warning, description: "绩效自评表：填写的预算执行得分 = 分值 × 执行率"
    },
    Rule {
        id: "P-SCORE",
        severity: Warning,
        description: "绩效自评表按规则计分（score_by_rule）：填写的得分 = 按财预〔2020〕10号计算的得分；不能计算时为错误",
    },
    Rule {
        id: "P-QUAL", severity: Error, description: "绩效自评表：定性指标的得分在其完成档次（grade）的分值区间内"
    },
    Rule { id: "P-FORM", severity: Error, description: "绩效自评表：form 所写的自评表表式存在" },
    Rule {
        id: "P-TARGET",
        severity: Error,
        description: "绩效自评表：一个指标只写 target（照印的指标值）或 nature/value（性质、值、单位），不两样都写",
    },
    Rule {
        id: "P-UNPRINTED",
        severity: Warning,
        description: "绩效自评表：数据中写了表式没有位置印出的文字（评价结论、偏差原因、报表编号……）",
    },
    Rule {
        id: "P-9",
        severity: Error,
        description: "整体支出绩效自评表：年初预算数 = 按收入性质分之和 = 按支出性质分之和",
    },
    Rule {
        id: "P-12", severity: Error, description: "基础数据表专项决算数 = 项目支出绩效自评表全年执行数"
    },
    Rule {
        id: "B-6", severity: Error, description: "基础数据表公用经费决算数 = 公开06表公用经费合计"
    },
    Rule { id: "B-8", severity: Error, description: "基础数据表项目支出决算数 = 部门决算项目支出" },
    Rule {
        id: "S-STATED",
        severity: Error,
        description: "stated: 中已公布的数字 = 计算值（金额只差 0.01、百分数只差末位时为警告）",
    },
    Rule {
        id: "S-KEY", severity: Error, description: "stated: 中的名称不是可比对的数字（给出最接近的名称）"
    },
    Rule {
        id: "R-TYPST", severity: Error, description: "排版失败（模板生成的 Typst 有误或字体缺失）"
    },
    Rule {
        id: "S-ROUNDING",
        severity: Info,
        description: "填写的数与计算值相差不超过所用各数的舍入误差（尾差）：按填写的数印出",
    },
    Rule {
        id: "T05-1", severity: Error, description: "公开05表 类 = Σ款，款 = Σ项（录入的类、款行与计算值比对）"
    },
    Rule {
        id: "T08-1", severity: Error, description: "公开08表 类 = Σ款，款 = Σ项（录入的类、款行与计算值比对）"
    },
    Rule {
        id: "T09-1", severity: Error, description: "公开09表 类 = Σ款，款 = Σ项（录入的类、款行与计算值比对）"
    },
    Rule {
        id: "X-TYPED", severity: Error, description: "同一数字在部门决算和绩效自评中都填写了，两处不一致"
    },
    Rule {
        id: "X-PROJ",
        severity: Error,
        description: "各项目支出绩效自评表全年执行数之和 = 部门决算 项目支出（all_projects: true 时为错误，否则为警告）",
    },
    Rule {
        id: "X-BUDGET",
        severity: Error,
        description: "整体支出绩效自评表 年初预算（一般公共预算）= 部门决算 五（三）财政拨款支出年初预算数",
    },
    Rule {
        id: "B-9",
        severity: Error,
        description: "基础数据表 三公经费各栏 = 部门决算（或绩效自评 numbers）中的“三公”经费",
    },
    Rule {
        id: "B-10",
        severity: Error,
        description: "基础数据表 公用经费其中各行本年决算数 = 公开06表对应经济科目之和",
    },
    Rule {
        id: "B-11", severity: Error, description: "基础数据表 政府采购金额本年决算数 = 部门决算 政府采购支出总额"
    },
    Rule {
        id: "P-13",
        severity: Error,
        description: "项目支出绩效自评表 成本指标的实际完成值（金额）= 本表全年执行数",
    },
    Rule {
        id: "P-DUP", severity: Error, description: "项目或基金名称重复（名称用于区分各表的数字）"
    },
    Rule {
        id: "C-SCALE",
        severity: Warning,
        description: "决算.yaml 没有写金额单位（unit:），而金额大到像是以元填写的",
    },
    Rule { id: "N-DATE", severity: Error, description: "生成 PDF/A 需要文档日期（publish_date）" },
    Rule {
        id: "P-COMPUTED", severity: Error, description: "计算段落需要的数据（如 numbers.staff、projects）没有填写"
    },
    Rule {
        id: "C-LIST-EMPTY", severity: Error, description: "句子需要的列表为空（如内设机构、部门职责）"
    },
    Rule {
        id: "H-MEMBER",
        severity: Error,
        description: "汇总：成员单位文件夹不存在、没有该年度决算数据、未通过审核，或重复列出",
    },
    Rule { id: "H-CLAIM", severity: Error, description: "汇总：同一决算单位被两个部门汇总" },
    Rule {
        id: "H-UNLISTED", severity: Warning, description: "汇总：主管部门是本部门的单位没有列在 consolidates 中"
    },
    Rule {
        id: "H-ELIM",
        severity: Error,
        description: "汇总：内部往来两边不相等（下属单位上级补助收入 = 本级对附属单位补助支出，本级附属单位上缴收入 = 下属单位上缴上级支出）",
    },
    Rule { id: "H-OFFSET", severity: Info, description: "汇总：抵销的内部往来（成员单位、金额）" },
    Rule {
        id: "H-AMOUNT", severity: Error, description: "汇总：部门自己的决算.yaml 填了金额或数量（应来自成员单位）"
    },
];

/// Runs every 部门决算 rule on one unit-year: the data's own rules here;
/// the sums, typed totals and stated figures were compared as `derive`
/// defined them (their findings are in the ledger). `file` is its 决算.yaml.
pub fn check_final_accounts(
    l: &mut Ledger,
    file: &Path,
    fa: &FinalAccounts,
    layout: &Layout,
    cat: &Catalogue,
) -> Vec<Diagnostic> {
    let mut c = Ctx { file, out: Vec::new() };
    if cat.func.year != fa.year {
        c.push(
            "C-CATALOGUE-YEAR",
            Loc::default(),
            format!(
                "没有 {} 年的功能分类目录，使用的是 {}；若科目有调整，请复制为数据目录下的 catalogue/功能分类-{}.yaml，并把其中的 year 改为本年度",
                fa.year, cat.func.origin, fa.year
            ),
        );
    }
    for code in &layout.unknown_codes {
        let level = match code.code.len() {
            3 => "类",
            5 => "款",
            _ => "项",
        };
        let written = fa.income.iter().chain_codes(&fa.expense).any(|c| c.code == code.code);
        let how = if written {
            format!("请在 {} 行写 name:", code.code)
        } else {
            format!("它是本行科目的上级{level}，数据中没有这一行：请加一行 - code: \"{}\" 并写 name:", code.code)
        };
        c.push(
            "C-CODE-UNKNOWN",
            code.at,
            format!(
                "{level}级科目 {} 没有名称：本年度所用的分类目录 {} 中没有它；{how}，或在分类目录中补充（复制为数据目录下的 catalogue/功能分类-{}.yaml）",
                code.code, cat.func.origin, fa.year
            ),
        );
    }
    duplicates_and_negatives(&mut c, fa, cat);
    // C-SCALE: a file that does not say its unit is read in 万元; amounts
    // typed in 元 would print ten thousand times too large.
    let total = l.m("公开01.收入总计");
    if fa.unit.is_none() && total >= Money::from_int(1_000_000) {
        c.push(
            "C-SCALE",
            Loc { line: 1, column: 1 },
            format!(
                "收支总计按万元读为 {} 万元（{} 亿元），不像一个单位的决算：若本文件的金额是以元填写的，请在文件开头写 unit: 元（程序精确换算为万元）；确为万元请写 unit: 万元",
                total.trimmed(),
                crate::money::Unit::Yiyuan.from_wanyuan(total).round(2).trimmed()
            ),
        );
    }
    balances(&mut c, l);
    // 公开05 基本支出 = 公开06 人员 + 公用.
    if let (Some(a), Some(b)) = (l.id("公开05.合计.基本支出"), l.id("公开06.合计")) {
        l.check_same(a, b, "X-8", Error, "公开05表 基本支出合计与公开06表 人员经费合计 + 公用经费合计");
    }
    x9_fiscal_within_all_funds(&mut c, fa);
    // 三公 actuals vs the basic-expenditure economic codes.
    for (code, col, name) in [
        ("30217", "公务接待费", "公务接待费"),
        ("30231", "公务用车运行费", "公务用车运行费"),
        ("30212", "因公出国（境）费", "因公出国（境）费"),
        ("31013", "公务用车购置费", "公务用车购置费"),
    ] {
        let item = l.m(&format!("公开07.决算.{col}"));
        if let Some(e) = fa.basic_by_econ.get(code)
            && item < fa.unit.unwrap_or_default().to_wanyuan(e.value)
        {
            c.push(
                "X-10",
                e.at,
                format!(
                    "公开07表 {name} 决算数 {} 小于 公开06表 {code} 的基本支出 {}",
                    item.trimmed(),
                    l.m(&format!("公开06.{code}")).trimmed()
                ),
            );
        }
    }
    // Reasons the sentences need: 决算数 differs from 年初预算数.
    for r in fa.expense.iter().filter(|r| r.code.code.len() == 7) {
        let code = &r.code.code;
        let (actual, budget) = (l.m(&format!("五（三）.{code}.决算数")), l.m(&format!("五（三）.{code}.年初预算数")));
        if actual != budget && crate::render::clause(r.reason.as_deref().unwrap_or("")).is_empty() {
            c.push(
                "N-REASON",
                r.code.at,
                format!("科目 {code} 缺少 reason（决算数与年初预算数差异的原因，第三部分 五（三））"),
            );
        }
    }
    check_reasons(&mut c, fa, l);
    c.out.sort_by_key(|d| (d.line, d.column));
    c.out
}

/// N-TEXT: what the profile's parts and 第一部分 print that only the unit
/// can write — a text part's paragraphs, the 人员情况 — is in the data; and
/// no text is written that no part prints.
pub fn check_profile_data(file: &Path, fa: &FinalAccounts, profile: &crate::model::Profile) -> Vec<Diagnostic> {
    let mut c = Ctx { file, out: Vec::new() };
    let keys: Vec<&str> = profile.parts.iter().filter_map(|p| p.key.as_deref()).collect();
    for p in profile.parts.iter().filter(|p| p.kind == crate::model::PartKind::Text) {
        let key = p.key.as_deref().unwrap_or("");
        if fa.texts.get(key).is_none_or(|t| t.iter().all(|s| s.trim().is_empty())) {
            let title = p.title.as_deref().unwrap_or("");
            c.push(
                "N-TEXT",
                Loc { line: 1, column: 1 },
                format!(
                    "版式方案 {} 有“{title}”一部分，其文字应写在 texts.{key} 下（若干段），本文件没有",
                    profile.name
                ),
            );
        }
    }
    for key in fa.texts.keys().filter(|k| !keys.contains(&k.as_str())) {
        let near = crate::model::did_you_mean(key, keys.iter().copied());
        let at = line_of(file, &format!("{key}:"));
        c.push(
            "N-TEXT",
            at,
            format!(
                "texts.{key} 不会印出：版式方案 {} 没有 key 为“{key}”的部分{near}（有：{}）",
                profile.name,
                if keys.is_empty() { "无".to_string() } else { keys.join("、") }
            ),
        );
    }
    if profile.part1.staff && fa.staff.is_none() {
        c.push(
            "N-TEXT",
            Loc { line: 1, column: 1 },
            format!("版式方案 {} 在第一部分印人员情况，本文件没有 staff（authorized 编制数、active 在职、dispatched 派遣、retired 退休）", profile.name),
        );
    }
    c.out
}

/// The first line of `file` whose text (trimmed) starts with `start`, or the top.
fn line_of(file: &Path, start: &str) -> Loc {
    let text = std::fs::read_to_string(file).unwrap_or_default();
    text.lines()
        .position(|l| l.trim_start().starts_with(start))
        .map(|i| Loc { line: i as u32 + 1, column: 1 })
        .unwrap_or(Loc { line: 1, column: 1 })
}

/// Context for locating findings.
struct Ctx<'a> {
    file: &'a Path,
    out: Vec<Diagnostic>,
}

impl Ctx<'_> {
    fn push(&mut self, rule: &'static str, at: Loc, msg: String) -> &mut Diagnostic {
        let sev = RULES.iter().find(|r| r.id == rule).map(|r| r.severity).unwrap_or(Error);
        self.out.push(Diagnostic::new(rule, sev, self.file, at, msg));
        self.out.last_mut().expect("just pushed")
    }
}

trait ChainCodes<'a> {
    fn chain_codes(self, other: &'a [ExpenseRow]) -> Box<dyn Iterator<Item = &'a Code> + 'a>;
}

impl<'a, I: Iterator<Item = &'a IncomeRow> + 'a> ChainCodes<'a> for I {
    fn chain_codes(self, other: &'a [ExpenseRow]) -> Box<dyn Iterator<Item = &'a Code> + 'a> {
        Box::new(self.map(|r| &r.code).chain(other.iter().map(|r| &r.code)))
    }
}

fn duplicates_and_negatives(c: &mut Ctx, fa: &FinalAccounts, cat: &Catalogue) {
    for (what, codes) in [
        ("支出", fa.expense.iter().map(|r| &r.code).collect::<Vec<_>>()),
        ("收入", fa.income.iter().map(|r| &r.code).collect::<Vec<_>>()),
    ] {
        let mut seen = std::collections::BTreeMap::new();
        for code in codes {
            if let Some(prev) = seen.insert(code.code.clone(), code.at) {
                c.push(
                    "C-CODE-DUPLICATE",
                    code.at,
                    format!("{what}科目 {} 重复出现（第一次在第 {} 行）", code.code, prev.line),
                );
            }
        }
    }
    let mut amounts: Vec<(&str, &Option<Amount>)> = Vec::new();
    for r in &fa.income {
        for a in [&r.fiscal, &r.gov_fund, &r.superior, &r.business, &r.operating, &r.affiliated, &r.other] {
            amounts.push(("公开02表", a));
        }
    }
    for r in &fa.expense {
        for a in [
            &r.basic,
            &r.project,
            &r.remit_superior,
            &r.operating,
            &r.affiliated,
            &r.fiscal_basic,
            &r.fiscal_project,
            &r.fiscal_initial_budget,
        ] {
            amounts.push(("公开03/05表", a));
        }
    }
    let tp = &fa.three_public;
    for i in [&tp.budget, &tp.actual] {
        for a in [&i.abroad, &i.car_purchase, &i.car_running, &i.reception] {
            amounts.push(("公开07表", a));
        }
    }
    for (table, a) in amounts {
        if let Some(a) = a
            && a.value.is_negative()
        {
            c.push("C-NEGATIVE", a.at, format!("{table} 金额 {} 为负数", a.value.trimmed()));
        }
    }
    for (code, a) in &fa.basic_by_econ {
        if a.value.is_negative() {
            c.push("C-NEGATIVE", a.at, format!("公开06表 {code} 金额 {} 为负数", a.value.trimmed()));
        }
        let known = cat.econ_name(code);
        if code.len() != 5 || known.is_none() {
            let why = if code.len() == 3 {
                "类级小计由程序计算，只填款级（5 位）编码".to_string()
            } else {
                format!("不在公开06表的固定行列表中（分类目录 {}）", cat.econ.origin)
            };
            c.push("C-ECON-CODE", a.at, format!("公开06表 经济分类编码 {code} 无效：{why}"));
        }
    }
}

/// T01-6 and T04-5: no balance may be negative.
fn balances(c: &mut Ctx, l: &Ledger) {
    let closing = l.get("公开01.年末结转和结余").expect("derived");
    if closing.typed.is_none() && closing.value.money().is_negative() {
        c.push(
            "T01-6",
            Loc::default(),
            format!(
                "公开01表 收支不平衡：收入总计 {} 小于 本年支出合计 {}（年末结转和结余将为 {}）",
                l.m("公开01.收入总计").trimmed(),
                l.m("公开03.合计.本年支出合计").trimmed(),
                closing.value.money().trimmed()
            ),
        );
    }
    let fc = l.m("公开04.年末财政拨款结转和结余");
    if fc.is_negative() {
        c.push(
            "T04-5",
            Loc::default(),
            format!("公开04表 财政拨款支出超过财政拨款收入与年初结转之和：年末财政拨款结转和结余为 {}", fc.trimmed()),
        );
    }
}

/// fiscal parts within all-funds parts, per code.
fn x9_fiscal_within_all_funds(c: &mut Ctx, fa: &FinalAccounts) {
    for r in fa.expense.iter().filter(|r| r.code.code.len() == 7) {
        for (fiscal, all, what) in
            [(&r.fiscal_basic, &r.basic, "基本支出"), (&r.fiscal_project, &r.project, "项目支出")]
        {
            if let Some(fv) = fiscal
                && fv.value > val(all)
            {
                let d = c.push(
                    "X-9",
                    fv.at,
                    format!(
                        "{} 财政拨款{what} {}（公开05表）大于 全部资金{what} {}（公开03表）（差 {}）",
                        r.code.code,
                        fv.value.trimmed(),
                        val(all).trimmed(),
                        (fv.value - val(all)).trimmed()
                    ),
                );
                d.expected = Some(format!("≤ {}", val(all).trimmed()));
                d.actual = Some(fv.value.trimmed());
                d.difference = Some((fv.value - val(all)).signed());
            }
        }
    }
}

/// N-REASON for the year-over-year sentences: a figure that changed needs
/// its reason (the sentence would otherwise stop at the number), and a
/// 公务接待费 needs the receptions it paid for.
fn check_reasons(c: &mut Ctx, fa: &FinalAccounts, l: &Ledger) {
    // Blank as printed: a reason of only punctuation or a lead-in prints nothing.
    let blank = |s: &Option<String>| s.as_deref().is_none_or(|s| crate::render::clause(s).is_empty());
    let r = &fa.reasons;
    for (change, reason, key, what) in [
        ("一.增减", &r.total_change, "reasons.total_change", "收、支总计"),
        ("四.增减", &r.fiscal_change, "reasons.fiscal_change", "财政拨款收、支总计"),
        ("五（一）.增减", &r.fiscal_expense_change, "reasons.fiscal_expense_change", "财政拨款支出"),
        ("机关运行经费.增减", &r.org_running_cost, "reasons.org_running_cost", "机关运行经费"),
    ] {
        let base = change.replace(".增减", "");
        let before = match base.as_str() {
            "一" => "上年.收支总计",
            "四" => "上年.财政拨款收支总计",
            "五（一）" => "上年.财政拨款支出",
            _ => "机关运行经费.比较基数",
        };
        let now = match base.as_str() {
            "一" => "一.收支总计",
            "四" => "四.财政拨款收支总计",
            "五（一）" => "公开05.合计.小计",
            _ => "机关运行经费",
        };
        // No base figure typed (a zero 年初预算 not given): nothing to explain.
        let given = l.get(before).is_some_and(|e| e.formula != crate::ledger::Formula::Blank);
        if given && !l.m(change).is_zero() && blank(reason) {
            // At the line that typed the figure the change is measured from
            // (previous.total, org_running_cost_budget …), when this file has it.
            let file = c.file.to_path_buf();
            let at = [before, now]
                .iter()
                .filter_map(|n| l.id(n))
                .flat_map(|id| l.sources(id))
                .find(|s| l.file_path(s.file) == file && s.at.line > 0)
                .map(|s| s.at)
                .unwrap_or_default();
            c.push(
                "N-REASON",
                at,
                format!("{what}由 {} 变为 {}，缺少 {key}（增减原因）", l.m(before).trimmed(), l.m(now).trimmed()),
            );
        }
    }
    let tp = &fa.three_public;
    if let Some(a) = tp.actual.reception
        && !a.value.is_zero()
        && tp.reception_groups == 0
    {
        c.push(
            "N-REASON",
            a.at,
            format!("公务接待费 {} 万元，但 three_public.reception_groups（接待团组数）为 0", a.value.as_entered()),
        );
    }
}

/// The catalogue as text, for `gongkai check --list-rules`.
pub fn list_rules() -> String {
    let mut s = String::new();
    for r in RULES {
        s += &format!("{:<16} {:<4} {}\n", r.id, r.severity.zh(), r.description);
    }
    s
}

/// The marker `gongkai new` puts where text must be written.
pub const PLACEHOLDER: &str = "【待填写";

/// N-TODO: every placeholder still in a data file (outside comments), at its
/// line and column, so that a template never prints as a public document.
pub fn placeholders(file: &Path) -> Vec<Diagnostic> {
    let Ok(text) = std::fs::read_to_string(file) else { return vec![] };
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let comment = if line.trim_start().starts_with('#') { 0 } else { line.find(" #").unwrap_or(line.len()) };
        for (at, _) in line.match_indices(PLACEHOLDER).filter(|(at, _)| *at < comment) {
            let rest = &line[at..];
            let shown = rest.find('】').map(|end| &rest[..end + '】'.len_utf8()]).unwrap_or(rest);
            out.push(Diagnostic::new(
                "N-TODO",
                Error,
                file,
                Loc { line: i as u32 + 1, column: line[..at].chars().count() as u32 + 1 },
                format!("还没有填写：{shown}"),
            ));
        }
    }
    out
}

/// C-LIST-EMPTY: the lists 第一部分's sentences are built from. An empty
/// 内设机构 or 决算单位构成 list would print “内设机构包括：。”; an empty
/// 职责 list with no lead-in sentence would leave its heading alone.
pub fn check_unit(file: &Path, unit: &crate::model::Unit) -> Vec<Diagnostic> {
    let mut c = Ctx { file, out: Vec::new() };
    let blank = |xs: &[String]| xs.iter().all(|x| crate::render::clause(x).is_empty());
    if blank(&unit.internal_departments) {
        c.push(
            "C-LIST-EMPTY",
            Loc::default(),
            "internal_departments（内设机构）为空：第一部分 二（一）的句子“…内设机构包括：…”要列出至少一个内设机构"
                .into(),
        );
    }
    if blank(&unit.budget_units) {
        c.push(
            "C-LIST-EMPTY",
            Loc::default(),
            format!("budget_units（决算单位构成）为空：第一部分 二（二）要列出决算单位，如“{}本级”", unit.name),
        );
    }
    if blank(&unit.duties) && unit.duties_intro.trim().is_empty() {
        c.push(
            "C-LIST-EMPTY",
            Loc::default(),
            "duties（部门职责）和 duties_intro 都为空：第一部分 一、部门职责 下没有内容".into(),
        );
    }
    c.out
}
