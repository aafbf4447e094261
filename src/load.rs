//! Loading: find unit folders with `walkdir`, read their YAML files and turn
//! them into the raw model, with every problem located at file, line and
//! column. The YAML crate (serde-saphyr) is used here and nowhere else.
//!
//! Public entry: [`load_units`]. Parsing is kept apart from I/O
//! ([`parse_yaml`] takes a string) so tests can feed YAML directly.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
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
    /// Other problems of the same file found in the same reading (every bad
    /// amount or code, not just the first).
    pub also: Vec<LoadError>,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.at.is_known() {
            write!(f, "{}:{}:{}: [{}] {}", self.file.display(), self.at.line, self.at.column, self.rule, self.message)?;
        } else {
            write!(f, "{}: [{}] {}", self.file.display(), self.rule, self.message)?;
        }
        if !self.also.is_empty() {
            write!(f, "（同一文件另有 {} 处）", self.also.len())?;
        }
        Ok(())
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
/// belong to no unit-year: a unit folder without any year (L-NO-YEAR), a
/// path holding no unit-year at all (L-NO-DATA).
pub fn load_units(paths: &[PathBuf]) -> (Vec<UnitYear>, Vec<LoadError>) {
    let mut years = Vec::new();
    let mut orphans = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for path in paths {
        // “.” and “..” name no folder: resolve them, so that a unit found
        // from inside its own folder still has a name and a data root.
        let resolved = path.file_name().is_none().then(|| path.canonicalize().ok()).flatten();
        let path = resolved.as_ref().unwrap_or(path);
        let mut found_any = false;
        for unit_dir in find_unit_dirs(path) {
            let only_year = year_of_dir(path).filter(|_| path.parent() == Some(unit_dir.as_path()));
            let found = find_years(&unit_dir);
            // A unit without years is reported below; a year folder counts
            // only if it holds that year's data.
            found_any |= found.is_empty() || found.iter().any(|&y| only_year.is_none_or(|o| o == y));
            if !seen.insert((unit_dir.clone(), only_year)) {
                continue;
            }
            if found.is_empty() {
                orphans.push(LoadError {
                    file: unit_dir.join(UNIT_FILE),
                    at: Loc::default(),
                    rule: "L-NO-YEAR",
                    message: format!(
                        "单位文件夹中没有年度数据：应有 <年度>/{FINAL_ACCOUNTS_FILE} 或 <年度>/{PERFORMANCE_FILE}，例如 2023/{FINAL_ACCOUNTS_FILE}"
                    ), also: Vec::new() });
            }
            for year in found {
                if only_year.is_some_and(|y| y != year) {
                    continue;
                }
                years.push(UnitYear::find(&unit_dir, year));
            }
        }
        if !found_any {
            orphans.push(LoadError {
                file: path.clone(),
                at: Loc::default(),
                rule: "L-NO-DATA",
                message: format!(
                    "这里没有找到单位年度数据：单位文件夹中应有 {UNIT_FILE}，年度数据放在 <年度>/{FINAL_ACCOUNTS_FILE} 或 <年度>/{PERFORMANCE_FILE}"
                ), also: Vec::new() });
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
            at: year_loc(file),
            rule: "L-YEAR",
            message: format!("year 为 {found}，但文件位于 {year}/ 文件夹中"),
            also: Vec::new(),
        };
        let unit: Unit = read_yaml(&unit_file)?;
        let final_accounts: Option<FinalAccounts> = if fa_file.is_file() { Some(read_yaml(&fa_file)?) } else { None };
        if let Some(fa) = &final_accounts
            && fa.year != year
        {
            return Err(wrong_year(&fa_file, fa.year));
        }
        let performance: Option<PerformanceFile> =
            if perf_file.is_file() { Some(read_yaml(&perf_file)?) } else { None };
        if let Some(p) = &performance
            && p.year != year
        {
            return Err(wrong_year(&perf_file, p.year));
        }
        Ok(YearData { unit, final_accounts, performance })
    }
}

/// Where the top-level `year:` value of `file` is, for L-YEAR; unknown if
/// the file cannot be read again. Only called once a mismatch is found, so
/// the second parse costs nothing on the normal path.
fn year_loc(file: &Path) -> Loc {
    let text = std::fs::read(file).ok().and_then(|b| decode(&b).ok());
    text.map(|t| year_loc_in(&t)).unwrap_or_default()
}

fn year_loc_in(text: &str) -> Loc {
    /// Just the `year` key, located like [`Amount`]; every other key ignored.
    #[derive(Deserialize)]
    struct YearOnly {
        year: serde_saphyr::Spanned<serde::de::IgnoredAny>,
    }
    match serde_saphyr::from_str::<YearOnly>(text) {
        Ok(y) => Loc { line: y.year.referenced.line() as u32, column: y.year.referenced.column() as u32 },
        Err(_) => Loc::default(),
    }
}

/// Reads and parses one YAML file, refusing oversized, non-UTF-8 and empty files.
pub fn read_yaml<T: DeserializeOwned>(path: &Path) -> Result<T, LoadError> {
    let err = |rule, message: String| LoadError {
        file: path.to_path_buf(),
        at: Loc::default(),
        rule,
        message,
        also: Vec::new(),
    };
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
            also: Vec::new(),
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
    // Bad amounts and codes are collected, not returned at the first, so
    // that one run reports every one of them.
    let (parsed, bad) = collecting_values(|| serde_saphyr::from_str_with_options::<T>(text, options));
    let mut errors: Vec<LoadError> = bad
        .into_iter()
        .map(|(at, message)| LoadError { file: path.to_path_buf(), at, rule: "L-VALUE", message, also: Vec::new() })
        .collect();
    match parsed {
        Ok(v) if errors.is_empty() => Ok(v),
        Ok(_) => {
            let mut first = errors.remove(0);
            first.also = errors;
            Err(first)
        }
        Err(e) => {
            let mut first = translate(path, text, &e);
            errors.retain(|x| x.at != first.at);
            first.also = errors;
            Err(first)
        }
    }
}

thread_local! {
    /// Value errors of the YAML being parsed on this thread (`None`: not collecting).
    static VALUE_ERRORS: std::cell::RefCell<Option<Vec<(Loc, String)>>> = const { std::cell::RefCell::new(None) };
}

/// Runs `parse` collecting the value errors [`value_error`] records.
fn collecting_values<R>(parse: impl FnOnce() -> R) -> (R, Vec<(Loc, String)>) {
    let outer = VALUE_ERRORS.with(|v| v.borrow_mut().replace(Vec::new()));
    let r = parse();
    let mine = VALUE_ERRORS.with(|v| std::mem::replace(&mut *v.borrow_mut(), outer)).unwrap_or_default();
    (r, mine)
}

/// Records a bad value at `at`; `Ok` (keep parsing) when collecting.
fn value_error<E: serde::de::Error>(at: Loc, message: String) -> Result<(), E> {
    VALUE_ERRORS.with(|v| match v.borrow_mut().as_mut() {
        Some(errors) => {
            errors.push((at, message));
            Ok(())
        }
        None => Err(E::custom(message)),
    })
}

fn translate(path: &Path, text: &str, e: &serde_saphyr::Error) -> LoadError {
    use serde_saphyr::Error as E;
    let mut at = e.location().map(|l| Loc { line: l.line() as u32, column: l.column() as u32 }).unwrap_or_default();
    // A syntax error's message, and its position moved to the real culprit
    // (a full-width colon or a tab) when that is on a neighbouring line.
    let mut syntax = |msg: &str| {
        let (culprit, line) = culprit(text, at, msg);
        at = culprit;
        explain_yaml_error(msg, line)
    };
    let (rule, message) = match e {
        E::SerdeUnknownField { field, expected, .. } => {
            let suggestion = crate::model::did_you_mean(field, expected.iter().copied());
            let list = expected.join("、");
            ("L-UNKNOWN-KEY", format!("未知的键“{field}”{suggestion}（此处可用的键：{list}）"))
        }
        E::SerdeMissingField { field, .. } => ("L-MISSING-KEY", format!("缺少必填的键“{field}”")),
        E::DuplicateMappingKey { .. } => {
            let line = text.lines().nth((at.line as usize).wrapping_sub(1));
            ("L-DUPLICATE-KEY", explain_yaml_error(&plain(e), line))
        }
        _ => {
            let msg = plain(e);
            if msg.starts_with("expected sequence") {
                ("L-TYPE", "类型不对：应为列表（- 开头的多行）".to_string())
            } else if msg.starts_with("expected mapping") || msg.starts_with("expected map") {
                ("L-TYPE", "类型不对：应为键值映射（键: 值）".to_string())
            } else if let Some(rest) = msg.strip_prefix("invalid type: ") {
                ("L-TYPE", format!("类型不对：{}", translate_type(rest)))
            } else if msg.starts_with(|c: char| !c.is_ascii()) {
                // Our own value types (Amount, Code, ComputedKey) refuse a
                // value in Chinese; the parser's messages are English.
                ("L-VALUE", msg)
            } else if (msg.contains("budget") || msg.contains("alias") || msg.contains("depth"))
                && !msg.contains("unknown anchor")
            {
                ("L-LIMIT", format!("文件结构超出安全上限（嵌套过深或别名过多）：{msg}"))
            } else {
                ("L-YAML", syntax(&msg))
            }
        }
    };
    // A full-width colon on a line with nothing indented below it parses as
    // a plain string, so it shows up as a wrong type rather than a syntax error.
    if rule == "L-TYPE"
        && let Some(line) = text.lines().nth((at.line as usize).wrapping_sub(1))
        && let Some(column) = fullwidth_key_colon(line)
    {
        let message = format!("{}（{message}）", fullwidth_colon_hint(line));
        return LoadError {
            file: path.to_path_buf(),
            at: Loc { column, ..at },
            rule: "L-YAML",
            message,
            also: Vec::new(),
        };
    }
    LoadError { file: path.to_path_buf(), at, rule, message, also: Vec::new() }
}

fn plain(e: &serde_saphyr::Error) -> String {
    let s = e.without_snippet().to_string();
    // Drop a trailing " at line X column Y" that the position already says.
    match s.find(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// The position a syntax error is really about, and that line's text.
///
/// The parser often stops a line late (after `year：2023` the next line's
/// `income:` is where the mapping "is not allowed") or a line early (a
/// tab-indented line ends the plain scalar above it), so the two usual
/// culprits, a full-width colon and a tab in the indentation, are looked for
/// on the neighbouring lines too.
fn culprit<'t>(text: &'t str, at: Loc, msg: &str) -> (Loc, Option<&'t str>) {
    let lines: Vec<&str> = text.lines().collect();
    let n = at.line as usize;
    let Some(here) = n.checked_sub(1).and_then(|i| lines.get(i).copied()) else { return (at, None) };
    let located = |i: usize, column: u32| (Loc { line: i as u32 + 1, column }, Some(lines[i]));
    // Blank and comment-only lines do not count as neighbours.
    let content = |i: &usize| !lines[*i].trim().is_empty() && !lines[*i].trim_start().starts_with('#');
    let before = (0..n - 1).rev().find(content);
    let after = (n..lines.len()).find(content);
    if colon_related(msg) {
        if let Some(col) = fullwidth_key_colon(here) {
            return located(n - 1, col);
        }
        // The line before, only if the parser stopped at this line's own key
        // colon: the line before then ran on into it as one plain scalar.
        let key_colon = here.find(':').map(|i| here[..i].chars().count() as u32 + 1);
        if key_colon == Some(at.column)
            && let Some(b) = before
            && let Some(col) = fullwidth_key_colon(lines[b])
        {
            return located(b, col);
        }
    }
    // Neighbouring lines only when the parser speaks of a tab: a tab inside
    // a block scalar above is legal and must not take the blame.
    let about_tab = msg.contains("tab");
    let (before, after) = (before.filter(|_| about_tab), after.filter(|_| about_tab));
    for i in [Some(n - 1), before, after].into_iter().flatten() {
        if let Some(col) = indent_tab(lines[i]) {
            return located(i, col);
        }
    }
    (at, Some(here))
}

/// The parser messages a full-width colon in a key's place produces.
fn colon_related(msg: &str) -> bool {
    msg.contains("simple key expected ':'") || msg.contains("mapping values are not allowed")
}

/// The 1-based column of a full-width colon used where a key's `:` belongs:
/// before any ASCII key colon, outside quotes and comments. A `：` inside a
/// value (`reason: 原因：说明`) is ordinary text and not reported.
fn fullwidth_key_colon(line: &str) -> Option<u32> {
    let body = line.trim_start_matches([' ', '\t']);
    let body = body.strip_prefix("- ").unwrap_or(body).trim_start();
    if body.starts_with(['#', '"', '\'']) {
        return None;
    }
    let colon = body.find('：')?;
    let before = &body[..colon];
    if before.contains(": ") || before.contains(" #") || before.ends_with(':') {
        return None;
    }
    let offset = line.len() - body.len() + colon;
    Some(line[..offset].chars().count() as u32 + 1)
}

/// What to say about `line`, which has a full-width colon in a key's place.
fn fullwidth_colon_hint(line: &str) -> String {
    format!("这一行用了全角冒号“：”，YAML 的键和值之间要用半角冒号加空格“: ”，应写成“{}”", with_ascii_colon(line))
}

/// `fiscal：162  # 注释` as it should be written: `fiscal: 162`.
fn with_ascii_colon(line: &str) -> String {
    let line = line.trim();
    let Some((key, value)) = line.split_once('：') else { return line.to_string() };
    let value = value.split(" #").next().unwrap_or("").trim();
    if value.is_empty() { format!("{}:", key.trim_end()) } else { format!("{}: {value}", key.trim_end()) }
}

/// The 1-based column of a tab in a line's indentation.
fn indent_tab(line: &str) -> Option<u32> {
    let indent = &line[..line.len() - line.trim_start_matches([' ', '\t']).len()];
    indent.find('\t').map(|i| i as u32 + 1)
}

/// A YAML syntax error from serde-saphyr as users should read it: in
/// Chinese, with the usual cause, and the original English kept at the end
/// so it can still be searched for. `line_text` is the offending line.
fn explain_yaml_error(msg: &str, line_text: Option<&str>) -> String {
    // Advice addressed to programmers using serde-saphyr, not to users.
    let english = msg
        .split(", set DuplicateKeyPolicy")
        .next()
        .unwrap_or(msg)
        .split("; use from_str_multiple")
        .next()
        .unwrap_or(msg)
        .trim();
    let line = line_text.unwrap_or("");
    let zh = if let Some(rest) = english.strip_prefix("unknown variant `") {
        unknown_variant(rest)
    } else if let Some(key) = english.strip_prefix("duplicate mapping key: ") {
        format!("键“{key}”重复出现：同一层中每个键只能写一次，请删除或合并重复的那一行")
    } else if english.starts_with("duplicate mapping key") {
        "键重复出现：同一层中每个键只能写一次，请删除或合并重复的那一行".to_string()
    } else if colon_related(english) && fullwidth_key_colon(line).is_some() {
        fullwidth_colon_hint(line)
    } else if english.contains(" tab") || indent_tab(line).is_some() {
        "YAML 不允许用 Tab 缩进，请改用空格，同一层的键用同样多的空格对齐".to_string()
    } else if english.contains("simple key expected ':'") {
        "这一行应为“键: 值”，但没有找到键后面的半角冒号“:”；冒号要用半角，且冒号后要有空格".to_string()
    } else if english.contains("mapping values are not allowed") {
        "这里不能出现“键: 值”。常见原因：值里含有“冒号加空格”，这时要用引号把整个值括起来，\
         如 reason: \"原因: 说明\"；或这一行比上一行多缩进了"
            .to_string()
    } else if english.contains("did not find expected '-' indicator") {
        "列表没有对齐：同一列表的每一项都以“- ”开头且缩进相同，列表后面的键要回到上一层的缩进".to_string()
    } else if english.contains("did not find expected key") || english.contains("invalid indentation") {
        "缩进没有对齐：同一层的键必须用同样多的空格缩进，下一层比上一层多缩进".to_string()
    } else if english.contains("did not find expected <document start>") {
        "文件结构无法识别：通常是第一层的键前面多了空格，第一层的键应顶格书写".to_string()
    } else if english.contains("block sequence entries are not allowed") {
        "这里不能开始一个列表：列表项“- ”要另起一行，并比它所属的键多缩进".to_string()
    } else if english.contains("unclosed quote") {
        "引号没有闭合：以引号开头的值必须以同样的引号结尾".to_string()
    } else if english.contains("invalid trailing content after") {
        "引号后面还有内容：以引号开头的值必须整个放在引号里，如 reason: \"“原因”说明\"".to_string()
    } else if english.contains("unclosed bracket") {
        "括号没有闭合：以“[”或“{”开头的值会被当作列表或映射；如果是普通文字，请用引号把整个值括起来".to_string()
    } else if english.contains("mismatched bracket") {
        "括号不配对：“[”要用“]”闭合，“{”要用“}”闭合；如果是普通文字，请用引号把整个值括起来".to_string()
    } else if english.contains("unexpected character") {
        "值不能以 @、`、% 等符号开头：请用引号把整个值括起来".to_string()
    } else if english.contains("unknown anchor") {
        "以“*”开头的值会被当作别名引用，但前面没有对应的“&”锚点；如果是普通文字，请用引号把整个值括起来".to_string()
    } else if english.contains("comment intercepting the multiline text") {
        "多行文字中间夹了注释（“ #”之后的部分）：请删除注释，或用引号把整段文字括起来".to_string()
    } else if english.contains("multiple YAML documents") {
        "文件中出现了分隔线“---”：每个文件只能有一份数据，请删除“---”".to_string()
    } else if english.contains("unexpected end of input") {
        "文件意外结束：可能有引号或括号没有闭合".to_string()
    } else {
        return format!("YAML 格式错误：{english}");
    };
    format!("{zh}（{english}）")
}

/// “unknown variant `trimmed`, expected one of fixed, trim”: the value, the
/// nearest allowed one and all of them.
fn unknown_variant(rest: &str) -> String {
    let (value, expected) = rest.split_once('`').unwrap_or((rest, ""));
    let allowed: Vec<&str> = expected
        .trim_start_matches([',', ' '])
        .trim_start_matches("expected one of ")
        .trim_start_matches("expected ")
        .split(", ")
        .map(|v| v.trim_matches(['`', ' ']))
        .filter(|v| !v.is_empty())
        .collect();
    let near = crate::model::did_you_mean(value, allowed.iter().copied());
    format!("“{value}”不是可用的值{near}（可用：{}）", allowed.join("、"))
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
        // A 【待填写：…】 placeholder (gongkai new) reads as blank; N-TODO refuses it.
        if s.value.0.trim_start().starts_with(crate::check::PLACEHOLDER) {
            return Ok(Amount { value: Money::ZERO, at });
        }
        match Money::parse(&s.value.0) {
            Ok(value) => Ok(Amount { value, at }),
            Err(e) => value_error(at, e.to_string()).map(|()| Amount { value: Money::ZERO, at }),
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

impl<'de> Deserialize<'de> for crate::model::Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = serde_saphyr::Spanned::<ScalarText>::deserialize(d)?;
        let at = Loc { line: s.referenced.line() as u32, column: s.referenced.column() as u32 };
        match crate::model::Date::parse(&s.value.0) {
            Some((year, month, day)) => Ok(crate::model::Date { year, month, day, at }),
            None => Err(serde::de::Error::custom(format!(
                "日期“{}”无效：应写成 2024-06-30、2024.6.30 或 2024年6月30日",
                s.value.0.trim()
            ))),
        }
    }
}

impl<'de> Deserialize<'de> for crate::model::Named {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = serde_saphyr::Spanned::<ScalarText>::deserialize(d)?;
        let at = Loc { line: s.referenced.line() as u32, column: s.referenced.column() as u32 };
        Ok(crate::model::Named { name: s.value.0.trim().to_string(), at })
    }
}

impl<'de> Deserialize<'de> for Code {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = serde_saphyr::Spanned::<ScalarText>::deserialize(d)?;
        let at = Loc { line: s.referenced.line() as u32, column: s.referenced.column() as u32 };
        let code = s.value.0.trim().to_string();
        if !(matches!(code.len(), 3 | 5 | 7) && code.chars().all(|c| c.is_ascii_digit())) {
            let message = format!("科目编码“{code}”无效：功能分类编码应为 3 位（类）、5 位（款）或 7 位（项）数字");
            // Collected: the row keeps a code that names no row of any table.
            return value_error(at, message).map(|()| Code { code: "000".into(), at });
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
        let e = parse("year: 2023\nincome:\n  - code: 2080106\n    fiscal: 1.23456789012\n").unwrap_err();
        assert!(e.message.contains("小数位太多"), "{e}");
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
        assert!(e.message.starts_with("键“year”重复出现") && !e.message.contains("DuplicateKeyPolicy"), "{e}");
        let e = parse("# only a comment\n").unwrap_err();
        assert_eq!(e.rule, "L-EMPTY");
        let e = parse("year: 2023\nincome: 5\n").unwrap_err();
        assert_eq!(e.rule, "L-TYPE", "{e}");
        let e = parse("year: [2023\n").unwrap_err();
        assert_eq!(e.rule, "L-YAML", "{e}");
    }

    #[test]
    fn yaml_errors_are_explained_in_chinese() {
        let m = explain_yaml_error("simple key expected ':'", Some("    fiscal：162   # 注释"));
        assert!(m.starts_with("这一行用了全角冒号“：”，YAML 的键和值之间要用半角冒号加空格“: ”"), "{m}");
        assert!(m.contains("应写成“fiscal: 162”"), "{m}");
        assert!(m.ends_with("（simple key expected ':'）"), "{m}");
        let m = explain_yaml_error("tabs disallowed within this context (block indentation)", Some("\tother: 1"));
        assert!(m.starts_with("YAML 不允许用 Tab 缩进，请改用空格"), "{m}");
        let m =
            explain_yaml_error("duplicate mapping key: year, set DuplicateKeyPolicy in Options if acceptable", None);
        assert!(m.starts_with("键“year”重复出现"), "{m}");
        assert!(m.ends_with("（duplicate mapping key: year）"), "{m}");
        let m = explain_yaml_error("mapping values are not allowed in this context", Some("reason: 原因: 说明"));
        assert!(m.contains("用引号把整个值括起来"), "{m}");
        let m = explain_yaml_error("while parsing a block collection, did not find expected '-' indicator", None);
        assert!(m.starts_with("列表没有对齐"), "{m}");
        assert_eq!(explain_yaml_error("something new", None), "YAML 格式错误：something new");
        assert!(
            explain_yaml_error("unknown variant `trimmed`, expected one of `fixed`, `trim`", None)
                .starts_with("“trimmed”不是可用的值，是否想写“trim”？（可用：fixed、trim）"),
            "{}",
            explain_yaml_error("unknown variant `trimmed`, expected one of `fixed`, `trim`", None)
        );
    }

    #[test]
    fn fullwidth_colons_only_in_a_keys_place() {
        assert_eq!(fullwidth_key_colon("    fiscal：162"), Some(11));
        assert_eq!(fullwidth_key_colon("  - code：\"2080106\""), Some(9));
        assert_eq!(fullwidth_key_colon("reason: 原因：说明"), None);
        assert_eq!(fullwidth_key_colon("# 说明：注释"), None);
        assert_eq!(fullwidth_key_colon("name: x # 注释：y"), None);
        assert_eq!(fullwidth_key_colon("duties_intro: \"主要职责是：\""), None);
        assert_eq!(with_ascii_colon("  year：2023  # 年度"), "year: 2023");
        assert_eq!(indent_tab("  \tx: 1"), Some(3));
        assert_eq!(indent_tab("x:\t1"), None);
    }

    #[test]
    fn syntax_errors_point_at_the_culprit_line() {
        // The parser stops at line 3's key; the full-width colon is on line 1.
        let e = parse("year：2023\n# 注释\nincome: 1\n").unwrap_err();
        assert_eq!((e.rule, e.at), ("L-YAML", Loc { line: 1, column: 5 }), "{e}");
        assert!(e.message.starts_with("这一行用了全角冒号"), "{e}");
        let e = parse("year: 2023\nincome:\n  - code: \"2080106\"\n    fiscal：162\n").unwrap_err();
        assert_eq!(e.at, Loc { line: 4, column: 11 }, "{e}");
        assert!(e.message.contains("应写成“fiscal: 162”"), "{e}");
        // Alone on its last line it parses as a string: still the same hint.
        let e = parse("year: 2023\nincome:\n  - code：\"2080106\"\n").unwrap_err();
        assert_eq!((e.rule, e.at.line), ("L-YAML", 3), "{e}");
        assert!(e.message.starts_with("这一行用了全角冒号"), "{e}");
        // A tab on the line after the one the parser names.
        let e = parse("year: 2023\n\tincome: 1\n").unwrap_err();
        assert_eq!(e.at, Loc { line: 2, column: 1 }, "{e}");
        assert!(e.message.starts_with("YAML 不允许用 Tab 缩进"), "{e}");
        // A full-width colon in a value is not blamed.
        let e = parse("year: 2023\nreasons:\n  total_change: 原因：说明\n   x: 1\n").unwrap_err();
        assert!(!e.message.contains("全角"), "{e}");
    }

    #[test]
    fn the_year_key_is_located() {
        assert_eq!(year_loc_in("# 注释\n\nincome: []\nyear: 2022\n"), Loc { line: 4, column: 7 });
        assert_eq!(year_loc_in("income: []\n"), Loc::default());
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
