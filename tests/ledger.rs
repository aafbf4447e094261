//! One figure, one place: every figure a unit-year's documents print comes
//! from one named quantity of its ledger. For every sample unit-year, the
//! figures each PDF printed are read back from the PDF in order, and a
//! quantity printed in two documents prints the same value in both. Every
//! name belongs to the catalogue `--list-quantities` prints; every PDF has
//! bookmarks and tagged headings; `gongkai explain` walks a figure down to
//! its data lines.

mod common;

use std::collections::BTreeMap;
use std::process::Command;
use std::sync::OnceLock;

use common::*;
use rust_decimal::Decimal;

/// Every sample unit-year built once: outcomes and each PDF's text in content order.
fn built() -> &'static (Vec<gongkai::batch::Outcome>, BTreeMap<String, String>) {
    static R: OnceLock<(Vec<gongkai::batch::Outcome>, BTreeMap<String, String>)> = OnceLock::new();
    R.get_or_init(|| {
        let out = tempfile::tempdir().unwrap().keep();
        let outcomes = build(&[repo().join("data")], &out);
        let mut texts = BTreeMap::new();
        for o in &outcomes {
            assert!(o.ok(), "{} {}: {:?} {:#?}", o.unit, o.year, o.failure, o.diagnostics);
            for p in o.written.iter().filter(|p| p.extension().is_some_and(|e| e == "pdf")) {
                let stem = p.file_stem().unwrap().to_string_lossy().into_owned();
                texts.insert(format!("{}/{stem}", o.unit), squash(&pdf_text_raw(p)));
            }
        }
        (outcomes, texts)
    })
}

/// A printed figure as a number: `1,540.70` → 1540.70, `94.40` → 94.40, `不足0.01` → none.
fn number(text: &str) -> Option<Decimal> {
    text.replace(',', "").parse().ok()
}

#[test]
fn every_printed_figure_is_in_its_pdf_in_order() {
    let (outcomes, texts) = built();
    let mut checked = 0;
    for o in outcomes {
        let mut by_doc: BTreeMap<&str, Vec<&gongkai::batch::PrintedFigure>> = BTreeMap::new();
        for p in &o.printed {
            by_doc.entry(&p.document).or_default().push(p);
        }
        assert!(!by_doc.is_empty(), "{} printed no figure", o.unit);
        for (doc, figures) in by_doc {
            let text = &texts[&format!("{}/{doc}", o.unit)];
            let mut pos = 0;
            for f in figures {
                let needle = squash(&f.text);
                // A table cell spanning rows (“产出指标（50分）”) is drawn after
                // the rows it spans: look back over about a page before giving up.
                let back = text[..pos].char_indices().rev().nth(1200).map_or(0, |(i, _)| i);
                let behind = text[back..pos].contains(&needle);
                match text[pos..].find(&needle) {
                    // Far ahead but just behind: a cell drawn out of reading order.
                    Some(i) if i > 400 && behind => {}
                    Some(i) => pos += i + needle.len(),
                    None if behind => {}
                    None => panic!(
                        "{doc}: {} = “{}” not found after byte {pos}; text there: {}",
                        f.name,
                        f.text,
                        text[pos..].chars().take(200).collect::<String>()
                    ),
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 1200, "only {checked} figures checked");
}

#[test]
fn a_quantity_printed_in_two_documents_prints_the_same_value() {
    let (outcomes, _) = built();
    let mut shared = 0;
    for o in outcomes {
        // name → (document, value, decimals printed)
        let mut seen: BTreeMap<&str, Vec<(&str, Decimal)>> = BTreeMap::new();
        for p in &o.printed {
            if let Some(v) = number(&p.text) {
                seen.entry(&p.quantity).or_default().push((&p.document, v));
            }
        }
        for (name, prints) in seen {
            let docs: std::collections::BTreeSet<&str> = prints.iter().map(|p| p.0).collect();
            if docs.len() > 1 {
                shared += 1;
            }
            let dp = prints.iter().map(|p| p.1.scale()).min().unwrap();
            let first = prints[0].1.round_dp(dp);
            for (doc, v) in &prints {
                assert_eq!(
                    v.round_dp(dp),
                    first,
                    "{} {}: {name} prints {v} in {doc}, {} elsewhere",
                    o.unit,
                    o.year,
                    prints[0].1
                );
            }
        }
    }
    // 怀化 and 蓝山 print 项目支出, 三公, 公用经费… in more than one document.
    assert!(shared >= 10, "only {shared} quantities appear in two documents");
}

/// The 怀化 documents agree where the reviewer found them disagreeing.
#[test]
fn huaihua_documents_agree() {
    let (outcomes, texts) = built();
    let o = outcomes.iter().find(|o| o.unit == "怀化市就业服务中心").unwrap();
    let printed = |name: &str| -> Vec<(&str, &str)> {
        o.printed.iter().filter(|p| p.name == name).map(|p| (p.document.as_str(), p.text.as_str())).collect()
    };
    // 项目支出: the 部门决算, the 整体 report, the 基础数据表 and the project report all print 139.69.
    let project = printed("公开03.合计.项目支出");
    assert!(project.iter().any(|p| p.0.ends_with("部门决算")), "{project:?}");
    for name in ["项目支出.实际", "基础数据表.项目支出.本年决算数", "项目报告.资金支出合计"]
    {
        assert!(printed(name).iter().all(|p| p.1 == "139.69"), "{name}: {:?}", printed(name));
        assert!(!printed(name).is_empty(), "{name} printed nowhere");
    }
    // ⑥ is 27.97 in the report and in its table, as its 成本指标 says.
    assert!(printed("市级企业用工保障服务专项经费.全年执行数").iter().all(|p| p.1 == "27.97"));
    // 五（三） and the 整体 table: 897.32.
    assert!(printed("五（三）.年初预算数").iter().all(|p| p.1 == "897.32"));
    assert!(printed("整体支出绩效自评表.按收入性质.一般公共预算").iter().all(|p| p.1 == "897.32"));
    // The 基础数据表's 市级专项 budget is the report's 年初预算 total: 93.
    let report = &texts["怀化市就业服务中心/2023年度怀化市就业服务中心项目支出绩效自评报告"];
    assert!(report.contains("年初预算数共计93万元"), "{}", &report[..400]);
    assert!(printed("基础数据表.专项资金.本年预算数").iter().all(|p| p.1.starts_with("93")));
}

#[test]
fn every_name_of_every_sample_ledger_is_in_the_catalogue() {
    let (years, _) = gongkai::load::load_units(&[repo().join("data"), repo().join("tests/fixtures/as-published")]);
    let shared = gongkai::resources::Shared::default();
    let mut names = 0;
    let mut used = std::collections::BTreeSet::new();
    for uy in years {
        let a = gongkai::unit_year::assess(&uy, &shared).unwrap();
        for e in a.ledger.entries() {
            let d = gongkai::quantities::describe(&e.name)
                .unwrap_or_else(|| panic!("{} {}: “{}” is in no pattern of the catalogue", uy.name, uy.year, e.name));
            used.insert(d.pattern);
            names += 1;
        }
    }
    assert!(names > 3000, "{names}");
    let unused: Vec<&str> =
        gongkai::quantities::CATALOGUE.iter().map(|d| d.pattern).filter(|p| !used.contains(p)).collect();
    assert!(unused.len() <= 3, "patterns no sample uses (stale?): {unused:?}");
}

#[test]
fn every_pdf_has_bookmarks_and_tagged_headings() {
    let (outcomes, _) = built();
    for o in outcomes {
        for p in o.written.iter().filter(|p| p.extension().is_some_and(|e| e == "pdf")) {
            let xml = Command::new("pdftohtml").args(["-xml", "-i", "-stdout", "-q"]).arg(p).output().unwrap();
            let xml = String::from_utf8_lossy(&xml.stdout);
            let items = xml.matches("<item page=").count();
            let info = Command::new("pdfinfo").arg("-struct").arg(p).output().unwrap();
            let tags = String::from_utf8_lossy(&info.stdout);
            // A 部门决算 has its parts and tables; a report at least its sections and tables;
            // tables published alone one bookmark (an H1) per table.
            let (least, h2) = if p.to_string_lossy().ends_with("部门决算.pdf") { (5, true) } else { (2, false) };
            assert!(items >= least, "{}: {items} bookmarks", p.display());
            assert!(tags.contains("H1") && (!h2 || tags.contains("H2")), "{}: no H1/H2 tags", p.display());
        }
    }
    // The 目录 lists the bookmarks' headings: 怀化's first part and its tables.
    let pdf = outcomes.iter().find(|o| o.unit == "怀化市就业服务中心").map(pdf_of).unwrap();
    let xml = Command::new("pdftohtml").args(["-xml", "-i", "-stdout", "-q"]).arg(&pdf).output().unwrap();
    let xml = String::from_utf8_lossy(&xml.stdout);
    for want in ["第一部分 市就业服务中心概况", "一、 收入支出决算总表", "第三部分 2023年度部门决算情况说明"]
    {
        assert!(xml.contains(want), "bookmark {want} missing");
    }
    // Each 项目支出绩效自评表 is bookmarked with its project's name.
    let report = outcomes
        .iter()
        .find(|o| o.unit == "怀化市就业服务中心")
        .and_then(|o| o.written.iter().find(|p| p.to_string_lossy().ends_with("项目支出绩效自评报告.pdf")))
        .expect("怀化's 项目 report");
    let xml = Command::new("pdftohtml").args(["-xml", "-i", "-stdout", "-q"]).arg(report).output().unwrap();
    let xml = String::from_utf8_lossy(&xml.stdout);
    let tables = xml.matches(">项目支出绩效自评表（").count();
    assert_eq!(tables, 11, "{xml}");
    assert!(xml.contains(">项目支出绩效自评表（就业见习补贴）<"), "{xml}");
}

fn gongkai(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_gongkai")).args(args).current_dir(repo()).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

#[test]
fn list_quantities_and_explain() {
    let (code, out) = gongkai(&["check", "--list-quantities"]);
    assert_eq!(code, 0, "{out}");
    for want in ["公开02.<科目编码或合计>", "三.<支出栏>.占比", "<基金名称>.{当期结余|期初结余|期末结余}"]
    {
        assert!(out.contains(want), "{want} not listed");
    }
    let (code, out) = gongkai(&["check", "--list-quantities", "data/蓝山县就业服务中心"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("公开03.合计.本年支出合计\t385.28 万元"), "{}", &out[..300.min(out.len())]);

    let (code, out) = gongkai(&["explain", "data/怀化市就业服务中心/2023", "三.项目支出.占比"]);
    assert_eq!(code, 0, "{out}");
    assert_in_order(
        &squash(&out),
        &[
            "印为：15.91%",
            "三.项目支出.占比=15.914192%",
            "=公开03.合计.项目支出÷公开03.合计.本年支出合计",
            "公开03.2089999.项目支出=105.7万元填写于data/怀化市就业服务中心/2023/决算.yaml:",
        ],
        "explain",
    );
    // A 尾差 printed as typed says so, with both figures.
    let (code, out) = gongkai(&["explain", "data/湖南省人力资源和社会保障厅", "机关事业单位基本养老保险基金.当期结余"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("印为：-11.59") && out.contains("按公式为 -11.6，尾差"), "{out}");
    // A name that is not there: a suggestion close in meaning.
    let (code, out) = gongkai(&["explain", "data/蓝山县就业服务中心", "三.项目支出.占"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("没有名为“三.项目支出.占”的量"), "{out}");
    // More than one unit-year: say which to pick.
    let (code, out) = gongkai(&["explain", "data", "一.收支总计"]);
    assert_eq!(code, 1);
    assert!(out.contains("请指定一个单位的年度文件夹"), "{out}");
}
