//! Table forms (`profiles/forms/*.yaml`, or `form:` under a table of a
//! profile): the grid of one 公开表 as data — its columns, header cells
//! with their merges, the blocks of rows it prints, the quantity of the
//! ledger behind every amount cell, how a zero prints and the notes under
//! it. A province whose 公开01表 lists other fixed rows, runs its 行次
//! differently or prints zeros as “0.00” writes a form, not Rust.

use std::collections::BTreeMap;

use serde::Deserialize;

/// The forms of a forms file, by table id (T01 … T09).
pub type Forms = BTreeMap<String, TableForm>;

/// One table's form.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TableForm {
    /// 列宽，Typst 写法：如 ["7em", "1fr", "5.6em"]（fr 分配剩余宽度）。
    pub columns: Vec<TrackSize>,
    /// 表内字号，如 "9pt"（缺省 10pt）。
    #[serde(default)]
    pub size: Option<TrackSize>,
    /// 行的上下留白，如 "2.2pt"（缺省 3.5pt）。
    #[serde(default)]
    pub row_inset: Option<TrackSize>,
    /// 表头（跨页时重复）：每行一个单元格列表；字符串为表头文字，"" 为空格子。
    pub header: Vec<Vec<Cell>>,
    /// 表体：依次印出的行块。
    pub body: Vec<Block>,
    /// 表下的注。
    #[serde(default)]
    pub note: Option<String>,
    /// 表中按科目列出的行（codes）一行也没有时印在表下的说明；“{unit}”代入单位名称。
    #[serde(default)]
    pub empty_note: Option<String>,
    /// 金额为 0 的格子怎样印：blank（空白）、show（按数字格式印 0）或照写的文字（如 "—"、"0.00"）；缺省取版式方案的 numbers.table_zero。
    #[serde(default)]
    pub zero: Option<Zero>,
}

/// A Typst length or track size, checked when read (it is written into
/// the Typst source as code, so nothing else may pass).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct TrackSize(pub String);

impl<'de> Deserialize<'de> for TrackSize {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?.trim().to_string();
        if s == "auto" {
            return Ok(TrackSize(s));
        }
        let unit = ["fr", "em", "pt", "mm", "cm", "%"].into_iter().find(|u| s.ends_with(u));
        let ok = unit.is_some_and(|u| {
            let n = &s[..s.len() - u.len()];
            !n.is_empty() && n.parse::<f64>().is_ok_and(|v| v.is_finite() && v > 0.0) && !n.starts_with('+')
        });
        if ok {
            Ok(TrackSize(s))
        } else {
            Err(serde::de::Error::custom(format!(
                "长度“{s}”无效：应为正数加单位 fr、em、pt、mm、cm 或 %（如 1fr、6.5em、9pt），或 auto"
            )))
        }
    }
}

impl schemars::JsonSchema for TrackSize {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "TrackSize".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string", "pattern": "^(auto|[0-9]+(\\.[0-9]+)?(fr|em|pt|mm|cm|%))$" })
    }
}

/// How a zero amount prints.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub enum Zero {
    /// 空白。
    #[default]
    Blank,
    /// 按数字格式印出 0。
    Show,
    /// 照写的文字。
    Text(String),
}

impl<'de> Deserialize<'de> for Zero {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(match s.trim() {
            "blank" | "" => Zero::Blank,
            "show" => Zero::Show,
            t => Zero::Text(t.to_string()),
        })
    }
}

impl schemars::JsonSchema for Zero {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Zero".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string", "description": "blank（空白）、show（按数字格式印 0）或照写的文字（如 —、0.00）", "examples": ["blank", "show", "—", "0.00"] })
    }
}

/// One cell of a header or an explicit row.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CellSpec {
    /// 表头式文字（居中）；换行处断行。
    #[serde(default)]
    pub hd: Option<String>,
    /// 左对齐的文字。
    #[serde(default)]
    pub label: Option<String>,
    /// 居中的文字（行次等）。
    #[serde(default)]
    pub center: Option<String>,
    /// 金额：账中的量的名称（见 gongkai check --list-quantities）。
    #[serde(default)]
    pub q: Option<String>,
    /// 横跨的列数。
    #[serde(default)]
    pub colspan: Option<u16>,
    /// 纵跨的行数。
    #[serde(default)]
    pub rowspan: Option<u16>,
    /// 本格金额为 0 时怎样印（缺省按表的 zero）。
    #[serde(default)]
    pub zero: Option<Zero>,
}

/// A cell: a string is header text ("" an empty cell), a map says what it holds.
#[derive(Debug, Clone, schemars::JsonSchema)]
#[schemars(untagged)]
pub enum Cell {
    Text(String),
    Spec(CellSpec),
}

impl<'de> Deserialize<'de> for Cell {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Cell;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("表头文字，或 {hd|label|center|q: …, colspan, rowspan, zero}")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Cell, E> {
                Ok(Cell::Text(v.to_string()))
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<Cell, E> {
                Ok(Cell::Text(String::new()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Cell, A::Error> {
                let spec = CellSpec::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                let kinds = [&spec.hd, &spec.label, &spec.center, &spec.q].iter().filter(|k| k.is_some()).count();
                if kinds > 1 {
                    return Err(serde::de::Error::custom("一个单元格只能写 hd、label、center、q 中的一个"));
                }
                Ok(Cell::Spec(spec))
            }
        }
        d.deserialize_any(V)
    }
}

/// A block of rows of a table's body.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Block {
    /// 一行，逐格写出。
    Row(Vec<Cell>),
    /// 按功能分类科目逐行列出（类、款、项），可带合计行。
    Codes(CodesBlock),
    /// 若干空行。
    Padding(u16),
    /// 公开06表的经济分类三栏（人员经费、公用经费），由经济分类目录排出。
    Economic(EconomicBlock),
    /// 收入、支出左右两栏（公开01、公开04 式），自动编行次。
    Sides(SidesBlock),
}

/// Rows by 功能分类 code.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CodesBlock {
    /// 哪张表的科目：公开02、公开03、公开05、公开08 或 公开09。
    pub of: String,
    /// 金额列，按表中的列名（如 本年收入合计、基本支出）；每格为 “<of>.<科目编码>.<列名>”。
    pub columns: Vec<String>,
    /// 科目编码怎样印：one（一列，缺省）或 split（类、款、项三列）。
    #[serde(default)]
    pub code: CodeStyle,
    /// 合计行的文字（如“合计”），缺省不印合计行。
    #[serde(default)]
    pub total: Option<String>,
    /// 合计行的位置：top（缺省）或 bottom。
    #[serde(default)]
    pub total_at: TotalAt,
    /// 合计行金额为 0 时怎样印（缺省按表的 zero）。
    #[serde(default)]
    pub total_zero: Option<Zero>,
    /// 只列到哪一级：3（项，缺省）、2（款）或 1（类）。
    #[serde(default = "three")]
    pub depth: u8,
}

fn three() -> u8 {
    3
}

/// How a 功能分类 code prints.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CodeStyle {
    #[default]
    One,
    Split,
}

/// Where a 合计 row goes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TotalAt {
    #[default]
    Top,
    Bottom,
}

/// The 公开06 grid.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EconomicBlock {
    /// 合计行：人员经费合计和公用经费合计的文字。
    #[serde(default = "econ_totals")]
    pub totals: (String, String),
}

fn econ_totals() -> (String, String) {
    ("人员经费合计".into(), "公用经费合计".into())
}

/// Two sides, 收入 and 支出, each a list of labelled rows with a 行次.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SidesBlock {
    /// 左栏（收入）依次的行。
    pub left: Vec<SideItem>,
    /// 右栏（支出）依次的行。
    pub right: Vec<SideItem>,
    /// 两栏中较长的一栏之后再加的空行数。
    #[serde(default)]
    pub extra_rows: u16,
    /// 两栏部分至少的行数（不含 tail）。
    #[serde(default)]
    pub min_rows: u16,
    /// 之后左右成对的行（合计、结转结余、总计）。
    #[serde(default)]
    pub tail: Vec<(SideItem, SideItem)>,
    /// 行次怎样编：continue（右栏接着左栏最后一行往下编，缺省）、row（左右同一物理行同一行次）或 none（不印行次列）。
    #[serde(default)]
    pub lines: LineNumbers,
}

/// How the 行次 of a sides block run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LineNumbers {
    #[default]
    Continue,
    Row,
    None,
}

/// One row of one side.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SideItem {
    /// 项目名称（空为空行）。
    #[serde(default)]
    pub label: String,
    /// 金额格的量的名称，每格一个（"" 为空格）。
    #[serde(default)]
    pub q: Vec<String>,
    /// 按支出功能分类的类逐行列出（名称自动编号“一、…”）：q 中的“{code}”代入类的编码；没有该量的格为空。
    #[serde(default)]
    pub classes: bool,
    /// 本行金额为 0 时怎样印（缺省按表的 zero）。
    #[serde(default)]
    pub zero: Option<Zero>,
}

impl Cell {
    /// The columns it spans.
    pub fn colspan(&self) -> usize {
        match self {
            Cell::Text(_) => 1,
            Cell::Spec(s) => s.colspan.unwrap_or(1).max(1) as usize,
        }
    }
    /// The rows it spans.
    pub fn rowspan(&self) -> usize {
        match self {
            Cell::Text(_) => 1,
            Cell::Spec(s) => s.rowspan.unwrap_or(1).max(1) as usize,
        }
    }
}

impl SidesBlock {
    /// The amount cells of the left and the right side.
    pub fn widths(&self) -> (usize, usize) {
        let w = |items: &mut dyn Iterator<Item = &SideItem>| items.map(|i| i.q.len()).max().unwrap_or(0).max(1);
        (
            w(&mut self.left.iter().chain(self.tail.iter().map(|t| &t.0))),
            w(&mut self.right.iter().chain(self.tail.iter().map(|t| &t.1))),
        )
    }
    /// The columns of one side: label, 行次 (unless none) and its amounts.
    pub fn side_columns(&self, amounts: usize) -> usize {
        1 + usize::from(self.lines != LineNumbers::None) + amounts
    }
}

impl TableForm {
    /// Checks that every row fills the grid exactly and that every code
    /// block names a table and columns gongkai has (`columns_of` gives a
    /// code table's columns): a misfit row would shift every later cell.
    pub fn check(&self, columns_of: &dyn Fn(&str) -> Option<Vec<&'static str>>) -> Result<(), String> {
        let n = self.columns.len();
        if n == 0 {
            return Err("columns 为空：至少要有一列".into());
        }
        place_header(self.header.iter().flatten().map(|c| (c.colspan(), c.rowspan())), n)?;
        for (b, block) in self.body.iter().enumerate() {
            let at = |what: String| format!("body 第 {} 块（{what}）", b + 1);
            match block {
                Block::Row(cells) => {
                    if cells.iter().any(|c| c.rowspan() > 1) {
                        return Err(at("表体的格子不能纵跨多行（rowspan 只用于表头）".into()));
                    }
                    let w: usize = cells.iter().map(Cell::colspan).sum();
                    if w != n {
                        return Err(at(format!("row 有 {w} 列，应为 {n} 列")));
                    }
                }
                Block::Codes(c) => {
                    let Some(known) = columns_of(&c.of) else {
                        let all = ["公开02", "公开03", "公开05", "公开08", "公开09"];
                        let near = super::did_you_mean(&c.of, all);
                        return Err(at(format!("codes 的表“{}”不存在{near}（可用：{}）", c.of, all.join("、"))));
                    };
                    for col in &c.columns {
                        if !known.contains(&col.as_str()) {
                            let near = super::did_you_mean(col, known.iter().copied());
                            return Err(at(format!("{} 没有“{col}”列{near}（可用：{}）", c.of, known.join("、"))));
                        }
                    }
                    let w = if c.code == CodeStyle::Split { 4 } else { 2 } + c.columns.len();
                    if w != n {
                        return Err(at(format!(
                            "codes 印 {w} 列（科目编码、名称和 {} 个金额列），应为 {n} 列",
                            c.columns.len()
                        )));
                    }
                    if !(1..=3).contains(&c.depth) {
                        return Err(at(format!("codes 的 depth 为 {}：应为 1（类）、2（款）或 3（项）", c.depth)));
                    }
                }
                Block::Padding(_) => {}
                Block::Economic(_) => {
                    if n != 9 {
                        return Err(at(format!("economic 印 9 列（三栏，各为编码、名称、决算数），表有 {n} 列")));
                    }
                }
                Block::Sides(s) => {
                    let (l, r) = s.widths();
                    let w = s.side_columns(l) + s.side_columns(r);
                    if w != n {
                        return Err(at(format!(
                            "sides 印 {w} 列（左栏 {l} 个金额、右栏 {r} 个金额，各带名称{}），应为 {n} 列",
                            if s.lines == LineNumbers::None { "" } else { "、行次" }
                        )));
                    }
                }
            }
        }
        Ok(())
    }
}

/// Where a header's cells land, as Typst places them: each in the next
/// free slot, left to right, a row skipped where cells spanning down from
/// above fill it. `spans` are (colspan, rowspan); gives each cell's (row,
/// column) and the rows used, or which row is left part-filled.
pub fn place_header(
    spans: impl Iterator<Item = (usize, usize)>,
    n: usize,
) -> Result<(Vec<(usize, usize)>, usize), String> {
    let mut taken: Vec<Vec<bool>> = Vec::new();
    let (mut row, mut col) = (0usize, 0usize);
    let mut at = Vec::new();
    for (i, (span, down)) in spans.enumerate() {
        let (span, down) = (span.max(1), down.max(1));
        if span > n {
            return Err(format!("表头第 {} 个格子横跨 {span} 列，表只有 {n} 列", i + 1));
        }
        loop {
            while taken.len() <= row + down {
                taken.push(vec![false; n]);
            }
            if col + span <= n && taken[row][col..col + span].iter().all(|t| !t) {
                break;
            }
            col += 1;
            if col + span > n {
                row += 1;
                col = 0;
            }
        }
        for r in taken.iter_mut().skip(row).take(down) {
            r[col..col + span].iter_mut().for_each(|t| *t = true);
        }
        at.push((row, col));
        col += span;
    }
    let used = taken.iter().rposition(|r| r.iter().any(|t| *t)).map_or(0, |r| r + 1);
    if let Some(r) = taken[..used].iter().position(|r| r.iter().any(|t| !*t)) {
        let filled = taken[r].iter().filter(|t| **t).count();
        return Err(format!(
            "表头第 {} 行只填了 {filled} 列，应为 {n} 列（columns 写了 {n} 列；纵跨的格子占下面的行）",
            r + 1
        ));
    }
    Ok((at, used))
}
