//! 自评表 forms beyond Hunan: the national form (示例中央部门, a report
//! with its tables), the Sichuan form published alone (示例县人社局（虚构，
//! 四川式）), a form that exists only in a data folder (安徽式: 本年财政拨款,
//! three decimals), scores by the national rule (逆向 and 定性 indicators),
//! a table without 满意度, one left unscored, and the page breaks of 001's
//! 整体支出绩效自评表 — each read back from its PDF.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use gongkai::batch::Outcome;
use gongkai::diagnostic::Diagnostic;

const CENTRAL: &str = "示例中央部门（虚构）";
const SICHUAN: &str = "示例县人社局（虚构，四川式）";

fn pdf_named(o: &Outcome, ends: &str) -> PathBuf {
    o.written
        .iter()
        .find(|p| p.to_string_lossy().ends_with(ends))
        .cloned()
        .unwrap_or_else(|| panic!("no {ends} for {}: {:?} {:?}", o.unit, o.written, o.failure))
}

fn built(unit: &Path) -> (tempfile::TempDir, Outcome) {
    let out = tempfile::tempdir().unwrap();
    let mut all = build(&[unit.to_path_buf()], out.path());
    let o = all.remove(0);
    assert!(o.ok(), "{:?} {:#?}", o.failure, o.diagnostics);
    (out, o)
}

fn findings<'a>(o: &'a Outcome, rule: &str) -> Vec<&'a Diagnostic> {
    o.diagnostics.iter().filter(|d| d.rule == rule).collect()
}

#[test]
fn the_national_form_with_a_reverse_indicator_and_an_unscored_table() {
    let (_out, o) = built(&repo().join("data").join(CENTRAL));
    let t = squash(&pdf_text_raw(&pdf_named(&o, "项目支出绩效自评报告.pdf")));
    assert_in_order(
        &t,
        &[
            "附件：1.项目支出绩效自评表",
            "附件2-1",
            "项目支出绩效自评表",
            "（2023年度）",
            "项目名称业务运行保障经费（虚构）",
            "主管部门示例县人力资源和社会保障局实施单位示例中央部门（虚构）",
            // 执行率 80.38 ÷ 82; 得分 10 × 98.02% (computed: none typed).
            "年度资金总额80.0082.0080.381098.02%9.8",
            "其中：当年财政拨款80.0082.0080.38———",
            "上年结转资金———",
            "其他资金———",
            "年度总体目标",
            "完成业务系统运维≥12次12次2020",
            // 逆向: over the ≤80 target, 15 × 80 ÷ 80.38 = 14.93 (typed, and equal to the rule).
            "运维成本≤80万元80.38万元1514.93备件涨价",
            "用户满意度≥90%92%1010",
            "总分10099.73",
        ],
        "全国表式",
    );
    // The unscored table: 分值 printed, 得分 and 总分 blank (not 0).
    assert_in_order(
        &t,
        &[
            "项目名称档案数字化经费（虚构）",
            "年度资金总额30.0034.0034.0010100.00%其中：当年财政拨款",
            "档案数字化页数≥5万页5.2万页30",
            "数字化合格率≥98%20",
            "档案查阅效率明显提高30",
            "总分100",
        ],
        "未评分的表",
    );
    assert!(t.trim_end().ends_with("总分100—3—"), "nothing after the unscored 总分: {}", &t[t.len() - 60..]);
    assert!(findings(&o, "P-SCORE").is_empty(), "typed scores equal the rule: {:?}", o.diagnostics);
}

#[test]
fn the_sichuan_form_published_alone() {
    let (_out, o) = built(&repo().join("data").join(SICHUAN));
    let pdf = pdf_named(&o, "2023年度示例县人社局（虚构，四川式）绩效自评表.pdf");
    let t = squash(&pdf_text_raw(&pdf));
    // Tables only: the first thing on page 1 is the table's title; no report, no 附件 label.
    assert!(t.starts_with("2023年度部门预算项目支出绩效自评表报表编号：SC-2023-001金额单位：万元"), "{}", &t[..200]);
    assert!(!t.contains("附件"), "a table published alone has no 附件 label");
    assert_in_order(
        &t,
        &[
            "项目名称就业创业服务专项经费（虚构）",
            "项目年度目标全年开展职业技能培训1000人次以上",
            "项目实施内容及过程概述",
            "资金来源年初预算调整后预算数预算执行数预算执行率权重得分原因",
            // 77.7 ÷ 80 = 97.13%; 得分 9.71; each fund its own 执行率, “/” where nothing applies.
            "总额70.0080.0077.7097.13%109.71财政专户资金部分结转",
            "其中：财政资金60.0065.0063.5097.69%//",
            "财政专户管理资金10.0010.009.2092.00%//部分培训延至次年一季度",
            "预算执行情况（10分）",
            "单位资金5.005.00100.00%//",
            "一级指标二级指标三级指标指标性质指标值度量单位权重完成值得分",
            "开展职业技能培训≥1000人次20105020",
            // Scored by rule: 15 × 88 ÷ 90; 逆向 15 × 800 ÷ 850; 定性 达成 at the top of its band.
            "培训合格率≥90%158814.67",
            "人均培训成本≤800元1585014.12",
            "就业服务体系建设定性持续完善10持续完善10",
            "参训人员满意度≥90%109510",
            "合计10098.5",
            "评价结论项目总体完成年度目标，自评等级为优。",
            "存在问题",
            "改进措施",
            "项目负责人：张某（虚构）财务负责人：李某（虚构）",
            // The second table: no 满意度, its 10 moved to 产出 (60).
            "报表编号：SC-2023-002",
            "开发公益性岗位≥120个3012630",
            "补贴按月发放率=100%3010030",
            "合计100100",
        ],
        "四川表式",
    );
    let pages = std::process::Command::new("pdfinfo").arg(&pdf).output().unwrap();
    assert!(String::from_utf8_lossy(&pages.stdout).contains("Pages:           2"), "one page per table");
}

#[test]
fn a_table_without_satisfaction_indicators_takes_the_national_redistribution() {
    let (_dir, unit) = sample(SICHUAN);
    let file = unit.join("2023/绩效自评.yaml");
    // Without its own weights: no 满意度, so 产出 + 效益 = 90 with at least 50 and 30 — 60/30 passes.
    edit(&file, "    weights: {产出指标: 60, 效益指标: 30}\n", "");
    let o = &check(std::slice::from_ref(&unit))[0];
    assert!(findings(o, "P-2").is_empty(), "{:?}", o.diagnostics);
    // 70/20 does not: 效益 fell below its 30.
    edit(
        &file,
        "rows:\n          - {name: 补贴按月发放率, nature: \"=\", value: 100, unit: \"%\", actual: 100, weight: 30, score: 30}",
        "rows:\n          - {name: 补贴按月发放率, nature: \"=\", value: 100, unit: \"%\", actual: 100, weight: 40, score: 30}",
    );
    edit(&file, "actual: 118, weight: 30, score: 30", "actual: 118, weight: 20, score: 20");
    let o = &check(std::slice::from_ref(&unit))[0];
    let p2 = findings(o, "P-2");
    assert_eq!(p2.len(), 1, "{:?}", o.diagnostics);
    assert!(
        p2[0].message.contains("没有满意度指标时") && p2[0].message.contains("产出 70、效益 20"),
        "{}",
        p2[0].message
    );
}

#[test]
fn scores_by_rule_are_checked_against_typed_scores_and_grades() {
    let (_dir, unit) = sample(CENTRAL);
    let file = unit.join("2023/绩效自评.yaml");
    // A typed score the rule does not give: a warning with both figures.
    edit(&file, "actual: 80.38, weight: 15, score: 14.93", "actual: 80.38, weight: 15, score: 15");
    let o = &check(std::slice::from_ref(&unit))[0];
    let s = findings(o, "P-SCORE");
    assert_eq!(s.len(), 1, "{:?}", o.diagnostics);
    assert_eq!((s[0].expected.as_deref(), s[0].actual.as_deref()), (Some("14.93"), Some("15")));
    assert!(s[0].message.contains("逆向指标：分值 × 指标值 ÷ 完成值"), "{}", s[0].message);

    // By rule with nothing to compute from: an error naming what is missing.
    edit(
        &file,
        "{name: 用户满意度, nature: \"≥\", value: 90, unit: \"%\", actual: 92, weight: 10, score: 10}",
        "{name: 用户满意度, nature: \"≥\", value: 90, unit: \"%\", weight: 10}",
    );
    let o = &check(std::slice::from_ref(&unit))[0];
    assert!(
        findings(o, "P-SCORE").iter().any(|d| d.severity == gongkai::diagnostic::Severity::Error
            && d.message.contains("“用户满意度”不能按规则计分：没有写完成值")),
        "{:?}",
        o.diagnostics
    );

    // A 定性 score outside its grade's band.
    let (_dir, unit) = sample(SICHUAN);
    let file = unit.join("2023/绩效自评.yaml");
    edit(&file, "grade: 达成, weight: 10}", "grade: 部分达成, weight: 10, score: 9}");
    let o = &check(std::slice::from_ref(&unit))[0];
    let q = findings(o, "P-QUAL");
    assert_eq!(q.len(), 1, "{:?}", o.diagnostics);
    assert!(
        q[0].message.contains("部分达成，得分应在分值 10 的 60%（含）–80%（不含） 之间，填写为 9"),
        "{}",
        q[0].message
    );
}

#[test]
fn a_form_written_in_the_data_folder_and_an_unknown_one() {
    let (dir, unit) = sample(CENTRAL);
    let forms = dir.path().join("data/profiles/自评表");
    std::fs::create_dir_all(&forms).unwrap();
    let national = std::fs::read_to_string(repo().join("data/profiles/自评表/全国.yaml")).unwrap();
    let anhui = national
        .replace("其中：当年财政拨款", "其中：本年财政拨款")
        .replace("  subtitle: [\"（{year}年度）\"]", "  subtitle: [\"（{year}年度）\"]\n  money_decimals: 3");
    std::fs::write(forms.join("安徽.yaml"), anhui).unwrap();
    let file = unit.join("2023/绩效自评.yaml");
    edit(&file, "  - name: 业务运行保障经费（虚构）\n", "  - name: 业务运行保障经费（虚构）\n    form: 安徽\n");
    let (_out, o) = built(&unit);
    let t = squash(&pdf_text_raw(&pdf_named(&o, "项目支出绩效自评报告.pdf")));
    assert_in_order(
        &t,
        &[
            "业务运行保障经费（虚构）",
            "年度资金总额80.00082.00080.3801098.02%9.8",
            "其中：本年财政拨款80.00082.00080.380",
            // The other table keeps the profile's form.
            "档案数字化经费（虚构）",
            "其中：当年财政拨款30.0034.0034.00",
        ],
        "安徽式表式",
    );

    edit(&file, "form: 安徽", "form: 安微");
    let o = &check(std::slice::from_ref(&unit))[0];
    let f = findings(o, "P-FORM");
    assert_eq!(f.len(), 1, "{:?}", o.diagnostics);
    assert!(
        f[0].message.contains("找不到自评表表式“安微”") && f[0].message.contains("是否想写“安徽”"),
        "{}",
        f[0].message
    );
    assert!(f[0].line > 0, "located at its line");

    // A misspelt quantity in a form's cell is named against the form's file, with the nearest name.
    edit(&file, "form: 安微", "form: 安徽");
    let anhui = std::fs::read_to_string(forms.join("安徽.yaml")).unwrap();
    let misspelt = anhui.replace(
        "        - [{hd: 项目名称}, {field: name, colspan: 9}]",
        "        - [{hd: 项目名称}, {field: name, colspan: 8}, {q: 执行律}]",
    );
    std::fs::write(forms.join("安徽.yaml"), misspelt).unwrap();
    let o = &check(std::slice::from_ref(&unit))[0];
    let e = findings(o, "L-FORM");
    assert_eq!(e.len(), 1, "{:?}", o.diagnostics);
    assert!(e[0].file.ends_with("profiles/自评表/安徽.yaml"), "{}", e[0].file.display());
    assert!(e[0].message.contains("“执行律”") && e[0].message.contains("是否想写“执行率”"), "{}", e[0].message);
    std::fs::write(forms.join("安徽.yaml"), anhui).unwrap();

    // A form whose row does not fill the grid is refused when the profile is read, naming the file.
    let broken = std::fs::read_to_string(forms.join("安徽.yaml"))
        .unwrap()
        .replace("{field: name, colspan: 9}", "{field: name, colspan: 8}");
    std::fs::write(forms.join("安徽.yaml"), broken).unwrap();
    let o = &check(std::slice::from_ref(&unit))[0];
    let e = findings(o, "L-FORM");
    assert_eq!(e.len(), 1, "{:?}", o.diagnostics);
    assert!(e[0].file.ends_with("profiles/自评表/安徽.yaml"), "{}", e[0].file.display());
    assert!(e[0].message.contains("body 第 1 块") && e[0].message.contains("应为 10 列"), "{}", e[0].message);
}

/// 001's 整体支出绩效自评表 runs over two pages: the continuation repeats
/// the indicator header (not the 预算单位名称 row) and prints the 绩效指标
/// and 效益指标 labels again; the 总分 row and the signature stay with the
/// last indicator block.
#[test]
fn continuation_pages_repeat_the_indicator_header_and_their_labels() {
    let (_out, o) = built(&repo().join("data/怀化市就业服务中心"));
    let pdf = pdf_named(&o, "部门整体支出绩效自评报告.pdf");
    let page = |n: usize| {
        let out = std::process::Command::new("pdftotext")
            .args(["-raw", "-f", &n.to_string(), "-l", &n.to_string(), "-enc", "UTF-8"])
            .arg(&pdf)
            .arg("-")
            .output()
            .unwrap();
        squash(&String::from_utf8_lossy(&out.stdout))
    };
    let first = (1..40).find(|&n| page(n).contains("附件1-2")).expect("the 整体 table's page");
    let (p1, p2) = (page(first), page(first + 1));
    assert!(p1.contains("预算单位名称") && p1.contains("效益指标（30分）"));
    assert!(!p2.contains("预算单位名称"), "the 预算单位名称 row does not repeat");
    assert!(p2.starts_with("一级指标二级指标三级指标"), "the continuation starts with the indicator header: {p2}");
    assert!(p2.contains("效益指标（30分）") && p2.contains("绩效指标"), "labels carried over: {p2}");
    assert_in_order(&p2, &["满意度指标（10分）", "总分10098", "填表人：王莹"], "the end stays together");
}
