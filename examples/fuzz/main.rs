//! `make fuzz SECONDS=1800`: a stable-Rust fuzz harness for the loader,
//! the checker and the workbook importer. Mutates the sample and fixture
//! data files for the given time, runs load → derive (into a ledger) →
//! check on each input, and counts executions; one input in eight is a
//! fixture workbook (tests/fixtures/excel) with bytes changed, read by
//! `gongkai import`'s parser. A panic, an error without a location, or an
//! imported `决算.yaml` that does not load is a finding: the input is saved
//! under `target/fuzz-findings/` and the run fails.

mod mutate;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn main() {
    let seconds: u64 = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(60);
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let corpus: Vec<String> = walkdir::WalkDir::new(repo.join("data"))
        .into_iter()
        .chain(walkdir::WalkDir::new(repo.join("tests/fixtures")))
        .filter_map(Result::ok)
        .filter(|e| e.file_name() == "决算.yaml")
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .collect();
    let books: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(repo.join("tests/fixtures/excel"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "xlsx" || x == "xls"))
        .map(|e| (e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).unwrap()))
        .collect();
    let profile = gongkai::resources::profile(&repo.join("data"), "湖南-县级-2023").unwrap();
    let cat = gongkai::resources::catalogue(&repo.join("data"), 2023).unwrap();
    let findings = repo.join("target/fuzz-findings");
    std::panic::set_hook(Box::new(|_| {}));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let (mut execs, mut ok, mut errors, mut found) = (0u64, 0u64, 0u64, 0u64);
    let mut seed = 0x9E3779B97F4A7C15u64 ^ std::process::id() as u64;
    while Instant::now() < deadline {
        for _ in 0..64 {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            if seed.is_multiple_of(8) && !books.is_empty() {
                let (name, bytes) = &books[(seed >> 29) as usize % books.len()];
                let input = mutate::mutate_bytes(bytes, seed);
                let result =
                    std::panic::catch_unwind(|| match gongkai::excel::workbook_yaml(name, &input, Some(2023)) {
                        Ok(yaml) => {
                            gongkai::load::parse_yaml::<gongkai::model::FinalAccounts>(Path::new("决算.yaml"), &yaml)
                                .map(|_| ())
                                .map_err(|e| format!("imported YAML does not load: {e}"))
                        }
                        Err(_) => Ok(()),
                    });
                execs += 1;
                let problem = match result {
                    Ok(Ok(())) => None,
                    Ok(Err(msg)) => Some(msg),
                    Err(_) => Some("panic in import".to_string()),
                };
                if let Some(msg) = problem {
                    found += 1;
                    std::fs::create_dir_all(&findings).unwrap();
                    let f = findings.join(format!("finding-{execs}-{name}"));
                    std::fs::write(&f, &input).unwrap();
                    eprintln!("发现问题（{msg}）：{}", f.display());
                }
                continue;
            }
            let base = &corpus[(seed >> 33) as usize % corpus.len()];
            let input = mutate::mutate(base, seed, 1 + (seed % 8) as usize);
            let result = std::panic::catch_unwind(|| {
                let r: Result<gongkai::model::FinalAccounts, _> =
                    gongkai::load::parse_yaml(Path::new("决算.yaml"), &input);
                match r {
                    Ok(fa) => {
                        let mut l = gongkai::ledger::Ledger::new();
                        let file = l.file(Path::new("决算.yaml"));
                        l.expect_stated(file, &fa.declared.stated);
                        let layout = gongkai::derive::derive(&mut l, &fa, file, &profile, &cat, None);
                        let _ =
                            gongkai::check::check_final_accounts(&mut l, Path::new("决算.yaml"), &fa, &layout, &cat);
                        let _ = l.take_findings();
                        Ok(())
                    }
                    Err(e) if e.at.line == 0 && e.rule != "L-EMPTY" => Err(format!("unlocated error: {e}")),
                    Err(_) => Ok(()),
                }
            });
            execs += 1;
            let problem = match result {
                Ok(Ok(())) => None,
                Ok(Err(msg)) => Some(msg),
                Err(_) => Some("panic".to_string()),
            };
            match problem {
                None => {
                    if gongkai::load::parse_yaml::<gongkai::model::FinalAccounts>(Path::new("x"), &input).is_ok() {
                        ok += 1;
                    } else {
                        errors += 1;
                    }
                }
                Some(msg) => {
                    found += 1;
                    std::fs::create_dir_all(&findings).unwrap();
                    let f = findings.join(format!("finding-{execs}.yaml"));
                    std::fs::write(&f, &input).unwrap();
                    eprintln!("发现问题（{msg}）：{}", f.display());
                }
            }
        }
    }
    println!("fuzz: {execs} 次执行，{ok} 个输入通过加载，{errors} 个被定位报错，{found} 个问题，用时 {seconds} 秒");
    if found > 0 {
        std::process::exit(1);
    }
}
