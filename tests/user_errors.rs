//! Mistakes users make, as the real binary reports them: YAML syntax errors
//! in Chinese with the line of the actual culprit, L-YEAR at the `year:`
//! line, `gongkai new` refusing bad names, years and profiles before it
//! writes anything, and its template failing 审核 until it is filled in.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs `gongkai args…` in `dir`: exit code and stdout + stderr together.
fn gongkai(args: &[&str], dir: &Path) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_gongkai")).args(args).current_dir(dir).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap_or(-1), text)
}

/// A temp dir with `data/样例/` holding a copy of the 蓝山 sample's unit
/// file and 2023 决算 (the 绩效自评 left out: one file, one error).
fn sample() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let from = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/蓝山县就业服务中心");
    let unit = dir.path().join("data/样例");
    std::fs::create_dir_all(unit.join("2023")).unwrap();
    std::fs::copy(from.join("单位.yaml"), unit.join("单位.yaml")).unwrap();
    std::fs::copy(from.join("2023/决算.yaml"), unit.join("2023/决算.yaml")).unwrap();
    let fa = unit.join("2023/决算.yaml");
    (dir, fa)
}

/// Replaces the first line starting with `from` (after indentation) by
/// `to`, keeping the indentation unless `to` brings its own; returns the
/// 1-based line number.
fn edit_line(path: &Path, from: &str, to: &str) -> usize {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let i = lines.iter().position(|l| l.trim_start().starts_with(from)).unwrap_or_else(|| panic!("no line {from}"));
    lines[i] = to.to_string();
    std::fs::write(path, lines.join("\n") + "\n").unwrap();
    i + 1
}

fn check(dir: &Path) -> (i32, String) {
    gongkai(&["check", "data"], dir)
}

#[test]
fn a_fullwidth_colon_is_named_on_its_own_line() {
    let (dir, fa) = sample();
    let line = edit_line(&fa, "fiscal: 162", "    fiscal：162          # 一般公共预算财政拨款收入");
    let (code, out) = check(dir.path());
    assert_ne!(code, 0, "{out}");
    assert!(out.contains("这一行用了全角冒号“：”，YAML 的键和值之间要用半角冒号加空格“: ”"), "{out}");
    assert!(out.contains("应写成“fiscal: 162”"), "{out}");
    assert!(out.contains(&format!("决算.yaml:{line}:11")), "line {line}, column of the colon: {out}");
}

#[test]
fn a_fullwidth_colon_is_named_when_the_parser_stops_a_line_later() {
    // `year：2023` runs on into the next key; the parser complains there.
    let (dir, fa) = sample();
    let text = std::fs::read_to_string(&fa).unwrap().replacen("year: 2023\n\n", "year：2023\n", 1);
    std::fs::write(&fa, &text).unwrap();
    let line = text.lines().position(|l| l.starts_with("year：")).unwrap() + 1;
    let (code, out) = check(dir.path());
    assert_ne!(code, 0, "{out}");
    assert!(out.contains("这一行用了全角冒号“：”"), "{out}");
    assert!(out.contains(&format!("决算.yaml:{line}:5")), "line {line}: {out}");
}

#[test]
fn tab_indentation_is_named() {
    let (dir, fa) = sample();
    let line = edit_line(&fa, "other: 223.28", "\tother: 223.28");
    let (code, out) = check(dir.path());
    assert_ne!(code, 0, "{out}");
    assert!(out.contains("YAML 不允许用 Tab 缩进，请改用空格"), "{out}");
    assert!(out.contains(&format!("决算.yaml:{line}:1")), "line {line}: {out}");
}

#[test]
fn a_duplicate_key_is_named_without_library_advice() {
    let (dir, fa) = sample();
    let line = edit_line(&fa, "year: 2023", "year: 2023\nyear: 2023") + 1;
    let (code, out) = check(dir.path());
    assert_ne!(code, 0, "{out}");
    assert!(out.contains("[L-DUPLICATE-KEY]: 键“year”重复出现"), "{out}");
    assert!(!out.contains("DuplicateKeyPolicy"), "{out}");
    assert!(out.contains(&format!("决算.yaml:{line}:1")), "line {line}: {out}");
}

#[test]
fn l_year_points_at_the_year_line() {
    let (dir, fa) = sample();
    let line = edit_line(&fa, "year: 2023", "year: 2022");
    assert!(line > 1, "the sample starts with comments");
    let (code, out) = check(dir.path());
    assert_ne!(code, 0, "{out}");
    assert!(out.contains("[L-YEAR]"), "{out}");
    assert!(out.contains(&format!("决算.yaml:{line}:7")), "line {line}: {out}");
}

/// `gongkai new args…` in an empty temp dir must fail with `want` in its
/// message and leave the dir empty.
fn new_refuses(args: &[&str], want: &str) {
    let dir = tempfile::tempdir().unwrap();
    let mut all = vec!["new"];
    all.extend_from_slice(args);
    let (code, out) = gongkai(&all, dir.path());
    assert_ne!(code, 0, "new {args:?} accepted: {out}");
    assert!(out.contains(want), "new {args:?}: want {want} in: {out}");
    let written: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert!(written.is_empty(), "new {args:?} wrote {written:?}");
}

#[test]
fn new_refuses_names_that_are_not_a_folder_in_the_data_root() {
    new_refuses(&["..", "--data", "data"], "单位名称不能是“..”");
    new_refuses(&[".", "--data", "data"], "单位名称不能是“.”");
    new_refuses(&["a/b", "--data", "data"], "不能有“/”");
    new_refuses(&["a\\b", "--data", "data"], "不能有“\\”");
    new_refuses(&[" 名称 ", "--data", "data"], "开头或结尾有空格");
    new_refuses(&["", "--data", "data"], "单位名称不能为空");
}

#[test]
fn new_refuses_a_year_out_of_range() {
    new_refuses(&["测试单位", "--data", "data", "--year", "99"], "年度 99 无效：应为 2000 到 2100");
}

#[test]
fn new_refuses_an_unknown_profile_and_lists_the_known_ones() {
    new_refuses(
        &["测试单位", "--data", "data", "--profile", "不存在"],
        "找不到版式方案“不存在”：可用的方案有 中央部门、云南-县级、四川-县级、湖北-县级、湖南-县级-2023、湖南-怀化-2023",
    );
    // The data root's own profiles count too.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("data/profiles")).unwrap();
    std::fs::write(dir.path().join("data/profiles/自定义.yaml"), "").unwrap();
    let (code, out) = gongkai(&["new", "测试单位", "--data", "data", "--profile", "不存在"], dir.path());
    assert_ne!(code, 0);
    assert!(out.contains("自定义"), "{out}");
    let (code, out) = gongkai(&["new", "测试单位", "--data", "data", "--profile", "自定义"], dir.path());
    assert_eq!(code, 0, "{out}");
}

#[test]
fn new_refuses_an_existing_unit_folder() {
    let dir = tempfile::tempdir().unwrap();
    let year = dir.path().join("data/测试单位/2023");
    std::fs::create_dir_all(&year).unwrap();
    std::fs::write(year.join("决算.yaml"), "year: 2023\n").unwrap();
    let (code, out) = gongkai(&["new", "测试单位", "--data", "data"], dir.path());
    assert_ne!(code, 0, "{out}");
    assert!(out.contains("已存在，不会覆盖"), "{out}");
    assert_eq!(std::fs::read_to_string(year.join("决算.yaml")).unwrap(), "year: 2023\n", "left alone");
    assert!(!dir.path().join("data/测试单位/单位.yaml").exists());
}

/// The unit `gongkai new` writes does not pass 审核 until its placeholders
/// are written over: each is an N-TODO error at its line, and nothing is built.
#[test]
fn a_new_unit_fails_until_its_placeholders_are_filled() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    let (code, text) = gongkai(&["new", "某某县就业服务中心", "--data", data.to_str().unwrap()], dir.path());
    assert_eq!(code, 0, "{text}");
    let out = dir.path().join("out");
    let (code, text) = gongkai(&["build", "-o", out.to_str().unwrap(), data.to_str().unwrap()], dir.path());
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("N-TODO") && text.contains("还没有填写：【待填写：主管部门】"), "{text}");
    assert!(text.contains("单位.yaml:"), "located: {text}");
    assert!(!out.exists() || walk_pdfs(&out) == 0, "nothing built");
}

fn walk_pdfs(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| {
                    let p = e.path();
                    if p.is_dir() { walk_pdfs(&p) } else { usize::from(p.extension().is_some_and(|x| x == "pdf")) }
                })
                .sum()
        })
        .unwrap_or(0)
}
