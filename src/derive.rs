//! Derivation: every number that can be computed is computed here, from the
//! 项-level rows users enter — 类 and 款 rows, 合计 rows, the two summary
//! tables 公开01/04, 公开06 subtotals, 公开07 subtotals, and last year's
//! figures when the previous year's data is in the repository.
//!
//! Public entry: [`derive`]. It never fails: unknown codes become warnings
//! (the checker reports them) and print the name the user gave, if any.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::model::{Amount, Catalogue, Code, FinalAccounts, Profile, ThreePublicItems, val};
use crate::money::Money;

/// One row of a table keyed by 功能分类 code (类, 款 or 项).
#[derive(Debug, Clone, Serialize)]
pub struct FuncRow<const N: usize> {
    pub code: String,
    pub name: String,
    /// 1 = 类 (3 digits), 2 = 款 (5), 3 = 项 (7).
    pub level: u8,
    #[serde(with = "serde_arrays")]
    pub values: [Money; N],
}

mod serde_arrays {
    use serde::Serializer;
    pub fn serialize<S: Serializer, const N: usize>(v: &[crate::money::Money; N], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter())
    }
}

/// A hierarchical table: rows in code order, parents before children.
#[derive(Debug, Clone, Serialize)]
pub struct FuncTable<const N: usize> {
    pub rows: Vec<FuncRow<N>>,
    #[serde(with = "serde_arrays")]
    pub total: [Money; N],
}

impl<const N: usize> FuncTable<N> {
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
    /// The row for `code`, if present.
    pub fn row(&self, code: &str) -> Option<&FuncRow<N>> {
        self.rows.iter().find(|r| r.code == code)
    }
    /// The 类 rows.
    pub fn classes(&self) -> impl Iterator<Item = &FuncRow<N>> {
        self.rows.iter().filter(|r| r.level == 1)
    }
}

/// One side of one physical row of 公开01/04 (收入 or 支出).
#[derive(Debug, Clone, Serialize)]
pub struct SideCell {
    pub label: String,
    /// 行次.
    pub line: u32,
    pub values: Vec<Money>,
    /// Subtotal and total rows print bold-free but are sums.
    pub is_total: bool,
}

/// 公开01表 or 公开04表: left (收入) and right (支出) lists side by side.
#[derive(Debug, Clone, Serialize)]
pub struct SummaryTable {
    pub rows: Vec<(SideCell, SideCell)>,
}

/// 公开06表 row.
#[derive(Debug, Clone, Serialize)]
pub struct EconCell {
    pub code: String,
    pub name: String,
    pub value: Money,
    pub is_class: bool,
}

/// 公开06表: three column groups, padded to equal length.
#[derive(Debug, Clone, Serialize)]
pub struct EconTable {
    pub groups: Vec<Vec<Option<EconCell>>>,
    /// 人员经费合计 (301 + 303).
    pub personnel: Money,
    /// 公用经费合计 (302 + 307 + 310 + 399).
    pub public: Money,
}

/// 公开07表 halves: 合计, 因公出国（境）费, 公务用车购置及运行费 小计, 购置费, 运行费, 公务接待费.
#[derive(Debug, Clone, Serialize)]
pub struct ThreePublicRow {
    pub total: Money,
    pub abroad: Money,
    pub car: Money,
    pub car_purchase: Money,
    pub car_running: Money,
    pub reception: Money,
}

impl ThreePublicRow {
    pub fn from_items(i: &ThreePublicItems) -> Self {
        let (abroad, cp, cr, rec) = (val(&i.abroad), val(&i.car_purchase), val(&i.car_running), val(&i.reception));
        ThreePublicRow {
            total: abroad + cp + cr + rec,
            abroad,
            car: cp + cr,
            car_purchase: cp,
            car_running: cr,
            reception: rec,
        }
    }
    pub fn cells(&self) -> [Money; 6] {
        [self.total, self.abroad, self.car, self.car_purchase, self.car_running, self.reception]
    }
}

/// One 项 of 第三部分 五（三）.
#[derive(Debug, Clone, Serialize)]
pub struct BudgetItem {
    pub code: String,
    pub class_name: String,
    pub section_name: String,
    pub item_name: String,
    pub initial_budget: Money,
    pub actual: Money,
    pub reason: Option<String>,
}

/// Last year's figures used by the year-over-year sentences.
#[derive(Debug, Clone, Serialize, Default)]
pub struct PreviousFigures {
    pub total: Option<Money>,
    pub fiscal_total: Option<Money>,
    pub fiscal_expense: Option<Money>,
    pub three_public: Option<ThreePublicRow>,
    pub org_running_cost: Option<Money>,
    /// Last year's data file they were computed from; `None` when they are
    /// the `previous:` figures typed in this year's file.
    pub from_file: Option<std::path::PathBuf>,
}

/// What 机关运行经费 is compared with, as the profile says: 年初预算数 or
/// 上年决算数 (`None` when that figure is not given).
pub fn org_running_cost_base(profile: &Profile, fa: &FinalAccounts, prev: &PreviousFigures) -> Option<Money> {
    match profile.org_running_cost_base {
        crate::model::OrgRunningCostBase::InitialBudget => fa.org_running_cost_budget.map(|a| a.value),
        crate::model::OrgRunningCostBase::PreviousYear => prev.org_running_cost,
    }
}

/// Everything computed for one unit-year's 部门决算.
#[derive(Debug, Clone, Serialize)]
pub struct Derived {
    /// 公开02: 本年收入合计, 财政拨款收入, 上级补助, 事业, 经营, 附属单位上缴, 其他.
    pub income: FuncTable<7>,
    /// 公开03: 本年支出合计, 基本, 项目, 上缴上级, 经营, 对附属单位补助.
    pub expense: FuncTable<6>,
    /// 公开05: 小计, 基本, 项目.
    pub fiscal: FuncTable<3>,
    /// 公开08: 年初结转和结余, 本年收入, 本年支出小计, 基本, 项目, 年末结转和结余.
    pub gov_fund: FuncTable<6>,
    /// 公开09: 合计, 基本, 项目.
    pub soe: FuncTable<3>,
    pub econ: EconTable,
    pub three_public_budget: ThreePublicRow,
    pub three_public_actual: ThreePublicRow,
    pub t01: SummaryTable,
    pub t04: SummaryTable,
    /// 五（三）, one per 项 of 公开05 or with a 年初预算.
    pub budget_items: Vec<BudgetItem>,
    /// 收支总计 (公开01 行“总计”).
    pub grand_total: Money,
    /// 本年收入合计.
    pub income_total: Money,
    /// 本年支出合计.
    pub expense_total: Money,
    /// 财政拨款收支总计 (公开04 总计).
    pub fiscal_grand_total: Money,
    /// 年末结转和结余 (computed).
    pub closing: Money,
    /// 机关运行经费 (= 公开06 公用经费合计).
    pub org_running_cost: Money,
    /// Codes with no name in the catalogue nor in the data.
    #[serde(skip)]
    pub unknown_codes: Vec<Code>,
}

/// Computes every derived number of a unit-year.
pub fn derive(fa: &FinalAccounts, profile: &Profile, cat: &Catalogue) -> Derived {
    let mut names = Names { cat, given: BTreeMap::new(), unknown: Vec::new() };

    let income_leaves: Vec<_> = fa
        .income
        .iter()
        .filter(|r| r.code.code.len() == 7)
        .map(|r| {
            names.give(&r.code, &r.name);
            let v = [
                Money::ZERO,
                val(&r.fiscal) + val(&r.gov_fund),
                val(&r.superior),
                val(&r.business),
                val(&r.operating),
                val(&r.affiliated),
                val(&r.other),
            ];
            (r.code.clone(), with_total(v))
        })
        .collect();
    let expense_leaves: Vec<_> = fa
        .expense
        .iter()
        .filter(|r| r.code.code.len() == 7)
        .map(|r| {
            names.give(&r.code, &r.name);
            let v = [
                Money::ZERO,
                val(&r.basic),
                val(&r.project),
                val(&r.remit_superior),
                val(&r.operating),
                val(&r.affiliated),
            ];
            (r.code.clone(), with_total(v))
        })
        .collect();
    let fiscal_leaves: Vec<_> = fa
        .expense
        .iter()
        .filter(|r| r.code.code.len() == 7)
        .filter(|r| !(val(&r.fiscal_basic) + val(&r.fiscal_project)).is_zero())
        .map(|r| (r.code.clone(), with_total([Money::ZERO, val(&r.fiscal_basic), val(&r.fiscal_project)])))
        .collect();
    let gov_fund_leaves: Vec<_> = fa
        .gov_fund
        .iter()
        .map(|r| {
            names.give(&r.code, &r.name);
            let (o, i, b, p) = (val(&r.opening), val(&r.income), val(&r.basic), val(&r.project));
            (r.code.clone(), [o, i, b + p, b, p, o + i - b - p])
        })
        .collect();
    let soe_leaves: Vec<_> = fa
        .soe
        .iter()
        .map(|r| {
            names.give(&r.code, &r.name);
            (r.code.clone(), with_total([Money::ZERO, val(&r.basic), val(&r.project)]))
        })
        .collect();

    let income = names.hierarchy(&income_leaves);
    let expense = names.hierarchy(&expense_leaves);
    let fiscal = names.hierarchy(&fiscal_leaves);
    let gov_fund = names.hierarchy(&gov_fund_leaves);
    let soe = names.hierarchy(&soe_leaves);

    let econ = econ_table(fa, cat);
    let three_public_budget = ThreePublicRow::from_items(&fa.three_public.budget);
    let three_public_actual = ThreePublicRow::from_items(&fa.three_public.actual);

    let b = &fa.balances;
    let income_total = income.total[0];
    let expense_total = expense.total[0];
    let grand_total = income_total + val(&b.use_of_business_fund) + val(&b.opening);
    let closing = grand_total - expense_total - val(&b.surplus_distribution);

    let sum_income = |f: fn(&crate::model::IncomeRow) -> &Option<Amount>| -> Money {
        fa.income.iter().filter(|r| r.code.code.len() == 7).map(|r| val(f(r))).sum()
    };
    let income_fiscal = sum_income(|r| &r.fiscal);
    let income_gov_fund = sum_income(|r| &r.gov_fund);
    let income_by_kind = [
        income_fiscal,
        income_gov_fund,
        sum_income(|r| &r.superior),
        sum_income(|r| &r.business),
        sum_income(|r| &r.operating),
        sum_income(|r| &r.affiliated),
        sum_income(|r| &r.other),
    ];

    let classes: BTreeSet<String> = profile
        .fixed_expense_classes
        .iter()
        .cloned()
        .chain(expense.classes().map(|r| r.code.clone()))
        .chain(fiscal.classes().map(|r| r.code.clone()))
        .chain(gov_fund.classes().map(|r| r.code.clone()))
        .collect();
    let class_name = |code: &str| names.name_of(code);

    // 公开01表
    let n = classes.len().max(7) + 1;
    let base = n as u32 + 5;
    let income_labels = [
        "一、一般公共预算财政拨款收入",
        "二、政府性基金预算财政拨款收入",
        "三、上级补助收入",
        "四、事业收入",
        "五、经营收入",
        "六、附属单位上缴收入",
        "七、其他收入",
    ];
    let class_list: Vec<&String> = classes.iter().collect();
    let mut t01 = Vec::new();
    for i in 0..n {
        let line = i as u32 + 1;
        let left = match income_labels.get(i).zip(income_by_kind.get(i)) {
            Some((l, amount)) => cell(l, line, vec![*amount], false),
            None => cell("", line, vec![Money::ZERO], false),
        };
        let right = match class_list.get(i) {
            Some(code) => cell(
                &format!("{}、{}", zh_number(i + 1), class_name(code)),
                base + line,
                vec![expense.row(code).map(|r| r.values[0]).unwrap_or_default()],
                false,
            ),
            None => cell("", base + line, vec![Money::ZERO], false),
        };
        t01.push((left, right));
    }
    let tail = [
        ("本年收入合计", income_total, "本年支出合计", expense_total, true),
        ("用事业基金弥补收支差额", val(&b.use_of_business_fund), "结余分配", val(&b.surplus_distribution), false),
        ("年初结转和结余", val(&b.opening), "年末结转和结余", closing, false),
        ("", Money::ZERO, "", Money::ZERO, false),
        ("总计", grand_total, "总计", expense_total + val(&b.surplus_distribution) + closing, true),
    ];
    for (k, (l, lv, r, rv, tot)) in tail.into_iter().enumerate() {
        let line = (n + k) as u32 + 1;
        t01.push((cell(l, line, vec![lv], tot), cell(r, base + line, vec![rv], tot)));
    }

    // 公开04表
    let fiscal_income = income_fiscal + income_gov_fund;
    let opening_fiscal = val(&b.opening_fiscal);
    let opening_gov = val(&b.opening_gov_fund);
    let fiscal_expense = fiscal.total[0];
    let gov_expense = gov_fund.total[2];
    let closing_fiscal = income_fiscal + opening_fiscal - fiscal_expense;
    let closing_gov = income_gov_fund + opening_gov - gov_expense;
    let fiscal_grand_total = fiscal_income + opening_fiscal + opening_gov;
    let base4 = n as u32 + 6;
    let mut t04 = Vec::new();
    for i in 0..n {
        let line = i as u32 + 1;
        let left = match i {
            0 => cell("一、一般公共预算财政拨款", line, vec![income_fiscal], false),
            1 => cell("二、政府性基金预算财政拨款", line, vec![income_gov_fund], false),
            _ => cell("", line, vec![Money::ZERO], false),
        };
        let right = match class_list.get(i) {
            Some(code) => {
                let f = fiscal.row(code).map(|r| r.values[0]).unwrap_or_default();
                let g = gov_fund.row(code).map(|r| r.values[2]).unwrap_or_default();
                cell(&format!("{}、{}", zh_number(i + 1), class_name(code)), base4 + line, vec![f + g, f, g], false)
            }
            None => cell("", base4 + line, vec![Money::ZERO; 3], false),
        };
        t04.push((left, right));
    }
    let z3 = || vec![Money::ZERO; 3];
    let tail4: [(&str, Money, &str, Vec<Money>, bool); 6] = [
        (
            "本年收入合计",
            fiscal_income,
            "本年支出合计",
            vec![fiscal_expense + gov_expense, fiscal_expense, gov_expense],
            true,
        ),
        (
            "年初财政拨款结转和结余",
            opening_fiscal + opening_gov,
            "年末财政拨款结转和结余",
            vec![closing_fiscal + closing_gov, closing_fiscal, closing_gov],
            false,
        ),
        ("一、一般公共预算财政拨款", opening_fiscal, "", z3(), false),
        ("二、政府性基金预算财政拨款", opening_gov, "", z3(), false),
        ("", Money::ZERO, "", z3(), false),
        (
            "总计",
            fiscal_grand_total,
            "总计",
            vec![
                fiscal_expense + gov_expense + closing_fiscal + closing_gov,
                fiscal_expense + closing_fiscal,
                gov_expense + closing_gov,
            ],
            true,
        ),
    ];
    for (k, (l, lv, r, rv, tot)) in tail4.into_iter().enumerate() {
        let line = (n + k) as u32 + 1;
        t04.push((cell(l, line, vec![lv], tot), cell(r, base4 + line, rv, tot)));
    }

    // 五（三）: every 项 with a fiscal amount or a 年初预算.
    let budget_items = fa
        .expense
        .iter()
        .filter(|r| r.code.code.len() == 7)
        .filter(|r| !(val(&r.fiscal_basic) + val(&r.fiscal_project) + val(&r.fiscal_initial_budget)).is_zero())
        .map(|r| BudgetItem {
            code: r.code.code.clone(),
            class_name: strip_suffix(&names.name_of(&r.code.code[..3])),
            section_name: names.name_of(&r.code.code[..5]),
            item_name: names.name_of(&r.code.code),
            initial_budget: val(&r.fiscal_initial_budget),
            actual: val(&r.fiscal_basic) + val(&r.fiscal_project),
            reason: r.reason.clone(),
        })
        .collect();

    let org_running_cost = econ.public;
    let unknown_codes = names.unknown;
    Derived {
        income,
        expense,
        fiscal,
        gov_fund,
        soe,
        econ,
        three_public_budget,
        three_public_actual,
        t01: SummaryTable { rows: t01 },
        t04: SummaryTable { rows: t04 },
        budget_items,
        grand_total,
        income_total,
        expense_total,
        fiscal_grand_total,
        closing,
        org_running_cost,
        unknown_codes,
    }
}

/// 类 names in 五（三） drop the trailing 支出: “社会保障和就业（类）”.
fn strip_suffix(name: &str) -> String {
    name.strip_suffix("支出").unwrap_or(name).to_string()
}

fn cell(label: &str, line: u32, values: Vec<Money>, is_total: bool) -> SideCell {
    SideCell { label: label.to_string(), line, values, is_total }
}

fn with_total<const N: usize>(mut v: [Money; N]) -> [Money; N] {
    v[0] = v[1..].iter().sum();
    v
}

/// Chinese numerals for list numbering (1 → 一, 11 → 十一, 20 → 二十).
pub fn zh_number(n: usize) -> String {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => D[n].to_string(),
        10 => "十".into(),
        11..=19 => format!("十{}", D[n - 10]),
        _ if n.is_multiple_of(10) && n < 100 => format!("{}十", D[n / 10]),
        _ if n < 100 => format!("{}十{}", D[n / 10], D[n % 10]),
        _ => n.to_string(),
    }
}

struct Names<'a> {
    cat: &'a Catalogue,
    given: BTreeMap<String, String>,
    unknown: Vec<Code>,
}

impl Names<'_> {
    fn give(&mut self, code: &Code, name: &Option<String>) {
        if let Some(n) = name {
            self.given.insert(code.code.clone(), n.clone());
        }
        for len in [3, 5, 7] {
            if code.code.len() >= len {
                let c = &code.code[..len];
                if self.cat.func_name(c).is_none()
                    && !(len == code.code.len() && name.is_some())
                    && !self.unknown.iter().any(|u| u.code == c)
                {
                    self.unknown.push(Code { code: c.to_string(), at: code.at });
                }
            }
        }
    }

    fn name_of(&self, code: &str) -> String {
        self.given
            .get(code)
            .map(String::as_str)
            .or_else(|| self.cat.func_name(code))
            .map(str::to_string)
            .unwrap_or_else(|| format!("（科目 {code} 名称待补充）"))
    }

    fn hierarchy<const N: usize>(&self, leaves: &[(Code, [Money; N])]) -> FuncTable<N> {
        let mut sums: BTreeMap<String, [Money; N]> = BTreeMap::new();
        let mut total = [Money::ZERO; N];
        for (code, v) in leaves {
            for len in [3, 5, 7] {
                let e = sums.entry(code.code[..len].to_string()).or_insert([Money::ZERO; N]);
                for k in 0..N {
                    e[k] = e[k] + v[k];
                }
            }
            for k in 0..N {
                total[k] = total[k] + v[k];
            }
        }
        let rows = sums
            .into_iter()
            .map(|(code, values)| FuncRow {
                name: self.name_of(&code),
                level: match code.len() {
                    3 => 1,
                    5 => 2,
                    _ => 3,
                },
                code,
                values,
            })
            .collect();
        FuncTable { rows, total }
    }
}

fn econ_table(fa: &FinalAccounts, cat: &Catalogue) -> EconTable {
    let entered = |code: &str| fa.basic_by_econ.get(code).map(|a| a.value).unwrap_or_default();
    let class_sum = |class: &str| -> Money {
        fa.basic_by_econ.iter().filter(|(c, _)| c.len() == 5 && c.starts_with(class)).map(|(_, a)| a.value).sum()
    };
    let mut personnel = Money::ZERO;
    let mut public = Money::ZERO;
    let mut groups: Vec<Vec<Option<EconCell>>> = cat
        .econ
        .groups
        .iter()
        .map(|g| {
            g.rows
                .iter()
                .map(|r| {
                    let is_class = r.code.len() == 3;
                    let value = if is_class { class_sum(&r.code) } else { entered(&r.code) };
                    if is_class {
                        if g.kind == "人员经费" {
                            personnel = personnel + value;
                        } else {
                            public = public + value;
                        }
                    }
                    Some(EconCell { code: r.code.clone(), name: r.name.clone(), value, is_class })
                })
                .collect()
        })
        .collect();
    let len = groups.iter().map(Vec::len).max().unwrap_or(0);
    for g in &mut groups {
        g.resize(len, None);
    }
    EconTable { groups, personnel, public }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_numerals() {
        assert_eq!(zh_number(1), "一");
        assert_eq!(zh_number(10), "十");
        assert_eq!(zh_number(14), "十四");
        assert_eq!(zh_number(20), "二十");
        assert_eq!(zh_number(23), "二十三");
    }
}
