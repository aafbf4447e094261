//! Profiles beyond Hunan, end to end: each built-in profile's sample unit
//! (synthetic, named “虚构”) builds, and its tables and sentences read as
//! the profile says through `pdftotext`; a profile that exists only in a
//! user's own data folder, with a table changed, prints that change.

mod common;

use std::path::{Path, PathBuf};

use common::*;

/// Builds one sample unit of `data/` and returns (its PDF, layout text with
/// each line squashed, plain squashed text).
fn sample(unit: &str) -> (PathBuf, String, String) {
    let out = tempfile::tempdir().unwrap().keep();
    let outcomes = build(&[repo().join("data").join(unit)], &out);
    assert_eq!(outcomes.len(), 1);
    let o = &outcomes[0];
    assert!(o.ok(), "{unit} failed: {:?} {:#?}", o.failure, o.diagnostics);
    let pdf = pdf_of(o);
    (pdf.clone(), lines(&pdf), squash(&pdf_text(&pdf)))
}

/// 蓝山's data (without its 绩效自评) as “我的单位” in a data folder of its
/// own, using profile “我的方案”, which the test writes.
fn my_unit() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    copy_dir(&repo().join("data/蓝山县就业服务中心"), &data.join("我的单位"));
    std::fs::remove_file(data.join("我的单位/2023/绩效自评.yaml")).unwrap();
    let unit = std::fs::read_to_string(data.join("我的单位/单位.yaml")).unwrap();
    std::fs::write(data.join("我的单位/单位.yaml"), unit.replace("profile: 湖南-县级-2023", "profile: 我的方案"))
        .unwrap();
    (dir, data)
}

fn write_profile(data: &Path, text: &str) {
    std::fs::create_dir_all(data.join("profiles")).unwrap();
    std::fs::write(data.join("profiles/我的方案.yaml"), text).unwrap();
}

fn lines(pdf: &Path) -> String {
    pdf_text_layout(pdf).lines().map(squash).filter(|l| !l.is_empty()).collect::<Vec<_>>().join("\n")
}

#[test]
fn yunnan_prints_in_yuan_with_eight_income_rows_and_every_class() {
    let (_, layout, plain) = sample("示例卫生院（虚构，云南式）");
    // Amounts in 元 with thousands separators: 本年收入合计 385.28万元.
    assert!(layout.contains("单位：元"), "unit line");
    assert_in_order(
        &layout,
        &[
            "一、一般公共预算财政拨款收入11,620,000.00一、一般公共服务支出31",
            "二、政府性基金预算财政拨款收入2二、外交支出32",
            "三、国有资本经营预算财政拨款收入3三、国防支出33",
            "八、其他收入82,232,800.00八、社会保障和就业支出383,852,800.00",
            "二十六、债务还本支出56",
            "本年收入合计273,852,800.00本年支出合计573,852,800.00",
            "使用非财政拨款结余28结余分配58",
            "年初结转和结余29年末结转和结余59",
            "总计303,852,800.00总计603,852,800.00",
        ],
        "公开01表",
    );
    // The sentences print 元 too.
    assert!(plain.contains("本年收入合计3,852,800.00元"), "{plain}");
}

#[test]
fn sichuan_writes_its_own_sentences_and_lists_every_kind_with_zeros() {
    let (_, _, plain) = sample("示例县人社局（虚构，四川式）");
    assert_in_order(
        &plain,
        &[
            "2023年度收、支总计各是385.28,385.28万元。",
            "2023年本年收入合计385.28万元，其中：一般公共预算财政拨款收入162.00万元，占42.05%；政府性基金预算财政拨款收入0.00万元，占0.00%；国有资本经营预算财政拨款收入0.00万元，占0.00%；上级补助收入0.00万元，占0.00%；事业收入0.00万元，占0.00%；经营收入0.00万元，占0.00%；附属单位上缴收入0.00万元，占0.00%；其他收入223.28万元，占57.95%。",
            "图2：收入决算结构",
            "图3：支出决算结构",
        ],
        "第三部分",
    );
}

#[test]
fn hubei_has_five_parts_its_own_headings_and_staff() {
    let (_, _, plain) = sample("示例县就业中心（虚构，湖北式）");
    assert_in_order(
        &plain,
        &[
            "目录",
            "第一部分示例县就业中心（虚构，湖北式）部门概况",
            "第四部分分配专项转移支付资金安排情况说明",
            "第五部分名词解释",
            "一、部门职能",
            "二、部门决算单位机构设置及人员情况",
            "（三）人员情况。截至2023年12月31日，示例县就业中心（虚构，湖北式）单位编制数20人，在职18人，派遣2人，退休6人。",
            "第四部分分配专项转移支付资金安排情况说明",
            "2023年度本单位无分配给下级的专项转移支付资金。",
            "第五部分名词解释",
        ],
        "湖北式的部分",
    );
    assert!(!plain.contains("第五部分附件"), "{plain}");
}

#[test]
fn hubei_numbers_both_sides_alike_to_29_and_prints_zeros_as_0_00() {
    let (_, layout, _) = sample("示例县就业中心（虚构，湖北式）");
    assert_in_order(
        &layout,
        &[
            "项目行次金额项目行次金额",
            "一、一般公共预算财政拨款收入1162.00一、一般公共服务支出1",
            "三、国有资本经营预算财政拨款收入30.00",
            "本年收入合计25385.28本年支出合计25385.28",
            "总计29385.28总计29385.28",
        ],
        "公开01表",
    );
    // 公开02表: the zero columns print 0.00 on every row.
    assert!(layout.contains("合计385.28162.000.000.000.000.00223.28"), "{layout}");
}

#[test]
fn the_central_form_splits_codes_into_class_section_and_item() {
    let (_, layout, _) = sample("示例中央部门（虚构）");
    assert_in_order(&layout, &["三、国有资本经营预算财政拨款收入3", "使用非财政拨款结余"], "公开01表");
    assert_in_order(
        &layout,
        &[
            "公开02表",
            "科目编码",
            "科目名称",
            "类款项",
            "栏次1234567",
            "合计385.28162.00",
            "208社会保障和就业支出",
            "20801人力资源和社会保障管理事务",
            "2080106就业管理事务",
        ],
        "公开02表",
    );
}

/// A profile written by a user in their own data folder: 公开05表 gains a
/// column (年初预算数 is not a 公开05 column, so it takes 公开03's 本年支出合计),
/// 公开01表 loses its 用事业基金 row, and zeros print “—”.
#[test]
fn a_user_written_profile_changes_a_table() {
    let (dir, data) = my_unit();
    let hunan = std::fs::read_to_string(repo().join("data/profiles/湖南-县级-2023.yaml")).unwrap();
    let mine = hunan
        .replace("name: 湖南-县级-2023", "name: 我的方案")
        .replace("  thousands_separator: false\n", "  thousands_separator: false\n  table_zero: \"—\"\n")
        .replace(
            "  - {id: T05, label: 公开05表, title: 一般公共预算财政拨款支出决算表}\n",
            r#"  - id: T05
    label: 公开05表
    title: 一般公共预算财政拨款支出决算表
    form:
      columns: [7em, 1fr, 7em, 7em, 7em, 7em]
      header:
        - [{hd: 项目, colspan: 2}, 小计, 基本支出, 项目支出, 全部资金支出]
      body:
        - row: [{hd: 合计, colspan: 2}, {q: 公开05.合计.小计}, {q: 公开05.合计.基本支出}, {q: 公开05.合计.项目支出}, {q: 公开03.合计.本年支出合计}]
        - codes: {of: 公开05, columns: [小计, 基本支出, 项目支出, 基本支出]}
"#,
        )
        .replace("  - {id: T01, label: 公开01表, title: 部门收支决算总表}\n", "");
    write_profile(&data, &mine);
    let out = dir.path().join("out");
    let outcomes = build(&[data.join("我的单位")], &out);
    let o = &outcomes[0];
    assert!(o.ok(), "{:?} {:#?}", o.failure, o.diagnostics);
    let layout = lines(&pdf_of(o));
    assert_in_order(
        &layout,
        &["项目小计基本支出项目支出全部资金支出", "合计162162—385.28", "208社会保障和就业支出162162—162"],
        "the user's 公开05表",
    );
    // 公开01表 was dropped: 公开02表 is the first table.
    assert!(!layout.contains("部门收支决算总表"), "公开01表 still printed");
    assert_in_order(&layout, &["第二部分2023年部门决算表", "部门收入决算表", "公开02表"], "第二部分");
}

/// A form that does not fill its columns is refused when the profile is read.
#[test]
fn a_form_that_does_not_fill_its_grid_is_an_error_naming_the_table() {
    let (_dir, data) = my_unit();
    let hunan = std::fs::read_to_string(repo().join("data/profiles/湖南-县级-2023.yaml")).unwrap();
    let mine = hunan.replace("name: 湖南-县级-2023", "name: 我的方案").replace(
        "  - {id: T07, label: 公开07表, title: 财政拨款“三公”经费支出决算表}\n",
        "  - id: T07\n    label: 公开07表\n    title: 三公\n    form:\n      columns: [1fr, 1fr]\n      header: [[预算, 决算]]\n      body:\n        - row: [{q: 公开07.预算.合计}]\n",
    );
    write_profile(&data, &mine);
    let outcomes = check(&[data.join("我的单位")]);
    let d = outcomes[0].diagnostics.iter().find(|d| d.rule == "L-FORM").expect("an L-FORM error");
    assert!(
        d.message.contains("表 T07（公开07表）的表式有误：body 第 1 块（row 有 1 列，应为 2 列）"),
        "{}",
        d.message
    );
}

/// README's list of the 部门决算 quantities (for profile writers) is the
/// catalogue's: every 公开 pattern `check --list-quantities` gives is in it.
#[test]
fn readme_lists_every_table_quantity() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args(["check", "--list-quantities"])
        .output()
        .unwrap();
    let list = String::from_utf8(out.stdout).unwrap();
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    for pattern in list.lines().filter(|l| l.starts_with("公开") || l.starts_with("人员情况")) {
        assert!(readme.contains(pattern), "README 自己写版式方案 lacks {pattern}");
    }
}

/// A misspelt quantity in a form is found by `check`, before anything is
/// built, with the nearest name — a fixed cell and a per-类 pattern alike.
#[test]
fn a_misspelt_quantity_in_a_form_is_an_error_with_the_nearest_name() {
    let (_dir, data) = my_unit();
    let yunnan = std::fs::read_to_string(repo().join("data/profiles/云南-县级.yaml")).unwrap();
    let mine = yunnan
        .replace("name: 云南-县级", "name: 我的方案")
        .replace("q: [公开02.合计.事业收入]", "q: [公开02.合计.事业收人]")
        .replace("\"公开03.{code}.本年支出合计\"", "\"公开03.{code}.本年支出合记\"");
    write_profile(&data, &mine);
    let outcomes = check(&[data.join("我的单位")]);
    let msgs: Vec<&str> =
        outcomes[0].diagnostics.iter().filter(|d| d.rule == "L-FORM").map(|d| d.message.as_str()).collect();
    assert!(
        msgs.iter().any(|m| m.contains("“公开02.合计.事业收人”，数字账中没有这个量，是否想写“公开02.合计.事业收入”？")),
        "{msgs:?}"
    );
    assert!(msgs.iter().any(|m| m.contains("“公开03.{code}.本年支出合记”，数字账中没有这个量")), "{msgs:?}");
    // Reported against the file the form is written in: the user's profile (T01's form is inline).
    assert!(
        outcomes[0]
            .diagnostics
            .iter()
            .filter(|d| d.rule == "L-FORM")
            .all(|d| d.file.ends_with("profiles/我的方案.yaml")),
        "{:#?}",
        outcomes[0].diagnostics
    );
}
