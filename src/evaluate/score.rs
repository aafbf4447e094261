//! The scoring rules of 财预〔2020〕10号 for one indicator, when a table
//! asks for them (`score_by_rule: true`): a 定量 indicator scores its
//! 分值 × 完成值/指标值 (正向: ≥, >, =) or × 指标值/完成值 (逆向: ≤, <),
//! never more than its 分值; a 定性 indicator's grade gives a band of its
//! 分值 (达成 [80%, 100%], 部分达成 [60%, 80%), 未达成 [0, 60%)), and by
//! rule it scores 达成 in full and the others the middle of their band
//! (70%, 30%): the rule names a band, not a point, so the point is ours and
//! documented. Exact decimals, the score rounded once to 0.01; no division
//! by zero can reach a table.

use rust_decimal::Decimal;

use crate::model::{Grade, Indicator, Nature};
use crate::money::Money;

/// An indicator's score by rule, and the rule applied (for `explain`), or
/// why it cannot be scored by rule.
pub fn rule_score(ind: &Indicator, weight: Money) -> Result<(Money, String), String> {
    let nature = ind.nature.ok_or("没有写指标性质（nature），不能按规则计分")?;
    if nature == Nature::Qualitative {
        let grade = ind.grade.ok_or("定性指标要写完成档次 grade（达成、部分达成或未达成）才能按规则计分")?;
        let p = grade.rule_percent();
        let s = share(weight, Decimal::from(p) / Decimal::from(100));
        let (lo, hi) = grade.band();
        return Ok((s, format!("定性指标{}（分值的 {lo}%–{hi}%）：按规则取分值 × {p}%", grade.zh())));
    }
    let target = ind.value.as_ref().map(|v| v.name.as_str()).ok_or("没有写指标值（value），不能按规则计分")?;
    let target =
        number_in(target, ind.unit.as_deref()).ok_or_else(|| format!("指标值“{target}”不是数，不能按规则计分"))?;
    let actual = ind.actual.as_deref().ok_or("没有写完成值（actual），不能按规则计分")?;
    let actual =
        number_in(actual, ind.unit.as_deref()).ok_or_else(|| format!("完成值“{actual}”不是数，不能按规则计分"))?;
    let (t, a) = (target.0, actual.0);
    let (ratio, how) = if nature.reverse() {
        // 逆向: reaching the target means staying at or under it.
        if a <= t || a.is_zero() {
            (Decimal::ONE, "逆向指标，完成值不超过指标值：得满分".to_string())
        } else {
            (t / a, "逆向指标：分值 × 指标值 ÷ 完成值".to_string())
        }
    } else if nature == Nature::Equal && !t.is_zero() && a > t {
        (t / a, "等于指标值为完成：分值 × 指标值 ÷ 完成值".to_string())
    } else if t.is_zero() || a >= t {
        (Decimal::ONE, "正向指标，完成值达到指标值：得满分".to_string())
    } else {
        (a / t, "正向指标：分值 × 完成值 ÷ 指标值".to_string())
    };
    Ok((share(weight, ratio.max(Decimal::ZERO).min(Decimal::ONE)), how))
}

/// `weight × ratio`, rounded to 0.01, never above the weight.
fn share(weight: Money, ratio: Decimal) -> Money {
    Money(weight.0 * ratio).round(2).min(weight)
}

/// Whether a typed score lies in its grade's band: from the lowest share
/// (含) up to the highest, which only 达成 includes (80% is 达成's).
pub fn in_band(grade: Grade, weight: Money, score: Money) -> bool {
    let (lo, hi) = grade.band();
    let at = |p: u32| weight.0 * Decimal::from(p) / Decimal::from(100);
    let below_hi = if grade == Grade::Reached { score.0 <= at(hi) } else { score.0 < at(hi) };
    score.0 >= at(lo) && below_hi
}

/// The number in an indicator's value as typed: “≥90%”, “205家”, “10万元”,
/// “1,306” — a leading 性质 sign and a trailing unit (the indicator's own,
/// or any non-numeric tail) are dropped. `None` for words (“效果明显”).
pub fn number_in(text: &str, unit: Option<&str>) -> Option<Money> {
    let mut t = text.trim();
    for sign in ["≥", "≤", ">=", "<=", ">", "<", "=", "＞", "＜", "≧", "≦"] {
        if let Some(rest) = t.strip_prefix(sign) {
            t = rest.trim_start();
            break;
        }
    }
    if let Some(u) = unit.map(str::trim).filter(|u| !u.is_empty()) {
        t = t.strip_suffix(u).unwrap_or(t).trim_end();
    }
    let end = t.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ',' || c == '-')).unwrap_or(t.len());
    let (number, rest) = t.split_at(end);
    // A unit may follow (%, 个, 万元); anything else after a number is not a number.
    if rest.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    Money::parse(number).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Named;

    fn ind(nature: &str, value: &str, actual: &str) -> Indicator {
        Indicator {
            name: "x".into(),
            target: None,
            nature: Some(Nature::try_from(nature.to_string()).unwrap()),
            value: Some(Named { name: value.into(), at: Default::default() }),
            unit: Some("%".into()),
            actual: Some(actual.into()),
            grade: None,
            weight: None,
            score: None,
            note: None,
        }
    }

    fn score(nature: &str, value: &str, actual: &str, weight: i64) -> String {
        rule_score(&ind(nature, value, actual), Money::from_int(weight)).map(|(s, _)| s.trimmed()).unwrap_or_else(|e| e)
    }

    #[test]
    fn quantitative_scores_follow_the_national_rule() {
        // 正向: reached or exceeded scores in full; short of it, in proportion.
        assert_eq!(score("≥", "90", "93.91%", 10), "10");
        assert_eq!(score("≥", "90", "81", 10), "9");
        assert_eq!(score("≥", "3", "1", 10), "3.33");
        // 逆向: at or under the target in full; over it, target ÷ actual.
        assert_eq!(score("≤", "10", "8", 5), "5");
        assert_eq!(score("≤", "10", "12.5", 5), "4");
        assert_eq!(score("<", "0", "0", 5), "5");
        // “=”: off either way costs in proportion.
        assert_eq!(score("=", "100", "100", 8), "8");
        assert_eq!(score("=", "100", "125", 8), "6.4");
        assert_eq!(score("=", "100", "80", 8), "6.4");
        // No division by zero: a zero target is reached by any completion.
        assert_eq!(score("≥", "0", "0", 4), "4");
        assert!(score("≥", "效果明显", "效果明显", 4).contains("不是数"));
    }

    #[test]
    fn qualitative_scores_take_the_top_of_their_band() {
        let mut i = ind("定性", "效果明显", "效果明显");
        assert!(rule_score(&i, Money::from_int(10)).unwrap_err().contains("grade"));
        i.grade = Some(Grade::Partly);
        assert_eq!(rule_score(&i, Money::from_int(10)).unwrap().0.trimmed(), "7");
        i.grade = Some(Grade::Reached);
        assert_eq!(rule_score(&i, Money::from_int(10)).unwrap().0.trimmed(), "10");
        let w = Money::from_int(10);
        // 80% (含) is 达成's, not 部分达成's; 60% (含) is 部分达成's.
        assert!(in_band(Grade::Reached, w, Money::from_int(8)));
        assert!(!in_band(Grade::Partly, w, Money::from_int(8)));
        assert!(in_band(Grade::Partly, w, Money::from_int(6)));
        assert!(!in_band(Grade::Missed, w, Money::from_int(6)));
        assert!(in_band(Grade::Missed, w, Money::ZERO));
    }

    #[test]
    fn numbers_are_read_from_values_as_typed() {
        let n = |s: &str, u: Option<&str>| number_in(s, u).map(|m| m.trimmed());
        assert_eq!(n("≥90%", None).as_deref(), Some("90"));
        assert_eq!(n("205家", Some("家")).as_deref(), Some("205"));
        assert_eq!(n("1,306", None).as_deref(), Some("1306"));
        assert_eq!(n("≤10万元", Some("万元")).as_deref(), Some("10"));
        assert_eq!(n("2023年12月31日", None), None);
        assert_eq!(n("效果明显", None), None);
    }
}
