//! The command line and batch semantics as a user meets them: exit codes,
//! a bad unit never stopping the others, atomic writes, literal printing of
//! hostile text, and the 审核 findings on the references as published.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

fn gongkai(args: &[&str], dir: &Path) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_gongkai")).args(args).current_dir(dir).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A data root holding a copy of the 蓝山 sample under `name`.
fn sample_root(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let unit = dir.path().join("data").join(name);
    copy_dir(&repo().join("data/蓝山县就业服务中心"), &unit);
    (dir, unit)
}

#[test]
fn hostile_text_prints_literally() {
    let (dir, unit) = sample_root("hostile");
    let nasty = r##"蓝山#县 $x$ *粗* _斜_ @ref <lab> [链接] \反斜杠 `代码` "引号" 1. - = //注释"##;
    let yaml_name = nasty.replace('\\', "\\\\").replace('"', "\\\"");
    edit(&unit.join("单位.yaml"), "name: 蓝山县就业服务中心", &format!("name: \"{yaml_name}\""));
    let reason = r##"原因#1 $ * _ @ < > [ ] \ ` " 1. - = //完"##;
    let yaml_reason = reason.replace('\\', "\\\\").replace('"', "\\\"");
    edit(
        &unit.join("2023/决算.yaml"),
        "total_change: 人员经费和办公费用减少",
        &format!("total_change: \"{yaml_reason}\""),
    );
    let out = dir.path().join("out");
    let outcomes = build(&[dir.path().join("data")], &out);
    assert!(outcomes[0].ok(), "{:?}", outcomes[0].failure);
    let text = squash(&pdf_text_layout(&pdf_of(&outcomes[0])));
    assert!(text.contains(&squash(nasty)), "unit name not literal in: {}", &text[..600.min(text.len())]);
    let want = squash(&format!("主要是因为{reason}。"));
    let at: String = text.find("主要是因为原因").map(|i| text[i..].chars().take(60).collect()).unwrap_or_default();
    assert!(text.contains(&want), "reason not literal: want {want}, got {at}");
}

#[test]
fn a_bad_unit_never_stops_the_others_and_keeps_its_previous_pdf() {
    let (dir, unit) = sample_root("甲单位");
    copy_dir(&repo().join("data/蓝山县就业服务中心"), &dir.path().join("data/乙单位"));
    let out = dir.path().join("out");
    let first = build(&[dir.path().join("data")], &out);
    assert!(first.iter().all(|o| o.ok()));
    let good_pdf = pdf_of(&first[0]);
    let before = std::fs::read(&good_pdf).unwrap();

    // Break 甲: a YAML syntax error. 乙 still builds; 甲's old PDF stays.
    edit(&unit.join("2023/决算.yaml"), "year: 2023", "year: [2023");
    let second = build(&[dir.path().join("data")], &out);
    let bad = second.iter().find(|o| o.unit == "甲单位").unwrap();
    let ok = second.iter().find(|o| o.unit == "乙单位").unwrap();
    assert!(ok.ok());
    let (stage, msg) = bad.failure.as_ref().unwrap();
    assert_eq!(stage.zh(), "读取");
    assert!(msg.contains("决算.yaml"), "{msg}");
    assert_eq!(std::fs::read(&good_pdf).unwrap(), before, "previous PDF kept");
    let leftovers: Vec<_> = walkdir::WalkDir::new(&out)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

#[test]
fn failing_writer_leaves_no_partial_file() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("a.pdf");
    std::fs::write(&target, b"old").unwrap();
    let err = gongkai::batch::write_with(&target, |f| {
        std::io::Write::write_all(f, b"half")?;
        Err(std::io::Error::other("磁盘已满"))
    })
    .unwrap_err();
    assert!(format!("{err:#}").contains("磁盘已满"));
    assert_eq!(std::fs::read(&target).unwrap(), b"old");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn exit_codes_and_summary() {
    let root = repo();
    let (code, out, _) = gongkai(&["check", "data"], &root);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("个成功"), "{out}");
    // --quiet: nothing but the one summary line, with the time taken.
    let (code, out, _) = gongkai(&["check", "-q", "data"], &root);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(out.starts_with("审核：共 13 个单位年度，13 个成功，0 个失败") && out.contains("用时"), "{out}");
    // “.” from inside a unit folder is that unit.
    let (code, out, _) = gongkai(&["check", "."], &root.join("data/蓝山县就业服务中心"));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("✓ 蓝山县就业服务中心 2023"), "{out}");
    // A folder with no unit in it is an error, not an empty success.
    let empty = tempfile::tempdir().unwrap();
    let (code, out, _) = gongkai(&["check", empty.path().to_str().unwrap()], &root);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("错误[L-NO-DATA]") && out.contains("没有找到单位年度数据"), "{out}");
    let (code, out, _) = gongkai(&["check", "tests/fixtures/as-published"], &root);
    assert_eq!(code, 1, "{out}");
    let (code, _, err) = gongkai(&["check", "--no-such-flag"], &root);
    assert_eq!(code, 2, "{err}");
    let (code, out, _) = gongkai(&["check", "--list-rules"], &root);
    assert_eq!(code, 0);
    assert!(out.contains("T03-3") && out.contains("X-9"), "{out}");
}

#[test]
fn as_published_references_report_their_errors() {
    let outcomes = check(&[repo().join("tests/fixtures/as-published")]);
    let find = |unit: &str| outcomes.iter().find(|o| o.unit == unit).unwrap();
    let lanshan = find("蓝山县就业服务中心");
    let rules: Vec<&str> = lanshan
        .diagnostics
        .iter()
        .filter(|d| d.severity == gongkai::diagnostic::Severity::Error && d.rule.starts_with('T'))
        .map(|d| d.rule)
        .collect();
    // §3.7 #1: 270.91 under parents of 270.90, so the 类 and 款 rows disagree
    // and 本年支出合计 (385.29) exceeds the income (385.28).
    assert_eq!(rules, ["T01-6", "T03-3", "T03-3"], "{:#?}", lanshan.diagnostics);
    let d = lanshan.diagnostics.iter().find(|d| d.message.contains("20801 人力资源")).unwrap();
    assert!(
        d.message.contains("基本支出：填写为 270.90，计算应为 270.91（公开03.2080106.基本支出 270.91），差 0.01"),
        "{}",
        d.message
    );
    assert_eq!(d.difference.as_deref(), Some("-0.01"));
    assert!(d.line > 0 && d.file.ends_with("2023/决算.yaml"));
    // The other side of the finding: the line 270.91 was typed on.
    assert!(d.related.iter().any(|r| r.line > 0 && r.line != d.line && r.label.contains("270.91")), "{:?}", d.related);

    let huaihua = find("怀化市就业服务中心");
    let rules: Vec<&str> = huaihua.diagnostics.iter().map(|d| d.rule).collect();
    assert!(rules.contains(&"N-9"), "897.32 vs 838.98: {rules:?}");
    let n9 = huaihua.diagnostics.iter().find(|d| d.rule == "N-9").unwrap();
    assert_eq!(n9.expected.as_deref(), Some("838.98"));
    assert_eq!(n9.actual.as_deref(), Some("897.32"));
}

/// The four contradictions of the 怀化 reference across its documents are
/// each reported, naming both files: 项目支出 against the project tables,
/// project ⑥ in the report against its table, the 五（三）年初预算 against
/// the 整体 table, the report's 年初预算 total against the project tables.
#[test]
fn huaihua_contradictions_across_documents_name_both_places() {
    let outcomes = check(&[repo().join("tests/fixtures/as-published/怀化市就业服务中心")]);
    let d = &outcomes[0].diagnostics;
    let both = |rule: &str, needle: &str| {
        let found = d
            .iter()
            .find(|x| x.rule == rule && x.message.contains(needle))
            .unwrap_or_else(|| panic!("{rule} {needle} not reported: {d:#?}"));
        let files: std::collections::BTreeSet<_> = std::iter::once(&found.file)
            .chain(found.related.iter().filter(|r| r.line > 0).map(|r| &r.file))
            .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        (found, files)
    };
    // ① 项目支出 139.69 (决算) against Σ of the 11 tables 139.38, and the report's stated 139.68.
    let (x, files) = both("X-PROJ", "139.38");
    assert!(x.message.contains("139.69"), "{}", x.message);
    assert_eq!(files.len(), 2, "绩效自评.yaml and 决算.yaml: {files:?}");
    let (x, _) = both("S-STATED", "项目报告.资金支出合计");
    assert!(x.message.contains("139.68") && x.message.contains("139.38"), "{}", x.message);
    // ② ⑥ 28.27 in the report, 27.97 in its table (the related line is the table's).
    let (x, _) = both("S-STATED", "市级企业用工保障服务专项经费.全年执行数");
    assert!(x.related.iter().any(|r| r.line > 0 && r.line != x.line), "{x:#?}");
    // ③ 五（三） 897.32 against its items 838.98, and against the 整体 table.
    let (_, files) = both("X-BUDGET", "897.32");
    assert_eq!(files.len(), 2, "{files:?}");
    // ④ the report's 92.5 against the tables' 93.
    let (x, _) = both("S-STATED", "项目报告.年初预算数合计");
    assert!(x.message.contains("92.5") && x.message.contains("93"), "{}", x.message);
}

#[test]
fn json_format_has_the_same_fields() {
    let (code, out, _) = gongkai(&["check", "--format", "json", "tests/fixtures/as-published"], &repo());
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let d = &v["diagnostics"][0];
    for k in ["unit", "year", "rule", "severity", "file", "line", "column", "message"] {
        assert!(d.get(k).is_some(), "missing {k} in {d}");
    }
}

#[test]
fn human_diagnostics_show_the_line_and_a_caret() {
    let (_, out, _) = gongkai(&["check", "tests/fixtures/as-published/蓝山县就业服务中心"], &repo());
    assert!(out.contains("错误[T03-3]"), "{out}");
    assert!(out.contains("--> tests/fixtures/as-published/蓝山县就业服务中心/2023/决算.yaml:"), "{out}");
    assert!(out.contains("^^^^^^"), "{out}");
}

#[test]
fn bad_input_is_named_and_located() {
    let (dir, unit) = sample_root("坏数据");
    let fa = unit.join("2023/决算.yaml");
    edit(&fa, "year: 2023", "year: 2023\nyaer: 2023");
    let o = &check(&[dir.path().join("data")])[0];
    let d = &o.diagnostics[0];
    assert_eq!(d.rule, "L-UNKNOWN-KEY");
    assert!(d.message.contains("是否想写“year”"), "{}", d.message);
    assert_eq!(d.file, fa);

    // GBK-encoded file.
    let text = std::fs::read_to_string(unit.join("单位.yaml")).unwrap();
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    std::fs::write(unit.join("单位.yaml"), &gbk).unwrap();
    let o = &check(&[dir.path().join("data")])[0];
    assert_eq!(o.diagnostics[0].rule, "L-ENCODING");
    assert!(o.diagnostics[0].message.contains("GBK"));
}

#[test]
fn missing_previous_year_values_fail_with_their_names() {
    let (dir, unit) = sample_root("无上年");
    let fa = unit.join("2023/决算.yaml");
    let text = std::fs::read_to_string(&fa).unwrap();
    let cut: String = {
        let mut out = String::new();
        let mut skipping = false;
        for line in text.lines() {
            if line.starts_with("previous:") {
                skipping = true;
                continue;
            }
            if skipping && (line.starts_with(' ') || line.is_empty() || line.starts_with('#')) {
                continue;
            }
            skipping = false;
            out += line;
            out.push('\n');
        }
        out
    };
    std::fs::write(&fa, cut).unwrap();
    let o = &check(&[dir.path().join("data")])[0];
    let d = o.diagnostics.iter().find(|d| d.rule == "N-PREV").expect("N-PREV");
    assert!(d.message.contains("previous.total"), "{}", d.message);
}

#[test]
fn previous_year_comes_from_the_repository_when_present() {
    let (dir, unit) = sample_root("两年");
    std::fs::create_dir_all(unit.join("2022")).unwrap();
    std::fs::copy(unit.join("2023/决算.yaml"), unit.join("2022/决算.yaml")).unwrap();
    edit(&unit.join("2022/决算.yaml"), "year: 2023", "year: 2022");
    let out = dir.path().join("out");
    let outcomes = build(std::slice::from_ref(&unit), &out);
    let o = outcomes.iter().find(|o| o.year == 2023).unwrap();
    assert!(o.ok(), "{:?}", o.failure);
    let text = squash(&pdf_text(&pdf_of(o)));
    assert!(text.contains("2023年度收、支总计385.28万元。与2022年相比，持平"), "same figures as 2022 → 持平");
}

#[test]
fn new_scaffolds_a_unit_that_loads() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out, err) = gongkai(&["new", "测试单位", "--data", "data"], dir.path());
    assert_eq!(code, 0, "{out}{err}");
    let outcomes = check(&[dir.path().join("data")]);
    assert!(outcomes[0].diagnostics.iter().all(|d| !d.rule.starts_with("L-")), "{:#?}", outcomes[0].diagnostics);
}

#[test]
fn committed_schemas_are_current() {
    for (kind, file) in [
        ("unit", "单位"),
        ("final-accounts", "决算"),
        ("profile", "profile"),
        ("performance", "绩效自评"),
        ("forms", "forms"),
        ("evaluation-forms", "evaluation-forms"),
    ] {
        let (code, out, _) = gongkai(&["schema", kind], &repo());
        assert_eq!(code, 0);
        let committed = std::fs::read_to_string(repo().join(format!("data/schema/{file}.schema.json"))).unwrap();
        assert_eq!(out.trim(), committed.trim(), "data/schema/{file}.schema.json is stale: run `make schema`");
    }
}

#[test]
fn draft_renders_failing_units_marked_on_every_page() {
    let out = tempfile::tempdir().unwrap();
    let s = gongkai::batch::Session::new(None, &[], true).unwrap();
    let opts = gongkai::batch::Options { draft: true, force: true, ..gongkai::batch::Options::build(out.path()) };
    let o = &s.run(&[repo().join("tests/fixtures/as-published/蓝山县就业服务中心")], &opts)[0];
    // Rendered despite the errors, but still a failure (exit code 1), so a
    // CI job cannot mistake a draft for a publishable document.
    let (stage, msg) = o.failure.as_ref().expect("a draft of a failing unit-year is not a success");
    assert_eq!(*stage, gongkai::batch::Stage::Check);
    assert!(msg.contains("--draft"), "{msg}");
    assert!(o.diagnostics.iter().any(|d| d.rule == "T03-3"), "the errors are still reported");
    let pdf = o.written.iter().find(|p| p.to_string_lossy().ends_with("部门决算.pdf")).unwrap();
    let text = pdf_text_layout(pdf);
    let pages = text.split('\u{c}').filter(|p| !p.trim().is_empty()).count();
    assert_eq!(text.matches("「未通过审核」草稿").count(), pages, "one mark per page");
    // Nothing is recorded as up to date, so the next normal build retries.
    assert!(!pdf.parent().unwrap().join(gongkai::batch::INPUTS_HASH_FILE).exists());
}

#[test]
fn negative_amounts_and_unknown_codes() {
    let (dir, unit) = sample_root("负数");
    let fa = unit.join("2023/决算.yaml");
    edit(&fa, "other: 223.28", "other: -223.28");
    edit(&fa, "expense:", "expense:\n  - code: \"2089998\"\n    basic: 1\n    fiscal_basic: 0\n");
    let o = &check(&[dir.path().join("data")])[0];
    let neg = o.diagnostics.iter().find(|d| d.rule == "C-NEGATIVE").expect("C-NEGATIVE");
    assert!(neg.message.contains("-223.28") && neg.line > 0, "{neg:?}");
    let unknown = o.diagnostics.iter().find(|d| d.rule == "C-CODE-UNKNOWN").expect("C-CODE-UNKNOWN");
    // An error: the table would have no name to print for it.
    assert_eq!(unknown.severity, gongkai::diagnostic::Severity::Error);
    assert!(unknown.message.contains("2089998") && unknown.message.contains("name:"), "{}", unknown.message);
}

#[test]
fn incremental_rebuild_skips_unchanged_and_rebuilds_edited_units() {
    let (dir, unit) = sample_root("增量");
    let out = dir.path().join("out");
    let s = gongkai::batch::Session::new(None, &[], true).unwrap();
    let opts = gongkai::batch::Options::build(&out);
    let first = s.run(std::slice::from_ref(&unit), &opts);
    assert!(first[0].ok() && !first[0].skipped);
    let second = s.run(std::slice::from_ref(&unit), &opts);
    assert!(second[0].skipped, "unchanged inputs are skipped");
    edit(&unit.join("2023/决算.yaml"), "total_change: 人员经费和办公费用减少", "total_change: 人员经费减少");
    let third = s.run(std::slice::from_ref(&unit), &opts);
    assert!(!third[0].skipped && third[0].ok());
    let forced = s.run(std::slice::from_ref(&unit), &gongkai::batch::Options { force: true, ..opts.clone() });
    assert!(!forced[0].skipped);
    // A deleted output is rebuilt although the inputs did not change.
    let pdf = forced[0].written.iter().find(|p| p.extension().is_some_and(|e| e == "pdf")).unwrap();
    std::fs::remove_file(pdf).unwrap();
    let after_delete = s.run(&[unit], &opts);
    assert!(!after_delete[0].skipped && after_delete[0].ok() && pdf.is_file());
}

#[test]
fn shards_split_a_batch_deterministically() {
    let all = check(&[repo().join("data")]);
    let mut seen = Vec::new();
    for k in 1..=2 {
        let s = gongkai::batch::Session::new(None, &[], false).unwrap();
        let part = s.run(
            &[repo().join("data")],
            &gongkai::batch::Options { shard: Some((k, 2)), ..gongkai::batch::Options::check() },
        );
        seen.extend(part.into_iter().map(|o| (o.unit, o.year)));
    }
    seen.sort();
    let mut want: Vec<_> = all.into_iter().map(|o| (o.unit, o.year)).collect();
    want.sort();
    assert_eq!(seen, want);
}

/// Every inconsistency of layouts.md §3.7 that the as-published data can
/// express is reported — and nothing beyond them. The pinned list is in
/// tests/fixtures/expected/as-published-findings.txt.
#[test]
fn as_published_fixtures_report_exactly_the_known_errors() {
    let (code, out, _) = gongkai(&["check", "--format", "json", "tests/fixtures/as-published"], &repo());
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let got: Vec<String> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{} | {} | {} | {}",
                d["unit"].as_str().unwrap(),
                d["rule"].as_str().unwrap(),
                d["severity"].as_str().unwrap(),
                d["message"].as_str().unwrap()
            )
        })
        .collect();
    let want = std::fs::read_to_string(repo().join("tests/fixtures/expected/as-published-findings.txt")).unwrap();
    let want: Vec<&str> = want.lines().collect();
    assert_eq!(got, want);
}

/// A zero 年初预算 for 机关运行经费 drops the rate; it does not say
/// “上年无此项支出”, which is about last year.
#[test]
fn org_running_cost_against_a_zero_budget_has_no_last_year_wording() {
    let (dir, unit) = sample_root("机关运行经费");
    edit(&unit.join("2023/决算.yaml"), "org_running_cost_budget: 10.99", "org_running_cost_budget: 0");
    let o = &build(&[unit], &dir.path().join("out"))[0];
    assert!(o.ok(), "{:?}", o.failure);
    let text = squash(&pdf_text(&pdf_of(o)));
    let (_, rest) = text.split_once("机关运行经费支出").expect("org running cost sentence");
    let sentence = rest.split('。').next().unwrap();
    assert!(
        sentence.contains("比年初预算数增加") && !sentence.contains("上年无此项支出") && !sentence.contains('%'),
        "{sentence}"
    );
}

/// `check --list-rules` lists every rule ID the source can emit.
#[test]
fn every_emitted_rule_is_listed() {
    let listed = gongkai::check::list_rules();
    let mut missing = Vec::new();
    for entry in walkdir::WalkDir::new(repo().join("src")) {
        let path = entry.unwrap().path().to_path_buf();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        // String literals shaped like rule IDs: "X-8", "T03-3", "L-UNKNOWN-KEY".
        for lit in text.split('"').skip(1).step_by(2) {
            let shaped = lit.split_once('-').is_some_and(|(a, b)| {
                !a.is_empty()
                    && a.len() <= 3
                    && a.chars().next().is_some_and(|c| c.is_ascii_uppercase())
                    && a.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
                    && !b.is_empty()
                    && b.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
            });
            if shaped && !listed.lines().any(|l| l.split_whitespace().next() == Some(lit)) {
                missing.push(format!("{lit} ({})", path.display()));
            }
        }
    }
    missing.sort();
    missing.dedup();
    assert!(missing.is_empty(), "rules emitted but not in check::RULES: {missing:?}");
}

/// A reason typed as a whole sentence (“主要是因为…。”) is not doubled by the
/// sentence it is placed in; neither is a list item's trailing 、.
#[test]
fn typed_punctuation_and_lead_ins_are_not_doubled() {
    let (dir, unit) = sample_root("标点");
    edit(
        &unit.join("2023/决算.yaml"),
        "total_change: 人员经费和办公费用减少",
        "total_change: 主要是因为人员经费和办公费用减少。",
    );
    let unit_file = unit.join("单位.yaml");
    let text = std::fs::read_to_string(&unit_file).unwrap();
    let (_, after) = text.split_once("internal_departments:").unwrap();
    let first_item = after.lines().find(|l| l.trim_start().starts_with("- ")).unwrap().to_string();
    edit(&unit_file, &first_item, &format!("{first_item}、"));
    let o = &build(&[unit], &dir.path().join("out"))[0];
    assert!(o.ok(), "{:?}", o.failure);
    let text = squash(&pdf_text(&pdf_of(o)));
    assert!(text.contains("主要是因为人员经费和办公费用减少。"), "reason sentence");
    for doubled in ["主要是因为主要是因为", "。。", "、、", "；。", "、。"] {
        assert!(!text.contains(doubled), "{doubled} in the document");
    }
}

/// `previous:` figures typed although last year's data file is in the
/// repository are compared with it, not silently ignored.
#[test]
fn typed_previous_figures_are_checked_against_last_years_file() {
    let (_dir, unit) = sample_root("上年");
    let last = unit.join("2022/决算.yaml");
    std::fs::create_dir_all(last.parent().unwrap()).unwrap();
    let text = std::fs::read_to_string(unit.join("2023/决算.yaml")).unwrap();
    std::fs::write(&last, text.replacen("year: 2023", "year: 2022", 1)).unwrap();
    let outcomes = check(&[unit.join("2023")]);
    let o = outcomes.iter().find(|o| o.year == 2023).unwrap();
    let notes: Vec<_> = o.diagnostics.iter().filter(|d| d.rule == "N-PREV-STATED").collect();
    // 2022 is a copy of 2023: its total is 385.28, not the typed 412.58.
    let total = notes.iter().find(|d| d.message.starts_with("previous.total")).expect("previous.total compared");
    assert_eq!((total.expected.as_deref(), total.actual.as_deref()), (Some("385.28"), Some("412.58")));
    assert_eq!(total.severity, gongkai::diagnostic::Severity::Warning);
    assert!(total.line > 0, "located at the typed value");
    // 2022 has no catalogue of its own: the 2023 one is used, and said so.
    let o = &check(&[unit.join("2022")])[0];
    assert!(
        o.diagnostics
            .iter()
            .any(|d| d.rule == "C-CATALOGUE-YEAR" && d.message.contains("catalogue/功能分类-2022.yaml")),
        "{:?}",
        o.diagnostics
    );
}

/// A figure that changed needs its reason; a 公务接待费 needs its receptions.
#[test]
fn missing_reasons_for_changed_figures_are_reported() {
    let (dir, unit) = sample_root("原因");
    let fa = unit.join("2023/决算.yaml");
    // Blank as printed: only a lead-in and punctuation.
    edit(&fa, "total_change: 人员经费和办公费用减少", "total_change: 主要是因为。");
    let text = std::fs::read_to_string(&fa).unwrap();
    let groups = text.lines().find(|l| l.trim_start().starts_with("reception_groups:")).unwrap().to_string();
    edit(&fa, &groups, &groups.replace(groups.trim_start(), "reception_groups: 0"));
    let o = &check(&[dir.path().join("data")])[0];
    let reasons: Vec<&str> =
        o.diagnostics.iter().filter(|d| d.rule == "N-REASON").map(|d| d.message.as_str()).collect();
    assert!(reasons.iter().any(|m| m.contains("reasons.total_change") && m.contains("412.58")), "{reasons:?}");
    assert!(reasons.iter().any(|m| m.contains("reception_groups")), "{reasons:?}");
    assert_eq!(reasons.len(), 2, "nothing else is missing: {reasons:?}");
}

/// A --draft run over a failing unit-year replaces the PDFs, so it must not
/// leave behind a record that vouches for them: once the data is fixed
/// again, the next build rebuilds instead of skipping to the draft.
#[test]
fn a_draft_never_passes_for_an_up_to_date_build() {
    let (dir, unit) = sample_root("草稿");
    let out = dir.path().join("out");
    let s = gongkai::batch::Session::new(None, &[], true).unwrap();
    let opts = gongkai::batch::Options::build(&out);
    assert!(s.run(std::slice::from_ref(&unit), &opts)[0].ok());
    let fa = unit.join("2023/决算.yaml");
    let good = std::fs::read_to_string(&fa).unwrap();
    edit(&fa, "other: 223.28", "other: -223.28");
    let draft = s.run(std::slice::from_ref(&unit), &gongkai::batch::Options { draft: true, ..opts.clone() });
    assert!(!draft[0].ok() && !draft[0].written.is_empty(), "the draft is written and fails");
    std::fs::write(&fa, good).unwrap();
    let again = s.run(&[unit], &opts);
    assert!(!again[0].skipped && again[0].ok(), "rebuilt, not skipped to the draft");
    assert!(!pdf_text(&pdf_of(&again[0])).contains("未通过审核"));
}
