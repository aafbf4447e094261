//! Loading: find unit folders with `walkdir`, read their YAML files and turn
//! them into the raw model, with every problem located at file, line and
//! column. The YAML crate (serde-saphyr) is used here and nowhere else.
//!
//! Public entry: [`load_units`]. Parsing is kept apart from I/O
//! ([`parse_yaml`] takes a string) so tests can feed YAML directly.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer};
use walkdir::WalkDir;

use crate::model::{Amount, Code, FinalAccounts, Loc, PerformanceFile, Stated, Unit};
use crate::money::Money;

/// The file holding a unit's stable facts; its folder is the unit folder.
pub const UNIT_FILE: &str = "单位.yaml";
/// The per-year 部门决算 data file, inside a `<year>/` folder.
pub const FINAL_ACCOUNTS_FILE: &str = "决算.yaml";
/// The per-year 绩效自评 data file, inside a `<year>/` folder.
pub const PERFORMANCE_FILE: &str = "绩效自评.yaml";

/// A unit-year's data: the unit's facts and whichever year files exist.
#[derive(Debug, Clone)]
pub struct YearData {
    pub unit: Unit,
    /// `<year>/决算.yaml`, if present.
    pub final_accounts: Option<FinalAccounts>,
    /// `<year>/绩效自评.yaml`, if present.
    pub performance: Option<PerformanceFile>,
}
/// Files larger than this are refused before parsing.
pub const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;

/// A problem with one data file, located as precisely as we can.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    pub file: PathBuf,
    pub at: Loc,
    /// Stable rule ID, e.g. `L-YAML`, `L-UNKNOWN-KEY`.
    pub rule: &'static str,
    /// What is wrong, in Chinese.
    pub message: String,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.at.is_known() {
            write!(f, "{}:{}:{}: [{}] {}", self.file.display(), self.at.line, self.at.column, self.rule, self.message)
        } else {
            write!(f, "{}: [{}] {}", self.file.display(), self.rule, self.message)
        }
    }
}

impl std::error::Error for LoadError {}

/// One unit-year found on disk, loaded as far as it could be.
#[derive(Debug)]
pub struct UnitYear {
    /// The unit folder.
    pub dir: PathBuf,
    /// The data root the unit lives in (its parent folder).
    pub root: PathBuf,
    pub year: u16,
    /// Paths of every input file, for messages and content hashes.
    pub files: Vec<PathBuf>,
    /// Display name: the unit folder's name.
    pub name: String,
}

/// Finds every unit-year under `paths` (data roots, unit folders or year
/// folders) without parsing anything: parsing is [`UnitYear::load`], done by
/// the batch's workers, and not at all for a unit-year whose inputs did not
/// change. Returns the unit-years sorted by unit then year, and problems that
/// belong to no unit-year (a unit folder without any year).
pub fn load_units(paths: &[PathBuf]) -> (Vec<UnitYear>, Vec<LoadError>) {
    let mut years = Vec::new();
    let mut orphans = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for path in paths {
        for unit_dir in find_unit_dirs(path) {
            let only_year = year_of_dir(path).filter(|_| path.parent() == Some(unit_dir.as_path()));
            if !seen.insert((unit_dir.clone(), only_year)) {
                continue;
            }
            let found = find_years(&unit_dir);
            if found.is_empty() {
                orphans.push(LoadError {
                    file: unit_dir.join(UNIT_FILE),
                    at: Loc::default(),
                    rule: "L-NO-YEAR",
                    message: format!(
                        "单位文件夹中没有年度数据：应有 <年度>/{FINAL_ACCOUNTS_FILE} 或 <年度>/{PERFORMANCE_FILE}，例如 2023/{FINAL_ACCOUNTS_FILE}"
                    ),
                });
            }
            for year in found {
                if only_year.is_some_and(|y| y != year) {
                    continue;
                }
                years.push(UnitYear::find(&unit_dir, year));
            }
        }
    }
    years.sort_by(|a, b| (&a.name, a.year).cmp(&(&b.name, b.year)));
    years.dedup_by(|a, b| a.dir == b.dir && a.year == b.year);
    (years, orphans)
}

fn year_of_dir(p: &Path) -> Option<u16> {
    let name = p.file_name()?.to_str()?;
    (name.len() == 4).then(|| name.parse().ok()).flatten()
}

fn find_unit_dirs(path: &Path) -> Vec<PathBuf> {
    // A year folder or a file inside a unit: walk up to the unit folder.
    for anc in path.ancestors().take(3) {
        if anc.join(UNIT_FILE).is_file() {
            return vec![anc.to_path_buf()];
        }
    }
    let mut dirs: Vec<PathBuf> = WalkDir::new(path)
        .max_depth(4)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.file_name() == UNIT_FILE)
        .filter_map(|e| e.path().parent().map(Path::to_path_buf))
        .collect();
    dirs.sort();
    dirs
}

fn find_years(unit_dir: &Path) -> Vec<u16> {
    let mut years: Vec<u16> = WalkDir::new(unit_dir)
        .min_depth(1)
        .max_depth(1)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_dir())
        .filter_map(|e| year_of_dir(e.path()))
        .filter(|y| {
            let d = unit_dir.join(y.to_string());
            d.join(FINAL_ACCOUNTS_FILE).is_file() || d.join(PERFORMANCE_FILE).is_file()
        })
        .collect();
    years.sort();
    years
}

/// Loads one unit-year: the unit file and that year's data files.
impl UnitYear {
    /// The unit-year `year` of the unit in `unit_dir` (its files need not exist).
    pub fn find(unit_dir: &Path, year: u16) -> UnitYear {
        let year_dir = unit_dir.join(year.to_string());
        let files = [unit_dir.join(UNIT_FILE), year_dir.join(FINAL_ACCOUNTS_FILE), year_dir.join(PERFORMANCE_FILE)]
            .into_iter()
            .filter(|f| f.is_file())
            .collect();
        UnitYear {
            dir: unit_dir.to_path_buf(),
            root: unit_dir.parent().map(Path::to_path_buf).unwrap_or_default(),
            year,
            files,
            name: unit_dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        }
    }

    /// Parses the unit file and the year's files; the first problem met is
    /// the error, and only this unit-year fails.
    pub fn load(&self) -> Result<YearData, LoadError> {
        let year = self.year;
        let unit_file = self.dir.join(UNIT_FILE);
        let year_dir = self.dir.join(year.to_string());
        let fa_file = year_dir.join(FINAL_ACCOUNTS_FILE);
        let perf_file = year_dir.join(PERFORMANCE_FILE);
        let wrong_year = |file: &Path, found: u16| LoadError {
            file: file.to_path_buf(),
            at: Loc { line: 1, column: 1 },
            rule: "L-YEAR",
            message: format!("year 为 {found}，但文件位于 {year}/ 文件夹中"),
        };
        let unit: Unit = read_yaml(&unit_file)?;
        let final_accounts: Option<FinalAccounts> = if fa_file.is_file() { Some(read_yaml(&fa_file)?) } else { None };
        if let Some(fa) = &final_accounts
            && fa.year != year
        {
            return Err(wrong_year(&fa_file, fa.year));
        }
        let performance: Option<PerformanceFile> = if perf_file.is_file() { Some(read_yaml(&perf_file)?) } else { None };
        if let Some(p) = &performance
            && p.year != year
        {
            return Err(wrong_year(&perf_file, p.year));
        }
        Ok(YearData { unit, final_accounts, performance })
    }
}

/// Reads and parses one YAML file, refusing oversized, non-UTF-8 and empty files.
pub fn read_yaml<T: DeserializeOwned>(path: &Path) -> Result<T, LoadError> {
    let err = |rule, message: String| LoadError { file: path.to_path_buf(), at: Loc::default(), rule, message };
    let meta = std::fs::metadata(path).map_err(|e| err("L-IO", format!("无法读取文件：{}", io_reason(&e))))?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(err("L-TOO-LARGE", format!("文件过大（{} 字节，上限 {} 字节）", meta.len(), MAX_FILE_BYTES)));
    }
    let bytes = std::fs::read(path).map_err(|e| err("L-IO", format!("无法读取文件：{}", io_reason(&e))))?;
    let text = decode(&bytes).map_err(|(rule, m)| err(rule, m))?;
    parse_yaml(path, &text)
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "文件不存在".into(),
        std::io::ErrorKind::PermissionDenied => "没有读取权限".into(),
        _ => e.to_string(),
    }
}

/// UTF-8 (with or without BOM) is accepted; GBK and other encodings are named.
fn decode(bytes: &[u8]) -> Result<String, (&'static str, String)> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        Err(e) => {
            let (decoded, _, had_errors) = encoding_rs::GBK.decode(bytes);
            let offset = e.valid_up_to();
            let line = bytes[..offset].iter().filter(|&&b| b == b'\n').count() + 1;
            if !had_errors {
                Err((
                    "L-ENCODING",
                    format!(
                        "文件不是 UTF-8 编码，看起来是 GBK（GB2312/GB18030）编码（第 {line} 行起，内容如“{}”）。请用编辑器另存为 UTF-8 编码",
                        decoded.lines().nth(line - 1).unwrap_or("").chars().take(20).collect::<String>()
                    ),
                ))
            } else {
                Err(("L-ENCODING", format!("文件不是 UTF-8 编码（第 {line} 行第一个非法字节）。请另存为 UTF-8 编码")))
            }
        }
    }
}

/// Parses YAML text into `T`; errors carry the file name and position.
pub fn parse_yaml<T: DeserializeOwned>(path: &Path, text: &str) -> Result<T, LoadError> {
    if text.trim().is_empty() || text.lines().all(|l| l.trim().is_empty() || l.trim_start().starts_with('#')) {
        return Err(LoadError {
            file: path.to_path_buf(),
            at: Loc::default(),
            rule: "L-EMPTY",
            message: "文件为空（没有任何数据）".into(),
        });
    }
    let mut options = serde_saphyr::options::Options::default();
    if let Some(b) = options.budget.as_mut() {
        b.max_depth = 32;
        b.max_aliases = 1_000;
        b.max_nodes = 200_000;
    }
    options.alias_limits.max_total_replayed_events = 100_000;
    options.with_snippet = false;
    serde_saphyr::from_str_with_options::<T>(text, options).map_err(|e| translate(path, &e))
}

fn translate(path: &Path, e: &serde_saphyr::Error) -> LoadError {
    use serde_saphyr::Error as E;
    let at = e.location().map(|l| Loc { line: l.line() as u32, column: l.column() as u32 }).unwrap_or_default();
    let (rule, message) = match e {
        E::SerdeUnknownField { field, expected, .. } => {
            let suggestion = expected
                .iter()
                .map(|c| (strsim::jaro_winkler(field, c), *c))
                .filter(|(s, _)| *s > 0.7)
                .max_by(|a, b| a.0.total_cmp(&b.0))
                .map(|(_, c)| format!("，是否想写“{c}”？"))
                .unwrap_or_default();
            let list = expected.join("、");
            ("L-UNKNOWN-KEY", format!("未知的键“{field}”{suggestion}（此处可用的键：{list}）"))
        }
        E::SerdeMissingField { field, .. } => ("L-MISSING-KEY", format!("缺少必填的键“{field}”")),
        E::DuplicateMappingKey { .. } => ("L-DUPLICATE-KEY", format!("重复的键：{}", plain(e))),
        _ => {
            let msg = plain(e);
            if msg.starts_with("expected sequence") {
                ("L-TYPE", "类型不对：应为列表（- 开头的多行）".to_string())
            } else if msg.starts_with("expected mapping") || msg.starts_with("expected map") {
                ("L-TYPE", "类型不对：应为键值映射（键: 值）".to_string())
            } else if let Some(rest) = msg.strip_prefix("invalid type: ") {
                ("L-TYPE", format!("类型不对：{}", translate_type(rest)))
            } else if msg.contains("金额") || msg.contains("编码") {
                ("L-VALUE", msg)
            } else if msg.contains("budget") || msg.contains("alias") || msg.contains("depth") {
                ("L-LIMIT", format!("文件结构超出安全上限（嵌套过深或别名过多）：{msg}"))
            } else {
                ("L-YAML", format!("YAML 格式错误：{msg}"))
            }
        }
    };
    LoadError { file: path.to_path_buf(), at, rule, message }
}

fn plain(e: &serde_saphyr::Error) -> String {
    let s = e.without_snippet().to_string();
    // Drop a trailing " at line X column Y" that the position already says.
    match s.find(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

fn translate_type(rest: &str) -> String {
    match rest.split_once(", expected ") {
        Some((found, expected)) => format!("应为 {}，实际为 {}", zh_kind(expected), zh_kind(found)),
        None => rest.to_string(),
    }
}

fn zh_kind(s: &str) -> String {
    let s = s.trim();
    if s.starts_with("a sequence") || s == "sequence" {
        "列表（- 开头的多行）".into()
    } else if s.starts_with("struct") || s.starts_with("a map") || s == "map" {
        "键值映射".into()
    } else if s.starts_with("u32") || s.starts_with("u16") || s.contains("integer") {
        "整数".into()
    } else if s.starts_with("a string") || s.starts_with("string") {
        "文本".into()
    } else {
        s.to_string()
    }
}

/// The raw text of a scalar, whatever YAML type it resolves to.
struct ScalarText(String);

impl<'de> Deserialize<'de> for ScalarText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(ScalarText)
    }
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = serde_saphyr::Spanned::<ScalarText>::deserialize(d)?;
        let at = Loc { line: s.referenced.line() as u32, column: s.referenced.column() as u32 };
        match Money::parse(&s.value.0) {
            Ok(value) => Ok(Amount { value, at }),
            Err(e) => Err(D::Error::custom(e.to_string())),
        }
    }
}

impl<'de> Deserialize<'de> for Stated {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = serde_saphyr::Spanned::<Option<ScalarText>>::deserialize(d)?;
        let at = Loc { line: s.referenced.line() as u32, column: s.referenced.column() as u32 };
        Ok(Stated { text: s.value.map(|t| t.0), at })
    }
}

impl<'de> Deserialize<'de> for Code {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = serde_saphyr::Spanned::<ScalarText>::deserialize(d)?;
        let at = Loc { line: s.referenced.line() as u32, column: s.referenced.column() as u32 };
        let code = s.value.0.trim().to_string();
        if !(matches!(code.len(), 3 | 5 | 7) && code.chars().all(|c| c.is_ascii_digit())) {
            return Err(D::Error::custom(format!(
                "科目编码“{code}”无效：功能分类编码应为 3 位（类）、5 位（款）或 7 位（项）数字"
            )));
        }
        Ok(Code { code, at })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::FinalAccounts;

    fn parse(text: &str) -> Result<FinalAccounts, LoadError> {
        parse_yaml(Path::new("决算.yaml"), text)
    }

    #[test]
    fn money_round_trips_from_the_scalar_text() {
        let fa = parse(
            "year: 2023\nincome:\n  - code: 2080106\n    fiscal: 0.1\n    other: 385.28\n    business: 1088580.22\n    superior: 18080.97\n    operating: \"1,540.70\"\n    affiliated: 270.90\n",
        )
        .unwrap();
        let r = &fa.income[0];
        assert_eq!(r.code.code, "2080106");
        assert_eq!(r.fiscal.unwrap().value.as_entered(), "0.1");
        assert_eq!(r.other.unwrap().value.as_entered(), "385.28");
        assert_eq!(r.business.unwrap().value.as_entered(), "1088580.22");
        assert_eq!(r.superior.unwrap().value.as_entered(), "18080.97");
        assert_eq!(r.operating.unwrap().value.as_entered(), "1540.70");
        assert_eq!(r.affiliated.unwrap().value.as_entered(), "270.90");
        assert_eq!(r.other.unwrap().at, Loc { line: 5, column: 12 });
    }

    #[test]
    fn unknown_keys_suggest_the_nearest() {
        let e = parse("year: 2023\nincome:\n  - code: 2080106\n    fiscla: 1\n").unwrap_err();
        assert_eq!(e.rule, "L-UNKNOWN-KEY");
        assert!(e.message.contains("是否想写“fiscal”"), "{}", e.message);
        assert_eq!(e.at.line, 4);
    }

    #[test]
    fn bad_amounts_and_codes_are_located() {
        let e = parse("year: 2023\nincome:\n  - code: 2080106\n    fiscal: 1.234\n").unwrap_err();
        assert!(e.message.contains("超过两位小数"), "{e}");
        assert_eq!(e.at.line, 4);
        let e = parse("year: 2023\nincome:\n  - code: 2080106\n    fiscal: 1e5\n").unwrap_err();
        assert!(e.message.contains("科学计数法"), "{e}");
        let e = parse("year: 2023\nincome:\n  - code: 20801066\n").unwrap_err();
        assert!(e.message.contains("科目编码"), "{e}");
        assert_eq!(e.at.line, 3);
    }

    #[test]
    fn duplicate_keys_empty_files_and_wrong_types() {
        let e = parse("year: 2023\nyear: 2024\n").unwrap_err();
        assert_eq!(e.rule, "L-DUPLICATE-KEY", "{e}");
        assert_eq!(e.at.line, 2);
        let e = parse("# only a comment\n").unwrap_err();
        assert_eq!(e.rule, "L-EMPTY");
        let e = parse("year: 2023\nincome: 5\n").unwrap_err();
        assert_eq!(e.rule, "L-TYPE", "{e}");
        let e = parse("year: [2023\n").unwrap_err();
        assert_eq!(e.rule, "L-YAML", "{e}");
    }

    #[test]
    fn encodings() {
        assert!(decode(b"\xEF\xBB\xBFyear: 2023\n").unwrap().starts_with("year"));
        let (gbk, _, _) = encoding_rs::GBK.encode("name: 蓝山县就业服务中心\n");
        let (rule, msg) = decode(&gbk).unwrap_err();
        assert_eq!(rule, "L-ENCODING");
        assert!(msg.contains("GBK"), "{msg}");
    }

    #[test]
    fn alias_bombs_are_refused_quickly() {
        let mut y = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            y += &format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n",
                p = i - 1
            );
        }
        let start = std::time::Instant::now();
        let r: Result<serde_json::Value, _> = parse_yaml(Path::new("bomb.yaml"), &y);
        assert!(r.is_err());
        assert!(start.elapsed().as_secs() < 5);
    }
}
