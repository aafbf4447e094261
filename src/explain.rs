//! `gongkai explain PATH NAME` and `gongkai check --list-quantities PATH`:
//! where a figure comes from — its value as printed and exactly, its
//! formula with each operand's value, down to the data file lines — and the
//! names a unit-year's ledger holds. Public entries: [`explain`],
//! [`list_quantities`].

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow, bail};

use crate::ledger::Ledger;
use crate::load::{UnitYear, load_units};
use crate::resources::Shared;
use crate::unit_year::{Assessed, assess};

fn assessed(paths: &[PathBuf]) -> Result<Vec<(UnitYear, Assessed)>> {
    let (years, orphans) = load_units(paths);
    if let Some(e) = orphans.first() {
        bail!("{e}");
    }
    let shared = Shared::default();
    let mut out = Vec::new();
    for uy in years {
        match assess(&uy, &shared) {
            Ok(a) => out.push((uy, a)),
            Err(d) => bail!("{}", d.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("\n")),
        }
    }
    Ok(out)
}

/// The explanation of quantity `name` of the one unit-year at `path`.
pub fn explain(path: &Path, name: &str, depth: usize) -> Result<String> {
    let found = assessed(&[path.to_path_buf()])?;
    let (uy, a) = match found.as_slice() {
        [one] => one,
        [] => bail!("{} 下没有单位年度数据", path.display()),
        many => bail!(
            "{} 下有 {} 个单位年度（{}）：请指定一个单位的年度文件夹，如 {}",
            path.display(),
            many.len(),
            many.iter().map(|(u, _)| format!("{} {}", u.name, u.year)).collect::<Vec<_>>().join("、"),
            many[0].0.dir.join(many[0].0.year.to_string()).display()
        ),
    };
    let l: &Ledger = &a.ledger;
    let Some(id) = l.id(name) else {
        let near = crate::ledger::suggest(name, l.entries().iter().map(|e| e.name.as_str()))
            .map(|n| format!("，是否想写“{n}”？"))
            .unwrap_or_default();
        return Err(anyhow!(
            "{} {} 中没有名为“{name}”的量{near}（全部名称：gongkai check --list-quantities {}）",
            uy.name,
            uy.year,
            path.display()
        ));
    };
    let mut s = format!("{} {}：{name}\n", uy.name, uy.year);
    if let Some(d) = crate::quantities::describe(name) {
        let _ = writeln!(s, "含义：{}\n公式：{}\n", d.meaning, d.formula);
    }
    let printed = crate::render::Figures::new(a.ledger.clone(), &a.profile().numbers);
    let shown = match l.entry(id).value {
        crate::ledger::Value::Ratio(_) => {
            printed.pct(name).map(|p| format!("{p}%")).unwrap_or_else(|| "（不印）".into())
        }
        _ => printed.text_in(name, l.entry(id).unit),
    };
    let _ = writeln!(s, "印为：{shown}（按版式方案 {} 的数字格式）\n", a.profile().name);
    s += &l.explain(id, depth);
    Ok(s)
}

/// Every quantity of every unit-year under `paths`, with its exact value.
pub fn list_quantities(paths: &[PathBuf]) -> Result<String> {
    let mut s = String::new();
    for (uy, a) in assessed(paths)? {
        let _ = writeln!(s, "# {} {}", uy.name, uy.year);
        for (i, e) in a.ledger.entries().iter().enumerate() {
            let _ = writeln!(s, "{}\t{}", e.name, a.ledger.show(i));
        }
        s.push('\n');
    }
    Ok(s)
}
