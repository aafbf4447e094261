//! Excel in and out: `build --xlsx` writes the nine 公开表 as a workbook
//! whose cells are what the PDF prints; `import` reads it back into data
//! equal to the original (after normalisation), and the re-imported unit
//! builds the same PDF text. Workbooks written by other tools
//! (tests/fixtures/excel, made by make.py with openpyxl and xlwt) import to
//! the same figures, and a typed total that disagrees is reported by 审核
//! with its sheet and cell.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use gongkai::batch::Options;
use gongkai::diagnostic::Severity;
use gongkai::excel::{ImportOptions, import_workbook};
use gongkai::model::{Amount, FinalAccounts};

const UNITS: &[&str] = &["蓝山县就业服务中心", "怀化市就业服务中心"];

/// A copy of the sample data root with only `units` (profiles, catalogue).
fn data_root(dir: &Path, units: &[&str]) -> PathBuf {
    let root = dir.join("data");
    for shared in ["profiles", "catalogue"] {
        copy_dir(&common::repo().join("data").join(shared), &root.join(shared));
    }
    for u in units {
        copy_dir(&common::repo().join("data").join(u), &root.join(u));
    }
    root
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

fn read_fa(file: &Path) -> FinalAccounts {
    gongkai::load::read_yaml(file).unwrap_or_else(|e| panic!("{} does not load: {e}", file.display()))
}

/// The figures of a 决算.yaml's tables, in 万元, zeros left out, with the
/// effective names of the codes: what a workbook can carry.
fn normalised(fa: &FinalAccounts, names: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    let unit = fa.unit.unwrap_or_default();
    let mut out = BTreeMap::new();
    let mut put = |k: String, a: &Option<Amount>| {
        if let Some(a) = a {
            let m = unit.to_wanyuan(a.value);
            if !m.is_zero() {
                out.insert(k, m.0.normalize().to_string());
            }
        }
    };
    let mut codes = BTreeMap::new();
    for r in &fa.income {
        codes.insert(r.code.code.clone(), r.name.clone());
        let c = &r.code.code;
        for (f, a) in [
            ("fiscal", &r.fiscal),
            ("gov_fund", &r.gov_fund),
            ("superior", &r.superior),
            ("business", &r.business),
            ("operating", &r.operating),
            ("affiliated", &r.affiliated),
            ("other", &r.other),
        ] {
            put(format!("income.{c}.{f}"), a);
        }
    }
    for r in &fa.expense {
        codes.insert(r.code.code.clone(), r.name.clone());
        let c = &r.code.code;
        for (f, a) in [
            ("basic", &r.basic),
            ("project", &r.project),
            ("remit_superior", &r.remit_superior),
            ("operating", &r.operating),
            ("affiliated", &r.affiliated),
            ("fiscal_basic", &r.fiscal_basic),
            ("fiscal_project", &r.fiscal_project),
        ] {
            put(format!("expense.{c}.{f}"), a);
        }
    }
    for r in &fa.gov_fund {
        let c = &r.code.code;
        for (f, a) in [("opening", &r.opening), ("income", &r.income), ("basic", &r.basic), ("project", &r.project)] {
            put(format!("gov_fund.{c}.{f}"), a);
        }
    }
    for r in &fa.soe {
        let c = &r.code.code;
        for (f, a) in [("basic", &r.basic), ("project", &r.project)] {
            put(format!("soe.{c}.{f}"), a);
        }
    }
    for (c, a) in &fa.basic_by_econ {
        put(format!("basic_by_econ.{c}"), &Some(*a));
    }
    let tp = &fa.three_public;
    for (half, i) in [("budget", &tp.budget), ("actual", &tp.actual)] {
        for (f, a) in [
            ("abroad", &i.abroad),
            ("car_purchase", &i.car_purchase),
            ("car_running", &i.car_running),
            ("reception", &i.reception),
        ] {
            put(format!("three_public.{half}.{f}"), a);
        }
    }
    let b = &fa.balances;
    for (f, a) in [
        ("use_of_business_fund", &b.use_of_business_fund),
        ("opening", &b.opening),
        ("surplus_distribution", &b.surplus_distribution),
        ("opening_fiscal", &b.opening_fiscal),
        ("opening_gov_fund", &b.opening_gov_fund),
    ] {
        put(format!("balances.{f}"), a);
    }
    for (c, n) in codes {
        let name = n.or_else(|| names.get(&c).cloned()).unwrap_or_default();
        out.insert(format!("name.{c}"), name);
    }
    out
}

fn catalogue_names(root: &Path) -> BTreeMap<String, String> {
    gongkai::resources::catalogue(root, 2023).expect("catalogue").func.codes
}

/// Top-level blocks of a YAML text: key → its lines (comments before a key
/// belong to the block above).
fn blocks(text: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for l in text.lines() {
        let top = !l.starts_with([' ', '#', '-']) && l.contains(':');
        if top {
            out.push((l.split(':').next().unwrap().trim().to_string(), String::new()));
        }
        if let Some(last) = out.last_mut() {
            last.1 += l;
            last.1.push('\n');
        }
    }
    out
}

/// The imported file with the words and figures a workbook cannot give
/// taken from the original (its reasons, 年初预算, last year's figures,
/// 七（二）, 第三部分 data): the unit-year a user gets after filling the
/// placeholders in as the original has them.
fn merge(imported: &str, original: &str) -> String {
    const TABLE_KEYS: &[&str] = &[
        "year",
        "unit",
        "income",
        "expense",
        "basic_by_econ",
        "three_public",
        "balances",
        "gov_fund",
        "soe",
        "declared",
    ];
    let orig = blocks(original);
    // 五（三） per 项 and the narrative of 三公, from the original.
    let mut per_code: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut tp_extra = String::new();
    let mut declared_extra = String::new();
    for (k, text) in &orig {
        match k.as_str() {
            "expense" => {
                let mut code = String::new();
                for l in text.lines() {
                    if let Some(rest) = l.trim_start().strip_prefix("- code:") {
                        code = rest.split('#').next().unwrap().trim().trim_matches('"').to_string();
                    }
                    let t = l.trim_start();
                    if t.starts_with("fiscal_initial_budget:") || t.starts_with("reason:") {
                        per_code.entry(code.clone()).or_default().push(format!("    {t}"));
                    }
                }
            }
            "three_public" => {
                let mut skip = false;
                for l in text.lines().skip(1) {
                    if l.starts_with("  ") && !l.starts_with("   ") && !l.trim_start().starts_with('#') {
                        let key = l.trim().split(':').next().unwrap();
                        skip = key == "budget" || key == "actual";
                    }
                    if !skip {
                        tp_extra += l;
                        tp_extra.push('\n');
                    }
                }
            }
            "declared" => {
                for l in text.lines().skip(1) {
                    if l.trim_start().starts_with("fiscal_initial_budget") {
                        declared_extra += l;
                        declared_extra.push('\n');
                    }
                }
            }
            _ => {}
        }
    }
    let mut out = String::new();
    let mut code = String::new();
    let mut narrative = false;
    let mut block = String::new();
    for l in imported.lines() {
        if !l.starts_with([' ', '#']) && l.contains(':') {
            block = l.split(':').next().unwrap().to_string();
        }
        if l.starts_with("# ---- 以下是工作簿中没有的") {
            narrative = true;
        }
        if l.starts_with("declared:") {
            narrative = false;
        }
        if narrative || l.contains("【待填写") {
            continue;
        }
        out += l;
        out.push('\n');
        if let Some(rest) = l.strip_prefix("  - code:") {
            code = rest.split('#').next().unwrap().trim().trim_matches('"').to_string();
        }
        if l.starts_with("  - code:")
            && block == "expense"
            && let Some(lines) = per_code.get(&code)
        {
            for x in lines {
                out += x;
                out.push('\n');
            }
        }
        if l.starts_with("three_public:") {
            out += &tp_extra;
        }
        if l.starts_with("declared:") {
            out += &declared_extra;
        }
    }
    for (k, text) in &orig {
        if !TABLE_KEYS.contains(&k.as_str()) {
            out += text;
        }
    }
    out
}

fn build_xlsx(root: &Path, out: &Path) -> Vec<gongkai::batch::Outcome> {
    let opts = Options { jobs: 2, force: true, xlsx: true, ..Options::build(out) };
    common::session().run(&[root.to_path_buf()], &opts)
}

#[test]
fn build_xlsx_then_import_round_trips_every_sample_unit() {
    let tmp = tempfile::tempdir().unwrap();
    let root = data_root(tmp.path(), UNITS);
    let out = tmp.path().join("out");
    let outcomes = build_xlsx(&root, &out);
    for o in &outcomes {
        assert!(o.ok(), "{} {} failed: {:?}", o.unit, o.year, o.failure);
    }
    let names = catalogue_names(&root);
    for unit in UNITS {
        let dir = out.join(unit).join("2023");
        let book = dir.join(format!("2023年度{unit}部门决算公开表.xlsx"));
        assert!(book.is_file(), "{} not written", book.display());
        // Identical input, identical bytes.
        let again = tmp.path().join("again");
        build_xlsx(&data_root(&tmp.path().join("copy"), &[unit]), &again);
        let other = again.join(unit).join("2023").join(book.file_name().unwrap());
        assert_eq!(std::fs::read(&book).unwrap(), std::fs::read(&other).unwrap(), "{unit}: workbook not reproducible");

        // Import into a new unit folder.
        let imp_root = tmp.path().join("imported");
        let opts = ImportOptions {
            unit_dir: Some(imp_root.join(unit)),
            data_root: imp_root.clone(),
            year: None,
            force: false,
        };
        let done = import_workbook(&book, &opts).unwrap_or_else(|e| panic!("{unit}: import failed: {e:#}"));
        assert_eq!(done.year, 2023);
        assert_eq!(done.tables.len(), 9, "{unit}: {:?}", done.tables);
        let original = common::repo().join("data").join(unit).join("2023").join("决算.yaml");
        assert_eq!(
            normalised(&read_fa(&done.file), &names),
            normalised(&read_fa(&original), &names),
            "{unit}: imported figures differ from the original"
        );
        // Not overwritten without --force.
        let err = import_workbook(&book, &opts).expect_err("refused").to_string();
        assert!(err.contains("--force"), "{err}");

        // The re-imported figures with the original's words build the same PDF.
        let merged_root = data_root(&tmp.path().join("merged"), &[unit]);
        let imported_text = std::fs::read_to_string(&done.file).unwrap();
        let merged = merge(&imported_text, &std::fs::read_to_string(&original).unwrap());
        let merged_file = merged_root.join(unit).join("2023").join("决算.yaml");
        std::fs::write(&merged_file, &merged).unwrap();
        let merged_out = tmp.path().join("merged-out");
        let outcomes = common::build(&[merged_root.join(unit)], &merged_out);
        for o in &outcomes {
            let errors: Vec<String> =
                o.diagnostics.iter().filter(|d| d.severity == Severity::Error).map(gongkai::report::human).collect();
            assert!(o.ok(), "{unit}: the re-imported data fails: {:?}\n{}\n{merged}", o.failure, errors.join("\n"));
        }
        let pdf = format!("2023年度{unit}部门决算.pdf");
        let a = common::pdf_text(&dir.join(&pdf));
        let b = common::pdf_text(&merged_out.join(unit).join("2023").join(&pdf));
        assert_eq!(a, b, "{unit}: the PDF built from the imported data differs");
    }
}

/// Imports a fixture into a fresh unit folder and returns its file and the
/// 审核 findings.
fn import_fixture(name: &str) -> (PathBuf, FinalAccounts, Vec<gongkai::diagnostic::Diagnostic>, tempfile::TempDir) {
    let tmp = tempfile::tempdir().unwrap();
    let root = data_root(tmp.path(), &[]);
    let book = common::repo().join("tests/fixtures/excel").join(name);
    let opts = ImportOptions { unit_dir: None, data_root: root.clone(), year: Some(2023), force: false };
    let done = import_workbook(&book, &opts).unwrap_or_else(|e| panic!("{name}: {e:#}"));
    assert_eq!(done.unit_dir, root.join("蓝山县就业服务中心"), "the unit folder is named by the 编制单位 line");
    assert_eq!(done.tables.len(), 9, "{name}: {:?}", done.tables);
    let outcomes = common::check(std::slice::from_ref(&done.unit_dir));
    let diags = outcomes.into_iter().flat_map(|o| o.diagnostics).collect();
    let fa = read_fa(&done.file);
    (done.file, fa, diags, tmp)
}

/// The 蓝山 figures every fixture holds.
fn assert_lanshan(fa: &FinalAccounts, name: &str) {
    let unit = fa.unit.unwrap_or_default();
    let w = |a: &Option<Amount>| a.map(|a| unit.to_wanyuan(a.value).0.normalize().to_string()).unwrap_or_default();
    let income = fa.income.iter().find(|r| r.code.code == "2080106").unwrap_or_else(|| panic!("{name}: no income row"));
    assert_eq!((w(&income.fiscal), w(&income.other)), ("162".into(), "223.28".into()), "{name}");
    let e = fa.expense.iter().find(|r| r.code.code == "2080106").expect("expense row");
    assert_eq!(
        (w(&e.basic), w(&e.project), w(&e.fiscal_basic)),
        ("270.9".into(), "114.38".into(), "162".into()),
        "{name}"
    );
    assert_eq!(fa.basic_by_econ.len(), 16, "{name}: {:?}", fa.basic_by_econ.keys());
    assert_eq!(w(&Some(fa.basic_by_econ["30228"])), "11.82", "{name}");
    assert_eq!(w(&fa.three_public.budget.reception), "3", "{name}");
    assert_eq!(w(&fa.three_public.actual.reception), "0.25", "{name}");
    assert_eq!(fa.income.len() + fa.expense.len(), 2, "{name}: only 项 rows are typed data");
}

/// Every error is a placeholder still to fill (N-TODO) — the workbook's
/// totals all agree with the items.
fn assert_only_placeholders(diags: &[gongkai::diagnostic::Diagnostic], name: &str) {
    let other: Vec<String> = diags
        .iter()
        .filter(|d| d.severity == Severity::Error && d.rule != "N-TODO")
        .map(gongkai::report::human)
        .collect();
    assert!(other.is_empty(), "{name}: {}", other.join("\n"));
    assert!(diags.iter().any(|d| d.rule == "N-TODO"), "{name}: the reasons are placeholders");
}

#[test]
fn split_codes_dashes_and_indented_names() {
    let (file, fa, diags, _tmp) = import_fixture("split.xlsx");
    assert_lanshan(&fa, "split.xlsx");
    assert_only_placeholders(&diags, "split.xlsx");
    let text = std::fs::read_to_string(file).unwrap();
    assert!(text.contains("\"公开02.208.本年收入合计\": 385.28"), "{text}");
    assert!(text.contains("Sheet2 E9 本年收入合计"), "comments name sheet and cell: {text}");
}

#[test]
fn amounts_in_yuan_on_one_sheet_with_binary_noise() {
    let (file, fa, diags, _tmp) = import_fixture("yuan.xlsx");
    assert_eq!(fa.unit, Some(gongkai::money::Unit::Yuan));
    assert_lanshan(&fa, "yuan.xlsx");
    assert_only_placeholders(&diags, "yuan.xlsx");
    let text = std::fs::read_to_string(file).unwrap();
    // 40.16 × 10000 as a float is 401599.99999999994 (openpyxl writes 401599.9999999999);
    // the cell shows 2 decimals.
    assert!(text.contains("工作簿中为 401599.9999999999，单元格显示 2 位小数，取 401600.00"), "{text}");
}

#[test]
fn software_sheet_names_in_xls() {
    let (_file, fa, diags, _tmp) = import_fixture("z01.xls");
    assert_lanshan(&fa, "z01.xls");
    assert_only_placeholders(&diags, "z01.xls");
}

#[test]
fn a_typed_total_that_disagrees_is_reported_with_its_cell() {
    let (_file, _fa, diags, _tmp) = import_fixture("disagree.xlsx");
    let found: Vec<String> = diags
        .iter()
        .filter(|d| d.severity == Severity::Error && d.rule != "N-TODO")
        .map(gongkai::report::human)
        .collect();
    assert!(
        found.iter().any(|d| d.contains("公开02.合计.本年收入合计") && d.contains("386.28") && d.contains("Sheet2 E6")),
        "{}",
        found.join("\n")
    );
}

#[test]
fn not_a_workbook_names_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("收支.xlsx");
    std::fs::write(&bad, "year: 2023\n").unwrap();
    let opts = ImportOptions {
        unit_dir: Some(tmp.path().join("u")),
        data_root: tmp.path().into(),
        year: Some(2023),
        force: false,
    };
    let e = import_workbook(&bad, &opts).expect_err("refused").to_string();
    assert!(e.contains("收支.xlsx") && e.contains("不是"), "{e}");
    assert!(!tmp.path().join("u").exists(), "nothing written");
}
