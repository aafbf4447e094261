//! `gongkai diff`: what moved between two states of a unit-year's data —
//! two git revisions of the data repository (a resubmission against the
//! first submission), or two years of one unit. For each unit-year: the
//! named quantities whose printed value changed (typed figures first, then
//! what is computed from them), the 第三部分 sentences whose text changed,
//! and the 审核 findings that appeared or disappeared.
//!
//! Revisions are read with `git archive` into a temporary folder, so the
//! working tree is never touched; both sides are assessed with the same
//! templates and the same program. Public entry: [`diff`].

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use serde::Serialize;

use crate::batch::Session;
use crate::diagnostic::Severity;
use crate::ledger::{Formula, Ledger, Value};
use crate::load::{UnitYear, load_units};
use crate::render::Figures;
use crate::resources::Shared;
use crate::unit_year::{Assessed, assess};

/// What to compare.
pub enum Sides {
    /// Two git revisions (anything `git rev-parse` understands).
    Revisions(String, String),
    /// Two years of the working tree's units.
    Years(u16, u16),
}

/// The differences of every unit-year found under the paths.
#[derive(Debug, Serialize)]
pub struct Report {
    /// How the two sides are named (`HEAD~1`, `2022`, …).
    pub old: String,
    pub new: String,
    pub units: Vec<UnitDiff>,
}

/// One unit-year's differences.
#[derive(Debug, Serialize)]
pub struct UnitDiff {
    pub unit: String,
    /// The year, or both years with `--years`.
    pub year: String,
    /// `changed`, `unchanged`, `added` (only in the new side) or `removed`.
    pub status: &'static str,
    pub quantities: Vec<QuantityChange>,
    pub sentences: Vec<SentenceChange>,
    pub appeared: Vec<Finding>,
    pub disappeared: Vec<Finding>,
    /// A side that could not be read or rendered, in words.
    pub notes: Vec<String>,
}

/// A quantity whose value changed, as printed and exactly.
#[derive(Debug, Serialize)]
pub struct QuantityChange {
    pub name: String,
    /// Typed in a data file (rather than computed).
    pub typed: bool,
    pub old: Option<String>,
    pub new: Option<String>,
    /// new − old, for amounts, in `unit`.
    pub difference: Option<String>,
    /// The unit amounts print in (万元, or 亿元 for a fund published so).
    pub unit: Option<&'static str>,
    pub old_exact: Option<String>,
    pub new_exact: Option<String>,
}

/// A 第三部分 sentence that reads differently.
#[derive(Debug, Serialize)]
pub struct SentenceChange {
    /// The heading it stands under.
    pub heading: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// A 审核 finding of one side only.
#[derive(Clone, Debug, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    pub rule: String,
    pub severity: String,
    /// The data file, relative to the data repository.
    pub file: String,
    pub line: u32,
    pub message: String,
}

/// Compares the unit-years under `paths` on the two sides.
pub fn diff(sides: &Sides, paths: &[PathBuf], templates: Option<&Path>) -> Result<Report> {
    let session = Session::new(templates, &[], false)?;
    let (old_name, new_name, old, new) = match sides {
        Sides::Revisions(a, b) => {
            let old = Tree::at(a, paths)?;
            let new = Tree::at(b, paths)?;
            (a.clone(), b.clone(), old, new)
        }
        Sides::Years(a, b) => {
            for p in paths {
                anyhow::ensure!(p.exists(), "路径 {} 不存在", p.display());
            }
            let tree = Tree::work_tree(paths);
            (a.to_string(), b.to_string(), tree.clone_paths(), tree)
        }
    };
    let mut olds = old.assess_all(&session, sides, true);
    let news = new.assess_all(&session, sides, false);
    let mut units = Vec::new();
    for (key, n) in news {
        let o = olds.remove(&key);
        units.push(unit_diff(&key, o.as_ref(), Some(&n), &old, &new));
    }
    for (key, o) in olds {
        units.push(unit_diff(&key, Some(&o), None, &old, &new));
    }
    units.sort_by(|a, b| (&a.unit, &a.year).cmp(&(&b.unit, &b.year)));
    Ok(Report { old: old_name, new: new_name, units })
}

/// One side: the paths to read, and the folder git extracted them into.
struct Tree {
    paths: Vec<PathBuf>,
    /// The extraction folder (removed when dropped); its paths are the
    /// repository's, so a file is shown relative to it.
    temp: Option<PathBuf>,
}

impl Drop for Tree {
    fn drop(&mut self) {
        if let Some(dir) = &self.temp {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// A unit-year as the two sides pair it: the unit folder (relative to its
/// tree) and the year (none with `--years`, which pairs two years).
type Key = (String, Option<u16>);

/// A side's unit-year: assessed, or the reason it could not be.
struct Side {
    uy: UnitYear,
    assessed: Result<Assessed, Vec<crate::diagnostic::Diagnostic>>,
    part3: Result<Vec<(String, String)>, String>,
}

impl Tree {
    fn work_tree(paths: &[PathBuf]) -> Tree {
        let paths = if paths.is_empty() { vec![PathBuf::from("data")] } else { paths.to_vec() };
        Tree { paths, temp: None }
    }

    fn clone_paths(&self) -> Tree {
        Tree { paths: self.paths.clone(), temp: None }
    }

    /// The paths as they are at revision `rev`, extracted with `git archive`.
    fn at(rev: &str, paths: &[PathBuf]) -> Result<Tree> {
        let paths = if paths.is_empty() { vec![PathBuf::from("data")] } else { paths.to_vec() };
        let first = paths[0].canonicalize().with_context(|| format!("路径 {} 不存在", paths[0].display()))?;
        let dir = if first.is_dir() { first.clone() } else { first.parent().unwrap_or(&first).to_path_buf() };
        let top = git(&dir, &["rev-parse", "--show-toplevel"]).map_err(|_| {
            anyhow::anyhow!(
                "{} 不在 git 仓库中：比较两个修订需要数据目录由 git 管理（比较两个年度请用 --years）",
                paths[0].display()
            )
        })?;
        let top = PathBuf::from(top.trim());
        git(&top, &["rev-parse", "--verify", "--quiet", &format!("{rev}^{{commit}}")])
            .map_err(|_| anyhow::anyhow!("“{rev}”不是仓库 {} 中的修订（提交、标签或分支）", top.display()))?;
        let temp = std::env::temp_dir().join(format!("gongkai-diff-{}-{}", std::process::id(), unique()));
        std::fs::create_dir_all(&temp)?;
        let mut tree = Tree { paths: Vec::new(), temp: Some(temp.clone()) };
        let mut mapped = Vec::new();
        let mut roots = BTreeSet::new();
        for p in &paths {
            let abs = p.canonicalize().with_context(|| format!("路径 {} 不存在", p.display()))?;
            let rel =
                abs.strip_prefix(&top).with_context(|| format!("{} 不在仓库 {} 中", p.display(), top.display()))?;
            roots.insert(data_root(&abs).strip_prefix(&top).unwrap_or(Path::new("")).to_path_buf());
            mapped.push(temp.join(rel));
        }
        for root in &roots {
            extract(&top, rev, root, &temp)?;
        }
        tree.paths = mapped;
        Ok(tree)
    }

    /// A file as the user knows it: relative to the repository top.
    fn shown(&self, file: &Path) -> String {
        match &self.temp {
            Some(dir) => file.strip_prefix(dir).unwrap_or(file).display().to_string(),
            None => file.display().to_string(),
        }
    }

    fn key(&self, uy: &UnitYear, sides: &Sides) -> Key {
        let dir = match &self.temp {
            Some(temp) => uy.dir.strip_prefix(temp).unwrap_or(&uy.dir).to_path_buf(),
            None => uy.dir.clone(),
        };
        let year = matches!(sides, Sides::Revisions(..)).then_some(uy.year);
        (dir.display().to_string(), year)
    }

    /// Every unit-year of this side, assessed and its 第三部分 rendered.
    fn assess_all(&self, session: &Session, sides: &Sides, old: bool) -> BTreeMap<Key, Side> {
        let existing: Vec<PathBuf> = self.paths.iter().filter(|p| p.exists()).cloned().collect();
        let (years, _) = load_units(&existing);
        let shared = Shared::default();
        let mut out = BTreeMap::new();
        for uy in years {
            if let Sides::Years(a, b) = sides
                && uy.year != if old { *a } else { *b }
            {
                continue;
            }
            let assessed = assess(&uy, &shared);
            let part3 = match &assessed {
                Ok(a) => session
                    .final_accounts_source(a)
                    .map(|s| s.map(|s| part3(&s)).unwrap_or_default())
                    .map_err(|e| format!("{e:#}")),
                Err(_) => Ok(Vec::new()),
            };
            out.insert(self.key(&uy, sides), Side { uy, assessed, part3 });
        }
        out
    }
}

fn assessed(s: Option<&Side>) -> Option<&Assessed> {
    s.and_then(|s| s.assessed.as_ref().ok())
}

fn unique() -> u64 {
    static N: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    N.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// The data root a path is in: the folder holding its units' profiles.
fn data_root(abs: &Path) -> PathBuf {
    let unit_file = crate::load::UNIT_FILE;
    if abs.join(unit_file).exists() {
        abs.parent().unwrap_or(abs).to_path_buf()
    } else if abs.parent().is_some_and(|p| p.join(unit_file).exists()) {
        abs.parent().and_then(Path::parent).unwrap_or(abs).to_path_buf()
    } else {
        abs.to_path_buf()
    }
}

fn git(dir: &Path, args: &[&str]) -> Result<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .context("无法运行 git（gongkai diff 比较两个修订需要 git）")?;
    if !out.status.success() {
        bail!("git {}：{}", args.join(" "), String::from_utf8_lossy(&out.stderr).trim());
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// `git archive rev -- root | tar -x -C into`; a root the revision does
/// not have extracts nothing (its units are all added or removed).
fn extract(top: &Path, rev: &str, root: &Path, into: &Path) -> Result<()> {
    let spec = if root.as_os_str().is_empty() { ".".to_string() } else { root.display().to_string() };
    let listed = git(top, &["ls-tree", "-d", "--name-only", rev, "--", &spec])?;
    if spec != "." && listed.trim().is_empty() {
        return Ok(());
    }
    let mut archive = Command::new("git")
        .arg("-C")
        .arg(top)
        .args(["archive", "--format=tar", rev, "--", &spec])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("无法运行 git archive")?;
    let stdout = archive.stdout.take().context("git archive 没有输出")?;
    let tar = Command::new("tar").arg("-x").arg("-C").arg(into).stdin(stdout).output().context("无法运行 tar")?;
    let status = archive.wait_with_output()?;
    if !status.status.success() {
        bail!("git archive {rev} -- {spec}：{}", String::from_utf8_lossy(&status.stderr).trim());
    }
    if !tar.status.success() {
        bail!("tar：{}", String::from_utf8_lossy(&tar.stderr).trim());
    }
    Ok(())
}

fn unit_diff(key: &Key, old: Option<&Side>, new: Option<&Side>, ot: &Tree, nt: &Tree) -> UnitDiff {
    let any = new.or(old).expect("one side");
    let year = match (key.1, old, new) {
        (Some(y), ..) => y.to_string(),
        (None, Some(o), Some(n)) => format!("{}→{}", o.uy.year, n.uy.year),
        (None, ..) => any.uy.year.to_string(),
    };
    let mut d = UnitDiff {
        unit: any.uy.name.clone(),
        year,
        status: match (old, new) {
            (None, _) => "added",
            (_, None) => "removed",
            _ => "unchanged",
        },
        quantities: Vec::new(),
        sentences: Vec::new(),
        appeared: Vec::new(),
        disappeared: Vec::new(),
        notes: Vec::new(),
    };
    d.quantities = quantities(assessed(old), assessed(new));
    d.sentences = sentences(old, new, &mut d.notes);
    let (of, nf) = (findings(old, ot), findings(new, nt));
    d.appeared = nf.iter().filter(|f| !of.iter().any(|o| same_finding(o, f))).cloned().collect();
    d.disappeared = of.iter().filter(|f| !nf.iter().any(|n| same_finding(n, f))).cloned().collect();
    for (side, s) in [("旧", old), ("新", new)] {
        if let Some(Side { assessed: Err(_), .. }) = s {
            d.notes.push(format!("{side}的数据无法读取（见下列审核发现）"));
        }
    }
    if d.status == "unchanged"
        && !(d.quantities.is_empty() && d.sentences.is_empty() && d.appeared.is_empty() && d.disappeared.is_empty())
    {
        d.status = "changed";
    }
    d
}

/// Two findings are the same when rule, file and message are: a finding
/// that only moved with its line is not new.
fn same_finding(a: &Finding, b: &Finding) -> bool {
    a.rule == b.rule && a.message == b.message && file_name(&a.file) == file_name(&b.file)
}

fn file_name(f: &str) -> &str {
    Path::new(f).file_name().and_then(|n| n.to_str()).unwrap_or(f)
}

fn findings(side: Option<&Side>, tree: &Tree) -> Vec<Finding> {
    let Some(side) = side else { return Vec::new() };
    let diagnostics = match &side.assessed {
        Ok(a) => &a.diagnostics,
        Err(d) => d,
    };
    let strip = |m: &str| match &tree.temp {
        Some(dir) => m.replace(&format!("{}/", dir.display()), ""),
        None => m.to_string(),
    };
    let mut out: Vec<Finding> = diagnostics
        .iter()
        .filter(|d| d.severity != Severity::Info)
        .map(|d| Finding {
            rule: d.rule.to_string(),
            severity: d.severity.zh().to_string(),
            file: tree.shown(&d.file),
            line: d.line,
            message: strip(&d.message),
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The value a quantity prints, in words, and exactly.
fn shown(l: &Arc<Ledger>, f: &Figures, name: &str) -> Option<(String, String, Value)> {
    let id = l.id(name)?;
    let e = l.entry(id);
    let value = l.printed(id);
    let (text, exact) = match value {
        Value::Money(m) => (format!("{}{}", f.text_in(name, e.unit), e.unit.zh()), e.unit.from_wanyuan(m).trimmed()),
        Value::Count(c) => (c.to_string(), c.to_string()),
        Value::Ratio(r) => (
            f.pct(name).map(|p| format!("{p}%")).unwrap_or_else(|| "（分母为 0，不印）".into()),
            r.map(|r| format!("{}%", r.percent(6))).unwrap_or_default(),
        ),
    };
    Some((text, exact, value))
}

/// The quantities whose printed value differs: typed ones first, then
/// computed, each in ledger order; a name under which another prints
/// (an alias) is not repeated.
fn quantities(old: Option<&Assessed>, new: Option<&Assessed>) -> Vec<QuantityChange> {
    let figures = |a: &Assessed| Figures::new(a.ledger.clone(), &a.profile().numbers);
    let (of, nf) = (old.map(figures), new.map(figures));
    let mut names: Vec<(&str, bool)> = Vec::new();
    let mut seen = BTreeSet::new();
    for a in [new, old].into_iter().flatten() {
        for e in a.ledger.entries() {
            if !matches!(e.formula, Formula::Ref(_) | Formula::Blank) && seen.insert(e.name.as_str()) {
                names.push((e.name.as_str(), matches!(e.formula, Formula::Input(_))));
            }
        }
    }
    names.sort_by_key(|(_, typed)| !typed);
    let mut out = Vec::new();
    for (name, typed) in names {
        let o = old.zip(of.as_ref()).and_then(|(a, f)| shown(&a.ledger, f, name));
        let n = new.zip(nf.as_ref()).and_then(|(a, f)| shown(&a.ledger, f, name));
        let changed = match (&o, &n) {
            (Some(o), Some(n)) => o.2 != n.2,
            (None, None) => false,
            // A quantity of one side only matters when it is not zero.
            (Some(x), None) | (None, Some(x)) => !is_zero(x.2),
        };
        if !changed {
            continue;
        }
        let entry = new.or(old).and_then(|a| a.ledger.get(name));
        let unit = entry.filter(|e| matches!(e.value, Value::Money(_))).map(|e| e.unit);
        let difference = match (&o, &n) {
            (Some((_, _, Value::Money(a))), Some((_, _, Value::Money(b)))) => {
                let unit = unit.unwrap_or_default();
                let d = unit.from_wanyuan(*b - *a);
                Some(format!("{}{}", if d.0.is_sign_negative() { "" } else { "+" }, d.trimmed()))
            }
            _ => None,
        };
        out.push(QuantityChange {
            name: name.to_string(),
            typed,
            old: o.as_ref().map(|x| x.0.clone()),
            new: n.as_ref().map(|x| x.0.clone()),
            difference,
            unit: unit.map(|u| u.zh()),
            old_exact: o.map(|x| x.1),
            new_exact: n.map(|x| x.1),
        });
    }
    out
}

fn is_zero(v: Value) -> bool {
    match v {
        Value::Money(m) => m.is_zero(),
        Value::Count(c) => c == 0,
        Value::Ratio(r) => r.is_none(),
    }
}

/// The 第三部分 sentences that read differently, under their headings.
fn sentences(old: Option<&Side>, new: Option<&Side>, notes: &mut Vec<String>) -> Vec<SentenceChange> {
    let mut text = |s: Option<&Side>, side: &str| match s.map(|s| &s.part3) {
        Some(Ok(p)) => p.clone(),
        Some(Err(e)) => {
            notes.push(format!("{side}的部门决算无法生成，未比较第三部分：{e}"));
            Vec::new()
        }
        None => Vec::new(),
    };
    let (o, n) = (text(old, "旧"), text(new, "新"));
    let split = |p: &[(String, String)]| -> Vec<(String, String)> {
        p.iter().flat_map(|(h, para)| split_sentences(para).into_iter().map(move |s| (h.clone(), s))).collect()
    };
    let (o, n) = (split(&o), split(&n));
    let mut out = Vec::new();
    // Sentences are paired under their heading, in order.
    let mut headings: Vec<&String> = Vec::new();
    for (h, _) in n.iter().chain(o.iter()) {
        if !headings.contains(&h) {
            headings.push(h);
        }
    }
    for h in headings {
        let os: Vec<&String> = o.iter().filter(|(x, _)| x == h).map(|(_, s)| s).collect();
        let ns: Vec<&String> = n.iter().filter(|(x, _)| x == h).map(|(_, s)| s).collect();
        let (gone, came): (Vec<&String>, Vec<&String>) = (
            os.iter().filter(|s| !ns.contains(s)).copied().collect(),
            ns.iter().filter(|s| !os.contains(s)).copied().collect(),
        );
        for i in 0..gone.len().max(came.len()) {
            out.push(SentenceChange {
                heading: h.clone(),
                old: gone.get(i).map(|s| s.to_string()),
                new: came.get(i).map(|s| s.to_string()),
            });
        }
    }
    out
}

/// A paragraph's sentences, each with its final 。.
fn split_sentences(p: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for c in p.chars() {
        cur.push(c);
        if c == '。' {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.trim().is_empty() {
        out.push(cur);
    }
    out
}

/// The line the 部门决算 template writes before its 情况说明 part.
const EXPLANATION_MARK: &str = "// 情况说明";

/// The paragraphs of a 部门决算's 情况说明 part (from its Typst source:
/// the part after the template's `// 情况说明` line, or 第三部分 in a source
/// without one), each with the heading it stands under, as plain text.
fn part3(source: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let marked = source.lines().any(|l| l == EXPLANATION_MARK);
    let (mut inside, mut next) = (false, false);
    let mut heading = String::new();
    for line in source.lines() {
        if line == EXPLANATION_MARK {
            next = true;
            continue;
        }
        if line.starts_with("#part[") || line.starts_with("#part(") {
            let label = line.split_once(")[").map_or(&line[6..], |(_, r)| r);
            inside = if marked { next } else { label.starts_with("第三部分") };
            next = false;
            continue;
        }
        if !inside || line.trim().is_empty() {
            continue;
        }
        if let Some(h) = ["#h1[", "#h2[", "#h3["].iter().find_map(|p| line.strip_prefix(p)) {
            heading = unescape(h.strip_suffix(']').unwrap_or(h));
        } else if !line.starts_with('#') {
            out.push((heading.clone(), unescape(line)));
        }
    }
    out
}

/// Typst markup as text: escapes undone, `#h(…)` spacing dropped.
fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.extend(chars.next()),
            _ => out.push(c),
        }
    }
    out
}

impl Report {
    /// The report for people: changed figures first, then sentences, then findings.
    pub fn human(&self) -> String {
        let mut s = String::new();
        let changed = self.units.iter().filter(|u| u.status != "unchanged").count();
        for u in self.units.iter().filter(|u| u.status != "unchanged") {
            let status = match u.status {
                "added" => format!("（仅在 {} 中）", self.new),
                "removed" => format!("（仅在 {} 中）", self.old),
                _ => String::new(),
            };
            let _ = writeln!(s, "== {} {}{status}", u.unit, u.year);
            for n in &u.notes {
                let _ = writeln!(s, "  注：{n}");
            }
            if !u.quantities.is_empty() {
                let _ = writeln!(s, "  数字变动 {} 项：", u.quantities.len());
                for q in &u.quantities {
                    let dash = || "—".to_string();
                    let diff =
                        q.difference.as_ref().map(|d| format!("（{d}{}）", q.unit.unwrap_or(""))).unwrap_or_default();
                    let kind = if q.typed { "填写" } else { "计算" };
                    let _ = writeln!(
                        s,
                        "    {}［{kind}］ {} → {}{diff}",
                        q.name,
                        q.old.clone().unwrap_or_else(dash),
                        q.new.clone().unwrap_or_else(dash)
                    );
                }
            }
            if !u.sentences.is_empty() {
                let _ = writeln!(s, "  第三部分文字变动 {} 处：", u.sentences.len());
                for c in &u.sentences {
                    let _ = writeln!(s, "    {}", c.heading);
                    if let Some(o) = &c.old {
                        let _ = writeln!(s, "      - {o}");
                    }
                    if let Some(n) = &c.new {
                        let _ = writeln!(s, "      + {n}");
                    }
                }
            }
            for (title, list) in [("新出现的审核发现", &u.appeared), ("消失的审核发现", &u.disappeared)]
            {
                if !list.is_empty() {
                    let _ = writeln!(s, "  {title} {} 条：", list.len());
                    for f in list {
                        let at = if f.line > 0 { format!(":{}", f.line) } else { String::new() };
                        let _ = writeln!(s, "    {}{at}: {}[{}] {}", f.file, f.severity, f.rule, f.message);
                    }
                }
            }
            s.push('\n');
        }
        let _ = writeln!(s, "比较 {} → {}：共 {} 个单位年度，{changed} 个有变动", self.old, self.new, self.units.len());
        s
    }

    /// Whether anything differs (the exit status of `gongkai diff`).
    pub fn differs(&self) -> bool {
        self.units.iter().any(|u| u.status != "unchanged")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn part3_is_read_as_text_under_its_headings() {
        let src = "#part[第二部分][表]\n不是\n#part[第三部分][说明]\n#h1[一、总体]\n\n收入385\\.28万元。支出\\#1。\n#table()\n#part[第四部分][名词]\n名词\n";
        assert_eq!(part3(src), vec![("一、总体".to_string(), "收入385.28万元。支出#1。".to_string())]);
        assert_eq!(split_sentences("收入385.28万元。支出#1。"), vec!["收入385.28万元。", "支出#1。"]);
    }
}
