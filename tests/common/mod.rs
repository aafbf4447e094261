//! Test helpers: one rendering session per test binary (fonts are loaded
//! once), temporary output folders, and PDF text extraction with pdftotext.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use gongkai::batch::{Options, Outcome, Session};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn session() -> &'static Session {
    static S: OnceLock<Session> = OnceLock::new();
    S.get_or_init(|| Session::new(None, &[], true).expect("fonts and templates load"))
}

pub fn build(paths: &[PathBuf], out: &Path) -> Vec<Outcome> {
    let opts = Options { write_typst: true, jobs: 2, force: true, keep_printed: true, ..Options::build(out) };
    session().run(paths, &opts)
}

pub fn check(paths: &[PathBuf]) -> Vec<Outcome> {
    let s = Session::new(None, &[], false).expect("templates load");
    let opts = Options { jobs: 1, ..Options::check() };
    s.run(paths, &opts)
}

/// The text of a PDF as pdftotext extracts it (reading order).
pub fn pdf_text(pdf: &Path) -> String {
    let out = Command::new("pdftotext")
        .arg("-enc")
        .arg("UTF-8")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext is installed (make deps installs poppler-utils)");
    assert!(out.status.success(), "pdftotext failed on {}", pdf.display());
    String::from_utf8(out.stdout).expect("utf-8")
}

/// The text of a PDF with its physical layout (`pdftotext -layout`): no
/// dehyphenation, so a `-` that ends a line stays.
pub fn pdf_text_layout(pdf: &Path) -> String {
    let out =
        Command::new("pdftotext").args(["-layout", "-enc", "UTF-8"]).arg(pdf).arg("-").output().expect("pdftotext");
    assert!(out.status.success(), "pdftotext failed on {}", pdf.display());
    String::from_utf8(out.stdout).expect("utf-8")
}

/// The text of a PDF in content-stream order (`pdftotext -raw`): a table's
/// cells come out row by row even when a cell wraps.
pub fn pdf_text_raw(pdf: &Path) -> String {
    let out = Command::new("pdftotext").args(["-raw", "-enc", "UTF-8"]).arg(pdf).arg("-").output().expect("pdftotext");
    assert!(out.status.success(), "pdftotext failed on {}", pdf.display());
    String::from_utf8(out.stdout).expect("utf-8")
}

/// Whitespace removed: Chinese text has none, and line breaks fall anywhere.
pub fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Asserts that `needles` occur in `hay` in this order (each after the previous).
#[track_caller]
pub fn assert_in_order(hay: &str, needles: &[&str], what: &str) {
    let mut pos = 0;
    for n in needles {
        let n = squash(n);
        match hay[pos..].find(&n) {
            Some(i) => pos += i + n.len(),
            None => {
                let context: String = hay[pos..].chars().take(300).collect();
                panic!("{what}: “{n}” not found in order; text after the previous match: {context}");
            }
        }
    }
}

/// The written PDF of an outcome.
pub fn pdf_of(o: &Outcome) -> PathBuf {
    o.written
        .iter()
        .find(|p| p.extension().is_some_and(|e| e == "pdf"))
        .cloned()
        .unwrap_or_else(|| panic!("no PDF for {} {}: {:?}", o.unit, o.year, o.failure))
}

/// Copies a directory tree.
pub fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

/// Replaces the first `from` in a data file by `to` (the test fails if it is not there).
pub fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} has no {from}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// A copy of sample unit `unit` in a data folder of its own: (the temp dir, the unit folder).
pub fn sample(unit: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let to = dir.path().join("data").join(unit);
    copy_dir(&repo().join("data").join(unit), &to);
    (dir, to)
}
