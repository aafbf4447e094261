//! `gongkai diff` as a reviewer runs it: on a small git repository built by
//! the test (a sample unit, then a resubmission that changes one typed
//! figure and drops one reason), and across two years of one unit.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;

fn run(dir: &Path, program: &str, args: &[&str]) -> (i32, String) {
    let out = Command::new(program).args(args).current_dir(dir).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

fn gongkai(dir: &Path, args: &[&str]) -> (i32, String) {
    run(dir, env!("CARGO_BIN_EXE_gongkai"), args)
}

fn commit(dir: &Path, message: &str) {
    let (code, out) = run(dir, "git", &["add", "-A"]);
    assert_eq!(code, 0, "{out}");
    let (code, out) =
        run(dir, "git", &["-c", "user.name=测试", "-c", "user.email=t@example.org", "commit", "-qm", message]);
    assert_eq!(code, 0, "{out}");
}

/// A repository with 蓝山 as published, then a resubmission.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for part in ["蓝山县就业服务中心", "profiles", "catalogue"] {
        copy_dir(&repo().join("data").join(part), &dir.path().join("data").join(part));
    }
    let (code, out) = run(dir.path(), "git", &["init", "-q"]);
    assert_eq!(code, 0, "{out}");
    commit(dir.path(), "首次报送");
    let file = dir.path().join("data/蓝山县就业服务中心/2023/决算.yaml");
    edit(&file, "org_running_cost_budget: 10.99", "org_running_cost_budget: 12.99");
    edit(&file, "  org_running_cost: 办公经费增加", "");
    commit(dir.path(), "再次报送");
    dir
}

#[test]
fn a_resubmission_shows_the_figures_sentences_and_findings_that_moved() {
    let dir = repository();
    let (code, out) = gongkai(dir.path(), &["diff", "HEAD~1", "HEAD"]);
    assert_eq!(code, 1, "differences exit 1, as diff(1) does: {out}");
    // Changed figures first: the typed one, then what is computed from it.
    let typed = out.find("机关运行经费.年初预算数［填写］ 10.99万元 → 12.99万元（+2万元）").expect(&out);
    let computed = out.find("机关运行经费.增减率［计算］ 265.42% → 209.16%").expect(&out);
    let sentence = out.find("第三部分文字变动").expect(&out);
    let finding = out.find("新出现的审核发现 1 条").expect(&out);
    assert!(typed < computed && computed < sentence && sentence < finding, "{out}");
    assert!(
        out.contains("- 本部门2023年度机关运行经费支出40.16万元，比年初预算数增加29.17万元，增长265.42%。"),
        "{out}"
    );
    assert!(
        out.contains("+ 本部门2023年度机关运行经费支出40.16万元，比年初预算数增加27.17万元，增长209.16%。"),
        "{out}"
    );
    assert!(out.contains("- 主要原因是：办公经费增加。"), "{out}");
    assert!(out.contains("data/蓝山县就业服务中心/2023/决算.yaml:97: 警告[N-REASON]"), "{out}");
    // Nothing else moved: no other figure of the unit.
    assert_eq!(out.matches("［填写］").count(), 1, "{out}");
    // The working tree is untouched and nothing is left behind.
    let (_, status) = run(dir.path(), "git", &["status", "--porcelain"]);
    assert_eq!(status, "");
}

#[test]
fn json_for_ci_and_no_difference_exits_zero() {
    let dir = repository();
    let (code, out) = gongkai(dir.path(), &["diff", "HEAD~1", "HEAD", "data/蓝山县就业服务中心", "--format", "json"]);
    assert_eq!(code, 1, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).expect(&out);
    let unit = &v["units"][0];
    assert_eq!(unit["status"], "changed");
    let q = &unit["quantities"][0];
    assert_eq!(
        (&q["name"], &q["old_exact"], &q["new_exact"], &q["difference"]),
        (&"机关运行经费.年初预算数".into(), &"10.99".into(), &"12.99".into(), &"+2".into())
    );
    assert_eq!(unit["appeared"][0]["rule"], "N-REASON");
    assert_eq!(unit["disappeared"].as_array().map(Vec::len), Some(0));

    let (code, out) = gongkai(dir.path(), &["diff", "HEAD", "HEAD"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("共 1 个单位年度，0 个有变动"), "{out}");

    let (code, out) = gongkai(dir.path(), &["diff", "HEAD~7", "HEAD"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("“HEAD~7”不是仓库"), "{out}");
}

#[test]
fn a_unit_added_in_the_resubmission_and_two_years_of_one_unit() {
    let dir = repository();
    // A second year: last year's figures, with 其他收入 23 less.
    let unit = dir.path().join("data/蓝山县就业服务中心");
    std::fs::create_dir_all(unit.join("2022")).unwrap();
    let this = std::fs::read_to_string(unit.join("2023/决算.yaml")).unwrap();
    let last = this.replacen("year: 2023", "year: 2022", 1).replacen("other: 223.28", "other: 200.28", 1);
    assert_ne!(last, this);
    std::fs::write(unit.join("2022/决算.yaml"), last).unwrap();
    commit(dir.path(), "加上年");
    let (_, out) = gongkai(dir.path(), &["diff", "HEAD~1", "HEAD"]);
    assert!(out.contains("== 蓝山县就业服务中心 2022（仅在 HEAD 中）"), "{out}");

    let (code, out) = gongkai(dir.path(), &["diff", "--years", "2022", "2023", "data/蓝山县就业服务中心"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("== 蓝山县就业服务中心 2022→2023"), "{out}");
    assert!(out.contains("公开02.2080106.其他收入［填写］ 200.28万元 → 223.28万元（+23万元）"), "{out}");
    assert!(out.contains("公开01.收入总计［计算］ 362.28万元 → 385.28万元（+23万元）"), "{out}");
}
