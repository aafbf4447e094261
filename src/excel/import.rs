//! `gongkai import WORKBOOK`: a workbook of 公开表 (.xlsx or .xls) read by
//! its labels into a unit-year's `决算.yaml`.
//!
//! Tables are found by their titles (收入支出决算总表, 部门收支决算总表 and
//! the other forms of official.md §1.2–1.3, checked from the most specific),
//! else by the sheet's name (公开01表, the 部门决算 software's “Z01 …(财决01表)”
//! cut at 31 characters); one workbook may have a sheet per table or several
//! tables on one sheet. Grids are read by their header texts — merged cells
//! spread over the cells they cover, 栏次 rows, codes in one column or split
//! into 类/款/项, names indented or not, “—” and blanks as empty — and the
//! 单位（元/万元）and 部门 lines of the title block.
//!
//! Numbers arrive as binary floats: each is rounded to the decimals its cell
//! displays (.xlsx number formats), else to the 分 of the table's unit, from
//! its shortest decimal form, before it becomes a [`Money`]; a value that had
//! more digits says so in a comment. What is written: the 项-level rows as
//! users write them, the 类/款/合计 rows and totals the workbook printed under
//! `declared.stated` (so 审核 compares them with the computed ones), a
//! comment on every entry naming its sheet and cell, and 【待填写：…】
//! placeholders for what a workbook cannot give (reasons, 年初预算, last
//! year's figures). Every problem names the workbook, the sheet and the cell;
//! no input panics.
//!
//! Public entry: [`import_workbook`].

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow, bail};
use calamine::{Data, Dimensions, Reader, Sheets};

use crate::load::{FINAL_ACCOUNTS_FILE, UNIT_FILE};
use crate::money::{Money, Unit};

/// What to import and where.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The unit folder; default `<data>/<部门 of the workbook>`.
    pub unit_dir: Option<PathBuf>,
    /// The data root used when `unit_dir` is not given.
    pub data_root: PathBuf,
    /// The year; default the year the workbook names (“2023年度”).
    pub year: Option<u16>,
    /// Replace an existing `决算.yaml`.
    pub force: bool,
}

/// What an import wrote.
#[derive(Debug, Clone)]
pub struct Imported {
    pub unit_dir: PathBuf,
    pub year: u16,
    /// The `决算.yaml` written.
    pub file: PathBuf,
    /// The `单位.yaml` written for a new unit folder.
    pub unit_file: Option<PathBuf>,
    /// The tables found: (table, where).
    pub tables: Vec<(String, String)>,
    /// Values rounded on the way in, and other remarks.
    pub notes: Vec<String>,
}

/// The largest workbook read (the 公开表 of one unit are a few hundred kB).
const MAX_BYTES: u64 = 50 * 1024 * 1024;
/// Rows and columns of a sheet looked at.
const MAX_ROWS: u32 = 5000;
const MAX_COLS: u32 = 64;

/// Reads `workbook`, writes the unit-year's `决算.yaml` (and a `单位.yaml`
/// with placeholders for a new unit folder). Refuses to replace an existing
/// `决算.yaml` unless `force`.
pub fn import_workbook(workbook: &Path, opts: &ImportOptions) -> Result<Imported> {
    let book = book_name(workbook);
    let meta = std::fs::metadata(workbook).map_err(|e| anyhow!("无法读取 {}：{e}", workbook.display()))?;
    if meta.len() > MAX_BYTES {
        bail!("{book} 太大（{} MB）：公开表工作簿不应超过 {} MB", meta.len() / 1_048_576, MAX_BYTES / 1_048_576);
    }
    let bytes = std::fs::read(workbook).map_err(|e| anyhow!("无法读取 {}：{e}", workbook.display()))?;
    let tables = read_tables(&book, &bytes)?;
    let year = match opts.year.or(tables.year).or_else(|| year_in(&book)) {
        Some(y) => y,
        None => bail!("{book} 中没有写明年度（如“2023年度”）：请用 --year 指定"),
    };
    let unit_dir = match (&opts.unit_dir, &tables.unit_name) {
        (Some(d), _) => d.clone(),
        (None, Some(name)) => opts.data_root.join(name),
        (None, None) => bail!("{book} 的表头中没有“部门：…”或“编制单位：…”：请用 --unit 指定单位文件夹"),
    };
    let file = unit_dir.join(year.to_string()).join(FINAL_ACCOUNTS_FILE);
    if file.exists() && !opts.force {
        bail!("{} 已存在，不会覆盖：确认要用 {book} 的数字替换它时加 --force", file.display());
    }
    let root = unit_dir.parent().map(Path::to_path_buf).unwrap_or_default();
    let names: BTreeMap<String, String> =
        crate::resources::catalogue(&root, year).map(|c| c.func.codes).unwrap_or_default();
    let has_previous = unit_dir.join((year - 1).to_string()).join(FINAL_ACCOUNTS_FILE).is_file();
    let (yaml, mut notes) = write_yaml(&book, &tables, year, &names, has_previous)?;
    notes.splice(0..0, tables.notes.iter().cloned());
    // Nothing is written until everything was read.
    let unit_file = unit_dir.join(UNIT_FILE);
    let wrote_unit = if unit_file.exists() {
        None
    } else {
        let name = tables
            .unit_name
            .clone()
            .or_else(|| unit_dir.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_default();
        Some(crate::batch::write_atomically(
            &unit_file,
            crate::scaffold::unit_yaml(&name, "湖南-县级-2023").as_bytes(),
        )?)
    };
    crate::batch::write_atomically(&file, yaml.as_bytes())?;
    Ok(Imported {
        unit_dir,
        year,
        file,
        unit_file: wrote_unit,
        tables: tables.found.iter().map(|(k, at)| (k.label().to_string(), at.clone())).collect(),
        notes,
    })
}

/// The `决算.yaml` text a workbook's bytes give, written nowhere (the
/// fuzzer's entry; `book` names the workbook in messages). The names of
/// the codes are the built-in catalogue's.
pub fn workbook_yaml(book: &str, bytes: &[u8], year: Option<u16>) -> Result<String> {
    let tables = read_tables(book, bytes)?;
    let year = year.or(tables.year).or_else(|| year_in(book)).unwrap_or(2023);
    let names = crate::resources::catalogue(Path::new(""), year).map(|c| c.func.codes).unwrap_or_default();
    Ok(write_yaml(book, &tables, year, &names, false)?.0)
}

fn book_name(p: &Path) -> String {
    p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| p.display().to_string())
}

/// `(20\d\d)年` in a text.
fn year_in(s: &str) -> Option<u16> {
    let chars: Vec<char> = s.chars().collect();
    for i in 0..chars.len().saturating_sub(4) {
        let w: String = chars[i..i + 4].iter().collect();
        if chars[i + 4] == '年'
            && w.starts_with("20")
            && w.chars().all(|c| c.is_ascii_digit())
            && (i == 0 || !chars[i - 1].is_ascii_digit())
        {
            return w.parse().ok();
        }
    }
    None
}

// ------------------------------------------------------------------ cells

/// A cell as read.
#[derive(Debug, Clone, PartialEq)]
enum V {
    Empty,
    Text(String),
    /// A number, with the decimals its cell displays when the format says.
    Num(f64, Option<u32>),
    /// Something that is no amount (a date, a boolean, an error value).
    Other(String),
}

/// One sheet as a dense grid of its first rows and columns.
struct Sheet {
    name: String,
    cells: Vec<Vec<V>>,
    merges: Vec<Dimensions>,
}

impl Sheet {
    fn get(&self, r: u32, c: u32) -> &V {
        self.cells.get(r as usize).and_then(|row| row.get(c as usize)).unwrap_or(&V::Empty)
    }

    /// The text of a cell, whitespace (full-width too) removed; numbers as
    /// written (`2080106`).
    fn text(&self, r: u32, c: u32) -> String {
        cell_text(self.get(r, c))
    }

    /// Like [`Sheet::text`], a merged cell's text also at the cells it covers.
    fn spread_text(&self, r: u32, c: u32) -> String {
        for m in &self.merges {
            if (m.start.0..=m.end.0).contains(&r) && (m.start.1..=m.end.1).contains(&c) {
                return self.text(m.start.0, m.start.1);
            }
        }
        self.text(r, c)
    }

    fn width(&self) -> u32 {
        self.cells.iter().map(Vec::len).max().unwrap_or(0) as u32
    }

    fn height(&self) -> u32 {
        self.cells.len() as u32
    }
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace() && *c != '\u{3000}').collect()
}

fn cell_text(v: &V) -> String {
    match v {
        V::Empty => String::new(),
        V::Text(t) => squash(t),
        V::Num(f, _) => {
            if f.fract() == 0.0 && f.abs() < 1e15 {
                format!("{}", *f as i64)
            } else {
                format!("{f}")
            }
        }
        V::Other(t) => squash(t),
    }
}

/// A1-style name of a cell.
fn a1(r: u32, c: u32) -> String {
    let mut col = String::new();
    let mut n = c + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        col.insert(0, (b'A' + rem as u8) as char);
        n = (n - 1) / 26;
    }
    format!("{col}{}", r + 1)
}

/// The decimals a number format shows: `0.00` → 2, `#,##0` → 0, General → none.
fn format_decimals(code: &str) -> Option<u32> {
    let first = code.split(';').next().unwrap_or("");
    let mut plain = String::new();
    let mut quoted = false;
    for c in first.chars() {
        match c {
            '"' => quoted = !quoted,
            _ if quoted => {}
            c => plain.push(c),
        }
    }
    if !plain.contains(['0', '#']) {
        return None;
    }
    Some(
        plain
            .split_once('.')
            .map(|(_, f)| f.chars().take_while(|c| matches!(c, '0' | '#')).count() as u32)
            .unwrap_or(0),
    )
}

/// Reads every sheet of the workbook in `bytes`.
fn read_sheets(book: &str, bytes: &[u8]) -> Result<Vec<Sheet>> {
    let mut wb = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes.to_vec()))
        .map_err(|e| anyhow!("{book} 不是可以读取的 Excel 工作簿（.xlsx 或 .xls）：{e}"))?;
    let mut sheets = Vec::new();
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name).map_err(|e| anyhow!("{book} 工作表“{name}”无法读取：{e}"))?;
        let merges = match &mut wb {
            Sheets::Xlsx(x) => x.merge_cells_by_sheet_name(&name).unwrap_or_default(),
            Sheets::Xls(x) => x.merge_cells_by_sheet_name(&name).unwrap_or_default(),
            _ => Vec::new(),
        };
        let mut decimals: HashMap<(u32, u32), u32> = HashMap::new();
        if let Sheets::Xlsx(x) = &mut wb
            && let Ok(styles) = x.worksheet_style(&name)
        {
            for (r, c, s) in styles.cells() {
                if r < MAX_ROWS
                    && c < MAX_COLS
                    && let Some(d) = s.number_format.as_ref().and_then(|f| format_decimals(&f.format_code))
                {
                    decimals.insert((r, c), d);
                }
            }
        }
        let mut cells: Vec<Vec<V>> = Vec::new();
        if let (Some(_), Some(end)) = (range.start(), range.end()) {
            let rows = (end.0 + 1).min(MAX_ROWS);
            let cols = (end.1 + 1).min(MAX_COLS);
            for r in 0..rows {
                let mut row = Vec::with_capacity(cols as usize);
                for c in 0..cols {
                    let v = match range.get_value((r, c)) {
                        None | Some(Data::Empty) => V::Empty,
                        Some(Data::String(s)) => V::Text(s.clone()),
                        Some(Data::Float(f)) => V::Num(*f, decimals.get(&(r, c)).copied()),
                        Some(Data::Int(i)) => V::Num(*i as f64, Some(0)),
                        Some(other) => V::Other(other.to_string()),
                    };
                    row.push(v);
                }
                cells.push(row);
            }
        }
        sheets.push(Sheet { name, cells, merges });
    }
    Ok(sheets)
}

// ------------------------------------------------------------------ tables

/// The nine 公开表.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    T01,
    T02,
    T03,
    T04,
    T05,
    T06,
    T07,
    T08,
    T09,
}

impl Kind {
    const ALL: [Kind; 9] =
        [Kind::T01, Kind::T02, Kind::T03, Kind::T04, Kind::T05, Kind::T06, Kind::T07, Kind::T08, Kind::T09];

    fn label(self) -> &'static str {
        [
            "收入支出决算总表",
            "收入决算表",
            "支出决算表",
            "财政拨款收入支出决算总表",
            "一般公共预算财政拨款支出决算表",
            "一般公共预算财政拨款基本支出决算表",
            "财政拨款“三公”经费支出决算表",
            "政府性基金预算财政拨款收入支出决算表",
            "国有资本经营预算财政拨款支出决算表",
        ][self as usize]
    }

    /// The prefix of its quantities (公开02.…).
    fn prefix(self) -> &'static str {
        ["公开01", "公开02", "公开03", "公开04", "公开05", "公开06", "公开07", "公开08", "公开09"][self as usize]
    }
}

/// The table a title names, checked from the most specific wording.
fn classify_title(t: &str) -> Option<Kind> {
    let t: String = squash(t).chars().filter(|c| !"“”\"'‘’「」".contains(*c)).collect();
    if t.starts_with('注') || t.chars().count() > 60 || !t.contains('表') {
        return None;
    }
    let has = |s: &str| t.contains(s);
    Some(if has("基本支出决算") {
        Kind::T06
    } else if has("三公") {
        Kind::T07
    } else if has("政府性基金") && has("决算") {
        Kind::T08
    } else if has("国有资本经营") && has("决算") {
        Kind::T09
    } else if has("财政拨款收入支出决算总表") || has("财政拨款收支决算总表") {
        Kind::T04
    } else if has("一般公共预算财政拨款支出决算") {
        Kind::T05
    } else if has("收入支出决算总表") || has("收支决算总表") {
        Kind::T01
    } else if has("收入决算表") {
        Kind::T02
    } else if has("支出决算表") || has("支出决算明细表") {
        Kind::T03
    } else {
        return None;
    })
}

/// The table a sheet's name names: its title, else the 公开NN表 label, else
/// the software's code prefix (Z01…, 财决01表) — names cut at 31 characters
/// keep their code.
fn classify_sheet_name(name: &str) -> Option<Kind> {
    if let Some(k) = classify_title(name) {
        return Some(k);
    }
    let t = squash(name);
    let number_after = |prefix: &str| -> Option<usize> {
        let i = t.find(prefix)? + prefix.len();
        let digits: String = t[i..].chars().take_while(|c| c.is_ascii_digit()).collect();
        digits.parse().ok()
    };
    let n = number_after("公开").or_else(|| number_after("财决")).or_else(|| {
        let first = t.chars().next()?;
        if first == 'Z' || first == 'z' { number_after(&first.to_string()) } else { None }
    })?;
    Kind::ALL.get(n.checked_sub(1)?).copied()
}

/// One value read: its exact text in the table's unit, where it was, and a
/// remark when it was rounded.
#[derive(Debug, Clone)]
struct Val {
    money: Money,
    unit: Unit,
    at: String,
    note: Option<String>,
}

/// A row of a code table.
#[derive(Debug, Clone)]
struct CodeRowIn {
    /// 3, 5 or 7 digits, or “合计”.
    code: String,
    name: String,
    at: String,
    values: BTreeMap<&'static str, Val>,
    /// Where each column's cell is (blank ones too).
    cells: BTreeMap<&'static str, String>,
}

/// A figure the workbook printed that is not typed data: its ledger name.
#[derive(Debug, Clone)]
struct StatedIn {
    name: String,
    /// None: printed blank.
    val: Option<Val>,
    at: String,
    what: String,
}

/// Everything read from a workbook.
#[derive(Default)]
struct Tables {
    unit_name: Option<String>,
    year: Option<u16>,
    found: Vec<(Kind, String)>,
    codes: BTreeMap<Kind, Vec<CodeRowIn>>,
    /// 公开06 款 rows: code → (value, name).
    econ: Vec<(String, String, Val)>,
    /// 公开07: (预算|决算, column) → value.
    three_public: BTreeMap<(String, String), Val>,
    /// balances.<field> → value.
    balances: BTreeMap<&'static str, (Val, String)>,
    stated: Vec<StatedIn>,
    /// 公开01/04 class rows by name, to be resolved to codes: (table, name, cells).
    class_rows: Vec<(Kind, String, String, Vec<Option<Val>>)>,
    notes: Vec<String>,
}

/// A table's place: its sheet and its rows.
struct Region<'a> {
    sheet: &'a Sheet,
    kind: Kind,
    /// The title row (or the first row when the sheet's name says the table).
    top: u32,
    /// One past the last row.
    end: u32,
}

impl Region<'_> {
    fn at(&self, r: u32, c: u32) -> String {
        format!("{} {}", self.sheet.name, a1(r, c))
    }
}

fn read_tables(book: &str, bytes: &[u8]) -> Result<Tables> {
    // calamine on a damaged file must not take the process down.
    let sheets = std::panic::catch_unwind(|| read_sheets(book, bytes))
        .map_err(|_| anyhow!("{book} 不是可以读取的 Excel 工作簿（文件已损坏）"))??;
    let mut regions = Vec::new();
    for sheet in &sheets {
        let mut titles: Vec<(u32, Kind)> = Vec::new();
        for r in 0..sheet.height() {
            for c in 0..sheet.width().min(16) {
                if let V::Text(t) = sheet.get(r, c)
                    && let Some(k) = classify_title(t)
                {
                    // A 目录 line “一、收入支出决算总表” with nothing under it is no table.
                    titles.push((r, k));
                    break;
                }
            }
        }
        titles.dedup_by(|b, a| a.1 == b.1 && b.0 <= a.0 + 1);
        if titles.is_empty() {
            if let Some(k) = classify_sheet_name(&sheet.name) {
                regions.push(Region { sheet, kind: k, top: 0, end: sheet.height() });
            }
            continue;
        }
        for (i, (r, k)) in titles.iter().enumerate() {
            let end = titles.get(i + 1).map(|t| t.0).unwrap_or(sheet.height());
            regions.push(Region { sheet, kind: *k, top: *r, end });
        }
    }
    let mut t = Tables::default();
    let mut seen: BTreeSet<Kind> = BTreeSet::new();
    for reg in &regions {
        // A title with no grid under it (a 目录 sheet) is passed over.
        let Some(grid) = header(reg) else { continue };
        if !seen.insert(reg.kind) {
            let first = t.found.iter().find(|(k, _)| *k == reg.kind).map(|(_, a)| a.clone()).unwrap_or_default();
            bail!("{book} 中有两张{}：{} 与 {}；请删去其中一张", reg.kind.label(), first, reg.at(reg.top, 0));
        }
        let unit = title_block(reg, grid.start, &mut t, book)?;
        t.found.push((reg.kind, reg.at(reg.top, 0)));
        let ctx = Ctx { book, unit };
        match reg.kind {
            Kind::T01 | Kind::T04 => read_summary(reg, &grid, &ctx, &mut t)?,
            Kind::T06 => read_econ(reg, &grid, &ctx, &mut t)?,
            Kind::T07 => read_three_public(reg, &grid, &ctx, &mut t)?,
            k => {
                let rows = read_code_table(reg, &grid, &ctx, &mut t.notes)?;
                t.codes.insert(k, rows);
            }
        }
    }
    if t.found.is_empty() {
        let names: Vec<&str> = sheets.iter().map(|s| s.name.as_str()).collect();
        bail!(
            "{book} 中没有找到公开表：工作表（{}）中没有“收入支出决算总表”“部门收入决算表”等表名，工作表名也不是“公开01表”或“Z01 …”式的名称",
            names.join("、")
        );
    }
    Ok(t)
}

struct Ctx<'a> {
    book: &'a str,
    unit: Unit,
}

impl Ctx<'_> {
    /// An amount cell: `None` when blank (“—”, “-”, 无, spaces).
    fn amount(&self, reg: &Region, r: u32, c: u32, notes: &mut Vec<String>) -> Result<Option<Val>> {
        let at = reg.at(r, c);
        let max = self.unit.max_decimals();
        let (money, note) = match reg.sheet.get(r, c) {
            V::Empty => return Ok(None),
            V::Other(s) => bail!("{} {at}：“{s}”不是金额", self.book),
            V::Text(s) => {
                let t = squash(s);
                if t.is_empty() || ["—", "－", "-", "--", "——", "/", "无", "－－"].contains(&t.as_str()) {
                    return Ok(None);
                }
                match Money::parse(&t) {
                    Ok(m) => (m, None),
                    Err(e) => bail!("{} {at}：{e}", self.book),
                }
            }
            V::Num(f, shown) => {
                if !f.is_finite() {
                    bail!("{} {at}：不是金额", self.book);
                }
                // The shortest decimal form that reads back as the same float.
                let text = format!("{f}");
                let exact = match rust_decimal::Decimal::from_str_exact(&text) {
                    Ok(d) if d.abs() < rust_decimal::Decimal::from(1_000_000_000_000_000u64) => Money(d),
                    _ => bail!("{} {at}：{text} 不是金额（太大）", self.book),
                };
                let keep = match shown {
                    Some(d) => (*d).min(max),
                    None => max,
                };
                let rounded = exact.round(keep);
                if rounded != exact {
                    // Binary noise (385.28000000000003) is no digit of the table.
                    let rounded = if shown.is_some() { rounded } else { Money(rounded.0.normalize()) };
                    let why = match shown {
                        Some(d) => format!("单元格显示 {d} 位小数"),
                        None => format!("按{}的分舍入", self.unit.zh()),
                    };
                    let note = format!("工作簿中为 {text}，{why}，取 {}", rounded.as_entered());
                    notes.push(format!("{at}：{note}"));
                    (rounded, Some(note))
                } else {
                    let m = match shown {
                        // Keep the displayed scale: 270.9 shown as 270.90.
                        Some(d) if exact.scale() < *d && *d <= max => {
                            let mut x = exact.0;
                            x.rescale(*d);
                            Money(x)
                        }
                        _ => exact,
                    };
                    (m, None)
                }
            }
        };
        Ok(Some(Val { money, unit: self.unit, at, note }))
    }
}

/// A header: its first row, its last row (栏次), and each column's texts
/// joined from top to bottom, merged cells spread.
struct Grid {
    start: u32,
    end: u32,
    cols: Vec<String>,
    /// Each column's texts from top to bottom (numbers of a 栏次 row left out).
    parts: Vec<Vec<String>>,
}

const HEADER_WORDS: &[&str] = &[
    "项目",
    "科目编码",
    "功能分类科目编码",
    "经济分类科目编码",
    "科目名称",
    "预算数",
    "决算数",
    "收入",
    "支出",
    "类",
    "款",
    "栏次",
];

/// Finds the header of a table region; `None` when the region has none (a
/// title in a 目录).
fn header(reg: &Region) -> Option<Grid> {
    let s = reg.sheet;
    let last = reg.end.min(reg.top + 12);
    let start = (reg.top..last).find(|&r| {
        (0..s.width()).any(|c| {
            let t = s.text(r, c);
            HEADER_WORDS.contains(&t.as_str()) || t.contains("科目编码") || t.ends_with("项目") && t.len() <= 12
        })
    })?;
    let is_numbering = |r: u32| {
        let nums: Vec<u32> = (0..s.width()).filter_map(|c| s.text(r, c).parse::<u32>().ok()).collect();
        nums.len() >= 3 && nums.windows(2).all(|w| w[1] == w[0] + 1) && nums[0] == 1
    };
    let lookahead = reg.end.min(start + 7);
    let end = (start..lookahead)
        .find(|&r| (0..s.width()).any(|c| s.text(r, c) == "栏次") || is_numbering(r))
        .or_else(|| {
            // No 栏次 row: the header ends before the first row with a code or an amount.
            let data = (start + 1..lookahead).find(|&r| {
                (0..s.width()).any(|c| match s.get(r, c) {
                    V::Num(..) => true,
                    V::Text(t) => {
                        let t = squash(t);
                        (3..=7).contains(&t.len()) && t.chars().all(|c| c.is_ascii_digit())
                    }
                    _ => false,
                })
            })?;
            Some(data - 1)
        })
        .unwrap_or(start);
    let parts: Vec<Vec<String>> = (0..s.width())
        .map(|c| {
            let mut parts: Vec<String> = Vec::new();
            for r in start..=end {
                let t = s.spread_text(r, c);
                if !t.is_empty() && parts.last() != Some(&t) && t.parse::<u32>().is_err() && t != "栏次" {
                    parts.push(t);
                }
            }
            parts
        })
        .collect();
    let cols = parts.iter().map(|p| p.concat()).collect();
    Some(Grid { start, end, cols, parts })
}

/// The 单位 and 部门 of the title block (the rows above the header).
fn title_block(reg: &Region, header_start: u32, t: &mut Tables, book: &str) -> Result<Unit> {
    let s = reg.sheet;
    let mut unit = None;
    for r in reg.top..header_start {
        for c in 0..s.width() {
            let text = s.text(r, c);
            if t.year.is_none() {
                t.year = year_in(&text);
            }
            // “部门：…”, “单位：万元”: a key and a colon.
            let after = |key: &str| {
                let i = text.find(key)?;
                let rest = &text[i + key.len()..];
                rest.strip_prefix('：').or_else(|| rest.strip_prefix(':')).map(str::to_string)
            };
            if let Some(name) = ["编制单位", "填报单位", "单位名称", "部门"]
                .iter()
                .find_map(|k| after(k).filter(|_| text.starts_with(k)))
                .filter(|n| !n.is_empty())
            {
                if t.unit_name.is_none() {
                    t.unit_name = Some(name);
                }
                continue;
            }
            if let Some(u) = after("单位") {
                let u = u.as_str();
                match u.parse::<Unit>() {
                    Ok(x) => unit = Some(x),
                    Err(_) if !u.is_empty() && u.ends_with('元') => {
                        bail!("{book} {}：金额单位“{u}”无效：应为 元、万元 或 亿元", reg.at(r, c))
                    }
                    Err(_) => {}
                }
            }
        }
    }
    Ok(unit.unwrap_or(Unit::Wanyuan))
}

/// The column of the header whose text contains one of `words`, among those
/// not taken yet.
fn find_col(g: &Grid, from: u32, to: u32, words: &[&str], taken: &[u32]) -> Option<u32> {
    (from..to.min(g.cols.len() as u32))
        .find(|c| !taken.contains(c) && words.iter().any(|w| g.cols[*c as usize].contains(w)))
}

/// The code columns of a code table: one (编码) or split (类, 款, 项), and the name column.
struct CodeCols {
    code: Vec<u32>,
    name: Option<u32>,
}

fn code_cols(g: &Grid) -> CodeCols {
    let exact = |w: &str| g.parts.iter().position(|p| p.last().is_some_and(|t| t == w)).map(|c| c as u32);
    let by = |w: &str| g.cols.iter().position(|t| t.contains(w)).map(|c| c as u32);
    let name = by("名称");
    if let (Some(l), Some(k)) = (exact("类"), exact("款")) {
        let mut code = vec![l, k];
        code.extend(exact("项").filter(|x| *x != l && *x != k && Some(*x) != name));
        return CodeCols { code, name };
    }
    let code = by("编码").or_else(|| (name != Some(0)).then_some(0)).unwrap_or(0);
    CodeCols { code: vec![code], name }
}

/// The canonical columns of a code table in the order they are matched (the
/// most specific first), with the words that name them.
fn code_columns(k: Kind) -> &'static [(&'static str, &'static [&'static str])] {
    match k {
        Kind::T02 => &[
            ("附属单位上缴收入", &["附属单位"]),
            ("上级补助收入", &["上级补助"]),
            ("事业收入", &["事业收入"]),
            ("经营收入", &["经营收入"]),
            ("其他收入", &["其他收入"]),
            ("财政拨款收入", &["财政拨款"]),
            ("本年收入合计", &["合计"]),
        ],
        Kind::T03 => &[
            ("基本支出", &["基本支出"]),
            ("项目支出", &["项目支出"]),
            ("上缴上级支出", &["上缴上级"]),
            ("经营支出", &["经营支出"]),
            ("对附属单位补助支出", &["附属单位"]),
            ("本年支出合计", &["合计"]),
        ],
        Kind::T05 => {
            &[("基本支出", &["基本支出"]), ("项目支出", &["项目支出"]), ("小计", &["小计", "合计", "本年支出"])]
        }
        Kind::T08 => &[
            ("年初结转和结余", &["年初"]),
            ("年末结转和结余", &["年末"]),
            ("本年收入", &["本年收入", "收入"]),
            ("基本支出", &["基本支出"]),
            ("项目支出", &["项目支出"]),
            ("本年支出小计", &["小计", "合计", "本年支出"]),
        ],
        _ => &[("基本支出", &["基本支出"]), ("项目支出", &["项目支出"]), ("合计", &["合计", "小计", "本年支出"])],
    }
}

/// Reads a table keyed by 功能分类 code (公开02/03/05/08/09).
fn read_code_table(reg: &Region, g: &Grid, ctx: &Ctx, notes: &mut Vec<String>) -> Result<Vec<CodeRowIn>> {
    let s = reg.sheet;
    let cc = code_cols(g);
    let mut taken: Vec<u32> = cc.code.clone();
    taken.extend(cc.name);
    let mut cols: Vec<(&'static str, u32)> = Vec::new();
    let mut missing = Vec::new();
    for (col, words) in code_columns(reg.kind) {
        match find_col(g, 0, g.cols.len() as u32, words, &taken) {
            Some(c) => {
                taken.push(c);
                cols.push((*col, c));
            }
            None => missing.push(*col),
        }
    }
    if !missing.is_empty() {
        let expected: &[&str] = match reg.kind {
            Kind::T02 => crate::derive::T02_COLUMNS,
            Kind::T03 => crate::derive::T03_COLUMNS,
            Kind::T05 => crate::derive::T05_COLUMNS,
            Kind::T08 => crate::derive::T08_COLUMNS,
            _ => crate::derive::T09_COLUMNS,
        };
        bail!(
            "{} {}（{}）：表头（第 {}–{} 行）中找不到“{}”栏；应有 {}",
            ctx.book,
            reg.sheet.name,
            reg.kind.label(),
            g.start + 1,
            g.end + 1,
            missing.join("”“"),
            expected.join("、")
        );
    }
    let mut rows = Vec::new();
    let (mut class, mut section) = (String::new(), String::new());
    for r in g.end + 1..reg.end {
        let first = (0..s.width()).map(|c| s.text(r, c)).find(|t| !t.is_empty()).unwrap_or_default();
        if first.starts_with("注") {
            break;
        }
        let name_text = cc.name.map(|c| s.text(r, c)).unwrap_or_default();
        let raw_name = cc.name.map(|c| match s.get(r, c) {
            V::Text(t) => t.trim().trim_matches('\u{3000}').trim().to_string(),
            other => cell_text(other),
        });
        let mut values = BTreeMap::new();
        let cells: BTreeMap<&'static str, String> = cols.iter().map(|(col, c)| (*col, reg.at(r, *c))).collect();
        for (col, c) in &cols {
            if let Some(v) = ctx.amount(reg, r, *c, notes)? {
                values.insert(*col, v);
            }
        }
        let code_at = reg.at(r, cc.code[0]);
        let code_text: String = cc.code.iter().map(|c| s.text(r, *c)).collect::<Vec<_>>().join("|");
        if code_text.replace('|', "") == "合计" || name_text == "合计" || first == "合计" {
            rows.push(CodeRowIn { code: "合计".into(), name: String::new(), at: code_at, values, cells });
            continue;
        }
        if first == "栏次" {
            continue;
        }
        // One column: “2080106”, or “2080106 就业管理事务”; split: 类 | 款 | 项.
        let (code, name) = if cc.code.len() == 1 {
            let t = s.text(r, cc.code[0]);
            let digits: String = t.chars().take_while(|c| c.is_ascii_digit()).collect();
            let rest: String = t[digits.len()..].to_string();
            let name = raw_name.clone().filter(|n| !n.is_empty()).unwrap_or(rest);
            if !digits.is_empty() && digits.len() < t.len() && raw_name.as_deref().is_some_and(|n| !n.is_empty()) {
                bail!("{} {code_at}：科目编码“{t}”无效：应为 3、5 或 7 位数字", ctx.book);
            }
            (digits, name)
        } else {
            let parts: Vec<String> = cc.code.iter().map(|c| s.text(r, *c)).collect();
            let mut code = String::new();
            for (i, p) in parts.iter().enumerate() {
                if p.is_empty() {
                    continue;
                }
                if !p.chars().all(|c| c.is_ascii_digit()) {
                    bail!("{} {}：科目编码“{p}”无效：应为数字", ctx.book, reg.at(r, cc.code[i]));
                }
                if p.len() >= 3 {
                    code = p.clone();
                } else {
                    // 款 and 项 columns hold the two digits they add; a blank
                    // 类 (or 款) is the one above.
                    if code.is_empty() {
                        code = if i == 1 { class.clone() } else { section.clone() };
                        if i == 2 && code.is_empty() {
                            code = class.clone();
                        }
                    }
                    code.push_str(&format!("{p:0>2}"));
                }
            }
            (code, raw_name.clone().unwrap_or_default())
        };
        if code.is_empty() {
            if values.is_empty() {
                continue;
            }
            bail!("{} {code_at}：这一行有金额，但没有科目编码", ctx.book);
        }
        if ![3, 5, 7].contains(&code.len()) {
            bail!("{} {code_at}：科目编码“{code}”无效：应为 3、5 或 7 位数字（类、款、项）", ctx.book);
        }
        match code.len() {
            3 => {
                class = code.clone();
                section.clear();
            }
            5 => section = code.clone(),
            _ => {}
        }
        rows.push(CodeRowIn { code, name, at: code_at, values, cells });
    }
    Ok(rows)
}

/// 公开01/04: two sides of labelled rows.
fn read_summary(reg: &Region, g: &Grid, ctx: &Ctx, t: &mut Tables) -> Result<()> {
    let s = reg.sheet;
    let book = ctx.book;
    let label_cols: Vec<u32> = (0..g.cols.len() as u32).filter(|c| g.cols[*c as usize].contains("项目")).collect();
    let (l, r) = match label_cols.as_slice() {
        [a, b, ..] => (*a, *b),
        _ => bail!(
            "{book} {}（{}）：表头（第 {}–{} 行）中应有收入和支出两个“项目”栏",
            s.name,
            reg.kind.label(),
            g.start + 1,
            g.end + 1
        ),
    };
    let is_line = |c: u32| g.cols[c as usize].contains("行次");
    let left_amount = (l + 1..r).find(|c| !is_line(*c));
    let right_cols: Vec<u32> = if reg.kind == Kind::T01 {
        (r + 1..g.cols.len() as u32).filter(|c| !is_line(*c)).take(1).collect()
    } else {
        let mut taken = Vec::new();
        let mut v = Vec::new();
        for words in [&["一般公共预算"][..], &["政府性基金"][..], &["合计"][..]] {
            if let Some(c) = find_col(g, r + 1, g.cols.len() as u32, words, &taken) {
                taken.push(c);
                v.push(Some(c));
            } else {
                v.push(None);
            }
        }
        // In printed order: 合计, 一般公共预算, 政府性基金.
        [v[2], v[0], v[1]].into_iter().map(|c| c.unwrap_or(u32::MAX)).collect()
    };
    let Some(left_amount) = left_amount else {
        bail!("{book} {}（{}）：表头中找不到收入的金额栏", s.name, reg.kind.label());
    };
    if right_cols.is_empty() || right_cols.iter().all(|c| *c == u32::MAX) {
        bail!("{book} {}（{}）：表头中找不到支出的金额栏", s.name, reg.kind.label());
    }
    let norm = |x: &str| strip_numbering(&squash(x));
    let mut after_opening = false;
    for row in g.end + 1..reg.end {
        let first = (0..s.width()).map(|c| s.text(row, c)).find(|t| !t.is_empty()).unwrap_or_default();
        if first.starts_with("注") {
            break;
        }
        // Left side.
        let label = norm(&s.text(row, l));
        let v = ctx.amount(reg, row, left_amount, &mut t.notes)?;
        let at = reg.at(row, left_amount);
        let stated = |name: &str, v: Option<Val>, what: &str, t: &mut Tables| {
            t.stated.push(StatedIn { name: name.into(), val: v, at: at.clone(), what: what.into() })
        };
        if reg.kind == Kind::T01 {
            match label.as_str() {
                "" => {}
                "本年收入合计" => stated("公开02.合计.本年收入合计", v, "本年收入合计", t),
                "总计" => stated("公开01.收入总计", v, "收入总计", t),
                "年初结转和结余" => put_balance(t, "opening", v, "年初结转和结余"),
                x if x.contains("事业基金") || x.contains("非财政拨款结余") => {
                    put_balance(t, "use_of_business_fund", v, "用事业基金弥补收支差额")
                }
                x if x.contains("国有资本经营") => unsupported(book, &at, x, &v)?,
                x => match [
                    "一般公共预算财政拨款收入",
                    "政府性基金预算财政拨款收入",
                    "财政拨款收入",
                    "上级补助收入",
                    "事业收入",
                    "经营收入",
                    "附属单位上缴收入",
                    "其他收入",
                ]
                .iter()
                .find(|k| x == **k || x.trim_end_matches("收入") == k.trim_end_matches("收入"))
                {
                    Some(k) => stated(&format!("公开02.合计.{k}"), v, k, t),
                    None if v.is_none() => {}
                    None => bail!("{book} {}：不认识的收入项目“{x}”", reg.at(row, l)),
                },
            }
        } else {
            match label.as_str() {
                "" => {}
                "本年收入合计" => stated("公开04.本年收入合计", v, "本年收入合计", t),
                "总计" => stated("公开04.收入总计", v, "收入总计", t),
                x if x.starts_with("年初财政拨款结转和结余") => {
                    after_opening = true;
                    stated("公开04.年初财政拨款结转和结余", v, "年初财政拨款结转和结余", t)
                }
                x if x.starts_with("一般公共预算财政拨款") => {
                    if after_opening {
                        put_balance(t, "opening_fiscal", v, "年初财政拨款结转和结余 一般公共预算财政拨款")
                    } else {
                        stated("公开02.合计.一般公共预算财政拨款收入", v, "一般公共预算财政拨款", t)
                    }
                }
                x if x.starts_with("政府性基金预算财政拨款") => {
                    if after_opening {
                        put_balance(t, "opening_gov_fund", v, "年初财政拨款结转和结余 政府性基金预算财政拨款")
                    } else {
                        stated("公开02.合计.政府性基金预算财政拨款收入", v, "政府性基金预算财政拨款", t)
                    }
                }
                x if x.contains("国有资本经营") => unsupported(book, &at, x, &v)?,
                x if v.is_none() => {
                    let _ = x;
                }
                x => bail!("{book} {}：不认识的收入项目“{x}”", reg.at(row, l)),
            }
        }
        // Right side.
        let label = norm(&s.text(row, r));
        let mut vals = Vec::new();
        for c in &right_cols {
            vals.push(if *c == u32::MAX { None } else { ctx.amount(reg, row, *c, &mut t.notes)? });
        }
        let ats: Vec<String> =
            right_cols.iter().map(|c| if *c == u32::MAX { String::new() } else { reg.at(row, *c) }).collect();
        let names: Option<[&str; 3]> = match (reg.kind, label.as_str()) {
            (_, "") => None,
            (Kind::T01, "本年支出合计") => Some(["公开03.合计.本年支出合计", "", ""]),
            (Kind::T01, "年末结转和结余") => Some(["公开01.年末结转和结余", "", ""]),
            (Kind::T01, "总计") => Some(["公开01.支出总计", "", ""]),
            (Kind::T01, "结余分配") => {
                put_balance(t, "surplus_distribution", vals[0].clone(), "结余分配");
                None
            }
            (Kind::T04, "本年支出合计") => {
                Some(["公开04.本年支出合计", "公开05.合计.小计", "公开08.合计.本年支出小计"])
            }
            (Kind::T04, x) if x.starts_with("年末财政拨款结转和结余") => Some([
                "公开04.年末财政拨款结转和结余",
                "公开04.年末财政拨款结转和结余.一般公共预算财政拨款",
                "公开04.年末财政拨款结转和结余.政府性基金预算财政拨款",
            ]),
            (Kind::T04, "总计") => Some([
                "公开04.支出总计",
                "公开04.支出总计.一般公共预算财政拨款",
                "公开04.支出总计.政府性基金预算财政拨款",
            ]),
            (_, x) if x.ends_with("支出") || x.ends_with("（类）") => {
                t.class_rows.push((reg.kind, x.to_string(), reg.at(row, r), vals.clone()));
                None
            }
            (_, x) if vals.iter().all(Option::is_none) => {
                let _ = x;
                None
            }
            (_, x) => bail!("{book} {}：不认识的支出项目“{x}”", reg.at(row, r)),
        };
        if let Some(names) = names {
            for ((n, v), at) in names.iter().zip(vals).zip(ats) {
                if !n.is_empty() {
                    t.stated.push(StatedIn { name: n.to_string(), val: v, at, what: label.clone() });
                }
            }
        }
    }
    Ok(())
}

/// A label without its numbering: “一、”, “（一）”, “1.”.
fn strip_numbering(s: &str) -> String {
    const NUMERALS: &str = "一二三四五六七八九十0123456789";
    let chars: Vec<char> = s.chars().collect();
    if matches!(chars.first(), Some('（' | '(')) {
        if let Some(close) = chars.iter().position(|c| matches!(c, '）' | ')'))
            && close > 1
            && chars[1..close].iter().all(|c| NUMERALS.contains(*c))
        {
            return chars[close + 1..].iter().collect();
        }
        return s.to_string();
    }
    let n = chars.iter().take_while(|c| NUMERALS.contains(**c)).count();
    if n > 0 && matches!(chars.get(n), Some('、' | '.' | '．')) {
        return chars[n + 1..].iter().collect();
    }
    s.to_string()
}

fn put_balance(t: &mut Tables, field: &'static str, v: Option<Val>, what: &str) {
    if let Some(v) = v {
        t.balances.insert(field, (v, what.to_string()));
    }
}

fn unsupported(book: &str, at: &str, what: &str, v: &Option<Val>) -> Result<()> {
    match v {
        Some(v) if !v.money.is_zero() => {
            bail!("{book} {at}：“{what}”有金额 {}，gongkai 的部门决算数据中还没有这一项", v.money.as_entered())
        }
        _ => Ok(()),
    }
}

/// 公开06: three groups of (code, name, amount) and the two totals.
fn read_econ(reg: &Region, g: &Grid, ctx: &Ctx, t: &mut Tables) -> Result<()> {
    let s = reg.sheet;
    let code_cols: Vec<u32> = (0..g.cols.len() as u32).filter(|c| g.cols[*c as usize].contains("编码")).collect();
    if code_cols.is_empty() {
        bail!(
            "{} {}（{}）：表头（第 {} 行）中找不到“经济分类科目编码”栏",
            ctx.book,
            s.name,
            reg.kind.label(),
            g.start + 1
        );
    }
    let mut groups = Vec::new();
    for (i, c) in code_cols.iter().enumerate() {
        let next = code_cols.get(i + 1).copied().unwrap_or(g.cols.len() as u32);
        let amount = find_col(g, c + 1, next, &["决算", "金额", "合计"], &[]).unwrap_or(c + 2);
        let name = find_col(g, c + 1, next, &["名称"], &[]);
        groups.push((*c, name, amount));
    }
    for r in g.end + 1..reg.end {
        let first = (0..s.width()).map(|c| s.text(r, c)).find(|t| !t.is_empty()).unwrap_or_default();
        if first.starts_with("注") {
            break;
        }
        // The totals row: a label, its amount in the next cell with one.
        for c in 0..s.width() {
            let label = s.text(r, c);
            let total = if label.starts_with("人员经费") {
                "公开06.人员经费合计"
            } else if label.starts_with("公用经费") {
                "公开06.公用经费合计"
            } else {
                continue;
            };
            let amount_col = (c + 1..s.width()).find(|x| !matches!(s.get(r, *x), V::Empty) || *x == s.width() - 1);
            if let Some(x) = amount_col
                && !s.text(r, x).starts_with("公用经费")
            {
                let v = ctx.amount(reg, r, x, &mut t.notes)?;
                t.stated.push(StatedIn { name: total.into(), val: v, at: reg.at(r, x), what: label.clone() });
            }
        }
        for (code_col, name_col, amount_col) in &groups {
            let code = s.text(r, *code_col);
            if code.is_empty() || code.starts_with("人员经费") || code.starts_with("公用经费") {
                continue;
            }
            if !code.chars().all(|c| c.is_ascii_digit()) || ![3, 5].contains(&code.len()) {
                bail!(
                    "{} {}：经济分类科目编码“{code}”无效：应为 3 位（类）或 5 位（款）数字",
                    ctx.book,
                    reg.at(r, *code_col)
                );
            }
            let v = ctx.amount(reg, r, *amount_col, &mut t.notes)?;
            let name = name_col.map(|c| s.text(r, c)).unwrap_or_default();
            if code.len() == 3 {
                if v.is_some() {
                    t.stated.push(StatedIn {
                        name: format!("公开06.{code}"),
                        val: v,
                        at: reg.at(r, *amount_col),
                        what: name,
                    });
                }
            } else if let Some(v) = v {
                t.econ.push((code, name, v));
            }
        }
    }
    Ok(())
}

/// 公开07: six columns of 预算数 and six of 决算数, one row of figures.
fn read_three_public(reg: &Region, g: &Grid, ctx: &Ctx, t: &mut Tables) -> Result<()> {
    let s = reg.sheet;
    let cols = crate::derive::T07_COLUMNS;
    let role = |h: &str| -> Option<&'static str> {
        Some(if h.contains("出国") {
            "因公出国（境）费"
        } else if h.contains("接待") {
            "公务接待费"
        } else if h.contains("小计") || (h.contains("购置") && h.contains("运行")) {
            "公务用车购置及运行费"
        } else if h.contains("购置") {
            "公务用车购置费"
        } else if h.contains("运行") {
            "公务用车运行费"
        } else if h.contains("合计") {
            "合计"
        } else {
            return None;
        })
    };
    // A column's role is its most specific heading (公务用车购置费 under
    // 公务用车购置及运行费).
    let role_of = |c: usize| g.parts[c].iter().rev().find_map(|p| role(p));
    let mut found: Vec<((&'static str, &'static str), u32)> = Vec::new();
    for (c, h) in g.cols.iter().enumerate() {
        let half = if h.contains("预算") {
            "预算"
        } else if h.contains("决算") {
            "决算"
        } else {
            continue;
        };
        if let Some(k) = role_of(c)
            && !found.iter().any(|(x, _)| *x == (half, k))
        {
            found.push(((half, k), c as u32));
        }
    }
    if found.len() < 12 {
        // No 预算/决算 heading over the columns: twelve columns in the printed order.
        let value_cols: Vec<u32> = (0..g.cols.len() as u32).filter(|c| role_of(*c as usize).is_some()).collect();
        if value_cols.len() != 12 {
            bail!(
                "{} {}（{}）：表头（第 {}–{} 行）应有预算数、决算数各六栏（合计、因公出国（境）费、公务用车购置及运行费、公务用车购置费、公务用车运行费、公务接待费）",
                ctx.book,
                s.name,
                reg.kind.label(),
                g.start + 1,
                g.end + 1
            );
        }
        found = value_cols
            .iter()
            .enumerate()
            .map(|(i, c)| ((if i < 6 { "预算" } else { "决算" }, cols[i % 6]), *c))
            .collect();
    }
    let Some(row) = (g.end + 1..reg.end).find(|r| found.iter().any(|(_, c)| !matches!(s.get(*r, *c), V::Empty))) else {
        return Ok(());
    };
    for ((half, col), c) in found {
        if let Some(v) = ctx.amount(reg, row, c, &mut t.notes)? {
            t.three_public.insert((half.to_string(), col.to_string()), v);
        }
    }
    Ok(())
}

// ------------------------------------------------------------------ YAML

/// A YAML line `key: value  # comment`.
fn line(out: &mut String, indent: usize, key: &str, value: &str, comment: &str) {
    let mut l = format!("{}{key}: {value}", " ".repeat(indent));
    if !comment.is_empty() {
        let pad = 40usize.saturating_sub(l.chars().count()).max(1);
        l += &" ".repeat(pad);
        l += "# ";
        l += comment;
    }
    out.push_str(l.trim_end());
    out.push('\n');
}

fn quote(s: &str) -> String {
    crate::render::typst_string(s)
}

/// An amount in the file's unit, exactly.
fn amount_text(v: &Val, unit: Unit) -> String {
    let m = if v.unit == unit { v.money } else { unit.from_wanyuan(v.unit.to_wanyuan(v.money)) };
    m.as_entered()
}

fn comment_of(v: &Val, what: &str) -> String {
    let mut c = format!("{} {what}", v.at);
    if let Some(n) = &v.note {
        c += "；";
        c += n;
    }
    c.trim().to_string()
}

/// The `决算.yaml` text, and remarks (two cells printing one figure differently).
fn write_yaml(
    book: &str,
    t: &Tables,
    year: u16,
    names: &BTreeMap<String, String>,
    has_previous: bool,
) -> Result<(String, Vec<String>)> {
    let mut notes = Vec::new();
    // The file's unit: the tables', when they agree; else 万元 (converted exactly).
    let mut units: BTreeSet<&str> = BTreeSet::new();
    let all_vals = t
        .codes
        .values()
        .flatten()
        .flat_map(|r| r.values.values())
        .chain(t.econ.iter().map(|e| &e.2))
        .chain(t.three_public.values())
        .chain(t.balances.values().map(|b| &b.0))
        .chain(t.stated.iter().filter_map(|s| s.val.as_ref()));
    for v in all_vals {
        units.insert(v.unit.zh());
    }
    let unit = match units.iter().next() {
        Some(u) if units.len() == 1 => u.parse::<Unit>().unwrap_or_default(),
        _ => Unit::Wanyuan,
    };
    let mut out = String::new();
    let found: Vec<String> = t.found.iter().map(|(k, at)| format!("{}（{at}）", k.label())).collect();
    writeln!(out, "# yaml-language-server: $schema=../../schema/决算.schema.json")?;
    writeln!(out, "# 由 gongkai import 从 {book} 导入：{}。", found.join("、"))?;
    writeln!(out, "# 每项的注释是它在工作簿中的表和单元格。只有项级（7 位）科目是填写的数；")?;
    writeln!(out, "# 工作簿印出的类、款、合计行和各表合计写在 declared.stated 下，审核与按各项计算的数比对。")?;
    writeln!(out, "# 工作簿中没有的（原因、年初预算、上年数等）写成“【待填写：…】”，填好之前审核报错（N-TODO）。")?;
    if units.len() > 1 {
        writeln!(
            out,
            "# 各表的金额单位不同（{}），都已精确换算为万元。",
            units.iter().copied().collect::<Vec<_>>().join("、")
        )?;
    }
    writeln!(out, "year: {year}")?;
    writeln!(out, "unit: {}", unit.zh())?;
    let mut stated: Vec<StatedIn> = Vec::new();
    let codes = |k: Kind| t.codes.get(&k).map(Vec::as_slice).unwrap_or(&[]);
    let name_line = |out: &mut String, row: &CodeRowIn| {
        let known = names.get(&row.code);
        if !row.name.is_empty() && known.is_none_or(|n| squash(n) != squash(&row.name)) {
            line(out, 4, "name", &quote(&row.name), "");
        }
    };
    let header = |row: &CodeRowIn| {
        format!(
            "{} {}",
            row.at,
            if row.name.is_empty() { names.get(&row.code).cloned().unwrap_or_default() } else { row.name.clone() }
        )
    };
    // Parents and 合计 rows of every code table go to stated.
    for k in [Kind::T02, Kind::T03, Kind::T05, Kind::T08, Kind::T09] {
        for row in codes(k) {
            let leaf = row.code.len() == 7;
            for (col, _) in code_columns(k) {
                let v = row.values.get(col);
                let derived_leaf_col = match k {
                    Kind::T05 => *col == "小计",
                    Kind::T08 => ["本年支出小计", "年末结转和结余"].contains(col),
                    Kind::T09 => *col == "合计",
                    Kind::T02 => {
                        *col == "财政拨款收入"
                            && t.codes.get(&Kind::T08).is_some_and(|r| r.iter().any(|x| x.code == row.code))
                    }
                    _ => false,
                };
                if leaf && !derived_leaf_col {
                    continue;
                }
                if v.is_none() && row.code != "合计" {
                    continue;
                }
                let label =
                    if row.code == "合计" { "合计".to_string() } else { format!("{} {}", row.code, row.name) };
                stated.push(StatedIn {
                    name: format!("{}.{}.{col}", k.prefix(), row.code),
                    val: v.cloned(),
                    at: row.cells.get(col).cloned().unwrap_or_else(|| row.at.clone()),
                    what: format!("{label} {col}"),
                });
            }
        }
    }
    // 公开02 → income.
    let gov_income: BTreeMap<&str, &Val> =
        codes(Kind::T08).iter().filter_map(|r| Some((r.code.as_str(), r.values.get("本年收入")?))).collect();
    let income: Vec<&CodeRowIn> = codes(Kind::T02).iter().filter(|r| r.code.len() == 7).collect();
    if !income.is_empty() {
        writeln!(out, "income:                       # 公开02表 收入")?;
    }
    for row in income {
        line(&mut out, 2, "- code", &format!("\"{}\"", row.code), &header(row));
        name_line(&mut out, row);
        for (col, field) in [
            ("财政拨款收入", "fiscal"),
            ("上级补助收入", "superior"),
            ("事业收入", "business"),
            ("经营收入", "operating"),
            ("附属单位上缴收入", "affiliated"),
            ("其他收入", "other"),
            ("本年收入合计", "total"),
        ] {
            let Some(v) = row.values.get(col) else { continue };
            if field == "fiscal"
                && let Some(g) = gov_income.get(row.code.as_str())
            {
                // 财政拨款收入 = 一般公共预算 + 政府性基金（公开08表 本年收入）.
                let general = unit.from_wanyuan(v.unit.to_wanyuan(v.money) - g.unit.to_wanyuan(g.money));
                if !general.is_zero() {
                    line(
                        &mut out,
                        4,
                        "fiscal",
                        &general.as_entered(),
                        &format!("{} 财政拨款收入 − {} 政府性基金本年收入", v.at, g.at),
                    );
                }
                line(&mut out, 4, "gov_fund", &amount_text(g, unit), &comment_of(g, "政府性基金预算财政拨款收入"));
                continue;
            }
            if v.money.is_zero() && field != "total" {
                continue;
            }
            line(&mut out, 4, field, &amount_text(v, unit), &comment_of(v, col));
        }
    }
    // 公开03 and 公开05 → expense.
    let mut expense_codes: Vec<&str> = codes(Kind::T03)
        .iter()
        .chain(codes(Kind::T05))
        .filter(|r| r.code.len() == 7)
        .map(|r| r.code.as_str())
        .collect();
    expense_codes.sort();
    expense_codes.dedup();
    if !expense_codes.is_empty() {
        writeln!(out, "expense:                      # 公开03表 支出、公开05表 一般公共预算财政拨款支出")?;
    }
    for code in expense_codes {
        let r03 = codes(Kind::T03).iter().find(|r| r.code == code);
        let r05 = codes(Kind::T05).iter().find(|r| r.code == code);
        let first = r03.or(r05).expect("listed from the two tables");
        line(&mut out, 2, "- code", &format!("\"{code}\""), &header(first));
        name_line(&mut out, first);
        let mut fiscal = false;
        for (row, cols) in [
            (
                r03,
                &[
                    ("基本支出", "basic"),
                    ("项目支出", "project"),
                    ("上缴上级支出", "remit_superior"),
                    ("经营支出", "operating"),
                    ("对附属单位补助支出", "affiliated"),
                    ("本年支出合计", "total"),
                ][..],
            ),
            (r05, &[("基本支出", "fiscal_basic"), ("项目支出", "fiscal_project")][..]),
        ] {
            let Some(row) = row else { continue };
            for (col, field) in cols {
                let Some(v) = row.values.get(col) else { continue };
                if v.money.is_zero() && *field != "total" {
                    continue;
                }
                fiscal |= field.starts_with("fiscal");
                let what = if field.starts_with("fiscal") {
                    format!("一般公共预算财政拨款{col}")
                } else {
                    col.to_string()
                };
                line(&mut out, 4, field, &amount_text(v, unit), &comment_of(v, &what));
            }
        }
        if fiscal {
            line(&mut out, 4, "fiscal_initial_budget", "【待填写：年初预算数（工作簿中没有）】", "第三部分 五（三）");
            line(&mut out, 4, "reason", "【待填写：决算数与年初预算数差异的原因】", "第三部分 五（三）");
        }
    }
    // 公开06 → basic_by_econ.
    if !t.econ.is_empty() {
        writeln!(out, "basic_by_econ:                # 公开06表 经济分类款级编码 → 决算数")?;
        let mut econ = t.econ.clone();
        econ.sort_by(|a, b| a.0.cmp(&b.0));
        for (code, name, v) in &econ {
            line(&mut out, 2, &format!("\"{code}\""), &amount_text(v, unit), &comment_of(v, name));
        }
    }
    // 公开07 → three_public.
    if !t.three_public.is_empty() {
        writeln!(out, "three_public:                 # 公开07表 “三公”经费")?;
        for (half, key) in [("预算", "budget"), ("决算", "actual")] {
            let mut lines = String::new();
            for (col, field) in [
                ("因公出国（境）费", "abroad"),
                ("公务用车购置费", "car_purchase"),
                ("公务用车运行费", "car_running"),
                ("公务接待费", "reception"),
            ] {
                if let Some(v) = t.three_public.get(&(half.to_string(), col.to_string()))
                    && !v.money.is_zero()
                {
                    line(&mut lines, 4, field, &amount_text(v, unit), &comment_of(v, &format!("{half}数 {col}")));
                }
            }
            if !lines.is_empty() {
                writeln!(out, "  {key}:")?;
                out += &lines;
            }
        }
        for (half, col) in
            [("预算", "合计"), ("预算", "公务用车购置及运行费"), ("决算", "合计"), ("决算", "公务用车购置及运行费")]
        {
            if let Some(v) = t.three_public.get(&(half.to_string(), col.to_string())) {
                stated.push(StatedIn {
                    name: format!("公开07.{half}.{col}"),
                    val: Some(v.clone()),
                    at: v.at.clone(),
                    what: format!("{half}数 {col}"),
                });
            }
        }
        writeln!(out, "  reception_purpose: 【待填写：公务接待的主要内容，如“上级业务往来”（工作簿中没有）】")?;
        writeln!(out, "  # 七（二）的团组数、人次、公务用车保有量工作簿中没有，请按实际填写：")?;
        writeln!(
            out,
            "  # abroad_groups: 0  abroad_persons: 0  reception_groups: 0  reception_persons: 0  cars_in_service: 0"
        )?;
    }
    // 公开01/04 → balances.
    if !t.balances.is_empty() {
        writeln!(out, "balances:                     # 公开01表、公开04表 结转结余")?;
        for field in ["use_of_business_fund", "opening", "surplus_distribution", "opening_fiscal", "opening_gov_fund"] {
            if let Some((v, what)) = t.balances.get(field) {
                line(&mut out, 2, field, &amount_text(v, unit), &comment_of(v, what));
            }
        }
    }
    for (k, key, cols) in [
        (
            Kind::T08,
            "gov_fund:                     # 公开08表 政府性基金预算财政拨款",
            &[("年初结转和结余", "opening"), ("本年收入", "income"), ("基本支出", "basic"), ("项目支出", "project")][..],
        ),
        (
            Kind::T09,
            "soe:                          # 公开09表 国有资本经营预算财政拨款",
            &[("基本支出", "basic"), ("项目支出", "project")][..],
        ),
    ] {
        let rows: Vec<&CodeRowIn> = codes(k).iter().filter(|r| r.code.len() == 7).collect();
        if rows.is_empty() {
            continue;
        }
        writeln!(out, "{key}")?;
        for row in rows {
            line(&mut out, 2, "- code", &format!("\"{}\"", row.code), &header(row));
            name_line(&mut out, row);
            for (col, field) in cols {
                if let Some(v) = row.values.get(col).filter(|v| !v.money.is_zero()) {
                    line(&mut out, 4, field, &amount_text(v, unit), &comment_of(v, col));
                }
            }
        }
    }
    // 公开01/04 class rows: their codes by name.
    let class_of = |name: &str| -> Option<String> {
        let bare = name.trim_end_matches("（类）").trim_end_matches("(类)");
        let want = |n: &str| squash(n).trim_end_matches("支出") == squash(bare).trim_end_matches("支出");
        t.codes
            .values()
            .flatten()
            .filter(|r| r.code.len() == 3)
            .find(|r| want(&r.name))
            .map(|r| r.code.clone())
            .or_else(|| names.iter().find(|(c, n)| c.len() == 3 && want(n)).map(|(c, _)| c.clone()))
    };
    for (k, name, at, vals) in &t.class_rows {
        if vals.iter().all(Option::is_none) {
            continue;
        }
        let Some(code) = class_of(name) else {
            bail!("{book} {at}：“{name}”不是支出功能分类的类");
        };
        let qs: Vec<String> = if *k == Kind::T01 {
            vec![format!("公开03.{code}.本年支出合计")]
        } else {
            vec![format!("公开04.{code}.合计"), format!("公开05.{code}.小计"), format!("公开08.{code}.本年支出小计")]
        };
        for (q, v) in qs.into_iter().zip(vals) {
            if let Some(v) = v {
                stated.push(StatedIn { name: q, val: Some(v.clone()), at: v.at.clone(), what: name.clone() });
            }
        }
    }
    for s in &t.stated {
        // A blank total of a summary table says nothing.
        if s.val.is_some() {
            stated.push(s.clone());
        }
    }
    writeln!(out)?;
    writeln!(out, "# ---- 以下是工作簿中没有的，请填写 ----")?;
    writeln!(
        out,
        "org_running_cost_budget: 【待填写：机关运行经费年初预算数（年初未安排写 0；版式方案按上年比较时删去此行）】"
    )?;
    if !has_previous {
        writeln!(out, "previous:                     # 上年数（仓库中有上年数据时可删除）")?;
        writeln!(out, "  total: 【待填写：上年收、支总计】")?;
        writeln!(out, "  fiscal_total: 【待填写：上年财政拨款收、支总计】")?;
        writeln!(out, "  fiscal_expense: 【待填写：上年一般公共预算财政拨款支出】")?;
        writeln!(out, "  org_running_cost: 【待填写：上年机关运行经费（上年没有写 0）】")?;
        writeln!(out, "  three_public:")?;
        writeln!(out, "    reception: 【待填写：上年公务接待费决算数】")?;
    }
    writeln!(out, "reasons:")?;
    writeln!(out, "  total_change: 【待填写：收支总计变动的原因】")?;
    writeln!(out, "  fiscal_change: 【待填写：财政拨款收支变动的原因】")?;
    writeln!(out, "  fiscal_expense_change: 【待填写：财政拨款支出变动的原因】")?;
    writeln!(out, "  org_running_cost: 【待填写：机关运行经费变动的原因】")?;
    if !stated.is_empty() {
        writeln!(out)?;
        writeln!(out, "declared:")?;
        writeln!(out, "  stated:                      # 工作簿印出的合计，与按各项计算的数比对（null：原文空白）")?;
        let mut seen: BTreeMap<String, Option<Money>> = BTreeMap::new();
        for s in &stated {
            let m = s.val.as_ref().map(|v| v.unit.to_wanyuan(v.money));
            if let Some(first) = seen.get(&s.name) {
                // One figure printed in two tables: a YAML key is written once.
                let shown = s.val.as_ref().map(|v| amount_text(v, unit)).unwrap_or_else(|| "空白".into());
                let same = first.unwrap_or(Money::ZERO) == m.unwrap_or(Money::ZERO);
                let remark = format!("{} {} 也印出 {}：{shown}", s.at, s.what, s.name);
                if same {
                    writeln!(out, "    # {remark}（相同）")?;
                } else {
                    writeln!(out, "    # {remark}——与上面的不同，请核对工作簿")?;
                    notes.push(format!("{book} {remark}，与前面印出的不同"));
                }
                continue;
            }
            seen.insert(s.name.clone(), m);
            let value = s.val.as_ref().map(|v| amount_text(v, unit)).unwrap_or_else(|| "null".into());
            let comment = match &s.val {
                Some(v) => comment_of(v, &s.what),
                None => format!("{} {}（空白）", s.at, s.what),
            };
            line(&mut out, 4, &format!("\"{}\"", s.name), &value, &comment);
        }
    }
    Ok((out, notes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_name_their_tables() {
        assert_eq!(classify_title("部门收支决算总表"), Some(Kind::T01));
        assert_eq!(classify_title("收入支出决算总表"), Some(Kind::T01));
        assert_eq!(classify_title("财政拨款收入支出决算总表"), Some(Kind::T04));
        assert_eq!(classify_title("一般公共预算财政拨款基本支出决算明细表"), Some(Kind::T06));
        assert_eq!(classify_title("财政拨款“三公”经费支出决算表"), Some(Kind::T07));
        assert_eq!(classify_title("部门支出决算表"), Some(Kind::T03));
        assert_eq!(classify_title("注：本表反映部门本年度各项支出情况。"), None);
        assert_eq!(classify_sheet_name("Z01 收入支出决算总表(财决01表)"), Some(Kind::T01));
        assert_eq!(classify_sheet_name("Z06 一般公共预算财政拨款基本支出决"), Some(Kind::T06));
        assert_eq!(classify_sheet_name("Z05"), Some(Kind::T05));
        assert_eq!(classify_sheet_name("公开08表"), Some(Kind::T08));
        assert_eq!(classify_sheet_name("Sheet1"), None);
    }

    #[test]
    fn cells_and_formats() {
        assert_eq!(a1(0, 0), "A1");
        assert_eq!(a1(11, 2), "C12");
        assert_eq!(a1(0, 26), "AA1");
        assert_eq!(format_decimals("0.00"), Some(2));
        assert_eq!(format_decimals("#,##0.00_ ;[Red]-#,##0.00"), Some(2));
        assert_eq!(format_decimals("#,##0"), Some(0));
        assert_eq!(format_decimals("General"), None);
        assert_eq!(year_in("2023年度蓝山县"), Some(2023));
        assert_eq!(year_in("12023年"), None);
    }

    #[test]
    fn not_a_workbook_is_an_error_not_a_panic() {
        for bytes in [&b""[..], b"PK\x03\x04garbage", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1garbage", b"hello"] {
            let e = read_tables("x.xlsx", bytes).err().expect("refused");
            assert!(e.to_string().contains("x.xlsx"), "{e}");
        }
    }
}
