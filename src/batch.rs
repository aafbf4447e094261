//! Batch: run the whole pipeline over every unit-year found, in parallel.
//! A failing unit (bad YAML, failed check, template or Typst error) is
//! reported with its file and stage and never stops the others. PDFs are
//! written to a temporary file and renamed, so no partial PDF is ever left
//! and a failed rebuild keeps the previous good one.
//!
//! Public entries: [`Session::new`] (fonts, templates: once per process),
//! [`Session::run`].

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result};

use crate::check::check_final_accounts;
use crate::derive::{PreviousFigures, ThreePublicRow, derive};
use crate::diagnostic::{Diagnostic, Severity};
use crate::load::{self, LoadError, UnitYear};
use crate::model::{Catalogue, FinalAccounts, Loc, Profile, Theme};
use crate::render::{Renderer, final_accounts_view};
use crate::resources;
use crate::templates::TemplateSet;
use crate::typeset::{Engine, Fonts, compile_pdf};

/// What to do with the unit-years.
#[derive(Debug, Clone)]
pub struct Options {
    /// Output root; documents go to `<out>/<unit>/<year>/`.
    pub out_dir: PathBuf,
    /// Render (false: check only).
    pub render: bool,
    /// Also write the generated `.typ` beside each PDF.
    pub write_typst: bool,
    /// Render units that fail 审核, marked 「未通过审核」 on every page.
    pub draft: bool,
    /// Worker threads (0: one per core).
    pub jobs: usize,
    /// Rebuild even when the inputs are unchanged.
    pub force: bool,
    /// Only the unit-years whose index in the sorted list is ≡ K−1 (mod N).
    pub shard: Option<(usize, usize)>,
    /// Show a progress bar on the terminal.
    pub progress: bool,
}

impl Options {
    /// Check-only options.
    pub fn check() -> Options {
        Options {
            out_dir: PathBuf::new(),
            render: false,
            write_typst: false,
            draft: false,
            jobs: 0,
            force: false,
            shard: None,
            progress: false,
        }
    }

    /// Rendering options writing to `out_dir`.
    pub fn build(out_dir: impl Into<PathBuf>) -> Options {
        Options { out_dir: out_dir.into(), render: true, ..Options::check() }
    }
}

/// The file beside a unit-year's outputs holding the hash of its inputs.
pub const INPUTS_HASH_FILE: &str = ".gongkai-inputs";

/// The stage a unit-year failed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Load,
    Check,
    Template,
    Typeset,
    Write,
}

impl Stage {
    pub fn zh(self) -> &'static str {
        match self {
            Stage::Load => "读取",
            Stage::Check => "审核",
            Stage::Template => "模板",
            Stage::Typeset => "排版",
            Stage::Write => "写入",
        }
    }
}

/// The result for one unit-year.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Unit folder name.
    pub unit: String,
    pub year: u16,
    /// Findings of loading and 审核 (errors and warnings).
    pub diagnostics: Vec<Diagnostic>,
    /// Where it stopped, with the message, if it failed.
    pub failure: Option<(Stage, String)>,
    /// Files written.
    pub written: Vec<PathBuf>,
    /// Pages typeset.
    pub pages: usize,
    /// Skipped because its inputs did not change since the last build.
    pub skipped: bool,
}

impl Outcome {
    pub fn ok(&self) -> bool {
        self.failure.is_none()
    }
}

/// Everything built once per process: templates, Tera, fonts, Typst engine.
pub struct Session {
    renderer: Renderer,
    engine: Option<Arc<Engine>>,
    /// Hash of every template file and the discovered font roles.
    templates_hash: String,
    /// Hashes of each data root's shared files, filled on first use.
    shared_hashes: std::sync::Mutex<std::collections::HashMap<PathBuf, String>>,
    shared_files: SharedFiles,
}

/// Profiles and catalogues, parsed once per data root, name and year in a
/// session: parsing the 654-code 功能分类 catalogue for every unit-year cost
/// about 2% of a batch's CPU time.
#[derive(Default)]
struct SharedFiles {
    parsed: std::sync::Mutex<std::collections::HashMap<SharedKey, Arc<(Profile, Catalogue)>>>,
}

/// A data root, a profile name and a year.
type SharedKey = (PathBuf, String, u16);

impl SharedFiles {
    fn get(&self, root: &Path, profile: &str, year: u16) -> Result<Arc<(Profile, Catalogue)>, LoadError> {
        let key = (root.to_path_buf(), profile.to_string(), year);
        if let Some(hit) = self.parsed.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
            return Ok(hit.clone());
        }
        let parsed = Arc::new((resources::profile(root, profile)?, resources::catalogue(root, year)?));
        self.parsed.lock().unwrap_or_else(|e| e.into_inner()).insert(key, parsed.clone());
        Ok(parsed)
    }
}

impl Session {
    /// Loads templates and (when rendering) discovers fonts once.
    pub fn new(templates_dir: Option<&Path>, font_paths: &[PathBuf], render: bool) -> Result<Session> {
        let set = TemplateSet::load(templates_dir)?;
        let templates_hash = {
            use sha2::{Digest, Sha256};
            let mut h = Sha256::new();
            for (k, v) in &set.files {
                h.update(k.as_bytes());
                h.update(v.as_bytes());
            }
            format!("{:x}", h.finalize())
        };
        let renderer = Renderer::new(&set)?;
        let engine = if render {
            let theme_text = set.get("theme.yaml").context("模板中缺少 theme.yaml")?;
            let theme: Theme = load::parse_yaml(Path::new(&set.origin("theme.yaml")), theme_text)?;
            let fonts = Fonts::discover(font_paths, &theme)?;
            Some(Arc::new(Engine::new(fonts, set.typst_files())))
        } else {
            None
        };
        Ok(Session {
            renderer,
            engine,
            templates_hash,
            shared_hashes: Default::default(),
            shared_files: Default::default(),
        })
    }

    /// Loads and processes every unit-year under `paths`.
    pub fn run(&self, paths: &[PathBuf], opts: &Options) -> Vec<Outcome> {
        let (years, orphans) = load::load_units(paths);
        let mut outcomes: Vec<Outcome> = orphans
            .into_iter()
            .map(|e| Outcome {
                // A unit's 单位.yaml names the unit; a folder without data names itself.
                unit: if e.file.is_dir() {
                    e.file.display().to_string()
                } else {
                    e.file
                        .parent()
                        .and_then(|p| p.file_name())
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default()
                },
                year: 0,
                diagnostics: vec![from_load(&e)],
                failure: Some((Stage::Load, e.to_string())),
                written: vec![],
                pages: 0,
                skipped: false,
            })
            .collect();
        let years: Vec<UnitYear> = match opts.shard {
            Some((k, n)) if n > 0 => {
                years.into_iter().enumerate().filter(|(i, _)| i % n == k - 1).map(|(_, y)| y).collect()
            }
            _ => years,
        };
        let bar = if opts.progress {
            let bar = indicatif::ProgressBar::new(years.len() as u64);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{bar:40} {pos}/{len} 个单位年度 {elapsed_precise} 剩余 {eta} {msg}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar
        } else {
            indicatif::ProgressBar::hidden()
        };
        let work = |uy: &UnitYear| {
            let o = self.process(uy, opts);
            bar.set_message(format!("{} {}", uy.name, uy.year));
            bar.inc(1);
            o
        };
        // Plain worker threads pulling unit-years off a shared counter: Typst
        // parallelises internally on rayon's global pool, so nesting our work
        // in a rayon pool only adds contention.
        let jobs =
            if opts.jobs == 0 { std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1) } else { opts.jobs };
        let next = std::sync::atomic::AtomicUsize::new(0);
        let slots: Vec<std::sync::Mutex<Option<Outcome>>> = years.iter().map(|_| std::sync::Mutex::new(None)).collect();
        std::thread::scope(|s| {
            for _ in 0..jobs.min(years.len()).max(1) {
                s.spawn(|| {
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(uy) = years.get(i) else { break };
                        let o = work(uy);
                        *slots[i].lock().unwrap_or_else(|e| e.into_inner()) = Some(o);
                    }
                });
            }
        });
        let done: Vec<Outcome> =
            slots.into_iter().filter_map(|m| m.into_inner().unwrap_or_else(|e| e.into_inner())).collect();
        bar.finish_and_clear();
        outcomes.extend(done);
        outcomes
    }

    fn process(&self, uy: &UnitYear, opts: &Options) -> Outcome {
        let mut out = Outcome {
            unit: uy.name.clone(),
            year: uy.year,
            diagnostics: vec![],
            failure: None,
            written: vec![],
            pages: 0,
            skipped: false,
        };
        let dir = opts.out_dir.join(&uy.name).join(uy.year.to_string());
        let hash = opts.render.then(|| self.inputs_hash(uy, opts));
        if let (Some(h), false) = (&hash, opts.force)
            && up_to_date(&dir, h)
        {
            out.skipped = true;
            return out;
        }
        let fail = |mut out: Outcome, stage: Stage, msg: String| {
            out.failure = Some((stage, msg));
            out
        };
        let loaded = uy.load();
        let data = match &loaded {
            Ok(d) => d,
            Err(e) => {
                out.diagnostics.push(from_load(e));
                return fail(out, Stage::Load, e.to_string());
            }
        };
        let unit = &data.unit;
        let profile_name = data.final_accounts.as_ref().and_then(|f| f.profile.as_deref()).unwrap_or(&unit.profile);
        let shared = match self.shared_files.get(&uy.root, profile_name, uy.year) {
            Ok(x) => x,
            Err(e) => {
                out.diagnostics.push(from_load(&e));
                return fail(out, Stage::Load, e.to_string());
            }
        };
        let (profile, cat) = (&shared.0, &shared.1);

        // 审核 first, for every document of the unit-year.
        let year_dir = uy.dir.join(uy.year.to_string());
        let fa_file = year_dir.join(load::FINAL_ACCOUNTS_FILE);
        for file in [uy.dir.join(load::UNIT_FILE), fa_file.clone(), year_dir.join(load::PERFORMANCE_FILE)] {
            out.diagnostics.extend(crate::check::placeholders(&file));
        }
        let derived = data.final_accounts.as_ref().map(|fa| derive(fa, profile, cat));
        let mut prev = PreviousFigures::default();
        if let (Some(fa), Some(d)) = (&data.final_accounts, &derived) {
            out.diagnostics.extend(check_final_accounts(&fa_file, fa, d, cat));
            match previous_figures(uy, fa, &fa_file, &self.shared_files) {
                Ok(p) => {
                    let org_base = crate::derive::org_running_cost_base(profile, fa, &p);
                    out.diagnostics.extend(crate::check::check_reasons(&fa_file, fa, d, &p, org_base));
                    if let (Some(typed), Some(_)) = (&fa.previous, &p.from_file) {
                        out.diagnostics.extend(crate::check::check_typed_previous(&fa_file, typed, &p));
                    }
                    prev = p;
                }
                Err(diags) => out.diagnostics.extend(diags),
            }
            if !fa.declared.stated.is_empty() {
                let q = crate::stated::final_accounts_quantities(d, &prev);
                out.diagnostics.extend(crate::stated::compare(&fa_file, &fa.declared.stated, &q));
            }
        }
        let perf = data.performance.as_ref().map(|p| {
            let e = crate::evaluate::evaluate(unit, p, data.final_accounts.as_ref(), derived.as_ref());
            let perf_file = year_dir.join(load::PERFORMANCE_FILE);
            out.diagnostics.extend(crate::evaluate::check(&perf_file, p, &e));
            if !p.stated.is_empty() {
                let q = crate::stated::performance_quantities(p, &e);
                out.diagnostics.extend(crate::stated::compare(&perf_file, &p.stated, &q));
            }
            e
        });
        let errors = out.diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
        if errors > 0 && !(opts.draft && opts.render) {
            return fail(out, Stage::Check, format!("审核发现 {errors} 个错误"));
        }
        if !opts.render {
            return out;
        }

        let reports: Vec<crate::evaluate::ReportView> = match (&data.performance, &perf) {
            (Some(p), Some(e)) => {
                p.reports.iter().map(|r| crate::evaluate::report_view(unit, p, e, r, errors > 0)).collect()
            }
            _ => Vec::new(),
        };
        let mut documents: Vec<(String, String, anyhow::Result<String>)> = Vec::new();
        if let (Some(fa), Some(d)) = (&data.final_accounts, &derived) {
            let mut view = final_accounts_view(unit, fa, profile, d, &prev, cat, errors > 0);
            // 第五部分 附件 names the reports published beside it.
            view.attach(reports.iter().map(|r| r.file_name.as_str()));
            documents.push((
                format!("{}年度{}部门决算", uy.year, unit.name),
                "部门决算".into(),
                self.renderer.render_final_accounts(&view),
            ));
        }
        for (i, view) in reports.iter().enumerate() {
            documents.push((view.file_name.clone(), format!("绩效自评{}", i + 1), self.renderer.render_report(view)));
        }
        let engine = self.engine.as_ref().expect("rendering sessions have an engine");
        // The record vouches for the files beside it: drop it before any of
        // them is replaced, so a draft or a half-finished run is never taken
        // for an up-to-date build of the same inputs later.
        let record = dir.join(INPUTS_HASH_FILE);
        if record.is_file()
            && let Err(e) = std::fs::remove_file(&record)
        {
            return fail(out, Stage::Write, format!("无法删除 {}：{e}", record.display()));
        }
        for (stem, kind, source) in documents {
            let source = match source {
                Ok(s) => s,
                Err(e) => return fail(out, Stage::Template, format!("{e:#}")),
            };
            if opts.write_typst {
                match write_atomically(&dir.join(format!("{stem}.typ")), source.as_bytes()) {
                    Ok(p) => out.written.push(p),
                    Err(e) => return fail(out, Stage::Write, format!("{e:#}")),
                }
            }
            let name = format!("{}/{}/{kind}.typ", uy.name, uy.year);
            let pdf = match compile_pdf(engine, &name, source) {
                Ok(p) => p,
                Err(e) => return fail(out, Stage::Typeset, format!("{stem}：{e}")),
            };
            match write_atomically(&dir.join(format!("{stem}.pdf")), &pdf.bytes) {
                Ok(p) => {
                    out.written.push(p);
                    out.pages += pdf.pages;
                }
                Err(e) => return fail(out, Stage::Write, format!("{e:#}")),
            }
        }
        // Record the inputs, and the files they produced, only when
        // everything was written and 审核 passed.
        if let (Some(h), 0) = (hash, errors) {
            let mut record = h;
            for p in &out.written {
                record.push('\n');
                record += &p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            }
            record.push('\n');
            if let Err(e) = write_atomically(&dir.join(INPUTS_HASH_FILE), record.as_bytes()) {
                return fail(out, Stage::Write, format!("{e:#}"));
            }
        }
        if errors > 0 {
            // --draft: the documents are written, watermarked, but the
            // unit-year still fails (exit code 1) until 审核 passes.
            return fail(out, Stage::Check, format!("审核发现 {errors} 个错误；已按 --draft 生成带“草稿”水印的文件"));
        }
        out
    }

    /// A content hash of everything a unit-year's documents depend on: its
    /// data files (and last year's), the shared profiles and catalogue of
    /// its data root, the templates, the tool version and source fingerprint, and the output flags.
    fn inputs_hash(&self, uy: &UnitYear, opts: &Options) -> String {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        h.update(env!("CARGO_PKG_VERSION"));
        h.update(env!("GONGKAI_SOURCE_FINGERPRINT"));
        h.update(&self.templates_hash);
        h.update(format!("draft={} typst={}", opts.draft, opts.write_typst));
        let prev = uy.dir.join((uy.year - 1).to_string()).join(load::FINAL_ACCOUNTS_FILE);
        for f in uy.files.iter().chain(std::iter::once(&prev)) {
            h.update(f.to_string_lossy().as_bytes());
            h.update(std::fs::read(f).unwrap_or_default());
        }
        h.update(self.shared_hash(&uy.root));
        format!("{:x}", h.finalize())
    }

    /// The hash of a data root's profiles and catalogue, read once per root
    /// and run rather than once per unit-year.
    fn shared_hash(&self, root: &Path) -> String {
        use sha2::{Digest, Sha256};
        let mut cache = self.shared_hashes.lock().unwrap_or_else(|e| e.into_inner());
        cache
            .entry(root.to_path_buf())
            .or_insert_with(|| {
                let mut h = Sha256::new();
                for shared in ["profiles", "catalogue"] {
                    let files =
                        walkdir::WalkDir::new(root.join(shared)).sort_by_file_name().into_iter().filter_map(Result::ok);
                    for e in files.filter(|e| e.file_type().is_file()) {
                        h.update(e.path().to_string_lossy().as_bytes());
                        h.update(std::fs::read(e.path()).unwrap_or_default());
                    }
                }
                format!("{:x}", h.finalize())
            })
            .clone()
    }
}

/// Last year's figures: from the previous year's data file when it is in the
/// repository, else from the `previous:` fields; a missing one is an error
/// naming the value.
fn previous_figures(
    uy: &UnitYear,
    fa: &FinalAccounts,
    fa_file: &Path,
    shared: &SharedFiles,
) -> Result<PreviousFigures, Vec<Diagnostic>> {
    let prev_file = uy.dir.join((uy.year - 1).to_string()).join(load::FINAL_ACCOUNTS_FILE);
    if prev_file.is_file() {
        let loaded = UnitYear::find(&uy.dir, uy.year - 1).load();
        let (unit, pfa) = match &loaded {
            Ok(load::YearData { unit, final_accounts: Some(fa), .. }) => (unit, fa),
            Ok(_) => return Err(vec![]),
            Err(e) => return Err(vec![from_load(e)]),
        };
        let name = pfa.profile.as_deref().unwrap_or(&unit.profile);
        let shared = match shared.get(&uy.root, name, uy.year - 1) {
            Ok(x) => x,
            Err(e) => return Err(vec![from_load(&e)]),
        };
        let d = derive(pfa, &shared.0, &shared.1);
        return Ok(PreviousFigures {
            total: Some(d.grand_total),
            fiscal_total: Some(d.fiscal_grand_total),
            fiscal_expense: Some(d.fiscal.total[0]),
            three_public: Some(d.three_public_actual),
            org_running_cost: Some(d.org_running_cost),
            from_file: Some(prev_file),
        });
    }
    let p = fa.previous.clone().unwrap_or_default();
    let mut missing = Vec::new();
    let mut need = |v: Option<crate::model::Amount>, what: &str| {
        if v.is_none() {
            missing.push(what.to_string());
        }
        v.map(|a| a.value)
    };
    let figures = PreviousFigures {
        total: need(p.total, "previous.total（上年收、支总计）"),
        fiscal_total: need(p.fiscal_total, "previous.fiscal_total（上年财政拨款收、支总计）"),
        fiscal_expense: need(p.fiscal_expense, "previous.fiscal_expense（上年一般公共预算财政拨款支出）"),
        three_public: p.three_public.as_ref().map(ThreePublicRow::from_items),
        org_running_cost: p.org_running_cost.map(|a| a.value),
        from_file: None,
    };
    if figures.three_public.is_none() {
        missing.push("previous.three_public（上年“三公”经费决算数）".into());
    }
    if missing.is_empty() {
        Ok(figures)
    } else {
        Err(vec![Diagnostic::new(
            "N-PREV",
            Severity::Error,
            fa_file,
            Loc { line: 1, column: 1 },
            format!("同比所需的上年数缺失：仓库中没有 {}，且未填写 {}", prev_file.display(), missing.join("、")),
        )])
    }
}

fn from_load(e: &LoadError) -> Diagnostic {
    Diagnostic::new(e.rule, Severity::Error, &e.file, e.at, e.message.clone())
}

/// Whether `dir` holds the outputs of inputs hashing to `hash`: the record's
/// first line is the hash, the others name the files written, which must all
/// still be there (a deleted PDF is rebuilt).
fn up_to_date(dir: &Path, hash: &str) -> bool {
    let Ok(record) = std::fs::read_to_string(dir.join(INPUTS_HASH_FILE)) else { return false };
    let mut lines = record.lines();
    let files: Vec<&str> =
        if lines.next() == Some(hash) { lines.filter(|l| !l.is_empty()).collect() } else { return false };
    !files.is_empty() && files.iter().all(|f| dir.join(f).is_file())
}

/// Writes `bytes` to `path` through a temporary file in the same folder and
/// a rename, so readers never see a partial file.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<PathBuf> {
    write_with(path, |f| std::io::Write::write_all(f, bytes))
}

/// Like [`write_atomically`], with the writing done by `write` (tests inject
/// failures here).
pub fn write_with(path: &Path, write: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>) -> Result<PathBuf> {
    let dir = path.parent().context("输出路径没有上级文件夹")?;
    std::fs::create_dir_all(dir).with_context(|| format!("无法创建输出文件夹 {}", dir.display()))?;
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default(),
        std::process::id()
    ));
    let result = (|| -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        write(&mut f)?;
        f.sync_all()?;
        Ok(())
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(e).with_context(|| format!("无法写入 {}", path.display()));
    }
    std::fs::rename(&tmp, path).with_context(|| {
        let _ = std::fs::remove_file(&tmp);
        format!("无法写入 {}", path.display())
    })?;
    Ok(path.to_path_buf())
}
