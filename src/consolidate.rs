//! 汇总: a department's 部门决算 data for one year, made from its 决算单位'
//! data as the 部门决算 software's 汇总 does. The department's `单位.yaml`
//! names its 本级 and subordinate unit folders (`consolidates:`); each is an
//! ordinary unit, assessed on its own first (a member that fails 审核 cannot
//! be summed). Flows inside the department are eliminated — a subordinate's
//! 上级补助收入 against 本级's 对附属单位补助支出, 本级's 附属单位上缴收入
//! against the subordinates' 上缴上级支出 — each elimination is reported,
//! and sides that differ are an error naming both files and lines. Every
//! amount and count is then summed at 项 level (rows by code, 公开06 by
//! 经济分类); the words (reasons, texts, descriptions), `previous:` and
//! `declared:` are the department's own `决算.yaml`, which types no amounts.
//!
//! Public entries: [`consolidate`], [`input_files`].

use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Related, Severity};
use crate::load::{self, UnitYear};
use crate::model::{Amount, Code, Consolidates, FinalAccounts, Loc, Named, Unit};
use crate::money::{Money, Unit as MoneyUnit};
use crate::resources::Shared;

/// A department's data for one year.
pub struct Consolidation {
    /// The summed data, in the department file's unit, with the department's words.
    pub data: FinalAccounts,
    /// The members' unit names, 本级 first: 第一部分's 决算单位构成.
    pub names: Vec<String>,
    /// What the 汇总 found: its errors and one note per elimination.
    pub diagnostics: Vec<Diagnostic>,
    /// Every member was summed and every internal flow eliminated: the
    /// data is the department's (else it is a sum of part of it).
    pub complete: bool,
}

/// The department's data for `uy.year`: `own` (the department's `决算.yaml`,
/// words only) with every member's amounts added and the internal flows
/// eliminated. `unit_file` is the department's `单位.yaml`.
pub fn consolidate(uy: &UnitYear, c: &Consolidates, own: &FinalAccounts, name: &str, shared: &Shared) -> Consolidation {
    let unit_file = uy.dir.join(load::UNIT_FILE);
    let own_file = uy.dir.join(uy.year.to_string()).join(load::FINAL_ACCOUNTS_FILE);
    let mut out = typed_in_department(&own_file, own);
    let others = other_units(uy);
    out.extend(claimed_twice(&others, c, &unit_file));
    out.extend(unlisted(&others, c, name, &unit_file));
    let mut members: Vec<Member> = Vec::new();
    for named in c.all() {
        if members.iter().any(|m| m.folder == named.name) {
            out.push(err(&unit_file, named.at, format!("成员单位“{}”列了两次", named.name)));
            continue;
        }
        if let Some(m) = member(uy, named, &unit_file, shared, &mut out) {
            members.push(m);
        }
    }
    let names = members.iter().map(|m| m.name.clone()).collect();
    let to = own.unit.unwrap_or_default();
    let mut data = own.clone();
    let mut complete = members.len() == c.all().count();
    if complete {
        let (main, subs) = members.split_first_mut().expect("本级 is always listed");
        let found = eliminate(main, subs, to);
        complete = !found.iter().any(|d| d.rule == "H-ELIM");
        out.extend(found);
        for m in &members {
            merge(&mut data, &m.data, &mut Adder { from: m.data.unit.unwrap_or_default(), to });
        }
        tidy(&mut data);
    }
    Consolidation { data, names, diagnostics: out, complete }
}

/// Every file a department's documents for `year` depend on beyond its own:
/// each member's unit file and its data for the year and the year before.
/// Empty for a unit that consolidates nothing (or whose unit file cannot be
/// read: its load then fails and reports why).
pub fn input_files(unit_dir: &Path, year: u16) -> Vec<PathBuf> {
    let unit_file = unit_dir.join(load::UNIT_FILE);
    // Only a department's unit file says `consolidates:`; the others are not parsed twice.
    if !std::fs::read_to_string(&unit_file).is_ok_and(|t| t.contains("consolidates")) {
        return Vec::new();
    }
    let Ok(unit) = load::read_yaml::<Unit>(&unit_file) else { return Vec::new() };
    let Some(c) = unit.consolidates else { return Vec::new() };
    let root = unit_dir.parent().unwrap_or(Path::new(""));
    c.all()
        .flat_map(|n| {
            let dir = root.join(&n.name);
            let mut files = UnitYear::find(&dir, year).files;
            files.push(dir.join((year - 1).to_string()).join(load::FINAL_ACCOUNTS_FILE));
            files
        })
        .collect()
}

/// One member's data for the year, with where it came from.
struct Member {
    folder: String,
    name: String,
    file: PathBuf,
    data: FinalAccounts,
}

fn err(file: &Path, at: Loc, message: String) -> Diagnostic {
    Diagnostic::new("H-MEMBER", Severity::Error, file, at, message)
}

/// The member `named`, assessed as a unit on its own; `None` (with the
/// reason in `out`) when its folder, its year or its 审核 stands in the way.
fn member(
    uy: &UnitYear,
    named: &Named,
    unit_file: &Path,
    shared: &Shared,
    out: &mut Vec<Diagnostic>,
) -> Option<Member> {
    let dir = uy.root.join(&named.name);
    if named.name.is_empty() || !dir.join(load::UNIT_FILE).is_file() {
        let folders = sibling_units(&uy.root);
        let near = crate::model::did_you_mean(&named.name, folders.iter().map(String::as_str));
        out.push(err(
            unit_file,
            named.at,
            format!(
                "成员单位文件夹“{}”不存在（应为 {} 下含 {} 的文件夹）{near}",
                named.name,
                uy.root.display(),
                load::UNIT_FILE
            ),
        ));
        return None;
    }
    if dir == uy.dir {
        out.push(err(unit_file, named.at, "部门不能把自己列为成员单位：本级数据放在单独的单位文件夹中".into()));
        return None;
    }
    let member_unit = dir.join(load::UNIT_FILE);
    match load::read_yaml::<Unit>(&member_unit) {
        Ok(u) if u.consolidates.is_some() => {
            out.push(
                err(
                    unit_file,
                    named.at,
                    format!("成员单位“{}”本身也是汇总部门：暂不支持多级汇总，请直接列出其成员", named.name),
                )
                .with_related([Related::new(&member_unit, Loc::default(), "该单位的 consolidates")]),
            );
            return None;
        }
        _ => {}
    }
    let file = dir.join(uy.year.to_string()).join(load::FINAL_ACCOUNTS_FILE);
    if !file.is_file() {
        out.push(
            err(unit_file, named.at, format!("成员单位“{}”没有 {} 年的决算数据，无法汇总", named.name, uy.year))
                .with_related([Related::new(&file, Loc::default(), "应有此文件")]),
        );
        return None;
    }
    let assessed = match crate::unit_year::assess(&UnitYear::find(&dir, uy.year), shared) {
        Ok(a) => a,
        Err(diags) => {
            let first = diags.first().map(|d| Related::new(&d.file, d.at(), &d.message));
            out.push(
                err(unit_file, named.at, format!("成员单位“{}”的数据无法读取，无法汇总", named.name))
                    .with_related(first),
            );
            return None;
        }
    };
    if assessed.errors() > 0 {
        let errors = assessed.diagnostics.iter().filter(|d| d.severity == Severity::Error);
        let related: Vec<Related> = errors.take(3).map(|d| Related::new(&d.file, d.at(), &d.message)).collect();
        out.push(
            err(
                unit_file,
                named.at,
                format!(
                    "成员单位“{}”未通过审核（{} 处错误），其数据不能汇总：先改正该单位",
                    named.name,
                    assessed.errors()
                ),
            )
            .with_related(related),
        );
        return None;
    }
    let data = assessed.data.final_accounts?;
    Some(Member { folder: named.name.clone(), name: assessed.data.unit.name, file, data })
}

/// The unit folders of a data root, for suggestions.
fn sibling_units(root: &Path) -> Vec<String> {
    std::fs::read_dir(root)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter(|e| e.path().join(load::UNIT_FILE).is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect()
}

/// The other units of the department's data root, read once: folder, unit
/// file and what it says (a file that cannot be read is its own unit's error).
fn other_units(uy: &UnitYear) -> Vec<(String, PathBuf, Unit)> {
    sibling_units(&uy.root)
        .into_iter()
        .filter(|folder| uy.root.join(folder) != uy.dir)
        .filter_map(|folder| {
            let file = uy.root.join(&folder).join(load::UNIT_FILE);
            load::read_yaml::<Unit>(&file).ok().map(|u| (folder, file, u))
        })
        .collect()
}

/// H-CLAIM: a member that another department of the same data root also consolidates.
fn claimed_twice(others: &[(String, PathBuf, Unit)], c: &Consolidates, unit_file: &Path) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (folder, other_file, unit) in others {
        let Some(theirs) = &unit.consolidates else { continue };
        for mine in c.all() {
            if let Some(t) = theirs.all().find(|t| t.name == mine.name) {
                let msg = format!("成员单位“{}”同时被部门“{folder}”汇总：一个决算单位只能属于一个部门", mine.name);
                out.push(
                    Diagnostic::new("H-CLAIM", Severity::Error, unit_file, mine.at, msg).with_related([Related::new(
                        other_file,
                        t.at,
                        "另一部门也列了它",
                    )]),
                );
            }
        }
    }
    out
}

/// H-UNLISTED: a unit of the same data root that names this department as
/// its 主管部门 but is not consolidated (a member left out changes every total).
fn unlisted(others: &[(String, PathBuf, Unit)], c: &Consolidates, name: &str, unit_file: &Path) -> Vec<Diagnostic> {
    let listed: Vec<&str> = c.all().map(|n| n.name.as_str()).collect();
    others
        .iter()
        .filter(|(folder, _, u)| {
            !listed.contains(&folder.as_str())
                && u.consolidates.is_none()
                && u.supervising_department.as_deref().map(str::trim) == Some(name.trim())
        })
        .map(|(folder, file, _)| {
            let msg = format!(
                "单位“{folder}”的主管部门是本部门，但没有列在 consolidates 中，其收支不在部门决算内：若它是本部门的决算单位，请加入 members"
            );
            Diagnostic::new("H-UNLISTED", Severity::Warning, unit_file, c.main.at, msg)
                .with_related([Related::new(file, Loc::default(), "该单位的 supervising_department")])
        })
        .collect()
}

/// H-AMOUNT: amounts and counts typed in the department's own file, which
/// would be added to nothing (the sum comes from the members).
fn typed_in_department(file: &Path, own: &FinalAccounts) -> Vec<Diagnostic> {
    let mut probe = Probe::default();
    merge(&mut FinalAccounts::default(), own, &mut probe);
    let mut out: Vec<Diagnostic> = probe
        .amounts
        .into_iter()
        .map(|at| {
            Diagnostic::new(
                "H-AMOUNT",
                Severity::Error,
                file,
                at,
                "部门的决算.yaml 不填金额：部门决算的金额由成员单位的数据相加而成（要核对合计，写在 declared.stated 中）",
            )
        })
        .collect();
    for what in probe.counts {
        out.push(Diagnostic::new(
            "H-AMOUNT",
            Severity::Error,
            file,
            Loc::default(),
            format!("部门的决算.yaml 不填 {what}：次数、人数、辆数等由成员单位的数据相加而成"),
        ));
    }
    out
}

/// One side of an internal flow as one member typed it.
struct Flow {
    member: String,
    file: PathBuf,
    at: Loc,
    amount: Money,
}

/// The internal flows, taken out of the members' data: each pair's two
/// sides must agree (H-ELIM); each elimination is noted (H-OFFSET).
fn eliminate(main: &mut Member, subs: &mut [Member], to: MoneyUnit) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut sub_superior = Vec::new();
    let mut sub_remit = Vec::new();
    for s in subs.iter_mut() {
        let (name, file, unit) = (s.name.clone(), s.file.clone(), s.data.unit.unwrap_or_default());
        let take = |x: &mut Option<Amount>, into: &mut Vec<Flow>| take_flow(x, &name, &file, unit, to, into);
        s.data.income.iter_mut().for_each(|r| take(&mut r.superior, &mut sub_superior));
        s.data.expense.iter_mut().for_each(|r| take(&mut r.remit_superior, &mut sub_remit));
    }
    let (name, file, unit) = (main.name.clone(), main.file.clone(), main.data.unit.unwrap_or_default());
    let (mut main_affiliated_exp, mut main_affiliated_inc) = (Vec::new(), Vec::new());
    for r in &mut main.data.expense {
        take_flow(&mut r.affiliated, &name, &file, unit, to, &mut main_affiliated_exp);
    }
    for r in &mut main.data.income {
        take_flow(&mut r.affiliated, &name, &file, unit, to, &mut main_affiliated_inc);
    }
    let pairs = [
        (("本级", "对附属单位补助支出", &main_affiliated_exp), ("下属单位", "上级补助收入", &sub_superior)),
        (("本级", "附属单位上缴收入", &main_affiliated_inc), ("下属单位", "上缴上级支出", &sub_remit)),
    ];
    for ((who_a, what_a, a), (who_b, what_b, b)) in pairs {
        let (sa, sb): (Money, Money) = (a.iter().map(|f| f.amount).sum(), b.iter().map(|f| f.amount).sum());
        if sa.is_zero() && sb.is_zero() {
            continue;
        }
        let related =
            a.iter().chain(b).map(|f| Related::new(&f.file, f.at, format!("{} {}", f.member, f.amount.trimmed())));
        let (first, at) = a.first().or(b.first()).map(|f| (f.file.clone(), f.at)).expect("a side is non-zero");
        let u = to.zh();
        if sa != sb {
            let msg = format!(
                "内部往来两边不相等，无法抵销：{who_a}{what_a} {} {u}，{who_b}{what_b}合计 {} {u}（差 {}）：两边是同一笔钱，应相等，请核对两个文件",
                sa.trimmed(),
                sb.trimmed(),
                (sb - sa).abs().trimmed()
            );
            // A side typed nowhere is named by its file: the 本级's, or the subordinates'.
            let blank = match (a.is_empty(), b.is_empty()) {
                (true, _) => vec![Related::new(&main.file, Loc::default(), format!("本级未填写{what_a}"))],
                (_, true) => {
                    subs.iter().map(|s| Related::new(&s.file, Loc::default(), format!("未填写{what_b}"))).collect()
                }
                _ => Vec::new(),
            };
            out.push(Diagnostic::new("H-ELIM", Severity::Error, first, at, msg).with_related(related.chain(blank)));
        } else {
            let parts: Vec<String> = b.iter().map(|f| format!("{} {} {u}", f.member, f.amount.trimmed())).collect();
            let msg = format!(
                "汇总抵销：{who_a}{what_a} {} {u} ↔ {who_b}{what_b} {} {u}（{}），两边均不计入部门决算",
                sa.trimmed(),
                sb.trimmed(),
                parts.join("、")
            );
            out.push(Diagnostic::new("H-OFFSET", Severity::Info, first, at, msg).with_related(related));
        }
    }
    out
}

/// Moves one typed flow amount (converted to the department's unit) out of the data.
fn take_flow(x: &mut Option<Amount>, member: &str, file: &Path, from: MoneyUnit, to: MoneyUnit, into: &mut Vec<Flow>) {
    if let Some(a) = x.take().filter(|a| !a.value.is_zero()) {
        let amount = to.from_wanyuan(from.to_wanyuan(a.value));
        into.push(Flow { member: member.to_string(), file: file.to_path_buf(), at: a.at, amount });
    }
}

/// What merging does with each amount and count it meets.
trait Visit {
    fn amount(&mut self, acc: &mut Option<Amount>, x: &Option<Amount>);
    fn count(&mut self, acc: &mut u32, x: u32, what: &'static str);
}

/// Adds amounts (converted from the member's unit) and counts.
struct Adder {
    from: MoneyUnit,
    to: MoneyUnit,
}

impl Visit for Adder {
    fn amount(&mut self, acc: &mut Option<Amount>, x: &Option<Amount>) {
        if let Some(x) = x {
            let v = self.to.from_wanyuan(self.from.to_wanyuan(x.value));
            // A sum of several files' values was written nowhere.
            *acc = Some(Amount::new(acc.map(|a| a.value).unwrap_or(Money::ZERO) + v));
        }
    }
    fn count(&mut self, acc: &mut u32, x: u32, _: &'static str) {
        *acc = acc.saturating_add(x);
    }
}

/// Records what is typed, changing nothing.
#[derive(Default)]
struct Probe {
    amounts: Vec<Loc>,
    counts: Vec<&'static str>,
}

impl Visit for Probe {
    fn amount(&mut self, _: &mut Option<Amount>, x: &Option<Amount>) {
        if let Some(x) = x {
            self.amounts.push(x.at);
        }
    }
    fn count(&mut self, _: &mut u32, x: u32, what: &'static str) {
        if x > 0 && !self.counts.contains(&what) {
            self.counts.push(what);
        }
    }
}

/// Visits every amount and count of `x` with its place in `acc`: rows by
/// code, 公开06 by 经济分类 code. Words are never touched.
fn merge(acc: &mut FinalAccounts, x: &FinalAccounts, v: &mut impl Visit) {
    for r in &x.income {
        let a = row(&mut acc.income, &r.code, |c| crate::model::IncomeRow { code: c, ..Default::default() });
        a.name = a.name.take().or(r.name.clone());
        for (s, t) in [
            (&mut a.fiscal, &r.fiscal),
            (&mut a.gov_fund, &r.gov_fund),
            (&mut a.soe_fiscal, &r.soe_fiscal),
            (&mut a.superior, &r.superior),
            (&mut a.business, &r.business),
            (&mut a.operating, &r.operating),
            (&mut a.affiliated, &r.affiliated),
            (&mut a.other, &r.other),
            (&mut a.total, &r.total),
        ] {
            v.amount(s, t);
        }
    }
    for r in &x.expense {
        let a = row(&mut acc.expense, &r.code, |c| crate::model::ExpenseRow { code: c, ..Default::default() });
        a.name = a.name.take().or(r.name.clone());
        a.reason = a.reason.take().or(r.reason.clone());
        for (s, t) in [
            (&mut a.basic, &r.basic),
            (&mut a.project, &r.project),
            (&mut a.remit_superior, &r.remit_superior),
            (&mut a.operating, &r.operating),
            (&mut a.affiliated, &r.affiliated),
            (&mut a.total, &r.total),
            (&mut a.fiscal_basic, &r.fiscal_basic),
            (&mut a.fiscal_project, &r.fiscal_project),
            (&mut a.fiscal_initial_budget, &r.fiscal_initial_budget),
        ] {
            v.amount(s, t);
        }
    }
    for r in &x.gov_fund {
        let a = row(&mut acc.gov_fund, &r.code, |c| crate::model::GovFundRow { code: c, ..Default::default() });
        a.name = a.name.take().or(r.name.clone());
        for (s, t) in [
            (&mut a.opening, &r.opening),
            (&mut a.income, &r.income),
            (&mut a.basic, &r.basic),
            (&mut a.project, &r.project),
        ] {
            v.amount(s, t);
        }
    }
    for r in &x.soe {
        let a = row(&mut acc.soe, &r.code, |c| crate::model::SoeRow { code: c, ..Default::default() });
        a.name = a.name.take().or(r.name.clone());
        v.amount(&mut a.basic, &r.basic);
        v.amount(&mut a.project, &r.project);
    }
    for (code, amount) in &x.basic_by_econ {
        let mut slot = acc.basic_by_econ.get(code).copied();
        v.amount(&mut slot, &Some(*amount));
        if let Some(s) = slot {
            acc.basic_by_econ.insert(code.clone(), s);
        }
    }
    merge_scalars(acc, x, v);
}

/// The amounts and counts outside the coded rows.
fn merge_scalars(acc: &mut FinalAccounts, x: &FinalAccounts, v: &mut impl Visit) {
    let (a, t) = (&mut acc.three_public, &x.three_public);
    for (s, o) in [(&mut a.budget, &t.budget), (&mut a.actual, &t.actual)] {
        for (s, o) in [
            (&mut s.abroad, &o.abroad),
            (&mut s.car_purchase, &o.car_purchase),
            (&mut s.car_running, &o.car_running),
            (&mut s.reception, &o.reception),
        ] {
            v.amount(s, o);
        }
    }
    v.count(&mut a.abroad_groups, t.abroad_groups, "因公出国（境）团组数");
    v.count(&mut a.abroad_persons, t.abroad_persons, "因公出国（境）人次");
    v.count(&mut a.reception_groups, t.reception_groups, "接待团组数");
    v.count(&mut a.reception_persons, t.reception_persons, "接待人次");
    v.count(&mut a.cars_in_service, t.cars_in_service, "公务用车保有量");
    let (a, t) = (&mut acc.balances, &x.balances);
    for (s, o) in [
        (&mut a.use_of_business_fund, &t.use_of_business_fund),
        (&mut a.opening, &t.opening),
        (&mut a.surplus_distribution, &t.surplus_distribution),
        (&mut a.closing, &t.closing),
        (&mut a.opening_fiscal, &t.opening_fiscal),
        (&mut a.opening_gov_fund, &t.opening_gov_fund),
    ] {
        v.amount(s, o);
    }
    v.amount(&mut acc.org_running_cost_budget, &x.org_running_cost_budget);
    let (a, t) = (&mut acc.general_spending, &x.general_spending);
    for (s, o, what) in [
        (&mut a.meetings, &t.meetings, "会议"),
        (&mut a.trainings, &t.trainings, "培训"),
        (&mut a.events, &t.events, "节庆论坛"),
    ] {
        v.amount(&mut s.amount, &o.amount);
        v.count(&mut s.count, o.count, what);
        v.count(&mut s.persons, o.persons, what);
    }
    let (a, t) = (&mut acc.procurement, &x.procurement);
    for (s, o) in [
        (&mut a.goods, &t.goods),
        (&mut a.works, &t.works),
        (&mut a.services, &t.services),
        (&mut a.sme, &t.sme),
        (&mut a.small_micro, &t.small_micro),
    ] {
        v.amount(s, o);
    }
    let (a, t) = (&mut acc.assets.vehicles, &x.assets.vehicles);
    for (s, o) in [
        (&mut a.leaders, t.leaders),
        (&mut a.confidential, t.confidential),
        (&mut a.emergency, t.emergency),
        (&mut a.law_enforcement, t.law_enforcement),
        (&mut a.special, t.special),
        (&mut a.other, t.other),
    ] {
        v.count(s, o, "车辆");
    }
    v.count(&mut acc.assets.general_equipment, x.assets.general_equipment, "通用设备");
    v.count(&mut acc.assets.special_equipment, x.assets.special_equipment, "专用设备");
    v.amount(&mut acc.performance.key_project_spending, &x.performance.key_project_spending);
    if let Some(s) = &x.staff {
        let a = acc.staff.get_or_insert_with(Default::default);
        for (a, s) in [
            (&mut a.authorized, s.authorized),
            (&mut a.active, s.active),
            (&mut a.dispatched, s.dispatched),
            (&mut a.retired, s.retired),
        ] {
            v.count(a, s, "人员情况");
        }
    }
}

/// The row of `rows` for `code`, added (by `new`) if there is none yet.
fn row<'a, R>(rows: &'a mut Vec<R>, code: &Code, new: impl FnOnce(Code) -> R) -> &'a mut R
where
    R: HasCode,
{
    let i = match rows.iter().position(|r| r.code() == code.code) {
        Some(i) => i,
        None => {
            rows.push(new(Code { code: code.code.clone(), at: Loc::default() }));
            rows.len() - 1
        }
    };
    &mut rows[i]
}

trait HasCode {
    fn code(&self) -> &str;
}

macro_rules! has_code {
    ($($t:ty),*) => {$(impl HasCode for $t { fn code(&self) -> &str { &self.code.code } })*};
}
has_code!(crate::model::IncomeRow, crate::model::ExpenseRow, crate::model::GovFundRow, crate::model::SoeRow);

/// The summed data as a data file would say it: rows in code order, and no
/// typed totals (each member's were checked against its own rows; the sum
/// of the rest, after elimination, is computed like any unit's).
fn tidy(d: &mut FinalAccounts) {
    d.income.sort_by(|a, b| a.code.code.cmp(&b.code.code));
    d.expense.sort_by(|a, b| a.code.code.cmp(&b.code.code));
    d.gov_fund.sort_by(|a, b| a.code.code.cmp(&b.code.code));
    d.soe.sort_by(|a, b| a.code.code.cmp(&b.code.code));
    d.income.iter_mut().for_each(|r| r.total = None);
    d.expense.iter_mut().for_each(|r| r.total = None);
    d.balances.closing = None;
}
