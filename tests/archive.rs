//! PDF/A and document metadata: `build --pdf-standard a-2b` (or a
//! profile's `pdf_standard`) writes a PDF that declares its conformance in
//! XMP, with title, author, keywords and the unit's own document date —
//! never the build time, so the same data builds the same file. Without a
//! date the unit is refused (N-DATE) and nothing is written.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

fn sample(unit: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("data").join(unit), &dir.path().join("data").join(unit));
    copy_dir(&repo().join("data/profiles"), &dir.path().join("data/profiles"));
    copy_dir(&repo().join("data/catalogue"), &dir.path().join("data/catalogue"));
    let root = dir.path().join("data");
    (dir, root)
}

fn gongkai(args: &[&str], dir: &Path) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_gongkai")).args(args).current_dir(dir).output().unwrap();
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr))
}

fn pdfs(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
        .collect()
}

fn pdfinfo(pdf: &Path) -> String {
    let out = Command::new("pdfinfo").arg(pdf).output().expect("pdfinfo is installed (poppler-utils)");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The XMP packet of a PDF (PDF/A keeps it uncompressed).
fn xmp(pdf: &Path) -> String {
    let bytes = std::fs::read(pdf).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    let start = text.find("<x:xmpmeta").expect("the PDF has an XMP packet");
    let end = text[start..].find("</x:xmpmeta>").expect("the XMP packet ends") + start;
    text[start..end].to_string()
}

#[test]
fn pdf_a_declares_its_conformance_and_carries_the_units_date_and_names() {
    let (dir, root) = sample("湖南省就业服务中心");
    let out = dir.path().join("out");
    let (ok, log) =
        gongkai(&["build", root.to_str().unwrap(), "-o", out.to_str().unwrap(), "--pdf-standard", "a-2b"], dir.path());
    assert!(ok, "{log}");
    let files = pdfs(&out);
    assert_eq!(files.len(), 1, "{files:?}");
    let x = xmp(&files[0]);
    assert!(x.contains("<pdfaid:part>2</pdfaid:part>"), "{x}");
    assert!(x.contains("<pdfaid:conformance>B</pdfaid:conformance>"), "{x}");
    assert!(x.contains("<dc:language><rdf:Bag><rdf:li>zh-CN</rdf:li>"), "{x}");
    let info = pdfinfo(&files[0]);
    for want in [
        "Title:           2023年度湖南省就业服务中心部门整体支出绩效自评报告",
        "Author:          湖南省就业服务中心",
        "Keywords:        2023年度, 绩效自评, 湖南省就业服务中心",
        "CreationDate:    Tue May 21 00:00:00 2024 UTC",
        "Tagged:          yes",
    ] {
        assert!(info.contains(want), "pdfinfo lacks {want:?}:\n{info}");
    }

    // The same data builds the same bytes: the date is the unit's, not the clock's.
    let again = dir.path().join("again");
    let (ok, log) = gongkai(
        &["build", root.to_str().unwrap(), "-o", again.to_str().unwrap(), "--pdf-standard", "a-2b"],
        dir.path(),
    );
    assert!(ok, "{log}");
    assert_eq!(std::fs::read(&files[0]).unwrap(), std::fs::read(&pdfs(&again)[0]).unwrap());
}

#[test]
fn a_profile_can_ask_for_pdf_a_and_a_unit_without_a_date_is_refused() {
    let (dir, root) = sample("蓝山县就业服务中心");
    let profile = root.join("profiles/湖南-县级-2023.yaml");
    let text = std::fs::read_to_string(&profile).unwrap();
    std::fs::write(&profile, format!("{text}\npdf_standard: a-3b\n")).unwrap();
    let out = dir.path().join("out");
    let (ok, log) = gongkai(&["build", root.to_str().unwrap(), "-o", out.to_str().unwrap()], dir.path());
    assert!(!ok, "{log}");
    assert!(log.contains("错误[N-DATE]") && log.contains("publish_date"), "{log}");
    assert!(pdfs(&out).is_empty(), "nothing is written for a refused unit");

    let fa = root.join("蓝山县就业服务中心/2023/决算.yaml");
    let text = std::fs::read_to_string(&fa).unwrap();
    let text = text.replacen("\nyear: 2023\n", "\nyear: 2023\npublish_date: 2024年9月3日\n", 1);
    assert!(text.contains("publish_date"), "决算.yaml has a year: line");
    std::fs::write(&fa, text).unwrap();
    let (ok, log) = gongkai(&["build", root.to_str().unwrap(), "-o", out.to_str().unwrap()], dir.path());
    assert!(ok, "{log}");
    let files = pdfs(&out);
    assert!(!files.is_empty());
    for f in &files {
        let x = xmp(f);
        assert!(x.contains("<pdfaid:part>3</pdfaid:part>"), "{}: {x}", f.display());
        assert!(pdfinfo(f).contains("CreationDate:    Tue Sep  3 00:00:00 2024 UTC"), "{}", pdfinfo(f));
    }
}
