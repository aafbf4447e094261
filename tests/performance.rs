//! 绩效自评 end to end: the reports of 000, 001, 003, 004 and 002 render
//! from the sample data, and their headings, computed sentences and tables
//! appear in the PDF text in order, with the references' errors corrected;
//! the as-published fixtures report those errors.

mod common;

use std::sync::OnceLock;

use common::*;
use gongkai::diagnostic::Severity;

/// Every sample unit rendered once; (unit, file name) → squashed text.
fn rendered() -> &'static Vec<(String, String, String)> {
    static R: OnceLock<Vec<(String, String, String)>> = OnceLock::new();
    R.get_or_init(|| {
        let out = tempfile::tempdir().unwrap().keep();
        let outcomes = build(&[repo().join("data")], &out);
        let mut docs = Vec::new();
        for o in &outcomes {
            assert!(o.ok(), "{} {} failed: {:?} {:#?}", o.unit, o.year, o.failure, o.diagnostics);
            for p in o.written.iter().filter(|p| p.extension().is_some_and(|e| e == "pdf")) {
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                docs.push((o.unit.clone(), name, squash(&pdf_text_raw(p))));
            }
        }
        docs
    })
}

fn doc(file: &str) -> &'static str {
    rendered().iter().find(|(_, f, _)| f == file).map(|(_, _, t)| t.as_str()).unwrap_or_else(|| {
        panic!("{file} not rendered; have {:?}", rendered().iter().map(|d| &d.1).collect::<Vec<_>>())
    })
}

#[test]
fn every_sample_document_is_written_under_its_published_name() {
    let names: Vec<&str> = rendered().iter().map(|(_, f, _)| f.as_str()).collect();
    for want in [
        "2023年度蓝山县就业服务中心部门决算.pdf",
        "2023年度蓝山县就业服务中心项目支出绩效评价报告.pdf",
        "2023年度怀化市就业服务中心部门决算.pdf",
        "2023年度怀化市就业服务中心部门整体支出绩效自评报告.pdf",
        "2023年度湖南省就业服务中心部门整体支出绩效自评报告.pdf",
        "2021年度湖南省人力资源和社会保障厅部门整体支出绩效自评报告.pdf",
        "2023年度株洲市渌口区人力资源和社会保障局部门整体支出绩效自评报告.pdf",
    ] {
        assert!(names.contains(&want), "{want} missing from {names:?}");
    }
}

#[test]
fn provincial_centre_000_report() {
    let t = doc("2023年度湖南省就业服务中心部门整体支出绩效自评报告.pdf");
    assert_in_order(
        t,
        &[
            "2023年度湖南省就业服务中心整体支出",
            "绩效自评报告",
            "单位名称（盖章）：湖南省就业服务中心",
            "2024年5月21日",
            "一、基本情况",
            "（一）单位人员情况",
            "（二）机构设置及职能",
            "二、一般公共预算支出情况",
            // 000 stated 1516.54 while its items add to 1516.55 (§3.7 #33): a 尾差, printed as published.
            "2023年省财政批复的基本支出预算1524.1万元，本年实际支出1516.54万元。",
            "工资福利支出1134.72万元，占基本支出74.82%；一般商品和服务支出157.29万元",
            "占基本支出10.37%；对个人和家庭补助支出224.54万元",
            "占基本支出14.81%。",
            "“三公”经费年初预算3万元",
            "实际“三公”经费支出2.59万元",
            "省财政批复2023年项目支出预算1011.26万元，实际项目支出503.79万元，年末项目支出结余507.47万元。",
            // 4.89 of 503.79 was unexplained (§3.7 #34).
            "资本性支出4.89万元",
            "三、政府基金预算支出情况",
            "四、国有资本经营预算支出情况",
            "五、社会保险基金预算支出情况",
            "失业保险基金预算收入988071.19万元",
            "实际收入984840.97万元",
            "完成预算的99.67%",
            "失业保险基金预算支出335663.79万元",
            // 000 stated 169279.43 while the items add to 169279.42 (§3.7 #35): printed as published.
            "实际支出169279.43万元",
            "完成预算的50.43%",
            "当期收支结余815561.55万元，期初结余273018.67万元，期末滚存结余1088580.22万元。",
            "六、部门整体支出绩效情况",
            "七、存在的问题及原因分析",
            "八、改进措施",
            "九、绩效自评结果拟应用情况",
            "十、其他需要说明的情况",
            "附件：",
            "1.部门整体支出绩效评价基础数据表",
            "6.失业保险基金预算支出情况表",
        ],
        "000",
    );
}

#[test]
fn provincial_department_003_report_and_three_public_table() {
    let t = doc("2021年度湖南省人力资源和社会保障厅部门整体支出绩效自评报告.pdf");
    assert_in_order(
        t,
        &[
            "2021年度湖南省人力资源和社会保障厅",
            "部门整体支出绩效自评报告",
            "一、部门（单位）基本情况",
            "二、绩效评价组织情况",
            "三、一般公共预算支出情况",
            "年初预留及年中调整追加1348.74万元",
            "“三公”经费决算情况明细表",
            "金额单位：万元",
            "因公出国（境）费用0.0055.0055.000.000.00",
            "公务接待费16.5940.8024.2120.24-3.65-18%",
            "公务用车购置及运行费173.12250.0076.88208.04-34.92-17%",
            "其中：公务车运行维护费125.54173.0047.46180.70-55.16-31%",
            "公务用车购置费47.5877.0029.4227.3420.2474%",
            "合计189.71345.80156.09228.28-38.57-17%",
            "六、社会保险基金预算支出情况",
            "企业职工基本养老保险基金预算收入1421.72亿元",
            "七、预算管理情况",
            "八、部门整体支出绩效情况",
            "绩效自评分为90分，为“优”等级。",
            // 003 dropped the numbers 九 and 十 (§3.7 #43).
            "九、存在的问题及原因分析",
            "十、下一步改进措施",
            "十一、绩效自评结果拟应用和公开情况",
            "十二、其他需要说明的情况",
            "附件：",
            "14.城乡居民基本养老保险基金预算支出情况",
            "湖南省人力资源和社会保障厅",
            "2022年5月日",
        ],
        "003",
    );
}

#[test]
fn district_bureau_004_project_lists() {
    let t = doc("2023年度株洲市渌口区人力资源和社会保障局部门整体支出绩效自评报告.pdf");
    assert_in_order(
        t,
        &[
            "株洲市渌口区人力资源和社会保障局",
            "部门整体支出绩效自评报告",
            "一、预算单位基本情况",
            "二、一般公共预算支出情况",
            "2023年一般公共预算财政拨款项目支出共有14个项目共1758.76万元。",
            "2023年其他单位资金项目支出共有7个项目共247.68万元。",
            "三、部门整体支出绩效情况",
            "四、存在的问题及原因分析",
            "五、下一步改进措施",
            "六、绩效自评结果拟应用和公开情况",
        ],
        "004",
    );
}

#[test]
fn huaihua_001_overall_report_basic_data_and_overall_table() {
    let t = doc("2023年度怀化市就业服务中心部门整体支出绩效自评报告.pdf");
    assert_in_order(
        t,
        &[
            "2023年部门整体支出绩效自评报告",
            "一、部门、单位基本情况",
            "怀化市就业服务中心编制数54人，实际在职人数46人，在职人员控制率85.19%。",
            "附件1-1",
            "部门整体支出绩效评价基础数据表",
            "填报单位：怀化市就业服务中心",
            "544685.19%",
            "三公经费1.421.401.16",
            "3、公务接待1.421.401.16",
            // 项目支出 is the 部门决算's 139.69; its rows add to 139.68 (尾差).
            "项目支出：115.4993.00139.69",
            // 非税拨款's 0.5 budget is in the row and in the total (001 left it out: 92.50).
            "3、市级专项资金115.4993.00139.68",
            "流动人员档案管理工作经费2117.5017.50",
            "2021年创业担保贷款奖补资金20",
            "公用经费82.217259.87",
            "填表人：王莹",
            "2024.6.16",
            "附件1-2",
            "整体支出绩效自评表",
            "怀化市就业服务中心",
            // 执行率 against 全年预算数 (财预〔2020〕10号); 001 divided by 年初 (§3.7 #20).
            "年度资金总额897.32877.77877.7710100.00%10",
            "其中：一般公共预算：897.32其中：基本支出：804.32",
            "新增农村劳动力转移就业3.9万4.03万",
            "全市城镇登记失业率",
            "失业保险参保总人数32.8万32.81万人",
            "总分10098",
        ],
        "001 整体",
    );
}

#[test]
fn lanshan_002_project_report() {
    let t = doc("2023年度蓝山县就业服务中心项目支出绩效评价报告.pdf");
    assert_in_order(
        t,
        &[
            "蓝山县2023年度就业补助专项资金项目绩效自评报告",
            "一、项目情况",
            "合计预算收入2906.22万元。",
            "二、",
            "上年度结余资金153.22万元，合计收入3066.22万元，资金到位率105.51%。",
            "三、",
            "2023年实际支出就业专项资金2990.68万元。",
            "社会保险补贴599.03万元（其中企业社会保险补贴103.62万元，灵活就业人员社会保险补贴289.05万元，公益性岗位人员社会保险206.36万元）",
            "全年执行率为97.54%。",
            "四、",
            "五、资金管理情况",
            "六、项目绩效情况",
        ],
        "002 附件",
    );
}

fn errors_of(unit: &str) -> Vec<gongkai::diagnostic::Diagnostic> {
    let outcomes = check(&[repo().join("tests/fixtures/as-published").join(unit)]);
    outcomes.into_iter().flat_map(|o| o.diagnostics).collect()
}

#[test]
fn as_published_001_reports_the_110_point_table() {
    let d = errors_of("怀化市就业服务中心");
    let p1 = d.iter().find(|d| d.rule == "P-1").expect("P-1");
    assert!(p1.message.contains("110"), "{}", p1.message);
    let p2: Vec<&str> = d.iter().filter(|d| d.rule == "P-2").map(|d| d.message.as_str()).collect();
    assert!(p2.iter().any(|m| m.contains("产出指标") && m.contains("55")), "{p2:?}");
    assert!(p2.iter().any(|m| m.contains("效益指标") && m.contains("35")), "{p2:?}");
}

#[test]
fn as_published_000_reports_its_sums() {
    let d = errors_of("湖南省就业服务中心");
    // 1516.54 against its items' 1516.55 is a 尾差 (three items, ±0.015): a note, not an error.
    assert!(
        d.iter().any(|d| d.rule == "S-ROUNDING"
            && d.severity == Severity::Info
            && d.message.contains("1516.55")
            && d.message.contains("1516.54")),
        "{d:#?}"
    );
    let econ: Vec<&gongkai::diagnostic::Diagnostic> = d.iter().filter(|d| d.rule == "N-ECON").collect();
    assert!(econ.iter().any(|d| d.severity == Severity::Error && d.message.contains("4.89")), "{econ:#?}");
}

#[test]
fn corrected_sample_data_passes_every_check() {
    let outcomes = check(&[repo().join("data")]);
    for o in outcomes {
        let errors: Vec<_> = o.diagnostics.iter().filter(|d| d.severity == Severity::Error).collect();
        assert!(errors.is_empty(), "{} {}: {errors:#?}", o.unit, o.year);
    }
}

/// Every indicator row of 001's eleven 项目支出绩效自评表, in order. The
/// expected rows (tests/fixtures/expected/) were checked cell by cell
/// against the reference text.
#[test]
fn huaihua_001_eleven_project_tables() {
    let t = doc("2023年度怀化市就业服务中心项目支出绩效自评报告.pdf");
    let expected = std::fs::read_to_string(repo().join("tests/fixtures/expected/怀化-项目支出绩效自评表.tsv")).unwrap();
    let mut needles: Vec<String> = vec!["附件2".into(), "项目支出绩效自评报告".into(), "附件2-1".into()];
    let mut tables = 0;
    for line in expected.lines() {
        if let Some(name) = line.strip_prefix("## ") {
            tables += 1;
            needles.push("项目支出绩效自评表".into());
            needles.push(name.to_string());
            needles.push("年度资金总额".into());
        } else {
            needles.push(line.split('\t').collect::<String>());
        }
    }
    assert_eq!(tables, 11);
    let refs: Vec<&str> = needles.iter().map(String::as_str).collect();
    assert_in_order(t, &refs, "001 项目支出绩效自评表");
    // Each table's 总分 is computed: 001 left it blank in tables 2–11 (§3.7 #22).
    assert_eq!(t.matches("总分100").count(), 11, "every corrected table totals 100 分值");
}

/// Every kind of computed paragraph either prints from a sample unit's data
/// or, when the data lacks its figures, prints nothing and is refused by
/// 审核 (P-COMPUTED) — never a sentence around zeros or an empty list (a
/// kind listed in `COMPUTED_KINDS` but not handled would panic here). An
/// unknown kind is refused when the file is loaded, at its line, with the
/// nearest kind suggested — it never reaches a document.
#[test]
fn every_computed_kind_renders_or_is_refused() {
    use gongkai::model::{COMPUTED_KINDS, ComputedKey, Content};
    let uy = gongkai::load::UnitYear::find(&repo().join("data/湖南省就业服务中心"), 2023);
    let a = gongkai::unit_year::assess(&uy, &Default::default()).unwrap();
    let p = a.data.performance.clone().unwrap();
    let kinds: Vec<String> = COMPUTED_KINDS
        .iter()
        .map(|k| k.to_string())
        .chain(p.funds.iter().map(|f| format!("fund:{}", f.name)))
        .collect();
    for kind in kinds {
        let mut one = p.clone();
        let mut r = p.reports[0].clone();
        r.intro = vec![Content::Computed { computed: ComputedKey::try_from(kind.clone()).unwrap() }];
        r.sections.clear();
        one.reports = vec![r.clone()];
        let mut l = gongkai::ledger::Ledger::new();
        let file = l.file(std::path::Path::new("绩效自评.yaml"));
        let e = gongkai::evaluate::evaluate(
            &mut l,
            &one,
            file,
            false,
            &gongkai::resources::profile(&repo().join("data"), "湖南-县级-2023").unwrap(),
        );
        let refused = gongkai::evaluate::check(&mut l, std::path::Path::new("绩效自评.yaml"), &one, &e, None)
            .iter()
            .any(|d| d.rule == "P-COMPUTED" && d.message.contains(&format!("计算段落 {kind} ")));
        let f = gongkai::render::Figures::new(std::sync::Arc::new(l), &a.profile().numbers);
        let view = gongkai::render::report_view(&a.data.unit, &one, &e, &r, &f, false);
        assert_eq!(view.blocks.is_empty(), refused, "{kind}: {:?}", view.blocks);
        // This sample has no staff, project list, 整体 table, special fund or project tables.
        let without_figures = kind == "staff"
            || kind == "project_list"
            || kind == "score"
            || kind.starts_with("special_fund")
            || kind.starts_with("project_") && kind != "project_expenditure" && kind != "project_by_econ";
        assert_eq!(refused, without_figures, "{kind}");
    }

    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("data/蓝山县就业服务中心"), &dir.path().join("蓝山"));
    let file = dir.path().join("蓝山/2023/绩效自评.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    let (before, _) = text.split_once("computed: special_fund_budget").expect("sample has special_fund_budget");
    let line = before.lines().count();
    std::fs::write(&file, text.replacen("computed: special_fund_budget", "computed: special_fund_budgt", 1)).unwrap();
    let outcomes = check(&[dir.path().join("蓝山")]);
    let d = outcomes[0].diagnostics.iter().find(|d| d.message.contains("未知的计算段落")).expect("refused");
    assert_eq!((d.rule, d.severity), ("L-VALUE", Severity::Error));
    assert_eq!(d.line as usize, line, "{d:?}");
    assert!(d.message.contains("是否想写“special_fund_budget”"), "{}", d.message);
}

/// `fund:<名称>` names a fund of `funds:` (spaces around the name are not
/// part of it); one that names no fund is an error, not a note in the PDF.
#[test]
fn fund_paragraphs_must_name_a_listed_fund() {
    let dir = tempfile::tempdir().unwrap();
    let unit = dir.path().join("人社厅");
    copy_dir(&repo().join("data/湖南省人力资源和社会保障厅"), &unit);
    let file = unit.join("2021/绩效自评.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    let edited = text.replacen(
        "- computed: funds",
        "- computed: \"fund: 企业职工基本养老保险基金\"\n          - computed: fund:彩票公益金",
        1,
    );
    assert_ne!(edited, text);
    std::fs::write(&file, edited).unwrap();
    let o = &check(&[unit])[0];
    let fund_errors: Vec<&str> =
        o.diagnostics.iter().filter(|d| d.rule == "P-FUND").map(|d| d.message.as_str()).collect();
    assert_eq!(fund_errors.len(), 1, "only the unknown fund: {fund_errors:?}");
    assert!(
        fund_errors[0].contains("彩票公益金") && fund_errors[0].contains("企业职工基本养老保险基金"),
        "{}",
        fund_errors[0]
    );
}
