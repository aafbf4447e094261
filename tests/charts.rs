//! Charts in 第三部分: a profile that asks for them gets a bar chart of
//! this year against last and structure charts of income and expense,
//! labelled with the same figures as the sentences beside them, zero items
//! left out and named, each a tagged figure with alt text made from its
//! numbers; one chart page is compared with a committed reference image.
//! A chart the profile cannot have is refused when the profile is read.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

const REFERENCE: &str = "tests/charts/蓝山-收入支出结构图.png";

/// 蓝山 with the 湖南 县级 profile asking for three charts (and `extra`
/// edits of the profile).
fn with_charts(edits: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    for part in ["蓝山县就业服务中心", "catalogue"] {
        copy_dir(&repo().join("data").join(part), &dir.path().join("data").join(part));
    }
    let profile = std::fs::read_to_string(repo().join("data/profiles/湖南-县级-2023.yaml")).unwrap();
    let mut text = profile
        .replacen(
            "  - {key: overview, title: 收入支出决算总体情况说明}",
            "  - {key: overview, title: 收入支出决算总体情况说明, chart: {caption: \"（图{n}：收、支决算总计变动情况图）\"}}",
            1,
        )
        .replacen(
            "  - {key: income, title: 收入决算情况说明}",
            "  - {key: income, title: 收入决算情况说明, chart: {caption: \"（图{n}：收入决算结构图）\"}}",
            1,
        )
        .replacen(
            "  - {key: expense, title: 支出决算情况说明}",
            "  - {key: expense, title: 支出决算情况说明, chart: {kind: ring, caption: \"（图{n}：支出决算结构图）\"}}",
            1,
        );
    assert_eq!(text.matches("chart:").count(), 3, "the profile's part3 lines moved");
    for (from, to) in edits {
        assert!(text.contains(from), "{from}");
        text = text.replacen(from, to, 1);
    }
    std::fs::create_dir_all(dir.path().join("data/profiles")).unwrap();
    std::fs::write(dir.path().join("data/profiles/湖南-县级-2023.yaml"), text).unwrap();
    let unit = dir.path().join("data/蓝山县就业服务中心");
    (dir, unit)
}

/// The /Alt texts of a tagged PDF (UTF-16BE hex strings, as krilla writes them).
fn alt_texts(pdf: &Path) -> Vec<String> {
    let bytes = std::fs::read(pdf).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    let mut out = Vec::new();
    for part in text.split("/Alt<").skip(1) {
        let hex = &part[..part.find('>').expect("a hex string ends")];
        let raw: Vec<u8> =
            (0..hex.len() / 2).map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap()).collect();
        let units: Vec<u16> = raw.chunks(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
        out.push(String::from_utf16_lossy(&units).trim_start_matches('\u{feff}').to_string());
    }
    out
}

#[test]
fn charts_print_the_sentences_figures_and_carry_alt_text() {
    let (dir, unit) = with_charts(&[]);
    let o = &build(std::slice::from_ref(&unit), &dir.path().join("out"))[0];
    assert!(o.ok(), "{:?} {:#?}", o.failure, o.diagnostics);
    let pdf = pdf_of(o);
    let text = squash(&pdf_text(&pdf));
    let order = [
        "2023年度收、支总计385.28万元",
        "412.58万元",
        "385.28万元",
        "（图1：收、支决算总计变动情况图）",
        "本年收入合计385.28万元",
        "财政拨款收入",
        "162万元（42.05%）",
        "其他收入",
        "223.28万元（57.95%）",
        "上级补助收入、事业收入、经营收入、附属单位上缴收入为0，图中未画出。",
        "（图2：收入决算结构图）",
        "本年支出合计385.28万元",
        "270.9万元（70.31%）",
        "114.38万元（29.69%）",
        "（图3：支出决算结构图）",
    ];
    let mut at = 0;
    for want in order {
        let found = text[at..].find(want).unwrap_or_else(|| panic!("“{want}” after byte {at}:\n{}", &text[at..]));
        at += found + want.len();
    }
    assert_eq!(
        alt_texts(&pdf),
        [
            "（图1：收、支决算总计变动情况图）：收、支总计本年与上年。2022年412.58万元；2023年385.28万元。",
            "（图2：收入决算结构图）：本年收入的构成。财政拨款收入162万元，占42.05%；其他收入223.28万元，占57.95%。上级补助收入、事业收入、经营收入、附属单位上缴收入为 0，图中未画出。",
            "（图3：支出决算结构图）：本年支出的构成。基本支出270.9万元，占70.31%；项目支出114.38万元，占29.69%。上缴上级支出、经营支出、对附属单位补助支出为 0，图中未画出。",
        ]
    );
    // Tagged as figures (the tag tree poppler reads).
    let out = Command::new("pdfinfo").arg("-struct").arg(&pdf).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).matches("Figure").count(), 3);

    // The structure charts' page against the reference image.
    let page = (1..40)
        .find(|p| {
            let out = Command::new("pdftotext")
                .args(["-f", &p.to_string(), "-l", &p.to_string(), "-enc", "UTF-8"])
                .arg(&pdf)
                .arg("-")
                .output()
                .unwrap();
            String::from_utf8_lossy(&out.stdout).contains("（图3：")
        })
        .expect("a page has 图3");
    let png = dir.path().join("page");
    let status = Command::new("pdftoppm")
        .args(["-r", "40", "-gray", "-png", "-singlefile", "-f", &page.to_string(), "-l", &page.to_string()])
        .arg(&pdf)
        .arg(&png)
        .status()
        .unwrap();
    assert!(status.success());
    let got = png.with_extension("png");
    let reference = repo().join(REFERENCE);
    if std::env::var_os("GONGKAI_BLESS").is_some() {
        std::fs::copy(&got, &reference).unwrap();
    }
    let (a, b) = (gray(&got), gray(&reference));
    assert_eq!((a.0, a.1), (b.0, b.1), "page size");
    // Antialiasing may move an edge by a pixel: count only clear differences.
    let differ = a.2.iter().zip(&b.2).filter(|(x, y)| x.abs_diff(**y) > 96).count();
    assert!(
        differ * 1000 < a.2.len() * 5,
        "{differ} of {} pixels differ from {REFERENCE} (GONGKAI_BLESS=1 cargo test --test charts rewrites it after a look)",
        a.2.len()
    );
}

/// A PNG as (width, height, grey levels).
fn gray(path: &Path) -> (u32, u32, Vec<u8>) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let px = buf[..info.buffer_size()].chunks(channels).map(|c| c[0]).collect();
    (info.width, info.height, px)
}

#[test]
fn a_chart_the_paragraph_cannot_have_is_refused_when_the_profile_is_read() {
    for (from, to, says) in [
        (
            "  - {key: fiscal_basic, title: 一般公共预算财政拨款基本支出决算情况说明}",
            "  - {key: fiscal_basic, title: 一般公共预算财政拨款基本支出决算情况说明, chart: {caption: 图}}",
            "第三部分的段落“fiscal_basic”不能有图",
        ),
        (
            "chart: {caption: \"（图{n}：收、支决算总计变动情况图）\"}",
            "chart: {kind: pie, caption: 图}",
            "不能是 pie：可用 bar",
        ),
        ("chart: {caption: \"（图{n}：收入决算结构图）\"}", "chart: {kind: donut, caption: 图}", "donut"),
        ("chart: {caption: \"（图{n}：收入决算结构图）\"}", "chart: {caption: 图, colour: red}", "colour"),
    ] {
        let (_dir, unit) = with_charts(&[(from, to)]);
        let o = &check(std::slice::from_ref(&unit))[0];
        assert!(!o.ok(), "{to}");
        let all = format!("{:?} {:?}", o.failure, o.diagnostics);
        assert!(all.contains(says) && all.contains("湖南-县级-2023.yaml"), "{to}: {all}");
    }
}
