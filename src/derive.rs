//! Derivation of a 部门决算: every figure of the nine 公开表 and of 第三部分
//! enters the unit-year's [`Ledger`] under its name, computed from the
//! 项-level rows users enter — 类 and 款 rows, 合计 rows, the two summary
//! tables 公开01/04, 公开06 subtotals, 公开07 subtotals, shares, changes
//! and last year's figures. Figures users also typed (a 合计, a 类/款 row,
//! a stated total) are compared as they are defined.
//!
//! Public entry: [`derive`]. It returns the [`Layout`] — which rows each
//! table has and the names of their cells — and never fails: unknown codes
//! are collected for the checker, which reports them.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::diagnostic::{Diagnostic, Related, Severity};
use crate::ledger::{Id, Ledger, Value};
use crate::model::{Amount, Catalogue, Code, FinalAccounts, Loc, OrgRunningCostBase, Profile, ThreePublicItems};
use crate::money::Unit;

/// The columns of 公开02表 as printed (本年收入合计 first).
pub const T02_COLUMNS: &[&str] =
    &["本年收入合计", "财政拨款收入", "上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入"];
/// The columns of 公开03表.
pub const T03_COLUMNS: &[&str] =
    &["本年支出合计", "基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出"];
/// The columns of 公开05表.
pub const T05_COLUMNS: &[&str] = &["小计", "基本支出", "项目支出"];
/// The columns of 公开08表.
pub const T08_COLUMNS: &[&str] =
    &["年初结转和结余", "本年收入", "本年支出小计", "基本支出", "项目支出", "年末结转和结余"];
/// The columns of 公开09表.
pub const T09_COLUMNS: &[&str] = &["合计", "基本支出", "项目支出"];
/// The four 三公 items of 公开07表 and the two subtotals, in printed order.
pub const T07_COLUMNS: &[&str] =
    &["合计", "因公出国（境）费", "公务用车购置及运行费", "公务用车购置费", "公务用车运行费", "公务接待费"];

/// Every column of a code table by its prefix (公开02 …), typed and
/// derived, for table forms.
pub fn columns_of(prefix: &str) -> Option<Vec<&'static str>> {
    let def = match prefix {
        "公开02" => &T02,
        "公开03" => &T03,
        "公开05" => &T05,
        "公开08" => &T08,
        "公开09" => &T09,
        _ => return None,
    };
    Some(def.inputs.iter().copied().chain(def.derived.iter().map(|d| d.0)).collect())
}

/// One row of a table keyed by 功能分类 code (类, 款 or 项).
#[derive(Debug, Clone, Serialize)]
pub struct CodeRow {
    pub code: String,
    pub name: String,
    /// 1 = 类 (3 digits), 2 = 款 (5), 3 = 项 (7).
    pub level: u8,
    /// The ledger names of the row's cells, in column order.
    pub cells: Vec<String>,
}

/// A table keyed by 功能分类 code: its 合计 row and its rows in code order.
#[derive(Debug, Clone, Serialize)]
pub struct CodeTable {
    pub total: Vec<String>,
    pub rows: Vec<CodeRow>,
}

impl CodeTable {
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
    pub fn row(&self, code: &str) -> Option<&CodeRow> {
        self.rows.iter().find(|r| r.code == code)
    }
    pub fn classes(&self) -> impl Iterator<Item = &CodeRow> {
        self.rows.iter().filter(|r| r.level == 1)
    }
}

/// One cell group of 公开06表: code, name and the ledger name of its amount.
#[derive(Debug, Clone, Serialize)]
pub struct EconCell {
    pub code: String,
    pub name: String,
    pub quantity: String,
    pub is_class: bool,
}

/// One 项 of 第三部分 五（三）.
#[derive(Debug, Clone, Serialize)]
pub struct BudgetItem {
    pub code: String,
    pub class_name: String,
    pub section_name: String,
    pub item_name: String,
    pub reason: Option<String>,
}

/// Which rows each table of a 部门决算 has, and the names of their cells.
#[derive(Debug, Clone, Serialize)]
pub struct Layout {
    pub t02: CodeTable,
    pub t03: CodeTable,
    pub t05: CodeTable,
    /// Three column groups, padded to equal length.
    pub t06: Vec<Vec<Option<EconCell>>>,
    pub t08: CodeTable,
    pub t09: CodeTable,
    /// The 类 of expenditure 公开01/04 list: the profile's fixed ones and those with data, by code.
    pub classes: Vec<(String, String)>,
    /// 五（二）: the 类 codes and names listed.
    pub fiscal_classes: Vec<(String, String)>,
    /// 五（三）, one per 项 with a fiscal amount or a 年初预算.
    pub budget_items: Vec<BudgetItem>,
    /// Whether last year's figures are known (the year-over-year sentences).
    pub has_previous: bool,
    /// Codes with no name in the catalogue nor in the data.
    #[serde(skip)]
    pub unknown_codes: Vec<Code>,
}

impl Layout {
    /// A code table by its prefix (公开02 …).
    pub fn code_table(&self, prefix: &str) -> Option<&CodeTable> {
        Some(match prefix {
            "公开02" => &self.t02,
            "公开03" => &self.t03,
            "公开05" => &self.t05,
            "公开08" => &self.t08,
            "公开09" => &self.t09,
            _ => return None,
        })
    }
}

/// Last year, as this year's figures need it: its ledger when its data file
/// is in the repository.
pub struct Previous<'a> {
    pub ledger: &'a Ledger,
    /// Its data file, for messages.
    pub file: std::path::PathBuf,
}

/// Computes every figure of a unit-year's 部门决算 into `l`.
pub fn derive(
    l: &mut Ledger,
    fa: &FinalAccounts,
    file: u16,
    profile: &Profile,
    cat: &Catalogue,
    prev: Option<Previous>,
) -> Layout {
    let mut d = Deriver { l, fa, file, unit: fa.unit.unwrap_or_default(), names: Names::new(cat) };
    for r in &fa.income {
        d.names.give(&r.code, &r.name);
    }
    for r in &fa.expense {
        d.names.give(&r.code, &r.name);
    }
    for r in &fa.gov_fund {
        d.names.give(&r.code, &r.name);
    }
    for r in &fa.soe {
        d.names.give(&r.code, &r.name);
    }
    let t02 = d.income();
    let t03 = d.expense();
    let t05 = d.fiscal();
    let t08 = d.gov_fund();
    let t09 = d.soe();
    let t06 = d.econ(cat);
    d.three_public();
    let classes: BTreeSet<String> = profile
        .fixed_expense_classes
        .iter()
        .cloned()
        .chain(t03.classes().map(|r| r.code.clone()))
        .chain(t05.classes().map(|r| r.code.clone()))
        .chain(t08.classes().map(|r| r.code.clone()))
        .collect();
    let class_list: Vec<(String, String)> = classes.iter().map(|c| (c.clone(), d.names.name_of(c))).collect();
    d.t01();
    d.t04(&class_list, &t05, &t08);
    let has_previous = d.previous(prev, profile.org_running_cost_base);
    d.narrative(profile);
    let fiscal_classes = d.fiscal_classes(profile, &t05);
    let budget_items = d.budget_items();
    let unknown_codes = d.names.unknown;
    Layout {
        t02,
        t03,
        t05,
        t06,
        t08,
        t09,
        classes: class_list,
        fiscal_classes,
        budget_items,
        has_previous,
        unknown_codes,
    }
}

struct Deriver<'a> {
    l: &'a mut Ledger,
    fa: &'a FinalAccounts,
    file: u16,
    unit: Unit,
    names: Names<'a>,
}

/// A derived column of a code table: its name and the columns it adds (or,
/// with `true`, subtracts).
type Derived = (&'static str, &'static [(&'static str, bool)]);

/// How one code table is built: its typed columns, its derived columns and
/// the order they print in.
struct TableDef {
    prefix: &'static str,
    inputs: &'static [&'static str],
    derived: &'static [Derived],
    printed: &'static [&'static str],
}

const T02: TableDef = TableDef {
    prefix: "公开02",
    inputs: &[
        "一般公共预算财政拨款收入",
        "政府性基金预算财政拨款收入",
        "国有资本经营预算财政拨款收入",
        "上级补助收入",
        "事业收入",
        "经营收入",
        "附属单位上缴收入",
        "其他收入",
    ],
    derived: &[
        (
            "财政拨款收入",
            &[
                ("一般公共预算财政拨款收入", false),
                ("政府性基金预算财政拨款收入", false),
                ("国有资本经营预算财政拨款收入", false),
            ],
        ),
        (
            "本年收入合计",
            &[
                ("财政拨款收入", false),
                ("上级补助收入", false),
                ("事业收入", false),
                ("经营收入", false),
                ("附属单位上缴收入", false),
                ("其他收入", false),
            ],
        ),
    ],
    printed: T02_COLUMNS,
};

const T03: TableDef = TableDef {
    prefix: "公开03",
    inputs: &["基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出"],
    derived: &[(
        "本年支出合计",
        &[
            ("基本支出", false),
            ("项目支出", false),
            ("上缴上级支出", false),
            ("经营支出", false),
            ("对附属单位补助支出", false),
        ],
    )],
    printed: T03_COLUMNS,
};

const T05: TableDef = TableDef {
    prefix: "公开05",
    inputs: &["基本支出", "项目支出"],
    derived: &[("小计", &[("基本支出", false), ("项目支出", false)])],
    printed: T05_COLUMNS,
};

const T08: TableDef = TableDef {
    prefix: "公开08",
    inputs: &["年初结转和结余", "本年收入", "基本支出", "项目支出"],
    derived: &[
        ("本年支出小计", &[("基本支出", false), ("项目支出", false)]),
        ("年末结转和结余", &[("年初结转和结余", false), ("本年收入", false), ("本年支出小计", true)]),
    ],
    printed: T08_COLUMNS,
};

const T09: TableDef = TableDef {
    prefix: "公开09",
    inputs: &["基本支出", "项目支出"],
    derived: &[("合计", &[("基本支出", false), ("项目支出", false)])],
    printed: T09_COLUMNS,
};

/// A 项 row as typed: its code, its typed column values (in the table's
/// input order) and, for parents typed by the user, the same.
struct Typed<'a> {
    code: &'a Code,
    values: Vec<Option<Amount>>,
    /// A typed row total (本年收入合计 / 本年支出合计).
    total: Option<Amount>,
}

impl Deriver<'_> {
    fn q(&self, prefix: &str, code: &str, col: &str) -> String {
        format!("{prefix}.{code}.{col}")
    }

    /// Builds a code table: 项 rows from `leaves`, 款 and 类 rows as sums of
    /// their children, the 合计 row as the sum of the 类 rows; the rows the
    /// user also typed (`parents`, a row's `total`) are compared as they are defined.
    fn code_table(
        &mut self,
        def: &TableDef,
        leaves: &[Typed],
        parents: &[Typed],
        rules: (&'static str, &'static str),
    ) -> CodeTable {
        let mut seen = BTreeSet::new();
        let leaves: Vec<&Typed> = leaves.iter().filter(|t| seen.insert(t.code.code.clone())).collect();
        let mut codes: BTreeMap<String, u8> = BTreeMap::new();
        for t in &leaves {
            codes.insert(t.code.code[..3].to_string(), 1);
            codes.insert(t.code.code[..5].to_string(), 2);
            codes.insert(t.code.code.clone(), 3);
        }
        // Rows of each level, deepest first, so parents sum defined children.
        let mut ids: BTreeMap<(String, &str), Id> = BTreeMap::new();
        for level in [3u8, 2, 1] {
            for (code, _) in codes.iter().filter(|(_, l)| **l == level) {
                let typed_parent = parents.iter().find(|p| &p.code.code == code);
                for (k, col) in def.inputs.iter().enumerate() {
                    let name = self.q(def.prefix, code, col);
                    let id = if level == 3 {
                        let leaf = leaves.iter().find(|t| &t.code.code == code).expect("leaf");
                        self.l.input(name, leaf.values[k], self.file, self.unit)
                    } else {
                        let kids: Vec<Id> = codes
                            .iter()
                            .filter(|(c, l)| **l == level + 1 && c.starts_with(code.as_str()))
                            .map(|(c, _)| ids[&(c.clone(), *col)])
                            .collect();
                        self.l.sum(name, &kids)
                    };
                    if let Some(Some(a)) = typed_parent.map(|p| p.values[k]) {
                        let what = format!("{}表 {code} {} {col}", def.prefix, self.names.name_of(code));
                        self.l.typed(id, a, self.file, self.unit, rules.1, &format!("{what}："));
                    }
                    ids.insert((code.clone(), col), id);
                }
                for (col, terms) in def.derived {
                    let terms: Vec<(Id, bool)> =
                        terms.iter().map(|(c, neg)| (ids[&(code.clone(), *c)], *neg)).collect();
                    let id = self.l.linear(self.q(def.prefix, code, col), terms);
                    let row_total = if level == 3 {
                        leaves.iter().find(|t| &t.code.code == code).and_then(|t| t.total)
                    } else {
                        typed_parent.and_then(|p| p.total)
                    };
                    if let Some(a) = row_total.filter(|_| Some(col) == def.derived.last().map(|d| &d.0)) {
                        let rule = if level == 3 { rules.0 } else { rules.1 };
                        let what = format!("{}表 {code} {} {col}", def.prefix, self.names.name_of(code));
                        self.l.typed(id, a, self.file, self.unit, rule, &format!("{what}："));
                    }
                    ids.insert((code.clone(), col), id);
                }
            }
        }
        for p in parents {
            if !codes.contains_key(&p.code.code) {
                self.l.push(Diagnostic::new(
                    rules.1,
                    Severity::Error,
                    self.l.file_path(self.file).to_path_buf(),
                    p.code.at,
                    format!("{}表 录入了 {} 行，但没有属于它的项级科目", def.prefix, p.code.code),
                ));
            }
        }
        // 合计 = Σ 类, column by column.
        let classes: Vec<&String> = codes.iter().filter(|(_, l)| **l == 1).map(|(c, _)| c).collect();
        for col in def.inputs {
            let kids: Vec<Id> = classes.iter().map(|c| ids[&((*c).clone(), *col)]).collect();
            let id = self.l.sum(self.q(def.prefix, "合计", col), &kids);
            ids.insert(("合计".into(), col), id);
        }
        for (col, terms) in def.derived {
            let terms: Vec<(Id, bool)> = terms.iter().map(|(c, neg)| (ids[&("合计".to_string(), *c)], *neg)).collect();
            let id = self.l.linear(self.q(def.prefix, "合计", col), terms);
            ids.insert(("合计".into(), col), id);
        }
        let cells = |code: &str| def.printed.iter().map(|c| self.q(def.prefix, code, c)).collect::<Vec<_>>();
        CodeTable {
            total: cells("合计"),
            rows: codes
                .iter()
                .map(|(code, level)| CodeRow {
                    code: code.clone(),
                    name: self.names.name_of(code),
                    level: *level,
                    cells: cells(code),
                })
                .collect(),
        }
    }

    fn income(&mut self) -> CodeTable {
        let rows = |leaf: bool| -> Vec<Typed> {
            self.fa
                .income
                .iter()
                .filter(|r| (r.code.code.len() == 7) == leaf)
                .map(|r| Typed {
                    code: &r.code,
                    values: vec![
                        r.fiscal,
                        r.gov_fund,
                        r.soe_fiscal,
                        r.superior,
                        r.business,
                        r.operating,
                        r.affiliated,
                        r.other,
                    ],
                    total: r.total,
                })
                .collect()
        };
        let (leaves, parents) = (rows(true), rows(false));
        self.code_table(&T02, &leaves, &parents, ("T02-1", "T02-3"))
    }

    fn expense(&mut self) -> CodeTable {
        let rows = |leaf: bool| -> Vec<Typed> {
            self.fa
                .expense
                .iter()
                .filter(|r| (r.code.code.len() == 7) == leaf)
                .map(|r| Typed {
                    code: &r.code,
                    values: vec![r.basic, r.project, r.remit_superior, r.operating, r.affiliated],
                    total: r.total,
                })
                .collect()
        };
        let (leaves, parents) = (rows(true), rows(false));
        self.code_table(&T03, &leaves, &parents, ("T03-1", "T03-3"))
    }

    fn fiscal(&mut self) -> CodeTable {
        let fa = self.fa;
        let nonzero = |a: &Option<Amount>| a.is_some_and(|a| !a.value.is_zero());
        let leaves: Vec<Typed> = fa
            .expense
            .iter()
            .filter(|r| r.code.code.len() == 7 && (nonzero(&r.fiscal_basic) || nonzero(&r.fiscal_project)))
            .map(|r| Typed { code: &r.code, values: vec![r.fiscal_basic, r.fiscal_project], total: None })
            .collect();
        let parents: Vec<Typed> = fa
            .expense
            .iter()
            .filter(|r| r.code.code.len() < 7 && (r.fiscal_basic.is_some() || r.fiscal_project.is_some()))
            .map(|r| Typed { code: &r.code, values: vec![r.fiscal_basic, r.fiscal_project], total: None })
            .collect();
        self.code_table(&T05, &leaves, &parents, ("T05-1", "T05-1"))
    }

    fn gov_fund(&mut self) -> CodeTable {
        let rows = |leaf: bool| -> Vec<Typed> {
            self.fa
                .gov_fund
                .iter()
                .filter(|r| (r.code.code.len() == 7) == leaf)
                .map(|r| Typed { code: &r.code, values: vec![r.opening, r.income, r.basic, r.project], total: None })
                .collect()
        };
        let (leaves, parents) = (rows(true), rows(false));
        self.code_table(&T08, &leaves, &parents, ("T08-1", "T08-1"))
    }

    fn soe(&mut self) -> CodeTable {
        let rows = |leaf: bool| -> Vec<Typed> {
            self.fa
                .soe
                .iter()
                .filter(|r| (r.code.code.len() == 7) == leaf)
                .map(|r| Typed { code: &r.code, values: vec![r.basic, r.project], total: None })
                .collect()
        };
        let (leaves, parents) = (rows(true), rows(false));
        self.code_table(&T09, &leaves, &parents, ("T09-1", "T09-1"))
    }

    /// 公开06表: the entered 款 codes, their 类 sums, 人员经费合计 (301 + 303)
    /// and 公用经费合计 (302 + 307 + 310 + 399).
    fn econ(&mut self, cat: &Catalogue) -> Vec<Vec<Option<EconCell>>> {
        let fa = self.fa;
        let mut ids: BTreeMap<&str, Id> = BTreeMap::new();
        for (code, a) in &fa.basic_by_econ {
            if code.len() == 5 {
                ids.insert(code, self.l.input(format!("公开06.{code}"), Some(*a), self.file, self.unit));
            }
        }
        let mut personnel = Vec::new();
        let mut public = Vec::new();
        let mut groups = Vec::new();
        for g in &cat.econ.groups {
            let mut cells = Vec::new();
            for r in &g.rows {
                let is_class = r.code.len() == 3;
                let quantity = format!("公开06.{}", r.code);
                if is_class {
                    let kids: Vec<Id> =
                        ids.iter().filter(|(c, _)| c.starts_with(r.code.as_str())).map(|(_, i)| *i).collect();
                    let id = self.l.sum(quantity.clone(), &kids);
                    if g.kind == "人员经费" { personnel.push(id) } else { public.push(id) }
                } else if !ids.contains_key(r.code.as_str()) {
                    self.l.input(quantity.clone(), None, self.file, self.unit);
                }
                cells.push(Some(EconCell { code: r.code.clone(), name: r.name.clone(), quantity, is_class }));
            }
            groups.push(cells);
        }
        let personnel = self.l.sum("公开06.人员经费合计", &personnel);
        let public = self.l.sum("公开06.公用经费合计", &public);
        self.l.sum("公开06.合计", &[personnel, public]);
        let len = groups.iter().map(Vec::len).max().unwrap_or(0);
        for g in &mut groups {
            g.resize(len, None);
        }
        groups
    }

    /// 公开07表: budget and actual of the four items, 公务用车 subtotal and total.
    fn three_public(&mut self) {
        let tp = &self.fa.three_public;
        for (half, items) in [("预算", &tp.budget), ("决算", &tp.actual)] {
            three_public_items(self.l, &format!("公开07.{half}"), items, self.file, self.unit);
        }
    }

    /// 公开01表's quantities: the carry-overs, the totals and the balance (its
    /// rows, and which quantity each cell prints, are the profile's form).
    fn t01(&mut self) {
        let b = &self.fa.balances;
        let (f, u) = (self.file, self.unit);
        let use_fund = self.l.input("公开01.用事业基金弥补收支差额", b.use_of_business_fund, f, u);
        let opening = self.l.input("公开01.年初结转和结余", b.opening, f, u);
        let distribution = self.l.input("公开01.结余分配", b.surplus_distribution, f, u);
        let income = self.id("公开02.合计.本年收入合计");
        let expense = self.id("公开03.合计.本年支出合计");
        let total_in = self.l.sum("公开01.收入总计", &[income, use_fund, opening]);
        let closing =
            self.l.linear("公开01.年末结转和结余", vec![(total_in, false), (expense, true), (distribution, true)]);
        if let Some(a) = b.closing {
            self.l.typed(closing, a, f, u, "T01-6", "公开01表 年末结转和结余：");
        }
        self.l.sum("公开01.支出总计", &[expense, distribution, closing]);
        self.l.alias("一.收支总计", total_in);
    }

    /// 公开04表's quantities: 财政拨款 income, carry-overs and expenditure by 类.
    fn t04(&mut self, classes: &[(String, String)], t05: &CodeTable, t08: &CodeTable) {
        let b = &self.fa.balances;
        let (f, u) = (self.file, self.unit);
        let general_in = self.id("公开02.合计.一般公共预算财政拨款收入");
        let fund_in = self.id("公开02.合计.政府性基金预算财政拨款收入");
        let income = self.l.sum("公开04.本年收入合计", &[general_in, fund_in]);
        let open_general = self.l.input("公开04.年初财政拨款结转和结余.一般公共预算财政拨款", b.opening_fiscal, f, u);
        let open_fund = self.l.input("公开04.年初财政拨款结转和结余.政府性基金预算财政拨款", b.opening_gov_fund, f, u);
        let opening = self.l.sum("公开04.年初财政拨款结转和结余", &[open_general, open_fund]);
        let total_in = self.l.sum("公开04.收入总计", &[income, opening]);
        self.l.alias("四.财政拨款收支总计", total_in);
        let general_out = self.id("公开05.合计.小计");
        let fund_out = self.id("公开08.合计.本年支出小计");
        let expense = self.l.sum("公开04.本年支出合计", &[general_out, fund_out]);
        let close_general = self.l.linear(
            "公开04.年末财政拨款结转和结余.一般公共预算财政拨款",
            vec![(general_in, false), (open_general, false), (general_out, true)],
        );
        let close_fund = self.l.linear(
            "公开04.年末财政拨款结转和结余.政府性基金预算财政拨款",
            vec![(fund_in, false), (open_fund, false), (fund_out, true)],
        );
        let closing = self.l.sum("公开04.年末财政拨款结转和结余", &[close_general, close_fund]);
        self.l.sum("公开04.支出总计", &[expense, closing]);
        self.l.sum("公开04.支出总计.一般公共预算财政拨款", &[general_out, close_general]);
        self.l.sum("公开04.支出总计.政府性基金预算财政拨款", &[fund_out, close_fund]);
        for (code, _) in classes {
            let parts: Vec<Id> = [
                t05.row(code).map(|_| format!("公开05.{code}.小计")),
                t08.row(code).map(|_| format!("公开08.{code}.本年支出小计")),
            ]
            .into_iter()
            .flatten()
            .map(|n| self.id(&n))
            .collect();
            if !parts.is_empty() {
                self.l.sum(format!("公开04.{code}.合计"), &parts);
            }
        }
    }

    /// Last year's figures: from last year's ledger when its data file is
    /// in the repository (typed `previous:` figures are then compared with
    /// it), else the `previous:` figures; a missing one is an error naming it.
    fn previous(&mut self, prev: Option<Previous>, base: OrgRunningCostBase) -> bool {
        const FIGURES: [(&str, &str, &str); 4] = [
            ("上年.收支总计", "公开01.收入总计", "previous.total（上年收、支总计）"),
            ("上年.财政拨款收支总计", "公开04.收入总计", "previous.fiscal_total（上年财政拨款收、支总计）"),
            ("上年.财政拨款支出", "公开05.合计.小计", "previous.fiscal_expense（上年一般公共预算财政拨款支出）"),
            ("上年.机关运行经费", "公开06.公用经费合计", "previous.org_running_cost（上年机关运行经费）"),
        ];
        let typed = self.fa.previous.clone().unwrap_or_default();
        let typed_amounts = [typed.total, typed.fiscal_total, typed.fiscal_expense, typed.org_running_cost];
        let here = self.l.file_path(self.file).to_path_buf();
        match prev {
            Some(p) => {
                let from = |n: &str| format!("{} 的 {n}", p.file.display());
                for ((name, there, what), typed) in FIGURES.iter().zip(typed_amounts) {
                    let e = p.ledger.get(there).expect("every ledger has the 公开表 totals");
                    let id = self.l.imported(*name, e.value, e.slack, from(there));
                    if let Some(a) = typed {
                        self.typed_previous(id, a, what, &p.file);
                    }
                }
                for col in T07_COLUMNS {
                    let there = format!("公开07.决算.{col}");
                    let e = p.ledger.get(&there).expect("公开07");
                    self.l.imported(format!("上年.三公.{col}"), e.value, e.slack, from(&there));
                }
                if let Some(t) = &typed.three_public {
                    let id = self.id("上年.三公.合计");
                    let total =
                        [t.abroad, t.car_purchase, t.car_running, t.reception].iter().map(crate::model::val).sum();
                    let what = "previous.three_public 合计（上年“三公”经费）";
                    self.typed_previous(id, Amount { value: total, at: Loc::default() }, what, &p.file);
                }
                true
            }
            None => {
                let mut missing = Vec::new();
                for ((name, _, what), typed) in FIGURES.iter().zip(typed_amounts) {
                    // Last year's 机关运行经费 is needed only as the comparison base.
                    let needed = !name.ends_with("机关运行经费") || base == OrgRunningCostBase::PreviousYear;
                    if typed.is_none() && needed {
                        missing.push(what.to_string());
                    }
                    self.l.input(*name, typed, self.file, self.unit);
                }
                match &typed.three_public {
                    Some(t) => three_public_items(self.l, "上年.三公", t, self.file, self.unit),
                    None => {
                        missing.push("previous.three_public（上年“三公”经费决算数）".into());
                        three_public_items(self.l, "上年.三公", &ThreePublicItems::default(), self.file, self.unit);
                    }
                }
                if !missing.is_empty() {
                    let year = self.fa.year - 1;
                    self.l.push(Diagnostic::new(
                        "N-PREV",
                        Severity::Error,
                        &here,
                        Loc { line: 1, column: 1 },
                        format!(
                            "同比所需的上年数缺失：仓库中没有 {}，且未填写 {}",
                            here.parent()
                                .and_then(|p| p.parent())
                                .map(|u| u.join(year.to_string()).join("决算.yaml").display().to_string())
                                .unwrap_or_default(),
                            missing.join("、")
                        ),
                    ));
                }
                missing.is_empty()
            }
        }
    }

    /// N-PREV-STATED: a `previous:` figure typed although last year's data
    /// file is in the repository; the file's figure stands.
    fn typed_previous(&mut self, id: Id, a: Amount, what: &str, file: &std::path::Path) {
        let computed = self.l.money(id);
        let typed = self.unit.to_wanyuan(a.value);
        if typed != computed {
            self.l.push(
                Diagnostic::new(
                    "N-PREV-STATED",
                    Severity::Warning,
                    self.l.file_path(self.file).to_path_buf(),
                    a.at,
                    format!(
                        "{what} 填写为 {}，按 {} 计算为 {}；以上年数据文件为准（这里的数可以删除）",
                        typed.trimmed(),
                        file.display(),
                        computed.trimmed()
                    ),
                )
                .with_values(computed.trimmed(), typed.trimmed(), (typed - computed).signed())
                .with_related([Related {
                    file: file.to_path_buf(),
                    line: 0,
                    column: 0,
                    label: "上年数据文件".into(),
                }]),
            );
        }
    }

    /// 第三部分: shares, changes, completion rates and the other figures the
    /// sentences print.
    fn narrative(&mut self, profile: &Profile) {
        let (f, u) = (self.file, self.unit);
        // 一、四、五（一）: year-over-year changes.
        for (sec, now, before) in [
            ("一", "一.收支总计", "上年.收支总计"),
            ("四", "四.财政拨款收支总计", "上年.财政拨款收支总计"),
            ("五（一）", "公开05.合计.小计", "上年.财政拨款支出"),
        ] {
            self.change(sec, now, before);
        }
        // 二、三: the shares of each kind of income and expenditure.
        // Every column, typed or derived: a profile may list any kind (四川 lists each with its share).
        for col in columns_of("公开02").unwrap_or_default().into_iter().filter(|c| *c != "本年收入合计") {
            self.share(&format!("二.{col}.占比"), &format!("公开02.合计.{col}"), "公开02.合计.本年收入合计");
        }
        for col in columns_of("公开03").unwrap_or_default().into_iter().filter(|c| *c != "本年支出合计") {
            self.share(&format!("三.{col}.占比"), &format!("公开03.合计.{col}"), "公开03.合计.本年支出合计");
        }
        self.share("五（一）.占本年支出合计", "公开05.合计.小计", "公开03.合计.本年支出合计");
        // 六
        let basic = self.id("公开05.合计.基本支出");
        self.l.alias("六.基本支出", basic);
        self.share("六.人员经费.占比", "公开06.人员经费合计", "公开05.合计.基本支出");
        self.share("六.公用经费.占比", "公开06.公用经费合计", "公开05.合计.基本支出");
        // 七: 三公 against budget and last year.
        for (item, col) in [
            ("“三公”经费", "合计"),
            ("因公出国（境）费", "因公出国（境）费"),
            ("公务接待费", "公务接待费"),
            ("公务用车购置费及运行维护费", "公务用车购置及运行费"),
        ] {
            let actual = format!("公开07.决算.{col}");
            self.share(&format!("七（一）.{item}.完成预算"), &actual, &format!("公开07.预算.{col}"));
            self.change(&format!("七（一）.{item}"), &actual, &format!("上年.三公.{col}"));
            if col != "合计" {
                let a = self.id(&actual);
                self.l.alias(format!("七（二）.{item}.决算"), a);
                self.share(&format!("七（二）.{item}.占比"), &actual, "公开07.决算.合计");
            }
        }
        let total_rate = self.id("七（一）.“三公”经费.完成预算");
        self.l.alias("七（一）.完成预算", total_rate);
        let tp = &self.fa.three_public;
        for (name, n) in [
            ("七（二）.因公出国（境）团组数", tp.abroad_groups),
            ("七（二）.因公出国（境）人次", tp.abroad_persons),
            ("七（二）.接待团组数", tp.reception_groups),
            ("七（二）.接待人次", tp.reception_persons),
            ("七（二）.公务用车保有量", tp.cars_in_service),
        ] {
            self.l.count(name, n as u64, f, Loc::default());
        }
        if let Some(s) = &self.fa.staff {
            for (name, n) in [
                ("人员情况.编制数", s.authorized),
                ("人员情况.在职", s.active),
                ("人员情况.派遣", s.dispatched),
                ("人员情况.退休", s.retired),
            ] {
                self.l.count(name, n as u64, f, Loc::default());
            }
        }
        // 五（三）: the 年初预算 of each 项, its total and completion.
        let mut budgets = Vec::new();
        for r in self.fa.expense.iter().filter(|r| r.code.code.len() == 7) {
            let c = &r.code.code;
            if self.l.id(&format!("五（三）.{c}.年初预算数")).is_some() {
                continue;
            }
            let b = self.l.input(format!("五（三）.{c}.年初预算数"), r.fiscal_initial_budget, f, u);
            budgets.push(b);
            let actual = match self.l.id(&format!("公开05.{c}.小计")) {
                Some(a) => self.l.alias(format!("五（三）.{c}.决算数"), a),
                None => self.l.input(format!("五（三）.{c}.决算数"), None, f, u),
            };
            self.l.ratio_of(format!("五（三）.{c}.完成年初预算"), actual, b);
        }
        let budget = self.l.sum("五（三）.年初预算数", &budgets);
        if let Some(a) = self.fa.declared.fiscal_initial_budget {
            self.l.typed(budget, a, f, u, "N-9", "第三部分 五（三）财政拨款支出年初预算数：");
        }
        self.share("五（三）.完成年初预算", "公开05.合计.小计", "五（三）.年初预算数");
        // 八、九
        // 十: 机关运行经费 against the profile's base.
        let cost = self.id("公开06.公用经费合计");
        self.l.alias("机关运行经费", cost);
        let base = match profile.org_running_cost_base {
            OrgRunningCostBase::InitialBudget => {
                if self.fa.org_running_cost_budget.is_none() {
                    let here = self.l.file_path(f).to_path_buf();
                    self.l.push(Diagnostic::new(
                        "N-MISSING",
                        Severity::Error,
                        &here,
                        Loc { line: 1, column: 1 },
                        format!(
                            "第三部分 机关运行经费 要与年初预算数比较（版式方案 {}），但未填写 org_running_cost_budget：请加一行 org_running_cost_budget: 金额（年初未安排写 0）",
                            profile.name
                        ),
                    ));
                }
                let b = self.l.input("机关运行经费.年初预算数", self.fa.org_running_cost_budget, f, u);
                self.l.alias("机关运行经费.比较基数", b)
            }
            OrgRunningCostBase::PreviousYear => {
                let p = self.id("上年.机关运行经费");
                self.l.alias("机关运行经费.比较基数", p)
            }
        };
        let _ = base;
        self.change("机关运行经费", "机关运行经费", "机关运行经费.比较基数");
        // 十一: 一般性支出.
        let gs = &self.fa.general_spending;
        for (what, g) in [("会议费", &gs.meetings), ("培训费", &gs.trainings), ("节庆论坛", &gs.events)] {
            self.l.input(format!("一般性支出.{what}"), g.amount, f, u);
            self.l.count(format!("一般性支出.{what}.次数"), g.count as u64, f, Loc::default());
            self.l.count(format!("一般性支出.{what}.人数"), g.persons as u64, f, Loc::default());
        }
        // 十二: 政府采购.
        let p = &self.fa.procurement;
        let goods = self.l.input("政府采购.货物", p.goods, f, u);
        let works = self.l.input("政府采购.工程", p.works, f, u);
        let services = self.l.input("政府采购.服务", p.services, f, u);
        let total = self.l.sum("政府采购.支出总额", &[goods, works, services]);
        let sme = self.l.input("政府采购.中小企业合同金额", p.sme, f, u);
        let small = self.l.input("政府采购.小微企业合同金额", p.small_micro, f, u);
        self.l.ratio_of("政府采购.中小企业合同金额.占比", sme, total);
        self.l.ratio_of("政府采购.小微企业合同金额.占比", small, total);
        // 十三: 国有资产.
        let a = &self.fa.assets;
        let v = &a.vehicles;
        let cars: Vec<Id> = [
            ("领导干部用车", v.leaders),
            ("机要通信用车", v.confidential),
            ("应急保障用车", v.emergency),
            ("执法执勤用车", v.law_enforcement),
            ("特种专业技术用车", v.special),
            ("其他用车", v.other),
        ]
        .into_iter()
        .map(|(n, c)| self.l.count(format!("国有资产.{n}"), c as u64, f, Loc::default()))
        .collect();
        self.l.sum("国有资产.车辆合计", &cars);
        self.l.count("国有资产.通用设备", a.general_equipment as u64, f, Loc::default());
        self.l.count("国有资产.专用设备", a.special_equipment as u64, f, Loc::default());
        // 十四
        self.l.input("预算绩效.重点项目支出", self.fa.performance.key_project_spending, f, u);
    }

    /// `<sec>.增减` (signed), `<sec>.增减额` and `<sec>.增减率` of `now` against `before`.
    fn change(&mut self, sec: &str, now: &str, before: &str) {
        let (n, b) = (self.id(now), self.id(before));
        let d = self.l.diff(format!("{sec}.增减"), n, b);
        let amount = self.l.abs(format!("{sec}.增减额"), d);
        self.l.ratio_of(format!("{sec}.增减率"), amount, b);
    }

    fn share(&mut self, name: &str, part: &str, whole: &str) {
        let (p, w) = (self.id(part), self.id(whole));
        self.l.ratio_of(name, p, w);
    }

    /// The id of a quantity this module has already defined.
    fn id(&self, name: &str) -> Id {
        self.l.id(name).unwrap_or_else(|| panic!("quantity {name} is defined before it is used"))
    }

    /// 五（二）: fixed classes with zeros, then the classes with data, each
    /// with its amount and its share of 财政拨款支出.
    fn fiscal_classes(&mut self, profile: &Profile, t05: &CodeTable) -> Vec<(String, String)> {
        let mut codes: Vec<String> = profile.structure_fixed_classes.clone();
        for c in t05.classes() {
            if !codes.contains(&c.code) {
                codes.push(c.code.clone());
            }
        }
        codes.sort();
        let total = self.id("公开05.合计.小计");
        codes
            .into_iter()
            .map(|c| {
                let amount = match self.l.id(&format!("公开05.{c}.小计")) {
                    Some(a) => self.l.alias(format!("五（二）.{c}"), a),
                    None => self.l.input(format!("五（二）.{c}"), None, self.file, self.unit),
                };
                self.l.ratio_of(format!("五（二）.{c}.占比"), amount, total);
                let name = self.names.name_of(&c);
                (c, name)
            })
            .collect()
    }

    fn budget_items(&self) -> Vec<BudgetItem> {
        let mut seen = BTreeSet::new();
        self.fa
            .expense
            .iter()
            .filter(|r| r.code.code.len() == 7 && seen.insert(r.code.code.clone()))
            .filter(|r| {
                let c = &r.code.code;
                !(self.l.m(&format!("五（三）.{c}.决算数")).is_zero()
                    && self.l.m(&format!("五（三）.{c}.年初预算数")).is_zero())
            })
            .map(|r| BudgetItem {
                code: r.code.code.clone(),
                class_name: strip_suffix(&self.names.name_of(&r.code.code[..3])),
                section_name: self.names.name_of(&r.code.code[..5]),
                item_name: self.names.name_of(&r.code.code),
                reason: r.reason.clone(),
            })
            .collect()
    }
}

/// The four 三公 items typed under `prefix` (预算, 决算, 上年), with the
/// 公务用车 subtotal and the total.
pub fn three_public_items(l: &mut Ledger, prefix: &str, i: &ThreePublicItems, file: u16, unit: Unit) {
    let abroad = l.input(format!("{prefix}.因公出国（境）费"), i.abroad, file, unit);
    let purchase = l.input(format!("{prefix}.公务用车购置费"), i.car_purchase, file, unit);
    let running = l.input(format!("{prefix}.公务用车运行费"), i.car_running, file, unit);
    let reception = l.input(format!("{prefix}.公务接待费"), i.reception, file, unit);
    let car = l.sum(format!("{prefix}.公务用车购置及运行费"), &[purchase, running]);
    l.sum(format!("{prefix}.合计"), &[abroad, car, reception]);
}

/// Whether a ledger value is a zero amount (or absent).
pub fn is_zero(l: &Ledger, name: &str) -> bool {
    l.get(name).is_none_or(|e| matches!(e.value, Value::Money(m) if m.is_zero()) || matches!(e.value, Value::Count(0)))
}

/// 类 names in 五（三） drop the trailing 支出: “社会保障和就业（类）”.
fn strip_suffix(name: &str) -> String {
    name.strip_suffix("支出").unwrap_or(name).to_string()
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

/// Names of 功能分类 codes: the catalogue's, or the one the data gives.
struct Names<'a> {
    cat: &'a Catalogue,
    given: BTreeMap<String, String>,
    unknown: Vec<Code>,
}

impl<'a> Names<'a> {
    fn new(cat: &'a Catalogue) -> Self {
        Names { cat, given: BTreeMap::new(), unknown: Vec::new() }
    }

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
