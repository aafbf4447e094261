//! 部门决算 end to end: the sample data renders, and what users see in the
//! PDF (extracted with pdftotext) matches the 蓝山县 reference (002) table by
//! table and sentence by sentence, with its arithmetic errors corrected.

mod common;

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

use common::*;

/// 蓝山县 2023, rendered once for all tests of this file.
fn lanshan() -> &'static (PathBuf, String, String) {
    static R: OnceLock<(PathBuf, String, String)> = OnceLock::new();
    R.get_or_init(|| {
        let out = tempfile::tempdir().unwrap().keep();
        let outcomes = build(&[repo().join("data/蓝山县就业服务中心")], &out);
        assert_eq!(outcomes.len(), 1);
        let o = &outcomes[0];
        assert!(o.ok(), "蓝山 failed: {:?} {:#?}", o.failure, o.diagnostics);
        let pdf = pdf_of(o);
        assert!(pdf.ends_with("蓝山县就业服务中心/2023/2023年度蓝山县就业服务中心部门决算.pdf"), "{}", pdf.display());
        let layout = layout_text(&pdf);
        let plain = strip_footers(&squash(&pdf_text(&pdf)));
        (pdf, layout, plain)
    })
}

/// pdftotext -layout, one string per line with whitespace removed.
fn layout_text(pdf: &std::path::Path) -> String {
    let out = Command::new("pdftotext").args(["-layout", "-enc", "UTF-8"]).arg(pdf).arg("-").output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    text.lines().map(squash).filter(|l| !l.is_empty()).collect::<Vec<_>>().join("\n")
}

/// Page footers (“— 3 —”) interrupt sentences that cross a page.
fn strip_footers(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '—' {
            let mut j = i + 1;
            while j < chars.len() && chars[j].is_ascii_digit() {
                j += 1;
            }
            if j > i + 1 && j < chars.len() && chars[j] == '—' {
                i = j + 1;
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

#[track_caller]
fn rows_in_order(rows: &[&str], what: &str) {
    let (_, layout, _) = lanshan();
    assert_in_order(layout, rows, what);
}

#[test]
fn t01_summary_table_rows() {
    rows_in_order(
        &[
            "部门收支决算总表",
            "公开01表",
            "部门：蓝山县就业服务中心单位：万元",
            "收入支出",
            "项目行次决算数项目行次决算数",
            "栏次1栏次2",
            "一、一般公共预算财政拨款收入1162一、一般公共服务支出14",
            "二、政府性基金预算财政拨款收入2二、外交支出15",
            "三、上级补助收入3三、国防支出16",
            "四、事业收入4四、公共安全支出17",
            "五、经营收入5五、教育支出18",
            "六、附属单位上缴收入6六、科学技术支出19",
            "七、其他收入7223.28七、社会保障和就业支出20385.28",
            "821",
            "本年收入合计9385.28本年支出合计22385.28",
            "用事业基金弥补收支差额10结余分配23",
            "年初结转和结余11年末结转和结余24",
            "1225",
            "总计13385.28总计26385.28",
            "注：本表反映部门本年度的总收支和年末结转结余情况。",
        ],
        "公开01表",
    );
}

#[test]
fn t02_t03_income_and_expense_tables() {
    rows_in_order(
        &[
            "部门收入决算表",
            "公开02表",
            "栏次1234567",
            "合计385.28162223.28",
            "208社会保障和就业支出385.28162223.28",
            "20801人力资源和社会保障管理事务385.28162223.28",
            "2080106就业管理事务385.28162223.28",
            "注：本表反映部门本年度取得的各项收入情况。",
            "部门支出决算表",
            "公开03表",
            "栏次123456",
            // 002 printed this row empty and 270.91 on 2080106 (§3.7 #1, #2).
            "合计385.28270.90114.38",
            "208社会保障和就业支出385.28270.90114.38",
            "20801人力资源和社会保障管理事务385.28270.90114.38",
            "2080106就业管理事务385.28270.90114.38",
            "注：本表反映部门本年度各项支出情况。",
        ],
        "公开02表、公开03表",
    );
}

#[test]
fn t04_t05_fiscal_tables() {
    rows_in_order(
        &[
            "财政拨款收支决算总表",
            "公开04表",
            "项目行次金额项目行次合计",
            "栏次1栏次234",
            "一、一般公共预算财政拨款1162一、一般公共服务支出15",
            "二、政府性基金预算财政拨款2二、外交支出16",
            "3三、国防支出17",
            "7七、社会保障和就业支出21162162",
            "822",
            "本年收入合计9162本年支出合计23162162",
            "年初财政拨款结转和结余10年末财政拨款结转和结余24",
            "一、一般公共预算财政拨款1125",
            "二、政府性基金预算财政拨款1226",
            "1327",
            "总计14162总计28162162",
            "一般公共预算财政拨款支出决算表",
            "公开05表",
            "栏次123",
            "合计162162",
            "208社会保障和就业支出162162",
            "20801人力资源和社会保障管理事务162162",
            "2080106就业管理事务162162",
            "注：本表反映部门本年度一般公共预算财政拨款支出情况。",
        ],
        "公开04表、公开05表",
    );
}

#[test]
fn t06_basic_expenditure_rows() {
    rows_in_order(
        &[
            "一般公共预算财政拨款基本支出决算表",
            "公开06表",
            "301工资福利支出119.01302商品和服务支出39.36307债务利息及费用支出",
            "30101基本工资56.3830201办公费8.7630701国内债务付息",
            "30102津贴补贴30202印刷费4.1130702国外债务付息",
            "30103奖金13.5130203咨询费310资本性支出",
            "30106伙食补助费30204手续费31001房屋建筑物购建",
            "30107绩效工资10.9930205水费31002办公设备购置",
            "30108机关事业单位基本养老保险费15.2130206电费0.7231003专用设备购置",
            "30110职工基本医疗保险缴费22.9230208取暖费31006大型修缮",
            "30211差旅费5.41",
            "30213维修（护）费2.22",
            "303对个人和家庭的补助2.8330215会议费31012拆迁补偿",
            "30304抚恤金0.2130224被装购置费31022无形资产购置",
            "30305生活补助2.6230225专用燃料费31099其他资本性支出",
            "30228工会经费11.82",
            "30310个人农业生产补贴30231公务用车运行维护费39999其他支出0.8",
            "30399对其他个人和家庭的补助支出30239其他交通费用6.07",
            "30240税金及附加费用",
            "30299其他商品和服务支出",
            "人员经费合计121.84公用经费合计40.16",
            "注：本表反映部门本年度一般公共预算财政拨款基本支出明细情况。",
        ],
        "公开06表",
    );
}

#[test]
fn t07_t08_t09_three_public_and_empty_tables() {
    rows_in_order(
        &[
            "财政拨款“三公”经费支出决算表",
            "公开07表",
            "预算数决算数",
            "123456789101112",
            "3000030.2500000.25",
            "政府性基金预算财政拨款收支决算表",
            "公开08表",
            "栏次123456",
            "合计000000",
            "注：本表反映部门本年度政府性基金预算财政拨款收入、支出及结转和结余情况。",
            "蓝山县就业服务中心没有政府性基金收入，也没有使用政府性基金安排的支出，故本表无数据。",
            "国有资本经营预算财政拨款支出决算表",
            "公开09表",
            "栏次123",
            "合计000",
            "注：本表反映部门本年度国有资本经营预算财政拨款支出情况。",
            "蓝山县就业服务中心没有国有资本经营预算财政拨款支出，故本表无数据。",
        ],
        "公开07–09表",
    );
}

#[test]
fn part3_number_determined_sentences() {
    let (_, _, plain) = lanshan();
    let sentences = [
        "2023年度收、支总计385.28万元。与2022年相比，减少27.3万元，减少6.62%，主要是因为人员经费和办公费用减少。",
        "本年收入合计385.28万元，其中：财政拨款收入162万元，占42.05%；上级补助收入0万元，占0%；事业收入0万元，占0%；经营收入0万元，占0%；附属单位上缴收入0万元，占0%；其他收入223.28万元，占57.95%。",
        "本年支出合计385.28万元，其中：基本支出270.9万元，占70.31%；项目支出114.38万元，占29.69%；上缴上级支出0万元，占0%；经营支出0万元，占0%；对附属单位补助支出0万元，占0%。",
        // 002 printed 61% (integer rounding, §3.7 #5).
        "2023年度财政拨款收、支总计162万元，与2022年相比，减少250.58万元，减少60.73%，主要是因为项目支出减少。",
        "2023年度财政拨款支出162万元，占本年支出合计的42.05%，与2022年相比，财政拨款支出减少250.58万元，减少60.73%，主要是因为项目支出减少。",
        "2023年度财政拨款支出162万元，主要用于以下方面：一般公共服务支出0万元，占0%；教育支出0万元，占0%；社会保障和就业支出162万元，占100%。",
        "2023年度财政拨款支出年初预算数为162万元，支出决算数为162万元，完成年初预算的100%，其中：",
        "社会保障和就业（类）人力资源和社会保障管理事务（款）就业管理事务（项）",
        "年初预算为162万元，支出决算为162万元，完成年初预算的100%，决算数等于年初预算数的主要原因是：严格执行预算。",
        // 002 printed 24.78% (§3.7 #4); 75.21 + 24.79 = 100.
        "2023年度财政拨款基本支出162万元，其中：人员经费121.84万元，占基本支出的75.21%，主要包括基本工资、奖金、绩效工资、机关事业单位基本养老保险费、职工基本医疗保险缴费、抚恤金、生活补助；公用经费40.16万元，占基本支出的24.79%，主要包括办公费、印刷费、电费、差旅费、维修（护）费、公务接待费、工会经费、其他交通费用、其他支出。",
        "“三公”经费财政拨款支出预算为3万元，支出决算为0.25万元，完成预算的8.33%",
        // 002 printed 完成预算的0% for a zero budget (§3.7 #6): the clause is omitted.
        "因公出国（境）费支出预算为0万元，支出决算为0万元，决算数等于预算数的主要原因是严格执行预算，与2022年相比持平，持平的主要原因是无因公出国（境）费支出。",
        "公务接待费支出预算为3万元，支出决算为0.25万元，完成预算的8.33%，决算数小于预算数的主要原因是按照上级规定，厉行节约，与2022年相比减少2.3万元，减少90.2%，减少的主要原因是财政年底不走单，经费走不起账。",
        // 002 printed 公务接待费支出决算3万元 (§3.7 #3): it is 0.25, 100% of 三公.
        "2023年度“三公”经费财政拨款支出决算中，因公出国（境）费支出决算0万元，占0%，公务接待费支出决算0.25万元，占100%，公务用车购置费及运行维护费支出决算0万元，占0%。其中：",
        "1、因公出国（境）费支出决算为0万元，全年安排因公出国（境）团组0个，累计0人次，开支内容无。",
        "2、公务接待费支出决算为0.25万元，全年共接待来访团组5个、来宾32人次，主要是市、县就业局业务往来发生的接待支出。",
        "3、公务用车购置费及运行维护费支出决算为0万元，其中：公务用车购置费0万元，公务用车运行维护费0万元，主要是无公务用车运行维护支出。截至2023年12月31日，我单位开支财政拨款的公务用车保有量为0辆。",
        "2023年度本单位无政府性基金收支。",
        "2023年度本单位无国有资本经营预算财政拨款支出。",
        "本部门2023年整体支出385.28万元，其中项目支出114.38万元，本年度重点项目支出0万元。",
        "本部门2023年度机关运行经费支出40.16万元，比年初预算数增加29.17万元，增长265.42%。主要原因是：办公经费增加。",
        "2023年本部门开支会议费0万元，用于召开0次会议，人数0人，内容为无；开支培训费0万元，用于开展0次培训，人数0人，内容为无；举办0次节庆、晚会、论坛、赛事活动，开支0万元，主要是无节庆、晚会、论坛、赛事活动。",
        "本部门2023年度政府采购支出总额0万元，其中：政府采购货物支出0万元、政府采购工程支出0万元、政府采购服务支出0万元。授予中小企业合同金额0万元，其中：授予小微企业合同金额0万元。",
        "截至2023年12月31日，本单位共有车辆0辆，其中，领导干部用车0辆、机要通信用车0辆、应急保障用车0辆、执法执勤用车0辆、特种专业技术用车0辆、其他用车0辆，其他用车无；单位价值50万元以上通用设备0台（套）；单位价值100万元以上专用设备0台（套）。",
    ];
    assert_in_order(plain, &sentences, "第三部分");
}

#[test]
fn outline_and_parts_in_order() {
    let (_, _, plain) = lanshan();
    assert_in_order(
        plain,
        &[
            "2023年蓝山县就业服务中心部门决算",
            "第一部分蓝山县就业服务中心部门概况",
            "一、部门职责",
            "（一）组织实施积极的就业政策。",
            "（九）承办县委、县人民政府交办的其他事项。",
            "二、机构设置及决算单位构成",
            "（一）内设机构设置。蓝山县就业服务中心单位内设机构包括：中心办公室、培训股、就业股、财务室、失业保险股、小额担保贷款中心。",
            "（二）决算单位构成。蓝山县就业服务中心单位2023年部门决算汇总公开单位构成包括：蓝山县就业服务中心单位本级。",
            "第二部分2023年部门决算表",
            "公开01表",
            "公开09表",
            "第三部分2023年度部门决算情况说明",
            "一、收入支出决算总体情况说明",
            "二、收入决算情况说明",
            "三、支出决算情况说明",
            "四、财政拨款收入支出决算总体情况说明",
            "五、一般公共预算财政拨款支出决算情况说明",
            "（一）财政拨款支出决算总体情况",
            "（二）财政拨款支出决算结构情况",
            "（三）财政拨款支出决算具体情况",
            "六、一般公共预算财政拨款基本支出决算情况说明",
            "七、财政拨款三公经费支出决算情况说明",
            "八、政府性基金预算收入支出决算情况",
            "九、国有资本经营预算财政拨款支出决算情况",
            "十、关于2023年度预算绩效情况说明",
            "十一、其他重要事项情况说明",
            "（四）国有资产占用情况",
            "第四部分名词解释",
            "1、机关运行经费：是指各部门的公用经费",
            "2、“三公”经费：纳入财政预算管理的“三公”经费",
            "第五部分附件",
            // The unit-year's 绩效自评 report, published beside it.
            "一、2023年度蓝山县就业服务中心项目支出绩效评价报告。",
        ],
        "部门决算 outline",
    );
}

#[test]
fn pages_are_landscape_for_tables_and_portrait_for_text() {
    let (pdf, _, _) = lanshan();
    let out = Command::new("pdfinfo").args(["-f", "1", "-l", "40"]).arg(pdf).output().unwrap();
    let info = String::from_utf8(out.stdout).unwrap();
    let sizes: Vec<(f64, f64)> = info
        .lines()
        .filter(|l| l.starts_with("Page") && l.contains("size:"))
        .map(|l| {
            let nums: Vec<f64> = l.split_whitespace().filter_map(|w| w.parse().ok()).collect();
            (nums[1], nums[2])
        })
        .collect();
    assert!(sizes.len() >= 12, "{info}");
    let landscape = sizes.iter().filter(|(w, h)| w > h).count();
    let portrait = sizes.iter().filter(|(w, h)| w < h).count();
    assert!(landscape >= 9, "nine tables on landscape pages: {sizes:?}");
    assert!(portrait >= 3, "text on portrait pages: {sizes:?}");
    assert!(sizes[0].0 < sizes[0].1, "first page portrait");
}

#[test]
fn rebuilding_gives_identical_bytes() {
    let (pdf, _, _) = lanshan();
    let out = tempfile::tempdir().unwrap();
    let again = build(&[repo().join("data/蓝山县就业服务中心")], out.path());
    assert_eq!(std::fs::read(pdf).unwrap(), std::fs::read(pdf_of(&again[0])).unwrap());
}

#[test]
fn huaihua_sample_renders_with_cover_contents_and_its_table_order() {
    let out = tempfile::tempdir().unwrap();
    let outcomes = build(&[repo().join("data/怀化市就业服务中心")], out.path());
    let o = &outcomes[0];
    assert!(o.ok(), "怀化 failed: {:?} {:#?}", o.failure, o.diagnostics);
    let text = strip_footers(&squash(&pdf_text(&pdf_of(o))));
    assert_in_order(
        &text,
        &[
            "附件1：",
            "2023年度",
            "市就业服务中心部门决算",
            "目录",
            "七、政府性基金预算财政拨款收入支出决算表",
            "九、财政拨款“三公”经费支出决算表",
            "第一部分市就业服务中心概况",
            "收入支出决算总表",
            "2023年度收、支总计877.77万元。与上年相比，减少153.6万元，减少14.89%，主要是因为财政进一步压减预算。",
            "本年收入合计877.77万元，其中：财政拨款收入840.77万元，占95.78%；其他收入37万元，占4.22%。",
            "本年支出合计877.77万元，其中：基本支出738.08万元，占84.09%；项目支出139.69万元，占15.91%。",
            // One rule for percentages in a profile: 001 printed 94.40% beside 3.22%.
            "社会保障和就业支出793.68万元，占94.40%；卫生健康支出27.09万元，占3.22%；农林水支出20万元，占2.38%。",
            // The 年初预算 of 五（三） is the 整体 table's 897.32 (001 printed it; its items summed to 838.98).
            "2023年度财政拨款支出年初预算数为897.32万元，支出决算数为840.77万元，完成年初预算的93.70%，其中：",
            "人员经费641.21万元，占基本支出的91.46%",
            "公用经费59.87万元，占基本支出的8.54%",
            "公务接待费支出预算为1.4万元，支出决算为1.16万元，完成预算的82.86%",
            // 001 printed 占82.86% (§3.7 #16): the share of 三公 is 100%.
            "公务接待费支出决算1.16万元，占100.00%",
            // 001 printed 增长100% from a zero base (§3.7 #17).
            "本部门2023年度机关运行经费支出59.87万元，比上年决算数增加59.87万元，上年无此项支出。",
            // The meeting's name, not “召开1次会议”.
            "开支会议费0.27万元，用于召开全市就业中心主任座谈会议，人数36人",
        ],
        "怀化",
    );
}

/// 怀化's cover and 目录 carry no folio, the 目录 fits one page, and the
/// body is numbered from 1 at 第一部分.
#[test]
fn front_matter_is_unnumbered_and_the_contents_fit_one_page() {
    let out = tempfile::tempdir().unwrap();
    let o = &build(&[repo().join("data/怀化市就业服务中心")], out.path())[0];
    assert!(o.ok(), "{:?}", o.failure);
    let pdf = pdf_of(o);
    let page = |n: usize| {
        let out = Command::new("pdftotext")
            .args(["-f", &n.to_string(), "-l", &n.to_string(), "-enc", "UTF-8"])
            .arg(&pdf)
            .arg("-")
            .output()
            .unwrap();
        squash(&String::from_utf8(out.stdout).unwrap())
    };
    let (cover, contents, first) = (page(1), page(2), page(3));
    assert!(cover.contains("部门决算") && !cover.contains('—'), "cover: {cover}");
    assert!(
        contents.starts_with("目录") && contents.ends_with("第五部分附件"),
        "目录 on one page, no folio: {contents}"
    );
    assert!(first.starts_with("第一部分") && first.ends_with("—1—"), "first body page is 1");
}
