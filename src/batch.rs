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

use crate::diagnostic::Diagnostic;
use crate::load::{self, UnitYear};
use crate::model::Theme;
use crate::render::{DocMeta, Figures, Rendered, Renderer, final_accounts_view};
use crate::templates::TemplateSet;
use crate::typeset::{Engine, Fonts, compile_pdf};
use crate::unit_year::from_load;

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
    /// Write PDF/A (overrides the profile's `pdf_standard`).
    pub pdf_standard: Option<crate::model::PdfArchive>,
    /// Also write the 公开表 workbook (`<PDF name>公开表.xlsx`) beside each
    /// 部门决算 PDF, whatever the profile's `xlsx` says.
    pub xlsx: bool,
    /// Keep every figure the documents printed in the outcomes (`printed`):
    /// for the tests that read them back; a batch does not hold them (about
    /// 0.15 MB a unit-year, which grew a 1000-unit batch's memory without end).
    pub keep_printed: bool,
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
            pdf_standard: None,
            xlsx: false,
            keep_printed: false,
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
    /// Every figure the documents printed, in order (with `Options::keep_printed`).
    pub printed: Vec<PrintedFigure>,
}

/// One figure a document printed: the document, the quantity and the text.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PrintedFigure {
    pub document: String,
    pub name: String,
    /// The ledger entry it is (`name` may be an alias of it).
    pub quantity: String,
    pub text: String,
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
    shared_files: crate::resources::Shared,
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
                printed: vec![],
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
            printed: vec![],
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
        let assessed = match crate::unit_year::assess(uy, &self.shared_files) {
            Ok(a) => a,
            Err(diags) => {
                let msg = diags.first().map(|d| d.to_string()).unwrap_or_default();
                out.diagnostics = diags;
                return fail(out, Stage::Load, msg);
            }
        };
        out.diagnostics = assessed.diagnostics.clone();
        let errors = assessed.errors();
        if errors > 0 && !(opts.draft && opts.render) {
            return fail(out, Stage::Check, format!("审核发现 {errors} 个错误"));
        }
        if !opts.render {
            return out;
        }
        let archive = opts.pdf_standard.or(assessed.profile().pdf_standard);
        if archive.is_some() && assessed.document_date().is_none() {
            let d = Diagnostic::new(
                "N-DATE",
                crate::diagnostic::Severity::Error,
                &assessed.final_accounts_file,
                crate::model::Loc::default(),
                "生成 PDF/A 需要文档日期：请在 决算.yaml 或 绩效自评.yaml 中写 publish_date: 2024-06-30（公开或填报日期）",
            );
            out.diagnostics.push(d);
            return fail(out, Stage::Check, "PDF/A 缺少文档日期（publish_date）".into());
        }
        let documents = match self.documents(&assessed, errors > 0) {
            Ok(d) => d,
            Err(e) => return fail(out, Stage::Template, format!("{e:#}")),
        };
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
        for (stem, kind, rendered) in documents {
            let source = rendered.source;
            for p in rendered.printed.into_iter().filter(|_| opts.keep_printed) {
                out.printed.push(PrintedFigure {
                    document: stem.clone(),
                    name: p.name,
                    quantity: p.quantity,
                    text: p.text,
                });
            }
            if opts.write_typst {
                match write_atomically(&dir.join(format!("{stem}.typ")), source.as_bytes()) {
                    Ok(p) => out.written.push(p),
                    Err(e) => return fail(out, Stage::Write, format!("{e:#}")),
                }
            }
            let name = format!("{}/{}/{kind}.typ", uy.name, uy.year);
            let pdf = match compile_pdf(engine, &name, source, archive) {
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
        // The 公开表 workbook, only for a unit-year that passed 审核 (a draft
        // workbook could not carry the PDF's watermark).
        if errors == 0 && (opts.xlsx || assessed.profile().xlsx) {
            match self.workbook(&assessed) {
                Ok(Some((stem, bytes))) => match write_atomically(&dir.join(format!("{stem}公开表.xlsx")), &bytes) {
                    Ok(p) => out.written.push(p),
                    Err(e) => return fail(out, Stage::Write, format!("{e:#}")),
                },
                Ok(None) => {}
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

    /// The Typst source of the unit-year's 部门决算, when it has one
    /// (`gongkai diff` reads its 第三部分).
    pub fn final_accounts_source(&self, a: &crate::unit_year::Assessed) -> Result<Option<String>> {
        Ok(self.documents(a, false)?.into_iter().find(|(_, kind, _)| kind == "部门决算").map(|(_, _, r)| r.source))
    }

    /// The unit-year's documents, rendered: its 部门决算 and each report, as
    /// (published name, kind, Typst source and the figures it prints).
    fn documents(&self, a: &crate::unit_year::Assessed, draft: bool) -> Result<Vec<(String, String, Rendered)>> {
        let data = &a.data;
        let unit = &data.unit;
        let ledger = a.ledger.clone();
        let figures = || Arc::new(Figures::new(ledger.clone(), &a.profile().numbers));
        let year =
            a.data.final_accounts.as_ref().map(|f| f.year).or(a.data.performance.as_ref().map(|p| p.year)).unwrap_or(0);
        let meta = |kind: &str| DocMeta {
            author: unit.name.clone(),
            keywords: vec![format!("{year}年度"), kind.to_string(), unit.name.clone()],
            date: a.document_date(),
        };
        let mut reports = Vec::new();
        if let (Some(p), Some(e)) = (&data.performance, &a.evaluation) {
            for r in &p.reports {
                let f = figures();
                let mut view = crate::render::report_view(unit, p, e, r, &f, draft);
                view.meta = meta("绩效自评");
                reports.push((view, f));
            }
        }
        let mut documents = Vec::new();
        if let (Some(fa), Some(layout)) = (&data.final_accounts, &a.layout) {
            let mut view = final_accounts_view(unit, fa, a.profile(), layout, &a.ledger, draft);
            view.meta = meta("部门决算");
            // 第五部分 附件 names the reports published beside it.
            view.attach(reports.iter().map(|(r, _)| r.file_name.as_str()));
            let rendered = self.renderer.render_final_accounts(&view, figures())?;
            documents.push((format!("{}年度{}部门决算", fa.year, unit.name), "部门决算".to_string(), rendered));
        }
        for (i, (view, f)) in reports.into_iter().enumerate() {
            let rendered = self.renderer.render_report(&view, f)?;
            documents.push((view.file_name.clone(), format!("绩效自评{}", i + 1), rendered));
        }
        Ok(documents)
    }

    /// The 公开表 workbook of a unit-year with 部门决算 data: the PDF's name
    /// (without `.pdf`) and the .xlsx bytes.
    fn workbook(&self, a: &crate::unit_year::Assessed) -> Result<Option<(String, Vec<u8>)>> {
        let (Some(fa), Some(layout)) = (&a.data.final_accounts, &a.layout) else { return Ok(None) };
        let unit = &a.data.unit;
        let view = final_accounts_view(unit, fa, a.profile(), layout, &a.ledger, false);
        let figures = Figures::new(a.ledger.clone(), &a.profile().numbers);
        let stem = format!("{}年度{}部门决算", fa.year, unit.name);
        let bytes = crate::excel::workbook(&view, &figures, &stem, a.document_date())?;
        Ok(Some((stem, bytes)))
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
        h.update(format!(
            "draft={} typst={} pdf={:?} xlsx={}",
            opts.draft, opts.write_typst, opts.pdf_standard, opts.xlsx
        ));
        let prev = uy.dir.join((uy.year - 1).to_string()).join(load::FINAL_ACCOUNTS_FILE);
        let members = crate::consolidate::input_files(&uy.dir, uy.year);
        for f in uy.files.iter().chain(std::iter::once(&prev)).chain(&members) {
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
