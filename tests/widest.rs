//! No cell overprints its neighbour: every numeric cell of every table —
//! the nine 公开表 in each built-in profile, and the 基础数据表, the 自评表
//! and the 三公 明细表 of a report — is filled with the widest amount a
//! profile can print (12 integer digits with thousands separators and two
//! decimals; sums run to 13), and the PDF's word boxes (`pdftotext
//! -bbox-layout`) show every number whole and no two words on a line
//! overlapping. The data is synthetic and inconsistent on purpose: it is
//! built with --draft.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;

/// The widest amount: 888,888,888,888.88 (8 is the widest digit of most faces).
const W: &str = "888888888888.88";

fn final_accounts() -> String {
    let econ: String = gongkai::resources::catalogue(Path::new("/nonexistent"), 2023)
        .unwrap()
        .econ
        .groups
        .iter()
        .flat_map(|g| g.rows.iter())
        .filter(|r| r.code.len() == 5)
        .map(|r| format!("  \"{}\": {W}\n", r.code))
        .collect();
    let items = format!("{{abroad: {W}, car_purchase: {W}, car_running: {W}, reception: {W}}}");
    [
        "# 合成数据（测试用，不是任何单位的数字）：每格都是最宽的金额。".to_string(),
        "year: 2023".into(),
        "income:".into(),
        format!("  - {{code: \"2080106\", fiscal: {W}, gov_fund: {W}, superior: {W}, business: {W}, operating: {W}, affiliated: {W}, other: {W}}}"),
        format!("  - {{code: \"2010101\", fiscal: {W}}}"),
        "expense:".into(),
        format!("  - {{code: \"2080106\", basic: {W}, project: {W}, remit_superior: {W}, operating: {W}, affiliated: {W}, fiscal_basic: {W}, fiscal_project: {W}, fiscal_initial_budget: {W}, reason: 测试}}"),
        format!("  - {{code: \"2010101\", basic: {W}, fiscal_basic: {W}, fiscal_initial_budget: {W}, reason: 测试}}"),
        "gov_fund:".into(),
        format!("  - {{code: \"2080106\", opening: {W}, income: {W}, basic: {W}, project: {W}}}"),
        "soe:".into(),
        format!("  - {{code: \"2080106\", basic: {W}, project: {W}}}"),
        format!("basic_by_econ:\n{econ}"),
        "three_public:".into(),
        format!("  budget: {items}"),
        format!("  actual: {items}"),
        format!("balances: {{use_of_business_fund: {W}, opening: {W}, surplus_distribution: {W}, opening_fiscal: {W}, opening_gov_fund: {W}}}"),
        format!("previous: {{total: {W}, fiscal_total: {W}, fiscal_expense: {W}, org_running_cost: {W}, three_public: {items}}}"),
        format!("org_running_cost_budget: {W}"),
        "reasons: {total_change: 测试, fiscal_change: 测试, fiscal_expense_change: 测试, org_running_cost: 测试}".into(),
    ]
    .join("\n")
        + "\n"
}

fn performance() -> String {
    let funds = format!("{{initial: {W}, annual: {W}, executed: {W}}}");
    let cols = format!("{{previous: {W}, budget: {W}, actual: {W}}}");
    let items = format!("{{abroad: {W}, car_purchase: {W}, car_running: {W}, reception: {W}}}");
    let indicators = [
        "    indicators:",
        "      - {level1: 产出指标, level2: 数量指标, rows: [{name: 甲, target: 1, actual: 1, weight: 50, score: 50}]}",
        "      - {level1: 效益指标, level2: 社会效益指标, rows: [{name: 乙, target: 1, actual: 1, weight: 30, score: 30}]}",
        "      - {level1: 满意度指标, level2: 服务对象满意度指标, rows: [{name: 丙, target: 1, actual: 1, weight: 10, score: 10}]}",
    ]
    .join("\n");
    [
        "# 合成数据（测试用，不是任何单位的数字）。".to_string(),
        "year: 2023".into(),
        "reports:".into(),
        "  - kind: overall".into(),
        "    title: [最宽的数]".into(),
        "    sections:".into(),
        "      - title: 三公".into(),
        "        content:".into(),
        "          - computed: three_public_table".into(),
        "    tables: [basic_data, overall, projects]".into(),
        format!("numbers:\n  three_public: {{budget: {items}, actual: {items}, previous: {items}}}"),
        "basic_data:".into(),
        format!("  three_public: {{previous: {items}, budget: {items}, actual: {items}}}"),
        format!("  business_funds: {cols}\n  operation_funds: {cols}\n  other_funds: {cols}\n  public_cost: {cols}"),
        format!("  special_funds: [{{name: 项目, previous: {W}, budget: {W}, actual: {W}}}]"),
        format!("  office: {cols}\n  utilities_travel: {cols}\n  meetings_training: {cols}\n  procurement: {cols}\n  basic_adjustment: {cols}"),
        format!("  buildings: {{approved_area: {W}, actual_area: {W}, budget_investment: {W}, actual_investment: {W}}}"),
        "overall:".into(),
        format!("  funds: {funds}"),
        format!("  by_income: {{general_budget: {W}, gov_fund: {W}, special_account: {W}, other: {W}}}"),
        format!("  by_expense: {{basic: {W}, project: {W}}}"),
        indicators.replace("    indicators", "  indicators").replace("\n      -", "\n    -"),
        "projects:".into(),
        "  - name: 项目".into(),
        format!("    current_fiscal: {funds}\n    carryover: {funds}\n    other: {funds}"),
        indicators,
    ]
    .join("\n")
        + "\n"
}

/// Every word of a PDF, by line: (text, xMin, xMax).
fn lines(pdf: &Path) -> Vec<Vec<(String, f64, f64)>> {
    let out = Command::new("pdftotext").args(["-bbox-layout", "-enc", "UTF-8"]).arg(pdf).arg("-").output().unwrap();
    let xml = String::from_utf8(out.stdout).unwrap();
    let attr = |tag: &str, name: &str| -> f64 {
        let k = format!("{name}=\"");
        let i = tag.find(&k).unwrap() + k.len();
        tag[i..].split('"').next().unwrap().parse().unwrap()
    };
    let mut all = Vec::new();
    for line in xml.split("<line ").skip(1) {
        let mut words = Vec::new();
        for w in line.split("<word ").skip(1) {
            let (tag, rest) = w.split_once('>').unwrap();
            let text = rest.split("</word>").next().unwrap().to_string();
            words.push((text, attr(tag, "xMin"), attr(tag, "xMax")));
        }
        all.push(words);
    }
    all
}

fn check_pdf(pdf: &Path) -> usize {
    let mut numbers = 0;
    let groups = |int: &str, first_short: bool| {
        int.split(',').enumerate().all(|(i, g)| {
            (g.len() == 3 || (i == 0 && first_short && !g.is_empty() && g.len() < 3))
                && g.chars().all(|c| c.is_ascii_digit())
        })
    };
    let decimals = |f: &str| f.len() == 2 && f.chars().all(|c| c.is_ascii_digit());
    // A whole amount, or the two halves of one wrapped at a thousands separator.
    let is_amount = |s: &str| {
        let s = s.strip_prefix('-').unwrap_or(s);
        if let Some(head) = s.strip_suffix(',') {
            return groups(head, true);
        }
        let (int, frac) = s.split_once('.').unwrap_or((s, ""));
        decimals(frac) && (groups(int, true) || groups(int, false))
    };
    for words in lines(pdf) {
        for (w, _, _) in &words {
            // A number run into its neighbour reads as one word: “888,888.88888,888.88”.
            let numeric = w.chars().all(|c| c.is_ascii_digit() || ",.-".contains(c));
            if numeric && w.len() > 6 && w.contains([',', '.']) {
                assert!(
                    is_amount(w),
                    "{}: “{w}” is not one whole amount (nor half of one wrapped at a comma)",
                    pdf.display()
                );
                numbers += 1;
            }
        }
        for pair in words.windows(2) {
            let (a, b) = (&pair[0], &pair[1]);
            assert!(
                a.2 <= b.1 + 0.5,
                "{}: “{}” ({:.1}–{:.1}) overlaps “{}” ({:.1}–{:.1})",
                pdf.display(),
                a.0,
                a.1,
                a.2,
                b.0,
                b.1,
                b.2
            );
        }
    }
    numbers
}

#[test]
fn the_widest_amounts_fit_every_cell_in_every_profile() {
    for profile in gongkai::resources::builtin_profiles() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("data");
        let text = std::fs::read_to_string(repo().join(format!("data/profiles/{profile}.yaml"))).unwrap();
        let (head, tail) = text.split_once("numbers:\n").unwrap();
        let rest: String = tail.lines().skip_while(|l| l.starts_with("  ")).map(|l| format!("{l}\n")).collect();
        let widest =
            format!("{head}numbers:\n  text_money: fixed2\n  table_money: fixed2\n  thousands_separator: true\n{rest}")
                .replace(&format!("name: {profile}"), "name: 最宽");
        std::fs::create_dir_all(root.join("profiles")).unwrap();
        std::fs::write(root.join("profiles/最宽.yaml"), widest).unwrap();
        let unit = root.join("最宽的数（合成）");
        std::fs::create_dir_all(unit.join("2023")).unwrap();
        let unit_yaml = std::fs::read_to_string(repo().join("data/蓝山县就业服务中心/单位.yaml"))
            .unwrap()
            .replace("profile: 湖南-县级-2023", "profile: 最宽");
        std::fs::write(unit.join("单位.yaml"), unit_yaml).unwrap();
        std::fs::write(unit.join("2023/决算.yaml"), final_accounts()).unwrap();
        std::fs::write(unit.join("2023/绩效自评.yaml"), performance()).unwrap();
        let out = dir.path().join("out");
        let opts =
            gongkai::batch::Options { draft: true, jobs: 1, force: true, ..gongkai::batch::Options::build(&out) };
        let o = &session().run(&[root], &opts)[0];
        let pdfs: Vec<_> = o.written.iter().filter(|p| p.extension().is_some_and(|e| e == "pdf")).collect();
        assert_eq!(pdfs.len(), 2, "{profile}: {:?} {:#?}", o.failure, o.diagnostics);
        if let Ok(keep) = std::env::var("GONGKAI_KEEP_WIDEST") {
            for p in &pdfs {
                std::fs::copy(
                    p,
                    Path::new(&keep).join(format!("{profile}-{}", p.file_name().unwrap().to_string_lossy())),
                )
                .unwrap();
            }
        }
        let numbers: usize = pdfs.iter().map(|p| check_pdf(p)).sum();
        assert!(numbers > 300, "{profile}: only {numbers} widest amounts printed");
    }
}
