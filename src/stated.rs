//! Stated figures: numbers a published document printed (or a user typed
//! for checking) under `stated:`, compared with the computed quantity of the
//! same name. Amounts must match exactly (0.01 is a rounding warning);
//! percentages are compared at the precision they were printed with; a
//! blank (null) where the computed value is not zero is an error.
//! Public entries: [`final_accounts_quantities`], [`performance_quantities`],
//! [`compare`].

use std::collections::BTreeMap;
use std::path::Path;

use rust_decimal::{Decimal, RoundingStrategy};

use crate::derive::{Derived, PreviousFigures, ThreePublicRow};
use crate::diagnostic::{Diagnostic, Severity};
use crate::evaluate::Evaluation;
use crate::model::{PerformanceFile, Stated};
use crate::money::{Money, Ratio};

/// A computed quantity a statement can be compared with.
#[derive(Debug, Clone, Copy)]
pub enum Quantity {
    Money(Money),
    /// A ratio, absent when its denominator is zero.
    Percent(Option<Ratio>),
}

type Quantities = Vec<(String, Quantity)>;

fn tp(q: &mut Quantities, prefix: &str, r: &ThreePublicRow) {
    for (n, v) in [
        ("合计", r.total),
        ("因公出国（境）费", r.abroad),
        ("公务用车购置及运行费", r.car),
        ("公务用车购置费", r.car_purchase),
        ("公务用车运行费", r.car_running),
        ("公务接待费", r.reception),
    ] {
        q.push((format!("{prefix}.{n}"), Quantity::Money(v)));
    }
}

/// Every named quantity of a 部门决算.
pub fn final_accounts_quantities(d: &Derived, prev: &PreviousFigures) -> Quantities {
    let mut q: Quantities = Vec::new();
    let money = |q: &mut Quantities, k: String, v: Money| q.push((k, Quantity::Money(v)));
    for (i, n) in
        ["本年收入合计", "财政拨款收入", "上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入"]
            .iter()
            .enumerate()
    {
        money(&mut q, format!("公开02.合计.{n}"), d.income.total[i]);
        if i > 0 {
            q.push((format!("二.{n}.占比"), Quantity::Percent(Ratio::of(d.income.total[i], d.income_total))));
        }
    }
    for (i, n) in
        ["本年支出合计", "基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出"].iter().enumerate()
    {
        money(&mut q, format!("公开03.合计.{n}"), d.expense.total[i]);
        if i > 0 {
            q.push((format!("三.{n}.占比"), Quantity::Percent(Ratio::of(d.expense.total[i], d.expense_total))));
        }
    }
    for (i, n) in ["小计", "基本支出", "项目支出"].iter().enumerate() {
        money(&mut q, format!("公开05.合计.{n}"), d.fiscal.total[i]);
    }
    money(&mut q, "公开06.人员经费合计".into(), d.econ.personnel);
    money(&mut q, "公开06.公用经费合计".into(), d.econ.public);
    tp(&mut q, "公开07.预算", &d.three_public_budget);
    tp(&mut q, "公开07.决算", &d.three_public_actual);
    money(&mut q, "一.收支总计".into(), d.grand_total);
    if let Some(p) = prev.total {
        money(&mut q, "一.增减额".into(), (d.grand_total - p).abs());
        q.push(("一.增减率".into(), Quantity::Percent(Ratio::of((d.grand_total - p).abs(), p))));
    }
    money(&mut q, "四.财政拨款收支总计".into(), d.fiscal_grand_total);
    if let Some(p) = prev.fiscal_total {
        money(&mut q, "四.增减额".into(), (d.fiscal_grand_total - p).abs());
        q.push(("四.增减率".into(), Quantity::Percent(Ratio::of((d.fiscal_grand_total - p).abs(), p))));
    }
    q.push(("五（一）.占本年支出合计".into(), Quantity::Percent(Ratio::of(d.fiscal.total[0], d.expense_total))));
    let budget: Money = d.budget_items.iter().map(|i| i.initial_budget).sum();
    money(&mut q, "五（三）.年初预算数".into(), budget);
    q.push(("五（三）.完成年初预算".into(), Quantity::Percent(Ratio::of(d.fiscal.total[0], budget))));
    money(&mut q, "六.基本支出".into(), d.fiscal.total[1]);
    q.push(("六.人员经费.占比".into(), Quantity::Percent(Ratio::of(d.econ.personnel, d.fiscal.total[1]))));
    q.push(("六.公用经费.占比".into(), Quantity::Percent(Ratio::of(d.econ.public, d.fiscal.total[1]))));
    let (b, a) = (&d.three_public_budget, &d.three_public_actual);
    q.push(("七（一）.完成预算".into(), Quantity::Percent(Ratio::of(a.total, b.total))));
    for (n, v) in [("因公出国（境）费", a.abroad), ("公务接待费", a.reception), ("公务用车购置费及运行维护费", a.car)]
    {
        money(&mut q, format!("七（二）.{n}.决算"), v);
        q.push((format!("七（二）.{n}.占比"), Quantity::Percent(Ratio::of(v, a.total))));
    }
    money(&mut q, "机关运行经费".into(), d.org_running_cost);
    q
}

/// Every named quantity of a 绩效自评.
pub fn performance_quantities(p: &PerformanceFile, e: &Evaluation) -> Quantities {
    let mut q: Quantities = Vec::new();
    let money = |q: &mut Quantities, k: String, v: Money| q.push((k, Quantity::Money(v)));
    let mut tables: Vec<(String, &crate::evaluate::Scored)> = Vec::new();
    if let (Some(o), Some(s)) = (&p.overall, &e.overall) {
        tables.push((o.title.clone(), s));
    }
    for (t, s) in p.projects.iter().zip(&e.projects) {
        tables.push((t.name.clone(), s));
    }
    for (name, s) in tables {
        money(&mut q, format!("{name}.总分"), s.total_score);
        money(&mut q, format!("{name}.分值合计"), s.total_weight);
        money(&mut q, format!("{name}.预算执行得分"), s.execution_score);
        money(&mut q, format!("{name}.全年执行数"), s.executed);
        money(&mut q, format!("{name}.全年预算数"), s.annual);
        q.push((format!("{name}.执行率"), Quantity::Percent(s.rate)));
    }
    for f in &p.funds {
        let sum = crate::evaluate::total;
        let (bi, ai, be, ae) =
            (sum(&f.budget_income), sum(&f.actual_income), sum(&f.budget_expense), sum(&f.actual_expense));
        let n = &f.name;
        money(&mut q, format!("{n}.预算收入"), bi);
        money(&mut q, format!("{n}.实际收入"), ai);
        money(&mut q, format!("{n}.预算支出"), be);
        money(&mut q, format!("{n}.实际支出"), ae);
        q.push((format!("{n}.收入完成率"), Quantity::Percent(Ratio::of(ai, bi))));
        q.push((format!("{n}.支出完成率"), Quantity::Percent(Ratio::of(ae, be))));
        money(&mut q, format!("{n}.当期结余"), ai - ae);
        if let Some(o) = f.opening_balance {
            money(&mut q, format!("{n}.期末结余"), o.value + ai - ae);
        }
    }
    if let Some(b) = &e.three_public_budget {
        tp(&mut q, "三公.预算", b);
    }
    if let Some(a) = &e.three_public_actual {
        tp(&mut q, "三公.决算", a);
    }
    if let Some(v) = e.basic_actual {
        money(&mut q, "基本支出.实际".into(), v);
    }
    if let Some(v) = e.project_actual {
        money(&mut q, "项目支出.实际".into(), v);
    }
    q
}

/// Compares each statement with its quantity.
pub fn compare(file: &Path, stated: &BTreeMap<String, Stated>, quantities: &[(String, Quantity)]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let index: BTreeMap<&str, Quantity> = quantities.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    for (key, s) in stated {
        let Some(q) = index.get(key.as_str()) else {
            let near = quantities
                .iter()
                .map(|(k, _)| (strsim::jaro_winkler(key, k), k))
                .max_by(|a, b| a.0.total_cmp(&b.0))
                .map(|(_, k)| format!("，是否想写“{k}”？"))
                .unwrap_or_default();
            out.push(Diagnostic::new(
                "S-KEY",
                Severity::Error,
                file,
                s.at,
                format!("stated 中的“{key}”不是可比对的量{near}"),
            ));
            continue;
        };
        let text = s.text.as_deref().map(str::trim).unwrap_or("");
        // (computed, as written, written − computed when both are numbers, severity)
        let (expected, found, difference, sev) = match (q, text) {
            (Quantity::Money(m), "") => {
                if m.is_zero() {
                    continue;
                }
                (m.trimmed(), "空白".to_string(), None, Severity::Error)
            }
            (Quantity::Money(m), t) => match Money::parse(t.trim_end_matches("万元")) {
                Ok(v) if v == *m => continue,
                Ok(v) => {
                    let diff = (v - *m).abs();
                    let sev = if diff <= Money(Decimal::new(1, 2)) { Severity::Warning } else { Severity::Error };
                    (m.trimmed(), v.as_entered(), Some((v - *m).signed()), sev)
                }
                Err(e) => (m.trimmed(), format!("{t}（{e}）"), None, Severity::Error),
            },
            (Quantity::Percent(r), t) => {
                let Some(num) = t.strip_suffix('%').or(Some(t)).filter(|x| !x.is_empty()) else {
                    match r {
                        Some(r) if !r.value().is_zero() => {
                            out.push(
                                Diagnostic::new(
                                    "S-STATED",
                                    Severity::Error,
                                    file,
                                    s.at,
                                    format!("{key}：原文空白，应为 {}%", r.percent(2)),
                                )
                                .with_expected(format!("{}%", r.percent(2)), "空白"),
                            );
                        }
                        _ => {}
                    }
                    continue;
                };
                let Ok(v) = num.parse::<Decimal>() else {
                    out.push(Diagnostic::new(
                        "S-STATED",
                        Severity::Error,
                        file,
                        s.at,
                        format!("{key}：“{t}”不是百分数"),
                    ));
                    continue;
                };
                match r {
                    None => {
                        out.push(Diagnostic::new(
                            "S-STATED",
                            Severity::Error,
                            file,
                            s.at,
                            format!("{key}：写为 {t}，但其分母为 0，这个百分比没有意义（应改用文字说明）"),
                        ));
                        continue;
                    }
                    Some(r) => {
                        let dp = v.scale();
                        let computed = (r.value() * Decimal::ONE_HUNDRED)
                            .round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero);
                        if computed == v {
                            continue;
                        }
                        let unit = Decimal::new(1, dp);
                        let sev = if (computed - v).abs() <= unit { Severity::Warning } else { Severity::Error };
                        (
                            format!("{computed}%"),
                            format!("{v}%"),
                            Some(format!("{}%", Money(v - computed).signed())),
                            sev,
                        )
                    }
                }
            }
        };
        let d = Diagnostic::new("S-STATED", sev, file, s.at, format!("{key}：写为 {found}，计算应为 {expected}"))
            .with_expected(&expected, &found);
        out.push(Diagnostic { difference, ..d });
    }
    out
}
