//! 审核: the rule catalogue and the checks that run before anything is
//! printed. Each rule has a stable ID, a one-line Chinese description and a
//! severity; errors block a unit's documents, warnings never do.
//!
//! Public entry: [`check_final_accounts`]. Sums inside tables are compared
//! exactly (layouts.md §3); values users also typed (a 合计, a 类/款 row, a
//! stated budget total) are compared with the computed ones.

use std::path::Path;

use crate::derive::Derived;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{Amount, Catalogue, ExpenseRow, FinalAccounts, IncomeRow, Loc, val};
use crate::money::Money;

/// One rule of the catalogue.
pub struct Rule {
    pub id: &'static str,
    pub severity: Severity,
    pub description: &'static str,
}

use Severity::{Error, Warning};

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
];

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

    fn mismatch(&mut self, rule: &'static str, at: Loc, what: String, found: Money, expected: Money, formula: String) {
        if found == expected {
            return;
        }
        let diff = found - expected;
        let rhs = if formula.ends_with(&format!(" {}", expected.trimmed())) {
            formula
        } else {
            format!("{formula} = {}", expected.trimmed())
        };
        self.push(rule, at, format!("{what} {} ≠ {rhs}（差 {}）", found.as_entered(), diff.abs().trimmed())).expected =
            Some(expected.trimmed());
        let d = self.out.last_mut().expect("pushed");
        d.actual = Some(found.as_entered());
        d.difference = Some(diff.signed());
    }
}

/// Runs every 部门决算 rule on one unit-year. `file` is its 决算.yaml.
pub fn check_final_accounts(file: &Path, fa: &FinalAccounts, d: &Derived, cat: &Catalogue) -> Vec<Diagnostic> {
    let mut c = Ctx { file, out: Vec::new() };

    if cat.func.year != fa.year {
        c.push(
            "C-CATALOGUE-YEAR",
            Loc::default(),
            format!(
                "没有 {} 年的功能分类目录，使用的是 {} 年的；若科目有调整，请复制为数据目录下的 catalogue/功能分类-{}.yaml，并把其中的 year 改为本年度",
                fa.year, cat.func.year, fa.year
            ),
        );
    }
    for code in &d.unknown_codes {
        c.push(
            "C-CODE-UNKNOWN",
            code.at,
            format!(
                "科目编码 {} 不在 {} 年功能分类目录中：请在该行写 name:，或在 data/catalogue/功能分类-{}.yaml 中补充名称",
                code.code, cat.func.year, cat.func.year
            ),
        );
    }

    // Duplicates and negatives.
    let mut seen = std::collections::BTreeMap::new();
    for r in &fa.expense {
        if let Some(prev) = seen.insert(r.code.code.clone(), r.code.at) {
            c.push(
                "C-CODE-DUPLICATE",
                r.code.at,
                format!("支出科目 {} 重复出现（第一次在第 {} 行）", r.code.code, prev.line),
            );
        }
    }
    seen.clear();
    for r in &fa.income {
        if let Some(prev) = seen.insert(r.code.code.clone(), r.code.at) {
            c.push(
                "C-CODE-DUPLICATE",
                r.code.at,
                format!("收入科目 {} 重复出现（第一次在第 {} 行）", r.code.code, prev.line),
            );
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
                "类级小计由程序计算，只填款级（5 位）编码"
            } else {
                "不在公开06表的固定行列表中"
            };
            c.push("C-ECON-CODE", a.at, format!("公开06表 经济分类编码 {code} 无效：{why}"));
        }
    }

    // Row totals typed by the user.
    for r in fa.income.iter().filter(|r| r.code.code.len() == 7) {
        if let Some(t) = r.total {
            let parts = income_parts(r);
            c.mismatch(
                "T02-1",
                t.at,
                format!("公开02表 {} 本年收入合计", r.code.code),
                t.value,
                parts.iter().sum(),
                "各项收入之和".into(),
            );
        }
    }
    for r in fa.expense.iter().filter(|r| r.code.code.len() == 7) {
        if let Some(t) = r.total {
            let parts = expense_parts(r);
            let names = ["基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出"];
            let formula: Vec<String> = parts
                .iter()
                .zip(names)
                .filter(|(m, _)| !m.is_zero())
                .map(|(m, n)| format!("{n} {}", m.trimmed()))
                .collect();
            c.mismatch(
                "T03-1",
                t.at,
                format!(
                    "公开03表 {} {} 本年支出合计",
                    r.code.code,
                    d.expense.row(&r.code.code).map(|x| x.name.as_str()).unwrap_or("")
                ),
                t.value,
                parts.iter().sum(),
                formula.join(" + "),
            );
        }
    }

    // 类/款 rows typed by the user, against the computed hierarchy.
    for r in fa.income.iter().filter(|r| r.code.code.len() < 7) {
        let Some(row) = d.income.row(&r.code.code) else {
            c.push("T02-3", r.code.at, format!("公开02表 录入了 {} 行，但没有属于它的项级科目", r.code.code));
            continue;
        };
        let names = ["财政拨款收入", "上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入"];
        let entered = [
            r.fiscal.map(|a| Amount { value: a.value + val(&r.gov_fund), at: a.at }),
            r.superior,
            r.business,
            r.operating,
            r.affiliated,
            r.other,
        ];
        for (k, (e, n)) in entered.iter().zip(names).enumerate() {
            if let Some(a) = e {
                c.mismatch(
                    "T02-3",
                    a.at,
                    format!("公开02表 {} {} {n}", row.code, row.name),
                    a.value,
                    row.values[k + 1],
                    "下级科目之和".into(),
                );
            }
        }
    }
    for r in fa.expense.iter().filter(|r| r.code.code.len() < 7) {
        let Some(row) = d.expense.row(&r.code.code) else {
            c.push("T03-3", r.code.at, format!("公开03表 录入了 {} 行，但没有属于它的项级科目", r.code.code));
            continue;
        };
        let names = ["基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出"];
        let entered = [r.basic, r.project, r.remit_superior, r.operating, r.affiliated];
        for (k, (e, n)) in entered.iter().zip(names).enumerate() {
            if let Some(a) = e {
                let kids: Vec<String> = d
                    .expense
                    .rows
                    .iter()
                    .filter(|x| x.code.len() == row.code.len() + 2 && x.code.starts_with(&row.code))
                    .map(|x| format!("{} {}", x.code, x.values[k + 1].trimmed()))
                    .collect();
                c.mismatch(
                    "T03-3",
                    a.at,
                    format!("公开03表 {} {} {n}", row.code, row.name),
                    a.value,
                    row.values[k + 1],
                    kids.join(" + "),
                );
            }
        }
    }

    // Balances.
    if let Some(closing) = fa.balances.closing {
        c.mismatch(
            "T01-6",
            closing.at,
            "公开01表 年末结转和结余".into(),
            closing.value,
            d.closing,
            "总计 − 本年支出合计 − 结余分配".into(),
        );
    } else if d.closing.is_negative() {
        c.push(
            "T01-6",
            Loc::default(),
            format!(
                "公开01表 收支不平衡：收入总计 {} 小于 本年支出合计 {}（年末结转和结余将为 {}）",
                d.grand_total.trimmed(),
                d.expense_total.trimmed(),
                d.closing.trimmed()
            ),
        );
    }
    let fiscal_closing = d.t04.rows.iter().find(|(_, r)| r.label == "年末财政拨款结转和结余").map(|(_, r)| r.values[0]);
    if let Some(fc) = fiscal_closing
        && fc.is_negative()
    {
        c.push(
            "T04-5",
            Loc::default(),
            format!("公开04表 财政拨款支出超过财政拨款收入与年初结转之和：年末财政拨款结转和结余为 {}", fc.trimmed()),
        );
    }

    // 公开05 基本支出 = 公开06 人员 + 公用.
    let t06 = d.econ.personnel + d.econ.public;
    if d.fiscal.total[1] != t06 {
        let at = fa.basic_by_econ.values().next().map(|a| a.at).unwrap_or_default();
        c.mismatch(
            "X-8",
            at,
            "公开05表 基本支出合计".into(),
            d.fiscal.total[1],
            t06,
            format!("公开06表 人员经费合计 {} + 公用经费合计 {}", d.econ.personnel.trimmed(), d.econ.public.trimmed()),
        );
    }

    // fiscal parts within all-funds parts, per code.
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

    // 三公 actuals vs the basic-expenditure economic codes.
    let a = &d.three_public_actual;
    for (code, item, name) in [
        ("30217", a.reception, "公务接待费"),
        ("30231", a.car_running, "公务用车运行费"),
        ("30212", a.abroad, "因公出国（境）费"),
        ("31013", a.car_purchase, "公务用车购置费"),
    ] {
        if let Some(e) = fa.basic_by_econ.get(code)
            && item < e.value
        {
            c.push(
                "X-10",
                e.at,
                format!(
                    "公开07表 {name} 决算数 {} 小于 公开06表 {code} 的基本支出 {}",
                    item.trimmed(),
                    e.value.trimmed()
                ),
            );
        }
    }

    // N-9: stated 年初预算 total.
    if let Some(stated) = fa.declared.fiscal_initial_budget {
        let sum: Money = d.budget_items.iter().map(|i| i.initial_budget).sum();
        c.mismatch(
            "N-9",
            stated.at,
            "第三部分 五（三）财政拨款支出年初预算数".into(),
            stated.value,
            sum,
            "各项级科目年初预算之和".into(),
        );
    }

    // Reasons the sentences need: 决算数 differs from 年初预算数.
    for r in fa.expense.iter().filter(|r| r.code.code.len() == 7) {
        let actual = val(&r.fiscal_basic) + val(&r.fiscal_project);
        if actual != val(&r.fiscal_initial_budget)
            && crate::render::clause(r.reason.as_deref().unwrap_or("")).is_empty()
        {
            c.push(
                "N-REASON",
                r.code.at,
                format!("科目 {} 缺少 reason（决算数与年初预算数差异的原因，第三部分 五（三））", r.code.code),
            );
        }
    }

    c.out.sort_by_key(|d| (d.line, d.column));
    c.out
}

fn income_parts(r: &IncomeRow) -> [Money; 7] {
    [
        val(&r.fiscal),
        val(&r.gov_fund),
        val(&r.superior),
        val(&r.business),
        val(&r.operating),
        val(&r.affiliated),
        val(&r.other),
    ]
}

fn expense_parts(r: &ExpenseRow) -> [Money; 5] {
    [val(&r.basic), val(&r.project), val(&r.remit_superior), val(&r.operating), val(&r.affiliated)]
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

/// N-REASON for the year-over-year sentences: a figure that changed needs
/// its reason (the sentence would otherwise stop at the number), and a
/// 公务接待费 needs the receptions it paid for.
pub fn check_reasons(
    file: &Path,
    fa: &FinalAccounts,
    d: &Derived,
    prev: &crate::derive::PreviousFigures,
    org_base: Option<Money>,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    // Blank as printed: a reason of only punctuation or a lead-in prints nothing.
    let blank = |s: &Option<String>| s.as_deref().is_none_or(|s| crate::render::clause(s).is_empty());
    let r = &fa.reasons;
    let changes = [
        (prev.total, d.grand_total, &r.total_change, "reasons.total_change", "收、支总计"),
        (prev.fiscal_total, d.fiscal_grand_total, &r.fiscal_change, "reasons.fiscal_change", "财政拨款收、支总计"),
        (
            prev.fiscal_expense,
            d.fiscal.total[0],
            &r.fiscal_expense_change,
            "reasons.fiscal_expense_change",
            "财政拨款支出",
        ),
        (org_base, d.org_running_cost, &r.org_running_cost, "reasons.org_running_cost", "机关运行经费"),
    ];
    for (before, now, reason, key, what) in changes {
        if let Some(before) = before
            && before != now
            && blank(reason)
        {
            out.push(Diagnostic::new(
                "N-REASON",
                Warning,
                file,
                Loc::default(),
                format!("{what}由 {} 变为 {}，缺少 {key}（增减原因）", before.trimmed(), now.trimmed()),
            ));
        }
    }
    let tp = &fa.three_public;
    if let Some(a) = tp.actual.reception
        && !a.value.is_zero()
        && tp.reception_groups == 0
    {
        out.push(Diagnostic::new(
            "N-REASON",
            Warning,
            file,
            a.at,
            format!("公务接待费 {} 万元，但 three_public.reception_groups（接待团组数）为 0", a.value.as_entered()),
        ));
    }
    out
}

/// N-PREV-STATED: `previous:` figures typed although last year's data file
/// is in the repository (`from_file`) are compared with what that file gives.
pub fn check_typed_previous(
    file: &Path,
    typed: &crate::model::PreviousYear,
    from_file: &crate::derive::PreviousFigures,
) -> Vec<Diagnostic> {
    let source = from_file.from_file.as_deref().map(|p| p.display().to_string()).unwrap_or_default();
    let typed_three_public = typed.three_public.as_ref().map(|t| crate::derive::ThreePublicRow::from_items(t).total);
    let pairs = [
        (typed.total.map(|a| (a.value, a.at)), from_file.total, "previous.total（上年收、支总计）"),
        (
            typed.fiscal_total.map(|a| (a.value, a.at)),
            from_file.fiscal_total,
            "previous.fiscal_total（上年财政拨款收、支总计）",
        ),
        (
            typed.fiscal_expense.map(|a| (a.value, a.at)),
            from_file.fiscal_expense,
            "previous.fiscal_expense（上年一般公共预算财政拨款支出）",
        ),
        (
            typed.org_running_cost.map(|a| (a.value, a.at)),
            from_file.org_running_cost,
            "previous.org_running_cost（上年机关运行经费）",
        ),
        (
            typed_three_public.map(|t| (t, Loc::default())),
            from_file.three_public.as_ref().map(|t| t.total),
            "previous.three_public 合计（上年“三公”经费）",
        ),
    ];
    let mut out = Vec::new();
    for (typed, computed, what) in pairs {
        if let (Some((value, at)), Some(computed)) = (typed, computed)
            && value != computed
        {
            out.push(
                Diagnostic::new(
                    "N-PREV-STATED",
                    Warning,
                    file,
                    at,
                    format!(
                        "{what} 填写为 {}，按 {source} 计算为 {}；以上年数据文件为准（这里的数可以删除）",
                        value.trimmed(),
                        computed.trimmed()
                    ),
                )
                .with_values(computed.trimmed(), value.trimmed(), (value - computed).signed()),
            );
        }
    }
    out
}
