//! `gongkai new UNIT`: a new unit folder with commented YAML to fill in.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

use crate::load::{FINAL_ACCOUNTS_FILE, UNIT_FILE};

/// Creates `<data>/<name>/单位.yaml` and `<data>/<name>/<year>/决算.yaml`.
pub fn new_unit(data: &Path, name: &str, year: u16, profile: &str) -> Result<Vec<PathBuf>> {
    if name.trim().is_empty() || name.contains(['/', '\\']) {
        bail!("单位名称“{name}”不能为空，也不能包含 / 或 \\");
    }
    let dir = data.join(name);
    if dir.join(UNIT_FILE).exists() {
        bail!("{} 已存在，不会覆盖", dir.join(UNIT_FILE).display());
    }
    let unit = format!(
        r#"# yaml-language-server: $schema=../schema/单位.schema.json
# {name} 的稳定信息（各年度共用）。带“#”的行是说明，可删除。
name: {name}
# short_name: 简称（001 式标题使用，可省略）
region: 区划，如“某某县”
supervising_department: 主管部门
profile: {profile}            # 版式方案：data/profiles/ 下的文件名
duties_intro: "{name}……主要职责是："
duties:                       # 部门职责，每项一条，自动编号（一）（二）……
  - 第一项职责。
internal_departments:         # 内设机构，自动以“、”连接
  - 办公室
budget_units:                 # 决算单位构成
  - {name}本级
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
    reason: 严格执行预算       # 决算数与年初预算数差异的原因
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
  total_change: 原因
  fiscal_change: 原因
  fiscal_expense_change: 原因
"#
    );
    let unit_path = dir.join(UNIT_FILE);
    let fa_path = dir.join(year.to_string()).join(FINAL_ACCOUNTS_FILE);
    std::fs::create_dir_all(fa_path.parent().expect("has parent"))?;
    std::fs::write(&unit_path, unit)?;
    std::fs::write(&fa_path, fa)?;
    Ok(vec![unit_path, fa_path])
}
