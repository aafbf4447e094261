//! 汇总: a department's 部门决算 made from its members' data — the sample
//! department 示例县人社局（虚构汇总） (本级 and two subordinate units, all
//! synthetic), its tables and sentences read back from the PDF, the
//! internal flows eliminated and listed, each 审核 error of a department,
//! and the incremental rebuild of a department when one member changes.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use gongkai::batch::{Options, Outcome, Session};
use gongkai::diagnostic::Diagnostic;

const DEPT: &str = "示例县人社局（虚构汇总）";
const MAIN: &str = "示例县人社局本级（虚构）";
const JOBS: &str = "示例县就业服务中心（虚构）";
const PENSION: &str = "示例县社会保险服务中心（虚构）";

/// A data root holding a copy of the sample department and its members.
fn department_root() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    for unit in [DEPT, MAIN, JOBS, PENSION] {
        copy_dir(&repo().join("data").join(unit), &data.join(unit));
    }
    (dir, data)
}

fn outcome<'a>(all: &'a [Outcome], unit: &str) -> &'a Outcome {
    all.iter().find(|o| o.unit == unit).unwrap_or_else(|| panic!("no outcome for {unit}"))
}

fn findings<'a>(o: &'a Outcome, rule: &str) -> Vec<&'a Diagnostic> {
    o.diagnostics.iter().filter(|d| d.rule == rule).collect()
}

/// Where a finding points: file name (the unit folder and file) and line.
fn place(file: &Path, line: u32) -> String {
    let parts: Vec<_> = file.iter().rev().take(3).map(|p| p.to_string_lossy().into_owned()).collect();
    format!("{}:{line}", parts.into_iter().rev().collect::<Vec<_>>().join("/"))
}

#[test]
fn the_department_prints_its_members_sum_with_internal_flows_eliminated() {
    let out = tempfile::tempdir().unwrap();
    let all = build(&[repo().join("data").join(DEPT)], out.path());
    let dept = outcome(&all, DEPT);
    assert!(dept.ok(), "{:?} {:?}", dept.failure, dept.diagnostics);
    let text = squash(&pdf_text_raw(&pdf_of(dept)));

    // 第一部分: 决算单位构成 lists the members, 本级 first.
    assert_in_order(&text, &[&format!("部门决算汇总公开单位构成包括：{MAIN}、{JOBS}、{PENSION}。")], "决算单位构成");
    // 公开01: fiscal 280.50 + 80 + 150 + 90; 其他收入 40 + 20; the 上级补助 50 and 附属单位上缴 10 are gone.
    assert_in_order(
        &text,
        &[
            "部门收支决算总表",
            "一、一般公共预算财政拨款收入1600.50",
            "三、上级补助收入3三、国防支出16",
            "六、附属单位上缴收入6六、科学技术支出19",
            "七、其他收入760",
            "本年收入合计9660.50",
            "总计13660.50",
        ],
        "公开01 收入",
    );
    // 公开02 by 项, each member's rows side by side.
    assert_in_order(
        &text,
        &[
            "部门收入决算表",
            "合计660.50600.5060",
            "2080101行政运行280.50280.50",
            "2080106就业管理事务150150",
            "2080109社会保险经办机构1109020",
            "2080199其他人力资源和社会保障管理事务支出1208040",
        ],
        "公开02",
    );
    // 公开03: the 对附属单位补助支出 and 上缴上级支出 columns are empty.
    assert_in_order(
        &text,
        &[
            "部门支出决算表",
            "合计660.50500.50160",
            "2080106就业管理事务20012080",
            "2080109社会保险经办机构1001002080199",
            "其他人力资源和社会保障管理事务支出8080注：",
            "一般公共预算财政拨款支出决算表",
            "合计600.50470.50130",
            "2080106就业管理事务15010050",
        ],
        "公开03/05",
    );
    // 公开06 by 经济分类 款, summed across the three members.
    assert_in_order(&text, &["一般公共预算财政拨款基本支出决算表", "301工资福利支出357", "30101基本工资205"], "公开06");
    assert_in_order(&text, &["人员经费合计386", "公用经费合计84.50"], "公开06 合计");
    // 公开07: budgets 2 + 1 (接待) and 5 (运行); actuals 1.20 + 0.60 and 4.80.
    assert_in_order(&text, &["财政拨款“三公”经费支出决算表", "80505", "36.6004.8004.801.80"], "公开07");
    // 第三部分 reads the consolidated ledger.
    assert_in_order(
        &text,
        &[
            "2023年度收、支总计660.5万元",
            "其中：财政拨款收入600.5万元，占90.92%；上级补助收入0万元",
            "对附属单位补助支出0万元，占0%",
            "全年共接待来访团组9个、来宾55人次",
            "公务用车保有量为2辆",
        ],
        "第三部分",
    );

    // Each elimination is listed, with both sides' files.
    let offsets = findings(dept, "H-OFFSET");
    assert_eq!(offsets.len(), 2, "{offsets:?}");
    assert!(offsets[0].message.contains("本级对附属单位补助支出 50 万元") && offsets[0].message.contains(JOBS));
    assert_eq!(place(&offsets[0].file, offsets[0].line), format!("{MAIN}/2023/决算.yaml:24"));
    assert!(offsets[0].related.iter().any(|r| place(&r.file, r.line) == format!("{JOBS}/2023/决算.yaml:11")));
    assert!(offsets[1].message.contains("本级附属单位上缴收入 10 万元") && offsets[1].message.contains(PENSION));

    // The members' own documents still print their own flows.
    let jobs = build(&[repo().join("data").join(JOBS)], out.path());
    let jobs_text = squash(&pdf_text_raw(&pdf_of(&jobs[0])));
    assert_in_order(&jobs_text, &["部门收支决算总表", "三、上级补助收入350三、国防支出"], "下属单位自己的公开01");
}

#[test]
fn sides_of_an_internal_flow_that_differ_are_an_error_naming_both_files() {
    let (_dir, data) = department_root();
    edit(&data.join(JOBS).join("2023/决算.yaml"), "superior: 50", "superior: 48");
    edit(&data.join(JOBS).join("2023/决算.yaml"), "project: 80", "project: 78");
    let all = check(&[data.join(DEPT)]);
    let dept = outcome(&all, DEPT);
    let elim = findings(dept, "H-ELIM");
    assert_eq!(elim.len(), 1, "{:?}", dept.diagnostics);
    let e = elim[0];
    assert!(
        e.message.contains("本级对附属单位补助支出 50 万元，下属单位上级补助收入合计 48 万元（差 2）"),
        "{}",
        e.message
    );
    assert_eq!(place(&e.file, e.line), format!("{MAIN}/2023/决算.yaml:24"));
    let places: Vec<String> = e.related.iter().map(|r| place(&r.file, r.line)).collect();
    assert_eq!(places, [format!("{JOBS}/2023/决算.yaml:11")]);
    assert!(!dept.ok());
    // Nothing but the 汇总's own findings: no totals of a sum that was not made.
    assert!(dept.diagnostics.iter().all(|d| d.rule.starts_with("H-")), "{:?}", dept.diagnostics);
}

#[test]
fn a_unit_of_the_department_left_out_is_pointed_at() {
    let (_dir, data) = department_root();
    let unit_file = data.join(DEPT).join("单位.yaml");
    edit(&unit_file, &format!("    - {PENSION}\n"), "");
    let dept = &check(&[data.join(DEPT)])[0];
    let left = findings(dept, "H-UNLISTED");
    assert_eq!(left.len(), 1, "{:?}", dept.diagnostics);
    assert!(left[0].message.contains(&format!("单位“{PENSION}”的主管部门是本部门，但没有列在 consolidates 中")));
    assert!(left[0].related.iter().any(|r| r.file.ends_with(format!("{PENSION}/单位.yaml"))));
}

#[test]
fn a_department_reports_members_it_cannot_sum() {
    let (_dir, data) = department_root();
    let unit_file = data.join(DEPT).join("单位.yaml");
    // A misspelt member folder (with the nearest one), and one listed twice.
    edit(&unit_file, &format!("    - {PENSION}"), &format!("    - 示例县社会保险中心（虚构）\n    - {JOBS}"));
    let all = check(&[data.join(DEPT)]);
    let members = findings(outcome(&all, DEPT), "H-MEMBER");
    let messages: Vec<&str> = members.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(members.len(), 2, "{messages:?}");
    assert!(messages[0].contains("成员单位文件夹“示例县社会保险中心（虚构）”不存在"), "{}", messages[0]);
    assert!(messages[0].contains(PENSION), "suggests the nearest folder: {}", messages[0]);
    assert!(messages[1].contains("列了两次"), "{}", messages[1]);
    assert_eq!(place(&members[0].file, members[0].line), format!("data/{DEPT}/单位.yaml:31"));

    // A member without data for the year, and a member that fails its own 审核.
    let (_dir, data) = department_root();
    std::fs::remove_file(data.join(PENSION).join("2023/决算.yaml")).unwrap();
    edit(&data.join(JOBS).join("2023/决算.yaml"), "\"30101\": 45", "\"30101\": 46");
    let all = check(&[data.join(DEPT)]);
    let dept = outcome(&all, DEPT);
    let messages: Vec<String> = findings(dept, "H-MEMBER").iter().map(|d| d.message.clone()).collect();
    assert!(messages.iter().any(|m| m.contains(&format!("成员单位“{PENSION}”没有 2023 年的决算数据"))), "{messages:?}");
    assert!(messages.iter().any(|m| m.contains(&format!("成员单位“{JOBS}”未通过审核"))), "{messages:?}");
    assert!(!dept.ok());
    // The sum is not made: no S-STATED or N-MISSING about totals of nothing.
    assert!(dept.diagnostics.iter().all(|d| d.rule.starts_with("H-")), "{:?}", dept.diagnostics);
}

/// Last year's 汇总 needs last year's data of every member; a member new
/// this year has none, so last year's figures come from `previous:` (a
/// warning says why), and the department still builds.
#[test]
fn last_years_sum_falls_back_to_previous_when_a_member_has_no_data_for_it() {
    let (_dir, data) = department_root();
    let last = data.join(DEPT).join("2022");
    std::fs::create_dir_all(&last).unwrap();
    let text = std::fs::read_to_string(data.join(DEPT).join("2023/决算.yaml")).unwrap();
    std::fs::write(last.join("决算.yaml"), text.replace("year: 2023", "year: 2022")).unwrap();
    let dept = &check(&[data.join(DEPT).join("2023")])[0];
    assert!(dept.ok(), "{:?}", dept.diagnostics);
    let w: Vec<&Diagnostic> =
        dept.diagnostics.iter().filter(|d| d.message.starts_with("上年（2022）汇总无法完成")).collect();
    assert_eq!(w.len(), 3, "one per member without 2022 data: {:?}", dept.diagnostics);
    assert!(w.iter().all(|d| d.severity == gongkai::diagnostic::Severity::Warning));
}

#[test]
fn a_unit_claimed_by_two_departments_names_both() {
    let (_dir, data) = department_root();
    let other = data.join("另一部门（虚构汇总）");
    copy_dir(&data.join(DEPT), &other);
    edit(&other.join("单位.yaml"), &format!("name: {DEPT}"), "name: 另一部门（虚构汇总）");
    let all = check(&[data.join(DEPT)]);
    let claims = findings(outcome(&all, DEPT), "H-CLAIM");
    assert_eq!(claims.len(), 3, "本级 and both members: {claims:?}");
    assert!(claims[0].message.contains(&format!("成员单位“{MAIN}”同时被部门“另一部门（虚构汇总）”汇总")));
    assert!(claims[0].related.iter().any(|r| place(&r.file, r.line) == "data/另一部门（虚构汇总）/单位.yaml:28"));
}

#[test]
fn a_department_types_words_not_amounts_and_its_stated_totals_are_checked() {
    let (_dir, data) = department_root();
    let file = data.join(DEPT).join("2023/决算.yaml");
    edit(&file, "    reason: 年中追加人才引进专项", "    reason: 年中追加人才引进专项\n    basic: 5");
    edit(&file, "公开01.收入总计: 660.50", "公开01.收入总计: 662.50");
    let all = check(&[data.join(DEPT)]);
    let dept = outcome(&all, DEPT);
    let typed = findings(dept, "H-AMOUNT");
    assert_eq!(typed.len(), 1, "{:?}", dept.diagnostics);
    assert_eq!(typed[0].line, 13);
    let stated = findings(dept, "S-STATED");
    assert_eq!(stated.len(), 1, "{:?}", dept.diagnostics);
    assert_eq!((stated[0].expected.as_deref(), stated[0].actual.as_deref()), (Some("660.5"), Some("662.50")));
}

#[test]
fn changing_one_member_rebuilds_it_and_its_department_only() {
    let (dir, data) = department_root();
    copy_dir(&repo().join("data/蓝山县就业服务中心"), &data.join("蓝山县就业服务中心"));
    let out = dir.path().join("out");
    let s = Session::new(None, &[], true).unwrap();
    let opts = Options { jobs: 2, ..Options::build(&out) };
    let first = s.run(std::slice::from_ref(&data), &opts);
    assert!(first.iter().all(|o| o.ok() && !o.skipped), "{first:?}");
    assert_eq!(first.len(), 5);

    edit(&data.join(PENSION).join("2023/决算.yaml"), "reception_purpose: 无", "reception_purpose: 无接待");
    let second = s.run(std::slice::from_ref(&data), &opts);
    let mut rebuilt: Vec<&str> = second.iter().filter(|o| !o.skipped).map(|o| o.unit.as_str()).collect();
    rebuilt.sort();
    assert_eq!(rebuilt, [DEPT, PENSION]);
    assert!(second.iter().all(Outcome::ok));

    // The department's own file rebuilds only the department.
    edit(&data.join(DEPT).join("2023/决算.yaml"), "接待批次减少", "接待批次有所减少");
    let third = s.run(std::slice::from_ref(&data), &opts);
    let rebuilt: Vec<&str> = third.iter().filter(|o| !o.skipped).map(|o| o.unit.as_str()).collect();
    assert_eq!(rebuilt, [DEPT]);
}

#[test]
fn a_department_builds_the_same_in_whichever_shard_it_lands() {
    let (dir, data) = department_root();
    let s = Session::new(None, &[], true).unwrap();
    let whole = s.run(std::slice::from_ref(&data), &Options { force: true, ..Options::build(dir.path().join("a")) });
    let whole_text = pdf_text(&pdf_of(outcome(&whole, DEPT)));
    let mut found = 0;
    for k in 1..=3 {
        let opts = Options { shard: Some((k, 3)), force: true, ..Options::build(dir.path().join(format!("s{k}"))) };
        let part = s.run(std::slice::from_ref(&data), &opts);
        if let Some(d) = part.iter().find(|o| o.unit == DEPT) {
            assert_eq!(pdf_text(&pdf_of(d)), whole_text);
            found += 1;
        }
    }
    assert_eq!(found, 1);
}
