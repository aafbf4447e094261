//! `make bench`: generates N synthetic unit-years from the sample units (the
//! generated data is not committed), renders them in-process, then renders
//! the same data with our binary invoked once per unit-year, and prints one
//! table. Usage: `cargo run --release --example bench -- [N] [JOBS]`;
//! `-- N --generate DIR` only writes the data set (for profiling).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use gongkai::batch::{Options, Session};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(200);
    let jobs: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(2);
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    if let Some(k) = args.iter().position(|a| a == "--generate") {
        let dir = PathBuf::from(args.get(k + 1).expect("--generate DIR"));
        generate(&repo.join("data"), &dir, n);
        return;
    }
    let work = std::env::temp_dir().join(format!("gongkai-bench-{}", std::process::id()));
    let data = work.join("data");
    generate(&repo.join("data"), &data, n);
    let out = work.join("output");

    // 1. In-process: fonts once, documents in parallel.
    let cpu0 = cpu_seconds();
    let t0 = Instant::now();
    let session = Session::new(None, &[], true).expect("session");
    let opts = Options { jobs, force: true, ..Options::build(&out) };
    let outcomes = session.run(std::slice::from_ref(&data), &opts);
    let wall = t0.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu0;
    let rss_mb = peak_rss_mb();
    let failed = outcomes.iter().filter(|o| !o.ok()).count();
    assert_eq!(
        failed,
        0,
        "bench data must build: {:?}",
        outcomes.iter().find(|o| !o.ok()).map(|o| (&o.failure, &o.diagnostics))
    );
    let unit_years = outcomes.len();
    let docs: usize =
        outcomes.iter().map(|o| o.written.iter().filter(|p| p.extension().is_some_and(|e| e == "pdf")).count()).sum();
    let pages: usize = outcomes.iter().map(|o| o.pages).sum();

    // 2. No-change rebuild (incremental).
    let t1 = Instant::now();
    let again = session.run(std::slice::from_ref(&data), &Options { jobs, ..Options::build(&out) });
    let nochange = t1.elapsed().as_secs_f64();
    assert!(again.iter().all(|o| o.skipped));

    // 3. Our binary once per unit-year, `jobs` processes at a time.
    let bin = repo.join("target/release/gongkai");
    let units: Vec<PathBuf> = std::fs::read_dir(&data)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join("单位.yaml").is_file())
        .collect();
    let per_process = if bin.is_file() {
        let out2 = work.join("output-cli");
        let t2 = Instant::now();
        let chunks: Vec<Vec<PathBuf>> =
            (0..jobs).map(|k| units.iter().skip(k).step_by(jobs).cloned().collect()).collect();
        std::thread::scope(|s| {
            for chunk in &chunks {
                let (bin, out2) = (&bin, &out2);
                s.spawn(move || {
                    for u in chunk {
                        let st = Command::new(bin)
                            .args(["build", "-q", "-j", "1", "--force", "-o"])
                            .arg(out2)
                            .arg(u)
                            .output()
                            .expect("run gongkai");
                        assert!(st.status.success(), "{}", String::from_utf8_lossy(&st.stdout));
                    }
                });
            }
        });
        Some(t2.elapsed().as_secs_f64())
    } else {
        None
    };

    println!();
    println!("| 指标 | 数值 |");
    println!("|---|---|");
    println!("| 单位年度 | {unit_years} |");
    println!("| 文件（PDF） | {docs} |");
    println!("| 页数 | {pages} |");
    println!("| 线程 | {jobs} |");
    println!("| 墙钟时间（进程内，含字体加载） | {wall:.2} s |");
    println!("| 文件/秒 | {:.1} |", docs as f64 / wall);
    println!("| 页/秒 | {:.0} |", pages as f64 / wall);
    println!("| 每单位年度 CPU 时间 | {:.1} ms |", cpu * 1000.0 / unit_years as f64);
    println!("| 每页 CPU 时间 | {:.2} ms |", cpu * 1000.0 / pages as f64);
    println!("| 峰值内存（RSS） | {rss_mb:.0} MB |");
    println!("| 未改动时重新生成（增量） | {nochange:.2} s |");
    match per_process {
        Some(t) => {
            println!("| 每个单位年度启动一次 gongkai（{jobs} 个并行） | {t:.2} s |");
            println!("| 比值（逐个进程 / 进程内） | {:.1}× |", t / wall);
        }
        None => println!("| 逐个进程 | 未运行：先 cargo build --release |"),
    }
    let _ = std::fs::remove_dir_all(&work);
}

/// Copies the sample units N times with varied names, amounts and text.
/// Amounts are multiplied by a small integer, which keeps every identity.
fn generate(samples: &Path, data: &Path, n: usize) {
    let _ = std::fs::remove_dir_all(data);
    std::fs::create_dir_all(data).unwrap();
    for shared in ["profiles", "catalogue"] {
        copy(&samples.join(shared), &data.join(shared));
    }
    let bases: Vec<PathBuf> = ["蓝山县就业服务中心", "怀化市就业服务中心"].iter().map(|b| samples.join(b)).collect();
    for i in 0..n {
        let base = &bases[i % bases.len()];
        let name = format!("样例单位{i:04}");
        let unit = data.join(&name);
        let base_name = base.file_name().unwrap().to_string_lossy().into_owned();
        let unit_yaml = std::fs::read_to_string(base.join("单位.yaml"))
            .unwrap()
            .replace(&format!("name: {base_name}"), &format!("name: {name}"));
        std::fs::create_dir_all(unit.join("2023")).unwrap();
        std::fs::write(unit.join("单位.yaml"), unit_yaml).unwrap();
        // Amounts are scaled unless the unit's 绩效自评 restates them (its
        // 基础数据表 is checked against the 决算); names and reasons always vary.
        let perf = base.join("2023/绩效自评.yaml");
        let restated = perf.is_file() && std::fs::read_to_string(&perf).unwrap().contains("basic_data");
        let k = if restated { 1 } else { 1 + (i % 7) as u32 };
        let fa = std::fs::read_to_string(base.join("2023/决算.yaml")).unwrap();
        let varied: String = fa.lines().map(|l| scale_line(l, k, i)).collect::<Vec<_>>().join("\n");
        std::fs::write(unit.join("2023/决算.yaml"), varied + "\n").unwrap();
        if perf.is_file() {
            let text = std::fs::read_to_string(&perf).unwrap().replace(&base_name, &name);
            std::fs::write(unit.join("2023/绩效自评.yaml"), text).unwrap();
        }
    }
}

/// Multiplies the amount on a `key: 12.34` line by `k`; varies reason text.
fn scale_line(line: &str, k: u32, i: usize) -> String {
    let trimmed = line.trim_start();
    if trimmed.starts_with('#')
        || trimmed.starts_with("year:")
        || trimmed.starts_with("- code:")
        || trimmed.starts_with("code:")
    {
        return line.to_string();
    }
    let Some((key, rest)) = line.split_once(": ") else { return line.to_string() };
    let (value, comment) = match rest.split_once(" #") {
        Some((v, c)) => (v.trim(), format!(" #{c}")),
        None => (rest.trim(), String::new()),
    };
    let key_name = key.trim().trim_start_matches("- ").trim_matches('"');
    if let Ok(m) = gongkai::money::Money::parse(value) {
        if !value.is_empty() {
            let scaled = gongkai::money::Money(m.0 * rust_decimal::Decimal::from(k));
            return format!("{key}: {}{comment}", scaled.as_entered());
        }
        return line.to_string();
    }
    if key_name == "reason" || key_name.ends_with("_change") || key_name.starts_with("vs_") {
        return format!("{key}: {value}（第{i}号）{comment}");
    }
    line.to_string()
}

fn copy(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from).into_iter().filter_map(Result::ok) {
        let dest = to.join(e.path().strip_prefix(from).unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

fn rusage() -> libc::rusage {
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: getrusage fills the struct we own.
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) };
    u
}

fn cpu_seconds() -> f64 {
    let u = rusage();
    let t = |tv: libc::timeval| tv.tv_sec as f64 + tv.tv_usec as f64 / 1e6;
    t(u.ru_utime) + t(u.ru_stime)
}

fn peak_rss_mb() -> f64 {
    rusage().ru_maxrss as f64 / 1024.0
}
