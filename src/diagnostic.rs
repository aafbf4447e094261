//! Diagnostics shared by every stage: a located, rule-tagged message in
//! Chinese, with expected and actual values where a number is wrong, and
//! the other places a figure comes from (a cross-document finding names
//! both files).

use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

use crate::model::Loc;

/// Errors block a unit's documents (unless `--draft`); warnings never do;
/// notes say what was done (a 尾差 printed as the unit typed it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn zh(self) -> &'static str {
        match self {
            Severity::Error => "错误",
            Severity::Warning => "警告",
            Severity::Info => "提示",
        }
    }
}

/// Another place a finding is about: where the other side of a comparison
/// was written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Related {
    pub file: PathBuf,
    pub line: u32,
    pub column: u32,
    /// What is there, e.g. “部门决算 项目支出 139.69”.
    pub label: String,
}

impl Related {
    pub fn new(file: &std::path::Path, at: Loc, label: impl Into<String>) -> Self {
        Related { file: file.to_path_buf(), line: at.line, column: at.column, label: label.into() }
    }
}

/// One finding about a unit's data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Stable rule ID (see `gongkai check --list-rules`).
    pub rule: &'static str,
    pub severity: Severity,
    /// The data file the finding is about.
    pub file: PathBuf,
    /// 1-based line (0 when the value is computed rather than written).
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// The message, in Chinese.
    pub message: String,
    /// The computed value, when a number is wrong.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    /// The value found in the data (as the user typed it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actual: Option<String>,
    /// actual − expected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub difference: Option<String>,
    /// The other places the finding is about.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<Related>,
}

impl Diagnostic {
    pub fn new(
        rule: &'static str,
        severity: Severity,
        file: impl Into<PathBuf>,
        at: Loc,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            rule,
            severity,
            file: file.into(),
            line: at.line,
            column: at.column,
            message: message.into(),
            expected: None,
            actual: None,
            difference: None,
            related: Vec::new(),
        }
    }

    /// The expected and actual values, and their difference (actual − expected, signed).
    pub fn with_values(self, expected: impl ToString, actual: impl ToString, difference: impl ToString) -> Self {
        Diagnostic { difference: Some(difference.to_string()), ..self.with_expected(expected, actual) }
    }

    /// The expected and actual values where no difference can be computed (a blank, a non-number).
    pub fn with_expected(mut self, expected: impl ToString, actual: impl ToString) -> Self {
        self.expected = Some(expected.to_string());
        self.actual = Some(actual.to_string());
        self
    }

    /// Adds the places the other side of the finding was written.
    pub fn with_related(mut self, related: impl IntoIterator<Item = Related>) -> Self {
        for r in related {
            if !(self.related.contains(&r) || r.file == self.file && r.line == self.line && r.line > 0) {
                self.related.push(r);
            }
        }
        self
    }

    pub fn at(&self) -> Loc {
        Loc { line: self.line, column: self.column }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if self.line > 0 {
            write!(f, ":{}:{}", self.line, self.column)?;
        }
        write!(f, ": {}[{}] {}", self.severity.zh(), self.rule, self.message)
    }
}
