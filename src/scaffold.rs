//! `gongkai new UNIT`: a new unit folder with commented YAML to fill in.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::load::{FINAL_ACCOUNTS_FILE, UNIT_FILE};

/// The years `new` accepts.
const YEARS: std::ops::RangeInclusive<u16> = 2000..=2100;

/// Folders of the data root that are not units.
const RESERVED: &[&str] = &["profiles", "catalogue", "schema"];

/// Characters Windows refuses in folder names; data folders are shared with
/// Windows users, so they are refused everywhere.
const FORBIDDEN: &[char] = &['/', '\\', '<', '>', ':', '"', '|', '?', '*'];

/// Creates `<data>/<name>/单位.yaml` and `<data>/<name>/<year>/决算.yaml`.
/// Every argument is checked before anything is written.
pub fn new_unit(data: &Path, name: &str, year: u16, profile: &str) -> Result<Vec<PathBuf>> {
    check_name(name)?;
    if !YEARS.contains(&year) {
        bail!("年度 {year} 无效：应为 {} 到 {} 之间的四位数年份，如 2023", YEARS.start(), YEARS.end());
    }
    let profiles = available_profiles(data);
    if !profiles.iter().any(|p| p == profile) {
        bail!(
            "找不到版式方案“{profile}”：可用的方案有 {}（内置方案，或 {} 下的 .yaml 文件）",
            profiles.join("、"),
            data.join("profiles").display()
        );
    }
    let dir = data.join(name);
    // An empty folder made beforehand is fine; anything else is not ours to touch.
    if std::fs::symlink_metadata(&dir).is_ok_and(|m| !m.is_dir() || !is_empty_dir(&dir)) {
        bail!("{} 已存在，不会覆盖：请换一个单位名称，或先移走这个文件夹", dir.display());
    }
    let unit = format!(
        r#"# yaml-language-server: $schema=../schema/单位.schema.json
# {name} 的稳定信息（各年度共用）。带“#”的行是说明，可删除。
# 【待填写：…】处在填好之前，审核报错 N-TODO，不会生成文件。
name: "{name}"
# short_name: 简称（001 式标题使用，可省略）
region: 【待填写：区划，如“某某县”】
supervising_department: 【待填写：主管部门】
profile: {profile}            # 版式方案：data/profiles/ 下的文件名
duties_intro: "{name}【待填写：职能概述】主要职责是："
duties:                       # 部门职责，每项一条，自动编号（一）（二）……
  - 【待填写：第一项职责】
internal_departments:         # 内设机构，自动以“、”连接
  - 【待填写：内设机构】
budget_units:                 # 决算单位构成
  - "{name}本级"
"#
    );
    let fa = format!(
        r#"# yaml-language-server: $schema=../../schema/决算.schema.json
# {name} {year} 年度部门决算数据。金额单位：万元，最多两位小数。
# 只填项级（7 位）科目；类、款、合计及第三部分的所有数字由程序计算。
year: {year}
income:                       # 公开02表 收入
  - code: "2080106"           # 功能分类项级编码
    fiscal: 0                 # 一般公共预算财政拨款收入
    # other: 0                # 其他收入
expense:                      # 公开03表/公开05表 支出
  - code: "2080106"
    basic: 0                  # 基本支出（全部资金）
    project: 0                # 项目支出（全部资金）
    fiscal_basic: 0           # 一般公共预算财政拨款基本支出
    fiscal_initial_budget: 0  # 年初预算数
    reason: 【待填写：决算数与年初预算数差异的原因】
basic_by_econ: {{}}             # 公开06表：经济分类款级编码 → 决算数，如 "30101": 56.38
three_public:                 # 公开07表 “三公”经费
  budget: {{}}                  # abroad / car_purchase / car_running / reception
  actual: {{}}
previous:                     # 上年数（仓库中有上年数据时可删除）
  total: 0
  fiscal_total: 0
  fiscal_expense: 0
  three_public: {{}}
reasons:
  total_change: 【待填写：收支总计变动的原因】
  fiscal_change: 【待填写：财政拨款收支变动的原因】
  fiscal_expense_change: 【待填写：财政拨款支出变动的原因】
"#
    );
    let unit_path = dir.join(UNIT_FILE);
    let fa_path = dir.join(year.to_string()).join(FINAL_ACCOUNTS_FILE);
    let year_dir = fa_path.parent().expect("has parent");
    std::fs::create_dir_all(year_dir).with_context(|| format!("无法创建文件夹 {}", year_dir.display()))?;
    std::fs::write(&unit_path, unit).with_context(|| format!("无法写入 {}", unit_path.display()))?;
    std::fs::write(&fa_path, fa).with_context(|| format!("无法写入 {}", fa_path.display()))?;
    Ok(vec![unit_path, fa_path])
}

/// A unit name is a folder name directly in the data root: refuse anything
/// that would land elsewhere, be hard to type again, or break on Windows.
fn check_name(name: &str) -> Result<()> {
    let allowed = "单位名称即文件夹名，可以用汉字、字母、数字和 -、_、（）等符号";
    if name.trim().is_empty() {
        bail!("单位名称不能为空：{allowed}");
    }
    if name.trim() != name {
        bail!("单位名称“{name}”的开头或结尾有空格：请去掉首尾的空格，写成“{}”", name.trim());
    }
    if name == "." || name == ".." {
        bail!("单位名称不能是“{name}”（它表示当前或上一级文件夹）：{allowed}");
    }
    if let Some(c) = name.chars().find(|c| c.is_control()) {
        bail!("单位名称中不能有控制字符（U+{:04X}，如换行或 Tab）：{allowed}", c as u32);
    }
    if let Some(c) = name.chars().find(|c| FORBIDDEN.contains(c)) {
        bail!("单位名称“{name}”中不能有“{c}”：名称中不能出现 / \\ < > : \" | ? * 这些符号，{allowed}");
    }
    if RESERVED.contains(&name) {
        bail!("单位名称不能是“{name}”：数据目录中的 {} 文件夹另有用途", RESERVED.join("、"));
    }
    Ok(())
}

/// The profile names a unit under `data` can use: the built-in ones and the
/// data root's own `profiles/*.yaml`, as [`crate::resources::profile`] finds them.
fn available_profiles(data: &Path) -> Vec<String> {
    let mut names: Vec<String> = crate::resources::builtin_profiles().map(str::to_string).collect();
    if let Ok(entries) = std::fs::read_dir(data.join("profiles")) {
        for e in entries.flatten() {
            let path = e.path();
            if path.is_file()
                && path.extension().is_some_and(|x| x == "yaml")
                && let Some(stem) = path.file_stem().and_then(|s| s.to_str())
            {
                names.push(stem.to_string());
            }
        }
    }
    names.sort();
    names.dedup();
    names
}

fn is_empty_dir(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|mut d| d.next().is_none())
}
