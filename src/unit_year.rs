//! One unit-year through the stages that decide what it publishes: its data
//! files loaded, its profile and catalogue found, every figure of its
//! documents derived into one [`Ledger`], and every 审核 rule run — within
//! each document and across them. Used by `batch` (before rendering),
//! `gongkai explain` and the tests.
//!
//! Public entry: [`assess`].

use std::path::PathBuf;
use std::sync::Arc;

use crate::derive::{Layout, Previous, derive};
use crate::diagnostic::{Diagnostic, Severity};
use crate::evaluate::Evaluation;
use crate::ledger::Ledger;
use crate::load::{self, LoadError, UnitYear, YearData};
use crate::model::{Catalogue, Profile};
use crate::resources::Shared;

/// A unit-year with its ledger and its findings.
pub struct Assessed {
    pub data: YearData,
    pub profile: Arc<(Profile, Catalogue)>,
    pub ledger: Arc<Ledger>,
    /// The 部门决算's tables, when the unit-year has 决算 data.
    pub layout: Option<Layout>,
    /// The 绩效自评's tables, when it has 绩效自评 data.
    pub evaluation: Option<Evaluation>,
    pub diagnostics: Vec<Diagnostic>,
    pub final_accounts_file: PathBuf,
    pub performance_file: PathBuf,
}

impl Assessed {
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.severity == Severity::Error).count()
    }

    pub fn profile(&self) -> &Profile {
        &self.profile.0
    }

    /// The documents' date: the 公开 date of either data file, else a
    /// report's 填报日期 when it is a full date.
    pub fn document_date(&self) -> Option<(u16, u8, u8)> {
        let d = &self.data;
        let published = d
            .final_accounts
            .as_ref()
            .and_then(|f| f.publish_date)
            .or(d.performance.as_ref().and_then(|p| p.publish_date));
        published.map(|x| (x.year, x.month, x.day)).or_else(|| {
            let p = d.performance.as_ref()?;
            p.signature.as_ref().and_then(|s| s.date.as_deref()).and_then(crate::model::Date::parse)
        })
    }
}

/// Loads, derives and checks one unit-year. Fails (with its diagnostics)
/// when a file cannot be loaded, or a department cannot be summed from its
/// members (what else would be checked is a sum of nothing).
pub fn assess(uy: &UnitYear, shared: &Shared) -> Result<Assessed, Vec<Diagnostic>> {
    let mut data = uy.load().map_err(|e| from_load_all(&e))?;
    let (consolidated, complete) = consolidated(uy, &mut data, shared);
    if !complete {
        return Err(consolidated);
    }
    let profile_name = data.final_accounts.as_ref().and_then(|f| f.profile.as_deref()).unwrap_or(&data.unit.profile);
    let profile = shared.get(&uy.root, profile_name, uy.year).map_err(|e| vec![from_load(&e)])?;
    let (prof, cat) = (&profile.0, &profile.1);
    let year_dir = uy.dir.join(uy.year.to_string());
    let fa_file = year_dir.join(load::FINAL_ACCOUNTS_FILE);
    let perf_file = year_dir.join(load::PERFORMANCE_FILE);

    let mut diagnostics = consolidated;
    for file in [uy.dir.join(load::UNIT_FILE), fa_file.clone(), perf_file.clone()] {
        diagnostics.extend(crate::check::placeholders(&file));
    }
    if data.final_accounts.is_some() {
        diagnostics.extend(crate::check::check_unit(&uy.dir.join(load::UNIT_FILE), &data.unit));
    }

    let mut l = Ledger::new();
    let fa_id = l.file(&fa_file);
    let perf_id = l.file(&perf_file);
    if let Some(fa) = &data.final_accounts {
        l.expect_stated(fa_id, &fa.declared.stated);
    }
    if let Some(p) = &data.performance {
        l.expect_stated(perf_id, &p.stated);
    }
    let layout = match &data.final_accounts {
        Some(fa) => {
            let prev = previous_ledger(uy, shared, &mut diagnostics);
            let previous = prev.as_ref().map(|(l, file)| Previous { ledger: l, file: file.clone() });
            let layout = derive(&mut l, fa, fa_id, prof, cat, previous);
            diagnostics.extend(crate::check::check_final_accounts(&mut l, &fa_file, fa, &layout, cat));
            diagnostics.extend(crate::check::check_profile_data(&fa_file, fa, prof));
            diagnostics.extend(form_names(prof, &l));
            Some(layout)
        }
        None => None,
    };
    let evaluation = data.performance.as_ref().map(|p| {
        let e = crate::evaluate::evaluate(&mut l, p, perf_id, data.final_accounts.is_some(), prof);
        diagnostics.extend(crate::evaluate::check(&mut l, &perf_file, p, &e, Some(prof)));
        e
    });
    diagnostics.extend(l.take_findings());
    Ok(Assessed {
        data,
        profile,
        ledger: Arc::new(l),
        layout,
        evaluation,
        diagnostics,
        final_accounts_file: fa_file,
        performance_file: perf_file,
    })
}

/// Last year's 部门决算 ledger, when its data file is in the repository (a
/// problem loading it is reported here and the year-over-year figures then
/// come from `previous:`).
fn previous_ledger(uy: &UnitYear, shared: &Shared, out: &mut Vec<Diagnostic>) -> Option<(Ledger, PathBuf)> {
    let file = uy.dir.join((uy.year - 1).to_string()).join(load::FINAL_ACCOUNTS_FILE);
    if !file.is_file() {
        return None;
    }
    let prev = UnitYear::find(&uy.dir, uy.year - 1);
    let mut loaded = prev.load();
    if let Ok(data) = &mut loaded {
        // Last year's 汇总 that cannot be done (a member new this year has no data
        // for it) leaves last year's figures to `previous:`, as without the file.
        let (found, complete) = consolidated(&prev, data, shared);
        if !complete {
            let errors = found.into_iter().filter(|d| d.severity == Severity::Error);
            out.extend(errors.map(|d| Diagnostic {
                severity: Severity::Warning,
                message: format!("上年（{}）汇总无法完成，上年数改用本年文件的 previous:：{}", uy.year - 1, d.message),
                ..d
            }));
            return None;
        }
    }
    let (unit, fa) = match &loaded {
        Ok(YearData { unit, final_accounts: Some(fa), .. }) => (unit, fa),
        Ok(_) => return None,
        Err(e) => {
            out.push(from_load(e));
            return None;
        }
    };
    let name = fa.profile.as_deref().unwrap_or(&unit.profile);
    let shared = match shared.get(&uy.root, name, uy.year - 1) {
        Ok(x) => x,
        Err(e) => {
            out.push(from_load(&e));
            return None;
        }
    };
    let mut l = Ledger::new();
    let id = l.file(&file);
    derive(&mut l, fa, id, &shared.0, &shared.1, None);
    Some((l, file))
}

/// A department's data: its members' summed into `data`, and 决算单位构成
/// from their names unless the unit file lists it. Returns what the 汇总
/// found and whether the sum is whole (always, for a unit that is no department).
fn consolidated(uy: &UnitYear, data: &mut YearData, shared: &Shared) -> (Vec<Diagnostic>, bool) {
    let (Some(c), Some(own)) = (&data.unit.consolidates, &data.final_accounts) else { return (Vec::new(), true) };
    let done = crate::consolidate::consolidate(uy, c, own, &data.unit.name, shared);
    if data.unit.budget_units.is_empty() {
        data.unit.budget_units = done.names;
    }
    data.final_accounts = Some(done.data);
    (done.diagnostics, done.complete)
}

/// A load error and the others found with it, as diagnostics.
/// L-FORM: every quantity the profile's table forms print is one the
/// ledger has, reported against the file the form is written in.
fn form_names(prof: &crate::model::Profile, l: &Ledger) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (id, (form, file)) in &prof.table_forms {
        for (name, near) in crate::render::unknown_names(form, l) {
            let near = near.map(|n| format!("，是否想写“{n}”？")).unwrap_or_default();
            let message = format!(
                "表 {id} 的表式印“{name}”，数字账中没有这个量{near}（可用的量见 gongkai check --list-quantities）"
            );
            out.push(Diagnostic::new("L-FORM", Severity::Error, file, crate::model::Loc::default(), message));
        }
    }
    out
}

pub fn from_load_all(e: &LoadError) -> Vec<Diagnostic> {
    std::iter::once(e).chain(&e.also).map(from_load).collect()
}

pub fn from_load(e: &LoadError) -> Diagnostic {
    Diagnostic::new(e.rule, Severity::Error, &e.file, e.at, e.message.clone())
}
