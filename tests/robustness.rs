//! Hostile input and failures: property tests of escaping, amounts and YAML
//! perturbations, and injected failures (unwritable output, broken templates,
//! invalid Typst, missing fonts, a unit without years). Nothing panics,
//! nothing partial is written, previous outputs stay, other units build.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use gongkai::batch::{Options, Session};
use proptest::prelude::*;

fn sample(dir: &Path, name: &str) -> PathBuf {
    let unit = dir.join("data").join(name);
    copy_dir(&repo().join("data/蓝山县就业服务中心"), &unit);
    unit
}

fn set_line(path: &Path, key: &str, value: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut done = false;
    let out: Vec<String> = text
        .lines()
        .map(|l| {
            if !done && l.trim_start().starts_with(&format!("{key}:")) {
                done = true;
                let indent = &l[..l.len() - l.trim_start().len()];
                format!("{indent}{key}: {value}")
            } else {
                l.to_string()
            }
        })
        .collect();
    assert!(done, "{key} not in {}", path.display());
    std::fs::write(path, out.join("\n") + "\n").unwrap();
}

/// A YAML double-quoted scalar.
fn quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Characters the shipped fonts cover: printable ASCII, common CJK,
/// CJK punctuation and full-width forms.
fn text_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => proptest::char::range('!', '~'),
        4 => proptest::char::range('\u{4E00}', '\u{9FA5}'),
        1 => proptest::char::range('\u{3001}', '\u{3011}'),
        1 => proptest::char::range('\u{FF01}', '\u{FF5E}'),
        1 => Just(' '),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, failure_persistence: None, ..ProptestConfig::default() })]

    /// Any text in a text field prints literally (as a phrase inside the
    /// template's sentence: its own end punctuation and a repeated lead-in
    /// are the sentence's, see `render::clause`).
    #[test]
    fn any_text_prints_literally(text in proptest::collection::vec(text_char(), 1..40).prop_map(|v| v.into_iter().collect::<String>())) {
        prop_assume!(!squash(&gongkai::render::clause(&text)).is_empty());
        let dir = tempfile::tempdir().unwrap();
        let unit = sample(dir.path(), "u");
        set_line(&unit.join("2023/决算.yaml"), "total_change", &quoted(&text));
        let outcomes = build(&[unit], &dir.path().join("out"));
        prop_assert!(outcomes[0].ok(), "{:?}", outcomes[0].failure);
        let pdf = squash(&pdf_text_layout(&pdf_of(&outcomes[0])));
        prop_assert!(pdf.contains(&format!("主要是因为{}。", squash(&gongkai::render::clause(&text)))), "{text:?} not literal");
    }

    /// Any amount with at most two decimals prints exactly as entered.
    #[test]
    fn any_amount_round_trips_into_the_table(int in 1u64..100_000_000u64, dec in proptest::option::of(0u32..100)) {
        let amount = match dec { Some(d) if d < 10 => format!("{int}.{d}"), Some(d) => format!("{int}.{d:02}"), None => int.to_string() };
        let dir = tempfile::tempdir().unwrap();
        let unit = sample(dir.path(), "u");
        set_line(&unit.join("2023/决算.yaml"), "other", &amount);
        let outcomes = build(&[unit], &dir.path().join("out"));
        prop_assert!(outcomes[0].ok(), "{:?}", outcomes[0].failure);
        let layout = pdf_text_layout(&pdf_of(&outcomes[0]));
        // 公开02表's 2080106 row: 本年收入合计, 财政拨款 162, then 其他收入 = amount.
        let row = layout.lines().find(|l| l.contains("2080106")).map(squash).unwrap_or_default();
        prop_assert!(row.ends_with(&amount), "{amount} not at the end of {row}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, failure_persistence: None, ..ProptestConfig::default() })]

    /// Perturbed YAML loads or fails with a located error; never panics.
    #[test]
    fn perturbed_yaml_never_panics(seed in any::<u64>(), edits in 1usize..6) {
        let base = std::fs::read_to_string(repo().join("data/蓝山县就业服务中心/2023/决算.yaml")).unwrap();
        let text = gongkai_fuzz::mutate(&base, seed, edits);
        let r: Result<gongkai::model::FinalAccounts, _> = gongkai::load::parse_yaml(Path::new("决算.yaml"), &text);
        match r {
            Ok(fa) => {
                // The rest of the pipeline must not panic either.
                let profile = gongkai::resources::profile(&repo().join("data"), "湖南-县级-2023").unwrap();
                let cat = gongkai::resources::catalogue(&repo().join("data"), 2023).unwrap();
                let mut l = gongkai::ledger::Ledger::new();
                let file = l.file(Path::new("决算.yaml"));
                let layout = gongkai::derive::derive(&mut l, &fa, file, &profile, &cat, None);
                let _ = gongkai::check::check_final_accounts(&mut l, Path::new("决算.yaml"), &fa, &layout, &cat);
            }
            Err(e) => prop_assert!(e.at.line > 0 || e.rule == "L-EMPTY", "unlocated error: {e}"),
        }
    }
}

/// The mutation engine shared with the fuzz harness (examples/fuzz.rs).
#[path = "../examples/fuzz/mutate.rs"]
mod gongkai_fuzz;

#[test]
fn output_folder_not_writable() {
    let dir = tempfile::tempdir().unwrap();
    let unit = sample(dir.path(), "u");
    // A file where the unit's output folder should be.
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("u"), b"not a folder").unwrap();
    let o = &build(&[unit], &out)[0];
    let (stage, msg) = o.failure.as_ref().expect("fails");
    assert_eq!(stage.zh(), "写入");
    assert!(msg.contains("无法创建输出文件夹") && msg.contains("out/u/2023"), "{msg}");
}

fn session_with(templates: &Path) -> anyhow::Result<Session> {
    Session::new(Some(templates), &[], true)
}

#[test]
fn broken_templates_name_the_template_and_keep_previous_output() {
    let dir = tempfile::tempdir().unwrap();
    let unit = sample(dir.path(), "u");
    let other = sample(dir.path(), "v");
    let out = dir.path().join("out");
    let first = build(&[dir.path().join("data")], &out);
    let pdf = pdf_of(&first[0]);
    let before = std::fs::read(&pdf).unwrap();

    // A Tera syntax error: the whole run stops before any unit, naming the file.
    let t = dir.path().join("t1");
    std::fs::create_dir_all(&t).unwrap();
    std::fs::write(t.join("部门决算.typ.tera"), "{% if %}").unwrap();
    let err = session_with(&t).err().expect("syntax error");
    assert!(format!("{err:#}").contains("部门决算.typ.tera"), "{err:#}");

    // A template that fails while rendering one unit: stage 模板.
    let t = dir.path().join("t2");
    std::fs::create_dir_all(&t).unwrap();
    std::fs::write(t.join("部门决算.typ.tera"), "{{ no_such_variable }}").unwrap();
    let s = session_with(&t).unwrap();
    let outcomes = s.run(&[unit.clone(), other.clone()], &Options { force: true, ..Options::build(&out) });
    for o in &outcomes {
        let (stage, msg) = o.failure.as_ref().unwrap();
        assert_eq!(stage.zh(), "模板");
        assert!(msg.contains("部门决算.typ.tera"), "{msg}");
    }
    assert_eq!(std::fs::read(&pdf).unwrap(), before);

    // A template producing invalid Typst: stage 排版, located in the source.
    let t = dir.path().join("t3");
    std::fs::create_dir_all(&t).unwrap();
    std::fs::write(t.join("部门决算.typ.tera"), "#let x = (\n{{ unit.name }}").unwrap();
    let s = session_with(&t).unwrap();
    let o = &s.run(&[unit], &Options { force: true, ..Options::build(&out) })[0];
    let (stage, msg) = o.failure.as_ref().unwrap();
    assert_eq!(stage.zh(), "排版");
    assert!(msg.contains("u/2023/部门决算.typ:"), "{msg}");
    assert_eq!(std::fs::read(&pdf).unwrap(), before);
}

#[test]
fn a_missing_font_role_names_role_families_and_package() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("theme.yaml"),
        "roles:\n  - role: 仿宋\n    var: font-fang\n    families: [\"No Such FangSong\"]\n    packages: [texlive-lang-chinese]\n",
    )
    .unwrap();
    let err = session_with(dir.path()).err().expect("no font").to_string();
    assert!(err.contains("仿宋") && err.contains("No Such FangSong") && err.contains("texlive-lang-chinese"), "{err}");
}

#[test]
fn a_unit_folder_without_years_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let unit = sample(dir.path(), "u");
    sample(dir.path(), "ok");
    std::fs::remove_dir_all(unit.join("2023")).unwrap();
    let outcomes = build(&[dir.path().join("data")], &dir.path().join("out"));
    let bad = outcomes.iter().find(|o| o.unit == "u").unwrap();
    assert_eq!(bad.diagnostics[0].rule, "L-NO-YEAR");
    assert!(outcomes.iter().find(|o| o.unit == "ok").unwrap().ok());
}

#[test]
fn oversized_files_and_deep_nesting_are_refused_quickly() {
    let dir = tempfile::tempdir().unwrap();
    let unit = sample(dir.path(), "u");
    let fa = unit.join("2023/决算.yaml");
    let mut text = std::fs::read_to_string(&fa).unwrap();
    text += &format!("# {}\n", "很".repeat(4 * 1024 * 1024));
    std::fs::write(&fa, text).unwrap();
    let start = std::time::Instant::now();
    let o = &check(&[unit])[0];
    assert_eq!(o.diagnostics[0].rule, "L-TOO-LARGE");
    assert!(start.elapsed().as_secs() < 5);

    let deep = format!("year: 2023\nreasons: {}{}\n", "[".repeat(5000), "]".repeat(5000));
    let r: Result<gongkai::model::FinalAccounts, _> = gongkai::load::parse_yaml(Path::new("deep.yaml"), &deep);
    assert!(r.is_err());
}
