//! Reporting: diagnostics rendered like a compiler's for people (the YAML
//! line shown, a caret under the value) or as JSON for CI, and the batch
//! summary.

use std::fmt::Write as _;

use serde::Serialize;

use crate::batch::Outcome;
use crate::diagnostic::{Diagnostic, Severity};

/// One diagnostic as a human reads it.
pub fn human(d: &Diagnostic) -> String {
    let mut s = format!("{}[{}]: {}\n", d.severity.zh(), d.rule, d.message);
    if d.line == 0 {
        let _ = writeln!(s, "  --> {}", d.file.display());
        related(&mut s, &d.clone());
        return s;
    }
    let _ = writeln!(s, "  --> {}:{}:{}", d.file.display(), d.line, d.column);
    if let Ok(text) = std::fs::read_to_string(&d.file)
        && let Some(line) = text.lines().nth(d.line as usize - 1)
    {
        let num = d.line.to_string();
        let pad = " ".repeat(num.len());
        let col = (d.column as usize).saturating_sub(1);
        // Display columns: a CJK character takes two carets.
        let value_len = line
            .chars()
            .skip(col)
            .take_while(|c| !c.is_whitespace() && *c != '#')
            .map(|c| if is_wide(c) { 2 } else { 1 })
            .sum::<usize>()
            .max(1);
        let indent: String = line
            .chars()
            .take(col)
            .map(|c| {
                if c == '\t' {
                    '\t'
                } else if is_wide(c) {
                    '　'
                } else {
                    ' '
                }
            })
            .collect();
        let _ = writeln!(s, "{pad} |");
        let _ = writeln!(s, "{num} | {line}");
        let _ = writeln!(s, "{pad} | {indent}{}", "^".repeat(value_len));
    }
    if let (Some(e), Some(a)) = (&d.expected, &d.actual) {
        let _ = writeln!(
            s,
            "  = 应为 {e}，填写为 {a}{}",
            d.difference.as_ref().map(|x| difference_words(x)).unwrap_or_default()
        );
    }
    related(&mut s, d);
    s
}

/// The other places a finding is about, one line each.
fn related(s: &mut String, d: &Diagnostic) {
    for r in &d.related {
        let place = if r.line > 0 {
            format!("{}:{}:{}", r.file.display(), r.line, r.column)
        } else {
            r.file.display().to_string()
        };
        let _ = writeln!(s, "  = 另见 {place}：{}", r.label);
    }
}

fn is_wide(c: char) -> bool {
    ('\u{2E80}'..='\u{9FFF}').contains(&c)
        || ('\u{FF00}'..='\u{FFEF}').contains(&c)
        || ('\u{3000}'..='\u{303F}').contains(&c)
}

#[derive(Serialize)]
struct JsonDiag<'a> {
    unit: &'a str,
    year: u16,
    #[serde(flatten)]
    d: &'a Diagnostic,
}

#[derive(Serialize)]
struct JsonOutcome<'a> {
    unit: &'a str,
    year: u16,
    ok: bool,
    stage: Option<&'a str>,
    error: Option<&'a str>,
    written: Vec<String>,
    pages: usize,
    skipped: bool,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    diagnostics: Vec<JsonDiag<'a>>,
    units: Vec<JsonOutcome<'a>>,
}

/// The whole batch as JSON (same fields as the human form).
pub fn json(outcomes: &[Outcome]) -> String {
    let report = JsonReport {
        diagnostics: outcomes
            .iter()
            .flat_map(|o| o.diagnostics.iter().map(move |d| JsonDiag { unit: &o.unit, year: o.year, d }))
            .collect(),
        units: outcomes
            .iter()
            .map(|o| JsonOutcome {
                unit: &o.unit,
                year: o.year,
                ok: o.ok(),
                stage: o.failure.as_ref().map(|f| f.0.zh()),
                error: o.failure.as_ref().map(|f| f.1.as_str()),
                written: o.written.iter().map(|p| p.display().to_string()).collect(),
                pages: o.pages,
                skipped: o.skipped,
            })
            .collect(),
    };
    serde_json::to_string_pretty(&report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

/// “，多 0.01” / “，少 0.01” from a signed difference (actual − expected).
fn difference_words(x: &str) -> String {
    if let Some(m) = x.strip_prefix('+') {
        format!("，多 {m}")
    } else if let Some(m) = x.strip_prefix('-') {
        format!("，少 {m}")
    } else {
        format!("，差 {x}")
    }
}

/// Diagnostics and the summary for people: every diagnostic, a line per unit-year
/// (with `quiet`, only the failed ones) and one closing line with the counts and the time taken.
pub fn human_report(outcomes: &[Outcome], verb: &str, quiet: bool, elapsed: std::time::Duration) -> String {
    let mut s = String::new();
    for o in outcomes {
        // With -q, only problems: a note (a 尾差 printed as typed) is not one.
        for d in o.diagnostics.iter().filter(|d| !(quiet && d.severity == Severity::Info)) {
            s += &human(d);
            s.push('\n');
        }
        if let Some((stage, msg)) = &o.failure
            && *stage != crate::batch::Stage::Check
            && *stage != crate::batch::Stage::Load
        {
            let _ = writeln!(s, "错误：{} {} 在“{}”阶段失败：\n{}\n", o.unit, o.year, stage.zh(), msg);
        }
    }
    let ok: Vec<&Outcome> = outcomes.iter().filter(|o| o.ok() && !o.skipped).collect();
    let skipped = outcomes.iter().filter(|o| o.skipped).count();
    let bad: Vec<&Outcome> = outcomes.iter().filter(|o| !o.ok()).collect();
    let count = |sev| outcomes.iter().flat_map(|o| &o.diagnostics).filter(|d| d.severity == sev).count();
    let (warnings, notes) = (count(Severity::Warning), count(Severity::Info));
    let pages: usize = outcomes.iter().map(|o| o.pages).sum();
    if !quiet {
        let _ = writeln!(s, "—— {verb}结果 ——");
    }
    for o in ok.iter().filter(|_| !quiet) {
        let files: Vec<String> =
            o.written.iter().filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned())).collect();
        let _ = writeln!(
            s,
            "  ✓ {} {}{}",
            o.unit,
            o.year,
            if files.is_empty() { String::new() } else { format!("：{}", files.join("、")) }
        );
    }
    for o in &bad {
        let (stage, msg) = o.failure.as_ref().expect("failed");
        let first = msg.lines().next().unwrap_or("");
        let year = if o.year > 0 { format!(" {}", o.year) } else { String::new() };
        let _ = writeln!(s, "  ✗ {}{year}（{}）：{first}", o.unit, stage.zh());
    }
    let _ = writeln!(
        s,
        "{verb}：共 {} 个单位年度，{} 个成功，{} 个失败{}；警告 {} 个{}{}；用时 {:.1} 秒",
        outcomes.len(),
        ok.len(),
        bad.len(),
        if skipped > 0 { format!("，{skipped} 个未改动已跳过") } else { String::new() },
        warnings,
        if notes > 0 { format!("，提示 {notes} 个") } else { String::new() },
        if pages > 0 { format!("；共 {pages} 页") } else { String::new() },
        elapsed.as_secs_f64()
    );
    s
}
