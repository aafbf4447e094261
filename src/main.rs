//! The `gongkai` binary: parse arguments, dispatch, report, set the exit
//! status (0 all good, 1 some unit failed, 2 usage error).

mod cli;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use cli::{Cli, Command, Format, SchemaKind};
use gongkai::batch::{Options, Session};
use gongkai::{check, report};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("错误：{e:#}");
            ExitCode::from(2)
        }
    }
}

fn default_paths(paths: Vec<PathBuf>) -> Vec<PathBuf> {
    if paths.is_empty() { vec![PathBuf::from("data")] } else { paths }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Build(a) => {
            let paths = default_paths(a.common.paths);
            for p in &paths {
                anyhow::ensure!(p.exists(), "路径 {} 不存在", p.display());
            }
            let started = std::time::Instant::now();
            let session = Session::new(a.templates.as_deref(), &a.font_paths, true)?;
            let progress = !a.common.quiet && std::io::stderr().is_terminal() && a.common.format == Format::Human;
            let opts = Options {
                write_typst: a.typst,
                draft: a.draft,
                jobs: a.common.jobs,
                force: a.force,
                shard: a.common.shard,
                progress,
                pdf_standard: a.pdf_standard,
                xlsx: a.xlsx,
                ..Options::build(a.out)
            };
            let outcomes = session.run(&paths, &opts);
            finish(&outcomes, a.common.format, "生成", a.common.quiet, started)
        }
        Command::Check(a) => {
            if a.list_rules {
                print!("{}", check::list_rules());
                return Ok(ExitCode::SUCCESS);
            }
            if a.list_quantities {
                if a.common.paths.is_empty() {
                    print!("{}", gongkai::quantities::list());
                    return Ok(ExitCode::SUCCESS);
                }
                return gongkai::explain::list_quantities(&a.common.paths).map(|text| {
                    print!("{text}");
                    ExitCode::SUCCESS
                });
            }
            let paths = default_paths(a.common.paths);
            for p in &paths {
                anyhow::ensure!(p.exists(), "路径 {} 不存在", p.display());
            }
            let started = std::time::Instant::now();
            let session = Session::new(None, &[], false)?;
            let opts = Options { jobs: a.common.jobs, shard: a.common.shard, ..Options::check() };
            let outcomes = session.run(&paths, &opts);
            finish(&outcomes, a.common.format, "审核", a.common.quiet, started)
        }
        Command::Explain(a) => match gongkai::explain::explain(&a.path, &a.name, a.depth) {
            Ok(text) => {
                print!("{text}");
                Ok(ExitCode::SUCCESS)
            }
            Err(e) => {
                eprintln!("错误：{e:#}");
                Ok(ExitCode::from(1))
            }
        },
        Command::Diff(a) => {
            use gongkai::diff::Sides;
            let (sides, paths) = match a.years.as_deref() {
                Some(&[old, new]) => (Sides::Years(old, new), a.args),
                _ => {
                    anyhow::ensure!(
                        a.args.len() >= 2,
                        "请给出两个修订，如 gongkai diff HEAD~1 HEAD，或用 --years 2022 2023 比较两个年度"
                    );
                    let mut args = a.args.into_iter();
                    let (old, new) = (args.next().unwrap_or_default(), args.next().unwrap_or_default());
                    (Sides::Revisions(old, new), args.collect())
                }
            };
            let paths: Vec<PathBuf> = paths.into_iter().map(PathBuf::from).collect();
            let report = gongkai::diff::diff(&sides, &paths, a.templates.as_deref())?;
            match a.format {
                Format::Json => println!("{}", serde_json::to_string_pretty(&report)?),
                Format::Human => print!("{}", report.human()),
            }
            Ok(if report.differs() { ExitCode::from(1) } else { ExitCode::SUCCESS })
        }
        Command::New(a) => {
            use gongkai::scaffold::Documents;
            let docs = match a.documents {
                cli::NewDocuments::FinalAccounts => Documents::FinalAccounts,
                cli::NewDocuments::Performance => Documents::Performance,
                cli::NewDocuments::Both => Documents::Both,
            };
            let files = gongkai::scaffold::new_unit(&a.data, &a.unit, a.year, &a.profile, docs)?;
            for f in files {
                println!("已创建 {}", f.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Import(a) => {
            let started = std::time::Instant::now();
            let opts =
                gongkai::excel::ImportOptions { unit_dir: a.unit, data_root: a.data, year: a.year, force: a.force };
            let done = gongkai::excel::import_workbook(&a.workbook, &opts)?;
            let say = |s: String| if a.format == Format::Human { println!("{s}") } else { eprintln!("{s}") };
            for (table, at) in &done.tables {
                say(format!("找到 {table}：{at}"));
            }
            for n in &done.notes {
                say(format!("提示：{n}"));
            }
            if let Some(f) = &done.unit_file {
                say(format!("已创建 {}", f.display()));
            }
            say(format!("已写入 {}", done.file.display()));
            // 审核, as `gongkai check` runs it, on the unit-year written.
            let session = Session::new(None, &[], false)?;
            let opts = Options { jobs: 1, ..Options::check() };
            let outcomes = session.run(&[done.unit_dir.join(done.year.to_string())], &opts);
            finish(&outcomes, a.format, "审核", false, started)
        }
        Command::Schema(a) => {
            let kind = match a.kind {
                SchemaKind::Unit => "unit",
                SchemaKind::FinalAccounts => "final-accounts",
                SchemaKind::Performance => "performance",
                SchemaKind::Profile => "profile",
                SchemaKind::Forms => "forms",
                SchemaKind::EvaluationForms => "evaluation-forms",
            };
            println!("{}", gongkai::scaffold::schema_json(kind));
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn finish(
    outcomes: &[gongkai::batch::Outcome],
    format: Format,
    verb: &str,
    quiet: bool,
    started: std::time::Instant,
) -> anyhow::Result<ExitCode> {
    match format {
        Format::Json => println!("{}", report::json(outcomes)),
        Format::Human => print!("{}", report::human_report(outcomes, verb, quiet, started.elapsed())),
    }
    Ok(if outcomes.iter().all(|o| o.ok()) { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
