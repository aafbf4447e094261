//! `gongkai new UNIT`: a new unit folder with commented YAML to fill in,
//! every figure a placeholder that 审核 refuses until it is filled.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::load::{FINAL_ACCOUNTS_FILE, PERFORMANCE_FILE, UNIT_FILE};

/// The years `new` accepts.
const YEARS: std::ops::RangeInclusive<u16> = 2000..=2100;

/// Folders of the data root that are not units.
const RESERVED: &[&str] = &["profiles", "catalogue", "schema"];

/// Characters Windows refuses in folder names; data folders are shared with
/// Windows users, so they are refused everywhere.
const FORBIDDEN: &[char] = &['/', '\\', '<', '>', ':', '"', '|', '?', '*'];

/// Which documents a new unit publishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Documents {
    /// 部门决算 only (`<year>/决算.yaml`).
    FinalAccounts,
    /// 绩效自评 only (`<year>/绩效自评.yaml`).
    Performance,
    /// Both.
    Both,
}

/// The JSON Schemas of the data files, as `gongkai schema` prints them.
pub fn schema_json(kind: &str) -> String {
    let schema = match kind {
        "unit" => schemars::schema_for!(crate::model::Unit),
        "final-accounts" => schemars::schema_for!(crate::model::FinalAccounts),
        "performance" => schemars::schema_for!(crate::model::PerformanceFile),
        "forms" => schemars::schema_for!(crate::model::grid::Forms),
        "evaluation-forms" => schemars::schema_for!(crate::model::scored_form::ScoredForms),
        _ => schemars::schema_for!(crate::model::Profile),
    };
    serde_json::to_string_pretty(&schema).expect("schemas serialize")
}

/// The schema files `new` points the YAML files at, by file name.
const SCHEMAS: &[(&str, &str)] = &[
    ("unit", "单位.schema.json"),
    ("final-accounts", "决算.schema.json"),
    ("performance", "绩效自评.schema.json"),
    ("profile", "profile.schema.json"),
];

/// Creates `<data>/<name>/单位.yaml` and the year's data files, and the
/// JSON Schemas under `<data>/schema/` that their `$schema` lines name, if
/// the data root has none. Every argument is checked before anything is
/// written. Every figure to fill is a 【待填写：…】 placeholder that 审核
/// refuses (N-TODO) until it is filled.
pub fn new_unit(data: &Path, name: &str, year: u16, profile: &str, docs: Documents) -> Result<Vec<PathBuf>> {
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
    let year_dir = dir.join(year.to_string());
    let mut files = vec![(dir.join(UNIT_FILE), unit_yaml(name, profile))];
    if docs != Documents::Performance {
        files.push((year_dir.join(FINAL_ACCOUNTS_FILE), final_accounts_yaml(name, year)));
    }
    if docs != Documents::FinalAccounts {
        files.push((year_dir.join(PERFORMANCE_FILE), performance_yaml(name, year, docs == Documents::Both)));
    }
    let schema_dir = data.join("schema");
    for (kind, file) in SCHEMAS {
        let path = schema_dir.join(file);
        if !path.exists() {
            files.push((path, schema_json(kind) + "\n"));
        }
    }
    let mut written = Vec::new();
    for (path, text) in files {
        let parent = path.parent().expect("has parent");
        std::fs::create_dir_all(parent).with_context(|| format!("无法创建文件夹 {}", parent.display()))?;
        std::fs::write(&path, text).with_context(|| format!("无法写入 {}", path.display()))?;
        written.push(path);
    }
    Ok(written)
}

/// The `单位.yaml` of a new unit: its name, the rest placeholders.
pub(crate) fn unit_yaml(name: &str, profile: &str) -> String {
    format!(
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
    )
}

fn final_accounts_yaml(name: &str, year: u16) -> String {
    format!(
        r#"# yaml-language-server: $schema=../../schema/决算.schema.json
# {name} {year} 年度部门决算数据。
# 只填项级（7 位）科目；类、款、合计及第三部分的所有数字由程序计算。
year: {year}
unit: 万元                    # 本文件金额的单位：万元、元 或 亿元（按原文的精度填写，元到分）
income:                       # 公开02表 收入
  - code: "2080106"           # 功能分类项级编码
    fiscal: 【待填写：一般公共预算财政拨款收入】
    # other: 0                # 其他收入
expense:                      # 公开03表/公开05表 支出
  - code: "2080106"
    basic: 【待填写：基本支出（全部资金）】
    # project: 0              # 项目支出（全部资金）
    fiscal_basic: 【待填写：一般公共预算财政拨款基本支出】
    fiscal_initial_budget: 【待填写：年初预算数】
    reason: 【待填写：决算数与年初预算数差异的原因】
basic_by_econ:                # 公开06表：经济分类款级编码 → 决算数
  "30101": 【待填写：基本工资】
three_public:                 # 公开07表 “三公”经费：abroad / car_purchase / car_running / reception
  budget:
    reception: 【待填写：公务接待费预算数】
  actual:
    reception: 【待填写：公务接待费决算数】
org_running_cost_budget: 【待填写：机关运行经费年初预算数（年初未安排写 0；版式方案按上年比较时删去此行）】
previous:                     # 上年数（仓库中有上年数据时可删除）
  total: 【待填写：上年收、支总计】
  fiscal_total: 【待填写：上年财政拨款收、支总计】
  fiscal_expense: 【待填写：上年一般公共预算财政拨款支出】
  org_running_cost: 【待填写：上年机关运行经费（上年没有写 0）】
  three_public:
    reception: 【待填写：上年公务接待费决算数】
reasons:
  total_change: 【待填写：收支总计变动的原因】
  fiscal_change: 【待填写：财政拨款收支变动的原因】
  fiscal_expense_change: 【待填写：财政拨款支出变动的原因】
"#
    )
}

fn performance_yaml(name: &str, year: u16, with_final_accounts: bool) -> String {
    let text = format!(
        r#"# yaml-language-server: $schema=../../schema/绩效自评.schema.json
# {name} {year} 年度绩效自评。每份报告（reports:）生成一个 PDF；
# 由数字决定的段落写成 {{computed: 种类}}（见 README“绩效自评”）。
year: {year}
unit: 万元
reports:
  - kind: overall
    title:
      - "{year}年度{name}部门整体支出绩效自评报告"
    sections:
      - title: 部门（单位）基本情况
        content:
          - 【待填写：单位职能、机构、人员情况】
      - title: 一般公共预算支出情况
        children:
          - title: 基本支出情况
            content:
              - computed: basic_expenditure
          - title: 项目支出情况
            content:
              - computed: project_expenditure
      - title: 部门整体支出绩效情况
        content:
          - 【待填写：绩效目标完成情况】
      - title: 存在的问题及原因分析
        content:
          - 【待填写：存在的问题】
      - title: 下一步改进措施
        content:
          - 【待填写：改进措施】
numbers:
  basic_budget: 【待填写：基本支出年初预算】
  basic_actual: 【待填写：基本支出实际数（有同年度 决算.yaml 时删去这一行）】
  project_budget: 【待填写：项目支出年初预算】
  project_actual: 【待填写：项目支出实际数（有同年度 决算.yaml 时删去这一行）】
"#
    );
    // With the 决算 data beside it, the actuals come from there.
    if with_final_accounts {
        text.lines().filter(|l| !l.contains("_actual:")).map(|l| format!("{l}\n")).collect()
    } else {
        text
    }
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
