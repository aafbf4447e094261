//! 绩效自评: every figure the self-evaluation documents print enters the
//! unit-year's [`Ledger`] — 执行率, 预算执行得分, 总分, 一级 weights,
//! 年度资金总额, 基础数据表 totals, 控制率, fund balances and completion
//! rates, the figures of the computed paragraphs — and the 绩效自评 rules
//! and the cross-document rules read them there. 基本支出, 项目支出, 三公 and
//! 公用经费 are the 部门决算's own entries when the same unit-year has
//! 决算 data, so the documents cannot disagree; figures typed in both files
//! are compared.
//!
//! Public entries: [`evaluate`] (the ledger), [`check`] (the rules).

mod score;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::derive::three_public_items;
use crate::diagnostic::{Diagnostic, Severity};
use crate::ledger::{Formula, Id, Ledger, Value};
use crate::model::scored_form::{FundSource, ScoredForm};
use crate::model::{
    Amount, ComputedKey, EconItem, ExecutionRateBase, FundRow, IndicatorGroup, Loc, NamedAmount, PerformanceFile,
    Profile, ThreeColumns, ThreePublicItems, val,
};
use crate::money::{Money, Ratio, Unit};

/// The weight of the 预算执行 row (财预〔2020〕10号).
pub const EXECUTION_WEIGHT: i64 = 10;
/// The weights of the 一级 indicators (财预〔2020〕10号): with a 满意度
/// indicator 50 / 30 / 10; without one, its 10 moves to 产出 and 效益.
pub const LEVEL1_WEIGHTS: &[(&str, i64)] = &[("产出指标", 50), ("效益指标", 30), ("满意度指标", 10)];

/// The columns of the 基础数据表 经费控制情况.
pub const BASIC_COLUMNS: [&str; 3] = ["上年决算数", "本年预算数", "本年决算数"];

/// A scored table's key in the ledger (整体 table title or project name)
/// and what the view needs besides its figures.
#[derive(Debug, Clone)]
pub struct ScoredTable {
    /// Prefix of its quantities.
    pub key: String,
    /// The 一级 indicators in order of appearance.
    pub level1: Vec<String>,
    /// Its scores are printed (`scored: false` leaves them blank).
    pub scored: bool,
    /// Indicator rows: (group index, row index) → the names of its 分值/得分 cells.
    pub groups: Vec<GroupNames>,
    /// The form it prints with, and the file the form is written in.
    pub form: ScoredForm,
    pub form_file: PathBuf,
}

/// The 分值 and 得分 quantity names of one 二级 block.
#[derive(Debug, Clone)]
pub struct GroupNames {
    /// Merged over the block (`weight:` on the group), or per row.
    pub merged: bool,
    pub weight: String,
    pub score: String,
    /// Per row: its 分值 and 得分 names, and whether it has a 得分 (typed,
    /// or computed by rule) — a row without one prints a blank, not 0.
    pub rows: Vec<(String, String, bool)>,
}

/// One table's fund rows: the kind of fund and its figures as typed.
type FundRows<'a> = Vec<(FundSource, &'a FundRow)>;

/// What `evaluate` found out about the file's tables.
#[derive(Debug, Clone, Default)]
pub struct Evaluation {
    pub overall: Option<ScoredTable>,
    /// One per entry of `projects:`, in order (also those not evaluated).
    pub projects: Vec<ScoredTable>,
    /// The same unit-year has 决算 data.
    pub with_final_accounts: bool,
}

/// Computes every figure of a unit-year's 绩效自评 into `l`.
pub fn evaluate(
    l: &mut Ledger,
    p: &PerformanceFile,
    file: u16,
    with_final_accounts: bool,
    profile: &Profile,
) -> Evaluation {
    let mut e = Evaluator { l, p, file, unit: p.unit.unwrap_or_default(), fa: with_final_accounts };
    e.actuals();
    e.three_public();
    let overall = p.overall.as_ref().map(|o| {
        let rows = vec![(FundSource::Total, &o.funds)];
        let form = profile.evaluation_form(o.form.as_ref().map(|n| n.name.as_str()), true);
        let t = e.scored(&o.title, rows, o.execution_score, &o.indicators, (o.scored, o.score_by_rule), form);
        for (name, a) in [
            ("一般公共预算", o.by_income.general_budget),
            ("政府性基金拨款", o.by_income.gov_fund),
            ("纳入专户管理的非税收入拨款", o.by_income.special_account),
            ("其他资金", o.by_income.other),
        ] {
            e.l.input(format!("{}.按收入性质.{name}", o.title), a, file, e.unit);
        }
        for (name, a) in [("基本支出", o.by_expense.basic), ("项目支出", o.by_expense.project)] {
            e.l.input(format!("{}.按支出性质.{name}", o.title), a, file, e.unit);
        }
        t
    });
    let projects: Vec<ScoredTable> = p
        .projects
        .iter()
        .map(|t| {
            let rows = vec![
                (FundSource::CurrentFiscal, &t.current_fiscal),
                (FundSource::Carryover, &t.carryover),
                (FundSource::SpecialAccount, &t.special_account),
                (FundSource::Other, &t.other),
            ];
            let form = profile.evaluation_form(t.form.as_ref().map(|n| n.name.as_str()), false);
            let scoring = (t.scored && t.evaluated, t.score_by_rule);
            e.scored(&t.name, rows, t.execution_score, &t.indicators, scoring, form)
        })
        .collect();
    e.project_report();
    e.numbers();
    e.basic_data();
    e.funds();
    Evaluation { overall, projects, with_final_accounts }
}

struct Evaluator<'a> {
    l: &'a mut Ledger,
    p: &'a PerformanceFile,
    file: u16,
    unit: Unit,
    fa: bool,
}

impl Evaluator<'_> {
    fn input(&mut self, name: impl Into<String>, a: Option<Amount>) -> Id {
        self.l.input(name, a, self.file, self.unit)
    }

    fn id(&self, name: &str) -> Id {
        self.l.id(name).unwrap_or_else(|| panic!("quantity {name} is defined before it is used"))
    }

    /// A figure the 决算 data holds (`there`), also typed here (`typed`):
    /// the 决算's entry under the name `name`, the typed one compared (X-TYPED).
    fn shared_with_final_accounts(&mut self, name: &str, there: &str, typed: Option<Amount>, what: &str) -> Id {
        if self.fa {
            let id = self.id(there);
            let id = self.l.alias(name, id);
            if let Some(a) = typed {
                self.l.typed(id, a, self.file, self.unit, "X-TYPED", &format!("{what}（部门决算中已有此数）："));
            }
            id
        } else {
            self.input(name, typed)
        }
    }

    /// 基本支出 and 项目支出: actual (from the 决算 when it exists), budget,
    /// adjustment, and their breakdown by economic classification.
    fn actuals(&mut self) {
        let n = &self.p.numbers;
        for (what, there, typed, budget, adjustment, items) in [
            ("基本支出", "公开03.合计.基本支出", n.basic_actual, n.basic_budget, n.basic_adjustment, &n.basic_by_econ),
            (
                "项目支出",
                "公开03.合计.项目支出",
                n.project_actual,
                n.project_budget,
                n.project_adjustment,
                &n.project_by_econ,
            ),
        ] {
            let actual = self.shared_with_final_accounts(
                &format!("{what}.实际"),
                there,
                typed,
                &format!("numbers.{what}实际数"),
            );
            let b = self.input(format!("{what}.年初预算"), budget);
            let adj = self.input(format!("{what}.调整"), adjustment);
            self.l.linear(format!("{what}.结余"), vec![(b, false), (adj, false), (actual, true)]);
            if items.is_empty() {
                continue;
            }
            let ids: Vec<Id> = items.iter().map(|i| self.econ_item(&format!("{what}.经济分类"), i, actual)).collect();
            let sum = self.l.sum(format!("{what}.经济分类合计"), &ids);
            self.l.check_same(
                sum,
                actual,
                "N-ECON",
                Severity::Error,
                &format!("{what}按经济分类各项之和与{what}实际数"),
            );
        }
    }

    /// An economic item, its 其中 details (N-ECON: their sum may not exceed
    /// it) and its share of `whole`.
    fn econ_item(&mut self, prefix: &str, i: &EconItem, whole: Id) -> Id {
        let name = format!("{prefix}.{}", i.name);
        let id = self.input(name.clone(), Some(i.amount));
        if !i.items.is_empty() {
            let kids: Vec<Id> =
                i.items.iter().map(|x| self.input(format!("{name}.{}", x.name), Some(x.amount))).collect();
            let s = self.l.sum(format!("{name}.其中合计"), &kids);
            if self.l.money(s) > self.l.money(id) {
                let (file, at) = (self.l.file_path(self.file).to_path_buf(), i.amount.at);
                self.l.push(Diagnostic::new(
                    "N-ECON",
                    Severity::Error,
                    file,
                    at,
                    format!(
                        "{} 的其中明细之和 {} 超过其金额 {}",
                        i.name,
                        self.l.money(s).trimmed(),
                        self.l.money(id).trimmed()
                    ),
                ));
            }
        }
        self.l.ratio_of(format!("{name}.占比"), id, whole);
        id
    }

    /// “三公”经费: budget, actual and last year's (the 决算's when it exists),
    /// with the savings and the change the sentences and the 明细表 print.
    fn three_public(&mut self) {
        let n = self.p.numbers.three_public.clone();
        let cols = crate::derive::T07_COLUMNS;
        if self.fa {
            for (half, there, typed) in [
                ("预算", "公开07.预算", n.as_ref().map(|t| &t.budget)),
                ("决算", "公开07.决算", n.as_ref().map(|t| &t.actual)),
                ("上年", "上年.三公", n.as_ref().and_then(|t| t.previous.as_ref())),
            ] {
                for col in cols {
                    let id = self.id(&format!("{there}.{col}"));
                    self.l.alias(format!("三公.{half}.{col}"), id);
                }
                if let Some(t) = typed {
                    self.typed_three_public(&format!("三公.{half}"), t);
                }
            }
        } else if let Some(t) = &n {
            three_public_items(self.l, "三公.预算", &t.budget, self.file, self.unit);
            three_public_items(self.l, "三公.决算", &t.actual, self.file, self.unit);
            let prev = t.previous.clone();
            three_public_items(self.l, "三公.上年", &prev.clone().unwrap_or_default(), self.file, self.unit);
            if prev.is_none() {
                return self.three_public_changes(false);
            }
        } else {
            return;
        }
        self.three_public_changes(true);
    }

    /// Typed 三公 items that the 决算 data also holds (X-TYPED).
    fn typed_three_public(&mut self, prefix: &str, t: &ThreePublicItems) {
        for (col, a) in [
            ("因公出国（境）费", t.abroad),
            ("公务用车购置费", t.car_purchase),
            ("公务用车运行费", t.car_running),
            ("公务接待费", t.reception),
        ] {
            if let Some(a) = a {
                let id = self.id(&format!("{prefix}.{col}"));
                self.l.typed(
                    id,
                    a,
                    self.file,
                    self.unit,
                    "X-TYPED",
                    &format!("numbers.three_public {col}（部门决算中已有此数）："),
                );
            }
        }
    }

    fn three_public_changes(&mut self, with_previous: bool) {
        for col in crate::derive::T07_COLUMNS {
            let (b, a) = (self.id(&format!("三公.预算.{col}")), self.id(&format!("三公.决算.{col}")));
            self.l.diff(format!("三公.{col}.节约数"), b, a);
            if with_previous {
                let p = self.id(&format!("三公.上年.{col}"));
                let d = self.l.diff(format!("三公.{col}.增减数"), a, p);
                self.l.ratio_of(format!("三公.{col}.增减比例"), d, p);
                if *col == "合计" {
                    let amount = self.l.abs("三公.增减额", d);
                    self.l.ratio_of("三公.增减率", amount, p);
                }
            }
        }
    }

    /// A scored table: its fund rows, 执行率, 预算执行得分, the 分值 and 得分
    /// of every indicator, the 一级 weights, 分值合计 and 总分.
    /// A point score or weight typed in the file: points, never converted
    /// by the file's money unit.
    fn points(&mut self, name: impl Into<String>, a: Option<Amount>) -> Id {
        self.l.input(name, a, self.file, Unit::Wanyuan)
    }

    /// One scored table: its fund rows (each with its 执行率), totals,
    /// 预算执行 分值 and 得分, each indicator's 分值 and 得分 (typed, or by
    /// rule when `scoring.1`), the 一级 sums and the 总分.
    fn scored(
        &mut self,
        key: &str,
        rows: FundRows,
        typed_score: Option<Amount>,
        groups: &[IndicatorGroup],
        (scored, by_rule): (bool, bool),
        (form, form_file): (&ScoredForm, PathBuf),
    ) -> ScoredTable {
        let rate = self.fund_rows(key, &rows);
        let w = form.execution_weight.map(|a| a.value).unwrap_or(Money::from_int(EXECUTION_WEIGHT));
        let weight = self.l.rule(
            format!("{key}.预算执行分值"),
            Value::Money(w),
            "预算执行率的分值：表式的 execution_weight，缺省按财预〔2020〕10号为 10",
            vec![],
        );
        let mut level1: Vec<String> = Vec::new();
        for g in groups {
            if !level1.contains(&g.level1) {
                level1.push(g.level1.clone());
            }
        }
        let mut names = Vec::new();
        let mut by_level1: BTreeMap<&str, (Vec<Id>, Vec<Id>)> = BTreeMap::new();
        for g in groups {
            let prefix = format!("{key}.{}.{}", g.level1, g.level2);
            let merged = g.weight.is_some();
            let rows: Vec<(Id, Id, bool)> = g
                .rows
                .iter()
                .map(|r| {
                    let w = self.points(format!("{prefix}.{}.分值", r.name), r.weight);
                    let name = format!("{prefix}.{}.得分", r.name);
                    let by_rule = if scored && by_rule && !merged && r.score.is_none() {
                        score::rule_score(r, val(&r.weight)).ok()
                    } else {
                        None
                    };
                    match (r.score.filter(|_| scored), by_rule) {
                        (Some(a), _) => (w, self.points(name, Some(a)), true),
                        (None, Some((v, how))) => (w, self.l.rule(name, Value::Money(v), how, vec![w]), true),
                        (None, None) => (w, self.points(name, None), false),
                    }
                })
                .collect();
            let (w, s) = if merged {
                (
                    self.points(format!("{prefix}.分值"), g.weight),
                    self.points(format!("{prefix}.得分"), g.score.filter(|_| scored)),
                )
            } else {
                let ws: Vec<Id> = rows.iter().map(|r| r.0).collect();
                let ss: Vec<Id> = rows.iter().map(|r| r.1).collect();
                (self.l.sum(format!("{prefix}.分值"), &ws), self.l.sum(format!("{prefix}.得分"), &ss))
            };
            let e = by_level1.entry(&g.level1).or_default();
            e.0.push(w);
            e.1.push(s);
            let name = |l: &Ledger, id: Id| l.entry(id).name.clone();
            names.push(GroupNames {
                merged,
                weight: name(self.l, w),
                score: name(self.l, s),
                rows: rows.iter().map(|(w, s, has)| (name(self.l, *w), name(self.l, *s), *has)).collect(),
            });
        }
        let mut weights = vec![weight];
        let mut scores = Vec::new();
        for l1 in &level1 {
            let (ws, ss) = by_level1.get(l1.as_str()).cloned().unwrap_or_default();
            weights.push(self.l.sum(format!("{key}.{l1}.分值"), &ws));
            scores.push(self.l.sum(format!("{key}.{l1}.得分"), &ss));
        }
        self.l.sum(format!("{key}.分值合计"), &weights);
        if scored {
            let score = match typed_score {
                Some(a) => self.points(format!("{key}.预算执行得分"), Some(a)),
                None => {
                    let v = self.l.ratio(&format!("{key}.执行率")).map(|r| execution_score(r, w)).unwrap_or_default();
                    let rule = "分值 × 执行率，四舍五入到 0.01，不超过分值（执行率无分母时为 0）";
                    self.l.rule(format!("{key}.预算执行得分"), Value::Money(v), rule, vec![weight, rate])
                }
            };
            scores.insert(0, score);
            self.l.sum(format!("{key}.总分"), &scores);
        }
        ScoredTable { key: key.to_string(), level1, scored, groups: names, form: form.clone(), form_file }
    }

    /// A table's fund rows: 年初预算数, 全年预算数, 全年执行数 and 执行率 of
    /// each row (`<表>.<资金>.…`) and of their total (`<表>.…`; a table of
    /// one row is its own total). Gives the total's 执行率.
    fn fund_rows(&mut self, key: &str, rows: &FundRows) -> Id {
        let cols = ["年初预算数", "全年预算数", "全年执行数"];
        let mut columns: [Vec<Id>; 3] = Default::default();
        for (source, f) in rows {
            let prefix = if rows.len() == 1 { key.to_string() } else { format!("{key}.{}", source.ledger_name()) };
            let typed = [f.initial, f.annual, f.executed];
            let ids: Vec<Id> =
                typed.into_iter().enumerate().map(|(k, a)| self.input(format!("{prefix}.{}", cols[k]), a)).collect();
            for (k, id) in ids.iter().enumerate() {
                columns[k].push(*id);
            }
            if rows.len() > 1 {
                let base = self.rate_base(ids[0], ids[1]);
                self.l.ratio_of(format!("{prefix}.执行率"), ids[2], base);
            }
        }
        let [initial, annual, executed] = if rows.len() == 1 {
            [columns[0][0], columns[1][0], columns[2][0]]
        } else {
            [0, 1, 2].map(|k| self.l.sum(format!("{key}.{}", cols[k]), &columns[k]))
        };
        let base = self.rate_base(initial, annual);
        self.l.ratio_of(format!("{key}.执行率"), executed, base)
    }

    /// What 执行率 divides by: 全年预算数, or 年初预算数 when the file says so and it is typed.
    fn rate_base(&self, initial: Id, annual: Id) -> Id {
        match self.p.execution_rate_base {
            ExecutionRateBase::Initial if !self.l.money(initial).is_zero() => initial,
            _ => annual,
        }
    }

    /// The project report's fund paragraphs: per project the money received
    /// and the use rate; the sums over the projects.
    fn project_report(&mut self) {
        let p = self.p;
        if p.projects.is_empty() {
            return;
        }
        let mut cols: [Vec<Id>; 4] = Default::default();
        for t in &p.projects {
            let k = &t.name;
            let received = match t.received {
                Some(a) => self.input(format!("{k}.到位资金"), Some(a)),
                None => {
                    let a = self.id(&format!("{k}.全年预算数"));
                    self.l.alias(format!("{k}.到位资金"), a)
                }
            };
            let executed = self.id(&format!("{k}.全年执行数"));
            self.l.ratio_of(format!("{k}.资金使用率"), executed, received);
            cols[0].push(self.id(&format!("{k}.年初预算数")));
            cols[1].push(self.id(&format!("{k}.全年预算数")));
            cols[2].push(received);
            cols[3].push(executed);
        }
        self.l.sum("项目报告.年初预算数合计", &cols[0]);
        let annual = self.l.sum("项目报告.全年预算数合计", &cols[1]);
        let received = self.l.sum("项目报告.到位资金合计", &cols[2]);
        self.l.ratio_of("项目报告.资金到位率", received, annual);
        let spent = self.l.sum("项目报告.各项目全年执行数之和", &cols[3]);
        // The report's total is the 部门决算's 项目支出 when every project is
        // listed: one figure, however the projects' rounded amounts add up.
        if self.fa && p.all_projects {
            let total = self.id("公开03.合计.项目支出");
            self.l.alias("项目报告.资金支出合计", total);
        } else {
            self.l.alias("项目报告.资金支出合计", spent);
        }
    }

    /// 人员, the project lists and the special fund of the computed paragraphs.
    fn numbers(&mut self) {
        let (n, f) = (&self.p.numbers, self.file);
        if let Some(s) = &n.staff {
            let q = self.l.count("人员.编制数", s.quota as u64, f, Loc::default());
            let i = self.l.count("人员.实际在职人数", s.in_post as u64, f, Loc::default());
            self.l.ratio_of("人员.在职人员控制率", i, q);
        }
        for g in &n.project_groups {
            let ids: Vec<Id> = g
                .projects
                .iter()
                .map(|x| self.input(format!("项目清单.{}.{}", g.name, x.name), Some(x.amount)))
                .collect();
            self.l.sum(format!("项目清单.{}.合计", g.name), &ids);
            self.l.count(format!("项目清单.{}.个数", g.name), g.projects.len() as u64, f, Loc::default());
        }
        if let Some(s) = &n.special_fund {
            let b = self.named_list("专项资金.预算收入", &s.budget_sources);
            let a = self.named_list("专项资金.实际收入", &s.actual_sources);
            self.l.ratio_of("专项资金.到位率", a, b);
            let items: Vec<Id> = s.spending.iter().map(|i| self.econ_item("专项资金.支出", i, a)).collect();
            let spent = self.l.sum("专项资金.支出合计", &items);
            self.l.ratio_of("专项资金.执行率", spent, a);
        }
    }

    /// Each named amount under `prefix`, and their sum under `<prefix>合计`.
    fn named_list(&mut self, prefix: &str, xs: &[NamedAmount]) -> Id {
        let ids: Vec<Id> = xs.iter().map(|x| self.input(format!("{prefix}.{}", x.name), Some(x.amount))).collect();
        self.l.sum(format!("{prefix}合计"), &ids)
    }

    /// 附件1-1 部门整体支出绩效评价基础数据表: every row and column, the
    /// rows the 决算 data holds taken from it (typed ones compared).
    fn basic_data(&mut self) {
        let Some(b) = &self.p.basic_data else { return };
        let cols = BASIC_COLUMNS;
        // 三公经费: the 决算's 上年/预算/决算 where it has them.
        for (k, (col, items)) in
            [(cols[0], &b.three_public.previous), (cols[1], &b.three_public.budget), (cols[2], &b.three_public.actual)]
                .into_iter()
                .enumerate()
        {
            let half = ["上年", "预算", "决算"][k];
            let from = if self.fa || self.l.id(&format!("三公.{half}.合计")).is_some() {
                Some(format!("三公.{half}"))
            } else {
                None
            };
            for (row, col7) in [
                ("公务用车购置和维护经费", "公务用车购置及运行费"),
                ("公车购置", "公务用车购置费"),
                ("公车运行维护", "公务用车运行费"),
                ("出国经费", "因公出国（境）费"),
                ("公务接待", "公务接待费"),
                ("三公经费", "合计"),
            ] {
                let name = format!("基础数据表.{row}.{col}");
                let typed = match col7 {
                    "公务用车购置费" => items.car_purchase,
                    "公务用车运行费" => items.car_running,
                    "因公出国（境）费" => items.abroad,
                    "公务接待费" => items.reception,
                    _ => None,
                };
                match &from {
                    Some(prefix) => {
                        let id = self.id(&format!("{prefix}.{col7}"));
                        let id = self.l.alias(name, id);
                        if let Some(a) = typed {
                            self.l.typed(
                                id,
                                a,
                                self.file,
                                self.unit,
                                "B-9",
                                &format!("基础数据表 {row} {col}（与“三公”经费数据比对）："),
                            );
                        }
                    }
                    None => match col7 {
                        "公务用车购置及运行费" | "合计" => {}
                        _ => {
                            self.input(name, typed);
                        }
                    },
                }
            }
            if from.is_none() {
                let c = |r: &str| self.id(&format!("基础数据表.{r}.{col}"));
                let (p, r, a, rec) = (c("公车购置"), c("公车运行维护"), c("出国经费"), c("公务接待"));
                let car = self.l.sum(format!("基础数据表.公务用车购置和维护经费.{col}"), &[p, r]);
                self.l.sum(format!("基础数据表.三公经费.{col}"), &[car, a, rec]);
            }
        }
        // 项目支出 = 1 + 2 + 3（Σ 专项）+ 4; its 本年决算数 is the 决算's.
        let mut special_cols: [Vec<Id>; 3] = Default::default();
        for s in &b.special_funds {
            for (k, a) in [s.previous, s.budget, s.actual].into_iter().enumerate() {
                special_cols[k].push(self.input(format!("基础数据表.专项.{}.{}", s.name, cols[k]), a));
            }
        }
        for (k, col) in cols.iter().enumerate() {
            let parts = [
                self.column("业务工作经费", &b.business_funds, k),
                self.column("运行维护经费", &b.operation_funds, k),
                self.l.sum(format!("基础数据表.专项资金.{col}"), &special_cols[k]),
                self.column("其他事业类发展资金", &b.other_funds, k),
            ];
            let sum = self.l.sum(format!("基础数据表.项目支出各项之和.{col}"), &parts);
            if k == 2 && self.fa {
                let total = self.id("项目支出.实际");
                let id = self.l.alias(format!("基础数据表.项目支出.{col}"), total);
                self.l.check_same(
                    sum,
                    id,
                    "B-8",
                    Severity::Error,
                    &format!("基础数据表 项目支出{}各项之和与部门决算 项目支出", col),
                );
            } else {
                self.l.alias(format!("基础数据表.项目支出.{col}"), sum);
            }
        }
        // 公用经费 and its 其中 rows; the 本年决算数 of 公用经费 is 公开06's (B-6),
        // of the 其中 rows the 公开06 items they are made of (B-10).
        for (row, c, from06) in [
            ("公用经费", &b.public_cost, &["302", "307", "310", "399"][..]),
            ("办公费", &b.office, &["30201"][..]),
            ("水费、电费、差旅费", &b.utilities_travel, &["30205", "30206", "30211"][..]),
            ("会议费、培训费", &b.meetings_training, &["30215", "30216"][..]),
        ] {
            for (k, col) in cols.iter().enumerate() {
                let id = self.column(row, c, k);
                if k == 2 && self.fa {
                    let parts: Vec<Id> =
                        from06.iter().filter_map(|code| self.l.id(&format!("公开06.{code}"))).collect();
                    let from = self.l.sum(format!("基础数据表.{row}.{col}（公开06）"), &parts);
                    let rule = if row == "公用经费" { "B-6" } else { "B-10" };
                    if c.actual.is_some() {
                        self.l.check_same(
                            id,
                            from,
                            rule,
                            Severity::Error,
                            &format!("基础数据表 {row} 本年决算数与公开06表"),
                        );
                    }
                }
            }
        }
        for (row, c) in [("政府采购金额", &b.procurement), ("部门基本支出预算调整", &b.basic_adjustment)]
        {
            for k in 0..3 {
                let id = self.column(row, c, k);
                if k == 2 && self.fa && row == "政府采购金额" && c.actual.is_some() {
                    let from = self.id("政府采购.支出总额");
                    self.l.check_same(
                        id,
                        from,
                        "B-11",
                        Severity::Error,
                        "基础数据表 政府采购金额 本年决算数与部门决算 政府采购支出总额",
                    );
                }
            }
        }
        let bl = &b.buildings;
        let ar = self.input("基础数据表.楼堂馆所.批复规模", bl.approved_area);
        let aa = self.input("基础数据表.楼堂馆所.实际规模", bl.actual_area);
        self.l.ratio_of("基础数据表.楼堂馆所.规模控制率", aa, ar);
        let bi = self.input("基础数据表.楼堂馆所.预算投资", bl.budget_investment);
        let ai = self.input("基础数据表.楼堂馆所.实际投资", bl.actual_investment);
        self.l.ratio_of("基础数据表.楼堂馆所.投资概算控制率", ai, bi);
    }

    fn column(&mut self, row: &str, c: &ThreeColumns<Option<Amount>>, k: usize) -> Id {
        let a = [c.previous, c.budget, c.actual][k];
        self.input(format!("基础数据表.{row}.{}", BASIC_COLUMNS[k]), a)
    }

    /// 社会保险基金: income and expenditure, budget and actual, their items,
    /// completion rates and balances, in the fund's own unit; typed totals
    /// and balances compared (尾差 printed as typed).
    fn funds(&mut self) {
        for f in &self.p.funds {
            let n = &f.name;
            let u = f.unit;
            let total = |me: &mut Self, what: &str, xs: &[NamedAmount], typed: Option<Amount>| -> Id {
                let ids: Vec<Id> = xs
                    .iter()
                    .map(|x| me.l.input(format!("{n}.{what}.{}", x.name), Some(x.amount), me.file, u))
                    .collect();
                if ids.is_empty() && typed.is_some() {
                    return me.l.input(format!("{n}.{what}"), typed, me.file, u);
                }
                let id = me.l.sum(format!("{n}.{what}"), &ids);
                me.l.set_unit(id, u);
                if let Some(a) = typed {
                    me.l.typed(id, a, me.file, u, "S-STATED", &format!("{n}{what}："));
                }
                id
            };
            let bi = total(self, "预算收入", &f.budget_income, f.budget_income_total);
            let ai = total(self, "实际收入", &f.actual_income, f.actual_income_total);
            let be = total(self, "预算支出", &f.budget_expense, f.budget_expense_total);
            let ae = total(self, "实际支出", &f.actual_expense, f.actual_expense_total);
            self.l.ratio_of(format!("{n}.收入完成率"), ai, bi);
            self.l.ratio_of(format!("{n}.支出完成率"), ae, be);
            let balance = self.l.diff(format!("{n}.当期结余"), ai, ae);
            self.l.set_unit(balance, u);
            if let Some(a) = f.balance {
                self.l.typed(balance, a, self.file, u, "S-STATED", &format!("{n}当期收支结余："));
            }
            match (f.opening_balance, f.closing_balance) {
                (Some(o), closing) => {
                    let opening = self.l.input(format!("{n}.期初结余"), Some(o), self.file, u);
                    let id = self.l.sum(format!("{n}.期末结余"), &[opening, balance]);
                    self.l.set_unit(id, u);
                    if let Some(a) = closing {
                        self.l.typed(id, a, self.file, u, "S-STATED", &format!("{n}期末滚存结余："));
                    }
                }
                // No 期初结余 published: the 期末 stands as typed.
                (None, Some(a)) => {
                    self.l.input(format!("{n}.期末结余"), Some(a), self.file, u);
                }
                (None, None) => {}
            }
        }
    }
}

/// 预算执行得分 by rule: 分值 × 执行率, rounded to 0.01, at most the 分值.
pub fn execution_score(rate: Ratio, w: Money) -> Money {
    let s = Money(w.0 * rate.value()).round(2);
    if s > w { w } else { s }
}

/// The 一级 weights a table must have: its own, its form's, the profile's,
/// or (`None`) the national rule.
pub fn expected_weights(
    table: &BTreeMap<String, Amount>,
    form: &ScoredForm,
    profile: Option<&Profile>,
) -> Option<BTreeMap<String, Money>> {
    for own in [table, &form.weights] {
        if !own.is_empty() {
            return Some(own.iter().map(|(k, v)| (k.clone(), v.value)).collect());
        }
    }
    profile
        .filter(|p| !p.indicator_weights.is_empty())
        .map(|p| p.indicator_weights.iter().map(|(k, v)| (k.clone(), v.value)).collect())
}

/// A scored table as the rules read it.
struct TableToCheck<'a> {
    name: String,
    groups: &'a [IndicatorGroup],
    s: &'a ScoredTable,
    /// The typed 预算执行得分.
    entered: Option<Amount>,
    /// Its own 一级 weights.
    own: &'a BTreeMap<String, Amount>,
    by_rule: bool,
    form: Option<&'a crate::model::Named>,
    /// The texts typed for the table.
    texts: crate::model::TableTexts<'a>,
    /// A fund's 原因 is typed.
    fund_reasons: bool,
}

/// The 绩效自评 rules (layouts.md §3.4–3.5) and the cross-document rules.
pub fn check(
    l: &mut Ledger,
    file: &Path,
    p: &PerformanceFile,
    e: &Evaluation,
    profile: Option<&Profile>,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let push = |out: &mut Vec<Diagnostic>, rule: &'static str, sev: Severity, at: Loc, msg: String| {
        out.push(Diagnostic::new(rule, sev, file, at, msg))
    };
    let mut tables: Vec<TableToCheck> = Vec::new();
    if let (Some(o), Some(s)) = (&p.overall, &e.overall) {
        tables.push(TableToCheck {
            name: o.title.clone(),
            groups: &o.indicators,
            s,
            entered: o.execution_score,
            own: &o.weights,
            by_rule: o.score_by_rule,
            form: o.form.as_ref(),
            texts: o.texts(),
            fund_reasons: false,
        });
    }
    for (t, s) in p.projects.iter().zip(&e.projects) {
        if t.evaluated {
            tables.push(TableToCheck {
                name: format!("项目支出绩效自评表“{}”", t.name),
                groups: &t.indicators,
                s,
                entered: t.execution_score,
                own: &t.weights,
                by_rule: t.score_by_rule,
                form: t.form.as_ref(),
                texts: t.texts(),
                fund_reasons: t.fund_reasons().iter().any(|(_, r)| r.is_some()),
            });
        }
    }
    for t in tables {
        let TableToCheck { name, groups, s, entered, own, .. } = &t;
        let (name, groups, s, entered) = (name.as_str(), *groups, *s, *entered);
        let key = &s.key;
        if let (Some(f), Some(p)) = (t.form, profile) {
            out.extend(form_name(file, f, p));
        }
        out.extend(form_quantities(l, s));
        out.extend(unprinted(file, &t));
        out.extend(rule_scores(file, name, groups, s.scored, t.by_rule));
        let at = groups
            .first()
            .and_then(|g| g.rows.first())
            .and_then(|r| r.weight.or(r.score))
            .map(|a| a.at)
            .or_else(|| groups.first().and_then(|g| g.weight).map(|a| a.at))
            .unwrap_or_default();
        let weights: Vec<(String, Money)> =
            s.level1.iter().map(|l1| (l1.clone(), l.m(&format!("{key}.{l1}.分值")))).collect();
        p2_weights(&mut out, file, at, name, &weights, expected_weights(own, &s.form, profile));
        let total_weight = l.m(&format!("{key}.分值合计"));
        let execution_weight = l.m(&format!("{key}.预算执行分值"));
        if total_weight != Money::from_int(100) {
            push(
                &mut out,
                "P-1",
                Severity::Error,
                at,
                format!(
                    "{name}：分值合计为 {}（预算执行 {} + 各指标），应为 100",
                    total_weight.trimmed(),
                    execution_weight.trimmed()
                ),
            );
        }
        for g in groups {
            if let (Some(w), Some(sc)) = (g.weight, g.score)
                && sc.value > w.value
            {
                push(
                    &mut out,
                    "P-4",
                    Severity::Error,
                    sc.at,
                    format!("{name}：{} 得分 {} 超过分值 {}", g.level2, sc.value.trimmed(), w.value.trimmed()),
                );
            }
            for r in &g.rows {
                if let (Some(w), Some(sc)) = (r.weight, r.score)
                    && sc.value > w.value
                {
                    push(
                        &mut out,
                        "P-4",
                        Severity::Error,
                        sc.at,
                        format!("{name}：“{}”得分 {} 超过分值 {}", r.name, sc.value.trimmed(), w.value.trimmed()),
                    );
                }
            }
        }
        if let (Some(a), Some(r)) = (entered, l.ratio(&format!("{key}.执行率")))
            && s.scored
        {
            let c = execution_score(r, execution_weight);
            if a.value != c {
                push(
                    &mut out,
                    "P-6",
                    Severity::Warning,
                    a.at,
                    format!(
                        "{name}：预算执行得分填写为 {}，按“分值 × 执行率”计算为 {}（执行率 {}%）",
                        a.value.trimmed(),
                        c.trimmed(),
                        r.percent(2)
                    ),
                );
            }
        }
    }
    if let Some(o) = &p.overall {
        let title = &o.title;
        let init = l.id(&format!("{title}.年初预算数")).expect("overall");
        for (nature, parts) in [
            ("收入", &["一般公共预算", "政府性基金拨款", "纳入专户管理的非税收入拨款", "其他资金"][..]),
            ("支出", &["基本支出", "项目支出"][..]),
        ] {
            let ids: Vec<Id> = parts.iter().filter_map(|x| l.id(&format!("{title}.按{nature}性质.{x}"))).collect();
            let sum = l.sum(format!("{title}.按{nature}性质分之和"), &ids);
            if !l.money(sum).is_zero() {
                l.check_same(init, sum, "P-9", Severity::Error, &format!("{title}：年初预算数与按{nature}性质分之和"));
            }
        }
        // X-BUDGET: the 决算's 五（三）年初预算 is the 一般公共预算 年初预算 of the 整体 table.
        if let (Some(a), Some(b)) = (l.id("五（三）.年初预算数"), l.id(&format!("{title}.按收入性质.一般公共预算")))
            && o.by_income.general_budget.is_some()
        {
            l.check_same(
                b,
                a,
                "X-BUDGET",
                Severity::Error,
                "整体支出绩效自评表 年初预算（一般公共预算）与部门决算 第三部分 五（三）财政拨款支出年初预算数",
            );
        }
    }
    // A fund paragraph must name one of `funds:` (it would print a note).
    for r in &p.reports {
        for name in r.computed_keys().into_iter().filter_map(ComputedKey::fund) {
            if !p.funds.iter().any(|f| f.name == name) {
                let known: Vec<&str> = p.funds.iter().map(|f| f.name.as_str()).collect();
                push(
                    &mut out,
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
    computed_paragraph_data(&mut out, file, p, e);
    duplicates(&mut out, file, p);
    projects_against_final_accounts(l, &mut out, file, p, e);
    if let Some(b) = &p.basic_data {
        p12_basic_rows(l, &mut out, file, p, b);
    }
    p13_cost_indicators(l, &mut out, file, p);
    scale(l, &mut out, file, p);
    out
}

/// C-SCALE: a file that does not say its unit is read in 万元; amounts typed
/// in 元 would print ten thousand times too large. The largest amount typed
/// outside the 社会保险基金 (a fund's own figures may be that large) decides.
fn scale(l: &mut Ledger, out: &mut Vec<Diagnostic>, file: &Path, p: &PerformanceFile) {
    if p.unit.is_some() {
        return;
    }
    let id = l.file(file);
    let funds: Vec<String> = p.funds.iter().map(|f| format!("{}.", f.name)).collect();
    let largest = l
        .entries()
        .iter()
        .filter_map(|e| match (&e.formula, e.value) {
            (Formula::Input(s), Value::Money(m)) if s.file == id && !funds.iter().any(|f| e.name.starts_with(f)) => {
                Some((m.abs(), s.at, e.name.clone()))
            }
            _ => None,
        })
        .max_by_key(|x| x.0);
    if let Some((m, at, name)) = largest
        && m >= Money::from_int(1_000_000)
    {
        out.push(Diagnostic::new(
            "C-SCALE",
            Severity::Warning,
            file,
            at,
            format!(
                "{name} 按万元读为 {} 万元（{} 亿元），不像一个单位的绩效自评：若本文件的金额是以元填写的，请在文件开头写 unit: 元（程序精确换算为万元）；确为万元请写 unit: 万元",
                m.trimmed(),
                crate::money::Unit::Yiyuan.from_wanyuan(m).round(2).trimmed()
            ),
        ));
    }
}

/// P-FORM: a table's `form:` names a 自评表 form the profile knows.
fn form_name(file: &Path, f: &crate::model::Named, p: &Profile) -> Option<Diagnostic> {
    if p.evaluation_form_sets.contains_key(&f.name) {
        return None;
    }
    let known: Vec<&str> = p.evaluation_form_sets.keys().map(String::as_str).collect();
    let near = crate::model::did_you_mean(&f.name, known.iter().copied());
    let msg = format!(
        "找不到自评表表式“{}”{near}（profiles/自评表/ 中有：{}）：按版式方案的表式印出会是另一种表",
        f.name,
        known.join("、")
    );
    Some(Diagnostic::new("P-FORM", Severity::Error, file, f.at, msg))
}

/// L-FORM: every quantity a table's form prints in its `rows` (as `q:`,
/// after the table's name) is one the ledger has — reported against the
/// form's file, with the nearest name.
fn form_quantities(l: &Ledger, s: &ScoredTable) -> Vec<Diagnostic> {
    use crate::model::scored_form::FormBlock;
    let cells = s.form.body.iter().flat_map(|b| match b {
        FormBlock::Rows(rows) => rows.iter().flatten().collect::<Vec<_>>(),
        FormBlock::Funds(f) => f.after.iter().flatten().collect(),
        _ => Vec::new(),
    });
    let prefix = format!("{}.", s.key);
    let mine = || l.entries().iter().filter_map(|e| e.name.strip_prefix(&prefix));
    cells
        .filter_map(|c| c.q.as_deref())
        .filter(|q| l.id(&format!("{prefix}{q}")).is_none())
        .map(|q| {
            let near = crate::ledger::suggest(q, mine()).map(|n| format!("，是否想写“{n}”？")).unwrap_or_default();
            let msg = format!(
                "自评表表式印本表的“{q}”，数字账中没有“{prefix}{q}”{near}（本表的量见 gongkai check --list-quantities）"
            );
            Diagnostic::new("L-FORM", Severity::Error, &s.form_file, Loc::default(), msg)
        })
        .collect()
}

/// P-SCORE and P-QUAL: scores by rule. A table that asks for them must
/// give each indicator what the rule needs (or a typed 得分); a typed 得分
/// that differs from the rule is a warning, like P-6; a 定性 得分 outside
/// its grade's band is an error.
fn rule_scores(file: &Path, name: &str, groups: &[IndicatorGroup], scored: bool, by_rule: bool) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for r in groups.iter().flat_map(|g| &g.rows) {
        if r.target.is_some() && (r.nature.is_some() || r.value.is_some()) {
            let at = r.value.as_ref().map(|v| v.at).or(r.weight.map(|a| a.at)).unwrap_or_default();
            let msg = format!(
                "{name}：“{}”既写了 target 又写了 nature/value：年度指标值由指标性质、指标值和度量单位连写而成，两处可能不一致（计分按 value），只写一种",
                r.name
            );
            out.push(Diagnostic::new("P-TARGET", Severity::Error, file, at, msg));
        }
    }
    if !scored {
        return out;
    }
    for g in groups {
        for r in &g.rows {
            let at = r.score.or(r.weight).map(|a| a.at).unwrap_or_default();
            if let (Some(grade), Some(sc), Some(w)) = (r.grade, r.score, r.weight.or(g.weight))
                && !score::in_band(grade, w.value, sc.value)
            {
                let (lo, hi) = grade.band();
                let msg = format!(
                    "{name}：“{}”为定性指标{}，得分应在分值 {} 的 {lo}%（含）–{hi}%{} 之间，填写为 {}",
                    r.name,
                    grade.zh(),
                    w.value.trimmed(),
                    if grade == crate::model::Grade::Reached { "（含）" } else { "（不含）" },
                    sc.value.trimmed()
                );
                out.push(Diagnostic::new("P-QUAL", Severity::Error, file, sc.at, msg));
            }
            if g.weight.is_some() {
                if by_rule {
                    let msg = format!(
                        "{name}：二级指标“{}”的分值是合并的，按规则计分（score_by_rule）要给每个三级指标写分值",
                        g.level2
                    );
                    out.push(Diagnostic::new(
                        "P-SCORE",
                        Severity::Error,
                        file,
                        g.weight.map(|a| a.at).unwrap_or(at),
                        msg,
                    ));
                    break;
                }
                continue;
            }
            match (score::rule_score(r, val(&r.weight)), r.score) {
                (Err(why), None) if by_rule => {
                    let msg = format!("{name}：“{}”不能按规则计分：{why}（或直接填写 score）", r.name);
                    out.push(Diagnostic::new("P-SCORE", Severity::Error, file, at, msg));
                }
                // A typed score is checked wherever the rule can be applied, asked for or not.
                (Ok((v, how)), Some(typed)) if v != typed.value => {
                    let msg = format!(
                        "{name}：“{}”得分填写为 {}，按规则计算为 {}（{how}）",
                        r.name,
                        typed.value.trimmed(),
                        v.trimmed()
                    );
                    out.push(Diagnostic::new("P-SCORE", Severity::Warning, file, typed.at, msg).with_values(
                        v.trimmed(),
                        typed.value.trimmed(),
                        (typed.value - v).signed(),
                    ));
                }
                (_, None) if r.weight.is_some() && !by_rule => {
                    let msg = format!(
                        "{name}：“{}”有分值而没有得分：得分一格空白，总分中按 0 计（尚未评分的表写 scored: false；要按规则计分写 score_by_rule: true）",
                        r.name
                    );
                    out.push(Diagnostic::new("P-SCORE", Severity::Warning, file, at, msg));
                }
                _ => {}
            }
        }
    }
    out
}

/// P-UNPRINTED: what a table's data says that its form has no place for —
/// a 偏差原因 without a note column, a 评价结论 the form does not print —
/// would be dropped silently.
fn unprinted(file: &Path, t: &TableToCheck) -> Vec<Diagnostic> {
    use crate::model::scored_form::{FormBlock, FundValue, IndicatorValue, TextField};
    let form = &t.s.form;
    let cells = form.body.iter().flat_map(|b| match b {
        FormBlock::Rows(rows) => rows.iter().flatten().collect::<Vec<_>>(),
        FormBlock::Funds(f) => f.after.iter().flatten().collect(),
        _ => Vec::new(),
    });
    let fields: Vec<TextField> = cells.filter_map(|c| c.field).collect();
    let has_column =
        |v: FundValue| form.body.iter().any(|b| matches!(b, FormBlock::Funds(f) if f.columns.iter().any(|c| c.c == v)));
    let has_note = form
        .body
        .iter()
        .any(|b| matches!(b, FormBlock::Indicators(i) if i.columns.iter().any(|c| c.c == IndicatorValue::Note)));
    let typed = |x: Option<&str>| x.is_some_and(|x| !x.trim().is_empty());
    let mut missing: Vec<&str> = [
        (TextField::Goal, "goal（年度目标）"),
        (TextField::Achieved, "achieved（完成情况）"),
        (TextField::Content, "content（项目实施内容）"),
        (TextField::Conclusion, "conclusion（评价结论）"),
        (TextField::Problems, "problems（存在问题）"),
        (TextField::Measures, "measures（改进措施）"),
    ]
    .into_iter()
    .filter(|(f, _)| typed(t.texts.get(*f)) && !fields.contains(f))
    .map(|(_, what)| what)
    .collect();
    if typed(t.texts.number) && form.number_label.is_none() {
        missing.push("number（报表编号）");
    }
    if (typed(t.texts.execution_note) || t.fund_reasons) && !has_column(FundValue::Reason) {
        missing.push("execution_note / reason（预算执行的原因）");
    }
    if t.groups.iter().flat_map(|g| &g.rows).any(|r| r.note.as_deref().is_some_and(|n| !n.trim().is_empty()))
        && !has_note
    {
        missing.push("指标的 note（偏差原因分析及改进措施）");
    }
    if missing.is_empty() {
        return Vec::new();
    }
    let msg = format!(
        "{}：表式（{}）没有印 {} 的位置，这些文字不会出现在表中：换一种有这一栏的表式（form:），或删去",
        t.name,
        t.s.form_file.display(),
        missing.join("、")
    );
    vec![Diagnostic::new("P-UNPRINTED", Severity::Warning, file, Loc::default(), msg)]
}

/// P-2: the 一级 weights against the table's, the profile's or the national ones.
fn p2_weights(
    out: &mut Vec<Diagnostic>,
    file: &Path,
    at: Loc,
    name: &str,
    weights: &[(String, Money)],
    expected: Option<BTreeMap<String, Money>>,
) {
    let get = |n: &str| weights.iter().find(|(l1, _)| l1.starts_with(n)).map(|(_, w)| *w);
    let mut bad = |msg: String| out.push(Diagnostic::new("P-2", Severity::Error, file, at, msg));
    match expected {
        Some(want) => {
            for (l1, w) in &want {
                let have = get(l1).unwrap_or_default();
                if have != *w {
                    bad(format!("{name}：{l1} 下各二级指标分值之和为 {}，应为 {}", have.trimmed(), w.trimmed()));
                }
            }
        }
        None if get("满意度指标").is_some() => {
            for (l1, w) in LEVEL1_WEIGHTS {
                if let Some(have) = get(l1)
                    && have != Money::from_int(*w)
                {
                    bad(format!("{name}：{l1} 下各二级指标分值之和为 {}，应为 {w}", have.trimmed()));
                }
            }
        }
        None => {
            // No 满意度 indicator: its 10 moves to 产出 and 效益 (财预〔2020〕10号).
            let (out_w, eff_w) = (get("产出指标").unwrap_or_default(), get("效益指标").unwrap_or_default());
            if out_w + eff_w != Money::from_int(90) || out_w < Money::from_int(50) || eff_w < Money::from_int(30) {
                bad(format!(
                    "{name}：没有满意度指标时，其 10 分调整到产出和效益指标（产出不少于 50、效益不少于 30、两者共 90），现为产出 {}、效益 {}",
                    out_w.trimmed(),
                    eff_w.trimmed()
                ));
            }
        }
    }
}

/// P-COMPUTED: a computed paragraph whose figures the data does not hold
/// would print nothing, or a sentence around zeros: it is an error.
fn computed_paragraph_data(out: &mut Vec<Diagnostic>, file: &Path, p: &PerformanceFile, e: &Evaluation) {
    for r in &p.reports {
        for key in r.computed_keys() {
            if let Some(what) = missing_data(p, e.with_final_accounts, key.as_str()) {
                out.push(Diagnostic::new(
                    "P-COMPUTED",
                    Severity::Error,
                    file,
                    Loc::default(),
                    format!("计算段落 {} 需要 {what}，数据中没有：请补上，或删去这个计算段落", key.as_str()),
                ));
            }
        }
    }
}

/// What the data lacks for the computed paragraph `key`, if anything.
pub fn missing_data(p: &PerformanceFile, with_final_accounts: bool, key: &str) -> Option<&'static str> {
    let n = &p.numbers;
    match key {
        "staff" => n.staff.is_none().then_some("numbers.staff（编制数、实际在职人数）"),
        "basic_expenditure" => n.basic_budget.is_none().then_some("numbers.basic_budget（基本支出年初预算）"),
        "basic_by_econ" => n.basic_by_econ.is_empty().then_some("numbers.basic_by_econ（基本支出按经济分类）"),
        "project_by_econ" => n.project_by_econ.is_empty().then_some("numbers.project_by_econ（项目支出按经济分类）"),
        "project_expenditure" => n.project_budget.is_none().then_some("numbers.project_budget（项目支出年初预算）"),
        "three_public" | "three_public_table" => (!with_final_accounts && n.three_public.is_none())
            .then_some("“三公”经费（决算.yaml 或 numbers.three_public）"),
        "project_list" => n.project_groups.is_empty().then_some("numbers.project_groups（项目清单）"),
        "special_fund_budget" | "special_fund_actual" | "special_fund_spending" => match &n.special_fund {
            None => Some("numbers.special_fund（专项资金的来源与用途）"),
            Some(f) if key == "special_fund_budget" && f.budget_sources.is_empty() => {
                Some("numbers.special_fund.budget_sources（预算收入来源）")
            }
            Some(f) if key == "special_fund_actual" && f.actual_sources.is_empty() => {
                Some("numbers.special_fund.actual_sources（实际收入来源）")
            }
            Some(f) if key == "special_fund_spending" && f.spending.is_empty() => {
                Some("numbers.special_fund.spending（支出用途）")
            }
            Some(_) => None,
        },
        "funds" => p.funds.is_empty().then_some("funds（社会保险基金）"),
        "score" => match &p.overall {
            Some(o) if o.scored => None,
            Some(_) => Some("已评分的整体支出绩效自评表（overall.scored 为 false）"),
            None => Some("overall（整体支出绩效自评表）"),
        },
        "project_sources" | "project_arrival" | "project_usage" => {
            p.projects.is_empty().then_some("projects（项目支出绩效自评表）")
        }
        _ => None,
    }
}

/// Project and fund names name quantities: each must be unique.
fn duplicates(out: &mut Vec<Diagnostic>, file: &Path, p: &PerformanceFile) {
    let mut seen: BTreeMap<&str, ()> = BTreeMap::new();
    for t in &p.projects {
        if seen.insert(&t.name, ()).is_some() {
            out.push(Diagnostic::new(
                "P-DUP",
                Severity::Error,
                file,
                Loc::default(),
                format!("项目“{}”出现了两次：项目名称不能重复", t.name),
            ));
        }
    }
    let mut seen: BTreeMap<&str, ()> = BTreeMap::new();
    for f in &p.funds {
        if seen.insert(&f.name, ()).is_some() {
            out.push(Diagnostic::new(
                "P-DUP",
                Severity::Error,
                file,
                Loc::default(),
                format!("基金“{}”出现了两次：基金名称不能重复", f.name),
            ));
        }
    }
}

/// X-PROJ: Σ 项目支出绩效自评表 全年执行数 against the 部门决算's 项目支出 —
/// an error when the data says `projects:` lists every project, a warning
/// naming the difference otherwise.
fn projects_against_final_accounts(
    l: &mut Ledger,
    out: &mut Vec<Diagnostic>,
    file: &Path,
    p: &PerformanceFile,
    e: &Evaluation,
) {
    if !e.with_final_accounts || p.projects.is_empty() {
        return;
    }
    let (Some(sum), Some(total)) = (l.id("项目报告.各项目全年执行数之和"), l.id("公开03.合计.项目支出"))
    else {
        return;
    };
    if p.all_projects {
        l.check_same(
            sum,
            total,
            "X-PROJ",
            Severity::Error,
            "各项目全年执行数之和（projects: 列出了全部项目，all_projects: true）与部门决算 项目支出",
        );
        return;
    }
    let (s, t) = (l.money(sum), l.money(total));
    if s != t {
        let unlisted: Vec<String> = p
            .basic_data
            .iter()
            .flat_map(|b| &b.special_funds)
            .filter(|f| !p.projects.iter().any(|t| t.name == f.name) && f.actual.is_some_and(|a| !a.value.is_zero()))
            .map(|f| format!("{} {}", f.name, val(&f.actual).trimmed()))
            .collect();
        let (pf, at, mut related) = l.place(sum, "项目支出绩效自评表 全年执行数");
        related.extend(l.related(total, &format!("部门决算 项目支出 {}", t.trimmed())));
        let _ = pf;
        out.push(
            Diagnostic::new(
                "X-PROJ",
                Severity::Warning,
                file,
                at,
                format!(
                    "各项目支出绩效自评表全年执行数之和 {} ≠ 部门决算 项目支出 {}（差 {}）：有项目支出没有自评表{}；若 projects: 已列出全部项目，写 all_projects: true，差额即为错误",
                    s.trimmed(),
                    t.trimmed(),
                    (t - s).trimmed(),
                    if unlisted.is_empty() { String::new() } else { format!("（基础数据表中没有自评表的项目：{}）", unlisted.join("、")) }
                ),
            )
            .with_values(t.trimmed(), s.trimmed(), (s - t).signed())
            .with_related(related),
        );
    }
}

/// P-12: a project's table and its 基础数据表 专项 row agree (本年预算数 with
/// 年初预算数, 本年决算数 with 全年执行数); every project has its row.
fn p12_basic_rows(
    l: &mut Ledger,
    out: &mut Vec<Diagnostic>,
    file: &Path,
    p: &PerformanceFile,
    b: &crate::model::BasicData,
) {
    if b.special_funds.is_empty() {
        return;
    }
    for t in &p.projects {
        let Some(row) = b.special_funds.iter().find(|f| f.name == t.name) else {
            out.push(Diagnostic::new(
                "P-12",
                Severity::Warning,
                file,
                Loc::default(),
                format!("项目“{}”在基础数据表的专项资金中没有同名的行：两处的名称应一致", t.name),
            ));
            continue;
        };
        for (col, mine, typed) in [("本年预算数", "年初预算数", row.budget), ("本年决算数", "全年执行数", row.actual)]
        {
            let (Some(a), Some(m)) =
                (l.id(&format!("基础数据表.专项.{}.{col}", t.name)), l.id(&format!("{}.{mine}", t.name)))
            else {
                continue;
            };
            if typed.is_some() || !l.money(m).is_zero() {
                l.check_same(
                    a,
                    m,
                    "P-12",
                    Severity::Error,
                    &format!("基础数据表“{}”{col}与其项目支出绩效自评表 {mine}", t.name),
                );
            }
        }
    }
}

/// P-13: a 成本指标 whose 实际完成值 is an amount (“27.97万”) is the
/// project's 全年执行数.
fn p13_cost_indicators(l: &mut Ledger, out: &mut Vec<Diagnostic>, file: &Path, p: &PerformanceFile) {
    for t in p.projects.iter().filter(|t| t.evaluated) {
        let executed = l.m(&format!("{}.全年执行数", t.name));
        for g in t.indicators.iter().filter(|g| g.level2.contains("成本")) {
            for r in &g.rows {
                // An indicator written as structure says what it measures (a unit cost, a
                // cap): only an amount typed as text (“27.97万”, 001's tables) is the table's.
                if r.nature.is_some() || r.value.is_some() {
                    continue;
                }
                let Some(v) = r.actual.as_deref().and_then(amount_in_text) else { continue };
                let v = p.unit.unwrap_or_default().to_wanyuan(v);
                if v != executed {
                    let id = l.id(&format!("{}.全年执行数", t.name)).expect("defined");
                    out.push(
                        Diagnostic::new(
                            "P-13",
                            Severity::Error,
                            file,
                            r.weight.or(r.score).or(g.weight).map(|a| a.at).unwrap_or_default(),
                            format!(
                                "项目支出绩效自评表“{}”成本指标“{}”实际完成值为 {}，而本表全年执行数为 {}",
                                t.name,
                                r.name,
                                r.actual.as_deref().unwrap_or(""),
                                executed.trimmed()
                            ),
                        )
                        .with_values(executed.trimmed(), v.trimmed(), (v - executed).signed())
                        .with_related(l.related(id, "全年执行数")),
                    );
                }
            }
        }
    }
}

/// An amount written in an indicator's text: “27.97万”, “5万元”, “19.76”
/// (not “≤17.5”, “100%”, “效果明显”).
pub fn amount_in_text(s: &str) -> Option<Money> {
    let t = s.trim();
    let t = t.strip_suffix("万元").or_else(|| t.strip_suffix('万')).unwrap_or(t);
    if t.is_empty() || !t.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    Money::parse(t).ok()
}

/// Σ of named amounts.
pub fn total(xs: &[NamedAmount]) -> Money {
    xs.iter().map(|x| x.amount.value).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_in_indicator_text() {
        assert_eq!(amount_in_text("27.97万"), Some(Money::parse("27.97").unwrap()));
        assert_eq!(amount_in_text("5万元"), Some(Money::parse("5").unwrap()));
        assert_eq!(amount_in_text("19.76"), Some(Money::parse("19.76").unwrap()));
        assert_eq!(amount_in_text("≤17.5"), None);
        assert_eq!(amount_in_text("100%"), None);
        assert_eq!(amount_in_text("效果明显"), None);
    }

    #[test]
    fn execution_scores_are_capped() {
        let m = |s: &str| Money::parse(s).unwrap();
        let ten = Money::from_int(10);
        assert_eq!(execution_score(Ratio::of(m("19.76"), m("20")).unwrap(), ten), m("9.88"));
        assert_eq!(execution_score(Ratio::of(m("30"), m("20")).unwrap(), ten), m("10"));
    }
}
