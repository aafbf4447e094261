//! The command line (clap derive).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// gongkai（公开）：把单位的 YAML 数据生成为部门决算等公开文件（PDF）。
#[derive(Debug, Parser)]
#[command(name = "gongkai", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// 审核并生成 PDF（默认处理 data/ 下所有单位）。
    Build(BuildArgs),
    /// 只审核，不生成。
    Check(CheckArgs),
    /// 说明一个数字从哪里来：它的值、公式，一直到数据文件的行。
    Explain(ExplainArgs),
    /// 比较两个修订（或一个单位的两个年度）：变动的数字、第三部分文字和审核发现。
    Diff(DiffArgs),
    /// 新建一个单位文件夹（带注释的 YAML 模板）。
    New(NewArgs),
    /// 从公开表工作簿（.xlsx 或 .xls）导入一个单位年度的 决算.yaml，随后审核。
    Import(ImportArgs),
    /// 输出数据文件的 JSON Schema（供编辑器校验和补全）。
    Schema(SchemaArgs),
}

/// Flags shared by build and check.
#[derive(Debug, Args)]
pub struct Common {
    /// 数据目录、单位文件夹或年度文件夹（默认 data）。
    pub paths: Vec<PathBuf>,
    /// 输出格式。
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// 并行线程数（默认每个 CPU 核一个）。
    #[arg(short = 'j', long, default_value_t = 0)]
    pub jobs: usize,
    /// 不显示进度和成功行，只显示问题和一行摘要。
    #[arg(short, long)]
    pub quiet: bool,
    /// 只处理第 K 份（共 N 份，如 2/4），用于把一批单位分给多台机器。
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    pub shard: Option<(usize, usize)>,
}

fn parse_archive(s: &str) -> Result<gongkai::model::PdfArchive, String> {
    use gongkai::model::PdfArchive::*;
    match s.to_ascii_lowercase().as_str() {
        "a-2b" => Ok(A2b),
        "a-2u" => Ok(A2u),
        "a-3b" => Ok(A3b),
        "a-3u" => Ok(A3u),
        _ => Err("应为 a-2b、a-2u、a-3b 或 a-3u".into()),
    }
}

fn parse_shard(s: &str) -> Result<(usize, usize), String> {
    let (k, n) = s.split_once('/').ok_or("格式应为 K/N，如 1/4")?;
    let k: usize = k.trim().parse().map_err(|_| "K 应为正整数")?;
    let n: usize = n.trim().parse().map_err(|_| "N 应为正整数")?;
    if n == 0 || k == 0 || k > n {
        return Err(format!("应满足 1 ≤ K ≤ N，实为 {k}/{n}"));
    }
    Ok((k, n))
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub common: Common,
    /// 输出目录。
    #[arg(short, long, default_value = "output")]
    pub out: PathBuf,
    /// 同时在 PDF 旁写出生成的 Typst 源文件（.typ）。
    #[arg(long)]
    pub typst: bool,
    /// 审核未通过也生成，每页标注「未通过审核」；该单位年度仍算失败（退出码 1）。
    #[arg(long)]
    pub draft: bool,
    /// 输入未改动的单位年度也重新生成。
    #[arg(long)]
    pub force: bool,
    /// 生成符合存档标准的 PDF：a-2b、a-2u、a-3b 或 a-3u（需要数据中的 publish_date）。
    #[arg(long, value_name = "STANDARD", value_parser = parse_archive)]
    pub pdf_standard: Option<gongkai::model::PdfArchive>,
    /// 同时在部门决算 PDF 旁写出公开表工作簿“<PDF 名>公开表.xlsx”（版式方案可写 xlsx: true 作为缺省）。
    #[arg(long)]
    pub xlsx: bool,
    /// 用此文件夹中的模板逐个覆盖内置模板。
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// 额外的字体文件夹（可多次指定）。
    #[arg(long = "font-path", value_name = "DIR")]
    pub font_paths: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub common: Common,
    /// 列出全部审核规则。
    #[arg(long)]
    pub list_rules: bool,
    /// 列出所有量（可打印、可在 stated: 中比对的名称）及其含义和公式；给出路径时列出其中每个单位年度的全部量和值。
    #[arg(long)]
    pub list_quantities: bool,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// 单位文件夹或年度文件夹（只能是一个单位年度）。
    pub path: PathBuf,
    /// 量的名称，如“三.项目支出.占比”（见 gongkai check --list-quantities）。
    pub name: String,
    /// 展开公式的层数。
    #[arg(long, default_value_t = 6)]
    pub depth: usize,
}

/// `gongkai diff A B [PATHS]` or `gongkai diff --years 2022 2023 [PATHS]`.
#[derive(Debug, Args)]
#[command(
    after_help = "例：\n  gongkai diff HEAD~1 HEAD data/蓝山县就业服务中心\n  gongkai diff v2023-首次报送 main\n  gongkai diff --years 2022 2023 data/蓝山县就业服务中心"
)]
pub struct DiffArgs {
    /// 两个 git 修订（提交、标签、分支，如 HEAD~1 HEAD），其后是数据目录、单位或年度文件夹（默认 data）；用 --years 时全部是路径。
    #[arg(value_name = "A B [PATHS]")]
    pub args: Vec<String>,
    /// 比较同一单位的两个年度（工作区中的数据），而不是两个修订。
    #[arg(long, num_args = 2, value_names = ["OLD", "NEW"])]
    pub years: Option<Vec<u16>>,
    /// 输出格式。
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// 模板目录（默认内置模板；第三部分的句子按它生成）。
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// 单位名称（即文件夹名）。
    pub unit: String,
    /// 数据目录。
    #[arg(long, default_value = "data")]
    pub data: PathBuf,
    /// 年度。
    #[arg(long, default_value_t = 2023)]
    pub year: u16,
    /// 版式方案。
    #[arg(long, default_value = "湖南-县级-2023")]
    pub profile: String,
    /// 要公开的文件：final-accounts（部门决算）、performance（只有绩效自评）或 both。
    #[arg(long, value_enum, default_value_t = NewDocuments::FinalAccounts)]
    pub documents: NewDocuments,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// 公开表工作簿：.xlsx 或 .xls（一表一个工作表，或几张表在同一工作表中）。
    pub workbook: PathBuf,
    /// 单位文件夹（缺省为 <数据目录>/<表头中的部门名称>）。
    #[arg(long, value_name = "DIR")]
    pub unit: Option<PathBuf>,
    /// 数据目录（没有 --unit 时使用）。
    #[arg(long, default_value = "data")]
    pub data: PathBuf,
    /// 年度（缺省取工作簿中写明的年度，如“2023年度”）。
    #[arg(long)]
    pub year: Option<u16>,
    /// 覆盖已有的 决算.yaml。
    #[arg(long)]
    pub force: bool,
    /// 审核结果的输出格式。
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NewDocuments {
    /// 部门决算（<年度>/决算.yaml）
    FinalAccounts,
    /// 只有绩效自评（<年度>/绩效自评.yaml）
    Performance,
    /// 两者
    Both,
}

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// 哪个数据文件。
    #[arg(value_enum)]
    pub kind: SchemaKind,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SchemaKind {
    /// 单位.yaml
    Unit,
    /// <年度>/决算.yaml
    FinalAccounts,
    /// <年度>/绩效自评.yaml
    Performance,
    /// profiles/*.yaml
    Profile,
    /// profiles/forms/*.yaml（公开表的表式）
    Forms,
    /// profiles/自评表/*.yaml（绩效自评表的表式）
    EvaluationForms,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
}
