//! No silent wrong output: each case where a new user got a wrong document
//! without a word now prints right or is refused with a located message —
//! amounts in 元, an unknown 第三部分 key, empty lists, `gongkai new`'s
//! template, scores left blank, 一级 weights other than 50/30/10, and the
//! messages that misled (see also tests/widest.rs for overprinted cells).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use gongkai::diagnostic::Severity;

fn gongkai(args: &[&str], dir: &Path) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_gongkai")).args(args).current_dir(dir).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

/// Keys whose numbers are counts, not amounts.
const COUNTS: &[&str] = &[
    "year",
    "abroad_groups",
    "abroad_persons",
    "reception_groups",
    "reception_persons",
    "cars_in_service",
    "count",
    "persons",
    "leaders",
    "confidential",
    "emergency",
    "law_enforcement",
    "special",
    "other",
    "general_equipment",
    "special_equipment",
];

/// The 蓝山 决算.yaml with every amount written in 元 (× 10000, exactly, as text).
fn in_yuan(text: &str) -> String {
    let mut out = String::new();
    let mut in_vehicles = false;
    for line in text.lines() {
        let body = line.split(" #").next().unwrap();
        let trimmed = body.trim_start();
        if trimmed.starts_with("vehicles:") {
            in_vehicles = true;
        } else if !line.starts_with("    ") {
            in_vehicles = false;
        }
        let scaled = trimmed.trim_start_matches("- ").split_once(": ").and_then(|(key, value)| {
            let key = key.trim_matches('"');
            let v = value.trim();
            let number = !v.is_empty() && v.chars().all(|c| c.is_ascii_digit() || c == '.');
            if !number || ((in_vehicles || key != "other") && COUNTS.contains(&key)) || key == "code" {
                return None;
            }
            let d: rust_decimal::Decimal = v.parse().ok()?;
            let yuan = (d * rust_decimal::Decimal::from(10_000)).normalize();
            Some(line.replacen(&format!(": {v}"), &format!(": {yuan}"), 1))
        });
        out += &scaled.unwrap_or_else(|| line.to_string());
        out.push('\n');
    }
    out
}

/// A data root with a copy of 蓝山 whose profile prints tables with two decimals.
fn lanshan_fixed() -> (tempfile::TempDir, PathBuf) {
    let (dir, unit) = sample("蓝山县就业服务中心");
    let profiles = dir.path().join("data/profiles");
    std::fs::create_dir_all(&profiles).unwrap();
    let text = std::fs::read_to_string(repo().join("data/profiles/湖南-县级-2023.yaml")).unwrap();
    std::fs::write(
        profiles.join("湖南-县级-2023.yaml"),
        text.replace("table_money: as_entered", "table_money: fixed2"),
    )
    .unwrap();
    (dir, unit)
}

#[test]
fn amounts_in_yuan_convert_exactly_and_a_file_that_does_not_say_is_warned() {
    let (want_dir, want_unit) = lanshan_fixed();
    let want = build(&[want_unit], &want_dir.path().join("out"));
    let (dir, unit) = lanshan_fixed();
    let file = unit.join("2023/决算.yaml");
    let yuan = in_yuan(&std::fs::read_to_string(&file).unwrap());
    assert!(yuan.contains("fiscal: 1620000"), "{yuan}");
    // Said: the document is the one typed in 万元.
    std::fs::write(&file, yuan.replacen("year: 2023", "year: 2023\nunit: 元", 1)).unwrap();
    let o = &build(std::slice::from_ref(&unit), &dir.path().join("out"))[0];
    assert!(o.ok(), "{:?} {:#?}", o.failure, o.diagnostics);
    let doc = |o: &gongkai::batch::Outcome| squash(&pdf_text(&pdf_of(o)));
    assert_eq!(doc(o), doc(&want[0]), "the same document from amounts in 元");
    // Not said: read as 万元, and warned that it looks like 元.
    std::fs::write(&file, yuan).unwrap();
    let d = &check(&[unit])[0].diagnostics;
    let w = d.iter().find(|d| d.rule == "C-SCALE").unwrap_or_else(|| panic!("{d:#?}"));
    assert_eq!(w.severity, Severity::Warning);
    assert!(w.message.contains("unit: 元"), "{}", w.message);
}

#[test]
fn an_unknown_part3_key_is_refused_with_the_nearest_one() {
    let (dir, unit) = sample("蓝山县就业服务中心");
    let profiles = dir.path().join("data/profiles");
    std::fs::create_dir_all(&profiles).unwrap();
    let text = std::fs::read_to_string(repo().join("data/profiles/湖南-县级-2023.yaml")).unwrap();
    let edited =
        text.replacen("{key: procurement, title: 政府采购支出情况}", "{key: procurment, title: 政府采购支出情况}", 1);
    assert_ne!(edited, text);
    std::fs::write(profiles.join("湖南-县级-2023.yaml"), edited).unwrap();
    let o = &check(&[unit])[0];
    assert!(!o.ok());
    let d = &o.diagnostics[0];
    assert_eq!(d.rule, "L-VALUE", "{d:?}");
    assert!(d.file.ends_with("profiles/湖南-县级-2023.yaml") && d.line > 0, "{d:?}");
    assert!(d.message.contains("是否想写“procurement”"), "{}", d.message);
}

#[test]
fn empty_lists_are_refused_not_printed_as_broken_sentences() {
    for key in ["internal_departments", "budget_units"] {
        let (_dir, unit) = sample("蓝山县就业服务中心");
        let file = unit.join("单位.yaml");
        let text = std::fs::read_to_string(&file).unwrap();
        // Drop the list's items (the lines starting with "  - " after the key).
        let mut out = Vec::new();
        let mut skipping = false;
        for line in text.lines() {
            if line.starts_with(&format!("{key}:")) {
                out.push(format!("{key}: []"));
                skipping = true;
                continue;
            }
            if skipping && line.starts_with("  - ") {
                continue;
            }
            skipping = false;
            out.push(line.to_string());
        }
        std::fs::write(&file, out.join("\n") + "\n").unwrap();
        let o = &check(&[unit])[0];
        let d = o
            .diagnostics
            .iter()
            .find(|d| d.rule == "C-LIST-EMPTY")
            .unwrap_or_else(|| panic!("{key}: {:#?}", o.diagnostics));
        assert!(d.message.contains(key), "{}", d.message);
        assert!(!o.ok());
    }
}

#[test]
fn new_writes_only_placeholders_schemas_that_resolve_and_can_start_a_performance_only_unit() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out) =
        gongkai(&["new", "某某县就业服务中心", "--data", "data", "--documents", "performance"], dir.path());
    assert_eq!(code, 0, "{out}");
    let unit = dir.path().join("data/某某县就业服务中心");
    assert!(unit.join("2023/绩效自评.yaml").is_file() && !unit.join("2023/决算.yaml").exists());
    let (code, out) = gongkai(&["new", "另一单位", "--data", "data", "--documents", "both"], dir.path());
    assert_eq!(code, 0, "{out}");
    for file in walkdir::WalkDir::new(dir.path().join("data")).into_iter().filter_map(Result::ok) {
        if file.path().extension().is_none_or(|e| e != "yaml") {
            continue;
        }
        let text = std::fs::read_to_string(file.path()).unwrap();
        // The $schema path resolves from the file's own folder.
        let schema = text.lines().next().unwrap().split("$schema=").nth(1).unwrap();
        assert!(file.path().parent().unwrap().join(schema).is_file(), "{}: {schema}", file.path().display());
        // No number that would print: every amount is a placeholder.
        for line in text.lines().filter(|l| !l.trim_start().starts_with('#')) {
            let value = line.split(" #").next().unwrap().split_once(": ").map(|(_, v)| v.trim()).unwrap_or("");
            let numeric = !value.is_empty() && value.chars().all(|c| c.is_ascii_digit() || c == '.');
            assert!(!numeric || line.trim_start().starts_with("year:"), "{}: {line}", file.path().display());
        }
    }
    // Nothing builds until every placeholder is filled.
    let (code, out) = gongkai(&["build", "-o", "out", "data"], dir.path());
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("N-TODO") && out.contains("【待填写：上年收、支总计】"), "{out}");
    assert!(!out.contains("L-VALUE"), "placeholders in amounts are N-TODO, not bad amounts: {out}");
}

/// The 怀化 project tables, one of them unscored, one with 60/30 weights and no 满意度.
#[test]
fn scores_left_blank_stay_blank_and_weights_follow_the_table() {
    let (dir, unit) = sample("怀化市就业服务中心");
    let file = unit.join("2023/绩效自评.yaml");
    // Table 2 is published unscored.
    edit(
        &file,
        "\n  - name: 失业保险金违规领取追回工作经费\n",
        "\n  - name: 失业保险金违规领取追回工作经费\n    scored: false\n",
    );
    let out = dir.path().join("out");
    let o = &build(std::slice::from_ref(&unit), &out)[0];
    assert!(o.ok(), "{:?} {:#?}", o.failure, o.diagnostics);
    let report = o.written.iter().find(|p| p.to_string_lossy().contains("项目支出绩效自评报告.pdf")).unwrap();
    let text = squash(&pdf_text_raw(report));
    let table = &text[text.find("项目支出名称失业保险金违规领取追回工作经费").unwrap()..];
    let table = &table[..table.find("项目支出名称流动人员").unwrap()];
    assert!(table.contains("总分100") && !table.contains("总分100100"), "分值合计 printed, 总分 blank: {table}");
    assert!(!o.printed.iter().any(|p| p.name == "失业保险金违规领取追回工作经费.总分"), "no 总分 printed");

    // No 满意度 indicator: 60 / 30 is accepted (财预〔2020〕10号 moves its 10), 50 / 30 is not.
    let text = std::fs::read_to_string(&file).unwrap();
    let start = text.find("\n  - name: 农民工就业工作经费").unwrap() + 1;
    let end = start + text[start..].find("\n  - name: ").unwrap();
    let table = &text[start..end];
    let satisfaction = table.find("      - level1: 满意度指标").unwrap();
    let next = satisfaction
        + table[satisfaction + 1..].find("\n      - level1:").map_or(table.len() - satisfaction, |i| i + 1);
    let without = format!("{}{}", &table[..satisfaction], &table[next..]);
    let quantity = without.replacen("weight: 15\n", "weight: 25\n", 1);
    std::fs::write(&file, format!("{}{}{}", &text[..start], quantity, &text[end..])).unwrap();
    let d = &check(std::slice::from_ref(&unit))[0].diagnostics;
    let p = |rule: &str| d.iter().filter(|x| x.rule == rule && x.message.contains("农民工就业工作经费")).count();
    assert_eq!((p("P-1"), p("P-2")), (0, 0), "{d:#?}");
    std::fs::write(&file, format!("{}{}{}", &text[..start], without, &text[end..])).unwrap();
    let d = &check(std::slice::from_ref(&unit))[0].diagnostics;
    let p2: Vec<&str> = d.iter().filter(|x| x.rule == "P-2").map(|x| x.message.as_str()).collect();
    assert!(p2.iter().any(|m| m.contains("没有满意度指标")), "{p2:?}");
    // Weights written on the table win.
    let with_own = format!(
        "{}    weights: {{产出指标: 50, 效益指标: 30}}\n{}",
        &without[..without.find("    indicators:").unwrap()],
        &without[without.find("    indicators:").unwrap()..]
    );
    std::fs::write(&file, format!("{}{}{}", &text[..start], with_own, &text[end..])).unwrap();
    let d = &check(&[unit])[0].diagnostics;
    assert!(!d.iter().any(|x| x.rule == "P-2" && x.message.contains("农民工")), "{d:#?}");
}

#[test]
fn messages_say_what_is_wrong_where() {
    // C-CODE-UNKNOWN: the 款 without a name, the catalogue actually used.
    let (_dir, unit) = sample("蓝山县就业服务中心");
    let file = unit.join("2023/决算.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text.replace("\"2080106\"", "\"2089701\"").replacen(
            "  - code: \"2089701\"",
            "  - code: \"2089701\"\n    name: 自拟项目",
            2,
        ),
    )
    .unwrap();
    let d = &check(std::slice::from_ref(&unit))[0].diagnostics;
    let c = d.iter().find(|d| d.rule == "C-CODE-UNKNOWN").unwrap_or_else(|| panic!("{d:#?}"));
    assert!(
        c.message.contains("款级科目 20897") && c.message.contains("catalogue/功能分类-2023.yaml"),
        "{}",
        c.message
    );

    // L-VALUE: every bad amount of a file in one run.
    let (_dir, unit) = sample("蓝山县就业服务中心");
    let file = unit.join("2023/决算.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replacen("fiscal: 162", "fiscal: 1e2", 1).replacen("other: 223.28", "other: 22x", 1))
        .unwrap();
    let d = &check(&[unit])[0].diagnostics;
    assert_eq!(d.iter().filter(|d| d.rule == "L-VALUE").count(), 2, "{d:#?}");

    // S-STATED: 填写为 is what the user typed.
    let d = &check(&[repo().join("tests/fixtures/as-published/蓝山县就业服务中心")])[0].diagnostics;
    let s = d.iter().find(|d| d.rule == "S-STATED" && d.message.contains("公务接待费.决算")).unwrap();
    assert!(s.message.contains("填写为 3，计算应为 0.25"), "{}", s.message);
    // A truncated percentage is called truncated.
    let d = &check(&[repo().join("tests/fixtures/as-published/湖南省人力资源和社会保障厅")])[0].diagnostics;
    assert!(d.iter().any(|d| d.message.contains("91.57%") && d.message.contains("截断")), "{d:#?}");
}

#[test]
fn a_performance_file_in_yuan_is_warned() {
    let (_dir, unit) = sample("株洲市渌口区人力资源和社会保障局");
    let file = unit.join("2023/绩效自评.yaml");
    edit(&file, "          amount: 1623.37", "          amount: 16233700");
    let d = &check(std::slice::from_ref(&unit))[0].diagnostics;
    let w = d.iter().find(|d| d.rule == "C-SCALE").unwrap_or_else(|| panic!("{d:#?}"));
    assert_eq!(w.severity, Severity::Warning);
    assert!(w.message.contains("unit: 元") && w.message.contains("1623.37 亿元"), "{}", w.message);
    assert!(w.file.ends_with("绩效自评.yaml") && w.line > 1, "{w:?}");
}

#[test]
fn a_sentence_that_needs_a_figure_not_typed_is_refused() {
    // 机关运行经费 compared with the 年初预算 (湖南 县级), which is not typed.
    let (_dir, unit) = sample("蓝山县就业服务中心");
    let file = unit.join("2023/决算.yaml");
    edit(&file, "org_running_cost_budget: 10.99", "");
    let d = &check(std::slice::from_ref(&unit))[0].diagnostics;
    let e = d.iter().find(|d| d.rule == "N-MISSING").unwrap_or_else(|| panic!("{d:#?}"));
    assert_eq!(e.severity, Severity::Error);
    assert!(e.message.contains("org_running_cost_budget"), "{}", e.message);
}

#[test]
fn a_figure_both_files_type_must_agree() {
    // 基本支出 is the 决算's 公开03 figure; typed again in 绩效自评 it is compared.
    let (_dir, unit) = sample("怀化市就业服务中心");
    let file = unit.join("2023/绩效自评.yaml");
    edit(&file, "  basic_budget: 804.32", "  basic_budget: 804.32\n  basic_actual: 738.00");
    let d = &check(std::slice::from_ref(&unit))[0].diagnostics;
    let e = d.iter().find(|d| d.rule == "X-TYPED").unwrap_or_else(|| panic!("{d:#?}"));
    assert_eq!(e.severity, Severity::Error);
    assert!(e.message.contains("738") && e.file.ends_with("绩效自评.yaml"), "{e:?}");
}
